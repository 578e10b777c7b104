// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The same exchange through libnlipc: nlipc_ping() with the same payload
 * and reply size, on an endpoint opened from the family's URL; in batch
 * mode, that many pings queued once in an nlipc_batch and run each time.
 * The library is request/reply: it has no one-way stream.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nlipc/nlipc.h>

#include "bench.h"

#define LIB_TIMEOUT_MS	5000

struct lib_conn {
	struct bench_conn base;
	struct nlipc *ep;
	struct nlipc_ping ping;
	uint32_t want;			/* reply payload expected */
	struct nlipc_batch *batch;	/* batch mode: the pings, queued */
	unsigned int bad;		/* replies of the wrong size in a run */
};

/* A batched ping's reply: only its size is checked, as the raw loop does. */
static int batch_reply(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[NLIPC_A_PING_MAX + 1] = {};
	struct lib_conn *l = arg;
	uint32_t len = 0;

	if (nlipc_attr_parse(nlh, tb, NLIPC_A_PING_MAX))
		return -EBADMSG;
	if (tb[NLIPC_A_PING_PAYLOAD])
		len = tb[NLIPC_A_PING_PAYLOAD]->nla_len - NLA_HDRLEN;
	l->bad += len != l->want;
	return 0;
}

/* Queue @n pings like l->ping, once per batch size. */
static int batch_fill(struct lib_conn *l, unsigned int n)
{
	struct nlipc_msg *m;
	unsigned int i;
	int err;

	if (!l->batch) {
		l->batch = nlipc_batch_new(l->ep);
		if (!l->batch)
			return -ENOMEM;
	}
	nlipc_batch_reset(l->batch);
	for (i = 0; i < n; i++) {
		m = nlipc_msg_start(l->ep, NLIPC_CMD_PING, 0);
		if (l->ping.len)
			nlipc_msg_put(m, NLIPC_A_PING_PAYLOAD, l->ping.payload,
				      l->ping.len);
		if (l->ping.has_reply_size)
			nlipc_msg_put_u32(m, NLIPC_A_PING_REPLY_SIZE,
					  l->ping.reply_size);
		err = nlipc_batch_add(l->batch, m, batch_reply, l);
		if (err < 0)
			return err;
	}
	return 0;
}

static int lib_exchange_batch(struct lib_conn *l, unsigned int batch)
{
	struct bench_conn *c = &l->base;
	int err = 0;

	if (!l->batch || nlipc_batch_count(l->batch) != batch)
		err = batch_fill(l, batch);
	if (!err) {
		l->bad = 0;
		err = nlipc_batch_run(l->batch);
	}
	if (err) {
		nlipc_strerror(nlipc_error(l->ep), c->err, sizeof(c->err));
		return err;
	}
	if (l->bad) {
		snprintf(c->err, sizeof(c->err),
			 "%u replies not of %u B", l->bad, l->want);
		return -EBADMSG;
	}
	return 0;
}

static int lib_exchange(struct bench_conn *c, unsigned int batch)
{
	struct lib_conn *l = (struct lib_conn *)c;
	int err;

	if (batch != 1)
		return lib_exchange_batch(l, batch);
	err = nlipc_ping(l->ep, &l->ping);
	if (err) {
		nlipc_strerror(nlipc_error(l->ep), c->err, sizeof(c->err));
		return err;
	}
	if (l->ping.reply_len != l->want) {
		snprintf(c->err, sizeof(c->err),
			 "reply of %u B, %u B expected", l->ping.reply_len,
			 l->want);
		return -EBADMSG;
	}
	return 0;
}

static void lib_close(struct bench_conn *c, struct bench_sink_result *server)
{
	struct lib_conn *l = (struct lib_conn *)c;

	memset(server, 0, sizeof(*server));
	nlipc_batch_free(l->batch);
	if (l->ep)
		nlipc_close(l->ep);
	free(l->ping.reply);
	free((void *)l->ping.payload);
	free(l);
}

/**
 * lib_open - a libnlipc endpoint doing the raw loops' exchange
 * @url: the endpoint's URL
 * @s: the run's setup
 * @peer: the server process (nlipcd), 0 for the kernel
 * @c: set to the connection, also on failure (with c->err) once made
 *
 * Returns 0 or a negative errno.
 */
int lib_open(const char *url, const struct bench_setup *s, pid_t peer,
	     struct bench_conn **c)
{
	struct nlipc_error e;
	struct lib_conn *l;
	void *payload;
	int err;

	*c = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	payload = malloc(s->size ? s->size : 1);
	l->ping.reply = malloc(BENCH_MAX_PAYLOAD + 1);
	if (!payload || !l->ping.reply) {
		free(payload);
		free(l->ping.reply);
		free(l);
		return -ENOMEM;
	}
	memset(payload, 0xa5, s->size);
	l->ping.payload = payload;
	l->ping.len = s->size;
	l->ping.has_reply_size = s->has_reply_size;
	l->ping.reply_size = s->reply_size;
	l->ping.reply_cap = BENCH_MAX_PAYLOAD + 1;
	l->want = s->has_reply_size ? s->reply_size : s->size;
	l->base.exchange = lib_exchange;
	l->base.close = lib_close;
	l->base.peer = peer;
	l->base.req_bytes = wire_request_bytes(s->size, s->has_reply_size);
	l->base.reply_bytes = wire_reply_bytes(l->want);
	*c = &l->base;

	err = nlipc_open_timeout(&l->ep, url, LIB_TIMEOUT_MS, &e);
	if (err) {
		l->ep = NULL;
		nlipc_strerror(&e, l->base.err, sizeof(l->base.err));
		return err;
	}
	return 0;
}
