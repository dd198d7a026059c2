/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-token.c: "token": list, show, create, invite, examine, confine,
 * revoke, unrevoke, rm and consume Onedata tokens.
 *
 * Token values are secrets. None is ever taken from the command line
 * (a pasted token is read from stdin, without echo on a terminal, or from
 * a private file), and none is printed unless asked for with --show-token
 * or saved with --output-file. Before a token is made or an invitation is
 * accepted, what it allows is said in words, with the warnings that
 * apply. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "cli/privs.h"
#include "onetui/buf.h"
#include "onetui/caveat.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/str.h"
#include "onetui/token.h"
#include "onetui/tokenapi.h"
#include "xmalloc.h"

enum {
	OPT_TEMPORARY = 0x300,
	OPT_EXPIRES,
	OPT_READ_ONLY,
	OPT_PATH,
	OPT_OBJECT_ID,
	OPT_INTERFACE,
	OPT_IP,
	OPT_SERVICE,
	OPT_PRESET,
	OPT_SHOW_TOKEN,
	OPT_OUTPUT_FILE,
	OPT_FORCE,
	OPT_GROUP_JOINS,
	OPT_USAGE_LIMIT,
	OPT_UNLIMITED,
	OPT_PRIVILEGES,
	OPT_FROM_FILE,
	OPT_GROUP,
	OPT_NAME,
	OPT_YES,
	OPT_EVEN_IF_IN_USE,
};

/* Largest number of repeated --path, --object-id, --ip, --service. */
#define MAX_LIST 32

struct strlist {
	const char *v[MAX_LIST];
	size_t n;
};

struct opts {
	bool json, temporary, read_only, show_token, force, group_joins, unlimited, yes, even_if_in_use;
	const char *expires, *interface, *preset, *output_file, *from_file, *group, *name, *privileges;
	long usage_limit;		/* 0: not given */
	struct strlist paths, object_ids, ips, services;
};

/* --- waiting for the zone ------------------------------------------------------------ */

/* A token record, copied out of the reply. */
struct rec {
	struct od_error *err;
	cJSON *raw;
	struct od_token_info t;		/* pointing into raw */
};

static void
on_rec(const struct od_token_info *t, struct od_error *err, void *ud)
{
	struct rec *r = ud;

	r->err = err;
	if (err)
		return;
	if (!(r->raw = cJSON_Duplicate(t->raw, true)))
		xoom();
	if ((r->err = od_token_info_parse(r->raw, &r->t))) {
		cJSON_Delete(r->raw);
		r->raw = NULL;
	}
}

static void
rec_done(struct rec *r)
{
	char *value = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r->raw, "token"));

	if (value)	/* a named token's record holds its value */
		memset(value, 0, strlen(value));
	od_error_free(r->err);
	cJSON_Delete(r->raw);
	memset(r, 0, sizeof(*r));
}

/* Run op, which fills r; EXIT_OK or the error reported after the
 * context fmt says. */
static int wait_rec(struct session *s, struct od_op *op, struct rec *r, const char *fmt, ...) OD_PRINTF(4, 5);

static int
wait_rec(struct session *s, struct od_op *op, struct rec *r, const char *fmt, ...)
{
	char *context;
	va_list ap;
	int rc;

	if (!op)
		xoom();
	session_run(s);
	if (!r->err)
		return session_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
	va_start(ap, fmt);
	if (!(context = od_vasprintf(fmt, ap)))
		xoom();
	va_end(ap);
	rc = out_fail(r->err, "%s", context);
	r->err = NULL;
	free(context);
	return rc;
}

/* A named token by name, else by id. */
static int
find_token(struct session *s, const char *arg, struct rec *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if (!od_token_get_by_name(s->zone, arg, on_rec, r))
		xoom();
	session_run(s);
	if (!r->err)
		return EXIT_OK;
	if (!od_error_is(r->err, "notFound")) {
		rc = out_fail(r->err, _("Cannot read token %s"), arg);
		r->err = NULL;
		return rc;
	}
	od_error_free(r->err);
	memset(r, 0, sizeof(*r));
	return wait_rec(s, od_token_get(s->zone, arg, on_rec, r), r, _("Cannot find a token named or with the id %s"),
			arg);
}

struct scope {
	struct od_error *err;
	cJSON *raw;
};

static void
on_scope(const cJSON *root, struct od_error *err, void *ud)
{
	struct scope *sc = ud;

	sc->err = err;
	if (!err && root && !(sc->raw = cJSON_Duplicate(root, true)))
		xoom();
}

/* --- names for ids ---------------------------------------------------------------------- */

static const char *
space_name(const char *id, void *ud)
{
	struct session *s = ud;
	struct od_space *sp;
	struct od_error *err = od_zone_find_space(s->zone, id, &sp);

	if (err) {
		od_error_free(err);
		return NULL;
	}
	return strcmp(sp->id, id) == 0 ? sp->name : NULL;
}

/* A provider of one of the user's spaces, by id or name. */
static const struct od_provider_info *
find_provider(struct session *s, const char *id_or_name)
{
	for (size_t i = 0; i < od_zone_space_count(s->zone); i++) {
		const struct od_space *sp = od_zone_space(s->zone, i);

		for (size_t k = 0; k < sp->n_supports; k++) {
			const struct od_provider_info *p = sp->supports[k].provider;

			if (od_str_eq(p->id, id_or_name) || od_str_eq(p->name, id_or_name))
				return p;
		}
	}
	return NULL;
}

static const char *
provider_name(const char *id, void *ud)
{
	const struct od_provider_info *p = find_provider(ud, id);

	return p && od_str_eq(p->id, id) ? p->name : NULL;
}

/* --- saying what a token is ------------------------------------------------------------ */

static const char *
kind_text(const struct od_token_info *t)
{
	switch (t->kind) {
	case OD_TOKEN_ACCESS: return _("access token");
	case OD_TOKEN_IDENTITY: return _("identity token");
	case OD_TOKEN_INVITE: return _("invitation");
	case OD_TOKEN_UNKNOWN: break;
	}
	return _("token of an unknown kind");
}

