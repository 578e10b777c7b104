// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tcp:// and udp://: nlipcd over IPv4 or IPv6. The host and port go
 * through getaddrinfo(), so names, [v6] literals and service names all
 * work, and each address it gives is tried in turn until one resolves
 * the family, so open() does what resolve() does elsewhere. Over UDP the
 * core resends requests (NLIPC_TP_LOSSY) and the daemon answers repeats
 * from its cache.
 */
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "../internal.h"
#include "../bridge.h"
#include "sock.h"

/*
 * A minimal root (debootstrap minbase, most container images) has no
 * /etc/services until netbase is installed: no service name resolves.
 */
static bool no_services(const char *port)
{
	struct stat st;

	if (!port[strspn(port, "0123456789")])
		return false;
	return stat(_PATH_SERVICES, &st) || !st.st_size;
}

static int resolve_fail(struct nlipc *ep, const struct nlipc_url *url,
			int gai)
{
	switch (gai) {
	case EAI_SERVICE:
		if (no_services(url->port))
			return nlipc_fail(ep, -EINVAL,
					  "unknown service '%s' (no services database: install netbase)",
					  url->port);
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

/*
 * Errors that mean nothing there speaks for nlipcd, so the next address
 * may. Any other (no such family, the other byte order, a malformed
 * reply, no memory) is an answer, or our own trouble, and final.
 */
static bool unanswered(int err)
{
	switch (err) {
	case -ECONNREFUSED:
	case -ECONNRESET:
	case -EPIPE:
	case -ETIMEDOUT:
	case -EHOSTUNREACH:
	case -ENETUNREACH:
	case -EHOSTDOWN:
	case -ENETDOWN:
	case -EADDRNOTAVAIL:
	case -EAFNOSUPPORT:
		return true;
	}
	return false;
}

/* The addresses tried so far and what each did, for the error message. */
struct tried {
	char list[200];
	size_t len;
};

static void tried_add(struct tried *t, const struct addrinfo *ai, int err,
		      long long share_ms)
{
	char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?", why[64];
	bool v6 = ai->ai_family == AF_INET6;

	getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), port,
		    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	if (err == -ECONNREFUSED)
		snprintf(why, sizeof(why), "refused");
	else if (err == -ETIMEDOUT && share_ms >= 0)
		snprintf(why, sizeof(why), "silent for %lld ms", share_ms);
	else
		snprintf(why, sizeof(why), "%s", strerror(-err));
	if (t->len < sizeof(t->list))
		t->len += snprintf(t->list + t->len, sizeof(t->list) - t->len,
				   "%s%s%s%s:%s (%s)", t->len ? ", " : "",
				   v6 ? "[" : "", host, v6 ? "]" : "", port,
				   why);
}

/*
 * Connect to one address, set the connection up (@setup: the TLS
 * handshake) and resolve the family through it, all by @until. On
 * failure nothing stays open.
 */
static int inet_try(struct nlipc *ep, const struct nlipc_url *url,
		    const struct addrinfo *ai, nlipc_inet_setup_fn setup,
		    long long until)
{
	int timeout_ms = ep->timeout_ms;
	int fd, err, one = 1;
	long long left;

	fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -errno;
	err = nlipc_sock_connect(fd, ai->ai_addr, ai->ai_addrlen, until);
	if (err) {
		close(fd);
		return err;
	}
	/* Requests are small and waited for: never hold one back. */
	if (ai->ai_socktype == SOCK_STREAM)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	err = nlipc_sock_init(ep, fd);
	if (err)
		return err;
	err = setup ? setup(ep, url, until) : 0;
	if (err) {
		nlipc_sock_close(ep);
		return err;
	}
	/* Another address, another path: what the last one taught is moot. */
	nlipc_rtt_init(&ep->rtt);

	/* The core bounds a call by the endpoint's timeout: lend it ours. */
	if (until >= 0) {
		left = until - nlipc_now_ms();
		ep->timeout_ms = left > 0 ? left : 0;
	}
	err = nlipc_ctrl_resolve(ep);
	ep->timeout_ms = timeout_ms;
	if (err)
		nlipc_sock_close(ep);
	return err;
}

/*
 * An address counts when it answers the first exchange, not when
 * connect() returns: on a datagram socket that proves nothing, so a
 * refusing ::1 before a 127.0.0.1 that answers would win. A refusal
 * moves on at once; silence after the address's share of the time left,
 * so one that drops packets cannot starve the others. @setup, if not
 * NULL, runs on each connection before the first exchange (sock.h).
 */
int nlipc_inet_open(struct nlipc *ep, const struct nlipc_url *url, int type,
		    nlipc_inet_setup_fn setup)
{
	const struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = type,
	};
	struct tried tried = { .len = 0 };
	long long deadline, until, now;
	struct addrinfo *res, *ai;
	int n = 0, err;

	err = getaddrinfo(url->host, url->port, &hints, &res);
	if (err)
		return resolve_fail(ep, url, err);
	for (ai = res; ai; ai = ai->ai_next)
		n++;

	nlipc_deadline(ep->timeout_ms, &deadline);
	for (ai = res; ai; ai = ai->ai_next, n--) {
		now = nlipc_now_ms();
		until = deadline < 0 ? -1 : now + (deadline - now) / n;
		err = inet_try(ep, url, ai, setup, until);
		if (!err || !unanswered(err))
			break;
		tried_add(&tried, ai, err, until < 0 ? -1 : until - now);
	}
	freeaddrinfo(res);
	if (err && unanswered(err))
		nlipc_fail(ep, err,
			   "nothing answers at %s: is nlipcd running? (nlipcd --listen %s)",
			   tried.list, ep->url);
	return err;
}

static int tcp_open(struct nlipc *ep, const struct nlipc_url *url)
{
	return nlipc_inet_open(ep, url, SOCK_STREAM, NULL);
}

static int udp_open(struct nlipc *ep, const struct nlipc_url *url)
{
	return nlipc_inet_open(ep, url, SOCK_DGRAM, NULL);
}

/*
 * A UDP request goes out padded by an NLMSG_NOOP message to
 * NLIPC_BRIDGE_UDP_PAD bytes: nlipcd answers no more than a few times
 * what it received (bridge.h), and most answers are larger than their
 * request.
 */
static int udp_send(struct nlipc *ep, const void *buf, size_t len)
{
	return nlipc_sock_send_padded(ep, buf, len, NLIPC_BRIDGE_UDP_PAD);
}

static ssize_t udp_send_each(struct nlipc *ep, const void *buf, size_t len)
{
	return nlipc_sock_send_each(ep, buf, len, NLIPC_BRIDGE_UDP_PAD);
}

const struct nlipc_transport nlipc_transport_tcp = {
	.scheme = "tcp",
	.open = tcp_open,
	.close = nlipc_sock_close,
	.send = nlipc_sock_send_stream,
	.recv = nlipc_sock_recv_stream,
	.join = nlipc_ctrl_join,
	.join_id = nlipc_ctrl_join_id,
};

const struct nlipc_transport nlipc_transport_udp = {
	.scheme = "udp",
	.flags = NLIPC_TP_LOSSY,
	.msg_max = NLIPC_BRIDGE_UDP_MAX,
	.dgram_max = NLIPC_BRIDGE_UDP_MAX,
	.open = udp_open,
	.close = nlipc_sock_close,
	.send = udp_send,
	.send_each = udp_send_each,
	.recv = nlipc_sock_recv_dgram,
	.join = nlipc_ctrl_join,
	.join_id = nlipc_ctrl_join_id,
};
