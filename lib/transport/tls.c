// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tls://host:port: nlipcd over TLS 1.3 on TCP. The connection is made as
 * tcp:// makes it (inet.c), then a TLS handshake, bounded by the same
 * deadline, proves the server: its certificate must chain to the CA we
 * are given (else the system's trust store) and name the URL's host.
 * We present a certificate of our own if given one: nlipcd refuses
 * clients without, and lets those it knows by fingerprint write.
 *
 * GnuTLS (doc/bridge.md says why) makes the records; where it is built
 * with kTLS and the kernel has the "tls" ULP, it hands them to the kernel
 * after the handshake, and nlipc_transport_info() says which happened.
 * The handshake runs on a non-blocking socket, each wait a poll() by the
 * deadline. Then, records in user space, the socket blocks and the
 * records come through tls_pull(): one nlipc_recvmsg() under the call's
 * deadline, as tcp:// receives, where GnuTLS would read a header and a
 * body. The stream framing above is sock.c's, through struct
 * nlipc_sock_io.
 *
 * Environment: NLIPC_TLS_CA, NLIPC_TLS_CERT, NLIPC_TLS_KEY for the files
 * nlipc_open_tls() was not given.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/socket.h>

#include "../internal.h"
#include "../bridge.h"
#include "sock.h"


/* A TLS 1.3 record, header and all, at most: what one read takes. */
#define TLS_RECORD_MAX	(5 + 16384 + 256)

struct tls {
	gnutls_session_t session;
	struct nlipc *ep;
	/* Read ahead of GnuTLS by tls_pull(), for the receive by until. */
	unsigned char *ahead;
	size_t ahead_off, ahead_len;
	long long until;
	ssize_t pull_err;	/* why tls_pull() could not: -errno */
	bool handshaken;
	bool have_cert;		/* we present one */
	char info[200];		/* nlipc_transport_info() */
};

static const char *file_of(const char *given, const char *env)
{
	const char *v;

	if (given)
		return given;
	v = getenv(env);
	return v && *v ? v : NULL;
}

static bool is_cert_alert(gnutls_alert_description_t a)
{
	switch (a) {
	case GNUTLS_A_BAD_CERTIFICATE:
	case GNUTLS_A_UNSUPPORTED_CERTIFICATE:
	case GNUTLS_A_CERTIFICATE_REVOKED:
	case GNUTLS_A_CERTIFICATE_EXPIRED:
	case GNUTLS_A_CERTIFICATE_UNKNOWN:
	case GNUTLS_A_UNKNOWN_CA:
	case GNUTLS_A_ACCESS_DENIED:
		return true;
	default:
		return false;
	}
}

/* Say what GnuTLS's @ret means for someone running nlipc; an errno. */
static int tls_fail(struct nlipc *ep, struct tls *t, int ret)
{
	gnutls_alert_description_t alert;
	gnutls_datum_t out;
	unsigned int status;
	int err;

	switch (ret) {
	case GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR:
		status = gnutls_session_get_verify_cert_status(t->session);
		if (gnutls_certificate_verification_status_print(status,
				GNUTLS_CRT_X509, &out, 0) < 0)
			return nlipc_fail(ep, -EKEYREJECTED,
					  "%s: the server's certificate is not accepted",
					  ep->url);
		/* GnuTLS ends each sentence with a space. */
		while (out.size && out.data[out.size - 1] == ' ')
			out.data[--out.size] = '\0';
		err = nlipc_fail(ep, -EKEYREJECTED,
				 "%s: the server's certificate is not accepted: %s",
				 ep->url, out.data);
		gnutls_free(out.data);
		return err;
	case GNUTLS_E_FATAL_ALERT_RECEIVED:
		alert = gnutls_alert_get(t->session);
		/* GnuTLS offers ours only if its CA is one nlipcd names. */
		if (alert == GNUTLS_A_CERTIFICATE_REQUIRED && t->have_cert)
			return nlipc_fail(ep, -EACCES,
					  "%s: nlipcd wants a client certificate of a CA it trusts, and ours is of none",
					  ep->url);
		if (alert == GNUTLS_A_CERTIFICATE_REQUIRED)
			return nlipc_fail(ep, -EACCES,
					  "%s: nlipcd requires a client certificate: give one with --tls-cert and --tls-key (NLIPC_TLS_CERT, NLIPC_TLS_KEY)",
					  ep->url);
		if (is_cert_alert(alert))
			return nlipc_fail(ep, -EACCES,
					  "%s: nlipcd refused our certificate (%s): is it signed by a CA nlipcd trusts?",
					  ep->url, gnutls_alert_get_name(alert));
		return nlipc_fail(ep, -EPROTO, "%s: nlipcd ended the TLS session: %s",
				  ep->url, gnutls_alert_get_name(alert));
	case GNUTLS_E_PREMATURE_TERMINATION:
	case GNUTLS_E_PULL_ERROR:
	case GNUTLS_E_PUSH_ERROR:
		if (t->handshaken)
			return nlipc_fail(ep, -ECONNRESET,
					  "nlipcd closed the connection");
		return nlipc_fail(ep, -EPROTO,
				  "%s: the connection closed during the TLS handshake: nlipcd refused it (over a limit?), or no tls:// listener answers there",
				  ep->url);
	case GNUTLS_E_UNEXPECTED_PACKET_LENGTH:
	case GNUTLS_E_UNEXPECTED_PACKET:
	case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
		if (!t->handshaken)
			return nlipc_fail(ep, -EPROTO,
					  "%s: the server does not speak TLS 1.3 (%s): is it a tcp:// listener?",
					  ep->url, gnutls_strerror(ret));
		break;
	}
	return nlipc_fail(ep, -EPROTO, "%s: TLS: %s", ep->url,
			  gnutls_strerror(ret));
}

/*
 * A record GnuTLS could not send at once is made and held: it must go
 * before anything else, so we wait for room here, by the call's
 * deadline, rather than return -EAGAIN and risk being called with other
 * bytes. Past the deadline the stream is given up.
 */
static ssize_t tls_send(struct nlipc *ep, void *priv, const void *buf,
			size_t len)
{
	struct tls *t = priv;
	ssize_t n;
	int err;

	for (;;) {
		n = gnutls_record_send(t->session, buf, len);
		if (n >= 0)
			return n;
		if (n != GNUTLS_E_AGAIN && n != GNUTLS_E_INTERRUPTED)
			return tls_fail(ep, t, n);
		err = nlipc_poll(ep->fd, POLLOUT, ep->deadline);
		if (err)
			return nlipc_fail(ep, err,
					  "could not send a whole request within %d ms; the connection is given up",
					  ep->timeout_ms);
	}
}

/*
 * GnuTLS reads the socket only when it has nothing decrypted left: ask it
 * first. With tls_pull() it waits there, by @until; without (kTLS), poll
 * when it says the socket is empty.
 */
static ssize_t tls_recv(struct nlipc *ep, void *priv, void *buf, size_t len,
			long long until)
{
	struct tls *t = priv;
	ssize_t n;
	int err;

	t->until = until;
	for (;;) {
		n = gnutls_record_recv(t->session, buf, len);
		if (n >= 0)
			return n;
		if (n != GNUTLS_E_AGAIN && n != GNUTLS_E_INTERRUPTED)
			return tls_fail(ep, t, n);
		if (n == GNUTLS_E_INTERRUPTED)
			continue;
		if (t->ahead)
			return t->pull_err;	/* -ETIMEDOUT */
		err = nlipc_poll(ep->fd, POLLIN, until);
		if (err)
			return err;
	}
}

/*
 * GnuTLS asks for a record's 5-byte header, then for its body, a read
 * each: read what the socket holds once, up to a whole record, and serve
 * both from it. The wait is nlipc_recvmsg()'s, on the blocking socket;
 * its timeout is GnuTLS's EAGAIN, the record kept for the next call.
 */
static ssize_t tls_pull(gnutls_transport_ptr_t p, void *data, size_t size)
{
	struct tls *t = p;
	struct iovec iov = { .iov_base = t->ahead, .iov_len = TLS_RECORD_MAX };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (t->ahead_off == t->ahead_len) {
		n = nlipc_recvmsg(t->ep, &mh, 0, t->until);
		if (n < 0) {
			t->pull_err = n;
			gnutls_transport_set_errno(t->session,
						   n == -ETIMEDOUT ? EAGAIN : -n);
			return -1;
		}
		t->ahead_off = 0;
		t->ahead_len = n;
	}
	n = t->ahead_len - t->ahead_off;
	if ((size_t)n > size)
		n = size;
	memcpy(data, t->ahead + t->ahead_off, n);
	t->ahead_off += n;
	return n;
}

/* Sends never block: a full socket is GnuTLS's EAGAIN, tls_send() waits. */
static ssize_t tls_push(gnutls_transport_ptr_t p, const giovec_t *iov,
			int iovcnt)
{
	struct tls *t = p;
	struct msghdr mh = { .msg_iov = (struct iovec *)iov,
			     .msg_iovlen = iovcnt };
	ssize_t n;

	n = sendmsg(t->ep->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0)
		gnutls_transport_set_errno(t->session, errno);
	return n;
}

/* Records in user space: the socket blocks, and they pass tls_pull(). */
static int tls_read_ahead(struct nlipc *ep, struct tls *t)
{
	int fl;

	if (gnutls_transport_is_ktls_enabled(t->session))
		return 0;
	t->ahead = malloc(TLS_RECORD_MAX);
	if (!t->ahead)
		return nlipc_fail(ep, -ENOMEM, "out of memory");
	fl = fcntl(ep->fd, F_GETFL);
	if (fl < 0 || fcntl(ep->fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return nlipc_fail(ep, -errno, "fcntl");
	t->ep = ep;
	gnutls_transport_set_ptr(t->session, t);
	gnutls_transport_set_pull_function(t->session, tls_pull);
	gnutls_transport_set_vec_push_function(t->session, tls_push);
	return 0;
}

static void tls_release(void *priv)
{
	struct tls *t = priv;

	/* A close_notify, if it goes at once; the peer copes without. */
	if (t->handshaken)
		gnutls_bye(t->session, GNUTLS_SHUT_WR);
	gnutls_deinit(t->session);
	free(t->ahead);
	free(t);
}

static const struct nlipc_sock_io tls_io = {
	.send = tls_send,
	.recv = tls_recv,
	.release = tls_release,
};

/* A file we are told to use must be there to read, said so if not. */
static int readable(struct nlipc *ep, const char *what, const char *path)
{
	if (!access(path, R_OK))
		return 0;
	return nlipc_fail(ep, -errno, "%s: cannot read the %s '%s': %s",
			  ep->url, what, path, strerror(errno));
}

/* Into @cred, from the files given or in the environment. */
static int load_credentials(struct nlipc *ep,
			    gnutls_certificate_credentials_t cred)
{
	const char *ca = file_of(ep->tls.ca, "NLIPC_TLS_CA");
	const char *cert = file_of(ep->tls.cert, "NLIPC_TLS_CERT");
	const char *key = file_of(ep->tls.key, "NLIPC_TLS_KEY");
	int ret;

	if (ca) {
		ret = readable(ep, "CA file", ca);
		if (ret)
			return ret;
		ret = gnutls_certificate_set_x509_trust_file(cred, ca,
							     GNUTLS_X509_FMT_PEM);
		if (ret <= 0)
			return nlipc_fail(ep, -EINVAL,
					  "%s: no CA certificate in '%s'%s%s",
					  ep->url, ca, ret ? ": " : "",
					  ret ? gnutls_strerror(ret) : "");
	} else if (gnutls_certificate_set_x509_system_trust(cred) <= 0) {
		return nlipc_fail(ep, -EINVAL,
				  "%s: no CA to check the server's certificate against: give one with --tls-ca (NLIPC_TLS_CA)",
				  ep->url);
	}
	if (!cert && key)
		return nlipc_fail(ep, -EINVAL,
				  "%s: a key without its certificate: give --tls-cert (NLIPC_TLS_CERT) too",
				  ep->url);
	if (!cert)
		return 0;
	ret = readable(ep, "certificate", cert);
	if (!ret && key)
		ret = readable(ep, "key", key);
	if (ret)
		return ret;
	ret = gnutls_certificate_set_x509_key_file(cred, cert,
						   key ? key : cert,
						   GNUTLS_X509_FMT_PEM);
	if (ret < 0)
		return nlipc_fail(ep, -EINVAL,
				  "%s: cannot use the certificate '%s' with the key '%s': %s",
				  ep->url, cert, key ? key : cert,
				  gnutls_strerror(ret));
	return 0;
}

static int session_init(struct nlipc *ep, struct tls *t, const char *host)
{
	unsigned char addr[sizeof(struct in6_addr)];
	const char *where;
	int ret;

	ret = gnutls_init(&t->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK |
				       GNUTLS_NO_SIGNAL);
	if (ret < 0) {
		t->session = NULL;
		return nlipc_fail(ep, -ENOMEM, "TLS: %s", gnutls_strerror(ret));
	}
	ret = gnutls_set_default_priority_append(t->session, NLIPC_BRIDGE_TLS_PRIORITY,
						 &where, 0);
	if (!ret)
		ret = gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE,
					     ep->tls.cred);
	/* A name goes out in the clear (SNI); an address does not. */
	if (!ret && inet_pton(AF_INET, host, addr) != 1 &&
	    inet_pton(AF_INET6, host, addr) != 1)
		ret = gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, host,
					     strlen(host));
	if (ret < 0)
		return nlipc_fail(ep, -EPROTO, "TLS: %s", gnutls_strerror(ret));
	/* The handshake fails unless the chain and the host name check out. */
	gnutls_session_set_verify_cert(t->session, host, 0);
	gnutls_transport_set_int(t->session, ep->fd);
	return 0;
}

static void describe_session(struct tls *t)
{
	unsigned int ktls = gnutls_transport_is_ktls_enabled(t->session);
	char *desc = gnutls_session_get_desc(t->session);
	const char *records;

	if (ktls == GNUTLS_KTLS_DUPLEX)
		records = "records in the kernel (kTLS)";
	else if (ktls)
		records = ktls & GNUTLS_KTLS_SEND ?
			  "records sent by the kernel (kTLS), received in user space" :
			  "records received by the kernel (kTLS), sent in user space";
	else
		records = "records in user space";
	snprintf(t->info, sizeof(t->info), "%s, %s", desc ? desc : "TLS",
		 records);
	gnutls_free(desc);
}

/* The handshake, by @until; its failures explained. */
static int tls_setup(struct nlipc *ep, const struct nlipc_url *url,
		     long long until)
{
	struct tls *t;
	int ret, fl;

	t = calloc(1, sizeof(*t));
	if (!t)
		return nlipc_fail(ep, -ENOMEM, "out of memory");
	t->have_cert = file_of(ep->tls.cert, "NLIPC_TLS_CERT");
	ret = session_init(ep, t, url->host);
	if (ret)
		goto err_free;
	fl = fcntl(ep->fd, F_GETFL);
	if (fl < 0 || fcntl(ep->fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		ret = nlipc_fail(ep, -errno, "fcntl");
		goto err_free;
	}
	do {
		ret = gnutls_handshake(t->session);
		if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
			ret = nlipc_poll(ep->fd,
					 gnutls_record_get_direction(t->session) ?
					 POLLOUT : POLLIN, until);
			if (ret)
				goto err_free;	/* timed out: inet.c says so */
			ret = GNUTLS_E_AGAIN;
		}
	} while (ret < 0 && !gnutls_error_is_fatal(ret));
	if (ret < 0) {
		ret = tls_fail(ep, t, ret);
		goto err_free;
	}
	t->handshaken = true;
	describe_session(t);
	ret = tls_read_ahead(ep, t);
	if (ret)
		goto err_free;
	nlipc_sock_set_io(ep, &tls_io, t);
	return 0;

err_free:
	if (t->session)
		gnutls_deinit(t->session);
	free(t->ahead);
	free(t);
	return ret;
}

static void forget_credentials(struct nlipc *ep)
{
	gnutls_certificate_free_credentials(ep->tls.cred);
	ep->tls.cred = NULL;
}

/*
 * The files are read once, before any address is tried: one that is
 * missing or unusable is reported as such, whether or not a server
 * answers.
 */
static int tls_open(struct nlipc *ep, const struct nlipc_url *url)
{
	gnutls_certificate_credentials_t cred;
	int err;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return nlipc_fail(ep, -ENOMEM, "out of memory");
	ep->tls.cred = cred;
	err = load_credentials(ep, cred);
	if (!err)
		err = nlipc_inet_open(ep, url, SOCK_STREAM, tls_setup);
	if (err)
		forget_credentials(ep);
	return err;
}

/* The session first: it holds on to the credentials. */
static void tls_close(struct nlipc *ep)
{
	nlipc_sock_close(ep);
	forget_credentials(ep);
}

static const char *tls_describe(const struct nlipc *ep)
{
	struct tls *t = nlipc_sock_io_priv(ep);

	return t ? t->info : NULL;
}

const struct nlipc_transport nlipc_transport_tls = {
	.scheme = "tls",
	.open = tls_open,
	.close = tls_close,
	.send = nlipc_sock_send_stream,
	.recv = nlipc_sock_recv_stream,
	.join = nlipc_ctrl_join,
	.join_id = nlipc_ctrl_join_id,
	.describe = tls_describe,
};
