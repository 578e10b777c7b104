// SPDX-License-Identifier: GPL-2.0
/*
 * publish: process-to-process messages through the kernel. A topic and
 * payload are multicast, with the publisher's port id, to every socket of
 * the publisher's network namespace that joined the bus group.
 */

#include "nlipc.h"

int nlipc_nl_publish_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *payload = info->attrs[NLIPC_A_BUS_PAYLOAD];
	struct nlattr *topic = info->attrs[NLIPC_A_BUS_TOPIC];
	struct net *net = genl_info_net(info);
	u32 len = payload ? nla_len(payload) : 0;
	struct sk_buff *msg;
	void *hdr;

	if (GENL_REQ_ATTR_CHECK(info, NLIPC_A_BUS_TOPIC))
		return -EINVAL;
	if (!nla_len(topic) || !*(char *)nla_data(topic)) {
		NL_SET_ERR_MSG_ATTR(info->extack, topic, "empty topic");
		return -EINVAL;
	}
	/* Nobody listening is not an error: the message is simply gone. */
	if (!genl_has_listeners(&nlipc_nl_family, net, NLIPC_NLGRP_BUS))
		return 0;

	msg = genlmsg_new(nla_total_size(nla_len(topic)) + nla_total_size(len) +
			  nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &nlipc_nl_family, 0, NLIPC_CMD_PUBLISH_NTF);
	if (!hdr ||
	    nla_put(msg, NLIPC_A_BUS_TOPIC, nla_len(topic), nla_data(topic)) ||
	    (payload && nla_put(msg, NLIPC_A_BUS_PAYLOAD, len,
				nla_data(payload))) ||
	    nla_put_u32(msg, NLIPC_A_BUS_SENDER, info->snd_portid)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);

	/*
	 * A subscriber whose socket is full loses the message and learns it
	 * as ENOBUFS on its own socket; that is not the publisher's error.
	 */
	genlmsg_multicast_netns(&nlipc_nl_family, net, msg, 0, NLIPC_NLGRP_BUS,
				GFP_KERNEL);
	return 0;
}
