#!/bin/sh
# The last test of make check-sanitizers: no process of the lane, daemons
# and children included, wrote an ASan, LSan or UBSan report. Reports go to
# files ($SANITIZER_REPORTS/{asan,ubsan}.PID) rather than to stderr, so
# none is lost with a process whose exit status nobody checks.
echo "1..1"
dir=$SANITIZER_REPORTS
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
	echo "ok 1 - no sanitizer reports # SKIP not in make check-sanitizers"
	exit 0
fi
n=0
for f in "$dir"/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	sed "s|^|# ${f##*/}: |" "$f"
done
if [ $n -eq 0 ]; then
	echo "ok 1 - no sanitizer reports"
else
	echo "not ok 1 - no sanitizer reports: $n in $dir"
fi
