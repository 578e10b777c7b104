/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Requests forwarded to the kernel, their answers rewritten for the
 * client (fwd.c): what the kernel backend does for the nlipc family and
 * the bridge (bridged.c) for the other families it serves.
 */
#ifndef _NLIPCD_FWD_H
#define _NLIPCD_FWD_H

#include <sys/types.h>

#include "loop.h"
#include "nlipcd.h"

/* Room for one datagram from the kernel, never truncated. */
#define NLIPCD_FWD_RX_SIZE	(256 * 1024)
/* Dump sockets kept for the next dumps once theirs ended cleanly. */
#define NLIPCD_FWD_SPARES	4

/*
 * Do requests share one socket: generic netlink runs a request in the
 * sender's sendmsg(), so once send() returns its answer is queued there
 * and is read at once; a do never waits. Dumps get a socket each.
 */
struct nlipcd_fwd {
	struct nlipcd *d;
	int fd;			/* do requests */
	uint32_t portid;	/* ... its port id */
	uint32_t seq;
	unsigned char *tx;	/* our copy of a request */
	unsigned char *rx;	/* a datagram from the kernel */
	int spare[NLIPCD_FWD_SPARES];	/* dump sockets, idle and empty */
	unsigned int n_spare;
};

int nlipcd_fwd_init(struct nlipcd *d, struct nlipcd_fwd *f);
void nlipcd_fwd_uninit(struct nlipcd_fwd *f);
int nlipcd_fwd_socket(uint32_t *portid);
int nlipcd_fwd_ntf_socket(void);
ssize_t nlipcd_fwd_recv(int fd, unsigned char *buf);

int nlipcd_fwd_getfamily(struct nlipcd_fwd *f, const char *name,
			 const struct nlmsghdr **reply);
int nlipcd_fwd_send(struct nlipcd_fwd *f, const struct nlmsghdr *nlh,
		    uint32_t *kseq);
void nlipcd_fwd_answer(struct nlipcd_fwd *f, struct nlipcd_client *c,
		       const struct nlmsghdr *nlh, uint32_t kseq);
void nlipcd_fwd_do(struct nlipcd_fwd *f, struct nlipcd_client *c,
		   const struct nlmsghdr *nlh);
void nlipcd_fwd_dump(struct nlipcd_fwd *f, struct nlipcd_client *c,
		     const struct nlmsghdr *nlh);

#endif /* _NLIPCD_FWD_H */
