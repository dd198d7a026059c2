/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hasher.h: the SHA-256 of a file, computed by a thread of its own while
 * the loop goes on receiving or sending; for a download, the same thread
 * writes the file.
 *
 * Hashing a GiB takes from half a second to several seconds of CPU; done in
 * the loop's thread it adds to the transfer's time and freezes the
 * interface. A hash job follows the bytes as they are declared present,
 * reading them back from the file (from the page cache, as they were just
 * written or are being sent), so by the time the last byte arrives, little
 * is left to hash. Its result comes back through the engine's loop.
 *
 * A download hands the bytes it receives to the job instead of writing
 * them: they are copied into large buffers, which the thread writes (one
 * system call per buffer rather than one per piece libcurl passes on) and
 * hashes on the way when they continue the digest, so that nothing has to
 * be read back. */
#ifndef ONETUI_HASHER_H
#define ONETUI_HASHER_H

#include <stddef.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/digest.h"
#include "onetui/engine.h"
#include "onetui/error.h"

struct od_hash_job;

/* Bytes for the file being filled by the loop (see od_hash_job_put). */
struct od_wbuf {
	struct od_wbuf *next;	/* queued, or spare */
	struct od_wbuf *all;	/* every buffer of the job */
	uint64_t off;		/* where data goes in the file */
	size_t len;
	char data[];
};

/* The digest of bytes [0, size), or why it could not be computed (err,
 * taken over; hex is then ""). The job is freed once this returns. */
typedef void od_hash_done_fn(struct od_error *err, const char *hex, void *ud);

/* Hash the file open as fd (duplicated: the caller may close its own),
 * going on from h, which holds its bytes [0, from) and is taken over.
 * Bytes up to from are considered present. With h NULL the job only
 * writes, and its result is "". */
struct od_error *od_hash_job_start(struct od_engine *e, int fd, struct od_sha256 *h, uint64_t from,
				   struct od_hash_job **out) OD_WARN_UNUSED;
/* Bytes [0, upto) are in the file, or handed over with od_hash_job_put
 * (a smaller upto than before is ignored). */
void od_hash_job_extend(struct od_hash_job *j, uint64_t upto);
/* Hash bytes handed over from memory when they continue the digest,
 * rather than read them back once written. Before the first put. */
void od_hash_job_hash_buffers(struct od_hash_job *j);
/* Have the thread write len bytes at file offset off: they are copied
 * into *fill, a buffer of the job's (taken when NULL), which is handed
 * over when full or when off does not follow on from it. Waits while
 * enough buffers are waiting to be written. 0, or an errno value: why an
 * earlier write failed (then nothing more is written), or ENOMEM. */
int od_hash_job_put(struct od_hash_job *j, struct od_wbuf **fill, uint64_t off, const void *data,
		    size_t len) OD_WARN_UNUSED;
/* Hand *fill over as it is (nothing when NULL); *fill becomes NULL. */
void od_hash_job_flush(struct od_hash_job *j, struct od_wbuf **fill);
/* Wait until every buffer handed over is written: 0, or why a write failed. */
int od_hash_job_sync(struct od_hash_job *j) OD_WARN_UNUSED;
/* The file is complete at size bytes; fn runs from od_engine_perform()
 * once they are all hashed. Every buffer is handed over and written. */
void od_hash_job_finish(struct od_hash_job *j, uint64_t size, od_hash_done_fn *fn, void *ud);
/* Stop it and free it, with its buffers; fn does not run. For a job whose
 * fn has not run. */
void od_hash_job_cancel(struct od_hash_job *j);

#endif
