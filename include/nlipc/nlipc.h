/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnlipc: one message API for the nlipc family over every socket family.
 *
 * Conventions: every function that can fail returns 0 (or a count) on
 * success and a negative errno on failure, and leaves the details in the
 * endpoint's error record (nlipc_error()). Nothing blocks longer than the
 * endpoint's timeout.
 *
 * Thread safety: an endpoint is not locked. Use one endpoint per thread, or
 * serialise calls on a shared endpoint yourself; distinct endpoints are
 * fully independent and may be used from any number of threads at once.
 */
#ifndef _NLIPC_NLIPC_H
#define _NLIPC_NLIPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/nlipc.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An open connection to the nlipc service (opaque). */
struct nlipc;

/** A request being built in an endpoint's send buffer (opaque). */
struct nlipc_msg;

/** What the last failed call on an endpoint learnt about its failure. */
struct nlipc_error {
	int code;		/**< negative errno, 0 after a success */
	char msg[256];		/**< extack or library message, may be empty */
	int attr;		/**< offending attribute type, or -1 */
	int missing_attr;	/**< required attribute that was absent, or -1 */
	const char *attr_name;	/**< name of attr or missing_attr, or NULL */
	uint8_t cmd;		/**< command of the failed request, 0 if none */
};

/* ------------------------------------------------------------------ */
/* Endpoints                                                            */
/* ------------------------------------------------------------------ */

/** Default timeout of every blocking call, in milliseconds. */
#define NLIPC_DEFAULT_TIMEOUT_MS 5000

int nlipc_open(struct nlipc **ep, const char *url, struct nlipc_error *err);
int nlipc_open_timeout(struct nlipc **ep, const char *url, int timeout_ms,
		       struct nlipc_error *err);
int nlipc_open_genl(struct nlipc **ep, const char *url, int timeout_ms,
		    struct nlipc_error *err);

/**
 * What a tls:// endpoint proves itself with and trusts, as PEM files. A
 * member left NULL is taken from the environment (NLIPC_TLS_CA,
 * NLIPC_TLS_CERT, NLIPC_TLS_KEY); zero the struct before filling it.
 */
struct nlipc_tls_files {
	const char *ca;		/**< CAs the server's certificate must chain
				     to; none: the system's trust store */
	const char *cert;	/**< our certificate (chain); none: no client
				     certificate */
	const char *key;	/**< its private key; none: in @cert's file */
};

int nlipc_open_tls(struct nlipc **ep, const char *url, int timeout_ms,
		   const struct nlipc_tls_files *tls, struct nlipc_error *err);
int nlipc_open_genl_tls(struct nlipc **ep, const char *url, int timeout_ms,
			const struct nlipc_tls_files *tls,
			struct nlipc_error *err);
const char *nlipc_transport_info(const struct nlipc *ep);
void nlipc_close(struct nlipc *ep);
int nlipc_fd(const struct nlipc *ep);
void nlipc_set_timeout(struct nlipc *ep, int timeout_ms);
const char *nlipc_url(const struct nlipc *ep);
const char *nlipc_version(void);

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

const struct nlipc_error *nlipc_error(const struct nlipc *ep);
int nlipc_strerror(const struct nlipc_error *e, char *buf, size_t len);
const char *nlipc_op_name(uint8_t cmd);
const char *nlipc_attr_name(uint8_t cmd, int type);

/* ------------------------------------------------------------------ */
/* Generic core: requests, replies, dumps                               */
/* ------------------------------------------------------------------ */

struct nlipc_msg *nlipc_msg_start(struct nlipc *ep, uint8_t cmd,
				  uint16_t flags);
struct nlipc_msg *nlipc_msg_start_family(struct nlipc *ep, uint16_t family,
					 uint8_t cmd, uint8_t version,
					 uint16_t flags);
uint16_t nlipc_family_id(const struct nlipc *ep);
void nlipc_msg_put(struct nlipc_msg *m, uint16_t type, const void *data,
		   size_t len);
void nlipc_msg_put_u32(struct nlipc_msg *m, uint16_t type, uint32_t v);
void nlipc_msg_put_u64(struct nlipc_msg *m, uint16_t type, uint64_t v);
void nlipc_msg_put_str(struct nlipc_msg *m, uint16_t type, const char *s);
struct nlmsghdr *nlipc_msg_hdr(struct nlipc_msg *m);

/**
 * Called for every reply message, and with @nlh NULL when a dump restarts
 * after NLM_F_DUMP_INTR (drop what the earlier pass delivered). Return 0
 * to go on, a negative errno to stop the call with that error.
 */
typedef int (*nlipc_reply_cb)(const struct nlmsghdr *nlh, void *arg);

int nlipc_call(struct nlipc *ep, struct nlipc_msg *m, nlipc_reply_cb cb,
	       void *arg);
int nlipc_attr_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		     unsigned int maxtype);

/* ------------------------------------------------------------------ */
/* Typed operations                                                     */
/* ------------------------------------------------------------------ */

