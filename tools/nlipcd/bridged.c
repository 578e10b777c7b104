// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Other generic netlink families, bridged: --bridge-family NAME[:OPS]
 * forwards the requests of a kernel family to the kernel, through the
 * forwarder the kernel backend uses (fwd.c), and its notifications to the
 * clients that joined its groups. What the kernel's controller says of
 * the family (its id, ops and their flags, groups) is asked again on
 * every getfamily, so a family that comes late or comes back is found.
 *
 * nlipcd sends with its own credentials, so the kernel's permission
 * checks see nlipcd, not the client: ours stand in for them, stricter
 * (doc/bridge.md, "Other families"):
 * - only the ops OPS names are forwarded: all (the default), read-only
 *   (dumps, and do ops the spec names as gets: *-get, get*), dump-only,
 *   or a list of op names (from the family's spec) or numbers;
 * - ops the kernel flags GENL_ADMIN_PERM or GENL_UNS_ADMIN_PERM, and the
 *   family's groups (the controller does not say which need a capability),
 *   only for the uids --allow-uid allows on AF_UNIX;
 * - network clients get dumps and gets, and the ops listed by name.
 * Every refusal is an error with an extack message, and is counted.
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

#include "../../lib/spec/spec.h"
#include "backend.h"
#include "bridged.h"
#include "client.h"
#include "fwd.h"
#include "kind.h"
#include "loop.h"
#include "request.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define BRIDGED_MAX	16
#define OPS_MAX		256
#define GROUPS_MAX	16
#define NTF_TURN	64	/* notification datagrams read per turn */

enum rule {
	RULE_ALL,
	RULE_READ_ONLY,
	RULE_DUMP_ONLY,
	RULE_LISTED,
};

static const char *const rule_names[] = {
	[RULE_ALL] = "all",
	[RULE_READ_ONLY] = "read-only",
	[RULE_DUMP_ONLY] = "dump-only",
};

struct bridged_group {
	char name[GENL_NAMSIZ];
	uint32_t id;			/* the kernel's */
};

struct nlipcd_bridged {
	char name[GENL_NAMSIZ];
	enum rule rule;
	uint8_t listed[OPS_MAX / 8];	/* RULE_LISTED: the ops named */
	struct nlipc_spec *spec;	/* op names and gets, or NULL */

	/* What the controller said last; id 0 while it is not registered. */
	uint16_t id;
	uint32_t op_flags[OPS_MAX];	/* GENL_* by cmd; 0: no such op */
	struct bridged_group groups[GROUPS_MAX];
	unsigned int n_groups;
	unsigned char attrs[8192];	/* its CTRL_CMD_NEWFAMILY attributes */
	size_t attrs_len;
	bool clash_warned;

	uint64_t forwarded, refused;
};

struct nlipcd_bridge {
	struct nlipcd *d;
	struct nlipcd_fwd fwd;
	struct nlipcd_watch ntf_w;	/* the groups subscribers joined */
	struct nlipcd_bridged *fams[BRIDGED_MAX];
	unsigned int n;
	/*
	 * The kernel group behind each client group bit from
	 * NLIPCD_GRP_COUNT, 0 for a slot free again; n_slots: the most used.
	 */
	uint32_t slot_group[NLIPCD_GROUPS_MAX];
	unsigned int n_slots;
};

static bool bit(const uint8_t *map, unsigned int i)
{
	return map[i / 8] & (1u << (i % 8));
}

/* ------------------------------------------------------------------ */
/* --bridge-family NAME[:OPS]                                          */
/* ------------------------------------------------------------------ */

static const struct nlipc_spec_op *spec_op(const struct nlipcd_bridged *f,
					   unsigned int cmd)
{
	size_t i;

	if (!f->spec)
		return NULL;
	for (i = 0; i < f->spec->n_ops; i++) {
		const struct nlipc_spec_op *op = &f->spec->ops[i];

		if ((op->do_.present &&
		     (op->do_.request.value ?: op->value) == cmd) ||
		    (op->dump.present &&
		     (op->dump.request.value ?: op->value) == cmd))
			return op;
	}
	return NULL;
}

static const char *op_name(const struct nlipcd_bridged *f, unsigned int cmd)
{
	const struct nlipc_spec_op *op = spec_op(f, cmd);
	static char text[16];

	if (op)
		return op->name;
	snprintf(text, sizeof(text), "op %u", cmd);
	return text;
}

/* By YNL's naming (dev-get, getfamily): asks, changes nothing. */
static bool is_get(const struct nlipcd_bridged *f, unsigned int cmd)
{
	const struct nlipc_spec_op *op = spec_op(f, cmd);
	size_t len;

	if (!op)
		return false;
	len = strlen(op->name);
	return !strncmp(op->name, "get", 3) ||
	       (len > 4 && !strcmp(op->name + len - 4, "-get"));
}

static int list_op(struct nlipcd_bridged *f, const char *word)
{
	char *end;
	unsigned long cmd;
	size_t i;

	cmd = strtoul(word, &end, 0);
	if (end != word && !*end && cmd < OPS_MAX) {
		f->listed[cmd / 8] |= 1u << (cmd % 8);
		return 0;
	}
	if (!f->spec) {
		fprintf(stderr,
			"nlipcd: --bridge-family %s: no spec to name op '%s' by (%s.yaml in $NLIPC_SPEC_PATH, %s or /usr/share/ynl/specs): give its number\n",
			f->name, word, f->name, nlipc_spec_dirs[0]);
		return -EINVAL;
	}
	for (i = 0; i < f->spec->n_ops; i++) {
		const struct nlipc_spec_op *op = &f->spec->ops[i];

		if (strcmp(op->name, word))
			continue;
		if (op->do_.present)
			cmd = op->do_.request.value ?: op->value;
		else if (op->dump.present)
			cmd = op->dump.request.value ?: op->value;
		else
			break;
		/* A spec's number is any u32: past the map, no such op here. */
		if (cmd >= OPS_MAX)
			break;
		f->listed[cmd / 8] |= 1u << (cmd % 8);
		return 0;
	}
	fprintf(stderr, "nlipcd: --bridge-family %s: the family has no op '%s'\n",
		f->name, word);
	return -EINVAL;
}

static int parse_ops(struct nlipcd_bridged *f, const char *ops)
{
	char *list, *word, *save = NULL;
	unsigned int i;
	int err = 0;

	for (i = 0; i < NLIPCD_ARRAY_SIZE(rule_names); i++) {
		if (!strcmp(ops, rule_names[i])) {
			f->rule = i;
			return 0;
		}
	}
	f->rule = RULE_LISTED;
	list = strdup(ops);
	if (!list)
		return -ENOMEM;
	for (word = strtok_r(list, ",", &save); word && !err;
	     word = strtok_r(NULL, ",", &save))
		err = list_op(f, word);
	free(list);
	return err;
}

/* The spec, for op names and gets: optional unless ops are named. */
static void load_spec(struct nlipcd_bridged *f)
{
	char path[4096], why[256];

	if (nlipc_spec_find(f->name, path, sizeof(path)))
		return;
	if (nlipc_spec_load(path, &f->spec, why, sizeof(why))) {
		nlipcd_warn("%s: %s; the family's ops go by number", path, why);
		f->spec = NULL;
	}
}

/**
 * nlipcd_bridge_add - take one --bridge-family option
 * @d: the daemon, before nlipcd_bridge_init()
 * @arg: NAME, or NAME:OPS (all, read-only, dump-only, or OP[,OP...])
 *
 * Returns 0, or -EINVAL with the reason on stderr, or -ENOMEM.
 */
int nlipcd_bridge_add(struct nlipcd *d, const char *arg)
{
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
	struct nlipcd_bridge *b = d->bridge;
	struct nlipcd_bridged *f;
	int err;

	if (!len || len >= GENL_NAMSIZ || (colon && !colon[1])) {
		fprintf(stderr, "nlipcd: --bridge-family: '%s' is not FAMILY[:OPS]\n",
			arg);
		return -EINVAL;
	}
	if ((len == strlen(NLIPC_FAMILY_NAME) &&
	     !strncmp(arg, NLIPC_FAMILY_NAME, len)) ||
	    (len == 6 && !strncmp(arg, "nlctrl", 6))) {
		fprintf(stderr, "nlipcd: --bridge-family: nlipcd serves %.*s itself\n",
			(int)len, arg);
		return -EINVAL;
	}
	if (!b) {
		b = calloc(1, sizeof(*b));
		if (!b)
			return -ENOMEM;
		b->fwd.fd = -1;
		b->ntf_w.fd = -1;
		d->bridge = b;
	}
	if (b->n == BRIDGED_MAX) {
		fprintf(stderr, "nlipcd: more than %d --bridge-family\n",
			BRIDGED_MAX);
		return -EINVAL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	memcpy(f->name, arg, len);
	if (nlipcd_bridge_by_name(d, f->name)) {
		fprintf(stderr, "nlipcd: --bridge-family %s: given twice\n",
			f->name);
		free(f);
		return -EINVAL;
	}
	load_spec(f);
	err = colon ? parse_ops(f, colon + 1) : 0;
	if (err) {
		nlipc_spec_free(f->spec);
		free(f);
		return err;
	}
	b->fams[b->n++] = f;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The family, as the kernel's controller describes it                 */
/* ------------------------------------------------------------------ */

static void parse_ops_attr(struct nlipcd_bridged *f, const struct nlattr *ops)
{
	const struct nlattr *op, *a;

	mnl_attr_for_each_nested(op, ops) {
		uint32_t id = OPS_MAX, flags = 0;

		mnl_attr_for_each_nested(a, op) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_OP_ID &&
			    !mnl_attr_validate(a, MNL_TYPE_U32))
				id = mnl_attr_get_u32(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_OP_FLAGS &&
				 !mnl_attr_validate(a, MNL_TYPE_U32))
				flags = mnl_attr_get_u32(a);
		}
		/* Every op has a do or a dump: flags of 0 mean no op. */
		if (id < OPS_MAX)
			f->op_flags[id] = flags;
	}
}

static void parse_groups(struct nlipcd_bridged *f, const struct nlattr *grps)
{
	const struct nlattr *g, *a;

	f->n_groups = 0;
	mnl_attr_for_each_nested(g, grps) {
		struct bridged_group *bg = &f->groups[f->n_groups];
		const char *name = NULL;
		uint32_t id = 0;

		if (f->n_groups == GROUPS_MAX)
			break;
		mnl_attr_for_each_nested(a, g) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
				 !mnl_attr_validate(a, MNL_TYPE_U32))
				id = mnl_attr_get_u32(a);
		}
		if (!name || !id)
			continue;
		snprintf(bg->name, sizeof(bg->name), "%s", name);
		bg->id = id;
		f->n_groups++;
	}
}

