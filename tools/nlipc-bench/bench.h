/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nlipc-bench(1): one harness for every IPC family. A family opens a
 * connection (struct bench_conn) either with raw syscalls or through
 * libnlipc; the modes drive any connection the same way; stats, output
 * and the environment record know nothing of either.
 */
#ifndef _NLIPC_BENCH_H
#define _NLIPC_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define BENCH_MAX_SIZES		24
#define BENCH_MAX_RUNS		16
#define BENCH_MAX_BATCH		64
/* Largest ping payload the family carries (NLIPC_PING_MAX_PAYLOAD). */
#define BENCH_MAX_PAYLOAD	65531
/* A batch never holds more than this many bytes each way (see mode.c). */
#define BENCH_BATCH_BYTES	65536

enum bench_mode {
	MODE_PINGPONG,		/* one request, wait for its answer, repeat */
	MODE_STREAM,		/* one way, timed at the receiver */
	MODE_RATE,		/* ping-pong paced at an offered rate */
	MODE_BATCH,		/* several requests per send, then all answers */
	MODE__COUNT
};

enum bench_path {
	PATH_RAW,		/* plain syscalls to the bench's own echo */
	PATH_RAWD,		/* plain syscalls to nlipcd */
	PATH_LIB,		/* through libnlipc to nlipcd (or the kernel) */
	PATH__COUNT
};

/* Where a syscall count came from. */
enum bench_sys_source {
	SYS_NONE,		/* unknown */
	SYS_COUNTED,		/* by construction, in the raw loops */
	SYS_TRACED,		/* the raw_syscalls:sys_enter tracepoint */
};

enum bench_status {
	RES_OK,
	RES_SKIPPED,		/* does not apply, or not available here */
	RES_FAILED,
};

/* What the user asked for. */
struct bench_opts {
	unsigned int families;		/* bit per entry of the family table */
	unsigned int modes;		/* 1 << MODE_* */
	unsigned int paths;		/* 1 << PATH_* */
	uint32_t sizes[BENCH_MAX_SIZES];
	unsigned int nsizes;
	bool has_reply_size;
	uint32_t reply_size;
	unsigned int iterations;	/* timed exchanges per run */
	unsigned int warmup;		/* discarded exchanges before each run */
	unsigned int repeat;		/* runs per measurement */
	double max_time;		/* seconds, cap of one run */
	unsigned int batch;		/* requests per send, batch mode */
	double rate;			/* msg/s offered, rate mode */
	int pin_client, pin_server;	/* CPUs, -1 for none */
	bool pin_given;			/* --pin or --no-pin */
	bool pin_auto;			/* pinned because CPUs are emulated */
	double spread_warn;		/* percent */
	bool quick;
	const char *json, *csv;		/* "-" for stdout instead of the table */
	const char *plot;
	const char *daemon_path;
	bool no_daemon;
	unsigned int idle_clients;	/* --idle-clients: idle.c */
	int progress;			/* -1 auto (a terminal), 0 off, 1 on */
	bool no_trace;			/* no traced pass after a run */
};

/* Percentiles of one measurement's RTTs, in microseconds. */
struct bench_stats {
	size_t n;
	double min, p50, p90, p99, p999, max;
	double mean, stddev;
};

/* One measurement: a family, a path, a mode and a size, over its runs. */
struct bench_result {
	const char *family;
	unsigned int family_index;	/* in bench_families, for colours */
	enum bench_path path;
	enum bench_mode mode;
	uint32_t size;			/* request payload, bytes */
	uint32_t reply_size;		/* reply payload, bytes */
	uint32_t req_bytes;		/* one request on the wire */
	uint32_t reply_bytes;		/* its answer on the wire, ACK included */
	unsigned int batch;		/* requests per send (1 but in batch mode) */
	double offered_rate;		/* rate mode, msg/s */
	enum bench_status status;
	char note[200];			/* why skipped or failed; or a remark */
	bool nlctrl;			/* netlink without the module: nlctrl */

	struct bench_stats rtt;		/* pooled over the runs; n = 0: none */
	double msg_per_s;		/* median over the runs */
	double mb_per_s;		/* payload, 10^6 B/s */
	double cpu_us_per_msg;		/* client + server; NAN unknown */
	double sys_per_msg;		/* client + server; NAN unknown */
	enum bench_sys_source sys_source;
	double loss_pct;		/* stream mode; NAN where nothing is lost */
	double lib_ratio;		/* lib / raw, NAN if either is missing */
	enum bench_path ratio_base;	/* ... over raw-d, or raw */