/* What an invitation does, in words. */
static char *
invite_text(struct session *s, const struct od_token_info *t)
{
	const char *target = t->target_id ? t->target_id : "?";
	const char *name = t->target_id ? space_name(t->target_id, s) : NULL;
	char *shown = name ? xasprintf("%s (%s)", name, target) : xstrdup(target);
	char *text;

	if (od_str_eq(t->invite_type, "userJoinSpace"))
		text = xasprintf(_("whoever accepts it joins the space %s"), shown);
	else if (od_str_eq(t->invite_type, "groupJoinSpace"))
		text = xasprintf(_("a group of whoever accepts it joins the space %s"), shown);
	else if (od_str_eq(t->invite_type, "userJoinGroup"))
		text = xasprintf(_("whoever accepts it joins the group %s"), shown);
	else if (od_str_eq(t->invite_type, "groupJoinGroup"))
		text = xasprintf(_("a group of whoever accepts it joins the group %s"), shown);
	else if (od_str_eq(t->invite_type, "supportSpace"))
		text = xasprintf(_("a Oneprovider that accepts it supports the space %s"), shown);
	else
		text = xasprintf(_("an invitation of the kind '%s' for %s"), t->invite_type ? t->invite_type : "?",
				 shown);
	free(shown);
	return text;
}

/* The caveats in words, one string each (caller frees the array and its
 * strings). */
static char **
describe_all(struct session *s, const cJSON *caveats, size_t *n)
{
	const struct od_caveat_names names = { space_name, provider_name, s };
	char **lines = xcalloc((size_t)cJSON_GetArraySize(caveats) + 1, sizeof(*lines));
	const cJSON *c;
	time_t now = time(NULL);

	*n = 0;
	cJSON_ArrayForEach(c, caveats) {
		if (!(lines[*n] = od_caveat_describe(c, &names, now)))
			xoom();
		(*n)++;
	}
	return lines;
}

static void
free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static unsigned
risks_of(const struct od_token_info *t)
{
	return od_token_risks(t->caveats, t->kind == OD_TOKEN_INVITE, t->usage_limit < 0 && t->name, time(NULL));
}

/* "A (read-only), B": the spaces of an inferred scope; NULL when the
 * reply has none. */
static char *
scope_text(const cJSON *scope)
{
	const cJSON *access = cJSON_GetObjectItemCaseSensitive(scope, "dataAccessScope");
	const cJSON *spaces = cJSON_GetObjectItemCaseSensitive(access, "spaces"), *sp;
	struct od_buf b;

	if (!cJSON_IsObject(spaces))
		return NULL;
	od_buf_init(&b, OD_BUF_UNLIMITED);
	cJSON_ArrayForEach(sp, spaces) {
		const char *name = od_json_get_str(sp, "name");
		const cJSON *supports = cJSON_GetObjectItemCaseSensitive(sp, "supports"), *su;
		bool ro = cJSON_GetArraySize(supports) > 0;

		cJSON_ArrayForEach(su, supports)
			ro = ro && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(su, "readonly"));
		if ((sp != spaces->child && od_buf_adds(&b, ", ")) || od_buf_adds(&b, name ? name : sp->string) ||
		    (ro && od_buf_adds(&b, _(" (read-only)"))))
			xoom();
	}
	if (!b.len && od_buf_adds(&b, _("no space")))
		xoom();
	return od_buf_steal(&b);
}

/* A token in words, for people: kind, name, status, restrictions,
 * scope, warnings, and its value masked (or in full when show). */
static void
print_human(struct session *s, const struct od_token_info *t, const cJSON *scope, const struct od_error *scope_err,
	    bool show)
{
	static const char *const labels[] = { N_("Name"), N_("Id"), N_("Kind"), N_("Status"), N_("Created"),
					      N_("Expires"), N_("Usage"), N_("Privileges"), N_("Gives access to"),
					      N_("Token") };
	const char *tl[OD_ARRAY_SIZE(labels)];
	char when[OD_TIME_BUFSZ];
	size_t n;
	char **lines = describe_all(s, t->caveats, &n);
	unsigned risks = risks_of(t);
	int lw;

	for (size_t i = 0; i < OD_ARRAY_SIZE(labels); i++)
		tl[i] = _(labels[i]);
	lw = out_label_width(tl, OD_ARRAY_SIZE(tl));
	if (t->name)
		out_field(stdout, lw, tl[0], "%s", t->name);
	out_field(stdout, lw, tl[1], "%s", t->id);
	out_field(stdout, lw, tl[2], "%s%s%s", kind_text(t), t->persistence ? ", " : "",
		  t->persistence ? t->persistence : "");
	if (t->kind == OD_TOKEN_INVITE) {
		char *what = invite_text(s, t);

		out_field(stdout, lw, "", "%s", what);
		free(what);
	}
	out_field(stdout, lw, tl[3], "%s",
		  t->revoked ? _("revoked") : (risks & OD_RISK_EXPIRED) ? _("expired") : _("active"));
	if (t->created > 0)
		out_field(stdout, lw, tl[4], "%s", od_time_short(t->created, when));
	out_field(stdout, lw, tl[5], "%s", t->valid_until ? od_time_short(t->valid_until, when) : _("never"));
	if (t->kind == OD_TOKEN_INVITE && t->usage_count >= 0) {
		if (t->usage_limit >= 0)
			out_field(stdout, lw, tl[6], _("used %lld of %lld times"), (long long)t->usage_count,
				  (long long)t->usage_limit);
		else
			out_field(stdout, lw, tl[6], _("used %lld times, no limit"), (long long)t->usage_count);
	}
	if (t->privileges) {
		char *list = out_json_text(t->privileges);

		out_field(stdout, lw, tl[7], "%s", cJSON_GetArraySize(t->privileges) ? list : _("none"));
		free(list);
	}
	printf("%s\n", n ? _("Restrictions:") : _("Restrictions: none"));
	for (size_t i = 0; i < n; i++) {
		char *safe = out_safe(lines[i]);

		printf("  - %s\n", safe);
		free(safe);
	}
	if (scope) {
		char *text = scope_text(scope);

		if (text)
			out_field(stdout, lw, tl[8], "%s", text);
		free(text);
	} else if (scope_err) {
		out_field(stdout, lw, tl[8], _("nothing now: %s"), scope_err->message);
	}
	for (unsigned bit = 1; bit <= OD_RISK_UNLIMITED; bit <<= 1)
		if (risks & bit)
			printf(_("Warning: %s\n"), od_token_risk_text(bit));
	if (t->value) {
		char *masked = od_token_mask(t->value);

		if (show)
			out_field(stdout, lw, tl[9], "%s", t->value);
		else
			out_field(stdout, lw, tl[9], _("%s (hidden; --show-token to see it)"), masked);
		free(masked);
	}
	free_lines(lines, n);
}

