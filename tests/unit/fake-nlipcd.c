// SPDX-License-Identifier: LGPL-2.1-or-later
/* The fake nlipcd of the transport tests; see fake-nlipcd.h. */
#define _GNU_SOURCE	/* accept4() */
#include <config.h>
#include <byteswap.h>
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/un.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/nlipc.h>

#include "bridge.h"
#include "fake-nlipcd.h"

#define CONNS_MAX	8
#define IN_SIZE		(256 * 1024)
#define OUT_SIZE	(512 * 1024)

struct conn {
	int fd;				/* -1: free; the bound fd on dgram */
	uint32_t portid;
	struct sockaddr_storage peer;	/* dgram: whom to answer */
	socklen_t peerlen;
	char *in;			/* stream: bytes not yet framed */
	size_t in_len;
};

struct out {
	char *buf;
	size_t len;
};

/* The server thread's state. */
struct server {
	struct fake_server *s;
	struct conn conns[CONNS_MAX];
	struct out answer, after, held;
	uint32_t dropped[64];		/* FAKE_DROP_FIRST: seqs seen once */
	unsigned int ndropped;
	uint32_t next_portid;
	bool udp;
};

static struct nlmsghdr *put(struct out *o, uint16_t type, uint16_t flags,
			    uint32_t seq, uint32_t pid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(o->buf + o->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	return nlh;
}

static struct nlmsghdr *put_genl(struct out *o, uint16_t type, uint16_t flags,
				 uint32_t seq, uint32_t pid, uint8_t cmd)
{
	struct nlmsghdr *nlh = put(o, type, flags, seq, pid);
	struct genlmsghdr *genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));

	genl->cmd = cmd;
	genl->version = 1;
	return nlh;
}

static void done(struct out *o, struct nlmsghdr *nlh)
{
	o->len += nlh->nlmsg_len;
}

static void put_ack(struct out *o, const struct nlmsghdr *req, uint32_t pid,
		    int error, const char *msg)
{
	struct nlmsghdr *nlh = put(o, NLMSG_ERROR, NLM_F_CAPPED,
				   req ? req->nlmsg_seq : 0, pid);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	if (req)
		e->msg = *req;
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	}
	done(o, nlh);
}

static void answer_family(struct server *sv, const struct nlmsghdr *req,
			  uint32_t pid)
{
	static const char *const groups[] = { NLIPC_MCGRP_EVENTS,
					      NLIPC_MCGRP_BUS };
	static const char zeros[256];
	struct nlattr *nest, *grp;
	struct nlmsghdr *nlh;
	unsigned int i;

	if (sv->s->flags & FAKE_NO_FAMILY) {
		put_ack(&sv->answer, req, pid, -ENOENT, "no such family");
		return;
	}
	nlh = put_genl(&sv->answer, GENL_ID_CTRL, 0, req->nlmsg_seq, pid,
		       CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY_ID);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NLIPC_FAMILY_NAME);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, NLIPC_FAMILY_VERSION);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, 0);
	nest = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	for (i = 0; i < 2; i++) {
		grp = mnl_attr_nest_start(nlh, i + 1);
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, groups[i]);
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, i + 1);
		mnl_attr_nest_end(nlh, grp);
	}
	mnl_attr_nest_end(nlh, nest);
	if (sv->s->flags & FAKE_POLICY_BOMB) {
		nest = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
		grp = mnl_attr_nest_start(nlh, 1);
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, NLIPC_CMD_PING);
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_FLAGS,
				 GENL_CMD_CAP_DO | GENL_CMD_CAP_HASPOL);
		mnl_attr_nest_end(nlh, grp);
		mnl_attr_nest_end(nlh, nest);
	}
	/*
	 * 256 bytes read byte-swapped are 65536, a length just as
	 * plausible: only the seq can tell the byte order then.
	 */
	if (sv->s->flags & FAKE_LENGTH_256)
		mnl_attr_put(nlh, CTRL_ATTR_MAX + 1,
			     256 - nlh->nlmsg_len - MNL_ATTR_HDRLEN, zeros);
	done(&sv->answer, nlh);
	put_ack(&sv->answer, req, pid, 0, NULL);
}

