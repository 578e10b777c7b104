// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The request/reply core, shared by every operation and every transport:
 * send one request, take the replies that carry its sequence number and
 * our port id, finish on the ACK (do) or NLMSG_DONE (dump), retry a dump
 * that raced a writer, resend a request a lossy transport may have lost,
 * and never wait past the endpoint's deadline.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libmnl/libmnl.h>

#include "internal.h"
#include "bridge.h"

/* nlipc_call_once()'s verdict for a dump marked NLM_F_DUMP_INTR. */
#define CALL_INTERRUPTED 1

/*
 * SO_RCVTIMEO sleeps on the timer wheel, which may fire up to an eighth
 * of a long timeout late, plus a tick or two; poll() sleeps on an
 * hrtimer. So a blocking receive is bounded by an SO_RCVTIMEO that cannot
 * fire past the end of the wait, and the rest, if it comes to that, is
 * waited for with poll().
 */
#define RCVTIMEO_TICKS_MS	20

long long nlipc_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

long long nlipc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int nlipc_deadline(int timeout_ms, long long *deadline)
{
	*deadline = timeout_ms < 0 ? -1 : nlipc_now_ms() + timeout_ms;
	return 0;
}

/* Wait for @events on @fd; -ETIMEDOUT once @deadline (-1: never) passed. */
int nlipc_poll(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int left, n;

	do {
		left = deadline < 0 ? -1 : (int)(deadline - nlipc_now_ms());
		if (deadline >= 0 && left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, left);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n ? 0 : -ETIMEDOUT;
}

/* @deadline (-1: never) has passed. */
bool nlipc_expired(long long deadline)
{
	return deadline >= 0 && nlipc_now_ms() >= deadline;
}

/* Wait for @events on ep's fd; -ETIMEDOUT once @deadline has passed. */
int nlipc_wait(struct nlipc *ep, short events, long long deadline)
{
	return nlipc_poll(ep->fd, events, deadline);
}

/* The latest an SO_RCVTIMEO of @ms may fire. */
static long long rcvtimeo_late(long long ms)
{
	return ms + ms / 4 + RCVTIMEO_TICKS_MS;
}

/*
 * Bound the next blocking receive by @left ms (-1: no bound) with
 * SO_RCVTIMEO; false if none fits. A call's waits are alike, so the one
 * set is kept while it fits and is not much shorter than the wait: it is
 * set once, not per call. Half the wait leaves room for the waits to
 * differ (a UDP resend's, 200 ms, begins after a send that a loaded
 * machine may delay); past it, poll() waits the rest.
 */
static bool rcvtimeo_fit(struct nlipc *ep, long long left)
{
	struct timeval tv;
	long long ms = 0;

	if (left >= 0) {
		if (ep->rcvtimeo_ms > 0 && ep->rcvtimeo_ms >= left / 4 &&
		    rcvtimeo_late(ep->rcvtimeo_ms) <= left)
			return true;
		ms = (left - RCVTIMEO_TICKS_MS) / 2;
		if (ms <= 0)
			return false;
	}
	if (ms == ep->rcvtimeo_ms)
		return true;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = ms % 1000 * 1000;
	if (setsockopt(ep->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return false;
	ep->rcvtimeo_ms = ms;
	return true;
}

/**
 * nlipc_recvmsg - one receive on the endpoint's (blocking) fd, by a time
 * @ep: the endpoint
 * @mh: as for recvmsg()
 * @flags: as for recvmsg()
 * @until: nlipc_now_ms() time to give up at; -1: never; a time past: take
 *	only what is already there
 *
 * One recvmsg() that sleeps until something comes, bounded by
 * SO_RCVTIMEO: no poll() first, no peek. Only when the wait outlasts
 * SO_RCVTIMEO, which is set short of @until, does poll() wait out the
 * rest to the millisecond. Returns what recvmsg() returns, -ETIMEDOUT
 * once @until has passed with nothing received, or a negative errno.
 */
ssize_t nlipc_recvmsg(struct nlipc *ep, struct msghdr *mh, int flags,
		      long long until)
{
	long long left;
	ssize_t n;
	int err;

	for (;;) {
		left = -1;
		if (until >= 0) {
			ep->recv_ms = nlipc_now_ms();
			left = until - ep->recv_ms;
		}
		if ((until < 0 || left > 0) && rcvtimeo_fit(ep, left))
			n = recvmsg(ep->fd, mh, flags);
		else
			n = recvmsg(ep->fd, mh, flags | MSG_DONTWAIT);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		err = nlipc_poll(ep->fd, POLLIN, until);
		if (err)
			return err;
	}
}

int nlipc_rx_reserve(struct nlipc *ep, size_t len)
{
	void *rx;

	if (len <= ep->rx_size)
		return 0;
	if (len > NLIPC_RX_MAX)
		return -EMSGSIZE;
	rx = realloc(ep->rx, len);
	if (!rx)
		return -ENOMEM;
	ep->rx = rx;
	ep->rx_size = len;
	return 0;
}

static int call_send(struct nlipc *ep, const struct nlmsghdr *nlh)
{
	int err;

	while ((err = ep->tp->send(ep, nlh, nlh->nlmsg_len)) == -EAGAIN) {
		err = nlipc_wait(ep, POLLOUT, ep->deadline);
		if (err)
			break;
	}
	if (err && ep->err.code)
		return err;	/* the transport said why */
	if (err == -ETIMEDOUT)
		return nlipc_fail(ep, err, "could not send within %d ms",
				  ep->timeout_ms);
	if (err)
		return nlipc_fail(ep, err, "send failed");
	return 0;
}

/* Resending a request on a lossy transport: when, and how often so far. */
struct call_retry {
	long long at;		/* -1: the transport is reliable */
	long long sent_us;	/* the first send, for the RTT sample */
	unsigned int sends;
};

static ssize_t call_recv(struct nlipc *ep, const struct nlmsghdr *req,
			 struct call_retry *retry)
{
	long long until;
	ssize_t n;
	int err;

	for (;;) {
		until = ep->deadline;
		if (retry->at >= 0 && (until < 0 || retry->at < until))
			until = retry->at;
		n = ep->tp->recv(ep, until);
		if (n != -ETIMEDOUT)
			break;
		err = n;
		if (until != ep->deadline) {
			/*
			 * The request or its answer was lost: send it again,
			 * same seq. The service answers a repeat from its
			 * cache, so a write still takes effect once.
			 */
			nlipc_rtt_backoff(&ep->rtt);
			err = call_send(ep, req);
			if (err)
				return err;
			retry->sends++;
			retry->at = nlipc_now_ms() + nlipc_rtt_rto(&ep->rtt);
			continue;
		}
		if (retry->sends > 1)
			return nlipc_fail(ep, err,
					  "no reply within %d ms (request sent %u times)",
					  ep->timeout_ms, retry->sends);
		return nlipc_fail(ep, err, "no reply within %d ms",
				  ep->timeout_ms);
	}
	if (n == -ENOBUFS)
		return nlipc_fail(ep, n, "receive buffer overrun, messages lost");
	if (n < 0 && !ep->err.code)
		return nlipc_fail(ep, n, "receive failed");
	return n;
}

/*
 * What follows the ACK in the same buffer: after a join, the group's
 * first notifications, left for nlipc_next_event().
 */
static void call_keep_rest(struct nlipc *ep, const struct nlmsghdr *nlh,
			   int rest)
{
	nlh = nlipc_nlmsg_next(nlh, &rest);
	ep->ev_off = (const char *)nlh - (const char *)ep->rx;
	ep->ev_left = rest > 0 ? rest : 0;
}

/*
 * Walk one received buffer. Returns 1 when the call is complete, 0 to
 * keep reading, CALL_INTERRUPTED + 1 for a finished interrupted dump, or
 * a negative errno.
 */
static int call_walk(struct nlipc *ep, size_t len, uint32_t seq, bool dump,
		     bool *intr, nlipc_reply_cb cb, void *arg)
{
	const struct nlmsghdr *nlh = ep->rx;
	int rest = len, err;

	for (; nlipc_nlmsg_ok(nlh, rest); nlh = nlipc_nlmsg_next(nlh, &rest)) {
		/* Ours or not: a server sending without end is stopped. */
		if (++ep->call_msgs > NLIPC_CALL_MSGS_MAX)
			return nlipc_fail(ep, -EOVERFLOW,
					  "the service sent more than %u messages for one request; stopped",
					  NLIPC_CALL_MSGS_MAX);
		/*
		 * Stale replies to a request that timed out, and duplicates
		 * of an answer a lossy transport delivered twice, are not
		 * ours. Nor are notifications: on a subscribed endpoint
		 * joining another group they are lost, and said so. But a
		 * daemon refusing our first request outright (byte order)
		 * may not have read its seq.
		 */
		if (nlh->nlmsg_seq != seq &&
		    !(ep->learn_portid && !nlh->nlmsg_seq &&
		      nlh->nlmsg_type == NLMSG_ERROR)) {
			if (ep->subscribed && !nlh->nlmsg_seq)
				ep->ev_lost = true;
			continue;
		}
		/* The first reply over a bridge tells us our port id. */
		if (ep->learn_portid) {
			ep->portid = nlh->nlmsg_pid;
			ep->learn_portid = false;
		}
		if (nlh->nlmsg_pid != ep->portid)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = true;

		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_ERROR:
			err = nlipc_error_from_ack(ep, nlh);
			if (!err && dump)
				continue;
			call_keep_rest(ep, nlh, rest);
			return err ? err : 1;
		case NLMSG_DONE:
			if (!dump)
				continue;
			err = nlipc_error_from_ack(ep, nlh);
			if (err)
				return err;
			return *intr ? CALL_INTERRUPTED + 1 : 1;
		}
		if (nlh->nlmsg_type != ep->msg.nlh->nlmsg_type)
			continue;
		/* Entries of an interrupted pass are dropped, not delivered. */
		if (*intr || !cb)
			continue;
		err = cb(nlh, arg);
		if (err < 0)
			return nlipc_fail(ep, err, "%s", err == -EBADMSG ?
					  "malformed reply from the service" :
					  "stopped by the reply callback");
	}
	if (rest)
		return nlipc_fail(ep, -EBADMSG, "truncated message from peer");
	return 0;
}

/* @start_us: nlipc_now_us() as the request goes out, the RTT's start. */
static int call_once(struct nlipc *ep, struct nlmsghdr *nlh,
		     nlipc_reply_cb cb, void *arg, long long start_us)
{
	struct call_retry retry = { .at = -1, .sends = 1 };
	bool dump = nlh->nlmsg_flags & NLM_F_DUMP;
	bool intr = false;
	ssize_t n;
	int ret;

	/* 0 is the notifications' seq: never use it for a request. */
	if (!++ep->seq)
		++ep->seq;
	nlh->nlmsg_seq = ep->seq;
	nlh->nlmsg_pid = 0;

	ret = call_send(ep, nlh);
	if (ret)
		return ret;
	if (ep->tp->flags & NLIPC_TP_LOSSY) {
		retry.sent_us = start_us;
		retry.at = retry.sent_us / 1000 + nlipc_rtt_rto(&ep->rtt);
	}
	do {
		n = call_recv(ep, nlh, &retry);
		if (n < 0)
			return n;
		ep->call_bytes += n;
		if (ep->call_bytes > NLIPC_CALL_BYTES_MAX)
			return nlipc_fail(ep, -EOVERFLOW,
					  "the service sent more than %u MiB for one request; stopped",
					  NLIPC_CALL_BYTES_MAX >> 20);
		ret = call_walk(ep, n, nlh->nlmsg_seq, dump, &intr, cb, arg);
		/*
		 * The socket need never run dry: a server that keeps
		 * sending (an endless dump, replies to another seq) is
		 * bounded by the deadline all the same. The receive read
		 * the clock: once one starts past the deadline, stop.
		 */
		if (!ret && ep->deadline >= 0 && ep->recv_ms >= ep->deadline)
			return nlipc_fail(ep, -ETIMEDOUT,
					  "no complete answer within %d ms (the service kept sending)",
					  ep->timeout_ms);
	} while (!ret);
	/* Answered: a round trip, if only one copy could have made it. */
	if (retry.at >= 0 && retry.sends == 1)
		nlipc_rtt_sample(&ep->rtt, nlipc_now_us() - retry.sent_us);
	if (ret < 0)
		return ret;
	return ret == CALL_INTERRUPTED + 1 ? CALL_INTERRUPTED : 0;
}

/*
 * nlipc_call() for the library's own requests, which may go out on a
 * subscribed endpoint (the controller's join).
 */
int nlipc_transact(struct nlipc *ep, struct nlipc_msg *m, nlipc_reply_cb cb,
		   void *arg)
{
	bool dump = m->nlh->nlmsg_flags & NLM_F_DUMP;
	const struct nlipc_transport *tp = ep->tp;
	int tries = dump ? NLIPC_DUMP_TRIES : 1;
	long long now_us;
	int ret, i;

	nlipc_error_clear(ep);
	ep->err.cmd = 0;
	/* nlipc's commands, named by its tables; not the controller's. */
	if (m->nlh->nlmsg_type == ep->family_id &&
	    ep->family_id != GENL_ID_CTRL)
		ep->err.cmd = nlipc_genl_hdr(m->nlh)->cmd;
	if (m->overflow == -E2BIG)
		return nlipc_fail(ep, -EMSGSIZE,
				  "attribute longer than netlink's %d bytes",
				  (int)(UINT16_MAX - MNL_ATTR_HDRLEN));
	if (m->overflow)
		return nlipc_fail(ep, -EMSGSIZE, "request larger than %d bytes",
				  NLIPC_TX_SIZE);
	if (tp->msg_max && m->nlh->nlmsg_len > tp->msg_max)
		return nlipc_fail(ep, -EMSGSIZE,
				  "request of %u bytes does not fit one %s datagram (%zu bytes): use a stream transport (tcp:// or unix:)",
				  m->nlh->nlmsg_len, tp->scheme, tp->msg_max);
	if (dump && (tp->flags & NLIPC_TP_LOSSY))
		return nlipc_fail(ep, -EOPNOTSUPP,
				  "dumps are not available over %s: a lost datagram would silently drop entries; use tcp:// or unix:",
				  tp->scheme);
	/* Notifications not yet taken would be overwritten by the reply. */
	if (ep->ev_left) {
		ep->ev_left = 0;
		if (ep->subscribed)
			ep->ev_lost = true;
	}

	/* One deadline and one budget, however many times a dump restarts. */
	now_us = nlipc_now_us();
	ep->deadline = ep->timeout_ms < 0 ? -1 :
		       now_us / 1000 + ep->timeout_ms;
	ep->call_msgs = 0;
	ep->call_bytes = 0;
	for (i = 0; i < tries; i++) {
		if (i)
			now_us = nlipc_now_us();
		ret = call_once(ep, m->nlh, cb, arg, now_us);
		/* The core's admin-perm check answers without an extack. */
		if (ret == -EPERM && !ep->err.msg[0])
			snprintf(ep->err.msg, sizeof(ep->err.msg),
				 "%s needs CAP_NET_ADMIN",
				 nlipc_op_name(ep->err.cmd) ?: "operation");
		if (ret == -EMSGSIZE && tp->msg_max && !ep->err.msg[0])
			snprintf(ep->err.msg, sizeof(ep->err.msg),
				 "a %s datagram carries at most %zu bytes: use a stream transport (tcp:// or unix:)",
				 tp->scheme, tp->msg_max);
		if (ret != CALL_INTERRUPTED)
			return ret;
		if (cb && i + 1 < tries) {
			ret = cb(NULL, arg);
			if (ret < 0)
				return nlipc_fail(ep, ret, "dump restart refused");
		}
	}
	return nlipc_fail(ep, -EAGAIN,
			  "dump interrupted by concurrent changes %d times",
			  tries);
}

/**
 * nlipc_call - send a request and deliver its replies
 * @ep: the endpoint
 * @m: the request, from nlipc_msg_start() on @ep
 * @cb: called for each reply of the family, may be NULL
 * @arg: passed to @cb
 *
 * A do request completes on its ACK, a dump (NLM_F_DUMP) on NLMSG_DONE.
 * A dump marked NLM_F_DUMP_INTR by a concurrent change is run again, up to
 * NLIPC_DUMP_TRIES passes, and @cb is told with a NULL message before each
 * new pass. Over UDP an unanswered request is sent again, with the same
 * sequence number, until the timeout. Returns 0 or a negative errno, with
 * the error record set: the service's errno and extack, -ETIMEDOUT,
 * -EMSGSIZE for a request too large (for a UDP datagram too), -ENOBUFS
 * for an overrun, -EAGAIN for a dump that never settled, -EOPNOTSUPP for
 * a dump over UDP, -EOVERFLOW for a service that sent more than one call
 * may take (2^21 messages or 128 MiB, restarts included). The timeout
 * bounds the whole call, however fast the service keeps sending.
 */
NLIPC_EXPORT int nlipc_call(struct nlipc *ep, struct nlipc_msg *m,
			    nlipc_reply_cb cb, void *arg)
{
	/* nlipc_transact() clears the error record: once per call. */
	if (ep->subscribed) {
		ep->err.cmd = 0;
		return nlipc_fail(ep, -EBUSY,
				  "this endpoint receives notifications; send requests on another");
	}
	return nlipc_transact(ep, m, cb, arg);
}
