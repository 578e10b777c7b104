/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Any generic netlink family from its YNL spec: requests encoded from a
 * JSON value, replies, dumps and notifications decoded into one, as the
 * kernel's YNL CLI (tools/net/ynl) shapes them, so the two can be
 * compared value for value.
 *
 * Internal to the project for now (nlipc(1) and the fuzz target link it):
 * its values are json-c objects, and a public API would tie libnlipc's ABI
 * to json-c's. It sits on the public libnlipc API only, so it can move
 * into the library unchanged once that choice is made.
 */
#ifndef _NLIPC_YNL_H
#define _NLIPC_YNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json.h>
#include <linux/genetlink.h>
#include <nlipc/nlipc.h>

#include "../genl-family.h"
#include "../spec/spec.h"

/* Nests deeper than this are refused: the decoder recurses per level. */
#define NLIPC_YNL_DEPTH_MAX	16
#define NLIPC_YNL_GROUPS_MAX	32

struct nlipc_ynl {
	struct nlipc_spec *spec;
	uint16_t family_id;		/* 0 until resolved */
	struct nlipc_genl_group groups[NLIPC_YNL_GROUPS_MAX];
	unsigned int n_groups;
	bool sent;			/* the last call reached the family */
	char err[256];			/* why it failed, if not the family's */
};

/* family.c */
int nlipc_ynl_load(struct nlipc_ynl *y, const char *path);
void nlipc_ynl_free(struct nlipc_ynl *y);
int nlipc_ynl_resolve(struct nlipc_ynl *y, struct nlipc *ep);
int nlipc_ynl_call(struct nlipc_ynl *y, struct nlipc *ep,
		   const struct nlipc_spec_op *op, bool dump,
		   struct json_object *req, struct json_object **out);
int nlipc_ynl_decode_ntf(struct nlipc_ynl *y, const struct nlmsghdr *nlh,
			 struct json_object **out);

/* codec.c: both return 0 or a negative errno with y->err set. */
int nlipc_ynl_encode(struct nlipc_ynl *y, struct nlipc_msg *m,
		     const struct nlipc_spec_op *op, bool dump,
		     struct json_object *req);
int nlipc_ynl_decode(struct nlipc_ynl *y, const struct nlipc_spec_set *set,
		     const struct nlmsghdr *nlh, struct json_object **out);

#endif /* _NLIPC_YNL_H */
