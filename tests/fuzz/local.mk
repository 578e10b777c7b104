# Fuzz targets: LLVMFuzzerTestOneInput over each parser that reads bytes
# from a peer or a user. make check replays every corpus (crash
# reproducers included) with any compiler; make fuzz runs libFuzzer with
# clang, ASan and UBSan for FUZZ_SECONDS per target, growing the corpus.
FUZZ_SECONDS = 30
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
fuzz_cppflags = $(AM_CPPFLAGS) -I$(top_srcdir)/lib

check_PROGRAMS += tests/fuzz/replay-url
tests_fuzz_replay_url_SOURCES = tests/fuzz/fuzz-url.c tests/fuzz/replay.c \
	lib/url.c
tests_fuzz_replay_url_CPPFLAGS = $(fuzz_cppflags) \
	-DCORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/url"'
TESTS += tests/fuzz/replay-url

tests/fuzz/fuzz-url: tests/fuzz/fuzz-url.c lib/url.c
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $(fuzz_cppflags) -o $@ $^

# Targets over the library's decoders link all of it, as it is built.
fuzz_lib_cflags = $(fuzz_cppflags) -I$(top_builddir) $(LIBNL_CFLAGS) \
	$(LIBNL_GENL_CFLAGS) $(LIBMNL_CFLAGS) $(GNUTLS_CFLAGS)
fuzz_lib_libs = $(LIBNL_GENL_LIBS) $(LIBNL_LIBS) $(LIBMNL_LIBS) $(GNUTLS_LIBS)
fuzz_lib_sources = $(filter %.c,$(lib_libnlipc_core_la_SOURCES))

check_PROGRAMS += tests/fuzz/replay-reply tests/fuzz/replay-stream \
	tests/fuzz/replay-client
tests_fuzz_replay_reply_SOURCES = tests/fuzz/fuzz-reply.c tests/fuzz/replay.c
tests_fuzz_replay_reply_CPPFLAGS = $(fuzz_cppflags) $(LIBMNL_CFLAGS) \
	-DCORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/reply"'
tests_fuzz_replay_reply_LDADD = lib/libnlipc-core.la $(LIBMNL_LIBS)
tests_fuzz_replay_stream_SOURCES = tests/fuzz/fuzz-stream.c tests/fuzz/replay.c
tests_fuzz_replay_stream_CPPFLAGS = $(fuzz_cppflags) $(LIBMNL_CFLAGS) \
	-DCORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/stream"'
tests_fuzz_replay_stream_LDADD = lib/libnlipc-core.la $(LIBMNL_LIBS)
tests_fuzz_replay_client_SOURCES = tests/fuzz/fuzz-client.c tests/fuzz/replay.c
tests_fuzz_replay_client_CPPFLAGS = $(fuzz_cppflags) $(LIBMNL_CFLAGS) \
	-DCORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/client"'
tests_fuzz_replay_client_LDADD = lib/libnlipc-core.la $(LIBMNL_LIBS)
TESTS += tests/fuzz/replay-reply tests/fuzz/replay-stream \
	tests/fuzz/replay-client

tests/fuzz/fuzz-reply tests/fuzz/fuzz-stream tests/fuzz/fuzz-client: \
		tests/fuzz/fuzz-%: \
		tests/fuzz/fuzz-%.c $(fuzz_lib_sources) config.h
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $(fuzz_lib_cflags) -o $@ \
		$< $(addprefix $(top_srcdir)/,$(fuzz_lib_sources)) $(fuzz_lib_libs)

# lib/ynl's decoder, by a spec with every type it knows.
ynl_fuzz_spec = $(abs_top_srcdir)/tests/fuzz/ynl-fuzz.yaml
check_PROGRAMS += tests/fuzz/replay-ynl
tests_fuzz_replay_ynl_SOURCES = tests/fuzz/fuzz-ynl.c tests/fuzz/replay.c
tests_fuzz_replay_ynl_CPPFLAGS = $(fuzz_cppflags) $(LIBMNL_CFLAGS) \
	$(JSONC_CFLAGS) -DYNL_SPEC='"$(ynl_fuzz_spec)"' \
	-DCORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/ynl"'
tests_fuzz_replay_ynl_LDADD = lib/libnlipc-ynl.la lib/libnlipc-core.la \
	$(JSONC_LIBS) $(LIBMNL_LIBS)
TESTS += tests/fuzz/replay-ynl
EXTRA_DIST += tests/fuzz/ynl-fuzz.yaml

fuzz_ynl_sources = $(filter %.c,$(lib_libnlipc_ynl_la_SOURCES) \
	$(lib_libnlipc_spec_la_SOURCES))
tests/fuzz/fuzz-ynl: tests/fuzz/fuzz-ynl.c $(fuzz_ynl_sources) \
		$(fuzz_lib_sources) config.h
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $(fuzz_lib_cflags) $(JSONC_CFLAGS) \
		$(YAML_CFLAGS) -DYNL_SPEC='"$(ynl_fuzz_spec)"' \
		-DSPECDIR='"$(specdir)"' -o $@ $< \
		$(addprefix $(top_srcdir)/,$(fuzz_ynl_sources)) \
		$(addprefix $(top_srcdir)/,$(fuzz_lib_sources)) $(fuzz_lib_libs) \
		$(JSONC_LIBS) $(YAML_LIBS)

