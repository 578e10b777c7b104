/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit directly, auto-generated from: */
/*	spec/nlipc.yaml */
/* by tools/gen/nlipc-gen; make regenerates it. */

#ifndef _NLIPC_NETLINK_GEN_H
#define _NLIPC_NETLINK_GEN_H

#include <net/genetlink.h>
#include <linux/nlipc.h>

/* Multicast groups, by their index in the family's table. */
enum {
	NLIPC_NLGRP_EVENTS,
	NLIPC_NLGRP_BUS,
};

extern struct genl_family nlipc_nl_family;

/*
 * Each command's handlers: the op table calls netlink.c's wrappers,
 * which count the request and call these.
 */
struct nlipc_nl_handlers {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*start)(struct netlink_callback *cb);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
};

extern const struct nlipc_nl_handlers nlipc_nl_handlers[NLIPC_CMD_MAX + 1];

int nlipc_nl_doit(struct sk_buff *skb, struct genl_info *info);
int nlipc_nl_start(struct netlink_callback *cb);
int nlipc_nl_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* Handlers, named after the spec's operations. */
int nlipc_nl_ping_doit(struct sk_buff *skb, struct genl_info *info);
int nlipc_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info);
int nlipc_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int nlipc_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info);
int nlipc_nl_kv_set_doit(struct sk_buff *skb, struct genl_info *info);
int nlipc_nl_kv_get_doit(struct sk_buff *skb, struct genl_info *info);
int nlipc_nl_kv_get_start(struct netlink_callback *cb);
int nlipc_nl_kv_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int nlipc_nl_kv_del_doit(struct sk_buff *skb, struct genl_info *info);
int nlipc_nl_publish_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _NLIPC_NETLINK_GEN_H */
