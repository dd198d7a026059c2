/* SPDX-License-Identifier: GPL-3.0-or-later */
/* log.c: logging through the front end's handler. */
#include "config.h"

#include "onetui/log.h"

#include <stdarg.h>
#include <stdio.h>

static od_log_fn *handler;
static void *handler_ud;
static enum od_log_level max_level = OD_LOG_WARN;

void
od_log_set_handler(od_log_fn *fn, void *ud, enum od_log_level max)
{
	handler = fn;
	handler_ud = ud;
	max_level = max;
}

bool
od_log_enabled(enum od_log_level level)
{
	return handler && level <= max_level;
}

void
od_log(enum od_log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!od_log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	handler(level, line, handler_ud);
}
