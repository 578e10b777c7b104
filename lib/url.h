/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Endpoint URLs: netlink:, unix:/path, unix:@name, tcp://host:port, ... */
#ifndef _NLIPC_URL_H
#define _NLIPC_URL_H

#include <stddef.h>

/* Longest AF_UNIX path (or abstract name, without its '@'). */
#define NLIPC_UNIX_PATH_MAX	107
#define NLIPC_DEFAULT_PORT	"7411"
#define NLIPC_DEFAULT_TLS_PORT	"7412"

struct nlipc_url {
	char scheme[24];	/* "netlink", "unix", "unix+dgram", "tcp", ... */
	char path[NLIPC_UNIX_PATH_MAX + 2];	/* unix: "/p" or "@name" */
	char host[256];		/* tcp, udp, tls: name or address, no brackets */
	char port[32];		/* tcp, udp, tls: number or service name */
	long long uid;		/* unix: "?uid=N", the server's; -1: none */
};

int nlipc_url_parse(struct nlipc_url *u, const char *url, char *err,
		    size_t errlen);

#endif /* _NLIPC_URL_H */
