/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tokens.c: "Your tokens" in the Shares & Tokens pane: the user's named
 * tokens, one line each (name, state, a mark when it is handed out too
 * wide, expiry, kind, the token masked, its caveats in words), read the
 * first time the pane is shown and after every change. The token onetui
 * is signed in with shows "in use". Revoking and deleting ask first,
 * and say so plainly when it is that token; Enter describes a token in
 * full, but never shows it unmasked. Making tokens, examining and
 * consuming them is token-new.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/buf.h"
#include "onetui/caveat.h"
#include "onetui/i18n.h"
#include "onetui/str.h"
#include "onetui/token.h"
#include "onetui/tokenapi.h"
#include "tui/draw.h"
#include "tui/tokens.h"
#include "tui/tui.h"
#include "xmalloc.h"

struct token_row {
	cJSON *raw;		/* the zone's record, for Enter */
	char *id, *name, *masked, *kind, *expiry, *words;
	const char *state;	/* translated */
	bool revoked;
	bool bad;		/* revoked or expired */
	unsigned risks;
};

static struct {
	struct app *a;
	bool wanted;		/* the pane was shown: keep the list read */
	bool loaded;
	struct od_op *listing;
	struct od_op *learning;	/* which token onetui is signed in with */
	size_t pending;		/* records still to read */
	unsigned generation;	/* a reading started later wins */
	char *error;
	char **ids;
	size_t n_ids;
	struct token_row *rows;
	size_t n_rows;
	char *want_id;		/* put the cursor there once read */
	size_t cursor, top;
	int height;
} tk;

static void
free_row(struct token_row *r)
{
	cJSON_Delete(r->raw);
	free(r->id);
	free(r->name);
	free(r->masked);
	free(r->kind);
	free(r->expiry);
	free(r->words);
}

static void
free_ids(void)
{
	for (size_t i = 0; i < tk.n_ids; i++)
		free(tk.ids[i]);
	free(tk.ids);
	tk.ids = NULL;
	tk.n_ids = 0;
}

static void
free_rows(void)
{
	for (size_t i = 0; i < tk.n_rows; i++)
		free_row(&tk.rows[i]);
	free(tk.rows);
	tk.rows = NULL;
	tk.n_rows = 0;
}

void
tokens_init(struct app *a)
{
	memset(&tk, 0, sizeof(tk));
	tk.a = a;
}

void
tokens_done(void)
{
	token_new_done();
	tk.generation++;	/* answers still on their way are dropped */
	od_op_cancel(tk.listing);
	od_op_cancel(tk.learning);
	free_ids();
	free_rows();
	free(tk.error);
	free(tk.want_id);
	memset(&tk, 0, sizeof(tk));
}

/* --- words ----------------------------------------------------------------------------- */

static char *
xsteal(struct od_buf *b)
{
	char *s = od_buf_steal(b);

	if (!s)
		xoom();
	return s;
}

const char *
tokens_space_name(const char *id, void *ud)
{
	struct app *a = ud;
	struct od_space *sp;
	struct od_error *err = od_zone_find_space(a->s.zone, id, &sp);

	if (err) {
		od_error_free(err);
		return NULL;
	}
	return od_str_eq(sp->id, id) ? sp->name : NULL;
}

char *
tokens_caveat_words(struct app *a, const cJSON *caveats, const char *sep)
{
	const struct od_caveat_names names = { tokens_space_name, NULL, a };
	struct od_buf b;
	const cJSON *c;
	bool first = true;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	cJSON_ArrayForEach(c, caveats) {
		char *one = od_caveat_describe(c, &names, (int64_t)time(NULL));
		if (!one || od_buf_addf(&b, "%s%s", first ? "" : sep, one))
			xoom();
		free(one);
		first = false;
	}
	return xsteal(&b);
}

char *
tokens_risk_words(unsigned risks, const char *sep)
{
	struct od_buf b;
	bool first = true;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (unsigned bit = 1; bit <= OD_RISK_UNLIMITED; bit <<= 1)
		if (risks & bit) {
			if (od_buf_addf(&b, "%s%s", first ? "" : sep, od_token_risk_text(bit)))
				xoom();
			first = false;
		}
	return xsteal(&b);
}

