// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The raw socket families and the floors: a client end connected to a
 * forked server (server.c), set up as libnlipc and nlipcd would set up
 * theirs: TCP_NODELAY on TCP, an autobound address for replies on
 * AF_UNIX datagrams, connected UDP on the client side.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include "../../lib/bridge.h"
#include "bench.h"

/* Family ids the raw servers answer with: the user backend's. */
#define SOCK_FAMILY_ID	0x20

/* Start the server, hand the client end a request; closes @server_fds. */
static int finish_open(const struct bench_family *f, const struct bench_setup *s,
		       struct server_cfg *cfg, int fd_tx, int fd_rx,
		       const int *server_fds, int nserver,
		       struct bench_conn **c)
{
	int close_fds[2] = { fd_tx, fd_rx };
	struct bench_sink_result ignored;
	struct raw_conn *r;
	int result_fd, i, err;
	pid_t pid;

	cfg->sink = s->mode == MODE_STREAM;
	cfg->sink_msgs = s->stream_msgs;
	cfg->has_reply_size = s->has_reply_size;
	cfg->reply_size = s->reply_size;
	cfg->pin = s->pin_server;
	pid = server_start(cfg, close_fds, fd_tx == fd_rx ? 1 : 2, &result_fd);
	for (i = 0; i < nserver; i++)
		close(server_fds[i]);
	if (pid < 0) {
		err = pid;
		goto err_close;
	}
	r = raw_conn_new(fd_tx, fd_rx, f->domain ? IO_SOCK : IO_RW,
			 f->type != SOCK_STREAM && f->domain,
			 f->flags & FAM_LOSSY);
	if (!r) {
		err = -ENOMEM;
		goto err_stop_server;
	}
	raw_conn_set_server(r, pid, result_fd);
	*c = raw_conn_base(r);
	err = raw_conn_request(r, SOCK_FAMILY_ID, s);
	if (err) {
		snprintf((*c)->err, sizeof((*c)->err), "request of %u B: %s",
			 s->size, strerror(-err));
		return err;
	}
	return 0;

err_stop_server:
	/* Closing the client end first gives the server its end of file. */
	if (fd_rx != fd_tx)
		close(fd_rx);
	close(fd_tx);
	server_finish(pid, result_fd, &ignored, false);
	close(result_fd);
	return err;
err_close:
	if (fd_rx != fd_tx)
		close(fd_rx);
	close(fd_tx);
	return err;
}

/**
 * pipe_raw_open - the floors: two pipes, or one AF_UNIX socketpair
 * @f: "pipe" (domain 0) or "socketpair"
 * @s: the run's setup
 * @c: set to the client end
 *
 * Returns 0 or a negative errno.
 */
int pipe_raw_open(const struct bench_family *f, const struct bench_setup *s,
		  struct bench_conn **c)
{
	struct server_cfg cfg = { .listen_fd = -1, .stream = true };
	int req[2], rep[2], sv[2];

