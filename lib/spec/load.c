// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * YNL spec → struct nlipc_spec, through libyaml's document API (it
 * resolves anchors and aliases, which specs use for shared replies).
 *
 * The first error wins and is kept with its line; the walkers go on with
 * empty values rather than check every step, and the loader fails at the
 * end. Keys the reader does not model are ignored, so newer specs load;
 * tests/spec-uapi.py is the strict schema check of our own spec.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "spec.h"

struct loader {
	yaml_document_t doc;
	struct nlipc_spec *sp;
	char *err;
	size_t errlen;
	int failed;		/* the first error's negative errno */
};

struct chunk {
	struct chunk *next;
	max_align_t data[];
};

static void *alloc(struct loader *ld, size_t size)
{
	struct chunk *c;

	c = calloc(1, sizeof(*c) + size);
	if (!c) {
		if (!ld->failed) {
			snprintf(ld->err, ld->errlen, "out of memory");
			ld->failed = -ENOMEM;
		}
		return NULL;
	}
	c->next = ld->sp->arena;
	ld->sp->arena = c;
	return c->data;
}

static void __attribute__((format(printf, 3, 4)))
fail(struct loader *ld, const yaml_node_t *n, const char *fmt, ...)
{
	size_t off = 0;
	va_list ap;

	if (ld->failed)
		return;
	ld->failed = -EINVAL;
	if (n)
		off = snprintf(ld->err, ld->errlen, "line %zu: ",
			       (size_t)n->start_mark.line + 1);
	if (off >= ld->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ld->err + off, ld->errlen - off, fmt, ap);
	va_end(ap);
}

/* ---- libyaml nodes ---- */

static yaml_node_t *node(struct loader *ld, int id)
{
	return yaml_document_get_node(&ld->doc, id);
}

static yaml_node_t *get(struct loader *ld, const yaml_node_t *map,
			const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(ld, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, key))
			return node(ld, p->value);
	}
	return NULL;
}

static bool is_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE;
}

/* A scalar's text, owned by the spec; NULL if absent. */
static const char *str(struct loader *ld, const yaml_node_t *n)
{
	char *s;

	if (!n)
		return NULL;
	if (!is_scalar(n)) {
		fail(ld, n, "expected a scalar");
		return NULL;
	}
	s = alloc(ld, n->data.scalar.length + 1);
	if (s)
		memcpy(s, n->data.scalar.value, n->data.scalar.length);
	return s;
}

static const char *sget(struct loader *ld, const yaml_node_t *map,
			const char *key)
{
	return str(ld, get(ld, map, key));
}

static bool parse_int(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	if (*s == '-')
		*v = (uint64_t)strtoll(s, &end, 0);
	else
		*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static uint64_t num(struct loader *ld, const yaml_node_t *n, uint64_t dflt)
{
	uint64_t v;

	if (!n)
		return dflt;
	if (!is_scalar(n) || !parse_int((const char *)n->data.scalar.value, &v)) {
		fail(ld, n, "expected an integer");
		return dflt;
	}
	return v;
}

/* YAML 1.1's booleans, as PyYAML (and so the kernel's tools) reads them. */
static bool boolean(struct loader *ld, const yaml_node_t *n)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
					   "Yes", "YES", "on", "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no",
					  "No", "NO", "off", "Off", "OFF" };
	const char *s = n && is_scalar(n) ? (const char *)n->data.scalar.value : "";
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i]))
			return true;
		if (!strcmp(s, no[i]))
			return false;
	}
	fail(ld, n, "expected true or false");
	return false;
}

/* Items of a sequence (a missing one is empty); *n receives the count. */
static yaml_node_item_t *items(struct loader *ld, const yaml_node_t *seq,
			       size_t *n)
{
	*n = 0;
	if (!seq)
		return NULL;
	if (seq->type != YAML_SEQUENCE_NODE) {
		fail(ld, seq, "expected a list");
		return NULL;
	}
	*n = seq->data.sequence.items.top - seq->data.sequence.items.start;
	return seq->data.sequence.items.start;
}

