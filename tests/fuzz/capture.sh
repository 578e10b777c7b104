#!/bin/sh
# Refresh the reply and stream seed corpora from the module in the VM.
set -e
cd "$(dirname "$0")/../.."
tools/nlipc-vm -- /usr/bin/python3 tests/fuzz/capture.py | while read -r name data; do
	case $name in
	*.stream) dir=tests/fuzz/corpus/stream name=${name%.stream} ;;
	*) dir=tests/fuzz/corpus/reply ;;
	esac
	echo "$data" | base64 -d >"$dir/$name"
done
ls tests/fuzz/corpus/reply tests/fuzz/corpus/stream
