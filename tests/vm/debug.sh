#!/bin/sh
# The debug-kernel lane: the module's kernel tests and failslab tests in one
# boot of nlipc-vm on a kernel with KASAN, UBSAN, lockdep, kmemleak and
# failslab (tools/vm/debug-kernel.sh builds it once into a cache), then
# what those detectors found. TAP comes from the guest
# (tests/vm/debug-guest.py); the guest's console and kernel log are kept
# beside this test's log.
#
# NLIPC_KMOD_SRC names another copy of kmod/ to build and test instead,
# e.g. one with a bug planted to see that the lane catches it.
src=${NLIPC_KMOD_SRC:-$top_srcdir/kmod}
out=$top_builddir/tests/vm/kmod-debug
skip() {
	echo "1..0 # SKIP $*"
	exit 0
}
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86 not installed"
[ "$PYTHON3" != false ] || skip "no python3 with PyYAML"
[ -f "$src/Kbuild" ] || skip "no module sources in $src"

# Progress and build output go to this test's log; only TAP to stdout.
start=$(date +%s)
echo "# debug kernel and module (a first build takes 7 to 13 minutes)"
"$top_srcdir/tools/vm/debug-kernel.sh" --module "$src" "$out" >/dev/null
rc=$?
[ $rc -ne 1 ] || skip "the debug kernel cannot be built here (missing packages, see the log)"
[ $rc -eq 0 ] || { echo "Bail out! building the debug kernel or the module failed"; exit 0; }
echo "# built or found in $(($(date +%s) - start)) s"

"$top_srcdir/tools/nlipc-vm" --kernel debug --module "$out/nlipc.ko" \
	--timeout 2700 --console "$top_builddir/tests/vm/debug-console.log" \
	--dmesg "$top_builddir/tests/vm/debug-dmesg.log" -- \
	"$PYTHON3" "$top_srcdir/tests/vm/debug-guest.py" \
	"$top_srcdir/spec/nlipc.yaml" "$out/nlipc.ko"
rc=$?
echo "# lane: $(($(date +%s) - start)) s in all"
# A guest that died mid-run leaves no plan: make that a visible failure.
[ $rc -lt 124 ] || echo "Bail out! nlipc-vm failed ($rc)"
exit 0
