/* SPDX-License-Identifier: GPL-3.0-or-later */
/* view-tree.c: the tree of spaces, directories and files on the left.
 *
 * The visible rows are rebuilt from the tree cache whenever something
 * changed (pages arrived, a directory opened, the sort or a filter
 * changed). Each expanded directory has a view of its children, sorted
 * directories first and merged page by page, so a 100,000-entry directory
 * stays smooth while it loads. The cursor is kept by file id: nodes come
 * and go, ids stay. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/provider.h"
#include "onetui/report.h"
#include "onetui/str.h"
#include "tui/draw.h"
#include "tui/marks.h"
#include "tui/tui.h"
#include "xmalloc.h"

enum sort_mode {
	SORT_NAME,
	SORT_SIZE,
	SORT_MTIME,
	SORT_COUNT,
};

enum row_kind {
	ROW_NODE,	/* a space, directory or file */
	ROW_LOADING,	/* pages still arriving */
	ROW_ERROR,	/* the listing failed */
	ROW_NOTE,	/* empty, stopped early, filtered */
};

struct row {
	enum row_kind kind;
	int depth;
	struct od_node *node;	/* for ROW_NODE; the directory for the others */
};

/* An expanded directory's children as shown: sorted, maybe filtered. */
struct dirview {
	struct od_node *dir;
	struct od_node **v;	/* sorted */
	size_t n, cap;
	size_t seen;		/* children of dir already in v */
	int sort;		/* the sort v is in */
	char *filter;		/* NULL: none */
};

static struct {
	struct app *a;
	struct row *rows;
	size_t n_rows, cap_rows;
	bool stale;		/* rows must be rebuilt */
	struct dirview **views;
	size_t n_views;
	size_t cursor;
	size_t top;
	char *cursor_id;	/* file id of the cursor's node */
	size_t page;		/* rows in the last drawing */
	enum sort_mode sort;
	char *match;		/* the last filter text, for next/prev match */
	struct od_node *filtering;	/* the directory a prompt filters */
	char *filter_before;	/* its filter before the prompt opened */
	struct od_node *selected;	/* what the Info pane was told */
	struct od_space **ds_spaces;	/* spaces showing their datasets */
	size_t n_ds_spaces;
} tv;

static const char *
sort_name(enum sort_mode m)
{
	switch (m) {
	case SORT_SIZE: return _("size");
	case SORT_MTIME: return _("time");
	default: break;
	}
	return _("name");
}

/* --- directory views ------------------------------------------------------ */

static struct dirview *
view_of(struct od_node *dir)
{
	struct dirview *dv;

	for (size_t i = 0; i < tv.n_views; i++)
		if (tv.views[i]->dir == dir)
			return tv.views[i];
	/* Each view is allocated alone: callers hold on to it while the
	 * rows below it are added, which may add views. */
	dv = xcalloc(1, sizeof(*dv));
	dv->dir = dir;
	dv->sort = -1;
	tv.views = xrealloc(tv.views, (tv.n_views + 1) * sizeof(*tv.views));
	tv.views[tv.n_views++] = dv;
	return dv;
}

static void
forget_views(void)
{
	for (size_t i = 0; i < tv.n_views; i++) {
		free(tv.views[i]->v);
		free(tv.views[i]->filter);
		free(tv.views[i]);
	}
	free(tv.views);
	tv.views = NULL;
	tv.n_views = 0;
	tv.filtering = NULL;
}

static int
compare(const struct od_node *x, const struct od_node *y)
{
	bool dx = od_node_type(x) == OD_FILE_DIR, dy = od_node_type(y) == OD_FILE_DIR;
	int64_t a, b;

	if (dx != dy)
		return dx ? -1 : 1;
	switch (tv.sort) {
	case SORT_SIZE:
		a = od_node_size(x);
		b = od_node_size(y);
		if (a != b)
			return a > b ? -1 : 1;	/* biggest first, as ncdu does */
		break;
	case SORT_MTIME:
		a = od_node_mtime(x);
		b = od_node_mtime(y);
		if (a != b)
			return a > b ? -1 : 1;	/* newest first */
		break;
	default:
		break;
	}
	return strcmp(od_node_name(x), od_node_name(y));
}

