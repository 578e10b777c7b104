// SPDX-License-Identifier: LGPL-2.1-or-later
/* The URL parser: every scheme, the edge cases, and clear failures. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "url.h"

static struct nlipc_url u;
static char err[256];

static int parse(const char *url)
{
	err[0] = '\0';
	return nlipc_url_parse(&u, url, err, sizeof(err));
}

static void netlink_is_the_default(void **state)
{
	assert_int_equal(parse(NULL), 0);
	assert_string_equal(u.scheme, "netlink");
	assert_int_equal(parse(""), 0);
	assert_string_equal(u.scheme, "netlink");
	assert_int_equal(parse("netlink:"), 0);
	assert_string_equal(u.scheme, "netlink");
	assert_int_equal(parse("netlink:x"), -EINVAL);
	assert_non_null(strstr(err, "takes no address"));
}

static void unix_paths_and_abstract_names(void **state)
{
	assert_int_equal(parse("unix:/run/nlipc.sock"), 0);
	assert_string_equal(u.scheme, "unix");
	assert_string_equal(u.path, "/run/nlipc.sock");
	assert_int_equal(parse("unix+seqpacket:@nlipc"), 0);
	assert_string_equal(u.scheme, "unix+seqpacket");
	assert_string_equal(u.path, "@nlipc");
	assert_int_equal(parse("unix:"), -EINVAL);
	assert_int_equal(parse("unix:@"), -EINVAL);
	assert_int_equal(u.uid, -1);
}

/* The server's expected uid: "?uid=N", and nothing else after a '?'. */
static void unix_server_uid(void **state)
{
	assert_int_equal(parse("unix:@nlipc?uid=0"), 0);
	assert_string_equal(u.path, "@nlipc");
	assert_int_equal(u.uid, 0);
	assert_int_equal(parse("unix:/run/nlipc.sock?uid=1000"), 0);
	assert_string_equal(u.path, "/run/nlipc.sock");
	assert_int_equal(u.uid, 1000);
	assert_int_equal(parse("unix:@nlipc?uid="), -EINVAL);
	assert_int_equal(parse("unix:@nlipc?uid=-1"), -EINVAL);
	assert_int_equal(parse("unix:@nlipc?uid=4294967295"), -EINVAL);
	assert_int_equal(parse("unix:@nlipc?uid=1x"), -EINVAL);
	assert_int_equal(parse("unix:@nlipc?user=root"), -EINVAL);
	assert_int_equal(parse("unix:?uid=0"), -EINVAL);
}

static void unix_path_length_limit(void **state)
{
	char url[256] = "unix:/";

	memset(url + 6, 'a', NLIPC_UNIX_PATH_MAX - 1);
	assert_int_equal(parse(url), 0);		/* 107 bytes fit */
	strcat(url, "a");
	assert_int_equal(parse(url), -ENAMETOOLONG);	/* 108 do not */
	assert_non_null(strstr(err, "too long"));

	strcpy(url, "unix:@");
	memset(url + 6, 'b', NLIPC_UNIX_PATH_MAX);
	url[6 + NLIPC_UNIX_PATH_MAX] = '\0';
	assert_int_equal(parse(url), 0);		/* the '@' is free */
}

static void inet_hosts_and_ports(void **state)
{
	assert_int_equal(parse("tcp://localhost:7411"), 0);
	assert_string_equal(u.scheme, "tcp");
	assert_string_equal(u.host, "localhost");
	assert_string_equal(u.port, "7411");
	assert_int_equal(parse("udp://127.0.0.1"), 0);
	assert_string_equal(u.port, NLIPC_DEFAULT_PORT);
	assert_int_equal(parse("tcp://[::1]:http"), 0);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.port, "http");
	assert_int_equal(parse("tcp://[fe80::1%lo]"), 0);
	assert_string_equal(u.host, "fe80::1%lo");
	/* tls:// has a port of its own, so tcp:// and tls:// share a host. */
	assert_int_equal(parse("tls://[::1]"), 0);
	assert_string_equal(u.scheme, "tls");
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.port, NLIPC_DEFAULT_TLS_PORT);
	assert_int_equal(parse("tls://gw.example:7443"), 0);
	assert_string_equal(u.port, "7443");
	assert_int_equal(parse("tls:gw"), -EINVAL);
}

static void inet_mistakes_are_explained(void **state)
{
	assert_int_equal(parse("tcp://::1:7411"), -EINVAL);
	assert_non_null(strstr(err, "brackets"));
	assert_int_equal(parse("tcp:localhost:1"), -EINVAL);
	assert_int_equal(parse("tcp://[::1"), -EINVAL);
	assert_int_equal(parse("tcp://[::1]x"), -EINVAL);
	assert_int_equal(parse("tcp://host:"), -EINVAL);
	assert_int_equal(parse("tcp://:7411"), -EINVAL);
	assert_int_equal(parse("tcp://host/path"), -EINVAL);
	assert_int_equal(parse("nocolon"), -EINVAL);
	assert_int_equal(parse(":x"), -EINVAL);
}

/* Ports past 65535 are refused, not wrapped by getaddrinfo(). */
static void inet_ports_out_of_range(void **state)
{
	assert_int_equal(parse("tcp://127.0.0.1:65535"), 0);
	assert_int_equal(parse("tcp://127.0.0.1:0"), 0);
	assert_int_equal(parse("tcp://127.0.0.1:65536"), -EINVAL);
	assert_non_null(strstr(err, "port out of range"));
	assert_int_equal(parse("udp://[::1]:99999"), -EINVAL);
	assert_int_equal(parse("tcp://h:99999999999999999999999"), -EINVAL);
	assert_int_equal(parse("tcp://h:0065535"), 0);
}

static void unknown_schemes_are_left_to_the_caller(void **state)
{
	assert_int_equal(parse("sctp://host:1"), 0);
	assert_string_equal(u.scheme, "sctp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(netlink_is_the_default),
		cmocka_unit_test(unix_paths_and_abstract_names),
		cmocka_unit_test(unix_server_uid),
		cmocka_unit_test(unix_path_length_limit),
		cmocka_unit_test(inet_hosts_and_ports),
		cmocka_unit_test(inet_mistakes_are_explained),
		cmocka_unit_test(inet_ports_out_of_range),
		cmocka_unit_test(unknown_schemes_are_left_to_the_caller),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
