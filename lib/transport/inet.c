// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tcp:// and udp://: nlipcd over IPv4 or IPv6. The host and port go
 * through getaddrinfo(), so names, [v6] literals and service names all
 * work, and each address it gives is tried in turn. Over UDP the core
 * resends requests (NLIPC_TP_LOSSY) and the daemon answers repeats from
 * its cache.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "../internal.h"
#include "../bridge.h"
#include "sock.h"

static int resolve_fail(struct nlipc *ep, const struct nlipc_url *url,
			int gai)
{
	switch (gai) {
	case EAI_SERVICE:
		return nlipc_fail(ep, -EINVAL, "unknown port or service '%s'",
				  url->port);
	case EAI_MEMORY:
		return nlipc_fail(ep, -ENOMEM, "out of memory");
	case EAI_SYSTEM:
		return nlipc_fail(ep, -errno, "cannot resolve '%s'", url->host);
	}
	return nlipc_fail(ep, -EHOSTUNREACH, "cannot resolve '%s': %s",
			  url->host, gai_strerror(gai));
}

static int connect_fail(struct nlipc *ep, const struct addrinfo *ai,
			int tried, int err)
{
	char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?", where[300];

	getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), port,
		    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(where, sizeof(where), ai->ai_family == AF_INET6 ?
		 "[%s]:%s%s" : "%s:%s%s", host, port,
		 tried > 1 ? " (and the other addresses)" : "");
	switch (err) {
	case -ECONNREFUSED:
		return nlipc_fail(ep, err,
				  "connection refused by %s: is nlipcd running? (nlipcd --listen %s)",
				  where, ep->url);
	case -ETIMEDOUT:
		return nlipc_fail(ep, err, "no connection to %s within %d ms",
				  where, ep->timeout_ms);
	}
	return nlipc_fail(ep, err, "cannot connect to %s", where);
}

/*
 * Connect to each address in turn. Each try may use its share of the time
 * left, so one address that drops packets cannot starve the others.
 */
static int inet_open(struct nlipc *ep, const struct nlipc_url *url, int type)
{
	const struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = type,
	};
	struct addrinfo *res, *ai, *last = NULL;
	long long deadline, until, now;
	int n = 0, tried = 0;
	int fd = -1, err, one = 1;

	err = getaddrinfo(url->host, url->port, &hints, &res);
	if (err)
		return resolve_fail(ep, url, err);
	for (ai = res; ai; ai = ai->ai_next)
		n++;

	nlipc_deadline(ep->timeout_ms, &deadline);
	for (ai = res; ai; ai = ai->ai_next, n--) {
		fd = socket(ai->ai_family,
			    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			/* E.g. IPv6 disabled: not worth a word if v4 works. */
			err = -errno;
			continue;
		}
		last = ai;
		tried++;
		until = deadline;
		if (deadline >= 0) {
			now = nlipc_now_ms();
			until = now + (deadline - now) / n;
		}
		err = nlipc_sock_connect(fd, ai->ai_addr, ai->ai_addrlen,
					 until);
		if (!err)
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		if (last)
			connect_fail(ep, last, tried, err);
		else
			nlipc_fail(ep, err, "cannot create a socket for %s",
				   ep->url);
		freeaddrinfo(res);
		return err;
	}
	freeaddrinfo(res);

	/* Requests are small and waited for: never hold one back. */
	if (type == SOCK_STREAM)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return nlipc_sock_init(ep, fd);
}

static int tcp_open(struct nlipc *ep, const struct nlipc_url *url)
{
	return inet_open(ep, url, SOCK_STREAM);
}

static int udp_open(struct nlipc *ep, const struct nlipc_url *url)
{
	return inet_open(ep, url, SOCK_DGRAM);
}

const struct nlipc_transport nlipc_transport_tcp = {
	.scheme = "tcp",
	.open = tcp_open,
	.close = nlipc_sock_close,
	.resolve = nlipc_ctrl_resolve,
	.send = nlipc_sock_send_stream,
	.recv = nlipc_sock_recv_stream,
	.join = nlipc_ctrl_join,
};

const struct nlipc_transport nlipc_transport_udp = {
	.scheme = "udp",
	.flags = NLIPC_TP_LOSSY,
	.msg_max = NLIPC_BRIDGE_UDP_MAX,
	.open = udp_open,
	.close = nlipc_sock_close,
	.resolve = nlipc_ctrl_resolve,
	.send = nlipc_sock_send_dgram,
	.recv = nlipc_sock_recv_dgram,
	.join = nlipc_ctrl_join,
};
