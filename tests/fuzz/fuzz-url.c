// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzz target: the endpoint URL parser, with any bytes as a URL. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlipc_url u;
	char err[256], *url;
	int ret;

	url = malloc(size + 1);
	if (!url)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	ret = nlipc_url_parse(&u, url, err, sizeof(err));
	/* Either a result with terminated fields, or an error with a reason. */
	if (ret == 0) {
		if (!memchr(u.scheme, 0, sizeof(u.scheme)) ||
		    !memchr(u.path, 0, sizeof(u.path)) ||
		    !memchr(u.host, 0, sizeof(u.host)) ||
		    !memchr(u.port, 0, sizeof(u.port)))
			abort();
	} else if ((ret != -EINVAL && ret != -ENAMETOOLONG) || !err[0]) {
		abort();
	}
	free(url);
	return 0;
}
