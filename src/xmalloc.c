/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmalloc.c: allocation that never returns NULL. */
#include "config.h"

#include "xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "onetui/i18n.h"
#include "onetui/str.h"

static void (*cleanup)(void);

void
xmalloc_set_cleanup(void (*fn)(void))
{
	cleanup = fn;
}

void
xoom(void)
{
	const char *msg;

	if (cleanup)
		cleanup();
	msg = _("onetui: out of memory\n");
	if (write(STDERR_FILENO, msg, strlen(msg)) < 0) {
		/* Nothing else can be tried. */
	}
	_exit(70);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		xoom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		xoom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		xoom();
	return q;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		xoom();
	return p;
}

void *
xneed(void *p)
{
	if (!p)
		xoom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		xoom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = od_vasprintf(fmt, ap);
	va_end(ap);
	if (!s)
		xoom();
	return s;
}
