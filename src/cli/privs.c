/* SPDX-License-Identifier: GPL-3.0-or-later */
/* privs.c: space privileges on the command line. */
#include "config.h"

#include "cli/privs.h"

#include <stdlib.h>
#include <string.h>

#include "cli/output.h"
#include "onetui/i18n.h"
#include "xmalloc.h"

void
cli_privs_add_names(struct od_privs *p, const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL;

	for (char *name = strtok_r(copy, ", ", &save); name; name = strtok_r(NULL, ", ", &save))
		if (od_privs_add(p, name) != 0)
			xoom();
	free(copy);
}

struct vocab_wait {
	struct od_error *err;
	struct od_priv_vocab v;
};

static void
on_vocab(const struct od_priv_vocab *v, struct od_error *err, void *ud)
{
	struct vocab_wait *w = ud;

	w->err = err;
	if (!err && od_vocab_copy(v, &w->v) != 0)
		xoom();
}

int
cli_load_vocab(struct session *s, struct od_priv_vocab *v)
{
	struct vocab_wait w = { 0 };

	if (!od_space_vocab(s->zone, on_vocab, &w))
		xoom();
	session_run(s);
	*v = w.v;
	if (w.err)
		return out_fail(w.err, _("Cannot read the zone's privilege vocabulary"));
	return session_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

int
cli_space_privileges(struct session *s, const char *preset, const char *list, cJSON **out)
{
	struct od_priv_vocab v = { 0 };
	struct od_privs want = { 0 };
	int which = preset ? od_preset_parse(preset) : -1, rc;

	*out = NULL;
	if (preset && list) {
		out_error(_("give --privileges or --preset, not both"));
		return EXIT_USAGE;
	}
	if (preset && which < 0) {
		out_error(_("unknown preset '%s' (viewer, contributor, manager)"), preset);
		return EXIT_USAGE;
	}
	if (!preset && !list)
		return EXIT_OK;
	if ((rc = cli_load_vocab(s, &v)) != EXIT_OK) {
		od_vocab_done(&v);
		return rc;
	}
	if (preset && od_preset_privs(&v, (enum od_preset)which, &want) != 0)
		xoom();
	if (list)
		cli_privs_add_names(&want, list);
	for (size_t i = 0; i < want.n && rc == EXIT_OK; i++)
		if (!od_privs_has(&v.all, want.v[i])) {
			out_error(_("the zone has no space privilege '%s'"), want.v[i]);
			rc = EXIT_USAGE;
		}
	if (rc == EXIT_OK && !(*out = cJSON_CreateStringArray((const char *const *)want.v, (int)want.n)))
		xoom();
	od_privs_done(&want);
	od_vocab_done(&v);
	return rc;
}
