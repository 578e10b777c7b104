// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: the client's whole receive path against a scripted server.
 * One endpoint runs what nlipc does in turn (resolve, ping, info, stats,
 * kv get and list, a policy dump, then a subscription), and the server's
 * answer to each receive is the next chunk of the input: a 2-byte length,
 * then that many bytes, in a buffer of exactly that size, so a read past
 * a message's end is one past the allocation. The first byte's bit 0
 * stamps every message with the request's seq and our port id, so the
 * parsers are reached past the matching; deadlines and budgets must end
 * every call, whatever comes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	const uint8_t *data;
	size_t size, off;
	bool stamp;
	uint32_t seq;
} in;

static int fuzz_send(struct nlipc *ep, const void *buf, size_t len)
{
	in.seq = ((const struct nlmsghdr *)buf)->nlmsg_seq;
	return 0;
}

/* Once the script is done, every receive times out. */
static ssize_t fuzz_recv(struct nlipc *ep, long long until)
{
	struct nlmsghdr *nlh;
	size_t len;
	int left;

	if (in.size - in.off < 2)
		return -ETIMEDOUT;
	len = in.data[in.off] | in.data[in.off + 1] << 8;
	in.off += 2;
	if (len > in.size - in.off)
		len = in.size - in.off;
	if (!len)
		return -ETIMEDOUT;
	free(ep->rx);
	ep->rx = malloc(len);
	if (!ep->rx)
		abort();
	ep->rx_size = len;
	memcpy(ep->rx, in.data + in.off, len);
	in.off += len;
	left = len;
	for (nlh = ep->rx; in.stamp && nlipc_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		nlh->nlmsg_seq = in.seq;
		nlh->nlmsg_pid = ep->portid;
	}
	return len;
}

static int fuzz_join(struct nlipc *ep, const char *group)
{
	return nlipc_ctrl_join(ep, group);
}

static const struct nlipc_transport fuzz_transport = {
	.scheme = "fuzz",
	.send = fuzz_send,
	.recv = fuzz_recv,
	.join = fuzz_join,
};

static int list_cb(const struct nlipc_kv_entry *e, void *arg)
{
	if (e && e->key_len && !e->key)
		abort();
	return 0;
}

/* What nlipc family does with each reply of a policy dump. */
static int policy_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	const struct nlattr *p, *a;

	if (!nlh)
		return 0;
	if (nlipc_attr_parse(nlh, tb, CTRL_ATTR_MAX))
		return -EBADMSG;
	if (tb[CTRL_ATTR_POLICY])
		mnl_attr_for_each_nested(p, tb[CTRL_ATTR_POLICY])
			mnl_attr_for_each_nested(a, p)
				++*(unsigned long *)arg;
	return 0;
}

static void check_record(const struct nlipc *ep)
{
	if (!memchr(ep->err.msg, 0, sizeof(ep->err.msg)) || ep->err.code > 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlipc ep = { .tp = &fuzz_transport,
			    .family_name = NLIPC_FAMILY_NAME };
	struct nlipc_op_stats ops[4];
	struct nlipc_event ev;
	struct nlipc_info info;
	unsigned long attrs = 0;
	uint16_t id;
	struct nlipc_msg *m;
	char buf[64];
	struct nlipc_ping p = { .payload = "x", .len = 1, .reply = buf,
				.reply_cap = sizeof(buf) };
	int i, ret;

	if (size < 1)
		return 0;
	memset(&in, 0, sizeof(in));
	in.data = data + 1;
	in.size = size - 1;
	in.stamp = data[0] & 1;

	/* Never readable: once the script is done, each call times out. */
	ep.fd = eventfd(0, 0);
	ep.timeout_ms = 0;
	ep.tx = malloc(NLIPC_TX_SIZE);
	ep.rx = malloc(1);
	ep.rx_size = 1;
	if (ep.fd < 0 || !ep.tx || !ep.rx)
		abort();
	nlipc_error_clear(&ep);

	nlipc_ctrl_resolve(&ep);
	check_record(&ep);
	if (!ep.family_id)
		ep.family_id = 0x20;
	ep.portid = 77;
	nlipc_ping(&ep, &p);
	if (p.reply_len > NLIPC_RX_MAX)
		abort();
	nlipc_info_get(&ep, &info);
	nlipc_stats_get(&ep, ops, 4);
	nlipc_kv_get(&ep, "k", 1, buf, sizeof(buf));
	nlipc_kv_list(&ep, NULL, 0, list_cb, NULL);
	check_record(&ep);
	m = nlipc_msg_start_family(&ep, GENL_ID_CTRL, CTRL_CMD_GETPOLICY, 2,
				   NLM_F_DUMP);
	id = ep.family_id;
	nlipc_msg_put(m, CTRL_ATTR_FAMILY_ID, &id, sizeof(id));
	nlipc_call(&ep, m, policy_cb, &attrs);
	check_record(&ep);
	if (!nlipc_subscribe(&ep, NLIPC_MCGRP_EVENTS))
		for (i = 0; i < 64; i++) {
			ret = nlipc_next_event(&ep, &ev, 0);
			if (!ret)
				break;
			if (ret == 1 && ev.topic &&
			    !memchr(ev.topic, 0, ev.nlh->nlmsg_len))
				abort();
		}
	check_record(&ep);

	close(ep.fd);
	free(ep.tx);
	free(ep.rx);
	return 0;
}
