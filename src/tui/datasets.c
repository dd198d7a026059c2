/* SPDX-License-Identifier: GPL-3.0-or-later */
/* datasets.c: D in the tree: the selected item's dataset, from the
 * interface. On a file or folder without one: establish it (plain, data
 * protected, or immutable). On a dataset (or an item that has one):
 * protect or unprotect it, detach or reattach it, remove it, archive it,
 * list its archives with their state and size, recall one into a
 * folder, followed until the copy ends, or delete one. One action runs at
 * a time. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/attrs.h"
#include "onetui/buf.h"
#include "onetui/dataset.h"
#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/provider.h"
#include "onetui/report.h"
#include "onetui/str.h"
#include "tui/tui.h"
#include "xmalloc.h"

/* How often a recall is looked at while it runs. */
#define RECALL_POLL_MS 1000

enum choice {
	C_ESTABLISH,
	C_ESTABLISH_DATA,
	C_ESTABLISH_ALL,
	C_PROTECT_DATA,
	C_PROTECT_ALL,
	C_UNPROTECT,
	C_DETACH,
	C_REATTACH,
	C_REMOVE,
	C_ARCHIVE,
	C_ARCHIVE_BAGIT,
	C_ARCHIVES,
	C_RECALL,
	C_DELETE_ARCHIVE,
};

/* What the archives are read for. */
enum reading { R_LIST, R_RECALL, R_DELETE };

static struct {
	struct app *a;
	struct od_space *space;
	char *file_id;		/* the item (a dataset's root) */
	char *path;		/* as the tree shows it */
	char *dataset_id;	/* its dataset, or NULL */
	char *state;		/* the dataset's */
	unsigned protection;
	enum choice offered[14];
	size_t n_offered;
	enum reading reading;
	char **archives;	/* ids, newest first */
	size_t n_archives;
	struct od_buf listing;	/* the archives described, as they are read */
	size_t described;
	char **preserved;	/* archives offered (preserved ones for a recall): ids, */
	char **preserved_lines;	/* ... and lines to choose from */
	size_t n_preserved;
	char *recall_archive;	/* the archive chosen (to recall or delete) */
	char *recall_root;	/* the recall's root file id, once made */
	char *recall_path;	/* where it goes, as shown */
	long long next_poll_ms;	/* a recall followed; 0: none */
	struct od_op *op;
	bool open;
} ds;

