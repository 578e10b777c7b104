// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The request/reply core against a scripted transport: replies are matched
 * by sequence number and port id, ACKs and extack are decoded, dumps that
 * race a writer are retried, and every wait ends at the deadline.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

#define FAMILY	0x20
#define PORTID	4242

/* Each request the core sends is answered by the current scenario. */
static struct {
	void (*answer)(const struct nlmsghdr *req);
	unsigned int sends;
	char queue[16][8192];
	size_t len[16];
	unsigned int head, tail;
	int recv_error;
} fake;

static int fake_send(struct nlipc *ep, const void *buf, size_t len)
{
	fake.sends++;
	if (fake.answer)
		fake.answer(buf);
	return 0;
}

static ssize_t fake_recv(struct nlipc *ep, long long until)
{
	size_t len;
	int err;

	if (fake.recv_error)
		return fake.recv_error;
	if (fake.head == fake.tail) {
		/* ep->fd never becomes readable: this times out. */
		err = nlipc_poll(ep->fd, POLLIN, until);
		return err ? err : -EIO;
	}
	len = fake.len[fake.head % 16];
	memcpy(ep->rx, fake.queue[fake.head++ % 16], len);
	return len;
}

static const struct nlipc_transport fake_transport = {
	.scheme = "fake",
	.send = fake_send,
	.recv = fake_recv,
};

static struct nlmsghdr *queue_msg(uint16_t type, uint16_t flags, uint32_t seq,
				  uint32_t pid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(fake.queue[fake.tail % 16]);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	return nlh;
}

static void queue_done(struct nlmsghdr *nlh)
{
	fake.len[fake.tail++ % 16] = nlh->nlmsg_len;
}

static struct nlmsghdr *queue_reply(const struct nlmsghdr *req, uint16_t flags)
{
	struct nlmsghdr *nlh = queue_msg(req->nlmsg_type, flags,
					 req->nlmsg_seq, PORTID);
	struct genlmsghdr *genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));

	genl->cmd = ((const struct genlmsghdr *)mnl_nlmsg_get_payload(req))->cmd;
	genl->version = 1;
	return nlh;
}

/* An ACK as the kernel sends it with NETLINK_CAP_ACK and extack on. */
static void queue_ack(const struct nlmsghdr *req, int error, const char *msg,
		      int offs, int miss_type)
{
	struct nlmsghdr *nlh = queue_msg(NLMSG_ERROR, NLM_F_CAPPED,
					 req->nlmsg_seq, PORTID);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg = *req;
	if (msg || offs >= 0 || miss_type >= 0)
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	if (offs >= 0)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, offs);
	if (miss_type >= 0)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, miss_type);
	queue_done(nlh);
}

static void queue_dump_done(const struct nlmsghdr *req, uint16_t flags)
{
	struct nlmsghdr *nlh = queue_msg(NLMSG_DONE, NLM_F_MULTI | flags,
					 req->nlmsg_seq, PORTID);
	int *err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));

	*err = 0;
	queue_done(nlh);
}

static int setup(void **state)
{
	struct nlipc *ep = calloc(1, sizeof(*ep));

	memset(&fake, 0, sizeof(fake));
	ep->tp = &fake_transport;
	/* Never readable: a wait for more replies can only time out. */
	ep->fd = eventfd(0, 0);
	ep->portid = PORTID;
	ep->family_id = FAMILY;
	ep->timeout_ms = 100;
	ep->tx = malloc(NLIPC_TX_SIZE);
	ep->rx = malloc(NLIPC_RX_SIZE);
	ep->rx_size = NLIPC_RX_SIZE;
	nlipc_error_clear(ep);
	*state = ep;
	return 0;
}

static int teardown(void **state)
{
	struct nlipc *ep = *state;

	close(ep->fd);
	free(ep->tx);
	free(ep->rx);
	free(ep);
	return 0;
}

static void answer_ping(const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh;

	nlh = queue_reply(req, 0);
	mnl_attr_put(nlh, NLIPC_A_PING_PAYLOAD, 5, "hello");
	mnl_attr_put_u64(nlh, NLIPC_A_PING_COOKIE, 77);
	queue_done(nlh);

	/* A stale reply, then one for another port: neither is ours. */
	nlh = queue_reply(req, 0);
	nlh->nlmsg_seq--;
	mnl_attr_put(nlh, NLIPC_A_PING_PAYLOAD, 5, "stale");
	queue_done(nlh);
	nlh = queue_reply(req, 0);
	nlh->nlmsg_pid++;
	mnl_attr_put(nlh, NLIPC_A_PING_PAYLOAD, 5, "other");
	queue_done(nlh);

	queue_ack(req, 0, NULL, -1, -1);
}

