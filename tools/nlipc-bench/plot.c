// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --plot FILE.svg|FILE.png: a gnuplot script with the data inline, run by
 * gnuplot. Two panels against payload size, one line per family and path:
 * p50 RTT of the ping-pong (or the first latency mode run), and MB/s of the
 * stream (or of the ping-pong where no stream was run).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bench.h"

/* One colour per family, in the order of the family table. */
static const char *const colours[] = {
	"#000000", "#1f77b4", "#17becf", "#2ca02c", "#d62728", "#ff7f0e",
	"#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
};

static const char *colour(const struct bench_result *r)
{
	return colours[r->family_index % (sizeof(colours) / sizeof(colours[0]))];
}

/* A gnuplot single-quoted string: a quote is written twice. */
static void quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static bool ends_with(const char *s, const char *end)
{
	size_t a = strlen(s), b = strlen(end);

	return a >= b && !strcasecmp(s + a - b, end);
}

static bool mode_has(const struct bench_report *r, enum bench_mode m)
{
	size_t i;

	for (i = 0; i < r->nresults; i++)
		if (r->results[i].mode == m && r->results[i].status == RES_OK)
			return true;
	return false;
}

static double value(const struct bench_result *res, bool latency)
{
	return latency ? res->rtt.p50 : res->mb_per_s;
}

/*
 * One datablock per family and path with results in @mode; a plot
 * command naming them. Returns how many lines it plots.
 */
static int panel(FILE *f, const struct bench_report *r, enum bench_mode mode,
		 bool latency, const char *prefix, char *cmd, size_t len)
{
	size_t i, j, used = 0;
	int lines = 0;

	cmd[0] = 0;
	for (i = 0; i < r->nresults; i++) {
		const struct bench_result *a = &r->results[i];
		bool first = true;
		char title[48];

		if (a->mode != mode || a->status != RES_OK || isnan(value(a, latency)))
			continue;
		/* Only from the family and path's first size on. */
		for (j = 0; j < i; j++)
			if (r->results[j].mode == mode &&
			    r->results[j].status == RES_OK &&
			    r->results[j].path == a->path &&
			    !strcmp(r->results[j].family, a->family))
				break;
		if (j < i)
			continue;
		for (j = i; j < r->nresults; j++) {
			const struct bench_result *b = &r->results[j];

			if (b->mode != mode || b->status != RES_OK ||
			    b->path != a->path || strcmp(b->family, a->family) ||
			    isnan(value(b, latency)))
				continue;
			if (first)
				fprintf(f, "$%s%d << EOD\n", prefix, lines);
			first = false;
			fprintf(f, "%u %.6g\n", b->size ? b->size : 1,
				value(b, latency));
		}
		fprintf(f, "EOD\n");
		snprintf(title, sizeof(title), "%s %s%s", a->family,
			 path_name(a->path), a->nlctrl ? " (nlctrl)" : "");
		/* Colour by family; line and point by path. */
		used += snprintf(cmd + used, used < len ? len - used : 0,
				 "%s$%s%d with linespoints lw 2 lc rgb '%s' pt %d dt %d title '%s'",
				 lines ? ", " : "", prefix, lines,
				 colour(a), a->path == PATH_RAW ? 7 :
				 a->path == PATH_RAWD ? 5 : 9,
				 a->path == PATH_RAW ? 1 : a->path == PATH_RAWD ? 3 : 2,
				 title);
		lines++;
	}
	return lines;
}

/**
 * plot_script - the gnuplot script drawing @r into @file
 * @f: where to write the script
 * @file: the picture, ending in .svg or .png
 * @r: the results
 *
 * Returns 0, or -EINVAL for another file type or nothing to plot.
 */
