/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-handout.c: "handout": share a dataset or folder (or reuse its
 * share), make an invite token to its space, and write the e-mail that
 * hands both to the user. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cmd.h"
#include "cli/handout.h"
#include "cli/output.h"
#include "cli/privs.h"
#include "onetui/caveat.h"
#include "onetui/config.h"
#include "onetui/handout.h"
#include "onetui/i18n.h"
#include "onetui/str.h"
#include "onetui/token.h"
#include "xmalloc.h"

enum {
	OPT_TEMPLATE = 0x300,
	OPT_SHARE,
	OPT_TITLE,
	OPT_NO_INVITE,
	OPT_EXPIRES,
	OPT_USES,
	OPT_UNLIMITED,
	OPT_PRESET,
	OPT_PRIVILEGES,
	OPT_SENDER,
	OPT_OUTPUT,
};

struct made {
	struct od_handout *h;
	struct od_error *err;
};

static void
on_made(struct od_handout *h, struct od_error *err, void *ud)
{
	struct made *m = ud;

	m->h = h;
	m->err = err;
}

/* The template's text: the configuration's, or the built-in one. */
static int
template_text(struct session *s, const char *name, const char **text)
{
	const struct od_handout_template *t;

	*text = od_handout_default();
	if (!name)
		return EXIT_OK;
	if (!(t = od_config_handout(s->od.cfg, name))) {
		out_error(_("no handout template \"%s\" in the configuration (onetui.conf(5), handouts)"), name);
		return EXIT_SETUP;
	}
	*text = t->text;
	return EXIT_OK;
}

static int
write_text(const char *text, const char *output)
{
	struct od_error *err;

	if (!output) {
		fputs(text, stdout);
		return EXIT_OK;
	}
	/* It holds the invite token: as private as a token file. */
	if ((err = od_private_write_file(output, text, strlen(text))))
		return out_fail(err, _("cannot save the handout"));
	return EXIT_OK;
}

/* Before the invitation is made: what it will allow, in words. */
static void
describe_invite(const struct od_handout_request *r, const cJSON *privileges)
{
	char when[OD_TIME_BUFSZ], *list = privileges ? cJSON_PrintUnformatted(privileges) : NULL;
	char *space = out_safe(r->space->name);

	if (r->usage_limit)
		fprintf(stderr, P_("The invite token will let %lld person join %s until %s, with the privileges %s.\n",
				   "The invite token will let %lld people join %s until %s, with the privileges %s.\n",
				   r->usage_limit),
			(long long)r->usage_limit, space, od_time_short(r->valid_until, when),
			list ? list : _("of a member"));
	else
		fprintf(stderr, _("The invite token will let anyone who holds it join %s until %s, with the privileges "
				  "%s. It has no usage limit: whoever it is forwarded to can join.\n"),
			space, od_time_short(r->valid_until, when), list ? list : _("of a member"));
	cJSON_free(list);
	free(space);
}

int
handout_plan(struct session *s, const struct cmd_entry *e, const struct handout_opts *o, struct handout_plan *p)
{
	struct od_error *err;
	struct stat taken;
	int64_t until;
	int rc = template_text(s, o->template, &p->text);

	p->privileges = NULL;
	/* Checked before anything is made: a share and an invitation made
	 * for a handout that cannot be saved would be made for nothing. */
	if (rc == EXIT_OK && o->output && lstat(o->output, &taken) == 0) {
		out_error(_("%s exists already; onetui does not write a handout over a file"), o->output);
		rc = EXIT_FAILED;
	}
	if (rc == EXIT_OK && (err = od_caveat_parse_expiry(o->expires, (int64_t)time(NULL), &until))) {
		rc = cmd_usage_error(e, "--expires: %s", err->message);
		od_error_free(err);
	}
	if (rc == EXIT_OK && !o->no_invite)
		rc = cli_space_privileges(s, o->preset ? o->preset : o->privileges ? NULL : "viewer", o->privileges,
					  &p->privileges);
	return rc;
}

void
handout_plan_done(struct handout_plan *p)
{
	cJSON_Delete(p->privileges);
	p->privileges = NULL;
}

int
handout_deliver(struct session *s, const struct handout_opts *o, const struct handout_plan *p,
		struct od_space *sp, const char *file_id, const char *path, const char *target,
		struct od_handout **made)
{
	struct od_handout_request r = { .space = sp, .file_id = file_id, .path = path, .title = o->title,
					.share_id = o->share, .invite = !o->no_invite,
					.usage_limit = o->unlimited ? 0 : o->uses, .privileges = p->privileges,
					.sender = o->sender };
	struct made m = { 0 };
	struct od_error *err;
	char *out;
	int rc = EXIT_OK;

