// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc kv: the key-value store of the caller's network namespace. Keys
 * and values are bytes: --hex takes and shows them as hex digits, kv set
 * --file reads a value from a file and kv get --raw writes one out as it
 * is, so binary values round-trip.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlipc.h"

/* Long-only options. */
enum {
	OPT_CREATE = 256,
	OPT_REPLACE,
	OPT_HEX,
	OPT_RAW,
};

/* Which options an action takes, beyond --hex and --help. */
#define KV_TAKES_FLAGS	0x1	/* --create, --replace */
#define KV_TAKES_FILE	0x2
#define KV_TAKES_RAW	0x4

struct kv_opts {
	const char *cmd;	/* "kv set", for messages */
	unsigned int flags;	/* NLIPC_KV_* of kv set */
	const char *file;
	bool hex;
	bool raw;
};

/* An action's arguments, as bytes. */
struct kv_args {
	struct bytes key;	/* kv list: the prefix */
	struct bytes value;
	int n;			/* how many were given */
};

/* The entries of a listing, copied out of the endpoint's buffer. */
struct kv_item {
	uint8_t *data;		/* key, then value */
	size_t key_len, value_len;
};

struct kv_items {
	struct kv_item *v;
	size_t n, cap;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nlipc kv set KEY VALUE [--create | --replace] [--hex]\n"
		"       nlipc kv set KEY --file PATH [--create | --replace] [--hex]\n"
		"       nlipc kv get KEY [--hex] [--raw]\n"
		"       nlipc kv del KEY [--hex]\n"
		"       nlipc kv list [PREFIX] [--hex]\n"
		"\n"
		"Actions may be abbreviated; delete is del, show and ls are list.\n"
		"Set, read, delete and list the keys of the service's store in the\n"
		"caller's network namespace. set and del need CAP_NET_ADMIN.\n"
		"\n"
		"  --create         create KEY; fail with EEXIST if it exists\n"
		"  --replace        replace KEY; fail with ENOENT if it is missing\n"
		"                   (neither: create or replace, whatever is there)\n"
		"  -f, --file PATH  take VALUE from PATH, '-' for standard input\n"
		"  --hex            KEY, VALUE and PREFIX are hex digits (0x optional);\n"
		"                   keys and values print as hex\n"
		"  --raw            write the value's bytes to standard output as they are\n"
		"\n"
		"get prints the value, list one 'KEY VALUE' line per key. A key or value\n"
		"that is not printable UTF-8 text prints as 0x and hex digits; in JSON it\n"
		"is \"key_hex\" or \"value_hex\" instead of \"key\" or \"value\".\n"
		"Put -- before a KEY or VALUE that starts with '-'.\n");
}

static int kv_set(struct nlipc *ep, const struct kv_opts *o,
		  const struct kv_args *a)
{
	int err;

	err = nlipc_kv_set(ep, a->key.data, a->key.len, a->value.data,
			   a->value.len, o->flags);
	return err ? cli_fail(o->cmd, ep, err) : EXIT_OK;
}

/* The whole value, however long: grow the buffer until it fits. */
static long kv_fetch(struct nlipc *ep, const struct bytes *key, void **value)
{
	size_t cap = 4096;
	void *buf = NULL, *p;
	long n;

	for (;;) {
		p = realloc(buf, cap);
		if (!p) {
			free(buf);
			return -ENOMEM;
		}
		buf = p;
		n = nlipc_kv_get(ep, key->data, key->len, buf, cap);
		if (n < 0 || (size_t)n <= cap)
			break;
		/* Cut: read it again with room for it (it may grow meanwhile). */
		cap = n;
	}
	if (n < 0)
		free(buf);
	else
		*value = buf;
	return n;
}

static int kv_get(struct nlipc *ep, const struct kv_opts *o,
		  const struct kv_args *a)
{
	const struct bytes *key = &a->key;
	void *value;
	long n;

	n = kv_fetch(ep, key, &value);
	if (n == -ENOMEM) {
		print_errorf(o->cmd, n, "out of memory");
		return EXIT_REFUSED;
	}
	if (n < 0)
		return cli_fail(o->cmd, ep, n);

	if (o->raw) {
		fwrite(value, 1, n, stdout);
	} else {
		open_json_object(NULL);
		print_bytes(PRINT_JSON, "key", NULL, key->data, key->len,
			    o->hex);
		print_bytes(PRINT_ANY, "value", "%s\n", value, n, o->hex);
		close_json_object();
	}
	free(value);
	return EXIT_OK;
}

