// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc monitor: ip monitor for the service. One line per notification
 * (key set, key deleted, bus message), or with -j one JSON object per
 * line, until SIGINT or SIGTERM. Also the notification loop that
 * subscribe shares.
 */
#define _GNU_SOURCE	/* ppoll() */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlipc.h"

enum {
	OPT_HEX = 256,
};

static volatile sig_atomic_t stopped;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nlipc monitor [events | bus | all] [-c COUNT] [--hex]\n"
		"\n"
		"Print the service's notifications as they come, until SIGINT or SIGTERM:\n"
		"events are the key-value store's changes, bus the published messages,\n"
		"all (the default) both.\n"
		"\n"
		"  -c, --count COUNT  stop after COUNT notifications (0, the default: never)\n"
		"  --hex              print keys, values and payloads as hex\n"
		"\n"
		"One line per notification:\n"
		"  set KEY=VALUE\n"
		"  del KEY\n"
		"  publish topic=\"TOPIC\" sender=PORTID payload=PAYLOAD\n"
		"  overrun: events lost\n"
		"the last when the socket overflowed and notifications were dropped.\n"
		"With -j, one JSON object per line: {\"event\": \"set\", \"key\": K,\n"
		"\"value\": V}, {\"event\": \"del\", \"key\": K}, {\"event\": \"publish\",\n"
		"\"topic\": T, \"sender\": N, \"payload\": P}, or {\"overrun\": true}.\n"
		"Bytes that are not printable text print as 0x and hex digits, and in\n"
		"JSON under KEY_hex (\"value_hex\"...).\n");
}

static void on_signal(int sig)
{
	stopped = 1;
}

/*
 * Deliver @ep's notifications to @fn until it has counted @count of them
 * (0: no limit), or SIGINT or SIGTERM comes, both a normal end. The
 * signals are blocked but in ppoll(), which also lets them in between
 * notifications, so a flood cannot hold off ^C and none is missed before
 * a wait. Returns an exit code, after reporting a failure.
 */
int monitor_loop(const char *cmd, struct nlipc *ep, unsigned long count,
		 monitor_fn fn, void *arg)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct pollfd pfd = { .fd = nlipc_fd(ep), .events = POLLIN };
	const struct timespec zero = { 0 };
	sigset_t block, old_mask, unblocked;
	unsigned long seen = 0;
	struct nlipc_event ev;
	int err, ret = EXIT_OK;
	bool idle = false;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	unblocked = old_mask;
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);
	stopped = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	while (!count || seen < count) {
		/* Wait when nothing is left, else only let signals in. */
		if (ppoll(&pfd, 1, idle ? NULL : &zero, &unblocked) < 0 &&
		    errno != EINTR) {
			print_errorf(cmd, -errno, "poll failed");
			ret = EXIT_REFUSED;
			break;
		}
		if (stopped)
			break;

		err = nlipc_next_event(ep, &ev, 0);
		idle = !err;
		if (!err)
			continue;
		if (err < 0 && err != -ENOBUFS) {
			ret = cli_fail(cmd, ep, err);
			break;
		}
		err = fn(err == -ENOBUFS ? NULL : &ev, arg);
		if (err < 0) {
			print_errorf(cmd, err, "cannot write the output");
			ret = EXIT_REFUSED;
			break;
		}
		seen += err;
	}

	/* Unblock first: a signal still pending must not kill us now. */
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return ret;
}

/* -c COUNT of monitor and subscribe: 0 or exit code. */
int monitor_parse_count(const char *cmd, const char *arg,
			unsigned long *count)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || errno || *end || v > ULONG_MAX)
		return cli_usage_error(cmd, "invalid count '%s'",
				       arg);
	*count = v;
	return 0;
}

static int monitor_print(const struct nlipc_event *ev, void *arg)
{
	const bool *hex = arg;
	size_t topic_len;

	open_json_object(NULL);
	if (!ev) {
		/* Not counted: -c counts notifications received. */
		print_string(PRINT_FP, NULL, "%s", "overrun: events lost");
		print_bool(PRINT_JSON, "overrun", NULL, true);
		close_json_object();
		print_nl();
		return print_finish();
	}
	switch (ev->cmd) {
	case NLIPC_CMD_KV_SET_NTF:
		print_string(PRINT_ANY, "event", "%s ", "set");
		print_bytes(PRINT_ANY, "key", "%s", ev->key, ev->key_len, *hex);
		print_bytes(PRINT_ANY, "value", "=%s", ev->value,
			    ev->value_len, *hex);
		break;
	case NLIPC_CMD_KV_DEL_NTF:
		print_string(PRINT_ANY, "event", "%s ", "del");
		print_bytes(PRINT_ANY, "key", "%s", ev->key, ev->key_len, *hex);
		break;
	case NLIPC_CMD_PUBLISH_NTF:
		print_string(PRINT_ANY, "event", "%s ", "publish");
		/* Always text when it can be, --hex or not: it is a name. */
		topic_len = strlen(ev->topic);
		print_bytes(PRINT_ANY, "topic",
			    bytes_printable(ev->topic, topic_len) ?
			    "topic=\"%s\"" : "topic=%s",
			    ev->topic, topic_len, false);
		print_uint(PRINT_ANY, "sender", " sender=%u", ev->sender);
		if (ev->payload)
			print_bytes(PRINT_ANY, "payload", " payload=%s",
				    ev->payload, ev->payload_len, *hex);
		break;
	}
	close_json_object();
	print_nl();
	return print_finish() ?: 1;
}

int cmd_monitor_main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static const char *const groups[][2] = {
		{ "events", NLIPC_MCGRP_EVENTS },
		{ "bus", NLIPC_MCGRP_BUS },
	};
	const char *which = "all";
	unsigned long count = 0;
	struct nlipc *ep;
	bool hex = false;
	int c, ret;
	size_t i;

	while ((c = getopt_long(argc, argv, ":c:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ret = monitor_parse_count(argv[0], optarg, &count);
			if (ret)
				return ret;
			break;
		case OPT_HEX:
			hex = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return cli_bad_option(argv[0], c, argv, long_opts);
		}
	}
	if (optind < argc)
		which = argv[optind++];
	if (optind < argc)
		return cli_usage_error(argv[0], "unexpected argument '%s'",
				       argv[optind]);
	if (strcmp(which, "all") && strcmp(which, "events") &&
	    strcmp(which, "bus"))
		return cli_usage_error(argv[0],
				       "unknown group '%s' (events, bus or all)",
				       which);

	/* Its own endpoint, which only receives from now on. */
	ret = cli_connect(argv[0], &ep);
	if (ret)
		return ret;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (strcmp(which, "all") && strcmp(which, groups[i][0]))
			continue;
		ret = nlipc_subscribe(ep, groups[i][1]);
		if (ret) {
			ret = cli_fail(argv[0], ep, ret);
			goto out_close;
		}
	}
	ret = monitor_loop(argv[0], ep, count, monitor_print, &hex);
out_close:
	nlipc_close(ep);
	return ret;
}
