// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Socket plumbing shared by the AF_UNIX and AF_INET transports. On a
 * stream, messages come back to back, each framed by its nlmsg_len, split
 * across reads or several to a read; on a datagram socket, each datagram
 * is one batch of whole messages, taken in one receive into a buffer that
 * holds the largest the service may send (struct nlipc_transport's
 * dgram_max); a larger one is reported, never cut short silently.
 */
#define _GNU_SOURCE	/* sendmmsg() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "../internal.h"
#include "../bridge.h"
#include "sock.h"

/* An AF_UNIX listener with a full backlog: how long to wait between tries. */
#define SOCK_BACKLOG_RETRY_MS	10

struct nlipc_sock {
	int type;		/* SOCK_STREAM, SOCK_SEQPACKET or SOCK_DGRAM */
	size_t used;		/* stream: bytes received into ep->rx */
	size_t taken;		/* stream: of which recv handed out */
	bool broken;		/* stream: out of step with the peer */
	const struct nlipc_sock_io *io;	/* stream: TLS records, or NULL */
	void *io_priv;
};

static struct nlipc_sock *priv(struct nlipc *ep)
{
	return ep->tp_priv;
}

/**
 * nlipc_sock_connect - connect a non-blocking socket within a deadline
 * @fd: the socket
 * @sa: the peer's address
 * @len: its length
 * @deadline: from nlipc_deadline(), -1 for none
 *
 * Returns 0, or a negative errno for the caller to explain: -ETIMEDOUT
 * once @deadline passes, or connect()'s own.
 */
int nlipc_sock_connect(int fd, const struct sockaddr *sa, socklen_t len,
		       long long deadline)
{
	socklen_t errlen = sizeof(int);
	long long left;
	int err;

	while (connect(fd, sa, len) < 0) {
		if (errno == EINPROGRESS || errno == EINTR)
			goto wait;
		if (errno != EAGAIN)
			return -errno;
		/* AF_UNIX backlog full: nothing to poll for, so try again. */
		left = deadline < 0 ? SOCK_BACKLOG_RETRY_MS :
		       deadline - nlipc_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		poll(NULL, 0, left < SOCK_BACKLOG_RETRY_MS ? left :
			      SOCK_BACKLOG_RETRY_MS);
	}
	return 0;

wait:
	err = nlipc_poll(fd, POLLOUT, deadline);
	if (err)
		return err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
		return -errno;
	return -err;
}

/**
 * nlipc_sock_init - make a connected socket the endpoint's
 * @ep: the endpoint
 * @fd: a connected socket, which ep owns from now on
 *
 * The socket is made blocking, for nlipc_recvmsg(); sends say
 * MSG_DONTWAIT. Returns 0, or -ENOMEM with the error record set and @fd
 * closed.
 */
int nlipc_sock_init(struct nlipc *ep, int fd)
{
	socklen_t len = sizeof(int);
	struct nlipc_sock *s;
	int fl;

	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return nlipc_fail(ep, -ENOMEM, "out of memory");
	}
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &s->type, &len) < 0)
		s->type = SOCK_STREAM;
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	ep->tp_priv = s;
	ep->fd = fd;
	ep->rcvtimeo_ms = 0;	/* a new socket's */
	return 0;
}

/**
 * nlipc_sock_set_io - move a stream's bytes through @io from now on
 * @ep: an endpoint of nlipc_sock_init()
 * @io: its send and recv, and what releases @arg at close
 * @arg: passed to them
 */
void nlipc_sock_set_io(struct nlipc *ep, const struct nlipc_sock_io *io,
		       void *arg)
{
	struct nlipc_sock *s = priv(ep);

	s->io = io;
	s->io_priv = arg;
}

/** nlipc_sock_io_priv - what nlipc_sock_set_io() was given, or NULL */
void *nlipc_sock_io_priv(const struct nlipc *ep)
{
	const struct nlipc_sock *s = ep->tp_priv;

	return s ? s->io_priv : NULL;
}

