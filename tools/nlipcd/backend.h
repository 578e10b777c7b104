/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The two ways nlipcd serves the family: forwarding to the kernel module,
 * or its own store. The request core (request.c, ctrl.c) has already done
 * what the genetlink core does before a family sees a request: header
 * checks, op lookup, permission; the backend does the rest.
 */
#ifndef _NLIPCD_BACKEND_H
#define _NLIPCD_BACKEND_H

#include "nlipcd.h"

struct nlipcd_op;

/* The family as a client resolving it sees it. */
struct nlipcd_family {
	uint16_t id;
	uint32_t group_id[NLIPCD_GRP_COUNT];
	/*
	 * The attributes of the controller's CTRL_CMD_NEWFAMILY answer,
	 * byte for byte (the module's own, with the kernel backend).
	 */
	const void *attrs;
	size_t attrs_len;
};

struct nlipcd_backend {
	const char *name;

	/* Set up; may fail (e.g. no module for the kernel backend). */
	int (*init)(struct nlipcd *d);
	void (*uninit)(struct nlipcd *d);

	/*
	 * The family, or -ENOENT with *why set when it is not available
	 * (module not loaded). Never blocks: the kernel answers its
	 * controller synchronously.
	 */
	int (*family)(struct nlipcd *d, struct nlipcd_family *f,
		      const char **why);

	/*
	 * A request of the family that passed the core's checks (@op is its
	 * entry in the op table). The backend answers it, now or later; it
	 * raises c->inflight or sets c->dump (client.h) while it owes an
	 * answer, and calls nlipcd_client_kick() when it no longer does.
	 */
	void (*request)(struct nlipcd_client *c, const struct nlmsghdr *nlh,
			const struct nlipcd_op *op, bool dump);

	/*
	 * A controller policy dump (CTRL_CMD_GETPOLICY) of the family @f,
	 * checked as far as ctrl.c checks it; @op_attr is its CTRL_ATTR_OP
	 * or NULL. Answered as request() answers a dump.
	 */
	void (*policy)(struct nlipcd_client *c, const struct nlmsghdr *nlh,
		       const struct nlattr *op_attr,
		       const struct nlipcd_family *f);

	/* The client joined a group (its bit is already set). */
	int (*join)(struct nlipcd_client *c, unsigned int group);

	/* The client is going away (its dump is freed already): forget it. */
	void (*forget)(struct nlipcd_client *c);
};

extern const struct nlipcd_backend nlipcd_backend_user;
extern const struct nlipcd_backend nlipcd_backend_kernel;

/* backend_kernel.c: is the module's family registered right now? */
bool nlipcd_backend_kernel_probe(void);

#endif /* _NLIPCD_BACKEND_H */