	unsigned int runs;
	double run_value[BENCH_MAX_RUNS];	/* per run: p50 RTT or msg/s */
	double spread_pct;		/* (max - min) / median of run_value */
	bool spread_wide;
	bool capped;			/* a run hit --max-time */
};

/* The machine the numbers come from. */
struct bench_env {
	char date[32];			/* UTC, ISO 8601 */
	char kernel[96];		/* uname -r */
	char kernel_version[128];	/* uname -v */
	char arch[32];
	char cpu_model[128];
	int cpus;			/* online */
	bool vm;
	char hypervisor[48];		/* "KVM", "TCG", "none", ... */
	bool emulated;			/* software CPU emulation (TCG) */
	char vm_why[512];		/* what the VM verdict rests on */
	char clocksource[64];
	char netlink[160];		/* how netlink is measured here */
	char daemon[300];		/* nlipcd, or why the lib paths are absent */
	char library[32];		/* libnlipc's version */
	char syscalls[128];		/* how syscalls are counted */
};

/* Everything output.c prints. */
struct bench_report {
	const struct bench_opts *opts;
	const struct bench_env *env;
	struct bench_result *results;
	size_t nresults;
	const char *notes[32];
	unsigned int nnotes;
};

/* ------------------------------------------------------------------ */
/* Connections: a client end with its server, raw or through libnlipc */
/* ------------------------------------------------------------------ */

/* What the receiver of a stream measured. */
struct bench_sink_result {
	uint64_t ns;			/* SYNC to the last message */
	uint64_t msgs;
	uint64_t bytes;
	uint64_t syscalls;		/* the receiver's, by construction */
};

struct bench_conn {
	/*
	 * One round trip of @batch requests sent at once: returns 0 once
	 * every answer is in, or a negative errno with conn->err set.
	 */
	int (*exchange)(struct bench_conn *c, unsigned int batch);
	/*
	 * Stream mode, NULL where it does not apply: send @warm requests
	 * the receiver does not time, a SYNC and @n requests one way, then
	 * wait for what the receiver measured.
	 */
	int (*stream)(struct bench_conn *c, unsigned long warm,
		      unsigned long n, struct bench_sink_result *r);
	/*
	 * Close the client end, stop a forked server and free @c; @server
	 * gets the server's own counts (zeros where there are none).
	 */
	void (*close)(struct bench_conn *c, struct bench_sink_result *server);

	pid_t peer;			/* the server process; 0: the kernel */
	uint64_t syscalls;		/* the client's, by construction */
	bool counted;			/* ... and the server's are known */
	uint32_t req_bytes;		/* one request on the wire */
	uint32_t reply_bytes;		/* one answer, 0 until the first */
	char err[200];
};

/* How a raw client end moves bytes. */
enum raw_io {
	IO_RW,			/* write/read: pipes */
	IO_SOCK,		/* send/recv */
	IO_NETLINK,		/* sendto the kernel/recv */
};

/* The nlipcd instances serving the lib paths over sockets (daemon.c). */
struct bench_daemon {
	pid_t pid;
	char why[256];			/* why it is not up */
};

struct bench_daemons {
	char dir[64];
	char path[512];
	bool ipv6;
	uint16_t user_port, kernel_port;
	struct bench_daemon user, kernel;
};

/* How a family's server is set up for one run. */
struct bench_setup {
	enum bench_mode mode;
	uint32_t size;
	bool has_reply_size;
	uint32_t reply_size;
	unsigned long stream_msgs;	/* stream mode: what the sink expects */
	int pin_server;
	const char *dir;		/* for socket files */
	const struct bench_daemons *daemons;
};

/* ------------------------------------------------------------------ */
/* Families                                                             */
/* ------------------------------------------------------------------ */

enum {
	FAM_FLOOR = 1 << 0,	/* raw only: pipe, socketpair */
	FAM_DGRAM = 1 << 1,	/* one request per datagram: no batches */
	FAM_LOSSY = 1 << 2,	/* UDP: resend after a timeout */
	FAM_NETLINK = 1 << 3,	/* the kernel answers */
	FAM_BRIDGE = 1 << 4,	/* nlipcd's kernel backend answers */
	FAM_V6 = 1 << 5,	/* needs ::1 */
};

