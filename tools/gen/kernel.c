// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The module's half of the family: request policies, the op table, the
 * multicast groups and the family, in the shape of the kernel's ynl-gen-c
 * --mode kernel but with struct genl_ops, which both supported kernels
 * have (6.1 has no split ops), and with the op table calling netlink.c's
 * counting wrappers, which find the spec's handlers in nlipc_nl_handlers.
 */
#include <stdint.h>
#include <string.h>

#include "gen.h"

static const char *const nla_types[] = {
	[NLIPC_SPEC_FLAG] = "NLA_FLAG",
	[NLIPC_SPEC_BINARY] = "NLA_BINARY",
	[NLIPC_SPEC_STRING] = "NLA_NUL_STRING",
	[NLIPC_SPEC_U8] = "NLA_U8",
	[NLIPC_SPEC_U16] = "NLA_U16",
	[NLIPC_SPEC_U32] = "NLA_U32",
	[NLIPC_SPEC_U64] = "NLA_U64",
	[NLIPC_SPEC_S8] = "NLA_S8",
	[NLIPC_SPEC_S16] = "NLA_S16",
	[NLIPC_SPEC_S32] = "NLA_S32",
	[NLIPC_SPEC_S64] = "NLA_S64",
};

static const char *nla_type(const struct nlipc_spec_attr *a)
{
	return (size_t)a->type < sizeof(nla_types) / sizeof(nla_types[0]) ?
	       nla_types[a->type] : NULL;
}

static int is_int(const struct nlipc_spec_attr *a)
{
	return a->type >= NLIPC_SPEC_U8 && a->type <= NLIPC_SPEC_S64;
}

/* The policy's own min and max are s16: larger bounds need a range struct. */
static int fits_s16(const struct nlipc_spec_limit *l, int is_signed)
{
	int64_t v = (int64_t)l->value;

	if (!l->set)
		return 1;
	if (!is_signed)
		return l->value <= INT16_MAX;
	return v >= INT16_MIN && v <= INT16_MAX;
}

static int full_range(const struct nlipc_spec_attr *a)
{
	const struct nlipc_spec_checks *c = &a->checks;
	int s = nlipc_spec_type_signed(a->type);

	if (is_int(a))
		return !fits_s16(&c->min, s) || !fits_s16(&c->max, s);
	if (a->type == NLIPC_SPEC_BINARY)
		return c->min_len.set && c->max_len.set &&
		       (!fits_s16(&c->min_len, 0) || !fits_s16(&c->max_len, 0));
	return 0;
}

static const char *range_name(const struct nlipc_spec *sp,
			      const struct nlipc_spec_set *set,
			      const struct nlipc_spec_attr *a)
{
	return gen_lower(gen_attr_enum(sp, set, a));
}

/* What the kernel's policy validation cannot be given for this attribute. */
static int check_attr(const struct nlipc_spec_op *op,
		      const struct nlipc_spec_attr *a)
{
	const struct nlipc_spec_checks *c = &a->checks;

	if (!nla_type(a))
		return gen_fail("op %s: %s: %s is not rendered for the module",
				op->name, a->name, nlipc_spec_type_name(a->type));
	if (c->flags_mask || (a->type == NLIPC_SPEC_STRING &&
			      (c->min_len.set || c->exact_len.set)) ||
	    (is_int(a) && (c->min_len.set || c->max_len.set ||
			   c->exact_len.set)) ||
	    (a->type == NLIPC_SPEC_BINARY && c->exact_len.set &&
	     (c->min_len.set || c->max_len.set)))
		return gen_fail("op %s: %s: these checks are not rendered",
				op->name, a->name);
	return 0;
}

static void range_struct(const struct nlipc_spec *sp,
			 const struct nlipc_spec_set *set,
			 const struct nlipc_spec_attr *a)
{
	const struct nlipc_spec_checks *c = &a->checks;
	int s = nlipc_spec_type_signed(a->type);
	const struct nlipc_spec_limit *lo = is_int(a) ? &c->min : &c->min_len;
	const struct nlipc_spec_limit *hi = is_int(a) ? &c->max : &c->max_len;
	const char *bits = nla_type(a) + 5;	/* "32" of NLA_U32 */

	printf("static struct netlink_range_validation%s %s_range __ro_after_init = {\n",
	       s ? "_signed" : "", range_name(sp, set, a));
	if (lo->set)
		printf("\t.min = %s,\n", gen_limit(sp, lo, 1));
	else if (s)
		printf("\t.min = S%s_MIN,\n", bits);
	if (hi->set)
		printf("\t.max = %s,\n", gen_limit(sp, hi, 1));
	else
		printf("\t.max = %c%s_MAX,\n", s ? 'S' : 'U',
		       is_int(a) ? bits : "16");
	printf("};\n\n");
}

