// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A family from its spec: loaded, resolved through the controller, and
 * called. Calls go through nlipc_call(), so the endpoint's deadline,
 * per-call message and byte budget and dump restarts bound them as they
 * bound the nlipc family's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "ynl.h"

int nlipc_ynl_load(struct nlipc_ynl *y, const char *path)
{
	memset(y, 0, sizeof(*y));
	return nlipc_spec_load(path, &y->spec, y->err, sizeof(y->err));
}

void nlipc_ynl_free(struct nlipc_ynl *y)
{
	nlipc_spec_free(y->spec);
	y->spec = NULL;
}

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct nlipc_ynl *y = arg;
	struct nlipc_genl_family f = {
		.groups = y->groups,
		.max_groups = NLIPC_YNL_GROUPS_MAX,
	};
	int err;

	err = nlipc_genl_family_parse(nlh, NULL, &f);
	if (err)
		return err;
	y->family_id = f.id;
	y->n_groups = f.n_groups;
	return 0;
}

/**
 * nlipc_ynl_resolve - learn the family's id and groups from the controller
 * @y: the family, loaded
 * @ep: an endpoint from nlipc_open_genl()
 *
 * Returns 0, or the controller's negative errno (-ENOENT: the family is
 * not registered), -EBADMSG for a reply without an id, or the call's;
 * y->err says why for the first two.
 */
int nlipc_ynl_resolve(struct nlipc_ynl *y, struct nlipc *ep)
{
	struct nlipc_msg *m;
	int err;

	m = nlipc_msg_start_family(ep, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
				   NLIPC_CTRL_VERSION, 0);
	nlipc_msg_put_str(m, CTRL_ATTR_FAMILY_NAME, y->spec->name);
	y->family_id = 0;
	y->err[0] = '\0';
	y->sent = true;
	err = nlipc_call(ep, m, family_cb, y);
	if (!err && !y->family_id)
		err = -EBADMSG;
	/* Over nlipcd, the daemon says what it serves instead. */
	if (err == -ENOENT && nlipc_error(ep)->msg[0])
		snprintf(y->err, sizeof(y->err), "%s", nlipc_error(ep)->msg);
	else if (err == -ENOENT)
		snprintf(y->err, sizeof(y->err),
			 "generic netlink family '%s' not found", y->spec->name);
	else if (err == -EBADMSG)
		snprintf(y->err, sizeof(y->err),
			 "the controller's reply for '%s' does not parse",
			 y->spec->name);
	return err;
}

struct collect {
	struct nlipc_ynl *y;
	const struct nlipc_spec_set *set;
	json_object *list;
	int err;		/* the decoder's, kept apart from the call's */
};

static int collect_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct collect *c = arg;
	json_object *v;
	int err;

	/* A dump starting over: what came before is stale. */
	if (!nlh) {
		json_object_put(c->list);
		c->list = json_object_new_array();
		return c->list ? 0 : -ENOMEM;
	}
	err = nlipc_ynl_decode(c->y, c->set, nlh, &v);
	if (!err && json_object_array_add(c->list, v)) {
		json_object_put(v);
		err = -ENOMEM;
	}
	c->err = err;
	return err;
}

/**
 * nlipc_ynl_call - send a do or dump request, decode what comes back
 * @y: the family, resolved
 * @ep: its endpoint
 * @op: the op, of @y's spec
 * @dump: a dump rather than a do
 * @req: the request's attributes, or NULL
 * @out: receives, as ynl.py shapes them, a dump's list of objects, or a
 *	do's reply object (NULL when the op has none, a list when several)
 *
 * Returns 0 or a negative errno. y->sent says whether the request went
 * out; y->err says why the encoder refused it or the decoder its answer,
 * and is empty when the family (or the call's bounds) failed it: the
 * endpoint's error record has that.
 */
int nlipc_ynl_call(struct nlipc_ynl *y, struct nlipc *ep,
		   const struct nlipc_spec_op *op, bool dump,
		   json_object *req, json_object **out)
{
	const struct nlipc_spec_mode *mode = dump ? &op->dump : &op->do_;
	struct collect c = { .y = y, .set = op->set };
	struct nlipc_msg *m;
	int err;

	*out = NULL;
	y->err[0] = '\0';
	y->sent = false;
	if (!mode->present)
		return snprintf(y->err, sizeof(y->err), "op '%s' has no %s",
				op->name, dump ? "dump" : "do"), -EOPNOTSUPP;
	if (op->fixed_header || y->spec->op_fixed_header)
		return snprintf(y->err, sizeof(y->err),
				"op '%s': fixed headers are not supported yet",
				op->name), -EOPNOTSUPP;
	if (!op->set)
		return snprintf(y->err, sizeof(y->err),
				"op '%s' has no attribute set", op->name),
		       -EOPNOTSUPP;
	m = nlipc_msg_start_family(ep, y->family_id,
				   mode->request.value ?: op->value,
				   y->spec->version, dump ? NLM_F_DUMP : 0);
	err = nlipc_ynl_encode(y, m, op, dump, req);
	if (err)
		return err;
	c.list = json_object_new_array();
	if (!c.list)
		return -ENOMEM;
	y->sent = true;
	err = nlipc_call(ep, m, collect_cb, &c);
	if (err) {
		json_object_put(c.list);
		return err;
	}
	if (dump || json_object_array_length(c.list) > 1) {
		*out = c.list;
		return 0;
	}
	if (json_object_array_length(c.list) == 1)
		*out = json_object_get(json_object_array_get_idx(c.list, 0));
	json_object_put(c.list);
	return 0;
}

/**
 * nlipc_ynl_decode_ntf - a notification, as the YNL CLI shows one
 * @y: the family, resolved
 * @nlh: a message from nlipc_next_msg()
 * @out: set to {"name": the notification's op, "msg": its attributes}
 *
 * Returns 0, -ENOMSG for another family's message or a command the spec
 * has no notification for (not an error: skip it), or the decoder's
 * negative errno with y->err set.
 */
int nlipc_ynl_decode_ntf(struct nlipc_ynl *y, const struct nlmsghdr *nlh,
			 struct json_object **out)
{
	const struct nlipc_spec_op *op = NULL;
	const struct genlmsghdr *genl;
	struct json_object *msg;
	size_t i;
	int err;

	if (nlh->nlmsg_type != y->family_id ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -ENOMSG;
	genl = mnl_nlmsg_get_payload(nlh);
	for (i = 0; i < y->spec->n_ops && !op; i++) {
		const struct nlipc_spec_op *o = &y->spec->ops[i];

		/* The message's id: the op's, or its own (directional model). */
		if ((o->notify || o->event.present) &&
		    (o->value == genl->cmd ||
		     (o->event.value && o->event.value == genl->cmd)))
			op = o;
	}
	if (!op || !op->set)
		return -ENOMSG;
	err = nlipc_ynl_decode(y, op->set, nlh, &msg);
	if (err)
		return err;
	*out = json_object_new_object();
	if (!*out) {
		json_object_put(msg);
		return -ENOMEM;
	}
	json_object_object_add(*out, "name", json_object_new_string(op->name));
	json_object_object_add(*out, "msg", msg);
	return 0;
}
