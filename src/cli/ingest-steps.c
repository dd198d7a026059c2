/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest-steps.c: the steps around an ingest session (ingest-steps.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/ingest-steps.h"
#include "cli/output.h"
#include "cli/template.h"
#include "onetui/dataset.h"
#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/ingest-prep.h"
#include "onetui/json.h"
#include "onetui/jsonfmt.h"
#include "onetui/meta.h"
#include "onetui/metatext.h"
#include "onetui/str.h"
#include "xmalloc.h"

/* --- the command line ------------------------------------------------------------------ */

static bool
parse_protect(const char *arg, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned flags;
	} lists[] = {
		{ "data", OD_PROTECT_DATA },
		{ "metadata", OD_PROTECT_METADATA },
		{ "data,metadata", OD_PROTECT_DATA | OD_PROTECT_METADATA },
		{ "metadata,data", OD_PROTECT_DATA | OD_PROTECT_METADATA },
	};

	for (size_t i = 0; i < OD_ARRAY_SIZE(lists); i++)
		if (strcmp(arg, lists[i].name) == 0) {
			*out = lists[i].flags;
			return true;
		}
	return false;
}

int
ingest_steps_option(struct ingest_steps *st, const struct cmd_entry *e, int c, const char *arg)
{
	switch (c) {
	case STEP_OPT_DATASET:
		st->dataset = true;
		break;
	case STEP_OPT_METADATA:
		st->metadata = arg;
		break;
	case STEP_OPT_TEMPLATE:
		st->template = arg;
		break;
	case STEP_OPT_FIELD:
		if (st->n_fields >= INGEST_STEPS_MAX_FIELDS)
			return cmd_usage_error(e, _("at most %d --field"), INGEST_STEPS_MAX_FIELDS);
		st->fields[st->n_fields++] = arg;
		break;
	case STEP_OPT_PROTECT:
		if (!parse_protect(arg, &st->protect))
			return cmd_usage_error(e, _("--protect is data, or data,metadata"));
		/* The API refuses metadata protection alone. */
		if (st->protect == OD_PROTECT_METADATA)
			return cmd_usage_error(e, _("metadata protection needs data protection: --protect data,metadata"));
		break;
	case STEP_OPT_HANDOUT:
		st->handout.output = arg;
		break;
	case STEP_OPT_HANDOUT_TEMPLATE:
		st->handout.template = arg;
		break;
	case STEP_OPT_NO_INVITE:
		st->handout.no_invite = true;
		break;
	}
	return EXIT_OK;
}

/* --- before anything is made ------------------------------------------------------------- */

/* The sidecar: a JSON object, checked as "meta set -t json" checks, or
 * YAML made JSON. */
