/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-replica.c: Onedata's own transfers between providers (the
 * replication, eviction and migration verbs of "transfers") and "qos". */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "cli/replica.h"
#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/replica.h"
#include "onetui/str.h"
#include "xmalloc.h"

/* --- waiting for one answer ------------------------------------------------------- */

struct wait {
	struct od_error *err;
	cJSON *transfer;	/* a copy of the record */
	struct od_transfer t;	/* pointing into transfer */
};

static void
on_transfer(const struct od_transfer *t, struct od_error *err, void *ud)
{
	struct wait *w = ud;

	w->err = err;
	if (err)
		return;
	/* Keep a copy: the record is only valid during the call. */
	if (!(w->transfer = cJSON_Duplicate(t->raw, true)))
		xoom();
	w->t = *t;
	w->t.raw = w->transfer;
	w->t.min_hist = cJSON_GetObjectItemCaseSensitive(w->transfer, "minHist");
#define REPOINT(field, key) \
	w->t.field = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w->transfer, key))
	REPOINT(type, "type");
	REPOINT(status, "transferStatus");
	REPOINT(replication_status, "replicationStatus");
	REPOINT(eviction_status, "evictionStatus");
	REPOINT(user_id, "userId");
	REPOINT(space_id, "spaceId");
	REPOINT(file_id, "fileId");
	REPOINT(file_path, "filePath");
	REPOINT(replicating_provider, "replicatingProviderId");
	REPOINT(evicting_provider, "evictingProviderId");
	REPOINT(rerun_id, "rerunId");
#undef REPOINT
}

static void
wait_done(struct wait *w)
{
	od_error_free(w->err);
	cJSON_Delete(w->transfer);
	memset(w, 0, sizeof(*w));
}

static int
get_transfer(struct session *s, struct od_space *sp, const char *tid, struct wait *w)
{
	memset(w, 0, sizeof(*w));
	if (!od_transfer_get(s->zone, sp, tid, on_transfer, w))
		xoom();
	session_run(s);
	if (session_interrupted())
		return EXIT_INTERRUPTED;
	return w->err ? EXIT_FAILED : EXIT_OK;
}

/* The space a transfer belongs to: each supported space's provider is
 * asked in turn. The record is left in w. */
static int
find_transfer(struct session *s, const char *tid, struct od_space **out, struct wait *w)
{
	int rc = session_load_spaces(s);
	struct od_error *last = NULL;

	if (rc != EXIT_OK)
		return rc;
	for (size_t i = 0; i < od_zone_space_count(s->zone); i++) {
		struct od_space *sp = od_zone_space(s->zone, i);
		if (!sp->n_supports)
			continue;
		rc = get_transfer(s, sp, tid, w);
		if (rc == EXIT_INTERRUPTED)
			return rc;
		if (rc == EXIT_OK && w->t.space_id && strcmp(w->t.space_id, sp->id) == 0) {
			od_error_free(last);
			*out = sp;
			return EXIT_OK;
		}
		od_error_free(last);
		last = w->err;
		w->err = NULL;
		wait_done(w);
	}
	if (last)
		od_error_free(last);
	out_error(_("no space of yours has a transfer %s"), tid);
	return EXIT_FAILED;
}

/* A provider of the space, by name, id or domain. */
static const char *
provider_id(struct od_space *sp, const char *name)
{
	for (size_t i = 0; i < sp->n_supports; i++) {
		const struct od_provider_info *p = sp->supports[i].provider;
		if (od_str_eq(p->id, name) || od_str_eq(p->name, name) || od_str_ieq(p->domain, name))
			return p->id;
	}
	return NULL;
}

static const char *
provider_name(struct od_space *sp, const char *id)
{
	for (size_t i = 0; id && i < sp->n_supports; i++)
		if (od_str_eq(sp->supports[i].provider->id, id))
			return sp->supports[i].provider->name;
	return id ? id : "-";
}

/* --- showing a transfer ------------------------------------------------------------ */

