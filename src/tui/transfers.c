/* SPDX-License-Identifier: GPL-3.0-or-later */
/* transfers.c: the Transfers pane and the jobs it runs.
 *
 * Jobs are the journaled jobs of the command line (job.h), downloads and
 * uploads alike, run inside the interface's loop by the same runner
 * (runner.h): fetching the marked items makes one, jobs of this zone that
 * an earlier run left unfinished are taken up on start (unless the user
 * paused them), and jobs another onetui process runs are listed with
 * their progress and steered through that process. `onetui transfers`
 * sees all of them. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/job.h"
#include "onetui/journal.h"
#include "onetui/json.h"
#include "onetui/localname.h"
#include "onetui/runner.h"
#include "onetui/str.h"
#include "tui/draw.h"
#include "tui/marks.h"
#include "tui/tui.h"
#include "xmalloc.h"

/* Files of a job kept for its detail view: every failure, the latest others. */
#define RECENT_FILES 200
#define TOKEN_POLL_MS 2000
#define RATE_MS 500
/* How often jobs of other processes are looked at, and new ones looked for. */
#define ELSEWHERE_MS 1000
#define SCAN_MS 2000

enum tstate {
	T_RUNNING,
	T_PAUSED,	/* by the user: parts kept */
	T_WAITING,	/* for a valid token */
	T_STOPPED,	/* ended with failures, or could not start */
	T_DONE,
	T_CANCELLED,
	T_ELSEWHERE,	/* another onetui process runs it */
};

struct tfile {
	char *remote;
	char *what;	/* "done", or the error */
	bool failed;
};

struct tjob {
	struct od_job_info ji;
	char *what;			/* "SPACE/dir (+2) -> /scratch" */
	bool upload;
	struct od_runner *x;		/* while this interface runs it */
	enum tstate state;
	bool finished;			/* the runner said so: free it at the next tick */
	bool cancel_after;		/* the user cancelled a running job */
	bool quitting;			/* stopped because the interface ends */
	bool take_up;			/* left unfinished by an earlier run: start it */
	struct od_xfer_totals t;
	struct od_job_progress far;	/* of a job another process runs */
	double rate;
	uint64_t rate_bytes;
	long long rate_ms, token_ms;
	char *error;			/* the last one */
	struct tfile *files;
	size_t n_files;
};

static struct {
	struct app *a;
	struct tjob **jobs;
	size_t n, cursor, top;
	char *last_dest;
	char *dir;			/* where journals are */
	struct od_strset seen;		/* journals looked at and left out */
	long long elsewhere_ms, scan_ms;
} tr;

static void forget_send(void);

static void
set_error(struct tjob *j, const char *msg)
{
	free(j->error);
	j->error = msg ? xstrdup(msg) : NULL;
}

static void
keep_file(struct tjob *j, const char *remote, const char *what, bool failed)
{
	/* Past the limit, the oldest file that did not fail makes room. */
	if (j->n_files >= RECENT_FILES && !failed)
		for (size_t i = 0; i < j->n_files; i++)
			if (!j->files[i].failed) {
				free(j->files[i].remote);
				free(j->files[i].what);
				memmove(&j->files[i], &j->files[i + 1], (j->n_files - i - 1) * sizeof(*j->files));
				j->n_files--;
				break;
			}
	j->files = xrealloc(j->files, (j->n_files + 1) * sizeof(*j->files));
	j->files[j->n_files++] = (struct tfile){ xstrdup(remote ? remote : "?"), xstrdup(what), failed };
}

/* --- running a job ------------------------------------------------------------------ */

static void
on_event(const struct od_xfer_event *ev, void *ud)
{
	struct tjob *j = ud;

	switch (ev->kind) {
	case OD_XFER_FILE_DONE:
		keep_file(j, ev->remote, ev->verified ? _("done, checksum verified") : _("done"), false);
		break;
	case OD_XFER_FILE_KEPT:
		keep_file(j, ev->remote, _("already there"), false);
		break;
	case OD_XFER_FILE_FAILED:
	case OD_XFER_NAME:
		if (ev->err) {
			keep_file(j, ev->remote, ev->err->message, true);
			set_error(j, ev->err->message);
		}
		break;
	case OD_XFER_SKIPPED:
		keep_file(j, ev->remote, ev->note, false);
		break;
	case OD_XFER_LISTED:
		break;
	case OD_XFER_PAUSED:
		j->state = T_WAITING;
		j->token_ms = od_now_ms();
		set_error(j, ev->err ? ev->err->message : NULL);
		app_error(tr.a, _("A transfer is waiting for a valid token: %s"), ev->err ? ev->err->message : "");
		break;
	case OD_XFER_FINISHED:
		j->finished = true;
		if (ev->err && ev->err->kind != OD_ERR_CANCELLED)
			set_error(j, ev->err->message);
		break;
	}
	app_dirty(tr.a);
}

static void
on_source_failed(const char *remote, const struct od_error *err, void *ud)
{
	struct tjob *j = ud;

	keep_file(j, remote, err->message, true);
	set_error(j, err->message);
}

/* The job's state as its journal now says, for a job nobody runs. */
static enum tstate
journal_state(const struct od_job_info *ji)
{
	if (ji->state)
		return strcmp(ji->state, "finished") == 0 ? T_DONE : T_CANCELLED;
	return ji->paused ? T_PAUSED : T_STOPPED;
}

