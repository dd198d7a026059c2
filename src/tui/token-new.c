/* SPDX-License-Identifier: GPL-3.0-or-later */
/* token-new.c: making tokens from the Shares & Tokens pane, and looking
 * at tokens someone pasted.
 *
 * t offers the two tokens a facility hands out most, a read-only token
 * for the selected item for 7 days and a Oneclient token for 30 days,
 * and a short form for anything else; i makes an invitation to the
 * selected item's space with a usage limit, an expiry and a privilege
 * preset. Before anything is made, what it will allow is said in words
 * with the warnings (no caveats, no expiry, ...), and the user confirms;
 * the new token is then shown once, in the secret popup, and masked
 * everywhere after. x says what a pasted token is without using it; c
 * examines an invitation first, says what accepting it does, and joins
 * once the user confirms; when the invitation is for a group to join,
 * the user picks one of their groups first. Pasted tokens are never
 * drawn in full.
 *
 * One of these runs at a time (the dialogs are modal): its state is
 * here, dropped when the interface ends. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/caveat.h"
#include "onetui/i18n.h"
#include "onetui/members.h"
#include "onetui/str.h"
#include "onetui/token.h"
#include "onetui/tokenapi.h"
#include "tui/tokens.h"
#include "tui/tui.h"
#include "xmalloc.h"

#define DAY (24 * 3600)

enum preset { P_READONLY, P_ONECLIENT, P_CUSTOM };

/* The privilege presets of invitations, in the order offered. */
static const char *const preset_words[] = { N_("viewer"), N_("contributor"), N_("manager") };

static struct making {
	struct app *a;
	struct od_op *op;
	bool invite;
	char *name;		/* NULL: a temporary token */
	char *what;		/* for messages: "the token \"x\"" */
	/* the form */
	int64_t valid_until;
	bool readonly;
	const char *interface;
	char *path;		/* data.path: "SPACE_ID[/dir...]", or NULL */
	char *item;		/* the item as the tree shows it */
	char *space_id, *space_name;
	int64_t usage_limit;	/* invitations: 0 unlimited */
	enum od_preset privs;
	cJSON *caveats, *privileges;
	/* a pasted token, and its examination */
	char *pasted;
	cJSON *examined;
	/* accepting an invitation: what it is (pointing into examined), what
	 * it is for, and for a group's joining the user's groups and the one
	 * chosen */
	struct od_token_info invitation;
	char *target;
	struct od_members *groups;
	char *group_id, *group_name;
} *mk;

static void
finish(void)
{
	struct making *m = mk;

	if (!m)
		return;
	mk = NULL;
	free(m->name);
	free(m->what);
	free(m->path);
	free(m->item);
	free(m->space_id);
	free(m->space_name);
	cJSON_Delete(m->caveats);
	cJSON_Delete(m->privileges);
	od_str_wipe_free(m->pasted);
	cJSON_Delete(m->examined);
	free(m->target);
	od_members_free(m->groups);
	free(m->group_id);
	free(m->group_name);
	free(m);
}

void
token_new_done(void)
{
	if (mk && mk->op)
		od_op_cancel(mk->op);	/* its callback runs and finishes */
	finish();
}

/* A new flow; false (said) while the last one still waits for the zone:
 * cancelling it could leave a token made and never shown. */
static bool
begin(struct app *a)
{
	if (mk && mk->op) {
		app_message(a, _("Still waiting for the zone's answer to the last one"));
		return false;
	}
	finish();
	mk = xcalloc(1, sizeof(*mk));
	mk->a = a;
	return true;
}

/* An answer came: false (and over) when it failed or was cancelled. */
static bool
answered(struct od_error *err, const char *what)
{
	mk->op = NULL;
	if (!err)
		return true;
	if (err->kind != OD_ERR_CANCELLED)
		app_error(mk->a, "%s: %s", what, err->message);
	od_error_free(err);
	finish();
	return false;
}

/* The selected item into the form; false (said, and over) when there is
 * none and it is needed. */
static bool
take_item(bool needed)
{
	const char *inside, *path;
	struct od_space *s = shares_view_item(&inside, &path);

	if (!s && needed) {
		app_message(mk->a, _("Select an item in the tree first"));
		finish();
		return false;
	}
	if (!s)
		return true;
	mk->item = xstrdup(path);
	mk->space_id = xstrdup(s->id);
	mk->space_name = xstrdup(s->name);
	mk->path = *inside ? xasprintf("%s/%s", s->id, inside) : xstrdup(s->id);
	return true;
}

