// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The raw client: plain syscalls moving the same bytes libnlipc moves. One
 * send of the request (or of a batch of them), then receives until every
 * request's ACK is in: on a stream the bytes are framed by nlmsg_len as
 * they come; on a datagram socket each receive is whole. Every syscall the
 * loop makes is counted as it is made.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "bench.h"

/*
 * Over UDP, a request unanswered this long is sent again: libnlipc's
 * shortest timeout (its own follows the measured RTT).
 */
#define RAW_RETRY_MS		200
/* ... and given up after this long. */
#define RAW_TIMEOUT_MS		5000
/* Room for a batch of the largest answers, or one stream read. */
#define RAW_RX_SIZE		(256 * 1024)

struct raw_conn {
	struct bench_conn base;
	int fd_tx, fd_rx;
	enum raw_io io;
	bool dgram;
	bool lossy;
	int result_fd;			/* the server's counts, or -1 */
	bool have_result;		/* stream() already read them */

	uint8_t *req;			/* one request */
	size_t req_len;
	uint8_t *tx;			/* @tx_batch copies of it */
	unsigned int tx_batch;
	uint8_t *rx;
	size_t rx_have;			/* stream: bytes not yet walked */
	uint32_t seq;
	unsigned int resends;
};

static struct raw_conn *to_raw(struct bench_conn *c)
{
	return (struct raw_conn *)c;
}

static ssize_t raw_send(struct raw_conn *r, const void *buf, size_t len)
{
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	do {
		r->base.syscalls++;
		switch (r->io) {
		case IO_RW:
			n = write(r->fd_tx, buf, len);
			break;
		case IO_NETLINK:
			n = sendto(r->fd_tx, buf, len, 0,
				   (const struct sockaddr *)&kernel,
				   sizeof(kernel));
			break;
		default:
			n = send(r->fd_tx, buf, len, MSG_NOSIGNAL);
		}
	} while (n < 0 && errno == EINTR);
	return n;
}

static ssize_t raw_recv(struct raw_conn *r, void *buf, size_t len)
{
	ssize_t n;

	do {
		r->base.syscalls++;
		if (r->io == IO_RW)
			n = read(r->fd_rx, buf, len);
		else
			n = recv(r->fd_rx, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	return n;
}

/* All of @len, on a stream possibly in several writes. */
static int send_all(struct raw_conn *r, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = raw_send(r, p, len);
		if (n < 0)
			return -errno;
		if (r->dgram && (size_t)n != len)
			return -EMSGSIZE;
		p += n;
		len -= n;
	}
	return 0;
}

static int fail(struct raw_conn *r, int err, const char *what)
{
	snprintf(r->base.err, sizeof(r->base.err), "%s: %s", what,
		 strerror(-err));
	return err;
}

/*
 * Count the ACKs among whole messages of @buf that answer requests
 * @first..r->seq; an error ACK fails the exchange. Returns the bytes
 * walked (a partial message at the end is left), or a negative errno.
 */
static ssize_t walk(struct raw_conn *r, const uint8_t *buf, size_t len,
		    uint32_t first, unsigned int *acks)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	int rest = (int)len;

	for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		const struct nlmsgerr *e;

		if (nlh->nlmsg_type != NLMSG_ERROR)
			continue;
		/* A late duplicate of an answer already taken (UDP). */
		if (nlh->nlmsg_seq - first > r->seq - first)
			continue;
		e = mnl_nlmsg_get_payload(nlh);
		if (e->error) {
			snprintf(r->base.err, sizeof(r->base.err),
				 "the service answered: %s",
				 strerror(-e->error));
			return e->error;
		}
		(*acks)++;
	}
	if (rest > 0 && rest >= (int)sizeof(*nlh) &&
	    nlh->nlmsg_len < sizeof(*nlh))
		return fail(r, -EBADMSG, "bad nlmsg_len");
	return (ssize_t)(len - rest);
}

