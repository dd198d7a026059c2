/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xfer.h: what downloads and uploads report, in one shape, so that one
 * front end shows both. */
#ifndef ONETUI_XFER_H
#define ONETUI_XFER_H

#include <stdbool.h>
#include <stdint.h>

#include "onetui/error.h"

enum od_xfer_event_kind {
	OD_XFER_FILE_DONE,	/* transferred, checked and in place */
	OD_XFER_FILE_KEPT,	/* already at the destination, left as it was */
	OD_XFER_FILE_FAILED,	/* given up; err says why */
	OD_XFER_NAME,		/* an unsafe name: left out (err) or mapped (local) */
	OD_XFER_SKIPPED,	/* not a regular file or directory (a symbolic link) */
	OD_XFER_LISTED,		/* every directory has been listed: totals are final */
	OD_XFER_PAUSED,		/* the token was refused; err says why; resuming the job goes on */
	OD_XFER_FINISHED,	/* nothing left to do; err set when the whole job stopped */
};

struct od_xfer_event {
	enum od_xfer_event_kind kind;
	const char *local;	/* the local path */
	const char *remote;	/* "SPACE/path" as listed (untrusted: sanitise before showing) */
	const char *file_id;
	const char *provider_id;	/* the provider it went through */
	uint64_t size;
	int64_t mtime;
	const char *sha256;	/* hex, when computed */
	bool verified;		/* sha256 matched the checksum recorded on the remote file */
	const char *note;	/* why a checksum was not compared, or a name was unsafe */
	bool made;		/* FILE_FAILED of an upload: the remote file was being made (file_id when known) */
	const struct od_error *err;
};

typedef void od_xfer_event_fn(const struct od_xfer_event *ev, void *ud);

struct od_xfer_totals {
	uint64_t files, files_done, files_kept, files_failed;
	uint64_t bytes, bytes_done;	/* bytes_done counts kept files and resumed parts too */
	uint64_t bytes_moved;	/* what crossed the network in this run */
	unsigned active;	/* files in transfer */
	bool listing;		/* totals may still grow */
	bool paused;
};

#endif
