// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: nlipcd's requests, from the top (request.c: the genetlink
 * core's checks and the permission rules; ctrl.c: getfamily, getpolicy,
 * join; policy.c: attribute validation) down to the user backend and its
 * store (backend_user.c, kv.c), over a run of requests from four clients
 * who share the store and see each other's notifications:
 *
 *   0  AF_UNIX seqpacket, root
 *   1  AF_UNIX seqpacket, uid 4242 (--allow-uid 4242 with F_ALLOW_UID)
 *   2  AF_UNIX seqpacket, uid unknown
 *   3  TCP, 192.0.2.1 (--allow-remote-write with F_REMOTE_WRITE)
 *
 * Each is a socketpair, taken as admit.c takes a connection, so requests
 * arrive through the loop as they would. Input: byte 0 is flags, then
 * records (nlipcd-harness.h), each one datagram (or stream bytes) from
 * its client; the loop runs after each.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "client.h"
#include "kind.h"
#include "nlipcd-harness.h"

enum {
	F_TIGHT = 1 << 0,	/* limits a few requests reach */
	F_LAZY = 1 << 1,	/* a client reads only when it sends */
	F_ALLOW_UID = 1 << 2,	/* --allow-uid 4242 */
	F_REMOTE_WRITE = 1 << 3, /* --allow-remote-write */
	F_SMALL_BUF = 1 << 4,	/* small socket buffers: queues build up */
};

#define CLIENTS		4
#define SELF_UID	1000	/* nlipcd's own uid: none of the clients' */
#define OTHER_UID	4242

static uid_t allowed[] = { OTHER_UID };

static const struct {
	int type;
	int family;
	bool uid_known;
	uid_t uid;
} who[CLIENTS] = {
	{ SOCK_SEQPACKET, AF_UNIX, true, 0 },
	{ SOCK_SEQPACKET, AF_UNIX, true, OTHER_UID },
	{ SOCK_SEQPACKET, AF_UNIX, false, 0 },
	{ SOCK_STREAM, AF_INET, false, 0 },
};

/* A connection as admit.c takes one: our end is @p, the daemon's @c. */
static void client_add(struct nlipcd *d, struct nlipcd_listener *lis,
		       unsigned int i, struct harness_peer *p, bool small)
{
	struct sockaddr_in in = {
		.sin_family = AF_INET,
		.sin_port = htons(40000 + i),
		.sin_addr.s_addr = htonl(0xc0000201),	/* 192.0.2.1 */
	};
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	const struct sockaddr *addr = (const void *)&un;
	socklen_t alen = sizeof(sa_family_t);
	struct nlipcd_client *c;
	int sv[2], sndbuf;

	if (socketpair(AF_UNIX, who[i].type | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       0, sv) < 0)
		harness_fail("socketpair: %s", strerror(errno));
	/* admit.c's, or small enough that the queues fill. */
	sndbuf = small ? 4096 : who[i].type == SOCK_STREAM ? 64 * 1024 :
		 512 * 1024;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (who[i].family == AF_INET) {
		addr = (const void *)&in;
		alen = sizeof(in);
	}
	lis->ops = who[i].type == SOCK_STREAM ? &nlipcd_kind_stream :
		   &nlipcd_kind_seqpacket;
	lis->family = who[i].family;
	c = nlipcd_client_new(d, lis, sv[0], addr, alen);
	if (!c)
		harness_fail("no client");
	/* In place of SO_PEERCRED, whoever runs this. */
	c->who.uid_known = who[i].uid_known;
	c->who.uid = who[i].uid;
	nlipcd_client_describe(c);
	harness_peer_init(p, sv[1], who[i].type == SOCK_STREAM);
	p->portid = c->portid;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlipcd_listener lis[CLIENTS] = { 0 };
	struct harness_peer peers[CLIENTS];
	struct harness_record rec;
	struct nlipcd d;
	unsigned int i;
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;

	harness_start(&d, flags & F_TIGHT);
	d.self_uid = SELF_UID;
	if (flags & F_ALLOW_UID) {
		d.allow_uids = allowed;
		d.n_allow_uids = NLIPCD_ARRAY_SIZE(allowed);
	}
	d.allow_remote_write = flags & F_REMOTE_WRITE;
	for (i = 0; i < CLIENTS; i++)
		client_add(&d, &lis[i], i, &peers[i], flags & F_SMALL_BUF);

	while (harness_next_record(&data, &size, &rec)) {
		harness_peer_send(&d, &peers[rec.peer], rec.data, rec.len);
		harness_settle(&d);
		if (flags & F_LAZY) {
			harness_peer_drain(&peers[rec.peer]);
			continue;
		}
		for (i = 0; i < CLIENTS; i++)
			harness_peer_drain(&peers[i]);
	}
	harness_peers_finish(&d, peers, CLIENTS);
	d.allow_uids = NULL;
	harness_stop(&d);
	return 0;
}
