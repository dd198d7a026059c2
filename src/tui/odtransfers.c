/* SPDX-License-Identifier: GPL-3.0-or-later */
/* odtransfers.c: Onedata's own transfers in the Transfers pane.
 *
 * Replication, eviction and migration between providers, whoever started
 * them (onetui transfers replicate, the web interface, a QoS requirement):
 * while the pane is shown, each space's waiting and ongoing transfers are
 * listed every few seconds and read one by one; the latest ended ones are
 * read once. The user cancels one that runs or runs an ended one again. A
 * space whose transfers the user may not see is left out quietly. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/i18n.h"
#include "onetui/replica.h"
#include "onetui/str.h"
#include "tui/draw.h"
#include "tui/tui.h"
#include "xmalloc.h"

#define POLL_MS 3000
/* Spaces listed at once. */
#define POLLING 2
/* Ended transfers shown per space, and rows in all. */
#define ENDED_SHOWN 5
#define MAX_ROWS 200

struct orow {
	struct od_space *space;
	char *tid;
	char *type, *status, *path, *to, *from;
	int64_t files_processed, files_to_process, files_failed, bytes, scheduled;
	double rate;
	bool ended, read;
	unsigned long order;	/* when it was first listed */
	struct od_op *op;	/* reading it */
	struct od_op *action;	/* cancelling it or running it again */
};

struct opoll {
	struct od_space *space;
	unsigned stage;		/* index in STATES */
	size_t ended_listed;
	bool ended_read;	/* its ended transfers were listed once */
	bool denied;		/* the user may not see its transfers */
	struct od_op *op;
	char *error;		/* why it could not be listed last time */
};

static const char *const STATES[] = { "waiting", "ongoing", "ended" };

static struct {
	struct app *a;
	struct orow **rows;
	size_t n;
	struct opoll *spaces;
	size_t n_spaces, next;
	unsigned polling;
	long long cycle_ms;
	unsigned long listed;
	bool closing;
} ox;

static void
repaint(void)
{
	if (ox.a->pane == PANE_TRANSFERS)
		app_dirty(ox.a);
}

static void
set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = v ? xstrdup(v) : NULL;
}

/* The name of a provider of the space, or its id. */
static const char *
provider_name(const struct od_space *s, const char *id)
{
	for (size_t i = 0; id && i < s->n_supports; i++)
		if (strcmp(s->supports[i].provider->id, id) == 0 && s->supports[i].provider->name)
			return s->supports[i].provider->name;
	return id;
}

static struct orow *
find_row(const struct od_space *s, const char *tid)
{
	for (size_t i = 0; i < ox.n; i++)
		if (ox.rows[i]->space == s && strcmp(ox.rows[i]->tid, tid) == 0)
			return ox.rows[i];
	return NULL;
}

static struct orow *
add_row(struct od_space *s, const char *tid)
{
	struct orow *r;

	if (ox.n >= MAX_ROWS)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->space = s;
	r->tid = xstrdup(tid);
	r->files_processed = r->files_to_process = r->bytes = -1;
	r->order = ++ox.listed;
	ox.rows = xrealloc(ox.rows, (ox.n + 1) * sizeof(*ox.rows));
	ox.rows[ox.n++] = r;
	return r;
}

static void
on_row(const struct od_transfer *t, struct od_error *err, void *ud)
{
	struct orow *r = ud;

	r->op = NULL;
	if (err) {
		/* Shown in its place; the next poll tries again. */
		if (err->kind != OD_ERR_CANCELLED)
			set_str(&r->status, err->message);
		od_error_free(err);
		repaint();
		return;
	}
	set_str(&r->type, t->type);
	set_str(&r->status, t->status);
	set_str(&r->path, t->file_path);
	set_str(&r->to, provider_name(r->space, t->replicating_provider));
	set_str(&r->from, provider_name(r->space, t->evicting_provider));
	r->files_processed = t->files_processed;
	r->files_to_process = t->files_to_process;
	r->files_failed = t->files_failed;
	r->bytes = t->bytes_replicated;
	r->scheduled = t->schedule_time;
	r->rate = od_transfer_rate(t);
	r->ended = od_transfer_ended(t->status);
	r->read = true;
	repaint();
}

static void
read_row(struct orow *r)
{
	if (!ox.closing && !r->op && !(r->read && r->ended))
		r->op = od_transfer_get(ox.a->s.zone, r->space, r->tid, on_row, r);
}

