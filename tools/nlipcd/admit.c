// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * New clients: connections accepted, datagram peers met, and the limits
 * on both (in total, per uid or address), with room made by forgetting
 * datagram peers that are gone or idle.
 */
#define _GNU_SOURCE		/* accept4(), struct ucred */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "client.h"
#include "kind.h"
#include "listen.h"
#include "loop.h"
#include "nlipcd.h"
#include "reply.h"
#include "request.h"

/* Datagrams and connections taken per listener per turn. */
#define TURN_DATAGRAMS	64
#define TURN_ACCEPTS	16

static unsigned char dgram_buf[NLIPC_BRIDGE_MSG_MAX_RX];

/* ------------------------------------------------------------------ */
/* Descriptors                                                         */
/* ------------------------------------------------------------------ */

/* Ours besides the clients': listeners, backend, epoll, diag, logs. */
#define FDS_OVERHEAD	64

/**
 * nlipcd_admit_init - descriptors for --max-clients, and one to spare
 * @d: the daemon, its limits parsed; max_clients 0 for the default
 *
 * Raises RLIMIT_NOFILE to what --max-clients needs, as far as the hard
 * limit allows (further with CAP_SYS_RESOURCE), and says so if it cannot;
 * the default limit is lowered to what fits instead, with a note. Keeps a
 * spare descriptor to refuse connections with when out of them. Returns
 * 0; nothing here is fatal.
 */
int nlipcd_admit_init(struct nlipcd *d)
{
	bool given = d->lim.max_clients;
	rlim_t need, fit;
	struct rlimit rl;

	if (!given)
		d->lim.max_clients = NLIPCD_DEFAULT_MAX_CLIENTS;
	need = (rlim_t)d->lim.max_clients + FDS_OVERHEAD;
	d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 0;
	if (rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max < need) {
		struct rlimit up = { need, need };

		if (!setrlimit(RLIMIT_NOFILE, &up))
			return 0;
	}
	rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur >= need)
		return 0;
	fit = rl.rlim_cur > 2 * FDS_OVERHEAD ? rl.rlim_cur - FDS_OVERHEAD :
	      FDS_OVERHEAD;
	if (!given) {
		d->lim.max_clients = fit;
		nlipcd_info("RLIMIT_NOFILE is %llu (hard limit): serving up to %u clients, not the default %u; raise LimitNOFILE (ulimit -Hn) for more",
			    (unsigned long long)rl.rlim_cur, d->lim.max_clients,
			    NLIPCD_DEFAULT_MAX_CLIENTS);
		return 0;
	}
	nlipcd_warn("RLIMIT_NOFILE is %llu (hard limit): about %llu clients fit, not --max-clients %u; raise LimitNOFILE (ulimit -Hn)",
		    (unsigned long long)rl.rlim_cur, (unsigned long long)fit,
		    d->lim.max_clients);
	return 0;
}

/* ------------------------------------------------------------------ */
/* New clients                                                         */
/* ------------------------------------------------------------------ */

/* The total limit is reached by a connection: forget a datagram peer. */
static void make_room_any(struct nlipcd *d)
{
	struct nlipcd_listener *lis;

	for (lis = d->listeners; lis && d->n_clients >= d->lim.max_clients;
	     lis = lis->next)
		if (lis->ops->make_room)
			lis->ops->make_room(d, lis, NULL, UINT64_MAX);
}

/*
 * A reply to a peer we keep no state for (it is over a limit): on @fd,
 * to @ss (NULL on a connection). A UDP peer may have been one we
 * forgot: it gets the port id it had then.
 */
static void answer_stateless(struct nlipcd_listener *lis, int fd,
			     const struct sockaddr_storage *ss, socklen_t len,
			     const void *data, size_t dlen, int err,
			     const char *msg)
{
	struct nlipcd_extack ext = { .msg = msg };
	struct nlmsghdr req = { 0 };
	struct nlipcd_reply r;
	uint32_t portid = 0;

	if (dlen >= sizeof(req))
		memcpy(&req, data, sizeof(req));
	if (lis->ops->portid)
		portid = lis->ops->portid(ss, len);
	if (nlipcd_reply_init(&r, 160))
		return;
	nlipcd_reply_ack(&r, &req, portid, err, &ext);
	if (!r.err)
		sendto(fd, r.buf->data, r.buf->len,
		       MSG_NOSIGNAL | MSG_DONTWAIT, (const void *)ss, len);
	nlipcd_reply_release(&r);
}

/*
 * A connection over a limit gets its one refusal (seq 0: it may not have
 * sent a request yet), at once, and is closed: it holds no slot and no
 * descriptor, so silent refused connections cannot lock others out.
 * What it already sent is read first, so that TCP closes with a FIN and
 * not a reset that could overtake the refusal.
 */
