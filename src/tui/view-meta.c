/* SPDX-License-Identifier: GPL-3.0-or-later */
/* view-meta.c: the Metadata pane: the selected item's extended
 * attributes (edited in place), its JSON document (coloured, edited in
 * the user's editor) and its RDF text, with what it inherits from the
 * folders above. Loading starts once the selection settles and only
 * while the pane is shown. Every write is checked first, refused under
 * metadata protection, and made only after reading again that nobody
 * changed the metadata meanwhile (or the user said to go on). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/attrs.h"
#include "onetui/edit.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/jsonfmt.h"
#include "onetui/meta.h"
#include "onetui/metatext.h"
#include "onetui/provider.h"
#include "onetui/sanitize.h"
#include "onetui/str.h"
#include "tui/draw.h"
#include "tui/tui.h"
#include "xmalloc.h"

#define SETTLE_MS 120

/* What is read of an item: each kind, own and (xattrs, JSON) inherited. */
enum part_id { P_XATTRS, P_XATTRS_INHERITED, P_JSON, P_JSON_INHERITED, P_RDF, P_COUNT };

struct part {
	struct od_op *op;
	bool loaded;
	char *text;		/* NULL: none */
	size_t len;
	char *error;
};

/* The section a line belongs to, which says what e and d act on. */
enum section { S_NONE, S_XATTRS, S_JSON, S_RDF };

struct seg {
	char *text;
	enum color color;
};

struct line {
	enum section section;
	char *key;		/* an xattr row: its name */
	bool inherited;		/* ... set on a folder above, not on the item */
	bool own;		/* onetui's own words (drawn unsanitised) */
	struct seg *segs;
	size_t n;
};

static struct {
	struct app *a;
	struct od_space *space;	/* NULL: a public share, read without a token */
	char *node_id;		/* the selected node's id */
	char *file_id;		/* the file whose metadata is shown, once known */
	char *path;		/* for messages */
	bool is_space;		/* its root directory must be found first */
	bool none;		/* the selection has no metadata (nothing, a datasets row) */
	long long due_ms;	/* when loading may start; 0: started or nothing to do */
	struct od_op *resolving, *statting;
	unsigned protection;
	bool protection_known;
	struct part parts[P_COUNT];
	char *error;		/* the item itself could not be reached */
	struct line *lines;
	size_t n_lines, cap_lines;
	bool stale;
	size_t cursor, top;
	int height;		/* rows shown at the last drawing */
} mv;

static const enum od_meta_kind part_kind[P_COUNT] = {
	[P_XATTRS] = OD_META_XATTRS, [P_XATTRS_INHERITED] = OD_META_XATTRS, [P_JSON] = OD_META_JSON,
	[P_JSON_INHERITED] = OD_META_JSON, [P_RDF] = OD_META_RDF,
};

static void
changed(void)
{
	mv.stale = true;
	app_dirty(mv.a);
}

static void
free_part(struct part *p)
{
	od_op_cancel(p->op);
	free(p->text);
	free(p->error);
	memset(p, 0, sizeof(*p));
}

/* Drop what was read (the selection stays). */
static void
unload(void)
{
	od_op_cancel(mv.resolving);
	od_op_cancel(mv.statting);
	mv.resolving = mv.statting = NULL;
	for (int i = 0; i < P_COUNT; i++)
		free_part(&mv.parts[i]);
	mv.protection = 0;
	mv.protection_known = false;
	free(mv.error);
	mv.error = NULL;
}

static void
forget(void)
{
	unload();
	free(mv.node_id);
	free(mv.file_id);
	free(mv.path);
	mv.node_id = mv.file_id = mv.path = NULL;
	mv.due_ms = 0;
	mv.cursor = mv.top = 0;
}

void
meta_view_init(struct app *a)
{
	memset(&mv, 0, sizeof(mv));
	mv.a = a;
	mv.stale = true;
}

static void
clear_lines(void)
{
	for (size_t i = 0; i < mv.n_lines; i++) {
		for (size_t k = 0; k < mv.lines[i].n; k++)
			free(mv.lines[i].segs[k].text);
		free(mv.lines[i].segs);
		free(mv.lines[i].key);
	}
	mv.n_lines = 0;
}

