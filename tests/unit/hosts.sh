#!/bin/sh
# The bridge, transport and connect tests again under the /etc files
# users have, not the build machine's: a fresh Debian minbase root, with
# the standard /etc/hosts (localhost is 127.0.0.1 and ::1, and
# getaddrinfo() gives ::1 first) and no /etc/services (no netbase); then
# a host where localhost is ::1 only. Each runs in a private mount
# namespace with the files bound over the host's, which stay as they
# are. The programs' test points are renumbered into one TAP stream,
# prefixed with the setup's name; where no namespace can be made, the
# whole test is skipped, saying why.
. "$top_srcdir/tests/tap.sh"
tests="tests/unit/test-bridge tests/unit/test-stream tests/unit/test-udp
	tests/unit/test-connect"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/debian-minbase" <<'EOF'
127.0.0.1	localhost

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
EOF
cat >"$tmp/v6-only" <<'EOF'
::1     localhost ip6-localhost ip6-loopback
EOF

# Root gets a mount namespace; anyone else may, inside a user namespace.
ns=
for try in "unshare -m" "unshare -r -m"; do
	if $try mount --bind "$tmp/v6-only" /etc/hosts 2>"$tmp/why"; then
		ns=$try
		break
	fi
done
[ -n "$ns" ] ||
	skip_all "no mount namespace to bind a hosts file in: $(head -n 1 "$tmp/why")"

# In the namespace: bind $1 over /etc/hosts, hide /etc/services if $2 is
# set, and run the rest.
enter='mount --bind "$1" /etc/hosts || exit
if [ -n "$2" ] && [ -e /etc/services ]; then
	mount --bind /dev/null /etc/services || exit
fi
shift 2
exec "$@"'

for setup in debian-minbase:no-services v6-only:; do
	hosts=${setup%%:*} services=${setup#*:}
	# Both files give ::1 first: see that the tests will see it.
	first=$($ns sh -c "$enter" sh "$tmp/$hosts" "$services" \
		getent ahosts localhost | head -n 1)
	case $first in
	"::1 "*) ok "$hosts: localhost resolves to ::1 first" ;;
	*) not_ok "$hosts: localhost resolves to ::1 first, not '$first'" ;;
	esac
	if [ -n "$services" ]; then
		if $ns sh -c "$enter" sh "$tmp/$hosts" "$services" \
			getent services echo >/dev/null; then
			not_ok "$hosts: /etc/services hidden"
		else
			ok "$hosts: /etc/services hidden"
		fi
	fi

	for t in $tests; do
		name="$hosts: ${t##*/}"
		$ns sh -c "$enter" sh "$tmp/$hosts" "$services" \
			"$top_builddir/$t" >"$tmp/out" 2>&1
		rc=$?
		tap_renumber "$name: " <"$tmp/out"
		if [ -z "$tap_sub_plan" ] || [ "$tap_sub_plan" != "$tap_sub_seen" ]; then
			not_ok "$name: planned ${tap_sub_plan:-no} tests, ran $tap_sub_seen"
		elif [ $rc -ne 0 ] && [ $tap_sub_failed -eq 0 ]; then
			not_ok "$name: exit status $rc"
		fi
	done
done
plan
