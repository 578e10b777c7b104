// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: the stream framer, which splits what a daemon writes on a
 * UNIX or TCP connection into netlink messages by nlmsg_len. The input is
 * written to one end of a socketpair, which is then shut; the framer must
 * hand out only whole, in-bounds messages and end with an error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>

#include "internal.h"
#include "transport/sock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlipc ep = { 0 };
	int sv[2], i;
	ssize_t n;

	if (size > 65536 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 0;
	if (write(sv[1], data, size) != (ssize_t)size)
		abort();
	close(sv[1]);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	ep.rx = malloc(NLIPC_RX_SIZE);
	ep.rx_size = NLIPC_RX_SIZE;
	ep.order_checked = true;
	nlipc_error_clear(&ep);
	if (!ep.rx || nlipc_sock_init(&ep, sv[0]))
		abort();

	for (i = 0; i < 100000; i++) {
		const struct nlmsghdr *nlh = ep.rx;
		int left;

		/* A time past: take only what is there, never wait. */
		n = nlipc_sock_recv_stream(&ep, 0);
		if (n < 0 && n != -ETIMEDOUT)
			break;
		if (n < 0)
			continue;
		if ((size_t)n > ep.rx_size || (size_t)n > size)
			abort();
		/* What it hands out is whole messages, back to back. */
		for (left = n; nlipc_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left))
			;
		if (left)
			abort();
	}
	if (n >= 0 || n == -ETIMEDOUT)
		abort();	/* a shut peer must end in an error */
	nlipc_sock_close(&ep);
	free(ep.rx);
	return 0;
}
