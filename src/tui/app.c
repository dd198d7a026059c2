/* SPDX-License-Identifier: GPL-3.0-or-later */
/* app.c: the full-screen interface: start-up, the loop, the layout, the
 * status and key-hint lines, and the actions that are not a view's.
 *
 * One loop serves everything: it waits in the engine with the terminal as
 * an extra descriptor, so keys, replies and redraws never wait for each
 * other, and no call on it blocks on the network. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/output.h"
#include "onetui/buf.h"
#include "onetui/edit.h"
#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/log.h"
#include "onetui/provider.h"
#include "onetui/str.h"
#include "tui/draw.h"
#include "tui/marks.h"
#include "tui/tui.h"
#include "xmalloc.h"

/* The narrowest screen that still shows something useful. */
#define MIN_COLS 40
#define MIN_ROWS 8
/* How often a program the interface started is looked at. */
#define CHILD_POLL_MS 100
/* Ingest sessions whose watches the loop waits on; more are run every
 * second. */
#define MAX_WATCHES 16

static volatile sig_atomic_t stop_signal;

static void
on_stop_signal(int sig)
{
	stop_signal = sig;
}

void
app_dirty(struct app *a)
{
	a->dirty = true;
}

static void set_message(struct app *a, bool error, const char *fmt, va_list ap) OD_PRINTF(3, 0);

static void
set_message(struct app *a, bool error, const char *fmt, va_list ap)
{
	free(a->message);
	a->message = od_vasprintf(fmt, ap);
	if (!a->message)
		xoom();
	a->message_is_error = error;
	if (error) {
		free(a->last_error);
		a->last_error = xstrdup(a->message);
	}
	app_dirty(a);
}

void
app_message(struct app *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(a, false, fmt, ap);
	va_end(ap);
}

void
app_error(struct app *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(a, true, fmt, ap);
	va_end(ap);
}

/* Core log lines worth a user's attention (a provider failing over). */
static void
log_to_status(enum od_log_level level, const char *line, void *ud)
{
	if (level <= OD_LOG_WARN)
		app_message(ud, "%s", line);
}

/* The program app_spawn started has ended with status rc. */
static void
child_end(struct app *a, int rc)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	app_child_fn *done = a->child_done;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	reset_prog_mode();
	clearok(curscr, TRUE);
	app_dirty(a);
	if (rc < 0 || rc == 127)
		app_error(a, _("Could not run %s (set %s to choose the program)"), a->child_prog, a->child_var);
	a->child = 0;
	a->child_done = NULL;
	free(a->child_prog);
	a->child_prog = NULL;
	done(a, rc, a->child_ud);
}

bool
app_spawn(struct app *a, const char *var, const char *prog, const char *const *args, size_t n,
	  app_child_fn *done, void *ud)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN };

	if (a->child) {
		app_error(a, _("Another program is still running"));
		return false;
	}
	def_prog_mode();
	endwin();
	/* Ctrl-C belongs to the program now, not to onetui. */
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGINT, &ignore, NULL);
	a->child_prog = xstrdup(prog);
	a->child_var = var;
	a->child_done = done;
	a->child_ud = ud;
	a->child = od_program_start(prog, args, n);
	if (a->child < 0) {
		child_end(a, -1);
		return false;
	}
	return true;
}

/* --- start-up --------------------------------------------------------------- */

static void
on_user(const struct od_user *u, struct od_error *err, void *ud)
{
	struct app *a = ud;

	if (err) {
		if (err->kind != OD_ERR_CANCELLED)
			app_error(a, _("Cannot ask the zone who you are: %s"), err->message);
		od_error_free(err);
		return;
	}
	free(a->user);
	a->user = xstrdup(u->full_name && *u->full_name ? u->full_name : u->username ? u->username : u->id);
	app_dirty(a);
}

