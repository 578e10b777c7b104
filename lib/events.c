// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Notifications: an endpoint subscribed to the events or bus group, which
 * from then on only receives, and publish, which is an ordinary request.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

/* Join by name (the nlipc family's groups) or, with @name NULL, by id. */
static int join(struct nlipc *ep, const char *name, uint32_t id)
{
	int err;

	nlipc_error_clear(ep);
	if ((ep->tp->flags & NLIPC_TP_LOSSY) || (!name && !ep->tp->join_id))
		return nlipc_fail(ep, -EOPNOTSUPP,
				  "subscriptions are not available over %s: a lost datagram would lose notifications unnoticed; use tcp:// or unix:",
				  ep->tp->scheme);
	/* Left over from requests: not notifications. */
	if (!ep->subscribed)
		ep->ev_left = 0;
	err = name ? ep->tp->join(ep, name) : ep->tp->join_id(ep, id);
	if (err)
		return err;
	ep->subscribed = true;
	return 0;
}

/**
 * nlipc_subscribe - receive a multicast group's notifications
 * @ep: the endpoint; from now on it only receives (nlipc_call() on it
 *	fails with -EBUSY), so use another endpoint for requests
 * @group: NLIPC_MCGRP_EVENTS (kv changes) or NLIPC_MCGRP_BUS (publish)
 *
 * May be called again to join the other group too (notifications that
 * arrive while it joins are lost, and nlipc_next_event() says so with
 * -ENOBUFS). Returns 0 or a negative errno with the error record set:
 * -ENOENT (no such group), -EOPNOTSUPP over UDP, which could lose
 * notifications without anyone noticing.
 */
NLIPC_EXPORT int nlipc_subscribe(struct nlipc *ep, const char *group)
{
	return join(ep, group, 0);
}

/**
 * nlipc_join_group - receive any family's multicast group
 * @ep: the endpoint, usually from nlipc_open_genl(); from now on it only
 *	receives, as after nlipc_subscribe()
 * @group_id: the group's id, from the family's getfamily reply (the
 *	controller's CTRL_ATTR_MCAST_GRP_ID)
 *
 * Over nlipcd, the daemon relays the groups of the families it serves
 * (nlipcd --bridge-family). Read the notifications with nlipc_next_msg().
 * Returns 0 or a negative errno with the error record set: -EOPNOTSUPP
 * over UDP or a transport without groups, the kernel's or nlipcd's
 * refusal (-EINVAL: no such group; -EPERM).
 */
NLIPC_EXPORT int nlipc_join_group(struct nlipc *ep, uint32_t group_id)
{
	return join(ep, NULL, group_id);
}

static int event_parse(const struct nlmsghdr *nlh, struct nlipc_event *ev)
{
	const struct genlmsghdr *genl = nlipc_genl_hdr(nlh);
	const struct nlattr *tb[NLIPC_A_BUS_MAX + 1] = {};
	struct nlipc_kv_entry e;

	if (!genl)
		return -EBADMSG;
	memset(ev, 0, sizeof(*ev));
	ev->nlh = nlh;
	ev->cmd = genl->cmd;
	switch (genl->cmd) {
	case NLIPC_CMD_KV_SET_NTF:
	case NLIPC_CMD_KV_DEL_NTF:
		if (nlipc_kv_entry_parse(nlh, &e))
			return -EBADMSG;
		ev->key = e.key;
		ev->key_len = e.key_len;
		ev->value = e.value;
		ev->value_len = e.value_len;
		return 0;
	case NLIPC_CMD_PUBLISH_NTF:
		if (nlipc_attr_parse(nlh, tb, NLIPC_A_BUS_MAX) ||
		    !tb[NLIPC_A_BUS_TOPIC] ||
		    mnl_attr_validate(tb[NLIPC_A_BUS_TOPIC], MNL_TYPE_NUL_STRING) ||
		    !tb[NLIPC_A_BUS_SENDER] ||
		    mnl_attr_validate(tb[NLIPC_A_BUS_SENDER], MNL_TYPE_U32))
			return -EBADMSG;
		ev->topic = mnl_attr_get_str(tb[NLIPC_A_BUS_TOPIC]);
		ev->sender = mnl_attr_get_u32(tb[NLIPC_A_BUS_SENDER]);
		if (tb[NLIPC_A_BUS_PAYLOAD]) {
			ev->payload = mnl_attr_get_payload(tb[NLIPC_A_BUS_PAYLOAD]);
			ev->payload_len = mnl_attr_get_payload_len(tb[NLIPC_A_BUS_PAYLOAD]);
		}
		return 0;
	}
	return -ENOMSG;		/* a notification this library does not know */
}

/*
 * doc/bridge.md's overrun marker: nlipcd dropped notifications for us,
 * which a netlink socket reports as ENOBUFS from recv().
 */
static bool is_overrun(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	return nlh->nlmsg_type == NLMSG_ERROR && !nlh->nlmsg_seq &&
	       mnl_nlmsg_get_payload_len(nlh) >= sizeof(e->error) &&
	       e->error == -ENOBUFS;
}

