/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest-view.c: I, the Ingest view, over the tree and the panes: the
 * acquisition sessions this interface runs (ingest.h), live, and below
 * them every other session recorded on this machine: run by another
 * process (a "watch" under tmux or a systemd service), stopped, or
 * ended. For the selected one, what it is and, for a live one, what it
 * did last: files sent, failures and why.
 *
 * The sessions run whether the view is shown or not: the loop of the
 * interface waits on their watches (ingest_fds) and runs them every turn
 * (ingest_tick). n starts one (ingest-new.c), e ends one once what is
 * complete is sent (here, or in the process that runs it), s stops one
 * here (its journal keeps the rest), r takes a stopped one up here, H
 * hands its destination out. A session that ends has its dataset
 * protected when that was asked at its start. */
#include "config.h"

#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/buf.h"
#include "onetui/dataset.h"
#include "onetui/i18n.h"
#include "onetui/ingest.h"
#include "onetui/sanitize.h"
#include "onetui/str.h"
#include "tui/tui.h"
#include "xmalloc.h"

/* How many of a live session's lines are kept, and shown in its details. */
#define LINES_KEPT 500
/* How often the sessions of other processes are read again while the
 * view is shown, and how often a paused session looks for a new token. */
#define LIST_MS 3000
#define TOKEN_POLL_MS 5000
#define RATE_MS 1000

struct line {
	time_t when;
	bool bad;		/* a failure or a problem */
	char *text;		/* remote parts made safe */
};

/* A session this interface runs. */
struct live {
	struct od_ingest *in;	/* NULL once it ended or stopped */
	char *id;
	char *source;		/* the local folder */
	struct od_space *space;
	char *dest;		/* inside the space */
	char *target;		/* "SPACE/dest", as shown */
	bool once;		/* a finished folder */
	char *how;		/* how it ends, in words */
	enum od_watch_mode mode;
	unsigned protect;	/* OD_PROTECT_* once it ends */
	char *dataset_id, *file_id;	/* the destination's, when known */
	bool paused, ended;
	char *why;		/* how it ended */
	char *end_state;	/* after the end: "protecting…", "protected", or why it could not be */
	struct od_op *op;	/* the protection */
	struct od_ingest_totals t;	/* kept up to date every turn */
	long long token_ms;
	uint64_t rate_bytes;
	long long rate_ms;
	double rate;
	struct line lines[LINES_KEPT];	/* a ring */
	size_t n_lines, head;
};

/* A row of the list: a live session, or one of the journal's. */
struct row {
	struct live *live;
	const struct od_ingest_info *info;
};

static struct {
	struct app *a;
	bool shown;
	struct live **live;
	size_t n_live;
	struct od_ingest_info *infos;
	size_t n_infos;
	char *list_error;
	long long list_ms;
	struct row *rows;
	size_t n_rows, cursor, top;
	int list_height;
	char *cursor_id;	/* the session under the cursor, kept over a reading again */
} iv;

/* --- the rows ------------------------------------------------------------------------ */

static const char *
row_id(const struct row *r)
{
	return r->live ? r->live->id : r->info->id;
}

static struct live *
live_by_id(const char *id)
{
	for (size_t i = 0; i < iv.n_live; i++)
		if (strcmp(iv.live[i]->id, id) == 0)
			return iv.live[i];
	return NULL;
}

/* The live sessions, then the journal's others (read_list leaves the
 * live ones out), newest first; the cursor stays on its session. */
static void
rebuild_rows(void)
{
	size_t n = 0;

	free(iv.rows);
	iv.rows = xcalloc(iv.n_live + iv.n_infos + 1, sizeof(*iv.rows));
	for (size_t i = 0; i < iv.n_live; i++)
		iv.rows[n++].live = iv.live[i];
	for (size_t i = iv.n_infos; i-- > 0;)
		iv.rows[n++].info = &iv.infos[i];
	iv.n_rows = n;
	iv.cursor = 0;
	for (size_t i = 0; iv.cursor_id && i < n; i++)
		if (strcmp(row_id(&iv.rows[i]), iv.cursor_id) == 0)
			iv.cursor = i;
}

