#!/bin/sh
# ssh:// for real: as root, an sshd on a loopback port with its own host
# key, a temporary user with an authorized key, and nlipcd's user backend
# on UNIX sockets. nlipc -c ssh://USER@HOST/SOCKET answers through it, the
# daemon sees the SSH user's uid (writes refused, then allowed with
# --allow-uid), and ssh's failures (host key, authentication, no helper)
# reach the user in one line. Skipped, saying why, where that cannot run.
nlipc=$top_builddir/tools/nlipc/nlipc
nlipcd=$top_builddir/tools/nlipcd/nlipcd
user=nlipc-sshtest
. "$top_srcdir/tests/tap.sh"
need_root "needs root (sshd, a temporary user)"
sshd=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$sshd" ] || skip_all "no sshd (openssh-server)"
need_command ssh "no ssh (openssh-client)"
need_command ssh-keygen "no ssh (openssh-client)"
need_command useradd "no useradd"
if getent passwd $user >/dev/null; then
	# A run that died: its user, nothing of anyone else's.
	userdel $user 2>/dev/null || skip_all "user $user exists"
fi

dir=$(mktemp -d) || exit 1
chmod 755 "$dir"
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	userdel $user 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
useradd -M -d "$dir" -s /bin/sh $user 2>"$dir/useradd.log" ||
	skip_all "useradd failed: $(head -n1 "$dir/useradd.log")"
usermod -p '*' $user	# no password, but not locked: keys only
uid=$(id -u $user)

# Privilege separation directory sshd insists on.
[ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 755 /run/sshd; }
ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$dir/id" || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$dir/other_id" || exit 1
cp "$dir/id.pub" "$dir/authorized_keys"
chmod 644 "$dir/authorized_keys"
port=$((20000 + $$ % 10000))
cat >"$dir/sshd_config" <<END
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers $user
END
"$sshd" -D -e -f "$dir/sshd_config" 2>"$dir/sshd.log" &
pids="$pids $!"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/host_key.pub")" >"$dir/known_hosts"
cat >"$dir/ssh_config" <<END
Host nlipc-test
	HostName 127.0.0.1
	Port $port
	IdentityFile $dir/id
	IdentitiesOnly yes
	UserKnownHostsFile $dir/known_hosts
	StrictHostKeyChecking yes
	BatchMode yes
	LogLevel ERROR
END
export NLIPC_SSH_COMMAND="ssh -F $dir/ssh_config"
# The remote nlipc is this tree's: not in the SSH user's PATH.
export NLIPC_SSH_HELPER="$nlipc bridge-stdio"

i=0
until ssh -F "$dir/ssh_config" -l $user nlipc-test true 2>"$dir/probe.log"; do
	i=$((i + 1))
	if [ $i -ge 50 ] || ! kill -0 $! 2>/dev/null; then
		skip_all "sshd does not let $user in: $(tail -n1 "$dir/probe.log") / $(tail -n1 "$dir/sshd.log")"
	fi
	sleep 0.1
done
# The SSH user must reach the build tree's nlipc.
su -s /bin/sh -c "$nlipc --version" $user >/dev/null 2>&1 ||
	skip_all "$user cannot run this tree's nlipc (a directory above it is closed)"

"$nlipcd" --backend user --socket-mode 0666 unix:$dir/ro 2>"$dir/ro.log" &
pids="$pids $!"
"$nlipcd" --backend user --socket-mode 0666 --allow-uid $user \
	unix:$dir/rw 2>"$dir/rw.log" &
pids="$pids $!"
i=0
while { [ ! -S "$dir/ro" ] || [ ! -S "$dir/rw" ]; } && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done

plan 8
if "$nlipc" -c ssh://$user@nlipc-test$dir/ro info >"$dir/out" 2>&1 &&
   grep -q 'backend *user' "$dir/out"; then
	ok "info through ssh://"
else
	not_ok "info through ssh://"; show "$dir/out"
fi

"$nlipc" -c unix:$dir/ro kv set --create k local >/dev/null 2>&1
if out=$("$nlipc" -c ssh://$user@nlipc-test$dir/ro kv get k 2>&1) &&
   [ "$out" = local ]; then
	ok "kv get through ssh:// reads what a local client wrote"
else
	not_ok "kv get through ssh://: $out"
fi

# The daemon sees the SSH user, not root: no write without --allow-uid.
if "$nlipc" -c ssh://$user@nlipc-test$dir/ro kv set k remote >"$dir/out" 2>&1; then
	not_ok "kv set as $user (uid $uid) refused"; show "$dir/out"
elif grep -q "Operation not permitted.*uid $uid " "$dir/out" &&
     [ "$("$nlipc" -c unix:$dir/ro kv get k)" = local ]; then
	ok "kv set as $user (uid $uid) refused: $(head -n1 "$dir/out")"
else
	not_ok "kv set as $user refused with EPERM"; show "$dir/out"
fi

if "$nlipc" -c ssh://$user@nlipc-test$dir/rw kv set --create k remote >"$dir/out" 2>&1 &&
   [ "$("$nlipc" -c unix:$dir/rw kv get k)" = remote ]; then
	ok "kv set as $user with --allow-uid $user"
else
	not_ok "kv set as $user with --allow-uid $user"; show "$dir/out"
fi

# Notifications cross too: a monitor through ssh:// sees a local write.
"$nlipc" -c ssh://$user@nlipc-test$dir/rw monitor events -c 1 \
	--duration 10 >"$dir/mon" 2>&1 &
mon=$!
pids="$pids $mon"
i=0
until [ $i -ge 100 ]; do
	# Once the monitor has joined, a write reaches it; until then, again.
	"$nlipc" -c unix:$dir/rw kv set --create m$i v >/dev/null 2>&1
	grep -q "^set m" "$dir/mon" && break
	kill -0 $mon 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
wait $mon
if grep -q "^set m[0-9]*=v" "$dir/mon"; then
	ok "monitor through ssh:// sees a local write: $(head -n1 "$dir/mon")"
else
	not_ok "monitor through ssh://"; show "$dir/mon"
fi

# ssh's failures, in one line each.
fails() {
	what=$1 want=$2
	shift 2
	if "$@" >"$dir/out" 2>&1; then
		not_ok "$what fails"; show "$dir/out"
	elif [ "$(wc -l <"$dir/out")" -eq 1 ] && grep -q "$want" "$dir/out"; then
		ok "$what: $(cat "$dir/out")"
	else
		not_ok "$what: one line with '$want'"; show "$dir/out"
	fi
}
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/other_id.pub")" >"$dir/known_hosts"
fails "another host key" "Host key verification failed" \
	"$nlipc" -c ssh://$user@nlipc-test$dir/ro info
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/host_key.pub")" >"$dir/known_hosts"

sed "s|IdentityFile .*|IdentityFile $dir/other_id|" "$dir/ssh_config" \
	>"$dir/ssh_config_other"
fails "a key the server does not know" "Permission denied" \
	env NLIPC_SSH_COMMAND="ssh -F $dir/ssh_config_other" \
	"$nlipc" -c ssh://$user@nlipc-test$dir/ro info
fails "no helper on the remote side" "not found" \
	env NLIPC_SSH_HELPER=/nonexistent/nlipc "$nlipc" \
	-c ssh://$user@nlipc-test$dir/ro info