static void
print_transfer(struct od_space *sp, const char *tid, const struct od_transfer *t, bool json)
{
	char bytes[OD_SIZE_BUFSZ], rate[OD_SIZE_BUFSZ], when[OD_TIME_BUFSZ];
	double r = od_transfer_rate(t);
	static const char *const labels[] = { N_("Transfer"), N_("Type"), N_("Status"), N_("File"),
					      N_("To"), N_("From"), N_("Files"), N_("Bytes"), N_("Rate"),
					      N_("Scheduled"), N_("Finished"), N_("Rerun as") };
	const char *tl[OD_ARRAY_SIZE(labels)];
	int lw;

	if (json) {
		/* The record as the provider gave it, with its id. */
		cJSON *copy = cJSON_Duplicate(t->raw, true);
		char *text;
		if (!copy || !cJSON_AddStringToObject(copy, "transferId", tid))
			xoom();
		text = out_json_text(copy);
		printf("%s\n", text);
		free(text);
		cJSON_Delete(copy);
		return;
	}
	for (size_t i = 0; i < OD_ARRAY_SIZE(labels); i++)
		tl[i] = _(labels[i]);
	lw = out_label_width(tl, OD_ARRAY_SIZE(tl));
	out_field(stdout, lw, tl[0], "%s", tid);
	out_field(stdout, lw, tl[1], "%s", t->type);
	out_field(stdout, lw, tl[2], "%s", t->status);
	out_field(stdout, lw, tl[3], "%s", t->file_path ? t->file_path : t->file_id ? t->file_id : "-");
	if (t->replicating_provider)
		out_field(stdout, lw, tl[4], "%s", provider_name(sp, t->replicating_provider));
	if (t->evicting_provider)
		out_field(stdout, lw, tl[5], "%s", provider_name(sp, t->evicting_provider));
	out_field(stdout, lw, tl[6], _("%lld of %lld processed, %lld replicated, %lld evicted, %lld failed"),
		  (long long)t->files_processed, (long long)t->files_to_process, (long long)t->files_replicated,
		  (long long)t->files_evicted, (long long)t->files_failed);
	out_field(stdout, lw, tl[7], _("%s replicated"), od_size_human(t->bytes_replicated, bytes));
	if (r >= 0)
		out_field(stdout, lw, tl[8], _("%s/s over the last minute"), od_size_human((int64_t)r, rate));
	if (t->schedule_time > 0)
		out_field(stdout, lw, tl[9], "%s", od_time_iso(t->schedule_time, when));
	if (t->finish_time > 0)
		out_field(stdout, lw, tl[10], "%s", od_time_iso(t->finish_time, when));
	if (t->rerun_id)
		out_field(stdout, lw, tl[11], "%s", t->rerun_id);
}

/* One line of progress while following a transfer. */
static void
progress_line(const struct od_transfer *t, bool tty)
{
	char bytes[OD_SIZE_BUFSZ], rate[OD_SIZE_BUFSZ];
	double r = od_transfer_rate(t);

	od_size_human(t->bytes_replicated, bytes);
	od_size_human(r > 0 ? (int64_t)r : 0, rate);
	fprintf(stderr, _("%s%s: %lld/%lld files, %s, %s/s%s"), tty ? "\r\033[K" : "onetui: ", t->status,
		(long long)t->files_processed, (long long)t->files_to_process, bytes, rate, tty ? "" : "\n");
	fflush(stderr);
}

/* Poll the transfer until it ends; its exit status. */
static int
follow(struct session *s, struct od_space *sp, const char *tid, bool json)
{
	bool tty = isatty(STDERR_FILENO) && !json;
	struct wait w;
	int rc;

	for (;;) {
		rc = get_transfer(s, sp, tid, &w);
		if (rc != EXIT_OK) {
			if (tty)
				fputc('\n', stderr);
			if (w.err)
				rc = out_fail(w.err, _("Cannot follow transfer %s"), tid), w.err = NULL;
			wait_done(&w);
			return rc;
		}
		if (json) {
			cJSON *ev = cJSON_Duplicate(w.transfer, true);
			char *text;
			if (!ev || !cJSON_AddStringToObject(ev, "transferId", tid))
				xoom();
			text = out_json_text(ev);
			printf("%s\n", text);
			fflush(stdout);
			free(text);
			cJSON_Delete(ev);
		} else {
			progress_line(&w.t, tty);
		}
		if (od_transfer_ended(w.t.status)) {
			rc = strcmp(w.t.status, "completed") == 0 && w.t.files_failed <= 0 ? EXIT_OK : EXIT_FAILED;
			if (tty)
				fputc('\n', stderr);
			if (!json)
				print_transfer(sp, tid, &w.t, false);
			wait_done(&w);
			return rc;
		}
		wait_done(&w);
		for (int i = 0; i < 10 && !session_interrupted(); i++)
			usleep(100000);
		if (session_interrupted()) {
			if (tty)
				fputc('\n', stderr);
			fprintf(stderr, _("onetui: stopped following; the transfer goes on: onetui transfers show %s\n"), tid);
			return EXIT_INTERRUPTED;
		}
	}
}

