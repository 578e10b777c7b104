// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The generic netlink controller, as far as nlipc's clients need it on a
 * bridged transport: CTRL_CMD_GETFAMILY (do and dump) and CTRL_CMD_GETPOLICY
 * for the nlipc family, answered as the kernel's nlctrl answers them, and
 * NLIPC_BRIDGE_CMD_JOIN (lib/bridge.h), which stands in for
 * setsockopt(NETLINK_ADD_MEMBERSHIP).
 *
 * Like nlctrl, GETFAMILY and GETPOLICY (before its resv_start_op) are
 * validated liberally: unknown attributes are ignored.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/nlipc.h>

#include "backend.h"
#include "client.h"
#include "kind.h"
#include "nlipcd.h"
#include "policy.h"
#include "reply.h"
#include "request.h"

static bool is_dump(const struct nlmsghdr *nlh)
{
	return (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}

static const char udp_dump_refused[] =
	"dumps are refused over UDP: a lost datagram would lose entries unnoticed; use tcp:// or unix:";

/* Which family a request names: 1 nlipc, 0 another, -EINVAL neither. */
static int names_nlipc(const struct nlattr **tb, const struct nlipcd_family *f,
		       bool name_first)
{
	const struct nlattr *id = tb[CTRL_ATTR_FAMILY_ID];
	const struct nlattr *name = tb[CTRL_ATTR_FAMILY_NAME];

	if (name && (name_first || !id))
		return !strcmp(mnl_attr_get_str(name), NLIPC_FAMILY_NAME);
	if (id)
		return f && mnl_attr_get_u16(id) == f->id;
	return -EINVAL;
}

static const char *no_family(const struct nlattr **tb)
{
	static char text[96];

	if (tb[CTRL_ATTR_FAMILY_NAME])
		snprintf(text, sizeof(text),
			 "no family '%s' here: nlipcd serves the nlipc family only",
			 mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]));
	else
		snprintf(text, sizeof(text),
			 "no family %u here: nlipcd serves the nlipc family only",
			 mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]));
	return text;
}

static void getfamily(struct nlipcd_client *c, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[CTRL_ATTR_FAMILY_NAME + 1];
	struct nlipcd_extack ext = { 0 };
	struct nlipcd_family f;
	const char *why = NULL;
	struct nlipcd_reply r;
	bool dump = is_dump(nlh);
	bool have;
	int err;

	if (dump && c->ops->lossy) {
		ext.msg = udp_dump_refused;
		nlipcd_request_ack(c, nlh, -EOPNOTSUPP, &ext);
		return;
	}
	err = nlipcd_policy_parse(nlh, &nlipcd_ctrl_getfamily_policy,
				  NLIPCD_VALIDATE_LIBERAL, tb, &ext);
	if (err) {
		nlipcd_request_ack(c, nlh, err, &ext);
		return;
	}
	have = !c->d->backend->family(c->d, &f, &why);
	if (!dump) {
		/* ctrl_getfamily(): the name wins over the id. */
		err = names_nlipc(tb, have ? &f : NULL, true);
		if (err < 0) {
			nlipcd_request_ack(c, nlh, err, NULL);
			return;
		}
		if (!err || !have) {
			ext.msg = !err ? no_family(tb) : why;
			nlipcd_request_ack(c, nlh, -ENOENT, &ext);
			return;
		}
	}

	if (nlipcd_reply_init(&r, f.attrs_len + 128))
		return;
	if (have) {
		nlipcd_reply_genl(&r, GENL_ID_CTRL, dump ? NLM_F_MULTI : 0,
				  nlh->nlmsg_seq, c->portid,
				  CTRL_CMD_NEWFAMILY, 2);
		nlipcd_reply_append(&r, f.attrs, f.attrs_len);
	}
	if (dump)
		nlipcd_reply_done(&r, nlh->nlmsg_seq, c->portid, 0);
	else if (nlh->nlmsg_flags & NLM_F_ACK)
		nlipcd_reply_ack(&r, nlh, c->portid, 0, &ext);
	nlipcd_client_send_reply(c, &r);
	nlipcd_reply_release(&r);
}

