/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The epoll loop (loop.c): what it watches, and its clock.
 */
#ifndef _NLIPCD_LOOP_H
#define _NLIPCD_LOOP_H

#include "nlipcd.h"

/* ------------------------------------------------------------------ */
/* The loop (loop.c)                                                    */
/* ------------------------------------------------------------------ */

/* Anything in the epoll set: the handler gets the ready events. */
struct nlipcd_watch {
	int fd;
	uint32_t events;	/* as last given to epoll */
	void (*handle)(struct nlipcd *d, struct nlipcd_watch *w,
		       uint32_t events);
};

int nlipcd_watch_add(struct nlipcd *d, struct nlipcd_watch *w, int fd,
		     uint32_t events);
int nlipcd_watch_set(struct nlipcd *d, struct nlipcd_watch *w,
		     uint32_t events);
void nlipcd_watch_del(struct nlipcd *d, struct nlipcd_watch *w);
uint64_t nlipcd_now_ms(void);
int nlipcd_loop_init(struct nlipcd *d);
int nlipcd_loop_turn(struct nlipcd *d, int timeout);
int nlipcd_loop_run(struct nlipcd *d);

#endif /* _NLIPCD_LOOP_H */
