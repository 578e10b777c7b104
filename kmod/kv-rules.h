/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * The key-value store's rules, written once for the two stores that must
 * answer alike: the module's (kv.c) and nlipcd's user backend's
 * (tools/nlipcd/backend_user.c). The limits' defaults and ranges, the
 * create/excl/replace decision of kv-set and the bound checks, each with
 * its errno and extack message.
 *
 * Freestanding: no kernel or libc header. The includer provides the errno
 * values (<linux/errno.h> or <errno.h>, the same numbers) and the
 * UAPI header's NLIPC_* bounds.
 */
#ifndef _NLIPC_KV_RULES_H
#define _NLIPC_KV_RULES_H

/* Module parameters and nlipcd's options: defaults, then the ranges. */
#define NLIPC_KV_DEFAULT_MAX_ENTRIES	16384
#define NLIPC_KV_DEFAULT_MAX_KEY_LEN	NLIPC_KV_KEY_MAX_LEN
#define NLIPC_KV_DEFAULT_MAX_VALUE_LEN	4096
#define NLIPC_KV_DEFAULT_MAX_BYTES	(16UL << 20)
#define NLIPC_KV_LIMIT_MAX_ENTRIES	(1U << 20)
/* Keys are 1..NLIPC_KV_KEY_MAX_LEN bytes, values 0..NLIPC_VALUE_MAX_LEN. */

/* Why a rule refused, for the extack. */
struct nlipc_kv_verdict {
	const char *msg;
	int attr;		/* the NLIPC_A_KV_* it names, or 0 */
};

/* A key or value longer than the store's bounds: -EMSGSIZE. */
static inline int nlipc_kv_check_lens(unsigned int key_len,
				      unsigned int value_len,
				      unsigned int max_key_len,
				      unsigned int max_value_len,
				      struct nlipc_kv_verdict *v)
{
	if (key_len > max_key_len) {
		v->msg = "key longer than kv_max_key_len";
		v->attr = NLIPC_A_KV_KEY;
		return -EMSGSIZE;
	}
	if (value_len > max_value_len) {
		v->msg = "value longer than kv_max_value_len";
		v->attr = NLIPC_A_KV_VALUE;
		return -EMSGSIZE;
	}
	return 0;
}

/*
 * rtnetlink's NLM_F_CREATE/EXCL/REPLACE rules, as kv-set's attributes
 * (doc/protocol.md): a missing key needs create (-ENOENT), an existing
 * one is replaced only with replace and without excl (-EEXIST). Every
 * refusal names the key.
 */
static inline int nlipc_kv_check_set(int exists, int create, int excl,
				     int replace, struct nlipc_kv_verdict *v)
{
	v->attr = NLIPC_A_KV_KEY;
	if (!exists && !create) {
		v->msg = "no such key, and create not requested";
		return -ENOENT;
	}
	if (exists && excl) {
		v->msg = "key exists, and excl requested";
		return -EEXIST;
	}
	if (exists && !replace) {
		v->msg = "key exists, and replace not requested";
		return -EEXIST;
	}
	return 0;
}

/*
 * The store's bounds after a set of @new_size key and value bytes, which
 * replaces @old_size bytes if @replacing: -ENOSPC, naming no attribute.
 */
static inline int nlipc_kv_check_room(unsigned int count,
				      unsigned long long bytes,
				      int replacing,
				      unsigned long long old_size,
				      unsigned long long new_size,
				      unsigned int max_entries,
				      unsigned long long max_bytes,
				      struct nlipc_kv_verdict *v)
{
	v->attr = 0;
	bytes += new_size;
	if (replacing)
		bytes -= old_size;
	if (!replacing && count >= max_entries) {
		v->msg = "store full: kv_max_entries reached";
		return -ENOSPC;
	}
	if (bytes > max_bytes) {
		v->msg = "store full: kv_max_bytes reached";
		return -ENOSPC;
	}
	return 0;
}

#endif /* _NLIPC_KV_RULES_H */
