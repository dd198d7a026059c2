/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fileinfo.c: distribution, directory statistics, dataset and QoS
 * summaries, shares and datasets, from the provider that serves a space. */
#include "config.h"

#include "onetui/fileinfo.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/share.h"
#include "onetui/str.h"
#include "onetui/url.h"

#include "pcall.h"

/* --- one GET, one object ------------------------------------------------------ */

struct get_op;
typedef struct od_error *deliver_fn(struct get_op *g, const cJSON *root);

struct get_op {
	struct pcall c;
	const char *what;	/* N_() name of the reply, for messages */
	deliver_fn *deliver;	/* parses root and calls fn; its error goes to fn */
	void (*fail)(struct get_op *g, struct od_error *err);
	void *fn;
	void *ud;
};

static void
get_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	struct get_op *g = (struct get_op *)c;
	cJSON *root = NULL;

	if (!err)
		err = od_req_json(req, _(g->what), &root);
	if (!err)
		err = g->deliver(g, root);
	if (err)
		g->fail(g, err);
	cJSON_Delete(root);
	pcall_done_free(c);
	free(g);
}

/* Start a GET of path (taken over) with an optional JSON body. */
static struct od_op *
start_get(struct od_zone *z, struct od_space *s, char *path, const char *json, const char *what,
	  deliver_fn *deliver, void (*fail)(struct get_op *, struct od_error *), void *fn, void *ud)
{
	struct get_op *g = calloc(1, sizeof(*g));
	struct od_error *err;

	if (!g) {
		free(path);
		return NULL;
	}
	g->c.z = z;
	g->c.s = s;
	g->what = what;
	g->deliver = deliver;
	g->fail = fail;
	g->fn = fn;
	g->ud = ud;
	err = pcall_send_json(&g->c, OD_GET, path, json, get_reply);
	if (err) {
		od_error_free(err);
		pcall_done_free(&g->c);
		free(g);
		return NULL;
	}
	return &g->c.base;
}

/* An array of strings, checked; *out holds borrowed pointers (caller
 * frees the array). */
static struct od_error *
string_array(const cJSON *arr, const char *key, const char *what, const char ***out, size_t *n)
{
	const cJSON *e;

	*n = 0;
	*out = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(**out));
	if (!*out)
		return od_error_nomem();
	cJSON_ArrayForEach(e, arr) {
		if (!cJSON_IsString(e))
			return od_error_new(OD_ERR_INPUT, _("%s has \"%s\" with an entry that is not a string"), what, key);
		(*out)[(*n)++] = e->valuestring;
	}
	return NULL;
}

/* OD_PROTECT_* from a list of flag names; unknown flags are ignored. */
static struct od_error *
protection_flags(const cJSON *obj, const char *key, const char *what, unsigned *out)
{
	const cJSON *arr;
	struct od_error *err = od_json_array(obj, key, what, &arr);

	*out = 0;
	return err ? err : od_protection_parse(arr, what, out);
}

/* --- distribution -------------------------------------------------------------- */

static const char distribution_what[] = N_("the provider's replica distribution");

static void
distribution_fail(struct get_op *g, struct od_error *err)
{
	((od_distribution_fn *)g->fn)(NULL, 0, err, g->ud);
}

/* A provider that failed tells why in one of its storages' errors. */
static const char *
storage_error(const cJSON *storages)
{
	const cJSON *st;

	cJSON_ArrayForEach(st, storages) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(st, "error");
		const char *d = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "description"));
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "id"));
		if (d || id)
			return d ? d : id;
	}
	return NULL;
}

