// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Connections: AF_UNIX stream and TCP, framed by nlmsg_len, and AF_UNIX
 * seqpacket, a request per record. Each has a socket of its own, watched
 * by the loop, its peer known by SO_PEERCRED on AF_UNIX.
 */
#define _GNU_SOURCE		/* struct ucred, POLLRDHUP */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "client.h"
#include "kind.h"
#include "loop.h"
#include "nlipcd.h"
#include "request.h"

/* Seqpacket sockets must hold the largest answer in one record. */
#define SEQPACKET_SNDBUF	(512 * 1024)

/* Seqpacket records are read into this. */
static unsigned char record_buf[NLIPC_BRIDGE_MSG_MAX_RX];
/* Streams read into this, and keep their own only for what is left. */
static unsigned char stream_buf[16 * 1024];
#define STREAM_OWN_MIN	4096

static int conn_init(struct nlipcd_client *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (!c->who.remote &&
	    !getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		c->who.uid = cred.uid;
		c->who.pid = cred.pid;
		c->who.uid_known = true;
	}
	c->in.reading = true;
	return nlipcd_watch_add(c->d, &c->w, c->fd, EPOLLIN | EPOLLRDHUP);
}

/*
 * A message of unaligned length is framed by it as it is, so the next one
 * may start off the 4-byte alignment that reading it in place as netlink
 * structures needs: move what is left to the buffer's start.
 */
static void rx_realign(struct nlipcd_client *c)
{
	memmove(c->in.buf, c->in.buf + c->in.off, c->in.len - c->in.off);
	c->in.len -= c->in.off;
	c->in.off = 0;
}

/*
 * The client's own buffer of at least @cap bytes, what it holds kept.
 * Returns 0, or -ENOMEM with the client aborted.
 */
static int rx_own(struct nlipcd_client *c, size_t cap)
{
	unsigned char *rx;

	if (c->in.borrowed) {
		rx = malloc(cap);
		if (rx && c->in.len)
			memcpy(rx, c->in.buf, c->in.len);
	} else {
		rx = realloc(c->in.buf, cap);
	}
	if (!rx) {
		nlipcd_client_abort(c, "out of memory");
		return -ENOMEM;
	}
	c->in.buf = rx;
	c->in.cap = cap;
	c->in.borrowed = false;
	return 0;
}

/*
 * After a read and what could be taken of it: give the shared buffer
 * back, keeping what is left in one of the client's own, freed once it
 * is taken. An idle connection holds no receive buffer at all.
 */
void nlipcd_conn_settle(struct nlipcd_client *c)
{
	size_t left = c->in.len - c->in.off;

	if (!c->in.borrowed && left)
		return;
	if (left) {
		memmove(c->in.buf, c->in.buf + c->in.off, left);
		c->in.len = left;
		c->in.off = 0;
		rx_own(c, left > STREAM_OWN_MIN ? left : STREAM_OWN_MIN);
		return;
	}
	if (!c->in.borrowed)
		free(c->in.buf);
	c->in.buf = NULL;
	c->in.cap = c->in.len = c->in.off = 0;
	c->in.borrowed = false;
}

/* The next whole message of a stream, or NULL. Closes on garbage. */
static const struct nlmsghdr *stream_next(struct nlipcd_client *c)
{
	static char text[128];
	const struct nlmsghdr *nlh;
	size_t have = c->in.len - c->in.off;
	uint32_t len;

	if (have < NLMSG_HDRLEN)
		return NULL;
	nlh = (const void *)(c->in.buf + c->in.off);
	len = nlh->nlmsg_len;
	if (nlipcd_client_order_bad(c, nlh, c->d->lim.max_msg))
		return NULL;
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
		if (c->in.off) {
			memmove(c->in.buf, c->in.buf + c->in.off, have);
			c->in.len = have;
			c->in.off = 0;
		}
		if (c->in.cap < len && rx_own(c, len))
			return NULL;
		return NULL;
	}
	return nlh;
}

