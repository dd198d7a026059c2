/* SPDX-License-Identifier: GPL-3.0-or-later */
/* share-handout.c: H in the Shares & Tokens pane: the text that hands the
 * selected item to its user, ready for an e-mail: its public link (the
 * item's share, or a new one) and, when chosen, an invitation to its
 * space. The core makes everything (od_handout_make); this asks which
 * template to fill (when the configuration has handout templates: the
 * built-in one first, then those) and what to make, says it before
 * anything is made, and shows the text once in the secret popup (it may
 * hold the invitation), where c copies it and w saves it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/config.h"
#include "onetui/handout.h"
#include "onetui/i18n.h"
#include "onetui/members.h"
#include "onetui/provider.h"
#include "onetui/str.h"
#include "tui/tokens.h"
#include "tui/tui.h"
#include "xmalloc.h"

#define INVITE_DAYS 7

/* What H offers, in order. */
enum offer { O_LINK, O_VIEWER, O_CONTRIBUTOR };

static struct {
	struct app *a;
	struct od_op *op;
	struct od_space *space;
	char *file_id, *path, *inside;
	const char *name;	/* the item's own name, in path */
	const char *template;	/* the text to fill */
	enum offer offer;
	cJSON *privileges;
} ho;

static void
finish(void)
{
	free(ho.file_id);
	free(ho.path);
	free(ho.inside);
	cJSON_Delete(ho.privileges);
	memset(&ho, 0, sizeof(ho));
}

void
handout_done(void)
{
	if (ho.op)
		od_op_cancel(ho.op);	/* its callback runs and finishes */
	finish();
}

static void
on_made(struct od_handout *h, struct od_error *err, void *ud)
{
	char *text, *title;

	(void)ud;
	ho.op = NULL;
	if (err) {
		if (err->kind != OD_ERR_CANCELLED)
			app_error(ho.a, _("Cannot make the handout for %s: %s"), ho.path, err->message);
		od_error_free(err);
		finish();
		return;
	}
	if (!(text = od_handout_render(ho.template, &h->facts)))
		xoom();
	title = xasprintf(_("Handout for %s"), ho.name);
	widget_secret(ho.a, title,
		      h->token_id ? _("Ready for an e-mail. It holds the invitation: this is the only time it is shown.")
				  : _("Ready for an e-mail."),
		      _("handout"), text);
	od_str_wipe_free(text);
	free(title);
	shares_view_changed(ho.file_id, h->share_id);
	if (h->token_id)
		tokens_changed(h->token_id);
	od_handout_free(h);
	finish();
}

static void
on_confirmed(struct app *a, bool yes, void *ud)
{
	/* Titled as the CLI's handout: the share's name, else the item's. */
	struct od_handout_request r = { .space = ho.space, .file_id = ho.file_id, .path = ho.inside,
					.invite = ho.offer != O_LINK, .usage_limit = 1, .privileges = ho.privileges };

	(void)ud;
	if (!yes) {
		finish();
		return;
	}
	r.valid_until = (int64_t)time(NULL) + INVITE_DAYS * 24 * 3600;
	if (!(ho.op = od_handout_make(a->s.zone, &r, on_made, NULL)))
		xoom();
}

static void
ask(void)
{
	char *question = ho.offer == O_LINK
				 ? xasprintf(_("Share %s (or use its share) and write the handout with its public link?"),
					     ho.path)
				 : xasprintf(_("Share %s (or use its share) and make an invitation that lets one person join "
					       "%s as a %s for %d days?"),
					     ho.path, ho.space->name, ho.offer == O_VIEWER ? _("viewer") : _("contributor"),
					     INVITE_DAYS);

	widget_confirm(ho.a, question, on_confirmed, NULL);
	free(question);
}

static void
on_vocab(const struct od_priv_vocab *v, struct od_error *err, void *ud)
{
	struct od_privs p = { 0 };

	(void)ud;
	ho.op = NULL;
	if (err) {
		if (err->kind != OD_ERR_CANCELLED)
			app_error(ho.a, _("Cannot read the zone's privileges: %s"), err->message);
		od_error_free(err);
		finish();
		return;
	}
	if (od_preset_privs(v, ho.offer == O_VIEWER ? OD_PRESET_VIEWER : OD_PRESET_CONTRIBUTOR, &p) != 0 ||
	    !(ho.privileges = cJSON_CreateStringArray((const char *const *)p.v, (int)p.n)))
		xoom();
	od_privs_done(&p);
	ask();
}

