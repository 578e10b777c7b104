// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Counters and latency histograms of the stress clients, each thread its
 * own, merged at the end: nothing is shared while the load runs.
 */
#include <errno.h>
#include <time.h>

#include "load.h"

static unsigned int bucket_of(uint64_t us)
{
	unsigned int octave, idx;

	if (us < STRESS_HIST_SUB)
		return us;
	octave = 63 - __builtin_clzll(us);	/* >= 6 */
	idx = STRESS_HIST_SUB * (octave - 5) +
	      ((us >> (octave - 6)) & (STRESS_HIST_SUB - 1));
	return idx < STRESS_HIST_BUCKETS ? idx : STRESS_HIST_BUCKETS - 1;
}

/* The upper end of a bucket: percentiles err on the slow side. */
static uint64_t bucket_top(unsigned int idx)
{
	unsigned int octave, sub;

	if (idx < STRESS_HIST_SUB)
		return idx;
	octave = idx / STRESS_HIST_SUB + 5;
	sub = idx % STRESS_HIST_SUB;
	return ((uint64_t)(STRESS_HIST_SUB + sub + 1) << (octave - 6)) - 1;
}

void stress_hist_add(struct stress_hist *h, uint64_t us)
{
	h->b[bucket_of(us)]++;
	h->n++;
	if (us > h->max)
		h->max = us;
}

void stress_hist_merge(struct stress_hist *into, const struct stress_hist *h)
{
	unsigned int i;

	for (i = 0; i < STRESS_HIST_BUCKETS; i++)
		into->b[i] += h->b[i];
	into->n += h->n;
	if (h->max > into->max)
		into->max = h->max;
}

/**
 * stress_hist_pct - a percentile of a histogram
 * @h: the histogram
 * @pct: 0 to 100
 *
 * Returns the top of the bucket holding it (never above the largest
 * sample), or 0 for an empty histogram.
 */
uint64_t stress_hist_pct(const struct stress_hist *h, double pct)
{
	uint64_t want, seen = 0, top;
	unsigned int i;

	if (!h->n)
		return 0;
	want = (uint64_t)(h->n * pct / 100.0 + 0.5);
	if (want < 1)
		want = 1;
	for (i = 0; i < STRESS_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want) {
			top = bucket_top(i);
			return top < h->max ? top : h->max;
		}
	}
	return h->max;
}

void stress_counts_merge(struct stress_counts *into,
			 const struct stress_counts *c)
{
	into->requests += c->requests;
	into->errors += c->errors;
	into->outage += c->outage;
	into->events += c->events;
	into->overruns += c->overruns;
	into->hostile += c->hostile;
	into->lists += c->lists;
	into->busy += c->busy;
	stress_hist_merge(&into->lat, &c->lat);
}

uint64_t stress_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void stress_sleep_us(uint64_t us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* xorshift32: cheap, per thread, reproducible from the seed it logs. */
unsigned int stress_rand(unsigned int *state)
{
	unsigned int x = *state ? *state : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}
