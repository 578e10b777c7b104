#!/bin/sh
# nlipc-bench --idle-clients, briefly: the section is printed with its
# figures, every idle client was admitted, and nlipcd's RSS per idle
# connection is below the 4 KiB the daemon is built for (an idle
# connection holds no receive buffer). A figure of memory, not of time.
. "$top_srcdir/tests/tap.sh"
bench="$top_builddir/tools/nlipc-bench/nlipc-bench"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

plan 4
"$bench" --idle-clients 2000 --families unix --modes pingpong --paths lib \
	--sizes 16 --iterations 50 --warmup 5 --repeat 1 --no-progress \
	>"$tmp/out" 2>"$tmp/err"
ok_status $? "nlipc-bench --idle-clients exits 0 $(head -c 300 "$tmp/err")"
grep -q '^idle clients: 2000 of 2000 TCP connections' "$tmp/out"
ok_status $? "every idle client admitted: $(grep '^idle clients' "$tmp/out")"
kib=$(sed -n 's/.*: \([0-9.]*\) KiB per idle connection$/\1/p' "$tmp/out")
if grep -q __asan_init "$top_builddir/tools/nlipcd/nlipcd"; then
	skip_point "RSS per idle connection ${kib:-?} KiB" "AddressSanitizer's own memory"
else
	[ -n "$kib" ] && awk -v k="$kib" 'BEGIN { exit !(k < 4) }'
	ok_status $? "RSS per idle connection ${kib:-?} KiB < 4"
fi
grep -q 'one active client .* without, .* with them$' "$tmp/out"
ok_status $? "the active client's RTT without and with them"
