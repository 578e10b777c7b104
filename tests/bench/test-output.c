// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc-bench's output formats on a report made up here: the table
 * labels RTT and units and leaves nothing undefined printed as "nan", the
 * CSV has one row per measurement with as many fields as its header, the
 * JSON parses back with the same values (null where unknown), and the
 * gnuplot script has a line per family.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "bench.h"

static struct bench_opts opts;
static struct bench_env env;
static struct bench_result res[8];
static struct bench_report rep;

static void blank(struct bench_result *r, const char *family,
		  enum bench_path p, enum bench_mode m, uint32_t size)
{
	memset(r, 0, sizeof(*r));
	r->family = family;
	r->path = p;
	r->mode = m;
	r->size = r->reply_size = size;
	r->req_bytes = wire_request_bytes(size, false);
	r->reply_bytes = wire_reply_bytes(size);
	r->batch = 1;
	r->offered_rate = NAN;
	r->msg_per_s = r->mb_per_s = r->cpu_us_per_msg = NAN;
	r->sys_per_msg = r->loss_pct = r->lib_ratio = r->spread_pct = NAN;
	stats_summarize(NULL, 0, 1, &r->rtt);
}

static void measured(struct bench_result *r, double p50)
{
	double v[] = { p50 * 900, p50 * 1000, p50 * 1100, p50 * 3000 };

	stats_summarize(v, 4, 1e-3, &r->rtt);
	r->msg_per_s = 1e6 / p50;
	r->mb_per_s = r->msg_per_s * (r->size + r->reply_size) / 1e6;
	r->cpu_us_per_msg = p50 * 1.1;
	r->sys_per_msg = 4;
	r->sys_source = SYS_TRACED;
	r->runs = 2;
	r->run_value[0] = p50;
	r->run_value[1] = p50 * 1.1;
	r->spread_pct = 10;
}

static int setup(void **state)
{
	opts = (struct bench_opts){
		.modes = 1u << MODE_PINGPONG | 1u << MODE_STREAM,
		.paths = (1u << PATH__COUNT) - 1,
		.sizes = { 16, 4096 },
		.nsizes = 2,
		.iterations = 100,
		.warmup = 10,
		.repeat = 2,
		.max_time = 1,
		.batch = 16,
		.rate = 5000,
		.pin_client = -1,
		.pin_server = -1,
		.spread_warn = 25,
	};
	memset(&env, 0, sizeof(env));
	strcpy(env.date, "2026-11-01T00:00:00Z");
	strcpy(env.kernel, "6.1.0-test");
	strcpy(env.arch, "x86_64");
	strcpy(env.cpu_model, "Test \"CPU\", with a comma");
	env.cpus = 2;
	env.vm = true;
	strcpy(env.hypervisor, "TCG");
	env.emulated = true;
	strcpy(env.netlink, "module not loaded: nlctrl");
	strcpy(env.daemon, "nlipcd not found");
	strcpy(env.syscalls, "traced");

	blank(&res[0], "netlink", PATH_RAW, MODE_PINGPONG, 16);
	measured(&res[0], 4.5);
	res[0].nlctrl = true;
	blank(&res[1], "unix", PATH_RAW, MODE_PINGPONG, 16);
	res[1].family_index = 1;
	measured(&res[1], 10);
	blank(&res[2], "unix", PATH_LIB, MODE_PINGPONG, 16);
	measured(&res[2], 15);
	res[2].lib_ratio = 1.5;
	res[2].ratio_base = PATH_RAW;
	res[2].spread_pct = 40;
	res[2].spread_wide = true;
	blank(&res[3], "tcp4", PATH_RAW, MODE_PINGPONG, 16);
	res[3].status = RES_FAILED;
	strcpy(res[3].note, "send: Connection refused");
	blank(&res[4], "udp6", PATH_RAW, MODE_PINGPONG, 16);
	res[4].status = RES_SKIPPED;
	strcpy(res[4].note, "no IPv6 loopback");
	blank(&res[5], "pipe", PATH_RAWD, MODE_PINGPONG, 16);
	res[5].status = RES_SKIPPED;	/* no reason: not shown anywhere */
	blank(&res[6], "unix", PATH_RAW, MODE_STREAM, 4096);
	res[6].msg_per_s = 250000;
	res[6].mb_per_s = 1024;
	res[6].cpu_us_per_msg = 3;
	res[6].sys_per_msg = 1.2;
	res[6].sys_source = SYS_COUNTED;
	res[6].loss_pct = 0;
	res[6].runs = 1;
	res[6].run_value[0] = 250000;
	res[6].spread_pct = 0;
	blank(&res[7], "unix", PATH_RAW, MODE_PINGPONG, 4096);
	measured(&res[7], 12);

	rep = (struct bench_report){
		.opts = &opts,
		.env = &env,
		.results = res,
		.nresults = 8,
	};
	return 0;
}

/* What @fn printed for the report, NUL-terminated; free() it. */
static char *capture(void (*fn)(FILE *f, const struct bench_report *r))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, &rep);
	fclose(f);
	return buf;
}

static void json_fn(FILE *f, const struct bench_report *r)
{
	assert_int_equal(output_json(f, r), 0);
}

static void plot_fn(FILE *f, const struct bench_report *r)
{
	assert_int_equal(plot_script(f, "out.svg", r), 0);
}

