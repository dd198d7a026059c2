/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report-lines.c: a report as labelled lines, one wording for the Info
 * pane and "onetui info". */
#include "config.h"

#include "onetui/report.h"

#include <stdarg.h>
#include <stdlib.h>

#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/provider.h"
#include "onetui/str.h"

struct out {
	od_report_line_fn *emit;
	void *ud;
	const char *label;	/* of the next line; "" once used */
};

static void
line(struct out *o, enum od_tone tone, const char *fmt, ...) OD_PRINTF(3, 4);

static void
line(struct out *o, enum od_tone tone, const char *fmt, ...)
{
	va_list ap;
	char *value;

	va_start(ap, fmt);
	value = od_vasprintf(fmt, ap);
	va_end(ap);
	o->emit(o->label, tone, value ? value : _("(out of memory)"), o->ud);
	free(value);
	if (o->label)
		o->label = "";
}

/* Start a labelled group of lines. */
static void
label(struct out *o, const char *text)
{
	o->label = text;
}

const char *
od_file_type_words(enum od_file_type t)
{
	switch (t) {
	case OD_FILE_DIR: return _("directory");
	case OD_FILE_SYMLNK: return _("symbolic link");
	case OD_FILE_REG: break;
	}
	return _("regular file");
}

const char *
od_space_provider_name(const struct od_space *s, const char *provider_id)
{
	for (size_t i = 0; s && provider_id && i < s->n_supports; i++)
		if (od_str_eq(s->supports[i].provider->id, provider_id))
			return s->supports[i].provider->name;
	return NULL;
}

const char *
od_protection_words(unsigned flags)
{
	switch (flags & (OD_PROTECT_DATA | OD_PROTECT_METADATA)) {
	case OD_PROTECT_DATA: return _("data protected");
	case OD_PROTECT_METADATA: return _("metadata protected");
	case OD_PROTECT_DATA | OD_PROTECT_METADATA: return _("data and metadata protected");
	}
	return _("not protected");
}

/* A part that is not ready says so on one line; true when it is ready. */
static bool
part_ready(struct out *o, const struct od_report *r, enum od_part part)
{
	switch (r->state[part]) {
	case OD_PART_READY:
		return true;
	case OD_PART_LOADING:
		line(o, OD_TONE_LOADING, "%s", "");
		break;
	case OD_PART_UNAVAILABLE:
		line(o, OD_TONE_DIM, "%s", r->error[part]->message);
		break;
	case OD_PART_FAILED:
		line(o, OD_TONE_ERROR, "%s", r->error[part]->message);
		break;
	case OD_PART_SKIPPED:
		break;
	}
	return false;
}

static void
size_line(struct out *o, const struct od_report *r)
{
	char h[OD_SIZE_BUFSZ], *files, *dirs;

	label(o, _("Size"));
	if (r->size >= 0) {
		line(o, OD_TONE_NORMAL, _("%s (%lld bytes)"), od_size_human(r->size, h), (long long)r->size);
		return;
	}
	if (r->state[OD_PART_STATS] == OD_PART_SKIPPED) {
		line(o, OD_TONE_DIM, "%s", r->space ? _("unknown (directory sizes come from the directory statistics)")
						     : _("unknown (public share data has no directory statistics)"));
		return;
	}
	if (!part_ready(o, r, OD_PART_STATS))
		return;
	files = od_asprintf(P_("%lld file", "%lld files", (unsigned long)r->stats.files), (long long)r->stats.files);
	dirs = od_asprintf(P_("%lld directory", "%lld directories", (unsigned long)r->stats.dirs),
			   (long long)r->stats.dirs);
	/* TRANSLATORS: a size, its bytes, "N files", "N directories". */
	line(o, OD_TONE_NORMAL, _("%s (%lld bytes) in %s and %s"), od_size_human(r->stats.size, h),
	     (long long)r->stats.size, files ? files : "?", dirs ? dirs : "?");
	free(files);
	free(dirs);
	if (r->stats.inaccurate)
		line(o, OD_TONE_WARN, "%s", _("approximate: the provider met errors while counting"));
}