/* The id nlipc has here: a bridged family may not shadow it. */
static uint16_t nlipc_id(struct nlipcd *d)
{
	struct nlipcd_family fam;
	const char *why;

	return d->backend->family(d, &fam, &why) ? 0 : fam.id;
}

/**
 * nlipcd_bridge_refresh - ask the kernel's controller for the family again
 * @d: the daemon
 * @f: the family
 *
 * Returns 0, or -ENOENT if the kernel has no such family (f->id is 0 then),
 * or another negative errno.
 */
int nlipcd_bridge_refresh(struct nlipcd *d, struct nlipcd_bridged *f)
{
	struct nlipcd_bridge *b = d->bridge;
	const struct nlmsghdr *nlh;
	const struct nlattr *a;
	uint16_t id = 0;
	size_t len;
	int err;

	err = nlipcd_fwd_getfamily(&b->fwd, f->name, &nlh);
	f->id = 0;
	if (err)
		return err;
	len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	if (len > sizeof(f->attrs))
		return -E2BIG;
	memset(f->op_flags, 0, sizeof(f->op_flags));
	f->n_groups = 0;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (!mnl_attr_validate(a, MNL_TYPE_U16))
				id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_OPS:
			parse_ops_attr(f, a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			parse_groups(f, a);
			break;
		}
	}
	memcpy(f->attrs, (const char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN, len);
	f->attrs_len = len;
	if (!id)
		return -EBADMSG;
	if (id == nlipc_id(d)) {
		if (!f->clash_warned)
			nlipcd_warn("the kernel's %s has id %u, the nlipc family's here: not bridged",
				    f->name, id);
		f->clash_warned = true;
		return -EEXIST;
	}
	f->id = id;
	return 0;
}

