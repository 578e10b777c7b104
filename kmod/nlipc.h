/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between the module's files. Each file owns one
 * object; everything not listed here is static to its file.
 */
#ifndef _NLIPC_H
#define _NLIPC_H

#include <net/genetlink.h>
#include <linux/nlipc.h>

#include "compat.h"

extern struct genl_family nlipc_nl_family;

/* Multicast groups, by their index in the family's table. */
enum {
	NLIPC_NLGRP_EVENTS,
	NLIPC_NLGRP_BUS,
};

/* main.c */
u64 nlipc_uptime_ms(void);

/* netlink.c: the family, its policies and op table */
int nlipc_nl_init(void);
void nlipc_nl_uninit(void);
int nlipc_nl_reply(struct sk_buff *msg, struct genl_info *info);

/* stats.c: per-CPU, per-operation counters */
int nlipc_stats_init(void);
void nlipc_stats_uninit(void);
void nlipc_stats_request(u8 cmd, u32 rx_bytes);
void nlipc_stats_error(u8 cmd);
void nlipc_stats_tx(u8 cmd, u32 tx_bytes);

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

/* ping.c */
extern unsigned int nlipc_ping_max_payload;

/* kv.c: the per-namespace store */
extern unsigned int nlipc_kv_max_entries;
extern unsigned int nlipc_kv_max_key_len;
extern unsigned int nlipc_kv_max_value_len;
extern unsigned long nlipc_kv_max_bytes;
int nlipc_kv_init(void);
void nlipc_kv_uninit(void);
void nlipc_kv_usage(const struct net *net, u32 *entries, u64 *bytes);

#endif /* _NLIPC_H */
