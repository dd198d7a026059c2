/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-ingest-prep.c: od_ingest_prepare against the test zone (started by
 * ingest-prep.py, which passes zone.json): the folder found or made, its
 * dataset found or established, its metadata set or found as given;
 * what fails, named; cancelling. */
#include "config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/compiler.h"
#include "onetui/engine.h"
#include "onetui/ingest-prep.h"
#include "onetui/meta.h"
#include "onetui/metatext.h"
#include "onetui/provider.h"
#include "onetui/str.h"
#include "onetui/zone.h"
#include "tap.h"
#include "testutil.h"

#define KRIOS "Krios-2025-11 Session Data"
#define DOC "{\"sample\": \"NiTi\", \"dose\": 40}"
#define XATTRS "{\"operator\": \"Alice\", \"voltage_kV\": 300}"

static struct od_engine *engine;
static struct od_zone *zone;
static struct od_space *tem, *krios;

static OD_NORETURN void
bail(const char *what, const struct od_error *err)
{
	diag("%s: %s", what, err ? err->message : "out of memory");
	exit(1);
}

/* What one operation did: its notes in a line ("made established
 * set:json..."), the last dataset id noted, and its result. */
struct run {
	struct od_op *op;
	const char *cancel_after;	/* cancel it from the note that says this */
	char notes[256];
	char *noted_id;
	int calls;
	struct od_error *err;
	char *file_id, *dataset_id;
};

static void
on_note(const struct od_ingest_prep_note *n, void *ud)
{
	static const char *const names[] = {
		[OD_PREP_FOLDER_MADE] = "made",
		[OD_PREP_DATASET_EXISTING] = "existing",
		[OD_PREP_DATASET_ESTABLISHED] = "established",
		[OD_PREP_META_SAME] = "same",
		[OD_PREP_META_SET] = "set",
	};
	struct run *r = ud;
	size_t len = strlen(r->notes);
	bool meta = n->step == OD_PREP_META_SAME || n->step == OD_PREP_META_SET;

	snprintf(r->notes + len, sizeof(r->notes) - len, "%s%s%s%s", len ? " " : "", names[n->step],
		 meta ? ":" : "", meta ? od_meta_kind_name(n->kind) : "");
	if (!meta && n->step != OD_PREP_FOLDER_MADE) {
		free(r->noted_id);
		r->noted_id = od_strdup(n->dataset_id);
	}
	if (r->cancel_after && strcmp(r->cancel_after, names[n->step]) == 0)
		od_op_cancel(r->op);
}

static void
on_done(const struct od_ingest_prep_result *res, struct od_error *err, void *ud)
{
	struct run *r = ud;

	r->calls++;
	r->err = err;
	if (res) {
		r->file_id = od_strdup(res->file_id);
		r->dataset_id = od_strdup(res->dataset_id);
	}
}

static void
run_done(struct run *r)
{
	free(r->noted_id);
	od_error_free(r->err);
	free(r->file_id);
	free(r->dataset_id);
	memset(r, 0, sizeof(*r));
}

/* Run it to its end (r is cleared first, but for cancel_after). */
static void
prepare(struct od_space *s, const char *path, const struct od_ingest_prep *p, struct run *r)
{
	const char *cancel_after = r->cancel_after;

	memset(r, 0, sizeof(*r));
	r->cancel_after = cancel_after;
	if (!(r->op = od_ingest_prepare(zone, s, path, p, on_note, on_done, r)))
		bail("starting", NULL);
	od_engine_run(engine, NULL);
}

static const char *
message(const struct run *r)
{
	return r->err ? r->err->message : "(no error)";
}

/* --- reading back ---------------------------------------------------------------------- */

struct answer {
	struct od_error *err;
	char *text;
	size_t len;
};

static void
on_id(const char *id, struct od_error *err, void *ud)
{
	struct answer *a = ud;

	a->err = err;
	a->text = od_strdup(id);
}

static void
on_text(const char *text, size_t len, struct od_error *err, void *ud)
{
	struct answer *a = ud;

	a->err = err;
	a->text = text ? od_strndup(text, len) : NULL;
	a->len = len;
}

/* The file id of path, NULL when it is missing (the caller frees). */
static char *
resolve(struct od_space *s, const char *path)
{
	struct answer a = { 0 };

	if (!od_provider_resolve(zone, s, path, on_id, &a))
		bail("starting", NULL);
	od_engine_run(engine, NULL);
	if (a.err && !(a.err->kind == OD_ERR_POSIX && a.err->sys_errno == ENOENT))
		diag("resolving %s: %s", path, a.err->message);
	od_error_free(a.err);
	return a.text;
}

