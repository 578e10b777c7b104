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
#include "netlink-gen.h"

/* main.c */
u64 nlipc_uptime_ms(void);

/* netlink.c: the family's registration and counting wrappers */
int nlipc_nl_init(void);
void nlipc_nl_uninit(void);
int nlipc_nl_reply(struct sk_buff *msg, struct genl_info *info);

/* stats.c: per-CPU, per-operation counters */
int nlipc_stats_init(void);
void nlipc_stats_uninit(void);
void nlipc_stats_request(u8 cmd, u32 rx_bytes);
void nlipc_stats_error(u8 cmd);
void nlipc_stats_tx(u8 cmd, u32 tx_bytes);

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
