// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tests' copy of the family's numbers, as a Python module, so no test
 * keeps its own list of ids (tests/nlipctest/family.py, imported by the
 * tests' library).
 */
#include "gen.h"

static void msg_list(const char *key, const struct nlipc_spec_mode *m)
{
	size_t i;

	if (!m->present) {
		printf(", '%s': None", key);
		return;
	}
	printf(", '%s': [", key);
	for (i = 0; i < m->request.n_attrs; i++)
		printf("%s'%s'", i ? ", " : "", m->request.attrs[i]->name);
	printf("]");
}

int gen_python(const struct nlipc_spec *sp)
{
	size_t i, j;

	printf("# SPDX-License-Identifier: GPL-2.0\n");
	gen_banner("#", "");
	printf("\"\"\"The %s family's ids and limits, as the UAPI header has them.\"\"\"\n\n",
	       sp->name);
	printf("FAMILY_NAME = '%s'\nFAMILY_VERSION = %u\n\n", sp->name,
	       (unsigned int)sp->version);

	printf("CONST = {\n");
	for (i = 0; i < sp->n_defs; i++)
		if (sp->defs[i].type == NLIPC_SPEC_DEF_CONST)
			printf("    '%s': %lld,\n", sp->defs[i].name,
			       (long long)sp->defs[i].value);
	printf("}\n\n# Command ids, notifications included.\nCMD = {\n");
	for (i = 0; i < sp->n_ops; i++)
		printf("    '%s': %u,\n", sp->ops[i].name,
		       (unsigned int)sp->ops[i].value);
	printf("}\n\n# Attribute ids, by attribute set.\nATTR = {\n");
	for (i = 0; i < sp->n_sets; i++) {
		const struct nlipc_spec_set *s = &sp->sets[i];

		printf("    '%s': {", s->name);
		for (j = 0; j < s->n_attrs; j++)
			printf("%s'%s': %u", j ? ", " : "", s->attrs[j].name,
			       (unsigned int)s->attrs[j].value);
		printf("},\n");
	}
	printf("}\n\n# Operations (not notifications): set, admin-perm, request attributes.\n"
	       "OPS = {\n");
	for (i = 0; i < sp->n_ops; i++) {
		const struct nlipc_spec_op *op = &sp->ops[i];

		if (!gen_is_op(op))
			continue;
		printf("    '%s': {'set': %s%s%s, 'admin': %s", op->name,
		       op->set ? "'" : "", op->set ? op->set->name : "None",
		       op->set ? "'" : "",
		       op->flags & NLIPC_SPEC_ADMIN_PERM ? "True" : "False");
		msg_list("do", &op->do_);
		msg_list("dump", &op->dump);
		printf("},\n");
	}
	printf("}\n\nMCGRPS = [");
	for (i = 0; i < sp->n_mcgrps; i++)
		printf("%s'%s'", i ? ", " : "", sp->mcgrps[i].name);
	printf("]\n");
	return 0;
}
