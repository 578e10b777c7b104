# nlipc-bench's tests: its statistics and output formats (cmocka), and a
# smoke run of every family that checks the output's structure, not speed.
bench_test_cflags = $(AM_CFLAGS) -I$(top_srcdir)/tools/nlipc-bench \
	$(CMOCKA_CFLAGS) $(JSONC_CFLAGS) $(LIBMNL_CFLAGS)
check_PROGRAMS += tests/bench/test-stats tests/bench/test-output
tests_bench_test_stats_SOURCES = tests/bench/test-stats.c \
	tools/nlipc-bench/stats.c
tests_bench_test_stats_CFLAGS = $(bench_test_cflags)
tests_bench_test_stats_LDADD = $(CMOCKA_LIBS) -lm
tests_bench_test_output_SOURCES = tests/bench/test-output.c \
	tools/nlipc-bench/output.c tools/nlipc-bench/plot.c \
	tools/nlipc-bench/wire.c tools/nlipc-bench/stats.c
tests_bench_test_output_CFLAGS = $(bench_test_cflags)
tests_bench_test_output_LDADD = $(CMOCKA_LIBS) $(JSONC_LIBS) $(LIBMNL_LIBS) -lm
TESTS += tests/bench/test-stats tests/bench/test-output tests/bench/smoke.sh \
	tests/bench/idle.sh
EXTRA_DIST += tests/bench/smoke.sh tests/bench/check-output.py \
	tests/bench/idle.sh

# make bench-instr runs and prints its table (the counts are not judged).
TESTS += tests/bench/instr.sh
EXTRA_DIST += tests/bench/instr.sh