struct nlipcd_bridged *nlipcd_bridge_by_id(struct nlipcd *d, uint16_t id)
{
	struct nlipcd_bridge *b = d->bridge;
	unsigned int i;

	for (i = 0; b && id && i < b->n; i++)
		if (b->fams[i]->id == id)
			return b->fams[i];
	return NULL;
}

/* The family with kernel id @id now: ids change as families come and go. */
struct nlipcd_bridged *nlipcd_bridge_resolve_id(struct nlipcd *d, uint16_t id)
{
	struct nlipcd_bridge *b = d->bridge;
	unsigned int i;

	for (i = 0; b && id && i < b->n; i++)
		if (!nlipcd_bridge_refresh(d, b->fams[i]) &&
		    b->fams[i]->id == id)
			return b->fams[i];
	return NULL;
}

struct nlipcd_bridged *nlipcd_bridge_by_name(struct nlipcd *d,
					     const char *name)
{
	struct nlipcd_bridge *b = d->bridge;
	unsigned int i;

	for (i = 0; b && i < b->n; i++)
		if (!strcmp(b->fams[i]->name, name))
			return b->fams[i];
	return NULL;
}

struct nlipcd_bridged *nlipcd_bridge_nth(struct nlipcd *d, unsigned int i)
{
	return d->bridge && i < d->bridge->n ? d->bridge->fams[i] : NULL;
}

