#!/bin/sh
# make bench-instr's script, briefly: it runs under callgrind and prints
# its table, a count for lib and raw on each row. The counts themselves
# are not judged here: that is the benchmark's job, not a test's.
bench="$top_builddir/tools/nlipc-bench/nlipc-bench"
nlctrl="$top_builddir/tools/nlipc-bench/instr-netlink"
echo "1..3"
skip_all() {
	echo "ok 1 # SKIP $1"
	echo "ok 2 # SKIP $1"
	echo "ok 3 # SKIP $1"
	exit 0
}
command -v valgrind >/dev/null 2>&1 || skip_all "valgrind is not installed"
# make check-sanitizers' build: valgrind cannot run AddressSanitizer's.
grep -q __asan_init "$top_builddir/tools/nlipc-bench/instr-netlink" 2>/dev/null &&
	skip_all "an AddressSanitizer build, which valgrind cannot run"
out=$(BENCH_INSTR_N=20 BENCH_INSTR_FAMILIES="netlink unix-dgram" \
	sh "$top_srcdir/tools/nlipc-bench/bench-instr.sh" "$bench" \
	"$nlctrl" "$top_builddir/libtool" 2>&1)
status=$?
printf '%s\n' "$out" | sed 's/^/# /'
[ $status -eq 0 ] && echo "ok 1 - bench-instr.sh exits 0" ||
	echo "not ok 1 - bench-instr.sh exits $status"
printf '%s\n' "$out" | grep -Eq '^family +lib +raw +lib/raw$' &&
	echo "ok 2 - the table has its header" ||
	echo "not ok 2 - no table header"
rows=$(printf '%s\n' "$out" |
	grep -Ec '^(netlink\*?|unix-dgram) +[0-9]+ +[0-9]+ +[0-9.]+x$')
[ "$rows" -eq 2 ] && echo "ok 3 - a lib and a raw count for each family" ||
	echo "not ok 3 - $rows of 2 rows with both counts"