/* Joined: a notification, the overrun marker, another notification. */
static void answer_join(struct server *sv, const struct nlmsghdr *req,
			uint32_t pid)
{
	struct nlmsghdr *nlh;

	put_ack(&sv->answer, req, pid, 0, NULL);

	/* At the very end of what the client reads: nothing follows. */
	if (sv->s->flags & FAKE_SHORT_NTF) {
		done(&sv->after, put(&sv->after, FAKE_FAMILY_ID, 0, 0, 0));
		return;
	}
	nlh = put_genl(&sv->after, FAKE_FAMILY_ID, 0, 0, 0,
		       NLIPC_CMD_KV_SET_NTF);
	mnl_attr_put(nlh, NLIPC_A_KV_KEY, 3, "key");
	mnl_attr_put(nlh, NLIPC_A_KV_VALUE, 5, "value");
	done(&sv->after, nlh);
	put_ack(&sv->after, NULL, 0, -ENOBUFS, NULL);
	nlh = put_genl(&sv->after, FAKE_FAMILY_ID, 0, 0, 0,
		       NLIPC_CMD_PUBLISH_NTF);
	mnl_attr_put_strz(nlh, NLIPC_A_BUS_TOPIC, "topic");
	mnl_attr_put_u32(nlh, NLIPC_A_BUS_SENDER, 77);
	done(&sv->after, nlh);
}

static void log_request(struct fake_server *s, const struct nlmsghdr *nlh);

/*
 * A policy graph of a few KB whose expansion has no end in sight: each
 * of FAKE_BOMB_POLICIES policies has FAKE_BOMB_ATTRS nested attributes,
 * all pointing at the next policy, which no path check catches.
 */
#define FAKE_BOMB_POLICIES	8
#define FAKE_BOMB_ATTRS		16

static void answer_policy_bomb(struct server *sv, const struct nlmsghdr *req,
			       uint32_t pid)
{
	struct nlattr *outer, *pol, *attr;
	struct nlmsghdr *nlh;
	unsigned int i, j;
	int *err;

	nlh = put_genl(&sv->answer, GENL_ID_CTRL, NLM_F_MULTI, req->nlmsg_seq,
		       pid, CTRL_CMD_GETPOLICY);
	outer = mnl_attr_nest_start(nlh, CTRL_ATTR_OP_POLICY);
	pol = mnl_attr_nest_start(nlh, NLIPC_CMD_PING);
	mnl_attr_put_u32(nlh, CTRL_ATTR_POLICY_DO, 0);
	mnl_attr_nest_end(nlh, pol);
	mnl_attr_nest_end(nlh, outer);
	done(&sv->answer, nlh);
	for (i = 0; i < FAKE_BOMB_POLICIES; i++) {
		nlh = put_genl(&sv->answer, GENL_ID_CTRL, NLM_F_MULTI,
			       req->nlmsg_seq, pid, CTRL_CMD_GETPOLICY);
		outer = mnl_attr_nest_start(nlh, CTRL_ATTR_POLICY);
		pol = mnl_attr_nest_start(nlh, i);
		for (j = 1; j <= FAKE_BOMB_ATTRS; j++) {
			attr = mnl_attr_nest_start(nlh, j);
			mnl_attr_put_u32(nlh, NL_POLICY_TYPE_ATTR_TYPE,
					 NL_ATTR_TYPE_NESTED);
			mnl_attr_put_u32(nlh, NL_POLICY_TYPE_ATTR_POLICY_IDX,
					 (i + 1) % FAKE_BOMB_POLICIES);
			mnl_attr_nest_end(nlh, attr);
		}
		mnl_attr_nest_end(nlh, pol);
		mnl_attr_nest_end(nlh, outer);
		done(&sv->answer, nlh);
	}
	nlh = put(&sv->answer, NLMSG_DONE, NLM_F_MULTI, req->nlmsg_seq, pid);
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	*err = 0;
	done(&sv->answer, nlh);
}

/*
 * Send @o again and again until the client hangs up or the test stops
 * us: a server that never lets the socket run dry.
 */
static void flood(struct server *sv, struct conn *c, const struct out *o)
{
	struct pollfd pfd[2] = {
		{ .fd = sv->s->stop, .events = POLLIN },
		{ .fd = c->fd, .events = POLLOUT },
	};

	for (;;) {
		if (poll(pfd, 2, -1) < 0 || pfd[0].revents ||
		    (pfd[1].revents & (POLLERR | POLLHUP)))
			return;
		if (send(c->fd, o->buf, o->len, MSG_NOSIGNAL) <= 0)
			return;
	}
}

