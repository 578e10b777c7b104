// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * netlink: the kernel module, over AF_NETLINK/NETLINK_GENERIC. libnl-genl
 * sets the socket up and resolves the family; the core's libmnl codec does
 * the rest on the raw fd.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "../internal.h"

/*
 * The largest message the kernel sends us: the module's is a 64 KiB
 * ping's echo, and the kernel cuts dumps into at most 32 KiB. Room for
 * twice the first, as on a bridge (NLIPC_BRIDGE_MSG_MAX).
 */
#define NETLINK_MSG_MAX		(128 * 1024)

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
	ep->rcvtimeo_ms = 0;
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

/* libnl's resolver blocks in recvmsg(): bound it by the timeout. */
static void libnl_timeout(struct nlipc *ep)
{
	long long ms = ep->timeout_ms < 0 ? 0 : ep->timeout_ms;
	struct timeval tv = {
		.tv_sec = ms / 1000,
		.tv_usec = ms % 1000 * 1000,
	};

	if (ms != ep->rcvtimeo_ms &&
	    !setsockopt(ep->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		ep->rcvtimeo_ms = ms;
}

static int netlink_resolve(struct nlipc *ep)
{
	int id, err = 0;

	/* The controller's id is fixed: nothing to ask. */
	if (!strcmp(ep->family_name, NLIPC_CTRL_FAMILY_NAME)) {
		ep->family_id = GENL_ID_CTRL;
		return 0;
	}
	libnl_timeout(ep);
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
	return 0;
}

static int netlink_send(struct nlipc *ep, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	/* The fd blocks for receives only. */
	if (sendto(ep->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

/* One receive: ep->rx holds the largest message the kernel sends us. */
static ssize_t netlink_recv(struct nlipc *ep, long long until)
{
	struct iovec iov = { .iov_base = ep->rx, .iov_len = ep->rx_size };
	struct sockaddr_nl from;
	struct msghdr mh = {
		.msg_name = &from,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	for (;;) {
		mh.msg_namelen = sizeof(from);
		/* MSG_TRUNC: the message's own length, even if cut. */
		n = nlipc_recvmsg(ep, &mh, MSG_TRUNC, until);
		if (n < 0)
			return n;
		/* Only the kernel speaks for the family; drop anyone else. */
		if (from.nl_pid)
			continue;
		if ((size_t)n > ep->rx_size)
			return nlipc_fail(ep, -EMSGSIZE,
					  "a message of %zd bytes from the kernel, larger than the %zu expected, was dropped",
					  n, ep->rx_size);
		return n;
	}
}

static int netlink_join_id(struct nlipc *ep, uint32_t id)
{
	/* libnl maps the errno to its own codes: keep the kernel's. */
	if (nl_socket_add_membership(sock(ep), id))
		return nlipc_fail(ep, -errno, "cannot join multicast group %u",
				  id);
	return 0;
}

static int netlink_join(struct nlipc *ep, const char *name)
{
	int group;

	libnl_timeout(ep);
	group = genl_ctrl_resolve_grp(sock(ep), NLIPC_FAMILY_NAME, name);
	if (group < 0)
		return nlipc_fail(ep, -ENOENT,
				  "family '%s' has no multicast group '%s'",
				  NLIPC_FAMILY_NAME, name);
	return netlink_join_id(ep, group);
}

const struct nlipc_transport nlipc_transport_netlink = {
	.scheme = "netlink",
	.dgram_max = NETLINK_MSG_MAX,
	.open = netlink_open,
	.close = netlink_close,
	.resolve = netlink_resolve,
	.send = netlink_send,
	.recv = netlink_recv,
	.join = netlink_join,
	.join_id = netlink_join_id,
};