/* --- the verbs -------------------------------------------------------------------- */

static int
create(struct session *s, const struct replica_opts *o, enum od_transfer_type type, const char *target)
{
	struct target_stat st;
	struct od_space *sp;
	const char *to = NULL, *from = NULL;
	struct answer w = { 0 };
	int rc = session_stat_target(s, target, &sp, &st);

	if (rc != EXIT_OK)
		return rc;
	if (type != OD_TRANSFER_EVICTION && !(to = o->to ? provider_id(sp, o->to) : NULL)) {
		out_error(o->to ? _("%s supports no such provider: %s") : _("%s: name the provider to replicate to "
									       "with --to"),
			  sp->name, o->to ? o->to : "");
		target_stat_done(&st);
		return EXIT_USAGE;
	}
	if (type != OD_TRANSFER_REPLICATION && !(from = o->from ? provider_id(sp, o->from) : NULL)) {
		out_error(o->from ? _("%s supports no such provider: %s") : _("%s: name the provider to evict from "
									       "with --from"),
			  sp->name, o->from ? o->from : "");
		target_stat_done(&st);
		return EXIT_USAGE;
	}
	rc = session_answer(s, od_transfer_create(s->zone, sp, type, st.file_id, to, from, answer_id, &w), &w,
			    _("Cannot start the transfer"));
	target_stat_done(&st);
	if (rc == EXIT_OK && !(o->json && o->wait))
		out_id("transferId", w.id, o->json);
	if (rc == EXIT_OK && o->wait)
		rc = follow(s, sp, w.id, o->json);
	free(w.id);
	return rc;
}

struct listing {
	char **ids;
	size_t n;
	struct od_error *err;
};

static void
on_listed(struct od_error *err, void *ud)
{
	((struct listing *)ud)->err = err;
}

static bool
on_ids(const char *const *ids, size_t n, void *ud)
{
	struct listing *l = ud;

	l->ids = xrealloc(l->ids, (l->n + n + 1) * sizeof(*l->ids));
	for (size_t i = 0; i < n; i++)
		l->ids[l->n++] = xstrdup(ids[i]);
	return true;
}