/* FAKE_ENDLESS_DUMP and FAKE_WRONG_SEQ; true if it answered @req. */
static bool answer_flood(struct server *sv, struct conn *c,
			 const struct nlmsghdr *req)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	unsigned int flags = sv->s->flags;
	struct nlmsghdr *nlh;
	char key[16];
	int i;

	if (req->nlmsg_type != FAKE_FAMILY_ID)
		return false;
	sv->answer.len = 0;
	if ((flags & FAKE_ENDLESS_DUMP) && genl->cmd == NLIPC_CMD_KV_GET &&
	    (req->nlmsg_flags & NLM_F_DUMP)) {
		for (i = 0; i < 64; i++) {
			nlh = put_genl(&sv->answer, FAKE_FAMILY_ID, NLM_F_MULTI,
				       req->nlmsg_seq, c->portid,
				       NLIPC_CMD_KV_GET);
			snprintf(key, sizeof(key), "k%d", i);
			mnl_attr_put(nlh, NLIPC_A_KV_KEY, strlen(key), key);
			mnl_attr_put(nlh, NLIPC_A_KV_VALUE, 200,
				     sv->after.buf);
			done(&sv->answer, nlh);
		}
	} else if ((flags & FAKE_WRONG_SEQ) && genl->cmd == NLIPC_CMD_PING) {
		/* Many small ones per write: more than the client can walk. */
		for (i = 0; i < 16384; i++) {
			nlh = put_genl(&sv->answer, FAKE_FAMILY_ID, 0,
				       req->nlmsg_seq + 1 + i, c->portid,
				       NLIPC_CMD_PING);
			done(&sv->answer, nlh);
		}
	} else {
		return false;
	}
	log_request(sv->s, req);
	flood(sv, c, &sv->answer);
	return true;
}

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) <= NLIPC_A_PING_MAX)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/*
 * Echo, followed by a decoy for someone else's port id that must be
 * ignored (last, so that taking it would overwrite the real answer).
 */
static void answer_ping(struct server *sv, const struct nlmsghdr *req,
			uint32_t pid)
{
	static const char zeros[NLIPC_PING_MAX_PAYLOAD];
	const struct nlattr *tb[NLIPC_A_PING_MAX + 1] = {};
	const struct nlattr *payload;
	uint64_t cookie = 0;
	struct nlmsghdr *nlh;
	uint32_t size;
	int i;

	mnl_attr_parse(req, GENL_HDRLEN, attr_cb, tb);
	payload = tb[NLIPC_A_PING_PAYLOAD];
	if (tb[NLIPC_A_PING_COOKIE])
		cookie = mnl_attr_get_u64(tb[NLIPC_A_PING_COOKIE]);
	size = payload ? mnl_attr_get_payload_len(payload) : 0;
	if (tb[NLIPC_A_PING_REPLY_SIZE])
		size = mnl_attr_get_u32(tb[NLIPC_A_PING_REPLY_SIZE]);
	if ((sv->udp && size > NLIPC_BRIDGE_UDP_MAX - 100) ||
	    size > sizeof(zeros)) {
		put_ack(&sv->answer, req, pid, -EMSGSIZE, NULL);
		return;
	}

	/* Large replies go alone: over UDP two would not fit a datagram. */
	for (i = 0; i < (size > 1024 ? 1 : 2); i++) {
		nlh = put_genl(&sv->answer, FAKE_FAMILY_ID, 0, req->nlmsg_seq,
			       i ? pid + 1 : pid, NLIPC_CMD_PING);
		if (size)
			mnl_attr_put(nlh, NLIPC_A_PING_PAYLOAD, size,
				     tb[NLIPC_A_PING_REPLY_SIZE] ? zeros :
				     mnl_attr_get_payload(payload));
		mnl_attr_put_u64(nlh, NLIPC_A_PING_COOKIE,
				 i ? ~cookie : cookie);
		done(&sv->answer, nlh);
	}
	put_ack(&sv->answer, req, pid, 0, NULL);
}

