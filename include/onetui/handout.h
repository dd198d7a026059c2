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

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/engine.h"
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

/* --- preparing a handout ------------------------------------------------------------- */

struct od_space;
struct od_zone;

/* What to hand out and how. */
struct od_handout_request {
	struct od_space *space;
	const char *file_id;	/* the dataset's or folder's root (or a file) */
	const char *path;	/* its path inside the space, for the text */
	const char *title;	/* NULL: the name of the share, or of the item */
	const char *share_id;	/* reuse this share; NULL: the item's first
				 * share, or a new one named after the title */
	bool invite;		/* make an invite token to join the space */
	int64_t valid_until;	/* when the invitation ends (UNIX seconds; required) */
	int64_t usage_limit;	/* how many may join with it; 0: no limit */
	const cJSON *privileges;/* what joiners get (names), NULL: the member defaults */
	const char *sender;	/* NULL: the user's full name */
};

/* A prepared handout: the facts for a template and what was made. */
struct od_handout {
	struct od_handout_facts facts;	/* pointing into the strings below */
	char *share_id;
	bool share_created;		/* a new share; else one that existed */
	char *token_id;			/* the invitation's id, or NULL */
	char *strings[OD_HO_N];		/* owned values; the token is wiped on free */
};
/* h is the caller's (od_handout_free) or NULL with err. */
typedef void od_handout_fn(struct od_handout *h, struct od_error *err, void *ud);
/* Share the item (or reuse its share), read the share's public URLs and
 * handle and the item's size, make the invitation, and hand over the
 * facts. A failure after the share was made says what was made, so that
 * nothing is made twice on a retry (the share is then reused). */
struct od_op *od_handout_make(struct od_zone *z, const struct od_handout_request *r, od_handout_fn *fn, void *ud);
void od_handout_free(struct od_handout *h);

#endif
