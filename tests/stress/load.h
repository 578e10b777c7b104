/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stress-load: well-behaved clients (client.c) and hostile ones (abuse.c)
 * against nlipcd on every URL at once, with latency histograms (stats.c)
 * and, optionally, a fault injected in the middle of the run (load.c).
 *
 * Threads share nothing but struct stress_run, whose changing fields are
 * atomics, and the error log, which has its own lock.
 */
#ifndef _STRESS_LOAD_H
#define _STRESS_LOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <nlipc/nlipc.h>

/* Phases of a run: each client counts into the current one. */
enum {
	PHASE_BASE,		/* well-behaved clients alone */
	PHASE_MAIN,		/* with the abusers, or across a fault */
	PHASE_AFTER,		/* the abusers gone, service goes on */
	PHASE__COUNT
};

/* ------------------------------------------------------------------ */
/* Latency histograms and counters (stats.c)                           */
/* ------------------------------------------------------------------ */

/* Log-linear: exact below 64 us, then 64 buckets per power of two. */
#define STRESS_HIST_SUB		64
#define STRESS_HIST_BUCKETS	(STRESS_HIST_SUB * 40)

/*
 * libnlipc runs a dump again when a write interrupts it, up to this many
 * passes (NLIPC_DUMP_TRIES), each with the whole timeout: a listing that
 * races writers may take that many timeouts.
 */
#define STRESS_DUMP_PASSES	8

struct stress_hist {
	uint64_t n;
	uint64_t max;
	uint32_t b[STRESS_HIST_BUCKETS];
};

void stress_hist_add(struct stress_hist *h, uint64_t us);
void stress_hist_merge(struct stress_hist *into, const struct stress_hist *h);
uint64_t stress_hist_pct(const struct stress_hist *h, double pct);

struct stress_counts {
	uint64_t requests;	/* answered correctly */
	uint64_t errors;	/* failed or answered wrongly */
	uint64_t outage;	/* clean failures while a fault was on */
	uint64_t events;	/* notifications received */
	uint64_t overruns;	/* overrun markers (-ENOBUFS) */
	uint64_t hostile;	/* hostile inputs sent */
	uint64_t lists;		/* kv-list requests */
	uint64_t busy;		/* ... that never settled (-EAGAIN) */
	struct stress_hist lat;	/* do requests, in microseconds */
};

void stress_counts_merge(struct stress_counts *into,
			 const struct stress_counts *c);

uint64_t stress_now_us(void);
void stress_sleep_us(uint64_t us);
unsigned int stress_rand(unsigned int *state);

/* ------------------------------------------------------------------ */
/* The run                                                              */
/* ------------------------------------------------------------------ */

struct stress_run {
	const char **urls;
	int n_urls;
	int clients;		/* well-behaved clients per URL */
	int rate;		/* requests/s per client; 0: flat out */
	int timeout_ms;		/* of every endpoint */
	int abuse_pause_us;	/* mean pause of an abuser between acts */
	bool outage;		/* a fault is coming: reopen after errors */
	bool store_survives;	/* the fault keeps the store */

	_Atomic int phase;
	_Atomic bool stop;
	_Atomic bool abuse_stop;
	/* Bumped when a fault starts and when it ends. */
	_Atomic unsigned int epoch;
	_Atomic uint64_t fault_start_us;	/* 0: none yet */
	_Atomic uint64_t fault_end_us;

	uint64_t t0_us;		/* the run's start, for the log */
	pthread_mutex_t log_lock;
	unsigned int logged, noted;
};

/* Print one error (the first few of a run), as "# T s: ...". */
void stress_log(struct stress_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same for what is only worth knowing (slow calls), counted apart. */
void stress_note(struct stress_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Is @err, seen at @t_us, a clean failure of the service being away? */
bool stress_outage_error(struct stress_run *run, int err, const char *msg,
			 uint64_t t_us);

/* ------------------------------------------------------------------ */
/* Well-behaved clients (client.c)                                     */
/* ------------------------------------------------------------------ */

struct stress_client;

struct stress_client *stress_client_start(struct stress_run *run, int id,
					  const char *url, bool subscriber);
void stress_client_join(struct stress_client *c);
const struct stress_counts *stress_client_counts(const struct stress_client *c,
						 int phase);
bool stress_client_recovered(const struct stress_client *c);
uint64_t stress_client_slowest(const struct stress_client *c, bool dump,
			       char *buf, size_t len);
/* Read back every key this client had acknowledged; returns keys lost. */
int stress_client_verify(struct stress_client *c, struct nlipc *ep,
			 unsigned int *checked);
void stress_client_free(struct stress_client *c);

/* ------------------------------------------------------------------ */
/* Hostile clients (abuse.c)                                           */
/* ------------------------------------------------------------------ */

struct stress_abuse;

struct stress_abuse *stress_abuse_start(struct stress_run *run);
uint64_t stress_abuse_stop(struct stress_abuse *a, uint64_t *refused);

#endif /* _STRESS_LOAD_H */
