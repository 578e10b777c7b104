#!/bin/sh
# nlipc-bench, every family, path and mode, briefly: the output's structure
# (JSON, CSV, the table, the plot), never its speed. On the host netlink
# falls back to nlctrl; families this machine cannot run (no ::1, no
# module, no nlipcd) must say why they were skipped.
. "$top_srcdir/tests/tap.sh"
bench="$top_builddir/tools/nlipc-bench/nlipc-bench"
need_python "no python3 to read the JSON"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

plot=
command -v gnuplot >/dev/null 2>&1 && plot="--plot $tmp/out.svg"
# shellcheck disable=SC2086
"$bench" --families all --modes all --paths all --sizes 16,1K \
	--iterations 40 --warmup 5 --repeat 2 --max-time 0.2 --rate 2000 \
	--batch 4 --no-progress --json="$tmp/out.json" --csv="$tmp/out.csv" \
	$plot >"$tmp/table.txt" 2>"$tmp/stderr.txt"
status=$?
exec "$py" "$top_srcdir/tests/bench/check-output.py" "$tmp" "$status" \
	"${plot:+$tmp/out.svg}"
