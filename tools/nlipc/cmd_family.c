// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc family: what the generic netlink controller says about the nlipc
 * family (genl ctrl get name nlipc), plus every operation's request policy
 * from CTRL_CMD_GETPOLICY. Both go through the endpoint, so the answer is
 * the kernel's on netlink: and the daemon's on its transports. The JSON is
 * complete: tests compare it with spec/nlipc.yaml.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "nlipc.h"

/* The controller's version since policies were added (5.10). */
#define CTRL_VERSION 2
/* Nested policies are expanded inline, this deep at most. */
#define POLICY_MAX_DEPTH 8
/*
 * ... and to this many attributes in all: policies linked to each other
 * by many attributes expand exponentially within that depth. The nlipc
 * family has a few dozen.
 */
#define POLICY_MAX_NODES 4096

/* Attributes expanded so far by this command. */
static unsigned int policy_nodes;

/* Replies copied out of the endpoint's buffer, which the next one reuses. */
struct msgs {
	struct nlmsghdr **v;
	size_t n, cap;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nlipc family\n"
		"\n"
		"Show the nlipc family as the generic netlink controller describes it:\n"
		"id, version, operations with their flags and request policies (each\n"
		"attribute's type and limits), and multicast groups.\n");
}

static void msgs_clear(struct msgs *l)
{
	while (l->n)
		free(l->v[--l->n]);
}

static void msgs_free(struct msgs *l)
{
	msgs_clear(l);
	free(l->v);
}

static int collect_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct msgs *l = arg;
	struct nlmsghdr *copy;

	/* A dump starting over: what came before is stale. */
	if (!nlh) {
		msgs_clear(l);
		return 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct nlmsghdr **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	copy = malloc(nlh->nlmsg_len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, nlh, nlh->nlmsg_len);
	l->v[l->n++] = copy;
	return 0;
}

/* Index a nest's attributes by type; higher types are ignored. */
static int nest_parse(const struct nlattr *nest, const struct nlattr **tb,
		      unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return -EBADMSG;
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) <= max)
			tb[mnl_attr_get_type(a)] = a;
	return 0;
}

/* A u32 (or the u16 family id) that is present and well formed. */
static bool get_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a)
		return false;
	if (mnl_attr_get_payload_len(a) == sizeof(uint16_t)) {
		*v = mnl_attr_get_u16(a);
		return true;
	}
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

static bool get_u64(const struct nlattr *a, uint64_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return false;
	*v = mnl_attr_get_u64(a);
	return true;
}

static const char *get_str(const struct nlattr *a)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return NULL;
	return mnl_attr_get_str(a);
}

static int family_get(struct nlipc *ep, struct msgs *fam)
{
	struct nlipc_msg *m;

	m = nlipc_msg_start_family(ep, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
				   CTRL_VERSION, 0);
	nlipc_msg_put_str(m, CTRL_ATTR_FAMILY_NAME, NLIPC_FAMILY_NAME);
	return nlipc_call(ep, m, collect_cb, fam);
}

static int policy_get(struct nlipc *ep, uint16_t id, struct msgs *pol)
{
	struct nlipc_msg *m;

	m = nlipc_msg_start_family(ep, GENL_ID_CTRL, CTRL_CMD_GETPOLICY,
				   CTRL_VERSION, NLM_F_DUMP);
	nlipc_msg_put(m, CTRL_ATTR_FAMILY_ID, &id, sizeof(id));
	return nlipc_call(ep, m, collect_cb, pol);
}

/* The policy indexes of @cmd's do and dump requests, -1 if none. */
static void op_policy(const struct msgs *pol, uint32_t cmd, int64_t *do_idx,
		      int64_t *dump_idx)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct nlattr *op;
	uint32_t v;
	size_t i;

	*do_idx = *dump_idx = -1;
	for (i = 0; i < pol->n; i++) {
		memset(tb, 0, sizeof(tb));
		if (nlipc_attr_parse(pol->v[i], tb, CTRL_ATTR_MAX) ||
		    !tb[CTRL_ATTR_OP_POLICY])
			continue;
		mnl_attr_for_each_nested(op, tb[CTRL_ATTR_OP_POLICY]) {
			const struct nlattr *p[CTRL_ATTR_POLICY_DUMP_MAX + 1];

			if (mnl_attr_get_type(op) != cmd ||
			    nest_parse(op, p, CTRL_ATTR_POLICY_DUMP_MAX))
				continue;
			if (get_u32(p[CTRL_ATTR_POLICY_DO], &v))
				*do_idx = v;
			if (get_u32(p[CTRL_ATTR_POLICY_DUMP], &v))
				*dump_idx = v;
		}
	}
}

