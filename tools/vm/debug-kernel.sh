#!/usr/bin/env bash
# debug-kernel.sh: build, or find in the cache, the debug kernel of the
# debug-kernel lane (KASAN, UBSAN, lockdep, kmemleak, failslab...), from
# Debian's own source of the kernel we build the module against.
#
# The kernel is tinyconfig plus tests/vm/debug.config, built in place in a
# cache folder outside the clone, named after the source package's version
# and a hash of the fragment, this recipe and the compiler, so it is built
# once and again only when one of them changes. The folder is a complete
# build tree: boot its vmlinux, build modules against it with M=.
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
# Bump when the steps below change the kernel they produce.
RECIPE=1

usage() {
	cat <<EOF
Usage: $PROG [OPTIONS]
Build the nlipc debug kernel unless the cache has it, then print its build
folder (the only line on standard output).  Progress goes to standard error.

      --no-build        only look in the cache; exit 1 if it is not there
      --module SRC OUT  also build the module of SRC (a copy of kmod/) against
                        the kernel, in OUT (emptied first): OUT/nlipc.ko
      --uapi DIR        the module's UAPI headers (default: include/uapi)
      --fragment FILE   config fragment (default: tests/vm/debug.config)
      --source FILE     kernel source tarball
                        (default: /usr/src/linux-source-6.1.tar.xz)
  -j, --jobs N          parallel jobs (default: the number of CPUs)
  -h, --help            show this help

The cache is \$NLIPC_CACHE_DIR, else \${XDG_CACHE_HOME:-\$HOME/.cache}/nlipc.
The build runs at the lowest CPU priority (nice 19).
EOF
}

die() { echo "$PROG: $*" >&2; exit 2; }
say() { echo "$PROG: $*" >&2; }

fragment=$HERE/../../tests/vm/debug.config
uapi=$HERE/../../include/uapi
mod_src='' mod_out=''
source_tar=/usr/src/linux-source-6.1.tar.xz
source_pkg=linux-source-6.1
jobs=$(nproc 2>/dev/null || echo 2)
build=1

