// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User-space tables: nlipcd's op table and request policies (the same
 * policies as the module's, for its validator in tools/nlipcd/policy.c),
 * and libnlipc's names of ops and attributes.
 */
#include "gen.h"

static const char *const nlipcd_types[] = {
	[NLIPC_SPEC_FLAG] = "NLIPCD_NLA_FLAG",
	[NLIPC_SPEC_BINARY] = "NLIPCD_NLA_BINARY",
	[NLIPC_SPEC_STRING] = "NLIPCD_NLA_NUL_STRING",
	[NLIPC_SPEC_U8] = "NLIPCD_NLA_U8",
	[NLIPC_SPEC_U16] = "NLIPCD_NLA_U16",
	[NLIPC_SPEC_U32] = "NLIPCD_NLA_U32",
	[NLIPC_SPEC_U64] = "NLIPCD_NLA_U64",
};

static const char *const type_max[] = {
	[NLIPC_SPEC_U8] = "UINT8_MAX",
	[NLIPC_SPEC_U16] = "UINT16_MAX",
	[NLIPC_SPEC_U32] = "UINT32_MAX",
	[NLIPC_SPEC_U64] = "UINT64_MAX",
};

static int policy_entry(const struct nlipc_spec *sp,
			const struct nlipc_spec_op *op,
			const struct nlipc_spec_attr *a)
{
	const struct nlipc_spec_checks *c = &a->checks;
	const char *t = (size_t)a->type < sizeof(nlipcd_types) /
		sizeof(nlipcd_types[0]) ? nlipcd_types[a->type] : NULL;
	int is_int = a->type >= NLIPC_SPEC_U8 && a->type <= NLIPC_SPEC_U64;

	if (!t || c->flags_mask || c->exact_len.set ||
	    (is_int && (c->min_len.set || c->max_len.set)) ||
	    (a->type == NLIPC_SPEC_STRING && c->min_len.set))
		return gen_fail("op %s: %s: nlipcd's validator has no %s with these checks",
				op->name, a->name, nlipc_spec_type_name(a->type));
	printf("\t[%s] = { .type = %s", gen_attr_enum(sp, op->set, a), t);
	if (is_int && (c->min.set || c->max.set))
		printf(", .range = true, .min = %s, .max = %s",
		       c->min.set ? gen_limit(sp, &c->min, 0) : "0",
		       c->max.set ? gen_limit(sp, &c->max, 0) : type_max[a->type]);
	else if (a->type == NLIPC_SPEC_BINARY && c->min_len.set)
		printf(", .range = true, .min = %s, .max = %s",
		       gen_limit(sp, &c->min_len, 0),
		       c->max_len.set ? gen_limit(sp, &c->max_len, 0) : "UINT16_MAX");
	else if (c->max_len.set)
		printf(", .len = %s", gen_limit(sp, &c->max_len, 0));
	printf(" },\n");
	return 0;
}

int gen_nlipcd_h(const struct nlipc_spec *sp)
{
	const struct nlipc_spec_attr *max = NULL;
	const struct nlipc_spec_set *max_set = NULL;
	struct gen_policy p;
	size_t i;

	for (i = 0; i < sp->n_ops; i++) {
		if (!gen_is_op(&sp->ops[i]) || gen_policy(&sp->ops[i], &p))
			continue;
		if (p.max && (!max || p.max->value > max->value)) {
			max = p.max;
			max_set = sp->ops[i].set;
		}
	}
	printf("/* SPDX-License-Identifier: GPL-2.0-or-later */\n");
	gen_banner("/*", " */");
	printf("\n#ifndef _NLIPCD_POLICY_GEN_H\n#define _NLIPCD_POLICY_GEN_H\n\n"
	       "#include <%s>\n\n", sp->uapi_header);
	printf("/*\n * The highest attribute type of any request policy (at least the\n"
	       " * reject-all policy's 1): tb[NLIPCD_REQ_ATTR_MAX + 1] holds any request's.\n */\n");
	printf("#define NLIPCD_REQ_ATTR_MAX\t%s\n\n",
	       max && max->value > 1 ? gen_attr_enum(sp, max_set, max) : "1");
	printf("#endif /* _NLIPCD_POLICY_GEN_H */\n");
	return 0;
}