/* Read the job's journal again: another process may have moved it on. */
static void
reload(struct tjob *j)
{
	char *path = xstrdup(j->ji.path);
	struct od_error *err;

	od_job_info_done(&j->ji);
	if ((err = od_job_load_path(path, &j->ji))) {
		set_error(j, err->message);
		od_error_free(err);
		j->state = T_STOPPED;
	}
	free(path);
}

/* Start (or go on with) a job: its journal claimed, its records replayed. */
static void
start_job(struct tjob *j)
{
	struct od_error *err;

	set_error(j, NULL);
	reload(j);
	if (j->ji.running) {
		j->state = T_ELSEWHERE;
		return;
	}
	if (j->ji.state) {
		j->state = journal_state(&j->ji);
		return;
	}
	if ((err = od_runner_new(tr.a->s.zone, &j->ji, on_event, j, &j->x))) {
		set_error(j, err->message);
		od_error_free(err);
		j->state = T_STOPPED;
		return;
	}
	od_runner_add_sources(j->x, on_source_failed, j);
	j->state = T_RUNNING;
	j->finished = false;
	j->rate = 0;
	j->rate_bytes = 0;
	j->rate_ms = od_now_ms();
	od_runner_start(j->x);
}

static void
record_state(struct tjob *j, const char *state)
{
	struct od_error *err = od_job_record_state(od_runner_journal(j->x), state, &j->t);

	if (err) {
		set_error(j, err->message);
		od_error_free(err);
	}
}

/* The runner has ended: settle the job's state and let it go. */
static void
settle(struct tjob *j)
{
	od_runner_totals(j->x, &j->t);
	j->t.paused = false;
	if (j->cancel_after) {
		struct od_error *err = od_runner_cancelled(j->x, &j->t, NULL, NULL);
		if (err) {
			set_error(j, err->message);
			od_error_free(err);
		}
		j->state = T_CANCELLED;
	} else if (j->quitting) {
		j->state = T_PAUSED;
	} else if (!j->error && !j->t.files_failed) {
		record_state(j, "finished");
		j->state = T_DONE;
	} else {
		j->state = T_STOPPED;
	}
	od_runner_free(j->x);
	j->x = NULL;
	j->cancel_after = j->quitting = j->finished = false;
}

/* --- acting on a job ---------------------------------------------------------------- */

static void
pause_job(struct tjob *j)
{
	if (j->x && (j->state == T_RUNNING || j->state == T_WAITING) && !j->cancel_after) {
		od_runner_pause(j->x);
		j->state = T_PAUSED;
	}
}

static void
go_on(struct tjob *j)
{
	if (j->x && j->state == T_PAUSED) {
		od_runner_resume(j->x);
		j->state = T_RUNNING;
		j->rate_ms = od_now_ms();
	} else if (!j->x && (j->state == T_PAUSED || j->state == T_STOPPED)) {
		start_job(j);
	}
}

/* Ask the process that runs j to act; said when it cannot be asked. */
static void
ask_elsewhere(struct app *a, struct tjob *j, enum od_job_control c)
{
	struct od_error *err = od_job_control_send(j->ji.path, c);

	if (err) {
		app_error(a, _("Cannot reach the process running it: %s"), err->message);
		od_error_free(err);
	}
}

static void
cancel_job(struct app *a, struct tjob *j)
{
	struct od_error *err;

	if (j->x) {
		j->cancel_after = true;
		od_runner_cancel(j->x);
	} else if (j->state == T_ELSEWHERE) {
		ask_elsewhere(a, j, OD_JOB_CANCEL);
	} else if (j->state != T_DONE && j->state != T_CANCELLED) {
		reload(j);
		if (j->ji.running) {
			j->state = T_ELSEWHERE;
			ask_elsewhere(a, j, OD_JOB_CANCEL);
		} else if ((err = od_job_cancel_stopped(&j->ji, NULL, NULL))) {
			app_error(a, _("Cannot cancel: %s"), err->message);
			od_error_free(err);
		} else {
			j->state = T_CANCELLED;
		}
	}
}

/* --- the list of jobs --------------------------------------------------------------- */

static struct tjob *
find_job(const char *id)
{
	for (size_t i = 0; i < tr.n; i++)
		if (strcmp(tr.jobs[i]->ji.id, id) == 0)
			return tr.jobs[i];
	return NULL;
}

/* Job id, when this interface shows it: of its zone, public or not as
 * the interface is, not ended. NULL otherwise. */
static struct tjob *
add_job(const char *id)
{
	struct tjob *j = xcalloc(1, sizeof(*j));
	struct od_error *err = od_job_load(tr.dir, id, &j->ji);

	if (err || j->ji.state || j->ji.opts.public_only != (tr.a->share_id != NULL) ||
	    (j->ji.opts.public_only && strcmp(j->ji.kind, "download") != 0) ||
	    strcmp(j->ji.zone, od_zone_origin(tr.a->s.zone)) != 0) {
		od_error_free(err);
		od_job_info_done(&j->ji);
		free(j);
		return NULL;
	}
	if (!(j->what = od_job_describe(&j->ji)))
		xoom();
	j->upload = strcmp(j->ji.kind, "upload") == 0;
	j->state = j->ji.running ? T_ELSEWHERE : journal_state(&j->ji);
	tr.jobs = xrealloc(tr.jobs, (tr.n + 1) * sizeof(*tr.jobs));
	tr.jobs[tr.n++] = j;
	return j;
}

