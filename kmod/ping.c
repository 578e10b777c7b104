// SPDX-License-Identifier: GPL-2.0
/* ping: echo a payload and a cookie back to the sender. */

#include <linux/moduleparam.h>

#include "nlipc.h"

unsigned int nlipc_ping_max_payload = NLIPC_PING_MAX_PAYLOAD;

static int ping_max_payload_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, NLIPC_PING_MAX_PAYLOAD);
}

static const struct kernel_param_ops ping_max_payload_ops = {
	.set = ping_max_payload_set,
	.get = param_get_uint,
};

module_param_cb(ping_max_payload, &ping_max_payload_ops,
		&nlipc_ping_max_payload, 0444);
MODULE_PARM_DESC(ping_max_payload,
		 "Largest ping payload and reply size in bytes (0..65531)");

int nlipc_nl_ping_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *payload = info->attrs[NLIPC_A_PING_PAYLOAD];
	struct nlattr *size = info->attrs[NLIPC_A_PING_REPLY_SIZE];
	struct nlattr *cookie = info->attrs[NLIPC_A_PING_COOKIE];
	u32 in_len = payload ? nla_len(payload) : 0;
	u32 out_len = size ? nla_get_u32(size) : in_len;
	struct nlattr *echo;
	struct sk_buff *msg;
	void *hdr;

	if (in_len > nlipc_ping_max_payload) {
		NL_SET_ERR_MSG_ATTR(info->extack, payload,
				    "payload larger than ping_max_payload");
		return -EMSGSIZE;
	}
	if (out_len > nlipc_ping_max_payload) {
		NL_SET_ERR_MSG_ATTR(info->extack, size,
				    "reply size larger than ping_max_payload");
		return -EMSGSIZE;
	}

	msg = genlmsg_new(nla_total_size(out_len) + nla_total_size_64bit(8),
			  GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &nlipc_nl_family, 0, NLIPC_CMD_PING);
	if (!hdr)
		goto err_free_msg;

	if (out_len) {
		u32 copied = min(in_len, out_len);

		echo = nla_reserve(msg, NLIPC_A_PING_PAYLOAD, out_len);
		if (!echo)
			goto err_free_msg;
		if (copied)
			memcpy(nla_data(echo), nla_data(payload), copied);
		memset(nla_data(echo) + copied, 0, out_len - copied);
	}
	if (cookie && nla_put_u64_64bit(msg, NLIPC_A_PING_COOKIE,
					nla_get_u64(cookie), NLIPC_A_PING_PAD))
		goto err_free_msg;

	genlmsg_end(msg, hdr);
	return nlipc_nl_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return -EMSGSIZE;
}
