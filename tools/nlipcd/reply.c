// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Building answers: refcounted buffers, messages appended by offset, and
 * ACKs and NLMSG_DONE laid out as the kernel's netlink_ack() and
 * netlink_dump_done() lay them out for a socket with NETLINK_CAP_ACK and
 * NETLINK_EXT_ACK set, which is what libnlipc asks of netlink.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "nlipcd.h"
#include "policy.h"
#include "reply.h"

struct nlipcd_buf *nlipcd_buf_new(size_t cap)
{
	struct nlipcd_buf *b = malloc(sizeof(*b) + cap);

	if (!b)
		return NULL;
	b->ref = 1;
	b->len = 0;
	b->cap = cap;
	return b;
}

struct nlipcd_buf *nlipcd_buf_get(struct nlipcd_buf *b)
{
	b->ref++;
	return b;
}

void nlipcd_buf_put(struct nlipcd_buf *b)
{
	if (b && !--b->ref)
		free(b);
}

/* Room for @len more bytes; the buffer may move. NULL when out of memory. */
void *nlipcd_buf_reserve(struct nlipcd_buf **bp, size_t len)
{
	struct nlipcd_buf *b = *bp;
	size_t cap;

	if (b->len + len > b->cap) {
		cap = b->cap * 2 > b->len + len ? b->cap * 2 : b->len + len;
		b = realloc(b, sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->cap = cap;
		*bp = b;
	}
	return b->data + b->len;
}

int nlipcd_reply_init(struct nlipcd_reply *r, size_t hint)
{
	r->buf = nlipcd_buf_new(hint ? hint : 256);
	r->cur = 0;
	r->err = r->buf ? 0 : -ENOMEM;
	return r->err;
}

void nlipcd_reply_release(struct nlipcd_reply *r)
{
	nlipcd_buf_put(r->buf);
	r->buf = NULL;
}

struct nlmsghdr *nlipcd_reply_cur(const struct nlipcd_reply *r)
{
	return (struct nlmsghdr *)(r->buf->data + r->cur);
}

/* Appends @len bytes (zeroed) to the current message. */
static void *append(struct nlipcd_reply *r, size_t len)
{
	void *p;

	if (r->err)
		return NULL;
	p = nlipcd_buf_reserve(&r->buf, len);
	if (!p) {
		r->err = -ENOMEM;
		return NULL;
	}
	memset(p, 0, len);
	r->buf->len += len;
	nlipcd_reply_cur(r)->nlmsg_len = r->buf->len - r->cur;
	return p;
}

int nlipcd_reply_begin(struct nlipcd_reply *r, uint16_t type, uint16_t flags,
		       uint32_t seq, uint32_t portid)
{
	struct nlmsghdr *nlh;
	size_t at;

	if (r->err)
		return r->err;
	/* Messages of one buffer start aligned, as in a netlink skb. */
	at = MNL_ALIGN(r->buf->len);
	if (!nlipcd_buf_reserve(&r->buf, at - r->buf->len + NLMSG_HDRLEN)) {
		r->err = -ENOMEM;
		return r->err;
	}
	memset(r->buf->data + r->buf->len, 0, at - r->buf->len);
	r->buf->len = at;
	r->cur = at;
	nlh = (struct nlmsghdr *)(r->buf->data + at);
	memset(nlh, 0, NLMSG_HDRLEN);
	r->buf->len += NLMSG_HDRLEN;
	nlh->nlmsg_len = NLMSG_HDRLEN;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = portid;
	return 0;
}

int nlipcd_reply_genl(struct nlipcd_reply *r, uint16_t type, uint16_t flags,
		      uint32_t seq, uint32_t portid, uint8_t cmd,
		      uint8_t version)
{
	struct genlmsghdr *g;

	if (nlipcd_reply_begin(r, type, flags, seq, portid))
		return r->err;
	g = append(r, GENL_HDRLEN);
	if (!g)
		return r->err;
	g->cmd = cmd;
	g->version = version;
	return 0;
}

/* Drop the message being built, e.g. one that would overfill a round. */
void nlipcd_reply_cancel(struct nlipcd_reply *r)
{
	r->buf->len = r->cur;
}

/* Raw bytes (whole attributes) onto the current message. */
int nlipcd_reply_append(struct nlipcd_reply *r, const void *data, size_t len)
{
	void *p = append(r, MNL_ALIGN(len));

	if (p)
		memcpy(p, data, len);
	return r->err;
}

/* A copy of a whole message, as the next message of the answer. */
struct nlmsghdr *nlipcd_reply_copy(struct nlipcd_reply *r,
				   const struct nlmsghdr *nlh)
{
	struct nlmsghdr *m;

	if (nlipcd_reply_begin(r, 0, 0, 0, 0))
		return NULL;
	r->buf->len -= NLMSG_HDRLEN;
	if (!append(r, MNL_ALIGN(nlh->nlmsg_len)))
		return NULL;
	m = nlipcd_reply_cur(r);
	memcpy(m, nlh, nlh->nlmsg_len);
	return m;
}

void *nlipcd_reply_reserve(struct nlipcd_reply *r, uint16_t type, size_t len)
{
	struct nlattr *a = append(r, MNL_ATTR_HDRLEN + MNL_ALIGN(len));

	if (!a)
		return NULL;
	a->nla_len = MNL_ATTR_HDRLEN + len;
	a->nla_type = type;
	return (char *)a + MNL_ATTR_HDRLEN;
}

int nlipcd_reply_put(struct nlipcd_reply *r, uint16_t type, const void *data,
		     size_t len)
{
	void *p = nlipcd_reply_reserve(r, type, len);

	if (p && len)
		memcpy(p, data, len);
	return r->err;
}

int nlipcd_reply_put_u32(struct nlipcd_reply *r, uint16_t type, uint32_t v)
{
	return nlipcd_reply_put(r, type, &v, sizeof(v));
}

/*
 * No pad attribute before 64-bit values: x86 has efficient unaligned
 * access, where the kernel's nla_put_u64_64bit() never pads either.
 */
int nlipcd_reply_put_u64(struct nlipcd_reply *r, uint16_t type, uint64_t v)
{
	return nlipcd_reply_put(r, type, &v, sizeof(v));
}

int nlipcd_reply_put_str(struct nlipcd_reply *r, uint16_t type, const char *s)
{
	return nlipcd_reply_put(r, type, s, strlen(s) + 1);
}

size_t nlipcd_reply_nest_start(struct nlipcd_reply *r, uint16_t type)
{
	struct nlattr *a = append(r, MNL_ATTR_HDRLEN);

	if (!a)
		return 0;
	a->nla_type = type | NLA_F_NESTED;
	return (size_t)((unsigned char *)a - r->buf->data);
}

void nlipcd_reply_nest_end(struct nlipcd_reply *r, size_t nest)
{
	struct nlattr *a;

	if (r->err || !nest)
		return;
	a = (struct nlattr *)(r->buf->data + nest);
	a->nla_len = r->buf->len - nest;
}

/*
 * End a nest as nlctrl builds its own (CTRL_ATTR_OPS,
 * CTRL_ATTR_MCAST_GROUPS and their entries): without NLA_F_NESTED.
 */
void nlipcd_reply_nest_end_plain(struct nlipcd_reply *r, size_t nest)
{
	struct nlattr *a;

	if (r->err || !nest)
		return;
	nlipcd_reply_nest_end(r, nest);
	a = (struct nlattr *)(r->buf->data + nest);
	a->nla_type &= ~NLA_F_NESTED;
}

/* __netlink_policy_dump_write_attr() for the types nlipc uses. */
int nlipcd_reply_policy_attr(struct nlipcd_reply *r,
			     const struct nlipcd_policy_attr *pt)
{
	uint32_t type;
	uint64_t max;

	switch (pt->type) {
	case NLIPCD_NLA_FLAG:
		type = NL_ATTR_TYPE_FLAG;
		break;
	case NLIPCD_NLA_U8:
	case NLIPCD_NLA_U16:
	case NLIPCD_NLA_U32:
	case NLIPCD_NLA_U64:
		type = pt->type == NLIPCD_NLA_U8 ? NL_ATTR_TYPE_U8 :
		       pt->type == NLIPCD_NLA_U16 ? NL_ATTR_TYPE_U16 :
		       pt->type == NLIPCD_NLA_U32 ? NL_ATTR_TYPE_U32 :
		       NL_ATTR_TYPE_U64;
		max = pt->type == NLIPCD_NLA_U8 ? UINT8_MAX :
		      pt->type == NLIPCD_NLA_U16 ? UINT16_MAX :
		      pt->type == NLIPCD_NLA_U32 ? UINT32_MAX : UINT64_MAX;
		nlipcd_reply_put_u64(r, NL_POLICY_TYPE_ATTR_MIN_VALUE_U,
				     pt->range ? pt->min : 0);
		nlipcd_reply_put_u64(r, NL_POLICY_TYPE_ATTR_MAX_VALUE_U,
				     pt->range ? pt->max : max);
		break;
	case NLIPCD_NLA_BINARY:
	case NLIPCD_NLA_NUL_STRING:
		type = pt->type == NLIPCD_NLA_BINARY ? NL_ATTR_TYPE_BINARY :
		       NL_ATTR_TYPE_NUL_STRING;
		if (pt->range) {
			if (pt->min)
				nlipcd_reply_put_u32(r, NL_POLICY_TYPE_ATTR_MIN_LENGTH,
						     pt->min);
			if (pt->max < UINT16_MAX)
				nlipcd_reply_put_u32(r, NL_POLICY_TYPE_ATTR_MAX_LENGTH,
						     pt->max);
		} else if (pt->len) {
			nlipcd_reply_put_u32(r, NL_POLICY_TYPE_ATTR_MAX_LENGTH,
					     pt->len);
		}
		break;
	default:
		return -ENODATA;	/* NLA_REJECT, NLA_UNSPEC */
	}
	return nlipcd_reply_put_u32(r, NL_POLICY_TYPE_ATTR_TYPE, type);
}

static bool policy_describable(const struct nlipcd_policy_attr *pt)
{
	return pt && pt->type != NLIPCD_NLA_REJECT &&
	       pt->type != NLIPCD_NLA_UNSPEC;
}

/**
 * nlipcd_reply_ack - append an ACK or error, as netlink_ack() does
 * @r: the answer
 * @req: the request (its header is echoed, capped)
 * @portid: the client's port id
 * @err: 0 or a negative errno
 * @ext: extack details, or NULL
 *
 * The offending attribute, policy and missing type are only reported
 * with an error; a message also with success (a warning). Returns 0 or
 * -ENOMEM.
 */
int nlipcd_reply_ack(struct nlipcd_reply *r, const struct nlmsghdr *req,
		     uint32_t portid, int err, const struct nlipcd_extack *ext)
{
	bool tlvs = ext && (ext->msg || (err && (ext->bad_attr ||
		    policy_describable(ext->policy) || ext->miss_type)));
	struct nlmsgerr *e;
	size_t nest;

	if (nlipcd_reply_begin(r, NLMSG_ERROR,
			       NLM_F_CAPPED | (tlvs ? NLM_F_ACK_TLVS : 0),
			       req->nlmsg_seq, portid))
		return r->err;
	e = append(r, sizeof(*e));
	if (!e)
		return r->err;
	e->error = err;
	memcpy(&e->msg, req, sizeof(e->msg));
	if (!tlvs)
		return r->err;
	if (ext->msg)
		nlipcd_reply_put_str(r, NLMSGERR_ATTR_MSG, ext->msg);
	if (!err)
		return r->err;
	if (ext->bad_attr)
		nlipcd_reply_put_u32(r, NLMSGERR_ATTR_OFFS,
				     (uint32_t)((const char *)ext->bad_attr -
						(const char *)req));
	if (policy_describable(ext->policy)) {
		nest = nlipcd_reply_nest_start(r, NLMSGERR_ATTR_POLICY);
		nlipcd_reply_policy_attr(r, ext->policy);
		nlipcd_reply_nest_end(r, nest);
	}
	if (ext->miss_type)
		nlipcd_reply_put_u32(r, NLMSGERR_ATTR_MISS_TYPE, ext->miss_type);
	return r->err;
}

/* NLMSG_DONE ending a dump; @flags adds NLM_F_DUMP_INTR when due. */
int nlipcd_reply_done(struct nlipcd_reply *r, uint32_t seq, uint32_t portid,
		      uint16_t flags)
{
	if (nlipcd_reply_begin(r, NLMSG_DONE, NLM_F_MULTI | flags, seq, portid))
		return r->err;
	append(r, sizeof(int));
	return r->err;
}