static void answer_dump(struct server *sv, const struct nlmsghdr *req,
			uint32_t pid)
{
	int i, n = sv->s->flags & FAKE_BIG_DUMP ? FAKE_BIG_KEYS :
		   FAKE_DUMP_KEYS;
	char key[16], value[200];
	struct nlmsghdr *nlh;
	int *err;

	memset(value, 'v', sizeof(value));
	for (i = 0; i < n; i++) {
		nlh = put_genl(&sv->answer, FAKE_FAMILY_ID, NLM_F_MULTI,
			       req->nlmsg_seq, pid, NLIPC_CMD_KV_GET);
		snprintf(key, sizeof(key), "k%d", i);
		mnl_attr_put(nlh, NLIPC_A_KV_KEY, strlen(key), key);
		mnl_attr_put(nlh, NLIPC_A_KV_VALUE,
			     sv->s->flags & FAKE_BIG_DUMP ? sizeof(value) : 1,
			     value);
		done(&sv->answer, nlh);
	}
	nlh = put(&sv->answer, NLMSG_DONE, NLM_F_MULTI, req->nlmsg_seq, pid);
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	*err = 0;
	done(&sv->answer, nlh);
}

static void answer_info(struct server *sv, const struct nlmsghdr *req,
			uint32_t pid)
{
	struct nlmsghdr *nlh;

	nlh = put_genl(&sv->answer, FAKE_FAMILY_ID, 0, req->nlmsg_seq, pid,
		       NLIPC_CMD_INFO_GET);
	mnl_attr_put_strz(nlh, NLIPC_A_INFO_VERSION, "fake");
	mnl_attr_put_strz(nlh, NLIPC_A_INFO_BACKEND, "user");
	done(&sv->answer, nlh);
	put_ack(&sv->answer, req, pid, 0, NULL);
}

static void log_request(struct fake_server *s, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	pthread_mutex_lock(&s->lock);
	if (s->nlog < sizeof(s->log) / sizeof(s->log[0]))
		s->log[s->nlog++] = (struct fake_request){
			.type = nlh->nlmsg_type, .cmd = genl->cmd,
			.seq = nlh->nlmsg_seq, .pid = nlh->nlmsg_pid,
		};
	pthread_mutex_unlock(&s->lock);
}

static bool drop_first(struct server *sv, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < sv->ndropped; i++)
		if (sv->dropped[i] == seq)
			return false;
	sv->dropped[sv->ndropped++ % 64] = seq;
	return true;
}

/* Fill sv->answer (and sv->after) for one request. */
static void answer(struct server *sv, struct conn *c,
		   const struct nlmsghdr *req)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	unsigned int flags = sv->s->flags;

	/* Zeroed, so padding goes out clean (libmnl leaves it as it is). */
	memset(sv->answer.buf, 0, sv->answer.len);
	memset(sv->after.buf, 0, sv->after.len);
	sv->answer.len = 0;
	sv->after.len = 0;
	log_request(sv->s, req);
	if (flags & FAKE_SILENT)
		return;
	if (flags & FAKE_SLOW)
		poll(NULL, 0, FAKE_SLOW_MS);
	if ((flags & FAKE_DROP_FIRST) && drop_first(sv, req->nlmsg_seq))
		return;

	if (req->nlmsg_type == GENL_ID_CTRL) {
		if (genl->cmd == CTRL_CMD_GETFAMILY)
			answer_family(sv, req, c->portid);
		else if (genl->cmd == CTRL_CMD_GETPOLICY &&
			 (flags & FAKE_POLICY_BOMB))
			answer_policy_bomb(sv, req, c->portid);
		else if (genl->cmd == NLIPC_BRIDGE_CMD_JOIN)
			answer_join(sv, req, c->portid);
		else
			put_ack(&sv->answer, req, c->portid, -EOPNOTSUPP, NULL);
		return;
	}
	if (flags & FAKE_FAMILY_ONLY)
		return;
	if (req->nlmsg_type != FAKE_FAMILY_ID)
		put_ack(&sv->answer, req, c->portid, -ENOENT, NULL);
	else if (genl->cmd == NLIPC_CMD_PING && (flags & FAKE_ESC_EXTACK))
		put_ack(&sv->answer, req, c->portid, -EINVAL,
			"bad\x1b[2J\x1b]0;owned\x07 input\r\nnlipc: all is well");
	else if (genl->cmd == NLIPC_CMD_PING)
		answer_ping(sv, req, c->portid);
	else if (genl->cmd == NLIPC_CMD_KV_GET &&
		 (req->nlmsg_flags & NLM_F_DUMP))
		answer_dump(sv, req, c->portid);
	else if (genl->cmd == NLIPC_CMD_INFO_GET)
		answer_info(sv, req, c->portid);
	else
		put_ack(&sv->answer, req, c->portid, -EOPNOTSUPP, NULL);
}