static struct od_error *
distribution_deliver(struct get_op *g, const cJSON *root)
{
	const char *what = _(distribution_what);
	const cJSON *per, *p;
	struct od_replica *v;
	struct od_error *err;
	size_t n = 0;

	if ((err = od_json_object(root, "distributionPerProvider", what, &per)))
		return err;
	v = calloc((size_t)cJSON_GetArraySize(per) + 1, sizeof(*v));
	if (!v)
		return od_error_nomem();
	cJSON_ArrayForEach(p, per) {
		struct od_replica *r = &v[n++];
		const cJSON *storages = cJSON_GetObjectItemCaseSensitive(p, "distributionPerStorage"), *st;
		bool present;

		r->provider_id = p->string;
		r->size = r->held = -1;
		if ((err = od_json_bool(p, "success", what, &r->ok)) ||
		    (err = od_json_int_opt(p, "virtualSize", what, &r->size, NULL)))
			break;
		if (!r->ok) {
			r->error = storage_error(storages);
			continue;
		}
		cJSON_ArrayForEach(st, storages) {
			int64_t physical = 0;
			if ((err = od_json_int_opt(st, "physicalSize", what, &physical, &present)))
				break;
			if (present)
				r->held = (r->held < 0 ? 0 : r->held) + physical;
		}
		if (err)
			break;
	}
	if (!err)
		((od_distribution_fn *)g->fn)(v, n, NULL, g->ud);
	free(v);
	return err;
}

struct od_op *
od_file_distribution(struct od_zone *z, struct od_space *s, const char *file_id, od_distribution_fn *fn, void *ud)
{
	return start_get(z, s, data_path(file_id, "/distribution"), NULL, distribution_what, distribution_deliver,
			 distribution_fail, (void *)fn, ud);
}

/* --- directory statistics ---------------------------------------------------------- */

static const char stats_what[] = N_("the provider's directory statistics");
/* The newest monthly window of each series: its value is the current one. */
static const char stats_query[] =
	"{\"mode\":\"slice\",\"layout\":{\"total_size\":[\"month\"],\"reg_file_and_link_count\":[\"month\"],"
	"\"dir_count\":[\"month\"],\"file_errors_count\":[\"month\"],\"dir_errors_count\":[\"month\"]},"
	"\"windowLimit\":1}";

static void
stats_fail(struct get_op *g, struct od_error *err)
{
	((od_dir_stats_fn *)g->fn)(NULL, err, g->ud);
}

/* The newest value of a series; missing windows mean 0. */
static struct od_error *
newest(const cJSON *slice, const char *series, const char *what, int64_t *out)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(slice, series), *windows, *first;
	struct od_error *err;

	*out = 0;
	if (!s)
		return NULL;
	if ((err = od_json_array(s, "month", what, &windows)))
		return err;
	first = cJSON_GetArrayItem(windows, 0);
	return first ? od_json_int(first, "value", what, out) : NULL;
}

static struct od_error *
stats_deliver(struct get_op *g, const cJSON *root)
{
	const char *what = _(stats_what);
	struct od_dir_stats st;
	int64_t file_errors, dir_errors;
	const cJSON *slice;
	struct od_error *err;

	if ((err = od_json_object(root, "slice", what, &slice)) || (err = newest(slice, "total_size", what, &st.size)) ||
	    (err = newest(slice, "reg_file_and_link_count", what, &st.files)) ||
	    (err = newest(slice, "dir_count", what, &st.dirs)) ||
	    (err = newest(slice, "file_errors_count", what, &file_errors)) ||
	    (err = newest(slice, "dir_errors_count", what, &dir_errors)))
		return err;
	st.inaccurate = file_errors > 0 || dir_errors > 0;
	((od_dir_stats_fn *)g->fn)(&st, NULL, g->ud);
	return NULL;
}

struct od_op *
od_file_dir_stats(struct od_zone *z, struct od_space *s, const char *dir_id, od_dir_stats_fn *fn, void *ud)
{
	return start_get(z, s, data_path(dir_id, "/dir_size_stats"), stats_query, stats_what, stats_deliver,
			 stats_fail, (void *)fn, ud);
}

/* --- dataset summary -------------------------------------------------------------- */

static const char summary_what[] = N_("the provider's dataset summary");

static void
summary_fail(struct get_op *g, struct od_error *err)
{
	((od_dataset_summary_fn *)g->fn)(NULL, err, g->ud);
}

