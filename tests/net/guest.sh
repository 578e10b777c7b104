#!/bin/sh
# Inside nlipc-vm (root): the two-host lane (tests/net/two-hosts.sh).
#   usage: guest.sh TOP_SRCDIR TOP_BUILDDIR
src=$1 build=$2
nlipcd=$build/tools/nlipcd/nlipcd
suite=$build/tests/conformance/conformance
. "$src/tests/tap.sh"
. "$src/tests/net/hosts.sh"

# The suite from the client host against URL, its TAP renumbered into
# this stream under a label.
suite() {
	label=$1 url=$2 keys=$3
	t0=$(date +%s)
	on_client timeout -k 5 300 env NLIPC_URL="$url" \
		NLIPC_CONFORMANCE_KEYS="$keys" "$suite" >"$dir/out" 2>&1
	rc=$?
	diag "$label: $(($(date +%s) - t0)) s"
	[ $rc -ne 124 ] || not_ok "$label: the suite did not finish in 300 s"
	tap_renumber "$label: " <"$dir/out"
}

hosts_up || { echo "Bail out! cannot make the two hosts"; exit 1; }
server_up "$nlipcd" --backend user --allow-remote-write --quiet \
	"tcp://[$SERVER6]:$PORT" "udp://[$SERVER6]:$PORT" \
	"tcp://$SERVER4:$PORT" "udp://$SERVER4:$PORT" ||
	{ echo "Bail out! nlipcd on the server never answered"; cat "$dir/log"; exit 1; }

# By the name with both addresses, and by each family's own name.
for url in "tcp://server:$PORT" "udp://server:$PORT" \
	"tcp://server4:$PORT" "udp://server6:$PORT"; do
	suite "clean link, $url from the client host" "$url" 2000
done
# 1 % per packet: a 32 KiB ping over UDP is 23 fragments each way, and
# every one must arrive (tests/net/udp-resends.sh measures heavier loss).
link_shape "delay 10ms 2ms loss 1%"
diag "lossy link: 10 ms +- 2 ms each way, 1 % loss each way"
for url in "tcp://server:$PORT" "udp://server:$PORT"; do
	# Each request waits a round trip: fewer keys in the racing listing.
	suite "lossy link, $url from the client host" "$url" 200
done
link_shape ""

. "$src/tests/net/udp-resends.sh" | show

server_down
if [ "$server_rc" = 0 ]; then
	ok "nlipcd on the server stops cleanly"
else
	not_ok "nlipcd on the server stops cleanly (exit status $server_rc)"
	sed 's/^/# nlipcd: /' "$dir/log" | tail -n 20
fi
hosts_down
plan
