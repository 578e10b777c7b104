# libnlipc: versioned, only the public nlipc_* symbols exported. The
# objects are also kept as a convenience library, so unit tests reach the
# internals the version script hides.
noinst_LTLIBRARIES = lib/libnlipc-core.la
lib_libnlipc_core_la_SOURCES = \
	lib/internal.h lib/transport.h lib/url.h lib/bridge.h lib/hex.h \
	lib/genl-family.h \
	lib/endpoint.c lib/url.c lib/error.c lib/msg.c lib/call.c lib/batch.c \
	lib/ops.c lib/kv.c lib/events.c lib/names.c lib/names-gen.c lib/ctrl.c \
	lib/rtt.c \
	lib/transport/netlink.c lib/transport/sock.h lib/transport/sock.c \
	lib/transport/unix.c lib/transport/inet.c lib/transport/ssh.c \
	lib/transport/tls.c
lib_libnlipc_core_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden \
	$(LIBNL_CFLAGS) $(LIBNL_GENL_CFLAGS) $(LIBMNL_CFLAGS) $(GNUTLS_CFLAGS)
lib_libnlipc_core_la_LIBADD = $(LIBNL_GENL_LIBS) $(LIBNL_LIBS) $(LIBMNL_LIBS) \
	$(GNUTLS_LIBS)

# The YNL spec reader: the generator's (tools/gen), later also the
# library's, for any family's spec at run time.
noinst_LTLIBRARIES += lib/libnlipc-spec.la
lib_libnlipc_spec_la_SOURCES = lib/spec/spec.h lib/spec/load.c lib/spec/spec.c \
	lib/spec/find.c
lib_libnlipc_spec_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS) \
	-DSPECDIR='"$(specdir)"'
lib_libnlipc_spec_la_LIBADD = $(YAML_LIBS)

# Any family from its spec (lib/ynl/ynl.h says why it is not exported
# yet): over the public libnlipc API, which its users link.
noinst_LTLIBRARIES += lib/libnlipc-ynl.la
lib_libnlipc_ynl_la_SOURCES = lib/ynl/ynl.h lib/ynl/codec.c lib/ynl/family.c
lib_libnlipc_ynl_la_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(LIBMNL_CFLAGS)
lib_libnlipc_ynl_la_LIBADD = lib/libnlipc-spec.la $(JSONC_LIBS) $(LIBMNL_LIBS)

lib_LTLIBRARIES += lib/libnlipc.la
lib_libnlipc_la_SOURCES =
lib_libnlipc_la_LIBADD = lib/libnlipc-core.la
# -Bsymbolic-functions: the library's calls to its own exported functions
# (nlipc_ping to nlipc_call, ...) go straight there, not through the PLT.
lib_libnlipc_la_LDFLAGS = -version-info $(LIBNLIPC_LT_VERSION) \
	-Wl,--version-script=$(top_srcdir)/lib/libnlipc.map \
	-Wl,-Bsymbolic-functions
EXTRA_lib_libnlipc_la_DEPENDENCIES = lib/libnlipc.map
EXTRA_DIST += lib/libnlipc.map

nlipcincludedir = $(includedir)/nlipc
nlipcinclude_HEADERS = include/nlipc/nlipc.h
uapiincludedir = $(includedir)/linux
uapiinclude_HEADERS = include/uapi/linux/nlipc.h

pkgconfig_DATA = lib/nlipc.pc

dist_man_MANS += doc/libnlipc.3

