/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-dataset.c: "dataset" (establish, list, show, protect, detach,
 * reattach, remove) and "archive" (create, list, show, delete, recall). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "onetui/buf.h"
#include "onetui/dataset.h"
#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/str.h"
#include "xmalloc.h"

enum {
	OPT_DATA = 0x300,
	OPT_METADATA,
	OPT_DETACHED,
	OPT_YES,
	OPT_WAIT,
	OPT_LAYOUT,
	OPT_DIP,
	OPT_NESTED,
	OPT_NO_FOLLOW,
	OPT_INCREMENTAL,
	OPT_BASE,
	OPT_DESCRIPTION,
	OPT_NAME,
};

struct opts {
	bool json, wait, yes, detached;
	unsigned flags;			/* --data, --metadata */
	struct od_archive_config archive;
	const char *description;
	const char *name;		/* recall: the new file's name */
};

/* --- datasets --------------------------------------------------------------------- */

struct ds {
	struct od_error *err;
	char *id, *state, *parent_id, *root_file_id, *root_path;
	bool dir, root_deleted;
	unsigned protection, effective;
	int64_t created, archives;
};

static void
on_dataset(const struct od_dataset *d, struct od_error *err, void *ud)
{
	struct ds *w = ud;

	w->err = err;
	if (err)
		return;
	w->id = xstrdup(d->id);
	w->state = xstrdup(d->state);
	w->parent_id = d->parent_id ? xstrdup(d->parent_id) : NULL;
	w->root_file_id = xstrdup(d->root_file_id);
	w->root_path = d->root_path ? xstrdup(d->root_path) : NULL;
	w->dir = d->root_type == OD_FILE_DIR;
	w->root_deleted = d->root_deleted;
	w->protection = d->protection;
	w->effective = d->effective;
	w->created = d->created;
	w->archives = d->archives;
}

static void
ds_done(struct ds *d)
{
	od_error_free(d->err);
	free(d->id);
	free(d->state);
	free(d->parent_id);
	free(d->root_file_id);
	free(d->root_path);
	memset(d, 0, sizeof(*d));
}

/* The dataset did, its error left in d. */
static bool
get_dataset(struct session *s, struct od_space *sp, const char *did, struct ds *d)
{
	memset(d, 0, sizeof(*d));
	if (!od_dataset_get(s->zone, sp, did, on_dataset, d))
		xoom();
	session_run(s);
	return !d->err && d->id;
}

/* The dataset established on SPACE/PATH. */
static int
dataset_at(struct session *s, const char *arg, struct od_space **sp, struct ds *d)
{
	struct target_stat st;
	struct answer w = { 0 };
	int rc = session_stat_target(s, arg, sp, &st);

	if (rc != EXIT_OK)
		return rc;
	if (!od_file_dataset_summary(s->zone, *sp, st.file_id, answer_dataset, &w))
		xoom();
	session_run(s);
	target_stat_done(&st);
	if (w.err)
		return out_fail(w.err, _("Cannot read the dataset of %s"), arg);
	if (!w.id) {
		out_error(_("no dataset is established on %s"), arg);
		return EXIT_FAILED;
	}
	rc = get_dataset(s, *sp, w.id, d) ? EXIT_OK : out_fail(d->err, _("Cannot read dataset %s"), w.id);
	if (rc != EXIT_OK)
		d->err = NULL;
	free(w.id);
	return rc;
}

/* Whether arg starts with a space's name or id (then it is SPACE[/PATH]). */
static bool
names_space(struct session *s, const char *arg)
{
	const char *slash;
	struct od_space *sp;
	struct od_error *err;
	char *name;

	if (*arg == '/')
		arg++;
	slash = strchr(arg, '/');
	name = slash ? xasprintf("%.*s", (int)(slash - arg), arg) : xstrdup(arg);
	err = od_zone_find_space(s->zone, name, &sp);
	free(name);
	od_error_free(err);
	return !err || slash;
}

/* A provider of any space may answer for a dataset of another space it
 * supports: the space is the first segment of the dataset's path. */
static void
own_space(struct session *s, const struct ds *d, struct od_space **sp)
{
	const char *path = d->root_path && *d->root_path == '/' ? d->root_path + 1 : NULL;
	const char *slash = path ? strchr(path, '/') : NULL;
	char *name = path ? xasprintf("%.*s", slash ? (int)(slash - path) : (int)strlen(path), path) : NULL;
	struct od_space *found;
	struct od_error *err = name ? od_zone_find_space(s->zone, name, &found) : NULL;

	if (name && !err)
		*sp = found;
	od_error_free(err);
	free(name);
}

