# Tests. Every test speaks TAP, so the summary counts test cases, not files.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	PYTHON3='$(PYTHON3)' KERNEL_DIR='$(KERNEL_DIR)' NLIPC_TAP=1 \
	KERNEL_RELEASES='$(KERNEL_RELEASES)' PACKAGE_VERSION='$(PACKAGE_VERSION)' \
	NLIPC_GEN_OUTPUTS='$(nlipc_gen_outputs)'; \
	export top_srcdir top_builddir PYTHON3 KERNEL_DIR NLIPC_TAP \
	KERNEL_RELEASES PACKAGE_VERSION NLIPC_GEN_OUTPUTS;
# The shell tests' TAP helpers, which each of them sources.
EXTRA_DIST += tests/tap.sh

# Unit tests (cmocka) of the library's internals.
unit_cflags = $(AM_CFLAGS) -I$(top_srcdir)/lib $(CMOCKA_CFLAGS) $(LIBMNL_CFLAGS)
unit_ldadd = lib/libnlipc-core.la $(CMOCKA_LIBS) $(LIBMNL_LIBS)
check_PROGRAMS += tests/unit/test-url tests/unit/test-call
tests_unit_test_url_CFLAGS = $(unit_cflags)
tests_unit_test_url_LDADD = $(unit_ldadd)
tests_unit_test_call_CFLAGS = $(unit_cflags)
tests_unit_test_call_LDADD = $(unit_ldadd)
TESTS += tests/unit/test-url tests/unit/test-call

# lib/ynl's codec, by the fuzz target's spec of every type.
check_PROGRAMS += tests/unit/test-ynl
tests_unit_test_ynl_CFLAGS = $(unit_cflags) $(JSONC_CFLAGS) \
	-DYNL_SPEC='"$(abs_top_srcdir)/tests/fuzz/ynl-fuzz.yaml"'
tests_unit_test_ynl_LDADD = lib/libnlipc-ynl.la $(unit_ldadd) $(JSONC_LIBS)
TESTS += tests/unit/test-ynl

# The bridged transports, for real over sockets, against a fake nlipcd.
bridge_tests = tests/unit/test-bridge tests/unit/test-stream \
	tests/unit/test-udp tests/unit/test-connect tests/unit/test-hostile
check_PROGRAMS += $(bridge_tests)
TESTS += $(bridge_tests)
fake_nlipcd = tests/unit/fake-nlipcd.c tests/unit/fake-nlipcd.h
tests_unit_test_bridge_SOURCES = tests/unit/test-bridge.c $(fake_nlipcd)
tests_unit_test_bridge_CFLAGS = $(unit_cflags) -pthread
tests_unit_test_bridge_LDADD = $(unit_ldadd) -lpthread
tests_unit_test_stream_SOURCES = tests/unit/test-stream.c $(fake_nlipcd)
tests_unit_test_stream_CFLAGS = $(unit_cflags) -pthread
tests_unit_test_stream_LDADD = $(unit_ldadd) -lpthread
tests_unit_test_udp_SOURCES = tests/unit/test-udp.c $(fake_nlipcd)
tests_unit_test_udp_CFLAGS = $(unit_cflags) -pthread
tests_unit_test_udp_LDADD = $(unit_ldadd) -lpthread
tests_unit_test_connect_SOURCES = tests/unit/test-connect.c $(fake_nlipcd)
tests_unit_test_connect_CFLAGS = $(unit_cflags) -pthread
tests_unit_test_connect_LDADD = $(unit_ldadd) -lpthread
# ... and a hostile one, against the library and the nlipc tool.
tests_unit_test_hostile_SOURCES = tests/unit/test-hostile.c $(fake_nlipcd)
tests_unit_test_hostile_CFLAGS = $(unit_cflags) -pthread \
	-DNLIPC_CLI='"$(abs_top_builddir)/tools/nlipc/nlipc"'
tests_unit_test_hostile_LDADD = $(unit_ldadd) -lpthread
# ... and the library's socket calls counted, through the linker's --wrap.
check_PROGRAMS += tests/unit/test-recv
TESTS += tests/unit/test-recv
tests_unit_test_recv_SOURCES = tests/unit/test-recv.c $(fake_nlipcd)
tests_unit_test_recv_CFLAGS = $(unit_cflags) -pthread
tests_unit_test_recv_LDFLAGS = -Wl,--wrap=recvmsg -Wl,--wrap=recv \
	-Wl,--wrap=poll -Wl,--wrap=setsockopt
tests_unit_test_recv_LDADD = $(unit_ldadd) -lpthread

# Batches, against the real nlipcd's user backend on every transport.
check_PROGRAMS += tests/unit/test-batch
TESTS += tests/unit/test-batch
tests_unit_test_batch_CFLAGS = $(unit_cflags) \
	-DNLIPC_DAEMON='"$(abs_top_builddir)/tools/nlipcd/nlipcd"'