static void *array(struct loader *ld, size_t n, size_t size)
{
	return n ? alloc(ld, n * size) : NULL;
}

/*
 * A list's items and a zeroed array of as many elements for them; *n is
 * the count, 0 for a missing list or when the array could not be had.
 */
static void *list(struct loader *ld, const yaml_node_t *seq, size_t size,
		  yaml_node_item_t **it, size_t *n)
{
	void *arr;

	*it = items(ld, seq, n);
	arr = array(ld, *n, size);
	if (!arr)
		*n = 0;
	return arr;
}

/* ---- names ---- */

static const char *const type_names[] = {
	[NLIPC_SPEC_UNUSED] = "unused",
	[NLIPC_SPEC_PAD] = "pad",
	[NLIPC_SPEC_FLAG] = "flag",
	[NLIPC_SPEC_BINARY] = "binary",
	[NLIPC_SPEC_STRING] = "string",
	[NLIPC_SPEC_U8] = "u8",
	[NLIPC_SPEC_U16] = "u16",
	[NLIPC_SPEC_U32] = "u32",
	[NLIPC_SPEC_U64] = "u64",
	[NLIPC_SPEC_S8] = "s8",
	[NLIPC_SPEC_S16] = "s16",
	[NLIPC_SPEC_S32] = "s32",
	[NLIPC_SPEC_S64] = "s64",
	[NLIPC_SPEC_UINT] = "uint",
	[NLIPC_SPEC_SINT] = "sint",
	[NLIPC_SPEC_NEST] = "nest",
	[NLIPC_SPEC_INDEXED_ARRAY] = "indexed-array",
	[NLIPC_SPEC_NEST_TYPE_VALUE] = "nest-type-value",
	[NLIPC_SPEC_ARRAY_NEST] = "array-nest",
	[NLIPC_SPEC_BITFIELD32] = "bitfield32",
};

const char *nlipc_spec_type_name(enum nlipc_spec_type type)
{
	return (size_t)type < sizeof(type_names) / sizeof(type_names[0]) ?
	       type_names[type] : NULL;
}

bool nlipc_spec_type_signed(enum nlipc_spec_type type)
{
	return type == NLIPC_SPEC_S8 || type == NLIPC_SPEC_S16 ||
	       type == NLIPC_SPEC_S32 || type == NLIPC_SPEC_S64 ||
	       type == NLIPC_SPEC_SINT;
}

static enum nlipc_spec_type type_of(struct loader *ld, const yaml_node_t *n)
{
	const char *s = n && is_scalar(n) ? (const char *)n->data.scalar.value : "";
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (!strcmp(s, type_names[i]))
			return i;
	fail(ld, n, "unknown attribute type '%s'", s);
	return NLIPC_SPEC_UNUSED;
}

static unsigned int perm_flags(struct loader *ld, const yaml_node_t *seq)
{
	yaml_node_item_t *it;
	unsigned int flags = 0;
	size_t n, i;

	it = items(ld, seq, &n);
	for (i = 0; i < n; i++) {
		const char *f = str(ld, node(ld, it[i]));

		if (f && !strcmp(f, "admin-perm"))
			flags |= NLIPC_SPEC_ADMIN_PERM;
		else if (f && !strcmp(f, "uns-admin-perm"))
			flags |= NLIPC_SPEC_UNS_ADMIN_PERM;
		else if (f)
			fail(ld, node(ld, it[i]), "unknown flag '%s'", f);
	}
	return flags;
}

/* kernel-family's headers: a list of names, as the schema has it. */
static void load_headers(struct loader *ld, const yaml_node_t *seq)
{
	struct nlipc_spec *sp = ld->sp;
	yaml_node_item_t *it;
	size_t i;

	if (!seq)
		return;
	sp->kernel_family_headers = list(ld, seq,
					 sizeof(*sp->kernel_family_headers),
					 &it, &sp->n_kernel_family_headers);
	for (i = 0; i < sp->n_kernel_family_headers; i++)
		sp->kernel_family_headers[i] = str(ld, node(ld, it[i]));
}

