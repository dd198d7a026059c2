/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-ls.c: list spaces and directories, page by page as they arrive. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "onetui/i18n.h"
#include "onetui/str.h"
#include "xmalloc.h"

/* A directory waiting to be listed. */
struct pending {
	char *id;
	char *path;	/* relative to the target; "" for the target itself */
};

struct ls {
	struct session *s;
	struct od_space *space;
	const char *target;	/* as the user wrote it */
	bool longfmt, recursive;
	struct jw *jw;		/* NULL for text output */
	struct pending *stack;	/* directories still to list, next on top */
	size_t n_stack, cap_stack;
	struct pending *found;	/* subdirectories of the one being listed */
	size_t n_found, cap_found;
	struct od_strset visited;	/* directory ids listed, against cycles */
	struct pending current;
	bool printed;
	int rc;
};

static void
free_pending(struct pending *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].path);
	}
}

static void
push(struct pending **v, size_t *n, size_t *cap, char *id, char *path)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[*n].id = id;
	(*v)[(*n)++].path = path;
}

/* Whether id was listed already; remembers it otherwise. A server that
 * puts a directory inside itself must not make ls run for ever. */
static bool
seen(struct ls *l, const char *id)
{
	int rc = od_strset_add(&l->visited, id);

	if (rc < 0)
		xoom();
	return rc == 0;
}

static char *
join(const char *dir, const char *name)
{
	return *dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
}

static void
print_entry(struct ls *l, const struct od_attrs *a, const char *path)
{
	char mode[11], size[OD_SIZE_BUFSZ], when[OD_TIME_BUFSZ];
	char *safe;

	if (l->jw) {
		char perms[8];
		snprintf(perms, sizeof(perms), "%o", a->mode);
		jw_begin_object(l->jw);
		jw_kv_string(l->jw, "name", a->name);
		jw_kv_string(l->jw, "path", path);
		jw_kv_string(l->jw, "fileId", a->file_id);
		jw_kv_string(l->jw, "type", od_file_type_name(a->type));
		jw_key(l->jw, "size");
		if (a->size >= 0)
			jw_int(l->jw, a->size);
		else
			jw_null(l->jw);
		jw_kv_int(l->jw, "mtime", a->mtime);
		jw_kv_string(l->jw, "posixPermissions", perms);
		jw_end_object(l->jw);
		return;
	}
	safe = out_safe(a->name);
	if (l->longfmt)
		printf("%s %10s  %s  %s\n", od_mode_string(od_file_type_char(a->type), a->mode, mode),
		       od_size_human(a->size, size), od_time_short(a->mtime, when), safe);
	else
		printf("%s\n", safe);
	free(safe);
}

static bool
on_page(const struct od_attrs *v, size_t n, void *ud)
{
	struct ls *l = ud;

	for (size_t i = 0; i < n; i++) {
		char *path = join(l->current.path, v[i].name);
		print_entry(l, &v[i], path);
		if (l->recursive && v[i].type == OD_FILE_DIR)
			push(&l->found, &l->n_found, &l->cap_found, xstrdup(v[i].file_id), path);
		else
			free(path);
	}
	return true;
}

static void list_next(struct ls *l);

static void
on_listed(struct od_error *err, void *ud)
{
	struct ls *l = ud;

	if (err) {
		bool stop = err->kind == OD_ERR_CANCELLED;
		int rc = *l->current.path ? out_fail(err, _("Cannot list %s/%s"), l->target, l->current.path)
					 : out_fail(err, _("Cannot list %s"), l->target);
		if (l->rc == EXIT_OK || stop)
			l->rc = rc;
		if (stop)
			return;
	}
	/* Subdirectories next, in name order: push them last-first. */
	while (l->n_found) {
		struct pending *p = &l->found[--l->n_found];
		push(&l->stack, &l->n_stack, &l->cap_stack, p->id, p->path);
	}
	list_next(l);
}

static void
list_next(struct ls *l)
{
	struct od_list_opts opts = { .attrs = OD_ATTRS_LISTING };

	free(l->current.id);
	free(l->current.path);
	l->current.id = l->current.path = NULL;
	while (l->n_stack) {
		l->current = l->stack[--l->n_stack];
		if (!seen(l, l->current.id))
			break;
		out_warn(_("%s/%s appears again inside itself; not listing it twice"), l->target, l->current.path);
		free(l->current.id);
		free(l->current.path);
		l->current.id = l->current.path = NULL;
	}
	if (!l->current.id)
		return;
	if (l->recursive && !l->jw) {
		char *safe = out_safe(*l->current.path ? l->current.path : "");
		char *target = out_safe(l->target);
		printf("%s%s%s%s:\n", l->printed ? "\n" : "", target, *l->current.path ? "/" : "", safe);
		free(safe);
		free(target);
	}
	l->printed = true;
	if (!od_provider_list(l->s->zone, l->space, l->current.id, &opts, on_page, on_listed, l))
		xoom();
}

