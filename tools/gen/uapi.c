// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The UAPI header, laid out as the kernel's ynl-gen-c --mode uapi lays it
 * out (tests/spec-uapi.py derives the same names independently).
 */
#include <string.h>

#include "gen.h"

#define MAX_DEFINES	64

struct define {
	const char *name;
	const char *str;	/* a string, or NULL for the number */
	unsigned long long num;
};

/* ynl's CodeWriter.writes_defines(): values aligned with tabs per group. */
static void defines(const struct define *d, size_t n)
{
	size_t longest = 0, i, tabs;

	for (i = 0; i < n; i++)
		if (strlen(d[i].name) > longest)
			longest = strlen(d[i].name);
	longest = (longest + 8) / 8 * 8;
	for (i = 0; i < n; i++) {
		printf("#define %s", d[i].name);
		for (tabs = (longest - strlen(d[i].name) + 7) / 8; tabs; tabs--)
			putchar('\t');
		if (d[i].str)
			printf("\"%s\"\n", d[i].str);
		else
			printf("%llu\n", d[i].num);
	}
	putchar('\n');
}

static void enum_max(const char *max)
{
	printf("\n\t__%s,\n\t%s = (__%s - 1)\n};\n\n", max, max, max);
}

static void enum_open(const char *tag)
{
	if (tag)
		printf("enum %s {\n", gen_lower(tag));
	else
		printf("enum {\n");
}

/* The first item and any after a jump carry their value. */
static void enum_item(const char *name, unsigned long long value,
		      unsigned long long *next)
{
	if (!*next || value != *next)
		printf("\t%s = %llu,\n", name, value);
	else
		printf("\t%s,\n", name);
	*next = value + 1;
}

int gen_uapi(const struct nlipc_spec *sp)
{
	static char names[MAX_DEFINES][128];
	struct define d[MAX_DEFINES];
	unsigned long long next;
	char guard[128], max[128];
	size_t i, j, n;

	for (i = 0; i < sp->n_defs; i++)
		if (sp->defs[i].type != NLIPC_SPEC_DEF_CONST ||
		    sp->defs[i].str_value)
			return gen_fail("definition %s: only numeric consts are rendered",
					sp->defs[i].name);

	snprintf(guard, sizeof(guard), "_UAPI_%.*s_H",
		 (int)(strlen(sp->uapi_header) - 2), sp->uapi_header);
	for (i = 0; guard[i]; i++)
		if (guard[i] == '/' || guard[i] == '-' || guard[i] == '.')
			guard[i] = '_';

	printf("/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */\n");
	gen_banner("/*", " */");
	printf("\n#ifndef %s\n#define %s\n\n", gen_upper(guard), gen_upper(guard));

	snprintf(names[0], sizeof(names[0]), "%s_FAMILY_NAME", gen_FAM);
	snprintf(names[1], sizeof(names[1]), "%s_FAMILY_VERSION", gen_FAM);
	d[0] = (struct define){ names[0], sp->name, 0 };
	d[1] = (struct define){ names[1], NULL, sp->version };
	defines(d, 2);

	for (i = n = 0; i < sp->n_defs && n < MAX_DEFINES; i++) {
		if (sp->defs[i].header)	/* that header defines it */
			continue;
		snprintf(names[n], sizeof(names[0]), "%s",
			 gen_const(sp, sp->defs[i].name));
		d[n] = (struct define){ names[n], NULL, sp->defs[i].value };
		n++;
	}
	if (n)
		defines(d, n);

	for (i = 0; i < sp->n_sets; i++) {
		const struct nlipc_spec_set *s = &sp->sets[i];

		if (s->subset_of)	/* its parent's enum serves */
			continue;
		enum_open(s->enum_name);
		next = 0;
		for (j = 0; j < s->n_attrs; j++)
			enum_item(gen_attr_enum(sp, s, &s->attrs[j]),
				  s->attrs[j].value, &next);
		/* NLIPC_A_PING_ + MAX: the prefix of any member, without the name */
		snprintf(max, sizeof(max), "%s", gen_attr_enum(sp, s,
			 &(struct nlipc_spec_attr){ .name = "max" }));
		enum_max(max);
	}

	enum_open(sp->op_enum_name);
	next = 0;
	for (i = 0; i < sp->n_ops; i++)
		enum_item(gen_op_enum(sp, &sp->ops[i]), sp->ops[i].value, &next);
	snprintf(max, sizeof(max), "%s",
		 gen_op_enum(sp, &(struct nlipc_spec_op){ .name = "max" }));
	enum_max(max);

	for (i = 0; i < sp->n_mcgrps && i < MAX_DEFINES; i++) {
		snprintf(max, sizeof(max), "%s-mcgrp-%s", sp->name,
			 sp->mcgrps[i].name);
		snprintf(names[i], sizeof(names[0]), "%s", gen_upper(max));
		d[i] = (struct define){ names[i], sp->mcgrps[i].name, 0 };
	}
	if (i)
		defines(d, i);

	printf("#endif /* %s */\n", gen_upper(guard));
	return 0;
}