/* DATASET: SPACE/PATH of its root, or its id (each space asked in turn). */
static int
find_dataset(struct session *s, const char *arg, struct od_space **sp, struct ds *d)
{
	int rc = session_load_spaces(s);

	if (rc != EXIT_OK)
		return rc;
	if (names_space(s, arg))
		return dataset_at(s, arg, sp, d);
	for (size_t i = 0; i < od_zone_space_count(s->zone); i++) {
		*sp = od_zone_space(s->zone, i);
		if (!(*sp)->n_supports)
			continue;
		if (get_dataset(s, *sp, arg, d)) {
			own_space(s, d, sp);
			return EXIT_OK;
		}
		ds_done(d);
		if (session_interrupted())
			return EXIT_INTERRUPTED;
	}
	out_error(_("no space of yours has a dataset %s"), arg);
	return EXIT_FAILED;
}

static const char *
flags_text(unsigned flags, char buf[64])
{
	snprintf(buf, 64, "%s%s%s", flags & OD_PROTECT_DATA ? _("data") : "",
		 flags == (OD_PROTECT_DATA | OD_PROTECT_METADATA) ? ", " : "",
		 flags & OD_PROTECT_METADATA ? _("metadata") : "");
	return flags ? buf : _("none");
}

static void
json_flags(struct jw *j, const char *key, unsigned flags)
{
	jw_key(j, key);
	jw_begin_array(j);
	for (unsigned f = OD_PROTECT_DATA; f <= OD_PROTECT_METADATA; f <<= 1)
		if (flags & f)
			jw_string(j, od_protection_name(f));
	jw_end_array(j);
}

/* A dataset's relatives: ancestors nearest first, then children. */
struct kin {
	char **ids, **names;
	size_t n;
};

static void
kin_add(struct kin *k, const char *id, const char *name)
{
	k->ids = xrealloc(k->ids, (k->n + 1) * sizeof(*k->ids));
	k->names = xrealloc(k->names, (k->n + 1) * sizeof(*k->names));
	k->ids[k->n] = xstrdup(id);
	k->names[k->n++] = xstrdup(name ? name : "");
}

static void
kin_done(struct kin *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->ids[i]);
		free(k->names[i]);
	}
	free(k->ids);
	free(k->names);
	memset(k, 0, sizeof(*k));
}

static void
json_kin(struct jw *j, const char *key, const struct kin *k)
{
	jw_key(j, key);
	jw_begin_array(j);
	for (size_t i = 0; i < k->n; i++) {
		jw_begin_object(j);
		jw_kv_string(j, "datasetId", k->ids[i]);
		jw_kv_string(j, "name", k->names[i]);
		jw_end_object(j);
	}
	jw_end_array(j);
}

static void
print_dataset(const struct ds *d, const struct kin *up, const struct kin *down, bool json)
{
	static const char *const labels[] = { N_("Dataset"), N_("Path"), N_("Type"), N_("State"), N_("Protection"),
					      N_("Effective"), N_("Archives"), N_("Created"), N_("Ancestors"),
					      N_("Children") };
	const char *tl[OD_ARRAY_SIZE(labels)];
	char own[64], eff[64], when[OD_TIME_BUFSZ];
	int lw;

	if (json) {
		struct jw *j = jw_new(stdout);
		jw_begin_object(j);
		jw_kv_string(j, "datasetId", d->id);
		jw_kv_string(j, "state", d->state);
		jw_kv_string(j, "parentId", d->parent_id);
		jw_kv_string(j, "rootFileId", d->root_file_id);
		jw_kv_string(j, "rootFilePath", d->root_path);
		jw_kv_string(j, "rootFileType", d->dir ? "DIR" : "REG");
		jw_kv_bool(j, "rootFileDeleted", d->root_deleted);
		json_flags(j, "protectionFlags", d->protection);
		json_flags(j, "effectiveProtectionFlags", d->effective);
		jw_kv_int(j, "creationTime", d->created);
		jw_kv_int(j, "archiveCount", d->archives);
		if (up)
			json_kin(j, "ancestors", up);
		if (down)
			json_kin(j, "children", down);
		jw_end_object(j);
		jw_free(j);
		putchar('\n');
		return;
	}
	for (size_t i = 0; i < OD_ARRAY_SIZE(labels); i++)
		tl[i] = _(labels[i]);
	lw = out_label_width(tl, OD_ARRAY_SIZE(tl));
	out_field(stdout, lw, tl[0], "%s", d->id);
	out_field(stdout, lw, tl[1], "%s%s", d->root_path ? d->root_path : "-",
		  d->root_deleted ? _(" (deleted)") : "");
	out_field(stdout, lw, tl[2], "%s", d->dir ? _("directory") : _("file"));
	out_field(stdout, lw, tl[3], "%s", d->state);
	out_field(stdout, lw, tl[4], "%s", flags_text(d->protection, own));
	out_field(stdout, lw, tl[5], "%s", flags_text(d->effective, eff));
	if (d->archives >= 0)
		out_field(stdout, lw, tl[6], "%lld", (long long)d->archives);
	if (d->created > 0)
		out_field(stdout, lw, tl[7], "%s", od_time_iso(d->created, when));
	for (size_t i = 0; up && i < up->n; i++)
		out_field(stdout, lw, i ? "" : tl[8], "%s  %s", up->ids[i], up->names[i]);
	for (size_t i = 0; down && i < down->n; i++)
		out_field(stdout, lw, i ? "" : tl[9], "%s  %s", down->ids[i], down->names[i]);
}

