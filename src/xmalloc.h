/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmalloc.h: allocation for the front ends, which cannot go on without
 * memory: on failure they restore the terminal, say so and exit. */
#ifndef ONETUI_XMALLOC_H
#define ONETUI_XMALLOC_H

#include <stddef.h>

#include "onetui/compiler.h"

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) OD_PRINTF(1, 2);
/* p, which the core allocated or returned NULL for lack of memory. */
void *xneed(void *p);
/* Abort with "out of memory" (after the registered cleanup). */
OD_NORETURN void xoom(void);
/* Something to run before exiting on out-of-memory (the TUI's endwin). */
void xmalloc_set_cleanup(void (*fn)(void));

#endif
