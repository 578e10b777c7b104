// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Batches: many requests queued, sent a window at a time in one send (or
 * one sendmmsg() where the service takes one request per datagram), their
 * answers routed back to each request by sequence number. A window is
 * bounded in requests and bytes so that its answers fit the socket
 * buffers: the service never blocks on us while we block on it, however
 * large the batch. One deadline covers the whole run.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "internal.h"
#include "bridge.h"

/* What one window puts on the wire before it reads the answers. */
#define BATCH_WINDOW_REQS	64
#define BATCH_WINDOW_BYTES	(64 * 1024)
/* What a batch may accumulate: no more than a call may take back. */
#define BATCH_REQS_MAX		(1u << 20)
#define BATCH_BYTES_MAX		NLIPC_CALL_BYTES_MAX

struct batch_req {
	size_t off;		/* of the message in buf */
	nlipc_reply_cb cb;
	void *arg;
	int err;
	bool done;
};

struct nlipc_batch {
	struct nlipc *ep;
	char *buf;		/* the requests, back to back, aligned */
	size_t len, size;
	struct batch_req *req;
	unsigned int n, cap;
	uint32_t base;		/* seq of req[0] in the run */
	int first;		/* index of the first failed request, or -1 */
	struct nlipc_error first_err;
};

/**
 * nlipc_batch_new - start an empty batch of requests on an endpoint
 * @ep: the endpoint the batch will run on; it must outlive the batch
 *
 * Returns the batch, or NULL if out of memory.
 */
NLIPC_EXPORT struct nlipc_batch *nlipc_batch_new(struct nlipc *ep)
{
	struct nlipc_batch *b = calloc(1, sizeof(*b));

	if (b) {
		b->ep = ep;
		b->first = -1;
	}
	return b;
}

/** nlipc_batch_free - free a batch and every request in it; NULL is fine */
NLIPC_EXPORT void nlipc_batch_free(struct nlipc_batch *b)
{
	if (!b)
		return;
	free(b->buf);
	free(b->req);
	free(b);
}

/**
 * nlipc_batch_reset - empty a batch, keeping its memory for the next one
 * @b: the batch
 */
NLIPC_EXPORT void nlipc_batch_reset(struct nlipc_batch *b)
{
	b->len = 0;
	b->n = 0;
	b->first = -1;
}

/** nlipc_batch_count - how many requests the batch holds */
NLIPC_EXPORT unsigned int nlipc_batch_count(const struct nlipc_batch *b)
{
	return b->n;
}

/* Ops of the nlipc family that answer every request, ACK or not. */
static bool answers_always(const struct nlipc *ep, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = nlipc_genl_hdr(nlh);

	if (nlh->nlmsg_type != ep->family_id || !genl)
		return true;	/* another family's: the caller knows */
	switch (genl->cmd) {
	case NLIPC_CMD_PING:
	case NLIPC_CMD_INFO_GET:
	case NLIPC_CMD_STATS_GET:
	case NLIPC_CMD_KV_GET:
		return true;
	}
	return false;
}

/**
 * nlipc_batch_add - queue a request
 * @b: the batch
 * @m: the request, from nlipc_msg_start() on the batch's endpoint; it is
 *	copied, so the endpoint's next request may be started at once
 * @cb: called for each reply to this request when the batch runs, may be
 *	NULL; its errno fails this request alone
 * @arg: passed to @cb
 *
 * A request whose NLM_F_ACK flag was cleared (through nlipc_msg_hdr())
 * completes on its reply: only for operations that always answer.
 * Returns the request's index in the batch, or a negative errno with the
 * error record set: -EMSGSIZE as nlipc_call() says it, -EOPNOTSUPP for a
 * dump, -EINVAL for an ACK left out of an operation that may not answer,
 * -E2BIG past 2^20 requests or 128 MiB, -ENOMEM.
 */
