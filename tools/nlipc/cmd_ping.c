// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc ping: ping(8) for the service. Each request carries its sequence
 * number as the cookie and a pattern derived from it as the payload, so a
 * stale or corrupted echo is caught rather than timed.
 */
#define _GNU_SOURCE	/* ppoll() */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nlipc.h"

struct ping_opts {
	unsigned long count;	/* 0: until SIGINT */
	uint32_t size;
	bool has_reply_size;
	uint32_t reply_size;
	double interval;	/* seconds */
};

struct ping_stats {
	unsigned long sent, received, errors, lost;
	double min, max, sum, sum2;	/* RTTs, ms */
	struct timespec start;
};

static volatile sig_atomic_t interrupted;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nlipc ping [-c COUNT] [-s SIZE] [-i INTERVAL] [-r REPLY_SIZE]\n"
		"\n"
		"Echo payloads through the service and print each round-trip time.\n"
		"\n"
		"  -c, --count COUNT       stop after COUNT requests (default 4, 0: until ^C)\n"
		"  -s, --size SIZE         payload bytes per request (default 56, up to %u)\n"
		"  -i, --interval SECONDS  wait between requests (default 1, fractions allowed)\n"
		"  -r, --reply-size SIZE   ask for SIZE bytes back: the payload truncated or\n"
		"                          padded with zeros\n"
		"\n"
		"The exit status is 1 if a reply was wrong or a request refused, 4 if\n"
		"requests timed out (and nothing worse happened).\n",
		NLIPC_PING_MAX_PAYLOAD);
}

static void on_sigint(int sig)
{
	interrupted = 1;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 +
	       (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Wait @seconds; SIGINT is blocked except in here, so none is missed. */
static void ping_sleep(double seconds, const sigset_t *unblocked)
{
	struct timespec ts = {
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - (time_t)seconds) * 1e9),
	};

	ppoll(NULL, 0, &ts, unblocked);
}

static uint8_t pattern(unsigned long seq, uint32_t i)
{
	return (uint8_t)(seq + i);
}

/*
 * Check the echo of request @seq: its cookie, its length, and its bytes,
 * which are the request's, truncated or zero-padded to -r. Returns 0 or
 * -EBADMSG with what differed in @why.
 */
static int ping_verify(const struct ping_opts *o, const struct nlipc_ping *p,
		       unsigned long seq, char *why, size_t len)
{
	uint32_t want = o->has_reply_size ? o->reply_size : o->size;
	const uint8_t *got = p->reply;
	uint32_t i;

	if (p->reply_cookie != seq) {
		snprintf(why, len, "cookie %" PRIu64 " echoed for %lu",
			 (uint64_t)p->reply_cookie, seq);
		return -EBADMSG;
	}
	if (p->reply_len != want) {
		snprintf(why, len, "%u bytes echoed, %u expected", p->reply_len,
			 want);
		return -EBADMSG;
	}
	for (i = 0; i < want; i++) {
		uint8_t exp = i < o->size ? pattern(seq, i) : 0;

		if (got[i] != exp) {
			snprintf(why, len,
				 "payload differs at byte %u: 0x%02x, expected 0x%02x",
				 i, got[i], exp);
			return -EBADMSG;
		}
	}
	return 0;
}

/* Round RTTs to the microsecond: the clock read costs about that much. */
static double round_us(double ms)
{
	return round(ms * 1000) / 1000;
}

static void ping_summary(const char *target, const struct ping_stats *st)
{
	unsigned long done = st->sent;
	double loss = done ? 100.0 * (done - st->received) / done : 0;
	double avg, mdev;

	print_fmt(PRINT_FP, NULL, "\n--- %s nlipc ping statistics ---\n", target);
	open_json_object("summary");
	print_u64(PRINT_ANY, "sent", "%" PRIu64 " requests, ", done);
	print_u64(PRINT_ANY, "received", "%" PRIu64 " replies, ",
		  st->received);
	if (st->errors)
		print_u64(PRINT_ANY, "errors", "%" PRIu64 " errors, ",
			  st->errors);
	print_float(PRINT_ANY, "loss_pct", "%g%% loss, ", loss);
	print_float(PRINT_ANY, "time_ms", "time %.0fms\n",
		    round_us(ms_since(&st->start)));
	if (st->received) {
		avg = st->sum / st->received;
		mdev = sqrt(fmax(st->sum2 / st->received - avg * avg, 0));
		avg = round_us(avg);
		mdev = round_us(mdev);
		print_float(PRINT_ANY, "min_ms", "rtt min/avg/max/mdev = %.3f",
			    st->min);
		print_float(PRINT_ANY, "avg_ms", "/%.3f", avg);
		print_float(PRINT_ANY, "max_ms", "/%.3f", st->max);
		print_float(PRINT_ANY, "mdev_ms", "/%.3f ms\n", mdev);
	}
	close_json_object();
}

/* A request that got no good answer: a line on stderr, an entry in JSON. */
static void ping_report(unsigned long seq, const struct nlipc_error *e)
{
	char where[48];

	if (!is_json_context()) {
		snprintf(where, sizeof(where), "ping: seq=%lu", seq);
		print_error(where, e);
		return;
	}
	open_json_object(NULL);
	print_u64(PRINT_JSON, "seq", NULL, seq);
	print_error_object("error", e);
	close_json_object();
}

