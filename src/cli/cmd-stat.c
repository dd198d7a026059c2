/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-stat.c: "stat", every attribute of one file or directory, and
 * "info", everything the Info pane shows: replicas, directory statistics,
 * datasets, QoS and shares as well. Both print a report (report.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/provider.h"
#include "onetui/report.h"
#include "onetui/str.h"
#include "xmalloc.h"

struct stat_cmd {
	const struct cmd_entry *entry;
	unsigned parts;
	bool json;
	const char *target;
	struct od_report *report;
	bool complete;
};

/* --- text -------------------------------------------------------------------- */

struct text_lines {
	char **labels, **values;
	size_t n, cap;
};

static void
collect_line(const char *label, enum od_tone tone, const char *value, void *ud)
{
	struct text_lines *t = ud;

	if (tone == OD_TONE_HEADING)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->labels = xrealloc(t->labels, t->cap * sizeof(char *));
		t->values = xrealloc(t->values, t->cap * sizeof(char *));
	}
	t->labels[t->n] = label && *label ? xasprintf("%s:", label) : xstrdup(label ? label : "");
	t->values[t->n++] = xstrdup(value);
}

static void
print_text(const struct od_report *r)
{
	struct text_lines t = { 0 };
	int lw;

	od_report_lines(r, collect_line, &t);
	lw = out_label_width((const char *const *)t.labels, t.n);
	for (size_t i = 0; i < t.n; i++) {
		out_field(stdout, lw, t.labels[i], "%s", t.values[i]);
		free(t.labels[i]);
		free(t.values[i]);
	}
	free(t.labels);
	free(t.values);
}

/* --- JSON -------------------------------------------------------------------- */

static void
json_int_or_null(struct jw *j, const char *key, int64_t v)
{
	jw_key(j, key);
	if (v >= 0)
		jw_int(j, v);
	else
		jw_null(j);
}

static void
json_protection(struct jw *j, const char *key, unsigned flags)
{
	jw_key(j, key);
	jw_begin_array(j);
	if (flags & OD_PROTECT_DATA)
		jw_string(j, "data_protection");
	if (flags & OD_PROTECT_METADATA)
		jw_string(j, "metadata_protection");
	jw_end_array(j);
}

/* A part that did not load: {"error": {...}} in its place. */
static bool
json_part_ready(struct jw *j, const struct od_report *r, enum od_part part, const char *key)
{
	const struct od_error *err = r->error[part];

	if (r->state[part] == OD_PART_SKIPPED)
		return false;
	jw_key(j, key);
	if (r->state[part] == OD_PART_READY)
		return true;
	jw_begin_object(j);
	jw_key(j, "error");
	jw_begin_object(j);
	jw_kv_string(j, "kind", od_error_kind_name(err->kind));
	jw_kv_string(j, "id", err->id);
	jw_kv_string(j, "message", err->message);
	jw_kv_bool(j, "unavailable", r->state[part] == OD_PART_UNAVAILABLE);
	jw_end_object(j);
	jw_end_object(j);
	return false;
}

static void
json_attrs(struct jw *j, const struct od_report *r)
{
	const struct od_provider_info *via = od_provider_current(r->space);
	char perms[8];

	snprintf(perms, sizeof(perms), "%o", r->mode);
	jw_kv_string(j, "fileId", r->file_id);
	jw_kv_string(j, "name", r->name);
	jw_kv_string(j, "path", r->path);
	jw_kv_string(j, "type", od_file_type_name(r->type));
	json_int_or_null(j, "size", r->size);
	jw_kv_string(j, "posixPermissions", perms);
	jw_kv_string(j, "ownerUserId", r->owner_id);
	jw_kv_int(j, "atime", r->atime);
	jw_kv_int(j, "mtime", r->mtime);
	jw_kv_int(j, "ctime", r->ctime);
	jw_kv_int(j, "creationTime", r->created);
	jw_kv_string(j, "parentFileId", r->parent_id);
	jw_kv_int(j, "hardlinkCount", r->hardlinks);
	jw_kv_string(j, "originProviderId", r->provider_id);
	jw_key(j, "directShareIds");
	jw_begin_array(j);
	for (size_t i = 0; i < r->n_share_ids; i++)
		jw_string(j, r->share_ids[i]);
	jw_end_array(j);
	jw_kv_string(j, "spaceId", r->space->id);
	jw_kv_string(j, "spaceName", r->space->name);
	jw_kv_string(j, "servedBy", via ? via->id : NULL);
}

