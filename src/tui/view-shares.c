/* SPDX-License-Identifier: GPL-3.0-or-later */
/* view-shares.c: the Shares & Tokens pane. On top, the shares published
 * at the selected item (not above it), read once the selection settles
 * and only while the pane is shown; below, the user's named tokens
 * (tokens.c). Each list has its own cursor; Tab, or moving past the end
 * of one, goes to the other. The keys of the shares list are here:
 * share the item, rename, describe in the editor, delete after asking,
 * copy the public link, show the whole record; H and K hand over to
 * share-handout.c and share-handle.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/edit.h"
#include "onetui/i18n.h"
#include "onetui/provider.h"
#include "onetui/sanitize.h"
#include "onetui/share.h"
#include "onetui/str.h"
#include "tui/draw.h"
#include "tui/tui.h"
#include "xmalloc.h"

#define SETTLE_MS 120

static void shares_changed(const char *file_id);

/* What the list keeps of a share. */
struct share_row {
	char *id, *name, *description, *public_url, *rest_url, *handle_id;
};

enum list { L_SHARES, L_TOKENS };

static struct {
	struct app *a;
	struct od_space *space;
	char *node_id;		/* the selected node's id */
	char *file_id;		/* the item whose shares are shown, once known */
	char *path;		/* as the tree shows it */
	char *name;		/* the item's own name: a new share's default */
	bool is_space;		/* its root directory must be found first */
	bool none;		/* nothing that can be shared is selected */
	long long due_ms;	/* when loading may start; 0: started or nothing to do */
	struct od_op *resolving, *listing;
	bool loaded;
	char *error;
	struct share_row *rows;
	size_t n_rows;
	char *want_id;		/* put the cursor on this share once listed */
	enum list list;		/* which list has the cursor */
	size_t cursor, top;
	int height;		/* rows of the shares list at the last drawing */
} sv;

static void
free_rows(void)
{
	for (size_t i = 0; i < sv.n_rows; i++) {
		struct share_row *r = &sv.rows[i];
		free(r->id);
		free(r->name);
		free(r->description);
		free(r->public_url);
		free(r->rest_url);
		free(r->handle_id);
	}
	free(sv.rows);
	sv.rows = NULL;
	sv.n_rows = 0;
}

static void
unload(void)
{
	od_op_cancel(sv.resolving);
	od_op_cancel(sv.listing);
	sv.resolving = sv.listing = NULL;
	sv.loaded = false;
	free(sv.error);
	sv.error = NULL;
}

static void
forget(void)
{
	unload();
	free_rows();
	free(sv.node_id);
	free(sv.file_id);
	free(sv.path);
	free(sv.name);
	sv.node_id = sv.file_id = sv.path = sv.name = NULL;
	sv.due_ms = 0;
	sv.cursor = sv.top = 0;
}

void
shares_view_init(struct app *a)
{
	memset(&sv, 0, sizeof(sv));
	sv.a = a;
	sv.none = true;		/* until the tree selects something */
	tokens_init(a);
}

void
shares_view_done(void)
{
	forget();
	free(sv.want_id);
	handout_done();
	share_handle_done();
	tokens_done();
	memset(&sv, 0, sizeof(sv));
}

void
shares_view_select(struct app *a, struct od_node *n, struct od_space *s)
{
	enum od_node_kind kind = n ? od_node_kind(n) : OD_NODE_FILE;

	forget();
	app_dirty(a);
	/* Public share data (no space) cannot be shared again from here. */
	sv.none = !n || kind == OD_NODE_DATASETS || a->share_id;
	if (sv.none)
		return;
	sv.space = s ? s : od_node_space(a->tree, n);
	if (!sv.space) {
		sv.none = true;
		return;
	}
	sv.node_id = od_node_id(n);
	sv.path = tree_view_path(n);
	if (!sv.node_id || !sv.path)
		xoom();
	sv.name = xstrdup(strrchr(sv.path, '/') ? strrchr(sv.path, '/') + 1 : sv.path);
	sv.is_space = !od_node_parent(n) && kind == OD_NODE_FILE;
	if (kind == OD_NODE_DATASET)
		sv.file_id = xstrdup(od_node_root_file_id(n));
	else if (!sv.is_space)
		sv.file_id = xstrdup(sv.node_id);
	sv.due_ms = od_now_ms() + SETTLE_MS;
}

