/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A generic netlink family's YNL spec (Documentation/netlink/genetlink*.yaml
 * of the kernel: genetlink, genetlink-c and genetlink-legacy), read with
 * libyaml into plain structs. Internal to the project: the build-time
 * generator (tools/gen) and, later, the library's run-time families use it,
 * so there is one understanding of the spec, not one per consumer.
 *
 * Everything is resolved at load: ids numbered as the kernel's nlspec.py
 * numbers them (from 1, "value" restarts the count), subsets filled from
 * their parent, checks given as a const's name turned into numbers (the
 * name is kept for code that wants the symbol), nested sets, op sets and
 * notify targets linked. A loaded spec is immutable; one free releases it.
 */
#ifndef _NLIPC_SPEC_H
#define _NLIPC_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum nlipc_spec_proto {
	NLIPC_SPEC_GENETLINK,
	NLIPC_SPEC_GENETLINK_C,
	NLIPC_SPEC_GENETLINK_LEGACY,
};

enum nlipc_spec_type {
	NLIPC_SPEC_UNUSED,
	NLIPC_SPEC_PAD,
	NLIPC_SPEC_FLAG,
	NLIPC_SPEC_BINARY,
	NLIPC_SPEC_STRING,
	NLIPC_SPEC_U8,
	NLIPC_SPEC_U16,
	NLIPC_SPEC_U32,
	NLIPC_SPEC_U64,
	NLIPC_SPEC_S8,
	NLIPC_SPEC_S16,
	NLIPC_SPEC_S32,
	NLIPC_SPEC_S64,
	NLIPC_SPEC_UINT,
	NLIPC_SPEC_SINT,
	NLIPC_SPEC_NEST,
	NLIPC_SPEC_INDEXED_ARRAY,
	NLIPC_SPEC_NEST_TYPE_VALUE,
	NLIPC_SPEC_ARRAY_NEST,		/* legacy */
	NLIPC_SPEC_BITFIELD32,		/* legacy */
};

/* A check's bound: a number, or a const / "u32-max" style name. */
struct nlipc_spec_limit {
	bool set;
	uint64_t value;		/* two's complement for signed types */
	const char *ref;	/* the definition's name, or NULL */
};

struct nlipc_spec_checks {
	struct nlipc_spec_limit min, max, min_len, max_len, exact_len;
	const char *flags_mask;	/* a flags definition */
};

struct nlipc_spec_entry {
	const char *name, *doc;
	uint64_t value;		/* flags: the bit's value, not its index */
};

/* A member of a legacy fixed header (struct definition). */
struct nlipc_spec_member {
	const char *name, *type, *byte_order, *doc;
	uint32_t len;
};

enum nlipc_spec_def_type {
	NLIPC_SPEC_DEF_CONST,
	NLIPC_SPEC_DEF_ENUM,
	NLIPC_SPEC_DEF_FLAGS,
	NLIPC_SPEC_DEF_STRUCT,
};

struct nlipc_spec_def {
	const char *name, *doc;
	enum nlipc_spec_def_type type;
	const char *header;	/* defined in that header, not ours */
	const char *name_prefix, *enum_name;
	bool render_max;
	uint64_t value;		/* const */
	const char *str_value;	/* a const that is a string, or NULL */
	struct nlipc_spec_entry *entries;	/* enum, flags */
	size_t n_entries;
	struct nlipc_spec_member *members;	/* struct */
	size_t n_members;
};

struct nlipc_spec_set;

struct nlipc_spec_attr {
	const char *name, *doc;
	uint32_t value;
	enum nlipc_spec_type type;
	bool multi_attr;
	const char *nested_attributes;
	const struct nlipc_spec_set *nested;
	const char *enum_name;		/* "enum": a definition */
	bool enum_as_flags;
	const char *byte_order, *sub_type, *display_hint;
	const char **type_value;	/* nest-type-value's names */
	size_t n_type_value;
	struct nlipc_spec_checks checks;
};

