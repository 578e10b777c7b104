// SPDX-License-Identifier: GPL-2.0-or-later
/* nlipc stats: the service's per-operation counters, and their reset. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "nlipc.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nlipc stats [--reset]\n"
		"\n"
		"Show, per operation, the requests the service handled, those it\n"
		"answered with an error, and the request and reply bytes (netlink\n"
		"headers included). --reset zeroes the counters (CAP_NET_ADMIN) and\n"
		"prints nothing.\n");
}

/* All the counters, however many operations the service reports. */
static int stats_fetch(struct nlipc *ep, struct nlipc_op_stats **ops)
{
	size_t cap = NLIPC_CMD_MAX + 1;
	struct nlipc_op_stats *s;
	int n;

	for (;;) {
		s = calloc(cap, sizeof(*s));
		if (!s)
			return -ENOMEM;
		n = nlipc_stats_get(ep, s, cap);
		if (n < 0 || (size_t)n <= cap)
			break;
		free(s);
		cap = n;
	}
	if (n < 0)
		free(s);
	else
		*ops = s;
	return n;
}

static void stats_print(const struct nlipc_op_stats *ops, int n)
{
	int i;

	print_string(PRINT_FP, NULL, "%-14s", "op");
	print_string(PRINT_FP, NULL, " %12s", "requests");
	print_string(PRINT_FP, NULL, " %10s", "errors");
	print_string(PRINT_FP, NULL, " %14s", "rx bytes");
	print_string(PRINT_FP, NULL, " %14s\n", "tx bytes");

	open_json_array(NULL);
	for (i = 0; i < n; i++) {
		const char *name = nlipc_op_name(ops[i].cmd);

		open_json_object(NULL);
		if (name)
			print_string(PRINT_ANY, "op", "%-14s", name);
		else
			print_uint(PRINT_FP, NULL, "%-14u", ops[i].cmd);
		print_uint(PRINT_JSON, "cmd", NULL, ops[i].cmd);
		print_u64(PRINT_ANY, "requests", " %12" PRIu64,
			  ops[i].requests);
		print_u64(PRINT_ANY, "errors", " %10" PRIu64, ops[i].errors);
		print_u64(PRINT_ANY, "rx_bytes", " %14" PRIu64,
			  ops[i].rx_bytes);
		print_u64(PRINT_ANY, "tx_bytes", " %14" PRIu64 "\n",
			  ops[i].tx_bytes);
		close_json_object();
	}
	close_json_array();
}

int cmd_stats_main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "reset", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct nlipc_op_stats *ops = NULL;
	bool reset = false;
	struct nlipc *ep;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'R':
			reset = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return cli_bad_option(argv[0], c, argv, long_opts);
		}
	}
	if (optind < argc)
		return cli_usage_error(argv[0], "unexpected argument '%s'",
				       argv[optind]);

	ret = cli_connect(argv[0], &ep);
	if (ret)
		return ret;
	if (reset) {
		ret = nlipc_stats_reset(ep);
		if (ret)
			ret = cli_fail(argv[0], ep, ret);
		goto out_close;
	}
	ret = stats_fetch(ep, &ops);
	if (ret == -ENOMEM) {
		print_errorf(argv[0], ret, "out of memory");
		ret = EXIT_REFUSED;
		goto out_close;
	}
	if (ret < 0) {
		ret = cli_fail(argv[0], ep, ret);
		goto out_close;
	}
	stats_print(ops, ret);
	free(ops);
	ret = EXIT_OK;
out_close:
	nlipc_close(ep);
	return ret;
}