/* The same for scripts: one JSON object (token only when show). */
static cJSON *
json_of(struct session *s, const struct od_token_info *t, const cJSON *scope, bool show)
{
	cJSON *o = cJSON_CreateObject(), *list;
	size_t n;
	char **lines = describe_all(s, t->caveats, &n);
	unsigned risks = risks_of(t);
	static const char *const kinds[] = { "access", "identity", "invite", "unknown" };

	if (!o)
		xoom();
	cJSON_AddStringToObject(o, "id", t->id);
	if (t->name)
		cJSON_AddStringToObject(o, "name", t->name);
	cJSON_AddStringToObject(o, "kind", kinds[t->kind]);
	if (t->persistence)
		cJSON_AddStringToObject(o, "persistence", t->persistence);
	if (t->invite_type) {
		cJSON_AddStringToObject(o, "inviteType", t->invite_type);
		if (t->target_id)
			cJSON_AddStringToObject(o, "targetId", t->target_id);
	}
	if (t->subject_id)
		cJSON_AddStringToObject(o, "subject", t->subject_id);
	cJSON_AddBoolToObject(o, "revoked", t->revoked);
	cJSON_AddBoolToObject(o, "expired", (risks & OD_RISK_EXPIRED) != 0);
	if (t->created > 0)
		cJSON_AddNumberToObject(o, "creationTime", (double)t->created);
	if (t->valid_until)
		cJSON_AddNumberToObject(o, "validUntil", (double)t->valid_until);
	else
		cJSON_AddNullToObject(o, "validUntil");
	if (t->kind == OD_TOKEN_INVITE && t->usage_count >= 0) {
		cJSON_AddNumberToObject(o, "usageCount", (double)t->usage_count);
		if (t->usage_limit >= 0)
			cJSON_AddNumberToObject(o, "usageLimit", (double)t->usage_limit);
		else
			cJSON_AddStringToObject(o, "usageLimit", "infinity");
	}
	if (t->privileges)
		cJSON_AddItemToObject(o, "privileges", cJSON_Duplicate(t->privileges, true));
	cJSON_AddItemToObject(o, "caveats", cJSON_Duplicate(t->caveats, true));
	list = cJSON_AddArrayToObject(o, "restrictions");
	for (size_t i = 0; list && i < n; i++)
		cJSON_AddItemToArray(list, cJSON_CreateString(lines[i]));
	list = cJSON_AddArrayToObject(o, "warnings");
	for (unsigned bit = 1; list && bit <= OD_RISK_UNLIMITED; bit <<= 1)
		if (risks & bit)
			cJSON_AddItemToArray(list, cJSON_CreateString(od_token_risk_text(bit)));
	if (scope)
		cJSON_AddItemToObject(o, "scope", cJSON_Duplicate(
						       cJSON_GetObjectItemCaseSensitive(scope, "dataAccessScope"), true));
	if (show && t->value)
		cJSON_AddStringToObject(o, "token", t->value);
	free_lines(lines, n);
	return o;
}

static void
print_json_value(cJSON *o)
{
	char *text = out_json_text(o);

	if (!text)
		xoom();
	puts(text);
	od_str_wipe_free(text);	/* it may hold the token */
	cJSON_Delete(o);
}

/* Print the token r describes, with the scope value gives access to
 * when it is an access token that is not revoked. */
static void
print_token(struct session *s, const struct opts *o, const struct od_token_info *t, const char *value, bool show)
{
	struct scope sc = { 0 };

	if (t->kind == OD_TOKEN_ACCESS && value && !t->revoked) {
		if (!od_token_infer_scope(s->zone, value, on_scope, &sc))
			xoom();
		session_run(s);
	}
	if (o->json)
		print_json_value(json_of(s, t, sc.raw, show));
	else
		print_human(s, t, sc.raw, sc.err, show);
	od_error_free(sc.err);
	cJSON_Delete(sc.raw);
}

/* Examine value through the zone and print what it is. */
static int
print_examined(struct session *s, const char *value, const struct opts *o, bool show)
{
	struct rec r = { 0 };
	int rc = wait_rec(s, od_token_examine(s->zone, value, on_rec, &r), &r, _("Cannot examine the token"));

	if (rc != EXIT_OK)
		return rc;
	r.t.value = value;
	print_token(s, o, &r.t, value, show);
	rec_done(&r);
	return EXIT_OK;
}

/* --- reading a pasted token ------------------------------------------------------------ */

/* A token from --from-file (a private file) or stdin: typed or pasted on
 * a terminal (no echo), or the whole input otherwise. Errors printed;
 * NULL then. Caller frees with od_str_wipe_free. */
static char *
read_pasted(const struct opts *o, int *rc)
{
	struct od_error *err;
	struct od_buf b;
	char *token = NULL;

	*rc = EXIT_OK;
	if (o->from_file) {
		if ((err = od_token_read_file(o->from_file, &token)))
			*rc = out_fail(err, _("Cannot read a token from %s"), o->from_file);
		return token;
	}
	od_buf_init(&b, 64 * 1024);
	if (isatty(STDIN_FILENO)) {
		struct termios saved, quiet;
		bool hidden = tcgetattr(STDIN_FILENO, &saved) == 0;
		int c;

		if (hidden) {
			quiet = saved;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			hidden = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
		}
		fputs(_("Paste the token (it is not shown), then press Enter: "), stderr);
		while ((c = getchar()) != EOF && c != '\n')
			if (od_buf_addc(&b, (char)c))
				break;
		if (hidden)
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	} else {
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			if (od_buf_add(&b, chunk, n))
				break;
		memset(chunk, 0, sizeof(chunk));
	}
	token = od_buf_steal(&b);
	if (!token)
		xoom();
	od_str_trim(token);
	if (!*token || strcspn(token, " \t\r\n") != strlen(token)) {
		out_error(*token ? _("the input holds more than one word; give one token")
				 : _("no token given: paste it on stdin or use --from-file FILE"));
		*rc = EXIT_USAGE;
		od_str_wipe_free(token);
		return NULL;
	}
	return token;
}

/* --- handing out a new token ------------------------------------------------------------- */

