#!/bin/sh
# The conformance suite against the kernel module over netlink, in the VM.
# NLIPC_KMOD: another kernel's module (tests/kernel-lane.sh).
module=${NLIPC_KMOD:-$top_builddir/kmod/nlipc.ko}
[ -f "$module" ] || { echo "1..0 # SKIP kmod/nlipc.ko not built"; exit 0; }
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "1..0 # SKIP qemu-system-x86 not installed"; exit 0; }
"$top_srcdir/tools/nlipc-vm" --module "$module" --timeout 900 -- \
	env NLIPC_URL=netlink: "$top_builddir/tests/conformance/conformance"
rc=$?
[ $rc -lt 124 ] || echo "Bail out! nlipc-vm failed ($rc)"
exit 0
