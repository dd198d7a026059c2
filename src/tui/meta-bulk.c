/* SPDX-License-Identifier: GPL-3.0-or-later */
/* meta-bulk.c: one metadata change for the marked items (or the selected
 * one): an attribute, a JSON merge, or a template filled in a form. The
 * items are read first; the user sees how many would change, which are
 * protected, and says go; then a list gives each item's outcome. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/jsonfmt.h"
#include "onetui/metabulk.h"
#include "onetui/metatext.h"
#include "onetui/str.h"
#include "tui/marks.h"
#include "tui/tui.h"
#include "xmalloc.h"

static struct {
	struct od_meta_bulk *b;	/* the change under way, or NULL */
	char *what;		/* "operator=Alice", for the messages */
} bulk;

static void
bulk_end(void)
{
	od_meta_bulk_free(bulk.b);
	free(bulk.what);
	memset(&bulk, 0, sizeof(bulk));
}

void
meta_bulk_done(void)
{
	bulk_end();
}

static const char *
outcome(enum od_bulk_state state)
{
	switch (state) {
	case OD_BULK_DONE: return _("changed");
	case OD_BULK_SAME: return _("already so");
	case OD_BULK_PROTECTED: return _("protected, left alone");
	case OD_BULK_FAILED: return _("failed");
	case OD_BULK_CHANGES:
	case OD_BULK_WAITING: break;
	}
	return _("not changed");
}

static void
on_applied(struct od_error *err, void *ud)
{
	struct app *a = ud;
	struct od_buf b;

	od_error_free(err);
	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_addf(&b, _("%s: %zu changed, %zu failed\n\n"), bulk.what, od_meta_bulk_count(bulk.b, OD_BULK_DONE),
			od_meta_bulk_count(bulk.b, OD_BULK_FAILED)))
		xoom();
	for (size_t i = 0; i < od_meta_bulk_size(bulk.b); i++) {
		const struct od_bulk_item *it = od_meta_bulk_item(bulk.b, i);
		if (od_buf_addf(&b, "%-22s %s%s%s\n", outcome(it->state), it->path, it->error ? ": " : "",
				it->error ? it->error : ""))
			xoom();
		meta_view_changed(it->file_id);
	}
	widget_popup(a, _("Metadata changed"), od_buf_str(&b));
	od_buf_done(&b);
	bulk_end();
}

static void
on_go(struct app *a, bool yes, void *ud)
{
	if (!yes) {
		app_message(a, _("Nothing was changed"));
		bulk_end();
		return;
	}
	app_message(a, _("Changing the metadata of %zu items%s"), od_meta_bulk_count(bulk.b, OD_BULK_CHANGES),
		    draw_glyph_ellipsis());
	od_meta_bulk_apply(bulk.b, on_applied, a);
}

static void
on_previewed(struct od_error *err, void *ud)
{
	struct app *a = ud;
	size_t changes = od_meta_bulk_count(bulk.b, OD_BULK_CHANGES);
	char *question;

	od_error_free(err);
	if (changes == 0) {
		app_message(a, _("%s on %zu items: nothing to change (%zu already so, %zu protected, %zu could not be read)"),
			    bulk.what, od_meta_bulk_size(bulk.b), od_meta_bulk_count(bulk.b, OD_BULK_SAME),
			    od_meta_bulk_count(bulk.b, OD_BULK_PROTECTED), od_meta_bulk_count(bulk.b, OD_BULK_FAILED));
		bulk_end();
		return;
	}
	question = xasprintf(_("%s on %zu items: %zu change, %zu already so, %zu protected (left alone), "
			       "%zu could not be read. Go on?"),
			     bulk.what, od_meta_bulk_size(bulk.b), changes, od_meta_bulk_count(bulk.b, OD_BULK_SAME),
			     od_meta_bulk_count(bulk.b, OD_BULK_PROTECTED), od_meta_bulk_count(bulk.b, OD_BULK_FAILED));
	widget_confirm(a, question, on_go, NULL);
	free(question);
}