struct listing {
	struct kin k;
	struct od_error *err;
};

static bool
on_entries(const struct od_dataset_entry *v, size_t n, void *ud)
{
	struct listing *l = ud;

	for (size_t i = 0; i < n; i++)
		kin_add(&l->k, v[i].id, v[i].name);
	return true;
}

static void
on_listed(struct od_error *err, void *ud)
{
	((struct listing *)ud)->err = err;
}

/* The top datasets of a space (parent NULL) or a dataset's children. */
static int
list_datasets(struct session *s, struct od_space *sp, const char *parent, bool detached, struct kin *out)
{
	struct listing l = { 0 };

	if (!od_datasets_list(s->zone, sp, parent, detached, on_entries, on_listed, &l))
		xoom();
	session_run(s);
	*out = l.k;
	if (l.err)
		return out_fail(l.err, _("Cannot list the datasets of %s"), parent ? parent : sp->name);
	return session_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int
dataset_ls(struct session *s, const struct opts *o, const char *space)
{
	static const char *const titles[] = { N_("DATASET"), N_("NAME") };
	const char *tt[2] = { _(titles[0]), _(titles[1]) };
	struct od_space *sp;
	struct od_error *err;
	struct kin k;
	int rc = session_load_spaces(s);

	if (rc != EXIT_OK)
		return rc;
	if ((err = od_zone_find_space(s->zone, space, &sp)))
		return out_fail(err, NULL);
	if ((rc = list_datasets(s, sp, NULL, o->detached, &k)) == EXIT_OK) {
		if (o->json) {
			struct jw *j = jw_new(stdout);
			jw_begin_object(j);
			json_kin(j, "datasets", &k);
			jw_end_object(j);
			jw_free(j);
			putchar('\n');
		} else {
			struct table *t = table_new(2, tt, NULL);
			for (size_t i = 0; i < k.n; i++)
				table_add(t, (const char *const[]){ k.ids[i], k.names[i] });
			table_print(t, stdout);
			table_free(t);
		}
	}
	kin_done(&k);
	return rc;
}

/* The last segment of a dataset's path: its name. */
static const char *
base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

static int
dataset_show(struct session *s, const struct opts *o, struct od_space *sp, struct ds *d)
{
	struct kin up = { 0 }, down = { 0 };
	char *parent = d->parent_id ? xstrdup(d->parent_id) : NULL;
	int rc = EXIT_OK;

	while (parent && rc == EXIT_OK) {
		struct ds a;
		if (!get_dataset(s, sp, parent, &a)) {
			rc = out_fail(a.err, _("Cannot read dataset %s"), parent);
			a.err = NULL;
		} else {
			kin_add(&up, a.id, base_name(a.root_path));
			free(parent);
			parent = a.parent_id ? xstrdup(a.parent_id) : NULL;
		}
		ds_done(&a);
	}
	free(parent);
	if (rc == EXIT_OK)
		rc = list_datasets(s, sp, d->id, false, &down);
	if (rc == EXIT_OK)
		print_dataset(d, &up, &down, o->json);
	kin_done(&up);
	kin_done(&down);
	return rc;
}

static int
dataset_establish(struct session *s, const struct opts *o, const char *arg)
{
	struct target_stat st;
	struct od_space *sp;
	struct answer w = { 0 };
	int rc = session_stat_target(s, arg, &sp, &st);

	if (rc != EXIT_OK)
		return rc;
	rc = session_answer(s, od_dataset_establish(s->zone, sp, st.file_id, o->flags, answer_id, &w), &w,
			    _("Cannot establish a dataset on %s"), arg);
	target_stat_done(&st);
	if (rc == EXIT_OK)
		out_id("datasetId", w.id, o->json);
	free(w.id);
	return rc;
}

/* protect, unprotect, detach, attach: change, then show the result.
 * Without --data or --metadata, (un)protect means both: immutable. */
static int
dataset_change(struct session *s, const struct opts *o, const char *verb, struct od_space *sp, struct ds *d)
{
	struct od_dataset_change c = { 0 };
	struct answer w = { 0 };
	unsigned flags = o->flags ? o->flags : OD_PROTECT_DATA | OD_PROTECT_METADATA;
	char *id;
	int rc;

	if (strcmp(verb, "protect") == 0)
		c.set = flags;
	else if (strcmp(verb, "unprotect") == 0)
		c.unset = flags;
	else
		c.state = strcmp(verb, "detach") == 0 ? "detached" : "attached";
	/* The API refuses metadata protection alone; say why and how. */
	if (((d->protection | c.set) & ~c.unset) == OD_PROTECT_METADATA) {
		out_error(c.set ? _("metadata protection needs data protection: add --data")
				: _("metadata protection needs data protection: add --metadata to clear both"));
		return EXIT_USAGE;
	}
	id = xstrdup(d->id);
	rc = session_answer(s, od_dataset_update(s->zone, sp, id, &c, answer_done, &w), &w,
			    _("Cannot change dataset %s"), id);
	ds_done(d);
	if (rc == EXIT_OK && !get_dataset(s, sp, id, d)) {
		rc = out_fail(d->err, _("Cannot read dataset %s"), id);
		d->err = NULL;
	}
	if (rc == EXIT_OK)
		print_dataset(d, NULL, NULL, o->json);
	free(id);
	return rc;
}

static int
dataset_rm(struct session *s, const struct opts *o, struct od_space *sp, const struct ds *d)
{
	struct answer w = { 0 };
	int rc = out_confirm_remote(o->yes, xasprintf(_("remove dataset %s (%s)? Its files stay"), d->id,
						      d->root_path ? d->root_path : "-"));

	if (rc != EXIT_OK)
		return rc;
	return session_answer(s, od_dataset_remove(s->zone, sp, d->id, answer_done, &w), &w,
			      _("Cannot remove dataset %s"), d->id);
}

static bool
verb_is(const char *verb, const char *const *verbs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(verb, verbs[i]) == 0)
			return true;
	return false;
}