static void swap_headers(char *buf, size_t len)
{
	struct nlmsghdr *nlh;
	size_t off, n;

	for (off = 0; off + NLMSG_HDRLEN <= len; off += n) {
		nlh = (struct nlmsghdr *)(buf + off);
		n = nlh->nlmsg_len;
		nlh->nlmsg_len = bswap_32(nlh->nlmsg_len);
		nlh->nlmsg_type = bswap_16(nlh->nlmsg_type);
		nlh->nlmsg_flags = bswap_16(nlh->nlmsg_flags);
		nlh->nlmsg_seq = bswap_32(nlh->nlmsg_seq);
		nlh->nlmsg_pid = bswap_32(nlh->nlmsg_pid);
	}
}

static void emit(struct server *sv, struct conn *c, struct out *o)
{
	struct fake_server *s = sv->s;
	size_t off = 0;
	ssize_t n;

	if (!o->len)
		return;
	if (s->flags & FAKE_SWAP_ORDER)
		swap_headers(o->buf, o->len);
	if (s->type == SOCK_DGRAM) {
		sendto(c->fd, o->buf, o->len, 0, (struct sockaddr *)&c->peer,
		       c->peerlen);
		return;
	}
	if (s->type == SOCK_SEQPACKET) {
		send(c->fd, o->buf, o->len, MSG_NOSIGNAL);
		return;
	}
	while (off < o->len) {
		n = send(c->fd, o->buf + off,
			 s->flags & FAKE_SLOW_WRITE ? 1 : o->len - off,
			 MSG_NOSIGNAL);
		if (n <= 0)
			return;
		off += n;
		if (s->flags & FAKE_SLOW_WRITE)
			usleep(50);
	}
}

/* Stream misbehaviour on a ping's answer; true if it replaced it. */
static bool misbehave(struct server *sv, struct conn *c,
		      const struct nlmsghdr *req)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	struct nlmsghdr *nlh = (struct nlmsghdr *)sv->answer.buf;

	if (req->nlmsg_type != FAKE_FAMILY_ID || genl->cmd != NLIPC_CMD_PING ||
	    !sv->answer.len)
		return false;
	if (sv->s->flags & FAKE_BAD_LENGTH) {
		nlh->nlmsg_len = 8;
		emit(sv, c, &sv->answer);
		return true;
	}
	if (sv->s->flags & FAKE_CLOSE_MIDWAY) {
		sv->answer.len = nlh->nlmsg_len / 2;
		emit(sv, c, &sv->answer);
		shutdown(c->fd, SHUT_RDWR);
		return true;
	}
	return false;
}

/* FAKE_HUGE_DGRAM: a NOOP message of more than the protocol allows. */
static void emit_huge(struct server *sv, struct conn *c)
{
	static char buf[NLIPC_BRIDGE_MSG_MAX + 4096];
	struct out o = { .buf = buf, .len = sizeof(buf) };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

	nlh->nlmsg_len = sizeof(buf);
	nlh->nlmsg_type = NLMSG_NOOP;
	emit(sv, c, &o);
}

static void serve(struct server *sv, struct conn *c, const struct nlmsghdr *req)
{
	/* As a daemon that cannot read us: no seq, then goodbye. */
	if (sv->s->flags & FAKE_REFUSE) {
		log_request(sv->s, req);
		sv->answer.len = 0;
		put_ack(&sv->answer, NULL, 0, -EPROTO,
			"byte order mismatch: nlipcd and this client differ in endianness");
		emit(sv, c, &sv->answer);
		shutdown(c->fd, SHUT_RDWR);
		return;
	}
	if (answer_flood(sv, c, req))
		return;
	answer(sv, c, req);
	if (misbehave(sv, c, req))
		return;
	if ((sv->s->flags & FAKE_HUGE_DGRAM) && sv->s->type != SOCK_STREAM &&
	    !sv->udp && req->nlmsg_type != GENL_ID_CTRL)
		emit_huge(sv, c);
	/* A duplicate of the last answer, late: just before this one. */
	if (sv->s->flags & FAKE_DUP_REPLY) {
		emit(sv, c, &sv->held);
		memcpy(sv->held.buf, sv->answer.buf, sv->answer.len);
		sv->held.len = sv->answer.len;
	}
	emit(sv, c, &sv->answer);
	emit(sv, c, &sv->after);
}