const char *
tokens_kind_words(const struct od_token_info *t)
{
	switch (t->kind) {
	case OD_TOKEN_ACCESS: return _("access");
	case OD_TOKEN_IDENTITY: return _("identity");
	case OD_TOKEN_INVITE: return od_str_eq(od_invite_target_kind(t->invite_type), "group") ? _("invite: group")
											   : _("invite: space");
	case OD_TOKEN_UNKNOWN: break;
	}
	return _("unknown");
}

unsigned
tokens_risks(const struct od_token_info *t)
{
	/* A revoked token opens nothing, as in the audit. */
	if (t->revoked)
		return 0;
	return od_token_risks(t->caveats, t->kind == OD_TOKEN_INVITE, t->usage_limit < 0 && t->name,
			      (int64_t)time(NULL));
}

char *
tokens_describe(struct app *a, const struct od_token_info *t, const char *value)
{
	char when[OD_TIME_BUFSZ], *words = tokens_caveat_words(a, t->caveats, "\n  - ");
	char *risks = tokens_risk_words(tokens_risks(t), "\n  ! ");
	char *masked = value ? od_token_mask(value) : NULL;
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if ((t->name && od_buf_addf(&b, "%-10s %s\n", _("Name"), t->name)) ||
	    (t->id && od_buf_addf(&b, "%-10s %s\n", _("Id"), t->id)) ||
	    od_buf_addf(&b, "%-10s %s%s%s\n", _("Kind"), tokens_kind_words(t), t->persistence ? ", " : "",
			t->persistence ? t->persistence : "") ||
	    (masked && od_buf_addf(&b, "%-10s %s\n", _("Token"), masked)) ||
	    od_buf_addf(&b, "%-10s %s\n", _("Expires"),
			t->valid_until > 0 ? od_time_short(t->valid_until, when) : _("never")) ||
	    (t->revoked && od_buf_addf(&b, "%-10s %s\n", _("State"), _("revoked"))))
		xoom();
	if (t->kind == OD_TOKEN_INVITE) {
		const char *target = t->target_id ? tokens_space_name(t->target_id, a) : NULL;
		if (od_buf_addf(&b, "%-10s %s%s%s%s\n", _("Target"), target ? target : "", target ? " (" : "",
				t->target_id ? t->target_id : "?", target ? ")" : ""))
			xoom();
		if (t->usage_limit >= 0 && od_buf_addf(&b, "%-10s %lld/%lld\n", _("Used"), (long long)t->usage_count,
						       (long long)t->usage_limit))
			xoom();
		if (t->privileges) {
			char *list = cJSON_PrintUnformatted(t->privileges);
			if (!list || od_buf_addf(&b, "%-10s %s\n", _("Grants"), list))
				xoom();
			free(list);
		}
	}
	if (od_buf_addf(&b, "\n%s\n", *words ? _("It allows only this:") : _("No caveats: it allows everything you may do.")) ||
	    (*words && od_buf_addf(&b, "  - %s\n", words)) || (*risks && od_buf_addf(&b, "\n  ! %s\n", risks)))
		xoom();
	free(words);
	free(risks);
	free(masked);
	return xsteal(&b);
}

/* --- reading ------------------------------------------------------------------------------- */

static int
by_name(const void *x, const void *y)
{
	const struct token_row *p = x, *q = y;
	int c = strcmp(p->name, q->name);

	return c ? c : strcmp(p->id, q->id);
}

static void
finished(void)
{
	tk.loaded = true;
	qsort(tk.rows, tk.n_rows, sizeof(*tk.rows), by_name);
	if (tk.want_id)
		for (size_t i = 0; i < tk.n_rows; i++)
			if (od_str_eq(tk.rows[i].id, tk.want_id))
				tk.cursor = i;
	free(tk.want_id);
	tk.want_id = NULL;
	if (tk.cursor >= tk.n_rows)
		tk.cursor = tk.n_rows ? tk.n_rows - 1 : 0;
	app_dirty(tk.a);
}

