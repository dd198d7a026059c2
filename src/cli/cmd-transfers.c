/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-transfers.c: "transfers", the jobs onetui has journaled: list them,
 * resume those that stopped, cancel those no longer wanted. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/jobrun.h"
#include "cli/output.h"
#include "cli/replica.h"
#include "onetui/download.h"
#include "onetui/i18n.h"
#include "onetui/journal.h"
#include "onetui/str.h"
#include "xmalloc.h"

enum {
	OPT_PROGRESS = 0x300,
	OPT_TO,
	OPT_FROM,
	OPT_STATE,
	OPT_WAIT,
};

/* Whether id names a job this machine journaled. */
static bool
local_job(const char *dir, const char *id)
{
	char *path = od_journal_path(dir, id);
	bool there = path && access(path, F_OK) == 0;

	free(path);
	return there;
}

/* Read a job's journal; false (said) when it cannot be. */
static bool
load_job(const char *dir, const char *id, struct od_job_info *ji)
{
	struct od_error *err = od_job_load(dir, id, ji);

	if (err) {
		out_fail(err, NULL);
		return false;
	}
	return true;
}

static const char *
job_state(const struct od_job_info *ji)
{
	if (ji->state)
		return strcmp(ji->state, "finished") == 0 ? _("finished") : _("cancelled");
	return ji->running ? _("running") : _("stopped");
}

