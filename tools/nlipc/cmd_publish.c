// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc publish and nlipc subscribe: the bus, process-to-process messages
 * through the service. A message is a topic (a string) and a payload
 * (bytes), delivered with the publisher's port id to every subscriber in
 * the publisher's network namespace.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "nlipc.h"

enum {
	OPT_HEX = 256,
};

struct subscribe_ctx {
	const char *topic;	/* NULL: every topic */
	struct monitor_opts mo;
};

static void publish_usage(FILE *f)
{
	fprintf(f,
		"Usage: nlipc publish TOPIC [MESSAGE] [--hex]\n"
		"       nlipc publish TOPIC --file PATH [--hex]\n"
		"\n"
		"Send MESSAGE under TOPIC to every subscriber of the bus in the\n"
		"caller's network namespace; without MESSAGE or --file, the message\n"
		"has no payload.\n"
		"\n"
		"  -f, --file PATH  take MESSAGE from PATH, '-' for standard input\n"
		"  --hex            MESSAGE is hex digits (0x optional); TOPIC is text\n"
		"\n"
		"Put -- before a TOPIC or MESSAGE that starts with '-'.\n");
}

static void subscribe_usage(FILE *f)
{
	fprintf(f,
		"Usage: nlipc subscribe [TOPIC] [-c COUNT] [--duration SECONDS] [-t] [--hex]\n"
		"\n"
		"Print the bus messages of TOPIC (of every topic without one) as they\n"
		"come, one 'TOPIC PAYLOAD' line each, until SIGINT or SIGTERM.\n"
		"\n"
		"  -c, --count COUNT       stop after COUNT messages (0, the default: never)\n"
		"      --duration SECONDS  stop after SECONDS (fractions allowed; 0, the\n"
		"                          default: never)\n"
		"  -t, --timestamp         start each line with the time it came\n"
		"      --hex               print payloads as hex\n"
		"\n"
		"A payload that is not printable text prints as 0x and hex digits. With\n"
		"-j, one JSON object per line, as monitor prints it: {\"event\": \"publish\",\n"
		"\"topic\": T, \"sender\": PORTID, \"payload\": P}, \"payload_hex\" instead\n"
		"for bytes, no payload for a message without one; {\"event\": \"overrun\"}\n"
		"when messages were lost, which text reports on standard error.\n");
}

int cmd_publish_main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct bytes payload = {};
	const char *file = NULL;
	bool hex = false, has_payload;
	struct nlipc *ep;
	int c, ret, n;

	while ((c = getopt_long(argc, argv, ":f:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case OPT_HEX:
			hex = true;
			break;
		case 'h':
			publish_usage(stdout);
			return EXIT_OK;
		default:
			return cli_bad_option(argv[0], c, argv, long_opts);
		}
	}
	n = argc - optind;
	if (n < 1)
		return cli_usage_error(argv[0], "no TOPIC given");
	if (n == 2 && file)
		return cli_usage_error(argv[0],
				       "MESSAGE and --file exclude each other");
	if (n > 2)
		return cli_usage_error(argv[0], "unexpected argument '%s'",
				       argv[optind + 2]);

	has_payload = n == 2 || file;
	if (n == 2)
		ret = cli_bytes_arg(argv[0], "MESSAGE",
				    argv[optind + 1], hex, &payload);
	else if (file)
		ret = cli_bytes_file(argv[0], file, NLIPC_VALUE_MAX_LEN,
				     &payload);
	else
		ret = 0;
	if (ret)
		return ret;

	ret = cli_connect(argv[0], &ep);
	if (ret)
		goto out_free;
	/* An empty MESSAGE is an empty payload, none is no payload. */
	ret = nlipc_publish(ep, argv[optind],
			    has_payload ? payload.data ?: "" : NULL,
			    payload.len);
	if (ret)
		ret = cli_fail(argv[0], ep, ret);
	nlipc_close(ep);
out_free:
	bytes_free(&payload);
	return ret;
}

static int subscribe_print(const struct nlipc_event *ev, void *arg)
{
	const struct subscribe_ctx *ctx = arg;
	struct nlipc_error e = {
		.code = -ENOBUFS,
		.attr = -1,
		.missing_attr = -1,
	};

	if (!ev) {
		/* Not a message: a warning in text, a record in JSON. */
		if (!is_json_context()) {
			snprintf(e.msg, sizeof(e.msg), "overrun: messages lost");
			print_error("subscribe", &e);
			return 0;
		}
		monitor_begin(&ctx->mo, "overrun");
		close_json_object();
		return print_finish();
	}
	if (ev->cmd != NLIPC_CMD_PUBLISH_NTF ||
	    (ctx->topic && strcmp(ctx->topic, ev->topic)))
		return 0;

	/* In JSON the record monitor prints for the same message. */
	monitor_begin(&ctx->mo, "publish");
	print_bytes(PRINT_ANY, "topic", "%s", ev->topic, strlen(ev->topic),
		    false);
	print_uint(PRINT_JSON, "sender", NULL, ev->sender);
	if (ev->payload)
		print_bytes(PRINT_ANY, "payload", " %s", ev->payload,
			    ev->payload_len, ctx->mo.hex);
	close_json_object();
	print_nl();
	return print_finish() ?: 1;
}

int cmd_subscribe_main(int argc, char **argv)
{
	struct subscribe_ctx ctx = { .mo.duration_ms = -1 };
	struct nlipc *ep;
	int c, ret;

	while ((c = getopt_long(argc, argv, MONITOR_SHORT_OPTS,
				monitor_long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			subscribe_usage(stdout);
			return EXIT_OK;
		case '?':
		case ':':
			return cli_bad_option(argv[0], c, argv,
					      monitor_long_opts);
		default:
			ret = monitor_parse_opt(argv[0], c, optarg, &ctx.mo);
			if (ret)
				return ret;
		}
	}
	if (optind < argc)
		ctx.topic = argv[optind++];
	if (optind < argc)
		return cli_usage_error(argv[0], "unexpected argument '%s'",
				       argv[optind]);

	/* Its own endpoint, which only receives from now on. */
	ret = cli_connect(argv[0], &ep);
	if (ret)
		return ret;
	ret = nlipc_subscribe(ep, NLIPC_MCGRP_BUS);
	if (ret)
		ret = cli_fail(argv[0], ep, ret);
	else
		ret = monitor_loop(argv[0], ep, &ctx.mo, subscribe_print, &ctx);
	nlipc_close(ep);
	return ret;
}
