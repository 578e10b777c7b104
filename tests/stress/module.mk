# The module under hostile input, loaded and unloaded 100 times, and
# unloaded under load: tests/stress/module.sh, one boot of nlipc-vm.
# make check runs it short; STRESS_SECONDS lengthens the hostile input for
# make stress, which collects its "# stress:" lines.
TESTS += tests/stress/module.sh
EXTRA_DIST += tests/stress/module.sh tests/stress/module-stress.py \
	tests/stress/oracle.py tests/stress/mutate.py
CLEANFILES += tests/stress/module-dmesg.log
