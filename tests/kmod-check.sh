#!/bin/sh
# The module through sparse and the kernel's W=1 warnings: any is a failure.
echo "1..1"
if [ -z "$KERNEL_DIR" ]; then
	echo "ok 1 - kmod-check # SKIP no kernel headers (configure --with-kernel)"
	exit 0
fi
if ! command -v sparse >/dev/null; then
	echo "ok 1 - kmod-check # SKIP sparse is not installed"
	exit 0
fi
if ${MAKE:-make} -C "$top_builddir" kmod-check >kmod-check.out 2>&1; then
	echo "ok 1 - kmod is sparse-clean and W=1-clean"
else
	sed 's/^/# /' kmod-check.out
	echo "not ok 1 - kmod is sparse-clean and W=1-clean"
fi
rm -f kmod-check.out
