#!/bin/sh
# The conformance suite against nlipcd's user backend, over every
# transport at once (tls:// with throwaway certificates): one daemon
# listening on all of them, the suite run once per URL, each result
# renumbered into one TAP stream.
. "$top_srcdir/tests/tap.sh"
daemon="$top_builddir/tools/nlipcd/nlipcd"
suite="$top_builddir/tests/conformance/conformance"
dir=$(mktemp -d)
# Below the ephemeral range (32768 on), where client sockets in
# TIME_WAIT would make the bind fail.
port=$((10000 + $$ % 20000))
urls="unix:$dir/s unix:@nlipc-conf-$$ unix+seqpacket:$dir/sp unix+dgram:$dir/dg
tcp://127.0.0.1:$port tcp://[::1]:$port udp://127.0.0.1:$port udp://[::1]:$port"

# tls:// too where openssl makes the certificates (tests/tls-certs.sh):
# the suite's endpoints take them from the environment.
tls=
if command -v openssl >/dev/null; then
	. "$top_srcdir/tests/tls-certs.sh"
	if tls_ca ca && tls_cert server ca "subjectAltName=IP:127.0.0.1,IP:::1
extendedKeyUsage=serverAuth" &&
	   tls_cert client ca "extendedKeyUsage=clientAuth"; then
		tls="--tls-cert $dir/server.pem --tls-key $dir/server.key --tls-ca $dir/ca.pem"
		urls="$urls tls://127.0.0.1:$((port + 1)) tls://[::1]:$((port + 1))"
		export NLIPC_TLS_CA="$dir/ca.pem" NLIPC_TLS_CERT="$dir/client.pem" \
			NLIPC_TLS_KEY="$dir/client.key"
	else
		echo "# no tls:// run: openssl cannot make the certificates: $(tail -n1 "$dir/openssl.log")"
	fi
fi

# shellcheck disable=SC2086
"$daemon" --backend user --allow-remote-write --quiet $tls $urls 2>"$dir/log" &
pid=$!
trap '[ -z "$pid" ] || kill $pid 2>/dev/null; wait; rm -rf "$dir"' EXIT
i=0
while [ ! -S "$dir/dg" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

for url in $urls; do
	NLIPC_URL=$url "$suite" >"$dir/out" 2>&1
	tap_renumber "$url: " <"$dir/out"
done
# nlipcd lived through it all, and stops cleanly: exit status 0 on
# SIGTERM (in make check-sanitizers, a finding at exit, a leak, changes it).
if kill $pid 2>/dev/null; then
	wait $pid
	rc=$?
	ok_status $rc "nlipcd stops cleanly on SIGTERM (exit status $rc)"
else
	wait $pid
	rc=$?
	not_ok "nlipcd died during the suite (exit status $rc)"
fi
pid=
[ $rc -eq 0 ] || tail -n 20 "$dir/log" | sed 's/^/# nlipcd: /'
plan