static void
on_spaces(struct od_error *err, void *ud)
{
	struct app *a = ud;

	if (err) {
		a->spaces_failed = true;
		if (err->kind != OD_ERR_CANCELLED && a->share_id)
			app_error(a, _("Cannot open the share %s: %s"), a->share_id, err->message);
		else if (err->kind != OD_ERR_CANCELLED)
			app_error(a, _("Cannot get the spaces of this token: %s"), err->message);
		od_error_free(err);
		app_dirty(a);
		return;
	}
	a->spaces_loaded = true;
	a->spaces_failed = false;
	tree_view_spaces_loaded(a);
	transfers_spaces_loaded(a);
	app_dirty(a);
}

/* The shared file or directory: the tree's root. */
static void
on_share_root(const struct od_attrs *at, struct od_error *err, void *ud)
{
	struct app *a = ud;

	if (!err && !od_tree_share_root(a->tree, a->share_id, at))
		xoom();
	if (!err)
		a->share_root_id = xstrdup(at->file_id);
	on_spaces(err, a);
}

static void
on_share(const struct od_share *sh, struct od_error *err, void *ud)
{
	struct app *a = ud;

	if (!err) {
		free(a->share_name);
		a->share_name = xstrdup(sh->name);
		if (!od_provider_stat(a->s.zone, NULL, sh->root_file_id, OD_ATTRS_LISTING, on_share_root, a))
			xoom();
		return;
	}
	on_spaces(err, a);
}

/* The tree's roots: the token's spaces, or the one public share. */
static void
load_spaces(struct app *a)
{
	a->spaces_failed = false;
	if (a->share_id ? !od_share_get_public(a->s.zone, a->share_id, on_share, a)
			: !od_zone_load_spaces(a->s.zone, on_spaces, a))
		xoom();
	app_dirty(a);
}

/* --- views over the tree and the panes --------------------------------------- */

static const struct overlay {
	bool (*shown)(void);
	void (*draw)(struct app *a, int y, int x, int height, int width);
	bool (*request)(struct app *a, enum request req);
	enum keymap_id keymap;
} overlays[] = {
	{ audit_shown, audit_draw, audit_request, KEYMAP_AUDIT },
	{ space_view_shown, space_view_draw, space_view_request, KEYMAP_SPACE },
	{ ingest_shown, ingest_draw, ingest_request, KEYMAP_INGEST },
};

/* The view shown over the tree and the panes, or NULL. */
static const struct overlay *
overlay_shown(void)
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(overlays); i++)
		if (overlays[i].shown())
			return &overlays[i];
	return NULL;
}

/* --- drawing ---------------------------------------------------------------- */

static const char *
zone_host(const struct app *a)
{
	const char *o = od_zone_origin(a->s.zone);
	const char *p = strstr(o, "://");

	return p ? p + 3 : o;
}

static void
draw_status(struct app *a, int y)
{
	char marks[96] = "", size[OD_SIZE_BUFSZ];
	struct od_space *space = NULL;
	const struct od_provider_info *via;
	size_t count, unknown;
	int64_t bytes;
	int x = 0;

	tree_view_selected(&space);
	via = space ? od_provider_current(space) : NULL;
	tree_view_marks(&count, &bytes, &unknown);
	if (count)
		snprintf(marks, sizeof(marks), P_(" · %zu marked, %s%s", " · %zu marked, %s%s", count), count,
			 od_size_human(bytes, size), unknown ? "+" : "");
	draw_blank(stdscr, y, 0, a->cols, C_STATUS);
	x += draw_printf(stdscr, y, x, a->cols - x, C_STATUS, " %s%s%s · ", a->profile ? a->profile : "",
			 a->profile ? " · " : "", zone_host(a));
	x += draw_text(stdscr, y, x, a->cols - x < 24 ? a->cols - x : 24, C_STATUS, a->user ? a->user : "…");
	if (via) {
		x += draw_own(stdscr, y, x, 3, C_STATUS, " · ");
		x += draw_text(stdscr, y, x, a->cols - x < 24 ? a->cols - x : 24, C_STATUS, via->name);
	}
	x += draw_printf(stdscr, y, x, a->cols - x, C_STATUS, _(" · no transfers%s · sort: %s"), marks,
			 tree_view_sort_name());
	if (a->last_error && x + 4 < a->cols) {
		x += draw_own(stdscr, y, x, 3, C_STATUS, " · ");
		draw_text(stdscr, y, x, a->cols - x, C_ERROR, a->last_error);
	}
}

