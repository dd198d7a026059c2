/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-transfers.c: "transfers", the jobs onetui has journaled: list them
 * with how far they got, pause those running (in this or any onetui
 * process: the interface's too), go on with those paused or stopped,
 * cancel those no longer wanted. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
	OPT_ALL,
	OPT_YES,
};

/* How long the process running a job is given to act on a request. */
#define CONTROL_WAIT_MS 10000

/* Whether every id names a job this machine journaled (and there is one). */
static bool
all_local(const char *dir, char **ids, int n)
{
	bool there = n > 0;

	for (int i = 0; i < n && there; i++) {
		char *path = od_journal_path(dir, ids[i]);
		there = path && access(path, F_OK) == 0;
		free(path);
	}
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

/* The state for scripts; job_state words it for people. */
static const char *
job_state_id(const struct od_job_info *ji)
{
	if (ji->state)
		return ji->state;
	if (ji->paused)
		return "paused";
	return ji->running ? "running" : "stopped";
}

static const char *
job_state(const struct od_job_info *ji)
{
	const char *id = job_state_id(ji);

	if (strcmp(id, "finished") == 0)
		return _("finished");
	if (strcmp(id, "cancelled") == 0)
		return _("cancelled");
	if (strcmp(id, "paused") == 0)
		return _("paused");
	return strcmp(id, "running") == 0 ? _("running") : _("stopped");
}

/* "45% 1.2 GiB/2.7 GiB 85 MiB/s" for a job some process runs. */
static char *
progress_text(const struct od_job_progress *p)
{
	char done[OD_SIZE_BUFSZ], total[OD_SIZE_BUFSZ], rate[OD_SIZE_BUFSZ];
	int pct = p->t.bytes ? (int)((double)p->t.bytes_done * 100.0 / (double)p->t.bytes) : 0;

	od_size_human((int64_t)p->t.bytes_done, done);
	od_size_human((int64_t)p->t.bytes, total);
	od_size_human((int64_t)p->rate, rate);
	return xasprintf(_("%d%% %s/%s%s %s/s"), pct, done, total, p->t.listing ? "+" : "", rate);
}

static int
transfers_list(const char *dir, bool json)
{
	static const char *const titles[] = { N_("JOB"), N_("STATE"), N_("FILES"), N_("FAILED"), N_("PROGRESS"),
					      N_("WHAT") };
	static const bool right[] = { false, false, true, true, false, false };
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
			char *what = od_job_describe(&ji);
			struct od_job_progress p;
			bool live = ji.running && od_job_progress_read(ji.path, &p);
			if (!what)
				xoom();
			if (w) {
				jw_begin_object(w);
				jw_kv_string(w, "job", ji.id);
				jw_kv_string(w, "kind", ji.kind);
				jw_kv_string(w, "state", job_state_id(&ji));
				jw_kv_int(w, "filesDone", (int64_t)ji.done);
				jw_kv_int(w, "filesFailed", (int64_t)ji.failed);
				jw_kv_string(w, "zone", ji.zone);
				jw_kv_string(w, "what", what);
				if (live) {
					jw_key(w, "progress");
					jw_begin_object(w);
					jw_kv_int(w, "files", (int64_t)p.t.files);
					jw_kv_int(w, "filesDone", (int64_t)(p.t.files_done + p.t.files_kept));
					jw_kv_int(w, "filesFailed", (int64_t)p.t.files_failed);
					jw_kv_int(w, "bytes", (int64_t)p.t.bytes);
					jw_kv_int(w, "bytesDone", (int64_t)p.t.bytes_done);
					jw_kv_int(w, "bytesPerSecond", (int64_t)p.rate);
					jw_kv_bool(w, "listing", p.t.listing);
					jw_kv_int(w, "pid", p.pid);
					jw_kv_int(w, "time", p.time);
					jw_end_object(w);
				}
				jw_end_object(w);
			} else {
				char done[24], failed[24], *progress = live ? progress_text(&p) : xstrdup("");
				const char *cells[6];
				snprintf(done, sizeof(done), "%llu", (unsigned long long)ji.done);
				snprintf(failed, sizeof(failed), "%llu", (unsigned long long)ji.failed);
				cells[0] = ji.id;
				cells[1] = job_state(&ji);
				cells[2] = done;
				cells[3] = failed;
				cells[4] = progress;
				cells[5] = what;
				table_add(t, cells);
				free(progress);
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

/* What pause, resume and cancel said of each job, for --json. */
static void
report(struct jw *w, const char *id, const char *state)
{
	if (w) {
		jw_begin_object(w);
		jw_kv_string(w, "job", id);
		jw_kv_string(w, "state", state);
		jw_end_object(w);
	}
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Ask the process running ji to pause, go on or cancel it, and wait
 * until it has: the request taken, and for a cancel the job let go. */
static int
ask_runner(const struct od_job_info *ji, enum od_job_control c, struct jw *w)
{
	static const char *const words[] = { "", "paused", "running", "cancelled" };
	struct od_job_progress p;
	long long pid = od_job_progress_read(ji->path, &p) ? p.pid : 0;
	struct od_error *err = od_job_control_send(ji->path, c);
	long waited = 0;

	if (err)
		return out_fail(err, _("Cannot reach job %s"), ji->id);
	for (;;) {
		bool asked = od_job_control_waiting(ji->path), held = od_job_running(ji->path);
		if (asked && !held && od_job_control_take(ji->path) != OD_JOB_NONE) {
			/* It ended meanwhile: nobody is left to ask. */
			out_error(_("job %s is no longer running"), ji->id);
			return EXIT_FAILED;
		}
		if (!asked && (c != OD_JOB_CANCEL || !held))
			break;
		if (waited >= CONTROL_WAIT_MS) {
			out_error(_("job %s: the onetui process running it (pid %lld) has not answered in %d s; "
				    "it will act when it can"),
				  ji->id, pid, CONTROL_WAIT_MS / 1000);
			return EXIT_FAILED;
		}
		sleep_ms(100);
		waited += 100;
	}
	if (w)
		report(w, ji->id, words[c]);
	else if (c == OD_JOB_PAUSE)
		printf(_("%s: paused (pid %lld keeps it; 'onetui transfers resume %s' goes on)\n"), ji->id, pid, ji->id);
	else if (c == OD_JOB_RESUME)
		printf(_("%s: going on in pid %lld\n"), ji->id, pid);
	else
		printf(_("%s: cancelled\n"), ji->id);
	return EXIT_OK;
}

/* One job of pause, resume or cancel; named: the user named it, rather
 * than --all (or a resume of everything) taking it in. */
typedef int job_verb_fn(const struct od_job_info *ji, bool named, void *ud);

struct verb_ctx {
	struct global_opts *g;
	enum progress_mode mode;
	struct jw *w;
	struct session s;
	bool open;
	int session_rc;
	size_t acted;
};

/* Call fn for each named job, or for every job when none is named. */
static int
each_job(const char *dir, char **ids, int n, job_verb_fn *fn, struct verb_ctx *c)
{
	size_t n_all = 0;
	char **all = n ? NULL : od_job_list(dir, &n_all);
	int rc = EXIT_OK;

	for (size_t i = 0; i < (n ? (size_t)n : n_all) && !session_interrupted(); i++) {
		struct od_job_info ji;
		int r = load_job(dir, n ? ids[i] : all[i], &ji) ? fn(&ji, n > 0, c) : EXIT_FAILED;
		if (rc == EXIT_OK)
			rc = r;
		od_job_info_done(&ji);
	}
	for (size_t i = 0; i < n_all; i++)
		free(all[i]);
	free(all);
	return rc;
}

/* A job the verb does not apply to: said when it was named, passed
 * over quietly when --all took it in. */
static int
pass_over(const struct od_job_info *ji, bool named)
{
	if (!named)
		return EXIT_OK;
	out_error(ji->state || ji->running ? _("job %s is %s") : _("job %s is %s: nothing runs it now"), ji->id,
		  job_state(ji));
	return EXIT_FAILED;
}

static int
pause_one(const struct od_job_info *ji, bool named, void *ud)
{
	struct verb_ctx *c = ud;

	if (ji->state || !ji->running)
		return pass_over(ji, named);
	c->acted++;
	if (ji->paused) {
		report(c->w, ji->id, "paused");
		if (!c->w)
			printf(_("%s: paused already\n"), ji->id);
		return EXIT_OK;
	}
	return ask_runner(ji, OD_JOB_PAUSE, c->w);
}

static int
resume_one(const struct od_job_info *ji, bool named, void *ud)
{
	struct verb_ctx *c = ud;

	if (ji->state || (ji->running && !ji->paused))
		return pass_over(ji, named);
	/* Paused in a process that still holds it: that process goes on. */
	if (ji->running || ji->opts.public_only)
		c->acted++;
	if (ji->running)
		return ask_runner(ji, OD_JOB_RESUME, c->w);
	if (ji->opts.public_only)
		return resume_public(c->g, ji, c->mode);
	if (!c->open) {
		c->open = true;
		c->session_rc = session_open(&c->s, c->g);
		if (c->session_rc == EXIT_OK)
			c->session_rc = session_load_spaces(&c->s);
		if (c->session_rc != EXIT_OK)
			return c->session_rc;
	}
	if (c->session_rc != EXIT_OK)
		return EXIT_OK;	/* said once; the other jobs needed the same session */
	/* Another zone's job is left for a session on that zone. */
	if (!named && strcmp(ji->zone, od_zone_origin(c->s.zone)) != 0)
		return EXIT_OK;
	c->acted++;
	return job_run(&c->s, ji->path, c->mode);
}

/* A running job is cancelled by its process; another is marked
 * cancelled here, and the .part files it left are removed. */
static int
cancel_one(const struct od_job_info *ji, bool named, void *ud)
{
	struct verb_ctx *c = ud;
	struct od_error *err;

	if (ji->state)
		return pass_over(ji, named);
	c->acted++;
	if (ji->running)
		return ask_runner(ji, OD_JOB_CANCEL, c->w);
	if ((err = od_job_cancel_stopped(ji, out_warn_unremoved, NULL)))
		return out_fail(err, _("Cannot cancel job %s"), ji->id);
	report(c->w, ji->id, "cancelled");
	if (!c->w)
		printf(_("%s: cancelled\n"), ji->id);
	return EXIT_OK;
}

/* pause, resume (retry) or cancel: named jobs, or all of them. */
static int
transfers_control(struct global_opts *g, const char *dir, const char *verb, char **ids, int n, bool json,
		  enum progress_mode mode)
{
	struct verb_ctx c = { .g = g, .mode = mode };
	bool resume = strcmp(verb, "resume") == 0 || strcmp(verb, "retry") == 0;
	int rc;

	/* A resume runs jobs here and prints their progress: no list. */
	if (json && !resume) {
		c.w = jw_new(stdout);
		jw_begin_array(c.w);
	}
	rc = each_job(dir, ids, n, resume ? resume_one : strcmp(verb, "pause") == 0 ? pause_one : cancel_one, &c);
	if (c.w) {
		jw_end_array(c.w);
		jw_free(c.w);
	}
	if (c.open)
		session_close(&c.s);
	if (rc == EXIT_OK && !n && !c.acted)
		fprintf(stderr, resume ? _("onetui: no paused or stopped transfer to go on with\n")
			: strcmp(verb, "pause") == 0 ? _("onetui: no running transfer to pause\n")
						     : _("onetui: no transfer to cancel\n"));
	return rc;
}

static int
transfers_exec(struct global_opts *g, int argc, char **argv)
{
	enum progress_mode mode = PROGRESS_AUTO;
	struct replica_opts o = { 0 };
	const char *verb;
	struct od_error *err;
	bool all = false, yes = false;
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
		case OPT_ALL:
			all = true;
			break;
		case OPT_YES:
			yes = true;
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
	if (all && n)
		rc = cmd_usage_error(&cmd_transfers_entry, _("name jobs or give --all, not both"));
	else if (all && strcmp(verb, "pause") != 0 && strcmp(verb, "resume") != 0 && strcmp(verb, "retry") != 0 &&
		 strcmp(verb, "cancel") != 0)
		rc = cmd_usage_error(&cmd_transfers_entry, _("--all goes with pause, resume, retry or cancel"));
	else if (strcmp(verb, "list") == 0 && n == 0)
		rc = transfers_list(dir, o.json);
	else if (strcmp(verb, "pause") == 0 && !n && !all)
		rc = cmd_usage_error(&cmd_transfers_entry, _("pause which jobs? Name them or give --all"));
	else if (strcmp(verb, "cancel") == 0 && all && !yes)
		rc = cmd_usage_error(&cmd_transfers_entry,
				     _("cancel --all ends every unfinished job and deletes its partial files: "
				       "add --yes to confirm"));
	else if (strcmp(verb, "pause") == 0 || strcmp(verb, "resume") == 0 || strcmp(verb, "retry") == 0 ||
		 (strcmp(verb, "cancel") == 0 && (all || all_local(dir, argv + optind, n))))
		rc = transfers_control(g, dir, verb, argv + optind, n, o.json, mode);
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
	{ "all", no_argument, NULL, OPT_ALL },
	{ "yes", no_argument, NULL, OPT_YES },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_transfers_entry = {
	.name = "transfers",
	.usage = N_("[list [--json] | pause JOB...|--all | resume|retry [JOB...|--all] | cancel JOB...|--all --yes] | "
		    "list [--state S] SPACE | "
		    "replicate --to P | evict --from P | migrate --from P --to P SPACE/PATH... [--wait] | "
		    "show|cancel|rerun TRANSFERID [--wait]"),
	.summary = N_("this machine's transfer jobs; Onedata's replication, eviction and migration"),
	.shortopts = "",
	.longopts = transfers_options,
	.exec = transfers_exec,
};
