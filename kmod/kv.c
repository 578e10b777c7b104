// SPDX-License-Identifier: GPL-2.0
/*
 * The key-value store: one per network namespace. Readers (get, dump) walk
 * it under RCU and never wait for writers; writers serialise on the
 * store's mutex. Entries are immutable: a replace publishes a new entry
 * and frees the old one after a grace period, so a reader holding a
 * reference can copy it without locks.
 *
 * Dumps resume by position in the store's list and carry the store's
 * generation, bumped by every change, so a dump that races a writer is
 * marked NLM_F_DUMP_INTR and the client runs it again.
 */

#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "nlipc.h"
#include "kv-rules.h"

struct nlipc_kv_entry {
	struct hlist_node node;		/* in a hash bucket */
	struct list_head list;		/* in the store's dump order */
	struct rcu_head rcu;
	refcount_t ref;			/* the store's, plus readers' */
	u32 hash;
	u16 key_len;
	u32 value_len;
	u8 data[];			/* key, then value */
};

struct nlipc_kv_store {
	struct mutex lock;		/* serialises writers */
	DECLARE_HASHTABLE(buckets, 10);
	struct list_head entries;
	u32 count;
	u64 bytes;
	u32 gen;			/* bumped on every change; never 0 */
};

static unsigned int nlipc_kv_net_id __read_mostly;

unsigned int nlipc_kv_max_entries = NLIPC_KV_DEFAULT_MAX_ENTRIES;
unsigned int nlipc_kv_max_key_len = NLIPC_KV_DEFAULT_MAX_KEY_LEN;
unsigned int nlipc_kv_max_value_len = NLIPC_KV_DEFAULT_MAX_VALUE_LEN;
unsigned long nlipc_kv_max_bytes = NLIPC_KV_DEFAULT_MAX_BYTES;

static int max_entries_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, NLIPC_KV_LIMIT_MAX_ENTRIES);
}

static int max_key_len_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, NLIPC_KV_KEY_MAX_LEN);
}

static int max_value_len_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, NLIPC_VALUE_MAX_LEN);
}

static const struct kernel_param_ops max_entries_ops = {
	.set = max_entries_set, .get = param_get_uint,
};
static const struct kernel_param_ops max_key_len_ops = {
	.set = max_key_len_set, .get = param_get_uint,
};
static const struct kernel_param_ops max_value_len_ops = {
	.set = max_value_len_set, .get = param_get_uint,
};

module_param_cb(kv_max_entries, &max_entries_ops, &nlipc_kv_max_entries, 0444);
MODULE_PARM_DESC(kv_max_entries, "Most keys per network namespace (0..1048576)");
module_param_cb(kv_max_key_len, &max_key_len_ops, &nlipc_kv_max_key_len, 0444);
MODULE_PARM_DESC(kv_max_key_len, "Longest key in bytes (1..255)");
module_param_cb(kv_max_value_len, &max_value_len_ops, &nlipc_kv_max_value_len,
		0444);
MODULE_PARM_DESC(kv_max_value_len, "Longest value in bytes (0..61440)");
module_param_named(kv_max_bytes, nlipc_kv_max_bytes, ulong, 0444);
MODULE_PARM_DESC(kv_max_bytes,
		 "Most key and value bytes per network namespace");

static struct nlipc_kv_store *kv_store(const struct net *net)
{
	return net_generic(net, nlipc_kv_net_id);
}

static u32 kv_hash(const void *key, u16 len)
{
	return jhash(key, len, 0);
}

static void kv_entry_put(struct nlipc_kv_entry *e)
{
	if (refcount_dec_and_test(&e->ref))
		kfree_rcu(e, rcu);
}

/* Caller holds rcu_read_lock() or the store's lock. */
static struct nlipc_kv_entry *kv_find(struct nlipc_kv_store *s,
				      const void *key, u16 len, u32 hash)
{
	struct nlipc_kv_entry *e;

	hash_for_each_possible_rcu(s->buckets, e, node, hash,
				   lockdep_is_held(&s->lock))
		if (e->hash == hash && e->key_len == len &&
		    !memcmp(e->data, key, len))
			return e;
	return NULL;
}

