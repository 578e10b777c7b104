// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel backend: every request goes to the module, its answers come
 * back with the client's sequence number and port id put back.
 *
 * - Do requests share one socket. Generic netlink runs a request in the
 *   sender's sendmsg(), so by the time send() returns the answer is queued
 *   on that socket: we read it right away, and a do never waits.
 * - Dumps run on a socket of their own per client, so several run at once
 *   and a slow reader's dump waits for it alone: the kernel makes the next
 *   round only when we read, and we read only while the client's queue
 *   has room.
 * - A third socket is joined to the family's groups for the clients that
 *   subscribed, and to the controller's, to notice the module going and
 *   coming back; then it re-resolves and rejoins, and subscribers get an
 *   overrun marker, since their store's story was cut.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/nlipc.h>

#include "backend.h"
#include "client.h"
#include "loop.h"
#include "nlipcd.h"
#include "policy.h"
#include "reply.h"
#include "request.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define RX_SIZE		(256 * 1024)
#define NTF_TURN	64		/* notifications read per turn */
/* Around a request: all of them, bounded only against a runaway writer. */
#define NTF_ALL		65536

static const char not_loaded[] =
	"nlipc module not loaded: load it (modprobe nlipc, or insmod nlipc.ko), or run nlipcd --backend user";

struct kdump {
	struct nlipcd_watch w;		/* its own socket */
	struct nlipcd_client *c;
	struct nlmsghdr req;		/* the client's header, to put back */
	uint32_t kseq;
};

struct kernel {
	struct nlipcd *d;
	struct nlipcd_watch do_w;	/* requests */
	uint32_t do_portid;
	struct nlipcd_watch ntf_w;	/* notifications */
	uint32_t seq;
	bool loaded;
	bool family_news;		/* the controller announced nlipc */
	bool joined[NLIPCD_GRP_COUNT];
	struct nlipcd_family fam;
	unsigned char fam_attrs[2048];
	/* The client whose publish is being sent: its notification's sender. */
	struct nlipcd_client *publisher;
	unsigned char *tx;
	unsigned char *rx;
};

static struct kernel *kernel_of(struct nlipcd *d)
{
	return d->backend_priv;
}

static int nl_socket(uint32_t *portid)
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
	/* Answers as libnlipc gets them on netlink: capped, with extack. */
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

/* One datagram from a netlink socket, never truncated. */
static ssize_t nl_recv(int fd, unsigned char *buf)
{
	ssize_t n;

	do {
		n = recv(fd, buf, RX_SIZE, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* ------------------------------------------------------------------ */
/* The family                                                          */
/* ------------------------------------------------------------------ */

static int parse_family(struct kernel *k, const struct nlmsghdr *nlh)
{
	const struct nlattr *a, *g, *ga;
	struct nlipcd_family *f = &k->fam;
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	unsigned int i;

	if (len > sizeof(k->fam_attrs))
		return -E2BIG;
	memcpy(k->fam_attrs, (const char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN, len);
	f->attrs = k->fam_attrs;
	f->attrs_len = len;
	f->id = 0;
	for (i = 0; i < NLIPCD_GRP_COUNT; i++)
		f->group_id[i] = 0;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			f->id = mnl_attr_get_u16(a);
		if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(g, a) {
			const char *name = NULL;
			uint32_t id = 0;

			mnl_attr_for_each_nested(ga, g) {
				if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_NAME)
					name = mnl_attr_get_str(ga);
				if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_ID)
					id = mnl_attr_get_u32(ga);
			}
			if (name && !strcmp(name, NLIPC_MCGRP_EVENTS))
				f->group_id[NLIPCD_GRP_EVENTS] = id;
			if (name && !strcmp(name, NLIPC_MCGRP_BUS))
				f->group_id[NLIPCD_GRP_BUS] = id;
		}
	}
	return f->id ? 0 : -EBADMSG;
}

/*
 * Ask the controller for the family on the requests socket: answered
 * within send(), and nothing else is ever left on that socket.
 */
static int resolve(struct kernel *k)
{
	struct {
		struct nlmsghdr nlh;
		struct genlmsghdr g;
		struct nlattr a;
		char name[8];
	} req = {
		.nlh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = GENL_ID_CTRL,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
			.nlmsg_seq = ++k->seq,
		},
		.g = { .cmd = CTRL_CMD_GETFAMILY, .version = 2 },
		.a = { .nla_len = sizeof(req.a) + sizeof(NLIPC_FAMILY_NAME),
		       .nla_type = CTRL_ATTR_FAMILY_NAME },
		.name = NLIPC_FAMILY_NAME,
	};
	const struct nlmsghdr *nlh;
	int err = -ENOENT, left;
	ssize_t n;

	if (send(k->do_w.fd, &req, sizeof(req), 0) < 0)
		return -errno;
	while ((n = nl_recv(k->do_w.fd, k->rx)) > 0) {
		left = n;
		for (nlh = (void *)k->rx; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_seq != req.nlh.nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == GENL_ID_CTRL)
				err = parse_family(k, nlh);
			else if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((const struct nlmsgerr *)NLMSG_DATA(nlh))->error ?:
				       err;
		}
	}
	return err;
}

