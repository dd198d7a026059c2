/* SPDX-License-Identifier: GPL-3.0-or-later */
/* runner.c: a journaled job's download or upload, behind one face. */
#include "config.h"

#include "onetui/runner.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "onetui/engine.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/log.h"

/* How often other processes are told how far the job got, and how
 * often their requests are looked for (a turn of the loop can be much
 * shorter: every few kilobytes of a fast transfer). */
#define PROGRESS_MS 1000
#define CONTROL_MS 200

struct od_runner {
	const struct od_job_info *ji;
	struct od_zone *z;
	struct od_journal *journal;
	struct od_download *d;	/* one of the two */
	struct od_upload *u;
	bool held;		/* paused by the user */
	long long progress_ms, control_ms;
};

struct replay {
	struct od_runner *r;
	size_t n;
	struct od_error *err;
};

/* The records of earlier runs (the header is skipped). */
static int
replay_record(const cJSON *rec, void *ud)
{
	struct replay *p = ud;

	if (p->n++ > 0 && !p->err)
		p->err = p->r->d ? od_download_note(p->r->d, rec) : od_upload_note(p->r->u, rec);
	return 0;
}

static void
record_state(struct od_runner *r, const char *state)
{
	struct od_error *err = od_job_record_state(r->journal, state, NULL);

	if (err) {
		od_log(OD_LOG_WARN, "%s", err->message);
		od_error_free(err);
	}
}

struct od_error *
od_runner_new(struct od_zone *z, const struct od_job_info *ji, od_xfer_event_fn *fn, void *ud,
	      struct od_runner **out)
{
	struct od_runner *r = calloc(1, sizeof(*r));
	struct replay p = { .r = r };
	struct od_error *err;
	size_t bad;

	*out = NULL;
	if (!r)
		return od_error_nomem();
	r->ji = ji;
	r->z = z;
	if ((err = od_journal_open(ji->path, &r->journal)) || (err = od_journal_lock(r->journal))) {
		od_journal_close(r->journal);
		free(r);
		return err;
	}
	if (strcmp(ji->kind, "upload") == 0) {
		struct od_upload_opts o = { .jobs = ji->opts.dl.jobs, .max_speed = ji->opts.dl.max_speed,
					    .overwrite = ji->opts.dl.overwrite, .verify = ji->opts.dl.verify };
		if (!(err = od_upload_new(z, &o, fn, ud, &r->u)))
			od_upload_set_journal(r->u, r->journal);
	} else if (!(err = od_download_new(z, &ji->opts.dl, fn, ud, &r->d))) {
		od_download_set_journal(r->d, r->journal);
	}
	if (!err && !(err = od_journal_read(ji->path, replay_record, &p, &bad)))
		err = p.err;
	if (err) {
		od_runner_free(r);
		return err;
	}
	/* A request left for an earlier run is not this run's. */
	(void)od_job_control_take(ji->path);
	if (ji->paused)
		record_state(r, "running");
	/* The first turn writes the progress: others see the job at once. */
	r->control_ms = od_now_ms();
	r->progress_ms = r->control_ms - PROGRESS_MS;
	*out = r;
	return NULL;
}

struct od_download *
od_runner_download(struct od_runner *r)
{
	return r->d;
}

struct od_upload *
od_runner_upload(struct od_runner *r)
{
	return r->u;
}

struct od_journal *
od_runner_journal(struct od_runner *r)
{
	return r->journal;
}

static struct od_error *
add_download_source(struct od_runner *r, const cJSON *src)
{
	const char *space = od_json_get_str(src, "space"), *path = od_json_get_str(src, "path");
	const char *remote = od_json_get_str(src, "remote"), *local = od_json_get_str(src, "local");
	const char *share = od_json_get_str(src, "share"), *file_id = od_json_get_str(src, "fileId");
	struct od_space *s;
	struct od_error *err;

	if (share && file_id && remote && local)
		return od_download_add_id(r->d, NULL, file_id, remote, local);
	if (!space || !path || !remote || !local)
		return od_error_new(OD_ERR_INPUT, _("the job names a source only 'onetui transfers resume' can "
						    "fetch (a whole share's link)"));
	if ((err = od_zone_find_space(r->z, space, &s)))
		return err;
	return od_download_add_path(r->d, s, path, remote, local);
}

