/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest-new.c: n in the Ingest view, a session set up in a few
 * questions: the local folder (Tab completes), the folder of a space it
 * goes to (the tree's selection offered), whether it is watched while an
 * instrument writes or sent once as it is, when a watch ends (when told,
 * at a marker file, after a quiet time), what else to do (keep versions,
 * establish a dataset, protect it at the end, poll, temporary files too),
 * and the metadata of a template of the configuration. All of it is said
 * in one question before anything is made; then the destination is made
 * ready (ingest-prep.h) and the session starts (ingest-view.c).
 *
 * r takes up a stopped session the same way, with the configuration's
 * settings: the same folder into the same destination is the same
 * session, which its journal continues. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/ingest-prep.h"
#include "onetui/ingest.h"
#include "onetui/str.h"
#include "tui/tui.h"
#include "xmalloc.h"

#define DEFAULT_MARKER "acquisition.done"
#define DEFAULT_IDLE "1h"
/* A metadata sidecar larger than this is no sidecar. */
#define SIDECAR_MAX (4u << 20)

enum end_rule { END_ASKED, END_MARKER, END_IDLE };

/* The options' checklist, in order. */
enum option { O_VERSIONS, O_DATASET, O_PROTECT_DATA, O_PROTECT_METADATA, O_POLL, O_GLOBS, O_ALL_FILES, O_COUNT };

static struct {
	struct app *a;
	bool busy;		/* a session is being set up */
	struct od_op *op;	/* the destination being made ready */
	char *source;		/* absolute */
	struct od_space *space;
	char *dest;		/* inside the space, without slashes around */
	char *target;		/* "SPACE/dest" as shown */
	bool once;
	enum end_rule end;
	char *marker;
	int64_t idle_ms;
	bool opt[O_COUNT];
	char **include, **exclude;	/* globs the user gave */
	size_t n_include, n_exclude;
	long stable_ms, poll_ms;	/* a session taken up: its own; 0: the configuration's */
	char *xattrs;		/* the template's attributes (JSON), or NULL */
	char *template_name;
	char *document, *sidecar;	/* the JSON metadata document and its file (JSON or YAML), or NULL */
} nw;

static void
free_globs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
reset(void)
{
	free_globs(nw.include, nw.n_include);
	free_globs(nw.exclude, nw.n_exclude);
	free(nw.source);
	free(nw.dest);
	free(nw.target);
	free(nw.marker);
	free(nw.xattrs);
	free(nw.template_name);
	free(nw.document);
	free(nw.sidecar);
	memset(&nw, 0, sizeof(nw));
}

void
ingest_new_done(void)
{
	if (nw.op)
		od_op_cancel(nw.op);	/* its callback resets */
	reset();
}

static void
cancelled(struct app *a)
{
	app_message(a, _("No session was started"));
	reset();
}

/* --- starting -------------------------------------------------------------------------- */

/* The session as set up, with the configuration's settings. */
static void
start(struct app *a, const char *file_id, const char *dataset_id)
{
	const struct od_config *cfg = a->s.cfg;
	struct od_ingest_opts o = { .once = nw.once, .keep_versions = nw.opt[O_VERSIONS] };
	struct ingest_start st = { .source = nw.source, .space = nw.space, .dest = nw.dest, .opts = &o,
				   .file_id = file_id, .dataset_id = dataset_id };
	size_t n_temp;
	const char *const *temp = od_ingest_temporary(cfg, &n_temp);
	const char **exclude;

	if (nw.opt[O_ALL_FILES])
		n_temp = 0;
	/* The user's, then the temporary files'; the watch copies them. */
	exclude = xcalloc(nw.n_exclude + n_temp + 1, sizeof(*exclude));
	for (size_t i = 0; i < nw.n_exclude; i++)
		exclude[i] = nw.exclude[i];
	for (size_t i = 0; i < n_temp; i++)
		exclude[nw.n_exclude + i] = temp[i];
	o.watch.exclude = exclude;
	o.watch.n_exclude = nw.n_exclude + n_temp;
	o.watch.include = (const char *const *)nw.include;
	o.watch.n_include = nw.n_include;
	if (nw.opt[O_PROTECT_DATA])
		o.protect = st.protect = OD_PROTECT_DATA | (nw.opt[O_PROTECT_METADATA] ? OD_PROTECT_METADATA : 0);
	o.watch.mode = nw.opt[O_POLL] ? OD_WATCH_POLL : OD_WATCH_AUTO;
	/* A finished folder is complete as it is. */
	o.watch.stable_ms = nw.once ? -1 : nw.stable_ms ? nw.stable_ms : cfg ? (long)cfg->ingest_stable_ms : 0;
	o.watch.poll_ms = nw.poll_ms ? nw.poll_ms : cfg ? (long)cfg->ingest_poll_ms : 0;
	o.end_marker = nw.end == END_MARKER ? nw.marker : NULL;
	o.idle_end_ms = nw.end == END_IDLE ? nw.idle_ms : 0;
	ingest_add(a, &st);
	free(exclude);
	reset();
}

static void
on_prep_note(const struct od_ingest_prep_note *n, void *ud)
{
	struct app *a = ud;

	switch (n->step) {
	case OD_PREP_FOLDER_MADE:
		app_message(a, _("Made the folder %s"), nw.target);
		break;
	case OD_PREP_DATASET_ESTABLISHED:
		app_message(a, _("Established a dataset on %s"), nw.target);
		break;
	case OD_PREP_META_SET:
		app_message(a, _("Set the %s of %s"), od_meta_kind_words(n->kind), nw.target);
		break;
	case OD_PREP_DATASET_EXISTING:
	case OD_PREP_META_SAME:
		break;
	}
}

static void
on_prepared(const struct od_ingest_prep_result *r, struct od_error *err, void *ud)
{
	struct app *a = ud;

	nw.op = NULL;
	if (err) {
		/* The message names the folder and the step. */
		if (od_ingest_prep_no_dataset(err))
			app_error(a, _("%s: tick \"Establish a dataset\" to protect it"), err->message);
		else if (err->kind != OD_ERR_CANCELLED)
			app_error(a, "%s", err->message);
		od_error_free(err);
		reset();
		return;
	}
	start(a, r->file_id, r->dataset_id);
}

/* The destination made ready for what was asked, then the session. */
static void
go(struct app *a)
{
	struct od_ingest_prep p = { .make_dataset = nw.opt[O_DATASET], .need_dataset = nw.opt[O_PROTECT_DATA],
				    .document = nw.document, .xattrs = nw.xattrs };

	if (!p.make_dataset && !p.need_dataset && !p.document && !p.xattrs) {
		start(a, NULL, NULL);
		return;
	}
	app_message(a, _("Making %s ready%s"), nw.target, draw_glyph_ellipsis());
	if (!(nw.op = od_ingest_prepare(a->s.zone, nw.space, nw.dest, &p, on_prep_note, on_prepared, a)))
		xoom();
}

static void
on_go(struct app *a, bool yes, void *ud)
{
	(void)ud;
	if (yes)
		go(a);
	else
		cancelled(a);
}

/* --- the questions, last first ------------------------------------------------------------- */

static void
add_globs(struct od_buf *b, const char *what, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (od_buf_addf(b, "%s %s", i ? "," : what, v[i]))
			xoom();
}

/* Everything in one question. */
static void
ask_go(struct app *a)
{
	struct od_buf b;
	char *q;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_addf(&b, nw.once ? _("Send %s into %s once") : _("Watch %s and send its files into %s"), nw.source,
			nw.target))
		xoom();
	if (!nw.once && od_buf_addf(&b, "%s",
				   nw.end == END_MARKER ? "" : nw.end == END_IDLE ? _(", ending after a quiet time")
											  : _(", until you end it")))
		xoom();
	if (!nw.once && nw.end == END_MARKER && od_buf_addf(&b, _(", until %s appears"), nw.marker))
		xoom();
	if (nw.opt[O_DATASET] && od_buf_addf(&b, "%s", _("; a dataset on it")))
		xoom();
	if (nw.template_name && od_buf_addf(&b, _("; template %s"), nw.template_name))
		xoom();
	if (nw.sidecar && od_buf_addf(&b, _("; the metadata of %s"), nw.sidecar))
		xoom();
	if (nw.opt[O_PROTECT_DATA] &&
	    od_buf_addf(&b, "%s", nw.opt[O_PROTECT_METADATA] ? _("; data and metadata protected at the end")
							     : _("; data protected at the end")))
		xoom();
	if (nw.opt[O_VERSIONS] && od_buf_addf(&b, "%s", _("; versions kept")))
		xoom();
	add_globs(&b, _("; only"), nw.include, nw.n_include);
	add_globs(&b, _("; leaving out"), nw.exclude, nw.n_exclude);
	if (od_buf_addf(&b, "%s", _(". Start?")))
		xoom();
	q = od_buf_steal(&b);
	widget_confirm(a, q, on_go, NULL);
	free(q);
}