struct bench_family {
	const char *name;
	const char *what;
	unsigned int flags;
	int domain, type;		/* of the socket, 0 for a pipe */
	size_t dgram_max;		/* largest datagram, 0: no limit */
	/* Open a raw connection with its server for one run. */
	int (*raw_open)(const struct bench_family *f,
			const struct bench_setup *s, struct bench_conn **c);
	/* Open a raw connection to nlipcd, NULL where it serves none. */
	int (*rawd_open)(const struct bench_family *f,
			 const struct bench_setup *s, struct bench_conn **c);
	/* The libnlipc URL, or NULL with @why set when there is none. */
	const char *(*lib_url)(const struct bench_family *f,
			       const struct bench_daemons *d, char *buf,
			       size_t len, const char **why);
};

extern const struct bench_family bench_families[];
extern const size_t bench_nfamilies;

const struct bench_family *family_find(const char *name, size_t *index);

/* What main.c found before the runs, for the families to consult. */
struct bench_ctx {
	const struct bench_opts *opts;
	int module;			/* netlink_probe(): 1, 0 or -errno */
	bool ipv6;
	struct bench_daemons daemons;
	char dir[64];			/* scratch folder for socket files */
};

const char *family_skip_reason(const struct bench_family *f,
			       const struct bench_ctx *ctx,
			       enum bench_mode mode, uint32_t size,
			       enum bench_path path, char *buf, size_t len);

/* family_sock.c: pipe, socketpair, AF_UNIX and AF_INET with a forked echo */
int sock_raw_open(const struct bench_family *f, const struct bench_setup *s,
		  struct bench_conn **c);
int pipe_raw_open(const struct bench_family *f, const struct bench_setup *s,
		  struct bench_conn **c);
int sock_rawd_open(const struct bench_family *f, const struct bench_setup *s,
		   struct bench_conn **c);
bool sock_ipv6_usable(void);

/* family_netlink.c: the module, or the kernel's nlctrl without it */
int netlink_raw_open(const struct bench_family *f,
		     const struct bench_setup *s, struct bench_conn **c);
int bridge_raw_open(const struct bench_family *f,
		    const struct bench_setup *s, struct bench_conn **c);
int netlink_probe(char *what, size_t len);	/* 1: module, 0: nlctrl */
int netlink_ctrl_resolve(int fd, enum raw_io io, bool dgram, size_t pad,
			 const char *name, uint16_t *id);

/* lib.c: the same exchange through libnlipc */
int lib_open(const char *url, const struct bench_setup *s, pid_t peer,
	     struct bench_conn **c);

/* ------------------------------------------------------------------ */
/* The raw loops' plumbing (raw.c) and the forked servers (server.c)  */
/* ------------------------------------------------------------------ */

struct raw_conn;

struct raw_conn *raw_conn_new(int fd_tx, int fd_rx, enum raw_io io,
			      bool dgram, bool lossy);
int raw_conn_request(struct raw_conn *r, uint16_t family,
		     const struct bench_setup *s);
void raw_conn_set_request(struct raw_conn *r, const void *msg, size_t len);
int raw_conn_pad(struct raw_conn *r, size_t size);
void raw_conn_set_server(struct raw_conn *r, pid_t pid, int result_fd);
struct bench_conn *raw_conn_base(struct raw_conn *r);

/* What a forked server does. */
struct server_cfg {
	int fd_rx, fd_tx;		/* the same socket, or two pipe ends */
	int listen_fd;			/* accept() one connection first, or -1 */
	bool rw;			/* read/write (pipes) */
	bool connected;			/* recv/send; else recvfrom/sendto */
	bool stream;			/* framed by nlmsg_len */
	bool nodelay;			/* TCP_NODELAY on the accepted socket */
	bool sink;			/* stream mode: receive and time */
	unsigned long sink_msgs;	/* ... this many */
	bool has_reply_size;		/* answer with a reply of @reply_size */
	uint32_t reply_size;		/* ... rather than echo the request */
	int pin;			/* CPU, -1 for none */
};

pid_t server_start(const struct server_cfg *cfg, const int *close_fds,
		   int nclose, int *result_fd);
int server_finish(pid_t pid, int result_fd, struct bench_sink_result *r,
		  bool wait_result);
void bench_pin(pid_t pid, int cpu);

/* wire.c: the messages, built and walked with libmnl */
size_t wire_ping_request(void *buf, size_t cap, uint16_t family,
			 uint32_t size, bool has_reply_size,
			 uint32_t reply_size);