/* The item whose shares are listed, for a data.path caveat: its space
 * and its path below the space ("" for the space itself); NULL when
 * nothing that can be shared is selected. */
struct od_space *
shares_view_item(const char **path_in_space, const char **path)
{
	const char *slash;

	if (sv.none || !sv.space)
		return NULL;
	slash = strchr(sv.path, '/');
	*path_in_space = slash ? slash + 1 : "";
	*path = sv.path;
	return sv.space;
}

/* --- loading ---------------------------------------------------------------------- */

static void
place_cursor(void)
{
	if (sv.want_id) {
		for (size_t i = 0; i < sv.n_rows; i++)
			if (od_str_eq(sv.rows[i].id, sv.want_id))
				sv.cursor = i;
		free(sv.want_id);
		sv.want_id = NULL;
	}
	if (sv.cursor >= sv.n_rows)
		sv.cursor = sv.n_rows ? sv.n_rows - 1 : 0;
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void
on_shares(const struct od_share *v, size_t n, struct od_error *err, void *ud)
{
	(void)ud;
	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);	/* unload() dropped it */
		return;
	}
	sv.listing = NULL;
	sv.loaded = true;
	free_rows();
	sv.rows = xcalloc(n ? n : 1, sizeof(*sv.rows));
	for (size_t i = 0; i < n; i++) {
		struct share_row *r = &sv.rows[sv.n_rows++];
		r->id = xstrdup(v[i].id);
		r->name = xstrdup(v[i].name ? v[i].name : "");
		r->description = dup_or_null(v[i].description);
		r->public_url = xstrdup(v[i].public_url ? v[i].public_url : "");
		r->rest_url = dup_or_null(v[i].public_rest_url);
		r->handle_id = dup_or_null(v[i].handle_id);
	}
	if (err) {
		sv.error = xstrdup(err->message);
		od_error_free(err);
	}
	place_cursor();
	app_dirty(sv.a);
}

static void
list_shares(void)
{
	if (!(sv.listing = od_shares_list(sv.a->s.zone, OD_SHARES_FILE, sv.space, sv.file_id, on_shares, NULL)))
		xoom();
}

static void
on_root(const char *file_id, struct od_error *err, void *ud)
{
	(void)ud;
	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);
		return;
	}
	sv.resolving = NULL;
	if (err) {
		sv.loaded = true;
		sv.error = xstrdup(err->message);
		od_error_free(err);
		app_dirty(sv.a);
		return;
	}
	sv.file_id = xstrdup(file_id);
	list_shares();
}

const char *
shares_view_file_id(void)
{
	return sv.none ? NULL : sv.file_id;
}

void
shares_view_changed(const char *file_id, const char *select_id)
{
	if (select_id && od_str_eq(file_id, sv.file_id)) {
		free(sv.want_id);
		sv.want_id = xstrdup(select_id);
	}
	shares_changed(file_id);
}

/* A share of file_id was made, changed or deleted: list them again. */
static void
shares_changed(const char *file_id)
{
	if (!od_str_eq(file_id, sv.file_id))
		return;
	unload();
	list_shares();
	app_dirty(sv.a);
}

long
shares_view_tick(struct app *a)
{
	long long now;

	if (a->pane != PANE_SHARES)
		return -1;
	tokens_tick(a);
	if (!sv.due_ms)
		return -1;
	now = od_now_ms();
	if (now < sv.due_ms)
		return (long)(sv.due_ms - now);
	sv.due_ms = 0;
	if (sv.file_id)
		list_shares();
	else if (!(sv.resolving = od_provider_resolve(a->s.zone, sv.space, "", on_root, NULL)))
		xoom();
	return -1;
}

/* --- drawing ------------------------------------------------------------------------ */

/* A heading with the keys of its list (dimmed) when there is room. */
static void
heading(int y, int x, int width, const char *title, bool title_own, const char *hint)
{
	int used;

	draw_blank(stdscr, y, x, width, C_NORMAL);
	used = title_own ? draw_own(stdscr, y, x + 1, width - 1, C_LABEL, title)
			 : draw_text(stdscr, y, x + 1, width - 1, C_LABEL, title);
	if (hint && used + draw_width(hint) + 3 <= width - 1)
		draw_own(stdscr, y, x + 1 + used, width - 1 - used, C_DIM, hint);
}

