/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-watch.c: "watch", an acquisition folder carried into a space while
 * the instrument writes, and "ingest", a finished one in one go; both
 * journaled sessions (ingest.h) that the same command takes up again
 * after any stop. "watch status" lists the sessions of this machine,
 * "watch end" ends one that runs elsewhere.
 *
 * A session runs in the foreground (under tmux, screen or a systemd user
 * service) and says what it does as time-stamped lines on stderr, or as
 * one JSON event per line on stdout, and in a log file if asked, which
 * is rotated as it grows. Ctrl-C or SIGTERM stop it where it is;
 * SIGUSR1 ends it once what is complete is sent.
 *
 * Around the session, the steps of ingest-steps.h: a dataset and its
 * metadata before anything is sent, protection and a handout once the
 * session has ended. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cmd.h"
#include "cli/ingest-steps.h"
#include "cli/jobrun.h"
#include "cli/output.h"
#include "onetui/i18n.h"
#include "onetui/ingest.h"
#include "onetui/str.h"
#include "xmalloc.h"

enum {
	OPT_POLL = 0x300,
	OPT_INOTIFY,
	OPT_STABLE,
	OPT_INCLUDE,
	OPT_EXCLUDE,
	OPT_ALL_FILES,
	OPT_END_MARKER,
	OPT_IDLE_END,
	OPT_VERSIONS,
	OPT_LIMIT_RATE,
	OPT_PROGRESS,
	OPT_LOG,
};

/* How often a paused session looks for a new token. */
#define TOKEN_POLL_MS 5000
/* The log file is rotated at this size, keeping this many old ones. */
#define LOG_MAX_BYTES (10L << 20)
#define LOG_KEEP 5
#define MAX_GLOBS 64

struct watch_run {
	struct session *s;
	struct od_ingest *in;
	enum progress_mode mode;
	bool verbose;		/* files noticed are said too */
	struct jw *json;
	const char *log_path;	/* NULL: no log file */
	FILE *log;
	bool ended, paused;
	uint64_t failed;
	long long token_ms;
};

static volatile sig_atomic_t end_asked;

static void
on_usr1(int sig)
{
	(void)sig;
	end_asked = 1;
}

/* --- saying what happens -------------------------------------------------------------- */

/* FILE.1 ... FILE.LOG_KEEP: the oldest goes. */
static void
rotate_log(struct watch_run *r)
{
	for (int i = LOG_KEEP - 1; i >= 0; i--) {
		char *from = i ? xasprintf("%s.%d", r->log_path, i) : xstrdup(r->log_path);
		char *to = xasprintf("%s.%d", r->log_path, i + 1);
		if (rename(from, to) != 0 && errno != ENOENT)
			out_warn(_("cannot rotate the log %s: %s"), from, strerror(errno));
		free(from);
		free(to);
	}
}

static bool
open_log(struct watch_run *r)
{
	if (!(r->log = fopen(r->log_path, "ae"))) {
		out_error(_("cannot write the log %s: %s"), r->log_path, strerror(errno));
		return false;
	}
	setvbuf(r->log, NULL, _IOLBF, 0);
	return true;
}

/* A line to the log file, which is rotated once it is big enough. */
static void
log_line(struct watch_run *r, const char *line)
{
	if (!r->log)
		return;
	fprintf(r->log, "%s\n", line);
	if (ftell(r->log) < LOG_MAX_BYTES)
		return;
	fclose(r->log);
	rotate_log(r);
	if (!open_log(r))
		r->log_path = NULL;
}

/* "2026-12-07 04:10:02 " before each line: a session runs for days. */
static void
say(struct watch_run *r, const char *fmt, ...) OD_PRINTF(2, 3);

static void
say(struct watch_run *r, const char *fmt, ...)
{
	char stamp[32], *text, *line;
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	if ((r->mode == PROGRESS_NONE || r->mode == PROGRESS_JSON) && !r->log)
		return;
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	va_start(ap, fmt);
	text = xneed(od_vasprintf(fmt, ap));
	va_end(ap);
	line = xasprintf("%s %s", stamp, text);
	if (r->mode != PROGRESS_NONE && r->mode != PROGRESS_JSON)
		fprintf(stderr, "%s\n", line);
	log_line(r, line);
	free(line);
	free(text);
}

static void
json_begin(struct watch_run *r, const char *event)
{
	jw_begin_object(r->json);
	jw_kv_string(r->json, "event", event);
	jw_kv_int(r->json, "time", (int64_t)time(NULL));
}

