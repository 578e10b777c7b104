// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hostile clients, on every URL: frames over the size limit, truncated
 * ones, random bytes, attributes of random shape, lengths below a header,
 * the other byte order, connect/close storms, datagram peers that vanish,
 * dumps and pipelines abandoned unread. Alongside them, held open for the
 * whole phase: half-sent frames, subscribers that never read, a pipeline
 * that never reads its answers; and, in waves, idle connections opened
 * until nlipcd refuses one.
 *
 * None of this checks nlipcd's answers: what it must survive is measured
 * by the well-behaved clients, by nlipcd staying alive and by its memory
 * and file descriptors afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <byteswap.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "bridge.h"
#include "load.h"
#include "url.h"

#define MAX_HELD	1024
#define FLOOD_MAX	200	/* connections per flood if none refused */

enum kind { K_STREAM, K_SEQPACKET, K_DGRAM, K_UDP };

struct target {
	const char *url;
	enum kind kind;
	int family, type;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	uint16_t fam;		/* the nlipc family's id there */
	int dfd;		/* datagram kinds: a socket kept for junk */
	struct stress_abuse *a;
	pthread_t thread;
	unsigned int rng;
	uint64_t hostile;
};

struct stress_abuse {
	struct stress_run *run;
	struct target *t;
	int n;
	pthread_t holder;
	pthread_mutex_t lock;
	int held[MAX_HELD];	/* sockets held open until the end */
	int n_held;
	struct nlipc *subs[64];	/* subscribers that never read */
	int n_subs;
	uint64_t hostile;	/* the holder's */
	uint64_t refused;	/* connections nlipcd refused at its limits */
};

/* ------------------------------------------------------------------ */
/* Sockets                                                             */
/* ------------------------------------------------------------------ */

static int resolve(struct target *t)
{
	struct nlipc_url u;
	struct addrinfo hints = { 0 }, *res;
	char err[256];

	if (nlipc_url_parse(&u, t->url, err, sizeof(err)))
		return -EINVAL;
	if (!strcmp(u.scheme, "unix") || !strcmp(u.scheme, "unix+stream"))
		t->kind = K_STREAM;
	else if (!strcmp(u.scheme, "unix+seqpacket"))
		t->kind = K_SEQPACKET;
	else if (!strcmp(u.scheme, "unix+dgram"))
		t->kind = K_DGRAM;
	else if (!strcmp(u.scheme, "tcp"))
		t->kind = K_STREAM;
	else if (!strcmp(u.scheme, "udp"))
		t->kind = K_UDP;
	else
		return -EPROTONOSUPPORT;
	t->type = t->kind == K_STREAM ? SOCK_STREAM :
		  t->kind == K_SEQPACKET ? SOCK_SEQPACKET : SOCK_DGRAM;
	if (u.path[0]) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&t->addr;
		size_t len = strlen(u.path);

		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, u.path, len);
		if (u.path[0] == '@')
			sun->sun_path[0] = '\0';
		t->addrlen = offsetof(struct sockaddr_un, sun_path) + len +
			     (u.path[0] != '@');
		t->family = AF_UNIX;
		return 0;
	}
	hints.ai_socktype = t->type;
	if (getaddrinfo(u.host, u.port, &hints, &res))
		return -EHOSTUNREACH;
	memcpy(&t->addr, res->ai_addr, res->ai_addrlen);
	t->addrlen = res->ai_addrlen;
	t->family = res->ai_family;
	freeaddrinfo(res);
	return 0;
}

/*
 * A socket connected to the target (datagram kinds too, so answers come
 * back to it), with short timeouts: an abuser never waits long.
 */
