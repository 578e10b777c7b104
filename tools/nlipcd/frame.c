// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A client's input: stream bytes framed by nlmsg_len, or whole datagrams
 * (one request each), checked for sanity and byte order, then handed to
 * the request core in bounded slices.
 */
#define _GNU_SOURCE		/* POLLRDHUP */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <byteswap.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "client.h"
#include "nlipcd.h"

/* Messages handled per client per turn of the loop, for fairness. */
#define TURN_MESSAGES	32

static unsigned char dgram_buf[NLIPC_BRIDGE_MSG_MAX_RX];
/* Streams read into this, and keep their own only for what is left. */
static unsigned char stream_buf[16 * 1024];
#define STREAM_OWN_MIN	4096

/* ------------------------------------------------------------------ */
/* Input                                                               */
/* ------------------------------------------------------------------ */

/*
 * doc/bridge.md: a first length that makes no sense, but would byte
 * swapped, is a peer of the other endianness. Answer in its order.
 */
static bool swapped_order(uint32_t len, size_t max)
{
	uint32_t s = bswap_32(len);

	return (len < NLMSG_HDRLEN || len > max) &&
	       s >= NLMSG_HDRLEN && s <= max;
}

static void byte_order_error(struct nlipcd_client *c,
			     const struct nlmsghdr *req)
{
	static const char text[] =
		"byte order mismatch: nlipcd and this client differ in endianness";
	struct nlipcd_extack ext = { .msg = text };
	struct nlipcd_reply r;
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	struct nlattr *a;

	nlipcd_warn("%s: byte order mismatch, closing", c->name);
	if (nlipcd_reply_init(&r, 160))
		goto out_close;
	nlipcd_reply_ack(&r, req, c->portid, -EPROTO, &ext);
	if (r.err)
		goto out_release;
	/* Everything but the message text, swapped into the peer's order. */
	nlh = (struct nlmsghdr *)r.buf->data;
	e = NLMSG_DATA(nlh);
	a = (struct nlattr *)(e + 1);
	a->nla_len = bswap_16(a->nla_len);
	a->nla_type = bswap_16(a->nla_type);
	e->error = (int)bswap_32((uint32_t)e->error);
	/* The echoed header is already in the peer's order: it is theirs. */
	nlh->nlmsg_len = bswap_32(nlh->nlmsg_len);
	nlh->nlmsg_type = bswap_16(nlh->nlmsg_type);
	nlh->nlmsg_flags = bswap_16(nlh->nlmsg_flags);
	nlh->nlmsg_pid = bswap_32(nlh->nlmsg_pid);
	/* nlmsg_seq was copied from the request: already theirs. */
	nlipcd_client_queue(c, r.buf);
out_release:
	nlipcd_reply_release(&r);
out_close:
	nlipcd_client_close(c, "byte order mismatch");
}

/* An answer to a message we could not take; @nlh may be a zero header. */
int nlipcd_request_error(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			 int err, const char *msg)
{
	struct nlipcd_extack ext = { .msg = msg };
	struct nlipcd_reply r;
	int ret;

	ret = nlipcd_reply_init(&r, 160);
	if (ret)
		return ret;
	nlipcd_reply_ack(&r, nlh, c->portid, err, &ext);
	ret = nlipcd_client_send_reply(c, &r);
	nlipcd_reply_release(&r);
	return ret;
}

/*
 * One datagram (seqpacket, dgram or UDP): one request (doc/bridge.md). A
 * batch is refused whole: one datagram makes one answer, so the queue
 * limit, checked between requests, holds, and a small UDP datagram
 * cannot ask for many large answers.
 */
/* libnlipc pads UDP requests with one NLMSG_NOOP to the end (bridge.h). */
static bool is_padding(const unsigned char *p, size_t len)
{
	struct nlmsghdr h;

	memcpy(&h, p, sizeof(h));
	return h.nlmsg_type == NLMSG_NOOP && h.nlmsg_len == len;
}

