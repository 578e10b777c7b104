// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Well-behaved clients: each a thread with its own endpoint, doing a mix
 * of ping, info-get, publish, kv-set, kv-get and kv-list on keys only it
 * writes, so it knows what every answer must be; or a subscriber reading
 * events and the bus as fast as they come. Every answer is checked, every
 * do request timed.
 *
 * Values carry the sequence number of the write that made them, so a
 * read proves which write it sees: at least the last acknowledged one,
 * at most the last one sent (a write whose answer was lost to a fault may
 * or may not have happened). When a fault takes the store with it (the
 * user backend killed, the module unloaded), writes made before the
 * service came back may be gone; later ones may not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"

#define KEYS		16
#define VALUE_DIGITS	20
#define VALUE_MAX	(VALUE_DIGITS + 256)
#define PING_MAX	256
/* A call this slow is worth a line in the log. */
#define SLOW_US		500000

/* An answer that came but was wrong: an error of the service. */
#define WRONG		1
/*
 * A listing that never settled: every try raced a write (NLM_F_DUMP_INTR)
 * and libnlipc gave up with -EAGAIN, as documented. Counted apart.
 */
#define BUSY		2

struct key {
	uint64_t acked;		/* value last acknowledged, 0: none */
	uint64_t acked_t0;	/* when that write was sent */
	uint64_t sent;		/* highest value sent */
};

struct stress_client {
	pthread_t thread;
	struct stress_run *run;
	int id;
	const char *url;
	bool subscriber;
	bool lossy;		/* UDP: no dumps, no subscriptions */
	struct nlipc *ep;
	unsigned int rng;
	uint64_t seq;
	char prefix[32];
	struct key keys[KEYS];
	bool down;		/* failed since the fault, not back yet */
	bool back;		/* succeeded on a request sent after it */
	struct slowest {
		uint64_t us;		/* how long, */
		const char *what;	/* which call, */
		uint64_t t0;		/* and when */
	} slowest[2];			/* do requests and opens; dumps */
	struct stress_counts c[PHASE__COUNT];
};

/* ------------------------------------------------------------------ */
/* Keys and values                                                     */
/* ------------------------------------------------------------------ */

static int key_name(const struct stress_client *c, int k, char *buf,
		    size_t len)
{
	return snprintf(buf, len, "%s%02d", c->prefix, k);
}

/* The value of write @v: its number, then filler that depends on it. */
static size_t value_of(uint64_t v, char *buf)
{
	size_t len = VALUE_DIGITS + v * 7 % 200, i;

	snprintf(buf, VALUE_DIGITS + 1, "%0*llu", VALUE_DIGITS,
		 (unsigned long long)v);
	for (i = VALUE_DIGITS; i < len; i++)
		buf[i] = 'a' + (i + v) % 26;
	return len;
}

/* The write a value came from, or 0 if it is not one of ours, intact. */
static uint64_t value_decode(const void *data, size_t len)
{
	char buf[VALUE_MAX], digits[VALUE_DIGITS + 1];
	uint64_t v;

	if (len < VALUE_DIGITS || len > VALUE_MAX)
		return 0;
	memcpy(digits, data, VALUE_DIGITS);
	digits[VALUE_DIGITS] = '\0';
	v = strtoull(digits, NULL, 10);
	if (!v || value_of(v, buf) != len || memcmp(buf, data, len))
		return 0;
	return v;
}

/* May this key's last acknowledged write be gone with the store? */
static bool may_be_lost(const struct stress_client *c, const struct key *k)
{
	uint64_t start = atomic_load(&c->run->fault_start_us);
	uint64_t end = atomic_load(&c->run->fault_end_us);

	if (!start || c->run->store_survives)
		return false;
	return !end || k->acked_t0 < end;
}

/* Is @v (0: absent) a right value for key @k now? */
static bool value_ok(const struct stress_client *c, const struct key *k,
		     uint64_t v, bool absent)
{
	if (absent)
		return !k->acked || may_be_lost(c, k);
	return v && v >= k->acked && v <= k->sent;
}

