# kmod/nlipc.ko through Kbuild, for the first kernel configure found, and
# kmod/RELEASE/nlipc.ko for each further one. Kbuild builds where M= points,
# so those folders (and kmod/ in VPATH builds) get links to the sources.
kmod_sources = kmod/Kbuild kmod/nlipc.h kmod/compat.h kmod/main.c \
	kmod/netlink.c kmod/netlink-gen.c kmod/netlink-gen.h kmod/stats.c \
	kmod/ping.c kmod/info.c kmod/kv.c kmod/kv-rules.h kmod/bus.c
EXTRA_DIST += $(kmod_sources) kmod/dkms.conf.in

# KBUILD_IN DIR KERNEL_DIR: Kbuild for the sources linked into DIR.
KBUILD_IN = $(MAKE) NLIPC_UAPI=$(abs_top_srcdir)/include/uapi \
	NLIPC_VERSION=$(PACKAGE_VERSION) -C
KBUILD = $(KBUILD_IN) $(KERNEL_DIR) M=$(abs_builddir)/kmod

if BUILD_KMOD
kmod_built = kmod/nlipc.ko kmod/extra.stamp

kmod/nlipc.ko: $(kmod_sources) include/uapi/linux/nlipc.h
	@$(MKDIR_P) kmod
	@if test "$(abs_srcdir)" != "$(abs_builddir)"; then \
		for f in $(kmod_sources); do ln -sf "$(abs_srcdir)/$$f" "$$f"; done; \
	fi
	+$(AM_V_GEN)$(KBUILD) modules

kmod/extra.stamp: $(kmod_sources) include/uapi/linux/nlipc.h
	+$(AM_V_GEN)for b in $(KERNEL_EXTRA_BUILDS); do \
		r=$${b%%=*} d=$${b#*=} && \
		$(MKDIR_P) "kmod/$$r" && \
		for f in $(kmod_sources); do \
			ln -sf "$(abs_srcdir)/$$f" "kmod/$$r/$${f#kmod/}"; \
		done && \
		$(KBUILD_IN) "$$d" M="$(abs_builddir)/kmod/$$r" modules || exit 1; \
	done; touch $@

# The module through sparse and W=1, for every kernel; any warning fails.
kmod-check: kmod/nlipc.ko kmod/extra.stamp
	+$(AM_V_GEN)set -e; : >kmod/check.log; \
	$(KBUILD) C=2 CHECK=sparse W=1 modules 2>&1 | tee -a kmod/check.log; \
	for b in $(KERNEL_EXTRA_BUILDS); do \
		r=$${b%%=*} d=$${b#*=}; \
		$(KBUILD_IN) "$$d" M="$(abs_builddir)/kmod/$$r" C=2 CHECK=sparse \
			W=1 modules 2>&1 | tee -a kmod/check.log; \
	done; ! grep -E 'warning|error' kmod/check.log

endif
all-local: $(kmod_built)

# As the kernel's modules_install does: RELEASE/updates/, then depmod so
# modprobe finds it. A staged install (DESTDIR) or another moduledir leaves
# depmod to whoever installs the tree for real.
kmod_depmod = test -z '$(DESTDIR)' && test '$(moduledir)' = /lib/modules && \
	test -e /lib/modules/$$r/modules.order
install-data-local: install-kmod
uninstall-local: uninstall-kmod
install-kmod: $(kmod_built)
	@set -e; for r in $(KERNEL_RELEASES); do \
		ko=kmod/$$r/nlipc.ko; \
		test "$$r" != "$(KERNEL_RELEASE)" || ko=kmod/nlipc.ko; \
		dir='$(DESTDIR)$(moduledir)'/$$r/updates; \
		echo "  INSTALL  $$dir/nlipc.ko"; \
		$(MKDIR_P) "$$dir"; $(INSTALL_DATA) "$$ko" "$$dir/nlipc.ko"; \
		if $(kmod_depmod); then \
			echo "  DEPMOD   $$r"; depmod -a "$$r"; \
		fi; \
	done
uninstall-kmod:
	@for r in $(KERNEL_RELEASES); do \
		rm -f '$(DESTDIR)$(moduledir)'/$$r/updates/nlipc.ko; \
		if $(kmod_depmod); then depmod -a "$$r"; fi; \
	done

clean-kmod:
	-test -z "$(KERNEL_DIR)" || $(KBUILD) clean >/dev/null
	-for r in $(KERNEL_EXTRA_RELEASES); do rm -rf "kmod/$$r"; done
	-rm -f kmod/check.log kmod/extra.stamp
	-if test "$(abs_srcdir)" != "$(abs_builddir)"; then \
		rm -f $(kmod_sources); \
	fi
.PHONY: kmod-check clean-kmod install-kmod uninstall-kmod

# The module's sources for DKMS (what the nlipc-dkms package ships):
# dkms.conf, the Kbuild sources and the UAPI header they include.
dkmsdir = /usr/src/$(PACKAGE)-$(PACKAGE_VERSION)
install-dkms: kmod/dkms.conf
	$(MKDIR_P) '$(DESTDIR)$(dkmsdir)/include/uapi/linux'
	$(INSTALL_DATA) kmod/dkms.conf '$(DESTDIR)$(dkmsdir)/dkms.conf'
	for f in $(kmod_sources); do \
		$(INSTALL_DATA) "$(srcdir)/$$f" '$(DESTDIR)$(dkmsdir)/'"$${f#kmod/}" || exit 1; \
	done
	$(INSTALL_DATA) $(srcdir)/include/uapi/linux/nlipc.h \
		'$(DESTDIR)$(dkmsdir)/include/uapi/linux/nlipc.h'
uninstall-dkms:
	rm -rf '$(DESTDIR)$(dkmsdir)'
.PHONY: install-dkms uninstall-dkms
