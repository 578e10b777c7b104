#!/usr/bin/env bash
# make check-all: every test lane, one after the other, each run even if
# an earlier one failed, then one line "N passed, N failed, N skipped"
# counting every TAP test point of every lane (also kept in
# test-suite-all.log). A lane named check-X keeps its automake summary in
# test-suite-X.log, make check in test-suite.log.
#   usage: check-all.sh MAKE LANE...
set -uo pipefail
make_cmd=$1
shift
(($#)) || { echo "check-all: no lanes to run" >&2; exit 2; }

pass=0 failed=0 skip=0 failures=''
count() { sed -n "s/^# $1: *//p" "$2" 2>/dev/null | head -n 1; }
for lane; do
	log=test-suite${lane#check}.log
	rm -f "$log"
	echo "check-all: $lane" >&2
	start=$SECONDS
	touch .check-all-start
	$make_cmd "$lane"
	rc=$?
	p=$(count PASS "$log") f=$(count FAIL "$log") e=$(count ERROR "$log")
	x=$(count XPASS "$log") s=$(count SKIP "$log")
	lane_failed=$((${f:-0} + ${e:-0} + ${x:-0}))
	# A lane that failed without a failing test point (it did not build,
	# say) counts as one failure.
	((rc == 0 || lane_failed)) || lane_failed=1
	echo "check-all: $lane: ${p:-0} passed, $lane_failed failed, ${s:-0} skipped ($((SECONDS - start)) s)" >&2
	# Which tests failed, gathered for the end, where a log's tail shows them.
	((lane_failed == 0)) || failures+=$(
		find . -name '*.trs' -newer .check-all-start 2>/dev/null |
			xargs -r grep -l -E '^:test-result: (FAIL|ERROR|XPASS)' 2>/dev/null |
			sed "s|^\./|  $lane: |; s|\.trs\$||"
	)$'\n'
	pass=$((pass + ${p:-0})) failed=$((failed + lane_failed))
	skip=$((skip + ${s:-0}))
done
rm -f .check-all-start
[[ -z ${failures//$'\n'/} ]] || printf 'check-all: failed:\n%s' "$failures" >&2
echo "$pass passed, $failed failed, $skip skipped" | tee test-suite-all.log
((failed == 0))
