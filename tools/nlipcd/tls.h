/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls:// listeners (tls.c): TLS 1.3 with client certificates, through
 * GnuTLS. The server's certificate and key, the CA client certificates
 * must chain to, and the fingerprints of the certificates that may write.
 */
#ifndef _NLIPCD_TLS_H
#define _NLIPCD_TLS_H

struct nlipcd;

/* SHA-256 of a certificate's DER. */
#define NLIPCD_TLS_FP_LEN	32

struct nlipcd_tls_opts {
	const char *ca;
	const char *cert;
	const char *key;
	unsigned char (*allow)[NLIPCD_TLS_FP_LEN];	/* --allow-cert */
	unsigned int n_allow;
};

int nlipcd_tls_parse_fingerprint(const char *arg,
				 unsigned char fp[NLIPCD_TLS_FP_LEN]);
int nlipcd_tls_init(struct nlipcd *d, struct nlipcd_tls_opts *o);
void nlipcd_tls_uninit(struct nlipcd *d);

#endif /* _NLIPCD_TLS_H */
