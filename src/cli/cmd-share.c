/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-share.c: "share": publish a file or directory (create), list
 * shares (per file, per space, over all spaces, zone-wide), show one with
 * its handle, rename, describe, delete; register a handle (DOI/PID) for
 * a share and list the handle services that may register one. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "onetui/i18n.h"
#include "onetui/share.h"
#include "onetui/str.h"
#include "xmalloc.h"

enum {
	OPT_ALL = 0x300,
	OPT_YES,
	OPT_NAME,
	OPT_DESCRIPTION,
	OPT_DESCRIPTION_FILE,
	OPT_FILE,
	OPT_SERVICE,
	OPT_DC,		/* OPT_DC + enum od_dc_element: one Dublin Core value */
};

/* Longest description read from a file: far beyond any README. */
#define MAX_DESCRIPTION (1 << 20)

struct opts {
	bool json, all, yes;
	const char *name;
	const char *description, *description_file;
	const char *service;
	struct od_dc_value *dc;		/* the handle's metadata, in the order given */
	size_t n_dc;
};

/* --- what the user types ------------------------------------------------------ */

/* Text the user gave for a name (one line) or a description (lines),
 * checked as od_share_text_check says; the reason printed. */
static bool
text_ok(const char *what, const char *s, bool lines)
{
	struct od_error *err = od_share_text_check(what, s, lines);

	if (!err)
		return true;
	out_error("%s", err->message);
	od_error_free(err);
	return false;
}

/* The description from --description or --description-file (NULL when
 * neither was given); *rc set on failure: a bad argument is a usage
 * error, a bad file a failure. Caller frees. */
static char *
description_text(const char *text, const char *file, int *rc)
{
	char *d = NULL;
	size_t len = 0;

	*rc = EXIT_OK;
	if (text) {
		if (text_ok(_("description"), text, true))
			return xstrdup(text);
		*rc = EXIT_USAGE;
		return NULL;
	}
	if (!file || (*rc = cli_read_input(file, &d, &len)) != EXIT_OK)
		return NULL;
	if (strlen(d) != len)
		out_error(_("the description in %s holds a NUL byte"), file);
	else if (len > MAX_DESCRIPTION)
		out_error(_("the description in %s is larger than %d bytes"), file, MAX_DESCRIPTION);
	else if (text_ok(_("description"), d, true))
		return d;
	*rc = EXIT_FAILED;
	free(d);
	return NULL;
}

/* --- one share ------------------------------------------------------------------ */

/* A share record, copied out of the callback. */
struct share {
	struct od_error *err;
	char *id, *name, *description, *public_url, *rest_url, *root_file_id, *handle_id, *space_id, *creator;
	bool dir;
	int64_t created;
};

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void
share_copy(struct share *w, const struct od_share *sh)
{
	w->id = xstrdup(sh->id);
	w->name = xstrdup(sh->name);
	w->description = dup_or_null(sh->description);
	w->public_url = xstrdup(sh->public_url);
	w->rest_url = dup_or_null(sh->public_rest_url);
	w->root_file_id = xstrdup(sh->root_file_id);
	w->handle_id = dup_or_null(sh->handle_id);
	w->space_id = dup_or_null(sh->space_id);
	w->creator = dup_or_null(sh->creator_id);
	w->dir = sh->root_type == OD_FILE_DIR;
	w->created = sh->created;
}

static void
share_done(struct share *w)
{
	od_error_free(w->err);
	free(w->id);
	free(w->name);
	free(w->description);
	free(w->public_url);
	free(w->rest_url);
	free(w->root_file_id);
	free(w->handle_id);
	free(w->space_id);
	free(w->creator);
	memset(w, 0, sizeof(*w));
}

static void
on_share(const struct od_share *sh, struct od_error *err, void *ud)
{
	struct share *w = ud;

	w->err = err;
	if (!err)
		share_copy(w, sh);
}

