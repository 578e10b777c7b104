// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UDP resend timer's arithmetic: RFC 6298's SRTT and RTTVAR, the
 * initial timeout, the floor under the variance term, the backoff that
 * doubles once and is kept until an unambiguous sample, and the cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "internal.h"
#include "bridge.h"

#define MS	1000ULL

static struct nlipc_rtt r;

static int setup(void **state)
{
	nlipc_rtt_init(&r);
	return 0;
}

static void without_a_sample_the_initial_timeout(void **state)
{
	assert_int_equal(nlipc_rtt_rto(&r), 1000);
	assert_int_equal(nlipc_rtt_rto(&r), NLIPC_BRIDGE_UDP_RTO_INIT_MS);
}

/* RFC 6298 2.2: SRTT = R, RTTVAR = R / 2, RTO = SRTT + 4 * RTTVAR. */
static void first_sample(void **state)
{
	nlipc_rtt_sample(&r, 800 * MS);
	assert_int_equal(r.srtt_us, 800 * MS);
	assert_int_equal(r.rttvar_us, 400 * MS);
	assert_int_equal(nlipc_rtt_rto(&r), 2400);
}

/*
 * RFC 6298 2.3: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, from the old SRTT,
 * then SRTT = 7/8 SRTT + 1/8 R.
 */
static void later_samples(void **state)
{
	nlipc_rtt_sample(&r, 100 * MS);
	nlipc_rtt_sample(&r, 200 * MS);
	assert_int_equal(r.rttvar_us, 62500);
	assert_int_equal(r.srtt_us, 112500);
	assert_int_equal(nlipc_rtt_rto(&r), 363);	/* 112.5 + 250 */

	/* A faster answer: the same, the difference the other way. */
	nlipc_rtt_sample(&r, 12500);
	assert_int_equal(r.rttvar_us, 46875 + 25000);
	assert_int_equal(r.srtt_us, 98438 + 1562);
}

/* Loopback: the variance term's floor is the whole timeout, 200 ms. */
static void floor_on_a_fast_path(void **state)
{
	nlipc_rtt_sample(&r, 100);
	assert_int_equal(nlipc_rtt_rto(&r), 201);
	assert_int_equal(NLIPC_BRIDGE_UDP_RTO_MIN_MS, 200);
}

/*
 * A steady path's RTTVAR decays to nothing; the timeout must still not
 * fire before the answer, or every request would go twice.
 */
static void steady_path_is_not_resent(void **state)
{
	int i;

	for (i = 0; i < 100; i++) {
		nlipc_rtt_sample(&r, 800 * MS);
		assert_true(nlipc_rtt_rto(&r) >= 800 + 200);
	}
	assert_int_equal(nlipc_rtt_rto(&r), 1000);
}

/* One doubling, NLIPC_BRIDGE_UDP_BACKOFFS, however many timeouts. */
static void backoff_doubles_once(void **state)
{
	nlipc_rtt_sample(&r, 100);
	nlipc_rtt_backoff(&r);
	assert_int_equal(nlipc_rtt_rto(&r), 401);
	nlipc_rtt_backoff(&r);
	nlipc_rtt_backoff(&r);
	assert_int_equal(nlipc_rtt_rto(&r), 401);
	assert_int_equal(NLIPC_BRIDGE_UDP_BACKOFFS, 1);
}

/* Before a first sample the timer stays at its initial 1 s. */
static void no_backoff_without_a_sample(void **state)
{
	nlipc_rtt_backoff(&r);
	nlipc_rtt_backoff(&r);
	assert_int_equal(nlipc_rtt_rto(&r), 1000);
}

/* The cap, for a path slower than nlipc is meant for. */
static void capped(void **state)
{
	nlipc_rtt_sample(&r, 1500 * MS);
	/* 1.5 s + 3 s, capped */
	assert_int_equal(nlipc_rtt_rto(&r), 4000);
	nlipc_rtt_sample(&r, 1500 * MS);
	nlipc_rtt_backoff(&r);
	assert_int_equal(nlipc_rtt_rto(&r), NLIPC_BRIDGE_UDP_RTO_MAX_MS);
}

/*
 * Karn: the backoff stays for the next requests (the core takes no sample
 * from a resent one) and ends with the first unambiguous sample.
 */
static void a_sample_ends_the_backoff(void **state)
{
	nlipc_rtt_sample(&r, 10 * MS);
	nlipc_rtt_backoff(&r);
	assert_int_equal(nlipc_rtt_rto(&r), 2 * 210);
	nlipc_rtt_sample(&r, 10 * MS);
	assert_int_equal(nlipc_rtt_rto(&r), 210);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(without_a_sample_the_initial_timeout),
		T(first_sample),
		T(later_samples),
		T(floor_on_a_fast_path),
		T(steady_path_is_not_resent),
		T(backoff_doubles_once),
		T(no_backoff_without_a_sample),
		T(capped),
		T(a_sample_ends_the_backoff),
#undef T
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("rtt", tests, NULL, NULL);
}