static const char *nl_attr_type_name(uint32_t type)
{
	static const char *const names[] = {
		[NL_ATTR_TYPE_FLAG] = "flag",
		[NL_ATTR_TYPE_U8] = "u8",
		[NL_ATTR_TYPE_U16] = "u16",
		[NL_ATTR_TYPE_U32] = "u32",
		[NL_ATTR_TYPE_U64] = "u64",
		[NL_ATTR_TYPE_S8] = "s8",
		[NL_ATTR_TYPE_S16] = "s16",
		[NL_ATTR_TYPE_S32] = "s32",
		[NL_ATTR_TYPE_S64] = "s64",
		[NL_ATTR_TYPE_BINARY] = "binary",
		[NL_ATTR_TYPE_STRING] = "string",
		[NL_ATTR_TYPE_NUL_STRING] = "nul-string",
		[NL_ATTR_TYPE_NESTED] = "nested",
		[NL_ATTR_TYPE_NESTED_ARRAY] = "nested-array",
		[NL_ATTR_TYPE_BITFIELD32] = "bitfield32",
		/* 6.8 and later; not in every linux/netlink.h yet. */
		[NL_ATTR_TYPE_BITFIELD32 + 1] = "sint",
		[NL_ATTR_TYPE_BITFIELD32 + 2] = "uint",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return NULL;
}

static int print_policy(const struct msgs *pol, uint32_t idx, uint8_t cmd,
			const uint32_t *path, int depth);

/* One attribute of a policy: its type, then each limit it has. */
static int print_policy_attr(const struct msgs *pol, const struct nlattr *a,
			     uint8_t cmd, const uint32_t *path, int depth)
{
	const struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1];
	uint16_t type = mnl_attr_get_type(a);
	const char *name = NULL, *tname;
	char key[16];
	uint32_t v32;
	uint64_t v64;
	int i, err = 0;

	if (nest_parse(a, tb, NL_POLICY_TYPE_ATTR_MAX))
		return 0;
	if (++policy_nodes > POLICY_MAX_NODES)
		return -E2BIG;
	/* Names are known for the family's own sets, not nested ones. */
	if (depth == 0)
		name = nlipc_attr_name(cmd, type);
	snprintf(key, sizeof(key), "%u", type);

	open_json_object(name ? name : key);
	for (i = 0; i < depth + 3; i++)
		print_string(PRINT_FP, NULL, "\t%s", "");
	print_string(PRINT_FP, NULL, "%s", name ? name : "attr");
	print_uint(PRINT_FP, NULL, " (%u):", type);

	if (get_u32(tb[NL_POLICY_TYPE_ATTR_TYPE], &v32)) {
		tname = nl_attr_type_name(v32);
		if (tname)
			print_string(PRINT_ANY, "type", " %s", tname);
		else
			print_uint(PRINT_ANY, "type", " type-%u", v32);
	}
	if (get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_S], &v64))
		print_s64(PRINT_ANY, "min_value", " min %" PRId64,
			  (int64_t)v64);
	if (get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_S], &v64))
		print_s64(PRINT_ANY, "max_value", " max %" PRId64,
			  (int64_t)v64);
	if (get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U], &v64))
		print_u64(PRINT_ANY, "min_value", " min %" PRIu64, v64);
	if (get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U], &v64))
		print_u64(PRINT_ANY, "max_value", " max %" PRIu64, v64);
	if (get_u32(tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH], &v32))
		print_uint(PRINT_ANY, "min_len", " min-len %u", v32);
	if (get_u32(tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH], &v32))
		print_uint(PRINT_ANY, "max_len", " max-len %u", v32);
	if (get_u32(tb[NL_POLICY_TYPE_ATTR_BITFIELD32_MASK], &v32))
		print_uint(PRINT_ANY, "bitfield32_mask", " bitfield32-mask 0x%x",
			   v32);
	if (get_u64(tb[NL_POLICY_TYPE_ATTR_MASK], &v64))
		print_u64(PRINT_ANY, "mask", " mask 0x%" PRIx64, v64);
	if (get_u32(tb[NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE], &v32))
		print_uint(PRINT_ANY, "maxtype", " maxtype %u", v32);
	print_nl();

	if (get_u32(tb[NL_POLICY_TYPE_ATTR_POLICY_IDX], &v32)) {
		uint32_t sub_path[POLICY_MAX_DEPTH + 1];
		bool loop = false;

		for (i = 0; i <= depth; i++)
			loop |= path[i] == v32;
		/* A recursive policy is shown once, then by index. */
		if (loop || depth + 1 >= POLICY_MAX_DEPTH) {
			print_uint(PRINT_ANY, "policy_idx", NULL, v32);
		} else {
			memcpy(sub_path, path, (depth + 1) * sizeof(*path));
			sub_path[depth + 1] = v32;
			open_json_object("policy");
			err = print_policy(pol, v32, cmd, sub_path, depth + 1);
			close_json_object();
		}
	}
	close_json_object();
	return err;
}

