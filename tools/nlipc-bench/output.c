// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report: a side-by-side table per mode and size, JSON (json-c) and
 * CSV with every number, the environment and the settings. RTT is always
 * called RTT; times are µs and rates SI (MB/s = 10^6 B/s). Values that are
 * unknown print as "-" in the table, null in JSON and empty in CSV.
 */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "bench.h"

static const char *const mode_names[MODE__COUNT] = {
	[MODE_PINGPONG] = "pingpong",
	[MODE_STREAM] = "stream",
	[MODE_RATE] = "rate",
	[MODE_BATCH] = "batch",
};

static const char *const sys_sources[] = {
	[SYS_NONE] = "none",
	[SYS_COUNTED] = "counted",
	[SYS_TRACED] = "traced",
};

static const char *const statuses[] = {
	[RES_OK] = "ok",
	[RES_SKIPPED] = "skipped",
	[RES_FAILED] = "failed",
};

const char *mode_name(enum bench_mode m)
{
	return m < MODE__COUNT ? mode_names[m] : "?";
}

const char *path_name(enum bench_path p)
{
	return p == PATH_LIB ? "lib" : p == PATH_RAWD ? "raw-d" : "raw";
}

/*
 * A result the user asked for: not a path left out with --paths, nor one
 * that does not exist for its family (skipped without a reason).
 */
static bool shown(const struct bench_report *r, const struct bench_result *res)
{
	return (r->opts->paths & 1u << res->path) &&
	       !(res->status == RES_SKIPPED && !res->note[0]);
}

/* ------------------------------------------------------------------ */
/* Table                                                                */
/* ------------------------------------------------------------------ */

/* A number in @width columns with as many decimals as it deserves. */
static void num(FILE *f, int width, double v)
{
	if (isnan(v))
		fprintf(f, " %*s", width, "-");
	else if (fabs(v) < 10)
		fprintf(f, " %*.2f", width, v);
	else if (fabs(v) < 1000)
		fprintf(f, " %*.1f", width, v);
	else
		fprintf(f, " %*.0f", width, v);
}

static void header(FILE *f, const struct bench_report *r)
{
	const struct bench_env *e = r->env;
	const struct bench_opts *o = r->opts;

	fprintf(f, "nlipc-bench %s, %s\n", PACKAGE_VERSION, e->date);
	fprintf(f, "kernel %s %s | %s | %d CPUs | %s", e->kernel, e->arch,
		e->cpu_model, e->cpus, e->vm ? "VM" : "no VM");
	if (e->vm)
		fprintf(f, " (%s%s)", e->hypervisor,
			e->emulated ? ", emulated CPU: only ratios mean anything" :
				      ", not emulated");
	fprintf(f, " | clock %s", e->clocksource[0] ? e->clocksource : "?");
	if (o->pin_client >= 0)
		fprintf(f, " | client on CPU %d, servers on CPU %d\n",
			o->pin_client, o->pin_server);
	else
		fprintf(f, " | not pinned\n");
	if (o->pin_auto)
		fprintf(f, "pinned because the CPUs are emulated: a wake-up on another CPU takes\n"
			   "milliseconds here (--no-pin lets the scheduler place them)\n");
	else if (e->emulated && o->pin_client < 0)
		fprintf(f, "hint: on emulated CPUs a wake-up on another CPU can take milliseconds;\n"
			   "      --pin=0,0 keeps client and server on one CPU\n");
	fprintf(f, "netlink: %s\n", e->netlink);
	fprintf(f, "lib paths over sockets: %s\n", e->daemon);
	fprintf(f, "each row: %u run%s of %u round trips after %u warm-up, capped at %g s a run; syscalls %s\n",
		o->repeat, o->repeat > 1 ? "s" : "", o->iterations, o->warmup,
		o->max_time, e->syscalls);
	fprintf(f, "RTT: round-trip time of a request and its whole answer (reply and ACK), µs.\n"
		   "MB/s: 10^6 payload bytes/s. CPU: client + server CPU time per message, µs.\n"
		   "sys: client + server syscalls per message. Paths: raw = raw syscalls to the\n"
		   "bench's own forked echo (to the kernel for netlink, to nlipcd for the bridge);\n"
		   "raw-d = raw syscalls to nlipcd; lib = libnlipc to nlipcd (or the kernel).\n"
		   "lib/raw: p50 RTT of lib over p50 RTT of raw-d (the same server), or of raw\n"
		   "where there is no raw-d. spread: (max - min) / median of the runs' p50\n"
		   "(stream: of their msg/s), '!' past --spread-warn %g %%.\n",
		   o->spread_warn);
}

