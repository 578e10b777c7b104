// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Typed calls for the service's operations: each builds its request with
 * nlipc_msg_*, runs it through nlipc_call() and decodes its replies. They
 * know nothing about transports.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

/* Index a reply and check each known attribute's type with libmnl. */
static int parse_typed(const struct nlmsghdr *nlh, const struct nlattr **tb,
		       unsigned int maxtype, const enum mnl_attr_data_type *types)
{
	unsigned int i;

	if (nlipc_attr_parse(nlh, tb, maxtype))
		return -EBADMSG;
	/* libmnl checks nothing of UNSPEC and BINARY: skip the call. */
	for (i = 1; i <= maxtype; i++)
		if (tb[i] && types[i] != MNL_TYPE_UNSPEC &&
		    types[i] != MNL_TYPE_BINARY &&
		    mnl_attr_validate(tb[i], types[i]) < 0)
			return -EBADMSG;
	return 0;
}

static void copy_str(char *dst, size_t size, const struct nlattr *a)
{
	snprintf(dst, size, "%s", a ? mnl_attr_get_str(a) : "");
}

static int ping_cb(const struct nlmsghdr *nlh, void *arg)
{
	static const enum mnl_attr_data_type types[NLIPC_A_PING_MAX + 1] = {
		[NLIPC_A_PING_PAYLOAD] = MNL_TYPE_BINARY,
		[NLIPC_A_PING_COOKIE] = MNL_TYPE_U64,
	};
	const struct nlattr *tb[NLIPC_A_PING_MAX + 1] = {};
	struct nlipc_ping *p = arg;

	if (!nlh || parse_typed(nlh, tb, NLIPC_A_PING_MAX, types))
		return -EBADMSG;
	if (tb[NLIPC_A_PING_PAYLOAD]) {
		uint32_t len = mnl_attr_get_payload_len(tb[NLIPC_A_PING_PAYLOAD]);

		p->reply_len = len;
		if (p->reply)
			memcpy(p->reply, mnl_attr_get_payload(tb[NLIPC_A_PING_PAYLOAD]),
			       len < p->reply_cap ? len : p->reply_cap);
	}
	if (tb[NLIPC_A_PING_COOKIE])
		p->reply_cookie = mnl_attr_get_u64(tb[NLIPC_A_PING_COOKIE]);
	return 0;
}

/**
 * nlipc_ping - echo a payload through the service
 * @ep: the endpoint
 * @p: request fields in, reply fields out (see struct nlipc_ping)
 *
 * Returns 0, or a negative errno with the error record set (-EMSGSIZE
 * for a payload over the service's ping-max-payload).
 */
NLIPC_EXPORT int nlipc_ping(struct nlipc *ep, struct nlipc_ping *p)
{
	struct nlipc_msg *m = nlipc_msg_start(ep, NLIPC_CMD_PING, 0);

	if (p->len)
		nlipc_msg_put(m, NLIPC_A_PING_PAYLOAD, p->payload, p->len);
	if (p->has_cookie)
		nlipc_msg_put_u64(m, NLIPC_A_PING_COOKIE, p->cookie);
	if (p->has_reply_size)
		nlipc_msg_put_u32(m, NLIPC_A_PING_REPLY_SIZE, p->reply_size);
	p->reply_len = 0;
	p->reply_cookie = 0;
	return nlipc_call(ep, m, ping_cb, p);
}

static int info_cb(const struct nlmsghdr *nlh, void *arg)
{
	static const enum mnl_attr_data_type types[NLIPC_A_INFO_MAX + 1] = {
		[NLIPC_A_INFO_VERSION] = MNL_TYPE_NUL_STRING,
		[NLIPC_A_INFO_BACKEND] = MNL_TYPE_NUL_STRING,
		[NLIPC_A_INFO_UPTIME_MS] = MNL_TYPE_U64,
		[NLIPC_A_INFO_PING_MAX_PAYLOAD] = MNL_TYPE_U32,
		[NLIPC_A_INFO_KV_MAX_ENTRIES] = MNL_TYPE_U32,
		[NLIPC_A_INFO_KV_MAX_KEY_LEN] = MNL_TYPE_U32,
		[NLIPC_A_INFO_KV_MAX_VALUE_LEN] = MNL_TYPE_U32,
		[NLIPC_A_INFO_KV_MAX_BYTES] = MNL_TYPE_U64,
		[NLIPC_A_INFO_KV_ENTRIES] = MNL_TYPE_U32,
		[NLIPC_A_INFO_KV_BYTES] = MNL_TYPE_U64,
	};
	const struct genlmsghdr *genl = nlh ? nlipc_genl_hdr(nlh) : NULL;
	const struct nlattr *tb[NLIPC_A_INFO_MAX + 1] = {};
	struct nlipc_info *i = arg;

	if (!genl || parse_typed(nlh, tb, NLIPC_A_INFO_MAX, types))
		return -EBADMSG;
	memset(i, 0, sizeof(*i));
	i->family_version = genl->version;
	copy_str(i->version, sizeof(i->version), tb[NLIPC_A_INFO_VERSION]);
	copy_str(i->backend, sizeof(i->backend), tb[NLIPC_A_INFO_BACKEND]);
#define U32(f, a) (i->f = tb[a] ? mnl_attr_get_u32(tb[a]) : 0)
#define U64(f, a) (i->f = tb[a] ? mnl_attr_get_u64(tb[a]) : 0)
	U64(uptime_ms, NLIPC_A_INFO_UPTIME_MS);
	U32(ping_max_payload, NLIPC_A_INFO_PING_MAX_PAYLOAD);
	U32(kv_max_entries, NLIPC_A_INFO_KV_MAX_ENTRIES);
	U32(kv_max_key_len, NLIPC_A_INFO_KV_MAX_KEY_LEN);
	U32(kv_max_value_len, NLIPC_A_INFO_KV_MAX_VALUE_LEN);
	U64(kv_max_bytes, NLIPC_A_INFO_KV_MAX_BYTES);
	U32(kv_entries, NLIPC_A_INFO_KV_ENTRIES);
	U64(kv_bytes, NLIPC_A_INFO_KV_BYTES);
#undef U32
#undef U64
	return 0;
}

