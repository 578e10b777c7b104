// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening a bridged endpoint that cannot work says why, in words a user
 * can act on: no socket, nothing listening, the wrong socket type, a
 * refused port, no such family, a bad name. And a host's addresses are
 * tried in turn, so one that refuses does not hide one that answers.
 */
#define _GNU_SOURCE	/* RTLD_NEXT */
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "fake-nlipcd.h"

#define TIMEOUT_MS	2000
#define TWO_ADDRESSES	"nlipc-test-two-addresses"

static struct fake_server server;
static bool server_running;
static struct nlipc_error err;
static char url[512];

static int try_open(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int try_open(const char *fmt, ...)
{
	struct nlipc *ep = NULL;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(url, sizeof(url), fmt, ap);
	va_end(ap);
	memset(&err, 0, sizeof(err));
	ret = nlipc_open_timeout(&ep, url, TIMEOUT_MS, &err);
	if (!ret)
		assert_int_equal(ep->portid, FAKE_PORTID);
	nlipc_close(ep);
	return ret;
}

static void start(struct fake_server *s, int ret)
{
	assert_int_equal(ret, 0);
	server_running = true;
	(void)s;
}

static int teardown(void **state)
{
	if (server_running)
		fake_stop(&server);
	server_running = false;
	return 0;
}

/* A port nothing listens on: bound and closed again. */
static unsigned int closed_port(int type)
{
	struct fake_server s;
	unsigned int port;

	assert_int_equal(fake_start_inet(&s, type, AF_INET, 0), 0);
	port = atoi(strrchr(s.url, ':') + 1);
	fake_stop(&s);
	return port;
}

static void missing_socket_file(void **state)
{
	char want[400];

	start(&server, fake_start_unix(&server, SOCK_STREAM, false, 0));
	assert_int_equal(try_open("unix:%s.nope", server.path), -ENOENT);
	snprintf(want, sizeof(want), "no socket at %s.nope: is nlipcd running? "
		 "(nlipcd --listen unix:%s.nope)", server.path, server.path);
	assert_string_equal(err.msg, want);
}

static void abstract_name_nobody_listens(void **state)
{
	assert_int_equal(try_open("unix:@nlipc-test-nobody-%d", (int)getpid()),
			 -ECONNREFUSED);
	assert_non_null(strstr(err.msg, "nothing listens on @nlipc-test-nobody-"));
	assert_non_null(strstr(err.msg, "is nlipcd running? (nlipcd --listen unix:@"));
}

static void wrong_socket_type(void **state)
{
	start(&server, fake_start_unix(&server, SOCK_STREAM, false, 0));
	assert_int_equal(try_open("unix+seqpacket:%s", server.path),
			 -EPROTOTYPE);
	assert_non_null(strstr(err.msg, "is not a seqpacket socket"));
	/* The right type works, and at a path. */
	assert_int_equal(try_open("unix:%s", server.path), 0);
}

static void tcp_port_refused(void **state)
{
	unsigned int port = closed_port(SOCK_STREAM);
	char want[200];

	assert_int_equal(try_open("tcp://127.0.0.1:%u", port), -ECONNREFUSED);
	snprintf(want, sizeof(want), "connection refused by 127.0.0.1:%u: is "
		 "nlipcd running? (nlipcd --listen tcp://127.0.0.1:%u)",
		 port, port);
	assert_string_equal(err.msg, want);
}

static void family_not_found(void **state)
{
	start(&server, fake_start_inet(&server, SOCK_STREAM, AF_INET,
				       FAKE_NO_FAMILY));
	assert_int_equal(try_open("%s", server.url), -ENOENT);
	assert_non_null(strstr(err.msg, "family 'nlipc' not found at tcp://"));
	assert_non_null(strstr(err.msg, ": no such family"));
}

static void path_too_long(void **state)
{
	char path[200];

	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(try_open("unix:/%s", path), -ENAMETOOLONG);
	assert_non_null(strstr(err.msg, "socket path too long"));
}

static void unknown_scheme_lists_the_known(void **state)
{
	assert_int_equal(try_open("sctp://127.0.0.1"), -EPROTONOSUPPORT);
	assert_string_equal(err.msg, "unknown scheme 'sctp:' (known: netlink, "
			    "unix, unix+seqpacket, unix+dgram, tcp, udp)");
}

static void unknown_service(void **state)
{
	assert_int_equal(try_open("tcp://127.0.0.1:nlipc-no-such-service"),
			 -EINVAL);
	assert_string_equal(err.msg,
			    "unknown port or service 'nlipc-no-such-service'");
}

static void unknown_host(void **state)
{
	assert_int_equal(try_open("tcp://nlipc-no-such-host.invalid:1"),
			 -EHOSTUNREACH);
	assert_non_null(strstr(err.msg,
			       "cannot resolve 'nlipc-no-such-host.invalid'"));
}

/* /etc/services names port 7 "echo": serve it there, if we may. */
static void service_name(void **state)
{
	if (fake_start_inet_port(&server, SOCK_STREAM, AF_INET, 7, 0))
		skip();
	server_running = true;
	assert_int_equal(try_open("tcp://127.0.0.1:echo"), 0);
}

/*
 * TWO_ADDRESSES resolves to a refusing address first, then the server's;
 * so does a name the test resolver below makes up.
 */
static unsigned int refusing_port, server_port;

int getaddrinfo(const char *node, const char *service,
		const struct addrinfo *hints, struct addrinfo **res)
{
	static int (*real)(const char *, const char *,
			   const struct addrinfo *, struct addrinfo **);
	struct addrinfo *first, *second;
	char port[16];
	int ret;

	if (!real)
		real = (typeof(real))dlsym(RTLD_NEXT, "getaddrinfo");
	if (!node || strcmp(node, TWO_ADDRESSES))
		return real(node, service, hints, res);

	snprintf(port, sizeof(port), "%u", refusing_port);
	ret = real("127.0.0.1", port, hints, &first);
	if (ret)
		return ret;
	snprintf(port, sizeof(port), "%u", server_port);
	ret = real("127.0.0.1", port, hints, &second);
	if (ret) {
		freeaddrinfo(first);
		return ret;
	}
	first->ai_next = second;
	*res = first;
	return 0;
}

static void each_address_is_tried(void **state)
{
	refusing_port = closed_port(SOCK_STREAM);
	start(&server, fake_start_inet(&server, SOCK_STREAM, AF_INET, 0));
	server_port = atoi(strrchr(server.url, ':') + 1);
	assert_int_equal(try_open("tcp://" TWO_ADDRESSES ":7411"), 0);

	/* Both refuse: the message says there were several. */
	server_port = refusing_port;
	assert_int_equal(try_open("tcp://" TWO_ADDRESSES ":7411"),
			 -ECONNREFUSED);
	assert_non_null(strstr(err.msg, "(and the other addresses)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
		T(missing_socket_file),
		T(abstract_name_nobody_listens),
		T(wrong_socket_type),
		T(tcp_port_refused),
		T(family_not_found),
		T(path_too_long),
		T(unknown_scheme_lists_the_known),
		T(unknown_service),
		T(unknown_host),
		T(service_name),
		T(each_address_is_tried),
#undef T
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("connect", tests, NULL, NULL);
}
