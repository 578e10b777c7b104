/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Other generic netlink families of the kernel, forwarded to it for the
 * clients (--bridge-family, bridged.c; doc/bridge.md, "Other families").
 */
#ifndef _NLIPCD_BRIDGED_H
#define _NLIPCD_BRIDGED_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/genetlink.h>

#include "nlipcd.h"
#include "reply.h"

struct nlipcd_bridged;

int nlipcd_bridge_add(struct nlipcd *d, const char *arg);
int nlipcd_bridge_init(struct nlipcd *d);
void nlipcd_bridge_uninit(struct nlipcd *d);

struct nlipcd_bridged *nlipcd_bridge_by_id(struct nlipcd *d, uint16_t id);
struct nlipcd_bridged *nlipcd_bridge_resolve_id(struct nlipcd *d, uint16_t id);
struct nlipcd_bridged *nlipcd_bridge_by_name(struct nlipcd *d,
					     const char *name);
struct nlipcd_bridged *nlipcd_bridge_nth(struct nlipcd *d, unsigned int i);
const char *nlipcd_bridge_names(struct nlipcd *d);
bool nlipcd_bridge_remote_writes(struct nlipcd *d);

int nlipcd_bridge_refresh(struct nlipcd *d, struct nlipcd_bridged *f);
int nlipcd_bridge_newfamily(struct nlipcd_client *c, struct nlipcd_bridged *f,
			    struct nlipcd_reply *r, uint16_t flags,
			    uint32_t seq);
void nlipcd_bridge_request(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			   struct nlipcd_bridged *f);
void nlipcd_bridge_policy(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			  struct nlipcd_bridged *f);
int nlipcd_bridge_join(struct nlipcd_client *c, uint32_t group,
		       struct nlipcd_extack *ext);
void nlipcd_bridge_release(struct nlipcd *d, unsigned int slot);

#endif /* _NLIPCD_BRIDGED_H */