static int
compare_ptr(const void *x, const void *y)
{
	return compare(*(struct od_node *const *)x, *(struct od_node *const *)y);
}

/* Bring a directory view up to date: sort what arrived since and merge
 * it in, or sort everything after a change of sort. */
static void
view_update(struct dirview *dv)
{
	size_t total = od_node_child_count(dv->dir), fresh;
	struct od_node **merged;

	if (dv->sort != (int)tv.sort || total < dv->seen) {
		dv->n = dv->seen = 0;
		dv->sort = (int)tv.sort;
	}
	if (total == dv->seen)
		return;
	if (total > dv->cap) {
		dv->cap = total + total / 4 + 16;
		dv->v = xrealloc(dv->v, dv->cap * sizeof(*dv->v));
	}
	fresh = total - dv->seen;
	for (size_t i = 0; i < fresh; i++)
		dv->v[dv->n + i] = od_node_child(dv->dir, dv->seen + i);
	if (fresh > 1)
		qsort(dv->v + dv->n, fresh, sizeof(*dv->v), compare_ptr);
	if (dv->n) {
		/* Merge the sorted new entries into the sorted old ones. */
		size_t i = 0, j = dv->n, k = 0;
		merged = xmalloc(total * sizeof(*merged));
		while (i < dv->n && j < total)
			merged[k++] = compare(dv->v[i], dv->v[j]) <= 0 ? dv->v[i++] : dv->v[j++];
		while (i < dv->n)
			merged[k++] = dv->v[i++];
		while (j < total)
			merged[k++] = dv->v[j++];
		memcpy(dv->v, merged, total * sizeof(*merged));
		free(merged);
	}
	dv->n = total;
	dv->seen = total;
}

static bool
name_matches(const struct od_node *n, const char *filter)
{
	return !filter || !*filter || strcasestr(od_node_name(n), filter) != NULL;
}

/* --- rows ------------------------------------------------------------------ */

static void
add_row(enum row_kind kind, int depth, struct od_node *node)
{
	if (tv.n_rows == tv.cap_rows) {
		tv.cap_rows = tv.cap_rows ? tv.cap_rows * 2 : 256;
		tv.rows = xrealloc(tv.rows, tv.cap_rows * sizeof(*tv.rows));
	}
	tv.rows[tv.n_rows++] = (struct row){ kind, depth, node };
}

static void
add_children(struct od_node *dir, int depth)
{
	enum od_load_state st = od_node_load_state(dir);
	struct dirview *dv = view_of(dir);
	size_t shown = 0;

	view_update(dv);
	for (size_t i = 0; i < dv->n; i++) {
		struct od_node *c = dv->v[i];
		if (!name_matches(c, dv->filter))
			continue;
		shown++;
		add_row(ROW_NODE, depth, c);
		if (od_node_expanded(c))
			add_children(c, depth + 1);
	}
	if (st == OD_LOAD_RUNNING)
		add_row(ROW_LOADING, depth, dir);
	else if (st == OD_LOAD_FAILED)
		add_row(ROW_ERROR, depth, dir);
	else if (st == OD_LOAD_PARTIAL || (dv->filter && *dv->filter) || (st == OD_LOAD_DONE && shown == 0))
		add_row(ROW_NOTE, depth, dir);
}

static size_t
ds_index(const struct od_space *s)
{
	size_t i = 0;

	while (i < tv.n_ds_spaces && tv.ds_spaces[i] != s)
		i++;
	return i;
}

static bool
shows_datasets(const struct od_space *s)
{
	return ds_index(s) < tv.n_ds_spaces;
}

/* The space's row: its root directory, or its attached datasets. */
static struct od_node *
space_row_node(struct od_space *s)
{
	struct od_node *n = shows_datasets(s) ? od_tree_datasets_root(tv.a->tree, s, false)
					      : od_tree_space_root(tv.a->tree, s);

	if (!n)
		xoom();
	return n;
}

static void
add_tree(struct od_node *n, int depth)
{
	add_row(ROW_NODE, depth, n);
	if (od_node_expanded(n))
		add_children(n, depth + 1);
}

