/* SPDX-License-Identifier: GPL-3.0-or-later */
/* runner.h: running a journaled job (job.h), a download or an upload,
 * behind one face, so that the command line and the interface run jobs
 * alike: the journal claimed and its records replayed, the sources
 * added, pause and resume as the user asks (here or from another
 * process, through od_job_control_send), and the progress other
 * processes read. */
#ifndef ONETUI_RUNNER_H
#define ONETUI_RUNNER_H

#include "onetui/compiler.h"
#include "onetui/download.h"
#include "onetui/error.h"
#include "onetui/job.h"
#include "onetui/upload.h"
#include "onetui/xfer.h"
#include "onetui/zone.h"

struct od_runner;

/* Claim job ji (an error when another process runs it), make its
 * download or upload with the job's options and replay what earlier runs
 * recorded. Events go to fn. ji must outlive the runner. */
struct od_error *od_runner_new(struct od_zone *z, const struct od_job_info *ji, od_xfer_event_fn *fn, void *ud,
			       struct od_runner **out) OD_WARN_UNUSED;
/* The job's download, or NULL for an upload; and the other way round. */
struct od_download *od_runner_download(struct od_runner *r);
struct od_upload *od_runner_upload(struct od_runner *r);
struct od_journal *od_runner_journal(struct od_runner *r);
/* Add every source of the job's header, each looked up while the job
 * runs (the spaces must be loaded); fn hears of each that cannot be
 * added, by its remote name. */
void od_runner_add_sources(struct od_runner *r, void (*fn)(const char *remote, const struct od_error *err, void *ud),
			   void *ud);
void od_runner_start(struct od_runner *r);
void od_runner_totals(const struct od_runner *r, struct od_xfer_totals *t);
/* Pause as the user asks: requests stop, the rest is kept, "paused" is
 * journaled. */
void od_runner_pause(struct od_runner *r);
bool od_runner_held(const struct od_runner *r);
/* Go on after od_runner_pause (journaled) or after OD_XFER_PAUSED. */
void od_runner_resume(struct od_runner *r);
/* Stop; OD_XFER_FINISHED follows with OD_ERR_CANCELLED. */
void od_runner_cancel(struct od_runner *r);
/* The job was cancelled and its runner has ended (OD_XFER_FINISHED):
 * journaled as "cancelled" with totals t, and its .part files removed, as
 * the journal now names them (fn as for od_job_remove_parts). */
struct od_error *od_runner_cancelled(struct od_runner *r, const struct od_xfer_totals *t,
				     void (*fn)(const char *part, int errnum, void *ud), void *ud) OD_WARN_UNUSED;
/* Once a turn: the request another process left for the job (taken;
 * acting on it is the caller's), and about once a second the progress
 * written for other processes, with rate (bytes per second). */
enum od_job_control od_runner_tick(struct od_runner *r, double rate);
/* Free it (once OD_XFER_FINISHED came, or before od_runner_start):
 * the journal is closed, the progress removed. */
void od_runner_free(struct od_runner *r);

#endif
