// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ssh://[user@]host[:port][/socket-path]: nlipcd on another host, through
 * the system's ssh, so ~/.ssh/config, agents and known hosts apply as
 * they do for any ssh session. ssh runs "nlipc bridge-stdio PATH" on the
 * remote side, which connects its stdin and stdout to nlipcd's local
 * stream socket (default /run/nlipc.sock, nlipcd.socket's); we speak the
 * stream protocol to ssh over a socketpair. The daemon sees the helper,
 * so the SSH user's uid, through SO_PEERCRED: its rights apply unchanged.
 *
 * ssh's standard error comes back through a pipe: when the stream fails,
 * its last line (host key, authentication, a missing helper) becomes the
 * error message.
 *
 * Environment: NLIPC_SSH_COMMAND replaces "ssh" (run by /bin/sh, with
 * ssh's arguments after it, as GIT_SSH_COMMAND is), NLIPC_SSH_HELPER
 * replaces "nlipc bridge-stdio" (a remote nlipc outside PATH).
 *
 * The socket transport's state stays in ep->tp_priv while one of its
 * functions runs, and ours there in between.
 */
#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "../internal.h"
#include "sock.h"

#define DEFAULT_PATH	"/run/nlipc.sock"
#define DEFAULT_HELPER	"nlipc bridge-stdio"
/* How long a failed ssh is given to finish saying why. */
#define EXPLAIN_WAIT_MS	2000

extern char **environ;

struct ssh {
	void *sock;		/* sock.c's state */
	pid_t pid;
	int err_fd;		/* ssh's standard error, or -1 */
	char host[256];		/* for messages */
	char errbuf[1024];	/* what ssh said, the end of it */
	size_t errlen;
};

struct ssh_url {
	char user[64];
	char host[256];
	char port[8];
	char path[NLIPC_UNIX_PATH_MAX + 1];
};

/* Passed to ssh and, for the path, to a remote shell: nothing it reads. */
static bool safe(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && !strchr(extra, *s))
			return false;
	return true;
}

static int parse(struct nlipc *ep, struct ssh_url *u)
{
	const char *p = ep->url + strlen("ssh://"), *at, *slash, *colon;
	const char *host, *host_end;
	size_t len;

	memset(u, 0, sizeof(*u));
	if (strncmp(ep->url, "ssh://", 6))
		return nlipc_fail(ep, -EINVAL,
				  "invalid URL '%s': expected ssh://[USER@]HOST[:PORT][/SOCKET]",
				  ep->url);
	slash = strchr(p, '/');
	if (!slash)
		slash = p + strlen(p);
	at = memchr(p, '@', slash - p);
	if (at) {
		len = at - p;
		if (!len || len >= sizeof(u->user))
			goto bad;
		memcpy(u->user, p, len);
		p = at + 1;
	}
	host = p;
	if (*p == '[') {
		host_end = memchr(p, ']', slash - p);
		if (!host_end)
			goto bad;
		host++;
		colon = host_end[1] == ':' ? host_end + 1 : NULL;
		if (!colon && host_end + 1 != slash)
			goto bad;
	} else {
		colon = memchr(p, ':', slash - p);
		host_end = colon ? colon : slash;
	}
	len = host_end - host;
	if (!len || len >= sizeof(u->host))
		goto bad;
	memcpy(u->host, host, len);
	if (colon) {
		len = slash - colon - 1;
		if (!len || len >= sizeof(u->port))
			goto bad;
		memcpy(u->port, colon + 1, len);
	}
	len = strlen(slash);
	if (len > NLIPC_UNIX_PATH_MAX)
		return nlipc_fail(ep, -ENAMETOOLONG,
				  "socket path too long in '%s': at most %d bytes",
				  ep->url, NLIPC_UNIX_PATH_MAX);
	strcpy(u->path, len > 1 ? slash : DEFAULT_PATH);
	/* Nothing ssh could take for an option, nor the remote shell parse. */
	if (u->host[0] == '-' || u->user[0] == '-' ||
	    !safe(u->host, ".-_:") || !safe(u->user, ".-_") ||
	    u->port[strspn(u->port, "0123456789")] ||
	    !safe(u->path, "/.-_+@,"))
		return nlipc_fail(ep, -EINVAL,
				  "invalid URL '%s': user, host and socket path may hold letters, digits and . - _ (the path also / + @ ,), the port digits",
				  ep->url);
	return 0;

bad:
	return nlipc_fail(ep, -EINVAL,
			  "invalid URL '%s': expected ssh://[USER@]HOST[:PORT][/SOCKET]",
			  ep->url);
}

static struct ssh *ssh_of(struct nlipc *ep)
{
	return ep->tp_priv;
}

/* Keep the end of what ssh has written to its standard error. */
static void drain(struct ssh *s, int wait_ms)
{
	struct pollfd pfd = { .fd = s->err_fd, .events = POLLIN };
	char buf[512];
	ssize_t n;

	while (s->err_fd >= 0 && poll(&pfd, 1, wait_ms) > 0) {
		n = read(s->err_fd, buf, sizeof(buf));
		if (n <= 0) {
			close(s->err_fd);
			s->err_fd = -1;
			break;
		}
		if ((size_t)n > sizeof(s->errbuf) - 1 - s->errlen) {
			size_t drop = s->errlen + n - (sizeof(s->errbuf) - 1);

			if (drop > s->errlen)
				drop = s->errlen;
			memmove(s->errbuf, s->errbuf + drop, s->errlen - drop);
			s->errlen -= drop;
			if ((size_t)n > sizeof(s->errbuf) - 1)
				n = sizeof(s->errbuf) - 1;
		}
		memcpy(s->errbuf + s->errlen, buf, n);
		s->errlen += n;
		s->errbuf[s->errlen] = '\0';
	}
}

/* The last line ssh wrote that says something, or NULL. */
static const char *last_line(struct ssh *s)
{
	char *end = s->errbuf + s->errlen, *line;

	while (end > s->errbuf && (end[-1] == '\n' || end[-1] == '\r' ||
				   end[-1] == ' '))
		*--end = '\0';
	if (end == s->errbuf)
		return NULL;
	line = end;
	while (line > s->errbuf && line[-1] != '\n')
		line--;
	return line;
}

/*
 * The stream failed with @err: if ssh has gone, or goes within a moment,
 * say what it said instead.
 */
static int explain(struct nlipc *ep, struct ssh *s, int err)
{
	const char *line;
	int status, i;

	if (err == -EAGAIN || err == -ENOBUFS)
		return err;
	drain(s, EXPLAIN_WAIT_MS);
	line = last_line(s);
	if (line)
		return nlipc_fail(ep, err, "ssh %s: %s", s->host, line);
	/* Silent: its exit status, once its standard error has closed. */
	for (i = 0; s->pid > 0 && s->err_fd < 0 && i < 50; i++) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = -1;
			if (WIFEXITED(status) && WEXITSTATUS(status))
				return nlipc_fail(ep, err,
						  "ssh %s exited with status %d",
						  s->host, WEXITSTATUS(status));
			break;
		}
		usleep(10000);
	}
	return err;
}

