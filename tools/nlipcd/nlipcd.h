/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nlipcd's shared declarations: the daemon, its clients, the buffers they
 * queue and the helpers that build netlink replies. Backends are in
 * backend.h, the op table and validator in policy.h.
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
struct nlipcd_kind_ops;
struct nlipcd_policy_attr;

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

/* Multicast groups by index; each backend maps them to its own ids. */
enum {
	NLIPCD_GRP_EVENTS,
	NLIPCD_GRP_BUS,
	NLIPCD_GRP_COUNT,
};

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
	unsigned int n_subscribed[NLIPCD_GRP_COUNT];
};

/* ------------------------------------------------------------------ */
/* Buffers: refcounted, so one notification is queued to many clients  */
/* ------------------------------------------------------------------ */

struct nlipcd_buf {
	unsigned int ref;
	size_t len, cap;
	unsigned char data[];
};

struct nlipcd_buf *nlipcd_buf_new(size_t cap);
struct nlipcd_buf *nlipcd_buf_get(struct nlipcd_buf *b);
void nlipcd_buf_put(struct nlipcd_buf *b);
void *nlipcd_buf_reserve(struct nlipcd_buf **b, size_t len);

/* ------------------------------------------------------------------ */
/* Replies (reply.c)                                                    */
/* ------------------------------------------------------------------ */

/* What netlink_ext_ack carries in the kernel, as far as nlipc uses it. */
struct nlipcd_extack {
	const char *msg;
	const void *bad_attr;		/* inside the request */
	const struct nlipcd_policy_attr *policy;
	uint32_t miss_type;
};

#define NLIPCD_SET_ERR_MSG(ext, m)	((ext)->msg = (m))
#define NLIPCD_SET_ERR_ATTR(ext, a, m)	\
	do { (ext)->bad_attr = (a); (ext)->msg = (m); } while (0)

/*
 * One answer being built: messages appended to a buffer that becomes one
 * datagram (or a run of stream bytes). A do request's reply and its ACK
 * always share one. Messages and nests are tracked by offset, so the
 * buffer may grow under them; pointers from nlipcd_reply_cur() and
 * nlipcd_reply_reserve() last until the next append.
 */
struct nlipcd_reply {
	struct nlipcd_buf *buf;
	size_t cur;		/* offset of the message being built */
	int err;		/* -ENOMEM once an append failed */
};

int nlipcd_reply_init(struct nlipcd_reply *r, size_t hint);
void nlipcd_reply_release(struct nlipcd_reply *r);
int nlipcd_reply_begin(struct nlipcd_reply *r, uint16_t type, uint16_t flags,
		       uint32_t seq, uint32_t portid);
int nlipcd_reply_genl(struct nlipcd_reply *r, uint16_t type, uint16_t flags,
		      uint32_t seq, uint32_t portid, uint8_t cmd,
		      uint8_t version);
struct nlmsghdr *nlipcd_reply_cur(const struct nlipcd_reply *r);
void nlipcd_reply_cancel(struct nlipcd_reply *r);
void *nlipcd_reply_reserve(struct nlipcd_reply *r, uint16_t type, size_t len);
int nlipcd_reply_append(struct nlipcd_reply *r, const void *data, size_t len);
struct nlmsghdr *nlipcd_reply_copy(struct nlipcd_reply *r,
				   const struct nlmsghdr *nlh);
int nlipcd_reply_put(struct nlipcd_reply *r, uint16_t type, const void *data,
		     size_t len);
int nlipcd_reply_put_u32(struct nlipcd_reply *r, uint16_t type, uint32_t v);
int nlipcd_reply_put_u64(struct nlipcd_reply *r, uint16_t type, uint64_t v);
int nlipcd_reply_put_str(struct nlipcd_reply *r, uint16_t type,
			 const char *s);
size_t nlipcd_reply_nest_start(struct nlipcd_reply *r, uint16_t type);
void nlipcd_reply_nest_end(struct nlipcd_reply *r, size_t nest);
int nlipcd_reply_ack(struct nlipcd_reply *r, const struct nlmsghdr *req,
		     uint32_t portid, int err,
		     const struct nlipcd_extack *ext);
int nlipcd_reply_done(struct nlipcd_reply *r, uint32_t seq, uint32_t portid,
		      uint16_t flags);

/* The policy of one attribute, as netlink's policy dump describes it. */
int nlipcd_reply_policy_attr(struct nlipcd_reply *r,
			     const struct nlipcd_policy_attr *pt);

/* ------------------------------------------------------------------ */
/* Listeners (listen.c)                                                 */
/* ------------------------------------------------------------------ */

