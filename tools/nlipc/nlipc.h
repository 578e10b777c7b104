/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nlipc(1): the global options, the output helpers every command prints
 * through (so -j and -p work everywhere), and one entry point per command.
 */
#ifndef _NLIPC_TOOL_H
#define _NLIPC_TOOL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <nlipc/nlipc.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes, documented in nlipc(1) and in the help text. */
enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,	/* the service refused or failed the op */
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,	/* nlipc_open() failed */
	EXIT_TIMEOUT = 4,
};

struct cli_opts {
	const char *url;	/* -c, NLIPC_CONNECT, or "netlink:" */
	int timeout_ms;		/* -t; -1 waits forever */
	bool json;
	bool pretty;
	bool verbose;		/* -v: say how the service is reached */
	struct nlipc_tls_files tls;	/* --tls-ca, --tls-cert, --tls-key */
};

extern struct cli_opts cli;

/*
 * The options of every way nlipc runs (its commands, and --spec or
 * --family): where and how to connect, and how to print. -j is a short
 * option only here: in spec mode --json is the request.
 */
enum { CLI_OPT_TLS_CA = 0x1000, CLI_OPT_TLS_CERT, CLI_OPT_TLS_KEY };
#define CLI_GLOBAL_SHORT_OPTS	"c:jpt:n:"
#define CLI_GLOBAL_LONG_OPTS \
	{ "connect", required_argument, NULL, 'c' }, \
	{ "pretty", no_argument, NULL, 'p' }, \
	{ "timeout", required_argument, NULL, 't' }, \
	{ "netns", required_argument, NULL, 'n' }, \
	{ "tls-ca", required_argument, NULL, CLI_OPT_TLS_CA }, \
	{ "tls-cert", required_argument, NULL, CLI_OPT_TLS_CERT }, \
	{ "tls-key", required_argument, NULL, CLI_OPT_TLS_KEY }

/* What a global option leaves for later: -t parsed, -n entered. */
struct cli_global_args {
	const char *timeout;
	const char *netns;
};

/* main.c */
bool cli_global_opt(int c, const char *arg, struct cli_global_args *g);
int cli_connect(const char *cmd, struct nlipc **ep);
int cli_connect_genl(const char *cmd, struct nlipc **ep);
int cli_parse_timeout(const char *arg);
int cli_enter_netns(const char *name);
int cli_exit_code(int err);
int cli_fail(const char *cmd, struct nlipc *ep, int err);
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_bad_option(const char *cmd, int c, char **argv,
		   const struct option *long_opts);

/* batch.c: nlipc -b FILE */
bool cli_batching(void);
int cli_batch_flush(void);
int cli_batch_kv_set(const void *key, size_t key_len, const void *value,
		     size_t value_len, unsigned int flags);
int cli_batch_main(const char *name, bool force,
		   int (*run)(int argc, char **argv));

/* A command's, subcommand's or argument's names, prefixes allowed. */
struct cli_word {
	const char *name;
	int id;			/* aliases share one */
};

int cli_lookup(const char *cmd, const char *what, const struct cli_word *words,
	       size_t n, const char *arg, int *id);

/* print.c: text with printf formats, or one JSON document at the end. */
enum output_type {
	PRINT_FP = 1,		/* text only */
	PRINT_JSON = 2,		/* JSON only */
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

void print_init(bool json, bool pretty);
int print_finish(void);
bool is_json_context(void);

void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value);
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value);
void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value);
void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value);
void print_s64(enum output_type t, const char *key, const char *fmt,
	       int64_t value);
void print_float(enum output_type t, const char *key, const char *fmt,
		 double value);
void print_fmt(enum output_type t, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void print_bytes(enum output_type t, const char *key, const char *fmt,
		 const void *data, size_t len, bool hex);
void print_nl(void);
struct json_object;
void print_json_value(struct json_object *v);

void print_error_object(const char *key, const struct nlipc_error *e);
void print_error(const char *cmd, const struct nlipc_error *e);
void print_errorf(const char *cmd, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* bytes.c: keys, values and payloads, which may be binary. */
struct bytes {
	void *data;
	size_t len;
};

int cli_bytes_arg(const char *cmd, const char *what, const char *arg,
		  bool hex, struct bytes *b);
int cli_bytes_file(const char *cmd, const char *path, size_t max,
		   struct bytes *b);
void bytes_free(struct bytes *b);
bool bytes_printable(const void *data, size_t len);
char *bytes_hex(const void *data, size_t len, const char *prefix);

/*
 * cmd_monitor.c: the notification loop monitor and subscribe share, and
 * their common options: -c/--count, --duration, -t/--timestamp, --hex.
 * The handler gets each notification, or NULL for an overrun; it returns
 * 1 for one it printed (counted against -c), 0 for one it skipped, or a
 * negative errno to stop.
 */
struct monitor_opts {
	unsigned long count;	/* stop after this many; 0: never */
	long long duration_ms;	/* stop after this long; -1: never */
	bool timestamp;		/* each record starts with the time */
	bool hex;		/* bytes as hex digits */
};

#define MONITOR_SHORT_OPTS ":c:th"
enum {
	MONITOR_OPT_HEX = 256,
	MONITOR_OPT_DURATION,
};
extern const struct option monitor_long_opts[];

typedef int (*monitor_fn)(const struct nlipc_event *ev, void *arg);

int monitor_parse_opt(const char *cmd, int c, const char *arg,
		      struct monitor_opts *mo);
int monitor_loop(const char *cmd, struct nlipc *ep,
		 const struct monitor_opts *mo, monitor_fn fn, void *arg);
/*
 * What monitor_loop() does with any notifications: @take handles one
 * that has arrived, without waiting, and adds to *@printed if it printed
 * it. It returns 1 when it took one, 0 when none is left, -ENOBUFS after
 * printing an overrun, MONITOR_OUTPUT_FAILED with the output's negative
 * errno in *@out_err, or another negative errno (the endpoint's record
 * says why). One at a time: between two, the loop lets signals in.
 */
#define MONITOR_OUTPUT_FAILED	(-4096)
typedef int (*monitor_take_fn)(struct nlipc *ep, void *arg,
			       unsigned long *printed, int *out_err);
int monitor_run(const char *cmd, struct nlipc *ep,
		const struct monitor_opts *mo, monitor_take_fn take, void *arg);
void monitor_begin(const struct monitor_opts *mo, const char *event);

/* One per command, in cmd_<object>.c; each returns an exit code. */
int cmd_ping_main(int argc, char **argv);
/* Hidden: ssh:// URLs' remote helper (bridge_stdio.c). */
int cmd_bridge_stdio_main(int argc, char **argv);
int cmd_info_main(int argc, char **argv);
int cmd_stats_main(int argc, char **argv);
int cmd_family_main(int argc, char **argv);
int cmd_kv_main(int argc, char **argv);
int cmd_monitor_main(int argc, char **argv);
int cmd_publish_main(int argc, char **argv);
int cmd_subscribe_main(int argc, char **argv);
/* cmd_ynl.c: nlipc --spec FILE | --family NAME ... */
bool cmd_ynl_wanted(int argc, char **argv);
int cmd_ynl_main(int argc, char **argv);

#endif /* _NLIPC_TOOL_H */
