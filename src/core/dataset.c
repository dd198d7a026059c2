/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dataset.c: establishing, changing and removing datasets; archives and
 * their recalls. */
#include "config.h"

#include "onetui/dataset.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/str.h"

#include "pcall.h"

/* Add key: [flag names] to body (nothing for no flags when optional). */
static bool
add_flags(cJSON *body, const char *key, unsigned flags, bool optional)
{
	cJSON *arr;

	if (!flags && optional)
		return true;
	if (!(arr = cJSON_AddArrayToObject(body, key)))
		return false;
	for (unsigned flag = OD_PROTECT_DATA; flag <= OD_PROTECT_METADATA; flag <<= 1)
		if ((flags & flag) && !cJSON_AddItemToArray(arr, cJSON_CreateString(od_protection_name(flag))))
			return false;
	return true;
}

/* --- datasets --------------------------------------------------------------------- */

struct od_op *
od_dataset_establish(struct od_zone *z, struct od_space *s, const char *file_id, unsigned protection,
		     od_file_id_fn *fn, void *ud)
{
	cJSON *body = cJSON_CreateObject();
	char *json = od_json_take_text(body, body && cJSON_AddStringToObject(body, "rootFileId", file_id) &&
						     add_flags(body, "protectionFlags", protection, true));
	struct od_op *op = json ? pcall_id(z, s, OD_POST, od_strdup("/datasets"), json, "datasetId", fn, ud) : NULL;

	cJSON_free(json);
	return op;
}

struct od_op *
od_dataset_update(struct od_zone *z, struct od_space *s, const char *dataset_id,
		  const struct od_dataset_change *change, od_done_fn *fn, void *ud)
{
	cJSON *body = cJSON_CreateObject();
	char *json = od_json_take_text(body, body &&
						     (!change->state || cJSON_AddStringToObject(body, "state", change->state)) &&
						     add_flags(body, "setProtectionFlags", change->set, true) &&
						     add_flags(body, "unsetProtectionFlags", change->unset, true));
	struct od_op *op = json ? pcall_nothing(z, s, OD_PATCH, id_path("/datasets/", dataset_id, ""), json, fn, ud)
				: NULL;

	cJSON_free(json);
	return op;
}

struct od_op *
od_dataset_remove(struct od_zone *z, struct od_space *s, const char *dataset_id, od_done_fn *fn, void *ud)
{
	return pcall_nothing(z, s, OD_DELETE, id_path("/datasets/", dataset_id, ""), NULL, fn, ud);
}

/* --- archives --------------------------------------------------------------------- */

static const char *const layouts[] = { "plain", "bagit" };

void
od_archive_config_init(struct od_archive_config *c)
{
	*c = (struct od_archive_config){ .layout = OD_ARCHIVE_PLAIN, .follow_symlinks = true };
}

static bool
add_config(cJSON *body, const struct od_archive_config *c)
{
	cJSON *config = cJSON_AddObjectToObject(body, "config");
	cJSON *incremental = config ? cJSON_AddObjectToObject(config, "incremental") : NULL;

	return incremental && cJSON_AddBoolToObject(incremental, "enabled", c->incremental) &&
	       (!c->incremental || !c->based_on || cJSON_AddStringToObject(incremental, "basedOn", c->based_on)) &&
	       cJSON_AddStringToObject(config, "layout", layouts[c->layout]) &&
	       cJSON_AddBoolToObject(config, "includeDip", c->include_dip) &&
	       cJSON_AddBoolToObject(config, "createNestedArchives", c->nested) &&
	       cJSON_AddBoolToObject(config, "followSymlinks", c->follow_symlinks);
}

struct od_op *
od_archive_create(struct od_zone *z, struct od_space *s, const char *dataset_id, const struct od_archive_config *c,
		  const char *description, od_file_id_fn *fn, void *ud)
{
	cJSON *body = cJSON_CreateObject();
	char *json = od_json_take_text(body, body && cJSON_AddStringToObject(body, "datasetId", dataset_id) &&
						     add_config(body, c) &&
						     (!description || cJSON_AddStringToObject(body, "description", description)));
	struct od_op *op = json ? pcall_id(z, s, OD_POST, od_strdup("/archives"), json, "archiveId", fn, ud) : NULL;

	cJSON_free(json);
	return op;
}

