# The command-line tool, and the VM runner scripts.
bin_PROGRAMS += tools/nlipc/nlipc
tools_nlipc_nlipc_SOURCES = \
	tools/nlipc/nlipc.h \
	tools/nlipc/main.c \
	tools/nlipc/print.c \
	tools/nlipc/bytes.c \
	tools/nlipc/cmd_ping.c \
	tools/nlipc/cmd_info.c \
	tools/nlipc/cmd_stats.c \
	tools/nlipc/cmd_family.c \
	tools/nlipc/cmd_kv.c \
	tools/nlipc/cmd_monitor.c \
	tools/nlipc/cmd_publish.c
tools_nlipc_nlipc_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(LIBMNL_CFLAGS)
tools_nlipc_nlipc_LDADD = lib/libnlipc.la $(JSONC_LIBS) $(LIBMNL_LIBS) -lm

bin_SCRIPTS += tools/nlipc-vm
EXTRA_DIST += tools/nlipc-vm tools/vm/init.sh \
	tools/nlipc/nlipc.bash-completion
