#!/bin/sh
# The module under hostile input, loaded and unloaded in a loop, and
# unloaded under load (tests/stress/module-stress.py), in one boot of
# nlipc-vm. TAP comes from the guest, with one "# stress: ..." line of
# figures per test for make stress.
#
# STRESS_SECONDS: seconds of hostile input (20, what make check runs); the
# load before the unload lasts a fifth of it, at least 3 s.
# STRESS_RELOADS: load/unload cycles (100).
# STRESS_KERNEL=debug: on the debug-lane kernel (KASAN, kmemleak...),
# which tools/vm/debug-kernel.sh builds first if its cache has none.
# NLIPC_SEED replays a run's hostile inputs (each run prints its seed).
# NLIPC_KMOD: another kernel's module (tests/kernel-lane.sh).
module=${NLIPC_KMOD:-$top_builddir/kmod/nlipc.ko}
seconds=${STRESS_SECONDS:-20}
. "$top_srcdir/tests/tap.sh"
need_command qemu-system-x86_64 "qemu-system-x86 not installed"
[ "$PYTHON3" != false ] || skip_all "no python3 with PyYAML"
case $seconds in
'' | *[!0-9]*) bail_out "STRESS_SECONDS must be whole seconds" ;;
esac

kernel=
timeout=$((seconds * 2 + 600))
if [ "${STRESS_KERNEL:-}" = debug ]; then
	# The module built against the debug kernel, where the debug lane has it.
	out=$top_builddir/tests/vm/kmod-debug
	"$top_srcdir/tools/vm/debug-kernel.sh" --module "$top_srcdir/kmod" "$out" \
		>/dev/null 2>&1 || skip_all "no debug kernel (tools/vm/debug-kernel.sh failed)"
	module=$out/nlipc.ko
	kernel="--kernel debug"
	timeout=$((seconds * 6 + 2400))
elif [ -n "${STRESS_KERNEL:-}" ]; then
	kernel="--kernel $STRESS_KERNEL"
fi
[ -f "$module" ] || skip_all "kmod/nlipc.ko not built (no kernel headers)"

unload=$((seconds / 5))
[ $unload -ge 3 ] || unload=3
# Chosen here, so a guest that dies can still be told how to replay it.
seed=${NLIPC_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
# shellcheck disable=SC2086
"$top_srcdir/tools/nlipc-vm" $kernel --module "$module" --timeout "$timeout" \
	--dmesg "$top_builddir/tests/stress/module-dmesg${NLIPC_KMOD:+-$(basename "$(dirname "$NLIPC_KMOD")")}.log" -- \
	env NLIPC_HOSTILE_SECONDS="$seconds" NLIPC_UNLOAD_SECONDS="$unload" \
	NLIPC_RELOADS="${STRESS_RELOADS:-100}" NLIPC_SEED="$seed" \
	"$PYTHON3" "$top_srcdir/tests/stress/module-stress.py" \
	"$top_srcdir/spec/nlipc.yaml" "$module"
rc=$?
# A guest that died mid-run (an oops panics it) or hung leaves no plan:
# count it as a crash for make stress and make it a visible failure.
if [ $rc -ge 124 ]; then
	echo "# stress: module-guest duration_s=0.0 requests=0 hostile=0 errors=0 leaks=0 crashes=1"
	echo "Bail out! nlipc-vm failed ($rc); NLIPC_SEED=$seed replays the hostile input"
fi
exit 0