void
meta_view_done(void)
{
	forget();
	clear_lines();
	free(mv.lines);
	memset(&mv, 0, sizeof(mv));
}

void
meta_view_select(struct app *a, struct od_node *n, struct od_space *s)
{
	enum od_node_kind kind = n ? od_node_kind(n) : OD_NODE_FILE;

	forget();
	mv.none = !n || kind == OD_NODE_DATASETS || (!s && !od_node_share_id(a->tree, n) &&
						      !od_node_space(a->tree, n));
	changed();
	if (mv.none)
		return;
	mv.space = s ? s : od_node_space(a->tree, n);
	mv.node_id = od_node_id(n);
	mv.path = tree_view_path(n);
	if (!mv.node_id || !mv.path)
		xoom();
	mv.is_space = !od_node_parent(n) && mv.space && kind == OD_NODE_FILE;
	if (kind == OD_NODE_DATASET)
		mv.file_id = xstrdup(od_node_root_file_id(n));
	else if (!mv.is_space)
		mv.file_id = xstrdup(mv.node_id);
	mv.due_ms = od_now_ms() + SETTLE_MS;
}

/* --- loading ------------------------------------------------------------------ */

static void
on_part(const char *text, size_t len, struct od_error *err, void *ud)
{
	struct part *p = ud;

	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);	/* unload() dropped it */
		return;
	}
	p->op = NULL;
	p->loaded = true;
	if (err) {
		p->error = xstrdup(err->message);
		od_error_free(err);
	} else if (text) {
		p->text = xmalloc(len + 1);
		memcpy(p->text, text, len);
		p->text[len] = '\0';
		p->len = len;
	}
	changed();
}

static void
on_stat(const struct od_attrs *attrs, struct od_error *err, void *ud)
{
	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);
		return;
	}
	mv.statting = NULL;
	if (err) {
		od_error_free(err);	/* writes are then refused by the provider */
	} else {
		mv.protection = attrs->protection;
		mv.protection_known = true;
	}
	changed();
}

static void
load_parts(void)
{
	for (int i = 0; i < P_COUNT; i++) {
		struct od_meta_query q = { .inherited = i == P_XATTRS_INHERITED || i == P_JSON_INHERITED };
		struct part *p = &mv.parts[i];
		if (!(p->op = od_meta_get(mv.a->s.zone, mv.space, mv.file_id, part_kind[i], &q, on_part, p)))
			xoom();
	}
	if (mv.space && !(mv.statting = od_provider_stat(mv.a->s.zone, mv.space, mv.file_id,
							  OD_ATTR_NAME | OD_ATTR_PROTECTION, on_stat, NULL)))
		xoom();
	changed();
}

static void
on_root(const char *file_id, struct od_error *err, void *ud)
{
	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);
		return;
	}
	mv.resolving = NULL;
	if (err) {
		mv.error = xstrdup(err->message);
		od_error_free(err);
		changed();
		return;
	}
	mv.file_id = xstrdup(file_id);
	load_parts();
}

/* Read everything of the item again (after a change). */
static void
reload(void)
{
	unload();
	if (mv.file_id)
		load_parts();
}

long
meta_view_tick(struct app *a)
{
	long long now;

	if (!mv.due_ms || a->pane != PANE_METADATA)
		return -1;
	now = od_now_ms();
	if (now < mv.due_ms)
		return (long)(mv.due_ms - now);
	mv.due_ms = 0;
	if (mv.file_id)
		load_parts();
	else if (!(mv.resolving = od_provider_resolve(a->s.zone, mv.space, "", on_root, NULL)))
		xoom();
	return -1;
}

/* --- the lines ----------------------------------------------------------------- */

static struct line *
new_line(enum section section, const char *key, bool own)
{
	struct line *l;

	if (mv.n_lines == mv.cap_lines) {
		mv.cap_lines = mv.cap_lines ? mv.cap_lines * 2 : 64;
		mv.lines = xrealloc(mv.lines, mv.cap_lines * sizeof(*mv.lines));
	}
	l = &mv.lines[mv.n_lines++];
	*l = (struct line){ .section = section, .key = key ? xstrdup(key) : NULL, .own = own };
	return l;
}