/* What the last key did, across the whole line until the next key. */
static void
draw_message(struct app *a, int y)
{
	draw_blank(stdscr, y, 0, a->cols, a->message_is_error ? C_ERROR : C_STATUS);
	draw_text(stdscr, y, 1, a->cols - 1, a->message_is_error ? C_ERROR : C_STATUS, a->message);
}

/* One full redraw; bench/run counts its instructions. */
static OD_NOINLINE void
draw_all(struct app *a)
{
	int main_h = a->rows - 2, tree_w, pane_x;

	a->draws++;
	getmaxyx(stdscr, a->rows, a->cols);
	main_h = a->rows - 2;
	curs_set(0);
	if (a->cols < MIN_COLS || a->rows < MIN_ROWS) {
		erase();
		draw_printf(stdscr, 0, 0, a->cols, C_ERROR, _("The terminal is too small (%dx%d): onetui needs %dx%d."),
			    a->cols, a->rows, MIN_COLS, MIN_ROWS);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	tree_w = a->cols >= 120 ? a->cols * 45 / 100 : a->cols / 2;
	pane_x = tree_w + 1;
	if (overlay_shown()) {
		overlay_shown()->draw(a, 0, 0, main_h, a->cols);
	} else {
		draw_printf(stdscr, 0, 0, tree_w, a->focus == FOCUS_TREE ? C_TAB_ACTIVE : C_TAB, " %s",
			    a->share_id ? _("Public share, read-only") : _("Spaces"));
		tree_view_draw(a, 1, 0, main_h - 1, tree_w);
		draw_vline(stdscr, 0, tree_w, main_h, C_BORDER);
		panes_draw(a, 0, pane_x, main_h, a->cols - pane_x);
	}
	if (a->message)
		draw_message(a, a->rows - 2);
	else
		draw_status(a, a->rows - 2);
	help_draw_hints(a, a->rows - 1, a->cols);
	widget_draw(a);
	wnoutrefresh(stdscr);
	doupdate();
}

/* --- actions ------------------------------------------------------------------ */

/* What y offers for a node: a name or path, and an id. */
struct copyable {
	const char *what[2];	/* "path", "file id"... */
	const char *menu[2];	/* "the path", "the file id"... */
	char *value[2];
};

static void
copyable_of(struct app *a, struct od_node *n, struct od_space *space, struct copyable *c)
{
	if (!od_node_parent(n) && !space) {
		*c = (struct copyable){ { _("link"), _("file id") }, { _("the share's public link"), _("the file id") },
					{ xstrdup(a->share_link), od_node_id(n) } };
	} else if (!od_node_parent(n)) {
		*c = (struct copyable){ { _("space name"), _("space id") }, { _("the space name"), _("the space id") },
					{ xstrdup(space->name), xstrdup(space->id) } };
	} else if (od_node_kind(n) == OD_NODE_DATASET) {
		*c = (struct copyable){ { _("path"), _("dataset id") }, { _("the path"), _("the dataset id") },
					{ tree_view_path(n), od_node_id(n) } };
	} else {
		*c = (struct copyable){ { _("path"), _("file id") }, { _("the path"), _("the file id") },
					{ tree_view_path(n), od_node_id(n) } };
	}
	if (!c->value[1])
		xoom();
}

static void
on_copy_choice(struct app *a, int choice, void *ud)
{
	struct od_space *space = NULL;
	struct od_node *n = tree_view_selected(&space);
	struct copyable c;
	char *both;

	if (choice < 0 || !n)
		return;
	copyable_of(a, n, space, &c);
	if (choice < 2) {
		clip_copy(a, c.what[choice], c.value[choice]);
	} else {
		both = xasprintf("%s\n\n%s", c.value[0], c.value[1]);
		widget_popup(a, _("Select with the mouse to copy"), both);
		free(both);
	}
	free(c.value[0]);
	free(c.value[1]);
}

static void
copy(struct app *a)
{
	struct od_space *space = NULL;
	struct od_node *n = tree_view_selected(&space);
	struct copyable c;
	const char *items[3];

	if (!n) {
		app_message(a, _("Nothing selected to copy"));
		return;
	}
	copyable_of(a, n, space, &c);
	items[0] = c.menu[0];
	items[1] = c.menu[1];
	items[2] = _("show them here, to select with the mouse");
	free(c.value[0]);
	free(c.value[1]);
	widget_choose(a, _("Copy to your clipboard"), items, 3, on_copy_choice, NULL);
}

/* A file for $PAGER or $EDITOR: mode 600 in $TMPDIR; caller unlinks. */
/* A text in a private temporary file (".txt"); NULL with the reason shown. */
static struct od_edit *
text_file(struct app *a, const char *text, size_t len)
{
	struct od_edit *e;
	struct od_error *err = od_edit_new(text, len, ".txt", &e);

	if (err) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		return NULL;
	}
	return e;
}

