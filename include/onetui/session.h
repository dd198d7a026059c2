/* SPDX-License-Identifier: GPL-3.0-or-later */
/* session.h: everything a front end sets up before talking to Onedata:
 * the configuration, the settings, the token, the engine and the zone. */
#ifndef ONETUI_SESSION_H
#define ONETUI_SESSION_H

#include <stdbool.h>

#include "onetui/compiler.h"
#include "onetui/config.h"
#include "onetui/engine.h"
#include "onetui/error.h"
#include "onetui/zone.h"

struct od_session {
	struct od_config *cfg;
	struct od_settings settings;
	struct od_engine *engine;
	struct od_zone *zone;
	char *token_source;	/* where the token came from, for whoami */
};

/* Read the configuration (config_path NULL: the default file), resolve the
 * settings with the overrides, find the token and open the engine and the
 * zone. On error s is left safe to close. */
struct od_error *od_session_open(struct od_session *s, const char *config_path,
				 const struct od_overrides *ov) OD_WARN_UNUSED;
void od_session_close(struct od_session *s);
/* Find the token again as at start (a token file may have been replaced);
 * true when it differs from the one in use, which it then replaces. */
bool od_session_reload_token(struct od_session *s);

#endif
