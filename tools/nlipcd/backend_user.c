// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user backend: the module's operations served by nlipcd itself, with
 * the module's limits, errors, extack messages, statistics, notifications
 * and dump consistency (kmod/ping.c, info.c, stats.c, kv.c, bus.c are the
 * reference, handler for handler; the kv rules are the module's own,
 * kmod/kv-rules.h). One store per daemon; notifications go
 * to this daemon's subscribers; a publisher's port id is the one nlipcd
 * gave its connection.
 */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/nlipc.h>

#include "../../kmod/kv-rules.h"
#include "backend.h"
#include "client.h"
#include "kv.h"
#include "loop.h"
#include "nlipcd.h"
#include "policy.h"
#include "reply.h"
#include "request.h"

/* What the kernel's dump skb holds (kmod/kv.c's min_dump_alloc). */
#define DUMP_ROUND	NLMSG_ALIGN(NLMSG_HDRLEN + GENL_HDRLEN +		\
				    MNL_ATTR_HDRLEN + MNL_ALIGN(NLIPC_KV_KEY_MAX_LEN) + \
				    MNL_ATTR_HDRLEN + NLIPC_VALUE_MAX_LEN)

struct op_counters {
	uint64_t requests, errors, rx_bytes, tx_bytes;
};

struct user {
	struct nlipcd_kv kv;
	struct op_counters stats[NLIPC_CMD_MAX + 1];
	uint8_t family_attrs[512];
	size_t family_attrs_len;
};

/* A dump in progress: netlink_callback's state, and where we are. */
struct user_dump {
	struct nlipcd_dump dump;	/* the client's c->dump */
	uint32_t seq;			/* the request's */
	uint32_t cb_seq, prev_seq;	/* nl_dump_check_consistent() */
	unsigned long pos;		/* entries walked */
	struct nlipcd_list *cursor;	/* entry at pos, while gen holds */
	uint32_t cursor_gen;
	uint16_t prefix_len;
	unsigned char prefix[NLIPC_KV_KEY_MAX_LEN];
};

static struct user *user_of(struct nlipcd *d)
{
	return d->backend_priv;
}

static const char user_version[] = PACKAGE_VERSION;

/* The attributes of CTRL_CMD_NEWFAMILY, in nlctrl's order. */
static int family_attrs(struct user *u)
{
	static const char *const names[NLIPCD_GRP_COUNT] = {
		[NLIPCD_GRP_EVENTS] = NLIPC_MCGRP_EVENTS,
		[NLIPCD_GRP_BUS] = NLIPC_MCGRP_BUS,
	};
	struct nlipcd_reply r;
	size_t ops, grps, one;
	unsigned int i;
	int err;

	err = nlipcd_reply_init(&r, 512);
	if (err)
		return err;
	nlipcd_reply_genl(&r, GENL_ID_CTRL, 0, 0, 0, CTRL_CMD_NEWFAMILY, 2);
	nlipcd_reply_put_str(&r, CTRL_ATTR_FAMILY_NAME, NLIPC_FAMILY_NAME);
	nlipcd_reply_put(&r, CTRL_ATTR_FAMILY_ID,
			 &(uint16_t){ NLIPC_BRIDGE_FAMILY_ID }, sizeof(uint16_t));
	nlipcd_reply_put_u32(&r, CTRL_ATTR_VERSION, NLIPC_FAMILY_VERSION);
	nlipcd_reply_put_u32(&r, CTRL_ATTR_HDRSIZE, 0);
	nlipcd_reply_put_u32(&r, CTRL_ATTR_MAXATTR, 0);
	ops = nlipcd_reply_nest_start(&r, CTRL_ATTR_OPS);
	for (i = 0; i < nlipcd_n_ops; i++) {
		one = nlipcd_reply_nest_start(&r, i + 1);
		nlipcd_reply_put_u32(&r, CTRL_ATTR_OP_ID, nlipcd_ops[i].cmd);
		nlipcd_reply_put_u32(&r, CTRL_ATTR_OP_FLAGS,
				     nlipcd_op_ctrl_flags(&nlipcd_ops[i]));
		nlipcd_reply_nest_end_plain(&r, one);
	}
	nlipcd_reply_nest_end_plain(&r, ops);
	grps = nlipcd_reply_nest_start(&r, CTRL_ATTR_MCAST_GROUPS);
	for (i = 0; i < NLIPCD_GRP_COUNT; i++) {
		one = nlipcd_reply_nest_start(&r, i + 1);
		nlipcd_reply_put_u32(&r, CTRL_ATTR_MCAST_GRP_ID, i + 1);
		nlipcd_reply_put_str(&r, CTRL_ATTR_MCAST_GRP_NAME, names[i]);
		nlipcd_reply_nest_end_plain(&r, one);
	}
	nlipcd_reply_nest_end_plain(&r, grps);
	err = r.err;
	if (!err) {
		u->family_attrs_len = r.buf->len - NLMSG_HDRLEN - GENL_HDRLEN;
		if (u->family_attrs_len > sizeof(u->family_attrs))
			err = -E2BIG;
		else
			memcpy(u->family_attrs,
			       r.buf->data + NLMSG_HDRLEN + GENL_HDRLEN,
			       u->family_attrs_len);
	}
	nlipcd_reply_release(&r);
	return err;
}

