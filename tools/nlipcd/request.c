// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One request, from the top: what netlink_rcv_skb() and the genetlink
 * core (genl_rcv_msg(), genl_family_rcv_msg() of 6.1) do before a family's
 * handler runs, in their order, so that refusals come out the same on the
 * bridge as on netlink; then the daemon's own permission rules; then the
 * backend.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/nlipc.h>

#include "backend.h"
#include "bridged.h"
#include "client.h"
#include "kind.h"
#include "nlipcd.h"
#include "policy.h"
#include "reply.h"
#include "request.h"

/* netlink_rcv_skb(): errors always answered, success only if asked. */
void nlipcd_request_ack(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			int err, const struct nlipcd_extack *ext)
{
	struct nlipcd_reply r;

	if (!err && !(nlh->nlmsg_flags & NLM_F_ACK))
		return;
	if (nlipcd_reply_init(&r, 160))
		return;
	nlipcd_reply_ack(&r, nlh, c->portid, err, ext);
	nlipcd_client_send_reply(c, &r);
	nlipcd_reply_release(&r);
}

/*
 * genl_header_check(): what the kernel asks of ops from resv_start_op on,
 * which is every nlipc op (resv_start_op 0) and the controller's newer.
 */
int nlipcd_genl_header_check(const struct nlmsghdr *nlh,
			     struct nlipcd_extack *ext)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	uint16_t flags = nlh->nlmsg_flags;

	if (g->reserved) {
		NLIPCD_SET_ERR_MSG(ext, "genlmsghdr.reserved field is not 0");
		return -EINVAL;
	}
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= ~NLM_F_DUMP;
	if (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) {
		NLIPCD_SET_ERR_MSG(ext, "ambiguous or reserved bits set in nlmsg_flags");
		return -EINVAL;
	}
	return 0;
}

const char nlipcd_udp_dump_refused[] =
	"dumps are refused over UDP: a lost datagram would lose entries unnoticed; use tcp:// or unix:";

/* May @uid use admin-perm ops: root, our own, or one --allow-uid gave. */
bool nlipcd_uid_allowed(const struct nlipcd *d, uid_t uid)
{
	size_t i;

	if (uid == 0 || uid == d->self_uid)
		return true;
	for (i = 0; i < d->n_allow_uids; i++)
		if (d->allow_uids[i] == uid)
			return true;
	return false;
}

/*
 * doc/bridge.md's rules in place of CAP_NET_ADMIN: admin-perm ops for
 * allowed uids on AF_UNIX; nothing that writes from the network unless
 * --allow-remote-write, and there publish counts as a write too (it would
 * let anyone on the network talk to local subscribers).
 */
static int permitted(struct nlipcd_client *c, const struct nlipcd_op *op,
		     struct nlipcd_extack *ext)
{
	static char text[160];
	const char *name;

	if (c->who.remote) {
		if (c->d->allow_remote_write || c->who.cert_may_write ||
		    (!op->admin && op->cmd != NLIPC_CMD_PUBLISH))
			return 0;
		if (c->who.cert) {
			snprintf(text, sizeof(text),
				 "read-only: nlipcd lets only the certificates of --allow-cert write, not %s",
				 c->who.cert);
			NLIPCD_SET_ERR_MSG(ext, text);
			return -EPERM;
		}
		NLIPCD_SET_ERR_MSG(ext,
				   "read-only over the network: nlipcd was not started with --allow-remote-write");
		return -EPERM;
	}
	if (!op->admin || (c->who.uid_known && nlipcd_uid_allowed(c->d, c->who.uid)))
		return 0;
	name = op->cmd == NLIPC_CMD_KV_SET ? "kv-set" :
	       op->cmd == NLIPC_CMD_KV_DEL ? "kv-del" : "stats-reset";
	if (c->who.uid_known)
		snprintf(text, sizeof(text),
			 "%s needs root, nlipcd's own uid or --allow-uid (uid %u is none of them)",
			 name, (unsigned int)c->who.uid);
	else
		snprintf(text, sizeof(text),
			 "%s needs root, nlipcd's own uid or --allow-uid (the sender's uid is unknown)",
			 name);
	NLIPCD_SET_ERR_MSG(ext, text);
	return -EPERM;
}

static void family_request(struct nlipcd_client *c, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlipcd_extack ext = { 0 };
	const struct nlipcd_op *op;
	bool dump;
	int err;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		nlipcd_request_ack(c, nlh, -EINVAL, NULL);
		return;
	}
	err = nlipcd_genl_header_check(nlh, &ext);
	if (err)
		goto out_ack;
	op = nlipcd_op_find(g->cmd);
	if (!op) {
		err = -EOPNOTSUPP;
		goto out_ack;
	}
	/* As Linux 6.2 on: an op is looked up by kind, do or dump, first. */
	dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	if ((dump && !op->dumpit) || (!dump && !op->doit)) {
		err = -EOPNOTSUPP;
		goto out_ack;
	}
	err = permitted(c, op, &ext);
	if (err)
		goto out_ack;
	if (dump && c->ops->lossy) {
		NLIPCD_SET_ERR_MSG(&ext, nlipcd_udp_dump_refused);
		err = -EOPNOTSUPP;
		goto out_ack;
	}
	if (c->ops->check) {
		err = c->ops->check(nlh, op, &ext);
		if (err)
			goto out_ack;
	}
	if (dump && c->dump) {
		/* netlink_dump_start(): one dump at a time per socket. */
		err = -EBUSY;
		goto out_ack;
	}
	c->d->backend->request(c, nlh, op, dump);
	return;

out_ack:
	nlipcd_request_ack(c, nlh, err, &ext);
}

/**
 * nlipcd_request_handle - take one request from a client
 * @c: the client
 * @nlh: a whole message, nlmsg_len checked against what was received
 */
void nlipcd_request_handle(struct nlipcd_client *c, const struct nlmsghdr *nlh)
{
	struct nlipcd_extack ext = { 0 };
	struct nlipcd_bridged *bf;
	struct nlipcd_family fam;
	const char *why = NULL;

	/* Only requests are handled, control messages just acknowledged. */
	if (!(nlh->nlmsg_flags & NLM_F_REQUEST) ||
	    nlh->nlmsg_type < NLMSG_MIN_TYPE) {
		nlipcd_request_ack(c, nlh, 0, NULL);
		return;
	}
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		nlipcd_ctrl_handle(c, nlh);
		return;
	}
	if (c->d->backend->family(c->d, &fam, &why) ||
	    nlh->nlmsg_type != fam.id) {
		bf = nlipcd_bridge_by_id(c->d, nlh->nlmsg_type);
		if (bf) {
			nlipcd_bridge_request(c, nlh, bf);
			return;
		}
		/* As for an unregistered family; say why if we know. */
		ext.msg = why;
		nlipcd_request_ack(c, nlh, -ENOENT, &ext);
		return;
	}
	family_request(c, nlh);
}
