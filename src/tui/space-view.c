/* SPDX-License-Identifier: GPL-3.0-or-later */
/* space-view.c: M, the Space view: a space's self-service page, so that
 * day-to-day work needs no admin. Over the whole screen: the supporting
 * providers and what each grants, who made the space and when, your own
 * privileges; then the members, users and groups, with their direct and
 * effective privileges in words (by preset where they match one) and how
 * they are members. From it a direct member's privileges are set to a
 * preset or ticked one by one against the zone's own vocabulary, one of
 * your groups is added, a direct member removed, the space renamed, a new
 * space made (with a group for its members if asked), and a support token
 * made for the admin of a provider. Every change is confirmed first,
 * saying exactly what it grants or revokes, and the view is read again
 * after it: what it shows is what the zone says.
 *
 * Readings that come after the view moved on are told apart by a
 * generation number passed as their user data. A change is answered
 * whatever the view shows by then; the view then reads its space again. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/buf.h"
#include "onetui/caveat.h"
#include "onetui/i18n.h"
#include "onetui/members.h"
#include "onetui/str.h"
#include "onetui/tokenapi.h"
#include "tui/tui.h"
#include "xmalloc.h"

/* How long a support token is valid, and for how many providers. */
#define SUPPORT_TOKEN_DAYS 7

struct support_row {
	char *provider;		/* its name when the zone told it, else its id */
	int64_t size;
};

/* A change being asked for or made. */
struct change {
	bool busy;		/* sent to the zone, not answered yet */
	struct od_op *op;
	char *failed;		/* "Cannot ...", for the error line */
	char *done;		/* said once made */
	bool reload_spaces;	/* the tree's spaces change with it */
	/* the member it is about */
	enum od_member_kind kind;
	char *id, *name;
	struct od_privs grant, revoke;
	/* a new space */
	char *space_name, *group_name, *new_space_id;
};

static struct {
	struct app *a;
	bool shown;
	unsigned long gen;	/* replies of an older generation are dropped */
	char *space_id, *space_name;

	/* what is read; each part says when it is in */
	struct od_op *info_op, *vocab_op;
	struct od_members *members;
	bool info_in, vocab_in, members_in;
	char *info_error, *vocab_error, *members_error;
	struct support_row *supports;
	size_t n_supports;
	int64_t created;
	char *creator_id;
	struct od_priv_vocab vocab;

	/* the list: indexes into members, the direct ones or all */
	bool effective;
	size_t *rows, n_rows, cursor, top;
	int list_height;	/* members shown at once, as last drawn */
	char *cursor_id;	/* kept over a reading again */

	struct change ch;
	struct od_members *groups;	/* yours, while adding one */
} sv;

static void load(void);

/* --- the change under way ----------------------------------------------------------- */

static void
change_reset(void)
{
	struct change *c = &sv.ch;

	free(c->failed);
	free(c->done);
	free(c->id);
	free(c->name);
	od_privs_done(&c->grant);
	od_privs_done(&c->revoke);
	free(c->space_name);
	free(c->group_name);
	free(c->new_space_id);
	memset(c, 0, sizeof(*c));
	od_members_free(sv.groups);
	sv.groups = NULL;
}

/* Start a change unless one is under way (said). */
static bool
change_begin(struct app *a)
{
	if (sv.ch.busy) {
		app_message(a, _("Wait: the last change is still being made"));
		return false;
	}
	change_reset();
	return true;
}

static void
on_changed(struct od_error *err, void *ud)
{
	struct app *a = sv.a;

	(void)ud;
	if (!a) {	/* the interface has ended */
		od_error_free(err);
		return;
	}
	sv.ch.busy = false;
	sv.ch.op = NULL;
	/* A space made without its group is there all the same. */
	if (sv.ch.reload_spaces && (!err || sv.ch.new_space_id))
		tree_view_reload_spaces(a);
	if (err) {
		if (err->kind != OD_ERR_CANCELLED)
			app_error(a, "%s: %s", sv.ch.failed, err->message);
		od_error_free(err);
	} else {
		app_message(a, "%s", sv.ch.done);
	}
	change_reset();
	if (sv.shown)
		load();
}

/* Send what op started (NULL: out of memory). */
static void
change_sent(struct od_op *op)
{
	if (!op)
		xoom();
	sv.ch.op = op;
	sv.ch.busy = true;
	app_dirty(sv.a);
}

static void *
gen_ud(void)
{
	return (void *)(uintptr_t)sv.gen;
}

/* --- reading ------------------------------------------------------------------------- */

static const struct od_member *
member_at(size_t row)
{
	return row < sv.n_rows ? od_members_get(sv.members, sv.rows[row]) : NULL;
}

/* The rows shown, the cursor on the member it was on. */
static void
rebuild_rows(void)
{
	size_t n = sv.members_in && !sv.members_error ? od_members_count(sv.members) : 0;

	free(sv.rows);
	sv.rows = xcalloc(n + 1, sizeof(*sv.rows));
	sv.n_rows = 0;
	for (size_t i = 0; i < n; i++) {
		const struct od_member *mb = od_members_get(sv.members, i);
		if (!sv.effective && !mb->direct)
			continue;
		if (sv.cursor_id && strcmp(mb->id, sv.cursor_id) == 0)
			sv.cursor = sv.n_rows;
		sv.rows[sv.n_rows++] = i;
	}
	if (sv.cursor >= sv.n_rows)
		sv.cursor = sv.n_rows ? sv.n_rows - 1 : 0;
}

