// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc(1): the global options and the table of commands. Each command
 * lives in cmd_<object>.c, parses its own options and opens the endpoint
 * itself, so "nlipc COMMAND -h" works where no service is reachable.
 */
#define _GNU_SOURCE	/* setns() */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nlipc.h"

/* Long options without a short one. */
enum { OPT_FORCE = 0x100 };

/* Where "ip netns add" puts the namespaces it names. */
#define NETNS_RUN_DIR "/run/netns"

struct cli_opts cli = {
	.url = "netlink:",
	.timeout_ms = NLIPC_DEFAULT_TIMEOUT_MS,
};

static const struct {
	const char *name;
	int (*function)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "ping", cmd_ping_main,
	  "echo payloads through the service and time them" },
	{ "info", cmd_info_main,
	  "show the service's version, uptime and limits" },
	{ "stats", cmd_stats_main,
	  "show or reset the per-operation counters" },
	{ "family", cmd_family_main,
	  "show the family's operations, groups and policies" },
	{ "kv", cmd_kv_main,
	  "set, get, delete and list keys of the store" },
	{ "monitor", cmd_monitor_main,
	  "print key changes and bus messages as they happen" },
	{ "publish", cmd_publish_main,
	  "send a message to the bus's subscribers" },
	{ "subscribe", cmd_subscribe_main,
	  "print the bus's messages, of one topic or all" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: nlipc [OPTIONS] COMMAND [ARGS]\n"
		"       nlipc [OPTIONS] -b FILE [--force]\n"
		"       nlipc help [COMMAND]\n"
		"\n"
		"Options:\n"
		"  -c, --connect URL      the service: netlink: (the kernel module, default),\n"
		"                         unix:/path, unix:@name, tcp://host:port, udp://host:port,\n"
		"                         tls://host:port, ssh://[user@]host[:port][/socket];\n"
		"                         NLIPC_CONNECT in the environment sets the default\n"
		"      --tls-ca FILE      tls://: the CA the server's certificate must chain\n"
		"                         to (default NLIPC_TLS_CA, else the system's)\n"
		"      --tls-cert FILE    tls://: our certificate (default NLIPC_TLS_CERT)\n"
		"      --tls-key FILE     tls://: its key (default NLIPC_TLS_KEY, else in\n"
		"                         the certificate's file)\n"
		"  -v, --verbose          say how the service was reached (TLS: the\n"
		"                         session, and whether the kernel makes its records)\n"
		"  -j, --json             print one JSON document\n"
		"  -p, --pretty           print indented JSON (implies -j)\n"
		"  -t, --timeout SECONDS  bound connecting and every request (default %g,\n"
		"                         0 waits forever)\n"
		"  -n, --netns NAME       run the command in network namespace NAME\n"
		"                         (as ip -n: /run/netns/NAME)\n"
		"  -b, --batch FILE       run the commands of FILE, one per line ('-' for\n"
		"                         standard input); kv set lines go in batches\n"
		"      --force            with -b, go on after a line fails\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the tool's and the library's versions\n"
		"\n"
		"Any generic netlink family, from its YNL spec (over netlink:, or nlipcd\n"
		"with --bridge-family):\n"
		"  --spec FILE            the family's spec\n"
		"  --family NAME          NAME.yaml from the spec directories\n"
		"  --do OP                send a do request of OP\n"
		"  --dump OP              dump OP\n"
		"  --json JSON            the request's attributes, a JSON object\n"
		"                         (-j and -p print the answer as JSON)\n"
		"  --list-ops             list the spec's operations\n"
		"\n"
		"Commands:\n", NLIPC_DEFAULT_TIMEOUT_MS / 1000.0);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f,
		"\n"
		"Run 'nlipc COMMAND -h' for the options of a command. Commands and\n"
		"their actions may be abbreviated to any unambiguous prefix.\n"
		"\n"
		"Exit status: 0 success, 1 the service refused or failed the operation,\n"
		"2 usage error, 3 cannot reach the service, 4 timeout.\n");
}

