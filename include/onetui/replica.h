/* SPDX-License-Identifier: GPL-3.0-or-later */
/* replica.h: Onedata moving bytes between its providers: replication,
 * eviction and migration transfers, and QoS requirements that keep
 * replicas where an expression says. Each call goes to the provider
 * serving the space. */
#ifndef ONETUI_REPLICA_H
#define ONETUI_REPLICA_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/engine.h"
#include "onetui/provider.h"
#include "onetui/zone.h"

enum od_transfer_type {
	OD_TRANSFER_REPLICATION,	/* make a replica on a provider */
	OD_TRANSFER_EVICTION,		/* remove a provider's replica where another is complete */
	OD_TRANSFER_MIGRATION,		/* both: replicate, then evict the source */
};

/* A transfer as GET /transfers/{tid} describes it. Strings point into
 * raw and are valid during the callback; absent ones are NULL, absent
 * numbers -1. */
struct od_transfer {
	const char *type;		/* "replication", "eviction", "migration" */
	const char *status;		/* transferStatus: scheduled ... completed, failed */
	const char *replication_status, *eviction_status;
	const char *user_id, *space_id, *file_id, *file_path;
	const char *replicating_provider, *evicting_provider;
	const char *rerun_id;
	int64_t files_to_process, files_processed, files_replicated, files_evicted, files_failed;
	int64_t bytes_replicated;
	int64_t schedule_time, start_time, finish_time, last_update;
	const cJSON *min_hist;		/* {providerId: [bytes per 5 s window]} or NULL */
	const cJSON *raw;		/* the whole object */
};

typedef void od_transfer_fn(const struct od_transfer *t, struct od_error *err, void *ud);

/* Whether a transferStatus is final (completed, failed, cancelled, skipped). */
bool od_transfer_ended(const char *status);
/* Bytes per second over the last minute, from min_hist; -1 when unknown. */
double od_transfer_rate(const struct od_transfer *t);

/* Start a transfer of the file or directory file_id: to names the
 * replicating provider (replication, migration), from the evicting one
 * (eviction, migration). fn gets the transfer id. */
struct od_op *od_transfer_create(struct od_zone *z, struct od_space *s, enum od_transfer_type type,
				 const char *file_id, const char *to, const char *from, od_file_id_fn *fn, void *ud);
struct od_op *od_transfer_get(struct od_zone *z, struct od_space *s, const char *tid, od_transfer_fn *fn, void *ud);
/* The space's transfers in state "waiting", "ongoing" or "ended", page by page. */
struct od_op *od_transfer_list(struct od_zone *z, struct od_space *s, const char *state, od_ids_fn *page,
			       od_done_fn *done, void *ud);
struct od_op *od_transfer_cancel(struct od_zone *z, struct od_space *s, const char *tid, od_done_fn *fn, void *ud);
/* Run an ended transfer again; fn gets the new transfer's id. */
struct od_op *od_transfer_rerun(struct od_zone *z, struct od_space *s, const char *tid, od_file_id_fn *fn,
				void *ud);

/* A storage a QoS expression matches. */
struct od_qos_match {
	const char *id, *name, *provider_id;
};
typedef void od_qos_matches_fn(const struct od_qos_match *m, size_t n, struct od_error *err, void *ud);
/* Which storages of the space an expression selects (nothing changes). */
struct od_op *od_qos_evaluate(struct od_zone *z, struct od_space *s, const char *expression, od_qos_matches_fn *fn,
			      void *ud);
/* Require replicas replicas on storages matching expression for file_id;
 * fn gets the requirement's id. */
struct od_op *od_qos_add(struct od_zone *z, struct od_space *s, const char *file_id, const char *expression,
			 int replicas, od_file_id_fn *fn, void *ud);
struct od_op *od_qos_remove(struct od_zone *z, struct od_space *s, const char *qid, od_done_fn *fn, void *ud);

#endif
