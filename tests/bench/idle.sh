#!/bin/sh
# nlipc-bench --idle-clients, briefly: the section is printed with its
# figures, every idle client was admitted, and nlipcd's RSS per idle
# connection is below the 4 KiB the daemon is built for (an idle
# connection holds no receive buffer). A figure of memory, not of time.
bench="$top_builddir/tools/nlipc-bench/nlipc-bench"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

echo "1..4"
"$bench" --idle-clients 2000 --families unix --modes pingpong --paths lib \
	--sizes 16 --iterations 50 --warmup 5 --repeat 1 --no-progress \
	>"$tmp/out" 2>"$tmp/err"
ok $? "nlipc-bench --idle-clients exits 0 $(head -c 300 "$tmp/err")"
grep -q '^idle clients: 2000 of 2000 TCP connections' "$tmp/out"
ok $? "every idle client admitted: $(grep '^idle clients' "$tmp/out")"
kib=$(sed -n 's/.*: \([0-9.]*\) KiB per idle connection$/\1/p' "$tmp/out")
if grep -q __asan_init "$top_builddir/tools/nlipcd/nlipcd"; then
	n=$((n + 1))
	echo "ok $n - RSS per idle connection ${kib:-?} KiB # SKIP AddressSanitizer's own memory"
else
	[ -n "$kib" ] && awk -v k="$kib" 'BEGIN { exit !(k < 4) }'
	ok $? "RSS per idle connection ${kib:-?} KiB < 4"
fi
grep -q 'one active client .* without, .* with them$' "$tmp/out"
ok $? "the active client's RTT without and with them"
