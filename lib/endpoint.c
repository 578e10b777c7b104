// SPDX-License-Identifier: LGPL-2.1-or-later
/* Endpoints: opened from a URL through the table of transports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "internal.h"

static const struct nlipc_transport *const transports[] = {
	&nlipc_transport_netlink,
	&nlipc_transport_unix,
	&nlipc_transport_unix_seqpacket,
	&nlipc_transport_unix_dgram,
	&nlipc_transport_tcp,
	&nlipc_transport_udp,
	&nlipc_transport_tls,
	&nlipc_transport_ssh,
};

#define N_TRANSPORTS	(sizeof(transports) / sizeof(transports[0]))

static const struct nlipc_transport *find_transport(struct nlipc *ep,
						    const char *scheme)
{
	char known[128] = "";
	size_t i, len = 0;

	for (i = 0; i < N_TRANSPORTS; i++)
		if (!strcmp(transports[i]->scheme, scheme))
			return transports[i];
	for (i = 0; i < N_TRANSPORTS && len < sizeof(known); i++)
		len += snprintf(known + len, sizeof(known) - len, "%s%s",
				i ? ", " : "", transports[i]->scheme);
	nlipc_fail(ep, -EPROTONOSUPPORT, "unknown scheme '%s:' (known: %s)",
		   scheme, known);
	return NULL;
}

/*
 * Start the sequence numbers somewhere unpredictable: nlipcd remembers
 * answered seqs per UDP peer address, and a new socket may get the
 * address (and port) a recent one had.
 */
static uint32_t first_seq(void)
{
	uint32_t seq;

	if (getrandom(&seq, sizeof(seq), GRND_NONBLOCK) != sizeof(seq))
		seq = time(NULL) ^ ((uint32_t)getpid() << 16);
	return seq;
}

static int endpoint_connect(struct nlipc *ep, const char *url)
{
	struct nlipc_url u;
	int err;

	snprintf(ep->url, sizeof(ep->url), "%s", url && *url ? url : "netlink:");
	err = nlipc_url_parse(&u, url, ep->err.msg, sizeof(ep->err.msg));
	if (err)
		return ep->err.code = err;

	ep->tp = find_transport(ep, u.scheme);
	if (!ep->tp)
		return ep->err.code;
	err = nlipc_rx_reserve(ep, ep->tp->dgram_max);
	if (err) {
		ep->tp = NULL;
		return nlipc_fail(ep, err, "out of memory");
	}

	err = ep->tp->open(ep, &u);
	if (err)
		goto err_forget_transport;
	err = ep->tp->resolve ? ep->tp->resolve(ep) : 0;
	if (err)
		goto err_close_transport;
	return 0;

err_close_transport:
	ep->tp->close(ep);
err_forget_transport:
	ep->tp = NULL;
	return err;
}

/**
 * nlipc_open - connect to the nlipc service
 * @ep: receives the endpoint
 * @url: where the service is: "netlink:" (or NULL) for the kernel module,
 *	"unix:/path", "unix:@name", "unix+seqpacket:", "unix+dgram:",
 *	"tcp://host:port", "udp://host:port", "tls://host:port" (see
 *	nlipc_open_tls()) or "ssh://[user@]host[:port][/socket]" for nlipcd
 * @err: if not NULL, receives the reason on failure
 *
 * Resolves the family on the way, so a missing module or daemon is
 * reported here, with a hint in the error record. Returns 0, or a negative
 * errno: -ENOENT (family not registered, or no socket at a unix: path),
 * -ECONNREFUSED (nothing listens there), -ETIMEDOUT, -EINVAL (bad URL),
 * -ENAMETOOLONG (socket path too long), -EHOSTUNREACH (host name not
 * resolved), -EPROTO (nlipcd differs in byte order), -EPROTONOSUPPORT
 * (unknown scheme), -ENOMEM.
 */
