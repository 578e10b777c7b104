# nlipcd: the bridge daemon. It reuses libnlipc's internals (the URL
# parser) from the convenience library, and libmnl for its messages. All
# but main() is a convenience library too, which the fuzz targets drive.
noinst_LTLIBRARIES += tools/nlipcd/libnlipcd.la
tools_nlipcd_libnlipcd_la_SOURCES = \
	tools/nlipcd/nlipcd.h \
	tools/nlipcd/loop.h \
	tools/nlipcd/reply.h \
	tools/nlipcd/listen.h \
	tools/nlipcd/request.h \
	tools/nlipcd/backend.h \
	tools/nlipcd/policy.h \
	tools/nlipcd/kv.h \
	tools/nlipcd/hash.h \
	tools/nlipcd/loop.c \
	tools/nlipcd/listen.c \
	tools/nlipcd/client.h \
	tools/nlipcd/client.c \
	tools/nlipcd/kind.h \
	tools/nlipcd/conn.c \
	tools/nlipcd/index.c \
	tools/nlipcd/frame.c \
	tools/nlipcd/admit.c \
	tools/nlipcd/udp.c \
	tools/nlipcd/tls.h tools/nlipcd/tls.c \
	tools/nlipcd/dgram.c \
	tools/nlipcd/reply.c \
	tools/nlipcd/request.c \
	tools/nlipcd/ctrl.c \
	tools/nlipcd/policy.c \
	tools/nlipcd/policy-gen.c tools/nlipcd/policy-gen.h \
	tools/nlipcd/hash.c \
	tools/nlipcd/kv.c \
	tools/nlipcd/backend_user.c \
	tools/nlipcd/fwd.h tools/nlipcd/fwd.c \
	tools/nlipcd/bridged.h tools/nlipcd/bridged.c \
	tools/nlipcd/backend_kernel.c
tools_nlipcd_libnlipcd_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/lib
tools_nlipcd_libnlipcd_la_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS) $(YAML_CFLAGS) \
	$(GNUTLS_CFLAGS)
# The spec reader: --bridge-family names ops as the family's spec does.
tools_nlipcd_libnlipcd_la_LIBADD = lib/libnlipc-spec.la $(GNUTLS_LIBS)

# A daemon, with a section-8 page: installed in sbin.
sbin_PROGRAMS += tools/nlipcd/nlipcd
tools_nlipcd_nlipcd_SOURCES = tools/nlipcd/main.c \
	tools/nlipcd/privilege.h tools/nlipcd/privilege.c tools/nlipcd/notify.c
tools_nlipcd_nlipcd_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/lib
tools_nlipcd_nlipcd_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS) $(LIBCAPNG_CFLAGS)
tools_nlipcd_nlipcd_LDADD = tools/nlipcd/libnlipcd.la lib/libnlipc-core.la \
	$(LIBMNL_LIBS) $(LIBCAPNG_LIBS)

dist_man_MANS += doc/nlipcd.8
EXTRA_DIST += tools/nlipcd/nlipcd.service tools/nlipcd/nlipcd.socket \
	tools/nlipcd/nlipcd.sysusers

# systemd units: the socket as it is, the service with our sbindir, and
# the system user the service runs as. Override systemdunitdir or
# sysusersdir on the make command line for another layout.
systemdunitdir = $(prefix)/lib/systemd/system
sysusersdir = $(prefix)/lib/sysusers.d
install-data-local: install-nlipcd-units
uninstall-local: uninstall-nlipcd-units
install-nlipcd-units:
	$(MKDIR_P) '$(DESTDIR)$(systemdunitdir)'
	sed 's|[@]sbindir[@]|$(sbindir)|g' '$(srcdir)/tools/nlipcd/nlipcd.service' \
		>'$(DESTDIR)$(systemdunitdir)/nlipcd.service'
	$(INSTALL_DATA) '$(srcdir)/tools/nlipcd/nlipcd.socket' \
		'$(DESTDIR)$(systemdunitdir)/nlipcd.socket'
	$(MKDIR_P) '$(DESTDIR)$(sysusersdir)'
	$(INSTALL_DATA) '$(srcdir)/tools/nlipcd/nlipcd.sysusers' \
		'$(DESTDIR)$(sysusersdir)/nlipcd.conf'
uninstall-nlipcd-units:
	rm -f '$(DESTDIR)$(systemdunitdir)/nlipcd.service' \
		'$(DESTDIR)$(systemdunitdir)/nlipcd.socket' \
		'$(DESTDIR)$(sysusersdir)/nlipcd.conf'
.PHONY: install-nlipcd-units uninstall-nlipcd-units