static void block_title(FILE *f, const struct bench_report *r,
			const struct bench_result *first)
{
	const struct bench_opts *o = r->opts;
	uint32_t req = wire_request_bytes(first->size, o->has_reply_size);
	uint32_t answer = wire_reply_bytes(first->reply_size);
	char payload[96];

	if (o->has_reply_size)
		snprintf(payload, sizeof(payload), "%u B payload, %u B replies",
			 first->size, first->reply_size);
	else
		snprintf(payload, sizeof(payload), "%u B payload", first->size);
	fputc('\n', f);
	switch (first->mode) {
	case MODE_PINGPONG:
		fprintf(f, "ping-pong, %s (request %u B, answer %u B on the wire)\n",
			payload, req, answer);
		break;
	case MODE_STREAM:
		fprintf(f, "stream: one way, timed at the receiver from a SYNC, %s (%u B a message)\n",
			payload, req);
		break;
	case MODE_RATE:
		fprintf(f, "rate: round trips started at %.0f msg/s, %s; RTT of each\n",
			o->rate, payload);
		break;
	default:
		fprintf(f, "batch: up to %u requests per send, then all answers, %s; RTT of a whole batch\n",
			o->batch, payload);
	}
}

static void columns(FILE *f, enum bench_mode m)
{
	fprintf(f, "%-15s %-5s", "family", "path");
	if (m == MODE_BATCH)
		fprintf(f, " %5s", "batch");
	if (m != MODE_STREAM)
		fprintf(f, " %8s %8s %8s %8s %8s %8s", "RTT min", "p50", "p90",
			"p99", "p99.9", "max");
	fprintf(f, " %10s %8s %7s %6s", "msg/s", "MB/s", "CPU", "sys");
	if (m == MODE_STREAM)
		fprintf(f, " %6s", "loss%");
	else
		fprintf(f, " %7s", "lib/raw");
	fprintf(f, " %7s\n", "spread");
}

static void row(FILE *f, const struct bench_result *res, bool *mark)
{
	char name[24];

	snprintf(name, sizeof(name), "%s%s", res->family, res->nlctrl ? "*" : "");
	*mark |= res->nlctrl;
	fprintf(f, "%-15s %-5s", name, path_name(res->path));
	if (res->status == RES_FAILED) {
		fprintf(f, " failed: %s\n", res->note);
		return;
	}
	if (res->mode == MODE_BATCH)
		fprintf(f, " %5u", res->batch);
	if (res->mode != MODE_STREAM) {
		num(f, 8, res->rtt.min);
		num(f, 8, res->rtt.p50);
		num(f, 8, res->rtt.p90);
		num(f, 8, res->rtt.p99);
		num(f, 8, res->rtt.p999);
		num(f, 8, res->rtt.max);
	}
	fprintf(f, " %10.0f", res->msg_per_s);
	num(f, 8, res->mb_per_s);
	num(f, 7, res->cpu_us_per_msg);
	num(f, 6, res->sys_per_msg);
	if (res->mode == MODE_STREAM) {
		num(f, 6, res->loss_pct);
	} else if (isnan(res->lib_ratio)) {
		fprintf(f, " %7s", "-");
	} else {
		fprintf(f, " %6.2fx", res->lib_ratio);
	}
	if (isnan(res->spread_pct))
		fprintf(f, " %7s\n", "-");
	else
		fprintf(f, " %5.0f%%%s\n", res->spread_pct,
			res->spread_wide ? "!" : " ");
}