static void
add_row(const struct od_token_info *t)
{
	struct token_row *r = &tk.rows[tk.n_rows++];
	char when[OD_TIME_BUFSZ];
	int64_t now = (int64_t)time(NULL);

	memset(r, 0, sizeof(*r));
	if (!(r->raw = cJSON_Duplicate(t->raw, true)))
		xoom();
	r->id = xstrdup(t->id ? t->id : "");
	r->name = xstrdup(t->name ? t->name : r->id);
	r->masked = t->value ? od_token_mask(t->value) : xstrdup("");
	if (!r->masked)
		xoom();
	r->kind = xstrdup(tokens_kind_words(t));
	r->expiry = xstrdup(t->valid_until > 0 ? od_time_short(t->valid_until, when) : _("never"));
	r->words = tokens_caveat_words(tk.a, t->caveats, "; ");
	r->risks = tokens_risks(t);
	r->revoked = t->revoked;
	r->bad = t->revoked || (t->valid_until > 0 && t->valid_until <= now);
	r->state = t->revoked ? _("revoked") : r->bad ? _("expired") : _("active");
}

struct reading {
	unsigned generation;
	char *id;
};

static void
on_token(const struct od_token_info *t, struct od_error *err, void *ud)
{
	struct reading *rd = ud;

	if (rd->generation == tk.generation) {
		/* A token deleted meanwhile is simply not listed. */
		if (err && !tk.error && !od_error_is(err, "notFound"))
			tk.error = xasprintf(_("Cannot read token %s: %s"), rd->id, err->message);
		else if (!err)
			add_row(t);
		if (--tk.pending == 0)
			finished();
	}
	od_error_free(err);
	free(rd->id);
	free(rd);
}

static bool
on_ids(const char *const *ids, size_t n, void *ud)
{
	(void)ud;
	tk.ids = xrealloc(tk.ids, (tk.n_ids + n) * sizeof(*tk.ids));
	for (size_t i = 0; i < n; i++)
		tk.ids[tk.n_ids++] = xstrdup(ids[i]);
	return true;
}

static void
on_listed(struct od_error *err, void *ud)
{
	(void)ud;
	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);
		return;
	}
	tk.listing = NULL;
	if (err) {
		tk.error = xasprintf(_("Cannot list your tokens: %s"), err->message);
		od_error_free(err);
		finished();
		return;
	}
	tk.rows = xcalloc(tk.n_ids ? tk.n_ids : 1, sizeof(*tk.rows));
	tk.pending = tk.n_ids;
	for (size_t i = 0; i < tk.n_ids; i++) {
		struct reading *rd = xcalloc(1, sizeof(*rd));
		rd->generation = tk.generation;
		rd->id = xstrdup(tk.ids[i]);
		if (!od_token_get(tk.a->s.zone, tk.ids[i], on_token, rd))
			xoom();
	}
	free_ids();
	if (!tk.pending)
		finished();
}

static void
on_learned(struct od_error *err, void *ud)
{
	(void)ud;
	/* Cancelled: the interface is ending. Failed: nothing is marked, and
	 * the next reading of the list asks again. */
	if (!err || err->kind != OD_ERR_CANCELLED) {
		tk.learning = NULL;
		app_dirty(tk.a);
	}
	od_error_free(err);
}

void
tokens_learn_own(struct app *a)
{
	if (a->share_id || tk.learning || od_zone_token_id_known(a->s.zone))
		return;
	if (!(tk.learning = od_zone_learn_token_id(a->s.zone, on_learned, NULL)))
		xoom();
}

char *
tokens_warn_own(struct app *a, const char *id, char *question)
{
	char *warned;

	if (!od_zone_uses_token(a->s.zone, id))
		return question;
	warned = xasprintf(_("This is the token onetui is signed in with: onetui will stop working until it is "
			     "given another token. %s"),
			   question);
	free(question);
	return warned;
}

/* Read the list (again). */
static void
load(void)
{
	tk.generation++;
	od_op_cancel(tk.listing);
	free_ids();
	free_rows();
	free(tk.error);
	tk.error = NULL;
	tk.loaded = false;
	tk.pending = 0;
	if (!(tk.listing = od_token_list(tk.a->s.zone, on_ids, on_listed, NULL)))
		xoom();
	tokens_learn_own(tk.a);
	app_dirty(tk.a);
}

void
tokens_tick(struct app *a)
{
	if (!tk.wanted && !a->share_id) {
		tk.wanted = true;
		load();
	}
}

void
tokens_changed(const char *select_id)
{
	if (select_id) {
		free(tk.want_id);
		tk.want_id = xstrdup(select_id);
	}
	if (tk.wanted)
		load();
}

