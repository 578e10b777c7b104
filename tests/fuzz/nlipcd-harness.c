// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nlipcd fuzz targets' daemon, and the checks on what it sends. See
 * nlipcd-harness.h.
 */
#define _GNU_SOURCE		/* struct ucred */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <byteswap.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/nlipc.h>

#include "backend.h"
#include "nlipcd-harness.h"

/* Turns before the loop counts as busy for good. */
#define SETTLE_TURNS	1000
/* Sends refused in a row, our side read each time, before it is a wedge. */
#define SEND_STALLS	8
/* Fds a run may open: all of them must be closed at its end. */
#define RUN_FDS		64

/*
 * main.c's logging, without the output: every message is still formatted,
 * so its arguments are checked too. NLIPCD_FUZZ_LOG=1 prints them.
 */
int nlipcd_log_level = NLIPCD_LOG_DEBUG;

void nlipcd_log(int level, const char *fmt, ...)
{
	static int show = -1;
	char line[1024];
	va_list ap;

	if (level > nlipcd_log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (show < 0)
		show = !!getenv("NLIPCD_FUZZ_LOG");
	if (show)
		fprintf(stderr, "nlipcd: %s\n", line);
}

void harness_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("harness: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* Fds from the lowest free one up, open before a run: inherited ones. */
static int fd_floor;
static uint64_t fds_before;

static uint64_t open_fds(void)
{
	uint64_t mask = 0;
	int i;

	for (i = 0; i < RUN_FDS; i++)
		if (fcntl(fd_floor + i, F_GETFD) >= 0)
			mask |= 1ull << i;
	return mask;
}

static void fds_mark(void)
{
	fd_floor = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd_floor < 0)
		harness_fail("/dev/null: %s", strerror(errno));
	close(fd_floor);
	fds_before = open_fds();
}

void harness_start(struct nlipcd *d, bool tight)
{
	memset(d, 0, sizeof(*d));
	if (tight) {
		d->lim = (struct nlipcd_limits){
			.max_msg = 1024,
			.max_queue = 4096,
			.max_clients = 3,
			.max_per_uid = 2,
			.max_inflight = 2,
		};
		d->store = (struct nlipcd_store_limits){
			.ping_max_payload = 64,
			.kv_max_entries = 4,
			.kv_max_key_len = 8,
			.kv_max_value_len = 16,
			.kv_max_bytes = 64,
		};
	} else {
		d->lim = (struct nlipcd_limits){
			.max_msg = NLIPC_BRIDGE_MSG_MAX,
			.max_queue = 256 * 1024,
			.max_clients = 256,
			.max_per_uid = 64,
			.max_inflight = 16,
		};
		d->store = (struct nlipcd_store_limits){
			.ping_max_payload = NLIPC_PING_MAX_PAYLOAD,
			.kv_max_entries = 16384,
			.kv_max_key_len = NLIPC_KV_KEY_MAX_LEN,
			.kv_max_value_len = 4096,
			.kv_max_bytes = 16 << 20,
		};
	}
	/* --idle-timeout 0: a run is far shorter anyway. */
	d->lim.idle_ms = UINT32_MAX;
	d->socket_mode = 0660;
	d->socket_gid = (gid_t)-1;
	d->self_uid = getuid();
	d->backend = &nlipcd_backend_user;

	fds_mark();
	if (nlipcd_loop_init(d) || d->backend->init(d))
		harness_fail("cannot set the daemon up: %s", strerror(errno));
}

void harness_settle(struct nlipcd *d)
{
	int i, n;

	for (i = 0; i < SETTLE_TURNS; i++) {
		n = nlipcd_loop_turn(d, 0);
		if (n < 0)
			harness_fail("epoll_wait: %s", strerror(-n));
		if (!n && nlipcd_list_empty(&d->ready))
			return;
	}
	harness_fail("the loop is still busy after %d turns", SETTLE_TURNS);
}

void harness_stop(struct nlipcd *d)
{
	uint64_t left;
	unsigned int g;

	nlipcd_listen_close_all(d);
	nlipcd_client_free_all(d);
	d->backend->uninit(d);
	nlipcd_dgram_uninit(d);
	close(d->epfd);

	if (d->n_clients)
		harness_fail("%u clients left", d->n_clients);
	for (g = 0; g < NLIPCD_GRP_COUNT; g++)
		if (d->n_subscribed[g])
			harness_fail("%u subscribers of group %u left",
				     d->n_subscribed[g], g);
	/* Fds are handed out lowest first: the run's are from the floor up. */
	left = open_fds() & ~fds_before;
	if (left)
		harness_fail("fd %d left open", fd_floor + __builtin_ctzll(left));
}

/* ------------------------------------------------------------------ */
/* What peers read                                                     */
/* ------------------------------------------------------------------ */

void harness_peer_init(struct harness_peer *p, int fd, bool stream)
{
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->stream = stream;
	p->max_dgram = SIZE_MAX;
}

static bool len_ok(uint32_t len)
{
	return len >= NLMSG_HDRLEN && len <= NLIPC_BRIDGE_MSG_MAX &&
	       !(len % NLMSG_ALIGNTO);
}

/*
 * An error in the other byte order answers a client of the other
 * endianness (doc/bridge.md), and ends its talk: on a stream it is the
 * first message; a datagram peer may have had errors for datagrams too
 * short to tell, and may come back (as a new client).
 */
static bool swapped(const struct harness_peer *p, const struct nlmsghdr *nlh)
{
	return (!p->msgs || !p->stream) && !len_ok(nlh->nlmsg_len) &&
	       len_ok(bswap_32(nlh->nlmsg_len)) &&
	       bswap_16(nlh->nlmsg_type) == NLMSG_ERROR;
}

static uint32_t msg_len(const struct harness_peer *p,
			const struct nlmsghdr *nlh)
{
	uint32_t len = nlh->nlmsg_len;

	if (swapped(p, nlh))
		len = bswap_32(len);
	if (!len_ok(len))
		harness_fail("message %u: nlmsg_len %u", p->msgs, len);
	return len;
}

/* Attributes from @off to the end, as libmnl walks them. */
static void check_attrs(const struct harness_peer *p,
			const struct nlmsghdr *nlh, size_t off)
{
	const struct nlattr *a = (const void *)((const char *)nlh + off);
	int rem = (int)nlh->nlmsg_len - (int)off;

	while (mnl_attr_ok(a, rem)) {
		rem -= MNL_ALIGN(a->nla_len);
		a = mnl_attr_next(a);
	}
	if (rem)
		harness_fail("message %u (type %u): %d bytes of attributes malformed",
			     p->msgs, nlh->nlmsg_type, rem);
}

static void check_msg(struct harness_peer *p, const struct nlmsghdr *nlh)
{
	bool swap = swapped(p, nlh);
	uint32_t len = swap ? bswap_32(nlh->nlmsg_len) : nlh->nlmsg_len;
	uint32_t pid = swap ? bswap_32(nlh->nlmsg_pid) : nlh->nlmsg_pid;
	uint16_t type = swap ? bswap_16(nlh->nlmsg_type) : nlh->nlmsg_type;
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	int err;

	if (pid && !p->portid)
		p->portid = pid;
	else if (pid && pid != p->portid)
		harness_fail("message %u: port id %u, before %u", p->msgs, pid,
			     p->portid);
	switch (type) {
	case NLMSG_ERROR:
		if (len < NLMSG_LENGTH(sizeof(*e)))
			harness_fail("message %u: an error of %u bytes",
				     p->msgs, len);
		err = swap ? (int)bswap_32((uint32_t)e->error) : e->error;
		if (err > 0 || err <= -4096)
			harness_fail("message %u: error %d", p->msgs, err);
		if (!swap)
			check_attrs(p, nlh, NLMSG_LENGTH(sizeof(*e)));
		break;
	case NLMSG_DONE:
		if (len < NLMSG_LENGTH(sizeof(int)))
			harness_fail("message %u: NLMSG_DONE of %u bytes",
				     p->msgs, len);
		break;
	case GENL_ID_CTRL:
	case NLIPC_BRIDGE_FAMILY_ID:
		if (len < NLMSG_LENGTH(GENL_HDRLEN))
			harness_fail("message %u: %u bytes of genetlink",
				     p->msgs, len);
		check_attrs(p, nlh, NLMSG_LENGTH(GENL_HDRLEN));
		break;
	default:
		harness_fail("message %u: type %u", p->msgs, type);
	}
	if (swap)
		p->portid = 0;
	p->msgs++;
}

/* A datagram: whole messages back to back, nothing after. */
static void check_dgram(struct harness_peer *p, const unsigned char *buf,
			size_t n)
{
	size_t off = 0;
	uint32_t len;

	if (n > p->max_dgram)
		harness_fail("a datagram of %zu bytes", n);
	while (n - off >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const void *)(buf + off);

		len = msg_len(p, nlh);
		if (len > n - off)
			harness_fail("message %u: %u bytes in a datagram's last %zu",
				     p->msgs, len, n - off);
		check_msg(p, nlh);
		off += len;
	}
	if (off != n)
		harness_fail("%zu bytes after a datagram's last message",
			     n - off);
}

