# shellcheck shell=sh
# TAP for the shell tests, sourced by each: test points counted and
# numbered, the plan, skips, comments, and other programs' TAP renumbered
# into the script's own stream. A script run by make sources it as
#   . "$top_srcdir/tests/tap.sh"
# and one run in nlipc-vm's guest from the source tree it was given (the
# guest sees the host's root). POSIX sh; every variable it sets begins
# with tap_, but need_python's $py.
#
#   ok DESCRIPTION...            the next test point passes
#   not_ok DESCRIPTION...        ... fails
#   ok_status STATUS DESCRIPTION...  ... passes if STATUS is 0
#   check DESCRIPTION COMMAND [ARG...]  ... passes if COMMAND exits 0
#   skip_point DESCRIPTION REASON...    ... is skipped, saying why
#   plan [N]                     "1..N"; without N, the points so far (last)
#   skip_rest REASON...          the rest of plan N skipped; exit 0
#   skip_all REASON...           "1..0 # SKIP REASON"; exit 0
#   bail_out REASON...           "Bail out! REASON"; exit 0
#   need_root REASON...          skip_all unless run as root
#   need_command COMMAND REASON...  skip_all unless COMMAND is in PATH
#   need_python REASON...        $py: $PYTHON3 (python3 if unset or false),
#                                else skip_all
#   diag TEXT...                 a comment line
#   show [FILE...]               files (or stdin) as comment lines
#   tap_renumber [-b] PREFIX     TAP on stdin renumbered into this stream
#   vm_exit STATUS               the end of a test whose TAP is a guest's
#
# tap_n counts the test points so far.

tap_n=0
tap_planned=

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	echo "not ok $tap_n - $*"
}

ok_status() {
	tap_status=$1
	shift
	if [ "$tap_status" -eq 0 ]; then ok "$@"; else not_ok "$@"; fi
}

check() {
	tap_what=$1
	shift
	if "$@"; then ok "$tap_what"; else not_ok "$tap_what"; fi
}

skip_point() {
	tap_what=$1
	shift
	ok "$tap_what # SKIP $*"
}

plan() {
	tap_planned=${1-$tap_n}
	echo "1..$tap_planned"
}

# Each point of the plan not yet printed, skipped (they have no description).
skip_rest() {
	while [ "$tap_n" -lt "${tap_planned:-0}" ]; do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP $*"
	done
	exit 0
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# The harness reports the bail-out as an error; the exit status adds nothing.
bail_out() {
	echo "Bail out! $*"
	exit 0
}

need_root() {
	[ "$(id -u)" = 0 ] || skip_all "$@"
}

need_command() {
	tap_what=$1
	shift
	command -v "$tap_what" >/dev/null 2>&1 || skip_all "$@"
}

need_python() {
	py=${PYTHON3-}
	[ -n "$py" ] && [ "$py" != false ] || py=python3
	command -v "$py" >/dev/null 2>&1 || skip_all "$@"
}

diag() {
	echo "# $*"
}

show() {
	sed 's/^/# /' "$@"
}

# Another program's TAP on stdin, its test points renumbered into this
# stream, each description after PREFIX (a point with none gets PREFIX
# less a last ": "). Comments pass as they are, any other line becomes
# one, its plan is dropped; with -b a "Bail out!" is a failing point, else
# a comment. Of the stream it leaves tap_sub_seen (points), tap_sub_failed
# (not ok, skips included) and tap_sub_plan (its plan, or empty).
tap_renumber() {
	tap_bail=0
	[ "$1" != -b ] || { tap_bail=1; shift; }
	tap_sub_seen=0 tap_sub_failed=0 tap_sub_plan=
	while IFS= read -r tap_line; do
		case $tap_line in
		"ok "* | "not ok "*)
			tap_sub_seen=$((tap_sub_seen + 1))
			case $tap_line in
			ok*) tap_verdict=ok ;;
			*) tap_verdict="not ok" ;;
			esac
			tap_rest=${tap_line#"$tap_verdict "}
			tap_rest=${tap_rest#"${tap_rest%%[!0-9]*}"}
			case $tap_rest in
			" - "*) tap_rest="$1${tap_rest# - }" ;;
			*) tap_rest="${1%: }$tap_rest" ;;
			esac
			if [ "$tap_verdict" = ok ]; then
				ok "$tap_rest"
			else
				tap_sub_failed=$((tap_sub_failed + 1))
				not_ok "$tap_rest"
			fi ;;
		"1.."*)
			tap_sub_plan=${tap_line#1..}
			tap_sub_plan=${tap_sub_plan%% *} ;;
		"Bail out!"*)
			if [ $tap_bail = 1 ]; then
				not_ok "$1${tap_line#Bail out! }"
			else
				echo "# $tap_line"
			fi ;;
		"#"*) echo "$tap_line" ;;
		*) echo "# $tap_line" ;;
		esac
	done
}

# nlipc-vm exits with the command's status, or 124 and above when the
# guest timed out or died: then the guest's TAP ended early, and a Bail
# out! says so. The verdict is the guest's TAP, so the test exits 0.
vm_exit() {
	[ "$1" -lt 124 ] || echo "Bail out! nlipc-vm failed ($1)"
	exit 0
}