/**
 * nlipc_info_get - the service's version, backend, uptime and limits
 * @ep: the endpoint
 * @info: filled on success
 *
 * Returns 0 or a negative errno with the error record set.
 */
NLIPC_EXPORT int nlipc_info_get(struct nlipc *ep, struct nlipc_info *info)
{
	memset(info, 0, sizeof(*info));
	return nlipc_call(ep, nlipc_msg_start(ep, NLIPC_CMD_INFO_GET, 0),
			  info_cb, info);
}

struct stats_ctx {
	struct nlipc_op_stats *ops;
	size_t max, n;
};

static int stats_op(const struct nlattr *nest, struct nlipc_op_stats *s)
{
	const struct nlattr *a;

	memset(s, 0, sizeof(*s));
	mnl_attr_for_each_nested(a, nest) {
		uint16_t type = mnl_attr_get_type(a);

		if (type == NLIPC_A_OP_STATS_CMD) {
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			s->cmd = mnl_attr_get_u32(a);
			continue;
		}
		if (type == NLIPC_A_OP_STATS_PAD || type > NLIPC_A_OP_STATS_MAX)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			return -EBADMSG;
		switch (type) {
		case NLIPC_A_OP_STATS_REQUESTS:
			s->requests = mnl_attr_get_u64(a);
			break;
		case NLIPC_A_OP_STATS_ERRORS:
			s->errors = mnl_attr_get_u64(a);
			break;
		case NLIPC_A_OP_STATS_RX_BYTES:
			s->rx_bytes = mnl_attr_get_u64(a);
			break;
		case NLIPC_A_OP_STATS_TX_BYTES:
			s->tx_bytes = mnl_attr_get_u64(a);
			break;
		}
	}
	return 0;
}

static int stats_cb(const struct nlmsghdr *nlh, void *arg)
{
	const char *tail = mnl_nlmsg_get_payload_tail(nlh);
	struct stats_ctx *ctx = arg;
	const struct nlattr *a;

	if (!nlipc_genl_hdr(nlh))
		return -EBADMSG;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		struct nlipc_op_stats s;

		if (mnl_attr_get_type(a) != NLIPC_A_STATS_OP)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0 ||
		    stats_op(a, &s))
			return -EBADMSG;
		if (ctx->n < ctx->max)
			ctx->ops[ctx->n] = s;
		ctx->n++;
	}
	return (const char *)a == tail ? 0 : -EBADMSG;
}

/**
 * nlipc_stats_get - per-operation counters
 * @ep: the endpoint
 * @ops: receives up to @max_ops entries
 * @max_ops: room at @ops
 *
 * Returns the number of operations the service reports (which may exceed
 * @max_ops), or a negative errno with the error record set.
 */
NLIPC_EXPORT int nlipc_stats_get(struct nlipc *ep, struct nlipc_op_stats *ops,
				 size_t max_ops)
{
	struct stats_ctx ctx = { ops, max_ops, 0 };
	int err;

	err = nlipc_call(ep, nlipc_msg_start(ep, NLIPC_CMD_STATS_GET, 0),
			 stats_cb, &ctx);
	return err ? err : (int)ctx.n;
}

/**
 * nlipc_stats_reset - zero the per-operation counters (needs CAP_NET_ADMIN)
 * @ep: the endpoint
 *
 * Returns 0 or a negative errno (-EPERM) with the error record set.
 */
NLIPC_EXPORT int nlipc_stats_reset(struct nlipc *ep)
{
	return nlipc_call(ep, nlipc_msg_start(ep, NLIPC_CMD_STATS_RESET, 0),
			  NULL, NULL);
}