/* Stream bytes: messages are checked as they become whole. */
static void check_stream(struct harness_peer *p, const unsigned char *buf,
			 size_t n)
{
	size_t off = 0;
	uint32_t len;

	if (p->len + n > p->cap) {
		p->cap = p->len + n;
		p->buf = realloc(p->buf, p->cap);
		if (!p->buf)
			harness_fail("out of memory");
	}
	memcpy(p->buf + p->len, buf, n);
	p->len += n;
	while (p->len - off >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const void *)(p->buf + off);

		len = msg_len(p, nlh);
		if (len > p->len - off)
			break;
		check_msg(p, nlh);
		off += len;
	}
	memmove(p->buf, p->buf + off, p->len - off);
	p->len -= off;
}

size_t harness_peer_drain(struct harness_peer *p)
{
	static unsigned char buf[256 * 1024];
	size_t total = 0;
	ssize_t n;

	while (p->fd >= 0 && !p->eof) {
		n = recv(p->fd, buf, sizeof(buf),
			 MSG_DONTWAIT | (p->stream ? 0 : MSG_TRUNC));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == ECONNREFUSED))
			break;		/* UDP: ICMP for an earlier datagram */
		if (n < 0 && errno == ECONNRESET) {
			/* It closed with our bytes unread: what it sent is read. */
			p->eof = true;
			break;
		}
		if (n < 0)
			harness_fail("recv: %s", strerror(errno));
		if (!n && p->stream) {
			p->eof = true;
			break;
		}
		if ((size_t)n > sizeof(buf))
			harness_fail("a datagram of %zd bytes", n);
		if (p->stream)
			check_stream(p, buf, n);
		else if (n)
			check_dgram(p, buf, n);
		else
			p->eof = true;	/* seqpacket: no datagram is empty */
		total += n;
	}
	return total;
}