static int wrong(struct stress_client *c, const char *what, int k,
		 const char *detail, uint64_t v)
{
	stress_log(c->run, "client %d %s: %s of key %02d: %s %llu (acked %llu, sent %llu)",
		   c->id, c->url, what, k, detail, (unsigned long long)v,
		   (unsigned long long)c->keys[k].acked,
		   (unsigned long long)c->keys[k].sent);
	return WRONG;
}

/* ------------------------------------------------------------------ */
/* Operations: 0, WRONG, or the library's negative errno               */
/* ------------------------------------------------------------------ */

static int op_ping(struct stress_client *c, uint64_t t0)
{
	unsigned char out[PING_MAX], in[PING_MAX];
	struct nlipc_ping p = { 0 };
	uint32_t len = stress_rand(&c->rng) % PING_MAX, i;
	int err;

	(void)t0;
	for (i = 0; i < len; i++)
		out[i] = stress_rand(&c->rng);
	p.payload = out;
	p.len = len;
	p.has_cookie = true;
	p.cookie = ((uint64_t)stress_rand(&c->rng) << 32) | c->id;
	p.reply = in;
	p.reply_cap = sizeof(in);
	err = nlipc_ping(c->ep, &p);
	if (err)
		return err;
	if (p.reply_len != len || memcmp(in, out, len) ||
	    p.reply_cookie != p.cookie) {
		stress_log(c->run, "client %d %s: ping echoed %u bytes for %u, cookie %llx for %llx",
			   c->id, c->url, p.reply_len, len,
			   (unsigned long long)p.reply_cookie,
			   (unsigned long long)p.cookie);
		return WRONG;
	}
	return 0;
}

static int op_info(struct stress_client *c, uint64_t t0)
{
	struct nlipc_info info;
	int err;

	(void)t0;
	err = nlipc_info_get(c->ep, &info);
	if (err)
		return err;
	if (!info.version[0] || !info.kv_max_entries) {
		stress_log(c->run, "client %d %s: info-get without a version or limits",
			   c->id, c->url);
		return WRONG;
	}
	return 0;
}

static int op_publish(struct stress_client *c, uint64_t t0)
{
	char payload[32];
	int len = snprintf(payload, sizeof(payload), "client %d", c->id);

	(void)t0;
	return nlipc_publish(c->ep, "stress", payload, len);
}

static int op_set(struct stress_client *c, uint64_t t0)
{
	int k = stress_rand(&c->rng) % KEYS, err;
	char key[32], value[VALUE_MAX];
	uint64_t v = ++c->seq;
	size_t len = value_of(v, value);

	c->keys[k].sent = v;
	err = nlipc_kv_set(c->ep, key, key_name(c, k, key, sizeof(key)),
			   value, len, NLIPC_KV_CREATE | NLIPC_KV_REPLACE);
	if (err)
		return err;
	c->keys[k].acked = v;
	c->keys[k].acked_t0 = t0;
	return 0;
}

/* ENOENT is an answer (no such key) unless the module is the one missing. */
static bool no_such_key(struct nlipc *ep, long err)
{
	return err == -ENOENT && !strstr(nlipc_error(ep)->msg, "module");
}

static int op_get(struct stress_client *c, uint64_t t0)
{
	int k = stress_rand(&c->rng) % KEYS;
	char key[32], value[VALUE_MAX];
	uint64_t v = 0;
	long n;

	(void)t0;
	n = nlipc_kv_get(c->ep, key, key_name(c, k, key, sizeof(key)), value,
			 sizeof(value));
	if (n < 0 && !no_such_key(c->ep, n))
		return n;
	if (n >= 0)
		v = value_decode(value, n);
	if (!value_ok(c, &c->keys[k], v, n < 0))
		return wrong(c, "kv-get", k, n < 0 ? "absent" : "value", v);
	return 0;
}

struct listing {
	struct stress_client *c;
	uint64_t v[KEYS];
	bool seen[KEYS];
	int bad;
};