static void
json_replicas(struct jw *j, const struct od_report *r)
{
	if (!json_part_ready(j, r, OD_PART_REPLICAS, "replicas"))
		return;
	jw_begin_array(j);
	for (size_t i = 0; i < r->n_replicas; i++) {
		const struct od_report_replica *e = &r->replicas[i];
		jw_begin_object(j);
		jw_kv_string(j, "providerId", e->provider_id);
		jw_kv_string(j, "providerName", od_space_provider_name(r->space, e->provider_id));
		jw_kv_bool(j, "success", e->ok);
		if (e->ok) {
			json_int_or_null(j, "size", e->size);
			json_int_or_null(j, "bytesHeld", e->held);
		} else {
			jw_kv_string(j, "error", e->error);
		}
		jw_end_object(j);
	}
	jw_end_array(j);
}

static void
json_stats(struct jw *j, const struct od_report *r)
{
	if (!json_part_ready(j, r, OD_PART_STATS, "dirStats"))
		return;
	jw_begin_object(j);
	jw_kv_int(j, "totalSize", r->stats.size);
	jw_kv_int(j, "fileCount", r->stats.files);
	jw_kv_int(j, "dirCount", r->stats.dirs);
	jw_kv_bool(j, "accurate", !r->stats.inaccurate);
	jw_end_object(j);
}

static void
json_datasets(struct jw *j, const struct od_report *r)
{
	if (!json_part_ready(j, r, OD_PART_DATASETS, "datasets"))
		return;
	jw_begin_object(j);
	json_protection(j, "effectiveProtectionFlags", r->protection);
	jw_key(j, "datasets");
	jw_begin_array(j);
	for (size_t i = 0; i < r->n_datasets; i++) {
		const struct od_report_dataset *d = &r->datasets[i];
		jw_begin_object(j);
		jw_kv_string(j, "datasetId", d->id);
		jw_kv_bool(j, "direct", d->direct);
		if (d->error) {
			jw_kv_string(j, "error", d->error);
		} else {
			jw_kv_string(j, "rootFilePath", d->root_path);
			jw_kv_string(j, "state", d->state);
			json_protection(j, "protectionFlags", d->protection);
		}
		jw_end_object(j);
	}
	jw_end_array(j);
	jw_end_object(j);
}

static void
json_qos(struct jw *j, const struct od_report *r)
{
	if (!json_part_ready(j, r, OD_PART_QOS, "qos"))
		return;
	jw_begin_object(j);
	jw_kv_string(j, "status", r->qos_status);
	jw_key(j, "requirements");
	jw_begin_array(j);
	for (size_t i = 0; i < r->n_qos; i++) {
		const struct od_report_qos *q = &r->qos[i];
		jw_begin_object(j);
		jw_kv_string(j, "qosRequirementId", q->id);
		jw_kv_string(j, "status", q->status);
		if (q->error) {
			jw_kv_string(j, "error", q->error);
		} else {
			jw_kv_string(j, "expression", q->expression);
			jw_kv_int(j, "replicasNum", q->replicas);
		}
		jw_end_object(j);
	}
	jw_end_array(j);
	jw_end_object(j);
}