static void
rebuild(void)
{
	struct od_zone *z = tv.a->s.zone;
	struct od_node *share;

	tv.n_rows = 0;
	for (size_t i = 0; tv.a->spaces_loaded && i < od_zone_space_count(z); i++) {
		struct od_space *s = od_zone_space(z, i);
		struct od_node *root = space_row_node(s), *detached;

		add_tree(root, 0);
		/* The detached datasets hang below the attached ones. */
		if (od_node_kind(root) == OD_NODE_DATASETS && od_node_expanded(root)) {
			if (!(detached = od_tree_datasets_root(tv.a->tree, s, true)))
				xoom();
			add_tree(detached, 1);
		}
	}
	/* Opened on a public link: the share alone. */
	if (tv.a->spaces_loaded && tv.a->share_root_id && (share = od_tree_find(tv.a->tree, tv.a->share_root_id)))
		add_tree(share, 0);
	tv.stale = false;
}

/* Put the cursor back on the node it was on, after a rebuild. */
static void
restore_cursor(void)
{
	struct od_node *n = tv.cursor_id ? od_tree_find(tv.a->tree, tv.cursor_id) : NULL;

	for (size_t i = 0; n && i < tv.n_rows; i++) {
		if (tv.rows[i].kind == ROW_NODE && tv.rows[i].node == n) {
			tv.cursor = i;
			return;
		}
	}
	if (tv.cursor >= tv.n_rows)
		tv.cursor = tv.n_rows ? tv.n_rows - 1 : 0;
}

static void cursor_moved(void);

static void
ensure_rows(void)
{
	if (!tv.stale)
		return;
	rebuild();
	restore_cursor();
	/* A refreshed listing brings new nodes: the Info pane follows. */
	if (tv.cursor < tv.n_rows && tv.rows[tv.cursor].kind == ROW_NODE && tv.rows[tv.cursor].node != tv.selected)
		cursor_moved();
}

static struct od_node *
cursor_node(void)
{
	ensure_rows();
	if (tv.cursor >= tv.n_rows)
		return NULL;
	return tv.rows[tv.cursor].node;
}

/* Remember the cursor's node and tell the panes when it changed. */
static void
cursor_moved(void)
{
	struct od_node *n = cursor_node();
	struct od_space *s = n ? od_node_space(tv.a->tree, n) : NULL;

	free(tv.cursor_id);
	tv.cursor_id = n ? od_node_id(n) : NULL;
	if (n && tv.rows[tv.cursor].kind != ROW_NODE)
		n = NULL;
	if (n != tv.selected) {
		tv.selected = n;
		panes_select(tv.a, n, s);
	}
	app_dirty(tv.a);
}

static void
move_to(size_t i)
{
	ensure_rows();
	if (!tv.n_rows)
		return;
	tv.cursor = i < tv.n_rows ? i : tv.n_rows - 1;
	cursor_moved();
}

/* --- tree events --------------------------------------------------------------- */

static void
on_tree(struct od_tree *t, struct od_node *dir, enum od_tree_event ev, void *ud)
{
	struct app *a = ud;

	/* Dropped children take their descendants' views with them. */
	if (ev == OD_TREE_DROPPED)
		forget_views();
	if (ev == OD_TREE_SIZE) {
		char *id = od_node_id(dir);
		if (!id)
			xoom();
		marks_set_size(id, od_node_size(dir));
		free(id);
		/* Sorted by size, the directory moves. */
		if (tv.sort == SORT_SIZE && od_node_parent(dir))
			view_of(od_node_parent(dir))->sort = -1;
	}
	if (ev == OD_TREE_FINISHED && od_node_load_state(dir) == OD_LOAD_FAILED) {
		char *path = tree_view_path(dir);
		app_error(a, _("Cannot list %s: %s"), path, od_node_error(dir)->message);
		free(path);
	}
	tv.stale = true;
	app_dirty(a);
}

void
tree_view_init(struct app *a)
{
	memset(&tv, 0, sizeof(tv));
	tv.a = a;
	tv.stale = true;
	od_tree_set_listener(a->tree, on_tree, a);
}

void
tree_view_done(void)
{
	forget_views();
	free(tv.rows);
	free(tv.cursor_id);
	free(tv.match);
	free(tv.filter_before);
	free(tv.ds_spaces);
	marks_clear();
	memset(&tv, 0, sizeof(tv));
}