/** nlipc_sock_close - close the endpoint's socket and forget its state */
void nlipc_sock_close(struct nlipc *ep)
{
	struct nlipc_sock *s = priv(ep);

	if (s && s->io && s->io->release)
		s->io->release(s->io_priv);
	close(ep->fd);
	free(ep->tp_priv);
	ep->tp_priv = NULL;
	ep->fd = -1;
}

/*
 * nlipcd refuses a connection over its limits at once, with one error of
 * seq 0, and closes it: a send then fails, but the reason is waiting to
 * be read. Returns its errno with the record set, or 0 if there is none.
 */
static int sock_refusal(struct nlipc *ep)
{
	union {
		struct nlmsghdr nlh;
		char buf[512];
	} u;
	ssize_t n;

	n = recv(ep->fd, u.buf, sizeof(u.buf), MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 || !nlipc_nlmsg_ok(&u.nlh, n) ||
	    u.nlh.nlmsg_type != NLMSG_ERROR || u.nlh.nlmsg_seq)
		return 0;
	return nlipc_error_from_ack(ep, &u.nlh);
}

/* Say what a failed send() or recv() means for someone running nlipc. */
static int sock_fail(struct nlipc *ep, int err, const char *what)
{
	int refused;

	switch (err) {
	case -ECONNREFUSED:
		return nlipc_fail(ep, err,
				  "nothing answers at %s: is nlipcd running? (nlipcd --listen %s)",
				  ep->url, ep->url);
	case -ECONNRESET:
	case -EPIPE:
		refused = sock_refusal(ep);
		if (refused < 0)
			return refused;
		return nlipc_fail(ep, err, "nlipcd closed the connection");
	}
	return nlipc_fail(ep, err, "%s on %s failed", what, ep->url);
}

static int stream_broken(struct nlipc *ep)
{
	return nlipc_fail(ep, -EPIPE,
			  "the connection to %s is out of step after an earlier error: open a new endpoint",
			  ep->url);
}

/**
 * nlipc_sock_send_stream - the send op of a stream transport
 * @ep: the endpoint
 * @buf: whole messages
 * @len: their length
 *
 * Once the first byte is out the rest must follow, or the peer would read
 * the next request as this one's tail: it waits for room until the call's
 * deadline, and if that passes the connection is given up.
 */
int nlipc_sock_send_stream(struct nlipc *ep, const void *buf, size_t len)
{
	struct nlipc_sock *s = priv(ep);
	const char *p = buf;
	ssize_t n;
	int err;

	if (s->broken)
		return stream_broken(ep);
	while (len) {
		if (s->io)
			n = s->io->send(ep, s->io_priv, p, len);
		else if ((n = send(ep->fd, p, len,
				   MSG_NOSIGNAL | MSG_DONTWAIT)) < 0)
			n = -errno;
		if (n >= 0) {
			p += n;
			len -= n;
			continue;
		}
		if (n == -EINTR)
			continue;
		if (n != -EAGAIN && s->io) {
			s->broken = true;
			return n;	/* explained */
		}
		if (n != -EAGAIN)
			return sock_fail(ep, n, "send");
		if (p == buf)
			return -EAGAIN;
		err = nlipc_wait(ep, POLLOUT, ep->deadline);
		if (err) {
			s->broken = true;
			return nlipc_fail(ep, err,
					  "could not send a whole request within %d ms; the connection is given up",
					  ep->timeout_ms);
		}
	}
	return 0;
}

/*
 * How many bytes at the start of ep->rx hold whole messages, 0 if not one
 * is whole yet (ep->rx then has room for it), or a negative errno.
 */
static ssize_t stream_whole(struct nlipc *ep, struct nlipc_sock *s)
{
	const struct nlmsghdr *nlh;
	size_t off = 0;
	uint32_t len;
	int err;

	while (s->used - off >= NLMSG_HDRLEN) {
		nlh = (const struct nlmsghdr *)((const char *)ep->rx + off);
		err = ep->order_checked ? 0 :
		      nlipc_ctrl_check_order(ep, nlh, NLIPC_BRIDGE_MSG_MAX);
		if (err)
			return err;
		len = nlh->nlmsg_len;
		/* Aligned, so the core's walk steps from one to the next. */
		if (len < NLMSG_HDRLEN || len > NLIPC_BRIDGE_MSG_MAX ||
		    len % NLMSG_ALIGNTO)
			return nlipc_fail(ep, -EBADMSG,
					  "malformed message from nlipcd: length %u",
					  len);
		if (s->used - off < len) {
			if (off)
				break;
			err = nlipc_rx_reserve(ep, len);
			if (err)
				return nlipc_fail(ep, err,
						  "no room for a message of %u bytes",
						  len);
			break;
		}
		off += len;
	}
	return off;
}

