// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Keys, values and payloads are bytes, not strings: take them from an
 * argument (as text or hex) or from a file, and decide whether they can be
 * shown as text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nlipc.h"
#include "../../lib/hex.h"

/* Decode "[0x]HEX..." into a new buffer; -EINVAL if it is not that. */
static int hex_decode(const char *s, struct bytes *b)
{
	size_t n, len;
	uint8_t *p;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	if (n % 2)
		return -EINVAL;
	p = malloc(n / 2 + 1);
	if (!p)
		return -ENOMEM;
	if (nlipc_hex_bytes(s, "", p, n / 2, &len)) {
		free(p);
		return -EINVAL;
	}
	b->data = p;
	b->len = len;
	return 0;
}

/*
 * @arg as bytes: its text, or with @hex the bytes its hex digits spell.
 * Returns 0, or the exit code after reporting what is wrong with it
 * (@what names it: "KEY", "VALUE").
 */
int cli_bytes_arg(const char *cmd, const char *what, const char *arg,
		  bool hex, struct bytes *b)
{
	int err;

	if (!hex) {
		b->len = strlen(arg);
		b->data = strdup(arg);
		err = b->data ? 0 : -ENOMEM;
	} else {
		err = hex_decode(arg, b);
	}
	if (err == -EINVAL)
		return cli_usage_error(cmd,
				       "invalid hex %s '%s' (pairs of hex digits, 0x optional)",
				       what, arg);
	if (err) {
		print_errorf(cmd, err, "out of memory");
		return EXIT_REFUSED;
	}
	return 0;
}

/*
 * The contents of @path ("-": standard input), at most @max bytes.
 * Returns 0, or the exit code after reporting why it cannot be had: a
 * file that cannot be read or is too long is a bad argument, like any.
 */
int cli_bytes_file(const char *cmd, const char *path, size_t max,
		   struct bytes *b)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	size_t cap = 4096, n = 0, got;
	uint8_t *p = NULL, *q;
	int err = 0;

	if (!f) {
		print_errorf(cmd, -errno, "cannot open '%s'", path);
		return EXIT_USAGE;
	}
	/* Read one byte past @max, to tell "exactly max" from "longer". */
	for (;;) {
		if (cap > max + 1)
			cap = max + 1;
		q = realloc(p, cap);
		if (!q) {
			err = -ENOMEM;
			break;
		}
		p = q;
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (n > max || got == 0)
			break;
		if (n == cap)
			cap *= 2;
	}
	if (!err && ferror(f))
		err = errno ? -errno : -EIO;
	if (!is_stdin)
		fclose(f);

	if (err == -ENOMEM) {
		print_errorf(cmd, err, "out of memory");
		free(p);
		return EXIT_REFUSED;
	}
	if (err) {
		print_errorf(cmd, err, "cannot read '%s'", path);
		free(p);
		return EXIT_USAGE;
	}
	if (n > max) {
		print_errorf(cmd, -EMSGSIZE,
			     "'%s' is longer than the protocol's %zu bytes",
			     path, max);
		free(p);
		return EXIT_USAGE;
	}
	b->data = p;
	b->len = n;
	return 0;
}

void bytes_free(struct bytes *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

/*
 * Whether @len bytes can be shown as text: valid UTF-8 (no overlong
 * forms, surrogates or code points past U+10FFFF) without control
 * characters (C0, DEL, C1), so also without NUL. Empty is text.
 */
bool bytes_printable(const void *data, size_t len)
{
	const uint8_t *s = data, *end = s + len;

	while (s < end) {
		uint32_t cp;
		int i, n;

		if (*s < 0x80) {
			if (*s < 0x20 || *s == 0x7f)
				return false;
			s++;
			continue;
		}
		if (*s >= 0xc2 && *s <= 0xdf) {
			n = 1;
			cp = *s & 0x1f;
		} else if (*s >= 0xe0 && *s <= 0xef) {
			n = 2;
			cp = *s & 0x0f;
		} else if (*s >= 0xf0 && *s <= 0xf4) {
			n = 3;
			cp = *s & 0x07;
		} else {
			return false;
		}
		if (end - s <= n)
			return false;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp <= 0x9f))
			return false;
		s += n + 1;
	}
	return true;
}

/* @prefix and lower-case hex digits in a new string, or NULL. */
char *bytes_hex(const void *data, size_t len, const char *prefix)
{
	static const char digits[] = "0123456789abcdef";
	size_t plen = strlen(prefix), i;
	const uint8_t *p = data;
	char *s;

	s = malloc(plen + 2 * len + 1);
	if (!s)
		return NULL;
	memcpy(s, prefix, plen);
	for (i = 0; i < len; i++) {
		s[plen + 2 * i] = digits[p[i] >> 4];
		s[plen + 2 * i + 1] = digits[p[i] & 0xf];
	}
	s[plen + 2 * len] = '\0';
	return s;
}
