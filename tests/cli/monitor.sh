# What the remote transports' tests of tests/cli share (sourced after
# tests/tap.sh): a monitor waited on until it sees a write.

# monitor_sees_write OUT PID NLIPC...: "NLIPC kv set --create mI v" until
# the monitor of pid PID, printing to OUT, shows a write, or 10 s pass
# or it exits; then waits for it. True if OUT shows "set mI=v".
monitor_sees_write() {
	out=$1 mon=$2
	shift 2
	i=0
	until [ $i -ge 100 ]; do
		# Once the monitor has joined, a write reaches it; until then, again.
		"$@" kv set --create m$i v >/dev/null 2>&1
		grep -q "^set m" "$out" && break
		kill -0 "$mon" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	wait "$mon"
	grep -q "^set m[0-9]*=v" "$out"
}
