/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest.h: an acquisition session carried into a space, losing nothing.
 *
 * A session is a local folder (where an instrument writes) and the folder
 * of a space it goes to. Its folder watcher (watch.h) says when a file is
 * complete; complete files are sent in batches by an upload (upload.h)
 * into the mirrored folders below the destination, verified as every
 * upload is. A file that changes after it was sent is sent again,
 * replacing the remote one, or beside it as NAME.v2.EXT, NAME.v3.EXT...
 * A file deleted locally is never deleted remotely.
 *
 * Every file noticed is journaled (fdatasync) before anything else is
 * done about it, and so is every file sent, with the size and time it
 * had (and its inode and change time, so that another file renamed over
 * it with the same size and time counts as a change: see watch.h); the
 * journal is $XDG_STATE_HOME/onetui/ingest/ID.journal, ID following
 * from the zone, the space, the destination and the source, so that the
 * same session opened again after a crash, kill -9, reboot or lost
 * network takes up where it stopped: what was sent and has not
 * changed since is not sent again, what was being sent goes on at the
 * size the provider holds, and what was missed meanwhile is found by the
 * first scan. A file that fails is tried again later, waiting longer
 * each time: up to 1 minute when waiting mends the failure (the network:
 * no connection, a timeout, TLS; the server: HTTP 5xx, 429), up to 30
 * minutes when it does not (HTTP 4xx, a local error). When a file is
 * sent after failures of the first kind that went on for 10 s or more,
 * the files that failed so are tried at once: an hour without network
 * loses nothing, and what waited goes as soon as the network is back.
 *
 * A session ends when asked (od_ingest_end), when a marker file appears
 * in the source's top folder, when no file was new for a while, or, for
 * a finished folder ("once"), when everything there was sent; in each
 * case only after every complete file is sent. A marker there already
 * when the session opens says the acquisition is over: the files are
 * complete as they are (no waiting for them to be stable), and the
 * session is ending from the start (od_ingest_totals: ending). */
#ifndef ONETUI_INGEST_H
#define ONETUI_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/error.h"
#include "onetui/upload.h"
#include "onetui/watch.h"
#include "onetui/zone.h"

struct od_ingest_opts {
	struct od_watch_opts watch;
	struct od_upload_opts upload;	/* overwrite is the session's to set */
	bool once;		/* a finished folder: end when all that is there is sent */
	const char *end_marker;	/* a file of this name in the source's top folder ends the session (it is not sent) */
	int64_t idle_end_ms;	/* no new file for this long ends the session; 0: never */
	bool keep_versions;	/* a file changed after it was sent goes beside the old one, not over it */
	unsigned protect;	/* OD_PROTECT_* the caller sets on the destination's dataset once the
				 * session has ended; only recorded, for whoever takes the session up */
};

enum od_ingest_event_kind {
	OD_INGEST_SEEN,		/* a new or changed file (journaled) */
	OD_INGEST_SENT,		/* a file is in the space, verified */
	OD_INGEST_FAILED,	/* a file could not be sent (err); it is tried again later */
	OD_INGEST_PROBLEM,	/* the watch or the journal met trouble (err); the session goes on */
	OD_INGEST_PAUSED,	/* the token was refused (err): od_ingest_resume once there is another */
	OD_INGEST_ENDED,	/* the session ended; why says how */
};

struct od_ingest_event {
	enum od_ingest_event_kind kind;
	const char *path;	/* below the source */
	const char *remote;	/* "SPACE/dest/.../name" (from a server: sanitise before showing) */
	uint64_t size;
	const char *sha256;	/* SENT */
	bool kept;		/* SENT: it was in the space already, the same */
	const char *why;	/* ENDED: "asked", "marker", "idle" or "done" */
	const struct od_error *err;
};

typedef void od_ingest_event_fn(const struct od_ingest_event *ev, void *ud);

