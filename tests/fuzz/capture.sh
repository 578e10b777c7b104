#!/bin/sh
# Refresh the seed corpora from real messages: the reply and stream ones
# from the module in the VM, the nlipcd-* ones from what nlipc sends to
# nlipcd on the host. capture.sh [kernel | nlipcd], both by default; run
# in a built tree, or set NLIPCD and NLIPC to the programs.
set -e
cd "$(dirname "$0")/../.."
store() {
	while read -r name data; do
		case $name in
		*/*) dir=tests/fuzz/corpus/${name%%/*} name=${name#*/} ;;
		*.stream) dir=tests/fuzz/corpus/stream name=${name%.stream} ;;
		*) dir=tests/fuzz/corpus/reply ;;
		esac
		mkdir -p "$dir"
		echo "$data" | base64 -d >"$dir/$name"
	done
}
if [ "${1:-all}" != nlipcd ]; then
	tools/nlipc-vm -- /usr/bin/python3 tests/fuzz/capture.py | store
	ls tests/fuzz/corpus/reply tests/fuzz/corpus/stream
fi
if [ "${1:-all}" != kernel ]; then
	python3 tests/fuzz/capture.py --nlipcd "${NLIPCD:-tools/nlipcd/nlipcd}" \
		"${NLIPC:-tools/nlipc/nlipc}" | store
	ls tests/fuzz/corpus/nlipcd-*
fi