/* Onezone's record of share id; errors printed. */
static int
get_share(struct session *s, const char *id, struct share *w)
{
	int rc;

	memset(w, 0, sizeof(*w));
	if (!od_share_get_zone(s->zone, id, on_share, w))
		xoom();
	session_run(s);
	if (w->err) {
		rc = out_fail(w->err, _("Cannot read share %s"), id);
		w->err = NULL;
		return rc;
	}
	return session_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

struct handle {
	struct od_error *err;
	char *id, *public_handle, *service_id, *metadata;
};

static void
on_handle(const struct od_handle *h, struct od_error *err, void *ud)
{
	struct handle *w = ud;

	w->err = err;
	if (!err) {
		w->id = xstrdup(h->id);
		w->public_handle = xstrdup(h->public_handle);
		w->service_id = xstrdup(h->service_id);
		w->metadata = dup_or_null(h->metadata);
	}
}

static void
handle_done(struct handle *h)
{
	od_error_free(h->err);
	free(h->id);
	free(h->public_handle);
	free(h->service_id);
	free(h->metadata);
	memset(h, 0, sizeof(*h));
}

/* The handle's public record; errors printed. */
static int
get_handle(struct session *s, const char *id, struct handle *h)
{
	int rc;

	memset(h, 0, sizeof(*h));
	if (!od_handle_get(s->zone, id, on_handle, h))
		xoom();
	session_run(s);
	if (h->err) {
		rc = out_fail(h->err, _("Cannot read handle %s"), id);
		h->err = NULL;
		return rc;
	}
	return session_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

/* The name of the space with this id, or the id when it is not one of
 * the user's. */
static const char *
space_name(struct session *s, const char *id)
{
	struct od_space *sp;
	struct od_error *err = id ? od_zone_find_space(s->zone, id, &sp) : NULL;

	od_error_free(err);
	return !id ? "-" : err ? id : sp->name;
}

static void
print_share(struct session *s, const struct share *w, const struct handle *h, bool json)
{
	static const char *const labels[] = { N_("Share"), N_("Name"), N_("Space"), N_("Type"), N_("Public URL"),
					      N_("REST URL"), N_("Root file"), N_("Created"), N_("Creator"),
					      N_("Handle"), N_("Handle id"), N_("Description") };
	const char *tl[OD_ARRAY_SIZE(labels)];
	char when[OD_TIME_BUFSZ];
	int lw;

	if (json) {
		struct jw *j = jw_new(stdout);
		jw_begin_object(j);
		jw_kv_string(j, "shareId", w->id);
		jw_kv_string(j, "name", w->name);
		jw_kv_string(j, "description", w->description);
		jw_kv_string(j, "spaceId", w->space_id);
		jw_kv_string(j, "fileType", w->dir ? "dir" : "file");
		jw_kv_string(j, "publicUrl", w->public_url);
		jw_kv_string(j, "publicRestUrl", w->rest_url);
		jw_kv_string(j, "rootFileId", w->root_file_id);
		jw_kv_string(j, "creatorId", w->creator);
		if (w->created >= 0)
			jw_kv_int(j, "creationTime", w->created);
		jw_kv_string(j, "handleId", w->handle_id);
		jw_key(j, "handle");
		if (h && h->id) {
			jw_begin_object(j);
			jw_kv_string(j, "handleId", h->id);
			jw_kv_string(j, "publicHandle", h->public_handle);
			jw_kv_string(j, "handleServiceId", h->service_id);
			jw_kv_string(j, "metadata", h->metadata);
			jw_end_object(j);
		} else {
			jw_null(j);
		}
		jw_end_object(j);
		jw_free(j);
		putchar('\n');
		return;
	}
	for (size_t i = 0; i < OD_ARRAY_SIZE(labels); i++)
		tl[i] = _(labels[i]);
	lw = out_label_width(tl, OD_ARRAY_SIZE(tl));
	out_field(stdout, lw, tl[0], "%s", w->id);
	out_field(stdout, lw, tl[1], "%s", w->name);
	out_field(stdout, lw, tl[2], "%s", space_name(s, w->space_id));
	out_field(stdout, lw, tl[3], "%s", w->dir ? _("directory") : _("file"));
	out_field(stdout, lw, tl[4], "%s", w->public_url);
	if (w->rest_url)
		out_field(stdout, lw, tl[5], "%s", w->rest_url);
	out_field(stdout, lw, tl[6], "%s", w->root_file_id);
	if (w->created >= 0)
		out_field(stdout, lw, tl[7], "%s", od_time_iso(w->created, when));
	if (w->creator)
		out_field(stdout, lw, tl[8], "%s", w->creator);
	if (h && h->id) {
		out_field(stdout, lw, tl[9], "%s", h->public_handle);
		out_field(stdout, lw, tl[10], "%s", h->id);
	} else {
		out_field(stdout, lw, tl[9], "%s", _("none"));
	}
	/* The Markdown as written, line by line, each line sanitised. */
	if (w->description && *w->description) {
		const char *line = w->description;
		bool first = true;
		while (*line) {
			const char *nl = strchr(line, '\n');
			int n = nl ? (int)(nl - line) : (int)strlen(line);
			out_field(stdout, lw, first ? tl[11] : "", "%.*s", n, line);
			first = false;
			line += n + (nl ? 1 : 0);
		}
	}
}

/* The share and its handle, shown. */
static int
share_show(struct session *s, const struct opts *o, const char *id)
{
	struct share w;
	struct handle h = { 0 };
	int rc = get_share(s, id, &w);

	if (rc == EXIT_OK && w.handle_id)
		rc = get_handle(s, w.handle_id, &h);
	if (rc == EXIT_OK)
		print_share(s, &w, &h, o->json);
	handle_done(&h);
	share_done(&w);
	return rc;
}

/* --- listing ------------------------------------------------------------------------ */

struct listing {
	struct od_error *err;
	struct share *v;
	size_t n;
};

static void
on_shares(const struct od_share *v, size_t n, struct od_error *err, void *ud)
{
	struct listing *l = ud;

	l->err = err;
	l->v = xcalloc(n + 1, sizeof(*l->v));
	for (size_t i = 0; i < n; i++)
		share_copy(&l->v[i], &v[i]);
	l->n = n;
}

static void
print_listing(struct session *s, const struct listing *l, bool json)
{
	static const char *const titles[] = { N_("SHARE"), N_("NAME"), N_("SPACE"), N_("PUBLIC URL") };
	const char *tt[OD_ARRAY_SIZE(titles)];

	if (json) {
		struct jw *j = jw_new(stdout);
		jw_begin_object(j);
		jw_key(j, "shares");
		jw_begin_array(j);
		for (size_t i = 0; i < l->n; i++) {
			const struct share *w = &l->v[i];
			jw_begin_object(j);
			jw_kv_string(j, "shareId", w->id);
			jw_kv_string(j, "name", w->name);
			jw_kv_string(j, "spaceId", w->space_id);
			jw_kv_string(j, "fileType", w->dir ? "dir" : "file");
			jw_kv_string(j, "publicUrl", w->public_url);
			jw_kv_string(j, "publicRestUrl", w->rest_url);
			jw_kv_string(j, "rootFileId", w->root_file_id);
			jw_kv_string(j, "handleId", w->handle_id);
			if (w->created >= 0)
				jw_kv_int(j, "creationTime", w->created);
			jw_end_object(j);
		}
		jw_end_array(j);
		jw_end_object(j);
		jw_free(j);
		putchar('\n');
		return;
	}
	for (size_t i = 0; i < OD_ARRAY_SIZE(titles); i++)
		tt[i] = _(titles[i]);
	struct table *t = table_new(OD_ARRAY_SIZE(titles), tt, NULL);
	for (size_t i = 0; i < l->n; i++)
		table_add(t, (const char *const[]){ l->v[i].id, l->v[i].name, space_name(s, l->v[i].space_id),
						    l->v[i].public_url });
	table_print(t, stdout);
	table_free(t);
}

/* Whether arg is SPACE alone (no path below it, a trailing '/' aside). */
static bool
space_only(const char *arg)
{
	const char *slash;

	if (*arg == '/')
		arg++;
	slash = strchr(arg, '/');
	return !slash || !slash[strspn(slash, "/")];
}

static int
share_ls(struct session *s, const struct opts *o, const char *arg)
{
	enum od_share_scope scope = o->all ? OD_SHARES_ZONE : OD_SHARES_VISIBLE;
	struct target_stat st = { 0 };
	struct od_space *sp = NULL;
	struct listing l = { 0 };
	const char *what = o->all ? _("the zone") : _("your spaces");
	int rc = EXIT_OK;

	if (arg && space_only(arg)) {
		const char *path;
		if ((rc = session_target(s, arg, &sp, &path)) != EXIT_OK)
			return rc;
		scope = OD_SHARES_SPACE;
		what = sp->name;
	} else if (arg) {
		if ((rc = session_stat_target(s, arg, &sp, &st)) != EXIT_OK)
			return rc;
		scope = OD_SHARES_FILE;
		what = arg;
	}
	if (!od_shares_list(s->zone, scope, sp, st.file_id, on_shares, &l))
		xoom();
	session_run(s);
	target_stat_done(&st);
	if (l.err)
		rc = out_fail(l.err, _("Cannot list the shares of %s"), what);
	else if (session_interrupted())
		rc = EXIT_INTERRUPTED;
	/* What could be read is shown even when some of it could not. */
	if (rc == EXIT_OK || l.n)
		print_listing(s, &l, o->json);
	for (size_t i = 0; i < l.n; i++)
		share_done(&l.v[i]);
	free(l.v);
	return rc;
}

/* --- changes --------------------------------------------------------------------------- */

static int
share_create(struct session *s, const struct opts *o, const char *arg)
{
	struct target_stat st;
	struct od_space *sp;
	struct answer a = { 0 };
	struct share w;
	char *description;
	const char *name;
	int rc;

	if (o->name && !*o->name)
		return cmd_usage_error(&cmd_share_entry, _("the share's name is empty"));
	if (o->name && !text_ok(_("name"), o->name, false))
		return EXIT_USAGE;
	if (!(description = description_text(o->description, o->description_file, &rc)) && rc != EXIT_OK)
		return rc;
	if ((rc = session_stat_target(s, arg, &sp, &st)) != EXIT_OK) {
		free(description);
		return rc;
	}
	/* By default the share is called what the file is called. */
	name = o->name ? o->name : st.name;
	rc = session_answer(s, od_share_create(s->zone, sp, st.file_id, name, description, answer_id, &a), &a,
			    _("Cannot share %s"), arg);
	target_stat_done(&st);
	free(description);
	if (rc == EXIT_OK)
		rc = get_share(s, a.id, &w);
	if (rc == EXIT_OK) {
		if (o->json) {
			print_share(s, &w, NULL, true);
		} else {
			char *id = out_safe(w.id), *url = out_safe(w.public_url);
			char *rest = out_safe(w.rest_url ? w.rest_url : "-");
			printf("%s\n%s\n%s\n", id, url, rest);
			free(id);
			free(url);
			free(rest);
		}
		share_done(&w);
	}
	free(a.id);
	return rc;
}

static int
share_change(struct session *s, const struct opts *o, const char *id, const char *name, const char *description)
{
	struct answer a = { 0 };
	struct share w;
	int rc = get_share(s, id, &w);

	if (rc != EXIT_OK)
		return rc;
	rc = session_answer(s, od_share_update(s->zone, id, w.space_id, name, description, answer_done, &a), &a,
			    _("Cannot change share %s"), id);
	share_done(&w);
	return rc == EXIT_OK ? share_show(s, o, id) : rc;
}

static int
share_rename(struct session *s, const struct opts *o, const char *id, const char *name)
{
	if (!*name)
		return cmd_usage_error(&cmd_share_entry, _("the share's name is empty"));
	if (!text_ok(_("name"), name, false))
		return EXIT_USAGE;
	return share_change(s, o, id, name, NULL);
}

static int
share_describe(struct session *s, const struct opts *o, const char *id, const char *text)
{
	char *description;
	int rc;

	if (!!text == !!o->description_file)
		return cmd_usage_error(&cmd_share_entry, _("describe takes the text or --file, one of them"));
	if (!(description = description_text(text, o->description_file, &rc)))
		return rc;
	rc = share_change(s, o, id, NULL, description);
	free(description);
	return rc;
}

static int
share_rm(struct session *s, const struct opts *o, const char *id)
{
	struct answer a = { 0 };
	struct od_space *sp;
	struct od_error *err;
	struct share w;
	int rc = get_share(s, id, &w);

	if (rc != EXIT_OK)
		return rc;
	/* Deleting goes through a provider of the share's space. */
	if ((err = od_zone_find_space(s->zone, w.space_id ? w.space_id : "", &sp))) {
		rc = out_fail(err, _("Cannot delete share %s"), id);
		share_done(&w);
		return rc;
	}
	rc = out_confirm_remote(o->yes, xasprintf(_("delete share %s (%s)? Its public URL stops working; the data "
						     "stays"),
						   w.name, w.id));
	if (rc == EXIT_OK)
		rc = session_answer(s, od_share_delete(s->zone, sp, w.id, w.name, answer_done, &a), &a,
				    _("Cannot delete share %s"), id);
	if (rc == EXIT_OK && o->json)
		out_id("shareId", w.id, true);
	share_done(&w);
	return rc;
}

/* --- handles -------------------------------------------------------------------------- */

struct services {
	struct od_error *err;
	char **ids, **names;
	size_t n;
};

static void
on_services(const struct od_handle_service *v, size_t n, struct od_error *err, void *ud)
{
	struct services *l = ud;

	l->err = err;
	l->ids = xcalloc(n + 1, sizeof(*l->ids));
	l->names = xcalloc(n + 1, sizeof(*l->names));
	for (size_t i = 0; i < n; i++) {
		l->ids[i] = xstrdup(v[i].id);
		l->names[i] = xstrdup(v[i].name);
	}
	l->n = n;
}

static void
services_done(struct services *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->ids[i]);
		free(l->names[i]);
	}
	free(l->ids);
	free(l->names);
	od_error_free(l->err);
	memset(l, 0, sizeof(*l));
}

