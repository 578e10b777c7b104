# Manual pages. libnlipc's functions have a page per group in doc/man3/,
# and every other function a .so link to its group's page, so that
# "man nlipc_kv_get" works; tests/man-pages.py checks each exported
# function has one.
dist_man_MANS += doc/nlipc.1 doc/nlipc.7
dist_man_MANS += \
	doc/man3/nlipc_open.3 doc/man3/nlipc_open_timeout.3 doc/man3/nlipc_open_genl.3 \
	doc/man3/nlipc_open_tls.3 doc/man3/nlipc_open_genl_tls.3 \
	doc/man3/nlipc_transport_info.3 \
	doc/man3/nlipc_close.3 doc/man3/nlipc_fd.3 \
	doc/man3/nlipc_set_timeout.3 doc/man3/nlipc_url.3 \
	doc/man3/nlipc_version.3 \
	doc/man3/nlipc_error.3 doc/man3/nlipc_strerror.3 \
	doc/man3/nlipc_op_name.3 doc/man3/nlipc_attr_name.3 \
	doc/man3/nlipc_ping.3 doc/man3/nlipc_info_get.3 \
	doc/man3/nlipc_stats_get.3 doc/man3/nlipc_stats_reset.3 \
	doc/man3/nlipc_kv_set.3 doc/man3/nlipc_kv_get.3 \
	doc/man3/nlipc_kv_del.3 doc/man3/nlipc_kv_list.3 \
	doc/man3/nlipc_subscribe.3 doc/man3/nlipc_next_event.3 \
	doc/man3/nlipc_publish.3 doc/man3/nlipc_join_group.3 \
	doc/man3/nlipc_next_msg.3 \
	doc/man3/nlipc_call.3 doc/man3/nlipc_msg_start.3 \
	doc/man3/nlipc_msg_start_family.3 doc/man3/nlipc_family_id.3 \
	doc/man3/nlipc_msg_put.3 doc/man3/nlipc_msg_put_u32.3 \
	doc/man3/nlipc_msg_put_u64.3 doc/man3/nlipc_msg_put_str.3 \
	doc/man3/nlipc_msg_hdr.3 doc/man3/nlipc_attr_parse.3 \
	doc/man3/nlipc_batch_new.3 doc/man3/nlipc_batch_free.3 \
	doc/man3/nlipc_batch_reset.3 doc/man3/nlipc_batch_count.3 \
	doc/man3/nlipc_batch_add.3 doc/man3/nlipc_batch_kv_set.3 \
	doc/man3/nlipc_batch_run.3 doc/man3/nlipc_batch_errno.3
EXTRA_DIST += doc/bench-vm.svg doc/bridge.md
