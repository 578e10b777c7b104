#!/bin/sh
# bench-check: sockperf's ping-pong next to nlipc-bench's raw loops, in one
# run, at the same message sizes and with the same CPU placement, so an
# outside tool vouches for the raw numbers.
#
# usage: bench-check.sh NLIPC-BENCH
# env:   BENCH_CHECK_SIZES  bytes per request on the wire (default "64 1024")
#        BENCH_CHECK_TIME   seconds per sockperf run (default 2)
#        BENCH_CHECK_ROUNDS alternating runs of each tool (default 2)
#
# What is compared: the p50 RTT of sockperf's ping-pong (with --full-rtt:
# by default sockperf prints half the round trip and calls it "latency")
# against the p50 RTT of nlipc-bench's raw loop for tcp4 and udp4. A
# request of M bytes is a ping with M - 24 payload bytes (16 netlink + 4
# genetlink + 4 attribute header); nlipc-bench's answer carries a 36-byte
# ACK more than sockperf's echo. Both tools are pinned alike, in turn with
# client and server on one CPU and on two: on a machine of few CPUs the
# placement moves the RTT by a factor of 2 to 3 from run to run, far more
# than any difference between the tools.
# Exit status: 0 when every row agrees within 15 %, 1 otherwise, 77 when
# sockperf is missing.
set -u

bench=${1:?usage: bench-check.sh NLIPC-BENCH}
sizes=${BENCH_CHECK_SIZES:-64 1024}
secs=${BENCH_CHECK_TIME:-2}
rounds=${BENCH_CHECK_ROUNDS:-2}
limit=15

if ! command -v sockperf >/dev/null 2>&1; then
	echo "bench-check: sockperf is not installed (apt-get install sockperf)" >&2
	exit 77
fi
tmp=$(mktemp -d)
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

version=$(sockperf --version 2>/dev/null | sed -n 's/.*version \([0-9.]*\).*/\1/p')
cpus=$(getconf _NPROCESSORS_ONLN)
placements="0,0"
[ "$cpus" -ge 2 ] && placements="0,0 0,1"

# Wait until something listens on $1 ($2: -t tcp or -u udp), polling.
wait_port() {
	i=0
	while [ $i -lt 100 ]; do
		if command -v ss >/dev/null 2>&1; then
			ss -Hln "$2" "sport = :$1" 2>/dev/null | grep -q . && return 0
		elif [ $i -ge 10 ]; then
			return 0
		fi
		kill -0 "$srv" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# sockperf ping-pong: prints "p50 mean" RTT in µs, or nothing.
sockperf_rtt() { # proto size client-cpu server-cpu
	flag=; ssflag=-u
	[ "$1" = tcp ] && flag=--tcp && ssflag=-t
	tries=0
	while [ $tries -lt 5 ]; do
		rnd=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		port=$((20000 + (rnd + tries * 7919) % 40000))
		taskset -c "$4" sockperf sr -i 127.0.0.1 -p "$port" $flag \
			>"$tmp/sr.log" 2>&1 &
		srv=$!
		wait_port "$port" "$ssflag" && break
		kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; srv=
		tries=$((tries + 1))
	done
	[ -n "$srv" ] || return 1
	taskset -c "$3" sockperf pp -i 127.0.0.1 -p "$port" $flag -m "$2" \
		-t "$secs" --full-rtt >"$tmp/pp.log" 2>&1
	kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; srv=
	p50=$(sed -n 's/.*percentile 50\.000 = *\([0-9.]*\).*/\1/p' "$tmp/pp.log")
	mean=$(sed -n 's/.*avg-rtt=\([0-9.]*\).*/\1/p' "$tmp/pp.log")
	[ -n "$p50" ] && [ -n "$mean" ] && echo "$p50 $mean"
}

# nlipc-bench's raw loop: prints "p50 mean" RTT in µs, or nothing.
bench_rtt() { # proto size client-cpu server-cpu
	payload=$(($2 - 24))
	"$bench" -f "${1}4" -p raw -m pingpong -s "$payload" -n 20000 \
		-w 2000 -r 1 -t "$secs" --pin="$3,$4" --csv --no-progress \
		>"$tmp/bench.csv" 2>"$tmp/bench.err" || return 1
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		 $col["status"] == "ok" { print $col["rtt_p50_us"], $col["rtt_mean_us"] }' \
		"$tmp/bench.csv"
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 }
	END { if (!NR) exit; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "sockperf $version ping-pong (--full-rtt) against nlipc-bench's raw loop, $rounds"
echo "alternating runs of each, p50 RTT in µs (median of the runs; means in brackets)"
if sockperf sr --help 2>&1 | grep -q -- '--addr'; then
	echo "unix: this sockperf has --addr, but bench-check compares tcp and udp only"
else
	echo "unix: not compared: sockperf $version has no AF_UNIX support (IPv4 only)"
fi
printf '\n%-5s %6s  %-9s %18s %18s %8s\n' proto bytes placement sockperf nlipc-bench diff

bad=0 rows=0
for proto in tcp udp; do
	for size in $sizes; do
		for pl in $placements; do
			c=${pl%,*} s=${pl#*,}
			sp= nb= spm= nbm=
			r=0
			while [ $r -lt "$rounds" ]; do
				out=$(sockperf_rtt $proto "$size" "$c" "$s") &&
					sp="$sp ${out% *}" && spm="$spm ${out#* }"
				out=$(bench_rtt $proto "$size" "$c" "$s") && [ -n "$out" ] &&
					nb="$nb ${out% *}" && nbm="$nbm ${out#* }"
				r=$((r + 1))
			done
			where="one CPU"
			[ "$c" != "$s" ] && where="two CPUs"
			a=$(echo "$sp" | median) b=$(echo "$nb" | median)
			am=$(echo "$spm" | median) bm=$(echo "$nbm" | median)
			if [ -z "$a" ] || [ -z "$b" ]; then
				printf '%-5s %6s  %-9s %18s %18s %8s\n' $proto "$size" \
					"$where" "${a:-failed}" "${b:-failed}" "-"
				[ -z "$b" ] && sed 's/^/  nlipc-bench: /' "$tmp/bench.err" | head -3
				bad=$((bad + 1))
				continue
			fi
			line=$(awk -v a="$a" -v b="$b" -v am="$am" -v bm="$bm" -v lim=$limit 'BEGIN {
				d = (b - a) / a * 100
				printf "%9.1f (%6.1f) %9.1f (%6.1f) %+7.1f%%%s",
				       a, am, b, bm, d, (d > lim || d < -lim) ? "  !" : ""
			}')
			printf '%-5s %6s  %-9s %s\n' $proto "$size" "$where" "$line"
			case $line in *!) bad=$((bad + 1)) ;; esac
			rows=$((rows + 1))
		done
	done
done

echo
if [ $bad -eq 0 ]; then
	echo "bench-check: all $rows rows agree within $limit %"
	exit 0
fi
echo "bench-check: $bad row(s) differ by more than $limit % ('!'): see nlipc-bench(1),"
echo "CHECKING AGAINST SOCKPERF, for what differs between the two tools"
exit 1
