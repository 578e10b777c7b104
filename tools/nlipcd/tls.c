// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tls:// connections: TCP streams framed as conn.c frames them, inside
 * TLS 1.3 records made by GnuTLS (doc/bridge.md says why GnuTLS). Every
 * client must present a certificate that chains to --tls-ca, or the
 * handshake fails; those whose SHA-256 fingerprint was given with
 * --allow-cert may write, any other only reads (request.c).
 *
 * The handshake runs in the loop like everything else, a step per ready
 * event, so a client that connects and never speaks holds nothing but
 * its slot, and that only until its handshake deadline (the shorter of
 * TLS_HANDSHAKE_MS and --idle-timeout; the sweep enforces it).
 *
 * Where GnuTLS is built with kTLS and the kernel offers the "tls" ULP,
 * GnuTLS hands the records to the kernel after the handshake; each
 * session's log line says which happened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <gnutls/gnutls.h>
#include <gnutls/socket.h>
#include <gnutls/x509.h>

#include "client.h"
#include "hex.h"
#include "kind.h"
#include "loop.h"
#include "nlipcd.h"
#include "tls.h"

/* A handshake takes a round trip or two: ten seconds is generous. */
#define TLS_HANDSHAKE_MS	10000

struct nlipcd_tls {
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	unsigned char (*allow)[NLIPCD_TLS_FP_LEN];
	unsigned int n_allow;
};

/* A connection's session. */
struct tls_conn {
	gnutls_session_t session;
	bool established;
	char fp[8 + 2 * NLIPCD_TLS_FP_LEN];	/* "sha256:HEX" */
};

/**
 * nlipcd_tls_parse_fingerprint - read "sha256:HEX" (--allow-cert)
 * @arg: the option's argument; pairs of hex digits, colons between
 *	them allowed (as openssl x509 -fingerprint prints them)
 * @fp: receives the 32 bytes
 *
 * Returns 0 or -EINVAL.
 */
int nlipcd_tls_parse_fingerprint(const char *arg,
				 unsigned char fp[NLIPCD_TLS_FP_LEN])
{
	size_t n;

	/* Colons between pairs, not before the first. */
	if (strncasecmp(arg, "sha256:", 7) || arg[7] == ':' ||
	    nlipc_hex_bytes(arg + 7, ":", fp, NLIPCD_TLS_FP_LEN, &n))
		return -EINVAL;
	return n == NLIPCD_TLS_FP_LEN ? 0 : -EINVAL;
}

/**
 * nlipcd_tls_init - load what tls:// listeners prove and check with
 * @d: the daemon
 * @o: the files and --allow-cert fingerprints; the fingerprints are
 *	taken over, even on failure: freed by nlipcd_tls_uninit()
 *
 * Returns 0, or a negative errno with the reason logged; call
 * nlipcd_tls_uninit() either way.
 */
int nlipcd_tls_init(struct nlipcd *d, struct nlipcd_tls_opts *o)
{
	struct nlipcd_tls *t;
	const char *where;
	int ret;

	t = calloc(1, sizeof(*t));
	if (!t) {
		free(o->allow);
		o->allow = NULL;
		return -ENOMEM;
	}
	d->tls = t;
	t->allow = o->allow;
	t->n_allow = o->n_allow;
	o->allow = NULL;
	if (!o->ca || !o->cert || !o->key) {
		nlipcd_err("tls:// needs --tls-cert and --tls-key (the server's) and --tls-ca (the CA of the clients' certificates)");
		return -EINVAL;
	}
	if (gnutls_certificate_allocate_credentials(&t->cred) < 0)
		return -ENOMEM;
	ret = gnutls_certificate_set_x509_trust_file(t->cred, o->ca,
						     GNUTLS_X509_FMT_PEM);
	if (ret <= 0) {
		nlipcd_err("--tls-ca %s: %s", o->ca, ret ? gnutls_strerror(ret) :
			   "no certificate in it");
		return -EINVAL;
	}
	ret = gnutls_certificate_set_x509_key_file(t->cred, o->cert, o->key,
						   GNUTLS_X509_FMT_PEM);
	if (ret < 0) {
		nlipcd_err("--tls-cert %s, --tls-key %s: %s", o->cert, o->key,
			   gnutls_strerror(ret));
		return -EINVAL;
	}
	ret = gnutls_priority_init2(&t->prio, NLIPC_BRIDGE_TLS_PRIORITY, &where,
				    GNUTLS_PRIORITY_INIT_DEF_APPEND);
	if (ret < 0) {
		t->prio = NULL;
		nlipcd_err("TLS priority '%s': %s", NLIPC_BRIDGE_TLS_PRIORITY,
			   gnutls_strerror(ret));
		return -EINVAL;
	}
	return 0;
}

