// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc --spec FILE | --family NAME --do OP | --dump OP [--json JSON] |
 * --subscribe GROUP: any generic netlink family from its YNL spec, a C
 * counterpart of the
 * kernel's tools/net/ynl/cli.py. Its options are its own: --json is the
 * request here, as it is for cli.py, and -j prints the answer as JSON.
 */
#include <config.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json.h>

#include "nlipc.h"
#include "../../lib/ynl/ynl.h"

#define CMD "spec"

enum {
	OPT_SPEC = 256,
	OPT_FAMILY,
	OPT_DO,
	OPT_DUMP,
	OPT_JSON,
	OPT_LIST_OPS,
	OPT_SUBSCRIBE,
	OPT_COUNT,
	OPT_DURATION,
};

static const struct option long_opts[] = {
	{ "spec", required_argument, NULL, OPT_SPEC },
	{ "family", required_argument, NULL, OPT_FAMILY },
	{ "do", required_argument, NULL, OPT_DO },
	{ "dump", required_argument, NULL, OPT_DUMP },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "list-ops", no_argument, NULL, OPT_LIST_OPS },
	{ "subscribe", required_argument, NULL, OPT_SUBSCRIBE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	CLI_GLOBAL_LONG_OPTS,
	{ "help", no_argument, NULL, 'h' },
	{}
};

bool cmd_ynl_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strncmp(argv[i], "--spec", 6) ||
		    !strncmp(argv[i], "--family", 8))
			return true;
	return false;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nlipc [-j|-p] [-t SECONDS] [-n NETNS] --spec FILE|--family NAME\n"
		"             --do OP|--dump OP [--json JSON] | --list-ops |\n"
		"             --subscribe GROUP [--count N] [--duration SECONDS]\n"
		"\n"
		"Send a request to any generic netlink family, encoded from JSON by the\n"
		"family's YNL spec, and print the answer decoded by it, as the kernel's\n"
		"YNL CLI (tools/net/ynl/cli.py) does. --family NAME reads NAME.yaml from\n"
		"$NLIPC_SPEC_PATH (directories separated by ':'), %s\n"
		"and /usr/share/ynl/specs.\n"
		"\n"
		"-c URL reaches the family through nlipcd (--tls-ca, --tls-cert and\n"
		"--tls-key as for nlipc's commands).\n"
		"\n"
		"--subscribe GROUP prints the family's notifications from its multicast\n"
		"GROUP as they come, until SIGINT or SIGTERM, --count N of them or\n"
		"--duration SECONDS.\n", SPECDIR);
}

static void list_ops(const struct nlipc_spec *sp)
{
	size_t i;

	if (is_json_context())
		open_json_array(NULL);
	for (i = 0; i < sp->n_ops; i++) {
		const struct nlipc_spec_op *op = &sp->ops[i];

		/* Requests only, as cli.py --list-ops: events are not sent. */
		if (!op->do_.present && !op->dump.present)
			continue;
		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "%s", op->name);
		open_json_array("modes");
		print_string(PRINT_FP, NULL, " [", NULL);
		if (op->do_.present)
			print_string(PRINT_ANY, NULL, "%s", "do");
		if (op->dump.present)
			print_string(PRINT_ANY, NULL,
				     op->do_.present ? ", %s" : "%s", "dump");
		print_string(PRINT_FP, NULL, "]", NULL);
		close_json_array();
		close_json_object();
		print_nl();
	}
	if (is_json_context())
		close_json_array();
}

