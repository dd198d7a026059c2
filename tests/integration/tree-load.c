/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tree-load.c: load SPACE/PATH into the tree cache, expanding one
 * directory after another as the TUI does, and report what it holds:
 * entries, pages, order, time and resident memory, as one JSON line.
 * Used by the integration tests and by bench/. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/engine.h"
#include "onetui/provider.h"
#include "onetui/str.h"
#include "onetui/tree.h"
#include "onetui/zone.h"

struct watch {
	int pages;
	int finished;
};

static void
listener(struct od_tree *t, struct od_node *dir, enum od_tree_event ev, void *ud)
{
	struct watch *w = ud;

	if (ev == OD_TREE_PAGE)
		w->pages++;
	else if (ev == OD_TREE_FINISHED)
		w->finished++;
}

static void
on_spaces(struct od_error *err, void *ud)
{
	*(struct od_error **)ud = err;
}

/* Resident and peak resident memory in KiB. */
static void
memory(long *rss, long *hwm)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];

	*rss = *hwm = -1;
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmRSS:", 6))
			*rss = strtol(line + 6, NULL, 10);
		else if (!strncmp(line, "VmHWM:", 6))
			*hwm = strtol(line + 6, NULL, 10);
	}
	if (f)
		fclose(f);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
fail(const char *what, const struct od_error *err)
{
	fprintf(stderr, "tree-load: %s: %s\n", what, err ? err->message : "failed");
	return 1;
}

/* Expand dir and run the engine until its listing has finished. */
static const struct od_error *
load(struct od_tree *t, struct od_engine *e, struct od_node *dir, struct watch *w)
{
	int before = w->finished;

	if (od_tree_expand(t, dir) != 0)
		return od_error_nomem();
	while (w->finished == before && od_engine_pending(e))
		od_engine_run(e, NULL);
	return od_node_load_state(dir) == OD_LOAD_DONE ? NULL : od_node_error(dir);
}

int
main(int argc, char **argv)
{
	struct od_engine *e = NULL;
	struct od_zone *z = NULL;
	struct od_space *space;
	struct od_error *err = NULL;
	struct od_engine_opts eo = { .max_retries = -1 };
	struct watch w = { 0 };
	struct od_tree *t;
	struct od_node *dir;
	const struct od_error *lerr;
	long rss0, hwm0, rss1, hwm1;
	size_t n, name_bytes = 0, out_of_order = 0;
	char *path, *seg, *save = NULL;
	double t0, t1;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: tree-load ZONE_URL CA_FILE TOKEN SPACE PATH [MAX_NODES]\n");
		return 2;
	}
	eo.ca_file = *argv[2] ? argv[2] : NULL;
	if ((err = od_engine_new(&eo, &e)) || od_engine_set_token(e, argv[3]) != 0 ||
	    (err = od_zone_new(e, argv[1], NULL, &z)))
		return fail("setting up", err);
	if (!od_zone_load_spaces(z, on_spaces, &err))
		return fail("out of memory", NULL);
	od_engine_run(e, NULL);
	if (err || (err = od_zone_find_space(z, argv[4], &space)))
		return fail("finding the space", err);
	t = od_tree_new(z, argc == 7 ? strtoul(argv[6], NULL, 10) : 0);
	od_tree_set_listener(t, listener, &w);
	dir = od_tree_space_root(t, space);
	path = strdup(argv[5]);
	/* Walk down as a user would: expand, find the next name, expand. */
	for (seg = strtok_r(path, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		struct od_node *next = NULL;
		if ((lerr = load(t, e, dir, &w)))
			return fail("listing on the way down", lerr);
		for (size_t i = 0; i < od_node_child_count(dir) && !next; i++)
			if (strcmp(od_node_name(od_node_child(dir, i)), seg) == 0)
				next = od_node_child(dir, i);
		if (!next) {
			fprintf(stderr, "tree-load: no \"%s\" on the way down\n", seg);
			return 1;
		}
		od_tree_collapse(t, dir);
		dir = next;
	}
	free(path);
	w.pages = 0;
	memory(&rss0, &hwm0);
	t0 = now();
	lerr = load(t, e, dir, &w);
	if (lerr && od_node_load_state(dir) != OD_LOAD_PARTIAL)
		return fail("listing", lerr);
	t1 = now();
	memory(&rss1, &hwm1);
	n = od_node_child_count(dir);
	for (size_t i = 0; i < n; i++) {
		const char *name = od_node_name(od_node_child(dir, i));
		name_bytes += strlen(name) + 1;
		if (i && strcmp(od_node_name(od_node_child(dir, i - 1)), name) >= 0)
			out_of_order++;
	}
	printf("{\"entries\":%zu,\"nodes\":%zu,\"pages\":%d,\"out_of_order\":%zu,\"seconds\":%.3f,"
	       "\"rss_kb_before\":%ld,\"rss_kb_after\":%ld,\"hwm_kb_after\":%ld,\"name_bytes\":%zu,"
	       "\"partial\":%s,\"pending\":%zu}\n",
	       n, od_tree_node_count(t), w.pages, out_of_order, t1 - t0, rss0, rss1, hwm1, name_bytes,
	       od_node_load_state(dir) == OD_LOAD_PARTIAL ? "true" : "false", od_engine_pending(e));
	od_tree_free(t);
	od_zone_free(z);
	od_engine_free(e);
	return 0;
}