NLIPC_EXPORT int nlipc_open(struct nlipc **ep, const char *url,
			    struct nlipc_error *err)
{
	return nlipc_open_timeout(ep, url, NLIPC_DEFAULT_TIMEOUT_MS, err);
}

/* Keep a copy of each file name given; the rest come from the environment. */
static int tls_files_keep(struct nlipc *ep, const struct nlipc_tls_files *tls)
{
	if (!tls)
		return 0;
	if (tls->ca && !(ep->tls.ca = strdup(tls->ca)))
		return -ENOMEM;
	if (tls->cert && !(ep->tls.cert = strdup(tls->cert)))
		return -ENOMEM;
	if (tls->key && !(ep->tls.key = strdup(tls->key)))
		return -ENOMEM;
	return 0;
}

static int endpoint_open(struct nlipc **ep, const char *url, int timeout_ms,
			 const struct nlipc_tls_files *tls, const char *family,
			 struct nlipc_error *err)
{
	struct nlipc *e;
	int ret;

	*ep = NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		goto err_nomem;
	e->fd = -1;
	e->family_name = family;
	e->timeout_ms = timeout_ms;
	nlipc_rtt_init(&e->rtt);
	e->seq = first_seq();
	e->tx = malloc(NLIPC_TX_SIZE);
	e->rx = malloc(NLIPC_RX_SIZE);
	if (!e->tx || !e->rx || tls_files_keep(e, tls))
		goto err_free;
	e->rx_size = NLIPC_RX_SIZE;
	nlipc_error_clear(e);

	ret = endpoint_connect(e, url);
	if (ret) {
		if (err)
			*err = e->err;
		nlipc_close(e);
		return ret;
	}
	*ep = e;
	return 0;

err_free:
	nlipc_close(e);
err_nomem:
	if (err) {
		memset(err, 0, sizeof(*err));
		err->code = -ENOMEM;
		err->attr = err->missing_attr = -1;
	}
	return -ENOMEM;
}

/**
 * nlipc_open_timeout - nlipc_open() with the endpoint's timeout set first
 * @ep: receives the endpoint
 * @url: as for nlipc_open()
 * @timeout_ms: bounds connecting and resolving, then every call; -1: none
 * @err: if not NULL, receives the reason on failure
 *
 * Returns as nlipc_open() does.
 */
NLIPC_EXPORT int nlipc_open_timeout(struct nlipc **ep, const char *url,
				    int timeout_ms, struct nlipc_error *err)
{
	return endpoint_open(ep, url, timeout_ms, NULL, NLIPC_FAMILY_NAME, err);
}

/**
 * nlipc_open_tls - nlipc_open_timeout() with the files a tls:// URL uses
 * @ep: receives the endpoint
 * @url: as for nlipc_open(); "tls://host:port" uses @tls
 * @timeout_ms: bounds connecting, the TLS handshake and resolving, then
 *	every call; -1: none
 * @tls: the CA, certificate and key files; NULL, or a NULL member: from
 *	the environment (NLIPC_TLS_CA, NLIPC_TLS_CERT, NLIPC_TLS_KEY)
 * @err: if not NULL, receives the reason on failure
 *
 * The server's certificate must chain to the CA and name the URL's host.
 * Returns as nlipc_open() does, and for tls:// -EKEYREJECTED (the
 * server's certificate is not trusted or names another host), -EACCES
 * (nlipcd refused ours, or we gave none), -EPROTO (the TLS handshake
 * failed otherwise), -ENOENT or -EINVAL (a file is missing or unusable).
 */
NLIPC_EXPORT int nlipc_open_tls(struct nlipc **ep, const char *url,
				int timeout_ms,
				const struct nlipc_tls_files *tls,
				struct nlipc_error *err)
{
	return endpoint_open(ep, url, timeout_ms, tls, NLIPC_FAMILY_NAME, err);
}

