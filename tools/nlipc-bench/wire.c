// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bytes the raw loops put on the wire: the same nlipc ping request
 * nlipc_ping() builds (NLM_F_REQUEST | NLM_F_ACK, the payload attribute,
 * reply-size if asked), the answer nlipcd gives (the reply, then an ACK
 * capped as NETLINK_CAP_ACK caps it), and the controller's getfamily.
 * Built once per run with libmnl, outside the timed loops.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/nlipc.h>

#include "bench.h"

/* The payload's bytes: anything but zeros, the same on every path. */
#define WIRE_FILL	0xa5

static uint8_t fill[BENCH_MAX_PAYLOAD + 1];
static const uint8_t zeros[BENCH_MAX_PAYLOAD + 1];

static struct nlmsghdr *put_header(void *buf, uint16_t type, uint16_t flags,
				   uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/**
 * wire_ping_request - an nlipc ping, as nlipc_ping() sends it
 * @buf: room for it
 * @cap: bytes at @buf
 * @family: the family id on this transport
 * @size: payload bytes
 * @has_reply_size: add NLIPC_A_PING_REPLY_SIZE
 * @reply_size: its value
 *
 * Returns the message's length, 0 if it does not fit @cap.
 */
size_t wire_ping_request(void *buf, size_t cap, uint16_t family,
			 uint32_t size, bool has_reply_size,
			 uint32_t reply_size)
{
	struct nlmsghdr *nlh;

	if (size > BENCH_MAX_PAYLOAD ||
	    cap < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)) +
		  MNL_ATTR_HDRLEN + MNL_ALIGN(size) + 8)
		return 0;
	memset(buf, 0, cap < 64 ? cap : 64);
	nlh = put_header(buf, family, NLM_F_REQUEST | NLM_F_ACK,
			 NLIPC_CMD_PING, NLIPC_FAMILY_VERSION);
	if (size) {
		if (!fill[0])
			memset(fill, WIRE_FILL, sizeof(fill));
		mnl_attr_put(nlh, NLIPC_A_PING_PAYLOAD, size, fill);
	}
	if (has_reply_size)
		mnl_attr_put_u32(nlh, NLIPC_A_PING_REPLY_SIZE, reply_size);
	return nlh->nlmsg_len;
}

/**
 * wire_ping_reply - the service's answer to a ping asking for @size bytes
 * @buf: room for it
 * @cap: bytes at @buf
 * @family: the family id
 * @size: reply payload bytes (zeros, as the module sends past the echo)
 *
 * Returns its length, 0 if it does not fit.
 */
size_t wire_ping_reply(void *buf, size_t cap, uint16_t family, uint32_t size)
{
	struct nlmsghdr *nlh;

	if (size > BENCH_MAX_PAYLOAD || cap < wire_reply_bytes(size))
		return 0;
	nlh = put_header(buf, family, 0, NLIPC_CMD_PING, NLIPC_FAMILY_VERSION);
	if (size)
		mnl_attr_put(nlh, NLIPC_A_PING_PAYLOAD, size, zeros);
	return nlh->nlmsg_len;
}

/* A successful ACK of @req, capped: the error and @req's header only. */
size_t wire_ack(void *buf, const void *req)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	nlh->nlmsg_seq = ((const struct nlmsghdr *)req)->nlmsg_seq;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = 0;
	memcpy(&e->msg, req, sizeof(e->msg));
	return nlh->nlmsg_len;
}

/* One request on the wire, as wire_ping_request() builds it. */
uint32_t wire_request_bytes(uint32_t size, bool has_reply_size)
{
	uint32_t len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr));

	if (size)
		len += MNL_ATTR_HDRLEN + MNL_ALIGN(size);
	return len + (has_reply_size ? MNL_ATTR_HDRLEN + 4 : 0);
}

/* One answer on the wire: the reply to a ping of @reply_size, its ACK. */
uint32_t wire_reply_bytes(uint32_t reply_size)
{
	uint32_t len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr));

	if (reply_size)
		len += MNL_ATTR_HDRLEN + MNL_ALIGN(reply_size);
	return len + MNL_NLMSG_HDRLEN + sizeof(struct nlmsgerr);
}

/**
 * wire_ctrl_request - the controller's getfamily for @name
 * @buf: room for it
 * @cap: bytes at @buf
 * @name: the family's name
 *
 * Returns the message's length, 0 if it does not fit.
 */
size_t wire_ctrl_request(void *buf, size_t cap, const char *name)
{
	struct nlmsghdr *nlh;

	if (cap < 64 + strlen(name))
		return 0;
	memset(buf, 0, 64 + strlen(name));
	nlh = put_header(buf, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
			 CTRL_CMD_GETFAMILY, 2);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	return nlh->nlmsg_len;
}

/**
 * wire_pad - pad a datagram to @size bytes with a trailing NLMSG_NOOP
 * @buf: one whole message, with room after it
 * @cap: bytes at @buf
 * @len: the message's length
 * @size: the datagram's size
 *
 * nlipcd answers a UDP request with at most a few times its bytes, so a
 * client pads its requests as libnlipc does (lib/bridge.h). Returns the
 * datagram's length: @len where it cannot pad.
 */
size_t wire_pad(void *buf, size_t cap, size_t len, size_t size)
{
	struct nlmsghdr *noop = (struct nlmsghdr *)((uint8_t *)buf + len);

	if (len % NLMSG_ALIGNTO || size > cap || len + NLMSG_HDRLEN > size)
		return len;
	memset(noop, 0, size - len);
	noop->nlmsg_len = size - len;
	noop->nlmsg_type = NLMSG_NOOP;
	return size;
}

static int family_id_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

/**
 * wire_family_id - the family id in a getfamily answer
 * @buf: the messages received
 * @len: their length
 * @id: set from CTRL_ATTR_FAMILY_ID
 *
 * Returns 0, a negative errno from an error message, or -ENOMSG if the
 * buffer holds no answer.
 */
int wire_family_id(const void *buf, size_t len, uint16_t *id)
{
	const struct nlmsghdr *nlh = buf;
	int rest = (int)len;

	*id = 0;
	for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (e->error)
				return e->error;
			continue;
		}
		if (nlh->nlmsg_type != GENL_ID_CTRL)
			continue;
		mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_id_cb,
			       id);
	}
	return *id ? 0 : -ENOMSG;
}
