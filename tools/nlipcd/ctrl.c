// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The generic netlink controller, as far as clients need it on a bridged
 * transport: CTRL_CMD_GETFAMILY (do and dump) and CTRL_CMD_GETPOLICY for
 * the families served here (nlipc, the controller itself, and the kernel
 * families bridged.c forwards), answered as the kernel's nlctrl answers
 * them, and NLIPC_BRIDGE_CMD_JOIN (lib/bridge.h), which stands in for
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
#include "bridged.h"
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

/* A family served here: nlipc, the controller, or one bridged. */
struct served {
	enum { SERVED_NONE, SERVED_CTRL, SERVED_NLIPC, SERVED_BRIDGED } what;
	struct nlipcd_bridged *bf;
};

/*
 * Which family a request names, by name or id (@name_first: the name
 * wins, as ctrl_getfamily() has it; else the id, as getpolicy). A bridged
 * family is asked of the kernel again. -EINVAL if it names none.
 */
static int served(struct nlipcd *d, const struct nlattr **tb,
		  const struct nlipcd_family *f, bool name_first,
		  struct served *s)
{
	const struct nlattr *id = tb[CTRL_ATTR_FAMILY_ID];
	const struct nlattr *name = tb[CTRL_ATTR_FAMILY_NAME];
	struct nlipcd_bridged *bf;

	s->what = SERVED_NONE;
	s->bf = NULL;
	if (name && (name_first || !id)) {
		const char *n = mnl_attr_get_str(name);

		if (!strcmp(n, NLIPC_FAMILY_NAME))
			s->what = SERVED_NLIPC;
		else if (!strcmp(n, "nlctrl"))
			s->what = SERVED_CTRL;
		else if ((bf = nlipcd_bridge_by_name(d, n)) &&
			 !nlipcd_bridge_refresh(d, bf)) {
			s->what = SERVED_BRIDGED;
			s->bf = bf;
		}
		return 0;
	}
	if (!id)
		return -EINVAL;
	if (mnl_attr_get_u16(id) == GENL_ID_CTRL) {
		s->what = SERVED_CTRL;
	} else if (f && mnl_attr_get_u16(id) == f->id) {
		s->what = SERVED_NLIPC;
	} else if ((bf = nlipcd_bridge_resolve_id(d, mnl_attr_get_u16(id)))) {
		s->what = SERVED_BRIDGED;
		s->bf = bf;
	}
	return 0;
}

static const char *no_family(struct nlipcd *d, const struct nlattr **tb)
{
	const char *name = tb[CTRL_ATTR_FAMILY_NAME] ?
			   mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]) : NULL;
	static char text[512];

	if (name && nlipcd_bridge_by_name(d, name))
		snprintf(text, sizeof(text),
			 "nlipcd bridges %s, but the kernel has no such family now",
			 name);
	else if (name)
		snprintf(text, sizeof(text), "no family '%s' here: nlipcd serves %s",
			 name, nlipcd_bridge_names(d));
	else
		snprintf(text, sizeof(text), "no family %u here: nlipcd serves %s",
			 mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]),
			 nlipcd_bridge_names(d));
	return text;
}

/*
 * The controller itself, as nlctrl describes itself, less its group and
 * its policies: nlipcd does not dump those, so no op may claim one.
 */