/* --- drawing --------------------------------------------------------------------------------- */

size_t
tokens_lines(void)
{
	return tk.n_rows + (tk.error != NULL);
}

/* One column of a row: text in w columns and a space; the columns taken.
 * Sanitised: the masked token shows the ends of what the zone sent. */
static int
cell(int y, int col, int end, int w, enum color c, const char *text)
{
	if (col >= end)
		return 0;
	if (w > end - col)
		w = end - col;
	draw_text(stdscr, y, col, w, c, text);
	return w + 1;
}

static void
draw_row(struct app *a, const struct token_row *r, int y, int x, int width, int name_w, bool at)
{
	int col = x + 2, end = x + width;
	enum color c = at ? C_CURSOR : C_NORMAL;
	bool in_use = !r->bad && od_zone_uses_token(a->s.zone, r->id);

	draw_blank(stdscr, y, x, width, c);
	draw_text(stdscr, y, col, name_w, c, r->name);
	col += name_w + 2;
	/* What matters most first, for a narrow pane. */
	col += cell(y, col, end, 8, at ? C_CURSOR : r->bad ? C_ERROR : C_GOOD, in_use ? _("in use") : r->state);
	col += cell(y, col, end, 1, at ? C_CURSOR : C_WARN, r->risks ? "!" : "");
	col += cell(y, col, end, 16, c, r->expiry);
	col += cell(y, col, end, 13, c, r->kind);
	col += cell(y, col, end, 9, at ? C_CURSOR : C_DIM, r->masked);
	if (col < end)
		draw_text(stdscr, y, col, end - col, at ? C_CURSOR : C_DIM,
			  *r->words ? r->words : _("no caveats: full access"));
}

void
tokens_draw(struct app *a, int y, int x, int height, int width, bool focus)
{
	int name_w = 4;

	tk.height = height;
	for (int i = 0; i < height; i++)
		draw_blank(stdscr, y + i, x, width, C_NORMAL);
	if (height < 1)
		return;
	if (a->share_id) {
		draw_own(stdscr, y, x + 1, width - 1, C_DIM, _("  Opened on a public link: no account, no tokens."));
		return;
	}
	if (!tk.loaded || (!tk.n_rows && !tk.error)) {
		if (tk.loaded)
			draw_own(stdscr, y, x + 1, width - 1, focus ? C_CURSOR : C_DIM, _("  none: t makes one"));
		else
			draw_printf(stdscr, y, x + 1, width - 1, C_DIM, "  %s%s", _("loading"), draw_glyph_ellipsis());
		return;
	}
	for (size_t i = 0; i < tk.n_rows; i++) {
		int w = draw_width(tk.rows[i].name);
		if (w > name_w)
			name_w = w;
	}
	if (name_w > width / 3)
		name_w = width / 3;
	if (tk.cursor < tk.top)
		tk.top = tk.cursor;
	if (tk.cursor >= tk.top + (size_t)height)
		tk.top = tk.cursor - (size_t)height + 1;
	for (int i = 0; i < height; i++) {
		size_t k = tk.top + (size_t)i;
		if (k < tk.n_rows)
			draw_row(a, &tk.rows[k], y + i, x, width, name_w, focus && k == tk.cursor);
		else if (k == tk.n_rows && tk.error)
			draw_text(stdscr, y + i, x + 2, width - 2, C_ERROR, tk.error);
	}
}

void
tokens_cursor_home(void)
{
	tk.cursor = 0;
}

bool
tokens_at_first(void)
{
	return tk.cursor == 0;
}

/* --- keys ---------------------------------------------------------------------------------------- */

/* A change to a listed token on its way. */
struct token_change {
	struct app *a;
	char *id, *name;
	bool revoke;
};

static void
change_free(struct token_change *c)
{
	free(c->id);
	free(c->name);
	free(c);
}

static const struct token_row *
current(struct app *a)
{
	if (!tk.loaded || tk.cursor >= tk.n_rows) {
		app_message(a, tk.loaded ? _("No token here: t makes one") : _("Still reading your tokens"));
		return NULL;
	}
	return &tk.rows[tk.cursor];
}

