// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Flow control for AF_UNIX dgram peers. A client that connect()s its
 * dgram socket to ours takes any number of our datagrams: the kernel only
 * limits the queue of a receiver that is not connected to the sender. Its
 * unread datagrams are charged to our one socket's send buffer, so one
 * subscriber that stops reading would soon block our answers to everyone.
 *
 * So each peer gets a budget of bytes handed to the kernel and perhaps not
 * yet read. What it has read we learn two ways: the socket's total unread
 * bytes (SIOCOUTQ) bound every peer's share, and sock_diag (unix_diag)
 * tells whose queue is empty. A peer at its budget waits, in our queue,
 * where the usual limits apply (overrun marker, backpressure).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <linux/unix_diag.h>

#include "client.h"
#include "kind.h"
#include "listen.h"
#include "loop.h"
#include "nlipcd.h"

/* Unread bytes a peer may have in the kernel; a datagram always fits. */
#define PEER_BUDGET	(128 * 1024)
/* unix_diag dumps every unix socket: not more often than this. */
#define DIAG_INTERVAL_MS	20
/* ... and to find gone peers, not more often than this. */
#define GONE_MIN_INTERVAL_MS	1000
/*
 * The socket all peers share: room for many answers, and for what each
 * peer may leave unread (root only; else SOCKET_BUF).
 */
#define SOCKET_BUF	(1024 * 1024)
#define SOCKET_SNDBUF_PEERS	(32 * 1024 * 1024)

static bool dgram_may_send(const struct nlipcd_client *c, size_t len)
{
	return !c->kernel_bytes || c->kernel_bytes + len <= PEER_BUDGET;
}

static void dgram_sent(struct nlipcd_client *c, size_t len)
{
	c->kernel_bytes += len;
}

static void lower_to(struct nlipcd *d, struct nlipcd_listener *lis,
		     size_t total)
{
	struct nlipcd_list *l;

	for (l = d->clients.next; l != &d->clients; l = l->next) {
		struct nlipcd_client *c = nlipcd_client_of(l);

		if (c->lis == lis && c->kernel_bytes > total)
			c->kernel_bytes = total;
	}
}

static struct nlipcd_client *peer_named(struct nlipcd *d,
					struct nlipcd_listener *lis,
					const void *name, size_t len)
{
	struct nlipcd_list *l;

	for (l = d->clients.next; l != &d->clients; l = l->next) {
		struct nlipcd_client *c = nlipcd_client_of(l);
		const struct sockaddr_un *sun = (const void *)&c->who.addr;
		size_t clen = c->who.addrlen -
			      offsetof(struct sockaddr_un, sun_path);

		if (c->lis != lis)
			continue;
		/* Paths may or may not count their NUL; abstract names not. */
		while (clen && sun->sun_path[0] && !sun->sun_path[clen - 1])
			clen--;
		if (clen == len && !memcmp(sun->sun_path, name, len))
			return c;
	}
	return NULL;
}

/* A socket unix_diag told us about: its name, peer and first queued skb. */
struct diag_sock {
	const void *name;
	size_t name_len;
	uint32_t peer;
	bool have_rqlen;
	uint32_t rqueue;
};

static bool diag_parse(const struct nlmsghdr *nlh, struct diag_sock *ds)
{
	const struct unix_diag_msg *m = NLMSG_DATA(nlh);
	const struct nlattr *a = (const void *)(m + 1);
	int left = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*m));

	memset(ds, 0, sizeof(*ds));
	if (m->udiag_type != SOCK_DGRAM)
		return false;
	for (; left >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       a->nla_len <= left;
	     left -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		const void *p = (const char *)a + NLA_HDRLEN;

		switch (a->nla_type) {
		case UNIX_DIAG_NAME:
			ds->name = p;
			ds->name_len = a->nla_len - NLA_HDRLEN;
			/* A path counts its NUL: trimmed, as peer_named() does. */
			while (ds->name_len && *(const char *)p &&
			       !((const char *)p)[ds->name_len - 1])
				ds->name_len--;
			break;
		case UNIX_DIAG_PEER:
			if (a->nla_len >= NLA_HDRLEN + 4)
				memcpy(&ds->peer, p, 4);
			break;
		case UNIX_DIAG_RQLEN:
			if (a->nla_len >= NLA_HDRLEN + sizeof(struct unix_diag_rqlen)) {
				ds->have_rqlen = true;
				ds->rqueue = ((const struct unix_diag_rqlen *)p)->udiag_rqueue;
			}
			break;
		}
	}
	return ds->name != NULL;
}

/* "Nothing queued" is news: a dgram socket's rqueue is its first skb. */
static void note_empty(struct nlipcd *d, const struct diag_sock *ds)
{
	struct nlipcd_listener *lis;

	if (!ds->have_rqlen || ds->rqueue)
		return;
	for (lis = d->listeners; lis; lis = lis->next) {
		struct nlipcd_client *c;

		if (lis->ops != &nlipcd_kind_dgram || lis->sock_ino != ds->peer)
			continue;
		c = peer_named(d, lis, ds->name, ds->name_len);
		if (c)
			c->kernel_bytes = 0;
	}
}

/* The peer still has a socket by that name. */
static void note_alive(struct nlipcd *d, const struct diag_sock *ds)
{
	struct nlipcd_listener *lis;

	for (lis = d->listeners; lis; lis = lis->next) {
		struct nlipcd_client *c;

		if (lis->ops != &nlipcd_kind_dgram)
			continue;
		c = peer_named(d, lis, ds->name, ds->name_len);
		if (c)
			c->seen = d->diag_round;
	}
}