static struct od_error *
add_upload_source(struct od_runner *r, const cJSON *src)
{
	const char *space = od_json_get_str(src, "space"), *dir = od_json_get_str(src, "dir");
	const char *name = od_json_get_str(src, "name"), *local = od_json_get_str(src, "local");
	const char *shown = od_json_get_str(src, "remoteDir");
	struct od_space *s;
	struct od_error *err;

	if (!space || !dir || !name || !local || !shown)
		return od_error_new(OD_ERR_INPUT, _("the job's journal names a source it cannot describe; it was "
						    "not written by this version of onetui"));
	if ((err = od_zone_find_space(r->z, space, &s)))
		return err;
	return od_upload_add_path(r->u, local, s, dir, shown, name);
}

void
od_runner_add_sources(struct od_runner *r, void (*fn)(const char *remote, const struct od_error *err, void *ud),
		      void *ud)
{
	const cJSON *src;

	cJSON_ArrayForEach(src, r->ji->sources) {
		struct od_error *err = r->d ? add_download_source(r, src) : add_upload_source(r, src);
		if (err) {
			const char *remote = od_json_get_str(src, r->d ? "remote" : "local");
			fn(remote ? remote : "?", err, ud);
			od_error_free(err);
		}
	}
}

void
od_runner_start(struct od_runner *r)
{
	if (r->d)
		od_download_start(r->d);
	else
		od_upload_start(r->u);
}

void
od_runner_totals(const struct od_runner *r, struct od_xfer_totals *t)
{
	if (r->d)
		od_download_totals(r->d, t);
	else
		od_upload_totals(r->u, t);
	t->paused = t->paused || r->held;
}

void
od_runner_pause(struct od_runner *r)
{
	if (r->held)
		return;
	r->held = true;
	if (r->d)
		od_download_pause(r->d);
	else
		od_upload_pause(r->u);
	record_state(r, "paused");
}

bool
od_runner_held(const struct od_runner *r)
{
	return r->held;
}

void
od_runner_resume(struct od_runner *r)
{
	if (r->held) {
		r->held = false;
		record_state(r, "running");
	}
	if (r->d)
		od_download_resume(r->d);
	else
		od_upload_resume(r->u);
}

void
od_runner_cancel(struct od_runner *r)
{
	if (r->d)
		od_download_cancel(r->d);
	else
		od_upload_cancel(r->u);
}

struct od_error *
od_runner_cancelled(struct od_runner *r, const struct od_xfer_totals *t,
		    void (*fn)(const char *part, int errnum, void *ud), void *ud)
{
	struct od_job_info now = { 0 };
	struct od_error *err = od_job_record_state(r->journal, "cancelled", t);

	/* The parts this run started are in the journal only now. */
	if (!err && !(err = od_job_load_path(r->ji->path, &now)))
		od_job_remove_parts(&now, fn, ud);
	od_job_info_done(&now);
	return err;
}

enum od_job_control
od_runner_tick(struct od_runner *r, double rate)
{
	long long now = od_now_ms();

	if (now - r->progress_ms >= PROGRESS_MS) {
		struct od_job_progress p = { .rate = r->held ? 0 : rate, .pid = (long long)getpid(),
					     .time = (int64_t)time(NULL) };
		r->progress_ms = now;
		od_runner_totals(r, &p.t);
		/* Only for others to look at: a failure costs the job nothing. */
		od_error_free(od_job_progress_write(r->ji->path, &p));
	}
	if (now - r->control_ms < CONTROL_MS)
		return OD_JOB_NONE;
	r->control_ms = now;
	return od_job_control_take(r->ji->path);
}

void
od_runner_free(struct od_runner *r)
{
	if (!r)
		return;
	od_download_free(r->d);
	od_upload_free(r->u);
	od_job_progress_remove(r->ji->path);
	od_journal_close(r->journal);
	free(r);
}