static void
on_pager_done(struct app *a, int rc, void *ud)
{
	od_edit_free(ud, false);
}

static void
view_marks(struct app *a)
{
	const char *pager = getenv("PAGER");
	char size[OD_SIZE_BUFSZ];
	size_t unknown, n = marks_count();
	struct od_buf b;
	struct od_edit *e;
	const char *path;

	if (n == 0) {
		app_message(a, _("Nothing is marked: Space marks the item under the cursor"));
		return;
	}
	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_addf(&b, P_("%zu marked item, %s", "%zu marked items, %s", n), n,
			od_size_human(marks_bytes(&unknown), size)) ||
	    od_buf_addf(&b, "%s\n\n", unknown ? _(" and directories of unknown size") : ""))
		xoom();
	for (size_t i = 0; i < n; i++) {
		const struct mark *m = marks_get(i);
		if (od_buf_addf(&b, "%10s  %s%s\n", m->size >= 0 ? od_size_human(m->size, size) : "-", m->path,
				m->type == OD_FILE_DIR ? "/" : ""))
			xoom();
	}
	e = text_file(a, b.data ? b.data : "", b.len);
	od_buf_done(&b);
	if (!e)
		return;
	path = od_edit_path(e);
	if (!app_spawn(a, "PAGER", pager && *pager ? pager : "less", &path, 1, on_pager_done, e))
		od_edit_free(e, false);
}

static void
on_marks_edited(struct app *a, int rc, void *ud)
{
	struct od_edit *e = ud;
	size_t removed, strangers, len;
	struct od_error *err;
	char *text;

	/* An editor that fails (vi's :cq) means: leave everything as it was. */
	if (rc > 0 && rc != 127)
		app_message(a, _("The editor ended with status %d: the marks are as they were"), rc);
	if (rc == 0 && (err = od_edit_read(e, &text, &len))) {
		app_error(a, _("Cannot read what the editor left: %s"), err->message);
		od_error_free(err);
	} else if (rc == 0) {
		removed = marks_retain(text, &strangers);
		if (strangers)
			app_message(a, _("%zu unmarked, %zu still marked; %zu lines named nothing marked "
					 "(only deleting lines works here)"), removed, marks_count(), strangers);
		else
			app_message(a, _("%zu unmarked, %zu still marked"), removed, marks_count());
		free(text);
	}
	od_edit_free(e, false);
}

/* The marked paths in $EDITOR; the lines deleted there are unmarked. */
static void
edit_marks(struct app *a)
{
	char *text = NULL;
	size_t len = 0;
	struct od_edit *e;
	const char *path;
	FILE *f;

	if (marks_count() == 0) {
		app_message(a, _("Nothing is marked: Space marks the item under the cursor"));
		return;
	}
	f = open_memstream(&text, &len);
	if (!f || marks_write(f) != 0 || fclose(f) != 0)
		xoom();
	e = text_file(a, text, len);
	free(text);
	if (!e)
		return;
	path = od_edit_path(e);
	if (!app_spawn(a, "EDITOR", od_editor(), &path, 1, on_marks_edited, e))
		od_edit_free(e, false);
}