static void join_groups(struct kernel *k)
{
	unsigned int g;

	for (g = 0; g < NLIPCD_GRP_COUNT; g++) {
		uint32_t id = k->fam.group_id[g];

		k->joined[g] = false;
		if (!k->d->n_subscribed[g] || !id)
			continue;
		if (setsockopt(k->ntf_w.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			       &id, sizeof(id)) < 0)
			nlipcd_warn("cannot join the module's group %u: %s", id,
				    strerror(errno));
		else
			k->joined[g] = true;
	}
}

static bool ensure_loaded(struct kernel *k)
{
	if (k->loaded)
		return true;
	if (resolve(k))
		return false;
	k->loaded = true;
	nlipcd_info("the nlipc module is loaded: family %u", k->fam.id);
	join_groups(k);
	return true;
}

static int kernel_family(struct nlipcd *d, struct nlipcd_family *f,
			 const char **why)
{
	struct kernel *k = kernel_of(d);

	if (!ensure_loaded(k)) {
		*why = not_loaded;
		return -ENOENT;
	}
	*f = k->fam;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Answers: put the client's sequence number and port id back          */
/* ------------------------------------------------------------------ */

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
/* Notifications                                                       */
/* ------------------------------------------------------------------ */

static void module_gone(struct kernel *k)
{
	unsigned int g;

	if (!k->loaded)
		return;
	nlipcd_warn("the nlipc module was unloaded: requests fail until it is back");
	k->loaded = false;
	for (g = 0; g < NLIPCD_GRP_COUNT; g++)
		k->joined[g] = false;
	/* Whatever subscribers knew of the store is gone with it. */
	nlipcd_client_overrun_all(k->d);
}

static void ctrl_event(struct kernel *k, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != CTRL_ATTR_FAMILY_NAME ||
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) ||
		    strcmp(mnl_attr_get_str(a), NLIPC_FAMILY_NAME))
			continue;
		if (g->cmd == CTRL_CMD_DELFAMILY)
			module_gone(k);
		else if (g->cmd == CTRL_CMD_NEWFAMILY)
			/* Not now: resolve() reads into k->rx, being walked. */
			k->family_news = true;
	}
}

/* A bridged client published: the sender is its port id, not ours. */
static void fix_sender(struct kernel *k, struct nlmsghdr *nlh)
{
	struct nlattr *a;

	if (!k->publisher)
		return;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == NLIPC_A_BUS_SENDER &&
		    mnl_attr_get_payload_len(a) == sizeof(uint32_t) &&
		    *(uint32_t *)mnl_attr_get_payload(a) == k->do_portid)
			*(uint32_t *)mnl_attr_get_payload(a) = k->publisher->portid;
}

static void fan_out(struct kernel *k, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlipcd_buf *b;
	unsigned int group;

	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		ctrl_event(k, nlh);
		return;
	}
	if (!k->loaded || nlh->nlmsg_type != k->fam.id ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	group = g->cmd == NLIPC_CMD_PUBLISH_NTF ? NLIPCD_GRP_BUS : NLIPCD_GRP_EVENTS;
	b = nlipcd_buf_new(NLMSG_ALIGN(nlh->nlmsg_len));
	if (!b)
		return;
	memcpy(b->data, nlh, nlh->nlmsg_len);
	memset(b->data + nlh->nlmsg_len, 0, NLMSG_ALIGN(nlh->nlmsg_len) - nlh->nlmsg_len);
	b->len = NLMSG_ALIGN(nlh->nlmsg_len);
	if (group == NLIPCD_GRP_BUS)
		fix_sender(k, (struct nlmsghdr *)b->data);
	nlipcd_client_notify(k->d, group, b);
	nlipcd_buf_put(b);
}

/* Read and fan out up to @max datagrams of notifications. */
static void ntf_drain(struct kernel *k, int max)
{
	const struct nlmsghdr *nlh;
	int i, left;
	ssize_t n;

	for (i = 0; i < max; i++) {
		n = nl_recv(k->ntf_w.fd, k->rx);
		if (n == -ENOBUFS) {
			nlipcd_warn("the notification socket overran: subscribers are told");
			nlipcd_client_overrun_all(k->d);
			continue;
		}
		if (n <= 0)
			return;
		left = n;
		for (nlh = (void *)k->rx; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left))
			fan_out(k, nlh);
		if (k->family_news) {
			k->family_news = false;
			ensure_loaded(k);
		}
	}
}

