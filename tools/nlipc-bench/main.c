// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc-bench(1): the options, which families, paths, modes and sizes to
 * measure, and where the report goes. run.c makes the measurements.
 */
#include <config.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <nlipc/nlipc.h>

#include "bench.h"

static const uint32_t default_sizes[] = { 16, 256, 4096, 32768 };
static const uint32_t quick_sizes[] = { 16, 4096 };

static void remove_dir(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

static struct bench_run bench;

/* Interrupted: stop nlipcd and remove the scratch folder, then die. */
static void on_signal(int sig)
{
	if (bench.ctx.daemons.user.pid)
		kill(bench.ctx.daemons.user.pid, SIGTERM);
	if (bench.ctx.daemons.kernel.pid)
		kill(bench.ctx.daemons.kernel.pid, SIGTERM);
	if (bench.ctx.dir[0])
		remove_dir(bench.ctx.dir);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: nlipc-bench [OPTIONS]\n"
		"Compare IPC families side by side: round trips through libnlipc and through\n"
		"raw syscalls doing the same exchange, so the library's overhead is a ratio.\n"
		"\n"
		"  -f, --families LIST   families to measure, or 'all' (default all)\n"
		"  -m, --modes LIST      pingpong, stream, rate, batch, or 'all'\n"
		"                        (default pingpong,stream)\n"
		"  -p, --paths LIST      raw (syscalls to a forked echo), raw-d (syscalls to\n"
		"                        nlipcd), lib (libnlipc); default all three\n"
		"  -s, --sizes LIST      payload sizes: 16,256,4K or a range 16-64K in\n"
		"                        powers of two (default 16,256,4096,32768)\n"
		"      --reply-size N    ask for N-byte replies instead of echoes\n"
		"  -n, --iterations N    timed round trips per run (default 2000)\n"
		"  -w, --warmup N        round trips discarded before each run (default 200)\n"
		"  -r, --repeat N        runs per measurement (default 3, at most %d)\n"
		"  -t, --max-time SEC    cap on one run (default 1)\n"
		"  -b, --batch N         requests per send in batch mode (default 16)\n"
		"  -R, --rate N          offered msg/s in rate mode (default 5000)\n"
		"  -P, --pin[=C,S]       pin the client to CPU C, servers to S (default 0,1);\n"
		"                        on emulated CPUs both go to CPU 0 unless --no-pin\n"
		"      --no-pin          let the scheduler place client and servers\n"
		"      --spread-warn PCT warn when runs differ by more (default 25)\n"
		"  -q, --quick           a short run (~10 s): sizes 16,4096, 500 round trips,\n"
		"                        2 runs\n"
		"  -j, --json [FILE]     write JSON to FILE, or print it instead of the table\n"
		"  -c, --csv [FILE]      the same for CSV\n"
		"      --plot FILE       latency and throughput against size, .svg or .png\n"
		"                        (gnuplot, checked for before the run)\n"
		"      --daemon-path F   the nlipcd to start for the lib paths over sockets\n"
		"                        (default: found next to nlipc-bench)\n"
		"      --no-daemon       measure no lib path over sockets\n"
		"      --idle-clients N  first, what N idle TCP clients cost nlipcd: CPU per\n"
		"                        admission, RSS per connection, one client's RTT\n"
		"      --no-progress     no progress line on the terminal\n"
		"      --no-trace        no traced pass after each run (the sys column's\n"
		"                        n/10 more exchanges): exactly n exchanges a run\n"
		"  -l, --list            list the families and exit\n"
		"  -h, --help            show this help\n"
		"  -V, --version         show the version\n"
		"\n"
		"Families:", BENCH_MAX_RUNS);
	for (i = 0; i < bench_nfamilies; i++)
		fprintf(f, "%s %s", i ? "," : "", bench_families[i].name);
	fprintf(f,
		"\n\n"
		"RTT is the round-trip time of one request and its whole answer (reply and\n"
		"ACK), in µs; MB/s are 10^6 payload bytes per second. Exit status: 0, 1 if a\n"
		"measurement failed, 2 on usage errors.\n");
}

static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nlipc-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'nlipc-bench --help'.\n");
	return 2;
}

/*
 * The FILE of --json[=FILE] and --csv[=FILE], also as the next argument
 * ("--json out.json"): nlipc-bench takes no other, so it is unambiguous.
 * "-", or nothing, is standard output.
 */
static const char *optional_file(int argc, char **argv, const char *arg)
{
	if (arg)
		return arg;
	if (optind < argc && argv[optind][0] && argv[optind][0] != '-')
		return argv[optind++];
	return "-";
}

