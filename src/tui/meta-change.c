/* SPDX-License-Identifier: GPL-3.0-or-later */
/* meta-change.c: changing an item's metadata from the Metadata pane: an
 * extended attribute in place, a JSON or RDF document in the user's
 * editor, a removal after asking. Each change is checked before it is
 * sent, and made only after reading again what is there: a change made
 * meanwhile is written over only when the user says so. No text the
 * user wrote is lost: when nothing is written it stays in a file. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/edit.h"
#include "onetui/i18n.h"
#include "onetui/jsonfmt.h"
#include "onetui/metatext.h"
#include "onetui/str.h"
#include "tui/tui.h"
#include "xmalloc.h"

/* One change on its way: where, and what the user saw before it. */
struct change {
	struct app *a;
	struct od_space *space;
	char *file_id, *path;
	enum od_meta_kind kind;
	char *key;		/* an xattr: its name */
	cJSON *value;		/* an xattr: the new value */
	char *own;		/* adding an xattr: the item's xattrs as shown */
	char *seen;		/* the text (for an xattr, its value as JSON) shown; NULL: none */
	size_t seen_len;
	/* Editing a document: */
	struct od_edit *edit;
	char *start;		/* what the editor started with */
	char *text;		/* what it gave back, checked */
	char *mistaken;		/* the last text with a mistake */
	int line;		/* where that mistake was */
};

static void
change_free(struct change *c, bool keep_file)
{
	od_edit_free(c->edit, keep_file);
	free(c->file_id);
	free(c->path);
	free(c->key);
	cJSON_Delete(c->value);
	free(c->own);
	free(c->seen);
	free(c->start);
	free(c->text);
	free(c->mistaken);
	free(c);
}

static struct change *
change_new(struct app *a, const struct meta_item *it, enum od_meta_kind kind)
{
	struct change *c = xcalloc(1, sizeof(*c));

	c->a = a;
	c->space = it->space;
	c->file_id = xstrdup(it->file_id);
	c->path = xstrdup(it->path);
	c->kind = kind;
	return c;
}

/* c->seen: this JSON value (NULL: there was none). */
static void
seen_value(struct change *c, const cJSON *v)
{
	if (v && !(c->seen = od_json_text(v, 0)))
		xoom();
	c->seen_len = c->seen ? strlen(c->seen) : 0;
}

/* The change is done (or failed): say so and show the item again. */
static void
on_written(struct od_error *err, void *ud)
{
	struct change *c = ud;
	const char *what = od_meta_kind_words(c->kind);
	bool keep = false;

	if (err && c->edit) {
		app_error(c->a, _("Cannot save the %s of %s: %s; your text is kept in %s"), what, c->path, err->message,
			  od_edit_path(c->edit));
		keep = true;
	} else if (err) {
		app_error(c->a, _("Cannot change the %s of %s: %s"), what, c->path, err->message);
	} else {
		app_message(c->a, _("Saved the %s of %s"), what, c->path);
	}
	od_error_free(err);
	meta_view_changed(c->file_id);
	change_free(c, keep);
}

static void
write_change(struct change *c)
{
	struct od_zone *z = c->a->s.zone;
	struct od_op *op;

	if (c->key) {
		cJSON *obj = cJSON_CreateObject();
		char *text;
		if (!obj || !cJSON_AddItemToObject(obj, c->key, cJSON_Duplicate(c->value, true)) ||
		    !(text = od_json_text(obj, 0)))
			xoom();
		op = od_meta_put(z, c->space, c->file_id, OD_META_XATTRS, NULL, text, on_written, c);
		free(text);
		cJSON_Delete(obj);
	} else {
		op = od_meta_put(z, c->space, c->file_id, c->kind, NULL, c->text, on_written, c);
	}
	if (!op)
		xoom();
}

static void
on_overwrite(struct app *a, bool yes, void *ud)
{
	struct change *c = ud;

	if (yes) {
		write_change(c);
		return;
	}
	if (c->edit)
		app_message(a, _("Nothing was written; your text is kept in %s"), od_edit_path(c->edit));
	else
		app_message(a, _("Nothing was written"));
	change_free(c, c->edit != NULL);
}

