# Manual pages.
dist_man_MANS += doc/nlipc.1
