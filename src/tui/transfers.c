/* SPDX-License-Identifier: GPL-3.0-or-later */
/* transfers.c: the Transfers pane and the download jobs it runs.
 *
 * Jobs are the journaled jobs of the command line (job.h), run inside the
 * interface's loop: fetching the marked items makes one, jobs of this
 * zone that an earlier run left stopped are taken up on start, and
 * `onetui transfers` sees all of them. Pausing a job stops its requests
 * and keeps its parts; going on replays its journal, as a resume does. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "onetui/download.h"
#include "onetui/i18n.h"
#include "onetui/job.h"
#include "onetui/journal.h"
#include "onetui/json.h"
#include "onetui/localname.h"
#include "onetui/str.h"
#include "tui/draw.h"
#include "tui/marks.h"
#include "tui/tui.h"
#include "xmalloc.h"

/* Files of a job kept for its detail view: every failure, the latest others. */
#define RECENT_FILES 200
#define TOKEN_POLL_MS 2000
#define RATE_MS 500

enum tstate {
	T_RUNNING,
	T_PAUSED,	/* by the user: parts kept */
	T_WAITING,	/* for a valid token */
	T_STOPPED,	/* ended with failures, or could not start */
	T_DONE,
	T_CANCELLED,
};

struct tfile {
	char *remote;
	char *what;	/* "done", or the error */
	bool failed;
};

struct tjob {
	struct od_job_info ji;
	char *what;			/* "SPACE/dir (+2) -> /scratch" */
	struct od_journal *journal;
	struct od_download *d;
	enum tstate state;
	bool finished;			/* the download said so: free it at the next tick */
	bool cancel_after;		/* the user cancelled a running job */
	bool pause_after;
	struct od_xfer_totals t;
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
} tr;

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

/* Add the job's sources to its download (their spaces must be loaded). */
static void
add_sources(struct tjob *j)
{
	const cJSON *src;

	cJSON_ArrayForEach(src, j->ji.sources) {
		const char *space = od_json_get_str(src, "space"), *path = od_json_get_str(src, "path");
		const char *remote = od_json_get_str(src, "remote"), *local = od_json_get_str(src, "local");
		const char *share = od_json_get_str(src, "share"), *file_id = od_json_get_str(src, "fileId");
		struct od_space *s = NULL;
		struct od_error *err;

		if (share && file_id && remote && local)
			err = od_download_add_id(j->d, NULL, file_id, remote, local);
		else if (!space || !path || !remote || !local)
			err = od_error_new(OD_ERR_INPUT, _("the job names a source this interface cannot fetch "
							   "(a whole share's link: use onetui transfers resume)"));
		else if (!(err = od_zone_find_space(tr.a->s.zone, space, &s)))
			err = od_download_add_path(j->d, s, path, remote, local);
		if (err) {
			keep_file(j, remote, err->message, true);
			set_error(j, err->message);
			od_error_free(err);
		}
	}
}

struct replay {
	struct tjob *j;
	size_t n;
	struct od_error *err;
};

static int
replay_record(const cJSON *rec, void *ud)
{
	struct replay *p = ud;

	if (p->n++ > 0 && !p->err)
		p->err = od_download_note(p->j->d, rec);
	return 0;
}

/* Start (or go on with) a job: its journal claimed, its records replayed. */
static void
start_job(struct tjob *j)
{
	struct replay p = { .j = j };
	struct od_error *err;
	size_t bad;

	set_error(j, NULL);
	if ((err = od_journal_open(j->ji.path, &j->journal)) || (err = od_journal_lock(j->journal)) ||
	    (err = od_download_new(tr.a->s.zone, &j->ji.opts.dl, on_event, j, &j->d)) ||
	    (err = od_journal_read(j->ji.path, replay_record, &p, &bad)) || (err = p.err)) {
		set_error(j, err->message);
		od_error_free(err);
		od_download_free(j->d);
		j->d = NULL;
		od_journal_close(j->journal);
		j->journal = NULL;
		j->state = T_STOPPED;
		return;
	}
	od_download_set_journal(j->d, j->journal);
	add_sources(j);
	j->state = T_RUNNING;
	j->finished = false;
	j->rate = 0;
	j->rate_bytes = 0;
	j->rate_ms = od_now_ms();
	od_download_start(j->d);
}

