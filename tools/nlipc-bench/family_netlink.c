// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The families where the answer comes from the kernel: netlink straight to
 * the module, and the bridge (TCP to nlipcd's kernel backend to the
 * module). Where the module is not loaded, netlink round trips go to the
 * kernel's own controller instead: a getfamily for "nlctrl", which takes
 * no payload (its policy is strict), so its size is fixed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "../../lib/bridge.h"
#include "bench.h"

/* libnlipc asks for this much socket buffer on netlink. */
#define NL_SOCK_BUFSIZE		(1024 * 1024)
#define NL_TIMEOUT_S		5

static void set_timeout(int fd)
{
	struct timeval tv = { .tv_sec = NL_TIMEOUT_S };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* A generic netlink socket set up as libnlipc sets up its own. */
static int nl_socket(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int fd, one = 1, size = NL_SOCK_BUFSIZE, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	set_timeout(fd);
	return fd;
}

/**
 * netlink_ctrl_resolve - the controller's getfamily, with raw syscalls
 * @fd: a netlink socket, or a connected socket to nlipcd
 * @io: IO_NETLINK or IO_SOCK
 * @dgram: whole messages per receive (netlink, datagram sockets)
 * @pad: the request's datagram padded to this size (UDP to nlipcd), or 0
 * @name: the family
 * @id: set to its id
 *
 * Reads until the ACK. Returns 0, -ENOENT for an unknown family, or
 * another negative errno.
 */
int netlink_ctrl_resolve(int fd, enum raw_io io, bool dgram, size_t pad,
			 const char *name, uint16_t *id)
{
	bool netlink = io == IO_NETLINK;
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint8_t req[NLIPC_BRIDGE_UDP_PAD], buf[16384];
	size_t len = wire_ctrl_request(req, sizeof(req), name), have = 0;
	uint16_t found = 0;
	ssize_t n;
	int err;

	if (pad)
		len = wire_pad(req, sizeof(req), len, pad);
	n = netlink ? sendto(fd, req, len, 0, (const struct sockaddr *)&kernel,
			     sizeof(kernel)) :
		      send(fd, req, len, MSG_NOSIGNAL);
	if (n != (ssize_t)len)
		return n < 0 ? -errno : -EIO;
	for (;;) {
		const struct nlmsghdr *nlh = (const void *)buf;
		int rest;

		n = recv(fd, buf + have, sizeof(buf) - have, 0);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (n == 0)
			return -ECONNRESET;
		have = dgram ? (size_t)n : have + n;
		rest = (int)have;
		for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
			uint16_t one;

			err = wire_family_id(nlh, nlh->nlmsg_len, &one);
			if (!err)
				found = one;
			else if (err != -ENOMSG)
				return err;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				*id = found;
				return found ? 0 : -ENOENT;
			}
		}
		if (dgram || have == sizeof(buf))
			have = 0;
		else if (rest)
			memmove(buf, buf + have - rest, rest), have = rest;
		else
			have = 0;
	}
}

/**
 * netlink_probe - is the nlipc family there?
 * @what: set to a sentence saying how netlink is measured
 * @len: room at @what
 *
 * Returns 1 with the module loaded, 0 without (nlctrl fallback), or a
 * negative errno where generic netlink itself is unusable.
 */
int netlink_probe(char *what, size_t len)
{
	int fd = nl_socket(), err;
	uint16_t id;

	if (fd < 0) {
		snprintf(what, len, "no generic netlink socket: %s",
			 strerror(-fd));
		return fd;
	}
	err = netlink_ctrl_resolve(fd, IO_NETLINK, true, 0, "nlipc", &id);
	close(fd);
	if (!err) {
		snprintf(what, len, "module loaded: family nlipc, id %u", id);
		return 1;
	}
	if (err == -ENOENT) {
		snprintf(what, len,
			 "module not loaded: netlink rows are round trips to the kernel's own nlctrl family (CTRL_CMD_GETFAMILY \"nlctrl\"), the same size whatever the payload");
		return 0;
	}
	snprintf(what, len, "generic netlink controller: %s", strerror(-err));
	return err;
}

/**
 * netlink_raw_open - a NETLINK_GENERIC socket to the module (or nlctrl)
 * @f: the netlink family
 * @s: the run's setup
 * @c: set to the client end
 *
 * Returns 0 or a negative errno.
 */
int netlink_raw_open(const struct bench_family *f, const struct bench_setup *s,
		     struct bench_conn **c)
{
	struct raw_conn *r;
	uint8_t req[128];
	uint16_t id;
	int fd, err;

	*c = NULL;
	fd = nl_socket();
	if (fd < 0)
		return fd;
	err = netlink_ctrl_resolve(fd, IO_NETLINK, true, 0, "nlipc", &id);
	if (err && err != -ENOENT) {
		close(fd);
		return err;
	}
	r = raw_conn_new(fd, fd, IO_NETLINK, true, false);
	if (!r) {
		close(fd);
		return -ENOMEM;
	}
	*c = raw_conn_base(r);
	if (!err)
		return raw_conn_request(r, id, s);
	raw_conn_set_request(r, req, wire_ctrl_request(req, sizeof(req),
							"nlctrl"));
	return 0;
}

/**
 * bridge_raw_open - raw TCP to nlipcd's kernel backend
 * @f: the bridge family
 * @s: the run's setup, with the daemon's port
 * @c: set to the client end
 *
 * The raw loop resolves the family the way libnlipc does (the daemon's
 * getfamily), then sends the same pings. Returns 0 or a negative errno.
 */
int bridge_raw_open(const struct bench_family *f, const struct bench_setup *s,
		    struct bench_conn **c)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(s->daemons->kernel_port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct raw_conn *r;
	int fd, one = 1, err;
	uint16_t id;

	*c = NULL;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	set_timeout(fd);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	err = netlink_ctrl_resolve(fd, IO_SOCK, false, 0, "nlipc", &id);
	if (err) {
		close(fd);
		return err;
	}
	r = raw_conn_new(fd, fd, IO_SOCK, false, false);
	if (!r) {
		close(fd);
		return -ENOMEM;
	}
	raw_conn_set_server(r, s->daemons->kernel.pid, -1);
	*c = raw_conn_base(r);
	/* nlipcd's own syscalls are not counted by construction. */
	(*c)->counted = false;
	return raw_conn_request(r, id, s);
}