parse_args() {
	while (($#)); do
		case $1 in
		--fragment | --source | -j | --jobs | --uapi)
			(($# >= 2)) || die "option '$1' needs an argument" ;;
		--module)
			(($# >= 3)) || die "option '$1' needs two arguments" ;;
		esac
		case $1 in
		--no-build) build=0 ;;
		--module) mod_src=$2 mod_out=$3; shift 2 ;;
		--uapi) uapi=$2; shift ;;
		--fragment) fragment=$2; shift ;;
		--source) source_tar=$2; shift ;;
		-j | --jobs) jobs=$2; shift ;;
		-h | --help) usage; exit 0 ;;
		*) die "unknown argument '$1' (see --help)" ;;
		esac
		shift
	done
	[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "not a positive number: '$jobs'"
	[[ -r $fragment ]] || die "cannot read the config fragment $fragment"
	fragment=$(cd "$(dirname "$fragment")" && pwd)/${fragment##*/}
	[[ -z $mod_src ]] || [[ -f $mod_src/Kbuild ]] || die "no Kbuild in $mod_src"
	[[ -z $mod_src ]] || [[ -f $uapi/linux/nlipc.h ]] || die "no linux/nlipc.h in $uapi"
}

# Installs nothing: names the Debian packages that are missing.
check_tools() {
	local missing=() c
	[[ -r $source_tar ]] || missing+=("$source_pkg")
	for c in make:make gcc:gcc bc:bc flex:flex bison:bison xz:xz-utils \
		perl:perl flock:util-linux; do
		command -v "${c%%:*}" >/dev/null || missing+=("${c#*:}")
	done
	if command -v gcc >/dev/null; then
		echo '#include <gelf.h>' | gcc -E -x c - >/dev/null 2>&1 ||
			missing+=(libelf-dev)
	fi
	if ((${#missing[@]})); then
		echo "$PROG: building the debug kernel needs these Debian packages; as root, run:" >&2
		echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
}

# <source version>-<hash of fragment, recipe and compiler>.
cache_key() {
	local version hash
	version=$(dpkg-query -W -f='${Version}' "$source_pkg" 2>/dev/null || true)
	[[ -n $version ]] ||
		version=$(stat -c '%s-%Y' "$source_tar" 2>/dev/null) ||
		version=unknown
	hash=$({
		cat "$fragment"
		echo "recipe $RECIPE"
		gcc --version 2>/dev/null | head -n 1
	} | sha256sum | cut -c 1-12)
	echo "${version//[^A-Za-z0-9.+-]/_}-$hash"
}

# Every option of the fragment must have survived olddefconfig: a
# dependency the fragment misses drops an option silently otherwise.
check_config() {
	local dropped
	dropped=$(awk '
		FNR == NR {
			if (match($0, /^CONFIG_[A-Za-z0-9_]+=/))
				want[substr($0, 1, RLENGTH - 1)] = substr($0, RLENGTH + 1)
			else if (match($0, /^# CONFIG_[A-Za-z0-9_]+ is not set/))
				want[$2] = "n"
			next
		}
		match($0, /^CONFIG_[A-Za-z0-9_]+=/) {
			have[substr($0, 1, RLENGTH - 1)] = substr($0, RLENGTH + 1)
		}
		END {
			for (k in want) {
				h = (k in have) ? have[k] : "n"
				if (h != want[k])
					printf "  %s=%s (got %s)\n", k, want[k], h
			}
		}' "$fragment" "$1/.config" | sort)
	[[ -z $dropped ]] && return 0
	say "olddefconfig dropped or changed these options of ${fragment##*/}:"
	echo "$dropped" >&2
	return 1
}

build_kernel() {
	local out=$1 tree=$1.tmp log=$1.log start
	start=$SECONDS
	say "building the debug kernel in $out (7 to 13 minutes on 2 CPUs; log: $log)"
	rm -rf "$tree"
	mkdir -p "$tree"
	{
		tar -xf "$source_tar" -C "$tree" --strip-components=1 &&
			nice -n 19 make -C "$tree" tinyconfig &&
			(cd "$tree" && nice -n 19 scripts/kconfig/merge_config.sh -m .config "$fragment") &&
			nice -n 19 make -C "$tree" olddefconfig
	} >"$log" 2>&1 || {
		tail -n 20 "$log" >&2
		rm -rf "$tree"
		die "configuring the kernel failed (log: $log)"
	}
	check_config "$tree" || { rm -rf "$tree"; die "fix ${fragment##*/} (log: $log)"; }
	# all: bzImage, vmlinux, and Module.symvers for out-of-tree modules.
	nice -n 19 make -C "$tree" -j"$jobs" all >>"$log" 2>&1 || {
		tail -n 30 "$log" >&2
		rm -rf "$tree"
		die "building the kernel failed (log: $log)"
	}
	cp "$fragment" "$tree/nlipc-debug.config"
	echo "$key" >"$tree/nlipc-debug.key"
	rm -rf "$out"
	mv "$tree" "$out"
	say "built $(cat "$out/include/config/kernel.release") in $((SECONDS - start)) s"
	prune "$out"
}

# Each kernel takes about 2 GB: drop those nobody used for a month.
prune() {
	local key
	find "${1%/*}" -mindepth 2 -maxdepth 2 -path '*/debug-kernel-*/nlipc-debug.key' \
		-mtime +30 2>/dev/null | while read -r key; do
		say "removing ${key%/*}, unused for 30 days"
		rm -rf "${key%/*}" "${key%/*}.log"
	done
}

# A copy of the sources, since Kbuild builds where M= points: the normal
# build's kmod/ is left alone. Warnings and errors go to standard error.
build_module() {
	local kdir=$1 f
	uapi=$(cd "$uapi" && pwd)
	# Emptied first, so only ever a folder this made, or an empty one.
	if [[ -d $mod_out && ! -f $mod_out/Kbuild ]] && [[ -n $(ls -A "$mod_out") ]]; then
		die "$mod_out is not empty and holds no module build: not emptying it"
	fi
	rm -rf "$mod_out"
	mkdir -p "$mod_out"
	mod_out=$(cd "$mod_out" && pwd)
	for f in "$mod_src"/Kbuild "$mod_src"/*.[ch]; do
		cp "$f" "$mod_out/"
	done
	nice -n 19 make -s -C "$kdir" M="$mod_out" NLIPC_UAPI="$uapi" \
		-j"$jobs" modules >&2 || die "building the module in $mod_out failed"
	[[ -f $mod_out/nlipc.ko ]] || die "no nlipc.ko in $mod_out"
}

main() {
	local cache dir
	parse_args "$@"
	cache=${NLIPC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nlipc}
	check_tools
	key=$(cache_key)
	dir=$cache/debug-kernel-$key
	if [[ ! -f $dir/nlipc-debug.key ]]; then
		((build)) || { say "no debug kernel in $dir (run $PROG)"; exit 1; }
		mkdir -p "$cache"
		# One build at a time; whoever waited finds it built.
		exec 9>"$cache/debug-kernel.lock"
		flock 9
		[[ -f $dir/nlipc-debug.key ]] || build_kernel "$dir"
		exec 9>&-
	fi
	touch "$dir/nlipc-debug.key" # last use, for whoever prunes the cache
	[[ -z $mod_src ]] || build_module "$dir"
	echo "$dir"
}

main "$@"
