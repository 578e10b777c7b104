#!/bin/sh
# The module as DKMS users get it: the sources as `make install-dkms` (and
# so the nlipc-dkms package) lays them out, built by `dkms build` for every
# kernel configure found; then in a guest of each of those kernels,
# `dkms install` puts it where modprobe finds it, `modprobe nlipc` loads it
# and `nlipc ping` gets an answer. dkms works in trees of its own here, not
# the host's /usr/src and /var/lib/dkms (where it may still create its
# module signing key, as on any first use).
. "$top_srcdir/tests/tap.sh"
[ -n "$KERNEL_RELEASES" ] || skip_all "no kernel headers: the module is not built"
need_command dkms "dkms not installed"
need_root "dkms runs as root"

tmp=$(mktemp -d /tmp/nlipc-dkms.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src dkmstree=$tmp/dkms mod="-m nlipc -v $PACKAGE_VERSION"
mkdir -p "$dkmstree"

if make -s -C "$top_builddir" install-dkms DESTDIR="$tmp" \
	dkmsdir=/src/nlipc-"$PACKAGE_VERSION" >"$tmp/log" 2>&1 &&
	dkms add $mod --sourcetree "$src" --dkmstree "$dkmstree" >>"$tmp/log" 2>&1; then
	ok "make install-dkms lays out a tree dkms add takes"
else
	show "$tmp/log"
	not_ok "make install-dkms lays out a tree dkms add takes"
	plan
	exit 0
fi

for r in $KERNEL_RELEASES; do
	if dkms build $mod -k "$r" --sourcetree "$src" --dkmstree "$dkmstree" \
		>"$tmp/log" 2>&1; then
		ok "dkms build for $r"
	else
		show "$tmp/log" | tail -n 30
		tail -n 30 "$dkmstree/nlipc/$PACKAGE_VERSION/build/make.log" \
			2>/dev/null | show
		not_ok "dkms build for $r"
		continue
	fi
	if [ ! -e "/boot/vmlinuz-$r" ] || ! command -v qemu-system-x86_64 >/dev/null; then
		skip_point "$r guest: dkms install, modprobe, ping" \
			"no /boot/vmlinuz-$r or no qemu"
		continue
	fi
	if "$top_srcdir/tools/nlipc-vm" --no-module --kernel "/boot/vmlinuz-$r" \
		--timeout 600 -- sh "$top_srcdir/tests/dkms/guest.sh" "$r" \
		"$PACKAGE_VERSION" "$src" "$dkmstree" \
		"$top_builddir/tools/nlipc/nlipc" >"$tmp/log" 2>&1; then
		show "$tmp/log"
		ok "$r guest: dkms install, modprobe nlipc, nlipc ping"
	else
		show "$tmp/log" | tail -n 40
		not_ok "$r guest: dkms install, modprobe nlipc, nlipc ping"
	fi
done
plan
