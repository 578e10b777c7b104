# Manual pages.
dist_man_MANS += doc/nlipc.1
EXTRA_DIST += doc/bench-vm.svg doc/bridge.md
