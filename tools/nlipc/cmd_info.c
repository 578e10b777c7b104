// SPDX-License-Identifier: GPL-2.0-or-later
/* nlipc info: the service's version, backend, uptime and limits. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "nlipc.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nlipc info\n"
		"\n"
		"Show the service's version, backend, protocol version, uptime and\n"
		"limits, and the key-value store's use in the caller's network\n"
		"namespace. A limit a service does not report shows as 0.\n");
}

/* "3d 04h 05m 06s", down to "1.234s" for a service started just now. */
static void format_uptime(char *buf, size_t len, uint64_t ms)
{
	uint64_t s = ms / 1000, days = s / 86400;
	unsigned int h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
	unsigned int frac = ms % 1000;

	if (days)
		snprintf(buf, len, "%" PRIu64 "d %02uh %02um %02us", days, h, m,
			 sec);
	else if (h)
		snprintf(buf, len, "%uh %02um %02us", h, m, sec);
	else if (m)
		snprintf(buf, len, "%um %02u.%03us", m, sec, frac);
	else
		snprintf(buf, len, "%u.%03us", sec, frac);
}

static void print_info(const struct nlipc_info *info)
{
	char uptime[64];

	format_uptime(uptime, sizeof(uptime), info->uptime_ms);

	open_json_object(NULL);
	print_string(PRINT_ANY, "version", "version           %s\n",
		     info->version);
	print_string(PRINT_ANY, "backend", "backend           %s\n",
		     info->backend);
	print_uint(PRINT_ANY, "protocol_version", "protocol          %u\n",
		   info->family_version);
	print_string(PRINT_FP, NULL, "uptime            %s\n", uptime);
	print_u64(PRINT_JSON, "uptime_ms", NULL, info->uptime_ms);
	print_uint(PRINT_ANY, "ping_max_payload",
		   "ping max payload  %u bytes\n", info->ping_max_payload);
	print_uint(PRINT_ANY, "kv_max_entries", "kv max entries    %u\n",
		   info->kv_max_entries);
	print_uint(PRINT_ANY, "kv_max_key_len",
		   "kv max key len    %u bytes\n", info->kv_max_key_len);
	print_uint(PRINT_ANY, "kv_max_value_len",
		   "kv max value len  %u bytes\n", info->kv_max_value_len);
	print_u64(PRINT_ANY, "kv_max_bytes",
		  "kv max bytes      %" PRIu64 " bytes\n", info->kv_max_bytes);
	print_uint(PRINT_ANY, "kv_entries", "kv entries        %u\n",
		   info->kv_entries);
	print_u64(PRINT_ANY, "kv_bytes", "kv bytes          %" PRIu64 " bytes\n",
		  info->kv_bytes);
	close_json_object();
}

int cmd_info_main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct nlipc_info info;
	struct nlipc *ep;
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
	ret = nlipc_info_get(ep, &info);
	if (ret)
		ret = cli_fail(argv[0], ep, ret);
	else
		print_info(&info);
	nlipc_close(ep);
	return ret;
}