/* Journals that appeared since the last look: jobs other processes run. */
static void
scan_jobs(void)
{
	size_t n;
	char **ids = od_job_list(tr.dir, &n);

	for (size_t i = 0; i < n; i++) {
		/* Each journal is read once: shown, or passed over for good. */
		int fresh = find_job(ids[i]) ? 0 : od_strset_add(&tr.seen, ids[i]);
		if (fresh < 0)
			xoom();
		if (fresh)
			add_job(ids[i]);
		free(ids[i]);
	}
	free(ids);
}

void
transfers_init(struct app *a)
{
	struct od_error *err;

	tr.a = a;
	od_strset_init(&tr.seen);
	odtr_init(a);
	if ((err = od_journal_dir(&tr.dir))) {
		od_error_free(err);
		return;
	}
	/* Jobs an earlier run left unfinished are taken up once the spaces
	 * are known; those the user paused stay paused. */
	scan_jobs();
	for (size_t i = 0; i < tr.n; i++)
		tr.jobs[i]->take_up = tr.jobs[i]->state == T_STOPPED;
	tr.scan_ms = tr.elsewhere_ms = od_now_ms();
}

void
transfers_spaces_loaded(struct app *a)
{
	size_t resumed = 0;

	for (size_t i = 0; i < tr.n; i++) {
		if (tr.jobs[i]->take_up && !tr.jobs[i]->x) {
			tr.jobs[i]->take_up = false;
			start_job(tr.jobs[i]);
			resumed++;
		}
	}
	if (resumed)
		app_message(a, P_("Going on with %zu transfer an earlier run left unfinished",
				  "Going on with %zu transfers an earlier run left unfinished", resumed),
			    resumed);
}

size_t
transfers_running(void)
{
	size_t n = 0;

	for (size_t i = 0; i < tr.n; i++)
		n += tr.jobs[i]->x != NULL;
	return n;
}

bool
transfers_any(void)
{
	return tr.n > 0;
}

void
transfers_done(void)
{
	odtr_done();
	for (size_t i = 0; i < tr.n; i++) {
		struct tjob *j = tr.jobs[i];
		if (j->x && !j->finished) {
			/* Stop it where it is; the next run or resume goes on. */
			j->quitting = !j->cancel_after;
			od_runner_cancel(j->x);
		}
	}
	/* The cancellations arrive through the engine. */
	while (transfers_running()) {
		od_engine_perform(tr.a->s.engine);
		for (size_t i = 0; i < tr.n; i++)
			if (tr.jobs[i]->x && tr.jobs[i]->finished)
				settle(tr.jobs[i]);
		if (transfers_running())
			od_engine_wait(tr.a->s.engine, NULL, 0, 50);
	}
	for (size_t i = 0; i < tr.n; i++) {
		struct tjob *j = tr.jobs[i];
		for (size_t k = 0; k < j->n_files; k++) {
			free(j->files[k].remote);
			free(j->files[k].what);
		}
		free(j->files);
		free(j->what);
		free(j->error);
		od_job_info_done(&j->ji);
		free(j);
	}
	free(tr.jobs);
	free(tr.last_dest);
	free(tr.dir);
	od_strset_done(&tr.seen);
	forget_send();
	memset(&tr, 0, sizeof(tr));
}

/* A job another process runs (or ran): its progress, or its end. */
static void
look_elsewhere(struct tjob *j)
{
	if (od_job_running(j->ji.path)) {
		if (j->state != T_ELSEWHERE)
			set_error(j, NULL);
		j->state = T_ELSEWHERE;
		if (od_job_progress_read(j->ji.path, &j->far))
			j->t = j->far.t;
		return;
	}
	if (j->state != T_ELSEWHERE)
		return;
	reload(j);
	j->state = journal_state(&j->ji);
	j->t.paused = false;
}

/* What another process asked of a job this interface runs. */
static void
take_control(struct app *a, struct tjob *j)
{
	switch (od_runner_tick(j->x, j->rate)) {
	case OD_JOB_PAUSE:
		pause_job(j);
		break;
	case OD_JOB_RESUME:
		go_on(j);
		break;
	case OD_JOB_CANCEL:
		cancel_job(a, j);
		break;
	case OD_JOB_NONE:
		return;
	}
	app_dirty(a);
}

static void
update_rate(struct app *a, struct tjob *j, long long now)
{
	double sample;

	if (now - j->rate_ms < RATE_MS)
		return;
	od_runner_totals(j->x, &j->t);
	sample = (double)(j->t.bytes_moved - j->rate_bytes) * 1000.0 / (double)(now - j->rate_ms);
	j->rate = j->rate_bytes == 0 && j->rate == 0 ? sample : j->rate * 0.8 + sample * 0.2;
	j->rate_bytes = j->t.bytes_moved;
	j->rate_ms = now;
	if (a->pane == PANE_TRANSFERS)
		app_dirty(a);
}