static void
remember_cursor(void)
{
	const struct od_member *mb = member_at(sv.cursor);

	if (!mb)
		return;
	free(sv.cursor_id);
	sv.cursor_id = xstrdup(mb->id);
}

/* The name the zone gives a provider that supports the space, else its id. */
static char *
provider_name(const char *id)
{
	struct od_space *s = NULL;
	struct od_error *err = od_zone_find_space(sv.a->s.zone, sv.space_id, &s);

	od_error_free(err);
	for (size_t i = 0; s && i < s->n_supports; i++)
		if (strcmp(s->supports[i].provider->id, id) == 0)
			return xstrdup(s->supports[i].provider->name);
	return xstrdup(id);
}

static void
forget_info(void)
{
	for (size_t i = 0; i < sv.n_supports; i++)
		free(sv.supports[i].provider);
	free(sv.supports);
	sv.supports = NULL;
	sv.n_supports = 0;
	free(sv.creator_id);
	sv.creator_id = NULL;
}

static void
on_info(const struct od_space_info *i, struct od_error *err, void *ud)
{
	if ((uintptr_t)ud != sv.gen || !sv.a) {
		od_error_free(err);
		return;
	}
	sv.info_op = NULL;
	sv.info_in = true;
	forget_info();
	free(sv.info_error);
	sv.info_error = err ? xstrdup(err->message) : NULL;
	if (!err) {
		free(sv.space_name);
		sv.space_name = xstrdup(i->name);
		sv.supports = xcalloc(i->n_supports + 1, sizeof(*sv.supports));
		for (size_t k = 0; k < i->n_supports; k++)
			sv.supports[sv.n_supports++] = (struct support_row){ provider_name(i->supports[k].provider_id),
									     i->supports[k].size };
		sv.created = i->created;
		sv.creator_id = i->creator_id ? xstrdup(i->creator_id) : NULL;
	}
	od_error_free(err);
	app_dirty(sv.a);
}

static void
on_vocab(const struct od_priv_vocab *v, struct od_error *err, void *ud)
{
	if ((uintptr_t)ud != sv.gen || !sv.a) {
		od_error_free(err);
		return;
	}
	sv.vocab_op = NULL;
	sv.vocab_in = true;
	od_vocab_done(&sv.vocab);
	free(sv.vocab_error);
	sv.vocab_error = err ? xstrdup(err->message) : NULL;
	if (!err && od_vocab_copy(v, &sv.vocab) != 0)
		xoom();
	od_error_free(err);
	app_dirty(sv.a);
}

static void
on_members(struct od_error *err, void *ud)
{
	if ((uintptr_t)ud != sv.gen || !sv.a) {
		od_error_free(err);
		return;
	}
	sv.members_in = true;
	free(sv.members_error);
	sv.members_error = err ? xstrdup(err->message) : NULL;
	od_error_free(err);
	rebuild_rows();
	app_dirty(sv.a);
}

static void
stop_reading(void)
{
	sv.gen++;
	if (sv.info_op)
		od_op_cancel(sv.info_op);
	if (sv.vocab_op)
		od_op_cancel(sv.vocab_op);
	sv.info_op = sv.vocab_op = NULL;
	od_members_free(sv.members);
	sv.members = NULL;
	sv.n_rows = 0;
}

/* Read the space, the vocabulary and the members (again). */
static void
load(void)
{
	struct od_zone *z = sv.a->s.zone;

	remember_cursor();
	stop_reading();
	sv.info_in = sv.vocab_in = sv.members_in = false;
	if (!(sv.info_op = od_space_info(z, sv.space_id, on_info, gen_ud())) ||
	    !(sv.vocab_op = od_space_vocab(z, on_vocab, gen_ud())) || !(sv.members = od_members_new(z)))
		xoom();
	od_members_load_space(sv.members, sv.space_id, on_members, gen_ud());
	app_dirty(sv.a);
}

/* Show space_id (name as known so far). */
static void
show_space(const char *space_id, const char *name)
{
	char *id = xstrdup(space_id), *copy = xstrdup(name);

	free(sv.space_id);
	free(sv.space_name);
	free(sv.cursor_id);
	sv.space_id = id;
	sv.space_name = copy;
	sv.cursor_id = NULL;
	sv.cursor = sv.top = 0;
	forget_info();
	load();
}

/* --- opening and closing ----------------------------------------------------------------- */

void
space_view_open(struct app *a)
{
	struct od_space *s = NULL;

	if (a->share_id) {
		app_message(a, _("Spaces need an account: onetui was opened on a public share"));
		return;
	}
	tree_view_selected(&s);
	if (!s) {
		app_message(a, a->spaces_loaded ? _("Choose a space, or something in it, in the tree first")
						: _("Wait until your spaces are read"));
		return;
	}
	sv.a = a;
	sv.shown = true;
	show_space(s->id, s->name);
}

