// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one epoll loop everything runs in: the clock, watches, and a turn
 * of the loop (events, then clients with work left, then the sweep).
 * main.c sets the daemon up and runs it; the fuzz targets in tests/fuzz/
 * turn the same loop over sockets they write to.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>

#include "client.h"
#include "loop.h"
#include "nlipcd.h"

/* Datagram peers need a new port id: the first the counter hands out. */
#define FIRST_PORTID	0x40000000

uint64_t nlipcd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nlipcd_watch_add(struct nlipcd *d, struct nlipcd_watch *w, int fd,
		     uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	w->fd = fd;
	w->events = events;
	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

int nlipcd_watch_set(struct nlipcd *d, struct nlipcd_watch *w,
		     uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	w->events = events;
	return epoll_ctl(d->epfd, EPOLL_CTL_MOD, w->fd, &ev) ? -errno : 0;
}

/*
 * Events of this turn still due to @w are dropped: a handler may delete a
 * watch and free its owner (a client forgotten to make room, its dump)
 * while the batch holds events for it.
 */
void nlipcd_watch_del(struct nlipcd *d, struct nlipcd_watch *w)
{
	int i;

	epoll_ctl(d->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	for (i = 0; i < d->batch_len; i++)
		if (d->batch[i].data.ptr == w)
			d->batch[i].data.ptr = NULL;
}

/**
 * nlipcd_loop_init - the loop's state, before any listener or backend
 * @d: the daemon, configured (limits, backend) by the caller
 *
 * Returns 0, or a negative errno if there is no epoll instance.
 */
int nlipcd_loop_init(struct nlipcd *d)
{
	int err;

	nlipcd_list_init(&d->clients);
	nlipcd_list_init(&d->ready);
	nlipcd_list_init(&d->retry);
	nlipcd_list_init(&d->reap);
	d->next_portid = FIRST_PORTID;
	d->diag_fd = -1;
	d->spare_fd = -1;
	d->start_ms = nlipcd_now_ms();
	err = nlipcd_index_init(d);
	if (err)
		return err;
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0) {
		err = -errno;
		nlipcd_index_uninit(d);
	}
	return err;
}

/**
 * nlipcd_loop_turn - one turn of the loop
 * @d: the daemon
 * @timeout: how long to wait for an event, in ms, as epoll_wait() takes it
 *
 * Handles the events, retries blocked datagram peers, gives the clients
 * with work left their turn, and once a second sweeps idle and closing
 * ones. Returns the number of events handled (0 if interrupted), or a
 * negative errno from epoll_wait().
 */
int nlipcd_loop_turn(struct nlipcd *d, int timeout)
{
	struct epoll_event ev[64];
	uint64_t now;
	int n, i;

	n = epoll_wait(d->epfd, ev, NLIPCD_ARRAY_SIZE(ev), timeout);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	d->batch = ev;
	d->batch_len = n;
	for (i = 0; i < n; i++) {
		struct nlipcd_watch *w = ev[i].data.ptr;

		if (w)		/* else deleted meanwhile */
			w->handle(d, w, ev[i].events);
	}
	d->batch_len = 0;
	nlipcd_client_retry(d);
	nlipcd_client_run_ready(d);
	now = nlipcd_now_ms();
	if (now >= d->next_sweep_ms) {
		nlipcd_client_sweep(d, now);
		d->next_sweep_ms = now + 1000;
	}
	return n;
}

/* Turns until d->stopping: returns 0, or epoll_wait()'s negative errno. */
int nlipcd_loop_run(struct nlipcd *d)
{
	int timeout, n;

	while (!d->stopping) {
		if (!nlipcd_list_empty(&d->ready))
			timeout = 0;
		else
			timeout = nlipcd_client_retry_timeout(d, 1000);
		n = nlipcd_loop_turn(d, timeout);
		if (n < 0) {
			nlipcd_err("epoll_wait: %s", strerror(-n));
			return n;
		}
	}
	return 0;
}
