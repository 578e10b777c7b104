#!/bin/sh
# Inside nlipc-vm (root, module loaded): nlipcd's kernel backend, all of
# it in one boot. Each part's TAP renumbered into one stream.
# Usage: vm-run.sh TOP_SRCDIR TOP_BUILDDIR MODULE
src=$1 build=$2 module=$3
. "$src/tests/tap.sh"
nlipcd=$build/tools/nlipcd/nlipcd
suite=$build/tests/conformance/conformance
dir=$(mktemp -d /tmp/nlipcd-vm.XXXXXX) || exit 1
chmod 755 "$dir"

# A part's TAP on stdin renumbered into this stream as it comes, each
# description after a prefix; in a pipe's subshell, so the count comes
# back through a file (count).
tap() {
	tap_renumber "$1"
	echo $tap_n >"$dir/n"
}
count() { tap_n=$(cat "$dir/n"); }

python3 "$src/tests/nlipcd/vm-kernel.py" "$nlipcd" "$module" 2>&1 | tap ""
count

# The conformance suite, through libnlipc, against the kernel backend.
urls="unix:$dir/s unix+seqpacket:$dir/sp unix+dgram:$dir/dg tcp://127.0.0.1:7497 udp://127.0.0.1:7497"
# shellcheck disable=SC2086
"$nlipcd" --backend kernel --allow-remote-write --quiet $urls 2>"$dir/log" &
pid=$!
i=0
while [ ! -S "$dir/dg" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
for url in $urls; do
	NLIPC_URL=$url "$suite" 2>&1 | tap "kernel backend, $url: "
	count
done
kill -TERM $pid
wait $pid || not_ok "nlipcd (kernel backend) exit status $?"
sed 's/^/# nlipcd: /' "$dir/log"

# Byte for byte against the module, both backends.
sh "$src/tests/nlipcd/vm-wire.sh" "$nlipcd" "$src/tests/nlipcd/wire-diff.py" | tap ""
count
rm -rf "$dir"
plan