bool
space_view_shown(void)
{
	return sv.shown;
}

static void
close_view(struct app *a)
{
	stop_reading();
	sv.shown = false;
	app_dirty(a);
}

void
space_view_done(void)
{
	stop_reading();
	if (sv.ch.op)
		od_op_cancel(sv.ch.op);
	change_reset();
	forget_info();
	od_vocab_done(&sv.vocab);
	free(sv.rows);
	free(sv.space_id);
	free(sv.space_name);
	free(sv.cursor_id);
	free(sv.info_error);
	free(sv.vocab_error);
	free(sv.members_error);
	memset(&sv, 0, sizeof(sv));
}

/* --- in words ------------------------------------------------------------------------------ */

static const char *
kind_word(const struct od_member *mb)
{
	return mb->kind == OD_MEMBER_USER ? _("user") : _("group");
}

static char *
summary(const struct od_member *mb, const struct od_privs *p)
{
	return xneed(od_member_privs_summary(&sv.vocab, mb, p));
}

/* "Alice Kowalczyk (alice)", "group cryo-em-staff". */
static char *
who(const struct od_member *mb)
{
	if (mb->kind == OD_MEMBER_GROUP)
		return xasprintf(_("group %s"), mb->name ? mb->name : mb->id);
	return mb->username ? xasprintf("%s (%s)", mb->name ? mb->name : mb->id, mb->username)
			    : xstrdup(mb->name ? mb->name : mb->id);
}

static const struct od_member *
member_by_id(enum od_member_kind kind, const char *id)
{
	for (size_t i = 0; id && sv.members && sv.members_in && i < od_members_count(sv.members); i++) {
		const struct od_member *mb = od_members_get(sv.members, i);
		if (mb->kind == kind && strcmp(mb->id, id) == 0)
			return mb;
	}
	return NULL;
}

/* "a, b and 3 more" of at most max names. */
static char *
names_text(const struct od_privs *p, size_t max)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (size_t i = 0; i < p->n && i < max; i++)
		if (od_buf_addf(&b, "%s%s", i ? ", " : "", p->v[i]))
			xoom();
	if (p->n > max && od_buf_addf(&b, P_(" and %zu more", " and %zu more", p->n - max), p->n - max))
		xoom();
	return od_buf_steal(&b);
}

/* --- drawing ------------------------------------------------------------------------------- */

enum col { COL_KIND, COL_NAME, COL_DIRECT, COL_EFFECTIVE, COL_HOW, COL_USERNAME, COL_ID, COL_COUNT };

static const struct {
	const char *title;
	int width;
} cols[COL_COUNT] = {
	[COL_KIND] = { N_("KIND"), 6 },	     [COL_NAME] = { N_("NAME"), 26 },
	[COL_DIRECT] = { N_("PRIVILEGES"), 24 }, [COL_EFFECTIVE] = { N_("EFFECTIVE"), 24 },
	[COL_HOW] = { N_("HOW"), 26 },	     [COL_USERNAME] = { N_("USERNAME"), 14 },
	[COL_ID] = { N_("ID"), 34 },
};

/* A column's text for a member: remote text, drawn sanitised. */
static char *
cell(enum col c, const struct od_member *mb)
{
	switch (c) {
	case COL_KIND: return xstrdup(kind_word(mb));
	case COL_NAME: return xstrdup(mb->name ? mb->name : mb->id);
	case COL_DIRECT: return mb->direct ? summary(mb, &mb->privileges) : xstrdup("-");
	case COL_EFFECTIVE: return summary(mb, &mb->effective);
	case COL_HOW: return xneed(od_member_via(sv.members, mb));
	case COL_USERNAME: return xstrdup(mb->username ? mb->username : "");
	case COL_ID: return xstrdup(mb->id);
	case COL_COUNT: break;
	}
	return xstrdup("");
}

static int
draw_label(int y, int x, int width, const char *label)
{
	return draw_printf(stdscr, y, x, width, C_LABEL, " %-11s ", label);
}

/* "Facility Storage 10 TiB · HPC Centre 2 TiB, 12 TiB in all". */
static char *
supports_text(void)
{
	struct od_buf b;
	int64_t total = 0;
	char size[OD_SIZE_BUFSZ];

	if (!sv.n_supports)
		return xstrdup(_("none: the space holds no data until a provider supports it (S)"));
	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (size_t i = 0; i < sv.n_supports; i++) {
		if (od_buf_addf(&b, "%s%s %s", i ? " · " : "", sv.supports[i].provider,
				sv.supports[i].size >= 0 ? od_size_human(sv.supports[i].size, size) : "?"))
			xoom();
		total += sv.supports[i].size > 0 ? sv.supports[i].size : 0;
	}
	if (sv.n_supports > 1 && od_buf_addf(&b, _(", %s in all"), od_size_human(total, size)))
		xoom();
	return od_buf_steal(&b);
}

