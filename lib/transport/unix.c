// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * unix: nlipcd over AF_UNIX, as a stream (unix:), a sequence of packets
 * (unix+seqpacket:) or datagrams (unix+dgram:), at a path or, for "@name",
 * at an abstract name. The daemon tells who we are by SO_PEERCRED (or, on
 * datagrams, by the credentials the kernel attaches for it).
 */
#define _GNU_SOURCE	/* struct ucred */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "../internal.h"
#include "../bridge.h"
#include "sock.h"

static socklen_t unix_addr(struct sockaddr_un *sun, const char *path)
{
	size_t len = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	/* The URL parser has checked that it fits. */
	memcpy(sun->sun_path, path, len);
	if (path[0] == '@')
		sun->sun_path[0] = '\0';	/* abstract: no trailing NUL */
	else
		len++;
	return offsetof(struct sockaddr_un, sun_path) + len;
}

static const char *type_name(int type)
{
	switch (type) {
	case SOCK_SEQPACKET:
		return "seqpacket";
	case SOCK_DGRAM:
		return "datagram";
	}
	return "stream";
}

static int unix_connect_fail(struct nlipc *ep, const char *path, int type,
			     int err)
{
	switch (err) {
	case -ENOENT:
		return nlipc_fail(ep, err,
				  "no socket at %s: is nlipcd running? (nlipcd --listen %s)",
				  path, ep->url);
	case -ECONNREFUSED:
		return nlipc_fail(ep, err,
				  "nothing listens on %s: is nlipcd running? (nlipcd --listen %s)",
				  path, ep->url);
	case -EACCES:
	case -EPERM:
		return nlipc_fail(ep, err,
				  "no permission to connect to %s: the socket's mode or group keeps this user out",
				  path);
	case -EPROTOTYPE:
		return nlipc_fail(ep, err,
				  "%s is not a %s socket: nlipcd listens there as another type (unix:, unix+seqpacket: or unix+dgram:)",
				  path, type_name(type));
	case -ETIMEDOUT:
		return nlipc_fail(ep, err,
				  "could not connect to %s within %d ms: nlipcd has too many connections waiting",
				  path, ep->timeout_ms);
	}
	return nlipc_fail(ep, err, "cannot connect to %s", path);
}

/*
 * Whom did we reach? Anyone may bind an abstract name first, so there we
 * expect root or ourselves unless the URL names the server's uid; a path
 * is as safe as its directory, and checked only when the URL asks. A
 * datagram socket has no peer credentials to check: only a URL that
 * asks for them makes that an error.
 */
static int unix_check_server(struct nlipc *ep, int fd,
			     const struct nlipc_url *url, int type)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uid_t self = geteuid();

	if (url->uid < 0 && url->path[0] != '@')
		return 0;
	if (type == SOCK_DGRAM) {
		if (url->uid < 0)
			return 0;
		return nlipc_fail(ep, -EOPNOTSUPP,
				  "%s: a datagram socket does not tell its server's uid; use unix: or unix+seqpacket: to check it",
				  ep->url);
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return nlipc_fail(ep, -errno, "cannot tell who serves %s",
				  url->path);
	if (url->uid >= 0 && cred.uid != (uid_t)url->uid)
		return nlipc_fail(ep, -EPERM,
				  "%s is served by uid %u, not uid %lld as the URL requires",
				  url->path, (unsigned int)cred.uid, url->uid);
	if (url->uid < 0 && cred.uid != 0 && cred.uid != self)
		return nlipc_fail(ep, -EPERM,
				  "%s is served by uid %u, neither root nor you: anyone may bind an abstract name; add ?uid=%u if you trust that user",
				  url->path, (unsigned int)cred.uid,
				  (unsigned int)cred.uid);
	return 0;
}

static int unix_open(struct nlipc *ep, const struct nlipc_url *url, int type)
{
	struct sockaddr_un sun;
	long long deadline;
	socklen_t len;
	int fd, err;

	len = unix_addr(&sun, url->path);
	fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nlipc_fail(ep, -errno, "cannot create a UNIX %s socket",
				  type_name(type));

	/*
	 * The daemon answers a datagram to its sender's address: let the
	 * kernel give us an abstract one (autobind).
	 */
	if (type == SOCK_DGRAM) {
		struct sockaddr_un self = { .sun_family = AF_UNIX };
		socklen_t autobind = sizeof(sa_family_t);

		if (bind(fd, (struct sockaddr *)&self, autobind) < 0) {
			err = nlipc_fail(ep, -errno,
					 "cannot bind an address for the replies");
			goto err_close;
		}
	}

	nlipc_deadline(ep->timeout_ms, &deadline);
	err = nlipc_sock_connect(fd, (struct sockaddr *)&sun, len, deadline);
	if (err) {
		unix_connect_fail(ep, url->path, type, err);
		goto err_close;
	}
	err = unix_check_server(ep, fd, url, type);
	if (err)
		goto err_close;
	return nlipc_sock_init(ep, fd);

err_close:
	close(fd);
	return err;
}

static int unix_stream_open(struct nlipc *ep, const struct nlipc_url *url)
{
	return unix_open(ep, url, SOCK_STREAM);
}

static int unix_seqpacket_open(struct nlipc *ep, const struct nlipc_url *url)
{
	return unix_open(ep, url, SOCK_SEQPACKET);
}

static int unix_dgram_open(struct nlipc *ep, const struct nlipc_url *url)
{
	return unix_open(ep, url, SOCK_DGRAM);
}

/* nlipcd takes one request per datagram (tools/nlipcd/frame.c). */
static ssize_t unix_send_each(struct nlipc *ep, const void *buf, size_t len)
{
	return nlipc_sock_send_each(ep, buf, len, 0);
}

const struct nlipc_transport nlipc_transport_unix = {
	.scheme = "unix",
	.open = unix_stream_open,
	.close = nlipc_sock_close,
	.resolve = nlipc_ctrl_resolve,
	.send = nlipc_sock_send_stream,
	.recv = nlipc_sock_recv_stream,
	.join = nlipc_ctrl_join,
	.join_id = nlipc_ctrl_join_id,
};

const struct nlipc_transport nlipc_transport_unix_seqpacket = {
	.scheme = "unix+seqpacket",
	.dgram_max = NLIPC_BRIDGE_MSG_MAX,
	.open = unix_seqpacket_open,
	.close = nlipc_sock_close,
	.resolve = nlipc_ctrl_resolve,
	.send = nlipc_sock_send_dgram,
	.send_each = unix_send_each,
	.recv = nlipc_sock_recv_dgram,
	.join = nlipc_ctrl_join,
	.join_id = nlipc_ctrl_join_id,
};

/* AF_UNIX datagrams are never lost: the sender waits for room instead. */
const struct nlipc_transport nlipc_transport_unix_dgram = {
	.scheme = "unix+dgram",
	.dgram_max = NLIPC_BRIDGE_MSG_MAX,
	.open = unix_dgram_open,
	.close = nlipc_sock_close,
	.resolve = nlipc_ctrl_resolve,
	.send = nlipc_sock_send_dgram,
	.send_each = unix_send_each,
	.recv = nlipc_sock_recv_dgram,
	.join = nlipc_ctrl_join,
	.join_id = nlipc_ctrl_join_id,
};