/* Skipped measurements, one line per reason, each family and path once. */
static void skipped(FILE *f, const struct bench_report *r)
{
	bool done[r->nresults ? r->nresults : 1];
	size_t i, j, k;

	memset(done, 0, sizeof(done));
	for (i = 0; i < r->nresults; i++) {
		const struct bench_result *a = &r->results[i];
		char seen[1024] = "";
		size_t len = 0;

		if (done[i] || a->status != RES_SKIPPED || !shown(r, a))
			continue;
		for (j = i; j < r->nresults; j++) {
			const struct bench_result *b = &r->results[j];
			char label[48];

			if (b->status != RES_SKIPPED || !shown(r, b) ||
			    strcmp(a->note, b->note))
				continue;
			done[j] = true;
			snprintf(label, sizeof(label), "%s %s", b->family,
				 path_name(b->path));
			for (k = 0; k < len; k += strlen(seen + k) + 2)
				if (!strcmp(seen + k, label))
					break;
			if (k < len || len + strlen(label) + 3 > sizeof(seen))
				continue;
			snprintf(seen + len, sizeof(seen) - len, "%s", label);
			len += strlen(label) + 2;
			seen[len - 1] = 0;
		}
		fprintf(f, "  %s:", a->note);
		for (k = 0; k < len; k += strlen(seen + k) + 2)
			fprintf(f, "%s %s", k ? "," : "", seen + k);
		fputc('\n', f);
	}
}

/**
 * output_table - the readable report
 * @f: where to print it
 * @r: the results
 */