static void
remember_cursor(void)
{
	free(iv.cursor_id);
	iv.cursor_id = iv.cursor < iv.n_rows ? xstrdup(row_id(&iv.rows[iv.cursor])) : NULL;
}

/* Read the journals again. The rows are rebuilt, the cursor going to
 * iv.cursor_id: remember_cursor first, while the rows are valid. */
static void
read_list(void)
{
	const char **skip = xcalloc(iv.n_live + 1, sizeof(*skip));
	struct od_error *err;

	/* The sessions run here are shown as they run, not as read; the
	 * other journals are read only when they changed. */
	for (size_t i = 0; i < iv.n_live; i++)
		skip[i] = iv.live[i]->id;
	free(iv.list_error);
	iv.list_error = NULL;
	err = od_ingest_list_update(&iv.infos, &iv.n_infos, skip, iv.n_live);
	free(skip);
	if (err) {
		iv.list_error = xasprintf(_("Cannot list the sessions of this machine: %s"), err->message);
		od_error_free(err);
	}
	iv.list_ms = od_now_ms();
	rebuild_rows();
}

static const struct row *
selected(void)
{
	return iv.cursor < iv.n_rows ? &iv.rows[iv.cursor] : NULL;
}

/* --- a live session's lines ------------------------------------------------------------- */

static void say(struct live *l, bool bad, const char *fmt, ...) OD_PRINTF(3, 4);

static void
say(struct live *l, bool bad, const char *fmt, ...)
{
	struct line *ln = &l->lines[(l->head + l->n_lines) % LINES_KEPT];
	char *text;
	va_list ap;

	if (l->n_lines == LINES_KEPT) {
		ln = &l->lines[l->head];
		l->head = (l->head + 1) % LINES_KEPT;
		free(ln->text);
	} else {
		l->n_lines++;
	}
	va_start(ap, fmt);
	text = xneed(od_vasprintf(fmt, ap));
	va_end(ap);
	/* Names and errors in it may come from anywhere. */
	ln->text = xneed(od_sanitize(text, od_sanitize_flags_for_locale()));
	free(text);
	ln->when = time(NULL);
	ln->bad = bad;
	if (iv.a)
		app_dirty(iv.a);
}

static const struct line *
line_at(const struct live *l, size_t i)
{
	return &l->lines[(l->head + i) % LINES_KEPT];
}

static void
live_free(struct live *l)
{
	if (l->op)
		od_op_cancel(l->op);
	od_ingest_free(l->in);
	for (size_t i = 0; i < l->n_lines; i++)
		free(line_at(l, i)->text);
	free(l->id);
	free(l->source);
	free(l->dest);
	free(l->target);
	free(l->how);
	free(l->dataset_id);
	free(l->file_id);
	free(l->why);
	free(l->end_state);
	free(l);
}

static void
live_remove(struct live *l)
{
	for (size_t i = 0; i < iv.n_live; i++)
		if (iv.live[i] == l) {
			memmove(iv.live + i, iv.live + i + 1, (iv.n_live - i - 1) * sizeof(*iv.live));
			iv.n_live--;
			break;
		}
	live_free(l);
}

/* --- what a session says --------------------------------------------------------------- */

static void
on_event(const struct od_ingest_event *ev, void *ud)
{
	struct live *l = ud;
	const char *path = ev->path;
	char size[OD_SIZE_BUFSZ];
	const char *why = ev->err ? ev->err->message : "?";

	switch (ev->kind) {
	case OD_INGEST_SEEN:
		break;
	case OD_INGEST_SENT:
		if (ev->kept)
			say(l, false, _("already there: %s"), path);
		else
			say(l, false, _("sent %s (%s)"), path, od_size_human((int64_t)ev->size, size));
		break;
	case OD_INGEST_FAILED:
		say(l, true, _("failed: %s: %s (tried again later)"), path, why);
		break;
	case OD_INGEST_PROBLEM:
		say(l, true, _("problem: %s"), why);
		break;
	case OD_INGEST_PAUSED:
		l->paused = true;
		l->token_ms = od_now_ms();
		say(l, true, _("paused: %s; put a valid token where onetui reads it: it is looked at every %d s"), why,
		    TOKEN_POLL_MS / 1000);
		break;
	case OD_INGEST_ENDED:
		l->ended = true;
		l->why = xstrdup(ev->why ? ev->why : "");
		break;
	}
	if (iv.a)
		app_dirty(iv.a);
}

