#!/bin/sh
# The clean Debian 12 root of make check-packages: debootstrap's minbase
# with the security archive in its apt sources, as on a Debian 12 host,
# made into the cache once a week and never changed after (each run
# installs into a copy or an overlay of it). Prints the root's path;
# debootstrap's and apt's output go to stderr.
#   usage: debian-root.sh CACHE_DIR
# NLIPC_DEBIAN_MIRROR and NLIPC_DEBIAN_SECURITY name other mirrors.
set -eu
cache=$1
mirror=${NLIPC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${NLIPC_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}

# A new root each week keeps apt's updates on top of it small; other
# mirrors, or another recipe (this script), get a root of their own.
key=$(date -u +%G-w%V)-$({ echo "$mirror $security"; cat "$0"; } | md5sum | cut -c 1-8)
root=$cache/debian12-$key
done_mark=$root/.nlipc-root-complete
[ -f "$done_mark" ] && { echo "$root"; exit 0; }

mkdir -p "$cache"
# Two runs at once make it once.
exec 9>"$cache/debian12.lock"
flock 9
[ -f "$done_mark" ] && { echo "$root"; exit 0; }

new=$root.new
rm -rf --one-file-system "$new"
# Its downloads are kept with apt's of the runs (packages.sh).
mkdir -p "$cache/apt-archives"
debootstrap --variant=minbase --cache-dir="$cache/apt-archives" bookworm \
	"$new" "$mirror" >&2
rm -f "$new/etc/apt/sources.list"
cat >"$new/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
# A throw-away root needs no fsync after each package (dpkg is slow
# without this on a busy disk).
echo force-unsafe-io >"$new/etc/dpkg/dpkg.cfg.d/nlipc-unsafe-io"
# Nothing installed in the root may start a service on the host.
printf '#!/bin/sh\nexit 101\n' >"$new/usr/sbin/policy-rc.d"
chmod 755 "$new/usr/sbin/policy-rc.d"
in_new() {
	chroot "$new" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@" >&2
}
in_new apt-get -q update
in_new apt-get -q -y -o Dpkg::Use-Pty=0 upgrade
in_new apt-get clean
touch "$new/${done_mark##*/}"
mv "$new" "$root"

# Roots of past weeks, long unused by any run.
find "$cache" -maxdepth 1 -name 'debian12-*' ! -name "debian12-$key" \
	-mtime +13 -exec rm -rf --one-file-system {} + 2>/dev/null || :
echo "$root"