int gen_nlipcd_c(const struct nlipc_spec *sp)
{
	struct gen_policy p;
	size_t i, j;
	int err;

	printf("// SPDX-License-Identifier: GPL-2.0-or-later\n");
	gen_banner("/*", " */");
	printf("\n#include \"policy.h\"\n\n");
	printf("/* Per op, its do and dump requests' attributes, as the module has them. */\n");
	for (i = 0; i < sp->n_ops; i++) {
		const struct nlipc_spec_op *op = &sp->ops[i];

		if (!gen_is_op(op))
			continue;
		err = gen_policy(op, &p);
		if (err)
			return err;
		if (!p.n)
			continue;
		printf("static const struct nlipcd_policy_attr %s_attrs[%s + 1] = {\n",
		       gen_lower(op->name), gen_attr_enum(sp, op->set, p.max));
		for (j = 0; j < p.n; j++) {
			err = policy_entry(sp, op, p.attrs[j]);
			if (err)
				return err;
		}
		printf("};\n\n");
		printf("static const struct nlipcd_policy %s_policy = {\n"
		       "\t.attrs = %s_attrs,\n\t.maxattr = %s,\n};\n\n",
		       gen_lower(op->name), gen_lower(op->name),
		       gen_attr_enum(sp, op->set, p.max));
	}

	printf("const struct nlipcd_op nlipcd_ops[] = {\n");
	for (i = 0; i < sp->n_ops; i++) {
		const struct nlipc_spec_op *op = &sp->ops[i];

		if (!gen_is_op(op) || gen_policy(op, &p))
			continue;
		printf("\t{ %s, %s, %s, %s, ", gen_op_enum(sp, op),
		       op->flags & NLIPC_SPEC_ADMIN_PERM ? "true" : "false",
		       op->do_.present ? "true" : "false",
		       op->dump.present ? "true" : "false");
		if (p.n)
			printf("&%s_policy },\n", gen_lower(op->name));
		else
			printf("&nlipcd_reject_all_policy },\n");
	}
	printf("};\n\nconst unsigned int nlipcd_n_ops = NLIPCD_ARRAY_SIZE(nlipcd_ops);\n");
	return 0;
}

int gen_names(const struct nlipc_spec *sp)
{
	size_t i, j;

	printf("// SPDX-License-Identifier: LGPL-2.1-or-later\n");
	gen_banner("/*", " */");
	printf("\n#include \"internal.h\"\n\n");
	for (i = 0; i < sp->n_sets; i++) {
		const struct nlipc_spec_set *s = &sp->sets[i];

		for (j = 0; j < sp->n_ops && sp->ops[j].set != s; j++)
			;
		if (j == sp->n_ops)	/* only nested: no op names it */
			continue;
		printf("static const char *const %s_attrs[] = {\n", gen_lower(s->name));
		for (j = 0; j < s->n_attrs; j++)
			printf("\t[%s] = \"%s\",\n",
			       gen_attr_enum(sp, s, &s->attrs[j]), s->attrs[j].name);
		printf("};\n\n");
	}
	printf("const struct nlipc_op_names nlipc_op_names[%s_CMD_MAX + 1] = {\n",
	       gen_FAM);
	for (i = 0; i < sp->n_ops; i++) {
		const struct nlipc_spec_op *op = &sp->ops[i];

		printf("\t[%s] = { \"%s\"", gen_op_enum(sp, op), op->name);
		if (op->set)
			printf(", %s_attrs, NLIPC_ARRAY_SIZE(%s_attrs)",
			       gen_lower(op->set->name), gen_lower(op->set->name));
		printf(" },\n");
	}
	printf("};\n");
	return 0;
}
