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

int nlipc_sock_connect(int fd, const struct sockaddr *sa, socklen_t len,
		       long long deadline);
int nlipc_sock_init(struct nlipc *ep, int fd);
void nlipc_sock_close(struct nlipc *ep);

int nlipc_sock_send_stream(struct nlipc *ep, const void *buf, size_t len);
ssize_t nlipc_sock_recv_stream(struct nlipc *ep, long long until);
int nlipc_sock_send_dgram(struct nlipc *ep, const void *buf, size_t len);
int nlipc_sock_send_padded(struct nlipc *ep, const void *buf, size_t len,
			   size_t size);
ssize_t nlipc_sock_recv_dgram(struct nlipc *ep, long long until);
ssize_t nlipc_sock_send_each(struct nlipc *ep, const void *buf, size_t len,
			     size_t pad);

#endif /* _NLIPC_TRANSPORT_SOCK_H */