static void
on_export_path(struct app *a, const char *text, void *ud)
{
	FILE *f;
	int fd;

	if (!text || !*text)
		return;
	fd = open(text, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST) {
		app_error(a, _("%s exists already; give another name"), text);
		return;
	}
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f || marks_write(f) != 0 || fclose(f) != 0) {
		app_error(a, _("Cannot write %s: %s"), text, strerror(errno));
		if (f == NULL && fd >= 0)
			close(fd);
		return;
	}
	app_message(a, P_("Wrote %zu path to %s", "Wrote %zu paths to %s", marks_count()), marks_count(), text);
}

static void
export_marks(struct app *a)
{
	if (marks_count() == 0) {
		app_message(a, _("Nothing is marked: Space marks the item under the cursor"));
		return;
	}
	widget_prompt(a, _("Write the marked paths to"), "onetui-marked.txt", on_export_path, NULL, NULL);
}

static void
on_quit_answer(struct app *a, bool yes, void *ud)
{
	a->quit = yes;
}

/* Quitting loses the marks and stops transfers: ask first. */
static void
quit(struct app *a)
{
	size_t n = marks_count(), running = transfers_running(), sessions = ingest_running();
	char *q;

	if (n == 0 && running == 0 && sessions == 0) {
		a->quit = true;
		return;
	}
	if (sessions)
		q = xasprintf(P_("%zu ingest session runs here; quit (what is not sent yet waits in its journal: I, r takes "
				 "it up next time, or the same onetui watch)?",
				 "%zu ingest sessions run here; quit (what is not sent yet waits in their journals: I, r "
				 "takes them up next time, or the same onetui watch)?",
				 sessions),
			      sessions);
	else if (running)
		q = xasprintf(P_("%zu transfer is running; quit (it goes on next time, or with onetui transfers resume)?",
				 "%zu transfers are running; quit (they go on next time, or with onetui transfers resume)?",
				 running),
			      running);
	else
		q = xasprintf(P_("%zu item is marked; quit and forget it?", "%zu items are marked; quit and forget them?", n),
			      n);
	widget_confirm(a, q, on_quit_answer, NULL);
	free(q);
}

static void
handle_request(struct app *a, enum request req)
{
	const struct overlay *o = overlay_shown();

	if (o ? o->request(a, req) : a->focus == FOCUS_TREE ? tree_view_request(a, req) : panes_request(a, req))
		return;
	switch (req) {
	case REQ_QUIT:
		quit(a);
		break;
	case REQ_HELP:
		help_show(a);
		break;
	case REQ_REDRAW:
		clearok(curscr, TRUE);
		app_dirty(a);
		break;
	case REQ_FOCUS_NEXT:
	case REQ_NEXT_LIST:	/* a pane without two lists, or past its last */
		a->focus = a->focus == FOCUS_TREE ? FOCUS_PANE : FOCUS_TREE;
		app_dirty(a);
		break;
	case REQ_PANE_INFO:
	case REQ_PANE_METADATA:
	case REQ_PANE_SHARES:
	case REQ_PANE_TRANSFERS:
		panes_request(a, req);
		break;
	case REQ_COPY:
		copy(a);
		break;
	case REQ_AUDIT:
		audit_open(a);
		break;
	case REQ_SPACE:
		space_view_open(a);
		break;
	case REQ_INGEST:
		ingest_open(a);
		break;
	case REQ_VIEW_MARKS:
		view_marks(a);
		break;
	case REQ_EDIT_MARKS:
		edit_marks(a);
		break;
	case REQ_EXPORT_MARKS:
		export_marks(a);
		break;
	case REQ_FETCH:
		transfers_fetch(a);
		break;
	case REQ_TRANSFER_PAUSE_ALL:
		transfers_pause_all(a);
		break;
	case REQ_TRANSFER_CANCEL_ALL:
		transfers_cancel_all(a);
		break;
	case REQ_REFRESH:
		if (!a->spaces_loaded)
			load_spaces(a);
		break;
	default:
		break;
	}
}