/* Start the change on the marked items, or on item when none is marked. */
static void
bulk_start(struct app *a, enum od_meta_kind kind, const cJSON *patch, const char *what,
	   const struct meta_item *item)
{
	size_t n = marks_count();

	if (bulk.b) {
		app_message(a, _("A change of metadata is still under way"));
		return;
	}
	if (!(bulk.b = od_meta_bulk_new(a->s.zone, kind, patch)))
		xoom();
	bulk.what = xstrdup(what);
	for (size_t i = 0; i < n; i++) {
		const struct mark *m = marks_get(i);
		struct od_space *s = NULL;
		struct od_error *err = m->space_id ? od_zone_find_space(a->s.zone, m->space_id, &s) : NULL;
		od_error_free(err);
		if (s && od_meta_bulk_add(bulk.b, s, m->file_id, m->path) != 0)
			xoom();
	}
	if (n == 0 && item && item->file_id && item->space &&
	    od_meta_bulk_add(bulk.b, item->space, item->file_id, item->path) != 0)
		xoom();
	if (od_meta_bulk_size(bulk.b) == 0) {
		app_message(a, n ? _("The marked items are in a public share: read-only") : _("Nothing is marked"));
		bulk_end();
		return;
	}
	app_message(a, _("Reading the metadata of %zu items%s"), od_meta_bulk_size(bulk.b), draw_glyph_ellipsis());
	od_meta_bulk_preview(bulk.b, on_previewed, a);
}

/* --- A: an attribute or a JSON merge for the marked items ---------------------------- */

static void
on_change_text(struct app *a, const char *text, void *ud)
{
	struct od_error *err;
	cJSON *patch = NULL, *value;
	char *key;

	if (!text)
		return;
	if (text[strspn(text, " ")] == '{') {
		/* A JSON object: merged into each item's JSON metadata. */
		if ((err = od_meta_check(OD_META_JSON, text, strlen(text), NULL)) == NULL &&
		    !cJSON_IsObject(patch = cJSON_Parse(text)))
			err = od_error_new(OD_ERR_INPUT, _("a JSON merge is an object: {\"key\": value, ...}"));
		if (!err)
			bulk_start(a, OD_META_JSON, patch, text, NULL);
	} else if (!(err = od_meta_parse_assignment(text, &key, &value))) {
		if (!(patch = cJSON_CreateObject()))
			xoom();
		cJSON_AddItemToObject(patch, key, value);
		bulk_start(a, OD_META_XATTRS, patch, text, NULL);
		free(key);
	}
	if (err) {
		app_error(a, "%s", err->message);
		od_error_free(err);
	}
	cJSON_Delete(patch);
}

void
meta_bulk_ask(struct app *a)
{
	char *label;

	if (marks_count() == 0) {
		app_message(a, _("Nothing is marked: Space marks items in the tree"));
		return;
	}
	label = xasprintf(_("For the %zu marked items: NAME=VALUE, NAME:=NUMBER, or {JSON to merge}"), marks_count());
	widget_prompt(a, label, "", on_change_text, NULL, NULL);
	free(label);
}

/* --- T: a template, field by field ------------------------------------------------ */

/* The selected item (used when nothing is marked), kept while the form
 * is filled. */
struct form_item {
	struct meta_item item;
	char *file_id, *path;
};

static void
on_filled(struct app *a, enum template_outcome how, const struct od_template *t, const cJSON *xattrs, void *ud)
{
	struct form_item *f = ud;
	char *what;

	if (how == TEMPLATE_FILLED) {
		what = xasprintf(_("Template %s"), t->name);
		bulk_start(a, OD_META_XATTRS, xattrs, what, &f->item);
		free(what);
	} else if (how == TEMPLATE_CANCELLED) {
		app_message(a, _("Nothing was changed"));
	}
	free(f->file_id);
	free(f->path);
	free(f);
}

void
meta_bulk_template(struct app *a, const struct meta_item *item)
{
	const struct od_config *cfg = a->s.cfg;
	struct form_item *f;
	/* Only one item's values can be offered. */
	bool own = marks_count() == 0 && item->text[OD_META_XATTRS];

	if (!cfg || cfg->n_templates == 0) {
		app_message(a, _("The configuration defines no metadata templates (see onetui.conf(5))"));
		return;
	}
	f = xcalloc(1, sizeof(*f));
	f->item = *item;
	f->item.file_id = f->file_id = item->file_id ? xstrdup(item->file_id) : NULL;
	f->item.path = f->path = item->path ? xstrdup(item->path) : NULL;
	memset(f->item.text, 0, sizeof(f->item.text));
	memset(f->item.len, 0, sizeof(f->item.len));
	template_choose(a, _("Which template?"), own ? item->text[OD_META_XATTRS] : NULL,
			own ? item->len[OD_META_XATTRS] : 0, on_filled, f);
}
