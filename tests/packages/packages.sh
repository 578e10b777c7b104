#!/bin/sh
# make check-packages: the Debian packages as a user gets them.
# dpkg-buildpackage builds them from a fresh copy of the distribution
# (make distdir: the build tree is left as it is), lintian checks them,
# then apt installs them with their dependencies into a clean Debian 12
# root (tests/packages/debian-root.sh, cached) where the tools run,
# libnlipc(3)'s example compiles through pkg-config, the files are where
# the README says, and the packages purge cleanly. Each step says how long
# it took; a failing one shows the end of its log.
#
# DEB_BUILD_OPTIONS is passed on; by default nocheck, as make check runs
# the same tests on the same sources.
. "$top_srcdir/tests/tap.sh"
need_root "debootstrap, chroot and mount need root"
for t in dpkg-buildpackage lintian debootstrap dh_dkms; do
	need_command $t "$t not found (dpkg-dev, lintian, debootstrap, dh-dkms)"
done

cache=${NLIPC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nlipc}
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/nlipc-packages.XXXXXX") || exit 1
root=$tmp/root src=$tmp/nlipc-$PACKAGE_VERSION
cleanup() {
	# Whatever a step left running in the root, then its mounts, inner
	# first; never remove what is still mounted.
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] &&
			kill -KILL "${p#/proc/}" 2>/dev/null
	done
	for m in "$root/var/cache/apt/archives" "$root/proc" "$root"; do
		! mountpoint -q "$m" || umount "$m" || umount -l "$m"
	done
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# step [-v] DESCRIPTION COMMAND...: one test point; on failure the end of
# the command's output, with -v all of it in any case.
step() {
	verbose=0
	[ "$1" != -v ] || { verbose=1; shift; }
	desc=$1
	shift
	t0=$(date +%s)
	"$@" >"$tmp/log" 2>&1
	rc=$?
	diag "$(($(date +%s) - t0)) s"
	if [ $rc -eq 0 ]; then
		[ $verbose = 0 ] || show "$tmp/log"
		ok "$desc"
	else
		tail -n 40 "$tmp/log" | show
		not_ok "$desc"
	fi
	return $rc
}
# The steps after a failed one that they need cannot run.
give_up() {
	diag "$(($(date +%s) - start)) s in all"
	plan
	exit 0
}
# The root's own programs and a plain environment, as a user has.
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
apt_root() { in_root apt-get -q -y -o Dpkg::Use-Pty=0 "$@"; }
start=$(date +%s)

# The build sees neither make's flags (the lane's TESTS among them) nor
# the test environment.
build() (
	cd "$src" && env -i PATH="$PATH" HOME="$HOME" LC_ALL=C.UTF-8 \
		DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS-nocheck}" \
		dpkg-buildpackage -us -uc -b
)
step "make distdir: a fresh copy of the distribution" \
	env -u MAKEFLAGS ${MAKE:-make} -C "$top_builddir" distdir \
	distdir="$src" top_distdir="$src" || give_up
arch=$(dpkg --print-architecture)
debs="nlipc-dkms_${PACKAGE_VERSION}_all.deb"
for p in libnlipc0 libnlipc-dev nlipc; do
	debs="$debs ${p}_${PACKAGE_VERSION}_$arch.deb"
done
check_debs() {
	build || return 1
	for d in $debs; do
		[ -f "$tmp/$d" ] || { echo "no $d"; return 1; }
	done
}
step "dpkg-buildpackage builds $debs" check_debs || give_up

lintian_errors() {
	lintian --fail-on error "$tmp/nlipc_${PACKAGE_VERSION}_$arch.changes" \
		>"$tmp/lintian.log" 2>&1
	rc=$?
	grep -v '^running with root privileges' "$tmp/lintian.log"
	return $rc
}
step -v "lintian: no errors" lintian_errors

# The root: an overlay on the cached one, else a copy of it.
make_root() {
	base=$("$top_srcdir/tests/packages/debian-root.sh" "$cache") || return 1
	echo "cached root: $base"
	mkdir -p "$root" "$tmp/upper" "$tmp/work" "$cache/apt-archives/partial" || return 1
	mount -t overlay overlay -o "lowerdir=$base,upperdir=$tmp/upper,workdir=$tmp/work" \
		"$root" || cp -a "$base/." "$root/" || return 1
	mount -t proc proc "$root/proc" &&
	# apt's downloads are kept for the next runs.
	mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
}
step "a clean Debian 12 root (debootstrap minbase, cached in $cache)" make_root ||
	give_up

install_debs() {
	mkdir -p "$root/tmp/debs" && (cd "$tmp" && cp $debs "$root/tmp/debs/") &&
	apt_root update &&
	apt_root install --no-install-recommends $(for d in $debs; do echo /tmp/debs/$d; done)
}
step "apt installs the four packages and their dependencies" install_debs ||
	give_up

# The checks inside the root, with what they compare against.
check=/tmp/nlipc-check
mkdir -p "$root$check"
cp "$top_srcdir/tests/packages/in-root.sh" "$top_srcdir/examples/ping-stats.c" \
	"$top_srcdir/spec/nlipc.yaml" "$root$check/"
in_check() { in_root sh "$check/in-root.sh" "$1" "$PACKAGE_VERSION"; }

step -v "nlipc --version says $PACKAGE_VERSION" in_check version
step -v "nlipcd --backend user answers nlipc ping on an abstract socket, stops on SIGTERM" \
	in_check daemon
toolchain() {
	apt_root install --no-install-recommends gcc libc6-dev pkgconf \
		>"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; return 1; }
	in_check example-build
}
if step -v "examples/ping-stats.c compiles with gcc and pkg-config's flags for nlipc" \
	toolchain; then
	step -v "the example runs on libnlipc0 and says it cannot reach the module" \
		in_check example-run
else
	skip_point "the example runs on libnlipc0" "it did not compile"
fi
step "spec, completion, man pages, headers and nlipc-vm's init in place" in_check files
step "nlipcd's systemd units installed, not enabled" in_check units
step -v "nlipc-dkms registered with dkms (no kernel headers here to build it)" in_check dkms
purge() {
	apt_root purge nlipc-dkms nlipc libnlipc-dev libnlipc0 && in_check purged
}
step "the packages purge cleanly" purge
# Downloads that no mirror offers any more leave the cache.
apt_root autoclean >/dev/null 2>&1

diag "$(($(date +%s) - start)) s in all"
plan
