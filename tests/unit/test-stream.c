// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Framing and the first exchange's checks, against a fake nlipcd that
 * misbehaves: replies written one byte at a time, a dump of hundreds of
 * messages in one write (messages split across reads, several per read, a
 * reply larger than the receive buffer), a daemon of the other byte order
 * (even when the length it sends makes sense both ways round),
 * a bad length, a connection closed midway, and silence.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"
#include "fake-nlipcd.h"

#define TIMEOUT_MS	5000

static struct fake_server server;

static struct nlipc *open_unix(int type, unsigned int flags, int timeout_ms,
			       struct nlipc_error *err)
{
	struct nlipc *ep = NULL;

	assert_int_equal(fake_start_unix(&server, type, false, flags), 0);
	nlipc_open_timeout(&ep, server.url, timeout_ms, err);
	return ep;
}

static struct nlipc *open_inet(int type, unsigned int flags, int timeout_ms,
			       struct nlipc_error *err)
{
	struct nlipc *ep = NULL;

	assert_int_equal(fake_start_inet(&server, type, AF_INET, flags), 0);
	nlipc_open_timeout(&ep, server.url, timeout_ms, err);
	return ep;
}

static int teardown(void **state)
{
	fake_stop(&server);
	return 0;
}

static int list_cb(const struct nlipc_kv_entry *e, void *arg)
{
	unsigned int *n = arg;
	char key[16];

	/* In order, none lost, none twice. */
	snprintf(key, sizeof(key), "k%u", *n);
	assert_int_equal(e->key_len, strlen(key));
	assert_memory_equal(e->key, key, e->key_len);
	++*n;
	return 0;
}

static void exercise(struct nlipc *ep, unsigned int keys)
{
	struct nlipc_ping p = { .payload = "abc", .len = 3,
				.has_cookie = true, .cookie = 42 };
	struct nlipc_event ev;
	unsigned int n = 0;

	assert_non_null(ep);
	assert_int_equal(ep->portid, FAKE_PORTID);
	assert_int_equal(nlipc_ping(ep, &p), 0);
	assert_int_equal(p.reply_cookie, 42);
	assert_int_equal(nlipc_kv_list(ep, NULL, 0, list_cb, &n), 0);
	assert_int_equal(n, keys);
	assert_int_equal(nlipc_ping(ep, &p), 0);
	assert_int_equal(p.reply_cookie, 42);

	assert_int_equal(nlipc_subscribe(ep, NLIPC_MCGRP_BUS), 0);
	assert_int_equal(nlipc_next_event(ep, &ev, TIMEOUT_MS), 1);
	assert_int_equal(nlipc_next_event(ep, &ev, TIMEOUT_MS), -ENOBUFS);
	assert_int_equal(nlipc_next_event(ep, &ev, TIMEOUT_MS), 1);
	assert_string_equal(ev.topic, "topic");
}

static void one_byte_at_a_time_unix(void **state)
{
	struct nlipc *ep = open_unix(SOCK_STREAM, FAKE_SLOW_WRITE, TIMEOUT_MS,
				     NULL);

	exercise(ep, FAKE_DUMP_KEYS);
	nlipc_close(ep);
}

static void one_byte_at_a_time_tcp(void **state)
{
	struct nlipc *ep = open_inet(SOCK_STREAM, FAKE_SLOW_WRITE, TIMEOUT_MS,
				     NULL);

	exercise(ep, FAKE_DUMP_KEYS);
	nlipc_close(ep);
}

/* ~115 KB in one write: messages straddle reads, many to a read. */
static void big_dump_in_one_write_unix(void **state)
{
	struct nlipc *ep = open_unix(SOCK_STREAM, FAKE_BIG_DUMP, TIMEOUT_MS,
				     NULL);

	exercise(ep, FAKE_BIG_KEYS);
	nlipc_close(ep);
}

static void big_dump_in_one_write_tcp(void **state)
{
	struct nlipc *ep = open_inet(SOCK_STREAM, FAKE_BIG_DUMP, TIMEOUT_MS,
				     NULL);

	exercise(ep, FAKE_BIG_KEYS);
	nlipc_close(ep);
}

static void big_dump_over_seqpacket(void **state)
{
	struct nlipc *ep = open_unix(SOCK_SEQPACKET, FAKE_BIG_DUMP, TIMEOUT_MS,
				     NULL);

	exercise(ep, FAKE_BIG_KEYS);
	nlipc_close(ep);
}

