#!/bin/sh
# nlipcd on the host, user backend: its own behaviour (daemon-tests.py),
# then every stream and datagram transport held to the same answers,
# byte for byte (wire-diff.py). One TAP stream.
. "$top_srcdir/tests/tap.sh"
need_python "no python3"
nlipcd=$top_builddir/tools/nlipcd/nlipcd
dir=$(mktemp -d) || exit 1
pid=
trap '[ -z "$pid" ] || kill $pid 2>/dev/null; rm -rf "$dir"' EXIT

"$py" "$top_srcdir/tests/nlipcd/daemon-tests.py" "$nlipcd" \
	"$top_builddir/tools/nlipc/nlipc" >"$dir/tap" 2>&1
# Below the ephemeral range (32768 on), where client sockets in
# TIME_WAIT would make the bind fail.
port=$((10000 + $$ % 20000))
"$nlipcd" --backend user --allow-remote-write --quiet unix:$dir/s \
	unix+seqpacket:$dir/sp unix+dgram:$dir/dg tcp://127.0.0.1:$port 2>"$dir/log" &
pid=$!
i=0
while [ ! -S "$dir/dg" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
"$py" "$top_srcdir/tests/nlipcd/wire-diff.py" unix:$dir/s unix+seqpacket:$dir/sp \
	unix+dgram:$dir/dg tcp://127.0.0.1:$port >>"$dir/tap" 2>&1
tap_renumber "" <"$dir/tap"
# It lived through the battery, and stops cleanly: exit status 0 on SIGTERM (in
# make check-sanitizers, a finding at exit, a leak, changes it).
if kill $pid 2>/dev/null; then
	wait $pid
	rc=$?
	ok_status $rc "nlipcd stops cleanly on SIGTERM (exit status $rc)"
else
	wait $pid
	rc=$?
	not_ok "nlipcd died during the battery (exit status $rc)"
fi
pid=
[ $rc -eq 0 ] || tail -n 20 "$dir/log" | sed 's/^/# nlipcd: /'
plan