void
tree_view_spaces_loaded(struct app *a)
{
	tv.stale = true;
	ensure_rows();
	cursor_moved();
}

static void
on_spaces_again(struct od_error *err, void *ud)
{
	struct app *a = ud;

	if (err) {
		if (err->kind != OD_ERR_CANCELLED)
			app_error(a, _("Cannot read your spaces again: %s"), err->message);
		od_error_free(err);
		return;
	}
	tree_view_spaces_loaded(a);
	app_dirty(a);
}

void
tree_view_reload_spaces(struct app *a)
{
	if (a->share_id || !a->spaces_loaded)
		return;
	if (!od_zone_load_spaces(a->s.zone, on_spaces_again, a))
		xoom();
}

struct od_node *
tree_view_selected(struct od_space **space)
{
	struct od_node *n = cursor_node();

	if (n && tv.rows[tv.cursor].kind != ROW_NODE)
		n = NULL;
	if (space)
		*space = n ? od_node_space(tv.a->tree, n) : NULL;
	return n;
}

/* A node's name; a space's row says what the space is called now (it
 * may have been renamed since the row was made). */
static const char *
node_name(const struct od_node *n)
{
	struct od_space *s = od_node_parent(n) ? NULL : od_node_space(tv.a->tree, n);

	return s ? s->name : od_node_name(n);
}

char *
tree_view_path(struct od_node *n)
{
	const char *root_path = od_node_root_path(n);
	size_t len = 0;
	struct od_node *p;
	char *path, *w;

	/* A dataset stands for its root, wherever that is in the space. */
	if (root_path && *root_path)
		return xstrdup(root_path + (*root_path == '/'));
	for (p = n; p; p = od_node_parent(p))
		len += strlen(node_name(p)) + 1;
	/* Fill from the end: the node's name last, its space's first. */
	path = xmalloc(len);
	w = path + len - 1;
	*w = '\0';
	for (p = n; p; p = od_node_parent(p)) {
		size_t l = strlen(node_name(p));
		w -= l;
		memcpy(w, node_name(p), l);
		if (od_node_parent(p))
			*--w = '/';
	}
	return path;
}

void
tree_view_marks(size_t *count, int64_t *bytes, size_t *unknown)
{
	*count = marks_count();
	*bytes = marks_bytes(unknown);
}

/* --- actions -------------------------------------------------------------------- */

static void
expand(struct od_node *n)
{
	if (od_tree_expand(tv.a->tree, n) != 0)
		xoom();
	tv.stale = true;
}

static void
collapse(struct od_node *n)
{
	od_tree_collapse(tv.a->tree, n);
	tv.stale = true;
}

/* The directory the cursor is in: the parent of the cursor's row. */
static struct od_node *
current_dir(void)
{
	struct od_node *n = cursor_node();

	if (!n)
		return NULL;
	if (tv.rows[tv.cursor].kind != ROW_NODE)
		return n;
	return od_node_parent(n) ? od_node_parent(n) : n;
}

/* The file id a mark of n stands for: a dataset marks its root file. */
static char *
mark_id(const struct od_node *n)
{
	char *id = od_node_kind(n) == OD_NODE_DATASET ? xstrdup(od_node_root_file_id(n)) : od_node_id(n);

	if (!id)
		xoom();
	return id;
}

/* Whether n is marked; its id is worked out only when anything is. */
static bool
is_marked(const struct od_node *n)
{
	char *id;
	bool marked;

	if (marks_count() == 0)
		return false;
	id = mark_id(n);
	marked = marks_has(id);
	free(id);
	return marked;
}