/* --- made: shown once ------------------------------------------------------------------------ */

static void
on_made(const char *id, const char *token, struct od_error *err, void *ud)
{
	char *words, *risks, *text, *title;

	(void)ud;
	if (!answered(err, mk->invite ? _("Cannot make the invitation") : _("Cannot make the token")))
		return;
	words = tokens_caveat_words(mk->a, mk->caveats, "\n  - ");
	risks = tokens_risk_words(od_token_risks(mk->caveats, mk->invite, mk->invite && !mk->usage_limit,
						 (int64_t)time(NULL)),
				  "\n  ! ");
	if (mk->invite) {
		char *uses = mk->usage_limit ? xasprintf(P_("it can be used %lld time", "it can be used %lld times",
							    (unsigned long)mk->usage_limit),
							 (long long)mk->usage_limit)
					     : xstrdup(_("it can be used any number of times"));
		text = xasprintf(_("Whoever accepts it joins the space %s as a %s; %s.\n%s%s%s%s"), mk->space_name,
				 _(preset_words[mk->privs]), uses, *words ? _("It allows only this:\n  - ") : "", words,
				 *risks ? "\n  ! " : "", risks);
		free(uses);
	} else {
		text = xasprintf("%s%s%s%s", *words ? _("It allows only this:\n  - ") : _("It has no caveats: full access."),
				 words, *risks ? "\n  ! " : "", risks);
	}
	title = mk->name ? xasprintf(mk->invite ? _("New invitation \"%s\"") : _("New token \"%s\""), mk->name)
			 : xstrdup(_("New temporary token"));
	widget_secret(mk->a, title, text, mk->invite ? _("invitation") : _("token"), token);
	free(title);
	free(text);
	free(words);
	free(risks);
	tokens_changed(id);
	finish();
}

static void
on_create_confirmed(struct app *a, bool yes, void *ud)
{
	struct od_token_request r = { .name = mk->name, .caveats = mk->caveats };

	(void)ud;
	if (!yes) {
		app_message(a, _("Nothing was made"));
		finish();
		return;
	}
	if (mk->invite) {
		r.invite_type = "userJoinSpace";
		r.target_id = mk->space_id;
		r.privileges = mk->privileges;
		r.usage_limit = mk->usage_limit;
	}
	if (!(mk->op = od_token_create(a->s.zone, &r, on_made, NULL)))
		xoom();
}

/* What it will allow, the warnings, and the question. */
static void
preview(void)
{
	const char *const paths[1] = { mk->path };
	struct od_caveat_form f = { .valid_until = mk->valid_until, .readonly = mk->readonly,
				    .interface = mk->interface, .paths = paths, .n_paths = mk->path ? 1 : 0 };
	struct od_error *err = od_caveats_build(&f, &mk->caveats);
	char *words, *risks, *allows, *question;

	if (err) {
		app_error(mk->a, "%s", err->message);
		od_error_free(err);
		finish();
		return;
	}
	words = tokens_caveat_words(mk->a, mk->caveats, "; ");
	risks = tokens_risk_words(od_token_risks(mk->caveats, mk->invite, mk->invite && !mk->usage_limit,
						 (int64_t)time(NULL)),
				  "; ");
	allows = *words ? xasprintf(_("%s will allow only this: %s."), mk->what, words)
			: xasprintf(_("%s will have no caveats: it allows all you may do."), mk->what);
	question = *risks ? xasprintf(_("%s Warning: %s. Make it?"), allows, risks)
			  : xasprintf(_("%s Make it?"), allows);
	free(allows);
	widget_confirm(mk->a, question, on_create_confirmed, NULL);
	free(question);
	free(words);
	free(risks);
}

/* --- the custom form ----------------------------------------------------------------------- */

static void
on_limit(struct app *a, bool yes, void *ud)
{
	(void)a;
	(void)ud;
	if (!yes) {
		free(mk->path);
		mk->path = NULL;
	}
	preview();
}

static void
on_readonly(struct app *a, bool yes, void *ud)
{
	char *question;

	(void)ud;
	mk->readonly = yes;
	if (!mk->path) {
		preview();
		return;
	}
	question = xasprintf(_("Limit it to %s (and what is inside)?"), mk->item);
	widget_confirm(a, question, on_limit, NULL);
	free(question);
}