void nlipcd_client_take_datagram(struct nlipcd_client *c,
				 const unsigned char *data, size_t len,
				 bool truncated)
{
	static const char batch[] =
		"one request per datagram: this one holds more than one message; send them one at a time, or use a stream transport";
	static char text[128];
	const struct nlmsghdr *nlh = (const void *)data;
	struct nlmsghdr zero = { 0 };
	size_t mlen;

	c->last_rx_ms = nlipcd_now_ms();
	if (len < NLMSG_HDRLEN) {
		nlipcd_request_error(c, &zero, -EINVAL,
				     "datagram shorter than a netlink header");
		return;
	}
	if (!c->order_checked) {
		c->order_checked = true;
		if (swapped_order(nlh->nlmsg_len, len)) {
			byte_order_error(c, nlh);
			return;
		}
	}
	if (truncated) {
		snprintf(text, sizeof(text),
			 "message larger than nlipcd's limit of %zu bytes",
			 c->d->lim.max_msg);
		zero = *nlh;
		nlipcd_request_error(c, &zero, -EMSGSIZE, text);
		return;
	}
	if (c->kind == NLIPCD_UDP) {
		c->udp_req = *nlh;
		c->udp_budget = NLIPC_BRIDGE_UDP_AMPLIFY * len;
		nlipcd_udp_begin(c, data, len);
	}
	mlen = nlh->nlmsg_len;
	zero = *nlh;
	if (mlen < NLMSG_HDRLEN || mlen > len) {
		snprintf(text, sizeof(text),
			 "malformed message: nlmsg_len %zu with %zu bytes left in the datagram",
			 mlen, len);
		nlipcd_request_error(c, &zero, -EINVAL, text);
	} else if (NLMSG_ALIGN(mlen) < len &&
		   len - NLMSG_ALIGN(mlen) >= NLMSG_HDRLEN &&
		   !is_padding(data + NLMSG_ALIGN(mlen),
			       len - NLMSG_ALIGN(mlen))) {
		nlipcd_request_error(c, &zero, -EINVAL, batch);
	} else {
		nlipcd_request_handle(c, nlh);
	}
	if (c->kind == NLIPCD_UDP)
		nlipcd_udp_end(c);
}

/*
 * A message of unaligned length is framed by it as it is, so the next one
 * may start off the 4-byte alignment that reading it in place as netlink
 * structures needs: move what is left to the buffer's start.
 */
static void rx_realign(struct nlipcd_client *c)
{
	memmove(c->rx, c->rx + c->rx_off, c->rx_len - c->rx_off);
	c->rx_len -= c->rx_off;
	c->rx_off = 0;
}

/*
 * The client's own buffer of at least @cap bytes, what it holds kept.
 * Returns 0, or -ENOMEM with the client aborted.
 */
static int rx_own(struct nlipcd_client *c, size_t cap)
{
	unsigned char *rx;

	if (c->rx_borrowed) {
		rx = malloc(cap);
		if (rx && c->rx_len)
			memcpy(rx, c->rx, c->rx_len);
	} else {
		rx = realloc(c->rx, cap);
	}
	if (!rx) {
		nlipcd_client_abort(c, "out of memory");
		return -ENOMEM;
	}
	c->rx = rx;
	c->rx_cap = cap;
	c->rx_borrowed = false;
	return 0;
}

/*
 * After a read and what could be taken of it: give the shared buffer
 * back, keeping what is left in one of the client's own, freed once it
 * is taken. An idle connection holds no receive buffer at all.
 */
static void rx_settle(struct nlipcd_client *c)
{
	size_t left = c->rx_len - c->rx_off;

	if (!c->rx_borrowed && left)
		return;
	if (left) {
		memmove(c->rx, c->rx + c->rx_off, left);
		c->rx_len = left;
		c->rx_off = 0;
		rx_own(c, left > STREAM_OWN_MIN ? left : STREAM_OWN_MIN);
		return;
	}
	if (!c->rx_borrowed)
		free(c->rx);
	c->rx = NULL;
	c->rx_cap = c->rx_len = c->rx_off = 0;
	c->rx_borrowed = false;
}

/* The next whole message of a stream, or NULL. Closes on garbage. */
static const struct nlmsghdr *stream_next(struct nlipcd_client *c)
{
	static char text[128];
	const struct nlmsghdr *nlh;
	size_t have = c->rx_len - c->rx_off;
	uint32_t len;

	if (have < NLMSG_HDRLEN)
		return NULL;
	nlh = (const void *)(c->rx + c->rx_off);
	len = nlh->nlmsg_len;
	if (!c->order_checked) {
		c->order_checked = true;
		if (swapped_order(len, c->d->lim.max_msg)) {
			byte_order_error(c, nlh);
			return NULL;
		}
	}
	if (len < NLMSG_HDRLEN || len > c->d->lim.max_msg) {
		snprintf(text, sizeof(text),
			 len < NLMSG_HDRLEN ?
			 "protocol error: nlmsg_len %u is shorter than a netlink header" :
			 "protocol error: nlmsg_len %u is larger than nlipcd's limit of %zu bytes",
			 len, c->d->lim.max_msg);
		nlipcd_request_error(c, nlh, len < NLMSG_HDRLEN ? -EINVAL : -EMSGSIZE,
				     text);
		nlipcd_client_close(c, text);
		return NULL;
	}
	if (have < len) {
		/* Make room for the whole message; it fits the limit. */
		if (c->rx_off) {
			memmove(c->rx, c->rx + c->rx_off, have);
			c->rx_len = have;
			c->rx_off = 0;
		}
		if (c->rx_cap < len && rx_own(c, len))
			return NULL;
		return NULL;
	}
	return nlh;
}