/* Save or print a new token's value as asked; say where it went. */
static int
hand_out(const struct opts *o, const char *value)
{
	struct od_error *err;

	if (o->output_file) {
		if (o->force && unlink(o->output_file) != 0 && errno != ENOENT)
			return out_fail(od_error_errno(OD_ERR_IO, errno, _("cannot replace %s"), o->output_file), NULL);
		if ((err = od_token_write_file(o->output_file, value)))
			return out_fail(err, _("Cannot save the token to %s"), o->output_file);
		if (!o->json)
			fprintf(stderr, _("The token is saved in %s (mode 0600).\n"), o->output_file);
	}
	return EXIT_OK;
}

/* The new token as the zone now describes it (its record for a named
 * token, else its examination); its value only when asked. */
static int
report_new(struct session *s, const struct opts *o, const char *id, const char *value)
{
	struct rec r = { 0 };
	int rc = hand_out(o, value);

	if (rc != EXIT_OK)
		return rc;
	if (!*id)
		return print_examined(s, value, o, o->show_token);
	if ((rc = wait_rec(s, od_token_get(s->zone, id, on_rec, &r), &r, _("Cannot read the new token %s"), id)) !=
	    EXIT_OK)
		return rc;
	print_token(s, o, &r.t, value, o->show_token);
	rec_done(&r);
	if (!o->json && !o->show_token && !o->output_file)
		printf(_("The token itself is not shown: 'onetui token show %s --show-token' prints it, or "
			 "--output-file FILE saves it.\n"),
		       id);
	return EXIT_OK;
}

struct made {
	struct od_error *err;
	char *id, *value;
};

static void
on_made(const char *id, const char *token, struct od_error *err, void *ud)
{
	struct made *m = ud;

	m->err = err;
	m->id = id ? xstrdup(id) : NULL;
	m->value = token ? xstrdup(token) : NULL;
}

static void
made_done(struct made *m)
{
	od_error_free(m->err);
	free(m->id);
	od_str_wipe_free(m->value);
}

/* Print the restrictions a token is about to get, and the warnings. */
static void
preview(struct session *s, const struct opts *o, const cJSON *caveats, bool invite, bool unlimited)
{
	size_t n;
	char **lines = describe_all(s, caveats, &n);
	unsigned risks = od_token_risks(caveats, invite, unlimited, time(NULL));

	if (o->json) {
		free_lines(lines, n);
		return;
	}
	fprintf(stderr, n ? _("The new token allows only this:\n") : _("The new token has no restrictions.\n"));
	for (size_t i = 0; i < n; i++) {
		char *safe = out_safe(lines[i]);

		fprintf(stderr, "  - %s\n", safe);
		free(safe);
	}
	for (unsigned bit = 1; bit <= OD_RISK_UNLIMITED; bit <<= 1)
		if (risks & bit)
			fprintf(stderr, _("Warning: %s\n"), od_token_risk_text(bit));
	free_lines(lines, n);
}

/* The caveats the options ask for (paths resolved to space ids, providers
 * to service names); errors printed. */
static int
build_caveats(struct session *s, const struct opts *o, int64_t default_ttl, bool need_time, cJSON **out)
{
	struct od_caveat_form f = { .readonly = o->read_only, .interface = o->interface,
				    .object_ids = o->object_ids.v, .n_object_ids = o->object_ids.n,
				    .ips = o->ips.v, .n_ips = o->ips.n };
	char *paths[MAX_LIST] = { 0 }, *services[MAX_LIST] = { 0 };
	struct od_error *err = NULL;
	int rc = EXIT_OK;
	time_t now = time(NULL);

	if (o->expires)
		err = od_caveat_parse_expiry(o->expires, now, &f.valid_until);
	else if (default_ttl)
		f.valid_until = now + default_ttl;
	if (err) {
		out_error("%s", err->message);
		od_error_free(err);
		return EXIT_USAGE;
	}
	if (need_time && !f.valid_until) {
		out_error(_("a temporary token needs --expires"));
		return EXIT_USAGE;
	}
	for (size_t i = 0; rc == EXIT_OK && i < o->paths.n; i++) {
		struct od_space *sp;
		const char *path;

		if ((rc = session_target(s, o->paths.v[i], &sp, &path)) == EXIT_OK)
			paths[i] = xasprintf("%s/%s", sp->id, path);
	}
	for (size_t i = 0; rc == EXIT_OK && i < o->services.n; i++) {
		const char *v = o->services.v[i];
		const struct od_provider_info *p = find_provider(s, v);

		if (strcmp(v, "onezone") == 0)
			services[i] = xstrdup("ozw-onezone");
		else if (strcmp(v, "any-provider") == 0)
			services[i] = xstrdup("opw-*");
		else if (p)
			services[i] = xasprintf("opw-%s", p->id);
		else
			services[i] = xstrdup(v);	/* checked as a service name */
	}
	f.paths = (const char *const *)paths;
	f.n_paths = o->paths.n;
	f.services = (const char *const *)services;
	f.n_services = o->services.n;
	if (rc == EXIT_OK && (err = od_caveats_build(&f, out))) {
		out_error("%s", err->message);
		od_error_free(err);
		rc = EXIT_USAGE;
	}
	for (size_t i = 0; i < MAX_LIST; i++) {
		free(paths[i]);
		free(services[i]);
	}
	return rc;
}

/* A new token's value must go somewhere when it cannot be read again. */
static bool
value_kept(const struct opts *o, const char *what)
{
	if (o->show_token || o->output_file)
		return true;
	out_error(_("%s cannot be read again later: add --show-token or --output-file FILE"), what);
	return false;
}

/* Create the token r, its caveats previewed first; report it. */
static int
create_and_report(struct session *s, const struct opts *o, struct od_token_request *r, const char *what)
{
	struct made m = { 0 };
	int rc;

	preview(s, o, r->caveats, r->invite_type != NULL, r->name && r->invite_type && !r->usage_limit);
	if (!od_token_create(s->zone, r, on_made, &m))
		xoom();
	session_run(s);
	if (m.err && r->invite_type && od_error_is(m.err, "inviteTokenSubjectNotAuthorized")) {
		/* At creation the issuer is you: say so rather than "no longer". */
		out_error(strcmp(r->invite_type, "supportSpace") == 0
				  ? _("Cannot create %s: you may not ask for support of the space (that needs the "
				      "privilege to add support, space_add_support)")
			  : od_str_starts(r->invite_type, "group")
				  ? _("Cannot create %s: you may not invite to it (that needs the privilege to add groups)")
				  : _("Cannot create %s: you may not invite to it (that needs the privilege to add users)"),
			  what);
		rc = EXIT_AUTH;
	} else if (m.err) {
		rc = out_fail(m.err, _("Cannot create %s"), what);
		m.err = NULL;
	} else {
		rc = report_new(s, o, m.id ? m.id : "", m.value);
	}
	made_done(&m);
	return rc;
}