static const char *
why_words(const char *why)
{
	if (strcmp(why, "marker") == 0)
		return _("its end marker appeared");
	if (strcmp(why, "idle") == 0)
		return _("no new file came for the time given");
	if (strcmp(why, "done") == 0)
		return _("everything in the folder was sent");
	return _("it was asked to end");
}

/* --- after the end: protection --------------------------------------------------------------- */

static void
on_protected(struct od_error *err, void *ud)
{
	struct live *l = ud;

	l->op = NULL;
	free(l->end_state);
	if (err) {
		if (err->kind == OD_ERR_CANCELLED) {
			od_error_free(err);
			l->end_state = NULL;
			return;
		}
		l->end_state = xasprintf(_("not protected: %s"), err->message);
		say(l, true, _("Cannot protect the dataset: %s"), err->message);
		app_error(iv.a, _("Cannot protect the dataset of %s: %s"), l->target, err->message);
		od_error_free(err);
	} else {
		l->end_state = xstrdup(l->protect & OD_PROTECT_METADATA ? _("data and metadata protected")
									 : _("data protected"));
		say(l, false, _("protected the dataset: its %s can no longer change"),
		    l->protect & OD_PROTECT_METADATA ? _("data and metadata") : _("data"));
	}
	app_dirty(iv.a);
}

/* The session ended: its last figures kept, its watch and journal let
 * go, then what was asked for its end. */
static void
settle(struct app *a, struct live *l)
{
	char size[OD_SIZE_BUFSZ];

	od_ingest_totals(l->in, &l->t);
	od_ingest_free(l->in);
	l->in = NULL;
	l->rate = 0;
	say(l, false, _("ended (%s): %llu files in the space, %llu failed; %s sent"), why_words(l->why),
	    (unsigned long long)l->t.sent, (unsigned long long)l->t.failed,
	    od_size_human((int64_t)l->t.bytes_sent, size));
	app_message(a, _("Session %s ended: %llu files in the space"), l->id, (unsigned long long)l->t.sent);
	if (l->protect && l->dataset_id) {
		struct od_dataset_change c = { .set = l->protect };
		l->end_state = xasprintf("%s%s", _("protecting the dataset"), draw_glyph_ellipsis());
		if (!(l->op = od_dataset_update(a->s.zone, l->space, l->dataset_id, &c, on_protected, l)))
			xoom();
	}
	remember_cursor();
	read_list();
}

/* --- running ------------------------------------------------------------------------------- */

size_t
ingest_fds(struct od_waitfd *fds, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < iv.n_live && n < max; i++) {
		int fd = iv.live[i]->in ? od_ingest_fd(iv.live[i]->in) : -1;
		if (fd >= 0) {
			fds[n].fd = fd;
			fds[n].events = POLLIN;
			fds[n].revents = 0;
			n++;
		}
	}
	return n;
}

static void
update_rate(struct app *a, struct live *l, long long now)
{
	double sample;

	if (now - l->rate_ms < RATE_MS)
		return;
	sample = (double)(l->t.bytes_sent - l->rate_bytes) * 1000.0 / (double)(now - l->rate_ms);
	l->rate = l->rate_ms == 0 ? 0 : l->rate * 0.7 + sample * 0.3;
	l->rate_bytes = l->t.bytes_sent;
	l->rate_ms = now;
	if (iv.shown)
		app_dirty(a);
}