/**
 * nlipc_sock_recv_stream - the recv op of a stream transport
 * @ep: the endpoint
 *
 * @until: when to give up waiting, as for the recv op
 *
 * Hands out every whole message received so far; a partial one stays at
 * the end of ep->rx and is moved to its start on the next call.
 */
ssize_t nlipc_sock_recv_stream(struct nlipc *ep, long long until)
{
	struct nlipc_sock *s = priv(ep);
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (s->broken)
		return stream_broken(ep);
	if (s->taken) {
		s->used -= s->taken;
		if (s->used)
			memmove(ep->rx, (char *)ep->rx + s->taken, s->used);
		s->taken = 0;
	}
	for (;;) {
		n = stream_whole(ep, s);
		if (n) {
			if (n < 0)
				s->broken = true;
			else
				s->taken = n;
			return n;
		}
		iov.iov_base = (char *)ep->rx + s->used;
		iov.iov_len = ep->rx_size - s->used;
		if (s->io)
			n = s->io->recv(ep, s->io_priv, iov.iov_base,
					iov.iov_len, until);
		else
			n = nlipc_recvmsg(ep, &mh, 0, until);
		if (n > 0) {
			s->used += n;
			continue;
		}
		if (!n) {
			s->broken = true;
			return nlipc_fail(ep, -ECONNRESET, "%s",
					  s->used ? "nlipcd closed the connection in the middle of a message" :
					  "nlipcd closed the connection");
		}
		if (n == -ETIMEDOUT)
			return n;
		if (s->io) {
			s->broken = true;
			return n;	/* explained */
		}
		return sock_fail(ep, n, "receive");
	}
}

/* One datagram of @n pieces: 0, -EAGAIN, or the error explained. */
static int send_datagram(struct nlipc *ep, struct iovec *iov, size_t n)
{
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = n };
	ssize_t sent;

	do
		sent = sendmsg(ep->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (sent < 0 && errno == EINTR);
	if (sent >= 0)
		return 0;
	if (errno == EAGAIN)
		return -EAGAIN;
	return sock_fail(ep, -errno, "send");
}

/** nlipc_sock_send_dgram - the send op of a datagram transport */
int nlipc_sock_send_dgram(struct nlipc *ep, const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	return send_datagram(ep, &iov, 1);
}

/**
 * nlipc_sock_send_padded - send one datagram of at least @size bytes
 * @ep: the endpoint
 * @buf: one whole message
 * @len: its length
 * @size: the datagram's size, reached with a trailing NLMSG_NOOP message
 *
 * As nlipc_sock_send_dgram(); a message too large to pad goes as it is.
 */
int nlipc_sock_send_padded(struct nlipc *ep, const void *buf, size_t len,
			   size_t size)
{
	/* Shared by every thread: only ever read. */
	static const char zero[NLIPC_BRIDGE_UDP_PAD];
	struct nlmsghdr noop = { .nlmsg_type = NLMSG_NOOP };
	struct iovec iov[3] = {
		{ .iov_base = (void *)buf, .iov_len = len },
		{ .iov_base = &noop, .iov_len = sizeof(noop) },
		{ .iov_base = (void *)zero },
	};

	if (len % NLMSG_ALIGNTO || size > sizeof(zero) ||
	    len + NLMSG_HDRLEN > size)
		return send_datagram(ep, iov, 1);
	noop.nlmsg_len = size - len;
	iov[2].iov_len = size - len - sizeof(noop);
	return send_datagram(ep, iov, 3);
}

/* Datagrams one sendmmsg() takes from a batch. */
#define SOCK_MMSG_MAX	64

