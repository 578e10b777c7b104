// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Runs a fuzz target over files, without libFuzzer: how make check replays
 * each target's corpus (crash reproducers included) with any compiler.
 * Speaks TAP, one test point per file.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(int n, const char *path)
{
	static uint8_t buf[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t len;

	if (!f) {
		printf("not ok %d - %s: cannot open\n", n, path);
		return 1;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);	/* a crash fails the run */
	printf("ok %d - %s\n", n, strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	return 0;
}

/* Files given, or every file of the target's corpus (CORPUS_DIR). */
int main(int argc, char **argv)
{
	char path[4096];
	struct dirent *d;
	int i, n = 0;
	DIR *dir;

	if (argc > 1) {
		printf("1..%d\n", argc - 1);
		for (i = 1; i < argc; i++)
			replay(i, argv[i]);
		return 0;
	}
	dir = opendir(CORPUS_DIR);
	if (!dir) {
		printf("1..0 # SKIP no corpus at %s\n", CORPUS_DIR);
		return 0;
	}
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, d->d_name);
			replay(++n, path);
			fflush(stdout);
		}
	closedir(dir);
	printf("1..%d\n", n);
	return 0;
}
