#!/bin/sh
# make bench-instr's script, briefly: it runs under callgrind and prints
# its table, a count for lib and raw on each row. The counts themselves
# are not judged here: that is the benchmark's job, not a test's.
bench="$top_builddir/tools/nlipc-bench/nlipc-bench"
nlctrl="$top_builddir/tools/nlipc-bench/instr-netlink"
. "$top_srcdir/tests/tap.sh"
plan 3
command -v valgrind >/dev/null 2>&1 || skip_rest "valgrind is not installed"
# make check-sanitizers' build: valgrind cannot run AddressSanitizer's.
grep -q __asan_init "$top_builddir/tools/nlipc-bench/instr-netlink" 2>/dev/null &&
	skip_rest "an AddressSanitizer build, which valgrind cannot run"
out=$(BENCH_INSTR_N=20 BENCH_INSTR_FAMILIES="netlink unix-dgram" \
	sh "$top_srcdir/tools/nlipc-bench/bench-instr.sh" "$bench" \
	"$nlctrl" "$top_builddir/libtool" 2>&1)
status=$?
printf '%s\n' "$out" | show
if [ $status -eq 0 ]; then
	ok "bench-instr.sh exits 0"
else
	not_ok "bench-instr.sh exits $status"
fi
if printf '%s\n' "$out" | grep -Eq '^family +lib +raw +lib/raw$'; then
	ok "the table has its header"
else
	not_ok "no table header"
fi
rows=$(printf '%s\n' "$out" |
	grep -Ec '^(netlink\*?|unix-dgram) +[0-9]+ +[0-9]+ +[0-9.]+x$')
if [ "$rows" -eq 2 ]; then
	ok "a lib and a raw count for each family"
else
	not_ok "$rows of 2 rows with both counts"
fi