/* "nlipc, nlctrl, netdev, ethtool": what a client may resolve here. */
const char *nlipcd_bridge_names(struct nlipcd *d)
{
	static char names[BRIDGED_MAX * (GENL_NAMSIZ + 2) + 32];
	struct nlipcd_bridge *b = d->bridge;
	size_t len;
	unsigned int i;

	len = snprintf(names, sizeof(names), "%s, nlctrl", NLIPC_FAMILY_NAME);
	for (i = 0; b && i < b->n && len < sizeof(names); i++)
		len += snprintf(names + len, sizeof(names) - len, ", %s",
				b->fams[i]->name);
	return names;
}

/* ------------------------------------------------------------------ */
/* Who may do what                                                     */
/* ------------------------------------------------------------------ */

static bool is_admin(uint32_t flags)
{
	return flags & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM);
}

static bool local_allowed(const struct nlipcd_client *c)
{
	return !c->who.remote && c->who.uid_known &&
	       nlipcd_uid_allowed(c->d, c->who.uid);
}

/*
 * Whether @c may send @f's op @cmd as a dump or a do: 0, or a negative
 * errno with the reason in @ext.
 */
static int check_op(const struct nlipcd_client *c,
		    const struct nlipcd_bridged *f, unsigned int cmd, bool dump,
		    struct nlipcd_extack *ext)
{
	static char text[256];
	uint32_t flags = cmd < OPS_MAX ? f->op_flags[cmd] : 0;
	const char *name = op_name(f, cmd);
	bool listed = f->rule == RULE_LISTED && bit(f->listed, cmd);