/* Take what input we may: bounded, so every client gets its turn. */
void nlipcd_client_take_input(struct nlipcd_client *c)
{
	const struct nlmsghdr *nlh;
	unsigned int n;

	for (n = 0; n < TURN_MESSAGES && nlipcd_client_can_take(c); n++) {
		if (c->kind == NLIPCD_STREAM) {
			nlh = stream_next(c);
			if (!nlh)
				break;
			c->last_rx_ms = nlipcd_now_ms();
			c->rx_off += nlh->nlmsg_len;
			nlipcd_request_handle(c, nlh);
			if (c->rx_off == c->rx_len)
				c->rx_off = c->rx_len = 0;
			else if (c->rx_off % NLMSG_ALIGNTO)
				rx_realign(c);
		} else if (c->n_pending) {
			struct nlipcd_pending *p = (struct nlipcd_pending *)c->pending[0];

			c->uid = p->uid;
			c->uid_known = p->uid_known;
			nlipcd_client_recount(c);
			nlipcd_client_take_datagram(c, p->data, p->len, false);
			free(p);
			memmove(c->pending, c->pending + 1,
				--c->n_pending * sizeof(*c->pending));
		} else {
			break;
		}
	}
	if (n == TURN_MESSAGES && nlipcd_client_can_take(c) &&
	    nlipcd_client_has_message(c))
		nlipcd_client_schedule(c);
}

static void read_stream(struct nlipcd_client *c)
{
	ssize_t n;

	if (!c->rx) {
		c->rx = stream_buf;
		c->rx_cap = sizeof(stream_buf);
		c->rx_borrowed = true;
	}
	if (c->rx_off && c->rx_len == c->rx_cap) {
		memmove(c->rx, c->rx + c->rx_off, c->rx_len - c->rx_off);
		c->rx_len -= c->rx_off;
		c->rx_off = 0;
	}
	if (c->rx_len == c->rx_cap)
		return;		/* a whole message is buffered: take it first */
	n = recv(c->fd, c->rx + c->rx_len, c->rx_cap - c->rx_len, MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			nlipcd_client_abort(c, strerror(errno));
		return;
	}
	if (n == 0) {
		/* Half-closed: answer what was asked, then go. */
		c->input_eof = true;
		if (!nlipcd_client_has_message(c) && !c->dump && !c->inflight)
			nlipcd_client_close(c, NULL);
		return;
	}
	c->rx_len += n;
}

/* recv() gave 0 on a seqpacket socket: the end, or an empty record? */
static bool peer_shut_down(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP));
}

static void read_seqpacket(struct nlipcd_client *c)
{
	size_t max = c->d->lim.max_msg;
	ssize_t n;

	n = recv(c->fd, dgram_buf, max + 1, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			nlipcd_client_abort(c, strerror(errno));
		return;
	}
	if (n == 0 && !peer_shut_down(c->fd)) {
		/* Refused as any datagram too short to be a message. */
		nlipcd_client_take_datagram(c, dgram_buf, 0, false);
		return;
	}
	if (n == 0) {
		c->input_eof = true;
		if (!c->dump && !c->inflight)
			nlipcd_client_close(c, NULL);
		return;
	}
	nlipcd_client_take_datagram(c, dgram_buf, (size_t)n > max ? max : (size_t)n,
		      (size_t)n > max);
}

void nlipcd_client_handle(struct nlipcd *d, struct nlipcd_watch *w,
			  uint32_t events)
{
	struct nlipcd_client *c = nlipcd_container_of(w, struct nlipcd_client, w);

	if (c->dead)
		return;
	if (events & EPOLLOUT)
		nlipcd_client_flush(c);
	if (events & EPOLLERR) {
		nlipcd_client_abort(c, "socket error");
		return;
	}
	if ((events & EPOLLIN) && nlipcd_client_can_take(c)) {
		if (c->kind == NLIPCD_STREAM) {
			read_stream(c);
			nlipcd_client_take_input(c);
			rx_settle(c);
		} else {
			read_seqpacket(c);
		}
	}
	if ((events & EPOLLRDHUP) && !c->reading && !c->input_eof) {
		/*
		 * Shut down while we were not reading it (its queue is full,
		 * or it has an answer owed): it may still read; it is closed
		 * once nothing is owed, or on the first error sending.
		 */
		c->input_eof = true;
		nlipcd_client_kick(c);
	}
	if ((events & EPOLLHUP) && !(events & EPOLLIN))
		nlipcd_client_abort(c, NULL);	/* both directions gone */
	else
		nlipcd_client_update(c);
}
