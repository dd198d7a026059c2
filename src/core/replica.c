/* SPDX-License-Identifier: GPL-3.0-or-later */
/* replica.c: replication, eviction and migration transfers; QoS
 * requirements. */
#include "config.h"

#include "onetui/replica.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/str.h"
#include "onetui/url.h"

#include "pcall.h"

bool
od_transfer_ended(const char *status)
{
	static const char *const ended[] = { "completed", "failed", "cancelled", "skipped" };

	for (size_t i = 0; status && i < OD_ARRAY_SIZE(ended); i++)
		if (strcmp(status, ended[i]) == 0)
			return true;
	return false;
}

double
od_transfer_rate(const struct od_transfer *t)
{
	const cJSON *provider, *v;
	double bytes = 0;
	int windows = 0;

	if (!cJSON_IsObject(t->min_hist))
		return -1;
	/* 5 s windows over the last minute, per provider: their sum over the
	 * time they span. */
	cJSON_ArrayForEach(provider, t->min_hist) {
		int n = 0;
		cJSON_ArrayForEach(v, provider) {
			if (cJSON_IsNumber(v) && v->valuedouble >= 0)
				bytes += v->valuedouble;
			n++;
		}
		if (n > windows)
			windows = n;
	}
	return windows ? bytes / (windows * 5.0) : -1;
}

/* --- creating ---------------------------------------------------------------------- */

struct od_op *
od_transfer_create(struct od_zone *z, struct od_space *s, enum od_transfer_type type, const char *file_id,
		   const char *to, const char *from, od_file_id_fn *fn, void *ud)
{
	static const char *const names[] = { "replication", "eviction", "migration" };
	cJSON *body = cJSON_CreateObject();
	struct od_op *op = NULL;
	char *json;

	if (!body || !cJSON_AddStringToObject(body, "type", names[type]) ||
	    !cJSON_AddStringToObject(body, "dataSourceType", "file") || !cJSON_AddStringToObject(body, "fileId", file_id) ||
	    (to && !cJSON_AddStringToObject(body, "replicatingProviderId", to)) ||
	    (from && !cJSON_AddStringToObject(body, "evictingProviderId", from))) {
		cJSON_Delete(body);
		return NULL;
	}
	if ((json = cJSON_PrintUnformatted(body))) {
		op = pcall_id(z, s, OD_POST, od_strdup("/transfers"), json, "transferId", fn, ud);
		cJSON_free(json);
	}
	cJSON_Delete(body);
	return op;
}

struct od_op *
od_transfer_cancel(struct od_zone *z, struct od_space *s, const char *tid, od_done_fn *fn, void *ud)
{
	return pcall_nothing(z, s, OD_DELETE, id_path("/transfers/", tid, ""), NULL, fn, ud);
}

struct od_op *
od_transfer_rerun(struct od_zone *z, struct od_space *s, const char *tid, od_file_id_fn *fn, void *ud)
{
	return pcall_id(z, s, OD_POST, id_path("/transfers/", tid, "/rerun"), NULL, "transferId", fn, ud);
}

/* --- reading ------------------------------------------------------------------------ */

struct get_call {
	od_transfer_fn *fn;
	void *ud;
};

static int64_t
count(const cJSON *root, const char *key)
{
	int64_t v;

	return od_json_is_integer(cJSON_GetObjectItemCaseSensitive(root, key), &v) ? v : -1;
}

static void
on_transfer(const cJSON *root, struct od_error *err, void *ud)
{
	struct get_call *c = ud;
	struct od_transfer t = { 0 };

	if (!err && !root)
		err = od_error_new(OD_ERR_INPUT, _("the provider's transfer record is empty"));
	if (!err) {
		t.raw = root;
		t.type = od_json_get_str(root, "type");
		t.status = od_json_get_str(root, "transferStatus");
		if (!t.type || !t.status)
			err = od_error_new(OD_ERR_INPUT, _("the provider's transfer record lacks its type or status"));
	}
	if (err) {
		c->fn(NULL, err, c->ud);
		free(c);
		return;
	}
	t.replication_status = od_json_get_str(root, "replicationStatus");
	t.eviction_status = od_json_get_str(root, "evictionStatus");
	t.user_id = od_json_get_str(root, "userId");
	t.space_id = od_json_get_str(root, "spaceId");
	t.file_id = od_json_get_str(root, "fileId");
	t.file_path = od_json_get_str(root, "filePath");
	t.replicating_provider = od_json_get_str(root, "replicatingProviderId");
	t.evicting_provider = od_json_get_str(root, "evictingProviderId");
	t.rerun_id = od_json_get_str(root, "rerunId");
	t.files_to_process = count(root, "filesToProcess");
	t.files_processed = count(root, "filesProcessed");
	t.files_replicated = count(root, "filesReplicated");
	t.files_evicted = count(root, "filesEvicted");
	t.files_failed = count(root, "filesFailed");
	t.bytes_replicated = count(root, "bytesReplicated");
	t.schedule_time = count(root, "scheduleTime");
	t.start_time = count(root, "startTime");
	t.finish_time = count(root, "finishTime");
	t.last_update = count(root, "lastUpdate");
	t.min_hist = cJSON_GetObjectItemCaseSensitive(root, "minHist");
	c->fn(&t, NULL, c->ud);
	free(c);
}

