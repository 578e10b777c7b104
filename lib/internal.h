/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libnlipc's private declarations: the endpoint and its helpers. */
#ifndef _NLIPC_INTERNAL_H
#define _NLIPC_INTERNAL_H

#include <config.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <nlipc/nlipc.h>

#include "genl-family.h"
#include "transport.h"
#include "url.h"

/* Requests up to a ping of the largest payload, with headers. */
#define NLIPC_TX_SIZE		(72 * 1024)
/* Receive buffers start at 32 KiB and grow to fit a larger message. */
#define NLIPC_RX_SIZE		(32 * 1024)
#define NLIPC_RX_MAX		(1024 * 1024)
/* Socket buffers: room for the largest reply and its ACK. */
#define NLIPC_SOCK_BUFSIZE	(1024 * 1024)
/* A dump that keeps racing writers is given up after this many passes. */
#define NLIPC_DUMP_TRIES	8
/*
 * What one call takes from the service before it gives up: a dump of
 * the largest store nlipcd or the module allows (2^20 entries, 16 MiB by
 * default) fits well; a server that never ends one does not.
 */
#define NLIPC_CALL_MSGS_MAX	(1u << 21)
#define NLIPC_CALL_BYTES_MAX	(128u << 20)
/* What nlipc_open_genl() resolves: the controller itself. */
#define NLIPC_CTRL_FAMILY_NAME	"nlctrl"
/* Multicast groups kept from a bridged getfamily reply. */
#define NLIPC_GROUPS_MAX	8

#define NLIPC_EXPORT		__attribute__((visibility("default")))
#define NLIPC_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct nlipc_msg {
	struct nlipc *ep;
	struct nlmsghdr *nlh;
	int overflow;		/* why a put failed (-E2BIG, -EMSGSIZE), or 0 */
};

/* UDP's round-trip estimate (rtt.c), per endpoint: one path each. */
struct nlipc_rtt {
	bool valid;		/* a sample was taken */
	unsigned int backoff;	/* doublings since the last sample */
	unsigned long long srtt_us;
	unsigned long long rttvar_us;
	unsigned int rto_ms;	/* nlipc_rtt_rto(), kept up to date */
};

struct nlipc {
	const struct nlipc_transport *tp;
	void *tp_priv;
	int fd;
	uint32_t portid;	/* ours, as the service knows it */
	const char *family_name;	/* what resolve() resolves */
	uint16_t family_id;
	uint8_t family_version;
	uint32_t seq;
	int timeout_ms;
	long long rcvtimeo_ms;	/* what SO_RCVTIMEO holds, 0: no limit */
	long long deadline;	/* of the call in progress (nlipc_deadline) */
	long long recv_ms;	/* when nlipc_recvmsg() last began, by a time */
	size_t call_msgs;	/* ... and what it has taken so far */
	size_t call_bytes;
	char url[256];

	/*
	 * tls://: the files given to nlipc_open_tls(), or NULL, and what
	 * tls.c loaded from them (its credentials), for every address tried.
	 */
	struct {
		char *ca, *cert, *key;
		void *cred;
	} tls;

	/* Bridged transports (ctrl.c): what the first exchange taught us. */
	bool learn_portid;	/* take our port id from the next reply */
	bool order_checked;	/* the peer has our byte order */
	struct nlipc_genl_group groups[NLIPC_GROUPS_MAX];
	unsigned int ngroups;

	struct nlipc_rtt rtt;	/* lossy transports: when to resend */

	bool subscribed;	/* receives notifications, sends nothing */
	size_t ev_off, ev_left;	/* notifications not yet taken from rx */
	bool ev_lost;		/* some were lost while joining a group */

	struct nlipc_msg msg;
	void *tx;
	void *rx;
	size_t rx_size;

	struct nlipc_error err;
};

/*
 * libmnl 1.0.4's mnl_nlmsg_ok() compares nlmsg_len as an int, so a length
 * of 2 GiB or more passes and mnl_nlmsg_next() leaps out of the buffer
 * (found by tests/fuzz/fuzz-reply). Every walk over a peer's bytes uses
 * this instead.
 */
static inline bool nlipc_nlmsg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (unsigned int)len;
}

/* mnl_nlmsg_next(), inline: the walk of every reply steps with it. */
static inline const struct nlmsghdr *
nlipc_nlmsg_next(const struct nlmsghdr *nlh, int *len)
{
	*len -= NLMSG_ALIGN(nlh->nlmsg_len);
	return (const struct nlmsghdr *)((const char *)nlh +
					 NLMSG_ALIGN(nlh->nlmsg_len));
}

/*
 * The generic netlink header of a message from a peer, or NULL if the
 * message is too short to hold one: every parser starts here.
 */
static inline const struct genlmsghdr *
nlipc_genl_hdr(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return NULL;
	return (const struct genlmsghdr *)((const char *)nlh + NLMSG_HDRLEN);
}

/* error.c */
int nlipc_fail(struct nlipc *ep, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int nlipc_error_from_ack(struct nlipc *ep, const struct nlmsghdr *nlh);

/* Inline: every call starts with it. */
static inline void nlipc_error_clear(struct nlipc *ep)
{
	ep->err.code = 0;
	ep->err.msg[0] = '\0';
	ep->err.attr = -1;
	ep->err.missing_attr = -1;
	ep->err.attr_name = NULL;
}

/* names-gen.c: each command's name and its attribute set's names */
struct nlipc_op_names {
	const char *name;
	const char *const *attrs;	/* by attribute type */
	unsigned int n_attrs;
};

extern const struct nlipc_op_names nlipc_op_names[NLIPC_CMD_MAX + 1];

/* kv.c */
int nlipc_kv_entry_parse(const struct nlmsghdr *nlh, struct nlipc_kv_entry *e);
struct nlipc_msg *nlipc_kv_set_msg(struct nlipc *ep, const void *key,
				   size_t key_len, const void *value,
				   size_t value_len, unsigned int flags);

/* call.c */
long long nlipc_now_us(void);
long long nlipc_now_ms(void);
int nlipc_deadline(int timeout_ms, long long *deadline);
int nlipc_poll(int fd, short events, long long deadline);
int nlipc_wait(struct nlipc *ep, short events, long long deadline);
ssize_t nlipc_recvmsg(struct nlipc *ep, struct msghdr *mh, int flags,
		      long long until);
bool nlipc_expired(long long deadline);
int nlipc_rx_reserve(struct nlipc *ep, size_t len);
int nlipc_transact(struct nlipc *ep, struct nlipc_msg *m, nlipc_reply_cb cb,
		   void *arg);

/* rtt.c */
void nlipc_rtt_init(struct nlipc_rtt *r);
void nlipc_rtt_sample(struct nlipc_rtt *r, unsigned long long rtt_us);
void nlipc_rtt_backoff(struct nlipc_rtt *r);
unsigned int nlipc_rtt_rto(const struct nlipc_rtt *r);

/* ctrl.c: the resolve and join ops of the bridged transports */
int nlipc_ctrl_resolve(struct nlipc *ep);
int nlipc_ctrl_join(struct nlipc *ep, const char *name);
int nlipc_ctrl_join_id(struct nlipc *ep, uint32_t id);
int nlipc_ctrl_check_order(struct nlipc *ep, const struct nlmsghdr *nlh,
			   size_t max);

#endif /* _NLIPC_INTERNAL_H */