NLIPC_EXPORT int nlipc_batch_add(struct nlipc_batch *b, struct nlipc_msg *m,
				 nlipc_reply_cb cb, void *arg)
{
	const struct nlmsghdr *nlh = m->nlh;
	struct nlipc *ep = b->ep;
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);

	nlipc_error_clear(ep);
	if (m->overflow)
		return nlipc_fail(ep, -EMSGSIZE, "request larger than %d bytes",
				  NLIPC_TX_SIZE);
	if (ep->tp->msg_max && nlh->nlmsg_len > ep->tp->msg_max)
		return nlipc_fail(ep, -EMSGSIZE,
				  "request of %u bytes does not fit one %s datagram (%zu bytes)",
				  nlh->nlmsg_len, ep->tp->scheme,
				  ep->tp->msg_max);
	if (nlh->nlmsg_flags & NLM_F_DUMP)
		return nlipc_fail(ep, -EOPNOTSUPP,
				  "dumps cannot be batched: use nlipc_call()");
	if (!(nlh->nlmsg_flags & NLM_F_ACK) && !answers_always(ep, nlh))
		return nlipc_fail(ep, -EINVAL,
				  "%s answers nothing without an ACK",
				  nlipc_op_name(nlipc_genl_hdr(nlh)->cmd) ?: "this operation");
	if (b->n >= BATCH_REQS_MAX || b->len + len > BATCH_BYTES_MAX)
		return nlipc_fail(ep, -E2BIG,
				  "a batch holds at most %u requests and %u MiB",
				  BATCH_REQS_MAX, BATCH_BYTES_MAX >> 20);
	if (b->n == b->cap) {
		unsigned int cap = b->cap ? b->cap * 2 : 64;
		struct batch_req *req = realloc(b->req, cap * sizeof(*req));

		if (!req)
			return nlipc_fail(ep, -ENOMEM, "out of memory");
		b->req = req;
		b->cap = cap;
	}
	if (b->len + len > b->size) {
		size_t size = b->size ? b->size * 2 : 16384;
		char *buf;

		while (size < b->len + len)
			size *= 2;
		buf = realloc(b->buf, size);
		if (!buf)
			return nlipc_fail(ep, -ENOMEM, "out of memory");
		b->buf = buf;
		b->size = size;
	}
	memcpy(b->buf + b->len, nlh, nlh->nlmsg_len);
	memset(b->buf + b->len + nlh->nlmsg_len, 0, len - nlh->nlmsg_len);
	b->req[b->n] = (struct batch_req){ .off = b->len, .cb = cb,
					   .arg = arg };
	b->len += len;
	return b->n++;
}

/**
 * nlipc_batch_kv_set - queue a kv-set
 * @b: the batch
 * @key: the key
 * @key_len: its length
 * @value: the value
 * @value_len: its length
 * @flags: as for nlipc_kv_set()
 *
 * Returns the request's index, or a negative errno as nlipc_batch_add().
 */
NLIPC_EXPORT int nlipc_batch_kv_set(struct nlipc_batch *b, const void *key,
				    size_t key_len, const void *value,
				    size_t value_len, unsigned int flags)
{
	struct nlipc_msg *m = nlipc_kv_set_msg(b->ep, key, key_len, value,
					       value_len, flags);

	return m ? nlipc_batch_add(b, m, NULL, NULL) : b->ep->err.code;
}

/**
 * nlipc_batch_errno - how one request of the last run ended
 * @b: the batch
 * @i: the request's index, as nlipc_batch_add() returned it
 *
 * Returns 0 for a success, the request's negative errno (the service's,
 * its callback's, or the run's own such as -ETIMEDOUT for a request left
 * unanswered), or -EINVAL for an index out of range.
 */
NLIPC_EXPORT int nlipc_batch_errno(const struct nlipc_batch *b, unsigned int i)
{
	return i < b->n ? b->req[i].err : -EINVAL;
}

static struct nlmsghdr *req_hdr(struct nlipc_batch *b, unsigned int i)
{
	return (struct nlmsghdr *)(b->buf + b->req[i].off);
}

static size_t req_end(struct nlipc_batch *b, unsigned int i)
{
	return i < b->n ? b->req[i].off : b->len;
}

/* The nlipc command of a request, for the error record, or 0. */
static uint8_t req_cmd(const struct nlipc *ep, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = nlipc_genl_hdr(nlh);

	return genl && nlh->nlmsg_type == ep->family_id ? genl->cmd : 0;
}

/* Request @i failed with @err: keep the record if it is the first. */
static void batch_failed(struct nlipc_batch *b, unsigned int i, int err)
{
	struct nlipc *ep = b->ep;

	b->req[i].err = err;
	b->req[i].done = true;
	if (b->first >= 0 && (unsigned int)b->first < i)
		return;
	b->first = i;
	b->first_err = ep->err;
	b->first_err.code = err;
	b->first_err.cmd = req_cmd(ep, req_hdr(b, i));
}