/* Text: one "key: value" per line, nests indented, as YAML would. */
static void print_text(json_object *v, int indent, bool item)
{
	const char *pad = item ? "- " : "";

	if (json_object_is_type(v, json_type_object)) {
		bool first = true;

		json_object_object_foreach(v, key, val) {
			bool obj = json_object_is_type(val, json_type_object);
			bool arr = json_object_is_type(val, json_type_array);
			bool leaf = (!obj && !arr) ||
				    (obj && !json_object_object_length(val)) ||
				    (arr && !json_object_array_length(val));

			printf("%*s%s%s:%s", first ? indent : indent + (item ? 2 : 0),
			       "", first ? pad : "", key, leaf ? " " : "\n");
			if (leaf)
				printf("%s\n", obj ? "{}" : arr ? "[]" :
				       json_object_get_string(val));
			else
				print_text(val, indent + (item ? 4 : 2), false);
			first = false;
		}
		if (first)
			printf("%*s%s{}\n", indent, "", pad);
	} else if (json_object_is_type(v, json_type_array)) {
		size_t i;

		for (i = 0; i < json_object_array_length(v); i++)
			print_text(json_object_array_get_idx(v, i), indent, true);
		if (!json_object_array_length(v))
			printf("%*s%s[]\n", indent, "", pad);
	} else {
		printf("%*s%s%s\n", indent, "", pad,
		       v ? json_object_get_string(v) : "null");
	}
}

/* A notification decoded; JSON: one document per line, as monitor's. */
static int print_ntf(json_object *ntf)
{
	if (is_json_context()) {
		print_json_value(ntf);
	} else {
		printf("%s:\n", json_object_get_string(
				 json_object_object_get(ntf, "name")));
		print_text(json_object_object_get(ntf, "msg"), 2, false);
		json_object_put(ntf);
	}
	return print_finish();
}

/* monitor_run()'s take: the family's notifications, decoded by its spec. */
static int take_ntf(struct nlipc *ep, void *arg, unsigned long *printed,
		    int *out_err)
{
	struct nlipc_ynl *y = arg;
	const struct nlmsghdr *nlh;
	json_object *ntf;
	int err;

	err = nlipc_next_msg(ep, &nlh, 0);
	if (err == -ENOBUFS) {
		open_json_object(NULL);
		print_string(PRINT_ANY, "event", "%s", "overrun");
		print_string(PRINT_FP, NULL, "%s", ": notifications lost");
		close_json_object();
		print_nl();
		*out_err = print_finish();
		return *out_err ? MONITOR_OUTPUT_FAILED : err;
	}
	if (err <= 0)
		return err;
	err = nlipc_ynl_decode_ntf(y, nlh, &ntf);
	if (err == -ENOMSG)
		return 1;	/* not one of the family's notifications */
	if (err) {
		/* Said, and skipped: the next one may decode. */
		print_errorf(NULL, err, "%s", y->err);
		return 1;
	}
	*out_err = print_ntf(ntf);
	if (*out_err)
		return MONITOR_OUTPUT_FAILED;
	++*printed;
	return 1;
}

static int subscribe(struct nlipc_ynl *y, struct nlipc *ep, const char *group,
		     const struct monitor_opts *mo)
{
	unsigned int i;
	int err;

	for (i = 0; i < y->n_groups; i++)
		if (!strcmp(y->groups[i].name, group))
			break;
	if (i == y->n_groups)
		return cli_usage_error(NULL,
				       "family '%s' has no multicast group '%s'",
				       y->spec->name, group);
	err = nlipc_join_group(ep, y->groups[i].id);
	if (err)
		return cli_fail(NULL, ep, err);
	return monitor_run(NULL, ep, mo, take_ntf, y);
}