long
transfers_tick(struct app *a)
{
	long long now = od_now_ms();
	long next = odtr_tick(a);
	bool look = now - tr.elsewhere_ms >= ELSEWHERE_MS;

	if (tr.dir && now - tr.scan_ms >= SCAN_MS) {
		size_t before = tr.n;
		tr.scan_ms = now;
		scan_jobs();
		if (tr.n != before)
			app_dirty(a);
	}
	if (look)
		tr.elsewhere_ms = now;
	for (size_t i = 0; i < tr.n; i++) {
		struct tjob *j = tr.jobs[i];
		if (j->x && j->finished) {
			settle(j);
			app_dirty(a);
			continue;
		}
		if (!j->x) {
			if (look && j->state != T_DONE && j->state != T_CANCELLED) {
				look_elsewhere(j);
				if (a->pane == PANE_TRANSFERS)
					app_dirty(a);
			}
			continue;
		}
		take_control(a, j);
		if (j->x && j->state == T_WAITING && now - j->token_ms >= TOKEN_POLL_MS) {
			j->token_ms = now;
			if (od_session_reload_token(&a->s)) {
				app_message(a, _("A new token was found; the transfers go on"));
				for (size_t k = 0; k < tr.n; k++) {
					struct tjob *w = tr.jobs[k];
					if (w->x && w->state == T_WAITING) {
						w->state = T_RUNNING;
						set_error(w, NULL);
						od_runner_resume(w->x);
					}
				}
			}
		}
		if (j->x)
			update_rate(a, j, now);
	}
	if (tr.n && (next < 0 || next > RATE_MS))
		next = RATE_MS;
	return next;
}

/* --- fetching the marked items -------------------------------------------------------- */

/* The last segment of a mark's path. */
static const char *
last_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The options of the interface's jobs: the configuration's transfers group. */
static struct od_job_opts
job_opts(struct app *a)
{
	const struct od_config *cfg = a->s.cfg;

	return (struct od_job_opts){ .dl = { .jobs = cfg && cfg->fetch_jobs ? (unsigned)cfg->fetch_jobs : 4,
					     .streams = cfg && cfg->fetch_streams ? (unsigned)cfg->fetch_streams : 4,
					     .max_speed = cfg ? cfg->fetch_max_speed : 0 } };
}

/* Record a new job of kind with its sources (taken over) and start it,
 * shown in the Transfers pane; NULL when it could not be (said). */
static struct tjob *
create_job(struct app *a, const char *kind, cJSON *sources, const struct od_job_opts *o)
{
	struct od_error *err;
	const char *file;
	struct tjob *j;
	char *path, *id;

	if ((err = od_job_create(kind, od_zone_origin(a->s.zone), sources, o, &path))) {
		app_error(a, _("Cannot record the transfer: %s"), err->message);
		od_error_free(err);
		return NULL;
	}
	file = strrchr(path, '/') + 1;
	id = xasprintf("%.*s", (int)(strlen(file) - strlen(".journal")), file);
	if (!tr.dir)
		tr.dir = xasprintf("%.*s", (int)(file - 1 - path), path);
	if ((j = add_job(id))) {
		start_job(j);
		tr.cursor = tr.n - 1;
		a->pane = PANE_TRANSFERS;
	}
	free(id);
	free(path);
	return j;
}

static void
on_dest(struct app *a, const char *text, void *ud)
{
	struct od_job_opts o = job_opts(a);
	cJSON *sources;
	char *dest;
	size_t skipped = 0, n = marks_count();

	if (!text || !*text)
		return;
	if (!(dest = od_path_absolute(text, true))) {
		app_error(a, _("Cannot tell the current directory: %s"), strerror(errno));
		return;
	}
	if (mkdir(dest, 0777) != 0 && errno != EEXIST) {
		app_error(a, _("Cannot create %s: %s"), dest, strerror(errno));
		free(dest);
		return;
	}
	free(tr.last_dest);
	tr.last_dest = xasprintf("%s/", dest);
	if (!(sources = cJSON_CreateArray()))
		xoom();
	for (size_t i = 0; i < n; i++) {
		const struct mark *m = marks_get(i);
		enum od_name_verdict v;
		const char *why;
		char *name, *local;
		cJSON *src;
		if (od_local_name(last_name(m->path), false, &name, &v, &why) != 0)
			xoom();
		if (v != OD_NAME_OK) {
			skipped++;
			continue;
		}
		local = xasprintf("%s/%s", dest, name);
		src = cJSON_CreateObject();
		/* Inside a share, the share-scoped id names it: there is no path to look up. */
		if (!src || (m->share_id ? !cJSON_AddStringToObject(src, "share", m->share_id) ||
						   !cJSON_AddStringToObject(src, "fileId", m->file_id)
					 : !cJSON_AddStringToObject(src, "space", m->space_id) ||
						   !cJSON_AddStringToObject(src, "path", m->in_space)) ||
		    !cJSON_AddStringToObject(src, "remote", m->path) || !cJSON_AddStringToObject(src, "local", local) ||
		    !cJSON_AddItemToArray(sources, src))
			xoom();
		free(name);
		free(local);
	}
	o.dest = dest;
	o.public_only = a->share_id != NULL;
	if (cJSON_GetArraySize(sources) == 0) {
		cJSON_Delete(sources);
		app_error(a, _("None of the marked names can be used as a local file name"));
		free(dest);
		return;
	}
	if (create_job(a, "download", sources, &o)) {
		marks_clear();
		if (skipped)
			app_error(a, P_("Fetching to %s; %zu item has a name that cannot be used here and was left out",
					"Fetching to %s; %zu items have names that cannot be used here and were left out",
					skipped),
				  dest, skipped);
		else
			app_message(a, _("Fetching to %s"), dest);
	}
	free(dest);
	app_dirty(a);
}

