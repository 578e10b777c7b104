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
	int err;

	memset(kv, 0, sizeof(*kv));
	err = nlipcd_htable_init(&kv->table, MIN_BUCKETS);
	if (err)
		return err;
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
	nlipcd_htable_uninit(&kv->table);
}

struct nlipcd_kv_entry *nlipcd_kv_find(const struct nlipcd_kv *kv,
				       const void *key, size_t len)
{
	uint32_t hash = nlipcd_hash(key, len);
	struct nlipcd_hnode *n;

	nlipcd_hash_for_each(&kv->table, n, hash) {
		struct nlipcd_kv_entry *e = nlipcd_container_of(n,
				struct nlipcd_kv_entry, hnode);

		if (e->key_len == len && !memcmp(e->data, key, len))
			return e;
	}
	return NULL;
}

struct nlipcd_kv_entry *nlipcd_kv_entry_new(const void *key, size_t key_len,
					    const void *value,
					    size_t value_len)
{
	struct nlipcd_kv_entry *e = malloc(sizeof(*e) + key_len + value_len);

	if (!e)
		return NULL;
	e->hnode.next = NULL;
	e->hnode.hash = nlipcd_hash(key, key_len);
	nlipcd_list_init(&e->node);
	e->key_len = key_len;
	e->value_len = value_len;
	memcpy(e->data, key, key_len);
	if (value_len)
		memcpy(e->data + key_len, value, value_len);
	return e;
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
		nlipcd_htable_del(&kv->table, &old->hnode);
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
	nlipcd_htable_add(&kv->table, &e->hnode, e->hnode.hash);
	kv->bytes += e->key_len + e->value_len;
	kv->count++;
	bump(kv);
}

/* Unlink @e; the caller frees it (after notifying with its key). */
void nlipcd_kv_remove(struct nlipcd_kv *kv, struct nlipcd_kv_entry *e)
{
	nlipcd_htable_del(&kv->table, &e->hnode);
	nlipcd_list_del(&e->node);
	kv->bytes -= e->key_len + e->value_len;
	kv->count--;
	bump(kv);
}
