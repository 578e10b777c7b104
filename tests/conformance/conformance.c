// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The conformance suite: the service's behaviour through libnlipc's public
 * API only, against the endpoint in $NLIPC_URL (default: the kernel
 * module). Every transport and backend must pass it unchanged. It needs
 * write permission (root, or a daemon that allows the caller).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <nlipc/nlipc.h>

static const char *url;
/* UDP: one datagram per request and reply, no dumps, no subscriptions. */
static bool lossy;

/* Over UDP a dump or a subscription must be refused, clearly. */
#define SKIP_IF_LOSSY(call) do {					\
	if (lossy) {							\
		assert_int_equal((call), -EOPNOTSUPP);			\
		assert_true(nlipc_error(ep)->msg[0]);			\
		return;							\
	}								\
} while (0)

static struct nlipc *open_ep(void)
{
	struct nlipc_error err;
	struct nlipc *ep;
	char text[512];

	if (nlipc_open(&ep, url, &err)) {
		nlipc_strerror(&err, text, sizeof(text));
		fail_msg("cannot open %s: %s", url ? url : "netlink:", text);
	}
	return ep;
}

static int setup(void **state)
{
	*state = open_ep();
	return 0;
}

static int teardown(void **state)
{
	nlipc_close(*state);
	return 0;
}

#define CHECK(call) do {						\
	int __r = (call);						\
	char __t[512];							\
									\
	nlipc_strerror(nlipc_error(ep), __t, sizeof(__t));		\
	if (__r < 0)							\
		fail_msg("%s: %s", #call, __t);				\
} while (0)

static void ping_echoes_payload_and_cookie(void **state)
{
	struct nlipc *ep = *state;
	static char payload[65531], reply[65531];
	uint32_t sizes[] = { 0, 1, 56, 1500, 32768, 65531 };
	size_t i, n = sizeof(sizes) / sizeof(sizes[0]);

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (char)(i * 7 + 3);
	if (lossy) {	/* the largest ping does not fit a UDP datagram */
		struct nlipc_ping p = { .payload = payload, .len = 65531 };

		assert_int_equal(nlipc_ping(ep, &p), -EMSGSIZE);
		n--;
	}
	for (i = 0; i < n; i++) {
		struct nlipc_ping p = {
			.payload = payload, .len = sizes[i],
			.has_cookie = true, .cookie = 0x1122334455667788ULL + i,
			.reply = reply, .reply_cap = sizeof(reply),
		};

		CHECK(nlipc_ping(ep, &p));
		assert_int_equal(p.reply_len, sizes[i]);
		if (sizes[i])
			assert_memory_equal(reply, payload, sizes[i]);
		assert_true(p.reply_cookie == p.cookie);
	}
}

static void ping_reply_size_and_limit(void **state)
{
	struct nlipc *ep = *state;
	char reply[16];
	struct nlipc_ping p = {
		.payload = "abcdef", .len = 6, .has_reply_size = true,
		.reply_size = 3, .reply = reply, .reply_cap = sizeof(reply),
	};

	CHECK(nlipc_ping(ep, &p));
	assert_int_equal(p.reply_len, 3);
	assert_memory_equal(reply, "abc", 3);

	p.reply_size = 65532;
	assert_int_equal(nlipc_ping(ep, &p), -ERANGE);
	assert_int_equal(nlipc_error(ep)->attr, NLIPC_A_PING_REPLY_SIZE);
	assert_string_equal(nlipc_error(ep)->attr_name, "reply-size");
	assert_true(nlipc_error(ep)->msg[0]);
	/* The endpoint is still good after a refusal. */
	p.reply_size = 2;
	CHECK(nlipc_ping(ep, &p));
}

static void info_reports_limits(void **state)
{
	struct nlipc *ep = *state;
	struct nlipc_info info;

	CHECK(nlipc_info_get(ep, &info));
	assert_int_equal(info.family_version, NLIPC_FAMILY_VERSION);
	assert_true(info.version[0]);
	assert_true(!strcmp(info.backend, "kernel") || !strcmp(info.backend, "user"));
	assert_int_equal(info.ping_max_payload, NLIPC_PING_MAX_PAYLOAD);
	assert_int_equal(info.kv_max_key_len, NLIPC_KV_KEY_MAX_LEN);
	assert_true(info.kv_max_entries > 0 && info.kv_max_bytes > 0);
}

static uint64_t requests_of(struct nlipc *ep, uint8_t cmd)
{
	struct nlipc_op_stats ops[NLIPC_CMD_MAX];
	int i, n;

	n = nlipc_stats_get(ep, ops, NLIPC_CMD_MAX);
	assert_true(n > 0 && n <= NLIPC_CMD_MAX);
	for (i = 0; i < n; i++)
		if (ops[i].cmd == cmd)
			return ops[i].requests;
	fail_msg("no counters for %s", nlipc_op_name(cmd));
	return 0;
}

