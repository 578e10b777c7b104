// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The measurements: what this machine offers (module, IPv6, nlipcd), which
 * rows exist and why others do not, and the order of the runs. The runs of
 * all families of one mode and size take turns, so drift of a noisy
 * machine falls on all of them alike and the ratios within a run stay
 * meaningful.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <nlipc/nlipc.h>

#include "bench.h"

/* Stream mode sends about this many bytes per run, within these counts. */
#define STREAM_BYTES		(16 * 1000 * 1000)
#define STREAM_MIN_MSGS		100

/* Per measurement, what the runs have given so far. */
struct bench_acc {
	double *pool;			/* RTT samples of all runs, ns */
	size_t npool, npool_total;
	double rate[BENCH_MAX_RUNS], cpu[BENCH_MAX_RUNS];
	double sys[BENCH_MAX_RUNS], loss[BENCH_MAX_RUNS];
	enum bench_sys_source src;
	unsigned int behind;
};


/* ------------------------------------------------------------------ */
/* Running                                                              */
/* ------------------------------------------------------------------ */

static struct bench_result *result_at(struct bench_run *b, unsigned int mi,
				      unsigned int si, unsigned int fi,
				      enum bench_path p, struct bench_acc **acc)
{
	size_t i = (((size_t)mi * b->opts.nsizes + si) * b->nfam + fi) *
		   PATH__COUNT + p;

	*acc = &b->acc[i];
	return &b->results[i];
}

static unsigned long stream_msgs(const struct bench_opts *o, uint32_t size)
{
	unsigned long bytes = o->quick ? STREAM_BYTES / 4 : STREAM_BYTES;
	unsigned long n = bytes / wire_request_bytes(size, o->has_reply_size);
	unsigned long max = o->iterations * 10UL;

	if (n > max)
		n = max;
	return n < STREAM_MIN_MSGS ? STREAM_MIN_MSGS : n;
}

/* Requests per send in batch mode: at most 64 KiB of them each way. */
static unsigned int batch_for(const struct bench_opts *o, uint32_t req,
			      uint32_t reply)
{
	uint32_t big = req > reply ? req : reply;
	unsigned int n = BENCH_BATCH_BYTES / big;

	if (n > o->batch)
		n = o->batch;
	return n ? n : 1;
}

static void progress(struct bench_run *b, const struct bench_result *r)
{
	double t = (meter_now_ns() - b->start) / 1e9;

	if (!b->opts.progress || (b->opts.progress < 0 && !isatty(STDERR_FILENO)))
		return;
	if (t < 2 && !b->progress_shown)
		return;
	b->progress_shown = true;
	fprintf(stderr, "\r\033[K[%3u/%u] %-14s %-5s %-8s %6u B  %.0f s",
		b->done, b->total, r->family, path_name(r->path),
		mode_name(r->mode), r->size, t);
	fflush(stderr);
}

static void progress_end(struct bench_run *b)
{
	if (b->progress_shown)
		fprintf(stderr, "\r\033[K");
}

static void record_failure(struct bench_run *b, struct bench_result *r, int err,
			   const char *why)
{
	r->status = RES_FAILED;
	if (why && why[0])
		snprintf(r->note, sizeof(r->note), "%.199s", why);
	else
		snprintf(r->note, sizeof(r->note), "%s", strerror(-err));
	b->failed = true;
}

static void run_one(struct bench_run *b, const struct bench_family *f,
		    struct bench_result *r, struct bench_acc *a, unsigned int rep)
{
	const struct bench_opts *o = &b->opts;
	struct bench_setup s = {
		.mode = r->mode,
		.size = r->size,
		.has_reply_size = o->has_reply_size,
		.reply_size = o->reply_size,
		.stream_msgs = stream_msgs(o, r->size),
		.pin_server = o->pin_server,
		.dir = b->ctx.dir,
		.daemons = &b->ctx.daemons,
	};
	struct run_cfg cfg = {
		.mode = r->mode,
		.iterations = o->iterations,
		.warmup = o->warmup,
		.batch = r->batch,
		.trace = !o->no_trace,
		.rate = o->rate,
		.max_time = o->max_time,
		.stream_msgs = s.stream_msgs,
	};
	struct bench_sink_result srv;
	struct bench_conn *c = NULL;
	struct run_out out = { 0 };
	char url[256], why[512];
	const char *u = NULL, *skip;
	double *pool, sys = NAN;
	bool counted, kernel;
	pid_t peer = 0;
	int err;

