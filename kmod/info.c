// SPDX-License-Identifier: GPL-2.0
/* info-get: version, backend, uptime and limits of the service. */

#include "nlipc.h"

int nlipc_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &nlipc_nl_family, 0,
				NLIPC_CMD_INFO_GET);
	if (!hdr)
		goto err_free_msg;

	if (nla_put_string(msg, NLIPC_A_INFO_VERSION, NLIPC_VERSION) ||
	    nla_put_string(msg, NLIPC_A_INFO_BACKEND, "kernel") ||
	    nla_put_u64_64bit(msg, NLIPC_A_INFO_UPTIME_MS, nlipc_uptime_ms(),
			      NLIPC_A_INFO_PAD) ||
	    nla_put_u32(msg, NLIPC_A_INFO_PING_MAX_PAYLOAD,
			nlipc_ping_max_payload))
		goto err_free_msg;

	genlmsg_end(msg, hdr);
	return nlipc_nl_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return -EMSGSIZE;
}
