/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-spaces.c: the spaces the token reaches and who supports them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "xmalloc.h"

/* "Facility Storage, HPC Centre (read-only, offline)". */
static char *
providers_text(const struct od_space *sp, bool domains)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (size_t i = 0; i < sp->n_supports; i++) {
		const struct od_provider_info *p = sp->supports[i].provider;
		bool ro = sp->supports[i].readonly;
		if ((i && od_buf_adds(&b, ", ")) || od_buf_adds(&b, p->name) ||
		    (domains && od_buf_addf(&b, " [%s]", p->domain)) ||
		    ((ro || !p->online) && od_buf_addf(&b, " (%s%s%s)", ro ? _("read-only") : "",
							 ro && !p->online ? ", " : "",
							 p->online ? "" : _("offline"))))
			xoom();
	}
	if (sp->n_supports == 0 && od_buf_addf(&b, "(%s)", _("no support: data unreachable")))
		xoom();
	return od_buf_steal(&b);
}

static bool
space_readonly(const struct od_space *sp)
{
	for (size_t i = 0; i < sp->n_supports; i++)
		if (!sp->supports[i].readonly)
			return false;
	return sp->n_supports > 0;
}

static void
print_table(struct session *s, bool wide)
{
	const char *titles[] = { _("NAME"), _("ACCESS"), _("PROVIDERS"), _("SPACE ID") };
	struct table *t = table_new(wide ? 4 : 3, titles, NULL);

	for (size_t i = 0; i < od_zone_space_count(s->zone); i++) {
		const struct od_space *sp = od_zone_space(s->zone, i);
		char *prov = providers_text(sp, wide);
		const char *cells[] = { sp->name, space_readonly(sp) ? _("read-only") : _("read-write"), prov,
					sp->id };
		table_add(t, cells);
		free(prov);
	}
	table_print(t, stdout);
	table_free(t);
}

static void
print_json(struct session *s)
{
	struct jw *j = jw_new(stdout);

	jw_begin_array(j);
	for (size_t i = 0; i < od_zone_space_count(s->zone); i++) {
		const struct od_space *sp = od_zone_space(s->zone, i);
		jw_begin_object(j);
		jw_kv_string(j, "spaceId", sp->id);
		jw_kv_string(j, "name", sp->name);
		jw_kv_bool(j, "readonly", space_readonly(sp));
		jw_key(j, "providers");
		jw_begin_array(j);
		for (size_t k = 0; k < sp->n_supports; k++) {
			const struct od_provider_info *p = sp->supports[k].provider;
			jw_begin_object(j);
			jw_kv_string(j, "providerId", p->id);
			jw_kv_string(j, "name", p->name);
			jw_kv_string(j, "domain", p->domain);
			jw_kv_string(j, "version", p->version);
			jw_kv_bool(j, "online", p->online);
			jw_kv_bool(j, "readonly", sp->supports[k].readonly);
			jw_end_object(j);
		}
		jw_end_array(j);
		jw_end_object(j);
	}
	jw_end_array(j);
	jw_free(j);
}

static int
spaces_exec(struct global_opts *g, int argc, char **argv)
{
	bool json = false, wide = false;
	struct session s;
	int c, rc;

	while ((c = cmd_getopt(&cmd_spaces_entry, g, argc, argv)) != CMD_OPT_END) {
		if (c == CMD_OPT_EXIT)
			return cmd_exit_status;
		if (c == CMD_OPT_JSON)
			json = true;
		else if (c == 'l')
			wide = true;
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_spaces_entry, _("unexpected argument '%s'"), argv[optind]);
	rc = session_open(&s, g);
	if (rc == EXIT_OK)
		rc = session_load_spaces(&s);
	if (rc == EXIT_OK && json)
		print_json(&s);
	else if (rc == EXIT_OK && od_zone_space_count(s.zone) == 0)
		out_warn(_("this token reaches no space"));
	else if (rc == EXIT_OK)
		print_table(&s, wide);
	session_close(&s);
	return rc;
}

static const struct option spaces_options[] = {
	CMD_JSON_OPTION,
	{ "long", no_argument, NULL, 'l' },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_spaces_entry = {
	.name = "spaces",
	.usage = N_("[-l] [--json]"),
	.summary = N_("list the spaces the token reaches and their providers"),
	.shortopts = "l",
	.longopts = spaces_options,
	.exec = spaces_exec,
};