/* ---- definitions ---- */

static void load_entries(struct loader *ld, struct nlipc_spec_def *d,
			 const yaml_node_t *dn)
{
	uint64_t start = num(ld, get(ld, dn, "value-start"), 0);
	yaml_node_item_t *it;
	size_t i;

	d->entries = list(ld, get(ld, dn, "entries"), sizeof(*d->entries), &it,
			  &d->n_entries);
	for (i = 0; i < d->n_entries; i++) {
		yaml_node_t *en = node(ld, it[i]);
		struct nlipc_spec_entry *e = &d->entries[i];
		uint64_t idx = start + i;

		if (is_scalar(en)) {
			e->name = str(ld, en);
		} else {
			e->name = sget(ld, en, "name");
			e->doc = sget(ld, en, "doc");
			idx = num(ld, get(ld, en, "value"), idx);
		}
		start = idx - i;	/* a value restarts the count */
		e->value = d->type == NLIPC_SPEC_DEF_FLAGS ? 1ull << idx : idx;
	}
}

static void load_members(struct loader *ld, struct nlipc_spec_def *d,
			 const yaml_node_t *dn)
{
	yaml_node_item_t *it;
	size_t i;

	d->members = list(ld, get(ld, dn, "members"), sizeof(*d->members), &it,
			  &d->n_members);
	for (i = 0; i < d->n_members; i++) {
		yaml_node_t *mn = node(ld, it[i]);
		struct nlipc_spec_member *m = &d->members[i];

		m->name = sget(ld, mn, "name");
		m->type = sget(ld, mn, "type");
		m->byte_order = sget(ld, mn, "byte-order");
		m->doc = sget(ld, mn, "doc");
		m->len = num(ld, get(ld, mn, "len"), 0);
	}
}

static void load_defs(struct loader *ld, const yaml_node_t *root)
{
	struct nlipc_spec *sp = ld->sp;
	yaml_node_item_t *it;
	size_t i;

	sp->defs = list(ld, get(ld, root, "definitions"), sizeof(*sp->defs), &it,
			&sp->n_defs);
	for (i = 0; i < sp->n_defs; i++) {
		yaml_node_t *dn = node(ld, it[i]);
		struct nlipc_spec_def *d = &sp->defs[i];
		const char *type = sget(ld, dn, "type");

		d->name = sget(ld, dn, "name");
		d->doc = sget(ld, dn, "doc");
		d->header = sget(ld, dn, "header");
		d->name_prefix = sget(ld, dn, "name-prefix");
		d->enum_name = sget(ld, dn, "enum-name");
		d->render_max = boolean(ld, get(ld, dn, "render-max"));
		if (!d->name || !type) {
			fail(ld, dn, "a definition needs a name and a type");
		} else if (!strcmp(type, "const")) {
			const yaml_node_t *vn = get(ld, dn, "value");

			d->type = NLIPC_SPEC_DEF_CONST;
			/* A const may be a string (team's group name). */
			if (is_scalar(vn) &&
			    !parse_int((const char *)vn->data.scalar.value,
				       &d->value))
				d->str_value = str(ld, vn);
			else
				d->value = num(ld, vn, 0);
		} else if (!strcmp(type, "enum") || !strcmp(type, "flags")) {
			d->type = type[0] == 'e' ? NLIPC_SPEC_DEF_ENUM :
				  NLIPC_SPEC_DEF_FLAGS;
			load_entries(ld, d, dn);
		} else if (!strcmp(type, "struct")) {
			d->type = NLIPC_SPEC_DEF_STRUCT;
			load_members(ld, d, dn);
		} else {
			fail(ld, dn, "unknown definition type '%s'", type);
		}
	}
}

