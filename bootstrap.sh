#!/usr/bin/env bash
# Set nlipc up on Debian 12 and run its main job:
#   1. install the Debian packages the build, the VM and the tests need
#      (as root; otherwise print the apt-get line to run),
#   2. autoreconf, configure and build everything, the module included,
#   3. boot the module in the VM, query it, and compare IPC families
#      (skip with --no-demo).
set -euo pipefail
cd "$(dirname "$0")"

packages=(
	build-essential autoconf automake libtool pkg-config
	libnl-3-dev libnl-genl-3-dev libmnl-dev libjson-c-dev libcmocka-dev
	# The spec reader that generates the family's tables at build time.
	libyaml-dev
	# nlipcd --user: dropping to a user with CAP_NET_ADMIN alone.
	libcap-ng-dev
	# ssh:// URLs, and their test against a private sshd (tests/cli/ssh.sh).
	openssh-client openssh-server
	# tls:// (GnuTLS, as Debian's own network daemons use), and the
	# throwaway certificates of its test (tests/cli/tls.sh).
	libgnutls28-dev openssl
	kmod sparse
	# The two kernel series the module supports, each tested in the VM:
	# Debian 12's own 6.1 and 6.12 from its security archive.
	linux-headers-amd64 linux-image-amd64
	linux-headers-6.12-amd64 linux-image-6.12-amd64
	# Installing the module for real: DKMS, the Debian packages and the
	# clean root they are tried in (make check-packages).
	dkms debhelper dh-dkms lintian debootstrap fakeroot
	# Service names (tcp://host:echo) come from netbase's /etc/services.
	netbase
	qemu-system-x86 busybox-static cpio
	python3 python3-yaml gnuplot-nox iproute2 util-linux
	# The manual pages' lint and coverage test (tests/man-pages.py).
	mandoc
	# systemd-analyze and systemd-sysusers, which check nlipcd's unit
	# (tests/nlipcd/unit-security.sh); containers lack them.
	systemd
	# nlipc-bench's cross-check against an outside tool (make bench-check).
	sockperf
	# Counting system calls (tests/cli/tls.sh).
	strace
	# The unit tests under memcheck (make check-valgrind).
	valgrind
	# libFuzzer targets (make fuzz, make check-fuzz).
	clang libclang-rt-14-dev
	# The kernel's own YNL CLI and specs, nlipc --spec's reference
	# (tests/ynl/ynl-compare.py); its spec validation.
	linux-source-6.12 python3-jsonschema
	# The debug kernel of the debug-kernel lane (tools/vm/debug-kernel.sh).
	linux-source-6.1 bc flex bison libelf-dev xz-utils
)

demo=1
for arg; do
	case $arg in
	--no-demo) demo=0 ;;
	-h | --help)
		echo "usage: $0 [--no-demo]"
		exit 0 ;;
	*) echo "$0: unknown option '$arg'" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if ((${#missing[@]})); then
	if ((EUID != 0)); then
		echo "These Debian packages are needed; as root, run:" >&2
		echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
	echo "== installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== building"
autoreconf -fi >/dev/null
./configure -q
make -j"$(nproc)" >/dev/null

if ((demo)); then
	make demo
fi