static int
dataset_run(struct session *s, const struct opts *o, const char *verb, const char *arg)
{
	struct od_space *sp;
	struct ds d = { 0 };
	int rc;

	if (strcmp(verb, "ls") == 0)
		return dataset_ls(s, o, arg);
	if (strcmp(verb, "establish") == 0)
		return dataset_establish(s, o, arg);
	if ((rc = find_dataset(s, arg, &sp, &d)) != EXIT_OK)
		return rc;
	if (strcmp(verb, "show") == 0)
		rc = dataset_show(s, o, sp, &d);
	else if (strcmp(verb, "rm") == 0)
		rc = dataset_rm(s, o, sp, &d);
	else
		rc = dataset_change(s, o, verb, sp, &d);
	ds_done(&d);
	return rc;
}

/* Options both commands share; false when c is not one of them. */
static bool
common_option(int c, struct opts *o)
{
	switch (c) {
	case CMD_OPT_JSON: o->json = true; break;
	case OPT_YES: o->yes = true; break;
	case OPT_WAIT: o->wait = true; break;
	default: return false;
	}
	return true;
}

/* Parse the verb and its one argument (two for those in two_args); run. */
static int
exec_verbs(const struct cmd_entry *e, struct global_opts *g, struct opts *o, int argc, char **argv,
	   const char *const *verbs, size_t n, const char *two_args,
	   int (*fn)(struct session *, const struct opts *, const char *, char **))
{
	struct session s;
	const char *verb = optind < argc ? argv[optind++] : "";
	int want = two_args && strcmp(verb, two_args) == 0 ? 2 : 1, rc;

	if (!*verb)
		return cmd_usage_error(e, _("%s needs a verb"), e->name);
	if (!verb_is(verb, verbs, n))
		return cmd_usage_error(e, _("unknown %s verb: '%s'"), e->name, verb);
	if (argc - optind != want)
		return cmd_usage_error(e, _("wrong arguments for %s %s"), e->name, verb);
	rc = session_open(&s, g);
	if (rc == EXIT_OK)
		rc = session_load_spaces(&s);
	if (rc == EXIT_OK)
		rc = fn(&s, o, verb, argv + optind);
	session_close(&s);
	return rc;
}

static int
dataset_verb(struct session *s, const struct opts *o, const char *verb, char **args)
{
	return dataset_run(s, o, verb, args[0]);
}

static int
dataset_exec(struct global_opts *g, int argc, char **argv)
{
	static const char *const verbs[] = { "ls", "show", "establish", "protect", "unprotect",
					     "detach", "attach", "rm" };
	struct opts o = { 0 };
	int c;

	while ((c = cmd_getopt(&cmd_dataset_entry, g, argc, argv)) != CMD_OPT_END) {
		if (c == CMD_OPT_EXIT)
			return cmd_exit_status;
		if (common_option(c, &o))
			continue;
		if (c == OPT_DATA)
			o.flags |= OD_PROTECT_DATA;
		else if (c == OPT_METADATA)
			o.flags |= OD_PROTECT_METADATA;
		else if (c == OPT_DETACHED)
			o.detached = true;
	}
	return exec_verbs(&cmd_dataset_entry, g, &o, argc, argv, verbs, OD_ARRAY_SIZE(verbs), NULL, dataset_verb);
}

