/* SPDX-License-Identifier: GPL-3.0-or-later */
/* view-meta.c: the Metadata pane: the selected item's extended
 * attributes, its JSON document (coloured) and its RDF text, with what
 * it inherits from the folders above. Loading starts once the selection
 * settles and only while the pane is shown. The keys hand changes to
 * meta-change.c, except where the item is read-only (a public share,
 * metadata protection), which they say at once. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/attrs.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/jsonfmt.h"
#include "onetui/meta.h"
#include "onetui/provider.h"
#include "onetui/sanitize.h"
#include "onetui/str.h"
#include "tui/draw.h"
#include "tui/marks.h"
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
		/* It may quote the server: drawn sanitised. */
		add_seg(new_line(S_NONE, NULL, false), C_ERROR, mv.error, strlen(mv.error));
		return;
	}
	heading(S_XATTRS, _("Extended attributes"), _("   a adds, e edits, d removes, T fills a template"));
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

/* --- keys ----------------------------------------------------------------------- */

void
meta_view_changed(const char *file_id)
{
	if (od_str_eq(file_id, mv.file_id))
		reload();
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

/* The item as it is shown, for a change. */
static struct meta_item
shown_item(void)
{
	static const enum part_id own[] = { [OD_META_XATTRS] = P_XATTRS, [OD_META_JSON] = P_JSON,
					    [OD_META_RDF] = P_RDF };
	struct meta_item it = { .space = mv.space, .file_id = mv.file_id, .path = mv.path };

	for (size_t k = 0; k < OD_ARRAY_SIZE(own); k++) {
		it.text[k] = mv.parts[own[k]].text;
		it.len[k] = mv.parts[own[k]].len;
	}
	return it;
}

/* e on an attribute: a new value for it. */
static void
edit_xattr(struct app *a, const struct meta_item *it, const struct line *row)
{
	cJSON *all = parsed(&mv.parts[row->inherited ? P_XATTRS_INHERITED : P_XATTRS]);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(all, row->key);

	if (v)
		meta_change_xattr(a, it, v, row->inherited);
	cJSON_Delete(all);
}

static void
remove_row(struct app *a, const struct meta_item *it, const struct line *row)
{
	if (row->section == S_JSON || row->section == S_RDF)
		meta_change_remove(a, it, row->section == S_JSON ? OD_META_JSON : OD_META_RDF, NULL);
	else if (row->key && row->inherited)
		app_message(a, _("This one is set on a folder above: remove it there"));
	else if (row->key)
		meta_change_remove(a, it, OD_META_XATTRS, row->key);
	else
		app_message(a, _("Put the cursor on the attribute to remove"));
}

static bool
move_cursor(struct app *a, enum request req)
{
	if (!request_move(req, &mv.cursor, mv.n_lines, mv.height))
		return false;
	app_dirty(a);
	return true;
}

bool
meta_view_request(struct app *a, enum request req)
{
	static const struct line nothing = { .section = S_NONE };
	const struct line *row = mv.cursor < mv.n_lines ? &mv.lines[mv.cursor] : &nothing;
	struct meta_item it = shown_item();

	if (move_cursor(a, req))
		return true;
	switch (req) {
	case REQ_META_ADD:
		if (may_write(a))
			meta_change_add(a, &it);
		return true;
	case REQ_META_EDIT:
		if (!may_write(a))
			return true;
		if (row->key)
			edit_xattr(a, &it, row);
		else if (row->section == S_XATTRS)
			meta_change_add(a, &it);
		else if (row->section == S_JSON || row->section == S_RDF)
			meta_change_document(a, &it, row->section == S_JSON ? OD_META_JSON : OD_META_RDF);
		else
			app_message(a, _("Put the cursor on what to edit: an attribute, the JSON or the RDF"));
		return true;
	case REQ_META_DELETE:
		if (may_write(a))
			remove_row(a, &it, row);
		return true;
	case REQ_META_TEMPLATE:
		/* The marked items are checked one by one. */
		if (marks_count() > 0 || may_write(a))
			meta_bulk_template(a, &it);
		return true;
	case REQ_META_BULK:
		meta_bulk_ask(a);
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
