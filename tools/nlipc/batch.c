// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlipc -b FILE: one command per line, as iproute2's -batch. kv set lines
 * are queued on one endpoint and sent through libnlipc's batches, so a
 * file of 100,000 keys is loaded in one process with few system calls;
 * any other command first sends what is queued, so the file's order
 * holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlipc.h"

/* kv set lines queued before they are sent. */
#define BATCH_LINES	1024
#define BATCH_ARGS	64

static struct {
	const char *name;	/* FILE, or "-" */
	unsigned int line;	/* being read */
	bool force;
	struct nlipc *ep;
	struct nlipc_batch *b;
	unsigned int lines[BATCH_LINES];	/* of the queued requests */
	int status;		/* exit code of the first failed line */
	unsigned int status_line;
	bool stop;		/* a queued line failed, without --force */
} batch;

bool cli_batching(void)
{
	return batch.name != NULL;
}

static void failed(unsigned int line, int code)
{
	fprintf(stderr, "Command failed %s:%u\n", batch.name, line);
	/* A queued line may be reported after a later one that ran alone. */
	if (!batch.status || line < batch.status_line) {
		batch.status = code;
		batch.status_line = line;
	}
	if (!batch.force)
		batch.stop = true;
}

/*
 * Send the queued kv set lines and report each that failed. Returns 0,
 * or the exit code once a failure stops the file (no --force).
 */
int cli_batch_flush(void)
{
	bool recorded = false;
	unsigned int i, n;
	int err, e;

	if (!batch.b || !(n = nlipc_batch_count(batch.b)))
		return 0;
	err = nlipc_batch_run(batch.b);
	/* The first failure has the whole record; the others an errno. */
	for (i = 0; err && i < n; i++) {
		e = nlipc_batch_errno(batch.b, i);
		if (!e)
			continue;
		if (!recorded) {
			print_error("kv set", nlipc_error(batch.ep));
			recorded = true;
		} else {
			fprintf(stderr, "nlipc: kv set: %s\n", strerror(-e));
		}
		failed(batch.lines[i], cli_exit_code(e));
	}
	nlipc_batch_reset(batch.b);
	return batch.stop ? batch.status : 0;
}

/* Queue a kv set of the current line. Returns 0 or an exit code. */
int cli_batch_kv_set(const void *key, size_t key_len, const void *value,
		     size_t value_len, unsigned int flags)
{
	int ret;

	if (!batch.ep) {
		ret = cli_connect("kv set", &batch.ep);
		if (ret)
			return ret;
		batch.b = nlipc_batch_new(batch.ep);
		if (!batch.b) {
			print_errorf("kv set", -ENOMEM, "out of memory");
			return EXIT_REFUSED;
		}
	}
	ret = nlipc_batch_kv_set(batch.b, key, key_len, value, value_len,
				 flags);
	if (ret < 0)
		return cli_fail("kv set", batch.ep, ret);
	batch.lines[ret] = batch.line;
	return ret + 1 == BATCH_LINES ? cli_batch_flush() : 0;
}

/*
 * Split @line into words at blanks, as iproute2's makeargs(): quotes
 * keep blanks in a word, '#' at a word's start comments out the rest.
 * Returns the number of words, or -1 for an unterminated quote.
 */
static int split(char *line, char **argv, int max)
{
	char *p = line, *out, quote;
	int argc = 0;

	for (;;) {
		p += strspn(p, " \t\r\n");
		if (!*p || *p == '#')
			break;
		if (argc == max - 1)
			return -1;
		argv[argc++] = out = p;
		while (*p && !strchr(" \t\r\n", *p)) {
			if (*p != '"' && *p != '\'') {
				*out++ = *p++;
				continue;
			}
			quote = *p++;
			while (*p && *p != quote)
				*out++ = *p++;
			if (!*p)
				return -1;
			p++;
		}
		if (*p)
			p++;
		*out = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

/**
 * cli_batch_main - run the commands of a file, one per line
 * @name: the file, "-" for standard input
 * @force: go on after a failed line
 * @run: runs one command's words, returns its exit code
 *
 * Returns 0, or the exit code of the first line that failed.
 */
int cli_batch_main(const char *name, bool force,
		   int (*run)(int argc, char **argv))
{
	char *line = NULL, *argv[BATCH_ARGS];
	size_t size = 0;
	int argc, ret;
	FILE *f;

	f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	if (!f) {
		print_errorf(NULL, -errno, "cannot open %s", name);
		return EXIT_USAGE;
	}
	batch.name = name;
	batch.force = force;
	while (!batch.stop && getline(&line, &size, f) >= 0) {
		batch.line++;
		argc = split(line, argv, BATCH_ARGS);
		if (!argc)
			continue;
		if (argc < 0)
			ret = cli_usage_error(NULL,
					      "unterminated quote or more than %d words",
					      BATCH_ARGS - 1);
		else
			ret = run(argc, argv);
		/* A queued line that failed was reported, not this one. */
		if (ret && !batch.stop)
			failed(batch.line, ret);
	}
	if (!batch.stop)
		cli_batch_flush();
	free(line);
	if (f != stdin)
		fclose(f);
	nlipc_batch_free(batch.b);
	nlipc_close(batch.ep);
	return batch.status;
}
