// SPDX-License-Identifier: LGPL-2.1-or-later
/* Do not edit directly, auto-generated from: */
/*	spec/nlipc.yaml */
/* by tools/gen/nlipc-gen; make regenerates it. */

#include "internal.h"

static const char *const ping_attrs[] = {
	[NLIPC_A_PING_PAYLOAD] = "payload",
	[NLIPC_A_PING_COOKIE] = "cookie",
	[NLIPC_A_PING_REPLY_SIZE] = "reply-size",
	[NLIPC_A_PING_PAD] = "pad",
};

static const char *const info_attrs[] = {
	[NLIPC_A_INFO_VERSION] = "version",
	[NLIPC_A_INFO_BACKEND] = "backend",
	[NLIPC_A_INFO_UPTIME_MS] = "uptime-ms",
	[NLIPC_A_INFO_PING_MAX_PAYLOAD] = "ping-max-payload",
	[NLIPC_A_INFO_KV_MAX_ENTRIES] = "kv-max-entries",
	[NLIPC_A_INFO_KV_MAX_KEY_LEN] = "kv-max-key-len",
	[NLIPC_A_INFO_KV_MAX_VALUE_LEN] = "kv-max-value-len",
	[NLIPC_A_INFO_KV_MAX_BYTES] = "kv-max-bytes",
	[NLIPC_A_INFO_KV_ENTRIES] = "kv-entries",
	[NLIPC_A_INFO_KV_BYTES] = "kv-bytes",
	[NLIPC_A_INFO_PAD] = "pad",
};

static const char *const stats_attrs[] = {
	[NLIPC_A_STATS_OP] = "op",
};

static const char *const kv_attrs[] = {
	[NLIPC_A_KV_KEY] = "key",
	[NLIPC_A_KV_VALUE] = "value",
	[NLIPC_A_KV_KEY_PREFIX] = "key-prefix",
	[NLIPC_A_KV_CREATE] = "create",
	[NLIPC_A_KV_EXCL] = "excl",
	[NLIPC_A_KV_REPLACE] = "replace",
};

static const char *const bus_attrs[] = {
	[NLIPC_A_BUS_TOPIC] = "topic",
	[NLIPC_A_BUS_PAYLOAD] = "payload",
	[NLIPC_A_BUS_SENDER] = "sender",
};

const struct nlipc_op_names nlipc_op_names[NLIPC_CMD_MAX + 1] = {
	[NLIPC_CMD_PING] = { "ping", ping_attrs, NLIPC_ARRAY_SIZE(ping_attrs) },
	[NLIPC_CMD_INFO_GET] = { "info-get", info_attrs, NLIPC_ARRAY_SIZE(info_attrs) },
	[NLIPC_CMD_STATS_GET] = { "stats-get", stats_attrs, NLIPC_ARRAY_SIZE(stats_attrs) },
	[NLIPC_CMD_STATS_RESET] = { "stats-reset", stats_attrs, NLIPC_ARRAY_SIZE(stats_attrs) },
	[NLIPC_CMD_KV_SET] = { "kv-set", kv_attrs, NLIPC_ARRAY_SIZE(kv_attrs) },
	[NLIPC_CMD_KV_GET] = { "kv-get", kv_attrs, NLIPC_ARRAY_SIZE(kv_attrs) },
	[NLIPC_CMD_KV_DEL] = { "kv-del", kv_attrs, NLIPC_ARRAY_SIZE(kv_attrs) },
	[NLIPC_CMD_PUBLISH] = { "publish", bus_attrs, NLIPC_ARRAY_SIZE(bus_attrs) },
	[NLIPC_CMD_KV_SET_NTF] = { "kv-set-ntf", kv_attrs, NLIPC_ARRAY_SIZE(kv_attrs) },
	[NLIPC_CMD_KV_DEL_NTF] = { "kv-del-ntf", kv_attrs, NLIPC_ARRAY_SIZE(kv_attrs) },
	[NLIPC_CMD_PUBLISH_NTF] = { "publish-ntf", bus_attrs, NLIPC_ARRAY_SIZE(bus_attrs) },
};
