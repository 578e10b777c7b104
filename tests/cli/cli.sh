#!/bin/sh
# The command-line conventions of nlipc, nlipcd and nlipc-bench
# (cli-tests.py), on the host against nlipcd's user backend.
py=$PYTHON3
[ -n "$py" ] && [ "$py" != false ] || py=python3
command -v "$py" >/dev/null || { echo "1..0 # SKIP no python3"; exit 0; }
exec "$py" "$top_srcdir/tests/cli/cli-tests.py" \
	"$top_builddir/tools/nlipcd/nlipcd" "$top_builddir/tools/nlipc/nlipc" \
	"$top_builddir/tools/nlipc-bench/nlipc-bench"
