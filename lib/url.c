// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * URL parsing. Pure string work with no I/O, so it can be fuzzed: every
 * input either fills a struct nlipc_url or returns -EINVAL with a message.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

static int url_error(char *err, size_t errlen, const char *url,
		     const char *why)
{
	snprintf(err, errlen, "invalid URL '%s': %s", url, why);
	return -EINVAL;
}

static int copy(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/*
 * "host:port", "[v6]:port", "host" or "[v6]"; port defaults to 7411, 7412
 * for tls:// (a daemon serving both needs two ports).
 */
static int parse_inet(struct nlipc_url *u, const char *url, const char *rest,
		      char *err, size_t errlen)
{
	const char *host = rest, *port = NULL, *end;
	const char *dflt = strcmp(u->scheme, "tls") ? NLIPC_DEFAULT_PORT :
			   NLIPC_DEFAULT_TLS_PORT;

	if (*rest == '[') {
		end = strchr(rest, ']');
		if (!end)
			return url_error(err, errlen, url, "missing ']'");
		host = rest + 1;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return url_error(err, errlen, url,
					 "expected ':PORT' after ']'");
	} else {
		end = strrchr(rest, ':');
		if (end && strchr(rest, ':') != end)
			return url_error(err, errlen, url,
					 "IPv6 addresses go in brackets: [::1]:7411");
		if (end)
			port = end + 1;
		else
			end = rest + strlen(rest);
	}
	if (end == host)
		return url_error(err, errlen, url, "no host");
	if (copy(u->host, sizeof(u->host), host, end - host))
		return url_error(err, errlen, url, "host name too long");
	if (port && !*port)
		return url_error(err, errlen, url, "empty port");
	if (copy(u->port, sizeof(u->port), port ? port : dflt,
		 strlen(port ? port : dflt)))
		return url_error(err, errlen, url, "port too long");
	if (strpbrk(u->host, "/?#") || strpbrk(u->port, "/?#[]"))
		return url_error(err, errlen, url,
				 "paths and queries are not supported");
	/* getaddrinfo() takes 99999 and wraps it to 34463. */
	if (!u->port[strspn(u->port, "0123456789")] &&
	    strtoul(u->port, NULL, 10) > 65535)
		return url_error(err, errlen, url,
				 "port out of range (0 to 65535)");
	return 0;
}

static int parse_unix(struct nlipc_url *u, const char *url, const char *rest,
		      char *err, size_t errlen)
{
	const char *query = strchr(rest, '?');
	size_t len = query ? (size_t)(query - rest) : strlen(rest);
	size_t max = NLIPC_UNIX_PATH_MAX + (rest[0] == '@');

	if (query) {
		char *end;

		errno = 0;
		if (strncmp(query, "?uid=", 5) || !isdigit((unsigned char)query[5]))
			return url_error(err, errlen, url,
					 "the only query is ?uid=N, the server's uid");
		u->uid = strtoull(query + 5, &end, 10);
		if (errno || *end || u->uid >= UINT32_MAX)
			return url_error(err, errlen, url, "bad uid in ?uid=N");
	}
	if (!len || (rest[0] == '@' && len == 1))
		return url_error(err, errlen, url, "no socket path");
	if (len > max) {
		snprintf(err, errlen,
			 "socket path too long in '%s': %zu bytes, at most %d",
			 url, len - (rest[0] == '@'), NLIPC_UNIX_PATH_MAX);
		return -ENAMETOOLONG;
	}
	memcpy(u->path, rest, len);
	u->path[len] = '\0';
	return 0;
}

/**
 * nlipc_url_parse - split an endpoint URL into its parts
 * @u: filled on success, zeroed first
 * @url: the URL; NULL or "" mean "netlink:"
 * @err: receives a message on failure
 * @errlen: room at @err
 *
 * Returns 0, or -EINVAL (-ENAMETOOLONG for a long socket path) with @err
 * set. Scheme names are checked by the caller against its transports.
 */
int nlipc_url_parse(struct nlipc_url *u, const char *url, char *err,
		    size_t errlen)
{
	const char *colon, *rest;

	memset(u, 0, sizeof(*u));
	u->uid = -1;
	if (!url || !*url || !strcmp(url, "netlink")) {
		strcpy(u->scheme, "netlink");
		return 0;
	}

	colon = strchr(url, ':');
	if (!colon)
		return url_error(err, errlen, url,
				 "expected SCHEME:..., e.g. unix:/run/nlipc.sock");
	if (copy(u->scheme, sizeof(u->scheme), url, colon - url) ||
	    colon == url)
		return url_error(err, errlen, url, "bad scheme");
	rest = colon + 1;

	if (!strcmp(u->scheme, "netlink")) {
		if (*rest)
			return url_error(err, errlen, url,
					 "netlink: takes no address");
		return 0;
	}
	if (!strncmp(u->scheme, "unix", 4))
		return parse_unix(u, url, rest, err, errlen);
	if (!strcmp(u->scheme, "tcp") || !strcmp(u->scheme, "udp") ||
	    !strcmp(u->scheme, "tls")) {
		if (strncmp(rest, "//", 2))
			return url_error(err, errlen, url,
					 "expected //HOST:PORT after the scheme");
		return parse_inet(u, url, rest + 2, err, errlen);
	}
	/* Unknown schemes are the caller's to report, with the list. */
	return 0;
}