/*
 * The next notification already received, or 0 if none is left: of the
 * nlipc family, parsed into @ev; or, with @ev NULL, of any family, in
 * @raw.
 */
static int event_take(struct nlipc *ep, struct nlipc_event *ev,
		      const struct nlmsghdr **raw)
{
	const struct nlmsghdr *nlh;
	int left, err;

	while (ep->ev_left) {
		nlh = (const struct nlmsghdr *)((char *)ep->rx + ep->ev_off);
		left = ep->ev_left;
		if (!nlipc_nlmsg_ok(nlh, left)) {
			ep->ev_left = 0;
			return nlipc_fail(ep, -EBADMSG,
					  "truncated notification from peer");
		}
		nlipc_nlmsg_next(nlh, &left);
		ep->ev_off += ep->ev_left - left;
		ep->ev_left = left;
		if (is_overrun(nlh))
			return nlipc_fail(ep, -ENOBUFS,
					  "overrun: notifications were lost; resync, then go on");
		if (!ev) {
			/* Notifications only: no answer to a request. */
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE || nlh->nlmsg_seq ||
			    !nlipc_genl_hdr(nlh))
				continue;
			*raw = nlh;
			return 1;
		}
		if (nlh->nlmsg_type != ep->family_id)
			continue;
		err = event_parse(nlh, ev);
		if (err == -ENOMSG)
			continue;
		if (err)
			return nlipc_fail(ep, err, "malformed notification");
		return 1;
	}
	return 0;
}

static int next(struct nlipc *ep, struct nlipc_event *ev,
		const struct nlmsghdr **raw, int timeout_ms)
{
	long long deadline;
	ssize_t n;
	int err;

	nlipc_error_clear(ep);
	if (!ep->subscribed)
		return nlipc_fail(ep, -EINVAL, "endpoint is not subscribed");
	if (ep->ev_lost) {
		ep->ev_lost = false;
		return nlipc_fail(ep, -ENOBUFS,
				  "notifications were lost while joining a group; resync, then go on");
	}
	nlipc_deadline(timeout_ms, &deadline);
	for (;;) {
		err = event_take(ep, ev, raw);
		if (err)
			return err;
		n = ep->tp->recv(ep, deadline);
		if (n == -ETIMEDOUT)
			return 0;
		if (n == -ENOBUFS)
			return nlipc_fail(ep, n,
					  "overrun: notifications were lost; resync, then go on");
		if (n < 0)
			return ep->err.code ? n : nlipc_fail(ep, n, "receive failed");
		ep->ev_off = 0;
		ep->ev_left = n;
		/* Messages that are no events must not keep us past it. */
		err = event_take(ep, ev, raw);
		if (err)
			return err;
		if (nlipc_expired(deadline))
			return 0;
	}
}

/**
 * nlipc_next_event - wait for the next notification
 * @ep: a subscribed endpoint
 * @ev: filled with the notification, valid until the next call on @ep
 * @timeout_ms: how long to wait, 0 to poll, -1 forever
 *
 * Returns 1 with @ev filled, 0 if none came in time, or a negative errno
 * with the error record set: -ENOBUFS when notifications were lost
 * because the socket (or, over a bridge, nlipcd's queue for us) overran
 * (resync, e.g. list the store again, then carry on calling this).
 */
NLIPC_EXPORT int nlipc_next_event(struct nlipc *ep, struct nlipc_event *ev,
				  int timeout_ms)
{
	return next(ep, ev, NULL, timeout_ms);
}

/**
 * nlipc_next_msg - wait for the next notification of any family
 * @ep: an endpoint that joined groups with nlipc_join_group()
 * @nlh: set to the notification, whole and with its genetlink header,
 *	valid until the next call on @ep; its nlmsg_type is the family's id
 * @timeout_ms: how long to wait, 0 to poll, -1 forever
 *
 * Returns as nlipc_next_event() does.
 */
NLIPC_EXPORT int nlipc_next_msg(struct nlipc *ep, const struct nlmsghdr **nlh,
				int timeout_ms)
{
	return next(ep, NULL, nlh, timeout_ms);
}

/**
 * nlipc_publish - send a message to every subscriber of the bus
 * @ep: the endpoint (not a subscribed one)
 * @topic: a non-empty string of up to 255 bytes
 * @payload: the message, may be NULL
 * @len: its length
 *
 * Subscribers of the publisher's network namespace receive the topic,
 * the payload and the publisher's port id. Returns 0 once the service has
 * sent it, or a negative errno with the error record set.
 */
NLIPC_EXPORT int nlipc_publish(struct nlipc *ep, const char *topic,
			       const void *payload, size_t len)
{
	struct nlipc_msg *m = nlipc_msg_start(ep, NLIPC_CMD_PUBLISH, 0);

	nlipc_msg_put_str(m, NLIPC_A_BUS_TOPIC, topic);
	if (payload || len)
		nlipc_msg_put(m, NLIPC_A_BUS_PAYLOAD, payload, len);
	return nlipc_call(ep, m, NULL, NULL);
}
