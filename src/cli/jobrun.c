/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jobrun.c: a transfer job on the command line. */
#include "config.h"

#include "cli/jobrun.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/output.h"
#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/journal.h"
#include "onetui/runner.h"
#include "onetui/json.h"
#include "onetui/str.h"
#include "onetui/url.h"
#include "xmalloc.h"

/* How often the status is redrawn on a terminal, and written otherwise. */
#define DRAW_MS 250
#define LINE_MS 10000
#define JSON_MS 1000
/* How often a paused job looks for a new token. */
#define TOKEN_POLL_MS 2000

struct manifest_entry {
	char *path, *sha256, *file_id, *provider;
	uint64_t size;
	int64_t mtime, time;
	bool verified;
};

struct run {
	struct session *s;
	struct od_runner *x;
	bool upload;
	const char *id;
	enum progress_mode mode;
	struct od_job_opts o;
	bool tty_line;			/* a status line is on the screen */
	long long start_ms, shown_ms, token_ms;
	/* Smoothed rate: bytes per second, from samples DRAW_MS apart. */
	double rate;
	uint64_t rate_bytes;
	long long rate_ms;
	struct manifest_entry *man;
	size_t n_man, cap_man;
	bool finished, paused;
	bool cancelled;			/* by `onetui transfers cancel` */
	int rc;
};

