# The Debian packages (debian/): make check-packages builds them with
# dpkg-buildpackage from a fresh copy of the distribution, runs lintian,
# installs them with apt into a clean Debian 12 root (debootstrap, cached
# outside the tree) and runs the tools and libnlipc(3)'s example there
# (tests/packages/packages.sh). It takes minutes, root and a Debian
# mirror, so it is a lane of its own that make check-all counts
# (test-suite-packages.log), not part of make check.
packages_lane = tests/packages/packages.sh
EXTRA_DIST += $(packages_lane) tests/packages/debian-root.sh \
	tests/packages/in-root.sh \
	debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format debian/not-installed debian/libnlipc0.symbols \
	debian/libnlipc0.install debian/libnlipc-dev.install \
	debian/nlipc.install debian/nlipc.lintian-overrides \
	debian/nlipc-dkms.install debian/nlipc-dkms.dkms
CLEANFILES += test-suite-packages.log tests/packages/packages.log \
	tests/packages/packages.trs

check-packages:
	+$(MAKE) $(AM_MAKEFLAGS) check-TESTS TESTS='$(packages_lane)' \
		TEST_SUITE_LOG=test-suite-packages.log
.PHONY: check-packages
