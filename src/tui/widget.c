/* SPDX-License-Identifier: GPL-3.0-or-later */
/* widget.c: the dialogs every pane uses: a text prompt with editing
 * keys, a yes/no question, a list to choose from (one item, or several
 * ticked), a read-only popup, and
 * the popup that shows a secret (a new token) the only time it is shown.
 * One dialog at a time is on top; a dialog's callback may open another.
 * Every text a dialog shows is sanitised when it is made: titles,
 * questions and items may name remote files and providers. */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "onetui/i18n.h"
#include "onetui/sanitize.h"
#include "onetui/str.h"
#include "onetui/token.h"
#include "tui/draw.h"
#include "tui/tui.h"
#include "xmalloc.h"

#define MAX_DIALOGS 4
#define PROMPT_MAX 1024

enum kind {
	PROMPT,
	CONFIRM,
	CHOOSE,
	POPUP,
};

struct dialog {
	enum kind kind;
	char *title;
	void *ud;
	/* prompt */
	wchar_t text[PROMPT_MAX + 1];
	size_t len, cursor;
	prompt_fn *done_text, *changed;
	bool complete_path;	/* Tab completes a local path */
	bool hidden;		/* a secret: drawn masked, wiped after */
	/* confirm */
	confirm_fn *done_yes;
	/* choose; a checklist when checked is set */
	char **items;
	size_t n_items;
	size_t selected;
	choose_fn *done_choice;
	bool *checked;
	checklist_fn *done_checked;
	/* popup: lines of sanitised text */
	char **lines;
	size_t n_lines;
	size_t top;
	/* secret popup: the value, what it is ("token"), whether the user
	 * has copied or saved it */
	char *secret, *secret_what;
	bool kept;
};

static struct dialog *stack[MAX_DIALOGS];
static size_t depth;

bool
widget_active(void)
{
	return depth > 0;
}

/* s made safe to draw; caller frees. */
static char *
safe_copy(const char *s)
{
	char *safe = od_sanitize(s ? s : "", od_sanitize_flags_for_locale());

	if (!safe)
		xoom();
	return safe;
}

static struct dialog *
push(enum kind kind, const char *title, void *ud)
{
	struct dialog *d = xcalloc(1, sizeof(*d));

	if (depth == MAX_DIALOGS)
		abort();	/* a dialog opening dialogs without end is a bug */
	d->kind = kind;
	d->title = safe_copy(title);
	d->ud = ud;
	stack[depth++] = d;
	return d;
}

static void
free_dialog(struct dialog *d)
{
	for (size_t i = 0; i < d->n_items; i++)
		free(d->items[i]);
	free(d->items);
	free(d->checked);
	for (size_t i = 0; i < d->n_lines; i++)
		free(d->lines[i]);
	free(d->lines);
	free(d->title);
	/* A volatile pointer keeps the compiler from dropping the stores. */
	for (volatile wchar_t *p = d->text; d->hidden && p < d->text + PROMPT_MAX + 1; p++)
		*p = L'\0';
	od_str_wipe_free(d->secret);
	free(d->secret_what);
	free(d);
}

/* Take the top dialog off the stack (before its callback runs, so the
 * callback may open another). */
static struct dialog *
pop(void)
{
	return depth ? stack[--depth] : NULL;
}

void
widget_close_all(void)
{
	while (depth)
		free_dialog(pop());
}

/* --- constructors --------------------------------------------------------- */

void
widget_prompt(struct app *a, const char *label, const char *initial, prompt_fn *done, prompt_fn *changed, void *ud)
{
	struct dialog *d = push(PROMPT, label, ud);
	size_t n = initial ? mbstowcs(d->text, initial, PROMPT_MAX) : 0;

	d->len = d->cursor = n == (size_t)-1 ? 0 : n;
	d->text[d->len] = L'\0';
	d->done_text = done;
	d->changed = changed;
	app_dirty(a);
}

void
widget_prompt_path(struct app *a, const char *label, const char *initial, prompt_fn *done, void *ud)
{
	widget_prompt(a, label, initial, done, NULL, ud);
	stack[depth - 1]->complete_path = true;
}

void
widget_prompt_secret(struct app *a, const char *label, prompt_fn *done, void *ud)
{
	widget_prompt(a, label, "", done, NULL, ud);
	stack[depth - 1]->hidden = true;
}

