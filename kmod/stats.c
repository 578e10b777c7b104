// SPDX-License-Identifier: GPL-2.0
/*
 * Per-operation counters. Each CPU counts into its own slots, so the hot
 * path takes no lock and shares no cache line; readers sum the CPUs.
 * Counters are module-wide, not per namespace, which is why resetting them
 * needs CAP_NET_ADMIN in the initial user namespace (GENL_ADMIN_PERM).
 */

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

#include "nlipc.h"

struct nlipc_op_counters {
	u64_stats_t requests;
	u64_stats_t errors;
	u64_stats_t rx_bytes;
	u64_stats_t tx_bytes;
};

struct nlipc_cpu_stats {
	struct u64_stats_sync syncp;
	struct nlipc_op_counters op[NLIPC_CMD_MAX + 1];
};

struct nlipc_op_totals {
	u64 requests, errors, rx_bytes, tx_bytes;
};

static struct nlipc_cpu_stats __percpu *nlipc_stats;

int __init nlipc_stats_init(void)
{
	int cpu;

	nlipc_stats = alloc_percpu(struct nlipc_cpu_stats);
	if (!nlipc_stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(nlipc_stats, cpu)->syncp);
	return 0;
}

void nlipc_stats_uninit(void)
{
	free_percpu(nlipc_stats);
}

/* Handlers run in process context: get_cpu_ptr() keeps us on one CPU. */
static void stats_add(u8 cmd, u64 requests, u64 errors, u64 rx, u64 tx)
{
	struct nlipc_cpu_stats *s = get_cpu_ptr(nlipc_stats);
	struct nlipc_op_counters *c = &s->op[cmd];

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&c->requests, requests);
	u64_stats_add(&c->errors, errors);
	u64_stats_add(&c->rx_bytes, rx);
	u64_stats_add(&c->tx_bytes, tx);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(nlipc_stats);
}

void nlipc_stats_request(u8 cmd, u32 rx_bytes)
{
	stats_add(cmd, 1, 0, rx_bytes, 0);
}

void nlipc_stats_error(u8 cmd)
{
	stats_add(cmd, 0, 1, 0, 0);
}

void nlipc_stats_tx(u8 cmd, u32 tx_bytes)
{
	stats_add(cmd, 0, 0, 0, tx_bytes);
}

static void stats_sum(u8 cmd, struct nlipc_op_totals *t)
{
	int cpu;

	memset(t, 0, sizeof(*t));
	for_each_possible_cpu(cpu) {
		const struct nlipc_cpu_stats *s = per_cpu_ptr(nlipc_stats, cpu);
		const struct nlipc_op_counters *c = &s->op[cmd];
		struct nlipc_op_totals v;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			v.requests = u64_stats_read(&c->requests);
			v.errors = u64_stats_read(&c->errors);
			v.rx_bytes = u64_stats_read(&c->rx_bytes);
			v.tx_bytes = u64_stats_read(&c->tx_bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		t->requests += v.requests;
		t->errors += v.errors;
		t->rx_bytes += v.rx_bytes;
		t->tx_bytes += v.tx_bytes;
	}
}

static int stats_put_op(struct sk_buff *msg, u8 cmd)
{
	struct nlipc_op_totals t;
	struct nlattr *nest;

	stats_sum(cmd, &t);
	nest = nla_nest_start(msg, NLIPC_A_STATS_OP);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, NLIPC_A_OP_STATS_CMD, cmd) ||
	    nla_put_u64_64bit(msg, NLIPC_A_OP_STATS_REQUESTS, t.requests,
			      NLIPC_A_OP_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NLIPC_A_OP_STATS_ERRORS, t.errors,
			      NLIPC_A_OP_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NLIPC_A_OP_STATS_RX_BYTES, t.rx_bytes,
			      NLIPC_A_OP_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NLIPC_A_OP_STATS_TX_BYTES, t.tx_bytes,
			      NLIPC_A_OP_STATS_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

int nlipc_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct genl_family *family = &nlipc_nl_family;
	struct sk_buff *msg;
	void *hdr;
	int i;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, family, 0, NLIPC_CMD_STATS_GET);
	if (!hdr)
		goto err_free_msg;

	/* One entry per operation the family serves, in op table order. */
	for (i = 0; i < family->n_ops; i++)
		if (stats_put_op(msg, family->ops[i].cmd))
			goto err_free_msg;

	genlmsg_end(msg, hdr);
	return nlipc_nl_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/*
 * Zeroes every CPU's slots. A request counted concurrently on another CPU
 * may survive the reset; the counters are statistics, not a ledger.
 */
int nlipc_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct nlipc_cpu_stats *s = per_cpu_ptr(nlipc_stats, cpu);
		int cmd;

		u64_stats_update_begin(&s->syncp);
		for (cmd = 0; cmd <= NLIPC_CMD_MAX; cmd++) {
			u64_stats_set(&s->op[cmd].requests, 0);
			u64_stats_set(&s->op[cmd].errors, 0);
			u64_stats_set(&s->op[cmd].rx_bytes, 0);
			u64_stats_set(&s->op[cmd].tx_bytes, 0);
		}
		u64_stats_update_end(&s->syncp);
	}
	return 0;
}
