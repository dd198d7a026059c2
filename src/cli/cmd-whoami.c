/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-whoami.c: who the token belongs to, and what it allows. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "onetui/i18n.h"
#include "onetui/str.h"
#include "xmalloc.h"

struct whoami {
	struct od_user user;
	struct od_error *user_err;
	struct od_error *scope_err;
};

static void
on_user(const struct od_user *u, struct od_error *err, void *ud)
{
	struct whoami *w = ud;

	w->user_err = err;
	if (u && od_user_copy(&w->user, u) != 0)
		xoom();
}

static void
on_scope(struct od_error *err, void *ud)
{
	((struct whoami *)ud)->scope_err = err;
}

static void
print_json(struct session *s, const struct whoami *w)
{
	struct jw *j = jw_new(stdout);
	int64_t until = od_zone_token_valid_until(s->zone);

	jw_begin_object(j);
	jw_kv_string(j, "userId", w->user.id);
	jw_kv_string(j, "username", w->user.username);
	jw_kv_string(j, "fullName", w->user.full_name);
	jw_key(j, "emails");
	jw_begin_array(j);
	for (size_t i = 0; i < w->user.n_emails; i++)
		jw_string(j, w->user.emails[i]);
	jw_end_array(j);
	jw_kv_bool(j, "profileRestricted", w->user.restricted);
	jw_kv_string(j, "zone", od_zone_origin(s->zone));
	jw_key(j, "token");
	jw_begin_object(j);
	jw_kv_string(j, "source", s->token_source);
	jw_key(j, "validUntil");
	if (until)
		jw_int(j, until);
	else
		jw_null(j);
	jw_kv_bool(j, "readonly", od_zone_token_readonly(s->zone));
	jw_kv_int(j, "spaces", (int64_t)od_zone_space_count(s->zone));
	jw_end_object(j);
	jw_end_object(j);
	jw_free(j);
}

static void
print_text(struct session *s, const struct whoami *w)
{
	const char *labels[] = { _("User:"), _("User id:"), _("E-mail:"), _("Zone:"), _("Token:"),
				 _("Valid until:"), _("Spaces:") };
	int lw = out_label_width(labels, OD_ARRAY_SIZE(labels));
	int64_t until = od_zone_token_valid_until(s->zone);
	char when[OD_TIME_BUFSZ];

	if (w->user.restricted)
		out_field(stdout, lw, labels[0], "%s", _("(this token may not read the user profile)"));
	else if (w->user.full_name && w->user.username)
		out_field(stdout, lw, labels[0], "%s (%s)", w->user.full_name, w->user.username);
	else
		out_field(stdout, lw, labels[0], "%s",
			  w->user.full_name ? w->user.full_name : w->user.username ? w->user.username : "-");
	out_field(stdout, lw, labels[1], "%s", w->user.id);
	for (size_t i = 0; i < w->user.n_emails; i++)
		out_field(stdout, lw, i ? "" : labels[2], "%s", w->user.emails[i]);
	out_field(stdout, lw, labels[3], "%s", od_zone_origin(s->zone));
	out_field(stdout, lw, labels[4], "%s%s", s->token_source,
		  od_zone_token_readonly(s->zone) ? _(", read-only") : "");
	out_field(stdout, lw, labels[5], "%s", until ? od_time_short(until, when) : _("no expiry"));
	out_field(stdout, lw, labels[6], "%zu", od_zone_space_count(s->zone));
}

static int
whoami_exec(struct global_opts *g, int argc, char **argv)
{
	struct whoami w = { 0 };
	struct session s;
	bool json = false;
	int c, rc;

	while ((c = cmd_getopt(&cmd_whoami_entry, g, argc, argv)) != CMD_OPT_END) {
		if (c == CMD_OPT_EXIT)
			return cmd_exit_status;
		if (c == CMD_OPT_JSON)
			json = true;
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_whoami_entry, _("unexpected argument '%s'"), argv[optind]);
	rc = session_open(&s, g);
	if (rc == EXIT_OK) {
		if (!od_zone_whoami(s.zone, on_user, &w) || !od_zone_load_spaces(s.zone, on_scope, &w))
			xoom();
		session_run(&s);
		if (w.user_err) {
			od_error_free(w.scope_err);
			rc = out_fail(w.user_err, _("Cannot ask %s who you are"), od_zone_origin(s.zone));
		} else if (w.scope_err) {
			rc = out_fail(w.scope_err, _("Cannot get the spaces of this token from %s"),
				      od_zone_origin(s.zone));
		} else if (json) {
			print_json(&s, &w);
		} else {
			print_text(&s, &w);
		}
	}
	od_user_done(&w.user);
	session_close(&s);
	return rc;
}

static const struct option whoami_options[] = {
	CMD_JSON_OPTION,
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_whoami_entry = {
	.name = "whoami",
	.usage = N_("[--json]"),
	.summary = N_("show who the token belongs to and what it allows"),
	.shortopts = "",
	.longopts = whoami_options,
	.exec = whoami_exec,
};
