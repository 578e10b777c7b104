/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What differs between the kinds of socket nlipcd serves, as one table of
 * operations each, the way lib/transport/ gives each transport its own:
 * connections (stream, seqpacket: conn.c) with a socket each, and peers
 * (AF_UNIX dgram: dgram.c, UDP: udp.c) sharing their listener's. The rest
 * of the daemon asks the table, never which kind it holds.
 *
 * Hooks may be NULL where a kind has nothing to do; every op runs on the
 * loop's thread and never blocks.
 */
#ifndef _NLIPCD_KIND_H
#define _NLIPCD_KIND_H

#include "client.h"

struct nlipcd_op;

struct nlipcd_kind_ops {
	/* How an AF_INET client of this kind is named in logs. */
	const char *inet_scheme;
	/*
	 * Peers: found by address on their listener's socket, which they
	 * share; never hang up. Else a connection with a socket of its own.
	 */
	bool peer;
	/*
	 * Datagrams may be lost (UDP): the client resends, so an answer that
	 * cannot be sent is dropped, a peer with answers queued may still be
	 * forgotten, and dumps and subscriptions are refused.
	 */
	bool lossy;
	/* SO_SNDBUF of an accepted connection. */
	int sndbuf;

	/* A new listening socket of this kind: its socket options. */
	void (*listen)(int fd);
	/* The listener is readable: accept connections, or read datagrams. */
	void (*ready)(struct nlipcd *d, struct nlipcd_listener *lis);
	/* Make room for a newcomer: forget peers gone or idle (admit.c). */
	void (*make_room)(struct nlipcd *d, struct nlipcd_listener *lis,
			  const struct sockaddr_storage *same, uint64_t spare);
	/* Forget peers whose socket is gone; how many. */
	unsigned int (*reap_gone)(struct nlipcd *d);

	/* A peer's port id, kept across its being forgotten; or NULL. */
	uint32_t (*portid)(const void *addr, socklen_t len);
	/* A new client: its own socket watched. 0 or a negative errno. */
	int (*init)(struct nlipcd_client *c);
	/* The client is freed: release what init() took. */
	void (*fini)(struct nlipcd_client *c);
	/*
	 * A connection not set up yet (TLS): take its next step on the ready
	 * @events; true while it is not done, the events all its own (it
	 * sets the watch itself), false once it is and on every later call.
	 */
	bool (*handshake)(struct nlipcd_client *c, uint32_t events);
	/* Input received but held below the socket (TLS records). */
	bool (*pending)(const struct nlipcd_client *c);
	/*
	 * A stream's bytes through something else than recv() and send():
	 * as those with MSG_DONTWAIT, but returning -errno (-EAGAIN: not
	 * now; 0 from recv: the peer's end).
	 */
	ssize_t (*recv)(struct nlipcd_client *c, void *buf, size_t len);
	ssize_t (*send)(struct nlipcd_client *c, const void *buf, size_t len);
	/* The client's own socket is readable. */
	void (*read)(struct nlipcd_client *c);
	/* Handle the next message waiting; false if there is none. */
	bool (*take)(struct nlipcd_client *c);
	/* Send what is queued, as far as the socket takes it. */
	void (*flush)(struct nlipcd_client *c);
	/* An AF_UNIX dgram peer's share of our socket (dgram.c). */
	bool (*may_send)(const struct nlipcd_client *c, size_t len);
	void (*sent)(struct nlipcd_client *c, size_t len);

	/* A repeat of a request already answered: answered again. */
	bool (*replay)(struct nlipcd_client *c, const void *dgram, size_t len);
	/* A request is taken, and is done with: what it is answered with. */
	void (*begin)(struct nlipcd_client *c, const void *dgram, size_t len);
	void (*end)(struct nlipcd_client *c);
	/* A request of the family, before a backend sees it: 0 or refused. */
	int (*check)(const struct nlmsghdr *nlh, const struct nlipcd_op *op,
		     struct nlipcd_extack *ext);
	/* Queue a finished answer, in place of nlipcd_client_queue(). */
	int (*reply)(struct nlipcd_client *c, struct nlipcd_reply *r);
	/* A buffer is queued. */
	void (*queued)(struct nlipcd_client *c, struct nlipcd_buf *b);
};

extern const struct nlipcd_kind_ops nlipcd_kind_stream;
extern const struct nlipcd_kind_ops nlipcd_kind_seqpacket;
extern const struct nlipcd_kind_ops nlipcd_kind_dgram;
extern const struct nlipcd_kind_ops nlipcd_kind_udp;
extern const struct nlipcd_kind_ops nlipcd_kind_tls;

const struct nlipcd_kind_ops *nlipcd_kind_ops(enum nlipcd_kind kind);

/* ------------------------------------------------------------------ */
/* Streams (conn.c), for the kinds built on them (TLS: tls.c)          */
/* ------------------------------------------------------------------ */

/* Accepted sockets: small send buffers, so our queue does the queueing. */
#define NLIPCD_CONN_SNDBUF	(64 * 1024)

void nlipcd_conn_read(struct nlipcd_client *c);
void nlipcd_conn_fill(struct nlipcd_client *c);
bool nlipcd_conn_take(struct nlipcd_client *c);
void nlipcd_conn_settle(struct nlipcd_client *c);
void nlipcd_conn_flush(struct nlipcd_client *c);

/* ------------------------------------------------------------------ */
/* AF_UNIX dgram peers (dgram.c)                                       */
/* ------------------------------------------------------------------ */

void nlipcd_dgram_refresh(struct nlipcd *d, uint64_t now);
unsigned int nlipcd_dgram_reap_gone(struct nlipcd *d);
void nlipcd_dgram_uninit(struct nlipcd *d);

/* ------------------------------------------------------------------ */
/* UDP answers by sequence number (udp.c)                               */
/* ------------------------------------------------------------------ */

struct nlipcd_udp_cache;

/*
 * How long a peer's answers are kept after it last asked: beyond the
 * retries of libnlipc's default timeout. A UDP peer heard from since is
 * not forgotten to make room for a UDP peer of another address.
 */
#define NLIPCD_UDP_TTL_MS	10000
_Static_assert(NLIPC_BRIDGE_UDP_RTO_MAX_MS < NLIPCD_UDP_TTL_MS,
	       "a client's resend must find its answer still kept");

void nlipcd_udp_cache_free(struct nlipcd_udp_cache *cache);

#endif /* _NLIPCD_KIND_H */