/* Go on with every paused session once a token is found. */
static void
look_for_token(struct app *a, struct live *l, long long now)
{
	if (!l->paused || now - l->token_ms < TOKEN_POLL_MS)
		return;
	l->token_ms = now;
	if (!od_session_reload_token(&a->s))
		return;
	for (size_t i = 0; i < iv.n_live; i++)
		if (iv.live[i]->paused && iv.live[i]->in) {
			iv.live[i]->paused = false;
			say(iv.live[i], false, "%s", _("a new token was found; going on"));
			od_ingest_resume(iv.live[i]->in);
		}
}

long
ingest_tick(struct app *a)
{
	long long now = od_now_ms();
	long next = -1;

	iv.a = a;
	for (size_t i = 0; i < iv.n_live; i++) {
		struct live *l = iv.live[i];
		struct od_ingest_totals before;
		long wait;

		if (!l->in)
			continue;
		/* Copied whole, padding too, for the memcmp below. */
		memcpy(&before, &l->t, sizeof(before));
		od_ingest_run(l->in);
		if (l->ended) {
			settle(a, l);
			continue;
		}
		od_ingest_totals(l->in, &l->t);
		if (iv.shown && memcmp(&before, &l->t, sizeof(before)) != 0)
			app_dirty(a);
		update_rate(a, l, now);
		look_for_token(a, l, now);
		wait = od_ingest_next_ms(l->in);
		if (wait >= 0 && (next < 0 || wait < next))
			next = wait;
		if (next < 0 || next > RATE_MS)
			next = RATE_MS;
	}
	if (iv.shown && now - iv.list_ms >= LIST_MS) {
		remember_cursor();
		read_list();
		app_dirty(a);
	}
	if (iv.shown && (next < 0 || next > LIST_MS))
		next = LIST_MS;
	return next;
}

size_t
ingest_running(void)
{
	size_t n = 0;

	for (size_t i = 0; i < iv.n_live; i++)
		n += iv.live[i]->in != NULL;
	return n;
}

/* "watched until DONE appears in it; a file goes once unchanged for 30 s
 * or 1 s after it was closed". */
static char *
how_words(const struct od_ingest_opts *o)
{
	long stable = o->watch.stable_ms ? o->watch.stable_ms : OD_WATCH_STABLE_MS;
	char *until, *how;

	if (o->once)
		return xstrdup(_("a finished folder, sent once"));
	if (o->end_marker)
		until = xasprintf(_("watched until %s appears in it"), o->end_marker);
	else if (o->idle_end_ms)
		until = xasprintf(_("watched until no new file came for %lld min"),
				  (long long)((o->idle_end_ms + 59999) / 60000));
	else
		until = xstrdup(_("watched until you end it"));
	how = stable < 0 ? xasprintf(_("%s; a file goes as soon as it is seen"), until)
			 : xasprintf(_("%s; a file goes once unchanged for %ld s, or closed"), until,
				     (stable + 999) / 1000);
	free(until);
	return how;
}

void
ingest_add(struct app *a, const struct ingest_start *st)
{
	struct live *l = xcalloc(1, sizeof(*l));
	struct od_error *err;

	l->source = xstrdup(st->source);
	l->space = st->space;
	l->dest = xstrdup(st->dest);
	l->target = *st->dest ? xasprintf("%s/%s", st->space->name, st->dest) : xstrdup(st->space->name);
	l->once = st->opts->once;
	l->how = how_words(st->opts);
	l->protect = st->protect;
	l->dataset_id = st->dataset_id ? xstrdup(st->dataset_id) : NULL;
	l->file_id = st->file_id ? xstrdup(st->file_id) : NULL;
	err = od_ingest_open(a->s.zone, st->space, st->dest, st->source, st->opts, on_event, l, &l->in);
	if (err) {
		app_error(a, _("Cannot watch %s: %s"), st->source, err->message);
		od_error_free(err);
		live_free(l);
		return;
	}
	l->id = xstrdup(od_ingest_id(l->in));
	l->mode = od_ingest_watch_mode(l->in);
	od_ingest_totals(l->in, &l->t);
	l->rate_bytes = l->t.bytes_sent;
	say(l, false, _("session %s: %s into %s, noticing files by %s"), l->id, l->source, l->target,
	    l->mode == OD_WATCH_INOTIFY ? "inotify" : _("polling"));
	if (l->t.ending)
		say(l, false, _("the end marker %s is there: what is complete is sent, then the session ends"),
		    st->opts->end_marker);
	iv.live = xrealloc(iv.live, (iv.n_live + 1) * sizeof(*iv.live));
	iv.live[iv.n_live++] = l;
	iv.a = a;
	read_list();
	/* The cursor goes to the new session. */
	for (size_t i = 0; i < iv.n_rows; i++)
		if (iv.rows[i].live == l)
			iv.cursor = i;
	app_message(a, l->once ? _("Sending %s into %s") : _("Watching %s: files go into %s once complete"),
		    l->source, l->target);
	app_dirty(a);
}

