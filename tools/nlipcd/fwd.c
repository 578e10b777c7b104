// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Forwarding to the kernel: a client's request goes out under our own
 * sequence number, always asking for the ACK so that we know its end; the
 * answers come back with the client's sequence number and port id put
 * back, and the ACK dropped again if the client did not ask for it.
 *
 * - Do requests share one socket (struct nlipcd_fwd): the kernel answers
 *   within send(), so the answer is read right away and nothing is ever
 *   left on that socket for the next request.
 * - Dumps run on a socket of their own per client, so several run at once
 *   and a slow reader's dump waits for it alone: the kernel makes the next
 *   round only when we read, and we read only while the client's queue
 *   has room. A socket whose dump ended (its NLMSG_DONE or error read)
 *   holds nothing more and is kept for the next dump; one whose client
 *   left mid-dump is closed, which ends the kernel's half.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "client.h"
#include "fwd.h"
#include "reply.h"
#include "request.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* The controller's version, as libnl and the kernel's genl tools send it. */
#define CTRL_VERSION	2

/* A dump of the kernel's for one client, on a socket of its own. */
struct fwd_dump {
	struct nlipcd_dump dump;	/* the client's c->dump */
	struct nlipcd_watch w;
	struct nlipcd_fwd *f;
	struct nlipcd_client *c;
	struct nlmsghdr req;		/* the client's header, to put back */
	uint32_t kseq;
};

/**
 * nlipcd_fwd_socket - a generic netlink socket, bound, non-blocking
 * @portid: if not NULL, receives the port id the kernel gave it
 *
 * With extended and capped ACKs, as libnlipc has them on netlink, so
 * the client gets the kernel's extack as it would itself. Returns the fd
 * or a negative errno.
 */
int nlipcd_fwd_socket(uint32_t *portid)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		goto err_close;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (portid)
		*portid = sa.nl_pid;
	return fd;

err_close:
	one = -errno;
	close(fd);
	return one;
}

/**
 * nlipcd_fwd_ntf_socket - a socket for the kernel's notifications
 *
 * As nlipcd_fwd_socket(), with room for bursts (4 MiB, beyond rmem_max
 * where we may): notifications are read a turn of the loop at a time.
 * Returns the fd or a negative errno.
 */
int nlipcd_fwd_ntf_socket(void)
{
	int fd, val = 4 * 1024 * 1024;

	fd = nlipcd_fwd_socket(NULL);
	if (fd < 0)
		return fd;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
	return fd;
}