static void
attr_lines(struct out *o, const struct od_report *r)
{
	const struct od_provider_info *via = od_provider_current(r->space);
	const char *origin = od_space_provider_name(r->space, r->provider_id);
	char mode[11], t[OD_TIME_BUFSZ];

	label(o, _("Name"));
	line(o, OD_TONE_NORMAL, "%s", r->name);
	if (r->have & OD_ATTR_PATH) {
		label(o, _("Path"));
		line(o, OD_TONE_NORMAL, "%s", r->path);
	}
	label(o, _("Type"));
	line(o, OD_TONE_NORMAL, "%s", od_file_type_words(r->type));
	size_line(o, r);
	label(o, _("Mode"));
	line(o, OD_TONE_NORMAL, "%04o (%s)", r->mode, od_mode_string(od_file_type_char(r->type), r->mode, mode));
	if (r->have & OD_ATTR_OWNER) {
		label(o, _("Owner"));
		line(o, OD_TONE_NORMAL, "%s", r->owner_id);
	}
	label(o, _("Accessed"));
	line(o, OD_TONE_NORMAL, "%s", od_time_short(r->atime, t));
	label(o, _("Modified"));
	line(o, OD_TONE_NORMAL, "%s", od_time_short(r->mtime, t));
	label(o, _("Changed"));
	line(o, OD_TONE_NORMAL, "%s", od_time_short(r->ctime, t));
	label(o, _("Created"));
	line(o, OD_TONE_NORMAL, "%s", od_time_short(r->created, t));
	if (r->have & OD_ATTR_HARDLINKS) {
		label(o, _("Hard links"));
		line(o, OD_TONE_NORMAL, "%lld", (long long)r->hardlinks);
	}
	if (r->state[OD_PART_SHARES] == OD_PART_SKIPPED) {
		label(o, _("Shares"));
		if (r->n_share_ids == 0)
			line(o, OD_TONE_DIM, "%s", _("none"));
		for (size_t i = 0; i < r->n_share_ids; i++)
			line(o, OD_TONE_NORMAL, "%s", r->share_ids[i]);
	}
	label(o, _("File id"));
	line(o, OD_TONE_NORMAL, "%s", r->file_id);
	label(o, _("Parent id"));
	if (r->parent_id)
		line(o, OD_TONE_NORMAL, "%s", r->parent_id);
	else
		line(o, OD_TONE_DIM, "%s", r->space ? _("(none: the space root)") : _("(none: the share's root)"));
	if (r->have & OD_ATTR_PROVIDER) {
		label(o, _("Created at"));
		if (origin)
			line(o, OD_TONE_NORMAL, "%s (%s)", origin, r->provider_id);
		else
			line(o, OD_TONE_NORMAL, "%s", r->provider_id);
	}
	if (via) {
		label(o, _("Served by"));
		line(o, OD_TONE_NORMAL, "%s (%s)", via->name, via->domain);
	}
}

/* "25%" of the blocks, never rounded to 0% or 100% when it is not. */
static int
percent(int64_t held, int64_t size)
{
	int p = (int)((double)held * 100.0 / (double)size);

	if (p == 0 && held > 0)
		return 1;
	if (p >= 100 && held < size)
		return 99;
	return p > 100 ? 100 : p;
}

static void
replica_lines(struct out *o, const struct od_report *r)
{
	char a[OD_SIZE_BUFSZ], b[OD_SIZE_BUFSZ];

	label(o, _("Replicas"));
	if (!part_ready(o, r, OD_PART_REPLICAS))
		return;
	if (r->n_replicas == 0)
		line(o, OD_TONE_DIM, "%s", _("no provider reported any"));
	for (size_t i = 0; i < r->n_replicas; i++) {
		const struct od_report_replica *e = &r->replicas[i];
		const char *who = od_space_provider_name(r->space, e->provider_id);

		if (!who)
			who = e->provider_id;
		if (!e->ok)
			line(o, OD_TONE_ERROR, _("%s: cannot tell (%s)"), who, e->error ? e->error : _("no reason given"));
		else if (e->size < 0 || e->held < 0)
			line(o, OD_TONE_DIM, _("%s: unknown"), who);
		else if (e->held >= e->size)
			line(o, OD_TONE_GOOD, _("%s: complete, %s"), who, od_size_human(e->size, a));
		else if (e->held == 0)
			line(o, OD_TONE_DIM, _("%s: none of it"), who);
		else
			line(o, OD_TONE_WARN, _("%s: %d%%, %s of %s"), who, percent(e->held, e->size),
			     od_size_human(e->held, a), od_size_human(e->size, b));
	}
}