static void
record_state(struct tjob *j, const char *state)
{
	cJSON *rec = cJSON_CreateObject();
	struct od_error *err;

	if (!rec || !cJSON_AddStringToObject(rec, "state", state) ||
	    !cJSON_AddNumberToObject(rec, "time", (double)time(NULL)))
		xoom();
	if ((err = od_journal_add(j->journal, rec)) || (err = od_journal_sync(j->journal))) {
		set_error(j, err->message);
		od_error_free(err);
	}
	cJSON_Delete(rec);
}

/* Remove the parts a cancelled job left. */
static void
remove_parts(struct tjob *j)
{
	struct od_job_info fresh;
	const char *slash = strrchr(j->ji.path, '/');
	char *dir = xasprintf("%.*s", (int)(slash - j->ji.path), j->ji.path);
	struct od_error *err = od_job_load(dir, j->ji.id, &fresh);

	free(dir);
	if (!err) {
		for (size_t i = 0; i < fresh.parts.cap; i++) {
			char *part;
			if (!fresh.parts.slots[i])
				continue;
			if (!(part = od_download_part_path(fresh.parts.slots[i])))
				xoom();
			unlink(part);
			free(part);
		}
	}
	od_error_free(err);
	od_job_info_done(&fresh);
}

/* The download has ended: settle the job's state and let it go. */
static void
settle(struct tjob *j)
{
	od_download_totals(j->d, &j->t);
	if (j->cancel_after) {
		record_state(j, "cancelled");
		j->state = T_CANCELLED;
	} else if (j->pause_after) {
		j->state = T_PAUSED;
	} else if (!j->error && !j->t.files_failed) {
		record_state(j, "finished");
		j->state = T_DONE;
	} else {
		j->state = T_STOPPED;
	}
	od_download_free(j->d);
	j->d = NULL;
	od_journal_close(j->journal);
	j->journal = NULL;
	if (j->state == T_CANCELLED)
		remove_parts(j);
	j->cancel_after = j->pause_after = j->finished = false;
}

/* --- the list of jobs --------------------------------------------------------------- */

static char *
job_what(const struct od_job_info *ji)
{
	const cJSON *first = cJSON_GetArrayItem(ji->sources, 0);
	const cJSON *remote = cJSON_GetObjectItemCaseSensitive(first, "remote");
	int n = cJSON_GetArraySize(ji->sources);

	if (n > 1)
		return xasprintf("%s (+%d) -> %s", cJSON_IsString(remote) ? remote->valuestring : "?", n - 1,
				 ji->opts.dest);
	return xasprintf("%s -> %s", cJSON_IsString(remote) ? remote->valuestring : "?", ji->opts.dest);
}

static struct tjob *
add_job(const char *dir, const char *id)
{
	struct tjob *j = xcalloc(1, sizeof(*j));
	struct od_error *err = od_job_load(dir, id, &j->ji);

	if (err) {
		app_error(tr.a, "%s", err->message);
		od_error_free(err);
		od_job_info_done(&j->ji);
		free(j);
		return NULL;
	}
	j->what = job_what(&j->ji);
	tr.jobs = xrealloc(tr.jobs, (tr.n + 1) * sizeof(*tr.jobs));
	tr.jobs[tr.n++] = j;
	return j;
}

void
transfers_init(struct app *a)
{
	struct od_error *err;
	char *dir, **ids;
	size_t n;

	tr.a = a;
	odtr_init(a);
	if ((err = od_journal_dir(&dir))) {
		od_error_free(err);
		return;
	}
	/* Jobs of this zone that an earlier run left stopped, taken up below
	 * once the spaces are known. */
	ids = od_job_list(dir, &n);
	for (size_t i = 0; i < n; i++) {
		struct od_job_info ji;
		if (!(err = od_job_load(dir, ids[i], &ji)) && !ji.state && !ji.running &&
		    strcmp(ji.kind, "download") == 0 && ji.opts.public_only == (a->share_id != NULL) &&
		    strcmp(ji.zone, od_zone_origin(a->s.zone)) == 0) {
			struct tjob *j = add_job(dir, ids[i]);
			if (j)
				j->state = T_PAUSED;
		}
		od_error_free(err);
		od_job_info_done(&ji);
		free(ids[i]);
	}
	free(ids);
	free(dir);
}

