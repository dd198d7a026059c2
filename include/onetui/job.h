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
#include "onetui/str.h"

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
	uint64_t done, failed;	/* files */
	bool running;		/* another process holds it */
	size_t damaged;		/* lines that were not records */
	struct od_strset parts;	/* local files with a part in progress */
	char last_state[16];
	size_t n;
};
/* Read the journal of job id in dir. */
struct od_error *od_job_load(const char *dir, const char *id, struct od_job_info *out) OD_WARN_UNUSED;
void od_job_info_done(struct od_job_info *ji);
/* The ids of the journals in dir, oldest first; NULL and *n 0 when there
 * are none. Caller frees each and the array. */
char **od_job_list(const char *dir, size_t *n);

#endif
