#!/bin/sh
# The checks of make check-packages that run inside the Debian 12 root
# with the packages installed, one per call, as their user would run
# them. Output is the caller's log; the exit code is the verdict.
#   usage: in-root.sh CHECK VERSION
set -u
check=$1 version=$2
here=$(cd "$(dirname "$0")" && pwd)

case $check in
version)
	out=$(nlipc --version) || exit 1
	echo "$out"
	case $out in "nlipc $version "*) ;; *) exit 1 ;; esac
	;;
daemon)
	# The root shares the host's network namespace, where abstract
	# sockets live: a name of this run's own.
	name=nlipc-packages-$$
	nlipcd --backend user "unix:@$name" &
	pid=$!
	i=0
	until grep -q " @$name\$" /proc/net/unix; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
			echo "nlipcd is not listening on unix:@$name after $i tries"
			kill $pid 2>/dev/null
			exit 1
		fi
		sleep 0.1
	done
	nlipc -c "unix:@$name" ping -c 1
	rc=$?
	kill -TERM $pid
	wait $pid
	drc=$?
	echo "nlipcd exited with $drc on SIGTERM"
	[ $rc -eq 0 ] && [ $drc -eq 0 ]
	;;
example-build)
	flags=$(pkg-config --cflags --libs nlipc) || exit 1
	echo "pkg-config --cflags --libs nlipc: $flags"
	gcc -Wall -Wextra -Werror -o /tmp/ping-stats "$here/ping-stats.c" $flags
	;;
example-run)
	# No module in a chroot: the example must load libnlipc.so.0 and
	# then say it cannot reach the module.
	out=$(/tmp/ping-stats 2>&1)
	rc=$?
	echo "$out"
	echo "exit $rc"
	[ $rc -eq 1 ] && case $out in "cannot reach nlipc: "*) ;; *) false ;; esac
	;;
files)
	rc=0
	for f in /usr/share/nlipc/spec/nlipc.yaml \
		/usr/share/bash-completion/completions/nlipc \
		/usr/share/man/man1/nlipc.1.gz /usr/share/man/man1/nlipc-bench.1.gz \
		/usr/share/man/man8/nlipcd.8.gz /usr/share/man/man3/libnlipc.3.gz \
		/usr/share/man/man7/nlipc.7.gz /usr/share/man/man3/nlipc_kv_get.3.gz \
		/usr/include/nlipc/nlipc.h /usr/include/linux/nlipc.h \
		/usr/share/nlipc/vm/init.sh /usr/bin/nlipc-bench /usr/sbin/nlipcd \
		/usr/lib/sysusers.d/nlipcd.conf \
		/usr/src/nlipc-$version/dkms.conf; do
		[ -f "$f" ] && echo "found $f" || { echo "missing $f"; rc=1; }
	done
	[ ! -e /usr/bin/nlipcd ] || { echo "nlipcd in /usr/bin, not only /usr/sbin"; rc=1; }
	grep -q '^ExecStart=/usr/sbin/nlipcd ' /lib/systemd/system/nlipcd.service ||
		{ echo "nlipcd.service does not start /usr/sbin/nlipcd"; rc=1; }
	cmp /usr/share/nlipc/spec/nlipc.yaml "$here/nlipc.yaml" || rc=1
	nlipc-vm --help >/dev/null || { echo "nlipc-vm --help failed"; rc=1; }
	exit $rc
	;;
units)
	# Installed, neither enabled nor started: nlipcd is the
	# administrator's to turn on.
	rc=0
	for u in nlipcd.service nlipcd.socket; do
		[ -f /lib/systemd/system/$u ] && echo "found /lib/systemd/system/$u" ||
			{ echo "missing /lib/systemd/system/$u"; rc=1; }
		for l in /etc/systemd/system/*/$u; do
			[ ! -e "$l" ] || { echo "enabled: $l"; rc=1; }
		done
	done
	exit $rc
	;;
dkms)
	# No kernel headers in the root: dkms has the module, built for no
	# kernel yet.
	out=$(dkms status nlipc) || exit 1
	echo "dkms status: $out"
	case $out in "nlipc/$version: added"*) ;; *) exit 1 ;; esac
	;;
purged)
	rc=0
	for f in /usr/src/nlipc-$version /var/lib/dkms/nlipc /usr/share/nlipc \
		/usr/bin/nlipc /usr/sbin/nlipcd /usr/include/nlipc; do
		[ ! -e "$f" ] || { echo "left behind: $f"; rc=1; }
	done
	exit $rc
	;;
*)
	echo "in-root.sh: unknown check '$check'" >&2
	exit 2
	;;
esac