static int parse_uint(const char *arg, unsigned long min, unsigned long max,
		      unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(arg, &end, 10);
	if (errno || end == arg || *arg == '-')
		return -1;
	if (*end == 'K' || *end == 'k')
		*v *= 1024, end++;
	else if (*end == 'M')
		*v *= 1024 * 1024, end++;
	return *end || *v < min || *v > max ? -1 : 0;
}

/* 64K and larger mean the largest ping payload. */
static uint32_t clamp_size(unsigned long v)
{
	return v > BENCH_MAX_PAYLOAD ? BENCH_MAX_PAYLOAD : (uint32_t)v;
}

static int parse_sizes(struct bench_opts *o, const char *arg)
{
	char buf[256], *tok, *save, *dash;
	unsigned long lo, hi, v;

	snprintf(buf, sizeof(buf), "%s", arg);
	o->nsizes = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		dash = strchr(tok, '-');
		if (dash) {
			*dash = 0;
			if (parse_uint(tok, 1, 1 << 20, &lo) ||
			    parse_uint(dash + 1, lo, 1 << 20, &hi))
				return -1;
			for (v = lo; v <= hi && o->nsizes < BENCH_MAX_SIZES; v *= 2)
				o->sizes[o->nsizes++] = clamp_size(v);
			if (v / 2 != hi && o->nsizes < BENCH_MAX_SIZES &&
			    o->sizes[o->nsizes - 1] != clamp_size(hi))
				o->sizes[o->nsizes++] = clamp_size(hi);
			continue;
		}
		if (parse_uint(tok, 0, 1 << 20, &v) || o->nsizes >= BENCH_MAX_SIZES)
			return -1;
		o->sizes[o->nsizes++] = clamp_size(v);
	}
	return o->nsizes ? 0 : -1;
}

static int parse_families(struct bench_opts *o, const char *arg)
{
	char buf[512], *tok, *save;
	size_t i;

	if (!strcmp(arg, "all")) {
		o->families = (1u << bench_nfamilies) - 1;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", arg);
	o->families = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!family_find(tok, &i))
			return usage_error("unknown family '%s' (see --list)", tok);
		o->families |= 1u << i;
	}
	return o->families ? 0 : usage_error("no family in '%s'", arg);
}

static int parse_modes(struct bench_opts *o, const char *arg)
{
	char buf[256], *tok, *save;
	int m;

	if (!strcmp(arg, "all")) {
		o->modes = (1u << MODE__COUNT) - 1;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", arg);
	o->modes = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "pp") || !strcmp(tok, "ping-pong"))
			tok = "pingpong";
		for (m = 0; m < MODE__COUNT; m++)
			if (!strcmp(tok, mode_name(m)) ||
			    (m == MODE_PINGPONG && !strcmp(tok, "pingpong")))
				break;
		if (m == MODE__COUNT)
			return usage_error("unknown mode '%s' (pingpong, stream, rate, batch)",
					   tok);
		o->modes |= 1u << m;
	}
	return o->modes ? 0 : usage_error("no mode in '%s'", arg);
}

static int parse_paths(struct bench_opts *o, const char *arg)
{
	char buf[64], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", arg);
	o->paths = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "raw"))
			o->paths |= 1u << PATH_RAW;
		else if (!strcmp(tok, "raw-d") || !strcmp(tok, "rawd"))
			o->paths |= 1u << PATH_RAWD;
		else if (!strcmp(tok, "lib"))
			o->paths |= 1u << PATH_LIB;
		else if (!strcmp(tok, "all"))
			o->paths |= (1u << PATH__COUNT) - 1;
		else
			return usage_error("unknown path '%s' (raw, raw-d, lib)", tok);
	}
	return 0;
}

static int parse_pin(struct bench_opts *o, const char *arg)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int c, s;

	if (!arg) {
		o->pin_client = 0;
		o->pin_server = cpus > 1 ? 1 : 0;
		return 0;
	}
	if (sscanf(arg, "%d,%d", &c, &s) != 2 || c < 0 || s < 0 ||
	    c >= cpus || s >= cpus)
		return usage_error("--pin wants CLIENT,SERVER CPUs of this machine, not '%s'",
				   arg);
	o->pin_client = c;
	o->pin_server = s;
	return 0;
}

static double parse_double(const char *arg, double min)
{
	char *end;
	double v = strtod(arg, &end);

	return end == arg || *end || !(v >= min) ? NAN : v;
}

enum {
	OPT_REPLY_SIZE = 256,
	OPT_SPREAD_WARN,
	OPT_PLOT,
	OPT_DAEMON_PATH,
	OPT_NO_DAEMON,
	OPT_IDLE_CLIENTS,
	OPT_NO_PROGRESS,
	OPT_NO_PIN,
	OPT_NO_TRACE,
};

