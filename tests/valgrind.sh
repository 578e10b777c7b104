#!/bin/sh
# make check-valgrind: each program of $VALGRIND_TESTS (the unit-level
# tests) under valgrind's memcheck, through libtool so wrappers are seen
# through. Its own test points are renumbered into one TAP stream, then
# one more per program: valgrind found no error and no definite or
# indirect leak, and the program exited 0.
if [ -z "$VALGRIND_TESTS" ]; then
	echo "1..0 # SKIP run by make check-valgrind"
	exit 0
fi
if ! command -v "${VALGRIND:=valgrind}" >/dev/null; then
	echo "1..0 # SKIP valgrind is not installed"
	exit 0
fi
libtool=${LIBTOOL:-$top_builddir/libtool}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
limit=
command -v timeout >/dev/null && limit="timeout 600"
n=0

for t in $VALGRIND_TESTS; do
	rm -f "$tmp"/vg.*
	# shellcheck disable=SC2086
	$limit $libtool --mode=execute "$VALGRIND" $VALGRIND_FLAGS \
		--log-file="$tmp/vg.%p" "$top_builddir/$t" >"$tmp/out" 2>&1
	rc=$?
	plan='' seen=0
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			n=$((n + 1)) seen=$((seen + 1))
			verdict=${line%% [0-9]*}
			echo "$verdict $n - ${t##*/}: ${line#* - }" ;;
		"1.."*) plan=${line#1..} plan=${plan%% *} ;;
		"#"*) echo "$line" ;;
		esac
	done <"$tmp/out"
	if [ -n "$plan" ] && [ "$plan" != "$seen" ]; then
		n=$((n + 1))
		echo "not ok $n - ${t##*/}: planned $plan tests, ran $seen"
	fi
	n=$((n + 1))
	errors=$(cat "$tmp"/vg.* 2>/dev/null | sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	if [ $rc -eq 0 ] && [ "$errors" -eq 0 ] && ls "$tmp"/vg.* >/dev/null 2>&1; then
		echo "ok $n - ${t##*/}: valgrind: no errors, no leaks"
	else
		sed 's/^/# /' "$tmp"/vg.* 2>/dev/null
		grep -v '^\(not \)\?ok \|^1\.\.' "$tmp/out" | tail -n 20 | sed 's/^/# /'
		echo "not ok $n - ${t##*/}: valgrind: $errors errors, exit status $rc"
	fi
done
echo "1..$n"
