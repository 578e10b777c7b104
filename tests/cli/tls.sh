#!/bin/sh
# tls:// for real: a throwaway CA, server and client certificates made
# with openssl, nlipcd's user backend on a loopback tls:// listener with
# one client certificate allowed to write, and nlipc against it. Mutual
# authentication, rights by certificate, messages larger than a record,
# notifications, the refusals (another CA, another name, no certificate,
# a certificate of another CA or forged in its name, a plain TCP server),
# each in one clear line, and silent peers: a server that never answers
# (the call's deadline), a client that never speaks (blocks no one).
nlipc=$top_builddir/tools/nlipc/nlipc
nlipcd=$top_builddir/tools/nlipcd/nlipcd
. "$top_srcdir/tests/tap.sh"
command -v openssl >/dev/null || skip_all "no openssl (to make the certificates)"
command -v python3 >/dev/null || skip_all "no python3 (the silent peers)"

dir=$(mktemp -d) || exit 1
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$dir"
}
trap cleanup EXIT

. "$top_srcdir/tests/tls-certs.sh"
{
	# The impostor takes the CA's name: its certificates are offered.
	tls_ca ca && tls_ca otherca && tls_ca impostor ca &&
	tls_cert server ca "subjectAltName=DNS:localhost
extendedKeyUsage=serverAuth" &&
	tls_cert writer ca "extendedKeyUsage=clientAuth" &&
	tls_cert reader ca "extendedKeyUsage=clientAuth" &&
	tls_cert stranger otherca "extendedKeyUsage=clientAuth" &&
	tls_cert forged impostor "extendedKeyUsage=clientAuth"
} || skip_all "openssl cannot make the certificates: $(tail -n1 "$dir/openssl.log")"

port=$((20000 + $$ % 10000))
tcp_port=$((port + 1))
silent_port=$((port + 2))
# localhost may be ::1 first: refused there, 127.0.0.1 answers.
"$nlipcd" --backend user --idle-timeout 3 \
	--tls-cert "$dir/server.pem" --tls-key "$dir/server.key" \
	--tls-ca "$dir/ca.pem" --allow-cert "sha256:$(tls_fingerprint writer)" \
	tls://127.0.0.1:$port tcp://127.0.0.1:$tcp_port 2>"$dir/nlipcd.log" &
pids="$pids $!"
# A server that takes connections and never answers.
python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
held = []
while True:
    held.append(s.accept()[0])
' $silent_port 2>/dev/null &
pids="$pids $!"
i=0
until grep -q "ready" "$dir/nlipcd.log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] && kill -0 $pids 2>/dev/null ||
		skip_all "nlipcd did not start: $(tail -n1 "$dir/nlipcd.log")"
	sleep 0.05
done

url=tls://localhost:$port
ca_opt="--tls-ca $dir/ca.pem"
as_writer="$ca_opt --tls-cert $dir/writer.pem --tls-key $dir/writer.key"
as_reader="$ca_opt --tls-cert $dir/reader.pem --tls-key $dir/reader.key"

. "$top_srcdir/tests/cli/monitor.sh"

plan 19
if "$nlipc" -v -c $url $as_writer ping -c 1 >"$dir/out" 2>"$dir/err" &&
   grep -q "TLS1.3" "$dir/err" && grep -q "records in" "$dir/err"; then
	ok "ping over tls:// with a client certificate: $(cat "$dir/err")"
else
	not_ok "ping over tls://"; show "$dir/out"; show "$dir/err"
fi

if "$nlipc" -c $url $as_writer kv set --create k secret >"$dir/out" 2>&1 &&
   [ "$("$nlipc" -c tcp://127.0.0.1:$tcp_port kv get k)" = secret ]; then
	ok "an allowed certificate writes"
else
	not_ok "an allowed certificate writes"; show "$dir/out"
fi

# Larger than a record (16 KiB): split and joined again on both ends.
if "$nlipc" -c $url $as_writer ping -c 1 -s 65000 -r 65000 >"$dir/out" 2>&1; then
	ok "a 64 KiB ping and answer cross several TLS records"
else
	not_ok "a 64 KiB ping over tls://"; show "$dir/out"
fi

