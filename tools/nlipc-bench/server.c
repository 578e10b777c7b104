// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The forked server of the raw socket families. As an echo it reads one
 * request (or whatever a read brings: a batch) and writes each back with
 * its ACK in one write or datagram, as nlipcd answers; as a sink it counts
 * a stream and times it from the SYNC. Either way it counts its own
 * syscalls and reports them on a pipe when it is done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "bench.h"

#define SERVER_IN_SIZE		(256 * 1024)
#define SERVER_OUT_SIZE		(512 * 1024)

struct server {
	const struct server_cfg *cfg;
	int fd_rx, fd_tx;
	uint8_t *in, *out;
	size_t out_len;
	uint8_t *reply;			/* reply-size given: the reply to send */
	size_t reply_len;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	struct bench_sink_result res;
};

/* Pin @pid (0: the caller) to @cpu; -1 leaves it alone. */
void bench_pin(pid_t pid, int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(pid, sizeof(set), &set);
}

static ssize_t srv_recv(struct server *s, void *buf, size_t len)
{
	ssize_t n;

	do {
		s->res.syscalls++;
		if (s->cfg->rw) {
			n = read(s->fd_rx, buf, len);
		} else if (s->cfg->connected) {
			n = recv(s->fd_rx, buf, len, 0);
		} else {
			s->peer_len = sizeof(s->peer);
			n = recvfrom(s->fd_rx, buf, len, 0,
				     (struct sockaddr *)&s->peer, &s->peer_len);
		}
	} while (n < 0 && errno == EINTR);
	return n;
}

static int srv_send(struct server *s, const uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len) {
		s->res.syscalls++;
		if (s->cfg->rw)
			n = write(s->fd_tx, buf, len);
		else if (!s->cfg->connected)
			n = sendto(s->fd_tx, buf, len, MSG_NOSIGNAL,
				   (struct sockaddr *)&s->peer, s->peer_len);
		else
			n = send(s->fd_tx, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

static int flush(struct server *s)
{
	int err = s->out_len ? srv_send(s, s->out, s->out_len) : 0;

	s->out_len = 0;
	return err;
}

/* Queue the answer to @req: the reply, then its ACK. */
static int answer(struct server *s, const struct nlmsghdr *req)
{
	size_t need = (s->cfg->has_reply_size ? s->reply_len : req->nlmsg_len) +
		      MNL_NLMSG_HDRLEN + sizeof(struct nlmsgerr);
	struct nlmsghdr *nlh;

	if (s->cfg->has_reply_size && !s->reply) {
		s->reply = malloc(BENCH_MAX_PAYLOAD + 64);
		if (!s->reply)
			return -1;
		s->reply_len = wire_ping_reply(s->reply, BENCH_MAX_PAYLOAD + 64,
					       req->nlmsg_type,
					       s->cfg->reply_size);
		need = s->reply_len + MNL_NLMSG_HDRLEN +
		       sizeof(struct nlmsgerr);
	}
	if (s->out_len + need > SERVER_OUT_SIZE && flush(s))
		return -1;
	nlh = (struct nlmsghdr *)(s->out + s->out_len);
	if (s->cfg->has_reply_size) {
		memcpy(nlh, s->reply, s->reply_len);
	} else {
		memcpy(nlh, req, req->nlmsg_len);
		nlh->nlmsg_flags = 0;
	}
	nlh->nlmsg_seq = req->nlmsg_seq;
	s->out_len += nlh->nlmsg_len;
	s->out_len += wire_ack(s->out + s->out_len, req);
	s->res.msgs++;
	return 0;
}

static void echo_stream(struct server *s)
{
	size_t have = 0;
	ssize_t n;

	for (;;) {
		const struct nlmsghdr *nlh = (const void *)s->in;
		int rest;

		n = srv_recv(s, s->in + have, SERVER_IN_SIZE - have);
		if (n <= 0)
			return;
		have += n;
		rest = (int)have;
		for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest))
			if (answer(s, nlh))
				return;
		if (rest >= (int)sizeof(*nlh) && nlh->nlmsg_len < sizeof(*nlh))
			return;
		if (flush(s))
			return;
		if (rest)
			memmove(s->in, s->in + have - rest, rest);
		have = rest;
	}
}

