/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dataset.h: changing datasets (establish, protect, detach, reattach,
 * remove) and their archives: created by the provider over time, listed,
 * read, deleted, and recalled into a directory of the space. Reading a
 * dataset and listing datasets are in fileinfo.h.
 *
 * Each call goes to the provider serving the space; records delivered to
 * a callback point into the reply and are valid only during the call. */
#ifndef ONETUI_DATASET_H
#define ONETUI_DATASET_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "onetui/engine.h"
#include "onetui/provider.h"
#include "onetui/zone.h"

/* Establish a dataset on file_id with protection (OD_PROTECT_*, from
 * fileinfo.h); fn gets the dataset's id. */
struct od_op *od_dataset_establish(struct od_zone *z, struct od_space *s, const char *file_id, unsigned protection,
				   od_file_id_fn *fn, void *ud);

/* A change of a dataset: any of a new state and flags to set or clear. */
struct od_dataset_change {
	const char *state;	/* "attached", "detached" or NULL: unchanged */
	unsigned set, unset;	/* OD_PROTECT_* */
};
struct od_op *od_dataset_update(struct od_zone *z, struct od_space *s, const char *dataset_id,
				const struct od_dataset_change *change, od_done_fn *fn, void *ud);
/* Remove the dataset (its files stay). */
struct od_op *od_dataset_remove(struct od_zone *z, struct od_space *s, const char *dataset_id, od_done_fn *fn,
				void *ud);

enum od_archive_layout {
	OD_ARCHIVE_PLAIN,	/* a copy of the dataset's tree */
	OD_ARCHIVE_BAGIT,	/* a BagIt bag (RFC 8493) */
};

struct od_archive_config {
	enum od_archive_layout layout;
	bool include_dip;	/* a dissemination package next to the archival one */
	bool nested;		/* archive nested datasets separately */
	bool follow_symlinks;	/* copy what symbolic links out of the dataset point to */
	bool incremental;	/* only what changed since a base archive */
	const char *based_on;	/* that base; NULL: the newest preserved archive */
};
/* The API's defaults: plain, no DIP, no nested archives, symlinks
 * followed, not incremental. */
void od_archive_config_init(struct od_archive_config *c);

/* Archive the dataset; fn gets the archive's id. description may be NULL. */
struct od_op *od_archive_create(struct od_zone *z, struct od_space *s, const char *dataset_id,
				const struct od_archive_config *c, const char *description, od_file_id_fn *fn,
				void *ud);

/* An archive as GET /archives/{aid} describes it; absent strings NULL,
 * absent numbers -1. */
struct od_archive {
	const char *id;
	const char *state;		/* pending, building, ... preserved; shown as sent */
	const char *dataset_id;
	const char *root_dir_id;	/* where its files can be read */
	const char *description;
	const char *creator;
	const char *base_id;		/* the base of an incremental archive */
	const char *layout;
	bool include_dip, nested, follow_symlinks, incremental;
	int64_t created;
	int64_t files_archived, files_failed, bytes_archived;
	const cJSON *raw;		/* the whole record */
};
typedef void od_archive_fn(const struct od_archive *a, struct od_error *err, void *ud);
struct od_op *od_archive_get(struct od_zone *z, struct od_space *s, const char *archive_id, od_archive_fn *fn,
			     void *ud);
/* Whether an archive in this state changes no more by itself (preserved,
 * failed, verification_failed, cancelled). */
bool od_archive_settled(const char *state);
/* The dataset's archive ids, newest first, page by page. */
struct od_op *od_archive_list(struct od_zone *z, struct od_space *s, const char *dataset_id, od_ids_fn *page,
			      od_done_fn *done, void *ud);
/* Delete an archive: the provider purges it over time. */
struct od_op *od_archive_delete(struct od_zone *z, struct od_space *s, const char *archive_id, od_done_fn *fn,
				void *ud);
/* Copy the archive's files into a new file or directory named name (NULL:
 * the dataset's name) in parent_id; fn gets the recall root's file id. */
struct od_op *od_archive_recall(struct od_zone *z, struct od_space *s, const char *archive_id,
				const char *parent_id, const char *name, od_file_id_fn *fn, void *ud);

/* A recall, from its root file: details and (where the recall runs)
 * progress. Numbers are -1 when unknown or not yet. */
struct od_recall {
	const char *archive_id, *dataset_id;
	int64_t start_ms, finish_ms;
	int64_t total_files, total_bytes;
	const char *error_file_id;	/* lastError: the file and the reason, or NULL */
	const char *error;
	int64_t files_copied, bytes_copied, files_failed;
};
typedef void od_recall_fn(const struct od_recall *r, struct od_error *err, void *ud);
/* Details, then progress; only the provider doing the recall knows its
 * progress: elsewhere the counts stay -1. */
struct od_op *od_recall_get(struct od_zone *z, struct od_space *s, const char *root_id, od_recall_fn *fn,
			    void *ud);
struct od_op *od_recall_cancel(struct od_zone *z, struct od_space *s, const char *root_id, od_done_fn *fn,
			       void *ud);

#endif