static void policy_entry(const struct nlipc_spec *sp,
			 const struct nlipc_spec_set *set,
			 const struct nlipc_spec_attr *a)
{
	const struct nlipc_spec_checks *c = &a->checks;
	const char *t = nla_type(a);

	printf("\t[%s] = ", gen_attr_enum(sp, set, a));
	if (full_range(a)) {
		printf("NLA_POLICY_FULL_RANGE%s(%s, &%s_range),\n",
		       nlipc_spec_type_signed(a->type) ? "_SIGNED" : "", t,
		       range_name(sp, set, a));
	} else if (is_int(a) && c->min.set && c->max.set) {
		printf("NLA_POLICY_RANGE(%s, %s, %s),\n", t,
		       gen_limit(sp, &c->min, 1), gen_limit(sp, &c->max, 1));
	} else if (is_int(a) && (c->min.set || c->max.set)) {
		printf("NLA_POLICY_%s(%s, %s),\n", c->min.set ? "MIN" : "MAX", t,
		       gen_limit(sp, c->min.set ? &c->min : &c->max, 1));
	} else if (a->type == NLIPC_SPEC_BINARY && c->exact_len.set) {
		printf("NLA_POLICY_EXACT_LEN(%s),\n",
		       gen_limit(sp, &c->exact_len, 1));
	} else if (a->type == NLIPC_SPEC_BINARY && c->min_len.set) {
		if (c->max_len.set)
			printf("NLA_POLICY_RANGE(NLA_BINARY, %s, %s),\n",
			       gen_limit(sp, &c->min_len, 1),
			       gen_limit(sp, &c->max_len, 1));
		else
			printf("NLA_POLICY_MIN(NLA_BINARY, %s),\n",
			       gen_limit(sp, &c->min_len, 1));
	} else if (c->max_len.set) {
		printf("{ .type = %s, .len = %s },\n", t,
		       gen_limit(sp, &c->max_len, 1));
	} else {
		printf("{ .type = %s },\n", t);
	}
}

static const char *op_lower(const struct nlipc_spec *sp,
			    const struct nlipc_spec_op *op, const char *suffix)
{
	static char buf[2][160];
	static unsigned int next;
	char *b = buf[next++ % 2];

	snprintf(b, sizeof(buf[0]), "%s_nl_%s%s", gen_fam,
		 gen_lower(op->name), suffix);
	return b;
}