static void
add_seg(struct line *l, enum color c, const char *text, size_t len)
{
	l->segs = xrealloc(l->segs, (l->n + 1) * sizeof(*l->segs));
	l->segs[l->n++] = (struct seg){ xstrndup(text, len), c };
}

/* A line of onetui's own words. */
static void
say(enum section section, enum color c, const char *text)
{
	add_seg(new_line(section, NULL, true), c, text, strlen(text));
}

static enum color
token_color(enum od_json_tok kind)
{
	switch (kind) {
	case OD_JTOK_KEY: return C_LABEL;
	case OD_JTOK_STRING: return C_GOOD;
	case OD_JTOK_NUMBER: return C_WARN;
	case OD_JTOK_LITERAL: return C_SPACE;
	case OD_JTOK_SPACE:
	case OD_JTOK_PUNCT: break;
	}
	return C_NORMAL;
}

struct json_lines {
	enum section section;
	bool dim;		/* inherited */
	struct line *line;
};

/* Tokens into lines: a line break token starts the next line. */
static int
json_token(enum od_json_tok kind, const char *text, size_t len, void *ud)
{
	struct json_lines *j = ud;

	if (kind == OD_JTOK_SPACE && text[0] == '\n') {
		j->line = new_line(j->section, NULL, false);
		add_seg(j->line, C_NORMAL, "  ", 2);
		text++;
		len--;
	}
	if (len)
		add_seg(j->line, j->dim ? C_DIM : token_color(kind), text, len);
	return 0;
}

static void
json_lines(const cJSON *doc, bool dim)
{
	struct json_lines j = { S_JSON, dim, new_line(S_JSON, NULL, false) };

	add_seg(j.line, C_NORMAL, "  ", 2);
	od_json_pretty(doc, 2, json_token, &j);
}

/* A part that is not there yet, or failed: one line; true when so. */
static bool
part_pending(enum section section, const struct part *p)
{
	char *text;

	if (p->loaded && !p->error)
		return false;
	if (p->error) {
		add_seg(new_line(section, NULL, false), C_ERROR, p->error, strlen(p->error));
	} else {
		text = xasprintf("  %s%s", _("loading"), draw_glyph_ellipsis());
		say(section, C_DIM, text);
		free(text);
	}
	return true;
}

static cJSON *
parsed(const struct part *p)
{
	cJSON *v = NULL;

	if (p->text && od_json_parse(p->text, p->len, "", &v) != NULL)
		return NULL;
	return v;
}

static char *
scalar(const cJSON *v)
{
	char *text;

	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (!(text = od_json_text(v, 0)))
		xoom();
	text[strcspn(text, "\n")] = '\0';
	return text;
}

static void
xattr_line(const cJSON *item, bool inherited)
{
	struct line *l = new_line(S_XATTRS, item->string, false);
	char *value = scalar(item);

	l->inherited = inherited;
	add_seg(l, inherited ? C_DIM : cJSON_IsNumber(item) ? C_WARN : C_NORMAL, value, strlen(value));
	if (inherited) {
		const char *note = _("  (inherited)");
		add_seg(l, C_DIM, note, strlen(note));
	}
	free(value);
}

static void
xattr_lines(void)
{
	cJSON *own, *all;
	const cJSON *item;

	if (part_pending(S_XATTRS, &mv.parts[P_XATTRS]))
		return;
	own = parsed(&mv.parts[P_XATTRS]);
	all = mv.parts[P_XATTRS_INHERITED].loaded ? parsed(&mv.parts[P_XATTRS_INHERITED]) : NULL;
	cJSON_ArrayForEach(item, own)
		xattr_line(item, false);
	cJSON_ArrayForEach(item, all)
		if (!cJSON_GetObjectItemCaseSensitive(own, item->string))
			xattr_line(item, true);
	if (!cJSON_GetArraySize(own) && !cJSON_GetArraySize(all))
		say(S_XATTRS, C_DIM, _("  none"));
	cJSON_Delete(own);
	cJSON_Delete(all);
}