/* The object ends its line, and goes out at once. */
static void
json_end(struct watch_run *r)
{
	jw_end_object(r->json);
	fflush(stdout);
}

static void
on_event(const struct od_ingest_event *ev, void *ud)
{
	struct watch_run *r = ud;
	char size[OD_SIZE_BUFSZ], *path = ev->path ? out_safe(ev->path) : NULL;
	char *remote = ev->remote ? out_safe(ev->remote) : NULL;
	const char *kinds[] = { "seen", "sent", "failed", "problem", "paused", "ended" };

	if (r->mode == PROGRESS_JSON) {
		json_begin(r, kinds[ev->kind]);
		if (ev->path)
			jw_kv_string(r->json, "path", ev->path);
		if (ev->remote)
			jw_kv_string(r->json, "remote", ev->remote);
		if (ev->kind == OD_INGEST_SEEN || ev->kind == OD_INGEST_SENT || ev->kind == OD_INGEST_FAILED)
			jw_kv_int(r->json, "size", (int64_t)ev->size);
		if (ev->sha256)
			jw_kv_string(r->json, "sha256", ev->sha256);
		if (ev->kind == OD_INGEST_SENT)
			jw_kv_bool(r->json, "kept", ev->kept);
		if (ev->why)
			jw_kv_string(r->json, "why", ev->why);
		if (ev->err)
			jw_kv_string(r->json, "error", ev->err->message);
		json_end(r);
	}
	switch (ev->kind) {
	case OD_INGEST_SEEN:
		if (r->verbose)
			say(r, _("noticed %s (%s so far)"), path, od_size_human((int64_t)ev->size, size));
		break;
	case OD_INGEST_SENT:
		say(r, ev->kept ? _("already there: %s as %s") : _("sent %s as %s (%s)"), path, remote,
		    od_size_human((int64_t)ev->size, size));
		break;
	case OD_INGEST_FAILED:
		r->failed++;
		say(r, _("failed: %s: %s (tried again later)"), path, ev->err ? ev->err->message : "?");
		break;
	case OD_INGEST_PROBLEM:
		say(r, _("problem: %s"), ev->err ? ev->err->message : "?");
		break;
	case OD_INGEST_PAUSED:
		r->paused = true;
		r->token_ms = od_now_ms();
		say(r, _("paused: %s; put a valid token where onetui reads it (%s): it is looked at every %d s"),
		    ev->err ? ev->err->message : "?", r->s->token_source ? r->s->token_source : "?",
		    TOKEN_POLL_MS / 1000);
		break;
	case OD_INGEST_ENDED:
		r->ended = true;
		break;
	}
	free(path);
	free(remote);
}

/* What a step around the session did. */
static void
on_note(const struct ingest_note *n, void *ud)
{
	struct watch_run *r = ud;

	if (r->mode == PROGRESS_JSON) {
		json_begin(r, n->event);
		for (size_t i = 0; i < OD_ARRAY_SIZE(n->keys); i++)
			if (n->keys[i] && n->values[i])
				jw_kv_string(r->json, n->keys[i], n->values[i]);
		json_end(r);
	}
	say(r, "%s", n->line);
}

/* --- running ---------------------------------------------------------------------------- */

static const char *
mode_name(enum od_watch_mode m)
{
	return m == OD_WATCH_INOTIFY ? "inotify" : "polling";
}

static int
drive(struct watch_run *r)
{
	struct od_engine *e = r->s->engine;

	while (!r->ended && !session_interrupted()) {
		struct od_waitfd fd = { od_ingest_fd(r->in), POLLIN, 0 };
		long wait, t;

		if (end_asked) {
			end_asked = 0;
			say(r, "%s", _("ending: what is complete is sent first"));
			od_ingest_end(r->in);
		}
		od_engine_perform(e);
		od_ingest_run(r->in);
		if (r->ended)
			break;
		if (r->paused && od_now_ms() - r->token_ms >= TOKEN_POLL_MS) {
			r->token_ms = od_now_ms();
			if (session_reload_token(r->s)) {
				r->paused = false;
				say(r, "%s", _("a new token was found; going on"));
				od_ingest_resume(r->in);
			}
		}
		wait = od_ingest_next_ms(r->in);
		t = od_engine_timeout(e);
		if (t >= 0 && (wait < 0 || t < wait))
			wait = t;
		if (wait < 0 || wait > 1000)
			wait = 1000;
		if (od_engine_wait(e, &fd, fd.fd >= 0 ? 1 : 0, wait) != 0 && errno != EINTR)
			return EXIT_FAILED;
	}
	return r->ended ? EXIT_OK : EXIT_INTERRUPTED;
}

