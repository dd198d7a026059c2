/* SPDX-License-Identifier: GPL-3.0-or-later */
/* template.h: a metadata template of the configuration filled from
 * FIELD=VALUE arguments, for "meta set --template" and ingest sessions. */
#ifndef ONETUI_CLI_TEMPLATE_H
#define ONETUI_CLI_TEMPLATE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "onetui/config.h"

/* The extended attributes that template name gives with the n values
 * ("FIELD=VALUE") and its defaults, in *out (cJSON_Delete). Errors (no
 * such template, with the names there are; a field that is not one of
 * its own, a required one left empty) said; an exit code. */
int cli_template_xattrs(const struct od_config *cfg, const char *name, const char *const *values, size_t n,
			cJSON **out);

#endif
