// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The modes, the same loops for every connection, raw or libnlipc:
 * - ping-pong: one request, its answer, again; each round trip timed;
 * - rate: the same, each started on a fixed schedule (the offered rate),
 *   so the CPUs idle in between as a real service's would;
 * - batch: several requests in one send, then all their answers;
 * - stream: one way, timed by the receiver from a SYNC message.
 * Warm-up exchanges are made and discarded before the timed window; the
 * window stops early at the run's time cap.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/* Round trips of the syscall-tracing pass. */
#define TRACE_MIN	50
#define TRACE_MAX	500

/*
 * Two single-threaded processes cannot use more CPU time than twice the
 * wall time; under emulation the CPU clocks sometimes say they did (a
 * jump of the guest's clock). Such a reading is no reading.
 */
static double sane_cpu(double cpu_ns, double wall_ns)
{
	return cpu_ns > 2.05 * wall_ns ? NAN : cpu_ns;
}

static void sleep_until(double ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1e9),
		.tv_nsec = (long)fmod(ns, 1e9),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/*
 * Syscalls per message, traced in a pass of their own: the tracepoint
 * slows every syscall down and must not be on while round trips are timed.
 */
static int trace_pass(struct bench_conn *c, const struct run_cfg *cfg,
		      unsigned int batch, struct run_out *out)
{
	unsigned int i, n = cfg->iterations / 10;
	struct meter m;
	int err = 0;

	n = n < TRACE_MIN ? TRACE_MIN : n > TRACE_MAX ? TRACE_MAX : n;
	if (meter_trace_start(&m, c->peer))
		return 0;
	for (i = 0; i < n && !err; i++)
		err = c->exchange(c, batch);
	out->syscalls = meter_trace_stop(&m) / ((double)n * batch);
	return err;
}

static int run_exchanges(struct bench_conn *c, const struct run_cfg *cfg,
			 struct run_out *out)
{
	unsigned int batch = cfg->mode == MODE_BATCH ? cfg->batch : 1;
	double interval = cfg->mode == MODE_RATE ? 1e9 / cfg->rate : 0;
	double start, next, t0, t1, cap = cfg->max_time * 1e9;
	uint64_t sys0;
	struct meter m;
	unsigned int i;
	int err = 0;

	out->samples = malloc((cfg->iterations + 1) * sizeof(double));
	if (!out->samples)
		return -ENOMEM;
	for (i = 0; i < cfg->warmup; i++) {
		err = c->exchange(c, batch);
		if (err)
			return err;
	}

	sys0 = c->syscalls;
	meter_start(&m, c->peer);
	start = next = meter_now_ns();
	for (i = 0; i < cfg->iterations; i++) {
		if (interval) {
			t0 = meter_now_ns();
			if (t0 < next)
				sleep_until(next);
			else if (t0 > next + interval)
				out->behind++;
			next += interval;
		}
		t0 = meter_now_ns();
		err = c->exchange(c, batch);
		t1 = meter_now_ns();
		if (err)
			break;
		out->samples[out->n++] = t1 - t0;
		out->msgs += batch;
		if (t1 - start > cap && i + 1 < cfg->iterations) {
			out->capped = true;
			break;
		}
	}
	out->elapsed_ns = meter_now_ns() - start;
	out->cpu_ns = sane_cpu(meter_stop(&m), out->elapsed_ns);
	out->client_syscalls = c->syscalls - sys0;
	out->metered_msgs = out->msgs;
	if (err || !cfg->trace)
		return err;
	return trace_pass(c, cfg, batch, out);
}

static int run_stream(struct bench_conn *c, const struct run_cfg *cfg,
		      struct run_out *out)
{
	struct bench_sink_result res = { 0 };
	uint64_t sys0 = c->syscalls;
	double start = meter_now_ns();
	struct meter m;
	int err;

	meter_start(&m, c->peer);
	err = c->stream(c, cfg->warmup, cfg->stream_msgs, &res);
	out->cpu_ns = sane_cpu(meter_stop(&m), meter_now_ns() - start);
	if (err)
		return err;
	out->client_syscalls = c->syscalls - sys0;
	out->metered_msgs = cfg->warmup + cfg->stream_msgs;
	out->msgs = res.msgs;
	out->elapsed_ns = (double)res.ns;
	out->server_syscalls = res.syscalls;
	out->server_msgs = res.msgs;
	out->loss_pct = cfg->stream_msgs ?
		100.0 * (double)(cfg->stream_msgs - res.msgs) / cfg->stream_msgs : 0;
	if (!res.ns || !res.msgs) {
		snprintf(c->err, sizeof(c->err),
			 "the receiver timed nothing (%llu messages)",
			 (unsigned long long)res.msgs);
		return -EIO;
	}
	return 0;
}

/**
 * mode_run - one run of @cfg->mode on @c
 * @c: an open connection
 * @cfg: the mode and its counts
 * @out: filled (samples allocated; the caller frees them)
 *
 * Returns 0, or a negative errno with c->err set.
 */
int mode_run(struct bench_conn *c, const struct run_cfg *cfg,
	     struct run_out *out)
{
	memset(out, 0, sizeof(*out));
	out->cpu_ns = out->syscalls = out->loss_pct = NAN;
	if (cfg->mode == MODE_STREAM) {
		if (!c->stream)
			return -EOPNOTSUPP;
		return run_stream(c, cfg, out);
	}
	return run_exchanges(c, cfg, out);
}