static int kv_del(struct nlipc *ep, const struct kv_opts *o,
		  const struct kv_args *a)
{
	int err = nlipc_kv_del(ep, a->key.data, a->key.len);

	return err ? cli_fail(o->cmd, ep, err) : EXIT_OK;
}

static void items_clear(struct kv_items *l)
{
	while (l->n)
		free(l->v[--l->n].data);
}

static int collect_cb(const struct nlipc_kv_entry *e, void *arg)
{
	struct kv_items *l = arg;
	struct kv_item *it;

	/* The listing starts over: what came before is stale. */
	if (!e) {
		items_clear(l);
		return 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct kv_item *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	it = &l->v[l->n];
	it->data = malloc(e->key_len + e->value_len + 1);
	if (!it->data)
		return -ENOMEM;
	memcpy(it->data, e->key, e->key_len);
	if (e->value_len)
		memcpy(it->data + e->key_len, e->value, e->value_len);
	it->key_len = e->key_len;
	it->value_len = e->value_len;
	l->n++;
	return 0;
}

static void items_print(const struct kv_items *l, bool hex)
{
	size_t i;

	open_json_array(NULL);
	for (i = 0; i < l->n; i++) {
		const struct kv_item *it = &l->v[i];

		open_json_object(NULL);
		print_bytes(PRINT_ANY, "key", "%s", it->data, it->key_len, hex);
		print_bytes(PRINT_ANY, "value", " %s\n", it->data + it->key_len,
			    it->value_len, hex);
		close_json_object();
	}
	close_json_array();
}

/*
 * Collect the whole listing first: a pass interrupted by a writer is
 * dropped on the restart, so nothing is ever printed twice.
 */
static int kv_list(struct nlipc *ep, const struct kv_opts *o,
		   const struct kv_args *a)
{
	struct kv_items items = {};
	int err, ret = EXIT_OK;

	/* No PREFIX: no key-prefix attribute; "" is one that matches all. */
	err = nlipc_kv_list(ep, a->n ? a->key.data : NULL, a->key.len,
			    collect_cb, &items);
	if (err)
		ret = cli_fail(o->cmd, ep, err);
	else
		items_print(&items, o->hex);
	items_clear(&items);
	free(items.v);
	return ret;
}

static const struct {
	const char *name;
	const char *cmd;
	int (*run)(struct nlipc *ep, const struct kv_opts *o,
		   const struct kv_args *a);
	unsigned int takes;
	const char *first;		/* its first argument's name */
	int min_args, max_args;
} actions[] = {
	{ "set", "kv set", kv_set, KV_TAKES_FLAGS | KV_TAKES_FILE, "KEY", 1, 2 },
	{ "get", "kv get", kv_get, KV_TAKES_RAW, "KEY", 1, 1 },
	{ "del", "kv del", kv_del, 0, "KEY", 1, 1 },
	{ "list", "kv list", kv_list, 0, "PREFIX", 0, 1 },
};

/* Indexes of actions[], with ip's aliases: delete, show and ls. */
static const struct cli_word action_words[] = {
	{ "set", 0 }, { "get", 1 }, { "del", 2 }, { "delete", 2 },
	{ "list", 3 }, { "show", 3 }, { "ls", 3 },
};

static const char *option_name(int c)
{
	switch (c) {
	case OPT_CREATE:
		return "--create";
	case OPT_REPLACE:
		return "--replace";
	case OPT_RAW:
		return "--raw";
	default:
		return "--file";
	}
}

/*
 * An action's options, those it @takes and --hex; its arguments are left
 * from argv[optind] on. Returns 0, -1 after printing the help, or the
 * exit code of a usage error.
 */
static int kv_parse(int argc, char **argv, unsigned int takes,
		    struct kv_opts *o)
{
	static const struct option long_opts[] = {
		{ "create", no_argument, NULL, OPT_CREATE },
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ "file", required_argument, NULL, 'f' },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned int need;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":f:h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_CREATE:
		case OPT_REPLACE:
			need = KV_TAKES_FLAGS;
			break;
		case 'f':
			need = KV_TAKES_FILE;
			break;
		case OPT_RAW:
			need = KV_TAKES_RAW;
			break;
		case OPT_HEX:
			o->hex = true;
			continue;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return cli_bad_option(o->cmd, c, argv, long_opts);
		}
		if (!(takes & need))
			return cli_usage_error(o->cmd, "%s is not an option of %s",
					       option_name(c), o->cmd);
		if (c == 'f') {
			o->file = optarg;
		} else if (c == OPT_RAW) {
			o->raw = true;
		} else {
			if (o->flags)
				return cli_usage_error(o->cmd,
						       "--create and --replace exclude each other");
			o->flags = c == OPT_CREATE ?
				   NLIPC_KV_CREATE | NLIPC_KV_EXCL :
				   NLIPC_KV_REPLACE;
		}
	}
	/* Neither: rtnetlink's NLM_F_CREATE | NLM_F_REPLACE, set it anyway. */
	if ((takes & KV_TAKES_FLAGS) && !o->flags)
		o->flags = NLIPC_KV_CREATE | NLIPC_KV_REPLACE;
	if (o->raw && is_json_context())
		return cli_usage_error(o->cmd,
				       "--raw writes bytes, not JSON: drop -j");
	return 0;
}

