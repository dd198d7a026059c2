/* SPDX-License-Identifier: GPL-3.0-or-later */
/* handout.h: a handout from the command line, in two halves that
 * "handout" and the end of an ingest session share: what can be checked
 * before anything is made (the template, the output file, the expiry,
 * the privileges), then the share, the invitation and the text. */
#ifndef ONETUI_CLI_HANDOUT_H
#define ONETUI_CLI_HANDOUT_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "cli/cmd.h"
#include "onetui/handout.h"

struct handout_opts {
	const char *template, *share, *title, *expires, *preset, *privileges, *sender, *output;
	bool no_invite, unlimited, uses_given;
	bool quiet;		/* nothing said before it is made: the caller says what was */
	long uses;
};
/* One use, 30 days, with a viewer's privileges. */
#define HANDOUT_OPTS_DEFAULT { .expires = "30d", .uses = 1 }

struct handout_plan {
	const char *text;	/* the template's */
	cJSON *privileges;	/* what joiners get; NULL: the member defaults */
};

/* Everything that can be refused before a share or an invitation is made:
 * the template (named in the configuration), an output file that exists
 * already, the expiry (bad ones are usage errors of e), the privileges.
 * Errors said; an exit code. */
int handout_plan(struct session *s, const struct cmd_entry *e, const struct handout_opts *o,
		 struct handout_plan *p);
/* Make the handout of file_id (at path in space sp; target names it in
 * messages), its invitation valid from now on, and write it to o->output
 * (mode 0600, never over a file) or stdout. *made is the caller's
 * (od_handout_free), NULL on failure. Errors said; an exit code. */
int handout_deliver(struct session *s, const struct handout_opts *o, const struct handout_plan *p,
		    struct od_space *sp, const char *file_id, const char *path, const char *target,
		    struct od_handout **made);
void handout_plan_done(struct handout_plan *p);

#endif