static void ping_takes_only_its_own_reply(void **state)
{
	struct nlipc *ep = *state;
	char reply[16] = "";
	struct nlipc_ping p = {
		.payload = "hello", .len = 5, .has_cookie = true, .cookie = 77,
		.reply = reply, .reply_cap = sizeof(reply),
	};

	fake.answer = answer_ping;
	assert_int_equal(nlipc_ping(ep, &p), 0);
	assert_int_equal(p.reply_len, 5);
	assert_memory_equal(reply, "hello", 5);
	assert_int_equal(p.reply_cookie, 77);
	assert_int_equal(nlipc_error(ep)->code, 0);
}

/* Point the extack offset at the request's first attribute. */
static void answer_bad_payload(const struct nlmsghdr *req)
{
	queue_ack(req, -EMSGSIZE, "payload larger than ping_max_payload",
		  NLMSG_HDRLEN + GENL_HDRLEN, -1);
}

static void extack_names_the_attribute(void **state)
{
	struct nlipc *ep = *state;
	struct nlipc_ping p = { .payload = "x", .len = 1 };
	char text[256];

	fake.answer = answer_bad_payload;
	assert_int_equal(nlipc_ping(ep, &p), -EMSGSIZE);
	assert_int_equal(nlipc_error(ep)->attr, NLIPC_A_PING_PAYLOAD);
	assert_string_equal(nlipc_error(ep)->attr_name, "payload");
	assert_int_equal(nlipc_error(ep)->cmd, NLIPC_CMD_PING);
	nlipc_strerror(nlipc_error(ep), text, sizeof(text));
	assert_string_equal(text, "Message too long: payload larger than "
			    "ping_max_payload (attribute payload)");
}

static void answer_missing_key(const struct nlmsghdr *req)
{
	queue_ack(req, -EINVAL, NULL, -1, NLIPC_A_KV_KEY);
}

static void missing_attribute_is_named(void **state)
{
	struct nlipc *ep = *state;
	char text[256];

	fake.answer = answer_missing_key;
	assert_int_equal(nlipc_call(ep, nlipc_msg_start(ep, NLIPC_CMD_KV_GET, 0),
				    NULL, NULL), -EINVAL);
	assert_int_equal(nlipc_error(ep)->missing_attr, NLIPC_A_KV_KEY);
	nlipc_strerror(nlipc_error(ep), text, sizeof(text));
	assert_string_equal(text, "Invalid argument (missing attribute key)");
}

static void answer_eperm(const struct nlmsghdr *req)
{
	queue_ack(req, -EPERM, NULL, -1, -1);
}

static void admin_refusal_is_explained(void **state)
{
	struct nlipc *ep = *state;

	fake.answer = answer_eperm;
	assert_int_equal(nlipc_stats_reset(ep), -EPERM);
	assert_string_equal(nlipc_error(ep)->msg,
			    "stats-reset needs CAP_NET_ADMIN");
}

/* The first pass of the dump races a writer; the second is clean. */
static void answer_dump(const struct nlmsghdr *req)
{
	uint16_t intr = fake.sends == 1 ? NLM_F_DUMP_INTR : 0;
	struct nlmsghdr *nlh;
	int i;

	for (i = 0; i < 3; i++) {
		nlh = queue_reply(req, NLM_F_MULTI | (i ? intr : 0));
		mnl_attr_put_u32(nlh, NLIPC_A_KV_KEY, fake.sends * 10 + i);
		queue_done(nlh);
	}
	queue_dump_done(req, intr);
}

struct collect {
	unsigned int restarts, n;
	uint32_t keys[8];
};

static int collect_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[NLIPC_A_KV_MAX + 1] = {};
	struct collect *c = arg;

	if (!nlh) {
		c->restarts++;
		c->n = 0;
		return 0;
	}
	assert_int_equal(nlipc_attr_parse(nlh, tb, NLIPC_A_KV_MAX), 0);
	c->keys[c->n++] = mnl_attr_get_u32(tb[NLIPC_A_KV_KEY]);
	return 0;
}

static void interrupted_dump_is_retried(void **state)
{
	struct nlipc *ep = *state;
	struct collect c = {};

	fake.answer = answer_dump;
	assert_int_equal(nlipc_call(ep, nlipc_msg_start(ep, NLIPC_CMD_KV_GET,
							NLM_F_DUMP),
				    collect_cb, &c), 0);
	assert_int_equal(fake.sends, 2);
	assert_int_equal(c.restarts, 1);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.keys[0], 20);
	assert_int_equal(c.keys[2], 22);
}

static void answer_always_interrupted(const struct nlmsghdr *req)
{
	queue_dump_done(req, NLM_F_DUMP_INTR);
}