void nlipcd_tls_uninit(struct nlipcd *d)
{
	struct nlipcd_tls *t = d->tls;

	if (!t)
		return;
	if (t->prio)
		gnutls_priority_deinit(t->prio);
	if (t->cred)
		gnutls_certificate_free_credentials(t->cred);
	free(t->allow);
	free(t);
	d->tls = NULL;
}

static void conn_free(struct tls_conn *tc)
{
	if (tc->session)
		gnutls_deinit(tc->session);
	free(tc);
}

static int tls_init(struct nlipcd_client *c)
{
	struct nlipcd_tls *t = c->d->tls;
	struct tls_conn *tc;
	uint64_t limit;

	tc = calloc(1, sizeof(*tc));
	if (!tc)
		return -ENOMEM;
	if (gnutls_init(&tc->session, GNUTLS_SERVER | GNUTLS_NONBLOCK |
				      GNUTLS_NO_SIGNAL) < 0) {
		tc->session = NULL;
		goto err_free;
	}
	if (gnutls_priority_set(tc->session, t->prio) < 0 ||
	    gnutls_credentials_set(tc->session, GNUTLS_CRD_CERTIFICATE,
				   t->cred) < 0)
		goto err_free;
	/* No certificate, or one not of our CA: no handshake. */
	gnutls_certificate_server_set_request(tc->session, GNUTLS_CERT_REQUIRE);
	gnutls_session_set_verify_cert(tc->session, NULL, 0);
	gnutls_transport_set_int(tc->session, c->fd);
	if (nlipcd_watch_add(c->d, &c->w, c->fd, EPOLLIN | EPOLLRDHUP))
		goto err_free;
	c->kind_priv = tc;
	limit = c->d->lim.idle_ms < TLS_HANDSHAKE_MS ? c->d->lim.idle_ms :
		TLS_HANDSHAKE_MS;
	c->setup_deadline = nlipcd_now_ms() + limit;
	c->in.reading = true;
	return 0;

err_free:
	conn_free(tc);
	return -ENOMEM;
}

static void tls_fini(struct nlipcd_client *c)
{
	struct tls_conn *tc = c->kind_priv;

	if (!tc)
		return;
	/* A close_notify if there is room for it; nothing waits for it. */
	if (tc->established && !c->dead)
		gnutls_bye(tc->session, GNUTLS_SHUT_WR);
	conn_free(tc);
	c->kind_priv = NULL;
}

/* Who the certificate is: its fingerprint, and whether it may write. */
static void identify(struct nlipcd_client *c, struct tls_conn *tc)
{
	static const char hex[] = "0123456789abcdef";
	struct nlipcd_tls *t = c->d->tls;
	unsigned char fp[NLIPCD_TLS_FP_LEN];
	const gnutls_datum_t *certs;
	char *desc, *p = tc->fp;
	size_t len = sizeof(fp);
	unsigned int n = 0, i;
	unsigned int ktls;

	certs = gnutls_certificate_get_peers(tc->session, &n);
	if (!certs || !n ||
	    gnutls_fingerprint(GNUTLS_DIG_SHA256, &certs[0], fp, &len) < 0 ||
	    len != sizeof(fp)) {
		snprintf(tc->fp, sizeof(tc->fp), "(unknown)");
	} else {
		p += sprintf(p, "sha256:");
		for (i = 0; i < sizeof(fp); i++) {
			*p++ = hex[fp[i] >> 4];
			*p++ = hex[fp[i] & 15];
		}
		*p = '\0';
		for (i = 0; i < t->n_allow; i++)
			if (!memcmp(t->allow[i], fp, sizeof(fp)))
				c->who.cert_may_write = true;
	}
	c->who.cert = tc->fp;

	desc = gnutls_session_get_desc(tc->session);
	ktls = gnutls_transport_is_ktls_enabled(tc->session);
	nlipcd_info("%s: %s, records %s; certificate %s %s", c->name,
		    desc ? desc : "TLS",
		    ktls == GNUTLS_KTLS_DUPLEX ? "in the kernel (kTLS)" :
		    ktls ? "partly in the kernel (kTLS one way)" :
		    "in user space",
		    tc->fp, c->who.cert_may_write ? "may write" : "reads only");
	gnutls_free(desc);
}