/* Takes a reference the caller drops with kv_entry_put(), or NULL. */
static struct nlipc_kv_entry *kv_get_entry(struct nlipc_kv_store *s,
					   const struct nlattr *key)
{
	u32 hash = kv_hash(nla_data(key), nla_len(key));
	struct nlipc_kv_entry *e;

	/*
	 * An entry whose last reference is gone was replaced or deleted, and
	 * is already out of the table: look again rather than report the key
	 * missing while it is being replaced.
	 */
	rcu_read_lock();
	do {
		e = kv_find(s, nla_data(key), nla_len(key), hash);
	} while (e && !refcount_inc_not_zero(&e->ref));
	rcu_read_unlock();
	return e;
}

static size_t kv_msg_size(u16 key_len, u32 value_len)
{
	return nla_total_size(key_len) + nla_total_size(value_len);
}

/*
 * One entry as a message of @cmd: a reply, a notification, or a dump item
 * (@cb set, to mark the message if the store changed since the last one).
 */
static int kv_fill(struct sk_buff *msg, const struct nlipc_kv_entry *e,
		   u32 portid, u32 seq, u8 cmd, bool with_value,
		   struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &nlipc_nl_family,
			  cb ? NLM_F_MULTI : 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put(msg, NLIPC_A_KV_KEY, e->key_len, e->data) ||
	    (with_value && nla_put(msg, NLIPC_A_KV_VALUE, e->value_len,
				   e->data + e->key_len))) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	genlmsg_end(msg, hdr);
	return 0;
}

/*
 * Notifications go out under the store's lock, so every subscriber sees
 * changes in the order they were made. A notification that could not be
 * built still tells the listeners: ENOBUFS on their sockets, as for an
 * overrun, so they re-dump rather than miss a change.
 */
static void kv_notify(struct net *net, struct sk_buff *msg)
{
	if (IS_ERR(msg))
		genl_set_err(&nlipc_nl_family, net, 0, NLIPC_NLGRP_EVENTS,
			     -ENOBUFS);
	else if (msg)
		genlmsg_multicast_netns(&nlipc_nl_family, net, msg, 0,
					NLIPC_NLGRP_EVENTS, GFP_KERNEL);
}

