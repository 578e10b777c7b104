#!/bin/sh
# nlipcd under stress on the host, user backend, one daemon on every
# transport (unix stream, abstract, seqpacket, dgram, TCP and UDP over
# 127.0.0.1 and ::1):
#   host-abuse     well-behaved clients alone (the baseline), then with
#                  hostile ones beside them: no errors, p99 within a bound
#                  set by the baseline, nlipcd's fds back where they were;
#   host-kill9     SIGKILL under load and the same command line again on
#                  the same socket paths: clean errors, every client back,
#                  the writes acknowledged since the restart all there (the
#                  user backend's store is memory: what came before is
#                  gone, as doc/nlipcd.8 says);
#   host-valgrind  a shorter abuse run with nlipcd under valgrind: no
#                  leaks, no memory errors.
# STRESS_SECONDS (default 10, the make check size) sets the main phases.
# One TAP stream, and a "# stress:" line per run for summary.py.
S=${STRESS_SECONDS:-10}
STRESS_LIB=$top_srcdir/tests/stress/lib.sh
load=$top_builddir/tests/stress/stress-load
nlipcd=$top_builddir/tools/nlipcd/nlipcd
nlipc=$top_builddir/tools/nlipc/nlipc
. "$top_srcdir/tests/tap.sh"
# shellcheck source=tests/stress/lib.sh
. "$STRESS_LIB"
[ -x "$load" ] || skip_all "stress-load not built"
dir=$(mktemp -d) || exit 1
trap 'daemon_stop; rm -rf "$dir"' EXIT
port=$((20000 + $$ % 20000))
urls="unix:$dir/s unix:@nlipc-stress-$$ unix+seqpacket:$dir/sp unix+dgram:$dir/dg
tcp://127.0.0.1:$port tcp://[::1]:$port udp://127.0.0.1:$port udp://[::1]:$port"
# Room for the floods' idle connections: they reach the per-uid and
# per-address limits (64 each: AF_UNIX, 127.0.0.1, ::1), which keep one
# user from hurting others, not the total. At the total limit, by design,
# datagram peers are forgotten for connections and newcomers refused.
daemon_args="--backend user --allow-remote-write --max-clients 1024
--max-clients-per-uid 64 --quiet $urls"
daemon_wrap=
ready_url=tcp://127.0.0.1:$port
export STRESS_LIB nlipcd nlipc dir daemon_args daemon_wrap ready_url

bail() {
	bail_out "$*: $(tail -n 3 "$dir/log")"
}

# 1. Abuse, against a baseline measured in the same run.
daemon_start || bail "nlipcd did not start"
# shellcheck disable=SC2086
"$load" --baseline "$(seconds "$S" 1 3)" --seconds "$S" --abuse \
	--daemon-pid "$dir/pid" $urls >"$dir/out" 2>&1
load_tap "abuse"
daemon_alive
crashed=$?
ok_status $crashed "abuse: nlipcd still running"
stress_line host-abuse "$(fd_leaks)" $crashed

# 2. kill -9 under load, and the same command line again.
if [ $crashed -ne 0 ]; then
	daemon_start || bail "nlipcd did not start again"
fi
# shellcheck disable=SC2086,SC2016
"$load" --seconds "$(seconds "$S" 1 2)" \
	--fault '. "$STRESS_LIB" && daemon_kill9_restart' \
	--daemon-pid "$dir/pid" $urls >"$dir/out" 2>&1
load_tap "kill -9"
daemon_alive
crashed=$?
ok_status $crashed "kill -9: the new nlipcd still running"
stress_line host-kill9 0 $crashed
daemon_stop
left=$(find "$dir" -type s | wc -l)
ok_status "$left" "kill -9: the new nlipcd removed its socket files at exit ($left left)"

# 3. Leaks and memory errors: a shorter, lighter abuse run under valgrind;
# not in make check-sanitizers, whose ASan build valgrind cannot run (ASan
# checks the same there).
if [ -n "${SANITIZER_REPORTS:-}" ]; then
	diag "an ASan build (make check-sanitizers): no valgrind run"
elif command -v valgrind >/dev/null; then
	daemon_wrap="valgrind --log-file=$dir/valgrind --leak-check=full
--show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=none"
	daemon_start || bail "nlipcd did not start under valgrind"
	pid=$(cat "$dir/pid")
	# shellcheck disable=SC2086
	"$load" --baseline 1 --seconds "$(seconds "$S" 1 3)" --abuse \
		--clients 1 --rate 100 --timeout 5000 --p99-factor 0 \
		--daemon-pid "$dir/pid" $urls >"$dir/out" 2>&1
	load_tap "valgrind"
	kill -TERM "$pid"
	wait "$pid"
	status=$?
	ok_status $status "valgrind: nlipcd stopped cleanly on SIGTERM (status $status)"
	sed -n 's/^==[0-9]*== //p' "$dir/valgrind" |
		grep -E 'lost:|ERROR SUMMARY|Invalid|uninitialised|at 0x|by 0x' |
		head -n 60 | sed 's/^/# valgrind: /'
	# Blocks lost (definitely, indirectly, possibly), and memory errors.
	leaks=$(sed -n 's/.*\(definitely\|indirectly\|possibly\) lost: [0-9,]* bytes in \([0-9,]*\) blocks.*/\2/p' \
		"$dir/valgrind" | tr -d , | awk '{ s += $1 } END { print s + 0 }')
	errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$dir/valgrind")
	[ -n "$errors" ] || errors=1
	ok_status "$leaks" "valgrind: no memory leaked ($leaks blocks)"
	ok_status "$errors" "valgrind: no memory errors ($errors)"
	[ $status -eq 0 ] || errors=$((errors + 1))
	stress_line host-valgrind "$((leaks + $(fd_leaks)))" "$errors"
else
	diag "valgrind not installed: no leak check"
fi
plan
