/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest-prep.c: an ingest session's destination made ready
 * (ingest-prep.h), one request after another: the folder found (or
 * made), its type, its dataset (or a new one), then each kind of
 * metadata read and, unless it says so already, set. */
#include "config.h"

#include "onetui/ingest-prep.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/attrs.h"
#include "onetui/compiler.h"
#include "onetui/dataset.h"
#include "onetui/fileinfo.h"
#include "onetui/fileops.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/metatext.h"
#include "onetui/provider.h"
#include "onetui/str.h"
#include "onetui/yaml.h"

#include "engine-int.h"

/* What tells the error of a folder without a dataset from the others. */
#define NO_DATASET_ERRNO ENODATA

/* The kinds of metadata set, in this order. */
static const enum od_meta_kind meta_kinds[] = { OD_META_JSON, OD_META_XATTRS };	/* document, xattrs */

struct prep {
	struct od_op base;
	struct od_zone *z;
	struct od_space *space;
	char *path;			/* inside the space, without a leading '/' */
	char *name;			/* SPACE/PATH, for the messages */
	bool make_dataset, need_dataset;
	char *meta[OD_ARRAY_SIZE(meta_kinds)];	/* the text of each kind to set, or NULL */
	size_t at;			/* the kind being set */
	od_ingest_prep_note_fn *note;
	od_ingest_prep_fn *done;
	void *ud;
	char *file_id, *dataset_id;
};

static void
prep_free(struct prep *op)
{
	free(op->path);
	free(op->name);
	for (size_t i = 0; i < OD_ARRAY_SIZE(op->meta); i++)
		free(op->meta[i]);
	free(op->file_id);
	free(op->dataset_id);
	free(op);
}

static void
finish(struct prep *op, struct od_error *err)
{
	struct od_ingest_prep_result r = { .file_id = op->file_id, .dataset_id = op->dataset_id };

	if (!err && op->base.cancelled)
		err = od_error_new(OD_ERR_CANCELLED, _("cancelled"));
	op->done(err ? NULL : &r, err, op->ud);
	prep_free(op);
}

/* Move on with sub (NULL: memory ran out); a note's callback may have
 * cancelled the operation on the way. */
static void
then(struct prep *op, struct od_op *sub)
{
	op->base.sub = sub;
	if (!sub)
		finish(op, od_error_nomem());
	else if (op->base.cancelled)
		od_op_cancel(sub);
}

/* Keep a copy of id in *slot; false, the operation ended, when memory ran out. */
static bool
keep(struct prep *op, char **slot, const char *id)
{
	if ((*slot = strdup(id)))
		return true;
	finish(op, od_error_nomem());
	return false;
}

static void
tell(struct prep *op, enum od_ingest_prep_step step, enum od_meta_kind kind)
{
	struct od_ingest_prep_note n = { .step = step, .kind = kind, .dataset_id = op->dataset_id };

	if (op->note)
		op->note(&n, op->ud);
}

static void
no_dataset(struct prep *op)
{
	struct od_error *err = od_error_new(OD_ERR_INPUT, _("%s has no dataset"), op->name);

	if (err->kind == OD_ERR_INPUT)	/* not the shared out-of-memory error */
		err->sys_errno = NO_DATASET_ERRNO;
	finish(op, err);
}

bool
od_ingest_prep_no_dataset(const struct od_error *err)
{
	return err && err->kind == OD_ERR_INPUT && err->sys_errno == NO_DATASET_ERRNO;
}

/* --- the metadata ------------------------------------------------------------------------ */

/* Whether the metadata of kind there (now, NULL: none) says text
 * already: the whole document (JSON), or every attribute of text
 * (xattrs). Anything that does not parse is not known to: it is set. */
static bool
already(enum od_meta_kind kind, const char *now, size_t len, const char *text)
{
	cJSON *have, *want;
	const cJSON *item;
	bool same;

	if (!now)
		return false;
	if (kind == OD_META_JSON)
		return od_meta_same(kind, now, len, text, strlen(text));
	have = cJSON_ParseWithLength(now, len);
	want = cJSON_Parse(text);
	same = have && want;
	cJSON_ArrayForEach(item, want)
		if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(have, item->string), item, true))
			same = false;
	cJSON_Delete(have);
	cJSON_Delete(want);
	return same;
}