/* NULL when nobody listens, an ERR_PTR when the message can't be built. */
static struct sk_buff *kv_ntf_new(struct net *net,
				  const struct nlipc_kv_entry *e, u8 cmd)
{
	bool set = cmd == NLIPC_CMD_KV_SET_NTF;
	struct sk_buff *msg;

	if (!genl_has_listeners(&nlipc_nl_family, net, NLIPC_NLGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(kv_msg_size(e->key_len, set ? e->value_len : 0),
			  GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	if (kv_fill(msg, e, 0, 0, cmd, set, NULL)) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	return msg;
}

/* A rule's refusal (kv-rules.h) as the request's extack. */
static void kv_refuse(struct genl_info *info, const struct nlipc_kv_verdict *v)
{
	info->extack->_msg = v->msg;
	if (v->attr)
		NL_SET_BAD_ATTR(info->extack, info->attrs[v->attr]);
}

int nlipc_nl_kv_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *key = info->attrs[NLIPC_A_KV_KEY];
	struct nlattr *value = info->attrs[NLIPC_A_KV_VALUE];
	bool replace = nla_get_flag(info->attrs[NLIPC_A_KV_REPLACE]);
	bool create = nla_get_flag(info->attrs[NLIPC_A_KV_CREATE]);
	bool excl = nla_get_flag(info->attrs[NLIPC_A_KV_EXCL]);
	struct net *net = genl_info_net(info);
	struct nlipc_kv_store *s = kv_store(net);
	struct nlipc_kv_entry *e, *old;
	struct nlipc_kv_verdict v;
	struct sk_buff *ntf;
	u32 key_len, value_len;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, NLIPC_A_KV_KEY) ||
	    GENL_REQ_ATTR_CHECK(info, NLIPC_A_KV_VALUE))
		return -EINVAL;
	key_len = nla_len(key);
	value_len = nla_len(value);
	err = nlipc_kv_check_lens(key_len, value_len, nlipc_kv_max_key_len,
				  nlipc_kv_max_value_len, &v);
	if (err) {
		kv_refuse(info, &v);
		return err;
	}

	/* Charged to the caller's memory cgroup: the store is its data. */
	e = kmalloc(struct_size(e, data, key_len + value_len),
		    GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	refcount_set(&e->ref, 1);
	e->key_len = key_len;
	e->value_len = value_len;
	e->hash = kv_hash(nla_data(key), key_len);
	memcpy(e->data, nla_data(key), key_len);
	memcpy(e->data + key_len, nla_data(value), value_len);
	ntf = kv_ntf_new(net, e, NLIPC_CMD_KV_SET_NTF);

	mutex_lock(&s->lock);
	old = kv_find(s, e->data, key_len, e->hash);
	err = nlipc_kv_check_set(!!old, create, excl, replace, &v);
	if (!err)
		err = nlipc_kv_check_room(s->count, s->bytes, !!old,
					  old ? old->key_len + old->value_len : 0,
					  key_len + value_len,
					  nlipc_kv_max_entries,
					  nlipc_kv_max_bytes, &v);
	if (err) {
		kv_refuse(info, &v);
		goto err_unlock;
	}

	/* A replace swaps in place: readers see the old or the new, never none. */
	if (old) {
		hlist_replace_rcu(&old->node, &e->node);
		list_replace_rcu(&old->list, &e->list);
		s->bytes -= old->key_len + old->value_len;
	} else {
		hash_add_rcu(s->buckets, &e->node, e->hash);
		list_add_tail_rcu(&e->list, &s->entries);
		s->count++;
	}
	s->bytes += key_len + value_len;
	s->gen = s->gen + 1 ?: 1;
	kv_notify(net, ntf);
	mutex_unlock(&s->lock);

	if (old)
		kv_entry_put(old);
	return 0;

err_unlock:
	mutex_unlock(&s->lock);
	if (!IS_ERR(ntf))
		nlmsg_free(ntf);
	kfree(e);
	return err;
}

int nlipc_nl_kv_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *key = info->attrs[NLIPC_A_KV_KEY];
	struct net *net = genl_info_net(info);
	struct nlipc_kv_store *s = kv_store(net);
	struct nlipc_kv_entry *e;
	struct sk_buff *ntf;

	if (GENL_REQ_ATTR_CHECK(info, NLIPC_A_KV_KEY))
		return -EINVAL;

	mutex_lock(&s->lock);
	e = kv_find(s, nla_data(key), nla_len(key),
		    kv_hash(nla_data(key), nla_len(key)));
	if (!e) {
		mutex_unlock(&s->lock);
		NL_SET_ERR_MSG_ATTR(info->extack, key, "no such key");
		return -ENOENT;
	}
	hash_del_rcu(&e->node);
	list_del_rcu(&e->list);
	s->bytes -= e->key_len + e->value_len;
	s->count--;
	s->gen = s->gen + 1 ?: 1;
	/* Sleeping allocation under the mutex keeps notification order. */
	ntf = kv_ntf_new(net, e, NLIPC_CMD_KV_DEL_NTF);
	kv_notify(net, ntf);
	mutex_unlock(&s->lock);

	kv_entry_put(e);
	return 0;
}

int nlipc_nl_kv_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *key = info->attrs[NLIPC_A_KV_KEY];
	struct nlipc_kv_entry *e;
	struct sk_buff *msg;
	int err;

	if (info->attrs[NLIPC_A_KV_KEY_PREFIX]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[NLIPC_A_KV_KEY_PREFIX],
				    "key-prefix filters dumps, not gets");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, NLIPC_A_KV_KEY))
		return -EINVAL;

	e = kv_get_entry(kv_store(genl_info_net(info)), key);
	if (!e) {
		NL_SET_ERR_MSG_ATTR(info->extack, key, "no such key");
		return -ENOENT;
	}
	msg = genlmsg_new(kv_msg_size(e->key_len, e->value_len), GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_put_entry;
	}
	err = kv_fill(msg, e, info->snd_portid, info->snd_seq,
		      NLIPC_CMD_KV_GET, true, NULL);
	if (err)
		goto err_free_msg;
	kv_entry_put(e);
	return nlipc_nl_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
