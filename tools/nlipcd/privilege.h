/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Least privilege (privilege.c) and the service manager's notifications
 * (notify.c): what main.c calls around setting the daemon up.
 */
#ifndef _NLIPCD_PRIVILEGE_H
#define _NLIPCD_PRIVILEGE_H

struct nlipcd;

int nlipcd_priv_set_user(const char *arg);
int nlipcd_priv_drop(struct nlipcd *d);
unsigned int nlipcd_priv_warn_exposure(struct nlipcd *d);

int nlipcd_notify_init(struct nlipcd *d);
void nlipcd_notify_ready(struct nlipcd *d);
void nlipcd_notify_stopping(void);
void nlipcd_notify_uninit(struct nlipcd *d);

#endif /* _NLIPCD_PRIVILEGE_H */
