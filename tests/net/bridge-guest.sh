#!/bin/sh
# Inside nlipc-vm (root, the module loaded): the bridge lane
# (tests/net/bridge.sh). The server host runs nlipcd, kernel backend,
# bridging netdev and ethtool (read-only); the client host asks it by
# name, and each answer must be the server host's own over netlink.
#   usage: bridge-guest.sh TOP_SRCDIR TOP_BUILDDIR SPEC_DIR
src=$1 build=$2
export NLIPC_SPEC_PATH="$3"
nlipc=$build/tools/nlipc/nlipc
nlipcd=$build/tools/nlipcd/nlipcd
. "$src/tests/tap.sh"
. "$src/tests/net/hosts.sh"

# tap STATUS LABEL FILE...: a test point; the files' heads if it fails.
tap() {
	ok_status "$1" "$2"
	[ "$1" = 0 ] && return
	shift 2
	for f; do show "$f" | head -n 20; done
}

# same LABEL ARGS...: through tcp://server from the client host, as on
# the server host over netlink, and a success. A request this kernel
# refuses over netlink too is skipped, saying so (6.1 refuses every
# ethtool dump the 6.12 spec makes, as the kernel's own YNL CLI finds).
same() {
	label=$1
	shift
	on_server "$nlipc" -j "$@" >"$dir/local" 2>&1
	l=$?
	if [ $l != 0 ]; then
		skip_point "$label" \
			"$(uname -r) refuses it over netlink: $(head -c 120 "$dir/local")"
		return
	fi
	on_client "$nlipc" -j -c "tcp://server:$PORT" "$@" >"$dir/remote" 2>&1
	r=$?
	[ $r = 0 ] && cmp -s "$dir/local" "$dir/remote"
	tap $? "$label: the same through tcp://server" "$dir/local" "$dir/remote"
}

# refused LABEL ERRNO TEXT ARGS...: the bridge refuses, saying TEXT.
refused() {
	label=$1 name=$2 text=$3
	shift 3
	on_client "$nlipc" -j -c "tcp://server:$PORT" "$@" >"$dir/out" 2>&1
	r=$?
	[ $r = 1 ] && grep -q "\"name\":\"$name\"" "$dir/out" &&
		grep -qF "$text" "$dir/out"
	tap $? "$label: $name, '$text'" "$dir/out"
}

# ms N ARGS...: the mean time of N requests, in milliseconds.
ms() {
	count=$1
	shift
	t0=$(date +%s%N)
	i=0
	while [ $i -lt "$count" ]; do
		"$@" >/dev/null 2>&1
		i=$((i + 1))
	done
	echo $((($(date +%s%N) - t0) / count / 1000000))
}

hosts_up || { echo "Bail out! cannot make the two hosts"; exit 1; }
server_up "$nlipcd" --backend kernel --bridge-family netdev \
	--bridge-family ethtool:read-only \
	"tcp://[$SERVER6]:$PORT" "tcp://$SERVER4:$PORT" ||
	{ echo "Bail out! nlipcd on the server never answered"; cat "$dir/log"; exit 1; }
echo "# kernel $(uname -r)"

if on_server "$nlipc" --family nlctrl --do getfamily \
	--json '{"family-name":"netdev"}' >/dev/null 2>&1; then
	netdev=1
else
	netdev=0
fi
index=$(on_server cat /sys/class/net/veth-srv/ifindex)
if [ $netdev = 1 ]; then
	same "netdev dump dev-get" --family netdev --dump dev-get
	same "netdev do dev-get veth-srv" --family netdev --do dev-get \
		--json "{\"ifindex\":$index}"
	refused "netdev do bind-rx (admin-perm) over TCP" EPERM \
		"needs CAP_NET_ADMIN: refused over the network" \
		--family netdev --do bind-rx --json "{\"ifindex\":$index}"
else
	for t in "netdev dump dev-get" "netdev do dev-get veth-srv" \
		"netdev do bind-rx (admin-perm) over TCP"; do
		skip_point "$t" "no netdev family in $(uname -r)"
	done
fi
same "ethtool do linkinfo-get veth-srv" --family ethtool --do linkinfo-get \
	--json '{"header":{"dev-name":"veth-srv"}}'
same "ethtool dump linkstate-get" --family ethtool --dump linkstate-get
same "ethtool do features-get veth-srv" --family ethtool --do features-get \
	--json '{"header":{"dev-name":"veth-srv"}}'
refused "ethtool do linkinfo-set (read-only bridge)" EPERM "is not bridged" \
	--family ethtool --do linkinfo-set \
	--json '{"header":{"dev-name":"veth-srv"},"port":0}'
refused "fou, not bridged" ENOENT "nlipcd serves nlipc, nlctrl, netdev, ethtool" \
	--family fou --dump get

# The module's own family, by its spec, through the kernel backend.
on_server "$nlipc" kv set bridged yes >/dev/null
same "nlipc's spec: dump kv-get through the kernel backend" \
	--spec "$src/spec/nlipc.yaml" --dump kv-get
# ... and the family ids the client resolves are the kernel's.
for fam in ethtool nlipc; do
	on_server "$nlipc" -j --family nlctrl --do getfamily \
		--json "{\"family-name\":\"$fam\"}" |
		grep -o '"family-id":[0-9]*' >"$dir/local"
	on_client "$nlipc" -j -c "tcp://server:$PORT" --family nlctrl \
		--do getfamily --json "{\"family-name\":\"$fam\"}" |
		grep -o '"family-id":[0-9]*' >"$dir/remote"
	[ -s "$dir/local" ] && cmp -s "$dir/local" "$dir/remote"
	tap $? "getfamily $fam through the bridge: the kernel's id" \
		"$dir/local" "$dir/remote"
done

# Figures, not asserted: a request locally and through the bridge.
echo "# ethtool do linkinfo-get, mean of 10 runs of nlipc (process start included):"
echo "#   server host over netlink: $(ms 10 on_server "$nlipc" --family ethtool \
	--do linkinfo-get --json '{"header":{"dev-name":"veth-srv"}}') ms"
echo "#   client host through tcp://server: $(ms 10 on_client "$nlipc" \
	-c "tcp://server:$PORT" --family ethtool --do linkinfo-get \
	--json '{"header":{"dev-name":"veth-srv"}}') ms"

server_down
if [ "$server_rc" = 0 ] &&
	grep -q "bridged ethtool: .* forwarded, 1 refused" "$dir/log"; then
	ok "nlipcd stops cleanly, its refusals counted"
else
	not_ok "nlipcd stops cleanly, its refusals counted (exit status $server_rc)"
fi
grep "bridged" "$dir/log" | show
hosts_down
plan