static void
toggle_mark(void)
{
	struct od_space *space = NULL;
	struct od_node *n = tree_view_selected(&space);
	const char *share = n ? od_node_share_id(tv.a->tree, n) : NULL;
	const struct od_node *top;
	const char *root;
	struct mark m;
	size_t l;

	if (!n || (!space && !share))
		return;
	/* A share's root is what was shared: it can be fetched whole. */
	if (od_node_kind(n) == OD_NODE_DATASETS || (!od_node_parent(n) && !share)) {
		app_message(tv.a, _("Spaces cannot be marked; mark what is inside"));
		return;
	}
	m = (struct mark){ .file_id = mark_id(n), .path = tree_view_path(n), .space_id = space ? space->id : NULL,
			   .share_id = (char *)share, .type = od_node_type(n), .size = od_node_size(n) };
	/* The path names the space (or share) first: what follows is the path within. */
	for (top = n; od_node_parent(top); top = od_node_parent(top))
		;
	root = node_name(top);
	l = strlen(root);
	m.in_space = strncmp(m.path, root, l) == 0 && m.path[l] == '/' ? m.path + l + 1
		     : strcmp(m.path, root) == 0 ? m.path + l : m.path;
	marks_toggle(&m);
	free(m.file_id);
	free(m.path);
	move_to(tv.cursor + 1);
}

/* Show the cursor's space as datasets, or as files again. */
static void
toggle_datasets(void)
{
	struct od_space *s = NULL;
	struct od_node *root;
	size_t i;

	tree_view_selected(&s);
	if (!s) {
		app_message(tv.a, tv.a->share_id ? _("A public share has no datasets view") : _("Select a space first"));
		return;
	}
	i = ds_index(s);
	if (i < tv.n_ds_spaces) {
		tv.ds_spaces[i] = tv.ds_spaces[--tv.n_ds_spaces];
	} else {
		tv.ds_spaces = xrealloc(tv.ds_spaces, (tv.n_ds_spaces + 1) * sizeof(*tv.ds_spaces));
		tv.ds_spaces[tv.n_ds_spaces++] = s;
	}
	/* The user asked to see what is inside: open it. */
	root = space_row_node(s);
	if (!od_node_expanded(root))
		expand(root);
	app_message(tv.a, od_node_kind(root) == OD_NODE_DATASETS ? _("Datasets of %s (d: files again)")
								 : _("Files of %s (d: datasets)"), s->name);
	tv.stale = true;
	ensure_rows();
	for (size_t r = 0; r < tv.n_rows; r++)
		if (tv.rows[r].node == root) {
			move_to(r);
			break;
		}
}

static void
on_filter_change(struct app *a, const char *text, void *ud)
{
	struct dirview *dv;

	if (!tv.filtering)
		return;
	dv = view_of(tv.filtering);
	free(dv->filter);
	dv->filter = text && *text ? xstrdup(text) : NULL;
	tv.stale = true;
	ensure_rows();
	/* Stay on the first match of the directory being filtered. */
	for (size_t i = 0; i < tv.n_rows; i++) {
		if (tv.rows[i].kind == ROW_NODE && od_node_parent(tv.rows[i].node) == tv.filtering) {
			tv.cursor = i;
			break;
		}
	}
	cursor_moved();
}

static void
on_filter_done(struct app *a, const char *text, void *ud)
{
	if (!text) {
		/* Cancelled: back to the filter there was. */
		on_filter_change(a, tv.filter_before, NULL);
	} else {
		free(tv.match);
		tv.match = *text ? xstrdup(text) : NULL;
		on_filter_change(a, text, NULL);
	}
	free(tv.filter_before);
	tv.filter_before = NULL;
	tv.filtering = NULL;
}

static void
start_filter(void)
{
	struct od_node *dir = current_dir();
	struct dirview *dv;

	if (!dir)
		return;
	dv = view_of(dir);
	tv.filtering = dir;
	free(tv.filter_before);
	tv.filter_before = dv->filter ? xstrdup(dv->filter) : NULL;
	widget_prompt(tv.a, _("Filter"), dv->filter, on_filter_done, on_filter_change, NULL);
}

static void
next_match(int step)
{
	ensure_rows();
	if (!tv.match || !tv.n_rows) {
		app_message(tv.a, _("No filter yet: / starts one"));
		return;
	}
	for (long k = 1; k <= (long)tv.n_rows; k++) {
		long i = ((long)tv.cursor + step * k) % (long)tv.n_rows;
		if (i < 0)
			i += (long)tv.n_rows;
		if (tv.rows[i].kind == ROW_NODE && od_node_parent(tv.rows[i].node) &&
		    name_matches(tv.rows[i].node, tv.match)) {
			move_to((size_t)i);
			return;
		}
	}
	app_message(tv.a, _("Nothing shown matches \"%s\""), tv.match);
}