static void ntf_handle(struct nlipcd *d, struct nlipcd_watch *w,
		       uint32_t events)
{
	ntf_drain(kernel_of(d), NTF_TURN);
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

/* Our copy of the request: our sequence number, always an ACK. */
static const void *outgoing(struct kernel *k, const struct nlmsghdr *nlh,
			    uint32_t kseq)
{
	struct nlmsghdr *out = (struct nlmsghdr *)k->tx;

	memcpy(k->tx, nlh, nlh->nlmsg_len);
	out->nlmsg_seq = kseq;
	out->nlmsg_pid = 0;
	if ((out->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		out->nlmsg_flags |= NLM_F_ACK;
	return out;
}

static void do_request(struct kernel *k, struct nlipcd_client *c,
		       const struct nlmsghdr *nlh, const struct nlipcd_op *op)
{
	uint32_t kseq = ++k->seq;
	struct nlipcd_reply r;
	int done = 0;
	ssize_t n;

	if (nlipcd_reply_init(&r, 256))
		return;
	/*
	 * Notifications queued before this request go out before its own,
	 * all of them: a publish's own must be the next read, while
	 * k->publisher names its sender.
	 */
	ntf_drain(k, NTF_ALL);
	k->publisher = op && op->cmd == NLIPC_CMD_PUBLISH ? c : NULL;
	if (send(k->do_w.fd, outgoing(k, nlh, kseq), nlh->nlmsg_len, 0) < 0) {
		k->publisher = NULL;
		nlipcd_request_error(c, nlh, -errno,
				     "nlipcd could not pass the request to the module");
		goto out_release;
	}
	/* Ran within send(): its notifications, then its answer. */
	ntf_drain(k, NTF_ALL);
	k->publisher = NULL;
	while (!done && (n = nl_recv(k->do_w.fd, k->rx)) != -EAGAIN) {
		if (n < 0) {
			nlipcd_warn("the requests socket: %s", strerror(-n));
			break;
		}
		done = rewrite(c, nlh, kseq, k->rx, n, &r);
		if (done < 0)
			break;
	}
	if (done <= 0) {
		r.buf->len = 0;
		r.err = 0;
		nlipcd_reply_ack(&r, nlh, c->portid, -ENOBUFS,
				 &(struct nlipcd_extack){
					.msg = "nlipcd lost the module's answer" });
	}
	nlipcd_client_send_reply(c, &r);
out_release:
	nlipcd_reply_release(&r);
}

static void dump_free(struct nlipcd *d, struct kdump *kd)
{
	nlipcd_watch_del(d, &kd->w);
	close(kd->w.fd);
	free(kd);
}

static void dump_handle(struct nlipcd *d, struct nlipcd_watch *w,
			uint32_t events)
{
	struct kdump *kd = nlipcd_container_of(w, struct kdump, w);
	struct nlipcd_client *c = kd->c;
	struct kernel *k = kernel_of(d);
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
	n = nl_recv(w->fd, k->rx);
	if (n == -EAGAIN) {
		nlipcd_reply_release(&r);
		return;
	}
	done = n < 0 ? -1 : rewrite(c, &kd->req, kd->kseq, k->rx, n, &r);
	if (done < 0) {
		r.buf->len = 0;
		r.err = 0;
		nlipcd_reply_ack(&r, &kd->req, c->portid, n < 0 ? (int)n : -ENOMEM,
				 &(struct nlipcd_extack){
					.msg = "nlipcd lost the module's dump" });
		done = 1;
	}
	nlipcd_client_send_reply(c, &r);
	nlipcd_reply_release(&r);
	if (done) {
		c->dump = NULL;
		dump_free(d, kd);
		nlipcd_client_kick(c);
	}
}

static void dump_request(struct kernel *k, struct nlipcd_client *c,
			 const struct nlmsghdr *nlh)
{
	struct kdump *kd = calloc(1, sizeof(*kd));
	int fd;

	if (!kd) {
		nlipcd_request_error(c, nlh, -ENOMEM, NULL);
		return;
	}
	fd = nl_socket(NULL);
	if (fd < 0) {
		free(kd);
		nlipcd_request_error(c, nlh, fd,
				     "nlipcd could not open a socket for the dump");
		return;
	}
	kd->c = c;
	kd->req = *nlh;
	kd->kseq = ++k->seq;
	kd->w.handle = dump_handle;
	if (nlipcd_watch_add(k->d, &kd->w, fd, EPOLLIN)) {
		close(fd);
		free(kd);
		nlipcd_request_error(c, nlh, -ENOMEM, NULL);
		return;
	}
	if (send(fd, outgoing(k, nlh, kd->kseq), nlh->nlmsg_len, 0) < 0) {
		nlipcd_request_error(c, nlh, -errno,
				     "nlipcd could not pass the dump to the module");
		dump_free(k->d, kd);
		return;
	}
	c->dump = kd;
}

static void kernel_request(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			   const struct nlipcd_op *op, bool dump)
{
	struct kernel *k = kernel_of(c->d);

	if (!ensure_loaded(k)) {
		nlipcd_request_error(c, nlh, -ENOENT, not_loaded);
		return;
	}
	if (dump)
		dump_request(k, c, nlh);
	else
		do_request(k, c, nlh, op);
}

/* The module's policies, from the kernel's nlctrl: forwarded as a dump. */
static void kernel_policy(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			  const struct nlattr *op_attr,
			  const struct nlipcd_family *f)
{
	kernel_request(c, nlh, NULL, true);
}

static void kernel_resume(struct nlipcd_client *c)
{
	struct kdump *kd = c->dump;

	if (kd && !(kd->w.events & EPOLLIN))
		nlipcd_watch_set(c->d, &kd->w, EPOLLIN);
}

static int kernel_join(struct nlipcd_client *c, unsigned int group)
{
	struct kernel *k = kernel_of(c->d);
	uint32_t id;

	if (k->joined[group])
		return 0;
	id = k->fam.group_id[group];
	if (setsockopt(k->ntf_w.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &id,
		       sizeof(id)) < 0)
		return -errno;
	k->joined[group] = true;
	return 0;
}

static void kernel_forget(struct nlipcd_client *c)
{
	struct kernel *k = kernel_of(c->d);

	if (k->publisher == c)
		k->publisher = NULL;
	if (c->dump) {
		/* Closing the socket ends the kernel's half of the dump. */
		dump_free(c->d, c->dump);
		c->dump = NULL;
	}
}

/* ------------------------------------------------------------------ */

static int kernel_init(struct nlipcd *d)
{
	struct kernel *k = calloc(1, sizeof(*k));
	int fd, err, val = 1024 * 1024;
	uint32_t ctrl_group = GENL_ID_CTRL;

	if (!k)
		return -ENOMEM;
	k->d = d;
	k->tx = malloc(NLIPC_BRIDGE_MSG_MAX);
	k->rx = malloc(RX_SIZE);
	err = -ENOMEM;
	if (!k->tx || !k->rx)
		goto err_free;

	fd = nl_socket(&k->do_portid);
	if (fd < 0) {
		err = fd;
		goto err_free;
	}
	/* Room for the largest answer and its ACK, whatever rmem_default. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
	k->do_w.fd = fd;
	k->do_w.handle = NULL;

	fd = nl_socket(NULL);
	if (fd < 0) {
		err = fd;
		goto err_close_do;
	}
	val = 4 * 1024 * 1024;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
	/* The controller's notify group: families coming and going. */
	setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &ctrl_group,
		   sizeof(ctrl_group));
	k->ntf_w.handle = ntf_handle;
	err = nlipcd_watch_add(d, &k->ntf_w, fd, EPOLLIN);
	if (err) {
		close(fd);
		goto err_close_do;
	}
	d->backend_priv = k;
	if (!ensure_loaded(k))
		nlipcd_warn("%s; nlipcd waits for it", not_loaded);
	return 0;

err_close_do:
	close(k->do_w.fd);
err_free:
	free(k->tx);
	free(k->rx);
	free(k);
	return err;
}

static void kernel_uninit(struct nlipcd *d)
{
	struct kernel *k = kernel_of(d);

	if (!k)
		return;
	nlipcd_watch_del(d, &k->ntf_w);
	close(k->ntf_w.fd);
	close(k->do_w.fd);
	free(k->tx);
	free(k->rx);
	free(k);
	d->backend_priv = NULL;
}

/* For --backend auto: is the family there? */
bool nlipcd_backend_kernel_probe(void)
{
	struct kernel k = { 0 };
	bool ok;

	k.do_w.fd = nl_socket(NULL);
	if (k.do_w.fd < 0)
		return false;
	k.rx = malloc(RX_SIZE);
	ok = k.rx && !resolve(&k);
	free(k.rx);
	close(k.do_w.fd);
	return ok;
}

const struct nlipcd_backend nlipcd_backend_kernel = {
	.name = "kernel",
	.init = kernel_init,
	.uninit = kernel_uninit,
	.family = kernel_family,
	.request = kernel_request,
	.policy = kernel_policy,
	.resume = kernel_resume,
	.join = kernel_join,
	.forget = kernel_forget,
};
