#!/bin/sh
# The shipped nlipcd.service, as make install writes it, scores an
# exposure of 2.0 or lower in systemd-analyze security's offline mode
# (--threshold=20 makes it fail above), its sandbox keeps what nlipcd
# needs, and sysusers.d/nlipcd.conf makes the user it runs as. TAP.
unit_in=$top_srcdir/tools/nlipcd/nlipcd.service
if ! command -v systemd-analyze >/dev/null; then
	echo "1..0 # SKIP no systemd-analyze"
	exit 0
fi
if ! systemd-analyze security --help 2>&1 | grep -q -- --threshold ||
   ! systemd-analyze security --help 2>&1 | grep -q -- --offline; then
	echo "1..0 # SKIP systemd-analyze lacks --offline/--threshold (systemd < 250)"
	exit 0
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
# Its name is what systemd-analyze reports; the text is make install's.
sed 's|[@]sbindir[@]|/usr/sbin|g' "$unit_in" >"$dir/nlipcd.service"
echo "1..4"
systemd-analyze security --offline=yes --threshold=20 \
	"$dir/nlipcd.service" >"$dir/out" 2>&1
rc=$?
score=$(sed -n 's/.*Overall exposure level for nlipcd.service: \([0-9.]*\).*/\1/p' "$dir/out")
if [ $rc -eq 0 ] && [ -n "$score" ]; then
	echo "ok 1 - exposure $score (threshold 2.0)"
else
	echo "not ok 1 - exposure ${score:-unknown} above 2.0 (exit status $rc)"
	grep '✗' "$dir/out" | sed 's/^/# /'
fi
# Least privilege, as the unit says it: its own user, CAP_NET_ADMIN alone.
ok=1
for line in Type=notify User=nlipcd CapabilityBoundingSet=CAP_NET_ADMIN \
	    NoNewPrivileges=yes WatchdogSec=; do
	grep -q "^$line" "$dir/nlipcd.service" || { ok=0; echo "# no $line"; }
done
[ $ok = 1 ] && echo "ok 2 - notify, own user, CAP_NET_ADMIN alone" ||
	echo "not ok 2 - notify, own user, CAP_NET_ADMIN alone"
# The system-call filter lets nlipcd drop its capability (capset) and
# raise its descriptor limit (prlimit64, in @default, which
# @system-service includes) rather than failing at start.
if systemd-analyze syscall-filter @default 2>/dev/null | grep -qw prlimit64 &&
   systemd-analyze syscall-filter @system-service 2>/dev/null | grep -qw @default &&
   ! grep -q '^SystemCallFilter=~.*@default' "$dir/nlipcd.service" &&
   grep -q '^SystemCallFilter=capset' "$dir/nlipcd.service"; then
	echo "ok 3 - the filter keeps capset and prlimit64"
else
	echo "not ok 3 - the filter keeps capset and prlimit64"
fi
# The user the unit names is the one the sysusers.d file makes.
unit_user=$(sed -n 's/^User=//p' "$dir/nlipcd.service")
if ! command -v systemd-sysusers >/dev/null; then
	echo "ok 4 - sysusers.d makes User= # SKIP no systemd-sysusers"
else
	mkdir -p "$dir/root/etc"
	systemd-sysusers --root="$dir/root" \
		"$(cd "$top_srcdir" && pwd)/tools/nlipcd/nlipcd.sysusers" >/dev/null 2>&1
	if grep -q "^$unit_user:x:[0-9]*:[0-9]*:.*:/usr/sbin/nologin$" \
		"$dir/root/etc/passwd" 2>/dev/null; then
		echo "ok 4 - sysusers.d makes User=$unit_user, no login"
	else
		echo "not ok 4 - sysusers.d makes User=$unit_user"
	fi
fi