static struct od_error *
summary_deliver(struct get_op *g, const cJSON *root)
{
	const char *what = _(summary_what);
	struct od_dataset_summary d = { 0 };
	const char **ancestors = NULL;
	const cJSON *arr;
	struct od_error *err;

	if (!(err = od_json_str_opt(root, "directDataset", what, &d.direct, NULL)) &&
	    !(err = od_json_array(root, "effectiveAncestorDatasets", what, &arr)) &&
	    !(err = string_array(arr, "effectiveAncestorDatasets", what, &ancestors, &d.n_ancestors)) &&
	    !(err = protection_flags(root, "effectiveProtectionFlags", what, &d.protection))) {
		d.ancestors = ancestors;
		((od_dataset_summary_fn *)g->fn)(&d, NULL, g->ud);
	}
	free(ancestors);
	return err;
}

struct od_op *
od_file_dataset_summary(struct od_zone *z, struct od_space *s, const char *file_id, od_dataset_summary_fn *fn,
			void *ud)
{
	return start_get(z, s, data_path(file_id, "/dataset/summary"), NULL, summary_what, summary_deliver,
			 summary_fail, (void *)fn, ud);
}

/* --- QoS summary --------------------------------------------------------------------- */

static const char qos_what[] = N_("the provider's QoS summary");

static void
qos_fail(struct get_op *g, struct od_error *err)
{
	((od_qos_summary_fn *)g->fn)(NULL, err, g->ud);
}

static struct od_error *
qos_deliver(struct get_op *g, const cJSON *root)
{
	const char *what = _(qos_what);
	struct od_qos_summary q = { 0 };
	const char **ids = NULL, **statuses = NULL;
	const cJSON *reqs, *r;
	struct od_error *err;

	if ((err = od_json_str(root, "status", what, &q.status)) ||
	    (err = od_json_object(root, "requirements", what, &reqs)))
		return err;
	ids = calloc((size_t)cJSON_GetArraySize(reqs) + 1, sizeof(*ids));
	statuses = calloc((size_t)cJSON_GetArraySize(reqs) + 1, sizeof(*statuses));
	if (!ids || !statuses)
		err = od_error_nomem();
	cJSON_ArrayForEach(r, reqs) {
		if (err)
			break;
		if (!cJSON_IsString(r)) {
			err = od_error_new(OD_ERR_INPUT, _("%s has a requirement status that is not a string"), what);
			break;
		}
		ids[q.n] = r->string;
		statuses[q.n++] = r->valuestring;
	}
	if (!err) {
		q.ids = ids;
		q.statuses = statuses;
		((od_qos_summary_fn *)g->fn)(&q, NULL, g->ud);
	}
	free(ids);
	free(statuses);
	return err;
}

struct od_op *
od_file_qos_summary(struct od_zone *z, struct od_space *s, const char *file_id, od_qos_summary_fn *fn, void *ud)
{
	return start_get(z, s, data_path(file_id, "/qos/summary"), NULL, qos_what, qos_deliver, qos_fail,
			 (void *)fn, ud);
}

/* --- one QoS requirement ------------------------------------------------------------ */

static const char requirement_what[] = N_("the provider's QoS requirement");

static void
requirement_fail(struct get_op *g, struct od_error *err)
{
	((od_qos_fn *)g->fn)(NULL, err, g->ud);
}

static struct od_error *
requirement_deliver(struct get_op *g, const cJSON *root)
{
	const char *what = _(requirement_what);
	struct od_qos_requirement q = { 0 };
	bool present;
	struct od_error *err;

	if ((err = od_json_str(root, "qosRequirementId", what, &q.id)) ||
	    (err = od_json_str(root, "fileId", what, &q.file_id)) ||
	    (err = od_json_str(root, "expression", what, &q.expression)) ||
	    (err = od_json_int_opt(root, "replicasNum", what, &q.replicas, &present)) ||
	    (err = od_json_str(root, "status", what, &q.status)))
		return err;
	if (!present)
		q.replicas = 1;
	((od_qos_fn *)g->fn)(&q, NULL, g->ud);
	return NULL;
}

