#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# spec-gen.sh: every file generated from spec/nlipc.yaml is what the spec
# gives. Each is generated again into a scratch folder and compared with
# the tree's; and where the spec is as committed in git, the file must be
# as committed too, so a build that quietly regenerated a stale file
# cannot hide it. TAP, one test point per file. Needs the built nlipc-gen
# and $NLIPC_GEN_OUTPUTS (MODE=FILE ...) from make check.
set -u
. "$top_srcdir/tests/tap.sh"
gen="$top_builddir/tools/gen/nlipc-gen"
spec="$top_srcdir/spec/nlipc.yaml"
if [ ! -x "$gen" ] || [ -z "${NLIPC_GEN_OUTPUTS:-}" ]; then
	skip_all "no tools/gen/nlipc-gen or NLIPC_GEN_OUTPUTS (run through make check)"
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# Only inside a git work tree, and only while the spec itself is unchanged.
in_git=0
if git -C "$top_srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
	git -C "$top_srcdir" diff --quiet HEAD -- spec/nlipc.yaml 2>/dev/null; then
	in_git=1
fi

for o in $NLIPC_GEN_OUTPUTS; do
	mode=${o%%=*} file=${o#*=}
	if ! "$gen" "$mode" "$spec" spec/nlipc.yaml >"$tmp/out" 2>"$tmp/err"; then
		show "$tmp/err"
		not_ok "$file: nlipc-gen $mode failed"
	elif ! diff -u "$top_srcdir/$file" "$tmp/out" >"$tmp/diff"; then
		show "$tmp/diff" | head -40
		not_ok "$file is not what the spec gives (run make, commit the result)"
	elif [ $in_git = 1 ] && ! git -C "$top_srcdir" diff --quiet HEAD -- "$file"; then
		not_ok "$file differs from the committed one, which the spec does not give"
	else
		ok "$file is what the spec gives"
	fi
done
plan