static int parse_opts(struct bench_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "families", required_argument, NULL, 'f' },
		{ "modes", required_argument, NULL, 'm' },
		{ "paths", required_argument, NULL, 'p' },
		{ "sizes", required_argument, NULL, 's' },
		{ "reply-size", required_argument, NULL, OPT_REPLY_SIZE },
		{ "iterations", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "max-time", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'b' },
		{ "rate", required_argument, NULL, 'R' },
		{ "pin", optional_argument, NULL, 'P' },
		{ "no-pin", no_argument, NULL, OPT_NO_PIN },
		{ "spread-warn", required_argument, NULL, OPT_SPREAD_WARN },
		{ "quick", no_argument, NULL, 'q' },
		{ "json", optional_argument, NULL, 'j' },
		{ "csv", optional_argument, NULL, 'c' },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "daemon-path", required_argument, NULL, OPT_DAEMON_PATH },
		{ "no-daemon", no_argument, NULL, OPT_NO_DAEMON },
		{ "idle-clients", required_argument, NULL, OPT_IDLE_CLIENTS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "no-trace", no_argument, NULL, OPT_NO_TRACE },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool sizes = false, iters = false, warm = false, reps = false,
	     maxt = false;
	unsigned long v;
	size_t i, len;
	int c, err;

	*o = (struct bench_opts){
		.families = (1u << bench_nfamilies) - 1,
		.modes = 1u << MODE_PINGPONG | 1u << MODE_STREAM,
		.paths = (1u << PATH__COUNT) - 1,
		.iterations = 2000,
		.warmup = 200,
		.repeat = 3,
		.max_time = 1.0,
		.batch = 16,
		.rate = 5000,
		.pin_client = -1,
		.pin_server = -1,
		.spread_warn = 25,
		.progress = -1,
	};
	while ((c = getopt_long(argc, argv, "f:m:p:s:n:w:r:t:b:R:P::qj::c::lhV",
				longopts, NULL)) != -1) {
		err = 0;
		switch (c) {
		case 'f':
			err = parse_families(o, optarg);
			break;
		case 'm':
			err = parse_modes(o, optarg);
			break;
		case 'p':
			err = parse_paths(o, optarg);
			break;
		case 's':
			if (parse_sizes(o, optarg))
				return usage_error("bad --sizes '%s' (e.g. 16,256,4K or 16-64K)",
						   optarg);
			sizes = true;
			break;
		case OPT_REPLY_SIZE:
			if (parse_uint(optarg, 0, BENCH_MAX_PAYLOAD, &v))
				return usage_error("bad --reply-size '%s' (0 to 65531)",
						   optarg);
			o->has_reply_size = true;
			o->reply_size = (uint32_t)v;
			break;
		case 'n':
			if (parse_uint(optarg, 1, 10000000, &v))
				return usage_error("bad --iterations '%s'", optarg);
			o->iterations = (unsigned int)v;
			iters = true;
			break;
		case 'w':
			if (parse_uint(optarg, 0, 10000000, &v))
				return usage_error("bad --warmup '%s'", optarg);
			o->warmup = (unsigned int)v;
			warm = true;
			break;
		case 'r':
			if (parse_uint(optarg, 1, BENCH_MAX_RUNS, &v))
				return usage_error("bad --repeat '%s' (1 to 16)", optarg);
			o->repeat = (unsigned int)v;
			reps = true;
			break;
		case 't':
			o->max_time = parse_double(optarg, 0.001);
			if (isnan(o->max_time))
				return usage_error("bad --max-time '%s' (seconds)", optarg);
			maxt = true;
			break;
		case 'b':
			if (parse_uint(optarg, 1, BENCH_MAX_BATCH, &v))
				return usage_error("bad --batch '%s' (1 to 64)", optarg);
			o->batch = (unsigned int)v;
			break;
		case 'R':
			o->rate = parse_double(optarg, 1);
			if (isnan(o->rate))
				return usage_error("bad --rate '%s' (msg/s)", optarg);
			break;
		case 'P':
			err = parse_pin(o, optarg);
			o->pin_given = true;
			break;
		case OPT_NO_PIN:
			o->pin_client = o->pin_server = -1;
			o->pin_given = true;
			break;
		case OPT_SPREAD_WARN:
			o->spread_warn = parse_double(optarg, 0);
			if (isnan(o->spread_warn))
				return usage_error("bad --spread-warn '%s' (percent)", optarg);
			break;
		case 'q':
			o->quick = true;
			break;
		case 'j':
			o->json = optional_file(argc, argv, optarg);
			break;
		case 'c':
			o->csv = optional_file(argc, argv, optarg);
			break;
		case OPT_PLOT:
			len = strlen(optarg);
			if (len < 5 || (strcasecmp(optarg + len - 4, ".svg") &&
					strcasecmp(optarg + len - 4, ".png")))
				return usage_error("--plot wants a .svg or .png file, not '%s'",
						   optarg);
			o->plot = optarg;
			break;
		case OPT_DAEMON_PATH:
			o->daemon_path = optarg;
			break;
		case OPT_NO_DAEMON:
			o->no_daemon = true;
			break;
		case OPT_IDLE_CLIENTS:
			if (parse_uint(optarg, 1, 100000, &v))
				return usage_error("bad --idle-clients '%s' (1 to 100000)",
						   optarg);
			o->idle_clients = v;
			break;
		case OPT_NO_PROGRESS:
			o->progress = 0;
			break;
		case OPT_NO_TRACE:
			o->no_trace = true;
			break;
		case 'l':
			for (i = 0; i < bench_nfamilies; i++)
				printf("%-15s %s\n", bench_families[i].name,
				       bench_families[i].what);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("nlipc-bench %s (libnlipc %s)\n", PACKAGE_VERSION,
			       nlipc_version());
			exit(0);
		default:	/* getopt said what */
			fprintf(stderr, "Try 'nlipc-bench --help'.\n");
			return 2;
		}
		if (err)
			return err;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->json && o->csv && !strcmp(o->json, "-") && !strcmp(o->csv, "-"))
		return usage_error("%s", "--json and --csv cannot both go to stdout");
	/* Not after a run of minutes: the plot is the point of it. */
	if (o->plot && !plot_available()) {
		fprintf(stderr, "nlipc-bench: --plot %s: gnuplot is not installed (apt-get install gnuplot-nox)\n",
			o->plot);
		return 1;
	}
	if (o->quick) {
		if (!iters)
			o->iterations = 500;
		if (!warm)
			o->warmup = 50;
		if (!reps)
			o->repeat = 2;
		if (!maxt)
			o->max_time = 0.5;
	}
	if (!sizes) {
		const uint32_t *d = o->quick ? quick_sizes : default_sizes;
		size_t n = o->quick ? 2 : 4;

		memcpy(o->sizes, d, n * sizeof(*d));
		o->nsizes = (unsigned int)n;
	}
	if (!o->paths)
		o->paths = (1u << PATH__COUNT) - 1;
	return 0;
}

