// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lib/ynl's codec by the fuzz target's spec (every type it knows): JSON
 * encoded into a request and decoded back, byte order and names
 * included, and the requests the spec refuses, refused with a reason.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>

#include "internal.h"
#include "ynl/ynl.h"

static struct nlipc_ynl y;
static struct nlipc ep;

static int setup(void **state)
{
	ep.tx = calloc(1, NLIPC_TX_SIZE);
	assert_non_null(ep.tx);
	assert_int_equal(nlipc_ynl_load(&y, YNL_SPEC), 0);
	return 0;
}

static int teardown(void **state)
{
	nlipc_ynl_free(&y);
	free(ep.tx);
	return 0;
}

/* Encode @in for @op, decode the request as if it were the reply. */
static int round_trip(const char *op, bool dump, const char *in,
		      const char **out)
{
	static char text[4096];
	struct nlipc_msg *m;
	json_object *req, *dec;
	int err;

	req = json_tokener_parse(in);
	assert_non_null(req);
	m = nlipc_msg_start_family(&ep, 0x42, 1, 1, 0);
	err = nlipc_ynl_encode(&y, m, nlipc_spec_op(y.spec, op), dump, req);
	json_object_put(req);
	if (err)
		return err;
	assert_int_equal(m->overflow, 0);
	err = nlipc_ynl_decode(&y, nlipc_spec_set(y.spec, "top"), m->nlh, &dec);
	assert_int_equal(err, 0);
	snprintf(text, sizeof(text), "%s",
		 json_object_to_json_string_ext(dec, JSON_C_TO_STRING_PLAIN));
	json_object_put(dec);
	*out = text;
	return 0;
}

static void scalars_and_names(void **state)
{
	const char *out;

	assert_int_equal(round_trip("get-all", true,
		"{\"u8\":\"blue\",\"u16\":4660,\"u32\":[\"red\",\"blue\"],"
		"\"u64\":255,\"s32\":-7,\"uint\":4294967296,\"sint\":-2,"
		"\"opts\":[\"a\",\"c\"],\"bits\":{\"value\":\"b\",\"selector\":[\"a\",\"b\"]}}",
		&out), 0);
	/* enum-as-flags on an enum: bit N is entry N. */
	assert_string_equal(out,
		"{\"u8\":\"blue\",\"u16\":4660,\"u32\":[\"red\",\"blue\"],"
		"\"u64\":\"0xff\",\"s32\":-7,\"uint\":4294967296,\"sint\":-2,"
		"\"opts\":[\"a\",\"c\"],\"bits\":{\"value\":[\"b\"],\"selector\":[\"a\",\"b\"]}}");
}

static void big_endian_on_the_wire(void **state)
{
	const struct nlattr *a;
	const char *out;

	assert_int_equal(round_trip("get-all", true, "{\"u16\":4660}", &out), 0);
	a = (const struct nlattr *)((char *)ep.tx + NLMSG_HDRLEN + GENL_HDRLEN);
	assert_int_equal(mnl_attr_get_payload_len(a), 2);
	assert_memory_equal(mnl_attr_get_payload(a), "\x12\x34", 2);
}

static void strings_binary_nests_lists(void **state)
{
	const char *out;

	assert_int_equal(round_trip("get-all", true,
		"{\"str\":\"hi\",\"bin\":\"01 02ff\",\"mac\":\"00:11:22:33:44:55\","
		"\"ip4\":\"c0000201\",\"flag\":true,\"nest\":{\"u8\":1,\"nest\":{\"str\":\"x\"}},"
		"\"multi\":[1,2,3],\"array\":[{\"u8\":0},{\"str\":\"y\"}]}", &out), 0);
	assert_string_equal(out,
		"{\"str\":\"hi\",\"bin\":\"0102ff\",\"mac\":\"00:11:22:33:44:55\","
		"\"ip4\":\"192.0.2.1\",\"flag\":true,\"nest\":{\"u8\":\"green\",\"nest\":{\"str\":\"x\"}},"
		"\"multi\":[1,2,3],\"array\":[{\"0\":{\"u8\":\"red\"}},{\"1\":{\"str\":\"y\"}}]}");
	/* A false flag is not sent at all, as ynl.py does. */
	assert_int_equal(round_trip("get-all", true, "{\"flag\":false}", &out), 0);
	assert_string_equal(out, "{}");
}

