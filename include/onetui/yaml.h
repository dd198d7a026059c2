/* SPDX-License-Identifier: GPL-3.0-or-later */
/* yaml.h: a YAML document read as JSON, for metadata that acquisition
 * software writes in YAML. */
#ifndef ONETUI_YAML_H
#define ONETUI_YAML_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "onetui/compiler.h"
#include "onetui/error.h"

/* The one YAML document in text[0..len) (UTF-8) as JSON: mappings become
 * objects (keys are scalars, taken as text, each once), sequences arrays,
 * aliases copies of their anchor's node. Plain scalars are resolved as
 * the YAML 1.2 core schema says: null, ~ or nothing is null, true and
 * false booleans, integers (decimal, 0o octal, 0x hex) and floats
 * numbers; anything else, and every quoted or block scalar, a string.
 * Tags are not looked at. A number is a raw cJSON node holding its JSON
 * literal, so that no digit is lost to a double (1e3 stays 1e3, 0x1F is
 * 31). An empty document is null.
 *
 * Errors are OD_ERR_INPUT, "line L, column C: what is wrong": not YAML,
 * not UTF-8, more than one document, .inf or .nan (JSON has no such
 * number), a NUL character, more than 100,000 values once aliases are
 * expanded or nesting deeper than 64. The caller frees *out (NULL on
 * error) with cJSON_Delete. */
struct od_error *od_yaml_to_json(const char *text, size_t len, cJSON **out) OD_WARN_UNUSED;

#endif
