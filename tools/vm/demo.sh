#!/bin/sh
# The main job's guest side: query the module with the nlipc CLI. Run by
# `make demo` through nlipc-vm; each command is shown before its output.
nlipc=${NLIPC:-nlipc}
run() {
	printf '\n$ nlipc %s\n' "$*"
	$nlipc "$@"
}
run ping -c 3 -i 0.2 -s 1000
run info
run stats
run -j info
