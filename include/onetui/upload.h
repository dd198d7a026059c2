/* SPDX-License-Identifier: GPL-3.0-or-later */
/* upload.h: local files and trees into a space, resumable and verified.
 *
 * An upload takes sources (a local file or folder and the remote folder
 * it goes into). Each remote folder is listed once, so that what is
 * there already is known without a request per file; missing folders are
 * created. A small file is created with its content in one request; a
 * larger one is created empty and then written, so that an interrupted
 * write can go on at the size the provider has, after the bytes there
 * were read back and found equal to the local ones. While a file is
 * sent its SHA-256 is computed; afterwards it is recorded in the
 * extended attributes onetui.sha256 and onetui.sha256.mtime (the mtime
 * the provider gave the content), where downloads find it.
 *
 * A remote file of the same name is left alone when it holds the same
 * content (same size, and the same recorded checksum, or the checksum
 * this job recorded in its journal); any other is replaced only with
 * overwrite. Events and totals are those of xfer.h. */
#ifndef ONETUI_UPLOAD_H
#define ONETUI_UPLOAD_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/error.h"
#include "onetui/journal.h"
#include "onetui/xfer.h"
#include "onetui/zone.h"

struct od_upload;

struct od_upload_opts {
	unsigned jobs;		/* files at once; 0: 4 */
	uint64_t max_speed;	/* bytes per second over all files; 0: no cap */
	uint64_t small_max;	/* files up to this size go in one request; 0: 8 MiB */
	unsigned file_attempts;	/* tries of one file before it fails; 0: 3 */
	bool overwrite;		/* replace remote files that differ */
	bool verify;		/* read every file back after sending it */
};

struct od_error *od_upload_new(struct od_zone *z, const struct od_upload_opts *opts, od_xfer_event_fn *fn,
			       void *ud, struct od_upload **out) OD_WARN_UNUSED;
void od_upload_set_journal(struct od_upload *u, struct od_journal *j);
/* A record of an earlier run of the same job. */
struct od_error *od_upload_note(struct od_upload *u, const cJSON *rec) OD_WARN_UNUSED;
/* Send local (a file, or a folder and all below it) into the folder
 * dir_id of space s under name; remote_dir is that folder's path for
 * messages ("SPACE/path"). Local trouble (unreadable folders, special
 * files) is reported through events when the upload runs. */
struct od_error *od_upload_add(struct od_upload *u, const char *local, struct od_space *s, const char *dir_id,
			       const char *remote_dir, const char *name) OD_WARN_UNUSED;
/* The same for the folder at path dir of space s, looked up while the
 * upload runs and made (with its parents) when it is missing; a folder
 * that cannot be reached is reported as a failed file. */
struct od_error *od_upload_add_path(struct od_upload *u, const char *local, struct od_space *s, const char *dir,
				    const char *remote_dir, const char *name) OD_WARN_UNUSED;
void od_upload_start(struct od_upload *u);
void od_upload_totals(const struct od_upload *u, struct od_xfer_totals *t);
/* Stop the requests and keep the rest; od_upload_resume goes on. */
void od_upload_pause(struct od_upload *u);
void od_upload_resume(struct od_upload *u);
void od_upload_cancel(struct od_upload *u);
/* Free it: before od_upload_start, or once OD_XFER_FINISHED came. */
void od_upload_free(struct od_upload *u);

#endif