static void
document_lines(void)
{
	cJSON *own, *all, *rest = NULL;
	const cJSON *item;

	if (part_pending(S_JSON, &mv.parts[P_JSON]))
		return;
	own = parsed(&mv.parts[P_JSON]);
	all = mv.parts[P_JSON_INHERITED].loaded ? parsed(&mv.parts[P_JSON_INHERITED]) : NULL;
	if (own)
		json_lines(own, false);
	else if (mv.parts[P_JSON].text)
		say(S_JSON, C_ERROR, _("  the provider sent a document that is not JSON"));
	/* What the folders above add: their keys the document lacks. */
	if (all && cJSON_IsObject(all) && (!own || cJSON_IsObject(own))) {
		cJSON_ArrayForEach(item, all) {
			if (own && cJSON_GetObjectItemCaseSensitive(own, item->string))
				continue;
			if (!rest && !(rest = cJSON_CreateObject()))
				xoom();
			cJSON_AddItemToObject(rest, item->string, cJSON_Duplicate(item, true));
		}
	}
	if (rest) {
		say(S_JSON, C_DIM, _("  inherited from the folders above:"));
		json_lines(rest, true);
	} else if (!own && !mv.parts[P_JSON].text) {
		say(S_JSON, C_DIM, _("  none"));
	}
	cJSON_Delete(rest);
	cJSON_Delete(own);
	cJSON_Delete(all);
}

static void
rdf_lines(void)
{
	const struct part *p = &mv.parts[P_RDF];

	if (part_pending(S_RDF, p))
		return;
	if (!p->text) {
		say(S_RDF, C_DIM, _("  none"));
		return;
	}
	for (const char *s = p->text, *end = p->text + p->len; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		struct line *l = new_line(S_RDF, NULL, false);
		add_seg(l, C_NORMAL, "  ", 2);
		add_seg(l, C_NORMAL, s, n);
		s += n + 1;
	}
}

static bool
read_only(void)
{
	return !mv.space || (mv.protection & OD_PROTECT_METADATA);
}

static void
heading(enum section section, const char *title, const char *hint)
{
	struct line *l = new_line(section, NULL, true);

	add_seg(l, C_LABEL, title, strlen(title));
	if (!read_only() && hint)
		add_seg(l, C_DIM, hint, strlen(hint));
}

static void
build_lines(void)
{
	clear_lines();
	if (mv.none) {
		say(S_NONE, C_DIM, _("Nothing selected that has metadata."));
		return;
	}
	if (!mv.space)
		say(S_NONE, C_DIM, _("A public share: read-only."));
	else if (mv.protection & OD_PROTECT_METADATA)
		say(S_NONE, C_WARN, _("Metadata protection (a dataset's): read-only."));
	if (mv.error) {
		say(S_NONE, C_ERROR, mv.error);
		return;
	}
	heading(S_XATTRS, _("Extended attributes"), _("   a adds, e edits, d removes"));
	xattr_lines();
	say(S_NONE, C_NORMAL, "");
	heading(S_JSON, _("JSON"), _("   e edits in your editor, d removes"));
	document_lines();
	say(S_NONE, C_NORMAL, "");
	heading(S_RDF, _("RDF"), _("   e edits in your editor, d removes"));
	rdf_lines();
}