# One receive per reply, as over tcp://: GnuTLS on its own reads each
# record's header and body apart. Counted as the extra receives of 200
# more pings, start-up (the files read) the same in both runs.
receives() {
	# LeakSanitizer cannot work under ptrace (make check-sanitizers).
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	strace -qq -e trace=recvfrom,recvmsg -o "$dir/trace" \
		"$nlipc" -c $url $as_writer ping -c "$1" -i 0 >/dev/null 2>&1 &&
		grep -cE '^(recvfrom|recvmsg)\(' "$dir/trace"
}
if ! command -v strace >/dev/null; then
	skip_point "one receive per reply over tls://" "strace is not installed"
elif few=$(receives 100) && many=$(receives 300) &&
     [ $((many - few)) -ge 200 ] && [ $((many - few)) -le 220 ]; then
	ok "one receive per reply over tls:// ($((many - few)) for 200 pings)"
else
	not_ok "one receive per reply over tls:// (${few:-?} for 100 pings, ${many:-?} for 300)"
fi

# Many requests in a row: nlipcd reads records into what room it has, and
# GnuTLS keeps the rest decrypted, which no readable socket announces.
i=0
while [ $i -lt 3000 ]; do
	echo "kv set --create batch/key-with-a-longer-name-$i value-$i-and-some-padding"
	i=$((i + 1))
done >"$dir/batch"
if "$nlipc" -t 20 -c $url $as_writer -b "$dir/batch" >"$dir/out" 2>&1 &&
   [ "$("$nlipc" -c $url $as_writer kv list batch/ | wc -l)" -eq 3000 ]; then
	ok "3000 writes in a row over tls:// all arrive"
else
	not_ok "3000 writes in a row over tls://"; show "$dir/out"
fi

# Notifications: a monitor over tls:// sees another client's write.
"$nlipc" -c $url $as_reader monitor events -c 1 --duration 10 \
	>"$dir/mon" 2>&1 &
mon=$!
pids="$pids $mon"
if monitor_sees_write "$dir/mon" $mon "$nlipc" -c $url $as_writer; then
	ok "monitor over tls:// sees a write: $(head -n1 "$dir/mon")"
else
	not_ok "monitor over tls://"; show "$dir/mon"
fi

# The environment gives the files as the options do.
if out=$(NLIPC_TLS_CA=$dir/ca.pem NLIPC_TLS_CERT=$dir/reader.pem \
	 NLIPC_TLS_KEY=$dir/reader.key "$nlipc" -c $url kv get k 2>&1) &&
   [ "$out" = secret ]; then
	ok "another certificate of the CA reads (files from NLIPC_TLS_*)"
else
	not_ok "another certificate reads: $out"
fi

# Any family's spec mode takes the same options.
if out=$("$nlipc" -c $url $as_reader --spec "$top_srcdir/spec/nlipc.yaml" \
	--do kv-get --json '{"key": "6b"}' 2>&1) &&
   printf '%s\n' "$out" | grep -qx "value: $(printf secret | od -An -tx1 | tr -d ' \n')"; then
	ok "nlipc --spec over tls:// with the files as options"
else
	not_ok "nlipc --spec over tls://: $out"
fi

if "$nlipc" -c $url $as_reader kv set k changed >"$dir/out" 2>&1; then
	not_ok "a certificate not allowed cannot write"; show "$dir/out"
elif grep -q "read-only: nlipcd lets only the certificates of --allow-cert write, not sha256:$(tls_fingerprint reader)" "$dir/out" &&
     [ "$("$nlipc" -c $url $as_reader kv get k)" = secret ]; then
	ok "a certificate not allowed cannot write: $(cat "$dir/out")"
else
	not_ok "a certificate not allowed: a clear error"; show "$dir/out"
fi

# Refusals: one line each, and the right exit code.
fails() {
	what=$1 code=$2 want=$3
	shift 3
	"$@" >"$dir/out" 2>&1
	rc=$?
	if [ $rc -eq $code ] && [ "$(wc -l <"$dir/out")" -eq 1 ] &&
	   grep -q "$want" "$dir/out"; then
		ok "$what: $(cat "$dir/out")"
	else
		not_ok "$what: exit $code (got $rc), one line with '$want'"
		show "$dir/out"
	fi
}
fails "a server of another CA is refused" 3 \
	"server's certificate is not accepted: .*issuer is unknown" \
	"$nlipc" -c $url --tls-ca "$dir/otherca.pem" \
	--tls-cert "$dir/writer.pem" --tls-key "$dir/writer.key" ping
