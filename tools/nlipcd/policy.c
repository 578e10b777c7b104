// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's attribute validation (lib/nlattr.c: __nla_validate_parse() and
 * validate_nla() as of 6.1), reduced to the types nlipc uses but with
 * their order of checks, errno and messages intact: a client must not be
 * able to tell the user backend from the module by its refusals. The op
 * table and request policies are generated from the spec with the
 * module's (policy-gen.c).
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/nlipc.h>

#include "policy.h"
#include "reply.h"

/* The genetlink core's policy for ops without one (resv_start_op 0). */
static const struct nlipcd_policy_attr reject_all_attrs[2] = {
	[1] = { .type = NLIPCD_NLA_REJECT },
};

#define POLICY(a)	{ .attrs = (a), .maxattr = sizeof(a) / sizeof((a)[0]) - 1 }

const struct nlipcd_policy nlipcd_reject_all_policy = POLICY(reject_all_attrs);

/* The controller's: CTRL_CMD_GETFAMILY and GETPOLICY, and our JOIN. */
static const struct nlipcd_policy_attr ctrl_family_attrs[CTRL_ATTR_FAMILY_NAME + 1] = {
	[CTRL_ATTR_FAMILY_ID] = { .type = NLIPCD_NLA_U16 },
	[CTRL_ATTR_FAMILY_NAME] = { .type = NLIPCD_NLA_NUL_STRING, .len = GENL_NAMSIZ - 1 },
};

static const struct nlipcd_policy_attr ctrl_policy_attrs[CTRL_ATTR_OP + 1] = {
	[CTRL_ATTR_FAMILY_ID] = { .type = NLIPCD_NLA_U16 },
	[CTRL_ATTR_FAMILY_NAME] = { .type = NLIPCD_NLA_NUL_STRING, .len = GENL_NAMSIZ - 1 },
	[CTRL_ATTR_OP] = { .type = NLIPCD_NLA_U32 },
};

/* doc/bridge.md: JOIN's group id is the top-level attribute 2. */
static const struct nlipcd_policy_attr ctrl_join_attrs[CTRL_ATTR_MCAST_GRP_ID + 1] = {
	[CTRL_ATTR_MCAST_GRP_ID] = { .type = NLIPCD_NLA_U32 },
};

const struct nlipcd_policy nlipcd_ctrl_getfamily_policy = POLICY(ctrl_family_attrs);
const struct nlipcd_policy nlipcd_ctrl_getpolicy_policy = POLICY(ctrl_policy_attrs);
const struct nlipcd_policy nlipcd_ctrl_join_policy = POLICY(ctrl_join_attrs);

const struct nlipcd_op *nlipcd_op_find(uint8_t cmd)
{
	unsigned int i;

	for (i = 0; i < nlipcd_n_ops; i++)
		if (nlipcd_ops[i].cmd == cmd)
			return &nlipcd_ops[i];
	return NULL;
}

/* GENL_ADMIN_PERM, GENL_CMD_CAP_DO, _DUMP, _HASPOL, as getfamily lists them. */
uint32_t nlipcd_op_ctrl_flags(const struct nlipcd_op *op)
{
	uint32_t flags = GENL_CMD_CAP_HASPOL;

	if (op->admin)
		flags |= GENL_ADMIN_PERM;
	if (op->doit)
		flags |= GENL_CMD_CAP_DO;
	if (op->dumpit)
		flags |= GENL_CMD_CAP_DUMP;
	return flags;
}

/* nla_attr_len[]: integer types must have exactly their size (strict). */
static size_t exact_len(uint8_t type)
{
	switch (type) {
	case NLIPCD_NLA_U8:
		return 1;
	case NLIPCD_NLA_U16:
		return 2;
	case NLIPCD_NLA_U32:
		return 4;
	case NLIPCD_NLA_U64:
		return 8;
	}
	return 0;
}

static int validate_range(const struct nlattr *nla,
			  const struct nlipcd_policy_attr *pt,
			  struct nlipcd_extack *ext)
{
	uint64_t value;