static int ssh_send(struct nlipc *ep, const void *buf, size_t len)
{
	struct ssh *s = ssh_of(ep);
	int err;

	ep->tp_priv = s->sock;
	err = nlipc_sock_send_stream(ep, buf, len);
	s->sock = ep->tp_priv;
	ep->tp_priv = s;
	return err < 0 ? explain(ep, s, err) : err;
}

static ssize_t ssh_recv(struct nlipc *ep, long long until)
{
	struct ssh *s = ssh_of(ep);
	ssize_t n;

	ep->tp_priv = s->sock;
	n = nlipc_sock_recv_stream(ep, until);
	s->sock = ep->tp_priv;
	ep->tp_priv = s;
	return n < 0 ? explain(ep, s, n) : n;
}

static int ssh_resolve(struct nlipc *ep)
{
	int err = nlipc_ctrl_resolve(ep);

	/* A timeout too: ssh may still be at its handshake, or gone. */
	return err ? explain(ep, ssh_of(ep), err) : 0;
}

static void ssh_close(struct nlipc *ep)
{
	struct ssh *s = ssh_of(ep);

	if (!s)
		return;
	ep->tp_priv = s->sock;
	nlipc_sock_close(ep);
	if (s->err_fd >= 0)
		close(s->err_fd);
	/* Our end is closed: ssh has nothing left to carry. */
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	free(s);
}

