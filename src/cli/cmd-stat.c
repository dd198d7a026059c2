/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-stat.c: every attribute of one file or directory. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "onetui/i18n.h"
#include "onetui/str.h"
#include "xmalloc.h"

#define STAT_ATTRS OD_ATTR_ALL

struct stat_cmd {
	struct session *s;
	struct od_space *space;
	bool json;
	const char *target;
	struct od_error *err;
};

static const char *
type_words(enum od_file_type t)
{
	switch (t) {
	case OD_FILE_DIR: return _("directory");
	case OD_FILE_SYMLNK: return _("symbolic link");
	case OD_FILE_REG: break;
	}
	return _("regular file");
}

/* A provider's name from its id, when the zone described it. */
static const char *
provider_name(const struct od_space *sp, const char *id)
{
	for (size_t i = 0; id && i < sp->n_supports; i++)
		if (od_str_eq(sp->supports[i].provider->id, id))
			return sp->supports[i].provider->name;
	return NULL;
}

static void
print_json(struct stat_cmd *c, const struct od_attrs *a)
{
	const struct od_provider_info *via = od_provider_current(c->space);
	struct jw *j = jw_new(stdout);
	const cJSON *id;
	char perms[8];

	snprintf(perms, sizeof(perms), "%o", a->mode);
	jw_begin_object(j);
	jw_kv_string(j, "fileId", a->file_id);
	jw_kv_string(j, "name", a->name);
	jw_kv_string(j, "path", a->path);
	jw_kv_string(j, "type", od_file_type_name(a->type));
	jw_key(j, "size");
	if (a->size >= 0)
		jw_int(j, a->size);
	else
		jw_null(j);
	jw_kv_string(j, "posixPermissions", perms);
	jw_kv_string(j, "ownerUserId", a->owner_id);
	jw_kv_int(j, "atime", a->atime);
	jw_kv_int(j, "mtime", a->mtime);
	jw_kv_int(j, "ctime", a->ctime);
	jw_kv_int(j, "creationTime", a->created);
	jw_kv_string(j, "parentFileId", a->parent_id);
	jw_kv_int(j, "hardlinkCount", a->hardlinks);
	jw_kv_string(j, "originProviderId", a->provider_id);
	jw_key(j, "directShareIds");
	jw_begin_array(j);
	cJSON_ArrayForEach(id, a->shares)
		jw_string(j, id->valuestring);
	jw_end_array(j);
	jw_kv_string(j, "spaceId", c->space->id);
	jw_kv_string(j, "spaceName", c->space->name);
	jw_kv_string(j, "servedBy", via ? via->id : NULL);
	jw_end_object(j);
	jw_free(j);
}

static void
print_text(struct stat_cmd *c, const struct od_attrs *a)
{
	const char *labels[] = { _("Name:"), _("Path:"), _("Type:"), _("Size:"), _("Mode:"),
				 _("Owner:"), _("Accessed:"), _("Modified:"), _("Changed:"), _("Created:"),
				 _("Hard links:"), _("Shares:"), _("File id:"), _("Parent id:"),
				 _("Created at:"), _("Served by:") };
	const struct od_provider_info *via = od_provider_current(c->space);
	int lw = out_label_width(labels, OD_ARRAY_SIZE(labels));
	char mode[11], size[OD_SIZE_BUFSZ], t[OD_TIME_BUFSZ];
	const char *origin = provider_name(c->space, a->provider_id);
	int n_shares = cJSON_GetArraySize(a->shares);
	const cJSON *id;

	out_field(stdout, lw, labels[0], "%s", a->name);
	out_field(stdout, lw, labels[1], "%s", a->path);
	out_field(stdout, lw, labels[2], "%s", type_words(a->type));
	if (a->size >= 0)
		out_field(stdout, lw, labels[3], _("%s (%lld bytes)"), od_size_human(a->size, size),
			  (long long)a->size);
	else
		out_field(stdout, lw, labels[3], "%s", _("unknown (the provider keeps no directory statistics)"));
	out_field(stdout, lw, labels[4], "%04o (%s)", a->mode, od_mode_string(od_file_type_char(a->type), a->mode, mode));
	out_field(stdout, lw, labels[5], "%s", a->owner_id);
	out_field(stdout, lw, labels[6], "%s", od_time_short(a->atime, t));
	out_field(stdout, lw, labels[7], "%s", od_time_short(a->mtime, t));
	out_field(stdout, lw, labels[8], "%s", od_time_short(a->ctime, t));
	out_field(stdout, lw, labels[9], "%s", od_time_short(a->created, t));
	out_field(stdout, lw, labels[10], "%lld", (long long)a->hardlinks);
	if (n_shares == 0)
		out_field(stdout, lw, labels[11], "%s", _("none"));
	cJSON_ArrayForEach(id, a->shares)
		out_field(stdout, lw, id == a->shares->child ? labels[11] : "", "%s", id->valuestring);
	out_field(stdout, lw, labels[12], "%s", a->file_id);
	out_field(stdout, lw, labels[13], "%s", a->parent_id ? a->parent_id : _("(none: the space root)"));
	if (origin)
		out_field(stdout, lw, labels[14], "%s (%s)", origin, a->provider_id);
	else
		out_field(stdout, lw, labels[14], "%s", a->provider_id);
	if (via)
		out_field(stdout, lw, labels[15], "%s (%s)", via->name, via->domain);
}

static void
on_attrs(const struct od_attrs *a, struct od_error *err, void *ud)
{
	struct stat_cmd *c = ud;

	if (err)
		c->err = err;
	else if (c->json)
		print_json(c, a);
	else
		print_text(c, a);
}

static int
stat_exec(struct global_opts *g, int argc, char **argv)
{
	struct stat_cmd c = { 0 };
	struct target_stat st;
	struct session s;
	int opt, rc;

	while ((opt = cmd_getopt(&cmd_stat_entry, g, argc, argv)) != CMD_OPT_END) {
		if (opt == CMD_OPT_EXIT)
			return cmd_exit_status;
		if (opt == CMD_OPT_JSON)
			c.json = true;
	}
	if (optind + 1 != argc)
		return cmd_usage_error(&cmd_stat_entry, optind == argc ? _("which file? give SPACE/PATH")
								       : _("one SPACE/PATH at a time"));
	c.target = argv[optind];
	rc = session_open(&s, g);
	c.s = &s;
	if (rc == EXIT_OK)
		rc = session_stat_target(&s, c.target, &c.space, &st);
	if (rc == EXIT_OK) {
		if (!od_provider_stat(s.zone, c.space, st.file_id, STAT_ATTRS, on_attrs, &c))
			xoom();
		session_run(&s);
		if (c.err)
			rc = out_fail(c.err, _("Cannot read the attributes of %s"), c.target);
		target_stat_done(&st);
	}
	session_close(&s);
	return rc;
}

static const struct option stat_options[] = {
	CMD_JSON_OPTION,
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_stat_entry = {
	.name = "stat",
	.usage = N_("[--json] SPACE/PATH"),
	.summary = N_("show every attribute of a file or directory"),
	.shortopts = "",
	.longopts = stat_options,
	.exec = stat_exec,
};
