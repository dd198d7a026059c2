/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metatext.h: checking metadata a person wrote before it is sent: a JSON
 * document (parsed, with the line and column of the first error), an
 * RDF text (well-formed XML with bound namespace prefixes), extended
 * attributes (keys the API accepts, values that are strings or numbers);
 * and telling whether two versions of a kind's text say the same. */
#ifndef ONETUI_METATEXT_H
#define ONETUI_METATEXT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "onetui/compiler.h"
#include "onetui/config.h"
#include "onetui/error.h"
#include "onetui/meta.h"

/* Where a text is wrong: 1-based line and column (columns count
 * characters, not bytes); 0 when the problem has no place. */
struct od_text_pos {
	int line;
	int col;
};
/* The position of byte off of text. */
struct od_text_pos od_text_position(const char *text, size_t off);

/* Check text[0..len) as the given kind. The error's message reads
 * "line L, column C: what is wrong" (the position is also in *pos, which
 * may be NULL). xattrs text is a JSON object whose keys and values must
 * pass od_meta_check_xattr. */
struct od_error *od_meta_check(enum od_meta_kind kind, const char *text, size_t len, struct od_text_pos *pos)
	OD_WARN_UNUSED;

/* One extended attribute: a key the API accepts (not empty, not one of
 * the reserved cdmi_, onedata_, org.onedata. ones) with a string or
 * number value. */
struct od_error *od_meta_check_xattr(const char *key, const cJSON *value) OD_WARN_UNUSED;

/* "KEY=VALUE" (a string) or "KEY:=NUMBER" as one extended attribute:
 * *key (caller frees) and *value (cJSON_Delete), checked as
 * od_meta_check_xattr does. */
struct od_error *od_meta_parse_assignment(const char *text, char **key, cJSON **value) OD_WARN_UNUSED;

/* The extended attributes template t gives: values (n "NAME=VALUE",
 * each naming one of its fields; an empty VALUE is no value) and the
 * defaults for the rest, as an object in *out (cJSON_Delete). Errors: a
 * name that is not one of its fields, a number field given something
 * else, and required fields left without a value (all of them named). */
struct od_error *od_meta_template_fill(const struct od_template *t, const char *const *values, size_t n,
				       cJSON **out) OD_WARN_UNUSED;
/* One field's value as it goes into the attributes: checked (a number
 * field must be given a number); *out is NULL for an empty value. */
struct od_error *od_meta_template_value(const struct od_template_field *f, const char *text, cJSON **out)
	OD_WARN_UNUSED;

/* The text an editor starts with for the kind's current text (NULL:
 * none): JSON pretty-printed (as it is when it does not parse), RDF as
 * it is, or for none an empty object or an RDF skeleton to fill in.
 * Caller frees; NULL when out of memory. */
char *od_meta_editable(enum od_meta_kind kind, const char *text, size_t len);

/* Whether a and b (either NULL: none) say the same: JSON kinds compared
 * as parsed values (formatting and key order aside), RDF byte for byte. */
bool od_meta_same(enum od_meta_kind kind, const char *a, size_t alen, const char *b, size_t blen);

#endif
