// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * UDP's reliability, which lives in the core: a request left unanswered is
 * sent again with the same sequence number, on a timer that follows the
 * RTT and backs off (rtt.c), until the timeout; a reply that arrives twice
 * is taken once, and what cannot fit one datagram or be made reliable is
 * refused with a reason.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "bridge.h"
#include "fake-nlipcd.h"

#define TIMEOUT_MS	3000

static struct fake_server server;

static struct nlipc *open_udp(unsigned int flags, int timeout_ms)
{
	struct nlipc_error err;
	struct nlipc *ep = NULL;

	assert_int_equal(fake_start_inet(&server, SOCK_DGRAM, AF_INET, flags),
			 0);
	if (nlipc_open_timeout(&ep, server.url, timeout_ms, &err))
		print_message("# open %s: %s\n", server.url, err.msg);
	return ep;
}

static int teardown(void **state)
{
	fake_stop(&server);
	return 0;
}

/*
 * The fake drops the first copy of every request. getfamily is resent
 * after the initial timeout, 1 s: no RTT is known yet. Its answer may be
 * to either copy, so it is no sample (Karn), and the ping that follows
 * waits the initial 1 s again, not the 200 ms a measured loopback gets.
 */
static void lost_request_is_sent_again(void **state)
{
	struct nlipc_ping p = { .has_cookie = true, .cookie = 9 };
	struct fake_request last;
	struct nlipc *ep;
	long long start;

	start = nlipc_now_ms();
	ep = open_udp(FAKE_DROP_FIRST, TIMEOUT_MS);
	assert_non_null(ep);
	assert_true(nlipc_now_ms() - start >=
		    NLIPC_BRIDGE_UDP_RTO_INIT_MS - 10);
	assert_int_equal(fake_requests(&server, &last), 2);
	assert_int_equal(fake_copies(&server, last.seq), 2);

	start = nlipc_now_ms();
	assert_int_equal(nlipc_ping(ep, &p), 0);
	assert_in_range(nlipc_now_ms() - start,
			NLIPC_BRIDGE_UDP_RTO_INIT_MS - 10,
			NLIPC_BRIDGE_UDP_RTO_INIT_MS + 500);
	assert_int_equal(p.reply_cookie, 9);
	assert_int_equal(fake_requests(&server, &last), 4);
	assert_int_equal(last.cmd, NLIPC_CMD_PING);
	assert_int_equal(fake_copies(&server, last.seq), 2);
	nlipc_close(ep);
}

/*
 * Each answer goes out again just before the next one, so every reply
 * but the first is preceded by a duplicate of the one before it.
 */
static void duplicate_replies_are_discarded(void **state)
{
	struct nlipc *ep = open_udp(FAKE_DUP_REPLY, TIMEOUT_MS);
	struct nlipc_ping p = { .has_cookie = true };
	struct fake_request last;
	uint64_t i;

	assert_non_null(ep);
	for (i = 1; i <= 4; i++) {
		p.cookie = i;
		assert_int_equal(nlipc_ping(ep, &p), 0);
		assert_int_equal(p.reply_cookie, i);
		fake_requests(&server, &last);
		assert_int_equal(fake_copies(&server, last.seq), 1);
	}
	nlipc_close(ep);
}

/*
 * Answers come FAKE_SLOW_MS late, beyond the 200 ms floor. getfamily
 * waits the initial 1 s, and its RTT sets the timer for the pings: each
 * request goes once.
 */
static void timer_follows_the_rtt(void **state)
{
	struct nlipc *ep = open_udp(FAKE_SLOW, TIMEOUT_MS);
	struct nlipc_ping p = { .has_cookie = true };
	int i;

	assert_non_null(ep);
	for (i = 0; i < 3; i++)
		assert_int_equal(nlipc_ping(ep, &p), 0);
	assert_int_equal(fake_requests(&server, NULL), 4);
	nlipc_close(ep);
}