struct od_ingest_totals {
	uint64_t files;		/* noticed in this session, ever */
	uint64_t pending;	/* noticed, not complete yet */
	uint64_t queued;	/* complete, waiting to be sent (failed ones waiting to be tried again too) */
	uint64_t sending;
	uint64_t sent;		/* in the space as they are now */
	uint64_t failed;	/* failed the last time they were tried */
	uint64_t bytes_sent;	/* in this run */
	bool paused, ending, ended;
};

struct od_ingest;

/* Open the session from source (a local folder) into the folder dest of
 * space s (made when missing): its journal is created or, when the same
 * session was run before, read and taken up. An error when another
 * process runs it. The watch starts with od_ingest_run. */
struct od_error *od_ingest_open(struct od_zone *z, struct od_space *s, const char *dest, const char *source,
				const struct od_ingest_opts *opts, od_ingest_event_fn *fn, void *ud,
				struct od_ingest **out) OD_WARN_UNUSED;
const char *od_ingest_id(const struct od_ingest *in);
const char *od_ingest_journal_path(const struct od_ingest *in);
/* The watch's way of noticing files (inotify or polling). */
enum od_watch_mode od_ingest_watch_mode(const struct od_ingest *in);
/* What to wait for: the watch's descriptor (-1: none) and how long at
 * most before od_ingest_run (the network is waited on too). */
int od_ingest_fd(const struct od_ingest *in);
long od_ingest_next_ms(const struct od_ingest *in);
/* Read what the watch says, start sending, end when it is time. */
void od_ingest_run(struct od_ingest *in);
/* End the session once every complete file is sent. */
void od_ingest_end(struct od_ingest *in);
/* Ask the process that runs session id, whichever it is, to end it so:
 * a file ID.end beside its journal, which the session takes up at its
 * next run. An error when there is no such session. */
struct od_error *od_ingest_request_end(const char *id) OD_WARN_UNUSED;
/* Go on after OD_INGEST_PAUSED (a new token was loaded). */
void od_ingest_resume(struct od_ingest *in);
void od_ingest_totals(const struct od_ingest *in, struct od_ingest_totals *t);
/* Stop where it is (the journal keeps the rest for the next run) and
 * free. */
void od_ingest_free(struct od_ingest *in);

struct od_config;
/* The globs of temporary files to leave out unless told otherwise: the
 * configuration's (ingest.temporary), else those of common acquisition
 * software and systems ("*.tmp", "~$*", ".DS_Store"...). cfg may be
 * NULL. */
const char *const *od_ingest_temporary(const struct od_config *cfg, size_t *n);

/* A session as its journal describes it, for "status" lists. */
struct od_ingest_info {
	char *id, *path;
	char *source, *space, *space_id, *dest, *zone;
	int64_t created, last;	/* UNIX seconds: made, and the last record */
	uint64_t files, sent, failed, waiting;	/* waiting: noticed, not sent nor failed */
	char *ended;		/* why it ended, NULL while it goes on */
	bool running;		/* a process runs it now */
	/* The options of its last run, to take it up the same way (the
	 * globs as the watch used them, temporary files' included);
	 * has_opts false for a journal that does not record them. Owned by
	 * the info. */
	bool has_opts;
	struct od_ingest_opts opts;
	int64_t journal_size, journal_mtime_ns;	/* as read, for od_ingest_list_update */
};
/* Every session recorded on this machine, oldest first. */
struct od_error *od_ingest_list(struct od_ingest_info **out, size_t *n) OD_WARN_UNUSED;
/* The same over an earlier list *v (n entries; NULL and 0 for none),
 * replaced by the new one: a journal unchanged since it was read is not
 * read again (whether a process runs it is looked at anew), and the
 * sessions of skip (n_skip ids) are left out unread (those the caller
 * runs itself). On error the list is empty. */
struct od_error *od_ingest_list_update(struct od_ingest_info **v, size_t *n, const char *const *skip,
				       size_t n_skip) OD_WARN_UNUSED;
void od_ingest_list_free(struct od_ingest_info *v, size_t n);

#endif