static void
dataset_lines(struct out *o, const struct od_report *r)
{
	label(o, _("Datasets"));
	if (!part_ready(o, r, OD_PART_DATASETS))
		return;
	if (r->n_datasets == 0)
		line(o, OD_TONE_DIM, "%s", _("in no dataset"));
	for (size_t i = 0; i < r->n_datasets; i++) {
		const struct od_report_dataset *d = &r->datasets[i];
		const char *where = d->direct ? (r->type == OD_FILE_DIR ? _("this directory") : _("this file"))
					      : d->root_path ? d->root_path : d->id;

		if (d->error)
			line(o, OD_TONE_ERROR, "%s: %s", where, d->error);
		else
			line(o, od_str_eq(d->state, "detached") ? OD_TONE_DIM : OD_TONE_NORMAL, _("%s: %s, %s"), where,
			     od_str_eq(d->state, "detached") ? _("detached") : _("attached"),
			     od_protection_words(d->protection));
	}
	label(o, _("Protection"));
	line(o, r->protection ? OD_TONE_WARN : OD_TONE_NORMAL, "%s", od_protection_words(r->protection));
}

static enum od_tone
qos_tone(const char *status)
{
	if (od_str_eq(status, "fulfilled"))
		return OD_TONE_GOOD;
	return od_str_eq(status, "impossible") ? OD_TONE_ERROR : OD_TONE_WARN;
}

static const char *
qos_words(const char *status)
{
	if (od_str_eq(status, "fulfilled"))
		return _("fulfilled");
	if (od_str_eq(status, "pending"))
		return _("pending");
	return od_str_eq(status, "impossible") ? _("impossible") : status;
}

static void
qos_lines(struct out *o, const struct od_report *r)
{
	label(o, _("QoS"));
	if (!part_ready(o, r, OD_PART_QOS))
		return;
	if (r->n_qos == 0) {
		line(o, OD_TONE_DIM, "%s", _("no requirements"));
		return;
	}
	line(o, qos_tone(r->qos_status), "%s", qos_words(r->qos_status));
	for (size_t i = 0; i < r->n_qos; i++) {
		const struct od_report_qos *q = &r->qos[i];

		if (q->error)
			line(o, OD_TONE_ERROR, "%s: %s", q->id, q->error);
		else
			line(o, qos_tone(q->status), P_("%s, %lld replica: %s", "%s, %lld replicas: %s",
							(unsigned long)q->replicas),
			     q->expression, (long long)q->replicas, qos_words(q->status));
	}
}

static void
share_lines(struct out *o, const struct od_report *r)
{
	label(o, _("Shares"));
	for (size_t i = 0; i < r->n_shares; i++) {
		const struct od_report_share *s = &r->shares[i];

		if (s->error)
			line(o, OD_TONE_ERROR, "%s: %s", s->id, s->error);
		else if (s->name)
			line(o, OD_TONE_NORMAL, "%s: %s", s->name, s->public_url);
		else
			line(o, OD_TONE_LOADING, "%s", "");
		if (s->inherited)
			line(o, OD_TONE_DIM, _("  through %s"), s->root_path);
	}
	if (!part_ready(o, r, OD_PART_SHARES))
		return;
	if (r->n_shares == 0)
		line(o, OD_TONE_DIM, "%s", _("not shared"));
}

void
od_report_lines(const struct od_report *r, od_report_line_fn *emit, void *ud)
{
	struct out o = { emit, ud, NULL };
	const char *what = r->type == OD_FILE_DIR ? _("Directory")
			 : r->type == OD_FILE_SYMLNK ? _("Symbolic link") : _("File");

	if (!part_ready(&o, r, OD_PART_ATTRS))
		return;
	o.emit(NULL, OD_TONE_HEADING, what, ud);
	attr_lines(&o, r);
	if (r->state[OD_PART_REPLICAS] != OD_PART_SKIPPED)
		replica_lines(&o, r);
	if (r->state[OD_PART_DATASETS] != OD_PART_SKIPPED)
		dataset_lines(&o, r);
	if (r->state[OD_PART_QOS] != OD_PART_SKIPPED)
		qos_lines(&o, r);
	if (r->state[OD_PART_SHARES] != OD_PART_SKIPPED)
		share_lines(&o, r);
}
