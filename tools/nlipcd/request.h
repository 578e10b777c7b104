/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The request core (request.c, frame.c) and the controller (ctrl.c).
 */
#ifndef _NLIPCD_REQUEST_H
#define _NLIPCD_REQUEST_H

#include "reply.h"

/* ------------------------------------------------------------------ */
/* Requests (request.c): the genetlink core's checks, then a backend    */
/* ------------------------------------------------------------------ */

void nlipcd_request_handle(struct nlipcd_client *c, const struct nlmsghdr *nlh);
int nlipcd_request_error(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			 int err, const char *msg);
void nlipcd_request_ack(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			int err, const struct nlipcd_extack *ext);
int nlipcd_genl_header_check(const struct nlmsghdr *nlh,
			     struct nlipcd_extack *ext);
bool nlipcd_uid_allowed(const struct nlipcd *d, uid_t uid);

/* Why dumps (and so getfamily and getpolicy dumps) are refused on UDP. */
extern const char nlipcd_udp_dump_refused[];

/* ------------------------------------------------------------------ */
/* The controller (ctrl.c)                                              */
/* ------------------------------------------------------------------ */

void nlipcd_ctrl_handle(struct nlipcd_client *c, const struct nlmsghdr *nlh);

#endif /* _NLIPCD_REQUEST_H */
