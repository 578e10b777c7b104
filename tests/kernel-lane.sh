#!/bin/sh
# The kernel lane once more for a further kernel: make check runs
# tests/kernels/RELEASE/NAME.sh, a link to this script, which runs
# tests/NAME.sh (a '-' in NAME stands for '/') with kmod/RELEASE/nlipc.ko,
# so every kernel configure built the module for gets the same tests.
release=$(basename "$(dirname "$0")")
name=$(basename "$0" .sh)
script=$top_srcdir/tests/$(echo "$name" | sed 's|-|/|').sh
NLIPC_KMOD=$top_builddir/kmod/$release/nlipc.ko
export NLIPC_KMOD
. "$top_srcdir/tests/tap.sh"
[ -f "$script" ] || bail_out "no $script for $0"
exec sh "$script"
