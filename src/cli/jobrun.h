/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jobrun.h: running a transfer job from the command line, new or resumed:
 * its journal, progress display, manifest and summary. Downloads and
 * uploads run the same way; the journal's header says which it is. */
#ifndef ONETUI_CLI_JOBRUN_H
#define ONETUI_CLI_JOBRUN_H

#include <cjson/cJSON.h>

#include "cli/session.h"
#include "onetui/download.h"
#include "onetui/job.h"
#include "onetui/upload.h"

enum progress_mode {
	PROGRESS_AUTO,	/* a status line on a terminal, plain lines otherwise */
	PROGRESS_LINES,	/* plain lines now and then, on stderr */
	PROGRESS_JSON,	/* one JSON event per line on stdout */
	PROGRESS_NONE,
};

/* Parse "auto", "lines", "json" or "none"; -1 for anything else. */
int progress_mode_parse(const char *s);

/* Whether arg is a share's public link, https://ZONE/share/SHAREID:
 * then the zone's origin and the share id (caller frees both). */
bool share_url_parse(const char *arg, char **origin, char **share_id);
/* The root of a share, read without a token. */
struct share_root {
	struct od_attrs a;	/* of the root file; its strings are the ones below */
	char *name;		/* the share's name */
	char *file_id, *file_name, *sha256;
};
/* Errors printed; an exit code. */
int share_resolve(struct session *s, const char *share_id, struct share_root *out);
void share_root_done(struct share_root *r);

/* Record a new job of kind ("download" or "upload") with its sources and
 * options, then run it. */
int job_create_and_run(struct session *s, const char *kind, cJSON *sources, const struct od_job_opts *o,
		       enum progress_mode mode);
/* Run the job whose journal is at path (its header already written, and
 * perhaps records of an earlier run), adding the header's sources. */
int job_run(struct session *s, const char *path, enum progress_mode mode);

#endif
