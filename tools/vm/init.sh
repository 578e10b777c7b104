#!/bin/busybox sh
# /init of the nlipc-vm initramfs (busybox sh).  Mounts the host root shared
# read-only over virtio-9p, loads the module under test and runs the user's
# command in a chroot of it.  Results go to the writable "scratch" share; the
# host trusts only the rc file written there, because qemu exits 0 even when
# the guest panics.

/bin/busybox mkdir -p /proc /sys /dev /newroot
/bin/busybox --install -s /bin
export PATH=/bin

# No /dev/console node in the archive (it is built without root), so mount
# devtmpfs first and take the console from there.
mount -t devtmpfs dev /dev
exec </dev/null >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys

die() {
	echo "nlipc-vm init: $*"
	sync
	poweroff -f
}

# virtio + 9p are modules in Debian's kernel; the host numbered them in load
# order. The debug kernel has them built in, and the folder is empty.
for m in /modules/*.ko; do
	[ -e "$m" ] || continue
	insmod "$m" || die "cannot load $m"
done

opts=trans=virtio,version=9p2000.L,msize=512000
R=/newroot
# The host root is read-only, so aggressive caching is safe and much faster.
mount -t 9p -o "$opts,cache=loose,ro" hostroot $R || die "cannot mount host root"
mount -t proc proc $R/proc
mount -t sysfs sys $R/sys
mount -t devtmpfs dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts
mount -t tmpfs tmpfs $R/dev/shm
# Writable /tmp and /var/tmp that still show the host's files (a clone or
# build under /tmp works): an overlay of a tmpfs on the read-only share.
for d in tmp var/tmp; do
	o=/overlay/$d
	mkdir -p $o && mount -t tmpfs tmpfs $o && mkdir $o/up $o/work &&
		chmod 1777 $o/up &&
		mount -t overlay overlay \
			-o lowerdir=$R/$d,upperdir=$o/up,workdir=$o/work $R/$d ||
		mount -t tmpfs -o mode=1777 tmpfs $R/$d ||
		die "cannot mount a writable /$d"
done
mount -t tmpfs -o mode=755 tmpfs $R/run || die "cannot mount tmpfs on /run"
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
S=/run/nlipc-vm
mkdir -p $R$S
mount -t 9p -o "$opts" scratch $R$S || die "cannot mount scratch"

ip link set lo up
hostname nlipc-vm

# Load the module under test with the chroot's kmod insmod, which also knows
# compressed modules.  Arguments are split on blanks on purpose.
rc=
if [ -e $R$S/module.ko ]; then
	set -f
	# shellcheck disable=SC2046
	if ! out=$(chroot $R /sbin/insmod $S/module.ko $(cat $R$S/module-args) 2>&1); then
		{
			echo "nlipc-vm: insmod $(cat $R$S/module-name) failed: $out"
			echo "nlipc-vm: last kernel messages:"
			dmesg | tail -n 20
		} >$R$S/stderr
		rc=125
	fi
	set +f
fi

if [ -z "$rc" ]; then
	chroot $R "$(cat $R$S/shell)" $S/run.sh </dev/null >$R$S/stdout 2>>$R$S/stderr
	rc=$?
fi

dmesg >$R$S/dmesg
cat /proc/sys/kernel/tainted >$R$S/tainted
echo "$rc" >$R$S/rc
sync
poweroff -f