/* ssh's arguments; argv[0] is the program. */
static int build_argv(const struct ssh_url *u, int timeout_ms, char *cmd,
		      size_t cmdlen, char *conn, size_t connlen,
		      const char **argv)
{
	const char *helper = getenv("NLIPC_SSH_HELPER");
	const char *command = getenv("NLIPC_SSH_COMMAND");
	int n = 0;

	if (command && *command) {
		/* As git runs GIT_SSH_COMMAND: the shell splits it. */
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = command;	/* replaced below with "$@" added */
		argv[n++] = "ssh";
	} else {
		argv[n++] = "ssh";
	}
	/* No terminal, no X11 or agent forwarded: a pipe for messages. */
	argv[n++] = "-T";
	argv[n++] = "-x";
	argv[n++] = "-a";
	if (timeout_ms > 0) {
		snprintf(conn, connlen, "ConnectTimeout=%d",
			 (timeout_ms + 999) / 1000);
		argv[n++] = "-o";
		argv[n++] = conn;
	}
	if (u->port[0]) {
		argv[n++] = "-p";
		argv[n++] = u->port;
	}
	if (u->user[0]) {
		argv[n++] = "-l";
		argv[n++] = u->user;
	}
	argv[n++] = "--";
	argv[n++] = u->host;
	snprintf(cmd, cmdlen, "%s %s", helper && *helper ? helper : DEFAULT_HELPER,
		 u->path);
	argv[n++] = cmd;
	argv[n] = NULL;
	return n;
}

static int spawn(struct nlipc *ep, struct ssh *s, const struct ssh_url *u,
		 int peer, int err_w)
{
	char cmd[512], conn[32], shell[1024];
	posix_spawn_file_actions_t fa;
	const char *argv[24];
	int err;

	build_argv(u, ep->timeout_ms, cmd, sizeof(cmd), conn, sizeof(conn),
		   argv);
	if (argv[0][0] == '/') {
		snprintf(shell, sizeof(shell), "%s \"$@\"", argv[2]);
		argv[2] = shell;
	}
	err = posix_spawn_file_actions_init(&fa);
	if (err)
		return -err;
	err = posix_spawn_file_actions_adddup2(&fa, peer, 0);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, peer, 1);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, err_w, 2);
	if (!err)
		err = posix_spawnp(&s->pid, argv[0], &fa, NULL,
				   (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		return nlipc_fail(ep, -err, "cannot run %s: %s", argv[0],
				  err == ENOENT ? "not found (install openssh-client)" :
				  strerror(err));
	return 0;
}

static int ssh_open(struct nlipc *ep, const struct nlipc_url *url)
{
	struct ssh_url u;
	int sv[2], ep_err[2], err;
	struct ssh *s;

	(void)url;	/* an unknown scheme to the parser: ours to read */
	err = parse(ep, &u);
	if (err)
		return err;
	s = calloc(1, sizeof(*s));
	if (!s)
		return nlipc_fail(ep, -ENOMEM, "out of memory");
	s->pid = -1;
	snprintf(s->host, sizeof(s->host), "%s", u.host);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		err = nlipc_fail(ep, -errno, "cannot create a socket pair");
		goto err_free;
	}
	if (pipe2(ep_err, O_CLOEXEC) < 0) {
		err = nlipc_fail(ep, -errno, "cannot create a pipe");
		goto err_close_pair;
	}
	err = spawn(ep, s, &u, sv[1], ep_err[1]);
	close(sv[1]);
	close(ep_err[1]);
	if (err)
		goto err_close_pipe;
	s->err_fd = ep_err[0];
	fcntl(s->err_fd, F_SETFL, O_NONBLOCK);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	err = nlipc_sock_init(ep, sv[0]);	/* closes it on failure */
	if (err) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		close(s->err_fd);
		free(s);
		return err;
	}
	s->sock = ep->tp_priv;
	ep->tp_priv = s;
	return 0;

err_close_pipe:
	close(ep_err[0]);
	close(sv[0]);
	goto err_free;
err_close_pair:
	close(sv[0]);
	close(sv[1]);
err_free:
	free(s);
	return err;
}

const struct nlipc_transport nlipc_transport_ssh = {
	.scheme = "ssh",
	.open = ssh_open,
	.close = ssh_close,
	.resolve = ssh_resolve,
	.send = ssh_send,
	.recv = ssh_recv,
	.join = nlipc_ctrl_join,
	.join_id = nlipc_ctrl_join_id,
};
