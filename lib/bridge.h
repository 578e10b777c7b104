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

/* UDP: a request unanswered after this long is sent again, same seq. */
#define NLIPC_BRIDGE_UDP_RETRY_MS	200

#endif /* _NLIPC_BRIDGE_H */