static void
on_template(struct app *a, enum template_outcome how, const struct od_template *t, const cJSON *xattrs, void *ud)
{
	(void)ud;
	if (how != TEMPLATE_FILLED) {
		if (how == TEMPLATE_CANCELLED)
			cancelled(a);
		else
			reset();
		return;
	}
	nw.template_name = xstrdup(t->name);
	if (!(nw.xattrs = cJSON_PrintUnformatted(xattrs)))
		xoom();
	ask_go(a);
}

/* A question, after why the last answer was not taken when there was one. */
static char *
asked_again(const char *why, const char *question)
{
	return why ? xasprintf("%s. %s", why, question) : xstrdup(question);
}

static void ask_sidecar(struct app *a, const char *why, const char *initial);

static void
on_sidecar(struct app *a, const char *text, void *ud)
{
	struct od_error *err;
	struct od_buf b;
	char *path;

	(void)ud;
	if (!text) {
		cancelled(a);
		return;
	}
	if (!(path = od_path_absolute(text, true)))
		xoom();
	od_buf_init(&b, SIDECAR_MAX);
	err = od_buf_read_file(&b, path);
	if (!err)
		err = od_ingest_sidecar_read(path, od_buf_str(&b), b.len, &nw.document);
	od_buf_done(&b);
	if (err) {
		/* Asked again, saying why. */
		ask_sidecar(a, err->message, text);
		od_error_free(err);
	} else {
		nw.sidecar = xstrdup(path);
		ask_go(a);
	}
	free(path);
}

