/* SPDX-License-Identifier: GPL-3.0-or-later */
/* session.c: configuration, token, engine and zone, for either front end. */
#include "config.h"

#include "onetui/session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "onetui/i18n.h"
#include "onetui/str.h"
#include "onetui/token.h"

#include "core-int.h"
#include "engine-int.h"

struct od_error *
od_session_open(struct od_session *s, const char *config_path, const struct od_overrides *ov)
{
	struct od_engine_opts eo = { .max_retries = -1 };
	struct od_zone_opts zo = { 0 };
	struct od_error *err;
	char *token = NULL;

	memset(s, 0, sizeof(*s));
	if ((err = od_config_load(config_path, &s->cfg)) || (err = od_settings_resolve(s->cfg, ov, &s->settings)))
		return err;
	/* --token-file wins over the environment, which wins over the profile. */
	if (ov && ov->public_only)
		s->token_source = od_strdup("none (public share data)");
	else if ((err = od_token_find(s->settings.token_file_given ? s->settings.token_file : NULL,
				      s->settings.token_file_given ? NULL : s->settings.token_file, &token,
				      &s->token_source)))
		return err;
	if (s->settings.ca_file && access(s->settings.ca_file, R_OK) != 0) {
		od_str_wipe_free(token);
		return od_error_errno(OD_ERR_INPUT, errno, _("cannot read the CA certificate file %s"),
				      s->settings.ca_file);
	}
	eo.ca_file = s->settings.ca_file;
	eo.connect_timeout_ms = s->settings.connect_timeout_ms;
	eo.low_speed_time_s = s->settings.low_speed_time_s;
	eo.max_retries = s->settings.max_retries;
	err = od_engine_new(&eo, &s->engine);
	if (!err && token && od_engine_set_token(s->engine, token) != 0)
		err = od_error_nomem();
	od_str_wipe_free(token);
	if (err)
		return err;
	zo.provider = s->settings.provider;
	zo.preferred = s->settings.preferred;
	zo.n_preferred = s->settings.n_preferred;
	return od_zone_new(s->engine, s->settings.zone_origin, &zo, &s->zone);
}

void
od_session_close(struct od_session *s)
{
	od_zone_free(s->zone);
	od_engine_free(s->engine);
	od_settings_done(&s->settings);
	od_config_free(s->cfg);
	free(s->token_source);
	memset(s, 0, sizeof(*s));
}

bool
od_session_reload_token(struct od_session *s)
{
	char *token = NULL, *source = NULL;
	const char *now = od_engine_token(s->engine);
	bool changed;
	struct od_error *err;

	if (!now)
		return false;	/* public share data: there is no token to renew */
	err = od_token_find(s->settings.token_file_given ? s->settings.token_file : NULL,
					     s->settings.token_file_given ? NULL : s->settings.token_file, &token,
					     &source);

	free(source);
	if (err) {
		od_error_free(err);
		return false;
	}
	changed = !now || strcmp(now, token) != 0;
	if (changed && od_engine_set_token(s->engine, token) != 0)
		changed = false;
	if (changed)
		od_zone_forget_token_id(s->zone);
	od_str_wipe_free(token);
	return changed;
}