/* ---- attribute sets ---- */

static void load_limit(struct loader *ld, struct nlipc_spec_limit *l,
		       const yaml_node_t *n)
{
	static const char *const bounds[] = {
		"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
	};
	const struct nlipc_spec_def *d;
	const char *s = str(ld, n);
	unsigned int bits;
	size_t i;

	if (!s)
		return;
	l->set = true;
	if (parse_int(s, &l->value))
		return;
	l->ref = s;
	d = nlipc_spec_def(ld->sp, s);
	if (d && d->type == NLIPC_SPEC_DEF_CONST) {
		l->value = d->value;
		return;
	}
	/* u32-max, s16-min and friends */
	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		size_t len = strlen(bounds[i]);

		if (strncmp(s, bounds[i], len) || s[len] != '-')
			continue;
		bits = atoi(bounds[i] + 1);
		if (!strcmp(s + len, "-max"))
			l->value = bounds[i][0] == 'u' ?
				   UINT64_MAX >> (64 - bits) :
				   UINT64_MAX >> (65 - bits);
		else if (!strcmp(s + len, "-min"))
			l->value = bounds[i][0] == 'u' ? 0 :
				   ~(UINT64_MAX >> (65 - bits));
		else
			break;
		return;
	}
	fail(ld, n, "check '%s' is neither a number nor a const", s);
}

/* nest-type-value: the names the nests' types stand for, outermost first. */
static void load_type_value(struct loader *ld, struct nlipc_spec_attr *a,
			    const yaml_node_t *seq)
{
	yaml_node_item_t *it;
	size_t i;

	if (!seq)
		return;
	a->type_value = list(ld, seq, sizeof(*a->type_value), &it,
			     &a->n_type_value);
	for (i = 0; i < a->n_type_value; i++)
		a->type_value[i] = str(ld, node(ld, it[i]));
}

static void load_attr(struct loader *ld, struct nlipc_spec_attr *a,
		      const yaml_node_t *an, bool subset)
{
	const yaml_node_t *ck = get(ld, an, "checks");

	a->name = sget(ld, an, "name");
	if (!a->name)
		fail(ld, an, "an attribute needs a name");
	a->doc = sget(ld, an, "doc");
	if (subset)		/* the rest comes from the parent set */
		return;
	a->type = type_of(ld, get(ld, an, "type"));
	a->multi_attr = boolean(ld, get(ld, an, "multi-attr"));
	a->nested_attributes = sget(ld, an, "nested-attributes");
	a->enum_name = sget(ld, an, "enum");
	a->enum_as_flags = boolean(ld, get(ld, an, "enum-as-flags"));
	a->byte_order = sget(ld, an, "byte-order");
	a->sub_type = sget(ld, an, "sub-type");
	a->display_hint = sget(ld, an, "display-hint");
	load_type_value(ld, a, get(ld, an, "type-value"));
	load_limit(ld, &a->checks.min, get(ld, ck, "min"));
	load_limit(ld, &a->checks.max, get(ld, ck, "max"));
	load_limit(ld, &a->checks.min_len, get(ld, ck, "min-len"));
	load_limit(ld, &a->checks.max_len, get(ld, ck, "max-len"));
	load_limit(ld, &a->checks.exact_len, get(ld, ck, "exact-len"));
	a->checks.flags_mask = sget(ld, ck, "flags-mask");
}

