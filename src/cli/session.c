/* SPDX-License-Identifier: GPL-3.0-or-later */
/* session.c: settings, token, engine and zone for a CLI command. */
#include "config.h"

#include "cli/session.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/output.h"
#include "onetui/buf.h"
#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/log.h"
#include "onetui/str.h"
#include "xmalloc.h"

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

bool
session_interrupted(void)
{
	return interrupted != 0;
}

static void
log_to_stderr(enum od_log_level level, const char *line, void *ud)
{
	switch (level) {
	case OD_LOG_ERROR:
		out_error("%s", line);
		break;
	case OD_LOG_WARN:
		out_warn("%s", line);
		break;
	case OD_LOG_INFO:
	case OD_LOG_DEBUG:
		out_error("%s%s", level == OD_LOG_INFO ? "" : "debug: ", line);
		break;
	}
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int
session_open(struct session *s, const struct global_opts *g)
{
	struct od_error *err;

	memset(s, 0, sizeof(*s));
	od_log_set_handler(log_to_stderr, NULL,
			   g->verbose >= 2 ? OD_LOG_DEBUG : g->verbose == 1 ? OD_LOG_INFO : OD_LOG_WARN);
	catch_signals();
	err = od_session_open(&s->od, g->config_path, &g->ov);
	if (err) {
		out_fail(err, NULL);
		return EXIT_SETUP;
	}
	s->zone = s->od.zone;
	s->engine = s->od.engine;
	s->token_source = s->od.token_source;
	return EXIT_OK;
}

void
session_close(struct session *s)
{
	od_session_close(&s->od);
	memset(s, 0, sizeof(*s));
}

void
session_run(struct session *s)
{
	od_engine_run(s->engine, &interrupted);
}

/* --- waiting for one result ------------------------------------------------------ */

static void
store_error(struct od_error *err, void *ud)
{
	*(struct od_error **)ud = err;
}

int
session_load_spaces(struct session *s)
{
	struct od_error *err = NULL;

	if (s->spaces_loaded)
		return EXIT_OK;
	if (!od_zone_load_spaces(s->zone, store_error, &err))
		xoom();
	session_run(s);
	if (err)
		return out_fail(err, _("Cannot get the spaces of this token from %s"), od_zone_origin(s->zone));
	s->spaces_loaded = true;
	return EXIT_OK;
}

int
session_target(struct session *s, const char *arg, struct od_space **space, const char **path)
{
	const char *slash;
	struct od_error *err;
	char *name;
	int rc;

	if (*arg == '/')
		arg++;
	slash = strchr(arg, '/');
	name = slash ? xasprintf("%.*s", (int)(slash - arg), arg) : xstrdup(arg);
	if (!*name) {
		free(name);
		out_error(_("\"%s\" names no space; expected SPACE or SPACE/PATH"), arg);
		return EXIT_USAGE;
	}
	rc = session_load_spaces(s);
	if (rc == EXIT_OK) {
		err = od_zone_find_space(s->zone, name, space);
		if (err)
			rc = out_fail(err, NULL);
	}
	free(name);
	*path = slash ? slash + 1 : "";
	return rc;
}

/* --- resolving a target ------------------------------------------------------------ */

struct stat_wait {
	struct session *s;
	struct od_space *space;
	struct target_stat *out;
	unsigned attrs;
	struct od_error *err;
};

static void
on_stat(const struct od_attrs *a, struct od_error *err, void *ud)
{
	struct stat_wait *w = ud;

	if (err) {
		w->err = err;
		return;
	}
	w->out->name = xstrdup(a->name);
	w->out->type = a->type;
	w->out->size = a->size;
	w->out->mode = a->mode;
	w->out->mtime = a->mtime;
	w->out->sha256 = a->sha256 ? xstrdup(a->sha256) : NULL;
	w->out->sha256_mtime = a->sha256_mtime;
	w->out->protection = a->protection;
}

static void
on_resolved(const char *file_id, struct od_error *err, void *ud)
{
	struct stat_wait *w = ud;

	if (err) {
		w->err = err;
		return;
	}
	w->out->file_id = xstrdup(file_id);
	if (!od_provider_stat(w->s->zone, w->space, file_id, w->attrs, on_stat, w))
		xoom();
}

int
session_stat_target(struct session *s, const char *arg, struct od_space **space, struct target_stat *out)
{
	return session_stat_target_attrs(s, arg, OD_ATTRS_LISTING, space, out);
}

static int
stat_target(struct session *s, const char *arg, unsigned attrs, struct od_space **space, struct target_stat *out,
	    bool *missing)
{
	struct stat_wait w = { .s = s, .out = out, .attrs = attrs };
	const char *path;
	int rc;

	memset(out, 0, sizeof(*out));
	out->sha256_mtime = -1;
	rc = session_target(s, arg, space, &path);
	if (rc != EXIT_OK)
		return rc;
	out->path = xstrdup(path);
	w.space = *space;
	if (!od_provider_resolve(s->zone, *space, path, on_resolved, &w))
		xoom();
	session_run(s);
	if (w.err && missing && w.err->kind == OD_ERR_POSIX && w.err->sys_errno == ENOENT) {
		od_error_free(w.err);
		*missing = true;
		free(out->file_id);
		out->file_id = NULL;
		return EXIT_OK;
	}
	if (w.err) {
		target_stat_done(out);
		return out_fail(w.err, _("Cannot access %s"), arg);
	}
	return EXIT_OK;
}

int
session_stat_target_attrs(struct session *s, const char *arg, unsigned attrs, struct od_space **space,
			  struct target_stat *out)
{
	return stat_target(s, arg, attrs, space, out, NULL);
}

int
session_probe_target(struct session *s, const char *arg, unsigned attrs, struct od_space **space,
		     struct target_stat *out, bool *missing)
{
	*missing = false;
	return stat_target(s, arg, attrs, space, out, missing);
}

void
target_stat_done(struct target_stat *t)
{
	free(t->file_id);
	free(t->name);
	free(t->sha256);
	free(t->path);
	memset(t, 0, sizeof(*t));
}

void
target_stat_attrs(const struct target_stat *t, struct od_attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->file_id = t->file_id;
	a->name = t->name;
	a->type = t->type;
	a->size = t->size;
	a->mode = t->mode;
	a->mtime = t->mtime;
	a->sha256 = t->sha256;
	a->sha256_mtime = t->sha256_mtime;
}

bool
session_reload_token(struct session *s)
{
	return od_session_reload_token(&s->od);
}

void
answer_id(const char *id, struct od_error *err, void *ud)
{
	struct answer *a = ud;

	a->err = err;
	if (!err)
		a->id = xstrdup(id);
}

void
answer_done(struct od_error *err, void *ud)
{
	((struct answer *)ud)->err = err;
}

void
answer_text(const char *text, size_t len, struct od_error *err, void *ud)
{
	struct answer *a = ud;

	a->err = err;
	if (!err && text) {
		a->text = xmalloc(len + 1);
		memcpy(a->text, text, len);
		a->text[len] = '\0';
		a->len = len;
	}
}

void
answer_dataset(const struct od_dataset_summary *d, struct od_error *err, void *ud)
{
	struct answer *a = ud;

	a->err = err;
	if (!err && d->direct)
		a->id = xstrdup(d->direct);
}

int
session_answer(struct session *s, struct od_op *op, struct answer *a, const char *fmt, ...)
{
	struct od_buf b;
	va_list ap;
	int rc;

	if (!op)
		xoom();
	session_run(s);
	if (!a->err)
		return session_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
	od_buf_init(&b, OD_BUF_UNLIMITED);
	va_start(ap, fmt);
	if (od_buf_vaddf(&b, fmt, ap) != 0)
		xoom();
	va_end(ap);
	rc = out_fail(a->err, "%s", od_buf_str(&b));
	a->err = NULL;
	od_buf_done(&b);
	return rc;
}