/**
 * nlipcd_shut_drained - end our side of a stream after a last word
 * @fd: the connection; not closed
 *
 * Reads what the peer already sent, so that the close which follows
 * sends a FIN after our last word (a refusal, a TLS alert), not a reset
 * that could discard it unread.
 */
void nlipcd_shut_drained(int fd)
{
	char sink[4096];
	int i;

	shutdown(fd, SHUT_WR);
	for (i = 0; i < 16; i++)
		if (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) <= 0)
			break;
}

static void refuse_now(struct nlipcd_listener *lis, int fd, int err,
		       const char *msg)
{
	/* Before a TLS handshake, only closing says anything. */
	if (!lis->ops->handshake)
		answer_stateless(lis, fd, NULL, 0, NULL, 0, err, msg);
	nlipcd_shut_drained(fd);
	close(fd);
}

/* Limits at connect time: 0, or the errno to refuse with, and why. */
static int over_limits_conn(struct nlipcd *d, struct nlipcd_listener *lis,
			    int fd, const struct sockaddr_storage *ss,
			    char *why, size_t len)
{
	bool remote = lis->family != AF_UNIX;
	struct ucred cred;
	socklen_t clen = sizeof(cred);

	if (d->n_clients >= d->lim.max_clients) {
		snprintf(why, len, "nlipcd: too many clients (limit %u)",
			 d->lim.max_clients);
		return -EMFILE;
	}
	if (!remote && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen))
		return 0;
	if (nlipcd_client_count_uid(d, lis->ops->peer, remote,
				    remote ? 0 : cred.uid, ss) >= d->lim.max_per_uid) {
		snprintf(why, len,
			 "nlipcd: too many clients from this %s (limit %u)",
			 remote ? "address" : "uid", d->lim.max_per_uid);
		return -EUSERS;
	}
	return 0;
}

/*
 * Out of descriptors (EMFILE, ENFILE): the connection waits in the
 * backlog and the listener stays readable, so without care every turn
 * of the loop tries again (a busy loop, a log line each time). We give
 * up the spare descriptor kept for this, take the connection, refuse it
 * and take the spare back; with no spare, we stop accepting until a
 * client goes. Said once per episode.
 */
static void out_of_fds(struct nlipcd *d, struct nlipcd_listener *lis,
		       int err)
{
	int fd;

	if (!d->fd_short)
		nlipcd_warn("%s: out of file descriptors (%s): refusing new connections until clients go; raise LimitNOFILE or lower --max-clients",
			    lis->name, strerror(err));
	d->fd_short = true;
	if (d->spare_fd >= 0) {
		close(d->spare_fd);
		fd = accept4(lis->w.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			refuse_now(lis, fd, -EMFILE,
				   "nlipcd: out of file descriptors, try again later");
		d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (d->spare_fd >= 0)
			return;
	}
	nlipcd_listen_pause(d, true);
}

void nlipcd_client_accept(struct nlipcd *d, struct nlipcd_listener *lis)
{
	struct sockaddr_storage ss;
	struct nlipcd_client *c;
	char why[96];
	socklen_t len;
	int fd, i, val, err;

	for (i = 0; i < TURN_ACCEPTS; i++) {
		len = sizeof(ss);
		fd = accept4(lis->w.fd, (struct sockaddr *)&ss, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				out_of_fds(d, lis, errno);
				return;
			}
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				nlipcd_warn("%s: accept: %s", lis->name,
					    strerror(errno));
			return;
		}
		if (d->fd_short) {
			nlipcd_info("file descriptors are available again");
			d->fd_short = false;
		}
		/* Datagram peers give way to a connection. */
		if (d->n_clients >= d->lim.max_clients)
			make_room_any(d);
		err = over_limits_conn(d, lis, fd, &ss, why, sizeof(why));
		if (err) {
			nlipcd_info("%s: connection refused: %s", lis->name,
				    why);
			refuse_now(lis, fd, err, why);
			continue;
		}
		val = lis->ops->sndbuf;
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &val, sizeof(val));
		/* Replies are whole messages: Nagle would hold a batch's last. */
		val = 1;
		if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &val,
				   sizeof(val));
		c = nlipcd_client_new(d, lis, fd, (struct sockaddr *)&ss, len);
		if (!c) {
			close(fd);
			continue;
		}
		nlipcd_debug("%s: connected on %s", c->name, lis->name);
	}
}

