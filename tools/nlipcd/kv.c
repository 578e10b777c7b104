// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The store behind the user backend. Single-threaded, so no RCU and no
 * lock; otherwise kmod/kv.c's shape: entries are replaced whole, and the
 * generation moves with every change so dumps can tell they were raced.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"

#define MIN_BUCKETS	1024

int nlipcd_kv_init(struct nlipcd_kv *kv)
{
	memset(kv, 0, sizeof(*kv));
	kv->buckets = calloc(MIN_BUCKETS, sizeof(*kv->buckets));
	if (!kv->buckets)
		return -ENOMEM;
	kv->n_buckets = MIN_BUCKETS;
	nlipcd_list_init(&kv->entries);
	kv->gen = 1;
	return 0;
}

void nlipcd_kv_uninit(struct nlipcd_kv *kv)
{
	while (!nlipcd_list_empty(&kv->entries)) {
		struct nlipcd_kv_entry *e = nlipcd_kv_entry_of(kv->entries.next);

		nlipcd_list_del(&e->node);
		free(e);
	}
	free(kv->buckets);
	kv->buckets = NULL;
}

struct nlipcd_kv_entry *nlipcd_kv_find(const struct nlipcd_kv *kv,
				       const void *key, size_t len)
{
	uint32_t hash = nlipcd_hash(key, len);
	struct nlipcd_kv_entry *e;

	for (e = kv->buckets[hash & (kv->n_buckets - 1)]; e; e = e->hnext)
		if (e->hash == hash && e->key_len == len &&
		    !memcmp(e->data, key, len))
			return e;
	return NULL;
}

struct nlipcd_kv_entry *nlipcd_kv_entry_new(const void *key, size_t key_len,
					    const void *value,
					    size_t value_len)
{
	struct nlipcd_kv_entry *e = malloc(sizeof(*e) + key_len + value_len);

	if (!e)
		return NULL;
	e->hnext = NULL;
	nlipcd_list_init(&e->node);
	e->hash = nlipcd_hash(key, key_len);
	e->key_len = key_len;
	e->value_len = value_len;
	memcpy(e->data, key, key_len);
	if (value_len)
		memcpy(e->data + key_len, value, value_len);
	return e;
}

static void unhash(struct nlipcd_kv *kv, struct nlipcd_kv_entry *e)
{
	struct nlipcd_kv_entry **p = &kv->buckets[e->hash & (kv->n_buckets - 1)];

	while (*p != e)
		p = &(*p)->hnext;
	*p = e->hnext;
}

static void hash_in(struct nlipcd_kv *kv, struct nlipcd_kv_entry *e)
{
	struct nlipcd_kv_entry **b = &kv->buckets[e->hash & (kv->n_buckets - 1)];

	e->hnext = *b;
	*b = e;
}

/* Chains stay short: double the table when it is twice full. */
static void maybe_grow(struct nlipcd_kv *kv)
{
	struct nlipcd_kv_entry **old = kv->buckets;
	size_t n = kv->n_buckets, i;
	struct nlipcd_kv_entry *e, *next;

	if (kv->count < 2 * n)
		return;
	kv->buckets = calloc(2 * n, sizeof(*kv->buckets));
	if (!kv->buckets) {
		kv->buckets = old;	/* longer chains, still correct */
		return;
	}
	kv->n_buckets = 2 * n;
	for (i = 0; i < n; i++)
		for (e = old[i]; e; e = next) {
			next = e->hnext;
			hash_in(kv, e);
		}
	free(old);
}

static void bump(struct nlipcd_kv *kv)
{
	kv->gen = kv->gen + 1 ? kv->gen + 1 : 1;
}

/* Insert @e, replacing @old (which is freed) in its place if given. */
void nlipcd_kv_store(struct nlipcd_kv *kv, struct nlipcd_kv_entry *old,
		     struct nlipcd_kv_entry *e)
{
	if (old) {
		unhash(kv, old);
		e->node.next = old->node.next;
		e->node.prev = old->node.prev;
		e->node.prev->next = &e->node;
		e->node.next->prev = &e->node;
		kv->bytes -= old->key_len + old->value_len;
		kv->count--;
		free(old);
	} else {
		nlipcd_list_add_tail(&e->node, &kv->entries);
	}
	hash_in(kv, e);
	kv->bytes += e->key_len + e->value_len;
	kv->count++;
	bump(kv);
	maybe_grow(kv);
}

/* Unlink @e; the caller frees it (after notifying with its key). */
void nlipcd_kv_remove(struct nlipcd_kv *kv, struct nlipcd_kv_entry *e)
{
	unhash(kv, e);
	nlipcd_list_del(&e->node);
	kv->bytes -= e->key_len + e->value_len;
	kv->count--;
	bump(kv);
}
