/* SPDX-License-Identifier: GPL-3.0-or-later */
/* journal.h: the append-only record of a transfer job.
 *
 * One file per job, one JSON object per line. The first line describes
 * the job; later lines record its progress. Records are collected in
 * memory and written together by od_journal_sync(), which also makes them
 * durable (fdatasync), so a job pays for one flush per batch rather than
 * one per file. A line cut short by a crash is ignored when reading. */
#ifndef ONETUI_JOURNAL_H
#define ONETUI_JOURNAL_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "onetui/compiler.h"
#include "onetui/error.h"

struct od_journal;

/* onetui's directory of records, $XDG_STATE_HOME/onetui, else
 * ~/.local/state/onetui, or its subdirectory sub (NULL: none); created,
 * mode 0700. Caller frees. */
struct od_error *od_state_dir(const char *sub, char **out) OD_WARN_UNUSED;
/* Where jobs are recorded: $XDG_STATE_HOME/onetui/transfers, else
 * ~/.local/state/onetui/transfers (created, mode 0700). Caller frees. */
struct od_error *od_journal_dir(char **out) OD_WARN_UNUSED;
/* A new job id: the UTC time and a random suffix ("20261122T051530-3f2a9c"). */
char *od_journal_new_id(void);
/* The journal file of job id in dir (caller frees). */
char *od_journal_path(const char *dir, const char *id);

/* Start job id's journal with its header (written and made durable at once). */
struct od_error *od_journal_create(const char *dir, const char *id, const cJSON *header,
				   struct od_journal **out) OD_WARN_UNUSED;
/* Append to an existing journal. */
struct od_error *od_journal_open(const char *path, struct od_journal **out) OD_WARN_UNUSED;
/* Claim the job for this process (released on close); an error when
 * another process holds it. */
struct od_error *od_journal_lock(struct od_journal *j) OD_WARN_UNUSED;
/* Queue a record for the next sync. */
struct od_error *od_journal_add(struct od_journal *j, const cJSON *rec) OD_WARN_UNUSED;
/* Whether records wait to be written. */
size_t od_journal_queued(const struct od_journal *j);
/* Write the queued records and flush them to disk. */
struct od_error *od_journal_sync(struct od_journal *j) OD_WARN_UNUSED;
/* Sync what is queued (errors are logged) and close. */
void od_journal_close(struct od_journal *j);

/* Read a journal: fn gets each complete record in order (return nonzero
 * to stop). Lines that are not JSON objects are counted in *bad and
 * skipped, except a last line without its newline, which a crash cut
 * short and which is ignored silently. */
typedef int od_journal_record_fn(const cJSON *rec, void *ud);
struct od_error *od_journal_read(const char *path, od_journal_record_fn *fn, void *ud,
				 size_t *bad) OD_WARN_UNUSED;

#endif
