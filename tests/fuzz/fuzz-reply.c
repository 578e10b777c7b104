// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: everything libnlipc decodes from a peer's datagram: ACKs
 * with extack, replies of every operation, dumps, the controller's
 * getfamily reply, notifications. Input: byte 0 picks the operation, bit
 * 0 of byte 1 stamps every message with the request's seq and our port
 * id (so parsing is reached past the matching), the rest is the datagram.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <libmnl/libmnl.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	const uint8_t *data;
	size_t size;
	bool stamp, sent;
	uint32_t seq;
} in;

static int fuzz_send(struct nlipc *ep, const void *buf, size_t len)
{
	in.seq = ((const struct nlmsghdr *)buf)->nlmsg_seq;
	return 0;
}

/* One answer, then every receive times out. */
static ssize_t fuzz_recv(struct nlipc *ep, long long until)
{
	struct nlmsghdr *nlh;
	int left;

	if (in.sent || nlipc_rx_reserve(ep, in.size + 1))
		return -ETIMEDOUT;
	in.sent = true;
	memcpy(ep->rx, in.data, in.size);
	left = in.size;
	for (nlh = ep->rx; in.stamp && nlipc_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		nlh->nlmsg_seq = in.seq;
		nlh->nlmsg_pid = ep->portid;
	}
	return in.size;
}

static const struct nlipc_transport fuzz_transport = {
	.scheme = "fuzz",
	.send = fuzz_send,
	.recv = fuzz_recv,
};

static int list_cb(const struct nlipc_kv_entry *e, void *arg)
{
	if (e && e->key_len && !e->key)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlipc ep = { .tp = &fuzz_transport,
			    .family_name = NLIPC_FAMILY_NAME };
	struct nlipc_op_stats ops[4];
	struct nlipc_event ev;
	struct nlipc_info info;
	char buf[64];
	struct nlipc_ping p = { .payload = "x", .len = 1, .reply = buf,
				.reply_cap = sizeof(buf) };

	if (size < 2)
		return 0;
	memset(&in, 0, sizeof(in));
	in.data = data + 2;
	in.size = size - 2;
	in.stamp = data[1] & 1;

	/* Never readable: once the input is consumed, the call times out. */
	ep.fd = eventfd(0, 0);
	ep.portid = 77;
	ep.family_id = 0x20;
	ep.timeout_ms = 0;
	ep.tx = malloc(NLIPC_TX_SIZE);
	ep.rx = malloc(NLIPC_RX_SIZE);
	ep.rx_size = NLIPC_RX_SIZE;
	if (ep.fd < 0 || !ep.tx || !ep.rx)
		abort();
	nlipc_error_clear(&ep);

	switch (data[0] % 8) {
	case 0:
		nlipc_ping(&ep, &p);
		if (p.reply_len > (1 << 20))
			abort();
		break;
	case 1:
		nlipc_info_get(&ep, &info);
		break;
	case 2:
		nlipc_stats_get(&ep, ops, 4);
		break;
	case 3:
		nlipc_kv_get(&ep, "k", 1, buf, sizeof(buf));
		break;
	case 4:
		nlipc_kv_list(&ep, NULL, 0, list_cb, NULL);
		break;
	case 5:
		nlipc_ctrl_resolve(&ep);
		break;
	case 6:
		ep.subscribed = true;
		while (nlipc_next_event(&ep, &ev, 0) == 1)
			if (ev.topic && !memchr(ev.topic, 0, NLIPC_RX_MAX))
				abort();
		break;
	default:
		nlipc_stats_reset(&ep);
		break;
	}
	/* Whatever happened, the record is terminated and sane. */
	if (!memchr(ep.err.msg, 0, sizeof(ep.err.msg)) || ep.err.code > 0)
		abort();

	close(ep.fd);
	free(ep.tx);
	free(ep.rx);
	return 0;
}
