// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stress-load: load nlipcd on every URL it serves with well-behaved
 * clients, optionally with hostile ones beside them or with a fault in
 * the middle (a command: kill the daemon and start it again, unload the
 * module and load it again), then check what the well-behaved clients
 * saw. Speaks TAP, and ends with one "# load:" line of figures.
 *
 * Phases: a baseline without abusers (--baseline), the main phase (with
 * --abuse or --fault), then a short one after the abusers left, long
 * enough for nlipcd's file descriptors to come back to the baseline.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "load.h"

#define MAX_CLIENTS	256
/* Errors printed in full, and slow calls; the rest are only counted. */
#define LOG_MAX		20
#define NOTE_MAX	10

static struct {
	double seconds, baseline, fault_at;
	bool abuse;
	int subscribers;
	const char *fault;
	const char *pid_file;
	const char *verify_url;
	double p99_factor, p99_floor_ms;
} opt = {
	.seconds = 10,
	.fault_at = 0.4,
	.subscribers = 1,
	.p99_factor = 20,
	.p99_floor_ms = 50,
};

static struct stress_run run = {
	.clients = 2,
	.rate = 500,
	.timeout_ms = 2000,
	.abuse_pause_us = 1250,
	.log_lock = PTHREAD_MUTEX_INITIALIZER,
};

static int tests, failures;

static void tap(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	failures += !ok;
}

static void vlog(struct stress_run *r, unsigned int *count, unsigned int max,
		 const char *fmt, va_list ap)
{
	pthread_mutex_lock(&r->log_lock);
	if ((*count)++ < max) {
		printf("# %.3f s: ", (stress_now_us() - r->t0_us) / 1e6);
		vprintf(fmt, ap);
		putchar('\n');
		fflush(stdout);
	}
	pthread_mutex_unlock(&r->log_lock);
}

void stress_log(struct stress_run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(r, &r->logged, LOG_MAX, fmt, ap);
	va_end(ap);
}

void stress_note(struct stress_run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(r, &r->noted, NOTE_MAX, fmt, ap);
	va_end(ap);
}

/*
 * While a fault is on, a call may fail, but only the way a service that
 * went away fails: refused, reset, not found (socket file, or module),
 * timed out; and a dump started while the module is being unloaded gets
 * netlink's EPROTONOSUPPORT (no module reference to take), passed on as
 * the kernel sent it. Anything else (a wrong answer, EBADMSG, EPROTO) is
 * an error.
 */
