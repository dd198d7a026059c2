/* SPDX-License-Identifier: GPL-3.0-or-later */
/* log.h: the core never prints; it logs through a handler the front end
 * installs. Log lines are English, never translated, and never carry a
 * token. */
#ifndef ONETUI_LOG_H
#define ONETUI_LOG_H

#include <stdbool.h>

#include "onetui/compiler.h"

enum od_log_level {
	OD_LOG_ERROR,
	OD_LOG_WARN,
	OD_LOG_INFO,
	OD_LOG_DEBUG,
};

typedef void od_log_fn(enum od_log_level level, const char *line, void *ud);

/* Install the handler (NULL: drop everything) and the most verbose level
 * it wants. */
void od_log_set_handler(od_log_fn *fn, void *ud, enum od_log_level max);
bool od_log_enabled(enum od_log_level level);
void od_log(enum od_log_level level, const char *fmt, ...) OD_PRINTF(2, 3);

#endif