# Targets over nlipcd: the daemon but main() (tools/nlipcd/libnlipcd.la)
# with the user backend, its loop turned by nlipcd-harness.c over sockets
# the target writes to.
fuzz_nlipcd = nlipcd-stream nlipcd-dgram nlipcd-request
fuzz_nlipcd_cppflags = $(fuzz_cppflags) -I$(top_srcdir)/tools/nlipcd \
	$(LIBMNL_CFLAGS)
fuzz_nlipcd_ldadd = tools/nlipcd/libnlipcd.la lib/libnlipc-core.la \
	$(LIBMNL_LIBS)
fuzz_nlipcd_harness = tests/fuzz/nlipcd-harness.c tests/fuzz/nlipcd-harness.h
fuzz_nlipcd_sources = $(filter %.c,$(tools_nlipcd_libnlipcd_la_SOURCES) \
	$(lib_libnlipc_spec_la_SOURCES))

check_PROGRAMS += tests/fuzz/replay-nlipcd-stream \
	tests/fuzz/replay-nlipcd-dgram tests/fuzz/replay-nlipcd-request
tests_fuzz_replay_nlipcd_stream_SOURCES = tests/fuzz/fuzz-nlipcd-stream.c \
	$(fuzz_nlipcd_harness) tests/fuzz/replay.c
tests_fuzz_replay_nlipcd_stream_CPPFLAGS = $(fuzz_nlipcd_cppflags) \
	-DCORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/nlipcd-stream"'
tests_fuzz_replay_nlipcd_stream_LDADD = $(fuzz_nlipcd_ldadd)
tests_fuzz_replay_nlipcd_dgram_SOURCES = tests/fuzz/fuzz-nlipcd-dgram.c \
	$(fuzz_nlipcd_harness) tests/fuzz/replay.c
tests_fuzz_replay_nlipcd_dgram_CPPFLAGS = $(fuzz_nlipcd_cppflags) \
	-DCORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/nlipcd-dgram"'
tests_fuzz_replay_nlipcd_dgram_LDADD = $(fuzz_nlipcd_ldadd)
tests_fuzz_replay_nlipcd_request_SOURCES = tests/fuzz/fuzz-nlipcd-request.c \
	$(fuzz_nlipcd_harness) tests/fuzz/replay.c
tests_fuzz_replay_nlipcd_request_CPPFLAGS = $(fuzz_nlipcd_cppflags) \
	-DCORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/nlipcd-request"'
tests_fuzz_replay_nlipcd_request_LDADD = $(fuzz_nlipcd_ldadd)
TESTS += tests/fuzz/replay-nlipcd-stream tests/fuzz/replay-nlipcd-dgram \
	tests/fuzz/replay-nlipcd-request

$(fuzz_nlipcd:%=tests/fuzz/fuzz-%): tests/fuzz/fuzz-nlipcd-%: \
		tests/fuzz/fuzz-nlipcd-%.c $(fuzz_nlipcd_harness) \
		$(fuzz_nlipcd_sources) $(fuzz_lib_sources) config.h
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $(fuzz_lib_cflags) \
		$(YAML_CFLAGS) -DSPECDIR='"$(specdir)"' \
		-I$(top_srcdir)/tools/nlipcd -o $@ $< \
		$(top_srcdir)/tests/fuzz/nlipcd-harness.c \
		$(addprefix $(top_srcdir)/,$(fuzz_nlipcd_sources)) \
		$(addprefix $(top_srcdir)/,$(fuzz_lib_sources)) $(fuzz_lib_libs) \
		$(YAML_LIBS)

fuzz_targets = url reply stream client ynl $(fuzz_nlipcd)
fuzz: $(fuzz_targets:%=tests/fuzz/fuzz-%)
	@NLIPC_FUZZ_TARGETS='$(fuzz_targets)' NLIPC_FUZZ_SECONDS=$(FUZZ_SECONDS) \
	top_srcdir='$(top_srcdir)' top_builddir=. \
		$(SHELL) '$(srcdir)/tests/fuzz/run.sh'
.PHONY: fuzz

# make check-fuzz: the same, as test points with a summary of their own
# (test-suite-fuzz.log), for make check-all; FUZZ_CHECK_SECONDS each.
FUZZ_CHECK_SECONDS = 10
check-fuzz: $(fuzz_targets:%=tests/fuzz/fuzz-%)
	+NLIPC_FUZZ_TARGETS='$(fuzz_targets)' \
	NLIPC_FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS) \
	$(MAKE) $(AM_MAKEFLAGS) check-TESTS TESTS=tests/fuzz/run.sh \
		TEST_SUITE_LOG=test-suite-fuzz.log
.PHONY: check-fuzz
EXTRA_DIST += tests/fuzz/run.sh
CLEANFILES += test-suite-fuzz.log tests/fuzz/run.log tests/fuzz/run.trs
CLEANFILES += $(fuzz_targets:%=tests/fuzz/fuzz-%)
clean-fuzz:
	-rm -rf tests/fuzz/new
.PHONY: clean-fuzz
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/capture.sh tests/fuzz/capture.py