static void refusals_say_why(void **state)
{
	const char *out;

	assert_int_equal(round_trip("get-all", true, "{\"u8\":256}", &out), -ERANGE);
	assert_int_equal(round_trip("get-all", true, "{\"s32\":-2147483649}", &out),
			 -ERANGE);
	assert_int_equal(round_trip("get-all", true, "{\"u32\":-1}", &out), -ERANGE);
	assert_int_equal(round_trip("get-all", true, "{\"u8\":\"mauve\"}", &out),
			 -EINVAL);
	assert_non_null(strstr(y.err, "no entry 'mauve'"));
	assert_int_equal(round_trip("get-all", true, "{\"nope\":1}", &out), -EINVAL);
	assert_non_null(strstr(y.err, "no attribute 'nope'"));
	assert_int_equal(round_trip("get-all", true, "{\"bin\":\"0g\"}", &out),
			 -EINVAL);
	assert_int_equal(round_trip("get-all", true, "{\"bin\":\"-1\"}", &out),
			 -EINVAL);
	assert_int_equal(round_trip("get-all", true, "{\"bin\":\"012\"}", &out),
			 -EINVAL);
	assert_int_equal(round_trip("get-all", true,
				    "{\"sint\":9223372036854775808}", &out),
			 -ERANGE);
	/* get's request lists u32, str and nest only. */
	assert_int_equal(round_trip("get", false, "{\"u8\":1}", &out), -EINVAL);
	assert_non_null(strstr(y.err, "takes no attribute 'u8'"));
	assert_int_equal(round_trip("get", false, "{\"u32\":1,\"str\":\"s\"}", &out),
			 0);
}

static void hostile_lengths_are_refused(void **state)
{
	/* u32 of 2 bytes; then a nest whose length runs past the message. */
	static const uint8_t short_u32[] = { 6, 0, 4, 0, 1, 2, 0, 0 };
	static const uint8_t long_nest[] = { 8, 0, 15, 0x80, 200, 0, 1, 0 };
	char buf[64] = {};
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	const struct nlipc_spec_set *set = nlipc_spec_set(y.spec, "top");
	json_object *out = NULL;

	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + sizeof(short_u32);
	memcpy(buf + NLMSG_HDRLEN + GENL_HDRLEN, short_u32, sizeof(short_u32));
	assert_int_equal(nlipc_ynl_decode(&y, set, nlh, &out), -EBADMSG);
	assert_non_null(strstr(y.err, "'u32': 2 bytes"));

	/* The walk stops at the attribute that does not fit: nothing read. */
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + sizeof(long_nest);
	memcpy(buf + NLMSG_HDRLEN + GENL_HDRLEN, long_nest, sizeof(long_nest));
	assert_int_equal(nlipc_ynl_decode(&y, set, nlh, &out), 0);
	assert_string_equal(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN),
			    "{\"nest\":{}}");
	json_object_put(out);

	nlh->nlmsg_len = NLMSG_HDRLEN;
	assert_int_equal(nlipc_ynl_decode(&y, set, nlh, &out), -EBADMSG);
}

/*
 * No nlipc family needed: the controller's endpoint, over netlink or
 * nlipcd (tests/nlipcd/bridge-tests.py has a daemon to ask).
 */
static void open_genl_reaches_the_controller_only(void **state)
{
	struct nlipc_error e;
	struct nlipc *gep;

	assert_int_equal(nlipc_open_genl(&gep, "unix:/nonexistent", 100, &e),
			 -ENOENT);
	assert_null(gep);
	assert_int_equal(nlipc_open_genl(&gep, "netlink:", 1000, &e), 0);
	assert_int_equal(nlipc_ynl_resolve(&y, gep), -ENOENT);
	assert_non_null(strstr(y.err, "'ynl-fuzz' not found"));
	nlipc_close(gep);
}

/* nlctrl's policies: the nests' types are values, named by the spec. */
static void nest_type_value(void **state)
{
	/* policy (21) { 7 { 3 { u8 (2) = 2 } } } */
	static const uint8_t msg[] = { 20, 0, 21, 0x80, 16, 0, 7, 0x80,
				       12, 0, 3, 0x80, 5, 0, 2, 0, 2, 0, 0, 0 };
	char buf[64] = {};
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	json_object *out = NULL;

	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + sizeof(msg);
	memcpy(buf + NLMSG_HDRLEN + GENL_HDRLEN, msg, sizeof(msg));
	assert_int_equal(nlipc_ynl_decode(&y, nlipc_spec_set(y.spec, "top"),
					  nlh, &out), 0);
	assert_string_equal(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN),
			    "{\"policy\":{\"u8\":\"blue\",\"outer\":7,\"inner\":3}}");
	json_object_put(out);

	/* One level short: refused, not read past. */
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + 8;
	((uint8_t *)buf)[NLMSG_HDRLEN + GENL_HDRLEN] = 8;
	((uint8_t *)buf)[NLMSG_HDRLEN + GENL_HDRLEN + 4] = 4;
	assert_int_equal(nlipc_ynl_decode(&y, nlipc_spec_set(y.spec, "top"),
					  nlh, &out), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_genl_reaches_the_controller_only),
		cmocka_unit_test(scalars_and_names),
		cmocka_unit_test(big_endian_on_the_wire),
		cmocka_unit_test(strings_binary_nests_lists),
		cmocka_unit_test(refusals_say_why),
		cmocka_unit_test(hostile_lengths_are_refused),
		cmocka_unit_test(nest_type_value),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("ynl", tests, setup, teardown);
}