/* The space's details; the rows used. */
static int
draw_details(int y, int x, int width)
{
	const struct od_member *me = member_by_id(OD_MEMBER_USER, od_zone_user_id(sv.a->s.zone));
	const struct od_member *creator = member_by_id(OD_MEMBER_USER, sv.creator_id);
	char when[OD_TIME_BUFSZ], *text;
	int lw, row = 0;

	lw = draw_label(y + row, x, width, _("Id"));
	draw_text(stdscr, y + row++, x + lw, width - lw, C_NORMAL, sv.space_id);
	lw = draw_label(y + row, x, width, _("Providers"));
	if (sv.info_error) {
		draw_text(stdscr, y + row++, x + lw, width - lw, C_ERROR, sv.info_error);
	} else if (!sv.info_in) {
		draw_own(stdscr, y + row++, x + lw, width - lw, C_DIM, _("reading…"));
	} else {
		text = supports_text();
		draw_text(stdscr, y + row++, x + lw, width - lw, sv.n_supports ? C_NORMAL : C_WARN, text);
		free(text);
		lw = draw_label(y + row, x, width, _("Created"));
		text = sv.created >= 0 ? xasprintf("%s%s%s", od_time_short(sv.created, when), creator ? _(" by ") : "",
						   creator && creator->name ? creator->name : "")
				       : xstrdup(_("(the zone did not say)"));
		draw_text(stdscr, y + row++, x + lw, width - lw, C_NORMAL, text);
		free(text);
	}
	lw = draw_label(y + row, x, width, _("You"));
	if (me && sv.vocab_in && !sv.vocab_error) {
		text = summary(me, &me->effective);
		draw_text(stdscr, y + row++, x + lw, width - lw, C_NORMAL, text);
		free(text);
	} else {
		draw_own(stdscr, y + row++, x + lw, width - lw, C_DIM,
			 sv.members_in ? _("not listed (your privileges do not show the members)") : _("reading…"));
	}
	return row;
}

static void
draw_row(int y, int x, int width, const struct od_member *mb, bool at)
{
	int col_x = x + 1;

	draw_blank(stdscr, y, x, width, at ? C_CURSOR : C_NORMAL);
	for (size_t c = 0; c < COL_COUNT && col_x < x + width; c++) {
		int w = cols[c].width < x + width - col_x ? cols[c].width : x + width - col_x;
		enum color colour = at ? C_CURSOR : c == COL_KIND || c == COL_ID ? C_DIM : C_NORMAL;
		if (mb) {
			char *text = cell((enum col)c, mb);
			if (!at && c == COL_EFFECTIVE && mb->owner)
				colour = C_WARN;
			draw_text(stdscr, y, col_x, w, colour, text);
			free(text);
		} else {
			draw_own(stdscr, y, col_x, w, C_LABEL, _(cols[c].title));
		}
		col_x += w + 1;
	}
}

static void
draw_list(int y, int x, int height, int width)
{
	const char *problem = sv.members_error ? sv.members_error : sv.vocab_error;
	size_t rows;

	if (height < 2)
		return;
	draw_row(y, x, width, NULL, false);
	if (problem) {
		draw_text(stdscr, y + 1, x + 1, width - 1, C_ERROR, problem);
		return;
	}
	if (!sv.members_in || !sv.vocab_in) {
		draw_own(stdscr, y + 1, x + 1, width - 1, C_DIM, _("Reading the members…"));
		return;
	}
	rows = (size_t)height - 1;
	sv.list_height = (int)rows;
	if (sv.cursor < sv.top)
		sv.top = sv.cursor;
	if (sv.cursor >= sv.top + rows)
		sv.top = sv.cursor - rows + 1;
	for (size_t r = 0; r < rows && sv.top + r < sv.n_rows; r++)
		draw_row(y + 1 + (int)r, x, width, member_at(sv.top + r), sv.top + r == sv.cursor);
	if (!sv.n_rows)
		draw_own(stdscr, y + 1, x + 1, width - 1, C_DIM, _("No members you may see"));
}

void
space_view_draw(struct app *a, int y, int x, int height, int width)
{
	int used, row;

	(void)a;
	for (int i = 0; i < height; i++)
		draw_blank(stdscr, y + i, x, width, C_NORMAL);
	draw_blank(stdscr, y, x, width, C_TAB);
	used = draw_own(stdscr, y, x, width, C_LABEL, _(" Space "));
	draw_text(stdscr, y, x + used, width - used, C_TAB_ACTIVE, sv.space_name);
	row = 1 + draw_details(y + 1, x, width);
	row++;
	draw_printf(stdscr, y + row++, x, width, C_DIM, " %s",
		    sv.ch.busy ? _("Making the change…")
		    : sv.effective ? _("Every member, through groups too (v: the direct ones only)")
				   : _("The direct members (v: through groups too)"));
	draw_list(y + row, x, height - row, width);
}

/* --- details ------------------------------------------------------------------------------- */