static int
get_services(struct session *s, struct services *l)
{
	int rc;

	memset(l, 0, sizeof(*l));
	if (!od_handle_services(s->zone, on_services, l))
		xoom();
	session_run(s);
	if (l->err) {
		rc = out_fail(l->err, _("Cannot list your handle services"));
		l->err = NULL;
		return rc;
	}
	return session_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}

static int
handle_services(struct session *s, const struct opts *o)
{
	static const char *const titles[] = { N_("HANDLE SERVICE"), N_("NAME") };
	const char *tt[2] = { _(titles[0]), _(titles[1]) };
	struct services l;
	int rc = get_services(s, &l);

	if (rc == EXIT_OK && o->json) {
		struct jw *j = jw_new(stdout);
		jw_begin_object(j);
		jw_key(j, "handleServices");
		jw_begin_array(j);
		for (size_t i = 0; i < l.n; i++) {
			jw_begin_object(j);
			jw_kv_string(j, "handleServiceId", l.ids[i]);
			jw_kv_string(j, "name", l.names[i]);
			jw_end_object(j);
		}
		jw_end_array(j);
		jw_end_object(j);
		jw_free(j);
		putchar('\n');
	} else if (rc == EXIT_OK) {
		struct table *t = table_new(2, tt, NULL);
		for (size_t i = 0; i < l.n; i++)
			table_add(t, (const char *const[]){ l.ids[i], l.names[i] });
		table_print(t, stdout);
		table_free(t);
	}
	services_done(&l);
	return rc;
}