static int ping_run(struct nlipc *ep, const struct ping_opts *o)
{
	const char *target = nlipc_url(ep);
	struct sigaction sa = { .sa_handler = on_sigint };
	uint32_t cap = o->has_reply_size ? o->reply_size : o->size;
	struct ping_stats st = { .min = INFINITY };
	sigset_t block, unblocked;
	uint8_t *req, *reply;
	unsigned long seq;
	int ret = 0, refused = 0, err;

	req = malloc(o->size ? o->size : 1);
	reply = malloc(cap ? cap : 1);
	if (!req || !reply) {
		print_errorf("ping", -ENOMEM, "out of memory");
		ret = EXIT_REFUSED;
		goto out_free;
	}

	/* Block SIGINT but in ping_sleep(): ^C always ends a run cleanly. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGINT);
	sigaction(SIGINT, &sa, NULL);

	open_json_object(NULL);
	print_string(PRINT_ANY, "target", "PING %s", target);
	print_uint(PRINT_ANY, "size", " %u bytes of payload", o->size);
	if (o->has_reply_size)
		print_uint(PRINT_ANY, "reply_size", ", %u bytes back",
			   o->reply_size);
	print_nl();
	open_json_array("replies");

	clock_gettime(CLOCK_MONOTONIC, &st.start);
	for (seq = 1; !o->count || seq <= o->count; seq++) {
		struct nlipc_ping p = {
			.payload = req,
			.len = o->size,
			.has_cookie = true,
			.cookie = seq,
			.has_reply_size = o->has_reply_size,
			.reply_size = o->reply_size,
			.reply = reply,
			.reply_cap = cap,
		};
		struct nlipc_error bad = { .attr = -1, .missing_attr = -1 };
		struct timespec t0;
		double rtt;
		uint32_t i;

		if (seq > 1)
			ping_sleep(o->interval, &unblocked);
		if (interrupted)
			break;

		for (i = 0; i < o->size; i++)
			req[i] = pattern(seq, i);
		memset(reply, 0xa5, cap);

		clock_gettime(CLOCK_MONOTONIC, &t0);
		err = nlipc_ping(ep, &p);
		rtt = round_us(ms_since(&t0));
		st.sent++;

		if (err == -ETIMEDOUT) {
			/* Lost, as for ping(8): count it and go on. */
			st.lost++;
			ping_report(seq, nlipc_error(ep));
			continue;
		}
		if (err) {
			/* Refused: every further request would be too. */
			refused = err;
			break;
		}
		bad.code = ping_verify(o, &p, seq, bad.msg, sizeof(bad.msg));
		if (bad.code) {
			st.errors++;
			ping_report(seq, &bad);
			continue;
		}

		st.received++;
		st.sum += rtt;
		st.sum2 += rtt * rtt;
		st.min = fmin(st.min, rtt);
		st.max = fmax(st.max, rtt);
		open_json_object(NULL);
		print_u64(PRINT_JSON, "seq", NULL, seq);
		print_uint(PRINT_ANY, "bytes", "%u bytes from ", p.reply_len);
		/* "from netlink: seq=1", "from unix:/run/nlipc.sock: seq=1" */
		print_fmt(PRINT_FP, NULL, "%s%s ", target,
			  target[strlen(target) - 1] == ':' ? "" : ":");
		print_u64(PRINT_FP, NULL, "seq=%" PRIu64, seq);
		print_float(PRINT_ANY, "time_ms", " time=%.3f ms\n", rtt);
		close_json_object();
	}
	close_json_array();
	ping_summary(target, &st);
	close_json_object();

	if (refused)
		ret = cli_fail("ping", ep, refused);
	else if (st.errors)
		ret = EXIT_REFUSED;
	else if (st.lost)
		ret = EXIT_TIMEOUT;
	/* Unblock first: a ^C still pending must not kill us now. */
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	signal(SIGINT, SIG_DFL);
out_free:
	free(req);
	free(reply);
	return ret;
}

/* A non-negative number up to @max, or -1. */
static long long parse_num(const char *arg, unsigned long long max)
{
	unsigned long long v;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || *end || v > max)
		return -1;
	return (long long)v;
}

int cmd_ping_main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "reply-size", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct ping_opts o = { .count = 4, .size = 56, .interval = 1 };
	struct nlipc *ep;
	long long v;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":c:s:i:r:h", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			v = parse_num(optarg, ULONG_MAX);
			if (v < 0)
				return cli_usage_error(argv[0], "invalid count '%s'",
						       optarg);
			o.count = v;
			break;
		case 's':
		case 'r':
			/* The protocol's limit; the service may set a lower one. */
			v = parse_num(optarg, NLIPC_PING_MAX_PAYLOAD);
			if (v < 0)
				return cli_usage_error(argv[0], "invalid size '%s' (0 to %u bytes)",
						       optarg,
						       NLIPC_PING_MAX_PAYLOAD);
			if (c == 's') {
				o.size = v;
			} else {
				o.reply_size = v;
				o.has_reply_size = true;
			}
			break;
		case 'i':
			errno = 0;
			o.interval = strtod(optarg, &end);
			if (errno || end == optarg || *end ||
			    !(o.interval >= 0 && o.interval <= INT_MAX))
				return cli_usage_error(argv[0], "invalid interval '%s' (seconds)",
						       optarg);
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
	ret = ping_run(ep, &o);
	nlipc_close(ep);
	return ret;
}
