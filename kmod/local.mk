# kmod/nlipc.ko through Kbuild. For out-of-tree (VPATH) builds the sources
# are linked into the build folder, since Kbuild builds where M= points.
kmod_sources = kmod/Kbuild kmod/nlipc.h kmod/main.c kmod/netlink.c \
	kmod/stats.c kmod/ping.c kmod/info.c kmod/kv.c kmod/bus.c
EXTRA_DIST += $(kmod_sources)

KBUILD = $(MAKE) -C $(KERNEL_DIR) M=$(abs_builddir)/kmod \
	NLIPC_UAPI=$(abs_top_srcdir)/include/uapi \
	NLIPC_VERSION=$(PACKAGE_VERSION)

if BUILD_KMOD
kmoddir = $(pkglibdir)
kmod_DATA = kmod/nlipc.ko

kmod/nlipc.ko: $(kmod_sources) include/uapi/linux/nlipc.h
	@$(MKDIR_P) kmod
	@if test "$(abs_srcdir)" != "$(abs_builddir)"; then \
		for f in $(kmod_sources); do ln -sf "$(abs_srcdir)/$$f" "$$f"; done; \
	fi
	+$(AM_V_GEN)$(KBUILD) modules

# The module through sparse and W=1; any warning fails.
kmod-check: kmod/nlipc.ko
	+$(AM_V_GEN)$(KBUILD) C=2 CHECK=sparse W=1 modules 2>&1 | \
		tee kmod/check.log; ! grep -E 'warning|error' kmod/check.log

endif

clean-kmod:
	-test -z "$(KERNEL_DIR)" || $(KBUILD) clean >/dev/null
	-rm -f kmod/check.log
	-if test "$(abs_srcdir)" != "$(abs_builddir)"; then \
		rm -f $(kmod_sources); \
	fi
.PHONY: kmod-check clean-kmod