	switch (pt->type) {
	case NLIPCD_NLA_U8:
		value = mnl_attr_get_u8(nla);
		break;
	case NLIPCD_NLA_U16:
		value = mnl_attr_get_u16(nla);
		break;
	case NLIPCD_NLA_U32:
		value = mnl_attr_get_u32(nla);
		break;
	case NLIPCD_NLA_U64:
		value = mnl_attr_get_u64(nla);
		break;
	case NLIPCD_NLA_BINARY:
		value = mnl_attr_get_payload_len(nla);
		break;
	default:
		return -EINVAL;
	}
	if (value < pt->min || value > pt->max) {
		NLIPCD_SET_ERR_ATTR(ext, nla, pt->type == NLIPCD_NLA_BINARY ?
				    "binary attribute size out of range" :
				    "integer out of range");
		ext->policy = pt;
		return -ERANGE;
	}
	return 0;
}

/* validate_nla(): one attribute against its policy entry. */
static int validate_attr(const struct nlattr *nla,
			 const struct nlipcd_policy_attr *pt, int validate,
			 struct nlipcd_extack *ext)
{
	int len = mnl_attr_get_payload_len(nla);
	const char *data = mnl_attr_get_payload(nla);
	bool strict = validate == NLIPCD_VALIDATE_STRICT;
	int err = -ERANGE;
	int minlen;

	if (exact_len(pt->type) && (size_t)len != exact_len(pt->type) && strict) {
		NLIPCD_SET_ERR_ATTR(ext, nla, "invalid attribute length");
		ext->policy = pt;
		return -EINVAL;
	}
	if (strict && (nla->nla_type & NLA_F_NESTED) &&
	    pt->type != NLIPCD_NLA_UNSPEC) {
		NLIPCD_SET_ERR_ATTR(ext, nla, "NLA_F_NESTED not expected");
		ext->policy = pt;
		return -EINVAL;
	}

	switch (pt->type) {
	case NLIPCD_NLA_REJECT:
		err = -EINVAL;
		goto out_err;
	case NLIPCD_NLA_FLAG:
		if (len > 0)
			goto out_err;
		break;
	case NLIPCD_NLA_NUL_STRING:
		minlen = pt->len ? (len < pt->len + 1 ? len : pt->len + 1) : len;
		if (!minlen || !memchr(data, '\0', minlen)) {
			err = -EINVAL;
			goto out_err;
		}
		if (len < 1)
			goto out_err;
		if (pt->len) {
			if (data[len - 1] == '\0')
				len--;
			if (len > pt->len)
				goto out_err;
		}
		break;
	case NLIPCD_NLA_BINARY:
		if (pt->len && len > pt->len)
			goto out_err;
		break;
	case NLIPCD_NLA_UNSPEC:
		if (strict) {
			NLIPCD_SET_ERR_ATTR(ext, nla, "Unsupported attribute");
			return -EINVAL;
		}
		if (len < pt->len)
			goto out_err;
		break;
	default:
		minlen = pt->len ? pt->len : (int)exact_len(pt->type);
		if (len < minlen)
			goto out_err;
	}

	if (pt->range)
		return validate_range(nla, pt, ext);
	return 0;

out_err:
	NLIPCD_SET_ERR_ATTR(ext, nla, "Attribute failed policy validation");
	ext->policy = pt;
	return err;
}

/**
 * nlipcd_policy_parse - validate a request's attributes, index them
 * @nlh: the request (nlmsghdr + genlmsghdr + attributes)
 * @p: the op's policy
 * @validate: NLIPCD_VALIDATE_STRICT as the family's ops, or _LIBERAL as
 *	the controller's
 * @tb: receives the last attribute of each type, [0..p->maxattr]
 * @ext: receives the refusal's details
 *
 * Returns 0, or -EINVAL / -ERANGE with @ext set. A liberal parse may
 * return 0 with a warning message in @ext, as the kernel does.
 */
