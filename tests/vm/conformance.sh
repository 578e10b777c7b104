#!/bin/sh
# The conformance suite against the kernel module over netlink, in the VM.
# NLIPC_KMOD: another kernel's module (tests/kernel-lane.sh).
. "$top_srcdir/tests/tap.sh"
module=${NLIPC_KMOD:-$top_builddir/kmod/nlipc.ko}
[ -f "$module" ] || skip_all "kmod/nlipc.ko not built"
need_command qemu-system-x86_64 "qemu-system-x86 not installed"
"$top_srcdir/tools/nlipc-vm" --module "$module" --timeout 900 -- \
	env NLIPC_URL=netlink: "$top_builddir/tests/conformance/conformance"
vm_exit $?