/* --- opening and closing ------------------------------------------------------------------ */

void
ingest_open(struct app *a)
{
	if (a->share_id) {
		app_message(a, _("Ingest needs an account: onetui was opened on a public share"));
		return;
	}
	iv.a = a;
	iv.shown = true;
	remember_cursor();
	read_list();
	app_dirty(a);
}

bool
ingest_shown(void)
{
	return iv.shown;
}

void
ingest_done(void)
{
	for (size_t i = 0; i < iv.n_live; i++)
		live_free(iv.live[i]);
	free(iv.live);
	od_ingest_list_free(iv.infos, iv.n_infos);
	free(iv.list_error);
	free(iv.rows);
	free(iv.cursor_id);
	memset(&iv, 0, sizeof(iv));
}

/* --- drawing ------------------------------------------------------------------------------- */

static const char *
live_state(const struct live *l, enum color *c)
{
	*c = C_NORMAL;
	if (!l->in) {
		*c = l->t.failed ? C_WARN : C_GOOD;
		return _("ended");
	}
	if (l->paused) {
		*c = C_ERROR;
		return _("paused");
	}
	if (l->t.ending)
		return _("ending");
	if (l->t.failed)
		*c = C_WARN;
	return l->once ? _("sending") : _("watching");
}

static const char *
info_state(const struct od_ingest_info *in, enum color *c)
{
	*c = C_DIM;
	if (in->running) {
		*c = C_NORMAL;
		return _("elsewhere");
	}
	if (in->ended)
		return _("ended");
	*c = C_WARN;
	return _("stopped");
}

enum col { COL_STATE, COL_FILES, COL_SENT, COL_WAITING, COL_FAILED, COL_RATE, COL_WHAT, COL_COUNT };

static const struct {
	const char *title;
	int width;
	bool right;
} cols[COL_COUNT] = {
	[COL_STATE] = { N_("STATE"), 10, false },	[COL_FILES] = { N_("FILES"), 7, true },
	[COL_SENT] = { N_("SENT"), 7, true },		[COL_WAITING] = { N_("WAITING"), 7, true },
	[COL_FAILED] = { N_("FAILED"), 6, true },	[COL_RATE] = { N_("RATE"), 10, true },
	[COL_WHAT] = { N_("SOURCE → DESTINATION"), 0, false },
};

static void
count_text(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%llu", (unsigned long long)v);
}

