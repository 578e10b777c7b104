/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clients: one per connection, or per peer address on a datagram socket.
 * Their life, queues and idleness (client.c), the indexes that find them
 * (index.c), their input (frame.c) and their admission (admit.c). What
 * differs by kind of socket is in kind.h.
 */
#ifndef _NLIPCD_CLIENT_H
#define _NLIPCD_CLIENT_H

#include "listen.h"
#include "reply.h"

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

/*
 * A dump being answered, by whoever started it (a backend, or the bridge
 * of other families): how the loop goes on with it once the client's
 * queue has room again, and how it is dropped when the client goes. The
 * owner embeds it in its own state and clears c->dump when it ends.
 */
struct nlipcd_dump {
	void (*resume)(struct nlipcd_client *c);
	void (*free)(struct nlipcd_client *c);
};

struct nlipcd_client {
	struct nlipcd_watch w;		/* own socket; unused for peers */
	struct nlipcd *d;
	struct nlipcd_listener *lis;
	struct nlipcd_list node;	/* in d->clients */
	struct nlipcd_list ready_node;	/* in d->ready */
	struct nlipcd_list retry_node;	/* in d->retry */
	struct nlipcd_list reap_node;	/* in d->reap */
	const struct nlipcd_kind_ops *ops;	/* its listener's kind's */
	int fd;				/* own socket, or the listener's */
	uint32_t portid;

	/* Who it is: the address answers go to, and the uid that counts. */
	struct {
		struct sockaddr_storage addr;	/* for datagram kinds */
		socklen_t addrlen;
		bool remote;			/* AF_INET/AF_INET6 */
		bool uid_known;
		uid_t uid;
		pid_t pid;
		const char *cert;		/* TLS: "sha256:HEX", or NULL */
		bool cert_may_write;		/* ... given with --allow-cert */
	} who;
	struct nlipcd_hnode portid_node;	/* in d->by_portid */
	struct nlipcd_hnode peer_node;	/* in d->by_peer */
	struct nlipcd_owner *owner;	/* what counts it, or NULL */
	char name[96];			/* for logs */

	/*
	 * Input: stream bytes, or whole datagrams waiting their turn. A
	 * stream reads into a buffer all share (borrowed) and keeps one of
	 * its own only for what is left over: a part of a message, or
	 * messages not yet taken.
	 */
	struct {
		unsigned char *buf;
		size_t off, len, cap;
		bool borrowed;
		struct nlipcd_buf **pending;
		unsigned int n_pending;
		bool order_checked;	/* first message's byte order */
		bool reading;		/* EPOLLIN wanted */
		bool eof;		/* the peer shut its side down */
	} in;

	/* Output: buffers queued, and how many bytes they hold. */
	struct {
		struct nlipcd_txe *head, *tail;
		size_t bytes;
		bool corked;		/* a turn is taking requests: send at its end */
	} tx;
	size_t kernel_bytes;		/* dgram: sent, perhaps not yet read */
	unsigned int seen;		/* dgram: alive in this sock_diag round */
	bool overrun;			/* notifications dropped: marker owed */
	bool closing;			/* flush what is queued, then close */
	bool dead;			/* nothing more is sent either */
	uint64_t closing_deadline;

	unsigned int groups;		/* bit per NLIPCD_GRP_* joined */
	unsigned int inflight;		/* requests the backend still owes */
	struct nlipcd_dump *dump;	/* the dump in progress */
	uint64_t last_rx_ms;
	uint64_t setup_deadline;	/* handshake (TLS) due by, or 0 */
	void *kind_priv;		/* the kind's own state (TLS) */

	/* UDP: answers by sequence number, and the request being answered. */
	struct {
		struct nlipcd_udp_cache *cache;
		struct nlmsghdr req;
		size_t budget;	/* what its answer may still take */
	} udp;
};

static inline struct nlipcd_client *nlipcd_client_of(struct nlipcd_list *l)
{
	return nlipcd_container_of(l, struct nlipcd_client, node);
}

