#!/bin/sh
# In a guest of kernel RELEASE (tests/dkms/dkms.sh): dkms installs the
# module it built on the host, modprobe loads it, nlipc pings it.
#   usage: guest.sh RELEASE VERSION SOURCETREE DKMSTREE NLIPC
set -eu
r=$1 v=$2 src=$3 dkmstree=$4 nlipc=$5
mods=/lib/modules/$r

# The host root is read-only here: a tmpfs overlay on this kernel's module
# tree lets dkms install and depmod write as they would on a real host.
mkdir -p /run/dkms/up /run/dkms/work
mount -t overlay overlay \
	-o "lowerdir=$mods,upperdir=/run/dkms/up,workdir=/run/dkms/work" "$mods"

! modinfo -F filename nlipc 2>/dev/null || {
	echo "an nlipc module is already installed for $r"; exit 1; }
dkms install -m nlipc -v "$v" -k "$r" --sourcetree "$src" \
	--dkmstree "$dkmstree" >/run/dkms/log 2>&1 ||
	{ cat /run/dkms/log; exit 1; }
file=$(modinfo -F filename nlipc)
echo "modprobe finds $file"
case $file in
"$mods"/updates/dkms/nlipc.ko*) ;;
*) echo "not the DKMS-built module"; exit 1 ;;
esac
modprobe nlipc
grep -q '^nlipc ' /proc/modules
"$nlipc" ping -c 1