static int
token_create(struct session *s, const struct opts *o, const char *name)
{
	struct opts eff = *o;
	struct od_token_request r = { .name = o->temporary ? NULL : name };
	int64_t ttl = 0;
	cJSON *caveats = NULL;
	int rc;

	if (o->preset && strcmp(o->preset, "dataset-readonly") == 0) {
		if (!o->paths.n && !o->object_ids.n) {
			out_error(_("the dataset-readonly preset needs the dataset: --path SPACE/PATH or --object-id ID"));
			return EXIT_USAGE;
		}
		eff.read_only = true;
		ttl = 7 * 86400;
	} else if (o->preset && strcmp(o->preset, "oneclient-hpc") == 0) {
		if (!eff.interface)
			eff.interface = "oneclient";
		ttl = 30 * 86400;
	} else if (o->preset) {
		out_error(_("unknown preset '%s' (dataset-readonly, oneclient-hpc)"), o->preset);
		return EXIT_USAGE;
	}
	if (o->temporary && !value_kept(o, _("a temporary token")))
		return EXIT_USAGE;
	if ((rc = build_caveats(s, &eff, ttl, o->temporary, &caveats)) != EXIT_OK)
		return rc;
	r.caveats = caveats;
	rc = create_and_report(s, o, &r, name ? name : _("a temporary token"));
	cJSON_Delete(caveats);
	return rc;
}

/* Privilege presets for group invitations (a space's come from the
 * zone's vocabulary). */
static const char *const group_viewer[] = { "group_view" };
static const char *const group_manager[] = { "group_view", "group_view_privileges", "group_add_user",
					     "group_remove_user", "group_add_child", "group_remove_child" };

static const struct {
	const char *name;
	const char *const *list;
	size_t n;
} group_presets[] = {
	{ "viewer", group_viewer, OD_ARRAY_SIZE(group_viewer) },
	{ "contributor", group_viewer, OD_ARRAY_SIZE(group_viewer) },
	{ "manager", group_manager, OD_ARRAY_SIZE(group_manager) },
};

/* The privileges asked for (--privileges or --preset), or NULL for the
 * zone's defaults; errors printed. */
static int
invite_privileges(struct session *s, const struct opts *o, const char *kind, cJSON **out)
{
	*out = NULL;
	if (strcmp(kind, "space") == 0)
		return cli_space_privileges(s, o->preset, o->privileges, out);
	if (o->privileges && o->preset) {
		out_error(_("give --privileges or --preset, not both"));
		return EXIT_USAGE;
	}
	if (o->preset) {
		for (size_t i = 0; i < OD_ARRAY_SIZE(group_presets); i++)
			if (strcmp(group_presets[i].name, o->preset) == 0) {
				if (!(*out = cJSON_CreateStringArray(group_presets[i].list, (int)group_presets[i].n)))
					xoom();
				return EXIT_OK;
			}
		out_error(_("unknown preset '%s' (viewer, contributor, manager)"), o->preset);
		return EXIT_USAGE;
	}
	if (o->privileges) {
		struct od_privs p = { 0 };

		cli_privs_add_names(&p, o->privileges);
		if (!(*out = cJSON_CreateStringArray((const char *const *)p.v, (int)p.n)))
			xoom();
		od_privs_done(&p);
	}
	return EXIT_OK;
}

/* invite space SPACE | invite group GROUP_ID */
static int
token_invite(struct session *s, const struct opts *o, const char *kind, const char *target)
{
	struct od_token_request r = { .usage_limit = o->unlimited ? 0 : o->usage_limit ? o->usage_limit : 1 };
	cJSON *caveats = NULL, *privileges = NULL;
	char stamp[32], *name = NULL;
	struct timespec now;
	struct tm tm;
	int rc;

	if (strcmp(kind, "space") == 0) {
		struct od_space *sp;
		struct od_error *err = od_zone_find_space(s->zone, target, &sp);

		if (err)
			return out_fail(err, _("Cannot invite to %s"), target);
		r.target_id = sp->id;
		r.invite_type = o->group_joins ? "groupJoinSpace" : "userJoinSpace";
	} else if (strcmp(kind, "group") == 0) {
		r.target_id = target;
		r.invite_type = o->group_joins ? "groupJoinGroup" : "userJoinGroup";
	} else if (strcmp(kind, "support") == 0) {
		/* For a provider's admin: Onepanel consumes it to support the space. */
		struct od_space *sp;
		struct od_error *err = od_zone_find_space(s->zone, target, &sp);

		if (err)
			return out_fail(err, _("Cannot ask for support of %s"), target);
		if (o->privileges || o->preset || o->group_joins) {
			out_error(_("a support token carries no privileges and no group"));
			return EXIT_USAGE;
		}
		r.target_id = sp->id;
		r.invite_type = "supportSpace";
	} else {
		out_error(_("invite what? 'space SPACE', 'group GROUP_ID' or 'support SPACE'"));
		return EXIT_USAGE;
	}
	if (o->unlimited && o->usage_limit) {
		out_error(_("give --usage-limit or --unlimited, not both"));
		return EXIT_USAGE;
	}
	if (o->temporary && !value_kept(o, _("a temporary invitation")))
		return EXIT_USAGE;
	if (o->temporary && (o->privileges || o->preset || o->usage_limit || o->unlimited)) {
		out_error(_("a temporary invitation has the default privileges and no usage limit; "
			    "drop --temporary to choose them"));
		return EXIT_USAGE;
	}
	if (!o->temporary) {
		clock_gettime(CLOCK_REALTIME, &now);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime_r(&now.tv_sec, &tm));
		name = o->name ? xstrdup(o->name)
			       : xasprintf("invite-%s-%s.%06ld", kind, stamp, (long)(now.tv_nsec / 1000));
		r.name = name;
	}
	if ((rc = invite_privileges(s, o, kind, &privileges)) == EXIT_OK &&
	    (rc = build_caveats(s, o, 0, o->temporary, &caveats)) == EXIT_OK) {
		r.caveats = caveats;
		r.privileges = privileges;
		if (!o->json && !o->temporary)
			fprintf(stderr, r.usage_limit ? _("Usage limit: %lld.\n") : _("No usage limit.\n"),
				(long long)r.usage_limit);
		rc = create_and_report(s, o, &r, _("the invitation"));
	}
	cJSON_Delete(caveats);
	cJSON_Delete(privileges);
	free(name);
	return rc;
}