/**
 * nlipc_sock_send_each - the send_each op of a datagram transport
 * @ep: the endpoint
 * @buf: whole messages, back to back
 * @len: their length
 * @pad: pad each datagram to this size as nlipc_sock_send_padded() does,
 *	or 0
 *
 * nlipcd takes one request per datagram: a batch goes out as one
 * datagram per message, many to a sendmmsg(). Returns the bytes of the
 * messages sent, -EAGAIN if none could be, or the error explained.
 */
ssize_t nlipc_sock_send_each(struct nlipc *ep, const void *buf, size_t len,
			     size_t pad)
{
	static const char zero[NLIPC_BRIDGE_UDP_PAD];
	struct nlmsghdr noop[SOCK_MMSG_MAX];
	struct mmsghdr mm[SOCK_MMSG_MAX];
	struct iovec iov[SOCK_MMSG_MAX][3];
	const struct nlmsghdr *nlh = buf;
	size_t off[SOCK_MMSG_MAX + 1];
	int rest = len, n = 0, sent;

	if (pad > sizeof(zero))
		pad = 0;
	off[0] = 0;
	for (; n < SOCK_MMSG_MAX && nlipc_nlmsg_ok(nlh, rest);
	     nlh = nlipc_nlmsg_next(nlh, &rest), n++) {
		size_t mlen = NLMSG_ALIGN(nlh->nlmsg_len);

		iov[n][0] = (struct iovec){ (void *)nlh, nlh->nlmsg_len };
		mm[n] = (struct mmsghdr){ .msg_hdr = { .msg_iov = iov[n],
						       .msg_iovlen = 1 } };
		if (pad && nlh->nlmsg_len == mlen && mlen + NLMSG_HDRLEN <= pad) {
			noop[n] = (struct nlmsghdr){ .nlmsg_len = pad - mlen,
						     .nlmsg_type = NLMSG_NOOP };
			iov[n][1] = (struct iovec){ &noop[n], sizeof(noop[n]) };
			iov[n][2] = (struct iovec){ (void *)zero,
						    pad - mlen - sizeof(noop[n]) };
			mm[n].msg_hdr.msg_iovlen = 3;
		}
		off[n + 1] = off[n] + mlen;
	}
	if (!n)
		return nlipc_fail(ep, -EINVAL, "no whole message to send");
	do
		sent = sendmmsg(ep->fd, mm, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (sent < 0 && errno == EINTR);
	if (sent > 0)
		return off[sent] < len ? off[sent] : len;
	if (sent < 0 && errno != EAGAIN)
		return sock_fail(ep, -errno, "send");
	return -EAGAIN;
}

/**
 * nlipc_sock_recv_dgram - the recv op of a datagram transport
 * @ep: the endpoint
 * @until: when to give up waiting, as for the recv op
 *
 * Takes one datagram in one receive: ep->rx holds the largest the
 * transport allows, and a larger one, taken all the same so it cannot
 * block the queue, is an error. On a seqpacket socket an empty read is
 * the daemon closing; on the others an empty datagram is skipped.
 */
ssize_t nlipc_sock_recv_dgram(struct nlipc *ep, long long until)
{
	struct nlipc_sock *s = priv(ep);
	struct iovec iov = { .iov_base = ep->rx, .iov_len = ep->rx_size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int err;

	for (;;) {
		/* MSG_TRUNC: the datagram's own length, even if cut. */
		n = nlipc_recvmsg(ep, &mh, MSG_TRUNC, until);
		if (n == -ETIMEDOUT)
			return n;
		if (n < 0)
			return sock_fail(ep, n, "receive");
		if (!n && s->type == SOCK_SEQPACKET)
			return nlipc_fail(ep, -ECONNRESET,
					  "nlipcd closed the connection");
		if ((size_t)n > ep->rx_size)
			return nlipc_fail(ep, -EMSGSIZE,
					  "a datagram of %zd bytes from nlipcd, larger than the %zu the protocol allows, was dropped",
					  n, ep->rx_size);
		if (!n)
			continue;
		if ((size_t)n >= NLMSG_HDRLEN && !ep->order_checked) {
			err = nlipc_ctrl_check_order(ep, ep->rx, n);
			if (err)
				return err;
		}
		return n;
	}
}