	if (!flags) {
		snprintf(text, sizeof(text), "%s has no op %u", f->name, cmd);
		ext->msg = text;
		return -EOPNOTSUPP;
	}
	if (!(flags & (dump ? GENL_CMD_CAP_DUMP : GENL_CMD_CAP_DO))) {
		snprintf(text, sizeof(text), "%s of %s has no %s", name,
			 f->name, dump ? "dump" : "do");
		ext->msg = text;
		return -EOPNOTSUPP;
	}
	if ((f->rule == RULE_DUMP_ONLY && !dump) ||
	    (f->rule == RULE_READ_ONLY && !dump && !is_get(f, cmd)) ||
	    (f->rule == RULE_LISTED && !listed)) {
		snprintf(text, sizeof(text),
			 "%s%s of %s is not bridged (nlipcd --bridge-family %s:%s)",
			 name, dump ? " dump" : "", f->name, f->name,
			 f->rule == RULE_LISTED ? "OP,..." : rule_names[f->rule]);
		ext->msg = text;
		return -EPERM;
	}
	if (is_admin(flags) && c->who.remote) {
		snprintf(text, sizeof(text),
			 "%s of %s needs CAP_NET_ADMIN: refused over the network",
			 name, f->name);
		ext->msg = text;
		return -EPERM;
	}
	if (is_admin(flags) && !local_allowed(c)) {
		if (c->who.uid_known)
			snprintf(text, sizeof(text),
				 "%s of %s needs CAP_NET_ADMIN: root, nlipcd's own uid or --allow-uid (uid %u is none of them)",
				 name, f->name, (unsigned int)c->who.uid);
		else
			snprintf(text, sizeof(text),
				 "%s of %s needs CAP_NET_ADMIN: root, nlipcd's own uid or --allow-uid (the sender's uid is unknown)",
				 name, f->name);
		ext->msg = text;
		return -EPERM;
	}
	if (c->who.remote && !dump && !listed && !is_get(f, cmd)) {
		const struct nlipc_spec_op *op = spec_op(f, cmd);

		if (op)
			snprintf(text, sizeof(text),
				 "read-only over the network: %s of %s is neither a dump nor a get (allow it: nlipcd --bridge-family %s:%s)",
				 name, f->name, f->name, op->name);
		else
			snprintf(text, sizeof(text),
				 "read-only over the network: %s of %s is no dump, and without the family's spec no do is a get (allow it: nlipcd --bridge-family %s:%u)",
				 name, f->name, f->name, cmd);
		ext->msg = text;
		return -EPERM;
	}
	return 0;
}

/**
 * nlipcd_bridge_remote_writes - may network clients change the kernel?
 * @d: the daemon
 *
 * True if a family's OPS name an op that is not a get (by its spec name;
 * an op given by number counts as a write): network clients may send it.
 */
bool nlipcd_bridge_remote_writes(struct nlipcd *d)
{
	struct nlipcd_bridge *b = d->bridge;
	unsigned int i, cmd;

	for (i = 0; b && i < b->n; i++) {
		if (b->fams[i]->rule != RULE_LISTED)
			continue;
		for (cmd = 0; cmd < OPS_MAX; cmd++)
			if (bit(b->fams[i]->listed, cmd) && !is_get(b->fams[i], cmd))
				return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

static void refuse(struct nlipcd_client *c, const struct nlmsghdr *nlh,
		   struct nlipcd_bridged *f, int err,
		   const struct nlipcd_extack *ext)
{
	f->refused++;
	nlipcd_debug("%s: %s refused: %s", c->name, f->name,
		     ext->msg ?: strerror(-err));
	nlipcd_request_ack(c, nlh, err, ext);
}

/**
 * nlipcd_bridge_request - a request of a bridged family
 * @c: the client
 * @nlh: the request, its nlmsg_type @f's id
 * @f: the family
 *
 * Forwarded to the kernel if @c may send it, else refused.
 */
void nlipcd_bridge_request(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			   struct nlipcd_bridged *f)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	struct nlipcd_extack ext = { 0 };
	int err;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		refuse(c, nlh, f, -EINVAL, &ext);
		return;
	}
	err = check_op(c, f, g->cmd, dump, &ext);
	if (!err && dump && c->ops->lossy) {
		ext.msg = nlipcd_udp_dump_refused;
		err = -EOPNOTSUPP;
	}
	if (err) {
		refuse(c, nlh, f, err, &ext);
		return;
	}
	if (dump && c->dump) {
		/* netlink_dump_start(): one dump at a time per socket. */
		refuse(c, nlh, f, -EBUSY, &ext);
		return;
	}
	f->forwarded++;
	if (dump)
		nlipcd_fwd_dump(&c->d->bridge->fwd, c, nlh);
	else
		nlipcd_fwd_do(&c->d->bridge->fwd, c, nlh);
}

