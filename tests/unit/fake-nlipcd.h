/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small nlipcd for the transport tests: a thread that serves one
 * listening (or bound) socket as doc/bridge.md says, with switches to
 * misbehave in the ways the library must survive. It frames and builds
 * messages on its own, with libmnl, so it shares no code with the library.
 */
#ifndef _NLIPC_TEST_FAKE_NLIPCD_H
#define _NLIPC_TEST_FAKE_NLIPCD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define FAKE_FAMILY_ID	0x20
#define FAKE_PORTID	0x1234	/* the first connection's; then + 1 each */
#define FAKE_DUMP_KEYS	3	/* entries of a kv-get dump */
#define FAKE_BIG_KEYS	500	/* ... with FAKE_BIG_DUMP */

enum {
	FAKE_SLOW_WRITE = 1 << 0,	/* stream: one byte per write */
	FAKE_SWAP_ORDER = 1 << 1,	/* answer in the other byte order */
	FAKE_DROP_FIRST = 1 << 2,	/* ignore the first copy of each seq */
	FAKE_DUP_REPLY = 1 << 3,	/* answer twice; the copy goes out
					   just before the next answer */
	FAKE_SILENT = 1 << 4,		/* answer nothing */
	FAKE_FAMILY_ONLY = 1 << 5,	/* answer getfamily, nothing else */
	FAKE_NO_FAMILY = 1 << 6,	/* getfamily: ENOENT */
	FAKE_BIG_DUMP = 1 << 7,		/* dumps of FAKE_BIG_KEYS entries */
	FAKE_BAD_LENGTH = 1 << 8,	/* stream: a ping reply's nlmsg_len 8 */
	FAKE_CLOSE_MIDWAY = 1 << 9,	/* stream: half a ping reply, close */
	FAKE_LENGTH_256 = 1 << 10,	/* getfamily reply of 256 bytes */
	FAKE_REFUSE = 1 << 11,		/* an error of seq 0, then close */
	FAKE_SLOW = 1 << 12,		/* answer FAKE_SLOW_MS late */
	/* Hostile servers, for the client's limits: */
	FAKE_ENDLESS_DUMP = 1 << 13,	/* stream: a dump with no end */
	FAKE_WRONG_SEQ = 1 << 14,	/* stream: ping answered by a flood
					   of replies to another seq */
	FAKE_SHORT_NTF = 1 << 15,	/* joined: a notification that is
					   only a netlink header, last */
	FAKE_ESC_EXTACK = 1 << 16,	/* ping: an extack with terminal
					   escapes */
	FAKE_POLICY_BOMB = 1 << 17,	/* getpolicy: nested policies that
					   link to each other, many times */
	FAKE_HUGE_DGRAM = 1 << 18,	/* AF_UNIX datagrams: each answer
					   comes after one larger than
					   NLIPC_BRIDGE_MSG_MAX */
};

/* Longer than the shortest UDP resend timer, as a distant host is. */
#define FAKE_SLOW_MS	300

/* One request as the server saw it. */
struct fake_request {
	uint16_t type;
	uint8_t cmd;
	uint32_t seq;
	uint32_t pid;
};

struct fake_server {
	int type;		/* SOCK_STREAM, SOCK_SEQPACKET or SOCK_DGRAM */
	unsigned int flags;
	char url[200];

	/* private to fake-nlipcd.c */
	int fd, stop;
	char dir[128], path[150];
	pthread_t thread;
	pthread_mutex_t lock;
	struct fake_request log[256];
	unsigned int nlog;
};

int fake_start_unix(struct fake_server *s, int type, bool abstract,
		    unsigned int flags);
int fake_start_inet(struct fake_server *s, int type, int family,
		    unsigned int flags);
int fake_start_inet_port(struct fake_server *s, int type, int family,
			 uint16_t port, unsigned int flags);
void fake_stop(struct fake_server *s);

unsigned int fake_requests(struct fake_server *s, struct fake_request *last);
unsigned int fake_copies(struct fake_server *s, uint32_t seq);

#endif /* _NLIPC_TEST_FAKE_NLIPCD_H */