/* The shares list's one line when there is no share to show. */
static const char *
shares_status(enum color *c)
{
	*c = C_DIM;
	if (sv.none)
		return sv.a->share_id ? _("  A public share: shares and tokens need an account.")
				      : _("  Nothing selected that can be shared.");
	if (sv.error) {
		*c = C_ERROR;
		return sv.error;
	}
	if (!sv.loaded)
		return NULL;	/* loading */
	return _("  none: n shares it");
}

static void
draw_share(const struct share_row *r, int y, int x, int width, int name_w, bool at)
{
	/* The handle mark keeps its room: a public link is often wider
	 * than the pane. */
	const char *mark = r->handle_id ? _("handle") : NULL;
	int col = x + 2, mark_w = mark ? draw_width(mark) + 2 : 0;

	draw_blank(stdscr, y, x, width, at ? C_CURSOR : C_NORMAL);
	col += draw_text(stdscr, y, col, name_w, at ? C_CURSOR : C_NORMAL, r->name) + 2;
	if (col >= x + width)
		return;
	col += draw_text(stdscr, y, col, x + width - col - mark_w, at ? C_CURSOR : C_GOOD, r->public_url) + 2;
	if (mark && col < x + width)
		draw_own(stdscr, y, col, x + width - col, at ? C_CURSOR : C_WARN, mark);
}

static void
draw_shares(struct app *a, int y, int x, int height, int width)
{
	bool focus = a->focus == FOCUS_PANE && sv.list == L_SHARES;
	int name_w = 0;
	enum color c;
	const char *status;

	sv.height = height;
	if (!sv.n_rows) {
		status = shares_status(&c);
		for (int i = 0; i < height; i++)
			draw_blank(stdscr, y + i, x, width, C_NORMAL);
		if (status && c == C_ERROR)
			draw_text(stdscr, y, x + 2, width - 2, c, status);
		else if (status)
			draw_own(stdscr, y, x + 1, width - 1, focus ? C_CURSOR : c, status);
		else
			draw_printf(stdscr, y, x + 1, width - 1, C_DIM, "  %s%s", _("loading"), draw_glyph_ellipsis());
		return;
	}
	for (size_t i = 0; i < sv.n_rows; i++) {
		char *safe = od_sanitize(sv.rows[i].name, 0);
		int w = safe ? od_display_width(safe) : 0;
		free(safe);
		if (w > name_w)
			name_w = w;
	}
	if (name_w > width / 2)
		name_w = width / 2;
	if (sv.cursor < sv.top)
		sv.top = sv.cursor;
	if (height > 0 && sv.cursor >= sv.top + (size_t)height)
		sv.top = sv.cursor - (size_t)height + 1;
	for (int i = 0; i < height; i++) {
		size_t k = sv.top + (size_t)i;
		if (k < sv.n_rows)
			draw_share(&sv.rows[k], y + i, x, width, name_w, focus && k == sv.cursor);
		else if (k == sv.n_rows && sv.error)
			draw_text(stdscr, y + i, x + 2, width - 2, C_ERROR, sv.error);
		else
			draw_blank(stdscr, y + i, x, width, C_NORMAL);
	}
}

void
shares_view_draw(struct app *a, int y, int x, int height, int width)
{
	size_t want_s = sv.n_rows + (sv.error && sv.n_rows), want_t = tokens_lines();
	int avail = height - 3, rows_s, rows_t;
	char *title;

	if (height < 1 || width < 1)
		return;
	if (avail < 2) {
		/* Too low for two lists: the focused one alone. */
		for (int i = 0; i < height; i++)
			draw_blank(stdscr, y + i, x, width, C_NORMAL);
		if (sv.list == L_SHARES)
			draw_shares(a, y, x, height, width);
		else
			tokens_draw(a, y, x, height, width, a->focus == FOCUS_PANE);
		return;
	}
	if (want_s < 1)
		want_s = 1;
	if (want_t < 1)
		want_t = 1;
	rows_s = (int)want_s;
	if ((int)(want_s + want_t) > avail) {
		int rest = avail - (int)want_t;
		rows_s = rest > avail / 2 ? rest : avail / 2;
		if (rows_s > (int)want_s)
			rows_s = (int)want_s;
		if (rows_s < 1)
			rows_s = 1;
	}
	rows_t = avail - rows_s;
	title = sv.none ? xstrdup(_("Shares")) : xasprintf(_("Shares of %s"), sv.path);
	heading(y, x, width, title, false,
		sv.none ? NULL : _("   n shares, r renames, e describes, d deletes, y copies, K adds a handle"));
	free(title);
	draw_shares(a, y + 1, x, rows_s, width);
	draw_blank(stdscr, y + 1 + rows_s, x, width, C_NORMAL);
	heading(y + 2 + rows_s, x, width, _("Your tokens"), true,
		a->share_id ? NULL : _("   t new, i invite, x examines, c joins, R revokes, D deletes"));
	tokens_draw(a, y + 3 + rows_s, x, rows_t, width, a->focus == FOCUS_PANE && sv.list == L_TOKENS);
}

