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
#include <sys/stat.h>
#include <cmocka.h>

#include "internal.h"
#include "fake-nlipcd.h"

#define TIMEOUT_MS	2000
#define TWO_ADDRESSES	"nlipc-test-two-addresses"

static struct fake_server server, silent;
static bool server_running, silent_running;
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
	if (silent_running)
		fake_stop(&silent);
	server_running = silent_running = false;
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
	snprintf(want, sizeof(want), "nothing answers at 127.0.0.1:%u (refused): "
		 "is nlipcd running? (nlipcd --listen tcp://127.0.0.1:%u)",
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
			    "unix, unix+seqpacket, unix+dgram, tcp, udp, tls, ssh)");
}

/*
 * ssh:// hands its parts to ssh and, the socket path, to a remote shell:
 * nothing either would take for an option or a command gets through.
 */
static void ssh_url_refuses_what_ssh_or_a_shell_reads(void **state)
{
	static const char *const bad[] = {
		"ssh://-oProxyCommand=touch@host/run/x",
		"ssh://-oProxyCommand=touch/run/x",
		"ssh://host/run/x;reboot",
		"ssh://host/run/$(id)",
		"ssh://host/run/a b",
		"ssh://user@host:22x/run/x",
		"ssh://",
		"ssh://@host",
		"ssh://[::1/run/x",
	};
	size_t i;

	/* Not run: no ssh would start if parsing let it through. */
	setenv("NLIPC_SSH_COMMAND", "exit 99", 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(try_open("%s", bad[i]), -EINVAL);
		assert_non_null(strstr(err.msg, "invalid URL"));
	}
	unsetenv("NLIPC_SSH_COMMAND");
}

/* ssh that cannot get there: its own last line is the message. */
static void ssh_failure_is_ssh_s_last_line(void **state)
{
	setenv("NLIPC_SSH_COMMAND",
	       "echo 'debug noise' >&2; echo 'ssh: Could not resolve hostname nowhere' >&2; exit 255",
	       1);
	assert_int_not_equal(try_open("ssh://user@nowhere:2222/run/nlipc.sock"), 0);
	unsetenv("NLIPC_SSH_COMMAND");
	assert_string_equal(err.msg,
			    "ssh nowhere: ssh: Could not resolve hostname nowhere");
}

/*
 * A minimal root has no services database until netbase is installed
 * (tests/unit/hosts.sh hides it): every service name is then refused,
 * with that hint.
 */
static bool no_services(void)
{
	struct stat st;

	return stat("/etc/services", &st) || !st.st_size;
}

static void unknown_service(void **state)
{
	assert_int_equal(try_open("tcp://127.0.0.1:nlipc-no-such-service"),
			 -EINVAL);
	if (no_services())
		assert_string_equal(err.msg, "unknown service 'nlipc-no-such-service' "
				    "(no services database: install netbase)");
	else
		assert_string_equal(err.msg, "unknown port or service "
				    "'nlipc-no-such-service'");
}

static void unknown_host(void **state)
{
	assert_int_equal(try_open("tcp://nlipc-no-such-host.invalid:1"),
			 -EHOSTUNREACH);
	assert_non_null(strstr(err.msg,
			       "cannot resolve 'nlipc-no-such-host.invalid'"));
}

/* /etc/services names port 7 "echo". */
static void service_name(void **state)
{
	if (no_services()) {
		assert_int_equal(try_open("tcp://127.0.0.1:echo"), -EINVAL);
		assert_string_equal(err.msg, "unknown service 'echo' "
				    "(no services database: install netbase)");
		return;
	}
	/* Served at 7 if we may bind it; if not, the refusal names 7. */
	if (!fake_start_inet_port(&server, SOCK_STREAM, AF_INET, 7, 0)) {
		server_running = true;
		assert_int_equal(try_open("tcp://127.0.0.1:echo"), 0);
		return;
	}
	assert_int_equal(try_open("tcp://127.0.0.1:echo"), -ECONNREFUSED);
	assert_non_null(strstr(err.msg, "nothing answers at 127.0.0.1:7 "));
}

/*
 * TWO_ADDRESSES resolves to two[0], then two[1]: a literal address each,
 * with its own port, or with the URL's if that is 0.
 */
static struct {
	const char *host;
	unsigned int port;
} two[2];

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

	snprintf(port, sizeof(port), "%u", two[0].port);
	ret = real(two[0].host, two[0].port ? port : service, hints, &first);
	if (ret)
		return ret;
	snprintf(port, sizeof(port), "%u", two[1].port);
	ret = real(two[1].host, two[1].port ? port : service, hints, &second);
	if (ret) {
		freeaddrinfo(first);
		return ret;
	}
	first->ai_next = second;
	*res = first;
	return 0;
}

static void resolve_two(const char *host0, unsigned int port0,
			const char *host1, unsigned int port1)
{
	two[0].host = host0;
	two[0].port = port0;
	two[1].host = host1;
	two[1].port = port1;
}

