// SPDX-License-Identifier: LGPL-2.1-or-later
/* Typed calls for the key-value store: set, get, delete and list. */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "internal.h"

/**
 * nlipc_kv_set - set a key in the caller's network namespace
 * @ep: the endpoint
 * @key: the key, 1 to 255 bytes
 * @key_len: its length
 * @value: the value, may be empty
 * @value_len: its length
 * @flags: NLIPC_KV_CREATE, NLIPC_KV_EXCL, NLIPC_KV_REPLACE, with
 *	rtnetlink's meaning: 0 changes nothing and fails
 *
 * Returns 0, or a negative errno with the error record set: -ENOENT (no
 * such key, no NLIPC_KV_CREATE), -EEXIST (key exists, NLIPC_KV_EXCL or no
 * NLIPC_KV_REPLACE), -ENOSPC (store full), -EMSGSIZE (key or value over
 * the service's limit), -EPERM (needs CAP_NET_ADMIN).
 */
NLIPC_EXPORT int nlipc_kv_set(struct nlipc *ep, const void *key,
			      size_t key_len, const void *value,
			      size_t value_len, unsigned int flags)
{
	struct nlipc_msg *m = nlipc_kv_set_msg(ep, key, key_len, value,
					       value_len, flags);

	return m ? nlipc_call(ep, m, NULL, NULL) : ep->err.code;
}

/* A kv-set request, shared with batches; NULL with the record set. */
struct nlipc_msg *nlipc_kv_set_msg(struct nlipc *ep, const void *key,
				   size_t key_len, const void *value,
				   size_t value_len, unsigned int flags)
{
	struct nlipc_msg *m = nlipc_msg_start(ep, NLIPC_CMD_KV_SET, 0);

	if (flags & ~(NLIPC_KV_CREATE | NLIPC_KV_EXCL | NLIPC_KV_REPLACE)) {
		nlipc_fail(ep, -EINVAL, "unknown kv-set flags %#x", flags);
		return NULL;
	}
	nlipc_msg_put(m, NLIPC_A_KV_KEY, key, key_len);
	nlipc_msg_put(m, NLIPC_A_KV_VALUE, value, value_len);
	if (flags & NLIPC_KV_CREATE)
		nlipc_msg_put(m, NLIPC_A_KV_CREATE, NULL, 0);
	if (flags & NLIPC_KV_EXCL)
		nlipc_msg_put(m, NLIPC_A_KV_EXCL, NULL, 0);
	if (flags & NLIPC_KV_REPLACE)
		nlipc_msg_put(m, NLIPC_A_KV_REPLACE, NULL, 0);
	return m;
}

/* Decode one kv-get reply, dump item or notification. */
int nlipc_kv_entry_parse(const struct nlmsghdr *nlh, struct nlipc_kv_entry *e)
{
	const struct nlattr *tb[NLIPC_A_KV_MAX + 1] = {};
	const struct nlattr *key, *value;

	if (nlipc_attr_parse(nlh, tb, NLIPC_A_KV_MAX))
		return -EBADMSG;
	key = tb[NLIPC_A_KV_KEY];
	value = tb[NLIPC_A_KV_VALUE];
	if (!key || !mnl_attr_get_payload_len(key))
		return -EBADMSG;
	e->key = mnl_attr_get_payload(key);
	e->key_len = mnl_attr_get_payload_len(key);
	e->value = value ? mnl_attr_get_payload(value) : NULL;
	e->value_len = value ? mnl_attr_get_payload_len(value) : 0;
	return 0;
}

struct get_ctx {
	void *value;
	size_t cap, len;
};

static int get_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct get_ctx *ctx = arg;
	struct nlipc_kv_entry e;

	/* A kv-get reply always carries the value, empty or not. */
	if (nlipc_kv_entry_parse(nlh, &e) || !e.value)
		return -EBADMSG;
	ctx->len = e.value_len;
	if (ctx->value)
		memcpy(ctx->value, e.value,
		       e.value_len < ctx->cap ? e.value_len : ctx->cap);
	return 0;
}

/**
 * nlipc_kv_get - read a key's value
 * @ep: the endpoint
 * @key: the key
 * @key_len: its length
 * @value: receives up to @cap bytes of the value, may be NULL
 * @cap: room at @value
 *
 * Returns the value's full length (more than @cap means it was cut), or
 * a negative errno (-ENOENT: no such key) with the error record set.
 */
NLIPC_EXPORT long nlipc_kv_get(struct nlipc *ep, const void *key,
			       size_t key_len, void *value, size_t cap)
{
	struct nlipc_msg *m = nlipc_msg_start(ep, NLIPC_CMD_KV_GET, 0);
	struct get_ctx ctx = { value, cap, 0 };
	int err;

	nlipc_msg_put(m, NLIPC_A_KV_KEY, key, key_len);
	err = nlipc_call(ep, m, get_cb, &ctx);
	return err ? err : (long)ctx.len;
}

/**
 * nlipc_kv_del - delete a key
 * @ep: the endpoint
 * @key: the key
 * @key_len: its length
 *
 * Returns 0, or a negative errno (-ENOENT, -EPERM) with the error record
 * set.
 */
NLIPC_EXPORT int nlipc_kv_del(struct nlipc *ep, const void *key,
			      size_t key_len)
{
	struct nlipc_msg *m = nlipc_msg_start(ep, NLIPC_CMD_KV_DEL, 0);

	nlipc_msg_put(m, NLIPC_A_KV_KEY, key, key_len);
	return nlipc_call(ep, m, NULL, NULL);
}

struct list_ctx {
	nlipc_kv_cb cb;
	void *arg;
};

static int list_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct list_ctx *ctx = arg;
	struct nlipc_kv_entry e;

	if (!nlh)
		return ctx->cb(NULL, ctx->arg);
	if (nlipc_kv_entry_parse(nlh, &e))
		return -EBADMSG;
	return ctx->cb(&e, ctx->arg);
}

/**
 * nlipc_kv_list - walk the store, or the keys starting with a prefix
 * @ep: the endpoint
 * @prefix: bytes every listed key starts with, or NULL for all
 * @prefix_len: their length
 * @cb: called for each entry, which is valid only during the call; called
 *	with NULL when the listing restarts because the store changed
 *	under it (forget the entries seen so far); return 0 to go on or a
 *	negative errno to stop
 * @arg: passed to @cb
 *
 * The listing is consistent: it is retried while it races writers, and
 * fails with -EAGAIN if it never settles. Returns 0 or a negative errno
 * with the error record set.
 */
NLIPC_EXPORT int nlipc_kv_list(struct nlipc *ep, const void *prefix,
			       size_t prefix_len, nlipc_kv_cb cb, void *arg)
{
	struct nlipc_msg *m = nlipc_msg_start(ep, NLIPC_CMD_KV_GET, NLM_F_DUMP);
	struct list_ctx ctx = { cb, arg };

	if (prefix)
		nlipc_msg_put(m, NLIPC_A_KV_KEY_PREFIX, prefix, prefix_len);
	return nlipc_call(ep, m, list_cb, &ctx);
}