struct nlipc_spec_set {
	const char *name, *doc;
	const char *name_prefix, *enum_name, *subset_of;
	struct nlipc_spec_attr *attrs;
	size_t n_attrs;
	uint32_t max_value;	/* highest id (of the parent for a subset) */
};

/* A message's attribute list, by name in the op's set. */
struct nlipc_spec_msg {
	bool present;
	const struct nlipc_spec_attr **attrs;
	size_t n_attrs;
	uint32_t value;		/* directional enum model: this message's id */
};

struct nlipc_spec_mode {
	bool present;
	struct nlipc_spec_msg request, reply;
	const char *pre, *post;	/* kernel callbacks (start/done of a dump) */
};

#define NLIPC_SPEC_ADMIN_PERM		(1u << 0)
#define NLIPC_SPEC_UNS_ADMIN_PERM	(1u << 1)

#define NLIPC_SPEC_DONT_VALIDATE_STRICT		(1u << 0)
#define NLIPC_SPEC_DONT_VALIDATE_DUMP		(1u << 1)
#define NLIPC_SPEC_DONT_VALIDATE_DUMP_STRICT	(1u << 2)

struct nlipc_spec_op {
	const char *name, *doc;
	uint32_t value;
	bool value_set;		/* given in the spec, not counted */
	const char *attribute_set;
	const struct nlipc_spec_set *set;	/* notify: the target's */
	unsigned int flags;			/* NLIPC_SPEC_*_PERM */
	unsigned int dont_validate;		/* NLIPC_SPEC_DONT_VALIDATE_* */
	const char *fixed_header, *config_cond;
	struct nlipc_spec_mode do_, dump;
	struct nlipc_spec_msg event;
	const char *notify;
	const struct nlipc_spec_op *notify_op;
	const char *mcgrp;
};

struct nlipc_spec_mcgrp {
	const char *name;
	unsigned int flags;	/* NLIPC_SPEC_*_PERM */
};

struct nlipc_spec {
	const char *name, *doc;
	enum nlipc_spec_proto protocol;
	const char *uapi_header;	/* "linux/<name>.h" unless given */
	uint32_t version;		/* legacy's "version", else 1 */
	const char **kernel_family_headers;
	size_t n_kernel_family_headers;

	struct nlipc_spec_def *defs;
	size_t n_defs;
	struct nlipc_spec_set *sets;
	size_t n_sets;

	const char *op_enum_model;	/* "unified" unless given */
	const char *op_name_prefix, *op_enum_name;
	const char *op_async_prefix, *op_async_enum;
	const char *op_fixed_header;
	struct nlipc_spec_op *ops;
	size_t n_ops;

	struct nlipc_spec_mcgrp *mcgrps;
	size_t n_mcgrps;

	void *arena;			/* every allocation, freed at once */
};

/*
 * nlipc_spec_load - read a YNL spec file
 * Returns 0 and *@out, or a negative errno with a "line N: why" message in
 * @err (-ENOMEM, -EINVAL for a spec this reader refuses, or open's errno).
 */
int nlipc_spec_load(const char *path, struct nlipc_spec **out, char *err,
		    size_t errlen);
void nlipc_spec_free(struct nlipc_spec *sp);

/* find.c: NAME.yaml in $NLIPC_SPEC_PATH, then in nlipc_spec_dirs. */
extern const char *const nlipc_spec_dirs[];
int nlipc_spec_find(const char *name, char *path, size_t size);

const struct nlipc_spec_def *nlipc_spec_def(const struct nlipc_spec *sp,
					    const char *name);
const struct nlipc_spec_set *nlipc_spec_set(const struct nlipc_spec *sp,
					    const char *name);
const struct nlipc_spec_attr *nlipc_spec_attr(const struct nlipc_spec_set *set,
					      const char *name);
const struct nlipc_spec_op *nlipc_spec_op(const struct nlipc_spec *sp,
					  const char *name);

/* The spec's name of a type ("u32"), and whether it is a signed integer. */
const char *nlipc_spec_type_name(enum nlipc_spec_type type);
bool nlipc_spec_type_signed(enum nlipc_spec_type type);

#endif /* _NLIPC_SPEC_H */