/* Whether the metadata of kind on file_id is text. */
static bool
meta_is(const char *file_id, enum od_meta_kind kind, const char *text)
{
	struct answer a = { 0 };
	bool same;

	if (!od_meta_get(zone, tem, file_id, kind, NULL, on_text, &a))
		bail("starting", NULL);
	od_engine_run(engine, NULL);
	same = !a.err && od_meta_same(kind, a.text, a.len, text, strlen(text));
	if (!same)
		diag("%s: %s", od_meta_kind_name(kind), a.err ? a.err->message : a.text ? a.text : "none");
	od_error_free(a.err);
	free(a.text);
	return same;
}

/* --- the tests ------------------------------------------------------------------------- */

static void
test_folder(void)
{
	struct od_ingest_prep none = { 0 }, need = { .need_dataset = true }, doc = { .document = DOC };
	struct run r = { 0 };
	char *id, *made;

	prepare(tem, "prep/made", &none, &r);
	ok(r.calls == 1 && !r.err && r.file_id && !r.dataset_id, "nothing asked: done (%s)", message(&r));
	is(r.notes, "made", "a missing folder is made, and noted");
	id = resolve(tem, "prep/made");
	ok(id && od_str_eq(id, r.file_id), "the result is its file id");
	free(id);
	made = r.file_id;
	r.file_id = NULL;
	run_done(&r);

	prepare(tem, "/prep/made", &none, &r);
	ok(!r.err && od_str_eq(r.file_id, made) && !*r.notes, "again (a leading /): found, nothing noted");
	run_done(&r);
	prepare(tem, "", &none, &r);
	ok(!r.err && od_str_eq(r.file_id, tem->root_id) && !*r.notes, "\"\" is the space's root");
	run_done(&r);

	prepare(tem, "prep/made", &need, &r);
	ok(r.calls == 1 && !r.file_id && od_ingest_prep_no_dataset(r.err), "a dataset needed, none there: that error");
	is(message(&r), "TEM Materials/prep/made has no dataset", "saying so");
	is(r.notes, "", "nothing noted");
	run_done(&r);

	prepare(tem, "prep/never", &need, &r);
	ok(od_ingest_prep_no_dataset(r.err), "a dataset needed, the folder missing, nothing to make: that error");
	is(message(&r), "TEM Materials/prep/never has no dataset", "saying so");
	id = resolve(tem, "prep/never");
	ok(!id && !*r.notes, "and the folder is not made");
	free(id);
	run_done(&r);

	prepare(krios, "EpuSession.dm", &doc, &r);
	ok(r.err && r.err->kind == OD_ERR_INPUT && !od_ingest_prep_no_dataset(r.err) && !*r.notes,
	   "a file is no folder: an error, nothing done");
	is(message(&r), KRIOS "/EpuSession.dm is not a folder", "saying so");
	run_done(&r);

	prepare(krios, "EpuSession.dm/sub", &doc, &r);
	like(message(&r), "^Cannot make the folder " KRIOS "/EpuSession.dm/sub: ",
	     "a folder that cannot be made: the error names the step and the folder");
	run_done(&r);
	free(made);
}

