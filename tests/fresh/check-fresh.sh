#!/usr/bin/env bash
# make check-fresh: the README's quick start where a new user meets it. A
# minimal Debian 12 root (debootstrap --variant=minbase, with the standard
# /etc/hosts and the apt sources a Debian 12 container image has), a clone
# of this tree's HEAD in it, then ./bootstrap.sh and make check-all in a
# chroot. Prints their summary; exits with theirs.
# Needs root and Debian's mirror; about 40 minutes on 2 cores.
#   usage: check-fresh.sh SRCDIR   (FRESH_KEEP=1 keeps the root;
#          FRESH_LANES="check-sanitizers ..." runs those lanes, through
#          make check-all, instead of all of them)
set -uo pipefail
src=$(cd "${1:-.}" && pwd)
((EUID == 0)) || { echo "check-fresh: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null && command -v flock >/dev/null ||
	{ echo "check-fresh: debootstrap is not installed" >&2; exit 2; }
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}

root=$(mktemp -d "${TMPDIR:-/var/tmp}/nlipc-fresh.XXXXXX") || exit 1
mounts=()
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -l "${mounts[i]}" 2>/dev/null
	done
	[[ -n ${FRESH_KEEP-} ]] && echo "check-fresh: root kept in $root" ||
		rm -rf --one-file-system "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "check-fresh: $*"; }

start=$SECONDS
# make check-packages' clean root (debootstrap minbase, Debian 12's apt
# sources with the security archive; cached), copied: the copy gets the
# standard /etc/hosts and nothing else.
cache=${NLIPC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nlipc}
say "a minbase Debian 12 root in $root"
base=$(NLIPC_DEBIAN_MIRROR=$mirror sh "$src/tests/packages/debian-root.sh" "$cache" 2>"$root.log") ||
	{ tail -n 20 "$root.log"; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
cp -a "$base/." "$root/" || exit 1
chmod 755 "$root"
# As Debian writes it: a fresh install and the debian:12 image.
cat >"$root/etc/hosts" <<'HOSTS'
127.0.0.1	localhost
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
ff02::2		ip6-allrouters
HOSTS
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
say "root ready in $((SECONDS - start)) s"

git clone --quiet "$src" "$root/root/nlipc" || exit 1
for m in proc sys dev dev/pts; do
	case $m in
	proc) mount -t proc proc "$root/proc" ;;
	sys) mount -t sysfs sys "$root/sys" ;;
	dev) mount --bind /dev "$root/dev" ;;
	dev/pts) mount -t devpts -o newinstance devpts "$root/dev/pts" ;;
	esac || exit 1
	mounts+=("$root/$m")
done
mount -t tmpfs tmpfs "$root/run" && mounts+=("$root/run")

run() { chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
	PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 /bin/bash -c "cd /root/nlipc && $1"; }
t0=$SECONDS
say "./bootstrap.sh"
run ./bootstrap.sh >"$root/bootstrap.log" 2>&1
brc=$?
say "./bootstrap.sh: exit $brc in $((SECONDS - t0)) s"
((brc == 0)) || tail -n 30 "$root/bootstrap.log"
t0=$SECONDS
lanes=${FRESH_LANES:+" CHECK_ALL_LANES='$FRESH_LANES'"}
say "make check-all$lanes"
run "make check-all$lanes" >"$root/check-all.log" 2>&1
rc=$?
say "make check-all: exit $rc in $((SECONDS - t0)) s"
# The lanes, the failing tests (indented under "check-all: failed:") and
# the summary, which make's own error line follows when a lane failed.
grep -E '^check-all: |^  check[a-z-]*: |^(FAIL|ERROR): |^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' \
	"$root/check-all.log"
say "$((SECONDS - start)) s in all"
((brc == 0 && rc == 0))
