// SPDX-License-Identifier: GPL-2.0
/*
 * The nlipc family: per-operation policies, the op table and multicast
 * groups, kept by hand in the layout the YNL generator would give from
 * spec/nlipc.yaml. The VM tests compare what the controller reports for
 * this family (CTRL_CMD_GETFAMILY, CTRL_CMD_GETPOLICY) with the spec.
 */

#include "nlipc.h"

/*
 * Bounds past S16_MAX need a range struct: the policy's own are s16. Not
 * const only because this kernel's policy field is not.
 */
static struct netlink_range_validation nlipc_ping_size_range __ro_after_init = {
	.max = NLIPC_PING_MAX_PAYLOAD,
};

static const struct nla_policy nlipc_ping_policy[NLIPC_A_PING_REPLY_SIZE + 1] = {
	[NLIPC_A_PING_PAYLOAD] = { .type = NLA_BINARY, .len = NLIPC_PING_MAX_PAYLOAD },
	[NLIPC_A_PING_COOKIE] = { .type = NLA_U64 },
	[NLIPC_A_PING_REPLY_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &nlipc_ping_size_range),
};

static const struct nla_policy nlipc_kv_set_policy[NLIPC_A_KV_REPLACE + 1] = {
	[NLIPC_A_KV_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 1, NLIPC_KV_KEY_MAX_LEN),
	[NLIPC_A_KV_VALUE] = { .type = NLA_BINARY, .len = NLIPC_VALUE_MAX_LEN },
	[NLIPC_A_KV_CREATE] = { .type = NLA_FLAG },
	[NLIPC_A_KV_EXCL] = { .type = NLA_FLAG },
	[NLIPC_A_KV_REPLACE] = { .type = NLA_FLAG },
};

/*
 * Kernels before 6.2 have one policy per op for do and dump alike, so
 * kv-get's is the union of its do (key) and dump (key-prefix) requests;
 * the handlers refuse the attribute of the other kind.
 */
static const struct nla_policy nlipc_kv_get_policy[NLIPC_A_KV_KEY_PREFIX + 1] = {
	[NLIPC_A_KV_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 1, NLIPC_KV_KEY_MAX_LEN),
	[NLIPC_A_KV_KEY_PREFIX] = { .type = NLA_BINARY, .len = NLIPC_KV_KEY_MAX_LEN },
};

static const struct nla_policy nlipc_kv_del_policy[NLIPC_A_KV_KEY + 1] = {
	[NLIPC_A_KV_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 1, NLIPC_KV_KEY_MAX_LEN),
};

static const struct nla_policy nlipc_publish_policy[NLIPC_A_BUS_PAYLOAD + 1] = {
	[NLIPC_A_BUS_TOPIC] = { .type = NLA_NUL_STRING, .len = NLIPC_TOPIC_MAX_LEN },
	[NLIPC_A_BUS_PAYLOAD] = { .type = NLA_BINARY, .len = NLIPC_VALUE_MAX_LEN },
};

typedef int (*nlipc_doit_t)(struct sk_buff *skb, struct genl_info *info);

static const nlipc_doit_t nlipc_nl_doits[NLIPC_CMD_MAX + 1] = {
	[NLIPC_CMD_PING] = nlipc_nl_ping_doit,
	[NLIPC_CMD_INFO_GET] = nlipc_nl_info_get_doit,
	[NLIPC_CMD_STATS_GET] = nlipc_nl_stats_get_doit,
	[NLIPC_CMD_STATS_RESET] = nlipc_nl_stats_reset_doit,
	[NLIPC_CMD_KV_SET] = nlipc_nl_kv_set_doit,
	[NLIPC_CMD_KV_GET] = nlipc_nl_kv_get_doit,
	[NLIPC_CMD_KV_DEL] = nlipc_nl_kv_del_doit,
	[NLIPC_CMD_PUBLISH] = nlipc_nl_publish_doit,
};

/*
 * Every do request passes here, so the per-operation counters cannot be
 * forgotten by a handler: the request and its size before, the error
 * after. Reply bytes are counted by nlipc_nl_reply().
 */
static int nlipc_nl_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	int err;

	nlipc_stats_request(cmd, info->nlhdr->nlmsg_len);
	err = nlipc_nl_doits[cmd](skb, info);
	if (err)
		nlipc_stats_error(cmd);
	return err;
}

/* Dumps are counted the same way: kv-get is the family's only one. */
static int nlipc_nl_kv_get_start_counted(struct netlink_callback *cb)
{
	int err;

	nlipc_stats_request(NLIPC_CMD_KV_GET, cb->nlh->nlmsg_len);
	err = nlipc_nl_kv_get_start(cb);
	if (err)
		nlipc_stats_error(NLIPC_CMD_KV_GET);
	return err;
}

static int nlipc_nl_kv_get_dumpit_counted(struct sk_buff *skb,
					  struct netlink_callback *cb)
{
	int ret = nlipc_nl_kv_get_dumpit(skb, cb);

	if (ret < 0)
		nlipc_stats_error(NLIPC_CMD_KV_GET);
	else
		nlipc_stats_tx(NLIPC_CMD_KV_GET, skb->len);
	return ret;
}

int nlipc_nl_reply(struct sk_buff *msg, struct genl_info *info)
{
	nlipc_stats_tx(info->genlhdr->cmd, msg->len);
	return genlmsg_reply(msg, info);
}

/*
 * Operations without request attributes have no policy: with
 * resv_start_op at 0 the core then rejects any attribute sent to them.
 */
static const struct genl_ops nlipc_nl_ops[] = {
	{
		.cmd = NLIPC_CMD_PING,
		.doit = nlipc_nl_doit,
		.policy = nlipc_ping_policy,
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
		.policy = nlipc_kv_set_policy,
		.maxattr = NLIPC_A_KV_REPLACE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = NLIPC_CMD_KV_GET,
		.doit = nlipc_nl_doit,
		.start = nlipc_nl_kv_get_start_counted,
		.dumpit = nlipc_nl_kv_get_dumpit_counted,
		.policy = nlipc_kv_get_policy,
		.maxattr = NLIPC_A_KV_KEY_PREFIX,
	},
	{
		.cmd = NLIPC_CMD_KV_DEL,
		.doit = nlipc_nl_doit,
		.policy = nlipc_kv_del_policy,
		.maxattr = NLIPC_A_KV_KEY,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = NLIPC_CMD_PUBLISH,
		.doit = nlipc_nl_doit,
		.policy = nlipc_publish_policy,
		.maxattr = NLIPC_A_BUS_PAYLOAD,
	},
};

/*
 * Anyone may join either group: every key is readable through kv-get by
 * any user, so events disclose nothing more, and the bus is an open
 * channel by design (see doc/protocol.md).
 */
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

int __init nlipc_nl_init(void)
{
	return genl_register_family(&nlipc_nl_family);
}

void nlipc_nl_uninit(void)
{
	genl_unregister_family(&nlipc_nl_family);
}