/* A reply larger than the 32 KiB the receive buffer starts with. */
static void large_reply_grows_the_buffer(void **state)
{
	struct nlipc *ep = open_inet(SOCK_STREAM, 0, TIMEOUT_MS, NULL);
	size_t len = NLIPC_PING_MAX_PAYLOAD;
	char *payload = malloc(len), *reply = malloc(len);
	struct nlipc_ping p = { .payload = payload, .len = len,
				.reply = reply, .reply_cap = len };

	assert_non_null(ep);
	memset(payload, 'x', len);
	payload[len - 1] = 'y';
	assert_int_equal(nlipc_ping(ep, &p), 0);
	assert_int_equal(p.reply_len, len);
	assert_memory_equal(reply, payload, len);
	assert_int_equal(nlipc_ping(ep, &p), 0);
	nlipc_close(ep);
	free(payload);
	free(reply);
}

/*
 * A datagram transport takes each answer in one receive, without a peek
 * at its size: its buffer must hold the largest from the start.
 */
static void large_reply_in_one_datagram(int type)
{
	struct nlipc *ep = open_unix(type, 0, TIMEOUT_MS, NULL);
	size_t len = NLIPC_PING_MAX_PAYLOAD;
	char *payload = malloc(len), *reply = malloc(len);
	struct nlipc_ping p = { .payload = payload, .len = len,
				.reply = reply, .reply_cap = len };

	assert_non_null(ep);
	memset(payload, 'x', len);
	payload[len - 1] = 'y';
	assert_int_equal(nlipc_ping(ep, &p), 0);
	assert_int_equal(p.reply_len, len);
	assert_memory_equal(reply, payload, len);
	nlipc_close(ep);
	free(payload);
	free(reply);
}

static void large_reply_over_seqpacket(void **state)
{
	large_reply_in_one_datagram(SOCK_SEQPACKET);
}

static void large_reply_over_dgram(void **state)
{
	large_reply_in_one_datagram(SOCK_DGRAM);
}

/*
 * A datagram larger than the protocol allows is taken, so it cannot
 * block the queue, and the call fails at once saying so: never cut short
 * and parsed, never silently lost while the call waits out its timeout.
 */
static void oversized_datagram_is_an_error(int type)
{
	struct nlipc *ep = open_unix(type, FAKE_HUGE_DGRAM, TIMEOUT_MS, NULL);
	struct nlipc_ping p = { .payload = "x", .len = 1 };
	long long start;
	int i;

	assert_non_null(ep);
	for (i = 0; i < 2; i++) {
		start = nlipc_now_ms();
		assert_int_equal(nlipc_ping(ep, &p), -EMSGSIZE);
		assert_true(nlipc_now_ms() - start < TIMEOUT_MS / 2);
		assert_non_null(strstr(nlipc_error(ep)->msg,
				       "a datagram of 135168 bytes from nlipcd, larger than the 131072 the protocol allows, was dropped"));
	}
	nlipc_close(ep);
}

static void oversized_seqpacket_is_an_error(void **state)
{
	oversized_datagram_is_an_error(SOCK_SEQPACKET);
}

static void oversized_dgram_is_an_error(void **state)
{
	oversized_datagram_is_an_error(SOCK_DGRAM);
}

static void expect_byte_order_mismatch(struct nlipc *ep,
				       const struct nlipc_error *err)
{
	assert_null(ep);
	assert_int_equal(err->code, -EPROTO);
	assert_string_equal(err->msg, "byte order mismatch: nlipcd and this "
			    "client differ in endianness");
}

static void byte_order_mismatch_stream(void **state)
{
	struct nlipc_error err;
	struct nlipc *ep = open_unix(SOCK_STREAM, FAKE_SWAP_ORDER, TIMEOUT_MS,
				     &err);

	expect_byte_order_mismatch(ep, &err);
}

/* A length plausible either way round: the seq tells. */
static void byte_order_mismatch_same_length(void **state)
{
	struct nlipc_error err;
	struct nlipc *ep = open_inet(SOCK_STREAM,
				     FAKE_SWAP_ORDER | FAKE_LENGTH_256, 1000,
				     &err);

	expect_byte_order_mismatch(ep, &err);
}

static void byte_order_mismatch_seqpacket(void **state)
{
	struct nlipc_error err;
	struct nlipc *ep = open_unix(SOCK_SEQPACKET, FAKE_SWAP_ORDER,
				     TIMEOUT_MS, &err);

	expect_byte_order_mismatch(ep, &err);
}

static void byte_order_mismatch_udp(void **state)
{
	struct nlipc_error err;
	struct nlipc *ep = open_inet(SOCK_DGRAM, FAKE_SWAP_ORDER, TIMEOUT_MS,
				     &err);

	expect_byte_order_mismatch(ep, &err);
}

/* The daemon's own refusal, which may not carry our seq, is shown. */
static void daemon_refusal_is_shown(void **state)
{
	struct nlipc_error err;
	struct nlipc *ep = open_unix(SOCK_STREAM, FAKE_REFUSE, TIMEOUT_MS,
				     &err);

	expect_byte_order_mismatch(ep, &err);
}