static int user_init(struct nlipcd *d)
{
	struct user *u = calloc(1, sizeof(*u));
	int err;

	if (!u)
		return -ENOMEM;
	err = nlipcd_kv_init(&u->kv);
	if (err)
		goto err_free;
	err = family_attrs(u);
	if (err)
		goto err_uninit_kv;
	d->backend_priv = u;
	return 0;

err_uninit_kv:
	nlipcd_kv_uninit(&u->kv);
err_free:
	free(u);
	return err;
}

static void user_uninit(struct nlipcd *d)
{
	struct user *u = user_of(d);

	if (!u)
		return;
	nlipcd_kv_uninit(&u->kv);
	free(u);
	d->backend_priv = NULL;
}

static int user_family(struct nlipcd *d, struct nlipcd_family *f,
		       const char **why)
{
	struct user *u = user_of(d);
	unsigned int g;

	f->id = NLIPC_BRIDGE_FAMILY_ID;
	for (g = 0; g < NLIPCD_GRP_COUNT; g++)
		f->group_id[g] = g + 1;
	f->attrs = u->family_attrs;
	f->attrs_len = u->family_attrs_len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Handlers: the answer goes into @r; a negative return is the error   */
/* ------------------------------------------------------------------ */

struct ctx {
	struct nlipcd_client *c;
	const struct nlmsghdr *nlh;
	const struct nlattr **tb;
	struct nlipcd_extack *ext;
	struct nlipcd_reply *r;
	struct user *u;
};

/* genlmsg_put_reply(): the reply carries the request's seq and our port. */
static int reply_start(struct ctx *x, uint8_t cmd)
{
	return nlipcd_reply_genl(x->r, NLIPC_BRIDGE_FAMILY_ID, 0,
				 x->nlh->nlmsg_seq, x->c->portid, cmd,
				 NLIPC_FAMILY_VERSION);
}

/* nlipc_nl_reply(): what the counters call tx bytes. */
static int reply_end(struct ctx *x, uint8_t cmd)
{
	if (x->r->err)
		return x->r->err;
	x->u->stats[cmd].tx_bytes += nlipcd_reply_cur(x->r)->nlmsg_len;
	return 0;
}

static int req_attr(struct ctx *x, unsigned int type)
{
	if (x->tb[type])
		return 0;
	x->ext->miss_type = type;
	return -EINVAL;
}

static int do_ping(struct ctx *x)
{
	const struct nlattr *payload = x->tb[NLIPC_A_PING_PAYLOAD];
	const struct nlattr *size = x->tb[NLIPC_A_PING_REPLY_SIZE];
	const struct nlattr *cookie = x->tb[NLIPC_A_PING_COOKIE];
	uint32_t max = x->c->d->store.ping_max_payload;
	uint32_t in_len = payload ? mnl_attr_get_payload_len(payload) : 0;
	uint32_t out_len = size ? mnl_attr_get_u32(size) : in_len;
	uint32_t copied;
	unsigned char *echo;

	if (in_len > max) {
		NLIPCD_SET_ERR_ATTR(x->ext, payload,
				    "payload larger than ping_max_payload");
		return -EMSGSIZE;
	}
	if (out_len > max) {
		NLIPCD_SET_ERR_ATTR(x->ext, size,
				    "reply size larger than ping_max_payload");
		return -EMSGSIZE;
	}
	reply_start(x, NLIPC_CMD_PING);
	if (out_len) {
		copied = in_len < out_len ? in_len : out_len;
		echo = nlipcd_reply_reserve(x->r, NLIPC_A_PING_PAYLOAD, out_len);
		if (echo) {
			if (copied)
				memcpy(echo, mnl_attr_get_payload(payload), copied);
			memset(echo + copied, 0, out_len - copied);
		}
	}
	if (cookie)
		nlipcd_reply_put_u64(x->r, NLIPC_A_PING_COOKIE,
				     mnl_attr_get_u64(cookie));
	return reply_end(x, NLIPC_CMD_PING);
}

static int do_info_get(struct ctx *x)
{
	const struct nlipcd_store_limits *l = &x->c->d->store;
	struct nlipcd_reply *r = x->r;

	reply_start(x, NLIPC_CMD_INFO_GET);
	nlipcd_reply_put_str(r, NLIPC_A_INFO_VERSION, user_version);
	nlipcd_reply_put_str(r, NLIPC_A_INFO_BACKEND, "user");
	nlipcd_reply_put_u64(r, NLIPC_A_INFO_UPTIME_MS,
			     nlipcd_now_ms() - x->c->d->start_ms);
	nlipcd_reply_put_u32(r, NLIPC_A_INFO_PING_MAX_PAYLOAD, l->ping_max_payload);
	nlipcd_reply_put_u32(r, NLIPC_A_INFO_KV_MAX_ENTRIES, l->kv_max_entries);
	nlipcd_reply_put_u32(r, NLIPC_A_INFO_KV_MAX_KEY_LEN, l->kv_max_key_len);
	nlipcd_reply_put_u32(r, NLIPC_A_INFO_KV_MAX_VALUE_LEN, l->kv_max_value_len);
	nlipcd_reply_put_u64(r, NLIPC_A_INFO_KV_MAX_BYTES, l->kv_max_bytes);
	nlipcd_reply_put_u32(r, NLIPC_A_INFO_KV_ENTRIES, x->u->kv.count);
	nlipcd_reply_put_u64(r, NLIPC_A_INFO_KV_BYTES, x->u->kv.bytes);
	return reply_end(x, NLIPC_CMD_INFO_GET);
}

static int do_stats_get(struct ctx *x)
{
	struct nlipcd_reply *r = x->r;
	unsigned int i;
	size_t nest;

	reply_start(x, NLIPC_CMD_STATS_GET);
	for (i = 0; i < nlipcd_n_ops; i++) {
		const struct op_counters *s = &x->u->stats[nlipcd_ops[i].cmd];

		nest = nlipcd_reply_nest_start(r, NLIPC_A_STATS_OP);
		nlipcd_reply_put_u32(r, NLIPC_A_OP_STATS_CMD, nlipcd_ops[i].cmd);
		nlipcd_reply_put_u64(r, NLIPC_A_OP_STATS_REQUESTS, s->requests);
		nlipcd_reply_put_u64(r, NLIPC_A_OP_STATS_ERRORS, s->errors);
		nlipcd_reply_put_u64(r, NLIPC_A_OP_STATS_RX_BYTES, s->rx_bytes);
		nlipcd_reply_put_u64(r, NLIPC_A_OP_STATS_TX_BYTES, s->tx_bytes);
		nlipcd_reply_nest_end(r, nest);
	}
	return reply_end(x, NLIPC_CMD_STATS_GET);
}

static int do_stats_reset(struct ctx *x)
{
	memset(x->u->stats, 0, sizeof(x->u->stats));
	return 0;
}

/* One entry as a message: a reply, a notification or a dump item. */
static int kv_fill(struct nlipcd_reply *r, const struct nlipcd_kv_entry *e,
		   uint32_t portid, uint32_t seq, uint8_t cmd, bool with_value,
		   uint16_t flags)
{
	nlipcd_reply_genl(r, NLIPC_BRIDGE_FAMILY_ID, flags, seq, portid, cmd,
			  NLIPC_FAMILY_VERSION);
	nlipcd_reply_put(r, NLIPC_A_KV_KEY, e->data, e->key_len);
	if (with_value)
		nlipcd_reply_put(r, NLIPC_A_KV_VALUE, e->data + e->key_len,
				 e->value_len);
	return r->err;
}

/* Under "the store's lock" (we are single-threaded): changes in order. */
static void kv_notify(struct nlipcd *d, const struct nlipcd_kv_entry *e,
		      uint8_t cmd)
{
	struct nlipcd_reply r;

	if (!d->n_subscribed[NLIPCD_GRP_EVENTS])
		return;		/* genl_has_listeners() */
	if (nlipcd_reply_init(&r, 64 + e->key_len + e->value_len))
		goto out_overrun;
	if (kv_fill(&r, e, 0, 0, cmd, cmd == NLIPC_CMD_KV_SET_NTF, 0)) {
		nlipcd_reply_release(&r);
		goto out_overrun;
	}
	nlipcd_client_notify(d, NLIPCD_GRP_EVENTS, r.buf);
	nlipcd_reply_release(&r);
	return;

out_overrun:
	/* kmod's genl_set_err(..., -ENOBUFS): the listeners learn of it. */
	nlipcd_client_overrun_group(d, NLIPCD_GRP_EVENTS);
}

/* A rule's refusal (kmod/kv-rules.h) as the request's extack. */
static void refuse(struct ctx *x, const struct nlipc_kv_verdict *v)
{
	if (v->attr)
		NLIPCD_SET_ERR_ATTR(x->ext, x->tb[v->attr], v->msg);
	else
		NLIPCD_SET_ERR_MSG(x->ext, v->msg);
}

static int do_kv_set(struct ctx *x)
{
	const struct nlattr *key = x->tb[NLIPC_A_KV_KEY];
	const struct nlattr *value = x->tb[NLIPC_A_KV_VALUE];
	bool replace = x->tb[NLIPC_A_KV_REPLACE];
	bool create = x->tb[NLIPC_A_KV_CREATE];
	bool excl = x->tb[NLIPC_A_KV_EXCL];
	const struct nlipcd_store_limits *l = &x->c->d->store;
	struct nlipcd_kv_entry *e, *old;
	struct nlipc_kv_verdict v;
	uint32_t key_len, value_len;
	int err;

	if (req_attr(x, NLIPC_A_KV_KEY) || req_attr(x, NLIPC_A_KV_VALUE))
		return -EINVAL;
	key_len = mnl_attr_get_payload_len(key);
	value_len = mnl_attr_get_payload_len(value);
	err = nlipc_kv_check_lens(key_len, value_len, l->kv_max_key_len,
				  l->kv_max_value_len, &v);
	if (err)
		goto out_refuse;

	old = nlipcd_kv_find(&x->u->kv, mnl_attr_get_payload(key), key_len);
	err = nlipc_kv_check_set(!!old, create, excl, replace, &v);
	if (!err)
		err = nlipc_kv_check_room(x->u->kv.count, x->u->kv.bytes, !!old,
					  old ? old->key_len + old->value_len : 0,
					  key_len + value_len, l->kv_max_entries,
					  l->kv_max_bytes, &v);
	if (err)
		goto out_refuse;

	e = nlipcd_kv_entry_new(mnl_attr_get_payload(key), key_len,
				mnl_attr_get_payload(value), value_len);
	if (!e)
		return -ENOMEM;
	nlipcd_kv_store(&x->u->kv, old, e);
	kv_notify(x->c->d, e, NLIPC_CMD_KV_SET_NTF);
	return 0;

out_refuse:
	refuse(x, &v);
	return err;
}

static int do_kv_del(struct ctx *x)
{
	const struct nlattr *key = x->tb[NLIPC_A_KV_KEY];
	struct nlipcd_kv_entry *e;

	if (req_attr(x, NLIPC_A_KV_KEY))
		return -EINVAL;
	e = nlipcd_kv_find(&x->u->kv, mnl_attr_get_payload(key),
			   mnl_attr_get_payload_len(key));
	if (!e) {
		NLIPCD_SET_ERR_ATTR(x->ext, key, "no such key");
		return -ENOENT;
	}
	nlipcd_kv_remove(&x->u->kv, e);
	kv_notify(x->c->d, e, NLIPC_CMD_KV_DEL_NTF);
	free(e);
	return 0;
}

static int do_kv_get(struct ctx *x)
{
	const struct nlattr *key = x->tb[NLIPC_A_KV_KEY];
	struct nlipcd_kv_entry *e;

	if (x->tb[NLIPC_A_KV_KEY_PREFIX]) {
		NLIPCD_SET_ERR_ATTR(x->ext, x->tb[NLIPC_A_KV_KEY_PREFIX],
				    "key-prefix filters dumps, not gets");
		return -EINVAL;
	}
	if (req_attr(x, NLIPC_A_KV_KEY))
		return -EINVAL;
	e = nlipcd_kv_find(&x->u->kv, mnl_attr_get_payload(key),
			   mnl_attr_get_payload_len(key));
	if (!e) {
		NLIPCD_SET_ERR_ATTR(x->ext, key, "no such key");
		return -ENOENT;
	}
	kv_fill(x->r, e, x->c->portid, x->nlh->nlmsg_seq, NLIPC_CMD_KV_GET,
		true, 0);
	return reply_end(x, NLIPC_CMD_KV_GET);
}

static int do_publish(struct ctx *x)
{
	const struct nlattr *payload = x->tb[NLIPC_A_BUS_PAYLOAD];
	const struct nlattr *topic = x->tb[NLIPC_A_BUS_TOPIC];
	struct nlipcd *d = x->c->d;
	struct nlipcd_reply r;
	int err;

	if (req_attr(x, NLIPC_A_BUS_TOPIC))
		return -EINVAL;
	if (!mnl_attr_get_payload_len(topic) ||
	    !*(const char *)mnl_attr_get_payload(topic)) {
		NLIPCD_SET_ERR_ATTR(x->ext, topic, "empty topic");
		return -EINVAL;
	}
	/* Nobody listening is not an error: the message is simply gone. */
	if (!d->n_subscribed[NLIPCD_GRP_BUS])
		return 0;
	err = nlipcd_reply_init(&r, 64 + mnl_attr_get_payload_len(topic) +
				(payload ? mnl_attr_get_payload_len(payload) : 0));
	if (err)
		return err;
	nlipcd_reply_genl(&r, NLIPC_BRIDGE_FAMILY_ID, 0, 0, 0,
			  NLIPC_CMD_PUBLISH_NTF, NLIPC_FAMILY_VERSION);
	nlipcd_reply_put(&r, NLIPC_A_BUS_TOPIC, mnl_attr_get_payload(topic),
			 mnl_attr_get_payload_len(topic));
	if (payload)
		nlipcd_reply_put(&r, NLIPC_A_BUS_PAYLOAD,
				 mnl_attr_get_payload(payload),
				 mnl_attr_get_payload_len(payload));
	nlipcd_reply_put_u32(&r, NLIPC_A_BUS_SENDER, x->c->portid);
	err = r.err;
	if (!err)
		nlipcd_client_notify(d, NLIPCD_GRP_BUS, r.buf);
	nlipcd_reply_release(&r);
	return err;
}

typedef int (*handler_t)(struct ctx *x);

static const handler_t doits[NLIPC_CMD_MAX + 1] = {
	[NLIPC_CMD_PING] = do_ping,
	[NLIPC_CMD_INFO_GET] = do_info_get,
	[NLIPC_CMD_STATS_GET] = do_stats_get,
	[NLIPC_CMD_STATS_RESET] = do_stats_reset,
	[NLIPC_CMD_KV_SET] = do_kv_set,
	[NLIPC_CMD_KV_GET] = do_kv_get,
	[NLIPC_CMD_KV_DEL] = do_kv_del,
	[NLIPC_CMD_PUBLISH] = do_publish,
};

/* ------------------------------------------------------------------ */
/* Dumps: kv-get, in rounds the size of the kernel's, paced by the     */
/* client's queue as a netlink dump is paced by recvmsg()              */
/* ------------------------------------------------------------------ */

static struct user_dump *user_dump_of(struct nlipcd_client *c)
{
	return nlipcd_container_of(c->dump, struct user_dump, dump);
}

static void dump_free(struct nlipcd_client *c)
{
	free(user_dump_of(c));
	c->dump = NULL;
}

static void dump_end(struct nlipcd_client *c)
{
	dump_free(c);
	nlipcd_client_kick(c);
}

/* nl_dump_check_consistent() */
static void check_consistent(struct user_dump *dd, struct nlmsghdr *nlh)
{
	if (dd->prev_seq && dd->cb_seq != dd->prev_seq)
		nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
	dd->prev_seq = dd->cb_seq;
}

/* The entry at position dd->pos: from the cursor if nothing changed. */
static struct nlipcd_list *dump_seek(struct user *u, struct user_dump *dd)
{
	struct nlipcd_list *l;
	unsigned long pos;

	if (dd->cursor && dd->cursor_gen == u->kv.gen)
		return dd->cursor;
	for (l = u->kv.entries.next, pos = 0;
	     l != &u->kv.entries && pos < dd->pos; l = l->next)
		pos++;
	return l;
}

/*
 * kmod's nlipc_nl_kv_get_dumpit(), one round: 1 once the dump ended, 0 if
 * more is to come, -ENOMEM if the round could not be made (it is made
 * again later: the sweep resumes stalled dumps).
 */
static int dump_round(struct nlipcd_client *c)
{
	struct user_dump *dd = user_dump_of(c);
	struct user *u = user_of(c->d);
	struct nlipcd_reply r;
	struct nlipcd_list *l;
	size_t before;
	bool done;

	if (nlipcd_reply_init(&r, DUMP_ROUND + 64))
		return -ENOMEM;
	dd->cb_seq = u->kv.gen;
	for (l = dump_seek(u, dd); l != &u->kv.entries; l = l->next) {
		struct nlipcd_kv_entry *e = nlipcd_kv_entry_of(l);

		if (e->key_len < dd->prefix_len ||
		    memcmp(e->data, dd->prefix, dd->prefix_len)) {
			dd->pos++;
			continue;
		}
		before = r.buf->len;
		if (kv_fill(&r, e, c->portid, dd->seq, NLIPC_CMD_KV_GET, true,
			    NLM_F_MULTI))
			break;
		if (NLMSG_ALIGN(r.buf->len) > DUMP_ROUND) {
			/* A full message ends this round. */
			r.buf->len = before;
			break;
		}
		check_consistent(dd, nlipcd_reply_cur(&r));
		dd->pos++;
	}
	if (r.err) {
		nlipcd_reply_release(&r);
		return -ENOMEM;
	}
	dd->cursor = l;
	dd->cursor_gen = u->kv.gen;
	u->stats[NLIPC_CMD_KV_GET].tx_bytes += NLMSG_ALIGN(r.buf->len);

	/* netlink_dump_done(): an empty round ends the dump. */
	done = !r.buf->len;
	if (done && !nlipcd_reply_done(&r, dd->seq, c->portid, 0))
		check_consistent(dd, nlipcd_reply_cur(&r));
	nlipcd_client_send_reply(c, &r);
	nlipcd_reply_release(&r);
	return done;
}

/*
 * Rounds while the client's queue is short, as the kernel fills a socket
 * until its buffer is full; the loop calls again when it drains.
 */
static void user_resume(struct nlipcd_client *c)
{
	int ret;

	while (c->dump && c->tx.bytes < NLIPCD_DUMP_LOW_WATER && !c->closing) {
		ret = dump_round(c);
		if (ret < 0)
			break;
		if (ret)
			dump_end(c);
	}
}

static int dump_start(struct ctx *x)
{
	const struct nlattr *prefix = x->tb[NLIPC_A_KV_KEY_PREFIX];
	struct user_dump *dd;

	/*
	 * With its extack, as the module answers from Linux 6.4 on (before,
	 * the kernel drops a dump start's extack: doc/protocol.md).
	 */
	if (x->tb[NLIPC_A_KV_KEY]) {
		NLIPCD_SET_ERR_ATTR(x->ext, x->tb[NLIPC_A_KV_KEY],
				    "dumps filter by key-prefix, not key");
		return -EINVAL;
	}
	dd = calloc(1, sizeof(*dd));
	if (!dd)
		return -ENOMEM;
	dd->dump.resume = user_resume;
	dd->dump.free = dump_free;
	dd->seq = x->nlh->nlmsg_seq;
	if (prefix) {
		dd->prefix_len = mnl_attr_get_payload_len(prefix);
		memcpy(dd->prefix, mnl_attr_get_payload(prefix), dd->prefix_len);
	}
	x->c->dump = &dd->dump;
	return 0;
}

/* ------------------------------------------------------------------ */

static void user_request(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			 const struct nlipcd_op *op, bool dump)
{
	const struct nlattr *tb[NLIPCD_REQ_ATTR_MAX + 1];
	struct nlipcd_extack ext = { 0 };
	struct user *u = user_of(c->d);
	struct nlipcd_reply r;
	struct ctx x = {
		.c = c, .nlh = nlh, .tb = tb, .ext = &ext, .r = &r, .u = u,
	};
	int err;

	if (nlipcd_reply_init(&r, 256))
		return;
	err = nlipcd_policy_parse(nlh, op->policy, NLIPCD_VALIDATE_STRICT, tb,
				  &ext);
	if (err)
		goto out_ack;

	/* Counted as the module counts: requests that reach the handler. */
	u->stats[op->cmd].requests++;
	u->stats[op->cmd].rx_bytes += nlh->nlmsg_len;
	if (dump) {
		err = dump_start(&x);
		if (err) {
			u->stats[op->cmd].errors++;
			goto out_ack;
		}
		nlipcd_reply_release(&r);
		user_resume(c);
		return;
	}
	err = doits[op->cmd](&x);
	if (err) {
		u->stats[op->cmd].errors++;
		/* Drop a half-built reply: only the error goes out. */
		r.buf->len = 0;
		r.err = 0;
	}

out_ack:
	if (err || (nlh->nlmsg_flags & NLM_F_ACK))
		nlipcd_reply_ack(&r, nlh, c->portid, err, &ext);
	nlipcd_client_send_reply(c, &r);
	nlipcd_reply_release(&r);
}

/* Our own policies: nlctrl's answer for a family, built as it builds it. */
static void user_policy(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			const struct nlattr *op_attr,
			const struct nlipcd_family *f)
{
	struct nlipcd_extack ext = { 0 };
	struct nlipcd_reply r;
	int only = -1;

	if (op_attr) {
		uint32_t op = mnl_attr_get_u32(op_attr);

		/* Naming the attribute, as Linux 6.4 on does. */
		if (op > UINT8_MAX || !nlipcd_op_find(op)) {
			ext.bad_attr = op_attr;
			nlipcd_request_ack(c, nlh, -ENOENT, &ext);
			return;
		}
		only = op;
	}
	if (nlipcd_reply_init(&r, 2048))
		return;
	nlipcd_policy_dump(&r, f->id, nlh->nlmsg_seq, c->portid, only);
	nlipcd_reply_done(&r, nlh->nlmsg_seq, c->portid, 0);
	nlipcd_client_send_reply(c, &r);
	nlipcd_reply_release(&r);
}

const struct nlipcd_backend nlipcd_backend_user = {
	.name = "user",
	.init = user_init,
	.uninit = user_uninit,
	.family = user_family,
	.request = user_request,
	.policy = user_policy,
};