void
meta_view_draw(struct app *a, int y, int x, int height, int width)
{
	int key_w = 0;

	if (mv.stale) {
		build_lines();
		mv.stale = false;
		if (mv.cursor >= mv.n_lines)
			mv.cursor = mv.n_lines ? mv.n_lines - 1 : 0;
	}
	mv.height = height;
	for (size_t i = 0; i < mv.n_lines; i++)
		if (mv.lines[i].key) {
			char *safe = od_sanitize(mv.lines[i].key, 0);
			int w = safe ? od_display_width(safe) : 0;
			free(safe);
			if (w > key_w)
				key_w = w;
		}
	if (key_w > width / 3)
		key_w = width / 3;
	if (mv.cursor < mv.top)
		mv.top = mv.cursor;
	if (height > 0 && mv.cursor >= mv.top + (size_t)height)
		mv.top = mv.cursor - (size_t)height + 1;
	for (int i = 0; i < height; i++) {
		size_t k = mv.top + (size_t)i;
		const struct line *l = k < mv.n_lines ? &mv.lines[k] : NULL;
		bool at = l && k == mv.cursor && a->focus == FOCUS_PANE;
		int col = x + 1;

		draw_blank(stdscr, y + i, x, width, at ? C_CURSOR : C_NORMAL);
		if (!l)
			continue;
		if (l->key) {
			draw_text(stdscr, y + i, x + 2, key_w, at ? C_CURSOR : C_LABEL, l->key);
			col = x + 2 + key_w + 2;
		}
		for (size_t s = 0; s < l->n && col < x + width; s++) {
			enum color c = at ? C_CURSOR : l->segs[s].color;
			int room = x + width - col;
			col += l->own ? draw_own(stdscr, y + i, col, room, c, l->segs[s].text)
				      : draw_text(stdscr, y + i, col, room, c, l->segs[s].text);
		}
	}
}

/* --- changing metadata ------------------------------------------------------------ */

/* One change on its way: where, and what the user saw before it. */
struct change {
	struct od_space *space;
	char *file_id, *path;
	enum od_meta_kind kind;
	char *key;		/* an xattr: its name */
	cJSON *value;		/* an xattr: the new value */
	char *seen;		/* the text (or, for an xattr, its value as JSON) shown; NULL: none */
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
	if (!c)
		return;
	od_edit_free(c->edit, keep_file);
	free(c->file_id);
	free(c->path);
	free(c->key);
	cJSON_Delete(c->value);
	free(c->seen);
	free(c->start);
	free(c->text);
	free(c->mistaken);
	free(c);
}

static struct change *
change_new(enum od_meta_kind kind)
{
	struct change *c = xcalloc(1, sizeof(*c));

	c->space = mv.space;
	c->file_id = xstrdup(mv.file_id);
	c->path = xstrdup(mv.path);
	c->kind = kind;
	return c;
}

static const char *
kind_words(enum od_meta_kind kind)
{
	switch (kind) {
	case OD_META_JSON: return _("JSON metadata");
	case OD_META_RDF: return _("RDF metadata");
	case OD_META_XATTRS: break;
	}
	return _("extended attributes");
}

/* The change is done (or failed): say so and show the item again. */
static void
on_written(struct od_error *err, void *ud)
{
	struct change *c = ud;
	bool keep = false;

	if (err) {
		if (c->edit) {
			app_error(mv.a, _("Cannot save the %s of %s: %s; your text is kept in %s"), kind_words(c->kind),
				  c->path, err->message, od_edit_path(c->edit));
			keep = true;
		} else {
			app_error(mv.a, _("Cannot change the %s of %s: %s"), kind_words(c->kind), c->path,
				  err->message);
		}
		od_error_free(err);
	} else {
		app_message(mv.a, _("Saved the %s of %s"), kind_words(c->kind), c->path);
	}
	if (od_str_eq(c->file_id, mv.file_id))
		reload();
	change_free(c, keep);
}

static void
write_change(struct change *c)
{
	struct od_op *op;

	if (c->key) {
		cJSON *obj = cJSON_CreateObject();
		char *text;
		if (!obj || !cJSON_AddItemToObject(obj, c->key, cJSON_Duplicate(c->value, true)) ||
		    !(text = od_json_text(obj, 0)))
			xoom();
		op = od_meta_put(mv.a->s.zone, c->space, c->file_id, OD_META_XATTRS, NULL, text, on_written, c);
		free(text);
		cJSON_Delete(obj);
	} else {
		op = od_meta_put(mv.a->s.zone, c->space, c->file_id, c->kind, NULL, c->text, on_written, c);
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

/* What is there now, against what the user saw: a change made meanwhile
 * is written over only when the user says so. */
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
		/* An xattr: its value now. */
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
				      kind_words(c->kind), c->path);
	widget_confirm(mv.a, question, on_overwrite, c);
	free(question);
}

static void
check_and_write(struct change *c)
{
	if (!od_meta_get(mv.a->s.zone, c->space, c->file_id, c->key ? OD_META_XATTRS : c->kind, NULL, on_current, c))
		xoom();
}