static int
list(struct session *s, const struct replica_opts *o, const char *space)
{
	static const char *const states[] = { "waiting", "ongoing", "ended" };
	static const char *const titles[] = { N_("TRANSFER"), N_("TYPE"), N_("STATUS"), N_("FILES"), N_("BYTES"),
					      N_("FILE") };
	static const bool right[] = { false, false, false, true, true, false };
	const char *tt[OD_ARRAY_SIZE(titles)];
	struct od_space *sp;
	struct od_error *err = NULL;
	struct table *t = NULL;
	bool first = true;
	int rc = session_load_spaces(s);

	if (rc != EXIT_OK)
		return rc;
	if ((err = od_zone_find_space(s->zone, space, &sp)))
		return out_fail(err, NULL);
	if (o->json)
		printf("[");
	else {
		for (size_t i = 0; i < OD_ARRAY_SIZE(titles); i++)
			tt[i] = _(titles[i]);
		t = table_new(OD_ARRAY_SIZE(titles), tt, right);
	}
	for (size_t k = 0; k < OD_ARRAY_SIZE(states) && rc == EXIT_OK; k++) {
		struct listing l = { 0 };
		if (o->state && strcmp(o->state, states[k]) != 0)
			continue;
		if (!od_transfer_list(s->zone, sp, states[k], on_ids, on_listed, &l))
			xoom();
		session_run(s);
		if (l.err)
			rc = out_fail(l.err, _("Cannot list the transfers of %s"), sp->name);
		for (size_t i = 0; i < l.n && rc == EXIT_OK; i++) {
			struct wait w;
			if (get_transfer(s, sp, l.ids[i], &w) != EXIT_OK) {
				rc = w.err ? out_fail(w.err, _("Cannot read transfer %s"), l.ids[i]) : EXIT_INTERRUPTED;
				w.err = NULL;
			} else if (o->json) {
				cJSON *copy = cJSON_Duplicate(w.transfer, true);
				char *text;
				if (!copy || !cJSON_AddStringToObject(copy, "transferId", l.ids[i]))
					xoom();
				text = out_json_text(copy);
				printf("%s%s", first ? "" : ",", text);
				first = false;
				free(text);
				cJSON_Delete(copy);
			} else {
				char files[48], bytes[OD_SIZE_BUFSZ];
				const char *cells[6] = { l.ids[i], w.t.type, w.t.status, files, bytes,
							 w.t.file_path ? w.t.file_path : "-" };
				snprintf(files, sizeof(files), "%lld/%lld", (long long)w.t.files_processed,
					 (long long)w.t.files_to_process);
				od_size_human(w.t.bytes_replicated, bytes);
				table_add(t, cells);
			}
			wait_done(&w);
		}
		for (size_t i = 0; i < l.n; i++)
			free(l.ids[i]);
		free(l.ids);
	}
	if (o->json)
		printf("]\n");
	else {
		table_print(t, stdout);
		table_free(t);
	}
	return rc;
}

int
replica_transfers(struct global_opts *g, const struct replica_opts *o, const char *verb, int argc, char **argv)
{
	struct session s;
	struct od_space *sp;
	struct wait w = { 0 };
	int rc = session_open(&s, g);

	if (rc != EXIT_OK) {
		session_close(&s);
		return rc;
	}
	if (strcmp(verb, "replicate") == 0 || strcmp(verb, "evict") == 0 || strcmp(verb, "migrate") == 0) {
		enum od_transfer_type type = verb[0] == 'r' ? OD_TRANSFER_REPLICATION
					     : verb[0] == 'e' ? OD_TRANSFER_EVICTION : OD_TRANSFER_MIGRATION;
		rc = session_load_spaces(&s);
		for (int i = 0; rc == EXIT_OK && i < argc; i++)
			rc = create(&s, o, type, argv[i]);
	} else if (strcmp(verb, "list") == 0) {
		rc = list(&s, o, argv[0]);
	} else if ((rc = find_transfer(&s, argv[0], &sp, &w)) != EXIT_OK) {
		/* said */
	} else if (strcmp(verb, "show") == 0) {
		print_transfer(sp, argv[0], &w.t, o->json);
		if (o->wait)
			rc = follow(&s, sp, argv[0], o->json);
	} else if (strcmp(verb, "cancel") == 0) {
		struct answer c = { 0 };
		rc = session_answer(&s, od_transfer_cancel(s.zone, sp, argv[0], answer_done, &c), &c,
				    _("Cannot cancel transfer %s"), argv[0]);
	} else {	/* rerun */
		struct answer c = { 0 };
		rc = session_answer(&s, od_transfer_rerun(s.zone, sp, argv[0], answer_id, &c), &c,
				    _("Cannot run transfer %s again"), argv[0]);
		if (rc == EXIT_OK)
			out_id("transferId", c.id, o->json);
		if (rc == EXIT_OK && o->wait)
			rc = follow(&s, sp, c.id, o->json);
		free(c.id);
	}
	wait_done(&w);
	session_close(&s);
	return rc;
}

/* --- qos -------------------------------------------------------------------------- */

struct eval_wait {
	struct od_error *err;
	size_t n;
	char *names;	/* "Facility Storage (id), ..." */
};