/*
 * Print the complaint, then where the help is, as one line each; exit
 * code 2. The help itself is one command away, not in the way.
 */
int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	struct nlipc_error e = { .code = -EINVAL, .attr = -1, .missing_attr = -1 };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	/* "Invalid argument: " would add nothing to the message in text. */
	if (is_json_context())
		print_error(cmd, &e);
	else
		fprintf(stderr, "nlipc: %s%s%s\n", cmd ? cmd : "",
			cmd ? ": " : "", e.msg);
	fprintf(stderr, "Try 'nlipc %s%s--help'.\n", cmd ? cmd : "",
		cmd ? " " : "");
	return EXIT_USAGE;
}

/* The long options @arg ("--he", "--he=x") abbreviates, in @list. */
static int long_matches(const struct option *opts, const char *arg,
			char *list, size_t size)
{
	const char *name = arg + 2;
	size_t n = strcspn(name, "="), len = 0;
	int count = 0;

	list[0] = '\0';
	for (; opts && opts->name; opts++) {
		if (strncmp(opts->name, name, n))
			continue;
		count++;
		if (len < size)
			len += snprintf(list + len, size - len, "%s--%s",
					len ? ", " : "", opts->name);
	}
	return count;
}

/*
 * getopt_long() returned '?' or ':' (the option string starts with ':'):
 * a missing argument, an unknown option, or an abbreviation of several.
 */
int cli_bad_option(const char *cmd, int c, char **argv,
		   const struct option *long_opts)
{
	const char *arg = argv[optind - 1];
	char list[256];

	if (c == ':')
		return cli_usage_error(cmd, "option '%s' needs an argument",
				       arg);
	if (optopt)
		return cli_usage_error(cmd, "unknown option '-%c'", optopt);
	if (!strncmp(arg, "--", 2) &&
	    long_matches(long_opts, arg, list, sizeof(list)) > 1)
		return cli_usage_error(cmd, "option '%.*s' is ambiguous: %s",
				       (int)strcspn(arg, "="), arg, list);
	return cli_usage_error(cmd, "unknown option '%s'", arg);
}

/*
 * @arg is one of @words, or an unambiguous prefix of one (aliases of
 * one word are one): set @id to it. Else report it, as an unknown or
 * ambiguous @what ("command", "action"), and return the exit code.
 */
int cli_lookup(const char *cmd, const char *what, const struct cli_word *words,
	       size_t n, const char *arg, int *id)
{
	size_t i, len = strlen(arg), at = 0;
	bool ambiguous = false;
	char list[256] = "";
	int found = -1;

	for (i = 0; i < n; i++) {
		if (!strcmp(words[i].name, arg)) {
			*id = words[i].id;
			return 0;
		}
	}
	for (i = 0; len && i < n; i++) {
		if (strncmp(words[i].name, arg, len))
			continue;
		if (found >= 0 && words[i].id != found)
			ambiguous = true;
		found = words[i].id;
		if (at < sizeof(list))
			at += snprintf(list + at, sizeof(list) - at, "%s%s",
				       at ? ", " : "", words[i].name);
	}
	if (found >= 0 && !ambiguous) {
		*id = found;
		return 0;
	}
	if (ambiguous)
		return cli_usage_error(cmd, "ambiguous %s '%s': %s", what, arg,
				       list);
	return cli_usage_error(cmd, "unknown %s '%s'", what, arg);
}

int cli_exit_code(int err)
{
	if (!err)
		return EXIT_OK;
	return err == -ETIMEDOUT ? EXIT_TIMEOUT : EXIT_REFUSED;
}

/* Report a failed call on @ep and turn it into an exit code. */
int cli_fail(const char *cmd, struct nlipc *ep, int err)
{
	print_error(cmd, nlipc_error(ep));
	return cli_exit_code(err);
}

/*
 * Open the endpoint named by -c; -t bounds connecting too. Returns 0, or
 * the exit code after reporting why the service cannot be reached (a URL
 * that does not parse, or names an unknown scheme or service, is a usage
 * error).
 */
