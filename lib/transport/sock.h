/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the AF_UNIX and AF_INET transports share: connecting within a
 * deadline, and moving netlink messages over a stream socket (framed by
 * nlmsg_len) or a datagram socket (one batch of messages per datagram).
 * The send and recv functions keep the contract of struct nlipc_transport.
 */
#ifndef _NLIPC_TRANSPORT_SOCK_H
#define _NLIPC_TRANSPORT_SOCK_H

#include <sys/socket.h>
#include <sys/types.h>

struct nlipc;
struct nlipc_url;

/*
 * A stream whose bytes go through something else than the socket's own
 * calls: TLS records. send() returns the bytes taken, or -EAGAIN only if
 * it took none and holds none back (a TLS record, once made, must go
 * before anything else: it waits for room itself, by ep->deadline);
 * recv() waits for some until @until as nlipc_recvmsg() does, 0 at the
 * peer's end. Other errors are negative errnos, explained in ep's error
 * record, after which the stream is given up.
 */
struct nlipc_sock_io {
	ssize_t (*send)(struct nlipc *ep, void *priv, const void *buf,
			size_t len);
	ssize_t (*recv)(struct nlipc *ep, void *priv, void *buf, size_t len,
			long long until);
	/* Release priv, before the socket is closed. */
	void (*release)(void *priv);
};

/*
 * Called by nlipc_inet_open() once a TCP connection is up, before the
 * family is resolved through it, to be done by @until: 0, or a negative
 * errno, explained, with the socket left for the caller to close.
 */
typedef int (*nlipc_inet_setup_fn)(struct nlipc *ep,
				   const struct nlipc_url *url,
				   long long until);

int nlipc_inet_open(struct nlipc *ep, const struct nlipc_url *url, int type,
		    nlipc_inet_setup_fn setup);

int nlipc_sock_connect(int fd, const struct sockaddr *sa, socklen_t len,
		       long long deadline);
int nlipc_sock_init(struct nlipc *ep, int fd);
void nlipc_sock_close(struct nlipc *ep);
void nlipc_sock_set_io(struct nlipc *ep, const struct nlipc_sock_io *io,
		       void *arg);
void *nlipc_sock_io_priv(const struct nlipc *ep);

int nlipc_sock_send_stream(struct nlipc *ep, const void *buf, size_t len);
ssize_t nlipc_sock_recv_stream(struct nlipc *ep, long long until);
int nlipc_sock_send_dgram(struct nlipc *ep, const void *buf, size_t len);
int nlipc_sock_send_padded(struct nlipc *ep, const void *buf, size_t len,
			   size_t size);
ssize_t nlipc_sock_recv_dgram(struct nlipc *ep, long long until);
ssize_t nlipc_sock_send_each(struct nlipc *ep, const void *buf, size_t len,
			     size_t pad);

#endif /* _NLIPC_TRANSPORT_SOCK_H */