/* One datagram from a netlink socket into @buf (NLIPCD_FWD_RX_SIZE). */
ssize_t nlipcd_fwd_recv(int fd, unsigned char *buf)
{
	ssize_t n;

	do {
		n = recv(fd, buf, NLIPCD_FWD_RX_SIZE, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int nlipcd_fwd_init(struct nlipcd *d, struct nlipcd_fwd *f)
{
	int val = 1024 * 1024, err = -ENOMEM;

	f->d = d;
	f->fd = -1;
	f->n_spare = 0;
	f->tx = malloc(NLIPC_BRIDGE_MSG_MAX);
	f->rx = malloc(NLIPCD_FWD_RX_SIZE);
	if (!f->tx || !f->rx)
		goto err_uninit;
	f->fd = nlipcd_fwd_socket(&f->portid);
	if (f->fd < 0) {
		err = f->fd;
		goto err_uninit;
	}
	/* Room for the largest answer and its ACK, whatever rmem_default. */
	if (setsockopt(f->fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val)))
		setsockopt(f->fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
	return 0;

err_uninit:
	nlipcd_fwd_uninit(f);
	return err;
}

void nlipcd_fwd_uninit(struct nlipcd_fwd *f)
{
	while (f->n_spare)
		close(f->spare[--f->n_spare]);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->tx);
	free(f->rx);
	f->tx = f->rx = NULL;
}

/**
 * nlipcd_fwd_getfamily - ask the kernel's controller for a family
 * @f: the forwarder
 * @name: the family's name
 * @reply: receives its CTRL_CMD_NEWFAMILY message, in f->rx until the
 *	next use of @f
 *
 * Never blocks: the controller answers within send(). Asked without
 * NLM_F_ACK, so the answer is one message, the family or an error, and
 * nothing is left on the socket after it. Returns 0, or the controller's
 * negative errno (-ENOENT: not registered), -EBADMSG.
 */
int nlipcd_fwd_getfamily(struct nlipcd_fwd *f, const char *name,
			 const struct nlmsghdr **reply)
{
	char buf[NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN + GENL_NAMSIZ + 4] = { 0 };
	const struct nlmsghdr *nlh;
	struct nlmsghdr *req;
	struct genlmsghdr *g;
	ssize_t n;
	int left;

	*reply = NULL;
	if (strlen(name) >= GENL_NAMSIZ)
		return -ENOENT;
	req = mnl_nlmsg_put_header(buf);
	req->nlmsg_type = GENL_ID_CTRL;
	req->nlmsg_flags = NLM_F_REQUEST;
	req->nlmsg_seq = ++f->seq;
	g = mnl_nlmsg_put_extra_header(req, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = CTRL_VERSION;
	mnl_attr_put_strz(req, CTRL_ATTR_FAMILY_NAME, name);

	if (send(f->fd, req, req->nlmsg_len, 0) < 0)
		return -errno;
	while ((n = nlipcd_fwd_recv(f->fd, f->rx)) > 0) {
		left = n;
		for (nlh = (void *)f->rx; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				return e->error ?: -EBADMSG;
			}
			if (nlh->nlmsg_type != GENL_ID_CTRL ||
			    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
				return -EBADMSG;
			*reply = nlh;
			return 0;
		}
	}
	return n < 0 && n != -EAGAIN ? n : -EBADMSG;
}

/* Our copy of the request: our sequence number, always an ACK. */
static const struct nlmsghdr *outgoing(struct nlipcd_fwd *f,
				       const struct nlmsghdr *nlh,
				       uint32_t kseq)
{
	struct nlmsghdr *out = (struct nlmsghdr *)f->tx;

	memcpy(f->tx, nlh, nlh->nlmsg_len);
	out->nlmsg_seq = kseq;
	out->nlmsg_pid = 0;
	if ((out->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		out->nlmsg_flags |= NLM_F_ACK;
	return out;
}

/*
 * The messages of one datagram that answer @kseq, rewritten for @c into
 * @r. Returns 1 once the request is complete (ACK, error or DONE).
 */
static int rewrite(struct nlipcd_client *c, const struct nlmsghdr *orig,
		   uint32_t kseq, const unsigned char *data, size_t len,
		   struct nlipcd_reply *r)
{
	const struct nlmsghdr *nlh = (const void *)data;
	bool want_ack = orig->nlmsg_flags & NLM_F_ACK;
	int left = len, done = 0;
	struct nlmsghdr *m;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_seq != kseq)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);

			done = 1;
			/* We always ask for the ACK, to know the end. */
			if (!e->error && !want_ack)
				continue;
		}
		if (nlh->nlmsg_type == NLMSG_DONE)
			done = 1;
		m = nlipcd_reply_copy(r, nlh);
		if (!m)
			return -ENOMEM;
		m->nlmsg_seq = orig->nlmsg_seq;
		m->nlmsg_pid = c->portid;
		if (m->nlmsg_type == NLMSG_ERROR &&
		    m->nlmsg_len >= NLMSG_HDRLEN + sizeof(struct nlmsgerr))
			memcpy(&((struct nlmsgerr *)NLMSG_DATA(m))->msg, orig,
			       sizeof(*orig));
	}
	return done;
}

/* ------------------------------------------------------------------ */
/* Do requests                                                         */
/* ------------------------------------------------------------------ */

/**
 * nlipcd_fwd_send - pass a do request to the kernel
 * @f: the forwarder
 * @nlh: the client's request
 * @kseq: receives the sequence number it went out with
 *
 * The kernel has run the request when this returns, and queued its
 * answer for nlipcd_fwd_answer(). Returns 0 or a negative errno.
 */
int nlipcd_fwd_send(struct nlipcd_fwd *f, const struct nlmsghdr *nlh,
		    uint32_t *kseq)
{
	*kseq = ++f->seq;
	if (send(f->fd, outgoing(f, nlh, *kseq), nlh->nlmsg_len, 0) < 0)
		return -errno;
	return 0;
}

/**
 * nlipcd_fwd_answer - send the client the kernel's answer to its request
 * @f: the forwarder
 * @c: the client
 * @nlh: its request
 * @kseq: from nlipcd_fwd_send()
 */
void nlipcd_fwd_answer(struct nlipcd_fwd *f, struct nlipcd_client *c,
		       const struct nlmsghdr *nlh, uint32_t kseq)
{
	struct nlipcd_reply r;
	int done = 0;
	ssize_t n;

	if (nlipcd_reply_init(&r, 256))
		return;
	while (!done && (n = nlipcd_fwd_recv(f->fd, f->rx)) != -EAGAIN) {
		if (n < 0) {
			nlipcd_warn("the requests socket: %s", strerror(-n));
			break;
		}
		done = rewrite(c, nlh, kseq, f->rx, n, &r);
		if (done < 0)
			break;
	}
	if (done <= 0) {
		r.buf->len = 0;
		r.err = 0;
		nlipcd_reply_ack(&r, nlh, c->portid, -ENOBUFS,
				 &(struct nlipcd_extack){
					.msg = "nlipcd lost the kernel's answer" });
	}
	nlipcd_client_send_reply(c, &r);
	nlipcd_reply_release(&r);
}

/* A do request, sent and answered. */
void nlipcd_fwd_do(struct nlipcd_fwd *f, struct nlipcd_client *c,
		   const struct nlmsghdr *nlh)
{
	uint32_t kseq;
	int err;

	err = nlipcd_fwd_send(f, nlh, &kseq);
	if (err) {
		nlipcd_request_error(c, nlh, err,
				     "nlipcd could not pass the request to the kernel");
		return;
	}
	nlipcd_fwd_answer(f, c, nlh, kseq);
}

/* ------------------------------------------------------------------ */
/* Dumps                                                               */
/* ------------------------------------------------------------------ */

static struct fwd_dump *fwd_dump_of(struct nlipcd_client *c)
{
	return nlipcd_container_of(c->dump, struct fwd_dump, dump);
}

/* @reuse: the kernel is done with the socket, keep it if there is room. */
static void dump_close(struct fwd_dump *fd, bool reuse)
{
	struct nlipcd_fwd *f = fd->f;

	nlipcd_watch_del(f->d, &fd->w);
	if (reuse && f->n_spare < NLIPCD_FWD_SPARES)
		f->spare[f->n_spare++] = fd->w.fd;
	else
		close(fd->w.fd);
	free(fd);
}

/* The client goes: closing the socket ends the kernel's half. */
static void dump_free(struct nlipcd_client *c)
{
	dump_close(fwd_dump_of(c), false);
	c->dump = NULL;
}

static void dump_handle(struct nlipcd *d, struct nlipcd_watch *w,
			uint32_t events)
{
	struct fwd_dump *fd = nlipcd_container_of(w, struct fwd_dump, w);
	struct nlipcd_client *c = fd->c;
	struct nlipcd_fwd *f = fd->f;
	struct nlipcd_reply r;
	int done;
	ssize_t n;

	/* The client's queue is full: the kernel waits with the next round. */
	if (c->tx.bytes >= NLIPCD_DUMP_LOW_WATER || c->closing) {
		nlipcd_watch_set(d, w, 0);
		return;
	}
	/* Room for the round before taking it; without, it waits (resume). */
	n = recv(w->fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (nlipcd_reply_init(&r, n > 0 ? n + 64 : 256)) {
		nlipcd_watch_set(d, w, 0);
		return;
	}
	n = nlipcd_fwd_recv(w->fd, f->rx);
	if (n == -EAGAIN) {
		nlipcd_reply_release(&r);
		return;
	}
	done = n < 0 ? -1 : rewrite(c, &fd->req, fd->kseq, f->rx, n, &r);
	if (done < 0) {
		r.buf->len = 0;
		r.err = 0;
		nlipcd_reply_ack(&r, &fd->req, c->portid, n < 0 ? (int)n : -ENOMEM,
				 &(struct nlipcd_extack){
					.msg = "nlipcd lost the kernel's dump" });
	}
	nlipcd_client_send_reply(c, &r);
	nlipcd_reply_release(&r);
	if (done) {
		dump_close(fd, done > 0);
		c->dump = NULL;
		nlipcd_client_kick(c);
	}
}

static void dump_resume(struct nlipcd_client *c)
{
	struct fwd_dump *fd = fwd_dump_of(c);

	if (!(fd->w.events & EPOLLIN))
		nlipcd_watch_set(c->d, &fd->w, EPOLLIN);
}

/**
 * nlipcd_fwd_dump - start a dump of the kernel's for a client
 * @f: the forwarder
 * @c: the client, with no dump in progress
 * @nlh: its request
 *
 * Sets c->dump until the dump is done, answered as the kernel answers it,
 * paced by the client's queue; or answers with an error.
 */
void nlipcd_fwd_dump(struct nlipcd_fwd *f, struct nlipcd_client *c,
		     const struct nlmsghdr *nlh)
{
	struct fwd_dump *fd = calloc(1, sizeof(*fd));
	int sk;

	if (!fd) {
		nlipcd_request_error(c, nlh, -ENOMEM, NULL);
		return;
	}
	sk = f->n_spare ? f->spare[--f->n_spare] : nlipcd_fwd_socket(NULL);
	if (sk < 0) {
		free(fd);
		nlipcd_request_error(c, nlh, sk,
				     "nlipcd could not open a socket for the dump");
		return;
	}
	fd->dump.resume = dump_resume;
	fd->dump.free = dump_free;
	fd->f = f;
	fd->c = c;
	fd->req = *nlh;
	fd->kseq = ++f->seq;
	fd->w.handle = dump_handle;
	if (nlipcd_watch_add(f->d, &fd->w, sk, EPOLLIN)) {
		close(sk);
		free(fd);
		nlipcd_request_error(c, nlh, -ENOMEM, NULL);
		return;
	}
	if (send(sk, outgoing(f, nlh, fd->kseq), nlh->nlmsg_len, 0) < 0) {
		nlipcd_request_error(c, nlh, -errno,
				     "nlipcd could not pass the dump to the kernel");
		dump_close(fd, false);
		return;
	}
	c->dump = &fd->dump;
}