static void
on_changed(struct od_error *err, void *ud)
{
	struct token_change *c = ud;

	if (err)
		app_error(c->a, _("Cannot change the token \"%s\": %s"), c->name, err->message);
	else if (c->revoke)
		app_message(c->a, _("Revoked the token \"%s\", and every token confined from it"), c->name);
	else
		app_message(c->a, _("The token \"%s\" works again"), c->name);
	od_error_free(err);
	tokens_changed(c->id);
	change_free(c);
}

static void
on_revoke_confirmed(struct app *a, bool yes, void *ud)
{
	struct token_change *c = ud;

	if (!yes) {
		change_free(c);
		return;
	}
	if (!od_token_set_revoked(a->s.zone, c->id, c->name, c->revoke, on_changed, c))
		xoom();
}

static void
on_deleted(struct od_error *err, void *ud)
{
	struct token_change *c = ud;

	if (err)
		app_error(c->a, _("Cannot delete the token \"%s\": %s"), c->name, err->message);
	else
		app_message(c->a, _("Deleted the token \"%s\": it no longer works anywhere"), c->name);
	od_error_free(err);
	tokens_changed(NULL);
	change_free(c);
}

static void
on_delete_confirmed(struct app *a, bool yes, void *ud)
{
	struct token_change *c = ud;

	if (!yes) {
		change_free(c);
		return;
	}
	if (!od_token_delete(a->s.zone, c->id, c->name, on_deleted, c))
		xoom();
}

static struct token_change *
change_new(struct app *a, const struct token_row *r)
{
	struct token_change *c = xcalloc(1, sizeof(*c));

	c->a = a;
	c->id = xstrdup(r->id);
	c->name = xstrdup(r->name);
	return c;
}

static void
details(struct app *a, const struct token_row *r)
{
	struct od_token_info t;
	struct od_error *err = od_token_info_parse(r->raw, &t);
	char *text, *title;

	if (err) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		return;
	}
	text = tokens_describe(a, &t, t.value);
	title = xasprintf(_("Token \"%s\""), r->name);
	widget_popup(a, title, text);
	free(title);
	free(text);
}

static bool
move_cursor(struct app *a, enum request req)
{
	if (!request_move(req, &tk.cursor, tk.n_rows, tk.height))
		return false;
	app_dirty(a);
	return true;
}

bool
tokens_request(struct app *a, enum request req, bool focused)
{
	const struct token_row *r;
	char *question;

	if (a->share_id && req >= REQ_TOKEN_NEW && req <= REQ_TOKEN_DELETE) {
		app_message(a, _("Opened on a public link: there is no account to hold tokens"));
		return true;
	}
	if (focused && move_cursor(a, req))
		return true;
	switch (req) {
	case REQ_TOKEN_NEW:
		token_new(a);
		return true;
	case REQ_INVITE_NEW:
		invite_new(a);
		return true;
	case REQ_TOKEN_EXAMINE:
		token_examine(a, false);
		return true;
	case REQ_INVITE_CONSUME:
		token_examine(a, true);
		return true;
	case REQ_DETAILS:
		if (focused && (r = current(a)))
			details(a, r);
		return focused;
	case REQ_TOKEN_REVOKE:
	case REQ_TOKEN_DELETE:
		if (!focused) {
			app_message(a, _("Put the cursor on a token first (Tab, or Down past the last share)"));
			return true;
		}
		if (!(r = current(a)))
			return true;
		if (req == REQ_TOKEN_DELETE) {
			question = tokens_warn_own(a, r->id,
						   xasprintf(_("Delete the token \"%s\"? It stops working at once, and "
							       "cannot be brought back."),
							     r->name));
			widget_confirm(a, question, on_delete_confirmed, change_new(a, r));
		} else {
			struct token_change *c = change_new(a, r);
			c->revoke = !r->revoked;
			question = c->revoke ? tokens_warn_own(a, r->id,
							       xasprintf(_("Revoke the token \"%s\"? It, and every "
									   "token confined from it, stops working "
									   "until you un-revoke it."),
									 r->name))
					     : xasprintf(_("Un-revoke the token \"%s\"? It works again."), r->name);
			widget_confirm(a, question, on_revoke_confirmed, c);
		}
		free(question);
		return true;
	case REQ_REFRESH:
		tokens_changed(NULL);
		return true;
	default:
		return false;
	}
}
