// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-instr's netlink loop where the module is not loaded: libnlipc's
 * netlink transport and request core, driven through the library's
 * internals, doing the raw loop's nlctrl exchange (a getfamily of
 * "nlctrl"). nlipc_open() cannot be used: it resolves the nlipc family.
 *
 * usage: instr-netlink N
 * Makes N round trips in lib_exchange(), the function bench-instr.sh has
 * callgrind count, as it counts nlipc-bench's own lib_exchange().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

static int reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	uint16_t *id = arg;

	if (!nlh || nlipc_attr_parse(nlh, tb, CTRL_ATTR_MAX) ||
	    !tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16))
		return -EBADMSG;
	*id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return 0;
}

/* Not inlined: callgrind counts from its entry (--toggle-collect). */
static __attribute__((noinline)) int lib_exchange(struct nlipc *ep)
{
	struct nlipc_msg *m;
	uint16_t id = 0;
	int err;

	m = nlipc_msg_start_family(ep, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	nlipc_msg_put_str(m, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	err = nlipc_call(ep, m, reply_cb, &id);
	if (!err && id != GENL_ID_CTRL)
		err = -EBADMSG;
	return err;
}

/* What nlipc_open_timeout() does, but for the controller's family. */
static int open_ctrl(struct nlipc **epp)
{
	struct nlipc_url url = { .scheme = "netlink" };
	struct nlipc *ep;
	int err;

	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	ep->fd = -1;
	ep->timeout_ms = 5000;
	ep->seq = 1;
	ep->tx = malloc(NLIPC_TX_SIZE);
	ep->rx = malloc(NLIPC_RX_SIZE);
	if (!ep->tx || !ep->rx)
		goto err_free;
	ep->rx_size = NLIPC_RX_SIZE;
	nlipc_error_clear(ep);
	snprintf(ep->url, sizeof(ep->url), "netlink:");
	ep->tp = &nlipc_transport_netlink;
	if (nlipc_rx_reserve(ep, ep->tp->dgram_max))
		goto err_free;
	err = ep->tp->open(ep, &url);
	if (err) {
		fprintf(stderr, "instr-netlink: %s\n", ep->err.msg);
		goto err_free;
	}
	ep->family_id = GENL_ID_CTRL;
	*epp = ep;
	return 0;

err_free:
	free(ep->tx);
	free(ep->rx);
	free(ep);
	return -EIO;
}

int main(int argc, char **argv)
{
	unsigned long i, n;
	struct nlipc *ep;
	char buf[256];
	int err = 0;

	if (argc != 2 || !(n = strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: instr-netlink N\n");
		return 2;
	}
	if (open_ctrl(&ep))
		return 77;
	for (i = 0; i < n; i++) {
		err = lib_exchange(ep);
		if (err) {
			nlipc_strerror(nlipc_error(ep), buf, sizeof(buf));
			fprintf(stderr, "instr-netlink: %s\n", buf);
			break;
		}
	}
	nlipc_close(ep);
	return err ? 1 : 0;
}
