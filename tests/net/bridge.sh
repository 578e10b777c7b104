#!/bin/sh
# The bridge of other families across two hosts, in one guest booted with
# the module: the server host runs nlipcd with the kernel backend and
# --bridge-family netdev and ethtool; the client host asks it by name over
# tcp://, and must get what the server host gets over netlink. TAP from
# the guest (tests/net/bridge-guest.sh).
. "$top_srcdir/tests/tap.sh"
module=${NLIPC_KMOD:-$top_builddir/kmod/nlipc.ko}
[ -f "$module" ] || skip_all "kmod/nlipc.ko not built (no kernel headers)"
need_command qemu-system-x86_64 "qemu-system-x86 not installed"
need_python "no python3"
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
[ -f "$tarball" ] ||
	skip_all "$tarball is missing (apt-get install linux-source-6.12)"
# The kernel's specs, extracted on the host: the guest's root is read-only.
specs=$(PYTHONPATH="$top_srcdir/tests" "$py" -m nlipctest.kernel_specs) ||
	skip_all "cannot extract the kernel's specs"
"$top_srcdir/tools/nlipc-vm" --module "$module" --smp 1 --timeout 600 -- \
	sh "$top_srcdir/tests/net/bridge-guest.sh" "$top_srcdir" \
	"$top_builddir" "$specs"
vm_exit $?
