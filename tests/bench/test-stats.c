// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc-bench's statistics: nearest-rank percentiles at their edges (one
 * sample, odd and even counts, p99.9 of few samples), mean, deviation,
 * median and the spread of repeated runs.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "bench.h"

static double *ramp(size_t n)
{
	double *v = malloc(n * sizeof(*v));
	size_t i;

	assert_non_null(v);
	for (i = 0; i < n; i++)
		v[i] = (double)(i + 1);
	return v;
}

static void one_sample_is_every_percentile(void **state)
{
	double v[] = { 42 };
	struct bench_stats s;

	assert_int_equal(stats_summarize(v, 1, 1, &s), 0);
	assert_int_equal(s.n, 1);
	assert_true(s.min == 42 && s.p50 == 42 && s.p90 == 42);
	assert_true(s.p99 == 42 && s.p999 == 42 && s.max == 42);
	assert_true(s.mean == 42);
	assert_true(s.stddev == 0);
}

static void no_samples_give_nan(void **state)
{
	struct bench_stats s;

	assert_int_equal(stats_summarize(NULL, 0, 1, &s), -1);
	assert_int_equal(s.n, 0);
	assert_true(isnan(s.p50) && isnan(s.max) && isnan(s.mean));
	assert_true(isnan(stats_percentile(NULL, 0, 50)));
	assert_true(isnan(stats_mean(NULL, 0)));
	assert_true(isnan(stats_median(NULL, 0)));
}

static void odd_count_median_is_the_middle(void **state)
{
	double v[] = { 5, 1, 3 };

	assert_true(stats_median(v, 3) == 3);
	stats_sort(v, 3);
	assert_true(v[0] == 1 && v[1] == 3 && v[2] == 5);
	assert_true(stats_percentile(v, 3, 50) == 3);
	assert_true(stats_percentile(v, 3, 0) == 1);
	assert_true(stats_percentile(v, 3, 100) == 5);
}

static void even_count_p50_is_a_sample(void **state)
{
	double v[] = { 4, 1, 3, 2 };

	/* The median averages the middle two; a percentile never does. */
	assert_true(stats_median(v, 4) == 2.5);
	stats_sort(v, 4);
	assert_true(stats_percentile(v, 4, 50) == 2);
	assert_true(stats_percentile(v, 4, 50.1) == 3);
	assert_true(stats_percentile(v, 4, 75) == 3);
	assert_true(stats_percentile(v, 4, 76) == 4);
}

static void ranks_of_a_ramp(void **state)
{
	double *v = ramp(100);

	assert_true(stats_percentile(v, 100, 1) == 1);
	assert_true(stats_percentile(v, 100, 50) == 50);
	assert_true(stats_percentile(v, 100, 90) == 90);
	assert_true(stats_percentile(v, 100, 99) == 99);
	assert_true(stats_percentile(v, 100, 99.9) == 100);
	free(v);
}

static void p999_needs_a_thousand_samples(void **state)
{
	double *v = ramp(2000);

	/* Fewer than 1000 samples: p99.9 is the maximum. */
	assert_true(stats_percentile(v, 10, 99.9) == 10);
	assert_true(stats_percentile(v, 999, 99.9) == 999);
	/* Exactly at the rank, not one past it (no rounding up of 999.0). */
	assert_true(stats_percentile(v, 1000, 99.9) == 999);
	assert_true(stats_percentile(v, 2000, 99.9) == 1998);
	assert_true(stats_percentile(v, 1001, 99.9) == 1000);
	free(v);
}

static void mean_and_sample_deviation(void **state)
{
	double v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };

	assert_true(stats_mean(v, 8) == 5);
	assert_float_equal(stats_stddev(v, 8), sqrt(32.0 / 7), 1e-12);
	assert_true(stats_stddev(v, 1) == 0);
}

static void summary_scales_and_sorts(void **state)
{
	double v[] = { 3000, 1000, 2000 };
	struct bench_stats s;

	assert_int_equal(stats_summarize(v, 3, 1e-3, &s), 0);
	assert_true(v[0] == 1000 && v[2] == 3000);
	assert_float_equal(s.min, 1, 1e-12);
	assert_float_equal(s.p50, 2, 1e-12);
	assert_float_equal(s.max, 3, 1e-12);
	assert_float_equal(s.mean, 2, 1e-12);
	assert_true(s.min <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p99 &&
		    s.p99 <= s.p999 && s.p999 <= s.max);
}

static void spread_of_runs(void **state)
{
	double runs[] = { 10, 12, 11 };
	double same[] = { 7, 7 };
	double zero[] = { 0, 0, 1 };
	double gap[] = { 1, NAN };

	assert_float_equal(stats_spread(runs, 3), 2.0 / 11 * 100, 1e-9);
	assert_true(stats_spread(same, 2) == 0);
	assert_true(stats_spread(runs, 1) == 0);
	assert_true(isnan(stats_spread(zero, 3)));
	assert_true(isnan(stats_spread(gap, 2)));
	/* Even count: the median averages, so 10 and 30 spread by 100 %. */
	assert_float_equal(stats_spread((double[]){ 10, 30 }, 2), 100, 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_sample_is_every_percentile),
		cmocka_unit_test(no_samples_give_nan),
		cmocka_unit_test(odd_count_median_is_the_middle),
		cmocka_unit_test(even_count_p50_is_a_sample),
		cmocka_unit_test(ranks_of_a_ramp),
		cmocka_unit_test(p999_needs_a_thousand_samples),
		cmocka_unit_test(mean_and_sample_deviation),
		cmocka_unit_test(summary_scales_and_sorts),
		cmocka_unit_test(spread_of_runs),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("bench-stats", tests, NULL, NULL);
}