/* The handle service --service names: one of the user's by id or name.
 * An id that is none of them goes to Onezone as it is (a zone admin may
 * register anywhere; anyone else is refused there). */
static int
pick_service(struct session *s, const char *arg, char **id)
{
	struct services l;
	size_t found = 0, at = 0;
	int rc = get_services(s, &l);

	if (rc != EXIT_OK)
		return rc;
	for (size_t i = 0; i < l.n; i++)
		if (strcmp(l.ids[i], arg) == 0 || strcmp(l.names[i], arg) == 0) {
			found++;
			at = i;
		}
	if (found == 1) {
		*id = xstrdup(l.ids[at]);
	} else if (found > 1) {
		out_error(_("several handle services are called %s; give its id"), arg);
		rc = EXIT_USAGE;
	} else if (arg[strspn(arg, "0123456789abcdefghijklmnopqrstuvwxyz")] == '\0') {
		*id = xstrdup(arg);
	} else {
		out_error(_("you may register handles through no handle service called %s (see onetui share "
			    "handle-services)"),
			  arg);
		rc = EXIT_AUTH;
	}
	services_done(&l);
	return rc;
}

static int
share_handle(struct session *s, const struct opts *o, const char *share_id)
{
	struct od_dc_value *dc = NULL;
	struct od_error *err;
	struct answer a = { 0 };
	struct handle h = { 0 };
	struct share w;
	char *service = NULL, *xml = NULL;
	size_t n = o->n_dc;
	bool titled = false;
	int rc;

	if (!o->service)
		return cmd_usage_error(&cmd_share_entry, _("handle needs --service"));
	for (size_t i = 0; i < n; i++)
		if (!text_ok(od_dc_name(o->dc[i].element), o->dc[i].text, o->dc[i].element == OD_DC_DESCRIPTION))
			return EXIT_USAGE;
	if ((rc = get_share(s, share_id, &w)) != EXIT_OK)
		return rc;
	if (w.handle_id) {
		out_error(_("share %s already has a handle (%s)"), w.id, w.handle_id);
		share_done(&w);
		return EXIT_FAILED;
	}
	/* Without --title the share's name is the title. */
	for (size_t i = 0; i < n; i++)
		titled = titled || o->dc[i].element == OD_DC_TITLE;
	dc = xcalloc(n + 1, sizeof(*dc));
	if (n)
		memcpy(dc, o->dc, n * sizeof(*dc));
	if (!titled)
		dc[n++] = (struct od_dc_value){ .element = OD_DC_TITLE, .text = w.name };
	if ((err = od_dc_xml(dc, n, &xml)))
		rc = out_fail(err, _("Cannot make the handle's metadata"));
	if (rc == EXIT_OK)
		rc = pick_service(s, o->service, &service);
	if (rc == EXIT_OK)
		rc = session_answer(s, od_handle_register(s->zone, service, w.id, xml, answer_id, &a), &a,
				    _("Cannot register a handle for share %s"), share_id);
	if (rc == EXIT_OK)
		rc = get_handle(s, a.id, &h);
	if (rc == EXIT_OK && o->json) {
		struct jw *j = jw_new(stdout);
		jw_begin_object(j);
		jw_kv_string(j, "handleId", h.id);
		jw_kv_string(j, "publicHandle", h.public_handle);
		jw_kv_string(j, "handleServiceId", h.service_id);
		jw_kv_string(j, "shareId", w.id);
		jw_end_object(j);
		jw_free(j);
		putchar('\n');
	} else if (rc == EXIT_OK) {
		char *ph = out_safe(h.public_handle), *id = out_safe(h.id);
		printf("%s\n%s\n", ph, id);
		free(ph);
		free(id);
	}
	handle_done(&h);
	free(a.id);
	free(service);
	free(xml);
	free(dc);
	share_done(&w);
	return rc;
}