int gen_kernel_h(const struct nlipc_spec *sp)
{
	char guard[96];
	size_t i;

	snprintf(guard, sizeof(guard), "_%s_NETLINK_GEN_H", gen_FAM);
	printf("/* SPDX-License-Identifier: GPL-2.0 */\n");
	gen_banner("/*", " */");
	printf("\n#ifndef %s\n#define %s\n\n", guard, guard);
	printf("#include <net/genetlink.h>\n#include <%s>\n\n", sp->uapi_header);

	printf("/* Multicast groups, by their index in the family's table. */\nenum {\n");
	for (i = 0; i < sp->n_mcgrps; i++)
		printf("\t%s_NLGRP_%s,\n", gen_FAM,
		       gen_upper(sp->mcgrps[i].name));
	printf("};\n\nextern struct genl_family %s_nl_family;\n\n", gen_fam);

	printf("/*\n * Each command's handlers: the op table calls netlink.c's wrappers,\n"
	       " * which count the request and call these.\n */\n");
	printf("struct %s_nl_handlers {\n"
	       "\tint (*doit)(struct sk_buff *skb, struct genl_info *info);\n"
	       "\tint (*start)(struct netlink_callback *cb);\n"
	       "\tint (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);\n"
	       "};\n\n", gen_fam);
	printf("extern const struct %s_nl_handlers %s_nl_handlers[%s_CMD_MAX + 1];\n\n",
	       gen_fam, gen_fam, gen_FAM);
	printf("int %s_nl_doit(struct sk_buff *skb, struct genl_info *info);\n", gen_fam);
	printf("int %s_nl_start(struct netlink_callback *cb);\n", gen_fam);
	printf("int %s_nl_dumpit(struct sk_buff *skb, struct netlink_callback *cb);\n\n", gen_fam);

	printf("/* Handlers, named after the spec's operations. */\n");
	for (i = 0; i < sp->n_ops; i++) {
		const struct nlipc_spec_op *op = &sp->ops[i];

		if (op->do_.present)
			printf("int %s(struct sk_buff *skb, struct genl_info *info);\n",
			       op_lower(sp, op, "_doit"));
		if (op->dump.pre)
			printf("int %s(struct netlink_callback *cb);\n",
			       gen_lower(op->dump.pre));
		if (op->dump.present)
			printf("int %s(struct sk_buff *skb, struct netlink_callback *cb);\n",
			       op_lower(sp, op, "_dumpit"));
		if (op->dump.post)
			printf("int %s(struct netlink_callback *cb);\n",
			       gen_lower(op->dump.post));
	}
	printf("\n#endif /* %s */\n", guard);
	return 0;
}

static int policies(const struct nlipc_spec *sp)
{
	const struct nlipc_spec_attr *ranged[64];
	size_t n_ranged = 0, i, j, k;
	struct gen_policy p;
	int err;

	/* Range structs first, one per attribute, shared by the ops' policies. */
	for (i = 0; i < sp->n_ops; i++) {
		const struct nlipc_spec_op *op = &sp->ops[i];

		if (!gen_is_op(op))
			continue;
		if (op->do_.pre || op->do_.post)
			return gen_fail("op %s: per-op pre/post doit needs split ops",
					op->name);
		err = gen_policy(op, &p);
		for (j = 0; !err && j < p.n; j++) {
			err = check_attr(op, p.attrs[j]);
			if (err || !full_range(p.attrs[j]))
				continue;
			for (k = 0; k < n_ranged && ranged[k] != p.attrs[j]; k++)
				;
			if (k < n_ranged || n_ranged == 64)
				continue;
			if (!n_ranged)
				printf("/*\n * Bounds past S16_MAX need a range struct: the policy's own are\n"
				       " * s16. Not const only because 6.1's policy field is not.\n */\n");
			ranged[n_ranged++] = p.attrs[j];
			range_struct(sp, op->set, p.attrs[j]);
		}
		if (err)
			return err;
	}

	printf("/*\n * One policy per op for its do and dump requests alike: 6.1's\n"
	       " * struct genl_ops has one (doc/protocol.md, Kernels).\n */\n");
	for (i = 0; i < sp->n_ops; i++) {
		const struct nlipc_spec_op *op = &sp->ops[i];

		if (!gen_is_op(op) || gen_policy(op, &p) || !p.n)
			continue;
		printf("static const struct nla_policy %s_%s_nl_policy[%s + 1] = {\n",
		       gen_fam, gen_lower(op->name),
		       gen_attr_enum(sp, op->set, p.max));
		for (j = 0; j < p.n; j++)
			policy_entry(sp, op->set, p.attrs[j]);
		printf("};\n\n");
	}
	return 0;
}

static void handlers(const struct nlipc_spec *sp)
{
	size_t i;

	printf("const struct %s_nl_handlers %s_nl_handlers[%s_CMD_MAX + 1] = {\n",
	       gen_fam, gen_fam, gen_FAM);
	for (i = 0; i < sp->n_ops; i++) {
		const struct nlipc_spec_op *op = &sp->ops[i];

		if (!gen_is_op(op))
			continue;
		printf("\t[%s] = {\n", gen_op_enum(sp, op));
		if (op->do_.present)
			printf("\t\t.doit = %s,\n", op_lower(sp, op, "_doit"));
		if (op->dump.pre)
			printf("\t\t.start = %s,\n", gen_lower(op->dump.pre));
		if (op->dump.present)
			printf("\t\t.dumpit = %s,\n", op_lower(sp, op, "_dumpit"));
		printf("\t},\n");
	}
	printf("};\n\n");
}

