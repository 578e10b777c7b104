// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * UDP: at-most-once requests. libnlipc resends an unanswered request with
 * the same sequence number; we remember, per peer, the answers to its last
 * few requests and send a repeat the same datagrams again instead of
 * running it twice (doc/bridge.md), so a retried kv-set takes effect once.
 *
 * A request is keyed by its sequence number, type, length and a hash of
 * its bytes: a different request reusing a sequence number (a new socket
 * on an old port) is not mistaken for a repeat. Answers are kept while
 * the peer keeps asking, and forgotten NLIPCD_UDP_TTL_MS after it was
 * last heard asking: a retry comes within libnlipc's timeout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/nlipc.h>

#include "client.h"
#include "kind.h"
#include "listen.h"
#include "loop.h"
#include "nlipcd.h"
#include "policy.h"
#include "reply.h"

#define CACHE_ENTRIES	NLIPC_BRIDGE_UDP_ANSWERS
/* The socket all peers share: room for many answers. */
#define SOCKET_BUF	(1024 * 1024)

struct entry {
	bool used;
	uint32_t seq;
	uint16_t type;
	uint32_t len;
	uint32_t hash;
	uint64_t heard_ms;		/* asked last, for expiry */
	uint64_t stamp;			/* for eviction, oldest first */
	struct nlipcd_buf *bufs[4];	/* the answer's datagrams */
	unsigned int n;
	size_t bytes;
};

struct nlipcd_udp_cache {
	struct entry e[CACHE_ENTRIES];
	struct entry *recording;
	uint64_t clock;
	size_t bytes;
};

static void entry_clear(struct nlipcd_udp_cache *cache, struct entry *e)
{
	while (e->n)
		nlipcd_buf_put(e->bufs[--e->n]);
	cache->bytes -= e->bytes;
	e->bytes = 0;
	e->used = false;
}

void nlipcd_udp_cache_free(struct nlipcd_udp_cache *cache)
{
	unsigned int i;

	if (!cache)
		return;
	for (i = 0; i < CACHE_ENTRIES; i++)
		entry_clear(cache, &cache->e[i]);
	free(cache);
}

static bool key_of(const void *dgram, size_t len, struct entry *key)
{
	const struct nlmsghdr *nlh = dgram;

	if (len < NLMSG_HDRLEN)
		return false;
	key->seq = nlh->nlmsg_seq;
	key->type = nlh->nlmsg_type;
	key->len = nlh->nlmsg_len;
	key->hash = nlipcd_hash(dgram, len);
	return true;
}

static bool live(const struct entry *e, uint64_t now)
{
	return e->used && now - e->heard_ms < NLIPCD_UDP_TTL_MS;
}

/* A repeat of a request already answered: send the answer again. */
static bool udp_replay(struct nlipcd_client *c, const void *dgram, size_t len)
{
	struct nlipcd_udp_cache *cache = c->udp.cache;
	const struct nlmsghdr *nlh = dgram;
	uint64_t now = nlipcd_now_ms();
	bool hashed = false;
	struct entry key;
	unsigned int i, j;

	if (!cache || len < NLMSG_HDRLEN)
		return false;
	for (i = 0; i < CACHE_ENTRIES; i++) {
		struct entry *e = &cache->e[i];

		if (!live(e, now) || e->seq != nlh->nlmsg_seq ||
		    e->type != nlh->nlmsg_type || e->len != nlh->nlmsg_len)
			continue;
		/* Hash the bytes only for a likely repeat, once. */
		if (!hashed)
			hashed = key_of(dgram, len, &key);
		if (e->hash != key.hash)
			continue;
		nlipcd_debug("%s: seq %u again: answered from the cache",
			     c->name, key.seq);
		e->heard_ms = now;
		for (j = 0; j < e->n; j++)
			nlipcd_client_queue(c, e->bufs[j]);
		return true;
	}
	return false;
}

/* A request is taken: its answer is recorded, and may amplify it so much. */
static void udp_begin(struct nlipcd_client *c, const void *dgram, size_t len)
{
	struct nlipcd_udp_cache *cache = c->udp.cache;
	uint64_t now = nlipcd_now_ms();
	struct entry *e, *oldest;
	unsigned int i;

	c->udp.req = *(const struct nlmsghdr *)dgram;
	c->udp.budget = NLIPC_BRIDGE_UDP_AMPLIFY * len;
	if (!cache) {
		cache = c->udp.cache = calloc(1, sizeof(*cache));
		if (!cache)
			return;
	}
	oldest = &cache->e[0];
	for (i = 0; i < CACHE_ENTRIES; i++) {
		e = &cache->e[i];
		if (!live(e, now)) {
			oldest = e;
			break;
		}
		if (e->stamp < oldest->stamp)
			oldest = e;
	}
	e = oldest;
	entry_clear(cache, e);
	if (!key_of(dgram, len, e))
		return;
	e->used = true;
	e->heard_ms = now;
	e->stamp = ++cache->clock;
	cache->recording = e;
}

/* Every datagram queued while a request runs belongs to its answer. */
static void udp_record(struct nlipcd_client *c, struct nlipcd_buf *b)
{
	struct nlipcd_udp_cache *cache = c->udp.cache;
	struct entry *e = cache ? cache->recording : NULL;

	if (!e || e->n == NLIPCD_ARRAY_SIZE(e->bufs))
		return;
	e->bufs[e->n++] = nlipcd_buf_get(b);
	e->bytes += b->len;
	cache->bytes += b->len;
}

