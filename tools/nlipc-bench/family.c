// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of families: how each opens a raw connection, where libnlipc
 * reaches the same service, and what does not apply to it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bench.h"

/* The largest UDP payload, and with it nlipcd's limit over UDP. */
#define UDP_MAX		65507

static const char *url_netlink(const struct bench_family *f,
			       const struct bench_daemons *d, char *buf,
			       size_t len, const char **why)
{
	return "netlink:";
}

static const char *url_user(const struct bench_family *f,
			    const struct bench_daemons *d, char *buf,
			    size_t len, const char **why)
{
	const char *host = f->flags & FAM_V6 ? "[::1]" : "127.0.0.1";

	if (!d->user.pid) {
		*why = d->user.why;
		return NULL;
	}
	if (f->domain == AF_UNIX)
		snprintf(buf, len, "%s:%s/%s", f->type == SOCK_STREAM ? "unix" :
			 f->type == SOCK_SEQPACKET ? "unix+seqpacket" :
			 "unix+dgram", d->dir, daemon_unix_name(f->type));
	else
		snprintf(buf, len, "%s://%s:%u",
			 f->type == SOCK_STREAM ? "tcp" : "udp", host,
			 d->user_port);
	return buf;
}

static const char *url_bridge(const struct bench_family *f,
			      const struct bench_daemons *d, char *buf,
			      size_t len, const char **why)
{
	if (!d->kernel.pid) {
		*why = d->kernel.why;
		return NULL;
	}
	snprintf(buf, len, "tcp://127.0.0.1:%u", d->kernel_port);
	return buf;
}

const struct bench_family bench_families[] = {
	{ "netlink", "generic netlink to the module (nlctrl without it)",
	  FAM_NETLINK, AF_NETLINK, SOCK_RAW, 0,
	  netlink_raw_open, NULL, url_netlink },
	{ "unix", "AF_UNIX stream to nlipcd's user backend",
	  0, AF_UNIX, SOCK_STREAM, 0,
	  sock_raw_open, sock_rawd_open, url_user },
	{ "unix-seqpacket", "AF_UNIX seqpacket to nlipcd's user backend",
	  FAM_DGRAM, AF_UNIX, SOCK_SEQPACKET, 0,
	  sock_raw_open, sock_rawd_open, url_user },
	{ "unix-dgram", "AF_UNIX datagrams to nlipcd's user backend",
	  FAM_DGRAM, AF_UNIX, SOCK_DGRAM, 0,
	  sock_raw_open, sock_rawd_open, url_user },
	{ "tcp4", "TCP over 127.0.0.1 to nlipcd's user backend",
	  0, AF_INET, SOCK_STREAM, 0,
	  sock_raw_open, sock_rawd_open, url_user },
	{ "tcp6", "TCP over ::1 to nlipcd's user backend",
	  FAM_V6, AF_INET6, SOCK_STREAM, 0,
	  sock_raw_open, sock_rawd_open, url_user },
	{ "udp4", "UDP over 127.0.0.1 to nlipcd's user backend",
	  FAM_DGRAM | FAM_LOSSY, AF_INET, SOCK_DGRAM, UDP_MAX,
	  sock_raw_open, sock_rawd_open, url_user },
	{ "udp6", "UDP over ::1 to nlipcd's user backend",
	  FAM_DGRAM | FAM_LOSSY | FAM_V6, AF_INET6, SOCK_DGRAM, UDP_MAX,
	  sock_raw_open, sock_rawd_open, url_user },
	{ "bridge", "TCP to nlipcd's kernel backend to the module",
	  FAM_BRIDGE, AF_INET, SOCK_STREAM, 0,
	  bridge_raw_open, NULL, url_bridge },
	{ "pipe", "two pipes to a forked echo (floor)",
	  FAM_FLOOR, 0, 0, 0, pipe_raw_open, NULL, NULL },
	{ "socketpair", "an AF_UNIX stream socketpair to a forked echo (floor)",
	  FAM_FLOOR, AF_UNIX, SOCK_STREAM, 0, pipe_raw_open, NULL, NULL },
};

const size_t bench_nfamilies = sizeof(bench_families) / sizeof(bench_families[0]);

const struct bench_family *family_find(const char *name, size_t *index)
{
	size_t i;

	for (i = 0; i < bench_nfamilies; i++) {
		if (strcmp(bench_families[i].name, name))
			continue;
		if (index)
			*index = i;
		return &bench_families[i];
	}
	return NULL;
}

/**
 * family_skip_reason - why a family, path and mode do not run here
 * @f: the family
 * @ctx: what the run found (module, IPv6, daemons)
 * @mode: the mode
 * @size: the request payload
 * @path: raw or libnlipc
 * @buf: room for a reason that needs formatting
 * @len: its size
 *
 * Returns NULL if the measurement runs, else the reason.
 */
const char *family_skip_reason(const struct bench_family *f,
			       const struct bench_ctx *ctx,
			       enum bench_mode mode, uint32_t size,
			       enum bench_path path, char *buf, size_t len)
{
	const struct bench_opts *o = ctx->opts;
	uint32_t req, reply;
	const char *why = NULL;

	/* Where nlipcd serves nothing, raw-d does not exist: say nothing. */
	if (path == PATH_RAWD && !f->rawd_open)
		return "";
	if (path == PATH_LIB && (f->flags & FAM_FLOOR))
		return "raw only: no libnlipc transport";
	if ((f->flags & FAM_V6) && !ctx->ipv6)
		return "no IPv6 loopback (::1 cannot be bound)";
	if ((f->flags & FAM_NETLINK) && ctx->module < 0)
		return "no generic netlink here";
	if ((f->flags & (FAM_NETLINK | FAM_BRIDGE)) && mode == MODE_STREAM)
		return "stream mode: the kernel answers every request (see batch mode)";
	if (path == PATH_LIB && mode == MODE_STREAM)
		return "stream mode: libnlipc is request/reply only";
	if (path == PATH_RAWD && mode == MODE_STREAM)
		return "stream mode: nlipcd answers every request";
	if ((f->flags & FAM_DGRAM) && mode == MODE_BATCH)
		return "batch mode: one request per datagram on this transport (doc/bridge.md)";
	if ((f->flags & FAM_BRIDGE) && ctx->module <= 0)
		return "the bridge needs the module (run inside nlipc-vm)";
	if (path == PATH_LIB && (f->flags & FAM_NETLINK) && ctx->module <= 0)
		return "libnlipc over netlink needs the module (run inside nlipc-vm)";
	if (path != PATH_RAW || (f->flags & FAM_BRIDGE)) {
		if (f->lib_url && !f->lib_url(f, &ctx->daemons, buf, len, &why))
			return why;
	}
	req = wire_request_bytes(size, o->has_reply_size);
	reply = wire_reply_bytes(o->has_reply_size ? o->reply_size : size);
	if (f->dgram_max && (req > f->dgram_max || reply > f->dgram_max)) {
		snprintf(buf, len, "a %u B message exceeds a %s datagram (%zu B)",
			 req > reply ? req : reply, f->name, f->dgram_max);
		return buf;
	}
	return NULL;
}
