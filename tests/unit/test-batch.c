// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Batches against nlipcd's user backend, over every bridged transport:
 * answers routed to their own request, one request's error leaving the
 * others alone, a batch far larger than the socket buffers, and the
 * deadline bounding a run the daemon never answers.
 */
#define _GNU_SOURCE	/* sendmmsg(), struct mmsghdr */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>

#include "internal.h"

#define TIMEOUT_MS	5000

static char dir[] = "/tmp/nlipc-batch-XXXXXX";
static pid_t daemon_pid;
static char urls[5][128];

static int start_daemon(void)
{
	char sock[200];
	int port = 10000 + getpid() % 20000;
	struct nlipc_error err;
	struct nlipc *ep;
	int i;

	if (!mkdtemp(dir))
		return -1;
	snprintf(urls[0], sizeof(urls[0]), "unix:%s/s", dir);
	snprintf(urls[1], sizeof(urls[1]), "unix+seqpacket:%s/sp", dir);
	snprintf(urls[2], sizeof(urls[2]), "unix+dgram:%s/dg", dir);
	snprintf(urls[3], sizeof(urls[3]), "tcp://127.0.0.1:%d", port);
	snprintf(urls[4], sizeof(urls[4]), "udp://127.0.0.1:%d", port);
	daemon_pid = fork();
	if (daemon_pid < 0)
		return -1;
	if (!daemon_pid) {
		execl(NLIPC_DAEMON, "nlipcd", "--backend", "user",
		      "--allow-remote-write", "--quiet", urls[0], urls[1],
		      urls[2], urls[3], urls[4], (char *)NULL);
		_exit(127);
	}
	/* Every listener is up once the last one answers. */
	snprintf(sock, sizeof(sock), "%s/dg", dir);
	for (i = 0; i < 100; i++) {
		if (!access(sock, F_OK) &&
		    !nlipc_open_timeout(&ep, urls[4], 500, &err)) {
			nlipc_close(ep);
			return 0;
		}
		usleep(50000);
	}
	return -1;
}

static void stop_daemon(void)
{
	char cmd[64];

	if (daemon_pid > 0) {
		kill(daemon_pid, SIGTERM);
		/* A test that failed may have left it stopped. */
		kill(daemon_pid, SIGCONT);
		waitpid(daemon_pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "# could not remove %s\n", dir);
}

/* The library's system calls, counted through the linker's --wrap. */
static unsigned int n_send, n_sendmmsg, n_recvmsg;
static int most_per_sendmmsg;	/* the most datagrams one call sent */

ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags);
int __real_sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags);
int __wrap_sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags);
ssize_t __real_recvmsg(int fd, struct msghdr *mh, int flags);
ssize_t __wrap_recvmsg(int fd, struct msghdr *mh, int flags);

ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
	n_send++;
	return __real_send(fd, buf, len, flags);
}

int __wrap_sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	int sent = __real_sendmmsg(fd, v, n, flags);

	n_sendmmsg++;
	if (sent > most_per_sendmmsg)
		most_per_sendmmsg = sent;
	return sent;
}

ssize_t __wrap_recvmsg(int fd, struct msghdr *mh, int flags)
{
	n_recvmsg++;
	return __real_recvmsg(fd, mh, flags);
}

struct fixture {
	unsigned int t;
	struct nlipc *ep;
	struct nlipc_batch *b;
};

static struct fixture fixtures[NLIPC_ARRAY_SIZE(urls)];

static int setup(void **state)
{
	struct fixture *f = *state;
	struct nlipc_error err;
	int ret;

	ret = nlipc_open_timeout(&f->ep, urls[f->t], TIMEOUT_MS, &err);
	if (ret) {
		fprintf(stderr, "# open %s: %s\n", urls[f->t], err.msg);
		return ret;
	}
	f->b = nlipc_batch_new(f->ep);
	return f->b ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nlipc_batch_free(f->b);
	nlipc_close(f->ep);
	return 0;
}

static int cookie_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[NLIPC_A_PING_MAX + 1] = {};
	uint64_t *slot = arg;

	if (nlipc_attr_parse(nlh, tb, NLIPC_A_PING_MAX) ||
	    !tb[NLIPC_A_PING_COOKIE])
		return -EBADMSG;
	*slot = mnl_attr_get_u64(tb[NLIPC_A_PING_COOKIE]);
	return 0;
}