/* Keep the cache within the client's queue limit, oldest out first. */
static void udp_end(struct nlipcd_client *c)
{
	struct nlipcd_udp_cache *cache = c->udp.cache;
	struct entry *oldest;
	unsigned int i;

	if (!cache)
		return;
	cache->recording = NULL;
	while (cache->bytes > c->d->lim.max_queue) {
		oldest = NULL;
		for (i = 0; i < CACHE_ENTRIES; i++)
			if (cache->e[i].used && cache->e[i].bytes &&
			    (!oldest || cache->e[i].stamp < oldest->stamp))
				oldest = &cache->e[i];
		if (!oldest)
			break;
		entry_clear(cache, oldest);
	}
}

/*
 * UDP proves no source address: a ping that asks for more bytes back than
 * it carries would make the daemon an amplifier for spoofed datagrams
 * (a 28-byte request, a 65 KB answer). Values out of the policy's range
 * are left to the family's validation, which refuses them anyway.
 */
static int udp_check(const struct nlmsghdr *nlh, const struct nlipcd_op *op,
		     struct nlipcd_extack *ext)
{
	const struct nlattr *a;
	uint32_t size;

	if (op->cmd != NLIPC_CMD_PING)
		return 0;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != NLIPC_A_PING_REPLY_SIZE ||
		    mnl_attr_get_payload_len(a) != sizeof(uint32_t))
			continue;
		size = mnl_attr_get_u32(a);
		if (size <= nlh->nlmsg_len || size > NLIPC_PING_MAX_PAYLOAD)
			continue;
		NLIPCD_SET_ERR_ATTR(ext, a,
				    "over UDP a ping's reply-size may not exceed the request's own length (it would amplify spoofed requests): use tcp:// or unix:");
		return -EMSGSIZE;
	}
	return 0;
}

/*
 * Queue a finished answer. Over UDP an answer must fit one datagram: a
 * larger one is replaced by an error saying so (doc/bridge.md).
 */
static int udp_reply(struct nlipcd_client *c, struct nlipcd_reply *r)
{
	static char text[128];
	struct nlipcd_extack ext = { .msg = text };
	size_t len;

	len = r->buf->len;
	if (len > NLIPC_BRIDGE_UDP_MAX)
		snprintf(text, sizeof(text),
			 "answer of %zu bytes does not fit a UDP datagram (%d): use tcp:// or unix:",
			 len, NLIPC_BRIDGE_UDP_MAX);
	else if (len > c->udp.budget)
		snprintf(text, sizeof(text),
			 "answer of %zu bytes is over %dx the request: UDP proves no source address; use tcp://",
			 len, NLIPC_BRIDGE_UDP_AMPLIFY);
	else
		goto queue;
	/*
	 * The error echoes the request's header, as any error does; its
	 * message only if that too keeps within the budget.
	 */
	r->buf->len = 0;
	nlipcd_reply_ack(r, &c->udp.req, c->portid, -EMSGSIZE, &ext);
	if (!r->err && r->buf->len > c->udp.budget) {
		r->buf->len = 0;
		nlipcd_reply_ack(r, &c->udp.req, c->portid, -EMSGSIZE, NULL);
	}
	if (r->err)
		return r->err;
queue:
	c->udp.budget -= r->buf->len < c->udp.budget ? r->buf->len :
			 c->udp.budget;
	return nlipcd_client_queue(c, r->buf);
}

/*
 * A UDP peer's port id comes from its address: one forgotten to make room
 * gets it back when it returns, and is refused with it when there is no
 * room (admit.c), since libnlipc checks it on every answer.
 */
static uint32_t udp_portid(const void *addr, socklen_t len)
{
	return nlipcd_hash(addr, len) | 0x80000000u;
}

/*
 * A newcomer finds the limits reached. Peers never hang up: forget the
 * one heard from longest ago that owes nothing (UDP state is only a
 * cache). @same limits the choice to the newcomer's address. A UDP peer
 * heard from at or after @spare may still retry a write, which its cache
 * must answer: it gives way to a connection or to its own address's
 * newer sockets, not to other addresses (else a flood of new addresses
 * would make retried writes run twice).
 */
static void udp_make_room(struct nlipcd *d, struct nlipcd_listener *lis,
			  const struct sockaddr_storage *same, uint64_t spare)
{
	struct nlipcd_client *lru = NULL;
	struct nlipcd_list *l;

	for (l = d->clients.next; l != &d->clients; l = l->next) {
		struct nlipcd_client *c = nlipcd_client_of(l);

		if (c->ops != &nlipcd_kind_udp || c->closing || c->tx.head ||
		    c->in.n_pending)
			continue;
		if ((same && !nlipcd_client_same_host(&c->who.addr, same)) ||
		    c->last_rx_ms >= spare)
			continue;
		if (!lru || c->last_rx_ms < lru->last_rx_ms)
			lru = c;
	}
	if (lru) {
		nlipcd_debug("%s: forgotten to make room", lru->name);
		lru->dead = true;
		nlipcd_client_close(lru, NULL);
		nlipcd_client_reap(d);
	}
}

static void udp_listen(int fd)
{
	int val = SOCKET_BUF;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &val, sizeof(val));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
}

const struct nlipcd_kind_ops nlipcd_kind_udp = {
	.inet_scheme = "udp",
	.peer = true,
	.lossy = true,
	.listen = udp_listen,
	.ready = nlipcd_client_datagram,
	.make_room = udp_make_room,
	.portid = udp_portid,
	.take = nlipcd_client_take_pending,
	.flush = nlipcd_client_flush_datagrams,
	.replay = udp_replay,
	.begin = udp_begin,
	.end = udp_end,
	.check = udp_check,
	.reply = udp_reply,
	.queued = udp_record,
};