static void
test_dataset_and_meta(const cJSON *datasets)
{
	struct od_ingest_prep all = { .make_dataset = true, .need_dataset = true, .document = DOC, .xattrs = XATTRS };
	struct od_ingest_prep part = { .xattrs = "{\"operator\": \"Alice\"}" };
	struct od_ingest_prep other = { .xattrs = "{\"operator\": \"Bob\"}" };
	struct od_ingest_prep need = { .need_dataset = true }, doc = { .document = DOC };
	const char *processing = cJSON_GetStringValue(cJSON_GetObjectItem(datasets, "/" KRIOS "/Processing"));
	struct run r = { 0 };
	char *dataset;

	prepare(tem, "prep/full", &all, &r);
	ok(r.calls == 1 && !r.err && r.file_id, "everything asked of a missing folder: done (%s)", message(&r));
	is(r.notes, "made established set:json set:xattrs", "the folder made, a dataset established, both set");
	ok(r.dataset_id && od_str_eq(r.noted_id, r.dataset_id), "the result has the dataset noted");
	ok(meta_is(r.file_id, OD_META_JSON, DOC) && meta_is(r.file_id, OD_META_XATTRS, XATTRS),
	   "the folder has the document and the attributes");
	dataset = r.dataset_id;
	r.dataset_id = NULL;
	run_done(&r);

	prepare(tem, "prep/full", &all, &r);
	is(r.notes, "existing same:json same:xattrs", "again: the dataset there, the metadata as given");
	ok(!r.err && od_str_eq(r.dataset_id, dataset) && od_str_eq(r.noted_id, dataset), "the same dataset");
	run_done(&r);
	free(dataset);

	prepare(tem, "prep/full", &part, &r);
	ok(!r.err && !r.dataset_id, "the dataset not asked about: none given");
	is(r.notes, "same:xattrs", "attributes that are there among others: as given");
	run_done(&r);
	prepare(tem, "prep/full", &other, &r);
	is(r.notes, "set:xattrs", "an attribute of another value: set");
	ok(!r.err && meta_is(r.file_id, OD_META_XATTRS, "{\"operator\": \"Bob\", \"voltage_kV\": 300}"),
	   "and the others kept");
	run_done(&r);

	prepare(krios, "Processing", &need, &r);
	ok(!r.err && processing && od_str_eq(r.dataset_id, processing) && !*r.notes,
	   "a dataset needed, one there: its id, nothing noted");
	run_done(&r);

	/* Images-Disc1 is a dataset with its metadata protected. */
	prepare(krios, "Images-Disc1", &doc, &r);
	like(message(&r), "^Cannot set the JSON metadata of " KRIOS "/Images-Disc1: ",
	     "metadata that cannot be set: the error names the step and the folder");
	run_done(&r);
}

static void
test_cancel(void)
{
	struct od_ingest_prep all = { .make_dataset = true, .document = DOC };
	struct run r = { 0 };
	char *id;

	if (!(r.op = od_ingest_prepare(zone, tem, "prep/cancelled", &all, on_note, on_done, &r)))
		bail("starting", NULL);
	od_op_cancel(r.op);
	ok(r.calls == 0, "cancelling does not call back at once");
	od_engine_run(engine, NULL);
	ok(r.calls == 1 && r.err && r.err->kind == OD_ERR_CANCELLED && !*r.notes, "it ends cancelled, nothing done");
	run_done(&r);

	r.cancel_after = "made";
	prepare(tem, "prep/cancelled", &all, &r);
	ok(r.calls == 1 && r.err && r.err->kind == OD_ERR_CANCELLED, "cancelled from a note: it ends cancelled");
	is(r.notes, "made", "after that step");
	run_done(&r);
	id = resolve(tem, "prep/cancelled");
	all.make_dataset = false;
	prepare(tem, "prep/cancelled", &all, &r);
	ok(id && !r.err && od_str_eq(r.file_id, id), "the folder made stays");
	is(r.notes, "set:json", "the rest is left to do");
	run_done(&r);
	free(id);
}

static void
on_spaces(struct od_error *err, void *ud)
{
	*(struct od_error **)ud = err;
}

int
main(int argc, char **argv)
{
	struct od_engine_opts o = { .max_retries = 0 };
	struct od_error *err = NULL;
	const cJSON *tokens, *z;
	cJSON *info;
	char *text;

	if (argc != 2 || !(text = slurp(argv[1]))) {
		plan_skip_all("no zone.json given (run through ingest-prep.py)");
		return 0;
	}
	info = cJSON_Parse(text);
	free(text);
	o.ca_file = cJSON_GetStringValue(cJSON_GetObjectItem(info, "ca"));
	tokens = cJSON_GetObjectItem(info, "tokens");
	z = cJSON_GetObjectItem(info, "zone");
	if ((err = od_engine_new(&o, &engine)) ||
	    od_engine_set_token(engine, cJSON_GetStringValue(cJSON_GetObjectItem(tokens, "alice"))) ||
	    (err = od_zone_new(engine, cJSON_GetStringValue(cJSON_GetObjectItem(z, "url")), NULL, &zone)) ||
	    !od_zone_load_spaces(zone, on_spaces, &err))
		bail("setting up", err);
	od_engine_run(engine, NULL);
	if (err || (err = od_zone_find_space(zone, "TEM Materials", &tem)) ||
	    (err = od_zone_find_space(zone, KRIOS, &krios)))
		bail("the spaces", err);

	test_folder();
	test_dataset_and_meta(cJSON_GetObjectItem(info, "datasets"));
	test_cancel();
	od_zone_free(zone);
	od_engine_free(engine);
	cJSON_Delete(info);
	return done_testing();
}