static void load_sets(struct loader *ld, const yaml_node_t *root)
{
	struct nlipc_spec *sp = ld->sp;
	yaml_node_item_t *it, *ait;
	size_t i, j;

	sp->sets = list(ld, get(ld, root, "attribute-sets"), sizeof(*sp->sets),
			&it, &sp->n_sets);
	for (i = 0; i < sp->n_sets; i++) {
		yaml_node_t *sn = node(ld, it[i]);
		struct nlipc_spec_set *s = &sp->sets[i];
		uint32_t id = 0;

		s->name = sget(ld, sn, "name");
		s->doc = sget(ld, sn, "doc");
		s->name_prefix = sget(ld, sn, "name-prefix");
		s->enum_name = sget(ld, sn, "enum-name");
		s->subset_of = sget(ld, sn, "subset-of");
		if (!s->name)
			fail(ld, sn, "an attribute set needs a name");
		s->attrs = list(ld, get(ld, sn, "attributes"), sizeof(*s->attrs),
				&ait, &s->n_attrs);
		for (j = 0; j < s->n_attrs; j++) {
			yaml_node_t *an = node(ld, ait[j]);

			load_attr(ld, &s->attrs[j], an, s->subset_of);
			id = num(ld, get(ld, an, "value"), id + 1);
			s->attrs[j].value = id;
			if (id > s->max_value)
				s->max_value = id;
		}
	}
}

/* Subsets take ids and types from their parent; nests find their set. */
static void resolve_sets(struct loader *ld)
{
	struct nlipc_spec *sp = ld->sp;
	size_t i, j, k;

	for (i = 0; i < sp->n_sets; i++) {
		struct nlipc_spec_set *s = &sp->sets[i];
		const struct nlipc_spec_set *parent;

		if (!s->subset_of)
			continue;
		parent = nlipc_spec_set(sp, s->subset_of);
		if (!parent || parent->subset_of) {
			fail(ld, NULL, "set %s: subset-of '%s' is no full set",
			     s->name, s->subset_of);
			return;
		}
		s->max_value = parent->max_value;
		for (j = 0; j < s->n_attrs; j++) {
			struct nlipc_spec_attr *a = &s->attrs[j];
			const struct nlipc_spec_attr *pa =
				nlipc_spec_attr(parent, a->name);
			const char *doc = a->doc;

			if (!pa) {
				fail(ld, NULL, "set %s: %s is not in %s",
				     s->name, a->name, parent->name);
				return;
			}
			*a = *pa;
			if (doc)
				a->doc = doc;
		}
	}
	for (i = 0; i < sp->n_sets; i++) {
		for (j = 0; j < sp->sets[i].n_attrs; j++) {
			struct nlipc_spec_attr *a = &sp->sets[i].attrs[j];

			if (a->nested_attributes) {
				a->nested = nlipc_spec_set(sp, a->nested_attributes);
				if (!a->nested)
					fail(ld, NULL, "attr %s: no set '%s'",
					     a->name, a->nested_attributes);
			} else if (a->type == NLIPC_SPEC_NEST ||
				   (a->type == NLIPC_SPEC_INDEXED_ARRAY &&
				    (!a->sub_type ||
				     !strcmp(a->sub_type, "nest")))) {
				/* Nests need a set; arrays of scalars do not. */
				fail(ld, NULL, "attr %s: a nest without nested-attributes",
				     a->name);
			}
			for (k = 0; k < j; k++)
				if (sp->sets[i].attrs[k].value == a->value &&
				    !sp->sets[i].subset_of)
					fail(ld, NULL, "set %s: %s and %s share id %" PRIu32,
					     sp->sets[i].name, a->name,
					     sp->sets[i].attrs[k].name, a->value);
		}
	}
}

/* ---- operations ---- */

/* Messages keep their attribute names until the op's set is known. */
struct pending {
	struct nlipc_spec_msg *msg;
	const yaml_node_t *list;
};

static void load_msg(struct loader *ld, struct nlipc_spec_msg *m,
		     const yaml_node_t *mn)
{
	if (!mn)
		return;
	m->present = true;
	m->value = num(ld, get(ld, mn, "value"), 0);
}

static void load_mode(struct loader *ld, struct nlipc_spec_mode *md,
		      const yaml_node_t *mn)
{
	if (!mn)
		return;
	md->present = true;
	load_msg(ld, &md->request, get(ld, mn, "request"));
	load_msg(ld, &md->reply, get(ld, mn, "reply"));
	md->pre = sget(ld, mn, "pre");
	md->post = sget(ld, mn, "post");
}