static int raw_exchange(struct bench_conn *c, unsigned int batch)
{
	struct raw_conn *r = to_raw(c);
	uint32_t first = r->seq + 1;
	unsigned int acks = 0, i;
	size_t bytes = 0;
	double deadline = 0;
	ssize_t n, used;
	int err;

	/* 0 is the notifications' seq: never a request's. */
	if (r->seq > UINT32_MAX - batch) {
		r->seq = 0;
		first = 1;
	}
	if (batch != r->tx_batch) {
		uint8_t *tx = realloc(r->tx, r->req_len * batch);

		if (!tx)
			return fail(r, -ENOMEM, "batch");
		for (i = 0; i < batch; i++)
			memcpy(tx + i * r->req_len, r->req, r->req_len);
		r->tx = tx;
		r->tx_batch = batch;
	}
	for (i = 0; i < batch; i++)
		((struct nlmsghdr *)(r->tx + i * r->req_len))->nlmsg_seq = ++r->seq;

	err = send_all(r, r->tx, r->req_len * batch);
	if (err)
		return fail(r, err, "send");
	while (acks < batch) {
		n = raw_recv(r, r->rx + r->rx_have, RAW_RX_SIZE - r->rx_have);
		if (n < 0 && r->lossy && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* Lost, or its answer was: send it again, same seq. */
			if (!deadline)
				deadline = meter_now_ns() + RAW_TIMEOUT_MS * 1e6;
			if (meter_now_ns() > deadline)
				return fail(r, -ETIMEDOUT, "no answer");
			r->resends++;
			err = send_all(r, r->tx, r->req_len * batch);
			if (err)
				return fail(r, err, "send");
			continue;
		}
		if (n < 0)
			return fail(r, -errno, "receive");
		if (n == 0)
			return fail(r, -ECONNRESET, "the server closed");
		bytes += n;
		if (r->dgram) {
			used = walk(r, r->rx, n, first, &acks);
			if (used < 0)
				return (int)used;
			continue;
		}
		r->rx_have += n;
		used = walk(r, r->rx, r->rx_have, first, &acks);
		if (used < 0)
			return (int)used;
		r->rx_have -= used;
		if (r->rx_have)
			memmove(r->rx, r->rx + used, r->rx_have);
	}
	c->reply_bytes = bytes / batch;
	return 0;
}

/* Wait up to @ms for the server's counts on the result pipe. */
static int read_result(struct raw_conn *r, int ms, struct bench_sink_result *res)
{
	struct pollfd pfd = { .fd = r->result_fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, ms) <= 0)
		return -ETIMEDOUT;
	n = read(r->result_fd, res, sizeof(*res));
	if (n != sizeof(*res))
		return -EIO;
	r->have_result = true;
	return 0;
}

static int wait_go(struct raw_conn *r, int ms)
{
	struct pollfd pfd = { .fd = r->result_fd, .events = POLLIN };
	char go;

	if (poll(&pfd, 1, ms) <= 0)
		return -ETIMEDOUT;
	return read(r->result_fd, &go, 1) == 1 && go == 'G' ? 0 : -EIO;
}

/*
 * Stream mode: @warm requests the receiver does not time (seq 0), the
 * SYNC, and once the receiver has answered it and started its clock, @n
 * requests (seq 1..n). A datagram receiver also stops at an END, sent
 * until it answers over UDP.
 */
static int raw_stream(struct bench_conn *c, unsigned long warm,
		      unsigned long n, struct bench_sink_result *res)
{
	struct raw_conn *r = to_raw(c);
	struct nlmsghdr mark = { .nlmsg_len = sizeof(mark) };
	struct nlmsghdr *req = (struct nlmsghdr *)r->req;
	unsigned long i;
	int err, tries;

	req->nlmsg_seq = 0;
	for (i = 0; i < warm; i++) {
		err = send_all(r, r->req, r->req_len);
		if (err)
			return fail(r, err, "send");
	}
	/* The SYNC, until the receiver says GO (a UDP SYNC may be lost). */
	mark.nlmsg_type = NLMSG_NOOP;
	for (tries = 0; tries < 100; tries++) {
		err = send_all(r, &mark, sizeof(mark));
		if (err)
			return fail(r, err, "send");
		err = wait_go(r, r->lossy ? 50 : 5000);
		if (err != -ETIMEDOUT)
			break;
	}
	if (err)
		return fail(r, err, "no GO from the receiver");
	for (i = 1; i <= n; i++) {
		req->nlmsg_seq = i;
		err = send_all(r, r->req, r->req_len);
		if (err == -ENOBUFS || err == -EAGAIN)
			continue;	/* UDP: a drop like any other */
		if (err)
			return fail(r, err, "send");
	}
	mark.nlmsg_type = NLMSG_DONE;
	for (tries = 0; tries < 250; tries++) {
		if (r->dgram)
			send_all(r, &mark, sizeof(mark));
		err = read_result(r, r->lossy ? 20 : 30000, res);
		if (!err)
			return 0;
		if (!r->lossy)
			break;
	}
	return fail(r, err, "no result from the receiver");
}