static void poll_stage(struct opoll *p);

static bool
on_ids(const char *const *ids, size_t n, void *ud)
{
	struct opoll *p = ud;
	bool ended = p->stage == 2;

	for (size_t i = 0; i < n; i++) {
		struct orow *r;
		if (ended && p->ended_listed >= ENDED_SHOWN)
			return false;
		p->ended_listed += ended;
		if (!(r = find_row(p->space, ids[i])) && !(r = add_row(p->space, ids[i])))
			return false;
		read_row(r);
	}
	return !ended || p->ended_listed < ENDED_SHOWN;
}

static void
on_listed(struct od_error *err, void *ud)
{
	struct opoll *p = ud;

	p->op = NULL;
	if (err) {
		if (err->status == 403 || od_error_is_auth(err))
			p->denied = true;	/* no space_view_transfers here */
		else if (err->kind != OD_ERR_CANCELLED)
			set_str(&p->error, err->message);
		od_error_free(err);
		p->stage = OD_ARRAY_SIZE(STATES);
	} else {
		set_str(&p->error, NULL);
		if (p->stage == 2)
			p->ended_read = true;
		p->stage++;
	}
	poll_stage(p);
}

/* List the next state of p's space; at the end, read again what was
 * running there and go on with the next space. */
static void
poll_stage(struct opoll *p)
{
	if (ox.closing)
		return;
	if (p->stage == 2 && p->ended_read)
		p->stage++;
	if (p->stage < OD_ARRAY_SIZE(STATES)) {
		p->ended_listed = 0;
		p->op = od_transfer_list(ox.a->s.zone, p->space, STATES[p->stage], on_ids, on_listed, p);
		if (p->op)
			return;
		p->stage = OD_ARRAY_SIZE(STATES);
	}
	for (size_t i = 0; i < ox.n; i++)
		if (ox.rows[i]->space == p->space && !ox.rows[i]->ended)
			read_row(ox.rows[i]);
	ox.polling--;
	repaint();
	odtr_tick(ox.a);
}

static void
know_spaces(void)
{
	size_t n = od_zone_space_count(ox.a->s.zone);

	if (ox.n_spaces == n)
		return;
	ox.spaces = xrealloc(ox.spaces, n * sizeof(*ox.spaces));
	for (size_t i = ox.n_spaces; i < n; i++)
		ox.spaces[i] = (struct opoll){ .space = od_zone_space(ox.a->s.zone, i) };
	ox.n_spaces = n;
}

void
odtr_init(struct app *a)
{
	memset(&ox, 0, sizeof(ox));
	ox.a = a;
}

long
odtr_tick(struct app *a)
{
	long long now = od_now_ms();

	if (!a->spaces_loaded || a->pane != PANE_TRANSFERS)
		return -1;
	know_spaces();
	if (ox.next >= ox.n_spaces && ox.polling == 0 && now - ox.cycle_ms >= POLL_MS) {
		ox.next = 0;
		ox.cycle_ms = now;
	}
	while (ox.next < ox.n_spaces && ox.polling < POLLING) {
		struct opoll *p = &ox.spaces[ox.next++];
		if (p->denied || p->op)
			continue;
		ox.polling++;
		p->stage = 0;
		poll_stage(p);
	}
	if (ox.next < ox.n_spaces || ox.polling)
		return -1;	/* the replies move it on */
	return POLL_MS - (now - ox.cycle_ms) > 0 ? (long)(POLL_MS - (now - ox.cycle_ms)) : 0;
}

void
odtr_done(void)
{
	for (size_t i = 0; i < ox.n_spaces; i++) {
		if (ox.spaces[i].op)
			od_op_cancel(ox.spaces[i].op);
		free(ox.spaces[i].error);
	}
	ox.closing = true;
	for (size_t i = 0; i < ox.n; i++) {
		if (ox.rows[i]->op)
			od_op_cancel(ox.rows[i]->op);
		if (ox.rows[i]->action)
			od_op_cancel(ox.rows[i]->action);
	}
	/* The cancellations run the callbacks, which still use the rows. */
	od_engine_perform(ox.a->s.engine);
	for (size_t i = 0; i < ox.n; i++) {
		struct orow *r = ox.rows[i];
		free(r->tid);
		free(r->type);
		free(r->status);
		free(r->path);
		free(r->to);
		free(r->from);
		free(r);
	}
	free(ox.rows);
	free(ox.spaces);
	memset(&ox, 0, sizeof(ox));
}