static void
on_expiry(struct app *a, const char *text, void *ud)
{
	struct od_error *err;

	(void)ud;
	if (!text) {
		finish();
		return;
	}
	mk->valid_until = 0;
	if (*text && (err = od_caveat_parse_expiry(text, (int64_t)time(NULL), &mk->valid_until))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		finish();
		return;
	}
	if (!mk->name && !mk->valid_until) {
		app_error(a, _("A temporary token needs an expiry: nothing was made"));
		finish();
		return;
	}
	if (mk->invite) {
		preview();
		return;
	}
	widget_confirm(a, _("Read-only (data can be read, not changed)?"), on_readonly, NULL);
}

static void
ask_expiry(const char *initial)
{
	widget_prompt(mk->a, mk->name ? _("Expires after (7d, 12h, 2w, 2026-12-31; empty: never)")
				      : _("Expires after (7d, 12h, 2026-12-31; at most 14 days)"),
		      initial, on_expiry, NULL, NULL);
}

/* --- access tokens ------------------------------------------------------------------------- */

static void
on_name(struct app *a, const char *text, void *ud)
{
	enum preset p = (enum preset)(intptr_t)ud;

	if (!text || (!*text && p != P_CUSTOM)) {
		if (text)
			app_message(a, _("A named token needs a name: nothing was made"));
		finish();
		return;
	}
	if (*text) {
		mk->name = xstrdup(text);
		mk->what = xasprintf(_("The token \"%s\""), text);
	} else {
		mk->what = xstrdup(_("The temporary token"));
	}
	if (p == P_CUSTOM)
		ask_expiry(mk->name ? "30d" : "7d");
	else
		preview();
}

static void
on_preset(struct app *a, int choice, void *ud)
{
	char day[OD_TIME_BUFSZ], *initial;
	const char *label = _("Name of the token");

	(void)ud;
	if (choice < 0) {
		finish();
		return;
	}
	od_date_local((int64_t)time(NULL), day);
	switch ((enum preset)choice) {
	case P_READONLY:
		if (!take_item(true))
			break;
		mk->readonly = true;
		mk->valid_until = (int64_t)time(NULL) + 7 * DAY;
		initial = xasprintf("read-only %s %s", strrchr(mk->item, '/') ? strrchr(mk->item, '/') + 1 : mk->item,
				    day);
		widget_prompt(a, label, initial, on_name, NULL, (void *)(intptr_t)P_READONLY);
		free(initial);
		break;
	case P_ONECLIENT:
		mk->interface = "oneclient";
		mk->valid_until = (int64_t)time(NULL) + 30 * DAY;
		initial = xasprintf("oneclient %s", day);
		widget_prompt(a, label, initial, on_name, NULL, (void *)(intptr_t)P_ONECLIENT);
		free(initial);
		break;
	case P_CUSTOM:
		/* The item, when there is one, is offered as a limit later. */
		take_item(false);
		widget_prompt(a, _("Name of the token (empty: a temporary token, not listed)"), "", on_name, NULL,
			      (void *)(intptr_t)P_CUSTOM);
		break;
	}
}

void
token_new(struct app *a)
{
	const char *inside, *path;
	struct od_space *s = shares_view_item(&inside, &path);
	const char *name = s && strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *first = s ? xasprintf(_("Read-only for %s, 7 days"), name)
			: xstrdup(_("Read-only for the selected item, 7 days"));
	const char *items[] = { first, _("Oneclient on the compute centre, 30 days"), _("Custom: name, expiry, limits") };

	if (begin(a))
		widget_choose(a, _("New access token"), items, OD_ARRAY_SIZE(items), on_preset, NULL);
	free(first);
}

/* --- invitations ------------------------------------------------------------------------- */

static void
on_vocab(const struct od_priv_vocab *v, struct od_error *err, void *ud)
{
	struct od_privs p = { 0 };

	(void)ud;
	if (!answered(err, _("Cannot read the zone's privileges")))
		return;
	if (od_preset_privs(v, mk->privs, &p) != 0 ||
	    !(mk->privileges = cJSON_CreateStringArray((const char *const *)p.v, (int)p.n)))
		xoom();
	od_privs_done(&p);
	ask_expiry("7d");
}

static void
on_privs(struct app *a, int choice, void *ud)
{
	(void)ud;
	if (choice < 0) {
		finish();
		return;
	}
	mk->privs = (enum od_preset)choice;
	if (!(mk->op = od_space_vocab(a->s.zone, on_vocab, NULL)))
		xoom();
}