/*
 * Joining a second group while notifications of the first wait unread:
 * they are lost, and the next event says so before the new ones come.
 */
static void second_join_reports_what_it_dropped(void **state)
{
	struct nlipc *ep = open_unix(SOCK_STREAM, 0, TIMEOUT_MS, NULL);
	struct nlipc_event ev;

	assert_non_null(ep);
	assert_int_equal(nlipc_subscribe(ep, NLIPC_MCGRP_EVENTS), 0);
	assert_int_equal(nlipc_next_event(ep, &ev, TIMEOUT_MS), 1);
	assert_int_equal(nlipc_subscribe(ep, NLIPC_MCGRP_BUS), 0);
	assert_int_equal(nlipc_next_event(ep, &ev, TIMEOUT_MS), -ENOBUFS);
	assert_non_null(strstr(nlipc_error(ep)->msg, "while joining"));
	/* The second join's own: a notification, the marker, another. */
	assert_int_equal(nlipc_next_event(ep, &ev, TIMEOUT_MS), 1);
	assert_int_equal(ev.cmd, NLIPC_CMD_KV_SET_NTF);
	assert_int_equal(nlipc_next_event(ep, &ev, TIMEOUT_MS), -ENOBUFS);
	assert_int_equal(nlipc_next_event(ep, &ev, TIMEOUT_MS), 1);
	assert_int_equal(ev.cmd, NLIPC_CMD_PUBLISH_NTF);
	assert_int_equal(nlipc_next_event(ep, &ev, 50), 0);
	/* And requests stay refused on it. */
	assert_int_equal(nlipc_info_get(ep, &(struct nlipc_info){}), -EBUSY);
	nlipc_close(ep);
}

static void bad_length_ends_the_connection(void **state)
{
	struct nlipc *ep = open_unix(SOCK_STREAM, FAKE_BAD_LENGTH, TIMEOUT_MS,
				     NULL);
	struct nlipc_ping p = {};

	assert_non_null(ep);
	assert_int_equal(nlipc_ping(ep, &p), -EBADMSG);
	assert_string_equal(nlipc_error(ep)->msg,
			    "malformed message from nlipcd: length 8");
	/* Out of step for good: refused, not misread. */
	assert_int_equal(nlipc_ping(ep, &p), -EPIPE);
	assert_non_null(strstr(nlipc_error(ep)->msg, "out of step"));
	nlipc_close(ep);
}

static void close_in_mid_message(void **state)
{
	struct nlipc *ep = open_inet(SOCK_STREAM, FAKE_CLOSE_MIDWAY,
				     TIMEOUT_MS, NULL);
	struct nlipc_ping p = {};

	assert_non_null(ep);
	assert_int_equal(nlipc_ping(ep, &p), -ECONNRESET);
	assert_string_equal(nlipc_error(ep)->msg,
			    "nlipcd closed the connection in the middle of a message");
	nlipc_close(ep);
}

static void silent_daemon_times_out(void **state)
{
	struct nlipc_error err;
	long long start = nlipc_now_ms(), took;
	struct nlipc *ep = open_unix(SOCK_STREAM, FAKE_SILENT, 300, &err);

	took = nlipc_now_ms() - start;
	assert_null(ep);
	assert_int_equal(err.code, -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "within 300 ms: is nlipcd running?"));
	assert_in_range(took, 290, 1500);
}

static void unanswered_request_times_out(void **state)
{
	struct nlipc *ep = open_unix(SOCK_SEQPACKET, FAKE_FAMILY_ONLY, 200,
				     NULL);
	struct nlipc_info info;

	assert_non_null(ep);
	assert_int_equal(nlipc_info_get(ep, &info), -ETIMEDOUT);
	assert_string_equal(nlipc_error(ep)->msg, "no reply within 200 ms");
	nlipc_close(ep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
		T(one_byte_at_a_time_unix),
		T(one_byte_at_a_time_tcp),
		T(big_dump_in_one_write_unix),
		T(big_dump_in_one_write_tcp),
		T(big_dump_over_seqpacket),
		T(large_reply_grows_the_buffer),
		T(large_reply_over_seqpacket),
		T(large_reply_over_dgram),
		T(oversized_seqpacket_is_an_error),
		T(oversized_dgram_is_an_error),
		T(byte_order_mismatch_stream),
		T(byte_order_mismatch_same_length),
		T(byte_order_mismatch_seqpacket),
		T(byte_order_mismatch_udp),
		T(daemon_refusal_is_shown),
		T(second_join_reports_what_it_dropped),
		T(bad_length_ends_the_connection),
		T(close_in_mid_message),
		T(silent_daemon_times_out),
		T(unanswered_request_times_out),
#undef T
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
