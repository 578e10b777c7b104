// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Listening sockets: from URLs (the library's parser), or passed by
 * systemd (LISTEN_FDS). Socket files are created with the requested mode
 * by binding under a umask that yields it, so there is no moment at which
 * the file exists with a wider one; a stale file is removed only if it is
 * a socket nobody accepts on, and a live one is never taken over.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "kind.h"
#include "listen.h"
#include "loop.h"
#include "nlipcd.h"
#include "url.h"

/* SD_LISTEN_FDS_START: systemd passes sockets from fd 3 on. */
#define LISTEN_FDS_START	3
#define BACKLOG			128

static void listener_handle(struct nlipcd *d, struct nlipcd_watch *w,
			    uint32_t events)
{
	struct nlipcd_listener *lis = nlipcd_container_of(w, struct nlipcd_listener, w);

	lis->ops->ready(d, lis);
}

/*
 * Stop or start accepting connections: out of descriptors with no spare
 * one to refuse with, a pending connection would wake us every turn.
 */
void nlipcd_listen_pause(struct nlipcd *d, bool pause)
{
	struct nlipcd_listener *lis;

	for (lis = d->listeners; lis; lis = lis->next)
		if (!lis->ops->peer)
			nlipcd_watch_set(d, &lis->w, pause ? 0 : EPOLLIN);
	d->accept_paused = pause;
}

static int listener_add(struct nlipcd *d, int fd, enum nlipcd_kind kind,
			int family, const char *name, const char *path,
			bool activated)
{
	struct nlipcd_listener *lis = calloc(1, sizeof(*lis));

	if (!lis)
		return -ENOMEM;
	lis->ops = nlipcd_kind_ops(kind);
	lis->family = family;
	lis->activated = activated;
	snprintf(lis->name, sizeof(lis->name), "%s", name);
	if (path)
		snprintf(lis->path, sizeof(lis->path), "%s", path);
	if (lis->ops->listen)
		lis->ops->listen(fd);
	lis->w.handle = listener_handle;
	if (nlipcd_watch_add(d, &lis->w, fd, EPOLLIN)) {
		free(lis);
		return -errno;
	}
	lis->next = d->listeners;
	d->listeners = lis;
	nlipcd_info("listening on %s", lis->name);
	return 0;
}

static int kind_of(const char *scheme, int *type, enum nlipcd_kind *kind)
{
	static const struct {
		const char *scheme;
		int type;
		enum nlipcd_kind kind;
	} kinds[] = {
		{ "unix", SOCK_STREAM, NLIPCD_STREAM },
		{ "unix+stream", SOCK_STREAM, NLIPCD_STREAM },
		{ "unix+seqpacket", SOCK_SEQPACKET, NLIPCD_SEQPACKET },
		{ "unix+dgram", SOCK_DGRAM, NLIPCD_DGRAM },
		{ "tcp", SOCK_STREAM, NLIPCD_STREAM },
		{ "tls", SOCK_STREAM, NLIPCD_TLS },
		{ "udp", SOCK_DGRAM, NLIPCD_UDP },
	};
	size_t i;

	for (i = 0; i < NLIPCD_ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i].scheme, scheme)) {
			*type = kinds[i].type;
			*kind = kinds[i].kind;
			return 0;
		}
	return -EPROTONOSUPPORT;
}

const struct nlipcd_kind_ops *nlipcd_kind_ops(enum nlipcd_kind kind)
{
	static const struct nlipcd_kind_ops *const ops[] = {
		[NLIPCD_STREAM] = &nlipcd_kind_stream,
		[NLIPCD_SEQPACKET] = &nlipcd_kind_seqpacket,
		[NLIPCD_DGRAM] = &nlipcd_kind_dgram,
		[NLIPCD_UDP] = &nlipcd_kind_udp,
		[NLIPCD_TLS] = &nlipcd_kind_tls,
	};

	return ops[kind];
}

/*
 * A socket file in our way: stale (nobody accepts: ECONNREFUSED) or live.
 * Returns 0 once a stale one is gone, or a negative errno, said why.
 */
