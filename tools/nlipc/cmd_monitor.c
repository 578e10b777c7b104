// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc monitor: ip monitor for the service. One line per notification
 * (key set, key deleted, bus message), or with -j one JSON object per
 * line, until SIGINT or SIGTERM, -c notifications or --duration. Also
 * the notification loop and options that subscribe shares.
 */
#define _GNU_SOURCE	/* ppoll() */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nlipc.h"


/* Shared with subscribe, which takes the same options. */
const struct option monitor_long_opts[] = {
	{ "count", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, MONITOR_OPT_DURATION },
	{ "timestamp", no_argument, NULL, 't' },
	{ "hex", no_argument, NULL, MONITOR_OPT_HEX },
	{ "help", no_argument, NULL, 'h' },
	{}
};

static volatile sig_atomic_t stopped;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nlipc monitor [events | bus | all] [-c COUNT] [--duration SECONDS]\n"
		"                     [-t] [--hex]\n"
		"\n"
		"Print the service's notifications as they come, until SIGINT or SIGTERM:\n"
		"events are the key-value store's changes, bus the published messages,\n"
		"all (the default) both; each may be abbreviated.\n"
		"\n"
		"  -c, --count COUNT       stop after COUNT notifications (0, the default:\n"
		"                          never)\n"
		"      --duration SECONDS  stop after SECONDS (fractions allowed; 0, the\n"
		"                          default: never)\n"
		"  -t, --timestamp         start each record with the time it came\n"
		"      --hex               print keys, values and payloads as hex\n"
		"\n"
		"One line per notification:\n"
		"  set KEY=VALUE\n"
		"  del KEY\n"
		"  publish topic=\"TOPIC\" sender=PORTID payload=PAYLOAD\n"
		"  overrun: events lost\n"
		"the last when the socket overflowed and notifications were dropped.\n"
		"With -j, one JSON object per line, its \"event\" set, del, publish or\n"
		"overrun: {\"event\": \"set\", \"key\": K, \"value\": V},\n"
		"{\"event\": \"del\", \"key\": K}, {\"event\": \"publish\", \"topic\": T,\n"
		"\"sender\": N, \"payload\": P}, {\"event\": \"overrun\"}; with -t a\n"
		"\"timestamp\" too. Bytes that are not printable text print as 0x and hex\n"
		"digits, and in JSON under KEY_hex (\"value_hex\"...).\n");
}

static void on_signal(int sig)
{
	stopped = 1;
}

/* -c, --duration, -t and --hex of monitor and subscribe: 0 or exit code. */
int monitor_parse_opt(const char *cmd, int c, const char *arg,
		      struct monitor_opts *mo)
{
	unsigned long long v;
	double s;
	char *end;

	switch (c) {
	case 'c':
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (*arg < '0' || *arg > '9' || errno || *end || v > ULONG_MAX)
			return cli_usage_error(cmd, "invalid count '%s'", arg);
		mo->count = v;
		return 0;
	case MONITOR_OPT_DURATION:
		errno = 0;
		s = strtod(arg, &end);
		if (errno || end == arg || *end || !(s >= 0) || s > INT_MAX)
			return cli_usage_error(cmd,
					       "invalid duration '%s' (seconds)",
					       arg);
		mo->duration_ms = s ? (long long)ceil(s * 1000) : -1;
		return 0;
	case 't':
		mo->timestamp = true;
		return 0;
	case MONITOR_OPT_HEX:
		mo->hex = true;
		return 0;
	}
	return cli_usage_error(cmd, "unexpected option");
}

static long long now_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Start a record: its JSON object, the time it came with -t (as ip
 * monitor -ts prints it, with the UTC offset), and in JSON its "event",
 * the one key every record of monitor and subscribe has.
 */
void monitor_begin(const struct monitor_opts *mo, const char *event)
{
	struct timespec ts;
	char buf[64], zone[8];
	struct tm tm;
	size_t n;

	open_json_object(NULL);
	if (mo->timestamp) {
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		strftime(zone, sizeof(zone), "%z", &tm);
		snprintf(buf + n, sizeof(buf) - n, ".%06ld%s",
			 ts.tv_nsec / 1000, zone);
		print_string(PRINT_ANY, "timestamp", "[%s] ", buf);
	}
	print_string(PRINT_JSON, "event", NULL, event);
}

/*
 * Deliver @ep's notifications to @fn until it has counted mo->count of
 * them, mo->duration_ms has passed, or SIGINT or SIGTERM comes, all a
 * normal end. The signals are blocked but in ppoll(), which also lets
 * them in between notifications, so a flood cannot hold off ^C and none
 * is missed before a wait. Returns an exit code, after reporting a
 * failure.
 */
