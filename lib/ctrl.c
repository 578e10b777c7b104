// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The controller over a message transport (doc/bridge.md): nlipcd answers
 * CTRL_CMD_GETFAMILY as the kernel does, and NLIPC_BRIDGE_CMD_JOIN joins a
 * multicast group, which netlink does with setsockopt(). The first reply
 * also tells us the port id the daemon gave us and proves that it shares
 * our byte order. These are the resolve and join ops of every transport
 * that reaches nlipcd; nothing here depends on which one it is.
 */
#include <byteswap.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"
#include "bridge.h"

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct nlipc *ep = arg;
	struct nlipc_genl_family f = {
		.groups = ep->groups,
		.max_groups = NLIPC_GROUPS_MAX,
	};
	int err;

	err = nlipc_genl_family_parse(nlh, ep->family_name, &f);
	if (err)
		return err;
	ep->family_id = f.id;
	if (f.version)
		ep->family_version = f.version;
	ep->ngroups = f.n_groups;
	return 0;
}

/**
 * nlipc_ctrl_resolve - resolve the family through nlipcd's controller
 * @ep: an endpoint just opened on a message transport
 *
 * Sends CTRL_CMD_GETFAMILY for ep->family_name ("nlipc", or "nlctrl" for
 * nlipc_open_genl()) and keeps the family id, version
 * and multicast groups. Our port id is taken from the reply's nlmsg_pid
 * (we send 0), and from then on the core checks it on every reply. Returns
 * 0 or a negative errno with the error record set: -ENOENT (the daemon
 * serves no such family), -ETIMEDOUT, -EPROTO (byte order mismatch).
 */
int nlipc_ctrl_resolve(struct nlipc *ep)
{
	char why[sizeof(ep->err.msg)];
	struct nlipc_msg *m;
	int err;

	m = nlipc_msg_start_family(ep, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
				   NLIPC_CTRL_VERSION, 0);
	nlipc_msg_put_str(m, CTRL_ATTR_FAMILY_NAME, ep->family_name);

	ep->family_id = 0;
	ep->portid = 0;
	ep->learn_portid = true;
	ep->order_checked = false;
	err = nlipc_transact(ep, m, family_cb, ep);
	ep->learn_portid = false;

	switch (err) {
	case 0:
		break;
	case -ENOENT:
		snprintf(why, sizeof(why), "%s", ep->err.msg);
		return nlipc_fail(ep, err, "family '%s' not found at %s%s%s",
				  ep->family_name, ep->url, why[0] ? ": " : "",
				  why);
	case -ETIMEDOUT:
		return nlipc_fail(ep, err,
				  "no answer from %s within %d ms: is nlipcd running? (nlipcd --listen %s)",
				  ep->url, ep->timeout_ms, ep->url);
	default:
		return err;
	}
	if (!ep->family_id)
		return nlipc_fail(ep, -EBADMSG,
				  "%s answered getfamily without a family id",
				  ep->url);
	return 0;
}

/* NLIPC_BRIDGE_CMD_JOIN of group @id, @name (or NULL) in the messages. */
static int ctrl_join(struct nlipc *ep, uint32_t id, const char *name)
{
	struct nlipc_msg *m;
	int err;

	m = nlipc_msg_start_family(ep, GENL_ID_CTRL, NLIPC_BRIDGE_CMD_JOIN,
				   NLIPC_CTRL_VERSION, 0);
	nlipc_msg_put_u32(m, CTRL_ATTR_MCAST_GRP_ID, id);
	err = nlipc_transact(ep, m, NULL, NULL);
	if (err && !ep->err.msg[0]) {
		if (name)
			nlipc_fail(ep, err, "nlipcd refused to join group '%s'",
				   name);
		else
			nlipc_fail(ep, err, "nlipcd refused to join group %u", id);
	}
	return err;
}

/**
 * nlipc_ctrl_join - join one of the family's multicast groups
 * @ep: the endpoint, resolved by nlipc_ctrl_resolve()
 * @name: the group's name, as in the getfamily reply
 *
 * From the ACK on, nlipcd sends the group's notifications on @ep's
 * connection. Returns 0 or a negative errno with the error record set:
 * -ENOENT (no such group), the daemon's refusal.
 */
int nlipc_ctrl_join(struct nlipc *ep, const char *name)
{
	const struct nlipc_genl_group *g = NULL;
	unsigned int i;

	for (i = 0; i < ep->ngroups && !g; i++)
		if (!strcmp(ep->groups[i].name, name))
			g = &ep->groups[i];
	if (!g)
		return nlipc_fail(ep, -ENOENT,
				  "family '%s' has no multicast group '%s'",
				  NLIPC_FAMILY_NAME, name);

	return ctrl_join(ep, g->id, name);
}

/**
 * nlipc_ctrl_join_id - join a multicast group of any family nlipcd serves
 * @ep: the endpoint
 * @id: the group's id, from the family's getfamily reply
 *
 * Returns as nlipc_ctrl_join() does.
 */
int nlipc_ctrl_join_id(struct nlipc *ep, uint32_t id)
{
	return ctrl_join(ep, id, NULL);
}

static bool plausible(uint32_t len, size_t max)
{
	return len >= NLMSG_HDRLEN && len <= max;
}

/**
 * nlipc_ctrl_check_order - refuse a peer of the other byte order
 * @ep: the endpoint
 * @nlh: the header of a message just received, before anything trusts it
 * @max: the most its nlmsg_len can be (the datagram's length, or
 *	NLIPC_BRIDGE_MSG_MAX on a stream)
 *
 * Netlink is host-endian, so the first reply from a daemon of the other
 * byte order has a length that only makes sense byte-swapped, or our
 * request's seq byte-swapped. Checked until a first reply passes. Returns
 * 0, or -EPROTO with the error record set.
 */
int nlipc_ctrl_check_order(struct nlipc *ep, const struct nlmsghdr *nlh,
			   size_t max)
{
	bool ours = plausible(nlh->nlmsg_len, max);
	uint32_t seq = bswap_32(ep->seq);

	if (ep->order_checked)
		return 0;
	if (plausible(bswap_32(nlh->nlmsg_len), max) &&
	    (!ours || (seq != ep->seq && nlh->nlmsg_seq == seq)))
		return nlipc_fail(ep, -EPROTO,
				  "byte order mismatch: nlipcd and this client differ in endianness");
	ep->order_checked = ours;
	return 0;
}