static void conn_close(struct conn *c)
{
	close(c->fd);
	free(c->in);
	c->fd = -1;
	c->in = NULL;
}

/* A stream connection is readable: serve each whole request in it. */
static void read_stream(struct server *sv, struct conn *c)
{
	const struct nlmsghdr *nlh;
	size_t off = 0;
	ssize_t n;

	n = recv(c->fd, c->in + c->in_len, IN_SIZE - c->in_len, 0);
	if (n <= 0) {
		conn_close(c);
		return;
	}
	c->in_len += n;
	while (c->in_len - off >= NLMSG_HDRLEN) {
		nlh = (const struct nlmsghdr *)(c->in + off);
		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > IN_SIZE) {
			conn_close(c);
			return;
		}
		if (c->in_len - off < nlh->nlmsg_len)
			break;
		serve(sv, c, nlh);
		if (c->fd < 0)
			return;
		off += nlh->nlmsg_len;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
}

static void read_packet(struct server *sv, struct conn *c)
{
	char *buf = c->in;
	ssize_t n;

	c->peerlen = sizeof(c->peer);
	n = recvfrom(c->fd, buf, IN_SIZE, 0, (struct sockaddr *)&c->peer,
		     &c->peerlen);
	if (n <= 0) {
		if (sv->s->type == SOCK_SEQPACKET)
			conn_close(c);
		return;
	}
	if (n >= NLMSG_HDRLEN && ((struct nlmsghdr *)buf)->nlmsg_len <= n)
		serve(sv, c, (struct nlmsghdr *)buf);
}

static void accept_conn(struct server *sv)
{
	int fd = accept4(sv->s->fd, NULL, NULL, SOCK_CLOEXEC);
	unsigned int i;

	if (fd < 0)
		return;
	for (i = 0; i < CONNS_MAX; i++) {
		struct conn *c = &sv->conns[i];

		if (c->fd >= 0)
			continue;
		c->fd = fd;
		c->portid = sv->next_portid++;
		c->in = malloc(IN_SIZE);
		c->in_len = 0;
		return;
	}
	close(fd);
}

static void *server_main(void *arg)
{
	struct pollfd pfd[CONNS_MAX + 2];
	struct server sv = { .s = arg, .next_portid = FAKE_PORTID };
	struct fake_server *s = arg;
	unsigned int i, n;

	sv.answer.buf = calloc(1, OUT_SIZE);
	sv.after.buf = calloc(1, OUT_SIZE);
	sv.held.buf = calloc(1, OUT_SIZE);
	for (i = 0; i < CONNS_MAX; i++)
		sv.conns[i].fd = -1;
	sv.udp = s->type == SOCK_DGRAM && strncmp(s->url, "udp:", 4) == 0;
	if (s->type == SOCK_DGRAM) {
		/* One "connection": the bound socket, answering each peer. */
		sv.conns[0].fd = s->fd;
		sv.conns[0].portid = sv.next_portid++;
		sv.conns[0].in = malloc(IN_SIZE);
	}

	for (;;) {
		pfd[0] = (struct pollfd){ .fd = s->stop, .events = POLLIN };
		pfd[1] = (struct pollfd){
			.fd = s->type == SOCK_DGRAM ? -1 : s->fd,
			.events = POLLIN,
		};
		for (i = 0; i < CONNS_MAX; i++)
			pfd[i + 2] = (struct pollfd){ .fd = sv.conns[i].fd,
						      .events = POLLIN };
		n = poll(pfd, CONNS_MAX + 2, -1);
		if (pfd[0].revents)
			break;
		if (pfd[1].revents)
			accept_conn(&sv);
		for (i = 0; i < CONNS_MAX && n; i++) {
			if (!pfd[i + 2].revents || sv.conns[i].fd < 0)
				continue;
			if (s->type == SOCK_STREAM)
				read_stream(&sv, &sv.conns[i]);
			else
				read_packet(&sv, &sv.conns[i]);
		}
	}

	for (i = 0; i < CONNS_MAX; i++)
		if (sv.conns[i].fd >= 0 && sv.conns[i].fd != s->fd)
			conn_close(&sv.conns[i]);
	if (s->type == SOCK_DGRAM)
		free(sv.conns[0].in);
	free(sv.answer.buf);
	free(sv.after.buf);
	free(sv.held.buf);
	return NULL;
}