struct od_op *
od_transfer_get(struct od_zone *z, struct od_space *s, const char *tid, od_transfer_fn *fn, void *ud)
{
	struct get_call *c = calloc(1, sizeof(*c));
	struct od_op *op;

	if (!c)
		return NULL;
	c->fn = fn;
	c->ud = ud;
	op = pcall_json(z, s, OD_GET, id_path("/transfers/", tid, ""), NULL, _("the provider's transfer record"),
			on_transfer, c);
	if (!op)
		free(c);
	return op;
}

/* --- listing ------------------------------------------------------------------------ */

struct od_op *
od_transfer_list(struct od_zone *z, struct od_space *s, const char *state, od_ids_fn *page, od_done_fn *done,
		 void *ud)
{
	char *base = id_path("/spaces/", s->id, "/transfers?limit=1000&state=");
	struct od_buf b;

	if (!base)
		return NULL;
	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_adds(&b, base) || od_url_escape(&b, state)) {
		free(base);
		od_buf_done(&b);
		return NULL;
	}
	free(base);
	return pcall_ids(z, s, od_buf_steal(&b), "page_token", "transfers", N_("the provider's list of transfers"),
			 page, done, ud);
}

/* --- QoS ------------------------------------------------------------------------------ */

struct od_op *
od_qos_add(struct od_zone *z, struct od_space *s, const char *file_id, const char *expression, int replicas,
	   od_file_id_fn *fn, void *ud)
{
	cJSON *body = cJSON_CreateObject();
	struct od_op *op = NULL;
	char *json;

	if (!body || !cJSON_AddStringToObject(body, "fileId", file_id) ||
	    !cJSON_AddStringToObject(body, "expression", expression) ||
	    !cJSON_AddNumberToObject(body, "replicasNum", replicas)) {
		cJSON_Delete(body);
		return NULL;
	}
	if ((json = cJSON_PrintUnformatted(body))) {
		op = pcall_id(z, s, OD_POST, od_strdup("/qos_requirements"), json, "qosRequirementId", fn, ud);
		cJSON_free(json);
	}
	cJSON_Delete(body);
	return op;
}

struct od_op *
od_qos_remove(struct od_zone *z, struct od_space *s, const char *qid, od_done_fn *fn, void *ud)
{
	return pcall_nothing(z, s, OD_DELETE, id_path("/qos_requirements/", qid, ""), NULL, fn, ud);
}

struct eval_call {
	od_qos_matches_fn *fn;
	void *ud;
};

static void
on_matches(const cJSON *root, struct od_error *err, void *ud)
{
	struct eval_call *c = ud;
	const char *what = _("the provider's evaluation of the expression");
	const cJSON *arr = NULL, *e;
	struct od_qos_match *m = NULL;
	size_t n = 0;

	if (!err && !root)
		err = od_error_new(OD_ERR_INPUT, _("%s is empty"), what);
	if (!err)
		err = od_json_array(root, "matchingStorages", what, &arr);
	if (!err && !(m = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*m))))
		err = od_error_nomem();
	if (!err) {
		cJSON_ArrayForEach(e, arr) {
			if ((err = od_json_str(e, "id", what, &m[n].id)))
				break;
			m[n].name = od_json_get_str(e, "name");
			m[n].provider_id = od_json_get_str(e, "providerId");
			n++;
		}
	}
	c->fn(err ? NULL : m, err ? 0 : n, err, c->ud);
	free(m);
	free(c);
}

struct od_op *
od_qos_evaluate(struct od_zone *z, struct od_space *s, const char *expression, od_qos_matches_fn *fn, void *ud)
{
	struct eval_call *c = calloc(1, sizeof(*c));
	cJSON *body = cJSON_CreateObject();
	struct od_op *op = NULL;
	char *json = NULL;

	if (c && body && cJSON_AddStringToObject(body, "expression", expression) &&
	    (json = cJSON_PrintUnformatted(body))) {
		c->fn = fn;
		c->ud = ud;
		op = pcall_json(z, s, OD_POST, id_path("/spaces/", s->id, "/evaluate_qos_expression"), json,
				_("the provider's evaluation of the expression"), on_matches, c);
	}
	if (!op)
		free(c);
	cJSON_free(json);
	cJSON_Delete(body);
	return op;
}
