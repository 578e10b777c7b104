#!/bin/sh
# Two hosts, every run: in one guest, a server and a client network
# namespace joined by veth, each calling the other by name through a hosts
# file; the conformance suite over tcp:// and udp:// from one to the other,
# once on a clean link and once through tc netem's delay and loss; then
# the UDP retransmission figures (tests/net/udp-resends.sh), printed, not
# asserted. TAP from the guest.
. "$top_srcdir/tests/tap.sh"
need_command qemu-system-x86_64 "qemu-system-x86 not installed"
need_command tc "tc not installed (iproute2)"
# One vCPU: the lane toggles static keys (veth, netem, netns) while both
# hosts run, and text patching on two TCG vCPUs once left a stale int3
# that panicked the guest (flow_hash_from_keys); the hosts are namespaces
# of one kernel anyway.
"$top_srcdir/tools/nlipc-vm" --no-module --smp 1 --timeout 900 -- \
	sh "$top_srcdir/tests/net/guest.sh" "$top_srcdir" "$top_builddir"
vm_exit $?