/* @n pings of @len bytes, each with its index as cookie, into @slots. */
static void add_pings(struct fixture *f, unsigned int n, size_t len,
		      uint64_t *slots, bool ack)
{
	static char payload[1024];
	struct nlipc_msg *m;
	unsigned int i;

	for (i = 0; i < n; i++) {
		m = nlipc_msg_start(f->ep, NLIPC_CMD_PING, 0);
		nlipc_msg_put(m, NLIPC_A_PING_PAYLOAD, payload, len);
		nlipc_msg_put_u64(m, NLIPC_A_PING_COOKIE, i + 1000);
		if (!ack)
			nlipc_msg_hdr(m)->nlmsg_flags &= ~NLM_F_ACK;
		slots[i] = 0;
		assert_int_equal(nlipc_batch_add(f->b, m, cookie_cb, &slots[i]),
				 i);
	}
}

static void answers_reach_their_request(void **state)
{
	struct fixture *f = *state;
	uint64_t slots[300];
	unsigned int i;

	add_pings(f, 300, 16, slots, true);
	assert_int_equal(nlipc_batch_count(f->b), 300);
	assert_int_equal(nlipc_batch_run(f->b), 0);
	for (i = 0; i < 300; i++) {
		assert_int_equal(slots[i], i + 1000);
		assert_int_equal(nlipc_batch_errno(f->b, i), 0);
	}
	assert_int_equal(nlipc_batch_errno(f->b, 300), -EINVAL);
	/* Run again: fresh sequence numbers, the same answers. */
	memset(slots, 0, sizeof(slots));
	assert_int_equal(nlipc_batch_run(f->b), 0);
	assert_int_equal(slots[299], 299 + 1000);
}

static void few_system_calls(void **state)
{
	struct fixture *f = *state;
	uint64_t slots[64];

	add_pings(f, 64, 16, slots, true);
	n_send = n_sendmmsg = n_recvmsg = 0;
	most_per_sendmmsg = 0;
	assert_int_equal(nlipc_batch_run(f->b), 0);
	assert_int_equal(slots[63], 1063);
	switch (f->t) {
	case 0:	/* unix: a stream, one send, answers many to a read */
	case 3:	/* tcp */
		assert_int_equal(n_send + n_sendmmsg, 1);
		assert_true(n_recvmsg < 64);
		break;
	case 1:	/* unix+seqpacket: one datagram a request, one sendmmsg() */
		assert_int_equal(n_sendmmsg, 1);
		assert_int_equal(n_send, 0);
		break;
	case 2:
		/*
		 * unix+dgram: the daemon's queue (max_dgram_qlen, 10 by
		 * default) stops it, and how often depends on how fast the
		 * daemon reads (a loaded machine: about once a datagram).
		 * What holds: a call sends what the queue takes, many.
		 */
		assert_true(n_sendmmsg >= 1);
		assert_true(most_per_sendmmsg > 1);
		break;
	case 4:	/* udp: 16 in flight, as nlipcd remembers answers */
		assert_true(n_sendmmsg >= 4 && n_sendmmsg < 64);
		break;
	}
}

static void pings_need_no_ack(void **state)
{
	struct fixture *f = *state;
	uint64_t slots[100];
	struct nlipc_msg *m;

	add_pings(f, 100, 16, slots, false);
	assert_int_equal(nlipc_batch_run(f->b), 0);
	assert_int_equal(slots[0], 1000);
	assert_int_equal(slots[99], 1099);
	/* A kv-set answers nothing on success: it must keep its ACK. */
	m = nlipc_kv_set_msg(f->ep, "k", 1, "v", 1, NLIPC_KV_CREATE);
	nlipc_msg_hdr(m)->nlmsg_flags &= ~NLM_F_ACK;
	assert_int_equal(nlipc_batch_add(f->b, m, NULL, NULL), -EINVAL);
	/* The endpoint still works after the batch. */
	assert_int_equal(nlipc_ping(f->ep, &(struct nlipc_ping){ 0 }), 0);
}

