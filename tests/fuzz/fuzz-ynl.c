// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: lib/ynl's decoder, which turns any family's replies, dump
 * items and notifications into JSON by the family's spec. The spec is
 * tests/fuzz/ynl-fuzz.yaml, with every type the decoder knows. Input:
 * the attributes of one message, after headers the target makes up, so
 * every input reaches the attribute walk; the JSON must serialise.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "ynl/ynl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct nlipc_ynl y;

static void load(void)
{
	const char *path = getenv("NLIPC_FUZZ_YNL_SPEC") ?: YNL_SPEC;

	if (nlipc_ynl_load(&y, path)) {
		fprintf(stderr, "fuzz-ynl: %s: %s\n", path, y.err);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;
	const struct nlipc_spec_set *set;
	struct nlmsghdr *nlh;
	json_object *out;
	int err;

	if (!y.spec)
		load();
	/* A netlink message is at most 4 GiB, an input far less. */
	if (size > UINT16_MAX * 16)
		return 0;
	set = nlipc_spec_set(y.spec, "top");
	nlh = calloc(1, hdr + size);
	if (!nlh || !set)
		abort();
	nlh->nlmsg_len = hdr + size;
	memcpy((char *)nlh + hdr, data, size);
	err = nlipc_ynl_decode(&y, set, nlh, &out);
	if (!err) {
		if (!json_object_to_json_string(out))
			abort();
		json_object_put(out);
	} else if (err != -ENOMEM && !y.err[0]) {
		abort();	/* every refusal says why */
	}
	free(nlh);
	return 0;
}
