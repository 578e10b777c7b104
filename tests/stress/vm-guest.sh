#!/bin/sh
# Inside nlipc-vm (root, the module loaded): nlipcd's kernel backend on
# every transport, under load, beside hostile clients and through two
# faults:
#   vm-abuse   as host.sh's host-abuse, against the module;
#   vm-kill9   SIGKILL of nlipcd and the same command line again: the
#              module holds the store, so every write acknowledged before
#              the kill is read back, from the module itself (netlink:);
#   vm-rmmod   the module unloaded under load and loaded again, nlipcd
#              left running: clean errors meanwhile, then every client
#              back; the store went with the module, the writes
#              acknowledged after its return are all read back.
# Usage: vm-guest.sh TOP_SRCDIR TOP_BUILDDIR MODULE SECONDS
src=$1 build=$2 module=$3 S=$4
STRESS_LIB=$src/tests/stress/lib.sh
load=$build/tests/stress/stress-load
nlipcd=$build/tools/nlipcd/nlipcd
nlipc=$build/tools/nlipc/nlipc
. "$src/tests/tap.sh"
# shellcheck source=tests/stress/lib.sh
. "$STRESS_LIB"
dir=$(mktemp -d /tmp/nlipc-stress.XXXXXX) || exit 1
urls="unix:$dir/s unix:@nlipc-stress unix+seqpacket:$dir/sp unix+dgram:$dir/dg
tcp://127.0.0.1:7499 tcp://[::1]:7499 udp://127.0.0.1:7499 udp://[::1]:7499"
# As on the host (host.sh): the per-uid and per-address limits bind.
daemon_args="--backend kernel --allow-remote-write --max-clients 1024
--max-clients-per-uid 64 --log-level warning $urls"
daemon_wrap=
ready_url=tcp://127.0.0.1:7499
export STRESS_LIB nlipcd nlipc dir daemon_args daemon_wrap ready_url module
# Under TCG the guest is some 30 times slower than the host: fewer
# requests and fewer hostile acts, so that what is measured is nlipcd's
# fairness, not how soon two emulated CPUs are saturated; longer timeouts.
load_opts="--clients 1 --rate 50 --timeout 5000 --verify-url netlink:"

# A host loads unix_diag on request; this guest cannot (no modprobe in its
# initramfs), and without it nlipcd paces unix+dgram peers by totals only
# (doc/nlipcd.8): one abuser that never reads would hold up the others.
modprobe unix_diag 2>/dev/null || diag "unix_diag not loaded: nlipcd says what it loses"
daemon_start || bail_out "nlipcd did not start: $(tail -n 3 "$dir/log")"

# shellcheck disable=SC2086
"$load" --baseline "$(seconds "$S" 1 3)" --seconds "$S" --abuse \
	--abuse-pause 50000 $load_opts --daemon-pid "$dir/pid" \
	$urls >"$dir/out" 2>&1
load_tap "abuse"
daemon_alive
crashed=$?
ok_status $crashed "abuse: nlipcd still running"
stress_line vm-abuse "$(fd_leaks)" $crashed
[ $crashed -eq 0 ] || daemon_start || bail_out "nlipcd did not start again"

# shellcheck disable=SC2086,SC2016
"$load" --seconds "$S" $load_opts --store-survives \
	--fault '. "$STRESS_LIB" && daemon_kill9_restart' \
	--daemon-pid "$dir/pid" $urls >"$dir/out" 2>&1
load_tap "kill -9"
daemon_alive
crashed=$?
ok_status $crashed "kill -9: the new nlipcd still running"
stress_line vm-kill9 0 $crashed

pid=$(cat "$dir/pid")
# shellcheck disable=SC2086,SC2016
"$load" --seconds "$S" $load_opts \
	--fault '. "$STRESS_LIB" && module_bounce' \
	--daemon-pid "$dir/pid" $urls >"$dir/out" 2>&1
load_tap "rmmod"
daemon_alive && [ "$(cat "$dir/pid")" = "$pid" ]
crashed=$?
ok_status $crashed "rmmod: the same nlipcd still running"
stress_line vm-rmmod 0 $crashed

daemon_stop
ok_status $? "nlipcd stopped on SIGTERM"
# The log, but what the abusers earned (closed, refused, byte order).
grep -v 'closing\|refused\|byte order' "$dir/log" | tail -n 30 | sed 's/^/# nlipcd: /'
rm -rf "$dir"
plan