static void
on_offer(struct app *a, int choice, void *ud)
{
	(void)ud;
	if (choice < 0) {
		finish();
		return;
	}
	ho.offer = (enum offer)choice;
	if (ho.offer == O_LINK)
		ask();
	else if (!(ho.op = od_space_vocab(a->s.zone, on_vocab, NULL)))
		xoom();
}

static void
offer(void)
{
	char *title = xasprintf(_("Hand out %s"), ho.name);
	const char *items[] = { _("The public link only"), _("Link and invitation: viewer, 1 person, 7 days"),
				_("Link and invitation: contributor, 1 person, 7 days") };

	widget_choose(ho.a, title, items, OD_ARRAY_SIZE(items), on_offer, NULL);
	free(title);
}

/* The template to fill (t NULL: the built-in one), checked before
 * anything is made: a share and an invitation made for a text that
 * cannot be written would be made for nothing. The configuration's were
 * checked when it was read; the built-in one comes from a translation.
 * False (said, and over) when it cannot be filled. */
static bool
take_template(const struct od_handout_template *t)
{
	char *where = t ? xasprintf(_("the handout template \"%s\""), t->name)
			: xstrdup(_("the built-in handout template"));
	struct od_error *err;

	ho.template = t ? t->text : od_handout_default();
	err = od_handout_check(ho.template, where);
	free(where);
	if (!err)
		return true;
	app_error(ho.a, _("Cannot write the handout: %s"), err->message);
	od_error_free(err);
	finish();
	return false;
}

static void
on_template(struct app *a, int choice, void *ud)
{
	(void)ud;
	if (choice < 0) {
		finish();
		return;
	}
	if (take_template(choice ? &a->s.cfg->handouts[choice - 1] : NULL))
		offer();
}

/* The built-in template, then the configuration's, by name. */
static void
offer_templates(void)
{
	const struct od_config *cfg = ho.a->s.cfg;
	const char **items = xcalloc(cfg->n_handouts + 1, sizeof(*items));
	char *title = xasprintf(_("Hand out %s: which text?"), ho.name);

	items[0] = _("The built-in handout");
	for (size_t i = 0; i < cfg->n_handouts; i++)
		items[i + 1] = cfg->handouts[i].name;
	widget_choose(ho.a, title, items, cfg->n_handouts + 1, on_template, NULL);
	free(title);
	free(items);
}

/* Begin with the item (file_id at inside of space s, shown as path). */
static void
begin(struct app *a, struct od_space *s, const char *file_id, const char *inside, const char *path)
{
	finish();
	ho.a = a;
	ho.space = s;
	ho.file_id = xstrdup(file_id);
	ho.path = xstrdup(path);
	ho.inside = xstrdup(inside);
	ho.name = strrchr(ho.path, '/') ? strrchr(ho.path, '/') + 1 : ho.path;
	if (a->s.cfg->n_handouts)
		offer_templates();
	else if (take_template(NULL))
		offer();
}

void
handout_start(struct app *a)
{
	const char *inside, *path, *file_id;
	struct od_space *s = shares_view_item(&inside, &path);

	if (ho.op) {
		app_message(a, _("Still making the last handout"));
		return;
	}
	if (!s || !(file_id = shares_view_file_id())) {
		app_message(a, s ? _("Still finding the space's root") : _("Select an item in the tree first"));
		return;
	}
	begin(a, s, file_id, inside, path);
}

/* While the folder is looked up, ho holds what begin needs. */
static void
on_resolved(const char *file_id, struct od_error *err, void *ud)
{
	struct app *a = ud;
	char *inside = ho.inside, *path = ho.path;

	ho.op = NULL;
	ho.inside = ho.path = NULL;
	if (err) {
		if (err->kind != OD_ERR_CANCELLED)
			app_error(a, _("Cannot find %s: %s"), path, err->message);
		od_error_free(err);
		finish();
	} else {
		begin(a, ho.space, file_id, inside, path);
	}
	free(inside);
	free(path);
}

void
handout_start_path(struct app *a, struct od_space *s, const char *path, const char *shown)
{
	if (ho.op) {
		app_message(a, _("Still making the last handout"));
		return;
	}
	finish();
	ho.space = s;
	ho.inside = xstrdup(path);
	ho.path = xstrdup(shown);
	if (!(ho.op = od_provider_resolve(a->s.zone, s, path, on_resolved, a)))
		xoom();
}
