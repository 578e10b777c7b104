// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The endpoint's error record: filled from the kernel's (or daemon's)
 * extended ACK, or by the library itself, and rendered for people.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

int nlipc_fail(struct nlipc *ep, int code, const char *fmt, ...)
{
	va_list ap;

	nlipc_error_clear(ep);
	ep->err.code = code;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(ep->err.msg, sizeof(ep->err.msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

/* The type of the attribute starting at @off in our request, or -1. */
static int attr_at(const struct nlmsghdr *req, uint32_t off)
{
	const char *base = (const char *)req;
	const struct nlattr *a;

	mnl_attr_for_each(a, req, GENL_HDRLEN) {
		uint32_t start = (const char *)a - base;

		if (start == off)
			return mnl_attr_get_type(a);
		/* Inside a nest: name the nest, the closest we can tell. */
		if (off > start && off < start + mnl_attr_get_len(a))
			return mnl_attr_get_type(a);
	}
	return -1;
}

static int ack_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= NLMSGERR_ATTR_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

/*
 * Fill the record from an NLMSG_ERROR or NLMSG_DONE carrying an error
 * and its extack TLVs. Returns the (negative) error code.
 */
int nlipc_error_from_ack(struct nlipc *ep, const struct nlmsghdr *nlh)
{
	/* mnl_nlmsg_get_payload() and _len(), without the calls. */
	const void *payload = (const char *)nlh + NLMSG_HDRLEN;
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN;
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const struct nlmsghdr *req = ep->msg.nlh;
	unsigned int off;
	int code;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = payload;

		if (len < sizeof(*e))
			return nlipc_fail(ep, -EBADMSG, "truncated error message");
		code = e->error;
		off = sizeof(*e);
		/*
		 * The echoed request's length is the peer's word: one that
		 * does not fit leaves no room for TLVs we could trust.
		 */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (e->msg.nlmsg_len < sizeof(e->msg) ||
			    e->msg.nlmsg_len - sizeof(e->msg) > len - off)
				off = UINT32_MAX;
			else
				off += e->msg.nlmsg_len - sizeof(e->msg);
		}
	} else {
		if (len < sizeof(int))
			return nlipc_fail(ep, -EBADMSG, "truncated done message");
		code = *(const int *)payload;
		off = sizeof(int);
	}
	if (code > 0 || code < -4095)
		return nlipc_fail(ep, -EBADMSG, "error code %d out of range",
				  code);

	nlipc_error_clear(ep);
	ep->err.code = code;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off > len)
		return code;
	memset(tb, 0, sizeof(tb));
	if (mnl_attr_parse(nlh, off, ack_attr_cb, tb) < 0)
		return code;

	if (tb[NLMSGERR_ATTR_MSG] &&
	    !mnl_attr_validate(tb[NLMSGERR_ATTR_MSG], MNL_TYPE_NUL_STRING))
		snprintf(ep->err.msg, sizeof(ep->err.msg), "%s",
			 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS] && req &&
	    !mnl_attr_validate(tb[NLMSGERR_ATTR_OFFS], MNL_TYPE_U32))
		ep->err.attr = attr_at(req, mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    !mnl_attr_validate(tb[NLMSGERR_ATTR_MISS_TYPE], MNL_TYPE_U32))
		ep->err.missing_attr = mnl_attr_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	if (ep->err.attr >= 0)
		ep->err.attr_name = nlipc_attr_name(ep->err.cmd, ep->err.attr);
	else if (ep->err.missing_attr >= 0)
		ep->err.attr_name = nlipc_attr_name(ep->err.cmd,
						    ep->err.missing_attr);
	return code;
}

/**
 * nlipc_error - the error record of the last failed call on an endpoint
 * @ep: the endpoint
 *
 * Returns a record owned by @ep, valid until the next call on it.
 */
NLIPC_EXPORT const struct nlipc_error *nlipc_error(const struct nlipc *ep)
{
	return &ep->err;
}

/**
 * nlipc_strerror - render an error record for people
 * @e: the record, from nlipc_error() or a failed nlipc_open()
 * @buf: receives "reason: message (attribute NAME)"
 * @len: room at @buf
 *
 * Returns what snprintf() returns.
 */
NLIPC_EXPORT int nlipc_strerror(const struct nlipc_error *e, char *buf,
				size_t len)
{
	char attr[64] = "";

	if (e->attr >= 0 || e->missing_attr >= 0) {
		const char *what = e->attr >= 0 ? "attribute" : "missing attribute";
		int type = e->attr >= 0 ? e->attr : e->missing_attr;

		if (e->attr_name)
			snprintf(attr, sizeof(attr), " (%s %s)", what,
				 e->attr_name);
		else
			snprintf(attr, sizeof(attr), " (%s %d)", what, type);
	}

	return snprintf(buf, len, "%s%s%s%s", strerror(-e->code),
			e->msg[0] ? ": " : "", e->msg, attr);
}
