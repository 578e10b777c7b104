#!/bin/sh
# The shipped nlipcd.service, as make install writes it, scores an
# exposure of 2.0 or lower in systemd-analyze security's offline mode
# (--threshold=20 makes it fail above), its sandbox keeps what nlipcd
# needs, and sysusers.d/nlipcd.conf makes the user it runs as. TAP.
. "$top_srcdir/tests/tap.sh"
unit_in=$top_srcdir/tools/nlipcd/nlipcd.service
need_command systemd-analyze "no systemd-analyze"
if ! systemd-analyze security --help 2>&1 | grep -q -- --threshold ||
   ! systemd-analyze security --help 2>&1 | grep -q -- --offline; then
	skip_all "systemd-analyze lacks --offline/--threshold (systemd < 250)"
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
# Its name is what systemd-analyze reports; the text is make install's.
sed 's|[@]sbindir[@]|/usr/sbin|g' "$unit_in" >"$dir/nlipcd.service"
plan 4
systemd-analyze security --offline=yes --threshold=20 \
	"$dir/nlipcd.service" >"$dir/out" 2>&1
rc=$?
score=$(sed -n 's/.*Overall exposure level for nlipcd.service: \([0-9.]*\).*/\1/p' "$dir/out")
if [ $rc -eq 0 ] && [ -n "$score" ]; then
	ok "exposure $score (threshold 2.0)"
else
	not_ok "exposure ${score:-unknown} above 2.0 (exit status $rc)"
	grep '✗' "$dir/out" | show
fi
# Least privilege, as the unit says it: its own user, CAP_NET_ADMIN alone.
missing=0
for line in Type=notify User=nlipcd CapabilityBoundingSet=CAP_NET_ADMIN \
	    NoNewPrivileges=yes WatchdogSec=; do
	grep -q "^$line" "$dir/nlipcd.service" || { missing=1; diag "no $line"; }
done
ok_status $missing "notify, own user, CAP_NET_ADMIN alone"
# The system-call filter lets nlipcd drop its capability (capset) and
# raise its descriptor limit (prlimit64, in @default, which
# @system-service includes) rather than failing at start.
if systemd-analyze syscall-filter @default 2>/dev/null | grep -qw prlimit64 &&
   systemd-analyze syscall-filter @system-service 2>/dev/null | grep -qw @default &&
   ! grep -q '^SystemCallFilter=~.*@default' "$dir/nlipcd.service" &&
   grep -q '^SystemCallFilter=capset' "$dir/nlipcd.service"; then
	ok "the filter keeps capset and prlimit64"
else
	not_ok "the filter keeps capset and prlimit64"
fi
# The user the unit names is the one the sysusers.d file makes.
unit_user=$(sed -n 's/^User=//p' "$dir/nlipcd.service")
if ! command -v systemd-sysusers >/dev/null; then
	skip_point "sysusers.d makes User=" "no systemd-sysusers"
else
	mkdir -p "$dir/root/etc"
	systemd-sysusers --root="$dir/root" \
		"$(cd "$top_srcdir" && pwd)/tools/nlipcd/nlipcd.sysusers" >/dev/null 2>&1
	if grep -q "^$unit_user:x:[0-9]*:[0-9]*:.*:/usr/sbin/nologin$" \
		"$dir/root/etc/passwd" 2>/dev/null; then
		ok "sysusers.d makes User=$unit_user, no login"
	else
		not_ok "sysusers.d makes User=$unit_user"
	fi
fi