static void ctrl_newfamily(struct nlipcd_reply *r, uint16_t flags,
			   uint32_t seq, uint32_t portid)
{
	static const struct {
		uint8_t cmd;
		uint32_t flags;
	} ops[] = {
		{ CTRL_CMD_GETFAMILY, GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP },
		{ CTRL_CMD_GETPOLICY, GENL_CMD_CAP_DUMP },
	};
	size_t nest, one;
	unsigned int i;

	nlipcd_reply_genl(r, GENL_ID_CTRL, flags, seq, portid,
			  CTRL_CMD_NEWFAMILY, 2);
	nlipcd_reply_put_str(r, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	nlipcd_reply_put(r, CTRL_ATTR_FAMILY_ID, &(uint16_t){ GENL_ID_CTRL },
			 sizeof(uint16_t));
	nlipcd_reply_put_u32(r, CTRL_ATTR_VERSION, 2);
	nlipcd_reply_put_u32(r, CTRL_ATTR_HDRSIZE, 0);
	nlipcd_reply_put_u32(r, CTRL_ATTR_MAXATTR, CTRL_ATTR_MAX);
	nest = nlipcd_reply_nest_start(r, CTRL_ATTR_OPS);
	for (i = 0; i < NLIPCD_ARRAY_SIZE(ops); i++) {
		one = nlipcd_reply_nest_start(r, i + 1);
		nlipcd_reply_put_u32(r, CTRL_ATTR_OP_ID, ops[i].cmd);
		nlipcd_reply_put_u32(r, CTRL_ATTR_OP_FLAGS, ops[i].flags);
		nlipcd_reply_nest_end_plain(r, one);
	}
	nlipcd_reply_nest_end_plain(r, nest);
}

/* One family's CTRL_CMD_NEWFAMILY, appended to @r. */
static void newfamily(struct nlipcd_client *c, const struct served *s,
		      const struct nlipcd_family *f, struct nlipcd_reply *r,
		      uint16_t flags, uint32_t seq)
{
	switch (s->what) {
	case SERVED_CTRL:
		ctrl_newfamily(r, flags, seq, c->portid);
		break;
	case SERVED_NLIPC:
		nlipcd_reply_genl(r, GENL_ID_CTRL, flags, seq, c->portid,
				  CTRL_CMD_NEWFAMILY, 2);
		nlipcd_reply_append(r, f->attrs, f->attrs_len);
		break;
	case SERVED_BRIDGED:
		nlipcd_bridge_newfamily(c, s->bf, r, flags, seq);
		break;
	case SERVED_NONE:
		break;
	}
}

/* Every family served, as ctrl_dumpfamily() lists the kernel's. */
static void getfamily_dump(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			   const struct nlipcd_family *f, bool have)
{
	struct served s = { .what = SERVED_CTRL };
	struct nlipcd_reply r;
	unsigned int i;

	if (nlipcd_reply_init(&r, 4096))
		return;
	newfamily(c, &s, f, &r, NLM_F_MULTI, nlh->nlmsg_seq);
	if (have) {
		s.what = SERVED_NLIPC;
		newfamily(c, &s, f, &r, NLM_F_MULTI, nlh->nlmsg_seq);
	}
	s.what = SERVED_BRIDGED;
	for (i = 0; (s.bf = nlipcd_bridge_nth(c->d, i)); i++)
		if (!nlipcd_bridge_refresh(c->d, s.bf))
			newfamily(c, &s, f, &r, NLM_F_MULTI, nlh->nlmsg_seq);
	nlipcd_reply_done(&r, nlh->nlmsg_seq, c->portid, 0);
	nlipcd_client_send_reply(c, &r);
	nlipcd_reply_release(&r);
}

static void getfamily(struct nlipcd_client *c, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[CTRL_ATTR_FAMILY_NAME + 1];
	struct nlipcd_extack ext = { 0 };
	struct nlipcd_family f;
	const char *why = NULL;
	struct nlipcd_reply r;
	bool dump = is_dump(nlh);
	struct served s;
	bool have;
	int err;

	if (dump && c->ops->lossy) {
		ext.msg = nlipcd_udp_dump_refused;
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
	if (dump) {
		getfamily_dump(c, nlh, &f, have);
		return;
	}
	err = served(c->d, tb, have ? &f : NULL, true, &s);
	if (err) {
		nlipcd_request_ack(c, nlh, err, NULL);
		return;
	}
	if (s.what == SERVED_NONE || (s.what == SERVED_NLIPC && !have)) {
		ext.msg = s.what == SERVED_NONE ? no_family(c->d, tb) : why;
		nlipcd_request_ack(c, nlh, -ENOENT, &ext);
		return;
	}
	if (nlipcd_reply_init(&r, 4096))
		return;
	newfamily(c, &s, &f, &r, 0, nlh->nlmsg_seq);
	if (nlh->nlmsg_flags & NLM_F_ACK)
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
	struct served s;
	bool have;
	int err;

	if (!is_dump(nlh)) {
		nlipcd_request_ack(c, nlh, -EOPNOTSUPP, NULL);
		return;
	}
	if (c->ops->lossy) {
		ext.msg = nlipcd_udp_dump_refused;
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
	have = !c->d->backend->family(c->d, &f, &why);
	err = served(c->d, tb, have ? &f : NULL, false, &s);
	if (!err && s.what == SERVED_BRIDGED) {
		nlipcd_bridge_policy(c, nlh, s.bf);
		return;
	}
	if (!err && s.what == SERVED_NLIPC && !have) {
		ext.msg = why;
		nlipcd_request_ack(c, nlh, -ENOENT, &ext);
		return;
	}
	if (err || s.what != SERVED_NLIPC) {
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
	bool have;
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
	id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	have = !d->backend->family(d, &f, &why);
	for (g = 0; have && g < NLIPCD_GRP_COUNT; g++)
		if (f.group_id[g] == id)
			break;
	if (!have || g == NLIPCD_GRP_COUNT) {
		err = nlipcd_bridge_join(c, id, &ext);
		if (err != -ENOENT)
			goto out_answer;
		if (have)
			NLIPCD_SET_ERR_ATTR(&ext, tb[CTRL_ATTR_MCAST_GRP_ID],
					    "no such multicast group in the nlipc family");
		else
			ext.msg = why;
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