void
widget_confirm(struct app *a, const char *question, confirm_fn *done, void *ud)
{
	struct dialog *d = push(CONFIRM, question, ud);

	d->done_yes = done;
	app_dirty(a);
}

static struct dialog *
push_list(struct app *a, const char *title, const char *const *items, size_t n, void *ud)
{
	struct dialog *d = push(CHOOSE, title, ud);

	d->items = xcalloc(n + 1, sizeof(*d->items));
	for (size_t i = 0; i < n; i++)
		d->items[i] = safe_copy(items[i]);
	d->n_items = n;
	app_dirty(a);
	return d;
}

void
widget_choose(struct app *a, const char *title, const char *const *items, size_t n, choose_fn *done, void *ud)
{
	widget_choose_at(a, title, items, n, 0, done, ud);
}

void
widget_choose_at(struct app *a, const char *title, const char *const *items, size_t n, size_t selected,
		 choose_fn *done, void *ud)
{
	struct dialog *d = push_list(a, title, items, n, ud);

	d->done_choice = done;
	d->selected = selected < n ? selected : 0;
}

void
widget_checklist(struct app *a, const char *title, const char *const *items, const bool *checked, size_t n,
		 checklist_fn *done, void *ud)
{
	struct dialog *d = push_list(a, title, items, n, ud);

	d->checked = xcalloc(n + 1, sizeof(*d->checked));
	memcpy(d->checked, checked, n * sizeof(*checked));
	d->done_checked = done;
}

/* One sanitised line per line of text: a newline inside remote text
 * would otherwise be drawn as \n, not as a new line. */
static void
add_lines(struct dialog *d, const char *text)
{
	const char *p = text ? text : "";

	for (;;) {
		size_t len = strcspn(p, "\n");
		char *raw = od_strndup(p, len), *safe;
		if (!raw)
			xoom();
		safe = od_sanitize(raw, od_sanitize_flags_for_locale());
		free(raw);
		if (!safe)
			xoom();
		d->lines = xrealloc(d->lines, (d->n_lines + 1) * sizeof(*d->lines));
		d->lines[d->n_lines++] = safe;
		if (!p[len])
			break;
		p += len + 1;
	}
}

void
widget_popup(struct app *a, const char *title, const char *text)
{
	add_lines(push(POPUP, title, NULL), text);
	app_dirty(a);
}

/* Secrets are shown in pieces that fit any popup; c and w take it whole. */
#define SECRET_PIECE 64

void
widget_secret(struct app *a, const char *title, const char *text, const char *what, const char *secret)
{
	struct dialog *d = push(POPUP, title, NULL);
	size_t n = strlen(secret);

	add_lines(d, text);
	add_lines(d, "");
	/* Line by line (a handout has lines), long lines in pieces. */
	for (size_t start = 0; start < n;) {
		size_t len = strcspn(secret + start, "\n");
		for (size_t i = 0; i < len || i == 0; i += SECRET_PIECE) {
			size_t k = len - i < SECRET_PIECE ? len - i : SECRET_PIECE;
			char *piece = od_strndup(secret + start + i, k);
			if (!piece)
				xoom();
			add_lines(d, piece);
			od_str_wipe_free(piece);
			if (!len)
				break;
		}
		start += len + 1;
	}
	d->secret = xstrdup(secret);
	d->secret_what = xstrdup(what);
	app_dirty(a);
}

/* --- keys ------------------------------------------------------------------- */

/* Wide text as a multibyte string in the locale's encoding; caller frees. */
static char *
wide_to_mb(const wchar_t *w)
{
	size_t n = wcstombs(NULL, w, 0);
	char *s;

	if (n == (size_t)-1)
		return xstrdup("");
	s = xmalloc(n + 1);
	wcstombs(s, w, n + 1);
	return s;
}

static char *
prompt_text(const struct dialog *d)
{
	return wide_to_mb(d->text);
}

static void
prompt_changed(struct app *a, struct dialog *d)
{
	char *s;

	if (!d->changed)
		return;
	s = prompt_text(d);
	d->changed(a, s, d->ud);
	free(s);
}

/* text completed as a local path as far as the entries in its folder
 * agree (a folder, when it is the only one, gets its '/'); NULL when
 * nothing matches. "~/" stands for $HOME. */
