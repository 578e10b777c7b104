// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A client's input: whole datagrams (one request each), or messages a
 * stream framed (conn.c), checked for sanity and byte order, then handed
 * to the request core in bounded slices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <byteswap.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "client.h"
#include "kind.h"
#include "loop.h"
#include "nlipcd.h"
#include "reply.h"
#include "request.h"

/* Messages handled per client per turn of the loop, for fairness. */
#define TURN_MESSAGES	32

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

/*
 * The first message of a client, whose length must make sense within
 * @max: if it does only byte swapped, the client is refused and closed.
 */
bool nlipcd_client_order_bad(struct nlipcd_client *c,
			     const struct nlmsghdr *nlh, size_t max)
{
	if (c->in.order_checked)
		return false;
	c->in.order_checked = true;
	if (!swapped_order(nlh->nlmsg_len, max))
		return false;
	byte_order_error(c, nlh);
	return true;
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
	if (nlipcd_client_order_bad(c, nlh, len))
		return;
	if (truncated) {
		snprintf(text, sizeof(text),
			 "message larger than nlipcd's limit of %zu bytes",
			 c->d->lim.max_msg);
		zero = *nlh;
		nlipcd_request_error(c, &zero, -EMSGSIZE, text);
		return;
	}
	if (c->ops->begin)
		c->ops->begin(c, data, len);
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
	if (c->ops->end)
		c->ops->end(c);
}

/* The datagram that waited longest while its peer was busy. */
bool nlipcd_client_take_pending(struct nlipcd_client *c)
{
	struct nlipcd_pending *p;

	if (!c->in.n_pending)
		return false;
	p = (struct nlipcd_pending *)c->in.pending[0];
	c->who.uid = p->uid;
	c->who.uid_known = p->uid_known;
	nlipcd_client_recount(c);
	nlipcd_client_take_datagram(c, p->data, p->len, false);
	free(p);
	memmove(c->in.pending, c->in.pending + 1,
		--c->in.n_pending * sizeof(*c->in.pending));
	return true;
}

/* Take what input we may: bounded, so every client gets its turn. */
void nlipcd_client_take_input(struct nlipcd_client *c)
{
	unsigned int n;

	/*
	 * The answers of one turn leave together: a pipelining client gets
	 * them in a few sends and reads, not one each; a lone request's
	 * turn ends with it, so it waits for nothing.
	 */
	c->tx.corked = true;
	for (n = 0; n < TURN_MESSAGES && nlipcd_client_can_take(c); n++)
		if (!c->ops->take(c))
			break;
	c->tx.corked = false;
	nlipcd_client_flush(c);
	if (n == TURN_MESSAGES && nlipcd_client_can_take(c) &&
	    nlipcd_client_has_message(c))
		nlipcd_client_schedule(c);
}

void nlipcd_client_handle(struct nlipcd *d, struct nlipcd_watch *w,
			  uint32_t events)
{
	struct nlipcd_client *c = nlipcd_container_of(w, struct nlipcd_client, w);

	if (c->dead)
		return;
	if (c->ops->handshake && c->ops->handshake(c, events))
		return;
	if (events & EPOLLOUT)
		nlipcd_client_flush(c);
	if (events & EPOLLERR) {
		nlipcd_client_abort(c, "socket error");
		return;
	}
	if ((events & EPOLLIN) && nlipcd_client_can_take(c))
		c->ops->read(c);
	if ((events & EPOLLRDHUP) && !c->in.reading && !c->in.eof) {
		/*
		 * Shut down while we were not reading it (its queue is full,
		 * or it has an answer owed): it may still read; it is closed
		 * once nothing is owed, or on the first error sending.
		 */
		c->in.eof = true;
		nlipcd_client_kick(c);
	}
	if ((events & EPOLLHUP) && !(events & EPOLLIN))
		nlipcd_client_abort(c, NULL);	/* both directions gone */
	else
		nlipcd_client_update(c);
}
