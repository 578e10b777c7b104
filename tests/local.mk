# Tests. Every test speaks TAP, so the summary counts test cases, not files.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	PYTHON3='$(PYTHON3)' KERNEL_DIR='$(KERNEL_DIR)'; export top_srcdir \
	top_builddir PYTHON3 KERNEL_DIR;

# Unit tests (cmocka) of the library's internals.
unit_cflags = $(AM_CFLAGS) -I$(top_srcdir)/lib $(CMOCKA_CFLAGS) $(LIBMNL_CFLAGS)
unit_ldadd = lib/libnlipc-core.la $(CMOCKA_LIBS) $(LIBMNL_LIBS)
check_PROGRAMS += tests/unit/test-url tests/unit/test-call
tests_unit_test_url_CFLAGS = $(unit_cflags)
tests_unit_test_url_LDADD = $(unit_ldadd)
tests_unit_test_call_CFLAGS = $(unit_cflags)
tests_unit_test_call_LDADD = $(unit_ldadd)
TESTS += tests/unit/test-url tests/unit/test-call
