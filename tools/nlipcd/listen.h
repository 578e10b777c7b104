/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Listening sockets (listen.c), each of one kind (kind.h).
 */
#ifndef _NLIPCD_LISTEN_H
#define _NLIPCD_LISTEN_H

#include "loop.h"

struct nlipcd_kind_ops;

/* ------------------------------------------------------------------ */
/* Listeners (listen.c)                                                 */
/* ------------------------------------------------------------------ */

enum nlipcd_kind {
	NLIPCD_STREAM,		/* AF_UNIX stream, TCP */
	NLIPCD_SEQPACKET,	/* AF_UNIX seqpacket */
	NLIPCD_DGRAM,		/* AF_UNIX dgram: one socket, many peers */
	NLIPCD_UDP,		/* UDP: one socket, many peers */
	NLIPCD_TLS,		/* TCP with TLS */
};

struct nlipcd_listener {
	struct nlipcd_watch w;
	struct nlipcd_listener *next;
	char name[160];		/* the URL, for logs */
	const struct nlipcd_kind_ops *ops;	/* its kind's (kind.h) */
	char path[112];		/* socket file to remove at exit, or "" */
	dev_t dev;		/* ... if it is still this one */
	ino_t sock_ino;		/* the socket's, as sock_diag names it */
	ino_t ino;
	int family;		/* AF_UNIX, AF_INET, AF_INET6 */
	bool activated;		/* from LISTEN_FDS: systemd owns the file */
};

int nlipcd_listen_check(const char *url);
int nlipcd_listen_url(struct nlipcd *d, const char *url);
int nlipcd_listen_activated(struct nlipcd *d);
void nlipcd_listen_close_all(struct nlipcd *d);
void nlipcd_listen_pause(struct nlipcd *d, bool pause);

#endif /* _NLIPCD_LISTEN_H */