static void on_meta(const char *text, size_t len, struct od_error *err, void *ud);

/* Read the next kind of metadata to set; the end after the last. */
static void
next_meta(struct prep *op)
{
	while (op->at < OD_ARRAY_SIZE(meta_kinds) && !op->meta[op->at])
		op->at++;
	if (op->at == OD_ARRAY_SIZE(meta_kinds))
		finish(op, NULL);
	else
		then(op, od_meta_get(op->z, op->space, op->file_id, meta_kinds[op->at], NULL, on_meta, op));
}

static void
on_put(struct od_error *err, void *ud)
{
	struct prep *op = ud;
	enum od_meta_kind kind = meta_kinds[op->at];

	op->base.sub = NULL;
	if (err) {
		od_error_prefix(err, _("Cannot set the %s of %s"), od_meta_kind_words(kind), op->name);
		finish(op, err);
		return;
	}
	tell(op, OD_PREP_META_SET, kind);
	op->at++;
	next_meta(op);
}

/* Set it unless it says so already, so that a run again under metadata
 * protection is no error. */
static void
on_meta(const char *text, size_t len, struct od_error *err, void *ud)
{
	struct prep *op = ud;
	enum od_meta_kind kind = meta_kinds[op->at];

	op->base.sub = NULL;
	if (err) {
		od_error_prefix(err, _("Cannot read the %s of %s"), od_meta_kind_words(kind), op->name);
		finish(op, err);
		return;
	}
	if (!already(kind, text, len, op->meta[op->at])) {
		then(op, od_meta_put(op->z, op->space, op->file_id, kind, NULL, op->meta[op->at], on_put, op));
		return;
	}
	tell(op, OD_PREP_META_SAME, kind);
	op->at++;
	next_meta(op);
}

/* --- the dataset -------------------------------------------------------------------------- */

static void
on_established(const char *id, struct od_error *err, void *ud)
{
	struct prep *op = ud;

	op->base.sub = NULL;
	if (err) {
		od_error_prefix(err, _("Cannot establish a dataset on %s"), op->name);
		finish(op, err);
		return;
	}
	if (!keep(op, &op->dataset_id, id))
		return;
	tell(op, OD_PREP_DATASET_ESTABLISHED, 0);
	next_meta(op);
}

static void
on_summary(const struct od_dataset_summary *d, struct od_error *err, void *ud)
{
	struct prep *op = ud;

	op->base.sub = NULL;
	if (err) {
		od_error_prefix(err, _("Cannot read the dataset of %s"), op->name);
		finish(op, err);
		return;
	}
	if (!d->direct && !op->make_dataset) {
		no_dataset(op);
		return;
	}
	if (!d->direct) {
		then(op, od_dataset_establish(op->z, op->space, op->file_id, 0, on_established, op));
		return;
	}
	if (!keep(op, &op->dataset_id, d->direct))
		return;
	if (op->make_dataset)
		tell(op, OD_PREP_DATASET_EXISTING, 0);
	next_meta(op);
}

/* The folder is there: its dataset, when asked about, then the metadata. */
static void
find_dataset(struct prep *op)
{
	if (op->make_dataset || op->need_dataset)
		then(op, od_file_dataset_summary(op->z, op->space, op->file_id, on_summary, op));
	else
		next_meta(op);
}

/* --- the folder --------------------------------------------------------------------------- */

static void
on_made(const char *file_id, struct od_error *err, void *ud)
{
	struct prep *op = ud;

	op->base.sub = NULL;
	if (err) {
		od_error_prefix(err, _("Cannot make the folder %s"), op->name);
		finish(op, err);
		return;
	}
	if (!keep(op, &op->file_id, file_id))
		return;
	tell(op, OD_PREP_FOLDER_MADE, 0);
	find_dataset(op);
}

