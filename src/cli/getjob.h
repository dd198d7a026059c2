/* SPDX-License-Identifier: GPL-3.0-or-later */
/* getjob.h: running a download job from the command line, new or resumed:
 * its journal, progress display, manifest and summary. */
#ifndef ONETUI_CLI_GETJOB_H
#define ONETUI_CLI_GETJOB_H

#include <cjson/cJSON.h>

#include "cli/session.h"
#include "onetui/download.h"

enum progress_mode {
	PROGRESS_AUTO,	/* a status line on a terminal, plain lines otherwise */
	PROGRESS_LINES,	/* plain lines now and then, on stderr */
	PROGRESS_JSON,	/* one JSON event per line on stdout */
	PROGRESS_NONE,
};

/* Parse "auto", "lines", "json" or "none"; -1 for anything else. */
int progress_mode_parse(const char *s);

/* The options of a job, as its journal header records them. */
struct getjob_opts {
	struct od_download_opts dl;
	const char *manifest;	/* NULL: none */
	const char *dest;	/* absolute: where relative manifest paths start */
};
cJSON *getjob_opts_json(const struct getjob_opts *o);
/* Read them back from a header (pointing into it); false when malformed. */
bool getjob_opts_from_json(const cJSON *opts, struct getjob_opts *o);

/* Run the job whose journal is at path (its header already written, and
 * perhaps records of an earlier run), adding the header's sources. */
int getjob_run(struct session *s, const char *path, enum progress_mode mode);

#endif