static int list_cb(const struct nlipc_kv_entry *e, void *arg)
{
	struct listing *l = arg;
	size_t plen = strlen(l->c->prefix);
	char num[4] = "";
	int k;

	if (!e) {		/* restarted: forget the first pass */
		memset(l->seen, 0, sizeof(l->seen));
		return 0;
	}
	if (e->key_len != plen + 2 || memcmp(e->key, l->c->prefix, plen)) {
		l->bad++;	/* not under the prefix asked for */
		return 0;
	}
	memcpy(num, (const char *)e->key + plen, 2);
	k = atoi(num);
	if (k < 0 || k >= KEYS || l->seen[k]) {
		l->bad++;
		return 0;
	}
	l->seen[k] = true;
	l->v[k] = value_decode(e->value, e->value_len);
	return 0;
}

static int op_list(struct stress_client *c, uint64_t t0)
{
	struct listing l = { .c = c };
	int err, k;

	(void)t0;
	c->c[atomic_load(&c->run->phase)].lists++;
	err = nlipc_kv_list(c->ep, c->prefix, strlen(c->prefix), list_cb, &l);
	if (err == -EAGAIN && strstr(nlipc_error(c->ep)->msg, "interrupted"))
		return BUSY;
	if (err)
		return err;
	if (l.bad) {
		stress_log(c->run, "client %d %s: kv-list gave %d entries outside %s",
			   c->id, c->url, l.bad, c->prefix);
		return WRONG;
	}
	for (k = 0; k < KEYS; k++)
		if (!value_ok(c, &c->keys[k], l.v[k], !l.seen[k]))
			return wrong(c, "kv-list", k,
				     l.seen[k] ? "value" : "absent", l.v[k]);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct stress_client *c, uint64_t t0);
	unsigned int weight;
	bool dump;		/* not over UDP */
} ops[] = {
	{ "ping", op_ping, 30, false },
	{ "info-get", op_info, 8, false },
	{ "publish", op_publish, 4, false },
	{ "kv-set", op_set, 30, false },
	{ "kv-get", op_get, 20, false },
	{ "kv-list", op_list, 8, true },
};

static unsigned int pick_op(struct stress_client *c)
{
	unsigned int total = 0, r, i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!(ops[i].dump && c->lossy))
			total += ops[i].weight;
	r = stress_rand(&c->rng) % total;
	for (i = 0;; i++) {
		if (ops[i].dump && c->lossy)
			continue;
		if (r < ops[i].weight)
			return i;
		r -= ops[i].weight;
	}
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */
/* ------------------------------------------------------------------ */

/* A call took t1 - t0: the slowest kept, slow ones noted. */
static void timed(struct stress_client *c, const char *what, bool dump,
		  uint64_t t0, uint64_t t1)
{
	struct slowest *s = &c->slowest[dump];

	if (t1 - t0 > s->us) {
		s->us = t1 - t0;
		s->what = what;
		s->t0 = t0;
	}
	if (t1 - t0 > SLOW_US)
		stress_note(c->run, "client %d %s: %s took %.0f ms", c->id,
			    c->url, what, (t1 - t0) / 1e3);
}

/*
 * A failure: clean while a fault is on (counted apart, endpoint reopened)
 * or an error. Either way the endpoint is given up: a stream that failed
 * in the middle of a call is out of step.
 */
static void failed(struct stress_client *c, const char *what, int err,
		   uint64_t t1)
{
	struct stress_counts *cnt = &c->c[atomic_load(&c->run->phase)];
	const char *msg = c->ep ? nlipc_error(c->ep)->msg : "";

	if (err == WRONG) {
		cnt->errors++;
		return;
	}
	if (c->run->outage && !c->back &&
	    stress_outage_error(c->run, err, msg, t1)) {
		cnt->outage++;
		c->down = true;
	} else {
		cnt->errors++;
		stress_log(c->run, "client %d %s: %s: %s (%s)", c->id, c->url,
			   what, strerror(-err), msg);
	}
	nlipc_close(c->ep);
	c->ep = NULL;
}

