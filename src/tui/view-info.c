/* SPDX-License-Identifier: GPL-3.0-or-later */
/* view-info.c: the Info pane: everything known about the selected item,
 * loaded in the background. Loading starts a moment after the selection
 * settles and what is no longer selected is cancelled, so holding PgDn
 * does not flood the provider with requests. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/provider.h"
#include "onetui/report.h"
#include "onetui/str.h"
#include "tui/draw.h"
#include "tui/tui.h"
#include "xmalloc.h"

#define SETTLE_MS 120

/* One line of the pane. */
struct line {
	char *label;		/* onetui's own text, or NULL for a line without one */
	char *value;		/* may hold remote text: drawn sanitised */
	enum color color;
};

static struct {
	struct app *a;
	char *file_id;		/* the item shown */
	struct od_space *space;
	bool is_space;
	bool in_share;		/* public share data: its attributes are all there is */
	long long due_ms;	/* when loading starts; 0: not waiting */
	enum od_node_kind kind;
	bool detached_root;	/* the row of a space's detached datasets */
	bool unreachable;	/* a space without a supporting provider */
	char *root_file_id;	/* a dataset's */
	struct od_op *resolving;	/* a space's root directory */
	struct od_op *reading;		/* a dataset's record */
	struct {
		char *state, *parent_id, *root_path;
		unsigned protection, effective;
		int64_t created, archives;
		bool root_deleted;
		char *error;
	} ds;
	bool have_ds;
	struct od_report *report;
	char *error;		/* why the root directory is not known */
	struct line *lines;
	size_t n_lines, cap_lines;
	bool stale;		/* lines must be built again */
	size_t top;
} iv;

/* Something shown changed: build the lines again at the next drawing. */
static void
changed(void)
{
	iv.stale = true;
	app_dirty(iv.a);
}

static void
forget(void)
{
	od_op_cancel(iv.resolving);
	iv.resolving = NULL;
	od_op_cancel(iv.reading);
	iv.reading = NULL;
	free(iv.ds.state);
	free(iv.ds.parent_id);
	free(iv.ds.root_path);
	free(iv.ds.error);
	memset(&iv.ds, 0, sizeof(iv.ds));
	iv.have_ds = false;
	free(iv.root_file_id);
	iv.root_file_id = NULL;
	od_report_cancel(iv.report);
	iv.report = NULL;
	free(iv.error);
	iv.error = NULL;
	free(iv.file_id);
	iv.file_id = NULL;
	iv.top = 0;
}

void
info_view_init(struct app *a)
{
	memset(&iv, 0, sizeof(iv));
	iv.a = a;
	iv.stale = true;
}

static void
clear_lines(void)
{
	for (size_t i = 0; i < iv.n_lines; i++) {
		free(iv.lines[i].label);
		free(iv.lines[i].value);
	}
	iv.n_lines = 0;
}

void
info_view_done(void)
{
	forget();
	clear_lines();
	free(iv.lines);
	memset(&iv, 0, sizeof(iv));
}

void
info_view_select(struct app *a, struct od_node *n, struct od_space *s)
{
	char *id = n ? od_node_id(n) : NULL;

	if (n && !id)
		xoom();
	/* The same item again (a refresh): load it once more. */
	forget();
	iv.file_id = id;
	iv.space = s ? s : n ? od_node_space(a->tree, n) : NULL;
	iv.is_space = n && !od_node_parent(n) && iv.space;
	iv.in_share = n && !iv.space && od_node_share_id(a->tree, n);
	iv.kind = n ? od_node_kind(n) : OD_NODE_FILE;
	if (iv.kind == OD_NODE_DATASET)
		iv.root_file_id = xstrdup(od_node_root_file_id(n));
	/* The detached datasets' row has nothing to load. */
	iv.detached_root = iv.is_space && iv.kind == OD_NODE_DATASETS && od_node_dataset_flags(n) & OD_NODE_DETACHED;
	/* Nor has a space that no provider supports. */
	iv.unreachable = iv.is_space && iv.space && iv.space->n_supports == 0;
	iv.due_ms = n && !iv.detached_root && !iv.unreachable ? od_now_ms() + SETTLE_MS : 0;
	changed();
}

static void
on_part(struct od_report *r, enum od_part part, void *ud)
{
	const struct od_error *err = r->error[part];

	if (r->state[part] == OD_PART_FAILED && err->kind != OD_ERR_CANCELLED)
		app_error(iv.a, "%s", err->message);
	changed();
}

static void
start_report(const char *file_id)
{
	iv.report = od_report_start(iv.a->s.zone, iv.space, file_id,
				    iv.in_share ? 1u << OD_PART_ATTRS : OD_PARTS_ALL, on_part, NULL);
	if (!iv.report)
		xoom();
	changed();
}