/* List one SPACE[/PATH] target: a directory's entries, or the file itself. */
static int
ls_target(struct ls *l, const char *arg)
{
	struct target_stat st;
	int rc = session_stat_target(l->s, arg, &l->space, &st);

	if (rc != EXIT_OK)
		return rc;
	l->target = arg;
	if (st.type != OD_FILE_DIR) {
		struct od_attrs a = { .file_id = st.file_id, .name = st.name, .type = st.type,
				      .size = st.size, .mode = st.mode, .mtime = st.mtime };
		print_entry(l, &a, st.name);
	} else {
		l->rc = EXIT_OK;
		push(&l->stack, &l->n_stack, &l->cap_stack, xstrdup(st.file_id), xstrdup(""));
		list_next(l);
		session_run(l->s);
		rc = l->rc;
	}
	target_stat_done(&st);
	return rc;
}

/* Without arguments: the spaces, as the top of the tree. */
static int
ls_spaces(struct ls *l)
{
	int rc = session_load_spaces(l->s);

	for (size_t i = 0; rc == EXIT_OK && i < od_zone_space_count(l->s->zone); i++) {
		const struct od_space *sp = od_zone_space(l->s->zone, i);
		if (l->jw) {
			jw_begin_object(l->jw);
			jw_kv_string(l->jw, "name", sp->name);
			jw_kv_string(l->jw, "path", sp->name);
			jw_kv_string(l->jw, "spaceId", sp->id);
			jw_kv_string(l->jw, "type", "SPACE");
			jw_end_object(l->jw);
		} else {
			char *safe = out_safe(sp->name);
			printf("%s\n", safe);
			free(safe);
		}
	}
	return rc;
}

static int
ls_exec(struct global_opts *g, int argc, char **argv)
{
	struct ls l = { 0 };
	struct session s;
	bool json = false;
	int c, rc;

	while ((c = cmd_getopt(&cmd_ls_entry, g, argc, argv)) != CMD_OPT_END) {
		switch (c) {
		case CMD_OPT_EXIT:
			return cmd_exit_status;
		case CMD_OPT_JSON:
			json = true;
			break;
		case 'l':
			l.longfmt = true;
			break;
		case 'R':
			l.recursive = true;
			break;
		}
	}
	rc = session_open(&s, g);
	if (rc != EXIT_OK) {
		session_close(&s);
		return rc;
	}
	l.s = &s;
	od_strset_init(&l.visited);
	if (json) {
		l.jw = jw_new(stdout);
		jw_begin_array(l.jw);
	}
	if (optind == argc)
		rc = ls_spaces(&l);
	for (int i = optind; rc != EXIT_INTERRUPTED && i < argc; i++) {
		int r;
		if (argc - optind > 1 && !l.jw) {
			char *safe = out_safe(argv[i]);
			printf("%s%s:\n", i > optind ? "\n" : "", safe);
			free(safe);
		}
		r = ls_target(&l, argv[i]);
		if (rc == EXIT_OK || r == EXIT_INTERRUPTED)
			rc = r;
	}
	if (l.jw) {
		jw_end_array(l.jw);
		jw_free(l.jw);
	}
	/* What an interruption left unlisted. */
	free_pending(l.stack, l.n_stack);
	free_pending(l.found, l.n_found);
	free_pending(&l.current, l.current.id ? 1 : 0);
	od_strset_done(&l.visited);
	free(l.stack);
	free(l.found);
	session_close(&s);
	return rc;
}

static const struct option ls_options[] = {
	CMD_JSON_OPTION,
	{ "long", no_argument, NULL, 'l' },
	{ "recursive", no_argument, NULL, 'R' },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_ls_entry = {
	.name = "ls",
	.usage = N_("[-l] [-R] [--json] [SPACE[/PATH]]..."),
	.summary = N_("list spaces, directories and files"),
	.shortopts = "lR",
	.longopts = ls_options,
	.exec = ls_exec,
};