static void succeeded(struct stress_client *c, uint64_t t0)
{
	uint64_t end = atomic_load(&c->run->fault_end_us);

	if (end && t0 >= end) {
		c->back = true;
		c->down = false;
	}
}

static int reopen(struct stress_client *c)
{
	uint64_t t0 = stress_now_us(), t1;
	struct nlipc_error e;
	int err;

	err = nlipc_open_timeout(&c->ep, c->url, c->run->timeout_ms, &e);
	if (!err && c->subscriber) {
		err = nlipc_subscribe(c->ep, NLIPC_MCGRP_EVENTS);
		if (!err)
			err = nlipc_subscribe(c->ep, NLIPC_MCGRP_BUS);
		if (err) {
			e = *nlipc_error(c->ep);
			nlipc_close(c->ep);
		}
	}
	t1 = stress_now_us();
	timed(c, "open", false, t0, t1);
	if (!err)
		return 0;
	c->ep = NULL;
	if (c->run->outage && !c->back &&
	    stress_outage_error(c->run, err, e.msg, t1)) {
		c->c[atomic_load(&c->run->phase)].outage++;
		c->down = true;
	} else {
		c->c[atomic_load(&c->run->phase)].errors++;
		stress_log(c->run, "client %d %s: open: %s (%s)", c->id,
			   c->url, strerror(-err), e.msg);
	}
	stress_sleep_us(50000);		/* no connect storm of our own */
	return err;
}

static bool event_ok(const struct nlipc_event *ev)
{
	switch (ev->cmd) {
	case NLIPC_CMD_KV_SET_NTF:
		/* Ours carry a value we can check; others are not ours. */
		if (ev->key_len > 7 && !memcmp(ev->key, "stress/", 7))
			return value_decode(ev->value, ev->value_len) != 0;
		return ev->key_len > 0;
	case NLIPC_CMD_KV_DEL_NTF:
		return ev->key_len > 0;
	case NLIPC_CMD_PUBLISH_NTF:
		return ev->topic && ev->sender;
	}
	return false;
}

static void subscriber_turn(struct stress_client *c)
{
	struct stress_counts *cnt = &c->c[atomic_load(&c->run->phase)];
	struct nlipc_event ev;
	uint64_t t0 = stress_now_us();
	int ret;

	ret = nlipc_next_event(c->ep, &ev, 200);
	if (ret == 1) {
		if (!event_ok(&ev)) {
			stress_log(c->run, "subscriber %d %s: malformed event, cmd %u",
				   c->id, c->url, ev.cmd);
			cnt->errors++;
			return;
		}
		cnt->events++;
		succeeded(c, t0);
	} else if (ret == -ENOBUFS) {
		cnt->overruns++;	/* documented: we fell behind */
	} else if (ret < 0) {
		failed(c, "next-event", ret, stress_now_us());
	}
}

static void request_turn(struct stress_client *c)
{
	unsigned int i = pick_op(c);
	uint64_t t0, t1;
	int ret;

	t0 = stress_now_us();
	ret = ops[i].fn(c, t0);
	t1 = stress_now_us();
	timed(c, ops[i].name, ops[i].dump, t0, t1);
	if (ret == BUSY) {
		c->c[atomic_load(&c->run->phase)].busy++;
		return;
	}
	if (ret) {
		failed(c, ops[i].name, ret, t1);
		return;
	}
	c->c[atomic_load(&c->run->phase)].requests++;
	stress_hist_add(&c->c[atomic_load(&c->run->phase)].lat, t1 - t0);
	succeeded(c, t0);
}

