// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --idle-clients N: what many quiet clients cost nlipcd (user backend,
 * default limits). N TCP connections each resolve the family, as any
 * client's first exchange, then stay silent. Printed: the daemon's CPU
 * time per admission (first and last thousand: flat if no step scans the
 * clients), its RSS per idle connection, and one active client's ping RTT
 * without and with them.
 *
 * The connections come from 127.0.0.2 upwards, IDLE_PER_ADDR each, as
 * from many hosts: the per-address limit protects others from one host,
 * and is not what is measured.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <nlipc/nlipc.h>

#include "bench.h"

#define IDLE_PER_ADDR	1000
#define IDLE_STEP	1000	/* admissions per CPU sample */
#define IDLE_SETTLE_US	500000	/* the last answers flushed */
#define ACTIVE_PINGS	2000
#define ACTIVE_WARMUP	200

/* The daemon's user + system CPU time, in seconds; < 0 if unreadable. */
static double proc_cpu(pid_t pid)
{
	unsigned long ut, st;
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* After the command's closing parenthesis: fields 3 onwards. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / sysconf(_SC_CLK_TCK);
}

/* VmRSS in KiB, or 0. */
static unsigned long proc_rss_kib(pid_t pid)
{
	char path[64], line[256];
	unsigned long kib = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lu kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* One idle client: connected from @src, the family resolved. */
static int idle_open(uint16_t port, uint32_t src)
{
	struct sockaddr_in from = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(src) };
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { .tv_sec = 5 };
	uint16_t id;
	int fd, err;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&from, sizeof(from)) ||
	    connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		err = -errno;
		close(fd);
		return err;
	}
	err = netlink_ctrl_resolve(fd, IO_SOCK, false, 0, "nlipc", &id);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* p50 and p99 of @n pings of 16 bytes through libnlipc, in µs. */
static int active_rtt(struct nlipc *ep, double *p50, double *p99)
{
	static double rtt[ACTIVE_PINGS];
	unsigned char payload[16] = { 0 };
	struct nlipc_ping ping = { .payload = payload, .len = sizeof(payload) };
	struct bench_stats s;
	unsigned int i;
	double t;

	for (i = 0; i < ACTIVE_WARMUP + ACTIVE_PINGS; i++) {
		t = now_us();
		if (nlipc_ping(ep, &ping))
			return -1;
		if (i >= ACTIVE_WARMUP)
			rtt[i - ACTIVE_WARMUP] = now_us() - t;
	}
	if (stats_summarize(rtt, ACTIVE_PINGS, 1, &s))
		return -1;
	*p50 = s.p50;
	*p99 = s.p99;
	return 0;
}

/* Room for @n descriptors of ours, as far as the hard limit goes. */
static void want_fds(unsigned long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= n)
		return;
	rl.rlim_cur = rl.rlim_max < n ? rl.rlim_max : n;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/**
 * idle_run - the --idle-clients measurement, printed to @out
 * @d: the daemons, the user one started
 * @n: how many idle clients
 * @out: where the section goes
 *
 * Returns 0, or 1 if it could not be made (said on stderr).
 */
int idle_run(const struct bench_daemons *d, unsigned int n, FILE *out)
{
	double cpu_step, first = 0, last = 0, t0, t_open;
	double p50[2], p99[2];
	unsigned long rss0, rss1;
	struct nlipc_error e;
	struct nlipc *ep;
	char url[128];
	unsigned int i, opened = 0;
	int *fds, fd = 0, ret = 1;

	if (!d->user.pid) {
		fprintf(stderr, "nlipc-bench: --idle-clients: nlipcd %s\n",
			d->user.why);
		return 1;
	}
	fds = calloc(n, sizeof(*fds));
	if (!fds)
		return 1;
	want_fds(n + 64);
	snprintf(url, sizeof(url), "unix:%s/%s", d->dir,
		 daemon_unix_name(SOCK_STREAM));
	if (nlipc_open(&ep, url, &e)) {
		fprintf(stderr, "nlipc-bench: --idle-clients: %s: %s\n", url,
			e.msg);
		free(fds);
		return 1;
	}
	if (active_rtt(ep, &p50[0], &p99[0]))
		goto out;
	rss0 = proc_rss_kib(d->user.pid);
	t0 = now_us();
	cpu_step = proc_cpu(d->user.pid);
	for (i = 0; i < n; i++) {
		fd = idle_open(d->user_port,
			       INADDR_LOOPBACK + 1 + i / IDLE_PER_ADDR);
		if (fd < 0)
			break;
		fds[opened++] = fd;
		if ((i + 1) % IDLE_STEP && i + 1 != n)
			continue;
		/* CPU per admission over the last step. */
		last = (proc_cpu(d->user.pid) - cpu_step) * 1e6 /
		       (i % IDLE_STEP + 1);
		if (i < IDLE_STEP)
			first = last;
		cpu_step = proc_cpu(d->user.pid);
	}
	t_open = now_us() - t0;
	if (fd < 0)
		fprintf(stderr, "nlipc-bench: --idle-clients: client %u: %s\n",
			opened + 1, strerror(-fd));
	usleep(IDLE_SETTLE_US);
	rss1 = proc_rss_kib(d->user.pid);
	if (active_rtt(ep, &p50[1], &p99[1]))
		goto out;

	fprintf(out, "idle clients: %u of %u TCP connections held open, each after resolving the family\n",
		opened, n);
	fprintf(out, "  nlipcd CPU per admission: %.1f µs (first %u), %.1f µs (last %u); %.1f µs wall each\n",
		first, opened < IDLE_STEP ? opened : IDLE_STEP, last,
		opened < IDLE_STEP ? opened : (opened - 1) % IDLE_STEP + 1,
		opened ? t_open / opened : 0);
	fprintf(out, "  nlipcd RSS: %lu KiB before, %lu KiB with them: %.2f KiB per idle connection\n",
		rss0, rss1, opened ? (double)((long)rss1 - (long)rss0) / opened : 0);
	fprintf(out, "  one active client (unix, ping 16 B, %u round trips): p50 %.1f / p99 %.1f µs without, p50 %.1f / p99 %.1f µs with them\n\n",
		ACTIVE_PINGS, p50[0], p99[0], p50[1], p99[1]);
	ret = opened == n ? 0 : 1;
out:
	if (ret && opened == n)
		fprintf(stderr, "nlipc-bench: --idle-clients: the active client's ping failed\n");
	nlipc_close(ep);
	while (opened)
		close(fds[--opened]);
	free(fds);
	return ret;
}