/* CTRL_CMD_GETPOLICY of a bridged family: the kernel's, forwarded. */
void nlipcd_bridge_policy(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			  struct nlipcd_bridged *f)
{
	f->forwarded++;
	nlipcd_fwd_dump(&c->d->bridge->fwd, c, nlh);
}

/* ------------------------------------------------------------------ */
/* getfamily: the kernel's answer, with what this client may use        */
/* ------------------------------------------------------------------ */

static void put_ops(const struct nlipcd_client *c,
		    const struct nlipcd_bridged *f, struct nlipcd_reply *r)
{
	struct nlipcd_extack ext;
	unsigned int cmd, n = 0;
	size_t ops, one;
	uint32_t flags;

	ops = nlipcd_reply_nest_start(r, CTRL_ATTR_OPS);
	for (cmd = 0; cmd < OPS_MAX; cmd++) {
		flags = f->op_flags[cmd];
		if (!flags)
			continue;
		if ((flags & GENL_CMD_CAP_DO) && check_op(c, f, cmd, false, &ext))
			flags &= ~GENL_CMD_CAP_DO;
		if ((flags & GENL_CMD_CAP_DUMP) && check_op(c, f, cmd, true, &ext))
			flags &= ~GENL_CMD_CAP_DUMP;
		if (!(flags & (GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP)))
			continue;
		one = nlipcd_reply_nest_start(r, ++n);
		nlipcd_reply_put_u32(r, CTRL_ATTR_OP_ID, cmd);
		nlipcd_reply_put_u32(r, CTRL_ATTR_OP_FLAGS, flags);
		nlipcd_reply_nest_end_plain(r, one);
	}
	nlipcd_reply_nest_end_plain(r, ops);
}

static void put_groups(const struct nlipcd_bridged *f, struct nlipcd_reply *r)
{
	size_t grps, one;
	unsigned int i;

	if (!f->n_groups)
		return;
	grps = nlipcd_reply_nest_start(r, CTRL_ATTR_MCAST_GROUPS);
	for (i = 0; i < f->n_groups; i++) {
		one = nlipcd_reply_nest_start(r, i + 1);
		nlipcd_reply_put_u32(r, CTRL_ATTR_MCAST_GRP_ID, f->groups[i].id);
		nlipcd_reply_put_str(r, CTRL_ATTR_MCAST_GRP_NAME,
				     f->groups[i].name);
		nlipcd_reply_nest_end_plain(r, one);
	}
	nlipcd_reply_nest_end_plain(r, grps);
}

/**
 * nlipcd_bridge_newfamily - append the family's CTRL_CMD_NEWFAMILY for @c
 * @c: the client asking
 * @f: the family, refreshed
 * @r: the answer being built
 * @flags: the message's nlmsg_flags (NLM_F_MULTI in a dump)
 * @seq: the request's sequence number
 *
 * The kernel's attributes in its order, but for the ops, which list only
 * what @c may send (and, per op, only the kinds it may), and the groups,
 * listed only if @c may join them. Returns 0 or -ENOMEM.
 */
int nlipcd_bridge_newfamily(struct nlipcd_client *c, struct nlipcd_bridged *f,
			    struct nlipcd_reply *r, uint16_t flags,
			    uint32_t seq)
{
	const struct nlattr *a;
	size_t off;

	nlipcd_reply_genl(r, GENL_ID_CTRL, flags, seq, c->portid,
			  CTRL_CMD_NEWFAMILY, 2);
	for (off = 0; off + NLA_HDRLEN <= f->attrs_len;
	     off += NLA_ALIGN(a->nla_len)) {
		a = (const struct nlattr *)(f->attrs + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > f->attrs_len)
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case CTRL_ATTR_OPS:
			put_ops(c, f, r);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			if (local_allowed(c))
				put_groups(f, r);
			break;
		default:
			nlipcd_reply_append(r, a, NLA_ALIGN(a->nla_len));
		}
	}
	return r->err;
}

/* ------------------------------------------------------------------ */
/* Groups: the kernel's notifications to the clients that joined        */
/* ------------------------------------------------------------------ */