static unsigned int port_of(const struct fake_server *s)
{
	return atoi(strrchr(s->url, ':') + 1);
}

static void each_address_is_tried(void **state)
{
	unsigned int refusing = closed_port(SOCK_STREAM);
	char want[200];

	start(&server, fake_start_inet(&server, SOCK_STREAM, AF_INET, 0));
	resolve_two("127.0.0.1", refusing, "127.0.0.1", port_of(&server));
	assert_int_equal(try_open("tcp://" TWO_ADDRESSES ":7411"), 0);

	/* Both refuse: the message names them. */
	resolve_two("127.0.0.1", refusing, "127.0.0.1", refusing);
	assert_int_equal(try_open("tcp://" TWO_ADDRESSES ":7411"),
			 -ECONNREFUSED);
	snprintf(want, sizeof(want), "nothing answers at 127.0.0.1:%u "
		 "(refused), 127.0.0.1:%u (refused): is nlipcd running?",
		 refusing, refusing);
	assert_non_null(strstr(err.msg, want));
}

/*
 * connect() on a datagram socket succeeds whoever is there: only the
 * first exchange tells a refusing address from one that answers.
 */
static void udp_refusing_address_is_passed_over(void **state)
{
	unsigned int refusing = closed_port(SOCK_DGRAM);
	long long start_ms;

	start(&server, fake_start_inet(&server, SOCK_DGRAM, AF_INET, 0));
	resolve_two("127.0.0.1", refusing, "127.0.0.1", port_of(&server));
	start_ms = nlipc_now_ms();
	assert_int_equal(try_open("udp://" TWO_ADDRESSES ":7411"), 0);
	/* The ICMP refusal moves on at once, not after a share of the time. */
	assert_in_range(nlipc_now_ms() - start_ms, 0, TIMEOUT_MS / 4);
}

/*
 * Debian's /etc/hosts gives localhost ::1 first, then 127.0.0.1, where
 * nlipcd listens as the README starts it.
 */
static void v6_loopback_first_v4_answers(int type)
{
	long long start_ms;

	if (fake_start_inet(&server, type, AF_INET, 0))
		fail();
	server_running = true;
	resolve_two("::1", 0, "127.0.0.1", 0);
	start_ms = nlipc_now_ms();
	assert_int_equal(try_open("%s://" TWO_ADDRESSES ":%u",
				  type == SOCK_DGRAM ? "udp" : "tcp",
				  port_of(&server)), 0);
	assert_in_range(nlipc_now_ms() - start_ms, 0, TIMEOUT_MS / 4);
}

static void udp_v6_loopback_first_v4_answers(void **state)
{
	v6_loopback_first_v4_answers(SOCK_DGRAM);
}

static void tcp_v6_loopback_first_v4_answers(void **state)
{
	v6_loopback_first_v4_answers(SOCK_STREAM);
}

/* An address that drops everything gets its share of the time, no more. */
static void udp_silent_address_gets_its_share(void **state)
{
	char want[100];
	long long took;

	start(&server, fake_start_inet(&server, SOCK_DGRAM, AF_INET, 0));
	assert_int_equal(fake_start_inet(&silent, SOCK_DGRAM, AF_INET,
					 FAKE_SILENT), 0);
	silent_running = true;
	resolve_two("127.0.0.1", port_of(&silent), "127.0.0.1",
		    port_of(&server));
	took = nlipc_now_ms();
	assert_int_equal(try_open("udp://" TWO_ADDRESSES ":7411"), 0);
	took = nlipc_now_ms() - took;
	assert_in_range(took, TIMEOUT_MS / 2 - 10, TIMEOUT_MS - 1);
	assert_true(fake_requests(&silent, NULL) >= 1);
	assert_int_equal(fake_requests(&server, NULL), 1);

	/* Both silent: each is named, with how long it was given. */
	resolve_two("127.0.0.1", port_of(&silent), "127.0.0.1",
		    port_of(&silent));
	assert_int_equal(try_open("udp://" TWO_ADDRESSES ":7411"),
			 -ETIMEDOUT);
	snprintf(want, sizeof(want), "127.0.0.1:%u (silent for ",
		 port_of(&silent));
	assert_non_null(strstr(strstr(err.msg, want) + 1, want));
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
		T(ssh_url_refuses_what_ssh_or_a_shell_reads),
		T(ssh_failure_is_ssh_s_last_line),
		T(unknown_service),
		T(unknown_host),
		T(service_name),
		T(each_address_is_tried),
		T(udp_refusing_address_is_passed_over),
		T(udp_v6_loopback_first_v4_answers),
		T(tcp_v6_loopback_first_v4_answers),
		T(udp_silent_address_gets_its_share),
#undef T
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("connect", tests, NULL, NULL);
}
