# shellcheck shell=sh
# Two test hosts in one (guest) kernel, sourced by the network tests: the
# network namespaces nlipc-srv and nlipc-cli joined by veth, addressed from
# the documentation ranges, with names in a hosts file bound over
# /etc/hosts as a stock Debian one reads (localhost on 127.0.0.1 and ::1).
# "server" has both addresses, IPv6 first; server4 and server6 one each.
# The sourcing script sets $build, the build tree (server_up uses nlipc).
SERVER4=192.0.2.1 CLIENT4=192.0.2.2
SERVER6=2001:db8::1 CLIENT6=2001:db8::2
PORT=7411
dir=$(mktemp -d /tmp/nlipc-net.XXXXXX) || exit 1

on_server() { ip netns exec nlipc-srv "$@"; }
on_client() { ip netns exec nlipc-cli "$@"; }

hosts_up() {
	# The guest cannot load modules on demand (no modprobe in its
	# initramfs root), so load them here.
	modprobe -q veth && modprobe -q sch_netem || return 1
	ip netns add nlipc-srv && ip netns add nlipc-cli &&
		ip link add veth-cli netns nlipc-cli type veth \
			peer name veth-srv netns nlipc-srv || return 1
	on_server ip link set lo up && on_client ip link set lo up &&
		on_server ip addr add $SERVER4/24 dev veth-srv &&
		on_client ip addr add $CLIENT4/24 dev veth-cli &&
		on_server ip addr add $SERVER6/64 dev veth-srv nodad &&
		on_client ip addr add $CLIENT6/64 dev veth-cli nodad &&
		on_server ip link set veth-srv up &&
		on_client ip link set veth-cli up || return 1
	cat >"$dir/hosts" <<HOSTS
127.0.0.1	localhost
::1		localhost ip6-localhost ip6-loopback
$SERVER6	server server6
$SERVER4	server server4
$CLIENT6	client client6
$CLIENT4	client client4
HOSTS
	mount --bind "$dir/hosts" /etc/hosts
}

# link_shape "NETEM ARGS": the same netem on both ends (so each way gets
# it); no arguments restores a clean link.
link_shape() {
	on_server tc qdisc del dev veth-srv root 2>/dev/null
	on_client tc qdisc del dev veth-cli root 2>/dev/null
	[ -n "$1" ] || return 0
	# shellcheck disable=SC2086
	on_server tc qdisc add dev veth-srv root netem $1 &&
		on_client tc qdisc add dev veth-cli root netem $1
}

# Packets the client host has sent (ARP and neighbour discovery included),
# and of them its UDP/IPv4 datagrams.
client_tx() { on_client cat /sys/class/net/veth-cli/statistics/tx_packets; }
client_udp() {
	on_client awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $5 }' /proc/net/snmp
}

# server_up NLIPCD ARGS...: nlipcd on the server host, its log in
# $dir/log, waited for until the client host reaches it by name
# (tcp://server:$PORT must be among its URLs). 1 if it never answers.
server_up() {
	# ip netns exec waits for its command: signals go to nlipcd's own pid.
	on_server sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$dir/pid" \
		"$@" 2>"$dir/log" &
	server_ip_pid=$!
	i=0
	until on_client "$build/tools/nlipc/nlipc" -c "tcp://server:$PORT" \
		-t 1 ping -c 1 >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 100 ] || return 1
		sleep 0.1
	done
}

# server_down: stop the server's nlipcd; $server_rc is its exit status
# (0: it stopped cleanly), or "dead" if it was gone already.
server_down() {
	if kill "$(cat "$dir/pid")" 2>/dev/null; then
		wait "$server_ip_pid"
		server_rc=$?
	else
		server_rc=dead
	fi
}

hosts_down() {
	umount /etc/hosts 2>/dev/null
	ip netns del nlipc-cli 2>/dev/null
	ip netns del nlipc-srv 2>/dev/null
	rm -rf "$dir"
}