/* --- keys: changes to shares ---------------------------------------------------------- */

/* One change to a share on its way. */
struct share_change {
	struct app *a;
	struct od_space *space;
	char *file_id, *path, *share_id, *name;
	struct od_edit *edit;	/* a description in the editor */
	char *start;		/* what the editor started with */
};

static struct share_change *
change_new(const struct share_row *r)
{
	struct share_change *c = xcalloc(1, sizeof(*c));

	c->a = sv.a;
	c->space = sv.space;
	c->file_id = xstrdup(sv.file_id);
	c->path = xstrdup(sv.path);
	c->share_id = r ? xstrdup(r->id) : NULL;
	c->name = r ? xstrdup(r->name) : NULL;
	return c;
}

static void
change_free(struct share_change *c, bool keep_file)
{
	od_edit_free(c->edit, keep_file);
	free(c->file_id);
	free(c->path);
	free(c->share_id);
	free(c->name);
	free(c->start);
	free(c);
}

/* The share under the cursor, or NULL (said why). */
static const struct share_row *
current(struct app *a)
{
	if (sv.none || !sv.file_id) {
		app_message(a, _("Nothing selected that can be shared"));
		return NULL;
	}
	if (!sv.loaded || sv.cursor >= sv.n_rows) {
		app_message(a, sv.loaded ? _("No share here: n shares the selected item") : _("Still loading the shares"));
		return NULL;
	}
	return &sv.rows[sv.cursor];
}

/* Whether text may be sent as the share's what (else said): a name or
 * description reaches every terminal that shows the share. */
static bool
text_ok(struct app *a, const char *what, const char *text, bool lines)
{
	struct od_error *err = od_share_text_check(what, text, lines);

	if (!err)
		return true;
	app_error(a, "%s", err->message);
	od_error_free(err);
	return false;
}

static void
on_created(const char *id, struct od_error *err, void *ud)
{
	struct share_change *c = ud;

	if (err) {
		app_error(c->a, _("Cannot share %s: %s"), c->path, err->message);
	} else {
		app_message(c->a, _("Shared %s as \"%s\": y copies its public link"), c->path, c->name);
		shares_view_changed(c->file_id, id);
	}
	od_error_free(err);
	change_free(c, false);
}

static void
on_new_description(struct app *a, const char *text, void *ud)
{
	struct share_change *c = ud;

	if (!text || !text_ok(a, _("description"), text, true)) {
		change_free(c, false);
		return;
	}
	if (!od_share_create(a->s.zone, c->space, c->file_id, c->name, *text ? text : NULL, on_created, c))
		xoom();
}

static void
on_new_name(struct app *a, const char *text, void *ud)
{
	struct share_change *c = ud;

	if (!text || !*text) {
		if (text)
			app_message(a, _("A share needs a name: nothing was shared"));
		change_free(c, false);
		return;
	}
	if (!text_ok(a, _("name"), text, false)) {
		change_free(c, false);
		return;
	}
	c->name = xstrdup(text);
	widget_prompt(a, _("Description (optional; e edits it later in your editor)"), "", on_new_description, NULL,
		      c);
}

static void
share_new(struct app *a)
{
	struct share_change *c;

	if (sv.none || !sv.file_id) {
		app_message(a, sv.none ? _("Nothing selected that can be shared") : _("Still finding the space's root"));
		return;
	}
	c = change_new(NULL);
	widget_prompt(a, _("Share it under the name"), sv.name, on_new_name, NULL, c);
}

static void
on_updated(struct od_error *err, void *ud)
{
	struct share_change *c = ud;
	bool keep = false;

	if (err && c->edit) {
		app_error(c->a, _("Cannot change the share \"%s\": %s; your text is kept in %s"), c->name, err->message,
			  od_edit_path(c->edit));
		keep = true;
	} else if (err) {
		app_error(c->a, _("Cannot change the share \"%s\": %s"), c->name, err->message);
	} else {
		app_message(c->a, _("Changed the share \"%s\""), c->name);
		shares_changed(c->file_id);
	}
	od_error_free(err);
	change_free(c, keep);
}

