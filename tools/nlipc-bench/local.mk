# nlipc-bench: IPC families side by side, raw syscalls and through libnlipc.
bin_PROGRAMS += tools/nlipc-bench/nlipc-bench
tools_nlipc_bench_nlipc_bench_SOURCES = \
	tools/nlipc-bench/bench.h \
	tools/nlipc-bench/main.c \
	tools/nlipc-bench/run.c \
	tools/nlipc-bench/family.c \
	tools/nlipc-bench/family_sock.c \
	tools/nlipc-bench/family_netlink.c \
	tools/nlipc-bench/lib.c \
	tools/nlipc-bench/raw.c \
	tools/nlipc-bench/server.c \
	tools/nlipc-bench/wire.c \
	tools/nlipc-bench/mode.c \
	tools/nlipc-bench/meter.c \
	tools/nlipc-bench/stats.c \
	tools/nlipc-bench/env.c \
	tools/nlipc-bench/daemon.c \
	tools/nlipc-bench/idle.c \
	tools/nlipc-bench/output.c \
	tools/nlipc-bench/plot.c
tools_nlipc_bench_nlipc_bench_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(LIBMNL_CFLAGS)
tools_nlipc_bench_nlipc_bench_LDADD = lib/libnlipc.la $(JSONC_LIBS) $(LIBMNL_LIBS) -lm
dist_man_MANS += doc/nlipc-bench.1

# sockperf's ping-pong next to the raw loops, in one run (see the script).
bench-check: tools/nlipc-bench/nlipc-bench
	@$(SHELL) $(top_srcdir)/tools/nlipc-bench/bench-check.sh \
		'$(abs_top_builddir)/tools/nlipc-bench/nlipc-bench'
.PHONY: bench-check
EXTRA_DIST += tools/nlipc-bench/bench-check.sh

# Instructions per ping, lib and raw side by side, under callgrind (see
# the script). instr-netlink is its netlink loop without the module.
check_PROGRAMS += tools/nlipc-bench/instr-netlink
tools_nlipc_bench_instr_netlink_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/lib \
	$(LIBMNL_CFLAGS)
tools_nlipc_bench_instr_netlink_LDADD = lib/libnlipc-core.la $(LIBMNL_LIBS)
bench-instr: tools/nlipc-bench/nlipc-bench tools/nlipc-bench/instr-netlink \
		tools/nlipcd/nlipcd
	@$(SHELL) $(top_srcdir)/tools/nlipc-bench/bench-instr.sh \
		'$(abs_top_builddir)/tools/nlipc-bench/nlipc-bench' \
		'$(abs_top_builddir)/tools/nlipc-bench/instr-netlink' \
		'$(abs_top_builddir)/libtool'
.PHONY: bench-instr
EXTRA_DIST += tools/nlipc-bench/bench-instr.sh