	if (r->path == PATH_RAW) {
		err = f->raw_open(f, &s, &c);
	} else if (r->path == PATH_RAWD) {
		err = f->rawd_open(f, &s, &c);
	} else {
		u = f->lib_url(f, &b->ctx.daemons, url, sizeof(url), &skip);
		if (f->flags & FAM_BRIDGE)
			peer = b->ctx.daemons.kernel.pid;
		else if (!(f->flags & FAM_NETLINK))
			peer = b->ctx.daemons.user.pid;
		err = u ? lib_open(u, &s, peer, &c) : -ENOENT;
	}
	if (err) {
		snprintf(why, sizeof(why), "%s%s%s", c && c->err[0] ? c->err :
			 strerror(-err), u ? " at " : "", u ? u : "");
		if (c)
			c->close(c, &srv);
		record_failure(b, r, err, why);
		return;
	}
	err = mode_run(c, &cfg, &out);
	snprintf(why, sizeof(why), "%s", c->err);
	r->req_bytes = c->req_bytes;
	if (c->reply_bytes)
		r->reply_bytes = c->reply_bytes;
	/* close() frees c: keep what is needed of it. */
	counted = c->counted;
	kernel = !c->peer;
	c->close(c, &srv);
	if (err) {
		free(out.samples);
		record_failure(b, r, err, why);
		return;
	}

	if (r->mode == MODE_STREAM) {
		srv.syscalls = out.server_syscalls;
		srv.msgs = out.server_msgs;
	}
	if (!isnan(out.syscalls)) {
		sys = out.syscalls;
		a->src = SYS_TRACED;
	} else if (counted && (kernel || srv.msgs)) {
		sys = (double)out.client_syscalls / out.metered_msgs +
		      (srv.msgs ? (double)srv.syscalls / srv.msgs : 0);
		a->src = SYS_COUNTED;
	}
	a->sys[rep] = sys;
	a->cpu[rep] = out.cpu_ns / out.metered_msgs / 1e3;
	a->rate[rep] = out.elapsed_ns > 0 ? out.msgs / out.elapsed_ns * 1e9 : NAN;
	a->loss[rep] = out.loss_pct;
	a->behind += out.behind;
	r->capped |= out.capped;

	if (out.n) {
		pool = realloc(a->pool, (a->npool + out.n) * sizeof(*pool));
		if (pool) {
			memcpy(pool + a->npool, out.samples, out.n * sizeof(*pool));
			a->pool = pool;
			a->npool += out.n;
		}
		stats_sort(out.samples, out.n);
		r->run_value[r->runs] = stats_percentile(out.samples, out.n, 50) / 1e3;
	} else {
		r->run_value[r->runs] = a->rate[rep];
	}
	r->runs++;
	free(out.samples);
}

/* The median of the runs that gave a value; NAN if none did. */
static double median_known(const double *v, unsigned int n)
{
	double known[BENCH_MAX_RUNS];
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		if (!isnan(v[i]))
			known[k++] = v[i];
	return stats_median(known, k);
}

static void finish_result(struct bench_run *b, struct bench_result *r,
			  struct bench_acc *a)
{
	uint32_t payload;

	if (r->status != RES_OK) {
		free(a->pool);
		return;
	}
	a->npool_total = a->npool;
	stats_summarize(a->pool, a->npool, 1e-3, &r->rtt);
	free(a->pool);
	a->pool = NULL;
	r->msg_per_s = median_known(a->rate, r->runs);
	payload = r->mode == MODE_STREAM ? r->size : r->size + r->reply_size;
	r->mb_per_s = r->msg_per_s * payload / 1e6;
	r->cpu_us_per_msg = median_known(a->cpu, r->runs);
	r->sys_per_msg = median_known(a->sys, r->runs);
	r->sys_source = isnan(r->sys_per_msg) ? SYS_NONE : a->src;
	r->loss_pct = r->mode == MODE_STREAM ? median_known(a->loss, r->runs) : NAN;
	r->spread_pct = stats_spread(r->run_value, r->runs);
	r->spread_wide = r->spread_pct > b->opts.spread_warn;
	if (r->capped)
		snprintf(r->note, sizeof(r->note),
			 "runs stopped at --max-time %.2g s", b->opts.max_time);
	/* A few late starts are scheduling hiccups; more is saturation. */
	if (r->mode == MODE_RATE && a->behind * 100 > a->npool_total)
		snprintf(r->note, sizeof(r->note),
			 "%u of %zu round trips started more than one interval late: the offered %.0f msg/s was not sustained",
			 a->behind, a->npool_total, b->opts.rate);
}

