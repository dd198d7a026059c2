/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report.c: gather what the provider knows about one file, part by part.
 *
 * Every request in flight is a report_call on the report's list, so a
 * cancelled report can cancel them all and free itself when the last one
 * has come back. Running out of memory while copying a reply marks the
 * report (oom) and fails the part being filled. */
#include "config.h"

#include "onetui/report.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/provider.h"
#include "onetui/str.h"

/* What the walk up the tree asks of each ancestor. */
#define ANCESTOR_ATTRS (OD_ATTR_PATH | OD_ATTR_PARENT | OD_ATTR_SHARES)

struct report_call {
	struct report_call *next, *prev;
	struct od_report *r;
	enum od_part part;
	size_t index;		/* the entry the reply fills */
	struct od_op *op;
};

static void
report_free(struct od_report *r)
{
	free(r->file_id);
	free(r->name);
	free(r->path);
	free(r->owner_id);
	free(r->provider_id);
	free(r->parent_id);
	for (size_t i = 0; i < r->n_share_ids; i++)
		free(r->share_ids[i]);
	free(r->share_ids);
	for (size_t i = 0; i < r->n_replicas; i++) {
		free(r->replicas[i].provider_id);
		free(r->replicas[i].error);
	}
	free(r->replicas);
	for (size_t i = 0; i < r->n_datasets; i++) {
		free(r->datasets[i].id);
		free(r->datasets[i].root_path);
		free(r->datasets[i].state);
		free(r->datasets[i].error);
	}
	free(r->datasets);
	free(r->qos_status);
	for (size_t i = 0; i < r->n_qos; i++) {
		free(r->qos[i].id);
		free(r->qos[i].status);
		free(r->qos[i].expression);
		free(r->qos[i].error);
	}
	free(r->qos);
	for (size_t i = 0; i < r->n_shares; i++) {
		free(r->shares[i].id);
		free(r->shares[i].root_path);
		free(r->shares[i].name);
		free(r->shares[i].public_url);
		free(r->shares[i].error);
	}
	free(r->shares);
	for (int p = 0; p < OD_PART__COUNT; p++)
		od_error_free(r->error[p]);
	free(r);
}

static char *
copy(struct od_report *r, const char *s)
{
	char *c;

	if (!s)
		return NULL;
	if (!(c = od_strdup(s)))
		r->oom = true;
	return c;
}

/* --- calls in flight ---------------------------------------------------------- */

static struct report_call *
call_new(struct od_report *r, enum od_part part, size_t index)
{
	struct report_call *c = calloc(1, sizeof(*c));

	if (!c) {
		r->oom = true;
		return NULL;
	}
	c->r = r;
	c->part = part;
	c->index = index;
	c->next = r->calls;
	if (r->calls)
		r->calls->prev = c;
	r->calls = c;
	r->pending[part]++;
	return c;
}

static void
call_unlink(struct report_call *c)
{
	struct od_report *r = c->r;

	if (c->prev)
		c->prev->next = c->next;
	else
		r->calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	r->pending[c->part]--;
	free(c);
}

/* Record the op a call started; a NULL op (no memory) ends the call. */
static void
call_started(struct report_call *c, struct od_op *op)
{
	if (!c)
		return;
	if (op) {
		c->op = op;
		return;
	}
	c->r->oom = true;
	call_unlink(c);
}

/* A call came back: its report, or NULL when the report was cancelled
 * (freed here once nothing else is in flight). err is freed then. */
static struct od_report *
call_end(struct report_call *c, struct od_error *err)
{
	struct od_report *r = c->r;

	call_unlink(c);
	if (!r->cancelled)
		return r;
	od_error_free(err);
	if (!r->calls)
		report_free(r);
	return NULL;
}

/* The message of err, copied for an entry that could not be read. */
static char *
take_message(struct od_report *r, struct od_error *err)
{
	char *m = copy(r, err->message);

	od_error_free(err);
	return m;
}

/* --- parts --------------------------------------------------------------------- */

/* Errors that say the provider does not offer something for this space,
 * rather than that asking failed. */
static bool
is_unavailable(const struct od_error *err)
{
	return od_error_is(err, "dirStatsDisabledForSpace") || od_error_is(err, "dirStatsNotReady");
}