void
transfers_fetch(struct app *a)
{
	size_t unknown, n = marks_count();
	int64_t bytes = marks_bytes(&unknown);
	char size[OD_SIZE_BUFSZ], *label;
	const char *home = getenv("HOME");
	char *initial;

	if (n == 0) {
		app_message(a, _("Nothing is marked: Space marks what to fetch"));
		return;
	}
	label = xasprintf(P_("Fetch %zu item (%s%s) into", "Fetch %zu items (%s%s) into", n), n,
			  od_size_human(bytes, size), unknown ? "+" : "");
	initial = tr.last_dest ? xstrdup(tr.last_dest) : home ? xasprintf("%s/", home) : xstrdup("");
	widget_prompt_path(a, label, initial, on_dest, NULL);
	free(initial);
	free(label);
}

/* --- sending local files -------------------------------------------------------------- */

/* Where the prompt's answer goes: a folder of a space. */
static struct {
	char *space_id, *dir, *shown;
} send_to;

static void
forget_send(void)
{
	free(send_to.space_id);
	free(send_to.dir);
	free(send_to.shown);
	memset(&send_to, 0, sizeof(send_to));
}

/* "dir/sub", the path of directory n within its space ("" for the space). */
static char *
path_in_space(struct od_node *n)
{
	struct od_buf b;
	const struct od_node *p;
	size_t depth = 0, k;
	char *path;

	for (p = n; od_node_parent(p); p = od_node_parent(p))
		depth++;
	od_buf_init(&b, OD_BUF_UNLIMITED);
	/* Outermost first: the name depth - 1 - k steps up comes k-th. */
	for (k = 0; k < depth; k++) {
		size_t up = depth - 1 - k;
		for (p = n; up--; p = od_node_parent(p))
			;
		if ((k && od_buf_adds(&b, "/")) || od_buf_adds(&b, od_node_name(p)))
			xoom();
	}
	if (!(path = od_buf_steal(&b)))
		path = xstrdup("");
	return path;
}

static void
on_source(struct app *a, const char *text, void *ud)
{
	struct od_job_opts o = job_opts(a);
	char *local, *name;
	const char *slash;
	struct stat st;
	cJSON *sources, *src;

	(void)ud;
	if (!text || !*text) {
		forget_send();
		return;
	}
	if (!(local = od_path_absolute(text, true))) {
		app_error(a, _("Cannot tell the current directory: %s"), strerror(errno));
		forget_send();
		return;
	}
	if (stat(local, &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))) {
		/* errno is stat's, or nothing set it for a special file. */
		app_error(a, _("Cannot send %s: %s"), local,
			  access(local, F_OK) != 0 ? strerror(errno) : _("not a file or folder"));
		free(local);
		forget_send();
		return;
	}
	slash = strrchr(local, '/');
	name = xstrdup(slash && slash[1] ? slash + 1 : local);
	sources = cJSON_CreateArray();
	src = cJSON_CreateObject();
	if (!sources || !src || !cJSON_AddStringToObject(src, "local", local) ||
	    !cJSON_AddStringToObject(src, "space", send_to.space_id) ||
	    !cJSON_AddStringToObject(src, "dir", send_to.dir) || !cJSON_AddStringToObject(src, "name", name) ||
	    !cJSON_AddStringToObject(src, "remoteDir", send_to.shown) ||
	    !cJSON_AddStringToObject(src, "remote", send_to.shown) || !cJSON_AddItemToArray(sources, src))
		xoom();
	o.dest = send_to.shown;
	if (create_job(a, "upload", sources, &o))
		app_message(a, _("Sending %s into %s"), local, send_to.shown);
	free(name);
	free(local);
	forget_send();
	app_dirty(a);
}

static void
ask_source(struct app *a)
{
	const char *home = getenv("HOME");
	char *label = xasprintf(_("Send into %s"), send_to.shown), *initial = home ? xasprintf("%s/", home) : xstrdup("");

	widget_prompt_path(a, label, initial, on_source, NULL);
	free(initial);
	free(label);
}

static void
on_send_target(const struct od_attrs *at, struct od_error *err, void *ud)
{
	struct app *a = ud;

	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);
		return;
	}
	if (!err && (at->protection & OD_PROTECT_DATA)) {
		app_error(a, _("%s is in a dataset with data protection: nothing can be written there until the "
			       "protection is cleared"), send_to.shown);
		forget_send();
		return;
	}
	od_error_free(err);	/* not known: the provider will say, file by file */
	ask_source(a);
}