static void
on_matches(const struct od_qos_match *m, size_t n, struct od_error *err, void *ud)
{
	struct eval_wait *w = ud;
	struct od_buf b;

	w->err = err;
	w->n = n;
	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (size_t i = 0; i < n; i++)
		if (od_buf_addf(&b, "%s%s", i ? ", " : "", m[i].name ? m[i].name : m[i].id) != 0)
			xoom();
	w->names = od_buf_steal(&b);
}

struct qos_wait {
	struct od_error *err;
	struct od_qos_summary sum;
	char *status;
	char **ids, **statuses;
	size_t n;
	char *expression;
	int64_t replicas;
	char *req_status, *file_id;
};

static void
on_summary(const struct od_qos_summary *q, struct od_error *err, void *ud)
{
	struct qos_wait *w = ud;

	w->err = err;
	if (err)
		return;
	w->status = xstrdup(q->status);
	w->n = q->n;
	w->ids = xcalloc(q->n + 1, sizeof(char *));
	w->statuses = xcalloc(q->n + 1, sizeof(char *));
	for (size_t i = 0; i < q->n; i++) {
		w->ids[i] = xstrdup(q->ids[i]);
		w->statuses[i] = xstrdup(q->statuses[i]);
	}
}

static void
on_requirement(const struct od_qos_requirement *q, struct od_error *err, void *ud)
{
	struct qos_wait *w = ud;

	w->err = err;
	if (err)
		return;
	w->expression = xstrdup(q->expression);
	w->replicas = q->replicas;
	w->req_status = xstrdup(q->status);
	w->file_id = xstrdup(q->file_id);
}

static void
qos_wait_done(struct qos_wait *w)
{
	od_error_free(w->err);
	for (size_t i = 0; i < w->n; i++) {
		free(w->ids[i]);
		free(w->statuses[i]);
	}
	free(w->ids);
	free(w->statuses);
	free(w->status);
	free(w->expression);
	free(w->req_status);
	free(w->file_id);
	memset(w, 0, sizeof(*w));
}

static int
qos_add(struct session *s, const struct replica_opts *o, const char *target, const char *expression)
{
	struct target_stat st;
	struct od_space *sp;
	struct eval_wait e = { 0 };
	struct answer w = { 0 };
	int rc = session_stat_target(s, target, &sp, &st);

	if (rc != EXIT_OK)
		return rc;
	/* Ask first what the expression selects: a typo is said before
	 * anything is created. */
	if (!od_qos_evaluate(s->zone, sp, expression, on_matches, &e))
		xoom();
	session_run(s);
	if (e.err) {
		rc = out_fail(e.err, _("The expression \"%s\" is not accepted"), expression);
		free(e.names);
		target_stat_done(&st);
		return rc;
	}
	if (!o->json)
		fprintf(stderr, P_("onetui: \"%s\" selects %zu storage%s%s\n", "onetui: \"%s\" selects %zu storages%s%s\n",
				   e.n),
			expression, e.n, e.n ? ": " : "", e.names);
	if ((int64_t)e.n < o->replicas)
		out_warn(_("fewer storages match than the %d replicas asked for: the requirement will be impossible"),
			 o->replicas);
	free(e.names);
	rc = session_answer(s, od_qos_add(s->zone, sp, st.file_id, expression, o->replicas, answer_id, &w), &w,
			    _("Cannot add the QoS requirement"));
	target_stat_done(&st);
	if (rc == EXIT_OK)
		out_id("qosRequirementId", w.id, o->json);
	free(w.id);
	return rc;
}

