/* SPDX-License-Identifier: GPL-3.0-or-later */
/* privs.h: space privileges on the command line, for "space", "token
 * invite" and "handout": names given in lists, the zone's vocabulary, and
 * the presets (viewer, contributor, manager) it defines. */
#ifndef ONETUI_CLI_PRIVS_H
#define ONETUI_CLI_PRIVS_H

#include <cjson/cJSON.h>

#include "cli/session.h"
#include "onetui/members.h"

/* Add the comma- or space-separated names of arg to p. */
void cli_privs_add_names(struct od_privs *p, const char *arg);
/* The zone's privilege vocabulary into v; an exit code (errors printed). */
int cli_load_vocab(struct session *s, struct od_priv_vocab *v);
/* What joining a space gives: the preset, or the names of list (checked
 * against the vocabulary), as a JSON array in *out; *out NULL when
 * neither is given (the zone's member defaults). An exit code. */
int cli_space_privileges(struct session *s, const char *preset, const char *list, cJSON **out);

#endif
