/* SPDX-License-Identifier: GPL-3.0-or-later */
/* handout.h: the e-mail-ready text that hands data to its user.
 *
 * A handout template is plain text with placeholders:
 *
 *   {name}           the value of the fact called name ({{ and }} are
 *                    literal braces); a line naming a fact that has no
 *                    value is left out, so "DOI: {handle}" disappears
 *                    when there is no handle;
 *   {?name} ... {/name}
 *                    on lines of their own: the lines between are kept
 *                    only when name has a value (sections may nest).
 *
 * Runs of blank lines that this leaves behind become one blank line.
 *
 * Values from the server are sanitised line by line, so nothing in a
 * handout can play tricks on the terminal or the mail program it is
 * pasted into. */
#ifndef ONETUI_HANDOUT_H
#define ONETUI_HANDOUT_H

#include "onetui/compiler.h"
#include "onetui/error.h"

enum od_handout_fact {
	OD_HO_TITLE,		/* what the data is called (the folder's or dataset's name) */
	OD_HO_DESCRIPTION,	/* the share's description */
	OD_HO_SPACE,		/* the space's name */
	OD_HO_PATH,		/* the path inside the space */
	OD_HO_CONTENTS,		/* "264 files, 224.4 MB" */
	OD_HO_LINK,		/* the share's public URL */
	OD_HO_REST_URL,		/* the share's public REST URL */
	OD_HO_ROOT_ID,		/* the share's root file id (for the public data path) */
	OD_HO_HANDLE,		/* the DOI or PID */
	OD_HO_TOKEN,		/* the invite token */
	OD_HO_EXPIRES,		/* when the invite token stops working */
	OD_HO_USES,		/* how many times it can be used */
	OD_HO_ZONE,		/* the zone's URL */
	OD_HO_SENDER,		/* who sends the handout */
	OD_HO_N
};

struct od_handout_facts {
	const char *v[OD_HO_N];	/* NULL or "": no value */
};

/* The placeholder name of a fact ("title", "link"...). */
const char *od_handout_fact_name(enum od_handout_fact f);
/* Check a template: unknown placeholders, stray braces, sections that do
 * not close. The error names where (a file, or a configuration setting)
 * and the line. */
struct od_error *od_handout_check(const char *text, const char *where) OD_WARN_UNUSED;
/* The text with the facts filled in; text must have passed the check.
 * NULL only when memory runs out. */
char *od_handout_render(const char *text, const struct od_handout_facts *facts);
/* The built-in template, in the user's language. */
const char *od_handout_default(void);

#endif
