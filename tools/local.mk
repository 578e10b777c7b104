# The command-line tool, and the VM runner scripts.
bin_PROGRAMS += tools/nlipc/nlipc
tools_nlipc_nlipc_SOURCES = \
	tools/nlipc/nlipc.h \
	tools/nlipc/main.c \
	tools/nlipc/bridge_stdio.c \
	tools/nlipc/print.c \
	tools/nlipc/bytes.c \
	tools/nlipc/cmd_ping.c \
	tools/nlipc/cmd_info.c \
	tools/nlipc/cmd_stats.c \
	tools/nlipc/cmd_family.c \
	tools/nlipc/cmd_kv.c tools/nlipc/batch.c \
	tools/nlipc/cmd_monitor.c \
	tools/nlipc/cmd_publish.c \
	tools/nlipc/cmd_ynl.c
tools_nlipc_nlipc_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(LIBMNL_CFLAGS) \
	-DSPECDIR='"$(specdir)"'
tools_nlipc_nlipc_LDADD = lib/libnlipc-ynl.la lib/libnlipc.la $(JSONC_LIBS) \
	$(LIBMNL_LIBS) -lm

bin_SCRIPTS += tools/nlipc-vm
dist_man_MANS += doc/nlipc-vm.1
vmdir = $(pkgdatadir)/vm
dist_vm_DATA = tools/vm/init.sh
EXTRA_DIST += tools/nlipc-vm

# The family's spec, for the kernel's YNL CLI, pyroute2 and other clients.
specdir = $(pkgdatadir)/spec
dist_spec_DATA = spec/nlipc.yaml

# bash completion, loaded on demand by bash-completion under the command's
# name.
bashcompletiondir = $(datadir)/bash-completion/completions
install-data-local: install-bash-completion
uninstall-local: uninstall-bash-completion
install-bash-completion:
	$(MKDIR_P) '$(DESTDIR)$(bashcompletiondir)'
	$(INSTALL_DATA) '$(srcdir)/tools/nlipc/nlipc.bash-completion' \
		'$(DESTDIR)$(bashcompletiondir)/nlipc'
uninstall-bash-completion:
	rm -f '$(DESTDIR)$(bashcompletiondir)/nlipc'
EXTRA_DIST += tools/nlipc/nlipc.bash-completion
.PHONY: install-bash-completion uninstall-bash-completion
