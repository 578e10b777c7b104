#!/bin/sh
# Inside nlipc-vm, as root, with the module loaded: the module's answers
# over netlink against nlipcd's, byte for byte, for both backends, on a
# stream and a datagram transport (daemon.sh holds the transports to the
# same answers on the host). TAP on stdout.
# Usage: vm-wire.sh NLIPCD WIRE_DIFF_PY
nlipcd=$1 diff=$2
dir=$(mktemp -d /tmp/nlipcd-wire.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
n=0
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
	grep -v '^1\.\.' $dir/tap | while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			n=$((n + 1))
			echo "$line" | sed "s/^\(not \)\{0,1\}ok [0-9]* - /\1ok $n - $backend backend, /" ;;
		*) echo "$line" ;;
		esac
	done >$dir/tap.$backend
	cat $dir/tap.$backend
	n=$((n + $(grep -c '^\(not \)\{0,1\}ok ' $dir/tap.$backend)))
done
sed 's/^/# nlipcd: /' $dir/log
echo "1..$n"
