// SPDX-License-Identifier: GPL-2.0
/* info-get: version, backend, uptime, limits and the caller's key count. */

#include "nlipc.h"

int nlipc_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	u32 entries;
	u64 bytes;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &nlipc_nl_family, 0,
				NLIPC_CMD_INFO_GET);
	if (!hdr)
		goto err_free_msg;

	nlipc_kv_usage(genl_info_net(info), &entries, &bytes);

	if (nla_put_string(msg, NLIPC_A_INFO_VERSION, NLIPC_VERSION) ||
	    nla_put_string(msg, NLIPC_A_INFO_BACKEND, "kernel") ||
	    nla_put_u64_64bit(msg, NLIPC_A_INFO_UPTIME_MS, nlipc_uptime_ms(),
			      NLIPC_A_INFO_PAD) ||
	    nla_put_u32(msg, NLIPC_A_INFO_PING_MAX_PAYLOAD,
			nlipc_ping_max_payload) ||
	    nla_put_u32(msg, NLIPC_A_INFO_KV_MAX_ENTRIES, nlipc_kv_max_entries) ||
	    nla_put_u32(msg, NLIPC_A_INFO_KV_MAX_KEY_LEN, nlipc_kv_max_key_len) ||
	    nla_put_u32(msg, NLIPC_A_INFO_KV_MAX_VALUE_LEN,
			nlipc_kv_max_value_len) ||
	    nla_put_u64_64bit(msg, NLIPC_A_INFO_KV_MAX_BYTES, nlipc_kv_max_bytes,
			      NLIPC_A_INFO_PAD) ||
	    nla_put_u32(msg, NLIPC_A_INFO_KV_ENTRIES, entries) ||
	    nla_put_u64_64bit(msg, NLIPC_A_INFO_KV_BYTES, bytes,
			      NLIPC_A_INFO_PAD))
		goto err_free_msg;

	genlmsg_end(msg, hdr);
	return nlipc_nl_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return -EMSGSIZE;
}
