/* SPDX-License-Identifier: GPL-3.0-or-later */
/* replicate.c: having Onedata move the selected item between providers.
 *
 * R on a file, folder, dataset or space asks what Onedata should do with
 * it: replicate it to a provider, evict a provider's replica, migrate
 * it, keep replicas where a QoS expression says, or drop such a
 * requirement. Providers are chosen
 * from those supporting the space; an expression is evaluated by the
 * provider before the requirement is made, and one it refuses is offered
 * again to be mended. A transfer started here shows at once in the
 * Transfers pane; one action runs at a time. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/replica.h"
#include "onetui/report.h"
#include "onetui/str.h"
#include "tui/tui.h"
#include "xmalloc.h"

enum action {
	A_REPLICATE,
	A_EVICT,
	A_MIGRATE,
	A_QOS,
	A_UNQOS,
};

static struct {
	struct od_space *space;
	char *file_id, *path;	/* of the item; path as the tree shows it */
	enum action action;
	const char *from, *to;	/* provider ids, in space->supports */
	char *expression;
	size_t matches;
	char *match_names;
	int replicas;
	char **qids;		/* A_UNQOS: the requirements offered */
	size_t n_qids;
	struct od_report *report;
	struct od_op *op;
	bool open;		/* an action is being chosen or runs */
} rp;

static void
finish(void)
{
	for (size_t i = 0; i < rp.n_qids; i++)
		free(rp.qids[i]);
	free(rp.qids);
	od_report_cancel(rp.report);
	free(rp.file_id);
	free(rp.path);
	free(rp.expression);
	free(rp.match_names);
	memset(&rp, 0, sizeof(rp));
}

void
replicate_done(void)
{
	if (rp.op)
		od_op_cancel(rp.op);	/* its callback runs and finishes */
	finish();
}

/* Whether an answer failed: then said (unless it was cancelled, as when
 * the interface ends) and the action is over. */
static bool
failed(struct app *a, struct od_error *err, const char *what)
{
	rp.op = NULL;
	if (!err)
		return false;
	if (err->kind != OD_ERR_CANCELLED)
		app_error(a, "%s: %s", what, err->message);
	od_error_free(err);
	finish();
	return true;
}

/* --- transfers ---------------------------------------------------------------------- */

static void
on_transfer(const char *tid, struct od_error *err, void *ud)
{
	struct app *a = ud;

	if (failed(a, err, _("Onedata did not start the transfer")))
		return;
	app_message(a, _("Transfer %s started; the Transfers pane follows it"), tid);
	odtr_add(rp.space, tid);
	a->pane = PANE_TRANSFERS;
	app_dirty(a);
	finish();
}

static void
start_transfer(struct app *a)
{
	static const enum od_transfer_type types[] = { OD_TRANSFER_REPLICATION, OD_TRANSFER_EVICTION,
						       OD_TRANSFER_MIGRATION };

	if (!(rp.op = od_transfer_create(a->s.zone, rp.space, types[rp.action], rp.file_id, rp.to, rp.from,
					 on_transfer, a)))
		xoom();
	app_message(a, _("Asking Onedata to start the transfer..."));
}

/* The providers of the space to choose from, but skip (already chosen). */
static void choose_provider(struct app *a, const char *title, const char *skip);

/* Whether the step being chosen is where the replica goes. */
static bool
choosing_to(void)
{
	return rp.action == A_REPLICATE || (rp.action == A_MIGRATE && rp.from);
}

static const char *
to_title(void)
{
	return rp.action == A_REPLICATE ? _("Replicate to which provider?") : _("Migrate to which provider?");
}

static void
on_provider(struct app *a, int choice, void *ud)
{
	const char *skip = ud;
	const struct od_support *sup = NULL;
	size_t k = 0;

	if (choice < 0) {
		finish();
		return;
	}
	for (size_t i = 0; i < rp.space->n_supports && !sup; i++) {
		if (skip && strcmp(rp.space->supports[i].provider->id, skip) == 0)
			continue;
		if (k++ == (size_t)choice)
			sup = &rp.space->supports[i];
	}
	if (choosing_to() && sup->readonly) {
		app_error(a, _("%s keeps %s on read-only storage: it cannot take a replica"), sup->provider->name,
			  rp.space->name);
		choose_provider(a, to_title(), skip);
		return;
	}
	if (choosing_to()) {
		rp.to = sup->provider->id;
	} else {
		rp.from = sup->provider->id;
		if (rp.action == A_MIGRATE) {
			choose_provider(a, to_title(), rp.from);
			return;
		}
	}
	start_transfer(a);
}