static void validate_flags(unsigned int dv)
{
	static const char *const names[] = {
		"GENL_DONT_VALIDATE_STRICT",
		"GENL_DONT_VALIDATE_DUMP",
		"GENL_DONT_VALIDATE_DUMP_STRICT",
	};
	const char *sep = "\t\t.validate = ";
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (dv & (1u << i)) {
			printf("%s%s", sep, names[i]);
			sep = " | ";
		}
	}
	if (dv)
		printf(",\n");
}

static void op_table(const struct nlipc_spec *sp)
{
	struct gen_policy p;
	size_t i;

	printf("/*\n * Operations without request attributes have no policy: with\n"
	       " * resv_start_op at 0 the core then rejects any attribute sent to them.\n */\n");
	printf("static const struct genl_ops %s_nl_ops[] = {\n", gen_fam);
	for (i = 0; i < sp->n_ops; i++) {
		const struct nlipc_spec_op *op = &sp->ops[i];

		if (!gen_is_op(op) || gen_policy(op, &p))
			continue;
		printf("\t{\n\t\t.cmd = %s,\n", gen_op_enum(sp, op));
		if (op->do_.present)
			printf("\t\t.doit = %s_nl_doit,\n", gen_fam);
		if (op->dump.present)
			printf("\t\t.start = %s_nl_start,\n\t\t.dumpit = %s_nl_dumpit,\n",
			       gen_fam, gen_fam);
		if (op->dump.post)
			printf("\t\t.done = %s,\n", gen_lower(op->dump.post));
		if (p.n)
			printf("\t\t.policy = %s_%s_nl_policy,\n\t\t.maxattr = %s,\n",
			       gen_fam, gen_lower(op->name),
			       gen_attr_enum(sp, op->set, p.max));
		validate_flags(op->dont_validate);
		if (op->flags & NLIPC_SPEC_ADMIN_PERM)
			printf("\t\t.flags = GENL_ADMIN_PERM,\n");
		else if (op->flags & NLIPC_SPEC_UNS_ADMIN_PERM)
			printf("\t\t.flags = GENL_UNS_ADMIN_PERM,\n");
		printf("\t},\n");
	}
	printf("};\n\n");
}

int gen_kernel_c(const struct nlipc_spec *sp)
{
	size_t i;
	int err;

	for (i = 0; i < sp->n_mcgrps; i++)
		if (sp->mcgrps[i].flags)
			return gen_fail("mcast group %s: flags need 6.5's GENL_MCAST_CAP_*",
					sp->mcgrps[i].name);
	printf("// SPDX-License-Identifier: GPL-2.0\n");
	gen_banner("/*", " */");
	printf("\n#include \"%s.h\"\n\n", gen_fam);
	err = policies(sp);
	if (err)
		return err;
	handlers(sp);
	op_table(sp);

	if (sp->n_mcgrps)
		printf("static const struct genl_multicast_group %s_nl_mcgrps[] = {\n",
		       gen_fam);
	for (i = 0; i < sp->n_mcgrps; i++)
		printf("\t[%s_NLGRP_%s] = { .name = %s_MCGRP_%s },\n",
		       gen_FAM, gen_upper(sp->mcgrps[i].name),
		       gen_FAM, gen_upper(sp->mcgrps[i].name));
	if (sp->n_mcgrps)
		printf("};\n\n");

	printf("struct genl_family %s_nl_family __ro_after_init = {\n"
	       "\t.name = %s_FAMILY_NAME,\n"
	       "\t.version = %s_FAMILY_VERSION,\n"
	       "\t.netnsok = true,\n"
	       "\t.parallel_ops = true,\n"
	       "\t.module = THIS_MODULE,\n"
	       "\t.ops = %s_nl_ops,\n"
	       "\t.n_ops = ARRAY_SIZE(%s_nl_ops),\n",
	       gen_fam, gen_FAM, gen_FAM, gen_fam, gen_fam);
	if (sp->n_mcgrps)
		printf("\t.mcgrps = %s_nl_mcgrps,\n"
		       "\t.n_mcgrps = ARRAY_SIZE(%s_nl_mcgrps),\n", gen_fam, gen_fam);
	printf("};\n");
	return 0;
}