static void
ask_sidecar(struct app *a, const char *why, const char *initial)
{
	char *label = asked_again(why, _("The JSON or YAML metadata file (Tab completes)"));

	widget_prompt_path(a, label, initial, on_sidecar, NULL);
	free(label);
}

/* The metadata of the destination: none, a sidecar, or a template. */
enum { META_NONE, META_SIDECAR, META_TEMPLATES };

static void
on_metadata(struct app *a, int choice, void *ud)
{
	char *initial;

	(void)ud;
	if (choice < 0) {
		cancelled(a);
	} else if (choice == META_NONE) {
		ask_go(a);
	} else if (choice == META_SIDECAR) {
		initial = xasprintf("%s/", nw.source);
		ask_sidecar(a, NULL, initial);
		free(initial);
	} else {
		template_form(a, &a->s.cfg->templates[choice - META_TEMPLATES], NULL, 0, on_template, NULL);
	}
}

static void
ask_metadata(struct app *a)
{
	const struct od_config *cfg = a->s.cfg;
	size_t n = cfg ? cfg->n_templates : 0;
	const char **items = xcalloc(META_TEMPLATES + n, sizeof(*items));

	items[META_NONE] = _("None");
	items[META_SIDECAR] = _("A JSON or YAML file (a sidecar beside the data)");
	for (size_t i = 0; i < n; i++)
		items[META_TEMPLATES + i] = cfg->templates[i].description ? cfg->templates[i].description
									  : cfg->templates[i].name;
	widget_choose(a, _("Metadata for the destination?"), items, META_TEMPLATES + n, on_metadata, NULL);
	free(items);
}

static void ask_options(struct app *a);
static void ask_globs(struct app *a, bool include);