static int
token_examine(struct session *s, const struct opts *o)
{
	int rc;
	char *value = read_pasted(o, &rc);

	if (!value)
		return rc;
	rc = print_examined(s, value, o, false);
	od_str_wipe_free(value);
	return rc;
}

static int
token_confine(struct session *s, const struct opts *o)
{
	cJSON *caveats = NULL;
	struct made m = { 0 };
	char *value;
	int rc;

	if (!value_kept(o, _("a confined token")))
		return EXIT_USAGE;
	if ((rc = build_caveats(s, o, 0, false, &caveats)) != EXIT_OK)
		return rc;
	if (cJSON_GetArraySize(caveats) == 0) {
		cJSON_Delete(caveats);
		out_error(_("confine with what? give at least one restriction (--expires, --read-only, --path...)"));
		return EXIT_USAGE;
	}
	if (!(value = read_pasted(o, &rc))) {
		cJSON_Delete(caveats);
		return rc;
	}
	preview(s, o, caveats, false, false);
	if (!od_token_confine(s->zone, value, caveats, on_made, &m))
		xoom();
	session_run(s);
	if (m.err) {
		rc = out_fail(m.err, "%s", _("Cannot confine the token"));
		m.err = NULL;
	} else {
		rc = report_new(s, o, "", m.value);
	}
	made_done(&m);
	od_str_wipe_free(value);
	cJSON_Delete(caveats);
	return rc;
}

static int
token_show(struct session *s, const struct opts *o, const char *arg)
{
	struct rec r;
	int rc = find_token(s, arg, &r);

	if (rc != EXIT_OK)
		return rc;
	if (o->output_file)
		rc = hand_out(o, r.t.value ? r.t.value : "");
	if (rc == EXIT_OK)
		print_token(s, o, &r.t, r.t.value, o->show_token);
	rec_done(&r);
	return rc;
}

/* Revoking or deleting the token onetui signs in with signs it out, and
 * what follows fails with puzzling refusals: refused (arg names it)
 * unless --even-if-in-use asks for it. */
static int
refuse_own_token(struct session *s, const struct opts *o, const struct od_token_info *t, bool rm, const char *arg)
{
	struct answer w = { 0 };
	int rc = EXIT_OK;

	if (o->even_if_in_use)
		return EXIT_OK;
	if (!od_zone_token_id_known(s->zone))
		rc = session_answer(s, od_zone_learn_token_id(s->zone, answer_done, &w), &w,
				    _("Cannot tell whether %s is the token onetui is signed in with"), arg);
	if (rc != EXIT_OK || !od_zone_uses_token(s->zone, t->id))
		return rc;
	out_error(rm ? _("%s is the token onetui is signed in with: deleting it signs onetui out for good "
			 "(--even-if-in-use deletes it all the same)")
		     : _("%s is the token onetui is signed in with: revoking it signs onetui out "
			 "(--even-if-in-use revokes it all the same)"),
		  arg);
	return EXIT_USAGE;
}

/* revoke, unrevoke, rm */
static int
token_change(struct session *s, const struct opts *o, const char *verb, const char *arg)
{
	struct answer w = { 0 };
	struct rec r;
	bool rm = strcmp(verb, "rm") == 0;
	int rc = find_token(s, arg, &r);

	if (rc == EXIT_OK && strcmp(verb, "unrevoke") != 0)
		rc = refuse_own_token(s, o, &r.t, rm, arg);
	if (rc != EXIT_OK) {
		rec_done(&r);
		return rc;
	}
	if (rm) {
		rc = out_confirm_remote(o->yes, xasprintf(_("delete the token %s (%s) for good? Whoever holds it "
							    "loses access"),
							  r.t.name ? r.t.name : "-", r.t.id));
		if (rc != EXIT_OK) {
			rec_done(&r);
			return rc;
		}
		rc = session_answer(s, od_token_delete(s->zone, r.t.id, r.t.name, answer_done, &w), &w,
				    _("Cannot delete token %s"), arg);
	} else {
		bool revoke = strcmp(verb, "revoke") == 0;

		rc = session_answer(s, od_token_set_revoked(s->zone, r.t.id, r.t.name, revoke, answer_done, &w), &w,
				    revoke ? _("Cannot revoke token %s") : _("Cannot un-revoke token %s"), arg);
	}
	if (rc == EXIT_OK && o->json)
		out_id("tokenId", r.t.id, true);
	else if (rc == EXIT_OK) {
		char *safe = out_safe(r.t.name ? r.t.name : r.t.id);

		printf(rm ? _("Deleted %s.\n") : strcmp(verb, "revoke") == 0
						  ? _("Revoked %s: it and every token confined from it are refused now.\n")
						  : _("%s is valid again.\n"),
		       safe);
		free(safe);
	}
	rec_done(&r);
	return rc;
}

static int
token_consume(struct session *s, const struct opts *o)
{
	struct answer w = { 0 };
	struct rec r = { 0 };
	bool needs_group;
	char *value, *what, *question;
	int rc;

	if (!(value = read_pasted(o, &rc)))
		return rc;
	if ((rc = wait_rec(s, od_token_examine(s->zone, value, on_rec, &r), &r, _("Cannot examine the token"))) !=
	    EXIT_OK)
		goto out;
	if (r.t.kind != OD_TOKEN_INVITE || !od_invite_consumable(r.t.invite_type, &needs_group)) {
		out_error(r.t.kind == OD_TOKEN_INVITE ? _("onetui cannot accept invitations of the kind '%s'")
						      : _("this is an %s, not an invitation"),
			  r.t.kind == OD_TOKEN_INVITE ? r.t.invite_type : kind_text(&r.t));
		rc = EXIT_FAILED;
		goto out;
	}
	if (needs_group != (o->group != NULL)) {
		out_error(needs_group ? _("this invitation is for a group: say which with --group GROUP_ID")
				      : _("this invitation is for you, not a group: drop --group"));
		rc = EXIT_USAGE;
		goto out;
	}
	what = invite_text(s, &r.t);
	if (!o->json) {
		char *safe = out_safe(what);
		size_t n;
		char **lines = describe_all(s, r.t.caveats, &n);

		fprintf(stderr, _("This invitation: %s%s%s.\n"), safe, o->group ? _(", as the group ") : "",
			o->group ? o->group : "");
		for (size_t i = 0; i < n; i++) {
			char *line = out_safe(lines[i]);

			fprintf(stderr, "  - %s\n", line);
			free(line);
		}
		free_lines(lines, n);
		free(safe);
	}
	question = xasprintf(_("accept it (%s)?"), what);
	free(what);
	if ((rc = out_confirm_remote(o->yes, question)) != EXIT_OK)
		goto out;
	rc = session_answer(s, od_invite_consume(s->zone, value, &r.t, o->group, answer_id, &w), &w,
			    "%s", _("Cannot accept the invitation"));
	if (rc == EXIT_OK && o->json) {
		out_id(strcmp(od_invite_target_kind(r.t.invite_type), "space") == 0 ? "spaceId" : "groupId", w.id, true);
	} else if (rc == EXIT_OK) {
		const char *name = space_name(w.id, s);
		char *safe = out_safe(name ? name : w.id);

		printf(_("Joined the %s %s.\n"), od_invite_target_kind(r.t.invite_type), safe);
		free(safe);
	}
	free(w.id);
out:
	rec_done(&r);
	od_str_wipe_free(value);
	return rc;
}