enum keymap_id
app_keymap(const struct app *a)
{
	if (overlay_shown())
		return overlay_shown()->keymap;
	if (a->focus == FOCUS_TREE)
		return KEYMAP_TREE;
	return a->pane == PANE_SHARES ? KEYMAP_SHARES : KEYMAP_PANE;
}

static void
handle_mouse(struct app *a)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		handle_request(a, REQ_MOVE_UP);
	else if (ev.bstate & BUTTON5_PRESSED)
		handle_request(a, REQ_MOVE_DOWN);
}

static void
handle_key(struct app *a, int key)
{
	enum request req;

	if (key == (KEY_SPECIAL | KEY_RESIZE)) {
		a->resizes++;
		app_dirty(a);
		return;
	}
	a->keys_handled++;
	/* A message lasts until the next key. */
	if (a->message) {
		free(a->message);
		a->message = NULL;
		app_dirty(a);
	}
	if (key == (KEY_SPECIAL | KEY_MOUSE)) {
		handle_mouse(a);
		return;
	}
	if (widget_key(a, key))
		return;
	req = keymap_lookup(app_keymap(a), key);
	if (req != REQ_NONE)
		handle_request(a, req);
}

/* Handle every key waiting. */
static void
read_keys(struct app *a)
{
	wint_t wch;
	int rc;

	while (!a->quit && (rc = wget_wch(stdscr, &wch)) != ERR)
		handle_key(a, rc == KEY_CODE_YES ? (int)(KEY_SPECIAL | wch) : (int)wch);
}

/* For the screen tests and the benchmarks: after each turn, write
 * "KEYS RESIZES DRAWS idle|busy" to the file named by ONETUI_TEST_IDLE,
 * so that a test waits for the program instead of sleeping. */
static void
report_idle(struct app *a, bool idle)
{
	static const char *path;
	static bool checked;
	static unsigned long last_keys = (unsigned long)-1, last_resizes, last_draws;
	static bool last_idle;
	char tmp[4096], line[64];
	FILE *f;

	if (!checked) {
		path = getenv("ONETUI_TEST_IDLE");
		checked = true;
	}
	if (!path || (last_keys == a->keys_handled && last_resizes == a->resizes && last_draws == a->draws &&
		      last_idle == idle))
		return;
	last_draws = a->draws;
	last_keys = a->keys_handled;
	last_resizes = a->resizes;
	last_idle = idle;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	snprintf(line, sizeof(line), "%lu %lu %lu %s\n", a->keys_handled, a->resizes, a->draws,
		 idle ? "idle" : "busy");
	f = fopen(tmp, "w");
	if (f && fputs(line, f) >= 0 && fclose(f) == 0)
		rename(tmp, path);
	else if (f)
		fclose(f);
}