/* Globs separated by spaces (a space in a name: '?'). */
static void
split_globs(const char *text, char ***out, size_t *n)
{
	char *copy = xstrdup(text), *save = NULL;

	for (char *g = strtok_r(copy, " \t", &save); g; g = strtok_r(NULL, " \t", &save)) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = xstrdup(g);
	}
	free(copy);
}

static void
on_globs(struct app *a, const char *text, void *ud)
{
	bool include = ud != NULL;

	if (!text) {
		cancelled(a);
		return;
	}
	if (include)
		split_globs(text, &nw.include, &nw.n_include);
	else
		split_globs(text, &nw.exclude, &nw.n_exclude);
	if (include)
		ask_globs(a, false);
	else
		ask_metadata(a);
}

static void
ask_globs(struct app *a, bool include)
{
	widget_prompt(a,
		      include ? _("Send only the files whose name or path matches (globs such as *.tif Data/*, "
				  "separated by spaces; empty: every file)")
			      : _("Leave out the files and folders whose name or path matches (globs, separated by "
				  "spaces; empty: none but the temporary files)"),
		      "", on_globs, NULL, include ? &nw : NULL);
}

static void
on_options(struct app *a, const bool *checked, void *ud)
{
	(void)ud;
	if (!checked) {
		cancelled(a);
		return;
	}
	memcpy(nw.opt, checked, sizeof(nw.opt));
	/* The API refuses metadata protection alone. */
	if (nw.opt[O_PROTECT_METADATA] && !nw.opt[O_PROTECT_DATA]) {
		app_error(a, _("Metadata protection needs data protection"));
		ask_options(a);
		return;
	}
	if (nw.opt[O_GLOBS])
		ask_globs(a, true);
	else
		ask_metadata(a);
}

static void
ask_options(struct app *a)
{
	const char *items[O_COUNT] = {
		[O_VERSIONS] = _("Keep versions of files changed after they were sent (NAME.v2.EXT); else replace them"),
		[O_DATASET] = _("Establish a dataset on the destination"),
		[O_PROTECT_DATA] = _("Protect the dataset's data when the session ends"),
		[O_PROTECT_METADATA] = _("... and its metadata"),
		[O_POLL] = _("Poll the folder (network file systems are found and polled anyway)"),
		[O_GLOBS] = _("Choose the files by name: only some, or some left out (globs)"),
		[O_ALL_FILES] = _("Send temporary files too (*.tmp, ~$*, .DS_Store and the configuration's)"),
	};
	widget_checklist(a, _("Options (Space ticks, Enter goes on)"), items, nw.opt, O_COUNT, on_options, NULL);
}

static void ask_end(struct app *a);

static void
on_marker(struct app *a, const char *text, void *ud)
{
	(void)ud;
	if (!text) {
		cancelled(a);
		return;
	}
	if (!*text || strchr(text, '/')) {
		app_error(a, _("The marker is a file name, without '/'"));
		ask_end(a);
		return;
	}
	nw.marker = xstrdup(text);
	ask_options(a);
}

static void
on_idle(struct app *a, const char *text, void *ud)
{
	(void)ud;
	if (!text) {
		cancelled(a);
		return;
	}
	if (!od_parse_duration_ms(text, false, &nw.idle_ms) || !nw.idle_ms) {
		app_error(a, _("\"%s\" is not a time such as 30m, 2h or 600 (seconds)"), text);
		ask_end(a);
		return;
	}
	ask_options(a);
}

static void
on_end(struct app *a, int choice, void *ud)
{
	(void)ud;
	if (choice < 0) {
		cancelled(a);
		return;
	}
	nw.end = (enum end_rule)choice;
	if (nw.end == END_MARKER)
		widget_prompt(a, _("The file that ends the session when it appears in the folder"), DEFAULT_MARKER,
			      on_marker, NULL, NULL);
	else if (nw.end == END_IDLE)
		widget_prompt(a, _("End when no new file came for (30m, 2h...)"), DEFAULT_IDLE, on_idle, NULL, NULL);
	else
		ask_options(a);
}

