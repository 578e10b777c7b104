#!/bin/sh
# libnlipc(3)'s example: the man page's copy is examples/ping-stats.c, it
# compiles against the installed library found by pkg-config, and in the VM
# it pings the module, lists its counters and prints an extack refusal.
. "$top_srcdir/tests/tap.sh"
plan 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed -n '/^\.EX/,/^\.EE/p' "$top_srcdir/doc/libnlipc.3" | sed -e '1d;$d' \
	-e 's/\\e/\\/g' -e 's/^\\&//' >"$tmp/man.c"
if cmp -s "$tmp/man.c" "$top_srcdir/examples/ping-stats.c"; then
	ok "libnlipc(3) shows examples/ping-stats.c as it is"
else
	diff "$tmp/man.c" "$top_srcdir/examples/ping-stats.c" | show
	not_ok "libnlipc(3) shows examples/ping-stats.c as it is"
fi

dest="$tmp/root"
libdir=$(sed -n 's/^libdir=//p' "$top_builddir/lib/nlipc.pc")
prefix=$(sed -n 's/^prefix=//p' "$top_builddir/lib/nlipc.pc")
libdir=$(echo "$libdir" | sed "s|\${exec_prefix}|$prefix|;s|\${prefix}|$prefix|")
if ${MAKE:-make} -C "$top_builddir" install DESTDIR="$dest" >"$tmp/install.log" 2>&1 &&
	flags=$(PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_PATH="$dest$libdir/pkgconfig" \
		pkg-config --cflags --libs nlipc) &&
	${CC:-cc} -Wall -Wextra -Werror -o "$tmp/example" "$tmp/man.c" $flags \
		>"$tmp/cc.log" 2>&1; then
	ok "compiles against the installed library ($flags)"
else
	show "$tmp/install.log" "$tmp/cc.log" 2>/dev/null | tail -20
	not_ok "compiles against the installed library"
	skip_point "runs against the module" "not built"
	exit 0
fi

module="$top_builddir/kmod/nlipc.ko"
if [ ! -f "$module" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	skip_point "runs against the module" "no module or no qemu"
	exit 0
fi
# The scratch folder must be visible in the guest: keep it under the build.
run="$top_builddir/example-run"
rm -rf "$run" && mkdir -p "$run" && cp -a "$tmp/example" "$dest" "$run/"
"$top_srcdir/tools/nlipc-vm" --module "$module" -- \
	env LD_LIBRARY_PATH="$run/root$libdir" "$run/example" >"$tmp/out" 2>&1
rc=$?
show "$tmp/out"
if [ $rc -eq 0 ] && grep -q '^ping: 5 bytes echoed$' "$tmp/out" &&
	grep -q '^ping  *1 requests$' "$tmp/out" &&
	grep -q '^refused: Numerical result out of range: .*(attribute reply-size)$' "$tmp/out"; then
	ok "pings the module, lists counters, explains a refusal"
else
	not_ok "pings the module, lists counters, explains a refusal"
fi
rm -rf "$run"