/**
 * nlipc_open_genl - open an endpoint to the generic netlink controller
 * @ep: receives the endpoint
 * @url: as for nlipc_open(): the kernel's controller over netlink:, or
 *	nlipcd's, which answers for the families it bridges (nlipcd(8),
 *	--bridge-family)
 * @timeout_ms: bounds connecting, then every call; -1: none
 * @err: if not NULL, receives the reason on failure
 *
 * As nlipc_open_timeout(), but the endpoint is the controller's
 * (GENL_ID_CTRL), not the nlipc family's: requests to any family are
 * built with nlipc_msg_start_family() once its id is known from the
 * controller's CTRL_CMD_GETFAMILY. Over nlipcd, the first exchange asks
 * for the controller itself, which proves the daemon is there and shares
 * our byte order. Returns as nlipc_open() does (-ENOENT: a daemon that
 * bridges no families and answers no controller).
 */
NLIPC_EXPORT int nlipc_open_genl(struct nlipc **ep, const char *url,
				 int timeout_ms, struct nlipc_error *err)
{
	return endpoint_open(ep, url, timeout_ms, NULL, NLIPC_CTRL_FAMILY_NAME,
			     err);
}

/**
 * nlipc_open_genl_tls - nlipc_open_genl() with the files a tls:// URL uses
 * @ep: receives the endpoint
 * @url: as for nlipc_open_genl()
 * @timeout_ms: as for nlipc_open_tls()
 * @tls: as for nlipc_open_tls()
 * @err: if not NULL, receives the reason on failure
 *
 * Returns as nlipc_open_genl() and nlipc_open_tls() do.
 */
NLIPC_EXPORT int nlipc_open_genl_tls(struct nlipc **ep, const char *url,
				     int timeout_ms,
				     const struct nlipc_tls_files *tls,
				     struct nlipc_error *err)
{
	return endpoint_open(ep, url, timeout_ms, tls, NLIPC_CTRL_FAMILY_NAME,
			     err);
}

/** nlipc_close - close an endpoint and free it; NULL is ignored */
NLIPC_EXPORT void nlipc_close(struct nlipc *ep)
{
	if (!ep)
		return;
	if (ep->tp)
		ep->tp->close(ep);
	free(ep->tls.ca);
	free(ep->tls.cert);
	free(ep->tls.key);
	free(ep->tx);
	free(ep->rx);
	free(ep);
}

/**
 * nlipc_fd - the endpoint's file descriptor, for poll() or epoll
 * @ep: the endpoint
 *
 * Readable when a reply or notification is waiting. Do not read or write
 * it yourself.
 */
NLIPC_EXPORT int nlipc_fd(const struct nlipc *ep)
{
	return ep->fd;
}

/**
 * nlipc_set_timeout - bound every blocking call on the endpoint
 * @ep: the endpoint
 * @timeout_ms: milliseconds, or -1 to wait forever
 */
NLIPC_EXPORT void nlipc_set_timeout(struct nlipc *ep, int timeout_ms)
{
	ep->timeout_ms = timeout_ms;
}

/** nlipc_url - the URL the endpoint was opened with */
NLIPC_EXPORT const char *nlipc_url(const struct nlipc *ep)
{
	return ep->url;
}

/**
 * nlipc_transport_info - what carries the endpoint's messages
 * @ep: the endpoint
 *
 * For tls://, the session: TLS version, key exchange and cipher, and
 * whether the kernel (kTLS) or the library makes the records, e.g.
 * "TLS1.3 (ECDHE-X25519)-(EdDSA-Ed25519)-(AES-256-GCM), records in user
 * space". Returns a string the endpoint owns, valid until it is closed,
 * or NULL for transports with nothing to add to their URL.
 */
NLIPC_EXPORT const char *nlipc_transport_info(const struct nlipc *ep)
{
	return ep->tp && ep->tp->describe ? ep->tp->describe(ep) : NULL;
}

/** nlipc_version - the library's version string */
NLIPC_EXPORT const char *nlipc_version(void)
{
	return PACKAGE_VERSION;
}