static void one_error_leaves_the_others_alone(void **state)
{
	struct fixture *f = *state;
	char key[32], other[32];
	char v[8];

	snprintf(key, sizeof(key), "exists-%u", f->t);
	snprintf(other, sizeof(other), "after-%u", f->t);
	nlipc_kv_del(f->ep, other, strlen(other));
	assert_int_equal(nlipc_kv_set(f->ep, key, strlen(key), "old", 3,
				      NLIPC_KV_CREATE | NLIPC_KV_REPLACE), 0);
	assert_int_equal(nlipc_batch_kv_set(f->b, "before", 6, "1", 1,
					    NLIPC_KV_CREATE | NLIPC_KV_REPLACE), 0);
	assert_int_equal(nlipc_batch_kv_set(f->b, key, strlen(key), "new", 3,
					    NLIPC_KV_CREATE | NLIPC_KV_EXCL), 1);
	assert_int_equal(nlipc_batch_kv_set(f->b, other, strlen(other), "2", 1,
					    NLIPC_KV_CREATE), 2);
	assert_int_equal(nlipc_batch_run(f->b), -EEXIST);
	assert_int_equal(nlipc_error(f->ep)->code, -EEXIST);
	assert_int_equal(nlipc_error(f->ep)->cmd, NLIPC_CMD_KV_SET);
	/* The extack's attribute is named as nlipc_call() names it. */
	assert_string_equal(nlipc_error(f->ep)->attr_name, "key");
	assert_int_equal(nlipc_batch_errno(f->b, 0), 0);
	assert_int_equal(nlipc_batch_errno(f->b, 1), -EEXIST);
	assert_int_equal(nlipc_batch_errno(f->b, 2), 0);
	assert_int_equal(nlipc_kv_get(f->ep, key, strlen(key), v, sizeof(v)), 3);
	assert_memory_equal(v, "old", 3);
	assert_int_equal(nlipc_kv_get(f->ep, other, strlen(other), v,
				      sizeof(v)), 1);
	/* Unknown flags are refused before anything is queued. */
	assert_int_equal(nlipc_batch_kv_set(f->b, "x", 1, "", 0, 0x80),
			 -EINVAL);
	assert_int_equal(nlipc_batch_count(f->b), 3);
	nlipc_batch_reset(f->b);
	assert_int_equal(nlipc_batch_count(f->b), 0);
	assert_int_equal(nlipc_batch_run(f->b), 0);
}

static void larger_than_the_socket_buffer(void **state)
{
	struct fixture *f = *state;
	const unsigned int n = 4000;
	uint64_t *slots = calloc(n, sizeof(*slots));
	unsigned int i;

	/* 4 MB each way, four times the largest socket buffer. */
	assert_non_null(slots);
	add_pings(f, n, 1024, slots, true);
	assert_int_equal(nlipc_batch_run(f->b), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(slots[i], i + 1000);
	free(slots);
}

static void the_deadline_bounds_the_run(void **state)
{
	struct fixture *f = *state;
	uint64_t slots[10];
	long long t0, ms;
	int ret;

	add_pings(f, 10, 16, slots, true);
	nlipc_set_timeout(f->ep, 300);
	kill(daemon_pid, SIGSTOP);
	t0 = nlipc_now_ms();
	ret = nlipc_batch_run(f->b);
	ms = nlipc_now_ms() - t0;
	kill(daemon_pid, SIGCONT);
	assert_int_equal(ret, -ETIMEDOUT);
	assert_true(ms >= 300 && ms < 2000);
	assert_int_equal(nlipc_batch_errno(f->b, 0), -ETIMEDOUT);
	assert_int_equal(nlipc_batch_errno(f->b, 9), -ETIMEDOUT);
	assert_non_null(strstr(nlipc_error(f->ep)->msg, "unanswered"));
	/* The late answers are told from the next run's by their seqs. */
	nlipc_set_timeout(f->ep, TIMEOUT_MS);
	assert_int_equal(nlipc_batch_run(f->b), 0);
	assert_int_equal(slots[9], 1009);
}

/* One test per transport, named after both. */
#define ON(fn, i, scheme)	{ #fn " over " scheme, fn, setup, teardown, \
				  &fixtures[i] }
#define FOR_EACH(fn)							\
	ON(fn, 0, "unix"), ON(fn, 1, "unix+seqpacket"),			\
	ON(fn, 2, "unix+dgram"), ON(fn, 3, "tcp"), ON(fn, 4, "udp")

int main(void)
{
	const struct CMUnitTest tests[] = {
		FOR_EACH(answers_reach_their_request),
		FOR_EACH(few_system_calls),
		FOR_EACH(pings_need_no_ack),
		FOR_EACH(one_error_leaves_the_others_alone),
		FOR_EACH(larger_than_the_socket_buffer),
		FOR_EACH(the_deadline_bounds_the_run),
	};
	unsigned int i;
	int ret;

	cmocka_set_message_output(CM_OUTPUT_TAP);
	for (i = 0; i < NLIPC_ARRAY_SIZE(fixtures); i++)
		fixtures[i].t = i;
	if (start_daemon()) {
		fprintf(stderr, "# nlipcd did not start\n");
		stop_daemon();
		return 1;
	}
	ret = cmocka_run_group_tests_name("batch", tests, NULL, NULL);
	stop_daemon();
	return ret;
}