static const struct option dataset_options[] = {
	CMD_JSON_OPTION,
	{ "data", no_argument, NULL, OPT_DATA },
	{ "metadata", no_argument, NULL, OPT_METADATA },
	{ "detached", no_argument, NULL, OPT_DETACHED },
	{ "yes", no_argument, NULL, OPT_YES },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_dataset_entry = {
	.name = "dataset",
	.usage = N_("ls [--detached] SPACE | show|detach|attach DATASET | establish [--data] [--metadata] SPACE/PATH | "
		    "protect|unprotect [--data] [--metadata] DATASET | rm [--yes] DATASET  [--json]"),
	.summary = N_("datasets: establish, list, show, protect, detach, reattach and remove; "
		      "DATASET is SPACE/PATH of its root or its id"),
	.shortopts = "",
	.longopts = dataset_options,
	.exec = dataset_exec,
};

/* --- archives --------------------------------------------------------------------- */

struct arc {
	struct od_error *err;
	cJSON *raw;		/* a copy of the record */
	struct od_archive a;	/* pointing into raw */
};

static void
on_archive(const struct od_archive *a, struct od_error *err, void *ud)
{
	struct arc *w = ud;

	w->err = err;
	if (err)
		return;
	/* Keep a copy (the record is valid only now) and read it again. */
	if (!(w->raw = cJSON_Duplicate(a->raw, true)))
		xoom();
	w->a = *a;
#define REPOINT(field, key) w->a.field = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w->raw, key))
	REPOINT(id, "archiveId");
	REPOINT(state, "state");
	REPOINT(dataset_id, "datasetId");
	REPOINT(root_dir_id, "rootDirectoryId");
	REPOINT(description, "description");
	REPOINT(creator, "creator");
	REPOINT(base_id, "baseArchiveId");
#undef REPOINT
	w->a.layout = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(w->raw, "config"), "layout"));
	w->a.raw = w->raw;
}

static void
arc_done(struct arc *w)
{
	od_error_free(w->err);
	cJSON_Delete(w->raw);
	memset(w, 0, sizeof(*w));
}

static bool
get_archive(struct session *s, struct od_space *sp, const char *aid, struct arc *w)
{
	memset(w, 0, sizeof(*w));
	if (!od_archive_get(s->zone, sp, aid, on_archive, w))
		xoom();
	session_run(s);
	return !w->err && w->raw;
}

/* An archive by id: each space asked in turn. */
static int
find_archive(struct session *s, const char *aid, struct od_space **sp, struct arc *w)
{
	for (size_t i = 0; i < od_zone_space_count(s->zone); i++) {
		*sp = od_zone_space(s->zone, i);
		if (!(*sp)->n_supports)
			continue;
		if (get_archive(s, *sp, aid, w)) {
			struct ds d;
			if (get_dataset(s, *sp, w->a.dataset_id, &d))
				own_space(s, &d, sp);
			ds_done(&d);
			return EXIT_OK;
		}
		arc_done(w);
		if (session_interrupted())
			return EXIT_INTERRUPTED;
	}
	out_error(_("no space of yours has an archive %s"), aid);
	return EXIT_FAILED;
}

static void
print_archive(const struct od_archive *a, bool json)
{
	static const char *const labels[] = { N_("Archive"), N_("Dataset"), N_("State"), N_("Files"), N_("Bytes"),
					      N_("Layout"), N_("Options"), N_("Based on"), N_("Description"),
					      N_("Created"), N_("Contents") };
	const char *tl[OD_ARRAY_SIZE(labels)];
	char size[OD_SIZE_BUFSZ], when[OD_TIME_BUFSZ];
	int lw;

	if (json) {
		char *text = out_json_text(a->raw);
		printf("%s\n", text);
		free(text);
		return;
	}
	for (size_t i = 0; i < OD_ARRAY_SIZE(labels); i++)
		tl[i] = _(labels[i]);
	lw = out_label_width(tl, OD_ARRAY_SIZE(tl));
	out_field(stdout, lw, tl[0], "%s", a->id);
	out_field(stdout, lw, tl[1], "%s", a->dataset_id);
	out_field(stdout, lw, tl[2], "%s", a->state);
	out_field(stdout, lw, tl[3], _("%lld archived, %lld failed"), (long long)a->files_archived,
		  (long long)a->files_failed);
	out_field(stdout, lw, tl[4], "%s", od_size_human(a->bytes_archived, size));
	out_field(stdout, lw, tl[5], "%s", a->layout ? a->layout : "-");
	out_field(stdout, lw, tl[6], "%s%s%s%s", a->incremental ? _("incremental, ") : "",
		  a->include_dip ? _("with DIP, ") : "", a->nested ? _("nested archives, ") : "",
		  a->follow_symlinks ? _("symlinks followed") : _("symlinks kept"));
	if (a->base_id)
		out_field(stdout, lw, tl[7], "%s", a->base_id);
	if (a->description && *a->description)
		out_field(stdout, lw, tl[8], "%s", a->description);
	if (a->created > 0)
		out_field(stdout, lw, tl[9], "%s", od_time_iso(a->created, when));
	if (a->root_dir_id)
		out_field(stdout, lw, tl[10], "%s", a->root_dir_id);
}