/* r: a directory (or the error or note row below one) is listed again;
 * whatever is selected is described again in the Info pane. */
static void
refresh_selected(void)
{
	struct od_node *n = cursor_node();

	if (!tv.a->spaces_loaded)
		return;		/* app.c reloads the spaces */
	if (n && (tv.rows[tv.cursor].kind != ROW_NODE || od_node_type(n) == OD_FILE_DIR)) {
		if (od_tree_refresh(tv.a->tree, n) != 0)
			xoom();
		tv.stale = true;
	}
	panes_select(tv.a, tree_view_selected(NULL), NULL);
}

bool
tree_view_request(struct app *a, enum request req)
{
	struct od_node *n;
	size_t page = tv.page > 1 ? tv.page - 1 : 1;

	ensure_rows();
	switch (req) {
	case REQ_MOVE_UP:
		if (tv.cursor > 0)
			move_to(tv.cursor - 1);
		return true;
	case REQ_MOVE_DOWN:
		move_to(tv.cursor + 1);
		return true;
	case REQ_PAGE_UP:
		move_to(tv.cursor > page ? tv.cursor - page : 0);
		return true;
	case REQ_PAGE_DOWN:
		move_to(tv.cursor + page);
		return true;
	case REQ_MOVE_FIRST:
		move_to(0);
		return true;
	case REQ_MOVE_LAST:
		move_to(tv.n_rows ? tv.n_rows - 1 : 0);
		return true;
	case REQ_OPEN:
		n = tree_view_selected(NULL);
		if (!n)
			return true;
		if (od_node_type(n) != OD_FILE_DIR) {
			a->focus = FOCUS_PANE;
			a->pane = PANE_INFO;
		} else if (od_node_expanded(n)) {
			collapse(n);
		} else {
			expand(n);
		}
		app_dirty(a);
		return true;
	case REQ_CLOSE:
		n = cursor_node();
		if (!n)
			return true;
		if (tv.rows[tv.cursor].kind == ROW_NODE && od_node_expanded(n)) {
			collapse(n);
		} else if (tv.rows[tv.cursor].kind != ROW_NODE || od_node_parent(n)) {
			struct od_node *parent = tv.rows[tv.cursor].kind == ROW_NODE ? od_node_parent(n) : n;
			for (size_t i = tv.cursor; i-- > 0;) {
				if (tv.rows[i].kind == ROW_NODE && tv.rows[i].node == parent) {
					move_to(i);
					break;
				}
			}
		}
		app_dirty(a);
		return true;
	case REQ_MARK:
		toggle_mark();
		return true;
	case REQ_FILTER:
		start_filter();
		return true;
	case REQ_NEXT_MATCH:
		next_match(1);
		return true;
	case REQ_PREV_MATCH:
		next_match(-1);
		return true;
	case REQ_SORT:
		tv.sort = (tv.sort + 1) % SORT_COUNT;
		tv.stale = true;
		app_message(a, _("Sorted by %s, directories first"), sort_name(tv.sort));
		return true;
	case REQ_REFRESH:
		refresh_selected();
		return true;
	case REQ_DATASETS:
		toggle_datasets();
		return true;
	case REQ_REPLICATE:
		replicate_start(a);
		return true;
	case REQ_DATASET_ACTIONS:
		datasets_start(a);
		return true;
	case REQ_SEND:
		transfers_send(a);
		return true;
	case REQ_CLEAR_MARKS:
		marks_clear();
		app_message(a, _("No item is marked now"));
		return true;
	default:
		return false;
	}
}

/* --- drawing -------------------------------------------------------------------- */

/* "Facility Storage, HPC Centre (offline)". */
static void
draw_space(int y, int x, int width, struct od_node *root, enum color c)
{
	struct od_space *s = od_node_space(tv.a->tree, root);
	char providers[256] = "";
	size_t used = 0;
	int cols;

	for (size_t i = 0; s && i < s->n_supports && used < sizeof(providers); i++) {
		const struct od_provider_info *p = s->supports[i].provider;
		int n = snprintf(providers + used, sizeof(providers) - used, "%s%s%s", i ? ", " : "", p->name,
				 p->online ? "" : _(" (offline)"));
		used += n > 0 ? (size_t)n : 0;
	}
	if (s && s->n_supports == 0)
		snprintf(providers, sizeof(providers), "%s", _("no supporting provider"));
	if (!s)
		snprintf(providers, sizeof(providers), _("public share \"%s\", read-only"),
			 tv.a->share_name ? tv.a->share_name : "");
	cols = draw_text(stdscr, y, x, width, c, node_name(root));
	if (cols + 3 < width) {
		/* Provider names come from the zone: sanitised like any name. */
		draw_text(stdscr, y, x + cols + 2, width - cols - 2, c == C_SPACE ? C_DIM : c, providers);
	}
}