static int
qos_show(struct session *s, const struct replica_opts *o, const char *target)
{
	struct target_stat st;
	struct od_space *sp;
	struct qos_wait q = { 0 };
	char *file_id;
	int rc = session_stat_target(s, target, &sp, &st);

	if (rc != EXIT_OK)
		return rc;
	file_id = xstrdup(st.file_id);
	target_stat_done(&st);
	if (!od_file_qos_summary(s->zone, sp, file_id, on_summary, &q))
		xoom();
	session_run(s);
	if (q.err) {
		rc = out_fail(q.err, _("Cannot read the QoS of %s"), target);
		q.err = NULL;
		qos_wait_done(&q);
		free(file_id);
		return rc;
	}
	if (o->json)
		printf("{\"status\":\"%s\",\"requirements\":[", q.status);
	else
		printf(_("QoS of %s: %s\n"), target, q.status);
	for (size_t i = 0; i < q.n; i++) {
		struct qos_wait r = { 0 };
		if (!od_qos_get(s->zone, sp, q.ids[i], on_requirement, &r))
			xoom();
		session_run(s);
		if (r.err) {
			rc = out_fail(r.err, _("Cannot read the QoS requirement %s"), q.ids[i]);
			r.err = NULL;
		} else if (o->json) {
			struct jw *j = jw_new(stdout);
			if (i)
				fputc(',', stdout);
			jw_begin_object(j);
			jw_kv_string(j, "qosRequirementId", q.ids[i]);
			jw_kv_string(j, "status", q.statuses[i]);
			jw_kv_string(j, "expression", r.expression);
			jw_kv_int(j, "replicasNum", r.replicas);
			jw_kv_string(j, "fileId", r.file_id);
			jw_kv_bool(j, "inherited", strcmp(r.file_id, file_id) != 0);
			jw_end_object(j);
			jw_free(j);
		} else {
			char *expr = out_safe(r.expression);
			printf("  %s  %-10s  %s  x%lld\n", q.ids[i], q.statuses[i], expr, (long long)r.replicas);
			free(expr);
		}
		qos_wait_done(&r);
	}
	if (o->json)
		printf("]}\n");
	qos_wait_done(&q);
	free(file_id);
	return rc;
}

static int
qos_rm(struct session *s, const char *target, const char *qid)
{
	struct target_stat st;
	struct od_space *sp;
	struct answer w = { 0 };
	int rc = session_stat_target(s, target, &sp, &st);

	if (rc != EXIT_OK)
		return rc;
	target_stat_done(&st);
	return session_answer(s, od_qos_remove(s->zone, sp, qid, answer_done, &w), &w,
			      _("Cannot remove the QoS requirement %s"), qid);
}

static int
qos_exec(struct global_opts *g, int argc, char **argv)
{
	struct replica_opts o = { .replicas = 1 };
	struct session s;
	const char *verb;
	int c, rc, n;

	while ((c = cmd_getopt(&cmd_qos_entry, g, argc, argv)) != CMD_OPT_END) {
		long v;
		switch (c) {
		case CMD_OPT_EXIT:
			return cmd_exit_status;
		case CMD_OPT_JSON:
			o.json = true;
			break;
		case 'n':
			if (!od_parse_long(optarg, 1, 100, &v))
				return cmd_usage_error(&cmd_qos_entry, _("--replicas wants a number from 1 to 100"));
			o.replicas = (int)v;
			break;
		}
	}
	verb = optind < argc ? argv[optind++] : "";
	n = argc - optind;
	if (!((strcmp(verb, "add") == 0 && n == 2) || (strcmp(verb, "show") == 0 && n == 1) ||
	      (strcmp(verb, "rm") == 0 && n == 2)))
		return cmd_usage_error(&cmd_qos_entry, *verb ? _("wrong arguments for qos %s") : _("qos needs a verb%s"),
				       verb);
	rc = session_open(&s, g);
	if (rc == EXIT_OK)
		rc = session_load_spaces(&s);
	if (rc == EXIT_OK) {
		if (verb[0] == 'a')
			rc = qos_add(&s, &o, argv[optind], argv[optind + 1]);
		else if (verb[0] == 's')
			rc = qos_show(&s, &o, argv[optind]);
		else
			rc = qos_rm(&s, argv[optind], argv[optind + 1]);
	}
	session_close(&s);
	return rc;
}

static const struct option qos_options[] = {
	CMD_JSON_OPTION,
	{ "replicas", required_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_qos_entry = {
	.name = "qos",
	.usage = N_("add [--replicas N] SPACE/PATH EXPRESSION | show SPACE/PATH | rm SPACE/PATH QOSID  [--json]"),
	.summary = N_("keep replicas where a QoS expression says: add, show and remove requirements"),
	.shortopts = "n:",
	.longopts = qos_options,
	.exec = qos_exec,
};