/* Writes are refused at once where they cannot succeed. */
static bool
may_write(struct app *a)
{
	if (mv.none || !mv.file_id) {
		app_message(a, _("Nothing selected that has metadata"));
		return false;
	}
	if (!mv.space) {
		app_message(a, _("A public share is read-only"));
		return false;
	}
	if (mv.protection & OD_PROTECT_METADATA) {
		app_error(a, _("%s is in a dataset with metadata protection: its metadata cannot change"), mv.path);
		return false;
	}
	for (int i = 0; i < P_COUNT; i++)
		if (!mv.parts[i].loaded) {
			app_message(a, _("Still loading the metadata"));
			return false;
		}
	return true;
}

/* The xattr row under the cursor, or NULL. */
static const struct line *
xattr_row(void)
{
	const struct line *l = mv.cursor < mv.n_lines ? &mv.lines[mv.cursor] : NULL;

	return l && l->key ? l : NULL;
}

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
	number = c->value && cJSON_IsNumber(c->value) ? cJSON_Parse(text) : NULL;
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

static void
edit_xattr(struct app *a, const struct line *row)
{
	cJSON *all = parsed(&mv.parts[row->inherited ? P_XATTRS_INHERITED : P_XATTRS]);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(all, row->key);
	struct change *c;
	char *label, *value;

	if (!v) {
		cJSON_Delete(all);
		return;
	}
	c = change_new(OD_META_XATTRS);
	c->key = xstrdup(row->key);
	c->value = cJSON_Duplicate(v, true);
	/* An inherited value is not the item's own: it had none. */
	if (!row->inherited && !(c->seen = od_json_text(v, 0)))
		xoom();
	c->seen_len = c->seen ? strlen(c->seen) : 0;
	label = xasprintf(_("%s ="), c->key);
	value = scalar(v);
	widget_prompt(a, label, value, on_xattr_value, NULL, c);
	free(label);
	free(value);
	cJSON_Delete(all);
}

static void
on_new_xattr(struct app *a, const char *text, void *ud)
{
	struct change *c;
	struct od_error *err;
	cJSON *value;
	char *key;

	if (!text)
		return;
	if ((err = od_meta_parse_assignment(text, &key, &value))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		return;
	}
	/* Setting a name that exists is a change of what was shown. */
	c = change_new(OD_META_XATTRS);
	c->key = key;
	c->value = value;
	{
		cJSON *own = parsed(&mv.parts[P_XATTRS]);
		const cJSON *was = cJSON_GetObjectItemCaseSensitive(own, key);
		if (was && !(c->seen = od_json_text(was, 0)))
			xoom();
		c->seen_len = c->seen ? strlen(c->seen) : 0;
		cJSON_Delete(own);
	}
	check_and_write(c);
}

static void
on_remove_confirmed(struct app *a, bool yes, void *ud)
{
	struct change *c = ud;
	const char *keys[1];
	struct od_op *op;

	if (!yes) {
		change_free(c, false);
		return;
	}
	keys[0] = c->key;
	op = od_meta_remove(a->s.zone, c->space, c->file_id, c->kind, keys, c->key ? 1 : 0, on_written, c);
	if (!op)
		xoom();
}

static void
remove_metadata(struct app *a, enum section section)
{
	const struct line *row = xattr_row();
	struct change *c;
	char *question;

	if (section == S_XATTRS && (!row || row->inherited)) {
		app_message(a, row ? _("This one is set on a folder above: remove it there")
				   : _("Put the cursor on the attribute to remove"));
		return;
	}
	if (section == S_JSON && !mv.parts[P_JSON].text) {
		app_message(a, _("There is no JSON metadata to remove"));
		return;
	}
	if (section == S_RDF && !mv.parts[P_RDF].text) {
		app_message(a, _("There is no RDF metadata to remove"));
		return;
	}
	c = change_new(section == S_JSON ? OD_META_JSON : section == S_RDF ? OD_META_RDF : OD_META_XATTRS);
	if (section == S_XATTRS) {
		c->key = xstrdup(row->key);
		question = xasprintf(_("Remove the extended attribute \"%s\" of %s?"), c->key, c->path);
	} else {
		question = xasprintf(_("Remove the whole %s of %s?"), kind_words(c->kind), c->path);
	}
	widget_confirm(a, question, on_remove_confirmed, c);
	free(question);
}

