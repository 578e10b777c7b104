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
#include <stdlib.h>
#include <string.h>

#include "nlipcd.h"

#define CACHE_ENTRIES	16

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
bool nlipcd_udp_replay(struct nlipcd_client *c, const void *dgram, size_t len)
{
	struct nlipcd_udp_cache *cache = c->cache;
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

void nlipcd_udp_begin(struct nlipcd_client *c, const void *dgram, size_t len)
{
	struct nlipcd_udp_cache *cache = c->cache;
	uint64_t now = nlipcd_now_ms();
	struct entry *e, *oldest;
	unsigned int i;

	if (!cache) {
		cache = c->cache = calloc(1, sizeof(*cache));
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
void nlipcd_udp_record(struct nlipcd_client *c, struct nlipcd_buf *b)
{
	struct nlipcd_udp_cache *cache = c->cache;
	struct entry *e = cache ? cache->recording : NULL;

	if (!e || e->n == NLIPCD_ARRAY_SIZE(e->bufs))
		return;
	e->bufs[e->n++] = nlipcd_buf_get(b);
	e->bytes += b->len;
	cache->bytes += b->len;
}

/* Keep the cache within the client's queue limit, oldest out first. */
void nlipcd_udp_end(struct nlipcd_client *c)
{
	struct nlipcd_udp_cache *cache = c->cache;
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