/* Names of a message's attributes → the set's attributes. */
static void link_msg(struct loader *ld, const struct nlipc_spec_op *op,
		     struct nlipc_spec_msg *m, const yaml_node_t *mn)
{
	yaml_node_item_t *it;
	size_t n, i;

	it = items(ld, get(ld, mn, "attributes"), &n);
	if (!n)
		return;
	if (!op->set) {
		fail(ld, mn, "op %s lists attributes but has no attribute-set",
		     op->name);
		return;
	}
	m->attrs = array(ld, n, sizeof(*m->attrs));
	if (!m->attrs)
		return;
	m->n_attrs = n;
	for (i = 0; i < n; i++) {
		const char *name = str(ld, node(ld, it[i]));

		m->attrs[i] = name ? nlipc_spec_attr(op->set, name) : NULL;
		if (!m->attrs[i])
			fail(ld, node(ld, it[i]), "op %s: '%s' is not in set %s",
			     op->name, name ? name : "?", op->set->name);
	}
}

static void load_ops(struct loader *ld, const yaml_node_t *root)
{
	const yaml_node_t *ops = get(ld, root, "operations");
	struct nlipc_spec *sp = ld->sp;
	yaml_node_item_t *it;
	uint32_t id = 0;
	size_t i;

	sp->op_enum_model = sget(ld, ops, "enum-model");
	if (!sp->op_enum_model)
		sp->op_enum_model = "unified";
	sp->op_name_prefix = sget(ld, ops, "name-prefix");
	sp->op_enum_name = sget(ld, ops, "enum-name");
	sp->op_async_prefix = sget(ld, ops, "async-prefix");
	sp->op_async_enum = sget(ld, ops, "async-enum");
	sp->op_fixed_header = sget(ld, ops, "fixed-header");

	sp->ops = list(ld, get(ld, ops, "list"), sizeof(*sp->ops), &it,
		       &sp->n_ops);
	for (i = 0; i < sp->n_ops; i++) {
		yaml_node_t *on = node(ld, it[i]);
		struct nlipc_spec_op *op = &sp->ops[i];
		yaml_node_item_t *dv;
		size_t ndv, j;

		op->name = sget(ld, on, "name");
		if (!op->name)
			fail(ld, on, "an operation needs a name");
		op->doc = sget(ld, on, "doc");
		id = num(ld, get(ld, on, "value"), id + 1);
		op->value = id;
		op->value_set = get(ld, on, "value");
		op->attribute_set = sget(ld, on, "attribute-set");
		op->flags = perm_flags(ld, get(ld, on, "flags"));
		op->fixed_header = sget(ld, on, "fixed-header");
		op->config_cond = sget(ld, on, "config-cond");
		op->notify = sget(ld, on, "notify");
		op->mcgrp = sget(ld, on, "mcgrp");
		dv = items(ld, get(ld, on, "dont-validate"), &ndv);
		for (j = 0; j < ndv; j++) {
			const char *f = str(ld, node(ld, dv[j]));

			if (f && !strcmp(f, "strict"))
				op->dont_validate |= NLIPC_SPEC_DONT_VALIDATE_STRICT;
			else if (f && !strcmp(f, "dump"))
				op->dont_validate |= NLIPC_SPEC_DONT_VALIDATE_DUMP;
			else if (f && !strcmp(f, "dump-strict"))
				op->dont_validate |= NLIPC_SPEC_DONT_VALIDATE_DUMP_STRICT;
		}
		load_mode(ld, &op->do_, get(ld, on, "do"));
		load_mode(ld, &op->dump, get(ld, on, "dump"));
		load_msg(ld, &op->event, get(ld, on, "event"));
	}
}