static int raw_open(const struct target *t, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, timeout_ms % 1000 * 1000 };
	sa_family_t autobind = AF_UNIX;
	int fd, big = 1024 * 1024;

	fd = socket(t->family, t->type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (t->kind != K_STREAM &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	/* An AF_UNIX dgram peer needs an address to be answered at. */
	if (t->kind == K_DGRAM &&
	    bind(fd, (struct sockaddr *)&autobind, sizeof(autobind)) < 0)
		goto err_close;
	if (connect(fd, (const struct sockaddr *)&t->addr, t->addrlen) < 0)
		goto err_close;
	return fd;

err_close:
	{
		int err = -errno;

		close(fd);
		return err;
	}
}

/* Where answers nobody looks at go, one per abuser thread. */
static __thread char sink[64 * 1024];

static void drain(int fd)
{
	while (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
		;
}

/* Wait up to @ms for an answer, and take it; false on nothing or EOF. */
static bool read_some(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return false;
	return recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0;
}

static ssize_t send_all(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, MSG_NOSIGNAL);
}

/* One datagram on the target's shared socket, its answer dropped. */
static unsigned int dgram_once(struct target *t, const void *buf, size_t len)
{
	send(t->dfd, buf, len, MSG_DONTWAIT);
	drain(t->dfd);
	return 1;
}

/* Bytes on a connection of their own, an answer awaited @ms, closed. */
static unsigned int conn_once(struct target *t, const void *buf, size_t len,
			      int ms)
{
	int fd = raw_open(t, 300);

	if (fd < 0)
		return 0;
	send_all(fd, buf, len);
	read_some(fd, ms);
	close(fd);
	return 1;
}

static void hold(struct stress_abuse *a, int fd)
{
	pthread_mutex_lock(&a->lock);
	if (a->n_held < MAX_HELD)
		a->held[a->n_held++] = fd;
	else
		close(fd);
	pthread_mutex_unlock(&a->lock);
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

static struct nlmsghdr *genl_start(void *buf, uint16_t type, uint16_t flags,
				   uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = 1;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* A ping asking for @reply_size bytes back. */
static size_t ping_msg(const struct target *t, void *buf, uint32_t reply_size)
{
	struct nlmsghdr *nlh = genl_start(buf, t->fam, NLM_F_ACK,
					  NLIPC_CMD_PING, NLIPC_FAMILY_VERSION);

	if (reply_size)
		mnl_attr_put_u32(nlh, NLIPC_A_PING_REPLY_SIZE, reply_size);
	return nlh->nlmsg_len;
}

/*
 * A genetlink header with a random command and version, then attributes
 * of random type and length, some lying about their size, some nested.
 * Keys it might write never start with "stress/": those are the clients'.
 */
static size_t junk_attrs_msg(struct target *t, unsigned char *buf, size_t cap)
{
	unsigned int r = stress_rand(&t->rng);
	uint16_t type = r & 1 ? t->fam : (r & 2 ? GENL_ID_CTRL : r >> 16);
	uint16_t flags = (r >> 4 & 1 ? NLM_F_ACK : 0) |
			 (r >> 5 & 1 ? NLM_F_DUMP : 0);
	struct nlmsghdr *nlh = genl_start(buf, type, flags, r >> 8 & 15,
					  r >> 12 & 3);
	unsigned int n = stress_rand(&t->rng) % 12, i;

	for (i = 0; i < n; i++) {
		unsigned int s = stress_rand(&t->rng);
		size_t len = s % 96;
		struct nlattr *a;

		if (nlh->nlmsg_len + NLA_HDRLEN + len + 8 > cap)
			break;
		a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
		a->nla_type = (s >> 8 & 7) | (s >> 11 & 1 ? NLA_F_NESTED : 0);
		a->nla_len = NLA_HDRLEN + len;
		memset(a + 1, 'a' + s % 26, len);
		if (len >= 4 && s >> 12 & 1)	/* a lying nest inside */
			((struct nlattr *)(a + 1))->nla_len = s >> 16;
		if (s >> 20 & 1)		/* this one lies */
			a->nla_len = s >> 16;
		nlh->nlmsg_len += NLA_ALIGN(NLA_HDRLEN + len);
	}
	return nlh->nlmsg_len;
}

/* ------------------------------------------------------------------ */
/* Hostile acts: each returns the inputs it sent                       */
/* ------------------------------------------------------------------ */

/* A frame or datagram larger than nlipcd takes. */
static unsigned int act_oversize(struct target *t)
{
	static __thread unsigned char buf[200 * 1024];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t len = sizeof(buf);

	/* A reply that cannot fit a datagram: refused, said why. */
	if (t->kind == K_UDP)
		return dgram_once(t, buf,
				  ping_msg(t, buf, NLIPC_PING_MAX_PAYLOAD));
	genl_start(buf, t->fam, NLM_F_ACK, NLIPC_CMD_PING, 1);
	if (t->kind == K_STREAM) {
		nlh->nlmsg_len = 1 << 20;	/* sent: the first 64 KiB */
		len = 64 * 1024;
	} else {
		nlh->nlmsg_len = len;
	}
	return conn_once(t, buf, len, 100);
}

/* A frame cut short: the stream then closed, or a datagram that lies. */
static unsigned int act_truncated(struct target *t)
{
	unsigned char buf[512];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t len = ping_msg(t, buf, 0);
	int fd;

	memset(buf + len, 0, sizeof(buf) - len);
	nlh->nlmsg_len = sizeof(buf);
	if (t->kind == K_DGRAM || t->kind == K_UDP)
		return dgram_once(t, buf, 100);
	fd = raw_open(t, 300);
	if (fd < 0)
		return 0;
	send_all(fd, buf, 100);
	if (stress_rand(&t->rng) & 1)
		shutdown(fd, SHUT_WR);	/* half-closed: no more comes */
	read_some(fd, 20);
	close(fd);
	return 1;
}

static unsigned int act_random(struct target *t)
{
	unsigned char buf[2048];
	size_t len = 1 + stress_rand(&t->rng) % sizeof(buf), i;

	for (i = 0; i < len; i++)
		buf[i] = stress_rand(&t->rng);
	if (t->kind == K_DGRAM || t->kind == K_UDP)
		return dgram_once(t, buf, len);
	return conn_once(t, buf, len, 10);
}

/* Well-framed messages with attributes of random shape, several a time. */
static unsigned int act_badattr(struct target *t)
{
	unsigned char buf[4096];
	unsigned int n = 1 + stress_rand(&t->rng) % 8, i;
	size_t len;
	int fd = t->dfd;

	if (t->kind == K_STREAM || t->kind == K_SEQPACKET) {
		fd = raw_open(t, 300);
		if (fd < 0)
			return 0;
	}
	for (i = 0; i < n; i++) {
		len = junk_attrs_msg(t, buf, sizeof(buf));
		send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		drain(fd);
	}
	if (fd != t->dfd) {
		read_some(fd, 10);
		close(fd);
	}
	return n;
}

/* A length below a netlink header, or a datagram shorter than one. */
static unsigned int act_short(struct target *t)
{
	unsigned char buf[NLMSG_HDRLEN] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

	nlh->nlmsg_len = stress_rand(&t->rng) % NLMSG_HDRLEN;
	nlh->nlmsg_type = t->fam;
	if (t->kind == K_DGRAM || t->kind == K_UDP)
		return dgram_once(t, buf,
				  1 + stress_rand(&t->rng) % (NLMSG_HDRLEN - 1));
	return conn_once(t, buf, sizeof(buf), 20);
}

/* The other byte order, as a peer's first message. */
static unsigned int act_swapped(struct target *t)
{
	unsigned char buf[64];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t len = ping_msg(t, buf, 0);

	nlh->nlmsg_len = bswap_32(nlh->nlmsg_len);
	nlh->nlmsg_type = bswap_16(nlh->nlmsg_type);
	nlh->nlmsg_flags = bswap_16(nlh->nlmsg_flags);
	return conn_once(t, buf, len, 20);
}

/* Connect and close at once, many times; TCP ones sometimes reset. */
static unsigned int act_storm(struct target *t)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	unsigned char buf[64];
	unsigned int i, n = 0;
	size_t len;
	int fd;

	for (i = 0; i < 16; i++) {
		fd = raw_open(t, 300);
		if (fd < 0)
			continue;
		n++;
		/* Datagram peers: one request, then gone without reading. */
		if (t->kind == K_DGRAM || t->kind == K_UDP) {
			len = ping_msg(t, buf, 0);
			send(fd, buf, len, MSG_DONTWAIT);
		} else if (t->family != AF_UNIX && stress_rand(&t->rng) & 1) {
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst,
				   sizeof(rst));
		}
		close(fd);
	}
	return n;
}

/* Requests with big answers, or a dump, then gone without reading. */
static unsigned int act_abandon(struct target *t)
{
	unsigned char buf[64];
	unsigned int i, n = 1 + stress_rand(&t->rng) % 32;
	size_t len;
	int fd;

	if (t->kind == K_DGRAM || t->kind == K_UDP)
		return act_storm(t);
	fd = raw_open(t, 300);
	if (fd < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (i == 0 && stress_rand(&t->rng) & 1)
			len = genl_start(buf, t->fam, NLM_F_DUMP,
					 NLIPC_CMD_KV_GET, 1)->nlmsg_len;
		else
			len = ping_msg(t, buf, 60000);
		if (send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			break;
	}
	close(fd);
	return i;
}

/* AF_UNIX dgram from an unbound socket: nlipcd has nowhere to answer. */
static unsigned int act_unbound(struct target *t)
{
	unsigned char buf[64];
	size_t len = ping_msg(t, buf, 0);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 0;
	sendto(fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)&t->addr,
	       t->addrlen);
	close(fd);
	return 1;
}

static unsigned int (*const acts[])(struct target *t) = {
	act_oversize, act_truncated, act_random, act_badattr, act_short,
	act_swapped, act_storm, act_abandon, act_unbound,
};

static void *abuser_main(void *arg)
{
	struct target *t = arg;
	struct stress_run *run = t->a->run;
	unsigned int i, pause = run->abuse_pause_us;

	while (!atomic_load(&run->abuse_stop)) {
		i = stress_rand(&t->rng) % (sizeof(acts) / sizeof(acts[0]));
		if (acts[i] == act_unbound && t->kind != K_DGRAM)
			continue;
		t->hostile += acts[i](t);
		/* 0.4 to 1.6 times the mean: no lockstep between them. */
		stress_sleep_us(pause * 2 / 5 +
				stress_rand(&t->rng) % (pause * 6 / 5 + 1));
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Held for the whole phase, and floods in waves                       */
/* ------------------------------------------------------------------ */

/* Half a frame, then silence: nlipcd must not wait for the rest. */
static void hold_half_frames(struct stress_abuse *a, struct target *t)
{
	unsigned char buf[1024] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int i, fd;

	for (i = 0; i < 4; i++) {
		fd = raw_open(t, 300);
		if (fd < 0)
			continue;
		ping_msg(t, buf, 0);
		nlh->nlmsg_len = sizeof(buf);
		send_all(fd, buf, i & 1 ? 10 : 100);
		hold(a, fd);
		a->hostile++;
	}
}

/* Ask for big answers until nlipcd stops reading us; never read them. */
static void hold_pipeline(struct stress_abuse *a, struct target *t)
{
	unsigned char buf[64];
	size_t len = ping_msg(t, buf, 60000);
	int fd = raw_open(t, 300), i;

	if (fd < 0)
		return;
	for (i = 0; i < 256; i++) {
		if (send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			break;
		a->hostile++;
	}
	hold(a, fd);
}

/* Subscribers that never read: their queues fill, then overrun. */
static void hold_slow_subscribers(struct stress_abuse *a, struct target *t)
{
	struct nlipc_error e;
	struct nlipc *ep;
	int i;

	for (i = 0; i < 2 && a->n_subs < 64; i++) {
		if (nlipc_open_timeout(&ep, t->url, 2000, &e))
			continue;
		if (nlipc_subscribe(ep, NLIPC_MCGRP_EVENTS) ||
		    nlipc_subscribe(ep, NLIPC_MCGRP_BUS)) {
			nlipc_close(ep);
			continue;
		}
		a->subs[a->n_subs++] = ep;
		a->hostile++;
	}
}

/*
 * Idle connections until nlipcd refuses one (its per-uid or per-address
 * limit): each is used once, so it is a client and not a refused one.
 * Returns how many it opened; they are closed by the caller.
 */
static int flood(struct stress_abuse *a, struct target *t, int *fds, int max)
{
	unsigned char buf[64], ans[256];
	size_t len = ping_msg(t, buf, 0);
	struct nlmsgerr *err = NLMSG_DATA((struct nlmsghdr *)ans);
	int n = 0, fd;
	ssize_t r;

	while (n < max && !atomic_load(&a->run->abuse_stop)) {
		fd = raw_open(t, 1000);
		if (fd < 0)
			break;
		fds[n++] = fd;
		a->hostile++;
		if (send_all(fd, buf, len) < 0)
			break;
		/* The ping's answer, its ACK; or the refusal. */
		r = recv(fd, ans, sizeof(ans), 0);
		if (r < (ssize_t)NLMSG_HDRLEN)
			break;
		if (((struct nlmsghdr *)ans)->nlmsg_type == NLMSG_ERROR &&
		    err->error) {
			a->refused++;
			break;
		}
		drain(fd);
	}
	return n;
}

static void *holder_main(void *arg)
{
	struct stress_abuse *a = arg;
	static int fds[3 * FLOOD_MAX];
	bool unix_flooded;
	int i, n;

	for (i = 0; i < a->n; i++) {
		struct target *t = &a->t[i];

		if (t->kind == K_STREAM)
			hold_half_frames(a, t);
		if (t->kind == K_STREAM || t->kind == K_SEQPACKET)
			hold_pipeline(a, t);
		if (t->kind != K_UDP)
			hold_slow_subscribers(a, t);
	}
	/*
	 * Waves: fill the limits, hold a second, let go, rest two. AF_UNIX
	 * connections share one per-uid limit: one of them is enough.
	 */
	while (!atomic_load(&a->run->abuse_stop)) {
		n = 0;
		unix_flooded = false;
		for (i = 0; i < a->n; i++) {
			struct target *t = &a->t[i];

			if (t->kind != K_STREAM && t->kind != K_SEQPACKET)
				continue;
			if (t->family == AF_UNIX && unix_flooded)
				continue;
			unix_flooded |= t->family == AF_UNIX;
			n += flood(a, t, fds + n, FLOOD_MAX);
			if (n > 2 * FLOOD_MAX)
				break;
		}
		for (i = 0; i < 10 && !atomic_load(&a->run->abuse_stop); i++)
			stress_sleep_us(100000);
		while (n)
			close(fds[--n]);
		for (i = 0; i < 20 && !atomic_load(&a->run->abuse_stop); i++)
			stress_sleep_us(100000);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Start and stop                                                      */
/* ------------------------------------------------------------------ */

/**
 * stress_abuse_start - start the hostile clients on every URL of a run
 * @run: the run; its abuse_stop flag stops them
 *
 * Returns the abusers, or NULL if a URL could not be reached.
 */
struct stress_abuse *stress_abuse_start(struct stress_run *run)
{
	struct stress_abuse *a = calloc(1, sizeof(*a));
	struct nlipc_error e;
	struct nlipc *ep;
	int i;

	if (!a)
		return NULL;
	a->run = run;
	a->n = run->n_urls;
	a->t = calloc(a->n, sizeof(*a->t));
	pthread_mutex_init(&a->lock, NULL);
	atomic_store(&run->abuse_stop, false);
	for (i = 0; i < a->n; i++) {
		struct target *t = &a->t[i];

		t->a = a;
		t->url = run->urls[i];
		t->rng = (i + 17) * 2246822519u ^ (unsigned int)stress_now_us();
		t->dfd = -1;
		if (resolve(t) || nlipc_open_timeout(&ep, t->url, 2000, &e)) {
			fprintf(stderr, "stress-load: abuse: cannot reach %s\n",
				t->url);
			return NULL;
		}
		t->fam = nlipc_family_id(ep);
		nlipc_close(ep);
		if (t->kind == K_DGRAM || t->kind == K_UDP) {
			t->dfd = raw_open(t, 300);
			if (t->dfd < 0)
				return NULL;
		}
	}
	pthread_create(&a->holder, NULL, holder_main, a);
	for (i = 0; i < a->n; i++)
		pthread_create(&a->t[i].thread, NULL, abuser_main, &a->t[i]);
	return a;
}

/**
 * stress_abuse_stop - stop the hostile clients and close all they held
 * @a: the abusers
 * @refused: set to the connections nlipcd refused at its limits
 *
 * Returns the number of hostile inputs they sent.
 */
uint64_t stress_abuse_stop(struct stress_abuse *a, uint64_t *refused)
{
	uint64_t n;
	int i;

	atomic_store(&a->run->abuse_stop, true);
	pthread_join(a->holder, NULL);
	n = a->hostile;
	for (i = 0; i < a->n; i++) {
		pthread_join(a->t[i].thread, NULL);
		n += a->t[i].hostile;
		if (a->t[i].dfd >= 0)
			close(a->t[i].dfd);
	}
	while (a->n_held)
		close(a->held[--a->n_held]);
	while (a->n_subs)
		nlipc_close(a->subs[--a->n_subs]);
	*refused = a->refused;
	pthread_mutex_destroy(&a->lock);
	free(a->t);
	free(a);
	return n;
}