static void
details(struct app *a)
{
	const struct od_member *mb = member_at(sv.cursor);
	struct od_buf b;
	char *name, *how, *text;

	if (!mb)
		return;
	name = who(mb);
	how = xneed(od_member_via(sv.members, mb));
	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_addf(&b, _("%s, %s\nId: %s\nMember: %s\n"), kind_word(mb), name, mb->id, how) ||
	    (mb->owner && od_buf_adds(&b, _("An owner of the space: every privilege, whatever is ticked.\n"))) ||
	    (!mb->privileges_known && od_buf_adds(&b, _("Your privileges do not let you see theirs.\n"))) ||
	    od_buf_addf(&b, "\n%-6s %-9s %s\n", _("DIRECT"), _("EFFECTIVE"), _("PRIVILEGE")))
		xoom();
	for (size_t i = 0; mb->privileges_known && i < sv.vocab.all.n; i++) {
		const char *p = sv.vocab.all.v[i];
		if (od_buf_addf(&b, "  %-4s %-9s %s\n", od_privs_has(&mb->privileges, p) ? "x" : "",
				od_privs_has(&mb->effective, p) ? "x" : "", p))
			xoom();
	}
	text = od_buf_steal(&b);
	widget_popup(a, _("Member"), text);
	free(text);
	free(name);
	free(how);
}

/* --- privileges --------------------------------------------------------------------------- */

/* The member under the cursor if its privileges can be set (else said). */
static const struct od_member *
settable(struct app *a)
{
	const struct od_member *mb = member_at(sv.cursor);
	char *name;

	if (!mb)
		return NULL;
	name = who(mb);
	if (!mb->direct)
		app_message(a, _("%s is a member through groups only: change the group's privileges, or add them "
				 "directly"),
			    name);
	else if (mb->owner)
		app_message(a, _("%s owns the space and holds every privilege, whatever is set"), name);
	else if (!mb->privileges_known)
		app_message(a, _("Your privileges do not let you see %s's privileges (space_view_privileges)"), name);
	free(name);
	return mb->direct && !mb->owner && mb->privileges_known ? mb : NULL;
}

static void
on_privileges_confirmed(struct app *a, bool yes, void *ud)
{
	(void)ud;
	if (!yes) {
		app_message(a, _("Nothing was changed"));
		change_reset();
		return;
	}
	change_sent(od_space_set_privileges(a->s.zone, sv.space_id, sv.ch.kind, sv.ch.id, sv.ch.name, &sv.ch.grant,
					    &sv.ch.revoke, on_changed, NULL));
}

/* Ask to give mb the privileges want (named how, e.g. "the contributor
 * preset"), saying what that grants and revokes. */
static void
ask_privileges(struct app *a, const struct od_member *mb, const struct od_privs *want, const char *how)
{
	char *name, *grant, *revoke, *q;

	if (!change_begin(a))
		return;
	if (od_privs_diff(&mb->privileges, want, &sv.ch.grant, &sv.ch.revoke) != 0)
		xoom();
	name = who(mb);
	if (!sv.ch.grant.n && !sv.ch.revoke.n) {
		app_message(a, _("%s has these privileges already: nothing to change"), name);
		free(name);
		change_reset();
		return;
	}
	sv.ch.kind = mb->kind;
	sv.ch.id = xstrdup(mb->id);
	sv.ch.name = xstrdup(mb->name ? mb->name : mb->id);
	sv.ch.failed = xasprintf(_("Cannot change the privileges of %s"), name);
	sv.ch.done = xasprintf(_("%s now has %s in %s"), name, how, sv.space_name);
	grant = names_text(&sv.ch.grant, 8);
	revoke = names_text(&sv.ch.revoke, 8);
	q = xasprintf(_("Give %s %s in %s?%s%s%s%s%s%s"), name, how, sv.space_name, sv.ch.grant.n ? _(" Grants: ") : "",
		      grant, sv.ch.grant.n ? "." : "", sv.ch.revoke.n ? _(" Revokes: ") : "", revoke,
		      sv.ch.revoke.n ? "." : "");
	widget_confirm(a, q, on_privileges_confirmed, NULL);
	free(q);
	free(grant);
	free(revoke);
	free(name);
}

static const char *const preset_words[] = {
	N_("viewer: sees the files and reads the data"),
	N_("contributor: also writes, replicates and sees QoS"),
	N_("manager: also manages members, shares and support"),
};

static void
on_preset(struct app *a, int choice, void *ud)
{
	const struct od_member *mb = member_by_id((enum od_member_kind)(intptr_t)ud, sv.cursor_id);
	struct od_privs want;
	char *how;

	if (choice < 0 || !mb)
		return;
	if (od_preset_privs(&sv.vocab, (enum od_preset)choice, &want) != 0)
		xoom();
	how = xasprintf(_("the %s privileges"), od_preset_name((enum od_preset)choice));
	ask_privileges(a, mb, &want, how);
	free(how);
	od_privs_done(&want);
}

static void
ask_preset(struct app *a)
{
	const struct od_member *mb = settable(a);
	const char *items[OD_ARRAY_SIZE(preset_words)];
	char *title;

	if (!mb)
		return;
	remember_cursor();
	for (size_t i = 0; i < OD_ARRAY_SIZE(preset_words); i++)
		items[i] = _(preset_words[i]);
	title = xasprintf(_("Privileges of %s"), mb->name ? mb->name : mb->id);
	widget_choose(a, title, items, OD_ARRAY_SIZE(items), on_preset, (void *)(intptr_t)mb->kind);
	free(title);
}

