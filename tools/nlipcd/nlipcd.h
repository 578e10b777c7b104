/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nlipcd's state, limits, logging and the small helpers every file uses.
 * Each concern has its own header: loop.h (the epoll loop), reply.h
 * (buffers and netlink replies), listen.h (listeners), client.h and
 * kind.h (clients, by kind of socket), request.h (the request core and
 * the controller), backend.h (the backends), policy.h (ops, validator).
 *
 * Everything runs on one thread in one epoll loop; nothing here locks.
 */
#ifndef _NLIPCD_H
#define _NLIPCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <linux/netlink.h>

#include "bridge.h"
#include "hash.h"

/* Room for the largest message we take, and one byte to see it is larger. */
#define NLIPC_BRIDGE_MSG_MAX_RX	(NLIPC_BRIDGE_MSG_MAX + 1)

struct nlipcd;
struct nlipcd_client;
struct nlipcd_listener;
struct nlipcd_bridge;
struct nlipcd_tls;

/* ------------------------------------------------------------------ */
/* Logging (main.c)                                                     */
/* ------------------------------------------------------------------ */

enum {
	NLIPCD_LOG_ERR,
	NLIPCD_LOG_WARN,
	NLIPCD_LOG_INFO,
	NLIPCD_LOG_DEBUG,
};

extern int nlipcd_log_level;
void nlipcd_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define nlipcd_err(...)		nlipcd_log(NLIPCD_LOG_ERR, __VA_ARGS__)
#define nlipcd_warn(...)	nlipcd_log(NLIPCD_LOG_WARN, __VA_ARGS__)
#define nlipcd_info(...)	nlipcd_log(NLIPCD_LOG_INFO, __VA_ARGS__)
#define nlipcd_debug(...)					\
	do {							\
		if (nlipcd_log_level >= NLIPCD_LOG_DEBUG)	\
			nlipcd_log(NLIPCD_LOG_DEBUG, __VA_ARGS__); \
	} while (0)

/* ------------------------------------------------------------------ */
/* Configuration and state                                              */
/* ------------------------------------------------------------------ */

/*
 * Room for 10,000 clients and more, from many users or hosts: one uid or
 * address may hold a sixteenth.
 */
#define NLIPCD_DEFAULT_MAX_CLIENTS	16384
#define NLIPCD_DEFAULT_MAX_PER_UID	1024

struct nlipcd_limits {
	size_t max_msg;			/* largest request accepted */
	size_t max_queue;		/* bytes queued for one client */
	unsigned int max_clients;	/* connections and peers in total */
	unsigned int max_per_uid;	/* ... per uid (AF_UNIX) or address */
	unsigned int max_inflight;	/* requests taken but not answered */
	uint64_t idle_ms;		/* silent clients are closed after */
};

/* The user backend's limits: the module's parameters, same defaults. */
struct nlipcd_store_limits {
	uint32_t ping_max_payload;
	uint32_t kv_max_entries;
	uint32_t kv_max_key_len;
	uint32_t kv_max_value_len;
	uint64_t kv_max_bytes;
};

struct nlipcd_list {
	struct nlipcd_list *next, *prev;
};

#define NLIPCD_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * FNV-1a: quick and well spread. From a seed of the caller's for tables
 * whose keys a peer chooses (client.c), so it cannot aim at one chain.
 */
static inline uint32_t nlipcd_hash_from(uint32_t seed, const void *data,
					size_t len)
{
	const unsigned char *p = data;
	uint32_t h = 2166136261u ^ seed;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static inline uint32_t nlipcd_hash(const void *data, size_t len)
{
	return nlipcd_hash_from(0, data, len);
}

#define nlipcd_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

static inline void nlipcd_list_init(struct nlipcd_list *l)
{
	l->next = l->prev = l;
}

static inline bool nlipcd_list_empty(const struct nlipcd_list *l)
{
	return l->next == l;
}

static inline void nlipcd_list_add_tail(struct nlipcd_list *n,
					struct nlipcd_list *head)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

static inline void nlipcd_list_del(struct nlipcd_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

/*
 * Multicast groups by index, a bit each in a client's groups: the nlipc
 * family's, which each backend maps to its own ids, then the bridged
 * families' (bridged.c), as they are first joined.
 */
enum {
	NLIPCD_GRP_EVENTS,
	NLIPCD_GRP_BUS,
	NLIPCD_GRP_COUNT,
};

#define NLIPCD_GROUPS_MAX	32

struct epoll_event;

struct nlipcd {
	int epfd;
	bool stopping;
	/*
	 * The events of this turn of the loop: a watch deleted by an earlier
	 * handler has its entries cleared, as it may be freed (main.c).
	 */
	struct epoll_event *batch;
	int batch_len;
	uint64_t start_ms;

	struct nlipcd_limits lim;
	struct nlipcd_store_limits store;
	const struct nlipcd_backend *backend;
	void *backend_priv;

	uid_t self_uid;
	uid_t *allow_uids;
	size_t n_allow_uids;
	bool allow_remote_write;
	struct nlipcd_tls *tls;		/* tls.c: for tls:// listeners */
	mode_t socket_mode;
	gid_t socket_gid;		/* (gid_t)-1: leave the group */

	struct nlipcd_listener *listeners;
	struct nlipcd_list clients;	/* every client, oldest first */
	/* ... and by port id, by peer address, by owner (client.c) */
	struct nlipcd_htable by_portid, by_peer, owners;
	uint32_t hash_seed;		/* chains no peer can predict */
	struct nlipcd_list ready;	/* clients with work left to do */
	struct nlipcd_list retry;	/* datagram peers with a full queue */
	uint64_t retry_at;		/* ... next tried then */
	unsigned int retry_ms;		/* ... longer while none moves */
	struct nlipcd_list reap;	/* closing clients, freed by the loop */
	uint64_t next_sweep_ms;
	unsigned int n_clients;
	int spare_fd;			/* admit.c: given up to refuse on EMFILE */
	bool fd_short;			/* ... an episode of EMFILE, logged once */
	bool accept_paused;		/* ... and no spare: until a client goes */
	uint32_t next_portid;
	int diag_fd;			/* sock_diag, for dgram.c; -1 unopened */
	bool diag_warned;		/* ... said it cannot help */
	uint64_t last_diag_ms;
	unsigned int diag_round;
	uint64_t last_gone_ms;
	/* Subscribers per group: the backends skip work nobody would see. */
	unsigned int n_subscribed[NLIPCD_GROUPS_MAX];
	/* Other families forwarded to the kernel (bridged.c), or NULL. */
	struct nlipcd_bridge *bridge;
};

#endif /* _NLIPCD_H */
