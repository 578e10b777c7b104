#!/bin/sh
# nlipc --spec against the kernel's own YNL CLI in a guest, with the module
# loaded: nlctrl, netdev, ethtool (on lo and on a veth pair), fou and
# nlipc's own spec, as this kernel has them (ynl-compare.py --guest).
# NLIPC_KMOD: another kernel's module (tests/kernel-lane.sh).
module=${NLIPC_KMOD:-$top_builddir/kmod/nlipc.ko}
skip() {
	echo "1..0 # SKIP $*"
	exit 0
}
[ -f "$module" ] || skip "kmod/nlipc.ko not built (no kernel headers)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86 not installed"
[ "$PYTHON3" != false ] || skip "no python3 with PyYAML"
compare=$top_srcdir/tests/ynl/ynl-compare.py

# The guest sees the host's root read-only: extract the YNL CLI first.
out=$(top_builddir=$top_builddir "$PYTHON3" "$compare" --extract 2>&1) ||
	skip "cannot extract the YNL CLI: $out"

"$top_srcdir/tools/nlipc-vm" --module "$module" --timeout 900 -- \
	env top_builddir="$top_builddir" top_srcdir="$top_srcdir" \
	"$PYTHON3" "$compare" --guest
rc=$?
[ $rc -lt 124 ] || echo "Bail out! nlipc-vm failed ($rc)"
exit 0