static void
on_uses(struct app *a, const char *text, void *ud)
{
	long n = 0;
	const char *items[] = { _("viewer: sees the space and reads its data"),
				_("contributor: also writes, replicates, sees QoS"),
				_("manager: also manages members, shares and support") };

	(void)ud;
	if (!text) {
		finish();
		return;
	}
	if (*text && !od_parse_long(text, 0, 1000000, &n)) {
		app_error(a, _("\"%s\" is not a number of uses (empty or 0: any number)"), text);
		finish();
		return;
	}
	mk->usage_limit = n;
	widget_choose(a, _("Those who join get the privileges of a"), items, OD_ARRAY_SIZE(items), on_privs, NULL);
}

static void
on_invite_name(struct app *a, const char *text, void *ud)
{
	(void)ud;
	if (!text || !*text) {
		if (text)
			app_message(a, _("An invitation needs a name: nothing was made"));
		finish();
		return;
	}
	mk->name = xstrdup(text);
	mk->what = xasprintf(_("The invitation \"%s\" to %s"), text, mk->space_name);
	widget_prompt(a, _("How many may join with it (empty or 0: any number)"), "1", on_uses, NULL, NULL);
}

void
invite_new(struct app *a)
{
	char day[OD_TIME_BUFSZ], *initial;

	if (!begin(a))
		return;
	mk->invite = true;
	if (!take_item(true))
		return;
	/* An invitation is for the space: no data.path caveat. */
	free(mk->path);
	mk->path = NULL;
	initial = xasprintf("invite %s %s", mk->space_name, od_date_local((int64_t)time(NULL), day));
	widget_prompt(a, _("Name of the invitation"), initial, on_invite_name, NULL, NULL);
	free(initial);
}

/* --- a pasted token ------------------------------------------------------------------------- */

/* What accepting the invitation does (done: did), in words. */
static char *
join_words(bool done)
{
	const char *type = mk->invitation.invite_type, *group = mk->group_name, *target = mk->target;

	if (od_str_eq(type, "groupJoinSpace"))
		return done ? xasprintf(_("The group %s joined the space %s"), group, target)
			    : xasprintf(_("The group %s joins the space %s"), group, target);
	if (od_str_eq(type, "groupJoinGroup"))
		return done ? xasprintf(_("The group %s joined the group %s"), group, target)
			    : xasprintf(_("The group %s joins the group %s"), group, target);
	if (od_str_eq(type, "userJoinGroup"))
		return done ? xasprintf(_("You joined the group %s"), target)
			    : xasprintf(_("You join the group %s"), target);
	return done ? xasprintf(_("You joined the space %s"), target) : xasprintf(_("You join the space %s"), target);
}

static void
on_joined(const char *id, struct od_error *err, void *ud)
{
	char *words;

	(void)id;
	(void)ud;
	if (!answered(err, _("Cannot accept the invitation")))
		return;
	words = join_words(true);
	app_message(mk->a, "%s", words);
	/* The space joined shows in the tree once the spaces are read again. */
	if (od_str_eq(od_invite_target_kind(mk->invitation.invite_type), "space"))
		tree_view_reload_spaces(mk->a);
	free(words);
	finish();
}

static void
on_consume_confirmed(struct app *a, bool yes, void *ud)
{
	(void)ud;
	if (!yes) {
		app_message(a, _("The invitation was not used"));
		finish();
		return;
	}
	if (!(mk->op = od_invite_consume(a->s.zone, mk->pasted, &mk->invitation, mk->group_id, on_joined, NULL)))
		xoom();
}

/* Say what accepting the invitation does (who joins what, with which
 * privileges and caveats), and ask. */
static void
ask_consume(void)
{
	char *words = join_words(false), *caveats = tokens_caveat_words(mk->a, mk->invitation.caveats, "; ");
	char *privileges = mk->invitation.privileges ? cJSON_PrintUnformatted(mk->invitation.privileges) : NULL;
	char *granted = privileges ? xasprintf(_(", with the privileges %s"), privileges) : xstrdup("");
	char *carried = *caveats ? xasprintf(_(" (the invitation carries: %s)"), caveats) : xstrdup("");
	char *question = xasprintf(_("%s%s%s. Accept the invitation?"), words, granted, carried);

	widget_confirm(mk->a, question, on_consume_confirmed, NULL);
	free(question);
	free(carried);
	free(granted);
	cJSON_free(privileges);
	free(caveats);
	free(words);
}

