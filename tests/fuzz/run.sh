#!/bin/sh
# make check-fuzz: each libFuzzer target for some seconds over its corpus,
# one TAP test point each. A crash, a leak or a harness check fails the
# point; libFuzzer saves the input as tests/fuzz/crash-TARGET-*, which
# goes into tests/fuzz/corpus/TARGET/ once fixed, as a regression seed.
#   env: NLIPC_FUZZ_TARGETS, NLIPC_FUZZ_SECONDS, top_srcdir, top_builddir
set -u
. "$top_srcdir/tests/tap.sh"
seconds=${NLIPC_FUZZ_SECONDS:-10}
failed=0
for t in $NLIPC_FUZZ_TARGETS; do
	bin=$top_builddir/tests/fuzz/fuzz-$t
	new=$top_builddir/tests/fuzz/new/$t
	log=$top_builddir/tests/fuzz/$t.log
	mkdir -p "$new"
	"$bin" -max_total_time="$seconds" \
		-artifact_prefix="$top_builddir/tests/fuzz/crash-$t-" \
		"$new" "$top_srcdir/tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	done_line=$(grep -a 'DONE' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		ok "$t: $seconds s clean ($done_line)"
	else
		failed=$((failed + 1))
		not_ok "$t: exit status $rc"
		grep -aE 'ERROR|SUMMARY|harness:|runtime error|Test unit written' \
			"$log" | head -n 20 | show
	fi
done
plan
[ $failed -eq 0 ]