static void
draw_row(int y, int x, int width, const struct row *r, bool at)
{
	char cell[COL_COUNT][OD_SIZE_BUFSZ + 8], *what;
	enum color state_c, c;
	int col_x = x + 1;

	draw_blank(stdscr, y, x, width, at ? C_CURSOR : C_NORMAL);
	memset(cell, 0, sizeof(cell));
	if (!r) {
		for (size_t i = 0; i < COL_COUNT; i++)
			snprintf(cell[i], sizeof(cell[i]), "%s", _(cols[i].title));
		state_c = C_LABEL;
		what = NULL;
	} else if (r->live) {
		const struct live *l = r->live;
		snprintf(cell[COL_STATE], sizeof(cell[0]), "%s", live_state(l, &state_c));
		count_text(l->t.files, cell[COL_FILES], sizeof(cell[0]));
		count_text(l->t.sent, cell[COL_SENT], sizeof(cell[0]));
		count_text(l->t.pending + l->t.queued + l->t.sending, cell[COL_WAITING], sizeof(cell[0]));
		count_text(l->t.failed, cell[COL_FAILED], sizeof(cell[0]));
		if (l->in && l->rate_ms) {
			char rate[OD_SIZE_BUFSZ];
			snprintf(cell[COL_RATE], sizeof(cell[0]), "%s/s", od_size_human((int64_t)l->rate, rate));
		}
		what = xasprintf("%s → %s", l->source, l->target);
	} else {
		const struct od_ingest_info *in = r->info;
		snprintf(cell[COL_STATE], sizeof(cell[0]), "%s", info_state(in, &state_c));
		count_text(in->files, cell[COL_FILES], sizeof(cell[0]));
		count_text(in->sent, cell[COL_SENT], sizeof(cell[0]));
		count_text(in->waiting, cell[COL_WAITING], sizeof(cell[0]));
		count_text(in->failed, cell[COL_FAILED], sizeof(cell[0]));
		what = *in->dest ? xasprintf("%s → %s/%s", in->source, in->space, in->dest)
				 : xasprintf("%s → %s", in->source, in->space);
	}
	for (size_t i = 0; i < COL_COUNT && col_x < x + width; i++) {
		int w = cols[i].width && cols[i].width < x + width - col_x ? cols[i].width : x + width - col_x;
		if (at || !r)
			c = at ? C_CURSOR : C_LABEL;
		else if (i == COL_STATE)
			c = state_c;
		else
			c = i == COL_FAILED && strcmp(cell[i], "0") ? C_WARN : C_NORMAL;
		if (i == COL_WHAT && what)
			draw_text(stdscr, y, col_x, w, c, what);
		else if (cols[i].right && w > draw_width(cell[i]))
			draw_printf(stdscr, y, col_x, w, c, "%*s", w, cell[i]);
		else
			draw_own(stdscr, y, col_x, w, c, cell[i]);
		col_x += w + 1;
	}
	free(what);
}

static int
draw_label(int y, int x, int width, const char *label)
{
	return draw_printf(stdscr, y, x, width, C_LABEL, " %-12s ", label);
}

/* A labelled line at y + *row, when there is room (*row < height). */
static void
field(int y, int *row, int height, int x, int width, const char *label, enum color c, const char *text)
{
	int lw;

	if (*row >= height)
		return;
	lw = draw_label(y + *row, x, width, label);
	draw_text(stdscr, y + *row, x + lw, width - lw, c, text);
	(*row)++;
}