static void
free_list(char ***v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

static void
finish(void)
{
	free(ds.file_id);
	free(ds.path);
	free(ds.dataset_id);
	free(ds.state);
	free_list(&ds.archives, &ds.n_archives);
	for (size_t i = 0; i < ds.n_preserved; i++)
		free(ds.preserved_lines[i]);
	free(ds.preserved_lines);
	free_list(&ds.preserved, &ds.n_preserved);
	od_buf_done(&ds.listing);
	free(ds.recall_archive);
	free(ds.recall_root);
	free(ds.recall_path);
	memset(&ds, 0, sizeof(ds));
}

void
datasets_done(void)
{
	if (ds.op)
		od_op_cancel(ds.op);	/* its callback runs and finishes */
	finish();
}

/* Whether an answer failed: then said (not when cancelled) and over. */
static bool
failed(struct od_error *err, const char *what)
{
	ds.op = NULL;
	if (!err)
		return false;
	if (err->kind != OD_ERR_CANCELLED)
		app_error(ds.a, "%s: %s", what, err->message);
	od_error_free(err);
	finish();
	return true;
}

/* A change was made: say so, show the tree and panes afresh. */
static void
changed(const char *what)
{
	struct app *a = ds.a;

	app_message(a, "%s", what);
	finish();
	tree_view_request(a, REQ_REFRESH);
}

static void
started(struct od_op *op)
{
	if (!op)
		xoom();
	ds.op = op;
}

/* --- the changes ------------------------------------------------------------------ */

static void
on_established(const char *id, struct od_error *err, void *ud)
{
	char *what;

	if (failed(err, _("Cannot establish the dataset")))
		return;
	what = xasprintf(_("%s is a dataset now (%s)"), ds.path, od_protection_words(ds.protection));
	changed(what);
	free(what);
}

static void
on_updated(struct od_error *err, void *ud)
{
	if (!failed(err, _("Cannot change the dataset")))
		changed(ud);
}

static void
update(const char *state, unsigned set, unsigned unset, const char *done)
{
	struct od_dataset_change c = { .state = state, .set = set, .unset = unset };

	started(od_dataset_update(ds.a->s.zone, ds.space, ds.dataset_id, &c, on_updated, (void *)done));
}

static void
on_remove(struct app *a, bool yes, void *ud)
{
	if (!yes) {
		finish();
		return;
	}
	started(od_dataset_remove(a->s.zone, ds.space, ds.dataset_id, on_updated, (void *)_("The dataset is removed; "
											    "its files stay")));
}

static void
on_archived(const char *id, struct od_error *err, void *ud)
{
	char *what;

	if (failed(err, _("Cannot archive the dataset")))
		return;
	what = xasprintf(_("The provider builds archive %s of %s; D, then \"Its archives\", shows how far"), id,
			 ds.path);
	changed(what);
	free(what);
}

static void
archive(bool bagit)
{
	struct od_archive_config c;

	od_archive_config_init(&c);
	c.layout = bagit ? OD_ARCHIVE_BAGIT : OD_ARCHIVE_PLAIN;
	started(od_archive_create(ds.a->s.zone, ds.space, ds.dataset_id, &c, NULL, on_archived, NULL));
}

/* --- archives: listed, described, recalled ------------------------------------------ */

static bool
on_archive_ids(const char *const *ids, size_t n, void *ud)
{
	ds.archives = xrealloc(ds.archives, (ds.n_archives + n) * sizeof(*ds.archives));
	for (size_t i = 0; i < n; i++)
		ds.archives[ds.n_archives++] = xstrdup(ids[i]);
	return true;
}

static void describe_next(void);

/* One archive read: a line of the list, or an archive to offer. */
static void
on_archive(const struct od_archive *ar, struct od_error *err, void *ud)
{
	char size[OD_SIZE_BUFSZ], when[OD_TIME_BUFSZ];
	size_t k = ds.n_preserved;

	if (err && err->kind == OD_ERR_CANCELLED) {
		failed(err, "");
		return;
	}
	ds.op = NULL;
	if (err) {
		if (od_buf_addf(&ds.listing, "%s  %s\n", ds.archives[ds.described], err->message))
			xoom();
		od_error_free(err);
	} else if ((ds.reading == R_RECALL && od_str_eq(ar->state, "preserved")) || ds.reading == R_DELETE) {
		ds.preserved = xrealloc(ds.preserved, (k + 1) * sizeof(*ds.preserved));
		ds.preserved_lines = xrealloc(ds.preserved_lines, (k + 1) * sizeof(*ds.preserved_lines));
		ds.preserved[k] = xstrdup(ar->id);
		ds.preserved_lines[k] = xasprintf("%s  %s  %s  %s", od_time_short(ar->created, when), ar->state,
						  od_size_human(ar->bytes_archived, size),
						  ar->description ? ar->description : ar->id);
		ds.n_preserved++;
	} else if (ds.reading == R_LIST &&
		   od_buf_addf(&ds.listing, "%s  %-11s %6lld files %9s  %s  %s  %s\n", ar->id, ar->state,
			       (long long)ar->files_archived, od_size_human(ar->bytes_archived, size),
			       od_time_short(ar->created, when), ar->layout ? ar->layout : "",
			       ar->description ? ar->description : "")) {
		xoom();
	}
	ds.described++;
	describe_next();
}

static void ask_recall_target(struct app *a, int choice, void *ud);
static void ask_delete(struct app *a, int choice, void *ud);

/* Read the archives one by one; then show them, or offer the preserved
 * ones for a recall. */
static void
describe_next(void)
{
	char *title;

	if (ds.described < ds.n_archives) {
		started(od_archive_get(ds.a->s.zone, ds.space, ds.archives[ds.described], on_archive, NULL));
		return;
	}
	if (ds.reading == R_LIST) {
		title = xasprintf(_("Archives of %s"), ds.path);
		widget_popup(ds.a, title, ds.n_archives ? od_buf_str(&ds.listing) : _("None yet: D archives it."));
		free(title);
		finish();
	} else if (ds.n_preserved == 0) {
		app_message(ds.a, ds.reading == R_RECALL ? _("%s has no preserved archive to recall")
							 : _("%s has no archive"), ds.path);
		finish();
	} else {
		widget_choose(ds.a, ds.reading == R_RECALL ? _("Recall which archive?") : _("Delete which archive?"),
			      (const char *const *)ds.preserved_lines, ds.n_preserved,
			      ds.reading == R_RECALL ? ask_recall_target : ask_delete, NULL);
	}
}

static void
on_archives_listed(struct od_error *err, void *ud)
{
	if (!failed(err, _("Cannot list the archives")))
		describe_next();
}

static void
list_archives(enum reading reading)
{
	od_buf_init(&ds.listing, OD_BUF_UNLIMITED);
	ds.reading = reading;
	started(od_archive_list(ds.a->s.zone, ds.space, ds.dataset_id, on_archive_ids, on_archives_listed, NULL));
}

static void
on_recall_progress(const struct od_recall *r, struct od_error *err, void *ud)
{
	char size[OD_SIZE_BUFSZ], total[OD_SIZE_BUFSZ];
	char *what;

	if (failed(err, _("Cannot follow the recall")))
		return;
	if (r->finish_ms < 0) {
		app_message(ds.a, _("Recalling into %s: %lld of %lld files, %s of %s"), ds.recall_path,
			    (long long)(r->files_copied > 0 ? r->files_copied : 0), (long long)r->total_files,
			    od_size_human(r->bytes_copied > 0 ? r->bytes_copied : 0, size),
			    od_size_human(r->total_bytes, total));
		ds.next_poll_ms = od_now_ms() + RECALL_POLL_MS;
		return;
	}
	what = r->error ? xasprintf(_("The recall into %s ended with an error: %s"), ds.recall_path, r->error)
			: xasprintf(_("The recall into %s is complete: %lld files, %s"), ds.recall_path,
				    (long long)r->total_files, od_size_human(r->total_bytes, total));
	changed(what);
	free(what);
}

long
datasets_tick(struct app *a)
{
	long long now;

	if (!ds.next_poll_ms)
		return -1;
	now = od_now_ms();
	if (now < ds.next_poll_ms)
		return (long)(ds.next_poll_ms - now);
	ds.next_poll_ms = 0;
	started(od_recall_get(a->s.zone, ds.space, ds.recall_root, on_recall_progress, NULL));
	return -1;
}

static void
on_recall_started(const char *root_id, struct od_error *err, void *ud)
{
	if (failed(err, _("Cannot recall the archive")))
		return;
	ds.recall_root = xstrdup(root_id);
	ds.next_poll_ms = od_now_ms();
	app_message(ds.a, _("Recalling into %s%s"), ds.recall_path, draw_glyph_ellipsis());
}

/* The folder the recall goes into is known: start it. */
static void
on_recall_parent(const char *parent_id, struct od_error *err, void *ud)
{
	const char *slash = strrchr(ds.recall_path, '/');

	if (failed(err, _("Cannot find the folder to recall into")))
		return;
	started(od_archive_recall(ds.a->s.zone, ds.space, ds.recall_archive, parent_id, slash + 1,
				  on_recall_started, NULL));
}

static void
on_recall_path(struct app *a, const char *text, void *ud)
{
	size_t prefix = strlen(ds.space->name);
	const char *slash = text ? strrchr(text, '/') : NULL;
	char *rel;

	if (!text) {
		finish();
		return;
	}
	/* SPACE/FOLDER.../NAME: the space's name first, a new name last. */
	if (strncmp(text, ds.space->name, prefix) != 0 || text[prefix] != '/' || !slash || !slash[1]) {
		app_error(a, _("Give the place as %s/FOLDER/NAME (the folder may be the space itself)"), ds.space->name);
		finish();
		return;
	}
	ds.recall_path = xstrdup(text);
	rel = slash > text + prefix ? xstrndup(text + prefix + 1, (size_t)(slash - text - prefix - 1)) : xstrdup("");
	started(od_provider_resolve(a->s.zone, ds.space, rel, on_recall_parent, NULL));
	free(rel);
}

static void
on_deleted(struct od_error *err, void *ud)
{
	if (!failed(err, _("Cannot delete the archive")))
		changed(_("The provider deletes the archive; D, then \"Its archives\", shows how far"));
}

static void
on_delete_confirmed(struct app *a, bool yes, void *ud)
{
	if (!yes) {
		finish();
		return;
	}
	started(od_archive_delete(a->s.zone, ds.space, ds.recall_archive, on_deleted, NULL));
}

static void
ask_delete(struct app *a, int choice, void *ud)
{
	char *question;

	if (choice < 0) {
		finish();
		return;
	}
	ds.recall_archive = xstrdup(ds.preserved[choice]);
	question = xasprintf(_("Delete archive %s of %s? Its files are purged."), ds.recall_archive, ds.path);
	widget_confirm(a, question, on_delete_confirmed, NULL);
	free(question);
}

static void
ask_recall_target(struct app *a, int choice, void *ud)
{
	char *initial, *label, day[OD_TIME_BUFSZ];

	if (choice < 0) {
		finish();
		return;
	}
	ds.recall_archive = xstrdup(ds.preserved[choice]);
	initial = xasprintf("%s (recalled %s)", ds.path, od_date_local((int64_t)time(NULL), day));
	label = xasprintf(_("Recall into (%s/FOLDER/NAME)"), ds.space->name);
	widget_prompt(a, label, initial, on_recall_path, NULL, NULL);
	free(initial);
	free(label);
}

/* --- the menu ---------------------------------------------------------------------- */

static const char *
choice_label(enum choice c)
{
	switch (c) {
	case C_ESTABLISH: return _("Establish a dataset here");
	case C_ESTABLISH_DATA: return _("Establish a dataset, its data protected");
	case C_ESTABLISH_ALL: return _("Establish a dataset, immutable (data and metadata protected)");
	case C_PROTECT_DATA: return _("Protect its data");
	case C_PROTECT_ALL: return _("Make it immutable (data and metadata protected)");
	case C_UNPROTECT: return _("Remove its protection");
	case C_DETACH: return _("Detach it (its protection stops applying)");
	case C_REATTACH: return _("Attach it again");
	case C_REMOVE: return _("Remove the dataset (its files stay)");
	case C_ARCHIVE: return _("Archive it now");
	case C_ARCHIVE_BAGIT: return _("Archive it now as a BagIt bag");
	case C_ARCHIVES: return _("Its archives");
	case C_RECALL: return _("Recall an archive into a folder");
	case C_DELETE_ARCHIVE: return _("Delete an archive");
	}
	return "";
}

static void
on_choice(struct app *a, int i, void *ud)
{
	char *question;

	if (i < 0) {
		finish();
		return;
	}
	switch (ds.offered[i]) {
	case C_ESTABLISH:
	case C_ESTABLISH_DATA:
	case C_ESTABLISH_ALL:
		ds.protection = ds.offered[i] == C_ESTABLISH ? 0 : ds.offered[i] == C_ESTABLISH_DATA
			? OD_PROTECT_DATA : OD_PROTECT_DATA | OD_PROTECT_METADATA;
		started(od_dataset_establish(a->s.zone, ds.space, ds.file_id, ds.protection, on_established, NULL));
		break;
	case C_PROTECT_DATA: update(NULL, OD_PROTECT_DATA, 0, _("Its data is protected now")); break;
	case C_PROTECT_ALL:
		update(NULL, OD_PROTECT_DATA | OD_PROTECT_METADATA, 0, _("It is immutable now: data and metadata"));
		break;
	case C_UNPROTECT:
		update(NULL, 0, OD_PROTECT_DATA | OD_PROTECT_METADATA, _("Its protection is removed"));
		break;
	case C_DETACH: update("detached", 0, 0, _("The dataset is detached")); break;
	case C_REATTACH: update("attached", 0, 0, _("The dataset is attached again")); break;
	case C_REMOVE:
		question = xasprintf(_("Remove the dataset of %s? Its files stay; its archives must be deleted first."),
				     ds.path);
		widget_confirm(a, question, on_remove, NULL);
		free(question);
		break;
	case C_ARCHIVE: archive(false); break;
	case C_ARCHIVE_BAGIT: archive(true); break;
	case C_ARCHIVES: list_archives(R_LIST); break;
	case C_RECALL: list_archives(R_RECALL); break;
	case C_DELETE_ARCHIVE: list_archives(R_DELETE); break;
	}
}

static void
offer(enum choice c)
{
	ds.offered[ds.n_offered++] = c;
}

static void
show_menu(void)
{
	const char *labels[OD_ARRAY_SIZE(ds.offered)];
	/* Short: the path is under the cursor, and a title is clipped. */
	char *title = ds.dataset_id ? xasprintf(_("Dataset: %s, %s"), ds.state, od_protection_words(ds.protection))
				    : xstrdup(_("No dataset of its own yet"));

	for (size_t i = 0; i < ds.n_offered; i++)
		labels[i] = choice_label(ds.offered[i]);
	widget_choose(ds.a, title, labels, ds.n_offered, on_choice, NULL);
	free(title);
}

static void
on_dataset(const struct od_dataset *d, struct od_error *err, void *ud)
{
	bool attached;

	if (failed(err, _("Cannot read the dataset")))
		return;
	attached = od_str_eq(d->state, "attached");
	ds.state = xstrdup(d->state);
	ds.protection = d->protection;
	if (!ds.file_id)
		ds.file_id = xstrdup(d->root_file_id);
	if (attached && !(d->protection & OD_PROTECT_DATA))
		offer(C_PROTECT_DATA);
	if (attached && !(d->protection & OD_PROTECT_METADATA))
		offer(C_PROTECT_ALL);
	if (attached && d->protection)
		offer(C_UNPROTECT);
	offer(attached ? C_DETACH : C_REATTACH);
	offer(C_ARCHIVE);
	offer(C_ARCHIVE_BAGIT);
	offer(C_ARCHIVES);
	offer(C_RECALL);
	offer(C_DELETE_ARCHIVE);
	offer(C_REMOVE);
	show_menu();
}

static void
read_dataset(void)
{
	started(od_dataset_get(ds.a->s.zone, ds.space, ds.dataset_id, on_dataset, NULL));
}

static void
on_summary(const struct od_dataset_summary *sum, struct od_error *err, void *ud)
{
	if (failed(err, _("Cannot tell the item's dataset")))
		return;
	if (sum->direct) {
		ds.dataset_id = xstrdup(sum->direct);
		read_dataset();
		return;
	}
	ds.protection = sum->protection;
	offer(C_ESTABLISH);
	offer(C_ESTABLISH_DATA);
	offer(C_ESTABLISH_ALL);
	show_menu();
}

void
datasets_start(struct app *a)
{
	struct od_space *space;
	struct od_node *n = tree_view_selected(&space);
	enum od_node_kind kind = n ? od_node_kind(n) : OD_NODE_FILE;

	if (ds.a) {
		app_message(a, _("A dataset action is still under way"));
		return;
	}
	if (!n || !space || kind == OD_NODE_DATASETS || (kind == OD_NODE_FILE && !od_node_parent(n))) {
		app_message(a, a->share_id ? _("A public share is read-only")
					   : _("Select a file, folder or dataset (not a space) for D"));
		return;
	}
	ds.a = a;
	ds.space = space;
	ds.path = tree_view_path(n);
	if (kind == OD_NODE_DATASET) {
		ds.dataset_id = od_node_id(n);
		ds.file_id = xstrdup(od_node_root_file_id(n));
		if (!ds.dataset_id)
			xoom();
		read_dataset();
		return;
	}
	if (!(ds.file_id = od_node_id(n)))
		xoom();
	started(od_file_dataset_summary(a->s.zone, space, ds.file_id, on_summary, NULL));
}