/* Send @len bytes of requests from @p, waiting for room until the deadline. */
static int batch_send(struct nlipc_batch *b, const char *p, size_t len)
{
	struct nlipc *ep = b->ep;
	ssize_t n;
	int err;

	while (len) {
		if (ep->tp->send_each) {
			n = ep->tp->send_each(ep, p, len);
		} else {
			n = ep->tp->send(ep, p, len);
			if (!n)
				n = len;
		}
		if (n > 0) {
			p += n;
			len -= n;
			continue;
		}
		if (n != -EAGAIN)
			return ep->err.code ? (int)n :
			       nlipc_fail(ep, n, "send failed");
		err = nlipc_wait(ep, POLLOUT, ep->deadline);
		if (err)
			return nlipc_fail(ep, err,
					  "could not send within %d ms",
					  ep->timeout_ms);
	}
	return 0;
}

/*
 * Route one received buffer's messages to the window [lo, hi). Returns
 * how many requests completed, or a negative errno for a malformed
 * buffer or one past the budget.
 */
static int batch_walk(struct nlipc_batch *b, size_t len, unsigned int lo,
		      unsigned int hi)
{
	struct nlipc *ep = b->ep;
	const struct nlmsghdr *nlh = ep->rx;
	int rest = len, done = 0, err;
	struct batch_req *r;
	uint32_t i;

	for (; nlipc_nlmsg_ok(nlh, rest); nlh = nlipc_nlmsg_next(nlh, &rest)) {
		if (++ep->call_msgs > NLIPC_CALL_MSGS_MAX)
			return nlipc_fail(ep, -EOVERFLOW,
					  "the service sent more than %u messages for one batch window; stopped",
					  NLIPC_CALL_MSGS_MAX);
		/* Others' answers, a timed-out call's, duplicates: not ours. */
		i = nlh->nlmsg_seq - b->base;
		if (!nlh->nlmsg_seq || i < lo || i >= hi ||
		    nlh->nlmsg_pid != ep->portid)
			continue;
		r = &b->req[i];
		if (r->done || nlh->nlmsg_type == NLMSG_NOOP ||
		    nlh->nlmsg_type == NLMSG_DONE)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			/* The error record takes the request it answers. */
			ep->msg.nlh = req_hdr(b, i);
			ep->err.cmd = req_cmd(ep, ep->msg.nlh);
			err = nlipc_error_from_ack(ep, nlh);
			ep->msg.nlh = ep->tx;
			if (err)
				batch_failed(b, i, err);
			r->done = true;
			done++;
			continue;
		}
		if (nlh->nlmsg_type != req_hdr(b, i)->nlmsg_type)
			continue;
		if (r->cb && !r->err) {
			err = r->cb(nlh, r->arg);
			if (err < 0) {
				nlipc_fail(ep, err, "%s", err == -EBADMSG ?
					   "malformed reply from the service" :
					   "stopped by the reply callback");
				batch_failed(b, i, err);
				/* Its ACK, if one comes, still ends it. */
				r->done = !(req_hdr(b, i)->nlmsg_flags &
					    NLM_F_ACK);
				done += r->done;
				continue;
			}
		}
		if (!(req_hdr(b, i)->nlmsg_flags & NLM_F_ACK)) {
			r->done = true;
			done++;
		}
	}
	if (rest)
		return nlipc_fail(ep, -EBADMSG, "truncated message from peer");
	return done;
}

/* Send the requests of [lo, hi) again that are still unanswered. */
static int batch_resend(struct nlipc_batch *b, unsigned int lo,
			unsigned int hi)
{
	unsigned int i;
	int err;

	for (i = lo; i < hi; i++) {
		if (b->req[i].done)
			continue;
		err = batch_send(b, (char *)req_hdr(b, i),
				 req_end(b, i + 1) - b->req[i].off);
		if (err)
			return err;
	}
	return 0;
}

