// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UDP resend timer (doc/bridge.md): RFC 6298's round-trip estimator,
 * as RFC 8085 asks of a protocol that retransmits over UDP, with Karn's
 * rule and a bounded backoff. Arithmetic only, in microseconds, so the
 * core feeds it times and the tests can feed it numbers.
 */
#include <string.h>

#include "internal.h"
#include "bridge.h"

#define US_PER_MS	1000ULL

/*
 * SRTT + max(G, 4 * RTTVAR), doubled for each backoff, at most
 * NLIPC_BRIDGE_UDP_RTO_MAX_MS; before a first sample,
 * NLIPC_BRIDGE_UDP_RTO_INIT_MS. G is NLIPC_BRIDGE_UDP_RTO_MIN_MS, not
 * the clock's granularity: as Linux's TCP bounds its variance term, so a
 * steady path, whose RTTVAR decays to nothing, never gets a timeout that
 * fires just as the answer arrives. In milliseconds, rounded up.
 */
static unsigned int rto_compute(const struct nlipc_rtt *r)
{
	const unsigned long long max = NLIPC_BRIDGE_UDP_RTO_MAX_MS * US_PER_MS;
	unsigned long long rto;

	if (!r->valid)
		return NLIPC_BRIDGE_UDP_RTO_INIT_MS;
	rto = 4 * r->rttvar_us;
	if (rto < NLIPC_BRIDGE_UDP_RTO_MIN_MS * US_PER_MS)
		rto = NLIPC_BRIDGE_UDP_RTO_MIN_MS * US_PER_MS;
	rto = (rto + r->srtt_us) << r->backoff;
	if (rto > max)
		rto = max;
	return (rto + US_PER_MS - 1) / US_PER_MS;
}

/** nlipc_rtt_init - forget the estimate: a new path starts afresh */
void nlipc_rtt_init(struct nlipc_rtt *r)
{
	memset(r, 0, sizeof(*r));
	r->rto_ms = rto_compute(r);
}

/**
 * nlipc_rtt_sample - fold one round-trip time into the estimate
 * @r: the estimate
 * @rtt_us: from a request's send to its answer, for a request sent only
 *	once: the answer to one sent again may be to either copy (Karn)
 *
 * A valid sample also ends any backoff.
 */
void nlipc_rtt_sample(struct nlipc_rtt *r, unsigned long long rtt_us)
{
	unsigned long long delta;

	r->backoff = 0;
	if (!r->valid) {
		r->valid = true;
		r->srtt_us = rtt_us;
		r->rttvar_us = rtt_us / 2;
	} else {
		/* RTTVAR first, from the SRTT before it; beta 1/4, alpha 1/8 */
		delta = rtt_us > r->srtt_us ? rtt_us - r->srtt_us :
			r->srtt_us - rtt_us;
		r->rttvar_us = r->rttvar_us - r->rttvar_us / 4 + delta / 4;
		r->srtt_us = r->srtt_us - r->srtt_us / 8 + rtt_us / 8;
	}
	r->rto_ms = rto_compute(r);
}

/**
 * nlipc_rtt_backoff - the timer ran out: wait twice as long from now on
 * @r: the estimate
 *
 * Kept for the requests that follow until one is answered to its only
 * copy: if the path got slower, every answer would otherwise come after a
 * resend, be ambiguous, and teach nothing. At most
 * NLIPC_BRIDGE_UDP_BACKOFFS doublings, and none before a first sample.
 */
void nlipc_rtt_backoff(struct nlipc_rtt *r)
{
	if (r->valid && r->backoff < NLIPC_BRIDGE_UDP_BACKOFFS)
		r->backoff++;
	r->rto_ms = rto_compute(r);
}

/**
 * nlipc_rtt_rto - how long to wait for an answer before sending again
 * @r: the estimate, from nlipc_rtt_init()
 *
 * See rto_compute(); worked out when the estimate changes, not per
 * request. Returns milliseconds.
 */
unsigned int nlipc_rtt_rto(const struct nlipc_rtt *r)
{
	return r->rto_ms;
}
