/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Do not edit directly, auto-generated from: */
/*	spec/nlipc.yaml */
/* by tools/gen/nlipc-gen; make regenerates it. */

#ifndef _NLIPCD_POLICY_GEN_H
#define _NLIPCD_POLICY_GEN_H

#include <linux/nlipc.h>

/*
 * The highest attribute type of any request policy (at least the
 * reject-all policy's 1): tb[NLIPCD_REQ_ATTR_MAX + 1] holds any request's.
 */
#define NLIPCD_REQ_ATTR_MAX	NLIPC_A_KV_REPLACE

#endif /* _NLIPCD_POLICY_GEN_H */