void output_table(FILE *f, const struct bench_report *r)
{
	const struct bench_result *first = NULL;
	unsigned int wide = 0, notes = 0, skips = 0;
	bool nlctrl = false;
	size_t i;

	header(f, r);
	for (i = 0; i < r->nresults; i++) {
		const struct bench_result *res = &r->results[i];

		if (!shown(r, res))
			continue;
		skips += res->status == RES_SKIPPED;
		if (res->status == RES_SKIPPED)
			continue;
		if (!first || first->mode != res->mode || first->size != res->size) {
			first = res;
			block_title(f, r, res);
			columns(f, res->mode);
		}
		row(f, res, &nlctrl);
		wide += res->status == RES_OK && res->spread_wide;
		notes += res->status == RES_OK && res->note[0];
	}
	if (!first)
		fprintf(f, "\nnothing could be measured here.\n");
	if (nlctrl)
		fprintf(f, "\n* netlink without the module: round trips to the kernel's nlctrl family (a getfamily\n"
			   "  of \"nlctrl\"), the same request and answer whatever the payload size.\n");
	if (notes) {
		fprintf(f, "\nnotes:\n");
		for (i = 0; i < r->nresults; i++) {
			const struct bench_result *res = &r->results[i];

			if (res->status == RES_OK && res->note[0] && shown(r, res))
				fprintf(f, "  %s %s %s %u B: %s\n", res->family,
					path_name(res->path), mode_name(res->mode),
					res->size, res->note);
		}
	}
	if (skips) {
		fprintf(f, "\nnot measured:\n");
		skipped(f, r);
	}
	if (wide) {
		fprintf(f, "\nwarning: in %u row%s (marked '!') the runs differ by more than %g %%:\n"
			   "the machine is noisy; compare rows within this run, pin with --pin, or\n"
			   "raise --repeat.\n",
			wide, wide > 1 ? "s" : "", r->opts->spread_warn);
		for (i = 0; i < r->nresults; i++) {
			const struct bench_result *res = &r->results[i];
			double lo = INFINITY, hi = -INFINITY;
			unsigned int k;

			if (res->status != RES_OK || !res->spread_wide)
				continue;
			for (k = 0; k < res->runs; k++) {
				lo = res->run_value[k] < lo ? res->run_value[k] : lo;
				hi = res->run_value[k] > hi ? res->run_value[k] : hi;
			}
			fprintf(f, "  %s %s %s %u B: %.0f %% (%s from %.3g to %.3g)\n",
				res->family, path_name(res->path),
				mode_name(res->mode), res->size, res->spread_pct,
				res->mode == MODE_STREAM ? "msg/s" : "p50 RTT µs",
				lo, hi);
		}
	}
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */
/* ------------------------------------------------------------------ */

static struct json_object *jnum(double v)
{
	return isnan(v) || isinf(v) ? NULL : json_object_new_double(v);
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static struct json_object *json_env(const struct bench_env *e)
{
	struct json_object *o = json_object_new_object();

	add(o, "date", jstr(e->date));
	add(o, "kernel", jstr(e->kernel));
	add(o, "kernel_version", jstr(e->kernel_version));
	add(o, "arch", jstr(e->arch));
	add(o, "cpu_model", jstr(e->cpu_model));
	add(o, "cpus", json_object_new_int(e->cpus));
	add(o, "vm", json_object_new_boolean(e->vm));
	add(o, "hypervisor", jstr(e->hypervisor));
	add(o, "emulated", json_object_new_boolean(e->emulated));
	add(o, "vm_evidence", jstr(e->vm_why));
	add(o, "clocksource", jstr(e->clocksource));
	add(o, "netlink", jstr(e->netlink));
	add(o, "daemon", jstr(e->daemon));
	add(o, "libnlipc", jstr(e->library));
	add(o, "syscalls", jstr(e->syscalls));
	return o;
}

static struct json_object *json_config(const struct bench_opts *o)
{
	struct json_object *c = json_object_new_object();
	struct json_object *sizes = json_object_new_array();
	unsigned int i;

	for (i = 0; i < o->nsizes; i++)
		json_object_array_add(sizes, json_object_new_int64(o->sizes[i]));
	add(c, "sizes", sizes);
	add(c, "reply_size", o->has_reply_size ?
		json_object_new_int64(o->reply_size) : NULL);
	add(c, "iterations", json_object_new_int64(o->iterations));
	add(c, "warmup", json_object_new_int64(o->warmup));
	add(c, "repeat", json_object_new_int64(o->repeat));
	add(c, "max_time_s", json_object_new_double(o->max_time));
	add(c, "batch", json_object_new_int64(o->batch));
	add(c, "rate", json_object_new_double(o->rate));
	add(c, "pin_client", o->pin_client >= 0 ?
		json_object_new_int(o->pin_client) : NULL);
	add(c, "pin_server", o->pin_server >= 0 ?
		json_object_new_int(o->pin_server) : NULL);
	add(c, "pin_auto", json_object_new_boolean(o->pin_auto));
	add(c, "spread_warn_pct", json_object_new_double(o->spread_warn));
	add(c, "quick", json_object_new_boolean(o->quick));
	return c;
}

static struct json_object *json_result(const struct bench_result *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *rtt = NULL, *runs;
	unsigned int i;

	add(o, "family", jstr(r->family));
	add(o, "path", jstr(path_name(r->path)));
	add(o, "mode", jstr(mode_name(r->mode)));
	add(o, "size", json_object_new_int64(r->size));
	add(o, "reply_size", json_object_new_int64(r->reply_size));
	add(o, "request_bytes", json_object_new_int64(r->req_bytes));
	add(o, "answer_bytes", json_object_new_int64(r->reply_bytes));
	add(o, "batch", json_object_new_int64(r->batch));
	add(o, "offered_rate", jnum(r->offered_rate));
	add(o, "nlctrl_fallback", json_object_new_boolean(r->nlctrl));
	add(o, "status", jstr(statuses[r->status]));
	add(o, "note", r->note[0] ? jstr(r->note) : NULL);
	if (r->rtt.n) {
		rtt = json_object_new_object();
		add(rtt, "samples", json_object_new_int64((int64_t)r->rtt.n));
		add(rtt, "min", jnum(r->rtt.min));
		add(rtt, "p50", jnum(r->rtt.p50));
		add(rtt, "p90", jnum(r->rtt.p90));
		add(rtt, "p99", jnum(r->rtt.p99));
		add(rtt, "p99.9", jnum(r->rtt.p999));
		add(rtt, "max", jnum(r->rtt.max));
		add(rtt, "mean", jnum(r->rtt.mean));
		add(rtt, "stddev", jnum(r->rtt.stddev));
	}
	add(o, "rtt_us", rtt);
	add(o, "msg_per_s", jnum(r->msg_per_s));
	add(o, "mb_per_s", jnum(r->mb_per_s));
	add(o, "cpu_us_per_msg", jnum(r->cpu_us_per_msg));
	add(o, "syscalls_per_msg", jnum(r->sys_per_msg));
	add(o, "syscalls_source", jstr(sys_sources[r->sys_source]));
	add(o, "loss_pct", jnum(r->loss_pct));
	add(o, "lib_raw_ratio", jnum(r->lib_ratio));
	add(o, "ratio_base", isnan(r->lib_ratio) ? NULL :
		jstr(path_name(r->ratio_base)));
	runs = json_object_new_array();
	for (i = 0; i < r->runs; i++)
		json_object_array_add(runs, jnum(r->run_value[i]));
	add(o, "runs", runs);
	add(o, "spread_pct", jnum(r->spread_pct));
	add(o, "spread_wide", json_object_new_boolean(r->spread_wide));
	add(o, "capped", json_object_new_boolean(r->capped));
	return o;
}

/**
 * output_json - one JSON document with the environment and every result
 * @f: where to write it
 * @r: the results
 *
 * Returns 0, or -1 if it could not be written.
 */
int output_json(FILE *f, const struct bench_report *r)
{
	struct json_object *root = json_object_new_object();
	struct json_object *units = json_object_new_object();
	struct json_object *results = json_object_new_array();
	size_t i;
	int err;

	json_c_set_serialization_double_format("%.6g", JSON_C_OPTION_THREAD);
	add(root, "tool", jstr("nlipc-bench"));
	add(root, "version", jstr(PACKAGE_VERSION));
	add(units, "rtt", jstr("us, round trip"));
	add(units, "mb_per_s", jstr("10^6 payload bytes per second"));
	add(units, "cpu", jstr("us per message, client + server"));
	add(units, "syscalls", jstr("per message, client + server"));
	add(root, "units", units);
	add(root, "env", json_env(r->env));
	add(root, "config", json_config(r->opts));
	for (i = 0; i < r->nresults; i++)
		if (shown(r, &r->results[i]))
			json_object_array_add(results, json_result(&r->results[i]));
	add(root, "results", results);
	err = fprintf(f, "%s\n", json_object_to_json_string_ext(root,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED)) < 0;
	json_object_put(root);
	return err || ferror(f) ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                  */
/* ------------------------------------------------------------------ */

static void cnum(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputc(',', f);
	else
		fprintf(f, ",%.6g", v);
}

/* RFC 4180: quoted, with quotes doubled. */
static void cstr(FILE *f, const char *s)
{
	fputs(",\"", f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/**
 * output_csv - one header line, one line per measurement
 * @f: where to write it
 * @r: the results
 */
void output_csv(FILE *f, const struct bench_report *r)
{
	size_t i;

	fprintf(f, "family,path,mode,size,reply_size,request_bytes,answer_bytes,"
		   "batch,offered_rate,status,samples,rtt_min_us,rtt_p50_us,"
		   "rtt_p90_us,rtt_p99_us,rtt_p99.9_us,rtt_max_us,rtt_mean_us,"
		   "rtt_stddev_us,msg_per_s,mb_per_s,cpu_us_per_msg,"
		   "syscalls_per_msg,syscalls_source,loss_pct,lib_raw_ratio,"
		   "runs,spread_pct,nlctrl_fallback,note\n");
	for (i = 0; i < r->nresults; i++) {
		const struct bench_result *res = &r->results[i];

		if (!shown(r, res))
			continue;
		fprintf(f, "%s,%s,%s,%u,%u,%u,%u,%u", res->family,
			path_name(res->path), mode_name(res->mode), res->size,
			res->reply_size, res->req_bytes, res->reply_bytes,
			res->batch);
		cnum(f, res->offered_rate);
		fprintf(f, ",%s,%zu", statuses[res->status], res->rtt.n);
		cnum(f, res->rtt.min);
		cnum(f, res->rtt.p50);
		cnum(f, res->rtt.p90);
		cnum(f, res->rtt.p99);
		cnum(f, res->rtt.p999);
		cnum(f, res->rtt.max);
		cnum(f, res->rtt.mean);
		cnum(f, res->rtt.stddev);
		cnum(f, res->msg_per_s);
		cnum(f, res->mb_per_s);
		cnum(f, res->cpu_us_per_msg);
		cnum(f, res->sys_per_msg);
		fprintf(f, ",%s", sys_sources[res->sys_source]);
		cnum(f, res->loss_pct);
		cnum(f, res->lib_ratio);
		fprintf(f, ",%u", res->runs);
		cnum(f, res->spread_pct);
		fprintf(f, ",%s", res->nlctrl ? "true" : "false");
		cstr(f, res->note);
		fputc('\n', f);
	}
}
