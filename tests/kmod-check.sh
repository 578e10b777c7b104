#!/bin/sh
# The module through sparse and the kernel's W=1 warnings: any is a failure.
. "$top_srcdir/tests/tap.sh"
plan 1
if [ -z "$KERNEL_DIR" ]; then
	skip_point kmod-check "no kernel headers (configure --with-kernel)"
	exit 0
fi
if ! command -v sparse >/dev/null; then
	skip_point kmod-check "sparse is not installed"
	exit 0
fi
if ${MAKE:-make} -C "$top_builddir" kmod-check >kmod-check.out 2>&1; then
	ok "kmod is sparse-clean and W=1-clean"
else
	show kmod-check.out
	not_ok "kmod is sparse-clean and W=1-clean"
fi
rm -f kmod-check.out