struct od_op *
od_qos_get(struct od_zone *z, struct od_space *s, const char *qos_id, od_qos_fn *fn, void *ud)
{
	return start_get(z, s, id_path("/qos_requirements/", qos_id, ""), NULL, requirement_what, requirement_deliver,
			 requirement_fail, (void *)fn, ud);
}

/* --- shares ----------------------------------------------------------------------- */

static const char share_what[] = N_("the share record");

static void
share_fail(struct get_op *g, struct od_error *err)
{
	((od_share_fn *)g->fn)(NULL, err, g->ud);
}

static struct od_error *
share_deliver(struct get_op *g, const cJSON *root)
{
	struct od_share sh;
	struct od_error *err = od_share_parse(root, &sh);

	if (!err)
		((od_share_fn *)g->fn)(&sh, NULL, g->ud);
	return err;
}

struct od_op *
od_share_get(struct od_zone *z, struct od_space *s, const char *share_id, od_share_fn *fn, void *ud)
{
	return start_get(z, s, id_path("/shares/", share_id, ""), NULL, share_what, share_deliver, share_fail,
			 (void *)fn, ud);
}

struct od_op *
od_share_get_public(struct od_zone *z, const char *share_id, od_share_fn *fn, void *ud)
{
	return start_get(z, NULL, id_path("/", share_id, "/public"), NULL, share_what, share_deliver, share_fail,
			 (void *)fn, ud);
}

/* --- one dataset ------------------------------------------------------------------ */

static const char dataset_what[] = N_("the provider's dataset record");

static void
dataset_fail(struct get_op *g, struct od_error *err)
{
	((od_dataset_fn *)g->fn)(NULL, err, g->ud);
}

static struct od_error *
dataset_deliver(struct get_op *g, const cJSON *root)
{
	const char *what = _(dataset_what), *type = NULL;
	struct od_dataset d = { 0 };
	struct od_error *err;

	d.archives = -1;
	if ((err = od_json_str(root, "datasetId", what, &d.id)) || (err = od_json_str(root, "state", what, &d.state)) ||
	    (err = od_json_str_opt(root, "parentId", what, &d.parent_id, NULL)) ||
	    (err = od_json_str(root, "rootFileId", what, &d.root_file_id)) ||
	    (err = od_json_str_opt(root, "rootFilePath", what, &d.root_path, NULL)) ||
	    (err = od_json_str_opt(root, "rootFileType", what, &type, NULL)) ||
	    (err = od_json_bool_opt(root, "rootFileDeleted", what, &d.root_deleted, NULL)) ||
	    (err = protection_flags(root, "protectionFlags", what, &d.protection)) ||
	    (err = protection_flags(root, "effectiveProtectionFlags", what, &d.effective)) ||
	    (err = od_json_int_opt(root, "creationTime", what, &d.created, NULL)) ||
	    (err = od_json_int_opt(root, "archiveCount", what, &d.archives, NULL)))
		return err;
	d.root_type = od_str_eq(type, "DIR") ? OD_FILE_DIR : OD_FILE_REG;
	((od_dataset_fn *)g->fn)(&d, NULL, g->ud);
	return NULL;
}

struct od_op *
od_dataset_get(struct od_zone *z, struct od_space *s, const char *dataset_id, od_dataset_fn *fn, void *ud)
{
	return start_get(z, s, id_path("/datasets/", dataset_id, ""), NULL, dataset_what, dataset_deliver,
			 dataset_fail, (void *)fn, ud);
}

/* --- dataset listings --------------------------------------------------------------- */

static const char datasets_what[] = N_("the provider's list of datasets");

struct datasets_op {
	struct pcall c;
	char *parent;		/* NULL: the space's top level */
	bool detached;
	char *token;
	od_dataset_page_fn *page;
	od_done_fn *done;
	void *ud;
};