err_put_entry:
	kv_entry_put(e);
	return err;
}

/* Dump state, in the callback's scratch space. */
struct kv_dump_ctx {
	unsigned long pos;		/* entries of the list already walked */
};

int nlipc_nl_kv_get_start(struct netlink_callback *cb)
{
	const struct nlattr *key = nlipc_dump_attrs(cb)[NLIPC_A_KV_KEY];

	BUILD_BUG_ON(sizeof(struct kv_dump_ctx) > sizeof(cb->ctx));
	if (key) {
		NL_SET_ERR_MSG_ATTR(cb->extack, key,
				    "dumps filter by key-prefix, not key");
		return -EINVAL;
	}
	/* Any single entry fits a dump message: progress is guaranteed. */
	cb->min_dump_alloc = NLMSG_SPACE(GENL_HDRLEN +
					 kv_msg_size(NLIPC_KV_KEY_MAX_LEN,
						     NLIPC_VALUE_MAX_LEN));
	return 0;
}

int nlipc_nl_kv_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct nlattr *prefix =
		nlipc_dump_attrs(cb)[NLIPC_A_KV_KEY_PREFIX];
	struct nlipc_kv_store *s = kv_store(sock_net(skb->sk));
	struct kv_dump_ctx *ctx = (void *)cb->ctx;
	u32 plen = prefix ? nla_len(prefix) : 0;
	struct nlipc_kv_entry *e;
	unsigned long pos = 0;
	int err = 0;

	rcu_read_lock();
	cb->seq = READ_ONCE(s->gen);
	list_for_each_entry_rcu(e, &s->entries, list) {
		if (pos++ < ctx->pos)
			continue;
		if (e->key_len < plen || memcmp(e->data, nla_data(prefix), plen)) {
			ctx->pos = pos;
			continue;
		}
		err = kv_fill(skb, e, NETLINK_CB(cb->skb).portid,
			      cb->nlh->nlmsg_seq, NLIPC_CMD_KV_GET, true, cb);
		if (err)
			break;
		ctx->pos = pos;
	}
	rcu_read_unlock();

	/* A full message ends this round; an empty one would never end. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

void nlipc_kv_usage(const struct net *net, u32 *entries, u64 *bytes)
{
	struct nlipc_kv_store *s = kv_store(net);

	*entries = READ_ONCE(s->count);
	*bytes = READ_ONCE(s->bytes);
}

static int __net_init kv_net_init(struct net *net)
{
	struct nlipc_kv_store *s = kv_store(net);

	mutex_init(&s->lock);
	hash_init(s->buckets);
	INIT_LIST_HEAD(&s->entries);
	s->gen = 1;
	return 0;
}

/* The namespace has no sockets left, so nothing reads the store. */
static void __net_exit kv_net_exit(struct net *net)
{
	struct nlipc_kv_store *s = kv_store(net);
	struct nlipc_kv_entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, &s->entries, list) {
		list_del(&e->list);
		kfree(e);
	}
	mutex_destroy(&s->lock);
}

static struct pernet_operations nlipc_kv_net_ops = {
	.init = kv_net_init,
	.exit = kv_net_exit,
	.id = &nlipc_kv_net_id,
	.size = sizeof(struct nlipc_kv_store),
};

int __init nlipc_kv_init(void)
{
	return register_pernet_subsys(&nlipc_kv_net_ops);
}

void nlipc_kv_uninit(void)
{
	unregister_pernet_subsys(&nlipc_kv_net_ops);
	/* Entries replaced or deleted are freed after a grace period. */
	rcu_barrier();
}