static void table_labels_rtt_and_units(void **state)
{
	char *t = capture(output_table);

	assert_non_null(strstr(t, "RTT"));
	assert_non_null(strstr(t, "µs"));
	assert_non_null(strstr(t, "MB/s: 10^6"));
	assert_non_null(strstr(t, "p99.9"));
	assert_non_null(strstr(t, "ping-pong, 16 B payload (request 40 B, answer 76 B"));
	assert_non_null(strstr(t, "netlink*"));
	assert_non_null(strstr(t, "nlctrl"));
	assert_non_null(strstr(t, "1.50x"));
	assert_non_null(strstr(t, "tcp4            raw   failed: send: Connection refused"));
	assert_non_null(strstr(t, "no IPv6 loopback: udp6 raw"));
	assert_non_null(strstr(t, "stream: one way"));
	assert_non_null(strstr(t, "40%!"));
	assert_non_null(strstr(t, "warning: in 1 row"));
	assert_non_null(strstr(t, "hint: on emulated CPUs"));
	assert_null(strstr(t, "pipe"));
	assert_null(strstr(t, "nan"));
	assert_null(strstr(t, "inf"));
	free(t);
}

/* Fields of one CSV line, quoted fields counted as one. */
static int csv_fields(const char *line)
{
	bool quoted = false;
	int n = 1;

	for (; *line && *line != '\n'; line++) {
		if (*line == '"')
			quoted = !quoted;
		else if (*line == ',' && !quoted)
			n++;
	}
	return n;
}

static void csv_rows_match_the_header(void **state)
{
	char *c = capture(output_csv), *line;
	int header, rows = 0;

	assert_memory_equal(c, "family,path,mode,size,", 22);
	assert_non_null(strstr(c, ",rtt_p50_us,"));
	assert_non_null(strstr(c, ",rtt_p99.9_us,"));
	header = csv_fields(c);
	for (line = strchr(c, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		assert_int_equal(csv_fields(line + 1), header);
		rows++;
	}
	/* Every result but the one skipped without a reason. */
	assert_int_equal(rows, 7);
	assert_non_null(strstr(c, "\nunix,lib,pingpong,16,16,40,76,1,,ok,4,"));
	assert_non_null(strstr(c, "\ntcp4,raw,pingpong,16,16,40,76,1,,failed,0,,,,,,,,,,,,,none,,,0,,false,\"send: Connection refused\"\n"));
	assert_null(strstr(c, "nan"));
	free(c);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static void json_parses_back(void **state)
{
	char *j = capture(json_fn);
	struct json_object *root = json_tokener_parse(j);
	struct json_object *results, *r, *rtt;

	assert_non_null(root);
	assert_string_equal(json_object_get_string(get(root, "tool")), "nlipc-bench");
	assert_string_equal(json_object_get_string(get(get(root, "env"), "cpu_model")),
			    "Test \"CPU\", with a comma");
	assert_true(json_object_get_boolean(get(get(root, "env"), "emulated")));
	assert_int_equal(json_object_get_int(get(get(root, "config"), "repeat")), 2);
	results = get(root, "results");
	assert_int_equal(json_object_array_length(results), 7);

	r = json_object_array_get_idx(results, 2);
	assert_string_equal(json_object_get_string(get(r, "family")), "unix");
	assert_string_equal(json_object_get_string(get(r, "path")), "lib");
	assert_string_equal(json_object_get_string(get(r, "status")), "ok");
	assert_float_equal(json_object_get_double(get(r, "lib_raw_ratio")), 1.5, 1e-9);
	assert_string_equal(json_object_get_string(get(r, "ratio_base")), "raw");
	rtt = get(r, "rtt_us");
	assert_int_equal(json_object_get_int(get(rtt, "samples")), 4);
	assert_float_equal(json_object_get_double(get(rtt, "p50")), 15, 1e-9);
	assert_float_equal(json_object_get_double(get(rtt, "p99.9")), 45, 1e-9);
	assert_true(json_object_get_boolean(get(r, "spread_wide")));

	r = json_object_array_get_idx(results, 3);
	assert_string_equal(json_object_get_string(get(r, "status")), "failed");
	assert_null(get(r, "rtt_us"));
	assert_null(get(r, "msg_per_s"));
	assert_string_equal(json_object_get_string(get(r, "note")),
			    "send: Connection refused");

	r = json_object_array_get_idx(results, 0);
	assert_true(json_object_get_boolean(get(r, "nlctrl_fallback")));
	assert_null(get(r, "offered_rate"));
	assert_string_equal(json_object_get_string(get(r, "syscalls_source")), "traced");
	json_object_put(root);
	free(j);
}

static void plot_has_a_line_per_family(void **state)
{
	char *p = capture(plot_fn);
	char *bad = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(strstr(p, "set terminal svg"));
	assert_non_null(strstr(p, "set output 'out.svg'"));
	assert_non_null(strstr(p, "$lat0 << EOD\n16 4.5\nEOD"));
	assert_non_null(strstr(p, "$lat1 << EOD\n16 10\n4096 12\nEOD"));
	assert_non_null(strstr(p, "title 'unix lib'"));
	/* Colour by family, line by path. */
	assert_non_null(strstr(p, "$lat1 with linespoints lw 2 lc rgb '#1f77b4' pt 7 dt 1 title 'unix raw'"));
	assert_non_null(strstr(p, "title 'netlink raw (nlctrl)'"));
	assert_non_null(strstr(p, "$thr0 << EOD\n4096 1024\nEOD"));
	assert_non_null(strstr(p, "unset multiplot"));
	assert_null(strstr(p, "tcp4"));
	free(p);

	f = open_memstream(&bad, &len);
	assert_int_equal(plot_script(f, "out.jpg", &rep), -EINVAL);
	fclose(f);
	free(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(table_labels_rtt_and_units, setup),
		cmocka_unit_test_setup(csv_rows_match_the_header, setup),
		cmocka_unit_test_setup(json_parses_back, setup),
		cmocka_unit_test_setup(plot_has_a_line_per_family, setup),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("bench-output", tests, NULL, NULL);
}