/* Every attribute of policy @idx, in the order the controller sent them. */
static int print_policy(const struct msgs *pol, uint32_t idx, uint8_t cmd,
			const uint32_t *path, int depth)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct nlattr *p, *a;
	size_t i;
	int err;

	for (i = 0; i < pol->n; i++) {
		memset(tb, 0, sizeof(tb));
		if (nlipc_attr_parse(pol->v[i], tb, CTRL_ATTR_MAX) ||
		    !tb[CTRL_ATTR_POLICY])
			continue;
		mnl_attr_for_each_nested(p, tb[CTRL_ATTR_POLICY]) {
			if (mnl_attr_get_type(p) != idx)
				continue;
			mnl_attr_for_each_nested(a, p) {
				err = print_policy_attr(pol, a, cmd, path,
							depth);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

/* The attributes policy @idx accepts: 0 for the core's reject-all one. */
static size_t policy_count(const struct msgs *pol, uint32_t idx)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct nlattr *p, *a;
	size_t i, n = 0;

	for (i = 0; i < pol->n; i++) {
		memset(tb, 0, sizeof(tb));
		if (nlipc_attr_parse(pol->v[i], tb, CTRL_ATTR_MAX) ||
		    !tb[CTRL_ATTR_POLICY])
			continue;
		mnl_attr_for_each_nested(p, tb[CTRL_ATTR_POLICY])
			if (mnl_attr_get_type(p) == idx)
				mnl_attr_for_each_nested(a, p)
					n++;
	}
	return n;
}

static int print_op_policy(const struct msgs *pol, uint8_t cmd,
			   const char *key, const char *label, int64_t idx)
{
	uint32_t path[POLICY_MAX_DEPTH + 1] = { (uint32_t)idx };
	int err;

	if (idx < 0)
		return 0;
	print_string(PRINT_FP, NULL, "\t\t%s policy:", label);
	print_string(PRINT_FP, NULL, "%s\n",
		     policy_count(pol, idx) ? "" : " no attributes");
	open_json_object(key);
	err = print_policy(pol, idx, cmd, path, 0);
	close_json_object();
	return err;
}

static void print_op_flags(uint32_t flags)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ GENL_ADMIN_PERM, "admin-perm" },
		{ GENL_UNS_ADMIN_PERM, "uns-admin-perm" },
		{ GENL_CMD_CAP_DO, "do" },
		{ GENL_CMD_CAP_DUMP, "dump" },
		{ GENL_CMD_CAP_HASPOL, "has-policy" },
	};
	size_t i;

	open_json_array("flags");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		print_string(PRINT_ANY, NULL, " %s", names[i].name);
		flags &= ~names[i].bit;
	}
	/* Bits newer than this tool, shown rather than dropped. */
	for (i = 0; i < 32; i++)
		if (flags & (1u << i))
			print_fmt(PRINT_ANY, NULL, " 0x%x", 1u << i);
	close_json_array();
}

static int print_ops(const struct nlattr *ops, const struct msgs *pol)
{
	const struct nlattr *tb[CTRL_ATTR_OP_MAX + 1];
	const struct nlattr *op;
	int64_t do_idx, dump_idx;
	uint32_t id, flags;
	const char *name;
	int err = 0;

	print_string(PRINT_FP, NULL, "%s\n", "operations:");
	open_json_array("ops");
	mnl_attr_for_each_nested(op, ops) {
		if (nest_parse(op, tb, CTRL_ATTR_OP_MAX) ||
		    !get_u32(tb[CTRL_ATTR_OP_ID], &id))
			return -EBADMSG;
		if (!get_u32(tb[CTRL_ATTR_OP_FLAGS], &flags))
			flags = 0;
		name = id <= UINT8_MAX ? nlipc_op_name(id) : NULL;

		open_json_object(NULL);
		if (name)
			print_string(PRINT_ANY, "name", "\t%s", name);
		else	/* an op newer than the library */
			print_string(PRINT_ANY, "name", "\t%s", NULL);
		print_uint(PRINT_ANY, "id", " (%u):", id);
		print_op_flags(flags);
		print_nl();
		op_policy(pol, id, &do_idx, &dump_idx);
		err = print_op_policy(pol, id, "do_policy", "do", do_idx);
		if (!err)
			err = print_op_policy(pol, id, "dump_policy", "dump",
					      dump_idx);
		close_json_object();
		if (err)
			break;
	}
	close_json_array();
	return err;
}