/* Sleep a second in steps, unless interrupted. */
static bool
pause_a_second(void)
{
	for (int i = 0; i < 10 && !session_interrupted(); i++)
		usleep(100000);
	return !session_interrupted();
}

/* One line of progress: \r-rewritten on a terminal, plain lines otherwise. */
static void progress(bool tty, const char *fmt, ...) OD_PRINTF(2, 3);

static void
progress(bool tty, const char *fmt, ...)
{
	va_list ap;

	fputs(tty ? "\r\033[K" : "onetui: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (!tty)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Poll the archive until its state settles; exit 0 when preserved. */
static int
follow_archive(struct session *s, struct od_space *sp, const char *aid, bool json)
{
	bool tty = isatty(STDERR_FILENO) && !json;
	struct arc w;
	int rc;

	for (;;) {
		char size[OD_SIZE_BUFSZ];
		if (!get_archive(s, sp, aid, &w)) {
			rc = w.err ? out_fail(w.err, _("Cannot follow archive %s"), aid) : EXIT_INTERRUPTED;
			w.err = NULL;
			arc_done(&w);
			return rc;
		}
		if (json)
			print_archive(&w.a, true);
		else
			progress(tty, _("%s: %lld files, %s"), w.a.state, (long long)w.a.files_archived,
				 od_size_human(w.a.bytes_archived, size));
		if (od_archive_settled(w.a.state)) {
			rc = strcmp(w.a.state, "preserved") == 0 ? EXIT_OK : EXIT_FAILED;
			if (tty)
				fputc('\n', stderr);
			if (!json)
				print_archive(&w.a, false);
			arc_done(&w);
			return rc;
		}
		arc_done(&w);
		if (!pause_a_second()) {
			if (tty)
				fputc('\n', stderr);
			fprintf(stderr, _("onetui: stopped following; the archive goes on: onetui archive show %s\n"), aid);
			return EXIT_INTERRUPTED;
		}
	}
}

struct ids {
	char **v;
	size_t n;
	struct od_error *err;
};

static bool
on_ids(const char *const *ids, size_t n, void *ud)
{
	struct ids *l = ud;

	l->v = xrealloc(l->v, (l->n + n + 1) * sizeof(*l->v));
	for (size_t i = 0; i < n; i++)
		l->v[l->n++] = xstrdup(ids[i]);
	return true;
}

static void
on_ids_done(struct od_error *err, void *ud)
{
	((struct ids *)ud)->err = err;
}

static int
archive_ls(struct session *s, const struct opts *o, const char *arg)
{
	static const char *const titles[] = { N_("ARCHIVE"), N_("STATE"), N_("FILES"), N_("SIZE"), N_("LAYOUT"),
					      N_("CREATED") };
	static const bool right[] = { false, false, true, true, false, false };
	const char *tt[OD_ARRAY_SIZE(titles)];
	struct table *t = NULL;
	struct od_space *sp;
	struct ds d;
	struct ids l = { 0 };
	int rc = find_dataset(s, arg, &sp, &d);

	if (rc != EXIT_OK)
		return rc;
	if (!od_archive_list(s->zone, sp, d.id, on_ids, on_ids_done, &l))
		xoom();
	session_run(s);
	if (l.err)
		rc = out_fail(l.err, _("Cannot list the archives of dataset %s"), d.id);
	for (size_t i = 0; i < OD_ARRAY_SIZE(titles); i++)
		tt[i] = _(titles[i]);
	if (o->json)
		printf("[");
	else
		t = table_new(OD_ARRAY_SIZE(titles), tt, right);
	for (size_t i = 0; i < l.n && rc == EXIT_OK; i++) {
		struct arc w;
		char files[24], size[OD_SIZE_BUFSZ], when[OD_TIME_BUFSZ];
		if (!get_archive(s, sp, l.v[i], &w)) {
			rc = w.err ? out_fail(w.err, _("Cannot read archive %s"), l.v[i]) : EXIT_INTERRUPTED;
			w.err = NULL;
		} else if (o->json) {
			char *text = out_json_text(w.raw);
			printf("%s%s", i ? "," : "", text);
			free(text);
		} else {
			snprintf(files, sizeof(files), "%lld", (long long)w.a.files_archived);
			table_add(t, (const char *const[]){ w.a.id, w.a.state, files,
							    od_size_human(w.a.bytes_archived, size),
							    w.a.layout ? w.a.layout : "-",
							    w.a.created > 0 ? od_time_iso(w.a.created, when) : "-" });
		}
		arc_done(&w);
	}
	if (o->json)
		printf("]\n");
	else {
		table_print(t, stdout);
		table_free(t);
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	ds_done(&d);
	return rc;
}

static int
archive_create(struct session *s, const struct opts *o, const char *arg)
{
	struct od_space *sp;
	struct ds d;
	struct answer w = { 0 };
	int rc = find_dataset(s, arg, &sp, &d);

	if (rc != EXIT_OK)
		return rc;
	rc = session_answer(s, od_archive_create(s->zone, sp, d.id, &o->archive, o->description, answer_id, &w), &w,
			    _("Cannot archive dataset %s"), d.id);
	if (rc == EXIT_OK) {
		if (!(o->json && o->wait))
			out_id("archiveId", w.id, o->json);
		if (o->wait)
			rc = follow_archive(s, sp, w.id, o->json);
	}
	free(w.id);
	ds_done(&d);
	return rc;
}

static int
archive_rm(struct session *s, const struct opts *o, struct od_space *sp, const struct od_archive *a)
{
	struct answer w = { 0 };
	int rc = out_confirm_remote(o->yes, xasprintf(_("delete archive %s of dataset %s (%s)?"), a->id,
						      a->dataset_id, a->state));

	if (rc != EXIT_OK)
		return rc;
	return session_answer(s, od_archive_delete(s->zone, sp, a->id, answer_done, &w), &w,
			      _("Cannot delete archive %s"), a->id);
}

/* --- recalls ---------------------------------------------------------------------- */

struct recall_wait {
	struct od_error *err;
	bool got;
	struct od_recall r;
	char *error;		/* a copy of r.error */
};

static void
on_recall(const struct od_recall *r, struct od_error *err, void *ud)
{
	struct recall_wait *w = ud;

	w->err = err;
	if (err)
		return;
	w->got = true;
	w->r = *r;
	w->error = r->error ? xstrdup(r->error) : NULL;
	/* Only the numbers and the error are kept past the call. */
	w->r.archive_id = w->r.dataset_id = w->r.error_file_id = w->r.error = NULL;
}

static void
print_recall(const char *root, const struct recall_wait *w, bool json)
{
	char copied[OD_SIZE_BUFSZ], total[OD_SIZE_BUFSZ];
	struct jw *j;

	if (!json) {
		printf(_("%lld of %lld files copied (%s of %s), %lld failed%s%s\n"), (long long)w->r.files_copied,
		       (long long)w->r.total_files, od_size_human(w->r.bytes_copied, copied),
		       od_size_human(w->r.total_bytes, total), (long long)w->r.files_failed, w->error ? ": " : "",
		       w->error ? w->error : "");
		return;
	}
	j = jw_new(stdout);
	jw_begin_object(j);
	jw_kv_string(j, "rootFileId", root);
	jw_kv_int(j, "startTime", w->r.start_ms);
	jw_kv_int(j, "finishTime", w->r.finish_ms);
	jw_kv_int(j, "totalFileCount", w->r.total_files);
	jw_kv_int(j, "totalByteSize", w->r.total_bytes);
	jw_kv_int(j, "filesCopied", w->r.files_copied);
	jw_kv_int(j, "bytesCopied", w->r.bytes_copied);
	jw_kv_int(j, "filesFailed", w->r.files_failed);
	jw_kv_string(j, "lastError", w->error);
	jw_end_object(j);
	jw_free(j);
	putchar('\n');
	fflush(stdout);
}

/* Poll the recall until it finishes; exit 0 when every file was copied. */
static int
follow_recall(struct session *s, struct od_space *sp, const char *root, bool json)
{
	bool tty = isatty(STDERR_FILENO) && !json;

	for (;;) {
		struct recall_wait w = { 0 };
		char copied[OD_SIZE_BUFSZ], total[OD_SIZE_BUFSZ];
		bool done;
		if (!od_recall_get(s->zone, sp, root, on_recall, &w))
			xoom();
		session_run(s);
		if (!w.got) {
			int rc = w.err ? out_fail(w.err, _("Cannot follow the recall")) : EXIT_INTERRUPTED;
			if (tty)
				fputc('\n', stderr);
			return rc;
		}
		done = w.r.finish_ms >= 0;
		if (json)
			print_recall(root, &w, true);
		else
			progress(tty, _("recall: %lld/%lld files, %s of %s"), (long long)(w.r.files_copied > 0 ? w.r.files_copied : 0),
				 (long long)w.r.total_files, od_size_human(w.r.bytes_copied > 0 ? w.r.bytes_copied : 0, copied),
				 od_size_human(w.r.total_bytes, total));
		if (done) {
			int rc = w.r.files_failed <= 0 && w.r.files_copied == w.r.total_files ? EXIT_OK : EXIT_FAILED;
			if (tty)
				fputc('\n', stderr);
			if (!json)
				print_recall(root, &w, false);
			if (rc != EXIT_OK && !json)
				out_error(_("the recall ended before every file was copied"));
			free(w.error);
			return rc;
		}
		free(w.error);
		if (!pause_a_second()) {
			if (tty)
				fputc('\n', stderr);
			fprintf(stderr, _("onetui: stopped following; the recall goes on\n"));
			return EXIT_INTERRUPTED;
		}
	}
}

static int
archive_recall(struct session *s, const struct opts *o, const char *aid, const char *target)
{
	struct target_stat st;
	struct od_space *sp;
	struct answer w = { 0 };
	int rc = session_stat_target(s, target, &sp, &st);

	if (rc != EXIT_OK)
		return rc;
	if (st.type != OD_FILE_DIR) {
		out_error(_("%s is not a directory: an archive is recalled into one"), target);
		target_stat_done(&st);
		return EXIT_USAGE;
	}
	rc = session_answer(s, od_archive_recall(s->zone, sp, aid, st.file_id, o->name, answer_id, &w), &w,
			    _("Cannot recall archive %s"), aid);
	target_stat_done(&st);
	if (rc == EXIT_OK) {
		if (!(o->json && o->wait))
			out_id("rootFileId", w.id, o->json);
		if (o->wait)
			rc = follow_recall(s, sp, w.id, o->json);
	}
	free(w.id);
	return rc;
}

static int
archive_verb(struct session *s, const struct opts *o, const char *verb, char **args)
{
	struct od_space *sp;
	struct arc w;
	int rc;

	if (strcmp(verb, "ls") == 0)
		return archive_ls(s, o, args[0]);
	if (strcmp(verb, "create") == 0)
		return archive_create(s, o, args[0]);
	if (strcmp(verb, "recall") == 0)
		return archive_recall(s, o, args[0], args[1]);
	if ((rc = find_archive(s, args[0], &sp, &w)) != EXIT_OK)
		return rc;
	if (strcmp(verb, "rm") == 0)
		rc = archive_rm(s, o, sp, &w.a);
	else if (o->wait)
		rc = follow_archive(s, sp, w.a.id, o->json);
	else
		print_archive(&w.a, o->json);
	arc_done(&w);
	return rc;
}

static int
archive_exec(struct global_opts *g, int argc, char **argv)
{
	static const char *const verbs[] = { "ls", "create", "show", "rm", "recall" };
	struct opts o = { 0 };
	int c;

	od_archive_config_init(&o.archive);
	while ((c = cmd_getopt(&cmd_archive_entry, g, argc, argv)) != CMD_OPT_END) {
		if (c == CMD_OPT_EXIT)
			return cmd_exit_status;
		if (common_option(c, &o))
			continue;
		switch (c) {
		case OPT_LAYOUT:
			if (strcmp(optarg, "plain") != 0 && strcmp(optarg, "bagit") != 0)
				return cmd_usage_error(&cmd_archive_entry, _("--layout is plain or bagit"));
			o.archive.layout = optarg[0] == 'b' ? OD_ARCHIVE_BAGIT : OD_ARCHIVE_PLAIN;
			break;
		case OPT_DIP: o.archive.include_dip = true; break;
		case OPT_NESTED: o.archive.nested = true; break;
		case OPT_NO_FOLLOW: o.archive.follow_symlinks = false; break;
		case OPT_INCREMENTAL: o.archive.incremental = true; break;
		case OPT_BASE: o.archive.incremental = true; o.archive.based_on = optarg; break;
		case OPT_DESCRIPTION: o.description = optarg; break;
		case OPT_NAME: o.name = optarg; break;
		}
	}
	return exec_verbs(&cmd_archive_entry, g, &o, argc, argv, verbs, OD_ARRAY_SIZE(verbs), "recall", archive_verb);
}

static const struct option archive_options[] = {
	CMD_JSON_OPTION,
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "layout", required_argument, NULL, OPT_LAYOUT },
	{ "dip", no_argument, NULL, OPT_DIP },
	{ "nested", no_argument, NULL, OPT_NESTED },
	{ "no-follow-symlinks", no_argument, NULL, OPT_NO_FOLLOW },
	{ "incremental", no_argument, NULL, OPT_INCREMENTAL },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "description", required_argument, NULL, OPT_DESCRIPTION },
	{ "name", required_argument, NULL, OPT_NAME },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_archive_entry = {
	.name = "archive",
	.usage = N_("ls DATASET | create [--layout plain|bagit] [--dip] [--nested] [--no-follow-symlinks] "
		    "[--incremental] [--base ARCHIVEID] [--description TEXT] [--wait] DATASET | "
		    "show [--wait] ARCHIVEID | rm [--yes] ARCHIVEID | "
		    "recall [--name NAME] [--wait] ARCHIVEID SPACE/PATH  [--json]"),
	.summary = N_("archives of datasets: create, list, show, delete, and recall into a directory"),
	.shortopts = "",
	.longopts = archive_options,
	.exec = archive_exec,
};
