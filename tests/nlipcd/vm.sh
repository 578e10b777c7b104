#!/bin/sh
# nlipcd against the module, in one boot of nlipc-vm: its kernel backend's
# own behaviour, the conformance suite through it, and both backends'
# answers against the module's, byte for byte. TAP from the guest.
# NLIPC_KMOD: another kernel's module (tests/kernel-lane.sh).
. "$top_srcdir/tests/tap.sh"
module=${NLIPC_KMOD:-$top_builddir/kmod/nlipc.ko}
[ -f "$module" ] || skip_all "kmod/nlipc.ko not built (no kernel headers)"
need_command qemu-system-x86_64 "qemu-system-x86 not installed"
need_command python3 "no python3"
"$top_srcdir/tools/nlipc-vm" --module "$module" --timeout 1200 -- \
	sh "$top_srcdir/tests/nlipcd/vm-run.sh" "$top_srcdir" "$top_builddir" \
	"$module"
vm_exit $?
