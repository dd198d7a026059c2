/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metabulk.c: a metadata change over many items, previewed, then made a
 * few items at a time. */
#include "config.h"

#include "onetui/metabulk.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/attrs.h"
#include "onetui/jsonfmt.h"
#include "onetui/metatext.h"
#include "onetui/provider.h"
#include "onetui/str.h"

/* Items read or written at once. */
#define BULK_PARALLEL 8

enum phase { PREVIEW, APPLY };

struct slot {
	struct od_meta_bulk *b;
	size_t i;
	struct od_op *op;	/* what the item waits for */
};

struct od_meta_bulk {
	struct od_zone *z;
	enum od_meta_kind kind;
	cJSON *patch;
	char *patch_text;	/* xattrs: the object sent to each item */
	struct od_bulk_item *items;
	struct slot *slots;	/* one per item */
	size_t n, cap;
	enum phase phase;
	size_t next;		/* the next item to start */
	size_t running;
	od_done_fn *fn;
	void *ud;
};

struct od_meta_bulk *
od_meta_bulk_new(struct od_zone *z, enum od_meta_kind kind, const cJSON *patch)
{
	struct od_meta_bulk *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->z = z;
	b->kind = kind;
	if (!(b->patch = cJSON_Duplicate(patch, true)) || !(b->patch_text = od_json_text(patch, 0))) {
		od_meta_bulk_free(b);
		return NULL;
	}
	return b;
}

int
od_meta_bulk_add(struct od_meta_bulk *b, struct od_space *s, const char *file_id, const char *path)
{
	struct od_bulk_item *it;

	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		struct od_bulk_item *items = realloc(b->items, cap * sizeof(*items));
		struct slot *slots;
		if (!items)
			return -1;
		b->items = items;
		if (!(slots = realloc(b->slots, cap * sizeof(*slots))))
			return -1;
		b->slots = slots;
		b->cap = cap;
	}
	it = &b->items[b->n];
	*it = (struct od_bulk_item){ .space = s, .file_id = od_strdup(file_id), .path = od_strdup(path) };
	b->slots[b->n] = (struct slot){ b, b->n, NULL };
	if (!it->file_id || !it->path) {
		free(it->file_id);
		free(it->path);
		return -1;
	}
	b->n++;
	return 0;
}

static void start_more(struct od_meta_bulk *b);

/* The item's step ended with state (err: FAILED with its message). */
static void
item_ends(struct slot *sl, enum od_bulk_state state, struct od_error *err)
{
	struct od_meta_bulk *b = sl->b;
	struct od_bulk_item *it = &b->items[sl->i];

	sl->op = NULL;
	it->state = err ? OD_BULK_FAILED : state;
	if (err) {
		free(it->error);
		it->error = od_strdup(err->message);
		od_error_free(err);
	}
	b->running--;
	start_more(b);
}

/* Whether the change changes this metadata (text NULL: none). */
static bool
would_change(const struct od_meta_bulk *b, const char *text, size_t len)
{
	cJSON *now = text ? cJSON_ParseWithLength(text, len) : NULL, *after;
	bool changes = true;

	if (b->kind == OD_META_XATTRS) {
		const cJSON *want;
		changes = false;
		cJSON_ArrayForEach(want, b->patch) {
			const cJSON *have = cJSON_GetObjectItemCaseSensitive(now, want->string);
			changes = changes || !have || !cJSON_Compare(have, want, true);
		}
	} else if ((after = cJSON_Duplicate(now, true)) || !now) {
		if (od_json_merge_patch(&after, b->patch) == 0)
			changes = !now || !cJSON_Compare(now, after, true);
		cJSON_Delete(after);
	}
	cJSON_Delete(now);
	return changes;
}

static void
on_written(struct od_error *err, void *ud)
{
	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);
		return;
	}
	item_ends(ud, OD_BULK_DONE, err);
}

