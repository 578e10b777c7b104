#!/bin/sh
# The module as DKMS users get it: the sources as `make install-dkms` (and
# so the nlipc-dkms package) lays them out, built by `dkms build` for every
# kernel configure found; then in a guest of each of those kernels,
# `dkms install` puts it where modprobe finds it, `modprobe nlipc` loads it
# and `nlipc ping` gets an answer. dkms works in trees of its own here, not
# the host's /usr/src and /var/lib/dkms (where it may still create its
# module signing key, as on any first use).
skip() {
	echo "1..0 # SKIP $*"
	exit 0
}
[ -n "$KERNEL_RELEASES" ] || skip "no kernel headers: the module is not built"
command -v dkms >/dev/null || skip "dkms not installed"
[ "$(id -u)" = 0 ] || skip "dkms runs as root"

tmp=$(mktemp -d /tmp/nlipc-dkms.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src dkmstree=$tmp/dkms mod="-m nlipc -v $PACKAGE_VERSION"
mkdir -p "$dkmstree"
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }

if make -s -C "$top_builddir" install-dkms DESTDIR="$tmp" \
	dkmsdir=/src/nlipc-"$PACKAGE_VERSION" >"$tmp/log" 2>&1 &&
	dkms add $mod --sourcetree "$src" --dkmstree "$dkmstree" >>"$tmp/log" 2>&1; then
	ok "make install-dkms lays out a tree dkms add takes"
else
	sed 's/^/# /' "$tmp/log"
	not_ok "make install-dkms lays out a tree dkms add takes"
	echo "1..$n"
	exit 0
fi

for r in $KERNEL_RELEASES; do
	if dkms build $mod -k "$r" --sourcetree "$src" --dkmstree "$dkmstree" \
		>"$tmp/log" 2>&1; then
		ok "dkms build for $r"
	else
		sed 's/^/# /' "$tmp/log" | tail -n 30
		cat "$dkmstree/nlipc/$PACKAGE_VERSION/build/make.log" 2>/dev/null |
			tail -n 30 | sed 's/^/# /'
		not_ok "dkms build for $r"
		continue
	fi
	if [ ! -e "/boot/vmlinuz-$r" ] || ! command -v qemu-system-x86_64 >/dev/null; then
		ok "$r guest: dkms install, modprobe, ping # SKIP no /boot/vmlinuz-$r or no qemu"
		continue
	fi
	if "$top_srcdir/tools/nlipc-vm" --no-module --kernel "/boot/vmlinuz-$r" \
		--timeout 600 -- sh "$top_srcdir/tests/dkms/guest.sh" "$r" \
		"$PACKAGE_VERSION" "$src" "$dkmstree" \
		"$top_builddir/tools/nlipc/nlipc" >"$tmp/log" 2>&1; then
		sed 's/^/# /' "$tmp/log"
		ok "$r guest: dkms install, modprobe nlipc, nlipc ping"
	else
		sed 's/^/# /' "$tmp/log" | tail -n 40
		not_ok "$r guest: dkms install, modprobe nlipc, nlipc ping"
	fi
done
echo "1..$n"