/*
 * lib / raw for the same family, mode and size, p50 RTT: over raw-d, the
 * raw loop against the same server, where there is one.
 */
static void lib_ratios(struct bench_run *b)
{
	size_t i;

	for (i = 0; i + PATH__COUNT <= b->nresults; i += PATH__COUNT) {
		struct bench_result *raw = &b->results[i + PATH_RAWD];
		struct bench_result *lib = &b->results[i + PATH_LIB];

		if (raw->status != RES_OK)
			raw = &b->results[i + PATH_RAW];
		if (raw->status == RES_OK && lib->status == RES_OK &&
		    raw->rtt.n && lib->rtt.n && raw->rtt.p50 > 0) {
			lib->lib_ratio = lib->rtt.p50 / raw->rtt.p50;
			lib->ratio_base = raw->path;
		}
	}
}

void run_prepare(struct bench_run *b)
{
	const struct bench_opts *o = &b->opts;
	unsigned int mi, si, fi, p;
	struct bench_acc *a;
	char buf[200];

	for (mi = 0; mi < MODE__COUNT; mi++)
		if (o->modes & 1u << mi)
			b->modes[b->nmodes++] = mi;
	for (fi = 0; fi < bench_nfamilies; fi++)
		if (o->families & 1u << fi)
			b->fam[b->nfam++] = fi;
	b->nresults = (size_t)b->nmodes * o->nsizes * b->nfam * PATH__COUNT;
	b->results = calloc(b->nresults, sizeof(*b->results));
	b->acc = calloc(b->nresults, sizeof(*b->acc));
	if (!b->results || !b->acc) {
		fprintf(stderr, "nlipc-bench: out of memory\n");
		exit(1);
	}
	for (mi = 0; mi < b->nmodes; mi++)
		for (si = 0; si < o->nsizes; si++)
			for (fi = 0; fi < b->nfam; fi++)
				for (p = 0; p < PATH__COUNT; p++) {
					const struct bench_family *f = &bench_families[b->fam[fi]];
					struct bench_result *r = result_at(b, mi, si, fi, p, &a);
					const char *why;

					r->family = f->name;
					r->family_index = b->fam[fi];
					r->path = p;
					r->mode = b->modes[mi];
					r->size = o->sizes[si];
					r->reply_size = o->has_reply_size ? o->reply_size : r->size;
					r->req_bytes = wire_request_bytes(r->size, o->has_reply_size);
					r->reply_bytes = wire_reply_bytes(r->reply_size);
					r->batch = r->mode == MODE_BATCH ?
						   batch_for(o, r->req_bytes, r->reply_bytes) : 1;
					r->offered_rate = r->mode == MODE_RATE ? o->rate : NAN;
					r->nlctrl = (f->flags & FAM_NETLINK) && b->ctx.module == 0;
					r->cpu_us_per_msg = r->sys_per_msg = NAN;
					r->msg_per_s = r->mb_per_s = NAN;
					r->loss_pct = r->lib_ratio = r->spread_pct = NAN;
					stats_summarize(NULL, 0, 1, &r->rtt);
					if (!(o->paths & 1u << p)) {
						r->status = RES_SKIPPED;
						snprintf(r->note, sizeof(r->note), "path not selected");
						continue;
					}
					why = family_skip_reason(f, &b->ctx, r->mode, r->size,
								 p, buf, sizeof(buf));
					if (why) {
						r->status = RES_SKIPPED;
						snprintf(r->note, sizeof(r->note), "%s", why);
						continue;
					}
					b->total += o->repeat;
				}
}

