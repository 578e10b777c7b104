# The sanitizer and valgrind lanes: each a target of its own, run after
# make check, each with its own summary (test-suite-sanitizers.log,
# test-suite-valgrind.log) that make check-all counts with the others.

# make check-sanitizers: every host test (all but those that boot
# nlipc-vm) against a build with ASan, LSan and UBSan (configure
# --enable-sanitizers). Like distcheck it builds a fresh copy of the
# distribution, in _sanitizers/, so the main build is left as it is. A
# finding kills the process that hits it, and every report, the daemons'
# included (LSan's at their clean exit), is written to _sanitizers/reports/,
# which the lane's last test, tests/sanitizer-reports.sh, wants empty.
san_dir = _sanitizers
san_distdir = $(san_dir)/$(PACKAGE)-$(VERSION)
san_vm_tests = tests/vm/% tests/net/% tests/kernels/% tests/nlipcd/vm.sh \
	tests/example.sh tests/kmod-check.sh
san_last = tests/sanitizer-reports.sh
san_tests = $(filter-out $(san_vm_tests) $(san_last),$(TESTS)) $(san_last)
san_options = detect_leaks=1:abort_on_error=1:halt_on_error=1
EXTRA_DIST += tests/sanitizers.mk $(san_last)
CLEANFILES += test-suite-sanitizers.log

check-sanitizers:
	$(AM_V_at)$(MAKE) $(AM_MAKEFLAGS) clean-sanitizers
	$(AM_V_at)$(MKDIR_P) $(san_dir)/reports
	$(AM_V_at)chmod 1777 $(san_dir)/reports
	+$(AM_V_at)$(MAKE) $(AM_MAKEFLAGS) distdir distdir='$(san_distdir)' \
		>/dev/null
	$(AM_V_GEN)cd $(san_distdir) && ./configure -q --enable-sanitizers \
		--with-kernel=no CC='$(CC)' PYTHON3='$(PYTHON3)'
	+$(AM_V_at)cd $(san_distdir) && $(MAKE) $(AM_MAKEFLAGS)
	+$(AM_V_at)reports='$(abs_builddir)/$(san_dir)/reports'; \
	cd $(san_distdir) && \
	ASAN_OPTIONS='$(san_options):log_path='"$$reports/asan" \
	UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path='"$$reports/ubsan" \
	SANITIZER_REPORTS="$$reports" \
		$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(san_tests)'; rc=$$?; \
	cp test-suite.log '$(abs_builddir)/test-suite-sanitizers.log'; \
	exit $$rc

# The lane's last test reads what all the others left behind.
$(san_last:.sh=.log): $(filter-out $(san_last:.sh=.log),$(TEST_LOGS))

clean-sanitizers:
	-test ! -d $(san_dir) || chmod -R u+w $(san_dir)
	-rm -rf $(san_dir)
.PHONY: check-sanitizers clean-sanitizers

# make check-valgrind: the unit-level tests (cmocka units, nlipc-bench's
# units, the fuzz corpora replayed) under valgrind's memcheck, through
# tests/valgrind.sh: any error, and any definite or indirect leak, fails.
valgrind_tests = $(filter tests/unit/test-% tests/bench/test-% \
	tests/fuzz/replay-%,$(check_PROGRAMS))
VALGRIND = valgrind
VALGRIND_FLAGS = --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
	--track-origins=yes
EXTRA_DIST += tests/valgrind.sh
CLEANFILES += test-suite-valgrind.log tests/valgrind.log tests/valgrind.trs

check-valgrind: $(valgrind_tests)
	+$(AM_V_at)VALGRIND_TESTS='$(valgrind_tests)' LIBTOOL='$(LIBTOOL)' \
	VALGRIND='$(VALGRIND)' VALGRIND_FLAGS='$(VALGRIND_FLAGS)' \
		$(MAKE) $(AM_MAKEFLAGS) check-TESTS TESTS=tests/valgrind.sh \
		TEST_SUITE_LOG=test-suite-valgrind.log
.PHONY: check-valgrind