static void
on_stat(const struct od_attrs *a, struct od_error *err, void *ud)
{
	struct prep *op = ud;

	op->base.sub = NULL;
	if (err) {
		od_error_prefix(err, _("Cannot access %s"), op->name);
		finish(op, err);
	} else if (a->type != OD_FILE_DIR) {
		finish(op, od_error_new(OD_ERR_INPUT, _("%s is not a folder"), op->name));
	} else {
		find_dataset(op);
	}
}

/* A missing folder is made unless only a dataset is needed: a new folder
 * has none, and nothing would establish one. */
static void
on_resolved(const char *file_id, struct od_error *err, void *ud)
{
	struct prep *op = ud;
	bool makes = op->make_dataset || op->meta[0] || op->meta[1];

	op->base.sub = NULL;
	if (err && err->kind == OD_ERR_POSIX && err->sys_errno == ENOENT) {
		od_error_free(err);
		if (op->need_dataset && !makes)
			no_dataset(op);
		else
			then(op, od_file_mkdirs(op->z, op->space, op->space->root_id, op->path, on_made, op));
		return;
	}
	if (err) {
		od_error_prefix(err, _("Cannot access %s"), op->name);
		finish(op, err);
		return;
	}
	if (!keep(op, &op->file_id, file_id))
		return;
	then(op, od_provider_stat(op->z, op->space, op->file_id, OD_ATTR_TYPE, on_stat, op));
}

struct od_op *
od_ingest_prepare(struct od_zone *z, struct od_space *s, const char *path, const struct od_ingest_prep *p,
		  od_ingest_prep_note_fn *note, od_ingest_prep_fn *done, void *ud)
{
	struct prep *op = calloc(1, sizeof(*op));

	if (!op)
		return NULL;
	while (*path == '/')
		path++;
	*op = (struct prep){ .z = z, .space = s, .make_dataset = p->make_dataset, .need_dataset = p->need_dataset,
			     .note = note, .done = done, .ud = ud };
	if (!(op->path = strdup(path)) ||
	    !(op->name = *path ? od_asprintf("%s/%s", s->name, path) : strdup(s->name)) ||
	    (p->document && !(op->meta[0] = strdup(p->document))) ||
	    (p->xattrs && !(op->meta[1] = strdup(p->xattrs))) ||
	    !(op->base.sub = od_provider_resolve(z, s, path, on_resolved, op))) {
		prep_free(op);
		return NULL;
	}
	return &op->base;
}

/* Whether s ends with tail, in any case (acquisition software on
 * Windows writes META.YAML). */
static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && od_str_ieq(s + n - m, tail);
}

/* A YAML sidecar as JSON text (caller frees). */
static struct od_error *
yaml_sidecar(const char *text, size_t len, char **json)
{
	struct od_error *err;
	cJSON *doc;

	if ((err = od_yaml_to_json(text, len, &doc)))
		return err;
	if (!cJSON_IsObject(doc))
		err = od_error_new(OD_ERR_INPUT,
				   _("the metadata must be a YAML mapping (KEY: VALUE lines)"));
	else if (!(*json = cJSON_PrintUnformatted(doc)))
		err = od_error_nomem();
	cJSON_Delete(doc);
	return err;
}

struct od_error *
od_ingest_sidecar_read(const char *name, const char *text, size_t len, char **json_out)
{
	struct od_text_pos pos;
	struct od_error *err = NULL;
	cJSON *doc = NULL;
	char *json = NULL;

	*json_out = NULL;
	if (ends_with(name, ".yaml") || ends_with(name, ".yml")) {
		if (!(err = yaml_sidecar(text, len, &json)))
			len = strlen(json);
	} else if (!(json = od_strndup(text, len))) {
		err = od_error_nomem();
	}
	/* What YAML gave is checked as any JSON metadata is, as well. */
	if (!err && !(err = od_meta_check(OD_META_JSON, json, len, &pos)))
		err = od_json_parse_object(json, len, _("the metadata"), &doc);
	cJSON_Delete(doc);
	if (err) {
		free(json);
		od_error_prefix(err, "%s", name);
		return err;
	}
	*json_out = json;
	return NULL;
}