/* Run the window [lo, hi): send it, then take its answers. */
static int batch_window(struct nlipc_batch *b, unsigned int lo,
			unsigned int hi)
{
	bool lossy = b->ep->tp->flags & NLIPC_TP_LOSSY;
	struct nlipc *ep = b->ep;
	unsigned int left = hi - lo, sends = 1;
	long long retry = -1, until;
	ssize_t n;
	int err;

	err = batch_send(b, b->buf + b->req[lo].off,
			 req_end(b, hi) - b->req[lo].off);
	if (err)
		return err;
	if (lossy)
		retry = nlipc_now_ms() + nlipc_rtt_rto(&ep->rtt);
	/* Each window may take what one call may. */
	ep->call_msgs = 0;
	ep->call_bytes = 0;
	while (left) {
		until = ep->deadline;
		if (retry >= 0 && (until < 0 || retry < until))
			until = retry;
		n = ep->tp->recv(ep, until);
		if (n == -ETIMEDOUT && until != ep->deadline) {
			/* Lost on the way: the service answers repeats once. */
			nlipc_rtt_backoff(&ep->rtt);
			err = batch_resend(b, lo, hi);
			if (err)
				return err;
			sends++;
			retry = nlipc_now_ms() + nlipc_rtt_rto(&ep->rtt);
			continue;
		}
		if (n == -ETIMEDOUT)
			return nlipc_fail(ep, n,
					  "%u of the batch's requests unanswered within %d ms%s",
					  left, ep->timeout_ms,
					  sends > 1 ? " (resent)" : "");
		if (n == -ENOBUFS)
			return nlipc_fail(ep, n,
					  "receive buffer overrun, messages lost");
		if (n < 0)
			return ep->err.code ? (int)n :
			       nlipc_fail(ep, n, "receive failed");
		ep->call_bytes += n;
		if (ep->call_bytes > NLIPC_CALL_BYTES_MAX)
			return nlipc_fail(ep, -EOVERFLOW,
					  "the service sent more than %u MiB for one batch window; stopped",
					  NLIPC_CALL_BYTES_MAX >> 20);
		err = batch_walk(b, n, lo, hi);
		if (err < 0)
			return err;
		left -= err;
		if (left && ep->deadline >= 0 && ep->recv_ms >= ep->deadline)
			return nlipc_fail(ep, -ETIMEDOUT,
					  "%u of the batch's requests unanswered within %d ms (the service kept sending)",
					  left, ep->timeout_ms);
	}
	return 0;
}

/* The end of the window starting at @lo. */
static unsigned int window_end(struct nlipc_batch *b, unsigned int lo)
{
	unsigned int reqs = BATCH_WINDOW_REQS, hi = lo + 1;

	/* A resend must find its answer in nlipcd's memory (bridge.h). */
	if (b->ep->tp->flags & NLIPC_TP_LOSSY)
		reqs = NLIPC_BRIDGE_UDP_ANSWERS;
	while (hi < b->n && hi - lo < reqs &&
	       req_end(b, hi + 1) - b->req[lo].off <= BATCH_WINDOW_BYTES)
		hi++;
	return hi;
}

/**
 * nlipc_batch_run - send every request of the batch and take the answers
 * @b: the batch
 *
 * Requests go out in order, many to a send, and each answer is routed to
 * its request by sequence number: one request's failure does not stop
 * the others. The endpoint's timeout bounds the whole run; a UDP request
 * left unanswered is resent as nlipc_call() does. The batch keeps its
 * requests and may be run again.
 * Returns 0 if every request succeeded, else the errno of the first that
 * failed (in the order they were added), with the error record set as
 * nlipc_call() would have set it for that request; nlipc_batch_errno()
 * tells each request's own. A failure of the transport (-ETIMEDOUT,
 * -ENOBUFS, a closed connection) fails every request not yet answered.
 */
NLIPC_EXPORT int nlipc_batch_run(struct nlipc_batch *b)
{
	struct nlipc *ep = b->ep;
	unsigned int lo, hi, i;
	int err = 0;

	nlipc_error_clear(ep);
	ep->err.cmd = 0;
	if (ep->subscribed)
		return nlipc_fail(ep, -EBUSY,
				  "this endpoint receives notifications; send requests on another");
	b->first = -1;
	if (!b->n)
		return 0;
	ep->ev_left = 0;
	ep->deadline = ep->timeout_ms < 0 ? -1 :
		       nlipc_now_ms() + ep->timeout_ms;

	/* Consecutive seqs, never 0 (the notifications'): i = seq - base. */
	if (ep->seq + 1 + b->n < ep->seq + 1 || !(ep->seq + 1))
		ep->seq = 0;
	b->base = ep->seq + 1;
	ep->seq += b->n;
	for (i = 0; i < b->n; i++) {
		req_hdr(b, i)->nlmsg_seq = b->base + i;
		req_hdr(b, i)->nlmsg_pid = 0;
		b->req[i].err = 0;
		b->req[i].done = false;
	}

	for (lo = 0; lo < b->n && !err; lo = hi) {
		hi = window_end(b, lo);
		err = batch_window(b, lo, hi);
		if (!err)
			continue;
		for (i = lo; i < b->n; i++)
			if (!b->req[i].done)
				batch_failed(b, i, err);
	}
	if (b->first < 0)
		return 0;
	ep->err = b->first_err;
	return ep->err.code;
}
