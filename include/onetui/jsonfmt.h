/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jsonfmt.h: JSON documents for people: pretty-printed as tokens (so a
 * front end can colour keys, strings and numbers) or as one text, every
 * string escaped so that it is safe on a terminal; and RFC 7386 merge
 * patches, for changing part of a document. */
#ifndef ONETUI_JSONFMT_H
#define ONETUI_JSONFMT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "onetui/compiler.h"

enum od_json_tok {
	OD_JTOK_SPACE,		/* a line break and indentation, or a blank */
	OD_JTOK_PUNCT,		/* { } [ ] , : */
	OD_JTOK_KEY,		/* an object's key, quoted */
	OD_JTOK_STRING,		/* a string value, quoted */
	OD_JTOK_NUMBER,
	OD_JTOK_LITERAL,	/* true, false, null */
};

/* One token; nonzero stops the printing and is returned. */
typedef int od_json_tok_fn(enum od_json_tok kind, const char *text, size_t len, void *ud);

/* Pretty-print v, indent spaces a level, one member or element a line;
 * indent 0 writes it all on one line without blanks. */
int od_json_pretty(const cJSON *v, int indent, od_json_tok_fn *fn, void *ud);
/* The same as one text ending with a line break; NULL when out of memory. */
char *od_json_text(const cJSON *v, int indent) OD_WARN_UNUSED;

/* Apply patch to *doc as RFC 7386 says: objects merged key by key, a null
 * removes the key, anything else replaces. *doc may be NULL (nothing yet)
 * and is replaced; patch is not changed. 0, or -1 when out of memory. */
int od_json_merge_patch(cJSON **doc, const cJSON *patch) OD_WARN_UNUSED;

#endif
