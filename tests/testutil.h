/* SPDX-License-Identifier: GPL-3.0-or-later */
/* testutil.h: scratch files, reading a file whole, and a clean environment
 * for the tests. */
#ifndef ONETUI_TESTUTIL_H
#define ONETUI_TESTUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* The scratch directory, made by scratch_init ($TMPDIR/NAME.XXXXXX; the
 * whole test is skipped when it cannot be made). */
extern char scratch_dir[4096];
void scratch_init(const char *name);
/* Remove the directory and everything in it. */
void scratch_done(void);
/* scratch_dir/name; caller frees. */
char *scratch_path(const char *name);
/* Write len bytes to scratch_dir/name with the given mode and return the
 * path (caller frees). Aborts when the file cannot be written. */
char *scratch_write(const char *name, const void *data, size_t len, mode_t mode);
/* The same with a string. */
char *scratch_write_str(const char *name, const char *text, mode_t mode);
void scratch_mkdir(const char *name);
/* The whole file at path, NUL-terminated (caller frees); NULL when it
 * cannot be read. */
char *slurp(const char *path);

/* Remember the variables and unset them; env_restore puts them back. */
void env_save(const char *const *names, size_t n);
void env_restore(void);

#endif