/* --- the command ------------------------------------------------------------------------ */

#define DC_OPTION(name, element) { name, required_argument, NULL, OPT_DC + (element) }

static const struct option share_options[] = {
	CMD_JSON_OPTION,
	{ "all", no_argument, NULL, OPT_ALL },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "description", required_argument, NULL, OPT_DESCRIPTION },
	{ "description-file", required_argument, NULL, OPT_DESCRIPTION_FILE },
	{ "file", required_argument, NULL, OPT_FILE },
	{ "service", required_argument, NULL, OPT_SERVICE },
	DC_OPTION("title", OD_DC_TITLE),
	DC_OPTION("creator", OD_DC_CREATOR),
	DC_OPTION("subject", OD_DC_SUBJECT),
	DC_OPTION("publisher", OD_DC_PUBLISHER),
	DC_OPTION("contributor", OD_DC_CONTRIBUTOR),
	DC_OPTION("date", OD_DC_DATE),
	DC_OPTION("type", OD_DC_TYPE),
	DC_OPTION("format", OD_DC_FORMAT),
	DC_OPTION("identifier", OD_DC_IDENTIFIER),
	DC_OPTION("source", OD_DC_SOURCE),
	DC_OPTION("language", OD_DC_LANGUAGE),
	DC_OPTION("relation", OD_DC_RELATION),
	DC_OPTION("coverage", OD_DC_COVERAGE),
	DC_OPTION("rights", OD_DC_RIGHTS),
	{ NULL, 0, NULL, 0 },
};