/* What is there now, against what the user saw. */
static void
on_current(const char *text, size_t len, struct od_error *err, void *ud)
{
	struct change *c = ud;
	char *now = NULL, *question;
	size_t now_len = len;
	bool same;

	if (err) {
		on_written(err, c);
		return;
	}
	if (c->key && text) {
		cJSON *all = cJSON_ParseWithLength(text, len);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(all, c->key);
		now = v ? od_json_text(v, 0) : NULL;
		now_len = now ? strlen(now) : 0;
		cJSON_Delete(all);
	} else if (text) {
		now = xstrndup(text, len);
	}
	same = od_meta_same(c->key ? OD_META_JSON : c->kind, c->seen, c->seen_len, now, now_len);
	free(now);
	if (same) {
		write_change(c);
		return;
	}
	question = c->key ? xasprintf(_("\"%s\" of %s changed since it was shown. Write yours over it?"), c->key,
				      c->path)
			  : xasprintf(_("Someone changed the %s of %s while you edited it. Write yours over it?"),
				      od_meta_kind_words(c->kind), c->path);
	widget_confirm(c->a, question, on_overwrite, c);
	free(question);
}

static void
check_and_write(struct change *c)
{
	if (!od_meta_get(c->a->s.zone, c->space, c->file_id, c->key ? OD_META_XATTRS : c->kind, NULL, on_current, c))
		xoom();
}

/* --- extended attributes ------------------------------------------------------------ */

static void
on_xattr_value(struct app *a, const char *text, void *ud)
{
	struct change *c = ud;
	struct od_error *err;
	cJSON *number;

	if (!text) {
		change_free(c, false);
		return;
	}
	/* A number stays a number when the new value reads as one. */
	number = cJSON_IsNumber(c->value) ? cJSON_Parse(text) : NULL;
	cJSON_Delete(c->value);
	c->value = cJSON_IsNumber(number) ? number : cJSON_CreateString(text);
	if (c->value != number)
		cJSON_Delete(number);
	if (!c->value)
		xoom();
	if ((err = od_meta_check_xattr(c->key, c->value))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		change_free(c, false);
		return;
	}
	check_and_write(c);
}

void
meta_change_xattr(struct app *a, const struct meta_item *it, const cJSON *value, bool inherited)
{
	struct change *c = change_new(a, it, OD_META_XATTRS);
	char *label, *shown;

	c->key = xstrdup(value->string);
	if (!(c->value = cJSON_Duplicate(value, true)))
		xoom();
	/* An inherited value is not the item's own: it had none. */
	seen_value(c, inherited ? NULL : value);
	label = xstrdup(c->key);
	if (cJSON_IsString(value)) {
		shown = xstrdup(value->valuestring);
	} else {
		if (!(shown = od_json_text(value, 0)))
			xoom();
		shown[strcspn(shown, "\n")] = '\0';
	}
	widget_prompt(a, label, shown, on_xattr_value, NULL, c);
	free(label);
	free(shown);
}

static void
on_new_xattr(struct app *a, const char *text, void *ud)
{
	struct change *c = ud;
	struct od_error *err;
	cJSON *own;

	if (!text) {
		change_free(c, false);
		return;
	}
	if ((err = od_meta_parse_assignment(text, &c->key, &c->value))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		change_free(c, false);
		return;
	}
	/* Setting a name that exists changes what was shown. */
	own = c->own ? cJSON_Parse(c->own) : NULL;
	seen_value(c, cJSON_GetObjectItemCaseSensitive(own, c->key));
	cJSON_Delete(own);
	check_and_write(c);
}

void
meta_change_add(struct app *a, const struct meta_item *it)
{
	struct change *c = change_new(a, it, OD_META_XATTRS);

	if (it->text[OD_META_XATTRS])
		c->own = xstrndup(it->text[OD_META_XATTRS], it->len[OD_META_XATTRS]);
	widget_prompt(a, _("New attribute (NAME=VALUE, or NAME:=NUMBER)"), "", on_new_xattr, NULL, c);
}