static void
on_group(struct app *a, int choice, void *ud)
{
	const struct od_member *g = choice < 0 ? NULL : od_members_get(mk->groups, (size_t)choice);

	(void)ud;
	if (!g) {
		app_message(a, _("The invitation was not used"));
		finish();
		return;
	}
	mk->group_id = xstrdup(g->id);
	mk->group_name = xstrdup(g->name ? g->name : g->id);
	ask_consume();
}

/* The user's groups are read: offer them. */
static void
on_groups(struct od_error *err, void *ud)
{
	size_t n = err ? 0 : od_members_count(mk->groups);
	const char **names;
	char *title;

	(void)ud;
	if (err || !n) {
		if (err)
			app_error(mk->a, _("Cannot read your groups: %s"), err->message);
		else
			app_error(mk->a, _("This invitation is for a group to join %s, and you belong to no group"),
				  mk->target);
		od_error_free(err);
		finish();
		return;
	}
	names = xcalloc(n, sizeof(*names));
	for (size_t i = 0; i < n; i++) {
		const struct od_member *g = od_members_get(mk->groups, i);
		names[i] = g->name ? g->name : g->id;
	}
	title = xasprintf(_("Which of your groups joins %s?"), mk->target);
	widget_choose(mk->a, title, names, n, on_group, NULL);
	free(title);
	free(names);
}

/* c: the examined token t is an invitation onetui can accept: find out
 * which group joins, if one does, then ask. */
static void
take_invite(const struct od_token_info *t, bool needs_group)
{
	struct od_error *err;
	const char *space = od_str_eq(od_invite_target_kind(t->invite_type), "space")
				    ? tokens_space_name(t->target_id, mk->a)
				    : NULL;

	/* Kept for the steps to come: t is gone after this call. */
	if (!(mk->examined = cJSON_Duplicate(t->raw, true)))
		xoom();
	if ((err = od_token_info_parse(mk->examined, &mk->invitation))) {
		app_error(mk->a, "%s", err->message);
		od_error_free(err);
		finish();
		return;
	}
	mk->target = xstrdup(space ? space : t->target_id ? t->target_id : "?");
	if (!needs_group) {
		ask_consume();
		return;
	}
	if (!(mk->groups = od_members_new(mk->a->s.zone)))
		xoom();
	od_members_load_user_groups(mk->groups, on_groups, NULL);
}

static void
check_invite(const struct od_token_info *t)
{
	bool needs_group = false;

	if (t->kind != OD_TOKEN_INVITE) {
		app_error(mk->a, _("This is an %s token, not an invitation: there is nothing to join"),
			  tokens_kind_words(t));
		finish();
		return;
	}
	if (!od_invite_consumable(t->invite_type, &needs_group)) {
		app_error(mk->a, _("onetui cannot accept invitations of the kind %s"),
			  t->invite_type ? t->invite_type : "?");
		finish();
		return;
	}
	take_invite(t, needs_group);
}

static void
on_examined(const struct od_token_info *t, struct od_error *err, void *ud)
{
	bool consume = ud != NULL;
	char *text, *title, *masked;

	if (!answered(err, _("Cannot examine the token")))
		return;
	if (consume) {
		check_invite(t);
		return;
	}
	text = tokens_describe(mk->a, t, NULL);
	masked = od_token_mask(mk->pasted);
	title = xasprintf(_("Token %s"), masked ? masked : "");
	widget_popup(mk->a, title, text);
	free(title);
	free(masked);
	free(text);
	finish();
}

static void
on_pasted(struct app *a, const char *text, void *ud)
{
	if (!text) {
		finish();
		return;
	}
	/* White space a terminal adds around a paste is not the token's. */
	text += strspn(text, " \t\r\n");
	mk->pasted = xstrdup(text);
	mk->pasted[strcspn(mk->pasted, " \t\r\n")] = '\0';
	if (!*mk->pasted) {
		finish();
		return;
	}
	if (!(mk->op = od_token_examine(a->s.zone, mk->pasted, on_examined, ud)))
		xoom();
}

void
token_examine(struct app *a, bool consume)
{
	if (!begin(a))
		return;
	widget_prompt_secret(a, consume ? _("Paste the invitation (it is not shown)") : _("Paste the token (it is not shown)"),
			     on_pasted, consume ? (void *)1 : NULL);
}
