/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What libnlipc and nlipcd agree on beyond netlink itself, for the
 * AF_UNIX and AF_INET transports (doc/bridge.md explains each point).
 */
#ifndef _NLIPC_BRIDGE_H
#define _NLIPC_BRIDGE_H

#include <linux/genetlink.h>

/*
 * The family's id on a bridged transport with the user backend (the
 * kernel backend reports the module's own id). Any id above the
 * controller's would do; a fixed one keeps captures readable.
 */
#define NLIPC_BRIDGE_FAMILY_ID	0x20

/*
 * nlipcd's extension of the controller (nlmsg_type GENL_ID_CTRL): join a
 * multicast group, which netlink does with setsockopt(). Request: the
 * top-level attribute CTRL_ATTR_MCAST_GRP_ID (u32) carries the group id
 * from the getfamily reply. Answered with an ACK, or EOPNOTSUPP over UDP.
 */
#define NLIPC_BRIDGE_CMD_JOIN	0xf0

/* Largest message either side accepts on a bridged transport. */
#define NLIPC_BRIDGE_MSG_MAX	(128 * 1024)

/* Largest UDP datagram: requests and replies must fit one. */
#define NLIPC_BRIDGE_UDP_MAX	65507

/*
 * UDP proves no source address, so nlipcd answers a UDP request with at
 * most NLIPC_BRIDGE_UDP_AMPLIFY times its datagram's bytes (QUIC's
 * anti-amplification limit); a larger answer is replaced by EMSGSIZE and
 * a message saying to use TCP. libnlipc pads each UDP request to
 * NLIPC_BRIDGE_UDP_PAD bytes with a trailing NLMSG_NOOP message, which
 * nlipcd ignores, so answers up to 1200 bytes (one packet on any path)
 * come through.
 */
#define NLIPC_BRIDGE_UDP_AMPLIFY	3
#define NLIPC_BRIDGE_UDP_PAD		400

/*
 * nlipcd keeps the answers to a UDP client's last NLIPC_BRIDGE_UDP_ANSWERS
 * requests, to answer a resend from them: a batch has no more than that
 * many UDP requests in flight, so a resent write still takes effect once.
 */
#define NLIPC_BRIDGE_UDP_ANSWERS	16

/*
 * UDP: a request unanswered for the retransmission timeout (lib/rtt.c) is
 * sent again, same seq. Before a first round trip is measured it is 1 s,
 * RFC 6298's initial value, above the RTTs nlipc is meant for, and it
 * stays there: the first exchange needs several tries within its deadline
 * (or an address's share of it). Then it is SRTT plus at least 200 ms
 * (Linux TCP's minimum), rather than RFC 6298's 1 s floor, so a datagram
 * lost on a LAN costs what it did when the timer was a fixed 200 ms. A
 * resend doubles it, NLIPC_BRIDGE_UDP_BACKOFFS times at most: every
 * further doubling halves the tries a lossy path gets before the
 * deadline (doc/bridge.md). The cap keeps a long call probing, and within
 * nlipcd's memory of the request (NLIPCD_UDP_TTL_MS), so a resent write
 * still takes effect once.
 */
#define NLIPC_BRIDGE_UDP_RTO_INIT_MS	1000
#define NLIPC_BRIDGE_UDP_RTO_MIN_MS	200
#define NLIPC_BRIDGE_UDP_RTO_MAX_MS	4000
#define NLIPC_BRIDGE_UDP_BACKOFFS	1

/* tls://: TLS 1.3 only, on both ends, whatever else the system allows. */
#define NLIPC_BRIDGE_TLS_PRIORITY	"-VERS-ALL:+VERS-TLS1.3"

#endif /* _NLIPC_BRIDGE_H */
