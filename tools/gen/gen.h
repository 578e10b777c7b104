/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nlipc-gen: the family's tables, generated from its YNL spec through the
 * project's one spec reader (lib/spec). One function per output; each
 * writes to stdout and returns 0, or -EINVAL after saying on stderr what
 * in the spec it cannot render.
 */
#ifndef _NLIPC_GEN_H
#define _NLIPC_GEN_H

#include <stdio.h>

#include "../../lib/spec/spec.h"

/* The spec's path as the generated files cite it (no machine paths). */
extern const char *gen_spec_name;
/* The family's name as C: lower and upper case. */
extern char gen_fam[64], gen_FAM[64];

/* "kv-get" as C: upper or lower case, '-' → '_'; rotating static buffers. */
const char *gen_upper(const char *s);
const char *gen_lower(const char *s);
/* NLIPC_A_KV_KEY, NLIPC_CMD_KV_GET, NLIPC_KV_KEY_MAX_LEN, ... */
const char *gen_attr_enum(const struct nlipc_spec *sp,
			  const struct nlipc_spec_set *set,
			  const struct nlipc_spec_attr *a);
const char *gen_op_enum(const struct nlipc_spec *sp,
			const struct nlipc_spec_op *op);
const char *gen_const(const struct nlipc_spec *sp, const char *name);
/* A check's bound as C: the const's name, U32_MAX / UINT32_MAX, or a number. */
const char *gen_limit(const struct nlipc_spec *sp,
		      const struct nlipc_spec_limit *l, int kernel);

int gen_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ops with a do or dump: the op table's (notifications are not ops). */
static inline int gen_is_op(const struct nlipc_spec_op *op)
{
	return op->do_.present || op->dump.present;
}

/*
 * A request policy: an op's do and dump request attributes, by id. One per
 * op, do and dump alike, as 6.1's struct genl_ops has (doc/protocol.md).
 */
struct gen_policy {
	const struct nlipc_spec_attr *attrs[64];
	unsigned int n;
	const struct nlipc_spec_attr *max;	/* highest id */
};

int gen_policy(const struct nlipc_spec_op *op, struct gen_policy *p);
/* "Do not edit" lines, each opened and closed as a comment of the output. */
void gen_banner(const char *comment_open, const char *comment_close);

int gen_uapi(const struct nlipc_spec *sp);
int gen_kernel_h(const struct nlipc_spec *sp);
int gen_kernel_c(const struct nlipc_spec *sp);
int gen_nlipcd_h(const struct nlipc_spec *sp);
int gen_nlipcd_c(const struct nlipc_spec *sp);
int gen_names(const struct nlipc_spec *sp);
int gen_python(const struct nlipc_spec *sp);

#endif /* _NLIPC_GEN_H */
