// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: nlipcd's stream framing (conn.c), as a UNIX or TCP client
 * reaches it: a connection to a real listener, accepted by the loop, and
 * bytes arriving split anywhere. Input: byte 0 is flags, bytes 1-4 the
 * sizes of the chunks the rest is written in (each byte one more than
 * the chunk, in turn); the loop runs after each chunk. With F_CROWD two
 * idle connections come first, which tight limits make one too many.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "nlipcd-harness.h"

enum {
	F_TIGHT = 1 << 0,	/* limits a few requests reach */
	F_SLOW = 1 << 1,	/* read answers only when the daemon stalls */
	F_SHUT = 1 << 2,	/* shut our side down once all is written */
	F_CROWD = 1 << 3,	/* two connections before ours */
};

#define PEERS	3

static int connect_to(const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int fd;

	/* Abstract: sun_path[0] stays 0, the name follows. */
	memcpy(sun.sun_path + 1, name, len);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    connect(fd, (struct sockaddr *)&sun,
		    offsetof(struct sockaddr_un, sun_path) + 1 + len) < 0)
		harness_fail("connect: %s", strerror(errno));
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness_peer peers[PEERS];
	struct harness_peer *peer = &peers[PEERS - 1];
	char name[64], url[80];
	const uint8_t *chunks;
	struct nlipcd d;
	unsigned int i;
	uint8_t flags;
	size_t n;

	if (size < 5)
		return 0;
	flags = data[0];
	chunks = data + 1;
	data += 5;
	size -= 5;

	harness_start(&d, flags & F_TIGHT);
	snprintf(name, sizeof(name), "nlipcd-fuzz-stream-%d", (int)getpid());
	snprintf(url, sizeof(url), "unix:@%s", name);
	if (nlipcd_listen_url(&d, url))
		harness_fail("cannot listen on %s", url);
	for (i = 0; i < PEERS; i++)
		harness_peer_init(&peers[i], i == PEERS - 1 ||
				  (flags & F_CROWD) ? connect_to(name) : -1,
				  true);
	harness_settle(&d);	/* accepted */

	for (i = 0; size; i++) {
		n = chunks[i % 4] + 1u;
		if (n > size)
			n = size;
		if (!harness_peer_send(&d, peer, data, n))
			break;
		data += n;
		size -= n;
		harness_settle(&d);
		if (!(flags & F_SLOW))
			harness_peer_drain(peer);
	}
	if (flags & F_SHUT)
		shutdown(peer->fd, SHUT_WR);
	harness_peers_finish(&d, peers, PEERS);
	harness_stop(&d);
	return 0;
}
