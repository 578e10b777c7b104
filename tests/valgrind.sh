#!/bin/sh
# make check-valgrind: each program of $VALGRIND_TESTS (the unit-level
# tests) under valgrind's memcheck, through libtool so wrappers are seen
# through. Its own test points are renumbered into one TAP stream, then
# one more per program: valgrind found no error and no definite or
# indirect leak, and the program exited 0.
. "$top_srcdir/tests/tap.sh"
[ -n "$VALGRIND_TESTS" ] || skip_all "run by make check-valgrind"
need_command "${VALGRIND:=valgrind}" "valgrind is not installed"
libtool=${LIBTOOL:-$top_builddir/libtool}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
limit=
command -v timeout >/dev/null && limit="timeout 600"

for t in $VALGRIND_TESTS; do
	rm -f "$tmp"/vg.*
	# shellcheck disable=SC2086
	$limit $libtool --mode=execute "$VALGRIND" $VALGRIND_FLAGS \
		--log-file="$tmp/vg.%p" "$top_builddir/$t" >"$tmp/out" 2>&1
	rc=$?
	tap_renumber "${t##*/}: " <"$tmp/out"
	if [ -n "$tap_sub_plan" ] && [ "$tap_sub_plan" != "$tap_sub_seen" ]; then
		not_ok "${t##*/}: planned $tap_sub_plan tests, ran $tap_sub_seen"
	fi
	errors=$(cat "$tmp"/vg.* 2>/dev/null | sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	if [ $rc -eq 0 ] && [ "$errors" -eq 0 ] && ls "$tmp"/vg.* >/dev/null 2>&1; then
		ok "${t##*/}: valgrind: no errors, no leaks"
	else
		show "$tmp"/vg.* 2>/dev/null
		not_ok "${t##*/}: valgrind: $errors errors, exit status $rc"
	fi
done
plan
