#!/bin/sh
# The module's kernel tests, in one boot of nlipc-vm. TAP comes from the
# guest; the guest's kernel log is kept beside this test's log.
# NLIPC_KMOD: another kernel's module (tests/kernel-lane.sh).
. "$top_srcdir/tests/tap.sh"
module=${NLIPC_KMOD:-$top_builddir/kmod/nlipc.ko}
[ -f "$module" ] || skip_all "kmod/nlipc.ko not built (no kernel headers)"
need_command qemu-system-x86_64 "qemu-system-x86 not installed"
[ "$PYTHON3" != false ] || skip_all "no python3 with PyYAML"

"$top_srcdir/tools/nlipc-vm" --module "$module" --timeout 1200 \
	--dmesg "kernel-dmesg${NLIPC_KMOD:+-$(basename "$(dirname "$NLIPC_KMOD")")}.log" -- \
	"$PYTHON3" "$top_srcdir/tests/vm/kernel-tests.py" \
	"$top_srcdir/spec/nlipc.yaml" "$module"
# A guest that died mid-run leaves no plan: make that a visible failure.
vm_exit $?
