/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest-steps.h: what "watch" and "ingest" do around a session: at the
 * start (before anything is sent) the destination folder made, a dataset
 * established on it, its metadata set from a sidecar (a JSON or YAML
 * file) or a template; once the session has ended, the dataset protected
 * and a handout written. Each step is harmless to do again, so that the same
 * command run again after a failure does what is left. */
#ifndef ONETUI_CLI_INGEST_STEPS_H
#define ONETUI_CLI_INGEST_STEPS_H

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdbool.h>

#include "cli/cmd.h"
#include "cli/handout.h"

enum {
	STEP_OPT_DATASET = 0x400,
	STEP_OPT_METADATA,
	STEP_OPT_TEMPLATE,
	STEP_OPT_FIELD,
	STEP_OPT_PROTECT,
	STEP_OPT_HANDOUT,
	STEP_OPT_HANDOUT_TEMPLATE,
	STEP_OPT_NO_INVITE,
};

#define INGEST_STEPS_OPTIONS \
	{ "dataset", no_argument, NULL, STEP_OPT_DATASET }, \
	{ "metadata", required_argument, NULL, STEP_OPT_METADATA }, \
	{ "template", required_argument, NULL, STEP_OPT_TEMPLATE }, \
	{ "field", required_argument, NULL, STEP_OPT_FIELD }, \
	{ "protect", required_argument, NULL, STEP_OPT_PROTECT }, \
	{ "handout", required_argument, NULL, STEP_OPT_HANDOUT }, \
	{ "handout-template", required_argument, NULL, STEP_OPT_HANDOUT_TEMPLATE }, \
	{ "no-invite", no_argument, NULL, STEP_OPT_NO_INVITE }

#define INGEST_STEPS_MAX_FIELDS 64

struct ingest_steps {
	/* From the command line. */
	bool dataset;
	const char *metadata;		/* the sidecar, a JSON or YAML file */
	const char *template;
	const char *fields[INGEST_STEPS_MAX_FIELDS];
	size_t n_fields;
	unsigned protect;		/* OD_PROTECT_* */
	struct handout_opts handout;	/* .output NULL: no handout */
	/* Prepared. */
	char *document;			/* the sidecar as JSON, checked */
	char *xattrs;			/* the filled template, as JSON */
	struct handout_plan plan;
	bool planned;
	char *dataset_id;		/* the destination's dataset */
};

/* What a step did: a line for the session, and an event for --progress
 * json with up to three string fields (values may be NULL: left out). */
struct ingest_note {
	const char *event;
	const char *keys[3], *values[3];
	const char *line;		/* remote strings in it made safe */
};
typedef void ingest_note_fn(const struct ingest_note *n, void *ud);

#define INGEST_STEPS_INIT { .handout = HANDOUT_OPTS_DEFAULT }

/* One of INGEST_STEPS_OPTIONS; an exit code (usage errors of e said). */
int ingest_steps_option(struct ingest_steps *st, const struct cmd_entry *e, int c, const char *arg);
/* Read and check what the steps need before anything is made or sent:
 * the sidecar, the template, the handout's template, file and
 * privileges. Errors said; an exit code. */
int ingest_steps_prepare(struct ingest_steps *st, const struct cmd_entry *e, struct session *s);
/* The start (od_ingest_prepare): target (SPACE/PATH) made, its dataset,
 * its metadata; nothing when no step asks for any. */
int ingest_steps_start(struct ingest_steps *st, struct session *s, const char *target, ingest_note_fn *fn,
		       void *ud);
/* The end, once the session has ended: protection, handout; the first
 * that fails stops the rest. */
int ingest_steps_end(struct ingest_steps *st, struct session *s, const char *target, ingest_note_fn *fn,
		     void *ud);
void ingest_steps_done(struct ingest_steps *st);

#endif