static const char *
header_str(const cJSON *h, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(h, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* "Krios/Images-Disc1 (+2) -> /scratch/run1", or the other way round
 * for an upload. */
static char *
job_what(const cJSON *h)
{
	const cJSON *sources = cJSON_GetObjectItemCaseSensitive(h, "sources");
	const cJSON *first = cJSON_GetArrayItem(sources, 0);
	int n = cJSON_GetArraySize(sources);
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(h, "options");
	bool up = strcmp(header_str(h, "kind"), "upload") == 0;
	const char *from = first ? header_str(first, up ? "local" : "remote") : "";
	const char *to = up ? header_str(opts, "dest") : first ? header_str(first, "local") : "";
	char more[24] = "";

	if (n > 1) {
		snprintf(more, sizeof(more), " (+%d)", n - 1);
		if (!up)
			to = header_str(opts, "dest");
	}
	return xasprintf("%s%s -> %s", from, more, to);
}

static int
transfers_list(const char *dir, bool json)
{
	static const char *const titles[] = { N_("JOB"), N_("STATE"), N_("FILES"), N_("FAILED"), N_("WHAT") };
	static const bool right[] = { false, false, true, true, false };
	const char *tt[OD_ARRAY_SIZE(titles)];
	size_t n;
	char **ids = od_job_list(dir, &n);
	struct table *t = NULL;
	struct jw *w = NULL;

	if (json) {
		w = jw_new(stdout);
		jw_begin_array(w);
	} else {
		for (size_t i = 0; i < OD_ARRAY_SIZE(titles); i++)
			tt[i] = _(titles[i]);
		t = table_new(OD_ARRAY_SIZE(titles), tt, right);
	}
	for (size_t i = 0; i < n; i++) {
		struct od_job_info ji;
		if (load_job(dir, ids[i], &ji)) {
			char *what = job_what(ji.header);
			if (w) {
				jw_begin_object(w);
				jw_kv_string(w, "job", ji.id);
				jw_kv_string(w, "kind", header_str(ji.header, "kind"));
				jw_kv_string(w, "state", ji.state ? ji.state : ji.running ? "running" : "stopped");
				jw_kv_int(w, "filesDone", (int64_t)ji.done);
				jw_kv_int(w, "filesFailed", (int64_t)ji.failed);
				jw_kv_string(w, "zone", header_str(ji.header, "zone"));
				jw_kv_string(w, "what", what);
				jw_end_object(w);
			} else {
				char done[24], failed[24];
				const char *cells[5];
				snprintf(done, sizeof(done), "%llu", (unsigned long long)ji.done);
				snprintf(failed, sizeof(failed), "%llu", (unsigned long long)ji.failed);
				cells[0] = ji.id;
				cells[1] = job_state(&ji);
				cells[2] = done;
				cells[3] = failed;
				cells[4] = what;
				table_add(t, cells);
			}
			free(what);
		}
		od_job_info_done(&ji);
		free(ids[i]);
	}
	free(ids);
	if (w) {
		jw_end_array(w);
		jw_free(w);
	} else {
		table_print(t, stdout);
		table_free(t);
	}
	return EXIT_OK;
}

/* Run a public job in a session of its own, on its zone, without a token. */
static int
resume_public(struct global_opts *g, const struct od_job_info *ji, enum progress_mode mode)
{
	struct global_opts pg = *g;
	struct session s;
	int rc;

	pg.ov.zone = ji->zone;
	pg.ov.public_only = true;
	rc = session_open(&s, &pg);
	if (rc == EXIT_OK)
		rc = job_run(&s, ji->path, mode);
	session_close(&s);
	return rc;
}

/* Resume the named jobs, or every stopped one. */
static int
transfers_resume(struct global_opts *g, const char *dir, char **ids, int n, enum progress_mode mode)
{
	size_t n_all = 0;
	char **all = n ? NULL : od_job_list(dir, &n_all);
	struct session s;
	bool open = false;
	int rc = EXIT_OK, session_rc = EXIT_OK, resumed = 0;

	for (size_t i = 0; i < (n ? (size_t)n : n_all) && !session_interrupted(); i++) {
		const char *id = n ? ids[i] : all[i];
		struct od_job_info ji;
		int r = EXIT_OK;
		if (!load_job(dir, id, &ji)) {
			r = EXIT_FAILED;
		} else if (ji.state || ji.running) {
			if (n) {
				out_error(_("job %s is %s"), id, job_state(&ji));
				r = EXIT_FAILED;
			}
		} else if (ji.opts.public_only) {
			r = resume_public(g, &ji, mode);
			resumed++;
		} else {
			if (!open) {
				session_rc = session_open(&s, g);
				if (session_rc == EXIT_OK)
					session_rc = session_load_spaces(&s);
				open = true;
				r = session_rc;
			}
			if (session_rc != EXIT_OK) {
				/* Said once; the other jobs needed the same session. */
			} else if (!n && strcmp(ji.zone, od_zone_origin(s.zone)) != 0) {
				/* Another zone's job: left for a session on that zone. */
			} else {
				r = job_run(&s, ji.path, mode);
				resumed++;
			}
		}
		if (rc == EXIT_OK)
			rc = r;
		od_job_info_done(&ji);
	}
	if (rc == EXIT_OK && !n && !resumed)
		fprintf(stderr, _("onetui: no stopped transfer to resume\n"));
	for (size_t i = 0; i < n_all; i++)
		free(all[i]);
	free(all);
	if (open)
		session_close(&s);
	return rc;
}

/* Mark the jobs cancelled and remove the .part files they left. */
static int
transfers_cancel(const char *dir, char **ids, int n)
{
	int rc = EXIT_OK;

	for (int i = 0; i < n; i++) {
		struct od_job_info ji;
		struct od_journal *j = NULL;
		struct od_error *err;
		cJSON *rec;
		if (!load_job(dir, ids[i], &ji)) {
			rc = EXIT_FAILED;
		} else if (ji.state) {
			out_error(_("job %s is %s"), ids[i], job_state(&ji));
			rc = EXIT_FAILED;
		} else if ((err = od_journal_open(ji.path, &j)) || (err = od_journal_lock(j))) {
			rc = out_fail(err, _("Cannot cancel job %s"), ids[i]);
		} else {
			for (size_t k = 0; k < ji.parts.cap; k++) {
				char *part;
				if (!ji.parts.slots[k])
					continue;
				if (!(part = od_download_part_path(ji.parts.slots[k])))
					xoom();
				if (unlink(part) != 0 && errno != ENOENT)
					out_warn(_("cannot remove %s: %s"), part, strerror(errno));
				free(part);
			}
			rec = cJSON_CreateObject();
			cJSON_AddStringToObject(rec, "state", "cancelled");
			if ((err = od_journal_add(j, rec)) || (err = od_journal_sync(j)))
				rc = out_fail(err, NULL);
			cJSON_Delete(rec);
		}
		od_journal_close(j);
		od_job_info_done(&ji);
	}
	return rc;
}

static int
transfers_exec(struct global_opts *g, int argc, char **argv)
{
	enum progress_mode mode = PROGRESS_AUTO;
	struct replica_opts o = { 0 };
	const char *verb;
	struct od_error *err;
	char *dir;
	int c, rc, n;

	while ((c = cmd_getopt(&cmd_transfers_entry, g, argc, argv)) != CMD_OPT_END) {
		switch (c) {
		case CMD_OPT_EXIT:
			return cmd_exit_status;
		case CMD_OPT_JSON:
			o.json = true;
			break;
		case OPT_TO:
			o.to = optarg;
			break;
		case OPT_FROM:
			o.from = optarg;
			break;
		case OPT_WAIT:
			o.wait = true;
			break;
		case OPT_STATE:
			if (strcmp(optarg, "waiting") != 0 && strcmp(optarg, "ongoing") != 0 && strcmp(optarg, "ended") != 0)
				return cmd_usage_error(&cmd_transfers_entry, _("--state is waiting, ongoing or ended"));
			o.state = optarg;
			break;
		case OPT_PROGRESS:
			if ((int)(mode = (enum progress_mode)progress_mode_parse(optarg)) < 0)
				return cmd_usage_error(&cmd_transfers_entry,
						       _("--progress is auto, lines, json or none"));
			break;
		}
	}
	verb = optind < argc ? argv[optind++] : "list";
	n = argc - optind;
	if ((err = od_journal_dir(&dir)))
		return out_fail(err, NULL);
	/* This machine's jobs, or Onedata's transfers between providers. */
	if (strcmp(verb, "list") == 0 && n == 0)
		rc = transfers_list(dir, o.json);
	else if (strcmp(verb, "resume") == 0)
		rc = transfers_resume(g, dir, argv + optind, n, mode);
	else if (strcmp(verb, "cancel") == 0 && n == 1 && local_job(dir, argv[optind]))
		rc = transfers_cancel(dir, argv + optind, n);
	else if ((strcmp(verb, "list") == 0 || strcmp(verb, "show") == 0 || strcmp(verb, "cancel") == 0 ||
		  strcmp(verb, "rerun") == 0) && n == 1)
		rc = replica_transfers(g, &o, verb, n, argv + optind);
	else if ((strcmp(verb, "replicate") == 0 || strcmp(verb, "evict") == 0 || strcmp(verb, "migrate") == 0) && n)
		rc = replica_transfers(g, &o, verb, n, argv + optind);
	else
		rc = cmd_usage_error(&cmd_transfers_entry, _("unknown use of transfers: '%s'"), verb);
	free(dir);
	return rc;
}

static const struct option transfers_options[] = {
	CMD_JSON_OPTION,
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "to", required_argument, NULL, OPT_TO },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_transfers_entry = {
	.name = "transfers",
	.usage = N_("[list [--json] | resume [JOB...] | cancel JOB] | list [--state S] SPACE | "
		    "replicate --to P | evict --from P | migrate --from P --to P SPACE/PATH... [--wait] | "
		    "show|cancel|rerun TRANSFERID [--wait]"),
	.summary = N_("this machine's transfer jobs; Onedata's replication, eviction and migration"),
	.shortopts = "",
	.longopts = transfers_options,
	.exec = transfers_exec,
};
