#!/bin/sh
# nlipcd's kernel backend under load and faults (SIGKILL of the daemon,
# the module unloaded and loaded again), in one boot of nlipc-vm: see
# vm-guest.sh. STRESS_SECONDS (default 10) per run. Stress only: under
# TCG it takes about a minute more than the runs themselves.
S=${STRESS_SECONDS:-10}
module="$top_builddir/kmod/nlipc.ko"
. "$top_srcdir/tests/tap.sh"
[ -f "$module" ] || skip_all "kmod/nlipc.ko not built (no kernel headers)"
need_command qemu-system-x86_64 "qemu-system-x86 not installed"
[ -x "$top_builddir/tests/stress/stress-load" ] || skip_all "stress-load not built"
"$top_srcdir/tools/nlipc-vm" --module "$module" --timeout $((S * 6 + 300)) -- \
	sh "$top_srcdir/tests/stress/vm-guest.sh" "$top_srcdir" "$top_builddir" \
	"$module" "$S"
vm_exit $?