tests_unit_test_batch_LDFLAGS = -Wl,--wrap=send -Wl,--wrap=sendmmsg \
	-Wl,--wrap=recvmsg
tests_unit_test_batch_LDADD = $(unit_ldadd)

# The spec and the UAPI header agree.
TEST_EXTENSIONS = .py .sh
PY_LOG_DRIVER = $(LOG_DRIVER)
PY_LOG_COMPILER = $(PYTHON3)
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
TESTS += tests/spec-uapi.py

# The Python tests' library (tests/nlipctest/family.py comes with the
# generator's outputs).
EXTRA_DIST += tests/nlipctest/__init__.py tests/nlipctest/genl.py \
	tests/nlipctest/netlink.py tests/nlipctest/tap.py tests/nlipctest/wire.py

# The module: sparse-clean, then its tests inside nlipc-vm.
TESTS += tests/kmod-check.sh tests/vm/kernel.sh

EXTRA_DIST += tests/spec-uapi.py tests/kmod-check.sh tests/vm/kernel.sh \
	tests/vm/kernel-tests.py
CLEANFILES += kernel-dmesg.log kernel-dmesg-*.log

# libnlipc(3)'s example, against the installed library and the module.
check_PROGRAMS += examples/ping-stats
examples_ping_stats_LDADD = lib/libnlipc.la
TESTS += tests/example.sh
EXTRA_DIST += tests/example.sh

# The manual pages: mandoc-clean, and covering every exported function,
# every option and command the tools' help lists.
TESTS += tests/man-pages.py
EXTRA_DIST += tests/man-pages.py

# README.md's examples that show output, run against nlipcd's user backend
# and compared with what the README shows.
TESTS += tests/readme.py
EXTRA_DIST += tests/readme.py

# nlipc --spec against the kernel's own YNL CLI (linux-source-6.12's
# tools/net/ynl, extracted into tests/cache), for the families this host's
# kernel has.
TESTS += tests/ynl/ynl-compare.py
EXTRA_DIST += tests/ynl/ynl-compare.py
# The same in a guest with the module, fou and each kernel's families.
TESTS += tests/ynl/vm.sh
EXTRA_DIST += tests/ynl/vm.sh tests/ynl/ynl-ref.py
clean-local: clean-ynl-cache
clean-ynl-cache:
	-rm -rf tests/cache
.PHONY: clean-ynl-cache

# make install's tree, and the installed nlipc-vm booting it.
TESTS += tests/installed.sh
EXTRA_DIST += tests/installed.sh

# The conformance suite: one program, any URL ($NLIPC_URL); here against
# the module over netlink, in the VM.
check_PROGRAMS += tests/conformance/conformance
tests_conformance_conformance_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -pthread
tests_conformance_conformance_LDADD = lib/libnlipc.la $(CMOCKA_LIBS) -lpthread
TESTS += tests/vm/conformance.sh
EXTRA_DIST += tests/vm/conformance.sh

# ... and against nlipcd's user backend, over every transport.
TESTS += tests/conformance/bridge.sh
EXTRA_DIST += tests/conformance/bridge.sh

# The bridged transports' tests again under the /etc/hosts users have.
TESTS += tests/unit/hosts.sh
EXTRA_DIST += tests/unit/hosts.sh

# UDP's resend timer: the RTT estimator's arithmetic.
check_PROGRAMS += tests/unit/test-rtt
tests_unit_test_rtt_CFLAGS = $(unit_cflags)
tests_unit_test_rtt_LDADD = $(unit_ldadd)
TESTS += tests/unit/test-rtt

# The module's kernel lane (the kernel tests, the conformance suite over
# netlink, nlipcd's kernel backend and wire-diff, the hostile-input test)
# runs above on kmod/nlipc.ko's kernel, then again for each further kernel
# configure found (Debian 12: 6.1 and 6.12), through tests/kernel-lane.sh;
# configure lists them in KERNEL_LANE_TESTS.
check_SCRIPTS = $(KERNEL_LANE_TESTS)
EXTRA_SCRIPTS =
TESTS += $(KERNEL_LANE_TESTS)
$(KERNEL_LANE_TESTS): Makefile
	@$(MKDIR_P) $(@D)
	@ln -sf $(abs_top_srcdir)/tests/kernel-lane.sh $@
EXTRA_DIST += tests/kernel-lane.sh

# DKMS builds the module for every kernel; each kernel's guest installs it
# with dkms and loads it with modprobe.
TESTS += tests/dkms/dkms.sh
EXTRA_DIST += tests/dkms/dkms.sh tests/dkms/guest.sh
clean-local: clean-kernel-lane
clean-kernel-lane:
	-rm -rf tests/kernels
.PHONY: clean-kernel-lane

# Two hosts in a guest, by name, on a clean and a lossy link: the
# conformance suite over tcp:// and udp://, and UDP's resend figures.
TESTS += tests/net/two-hosts.sh
EXTRA_DIST += tests/net/two-hosts.sh tests/net/guest.sh tests/net/hosts.sh \
	tests/net/udp-resends.sh