static void *client_main(void *arg)
{
	struct stress_client *c = arg;
	uint64_t period = c->run->rate ? 1000000 / c->run->rate : 0;
	uint64_t next = stress_now_us(), now;

	while (!atomic_load(&c->run->stop)) {
		if (!c->ep && reopen(c))
			continue;
		if (c->subscriber) {
			subscriber_turn(c);
			continue;
		}
		request_turn(c);
		if (!period)
			continue;
		/* Paced; a client that fell far behind does not burst. */
		next += period;
		now = stress_now_us();
		if (next > now)
			stress_sleep_us(next - now);
		else if (now - next > 10 * period)
			next = now;
	}
	return NULL;
}

/**
 * stress_client_start - open a client's endpoint and start its thread
 * @run: the run
 * @id: unique among the run's clients: it names the client's keys
 * @url: where to connect
 * @subscriber: read events and the bus instead of making requests
 *
 * Returns the client, or NULL (said why) if it could not connect: clients
 * start before any fault or abuse, so that is an error.
 */
struct stress_client *stress_client_start(struct stress_run *run, int id,
					  const char *url, bool subscriber)
{
	struct stress_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->run = run;
	c->id = id;
	c->url = url;
	c->subscriber = subscriber;
	c->lossy = !strncmp(url, "udp:", 4);
	c->rng = (id + 1) * 2654435761u ^ (unsigned int)stress_now_us();
	/* Per run too: a daemon may keep an earlier run's keys. */
	snprintf(c->prefix, sizeof(c->prefix), "stress/%d.%d/", (int)getpid(),
		 id);
	if (reopen(c)) {
		free(c);
		return NULL;
	}
	if (pthread_create(&c->thread, NULL, client_main, c)) {
		nlipc_close(c->ep);
		free(c);
		return NULL;
	}
	return c;
}

void stress_client_join(struct stress_client *c)
{
	pthread_join(c->thread, NULL);
}

const struct stress_counts *stress_client_counts(const struct stress_client *c,
						 int phase)
{
	return &c->c[phase];
}

/* Failed during the fault and never came back? */
bool stress_client_recovered(const struct stress_client *c)
{
	return !c->down;
}

/**
 * stress_client_slowest - the client's slowest call of a kind
 * @c: the client
 * @dump: dumps (kv-list), or the others (do requests, opens)
 * @buf: receives which call it was and when
 * @len: room at @buf
 *
 * Returns how long it took, in microseconds.
 */
uint64_t stress_client_slowest(const struct stress_client *c, bool dump,
			       char *buf, size_t len)
{
	const struct slowest *s = &c->slowest[dump];

	snprintf(buf, len, "client %d %s: %s at %.1f s", c->id, c->url,
		 s->what ? s->what : "-",
		 s->what ? (s->t0 - c->run->t0_us) / 1e6 : 0.0);
	return s->us;
}

/**
 * stress_client_verify - read back every write this client had acknowledged
 * @c: a stopped client
 * @ep: an endpoint to read with
 * @checked: incremented per key that must have survived
 *
 * Returns how many of those are missing or older than acknowledged.
 */
int stress_client_verify(struct stress_client *c, struct nlipc *ep,
			 unsigned int *checked)
{
	char key[32], value[VALUE_MAX];
	int k, lost = 0;
	uint64_t v;
	long n;

	for (k = 0; k < KEYS; k++) {
		struct key *kk = &c->keys[k];

		if (!kk->acked || may_be_lost(c, kk))
			continue;
		(*checked)++;
		n = nlipc_kv_get(ep, key, key_name(c, k, key, sizeof(key)),
				 value, sizeof(value));
		v = n >= 0 ? value_decode(value, n) : 0;
		if (n >= 0 && value_ok(c, kk, v, false))
			continue;
		lost++;
		stress_log(c->run, "lost: %.*s acknowledged %llu (sent %llu), read %s %llu",
			   key_name(c, k, key, sizeof(key)), key,
			   (unsigned long long)kk->acked,
			   (unsigned long long)kk->sent,
			   n < 0 ? strerror((int)-n) : "value",
			   (unsigned long long)v);
	}
	return lost;
}

void stress_client_free(struct stress_client *c)
{
	if (c->ep)
		nlipc_close(c->ep);
	free(c);
}