/* The options a verb takes (--json goes with every verb): bit
 * c - OPT_ALL of option c, OPT_DC's for every Dublin Core field. */
#define TAKES(c) (1u << ((c) - OPT_ALL))

struct verb {
	const char *name;
	int min, max;		/* arguments */
	unsigned takes;
};

static const struct verb verbs[] = {
	{ "ls", 0, 1, TAKES(OPT_ALL) },
	{ "create", 1, 1, TAKES(OPT_NAME) | TAKES(OPT_DESCRIPTION) | TAKES(OPT_DESCRIPTION_FILE) },
	{ "show", 1, 1, 0 },
	{ "rename", 2, 2, 0 },
	{ "describe", 1, 2, TAKES(OPT_FILE) },
	{ "rm", 1, 1, TAKES(OPT_YES) },
	{ "handle", 1, 1, TAKES(OPT_SERVICE) | TAKES(OPT_DC) | TAKES(OPT_DESCRIPTION) },
	{ "handle-services", 0, 0, 0 },
};

static int
share_run(struct session *s, const struct opts *o, const char *verb, char **args)
{
	if (strcmp(verb, "ls") == 0)
		return share_ls(s, o, args[0]);
	if (strcmp(verb, "create") == 0)
		return share_create(s, o, args[0]);
	if (strcmp(verb, "show") == 0)
		return share_show(s, o, args[0]);
	if (strcmp(verb, "rename") == 0)
		return share_rename(s, o, args[0], args[1]);
	if (strcmp(verb, "describe") == 0)
		return share_describe(s, o, args[0], args[1]);
	if (strcmp(verb, "rm") == 0)
		return share_rm(s, o, args[0]);
	if (strcmp(verb, "handle") == 0)
		return share_handle(s, o, args[0]);
	return handle_services(s, o);
}