/* Sets and notify targets by name, then the messages' attributes. */
/*
 * The directional model numbers requests and replies each on their own,
 * from 1, as nlspec.py does: an explicit value restarts its direction's
 * count, an op without a reply takes no reply id, an event takes the next
 * reply id.
 */
static void number_directional(struct nlipc_spec *sp)
{
	uint32_t req = 1, rsp = 1, req_next, rsp_next;
	size_t i;

	for (i = 0; i < sp->n_ops; i++) {
		struct nlipc_spec_op *op = &sp->ops[i];
		struct nlipc_spec_mode *md;

		if (op->notify || op->event.present) {
			if (op->value_set)
				rsp = op->value;
			op->event.value = rsp;
			req_next = req;
			rsp_next = rsp + 1;
		} else if (op->do_.present || op->dump.present) {
			md = op->do_.present ? &op->do_ : &op->dump;
			if (md->request.value)
				req = md->request.value;
			if (md->reply.value)
				rsp = md->reply.value;
			req_next = req + 1;
			rsp_next = rsp + md->reply.present;
			/* A dump without a request still sends the op's id. */
			for (md = &op->do_; md; md = md == &op->do_ ? &op->dump : NULL) {
				if (md->present && !md->request.value)
					md->request.value = req;
				if (md->reply.present && !md->reply.value)
					md->reply.value = rsp;
			}
		} else {
			continue;
		}
		req = req_next;
		rsp = rsp_next;
	}
}

static void resolve_ops(struct loader *ld, const yaml_node_t *root)
{
	const yaml_node_t *ops = get(ld, root, "operations");
	struct nlipc_spec *sp = ld->sp;
	yaml_node_item_t *it;
	size_t n, i, j;

	for (i = 0; i < sp->n_ops; i++) {
		struct nlipc_spec_op *op = &sp->ops[i];

		if (op->attribute_set) {
			op->set = nlipc_spec_set(sp, op->attribute_set);
			if (!op->set)
				fail(ld, NULL, "op %s: no attribute set '%s'",
				     op->name, op->attribute_set);
		}
		for (j = 0; j < i; j++)
			if (sp->ops[j].value == op->value)
				fail(ld, NULL, "ops %s and %s share id %" PRIu32,
				     sp->ops[j].name, op->name, op->value);
	}
	for (i = 0; i < sp->n_ops; i++) {
		struct nlipc_spec_op *op = &sp->ops[i];

		if (!op->notify)
			continue;
		op->notify_op = nlipc_spec_op(sp, op->notify);
		if (!op->notify_op || op->notify_op == op ||
		    !(op->notify_op->do_.reply.present ||
		      op->notify_op->dump.reply.present))
			fail(ld, NULL, "op %s: notify '%s' is no other op with a reply",
			     op->name, op->notify);
		else if (!op->set)
			op->set = op->notify_op->set;
	}
	it = items(ld, get(ld, ops, "list"), &n);
	for (i = 0; i < n && i < sp->n_ops; i++) {
		const yaml_node_t *on = node(ld, it[i]);
		struct nlipc_spec_op *op = &sp->ops[i];
		const yaml_node_t *d = get(ld, on, "do");
		const yaml_node_t *u = get(ld, on, "dump");

		link_msg(ld, op, &op->do_.request, get(ld, d, "request"));
		link_msg(ld, op, &op->do_.reply, get(ld, d, "reply"));
		link_msg(ld, op, &op->dump.request, get(ld, u, "request"));
		link_msg(ld, op, &op->dump.reply, get(ld, u, "reply"));
		link_msg(ld, op, &op->event, get(ld, on, "event"));
	}
}