/* --- ls ----------------------------------------------------------------------------------- */

struct id_list {
	char **ids;
	size_t n;
	struct od_error *err;
};

static bool
on_ids(const char *const *ids, size_t n, void *ud)
{
	struct id_list *l = ud;

	l->ids = xrealloc(l->ids, (l->n + n + 1) * sizeof(*l->ids));
	for (size_t i = 0; i < n; i++)
		l->ids[l->n++] = xstrdup(ids[i]);
	return true;
}

static void
on_ids_done(struct od_error *err, void *ud)
{
	((struct id_list *)ud)->err = err;
}

/* "read-only, paths, until 2026-01-31 18:00": the caveats in a few words. */
static char *
short_caveats(const cJSON *caveats)
{
	struct od_buf b;
	const cJSON *c;
	char when[OD_TIME_BUFSZ];

	od_buf_init(&b, OD_BUF_UNLIMITED);
	cJSON_ArrayForEach(c, caveats) {
		const char *type = od_json_get_str(c, "type"), *word;
		int64_t t;

		if (b.len && od_buf_adds(&b, ", "))
			xoom();
		if (!type)
			word = "?";
		else if (strcmp(type, "time") == 0 &&
			 od_json_is_integer(cJSON_GetObjectItemCaseSensitive(c, "validUntil"), &t)) {
			if (od_buf_addf(&b, _("until %s"), od_time_short(t, when)))
				xoom();
			continue;
		} else if (strcmp(type, "data.readonly") == 0)
			word = _("read-only");
		else if (strcmp(type, "data.path") == 0)
			word = _("paths");
		else if (strcmp(type, "data.objectid") == 0)
			word = _("files");
		else if (strcmp(type, "interface") == 0)
			word = od_str_eq(od_json_get_str(c, "interface"), "oneclient") ? _("Oneclient only")
											: _("one interface");
		else if (strcmp(type, "ip") == 0)
			word = _("IP ranges");
		else if (strcmp(type, "service") == 0)
			word = _("services");
		else
			word = type;
		if (od_buf_adds(&b, word))
			xoom();
	}
	if (!b.len && od_buf_adds(&b, _("none")))
		xoom();
	return od_buf_steal(&b);
}

static int
token_ls(struct session *s, const struct opts *o)
{
	static const char *const titles[] = { N_("NAME"), N_("KIND"), N_("STATUS"), N_("CREATED"), N_("RESTRICTIONS"),
					      N_("ID") };
	struct id_list l = { 0 };
	const char *tl[OD_ARRAY_SIZE(titles)];
	struct table *table = NULL;
	cJSON *all = NULL;
	int rc;

	if (!od_token_list(s->zone, on_ids, on_ids_done, &l))
		xoom();
	session_run(s);
	if (l.err) {
		rc = out_fail(l.err, "%s", _("Cannot list your tokens"));
		goto out;
	}
	rc = session_interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
	for (size_t i = 0; i < OD_ARRAY_SIZE(titles); i++)
		tl[i] = _(titles[i]);
	if (o->json) {
		if (!(all = cJSON_CreateArray()))
			xoom();
	} else {
		table = table_new(OD_ARRAY_SIZE(tl), tl, NULL);
	}
	for (size_t i = 0; i < l.n && rc == EXIT_OK; i++) {
		struct rec r = { 0 };

		if ((rc = wait_rec(s, od_token_get(s->zone, l.ids[i], on_rec, &r), &r, _("Cannot read token %s"),
				   l.ids[i])) != EXIT_OK)
			break;
		if (o->json) {
			cJSON_AddItemToArray(all, json_of(s, &r.t, NULL, false));
		} else {
			char when[OD_TIME_BUFSZ], *restr = short_caveats(r.t.caveats);
			const char *kind = r.t.kind == OD_TOKEN_INVITE && r.t.invite_type ? r.t.invite_type : kind_text(&r.t);
			const char *status = r.t.revoked ? _("revoked")
					     : (risks_of(&r.t) & OD_RISK_EXPIRED) ? _("expired") : _("active");
			const char *cells[] = { r.t.name ? r.t.name : "-", kind, status,
						r.t.created > 0 ? od_time_short(r.t.created, when) : "-", restr, r.t.id };

			table_add(table, cells);
			free(restr);
		}
		rec_done(&r);
	}
	if (rc == EXIT_OK && o->json)
		print_json_value(all), all = NULL;
	else if (rc == EXIT_OK)
		table_print(table, stdout);
out:
	cJSON_Delete(all);
	if (table)
		table_free(table);
	for (size_t i = 0; i < l.n; i++)
		free(l.ids[i]);
	free(l.ids);
	return rc;
}

/* --- the command ---------------------------------------------------------------------------- */

static int
add_list(struct strlist *l, const char *v, const char *option)
{
	if (l->n == MAX_LIST) {
		out_error(_("too many %s (at most %d)"), option, MAX_LIST);
		return EXIT_USAGE;
	}
	l->v[l->n++] = v;
	return EXIT_OK;
}

