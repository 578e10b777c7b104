/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What client.c, frame.c, admit.c and the kinds (conn.c, dgram.c, udp.c)
 * share about clients, beyond the API in nlipcd.h.
 */
#ifndef _NLIPCD_CLIENT_H
#define _NLIPCD_CLIENT_H

#include "nlipcd.h"

/* A buffer queued for a client, and how much of it is sent. */
struct nlipcd_txe {
	struct nlipcd_txe *next;
	struct nlipcd_buf *buf;
	size_t off;
};

/* A datagram waiting while its peer is busy, with who sent it. */
struct nlipcd_pending {
	uid_t uid;
	bool uid_known;
	size_t len;
	unsigned char data[];
};

/* client.c */
bool nlipcd_client_can_take(const struct nlipcd_client *c);
void nlipcd_client_describe(struct nlipcd_client *c);
struct nlipcd_client *nlipcd_client_find_peer(struct nlipcd *d,
					      struct nlipcd_listener *lis,
					      const struct sockaddr_storage *a,
					      socklen_t alen);
void nlipcd_client_abort(struct nlipcd_client *c, const char *why);
void nlipcd_client_schedule(struct nlipcd_client *c);
bool nlipcd_client_has_message(const struct nlipcd_client *c);
void nlipcd_client_update(struct nlipcd_client *c);
void nlipcd_client_reap(struct nlipcd *d);
void nlipcd_client_flush(struct nlipcd_client *c);
bool nlipcd_client_same_host(const struct sockaddr_storage *a,
			     const struct sockaddr_storage *b);
void nlipcd_client_tx_pop(struct nlipcd_client *c);
void nlipcd_client_flush_datagrams(struct nlipcd_client *c);

/* index.c */
int nlipcd_index_init(struct nlipcd *d);
void nlipcd_index_uninit(struct nlipcd *d);
void nlipcd_index_add(struct nlipcd_client *c);
void nlipcd_index_del(struct nlipcd_client *c);
void nlipcd_client_recount(struct nlipcd_client *c);

/* frame.c */
void nlipcd_client_take_datagram(struct nlipcd_client *c,
				 const unsigned char *data, size_t len,
				 bool truncated);
void nlipcd_client_take_input(struct nlipcd_client *c);
bool nlipcd_client_take_pending(struct nlipcd_client *c);
bool nlipcd_client_order_bad(struct nlipcd_client *c,
			     const struct nlmsghdr *nlh, size_t max);

#endif /* _NLIPCD_CLIENT_H */
