# shellcheck shell=sh disable=SC2154
# Helpers of the stress scripts (host.sh, vm-guest.sh), sourced after
# tests/tap.sh; also by stress-load's --fault command, through $STRESS_LIB,
# so everything the faults use is exported by the script that sets it:
#   nlipcd, nlipc       the daemon and the command-line tool
#   dir                 a scratch directory: pid, starts, log
#   daemon_args         nlipcd's options and URLs
#   daemon_wrap         a command to run nlipcd under (valgrind), or empty
#   ready_url           a URL that answers once nlipcd is up
#   module              the module (VM only)

# A line in the log, with the time.
note() {
	echo "$(date +%T.%N | cut -c1-12) $*" >>"$dir/log"
}

# Start nlipcd in the background; return once it answers on $ready_url.
daemon_start() {
	starts=$(($(cat "$dir/starts" 2>/dev/null || echo 0) + 1))
	echo $starts >"$dir/starts"
	note "nlipcd start $starts"
	# shellcheck disable=SC2086
	$daemon_wrap "$nlipcd" $daemon_args </dev/null >/dev/null 2>>"$dir/log" &
	echo $! >"$dir/pid"
	tries=0
	until "$nlipc" -c "$ready_url" -t 1 ping -c 1 >/dev/null 2>&1; do
		daemon_alive || return 1
		tries=$((tries + 1))
		[ $tries -lt 400 ] || return 1
		sleep 0.05
	done
	note "nlipcd answers"
}

# Running, not a zombie?
daemon_alive() {
	p=$(cat "$dir/pid")
	[ -d "/proc/$p" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null
}

# Wait until nlipcd has exited (a zombie has: its sockets are closed).
daemon_gone() {
	tries=0
	while daemon_alive; do
		tries=$((tries + 1))
		[ $tries -lt 1000 ] || return 1
		sleep 0.01
	done
}

# The fault of host.sh and vm-guest.sh: SIGKILL, then the same command
# line again, with nothing cleaned up in between (stale socket files).
daemon_kill9_restart() {
	kill -9 "$(cat "$dir/pid")" || return 1
	daemon_gone || return 1
	note "nlipcd killed"
	daemon_start
}

# SIGTERM; 0 once it has gone.
daemon_stop() {
	daemon_alive || return 0
	kill -TERM "$(cat "$dir/pid")"
	daemon_gone
}

# The VM's other fault: the module unloaded under load (retried while a
# dump holds it), then loaded again; over once nlipcd answers again.
module_bounce() {
	note "rmmod"
	tries=0
	until rmmod nlipc 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -lt 400 ] || return 1
		sleep 0.05
	done
	note "module unloaded after $tries retries"
	sleep 1
	insmod "$module" || return 1
	note "module loaded"
	tries=0
	until "$nlipc" -c "$ready_url" -t 1 ping -c 1 >/dev/null 2>&1; do
		tries=$((tries + 1))
		[ $tries -lt 200 ] || return 1
		sleep 0.05
	done
	note "nlipcd answers again"
}

# stress-load's TAP in $dir/out, renumbered into this script's stream,
# each test prefixed with a label, a Bail out! a failure; its last
# "# load:" line kept in $dir/load.
load_tap() {
	sed -n 's/^# load: //p' "$dir/out" | tail -n 1 >"$dir/load"
	tap_renumber -b "$1: " <"$dir/out"
}

# A field of the last "# load:" line, or $2 if it has none.
load_field() {
	v=$(tr ' ' '\n' <"$dir/load" | sed -n "s/^$1=//p")
	echo "${v:-$2}"
}

# The line summary.py tabulates: NAME LEAKS CRASHES, figures from the load.
stress_line() {
	echo "# stress: $1 duration_s=$(load_field duration_s 0)" \
		"requests=$(load_field requests 0)" \
		"hostile=$(load_field hostile 0) errors=$(load_field errors 1)" \
		"leaks=$2 crashes=$3 lost=$(load_field lost 1)" \
		"p99_us=$(load_field p99_us 0)"
}

# File descriptors nlipcd kept after the abusers left (fds=base/peak/after).
fd_leaks() {
	fds=$(load_field fds -1/-1/-1)
	base=${fds%%/*}
	after=${fds##*/}
	if [ "$base" -lt 0 ] || [ "$after" -lt 0 ]; then
		echo 0
	elif [ "$after" -gt "$base" ]; then
		echo $((after - base))
	else
		echo 0
	fi
}

# $1 * $2 / $3 seconds, as stress-load takes them.
seconds() {
	awk -v s="$1" -v m="$2" -v d="$3" 'BEGIN { printf "%.2f", s * m / d }'
}