/* Take err (may be NULL) for part; once nothing of the part is in flight,
 * settle its state and tell the owner. Must be the last use of r: the
 * owner may cancel the report from its callback. */
static void
part_settle(struct od_report *r, enum od_part part, struct od_error *err)
{
	if (err) {
		if (!r->error[part]) {
			r->error[part] = err;
			r->state[part] = is_unavailable(err) ? OD_PART_UNAVAILABLE : OD_PART_FAILED;
		} else {
			od_error_free(err);
		}
	}
	if (r->pending[part] || r->state[part] == OD_PART_SKIPPED)
		return;
	if (r->state[part] == OD_PART_LOADING) {
		r->state[part] = r->oom ? OD_PART_FAILED : OD_PART_READY;
		if (r->oom)
			r->error[part] = od_error_nomem();
	}
	r->fn(r, part, r->ud);
}

static bool
asked(const struct od_report *r, enum od_part part)
{
	return r->parts & (1u << part);
}

/* Grow an array of entries by one zeroed element; NULL when out of memory. */
static void *
grow(struct od_report *r, void **v, size_t *n, size_t size)
{
	char *p = realloc(*v, (*n + 1) * size);

	if (!p) {
		r->oom = true;
		return NULL;
	}
	memset(p + *n * size, 0, size);
	*v = p;
	return p + (*n)++ * size;
}

/* --- replicas --- */

static void
on_distribution(const struct od_replica *v, size_t n, struct od_error *err, void *ud)
{
	struct od_report *r = call_end(ud, err);

	if (!r)
		return;
	if (!err && n && !(r->replicas = calloc(n, sizeof(*r->replicas))))
		r->oom = true;
	for (size_t i = 0; !err && r->replicas && i < n; i++) {
		struct od_report_replica *e = &r->replicas[r->n_replicas++];
		e->provider_id = copy(r, v[i].provider_id);
		e->ok = v[i].ok;
		e->error = copy(r, v[i].error);
		e->size = v[i].size;
		e->held = v[i].held;
	}
	part_settle(r, OD_PART_REPLICAS, err);
}

/* --- directory statistics --- */

static void
on_stats(const struct od_dir_stats *st, struct od_error *err, void *ud)
{
	struct od_report *r = call_end(ud, err);

	if (!r)
		return;
	if (!err) {
		r->stats.size = st->size;
		r->stats.files = st->files;
		r->stats.dirs = st->dirs;
		r->stats.inaccurate = st->inaccurate;
	}
	part_settle(r, OD_PART_STATS, err);
}

/* --- datasets --- */

static void
on_dataset(const struct od_dataset *d, struct od_error *err, void *ud)
{
	size_t i = ((struct report_call *)ud)->index;
	struct od_report *r = call_end(ud, err);
	struct od_report_dataset *e;

	if (!r)
		return;
	e = &r->datasets[i];
	if (err) {
		e->error = take_message(r, err);
	} else {
		e->root_path = copy(r, d->root_path ? d->root_path : d->root_file_id);
		e->state = copy(r, d->state);
		e->protection = d->protection;
	}
	part_settle(r, OD_PART_DATASETS, NULL);
}

static void
add_dataset(struct od_report *r, const char *id, bool direct)
{
	struct od_report_dataset *e = grow(r, (void **)&r->datasets, &r->n_datasets, sizeof(*e));
	struct report_call *c;

	if (!e)
		return;
	e->id = copy(r, id);
	e->direct = direct;
	c = call_new(r, OD_PART_DATASETS, r->n_datasets - 1);
	if (c)
		call_started(c, od_dataset_get(r->zone, r->space, id, on_dataset, c));
}

static void
on_dataset_summary(const struct od_dataset_summary *d, struct od_error *err, void *ud)
{
	struct od_report *r = call_end(ud, err);

	if (!r)
		return;
	if (!err) {
		r->protection = d->protection;
		if (d->direct)
			add_dataset(r, d->direct, true);
		for (size_t i = 0; i < d->n_ancestors; i++)
			add_dataset(r, d->ancestors[i], false);
	}
	part_settle(r, OD_PART_DATASETS, err);
}

/* --- QoS --- */