/* What the item's metadata is now: preview it, or (JSON) apply to it. */
static void
on_read(const char *text, size_t len, struct od_error *err, void *ud)
{
	struct slot *sl = ud;
	struct od_meta_bulk *b;
	struct od_bulk_item *it;
	cJSON *doc;
	char *merged;

	/* Cancelled: the bulk may be gone already. */
	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);
		return;
	}
	b = sl->b;
	it = &b->items[sl->i];
	if (err || b->phase == PREVIEW) {
		item_ends(sl, would_change(b, text, len) ? OD_BULK_CHANGES : OD_BULK_SAME, err);
		return;
	}
	doc = text ? cJSON_ParseWithLength(text, len) : NULL;
	if (od_json_merge_patch(&doc, b->patch) != 0 || !(merged = od_json_text(doc, 0))) {
		cJSON_Delete(doc);
		item_ends(sl, OD_BULK_FAILED, od_error_nomem());
		return;
	}
	cJSON_Delete(doc);
	sl->op = od_meta_put(b->z, it->space, it->file_id, OD_META_JSON, NULL, merged, on_written, sl);
	free(merged);
	if (!sl->op)
		item_ends(sl, OD_BULK_FAILED, od_error_nomem());
}

static void
read_item(struct slot *sl)
{
	struct od_bulk_item *it = &sl->b->items[sl->i];

	if (!(sl->op = od_meta_get(sl->b->z, it->space, it->file_id, sl->b->kind, NULL, on_read, sl)))
		item_ends(sl, OD_BULK_FAILED, od_error_nomem());
}

static void
on_stat(const struct od_attrs *a, struct od_error *err, void *ud)
{
	struct slot *sl = ud;

	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);
		return;
	}
	if (err || (a->protection & OD_PROTECT_METADATA))
		item_ends(sl, OD_BULK_PROTECTED, err);
	else
		read_item(sl);
}

static void
start_item(struct slot *sl)
{
	struct od_meta_bulk *b = sl->b;
	struct od_bulk_item *it = &b->items[sl->i];

	b->running++;
	if (b->phase == PREVIEW)
		sl->op = od_provider_stat(b->z, it->space, it->file_id, OD_ATTR_NAME | OD_ATTR_PROTECTION, on_stat, sl);
	else if (b->kind == OD_META_XATTRS)
		sl->op = od_meta_put(b->z, it->space, it->file_id, OD_META_XATTRS, NULL, b->patch_text, on_written, sl);
	else
		sl->op = od_meta_get(b->z, it->space, it->file_id, OD_META_JSON, NULL, on_read, sl);
	if (!sl->op)
		item_ends(sl, OD_BULK_FAILED, od_error_nomem());
}

/* Keep BULK_PARALLEL items going; the end of the phase calls fn. */
static void
start_more(struct od_meta_bulk *b)
{
	enum od_bulk_state wanted = b->phase == PREVIEW ? OD_BULK_WAITING : OD_BULK_CHANGES;

	while (b->running < BULK_PARALLEL && b->next < b->n) {
		size_t i = b->next++;
		if (b->items[i].state == wanted)
			start_item(&b->slots[i]);
	}
	if (b->running == 0 && b->next >= b->n && b->fn) {
		od_done_fn *fn = b->fn;
		b->fn = NULL;
		fn(NULL, b->ud);
	}
}

static void
run_phase(struct od_meta_bulk *b, enum phase phase, od_done_fn *fn, void *ud)
{
	b->phase = phase;
	b->next = 0;
	b->fn = fn;
	b->ud = ud;
	start_more(b);
}

void
od_meta_bulk_preview(struct od_meta_bulk *b, od_done_fn *fn, void *ud)
{
	run_phase(b, PREVIEW, fn, ud);
}

void
od_meta_bulk_apply(struct od_meta_bulk *b, od_done_fn *fn, void *ud)
{
	run_phase(b, APPLY, fn, ud);
}

size_t
od_meta_bulk_count(const struct od_meta_bulk *b, enum od_bulk_state state)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++)
		n += b->items[i].state == state;
	return n;
}

size_t
od_meta_bulk_size(const struct od_meta_bulk *b)
{
	return b->n;
}

const struct od_bulk_item *
od_meta_bulk_item(const struct od_meta_bulk *b, size_t i)
{
	return i < b->n ? &b->items[i] : NULL;
}

void
od_meta_bulk_free(struct od_meta_bulk *b)
{
	if (!b)
		return;
	b->fn = NULL;
	for (size_t i = 0; i < b->n; i++) {
		od_op_cancel(b->slots[i].op);
		free(b->items[i].file_id);
		free(b->items[i].path);
		free(b->items[i].error);
	}
	free(b->items);
	free(b->slots);
	cJSON_Delete(b->patch);
	free(b->patch_text);
	free(b);
}