/* A space's node is named by the space id: its report is about the root
 * directory, whose file id may have to be asked for first. */
static void
on_root(const char *file_id, struct od_error *err, void *ud)
{
	if (err && err->kind == OD_ERR_CANCELLED) {
		/* forget() dropped it; iv may describe another item by now. */
		od_error_free(err);
		return;
	}
	iv.resolving = NULL;
	if (err) {
		iv.error = xstrdup(err->message);
		od_error_free(err);
	} else {
		start_report(file_id);
	}
	changed();
}

static void
on_dataset(const struct od_dataset *d, struct od_error *err, void *ud)
{
	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);
		return;
	}
	iv.reading = NULL;
	if (err) {
		iv.ds.error = xstrdup(err->message);
		od_error_free(err);
	} else {
		iv.ds.state = xstrdup(d->state);
		iv.ds.parent_id = d->parent_id ? xstrdup(d->parent_id) : NULL;
		iv.ds.root_path = d->root_path ? xstrdup(d->root_path) : NULL;
		iv.ds.protection = d->protection;
		iv.ds.effective = d->effective;
		iv.ds.created = d->created;
		iv.ds.archives = d->archives;
		iv.ds.root_deleted = d->root_deleted;
	}
	iv.have_ds = true;
	changed();
}

long
info_view_tick(struct app *a)
{
	long long now;

	if (!iv.due_ms)
		return -1;
	now = od_now_ms();
	if (now < iv.due_ms)
		return (long)(iv.due_ms - now);
	iv.due_ms = 0;
	if (iv.kind == OD_NODE_DATASET) {
		if (!(iv.reading = od_dataset_get(a->s.zone, iv.space, iv.file_id, on_dataset, NULL)))
			xoom();
		start_report(iv.root_file_id);
	} else if (!iv.is_space) {
		start_report(iv.file_id);
	}
	else if (!(iv.resolving = od_provider_resolve(a->s.zone, iv.space, "", on_root, NULL)))
		xoom();
	return -1;
}

/* --- the lines ---------------------------------------------------------------- */

static void
add_line(const char *label, enum color c, const char *fmt, ...) OD_PRINTF(3, 4);

static void
add_line(const char *label, enum color c, const char *fmt, ...)
{
	va_list ap;
	char *value;

	va_start(ap, fmt);
	value = od_vasprintf(fmt, ap);
	va_end(ap);
	if (!value)
		xoom();
	if (iv.n_lines == iv.cap_lines) {
		iv.cap_lines = iv.cap_lines ? iv.cap_lines * 2 : 32;
		iv.lines = xrealloc(iv.lines, iv.cap_lines * sizeof(*iv.lines));
	}
	iv.lines[iv.n_lines++] = (struct line){ label ? xstrdup(label) : NULL, value, c };
}

static void
report_line(const char *label, enum od_tone tone, const char *value, void *ud)
{
	static const enum color colors[] = {
		[OD_TONE_HEADING] = C_LABEL, [OD_TONE_NORMAL] = C_NORMAL, [OD_TONE_DIM] = C_DIM,
		[OD_TONE_GOOD] = C_GOOD, [OD_TONE_WARN] = C_WARN, [OD_TONE_ERROR] = C_ERROR,
		[OD_TONE_LOADING] = C_DIM,
	};

	if (tone == OD_TONE_LOADING)
		add_line(label, C_DIM, _("loading%s"), draw_glyph_ellipsis());
	else
		add_line(label, colors[tone], "%s", value);
}

static void
space_lines(void)
{
	const struct od_provider_info *via = od_provider_current(iv.space);

	add_line(NULL, C_LABEL, "%s", _("Space"));
	add_line(_("Name"), C_NORMAL, "%s", iv.space->name);
	add_line(_("Space id"), C_NORMAL, "%s", iv.space->id);
	for (size_t i = 0; i < iv.space->n_supports; i++) {
		const struct od_provider_info *p = iv.space->supports[i].provider;
		add_line(i ? "" : _("Providers"), C_NORMAL, "%s (%s)%s%s", p->name, p->domain,
			 iv.space->supports[i].readonly ? _(", read-only") : "", p->online ? "" : _(", offline"));
	}
	if (iv.space->n_supports == 0)
		add_line(_("Providers"), C_ERROR, "%s", _("none: the data cannot be reached"));
	if (via)
		add_line(_("Served by"), C_NORMAL, "%s (%s)", via->name, via->domain);
	add_line(NULL, C_DIM, "%s", _("Enter opens the space; d shows its datasets."));
	add_line(NULL, C_DIM, "%s", "");
}