static int print_groups(const struct nlattr *groups)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	const struct nlattr *g;
	const char *name;
	uint32_t id;

	print_string(PRINT_FP, NULL, "%s\n", "multicast groups:");
	open_json_array("mcast_groups");
	if (groups) {
		mnl_attr_for_each_nested(g, groups) {
			if (nest_parse(g, tb, CTRL_ATTR_MCAST_GRP_MAX))
				return -EBADMSG;
			name = get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]);
			if (!name || !get_u32(tb[CTRL_ATTR_MCAST_GRP_ID], &id))
				return -EBADMSG;
			open_json_object(NULL);
			print_string(PRINT_ANY, "name", "\t%s", name);
			print_uint(PRINT_ANY, "id", " (%u)\n", id);
			close_json_object();
		}
	}
	close_json_array();
	return 0;
}

static int print_family(const struct nlmsghdr *nlh, const struct msgs *pol)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	uint32_t id, version = 0, hdrsize = 0, maxattr = 0;
	const char *name;
	int err;

	if (nlipc_attr_parse(nlh, tb, CTRL_ATTR_MAX))
		return -EBADMSG;
	name = get_str(tb[CTRL_ATTR_FAMILY_NAME]);
	if (!name || !get_u32(tb[CTRL_ATTR_FAMILY_ID], &id))
		return -EBADMSG;
	get_u32(tb[CTRL_ATTR_VERSION], &version);
	get_u32(tb[CTRL_ATTR_HDRSIZE], &hdrsize);
	get_u32(tb[CTRL_ATTR_MAXATTR], &maxattr);

	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "family %s", name);
	print_uint(PRINT_ANY, "id", " id %u", id);
	print_uint(PRINT_ANY, "version", " version %u", version);
	print_uint(PRINT_ANY, "hdrsize", " hdrsize %u", hdrsize);
	print_uint(PRINT_ANY, "maxattr", " maxattr %u\n", maxattr);
	err = tb[CTRL_ATTR_OPS] ? print_ops(tb[CTRL_ATTR_OPS], pol) : 0;
	if (!err)
		err = print_groups(tb[CTRL_ATTR_MCAST_GROUPS]);
	close_json_object();
	return err;
}

static uint16_t family_id(const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	uint32_t id = 0;

	if (!nlipc_attr_parse(nlh, tb, CTRL_ATTR_MAX))
		get_u32(tb[CTRL_ATTR_FAMILY_ID], &id);
	return id;
}

int cmd_family_main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct msgs fam = {}, pol = {};
	struct nlipc *ep;
	uint16_t id;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c != 'h')
			return cli_bad_option(argv[0], c, argv, long_opts);
		usage(stdout);
		return EXIT_OK;
	}
	if (optind < argc)
		return cli_usage_error(argv[0], "unexpected argument '%s'",
				       argv[optind]);

	ret = cli_connect(argv[0], &ep);
	if (ret)
		return ret;

	ret = family_get(ep, &fam);
	if (ret) {
		ret = cli_fail(argv[0], ep, ret);
		goto out_free;
	}
	id = fam.n ? family_id(fam.v[0]) : 0;
	if (!id) {
		print_errorf(argv[0], -EBADMSG,
			     "the controller's reply has no family id");
		ret = EXIT_REFUSED;
		goto out_free;
	}
	ret = policy_get(ep, id, &pol);
	if (ret) {
		ret = cli_fail(argv[0], ep, ret);
		goto out_free;
	}
	policy_nodes = 0;
	ret = print_family(fam.v[0], &pol);
	if (ret == -E2BIG) {
		print_errorf(argv[0], ret,
			     "the controller's policies expand to more than %d attributes: a policy graph that large is refused",
			     POLICY_MAX_NODES);
		ret = EXIT_REFUSED;
	} else if (ret) {
		print_errorf(argv[0], ret,
			     "malformed reply from the controller");
		ret = EXIT_REFUSED;
	}
out_free:
	msgs_free(&pol);
	msgs_free(&fam);
	nlipc_close(ep);
	return ret;
}