static int
summary(struct watch_run *r, int rc)
{
	struct od_ingest_totals t;
	char size[OD_SIZE_BUFSZ];

	od_ingest_totals(r->in, &t);
	if (r->mode == PROGRESS_JSON) {
		json_begin(r, r->ended ? "finished" : "stopped");
		jw_kv_string(r->json, "session", od_ingest_id(r->in));
		jw_kv_int(r->json, "files", (int64_t)t.files);
		jw_kv_int(r->json, "sent", (int64_t)t.sent);
		jw_kv_int(r->json, "failed", (int64_t)t.failed);
		jw_kv_int(r->json, "waiting", (int64_t)(t.pending + t.queued + t.sending));
		json_end(r);
	}
	if (r->ended)
		say(r, _("session %s ended: %llu files in the space, %llu failed; %s sent in this run"),
		    od_ingest_id(r->in), (unsigned long long)t.sent, (unsigned long long)t.failed,
		    od_size_human((int64_t)t.bytes_sent, size));
	else
		say(r, _("session %s stopped: %llu files in the space, %llu waiting; the same command goes on"),
		    od_ingest_id(r->in), (unsigned long long)t.sent,
		    (unsigned long long)(t.pending + t.queued + t.sending + t.failed));
	if (rc == EXIT_OK && t.failed)
		rc = EXIT_FAILED;
	return rc;
}

/* The source is a folder: said before any step makes something remote. */
static bool
local_folder(const char *local)
{
	struct stat st;

	if (stat(local, &st) != 0) {
		out_error(_("Cannot watch %s: %s"), local, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		out_error(_("Cannot watch %s: not a folder"), local);
		return false;
	}
	return true;
}

/* The options both commands take. */
struct watch_opts {
	struct od_ingest_opts o;
	const char *include[MAX_GLOBS], *exclude[2 * MAX_GLOBS];
	size_t n_include, n_exclude;
	bool all_files;
	enum progress_mode mode;
	const char *log;
	struct ingest_steps steps;
};

/* The first line of a run. The space's name comes from the zone, the
 * folder's from anyone: both are made safe. */
static void
say_start(struct watch_run *r, const char *local, const char *space, const char *path)
{
	char *safe_local = out_safe(local), *safe_space = out_safe(space), *safe_path = out_safe(path);

	say(r, _("session %s: %s into %s/%s, noticing files by %s"), od_ingest_id(r->in), safe_local, safe_space,
	    safe_path, mode_name(od_ingest_watch_mode(r->in)));
	free(safe_local);
	free(safe_space);
	free(safe_path);
}

/* The configuration's temporary files and times, under what the command
 * line says. An exit code. */
static int
apply_config(struct watch_opts *w, const struct od_config *cfg)
{
	size_t n_temp;
	const char *const *temp = od_ingest_temporary(cfg, &n_temp);

	if (!w->all_files && w->n_exclude + n_temp > OD_ARRAY_SIZE(w->exclude)) {
		out_error(_("too many globs: at most %zu --exclude and temporary files together"),
			  OD_ARRAY_SIZE(w->exclude));
		return EXIT_USAGE;
	}
	for (size_t i = 0; !w->all_files && i < n_temp; i++)
		w->exclude[w->n_exclude++] = temp[i];
	w->o.watch.include = w->include;
	w->o.watch.n_include = w->n_include;
	w->o.protect = w->steps.protect;	/* recorded, for whoever takes the session up */
	w->o.watch.exclude = w->exclude;
	w->o.watch.n_exclude = w->n_exclude;
	if (cfg && !w->o.watch.stable_ms && cfg->ingest_stable_ms)
		w->o.watch.stable_ms = cfg->ingest_stable_ms;
	if (cfg && cfg->ingest_poll_ms)
		w->o.watch.poll_ms = cfg->ingest_poll_ms;
	return EXIT_OK;
}

static int
run_session(const struct cmd_entry *e, struct global_opts *g, struct watch_opts *w, const char *source,
	    const char *target)
{
	struct watch_run r = { .mode = w->mode, .verbose = g->verbose > 0, .log_path = w->log };
	struct od_ingest_totals t;
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct od_space *sp;
	struct od_error *err;
	struct session s;
	const char *path;
	char *local = od_path_absolute(source, false);
	int rc;

	if (!local) {
		out_error(_("cannot tell the current directory: %s"), strerror(errno));
		return EXIT_FAILED;
	}
	rc = session_open(&s, g);
	if (rc == EXIT_OK)
		rc = apply_config(w, s.od.cfg);
	if (rc == EXIT_OK)
		rc = session_load_spaces(&s);
	if (rc == EXIT_OK)
		rc = session_target(&s, target, &sp, &path);
	/* What the steps need is read and checked before anything is made. */
	if (rc == EXIT_OK)
		rc = ingest_steps_prepare(&w->steps, e, &s);
	if (rc == EXIT_OK && !local_folder(local))
		rc = EXIT_FAILED;
	r.s = &s;
	if (rc == EXIT_OK && r.log_path && !open_log(&r))
		rc = EXIT_FAILED;
	if (rc != EXIT_OK) {
		session_close(&s);
		free(local);
		return rc;
	}
	if (r.mode == PROGRESS_JSON)
		r.json = jw_new(stdout);
	rc = ingest_steps_start(&w->steps, &s, target, on_note, &r);
	if (rc != EXIT_OK)
		;
	else if ((err = od_ingest_open(s.zone, sp, path, local, &w->o, on_event, &r, &r.in))) {
		rc = out_fail(err, _("Cannot watch %s"), source);
	} else {
		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR1, &sa, NULL);
		if (r.mode == PROGRESS_JSON) {
			json_begin(&r, "started");
			jw_kv_string(r.json, "session", od_ingest_id(r.in));
			jw_kv_string(r.json, "mode", mode_name(od_ingest_watch_mode(r.in)));
			jw_kv_string(r.json, "journal", od_ingest_journal_path(r.in));
			json_end(&r);
		}
		say_start(&r, local, sp->name, path);
		od_ingest_totals(r.in, &t);
		if (t.ending)
			say(&r, _("the end marker %s is there: what is complete is sent, then the session ends"),
			    w->o.end_marker);
		rc = drive(&r);
		/* Only a session that ended: one stopped is taken up again. */
		if (rc == EXIT_OK && r.ended)
			rc = ingest_steps_end(&w->steps, &s, target, on_note, &r);
		rc = summary(&r, rc);
		od_ingest_free(r.in);
	}
	if (r.json)
		jw_free(r.json);
	if (r.log)
		fclose(r.log);
	session_close(&s);
	free(local);
	return rc;
}

