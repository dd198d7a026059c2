/* SPDX-License-Identifier: GPL-3.0-or-later */
/* json.h: cJSON behind helpers that check types.
 *
 * A reply that is not JSON, is truncated, lacks a field or has a field of
 * the wrong type gives an OD_ERR_INPUT error naming the field, never a
 * crash and never a silently wrong value. `what` names the reply in
 * messages ("the provider's directory listing"). */
#ifndef ONETUI_JSON_H
#define ONETUI_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/buf.h"
#include "onetui/compiler.h"
#include "onetui/error.h"

/* Parse exactly one JSON value filling data[0..len) (trailing white space
 * allowed). A NUL character inside a string arrives as OD_NUL_PAIR (see
 * str.h). The caller frees *out with cJSON_Delete. */
struct od_error *od_json_parse(const char *data, size_t len, const char *what, cJSON **out) OD_WARN_UNUSED;
/* Whether text that failed to parse is a cut-off prefix of a JSON value:
 * a string or a container still open at the end. */
bool od_json_truncated(const char *text, size_t len);
/* The same, insisting on an object at the top. */
struct od_error *od_json_parse_object(const char *data, size_t len, const char *what, cJSON **out) OD_WARN_UNUSED;

/* Large replies parsed page after page (directory listings) can use an
 * arena: the parsed tree lives in it until the next parse or reset, and
 * must not be passed to cJSON_Delete. Far less work than a malloc and a
 * free per node. */
struct od_json_arena;
struct od_json_arena *od_json_arena_new(void);
void od_json_arena_free(struct od_json_arena *a);
/* As od_json_parse_object, into the arena (which is reset first). */
struct od_error *od_json_parse_object_in(struct od_json_arena *a, const char *data, size_t len,
					 const char *what, cJSON **out) OD_WARN_UNUSED;

/* Required members: missing or wrong type is an error. */
struct od_error *od_json_str(const cJSON *obj, const char *key, const char *what, const char **out) OD_WARN_UNUSED;
struct od_error *od_json_bool(const cJSON *obj, const char *key, const char *what, bool *out) OD_WARN_UNUSED;
struct od_error *od_json_int(const cJSON *obj, const char *key, const char *what, int64_t *out) OD_WARN_UNUSED;
struct od_error *od_json_object(const cJSON *obj, const char *key, const char *what, const cJSON **out) OD_WARN_UNUSED;
struct od_error *od_json_array(const cJSON *obj, const char *key, const char *what, const cJSON **out) OD_WARN_UNUSED;
/* Optional members: absent or null leaves *out untouched and sets *present
 * (may be NULL) to false; a wrong type is still an error. */
struct od_error *od_json_str_opt(const cJSON *obj, const char *key, const char *what, const char **out, bool *present) OD_WARN_UNUSED;
struct od_error *od_json_bool_opt(const cJSON *obj, const char *key, const char *what, bool *out, bool *present) OD_WARN_UNUSED;
struct od_error *od_json_int_opt(const cJSON *obj, const char *key, const char *what, int64_t *out, bool *present) OD_WARN_UNUSED;
/* The same checks on a member already found (v may be NULL: absent);
 * key only names it in messages. */
struct od_error *od_json_val_str(const cJSON *v, const char *key, const char *what, const char **out, bool *present) OD_WARN_UNUSED;
struct od_error *od_json_val_bool(const cJSON *v, const char *key, const char *what, bool *out, bool *present) OD_WARN_UNUSED;
struct od_error *od_json_val_int(const cJSON *v, const char *key, const char *what, int64_t *out, bool *present) OD_WARN_UNUSED;
/* A string member of obj, or NULL when absent or not a string. */
const char *od_json_get_str(const cJSON *obj, const char *key);
/* A number holding an exact integer (|v| <= 2^53). */
bool od_json_is_integer(const cJSON *v, int64_t *out);

/* Append s[0..len) as a JSON string literal with quotes. Control
 * characters, DEL, C1 controls and characters that reorder text are
 * written as \uXXXX, so the output is safe even on a terminal; invalid
 * UTF-8 bytes become U+FFFD, and OD_NUL_PAIR becomes \u0000 again. 0, or
 * the od_buf error. */
int od_json_escape(struct od_buf *out, const char *s, size_t len) OD_WARN_UNUSED;
/* A request body built with cJSON as text (cJSON_free), deleting v; NULL
 * when memory ran out or ok is false (building it already failed). */
char *od_json_take_text(cJSON *v, bool ok);

#endif