static void
on_rename(struct app *a, const char *text, void *ud)
{
	struct share_change *c = ud;

	if (!text || !*text || strcmp(text, c->name) == 0) {
		if (text)
			app_message(a, *text ? _("The same name: nothing was changed") : _("A share needs a name"));
		change_free(c, false);
		return;
	}
	if (!text_ok(a, _("name"), text, false)) {
		change_free(c, false);
		return;
	}
	free(c->name);
	c->name = xstrdup(text);
	if (!od_share_update(a->s.zone, c->share_id, c->space->id, c->name, NULL, on_updated, c))
		xoom();
}

static void
on_described(struct app *a, int status, void *ud)
{
	struct share_change *c = ud;
	struct od_error *err;
	char *text;
	size_t len;

	if (status != 0) {
		if (status > 0 && status != 127)
			app_message(a, _("The editor ended with status %d: nothing was changed"), status);
		change_free(c, false);
		return;
	}
	if ((err = od_edit_read(c->edit, &text, &len))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		change_free(c, true);
		return;
	}
	if (strcmp(text, c->start) == 0) {
		app_message(a, _("No change: the description of \"%s\" stays as it was"), c->name);
		free(text);
		change_free(c, false);
		return;
	}
	if ((err = od_share_text_check(_("description"), text, true))) {
		app_error(a, _("%s; your text is kept in %s"), err->message, od_edit_path(c->edit));
		od_error_free(err);
		free(text);
		change_free(c, true);
		return;
	}
	if (!od_share_update(a->s.zone, c->share_id, c->space->id, NULL, text, on_updated, c))
		xoom();
	free(text);
}

static void
share_describe(struct app *a, const struct share_row *r)
{
	struct share_change *c = change_new(r);
	const char *prog = od_editor();
	const char *const *args;
	struct od_error *err;
	size_t n;

	c->start = xstrdup(r->description ? r->description : "");
	if ((err = od_edit_new(c->start, strlen(c->start), ".md", &c->edit))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		change_free(c, false);
		return;
	}
	args = od_edit_args(c->edit, prog, 0, &n);
	if (!app_spawn(a, "EDITOR", prog, args, n, on_described, c))
		change_free(c, false);
}

static void
on_deleted(struct od_error *err, void *ud)
{
	struct share_change *c = ud;

	if (err) {
		app_error(c->a, _("Cannot delete the share \"%s\": %s"), c->name, err->message);
	} else {
		app_message(c->a, _("Deleted the share \"%s\": its public link no longer works; the data stays"),
			    c->name);
		shares_changed(c->file_id);
	}
	od_error_free(err);
	change_free(c, false);
}

static void
on_delete_confirmed(struct app *a, bool yes, void *ud)
{
	struct share_change *c = ud;

	if (!yes) {
		change_free(c, false);
		return;
	}
	if (!od_share_delete(a->s.zone, c->space, c->share_id, c->name, on_deleted, c))
		xoom();
}

static void
share_delete(struct app *a, const struct share_row *r)
{
	struct share_change *c = change_new(r);
	char *question = xasprintf(_("Delete the share \"%s\" of %s? Its public link stops working; the data stays."),
				   r->name, sv.path);

	widget_confirm(a, question, on_delete_confirmed, c);
	free(question);
}

/* Enter: the whole record. The handle's identifier is read first. */
static void
show_record(struct app *a, const struct share_row *r, const char *handle)
{
	char *text = xasprintf("%s\n%s\n\n%s  %s\n%s  %s\n%s  %s\n%s  %s\n\n%s\n%s", r->name, sv.path, _("Public URL"),
			       r->public_url, _("REST URL  "), r->rest_url ? r->rest_url : "-", _("Handle    "),
			       handle ? handle : r->handle_id ? r->handle_id : _("none"), _("Share id  "), r->id,
			       _("Description:"), r->description && *r->description ? r->description : _("(none)"));
	char *title = xasprintf(_("Share \"%s\""), r->name);

	widget_popup(a, title, text);
	free(title);
	free(text);
}

struct record_wait {
	struct app *a;
	char *share_id;
};

