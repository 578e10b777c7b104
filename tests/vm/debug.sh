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
. "$top_srcdir/tests/tap.sh"
need_command qemu-system-x86_64 "qemu-system-x86 not installed"
[ "$PYTHON3" != false ] || skip_all "no python3 with PyYAML"
[ -f "$src/Kbuild" ] || skip_all "no module sources in $src"

# Progress and build output go to this test's log; only TAP to stdout.
start=$(date +%s)
diag "debug kernel and module (a first build takes 7 to 13 minutes)"
"$top_srcdir/tools/vm/debug-kernel.sh" --module "$src" "$out" >/dev/null
rc=$?
[ $rc -ne 1 ] || skip_all "the debug kernel cannot be built here (missing packages, see the log)"
[ $rc -eq 0 ] || bail_out "building the debug kernel or the module failed"
diag "built or found in $(($(date +%s) - start)) s"

"$top_srcdir/tools/nlipc-vm" --kernel debug --module "$out/nlipc.ko" \
	--timeout 2700 --console "$top_builddir/tests/vm/debug-console.log" \
	--dmesg "$top_builddir/tests/vm/debug-dmesg.log" -- \
	"$PYTHON3" "$top_srcdir/tests/vm/debug-guest.py" \
	"$top_srcdir/spec/nlipc.yaml" "$out/nlipc.ko"
rc=$?
diag "lane: $(($(date +%s) - start)) s in all"
# A guest that died mid-run leaves no plan: make that a visible failure.
vm_exit $rc