int nlipcd_policy_parse(const struct nlmsghdr *nlh,
			const struct nlipcd_policy *p, int validate,
			const struct nlattr **tb, struct nlipcd_extack *ext)
{
	const struct nlattr *nla;
	unsigned int type;
	int rem, err;

	memset(tb, 0, (p->maxattr + 1) * sizeof(*tb));
	nla = (const struct nlattr *)((const char *)nlh + NLMSG_HDRLEN +
				      GENL_HDRLEN);
	rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (; mnl_attr_ok(nla, rem); nla = mnl_attr_next(nla)) {
		rem -= MNL_ALIGN(nla->nla_len);
		type = nla->nla_type & NLA_TYPE_MASK;
		if (type == 0 || type > p->maxattr) {
			if (validate == NLIPCD_VALIDATE_STRICT) {
				NLIPCD_SET_ERR_ATTR(ext, nla,
						    "Unknown attribute type");
				return -EINVAL;
			}
			continue;
		}
		err = validate_attr(nla, &p->attrs[type], validate, ext);
		if (err)
			return err;
		tb[type] = nla;
	}
	/* mnl_attr_next() steps by the aligned length; so does the kernel. */
	if (rem > 0) {
		NLIPCD_SET_ERR_MSG(ext, "bytes leftover after parsing attributes");
		if (validate == NLIPCD_VALIDATE_STRICT)
			return -EINVAL;
	}
	return 0;
}

/*
 * Policies in the order CTRL_CMD_GETPOLICY numbers them: by first use in
 * the op table, do before dump.
 */
static unsigned int policy_index(const struct nlipcd_policy **seen,
				 unsigned int *n, const struct nlipcd_policy *p)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (seen[i] == p)
			return i;
	seen[*n] = p;
	return (*n)++;
}

static int policy_msg(struct nlipcd_reply *r, uint16_t family_id,
		      uint32_t seq, uint32_t portid)
{
	if (nlipcd_reply_genl(r, GENL_ID_CTRL, NLM_F_MULTI, seq, portid,
			      CTRL_CMD_GETPOLICY, 2))
		return -ENOMEM;
	return nlipcd_reply_put(r, CTRL_ATTR_FAMILY_ID, &family_id,
				sizeof(family_id));
}

/**
 * nlipcd_policy_dump - the family's policies as CTRL_CMD_GETPOLICY dumps them
 * @r: the answer being built
 * @family_id: the family's id on this transport
 * @seq: the request's sequence number
 * @portid: the client's port id
 * @only_cmd: one op's (CTRL_ATTR_OP), or -1 for all
 *
 * Returns 0, -ENOENT for an unknown @only_cmd, or -ENOMEM.
 */
int nlipcd_policy_dump(struct nlipcd_reply *r, uint16_t family_id,
		       uint32_t seq, uint32_t portid, int only_cmd)
{
	const struct nlipcd_policy *seen[16];
	unsigned int n = 0, i, idx, a;
	size_t outer, inner, attr;

	if (only_cmd >= 0 && !nlipcd_op_find(only_cmd))
		return -ENOENT;

	for (i = 0; i < nlipcd_n_ops; i++) {
		const struct nlipcd_op *op = &nlipcd_ops[i];

		if (only_cmd >= 0 && op->cmd != only_cmd)
			continue;
		idx = policy_index(seen, &n, op->policy);
		policy_msg(r, family_id, seq, portid);
		outer = nlipcd_reply_nest_start(r, CTRL_ATTR_OP_POLICY);
		inner = nlipcd_reply_nest_start(r, op->cmd);
		if (op->doit)
			nlipcd_reply_put_u32(r, CTRL_ATTR_POLICY_DO, idx);
		if (op->dumpit)
			nlipcd_reply_put_u32(r, CTRL_ATTR_POLICY_DUMP, idx);
		nlipcd_reply_nest_end(r, inner);
		nlipcd_reply_nest_end(r, outer);
	}

	/* The reject-all policy describes nothing: NLA_REJECT is skipped. */
	for (idx = 0; idx < n; idx++) {
		for (a = 1; a <= seen[idx]->maxattr; a++) {
			const struct nlipcd_policy_attr *pt = &seen[idx]->attrs[a];

			if (pt->type == NLIPCD_NLA_UNSPEC ||
			    pt->type == NLIPCD_NLA_REJECT)
				continue;
			policy_msg(r, family_id, seq, portid);
			outer = nlipcd_reply_nest_start(r, CTRL_ATTR_POLICY);
			inner = nlipcd_reply_nest_start(r, idx);
			attr = nlipcd_reply_nest_start(r, a);
			nlipcd_reply_policy_attr(r, pt);
			nlipcd_reply_nest_end(r, attr);
			nlipcd_reply_nest_end(r, inner);
			nlipcd_reply_nest_end(r, outer);
		}
	}
	return r->err;
}
