/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the genetlink APIs of the kernels the module
 * supports (Debian's 6.1 and 6.12) lives here, so handlers read the same
 * on all of them. doc/protocol.md says what users see differ.
 */
#ifndef _NLIPC_COMPAT_H
#define _NLIPC_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/*
 * A dump request's parsed attributes. 6.2 split do and dump ops and moved
 * them into a struct genl_info inside genl_dumpit_info.
 */
static inline struct nlattr *const *nlipc_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _NLIPC_COMPAT_H */
