// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: nlipcd's datagram path, an AF_UNIX dgram or a UDP socket
 * that up to four peers share: peers met and limited (admit.c), one
 * message or a batch per datagram (frame.c), answers cached by sequence
 * number (udp.c), each AF_UNIX peer's share of the socket (dgram.c).
 * Input: byte 0 is flags, then records (nlipcd-harness.h), each one
 * datagram from its peer; the loop runs after each.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "nlipcd-harness.h"

enum {
	F_TIGHT = 1 << 0,	/* limits a few requests reach */
	F_SLOW = 1 << 1,	/* peers read only at the end */
	F_UDP = 1 << 2,		/* udp://, else unix+dgram: */
	F_REMOTE_WRITE = 1 << 3, /* --allow-remote-write */
};

#define PEERS	4

/* As libnlipc does: an address for the answers, then connect(). */
static int peer_socket(const struct sockaddr_storage *to, socklen_t tolen)
{
	struct sockaddr_storage self = { .ss_family = to->ss_family };
	int fd;

	fd = socket(to->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		harness_fail("socket: %s", strerror(errno));
	/* AF_UNIX: autobind, an abstract name of the kernel's choice. */
	if (to->ss_family == AF_UNIX &&
	    bind(fd, (struct sockaddr *)&self, sizeof(sa_family_t)) < 0)
		harness_fail("bind: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)to, tolen) < 0)
		harness_fail("connect: %s", strerror(errno));
	return fd;
}

/* UDP over loopback may land a moment after send(): wait for it. */
static void udp_wait(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	poll(&pfd, 1, 20);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness_peer peers[PEERS];
	struct nlipcd_listener *lis;
	struct harness_record rec;
	struct sockaddr_storage to;
	char url[80];
	struct nlipcd d;
	socklen_t tolen;
	unsigned int i;
	uint8_t flags;
	int lfd;

	if (size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;

	harness_start(&d, flags & F_TIGHT);
	d.allow_remote_write = flags & F_REMOTE_WRITE;
	if (flags & F_UDP)
		snprintf(url, sizeof(url), "udp://127.0.0.1:0");
	else
		snprintf(url, sizeof(url), "unix+dgram:@nlipcd-fuzz-dgram-%d",
			 (int)getpid());
	if (nlipcd_listen_url(&d, url))
		harness_fail("cannot listen on %s", url);
	lis = d.listeners;
	lfd = lis->w.fd;
	tolen = sizeof(to);
	if (getsockname(lfd, (struct sockaddr *)&to, &tolen) < 0)
		harness_fail("getsockname: %s", strerror(errno));
	for (i = 0; i < PEERS; i++)
		harness_peer_init(&peers[i], -1, false);

	while (harness_next_record(&data, &size, &rec)) {
		struct harness_peer *p = &peers[rec.peer];

		if (p->fd < 0) {
			harness_peer_init(p, peer_socket(&to, tolen), false);
			if (flags & F_UDP)
				p->max_dgram = NLIPC_BRIDGE_UDP_MAX;
			else
				p->nobody = rec.peer >= 2;
		}
		if (!harness_peer_send(&d, p, rec.data, rec.len))
			continue;
		if (flags & F_UDP)
			udp_wait(lfd);
		harness_settle(&d);
		if (!(flags & F_SLOW))
			for (i = 0; i < PEERS; i++)
				harness_peer_drain(&peers[i]);
	}
	harness_peers_finish(&d, peers, PEERS);
	harness_stop(&d);
	return 0;
}