	if (!f->domain) {
		if (pipe(req) < 0)
			return -errno;
		if (pipe(rep) < 0) {
			close(req[0]);
			close(req[1]);
			return -errno;
		}
		cfg.rw = true;
		cfg.fd_rx = req[0];
		cfg.fd_tx = rep[1];
		return finish_open(f, s, &cfg, req[1], rep[0],
				   (int[]){ req[0], rep[1] }, 2, c);
	}
	if (socketpair(AF_UNIX, f->type | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	cfg.connected = true;
	cfg.fd_rx = cfg.fd_tx = sv[1];
	return finish_open(f, s, &cfg, sv[0], sv[0], &sv[1], 1, c);
}

static socklen_t loopback(int domain, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (domain == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		return sizeof(*a);
	}
	((struct sockaddr_in *)ss)->sin_family = AF_INET;
	((struct sockaddr_in *)ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sizeof(struct sockaddr_in);
}

/* Whether ::1 can be bound (no IPv6 on lo in some containers). */
bool sock_ipv6_usable(void)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(AF_INET6, &ss);
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}

/**
 * sock_raw_open - AF_UNIX stream, seqpacket, dgram; TCP and UDP on loopback
 * @f: the family: its domain and type
 * @s: the run's setup (s->dir holds the socket files)
 * @c: set to the client end
 *
 * Returns 0 or a negative errno (with (*c)->err set if *c was made).
 */
int sock_raw_open(const struct bench_family *f, const struct bench_setup *s,
		  struct bench_conn **c)
{
	static unsigned int serial;
	struct server_cfg cfg = { .listen_fd = -1 };
	struct sockaddr_storage ss;
	socklen_t len;
	int srv, cli, one = 1, err;

	*c = NULL;
	srv = socket(f->domain, f->type | SOCK_CLOEXEC, 0);
	if (srv < 0)
		return -errno;
	if (f->domain == AF_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;

		memset(un, 0, sizeof(*un));
		un->sun_family = AF_UNIX;
		snprintf(un->sun_path, sizeof(un->sun_path), "%s/raw-%u.sock",
			 s->dir, serial++);
		unlink(un->sun_path);
		len = sizeof(*un);
	} else {
		len = loopback(f->domain, &ss);
	}
	if (bind(srv, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(srv, (struct sockaddr *)&ss, &len) < 0)
		goto err_close_srv;
	if (f->type != SOCK_DGRAM && listen(srv, 1) < 0)
		goto err_close_srv;

	cli = socket(f->domain, f->type | SOCK_CLOEXEC, 0);
	if (cli < 0)
		goto err_close_srv;
	if (f->domain == AF_UNIX && f->type == SOCK_DGRAM) {
		/* Replies need an address to go to: let the kernel pick. */
		sa_family_t af = AF_UNIX;

		if (bind(cli, (struct sockaddr *)&af, sizeof(af)) < 0)
			goto err_close_cli;
	}
	if (f->type == SOCK_STREAM && f->domain != AF_UNIX)
		setsockopt(cli, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	cfg.stream = f->type == SOCK_STREAM;
	cfg.nodelay = cfg.stream && f->domain != AF_UNIX;
	if (f->type == SOCK_DGRAM) {
		cfg.fd_rx = cfg.fd_tx = srv;
	} else {
		cfg.connected = true;
		cfg.listen_fd = srv;
	}
	/* Connect first: the listener's backlog holds us until accept(). */
	if (connect(cli, (struct sockaddr *)&ss, len) < 0)
		goto err_close_cli;
	if (f->domain == AF_UNIX)
		unlink(((struct sockaddr_un *)&ss)->sun_path);
	return finish_open(f, s, &cfg, cli, cli, &srv, 1, c);

err_close_cli:
	err = -errno;
	close(cli);
	close(srv);
	return err;
err_close_srv:
	err = -errno;
	close(srv);
	return err;
}

/**
 * sock_rawd_open - the raw loop against nlipcd's user backend
 * @f: the family
 * @s: the run's setup, with the daemons
 * @c: set to the client end
 *
 * Connects as libnlipc does, resolves the family through the daemon's
 * controller with raw syscalls, then pings with the same bytes as the
 * library. Returns 0 or a negative errno.
 */
int sock_rawd_open(const struct bench_family *f, const struct bench_setup *s,
		   struct bench_conn **c)
{
	const struct bench_daemons *d = s->daemons;
	struct timeval tv = { .tv_sec = 5 };
	struct sockaddr_storage ss;
	struct raw_conn *r;
	int fd, one = 1, err;
	socklen_t len;
	uint16_t id;
	size_t pad;

	*c = NULL;
	if (f->domain == AF_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;

		memset(un, 0, sizeof(*un));
		un->sun_family = AF_UNIX;
		snprintf(un->sun_path, sizeof(un->sun_path), "%s/%s", d->dir,
			 daemon_unix_name(f->type));
		len = sizeof(*un);
	} else {
		len = loopback(f->domain, &ss);
		if (f->domain == AF_INET6)
			((struct sockaddr_in6 *)&ss)->sin6_port = htons(d->user_port);
		else
			((struct sockaddr_in *)&ss)->sin_port = htons(d->user_port);
	}
	fd = socket(f->domain, f->type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (f->domain == AF_UNIX && f->type == SOCK_DGRAM) {
		sa_family_t af = AF_UNIX;

		if (bind(fd, (struct sockaddr *)&af, sizeof(af)) < 0)
			goto err_close;
	}
	if (f->type == SOCK_STREAM && f->domain != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		goto err_close;
	/* UDP requests are padded as libnlipc pads them (lib/bridge.h). */
	pad = f->flags & FAM_LOSSY ? NLIPC_BRIDGE_UDP_PAD : 0;
	err = netlink_ctrl_resolve(fd, IO_SOCK, f->type != SOCK_STREAM, pad,
				   "nlipc", &id);
	if (err) {
		close(fd);
		return err;
	}
	r = raw_conn_new(fd, fd, IO_SOCK, f->type != SOCK_STREAM,
			 f->flags & FAM_LOSSY);
	if (!r) {
		close(fd);
		return -ENOMEM;
	}
	raw_conn_set_server(r, d->user.pid, -1);
	*c = raw_conn_base(r);
	/* nlipcd's own syscalls are not counted by construction. */
	(*c)->counted = false;
	err = raw_conn_request(r, id, s);
	return err || !pad ? err : raw_conn_pad(r, pad);

err_close:
	err = -errno;
	close(fd);
	return err;
}