bool stress_outage_error(struct stress_run *r, int err, const char *msg,
			 uint64_t t_us)
{
	uint64_t start = atomic_load(&r->fault_start_us);

	(void)msg;
	if (!start || t_us < start)
		return false;
	switch (-err) {
	case ECONNREFUSED:
	case ECONNRESET:
	case EPIPE:
	case ENOENT:
	case ENOTCONN:
	case ETIMEDOUT:
	case EPROTONOSUPPORT:
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* nlipcd's file descriptors                                           */
/* ------------------------------------------------------------------ */

static long daemon_pid(void)
{
	FILE *f;
	long pid = -1;

	if (!opt.pid_file)
		return -1;
	f = fopen(opt.pid_file, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return pid;
}

static int daemon_fds(void)
{
	char path[64];
	struct dirent *de;
	long pid = daemon_pid();
	int n = 0;
	DIR *d;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Sleep @s seconds in steps, noting nlipcd's largest fd count. */
static void sleep_watching(double s, int *peak)
{
	uint64_t end = stress_now_us() + (uint64_t)(s * 1e6), now;
	int n;

	while ((now = stress_now_us()) < end) {
		stress_sleep_us(end - now < 100000 ? end - now : 100000);
		n = daemon_fds();
		if (n > *peak)
			*peak = n;
	}
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

enum {
	OPT_FAULT = 256,
	OPT_FAULT_AT,
	OPT_SURVIVES,
	OPT_PID,
	OPT_VERIFY,
	OPT_P99_FACTOR,
	OPT_P99_FLOOR,
	OPT_ABUSE_PAUSE,
};

static const struct option options[] = {
	{ "seconds", required_argument, NULL, 't' },
	{ "baseline", required_argument, NULL, 'b' },
	{ "abuse", no_argument, NULL, 'a' },
	{ "abuse-pause", required_argument, NULL, OPT_ABUSE_PAUSE },
	{ "clients", required_argument, NULL, 'c' },
	{ "subscribers", required_argument, NULL, 's' },
	{ "rate", required_argument, NULL, 'r' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ "fault-at", required_argument, NULL, OPT_FAULT_AT },
	{ "store-survives", no_argument, NULL, OPT_SURVIVES },
	{ "daemon-pid", required_argument, NULL, OPT_PID },
	{ "verify-url", required_argument, NULL, OPT_VERIFY },
	{ "p99-factor", required_argument, NULL, OPT_P99_FACTOR },
	{ "p99-floor-ms", required_argument, NULL, OPT_P99_FLOOR },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: stress-load [OPTIONS] URL...\n"
		"Load nlipcd on every URL with well-behaved clients, and hostile ones\n"
		"or a fault beside them; check what the well-behaved ones saw. TAP.\n"
		"\n"
		"  -t, --seconds S        the main phase (default 10)\n"
		"  -b, --baseline S       first a phase without abusers (default 0)\n"
		"  -a, --abuse            hostile clients in the main phase\n"
		"      --abuse-pause US   each abuser's mean pause between acts\n"
		"                         (default 1250; more where the CPU is slow)\n"
		"  -c, --clients N        request clients per URL (default 2)\n"
		"  -s, --subscribers N    subscribers per URL but UDP (default 1)\n"
		"  -r, --rate N           requests/s per client, 0 flat out (default 500)\n"
		"  -T, --timeout MS       every endpoint's timeout (default 2000)\n"
		"      --fault CMD        run CMD (sh -c) during the main phase; it\n"
		"                         returns once the service is back\n"
		"      --fault-at F       when, as a fraction of the phase (default 0.4)\n"
		"      --store-survives   the fault keeps the store: every write\n"
		"                         acknowledged before it must still be there\n"
		"      --daemon-pid FILE  nlipcd's pid file: its fds are watched\n"
		"      --verify-url URL   read the store back through URL (default the first)\n"
		"      --p99-factor F     p99 bound: F x the baseline's p99 (default 20;\n"
		"                         0: no bound, e.g. under valgrind)\n"
		"      --p99-floor-ms M   ... but never under M ms (default 50)\n");
}

static int parse_args(int argc, char **argv)
{
	int o;

	while ((o = getopt_long(argc, argv, "t:b:ac:s:r:T:h", options,
				NULL)) != -1) {
		switch (o) {
		case 't':
			opt.seconds = atof(optarg);
			break;
		case 'b':
			opt.baseline = atof(optarg);
			break;
		case 'a':
			opt.abuse = true;
			break;
		case 'c':
			run.clients = atoi(optarg);
			break;
		case 's':
			opt.subscribers = atoi(optarg);
			break;
		case 'r':
			run.rate = atoi(optarg);
			break;
		case 'T':
			run.timeout_ms = atoi(optarg);
			break;
		case OPT_FAULT:
			opt.fault = optarg;
			run.outage = true;
			break;
		case OPT_FAULT_AT:
			opt.fault_at = atof(optarg);
			break;
		case OPT_SURVIVES:
			run.store_survives = true;
			break;
		case OPT_PID:
			opt.pid_file = optarg;
			break;
		case OPT_VERIFY:
			opt.verify_url = optarg;
			break;
		case OPT_P99_FACTOR:
			opt.p99_factor = atof(optarg);
			break;
		case OPT_P99_FLOOR:
			opt.p99_floor_ms = atof(optarg);
			break;
		case OPT_ABUSE_PAUSE:
			run.abuse_pause_us = atoi(optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind == argc || opt.seconds <= 0 || run.clients < 1 ||
	    run.rate < 0 || run.timeout_ms < 100 || run.abuse_pause_us < 0) {
		usage(stderr);
		return -EINVAL;
	}
	run.urls = (const char **)argv + optind;
	run.n_urls = argc - optind;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The run                                                             */
/* ------------------------------------------------------------------ */

static struct stress_client *clients[MAX_CLIENTS];
static int n_clients;

static int start_clients(void)
{
	struct stress_client *c;
	int i, j, id = 0;

	for (i = 0; i < run.n_urls; i++) {
		const char *url = run.urls[i];
		bool lossy = !strncmp(url, "udp:", 4);
		int subs = lossy ? 0 : opt.subscribers;

		for (j = 0; j < run.clients + subs; j++) {
			if (n_clients == MAX_CLIENTS)
				return -ENOSPC;
			c = stress_client_start(&run, id++, url,
						j >= run.clients);
			if (!c)
				return -ECONNREFUSED;
			clients[n_clients++] = c;
		}
	}
	return 0;
}

/* The fault: its command, bracketed by the times every client judges by. */
static int fault(void)
{
	int status;

	atomic_store(&run.fault_start_us, stress_now_us());
	printf("# %.3f s: fault: %s\n",
	       (atomic_load(&run.fault_start_us) - run.t0_us) / 1e6, opt.fault);
	fflush(stdout);
	status = system(opt.fault);
	atomic_store(&run.fault_end_us, stress_now_us());
	printf("# %.3f s: fault: over after %.2f s\n",
	       (atomic_load(&run.fault_end_us) - run.t0_us) / 1e6,
	       (atomic_load(&run.fault_end_us) -
		atomic_load(&run.fault_start_us)) / 1e6);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int verify(unsigned int *checked)
{
	const char *url = opt.verify_url ? opt.verify_url : run.urls[0];
	struct nlipc_error e;
	struct nlipc *ep;
	int i, lost = 0;
	char text[512];

	if (nlipc_open_timeout(&ep, url, 5000, &e)) {
		nlipc_strerror(&e, text, sizeof(text));
		printf("# verify: cannot open %s: %s\n", url, text);
		return -1;
	}
	for (i = 0; i < n_clients; i++)
		lost += stress_client_verify(clients[i], ep, checked);
	nlipc_close(ep);
	return lost;
}

/* What a run measured, for the verdicts and the figures. */
struct outcome {
	struct stress_counts ph[PHASE__COUNT], all;
	int fd_base, fd_peak, fd_after, fault_rc, lost;
	uint64_t hostile, refused, max_call[2];
	char slowest[2][192];
	unsigned int checked, recovered;
	double secs;
};

/* The phases; the well-behaved clients are stopped when it returns. */
static int run_phases(struct outcome *o)
{
	struct stress_abuse *abusers = NULL;
	int i;

	atomic_store(&run.phase, PHASE_BASE);
	if (opt.baseline > 0)
		sleep_watching(opt.baseline, &o->fd_peak);
	o->fd_base = daemon_fds();
	o->fd_peak = o->fd_base;

	atomic_store(&run.phase, PHASE_MAIN);
	if (opt.abuse) {
		abusers = stress_abuse_start(&run);
		if (!abusers)
			return -ECONNREFUSED;
	}
	if (opt.fault) {
		sleep_watching(opt.seconds * opt.fault_at, &o->fd_peak);
		o->fault_rc = fault();
		sleep_watching(opt.seconds * (1 - opt.fault_at), &o->fd_peak);
	} else {
		sleep_watching(opt.seconds, &o->fd_peak);
	}
	if (abusers)
		o->hostile = stress_abuse_stop(abusers, &o->refused);

	/* After: service goes on; nlipcd lets go of what the abusers held. */
	atomic_store(&run.phase, PHASE_AFTER);
	for (i = 0; i < 100; i++) {
		o->fd_after = daemon_fds();
		if (o->fd_after <= o->fd_base && i >= 10)
			break;
		stress_sleep_us(100000);
	}
	atomic_store(&run.stop, true);
	for (i = 0; i < n_clients; i++)
		stress_client_join(clients[i]);
	return 0;
}

static void gather(struct outcome *o)
{
	int i, p;

	for (i = 0; i < n_clients; i++) {
		struct stress_client *c = clients[i];
		char which[sizeof(o->slowest[0])];
		uint64_t us;
		int k;

		for (p = 0; p < PHASE__COUNT; p++)
			stress_counts_merge(&o->ph[p], stress_client_counts(c, p));
		o->recovered += stress_client_recovered(c);
		for (k = 0; k < 2; k++) {
			us = stress_client_slowest(c, k, which, sizeof(which));
			if (us > o->max_call[k]) {
				o->max_call[k] = us;
				memcpy(o->slowest[k], which, sizeof(which));
			}
		}
	}
	for (p = 0; p < PHASE__COUNT; p++)
		stress_counts_merge(&o->all, &o->ph[p]);
	o->all.hostile = o->hostile;
	o->lost = verify(&o->checked);
}

static void verdicts(const struct outcome *o)
{
	const struct stress_counts *ph = o->ph, *all = &o->all;

	tap(all->errors == 0,
	    "well-behaved clients saw no errors (%llu in %llu requests)",
	    (unsigned long long)all->errors,
	    (unsigned long long)all->requests);
	tap(ph[PHASE_MAIN].requests > 0 && ph[PHASE_AFTER].requests > 0 &&
	    (opt.baseline <= 0 || ph[PHASE_BASE].requests > 0),
	    "requests served in every phase (%llu before, %llu during, %llu after)",
	    (unsigned long long)ph[PHASE_BASE].requests,
	    (unsigned long long)ph[PHASE_MAIN].requests,
	    (unsigned long long)ph[PHASE_AFTER].requests);
	if (opt.abuse && opt.baseline > 0 && opt.p99_factor > 0) {
		uint64_t base = stress_hist_pct(&ph[PHASE_BASE].lat, 99);
		uint64_t p99 = stress_hist_pct(&ph[PHASE_MAIN].lat, 99);
		uint64_t bound = base * opt.p99_factor;

		if (bound < opt.p99_floor_ms * 1000)
			bound = opt.p99_floor_ms * 1000;
		tap(p99 <= bound,
		    "p99 with abusers %llu us <= max(%g x baseline p99 %llu us, %g ms) = %llu us",
		    (unsigned long long)p99, opt.p99_factor,
		    (unsigned long long)base, opt.p99_floor_ms,
		    (unsigned long long)bound);
	}
	if (opt.abuse)
		tap(o->hostile > 0,
		    "hostile inputs sent: %llu (%llu connections refused at a limit)",
		    (unsigned long long)o->hostile,
		    (unsigned long long)o->refused);
	/* Across a fault the daemon or its dumps differ: abuse only. */
	if (opt.pid_file && !opt.fault)
		tap(o->fd_base > 0 && o->fd_after > 0 &&
		    o->fd_after <= o->fd_base,
		    "nlipcd's file descriptors back to the baseline (%d, at most %d meanwhile, %d after)",
		    o->fd_base, o->fd_peak, o->fd_after);
	if (opt.fault) {
		tap(o->fault_rc == 0, "the fault command succeeded (status %d)",
		    o->fault_rc);
		tap(all->outage > 0,
		    "the fault reached the clients (%llu clean failures)",
		    (unsigned long long)all->outage);
		tap(o->recovered == (unsigned int)n_clients,
		    "every client came back after the fault (%u of %d)",
		    o->recovered, n_clients);
	}
	/*
	 * A call ends within its timeout, a listing within one per pass;
	 * twice that (TCG) is hung.
	 */
	tap(o->max_call[0] <= (uint64_t)run.timeout_ms * 2000,
	    "no request hung (longest %.1f ms, %s; timeout %d ms)",
	    o->max_call[0] / 1e3, o->slowest[0], run.timeout_ms);
	if (o->all.lists)
		tap(o->max_call[1] <= (uint64_t)run.timeout_ms * 2000 *
		    STRESS_DUMP_PASSES,
		    "no listing hung (longest %.1f ms, %s; timeout %d ms a pass, %d passes)",
		    o->max_call[1] / 1e3, o->slowest[1], run.timeout_ms,
		    STRESS_DUMP_PASSES);
	tap(all->busy * 2 <= all->lists,
	    "most listings settled (%llu of %llu gave up racing writers)",
	    (unsigned long long)all->busy, (unsigned long long)all->lists);
	tap(o->lost == 0, "no acknowledged write lost (%u keys read back%s)",
	    o->checked, run.outage && !run.store_survives ?
	    ", those written after the fault" : "");
}

/* One line of figures, key=value, for the scripts and summary.py. */
static void figures(const struct outcome *o)
{
	const struct stress_counts *main_ph = &o->ph[PHASE_MAIN];
	const struct stress_counts *all = &o->all;

	printf("# load: duration_s=%.1f requests=%llu hostile=%llu errors=%llu lost=%d",
	       o->secs, (unsigned long long)all->requests,
	       (unsigned long long)o->hostile,
	       (unsigned long long)all->errors, o->lost < 0 ? 1 : o->lost);
	printf(" p50_us=%llu p99_us=%llu max_us=%llu base_p99_us=%llu",
	       (unsigned long long)stress_hist_pct(&main_ph->lat, 50),
	       (unsigned long long)stress_hist_pct(&main_ph->lat, 99),
	       (unsigned long long)main_ph->lat.max,
	       (unsigned long long)stress_hist_pct(&o->ph[PHASE_BASE].lat, 99));
	printf(" outage=%llu events=%llu overruns=%llu refused=%llu lists=%llu busy=%llu",
	       (unsigned long long)all->outage,
	       (unsigned long long)all->events,
	       (unsigned long long)all->overruns,
	       (unsigned long long)o->refused,
	       (unsigned long long)all->lists, (unsigned long long)all->busy);
	printf(" fds=%d/%d/%d\n", o->fd_base, o->fd_peak, o->fd_after);
}

int main(int argc, char **argv)
{
	struct outcome *o = calloc(1, sizeof(*o));
	struct rlimit rl;
	int i;

	if (!o || parse_args(argc, argv))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The abusers hold hundreds of sockets. */
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	o->fd_base = o->fd_peak = o->fd_after = -1;
	run.t0_us = stress_now_us();

	if (start_clients()) {
		printf("Bail out! the well-behaved clients could not connect\n");
		return 1;
	}
	if (run_phases(o)) {
		printf("Bail out! the abusers could not reach nlipcd\n");
		return 1;
	}
	o->secs = (stress_now_us() - run.t0_us) / 1e6;
	gather(o);
	verdicts(o);
	figures(o);
	printf("1..%d\n", tests);

	for (i = 0; i < n_clients; i++)
		stress_client_free(clients[i]);
	free(o);
	return failures ? 1 : 0;
}