static void
on_ticked(struct app *a, const bool *checked, void *ud)
{
	const struct od_member *mb = member_by_id((enum od_member_kind)(intptr_t)ud, sv.cursor_id);
	struct od_privs want = { 0 };
	int preset;
	char *how;

	if (!checked || !mb)
		return;
	for (size_t i = 0; i < sv.vocab.all.n; i++)
		if (checked[i] && od_privs_add(&want, sv.vocab.all.v[i]) != 0)
			xoom();
	preset = od_preset_exact(&sv.vocab, &want);
	how = preset >= 0 ? xasprintf(_("the %s privileges"), od_preset_name((enum od_preset)preset))
			  : xasprintf(P_("%zu privilege", "%zu privileges", want.n), want.n);
	ask_privileges(a, mb, &want, how);
	free(how);
	od_privs_done(&want);
}

static void
ask_ticks(struct app *a)
{
	const struct od_member *mb = settable(a);
	bool *ticked;
	char *title;

	if (!mb)
		return;
	remember_cursor();
	ticked = xcalloc(sv.vocab.all.n + 1, sizeof(*ticked));
	for (size_t i = 0; i < sv.vocab.all.n; i++)
		ticked[i] = od_privs_has(&mb->privileges, sv.vocab.all.v[i]);
	title = xasprintf(_("Privileges of %s"), mb->name ? mb->name : mb->id);
	widget_checklist(a, title, (const char *const *)sv.vocab.all.v, ticked, sv.vocab.all.n, on_ticked,
			 (void *)(intptr_t)mb->kind);
	free(title);
	free(ticked);
}

/* --- adding a group, removing a member ---------------------------------------------------- */

/* Your groups not in the space already, as indexes into sv.groups. */
static size_t
addable_groups(size_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < od_members_count(sv.groups); i++) {
		const struct od_member *g = od_members_get(sv.groups, i);
		const struct od_member *in = member_by_id(OD_MEMBER_GROUP, g->id);
		if (!in || !in->direct)
			out[n++] = i;
	}
	return n;
}

static void
on_group_privileges(struct app *a, int choice, void *ud)
{
	const struct od_member *g = od_members_get(sv.groups, (size_t)(intptr_t)ud);
	struct od_privs privs = { 0 };

	if (choice < 0) {
		change_reset();
		return;
	}
	sv.ch.name = xstrdup(g->name ? g->name : g->id);
	sv.ch.failed = xasprintf(_("Cannot add group %s to %s"), sv.ch.name, sv.space_name);
	sv.ch.done = xasprintf(_("Group %s is a member of %s"), sv.ch.name, sv.space_name);
	if (choice > 0 && od_preset_privs(&sv.vocab, (enum od_preset)(choice - 1), &privs) != 0)
		xoom();
	change_sent(od_space_add_group(a->s.zone, sv.space_id, g->id, sv.ch.name, choice > 0 ? &privs : NULL,
				       on_changed, NULL));
	od_privs_done(&privs);
}

static void
on_group_chosen(struct app *a, int choice, void *ud)
{
	size_t *which = ud;
	const char *items[OD_ARRAY_SIZE(preset_words) + 1] = { _("the zone's defaults for members") };
	size_t index;
	char *title;

	if (choice < 0) {
		free(which);
		change_reset();
		return;
	}
	index = which[choice];
	free(which);
	for (size_t i = 0; i < OD_ARRAY_SIZE(preset_words); i++)
		items[i + 1] = _(preset_words[i]);
	title = xasprintf(_("Its members get in %s"), sv.space_name);
	widget_choose(a, title, items, OD_ARRAY_SIZE(items), on_group_privileges, (void *)(intptr_t)index);
	free(title);
}

static void
on_your_groups(struct od_error *err, void *ud)
{
	struct app *a = sv.a;
	size_t *which, n;
	const char **items;

	(void)ud;	/* sv.groups is freed, and this not called, when the interface ends */
	if (err) {
		if (err->kind != OD_ERR_CANCELLED)
			app_error(a, _("Cannot read your groups: %s"), err->message);
		od_error_free(err);
		change_reset();
		return;
	}
	which = xcalloc(od_members_count(sv.groups) + 1, sizeof(*which));
	if (!(n = addable_groups(which))) {
		app_message(a, _("Each of your groups is in %s already, or you are in none (n makes a space with "
				 "a group)"),
			    sv.space_name);
		free(which);
		change_reset();
		return;
	}
	items = xcalloc(n, sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		const struct od_member *g = od_members_get(sv.groups, which[i]);
		items[i] = g->name ? g->name : g->id;
	}
	widget_choose(a, _("Add which of your groups"), items, n, on_group_chosen, which);
	free(items);
}

static void
ask_add_group(struct app *a)
{
	if (!sv.vocab_in || sv.vocab_error || !change_begin(a))
		return;
	if (!(sv.groups = od_members_new(a->s.zone)))
		xoom();
	od_members_load_user_groups(sv.groups, on_your_groups, NULL);
	app_message(a, _("Reading your groups…"));
}