static int connect_failed(const char *cmd, int ret,
			  const struct nlipc_error *err)
{
	print_error(cmd, err);
	switch (ret) {
	case -EINVAL:
	case -ENAMETOOLONG:
	case -EPROTONOSUPPORT:
		return EXIT_USAGE;
	case -ETIMEDOUT:
		return EXIT_TIMEOUT;
	}
	return EXIT_UNREACHABLE;
}

int cli_connect(const char *cmd, struct nlipc **ep)
{
	struct nlipc_error err;
	int ret;

	/* nlipc -b: what the file queued before this line goes first. */
	if (cli_batching() && (ret = cli_batch_flush()))
		return ret;
	ret = nlipc_open_tls(ep, cli.url, cli.timeout_ms, &cli.tls, &err);
	if (ret)
		return connect_failed(cmd, ret, &err);
	if (cli.verbose)
		fprintf(stderr, "nlipc: connected to %s%s%s\n", nlipc_url(*ep),
			nlipc_transport_info(*ep) ? ": " : "",
			nlipc_transport_info(*ep) ? nlipc_transport_info(*ep) : "");
	return 0;
}

/* As cli_connect(), for a family other than nlipc (--spec, --family). */
int cli_connect_genl(const char *cmd, struct nlipc **ep)
{
	struct nlipc_error err;
	int ret;

	ret = nlipc_open_genl_tls(ep, cli.url, cli.timeout_ms, &cli.tls, &err);
	return ret ? connect_failed(cmd, ret, &err) : 0;
}

/* One of CLI_GLOBAL_LONG_OPTS, or -j: taken; anything else is not. */
bool cli_global_opt(int c, const char *arg, struct cli_global_args *g)
{
	switch (c) {
	case 'c':
		cli.url = arg;
		return true;
	case 'j':
		cli.json = true;
		return true;
	case 'p':
		cli.json = cli.pretty = true;
		return true;
	case 't':
		g->timeout = arg;
		return true;
	case 'n':
		g->netns = arg;
		return true;
	case CLI_OPT_TLS_CA:
		cli.tls.ca = arg;
		return true;
	case CLI_OPT_TLS_CERT:
		cli.tls.cert = arg;
		return true;
	case CLI_OPT_TLS_KEY:
		cli.tls.key = arg;
		return true;
	}
	return false;
}

int cli_parse_timeout(const char *arg)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(arg, &end);
	if (errno || end == arg || *end || !(s >= 0) || s * 1000 > INT_MAX)
		return cli_usage_error(NULL,
				       "invalid timeout '%s' (seconds, e.g. 0.5)",
				       arg);
	/* 0 waits forever; anything else is at least a millisecond. */
	cli.timeout_ms = s ? (int)ceil(s * 1000) : -1;
	return 0;
}

static int show_version(void)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "version", "nlipc %s", PACKAGE_VERSION);
	print_string(PRINT_ANY, "library", " (libnlipc %s)", nlipc_version());
	close_json_object();
	print_nl();
	return EXIT_OK;
}

/* The commands, prefixes allowed; "help" is the one past the table. */
static int command_lookup(const char *name, size_t *i)
{
	struct cli_word words[ARRAY_SIZE(commands) + 1];
	size_t n;
	int id, ret;

	for (n = 0; n < ARRAY_SIZE(commands); n++)
		words[n] = (struct cli_word){ commands[n].name, n };
	words[n] = (struct cli_word){ "help", n };
	ret = cli_lookup(NULL, "command", words, n + 1, name, &id);
	if (!ret)
		*i = id;
	return ret;
}

static int run(size_t i, int argc, char **argv)
{
	/* Each command parses its own options, named by argv[0]. */
	argv[0] = (char *)commands[i].name;
	optind = 0;
	return commands[i].function(argc, argv);
}

/* One line of nlipc -b: its words, the command first. */
static int run_line(int argc, char **argv)
{
	size_t i;
	int ret;

	ret = command_lookup(argv[0], &i);
	if (ret)
		return ret;
	if (i == ARRAY_SIZE(commands))
		return cli_usage_error(NULL, "help is not a command of a batch");
	return run(i, argc, argv);
}

