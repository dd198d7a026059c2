/* SPDX-License-Identifier: GPL-3.0-or-later */
/* download.h: fetching files and directory trees from a space to local
 * disk, fast, resumable and verified.
 *
 * A download takes sources (a file or a directory of a space, and the
 * local path it becomes), lists directories page by page and fetches
 * files as they are found, several at once, a large file in several
 * ranged streams if asked. Each file is written to NAME.part and renamed
 * only once its size and, where onetui recorded one on upload, its
 * SHA-256 match; completed files are made durable in batches (one file
 * system sync, then the renames, then one journal flush). Directory
 * mtimes and file mtimes are those of the remote files. A file already
 * there with the remote size and mtime is kept.
 *
 * With a journal, progress is recorded so that a new download fed the
 * old records (od_download_note) continues where the old one stopped:
 * a .part file resumes at the bytes known to be written, nothing
 * verified is fetched again. */
#ifndef ONETUI_DOWNLOAD_H
#define ONETUI_DOWNLOAD_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "onetui/attrs.h"
#include "onetui/compiler.h"
#include "onetui/error.h"
#include "onetui/journal.h"
#include "onetui/xfer.h"
#include "onetui/zone.h"

struct od_download;

struct od_download_opts {
	unsigned jobs;		/* files at once; 0: 4 */
	unsigned streams;	/* ranged streams for one large file (1..16); 0: 1 */
	uint64_t split_min;	/* only files at least this large are split; 0: 32 MiB */
	uint64_t max_speed;	/* bytes per second over all streams; 0: no cap */
	unsigned file_attempts;	/* tries of one file before it fails; 0: 3 */
	bool overwrite;		/* replace local files that differ */
	bool map_names;		/* fetch unsafe names under a %XX form instead of leaving them out */
	bool hash;		/* compute every file's SHA-256 (for a manifest) */
	bool verify;		/* read back what was written; hash kept files against the record */
};

struct od_error *od_download_new(struct od_zone *z, const struct od_download_opts *opts,
				 od_xfer_event_fn *fn, void *ud, struct od_download **out) OD_WARN_UNUSED;
/* Records go to j (which stays the caller's). */
void od_download_set_journal(struct od_download *d, struct od_journal *j);
/* A record of an earlier run of the same job ("part" and "done"). */
struct od_error *od_download_note(struct od_download *d, const cJSON *rec) OD_WARN_UNUSED;
/* Fetch the file or directory a (with fileId, name, type, size, mtime
 * and the checksum attributes) of space s to local, shown as remote.
 * Without a space, a is public share data (a share-scoped id), fetched
 * through the zone without the token. */
struct od_error *od_download_add(struct od_download *d, struct od_space *s, const struct od_attrs *a,
				 const char *remote, const char *local) OD_WARN_UNUSED;
/* The same for the file or directory at path in space s, looked up
 * while the download runs; a path that cannot be read is reported as a
 * failed file. */
struct od_error *od_download_add_path(struct od_download *d, struct od_space *s, const char *path,
				      const char *remote, const char *local) OD_WARN_UNUSED;
/* The same for the file or directory with file_id (without a space: a
 * share-scoped id of public share data). */
struct od_error *od_download_add_id(struct od_download *d, struct od_space *s, const char *file_id,
				    const char *remote, const char *local) OD_WARN_UNUSED;
/* Start; events then come from od_engine_perform(). */
void od_download_start(struct od_download *d);
void od_download_totals(const struct od_download *d, struct od_xfer_totals *t);
/* Stop the requests and keep the rest (parts, progress), for instance
 * when the user asks: od_download_resume goes on. */
void od_download_pause(struct od_download *d);
/* Go on after od_download_pause or OD_XFER_PAUSED (for instance with a
 * new token). */
void od_download_resume(struct od_download *d);
/* Stop everything; .part files stay for a later resume. OD_XFER_FINISHED
 * follows with OD_ERR_CANCELLED. */
void od_download_cancel(struct od_download *d);
/* Free it: before od_download_start, or once OD_XFER_FINISHED came. */
void od_download_free(struct od_download *d);
/* Where the bytes of local are written until it is complete: NAME.part
 * beside it, or for a name too long to take the suffix, a hidden name
 * made from a hash of it. Caller frees; NULL when out of memory. */
char *od_download_part_path(const char *local);

#endif
