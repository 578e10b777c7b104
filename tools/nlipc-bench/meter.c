// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a run costs besides time: CPU time of the client and of the server
 * process (its CPU clock, read from outside, in ns), and their syscalls,
 * counted by the raw_syscalls:sys_enter tracepoint where perf events allow
 * it. The kernel side of netlink runs in the client's syscalls, so it is
 * in the client's CPU time.
 *
 * The tracepoint is never on while round trips are timed: a perf event on
 * sys_enter costs each syscall about 0.7 µs here (a 13.7 µs TCP round trip
 * of 4 syscalls took 16.4 µs with it), so syscalls are traced in a pass
 * of their own after the timed window.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "bench.h"

static const char *const tracefs[] = {
	"/sys/kernel/tracing/events/raw_syscalls/sys_enter/id",
	"/sys/kernel/debug/tracing/events/raw_syscalls/sys_enter/id",
};

/* The tracepoint's id, -1 where it cannot be read. Cached. */
static long tracepoint_id(void)
{
	static long id = -2;
	size_t i;

	for (i = 0; id == -2 && i < sizeof(tracefs) / sizeof(tracefs[0]); i++) {
		FILE *f = fopen(tracefs[i], "re");

		if (!f)
			continue;
		if (fscanf(f, "%ld", &id) != 1)
			id = -2;
		fclose(f);
	}
	if (id == -2)
		id = -1;
	return id;
}

static int perf_open(pid_t pid)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.disabled = 1,
		.exclude_hv = 1,
	};
	long id = tracepoint_id();

	if (id < 0)
		return -1;
	attr.config = id;
	return (int)syscall(SYS_perf_event_open, &attr, pid, -1, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

static double clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts))
		return NAN;
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

double meter_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* How syscalls are counted on this machine, for the report. */
const char *meter_describe(void)
{
	int fd = perf_open(0);

	if (fd < 0)
		return "by construction in the raw loops (no access to the raw_syscalls tracepoint)";
	close(fd);
	return "traced (raw_syscalls:sys_enter) in an untimed pass after each run; stream mode: counted";
}

/**
 * meter_start - start the CPU clocks of the client (the caller) and @server
 * @m: the meter
 * @server: the server's pid, 0 for none (the kernel)
 */
void meter_start(struct meter *m, pid_t server)
{
	clockid_t cid;

	memset(m, 0, sizeof(*m));
	m->perf_client = m->perf_server = -1;
	m->has_server = server > 0;
	if (server > 0 && !clock_getcpuclockid(server, &cid)) {
		m->server_clock = true;
		m->server_clock_id = cid;
		m->cpu0_server = clock_ns(cid);
	}
	m->cpu0_client = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

/**
 * meter_stop - the CPU time the client and the server spent since start
 * @m: the meter
 *
 * Returns ns, NAN if the server's clock could not be read.
 */
double meter_stop(struct meter *m)
{
	double cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - m->cpu0_client;

	if (m->server_clock)
		return cpu + clock_ns(m->server_clock_id) - m->cpu0_server;
	return m->has_server ? NAN : cpu;
}

/**
 * meter_trace_start - count the syscalls of the client and @server
 * @m: the meter
 * @server: the server's pid, 0 for none (the kernel)
 *
 * Returns 0, or -1 where the tracepoint cannot be used (for either).
 */
int meter_trace_start(struct meter *m, pid_t server)
{
	m->perf_client = perf_open(0);
	m->perf_server = server > 0 ? perf_open(server) : -1;
	if (m->perf_client < 0 || (server > 0 && m->perf_server < 0)) {
		if (m->perf_client >= 0)
			close(m->perf_client);
		if (m->perf_server >= 0)
			close(m->perf_server);
		m->perf_client = m->perf_server = -1;
		return -1;
	}
	if (m->perf_server >= 0)
		ioctl(m->perf_server, PERF_EVENT_IOC_ENABLE, 0);
	ioctl(m->perf_client, PERF_EVENT_IOC_ENABLE, 0);
	return 0;
}

static double perf_take(int fd)
{
	uint64_t v;

	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		v = 0;
	close(fd);
	return (double)v;
}

/* The syscalls counted since meter_trace_start(), client + server. */
double meter_trace_stop(struct meter *m)
{
	/* Less the client's disable ioctl, counted as it enters. */
	double n = perf_take(m->perf_client) - 1;

	if (m->perf_server >= 0)
		n += perf_take(m->perf_server);
	m->perf_client = m->perf_server = -1;
	return n;
}
