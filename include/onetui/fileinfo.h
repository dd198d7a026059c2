/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fileinfo.h: what the provider knows about a file beyond its attributes:
 * where its replicas live, its directory statistics, its dataset and QoS
 * state, its shares; and the datasets of a space.
 *
 * Each call delivers a struct whose strings point into the reply and are
 * valid only during the callback. */
#ifndef ONETUI_FILEINFO_H
#define ONETUI_FILEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/attrs.h"
#include "onetui/engine.h"
#include "onetui/zone.h"

/* One provider's share of a file (GET /data/{id}/distribution). */
struct od_replica {
	const char *provider_id;
	bool ok;		/* false: the provider could not tell */
	const char *error;	/* why, when !ok */
	int64_t size;		/* the file's size as the provider sees it; -1 unknown */
	int64_t held;		/* bytes held on its storages; -1 unknown */
};
typedef void od_distribution_fn(const struct od_replica *v, size_t n, struct od_error *err, void *ud);
struct od_op *od_file_distribution(struct od_zone *z, struct od_space *s, const char *file_id,
				   od_distribution_fn *fn, void *ud);

/* A directory's statistics on the provider asked (newest values). */
struct od_dir_stats {
	int64_t size;		/* bytes below it */
	int64_t files;
	int64_t dirs;
	bool inaccurate;	/* the provider counted errors while collecting */
};
typedef void od_dir_stats_fn(const struct od_dir_stats *st, struct od_error *err, void *ud);
struct od_op *od_file_dir_stats(struct od_zone *z, struct od_space *s, const char *dir_id, od_dir_stats_fn *fn,
				void *ud);

struct od_dataset_summary {
	const char *direct;		/* the dataset established on the file, or NULL */
	const char *const *ancestors;	/* datasets above it, nearest first */
	size_t n_ancestors;
	unsigned protection;		/* effective OD_PROTECT_* */
};
typedef void od_dataset_summary_fn(const struct od_dataset_summary *d, struct od_error *err, void *ud);
struct od_op *od_file_dataset_summary(struct od_zone *z, struct od_space *s, const char *file_id,
				      od_dataset_summary_fn *fn, void *ud);

struct od_qos_summary {
	const char *status;		/* "fulfilled", "pending", "impossible" */
	const char *const *ids;		/* requirements that apply to the file */
	const char *const *statuses;
	size_t n;
};
typedef void od_qos_summary_fn(const struct od_qos_summary *q, struct od_error *err, void *ud);
struct od_op *od_file_qos_summary(struct od_zone *z, struct od_space *s, const char *file_id,
				  od_qos_summary_fn *fn, void *ud);

struct od_qos_requirement {
	const char *id;
	const char *file_id;		/* the file it was set on */
	const char *expression;		/* infix, e.g. "geo=PL" */
	int64_t replicas;
	const char *status;
};
typedef void od_qos_fn(const struct od_qos_requirement *q, struct od_error *err, void *ud);
struct od_op *od_qos_get(struct od_zone *z, struct od_space *s, const char *qos_id, od_qos_fn *fn, void *ud);

struct od_share {
	const char *id;
	const char *name;
	const char *description;	/* Markdown, may be NULL */
	const char *public_url;
	const char *public_rest_url;	/* may be NULL */
	const char *root_file_id;
	enum od_file_type root_type;
	const char *handle_id;		/* NULL without a handle */
	const char *space_id;		/* NULL in a public record */
	const char *creator_id;		/* Onezone's private record only, else NULL */
	int64_t created;		/* Onezone's records only, else -1 */
};
typedef void od_share_fn(const struct od_share *sh, struct od_error *err, void *ud);
struct od_op *od_share_get(struct od_zone *z, struct od_space *s, const char *share_id, od_share_fn *fn, void *ud);
/* The public record of a share (GET /shares/{id}/public on the zone),
 * without a token: enough to fetch from it (rootFileId is share-scoped). */
struct od_op *od_share_get_public(struct od_zone *z, const char *share_id, od_share_fn *fn, void *ud);

/* Datasets: a space's top level (parent NULL) or a dataset's children. */
struct od_dataset_entry {
	const char *id;
	const char *name;
};
typedef bool od_dataset_page_fn(const struct od_dataset_entry *v, size_t n, void *ud);
struct od_op *od_datasets_list(struct od_zone *z, struct od_space *s, const char *parent, bool detached,
			       od_dataset_page_fn *page, od_done_fn *done, void *ud);

struct od_dataset {
	const char *id;
	const char *state;		/* "attached" or "detached" */
	const char *parent_id;		/* NULL at the top */
	const char *root_file_id;
	const char *root_path;
	enum od_file_type root_type;
	bool root_deleted;
	unsigned protection;		/* its own OD_PROTECT_* */
	unsigned effective;		/* with the datasets above it */
	int64_t created;
	int64_t archives;
};
typedef void od_dataset_fn(const struct od_dataset *d, struct od_error *err, void *ud);
struct od_op *od_dataset_get(struct od_zone *z, struct od_space *s, const char *dataset_id, od_dataset_fn *fn,
			     void *ud);

#endif
