#!/bin/sh
# Inside nlipc-vm, as root, with the module loaded: the module's answers
# over netlink against nlipcd's, byte for byte, for both backends, on a
# stream and a datagram transport (daemon.sh holds the transports to the
# same answers on the host). TAP on stdout.
# Usage: vm-wire.sh NLIPCD WIRE_DIFF_PY
nlipcd=$1 diff=$2
. "$(dirname "$0")/../tap.sh"
dir=$(mktemp -d /tmp/nlipcd-wire.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
for backend in user kernel; do
	"$nlipcd" --backend $backend --allow-remote-write --log-level warning \
		unix:$dir/s unix+seqpacket:$dir/sp unix+dgram:$dir/dg \
		tcp://127.0.0.1:7499 2>>$dir/log &
	pid=$!
	i=0
	while [ ! -S $dir/dg ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	python3 "$diff" netlink: unix:$dir/s unix+dgram:$dir/dg >$dir/tap 2>&1
	kill -TERM $pid
	wait $pid
	tap_renumber "$backend backend, " <$dir/tap
done
sed 's/^/# nlipcd: /' $dir/log
plan
