// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * netlink: the kernel module, over AF_NETLINK/NETLINK_GENERIC. libnl-genl
 * sets the socket up and resolves the family; the core's libmnl codec does
 * the rest on the raw fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "../internal.h"

static struct nl_sock *sock(struct nlipc *ep)
{
	return ep->tp_priv;
}

static int set_opt(struct nlipc *ep, int opt, int val)
{
	if (setsockopt(ep->fd, SOL_NETLINK, opt, &val, sizeof(val)) < 0)
		return nlipc_fail(ep, -errno, "setsockopt(%d): %s", opt,
				  strerror(errno));
	return 0;
}

/*
 * A socket bound to port 0, so the kernel picks a unique port id (libnl's
 * own choice would be the pid plus random bits), handed to libnl.
 */
static int netlink_open(struct nlipc *ep, const struct nlipc_url *url)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	struct nl_sock *sk;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return nlipc_fail(ep, -errno,
				  "cannot open a generic netlink socket: %s",
				  strerror(errno));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = nlipc_fail(ep, -errno, "cannot bind a netlink socket: %s",
				 strerror(errno));
		goto err_close_fd;
	}
	sk = nl_socket_alloc();
	if (!sk) {
		err = nlipc_fail(ep, -ENOMEM, "out of memory");
		goto err_close_fd;
	}
	err = nl_socket_set_fd(sk, NETLINK_GENERIC, fd);
	if (err) {
		nl_socket_free(sk);
		err = nlipc_fail(ep, -EIO, "libnl refused the socket: %s",
				 nl_geterror(err));
		goto err_close_fd;
	}
	ep->tp_priv = sk;
	ep->fd = fd;
	ep->portid = nl_socket_get_local_port(sk);
	/*
	 * libnl set 32 KiB, too small for a 64 KiB reply and its ACK: ask
	 * for more (the kernel caps it at net.core.rmem_max/wmem_max).
	 */
	nl_socket_set_buffer_size(sk, NLIPC_SOCK_BUFSIZE, NLIPC_SOCK_BUFSIZE);

	err = set_opt(ep, NETLINK_EXT_ACK, 1);
	if (!err)
		err = set_opt(ep, NETLINK_CAP_ACK, 1);
	if (err) {
		nl_socket_free(sk);
		ep->tp_priv = NULL;
		ep->fd = -1;
	}
	return err;

err_close_fd:
	close(fd);
	return err;
}

static void netlink_close(struct nlipc *ep)
{
	nl_socket_free(sock(ep));
	ep->tp_priv = NULL;
	ep->fd = -1;
}

static int netlink_resolve(struct nlipc *ep)
{
	struct timeval tv = {
		.tv_sec = ep->timeout_ms / 1000,
		.tv_usec = ep->timeout_ms % 1000 * 1000,
	};
	int id, err = 0;

	/* libnl blocks while resolving: bound it, then go non-blocking. */
	if (ep->timeout_ms >= 0)
		setsockopt(ep->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	id = genl_ctrl_resolve(sock(ep), NLIPC_FAMILY_NAME);
	if (id == -NLE_OBJ_NOTFOUND)
		err = nlipc_fail(ep, -ENOENT,
				 "generic netlink family '" NLIPC_FAMILY_NAME
				 "' not found: is the module loaded? (sudo modprobe nlipc, or run the command inside nlipc-vm)");
	else if (id < 0)
		err = nlipc_fail(ep, -EIO, "cannot resolve family '%s': %s",
				 NLIPC_FAMILY_NAME, nl_geterror(id));
	if (err)
		return err;
	ep->family_id = id;

	err = nl_socket_set_nonblocking(sock(ep));
	if (err)
		return nlipc_fail(ep, -EIO, "cannot make the socket non-blocking");
	return 0;
}

static int netlink_send(struct nlipc *ep, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (sendto(ep->fd, buf, len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

static ssize_t netlink_recv(struct nlipc *ep)
{
	struct sockaddr_nl from;
	socklen_t fromlen;
	ssize_t n;
	int err;

	for (;;) {
		/* Size the datagram first, so nothing is ever truncated. */
		n = recv(ep->fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0)
			return -errno;
		err = nlipc_rx_reserve(ep, n);
		if (err)
			return nlipc_fail(ep, err, "message of %zd bytes too large",
					  n);
		fromlen = sizeof(from);
		n = recvfrom(ep->fd, ep->rx, ep->rx_size, MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			return -errno;
		/* Only the kernel speaks for the family; drop anyone else. */
		if (from.nl_pid == 0)
			return n;
	}
}

static int netlink_join(struct nlipc *ep, const char *name)
{
	int group, err;

	/* libnl's resolver needs a blocking socket; SO_RCVTIMEO bounds it. */
	fcntl(ep->fd, F_SETFL, fcntl(ep->fd, F_GETFL) & ~O_NONBLOCK);
	group = genl_ctrl_resolve_grp(sock(ep), NLIPC_FAMILY_NAME, name);
	fcntl(ep->fd, F_SETFL, fcntl(ep->fd, F_GETFL) | O_NONBLOCK);
	if (group < 0)
		return nlipc_fail(ep, -ENOENT,
				  "family '%s' has no multicast group '%s'",
				  NLIPC_FAMILY_NAME, name);
	err = nl_socket_add_membership(sock(ep), group);
	if (err)
		return nlipc_fail(ep, -EIO, "cannot join group '%s': %s", name,
				  nl_geterror(err));
	return 0;
}

const struct nlipc_transport nlipc_transport_netlink = {
	.scheme = "netlink",
	.open = netlink_open,
	.close = netlink_close,
	.resolve = netlink_resolve,
	.send = netlink_send,
	.recv = netlink_recv,
	.join = netlink_join,
};