static void echo_dgram(struct server *s)
{
	for (;;) {
		const struct nlmsghdr *nlh = (const void *)s->in;
		ssize_t n = srv_recv(s, s->in, SERVER_IN_SIZE);
		int rest = (int)n;

		if (n < 0 && errno != EINTR)
			return;
		if (n == 0 && s->cfg->connected)
			return;
		if (n >= (ssize_t)sizeof(*nlh) && nlh->nlmsg_type == NLMSG_DONE)
			return;		/* the client is done */
		for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest))
			if (answer(s, nlh))
				return;
		flush(s);
	}
}

/*
 * Count the stream's requests: seq 0 are warm-up, the NOOP is the SYNC,
 * answered with a GO byte on the result pipe that starts the clock and the
 * sender; the last of @sink_msgs (or an END) stops it.
 */
static void sink(struct server *s, int result_fd)
{
	unsigned long want = s->cfg->sink_msgs;
	double t0 = 0, last = 0;
	bool started = false, done = false;
	size_t have = 0;
	ssize_t n;

	while (!done) {
		const struct nlmsghdr *nlh = (const void *)s->in;
		double now;
		int rest;

		n = srv_recv(s, s->in + have, SERVER_IN_SIZE - have);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0)
			break;
		now = meter_now_ns();
		if (s->cfg->stream)
			have += n;
		else
			have = n;
		rest = (int)have;
		for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
			if (nlh->nlmsg_type == NLMSG_NOOP) {
				if (!started) {
					s->res.syscalls++;
					if (write(result_fd, "G", 1) != 1)
						return;
					t0 = meter_now_ns();
				}
				started = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			} else if (nlh->nlmsg_seq && started) {
				s->res.msgs++;
				s->res.bytes += nlh->nlmsg_len;
				last = now;
				if (s->res.msgs >= want) {
					done = true;
					break;
				}
			}
		}
		if (!s->cfg->stream) {
			have = 0;
			continue;
		}
		if (rest)
			memmove(s->in, s->in + have - rest, rest);
		have = rest;
	}
	s->res.ns = started && last > t0 ? (uint64_t)(last - t0) : 0;
}

static void serve(const struct server_cfg *cfg, int result_fd)
{
	struct server s = {
		.cfg = cfg,
		.fd_rx = cfg->fd_rx,
		.fd_tx = cfg->fd_tx,
	};
	int one = 1;

	signal(SIGPIPE, SIG_IGN);
	bench_pin(0, cfg->pin);
	if (cfg->listen_fd >= 0) {
		s.fd_rx = s.fd_tx = accept(cfg->listen_fd, NULL, NULL);
		close(cfg->listen_fd);
		if (s.fd_rx < 0)
			return;
		if (cfg->nodelay)
			setsockopt(s.fd_rx, IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one));
	}
	s.in = malloc(SERVER_IN_SIZE);
	s.out = malloc(SERVER_OUT_SIZE);
	if (!s.in || !s.out)
		return;
	if (cfg->sink)
		sink(&s, result_fd);
	else if (cfg->stream)
		echo_stream(&s);
	else
		echo_dgram(&s);
	if (write(result_fd, &s.res, sizeof(s.res)) != sizeof(s.res))
		return;
}

/**
 * server_start - fork a server
 * @cfg: what it serves, and how
 * @close_fds: the client's ends, closed in the child
 * @nclose: how many
 * @result_fd: set to the pipe its counts come back on
 *
 * Returns the child's pid, or a negative errno.
 */
pid_t server_start(const struct server_cfg *cfg, const int *close_fds,
		   int nclose, int *result_fd)
{
	int p[2], i;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (!pid) {
		close(p[0]);
		for (i = 0; i < nclose; i++)
			close(close_fds[i]);
		serve(cfg, p[1]);
		_exit(0);
	}
	close(p[1]);
	*result_fd = p[0];
	return pid;
}

/**
 * server_finish - collect a server's counts and reap it
 * @pid: the server
 * @result_fd: its result pipe
 * @r: filled with its counts
 * @wait_result: read them (false: the caller already did)
 *
 * Returns 0 with @r filled, or a negative errno if the server said
 * nothing within two seconds; it is then killed.
 */
int server_finish(pid_t pid, int result_fd, struct bench_sink_result *r,
		  bool wait_result)
{
	struct pollfd pfd = { .fd = result_fd, .events = POLLIN };
	int err = 0, i, status;

	if (wait_result) {
		if (poll(&pfd, 1, 2000) <= 0 ||
		    read(result_fd, r, sizeof(*r)) != sizeof(*r))
			err = -ETIMEDOUT;
	}
	for (i = 0; i < 200; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return err;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return err;
}