void
transfers_send(struct app *a)
{
	struct od_space *space;
	struct od_node *n = tree_view_selected(&space);
	char *id;

	if (a->share_id) {
		app_message(a, _("A public share is read-only"));
		return;
	}
	if (!n || !space || od_node_kind(n) != OD_NODE_FILE) {
		app_message(a, _("Select the folder to send into (in the files view: d goes back to it)"));
		return;
	}
	/* On a file, its folder. */
	if (od_node_parent(n) && od_node_type(n) != OD_FILE_DIR)
		n = od_node_parent(n);
	forget_send();
	send_to.space_id = xstrdup(space->id);
	send_to.dir = path_in_space(n);
	send_to.shown = *send_to.dir ? xasprintf("%s/%s", space->name, send_to.dir) : xstrdup(space->name);
	if (!od_node_parent(n)) {
		ask_source(a);
		return;
	}
	/* A folder under data protection takes nothing: said before asking. */
	if (!(id = od_node_id(n)) ||
	    !od_provider_stat(a->s.zone, space, id, OD_ATTR_NAME | OD_ATTR_PROTECTION, on_send_target, a))
		xoom();
	free(id);
}

/* Whether j runs, here or in another process, and is not paused. */
static bool
busy(const struct tjob *j)
{
	if (j->state == T_ELSEWHERE)
		return !j->far.t.paused;
	return j->x && (j->state == T_RUNNING || j->state == T_WAITING) && !j->cancel_after;
}

void
transfers_pause_all(struct app *a)
{
	size_t running = 0, resumed = 0;

	for (size_t i = 0; i < tr.n; i++) {
		struct tjob *j = tr.jobs[i];
		if (!busy(j))
			continue;
		if (j->state == T_ELSEWHERE)
			ask_elsewhere(a, j, OD_JOB_PAUSE);
		else
			pause_job(j);
		running++;
	}
	if (running) {
		app_message(a, P_("Pausing %zu transfer (P goes on)", "Pausing %zu transfers (P goes on with them)",
				  running),
			    running);
		app_dirty(a);
		return;
	}
	for (size_t i = 0; i < tr.n; i++) {
		struct tjob *j = tr.jobs[i];
		if (j->state == T_ELSEWHERE) {
			ask_elsewhere(a, j, OD_JOB_RESUME);
			resumed++;
		} else if (j->state == T_PAUSED || j->state == T_STOPPED) {
			go_on(j);
			resumed++;
		}
	}
	if (resumed)
		app_message(a, P_("Going on with %zu transfer", "Going on with %zu transfers", resumed), resumed);
	else
		app_message(a, _("No transfer to pause or go on with"));
	app_dirty(a);
}

static void
on_cancel_all_answer(struct app *a, bool yes, void *ud)
{
	(void)ud;
	if (!yes)
		return;
	for (size_t i = 0; i < tr.n; i++)
		cancel_job(a, tr.jobs[i]);
	app_dirty(a);
}

void
transfers_cancel_all(struct app *a)
{
	size_t n = 0;
	char *q;

	for (size_t i = 0; i < tr.n; i++)
		n += tr.jobs[i]->state != T_DONE && tr.jobs[i]->state != T_CANCELLED;
	if (!n) {
		app_message(a, _("No transfer to cancel"));
		return;
	}
	q = xasprintf(P_("Cancel %zu transfer and delete its partial files?",
			 "Cancel all %zu transfers and delete their partial files?", n),
		      n);
	widget_confirm(a, q, on_cancel_all_answer, NULL);
	free(q);
}

/* --- the pane ------------------------------------------------------------------------- */

static const char *
state_word(const struct tjob *j)
{
	switch (j->state) {
	case T_RUNNING: return j->cancel_after ? _("cancelling") : _("running");
	case T_PAUSED: return _("paused");
	case T_WAITING: return _("waiting for a token");
	case T_STOPPED: return _("stopped");
	case T_DONE: return _("done");
	case T_CANCELLED: return _("cancelled");
	case T_ELSEWHERE: return j->far.t.paused ? _("paused in another onetui") : _("running in another onetui");
	}
	return "";
}

static enum color
state_color(const struct tjob *j)
{
	switch (j->state) {
	case T_DONE: return C_GOOD;
	case T_STOPPED:
	case T_WAITING: return C_ERROR;
	case T_PAUSED:
	case T_CANCELLED: return C_DIM;
	case T_ELSEWHERE: return j->far.t.paused ? C_DIM : C_NORMAL;
	case T_RUNNING: break;
	}
	return C_NORMAL;
}

