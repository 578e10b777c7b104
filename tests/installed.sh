#!/bin/sh
# The installed tree works: `make install` into a staging root puts every
# file where the README says (the module under /lib/modules/RELEASE/updates
# for each kernel, the spec, nlipc-vm's guest init, bash completion, man
# pages), and the installed nlipc-vm boots a guest where the installed
# nlipc pings the installed module.
. "$top_srcdir/tests/tap.sh"

# In the build tree: the guest sees it (it shares the host root).
dest=$top_builddir/installed-root
rm -rf "$dest"
trap 'rm -rf "$dest"' EXIT
conf() { sed -n "s|^$1 = ||p" "$top_builddir/Makefile" | head -n 1; }
prefix=$(conf prefix)
if ! ${MAKE:-make} -C "$top_builddir" install DESTDIR="$dest" >"$dest.log" 2>&1; then
	show "$dest.log" | tail -n 20
	not_ok "make install DESTDIR=..."
	plan
	exit 0
fi
rm -f "$dest.log"
ok "make install DESTDIR=..."

# Autoconf's defaults for these, as configure wrote them.
bin=$dest$prefix/bin sbin=$dest$prefix/sbin share=$dest$prefix/share
lib=$(find "$dest" -name 'libnlipc.so.0' | head -n 1)
check "the library, with its soname link" test -n "$lib"
check "nlipc, nlipc-bench and nlipc-vm in bin/" \
	test -x "$bin/nlipc" -a -x "$bin/nlipc-bench" -a -x "$bin/nlipc-vm"
check "nlipcd in sbin/, not in bin/" test -x "$sbin/nlipcd" -a ! -e "$bin/nlipcd"
check "nlipcd.service starts the installed nlipcd" \
	grep -qx "ExecStart=$prefix/sbin/nlipcd .*" "$dest$prefix/lib/systemd/system/nlipcd.service"
check "sysusers.d/nlipcd.conf makes the user nlipcd.service runs as" \
	grep -q '^u nlipcd ' "$dest$prefix/lib/sysusers.d/nlipcd.conf"
check "the spec in share/nlipc/spec/, as in the tree" \
	cmp -s "$share/nlipc/spec/nlipc.yaml" "$top_srcdir/spec/nlipc.yaml"
check "nlipc-vm's guest init in share/nlipc/vm/" test -f "$share/nlipc/vm/init.sh"
check "bash completion for nlipc, which bash parses" \
	bash -n "$share/bash-completion/completions/nlipc"
check "man pages nlipc(1), nlipcd(8), nlipc-bench(1), nlipc-vm(1), libnlipc(3)" \
	test -f "$share/man/man1/nlipc.1" -a -f "$share/man/man8/nlipcd.8" \
	-a -f "$share/man/man1/nlipc-bench.1" -a -f "$share/man/man1/nlipc-vm.1" \
	-a -f "$share/man/man3/libnlipc.3"

module=
for r in $KERNEL_RELEASES; do
	ko=$dest/lib/modules/$r/updates/nlipc.ko
	check "nlipc.ko in /lib/modules/$r/updates, built for $r" \
		test "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" = "$r"
	[ -n "$module" ] || module=$ko
done

if [ -z "$module" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	skip_point "the installed nlipc-vm runs the installed nlipc" "no module or no qemu"
elif "$bin/nlipc-vm" --module "$module" -- env LD_LIBRARY_PATH="$(dirname "$lib")" \
	"$bin/nlipc" ping -c 1 >"$dest/vm.log" 2>&1; then
	show "$dest/vm.log"
	ok "the installed nlipc-vm runs the installed nlipc against the installed module"
else
	show "$dest/vm.log" | tail -n 20
	not_ok "the installed nlipc-vm runs the installed nlipc against the installed module"
fi
plan
