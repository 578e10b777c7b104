// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The service manager's notification protocol (sd_notify(3)): READY=1
 * once the listeners and the backend are up, STATUS= lines, WATCHDOG=1
 * while the loop turns, STOPPING=1 on the way out.
 *
 * Written here rather than linked from libsystemd: the protocol is one
 * datagram of text to $NOTIFY_SOCKET, documented as stable for programs
 * to speak themselves (as listen.c already does for LISTEN_FDS), and a
 * daemon that faces the network is better without libsystemd's
 * dependencies (compression and crypto libraries it never calls).
 *
 * The socket is connected at start, before privileges are dropped; the
 * pings come from a timer in the loop, so a loop that hangs stops them
 * and the manager's watchdog restarts the service.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>

#include "backend.h"
#include "listen.h"
#include "loop.h"
#include "nlipcd.h"
#include "privilege.h"

/* STATUS= is refreshed this often when there is no watchdog to ping. */
#define STATUS_PERIOD_MS	5000

static struct {
	struct nlipcd_watch w;
	int fd;			/* connected to $NOTIFY_SOCKET, or -1 */
	bool watchdog;
	unsigned int last_clients;
	bool ready;
} n = { .fd = -1 };

static void notify_send(const char *text)
{
	if (n.fd >= 0 && send(n.fd, text, strlen(text), MSG_NOSIGNAL) < 0)
		nlipcd_debug("NOTIFY_SOCKET: %s", strerror(errno));
}

static void notify_status(struct nlipcd *d, bool ready)
{
	struct nlipcd_listener *lis;
	unsigned int listeners = 0;
	char text[160];

	for (lis = d->listeners; lis; lis = lis->next)
		listeners++;
	snprintf(text, sizeof(text),
		 "%sSTATUS=%u client%s on %u listener%s, %s backend",
		 ready ? "READY=1\n" : "", d->n_clients,
		 d->n_clients == 1 ? "" : "s", listeners,
		 listeners == 1 ? "" : "s", d->backend->name);
	notify_send(text);
	n.last_clients = d->n_clients;
}

static void timer_handle(struct nlipcd *d, struct nlipcd_watch *w,
			 uint32_t events)
{
	uint64_t ticks;

	if (read(w->fd, &ticks, sizeof(ticks)) != sizeof(ticks))
		return;
	if (n.watchdog)
		notify_send("WATCHDOG=1");
	if (n.ready && d->n_clients != n.last_clients)
		notify_status(d, false);
}

/* $WATCHDOG_USEC, if the watchdog is meant for us; else 0. */
static uint64_t watchdog_usec(void)
{
	const char *usec = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");
	char *end;
	uint64_t v;

	if (!usec)
		return 0;
	if (pid && strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	v = strtoull(usec, &end, 10);
	return *end ? 0 : v;
}

static int notify_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	int fd;

	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sun.sun_path))
		return -EINVAL;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun,
		    offsetof(struct sockaddr_un, sun_path) + len +
		    (path[0] == '/'))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/**
 * nlipcd_notify_init - connect to the service manager, if there is one
 * @d: the daemon, its loop set up
 *
 * Nothing to do without $NOTIFY_SOCKET. A socket that cannot be reached
 * is logged and otherwise ignored: the manager will time the start out.
 * Returns 0, or a negative errno if the timer cannot be set up.
 */
int nlipcd_notify_init(struct nlipcd *d)
{
	const char *path = getenv("NOTIFY_SOCKET");
	uint64_t usec = watchdog_usec(), ms;
	struct itimerspec its = { 0 };
	int fd, err;

	/* Not for the programs we might start: there are none, but still. */
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	if (!path)
		return 0;
	n.fd = notify_connect(path);
	unsetenv("NOTIFY_SOCKET");
	if (n.fd < 0) {
		nlipcd_warn("NOTIFY_SOCKET %s: %s", path, strerror(-n.fd));
		return 0;
	}
	/* The manager's advice: ping at half the watchdog's timeout. */
	n.watchdog = usec > 0;
	ms = n.watchdog ? usec / 2000 : STATUS_PERIOD_MS;
	if (!ms)
		ms = 1;
	if (ms > STATUS_PERIOD_MS)
		ms = STATUS_PERIOD_MS;
	its.it_interval.tv_sec = ms / 1000;
	its.it_interval.tv_nsec = (ms % 1000) * 1000000;
	its.it_value = its.it_interval;
	n.w.handle = timer_handle;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		goto err_close_socket;
	if (timerfd_settime(fd, 0, &its, NULL) ||
	    nlipcd_watch_add(d, &n.w, fd, EPOLLIN))
		goto err_close_timer;
	if (n.watchdog)
		nlipcd_debug("watchdog: pinging every %llu ms",
			     (unsigned long long)ms);
	return 0;

err_close_timer:
	close(fd);
err_close_socket:
	err = -errno;
	close(n.fd);
	n.fd = -1;
	return err;
}

/* The listeners and the backend are up: tell the manager, with a status. */
void nlipcd_notify_ready(struct nlipcd *d)
{
	n.ready = true;
	notify_status(d, true);
}

void nlipcd_notify_stopping(void)
{
	notify_send("STOPPING=1");
}

void nlipcd_notify_uninit(struct nlipcd *d)
{
	if (n.fd < 0)
		return;
	nlipcd_watch_del(d, &n.w);
	close(n.w.fd);
	close(n.fd);
	n.fd = -1;
}