static void
format_eta(double secs, char *buf, size_t len)
{
	long s = (long)(secs + 0.5);

	if (secs < 0 || secs > 99 * 3600.0)
		snprintf(buf, len, "--:--");
	else if (s >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
}

/* Local jobs, then Onedata's transfers; a cursor on one of these stays on
 * it as rows are listed above it. */
static size_t
rows_shown(void)
{
	size_t k = tr.cursor >= tr.n ? tr.cursor - tr.n : SIZE_MAX, n = odtr_count(&k);

	if (k != SIZE_MAX)
		tr.cursor = tr.n + k;
	return tr.n + n;
}

/* Three lines a job: what, progress, and the state or last error. */
#define JOB_LINES 3

static void
draw_job(struct tjob *j, int y, int x, int width, bool cursor, bool focus)
{
	struct od_xfer_totals *t = &j->t;
	enum color c = cursor ? (focus ? C_CURSOR : C_CURSOR_DIM) : C_NORMAL;
	char done[OD_SIZE_BUFSZ], total[OD_SIZE_BUFSZ], rate[OD_SIZE_BUFSZ], eta[24], line[256];
	int bar = width >= 60 ? 22 : width >= 40 ? 12 : 0, pct;
	double bps = j->state == T_ELSEWHERE ? j->far.rate : j->rate;
	bool moving = j->state == T_RUNNING || (j->state == T_ELSEWHERE && !j->far.t.paused);
	uint64_t files;

	if (j->x)
		od_runner_totals(j->x, t);
	files = t->files_done + t->files_kept + t->files_failed;
	draw_blank(stdscr, y, x, width, c);
	draw_own(stdscr, y, x + 1, 2, c, j->upload ? (draw_utf8() ? "\u2191" : "^") : (draw_utf8() ? "\u2193" : "v"));
	draw_text(stdscr, y, x + 3, width - 4, c, j->what);
	pct = t->bytes ? (int)((double)t->bytes_done * 100.0 / (double)t->bytes) : files == t->files ? 100 : 0;
	od_size_human((int64_t)t->bytes_done, done);
	od_size_human((int64_t)t->bytes, total);
	od_size_human((int64_t)bps, rate);
	format_eta(moving && bps > 1 && !t->listing ? (double)(t->bytes - t->bytes_done) / bps : -1, eta, sizeof(eta));
	draw_blank(stdscr, y + 1, x, width, C_NORMAL);
	if (bar)
		draw_bar(stdscr, y + 1, x + 3, bar, t->bytes_done, t->bytes, state_color(j) == C_NORMAL ? C_GOOD : state_color(j));
	if (moving)
		snprintf(line, sizeof(line), _("%3d%%  %s/%s%s  %llu/%llu%s files  %s/s  ETA %s"), pct, done, total,
			 t->listing ? "+" : "", (unsigned long long)files, (unsigned long long)t->files,
			 t->listing ? "+" : "", rate, eta);
	else
		snprintf(line, sizeof(line), _("%3d%%  %s/%s  %llu/%llu files"), pct, done, total,
			 (unsigned long long)files, (unsigned long long)t->files);
	draw_own(stdscr, y + 1, x + 4 + bar, width - 4 - bar, C_NORMAL, line);
	draw_blank(stdscr, y + 2, x, width, C_NORMAL);
	{
		int w = draw_own(stdscr, y + 2, x + 3, width - 3, state_color(j), state_word(j));
		if (t->files_failed) {
			snprintf(line, sizeof(line), P_(", %llu failed", ", %llu failed", t->files_failed),
				 (unsigned long long)t->files_failed);
			w += draw_own(stdscr, y + 2, x + 3 + w, width - 3 - w, C_ERROR, line);
		}
		if (j->error && x + 3 + w + 2 < x + width) {
			draw_own(stdscr, y + 2, x + 3 + w, 2, C_NORMAL, ": ");
			draw_text(stdscr, y + 2, x + 5 + w, width - 5 - w, C_ERROR, j->error);
		}
	}
}

void
transfers_draw(struct app *a, int y, int x, int height, int width)
{
	size_t total = rows_shown();
	const char *problem, *space = NULL;
	int rows;

	problem = odtr_problem(&space);
	if (problem) {
		/* The last line says why some space's transfers are missing. */
		int w = draw_printf(stdscr, y + height - 1, x, width, C_ERROR, _(" Onedata transfers of "));
		w += draw_text(stdscr, y + height - 1, x + w, width - w, C_ERROR, space);
		w += draw_own(stdscr, y + height - 1, x + w, width - w, C_ERROR, ": ");
		draw_text(stdscr, y + height - 1, x + w, width - w, C_ERROR, problem);
		height--;
	}
	rows = height / JOB_LINES;
	if (total == 0) {
		size_t unknown, count = marks_count();
		char size[OD_SIZE_BUFSZ], marked[160];
		int64_t bytes = marks_bytes(&unknown);
		const char *lines[] = {
			_("Transfers"),
			"",
			_("No transfer yet. Space marks items in the tree; f fetches"),
			_("the marked items into a local folder you choose."),
			_("Onedata's own transfers between providers (replication,"),
			_("eviction, migration) in your spaces show here too."),
			"",
			marked,
		};
		snprintf(marked, sizeof(marked), P_("%zu item marked (%s%s).", "%zu items marked (%s%s).", count),
			 count, od_size_human(bytes, size), unknown ? _(" and directories of unknown size") : "");
		for (int i = 0; i < height; i++) {
			draw_blank(stdscr, y + i, x, width, C_NORMAL);
			if ((size_t)i < OD_ARRAY_SIZE(lines))
				draw_own(stdscr, y + i, x + 1, width - 1, i == 0 ? C_LABEL : C_NORMAL, lines[i]);
		}
		return;
	}
	if (rows < 1)
		rows = 1;
	if (tr.cursor >= total)
		tr.cursor = total - 1;
	if (tr.cursor < tr.top)
		tr.top = tr.cursor;
	if (tr.cursor >= tr.top + (size_t)rows)
		tr.top = tr.cursor - (size_t)rows + 1;
	for (int i = 0; i < height; i++)
		draw_blank(stdscr, y + i, x, width, C_NORMAL);
	for (size_t i = tr.top; i < total && (int)(i - tr.top) < rows; i++) {
		int row = y + (int)(i - tr.top) * JOB_LINES;
		if (i < tr.n)
			draw_job(tr.jobs[i], row, x, width, i == tr.cursor, a->focus == FOCUS_PANE);
		else
			odtr_draw(i - tr.n, row, x, width, i == tr.cursor, a->focus == FOCUS_PANE);
	}
}

static bool job_request(struct app *a, struct tjob *j, enum request req);

static void
on_cancel_answer(struct app *a, bool yes, void *ud)
{
	if (yes)
		cancel_job(a, ud);
	app_dirty(a);
}

static void
show_details(struct app *a, struct tjob *j)
{
	struct od_buf b;
	char size[OD_SIZE_BUFSZ];

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_addf(&b, _("Job %s: %s\n%s, %llu of %llu files, %s\n\n"), j->ji.id, j->what, state_word(j),
			(unsigned long long)(j->t.files_done + j->t.files_kept), (unsigned long long)j->t.files,
			od_size_human((int64_t)j->t.bytes, size)) != 0)
		xoom();
	if (j->state == T_ELSEWHERE &&
	    od_buf_addf(&b, _("Another onetui process (pid %lld) runs it: p and x ask that process to pause, go "
			      "on or cancel; its files are listed there.\n"),
			j->far.pid) != 0)
		xoom();
	else if (j->state != T_ELSEWHERE && j->n_files == 0 &&
		 od_buf_adds(&b, _("No file has ended in this run yet.")) != 0)
		xoom();
	/* Failures first: they are what the user has to act on. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < j->n_files; i++) {
			const struct tfile *f = &j->files[i];
			if (f->failed != (pass == 0))
				continue;
			if (od_buf_addf(&b, "%s %s\n    %s\n", f->failed ? "!" : " ", f->remote, f->what) != 0)
				xoom();
		}
	}
	widget_popup(a, _("Transfer"), od_buf_str(&b));
	od_buf_done(&b);
}

bool
transfers_request(struct app *a, enum request req)
{
	size_t total = rows_shown();
	struct tjob *j = tr.cursor < tr.n ? tr.jobs[tr.cursor] : NULL;

	switch (req) {
	case REQ_MOVE_UP:
		if (tr.cursor > 0)
			tr.cursor--;
		break;
	case REQ_MOVE_DOWN:
		if (tr.cursor + 1 < total)
			tr.cursor++;
		break;
	case REQ_MOVE_FIRST:
		tr.cursor = 0;
		break;
	case REQ_MOVE_LAST:
		tr.cursor = total ? total - 1 : 0;
		break;
	case REQ_TRANSFER_PAUSE:
	case REQ_REFRESH:
	case REQ_TRANSFER_CANCEL:
	case REQ_TRANSFER_DETAILS:
		if (!j && tr.cursor < total)
			odtr_request(a, tr.cursor - tr.n, req);
		else
			return job_request(a, j, req);
		break;
	default:
		return false;
	}
	app_dirty(a);
	return true;
}

/* The keys that act on a job of this machine. */
static bool
job_request(struct app *a, struct tjob *j, enum request req)
{
	if (!j)
		return true;
	switch (req) {
	case REQ_TRANSFER_PAUSE:
		if (j->state == T_ELSEWHERE)
			ask_elsewhere(a, j, j->far.t.paused ? OD_JOB_RESUME : OD_JOB_PAUSE);
		else if (busy(j))
			pause_job(j);
		else if (j->state == T_PAUSED || j->state == T_STOPPED)
			go_on(j);
		else if (j->state == T_DONE || j->state == T_CANCELLED)
			app_message(a, _("This transfer has ended"));
		break;
	case REQ_REFRESH:	/* retry what failed */
		if (j->state == T_STOPPED || j->state == T_PAUSED)
			go_on(j);
		else if (busy(j))
			app_message(a, _("This transfer is running"));
		break;
	case REQ_TRANSFER_CANCEL:
		if (j->state != T_DONE && j->state != T_CANCELLED)
			widget_confirm(a, _("Cancel this transfer and delete its partial files?"), on_cancel_answer, j);
		break;
	case REQ_TRANSFER_DETAILS:
		show_details(a, j);
		break;
	default:
		return false;
	}
	app_dirty(a);
	return true;
}

const char *
transfers_glyph(const char *path, enum color *c)
{
	/* The newest job that fetches this path says. */
	for (size_t i = tr.n; i-- > 0;) {
		const cJSON *src;
		if (tr.jobs[i]->upload)
			continue;
		cJSON_ArrayForEach(src, tr.jobs[i]->ji.sources) {
			const cJSON *remote = cJSON_GetObjectItemCaseSensitive(src, "remote");
			if (!cJSON_IsString(remote) || strcmp(remote->valuestring, path) != 0)
				continue;
			*c = state_color(tr.jobs[i]);
			switch (tr.jobs[i]->state) {
			case T_DONE: return draw_utf8() ? "\u2713" : "+";
			case T_STOPPED:
			case T_WAITING: return "!";
			case T_CANCELLED: return NULL;
			case T_PAUSED: return "=";
			case T_RUNNING:
			case T_ELSEWHERE: break;
			}
			*c = C_GOOD;
			return draw_utf8() ? "\u2193" : "v";
		}
	}
	return NULL;
}