static int write_file(const char *path, const struct bench_report *rep,
		      int (*fn)(FILE *, const struct bench_report *))
{
	FILE *f = strcmp(path, "-") ? fopen(path, "we") : stdout;
	int err;

	if (!f) {
		fprintf(stderr, "nlipc-bench: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	err = fn(f, rep);
	if (f != stdout && fclose(f))
		err = -1;
	return err;
}

static int csv_fn(FILE *f, const struct bench_report *r)
{
	output_csv(f, r);
	return ferror(f) ? -1 : 0;
}

static int report(struct bench_run *b)
{
	const struct bench_opts *o = &b->opts;
	struct bench_report rep = {
		.opts = o,
		.env = &b->env,
		.results = b->results,
		.nresults = b->nresults,
	};
	bool table = !(o->json && !strcmp(o->json, "-")) &&
		     !(o->csv && !strcmp(o->csv, "-"));
	char err[256];
	int ret = 0;

	if (table)
		output_table(stdout, &rep);
	if (o->json && write_file(o->json, &rep, output_json))
		ret = 1;
	if (o->csv && write_file(o->csv, &rep, csv_fn))
		ret = 1;
	if (o->plot && plot_write(o->plot, &rep, err, sizeof(err))) {
		fprintf(stderr, "nlipc-bench: --plot %s: %s\n", o->plot, err);
		ret = 1;
	}
	fflush(stdout);
	return ret;
}

int main(int argc, char **argv)
{
	struct bench_run *b = &bench;
	int ret;

	ret = parse_opts(&b->opts, argc, argv);
	if (ret)
		return ret;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* Rate mode sleeps to a schedule: no 50 µs of timer slack. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

	run_setup(b);
	if (b->opts.idle_clients &&
	    idle_run(&b->ctx.daemons, b->opts.idle_clients,
			     (b->opts.json && !strcmp(b->opts.json, "-")) ||
		     (b->opts.csv && !strcmp(b->opts.csv, "-")) ?
		     stderr : stdout))
		b->failed = true;
	run_prepare(b);
	run_all(b);
	daemons_stop(&b->ctx.daemons);
	ret = report(b);
	remove_dir(b->ctx.dir);
	return ret ? ret : b->failed;
}
