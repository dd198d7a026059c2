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
#include "onetui/fileops.h"
#include "onetui/i18n.h"
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

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The sidecar: a JSON object, checked as "meta set -t json" checks. */
static int
read_sidecar(struct ingest_steps *st)
{
	struct od_text_pos pos;
	struct od_error *err;
	cJSON *doc = NULL;
	size_t len;

	if (ends_with(st->metadata, ".yaml") || ends_with(st->metadata, ".yml")) {
		out_error(_("%s: YAML metadata is not supported; give the metadata as a JSON file"), st->metadata);
		return EXIT_USAGE;
	}
	if (cli_read_input(st->metadata, &st->document, &len) != EXIT_OK)
		return EXIT_USAGE;
	if (!(err = od_meta_check(OD_META_JSON, st->document, len, &pos)))
		err = od_json_parse_object(st->document, len, _("the metadata"), &doc);
	cJSON_Delete(doc);
	if (err) {
		od_error_prefix(err, "%s", st->metadata);
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

/* Whether the metadata of kind already says text: the whole document
 * (JSON), or every attribute of text (xattrs). */
static bool
already(enum od_meta_kind kind, const char *now, size_t len, const char *text)
{
	cJSON *have, *want;
	const cJSON *item;
	bool same = true;

	if (!now)
		return false;
	if (kind == OD_META_JSON)
		return od_meta_same(kind, now, len, text, strlen(text));
	have = cJSON_ParseWithLength(now, len);
	want = cJSON_Parse(text);
	cJSON_ArrayForEach(item, want)
		if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(have, item->string), item, true))
			same = false;
	cJSON_Delete(have);
	cJSON_Delete(want);
	return same;
}

/* Set the metadata of kind on the folder, unless it says so already (so
 * that a run again under metadata protection is no error). */
static int
set_meta(struct session *s, struct od_space *sp, const char *file_id, const char *target, enum od_meta_kind kind,
	 const char *text, ingest_note_fn *fn, void *ud)
{
	struct answer w = { 0 };
	struct answer a = { 0 };
	const char *what = od_meta_kind_words(kind);
	int rc;

	if (!od_meta_get(s->zone, sp, file_id, kind, NULL, answer_text, &w))
		xoom();
	session_run(s);
	if (w.err)
		return out_fail(w.err, _("Cannot read the %s of %s"), what, target);
	if (already(kind, w.text, w.len, text)) {
		note(fn, ud, "metadata", "kind", od_meta_kind_name(kind), "state", "same", _("%s of %s: already as given"),
		     what, target);
		free(w.text);
		return EXIT_OK;
	}
	free(w.text);
	rc = session_answer(s, od_meta_put(s->zone, sp, file_id, kind, NULL, text, answer_done, &a), &a,
			    _("Cannot set the %s of %s"), what, target);
	if (rc == EXIT_OK)
		note(fn, ud, "metadata", "kind", od_meta_kind_name(kind), "state", "set", _("set the %s of %s"), what,
		     target);
	return rc;
}

/* The dataset on the folder: the one there, or a new one (--dataset). */
static int
find_dataset(struct ingest_steps *st, struct session *s, struct od_space *sp, const char *file_id,
	     const char *target, ingest_note_fn *fn, void *ud)
{
	struct answer w = { 0 };
	struct answer a = { 0 };
	char *id;
	int rc;

	if (!od_file_dataset_summary(s->zone, sp, file_id, answer_dataset, &w))
		xoom();
	session_run(s);
	if (w.err)
		return out_fail(w.err, _("Cannot read the dataset of %s"), target);
	if (w.id) {
		st->dataset_id = w.id;
		id = out_safe(w.id);
		if (st->dataset)
			note(fn, ud, "dataset", "datasetId", w.id, "state", "existing",
			     _("%s is a dataset already (%s)"), target, id);
		free(id);
		return EXIT_OK;
	}
	if (!st->dataset) {
		out_error(_("--protect needs a dataset, and %s has none: add --dataset"), target);
		return EXIT_USAGE;
	}
	rc = session_answer(s, od_dataset_establish(s->zone, sp, file_id, 0, answer_id, &a), &a,
			    _("Cannot establish a dataset on %s"), target);
	if (rc != EXIT_OK)
		return rc;
	st->dataset_id = a.id;
	id = out_safe(a.id);
	note(fn, ud, "dataset", "datasetId", a.id, "state", "established", _("established dataset %s on %s"), id,
	     target);
	free(id);
	return EXIT_OK;
}

int
ingest_steps_start(struct ingest_steps *st, struct session *s, const char *target, ingest_note_fn *fn, void *ud)
{
	bool makes = st->dataset || st->document || st->xattrs;
	struct target_stat ts = { 0 };
	struct answer a = { 0 };
	struct od_space *sp;
	bool missing;
	char *file_id;
	int rc;

	if (!makes && !st->protect)
		return EXIT_OK;
	rc = session_probe_target(s, target, OD_ATTR_TYPE, &sp, &ts, &missing);
	if (rc != EXIT_OK)
		return rc;
	if (missing && !makes) {
		out_error(_("--protect needs a dataset, and %s has none: add --dataset"), target);
		target_stat_done(&ts);
		return EXIT_USAGE;
	}
	if (!missing && ts.type != OD_FILE_DIR) {
		out_error(_("%s is not a folder"), target);
		target_stat_done(&ts);
		return EXIT_FAILED;
	}
	if (missing) {
		rc = session_answer(s, od_file_mkdirs(s->zone, sp, sp->root_id, ts.path, answer_id, &a), &a,
				    _("Cannot make the folder %s"), target);
		if (rc == EXIT_OK)
			note(fn, ud, "folder", "path", target, NULL, NULL, _("made the folder %s"), target);
		file_id = a.id;
	} else {
		file_id = xstrdup(ts.file_id);
	}
	if (rc == EXIT_OK && (st->dataset || st->protect))
		rc = find_dataset(st, s, sp, file_id, target, fn, ud);
	if (rc == EXIT_OK && st->document)
		rc = set_meta(s, sp, file_id, target, OD_META_JSON, st->document, fn, ud);
	if (rc == EXIT_OK && st->xattrs)
		rc = set_meta(s, sp, file_id, target, OD_META_XATTRS, st->xattrs, fn, ud);
	free(file_id);
	target_stat_done(&ts);
	return rc;
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
