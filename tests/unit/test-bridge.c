// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every bridged transport does the same things against a fake nlipcd:
 * resolve the family and learn the port id the daemon gives, take only
 * the reply for our port id, deliver a whole dump, and follow a
 * subscription through the daemon's overrun marker. Over UDP, dumps and
 * subscriptions are refused before anything is sent.
 */
#include <errno.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>

#include "internal.h"
#include "fake-nlipcd.h"

#define TIMEOUT_MS	2000

struct transport {
	const char *name;
	int type;		/* unix: socket type; inet: SOCK_STREAM/DGRAM */
	int family;		/* AF_UNIX, AF_INET or AF_INET6 */
	bool abstract;		/* unix: an abstract name, not a path */
	bool by_name;		/* inet: "localhost", through getaddrinfo,
				   served at its last address */
};

struct fixture {
	const struct transport *t;
	struct fake_server server;
	struct nlipc *ep;
	bool skip;
};

static struct fixture fixture;

static bool lossy(const struct transport *t)
{
	return t->family != AF_UNIX && t->type == SOCK_DGRAM;
}

/*
 * The family of the last address "localhost" resolves to: the daemon is
 * served there, so every address before it must be passed over. Under
 * Debian's /etc/hosts that is 127.0.0.1, after ::1.
 */
static int localhost_family(int type)
{
	const struct addrinfo hints = { .ai_socktype = type };
	struct addrinfo *res, *ai;
	int family = AF_INET;

	if (getaddrinfo("localhost", NULL, &hints, &res))
		return family;
	for (ai = res; ai; ai = ai->ai_next)
		family = ai->ai_family;
	freeaddrinfo(res);
	return family;
}

static int setup(void **state)
{
	struct fixture *f = &fixture;
	struct nlipc_error err;
	char url[sizeof(f->server.url) + 16];
	int ret, family;

	memset(f, 0, sizeof(*f));
	f->t = *state;
	family = f->t->by_name ? localhost_family(f->t->type) : f->t->family;
	if (f->t->family == AF_UNIX)
		ret = fake_start_unix(&f->server, f->t->type, f->t->abstract, 0);
	else
		ret = fake_start_inet(&f->server, f->t->type, family, 0);
	if (ret) {
		/* No IPv6 on this host: say so, and skip. */
		f->skip = true;
		*state = f;
		return 0;
	}
	strcpy(url, f->server.url);
	if (f->t->by_name)
		snprintf(url, sizeof(url), "%.*slocalhost%s",
			 (int)(strstr(f->server.url, "://") + 3 - f->server.url),
			 f->server.url, strrchr(f->server.url, ':'));
	ret = nlipc_open_timeout(&f->ep, url, TIMEOUT_MS, &err);
	if (ret)
		fprintf(stderr, "# open %s: %s\n", url, err.msg);
	*state = f;
	return ret;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nlipc_close(f->ep);
	if (!f->skip)
		fake_stop(&f->server);
	return 0;
}

static void family_and_portid_are_learnt(void **state)
{
	struct fixture *f = *state;
	struct fake_request req;

	if (f->skip)
		skip();
	assert_int_equal(nlipc_family_id(f->ep), FAKE_FAMILY_ID);
	assert_int_equal(f->ep->portid, FAKE_PORTID);
	assert_int_equal(f->ep->ngroups, 2);
	assert_string_equal(f->ep->groups[1].name, NLIPC_MCGRP_BUS);
	assert_int_equal(f->ep->groups[1].id, 2);
	/* The client asked with port id 0: the daemon gives one. */
	assert_int_equal(fake_requests(&f->server, &req), 1);
	assert_int_equal(req.type, GENL_ID_CTRL);
	assert_int_equal(req.cmd, CTRL_CMD_GETFAMILY);
	assert_int_equal(req.pid, 0);
}

static void ping_takes_the_reply_for_its_portid(void **state)
{
	struct fixture *f = *state;
	struct nlipc_ping p = { .payload = "hello", .len = 5,
				.has_cookie = true };
	char reply[8];
	uint64_t i;

	if (f->skip)
		skip();
	/* The fake sends a decoy for port id + 1 first, cookie inverted. */
	for (i = 1; i <= 3; i++) {
		p.cookie = i;
		p.reply = reply;
		p.reply_cap = sizeof(reply);
		assert_int_equal(nlipc_ping(f->ep, &p), 0);
		assert_int_equal(p.reply_cookie, i);
		assert_int_equal(p.reply_len, 5);
		assert_memory_equal(reply, "hello", 5);
	}
}

static void info_is_decoded(void **state)
{
	struct fixture *f = *state;
	struct nlipc_info info;

	if (f->skip)
		skip();
	assert_int_equal(nlipc_info_get(f->ep, &info), 0);
	assert_string_equal(info.version, "fake");
	assert_string_equal(info.backend, "user");
}

static int count_cb(const struct nlipc_kv_entry *e, void *arg)
{
	unsigned int *n = arg;
	char key[16];

	snprintf(key, sizeof(key), "k%u", *n);
	assert_int_equal(e->key_len, strlen(key));
	assert_memory_equal(e->key, key, e->key_len);
	++*n;
	return 0;
}

