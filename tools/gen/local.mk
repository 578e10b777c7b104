# The family's tables, generated from spec/nlipc.yaml by nlipc-gen through
# the project's spec reader (lib/spec). The outputs are committed, as the
# kernel commits its generated files, so a checkout builds as it is; make
# runs the generator whenever the spec (or the generator) is newer than
# the stamp, and rewrites a file only if the spec now gives something
# else, so nothing downstream rebuilds for nothing. tests/spec-gen.sh
# fails if a committed file is not what the spec gives.
noinst_PROGRAMS += tools/gen/nlipc-gen
tools_gen_nlipc_gen_SOURCES = tools/gen/gen.h tools/gen/main.c \
	tools/gen/uapi.c tools/gen/kernel.c tools/gen/user.c tools/gen/python.c
tools_gen_nlipc_gen_LDADD = lib/libnlipc-spec.la

# MODE=FILE: what nlipc-gen MODE writes, relative to the source tree.
nlipc_gen_outputs = \
	uapi=include/uapi/linux/nlipc.h \
	kernel-h=kmod/netlink-gen.h \
	kernel-c=kmod/netlink-gen.c \
	nlipcd-h=tools/nlipcd/policy-gen.h \
	nlipcd-c=tools/nlipcd/policy-gen.c \
	names=lib/names-gen.c \
	python=tests/nlipctest/family.py

tools/gen/nlipc.stamp: $(srcdir)/spec/nlipc.yaml tools/gen/nlipc-gen$(EXEEXT)
	@set -e; for o in $(nlipc_gen_outputs); do \
		f='$(srcdir)'/$${o#*=}; \
		tools/gen/nlipc-gen $${o%%=*} '$(srcdir)/spec/nlipc.yaml' \
			spec/nlipc.yaml >$@.tmp; \
		if ! cmp -s $@.tmp "$$f"; then \
			echo "  GEN      $${o#*=}"; mv $@.tmp "$$f"; \
		fi; \
	done; rm -f $@.tmp; touch $@
BUILT_SOURCES = tools/gen/nlipc.stamp
CLEANFILES += tools/gen/nlipc.stamp
EXTRA_DIST += tests/nlipctest/family.py

TESTS += tests/spec-gen.sh
EXTRA_DIST += tests/spec-gen.sh
