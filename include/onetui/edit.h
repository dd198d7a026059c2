/* SPDX-License-Identifier: GPL-3.0-or-later */
/* edit.h: letting the user edit a text in their own editor ($VISUAL,
 * then $EDITOR, then vi), through a private temporary file. The front
 * end checks what comes back and may open the editor again at the line
 * of a mistake; the file can be kept so that no text the user wrote is
 * ever lost. */
#ifndef ONETUI_EDIT_H
#define ONETUI_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "onetui/compiler.h"
#include "onetui/error.h"

struct od_edit;

/* The user's editor: $VISUAL, then $EDITOR, then "vi". */
const char *od_editor(void);
/* Start prog (a command that may carry arguments: "vim -u NONE") with
 * the n arguments, its SIGINT as by default; its pid, or -1. */
pid_t od_program_start(const char *prog, const char *const *args, size_t n);
/* Whether pid ended (wait: wait for it); OD_PROGRAM_RUNNING while it
 * runs, else its exit status: 127 when it could not be started, -1 when
 * a signal killed it. */
#define OD_PROGRAM_RUNNING (-2)
int od_program_reap(pid_t pid, bool wait);
/* Start and wait; SIGINT is ignored meanwhile, so Ctrl-C reaches only
 * the program. Its exit status as od_program_reap gives it. */
int od_run_program(const char *prog, const char *const *args, size_t n);

/* A new file (mode 0600, in $TMPDIR or /tmp) holding text[0..len); its
 * name ends with suffix (".json", ".xml") so editors pick the syntax. */
struct od_error *od_edit_new(const char *text, size_t len, const char *suffix, struct od_edit **out)
	OD_WARN_UNUSED;
/* The file's name. */
const char *od_edit_path(const struct od_edit *e);
/* The arguments for the editor (prog: od_editor()) on the file, starting
 * at line when it is one of those that understand "+LINE" (vi, vim,
 * nvim, nano, emacs, mg); valid until the next call. */
const char *const *od_edit_args(struct od_edit *e, const char *prog, int line, size_t *n);
/* Run the editor on the file (at line, as od_edit_args says) and wait
 * for it; the terminal is the editor's meanwhile. */
struct od_error *od_edit_run(struct od_edit *e, int line) OD_WARN_UNUSED;
/* What the file holds now (*text NUL-terminated, caller frees). */
struct od_error *od_edit_read(const struct od_edit *e, char **text, size_t *len) OD_WARN_UNUSED;
/* Remove the file (keep: leave it for the user) and free e. */
void od_edit_free(struct od_edit *e, bool keep);

#endif
