#!/bin/sh
# bench-instr: user-space instructions per ping, through libnlipc and
# through the raw loop, side by side for every family. Not a timed test:
# callgrind counts the instructions the client executes inside one
# exchange (nlipc-bench's lib_exchange() or raw_exchange(), callees
# included), for N and for 2N round trips of a 16-byte ping; the
# difference over N is the cost of one, start-up and first-call costs
# (lazy binding, the first page faults) removed. --no-trace: a run makes
# exactly N exchanges (the traced pass for the sys column would add N/10).
#
# usage: bench-instr.sh NLIPC-BENCH INSTR-NETLINK [LIBTOOL]
# env:   BENCH_INSTR_N         round trips of the short run (default 1000)
#        BENCH_INSTR_FAMILIES  default "netlink unix unix-seqpacket
#                              unix-dgram tcp4 tcp6 udp4 udp6"
#
# Where the module is not loaded, nlipc-bench has no lib path over
# netlink; INSTR-NETLINK then drives libnlipc's netlink transport against
# the kernel's nlctrl family, the raw loop's own fallback (marked '*').
# Exit status: 0, 1 if a row could not be measured, 77 without valgrind.
set -u

bench=${1:?usage: bench-instr.sh NLIPC-BENCH INSTR-NETLINK [LIBTOOL]}
nlctrl=${2:?usage: bench-instr.sh NLIPC-BENCH INSTR-NETLINK [LIBTOOL]}
libtool=${3:-}
n=${BENCH_INSTR_N:-1000}
families=${BENCH_INSTR_FAMILIES:-netlink unix unix-seqpacket unix-dgram tcp4 tcp6 udp4 udp6}

if ! command -v valgrind >/dev/null 2>&1; then
	echo "bench-instr: valgrind is not installed (apt-get install valgrind)" >&2
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Run "$@" under callgrind, counting inside $fn only; print the count.
# Forked servers write files of their own, with nothing counted.
count() {
	fn=$1
	shift
	rm -f "$tmp"/cg.*
	${libtool:+$libtool --mode=execute} valgrind --tool=callgrind \
		--callgrind-out-file="$tmp/cg.%p" --toggle-collect="$fn" \
		"$@" >"$tmp/out" 2>"$tmp/err" || return 1
	cat "$tmp"/cg.* | awk '/^summary:/ { s += $2 } END { print s + 0 }'
}

# Instructions per round trip of family $1, path $2; "-" if none ran.
per_ping() {
	if [ "$2" = nlctrl ]; then
		a=$(count lib_exchange "$nlctrl" "$n") || { echo -; return; }
		b=$(count lib_exchange "$nlctrl" $((2 * n))) || { echo -; return; }
	else
		fn=${2}_exchange
		set -- -f "$1" -p "$2" -m pingpong -s 16 -w 0 -r 1 -t 1000 \
			--no-pin --no-progress --no-trace
		a=$(count "$fn" "$bench" -n "$n" "$@") || { echo -; return; }
		b=$(count "$fn" "$bench" -n $((2 * n)) "$@") ||
			{ echo -; return; }
	fi
	if [ "$a" -eq 0 ] || [ "$b" -le "$a" ]; then
		echo -
		return
	fi
	echo $(((b - a + n / 2) / n))
}

status=0
star=
echo "user-space instructions per ping (16 B payload, client side; callgrind, ${n} and $((2 * n)) round trips)"
printf '%-16s %8s %8s %8s\n' family lib raw lib/raw
for f in $families; do
	raw=$(per_ping "$f" raw)
	lib=$(per_ping "$f" lib)
	name=$f
	if [ "$lib" = - ] && [ "$f" = netlink ]; then
		lib=$(per_ping "$f" nlctrl)
		name="netlink*"
		star=1
	fi
	ratio=-
	if [ "$lib" != - ] && [ "$raw" != - ]; then
		ratio=$(awk -v l="$lib" -v r="$raw" 'BEGIN { printf "%.1fx", l / r }')
	else
		status=1
	fi
	printf '%-16s %8s %8s %8s\n' "$name" "$lib" "$raw" "$ratio"
done
if [ -n "$star" ]; then
	echo "* module not loaded: both loops make round trips to the kernel's nlctrl"
	echo "  family (a getfamily of \"nlctrl\"); lib through libnlipc's netlink transport,"
	echo "  its callback parsing the reply's seven attributes (a ping's reply has two)."
fi
exit $status