static void
on_remove_confirmed(struct app *a, bool yes, void *ud)
{
	(void)ud;
	if (!yes) {
		app_message(a, _("Nothing was changed"));
		change_reset();
		return;
	}
	change_sent(od_space_remove_member(a->s.zone, sv.space_id, sv.ch.kind, sv.ch.id, sv.ch.name, on_changed,
					   NULL));
}

static void
ask_remove(struct app *a)
{
	const struct od_member *mb = member_at(sv.cursor);
	bool you;
	char *name, *q;

	if (!mb)
		return;
	name = who(mb);
	if (!mb->direct) {
		app_message(a, _("%s is a member through groups only: remove the group, or them from it"), name);
		free(name);
		return;
	}
	if (!change_begin(a)) {
		free(name);
		return;
	}
	you = mb->kind == OD_MEMBER_USER && od_str_eq(mb->id, od_zone_user_id(a->s.zone));
	sv.ch.kind = mb->kind;
	sv.ch.id = xstrdup(mb->id);
	sv.ch.name = xstrdup(mb->name ? mb->name : mb->id);
	sv.ch.reload_spaces = you;
	sv.ch.failed = xasprintf(_("Cannot remove %s from %s"), name, sv.space_name);
	sv.ch.done = xasprintf(_("%s is no longer a member of %s"), name, sv.space_name);
	if (you)
		q = xasprintf(_("Remove yourself from %s? You lose access to its data at once, unless a group you are "
				"in is a member."),
			      sv.space_name);
	else if (mb->kind == OD_MEMBER_GROUP)
		q = xasprintf(_("Remove %s from %s? Its members lose the access it gave them at once."), name,
			      sv.space_name);
	else
		q = xasprintf(_("Remove %s from %s? They lose access to its data at once, unless a group they are in "
				"is a member."),
			      name, sv.space_name);
	widget_confirm(a, q, on_remove_confirmed, NULL);
	free(q);
	free(name);
}

/* --- renaming, making a space -------------------------------------------------------------- */

static void
on_new_name(struct app *a, const char *text, void *ud)
{
	(void)ud;
	if (!text || !*text || strcmp(text, sv.space_name) == 0) {
		if (text)
			app_message(a, _("The name stays as it is"));
		change_reset();
		return;
	}
	sv.ch.reload_spaces = true;
	sv.ch.failed = xasprintf(_("Cannot rename %s"), sv.space_name);
	sv.ch.done = xasprintf(_("%s is now called %s"), sv.space_name, text);
	change_sent(od_space_rename(a->s.zone, sv.space_id, sv.space_name, text, on_changed, NULL));
}

static void
ask_rename(struct app *a)
{
	if (change_begin(a))
		widget_prompt(a, _("New name of the space"), sv.space_name, on_new_name, NULL, NULL);
}

/* The new space's last step: said, and the view moves to it. */
static void
space_made(struct od_error *err, void *ud)
{
	char *id = sv.a && sv.ch.new_space_id ? xstrdup(sv.ch.new_space_id) : NULL;
	char *name = xstrdup(sv.ch.space_name ? sv.ch.space_name : "");

	on_changed(err, ud);
	if (id && sv.shown)
		show_space(id, name);
	free(id);
	free(name);
}

static void
on_group_made(const char *group_id, struct od_error *err, void *ud)
{
	if (!sv.a || err) {
		space_made(err, ud);
		return;
	}
	change_sent(od_space_add_group(sv.a->s.zone, sv.ch.new_space_id, group_id, sv.ch.group_name, NULL,
				       space_made, ud));
}

static void
on_space_made(const char *space_id, struct od_error *err, void *ud)
{
	if (!sv.a || err) {
		space_made(err, ud);
		return;
	}
	sv.ch.new_space_id = xstrdup(space_id);
	if (!sv.ch.group_name) {
		space_made(NULL, ud);
		return;
	}
	free(sv.ch.failed);
	sv.ch.failed = xasprintf(_("Space %s was made, but not the group %s"), sv.ch.space_name, sv.ch.group_name);
	change_sent(od_group_create(sv.a->s.zone, sv.ch.group_name, on_group_made, ud));
}

static void
create_space(struct app *a)
{
	sv.ch.reload_spaces = true;
	sv.ch.failed = xasprintf(_("Cannot make the space %s"), sv.ch.space_name);
	sv.ch.done = sv.ch.group_name
			     ? xasprintf(_("Space %s is made, with group %s as a member; a provider's support gives it "
					   "room for data (S)"),
					 sv.ch.space_name, sv.ch.group_name)
			     : xasprintf(_("Space %s is made; a provider's support gives it room for data (S)"),
					 sv.ch.space_name);
	change_sent(od_space_create(a->s.zone, sv.ch.space_name, on_space_made, NULL));
}

static void
on_group_name(struct app *a, const char *text, void *ud)
{
	(void)ud;
	if (!text || !*text) {
		if (text)
			app_message(a, _("A group needs a name: nothing was made"));
		change_reset();
		return;
	}
	sv.ch.group_name = xstrdup(text);
	create_space(a);
}

