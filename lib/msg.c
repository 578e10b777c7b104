// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Requests are built in place in the endpoint's send buffer with libmnl:
 * no allocation per request. A put that does not fit marks the message,
 * and nlipc_call() then fails it with -EMSGSIZE, so callers need not check
 * every put.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

/**
 * nlipc_msg_start_family - begin a request to any generic netlink family
 * @ep: the endpoint
 * @family: the family id, e.g. GENL_ID_CTRL for the controller
 * @cmd: the family's command
 * @version: the family's version
 * @flags: NLM_F_* flags beyond NLM_F_REQUEST and NLM_F_ACK, which are
 *	always set (NLM_F_DUMP for a dump, NLM_F_CREATE etc. for a write)
 *
 * Returns the message, owned by @ep and valid until the next request is
 * started on it. Never fails.
 */
NLIPC_EXPORT struct nlipc_msg *nlipc_msg_start_family(struct nlipc *ep,
						      uint16_t family,
						      uint8_t cmd,
						      uint8_t version,
						      uint16_t flags)
{
	struct nlmsghdr *nlh = ep->tx;
	struct genlmsghdr *genl = (struct genlmsghdr *)((char *)nlh +
							NLMSG_HDRLEN);

	/* Both headers whole, as mnl_nlmsg_put_*header() would, in place. */
	*nlh = (struct nlmsghdr){
		.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN,
		.nlmsg_type = family,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags,
	};
	*genl = (struct genlmsghdr){ .cmd = cmd, .version = version };

	ep->msg.nlh = nlh;
	ep->msg.overflow = 0;
	return &ep->msg;
}

/**
 * nlipc_msg_start - begin a request to the nlipc family
 * @ep: the endpoint
 * @cmd: NLIPC_CMD_*
 * @flags: as for nlipc_msg_start_family()
 */
NLIPC_EXPORT struct nlipc_msg *nlipc_msg_start(struct nlipc *ep, uint8_t cmd,
					       uint16_t flags)
{
	return nlipc_msg_start_family(ep, ep->family_id, cmd,
				      NLIPC_FAMILY_VERSION, flags);
}

/**
 * nlipc_family_id - the nlipc family's id on this endpoint's transport
 * @ep: the endpoint; from nlipc_open_genl(), the controller's: GENL_ID_CTRL
 */
NLIPC_EXPORT uint16_t nlipc_family_id(const struct nlipc *ep)
{
	return ep->family_id;
}

/**
 * nlipc_msg_put - append an attribute
 * @m: the message
 * @type: attribute type
 * @data: its payload
 * @len: payload length
 */
NLIPC_EXPORT void nlipc_msg_put(struct nlipc_msg *m, uint16_t type,
				const void *data, size_t len)
{
	struct nlmsghdr *nlh = m->nlh;
	char *pad;

	if (m->overflow)
		return;
	if (len > UINT16_MAX - MNL_ATTR_HDRLEN) {
		m->overflow = -E2BIG;
		return;
	}
	/* mnl_attr_put_check()'s test, without its calls to find the tail. */
	if (MNL_ALIGN(nlh->nlmsg_len) + MNL_ATTR_HDRLEN + MNL_ALIGN(len) >
	    NLIPC_TX_SIZE) {
		m->overflow = -EMSGSIZE;
		return;
	}
	pad = (char *)nlh + MNL_ALIGN(nlh->nlmsg_len) + MNL_ATTR_HDRLEN + len;
	mnl_attr_put(nlh, type, len, data);
	/* The buffer is reused: never send an earlier request's bytes. */
	if (MNL_ALIGN(len) != len)
		memset(pad, 0, MNL_ALIGN(len) - len);
}

NLIPC_EXPORT void nlipc_msg_put_u32(struct nlipc_msg *m, uint16_t type,
				    uint32_t v)
{
	nlipc_msg_put(m, type, &v, sizeof(v));
}

NLIPC_EXPORT void nlipc_msg_put_u64(struct nlipc_msg *m, uint16_t type,
				    uint64_t v)
{
	nlipc_msg_put(m, type, &v, sizeof(v));
}

NLIPC_EXPORT void nlipc_msg_put_str(struct nlipc_msg *m, uint16_t type,
				    const char *s)
{
	nlipc_msg_put(m, type, s, strlen(s) + 1);
}

/** nlipc_msg_hdr - the message's netlink header, to add to it with libmnl */
NLIPC_EXPORT struct nlmsghdr *nlipc_msg_hdr(struct nlipc_msg *m)
{
	return m->nlh;
}

/**
 * nlipc_attr_parse - index a reply's top-level attributes by type
 * @nlh: a message of the family (after its generic netlink header)
 * @tb: maxtype + 1 slots, zeroed by the caller
 * @maxtype: highest type to keep; higher ones are ignored
 *
 * Returns 0, or -EBADMSG if an attribute overruns the message.
 */
NLIPC_EXPORT int nlipc_attr_parse(const struct nlmsghdr *nlh,
				  const struct nlattr **tb,
				  unsigned int maxtype)
{
	const char *tail = (const char *)nlh + MNL_ALIGN(nlh->nlmsg_len);
	const struct nlattr *a;
	uint16_t type;

	if (!nlipc_genl_hdr(nlh))
		return -EBADMSG;
	/* mnl_attr_for_each(), the tail found once rather than per step. */
	for (a = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	     mnl_attr_ok(a, tail - (const char *)a); a = mnl_attr_next(a)) {
		type = a->nla_type & NLA_TYPE_MASK;
		/* Newer services may send attributes we do not know. */
		if (type <= maxtype)
			tb[type] = a;
	}
	/* libmnl stops quietly at a malformed attribute; we do not. */
	return (const char *)a == tail ? 0 : -EBADMSG;
}