size_t wire_ctrl_request(void *buf, size_t cap, const char *name);
size_t wire_ping_reply(void *buf, size_t cap, uint16_t family,
		       uint32_t size);
size_t wire_ack(void *buf, const void *req);
size_t wire_pad(void *buf, size_t cap, size_t len, size_t size);
int wire_family_id(const void *buf, size_t len, uint16_t *id);
uint32_t wire_request_bytes(uint32_t size, bool has_reply_size);
uint32_t wire_reply_bytes(uint32_t reply_size);

/* ------------------------------------------------------------------ */
/* Modes, metering, statistics                                          */
/* ------------------------------------------------------------------ */

/* One run of one measurement. */
struct run_cfg {
	enum bench_mode mode;
	unsigned int iterations, warmup, batch;
	bool trace;			/* the traced pass after the run */
	double rate;
	double max_time;
	unsigned long stream_msgs;
};

struct run_out {
	double *samples;		/* RTT per exchange (or batch), ns */
	size_t n;
	uint64_t msgs;			/* requests completed in the window */
	double elapsed_ns;		/* the window (stream: the receiver's) */
	uint64_t metered_msgs;		/* requests sent while metered */
	double cpu_ns;			/* client + server, NAN unknown */
	double syscalls;		/* per message, traced; NAN if not */
	uint64_t client_syscalls;	/* by construction, while metered */
	uint64_t server_syscalls;	/* the sink's, by construction */
	uint64_t server_msgs;
	double loss_pct;		/* stream: not received, NAN: none */
	unsigned int behind;		/* rate: exchanges started late */
	bool capped;
};

int mode_run(struct bench_conn *c, const struct run_cfg *cfg,
	     struct run_out *out);

/* meter.c: CPU time and syscalls of the client and the server */
struct meter {
	int perf_client, perf_server;
	bool has_server;
	bool server_clock;
	int server_clock_id;
	double cpu0_client, cpu0_server;
};

void meter_start(struct meter *m, pid_t server);
double meter_stop(struct meter *m);
int meter_trace_start(struct meter *m, pid_t server);
double meter_trace_stop(struct meter *m);
const char *meter_describe(void);
double meter_now_ns(void);

/* stats.c */
void stats_sort(double *v, size_t n);
double stats_percentile(const double *sorted, size_t n, double p);
double stats_mean(const double *v, size_t n);
double stats_stddev(const double *v, size_t n);
double stats_median(const double *v, size_t n);
double stats_spread(const double *v, size_t n);
int stats_summarize(double *v, size_t n, double scale,
		    struct bench_stats *s);

/* run.c: the measurements, in the order they are made */
struct bench_acc;

struct bench_run {
	struct bench_opts opts;
	struct bench_ctx ctx;
	struct bench_env env;
	struct bench_result *results;	/* mode x size x family x path */
	struct bench_acc *acc;		/* what each row's runs gave so far */
	size_t nresults;
	unsigned int nmodes, nfam;
	enum bench_mode modes[MODE__COUNT];
	size_t fam[32];			/* indices into bench_families */
	double start;			/* for the progress line */
	unsigned int done, total;
	bool progress_shown;
	bool failed;			/* a measurement failed */
};

void run_setup(struct bench_run *b);
void run_prepare(struct bench_run *b);
void run_all(struct bench_run *b);

/* env.c */
void env_read(struct bench_env *e);

/* idle.c */
int idle_run(const struct bench_daemons *d, unsigned int n, FILE *out);

/* daemon.c: nlipcd for the lib paths over sockets */
void daemons_start(struct bench_daemons *d, const char *path, bool module,
		   bool want_kernel, int pin);
void daemons_stop(struct bench_daemons *d);
const char *daemon_find(const char *given, char *buf, size_t len);
const char *daemon_unix_name(int type);

/* output.c and plot.c */
const char *mode_name(enum bench_mode m);
const char *path_name(enum bench_path p);
void output_table(FILE *f, const struct bench_report *r);
int output_json(FILE *f, const struct bench_report *r);
void output_csv(FILE *f, const struct bench_report *r);
int plot_write(const char *file, const struct bench_report *r, char *err,
	       size_t errlen);
int plot_script(FILE *f, const char *file, const struct bench_report *r);
bool plot_available(void);

#endif /* _NLIPC_BENCH_H */