static void
ask_end(struct app *a)
{
	const char *items[] = { _("When you end it (e in this view)"),
				_("When a marker file appears in the folder (the acquisition software writes it)"),
				_("When no new file came for a while") };

	widget_choose(a, _("When does the session end?"), items, OD_ARRAY_SIZE(items), on_end, NULL);
}

static void
on_kind(struct app *a, int choice, void *ud)
{
	(void)ud;
	if (choice < 0) {
		cancelled(a);
		return;
	}
	nw.once = choice == 1;
	if (nw.once)
		ask_options(a);
	else
		ask_end(a);
}

static void
ask_kind(struct app *a)
{
	const char *items[] = { _("Watch it: each file goes once it is complete, until the session ends"),
				_("Ingest it: what is there now goes, then the session ends") };

	widget_choose(a, _("While the instrument writes, or a finished folder?"), items, OD_ARRAY_SIZE(items),
		      on_kind, NULL);
}

static void ask_target(struct app *a, const char *why, const char *initial);

/* "SPACE/PATH": the space, and the path without slashes around. */
static void
on_target(struct app *a, const char *text, void *ud)
{
	const char *slash, *path;
	struct od_error *err;
	char *name;

	(void)ud;
	if (!text) {
		cancelled(a);
		return;
	}
	text += strspn(text, "/");
	slash = strchr(text, '/');
	name = slash ? xstrndup(text, (size_t)(slash - text)) : xstrdup(text);
	if (!*name) {
		free(name);
		ask_target(a, _("Name a space first"), text);
		return;
	}
	if ((err = od_zone_find_space(a->s.zone, name, &nw.space))) {
		ask_target(a, err->message, text);
		od_error_free(err);
		free(name);
		return;
	}
	free(name);
	path = slash ? slash + strspn(slash, "/") : "";
	nw.dest = xstrdup(path);
	while (*nw.dest && nw.dest[strlen(nw.dest) - 1] == '/')
		nw.dest[strlen(nw.dest) - 1] = '\0';
	nw.target = *nw.dest ? xasprintf("%s/%s", nw.space->name, nw.dest) : xstrdup(nw.space->name);
	ask_kind(a);
}

static void
ask_target(struct app *a, const char *why, const char *initial)
{
	char *label = asked_again(why, _("Into which folder of a space (SPACE/PATH, made when missing)"));

	widget_prompt(a, label, initial, on_target, NULL, NULL);
	free(label);
}

/* The tree's selected folder (a file's own folder), then the source's
 * name. */
static char *
suggested_target(void)
{
	struct od_space *s = NULL;
	struct od_node *n = tree_view_selected(&s);
	const char *base = strrchr(nw.source, '/') ? strrchr(nw.source, '/') + 1 : nw.source;
	char *path, *slash;

	if (!n || !s)
		return xstrdup("");
	path = tree_view_path(n);
	if (od_node_kind(n) == OD_NODE_FILE && od_node_type(n) != OD_FILE_DIR && (slash = strrchr(path, '/')))
		*slash = '\0';
	if (*base) {
		char *with = xasprintf("%s/%s", path, base);
		free(path);
		path = with;
	}
	return path;
}

static void ask_source(struct app *a, const char *why, const char *initial);

static void
on_source(struct app *a, const char *text, void *ud)
{
	struct stat st;
	char *path, *why, *initial;

	(void)ud;
	if (!text) {
		cancelled(a);
		return;
	}
	if (!(path = od_path_absolute(text, true))) {
		app_error(a, _("Cannot tell the current folder: %s"), strerror(errno));
		reset();
		return;
	}
	why = stat(path, &st) != 0 ? xasprintf("%s: %s", path, strerror(errno))
	      : !S_ISDIR(st.st_mode) ? xasprintf(_("%s: not a folder"), path)
				     : NULL;
	if (why) {
		ask_source(a, why, text);
		free(why);
		free(path);
		return;
	}
	nw.source = path;
	initial = suggested_target();
	ask_target(a, NULL, initial);
	free(initial);
}

