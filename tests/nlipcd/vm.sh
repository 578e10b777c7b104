#!/bin/sh
# nlipcd against the module, in one boot of nlipc-vm: its kernel backend's
# own behaviour, the conformance suite through it, and both backends'
# answers against the module's, byte for byte. TAP from the guest.
# NLIPC_KMOD: another kernel's module (tests/kernel-lane.sh).
module=${NLIPC_KMOD:-$top_builddir/kmod/nlipc.ko}
skip() {
	echo "1..0 # SKIP $*"
	exit 0
}
[ -f "$module" ] || skip "kmod/nlipc.ko not built (no kernel headers)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86 not installed"
command -v python3 >/dev/null || skip "no python3"
"$top_srcdir/tools/nlipc-vm" --module "$module" --timeout 1200 -- \
	sh "$top_srcdir/tests/nlipcd/vm-run.sh" "$top_srcdir" "$top_builddir" \
	"$module"
rc=$?
[ $rc -lt 124 ] || echo "Bail out! nlipc-vm failed ($rc)"
exit 0