static void
json_shares(struct jw *j, const struct od_report *r)
{
	if (!json_part_ready(j, r, OD_PART_SHARES, "shares"))
		return;
	jw_begin_array(j);
	for (size_t i = 0; i < r->n_shares; i++) {
		const struct od_report_share *s = &r->shares[i];
		jw_begin_object(j);
		jw_kv_string(j, "shareId", s->id);
		jw_kv_string(j, "rootFilePath", s->root_path);
		jw_kv_bool(j, "inherited", s->inherited);
		if (s->error) {
			jw_kv_string(j, "error", s->error);
		} else {
			jw_kv_string(j, "name", s->name);
			jw_kv_string(j, "publicUrl", s->public_url);
		}
		jw_end_object(j);
	}
	jw_end_array(j);
}

static void
print_json(const struct od_report *r)
{
	struct jw *j = jw_new(stdout);

	jw_begin_object(j);
	json_attrs(j, r);
	json_replicas(j, r);
	json_stats(j, r);
	json_datasets(j, r);
	json_qos(j, r);
	json_shares(j, r);
	jw_end_object(j);
	jw_free(j);
}

/* --- the commands --------------------------------------------------------------- */

static void
on_part(struct od_report *r, enum od_part part, void *ud)
{
	struct stat_cmd *c = ud;

	c->complete = od_report_complete(r);
}

static int
report_exec(struct stat_cmd *c, struct global_opts *g, int argc, char **argv)
{
	struct od_space *space;
	struct target_stat st;
	struct session s;
	const struct od_error *failure;
	int opt, rc;

	while ((opt = cmd_getopt(c->entry, g, argc, argv)) != CMD_OPT_END) {
		if (opt == CMD_OPT_EXIT)
			return cmd_exit_status;
		if (opt == CMD_OPT_JSON)
			c->json = true;
	}
	if (optind + 1 != argc)
		return cmd_usage_error(c->entry, optind == argc ? _("which file? give SPACE/PATH")
								: _("one SPACE/PATH at a time"));
	c->target = argv[optind];
	rc = session_open(&s, g);
	if (rc == EXIT_OK)
		rc = session_stat_target(&s, c->target, &space, &st);
	if (rc != EXIT_OK) {
		session_close(&s);
		return rc;
	}
	if (!(c->report = od_report_start(s.zone, space, st.file_id, c->parts, on_part, c)))
		xoom();
	session_run(&s);
	target_stat_done(&st);
	if (!c->complete) {
		/* Interrupted: the engine cancelled what was in flight. */
		rc = EXIT_INTERRUPTED;
	} else if (c->report->state[OD_PART_ATTRS] == OD_PART_FAILED) {
		rc = out_fail(c->report->error[OD_PART_ATTRS], _("Cannot read the attributes of %s"), c->target);
		c->report->error[OD_PART_ATTRS] = NULL;
	} else {
		if (c->json)
			print_json(c->report);
		else
			print_text(c->report);
		if ((failure = od_report_failure(c->report))) {
			out_error(_("Part of what is known about %s could not be read: %s"), c->target,
				  failure->message);
			rc = out_exit_code(failure);
		}
	}
	od_report_cancel(c->report);
	session_close(&s);
	return rc;
}

static int
stat_exec(struct global_opts *g, int argc, char **argv)
{
	struct stat_cmd c = { .entry = &cmd_stat_entry, .parts = 0 };

	return report_exec(&c, g, argc, argv);
}

static int
info_exec(struct global_opts *g, int argc, char **argv)
{
	struct stat_cmd c = { .entry = &cmd_info_entry, .parts = OD_PARTS_ALL };

	return report_exec(&c, g, argc, argv);
}

static const struct option report_options[] = {
	CMD_JSON_OPTION,
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_stat_entry = {
	.name = "stat",
	.usage = N_("[--json] SPACE/PATH"),
	.summary = N_("show every attribute of a file or directory"),
	.shortopts = "",
	.longopts = report_options,
	.exec = stat_exec,
};

const struct cmd_entry cmd_info_entry = {
	.name = "info",
	.usage = N_("[--json] SPACE/PATH"),
	.summary = N_("show attributes, replicas, sizes, datasets, QoS and shares"),
	.shortopts = "",
	.longopts = report_options,
	.exec = info_exec,
};