static char *
complete_path(const char *text)
{
	const char *slash = strrchr(text, '/'), *home = getenv("HOME");
	const char *base = slash ? slash + 1 : text;
	size_t dlen = slash ? (size_t)(slash - text) + 1 : 0, blen = strlen(base), common = 0, matches = 0;
	char *dir = dlen ? xasprintf("%.*s", (int)dlen, text) : xstrdup("./"), *best = NULL, *full, *out;
	struct dirent *de;
	struct stat st;
	DIR *dh;

	if (dir[0] == '~' && dir[1] == '/' && home) {
		char *expanded = xasprintf("%s%s", home, dir + 1);
		free(dir);
		dir = expanded;
	}
	if (!(dh = opendir(dir))) {
		free(dir);
		return NULL;
	}
	while ((de = readdir(dh))) {
		if (strncmp(de->d_name, base, blen) != 0 || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 || (de->d_name[0] == '.' && base[0] != '.'))
			continue;
		if (!best) {
			best = xstrdup(de->d_name);
			common = strlen(best);
		} else {
			size_t k = 0;
			while (k < common && best[k] == de->d_name[k])
				k++;
			common = k;
		}
		matches++;
	}
	closedir(dh);
	if (!best) {
		free(dir);
		return NULL;
	}
	best[common] = '\0';
	full = xasprintf("%s%s", dir, best);
	out = xasprintf("%.*s%s%s", (int)dlen, text, best,
			matches == 1 && stat(full, &st) == 0 && S_ISDIR(st.st_mode) ? "/" : "");
	free(full);
	free(best);
	free(dir);
	return out;
}

/* Put text into the field, the cursor at its end. */
static void
prompt_set(struct dialog *d, const char *text)
{
	size_t n = mbstowcs(d->text, text, PROMPT_MAX);

	if (n == (size_t)-1)
		return;
	d->len = d->cursor = n;
	d->text[n] = L'\0';
}

/* Editing keys of a text field, as in readline. true when handled. */
static bool
prompt_edit(struct dialog *d, int key)
{
	switch (key) {
	case KEY_SPECIAL | KEY_LEFT:
	case 2:			/* C-b */
		if (d->cursor > 0)
			d->cursor--;
		return true;
	case KEY_SPECIAL | KEY_RIGHT:
	case 6:			/* C-f */
		if (d->cursor < d->len)
			d->cursor++;
		return true;
	case KEY_SPECIAL | KEY_HOME:
	case 1:			/* C-a */
		d->cursor = 0;
		return true;
	case KEY_SPECIAL | KEY_END:
	case 5:			/* C-e */
		d->cursor = d->len;
		return true;
	case KEY_SPECIAL | KEY_BACKSPACE:
		if (d->cursor == 0)
			return true;
		d->cursor--;
		/* fall through */
	case KEY_SPECIAL | KEY_DC:
	case 4:			/* C-d */
		if (d->cursor < d->len) {
			wmemmove(d->text + d->cursor, d->text + d->cursor + 1, d->len - d->cursor);
			d->len--;
		}
		return true;
	case 21:		/* C-u: to the start */
		wmemmove(d->text, d->text + d->cursor, d->len - d->cursor + 1);
		d->len -= d->cursor;
		d->cursor = 0;
		return true;
	case 11:		/* C-k: to the end */
		d->len = d->cursor;
		d->text[d->len] = L'\0';
		return true;
	case 23: {		/* C-w: the word before the cursor */
		size_t start = d->cursor;
		while (start > 0 && d->text[start - 1] == L' ')
			start--;
		while (start > 0 && d->text[start - 1] != L' ')
			start--;
		wmemmove(d->text + start, d->text + d->cursor, d->len - d->cursor + 1);
		d->len -= d->cursor - start;
		d->cursor = start;
		return true;
	}
	}
	if (!(key & KEY_SPECIAL) && key >= 0x20 && key != 0x7f && d->len < PROMPT_MAX) {
		wmemmove(d->text + d->cursor + 1, d->text + d->cursor, d->len - d->cursor + 1);
		d->text[d->cursor++] = (wchar_t)key;
		d->len++;
		return true;
	}
	return false;
}

static bool
is_cancel(int key)
{
	return key == 27 || key == 7;	/* Esc, C-g */
}