/*
 * sock_diag refused the dump: ENOENT when unix_diag is neither built in
 * nor loaded, as where nothing loads modules on request. Said once.
 */
static void diag_failed(struct nlipcd *d, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);

	if (d->diag_warned || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return;
	d->diag_warned = true;
	nlipcd_warn("sock_diag cannot list AF_UNIX sockets (%s: is the unix_diag module loaded?): unix+dgram peers are paced by the socket's totals only, so one that stops reading holds up the others' answers, and peers whose socket is gone are forgotten only when idle",
		    strerror(-e->error));
}

/* Every AF_UNIX dgram socket through @fn; false if sock_diag failed. */
static bool diag_dump(struct nlipcd *d,
		      void (*fn)(struct nlipcd *d, const struct diag_sock *ds))
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {
		.nlh = {
			.nlmsg_len = sizeof(msg),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.req = {
			.sdiag_family = AF_UNIX,
			/* Dgram sockets: connected, or not. */
			.udiag_states = 1 << 1 | 1 << 7,
			.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER |
				      UDIAG_SHOW_RQLEN,
			.udiag_cookie = { ~0u, ~0u },
		},
	};
	static unsigned char buf[32768];
	const struct nlmsghdr *nlh;
	ssize_t n;
	int left;

	if (d->diag_fd == -1) {
		d->diag_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
				    NETLINK_SOCK_DIAG);
		if (d->diag_fd < 0) {
			nlipcd_warn("no sock_diag (%s): unix+dgram peers are paced by the socket's totals only",
				    strerror(errno));
			d->diag_fd = -2;
			d->diag_warned = true;
		}
	}
	if (d->diag_fd < 0)
		return false;
	if (send(d->diag_fd, &msg, sizeof(msg), 0) < 0)
		return false;
	/* A kernel dump: each recv() makes the next round, never waits. */
	for (;;) {
		n = recv(d->diag_fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			return false;
		left = n;
		for (nlh = (const void *)buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			struct diag_sock ds;

			if (nlh->nlmsg_type == NLMSG_DONE)
				return true;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				diag_failed(d, nlh);
				return false;
			}
			if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
			    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct unix_diag_msg)) &&
			    diag_parse(nlh, &ds))
				fn(d, &ds);
		}
	}
}

static void listener_inodes(struct nlipcd *d)
{
	struct nlipcd_listener *lis;
	struct stat st;

	for (lis = d->listeners; lis; lis = lis->next)
		if (lis->ops == &nlipcd_kind_dgram && !lis->sock_ino &&
		    !fstat(lis->w.fd, &st))
			lis->sock_ino = st.st_ino;
}

/*
 * Peers of our AF_UNIX dgram sockets whose socket is gone: nothing told
 * us, as no connection ended. Forgotten, so they count against no limit.
 * A walk of every AF_UNIX dgram socket of the namespace, so at most once
 * a second, however many newcomers find the limit reached. Returns how
 * many.
 */
unsigned int nlipcd_dgram_reap_gone(struct nlipcd *d)
{
	struct nlipcd_list *l, *next;
	uint64_t now = nlipcd_now_ms();
	unsigned int n = 0;

	if (d->last_gone_ms && now - d->last_gone_ms < GONE_MIN_INTERVAL_MS)
		return 0;
	d->last_gone_ms = now;
	d->diag_round++;
	if (!diag_dump(d, note_alive))
		return 0;
	for (l = d->clients.next; l != &d->clients; l = next) {
		struct nlipcd_client *c = nlipcd_client_of(l);

		next = l->next;
		if (c->ops != &nlipcd_kind_dgram || c->seen == d->diag_round ||
		    c->closing)
			continue;
		c->dead = true;
		nlipcd_client_close(c, NULL);
		n++;
	}
	return n;
}

/* Peers are waiting for budget: learn what they read. */
void nlipcd_dgram_refresh(struct nlipcd *d, uint64_t now)
{
	struct nlipcd_listener *lis;
	int outq;

	listener_inodes(d);
	for (lis = d->listeners; lis; lis = lis->next)
		if (lis->ops == &nlipcd_kind_dgram &&
		    !ioctl(lis->w.fd, SIOCOUTQ, &outq) && outq >= 0)
			lower_to(d, lis, outq);
	/* Less often while the blocked peers do not move (client.c). */
	if (now - d->last_diag_ms >= DIAG_INTERVAL_MS &&
	    now - d->last_diag_ms >= d->retry_ms) {
		d->last_diag_ms = now;
		diag_dump(d, note_empty);
	}
}

void nlipcd_dgram_uninit(struct nlipcd *d)
{
	if (d->diag_fd >= 0)
		close(d->diag_fd);
	d->diag_fd = -1;
}

/* A newcomer finds the limits reached: forget peers whose socket is gone. */
static void dgram_make_room(struct nlipcd *d, struct nlipcd_listener *lis,
			    const struct sockaddr_storage *same, uint64_t spare)
{
	if (nlipcd_dgram_reap_gone(d))
		nlipcd_client_reap(d);
}

static void dgram_listen(int fd)
{
	int val = SOCKET_BUF, big = SOCKET_SNDBUF_PEERS;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &val, sizeof(val));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
	/* The sender's credentials with every datagram. */
	val = 1;
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &val, sizeof(val));
}

const struct nlipcd_kind_ops nlipcd_kind_dgram = {
	.peer = true,
	.listen = dgram_listen,
	.ready = nlipcd_client_datagram,
	.make_room = dgram_make_room,
	.reap_gone = nlipcd_dgram_reap_gone,
	.take = nlipcd_client_take_pending,
	.flush = nlipcd_client_flush_datagrams,
	.may_send = dgram_may_send,
	.sent = dgram_sent,
};
