# Throwaway certificates for the tls:// tests, made with openssl in $dir
# (sourced; the caller makes and removes $dir). Each prints nothing and
# fails with openssl's complaint in $dir/openssl.log.

# A self-signed CA: NAME [COMMON-NAME-SUFFIX]; NAME.pem and NAME.key.
tls_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$dir/$1.key" -out "$dir/$1.pem" -days 2 \
		-subj "/CN=nlipc test ${2:-$1}" 2>>"$dir/openssl.log"
}

# A certificate the CA ISSUER signs: NAME ISSUER EXTENSIONS (x509v3 lines).
tls_cert() {
	printf '%s\n' "$3" >"$dir/$1.ext"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$dir/$1.key" -out "$dir/$1.csr" -subj "/CN=$1" \
		2>>"$dir/openssl.log" &&
	openssl x509 -req -in "$dir/$1.csr" -CA "$dir/$2.pem" \
		-CAkey "$dir/$2.key" -CAcreateserial -out "$dir/$1.pem" \
		-days 2 -extfile "$dir/$1.ext" 2>>"$dir/openssl.log"
}

# The SHA-256 fingerprint of NAME's certificate, as --allow-cert takes it.
tls_fingerprint() {
	openssl x509 -in "$dir/$1.pem" -outform DER | sha256sum | cut -d' ' -f1
}
