#!/bin/sh
# The last test of make check-sanitizers: no process of the lane, daemons
# and children included, wrote an ASan, LSan or UBSan report. Reports go to
# files ($SANITIZER_REPORTS/{asan,ubsan}.PID) rather than to stderr, so
# none is lost with a process whose exit status nobody checks.
. "$top_srcdir/tests/tap.sh"
plan 1
dir=$SANITIZER_REPORTS
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
	skip_point "no sanitizer reports" "not in make check-sanitizers"
	exit 0
fi
n=0
for f in "$dir"/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	sed "s|^|# ${f##*/}: |" "$f"
done
if [ $n -eq 0 ]; then
	ok "no sanitizer reports"
else
	not_ok "no sanitizer reports: $n in $dir"
fi