	*made = NULL;
	/* The invitation runs from now: a session may end days after it began. */
	if ((err = od_caveat_parse_expiry(o->expires, (int64_t)time(NULL), &r.valid_until)))
		return out_fail(err, "--expires");
	if (r.invite && !o->quiet)
		describe_invite(&r, p->privileges);
	if (!od_handout_make(s->zone, &r, on_made, &m))
		xoom();
	session_run(s);
	if (session_interrupted()) {
		od_error_free(m.err);
		od_handout_free(m.h);
		return EXIT_INTERRUPTED;
	}
	if (m.err)
		return out_fail(m.err, _("cannot make the handout for %s"), target);
	if (!(out = od_handout_render(p->text, &m.h->facts)))
		xoom();
	rc = write_text(out, o->output);
	od_str_wipe_free(out);
	if (rc == EXIT_OK)
		*made = m.h;
	else
		od_handout_free(m.h);
	return rc;
}

static int
handout_run(struct session *s, const struct handout_opts *o, const char *target)
{
	struct handout_plan p;
	struct target_stat st = { 0 };
	struct od_handout *h = NULL;
	struct od_space *sp;
	int rc = handout_plan(s, &cmd_handout_entry, o, &p);

	if (rc == EXIT_OK)
		rc = session_stat_target(s, target, &sp, &st);
	if (rc == EXIT_OK)
		rc = handout_deliver(s, o, &p, sp, st.file_id, st.path, target, &h);
	if (rc == EXIT_OK && h->share_created) {
		char *id = out_safe(h->share_id);
		fprintf(stderr, _("Shared %s as %s.\n"), target, id);
		free(id);
	}
	if (rc == EXIT_OK && o->output)
		fprintf(stderr, _("The handout is in %s (mode 0600).\n"), o->output);
	od_handout_free(h);
	handout_plan_done(&p);
	target_stat_done(&st);
	return rc;
}

static int
handout_exec(struct global_opts *g, int argc, char **argv)
{
	struct handout_opts o = HANDOUT_OPTS_DEFAULT;
	struct session s;
	char *end;
	int c, rc;

	while ((c = cmd_getopt(&cmd_handout_entry, g, argc, argv)) != CMD_OPT_END) {
		switch (c) {
		case CMD_OPT_EXIT: return cmd_exit_status;
		case OPT_TEMPLATE: o.template = optarg; break;
		case OPT_SHARE: o.share = optarg; break;
		case OPT_TITLE: o.title = optarg; break;
		case OPT_NO_INVITE: o.no_invite = true; break;
		case OPT_EXPIRES: o.expires = optarg; break;
		case OPT_UNLIMITED: o.unlimited = true; break;
		case OPT_PRESET: o.preset = optarg; break;
		case OPT_PRIVILEGES: o.privileges = optarg; break;
		case OPT_SENDER: o.sender = optarg; break;
		case OPT_OUTPUT: o.output = optarg; break;
		case OPT_USES:
			o.uses = strtol(optarg, &end, 10);
			if (*end || end == optarg || o.uses < 1 || o.uses > 1000000)
				return cmd_usage_error(&cmd_handout_entry, _("--uses takes a whole number from 1 to 1000000"));
			o.uses_given = true;
			break;
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(&cmd_handout_entry, _("handout takes one SPACE/PATH"));
	if (o.unlimited && o.uses_given)
		return cmd_usage_error(&cmd_handout_entry, _("give --uses or --unlimited, not both"));
	if (o.no_invite && (o.preset || o.privileges || o.unlimited || o.uses_given))
		return cmd_usage_error(&cmd_handout_entry, _("--no-invite makes no invite token to choose privileges or uses for"));
	rc = session_open(&s, g);
	if (rc == EXIT_OK)
		rc = session_load_spaces(&s);
	if (rc == EXIT_OK)
		rc = handout_run(&s, &o, argv[optind]);
	session_close(&s);
	return rc;
}

static const struct option handout_options[] = {
	{ "template", required_argument, NULL, OPT_TEMPLATE },
	{ "share", required_argument, NULL, OPT_SHARE },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "no-invite", no_argument, NULL, OPT_NO_INVITE },
	{ "expires", required_argument, NULL, OPT_EXPIRES },
	{ "uses", required_argument, NULL, OPT_USES },
	{ "unlimited", no_argument, NULL, OPT_UNLIMITED },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "privileges", required_argument, NULL, OPT_PRIVILEGES },
	{ "sender", required_argument, NULL, OPT_SENDER },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_handout_entry = {
	.name = "handout",
	.usage = N_("[--template NAME] [--share ID] [--title TEXT] [--no-invite | [--expires WHEN] [--uses N | "
		    "--unlimited] [--preset viewer|contributor|manager | --privileges P,...]] [--sender NAME] "
		    "[--output FILE] SPACE/PATH"),
	.summary = N_("share a dataset or folder, invite its user, and write the e-mail that hands both over"),
	.longopts = handout_options,
	.exec = handout_exec,
};
