#!/bin/sh
# Every file git tracks is in the distribution (make distdir), but
# .gitignore: make check-sanitizers and the Debian packages build from it,
# and a file left out of EXTRA_DIST fails only there.
. "$top_srcdir/tests/tap.sh"
git -C "$top_srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	skip_all "not a git checkout"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! make -s -C "$top_builddir" distdir distdir="$tmp/d" >"$tmp/log" 2>&1; then
	not_ok "make distdir"
	show "$tmp/log"
	plan
	exit 0
fi
ok "make distdir"
(cd "$tmp/d" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >"$tmp/dist"
git -C "$top_srcdir" ls-files | grep -vx '.gitignore' | LC_ALL=C sort >"$tmp/git"
LC_ALL=C comm -23 "$tmp/git" "$tmp/dist" >"$tmp/missing"
if [ -s "$tmp/missing" ]; then
	not_ok "every tracked file is distributed ($(wc -l <"$tmp/missing") missing)"
	show "$tmp/missing"
else
	ok "every tracked file is distributed ($(wc -l <"$tmp/git") files)"
fi
plan
