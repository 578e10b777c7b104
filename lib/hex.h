/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hex digits to bytes, for what users type: nlipc's --hex keys and
 * values, the binary attributes of a YNL request, nlipcd's --allow-cert
 * fingerprints. Header-only: each of them links its own copy.
 */
#ifndef _NLIPC_HEX_H
#define _NLIPC_HEX_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline int nlipc_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Pairs of hex digits from @s into @buf (room for @cap bytes), any
 * character of @skip between pairs ignored; *@len receives the count.
 * Returns 0, or -EINVAL for anything else (an odd digit out, more than
 * @cap bytes).
 */
static inline int nlipc_hex_bytes(const char *s, const char *skip,
				  uint8_t *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	int hi, lo;

	while (*s) {
		if (strchr(skip, *s)) {
			s++;
			continue;
		}
		hi = nlipc_hex_digit(s[0]);
		lo = hi < 0 ? -1 : nlipc_hex_digit(s[1]);
		if (lo < 0 || n == cap)
			return -EINVAL;
		buf[n++] = hi << 4 | lo;
		s += 2;
	}
	*len = n;
	return 0;
}

#endif /* _NLIPC_HEX_H */