static void
on_requirement(const struct od_qos_requirement *q, struct od_error *err, void *ud)
{
	size_t i = ((struct report_call *)ud)->index;
	struct od_report *r = call_end(ud, err);
	struct od_report_qos *e;

	if (!r)
		return;
	e = &r->qos[i];
	if (err) {
		e->error = take_message(r, err);
	} else {
		e->expression = copy(r, q->expression);
		e->replicas = q->replicas;
	}
	part_settle(r, OD_PART_QOS, NULL);
}

static void
on_qos_summary(const struct od_qos_summary *q, struct od_error *err, void *ud)
{
	struct od_report *r = call_end(ud, err);

	if (!r)
		return;
	if (!err && q->n) {
		r->qos_status = copy(r, q->status);
		if (!(r->qos = calloc(q->n, sizeof(*r->qos))))
			r->oom = true;
	}
	for (size_t i = 0; !err && r->qos && i < q->n; i++) {
		struct od_report_qos *e = &r->qos[r->n_qos++];
		struct report_call *c;

		e->id = copy(r, q->ids[i]);
		e->status = copy(r, q->statuses[i]);
		if ((c = call_new(r, OD_PART_QOS, i)))
			call_started(c, od_qos_get(r->zone, r->space, q->ids[i], on_requirement, c));
	}
	part_settle(r, OD_PART_QOS, err);
}

/* --- shares: the file's own, then each ancestor's --- */

static void
on_share(const struct od_share *sh, struct od_error *err, void *ud)
{
	size_t i = ((struct report_call *)ud)->index;
	struct od_report *r = call_end(ud, err);
	struct od_report_share *e;

	if (!r)
		return;
	e = &r->shares[i];
	if (err) {
		e->error = take_message(r, err);
	} else {
		e->name = copy(r, sh->name);
		e->public_url = copy(r, sh->public_url);
	}
	part_settle(r, OD_PART_SHARES, NULL);
}

static void
add_share(struct od_report *r, const char *id, const char *root_path, bool inherited)
{
	struct od_report_share *e;
	struct report_call *c;

	for (size_t i = 0; i < r->n_shares; i++)
		if (od_str_eq(r->shares[i].id, id))
			return;
	if (!(e = grow(r, (void **)&r->shares, &r->n_shares, sizeof(*e))))
		return;
	e->id = copy(r, id);
	e->root_path = copy(r, root_path);
	e->inherited = inherited;
	if ((c = call_new(r, OD_PART_SHARES, r->n_shares - 1)))
		call_started(c, od_share_get(r->zone, r->space, id, on_share, c));
}

static void walk_up(struct od_report *r, const char *parent_id);

static void
on_ancestor(const struct od_attrs *a, struct od_error *err, void *ud)
{
	struct od_report *r = call_end(ud, err);
	const cJSON *id;

	if (!r)
		return;
	if (!err) {
		cJSON_ArrayForEach(id, a->shares)
			add_share(r, id->valuestring, a->path, true);
		if (a->parent_id)
			walk_up(r, a->parent_id);
	}
	part_settle(r, OD_PART_SHARES, err);
}

static void
walk_up(struct od_report *r, const char *parent_id)
{
	struct report_call *c = call_new(r, OD_PART_SHARES, 0);

	if (c)
		call_started(c, od_provider_stat(r->zone, r->space, parent_id, ANCESTOR_ATTRS, on_ancestor, c));
}

/* --- attributes first --- */

