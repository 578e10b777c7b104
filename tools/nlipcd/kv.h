/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user backend's key-value store: kmod/kv.c's store for one daemon.
 * A hash for lookups, a list for dump order (new keys at the tail, a
 * replaced key keeps its place), and a generation bumped by every change.
 */
#ifndef _NLIPCD_KV_H
#define _NLIPCD_KV_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "nlipcd.h"

struct nlipcd_kv_entry {
	struct nlipcd_hnode hnode;	/* in the table, by key */
	struct nlipcd_list node;	/* in dump order */
	uint16_t key_len;
	uint32_t value_len;
	unsigned char data[];		/* key, then value */
};

struct nlipcd_kv {
	struct nlipcd_htable table;
	struct nlipcd_list entries;
	uint32_t count;
	uint64_t bytes;
	uint32_t gen;			/* never 0 */
};

int nlipcd_kv_init(struct nlipcd_kv *kv);
void nlipcd_kv_uninit(struct nlipcd_kv *kv);
struct nlipcd_kv_entry *nlipcd_kv_find(const struct nlipcd_kv *kv,
				       const void *key, size_t len);
struct nlipcd_kv_entry *nlipcd_kv_entry_new(const void *key, size_t key_len,
					    const void *value,
					    size_t value_len);
void nlipcd_kv_store(struct nlipcd_kv *kv, struct nlipcd_kv_entry *old,
		     struct nlipcd_kv_entry *e);
void nlipcd_kv_remove(struct nlipcd_kv *kv, struct nlipcd_kv_entry *e);

static inline struct nlipcd_kv_entry *nlipcd_kv_entry_of(struct nlipcd_list *l)
{
	return nlipcd_container_of(l, struct nlipcd_kv_entry, node);
}

#endif /* _NLIPCD_KV_H */
