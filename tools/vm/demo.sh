#!/bin/sh
# The main job's guest side: query the module with the nlipc CLI, then
# compare IPC families with a short nlipc-bench run. Run by `make demo`
# through nlipc-vm; each command is shown before its output.
nlipc=${NLIPC:-nlipc}
run() {
	printf '\n$ nlipc %s\n' "$*"
	$nlipc "$@" 2>&1
}
run ping -c 3 -i 0.2 -s 1000
run info
run kv set greeting "hello, kernel"
run kv set --create counter 1
run kv set --create counter 2    # refused: the key exists
run kv list
run stats
run -j info

# Then the IPC families side by side: netlink to the module, AF_UNIX,
# TCP and UDP to nlipcd, pipe and socketpair, raw and through libnlipc.
bench=${NLIPC_BENCH:-nlipc-bench}
printf '\n$ nlipc-bench --quick\n'
$bench --quick 2>&1