int
progress_mode_parse(const char *s)
{
	static const char *const names[] = { "auto", "lines", "json", "none" };

	for (size_t i = 0; i < OD_ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

/* --- what the user sees ------------------------------------------------------------ */

static void
clear_status(struct run *r)
{
	if (r->tty_line) {
		fputs("\r\033[K", stderr);
		r->tty_line = false;
	}
}

static int
terminal_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
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

/* "12/340 files, 1.2 GiB/4.5 GiB, 85.3 MiB/s, ETA 0:39": totals first. */
static char *
status_text(struct run *r, bool final)
{
	struct od_xfer_totals t;
	char done[OD_SIZE_BUFSZ], total[OD_SIZE_BUFSZ], rate[OD_SIZE_BUFSZ], eta[24];
	uint64_t files_done;
	double secs;

	od_runner_totals(r->x, &t);
	files_done = t.files_done + t.files_kept + t.files_failed;
	od_size_human((int64_t)t.bytes_done, done);
	od_size_human((int64_t)t.bytes, total);
	od_size_human((int64_t)r->rate, rate);
	secs = r->rate > 1 && !t.listing ? (double)(t.bytes - t.bytes_done) / r->rate : -1;
	format_eta(secs, eta, sizeof(eta));
	if (final)
		return xasprintf(_("%llu/%llu files, %s/%s"), (unsigned long long)files_done,
				 (unsigned long long)t.files, done, total);
	return xasprintf(_("%llu/%llu%s files, %s/%s%s, %s/s, ETA %s%s"), (unsigned long long)files_done,
			 (unsigned long long)t.files, t.listing ? "+" : "", done, total, t.listing ? "+" : "", rate,
			 eta, t.paused ? _(" (paused)") : "");
}

static void
update_rate(struct run *r, long long now)
{
	struct od_xfer_totals t;
	double sample;

	od_runner_totals(r->x, &t);
	if (now - r->rate_ms < DRAW_MS)
		return;
	sample = (double)(t.bytes_moved - r->rate_bytes) * 1000.0 / (double)(now - r->rate_ms);
	/* About a 3 s memory: steady enough to read, quick to follow. */
	r->rate = r->rate_ms == r->start_ms ? sample : r->rate * 0.92 + sample * 0.08;
	r->rate_bytes = t.bytes_moved;
	r->rate_ms = now;
}

static void
json_event_progress(struct run *r)
{
	struct od_xfer_totals t;
	struct jw *w = jw_new(stdout);

	od_runner_totals(r->x, &t);
	jw_begin_object(w);
	jw_kv_string(w, "event", "progress");
	jw_kv_int(w, "files", (int64_t)t.files);
	jw_kv_int(w, "filesDone", (int64_t)t.files_done);
	jw_kv_int(w, "filesKept", (int64_t)t.files_kept);
	jw_kv_int(w, "filesFailed", (int64_t)t.files_failed);
	jw_kv_int(w, "bytes", (int64_t)t.bytes);
	jw_kv_int(w, "bytesDone", (int64_t)t.bytes_done);
	jw_kv_int(w, "bytesPerSecond", (int64_t)r->rate);
	jw_kv_bool(w, "listing", t.listing);
	jw_kv_bool(w, "paused", t.paused);
	jw_end_object(w);
	jw_free(w);
	fflush(stdout);
}

static void
show_progress(struct run *r, bool force)
{
	long long now = od_now_ms();
	long long every = r->mode == PROGRESS_JSON ? JSON_MS : r->mode == PROGRESS_LINES ? LINE_MS : DRAW_MS;
	char *text;

	update_rate(r, now);
	if (r->mode == PROGRESS_NONE || (!force && now - r->shown_ms < every))
		return;
	r->shown_ms = now;
	if (r->mode == PROGRESS_JSON) {
		json_event_progress(r);
		return;
	}
	text = status_text(r, false);
	if (r->mode == PROGRESS_LINES) {
		fprintf(stderr, "onetui: %s\n", text);
	} else {
		int w = terminal_width() - 1;
		fprintf(stderr, "\r\033[K%.*s", w, text);
		r->tty_line = true;
	}
	free(text);
	fflush(stderr);
}

/* One line about a file: on stderr for people, as an event for scripts. */
static void
file_event(struct run *r, const struct od_xfer_event *ev, const char *state)
{
	struct jw *w;

	if (r->mode != PROGRESS_JSON)
		return;
	w = jw_new(stdout);
	jw_begin_object(w);
	jw_kv_string(w, "event", "file");
	jw_kv_string(w, "state", state);
	jw_kv_string(w, "remote", ev->remote);
	jw_kv_string(w, "local", ev->local);
	jw_kv_string(w, "fileId", ev->file_id);
	jw_kv_int(w, "size", (int64_t)ev->size);
	jw_kv_string(w, "sha256", ev->sha256);
	jw_kv_bool(w, "verified", ev->verified);
	if (ev->note)
		jw_kv_string(w, "note", ev->note);
	if (ev->err)
		jw_kv_string(w, "error", ev->err->message);
	jw_end_object(w);
	jw_free(w);
	fflush(stdout);
}

static void
say_problem(struct run *r, const char *what, const struct od_xfer_event *ev)
{
	clear_status(r);
	if (ev->err)
		out_error("%s: %s", what, ev->err->message);
	else
		out_warn("%s: %s", what, ev->note);
}

static void
add_manifest(struct run *r, const struct od_xfer_event *ev)
{
	struct manifest_entry *m;

	if (!r->o.manifest || !ev->sha256)
		return;
	if (r->n_man == r->cap_man) {
		r->cap_man = r->cap_man ? r->cap_man * 2 : 64;
		r->man = xrealloc(r->man, r->cap_man * sizeof(*r->man));
	}
	m = &r->man[r->n_man++];
	m->path = xstrdup(ev->local);
	m->sha256 = xstrdup(ev->sha256);
	m->file_id = xstrdup(ev->file_id);
	m->provider = ev->provider_id ? xstrdup(ev->provider_id) : NULL;
	m->size = ev->size;
	m->mtime = ev->mtime;
	m->time = (int64_t)time(NULL);
	m->verified = ev->verified;
}

static void
on_event(const struct od_xfer_event *ev, void *ud)
{
	struct run *r = ud;

	switch (ev->kind) {
	case OD_XFER_FILE_DONE:
	case OD_XFER_FILE_KEPT:
		add_manifest(r, ev);
		file_event(r, ev, ev->kind == OD_XFER_FILE_DONE ? "done" : "kept");
		if (ev->note && r->mode != PROGRESS_JSON)
			say_problem(r, ev->remote, ev);
		break;
	case OD_XFER_FILE_FAILED:
		file_event(r, ev, "failed");
		say_problem(r, ev->remote, ev);
		break;
	case OD_XFER_NAME:
		file_event(r, ev, ev->err ? "left-out" : "renamed");
		if (ev->err) {
			say_problem(r, ev->remote, ev);
		} else if (r->mode != PROGRESS_JSON) {
			char *safe = out_safe(ev->local);
			clear_status(r);
			out_warn(_("%s: %s; fetched as %s"), ev->remote, ev->note, safe);
			free(safe);
		}
		break;
	case OD_XFER_SKIPPED:
		file_event(r, ev, "skipped");
		if (r->mode != PROGRESS_JSON)
			say_problem(r, ev->remote, ev);
		break;
	case OD_XFER_LISTED:
		break;
	case OD_XFER_PAUSED:
		r->paused = true;
		r->token_ms = od_now_ms();
		clear_status(r);
		out_error(_("paused: %s"), ev->err ? ev->err->message : "");
		out_warn(_("put a valid token where onetui reads it (%s); it is looked at every %d s. "
			   "Ctrl-C stops; 'onetui transfers resume %s' goes on later"),
			 r->s->token_source ? r->s->token_source : "?", TOKEN_POLL_MS / 1000, r->id);
		break;
	case OD_XFER_FINISHED:
		r->finished = true;
		if (ev->err && ev->err->kind != OD_ERR_CANCELLED) {
			clear_status(r);
			r->rc = out_exit_code(ev->err);
			out_error(_("stopped: %s"), ev->err->message);
		} else if (ev->err) {
			r->rc = EXIT_INTERRUPTED;
		}
		break;
	}
}

/* --- the manifest ----------------------------------------------------------------- */

/* path relative to base when it is inside it. */
static const char *
relative_to(const char *path, const char *base)
{
	size_t n = strlen(base);

	while (n > 1 && base[n - 1] == '/')
		n--;
	if (strncmp(path, base, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* BagIt (RFC 8493) wants CR, LF and '%' in paths percent-encoded. */
static void
put_bagit_path(FILE *f, const char *p)
{
	for (; *p; p++) {
		if (*p == '\r' || *p == '\n' || *p == '%')
			fprintf(f, "%%%02X", (unsigned char)*p);
		else
			fputc(*p, f);
	}
}

static int
by_path(const void *x, const void *y)
{
	return strcmp(((const struct manifest_entry *)x)->path, ((const struct manifest_entry *)y)->path);
}

/* Write FILE (sha256 and path lines) and FILE.json (everything known). */
static int
write_manifest(struct run *r)
{
	/* Paths are relative to the manifest's folder, so that
	 * "sha256sum -c" run there checks everything. */
	const char *slash = strrchr(r->o.manifest, '/');
	char *base = xasprintf("%.*s", (int)(slash > r->o.manifest ? slash - r->o.manifest : 1), r->o.manifest);
	char *tmp = xasprintf("%s.tmp", r->o.manifest), *jpath = xasprintf("%s.json", r->o.manifest);
	char *jtmp = xasprintf("%s.tmp", jpath);
	FILE *f = fopen(tmp, "w"), *jf = fopen(jtmp, "w");
	struct jw *w;
	int rc = EXIT_OK;

	if (!f || !jf) {
		out_error(_("cannot write the manifest %s: %s"), r->o.manifest, strerror(errno));
		rc = EXIT_FAILED;
		goto out;
	}
	if (r->n_man)
		qsort(r->man, r->n_man, sizeof(*r->man), by_path);
	w = jw_new(jf);
	jw_begin_object(w);
	jw_kv_string(w, "zone", od_zone_origin(r->s->zone));
	jw_kv_string(w, "job", r->id);
	jw_key(w, "files");
	jw_begin_array(w);
	for (size_t i = 0; i < r->n_man; i++) {
		const struct manifest_entry *m = &r->man[i];
		fprintf(f, "%s  ", m->sha256);
		put_bagit_path(f, relative_to(m->path, base));
		fputc('\n', f);
		jw_begin_object(w);
		jw_kv_string(w, "path", relative_to(m->path, base));
		jw_kv_int(w, "size", (int64_t)m->size);
		jw_kv_string(w, "sha256", m->sha256);
		jw_kv_bool(w, "verifiedAgainstRecordedChecksum", m->verified);
		jw_kv_string(w, "fileId", m->file_id);
		jw_kv_string(w, "providerId", m->provider);
		jw_kv_int(w, "mtime", m->mtime);
		jw_kv_int(w, "fetched", m->time);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
	jw_free(w);
	if (fflush(f) != 0 || fflush(jf) != 0 || fsync(fileno(f)) != 0 || fsync(fileno(jf)) != 0 ||
	    rename(tmp, r->o.manifest) != 0 || rename(jtmp, jpath) != 0) {
		out_error(_("cannot write the manifest %s: %s"), r->o.manifest, strerror(errno));
		rc = EXIT_FAILED;
	}
out:
	if (f)
		fclose(f);
	if (jf)
		fclose(jf);
	unlink(tmp);
	unlink(jtmp);
	free(tmp);
	free(jtmp);
	free(jpath);
	free(base);
	return rc;
}

bool
share_url_parse(const char *arg, char **origin, char **share_id)
{
	char *scheme, *host;
	const char *p, *id;
	int port;
	struct od_error *err;
	size_t n;

	*origin = *share_id = NULL;
	if (!od_str_starts(arg, "https://") && !od_str_starts(arg, "http://"))
		return false;
	p = strstr(arg + 8, "/share/");
	if (!p || (err = od_url_origin(arg, &scheme, &host, &port)) != NULL) {
		if (p)
			od_error_free(err);
		return false;
	}
	id = p + 7;
	n = strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
	if (n == 0 || n > 200 || (id[n] && strcmp(id + n, "/") != 0)) {
		free(scheme);
		free(host);
		return false;
	}
	*origin = strchr(host, ':') ? xasprintf("%s://[%s]:%d", scheme, host, port)
				    : xasprintf("%s://%s:%d", scheme, host, port);
	*share_id = xasprintf("%.*s", (int)n, id);
	free(scheme);
	free(host);
	return true;
}

struct share_wait {
	struct session *s;
	struct share_root *out;
	struct od_error *err;
};

static void
on_share_attrs(const struct od_attrs *a, struct od_error *err, void *ud)
{
	struct share_wait *w = ud;
	struct share_root *r = w->out;

	if (err) {
		w->err = err;
		return;
	}
	r->a = *a;
	r->a.file_id = r->file_id = xstrdup(a->file_id);
	r->a.name = r->file_name = xstrdup(a->name);
	r->a.sha256 = r->sha256 = a->sha256 ? xstrdup(a->sha256) : NULL;
}

static void
on_share(const struct od_share *sh, struct od_error *err, void *ud)
{
	struct share_wait *w = ud;

	if (err) {
		w->err = err;
		return;
	}
	w->out->name = xstrdup(sh->name);
	if (!od_provider_stat(w->s->zone, NULL, sh->root_file_id,
			      OD_ATTR_TYPE | OD_ATTR_SIZE | OD_ATTR_MTIME | OD_ATTRS_CHECKSUM, on_share_attrs, w))
		xoom();
}

int
share_resolve(struct session *s, const char *share_id, struct share_root *out)
{
	struct share_wait w = { .s = s, .out = out };

	memset(out, 0, sizeof(*out));
	if (!od_share_get_public(s->zone, share_id, on_share, &w))
		xoom();
	session_run(s);
	if (w.err) {
		share_root_done(out);
		return out_fail(w.err, _("Cannot open the share %s"), share_id);
	}
	return EXIT_OK;
}

void
share_root_done(struct share_root *r)
{
	free(r->name);
	free(r->file_id);
	free(r->file_name);
	free(r->sha256);
	memset(r, 0, sizeof(*r));
}

/* Add the header's sources to the download; failures are printed and
 * make the exit code. */
static int
download_sources(struct run *r, const cJSON *sources)
{
	const cJSON *src;
	int rc = EXIT_OK;

	cJSON_ArrayForEach(src, sources) {
		const char *space = od_json_get_str(src, "space"), *path = od_json_get_str(src, "path");
		const char *local = od_json_get_str(src, "local"), *shown = od_json_get_str(src, "remote");
		const char *share = od_json_get_str(src, "share"), *file_id = od_json_get_str(src, "fileId");

		/* Inside a share (or its root): the share-scoped id says it all. */
		if (share && file_id && local && shown) {
			struct od_error *err = od_download_add_id(od_runner_download(r->x), NULL, file_id, shown, local);
			if (err)
				rc = out_fail(err, NULL);
			continue;
		}
		if (share && local && shown) {
			struct share_root root;
			struct od_error *err;
			int one = share_resolve(r->s, share, &root);
			if (one != EXIT_OK) {
				rc = rc == EXIT_OK ? one : rc;
				continue;
			}
			if ((err = od_download_add(od_runner_download(r->x), NULL, &root.a, shown, local)))
				rc = out_fail(err, NULL);
			share_root_done(&root);
			continue;
		}
		struct target_stat st;
		struct od_space *sp;
		struct od_attrs a;
		struct od_error *err;
		char *arg;
		int one;

		if (!space || !path || !local || !shown) {
			out_error(_("the job's journal names a source it cannot describe; it was not written by this "
				    "version of onetui"));
			rc = EXIT_FAILED;
			continue;
		}
		arg = xasprintf("%s/%s", space, path);
		one = session_stat_target_attrs(r->s, arg, OD_ATTRS_LISTING | OD_ATTRS_CHECKSUM, &sp, &st);
		free(arg);
		if (one != EXIT_OK) {
			rc = rc == EXIT_OK ? one : rc;
			continue;
		}
		target_stat_attrs(&st, &a);
		if ((err = od_download_add(od_runner_download(r->x), sp, &a, shown, local)))
			rc = out_fail(err, NULL);
		target_stat_done(&st);
	}
	return rc;
}

static void
record_state(struct run *r, const char *state, const struct od_xfer_totals *t)
{
	struct od_error *err = od_job_record_state(od_runner_journal(r->x), state, t);

	if (err) {
		clear_status(r);
		out_fail(err, NULL);
	}
}

/* A one-word event for scripts: "paused", "resumed", "cancelled". */
static void
json_event_state(struct run *r, const char *event)
{
	struct jw *w;

	if (r->mode != PROGRESS_JSON)
		return;
	w = jw_new(stdout);
	jw_begin_object(w);
	jw_kv_string(w, "event", event);
	jw_kv_string(w, "job", r->id);
	jw_end_object(w);
	jw_free(w);
	fflush(stdout);
}

/* Act on what `onetui transfers pause|resume|cancel` asked from elsewhere. */
static void
take_control(struct run *r)
{
	switch (od_runner_tick(r->x, r->rate)) {
	case OD_JOB_NONE:
		return;
	case OD_JOB_PAUSE:
		if (od_runner_held(r->x) || r->cancelled)
			return;
		od_runner_pause(r->x);
		clear_status(r);
		out_warn(_("paused by 'onetui transfers pause'; 'onetui transfers resume %s' goes on, Ctrl-C stops"),
			 r->id);
		json_event_state(r, "paused");
		break;
	case OD_JOB_RESUME:
		if (!od_runner_held(r->x))
			return;
		od_runner_resume(r->x);
		clear_status(r);
		out_warn(_("going on, as 'onetui transfers resume' asked"));
		json_event_state(r, "resumed");
		break;
	case OD_JOB_CANCEL:
		if (r->cancelled)
			return;
		r->cancelled = true;
		od_runner_cancel(r->x);
		break;
	}
	show_progress(r, true);
}

static void
summary(struct run *r)
{
	struct od_xfer_totals t;
	char *text;
	double secs = (double)(od_now_ms() - r->start_ms) / 1000.0;
	char rate[OD_SIZE_BUFSZ];

	od_runner_totals(r->x, &t);
	clear_status(r);
	if (r->mode == PROGRESS_JSON) {
		struct jw *w = jw_new(stdout);
		jw_begin_object(w);
		jw_kv_string(w, "event", "finished");
		jw_kv_string(w, "job", r->id);
		jw_kv_int(w, "files", (int64_t)t.files);
		jw_kv_int(w, "filesDone", (int64_t)t.files_done);
		jw_kv_int(w, "filesKept", (int64_t)t.files_kept);
		jw_kv_int(w, "filesFailed", (int64_t)t.files_failed);
		jw_kv_int(w, "bytes", (int64_t)t.bytes);
		jw_kv_int(w, "bytesDone", (int64_t)t.bytes_done);
		jw_kv_int(w, "bytesMoved", (int64_t)t.bytes_moved);
		jw_kv_int(w, "seconds", (int64_t)secs);
		jw_kv_int(w, "exitCode", r->rc);
		jw_end_object(w);
		jw_free(w);
		fflush(stdout);
		return;
	}
	if (r->mode == PROGRESS_NONE && r->rc == EXIT_OK && !t.files_failed)
		return;
	text = status_text(r, true);
	od_size_human(secs > 0.01 ? (int64_t)((double)t.bytes_moved / secs) : 0, rate);
	fprintf(stderr, r->upload ? _("onetui: %s in %.1f s (%s/s): %llu sent, %llu already there, %llu failed\n")
					       : _("onetui: %s in %.1f s (%s/s): %llu fetched, %llu already there, %llu failed\n"),
		text, secs,
		rate, (unsigned long long)t.files_done, (unsigned long long)t.files_kept,
		(unsigned long long)t.files_failed);
	free(text);
	if (r->rc == EXIT_INTERRUPTED || (r->rc != EXIT_OK && t.files_done + t.files_kept < t.files))
		fprintf(stderr, _("onetui: resume with: onetui transfers resume %s\n"), r->id);
}

/* `onetui transfers cancel` from elsewhere: the job ends for good. */
static void
cancelled(struct run *r, const struct od_xfer_totals *t)
{
	struct od_error *err = od_runner_cancelled(r->x, t, out_warn_unremoved, NULL);

	clear_status(r);
	if (err)
		out_fail(err, NULL);
	json_event_state(r, "cancelled");
	out_error(_("job %s was cancelled by 'onetui transfers cancel'; its partial files are removed"), r->id);
}

static void
drive(struct run *r)
{
	struct od_engine *e = r->s->engine;
	bool cancelled = false;

	od_runner_start(r->x);
	while (!r->finished) {
		long t;

		od_engine_perform(e);
		if (r->finished)
			break;
		if (session_interrupted() && !cancelled) {
			cancelled = true;
			od_runner_cancel(r->x);
			continue;
		}
		take_control(r);
		if (r->paused && !od_runner_held(r->x) && od_now_ms() - r->token_ms >= TOKEN_POLL_MS) {
			r->token_ms = od_now_ms();
			if (session_reload_token(r->s)) {
				r->paused = false;
				clear_status(r);
				out_warn(_("a new token was found; going on"));
				od_runner_resume(r->x);
			}
		}
		show_progress(r, false);
		t = od_engine_timeout(e);
		if (t < 0 || t > DRAW_MS)
			t = DRAW_MS;
		if (t > 0 && od_engine_wait(e, NULL, 0, t) != 0 && errno != EINTR)
			break;
	}
}

static void
say_source(const char *remote, const struct od_error *err, void *ud)
{
	struct run *r = ud;

	clear_status(r);
	out_error("%s: %s", remote, err->message);
	r->rc = EXIT_FAILED;
}

/* --- running ------------------------------------------------------------------------- */

static void
free_manifest(struct run *r)
{
	for (size_t i = 0; i < r->n_man; i++) {
		free(r->man[i].path);
		free(r->man[i].sha256);
		free(r->man[i].file_id);
		free(r->man[i].provider);
	}
	free(r->man);
}

int
job_run(struct session *s, const char *path, enum progress_mode mode)
{
	struct run r = { .s = s, .mode = mode };
	struct od_job_info ji;
	struct od_xfer_totals t;
	struct od_error *err;
	int rc;

	if ((err = od_job_load_path(path, &ji))) {
		od_job_info_done(&ji);
		return out_fail(err, NULL);
	}
	r.upload = strcmp(ji.kind, "upload") == 0;
	r.o = ji.opts;
	r.id = ji.id;
	if (ji.state) {
		out_error(_("job %s has ended already"), r.id);
		od_job_info_done(&ji);
		return EXIT_FAILED;
	}
	if (strcmp(ji.zone, od_zone_origin(s->zone)) != 0) {
		char *safe = out_safe(ji.zone);
		out_error(_("job %s belongs to the zone %s; choose it with --zone or --profile"), r.id, safe);
		free(safe);
		od_job_info_done(&ji);
		return EXIT_USAGE;
	}
	if (mode == PROGRESS_AUTO)
		r.mode = isatty(STDERR_FILENO) ? PROGRESS_AUTO : PROGRESS_LINES;
	/* The journal claimed, and what earlier runs recorded replayed. */
	if ((err = od_runner_new(s->zone, &ji, on_event, &r, &r.x))) {
		rc = out_fail(err, _("Cannot run job %s"), r.id);
		od_job_info_done(&ji);
		return rc;
	}
	if (ji.damaged)
		out_warn(_("%zu damaged lines in the journal of job %s were passed over"), ji.damaged, r.id);
	r.start_ms = r.shown_ms = r.rate_ms = od_now_ms();
	if (r.upload)
		od_runner_add_sources(r.x, say_source, &r);
	else
		r.rc = download_sources(&r, ji.sources);
	drive(&r);
	od_runner_totals(r.x, &t);
	if (r.cancelled) {
		cancelled(&r, &t);
		rc = EXIT_FAILED;
	} else {
		if (r.rc == EXIT_OK && t.files_failed)
			r.rc = EXIT_FAILED;
		if (r.rc != EXIT_INTERRUPTED && r.o.manifest && write_manifest(&r) != EXIT_OK && r.rc == EXIT_OK)
			r.rc = EXIT_FAILED;
		/* A job with failures stays resumable: retrying picks them up. */
		if (r.rc == EXIT_OK)
			record_state(&r, "finished", &t);
		summary(&r);
		rc = r.rc;
	}
	od_runner_free(r.x);
	od_job_info_done(&ji);
	free_manifest(&r);
	return rc;
}

int
job_create_and_run(struct session *s, const char *kind, cJSON *sources, const struct od_job_opts *o,
		   enum progress_mode mode)
{
	char *path;
	struct od_error *err = od_job_create(kind, od_zone_origin(s->zone), sources, o, &path);
	int rc;

	if (err)
		return out_fail(err, _("Cannot record the job"));
	rc = job_run(s, path, mode);
	free(path);
	return rc;
}
