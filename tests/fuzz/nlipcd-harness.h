/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the nlipcd fuzz targets share: a daemon with the user backend, set
 * up and torn down as main() does it, its loop turned until it has nothing
 * left to do, and checks on every byte it writes to a peer.
 */
#ifndef _FUZZ_NLIPCD_HARNESS_H
#define _FUZZ_NLIPCD_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "kind.h"
#include "listen.h"
#include "loop.h"
#include "nlipcd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void harness_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/*
 * The daemon: main()'s defaults, or tight limits that a few requests
 * reach (message size, queue, requests in flight, clients, the store).
 */
void harness_start(struct nlipcd *d, bool tight);
/* Turns of the loop until no event is left and no client has work. */
void harness_settle(struct nlipcd *d);
/* main()'s teardown; then no client, subscription or fd may be left. */
void harness_stop(struct nlipcd *d);

/*
 * One of our sockets to the daemon, and what it read: whole messages as
 * libnlipc takes them (lengths aligned, within NLIPC_BRIDGE_MSG_MAX), one
 * port id, errors that are negative errnos, well-formed attributes.
 */
struct harness_peer {
	int fd;			/* non-blocking; -1 when there is none */
	bool stream;
	bool eof;		/* the daemon closed the connection */
	bool nobody;		/* AF_UNIX dgram: send as uid 65534 if we may */
	uint32_t portid;	/* the daemon's for this peer, once known */
	size_t max_dgram;	/* largest datagram it may send us */
	unsigned int msgs;	/* messages checked */
	unsigned char *buf;	/* stream: the start of a message */
	size_t len, cap;
};

void harness_peer_init(struct harness_peer *p, int fd, bool stream);
/* Reads and checks all there is; returns how many bytes. */
size_t harness_peer_drain(struct harness_peer *p);
/*
 * Sends, turning the loop and reading while the daemon makes room; false
 * if the daemon will take no more (it closed the connection).
 */
bool harness_peer_send(struct nlipcd *d, struct harness_peer *p,
		       const void *data, size_t len);
/*
 * The end of a run: turns and reads until the daemon has nothing more
 * for any peer, which must then hold no half message; closes them all.
 */
void harness_peers_finish(struct nlipcd *d, struct harness_peer *p,
			  unsigned int n);

/* Input records: a little-endian u16, 2 bits of peer and 14 of length. */
struct harness_record {
	unsigned int peer;
	const uint8_t *data;
	size_t len;
};

bool harness_next_record(const uint8_t **data, size_t *size,
			 struct harness_record *r);

#endif /* _FUZZ_NLIPCD_HARNESS_H */
