// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipcd(8): options, signals (through a signalfd) and logging; loop.c
 * has the one epoll loop everything runs in. The work is elsewhere:
 * listen.c opens the sockets, client.c, frame.c and the kinds' files
 * (kind.h) take and queue, request.c and ctrl.c check and route,
 * backend_*.c answer.
 */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <linux/nlipc.h>

#include "../../kmod/kv-rules.h"
#include "backend.h"
#include "bridged.h"
#include "client.h"
#include "kind.h"
#include "listen.h"
#include "loop.h"
#include "nlipcd.h"
#include "privilege.h"
#include "tls.h"

int nlipcd_log_level = NLIPCD_LOG_INFO;
static bool log_journal;

/* ------------------------------------------------------------------ */
/* Logging: stderr, with syslog priority prefixes when it is journald  */
/* ------------------------------------------------------------------ */

static void log_setup(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long dev, ino;
	struct stat st;

	/* systemd.exec(5): stderr is the journal if its dev:ino match. */
	if (js && sscanf(js, "%lu:%lu", &dev, &ino) == 2 && !fstat(2, &st) &&
	    st.st_dev == dev && st.st_ino == ino)
		log_journal = true;
}

void nlipcd_log(int level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	static const int prio[] = { 3, 4, 6, 7 };
	char line[1024];
	va_list ap;

	if (level > nlipcd_log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_journal)
		fprintf(stderr, "<%d>%s\n", prio[level], line);
	else
		fprintf(stderr, "nlipcd: %s: %s\n", names[level], line);
}

/* ------------------------------------------------------------------ */
/* Signals, through the loop (loop.c)                                  */
/* ------------------------------------------------------------------ */

struct sigwatch {
	struct nlipcd_watch w;
};

