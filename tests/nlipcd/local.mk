# nlipcd's tests: on the host against the user backend, then in nlipc-vm
# against the module (kernel backend, and both backends' answers held to
# the module's byte for byte).
TESTS += tests/nlipcd/daemon.sh tests/nlipcd/vm.sh
# --user, $NOTIFY_SOCKET, the plaintext warning; the shipped unit's
# systemd-analyze security exposure.
TESTS += tests/nlipcd/privilege.py tests/nlipcd/unit-security.sh
# --bridge-family on the host's kernel, in a private network namespace.
TESTS += tests/nlipcd/bridge-tests.py
EXTRA_DIST += tests/nlipcd/daemon.sh tests/nlipcd/vm.sh \
	tests/nlipcd/daemon-tests.py \
	tests/nlipcd/wire-diff.py tests/nlipcd/vm-run.sh \
	tests/nlipcd/vm-wire.sh tests/nlipcd/vm-kernel.py \
	tests/nlipcd/privilege.py tests/nlipcd/unit-security.sh \
	tests/nlipcd/bridge-tests.py