/* --- status and end -------------------------------------------------------------------- */

static int
watch_status(bool json)
{
	struct od_ingest_info *v;
	struct od_error *err;
	size_t n;

	if ((err = od_ingest_list(&v, &n)))
		return out_fail(err, _("Cannot list the ingest sessions"));
	if (json) {
		struct jw *j = jw_new(stdout);
		jw_begin_array(j);
		for (size_t i = 0; i < n; i++) {
			jw_begin_object(j);
			jw_kv_string(j, "session", v[i].id);
			jw_kv_string(j, "source", v[i].source);
			jw_kv_string(j, "space", v[i].space);
			jw_kv_string(j, "spaceId", v[i].space_id);
			jw_kv_string(j, "dest", v[i].dest);
			jw_kv_string(j, "zone", v[i].zone);
			jw_kv_bool(j, "running", v[i].running);
			jw_kv_string(j, "ended", v[i].ended);
			jw_kv_int(j, "files", (int64_t)v[i].files);
			jw_kv_int(j, "sent", (int64_t)v[i].sent);
			jw_kv_int(j, "waiting", (int64_t)v[i].waiting);
			jw_kv_int(j, "failed", (int64_t)v[i].failed);
			jw_kv_int(j, "created", v[i].created);
			jw_kv_int(j, "last", v[i].last);
			jw_end_object(j);
		}
		jw_end_array(j);
		jw_free(j);
	} else if (!n) {
		printf("%s\n", _("No ingest session on this machine."));
	} else {
		const char *titles[] = { _("SESSION"), _("STATE"), _("FILES"), _("SENT"), _("WAITING"), _("FAILED"),
					 _("LAST"), _("SOURCE"), _("DESTINATION") };
		const bool right[OD_ARRAY_SIZE(titles)] = { false, false, true, true, true, true };
		struct table *t = table_new(OD_ARRAY_SIZE(titles), titles, right);
		for (size_t i = 0; i < n; i++) {
			char files[24], sent[24], waiting[24], failed[24], last[OD_TIME_BUFSZ], *state, *dest;
			snprintf(files, sizeof(files), "%llu", (unsigned long long)v[i].files);
			snprintf(sent, sizeof(sent), "%llu", (unsigned long long)v[i].sent);
			snprintf(waiting, sizeof(waiting), "%llu", (unsigned long long)v[i].waiting);
			snprintf(failed, sizeof(failed), "%llu", (unsigned long long)v[i].failed);
			state = v[i].running ? xstrdup(_("running"))
				: v[i].ended  ? xasprintf(_("ended (%s)"), v[i].ended)
					      : xstrdup(_("stopped"));
			dest = *v[i].dest ? xasprintf("%s/%s", v[i].space, v[i].dest) : xstrdup(v[i].space);
			table_add(t, (const char *const[]){ v[i].id, state, files, sent, waiting, failed,
							    v[i].last ? od_time_short(v[i].last, last) : "-",
							    v[i].source, dest });
			free(state);
			free(dest);
		}
		table_print(t, stdout);
		table_free(t);
	}
	od_ingest_list_free(v, n);
	return EXIT_OK;
}

