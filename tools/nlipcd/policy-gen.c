// SPDX-License-Identifier: GPL-2.0-or-later
/* Do not edit directly, auto-generated from: */
/*	spec/nlipc.yaml */
/* by tools/gen/nlipc-gen; make regenerates it. */

#include "policy.h"

/* Per op, its do and dump requests' attributes, as the module has them. */
static const struct nlipcd_policy_attr ping_attrs[NLIPC_A_PING_REPLY_SIZE + 1] = {
	[NLIPC_A_PING_PAYLOAD] = { .type = NLIPCD_NLA_BINARY, .len = NLIPC_PING_MAX_PAYLOAD },
	[NLIPC_A_PING_COOKIE] = { .type = NLIPCD_NLA_U64 },
	[NLIPC_A_PING_REPLY_SIZE] = { .type = NLIPCD_NLA_U32, .range = true, .min = 0, .max = NLIPC_PING_MAX_PAYLOAD },
};

static const struct nlipcd_policy ping_policy = {
	.attrs = ping_attrs,
	.maxattr = NLIPC_A_PING_REPLY_SIZE,
};

static const struct nlipcd_policy_attr kv_set_attrs[NLIPC_A_KV_REPLACE + 1] = {
	[NLIPC_A_KV_KEY] = { .type = NLIPCD_NLA_BINARY, .range = true, .min = 1, .max = NLIPC_KV_KEY_MAX_LEN },
	[NLIPC_A_KV_VALUE] = { .type = NLIPCD_NLA_BINARY, .len = NLIPC_VALUE_MAX_LEN },
	[NLIPC_A_KV_CREATE] = { .type = NLIPCD_NLA_FLAG },
	[NLIPC_A_KV_EXCL] = { .type = NLIPCD_NLA_FLAG },
	[NLIPC_A_KV_REPLACE] = { .type = NLIPCD_NLA_FLAG },
};

static const struct nlipcd_policy kv_set_policy = {
	.attrs = kv_set_attrs,
	.maxattr = NLIPC_A_KV_REPLACE,
};

static const struct nlipcd_policy_attr kv_get_attrs[NLIPC_A_KV_KEY_PREFIX + 1] = {
	[NLIPC_A_KV_KEY] = { .type = NLIPCD_NLA_BINARY, .range = true, .min = 1, .max = NLIPC_KV_KEY_MAX_LEN },
	[NLIPC_A_KV_KEY_PREFIX] = { .type = NLIPCD_NLA_BINARY, .len = NLIPC_KV_KEY_MAX_LEN },
};

static const struct nlipcd_policy kv_get_policy = {
	.attrs = kv_get_attrs,
	.maxattr = NLIPC_A_KV_KEY_PREFIX,
};

static const struct nlipcd_policy_attr kv_del_attrs[NLIPC_A_KV_KEY + 1] = {
	[NLIPC_A_KV_KEY] = { .type = NLIPCD_NLA_BINARY, .range = true, .min = 1, .max = NLIPC_KV_KEY_MAX_LEN },
};

static const struct nlipcd_policy kv_del_policy = {
	.attrs = kv_del_attrs,
	.maxattr = NLIPC_A_KV_KEY,
};

static const struct nlipcd_policy_attr publish_attrs[NLIPC_A_BUS_PAYLOAD + 1] = {
	[NLIPC_A_BUS_TOPIC] = { .type = NLIPCD_NLA_NUL_STRING, .len = NLIPC_TOPIC_MAX_LEN },
	[NLIPC_A_BUS_PAYLOAD] = { .type = NLIPCD_NLA_BINARY, .len = NLIPC_VALUE_MAX_LEN },
};

static const struct nlipcd_policy publish_policy = {
	.attrs = publish_attrs,
	.maxattr = NLIPC_A_BUS_PAYLOAD,
};

const struct nlipcd_op nlipcd_ops[] = {
	{ NLIPC_CMD_PING, false, true, false, &ping_policy },
	{ NLIPC_CMD_INFO_GET, false, true, false, &nlipcd_reject_all_policy },
	{ NLIPC_CMD_STATS_GET, false, true, false, &nlipcd_reject_all_policy },
	{ NLIPC_CMD_STATS_RESET, true, true, false, &nlipcd_reject_all_policy },
	{ NLIPC_CMD_KV_SET, true, true, false, &kv_set_policy },
	{ NLIPC_CMD_KV_GET, false, true, true, &kv_get_policy },
	{ NLIPC_CMD_KV_DEL, true, true, false, &kv_del_policy },
	{ NLIPC_CMD_PUBLISH, false, true, false, &publish_policy },
};

const unsigned int nlipcd_n_ops = NLIPCD_ARRAY_SIZE(nlipcd_ops);