void run_all(struct bench_run *b)
{
	const struct bench_opts *o = &b->opts;
	unsigned int mi, si, fi, p, rep;
	struct bench_acc *a;
	size_t i;

	b->start = meter_now_ns();
	for (mi = 0; mi < b->nmodes; mi++)
		for (si = 0; si < o->nsizes; si++)
			for (rep = 0; rep < o->repeat; rep++)
				for (fi = 0; fi < b->nfam; fi++)
					for (p = 0; p < PATH__COUNT; p++) {
						struct bench_result *r = result_at(b, mi, si, fi, p, &a);

						if (r->status != RES_OK)
							continue;
						b->done++;
						progress(b, r);
						run_one(b, &bench_families[b->fam[fi]], r, a, rep);
					}
	progress_end(b);
	for (i = 0; i < b->nresults; i++)
		finish_result(b, &b->results[i], &b->acc[i]);
	lib_ratios(b);
}

/* ------------------------------------------------------------------ */
/* Setting up                                                           */
/* ------------------------------------------------------------------ */

static bool wants_daemon(const struct bench_run *b)
{
	size_t i;

	if (b->opts.idle_clients)
		return true;
	for (i = 0; i < bench_nfamilies; i++) {
		const struct bench_family *f = &bench_families[i];

		if (!(b->opts.families & 1u << i) || (f->flags & (FAM_FLOOR | FAM_NETLINK)))
			continue;
		if ((f->flags & FAM_BRIDGE) ||
		    (b->opts.paths & (1u << PATH_LIB | 1u << PATH_RAWD)))
			return true;
	}
	return false;
}

void run_setup(struct bench_run *b)
{
	struct bench_daemons *d = &b->ctx.daemons;
	char found[512], *tmp = getenv("TMPDIR");
	const char *path;
	size_t bridge;

	b->ctx.opts = &b->opts;
	env_read(&b->env);
	/*
	 * Under TCG a wake-up on another vCPU takes milliseconds: round
	 * trips between CPUs would measure the emulator, not the IPC.
	 */
	if (b->env.emulated && !b->opts.pin_given) {
		b->opts.pin_client = b->opts.pin_server = 0;
		b->opts.pin_auto = true;
	}
	b->ctx.module = netlink_probe(b->env.netlink, sizeof(b->env.netlink));
	b->ctx.ipv6 = sock_ipv6_usable();
	snprintf(b->env.library, sizeof(b->env.library), "%s", nlipc_version());
	snprintf(b->env.syscalls, sizeof(b->env.syscalls), "%s", meter_describe());

	snprintf(b->ctx.dir, sizeof(b->ctx.dir), "%s/nlipc-bench.XXXXXX",
		 tmp && tmp[0] && strlen(tmp) < 30 ? tmp : "/tmp");
	if (!mkdtemp(b->ctx.dir)) {
		fprintf(stderr, "nlipc-bench: cannot make a scratch folder %s: %s\n",
			b->ctx.dir, strerror(errno));
		exit(1);
	}
	snprintf(d->dir, sizeof(d->dir), "%s", b->ctx.dir);
	d->ipv6 = b->ctx.ipv6;

	family_find("bridge", &bridge);
	if (b->opts.no_daemon) {
		snprintf(d->user.why, sizeof(d->user.why), "not started (--no-daemon)");
		snprintf(d->kernel.why, sizeof(d->kernel.why), "not started (--no-daemon)");
	} else if (!wants_daemon(b)) {
		snprintf(d->user.why, sizeof(d->user.why), "not needed");
		snprintf(d->kernel.why, sizeof(d->kernel.why), "not needed");
	} else {
		path = daemon_find(b->opts.daemon_path, found, sizeof(found));
		if (!path && b->opts.daemon_path) {
			snprintf(d->user.why, sizeof(d->user.why),
				 "--daemon-path %s is not an executable",
				 b->opts.daemon_path);
			snprintf(d->kernel.why, sizeof(d->kernel.why), "%s",
				 d->user.why);
		} else {
			daemons_start(d, path, b->ctx.module > 0,
				      b->opts.families & 1u << bridge,
				      b->opts.pin_server);
		}
	}
	if (d->user.pid)
		snprintf(b->env.daemon, sizeof(b->env.daemon),
			 "nlipcd %.150s (user backend%s)", d->path,
			 d->kernel.pid ? ", and kernel backend for the bridge" : "");
	else
		snprintf(b->env.daemon, sizeof(b->env.daemon), "%s", d->user.why);
	bench_pin(0, b->opts.pin_client);
}
