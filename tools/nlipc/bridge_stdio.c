// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "nlipc bridge-stdio [PATH]": the remote half of ssh:// URLs, run by ssh
 * on the daemon's host. It connects standard input and output to
 * nlipcd's local stream socket, byte for byte: framing stays the
 * client's and the daemon's business. nlipcd sees this process, so the
 * SSH user's uid, through SO_PEERCRED.
 *
 * Not listed by "nlipc help": people run it through ssh, not by hand.
 * Failures go to standard error in one line, which the client shows.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "nlipc.h"

#define DEFAULT_PATH	"/run/nlipc.sock"

/* Move what @from has to @to; false at end of input or on an error. */
static bool pump(int from, int to, const char **err)
{
	char buf[65536];
	ssize_t n, w, off;

	n = read(from, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		*err = n < 0 ? strerror(errno) : NULL;
		return false;
	}
	for (off = 0; off < n; off += w) {
		w = write(to, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			w = 0;
		else if (w < 0) {
			*err = strerror(errno);
			return false;
		}
	}
	return true;
}

int cmd_bridge_stdio_main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = argc > 1 ? argv[1] : DEFAULT_PATH;
	struct pollfd pfd[2];
	const char *err = NULL;
	bool in_open = true;
	int fd;

	if (argc > 2 || path[0] != '/' || strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "nlipc bridge-stdio: usage: nlipc bridge-stdio [/SOCKET-PATH]\n");
		return EXIT_USAGE;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "nlipc bridge-stdio: cannot connect to %s: %s%s\n",
			path, strerror(errno),
			errno == ENOENT || errno == ECONNREFUSED ?
			" (is nlipcd running?)" : "");
		return EXIT_UNREACHABLE;
	}
	pfd[0] = (struct pollfd){ .fd = 0, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = fd, .events = POLLIN };
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = strerror(errno);
			break;
		}
		if (pfd[1].revents && !pump(fd, 1, &err))
			break;		/* the daemon closed, or stdout went */
		if (in_open && pfd[0].revents && !pump(0, fd, &err)) {
			if (err)
				break;
			/* The client is done sending: let answers drain. */
			shutdown(fd, SHUT_WR);
			in_open = false;
			pfd[0].fd = -1;
		}
	}
	close(fd);
	if (err) {
		fprintf(stderr, "nlipc bridge-stdio: %s: %s\n", path, err);
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}