static int clear_stale(const char *url, const struct sockaddr_un *sun,
		       socklen_t len, int type)
{
	struct stat st;
	int fd, err;

	if (lstat(sun->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		nlipcd_err("%s: %s exists and is not a socket: not touching it",
			   url, sun->sun_path);
		return -EEXIST;
	}
	/* Non-blocking: a live server with a full backlog would block us. */
	fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = connect(fd, (const struct sockaddr *)sun, len) ? errno : 0;
	close(fd);
	if (err == ECONNREFUSED) {
		nlipcd_info("%s: removing the stale socket %s", url, sun->sun_path);
		if (unlink(sun->sun_path) < 0 && errno != ENOENT)
			return -errno;
		return 0;
	}
	if (!err || err == EPROTOTYPE || err == EAGAIN || err == EINPROGRESS)
		nlipcd_err("%s: %s is in use by a running server: not taking it over",
			   url, sun->sun_path);
	else
		nlipcd_err("%s: cannot tell whether %s is in use: %s", url,
			   sun->sun_path, strerror(err));
	return -EADDRINUSE;
}

static int listen_unix(struct nlipcd *d, const char *url,
		       const struct nlipc_url *u, int type,
		       enum nlipcd_kind kind)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	bool abstract = u->path[0] == '@';
	size_t plen = strlen(u->path);
	socklen_t len;
	int fd, err, tries;
	struct stat st;
	mode_t old;

	memcpy(sun.sun_path, u->path, plen);
	if (abstract)
		sun.sun_path[0] = '\0';
	len = offsetof(struct sockaddr_un, sun_path) + plen + !abstract;

	fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (tries = 0;; tries++) {
		/* The mode comes from the umask at bind(): nothing to race. */
		old = umask(~d->socket_mode & 0777);
		err = bind(fd, (struct sockaddr *)&sun, len) ? -errno : 0;
		umask(old);
		if (err != -EADDRINUSE || abstract || tries == 2)
			break;
		/* Stale, or someone took the name meanwhile: look again. */
		err = clear_stale(url, &sun, len, type);
		if (err)
			goto err_close;
	}
	if (err) {
		nlipcd_err("%s: bind: %s", url, strerror(-err));
		goto err_close;
	}
	if (!abstract && d->socket_gid != (gid_t)-1 &&
	    lchown(u->path, (uid_t)-1, d->socket_gid) < 0)
		nlipcd_warn("%s: cannot give the socket to group %u: %s", url,
			    (unsigned int)d->socket_gid, strerror(errno));
	if (!nlipcd_kind_ops(kind)->peer && listen(fd, BACKLOG) < 0) {
		err = -errno;
		goto err_unlink;
	}
	err = listener_add(d, fd, kind, AF_UNIX, url,
			   abstract ? NULL : u->path, false);
	if (err)
		goto err_unlink;
	/* Remember which file is ours, not to remove a successor's at exit. */
	if (!abstract && !lstat(u->path, &st)) {
		d->listeners->dev = st.st_dev;
		d->listeners->ino = st.st_ino;
	}
	return 0;

err_unlink:
	if (!abstract)
		unlink(u->path);
err_close:
	close(fd);
	return err;
}

static int listen_inet(struct nlipcd *d, const char *url,
		       const struct nlipc_url *u, int type,
		       enum nlipcd_kind kind)
{
	struct addrinfo hints = {
		.ai_flags = AI_PASSIVE,
		.ai_socktype = type,
	};
	const char *host = !strcmp(u->host, "*") ? NULL : u->host;
	struct addrinfo *res, *ai;
	char name[160];
	int fd, err, one = 1, bound = 0, last = 0;

	err = getaddrinfo(host, u->port, &hints, &res);
	if (err) {
		nlipcd_err("%s: %s", url, gai_strerror(err));
		return -EINVAL;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		char h[NI_MAXHOST], p[NI_MAXSERV];
		struct sockaddr_storage ss;
		socklen_t len;

		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		fd = socket(ai->ai_family,
			    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			last = -errno;
			continue;
		}
		/*
		 * TCP: restart while old connections linger in TIME_WAIT. Not
		 * UDP, where it would let any local user's socket bind the
		 * same address and port and take our datagrams.
		 */
		if (type == SOCK_STREAM)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				   sizeof(one));
		/* "*" binds both families: keep v6 sockets to v6. */
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				   sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
		    (type == SOCK_STREAM && listen(fd, BACKLOG) < 0)) {
			last = -errno;
			close(fd);
			continue;
		}
		/* The bound address: port 0 asks the kernel to pick one. */
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
			memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
			len = ai->ai_addrlen;
		}
		getnameinfo((struct sockaddr *)&ss, len, h, sizeof(h), p,
			    sizeof(p), NI_NUMERICHOST | NI_NUMERICSERV);
		snprintf(name, sizeof(name), ai->ai_family == AF_INET6 ?
			 "%s://[%s]:%s" : "%s://%s:%s", u->scheme, h, p);
		if (listener_add(d, fd, kind, ai->ai_family, name, NULL, false)) {
			close(fd);
			continue;
		}
		bound++;
	}
	freeaddrinfo(res);
	if (!bound) {
		nlipcd_err("%s: cannot listen: %s", url,
			   strerror(last ? -last : EADDRNOTAVAIL));
		return last ? last : -EADDRNOTAVAIL;
	}
	return 0;
}

