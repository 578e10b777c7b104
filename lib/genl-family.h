/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The generic netlink controller's answer to getfamily, read once for
 * both its readers: the library resolving the family it was opened for
 * (lib/ctrl.c), and lib/ynl resolving a family from its spec, which sees
 * only the public API. Header-only: they link separately.
 */
#ifndef _NLIPC_GENL_FAMILY_H
#define _NLIPC_GENL_FAMILY_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <nlipc/nlipc.h>

/* The controller's version, as libnl and the kernel's genl tools send it. */
#define NLIPC_CTRL_VERSION	2

struct nlipc_genl_group {
	char name[GENL_NAMSIZ];
	uint32_t id;
};

struct nlipc_genl_family {
	uint16_t id;
	uint32_t version;	/* 0 if the answer has none */
	struct nlipc_genl_group *groups;	/* room for max_groups */
	unsigned int max_groups, n_groups;	/* more are left out */
};

static inline int nlipc_genl_group_parse(struct nlipc_genl_family *f,
					 const struct nlattr *nest)
{
	const struct nlattr *a, *name = NULL, *id = NULL;
	struct nlipc_genl_group *g;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
			name = a;
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
			id = a;
	}
	if (!name || mnl_attr_validate(name, MNL_TYPE_NUL_STRING) ||
	    mnl_attr_get_payload_len(name) > GENL_NAMSIZ ||
	    !id || mnl_attr_validate(id, MNL_TYPE_U32))
		return -EBADMSG;
	/* A family with more groups than we keep: the first ones. */
	if (f->n_groups == f->max_groups)
		return 0;
	g = &f->groups[f->n_groups++];
	snprintf(g->name, sizeof(g->name), "%s", mnl_attr_get_str(name));
	g->id = mnl_attr_get_u32(id);
	return 0;
}

/*
 * @nlh, a getfamily answer, into @f (its groups and max_groups set by the
 * caller). @name, if not NULL, is the family asked for: an answer naming
 * another is refused. Returns 0 or -EBADMSG.
 */
static inline int nlipc_genl_family_parse(const struct nlmsghdr *nlh,
					  const char *name,
					  struct nlipc_genl_family *f)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	const struct nlattr *a;
	int err;

	if (!nlh || nlipc_attr_parse(nlh, tb, CTRL_ATTR_MAX))
		return -EBADMSG;
	if (!tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16))
		return -EBADMSG;
	a = tb[CTRL_ATTR_FAMILY_NAME];
	if (name && a && (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) ||
			  strcmp(mnl_attr_get_str(a), name)))
		return -EBADMSG;
	if (tb[CTRL_ATTR_VERSION] &&
	    mnl_attr_validate(tb[CTRL_ATTR_VERSION], MNL_TYPE_U32))
		return -EBADMSG;

	f->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	f->version = tb[CTRL_ATTR_VERSION] ?
		     mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]) : 0;
	f->n_groups = 0;
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	mnl_attr_for_each_nested(a, tb[CTRL_ATTR_MCAST_GROUPS]) {
		err = nlipc_genl_group_parse(f, a);
		if (err)
			return err;
	}
	return 0;
}

#endif /* _NLIPC_GENL_FAMILY_H */
