# Stress: nlipcd under load, hostile clients and faults. stress-load drives
# it; host.sh runs it on the host against the user backend (a short run
# is part of make check), vm.sh in nlipc-vm against the module. "make
# stress" runs every stress script (tests/stress/module.sh, the module's
# own, too) for STRESS_SECONDS each, then prints
# one table of them all (summary.py); it fails if a test did, or if any
# run counted errors, leaks, crashes or lost writes.
check_PROGRAMS += tests/stress/stress-load
tests_stress_stress_load_SOURCES = tests/stress/load.h tests/stress/load.c \
	tests/stress/client.c tests/stress/abuse.c tests/stress/stats.c
tests_stress_stress_load_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/lib
tests_stress_stress_load_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS) -pthread
tests_stress_stress_load_LDADD = lib/libnlipc-core.la $(LIBMNL_LIBS) -lpthread

TESTS += tests/stress/host.sh
EXTRA_DIST += tests/stress/host.sh tests/stress/vm.sh tests/stress/vm-guest.sh \
	tests/stress/lib.sh tests/stress/summary.py
CLEANFILES += test-suite-stress.log

STRESS_SECONDS = 60
stress_tests = tests/stress/host.sh tests/stress/vm.sh tests/stress/module.sh

stress: all tests/stress/stress-load$(EXEEXT)
	@tests='$(stress_tests)'; \
	STRESS_SECONDS='$(STRESS_SECONDS)'; export STRESS_SECONDS; \
	$(MAKE) $(AM_MAKEFLAGS) check-TESTS TESTS="$$tests" \
		TEST_SUITE_LOG=test-suite-stress.log; rc=$$?; \
	logs=; for t in $$tests; do logs="$$logs $${t%.sh}.log"; done; \
	py='$(PYTHON3)'; test -n "$$py" && test "$$py" != false || py=python3; \
	echo; echo "make stress, STRESS_SECONDS=$(STRESS_SECONDS):"; \
	$$py '$(srcdir)/tests/stress/summary.py' $$logs || rc=1; \
	exit $$rc
.PHONY: stress