static void
secret_saved(struct app *a, const char *text, void *ud)
{
	struct dialog *d = ud;
	const char *home = getenv("HOME");
	char *path;
	struct od_error *err;

	if (!text || !*text)
		return;
	path = text[0] == '~' && text[1] == '/' && home ? xasprintf("%s%s", home, text + 1) : xstrdup(text);
	if ((err = od_token_write_file(path, d->secret))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
	} else {
		d->kept = true;
		app_message(a, _("Saved the %s in %s (mode 0600)"), d->secret_what, path);
	}
	free(path);
}

static void
secret_closed(struct app *a, bool yes, void *ud)
{
	(void)a;
	if (yes && depth && stack[depth - 1] == ud)
		free_dialog(pop());
}

/* Keys of the secret popup; false for the keys of every popup. */
static bool
secret_key(struct app *a, struct dialog *d, int key)
{
	if (key == 'c') {
		clip_copy(a, d->secret_what, d->secret);
		d->kept = true;
	} else if (key == 'w') {
		widget_prompt_path(a, _("Save it in a new file (mode 0600):"), "", secret_saved, d);
	} else if ((key == '\n' || key == 'q' || is_cancel(key)) && !d->kept) {
		widget_confirm(a, _("Close? It is not shown again, and it was neither copied (c) nor saved (w)."),
			       secret_closed, d);
	} else {
		return false;
	}
	return true;
}

/* The rows a list shows at once (as draw_dialog frames it). */
static size_t
list_rows(const struct app *a)
{
	return a->rows > 7 ? (size_t)a->rows - 7 : 1;
}

/* The moving request a key makes in a list, or REQ_NONE. */
static enum request
list_request(int key)
{
	static const struct {
		int key, alt;
		enum request req;
	} moves[] = {
		{ KEY_SPECIAL | KEY_UP, 'k', REQ_MOVE_UP },	  { KEY_SPECIAL | KEY_DOWN, 'j', REQ_MOVE_DOWN },
		{ KEY_SPECIAL | KEY_PPAGE, 2, REQ_PAGE_UP },	  { KEY_SPECIAL | KEY_NPAGE, 6, REQ_PAGE_DOWN },
		{ KEY_SPECIAL | KEY_HOME, 'g', REQ_MOVE_FIRST }, { KEY_SPECIAL | KEY_END, 'G', REQ_MOVE_LAST },
	};

	for (size_t i = 0; i < OD_ARRAY_SIZE(moves); i++)
		if (key == moves[i].key || key == moves[i].alt)
			return moves[i].req;
	return REQ_NONE;
}

static void
list_key(struct app *a, struct dialog *d, int key)
{
	if (is_cancel(key) || (key == '\n' && !d->checked) ||
	    (!d->checked && key >= '1' && key <= '9' && (size_t)(key - '1') < d->n_items)) {
		int choice = is_cancel(key) ? -1 : key == '\n' ? (int)d->selected : key - '1';
		pop();
		if (d->checked)
			d->done_checked(a, NULL, d->ud);
		else
			d->done_choice(a, choice, d->ud);
		free_dialog(d);
	} else if (key == '\n') {
		pop();
		d->done_checked(a, d->checked, d->ud);
		free_dialog(d);
	} else if (key == ' ' && d->checked && d->n_items) {
		d->checked[d->selected] = !d->checked[d->selected];
	} else {
		/* A page is the rows shown, as before the request's overlap of one. */
		request_move(list_request(key), &d->selected, d->n_items, (int)list_rows(a) + 1);
	}
}

