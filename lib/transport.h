/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The transport contract. A transport moves whole netlink messages between
 * an endpoint and the service; it knows nothing of the family's operations.
 * Each lives in transport/<name>.c and exports only its const ops tables,
 * one per URL scheme it serves.
 * The fd blocks for receives, so a reply is one recvmsg() (see
 * nlipc_recvmsg()); sends never block, and the core polls, with the
 * endpoint's deadline, after send() reports -EAGAIN.
 */
#ifndef _NLIPC_TRANSPORT_H
#define _NLIPC_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>

struct nlipc;
struct nlipc_url;

/*
 * Datagrams may be lost or duplicated (UDP). The core then sends a request
 * left unanswered for the retransmission timeout (rtt.c) again, with the
 * same sequence number, until the deadline, and refuses dumps and
 * subscriptions: a lost datagram would drop entries or notifications
 * without anyone noticing.
 */
#define NLIPC_TP_LOSSY		0x1

struct nlipc_transport {
	/* URL scheme this transport serves, e.g. "netlink". */
	const char *scheme;

	/* NLIPC_TP_* */
	unsigned int flags;

	/*
	 * Largest request one datagram carries, or 0 for no limit beyond
	 * the core's own. The core fails a larger request with -EMSGSIZE.
	 */
	size_t msg_max;

	/*
	 * Largest datagram the service may send, or 0 on a stream. The
	 * endpoint's receive buffer holds one whole from the start: a
	 * datagram is taken in one receive, without a peek at its size.
	 */
	size_t dgram_max;

	/*
	 * Connect ep to the service named by url and set ep->fd, and
	 * ep->portid if the transport knows it at once (netlink: the kernel
	 * gives it at bind time; message transports learn it in resolve()).
	 * May block up to the endpoint's timeout. On failure returns a
	 * negative errno with a message in ep's error record and leaves
	 * nothing open.
	 */
	int (*open)(struct nlipc *ep, const struct nlipc_url *url);

	/* Release everything open() acquired. Never fails. */
	void (*close)(struct nlipc *ep);

	/*
	 * Resolve the family named ep->family_name (nlipc, or the controller
	 * itself for nlipc_open_genl()): set ep->family_id (and ep->portid if
	 * open() could not). Blocks up to the timeout. Negative errno
	 * (-ENOENT: family not registered) with an error message.
	 * NULL if open() resolves the family itself: a transport choosing
	 * among several addresses keeps the first that answers this.
	 */
	int (*resolve)(struct nlipc *ep);

	/*
	 * Send one buffer holding one or more whole messages. Returns 0 once
	 * all of it is sent, -EAGAIN if nothing could be sent without
	 * blocking (the core polls for POLLOUT and calls again), or another
	 * negative errno, with a message in the error record if it has more
	 * to say than the errno. Never sends part of a datagram. On a
	 * stream, once part of the buffer is out, it waits for room itself
	 * until ep->deadline; if that passes, the stream is out of step and
	 * every later call fails.
	 */
	int (*send)(struct nlipc *ep, const void *buf, size_t len);

	/*
	 * Send the whole messages in buf one per datagram, for a peer that
	 * takes one request per datagram: as many as go without blocking,
	 * in as few system calls as it can. Returns the bytes of the
	 * messages sent (at least one message), -EAGAIN if none could be,
	 * or another negative errno as send() does. NULL on transports
	 * whose send() takes several messages at once (netlink, streams).
	 */
	ssize_t (*send_each)(struct nlipc *ep, const void *buf, size_t len);

	/*
	 * Take the next whole datagram (which may hold several messages)
	 * or, on a stream, every whole message received so far (at least
	 * one), into ep->rx, growing it as needed, waiting for it until
	 * @until (nlipc_now_ms() time; -1: no limit; a time past: only
	 * what is there already). Returns its length, -ETIMEDOUT (with
	 * nothing in the error record) if nothing whole came in time,
	 * -ENOBUFS if the kernel dropped messages for this socket (an
	 * overrun the caller must resync from), -EMSGSIZE for a datagram
	 * larger than dgram_max (taken and dropped, never cut short
	 * silently), or another negative errno, with a message in the
	 * error record if it has more to say than the errno. What it
	 * returned stays in ep->rx until the next call.
	 */
	ssize_t (*recv)(struct nlipc *ep, long long until);

	/*
	 * Resolve the family's multicast group @name and join it on ep's
	 * socket. Blocks up to the timeout. Negative errno (-ENOENT: no such
	 * group) with an error message.
	 */
	int (*join)(struct nlipc *ep, const char *name);

	/*
	 * Join multicast group @id of any family (nlipc_join_group()). As
	 * join, without the resolution.
	 */
	int (*join_id)(struct nlipc *ep, uint32_t id);

	/*
	 * What carries the messages, beyond the URL (TLS: version, cipher,
	 * records in the kernel or in user space), for nlipc_transport_info();
	 * a string ep owns. NULL, or returning NULL: nothing to add.
	 */
	const char *(*describe)(const struct nlipc *ep);
};

extern const struct nlipc_transport nlipc_transport_netlink;
extern const struct nlipc_transport nlipc_transport_unix;
extern const struct nlipc_transport nlipc_transport_unix_seqpacket;
extern const struct nlipc_transport nlipc_transport_unix_dgram;
extern const struct nlipc_transport nlipc_transport_tcp;
extern const struct nlipc_transport nlipc_transport_udp;
extern const struct nlipc_transport nlipc_transport_ssh;
extern const struct nlipc_transport nlipc_transport_tls;

#endif /* _NLIPC_TRANSPORT_H */