/* Rows read so far, newest first; in the same second, in the order they
 * were first listed (a poll lists waiting and ongoing transfers before
 * ended ones). The order does not change as they run and end. Rows not
 * read yet go last and are not shown. */
static int
by_order(const void *x, const void *y)
{
	const struct orow *a = *(const struct orow *const *)x, *b = *(const struct orow *const *)y;

	if (a->read != b->read)
		return a->read ? -1 : 1;
	if (a->scheduled != b->scheduled)
		return a->scheduled > b->scheduled ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* The rows to show; *cursor, an index among them (or beyond), is moved
 * to where its row went, so that the cursor stays on the transfer the
 * user is looking at when others are listed above it. */
size_t
odtr_count(size_t *cursor)
{
	struct orow *held = *cursor < ox.n ? ox.rows[*cursor] : NULL;
	size_t shown = 0;

	if (ox.n > 1)	/* rows is NULL while nothing was listed */
		qsort(ox.rows, ox.n, sizeof(*ox.rows), by_order);
	while (shown < ox.n && ox.rows[shown]->read)
		shown++;
	for (size_t i = 0; held && i < shown; i++)
		if (ox.rows[i] == held)
			*cursor = i;
	return shown;
}

/* Why the listing of some space failed, for the pane's last line. */
const char *
odtr_problem(const char **space)
{
	for (size_t i = 0; i < ox.n_spaces; i++) {
		if (ox.spaces[i].error) {
			*space = ox.spaces[i].space->name;
			return ox.spaces[i].error;
		}
	}
	return NULL;
}

static const char *
kind_word(const struct orow *r)
{
	if (!r->type)
		return "";
	if (strcmp(r->type, "replication") == 0)
		return _("replication");
	if (strcmp(r->type, "eviction") == 0)
		return _("eviction");
	if (strcmp(r->type, "migration") == 0)
		return _("migration");
	return r->type;
}

static enum color
status_color(const struct orow *r)
{
	if (!r->status || !r->ended)
		return C_NORMAL;
	if (strcmp(r->status, "completed") == 0)
		return C_GOOD;
	if (strcmp(r->status, "failed") == 0)
		return C_ERROR;
	return C_DIM;
}

/* "  to HPC Centre", "  from Facility Storage", or both for a migration;
 * the names come from the zone. */
static int
draw_where(int y, int x, int width, const struct orow *r)
{
	int w = 0;

	if (r->from && w + 4 < width) {
		w += draw_own(stdscr, y, x + w, width - w, C_DIM, _("  from "));
		w += draw_text(stdscr, y, x + w, width - w, C_NORMAL, r->from);
	}
	if (r->to && w + 4 < width) {
		w += draw_own(stdscr, y, x + w, width - w, C_DIM, _("  to "));
		w += draw_text(stdscr, y, x + w, width - w, C_NORMAL, r->to);
	}
	return w;
}

/* Three lines, like a local job: what, progress, Onedata's status and
 * the providers; the path keeps the first line to itself, as it is
 * what tells transfers apart. */
void
odtr_draw(size_t i, int y, int x, int width, bool cursor, bool focus)
{
	struct orow *r = ox.rows[i];
	enum color c = cursor ? (focus ? C_CURSOR : C_CURSOR_DIM) : C_NORMAL;
	char bytes[OD_SIZE_BUFSZ], rate[OD_SIZE_BUFSZ], line[256];
	int bar = width >= 60 ? 22 : width >= 40 ? 12 : 0, w;
	long long done = r->files_processed > 0 ? r->files_processed : 0;
	long long total = r->files_to_process > 0 ? r->files_to_process : 0;

	draw_blank(stdscr, y, x, width, c);
	draw_own(stdscr, y, x + 1, 2, c, draw_utf8() ? "\u21c4" : "=");
	w = 3 + draw_printf(stdscr, y, x + 3, width - 3, c, "%s ", kind_word(r));
	/* filePath starts with the space's name. */
	draw_text(stdscr, y, x + w, width - w - 1, c, r->path && r->path[0] == '/' ? r->path + 1 : r->path);
	draw_blank(stdscr, y + 1, x, width, C_NORMAL);
	if (bar)
		draw_bar(stdscr, y + 1, x + 3, bar, (uint64_t)done, (uint64_t)total,
			 status_color(r) == C_NORMAL ? C_GOOD : status_color(r));
	od_size_human(r->bytes > 0 ? r->bytes : 0, bytes);
	od_size_human(r->rate > 0 ? (int64_t)r->rate : 0, rate);
	if (r->ended || r->rate < 0)
		snprintf(line, sizeof(line), _("%lld/%lld files  %s"), done, total, bytes);
	else
		snprintf(line, sizeof(line), _("%lld/%lld files  %s  %s/s"), done, total, bytes, rate);
	draw_own(stdscr, y + 1, x + 4 + bar, width - 4 - bar, C_NORMAL, line);
	draw_blank(stdscr, y + 2, x, width, C_NORMAL);
	w = 3 + draw_own(stdscr, y + 2, x + 3, width - 3, C_DIM, _("Onedata: "));
	w += draw_text(stdscr, y + 2, x + w, width - w, status_color(r), r->status);
	if (r->files_failed > 0) {
		snprintf(line, sizeof(line), P_(", %lld failed", ", %lld failed", r->files_failed),
			 (long long)r->files_failed);
		w += draw_own(stdscr, y + 2, x + w, width - w, C_ERROR, line);
	}
	draw_where(y + 2, x + w, width - w, r);
}

static void
on_cancelled(struct od_error *err, void *ud)
{
	struct orow *r = ud;

	r->action = NULL;
	if (err && err->kind != OD_ERR_CANCELLED)
		app_error(ox.a, _("Cannot cancel the transfer: %s"), err->message);
	else if (!err)
		app_message(ox.a, _("Onedata is cancelling the transfer"));
	od_error_free(err);
	read_row(r);
}

static void
on_cancel_answer(struct app *a, bool yes, void *ud)
{
	struct orow *r = ud;

	if (yes && !r->action && !(r->action = od_transfer_cancel(a->s.zone, r->space, r->tid, on_cancelled, r)))
		xoom();
}

static void
on_rerun(const char *tid, struct od_error *err, void *ud)
{
	struct orow *r = ud, *fresh;

	r->action = NULL;
	if (err) {
		if (err->kind != OD_ERR_CANCELLED)
			app_error(ox.a, _("Cannot run the transfer again: %s"), err->message);
		od_error_free(err);
		return;
	}
	app_message(ox.a, _("Running it again as transfer %s"), tid);
	if ((fresh = add_row(r->space, tid)))
		read_row(fresh);
	repaint();
}

void
odtr_add(struct od_space *s, const char *tid)
{
	struct orow *r = find_row(s, tid) ? NULL : add_row(s, tid);

	if (r)
		read_row(r);
	repaint();
}

static void
show_details(struct app *a, const struct orow *r)
{
	char bytes[OD_SIZE_BUFSZ];
	char *text = xasprintf(_("Transfer %s (%s)\nSpace: %s\nFile: %s\nStatus: %s\nTo: %s\nFrom: %s\n"
				 "Files: %lld of %lld processed, %lld failed\nBytes replicated: %s\n"),
			       r->tid, kind_word(r), r->space->name, r->path ? r->path : "-",
			       r->status ? r->status : "-", r->to ? r->to : "-", r->from ? r->from : "-",
			       (long long)r->files_processed, (long long)r->files_to_process, (long long)r->files_failed,
			       od_size_human(r->bytes > 0 ? r->bytes : 0, bytes));

	widget_popup(a, _("Onedata transfer"), text);
	free(text);
}

bool
odtr_request(struct app *a, size_t i, enum request req)
{
	struct orow *r = i < ox.n ? ox.rows[i] : NULL;

	if (!r)
		return false;
	switch (req) {
	case REQ_TRANSFER_CANCEL:
		if (r->ended)
			app_message(a, _("This transfer has ended"));
		else
			widget_confirm(a, _("Have Onedata cancel this transfer between providers?"), on_cancel_answer, r);
		return true;
	case REQ_REFRESH:
		if (!r->ended)
			app_message(a, _("This transfer is running"));
		else if (!r->action && !(r->action = od_transfer_rerun(a->s.zone, r->space, r->tid, on_rerun, r)))
			xoom();
		return true;
	case REQ_TRANSFER_PAUSE:
		app_message(a, _("Onedata's transfers cannot be paused: x cancels, r runs an ended one again"));
		return true;
	case REQ_TRANSFER_DETAILS:
		show_details(a, r);
		return true;
	default:
		return false;
	}
}