bool
od_archive_settled(const char *state)
{
	static const char *const settled[] = { "preserved", "failed", "verification_failed", "cancelled" };

	for (size_t i = 0; state && i < OD_ARRAY_SIZE(settled); i++)
		if (strcmp(state, settled[i]) == 0)
			return true;
	return false;
}

/* A callback and its data, for the calls that parse one record. */
struct record_call {
	struct od_op base;	/* for chained calls: the request in flight is sub */
	struct od_zone *z;
	struct od_space *s;
	char *root_id;
	cJSON *details;		/* a recall's details while its progress is asked */
	void *fn;
	void *ud;
};

static struct record_call *
record_call_new(void *fn, void *ud)
{
	struct record_call *c = calloc(1, sizeof(*c));

	if (c) {
		c->fn = fn;
		c->ud = ud;
	}
	return c;
}

static void
record_call_free(struct record_call *c)
{
	cJSON_Delete(c->details);
	free(c->root_id);
	free(c);
}

static int64_t
number(const cJSON *obj, const char *key)
{
	int64_t v;

	return od_json_is_integer(cJSON_GetObjectItemCaseSensitive(obj, key), &v) ? v : -1;
}

static bool
flag(const cJSON *obj, const char *key, bool absent)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : absent;
}

static struct od_error *
parse_archive(const cJSON *root, struct od_archive *a)
{
	const char *what = _("the provider's archive record");
	const cJSON *config, *stats;
	struct od_error *err;

	memset(a, 0, sizeof(*a));
	if (!root)
		return od_error_new(OD_ERR_INPUT, _("%s is empty"), what);
	if ((err = od_json_str(root, "archiveId", what, &a->id)) || (err = od_json_str(root, "state", what, &a->state)) ||
	    (err = od_json_str(root, "datasetId", what, &a->dataset_id)))
		return err;
	a->raw = root;
	a->root_dir_id = od_json_get_str(root, "rootDirectoryId");
	a->description = od_json_get_str(root, "description");
	a->creator = od_json_get_str(root, "creator");
	a->base_id = od_json_get_str(root, "baseArchiveId");
	a->created = number(root, "creationTime");
	config = cJSON_GetObjectItemCaseSensitive(root, "config");
	a->layout = od_json_get_str(config, "layout");
	a->include_dip = flag(config, "includeDip", false);
	a->nested = flag(config, "createNestedArchives", false);
	a->follow_symlinks = flag(config, "followSymlinks", true);
	a->incremental = flag(cJSON_GetObjectItemCaseSensitive(config, "incremental"), "enabled", false);
	stats = cJSON_GetObjectItemCaseSensitive(root, "stats");
	a->files_archived = number(stats, "filesArchived");
	a->files_failed = number(stats, "filesFailed");
	a->bytes_archived = number(stats, "bytesArchived");
	return NULL;
}

static void
on_archive(const cJSON *root, struct od_error *err, void *ud)
{
	struct record_call *c = ud;
	struct od_archive a;

	if (!err)
		err = parse_archive(root, &a);
	((od_archive_fn *)c->fn)(err ? NULL : &a, err, c->ud);
	record_call_free(c);
}

struct od_op *
od_archive_get(struct od_zone *z, struct od_space *s, const char *archive_id, od_archive_fn *fn, void *ud)
{
	struct record_call *c = record_call_new((void *)fn, ud);
	struct od_op *op = c ? pcall_json(z, s, OD_GET, id_path("/archives/", archive_id, ""), NULL,
					  _("the provider's archive record"), on_archive, c)
			     : NULL;

	if (!op)
		free(c);
	return op;
}

struct od_op *
od_archive_list(struct od_zone *z, struct od_space *s, const char *dataset_id, od_ids_fn *page, od_done_fn *done,
		void *ud)
{
	return pcall_ids(z, s, id_path("/datasets/", dataset_id, "/archives?limit=1000"), "token", "archives",
			 N_("the provider's list of archives"), page, done, ud);
}

struct od_op *
od_archive_delete(struct od_zone *z, struct od_space *s, const char *archive_id, od_done_fn *fn, void *ud)
{
	return pcall_nothing(z, s, OD_POST, id_path("/archives/", archive_id, "/delete"), "{}", fn, ud);
}