/* The attached datasets stand in the space's row; the detached ones
 * have a row of their own below them. */
static void
draw_datasets_root(int y, int x, int width, struct od_node *root, enum color c, bool cursor)
{
	int cols;

	if (od_node_dataset_flags(root) & OD_NODE_DETACHED) {
		draw_own(stdscr, y, x, width, cursor ? c : C_DIM, _("Detached datasets"));
		return;
	}
	cols = draw_text(stdscr, y, x, width, cursor ? c : C_SPACE, node_name(root));
	if (cols + 3 < width)
		draw_own(stdscr, y, x + cols + 2, width - cols - 2, cursor ? c : C_DIM, _("datasets (d: files)"));
}

/* A dataset is shown by where it is below the dataset above it (or the
 * space root): "GridSquare_1734460/Data" says more than "Data". */
static const char *
dataset_label(const struct od_node *n)
{
	const struct od_node *up = od_node_parent(n);
	const char *path = od_node_root_path(n), *base;
	size_t len;

	if (od_node_kind(up) == OD_NODE_DATASET) {
		base = od_node_root_path(up);
		len = strlen(base);
		if (len && strncmp(path, base, len) == 0 && path[len] == '/' && path[len + 1])
			return path + len + 1;
	} else if (*path == '/' && (base = strchr(path + 1, '/')) && base[1]) {
		return base + 1;
	}
	return od_node_name(n);
}

static void
draw_dataset(int y, int x, int width, struct od_node *n, enum color c)
{
	unsigned flags = od_node_dataset_flags(n);
	int cols = draw_text(stdscr, y, x, width, c, dataset_label(n));
	const char *tag = flags & OD_NODE_DETACHED ? _("detached")
			: flags ? od_protection_words(flags & (OD_PROTECT_DATA | OD_PROTECT_METADATA)) : NULL;

	if (tag && cols + 3 < width)
		draw_own(stdscr, y, x + cols + 2, width - cols - 2, c == C_DIR ? C_DIM : c, tag);
}

static const char *
empty_words(const struct od_node *dir)
{
	switch (od_node_kind(dir)) {
	case OD_NODE_DATASETS: return _("(no datasets)");
	case OD_NODE_DATASET: return _("(no nested datasets)");
	case OD_NODE_FILE: break;
	}
	return _("(empty)");
}

