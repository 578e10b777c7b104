// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One receive per reply: with the answer on its way, a call makes one
 * recvmsg() per datagram (or stream read) and no poll(), no peek and no
 * setsockopt(), on every transport, netlink included (against the
 * kernel's own nlctrl family); and a wait that does run out ends at the
 * deadline, not at SO_RCVTIMEO's coarser timer. The library's socket
 * calls are counted through the linker's --wrap.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"
#include "fake-nlipcd.h"

#define TIMEOUT_MS	5000
#define PINGS		20

static struct fake_server server;

/* The client's fd: only its calls are counted, not the fake's. */
static int watched = -1;
static unsigned int n_recvmsg, n_recv, n_poll, n_setsockopt;

ssize_t __real_recvmsg(int fd, struct msghdr *mh, int flags);
ssize_t __wrap_recvmsg(int fd, struct msghdr *mh, int flags);
ssize_t __real_recv(int fd, void *buf, size_t len, int flags);
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags);
int __real_poll(struct pollfd *fds, nfds_t n, int timeout);
int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout);
int __real_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len);
int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len);

ssize_t __wrap_recvmsg(int fd, struct msghdr *mh, int flags)
{
	if (fd == watched)
		n_recvmsg++;
	return __real_recvmsg(fd, mh, flags);
}

ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
	if (fd == watched)
		n_recv++;
	return __real_recv(fd, buf, len, flags);
}

int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (n == 1 && fds[0].fd == watched)
		n_poll++;
	return __real_poll(fds, n, timeout);
}

int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len)
{
	if (fd == watched)
		n_setsockopt++;
	return __real_setsockopt(fd, level, name, val, len);
}

static void watch(int fd)
{
	watched = fd;
	n_recvmsg = n_recv = n_poll = n_setsockopt = 0;
}

static void unwatch(void)
{
	watched = -1;
}

static int teardown(void **state)
{
	watched = -1;
	fake_stop(&server);
	return 0;
}

/*
 * The fake answers a ping in one write: its two replies and the ACK. The
 * first ping sets the receive timeout; the others find it set.
 */
static void pings_take_one_receive(struct nlipc *ep)
{
	struct nlipc_ping p = { .payload = "0123456789abcdef", .len = 16 };
	int i;

	assert_non_null(ep);
	assert_int_equal(nlipc_ping(ep, &p), 0);
	watch(nlipc_fd(ep));
	for (i = 0; i < PINGS; i++)
		assert_int_equal(nlipc_ping(ep, &p), 0);
	unwatch();
	assert_int_equal(n_recvmsg, PINGS);
	assert_int_equal(n_recv, 0);
	assert_int_equal(n_poll, 0);
	assert_int_equal(n_setsockopt, 0);
	nlipc_close(ep);
}

static struct nlipc *open_unix(int type, unsigned int flags, int timeout_ms)
{
	struct nlipc *ep = NULL;

	assert_int_equal(fake_start_unix(&server, type, false, flags), 0);
	nlipc_open_timeout(&ep, server.url, timeout_ms, NULL);
	return ep;
}

static struct nlipc *open_inet(int type)
{
	struct nlipc *ep = NULL;

	assert_int_equal(fake_start_inet(&server, type, AF_INET, 0), 0);
	nlipc_open_timeout(&ep, server.url, TIMEOUT_MS, NULL);
	return ep;
}

static void unix_stream(void **state)
{
	pings_take_one_receive(open_unix(SOCK_STREAM, 0, TIMEOUT_MS));
}

static void unix_seqpacket(void **state)
{
	pings_take_one_receive(open_unix(SOCK_SEQPACKET, 0, TIMEOUT_MS));
}

static void unix_dgram(void **state)
{
	pings_take_one_receive(open_unix(SOCK_DGRAM, 0, TIMEOUT_MS));
}

static void tcp(void **state)
{
	pings_take_one_receive(open_inet(SOCK_STREAM));
}

/* The resend timer bounds the wait as the deadline does: no poll either. */
static void udp(void **state)
{
	pings_take_one_receive(open_inet(SOCK_DGRAM));
}

/* The netlink transport alone, on the controller's family. */
static struct nlipc *open_nlctrl(void)
{
	struct nlipc_url url = { .scheme = "netlink" };
	struct nlipc *ep = calloc(1, sizeof(*ep));

	assert_non_null(ep);
	ep->fd = -1;
	ep->timeout_ms = TIMEOUT_MS;
	ep->seq = 1;
	ep->tx = malloc(NLIPC_TX_SIZE);
	ep->rx = malloc(NLIPC_RX_SIZE);
	ep->rx_size = NLIPC_RX_SIZE;
	nlipc_error_clear(ep);
	ep->tp = &nlipc_transport_netlink;
	assert_int_equal(nlipc_rx_reserve(ep, ep->tp->dgram_max), 0);
	if (ep->tp->open(ep, &url)) {
		ep->tp = NULL;
		nlipc_close(ep);
		return NULL;
	}
	ep->family_id = GENL_ID_CTRL;
	return ep;
}

static int getfamily(struct nlipc *ep)
{
	struct nlipc_msg *m;

	m = nlipc_msg_start_family(ep, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	nlipc_msg_put_str(m, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	return nlipc_call(ep, m, NULL, NULL);
}

/* The kernel sends the reply and the ACK as two datagrams: two receives. */
static void netlink(void **state)
{
	struct nlipc *ep = open_nlctrl();
	int i;

	if (!ep)
		skip();
	assert_int_equal(getfamily(ep), 0);
	watch(nlipc_fd(ep));
	for (i = 0; i < PINGS; i++)
		assert_int_equal(getfamily(ep), 0);
	unwatch();
	assert_int_equal(n_recvmsg, 2 * PINGS);
	assert_int_equal(n_recv, 0);
	assert_int_equal(n_poll, 0);
	assert_int_equal(n_setsockopt, 0);
	nlipc_close(ep);
}

/*
 * SO_RCVTIMEO's timer may fire an eighth of the wait late (up to 250 ms
 * here): the library sets it short and waits out the rest with poll(),
 * to the millisecond. The margin (200 ms, under the 250 a late timer
 * would take) is for a loaded machine.
 */
static void timeout_is_exact(void **state)
{
	const int timeout_ms = 2000;
	struct nlipc *ep = open_unix(SOCK_SEQPACKET, FAKE_FAMILY_ONLY,
				     timeout_ms);
	struct nlipc_info info;
	long long start;

	assert_non_null(ep);
	start = nlipc_now_ms();
	assert_int_equal(nlipc_info_get(ep, &info), -ETIMEDOUT);
	assert_in_range(nlipc_now_ms() - start, timeout_ms - 2,
			timeout_ms + 200);
	nlipc_close(ep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
		T(unix_stream),
		T(unix_seqpacket),
		T(unix_dgram),
		T(tcp),
		T(udp),
		cmocka_unit_test(netlink),
		T(timeout_is_exact),
#undef T
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("recv", tests, NULL, NULL);
}
