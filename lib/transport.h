/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The transport contract. A transport moves whole netlink messages between
 * an endpoint and the service; it knows nothing of the family's operations.
 * Each lives in transport/<name>.c and exports only its const ops table.
 * All fds are non-blocking; the core polls, with the endpoint's deadline,
 * before calling recv() and after send() reports -EAGAIN.
 */
#ifndef _NLIPC_TRANSPORT_H
#define _NLIPC_TRANSPORT_H

#include <sys/types.h>

struct nlipc;
struct nlipc_url;

struct nlipc_transport {
	/* URL scheme this transport serves, e.g. "netlink". */
	const char *scheme;

	/*
	 * Connect ep to the service named by url and set ep->fd and
	 * ep->portid. May block up to the endpoint's timeout. On failure
	 * returns a negative errno with a message in ep's error record and
	 * leaves nothing open.
	 */
	int (*open)(struct nlipc *ep, const struct nlipc_url *url);

	/* Release everything open() acquired. Never fails. */
	void (*close)(struct nlipc *ep);

	/*
	 * Resolve the nlipc family: set ep->family_id. Blocks up to the
	 * timeout. Negative errno (-ENOENT: family not registered) with an
	 * error message.
	 */
	int (*resolve)(struct nlipc *ep);

	/*
	 * Send one buffer holding one or more whole messages. Returns 0 once
	 * all of it is sent, -EAGAIN if nothing could be sent without
	 * blocking (the core polls for POLLOUT and calls again), or another
	 * negative errno. Never sends part of a datagram.
	 */
	int (*send)(struct nlipc *ep, const void *buf, size_t len);

	/*
	 * Take the next whole datagram (which may hold several messages)
	 * or, on a stream, the next whole message, into ep->rx, growing it
	 * as needed. Returns its length, -EAGAIN if none is complete yet,
	 * -ENOBUFS if the kernel dropped messages for this socket (an
	 * overrun the caller must resync from), or another negative errno.
	 * Never blocks.
	 */
	ssize_t (*recv)(struct nlipc *ep);

	/*
	 * Resolve the family's multicast group @name and join it on ep's
	 * socket. Blocks up to the timeout. Negative errno (-ENOENT: no such
	 * group) with an error message.
	 */
	int (*join)(struct nlipc *ep, const char *name);
};

extern const struct nlipc_transport nlipc_transport_netlink;

#endif /* _NLIPC_TRANSPORT_H */