static int
token_run(struct session *s, const struct opts *o, const char *verb, char **args, int n)
{
	if (strcmp(verb, "ls") == 0)
		return token_ls(s, o);
	if (strcmp(verb, "show") == 0)
		return token_show(s, o, args[0]);
	if (strcmp(verb, "create") == 0)
		return token_create(s, o, n ? args[0] : NULL);
	if (strcmp(verb, "invite") == 0)
		return token_invite(s, o, args[0], args[1]);
	if (strcmp(verb, "examine") == 0)
		return token_examine(s, o);
	if (strcmp(verb, "confine") == 0)
		return token_confine(s, o);
	if (strcmp(verb, "consume") == 0)
		return token_consume(s, o);
	return token_change(s, o, verb, args[0]);
}

static int
token_exec(struct global_opts *g, int argc, char **argv)
{
	static const struct {
		const char *verb;
		int args;	/* -1: create, NAME unless --temporary */
	} verbs[] = { { "ls", 0 }, { "show", 1 }, { "create", -1 }, { "invite", 2 }, { "examine", 0 },
		      { "confine", 0 }, { "revoke", 1 }, { "unrevoke", 1 }, { "rm", 1 }, { "consume", 0 } };
	struct opts o = { 0 };
	struct session s;
	const char *verb;
	size_t i;
	int c, rc = EXIT_OK, want;

	while ((c = cmd_getopt(&cmd_token_entry, g, argc, argv)) != CMD_OPT_END) {
		if (c == CMD_OPT_EXIT)
			return cmd_exit_status;
		switch (c) {
		case CMD_OPT_JSON: o.json = true; break;
		case OPT_TEMPORARY: o.temporary = true; break;
		case OPT_EXPIRES: o.expires = optarg; break;
		case OPT_READ_ONLY: o.read_only = true; break;
		case OPT_PATH: rc = add_list(&o.paths, optarg, "--path"); break;
		case OPT_OBJECT_ID: rc = add_list(&o.object_ids, optarg, "--object-id"); break;
		case OPT_INTERFACE: o.interface = optarg; break;
		case OPT_IP: rc = add_list(&o.ips, optarg, "--ip"); break;
		case OPT_SERVICE: rc = add_list(&o.services, optarg, "--service"); break;
		case OPT_PRESET: o.preset = optarg; break;
		case OPT_SHOW_TOKEN: o.show_token = true; break;
		case OPT_OUTPUT_FILE: o.output_file = optarg; break;
		case OPT_FORCE: o.force = true; break;
		case OPT_GROUP_JOINS: o.group_joins = true; break;
		case OPT_UNLIMITED: o.unlimited = true; break;
		case OPT_PRIVILEGES: o.privileges = optarg; break;
		case OPT_FROM_FILE: o.from_file = optarg; break;
		case OPT_GROUP: o.group = optarg; break;
		case OPT_NAME: o.name = optarg; break;
		case OPT_YES: o.yes = true; break;
		case OPT_EVEN_IF_IN_USE: o.even_if_in_use = true; break;
		case OPT_USAGE_LIMIT:
			if (!od_parse_long(optarg, 1, 1000000, &o.usage_limit))
				return cmd_usage_error(&cmd_token_entry, _("--usage-limit needs a number from 1 up"));
			break;
		}
		if (rc != EXIT_OK)
			return rc;
	}
	verb = optind < argc ? argv[optind++] : "";
	for (i = 0; i < OD_ARRAY_SIZE(verbs) && strcmp(verb, verbs[i].verb) != 0; i++)
		;
	if (!*verb)
		return cmd_usage_error(&cmd_token_entry, _("token needs a verb"));
	if (i == OD_ARRAY_SIZE(verbs))
		return cmd_usage_error(&cmd_token_entry, _("unknown token verb: '%s'"), verb);
	want = verbs[i].args >= 0 ? verbs[i].args : !o.temporary;
	if (argc - optind != want)
		return cmd_usage_error(&cmd_token_entry, _("wrong arguments for token %s"), verb);
	rc = session_open(&s, g);
	if (rc == EXIT_OK)
		rc = session_load_spaces(&s);
	if (rc == EXIT_OK)
		rc = token_run(&s, &o, verb, argv + optind, want);
	session_close(&s);
	return rc;
}

static const struct option token_options[] = {
	CMD_JSON_OPTION,
	{ "temporary", no_argument, NULL, OPT_TEMPORARY },
	{ "expires", required_argument, NULL, OPT_EXPIRES },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "path", required_argument, NULL, OPT_PATH },
	{ "object-id", required_argument, NULL, OPT_OBJECT_ID },
	{ "interface", required_argument, NULL, OPT_INTERFACE },
	{ "ip", required_argument, NULL, OPT_IP },
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "show-token", no_argument, NULL, OPT_SHOW_TOKEN },
	{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "group-joins", no_argument, NULL, OPT_GROUP_JOINS },
	{ "usage-limit", required_argument, NULL, OPT_USAGE_LIMIT },
	{ "unlimited", no_argument, NULL, OPT_UNLIMITED },
	{ "privileges", required_argument, NULL, OPT_PRIVILEGES },
	{ "from-file", required_argument, NULL, OPT_FROM_FILE },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "even-if-in-use", no_argument, NULL, OPT_EVEN_IF_IN_USE },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_token_entry = {
	.name = "token",
	.usage = N_("ls | show ID|NAME [--show-token|--output-file F] | create NAME|--temporary [--expires 7d|DATE] "
		    "[--read-only] [--path SPACE/PATH]... [--object-id ID]... [--interface rest|oneclient] [--ip CIDR]... "
		    "[--service PROVIDER]... [--preset dataset-readonly|oneclient-hpc] [--show-token|--output-file F] | "
		    "invite space SPACE|group GROUP_ID|support SPACE [--group-joins] [--usage-limit N|--unlimited] [--expires WHEN] "
		    "[--privileges P,Q|--preset viewer|contributor|manager] [--name NAME] [--temporary] | "
		    "examine [--from-file F] | confine [--from-file F] RESTRICTIONS (--show-token|--output-file F) | "
		    "revoke [--even-if-in-use] ID|NAME | unrevoke ID|NAME | rm [--yes] [--even-if-in-use] ID|NAME | "
		    "consume [--from-file F] [--group GROUP_ID] [--yes]  "
		    "[--json]; pasted tokens are read from stdin"),
	.summary = N_("access tokens and invitations: list, create with restrictions, examine, confine, revoke, "
		      "delete, accept"),
	.shortopts = "",
	.longopts = token_options,
	.exec = token_exec,
};