static int slot_of(struct nlipcd_bridge *b, uint32_t group)
{
	unsigned int i;

	for (i = NLIPCD_GRP_COUNT; i < NLIPCD_GRP_COUNT + b->n_slots; i++)
		if (b->slot_group[i] == group)
			return i;
	return -1;
}

static void fan_out(struct nlipcd_bridge *b, int slot,
		    const unsigned char *data, ssize_t len)
{
	const struct nlmsghdr *nlh = (const void *)data;
	struct nlipcd_buf *nb;
	int left = len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		nb = nlipcd_buf_new(NLMSG_ALIGN(nlh->nlmsg_len));
		if (!nb) {
			nlipcd_client_overrun_group(b->d, slot);
			return;
		}
		memset(nb->data, 0, NLMSG_ALIGN(nlh->nlmsg_len));
		memcpy(nb->data, nlh, nlh->nlmsg_len);
		nb->len = NLMSG_ALIGN(nlh->nlmsg_len);
		nlipcd_client_notify(b->d, slot, nb);
		nlipcd_buf_put(nb);
	}
}

static void ntf_handle(struct nlipcd *d, struct nlipcd_watch *w,
		       uint32_t events)
{
	char cbuf[CMSG_SPACE(sizeof(struct nl_pktinfo))];
	struct nlipcd_bridge *b = d->bridge;
	struct iovec iov = { .iov_base = b->fwd.rx,
			     .iov_len = NLIPCD_FWD_RX_SIZE };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
	};
	struct cmsghdr *cm;
	unsigned int slot;
	uint32_t group;
	ssize_t n;
	int i, s;

	for (i = 0; i < NTF_TURN; i++) {
		mh.msg_controllen = sizeof(cbuf);
		n = recvmsg(w->fd, &mh, MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			nlipcd_warn("the bridged families' notification socket overran: subscribers are told");
			for (slot = NLIPCD_GRP_COUNT;
			     slot < NLIPCD_GRP_COUNT + b->n_slots; slot++)
				nlipcd_client_overrun_group(d, slot);
			continue;
		}
		if (n <= 0)
			return;
		group = 0;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_NETLINK &&
			    cm->cmsg_type == NETLINK_PKTINFO)
				group = ((struct nl_pktinfo *)CMSG_DATA(cm))->group;
		s = slot_of(b, group);
		if (s >= 0)
			fan_out(b, s, b->fwd.rx, n);
	}
}

/**
 * nlipcd_bridge_join - join @c to a bridged family's group
 * @c: the client
 * @group: the group's id, from getfamily
 * @ext: the reason, when it is refused
 *
 * Returns 0; -ENOENT if no bridged family has that group (then nothing
 * is said in @ext, the caller goes on looking); -EPERM or the kernel's
 * errno with @ext set.
 */
int nlipcd_bridge_join(struct nlipcd_client *c, uint32_t group,
		       struct nlipcd_extack *ext)
{
	static char text[160];
	struct nlipcd_bridge *b = c->d->bridge;
	struct nlipcd_bridged *f = NULL;
	unsigned int i, j;
	int slot;

	for (i = 0; b && group && i < b->n && !f; i++)
		for (j = 0; j < b->fams[i]->n_groups; j++)
			if (b->fams[i]->id && b->fams[i]->groups[j].id == group)
				f = b->fams[i];
	if (!f)
		return -ENOENT;
	if (!local_allowed(c)) {
		snprintf(text, sizeof(text),
			 "the groups of %s are relayed to root, nlipcd's own uid and --allow-uid on AF_UNIX only",
			 f->name);
		ext->msg = text;
		f->refused++;
		return -EPERM;
	}
	slot = slot_of(b, group);
	if (slot < 0) {
		slot = slot_of(b, 0);	/* a slot released */
		if (slot < 0 &&
		    NLIPCD_GRP_COUNT + b->n_slots == NLIPCD_GROUPS_MAX) {
			ext->msg = "nlipcd relays no more groups";
			return -ENOSPC;
		}
		if (setsockopt(b->ntf_w.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			       &group, sizeof(group)) < 0) {
			ext->msg = "nlipcd could not join the kernel's group";
			return -errno;
		}
		if (slot < 0)
			slot = NLIPCD_GRP_COUNT + b->n_slots++;
		b->slot_group[slot] = group;
	}
	if (!(c->groups & (1u << slot))) {
		c->groups |= 1u << slot;
		c->d->n_subscribed[slot]++;
	}
	return 0;
}

