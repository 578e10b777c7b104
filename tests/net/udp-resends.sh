#!/bin/sh
# UDP retransmission as links get longer (RFC 8085): for each round-trip
# time, `nlipc -c udp://server4:PORT ping -c 5` from the client host to
# nlipcd on the server host (sourced hosts.sh, daemon running), and the
# datagrams the client sent for its 6 exchanges (the family's resolution,
# 5 pings), ARP included. A benchmark: it prints, it does not judge.
#   usage: udp-resends.sh TOP_SRCDIR TOP_BUILDDIR  (inside guest.sh)
build=$2
nlipc=$build/tools/nlipc/nlipc
echo "udp resends: 6 exchanges (resolve + 5 pings) to server4"
printf '%-26s %8s %10s %8s %s\n' link sent "per exch" answered "max rtt"
for shape in "" "delay 50ms" "delay 150ms" "delay 400ms" "delay 20ms loss 20%"; do
	link_shape "$shape" || { echo "netem '$shape' failed"; continue; }
	case $shape in
	"") name="0 ms RTT" ;;
	*loss*) name="40 ms RTT, 20 % loss" ;;
	*) ms=${shape#delay }; name="$((${ms%ms} * 2)) ms RTT" ;;
	esac
	before=$(client_tx)
	on_client "$nlipc" -c "udp://server4:$PORT" -t 10 ping -c 5 -i 0.2 \
		>"$dir/ping" 2>&1
	sent=$(($(client_tx) - before))
	answered=$(sed -n 's/.* \([0-9]*\) replies.*/\1/p' "$dir/ping")
	max=$(sed -n 's|^rtt min/avg/max/mdev = [^/]*/[^/]*/\([^/]*\)/.*|\1 ms|p' "$dir/ping")
	printf '%-26s %8s %10s %8s %s\n' "$name" "$sent" \
		"$(awk "BEGIN { printf \"%.2f\", $sent / 6 }")" "${answered:-?}/5" "${max:--}"
done
link_shape ""