static void retries_end_at_the_timeout(void **state)
{
	struct nlipc *ep = open_udp(FAKE_FAMILY_ONLY, 700);
	struct nlipc_info info;
	struct fake_request last;
	struct nlipc_rtt rtt;
	unsigned int copies, want = 0;
	long long start, at;

	assert_non_null(ep);
	/*
	 * getfamily's RTT set the timer: on loopback its 200 ms floor, more
	 * under valgrind. Sent at 0, then after it, doubled from the second
	 * resend on: 0, 200 and 600 ms here, not again at 1000, past the
	 * deadline.
	 */
	rtt = ep->rtt;
	for (at = 0; at < 700; want++) {
		at += nlipc_rtt_rto(&rtt);
		nlipc_rtt_backoff(&rtt);
	}
	start = nlipc_now_ms();
	assert_int_equal(nlipc_info_get(ep, &info), -ETIMEDOUT);
	assert_in_range(nlipc_now_ms() - start, 690, 1500);
	fake_requests(&server, &last);
	copies = fake_copies(&server, last.seq);
	/* A resend due near the deadline may miss it. */
	assert_in_range(copies, want - 1, want);
	assert_true(copies >= 2);
	assert_non_null(strstr(nlipc_error(ep)->msg, "no reply within 700 ms"));
	assert_non_null(strstr(nlipc_error(ep)->msg, "request sent"));
	nlipc_close(ep);
}

/* AF_UNIX datagrams are not lost: nothing is resent there. */
static void reliable_datagrams_are_not_resent(void **state)
{
	struct nlipc_error err;
	struct nlipc *ep = NULL;

	assert_int_equal(fake_start_unix(&server, SOCK_DGRAM, true,
					 FAKE_DROP_FIRST), 0);
	assert_int_equal(nlipc_open_timeout(&ep, server.url, 500, &err),
			 -ETIMEDOUT);
	assert_int_equal(fake_requests(&server, NULL), 1);
}

static void oversized_request_is_refused(void **state)
{
	struct nlipc *ep = open_udp(0, TIMEOUT_MS);
	struct nlipc_ping p = { .len = NLIPC_PING_MAX_PAYLOAD };

	assert_non_null(ep);
	p.payload = calloc(1, p.len);
	assert_int_equal(nlipc_ping(ep, &p), -EMSGSIZE);
	assert_non_null(strstr(nlipc_error(ep)->msg,
			       "does not fit one udp datagram (65507 bytes): use a stream transport"));
	assert_int_equal(fake_requests(&server, NULL), 1);
	free((void *)p.payload);
	nlipc_close(ep);
}

static void oversized_reply_is_explained(void **state)
{
	struct nlipc *ep = open_udp(0, TIMEOUT_MS);
	struct nlipc_ping p = { .has_reply_size = true, .reply_size = 65500 };

	assert_non_null(ep);
	assert_int_equal(nlipc_ping(ep, &p), -EMSGSIZE);
	assert_non_null(strstr(nlipc_error(ep)->msg,
			       "carries at most 65507 bytes: use a stream transport"));
	nlipc_close(ep);
}

/* ICMP port unreachable comes back as ECONNREFUSED on the socket. */
static void nothing_listening(void **state)
{
	struct nlipc_error err;
	struct nlipc *ep = NULL;
	char url[sizeof(server.url)];
	int ret;

	assert_int_equal(fake_start_inet(&server, SOCK_DGRAM, AF_INET, 0), 0);
	strcpy(url, server.url);
	fake_stop(&server);
	ret = nlipc_open_timeout(&ep, url, 1000, &err);
	assert_null(ep);
	if (ret == -ETIMEDOUT)
		print_message("# no ICMP here: timed out instead\n");
	else
		assert_int_equal(ret, -ECONNREFUSED);
	assert_non_null(strstr(err.msg, "is nlipcd running? (nlipcd --listen udp://127.0.0.1:"));
	/* For the teardown. */
	assert_int_equal(fake_start_inet(&server, SOCK_DGRAM, AF_INET, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
		T(lost_request_is_sent_again),
		T(duplicate_replies_are_discarded),
		T(timer_follows_the_rtt),
		T(retries_end_at_the_timeout),
		T(reliable_datagrams_are_not_resent),
		T(oversized_request_is_refused),
		T(oversized_reply_is_explained),
		T(nothing_listening),
#undef T
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("udp", tests, NULL, NULL);
}
