# shellcheck shell=sh
# UDP retransmission as links get longer (RFC 8085): for each round-trip
# time, `nlipc -c udp://server4:PORT ping -c 5` from the client host to
# nlipcd on the server host, and the UDP datagrams the client sent for its
# 6 exchanges (the family's resolution, 5 pings), and all its packets (ARP
# included); on the lossy link 60 pings. A benchmark: it prints, it does not judge.
# Sourced by guest.sh, with hosts.sh's helpers, $build and nlipcd running.
nlipc=$build/tools/nlipc/nlipc
echo "udp resends: the family's resolution + N pings to server4"
printf '%-22s %6s %6s %8s %9s %9s %s\n' link pings udp packets "udp/exch" \
	answered "max rtt"
for shape in "" "delay 50ms" "delay 150ms" "delay 400ms" "delay 20ms loss 20%"; do
	link_shape "$shape" || { echo "netem '$shape' failed"; continue; }
	count=5
	case $shape in
	"") name="0 ms RTT" ;;
	*loss*) name="40 ms RTT, 20 % loss" count=60 ;;
	*) ms=${shape#delay }; name="$((${ms%ms} * 2)) ms RTT" ;;
	esac
	before=$(client_tx) udp_before=$(client_udp)
	on_client "$nlipc" -c "udp://server4:$PORT" -t 10 ping -c $count -i 0.1 \
		>"$dir/ping" 2>&1
	sent=$(($(client_tx) - before)) udp=$(($(client_udp) - udp_before))
	answered=$(sed -n 's/.* \([0-9]*\) replies.*/\1/p' "$dir/ping")
	max=$(sed -n 's|^rtt min/avg/max/mdev = [^/]*/[^/]*/\([^/]*\)/.*|\1 ms|p' "$dir/ping")
	printf '%-22s %6s %6s %8s %9s %9s %s\n' "$name" $count "$udp" "$sent" \
		"$(awk "BEGIN { printf \"%.2f\", $udp / ($count + 1) }")" \
		"${answered:-?}/$count" "${max:--}"
done
link_shape ""