struct od_op *
od_archive_recall(struct od_zone *z, struct od_space *s, const char *archive_id, const char *parent_id,
		  const char *name, od_file_id_fn *fn, void *ud)
{
	cJSON *body = cJSON_CreateObject();
	char *json = od_json_take_text(body, body && cJSON_AddStringToObject(body, "parentDirectoryId", parent_id) &&
						     (!name || cJSON_AddStringToObject(body, "targetFileName", name)));
	struct od_op *op = json ? pcall_id(z, s, OD_POST, id_path("/archives/", archive_id, "/recall"), json,
					   "rootFileId", fn, ud)
				: NULL;

	cJSON_free(json);
	return op;
}

/* --- recalls ---------------------------------------------------------------------- */

static const char details_what[] = N_("the provider's recall details");

static void
recall_deliver(struct record_call *c, const cJSON *progress, struct od_error *err)
{
	const cJSON *d = c->details, *last;
	struct od_recall r = { 0 };

	if (!err)
		err = od_json_str(d, "archiveId", _(details_what), &r.archive_id);
	if (err) {
		((od_recall_fn *)c->fn)(NULL, err, c->ud);
		record_call_free(c);
		return;
	}
	r.dataset_id = od_json_get_str(d, "datasetId");
	r.start_ms = number(d, "startTime");
	r.finish_ms = number(d, "finishTime");
	r.total_files = number(d, "totalFileCount");
	r.total_bytes = number(d, "totalByteSize");
	if (cJSON_IsObject(last = cJSON_GetObjectItemCaseSensitive(d, "lastError"))) {
		const cJSON *reason = cJSON_GetObjectItemCaseSensitive(last, "reason");
		r.error_file_id = od_json_get_str(last, "fileId");
		r.error = od_json_get_str(reason, "description");
		if (!r.error)
			r.error = od_json_get_str(reason, "id");
	}
	r.files_copied = number(progress, "filesCopied");
	r.bytes_copied = number(progress, "bytesCopied");
	r.files_failed = number(progress, "filesFailed");
	((od_recall_fn *)c->fn)(&r, NULL, c->ud);
	record_call_free(c);
}

/* Progress is known only where the recall runs: a refusal elsewhere is
 * not an error of the whole call. */
static void
on_progress(const cJSON *root, struct od_error *err, void *ud)
{
	struct record_call *c = ud;

	c->base.sub = NULL;
	if (err && err->kind != OD_ERR_CANCELLED && !c->base.cancelled) {
		od_error_free(err);
		err = NULL;
		root = NULL;
	}
	recall_deliver(c, root, err);
}

static void
on_details(const cJSON *root, struct od_error *err, void *ud)
{
	struct record_call *c = ud;

	c->base.sub = NULL;
	if (!err && !root)
		err = od_error_new(OD_ERR_INPUT, _("%s is empty"), _(details_what));
	if (!err && !(c->details = cJSON_Duplicate(root, true)))
		err = od_error_nomem();
	if (!err && c->base.cancelled)
		err = od_error_new(OD_ERR_CANCELLED, _("cancelled"));
	if (!err) {
		c->base.sub = pcall_json(c->z, c->s, OD_GET, data_path(c->root_id, "/recall/progress"), NULL,
					 _("the provider's recall progress"), on_progress, c);
		if (c->base.sub)
			return;
		err = od_error_nomem();
	}
	recall_deliver(c, NULL, err);
}

struct od_op *
od_recall_get(struct od_zone *z, struct od_space *s, const char *root_id, od_recall_fn *fn, void *ud)
{
	struct record_call *c = record_call_new((void *)fn, ud);

	if (!c || !(c->root_id = od_strdup(root_id))) {
		free(c);
		return NULL;
	}
	c->z = z;
	c->s = s;
	c->base.sub = pcall_json(z, s, OD_GET, data_path(root_id, "/recall/details"), NULL, _(details_what), on_details,
				 c);
	if (!c->base.sub) {
		record_call_free(c);
		return NULL;
	}
	return &c->base;
}

struct od_op *
od_recall_cancel(struct od_zone *z, struct od_space *s, const char *root_id, od_done_fn *fn, void *ud)
{
	return pcall_nothing(z, s, OD_POST, data_path(root_id, "/recall/cancel"), NULL, fn, ud);
}