void
transfers_spaces_loaded(struct app *a)
{
	size_t resumed = 0;

	for (size_t i = 0; i < tr.n; i++) {
		if (tr.jobs[i]->state == T_PAUSED && !tr.jobs[i]->d) {
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
		n += tr.jobs[i]->d != NULL;
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
		if (j->d) {
			/* Stop it where it is; the next run or resume goes on. */
			j->pause_after = true;
			od_download_cancel(j->d);
		}
	}
	/* The cancellations arrive through the engine. */
	while (transfers_running()) {
		od_engine_perform(tr.a->s.engine);
		for (size_t i = 0; i < tr.n; i++)
			if (tr.jobs[i]->d && tr.jobs[i]->finished)
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
	memset(&tr, 0, sizeof(tr));
}

long
transfers_tick(struct app *a)
{
	long long now = od_now_ms();
	long next = odtr_tick(a);

	for (size_t i = 0; i < tr.n; i++) {
		struct tjob *j = tr.jobs[i];
		if (j->d && j->finished) {
			settle(j);
			app_dirty(a);
			continue;
		}
		if (!j->d)
			continue;
		if (j->state == T_WAITING && now - j->token_ms >= TOKEN_POLL_MS) {
			j->token_ms = now;
			if (od_session_reload_token(&a->s)) {
				j->state = T_RUNNING;
				set_error(j, NULL);
				app_message(a, _("A new token was found; the transfers go on"));
				for (size_t k = 0; k < tr.n; k++)
					if (tr.jobs[k]->d && tr.jobs[k]->state == T_WAITING)
						tr.jobs[k]->state = T_RUNNING;
				od_download_resume(j->d);
			}
		}
		if (now - j->rate_ms >= RATE_MS) {
			od_download_totals(j->d, &j->t);
			double sample = (double)(j->t.bytes_moved - j->rate_bytes) * 1000.0 / (double)(now - j->rate_ms);
			j->rate = j->rate_bytes == 0 && j->rate == 0 ? sample : j->rate * 0.8 + sample * 0.2;
			j->rate_bytes = j->t.bytes_moved;
			j->rate_ms = now;
			if (a->pane == PANE_TRANSFERS)
				app_dirty(a);
		}
		if (next < 0 || next > RATE_MS)
			next = RATE_MS;
	}
	return next;
}

/* --- fetching the marked items -------------------------------------------------------- */

/* "~/x" and relative paths made absolute. */
static char *
expand_dest(const char *text)
{
	const char *home = getenv("HOME");
	char cwd[PATH_MAX];
	char *p;
	size_t n;

	if (text[0] == '~' && (text[1] == '/' || !text[1]) && home)
		p = xasprintf("%s%s", home, text + 1);
	else if (text[0] == '/')
		p = xstrdup(text);
	else if (getcwd(cwd, sizeof(cwd)))
		p = xasprintf("%s/%s", cwd, text);
	else
		return NULL;
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	return p;
}

/* The last segment of a mark's path. */
static const char *
last_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void
on_dest(struct app *a, const char *text, void *ud)
{
	const struct od_config *cfg = a->s.cfg;
	struct od_job_opts o = { .dl = { .jobs = cfg && cfg->fetch_jobs ? (unsigned)cfg->fetch_jobs : 4,
					 .streams = cfg && cfg->fetch_streams ? (unsigned)cfg->fetch_streams : 4,
					 .max_speed = cfg ? cfg->fetch_max_speed : 0 } };
	cJSON *sources;
	char *dest, *path, *dir;
	struct od_error *err;
	size_t skipped = 0, n = marks_count();
	struct tjob *j;

	if (!text || !*text)
		return;
	if (!(dest = expand_dest(text))) {
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
	err = od_job_create("download", od_zone_origin(a->s.zone), sources, &o, &path);
	if (err) {
		app_error(a, _("Cannot record the transfer: %s"), err->message);
		od_error_free(err);
		free(dest);
		return;
	}
	dir = xasprintf("%.*s", (int)(strrchr(path, '/') - path), path);
	{
		const char *file = strrchr(path, '/') + 1;
		char *id = xasprintf("%.*s", (int)(strlen(file) - strlen(".journal")), file);
		j = add_job(dir, id);
		free(id);
	}
	free(dir);
	free(path);
	if (j) {
		start_job(j);
		tr.cursor = tr.n - 1;
		marks_clear();
		a->pane = PANE_TRANSFERS;
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

void
transfers_pause_all(struct app *a)
{
	size_t running = 0, resumed = 0;

	for (size_t i = 0; i < tr.n; i++) {
		struct tjob *j = tr.jobs[i];
		if (j->d && !j->pause_after && !j->cancel_after) {
			j->pause_after = true;
			od_download_cancel(j->d);
			running++;
		}
	}
	if (running) {
		app_message(a, P_("Pausing %zu transfer (P goes on)", "Pausing %zu transfers (P goes on with them)",
				  running),
			    running);
		return;
	}
	for (size_t i = 0; i < tr.n; i++) {
		struct tjob *j = tr.jobs[i];
		if (!j->d && (j->state == T_PAUSED || j->state == T_STOPPED)) {
			start_job(j);
			resumed++;
		}
	}
	if (resumed)
		app_message(a, P_("Going on with %zu transfer", "Going on with %zu transfers", resumed), resumed);
	else
		app_message(a, _("No transfer to pause or go on with"));
}

/* --- the pane ------------------------------------------------------------------------- */

static const char *
state_word(const struct tjob *j)
{
	switch (j->state) {
	case T_RUNNING: return j->pause_after ? _("pausing") : j->cancel_after ? _("cancelling") : _("running");
	case T_PAUSED: return _("paused");
	case T_WAITING: return _("waiting for a token");
	case T_STOPPED: return _("stopped");
	case T_DONE: return _("done");
	case T_CANCELLED: return _("cancelled");
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
	uint64_t files = t->files_done + t->files_kept + t->files_failed;
	int bar = width >= 60 ? 22 : width >= 40 ? 12 : 0, pct;

	if (j->d)
		od_download_totals(j->d, t);
	draw_blank(stdscr, y, x, width, c);
	draw_own(stdscr, y, x + 1, 2, c, draw_utf8() ? "\u2193" : "v");
	draw_text(stdscr, y, x + 3, width - 4, c, j->what);
	pct = t->bytes ? (int)((double)t->bytes_done * 100.0 / (double)t->bytes) : files == t->files ? 100 : 0;
	od_size_human((int64_t)t->bytes_done, done);
	od_size_human((int64_t)t->bytes, total);
	od_size_human((int64_t)j->rate, rate);
	format_eta(j->state == T_RUNNING && j->rate > 1 && !t->listing ? (double)(t->bytes - t->bytes_done) / j->rate
									 : -1,
		   eta, sizeof(eta));
	draw_blank(stdscr, y + 1, x, width, C_NORMAL);
	if (bar)
		draw_bar(stdscr, y + 1, x + 3, bar, t->bytes_done, t->bytes, state_color(j) == C_NORMAL ? C_GOOD : state_color(j));
	if (j->state == T_RUNNING)
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
	struct tjob *j = ud;

	if (!yes)
		return;
	if (j->d) {
		j->cancel_after = true;
		od_download_cancel(j->d);
	} else if (j->state != T_DONE && j->state != T_CANCELLED) {
		struct od_error *err;
		if ((err = od_journal_open(j->ji.path, &j->journal)) || (err = od_journal_lock(j->journal))) {
			app_error(a, _("Cannot cancel: %s"), err->message);
			od_error_free(err);
		} else {
			record_state(j, "cancelled");
			remove_parts(j);
			j->state = T_CANCELLED;
		}
		od_journal_close(j->journal);
		j->journal = NULL;
	}
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
	if (j->n_files == 0 && od_buf_adds(&b, _("No file has ended in this run yet.")) != 0)
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
	switch (req) {
	case REQ_TRANSFER_PAUSE:
		if (!j)
			return true;
		if (j->d && !j->pause_after) {
			j->pause_after = true;
			od_download_cancel(j->d);
		} else if (!j->d && (j->state == T_PAUSED || j->state == T_STOPPED)) {
			start_job(j);
		} else if (j->state == T_DONE || j->state == T_CANCELLED) {
			app_message(a, _("This transfer has ended"));
		}
		break;
	case REQ_REFRESH:	/* retry what failed */
		if (j && !j->d && (j->state == T_STOPPED || j->state == T_PAUSED))
			start_job(j);
		else if (j && j->d)
			app_message(a, _("This transfer is running"));
		break;
	case REQ_TRANSFER_CANCEL:
		if (j && j->state != T_DONE && j->state != T_CANCELLED)
			widget_confirm(a, _("Cancel this transfer and delete its partial files?"), on_cancel_answer, j);
		break;
	case REQ_TRANSFER_DETAILS:
		if (j)
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
			case T_RUNNING: break;
			}
			*c = C_GOOD;
			return draw_utf8() ? "\u2193" : "v";
		}
	}
	return NULL;
}