/* What the selected session is; the rows used. */
static int
draw_about(int y, int x, int height, int width, const struct row *r)
{
	char when[OD_TIME_BUFSZ], *text;
	int row = 0;

	if (r->live) {
		const struct live *l = r->live;
		field(y, &row, height, x, width, _("Session"), C_NORMAL, l->id);
		field(y, &row, height, x, width, _("Source"), C_NORMAL, l->source);
		field(y, &row, height, x, width, _("Destination"), C_NORMAL, l->target);
		text = l->in ? xasprintf(_("%s, noticing files by %s%s"), l->how,
					 l->mode == OD_WATCH_INOTIFY ? "inotify" : _("polling"),
					 l->t.ending ? _("; ending once what is complete is sent") : "")
			     : xasprintf(_("ended: %s%s%s"), why_words(l->why), l->end_state ? "; " : "",
					 l->end_state ? l->end_state : "");
		field(y, &row, height, x, width, _("State"), l->paused ? C_ERROR : C_NORMAL, text);
		free(text);
		if (row < height)
			draw_own(stdscr, y + row++, x, width, C_DIM, _(" What it did last (Enter shows more):"));
		for (size_t i = l->n_lines > (size_t)(height - row) ? l->n_lines - (size_t)(height - row) : 0;
		     i < l->n_lines && row < height; i++) {
			const struct line *ln = line_at(l, i);
			struct tm tm;
			char stamp[16];
			strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime_r(&ln->when, &tm));
			draw_printf(stdscr, y + row, x, 11, C_DIM, " %s", stamp);
			draw_own(stdscr, y + row++, x + 11, width - 11, ln->bad ? C_ERROR : C_NORMAL, ln->text);
		}
		return row;
	}
	const struct od_ingest_info *in = r->info;
	field(y, &row, height, x, width, _("Session"), C_NORMAL, in->id);
	field(y, &row, height, x, width, _("Source"), C_NORMAL, in->source);
	text = *in->dest ? xasprintf("%s/%s", in->space, in->dest) : xstrdup(in->space);
	field(y, &row, height, x, width, _("Destination"), C_NORMAL, text);
	free(text);
	text = in->running ? xstrdup(_("run by another process (e asks it to end)"))
	       : in->ended ? xasprintf(_("ended: %s"), why_words(in->ended))
			   : xstrdup(_("stopped: r takes it up here (or run the same watch again)"));
	field(y, &row, height, x, width, _("State"), C_NORMAL, text);
	free(text);
	text = xasprintf(_("made %s, last record %s"), od_time_short(in->created, when),
			 in->last ? od_time_short(in->last, (char[OD_TIME_BUFSZ]){ 0 }) : "-");
	field(y, &row, height, x, width, _("Journal"), C_NORMAL, text);
	free(text);
	field(y, &row, height, x, width, _("Zone"), C_DIM, in->zone);
	return row;
}

void
ingest_draw(struct app *a, int y, int x, int height, int width)
{
	const struct row *r = selected();
	int used, row, list_rows;
	size_t rows;

	(void)a;
	for (int i = 0; i < height; i++)
		draw_blank(stdscr, y + i, x, width, C_NORMAL);
	draw_blank(stdscr, y, x, width, C_TAB);
	used = draw_own(stdscr, y, x, width, C_LABEL, _(" Ingest "));
	draw_printf(stdscr, y, x + used, width - used, C_TAB_ACTIVE, " %s",
		    iv.n_live ? _("sessions run here go on while you browse (I comes back)")
			      : _("n carries a folder an instrument writes into a space"));
	row = 1;
	draw_row(y + row++, x, width, NULL, false);
	if (iv.list_error)
		draw_text(stdscr, y + row++, x + 1, width - 1, C_ERROR, iv.list_error);
	if (row >= height)
		return;
	if (!iv.n_rows) {
		draw_own(stdscr, y + row, x + 1, width - 1, C_DIM, _("No ingest session on this machine yet: n starts one"));
		return;
	}
	/* The list takes what it needs, up to half the view. */
	list_rows = (height - row) / 2;
	if ((int)iv.n_rows < list_rows)
		list_rows = (int)iv.n_rows;
	if (list_rows < 1)
		list_rows = 1;
	rows = (size_t)list_rows;
	iv.list_height = list_rows;
	if (iv.cursor < iv.top)
		iv.top = iv.cursor;
	if (iv.cursor >= iv.top + rows)
		iv.top = iv.cursor - rows + 1;
	for (size_t i = 0; i < rows && iv.top + i < iv.n_rows; i++)
		draw_row(y + row + (int)i, x, width, &iv.rows[iv.top + i], iv.top + i == iv.cursor);
	row += list_rows + 1;
	if (r && row < height)
		draw_about(y + row, x, height - row, width, r);
}

/* --- keys ------------------------------------------------------------------------------------- */

static void
details(struct app *a, const struct row *r)
{
	struct od_buf b;
	char *title;

	if (!r || !r->live) {
		app_message(a, _("Only a session run here keeps what it did; onetui watch status tells about the others"));
		return;
	}
	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (size_t i = 0; i < r->live->n_lines; i++) {
		const struct line *ln = line_at(r->live, i);
		char stamp[32];
		struct tm tm;
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime_r(&ln->when, &tm));
		if (od_buf_addf(&b, "%s %s\n", stamp, ln->text))
			xoom();
	}
	title = xasprintf(_("Session %s"), r->live->id);
	/* Its lines were made safe as they were written. */
	widget_popup(a, title, od_buf_str(&b));
	free(title);
	od_buf_done(&b);
}

