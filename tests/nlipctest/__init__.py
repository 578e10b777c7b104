# SPDX-License-Identifier: GPL-2.0
"""The tests' own library, shared by every Python test.

tap      TAP output: test points, a plan, suites of test_* functions
netlink  netlink and genetlink messages as bytes: encoders, parsers, ACKs
family   the nlipc family's ids and limits, generated from the spec
genl     raw generic netlink to the kernel (the module's tests, in a guest)
wire     raw nlipc messages over every nlipcd transport (the daemon's tests)
kernel_specs  the kernel's YNL CLI and specs, from linux-source-6.12

Every test script puts the tests/ directory on sys.path and imports from
here; nothing in it goes through libnlipc, which is what is tested."""
