#!/bin/sh
# nlipc --spec against the kernel's own YNL CLI in a guest, with the module
# loaded: nlctrl, netdev, ethtool (on lo and on a veth pair), fou and
# nlipc's own spec, as this kernel has them (ynl-compare.py --guest).
# NLIPC_KMOD: another kernel's module (tests/kernel-lane.sh).
. "$top_srcdir/tests/tap.sh"
module=${NLIPC_KMOD:-$top_builddir/kmod/nlipc.ko}
[ -f "$module" ] || skip_all "kmod/nlipc.ko not built (no kernel headers)"
need_command qemu-system-x86_64 "qemu-system-x86 not installed"
[ "$PYTHON3" != false ] || skip_all "no python3 with PyYAML"
compare=$top_srcdir/tests/ynl/ynl-compare.py

# The guest sees the host's root read-only: extract the YNL CLI first.
out=$(top_builddir=$top_builddir "$PYTHON3" "$compare" --extract 2>&1) ||
	skip_all "cannot extract the YNL CLI: $out"

"$top_srcdir/tools/nlipc-vm" --module "$module" --timeout 900 -- \
	env top_builddir="$top_builddir" top_srcdir="$top_srcdir" \
	"$PYTHON3" "$compare" --guest
vm_exit $?
