#!/bin/sh
# libnlipc(3)'s example: the man page's copy is examples/ping-stats.c, it
# compiles against the installed library found by pkg-config, and in the VM
# it pings the module, lists its counters and prints an extack refusal.
echo "1..3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed -n '/^\.EX/,/^\.EE/p' "$top_srcdir/doc/libnlipc.3" | sed -e '1d;$d' \
	-e 's/\\e/\\/g' -e 's/^\\&//' >"$tmp/man.c"
if cmp -s "$tmp/man.c" "$top_srcdir/examples/ping-stats.c"; then
	echo "ok 1 - libnlipc(3) shows examples/ping-stats.c as it is"
else
	diff "$tmp/man.c" "$top_srcdir/examples/ping-stats.c" | sed 's/^/# /'
	echo "not ok 1 - libnlipc(3) shows examples/ping-stats.c as it is"
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
	echo "ok 2 - compiles against the installed library ($flags)"
else
	sed 's/^/# /' "$tmp/install.log" "$tmp/cc.log" 2>/dev/null | tail -20
	echo "not ok 2 - compiles against the installed library"
	echo "ok 3 - runs against the module # SKIP not built"
	exit 0
fi

module="$top_builddir/kmod/nlipc.ko"
if [ ! -f "$module" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	echo "ok 3 - runs against the module # SKIP no module or no qemu"
	exit 0
fi
# The scratch folder must be visible in the guest: keep it under the build.
run="$top_builddir/example-run"
rm -rf "$run" && mkdir -p "$run" && cp -a "$tmp/example" "$dest" "$run/"
"$top_srcdir/tools/nlipc-vm" --module "$module" -- \
	env LD_LIBRARY_PATH="$run/root$libdir" "$run/example" >"$tmp/out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/out"
if [ $rc -eq 0 ] && grep -q '^ping: 5 bytes echoed$' "$tmp/out" &&
	grep -q '^ping  *1 requests$' "$tmp/out" &&
	grep -q '^refused: Numerical result out of range: .*(attribute reply-size)$' "$tmp/out"; then
	echo "ok 3 - pings the module, lists counters, explains a refusal"
else
	echo "not ok 3 - pings the module, lists counters, explains a refusal"
fi
rm -rf "$run"