/* Read what the stream has, as far as there is room. */
void nlipcd_conn_fill(struct nlipcd_client *c)
{
	ssize_t n;

	if (!c->in.buf) {
		c->in.buf = stream_buf;
		c->in.cap = sizeof(stream_buf);
		c->in.borrowed = true;
	}
	if (c->in.off && c->in.len == c->in.cap) {
		memmove(c->in.buf, c->in.buf + c->in.off,
			c->in.len - c->in.off);
		c->in.len -= c->in.off;
		c->in.off = 0;
	}
	if (c->in.len == c->in.cap)
		return;		/* a whole message is buffered: take it first */
	if (c->ops->recv)
		n = c->ops->recv(c, c->in.buf + c->in.len,
				 c->in.cap - c->in.len);
	else if ((n = recv(c->fd, c->in.buf + c->in.len,
			   c->in.cap - c->in.len, MSG_DONTWAIT)) < 0)
		n = -errno;
	if (n < 0) {
		if (n != -EAGAIN && n != -EINTR)
			nlipcd_client_abort(c, strerror(-n));
		return;
	}
	if (n == 0) {
		/* Half-closed: answer what was asked, then go. */
		c->in.eof = true;
		if (!nlipcd_client_has_message(c) && !c->dump && !c->inflight)
			nlipcd_client_close(c, NULL);
		return;
	}
	c->in.len += n;
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

	n = recv(c->fd, record_buf, max + 1, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			nlipcd_client_abort(c, strerror(errno));
		return;
	}
	if (n == 0 && !peer_shut_down(c->fd)) {
		/* Refused as any datagram too short to be a message. */
		nlipcd_client_take_datagram(c, record_buf, 0, false);
		return;
	}
	if (n == 0) {
		c->in.eof = true;
		if (!c->dump && !c->inflight)
			nlipcd_client_close(c, NULL);
		return;
	}
	nlipcd_client_take_datagram(c, record_buf,
				    (size_t)n > max ? max : (size_t)n,
				    (size_t)n > max);
}


/* One message of what the stream holds, handled. */
bool nlipcd_conn_take(struct nlipcd_client *c)
{
	const struct nlmsghdr *nlh = stream_next(c);

	if (!nlh)
		return false;
	c->last_rx_ms = nlipcd_now_ms();
	c->in.off += nlh->nlmsg_len;
	nlipcd_request_handle(c, nlh);
	if (c->in.off == c->in.len)
		c->in.off = c->in.len = 0;
	else if (c->in.off % NLMSG_ALIGNTO)
		rx_realign(c);
	return true;
}

void nlipcd_conn_read(struct nlipcd_client *c)
{
	nlipcd_conn_fill(c);
	nlipcd_client_take_input(c);
	nlipcd_conn_settle(c);
}

/* Through the kind's send(): one buffer at a time, as it takes them. */
static ssize_t flush_one(struct nlipcd_client *c)
{
	struct nlipcd_txe *e = c->tx.head;

	return c->ops->send(c, e->buf->data + e->off, e->buf->len - e->off);
}

void nlipcd_conn_flush(struct nlipcd_client *c)
{
	struct iovec iov[16];
	struct nlipcd_txe *e;
	ssize_t n;
	int i;

	while (c->tx.head) {
		if (c->ops->send) {
			n = flush_one(c);
		} else {
			for (i = 0, e = c->tx.head; e && i < 16; e = e->next, i++) {
				iov[i].iov_base = e->buf->data + e->off;
				iov[i].iov_len = e->buf->len - e->off;
			}
			n = sendmsg(c->fd, &(struct msghdr){ .msg_iov = iov,
							     .msg_iovlen = i },
				    MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0)
				n = -errno;
		}
		if (n < 0) {
			if (n == -EINTR)
				continue;
			if (n == -EAGAIN)
				return;
			nlipcd_client_abort(c, strerror(-n));
			return;
		}
		while (n > 0) {
			e = c->tx.head;
			if ((size_t)n < e->buf->len - e->off) {
				e->off += n;
				break;
			}
			n -= e->buf->len - e->off;
			nlipcd_client_tx_pop(c);
		}
	}
}

const struct nlipcd_kind_ops nlipcd_kind_stream = {
	.inet_scheme = "tcp",
	.sndbuf = NLIPCD_CONN_SNDBUF,
	.ready = nlipcd_client_accept,
	.init = conn_init,
	.read = nlipcd_conn_read,
	.take = nlipcd_conn_take,
	.flush = nlipcd_conn_flush,
};

const struct nlipcd_kind_ops nlipcd_kind_seqpacket = {
	.sndbuf = SEQPACKET_SNDBUF,
	.ready = nlipcd_client_accept,
	.init = conn_init,
	.read = read_seqpacket,
	.take = nlipcd_client_take_pending,
	.flush = nlipcd_client_flush_datagrams,
};
