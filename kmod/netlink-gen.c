// SPDX-License-Identifier: GPL-2.0
/* Do not edit directly, auto-generated from: */
/*	spec/nlipc.yaml */
/* by tools/gen/nlipc-gen; make regenerates it. */

#include "nlipc.h"

/*
 * Bounds past S16_MAX need a range struct: the policy's own are
 * s16. Not const only because 6.1's policy field is not.
 */
static struct netlink_range_validation nlipc_a_ping_reply_size_range __ro_after_init = {
	.max = NLIPC_PING_MAX_PAYLOAD,
};

/*
 * One policy per op for its do and dump requests alike: 6.1's
 * struct genl_ops has one (doc/protocol.md, Kernels).
 */
static const struct nla_policy nlipc_ping_nl_policy[NLIPC_A_PING_REPLY_SIZE + 1] = {
	[NLIPC_A_PING_PAYLOAD] = { .type = NLA_BINARY, .len = NLIPC_PING_MAX_PAYLOAD },
	[NLIPC_A_PING_COOKIE] = { .type = NLA_U64 },
	[NLIPC_A_PING_REPLY_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &nlipc_a_ping_reply_size_range),
};

static const struct nla_policy nlipc_kv_set_nl_policy[NLIPC_A_KV_REPLACE + 1] = {
	[NLIPC_A_KV_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 1, NLIPC_KV_KEY_MAX_LEN),
	[NLIPC_A_KV_VALUE] = { .type = NLA_BINARY, .len = NLIPC_VALUE_MAX_LEN },
	[NLIPC_A_KV_CREATE] = { .type = NLA_FLAG },
	[NLIPC_A_KV_EXCL] = { .type = NLA_FLAG },
	[NLIPC_A_KV_REPLACE] = { .type = NLA_FLAG },
};

static const struct nla_policy nlipc_kv_get_nl_policy[NLIPC_A_KV_KEY_PREFIX + 1] = {
	[NLIPC_A_KV_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 1, NLIPC_KV_KEY_MAX_LEN),
	[NLIPC_A_KV_KEY_PREFIX] = { .type = NLA_BINARY, .len = NLIPC_KV_KEY_MAX_LEN },
};

static const struct nla_policy nlipc_kv_del_nl_policy[NLIPC_A_KV_KEY + 1] = {
	[NLIPC_A_KV_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 1, NLIPC_KV_KEY_MAX_LEN),
};

static const struct nla_policy nlipc_publish_nl_policy[NLIPC_A_BUS_PAYLOAD + 1] = {
	[NLIPC_A_BUS_TOPIC] = { .type = NLA_NUL_STRING, .len = NLIPC_TOPIC_MAX_LEN },
	[NLIPC_A_BUS_PAYLOAD] = { .type = NLA_BINARY, .len = NLIPC_VALUE_MAX_LEN },
};

const struct nlipc_nl_handlers nlipc_nl_handlers[NLIPC_CMD_MAX + 1] = {
	[NLIPC_CMD_PING] = {
		.doit = nlipc_nl_ping_doit,
	},
	[NLIPC_CMD_INFO_GET] = {
		.doit = nlipc_nl_info_get_doit,
	},
	[NLIPC_CMD_STATS_GET] = {
		.doit = nlipc_nl_stats_get_doit,
	},
	[NLIPC_CMD_STATS_RESET] = {
		.doit = nlipc_nl_stats_reset_doit,
	},
	[NLIPC_CMD_KV_SET] = {
		.doit = nlipc_nl_kv_set_doit,
	},
	[NLIPC_CMD_KV_GET] = {
		.doit = nlipc_nl_kv_get_doit,
		.start = nlipc_nl_kv_get_start,
		.dumpit = nlipc_nl_kv_get_dumpit,
	},
	[NLIPC_CMD_KV_DEL] = {
		.doit = nlipc_nl_kv_del_doit,
	},
	[NLIPC_CMD_PUBLISH] = {
		.doit = nlipc_nl_publish_doit,
	},
};

/*
 * Operations without request attributes have no policy: with
 * resv_start_op at 0 the core then rejects any attribute sent to them.
 */
static const struct genl_ops nlipc_nl_ops[] = {
	{
		.cmd = NLIPC_CMD_PING,
		.doit = nlipc_nl_doit,
		.policy = nlipc_ping_nl_policy,
		.maxattr = NLIPC_A_PING_REPLY_SIZE,
	},
	{
		.cmd = NLIPC_CMD_INFO_GET,
		.doit = nlipc_nl_doit,
	},
	{
		.cmd = NLIPC_CMD_STATS_GET,
		.doit = nlipc_nl_doit,
	},
	{
		.cmd = NLIPC_CMD_STATS_RESET,
		.doit = nlipc_nl_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = NLIPC_CMD_KV_SET,
		.doit = nlipc_nl_doit,
		.policy = nlipc_kv_set_nl_policy,
		.maxattr = NLIPC_A_KV_REPLACE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = NLIPC_CMD_KV_GET,
		.doit = nlipc_nl_doit,
		.start = nlipc_nl_start,
		.dumpit = nlipc_nl_dumpit,
		.policy = nlipc_kv_get_nl_policy,
		.maxattr = NLIPC_A_KV_KEY_PREFIX,
	},
	{
		.cmd = NLIPC_CMD_KV_DEL,
		.doit = nlipc_nl_doit,
		.policy = nlipc_kv_del_nl_policy,
		.maxattr = NLIPC_A_KV_KEY,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = NLIPC_CMD_PUBLISH,
		.doit = nlipc_nl_doit,
		.policy = nlipc_publish_nl_policy,
		.maxattr = NLIPC_A_BUS_PAYLOAD,
	},
};

static const struct genl_multicast_group nlipc_nl_mcgrps[] = {
	[NLIPC_NLGRP_EVENTS] = { .name = NLIPC_MCGRP_EVENTS },
	[NLIPC_NLGRP_BUS] = { .name = NLIPC_MCGRP_BUS },
};

struct genl_family nlipc_nl_family __ro_after_init = {
	.name = NLIPC_FAMILY_NAME,
	.version = NLIPC_FAMILY_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = nlipc_nl_ops,
	.n_ops = ARRAY_SIZE(nlipc_nl_ops),
	.mcgrps = nlipc_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nlipc_nl_mcgrps),
};