static int
read_sidecar(struct ingest_steps *st)
{
	struct od_error *err;
	char *text;
	size_t len;

	if (cli_read_input(st->metadata, &text, &len) != EXIT_OK)
		return EXIT_USAGE;
	err = od_ingest_sidecar_read(st->metadata, text, len, &st->document);
	free(text);
	if (err) {
		out_fail(err, NULL);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int
ingest_steps_prepare(struct ingest_steps *st, const struct cmd_entry *e, struct session *s)
{
	const struct handout_opts *h = &st->handout;
	int rc = EXIT_OK;

	if (st->n_fields && !st->template)
		return cmd_usage_error(e, _("--field goes with --template"));
	if (!h->output && (h->template || h->no_invite))
		return cmd_usage_error(e, _("--handout-template and --no-invite go with --handout FILE"));
	if (st->metadata && (rc = read_sidecar(st)) != EXIT_OK)
		return rc;
	if (st->template) {
		cJSON *obj;
		if (cli_template_xattrs(s->od.cfg, st->template, st->fields, st->n_fields, &obj) != EXIT_OK)
			return EXIT_USAGE;
		if (!(st->xattrs = od_json_text(obj, 0)))
			xoom();
		cJSON_Delete(obj);
	}
	if (h->output) {
		st->handout.quiet = true;
		st->planned = true;
		rc = handout_plan(s, e, h, &st->plan);
	}
	return rc;
}

/* --- the start ---------------------------------------------------------------------------- */

static void
note(ingest_note_fn *fn, void *ud, const char *event, const char *k0, const char *v0, const char *k1,
     const char *v1, const char *fmt, ...) OD_PRINTF(8, 9);

static void
note(ingest_note_fn *fn, void *ud, const char *event, const char *k0, const char *v0, const char *k1,
     const char *v1, const char *fmt, ...)
{
	struct ingest_note n = { .event = event, .keys = { k0, k1 }, .values = { v0, v1 } };
	char *line;
	va_list ap;

	va_start(ap, fmt);
	line = xneed(od_vasprintf(fmt, ap));
	va_end(ap);
	n.line = line;
	fn(&n, ud);
	free(line);
}

/* The start, waited for: its notes said as lines and events, its error kept. */
struct start_wait {
	struct ingest_steps *st;
	const char *target;
	ingest_note_fn *fn;
	void *ud;
	struct od_error *err;
};

static void
on_prep_note(const struct od_ingest_prep_note *n, void *ud)
{
	struct start_wait *w = ud;
	const char *kind = od_meta_kind_name(n->kind), *what = od_meta_kind_words(n->kind);
	char *id = n->dataset_id ? out_safe(n->dataset_id) : NULL;

	switch (n->step) {
	case OD_PREP_FOLDER_MADE:
		note(w->fn, w->ud, "folder", "path", w->target, NULL, NULL, _("made the folder %s"), w->target);
		break;
	case OD_PREP_DATASET_EXISTING:
		note(w->fn, w->ud, "dataset", "datasetId", n->dataset_id, "state", "existing",
		     _("%s is a dataset already (%s)"), w->target, id);
		break;
	case OD_PREP_DATASET_ESTABLISHED:
		note(w->fn, w->ud, "dataset", "datasetId", n->dataset_id, "state", "established",
		     _("established dataset %s on %s"), id, w->target);
		break;
	case OD_PREP_META_SAME:
		note(w->fn, w->ud, "metadata", "kind", kind, "state", "same", _("%s of %s: already as given"), what,
		     w->target);
		break;
	case OD_PREP_META_SET:
		note(w->fn, w->ud, "metadata", "kind", kind, "state", "set", _("set the %s of %s"), what, w->target);
		break;
	}
	free(id);
}

static void
on_prepared(const struct od_ingest_prep_result *r, struct od_error *err, void *ud)
{
	struct start_wait *w = ud;

	w->err = err;
	if (!err && r->dataset_id)
		w->st->dataset_id = xstrdup(r->dataset_id);
}

/* Nothing is done before the session when no step asks for it: the
 * session makes the folder itself. */
int
ingest_steps_start(struct ingest_steps *st, struct session *s, const char *target, ingest_note_fn *fn, void *ud)
{
	struct od_ingest_prep p = { .make_dataset = st->dataset, .need_dataset = st->protect != 0,
				    .document = st->document, .xattrs = st->xattrs };
	struct start_wait w = { .st = st, .target = target, .fn = fn, .ud = ud };
	struct od_space *sp;
	const char *path;
	int rc;

	if (!p.make_dataset && !p.need_dataset && !p.document && !p.xattrs)
		return EXIT_OK;
	rc = session_target(s, target, &sp, &path);
	if (rc != EXIT_OK)
		return rc;
	if (!od_ingest_prepare(s->zone, sp, path, &p, on_prep_note, on_prepared, &w))
		xoom();
	session_run(s);
	if (od_ingest_prep_no_dataset(w.err)) {
		od_error_free(w.err);
		out_error(_("--protect needs a dataset, and %s has none: add --dataset"), target);
		return EXIT_USAGE;
	}
	if (w.err)
		return out_fail(w.err, NULL);
	return session_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

/* --- the end ------------------------------------------------------------------------------ */

static int
protect(struct ingest_steps *st, struct session *s, const char *target, ingest_note_fn *fn, void *ud)
{
	struct od_dataset_change c = { .set = st->protect };
	struct answer a = { 0 };
	struct od_space *sp;
	const char *path;
	char *id, flags[32];
	int rc = session_target(s, target, &sp, &path);

	if (rc == EXIT_OK)
		rc = session_answer(s, od_dataset_update(s->zone, sp, st->dataset_id, &c, answer_done, &a), &a,
				    _("Cannot protect dataset %s"), st->dataset_id);
	if (rc != EXIT_OK)
		return rc;
	snprintf(flags, sizeof(flags), "%s%s%s", st->protect & OD_PROTECT_DATA ? "data" : "",
		 st->protect == (OD_PROTECT_DATA | OD_PROTECT_METADATA) ? "," : "",
		 st->protect & OD_PROTECT_METADATA ? "metadata" : "");
	id = out_safe(st->dataset_id);
	note(fn, ud, "protected", "datasetId", st->dataset_id, "protection", flags,
	     _("protected dataset %s (%s): its %s can no longer change"), id, target,
	     st->protect & OD_PROTECT_METADATA ? _("data and metadata") : _("data"));
	free(id);
	return EXIT_OK;
}

static int
hand_out(struct ingest_steps *st, struct session *s, const char *target, ingest_note_fn *fn, void *ud)
{
	struct target_stat ts = { 0 };
	struct od_handout *h = NULL;
	struct od_space *sp;
	char *share;
	int rc = session_stat_target(s, target, &sp, &ts);

	if (rc == EXIT_OK)
		rc = handout_deliver(s, &st->handout, &st->plan, sp, ts.file_id, ts.path, target, &h);
	if (rc == EXIT_OK) {
		share = out_safe(h->share_id);
		note(fn, ud, "handout", "file", st->handout.output, "shareId", h->share_id,
		     h->token_id ? _("wrote the handout of %s to %s (mode 0600), with share %s and an invitation")
				 : _("wrote the handout of %s to %s (mode 0600), with share %s"),
		     target, st->handout.output, share);
		free(share);
	}
	od_handout_free(h);
	target_stat_done(&ts);
	return rc;
}

int
ingest_steps_end(struct ingest_steps *st, struct session *s, const char *target, ingest_note_fn *fn, void *ud)
{
	int rc = EXIT_OK;

	if (st->protect)
		rc = protect(st, s, target, fn, ud);
	if (rc == EXIT_OK && st->handout.output)
		rc = hand_out(st, s, target, fn, ud);
	return rc;
}

void
ingest_steps_done(struct ingest_steps *st)
{
	free(st->document);
	free(st->xattrs);
	free(st->dataset_id);
	if (st->planned)
		handout_plan_done(&st->plan);
}