/* Someone else's credentials: root may, others get EPERM. */
static ssize_t send_as_nobody(int fd, const void *data, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} cbuf = { 0 };		/* its padding goes to the kernel too */
	struct ucred cred = { .pid = getpid(), .uid = 65534, .gid = getgid() };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.buf,
		.msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(cm), &cred, sizeof(cred));
	return sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
}

bool harness_peer_send(struct nlipcd *d, struct harness_peer *p,
		       const void *data, size_t len)
{
	const unsigned char *b = data;
	unsigned int stalls = 0;
	ssize_t n;

	while (p->fd >= 0) {
		if (p->nobody) {
			n = send_as_nobody(p->fd, b, len);
			if (n < 0 && errno == EPERM) {
				p->nobody = false;
				continue;
			}
		} else {
			n = send(p->fd, b, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		}
		if (n >= 0) {
			if (!p->stream || (size_t)n == len)
				return true;
			b += n;
			len -= n;
			stalls = 0;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return false;	/* EPIPE, ECONNRESET: it closed */
		/* Full: it reads again once its answers are read, or closes. */
		if (++stalls > SEND_STALLS)
			harness_fail("the daemon takes nothing more from this peer, and keeps it");
		harness_peer_drain(p);
		harness_settle(d);
	}
	return false;
}

void harness_peers_finish(struct nlipcd *d, struct harness_peer *p,
			  unsigned int n)
{
	unsigned int i, round;
	size_t got;

	for (round = 0; round < SETTLE_TURNS; round++) {
		harness_settle(d);
		for (i = 0, got = 0; i < n; i++)
			got += harness_peer_drain(&p[i]);
		if (!got)
			break;
	}
	for (i = 0; i < n; i++) {
		if (p[i].len)
			harness_fail("peer %u: the daemon stopped %zu bytes into a message",
				     i, p[i].len);
		if (p[i].fd >= 0)
			close(p[i].fd);
		p[i].fd = -1;
		free(p[i].buf);
		p[i].buf = NULL;
	}
	/* The daemon sees them go. */
	harness_settle(d);
}

bool harness_next_record(const uint8_t **data, size_t *size,
			 struct harness_record *r)
{
	unsigned int h;

	if (*size < 2)
		return false;
	h = (*data)[0] | (*data)[1] << 8;
	r->peer = h >> 14;
	r->len = h & 0x3fff;
	*data += 2;
	*size -= 2;
	if (r->len > *size)
		r->len = *size;
	r->data = *data;
	*data += r->len;
	*size -= r->len;
	return true;
}
