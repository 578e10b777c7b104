/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Refcounted buffers and the netlink answers built in them (reply.c).
 */
#ifndef _NLIPCD_REPLY_H
#define _NLIPCD_REPLY_H

#include "nlipcd.h"

struct nlipcd_policy_attr;

/* ------------------------------------------------------------------ */
/* Buffers: refcounted, so one notification is queued to many clients  */
/* ------------------------------------------------------------------ */

struct nlipcd_buf {
	unsigned int ref;
	size_t len, cap;
	unsigned char data[];
};

struct nlipcd_buf *nlipcd_buf_new(size_t cap);
struct nlipcd_buf *nlipcd_buf_get(struct nlipcd_buf *b);
void nlipcd_buf_put(struct nlipcd_buf *b);
void *nlipcd_buf_reserve(struct nlipcd_buf **b, size_t len);

/* ------------------------------------------------------------------ */
/* Replies (reply.c)                                                    */
/* ------------------------------------------------------------------ */

/* What netlink_ext_ack carries in the kernel, as far as nlipc uses it. */
struct nlipcd_extack {
	const char *msg;
	const void *bad_attr;		/* inside the request */
	const struct nlipcd_policy_attr *policy;
	uint32_t miss_type;
};

#define NLIPCD_SET_ERR_MSG(ext, m)	((ext)->msg = (m))
#define NLIPCD_SET_ERR_ATTR(ext, a, m)	\
	do { (ext)->bad_attr = (a); (ext)->msg = (m); } while (0)

/*
 * One answer being built: messages appended to a buffer that becomes one
 * datagram (or a run of stream bytes). A do request's reply and its ACK
 * always share one. Messages and nests are tracked by offset, so the
 * buffer may grow under them; pointers from nlipcd_reply_cur() and
 * nlipcd_reply_reserve() last until the next append.
 */
struct nlipcd_reply {
	struct nlipcd_buf *buf;
	size_t cur;		/* offset of the message being built */
	int err;		/* -ENOMEM once an append failed */
};

int nlipcd_reply_init(struct nlipcd_reply *r, size_t hint);
void nlipcd_reply_release(struct nlipcd_reply *r);
int nlipcd_reply_begin(struct nlipcd_reply *r, uint16_t type, uint16_t flags,
		       uint32_t seq, uint32_t portid);
int nlipcd_reply_genl(struct nlipcd_reply *r, uint16_t type, uint16_t flags,
		      uint32_t seq, uint32_t portid, uint8_t cmd,
		      uint8_t version);
struct nlmsghdr *nlipcd_reply_cur(const struct nlipcd_reply *r);
void nlipcd_reply_cancel(struct nlipcd_reply *r);
void *nlipcd_reply_reserve(struct nlipcd_reply *r, uint16_t type, size_t len);
int nlipcd_reply_append(struct nlipcd_reply *r, const void *data, size_t len);
struct nlmsghdr *nlipcd_reply_copy(struct nlipcd_reply *r,
				   const struct nlmsghdr *nlh);
int nlipcd_reply_put(struct nlipcd_reply *r, uint16_t type, const void *data,
		     size_t len);
int nlipcd_reply_put_u32(struct nlipcd_reply *r, uint16_t type, uint32_t v);
int nlipcd_reply_put_u64(struct nlipcd_reply *r, uint16_t type, uint64_t v);
int nlipcd_reply_put_str(struct nlipcd_reply *r, uint16_t type,
			 const char *s);
size_t nlipcd_reply_nest_start(struct nlipcd_reply *r, uint16_t type);
void nlipcd_reply_nest_end(struct nlipcd_reply *r, size_t nest);
void nlipcd_reply_nest_end_plain(struct nlipcd_reply *r, size_t nest);
int nlipcd_reply_ack(struct nlipcd_reply *r, const struct nlmsghdr *req,
		     uint32_t portid, int err,
		     const struct nlipcd_extack *ext);
int nlipcd_reply_done(struct nlipcd_reply *r, uint32_t seq, uint32_t portid,
		      uint16_t flags);

/* The policy of one attribute, as netlink's policy dump describes it. */
int nlipcd_reply_policy_attr(struct nlipcd_reply *r,
			     const struct nlipcd_policy_attr *pt);

#endif /* _NLIPCD_REPLY_H */