/** A ping: request fields in, reply fields out. */
struct nlipc_ping {
	const void *payload;	/**< bytes to send, may be NULL */
	uint32_t len;		/**< their length */
	bool has_cookie;	/**< send @cookie */
	uint64_t cookie;	/**< echoed back into @reply_cookie */
	bool has_reply_size;	/**< ask for @reply_size bytes back */
	uint32_t reply_size;
	void *reply;		/**< where to copy the reply payload, or NULL */
	uint32_t reply_cap;	/**< room at @reply */
	uint32_t reply_len;	/**< out: reply payload length */
	uint64_t reply_cookie;	/**< out: the echoed cookie */
};

int nlipc_ping(struct nlipc *ep, struct nlipc_ping *p);

/** Service information (info-get). Fields absent from the reply are 0. */
struct nlipc_info {
	char version[64];
	char backend[16];
	uint64_t uptime_ms;
	uint32_t ping_max_payload;
	uint32_t kv_max_entries;
	uint32_t kv_max_key_len;
	uint32_t kv_max_value_len;
	uint64_t kv_max_bytes;
	uint32_t kv_entries;
	uint64_t kv_bytes;
	uint32_t family_version;	/**< from the reply's genl header */
};

int nlipc_info_get(struct nlipc *ep, struct nlipc_info *info);

/** Counters of one operation (stats-get). */
struct nlipc_op_stats {
	uint32_t cmd;
	uint64_t requests;
	uint64_t errors;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
};

int nlipc_stats_get(struct nlipc *ep, struct nlipc_op_stats *ops,
		    size_t max_ops);
int nlipc_stats_reset(struct nlipc *ep);

/* kv-set flags, with rtnetlink's NLM_F_CREATE/EXCL/REPLACE meanings. */
#define NLIPC_KV_CREATE		0x1	/**< create a missing key */
#define NLIPC_KV_EXCL		0x2	/**< fail if the key exists */
#define NLIPC_KV_REPLACE	0x4	/**< replace an existing key */

/** One entry of the store, pointing into a received message. */
struct nlipc_kv_entry {
	const void *key;
	size_t key_len;
	const void *value;	/**< NULL in a kv-del notification */
	size_t value_len;
};

/** Called per listed entry, and with NULL when the listing restarts. */
typedef int (*nlipc_kv_cb)(const struct nlipc_kv_entry *e, void *arg);

int nlipc_kv_set(struct nlipc *ep, const void *key, size_t key_len,
		 const void *value, size_t value_len, unsigned int flags);
long nlipc_kv_get(struct nlipc *ep, const void *key, size_t key_len,
		  void *value, size_t cap);
int nlipc_kv_del(struct nlipc *ep, const void *key, size_t key_len);
int nlipc_kv_list(struct nlipc *ep, const void *prefix, size_t prefix_len,
		  nlipc_kv_cb cb, void *arg);

/* ------------------------------------------------------------------ */
/* Batches: many requests, few system calls                             */
/* ------------------------------------------------------------------ */

/** Requests queued to be sent together (opaque). */
struct nlipc_batch;

struct nlipc_batch *nlipc_batch_new(struct nlipc *ep);
void nlipc_batch_free(struct nlipc_batch *b);
void nlipc_batch_reset(struct nlipc_batch *b);
unsigned int nlipc_batch_count(const struct nlipc_batch *b);
int nlipc_batch_add(struct nlipc_batch *b, struct nlipc_msg *m,
		    nlipc_reply_cb cb, void *arg);
int nlipc_batch_kv_set(struct nlipc_batch *b, const void *key,
		       size_t key_len, const void *value, size_t value_len,
		       unsigned int flags);
int nlipc_batch_run(struct nlipc_batch *b);
int nlipc_batch_errno(const struct nlipc_batch *b, unsigned int i);

/* ------------------------------------------------------------------ */
/* Notifications and the bus                                            */
/* ------------------------------------------------------------------ */

/** A notification; pointers are into the endpoint's receive buffer. */
struct nlipc_event {
	uint8_t cmd;		/**< NLIPC_CMD_KV_SET_NTF, _KV_DEL_NTF, _PUBLISH_NTF */
	const void *key;	/**< kv: the key */
	size_t key_len;
	const void *value;	/**< kv-set-ntf: the new value */
	size_t value_len;
	const char *topic;	/**< publish-ntf: the topic */
	const void *payload;	/**< publish-ntf: the payload, may be NULL */
	size_t payload_len;
	uint32_t sender;	/**< publish-ntf: the publisher's port id */
	const struct nlmsghdr *nlh;	/**< the whole message */
};

int nlipc_subscribe(struct nlipc *ep, const char *group);
int nlipc_next_event(struct nlipc *ep, struct nlipc_event *ev,
		     int timeout_ms);
int nlipc_publish(struct nlipc *ep, const char *topic, const void *payload,
		  size_t len);

/* Any family's notifications, undecoded (an endpoint of nlipc_open_genl()). */
int nlipc_join_group(struct nlipc *ep, uint32_t group_id);
int nlipc_next_msg(struct nlipc *ep, const struct nlmsghdr **nlh,
		   int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* _NLIPC_NLIPC_H */
