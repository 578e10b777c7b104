# The tools' command lines: exit codes, usage errors, prefixes, signals,
# timeouts and JSON shapes, against nlipcd's user backend on the host.
TESTS += tests/cli/cli.sh
EXTRA_DIST += tests/cli/cli.sh tests/cli/cli-tests.py
# ssh:// through a private sshd on loopback (as root; skipped otherwise).
TESTS += tests/cli/ssh.sh
EXTRA_DIST += tests/cli/ssh.sh
# tls:// with throwaway certificates: mutual authentication, rights by
# certificate, each refusal, and a silent peer on either side.
TESTS += tests/cli/tls.sh
EXTRA_DIST += tests/cli/tls.sh
# What those two share.
EXTRA_DIST += tests/cli/monitor.sh
