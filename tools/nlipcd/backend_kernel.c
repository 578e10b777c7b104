// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel backend: every request goes to the module through the
 * forwarder (fwd.c), which puts the client's sequence number and port id
 * back on the answers and runs dumps on sockets of their own.
 *
 * - Another socket is joined to the family's groups for the clients that
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
#include "fwd.h"
#include "genl-family.h"
#include "loop.h"
#include "nlipcd.h"
#include "policy.h"
#include "reply.h"
#include "request.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NTF_TURN	64		/* notifications read per turn */
/* Around a request: all of them, bounded only against a runaway writer. */
#define NTF_ALL		65536

static const char not_loaded[] =
	"nlipc module not loaded: load it (modprobe nlipc, or insmod nlipc.ko), or run nlipcd --backend user";


struct kernel {
	struct nlipcd *d;
	struct nlipcd_fwd fwd;		/* requests */
	struct nlipcd_watch ntf_w;	/* notifications */
	bool loaded;
	bool family_news;		/* the controller announced nlipc */
	bool joined[NLIPCD_GRP_COUNT];
	struct nlipcd_family fam;
	unsigned char fam_attrs[2048];
	/* The client whose publish is being sent: its notification's sender. */
	struct nlipcd_client *publisher;
};

static struct kernel *kernel_of(struct nlipcd *d)
{
	return d->backend_priv;
}

/* ------------------------------------------------------------------ */
/* The family                                                          */
/* ------------------------------------------------------------------ */

static int parse_family(struct kernel *k, const struct nlmsghdr *nlh)
{
	struct nlipc_genl_group groups[NLIPCD_GROUPS_MAX];
	struct nlipc_genl_family gf = {
		.groups = groups,
		.max_groups = NLIPCD_GROUPS_MAX,
	};
	struct nlipcd_family *f = &k->fam;
	size_t len;
	unsigned int i;
	int err;

	/* Checked as the library checks it: lengths and types first. */
	err = nlipc_genl_family_parse(nlh, NLIPC_FAMILY_NAME, &gf);
	if (err)
		return err;
	len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	if (len > sizeof(k->fam_attrs))
		return -E2BIG;
	memcpy(k->fam_attrs, (const char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN, len);
	f->attrs = k->fam_attrs;
	f->attrs_len = len;
	f->id = gf.id;
	for (i = 0; i < NLIPCD_GRP_COUNT; i++)
		f->group_id[i] = 0;
	for (i = 0; i < gf.n_groups; i++) {
		if (!strcmp(groups[i].name, NLIPC_MCGRP_EVENTS))
			f->group_id[NLIPCD_GRP_EVENTS] = groups[i].id;
		if (!strcmp(groups[i].name, NLIPC_MCGRP_BUS))
			f->group_id[NLIPCD_GRP_BUS] = groups[i].id;
	}
	return f->id ? 0 : -EBADMSG;
}

/* Ask the controller for the module's family. */
static int resolve(struct kernel *k)
{
	const struct nlmsghdr *nlh;
	int err;

	err = nlipcd_fwd_getfamily(&k->fwd, NLIPC_FAMILY_NAME, &nlh);
	return err ?: parse_family(k, nlh);
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
			/* Not now: resolve() reads into k->fwd.rx, being walked. */
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
		    *(uint32_t *)mnl_attr_get_payload(a) == k->fwd.portid)
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
		n = nlipcd_fwd_recv(k->ntf_w.fd, k->fwd.rx);
		if (n == -ENOBUFS) {
			nlipcd_warn("the notification socket overran: subscribers are told");
			nlipcd_client_overrun_all(k->d);
			continue;
		}
		if (n <= 0)
			return;
		left = n;
		for (nlh = (void *)k->fwd.rx; mnl_nlmsg_ok(nlh, left);
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

static void do_request(struct kernel *k, struct nlipcd_client *c,
		       const struct nlmsghdr *nlh, const struct nlipcd_op *op)
{
	uint32_t kseq;
	int err;

	/*
	 * Notifications queued before this request go out before its own,
	 * all of them: a publish's own must be the next read, while
	 * k->publisher names its sender.
	 */
	ntf_drain(k, NTF_ALL);
	k->publisher = op && op->cmd == NLIPC_CMD_PUBLISH ? c : NULL;
	err = nlipcd_fwd_send(&k->fwd, nlh, &kseq);
	if (err) {
		k->publisher = NULL;
		nlipcd_request_error(c, nlh, err,
				     "nlipcd could not pass the request to the module");
		return;
	}
	/* Ran within send(): its notifications, then its answer. */
	ntf_drain(k, NTF_ALL);
	k->publisher = NULL;
	nlipcd_fwd_answer(&k->fwd, c, nlh, kseq);
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
		nlipcd_fwd_dump(&k->fwd, c, nlh);
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
}

/* ------------------------------------------------------------------ */

static int kernel_init(struct nlipcd *d)
{
	struct kernel *k = calloc(1, sizeof(*k));
	uint32_t ctrl_group = GENL_ID_CTRL;
	int fd, err;

	if (!k)
		return -ENOMEM;
	k->d = d;
	err = nlipcd_fwd_init(d, &k->fwd);
	if (err)
		goto err_free;

	fd = nlipcd_fwd_ntf_socket();
	if (fd < 0) {
		err = fd;
		goto err_uninit_fwd;
	}
	/* The controller's notify group: families coming and going. */
	setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &ctrl_group,
		   sizeof(ctrl_group));
	k->ntf_w.handle = ntf_handle;
	err = nlipcd_watch_add(d, &k->ntf_w, fd, EPOLLIN);
	if (err) {
		close(fd);
		goto err_uninit_fwd;
	}
	d->backend_priv = k;
	if (!ensure_loaded(k))
		nlipcd_warn("%s; nlipcd waits for it", not_loaded);
	return 0;

err_uninit_fwd:
	nlipcd_fwd_uninit(&k->fwd);
err_free:
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
	nlipcd_fwd_uninit(&k->fwd);
	free(k);
	d->backend_priv = NULL;
}

/* For --backend auto: is the family there? */
bool nlipcd_backend_kernel_probe(void)
{
	struct kernel k = { 0 };
	bool ok;

	if (nlipcd_fwd_init(NULL, &k.fwd))
		return false;
	ok = !resolve(&k);
	nlipcd_fwd_uninit(&k.fwd);
	return ok;
}

const struct nlipcd_backend nlipcd_backend_kernel = {
	.name = "kernel",
	.init = kernel_init,
	.uninit = kernel_uninit,
	.family = kernel_family,
	.request = kernel_request,
	.policy = kernel_policy,
	.join = kernel_join,
	.forget = kernel_forget,
};
