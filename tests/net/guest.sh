#!/bin/sh
# Inside nlipc-vm (root): the two-host lane (tests/net/two-hosts.sh).
#   usage: guest.sh TOP_SRCDIR TOP_BUILDDIR
src=$1 build=$2
nlipcd=$build/tools/nlipcd/nlipcd
suite=$build/tests/conformance/conformance
. "$src/tests/net/hosts.sh"

n=0
# The suite from the client host against URL, its TAP renumbered into
# this stream under a label.
suite() {
	label=$1 url=$2
	t0=$(date +%s)
	on_client timeout -k 5 300 env NLIPC_URL="$url" "$suite" >"$dir/out" 2>&1
	rc=$?
	echo "# $label: $(($(date +%s) - t0)) s"
	[ $rc -ne 124 ] || echo "not ok $((n = n + 1)) - $label: the suite did not finish in 300 s"
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			n=$((n + 1))
			echo "${line%% [0-9]*} $n - $label: ${line#* - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$dir/out"
}

hosts_up || { echo "Bail out! cannot make the two hosts"; exit 1; }
# shellcheck disable=SC2086
on_server "$nlipcd" --backend user --allow-remote-write --quiet \
	tcp://[$SERVER6]:$PORT udp://[$SERVER6]:$PORT \
	tcp://$SERVER4:$PORT udp://$SERVER4:$PORT 2>"$dir/log" &
pid=$!
i=0
until on_client "$build/tools/nlipc/nlipc" -c "tcp://server:$PORT" -t 1 ping -c 1 \
	>/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "Bail out! nlipcd on the server never answered"; cat "$dir/log"; exit 1; }
	sleep 0.1
done

# By the name with both addresses, and by each family's own name.
for url in "tcp://server:$PORT" "udp://server:$PORT" \
	"tcp://server4:$PORT" "udp://server6:$PORT"; do
	suite "clean link, $url from the client host" "$url"
done
link_shape "delay 20ms 5ms loss 5%"
echo "# lossy link: 20 ms +- 5 ms each way, 5 % loss each way"
for url in "tcp://server:$PORT" "udp://server:$PORT"; do
	suite "lossy link, $url from the client host" "$url"
done
link_shape ""

n=$((n + 1))
if kill "$pid" 2>/dev/null && wait "$pid"; then
	echo "ok $n - nlipcd on the server stops cleanly"
else
	echo "not ok $n - nlipcd on the server died or failed to stop"
	sed 's/^/# nlipcd: /' "$dir/log" | tail -n 20
fi

sh "$src/tests/net/udp-resends.sh" "$src" "$build" | sed 's/^/# /'
hosts_down
echo "1..$n"