static void
choose_provider(struct app *a, const char *title, const char *skip)
{
	char **items = xcalloc(rp.space->n_supports, sizeof(*items));
	size_t n = 0;

	for (size_t i = 0; i < rp.space->n_supports; i++) {
		const struct od_support *sup = &rp.space->supports[i];
		const char *name = sup->provider->name ? sup->provider->name : sup->provider->id;
		if (skip && strcmp(sup->provider->id, skip) == 0)
			continue;
		items[n++] = sup->readonly ? xasprintf(_("%s (read-only storage)"), name) : xstrdup(name);
	}
	widget_choose(a, title, (const char *const *)items, n, on_provider, (void *)skip);
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

/* --- QoS ---------------------------------------------------------------------------- */

static void ask_expression(struct app *a, const char *initial, const char *why);

static void
on_qos_added(const char *qid, struct od_error *err, void *ud)
{
	struct app *a = ud;

	if (failed(a, err, _("Cannot add the QoS requirement")))
		return;
	app_message(a, _("QoS requirement %s added; the Info pane shows whether it is fulfilled"), qid);
	/* The Info pane reads the item again, its new requirement with it. */
	tree_view_request(a, REQ_REFRESH);
	finish();
}

static void
on_qos_confirm(struct app *a, bool yes, void *ud)
{
	(void)ud;
	if (!yes) {
		finish();
		return;
	}
	if (!(rp.op = od_qos_add(a->s.zone, rp.space, rp.file_id, rp.expression, rp.replicas, on_qos_added, a)))
		xoom();
}

static void
on_replicas(struct app *a, const char *text, void *ud)
{
	char *end, *q, *selects, *require;
	long n;

	(void)ud;
	if (!text) {
		finish();
		return;
	}
	n = strtol(text, &end, 10);
	if (end == text || *end || n < 1 || n > 100) {
		/* Said in the prompt itself: it takes the message line. */
		widget_prompt(a, _("A whole number from 1 to 100, please. How many replicas"), text, on_replicas, NULL,
			      NULL);
		return;
	}
	rp.replicas = (int)n;
	selects = xasprintf(P_("\"%s\" selects %zu storage (%s).", "\"%s\" selects %zu storages (%s).", rp.matches),
			    rp.expression, rp.matches, rp.match_names);
	require = xasprintf(P_("Require %d replica of %s there?", "Require %d replicas of %s there?", rp.replicas),
			    rp.replicas, rp.path);
	q = xasprintf("%s %s%s", selects, require,
		      (size_t)rp.replicas > rp.matches ? _(" Fewer storages match: it can never be fulfilled.") : "");
	widget_confirm(a, q, on_qos_confirm, NULL);
	free(selects);
	free(require);
	free(q);
}

static void
on_matches(const struct od_qos_match *m, size_t n, struct od_error *err, void *ud)
{
	struct app *a = ud;
	struct od_buf b;

	rp.op = NULL;
	if (err) {
		if (err->kind == OD_ERR_CANCELLED) {
			od_error_free(err);
			finish();
			return;
		}
		/* Offered again as typed, to be mended. */
		ask_expression(a, rp.expression, err->message);
		od_error_free(err);
		return;
	}
	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (size_t i = 0; i < n; i++)
		if (od_buf_addf(&b, "%s%s", i ? ", " : "", m[i].name ? m[i].name : m[i].id) != 0)
			xoom();
	free(rp.match_names);
	rp.match_names = n ? od_buf_steal(&b) : xstrdup(_("none"));
	od_buf_done(&b);
	rp.matches = n;
	widget_prompt(a, _("How many replicas"), "1", on_replicas, NULL, NULL);
}

static void
on_expression(struct app *a, const char *text, void *ud)
{
	(void)ud;
	if (!text) {
		finish();
		return;
	}
	free(rp.expression);
	rp.expression = xstrdup(text);
	if (!*text) {
		ask_expression(a, "", _("it is empty"));
		return;
	}
	if (!(rp.op = od_qos_evaluate(a->s.zone, rp.space, text, on_matches, a)))
		xoom();
}

/* why: the reason the last one was refused, or NULL. */
static void
ask_expression(struct app *a, const char *initial, const char *why)
{
	char *label = why ? xasprintf(_("Not accepted (%s). QoS expression"), why)
			  : xstrdup(_("QoS expression (such as geo=DE & type=disk, or anyStorage)"));

	widget_prompt(a, label, initial, on_expression, NULL, NULL);
	free(label);
}

/* --- dropping a QoS requirement ------------------------------------------------------ */

static void
on_qos_removed(struct od_error *err, void *ud)
{
	struct app *a = ud;

	if (failed(a, err, _("Cannot remove the QoS requirement")))
		return;
	app_message(a, _("The QoS requirement is removed"));
	tree_view_request(a, REQ_REFRESH);
	finish();
}

static void
on_unqos_confirm(struct app *a, bool yes, void *ud)
{
	const char *qid = ud;

	if (!yes) {
		finish();
		return;
	}
	if (!(rp.op = od_qos_remove(a->s.zone, rp.space, qid, on_qos_removed, a)))
		xoom();
}

static void
on_unqos_choice(struct app *a, int choice, void *ud)
{
	char *q;

	(void)ud;
	if (choice < 0) {
		finish();
		return;
	}
	q = xasprintf(_("Remove QoS requirement %s? It applies to all below the file or folder it was added to; "
			"replicas it made stay until evicted."),
		      rp.qids[choice]);
	widget_confirm(a, q, on_unqos_confirm, rp.qids[choice]);
	free(q);
}

/* The item's requirements (its own and those it inherits), to choose from. */
static void
on_qos_report(struct od_report *r, enum od_part part, void *ud)
{
	struct app *a = ud;
	const struct od_error *err = od_report_failure(r);
	char **items;

	(void)part;
	if (!od_report_complete(r))
		return;
	if (err || !r->n_qos) {
		if (err && err->kind != OD_ERR_CANCELLED)
			app_error(a, _("Cannot read its QoS requirements: %s"), err->message);
		else if (!err)
			app_message(a, _("No QoS requirement applies to %s"), rp.path);
		finish();
		return;
	}
	items = xcalloc(r->n_qos, sizeof(*items));
	rp.qids = xcalloc(r->n_qos, sizeof(*rp.qids));
	for (size_t i = 0; i < r->n_qos; i++) {
		const struct od_report_qos *q = &r->qos[i];
		rp.qids[i] = xstrdup(q->id);
		items[i] = xasprintf(P_("%s, %lld replica: %s", "%s, %lld replicas: %s", q->replicas),
				     q->expression ? q->expression : q->id, (long long)q->replicas,
				     q->status ? q->status : "?");
	}
	rp.n_qids = r->n_qos;
	widget_choose(a, _("Remove which QoS requirement?"), (const char *const *)items, r->n_qos, on_unqos_choice,
		      NULL);
	for (size_t i = 0; i < r->n_qos; i++)
		free(items[i]);
	free(items);
	/* Not needed any more: it frees itself. */
	rp.report = NULL;
	od_report_cancel(r);
}

/* --- choosing ----------------------------------------------------------------------- */

static void
on_action(struct app *a, int choice, void *ud)
{
	(void)ud;
	if (choice < 0) {
		finish();
		return;
	}
	rp.action = (enum action)choice;
	if (rp.action == A_QOS) {
		ask_expression(a, "anyStorage", NULL);
		return;
	}
	if (rp.action == A_UNQOS) {
		if (!(rp.report = od_report_start(a->s.zone, rp.space, rp.file_id, 1u << OD_PART_QOS, on_qos_report, a)))
			xoom();
		return;
	}
	if (rp.space->n_supports < 2) {
		app_error(a, _("%s has one provider only: there is no other to move replicas to or from"),
			  rp.space->name);
		finish();
		return;
	}
	if (rp.action == A_REPLICATE)
		choose_provider(a, to_title(), NULL);
	else
		choose_provider(a, rp.action == A_EVICT ? _("Evict the replica of which provider?")
			       : _("Migrate from which provider?"), NULL);
}

static void
choose_action(struct app *a)
{
	const char *items[] = {
		_("Replicate to a provider"),
		_("Evict a provider's replica"),
		_("Migrate from one provider to another"),
		_("Keep replicas where a QoS expression says"),
		_("Remove a QoS requirement"),
	};
	const char *slash = strrchr(rp.path, '/');
	char *title = xasprintf(_("Onedata, for %s"), slash ? slash + 1 : rp.path);

	widget_choose(a, title, items, OD_ARRAY_SIZE(items), on_action, NULL);
	free(title);
}

static void
on_root(const char *file_id, struct od_error *err, void *ud)
{
	struct app *a = ud;
	char *what = xasprintf(_("Cannot reach %s"), rp.path);
	bool bad = failed(a, err, what);

	free(what);
	if (bad)
		return;
	rp.file_id = xstrdup(file_id);
	choose_action(a);
}

void
replicate_start(struct app *a)
{
	struct od_space *space;
	struct od_node *n = tree_view_selected(&space);

	if (rp.open) {
		app_message(a, _("The last Onedata action is still being asked for"));
		return;
	}
	if (a->share_id) {
		app_message(a, _("A public share is read-only: Onedata's transfers need an account"));
		return;
	}
	if (!n || !space || od_node_kind(n) == OD_NODE_DATASETS) {
		app_message(a, _("R works on a space, file, folder or dataset"));
		return;
	}
	if (space->n_supports == 0) {
		app_error(a, _("No provider supports %s"), space->name);
		return;
	}
	rp.open = true;
	rp.space = space;
	if (!(rp.path = tree_view_path(n)))
		xoom();
	if (od_node_kind(n) == OD_NODE_DATASET) {
		rp.file_id = xstrdup(od_node_root_file_id(n));
	} else if (!od_node_parent(n)) {
		/* A space's node is named by the space id: its root directory's
		 * id may have to be asked for first. */
		if (!(rp.op = od_provider_resolve(a->s.zone, space, "", on_root, a)))
			xoom();
		return;
	} else if (!(rp.file_id = od_node_id(n))) {
		xoom();
	}
	choose_action(a);
}