static int help(int argc, char **argv)
{
	char *cmd_argv[] = { argv[1], "--help", NULL };
	size_t i;
	int ret;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc > 2)
		return cli_usage_error(NULL, "help: too many arguments");
	ret = command_lookup(argv[1], &i);
	if (ret)
		return ret;
	if (i == ARRAY_SIZE(commands)) {
		usage(stdout);
		return EXIT_OK;
	}
	return run(i, 2, cmd_argv);
}

/*
 * -n NAME: run in the network namespace "ip netns add NAME" made, as
 * "ip -n NAME" does; the endpoint is opened there, so netlink: reaches
 * that namespace's store and tcp:// its addresses.
 */
int cli_enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, err;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return cli_usage_error(NULL,
				       "invalid network namespace name '%s'",
				       name);
	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT)
			print_errorf(NULL, err,
				     "no network namespace '%s' (%s: see ip-netns(8))",
				     name, path);
		else
			print_errorf(NULL, err, "cannot open %s", path);
		return EXIT_UNREACHABLE;
	}
	err = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	if (err) {
		print_errorf(NULL, err,
			     "cannot enter network namespace '%s'%s", name,
			     err == -EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		return EXIT_UNREACHABLE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		CLI_GLOBAL_LONG_OPTS,
		{ "json", no_argument, NULL, 'j' },
		{ "batch", required_argument, NULL, 'b' },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	struct cli_global_args g = { 0 };
	const char *file = NULL;
	const char *env = getenv("NLIPC_CONNECT");
	bool version = false, force = false;
	int c, ret, err;
	size_t i;

	if (env && *env)
		cli.url = env;
	/* ssh runs it on the daemon's host: no options, no output format. */
	if (argc > 1 && !strcmp(argv[1], "bridge-stdio"))
		return cmd_bridge_stdio_main(argc - 1, argv + 1);

	/* --spec and --family: any family, with options of their own. */
	if (cmd_ynl_wanted(argc, argv))
		return cmd_ynl_main(argc, argv);

	opterr = 0;
	/* "+": options after the command belong to the command. */
	while ((c = getopt_long(argc, argv, "+:" CLI_GLOBAL_SHORT_OPTS "b:hvV",
				long_opts, NULL)) != -1) {
		if (cli_global_opt(c, optarg, &g))
			continue;
		switch (c) {
		case 'b':
			file = optarg;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case 'v':
			cli.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			version = true;
			break;
		default:
			print_init(cli.json, cli.pretty);
			ret = cli_bad_option(NULL, c, argv, long_opts);
			goto out;
		}
	}
	print_init(cli.json, cli.pretty);

	if (g.timeout && (ret = cli_parse_timeout(g.timeout)))
		goto out;
	if (version) {
		ret = show_version();
		goto out;
	}
	if (force && !file) {
		ret = cli_usage_error(NULL, "--force goes with -b FILE");
		goto out;
	}
	if (file) {
		if (optind < argc)
			ret = cli_usage_error(NULL,
					      "-b runs the commands of a file: unexpected '%s'",
					      argv[optind]);
		else if (!g.netns || !(ret = cli_enter_netns(g.netns)))
			ret = cli_batch_main(file, force, run_line);
		goto out;
	}
	if (optind >= argc) {
		ret = cli_usage_error(NULL, "no command given");
		goto out;
	}
	ret = command_lookup(argv[optind], &i);
	if (ret)
		goto out;
	if (i == ARRAY_SIZE(commands))
		ret = help(argc - optind, argv + optind);
	else if (!g.netns || !(ret = cli_enter_netns(g.netns)))
		ret = run(i, argc - optind, argv + optind);

out:
	err = print_finish();
	if (err && !ret) {
		fprintf(stderr, "nlipc: cannot write the output: %s\n",
			strerror(-err));
		ret = EXIT_REFUSED;
	}
	return ret;
}