static void getpolicy(struct nlipcd_client *c, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[CTRL_ATTR_OP + 1];
	struct nlipcd_extack ext = { 0 };
	struct nlipcd_family f;
	const char *why = NULL;
	int err;

	if (!is_dump(nlh)) {
		nlipcd_request_ack(c, nlh, -EOPNOTSUPP, NULL);
		return;
	}
	if (c->ops->lossy) {
		ext.msg = udp_dump_refused;
		nlipcd_request_ack(c, nlh, -EOPNOTSUPP, &ext);
		return;
	}
	if (c->dump) {
		/* netlink_dump_start(): one dump at a time per socket. */
		nlipcd_request_ack(c, nlh, -EBUSY, NULL);
		return;
	}
	err = nlipcd_policy_parse(nlh, &nlipcd_ctrl_getpolicy_policy,
				  NLIPCD_VALIDATE_LIBERAL, tb, &ext);
	if (err) {
		nlipcd_request_ack(c, nlh, err, &ext);
		return;
	}
	/* ctrl_dumppolicy_start(): the id wins over the name. */
	if (c->d->backend->family(c->d, &f, &why)) {
		ext.msg = why;
		nlipcd_request_ack(c, nlh, -ENOENT, &ext);
		return;
	}
	err = names_nlipc(tb, &f, false);
	if (err <= 0) {
		/* The kernel's dump start errors carry no extack. */
		nlipcd_request_ack(c, nlh, err ? err : -ENOENT, NULL);
		return;
	}
	c->d->backend->policy(c, nlh, tb[CTRL_ATTR_OP], &f);
}

static void join(struct nlipcd_client *c, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_ID + 1];
	struct nlipcd_extack ext = { 0 };
	struct nlipcd *d = c->d;
	struct nlipcd_family f;
	const char *why = NULL;
	unsigned int g;
	uint32_t id;
	int err;

	if (c->ops->lossy) {
		NLIPCD_SET_ERR_MSG(&ext,
				   "subscriptions are refused over UDP: a lost datagram would lose notifications unnoticed; use tcp:// or unix:");
		nlipcd_request_ack(c, nlh, -EOPNOTSUPP, &ext);
		return;
	}
	err = nlipcd_policy_parse(nlh, &nlipcd_ctrl_join_policy,
				  NLIPCD_VALIDATE_STRICT, tb, &ext);
	if (err)
		goto out_answer;
	if (!tb[CTRL_ATTR_MCAST_GRP_ID]) {
		ext.miss_type = CTRL_ATTR_MCAST_GRP_ID;
		err = -EINVAL;
		goto out_answer;
	}
	if (d->backend->family(d, &f, &why)) {
		ext.msg = why;
		err = -ENOENT;
		goto out_answer;
	}
	id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	for (g = 0; g < NLIPCD_GRP_COUNT; g++)
		if (f.group_id[g] == id)
			break;
	if (g == NLIPCD_GRP_COUNT) {
		NLIPCD_SET_ERR_ATTR(&ext, tb[CTRL_ATTR_MCAST_GRP_ID],
				    "no such multicast group in the nlipc family");
		err = -ENOENT;
		goto out_answer;
	}
	if (!(c->groups & (1u << g))) {
		c->groups |= 1u << g;
		d->n_subscribed[g]++;
		err = d->backend->join ? d->backend->join(c, g) : 0;
		if (err) {
			c->groups &= ~(1u << g);
			d->n_subscribed[g]--;
			NLIPCD_SET_ERR_MSG(&ext, "nlipcd could not join the group");
			goto out_answer;
		}
		nlipcd_debug("%s: joined %s", c->name,
			     g == NLIPCD_GRP_EVENTS ? "events" : "bus");
	}
out_answer:
	nlipcd_request_ack(c, nlh, err, &ext);
}

void nlipcd_ctrl_handle(struct nlipcd_client *c, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlipcd_extack ext = { 0 };
	int err;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		nlipcd_request_ack(c, nlh, -EINVAL, NULL);
		return;
	}
	/* nlctrl's header check applies from its resv_start_op (11) on. */
	err = 0;
	if (g->cmd > CTRL_CMD_GETPOLICY)
		err = nlipcd_genl_header_check(nlh, &ext);
	if (err) {
		nlipcd_request_ack(c, nlh, err, &ext);
		return;
	}
	switch (g->cmd) {
	case CTRL_CMD_GETFAMILY:
		getfamily(c, nlh);
		return;
	case CTRL_CMD_GETPOLICY:
		getpolicy(c, nlh);
		return;
	case NLIPC_BRIDGE_CMD_JOIN:
		join(c, nlh);
		return;
	}
	nlipcd_request_ack(c, nlh, -EOPNOTSUPP, NULL);
}