static void unsettled_dump_gives_up(void **state)
{
	struct nlipc *ep = *state;

	fake.answer = answer_always_interrupted;
	assert_int_equal(nlipc_call(ep, nlipc_msg_start(ep, NLIPC_CMD_KV_GET,
							NLM_F_DUMP),
				    NULL, NULL), -EAGAIN);
	assert_int_equal(fake.sends, NLIPC_DUMP_TRIES);
}

/* Each pass of the dump takes a while before a writer spoils it. */
static void answer_slowly_interrupted(const struct nlmsghdr *req)
{
	usleep(30 * 1000);
	queue_dump_done(req, NLM_F_DUMP_INTR);
}

static void dump_retries_share_one_deadline(void **state)
{
	struct nlipc *ep = *state;
	long long start = nlipc_now_ms();

	fake.answer = answer_slowly_interrupted;
	nlipc_call(ep, nlipc_msg_start(ep, NLIPC_CMD_KV_GET, NLM_F_DUMP),
		   NULL, NULL);
	/* Passes after the first must not push the call's deadline on. */
	assert_true(fake.sends > 3);
	assert_true(ep->deadline <= start + ep->timeout_ms + 20);
}

static void silence_times_out(void **state)
{
	struct nlipc *ep = *state;
	struct nlipc_info info;

	assert_int_equal(nlipc_info_get(ep, &info), -ETIMEDOUT);
	assert_non_null(strstr(nlipc_error(ep)->msg, "no reply within 100 ms"));
}

static void overrun_is_reported(void **state)
{
	struct nlipc *ep = *state;
	struct nlipc_info info;

	fake.recv_error = -ENOBUFS;
	assert_int_equal(nlipc_info_get(ep, &info), -ENOBUFS);
	assert_non_null(strstr(nlipc_error(ep)->msg, "overrun"));
}

static void answer_malformed(const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh = queue_reply(req, 0);
	struct nlattr *a;

	a = mnl_attr_nest_start(nlh, NLIPC_A_INFO_VERSION);
	mnl_attr_nest_end(nlh, a);
	a->nla_len = 200;	/* runs past the end of the message */
	queue_done(nlh);
	queue_ack(req, 0, NULL, -1, -1);
}

static void malformed_reply_is_refused(void **state)
{
	struct nlipc *ep = *state;
	struct nlipc_info info;

	fake.answer = answer_malformed;
	assert_int_equal(nlipc_info_get(ep, &info), -EBADMSG);
}

static void oversized_request_is_not_sent(void **state)
{
	struct nlipc *ep = *state;
	struct nlipc_ping p = { .len = NLIPC_TX_SIZE };

	p.payload = calloc(1, p.len);
	assert_int_equal(nlipc_ping(ep, &p), -EMSGSIZE);
	assert_non_null(strstr(nlipc_error(ep)->msg, "attribute longer"));
	assert_int_equal(fake.sends, 0);
	free((void *)p.payload);
}

static void full_request_is_not_sent(void **state)
{
	static char big[40000];
	struct nlipc *ep = *state;
	struct nlipc_msg *m;

	m = nlipc_msg_start(ep, NLIPC_CMD_PUBLISH, 0);
	nlipc_msg_put(m, NLIPC_A_BUS_PAYLOAD, big, sizeof(big));
	nlipc_msg_put(m, NLIPC_A_BUS_PAYLOAD, big, sizeof(big));
	assert_int_equal(nlipc_call(ep, m, NULL, NULL), -EMSGSIZE);
	assert_non_null(strstr(nlipc_error(ep)->msg, "request larger"));
	assert_int_equal(fake.sends, 0);
}

/* The send buffer is reused: padding must not carry old bytes out. */
static void attribute_padding_is_zeroed(void **state)
{
	struct nlipc *ep = *state;
	struct nlipc_msg *m;
	const char *a;

	memset(ep->tx, 0xa5, NLIPC_TX_SIZE);
	m = nlipc_msg_start(ep, NLIPC_CMD_KV_GET, 0);
	nlipc_msg_put(m, NLIPC_A_KV_KEY, "abc", 3);
	a = (const char *)nlipc_msg_hdr(m) + NLMSG_HDRLEN + GENL_HDRLEN;
	assert_int_equal(nlipc_msg_hdr(m)->nlmsg_len,
			 NLMSG_HDRLEN + GENL_HDRLEN + 8);
	assert_memory_equal(a + 4, "abc\0", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(ping_takes_only_its_own_reply),
		T(extack_names_the_attribute),
		T(missing_attribute_is_named),
		T(admin_refusal_is_explained),
		T(interrupted_dump_is_retried),
		T(unsettled_dump_gives_up),
		T(dump_retries_share_one_deadline),
		T(silence_times_out),
		T(overrun_is_reported),
		T(malformed_reply_is_refused),
		T(oversized_request_is_not_sent),
		T(full_request_is_not_sent),
		T(attribute_padding_is_zeroed),
#undef T
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("call", tests, NULL, NULL);
}