static void stats_count_and_reset(void **state)
{
	struct nlipc *ep = *state;
	struct nlipc_ping p = { 0 };
	int i;

	CHECK(nlipc_stats_reset(ep));
	for (i = 0; i < 5; i++)
		CHECK(nlipc_ping(ep, &p));
	assert_int_equal(requests_of(ep, NLIPC_CMD_PING), 5);
	CHECK(nlipc_stats_reset(ep));
	assert_int_equal(requests_of(ep, NLIPC_CMD_PING), 0);
}

static int count_cb(const struct nlipc_kv_entry *e, void *arg)
{
	long *n = arg;

	if (!e)
		*n = 0;
	else
		(*n)++;
	return 0;
}

static void kv_clear(struct nlipc *ep, const char *prefix);

/*
 * Keys the listing tests store: 2000, or NLIPC_CONFORMANCE_KEYS (up to
 * 3000) where each request costs a long round trip (tests/net's lossy
 * link), so the suite takes minutes, not hours.
 */
static int stable_keys = 2000;

static void kv_set_get_del_with_flags(void **state)
{
	struct nlipc *ep = *state;
	char buf[64];

	nlipc_kv_del(ep, "c.a", 3);
	nlipc_kv_del(ep, "c.b", 3);
	nlipc_kv_del(ep, "c.c", 3);
	assert_int_equal(nlipc_kv_set(ep, "c.a", 3, "1", 1, 0), -ENOENT);
	assert_string_equal(nlipc_error(ep)->attr_name, "key");
	CHECK(nlipc_kv_set(ep, "c.a", 3, "1", 1, NLIPC_KV_CREATE | NLIPC_KV_EXCL));
	assert_int_equal(nlipc_kv_set(ep, "c.a", 3, "2", 1,
				      NLIPC_KV_CREATE | NLIPC_KV_EXCL), -EEXIST);
	assert_int_equal(nlipc_kv_set(ep, "c.a", 3, "2", 1, NLIPC_KV_CREATE),
			 -EEXIST);
	CHECK(nlipc_kv_set(ep, "c.a", 3, "22", 2, NLIPC_KV_REPLACE));
	assert_int_equal(nlipc_kv_set(ep, "c.b", 3, "2", 1, NLIPC_KV_REPLACE),
			 -ENOENT);
	CHECK(nlipc_kv_set(ep, "c.b", 3, "", 0, NLIPC_KV_CREATE | NLIPC_KV_REPLACE));
	assert_int_equal(nlipc_kv_get(ep, "c.a", 3, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "22", 2);
	assert_int_equal(nlipc_kv_get(ep, "c.b", 3, buf, sizeof(buf)), 0);
	/* A value longer than the buffer: its full length, cut copy. */
	CHECK(nlipc_kv_set(ep, "c.c", 3, "0123456789", 10,
			   NLIPC_KV_CREATE | NLIPC_KV_REPLACE));
	assert_int_equal(nlipc_kv_get(ep, "c.c", 3, buf, 4), 10);
	assert_memory_equal(buf, "0123", 4);
	CHECK(nlipc_kv_del(ep, "c.a", 3));
	assert_int_equal(nlipc_kv_get(ep, "c.a", 3, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(nlipc_kv_del(ep, "c.a", 3), -ENOENT);
	assert_int_equal(nlipc_kv_set(ep, "", 0, "x", 1, NLIPC_KV_CREATE), -ERANGE);
	assert_int_equal(nlipc_kv_set(ep, "c.a", 3, "x", 1, 0x80), -EINVAL);
	CHECK(nlipc_kv_del(ep, "c.b", 3));
	CHECK(nlipc_kv_del(ep, "c.c", 3));
}

struct keys {
	char (*key)[32];
	long n, max, restarts;
};

static int keys_cb(const struct nlipc_kv_entry *e, void *arg)
{
	struct keys *k = arg;

	if (!e) {
		k->n = 0;
		k->restarts++;
		return 0;
	}
	if (k->n < k->max)
		snprintf(k->key[k->n], sizeof(k->key[0]), "%.*s",
			 (int)e->key_len, (const char *)e->key);
	k->n++;
	return 0;
}

static void kv_clear(struct nlipc *ep, const char *prefix)
{
	static char key[20000][32];
	struct keys k = { key, 0, 20000, 0 };
	long i;

	CHECK(nlipc_kv_list(ep, prefix, strlen(prefix), keys_cb, &k));
	for (i = 0; i < k.n && i < k.max; i++)
		CHECK(nlipc_kv_del(ep, key[i], strlen(key[i])));
}

static void kv_list_with_prefix(void **state)
{
	struct nlipc *ep = *state;
	char key[32];
	long n = 0;
	int i;

	SKIP_IF_LOSSY(nlipc_kv_list(ep, "l.", 2, count_cb, &n));
	kv_clear(ep, "l.");
	for (i = 0; i < stable_keys / 2; i++) {
		snprintf(key, sizeof(key), "l.%s.%04d", i % 2 ? "odd" : "even", i);
		CHECK(nlipc_kv_set(ep, key, strlen(key), key, strlen(key),
				   NLIPC_KV_CREATE));
	}
	CHECK(nlipc_kv_list(ep, "l.", 2, count_cb, &n));
	assert_int_equal(n, stable_keys / 2);
	n = 0;
	CHECK(nlipc_kv_list(ep, "l.odd.", 6, count_cb, &n));
	assert_int_equal(n, stable_keys / 4);
	n = 0;
	CHECK(nlipc_kv_list(ep, "l.none", 6, count_cb, &n));
	assert_int_equal(n, 0);
	kv_clear(ep, "l.");
}

static volatile int writing;

static void *writer(void *arg)
{
	struct nlipc *ep = open_ep();
	char key[32];
	int i = 0;

	/*
	 * A write every 5 ms or so: often enough to interrupt listings, not
	 * so often that none can ever finish.
	 */
	while (writing) {
		snprintf(key, sizeof(key), "r.w%d", i++ % 50);
		nlipc_kv_set(ep, key, strlen(key), "w", 1,
			     NLIPC_KV_CREATE | NLIPC_KV_REPLACE);
		usleep(5000);
	}
	nlipc_close(ep);
	return arg;
}

/* Writers keep changing 50 keys while the stable ones are listed. */
static void kv_list_racing_writers_is_consistent(void **state)
{
	static char key[3000][32];
	struct nlipc *ep = *state;
	struct keys k = { key, 0, 3000, 0 };
	pthread_t t[2];
	int i, ok = 0, again = 0;
	char name[32];

	SKIP_IF_LOSSY(nlipc_kv_list(ep, "r.s", 3, keys_cb, &k));
	kv_clear(ep, "r.");
	for (i = 0; i < stable_keys; i++) {
		snprintf(name, sizeof(name), "r.s%04d", i);
		CHECK(nlipc_kv_set(ep, name, strlen(name), "s", 1, NLIPC_KV_CREATE));
	}
	writing = 1;
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, writer, NULL);
	for (i = 0; i < 10; i++) {
		int err;

		k.n = 0;
		err = nlipc_kv_list(ep, "r.s", 3, keys_cb, &k);

		if (err == -EAGAIN) {	/* never settled: allowed, and said */
			again++;
			continue;
		}
		CHECK(err);
		/* Every stable key exactly once: no loss, no duplicate. */
		assert_int_equal(k.n, stable_keys);
		ok++;
	}
	writing = 0;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	print_message("# consistent listings %d, gave up %d, restarts %ld\n",
		      ok, again, k.restarts);
	assert_true(ok > 0);
	kv_clear(ep, "r.");
}

static void events_arrive_in_order(void **state)
{
	struct nlipc *ep = *state, *sub[2];
	struct nlipc_event ev;
	char value[16];
	int i, s;

	if (lossy) {
		sub[0] = open_ep();
		assert_int_equal(nlipc_subscribe(sub[0], NLIPC_MCGRP_EVENTS),
				 -EOPNOTSUPP);
		nlipc_close(sub[0]);
		return;
	}
	for (s = 0; s < 2; s++) {
		sub[s] = open_ep();
		CHECK(nlipc_subscribe(sub[s], NLIPC_MCGRP_EVENTS));
	}
	for (i = 0; i < 20; i++) {
		snprintf(value, sizeof(value), "%d", i);
		CHECK(nlipc_kv_set(ep, "e.k", 3, value, strlen(value),
				   NLIPC_KV_CREATE | NLIPC_KV_REPLACE));
	}
	CHECK(nlipc_kv_del(ep, "e.k", 3));
	for (s = 0; s < 2; s++) {
		for (i = 0; i < 20; i++) {
			assert_int_equal(nlipc_next_event(sub[s], &ev, 5000), 1);
			assert_int_equal(ev.cmd, NLIPC_CMD_KV_SET_NTF);
			snprintf(value, sizeof(value), "%d", i);
			assert_int_equal(ev.value_len, strlen(value));
			assert_memory_equal(ev.value, value, ev.value_len);
		}
		assert_int_equal(nlipc_next_event(sub[s], &ev, 5000), 1);
		assert_int_equal(ev.cmd, NLIPC_CMD_KV_DEL_NTF);
		assert_memory_equal(ev.key, "e.k", 3);
		assert_int_equal(nlipc_next_event(sub[s], &ev, 100), 0);
		/* A subscribed endpoint refuses requests, clearly. */
		assert_int_equal(nlipc_info_get(sub[s], &(struct nlipc_info){ 0 }),
				 -EBUSY);
		nlipc_close(sub[s]);
	}
}

static void publish_reaches_subscribers(void **state)
{
	struct nlipc *ep = *state, *sub[3], *events;
	struct nlipc_event ev;
	int s;

	if (lossy) {	/* publishing is a plain request; receiving is not */
		CHECK(nlipc_publish(ep, "greetings", "hi", 2));
		return;
	}
	for (s = 0; s < 3; s++) {
		sub[s] = open_ep();
		CHECK(nlipc_subscribe(sub[s], NLIPC_MCGRP_BUS));
	}
	events = open_ep();
	CHECK(nlipc_subscribe(events, NLIPC_MCGRP_EVENTS));
	CHECK(nlipc_publish(ep, "greetings", "hi\0there", 8));
	for (s = 0; s < 3; s++) {
		assert_int_equal(nlipc_next_event(sub[s], &ev, 5000), 1);
		assert_int_equal(ev.cmd, NLIPC_CMD_PUBLISH_NTF);
		assert_string_equal(ev.topic, "greetings");
		assert_int_equal(ev.payload_len, 8);
		assert_memory_equal(ev.payload, "hi\0there", 8);
		assert_true(ev.sender != 0);
		nlipc_close(sub[s]);
	}
	assert_int_equal(nlipc_next_event(events, &ev, 200), 0);
	nlipc_close(events);
	assert_int_equal(nlipc_publish(ep, "", NULL, 0), -EINVAL);
}

static void overrun_is_surfaced(void **state)
{
	struct nlipc *ep = *state, *sub = open_ep();
	static char big[4000];
	struct nlipc_event ev;
	int i, r = 1;

	if (lossy) {
		assert_int_equal(nlipc_subscribe(sub, NLIPC_MCGRP_EVENTS),
				 -EOPNOTSUPP);
		nlipc_close(sub);
		return;
	}
	CHECK(nlipc_subscribe(sub, NLIPC_MCGRP_EVENTS));
	/* Far more than a default socket buffer holds, unread. */
	for (i = 0; i < 400; i++)
		CHECK(nlipc_kv_set(ep, "o.k", 3, big, sizeof(big),
				   NLIPC_KV_CREATE | NLIPC_KV_REPLACE));
	for (i = 0; i < 400 && r == 1; i++)
		r = nlipc_next_event(sub, &ev, 1000);
	assert_int_equal(r, -ENOBUFS);
	assert_non_null(strstr(nlipc_error(sub)->msg, "overrun"));
	/* After the overrun the subscription carries on. */
	while (nlipc_next_event(sub, &ev, 100) == 1)
		;
	CHECK(nlipc_kv_del(ep, "o.k", 3));
	assert_int_equal(nlipc_next_event(sub, &ev, 5000), 1);
	assert_int_equal(ev.cmd, NLIPC_CMD_KV_DEL_NTF);
	nlipc_close(sub);
}

static void *pinger(void *arg)
{
	struct nlipc *ep = open_ep();
	char buf[64], reply[64];
	long i, bad = 0;

	for (i = 0; i < 500; i++) {
		struct nlipc_ping p = {
			.payload = buf, .len = sizeof(buf), .has_cookie = true,
			.cookie = i, .reply = reply, .reply_cap = sizeof(reply),
		};

		memset(buf, (int)(long)arg + (int)i, sizeof(buf));
		if (nlipc_ping(ep, &p) || p.reply_cookie != (uint64_t)i ||
		    memcmp(buf, reply, sizeof(buf)))
			bad++;
	}
	nlipc_close(ep);
	return (void *)bad;
}

/* The documented model: one endpoint per thread, any number of threads. */
static void endpoints_per_thread_are_independent(void **state)
{
	pthread_t t[8];
	void *bad;
	long i;

	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, pinger, (void *)i);
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], &bad);
		assert_int_equal((long)bad, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(ping_echoes_payload_and_cookie),
		T(ping_reply_size_and_limit),
		T(info_reports_limits),
		T(stats_count_and_reset),
		T(kv_set_get_del_with_flags),
		T(kv_list_with_prefix),
		T(kv_list_racing_writers_is_consistent),
		T(events_arrive_in_order),
		T(publish_reaches_subscribers),
		T(overrun_is_surfaced),
		T(endpoints_per_thread_are_independent),
#undef T
	};

	url = getenv("NLIPC_URL");
	if (getenv("NLIPC_CONFORMANCE_KEYS"))
		stable_keys = atoi(getenv("NLIPC_CONFORMANCE_KEYS"));
	if (stable_keys < 1 || stable_keys > 3000) {
		fprintf(stderr, "NLIPC_CONFORMANCE_KEYS: 1 to 3000\n");
		return 2;
	}
	lossy = url && !strncmp(url, "udp:", 4);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("conformance", tests, NULL, NULL);
}
