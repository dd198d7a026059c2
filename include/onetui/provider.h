/* SPDX-License-Identifier: GPL-3.0-or-later */
/* provider.h: the Oneprovider file API for one space.
 *
 * Each space is served by one of its supporting providers: the fixed host
 * if the user named one, else a preferred domain, else an online provider,
 * else any. When a provider cannot be reached, or says it does not serve
 * the space, the call moves to the next one; the choice then sticks for
 * the space. */
#ifndef ONETUI_PROVIDER_H
#define ONETUI_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

#include "onetui/attrs.h"
#include "onetui/compiler.h"
#include "onetui/engine.h"
#include "onetui/error.h"
#include "onetui/zone.h"

/* Order the space's providers; an error when none can serve it. */
struct od_error *od_provider_plan(struct od_zone *z, struct od_space *s) OD_WARN_UNUSED;
/* The provider now serving the space (NULL before planning, when none can,
 * or without a space). */
const struct od_provider_info *od_provider_current(const struct od_space *s);

typedef void od_file_id_fn(const char *file_id, struct od_error *err, void *ud);
/* A page of ids (transfers, archives); return false to stop early. */
typedef bool od_ids_fn(const char *const *ids, size_t n, void *ud);
typedef void od_attrs_fn(const struct od_attrs *a, struct od_error *err, void *ud);
/* One page of a listing (entries valid during the call); return false to
 * stop listing early, which completes the listing without an error. */
typedef bool od_page_fn(const struct od_attrs *entries, size_t n, void *ud);

/* The listing and attribute calls below read public share data when s
 * is NULL: file_id is then a share-scoped id (a share's rootFileId or an
 * id listed below it), the call goes through the zone's /shares/data
 * path to a provider of its choice, and no token is sent. */

/* The file id of path within the space ("" or "/" is the space root).
 * "." and ".." are resolved lexically. */
struct od_op *od_provider_resolve(struct od_zone *z, struct od_space *s, const char *path, od_file_id_fn *fn,
				  void *ud);
/* Attributes of a file: fileId and name always, plus attrs. */
struct od_op *od_provider_stat(struct od_zone *z, struct od_space *s, const char *file_id, unsigned attrs,
			       od_attrs_fn *fn, void *ud);

struct od_list_opts {
	unsigned attrs;		/* OD_ATTR_*; fileId and name are always asked for */
	int limit;		/* entries per page, 1..1000; 0: 1000 */
	const char *after;	/* resume after this name; NULL: from the start */
};
/* All entries of a directory, page by page, in name order. */
struct od_op *od_provider_list(struct od_zone *z, struct od_space *s, const char *dir_id,
			       const struct od_list_opts *opts, od_page_fn *page, od_done_fn *done, void *ud);

#endif