static int
share_exec(struct global_opts *g, int argc, char **argv)
{
	struct opts o = { 0 };
	struct session s;
	const struct verb *v = NULL;
	const char *verb, *stray = NULL;
	char *args[3] = { NULL };
	unsigned given = 0;
	int c, n, rc;

	while ((c = cmd_getopt(&cmd_share_entry, g, argc, argv)) != CMD_OPT_END) {
		if (c == CMD_OPT_EXIT) {
			free(o.dc);
			return cmd_exit_status;
		}
		if (c >= OPT_ALL)
			given |= TAKES(c < OPT_DC ? c : OPT_DC);
		switch (c) {
		case CMD_OPT_JSON: o.json = true; break;
		case OPT_ALL: o.all = true; break;
		case OPT_YES: o.yes = true; break;
		case OPT_NAME: o.name = optarg; break;
		case OPT_DESCRIPTION: o.description = optarg; break;
		case OPT_DESCRIPTION_FILE:
		case OPT_FILE: o.description_file = optarg; break;
		case OPT_SERVICE: o.service = optarg; break;
		default:
			if (c >= OPT_DC && c < OPT_DC + OD_DC_COUNT) {
				o.dc = xrealloc(o.dc, (o.n_dc + 1) * sizeof(*o.dc));
				o.dc[o.n_dc++] = (struct od_dc_value){ .element = (enum od_dc_element)(c - OPT_DC),
								       .text = optarg };
			}
		}
	}
	verb = optind < argc ? argv[optind++] : "";
	n = argc - optind;
	for (size_t i = 0; i < OD_ARRAY_SIZE(verbs); i++)
		if (strcmp(verbs[i].name, verb) == 0)
			v = &verbs[i];
	/* An option given that the verb does not take. */
	for (const struct option *opt = share_options; v && opt->val < OPT_DC && opt->name && !stray; opt++)
		if (opt->val >= OPT_ALL && (given & ~v->takes & TAKES(opt->val)))
			stray = opt->name;
	if (v && !stray && o.n_dc && !(v->takes & TAKES(OPT_DC)))
		stray = od_dc_name(o.dc[0].element);
	if (!*verb)
		rc = cmd_usage_error(&cmd_share_entry, _("share needs a verb"));
	else if (!v)
		rc = cmd_usage_error(&cmd_share_entry, _("unknown share verb: '%s'"), verb);
	else if (n < v->min || n > v->max)
		rc = cmd_usage_error(&cmd_share_entry, _("wrong arguments for share %s"), verb);
	else if (stray)
		rc = cmd_usage_error(&cmd_share_entry, _("share %s does not take --%s"), verb, stray);
	else if (o.all && n)
		rc = cmd_usage_error(&cmd_share_entry, _("--all lists every share of the zone: ls --all, no SPACE"));
	else if (o.description && o.description_file)
		rc = cmd_usage_error(&cmd_share_entry, _("give --description or --description-file, not both"));
	else
		rc = EXIT_OK;
	if (rc != EXIT_OK) {
		free(o.dc);
		return rc;
	}
	/* In a handle, --description is the Dublin Core description. */
	if (strcmp(verb, "handle") == 0 && o.description) {
		o.dc = xrealloc(o.dc, (o.n_dc + 1) * sizeof(*o.dc));
		o.dc[o.n_dc++] = (struct od_dc_value){ .element = OD_DC_DESCRIPTION, .text = o.description };
	}
	for (int i = 0; i < n; i++)
		args[i] = argv[optind + i];
	rc = session_open(&s, g);
	if (rc == EXIT_OK)
		rc = session_load_spaces(&s);
	if (rc == EXIT_OK)
		rc = share_run(&s, &o, verb, args);
	session_close(&s);
	free(o.dc);
	return rc;
}

const struct cmd_entry cmd_share_entry = {
	.name = "share",
	.usage = N_("ls [SPACE | SPACE/PATH] [--all] | create [--name NAME] [--description TEXT | --description-file "
		    "FILE|-] SPACE/PATH | show SHAREID | rename SHAREID NAME | describe SHAREID (TEXT | --file "
		    "FILE|-) | rm [--yes] SHAREID | handle SHAREID --service NAME|ID --creator NAME [--title TEXT] "
		    "[--description TEXT] [--subject TEXT] [--publisher TEXT] [--date DATE] [--type TEXT] [--rights "
		    "TEXT] [--language CODE] [--identifier TEXT] ... | handle-services  [--json]"),
	.summary = N_("shares: publish files and directories, list, show, rename, describe, delete; register "
		      "handles (DOI/PID)"),
	.shortopts = "",
	.longopts = share_options,
	.exec = share_exec,
};
