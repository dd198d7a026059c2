/* SPDX-License-Identifier: GPL-3.0-or-later */
/* job.h: transfer jobs as their journals record them (journal.h): the
 * header that describes a job, and what a journal says about its job.
 * Both front ends create, list and resume jobs through this. */
#ifndef ONETUI_JOB_H
#define ONETUI_JOB_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/download.h"
#include "onetui/error.h"
#include "onetui/journal.h"
#include "onetui/str.h"
#include "onetui/xfer.h"

/* A job's options. The strings point into the header they were read
 * from, or are the caller's. */
struct od_job_opts {
	struct od_download_opts dl;	/* jobs, max_speed, overwrite and verify serve uploads too */
	const char *manifest;	/* NULL: none */
	const char *dest;	/* where the job writes, for lists of jobs */
	bool public_only;	/* public links only: run without a token */
};

/* Record a new job of kind ("download" or "upload") on zone: its journal
 * starts with the header (sources taken over). *path: the journal. */
struct od_error *od_job_create(const char *kind, const char *zone, cJSON *sources, const struct od_job_opts *o,
			       char **path) OD_WARN_UNUSED;

/* What a journal says about its job. */
struct od_job_info {
	char *id;
	char *path;
	cJSON *header;
	const char *kind;	/* "download" or "upload"; into header */
	const char *zone;
	const cJSON *sources;
	struct od_job_opts opts;
	const char *state;	/* "finished", "cancelled", or NULL: not ended */
	bool paused;		/* not ended, and its last run was paused by the user */
	uint64_t done, failed;	/* files */
	bool running;		/* another process holds it */
	size_t damaged;		/* lines that were not records */
	struct od_strset parts;	/* local files with a part in progress */
	char last_state[16];
	size_t n;
};
/* Read the journal of job id in dir. */
struct od_error *od_job_load(const char *dir, const char *id, struct od_job_info *out) OD_WARN_UNUSED;
/* "Krios/Images-Disc1 (+2) -> /scratch/run1", or from a local path to
 * the remote folder for an upload; NULL when out of memory. The remote
 * part comes from a server: sanitise before showing. */
char *od_job_describe(const struct od_job_info *ji);
/* The same for the journal at path ("DIR/ID.journal"). */
struct od_error *od_job_load_path(const char *path, struct od_job_info *out) OD_WARN_UNUSED;
void od_job_info_done(struct od_job_info *ji);
/* Whether a process holds the job at journal (runs it now). */
bool od_job_running(const char *journal);
/* The ids of the journals in dir, oldest first; NULL and *n 0 when there
 * are none. Caller frees each and the array. */
char **od_job_list(const char *dir, size_t *n);

/* Record that the job is now "finished", "cancelled", "paused" or
 * "running" (going on after a pause), with its totals when known, and
 * make it durable. */
struct od_error *od_job_record_state(struct od_journal *j, const char *state,
				     const struct od_xfer_totals *t) OD_WARN_UNUSED;
/* Remove the .part files the job's journal names, as a cancelled job
 * leaves nothing behind; fn (may be NULL) hears of each that cannot be. */
void od_job_remove_parts(const struct od_job_info *ji, void (*fn)(const char *part, int errnum, void *ud),
			 void *ud);

/* End a job nobody runs for good: claimed, recorded "cancelled", its
 * .part files removed (fn as for od_job_remove_parts). */
struct od_error *od_job_cancel_stopped(const struct od_job_info *ji,
				       void (*fn)(const char *part, int errnum, void *ud), void *ud) OD_WARN_UNUSED;

/* Another process asks the one that runs a job (the interface or a
 * command) to pause it, go on or cancel it: a file beside the journal,
 * which the runner looks for at every turn and removes when it acts. */
enum od_job_control {
	OD_JOB_NONE,
	OD_JOB_PAUSE,
	OD_JOB_RESUME,
	OD_JOB_CANCEL,
};

struct od_error *od_job_control_send(const char *journal, enum od_job_control c) OD_WARN_UNUSED;
/* The request waiting for the job, removed; OD_JOB_NONE when there is none. */
enum od_job_control od_job_control_take(const char *journal);
/* Whether a request sent has not been taken yet. */
bool od_job_control_waiting(const char *journal);

/* How far a running job has got, for other processes to show: rewritten
 * by its runner about once a second (not made durable), removed when
 * the run ends. */
struct od_job_progress {
	struct od_xfer_totals t;
	double rate;		/* bytes per second, smoothed */
	long long pid;		/* of the runner */
	int64_t time;		/* when written (Unix seconds) */
};

struct od_error *od_job_progress_write(const char *journal, const struct od_job_progress *p) OD_WARN_UNUSED;
/* false when there is none or it cannot be read. */
bool od_job_progress_read(const char *journal, struct od_job_progress *out);
void od_job_progress_remove(const char *journal);

#endif
