// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output helpers in the spirit of iproute2's json_print.c. In text mode
 * each print_*() is a printf() of its format; with -j it adds "key": value
 * to one JSON document, built with json-c and written by print_finish(),
 * so a command's output is always a single valid document.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json.h>

#include "nlipc.h"

#define JSON_MAX_DEPTH 16

static struct {
	bool json;
	bool pretty;
	json_object *root;
	json_object *stack[JSON_MAX_DEPTH];
	int depth;
	int lost;		/* opens past the stack's depth */
} out;

void print_init(bool json, bool pretty)
{
	out.json = json || pretty;
	out.pretty = pretty;
	/* Lines appear as they happen, even through a pipe (ping). */
	if (!out.json)
		setvbuf(stdout, NULL, _IOLBF, 0);
}

bool is_json_context(void)
{
	return out.json;
}

/* Attach @v to the innermost open container under @key. Takes @v. */
static void json_add(const char *key, json_object *v)
{
	json_object *parent;

	if (!out.depth) {
		/* A keyed value with nothing open: the root is an object. */
		if (!out.root)
			out.root = json_object_new_object();
		if (!json_object_is_type(out.root, json_type_object)) {
			json_object_put(v);
			return;
		}
		out.stack[out.depth++] = out.root;
	}
	parent = out.stack[out.depth - 1];
	if (json_object_is_type(parent, json_type_array))
		json_object_array_add(parent, v);
	else if (key)
		json_object_object_add(parent, key, v);
	else
		json_object_put(v);
}

static void json_open(const char *key, json_object *v)
{
	if (out.depth >= JSON_MAX_DEPTH) {
		json_object_put(v);
		out.lost++;
		return;
	}
	if (!out.depth && !out.root) {
		out.root = v;
	} else {
		json_add(key, v);
		/* json_add() may have refused (freed) it: do not push it. */
		if (!out.depth)
			return;
	}
	out.stack[out.depth++] = v;
}

static void json_close(void)
{
	if (out.lost)
		out.lost--;
	else if (out.depth)
		out.depth--;
}

void open_json_object(const char *key)
{
	if (out.json)
		json_open(key, json_object_new_object());
}

void close_json_object(void)
{
	if (out.json)
		json_close();
}

void open_json_array(const char *key)
{
	if (out.json)
		json_open(key, json_object_new_array());
}

void close_json_array(void)
{
	if (out.json)
		json_close();
}

/*
 * The text half of every print_*(). @fmt is always a caller's literal,
 * but it reaches printf() as a variable, as in iproute2's json_print.c.
 */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define PRINT_TEXT(t, fmt, value)				\
	do {							\
		if (!out.json && ((t) & PRINT_FP) && (fmt))	\
			printf(fmt, value);			\
	} while (0)

#define WANT_JSON(t) (out.json && ((t) & PRINT_JSON))

/*
 * Text from a peer (extack, names, versions) goes to a terminal: control
 * characters, C0 and C1, become \xNN, so it can neither move the cursor,
 * retitle the window nor start a line that looks like ours. NULL when
 * out of memory.
 */
static char *escape_controls(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *e, *q;

	e = q = malloc(4 * strlen(s) + 1);
	if (!e)
		return NULL;
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			q += sprintf(q, "\\x%02x", *p);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			q += sprintf(q, "\\x%02x", p[1]);	/* U+0080..9F */
			p++;
		} else {
			*q++ = *p;
		}
	}
	*q = '\0';
	return e;
}

static void print_text(enum output_type t, const char *key, const char *fmt,
		       const char *value, bool escape)
{
	char *safe;

	if (escape && !out.json && (t & PRINT_FP) && fmt && value) {
		safe = escape_controls(value);
		PRINT_TEXT(t, fmt, safe ? safe : "?");
		free(safe);
	} else {
		PRINT_TEXT(t, fmt, value);
	}
	if (WANT_JSON(t))
		json_add(key, value ? json_object_new_string(value) : NULL);
}

/* Text that may come from a peer: control characters escaped. */
void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value)
{
	print_text(t, key, fmt, value, true);
}

/* In text @fmt gets "true" or "false". */
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value)
{
	PRINT_TEXT(t, fmt, value ? "true" : "false");
	if (WANT_JSON(t))
		json_add(key, json_object_new_boolean(value));
}

void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value)
{
	PRINT_TEXT(t, fmt, value);
	if (WANT_JSON(t))
		json_add(key, json_object_new_uint64(value));
}

void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value)
{
	PRINT_TEXT(t, fmt, value);
	if (WANT_JSON(t))
		json_add(key, json_object_new_uint64(value));
}

void print_s64(enum output_type t, const char *key, const char *fmt,
	       int64_t value)
{
	PRINT_TEXT(t, fmt, value);
	if (WANT_JSON(t))
		json_add(key, json_object_new_int64(value));
}