static int
watch_end(const char *id)
{
	struct od_error *err = od_ingest_request_end(id);

	if (err)
		return out_fail(err, NULL);
	printf(_("Session %s ends once what is complete is sent (onetui watch status tells).\n"), id);
	return EXIT_OK;
}

/* --- options ---------------------------------------------------------------------------- */

static int
parse_opt(const struct cmd_entry *e, struct watch_opts *w, int c, bool *json)
{
	int64_t ms;
	long v;

	switch (c) {
	case 'j':
		if (!od_parse_long(optarg, 1, 64, &v))
			return cmd_usage_error(e, _("-j wants a number of files from 1 to 64"));
		w->o.upload.jobs = (unsigned)v;
		break;
	case OPT_POLL:
		w->o.watch.mode = OD_WATCH_POLL;
		break;
	case OPT_INOTIFY:
		w->o.watch.mode = OD_WATCH_INOTIFY;
		break;
	case OPT_STABLE:
		if (!od_parse_duration_ms(optarg, false, &ms))
			return cmd_usage_error(e, _("--stable wants a time such as 30 (seconds), 30s, 2m or 500ms"));
		/* 0 would mean the default to the core: complete at first sight. */
		w->o.watch.stable_ms = ms ? ms : -1;
		break;
	case OPT_INCLUDE:
	case OPT_EXCLUDE:
		if ((c == OPT_INCLUDE ? w->n_include : w->n_exclude) >= MAX_GLOBS)
			return cmd_usage_error(e, _("at most %d --include and %d --exclude"), MAX_GLOBS, MAX_GLOBS);
		if (c == OPT_INCLUDE)
			w->include[w->n_include++] = optarg;
		else
			w->exclude[w->n_exclude++] = optarg;
		break;
	case OPT_ALL_FILES:
		w->all_files = true;
		break;
	case OPT_END_MARKER:
		if (!*optarg || strchr(optarg, '/'))
			return cmd_usage_error(e, _("--end-marker wants a file name, without '/'"));
		w->o.end_marker = optarg;
		break;
	case OPT_IDLE_END:
		if (!od_parse_duration_ms(optarg, false, &ms) || !ms)
			return cmd_usage_error(e, _("--idle-end wants a time such as 30m, 2h or 600 (seconds)"));
		w->o.idle_end_ms = ms;
		break;
	case OPT_VERSIONS:
		w->o.keep_versions = true;
		break;
	case OPT_LIMIT_RATE:
		if (!od_parse_rate(optarg, &w->o.upload.max_speed))
			return cmd_usage_error(e, _("--limit-rate wants bytes per second, such as 500k, 20M or 1G"));
		break;
	case OPT_PROGRESS:
		if ((int)(w->mode = (enum progress_mode)progress_mode_parse(optarg)) < 0)
			return cmd_usage_error(e, _("--progress is auto, lines, json or none"));
		break;
	case OPT_LOG:
		w->log = optarg;
		break;
	case CMD_OPT_JSON:
		*json = true;
		break;
	default:
		return ingest_steps_option(&w->steps, e, c, optarg);
	}
	return EXIT_OK;
}