static void raw_close(struct bench_conn *c, struct bench_sink_result *server)
{
	struct raw_conn *r = to_raw(c);
	struct nlmsghdr bye = {
		.nlmsg_len = sizeof(bye),
		.nlmsg_type = NLMSG_DONE,
	};

	memset(server, 0, sizeof(*server));
	/* Our datagram echo sees no end of file: tell it (not nlipcd). */
	if (r->dgram && r->result_fd >= 0)
		send_all(r, &bye, sizeof(bye));
	if (r->fd_rx != r->fd_tx)
		close(r->fd_rx);
	close(r->fd_tx);
	if (r->result_fd >= 0) {
		server_finish(c->peer, r->result_fd, server, !r->have_result);
		close(r->result_fd);
	}
	free(r->req);
	free(r->tx);
	free(r->rx);
	free(r);
}

/**
 * raw_conn_new - a raw client end
 * @fd_tx: where requests go
 * @fd_rx: where answers come from (the same socket, or a pipe's end)
 * @io: which syscalls move the bytes
 * @dgram: one message or batch per datagram
 * @lossy: resend unanswered requests (UDP)
 *
 * Returns the connection, with no request yet, or NULL.
 */
struct raw_conn *raw_conn_new(int fd_tx, int fd_rx, enum raw_io io,
			      bool dgram, bool lossy)
{
	struct raw_conn *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->rx = malloc(RAW_RX_SIZE);
	if (!r->rx) {
		free(r);
		return NULL;
	}
	r->fd_tx = fd_tx;
	r->fd_rx = fd_rx;
	r->io = io;
	r->dgram = dgram;
	r->lossy = lossy;
	r->result_fd = -1;
	r->base.exchange = raw_exchange;
	r->base.stream = raw_stream;
	r->base.close = raw_close;
	r->base.counted = true;
	if (lossy) {
		struct timeval tv = { .tv_usec = RAW_RETRY_MS * 1000 };

		setsockopt(fd_rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	return r;
}

/* Use @msg as the request (copied). */
void raw_conn_set_request(struct raw_conn *r, const void *msg, size_t len)
{
	free(r->req);
	r->req = malloc(len);
	if (!r->req)
		return;
	memcpy(r->req, msg, len);
	r->req_len = len;
	r->tx_batch = 0;
	r->base.req_bytes = len;
}

/* The nlipc ping of @s, for a service that gives the family id @family. */
int raw_conn_request(struct raw_conn *r, uint16_t family,
		     const struct bench_setup *s)
{
	size_t cap = BENCH_MAX_PAYLOAD + 64, len;
	void *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	len = wire_ping_request(buf, cap, family, s->size, s->has_reply_size,
				s->reply_size);
	if (len)
		raw_conn_set_request(r, buf, len);
	free(buf);
	return len && r->req ? 0 : -EMSGSIZE;
}

/* Pad the request to @size bytes, as libnlipc pads UDP requests. */
int raw_conn_pad(struct raw_conn *r, size_t size)
{
	size_t len = r->req_len > size ? r->req_len : size;
	uint8_t *buf = malloc(len);

	if (!buf)
		return -ENOMEM;
	memcpy(buf, r->req, r->req_len);
	len = wire_pad(buf, len, r->req_len, size);
	raw_conn_set_request(r, buf, len);
	free(buf);
	return r->req ? 0 : -ENOMEM;
}

/* The forked server, and the pipe its counts come back on. */
void raw_conn_set_server(struct raw_conn *r, pid_t pid, int result_fd)
{
	r->base.peer = pid;
	r->result_fd = result_fd;
}

struct bench_conn *raw_conn_base(struct raw_conn *r)
{
	return &r->base;
}