static void
draw_row(size_t i, int y, int x, int width)
{
	const struct row *r = &tv.rows[i];
	bool cursor = i == tv.cursor;
	enum color c = cursor ? (tv.a->focus == FOCUS_TREE ? C_CURSOR : C_CURSOR_DIM) : C_NORMAL;
	int indent = 2 * r->depth, size_w = width >= 40 ? 10 : 0, name_w;
	char size[OD_SIZE_BUFSZ];
	struct od_node *n = r->node;
	bool marked;

	draw_blank(stdscr, y, x, width, c);
	if (r->kind != ROW_NODE) {
		struct dirview *dv = view_of(n);
		const struct od_error *err = od_node_error(n);
		enum color note = cursor ? c : (r->kind == ROW_ERROR ? C_ERROR : C_DIM);
		if (r->kind == ROW_LOADING)
			draw_printf(stdscr, y, x + indent + 2, width - indent - 2, note, _("loading%s %zu so far"),
				    draw_glyph_ellipsis(), od_node_child_count(n));
		else if (r->kind == ROW_ERROR)
			draw_printf(stdscr, y, x + indent + 2, width - indent - 2, note, "! %s  (%s)",
				    err ? err->message : "?", _("r: retry"));
		else if (dv->filter && *dv->filter)
			draw_printf(stdscr, y, x + indent + 2, width - indent - 2, note, _("filter \"%s\" (/ to change)"),
				    dv->filter);
		else if (od_node_load_state(n) == OD_LOAD_PARTIAL)
			draw_printf(stdscr, y, x + indent + 2, width - indent - 2, note, "%s  (%s)",
				    err ? err->message : _("listing stopped"), _("r: load again"));
		else
			draw_own(stdscr, y, x + indent + 2, width - indent - 2, note, empty_words(n));
		return;
	}
	marked = is_marked(n);
	if (marked) {
		draw_own(stdscr, y, x, 1, cursor ? c : C_MARKED, "*");
	} else if ((od_node_parent(n) || od_node_share_id(tv.a->tree, n)) && transfers_any()) {
		/* Queued, on its way, fetched or failed. */
		enum color gc = C_NORMAL;
		char *path = tree_view_path(n);
		const char *g = transfers_glyph(path, &gc);
		if (g)
			draw_own(stdscr, y, x, 1, cursor ? c : gc, g);
		free(path);
	}
	if (od_node_type(n) == OD_FILE_DIR)
		draw_own(stdscr, y, x + 1 + indent, 2, c,
			 od_node_expanded(n) ? draw_glyph_open() : draw_glyph_closed());
	name_w = width - indent - 3 - size_w;
	if (od_node_kind(n) == OD_NODE_DATASETS) {
		draw_datasets_root(y, x + indent + 3, width - indent - 3, n, c, cursor);
		return;
	}
	if (!od_node_parent(n)) {
		draw_space(y, x + indent + 3, width - indent - 3, n, cursor ? c : C_SPACE);
		return;
	}
	if (od_node_kind(n) == OD_NODE_DATASET) {
		draw_dataset(y, x + indent + 3, width - indent - 3, n, cursor ? c : marked ? C_MARKED : C_DIR);
		return;
	}
	draw_text(stdscr, y, x + indent + 3, name_w, cursor ? c : marked ? C_MARKED :
		  od_node_type(n) == OD_FILE_DIR ? C_DIR : C_NORMAL, od_node_name(n));
	if (size_w && od_node_size(n) < 0)
		od_tree_want_size(tv.a->tree, n);
	if (size_w && od_node_size(n) >= 0) {
		/* Right-aligned, a column of space before the pane. */
		int w = (int)strlen(od_size_human(od_node_size(n), size));
		draw_own(stdscr, y, x + width - w - 1, w + 1, c, size);
	}
}

void
tree_view_draw(struct app *a, int y, int x, int height, int width)
{
	ensure_rows();
	tv.page = height > 0 ? (size_t)height : 1;
	if (!a->spaces_loaded) {
		for (int i = 0; i < height; i++)
			draw_blank(stdscr, y + i, x, width, C_NORMAL);
		const char *what = a->share_id ? a->spaces_failed ? _("The share could not be opened: r retries")
								 : _("Opening the share...")
				 : a->spaces_failed ? _("The spaces could not be loaded: r retries")
						    : _("Loading the spaces...");
		draw_own(stdscr, y, x + 1, width - 1, a->spaces_failed ? C_ERROR : C_DIM, what);
		return;
	}
	if (tv.n_rows == 0) {
		draw_own(stdscr, y, x + 1, width - 1, C_DIM, _("This token reaches no space."));
		for (int i = 1; i < height; i++)
			draw_blank(stdscr, y + i, x, width, C_NORMAL);
		return;
	}
	/* Keep the cursor in view, with a line of context when scrolling. */
	if (tv.cursor < tv.top)
		tv.top = tv.cursor;
	if (tv.cursor >= tv.top + tv.page)
		tv.top = tv.cursor - tv.page + 1;
	if (tv.top + tv.page > tv.n_rows)
		tv.top = tv.n_rows > tv.page ? tv.n_rows - tv.page : 0;
	for (int i = 0; i < height; i++) {
		size_t r = tv.top + (size_t)i;
		if (r < tv.n_rows)
			draw_row(r, y + i, x, width);
		else
			draw_blank(stdscr, y + i, x, width, C_NORMAL);
	}
}

const char *
tree_view_sort_name(void)
{
	return sort_name(tv.sort);
}
