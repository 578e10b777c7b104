#!/bin/sh
# The conformance suite against nlipcd's user backend, over every
# transport at once: one daemon listening on all of them, the suite run
# once per URL, each result renumbered into one TAP stream.
. "$top_srcdir/tests/tap.sh"
daemon="$top_builddir/tools/nlipcd/nlipcd"
suite="$top_builddir/tests/conformance/conformance"
dir=$(mktemp -d)
# Below the ephemeral range (32768 on), where client sockets in
# TIME_WAIT would make the bind fail.
port=$((10000 + $$ % 20000))
urls="unix:$dir/s unix:@nlipc-conf-$$ unix+seqpacket:$dir/sp unix+dgram:$dir/dg
tcp://127.0.0.1:$port tcp://[::1]:$port udp://127.0.0.1:$port udp://[::1]:$port"

# shellcheck disable=SC2086
"$daemon" --backend user --allow-remote-write --quiet $urls 2>"$dir/log" &
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