static int start(struct fake_server *s, int fd, unsigned int flags)
{
	s->fd = fd;
	s->flags = flags;
	s->nlog = 0;
	s->stop = eventfd(0, EFD_CLOEXEC);
	pthread_mutex_init(&s->lock, NULL);
	if (s->type != SOCK_DGRAM && listen(fd, 8) < 0)
		return -errno;
	return -pthread_create(&s->thread, NULL, server_main, s);
}

/**
 * fake_start_unix - serve an AF_UNIX socket
 * @s: the server, its url set on success
 * @type: SOCK_STREAM, SOCK_SEQPACKET or SOCK_DGRAM
 * @abstract: at an abstract name, or else at a path in a new directory
 *	under $TMPDIR
 * @flags: FAKE_*
 */
int fake_start_unix(struct fake_server *s, int type, bool abstract,
		    unsigned int flags)
{
	static const char *const schemes[] = {
		[SOCK_STREAM] = "unix", [SOCK_SEQPACKET] = "unix+seqpacket",
		[SOCK_DGRAM] = "unix+dgram",
	};
	static unsigned int serial;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *tmp = getenv("TMPDIR");
	socklen_t len;
	int fd, err;

	memset(s, 0, sizeof(*s));
	s->type = type;
	if (abstract) {
		snprintf(s->path, sizeof(s->path), "@nlipc-test-%d-%u",
			 (int)getpid(), serial++);
		len = offsetof(struct sockaddr_un, sun_path) + strlen(s->path);
		memcpy(sun.sun_path + 1, s->path + 1, strlen(s->path) - 1);
	} else {
		snprintf(s->dir, sizeof(s->dir), "%s/nlipc-test-XXXXXX",
			 tmp ? tmp : "/tmp");
		if (!mkdtemp(s->dir))
			return -errno;
		snprintf(s->path, sizeof(s->path), "%s/nlipc.sock", s->dir);
		len = sizeof(sun);
		strcpy(sun.sun_path, s->path);
	}
	snprintf(s->url, sizeof(s->url), "%s:%s", schemes[type], s->path);

	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sun, len) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return start(s, fd, flags);
}

/**
 * fake_start_inet_port - serve TCP or UDP on the loopback address
 * @s: the server, its url set on success
 * @type: SOCK_STREAM or SOCK_DGRAM
 * @family: AF_INET or AF_INET6
 * @port: the port, 0 for any free one
 * @flags: FAKE_*
 *
 * Returns 0, or a negative errno (-EADDRNOTAVAIL: no IPv6 here).
 */
int fake_start_inet_port(struct fake_server *s, int type, int family,
			 uint16_t port, unsigned int flags)
{
	struct sockaddr_storage ss = { .ss_family = family };
	socklen_t len = sizeof(ss);
	int fd, err, one = 1;

	memset(s, 0, sizeof(*s));
	s->type = type;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr =
			htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	/* The port is at the same place in both. */
	((struct sockaddr_in *)&ss)->sin_port = htons(port);

	fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, family == AF_INET ?
		 sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	snprintf(s->url, sizeof(s->url), family == AF_INET ?
		 "%s://127.0.0.1:%u" : "%s://[::1]:%u",
		 type == SOCK_STREAM ? "tcp" : "udp",
		 ntohs(((struct sockaddr_in *)&ss)->sin_port));
	return start(s, fd, flags);
}

int fake_start_inet(struct fake_server *s, int type, int family,
		    unsigned int flags)
{
	return fake_start_inet_port(s, type, family, 0, flags);
}

void fake_stop(struct fake_server *s)
{
	uint64_t one = 1;

	if (write(s->stop, &one, sizeof(one)) == sizeof(one))
		pthread_join(s->thread, NULL);
	close(s->stop);
	close(s->fd);
	pthread_mutex_destroy(&s->lock);
	if (s->dir[0]) {
		unlink(s->path);
		rmdir(s->dir);
	}
}

/* How many requests the server got, and the last one. */
unsigned int fake_requests(struct fake_server *s, struct fake_request *last)
{
	unsigned int n;

	pthread_mutex_lock(&s->lock);
	n = s->nlog;
	if (last && n)
		*last = s->log[n - 1];
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* How many copies of the request with @seq the server got. */
unsigned int fake_copies(struct fake_server *s, uint32_t seq)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nlog; i++)
		n += s->log[i].seq == seq;
	pthread_mutex_unlock(&s->lock);
	return n;
}
