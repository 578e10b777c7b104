// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc-gen MODE SPEC: print what MODE makes of the spec. make runs it for
 * every generated file (tools/gen/local.mk); tests/spec-gen.sh checks the
 * committed files are what it gives.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

const char *gen_spec_name;
char gen_fam[64], gen_FAM[64];

static const struct {
	const char *mode;
	int (*fn)(const struct nlipc_spec *sp);
	const char *what;
} modes[] = {
	{ "uapi", gen_uapi, "the UAPI header (as ynl-gen-c --mode uapi)" },
	{ "kernel-h", gen_kernel_h, "the module's family declarations" },
	{ "kernel-c", gen_kernel_c, "the module's policies, op table, groups" },
	{ "nlipcd-h", gen_nlipcd_h, "nlipcd's request policy bound" },
	{ "nlipcd-c", gen_nlipcd_c, "nlipcd's op table and request policies" },
	{ "names", gen_names, "libnlipc's op and attribute names" },
	{ "python", gen_python, "the tests' tables, as a Python module" },
};

int gen_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("nlipc-gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

static const char *convert(const char *s, int upper)
{
	static char bufs[8][128];
	static unsigned int next;
	char *b = bufs[next++ % 8];
	size_t i;

	for (i = 0; s[i] && i < sizeof(bufs[0]) - 1; i++)
		b[i] = s[i] == '-' ? '_' :
		       upper && s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' :
		       !upper && s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' :
		       s[i];
	b[i] = '\0';
	return b;
}

const char *gen_upper(const char *s)
{
	return convert(s, 1);
}

const char *gen_lower(const char *s)
{
	return convert(s, 0);
}

static const char *joined(const char *a, const char *b, const char *c)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s%s%s", a, b, c);
	return gen_upper(buf);
}

const char *gen_attr_enum(const struct nlipc_spec *sp,
			  const struct nlipc_spec_set *set,
			  const struct nlipc_spec_attr *a)
{
	char pfx[128];

	if (set->subset_of)
		set = nlipc_spec_set(sp, set->subset_of);
	if (set->name_prefix)
		snprintf(pfx, sizeof(pfx), "%s", set->name_prefix);
	else if (!strcmp(set->name, sp->name))
		snprintf(pfx, sizeof(pfx), "%s-a-", sp->name);
	else
		snprintf(pfx, sizeof(pfx), "%s-a-%s-", sp->name, set->name);
	return joined(pfx, a->name, "");
}

const char *gen_op_enum(const struct nlipc_spec *sp,
			const struct nlipc_spec_op *op)
{
	if (sp->op_name_prefix)
		return joined(sp->op_name_prefix, op->name, "");
	return joined(sp->name, "-cmd-", op->name);
}

const char *gen_const(const struct nlipc_spec *sp, const char *name)
{
	const struct nlipc_spec_def *d = nlipc_spec_def(sp, name);

	if (d && d->name_prefix)
		return joined(d->name_prefix, name, "");
	return joined(sp->name, "-", name);
}

const char *gen_limit(const struct nlipc_spec *sp,
		      const struct nlipc_spec_limit *l, int kernel)
{
	static char buf[4][32];
	static unsigned int next;
	char *b = buf[next++ % 4];
	const char *r = l->ref;

	if (r && nlipc_spec_def(sp, r))
		return gen_const(sp, r);
	if (r) {	/* u32-max → U32_MAX in the kernel, UINT32_MAX outside */
		const char *dash = strchr(r, '-');

		if (kernel)
			snprintf(b, sizeof(buf[0]), "%s", r);
		else
			snprintf(b, sizeof(buf[0]), "%sint%.*s%s",
				 r[0] == 'u' ? "u" : "", (int)(dash - r - 1),
				 r + 1, dash);
		return gen_upper(b);
	}
	snprintf(b, sizeof(buf[0]), "%llu", (unsigned long long)l->value);
	return b;
}

static int by_id(const void *a, const void *b)
{
	const struct nlipc_spec_attr *x = *(const struct nlipc_spec_attr *const *)a;
	const struct nlipc_spec_attr *y = *(const struct nlipc_spec_attr *const *)b;

	return (x->value > y->value) - (x->value < y->value);
}

int gen_policy(const struct nlipc_spec_op *op, struct gen_policy *p)
{
	const struct nlipc_spec_msg *msgs[] = {
		&op->do_.request, &op->dump.request,
	};
	unsigned int m, i, j;

	p->n = 0;
	p->max = NULL;
	for (m = 0; m < 2; m++) {
		for (i = 0; i < msgs[m]->n_attrs; i++) {
			const struct nlipc_spec_attr *a = msgs[m]->attrs[i];

			for (j = 0; j < p->n && p->attrs[j] != a; j++)
				;
			if (j < p->n)
				continue;
			if (p->n == sizeof(p->attrs) / sizeof(p->attrs[0]))
				return gen_fail("op %s: too many request attributes",
						op->name);
			p->attrs[p->n++] = a;
		}
	}
	qsort(p->attrs, p->n, sizeof(p->attrs[0]), by_id);
	if (p->n)
		p->max = p->attrs[p->n - 1];
	return 0;
}

void gen_banner(const char *open, const char *close)
{
	printf("%s Do not edit directly, auto-generated from:%s\n", open, close);
	printf("%s\t%s%s\n", open, gen_spec_name, close);
	printf("%s by tools/gen/nlipc-gen; make regenerates it.%s\n", open, close);
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: nlipc-gen MODE SPEC [NAME]\n"
		"  NAME: the spec's path as the output cites it (default SPEC)\n"
		"modes:\n");
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		fprintf(f, "  %-9s %s\n", modes[i].mode, modes[i].what);
}

int main(int argc, char **argv)
{
	struct nlipc_spec *sp;
	char err[256];
	size_t i;
	int ret;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (argc < 3 || argc > 4) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(argv[1], modes[i].mode))
			break;
	if (i == sizeof(modes) / sizeof(modes[0])) {
		usage(stderr);
		return 2;
	}
	gen_spec_name = argc == 4 ? argv[3] : argv[2];
	ret = nlipc_spec_load(argv[2], &sp, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "nlipc-gen: %s: %s\n", argv[2], err);
		return 1;
	}
	snprintf(gen_fam, sizeof(gen_fam), "%s", gen_lower(sp->name));
	snprintf(gen_FAM, sizeof(gen_FAM), "%s", gen_upper(sp->name));
	if (strcmp(sp->op_enum_model, "unified") || sp->op_async_prefix) {
		gen_fail("only the unified op enum model is rendered");
		ret = -EINVAL;
	} else {
		ret = modes[i].fn(sp);
	}
	nlipc_spec_free(sp);
	if (!ret && (fflush(stdout) || ferror(stdout)))
		ret = gen_fail("writing: %s", strerror(errno));
	return ret ? 1 : 0;
}