static int
exec_parsed(const struct cmd_entry *e, struct global_opts *g, struct watch_opts *w, int argc, char **argv,
	    bool once, bool json)
{
	if (!once && argc - optind >= 1 && strcmp(argv[optind], "status") == 0 && argc - optind == 1)
		return watch_status(json);
	if (!once && argc - optind == 2 && strcmp(argv[optind], "end") == 0)
		return watch_end(argv[optind + 1]);
	if (json)
		return cmd_usage_error(e, _("--json goes with status; --progress json gives events"));
	if (argc - optind != 2)
		return cmd_usage_error(e, _("name the local folder and the SPACE/PATH it goes to"));
	if (once)
		w->o.watch.stable_ms = -1;	/* a finished folder: complete as it is */
	if (w->mode == PROGRESS_AUTO)
		w->mode = PROGRESS_LINES;
	return run_session(e, g, w, argv[optind], argv[optind + 1]);
}

static int
exec_common(const struct cmd_entry *e, struct global_opts *g, int argc, char **argv, bool once)
{
	struct watch_opts w = { .o.once = once, .steps = INGEST_STEPS_INIT };
	bool json = false;
	int c, rc;

	while ((c = cmd_getopt(e, g, argc, argv)) != CMD_OPT_END) {
		if (c == CMD_OPT_EXIT)
			return cmd_exit_status;
		if ((rc = parse_opt(e, &w, c, &json)) != EXIT_OK)
			return rc;
	}
	rc = exec_parsed(e, g, &w, argc, argv, once, json);
	ingest_steps_done(&w.steps);
	return rc;
}

static int
watch_exec(struct global_opts *g, int argc, char **argv)
{
	return exec_common(&cmd_watch_entry, g, argc, argv, false);
}

static int
ingest_exec(struct global_opts *g, int argc, char **argv)
{
	return exec_common(&cmd_ingest_entry, g, argc, argv, true);
}

#define COMMON_OPTIONS \
	{ "jobs", required_argument, NULL, 'j' }, \
	{ "include", required_argument, NULL, OPT_INCLUDE }, \
	{ "exclude", required_argument, NULL, OPT_EXCLUDE }, \
	{ "all-files", no_argument, NULL, OPT_ALL_FILES }, \
	{ "versions", no_argument, NULL, OPT_VERSIONS }, \
	{ "limit-rate", required_argument, NULL, OPT_LIMIT_RATE }, \
	{ "progress", required_argument, NULL, OPT_PROGRESS }, \
	{ "log", required_argument, NULL, OPT_LOG }, \
	INGEST_STEPS_OPTIONS

static const struct option watch_options[] = {
	COMMON_OPTIONS,
	{ "poll", no_argument, NULL, OPT_POLL },
	{ "inotify", no_argument, NULL, OPT_INOTIFY },
	{ "stable", required_argument, NULL, OPT_STABLE },
	{ "end-marker", required_argument, NULL, OPT_END_MARKER },
	{ "idle-end", required_argument, NULL, OPT_IDLE_END },
	CMD_JSON_OPTION,
	{ NULL, 0, NULL, 0 },
};

static const struct option ingest_options[] = {
	COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.usage = N_("[--poll|--inotify] [--stable TIME] [--include GLOB]... [--exclude GLOB]... [--all-files] "
		    "[--end-marker NAME] [--idle-end TIME] [--versions] [-j N] [--limit-rate RATE] "
		    "[--progress lines|json|none] [--log FILE] [--dataset] [--metadata FILE] [--template NAME [--field K=V]...] "
		    "[--protect data|data,metadata] [--handout FILE [--handout-template NAME] [--no-invite]] "
		    "FOLDER SPACE/PATH | status [--json] | end SESSION"),
	.summary = N_("carry what an instrument writes into a space as it is written, losing nothing"),
	.shortopts = "j:",
	.longopts = watch_options,
	.exec = watch_exec,
};

const struct cmd_entry cmd_ingest_entry = {
	.name = "ingest",
	.usage = N_("[--include GLOB]... [--exclude GLOB]... [--all-files] [--versions] [-j N] [--limit-rate RATE] "
		    "[--progress lines|json|none] [--log FILE] [--dataset] [--metadata FILE] [--template NAME [--field K=V]...] "
		    "[--protect data|data,metadata] [--handout FILE [--handout-template NAME] [--no-invite]] "
		    "FOLDER SPACE/PATH"),
	.summary = N_("carry a finished acquisition folder into a space, resumably, verified"),
	.shortopts = "j:",
	.longopts = ingest_options,
	.exec = ingest_exec,
};