/**
 * nlipcd_bridge_release - a relayed group's last subscriber is gone
 * @d: the daemon
 * @slot: the group's client bit
 *
 * Leave the kernel's group, so its notifications are no longer copied,
 * and free the slot: a family loaded again comes with new group ids,
 * which would otherwise use the slots up.
 */
void nlipcd_bridge_release(struct nlipcd *d, unsigned int slot)
{
	struct nlipcd_bridge *b = d->bridge;
	uint32_t group;

	if (!b || slot < NLIPCD_GRP_COUNT || !b->slot_group[slot])
		return;
	group = b->slot_group[slot];
	b->slot_group[slot] = 0;
	/* The kernel forgot it already if the family went away. */
	if (setsockopt(b->ntf_w.fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP,
		       &group, sizeof(group)) < 0)
		nlipcd_debug("leaving the kernel's group %u: %s", group,
			     strerror(errno));
}

/* ------------------------------------------------------------------ */

/**
 * nlipcd_bridge_init - open the bridge's sockets, look the families up
 * @d: the daemon, its backend set up
 *
 * A family the kernel does not have yet is looked up again when a client
 * asks for it. Returns 0 or a negative errno.
 */
int nlipcd_bridge_init(struct nlipcd *d)
{
	struct nlipcd_bridge *b = d->bridge;
	int err, fd, one = 1;
	unsigned int i;

	if (!b)
		return 0;
	b->d = d;
	err = nlipcd_fwd_init(d, &b->fwd);
	if (err)
		return err;
	fd = nlipcd_fwd_ntf_socket();
	if (fd < 0) {
		err = fd;
		goto err_uninit_fwd;
	}
	/* Which group each notification came to. */
	setsockopt(fd, SOL_NETLINK, NETLINK_PKTINFO, &one, sizeof(one));
	b->ntf_w.handle = ntf_handle;
	err = nlipcd_watch_add(d, &b->ntf_w, fd, EPOLLIN);
	if (err) {
		close(fd);
		b->ntf_w.fd = -1;	/* nlipcd_bridge_uninit() follows */
		goto err_uninit_fwd;
	}
	for (i = 0; i < b->n; i++) {
		struct nlipcd_bridged *f = b->fams[i];

		err = nlipcd_bridge_refresh(d, f);
		if (err == -ENOENT)
			nlipcd_warn("bridged family %s: not registered in the kernel yet",
				    f->name);
		else if (err && err != -EEXIST)
			nlipcd_warn("bridged family %s: %s", f->name,
				    strerror(-err));
		else if (!err)
			nlipcd_info("bridging %s (family %u): %s ops%s", f->name,
				    f->id, f->rule == RULE_LISTED ? "listed" :
				    rule_names[f->rule],
				    f->spec ? "" : ", no spec: no do op counts as a get");
	}
	return 0;

err_uninit_fwd:
	nlipcd_fwd_uninit(&b->fwd);
	return err;
}

/* At exit: what each family forwarded and refused, then everything freed. */
void nlipcd_bridge_uninit(struct nlipcd *d)
{
	struct nlipcd_bridge *b = d->bridge;
	unsigned int i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++) {
		struct nlipcd_bridged *f = b->fams[i];

		if (b->d)
			nlipcd_info("bridged %s: %llu requests forwarded, %llu refused",
				    f->name, (unsigned long long)f->forwarded,
				    (unsigned long long)f->refused);
		nlipc_spec_free(f->spec);
		free(f);
	}
	if (b->ntf_w.fd >= 0) {
		nlipcd_watch_del(d, &b->ntf_w);
		close(b->ntf_w.fd);
	}
	nlipcd_fwd_uninit(&b->fwd);
	free(b);
	d->bridge = NULL;
}