bool
widget_key(struct app *a, int key)
{
	struct dialog *d = depth ? stack[depth - 1] : NULL;
	int page;

	if (!d)
		return false;
	key = key_normalize(key);
	app_dirty(a);
	switch (d->kind) {
	case PROMPT:
		if (key == '\n' || is_cancel(key)) {
			char *text = is_cancel(key) ? NULL : prompt_text(d);
			pop();
			d->done_text(a, text, d->ud);
			if (d->hidden)
				od_str_wipe_free(text);
			else
				free(text);
			free_dialog(d);
		} else if (key == '\t' && d->complete_path) {
			char *text = prompt_text(d), *done = text ? complete_path(text) : NULL;
			if (done)
				prompt_set(d, done);
			else
				beep();
			free(done);
			free(text);
		} else if (prompt_edit(d, key)) {
			prompt_changed(a, d);
		}
		return true;
	case CONFIRM:
		if (key == 'y' || key == 'Y' || key == 'n' || key == 'N' || key == '\n' || is_cancel(key)) {
			pop();
			d->done_yes(a, key == 'y' || key == 'Y', d->ud);
			free_dialog(d);
		}
		return true;
	case CHOOSE:
		list_key(a, d, key);
		return true;
	case POPUP:
		page = a->rows - 6 > 1 ? a->rows - 6 : 1;
		if (d->secret && secret_key(a, d, key))
			return true;
		if (key == '\n' || key == 'q' || is_cancel(key)) {
			free_dialog(pop());
		} else if ((key == (KEY_SPECIAL | KEY_UP) || key == 'k') && d->top > 0) {
			d->top--;
		} else if ((key == (KEY_SPECIAL | KEY_DOWN) || key == 'j') && d->top + 1 < d->n_lines) {
			d->top++;
		} else if (key == (KEY_SPECIAL | KEY_PPAGE) || key == 2) {
			d->top = d->top > (size_t)page ? d->top - (size_t)page : 0;
		} else if (key == (KEY_SPECIAL | KEY_NPAGE) || key == 6 || key == ' ') {
			d->top = d->top + (size_t)page < d->n_lines ? d->top + (size_t)page : d->top;
		}
		return true;
	}
	return true;
}

/* --- drawing ---------------------------------------------------------------- */

/* A framed area in the middle of the screen; the inner rectangle. */
static void
frame(struct app *a, const char *title, int want_h, int want_w, int *y, int *x, int *h, int *w)
{
	*w = want_w < a->cols - 4 ? want_w : a->cols - 4;
	*h = want_h < a->rows - 2 ? want_h : a->rows - 2;
	if (*w < 10)
		*w = a->cols;
	if (*h < 3)
		*h = a->rows;
	*y = (a->rows - *h) / 2;
	*x = (a->cols - *w) / 2;
	for (int i = 0; i < *h; i++)
		draw_blank(stdscr, *y + i, *x, *w, C_POPUP);
	draw_box(stdscr, *y, *x, *h, *w, C_BORDER);
	if (title && *title)
		draw_printf(stdscr, *y, *x + 2, *w - 4 < draw_width(title) + 2 ? *w - 4 : draw_width(title) + 2,
			    C_BORDER, " %s ", title);
	*y += 1;
	*x += 2;
	*h -= 2;
	*w -= 4;
}

static void
draw_prompt(struct app *a, struct dialog *d)
{
	int y = a->rows - 2, label_w, room, cx;
	size_t start = 0;
	char *label = xasprintf("%s: ", d->title), *shown;

	draw_blank(stdscr, y, 0, a->cols, C_STATUS);
	/* Room for a long label (a reason to mend the text), and for the text. */
	label_w = draw_own(stdscr, y, 0, a->cols > 40 ? a->cols - 20 : a->cols / 2, C_STATUS, label);
	free(label);
	room = a->cols - label_w - 1;
	/* Keep the cursor in view: show the end of a long text. */
	if (d->cursor > (size_t)room)
		start = d->cursor - (size_t)room;
	if (d->hidden) {
		/* Only its ends, masked as tokens are, and its length. */
		char *text = prompt_text(d), *masked = od_token_mask(text);
		shown = xasprintf(_("%s (%zu characters)"), masked ? masked : "", d->len);
		od_str_wipe_free(text);
		free(masked);
		cx = label_w + draw_own(stdscr, y, label_w, room, C_STATUS, shown);
		free(shown);
		move(y, cx < a->cols ? cx : a->cols - 1);
		curs_set(1);
		return;
	}
	shown = wide_to_mb(d->text + start);
	draw_text(stdscr, y, label_w, room, C_STATUS, shown);
	free(shown);
	cx = label_w;
	for (size_t i = start; i < d->cursor; i++) {
		int cw = wcwidth(d->text[i]);
		cx += cw > 0 ? cw : 1;
	}
	move(y, cx < a->cols ? cx : a->cols - 1);
	curs_set(1);
}

/* s cut into lines of at most width columns, at spaces where it can be;
 * the number of lines. Caller frees each and the array. */