/*
 * Parse @url and check that nlipcd serves its scheme. Returns 0, or
 * -EINVAL (-ENAMETOOLONG, -EPROTONOSUPPORT) having logged why.
 */
static int listen_parse(const char *url, struct nlipc_url *u, int *type,
			enum nlipcd_kind *kind)
{
	char err[256];
	int ret;

	ret = nlipc_url_parse(u, url, err, sizeof(err));
	if (ret) {
		nlipcd_err("%s", err);
		return ret;
	}
	if (kind_of(u->scheme, type, kind)) {
		nlipcd_err("%s: nlipcd listens on unix:, unix+seqpacket:, unix+dgram:, tcp://, udp:// and tls://, not %s:",
			   url, u->scheme);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/**
 * nlipcd_listen_check - is @url one nlipcd can listen on, as written?
 * @url: as for nlipcd_listen_url()
 *
 * Checks the URL alone, opening nothing, so that a mistyped URL is a
 * usage error found before anything is set up. Returns 0 or a negative
 * errno, having logged why.
 */
int nlipcd_listen_check(const char *url)
{
	enum nlipcd_kind kind;
	struct nlipc_url u;
	int type;

	return listen_parse(url, &u, &type, &kind);
}

/**
 * nlipcd_listen_url - listen on one URL
 * @d: the daemon
 * @url: unix:/path, unix:@name, unix+seqpacket:..., unix+dgram:...,
 *	tcp://host:port, udp://host:port (host "*" for any address)
 *
 * Returns 0 or a negative errno, having logged why.
 */
int nlipcd_listen_url(struct nlipcd *d, const char *url)
{
	enum nlipcd_kind kind;
	struct nlipc_url u;
	int type, ret;

	ret = listen_parse(url, &u, &type, &kind);
	if (ret)
		return ret;
	if (u.path[0])
		return listen_unix(d, url, &u, type, kind);
	return listen_inet(d, url, &u, type, kind);
}

static int sock_opt(int fd, int opt)
{
	socklen_t len = sizeof(int);
	int val;

	if (getsockopt(fd, SOL_SOCKET, opt, &val, &len) < 0)
		return -1;
	return val;
}

/*
 * Sockets systemd opened for us (nlipcd.socket). Each keeps its type;
 * systemd owns their files, so we leave them in place at exit.
 */
int nlipcd_listen_activated(struct nlipcd *d)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int n, i, fd, domain, type;
	enum nlipcd_kind kind;
	char name[160];

	if (!pid || !fds || atol(pid) != (long)getpid())
		return 0;
	n = atoi(fds);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	for (i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);

		fd = LISTEN_FDS_START + i;
		domain = sock_opt(fd, SO_DOMAIN);
		type = sock_opt(fd, SO_TYPE);
		if (domain != AF_UNIX && domain != AF_INET && domain != AF_INET6) {
			nlipcd_err("LISTEN_FDS: fd %d is not an AF_UNIX or AF_INET socket",
				   fd);
			return -EINVAL;
		}
		if (type != SOCK_DGRAM && sock_opt(fd, SO_ACCEPTCONN) != 1) {
			nlipcd_err("LISTEN_FDS: fd %d does not listen (use Accept=no)",
				   fd);
			return -EINVAL;
		}
		kind = type == SOCK_STREAM ? NLIPCD_STREAM :
		       type == SOCK_SEQPACKET ? NLIPCD_SEQPACKET :
		       domain == AF_UNIX ? NLIPCD_DGRAM : NLIPCD_UDP;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		snprintf(name, sizeof(name), "fd %d (activated)", fd);
		if (domain == AF_UNIX &&
		    !getsockname(fd, (struct sockaddr *)&ss, &len)) {
			const struct sockaddr_un *sun = (const void *)&ss;

			if (len > offsetof(struct sockaddr_un, sun_path) + 1)
				snprintf(name, sizeof(name), "%s%.100s (fd %d, activated)",
					 type == SOCK_SEQPACKET ? "unix+seqpacket:" :
					 type == SOCK_DGRAM ? "unix+dgram:" : "unix:",
					 sun->sun_path[0] ? sun->sun_path : "@",
					 fd);
		}
		if (listener_add(d, fd, kind, domain, name, NULL, true))
			return -EINVAL;
	}
	return n;
}

/* At exit: close everything, remove the socket files we created. */
void nlipcd_listen_close_all(struct nlipcd *d)
{
	struct nlipcd_listener *lis;
	struct stat st;

	while ((lis = d->listeners)) {
		d->listeners = lis->next;
		nlipcd_watch_del(d, &lis->w);
		close(lis->w.fd);
		if (lis->path[0] && !lis->activated && !lstat(lis->path, &st) &&
		    st.st_dev == lis->dev && st.st_ino == lis->ino)
			unlink(lis->path);
		free(lis);
	}
}