static int run(const char *spec, const char *family, const char *op_name,
	       bool dump, const char *json, bool list, const char *group,
	       const struct monitor_opts *mo)
{
	const struct nlipc_spec_op *op;
	json_object *req = NULL, *out;
	struct nlipc *ep = NULL;
	struct nlipc_ynl y;
	char path[4096];
	int err, ret;

	if (family) {
		if (nlipc_spec_find(family, path, sizeof(path))) {
			print_errorf(NULL, -ENOENT,
				     "no spec for family '%s' (%s.yaml in $NLIPC_SPEC_PATH, %s or /usr/share/ynl/specs)",
				     family, family, SPECDIR);
			return EXIT_USAGE;
		}
		spec = path;
	}
	err = nlipc_ynl_load(&y, spec);
	if (err) {
		print_errorf(NULL, err, "%s: %s", spec, y.err);
		return EXIT_USAGE;
	}
	if (list) {
		list_ops(y.spec);
		ret = EXIT_OK;
		goto out_free;
	}
	op = group ? NULL : nlipc_spec_op(y.spec, op_name);
	if (!group && !op) {
		ret = cli_usage_error(NULL, "family '%s' has no op '%s'",
				      y.spec->name, op_name);
		goto out_free;
	}
	if (json) {
		enum json_tokener_error jerr;

		req = json_tokener_parse_verbose(json, &jerr);
		if (!req || !json_object_is_type(req, json_type_object)) {
			ret = cli_usage_error(NULL,
					      "--json: not a JSON object (%s)",
					      req ? "another type" :
					      json_tokener_error_desc(jerr));
			goto out_free;
		}
	}
	ret = cli_connect_genl(NULL, &ep);
	if (ret)
		goto out_free;
	err = nlipc_ynl_resolve(&y, ep);
	if (!err && group) {
		ret = subscribe(&y, ep, group, mo);
		goto out_close;
	}
	if (!err)
		err = nlipc_ynl_call(&y, ep, op, dump, req, &out);
	if (err) {
		/* A request the spec refuses never reached the family. */
		if (y.err[0])
			print_errorf(NULL, err, "%s", y.err);
		else
			print_error(NULL, nlipc_error(ep));
		ret = y.sent ? cli_exit_code(err) : EXIT_USAGE;
		goto out_close;
	}
	if (is_json_context())
		print_json_value(out);
	else {
		print_text(out, 0, false);
		json_object_put(out);
	}
	ret = EXIT_OK;

out_close:
	nlipc_close(ep);
out_free:
	json_object_put(req);
	nlipc_ynl_free(&y);
	return ret;
}

int cmd_ynl_main(int argc, char **argv)
{
	const char *spec = NULL, *family = NULL, *op = NULL, *json = NULL;
	struct cli_global_args g = { 0 };
	const char *group = NULL;
	struct monitor_opts mo = { .duration_ms = -1 };
	bool dump = false, list = false, watch = false;
	int c, ret = 0, err;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" CLI_GLOBAL_SHORT_OPTS "h",
				long_opts, NULL)) != -1) {
		if (cli_global_opt(c, optarg, &g))
			continue;
		switch (c) {
		case OPT_SPEC:
			spec = optarg;
			break;
		case OPT_FAMILY:
			family = optarg;
			break;
		case OPT_DO:
		case OPT_DUMP:
			if (op) {
				print_init(cli.json, cli.pretty);
				ret = cli_usage_error(NULL,
						      "one of --do and --dump, once");
				goto out;
			}
			op = optarg;
			dump = c == OPT_DUMP;
			break;
		case OPT_JSON:
			json = optarg;
			break;
		case OPT_LIST_OPS:
			list = true;
			break;
		case OPT_SUBSCRIBE:
			group = optarg;
			break;
		case OPT_COUNT:
		case OPT_DURATION:
			print_init(cli.json, cli.pretty);
			ret = monitor_parse_opt(NULL, c == OPT_COUNT ? 'c' :
						MONITOR_OPT_DURATION, optarg, &mo);
			if (ret)
				goto out;
			watch = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			print_init(cli.json, cli.pretty);
			ret = cli_bad_option(NULL, c, argv, long_opts);
			goto out;
		}
	}
	print_init(cli.json, cli.pretty);
	if (optind < argc)
		ret = cli_usage_error(NULL, "unexpected argument '%s'",
				      argv[optind]);
	else if (!spec == !family)
		ret = cli_usage_error(NULL, "one of --spec and --family");
	else if (!!op + list + !!group != 1)
		ret = cli_usage_error(NULL,
				      "one of --do, --dump, --list-ops and --subscribe");
	else if (watch && !group)
		ret = cli_usage_error(NULL, "--count and --duration go with --subscribe");
	else if (!(g.timeout && (ret = cli_parse_timeout(g.timeout))) &&
		 !(g.netns && (ret = cli_enter_netns(g.netns))))
		ret = run(spec, family, op, dump, json, list, group, &mo);
out:
	err = print_finish();
	if (err && !ret) {
		fprintf(stderr, "nlipc: cannot write the output: %s\n",
			strerror(-err));
		ret = EXIT_REFUSED;
	}
	return ret;
}
