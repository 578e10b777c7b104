// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A family's spec by its name: NAME.yaml in $NLIPC_SPEC_PATH, then in
 * the directories where specs are installed, ours and the kernel's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec.h"

/* After $NLIPC_SPEC_PATH: ours, then the kernel's (Debian's ynl). */
const char *const nlipc_spec_dirs[] = {
	SPECDIR,
	"/usr/share/ynl/specs",
	NULL,
};

/**
 * nlipc_spec_find - the path of a family's spec
 * @name: the family's name, e.g. "netdev"
 * @path: receives the path of the first NAME.yaml found
 * @size: @path's size
 *
 * Looks in each directory of $NLIPC_SPEC_PATH (separated by ':'), then in
 * nlipc_spec_dirs. Returns 0, -ENOENT, or -EINVAL for a name with a '/'.
 */
int nlipc_spec_find(const char *name, char *path, size_t size)
{
	const char *env = getenv("NLIPC_SPEC_PATH");
	char *dirs = env ? strdup(env) : NULL, *dir, *save = NULL;
	size_t i;

	if (strchr(name, '/')) {
		free(dirs);
		return -EINVAL;
	}
	for (dir = dirs ? strtok_r(dirs, ":", &save) : NULL; dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(path, size, "%s/%s.yaml", dir, name);
		if (!access(path, R_OK)) {
			free(dirs);
			return 0;
		}
	}
	free(dirs);
	for (i = 0; nlipc_spec_dirs[i]; i++) {
		snprintf(path, size, "%s/%s.yaml", nlipc_spec_dirs[i], name);
		if (!access(path, R_OK))
			return 0;
	}
	return -ENOENT;
}
