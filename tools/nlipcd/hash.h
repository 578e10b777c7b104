/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An intrusive chained hash table: the node lives in what is stored, the
 * table holds chains by hash and doubles when they grow long. Callers
 * walk a chain and compare their own keys (nlipcd_hash_for_each).
 */
#ifndef _NLIPCD_HASH_H
#define _NLIPCD_HASH_H

#include <stddef.h>
#include <stdint.h>

struct nlipcd_hnode {
	struct nlipcd_hnode *next;
	uint32_t hash;
};

struct nlipcd_htable {
	struct nlipcd_hnode **buckets;
	size_t n_buckets;		/* a power of two */
	size_t count;
};

int nlipcd_htable_init(struct nlipcd_htable *t, size_t n_buckets);
void nlipcd_htable_uninit(struct nlipcd_htable *t);
void nlipcd_htable_add(struct nlipcd_htable *t, struct nlipcd_hnode *n,
		       uint32_t hash);
void nlipcd_htable_del(struct nlipcd_htable *t, struct nlipcd_hnode *n);

static inline struct nlipcd_hnode *
nlipcd_htable_chain(const struct nlipcd_htable *t, uint32_t hash)
{
	return t->buckets[hash & (t->n_buckets - 1)];
}

/* Every node of @t whose hash is @h, as @pos. */
#define nlipcd_hash_for_each(t, pos, h)					\
	for ((pos) = nlipcd_htable_chain((t), (h)); (pos);		\
	     (pos) = (pos)->next)					\
		if ((pos)->hash == (h))

#endif /* _NLIPCD_HASH_H */