/* Check the number of arguments and turn them into bytes. */
static int kv_args_get(int argc, char **argv, int action,
		       const struct kv_opts *o, struct kv_args *a)
{
	int max = actions[action].max_args;
	int ret;

	a->n = argc - optind;
	if (a->n < actions[action].min_args)
		return cli_usage_error(o->cmd, "no %s given",
				       actions[action].first);
	if (o->file && a->n == max)
		return cli_usage_error(o->cmd,
				       "VALUE and --file exclude each other");
	if (a->n > max)
		return cli_usage_error(o->cmd, "unexpected argument '%s'",
				       argv[optind + max]);
	if ((actions[action].takes & KV_TAKES_FILE) && a->n < max && !o->file)
		return cli_usage_error(o->cmd, "no VALUE given");

	if (a->n >= 1) {
		ret = cli_bytes_arg(o->cmd, actions[action].first,
				    argv[optind], o->hex, &a->key);
		if (ret)
			return ret;
	}
	if (a->n == 2)
		return cli_bytes_arg(o->cmd, "VALUE", argv[optind + 1],
				     o->hex, &a->value);
	if (o->file)
		return cli_bytes_file(o->cmd, o->file, NLIPC_VALUE_MAX_LEN,
				      &a->value);
	return 0;
}

int cmd_kv_main(int argc, char **argv)
{
	struct kv_args args = {};
	struct kv_opts o = {};
	struct nlipc *ep;
	int a, ret;

	if (argc < 2)
		return cli_usage_error(argv[0], "no action given");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return EXIT_OK;
	}
	ret = cli_lookup(argv[0], "action", action_words,
			 ARRAY_SIZE(action_words), argv[1], &a);
	if (ret)
		return ret;
	o.cmd = actions[a].cmd;

	/* The action's name stands in for argv[0]. */
	ret = kv_parse(argc - 1, argv + 1, actions[a].takes, &o);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = kv_args_get(argc - 1, argv + 1, a, &o, &args);
	if (ret)
		goto out_free;

	/* nlipc -b: a set joins the batch, sent with the next ones. */
	if (cli_batching() && actions[a].run == kv_set) {
		ret = cli_batch_kv_set(args.key.data, args.key.len,
				       args.value.data, args.value.len,
				       o.flags);
		goto out_free;
	}
	ret = cli_connect(o.cmd, &ep);
	if (ret)
		goto out_free;
	ret = actions[a].run(ep, &o, &args);
	nlipc_close(ep);
out_free:
	bytes_free(&args.key);
	bytes_free(&args.value);
	return ret;
}