static void
on_with_group(struct app *a, int choice, void *ud)
{
	char *initial;

	(void)ud;
	if (choice < 0) {
		change_reset();
		return;
	}
	if (choice == 0) {
		create_space(a);
		return;
	}
	initial = xasprintf(_("%s team"), sv.ch.space_name);
	widget_prompt(a, _("Name of the group"), initial, on_group_name, NULL, NULL);
	free(initial);
}

static void
on_space_name(struct app *a, const char *text, void *ud)
{
	const char *items[] = { _("the space alone"), _("the space, and a group for its members (you are in it)") };

	(void)ud;
	if (!text || !*text) {
		if (text)
			app_message(a, _("A space needs a name: nothing was made"));
		change_reset();
		return;
	}
	sv.ch.space_name = xstrdup(text);
	widget_choose(a, _("Make"), items, OD_ARRAY_SIZE(items), on_with_group, NULL);
}

static void
ask_new_space(struct app *a)
{
	if (change_begin(a))
		widget_prompt(a, _("Name of the new space"), "", on_space_name, NULL, NULL);
}

/* --- a support token ------------------------------------------------------------------------ */

static void
on_support_token(const char *id, const char *token, struct od_error *err, void *ud)
{
	struct app *a = sv.a;
	char *text;

	(void)id;
	(void)ud;
	if (!a) {
		od_error_free(err);
		return;
	}
	sv.ch.busy = false;
	sv.ch.op = NULL;
	if (err) {
		if (od_error_is(err, "inviteTokenSubjectNotAuthorized"))
			app_error(a, _("You may not ask for support of %s (that needs the privilege space_add_support)"),
				  sv.space_name);
		else if (err->kind != OD_ERR_CANCELLED)
			app_error(a, _("Cannot make a support token for %s: %s"), sv.space_name, err->message);
		od_error_free(err);
		change_reset();
		return;
	}
	text = xasprintf(P_("For the admin of the Oneprovider that is to support %s:\n"
			    "they give it to their provider's Onepanel with the size to grant.\n"
			    "It works once, for %d day.",
			    "For the admin of the Oneprovider that is to support %s:\n"
			    "they give it to their provider's Onepanel with the size to grant.\n"
			    "It works once, for %d days.",
			    SUPPORT_TOKEN_DAYS),
			 sv.space_name, SUPPORT_TOKEN_DAYS);
	widget_secret(a, _("Support token"), text, _("support token"), token);
	free(text);
	change_reset();
}

static void
make_support_token(struct app *a)
{
	struct od_caveat_form f = { .valid_until = (int64_t)time(NULL) + SUPPORT_TOKEN_DAYS * 24 * 3600 };
	struct od_token_request r = { .invite_type = "supportSpace", .target_id = sv.space_id, .usage_limit = 1 };
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	struct od_error *err;
	cJSON *caveats = NULL;
	char *name;

	if (!change_begin(a))
		return;
	if ((err = od_caveats_build(&f, &caveats))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		return;
	}
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime_r(&now, &tm));
	name = xasprintf("support-%s", stamp);
	r.name = name;
	r.caveats = caveats;
	if (!(sv.ch.op = od_token_create(a->s.zone, &r, on_support_token, NULL)))
		xoom();
	sv.ch.busy = true;
	app_message(a, _("Making a support token for %s…"), sv.space_name);
	cJSON_Delete(caveats);
	free(name);
}

/* --- keys ----------------------------------------------------------------------------------- */

/* Whether the vocabulary and the members are in (else said). */
static bool
read_in(struct app *a)
{
	if (sv.members_in && sv.vocab_in && !sv.members_error && !sv.vocab_error)
		return true;
	app_message(a, sv.members_error || sv.vocab_error ? _("The members could not be read (Ctrl-R tries again)")
							  : _("Wait: the members are being read"));
	return false;
}

bool
space_view_request(struct app *a, enum request req)
{
	if (request_move(req, &sv.cursor, sv.n_rows, sv.list_height)) {
		remember_cursor();
		app_dirty(a);
		return true;
	}
	switch (req) {
	case REQ_SPACE_CLOSE: close_view(a); break;
	case REQ_SPACE_EFFECTIVE:
		sv.effective = !sv.effective;
		remember_cursor();
		rebuild_rows();
		app_dirty(a);
		break;
	case REQ_SPACE_DETAILS:
		if (read_in(a))
			details(a);
		break;
	case REQ_SPACE_PRESET:
		if (read_in(a))
			ask_preset(a);
		break;
	case REQ_SPACE_PRIVILEGES:
		if (read_in(a))
			ask_ticks(a);
		break;
	case REQ_SPACE_ADD_GROUP:
		if (read_in(a))
			ask_add_group(a);
		break;
	case REQ_SPACE_REMOVE:
		if (read_in(a))
			ask_remove(a);
		break;
	case REQ_SPACE_RENAME: ask_rename(a); break;
	case REQ_SPACE_NEW: ask_new_space(a); break;
	case REQ_SPACE_SUPPORT: make_support_token(a); break;
	case REQ_REFRESH: load(); break;
	/* The help, a redraw and quitting work here too. */
	case REQ_HELP:
	case REQ_REDRAW:
	case REQ_QUIT:
		return false;
	default:
		app_message(a, _("Not in the Space view: Esc goes back to the tree"));
		break;
	}
	return true;
}