static void
loop(struct app *a)
{
	/* The terminal, then the watches of the ingest sessions. */
	struct od_waitfd fds[1 + MAX_WATCHES] = { { .fd = STDIN_FILENO, .events = POLLIN } };
	struct od_waitfd *tty = &fds[0];

	while (!a->quit && !stop_signal) {
		enum { T_INFO, T_META, T_SHARES, T_TRANSFERS, T_RECALL, T_INGEST, T_COUNT };
		long tick[T_COUNT] = { info_view_tick(a), meta_view_tick(a), shares_view_tick(a), transfers_tick(a),
				       datasets_tick(a), ingest_tick(a) };
		long t;
		size_t nfds;

		if (a->child) {
			/* A program has the terminal: the network goes on, the
			 * screen and the keys wait until it ends. */
			int rc = od_program_reap(a->child, false);
			report_idle(a, false);
			if (rc != OD_PROGRAM_RUNNING) {
				child_end(a, rc);
				continue;
			}
			od_engine_wait(a->s.engine, NULL, 0, CHILD_POLL_MS);
			od_engine_perform(a->s.engine);
			continue;
		}
		if (a->dirty) {
			draw_all(a);
			a->dirty = false;
		}
		/* After the tick and the drawing, which may have started
		 * requests (or failed them at once): their time counts too. */
		t = od_engine_timeout(a->s.engine);
		for (size_t i = 0; i < T_COUNT; i++)
			if (tick[i] >= 0 && (t < 0 || tick[i] < t))
				t = tick[i];
		report_idle(a, od_engine_pending(a->s.engine) == 0 && tick[T_INFO] < 0 && tick[T_META] < 0 &&
				       tick[T_SHARES] < 0);
		/* A message waits for keys; nothing else needs a tick. */
		if (t < 0 || t > 1000)
			t = 1000;
		tty->revents = 0;
		nfds = 1 + ingest_fds(fds + 1, MAX_WATCHES);
		od_engine_wait(a->s.engine, fds, (unsigned)nfds, t);
		od_engine_perform(a->s.engine);
		if (tty->revents & (POLLHUP | POLLERR))
			break;
		read_keys(a);
	}
}

/* --- the entry point --------------------------------------------------------------- */

static void
restore_terminal(void)
{
	if (!isendwin())
		endwin();
}

int
tui_main(const char *config_path, const struct od_overrides *ov, int verbose, const char *share_id)
{
	struct app a;
	struct od_error *err;
	struct sigaction sa;
	char *why = NULL;

	memset(&a, 0, sizeof(a));
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		out_error(_("the full-screen interface needs a terminal; for scripts use a command (onetui --help)"));
		return EXIT_USAGE;
	}
	err = od_session_open(&a.s, config_path, ov);
	if (err) {
		out_fail(err, NULL);
		od_session_close(&a.s);
		return EXIT_SETUP;
	}
	keymap_load_defaults();
	if (keymap_load_config(a.s.cfg, &why) != 0) {
		out_error("%s", why);
		free(why);
		keymap_clear();
		od_session_close(&a.s);
		return EXIT_SETUP;
	}
	a.profile = share_id ? NULL : a.s.settings.profile;
	if (share_id) {
		a.share_id = share_id;
		a.share_link = xasprintf("%s/share/%s", od_zone_origin(a.s.zone), share_id);
		a.user = xstrdup(_("no account"));
	}
	a.tree = od_tree_new(a.s.zone, 0);
	if (!a.tree)
		xoom();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	xmalloc_set_cleanup(restore_terminal);
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Never let a refresh read ahead on the terminal: keys are waited for
	 * in od_engine_wait, which must see every byte that arrives. */
	typeahead(-1);
	set_escdelay(25);
	mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	draw_init();
	getmaxyx(stdscr, a.rows, a.cols);
	od_log_set_handler(log_to_status, &a, verbose ? OD_LOG_INFO : OD_LOG_WARN);

	tree_view_init(&a);
	info_view_init(&a);
	meta_view_init(&a);
	shares_view_init(&a);
	transfers_init(&a);
	if (!share_id && !od_zone_whoami(a.s.zone, on_user, &a))
		xoom();
	load_spaces(&a);
	app_dirty(&a);
	loop(&a);
	if (a.child)
		child_end(&a, od_program_reap(a.child, true));

	widget_close_all();
	replicate_done();
	datasets_done();
	audit_done();
	space_view_done();
	ingest_new_done();
	ingest_done();
	meta_bulk_done();
	transfers_done();
	od_engine_cancel_all(a.s.engine);
	info_view_done();
	meta_view_done();
	shares_view_done();
	tree_view_done();
	endwin();
	od_log_set_handler(NULL, NULL, OD_LOG_WARN);
	od_tree_free(a.tree);
	keymap_clear();
	od_session_close(&a.s);
	free(a.user);
	free(a.share_link);
	free(a.share_name);
	free(a.share_root_id);
	free(a.message);
	free(a.last_error);
	return stop_signal == SIGINT ? EXIT_INTERRUPTED : EXIT_OK;
}