fails "a server of another name is refused" 3 \
	"server's certificate is not accepted: .*name in the certificate does not match" \
	"$nlipc" -c tls://127.0.0.1:$port $as_writer ping
fails "a client without a certificate is refused" 3 \
	"nlipcd requires a client certificate" \
	"$nlipc" -c $url $ca_opt ping
fails "a client certificate of another CA is not even offered" 3 \
	"nlipcd wants a client certificate of a CA it trusts" \
	"$nlipc" -c $url $ca_opt --tls-cert "$dir/stranger.pem" \
	--tls-key "$dir/stranger.key" ping
fails "a client certificate forged in the CA's name is refused" 3 \
	"nlipcd refused our certificate" \
	"$nlipc" -c $url $ca_opt --tls-cert "$dir/forged.pem" \
	--tls-key "$dir/forged.key" ping
fails "a plain tcp:// listener is no TLS server" 3 \
	"TLS" "$nlipc" -c tls://localhost:$tcp_port $as_writer ping
if grep -q "no client certificate" "$dir/nlipcd.log" &&
   grep -q "client certificate refused" "$dir/nlipcd.log"; then
	ok "nlipcd logs why it refused: $(grep -m1 'client certificate refused' "$dir/nlipcd.log")"
else
	not_ok "nlipcd logs its refusals"; show "$dir/nlipcd.log"
fi

# A silent server: the handshake gives up with the call's deadline.
start=$(date +%s%N)
"$nlipc" -t 1 -c tls://127.0.0.1:$silent_port $as_writer ping \
	>"$dir/out" 2>&1
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
if [ $rc -eq 4 ] && [ $ms -lt 3000 ]; then
	ok "a silent server: -t 1 gives up in $ms ms: $(cat "$dir/out")"
else
	not_ok "a silent server: exit 4 within -t 1 (exit $rc, $ms ms)"
	show "$dir/out"
fi

# A client that connects and never speaks: others are served meanwhile,
# and nlipcd closes it at its handshake deadline (--idle-timeout 3).
python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("connected", flush=True)
s.settimeout(10)
start = time.time()
try:
    gone = s.recv(100) == b""
except OSError:
    gone = True
print("closed" if gone else "data", "after %.1f s" % (time.time() - start))
' $port >"$dir/silent" 2>&1 &
silent=$!
# Connected first: nlipcd accepts it before the ping's connection.
i=0
until grep -q "^connected" "$dir/silent" || [ $i -ge 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
start=$(date +%s%N)
"$nlipc" -t 2 -c $url $as_writer ping -c 1 >"$dir/out" 2>&1
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
wait $silent
if [ $rc -eq 0 ] && [ $ms -lt 2000 ] && grep -q "^closed after [2-6]\." "$dir/silent"; then
	ok "a silent client blocks no one (ping in $ms ms) and is dropped: $(tail -n1 "$dir/silent")"
else
	not_ok "a silent client: ping exit $rc in $ms ms, then dropped"
	show "$dir/out"; show "$dir/silent"; show "$dir/nlipcd.log"
fi

# The server's key readable by root alone: nlipcd reads it before --user
# drops root. Beyond loopback with writes allowed, no plaintext warning.
if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	skip_point "nlipcd --user nobody serves tls:// with a key only root reads" \
		"--user nobody needs root and user nobody"
else
	chmod 600 "$dir/server.key"
	chmod 755 "$dir"
	dropped=$((port + 3))
	"$nlipcd" --backend user --user nobody --allow-remote-write \
		--tls-cert "$dir/server.pem" --tls-key "$dir/server.key" \
		--tls-ca "$dir/ca.pem" "tls://*:$dropped" 2>"$dir/dropped.log" &
	pids="$pids $!"
	i=0
	until grep -q "ready" "$dir/dropped.log" 2>/dev/null || [ $i -ge 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if "$nlipc" -c tls://localhost:$dropped $as_reader kv set --create d x \
		>"$dir/out" 2>&1 &&
	   ! grep -q "plaintext" "$dir/dropped.log"; then
		ok "nlipcd --user nobody serves tls:// with a key only root reads"
	else
		not_ok "nlipcd --user nobody over tls://"; show "$dir/out"
		show "$dir/dropped.log"
	fi
fi
