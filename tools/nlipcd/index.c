// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Clients found without a scan: by port id (every answer from the
 * backend), by peer address (every datagram), and the count of each
 * owner's clients (every admission), kept as clients come, learn their
 * uid, close and go. At 10,000 clients a scan per datagram or admission
 * was most of the daemon's time.
 *
 * An owner is a uid on AF_UNIX or an address on TCP/UDP, connections and
 * datagram peers apart (nlipcd_client_count_uid()). A client counts while
 * it is open and its owner is known.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/random.h>

#include "client.h"
#include "kind.h"
#include "listen.h"
#include "nlipcd.h"

struct nlipcd_owner_key {
	uint8_t remote;
	uint8_t peer;			/* datagram peers, not connections */
	uint16_t family;
	uint32_t uid;
	uint8_t addr[16];
};

struct nlipcd_owner {
	struct nlipcd_hnode node;	/* in d->owners */
	struct nlipcd_owner_key key;
	unsigned int n;
};

#define MIN_BUCKETS	256

int nlipcd_index_init(struct nlipcd *d)
{
	int err;

	if (getrandom(&d->hash_seed, sizeof(d->hash_seed), GRND_NONBLOCK) !=
	    sizeof(d->hash_seed))
		d->hash_seed = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
	err = nlipcd_htable_init(&d->by_portid, MIN_BUCKETS);
	if (!err)
		err = nlipcd_htable_init(&d->by_peer, MIN_BUCKETS);
	if (!err)
		err = nlipcd_htable_init(&d->owners, MIN_BUCKETS);
	if (err)
		nlipcd_index_uninit(d);
	return err;
}

/* With every client gone. */
void nlipcd_index_uninit(struct nlipcd *d)
{
	nlipcd_htable_uninit(&d->by_portid);
	nlipcd_htable_uninit(&d->by_peer);
	nlipcd_htable_uninit(&d->owners);
}

static uint32_t portid_hash(const struct nlipcd *d, uint32_t portid)
{
	return nlipcd_hash_from(d->hash_seed, &portid, sizeof(portid));
}

static uint32_t peer_hash(const struct nlipcd *d,
			  const struct nlipcd_listener *lis, const void *a,
			  socklen_t alen)
{
	return nlipcd_hash_from(d->hash_seed ^ (uint32_t)(uintptr_t)lis, a,
				alen);
}

static void owner_key(struct nlipcd_owner_key *k, bool peer, bool remote,
		      uid_t uid, const struct sockaddr_storage *addr)
{
	memset(k, 0, sizeof(*k));
	k->remote = remote;
	k->peer = peer;
	if (!remote) {
		k->uid = uid;
		return;
	}
	k->family = addr->ss_family;
	if (addr->ss_family == AF_INET)
		memcpy(k->addr, &((const struct sockaddr_in *)addr)->sin_addr, 4);
	else if (addr->ss_family == AF_INET6)
		memcpy(k->addr, &((const struct sockaddr_in6 *)addr)->sin6_addr,
		       16);
}

static struct nlipcd_owner *owner_find(struct nlipcd *d,
				       const struct nlipcd_owner_key *k,
				       uint32_t hash)
{
	struct nlipcd_hnode *n;

	nlipcd_hash_for_each(&d->owners, n, hash) {
		struct nlipcd_owner *o = nlipcd_container_of(n,
				struct nlipcd_owner, node);

		if (!memcmp(&o->key, k, sizeof(*k)))
			return o;
	}
	return NULL;
}

static void owner_put(struct nlipcd *d, struct nlipcd_owner *o)
{
	if (--o->n)
		return;
	nlipcd_htable_del(&d->owners, &o->node);
	free(o);
}

/**
 * nlipcd_client_recount - count @c under the owner it has now
 * @c: a client whose uid, uid_known or closing may have changed
 *
 * Cheap when nothing changed. Without memory for a new owner the client
 * goes uncounted: the total limit still holds.
 */
void nlipcd_client_recount(struct nlipcd_client *c)
{
	struct nlipcd *d = c->d;
	struct nlipcd_owner_key k;
	struct nlipcd_owner *o;
	uint32_t hash;

	if (c->closing || (!c->who.remote && !c->who.uid_known)) {
		if (c->owner)
			owner_put(d, c->owner);
		c->owner = NULL;
		return;
	}
	owner_key(&k, c->ops->peer, c->who.remote, c->who.uid, &c->who.addr);
	if (c->owner && !memcmp(&c->owner->key, &k, sizeof(k)))
		return;
	if (c->owner)
		owner_put(d, c->owner);
	hash = nlipcd_hash_from(d->hash_seed, &k, sizeof(k));
	o = owner_find(d, &k, hash);
	if (!o) {
		o = calloc(1, sizeof(*o));
		if (o) {
			o->key = k;
			nlipcd_htable_add(&d->owners, &o->node, hash);
		}
	}
	if (o)
		o->n++;
	c->owner = o;
}

/*
 * Connections count against connections, datagram peers against peers:
 * a burst of UDP peers must not lock a user out of TCP, and vice versa.
 */
unsigned int nlipcd_client_count_uid(struct nlipcd *d, bool peer,
				     bool remote, uid_t uid,
				     const struct sockaddr_storage *addr)
{
	struct nlipcd_owner_key k;
	struct nlipcd_owner *o;

	owner_key(&k, peer, remote, uid, addr);
	o = owner_find(d, &k, nlipcd_hash_from(d->hash_seed, &k, sizeof(k)));
	return o ? o->n : 0;
}

/* A new client, its port id and address set: found from now on. */
void nlipcd_index_add(struct nlipcd_client *c)
{
	struct nlipcd *d = c->d;

	nlipcd_htable_add(&d->by_portid, &c->portid_node,
			  portid_hash(d, c->portid));
	/* Only datagram peers are looked up by address. */
	if (c->ops->peer)
		nlipcd_htable_add(&d->by_peer, &c->peer_node,
				  peer_hash(d, c->lis, &c->who.addr,
					    c->who.addrlen));
	nlipcd_client_recount(c);
}

void nlipcd_index_del(struct nlipcd_client *c)
{
	struct nlipcd *d = c->d;

	nlipcd_htable_del(&d->by_portid, &c->portid_node);
	if (c->ops->peer)
		nlipcd_htable_del(&d->by_peer, &c->peer_node);
	if (c->owner)
		owner_put(d, c->owner);
	c->owner = NULL;
}

struct nlipcd_client *nlipcd_client_find(struct nlipcd *d, uint32_t portid)
{
	uint32_t hash = portid_hash(d, portid);
	struct nlipcd_hnode *n;

	nlipcd_hash_for_each(&d->by_portid, n, hash) {
		struct nlipcd_client *c = nlipcd_container_of(n,
				struct nlipcd_client, portid_node);

		if (c->portid == portid)
			return c;
	}
	return NULL;
}

struct nlipcd_client *nlipcd_client_find_peer(struct nlipcd *d,
					      struct nlipcd_listener *lis,
					      const struct sockaddr_storage *a,
					      socklen_t alen)
{
	uint32_t hash = peer_hash(d, lis, a, alen);
	struct nlipcd_hnode *n;

	nlipcd_hash_for_each(&d->by_peer, n, hash) {
		struct nlipcd_client *c = nlipcd_container_of(n,
				struct nlipcd_client, peer_node);

		if (c->lis == lis && c->who.addrlen == alen &&
		    !memcmp(&c->who.addr, a, alen))
			return c;
	}
	return NULL;
}
