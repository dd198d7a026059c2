/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metabulk.h: one metadata change applied to many items (the marked
 * ones): extended attributes set, or a JSON merge patch applied to each
 * JSON document. First a preview reads every item (its metadata and its
 * protection) and says which would change; then the change is made to
 * those, a few at a time, each item's outcome kept for a result list.
 * Items under metadata protection are left alone. */
#ifndef ONETUI_METABULK_H
#define ONETUI_METABULK_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "onetui/engine.h"
#include "onetui/meta.h"
#include "onetui/zone.h"

enum od_bulk_state {
	OD_BULK_WAITING,	/* not read yet */
	OD_BULK_CHANGES,	/* the change would change it */
	OD_BULK_SAME,		/* it already says so */
	OD_BULK_PROTECTED,	/* metadata protection: left alone */
	OD_BULK_DONE,		/* changed */
	OD_BULK_FAILED,		/* reading or writing failed: see error */
};

struct od_bulk_item {
	struct od_space *space;
	char *file_id;
	char *path;		/* for the result list */
	enum od_bulk_state state;
	char *error;		/* why it failed */
};

struct od_meta_bulk;

/* A change of kind (OD_META_XATTRS: patch is an object of attributes to
 * set; OD_META_JSON: a merge patch for each document). NULL when out of
 * memory. */
struct od_meta_bulk *od_meta_bulk_new(struct od_zone *z, enum od_meta_kind kind, const cJSON *patch);
/* One more item (strings copied), before the preview; 0, or -1 when out
 * of memory. */
int od_meta_bulk_add(struct od_meta_bulk *b, struct od_space *s, const char *file_id, const char *path);
/* Read every item and sort it into CHANGES, SAME, PROTECTED or FAILED;
 * fn (err always NULL) once all are. */
void od_meta_bulk_preview(struct od_meta_bulk *b, od_done_fn *fn, void *ud);
/* Change the items in CHANGES (a JSON document is read again and the
 * patch applied to what is there then); fn once all are DONE or FAILED. */
void od_meta_bulk_apply(struct od_meta_bulk *b, od_done_fn *fn, void *ud);
size_t od_meta_bulk_count(const struct od_meta_bulk *b, enum od_bulk_state state);
size_t od_meta_bulk_size(const struct od_meta_bulk *b);
const struct od_bulk_item *od_meta_bulk_item(const struct od_meta_bulk *b, size_t i);
/* Cancel what is in flight and free; fn is not called after this. */
void od_meta_bulk_free(struct od_meta_bulk *b);

#endif