static int
wrap(const char *s, int width, char ***out)
{
	char **lines = NULL;
	int n = 0;

	if (width < 10)
		width = 10;
	do {
		size_t len = strlen(s), cut = len, last_space = 0;
		char *line;
		/* The longest prefix that fits, ended at a space when one is there. */
		for (size_t i = 1, prev = 0; i <= len; i++) {
			char *part;
			int fits;
			if (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
				continue;	/* inside a character */
			part = od_strndup(s, i);
			fits = part && draw_width(part) <= width;
			free(part);
			if (!fits) {
				cut = last_space ? last_space : prev;
				break;
			}
			if (s[i - 1] == ' ')
				last_space = i;
			prev = i;
		}
		if (cut == 0)
			cut = 1;
		line = od_strndup(s, cut);
		if (!line)
			xoom();
		lines = xrealloc(lines, (size_t)(n + 1) * sizeof(*lines));
		lines[n++] = line;
		s += cut;
		while (*s == ' ')
			s++;
	} while (*s);
	*out = lines;
	return n;
}

static void
draw_dialog(struct app *a, struct dialog *d)
{
	int y, x, h, w;

	switch (d->kind) {
	case PROMPT:
		draw_prompt(a, d);
		return;
	case CONFIRM: {
		/* A long question is wrapped at spaces, within 72 columns. */
		int want = draw_width(d->title) + 8, lines;
		char **wrapped;
		if (want > 76)
			want = 76;
		lines = wrap(d->title, (want < a->cols - 4 ? want : a->cols - 4) - 4, &wrapped);
		frame(a, NULL, lines + 3, want, &y, &x, &h, &w);
		for (int i = 0; i < lines; i++) {
			if (i < h - 1)
				draw_own(stdscr, y + i, x, w, C_POPUP, wrapped[i]);
			free(wrapped[i]);
		}
		free(wrapped);
		draw_own(stdscr, y + h - 1, x, w, C_DIM, _("y: yes   n or Esc: no"));
		break;
	}
	case CHOOSE: {
		size_t rows = list_rows(a) < d->n_items ? list_rows(a) : d->n_items;
		/* The cursor stays in view. */
		if (d->selected < d->top)
			d->top = d->selected;
		if (d->selected >= d->top + rows)
			d->top = d->selected - rows + 1;
		frame(a, d->title, (int)rows + 3, 60, &y, &x, &h, &w);
		for (size_t r = 0; r < rows && (int)r < h - 1; r++) {
			size_t i = d->top + r;
			enum color c = i == d->selected ? C_CURSOR : C_POPUP;
			if (d->checked)
				draw_printf(stdscr, y + (int)r, x, w, c, "[%c] %s", d->checked[i] ? 'x' : ' ', d->items[i]);
			else
				draw_printf(stdscr, y + (int)r, x, w, c, "%zu  %s", i + 1, d->items[i]);
		}
		draw_printf(stdscr, y + h - 1, x, w, C_DIM, "%s %s",
			    d->top + rows < d->n_items ? draw_glyph_ellipsis() : " ",
			    d->checked ? _("Space: tick   Enter: done   Esc: cancel") : _("Enter: choose   Esc: cancel"));
		break;
	}
	case POPUP: {
		int widest = draw_width(d->title) + 4;
		for (size_t i = 0; i < d->n_lines; i++)
			if (draw_width(d->lines[i]) > widest)
				widest = draw_width(d->lines[i]);
		frame(a, d->title, (int)d->n_lines + 3, widest + 4, &y, &x, &h, &w);
		for (int i = 0; i < h - 1 && d->top + (size_t)i < d->n_lines; i++)
			draw_own(stdscr, y + i, x, w, C_POPUP, d->lines[d->top + (size_t)i]);
		draw_printf(stdscr, y + h - 1, x, w, C_DIM,
			    d->secret ? _("%s c: copy   w: save to a file   q: close") : _("%s Enter or q: close   arrows: scroll"),
			    d->top + (size_t)h - 1 < d->n_lines ? draw_glyph_ellipsis() : " ");
		break;
	}
	}
	curs_set(0);
}

void
widget_draw(struct app *a)
{
	for (size_t i = 0; i < depth; i++)
		draw_dialog(a, stack[i]);
}