static void
on_end_elsewhere(struct app *a, bool yes, void *ud)
{
	char *id = ud;
	struct od_error *err;

	if (yes) {
		if ((err = od_ingest_request_end(id))) {
			app_error(a, "%s", err->message);
			od_error_free(err);
		} else {
			app_message(a, _("Session %s ends once what is complete is sent"), id);
		}
	}
	free(id);
}

static void
end_session(struct app *a, const struct row *r)
{
	char *q;

	if (!r)
		return;
	if (r->live) {
		if (!r->live->in) {
			app_message(a, _("That session has ended already"));
			return;
		}
		od_ingest_end(r->live->in);
		say(r->live, false, "%s", _("ending: what is complete is sent first"));
		app_message(a, _("Session %s ends once what is complete is sent"), r->live->id);
		return;
	}
	if (!r->info->running) {
		app_message(a, r->info->ended ? _("That session has ended already")
					      : _("No process runs that session: r takes it up here"));
		return;
	}
	q = xasprintf(_("Ask the process that runs session %s to end it once what is complete is sent?"), r->info->id);
	widget_confirm(a, q, on_end_elsewhere, xstrdup(r->info->id));
	free(q);
}

static void
on_stop(struct app *a, bool yes, void *ud)
{
	struct live *l = live_by_id(ud);

	if (yes && l && l->in) {
		remember_cursor();
		app_message(a, _("Session %s stopped; r takes it up again, or the same watch"), l->id);
		live_remove(l);
		read_list();
	}
	free(ud);
}

static void
stop_session(struct app *a, const struct row *r)
{
	char *q;

	if (!r || !r->live || !r->live->in) {
		app_message(a, _("Only a session that runs here can be stopped here (e ends the others)"));
		return;
	}
	q = xasprintf(_("Stop session %s here? What is not sent yet waits in its journal for the next run."),
		      r->live->id);
	widget_confirm(a, q, on_stop, xstrdup(r->live->id));
	free(q);
}

/* The sessions that ended are taken off the list of live ones. */
static void
forget_ended(struct app *a)
{
	remember_cursor();
	for (size_t i = iv.n_live; i-- > 0;)
		if (!iv.live[i]->in && !iv.live[i]->op)
			live_remove(iv.live[i]);
	read_list();
	app_dirty(a);
}

static void
hand_out(struct app *a, const struct row *r)
{
	if (!r || !r->live) {
		app_message(a, _("Hand out a session run here, or select its folder in the tree (H in the Shares pane)"));
		return;
	}
	handout_start_path(a, r->live->space, r->live->dest, r->live->target);
}

bool
ingest_request(struct app *a, enum request req)
{
	const struct row *r = selected();

	if (request_move(req, &iv.cursor, iv.n_rows, iv.list_height)) {
		app_dirty(a);
		return true;
	}
	switch (req) {
	case REQ_INGEST_CLOSE:
		iv.shown = false;
		app_dirty(a);
		return true;
	case REQ_INGEST_NEW:
		ingest_new(a);
		return true;
	case REQ_INGEST_END:
		end_session(a, r);
		return true;
	case REQ_INGEST_STOP:
		stop_session(a, r);
		return true;
	case REQ_INGEST_TAKE_UP:
		if (!r || r->live || r->info->running)
			app_message(a, _("Choose a stopped session"));
		else
			ingest_take_up(a, r->info);
		return true;
	case REQ_INGEST_DETAILS:
		details(a, r);
		return true;
	case REQ_INGEST_CLEAR:
		forget_ended(a);
		return true;
	case REQ_HANDOUT:
		hand_out(a, r);
		return true;
	case REQ_REFRESH:
		remember_cursor();
		read_list();
		app_dirty(a);
		return true;
	default:
		return false;
	}
}