static void signal_handle(struct nlipcd *d, struct nlipcd_watch *w,
			  uint32_t events)
{
	struct signalfd_siginfo si;

	while (read(w->fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			/*
			 * Options are read once and logs go to stderr: there
			 * is nothing to reload or reopen, and a service
			 * manager's SIGHUP must not take the service down.
			 */
			nlipcd_info("SIGHUP: ignored, nothing to reload (SIGTERM stops)");
			break;
		case SIGTERM:
		case SIGINT:
		case SIGQUIT:
			nlipcd_info("%s: stopping",
				    si.ssi_signo == SIGTERM ? "SIGTERM" :
				    si.ssi_signo == SIGINT ? "SIGINT" : "SIGQUIT");
			d->stopping = true;
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

enum {
	OPT_ALLOW_REMOTE_WRITE = 256,
	OPT_BRIDGE_FAMILY,
	OPT_IDLE,
	OPT_LOG_LEVEL,
	OPT_USER,
	OPT_TLS_CA,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_ALLOW_CERT,
	/* set_number()'s, in a row */
	OPT_MAX_MSG,
	OPT_MAX_CLIENTS,
	OPT_MAX_PER_UID,
	OPT_MAX_QUEUE,
	OPT_MAX_INFLIGHT,
	OPT_PING_MAX,
	OPT_KV_ENTRIES,
	OPT_KV_KEY,
	OPT_KV_VALUE,
	OPT_KV_BYTES,
};

/* URLs given with --listen, served before the positional ones. */
#define MAX_LISTEN_OPTS	64
static const char *listen_opts[MAX_LISTEN_OPTS];
static unsigned int n_listen_opts;

/* tls:// listeners' files and --allow-cert (tls.c). */
static struct nlipcd_tls_opts tls_opts;

static const struct option options[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "backend", required_argument, NULL, 'b' },
	{ "socket-mode", required_argument, NULL, 'm' },
	{ "socket-group", required_argument, NULL, 'g' },
	{ "allow-uid", required_argument, NULL, 'u' },
	{ "allow-remote-write", no_argument, NULL, OPT_ALLOW_REMOTE_WRITE },
	{ "bridge-family", required_argument, NULL, OPT_BRIDGE_FAMILY },
	{ "user", required_argument, NULL, OPT_USER },
	{ "tls-ca", required_argument, NULL, OPT_TLS_CA },
	{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
	{ "allow-cert", required_argument, NULL, OPT_ALLOW_CERT },
	{ "max-msg", required_argument, NULL, OPT_MAX_MSG },
	{ "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
	{ "max-clients-per-uid", required_argument, NULL, OPT_MAX_PER_UID },
	{ "max-queue", required_argument, NULL, OPT_MAX_QUEUE },
	{ "max-inflight", required_argument, NULL, OPT_MAX_INFLIGHT },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "ping-max-payload", required_argument, NULL, OPT_PING_MAX },
	{ "kv-max-entries", required_argument, NULL, OPT_KV_ENTRIES },
	{ "kv-max-key-len", required_argument, NULL, OPT_KV_KEY },
	{ "kv-max-value-len", required_argument, NULL, OPT_KV_VALUE },
	{ "kv-max-bytes", required_argument, NULL, OPT_KV_BYTES },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nlipcd [OPTIONS] [URL...]\n"
		"Serve the nlipc generic netlink family on AF_UNIX and AF_INET sockets.\n"
		"\n"
		"URLs: unix:/path, unix:@abstract, unix+seqpacket:..., unix+dgram:...,\n"
		"      tcp://HOST:PORT, udp://HOST:PORT, tls://HOST:PORT (HOST * for every\n"
		"      address);\n"
		"      sockets passed by systemd (LISTEN_FDS) are served too.\n"
		"\n"
		"  -l, --listen URL             serve on URL too (repeatable), like URL...\n"
		"  -b, --backend kernel|user|auto  forward to the module, or serve from\n"
		"                               nlipcd's own store (default auto: kernel if\n"
		"                               the module is loaded at start, else user)\n"
		"  -m, --socket-mode MODE       mode of socket files (default 0660)\n"
		"  -g, --socket-group GROUP     group of socket files\n"
		"  -u, --allow-uid UID|USER     may also use kv-set, kv-del, stats-reset\n"
		"                               over AF_UNIX (root and nlipcd's uid always may)\n"
		"      --allow-remote-write     let TCP/UDP/TLS clients write (default read-only)\n"
		"      --tls-cert FILE          tls://: the server's certificate (PEM)\n"
		"      --tls-key FILE           ... and its private key (PEM)\n"
		"      --tls-ca FILE            ... and the CA that signs the clients'\n"
		"                               certificates (PEM): no other client connects\n"
		"      --allow-cert sha256:HEX  let the client certificate of this SHA-256\n"
		"                               fingerprint write over tls:// (repeatable)\n"
		"      --bridge-family FAMILY[:OPS]  forward the kernel's generic netlink\n"
		"                               FAMILY too (repeatable); OPS: all (default),\n"
		"                               read-only, dump-only or OP[,OP...]; network\n"
		"                               clients get dumps, gets and the OPs named;\n"
		"                               admin ops as kv-set (--allow-uid)\n"
		"      --user USER              once set up, run as USER and its groups,\n"
		"                               keeping only CAP_NET_ADMIN (kernel backend)\n"
		"      --max-msg BYTES          largest request (default %d)\n"
		"      --max-clients N          clients in total (default 16384, or what\n"
		"                               RLIMIT_NOFILE allows)\n"
		"      --max-clients-per-uid N  per uid, or per address on TCP/UDP (default 1024)\n"
		"      --max-queue BYTES        bytes queued for one client (default 262144)\n"
		"      --max-inflight N         requests waiting per client (default 16)\n"
		"      --idle-timeout SECONDS   close silent clients (default 300, 0: never)\n"
		"      --ping-max-payload N     the user backend's limits, as the module's\n"
		"      --kv-max-entries N       parameters (defaults %d, %d, %d, %d,\n"
		"      --kv-max-key-len N       %lu)\n"
		"      --kv-max-value-len N\n"
		"      --kv-max-bytes N\n"
		"      --log-level LEVEL        error, warning, info (default) or debug\n"
		"  -v, --verbose                more logging (-v: debug)\n"
		"  -q, --quiet                  errors only\n"
		"  -h, --help                   this help\n"
		"  -V, --version                the version\n"
		"\n"
		"Runs in the foreground; SIGTERM, SIGINT or SIGQUIT stop it cleanly,\n"
		"SIGHUP is logged and ignored.\n"
		"Exit status: 0 stopped cleanly, 1 a socket or the backend could not\n"
		"be set up, 2 usage error.\n",
		NLIPC_BRIDGE_MSG_MAX, NLIPC_PING_MAX_PAYLOAD,
		NLIPC_KV_DEFAULT_MAX_ENTRIES, NLIPC_KV_DEFAULT_MAX_KEY_LEN,
		NLIPC_KV_DEFAULT_MAX_VALUE_LEN, NLIPC_KV_DEFAULT_MAX_BYTES);
}

static int number(const char *opt, const char *arg, uint64_t min, uint64_t max,
		  uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
		fprintf(stderr, "nlipcd: %s: '%s' is not a number in %" PRIu64
			"..%" PRIu64 "\n", opt, arg, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* The numeric options: where each goes and the range it must be in. */
static const struct {
	int opt;
	const char *name;
	uint64_t min, max;
	size_t off, size;
} numbers[] = {
#define N(o, n, lo, hi, field) \
	{ o, n, lo, hi, offsetof(struct nlipcd, field), \
	  sizeof(((struct nlipcd *)0)->field) }
	N(OPT_MAX_MSG, "--max-msg", NLMSG_HDRLEN + 4, NLIPC_BRIDGE_MSG_MAX,
	  lim.max_msg),
	N(OPT_MAX_CLIENTS, "--max-clients", 1, 1000000, lim.max_clients),
	N(OPT_MAX_PER_UID, "--max-clients-per-uid", 1, 1000000, lim.max_per_uid),
	N(OPT_MAX_QUEUE, "--max-queue", 4096, 1ULL << 32, lim.max_queue),
	N(OPT_MAX_INFLIGHT, "--max-inflight", 1, 4096, lim.max_inflight),
	N(OPT_PING_MAX, "--ping-max-payload", 0, NLIPC_PING_MAX_PAYLOAD,
	  store.ping_max_payload),
	N(OPT_KV_ENTRIES, "--kv-max-entries", 0, NLIPC_KV_LIMIT_MAX_ENTRIES,
	  store.kv_max_entries),
	N(OPT_KV_KEY, "--kv-max-key-len", 1, NLIPC_KV_KEY_MAX_LEN,
	  store.kv_max_key_len),
	N(OPT_KV_VALUE, "--kv-max-value-len", 0, NLIPC_VALUE_MAX_LEN,
	  store.kv_max_value_len),
	N(OPT_KV_BYTES, "--kv-max-bytes", 0, UINT64_MAX, store.kv_max_bytes),
#undef N
};

static int set_number(struct nlipcd *d, int opt, const char *arg)
{
	unsigned int i;
	uint64_t v;
	char *p;

	for (i = 0; i < NLIPCD_ARRAY_SIZE(numbers); i++) {
		if (numbers[i].opt != opt)
			continue;
		if (number(numbers[i].name, arg, numbers[i].min,
			   numbers[i].max, &v))
			return -EINVAL;
		p = (char *)d + numbers[i].off;
		if (numbers[i].size == sizeof(uint64_t))
			memcpy(p, &v, sizeof(uint64_t));
		else
			memcpy(p, &(uint32_t){ v }, sizeof(uint32_t));
		return 0;
	}
	return -EINVAL;
}

static int add_uid(struct nlipcd *d, const char *arg)
{
	struct passwd *pw = getpwnam(arg);
	uint64_t v;
	uid_t *u;

	if (pw) {
		v = pw->pw_uid;
	} else if (!isdigit((unsigned char)arg[0])) {
		fprintf(stderr, "nlipcd: --allow-uid: unknown user '%s'\n", arg);
		return -EINVAL;
	} else if (number("--allow-uid", arg, 0, UINT32_MAX - 1, &v)) {
		return -EINVAL;
	}
	u = realloc(d->allow_uids, (d->n_allow_uids + 1) * sizeof(*u));
	if (!u)
		return -ENOMEM;
	d->allow_uids = u;
	d->allow_uids[d->n_allow_uids++] = v;
	return 0;
}

static int set_group(struct nlipcd *d, const char *arg)
{
	struct group *gr = getgrnam(arg);
	uint64_t v;

	if (gr) {
		d->socket_gid = gr->gr_gid;
		return 0;
	}
	if (!isdigit((unsigned char)arg[0])) {
		fprintf(stderr, "nlipcd: --socket-group: unknown group '%s'\n",
			arg);
		return -EINVAL;
	}
	if (number("--socket-group", arg, 0, UINT32_MAX - 1, &v))
		return -EINVAL;
	d->socket_gid = v;
	return 0;
}

static int add_cert(const char *arg)
{
	unsigned char (*allow)[NLIPCD_TLS_FP_LEN];

	allow = realloc(tls_opts.allow,
			(tls_opts.n_allow + 1) * sizeof(*allow));
	if (!allow)
		return -ENOMEM;
	tls_opts.allow = allow;
	if (nlipcd_tls_parse_fingerprint(arg, allow[tls_opts.n_allow])) {
		fprintf(stderr, "nlipcd: --allow-cert: '%s' is not sha256: and 64 hex digits\n",
			arg);
		return -EINVAL;
	}
	tls_opts.n_allow++;
	return 0;
}

/* A tls:// URL among the listeners, or a TLS option: TLS is set up. */
static bool tls_wanted(int argc, char **argv)
{
	int i;

	if (tls_opts.ca || tls_opts.cert || tls_opts.key || tls_opts.n_allow)
		return true;
	for (i = 0; i < (int)n_listen_opts; i++)
		if (!strncmp(listen_opts[i], "tls:", 4))
			return true;
	for (i = optind; i < argc; i++)
		if (!strncmp(argv[i], "tls:", 4))
			return true;
	return false;
}

static int parse_args(struct nlipcd *d, int argc, char **argv,
		      const char **backend)
{
	uint64_t v;
	int opt;

	while ((opt = getopt_long(argc, argv, "l:b:m:g:u:vqhV", options, NULL)) != -1) {
		switch (opt) {
		case 'l':
			if (n_listen_opts == MAX_LISTEN_OPTS) {
				fprintf(stderr, "nlipcd: more than %d --listen\n",
					MAX_LISTEN_OPTS);
				return -EINVAL;
			}
			listen_opts[n_listen_opts++] = optarg;
			break;
		case 'b':
			*backend = optarg;
			break;
		case 'm': {
			char *end;
			long mode = strtol(optarg, &end, 8);

			if (*end || end == optarg || mode < 0 || mode > 0777) {
				fprintf(stderr, "nlipcd: --socket-mode: '%s' is not an octal mode\n",
					optarg);
				return -EINVAL;
			}
			d->socket_mode = mode;
			break;
		}
		case 'g':
			if (set_group(d, optarg))
				return -EINVAL;
			break;
		case 'u':
			if (add_uid(d, optarg))
				return -EINVAL;
			break;
		case OPT_ALLOW_REMOTE_WRITE:
			d->allow_remote_write = true;
			break;
		case OPT_BRIDGE_FAMILY:
			if (nlipcd_bridge_add(d, optarg))
				return -EINVAL;
			break;
		case OPT_USER:
			if (nlipcd_priv_set_user(optarg))
				return -EINVAL;
			break;
		case OPT_TLS_CA:
			tls_opts.ca = optarg;
			break;
		case OPT_TLS_CERT:
			tls_opts.cert = optarg;
			break;
		case OPT_TLS_KEY:
			tls_opts.key = optarg;
			break;
		case OPT_ALLOW_CERT:
			if (add_cert(optarg))
				return -EINVAL;
			break;
		case OPT_MAX_MSG ... OPT_KV_BYTES:
			if (set_number(d, opt, optarg))
				return -EINVAL;
			break;
		case OPT_IDLE:
			if (number("--idle-timeout", optarg, 0, 86400 * 365, &v))
				return -EINVAL;
			d->lim.idle_ms = v ? v * 1000 : UINT64_MAX;
			break;
		case OPT_LOG_LEVEL:
			if (!strcmp(optarg, "error"))
				nlipcd_log_level = NLIPCD_LOG_ERR;
			else if (!strcmp(optarg, "warning"))
				nlipcd_log_level = NLIPCD_LOG_WARN;
			else if (!strcmp(optarg, "info"))
				nlipcd_log_level = NLIPCD_LOG_INFO;
			else if (!strcmp(optarg, "debug"))
				nlipcd_log_level = NLIPCD_LOG_DEBUG;
			else {
				fprintf(stderr, "nlipcd: --log-level: error, warning, info or debug\n");
				return -EINVAL;
			}
			break;
		case 'v':
			nlipcd_log_level = NLIPCD_LOG_DEBUG;
			break;
		case 'q':
			nlipcd_log_level = NLIPCD_LOG_ERR;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("nlipcd %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static const struct nlipcd_backend *pick_backend(const char *name)
{
	if (!strcmp(name, "user"))
		return &nlipcd_backend_user;
	if (!strcmp(name, "kernel"))
		return &nlipcd_backend_kernel;
	if (!strcmp(name, "auto")) {
		if (nlipcd_backend_kernel_probe())
			return &nlipcd_backend_kernel;
		nlipcd_info("the nlipc module is not loaded: serving from nlipcd's own store");
		return &nlipcd_backend_user;
	}
	fprintf(stderr, "nlipcd: --backend: kernel, user or auto, not '%s'\n", name);
	return NULL;
}

int main(int argc, char **argv)
{
	struct nlipcd d = {
		.lim = {
			.max_msg = NLIPC_BRIDGE_MSG_MAX,
			.max_queue = 256 * 1024,
			.max_clients = 0,	/* the default: admit.c */
			.max_per_uid = NLIPCD_DEFAULT_MAX_PER_UID,
			.max_inflight = 16,
			.idle_ms = 300 * 1000,
		},
		.store = {
			.ping_max_payload = NLIPC_PING_MAX_PAYLOAD,
			.kv_max_entries = NLIPC_KV_DEFAULT_MAX_ENTRIES,
			.kv_max_key_len = NLIPC_KV_DEFAULT_MAX_KEY_LEN,
			.kv_max_value_len = NLIPC_KV_DEFAULT_MAX_VALUE_LEN,
			.kv_max_bytes = NLIPC_KV_DEFAULT_MAX_BYTES,
		},
		.socket_mode = 0660,
		.socket_gid = (gid_t)-1,
	};
	const char *backend = "auto";
	struct sigwatch sig;
	sigset_t mask;
	int i, err, n, sfd, ret = 1;

	log_setup();
	d.self_uid = getuid();
	if (parse_args(&d, argc, argv, &backend))
		goto err_usage;
	d.backend = pick_backend(backend);
	if (!d.backend)
		goto err_usage;
	/* A mistyped URL is a usage error, found before anything is open. */
	for (i = 0; i < (int)n_listen_opts; i++)
		if (nlipcd_listen_check(listen_opts[i]))
			goto err_usage;
	for (i = optind; i < argc; i++)
		if (nlipcd_listen_check(argv[i]))
			goto err_usage;
	/*
	 * Files the user we drop to may not read: loaded first, so that
	 * one missing stops us before anything is set up.
	 */
	if (tls_wanted(argc, argv) && nlipcd_tls_init(&d, &tls_opts))
		goto out_free;

	/* Signals arrive through the loop, never in the middle of it. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	err = sfd < 0 ? -errno : nlipcd_loop_init(&d);
	if (err) {
		nlipcd_err("cannot set up the loop: %s", strerror(-err));
		if (sfd >= 0)
			close(sfd);
		goto out_free;
	}
	nlipcd_admit_init(&d);
	sig.w.handle = signal_handle;
	nlipcd_watch_add(&d, &sig.w, sfd, EPOLLIN);
	err = nlipcd_notify_init(&d);
	if (err) {
		nlipcd_err("NOTIFY_SOCKET: %s", strerror(-err));
		goto out_close;
	}

	err = d.backend->init(&d);
	if (err) {
		nlipcd_err("the %s backend: %s", d.backend->name, strerror(-err));
		goto out_close;
	}
	err = nlipcd_bridge_init(&d);
	if (err) {
		nlipcd_err("the bridge of other families: %s", strerror(-err));
		goto out_uninit_backend;
	}
	n = nlipcd_listen_activated(&d);
	if (n < 0)
		goto out_close_listeners;
	for (i = 0; i < (int)n_listen_opts; i++)
		if (nlipcd_listen_url(&d, listen_opts[i]))
			goto out_close_listeners;
	for (i = optind; i < argc; i++)
		if (nlipcd_listen_url(&d, argv[i]))
			goto out_close_listeners;
	if (!d.listeners) {
		nlipcd_err("nothing to listen on: give a URL, e.g. unix:/run/nlipc.sock");
		fprintf(stderr, "Try 'nlipcd --help'.\n");
		ret = 2;
		goto out_close_listeners;
	}
	if (nlipcd_priv_drop(&d))
		goto out_close_listeners;
	nlipcd_priv_warn_exposure(&d);
	nlipcd_info("nlipcd %s ready, %s backend", PACKAGE_VERSION,
		    d.backend->name);
	nlipcd_notify_ready(&d);
	ret = nlipcd_loop_run(&d) ? 1 : 0;
	nlipcd_notify_stopping();

out_close_listeners:
	nlipcd_listen_close_all(&d);
	nlipcd_client_free_all(&d);
	nlipcd_bridge_uninit(&d);
out_uninit_backend:
	d.backend->uninit(&d);
	nlipcd_dgram_uninit(&d);
out_close:
	nlipcd_notify_uninit(&d);
	close(d.epfd);
	close(sfd);
	if (d.spare_fd >= 0)
		close(d.spare_fd);
out_free:
	/* Each safe where it was never set up, or already taken down. */
	nlipcd_bridge_uninit(&d);
	nlipcd_tls_uninit(&d);
	free(d.allow_uids);
	return ret;

err_usage:
	fprintf(stderr, "Try 'nlipcd --help'.\n");
	nlipcd_bridge_uninit(&d);
	free(d.allow_uids);
	free(tls_opts.allow);
	return 2;
}
