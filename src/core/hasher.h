/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hasher.h: the SHA-256 of a file, computed by a thread of its own while
 * the loop goes on receiving or sending.
 *
 * Hashing a GiB takes from half a second to several seconds of CPU; done in
 * the loop's thread it adds to the transfer's time and freezes the
 * interface. A hash job reads the file back (from the page cache, as it
 * was just written or is being sent) and follows the bytes as they are
 * declared present, so by the time the last byte arrives, little is left
 * to hash. Its result comes back through the engine's loop. */
#ifndef ONETUI_HASHER_H
#define ONETUI_HASHER_H

#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/digest.h"
#include "onetui/engine.h"
#include "onetui/error.h"

struct od_hash_job;

/* The digest of bytes [0, size), or why it could not be computed (err,
 * taken over; hex is then ""). The job is freed once this returns. */
typedef void od_hash_done_fn(struct od_error *err, const char *hex, void *ud);

/* Hash the file open as fd (duplicated: the caller may close its own),
 * going on from h, which holds its bytes [0, from) and is taken over.
 * Bytes up to from are considered present. */
struct od_error *od_hash_job_start(struct od_engine *e, int fd, struct od_sha256 *h, uint64_t from,
				   struct od_hash_job **out) OD_WARN_UNUSED;
/* Bytes [0, upto) are in the file (a smaller upto than before is ignored). */
void od_hash_job_extend(struct od_hash_job *j, uint64_t upto);
/* The file is complete at size bytes; fn runs from od_engine_perform()
 * once they are all hashed. */
void od_hash_job_finish(struct od_hash_job *j, uint64_t size, od_hash_done_fn *fn, void *ud);
/* Stop it and free it; fn does not run. For a job whose fn has not run. */
void od_hash_job_cancel(struct od_hash_job *j);

#endif
