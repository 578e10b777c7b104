// SPDX-License-Identifier: GPL-2.0
/*
 * The family's registration and the wrappers its op table calls. The
 * policies, op table, groups and family are generated from the spec into
 * netlink-gen.c; every request passes through here first, so the
 * per-operation counters cannot be forgotten by a handler.
 *
 * Anyone may join either group: every key is readable through kv-get by
 * any user, so events disclose nothing more, and the bus is an open
 * channel by design (see doc/protocol.md).
 */

#include "nlipc.h"

static u8 nlipc_nl_dump_cmd(const struct netlink_callback *cb)
{
	const struct genlmsghdr *hdr = nlmsg_data(cb->nlh);

	return hdr->cmd;
}

/* The request and its size before the handler, the error after. */
int nlipc_nl_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	int err;

	nlipc_stats_request(cmd, info->nlhdr->nlmsg_len);
	err = nlipc_nl_handlers[cmd].doit(skb, info);
	if (err)
		nlipc_stats_error(cmd);
	return err;
}

/* A dump is one request, counted when it starts. */
int nlipc_nl_start(struct netlink_callback *cb)
{
	u8 cmd = nlipc_nl_dump_cmd(cb);
	int err = 0;

	nlipc_stats_request(cmd, cb->nlh->nlmsg_len);
	if (nlipc_nl_handlers[cmd].start)
		err = nlipc_nl_handlers[cmd].start(cb);
	if (err)
		nlipc_stats_error(cmd);
	return err;
}

int nlipc_nl_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	u8 cmd = nlipc_nl_dump_cmd(cb);
	int ret = nlipc_nl_handlers[cmd].dumpit(skb, cb);

	if (ret < 0)
		nlipc_stats_error(cmd);
	else
		nlipc_stats_tx(cmd, skb->len);
	return ret;
}

int nlipc_nl_reply(struct sk_buff *msg, struct genl_info *info)
{
	nlipc_stats_tx(info->genlhdr->cmd, msg->len);
	return genlmsg_reply(msg, info);
}

int __init nlipc_nl_init(void)
{
	return genl_register_family(&nlipc_nl_family);
}

void nlipc_nl_uninit(void)
{
	genl_unregister_family(&nlipc_nl_family);
}
