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

/* Run the nlipc tool; its stdout and stderr, and its exit status. */
static int run_cli(char *out, size_t cap, int limit_s, ...)
{
	const char *argv[16] = { NLIPC_CLI, "-c", server.url };
	long long t0 = nlipc_now_ms();
	size_t len = 0;
	int fds[2], status, argc = 3;
	struct pollfd pfd;
	va_list ap;
	pid_t pid;
	ssize_t n;

	va_start(ap, limit_s);
	while ((argv[argc] = va_arg(ap, const char *)))
		argc++;
	va_end(ap);
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		/*
		 * A runaway expansion fails fast instead of eating the host;
		 * not under ASan, whose shadow memory alone is terabytes of
		 * address space (the time limit still bounds it there).
		 */
#ifndef __SANITIZE_ADDRESS__
		struct rlimit as = { 1ul << 30, 1ul << 30 };

		setrlimit(RLIMIT_AS, &as);
#endif
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	close(fds[1]);
	pfd = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	while (nlipc_now_ms() - t0 < limit_s * 1000LL) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fds[0], out + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += n;
		if (len == cap - 1)	/* keep draining, keep the start */
			len = cap / 2;
	}
	out[len] = '\0';
	close(fds[0]);
	if (nlipc_now_ms() - t0 >= limit_s * 1000LL)
		kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));	/* not killed: it ended by itself */
	return WEXITSTATUS(status);
}

static void test_extack_escapes_are_not_printed_raw(void **state)
{
	static char out[4096];
	const char *p;

	assert_int_equal(fake_start_unix(&server, SOCK_STREAM, false,
					 FAKE_ESC_EXTACK), 0);
	assert_int_not_equal(run_cli(out, sizeof(out), 10, "ping", NULL), 0);
	assert_non_null(strstr(out, "input"));
	for (p = out; *p; p++)
		if (*p != '\n')
			assert_false((unsigned char)*p < 0x20 || *p == 0x7f);
	/* Nor can the peer forge a line of our own. */
	assert_null(strstr(out, "\nnlipc: all is well"));
	assert_non_null(strstr(out, "\\x1b[2J"));
}

static void test_policy_expansion_is_bounded(void **state)
{
	static char out[1 << 16];

	assert_int_equal(fake_start_unix(&server, SOCK_STREAM, false,
					 FAKE_POLICY_BOMB), 0);
	assert_int_not_equal(run_cli(out, sizeof(out), 20, "-j", "family",
				     NULL), 0);
	assert_non_null(strstr(out, "policy"));
}

/* Someone else bound the abstract name first. */
static void test_abstract_name_squatter_is_refused(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char name[64], url[80];
	struct nlipc_error err;
	struct nlipc *ep = NULL;
	int ready[2], status;
	socklen_t len;
	pid_t pid;
	char c;

	if (geteuid() != 0)
		skip();	/* needs a second uid to squat with */
	snprintf(name, sizeof(name), "nlipc-squat-%d", (int)getpid());
	len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
	memcpy(sun.sun_path + 1, name, strlen(name));
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int fd;

		close(ready[0]);
		close(1);
		close(2);
		if (setgid(65534) || setuid(65534) ||
		    prctl(PR_SET_PDEATHSIG, SIGKILL))	/* after setuid() */
			_exit(1);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (bind(fd, (struct sockaddr *)&sun, len) || listen(fd, 8))
			_exit(1);
		c = 1;
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		pause();	/* until the parent is done */
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);

	snprintf(url, sizeof(url), "unix:@%s", name);
	assert_int_equal(nlipc_open_timeout(&ep, url, 500, &err), -EPERM);
	assert_non_null(strstr(err.msg, "uid 65534"));
	/* Named, the squatter is whom we asked for: it is then reached. */
	snprintf(url, sizeof(url), "unix:@%s?uid=65534", name);
	assert_int_equal(nlipc_open_timeout(&ep, url, 200, &err), -ETIMEDOUT);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(ready[0]);
}

static void test_server_uid_in_url_is_checked(void **state)
{
	struct nlipc_error err;
	struct nlipc *ep = NULL;
	char url[256];

	assert_int_equal(fake_start_unix(&server, SOCK_STREAM, true, 0), 0);
	snprintf(url, sizeof(url), "%s?uid=%u", server.url, geteuid() + 1);
	assert_int_equal(nlipc_open_timeout(&ep, url, 2000, &err), -EPERM);
	snprintf(url, sizeof(url), "%s?uid=%u", server.url, geteuid());
	assert_int_equal(nlipc_open_timeout(&ep, url, 2000, &err), 0);
	nlipc_close(ep);
	/* The default for an abstract name: root or ourselves. */
	assert_int_equal(nlipc_open_timeout(&ep, server.url, 2000, &err), 0);
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
		cmocka_unit_test_teardown(test_extack_escapes_are_not_printed_raw,
					  teardown),
		cmocka_unit_test_teardown(test_policy_expansion_is_bounded,
					  teardown),
		cmocka_unit_test(test_abstract_name_squatter_is_refused),
		cmocka_unit_test_teardown(test_server_uid_in_url_is_checked,
					  teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, setup_watchdog, NULL);
}