int monitor_run(const char *cmd, struct nlipc *ep,
		const struct monitor_opts *mo, monitor_take_fn take, void *arg)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct pollfd pfd = { .fd = nlipc_fd(ep), .events = POLLIN };
	long long end = -1, left;
	sigset_t block, old_mask, unblocked;
	struct timespec wait, *timeout;
	unsigned long seen = 0;
	int err, out_err = 0, ret = EXIT_OK;
	bool idle = false;

	if (mo->duration_ms >= 0)
		end = now_ms(CLOCK_MONOTONIC) + mo->duration_ms;
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

	while (!mo->count || seen < mo->count) {
		/* Wait when nothing is left, else only let signals in. */
		left = end < 0 ? -1 : end - now_ms(CLOCK_MONOTONIC);
		if (end >= 0 && left <= 0)
			break;
		if (!idle)
			left = 0;
		wait.tv_sec = left / 1000;
		wait.tv_nsec = left % 1000 * 1000000;
		timeout = left < 0 ? NULL : &wait;
		if (ppoll(&pfd, 1, timeout, &unblocked) < 0 &&
		    errno != EINTR) {
			print_errorf(cmd, -errno, "poll failed");
			ret = EXIT_REFUSED;
			break;
		}
		if (stopped)
			break;

		err = take(ep, arg, &seen, &out_err);
		idle = !err;
		if (err == MONITOR_OUTPUT_FAILED) {
			print_errorf(cmd, out_err, "cannot write the output");
			ret = EXIT_REFUSED;
			break;
		}
		if (err < 0 && err != -ENOBUFS) {
			ret = cli_fail(cmd, ep, err);
			break;
		}
	}

	/* Unblock first: a signal still pending must not kill us now. */
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return ret;
}

struct take_event {
	monitor_fn fn;
	void *arg;
};

/* monitor_run()'s take for the nlipc family's own notifications. */
static int take_event(struct nlipc *ep, void *arg, unsigned long *printed,
		      int *out_err)
{
	const struct take_event *te = arg;
	struct nlipc_event ev;
	int err, n;

	err = nlipc_next_event(ep, &ev, 0);
	if (err <= 0 && err != -ENOBUFS)
		return err;
	n = te->fn(err == -ENOBUFS ? NULL : &ev, te->arg);
	if (n < 0) {
		*out_err = n;
		return MONITOR_OUTPUT_FAILED;
	}
	*printed += n;
	return err;
}

int monitor_loop(const char *cmd, struct nlipc *ep,
		 const struct monitor_opts *mo, monitor_fn fn, void *arg)
{
	struct take_event te = { fn, arg };

	return monitor_run(cmd, ep, mo, take_event, &te);
}

static int monitor_print(const struct nlipc_event *ev, void *arg)
{
	const struct monitor_opts *mo = arg;
	size_t topic_len;

	if (!ev) {
		/* Not counted: -c counts notifications received. */
		monitor_begin(mo, "overrun");
		print_string(PRINT_FP, NULL, "%s", "overrun: events lost");
		close_json_object();
		print_nl();
		return print_finish();
	}
	switch (ev->cmd) {
	case NLIPC_CMD_KV_SET_NTF:
		monitor_begin(mo, "set");
		print_string(PRINT_FP, NULL, "%s ", "set");
		print_bytes(PRINT_ANY, "key", "%s", ev->key, ev->key_len,
			    mo->hex);
		print_bytes(PRINT_ANY, "value", "=%s", ev->value,
			    ev->value_len, mo->hex);
		break;
	case NLIPC_CMD_KV_DEL_NTF:
		monitor_begin(mo, "del");
		print_string(PRINT_FP, NULL, "%s ", "del");
		print_bytes(PRINT_ANY, "key", "%s", ev->key, ev->key_len,
			    mo->hex);
		break;
	case NLIPC_CMD_PUBLISH_NTF:
		monitor_begin(mo, "publish");
		print_string(PRINT_FP, NULL, "%s ", "publish");
		/* Always text when it can be, --hex or not: it is a name. */
		topic_len = strlen(ev->topic);
		print_bytes(PRINT_ANY, "topic",
			    bytes_printable(ev->topic, topic_len) ?
			    "topic=\"%s\"" : "topic=%s",
			    ev->topic, topic_len, false);
		print_uint(PRINT_ANY, "sender", " sender=%u", ev->sender);
		if (ev->payload)
			print_bytes(PRINT_ANY, "payload", " payload=%s",
				    ev->payload, ev->payload_len, mo->hex);
		break;
	default:
		/* A notification this tool does not know: not printed. */
		return 0;
	}
	close_json_object();
	print_nl();
	return print_finish() ?: 1;
}

int cmd_monitor_main(int argc, char **argv)
{
	static const char *const groups[][2] = {
		{ "events", NLIPC_MCGRP_EVENTS },
		{ "bus", NLIPC_MCGRP_BUS },
	};
	/* Indexes of groups[], then all of them. */
	static const struct cli_word group_words[] = {
		{ "events", 0 }, { "bus", 1 }, { "all", 2 },
	};
	struct monitor_opts mo = { .duration_ms = -1 };
	struct nlipc *ep;
	int c, ret, which = 2;
	size_t i;

	while ((c = getopt_long(argc, argv, MONITOR_SHORT_OPTS,
				monitor_long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case '?':
		case ':':
			return cli_bad_option(argv[0], c, argv,
					      monitor_long_opts);
		default:
			ret = monitor_parse_opt(argv[0], c, optarg, &mo);
			if (ret)
				return ret;
		}
	}
	if (optind < argc) {
		ret = cli_lookup(argv[0], "group", group_words,
				 ARRAY_SIZE(group_words), argv[optind++],
				 &which);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return cli_usage_error(argv[0], "unexpected argument '%s'",
				       argv[optind]);

	/* Its own endpoint, which only receives from now on. */
	ret = cli_connect(argv[0], &ep);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		if (which != 2 && which != (int)i)
			continue;
		ret = nlipc_subscribe(ep, groups[i][1]);
		if (ret) {
			ret = cli_fail(argv[0], ep, ret);
			goto out_close;
		}
	}
	ret = monitor_loop(argv[0], ep, &mo, monitor_print, &mo);
out_close:
	nlipc_close(ep);
	return ret;
}