int plot_script(FILE *f, const char *file, const struct bench_report *r)
{
	enum bench_mode lat = MODE_PINGPONG, thr = MODE_STREAM;
	const struct bench_env *e = r->env;
	char lat_cmd[8192], thr_cmd[8192], title[512];
	int nlat, nthr;

	if (!mode_has(r, lat))
		lat = mode_has(r, MODE_RATE) ? MODE_RATE : MODE_BATCH;
	if (!mode_has(r, thr))
		thr = lat;
	if (ends_with(file, ".svg"))
		fprintf(f, "set terminal svg size 1400,560 dynamic noenhanced font 'Sans,11' background '#ffffff'\n");
	else if (ends_with(file, ".png"))
		fprintf(f, "set terminal pngcairo size 1400,560 noenhanced font 'Sans,10' background '#ffffff'\n");
	else
		return -EINVAL;
	fprintf(f, "set output ");
	quoted(f, file);
	fputc('\n', f);

	nlat = panel(f, r, lat, true, "lat", lat_cmd, sizeof(lat_cmd));
	nthr = panel(f, r, thr, false, "thr", thr_cmd, sizeof(thr_cmd));
	if (!nlat && !nthr)
		return -EINVAL;

	snprintf(title, sizeof(title),
		 "nlipc-bench: kernel %s, %s, %d CPUs%s%s",
		 e->kernel, e->cpu_model, e->cpus,
		 e->vm ? ", VM " : "", e->vm ? e->hypervisor : "");
	fprintf(f, "set multiplot layout 1,2 title ");
	quoted(f, title);
	fprintf(f, "\n"
		   "set logscale x 2\n"
		   "set logscale y 10\n"
		   "set grid xtics ytics mytics lc rgb '#dddddd'\n"
		   "set key outside right top vertical font ',8' spacing 0.9 samplen 3\n"
		   "set xlabel 'payload (bytes)'\n");
	if (nlat) {
		fprintf(f, "set title '%s: p50 RTT'\n"
			   "set ylabel 'RTT, p50 (µs)'\n"
			   "plot %s\n",
			lat == MODE_PINGPONG ? "ping-pong" : mode_name(lat),
			lat_cmd);
	}
	if (nthr) {
		fprintf(f, "set title '%s: throughput'\n"
			   "set ylabel 'MB/s (10^6 payload bytes/s)'\n"
			   "plot %s\n",
			thr == MODE_PINGPONG ? "ping-pong" : mode_name(thr),
			thr_cmd);
	}
	fprintf(f, "unset multiplot\n");
	return 0;
}

/**
 * plot_available - is there a gnuplot to run, in $PATH as popen() looks?
 *
 * Checked before a run, so that a missing one fails at once, not after
 * minutes of measuring.
 */
bool plot_available(void)
{
	const char *path = getenv("PATH"), *p, *end;
	char file[PATH_MAX];

	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':') ?: p + strlen(p);
		/* An empty entry is the current directory. */
		snprintf(file, sizeof(file), "%.*s/gnuplot",
			 end == p ? 1 : (int)(end - p), end == p ? "." : p);
		if (!access(file, X_OK))
			return true;
	}
	return false;
}

/**
 * plot_write - draw @r into @file with gnuplot
 * @file: ending in .svg or .png
 * @r: the results
 * @err: set to why, on failure
 * @errlen: room at @err
 *
 * Returns 0 or a negative errno.
 */
int plot_write(const char *file, const struct bench_report *r, char *err,
	       size_t errlen)
{
	char script[] = "/tmp/nlipc-bench-plot.XXXXXX";
	char out[512] = "";
	struct stat st;
	FILE *f, *p;
	size_t n;
	int fd, ret, status;

	fd = mkstemp(script);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "cannot write a script: %s", strerror(errno));
		return -errno;
	}
	ret = plot_script(f, file, r);
	fclose(f);
	if (ret) {
		unlink(script);
		snprintf(err, errlen, "%s", ends_with(file, ".svg") ||
			 ends_with(file, ".png") ? "no results to plot" :
			 "the file must end in .svg or .png");
		return ret;
	}
	unlink(file);
	/* The script's name is ours, with no character a shell would read. */
	snprintf(out, sizeof(out), "gnuplot %s 2>&1", script);
	p = popen(out, "r");
	if (!p) {
		unlink(script);
		snprintf(err, errlen, "cannot run gnuplot: %s", strerror(errno));
		return -errno;
	}
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	status = pclose(p);
	unlink(script);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    stat(file, &st) || !st.st_size) {
		out[strcspn(out, "\n")] = 0;
		snprintf(err, errlen, "gnuplot failed%s%s%s",
			 WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			 " (not installed? apt-get install gnuplot-nox)" : "",
			 out[0] ? ": " : "", out);
		return -EIO;
	}
	return 0;
}
