# The debug-kernel lane (tests/vm/debug.sh): the module's kernel tests and
# its failslab tests on a kernel with KASAN, UBSAN, lockdep, kmemleak and
# fault injection, built from Debian's linux-source by
# tools/vm/debug-kernel.sh into a cache outside the tree. It takes minutes
# under TCG, so it has a target of its own rather than a place in TESTS;
# .ci/run runs it after make check and counts test-suite-debug.log too.
debug_lane = tests/vm/debug.sh
EXTRA_DIST += $(debug_lane) tests/vm/debug.config tests/vm/debug-guest.py \
	tests/vm/failslab-tests.py tools/vm/debug-kernel.sh
CLEANFILES += test-suite-debug.log tests/vm/debug.log tests/vm/debug.trs \
	tests/vm/debug-console.log tests/vm/debug-dmesg.log

check-debug: all
	+$(MAKE) $(AM_MAKEFLAGS) check-TESTS TESTS='$(debug_lane)' \
		TEST_SUITE_LOG=test-suite-debug.log

# The module built against the debug kernel (a copy of kmod/, built there).
clean-debug:
	-rm -rf tests/vm/kmod-debug
.PHONY: check-debug clean-debug