void print_float(enum output_type t, const char *key, const char *fmt,
		 double value)
{
	char buf[32];

	PRINT_TEXT(t, fmt, value);
	if (!WANT_JSON(t))
		return;
	/* json-c's default %.17g turns 0.052 into 0.052000000000000005. */
	if (!isfinite(value)) {
		json_add(key, NULL);
		return;
	}
	snprintf(buf, sizeof(buf), "%.9g", value);
	json_add(key, json_object_new_double_s(value, buf));
}

/* A value formatted in both modes, a string in JSON (e.g. "0x1f"). */
void print_fmt(enum output_type t, const char *key, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* The tool's own layout, newlines and all. */
	print_text(t, key, "%s", buf, false);
}

/*
 * Bytes that need not be text (keys, values, payloads). In JSON a string
 * under @key when they are printable UTF-8, else their hex digits under
 * "@key_hex"; in text through @fmt (one %s) as they are, or as "0x" and
 * hex digits. With @hex always hex: "@key_hex", and bare digits in text.
 */
void print_bytes(enum output_type t, const char *key, const char *fmt,
		 const void *data, size_t len, bool hex)
{
	bool text = !hex && bytes_printable(data, len);
	char name[64];
	char *s;

	if (!(out.json ? WANT_JSON(t) : (t & PRINT_FP) && fmt))
		return;
	if (text)
		s = strndup(data ? data : "", len);
	else
		s = bytes_hex(data, len, out.json || hex ? "" : "0x");
	if (!s) {
		/* Nothing sensible to print instead: stop here. */
		fflush(stdout);
		fputs("nlipc: out of memory\n", stderr);
		exit(EXIT_REFUSED);
	}
	PRINT_TEXT(t, fmt, s);
	if (WANT_JSON(t)) {
		if (!text && key) {
			snprintf(name, sizeof(name), "%s_hex", key);
			key = name;
		}
		json_add(key, json_object_new_string(s));
	}
	free(s);
}

void print_nl(void)
{
	if (!out.json)
		putchar('\n');
}

/* "EEXIST" for -EEXIST; glibc has the table since 2.32. */
static const char *errno_name(int code)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	return strerrorname_np(-code);
#else
	return NULL;
#endif
}

static void print_attr(const char *key, int type, const char *name)
{
	if (type < 0)
		return;
	if (name)
		json_add(key, json_object_new_string(name));
	else
		json_add(key, json_object_new_int(type));
}

/* The error as a JSON object under @key of the current container. */
void print_error_object(const char *key, const struct nlipc_error *e)
{
	const char *name;

	if (!out.json)
		return;
	json_open(key, json_object_new_object());
	json_add("errno", json_object_new_int(-e->code));
	name = errno_name(e->code);
	if (name)
		json_add("name", json_object_new_string(name));
	json_add("message", json_object_new_string(e->msg[0] ? e->msg :
						   strerror(-e->code)));
	if (e->attr >= 0)
		print_attr("attribute", e->attr, e->attr_name);
	else
		print_attr("missing_attribute", e->missing_attr, e->attr_name);
	json_close();
}

/*
 * A command's failure: "nlipc: CMD: reason: message (attribute NAME)" on
 * stderr, or an "error" member of the JSON document's root object, next
 * to whatever the command printed before failing (ping's replies).
 */
void print_error(const char *cmd, const struct nlipc_error *e)
{
	char buf[512];

	char *safe;

	if (!out.json) {
		nlipc_strerror(e, buf, sizeof(buf));
		safe = escape_controls(buf);
		fflush(stdout);
		fprintf(stderr, "nlipc: %s%s%s\n", cmd ? cmd : "",
			cmd ? ": " : "", safe ? safe : buf);
		free(safe);
		return;
	}
	if (out.root && !json_object_is_type(out.root, json_type_object)) {
		json_object_put(out.root);
		out.root = NULL;
	}
	if (!out.root)
		out.root = json_object_new_object();
	out.depth = 0;
	out.lost = 0;
	print_error_object("error", e);
}

/* A failure found by the tool itself, not reported by the library. */
void print_errorf(const char *cmd, int code, const char *fmt, ...)
{
	struct nlipc_error e = {
		.code = code,
		.attr = -1,
		.missing_attr = -1,
	};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	print_error(cmd, &e);
}

/*
 * Write the JSON document built so far, if any, and flush stdout: at exit,
 * and after each record of a stream (monitor, subscribe), which is then
 * one document per line. Returns 0 or a negative errno.
 */
/*
 * A whole JSON value as the document (ownership taken); NULL prints null.
 * For output already shaped as JSON, in JSON mode only.
 */
void print_json_value(json_object *v)
{
	if (!out.json || out.root) {
		json_object_put(v);
		return;
	}
	if (!v) {
		puts("null");
		return;
	}
	out.root = v;
}

int print_finish(void)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	if (out.json && out.root) {
		flags |= out.pretty ? JSON_C_TO_STRING_PRETTY |
				      JSON_C_TO_STRING_SPACED :
				      JSON_C_TO_STRING_PLAIN;
		puts(json_object_to_json_string_ext(out.root, flags));
		json_object_put(out.root);
		out.root = NULL;
		out.depth = 0;
	}
	if (fflush(stdout) || ferror(stdout))
		return errno ? -errno : -EIO;
	return 0;
}