static void load_mcgrps(struct loader *ld, const yaml_node_t *root)
{
	struct nlipc_spec *sp = ld->sp;
	yaml_node_item_t *it;
	size_t n, i;

	sp->mcgrps = list(ld, get(ld, get(ld, root, "mcast-groups"), "list"),
			  sizeof(*sp->mcgrps), &it, &sp->n_mcgrps);
	for (i = 0; i < sp->n_mcgrps; i++) {
		yaml_node_t *gn = node(ld, it[i]);

		sp->mcgrps[i].name = sget(ld, gn, "name");
		sp->mcgrps[i].flags = perm_flags(ld, get(ld, gn, "flags"));
	}
	for (i = 0; i < sp->n_ops; i++) {
		const char *g = sp->ops[i].mcgrp;

		for (n = 0; g && n < sp->n_mcgrps; n++)
			if (sp->mcgrps[n].name && !strcmp(sp->mcgrps[n].name, g))
				break;
		if (g && n == sp->n_mcgrps)
			fail(ld, NULL, "op %s: no mcast group '%s'",
			     sp->ops[i].name, g);
	}
}

static void load_family(struct loader *ld, const yaml_node_t *root)
{
	struct nlipc_spec *sp = ld->sp;
	const char *proto;
	char *hdr;

	if (!root || root->type != YAML_MAPPING_NODE) {
		fail(ld, root, "the spec is not a mapping");
		return;
	}
	sp->name = sget(ld, root, "name");
	if (!sp->name) {
		fail(ld, root, "the spec has no name");
		return;
	}
	sp->doc = sget(ld, root, "doc");
	proto = sget(ld, root, "protocol");
	if (!proto || !strcmp(proto, "genetlink"))
		sp->protocol = NLIPC_SPEC_GENETLINK;
	else if (!strcmp(proto, "genetlink-c"))
		sp->protocol = NLIPC_SPEC_GENETLINK_C;
	else if (!strcmp(proto, "genetlink-legacy"))
		sp->protocol = NLIPC_SPEC_GENETLINK_LEGACY;
	else
		fail(ld, get(ld, root, "protocol"), "protocol '%s' is not genetlink",
		     proto);
	sp->version = num(ld, get(ld, root, "version"), 1);
	sp->uapi_header = sget(ld, root, "uapi-header");
	if (!sp->uapi_header) {
		hdr = alloc(ld, strlen(sp->name) + sizeof("linux/.h"));
		if (hdr) {
			sprintf(hdr, "linux/%s.h", sp->name);
			for (char *c = hdr; *c; c++)
				if (*c == '-')
					*c = '_';
		}
		sp->uapi_header = hdr;
	}
	load_headers(ld, get(ld, get(ld, root, "kernel-family"), "headers"));
	load_defs(ld, root);
	load_sets(ld, root);
	resolve_sets(ld);
	load_ops(ld, root);
	resolve_ops(ld, root);
	if (!strcmp(sp->op_enum_model, "directional"))
		number_directional(sp);
	load_mcgrps(ld, root);
}

void nlipc_spec_free(struct nlipc_spec *sp)
{
	struct chunk *c, *next;

	if (!sp)
		return;
	for (c = sp->arena; c; c = next) {
		next = c->next;
		free(c);
	}
	free(sp);
}

int nlipc_spec_load(const char *path, struct nlipc_spec **out, char *err,
		    size_t errlen)
{
	struct loader ld = { .err = err, .errlen = errlen };
	yaml_parser_t parser;
	FILE *f;
	int ret;

	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	ld.sp = calloc(1, sizeof(*ld.sp));
	if (!ld.sp || !yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "out of memory");
		free(ld.sp);
		fclose(f);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &ld.doc)) {
		snprintf(err, errlen, "line %zu: %s",
			 (size_t)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "bad YAML");
		yaml_parser_delete(&parser);
		fclose(f);
		nlipc_spec_free(ld.sp);
		return -EINVAL;
	}
	load_family(&ld, yaml_document_get_root_node(&ld.doc));
	yaml_document_delete(&ld.doc);
	yaml_parser_delete(&parser);
	fclose(f);
	if (ld.failed) {
		nlipc_spec_free(ld.sp);
		return ld.failed;
	}
	*out = ld.sp;
	return 0;
}