/* Start the parts that need the attributes. */
static void
start_parts(struct od_report *r)
{
	struct report_call *c;

	if (asked(r, OD_PART_REPLICAS) && (c = call_new(r, OD_PART_REPLICAS, 0)))
		call_started(c, od_file_distribution(r->zone, r->space, r->file_id, on_distribution, c));
	if (asked(r, OD_PART_STATS) && r->type != OD_FILE_DIR)
		r->state[OD_PART_STATS] = OD_PART_SKIPPED;
	else if (asked(r, OD_PART_STATS) && (c = call_new(r, OD_PART_STATS, 0)))
		call_started(c, od_file_dir_stats(r->zone, r->space, r->file_id, on_stats, c));
	if (asked(r, OD_PART_DATASETS) && (c = call_new(r, OD_PART_DATASETS, 0)))
		call_started(c, od_file_dataset_summary(r->zone, r->space, r->file_id, on_dataset_summary, c));
	if (asked(r, OD_PART_QOS) && (c = call_new(r, OD_PART_QOS, 0)))
		call_started(c, od_file_qos_summary(r->zone, r->space, r->file_id, on_qos_summary, c));
	if (asked(r, OD_PART_SHARES)) {
		for (size_t i = 0; i < r->n_share_ids; i++)
			add_share(r, r->share_ids[i], r->path, false);
		if (r->parent_id)
			walk_up(r, r->parent_id);
	}
	/* Whatever could not start for want of memory settles now. */
	for (int p = OD_PART_REPLICAS; p < OD_PART__COUNT; p++)
		if (r->state[p] == OD_PART_LOADING && !r->pending[p]) {
			r->state[p] = r->oom ? OD_PART_FAILED : OD_PART_READY;
			if (r->oom)
				r->error[p] = od_error_nomem();
		}
}

static void
on_attrs(const struct od_attrs *a, struct od_error *err, void *ud)
{
	struct od_report *r = call_end(ud, err);
	const cJSON *id;

	if (!r)
		return;
	if (err) {
		for (int p = OD_PART_REPLICAS; p < OD_PART__COUNT; p++)
			r->state[p] = OD_PART_SKIPPED;
		part_settle(r, OD_PART_ATTRS, err);
		return;
	}
	r->have = a->have;
	r->name = copy(r, a->name);
	r->path = copy(r, a->path);
	r->owner_id = copy(r, a->owner_id);
	r->provider_id = copy(r, a->provider_id);
	r->parent_id = copy(r, a->parent_id);
	r->type = a->type;
	r->size = a->size;
	r->mode = a->mode;
	r->atime = a->atime;
	r->mtime = a->mtime;
	r->ctime = a->ctime;
	r->created = a->created;
	r->hardlinks = a->hardlinks;
	if (!(r->share_ids = calloc((size_t)cJSON_GetArraySize(a->shares) + 1, sizeof(char *))))
		r->oom = true;
	else
		cJSON_ArrayForEach(id, a->shares)
			r->share_ids[r->n_share_ids++] = copy(r, id->valuestring);
	start_parts(r);
	part_settle(r, OD_PART_ATTRS, NULL);
}

struct od_report *
od_report_start(struct od_zone *z, struct od_space *s, const char *file_id, unsigned parts, od_report_fn *fn,
		void *ud)
{
	struct od_report *r = calloc(1, sizeof(*r));
	struct report_call *c;

	if (!r)
		return NULL;
	r->zone = z;
	r->space = s;
	r->parts = (parts | 1u << OD_PART_ATTRS) & OD_PARTS_ALL;
	r->fn = fn;
	r->ud = ud;
	for (int p = 0; p < OD_PART__COUNT; p++)
		r->state[p] = asked(r, p) ? OD_PART_LOADING : OD_PART_SKIPPED;
	if (!(r->file_id = od_strdup(file_id)) || !(c = call_new(r, OD_PART_ATTRS, 0))) {
		report_free(r);
		return NULL;
	}
	c->op = od_provider_stat(z, s, file_id, s ? OD_ATTR_ALL : OD_ATTRS_SHARE_MODE, on_attrs, c);
	if (!c->op) {
		call_unlink(c);
		report_free(r);
		return NULL;
	}
	return r;
}

bool
od_report_complete(const struct od_report *r)
{
	for (int p = 0; p < OD_PART__COUNT; p++)
		if (r->state[p] == OD_PART_LOADING)
			return false;
	return true;
}

void
od_report_cancel(struct od_report *r)
{
	if (!r)
		return;
	r->cancelled = true;
	if (!r->calls) {
		report_free(r);
		return;
	}
	for (struct report_call *c = r->calls; c; c = c->next)
		od_op_cancel(c->op);
}

const struct od_error *
od_report_failure(const struct od_report *r)
{
	for (int p = 0; p < OD_PART__COUNT; p++)
		if (r->state[p] == OD_PART_FAILED)
			return r->error[p];
	return NULL;
}
