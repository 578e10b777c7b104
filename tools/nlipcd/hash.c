// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The hash table behind the store's keys and the clients' port ids,
 * peers and owners (hash.h). Growth is by doubling, all at once: the
 * daemon is single-threaded and a table of 10,000 clients rehashes in
 * microseconds.
 */
#include <errno.h>
#include <stdlib.h>

#include "hash.h"

int nlipcd_htable_init(struct nlipcd_htable *t, size_t n_buckets)
{
	t->buckets = calloc(n_buckets, sizeof(*t->buckets));
	if (!t->buckets)
		return -ENOMEM;
	t->n_buckets = n_buckets;
	t->count = 0;
	return 0;
}

void nlipcd_htable_uninit(struct nlipcd_htable *t)
{
	free(t->buckets);
	t->buckets = NULL;
	t->n_buckets = 0;
	t->count = 0;
}

static void chain_in(struct nlipcd_htable *t, struct nlipcd_hnode *n)
{
	struct nlipcd_hnode **b = &t->buckets[n->hash & (t->n_buckets - 1)];

	n->next = *b;
	*b = n;
}

/* Chains stay short: double the table when it is twice full. */
static void maybe_grow(struct nlipcd_htable *t)
{
	struct nlipcd_hnode **old = t->buckets, *n, *next;
	size_t size = t->n_buckets, i;

	if (t->count < 2 * size)
		return;
	t->buckets = calloc(2 * size, sizeof(*t->buckets));
	if (!t->buckets) {
		t->buckets = old;	/* longer chains, still correct */
		return;
	}
	t->n_buckets = 2 * size;
	for (i = 0; i < size; i++)
		for (n = old[i]; n; n = next) {
			next = n->next;
			chain_in(t, n);
		}
	free(old);
}

void nlipcd_htable_add(struct nlipcd_htable *t, struct nlipcd_hnode *n,
		       uint32_t hash)
{
	n->hash = hash;
	chain_in(t, n);
	t->count++;
	maybe_grow(t);
}

void nlipcd_htable_del(struct nlipcd_htable *t, struct nlipcd_hnode *n)
{
	struct nlipcd_hnode **p = &t->buckets[n->hash & (t->n_buckets - 1)];

	while (*p != n)
		p = &(*p)->next;
	*p = n->next;
	n->next = NULL;
	t->count--;
}
