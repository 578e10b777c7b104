/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The family's operations and their request policies (generated from the
 * spec, as the module's are), and a validator that refuses what the kernel's
 * netlink attribute parser (lib/nlattr.c of 6.1) refuses, with the same
 * errno, extack message, offending attribute and policy description.
 * tests/nlipcd/wire-diff.py holds the two to the same bytes.
 */
#ifndef _NLIPCD_POLICY_H
#define _NLIPCD_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/nlipc.h>

#include "nlipcd.h"
#include "reply.h"
#include "policy-gen.h"

/* The kernel's NLA_* types nlipc uses. */
enum nlipcd_nla_type {
	NLIPCD_NLA_UNSPEC,
	NLIPCD_NLA_REJECT,
	NLIPCD_NLA_FLAG,
	NLIPCD_NLA_U8,
	NLIPCD_NLA_U16,
	NLIPCD_NLA_U32,
	NLIPCD_NLA_U64,
	NLIPCD_NLA_BINARY,
	NLIPCD_NLA_NUL_STRING,
};

struct nlipcd_policy_attr {
	uint8_t type;		/* enum nlipcd_nla_type */
	bool range;		/* min and max checked (lengths for binary) */
	uint16_t len;		/* binary, string: longest */
	uint64_t min, max;
};

struct nlipcd_policy {
	const struct nlipcd_policy_attr *attrs;	/* [0..maxattr] */
	unsigned int maxattr;
};

struct nlipcd_op {
	uint8_t cmd;
	bool admin;		/* GENL_ADMIN_PERM */
	bool doit, dumpit;
	const struct nlipcd_policy *policy;	/* reject-all if none */
};

/*
 * The family's ops, in op table order (stats and policy dumps use it),
 * generated from the spec into policy-gen.c.
 */
extern const struct nlipcd_op nlipcd_ops[];
extern const unsigned int nlipcd_n_ops;

/* The genetlink core's for ops without request attributes. */
extern const struct nlipcd_policy nlipcd_reject_all_policy;

const struct nlipcd_op *nlipcd_op_find(uint8_t cmd);
uint32_t nlipcd_op_ctrl_flags(const struct nlipcd_op *op);

/* Validation strictness, as the kernel's NL_VALIDATE_STRICT/LIBERAL. */
enum {
	NLIPCD_VALIDATE_LIBERAL,
	NLIPCD_VALIDATE_STRICT,
};

int nlipcd_policy_parse(const struct nlmsghdr *nlh,
			const struct nlipcd_policy *p, int validate,
			const struct nlattr **tb,
			struct nlipcd_extack *ext);

/* The controller's own request policies. */
extern const struct nlipcd_policy nlipcd_ctrl_getfamily_policy;
extern const struct nlipcd_policy nlipcd_ctrl_getpolicy_policy;
extern const struct nlipcd_policy nlipcd_ctrl_join_policy;

/*
 * CTRL_CMD_GETPOLICY for the family, as the kernel dumps it: one message
 * per op (or just @only_cmd's), then one per policy attribute.
 */
int nlipcd_policy_dump(struct nlipcd_reply *r, uint16_t family_id,
		       uint32_t seq, uint32_t portid, int only_cmd);

#endif /* _NLIPCD_POLICY_H */
