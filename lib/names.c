// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names of the family's operations and request attributes, as in
 * spec/nlipc.yaml, so errors can say "attribute key" rather than "3".
 * tests/spec-names checks these tables against the spec.
 */
#include "internal.h"

#define ATTRS(a) .attrs = a, .n_attrs = sizeof(a) / sizeof(a[0])

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

static const struct {
	const char *name;
	const char *const *attrs;
	unsigned int n_attrs;
} ops[NLIPC_CMD_MAX + 1] = {
	[NLIPC_CMD_PING] = { "ping", ATTRS(ping_attrs) },
	[NLIPC_CMD_INFO_GET] = { "info-get", ATTRS(info_attrs) },
	[NLIPC_CMD_STATS_GET] = { "stats-get", ATTRS(stats_attrs) },
	[NLIPC_CMD_STATS_RESET] = { "stats-reset", ATTRS(stats_attrs) },
	[NLIPC_CMD_KV_SET] = { "kv-set", ATTRS(kv_attrs) },
	[NLIPC_CMD_KV_GET] = { "kv-get", ATTRS(kv_attrs) },
	[NLIPC_CMD_KV_DEL] = { "kv-del", ATTRS(kv_attrs) },
	[NLIPC_CMD_PUBLISH] = { "publish", ATTRS(bus_attrs) },
	[NLIPC_CMD_KV_SET_NTF] = { "kv-set-ntf", ATTRS(kv_attrs) },
	[NLIPC_CMD_KV_DEL_NTF] = { "kv-del-ntf", ATTRS(kv_attrs) },
	[NLIPC_CMD_PUBLISH_NTF] = { "publish-ntf", ATTRS(bus_attrs) },
};

/**
 * nlipc_op_name - the spec's name of a command
 * @cmd: command id
 *
 * Returns the name, or NULL for an id the library does not know.
 */
NLIPC_EXPORT const char *nlipc_op_name(uint8_t cmd)
{
	return cmd <= NLIPC_CMD_MAX ? ops[cmd].name : NULL;
}

/**
 * nlipc_attr_name - the spec's name of an attribute of a command's set
 * @cmd: command id
 * @type: attribute type in that command's attribute set
 *
 * Returns the name, or NULL if the library does not know it.
 */
NLIPC_EXPORT const char *nlipc_attr_name(uint8_t cmd, int type)
{
	if (cmd > NLIPC_CMD_MAX || type < 0 ||
	    (unsigned int)type >= ops[cmd].n_attrs)
		return NULL;
	return ops[cmd].attrs[type];
}
