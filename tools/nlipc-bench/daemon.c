// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipcd for the libnlipc paths over sockets: one daemon with the user
 * backend listening on every socket family at once, and, where the module
 * is loaded, one with the kernel backend on TCP for the bridged path. Each
 * is started in the foreground ("nlipcd --quiet --backend B URL..."),
 * waited for until it answers, and stopped with SIGTERM at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <nlipc/nlipc.h>

#include "bench.h"

#define DAEMON_READY_MS		5000
#define DAEMON_MAX_ARGS		24

/**
 * daemon_find - the nlipcd to start
 * @given: --daemon-path, or NULL
 * @buf: room for the path found
 * @len: its size
 *
 * Without @given, looks next to this program: in the same folder (an
 * installed bin/), ../sbin (installed), ../nlipcd/ and ../../nlipcd/ (the
 * build tree, where libtool keeps the real binary in .libs/). Returns the
 * path, or NULL.
 */
const char *daemon_find(const char *given, char *buf, size_t len)
{
	static const char *const near[] = {
		"nlipcd", "../sbin/nlipcd", "../nlipcd/nlipcd",
		"../../nlipcd/nlipcd",
	};
	char self[4096], *dir;
	ssize_t n;
	size_t i;

	if (given) {
		snprintf(buf, len, "%s", given);
		return access(buf, X_OK) ? NULL : buf;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = 0;
	dir = dirname(self);
	for (i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
		snprintf(buf, len, "%s/%s", dir, near[i]);
		if (access(buf, X_OK))
			continue;
		if (realpath(buf, self) && strlen(self) < len)
			strcpy(buf, self);
		return buf;
	}
	return NULL;
}

/* The socket file nlipcd listens on for AF_UNIX sockets of @type. */
const char *daemon_unix_name(int type)
{
	switch (type) {
	case SOCK_SEQPACKET:
		return "nlipcd-seq.sock";
	case SOCK_DGRAM:
		return "nlipcd-dgram.sock";
	}
	return "nlipcd.sock";
}

/* A port free for both TCP and UDP on the loopback addresses. */
static uint16_t free_port(void)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(sin);
	int tries, fd, ufd;
	uint16_t port = 0;

	for (tries = 0; tries < 20 && !port; tries++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return 0;
		sin.sin_port = 0;
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
		    getsockname(fd, (struct sockaddr *)&sin, &len)) {
			close(fd);
			return 0;
		}
		ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (ufd >= 0 && !bind(ufd, (struct sockaddr *)&sin, sizeof(sin)))
			port = ntohs(sin.sin_port);
		if (ufd >= 0)
			close(ufd);
		close(fd);
	}
	return port;
}