enum nlipcd_kind {
	NLIPCD_STREAM,		/* AF_UNIX stream, TCP */
	NLIPCD_SEQPACKET,	/* AF_UNIX seqpacket */
	NLIPCD_DGRAM,		/* AF_UNIX dgram: one socket, many peers */
	NLIPCD_UDP,		/* UDP: one socket, many peers */
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

/* ------------------------------------------------------------------ */
/* Clients (client.c)                                                   */
/* ------------------------------------------------------------------ */

struct nlipcd_txe;

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
	bool remote;			/* AF_INET/AF_INET6 */
	bool uid_known;
	uid_t uid;
	pid_t pid;
	struct sockaddr_storage addr;	/* the peer, for datagram kinds */
	socklen_t addrlen;
	uint32_t portid;
	struct nlipcd_hnode portid_node;	/* in d->by_portid */
	struct nlipcd_hnode peer_node;	/* in d->by_peer */
	struct nlipcd_owner *owner;	/* what counts it, or NULL */
	char name[96];			/* for logs */

	/*
	 * Input: stream bytes, or whole datagrams waiting their turn. A
	 * stream reads into a buffer all share (rx_borrowed) and keeps one
	 * of its own only for what is left over: a part of a message, or
	 * messages not yet taken.
	 */
	unsigned char *rx;
	size_t rx_off, rx_len, rx_cap;
	bool rx_borrowed;
	struct nlipcd_buf **pending;
	unsigned int n_pending;
	bool order_checked;		/* first message's byte order */
	bool reading;			/* EPOLLIN wanted */
	bool input_eof;			/* the peer shut its side down */

	/* Output. */
	struct nlipcd_txe *tx_head, *tx_tail;
	size_t tx_bytes;
	size_t kernel_bytes;		/* dgram: sent, perhaps not yet read */
	unsigned int seen;		/* dgram: alive in this sock_diag round */
	bool overrun;			/* notifications dropped: marker owed */
	bool closing;			/* flush what is queued, then close */
	bool dead;			/* nothing more is sent either */
	uint64_t closing_deadline;

	unsigned int groups;		/* bit per NLIPCD_GRP_* joined */
	unsigned int inflight;		/* requests the backend still owes */
	void *dump;			/* the backend's dump in progress */
	uint64_t last_rx_ms;

	struct nlipcd_udp_cache *cache;	/* UDP: answers by sequence number */
	struct nlmsghdr udp_req;	/* UDP: the request being answered */
	size_t udp_budget;		/* ... what its answer may still take */
};

static inline struct nlipcd_client *nlipcd_client_of(struct nlipcd_list *l)
{
	return nlipcd_container_of(l, struct nlipcd_client, node);
}

struct nlipcd_client *nlipcd_client_new(struct nlipcd *d,
					struct nlipcd_listener *lis, int fd,
					const struct sockaddr *addr,
					socklen_t addrlen);
void nlipcd_client_close(struct nlipcd_client *c, const char *why);
int nlipcd_client_queue(struct nlipcd_client *c, struct nlipcd_buf *b);
int nlipcd_client_send_reply(struct nlipcd_client *c, struct nlipcd_reply *r);
void nlipcd_client_notify(struct nlipcd *d, unsigned int group,
			  struct nlipcd_buf *b);
void nlipcd_client_overrun_group(struct nlipcd *d, unsigned int group);
void nlipcd_client_overrun_all(struct nlipcd *d);
void nlipcd_client_kick(struct nlipcd_client *c);
bool nlipcd_client_room(const struct nlipcd_client *c);
void nlipcd_client_handle(struct nlipcd *d, struct nlipcd_watch *w,
			  uint32_t events);
int nlipcd_admit_init(struct nlipcd *d);
void nlipcd_client_accept(struct nlipcd *d, struct nlipcd_listener *lis);
void nlipcd_client_datagram(struct nlipcd *d, struct nlipcd_listener *lis);
void nlipcd_client_run_ready(struct nlipcd *d);
void nlipcd_client_retry(struct nlipcd *d);
int nlipcd_client_retry_timeout(struct nlipcd *d, int max);
void nlipcd_client_sweep(struct nlipcd *d, uint64_t now);
void nlipcd_client_free_all(struct nlipcd *d);
unsigned int nlipcd_client_count_uid(struct nlipcd *d, bool peer,
				     bool remote, uid_t uid,
				     const struct sockaddr_storage *addr);
struct nlipcd_client *nlipcd_client_find(struct nlipcd *d, uint32_t portid);

/* Dump pacing: the next round is made once the queue is this short. */
#define NLIPCD_DUMP_LOW_WATER	(64 * 1024)

/* ------------------------------------------------------------------ */
/* AF_UNIX dgram peers' share of our socket (dgram.c)                   */
/* ------------------------------------------------------------------ */

void nlipcd_dgram_refresh(struct nlipcd *d, uint64_t now);
unsigned int nlipcd_dgram_reap_gone(struct nlipcd *d);
void nlipcd_dgram_uninit(struct nlipcd *d);

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

/* ------------------------------------------------------------------ */
/* The controller (ctrl.c)                                              */
/* ------------------------------------------------------------------ */

void nlipcd_ctrl_handle(struct nlipcd_client *c, const struct nlmsghdr *nlh);

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

#endif /* _NLIPCD_H */