static void dump_delivers_every_entry(void **state)
{
	struct fixture *f = *state;
	unsigned int n = 0;

	if (f->skip)
		skip();
	if (lossy(f->t)) {
		assert_int_equal(nlipc_kv_list(f->ep, NULL, 0, count_cb, &n),
				 -EOPNOTSUPP);
		assert_non_null(strstr(nlipc_error(f->ep)->msg,
				       "dumps are not available over udp"));
		assert_int_equal(fake_requests(&f->server, NULL), 1);
		return;
	}
	assert_int_equal(nlipc_kv_list(f->ep, NULL, 0, count_cb, &n), 0);
	assert_int_equal(n, FAKE_DUMP_KEYS);
	/* And the stream is still in step for the next request. */
	n = 0;
	assert_int_equal(nlipc_kv_list(f->ep, NULL, 0, count_cb, &n), 0);
	assert_int_equal(n, FAKE_DUMP_KEYS);
}

static void subscription_survives_an_overrun(void **state)
{
	struct fixture *f = *state;
	struct nlipc_event ev;

	if (f->skip)
		skip();
	if (lossy(f->t)) {
		assert_int_equal(nlipc_subscribe(f->ep, NLIPC_MCGRP_EVENTS),
				 -EOPNOTSUPP);
		assert_non_null(strstr(nlipc_error(f->ep)->msg,
				       "subscriptions are not available"));
		assert_int_equal(fake_requests(&f->server, NULL), 1);
		return;
	}
	assert_int_equal(nlipc_subscribe(f->ep, "nosuchgroup"), -ENOENT);
	assert_int_equal(nlipc_subscribe(f->ep, NLIPC_MCGRP_EVENTS), 0);

	assert_int_equal(nlipc_next_event(f->ep, &ev, TIMEOUT_MS), 1);
	assert_int_equal(ev.cmd, NLIPC_CMD_KV_SET_NTF);
	assert_memory_equal(ev.key, "key", 3);
	assert_memory_equal(ev.value, "value", 5);

	/* The marker: reported as a netlink overrun, and then go on. */
	assert_int_equal(nlipc_next_event(f->ep, &ev, TIMEOUT_MS), -ENOBUFS);
	assert_non_null(strstr(nlipc_error(f->ep)->msg, "overrun"));

	assert_int_equal(nlipc_next_event(f->ep, &ev, TIMEOUT_MS), 1);
	assert_int_equal(ev.cmd, NLIPC_CMD_PUBLISH_NTF);
	assert_string_equal(ev.topic, "topic");
	assert_int_equal(ev.sender, 77);

	assert_int_equal(nlipc_next_event(f->ep, &ev, 50), 0);
}

static const struct transport transports[] = {
	{ "unix", SOCK_STREAM, AF_UNIX, false, false },
	{ "unix-abstract", SOCK_STREAM, AF_UNIX, true, false },
	{ "unix+seqpacket", SOCK_SEQPACKET, AF_UNIX, false, false },
	{ "unix+seqpacket-abstract", SOCK_SEQPACKET, AF_UNIX, true, false },
	{ "unix+dgram", SOCK_DGRAM, AF_UNIX, false, false },
	{ "unix+dgram-abstract", SOCK_DGRAM, AF_UNIX, true, false },
	{ "tcp4", SOCK_STREAM, AF_INET, false, false },
	{ "tcp6", SOCK_STREAM, AF_INET6, false, false },
	{ "tcp-localhost", SOCK_STREAM, AF_INET, false, true },
	{ "udp4", SOCK_DGRAM, AF_INET, false, false },
	{ "udp6", SOCK_DGRAM, AF_INET6, false, false },
	{ "udp-localhost", SOCK_DGRAM, AF_INET, false, true },
};

#define N_TRANSPORTS	(sizeof(transports) / sizeof(transports[0]))
#define N_CASES		5

int main(void)
{
	static const struct {
		const char *name;
		CMUnitTestFunction f;
	} cases[N_CASES] = {
#define C(f) { #f, f }
		C(family_and_portid_are_learnt),
		C(ping_takes_the_reply_for_its_portid),
		C(info_is_decoded),
		C(dump_delivers_every_entry),
		C(subscription_survives_an_overrun),
#undef C
	};
	static char names[N_TRANSPORTS * N_CASES][96];
	struct CMUnitTest tests[N_TRANSPORTS * N_CASES];
	size_t i, j, n = 0;

	for (i = 0; i < N_TRANSPORTS; i++)
		for (j = 0; j < N_CASES; j++, n++) {
			snprintf(names[n], sizeof(names[n]), "%s: %s",
				 transports[i].name, cases[j].name);
			tests[n] = (struct CMUnitTest){
				.name = names[n],
				.test_func = cases[j].f,
				.setup_func = setup,
				.teardown_func = teardown,
				.initial_state = (void *)&transports[i],
			};
		}

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return _cmocka_run_group_tests("bridge", tests, n, NULL, NULL);
}