/* --- a document in the user's editor ---------------------------------------------- */

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
		app_message(a, _("No change: the %s of %s stay as they were"), kind_words(c->kind), c->path);
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

	if (!app_spawn(mv.a, "EDITOR", prog, args, n, on_edited, c))
		change_free(c, c->mistaken != NULL);
}

#define RDF_SKELETON \
	"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n" \
	"         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n" \
	"  <rdf:Description rdf:about=\"\">\n" \
	"  </rdf:Description>\n" \
	"</rdf:RDF>\n"

static void
edit_document(struct app *a, enum od_meta_kind kind)
{
	const struct part *p = &mv.parts[kind == OD_META_JSON ? P_JSON : P_RDF];
	struct change *c = change_new(kind);
	struct od_error *err;
	cJSON *doc = NULL;

	if (p->text) {
		c->seen = xstrndup(p->text, p->len);
		c->seen_len = p->len;
	}
	if (kind == OD_META_RDF)
		c->start = xstrdup(p->text ? p->text : RDF_SKELETON);
	else if ((doc = parsed(p)))
		c->start = od_json_text(doc, 2);
	else
		c->start = xstrdup(p->text ? p->text : "{\n}\n");
	cJSON_Delete(doc);
	if (!c->start)
		xoom();
	if ((err = od_edit_new(c->start, strlen(c->start), kind == OD_META_RDF ? ".xml" : ".json", &c->edit))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		change_free(c, false);
		return;
	}
	open_editor(c);
}

/* --- keys ----------------------------------------------------------------------- */

static enum section
cursor_section(void)
{
	return mv.cursor < mv.n_lines ? mv.lines[mv.cursor].section : S_NONE;
}

static bool
move_cursor(struct app *a, enum request req)
{
	size_t page = mv.height > 1 ? (size_t)mv.height - 1 : 1, last = mv.n_lines ? mv.n_lines - 1 : 0;

	switch (req) {
	case REQ_MOVE_UP: mv.cursor = mv.cursor ? mv.cursor - 1 : 0; break;
	case REQ_MOVE_DOWN: mv.cursor = mv.cursor < last ? mv.cursor + 1 : last; break;
	case REQ_PAGE_UP: mv.cursor = mv.cursor > page ? mv.cursor - page : 0; break;
	case REQ_PAGE_DOWN: mv.cursor = mv.cursor + page < last ? mv.cursor + page : last; break;
	case REQ_MOVE_FIRST: mv.cursor = 0; break;
	case REQ_MOVE_LAST: mv.cursor = last; break;
	default: return false;
	}
	app_dirty(a);
	return true;
}

bool
meta_view_request(struct app *a, enum request req)
{
	enum section section = cursor_section();

	if (move_cursor(a, req))
		return true;
	switch (req) {
	case REQ_META_ADD:
		if (may_write(a))
			widget_prompt(a, _("New attribute (NAME=VALUE, or NAME:=NUMBER):"), "", on_new_xattr, NULL, NULL);
		return true;
	case REQ_META_EDIT:
		if (!may_write(a))
			return true;
		if (section == S_XATTRS && xattr_row())
			edit_xattr(a, xattr_row());
		else if (section == S_XATTRS)
			widget_prompt(a, _("New attribute (NAME=VALUE, or NAME:=NUMBER):"), "", on_new_xattr, NULL, NULL);
		else if (section == S_JSON || section == S_RDF)
			edit_document(a, section == S_JSON ? OD_META_JSON : OD_META_RDF);
		else
			app_message(a, _("Put the cursor on what to edit: an attribute, the JSON or the RDF"));
		return true;
	case REQ_META_DELETE:
		if (may_write(a))
			remove_metadata(a, section);
		return true;
	case REQ_REFRESH:
		if (!mv.none && mv.file_id) {
			reload();
			app_message(a, _("Reading the metadata again"));
		}
		return true;
	default:
		return false;
	}
}