static void
datasets_finish(struct datasets_op *op, struct od_error *err)
{
	if (op->done)
		op->done(err, op->ud);
	else
		od_error_free(err);
	free(op->parent);
	free(op->token);
	pcall_done_free(&op->c);
	free(op);
}

static char *
datasets_path(struct datasets_op *op)
{
	char *base = op->parent ? id_path("/datasets/", op->parent, "/children?limit=1000")
				: id_path("/spaces/", op->c.s->id, "/datasets?limit=1000&state=");
	struct od_buf b;
	int rc;

	if (!base)
		return NULL;
	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_buf_adds(&b, base);
	free(base);
	if (!rc && !op->parent)
		rc = od_buf_adds(&b, op->detached ? "detached" : "attached");
	if (!rc && op->token)
		rc = od_buf_adds(&b, "&token=") || od_url_escape(&b, op->token);
	if (rc) {
		od_buf_done(&b);
		return NULL;
	}
	return od_buf_steal(&b);
}

static void
datasets_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	struct datasets_op *op = (struct datasets_op *)c;
	const char *what = _(datasets_what), *token = NULL;
	struct od_dataset_entry *v = NULL;
	const cJSON *arr = NULL, *items, *e;
	cJSON *root = NULL;
	bool more = true;
	size_t n = 0;

	if (!err)
		err = od_req_json(req, what, &root);
	if (!err)
		err = od_json_array(root, "datasets", what, &arr);
	if (!err)
		err = od_json_str_opt(root, "nextPageToken", what, &token, NULL);
	if (!err && !(v = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*v))))
		err = od_error_nomem();
	items = err ? NULL : arr;
	cJSON_ArrayForEach(e, items) {
		if ((err = od_json_str(e, "datasetId", what, &v[n].id)) || (err = od_json_str(e, "name", what, &v[n].name)))
			break;
		n++;
	}
	if (!err && n && !c->base.cancelled)
		more = op->page(v, n, op->ud);
	free(v);
	if (!err && c->base.cancelled)
		err = od_error_new(OD_ERR_CANCELLED, _("cancelled"));
	if (!err && more && token && *token) {
		char *next = od_strdup(token);
		if (!next || od_str_eq(next, op->token)) {
			err = next ? od_error_new(OD_ERR_INPUT, _("%s repeats its page token"), what) : od_error_nomem();
			free(next);
		} else {
			free(op->token);
			op->token = next;
			err = pcall_send(c, OD_GET, datasets_path(op), datasets_reply);
			if (!err) {
				cJSON_Delete(root);
				return;
			}
		}
	}
	cJSON_Delete(root);
	datasets_finish(op, err);
}

/* Page tokens belong to the provider that issued them: start again. The
 * listing is short (datasets, not files) and the caller's page callback
 * sees the same datasets a second time, which it must tolerate. */
static struct od_error *
datasets_rebuild(struct pcall *c)
{
	struct datasets_op *op = (struct datasets_op *)c;

	free(op->token);
	op->token = NULL;
	free(c->path);
	c->path = datasets_path(op);
	return c->path ? NULL : od_error_nomem();
}

struct od_op *
od_datasets_list(struct od_zone *z, struct od_space *s, const char *parent, bool detached, od_dataset_page_fn *page,
		 od_done_fn *done, void *ud)
{
	struct datasets_op *op = calloc(1, sizeof(*op));
	struct od_error *err;

	if (!op)
		return NULL;
	op->c.z = z;
	op->c.s = s;
	op->c.rebuild = datasets_rebuild;
	op->parent = od_strdup(parent);
	op->detached = detached;
	op->page = page;
	op->done = done;
	op->ud = ud;
	err = parent && !op->parent ? od_error_nomem() : pcall_send(&op->c, OD_GET, datasets_path(op), datasets_reply);
	if (err) {
		od_error_free(err);
		op->done = NULL;
		datasets_finish(op, NULL);
		return NULL;
	}
	return &op->c.base;
}