/* A datagram from a peer we cannot answer yet: keep it, bounded. */
static void defer(struct nlipcd_client *c, const void *data, size_t len)
{
	struct nlipcd_buf **v;
	struct nlipcd_pending *p;

	if (c->in.n_pending >= c->d->lim.max_inflight) {
		struct nlmsghdr req = { 0 };

		if (len >= sizeof(req))
			memcpy(&req, data, sizeof(req));
		nlipcd_request_error(c, &req, -EBUSY,
				     "nlipcd: too many requests in flight from this client");
		return;
	}
	v = realloc(c->in.pending, (c->in.n_pending + 1) * sizeof(*v));
	if (!v)
		return;
	c->in.pending = v;
	p = malloc(sizeof(*p) + len);
	if (!p)
		return;
	p->uid = c->who.uid;
	p->uid_known = c->who.uid_known;
	p->len = len;
	memcpy(p->data, data, len);
	c->in.pending[c->in.n_pending++] = (struct nlipcd_buf *)p;
}

static bool creds_of(struct msghdr *mh, struct ucred *out)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(*out))) {
			memcpy(out, CMSG_DATA(cm), sizeof(*out));
			return true;
		}
	return false;
}

static bool over_limits(struct nlipcd *d, struct nlipcd_listener *lis,
			const struct sockaddr_storage *ss, bool have_cred,
			uid_t uid, bool *per_uid)
{
	*per_uid = false;
	if (d->n_clients >= d->lim.max_clients)
		return true;
	if (lis->family != AF_UNIX || have_cred) {
		*per_uid = nlipcd_client_count_uid(d, lis->ops->peer,
						   lis->family != AF_UNIX,
						   uid, ss) >= d->lim.max_per_uid;
		return *per_uid;
	}
	return false;
}

/* Datagrams on an AF_UNIX dgram or UDP socket shared by every peer. */
void nlipcd_client_datagram(struct nlipcd *d, struct nlipcd_listener *lis)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} cbuf;
	size_t max = d->lim.max_msg;
	struct sockaddr_storage ss;
	struct nlipcd_client *c;
	struct ucred cred;
	struct msghdr mh;
	struct iovec iov;
	bool have_cred;
	ssize_t n;
	int i;

	for (i = 0; i < TURN_DATAGRAMS; i++) {
		iov.iov_base = dgram_buf;
		iov.iov_len = max + 1;
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &ss;
		mh.msg_namelen = sizeof(ss);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		n = recvmsg(lis->w.fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				nlipcd_warn("%s: recvmsg: %s", lis->name,
					    strerror(errno));
			return;
		}
		have_cred = lis->family == AF_UNIX && creds_of(&mh, &cred);
		if (lis->family == AF_UNIX &&
		    mh.msg_namelen <= offsetof(struct sockaddr_un, sun_path)) {
			nlipcd_debug("%s: datagram from an unbound socket: no address to answer",
				     lis->name);
			continue;
		}

		c = nlipcd_client_find_peer(d, lis, &ss, mh.msg_namelen);
		if (c && c->ops->replay &&
		    c->ops->replay(c, dgram_buf, (size_t)n > max ? max : (size_t)n)) {
			c->last_rx_ms = nlipcd_now_ms();
			continue;
		}
		if (!c) {
			bool per_uid;

			if (over_limits(d, lis, &ss, have_cred, cred.uid, &per_uid)) {
				uint64_t now = nlipcd_now_ms();

				/* An address's own peers take turns, though. */
				lis->ops->make_room(d, lis,
						    per_uid ? &ss : NULL,
						    per_uid ? UINT64_MAX :
						    now > NLIPCD_UDP_TTL_MS ?
						    now - NLIPCD_UDP_TTL_MS : 0);
				if (over_limits(d, lis, &ss, have_cred, cred.uid,
						&per_uid)) {
					answer_stateless(lis, lis->w.fd, &ss,
							 mh.msg_namelen,
							 dgram_buf, n,
							 per_uid ? -EUSERS : -EMFILE,
							 per_uid ?
							 "nlipcd: too many clients from this uid or address" :
							 "nlipcd: too many clients");
					continue;
				}
			}
			c = nlipcd_client_new(d, lis, lis->w.fd,
					      (struct sockaddr *)&ss,
					      mh.msg_namelen);
			if (!c)
				continue;
			c->who.uid_known = have_cred;
			c->who.uid = have_cred ? cred.uid : 0;
			c->who.pid = have_cred ? cred.pid : 0;
			nlipcd_client_recount(c);
			nlipcd_client_describe(c);
			nlipcd_debug("%s: new peer on %s", c->name, lis->name);
		}
		if (c->closing)
			continue;
		c->who.uid_known = have_cred;
		if (have_cred) {
			c->who.uid = cred.uid;
			c->who.pid = cred.pid;
		}
		nlipcd_client_recount(c);
		if (!nlipcd_client_can_take(c) || c->in.n_pending) {
			defer(c, dgram_buf, (size_t)n > max ? max : (size_t)n);
			continue;
		}
		nlipcd_client_take_datagram(c, dgram_buf, (size_t)n > max ? max : (size_t)n,
			      (size_t)n > max);
	}
}
