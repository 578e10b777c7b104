// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Least privilege: once the listeners are bound and the backend is open,
 * nlipcd needs no more than CAP_NET_ADMIN, and that only to pass the
 * module's admin-perm checks on the kernel backend (GENL_ADMIN_PERM
 * checks the sender, not just the socket's opener). --user changes to
 * an unprivileged user and its groups keeping that one capability;
 * without it, a non-root nlipcd given capabilities (systemd's
 * AmbientCapabilities=) keeps only that one too.
 *
 * Also here: the warning for a plaintext listener beyond loopback that
 * lets its clients write.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <cap-ng.h>

#include "backend.h"
#include "bridged.h"
#include "kind.h"
#include "listen.h"
#include "loop.h"
#include "nlipcd.h"
#include "privilege.h"

static struct {
	bool set;
	uid_t uid;
	gid_t gid;
	char name[64];
} target;

/**
 * nlipcd_priv_set_user - the user to change to, from --user
 * @arg: a user name, or a numeric uid that has a passwd entry
 *
 * Looked up now, before anything is open, so that an unknown user is a
 * usage error. Returns 0, or -EINVAL having said why.
 */
int nlipcd_priv_set_user(const char *arg)
{
	struct passwd *pw = getpwnam(arg);
	char *end;
	unsigned long v;

	if (!pw && arg[0] >= '0' && arg[0] <= '9') {
		v = strtoul(arg, &end, 10);
		if (!*end)
			pw = getpwuid(v);
	}
	if (!pw) {
		fprintf(stderr, "nlipcd: --user: unknown user '%s'\n", arg);
		return -EINVAL;
	}
	if (strlen(pw->pw_name) >= sizeof(target.name)) {
		fprintf(stderr, "nlipcd: --user: '%s': name too long\n", arg);
		return -EINVAL;
	}
	target.set = true;
	target.uid = pw->pw_uid;
	target.gid = pw->pw_gid;
	strcpy(target.name, pw->pw_name);
	return 0;
}

static const char *change_id_error(int rc)
{
	/* capng_change_id(3) */
	switch (rc) {
	case -2:
		return "cannot keep capabilities across the change (PR_SET_KEEPCAPS)";
	case -3:
		return "cannot apply the capabilities";
	case -4:
		return "cannot change the group";
	case -5:
		return "cannot drop the supplementary groups";
	case -6:
		return "cannot change the user";
	case -7:
		return "cannot stop keeping capabilities";
	case -8:
		return "cannot apply the capabilities after the change";
	case -9:
		return "cannot set the supplementary groups of the user";
	case -10:
		return "cannot clear the ambient capabilities";
	default:
		return "cannot change identity";
	}
}

/* Root: become the --user, with CAP_NET_ADMIN alone if @keep. */
static int change_user(bool keep)
{
	int rc;

	capng_clear(CAPNG_SELECT_ALL);
	if (keep)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
			     CAP_NET_ADMIN);
	/* Its groups, no bounding set: nothing can be regained by exec. */
	rc = capng_change_id(target.uid, target.gid,
			     CAPNG_INIT_SUPP_GRP | CAPNG_CLEAR_BOUNDING |
			     CAPNG_CLEAR_AMBIENT);
	if (rc) {
		nlipcd_err("--user %s: %s: %s", target.name,
			   change_id_error(rc), strerror(errno));
		return -EPERM;
	}
	nlipcd_info("running as %s (uid %u, gid %u)%s", target.name,
		    (unsigned int)target.uid, (unsigned int)target.gid,
		    keep ? ", keeping CAP_NET_ADMIN" : ", no capabilities");
	return 0;
}

/* Not root: keep CAP_NET_ADMIN alone if @keep and we have it, else none. */
static int trim_caps(bool keep)
{
	bool have;

	capng_get_caps_process();
	have = capng_have_capability(CAPNG_EFFECTIVE, CAP_NET_ADMIN) ||
	       capng_have_capability(CAPNG_PERMITTED, CAP_NET_ADMIN);
	if (keep && !have)
		nlipcd_warn("the kernel backend without CAP_NET_ADMIN: the module refuses kv-set, kv-del and stats-reset (EPERM)");
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE)
		return 0;
	/* Ambient ones would pass to any program we ran: there is none. */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	capng_clear(CAPNG_SELECT_CAPS);
	if (keep && have)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
			     CAP_NET_ADMIN);
	if (capng_apply(CAPNG_SELECT_CAPS)) {
		nlipcd_err("cannot drop capabilities: %s", strerror(errno));
		return -EPERM;
	}
	nlipcd_debug("capabilities: %s", keep && have ? "CAP_NET_ADMIN" : "none");
	return 0;
}

/**
 * nlipcd_priv_drop - give up what serving no longer needs
 * @d: the daemon, its listeners bound and its backend open
 *
 * With --user: change to that user and its groups; otherwise, if not
 * root, drop every capability. Either way CAP_NET_ADMIN is kept for the
 * kernel backend. Root without --user stays root. Returns 0, or a
 * negative errno having said why: nlipcd must not serve with more
 * privilege than it was told to keep.
 */
int nlipcd_priv_drop(struct nlipcd *d)
{
	bool keep = d->backend == &nlipcd_backend_kernel;

	if (target.set) {
		if (geteuid() == 0)
			return change_user(keep);
		if (geteuid() == target.uid && getegid() == target.gid)
			return trim_caps(keep);
		nlipcd_err("--user %s: only root can change to another user",
			   target.name);
		return -EPERM;
	}
	if (geteuid() == 0)
		return 0;
	return trim_caps(keep);
}

static bool loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *sin6 = (const void *)ss;
	const struct sockaddr_in *sin = (const void *)ss;

	if (ss->ss_family == AF_INET)
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
		return sin6->sin6_addr.s6_addr[12] == 127;
	return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
}

/**
 * nlipcd_priv_warn_exposure - say so if anyone on the network may write
 * @d: the daemon, its listeners bound
 *
 * TCP and UDP carry requests in clear and name their peer by address
 * only: with --allow-remote-write, or a bridged family's writes named in
 * --bridge-family, whoever reaches a listener beyond loopback, or sits
 * on the path to it, may change the store or the kernel's state.
 * Returns how many such listeners there are.
 */
unsigned int nlipcd_priv_warn_exposure(struct nlipcd *d)
{
	bool bridged = nlipcd_bridge_remote_writes(d);
	struct nlipcd_listener *lis;
	unsigned int n = 0;

	if (!d->allow_remote_write && !bridged)
		return 0;
	for (lis = d->listeners; lis; lis = lis->next) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);

		/* tls:// names its clients by certificate, and hides all. */
		if ((lis->family != AF_INET && lis->family != AF_INET6) ||
		    lis->ops->handshake)
			continue;
		if (getsockname(lis->w.fd, (struct sockaddr *)&ss, &len) ||
		    loopback(&ss))
			continue;
		nlipcd_warn("%s: plaintext beyond loopback with %s: anyone who reaches it may write, and anyone on the path reads and can change what crosses it",
			    lis->name, d->allow_remote_write ?
			    "--allow-remote-write" : "bridged ops that write");
		n++;
	}
	return n;
}
