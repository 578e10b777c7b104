#!/bin/sh
# The command-line conventions of nlipc, nlipcd and nlipc-bench
# (cli-tests.py), on the host against nlipcd's user backend.
. "$top_srcdir/tests/tap.sh"
need_python "no python3"
exec "$py" "$top_srcdir/tests/cli/cli-tests.py" \
	"$top_builddir/tools/nlipcd/nlipcd" "$top_builddir/tools/nlipc/nlipc" \
	"$top_builddir/tools/nlipc-bench/nlipc-bench"