static void
ask_source(struct app *a, const char *why, const char *initial)
{
	char *label = asked_again(why, _("The folder to carry into a space (Tab completes)"));

	widget_prompt_path(a, label, initial, on_source, NULL);
	free(label);
}

void
ingest_new(struct app *a)
{
	char cwd[PATH_MAX], *initial;

	if (nw.busy) {
		app_message(a, _("Still making the last session's destination ready"));
		return;
	}
	if (!a->spaces_loaded) {
		app_message(a, _("Wait until your spaces are read"));
		return;
	}
	reset();
	nw.busy = true;
	nw.a = a;
	initial = getcwd(cwd, sizeof(cwd)) ? xasprintf("%s/", cwd) : xstrdup("");
	ask_source(a, NULL, initial);
	free(initial);
}

/* --- taking a stopped session up ------------------------------------------------------------- */

static void
on_take_up(struct app *a, int choice, void *ud)
{
	(void)ud;
	if (choice < 0) {
		cancelled(a);
		return;
	}
	nw.once = choice == 1;
	go(a);
}

static char **
copy_globs(const char *const *v, size_t n)
{
	char **copy = xcalloc(n + 1, sizeof(*copy));

	for (size_t i = 0; i < n; i++)
		copy[i] = xstrdup(v[i]);
	return copy;
}

/* The options the session last ran with, as its journal says. */
static void
take_opts(const struct od_ingest_opts *o)
{
	nw.include = copy_globs(o->watch.include, o->watch.n_include);
	nw.n_include = o->watch.n_include;
	nw.exclude = copy_globs(o->watch.exclude, o->watch.n_exclude);
	nw.n_exclude = o->watch.n_exclude;
	/* The temporary files' globs are in the list already. */
	nw.opt[O_ALL_FILES] = true;
	nw.opt[O_VERSIONS] = o->keep_versions;
	nw.opt[O_POLL] = o->watch.mode == OD_WATCH_POLL;
	nw.opt[O_PROTECT_DATA] = o->protect & OD_PROTECT_DATA;
	nw.opt[O_PROTECT_METADATA] = o->protect & OD_PROTECT_METADATA;
	/* A finished folder's "complete at once" is no rule for a watch. */
	nw.stable_ms = o->watch.stable_ms > 0 ? o->watch.stable_ms : 0;
	nw.poll_ms = o->watch.poll_ms;
	if (o->end_marker) {
		nw.end = END_MARKER;
		nw.marker = xstrdup(o->end_marker);
	} else if (o->idle_end_ms) {
		nw.end = END_IDLE;
		nw.idle_ms = o->idle_end_ms;
	}
}

void
ingest_take_up(struct app *a, const struct od_ingest_info *info)
{
	const char *items[2];
	struct od_error *err;
	char *title, *how;

	if (nw.busy) {
		app_message(a, _("Still making the last session's destination ready"));
		return;
	}
	if (strcmp(info->zone, od_zone_origin(a->s.zone)) != 0) {
		app_message(a, _("That session goes to another zone"));
		return;
	}
	reset();
	if ((err = od_zone_find_space(a->s.zone, info->space_id, &nw.space))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		return;
	}
	nw.busy = true;
	nw.source = xstrdup(info->source);
	nw.dest = xstrdup(info->dest);
	nw.target = *nw.dest ? xasprintf("%s/%s", nw.space->name, nw.dest) : xstrdup(nw.space->name);
	if (info->has_opts)
		take_opts(&info->opts);
	how = nw.end == END_MARKER ? xasprintf(_("Watch it again, until %s appears"), nw.marker)
	      : nw.end == END_IDLE ? xstrdup(_("Watch it again, until no new file comes for a while"))
				   : xstrdup(_("Watch it again, until you end it"));
	items[0] = how;
	items[1] = _("Send what is there, then end");
	title = info->has_opts ? xasprintf(_("Take up session %s, as it ran before"), info->id)
			       : xasprintf(_("Take up session %s, with the configuration's settings"), info->id);
	widget_choose_at(a, title, items, OD_ARRAY_SIZE(items), info->has_opts && info->opts.once, on_take_up, NULL);
	free(title);
	free(how);
}
