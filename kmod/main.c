// SPDX-License-Identifier: GPL-2.0
/*
 * nlipc: a reference generic netlink service. Module init and exit only;
 * each object lives in its own file.
 */

#include <linux/module.h>
#include <linux/timekeeping.h>

#include "nlipc.h"

static u64 nlipc_start_ns;

u64 nlipc_uptime_ms(void)
{
	return div_u64(ktime_get_boottime_ns() - nlipc_start_ns, NSEC_PER_MSEC);
}

static int __init nlipc_init(void)
{
	int err;

	nlipc_start_ns = ktime_get_boottime_ns();

	err = nlipc_stats_init();
	if (err)
		return err;
	err = nlipc_kv_init();
	if (err)
		goto err_uninit_stats;

	/* Last: once registered, requests can arrive. */
	err = nlipc_nl_init();
	if (err)
		goto err_uninit_kv;

	pr_info("nlipc " NLIPC_VERSION " loaded\n");
	return 0;

err_uninit_kv:
	nlipc_kv_uninit();
err_uninit_stats:
	nlipc_stats_uninit();
	return err;
}

static void __exit nlipc_exit(void)
{
	/*
	 * Unregistering waits for running handlers. It never runs while a
	 * dump is open: each dump holds a reference on the module, so rmmod
	 * says "in use" until the socket holding it reads it to the end or
	 * closes (doc/protocol.md).
	 */
	nlipc_nl_uninit();
	nlipc_kv_uninit();
	nlipc_stats_uninit();
}

module_init(nlipc_init);
module_exit(nlipc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nlipc: generic netlink IPC reference service");
MODULE_VERSION(NLIPC_VERSION);
MODULE_ALIAS_GENL_FAMILY(NLIPC_FAMILY_NAME);