/* client.c */
struct nlipcd_client *nlipcd_client_new(struct nlipcd *d,
					struct nlipcd_listener *lis, int fd,
					const struct sockaddr *addr,
					socklen_t addrlen);
void nlipcd_client_close(struct nlipcd_client *c, const char *why);
void nlipcd_client_abort(struct nlipcd_client *c, const char *why);
void nlipcd_client_describe(struct nlipcd_client *c);
bool nlipcd_client_same_host(const struct sockaddr_storage *a,
			     const struct sockaddr_storage *b);
int nlipcd_client_queue(struct nlipcd_client *c, struct nlipcd_buf *b);
int nlipcd_client_send_reply(struct nlipcd_client *c, struct nlipcd_reply *r);
void nlipcd_client_flush(struct nlipcd_client *c);
void nlipcd_client_flush_datagrams(struct nlipcd_client *c);
void nlipcd_client_tx_pop(struct nlipcd_client *c);
void nlipcd_client_notify(struct nlipcd *d, unsigned int group,
			  struct nlipcd_buf *b);
void nlipcd_client_overrun_group(struct nlipcd *d, unsigned int group);
void nlipcd_client_overrun_all(struct nlipcd *d);
bool nlipcd_client_room(const struct nlipcd_client *c);
bool nlipcd_client_can_take(const struct nlipcd_client *c);
bool nlipcd_client_has_message(const struct nlipcd_client *c);
bool nlipcd_client_buffered_message(const struct nlipcd_client *c);
void nlipcd_client_schedule(struct nlipcd_client *c);
void nlipcd_client_update(struct nlipcd_client *c);
void nlipcd_client_kick(struct nlipcd_client *c);
void nlipcd_client_run_ready(struct nlipcd *d);
void nlipcd_client_retry(struct nlipcd *d);
int nlipcd_client_retry_timeout(struct nlipcd *d, int max);
void nlipcd_client_sweep(struct nlipcd *d, uint64_t now);
void nlipcd_client_reap(struct nlipcd *d);
void nlipcd_client_free_all(struct nlipcd *d);

/* Dump pacing: the next round is made once the queue is this short. */
#define NLIPCD_DUMP_LOW_WATER	(64 * 1024)

/* index.c */
int nlipcd_index_init(struct nlipcd *d);
void nlipcd_index_uninit(struct nlipcd *d);
void nlipcd_index_add(struct nlipcd_client *c);
void nlipcd_index_del(struct nlipcd_client *c);
void nlipcd_client_recount(struct nlipcd_client *c);
unsigned int nlipcd_client_count_uid(struct nlipcd *d, bool peer,
				     bool remote, uid_t uid,
				     const struct sockaddr_storage *addr);
struct nlipcd_client *nlipcd_client_find(struct nlipcd *d, uint32_t portid);
struct nlipcd_client *nlipcd_client_find_peer(struct nlipcd *d,
					      struct nlipcd_listener *lis,
					      const struct sockaddr_storage *a,
					      socklen_t alen);

/* frame.c */
void nlipcd_client_handle(struct nlipcd *d, struct nlipcd_watch *w,
			  uint32_t events);
void nlipcd_client_take_input(struct nlipcd_client *c);
void nlipcd_client_take_datagram(struct nlipcd_client *c,
				 const unsigned char *data, size_t len,
				 bool truncated);
bool nlipcd_client_take_pending(struct nlipcd_client *c);
bool nlipcd_client_order_bad(struct nlipcd_client *c,
			     const struct nlmsghdr *nlh, size_t max);

/* admit.c */
int nlipcd_admit_init(struct nlipcd *d);
void nlipcd_shut_drained(int fd);
void nlipcd_client_accept(struct nlipcd *d, struct nlipcd_listener *lis);
void nlipcd_client_datagram(struct nlipcd *d, struct nlipcd_listener *lis);

#endif /* _NLIPCD_CLIENT_H */