/* The last line nlipcd wrote to its log, for the reason it is not up. */
static void log_tail(const char *log, char *out, size_t len)
{
	char line[256] = "";
	FILE *f = fopen(log, "re");

	out[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n')
			snprintf(out, len, "%s", line);
	fclose(f);
	out[strcspn(out, "\n")] = 0;
}

static void daemon_run(struct bench_daemon *dm, const char *path,
		       const char *log, char *const argv[], const char *probe,
		       int pin)
{
	struct nlipc_error e;
	struct nlipc *ep;
	char tail[160];
	int fd, status, waited;

	dm->pid = fork();
	if (dm->pid < 0) {
		snprintf(dm->why, sizeof(dm->why), "fork: %s", strerror(errno));
		dm->pid = 0;
		return;
	}
	if (!dm->pid) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			dup2(fd, STDIN_FILENO);
		execv(path, argv);
		fprintf(stderr, "cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	bench_pin(dm->pid, pin);
	for (waited = 0; waited < DAEMON_READY_MS; waited += 50) {
		if (waitpid(dm->pid, &status, WNOHANG) == dm->pid) {
			log_tail(log, tail, sizeof(tail));
			snprintf(dm->why, sizeof(dm->why),
				 "nlipcd exited (status %d)%s%s",
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1,
				 tail[0] ? ": " : "", tail);
			dm->pid = 0;
			return;
		}
		if (!nlipc_open_timeout(&ep, probe, 200, &e)) {
			nlipc_close(ep);
			return;
		}
		usleep(50000);
	}
	nlipc_strerror(&e, tail, sizeof(tail));
	snprintf(dm->why, sizeof(dm->why),
		 "nlipcd did not answer at %s within %d ms: %s", probe,
		 DAEMON_READY_MS, tail);
	kill(dm->pid, SIGKILL);
	waitpid(dm->pid, &status, 0);
	dm->pid = 0;
}

/**
 * daemons_start - start the nlipcd instances the lib paths need
 * @d: d->dir set (socket files and logs go there); filled
 * @path: nlipcd, or NULL if none was found
 * @module: the module is loaded (for the kernel backend)
 * @want_kernel: the bridge family is selected
 * @pin: CPU for the daemons, -1 for none
 *
 * A daemon that cannot be started leaves its reason in why.
 */
void daemons_start(struct bench_daemons *d, const char *path, bool module,
		   bool want_kernel, int pin)
{
	char urls[7][160], log[96], probe[64];
	char *argv[DAEMON_MAX_ARGS];
	int argc = 0, i;

	snprintf(d->path, sizeof(d->path), "%s", path ? path : "");
	d->ipv6 = sock_ipv6_usable();
	if (!path) {
		snprintf(d->user.why, sizeof(d->user.why),
			 "nlipcd not found next to nlipc-bench (give --daemon-path)");
		snprintf(d->kernel.why, sizeof(d->kernel.why), "%s",
			 d->user.why);
		return;
	}

	d->user_port = free_port();
	snprintf(urls[0], sizeof(urls[0]), "unix:%s/%s", d->dir,
		 daemon_unix_name(SOCK_STREAM));
	snprintf(urls[1], sizeof(urls[1]), "unix+seqpacket:%s/%s", d->dir,
		 daemon_unix_name(SOCK_SEQPACKET));
	snprintf(urls[2], sizeof(urls[2]), "unix+dgram:%s/%s", d->dir,
		 daemon_unix_name(SOCK_DGRAM));
	snprintf(urls[3], sizeof(urls[3]), "tcp://127.0.0.1:%u", d->user_port);
	snprintf(urls[4], sizeof(urls[4]), "udp://127.0.0.1:%u", d->user_port);
	snprintf(urls[5], sizeof(urls[5]), "tcp://[::1]:%u", d->user_port);
	snprintf(urls[6], sizeof(urls[6]), "udp://[::1]:%u", d->user_port);
	argv[argc++] = (char *)path;
	argv[argc++] = "--quiet";
	argv[argc++] = "--backend";
	argv[argc++] = "user";
	for (i = 0; i < (d->ipv6 ? 7 : 5); i++)
		argv[argc++] = urls[i];
	argv[argc] = NULL;
	snprintf(log, sizeof(log), "%s/nlipcd-user.log", d->dir);
	daemon_run(&d->user, path, log, argv, urls[3], pin);

	if (!want_kernel)
		return;
	if (!module) {
		snprintf(d->kernel.why, sizeof(d->kernel.why),
			 "module not loaded (run inside nlipc-vm)");
		return;
	}
	d->kernel_port = free_port();
	snprintf(probe, sizeof(probe), "tcp://127.0.0.1:%u", d->kernel_port);
	argc = 0;
	argv[argc++] = (char *)path;
	argv[argc++] = "--quiet";
	argv[argc++] = "--backend";
	argv[argc++] = "kernel";
	argv[argc++] = probe;
	argv[argc] = NULL;
	snprintf(log, sizeof(log), "%s/nlipcd-kernel.log", d->dir);
	daemon_run(&d->kernel, path, log, argv, probe, pin);
}

static void daemon_stop(struct bench_daemon *dm)
{
	int status, i;

	if (!dm->pid)
		return;
	kill(dm->pid, SIGTERM);
	for (i = 0; i < 200; i++) {
		if (waitpid(dm->pid, &status, WNOHANG) == dm->pid)
			goto out;
		usleep(10000);
	}
	kill(dm->pid, SIGKILL);
	waitpid(dm->pid, &status, 0);
out:
	dm->pid = 0;
}

void daemons_stop(struct bench_daemons *d)
{
	daemon_stop(&d->user);
	daemon_stop(&d->kernel);
}