/* --- removing ---------------------------------------------------------------------- */

static void
on_remove_confirmed(struct app *a, bool yes, void *ud)
{
	struct change *c = ud;
	const char *keys[1] = { c->key };

	if (!yes) {
		change_free(c, false);
		return;
	}
	if (!od_meta_remove(a->s.zone, c->space, c->file_id, c->kind, keys, c->key ? 1 : 0, on_written, c))
		xoom();
}

void
meta_change_remove(struct app *a, const struct meta_item *it, enum od_meta_kind kind, const char *key)
{
	struct change *c;
	char *question;

	if (kind != OD_META_XATTRS && !it->text[kind]) {
		app_message(a, _("There is no %s to remove"), od_meta_kind_words(kind));
		return;
	}
	c = change_new(a, it, kind);
	if (key) {
		c->key = xstrdup(key);
		question = xasprintf(_("Remove the extended attribute \"%s\" of %s?"), key, c->path);
	} else {
		question = xasprintf(_("Remove the whole %s of %s?"), od_meta_kind_words(kind), c->path);
	}
	widget_confirm(a, question, on_remove_confirmed, c);
	free(question);
}

/* --- a document in the user's editor ------------------------------------------------- */

static void open_editor(struct change *c);

static void
on_edit_again(struct app *a, bool yes, void *ud)
{
	struct change *c = ud;

	if (yes) {
		open_editor(c);
		return;
	}
	app_message(a, _("Nothing was written; your text is kept in %s"), od_edit_path(c->edit));
	change_free(c, true);
}

static void
on_edited(struct app *a, int status, void *ud)
{
	struct change *c = ud;
	struct od_text_pos pos;
	struct od_error *err;
	char *text, *question;
	size_t len;

	if (status != 0) {
		/* An editor that fails (vi's :cq) means: leave everything. */
		if (status > 0 && status != 127)
			app_message(a, _("The editor ended with status %d: nothing was changed"), status);
		change_free(c, c->mistaken != NULL);
		return;
	}
	if ((err = od_edit_read(c->edit, &text, &len))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		change_free(c, true);
		return;
	}
	if (strcmp(text, c->start) == 0) {
		app_message(a, _("No change: the %s of %s stay as they were"), od_meta_kind_words(c->kind), c->path);
		free(text);
		change_free(c, false);
		return;
	}
	if (!(err = od_meta_check(c->kind, text, len, &pos))) {
		c->text = text;
		check_and_write(c);
		return;
	}
	/* The same mistake again: the user gives up on it. */
	if (c->mistaken && strcmp(c->mistaken, text) == 0) {
		app_error(a, _("%s; nothing was written, your text is kept in %s"), err->message,
			  od_edit_path(c->edit));
		od_error_free(err);
		free(text);
		change_free(c, true);
		return;
	}
	free(c->mistaken);
	c->mistaken = text;
	c->line = pos.line;
	question = xasprintf(_("%s. Edit it again?"), err->message);
	widget_confirm(a, question, on_edit_again, c);
	free(question);
	od_error_free(err);
}

static void
open_editor(struct change *c)
{
	const char *prog = od_editor();
	size_t n;
	const char *const *args = od_edit_args(c->edit, prog, c->line, &n);

	if (!app_spawn(c->a, "EDITOR", prog, args, n, on_edited, c))
		change_free(c, c->mistaken != NULL);
}

void
meta_change_document(struct app *a, const struct meta_item *it, enum od_meta_kind kind)
{
	struct change *c = change_new(a, it, kind);
	struct od_error *err;

	if (it->text[kind]) {
		c->seen = xstrndup(it->text[kind], it->len[kind]);
		c->seen_len = it->len[kind];
	}
	if (!(c->start = od_meta_editable(kind, it->text[kind], it->len[kind])))
		xoom();
	if ((err = od_edit_new(c->start, strlen(c->start), kind == OD_META_RDF ? ".xml" : ".json", &c->edit))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		change_free(c, false);
		return;
	}
	open_editor(c);
}