static void
dataset_lines(void)
{
	char t[OD_TIME_BUFSZ];

	add_line(NULL, C_LABEL, "%s", _("Dataset"));
	add_line(_("Dataset id"), C_NORMAL, "%s", iv.file_id);
	if (!iv.have_ds) {
		add_line(NULL, C_DIM, _("loading%s"), draw_glyph_ellipsis());
	} else if (iv.ds.error) {
		add_line(NULL, C_ERROR, "%s", iv.ds.error);
	} else {
		add_line(_("State"), od_str_eq(iv.ds.state, "detached") ? C_WARN : C_NORMAL, "%s",
			 od_str_eq(iv.ds.state, "detached") ? _("detached: its protection does not apply")
							    : _("attached"));
		add_line(_("Root"), iv.ds.root_deleted ? C_ERROR : C_NORMAL, "%s%s",
			 iv.ds.root_path ? iv.ds.root_path : iv.root_file_id, iv.ds.root_deleted ? _(" (deleted)") : "");
		add_line(_("Protection"), C_NORMAL, "%s", od_protection_words(iv.ds.protection));
		add_line(_("Effective"), C_NORMAL, "%s", od_protection_words(iv.ds.effective));
		add_line(_("Established"), C_NORMAL, "%s", od_time_short(iv.ds.created, t));
		if (iv.ds.archives >= 0)
			add_line(_("Archives"), C_NORMAL, "%lld", (long long)iv.ds.archives);
		add_line(_("Parent"), iv.ds.parent_id ? C_NORMAL : C_DIM, "%s",
			 iv.ds.parent_id ? iv.ds.parent_id : _("none: a top-level dataset"));
	}
	add_line(NULL, C_DIM, "%s", "");
}

static void
build_lines(void)
{
	clear_lines();
	if (!iv.file_id) {
		add_line(NULL, C_DIM, "%s", _("Nothing selected."));
		return;
	}
	if (iv.detached_root) {
		add_line(NULL, C_LABEL, "%s", _("Detached datasets"));
		add_line(NULL, C_NORMAL, "%s", _("Datasets detached from their files."));
		add_line(NULL, C_NORMAL, "%s", _("They keep their archives; their protection no longer applies."));
		return;
	}
	if (iv.is_space)
		space_lines();
	if (iv.in_share) {
		add_line(NULL, C_LABEL, "%s", _("Public share"));
		add_line(_("Link"), C_NORMAL, "%s", iv.a->share_link);
		add_line(NULL, C_DIM, "%s", _("Read-only, without an account: Space marks, f fetches."));
		add_line(NULL, C_DIM, "%s", "");
	}
	if (iv.unreachable)
		return;
	if (iv.kind == OD_NODE_DATASET)
		dataset_lines();
	if (iv.report)
		od_report_lines(iv.report, report_line, NULL);
	else if (iv.error)
		add_line(NULL, C_ERROR, "%s", iv.error);
	else
		add_line(NULL, C_DIM, _("Loading%s"), draw_glyph_ellipsis());
	if (iv.error || (iv.report && od_report_failure(iv.report)))
		add_line(NULL, C_DIM, "%s", _("r loads it again."));
}

void
info_view_draw(struct app *a, int y, int x, int height, int width)
{
	int label_w = 0;

	if (iv.stale) {
		build_lines();
		iv.stale = false;
	}
	for (size_t i = 0; i < iv.n_lines; i++) {
		int w = iv.lines[i].label ? draw_width(iv.lines[i].label) : 0;
		if (w > label_w)
			label_w = w;
	}
	if (label_w > width / 3)
		label_w = width / 3;
	if (iv.top + (size_t)height > iv.n_lines)
		iv.top = iv.n_lines > (size_t)height ? iv.n_lines - (size_t)height : 0;
	for (int i = 0; i < height; i++) {
		size_t k = iv.top + (size_t)i;
		const struct line *l = k < iv.n_lines ? &iv.lines[k] : NULL;

		draw_blank(stdscr, y + i, x, width, C_NORMAL);
		if (!l)
			continue;
		if (!l->label) {
			draw_text(stdscr, y + i, x + 1, width - 1, l->color, l->value);
			continue;
		}
		draw_own(stdscr, y + i, x + 1, label_w, C_LABEL, l->label);
		draw_text(stdscr, y + i, x + label_w + 3, width - label_w - 3, l->color, l->value);
	}
}

bool
info_view_request(struct app *a, enum request req)
{
	switch (req) {
	case REQ_MOVE_UP:
		if (iv.top > 0)
			iv.top--;
		break;
	case REQ_MOVE_DOWN:
		iv.top++;
		break;
	case REQ_PAGE_UP:
		iv.top = iv.top > 10 ? iv.top - 10 : 0;
		break;
	case REQ_PAGE_DOWN:
		iv.top += 10;
		break;
	case REQ_MOVE_FIRST:
		iv.top = 0;
		break;
	case REQ_MOVE_LAST:
		iv.top = iv.n_lines;
		break;
	default:
		return false;
	}
	app_dirty(a);
	return true;
}
