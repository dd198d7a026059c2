/* SPDX-License-Identifier: GPL-3.0-or-later */
/* acclog.h: onetui's own record of the access changes it made.
 *
 * Every share, handle, token, invite, space or membership onetui creates,
 * changes, revokes or deletes is appended as one JSON line to
 * $XDG_STATE_HOME/onetui/access.log (mode 0600), with the time, the local
 * login and host, the zone and the Onedata user, so that what this client
 * did can be traced in a review. Token values are never written: callers
 * pass ids and names only. */
#ifndef ONETUI_ACCLOG_H
#define ONETUI_ACCLOG_H

#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/engine.h"
#include "onetui/error.h"
#include "onetui/provider.h"
#include "onetui/zone.h"

/* One action. action: "create" "update" "revoke" "unrevoke" "delete"
 * "confine" "consume" "register" "grant" "remove"; kind: "share" "handle"
 * "token" "invite" "space" "group" "member" "privileges". Any field but
 * action and kind may be NULL. */
struct od_acclog_entry {
	const char *action, *kind;
	const char *id;		/* what was acted on */
	const char *name;	/* its name, for people */
	const char *space_id;	/* the space it belongs to */
	const char *detail;	/* one line more (caveats, privileges...) */
};

/* Append e (made durable); z (may be NULL) names the zone and user. A failure to write is logged as a warning and
 * does not undo the action, which has been done by then. */
void od_acclog_record(struct od_zone *z, const struct od_acclog_entry *e);

/* An access change on its way to the zone: the entry to record once it
 * succeeds, and whom to tell then (done for a change that answers
 * nothing, made for one that answers an id). */
struct od_acclog_change {
	struct od_zone *z;
	const char *action, *kind;
	char *id, *name, *space_id, *detail;	/* copies; any may be NULL */
	od_done_fn *done;
	od_file_id_fn *made;
	void *ud;
};
/* NULL when memory runs out. */
struct od_acclog_change *od_acclog_change_new(struct od_zone *z, const char *action, const char *kind,
					      const char *id, const char *name, const char *space_id,
					      const char *detail);
void od_acclog_change_free(struct od_acclog_change *c);
/* Record c unless err (with id, or c's own when id is NULL); free it. */
void od_acclog_change_end(struct od_acclog_change *c, const struct od_error *err, const char *id);
/* Callbacks for the call itself, with c as its ud: record on success
 * (made: with the id answered, when c names nothing yet), then tell
 * c->done or c->made, then free c. */
void od_acclog_change_done(struct od_error *err, void *ud);
void od_acclog_change_made(const char *id, struct od_error *err, void *ud);

/* An entry read back, with what od_acclog_record added. */
struct od_acclog_line {
	struct od_acclog_entry e;
	int64_t time;		/* UNIX seconds */
	const char *zone, *user, *login, *host;
};
/* Called for each entry, oldest first; return false to stop. */
typedef bool od_acclog_fn(const struct od_acclog_line *l, void *ud);
/* Read the log (no file yet: nothing, no error). Lines that do not parse
 * (cut short by a crash, edited by hand) are skipped and counted in
 * *skipped (may be NULL). */
struct od_error *od_acclog_read(od_acclog_fn *fn, void *ud, size_t *skipped) OD_WARN_UNUSED;
/* The log's file name (caller frees). */
struct od_error *od_acclog_path(char **out) OD_WARN_UNUSED;

#endif