static void
on_handle(const struct od_handle *h, struct od_error *err, void *ud)
{
	struct record_wait *w = ud;

	/* Shown only when the share is still under the cursor. */
	if (sv.cursor < sv.n_rows && od_str_eq(sv.rows[sv.cursor].id, w->share_id))
		show_record(w->a, &sv.rows[sv.cursor], err ? NULL : h->public_handle);
	od_error_free(err);
	free(w->share_id);
	free(w);
}

static void
share_details(struct app *a, const struct share_row *r)
{
	struct record_wait *w;

	if (!r->handle_id) {
		show_record(a, r, NULL);
		return;
	}
	w = xcalloc(1, sizeof(*w));
	w->a = a;
	w->share_id = xstrdup(r->id);
	if (!od_handle_get(a->s.zone, r->handle_id, on_handle, w))
		xoom();
}

static bool
shares_request(struct app *a, enum request req)
{
	const struct share_row *r;

	switch (req) {
	case REQ_SHARE_NEW:
		share_new(a);
		return true;
	case REQ_SHARE_RENAME:
		if ((r = current(a))) {
			struct share_change *c = change_new(r);
			widget_prompt(a, _("New name of the share"), r->name, on_rename, NULL, c);
		}
		return true;
	case REQ_SHARE_DESCRIBE:
		if ((r = current(a)))
			share_describe(a, r);
		return true;
	case REQ_SHARE_DELETE:
		if ((r = current(a)))
			share_delete(a, r);
		return true;
	case REQ_SHARE_COPY:
		if ((r = current(a)))
			clip_copy(a, _("public link"), r->public_url);
		return true;
	case REQ_SHARE_HANDLE:
		if ((r = current(a)))
			share_handle_start(a, &(struct share_ref){ .file_id = sv.file_id, .id = r->id, .name = r->name,
								    .description = r->description,
								    .handle_id = r->handle_id });
		return true;
	case REQ_DETAILS:
		if ((r = current(a)))
			share_details(a, r);
		return true;
	case REQ_HANDOUT:
		handout_start(a);
		return true;
	case REQ_REFRESH:
		if (sv.file_id) {
			shares_changed(sv.file_id);
			app_message(a, _("Reading the shares and tokens again"));
		}
		return tokens_request(a, req, false);
	default:
		return false;
	}
}

/* --- keys: moving ---------------------------------------------------------------------- */

static void
focus_list(enum list l)
{
	sv.list = l;
	app_dirty(sv.a);
}

static bool
move_cursor(struct app *a, enum request req)
{
	/* Past the end: on to the tokens. */
	if (req == REQ_MOVE_DOWN && sv.cursor + 1 >= sv.n_rows) {
		focus_list(L_TOKENS);
		tokens_cursor_home();
		return true;
	}
	if (!request_move(req, &sv.cursor, sv.n_rows, sv.height))
		return false;
	app_dirty(a);
	return true;
}

bool
shares_view_request(struct app *a, enum request req)
{
	if (req == REQ_NEXT_LIST) {
		if (sv.list == L_TOKENS) {
			/* Back to the tree; the pane starts again on the shares. */
			sv.list = L_SHARES;
			return false;
		}
		focus_list(L_TOKENS);
		return true;
	}
	if (sv.list == L_SHARES) {
		if (move_cursor(a, req))
			return true;
		if (req == REQ_MOVE_UP || req == REQ_MOVE_DOWN)
			return true;
		if (shares_request(a, req))
			return true;
		/* The tokens' own keys work from either list. */
		return tokens_request(a, req, false);
	}
	if (req == REQ_MOVE_UP && tokens_at_first()) {
		/* Above the first token: back to the shares. */
		focus_list(L_SHARES);
		sv.cursor = sv.n_rows ? sv.n_rows - 1 : 0;
		return true;
	}
	if (req == REQ_SHARE_NEW || req == REQ_HANDOUT)
		return shares_request(a, req);
	if (req == REQ_SHARE_RENAME || req == REQ_SHARE_DESCRIBE || req == REQ_SHARE_DELETE || req == REQ_SHARE_COPY ||
	    req == REQ_SHARE_HANDLE) {
		app_message(a, _("Put the cursor on a share first (Tab, or Up past the first token)"));
		return true;
	}
	if (req == REQ_REFRESH)
		return shares_request(a, req);
	return tokens_request(a, req, true);
}
