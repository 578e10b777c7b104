// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Statistics of a measurement. Percentiles are nearest-rank: always one
 * of the samples, never an interpolation between two, so a p99.9 of fewer
 * than 1000 samples is the maximum and says so by being equal to it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void stats_sort(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
}

/**
 * stats_percentile - the nearest-rank percentile of sorted samples
 * @sorted: samples in ascending order
 * @n: how many
 * @p: the percentile, 0 to 100 (0 gives the minimum)
 *
 * Returns the sample of rank ceil(p / 100 * n), or NAN without samples.
 */
double stats_percentile(const double *sorted, size_t n, double p)
{
	double rank;
	size_t i;

	if (!n || isnan(p))
		return NAN;
	if (p <= 0)
		return sorted[0];
	if (p >= 100)
		return sorted[n - 1];
	/*
	 * p / 100 * n is computed as p * n / 100: 99.9 * 1000 / 100 is
	 * exactly 999, where 0.999 * 1000 rounds up past it and would take
	 * the next rank.
	 */
	rank = ceil(p * (double)n / 100.0);
	i = rank < 1 ? 0 : (size_t)rank - 1;
	return sorted[i < n ? i : n - 1];
}

double stats_mean(const double *v, size_t n)
{
	double sum = 0;
	size_t i;

	if (!n)
		return NAN;
	for (i = 0; i < n; i++)
		sum += v[i];
	return sum / n;
}

/* The sample standard deviation (n - 1); 0 for a single sample. */
double stats_stddev(const double *v, size_t n)
{
	double mean, sum = 0;
	size_t i;

	if (!n)
		return NAN;
	if (n == 1)
		return 0;
	mean = stats_mean(v, n);
	for (i = 0; i < n; i++)
		sum += (v[i] - mean) * (v[i] - mean);
	return sqrt(sum / (n - 1));
}

/* The median, the mean of the two middle values for an even count. */
double stats_median(const double *v, size_t n)
{
	double *s, m;

	if (!n)
		return NAN;
	s = malloc(n * sizeof(*s));
	if (!s)
		return NAN;
	memcpy(s, v, n * sizeof(*s));
	stats_sort(s, n);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

/**
 * stats_spread - how far repeated runs disagree
 * @v: one value per run (a p50 RTT or a rate)
 * @n: the number of runs
 *
 * Returns (max - min) / median in percent: 0 for fewer than two runs,
 * NAN if the median is 0 or a value is missing (NAN).
 */
double stats_spread(const double *v, size_t n)
{
	double lo, hi, med;
	size_t i;

	if (n < 2)
		return 0;
	lo = hi = v[0];
	for (i = 0; i < n; i++) {
		if (isnan(v[i]))
			return NAN;
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	med = stats_median(v, n);
	if (!(med > 0))
		return NAN;
	return (hi - lo) / med * 100.0;
}

/**
 * stats_summarize - percentiles, mean and deviation of samples
 * @v: the samples, sorted in place
 * @n: how many
 * @scale: each is multiplied by this in @s (1e-3: ns to µs)
 * @s: filled; with n = 0 every field but n is NAN
 *
 * Returns 0, or -1 without samples.
 */
int stats_summarize(double *v, size_t n, double scale, struct bench_stats *s)
{
	s->n = n;
	if (!n) {
		s->min = s->p50 = s->p90 = s->p99 = s->p999 = s->max = NAN;
		s->mean = s->stddev = NAN;
		return -1;
	}
	stats_sort(v, n);
	s->min = v[0] * scale;
	s->p50 = stats_percentile(v, n, 50) * scale;
	s->p90 = stats_percentile(v, n, 90) * scale;
	s->p99 = stats_percentile(v, n, 99) * scale;
	s->p999 = stats_percentile(v, n, 99.9) * scale;
	s->max = v[n - 1] * scale;
	s->mean = stats_mean(v, n) * scale;
	s->stddev = stats_stddev(v, n) * scale;
	return 0;
}