/* Why a handshake failed, for the log. */
static const char *failure(struct tls_conn *tc, int ret, char *buf,
			   size_t len)
{
	gnutls_datum_t out;
	unsigned int status;

	/* A client offers only certificates of the CAs we name. */
	if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND ||
	    ret == GNUTLS_E_CERTIFICATE_REQUIRED)
		return "TLS handshake: no client certificate (none, or none of --tls-ca)";
	if (ret != GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)
		return gnutls_strerror(ret);
	status = gnutls_session_get_verify_cert_status(tc->session);
	if (gnutls_certificate_verification_status_print(status,
			GNUTLS_CRT_X509, &out, 0) < 0)
		return gnutls_strerror(ret);
	while (out.size && out.data[out.size - 1] == ' ')
		out.data[--out.size] = '\0';
	snprintf(buf, len, "TLS handshake: client certificate refused: %s",
		 out.data);
	gnutls_free(out.data);
	return buf;
}

/*
 * The handshake's next step, on the ready @events. True while it is not
 * done: the events were all its own. False once established, and on
 * every later call.
 */
static bool tls_handshake(struct nlipcd_client *c, uint32_t events)
{
	struct tls_conn *tc = c->kind_priv;
	char why[256];
	int ret;

	if (tc->established)
		return false;
	ret = gnutls_handshake(tc->session);
	if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED ||
	    (ret < 0 && !gnutls_error_is_fatal(ret))) {
		nlipcd_watch_set(c->d, &c->w, EPOLLRDHUP |
				 (gnutls_record_get_direction(tc->session) ?
				  EPOLLOUT : EPOLLIN));
		return true;
	}
	if (ret < 0) {
		/*
		 * Tell the client why (an alert), and read what it sent
		 * after, so that closing does not reset the connection
		 * before the alert is read.
		 */
		gnutls_alert_send_appropriate(tc->session, ret);
		nlipcd_shut_drained(c->fd);
		nlipcd_client_abort(c, failure(tc, ret, why, sizeof(why)));
		return true;
	}
	tc->established = true;
	c->setup_deadline = 0;
	c->last_rx_ms = nlipcd_now_ms();
	identify(c, tc);
	/* Records that came with the handshake wait inside GnuTLS. */
	nlipcd_client_kick(c);
	return false;
}

static bool tls_pending(const struct nlipcd_client *c)
{
	struct tls_conn *tc = c->kind_priv;

	return tc && tc->established &&
	       gnutls_record_check_pending(tc->session);
}

static ssize_t tls_recv(struct nlipcd_client *c, void *buf, size_t len)
{
	struct tls_conn *tc = c->kind_priv;
	ssize_t n;

	n = gnutls_record_recv(tc->session, buf, len);
	if (n >= 0)
		return n;
	switch (n) {
	case GNUTLS_E_AGAIN:
		return -EAGAIN;
	case GNUTLS_E_INTERRUPTED:
		return -EINTR;
	case GNUTLS_E_PREMATURE_TERMINATION:
		return 0;	/* closed without a close_notify: as an end */
	}
	nlipcd_info("%s: TLS: %s", c->name, gnutls_strerror(n));
	return -EPROTO;
}

static ssize_t tls_send(struct nlipcd_client *c, const void *buf, size_t len)
{
	struct tls_conn *tc = c->kind_priv;
	ssize_t n;

	n = gnutls_record_send(tc->session, buf, len);
	if (n >= 0)
		return n;
	if (n == GNUTLS_E_AGAIN)
		return -EAGAIN;
	if (n == GNUTLS_E_INTERRUPTED)
		return -EINTR;
	nlipcd_debug("%s: TLS: %s", c->name, gnutls_strerror(n));
	return -EPIPE;
}

/*
 * The next message: GnuTLS may hold decrypted bytes that did not fit the
 * last read, which no readable socket announces. Take them first.
 */
static bool tls_take(struct nlipcd_client *c)
{
	bool filled = false, taken;

	if (!nlipcd_client_buffered_message(c) && tls_pending(c)) {
		nlipcd_conn_fill(c);
		filled = true;
	}
	taken = !c->closing && nlipcd_conn_take(c);
	if (filled)
		nlipcd_conn_settle(c);
	return taken;
}

const struct nlipcd_kind_ops nlipcd_kind_tls = {
	.inet_scheme = "tls",
	.sndbuf = NLIPCD_CONN_SNDBUF,
	.ready = nlipcd_client_accept,
	.init = tls_init,
	.fini = tls_fini,
	.handshake = tls_handshake,
	.pending = tls_pending,
	.recv = tls_recv,
	.send = tls_send,
	.read = nlipcd_conn_read,
	.take = tls_take,
	.flush = nlipcd_conn_flush,
};
