/* SPDX-License-Identifier: GPL-3.0-or-later */
/* output.h: what the CLI writes: aligned tables for people (every remote
 * string sanitised), JSON for scripts, one-line errors on stderr. */
#ifndef ONETUI_CLI_OUTPUT_H
#define ONETUI_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "onetui/compiler.h"
#include "onetui/error.h"

/* Exit codes, as onetui(1) lists them. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the operation failed */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_SETUP = 3,		/* configuration, token file or CA file */
	EXIT_AUTH = 4,		/* token refused, or permission denied */
	EXIT_NETWORK = 5,	/* zone or provider unreachable, TLS */
	EXIT_INTERRUPTED = 130,
};

/* Sanitised copy of a remote string for the terminal; caller frees. */
char *out_safe(const char *s);
/* "onetui: <message>" on stderr, sanitised, one line. */
void out_error(const char *fmt, ...) OD_PRINTF(1, 2);
void out_warn(const char *fmt, ...) OD_PRINTF(1, 2);
/* For od_job_remove_parts: a part that could not be removed. */
void out_warn_unremoved(const char *part, int errnum, void *ud);
/* Report err (with an optional context prefix) and return its exit code. */
int out_fail(struct od_error *err, const char *context_fmt, ...) OD_PRINTF(2, 3);
int out_exit_code(const struct od_error *err);

/* A JSON value from a server on one line, without the line break, every
 * string escaped as the JSON writer does it (no control or reordering
 * characters raw); caller frees. */
char *out_json_text(const cJSON *v);
/* The id of something a command made, for a script: {"<key>": id} with
 * --json, else the id alone (sanitised), each on a line. */
void out_id(const char *key, const char *id, bool json);
/* A yes/no question on stderr, answered on the terminal; false (no)
 * when stdin is not one. question ends without "[y/N]". */
bool out_ask(const char *question);
/* Whether a destructive action may go on: yes (--yes), or a "y" to the
 * question on a terminal; without a terminal it says to add --yes. */
bool out_confirm(bool yes, const char *question);
/* out_confirm for a question that names what the server sent (taken over
 * and freed): sanitised first. EXIT_OK to go on, else the exit code of a
 * refusal: 1 on a terminal, 2 (--yes missing) without one. */
int out_confirm_remote(bool yes, char *question);
/* A table collected whole, then printed with aligned columns. Cells are
 * copied and sanitised; a column may be right-aligned (numbers). */
struct table;
struct table *table_new(size_t ncols, const char *const *titles, const bool *right);
void table_add(struct table *t, const char *const *cells);
void table_print(struct table *t, FILE *out);
size_t table_rows(const struct table *t);
void table_free(struct table *t);

/* Print "label value" lines with the labels padded to one width. */
void out_field(FILE *out, int label_width, const char *label, const char *fmt, ...) OD_PRINTF(4, 5);
int out_label_width(const char *const *labels, size_t n);

/* A text read whole from the file name, or from stdin for "-" (*text
 * NUL-terminated, caller frees). Errors printed; an exit code. */
int cli_read_input(const char *name, char **text, size_t *len);

/* A streaming JSON writer onto a FILE. */
struct jw;
struct jw *jw_new(FILE *out);
void jw_free(struct jw *w);	/* flushes */
void jw_begin_object(struct jw *w);
void jw_end_object(struct jw *w);
void jw_begin_array(struct jw *w);
void jw_end_array(struct jw *w);
void jw_key(struct jw *w, const char *key);	/* one of onetui's own key names */
void jw_string(struct jw *w, const char *s);	/* NULL writes null */
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Shorthands for a key and its value. */
void jw_kv_string(struct jw *w, const char *key, const char *s);
void jw_kv_int(struct jw *w, const char *key, int64_t v);
void jw_kv_bool(struct jw *w, const char *key, bool v);

#endif
