/* SPDX-License-Identifier: GPL-3.0-or-later */
/* audit.c: collecting the access review, one part after the other. */
#include "config.h"

#include "onetui/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/acclog.h"
#include "onetui/caveat.h"
#include "onetui/csv.h"
#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/members.h"
#include "onetui/provider.h"
#include "onetui/share.h"
#include "onetui/str.h"
#include "onetui/tokenapi.h"

#include "engine-int.h"

static const char *const part_names[] = { "shares", "tokens", "members", "log" };

struct od_error *
od_audit_parse_parts(const char *text, unsigned *parts)
{
	*parts = 0;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, ",");
		unsigned bit = 0;

		for (size_t i = 0; i < sizeof(part_names) / sizeof(*part_names); i++)
			if (strlen(part_names[i]) == n && strncmp(p, part_names[i], n) == 0)
				bit = 1u << i;
		if (!bit)
			return od_error_new(OD_ERR_INPUT, _("no audit part \"%.*s\" (shares, tokens, members, log)"),
					    (int)n, p);
		*parts |= bit;
		p += n + (p[n] == ',');
	}
	if (!*parts)
		return od_error_new(OD_ERR_INPUT, _("name at least one audit part (shares, tokens, members, log)"));
	return NULL;
}

/* What a token or share risk is called in a report. */
static const struct {
	unsigned bit;
	const char *name;
} token_risks[] = {
	{ OD_RISK_NO_CAVEATS, "no-caveats" },
	{ OD_RISK_NO_EXPIRY, "no-expiry" },
	{ OD_RISK_EXPIRED, "expired" },
	{ OD_RISK_IP_PROXY, "ip-caveat" },
	{ OD_RISK_UNLIMITED, "unlimited-invite" },
};

struct audit {
	struct od_op base;
	struct od_zone *z;
	unsigned parts;
	od_audit_fn *fn;
	void *ud;
	int64_t now;
	cJSON *report, *shares, *tokens, *members, *problems;
	struct od_error *err;		/* what stops everything */
	size_t space;			/* the space a per-space step is at */
	char **ids;			/* token ids still to read */
	size_t n_ids, next_id;
	struct od_members *loader, *spent;
	int phase;
};

static void next_part(struct audit *a);

/* --- building the report --------------------------------------------------------------- */

/* JSON helpers that note running out of memory instead of failing each call. */
static void
nomem(struct audit *a)
{
	if (!a->err)
		a->err = od_error_nomem();
}

static void
put_str(struct audit *a, cJSON *o, const char *key, const char *v)
{
	if (!(v ? cJSON_AddStringToObject(o, key, v) : cJSON_AddNullToObject(o, key)))
		nomem(a);
}

static void
put_num(struct audit *a, cJSON *o, const char *key, int64_t v, bool known)
{
	if (!(known ? cJSON_AddNumberToObject(o, key, (double)v) : cJSON_AddNullToObject(o, key)))
		nomem(a);
}

static void
put_bool(struct audit *a, cJSON *o, const char *key, bool v)
{
	if (!cJSON_AddBoolToObject(o, key, v))
		nomem(a);
}

static cJSON *
put_array(struct audit *a, cJSON *o, const char *key)
{
	cJSON *v = cJSON_AddArrayToObject(o, key);

	if (!v)
		nomem(a);
	return v;
}

static void
push_str(struct audit *a, cJSON *array, const char *v)
{
	cJSON *s = cJSON_CreateString(v);

	if (!s || !array || !cJSON_AddItemToArray(array, s)) {
		cJSON_Delete(s);
		nomem(a);
	}
}

static cJSON *
push_object(struct audit *a, cJSON *array)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !array || !cJSON_AddItemToArray(array, o)) {
		cJSON_Delete(o);
		nomem(a);
		return NULL;
	}
	return o;
}

/* A part that could not be read, or only in part. */
static void
problem(struct audit *a, const char *part, const char *space_id, const struct od_error *err)
{
	cJSON *o = push_object(a, a->problems);

	if (!o)
		return;
	put_str(a, o, "part", part);
	put_str(a, o, "spaceId", space_id);
	put_str(a, o, "error", err->message);
}

static const char *
space_name(struct od_zone *z, const char *id)
{
	struct od_space *s = NULL;
	struct od_error *err = id ? od_zone_find_space(z, id, &s) : NULL;

	od_error_free(err);
	return s && !err ? s->name : NULL;
}

/* --- shares ------------------------------------------------------------------------------ */

static void
on_shares(const struct od_share *v, size_t n, struct od_error *err, void *ud)
{
	struct audit *a = ud;

	a->base.sub = NULL;
	for (size_t i = 0; i < n && !a->err; i++) {
		cJSON *o = push_object(a, a->shares), *risks;
		if (!o)
			break;
		put_str(a, o, "id", v[i].id);
		put_str(a, o, "name", v[i].name);
		put_str(a, o, "space", space_name(a->z, v[i].space_id));
		put_str(a, o, "spaceId", v[i].space_id);
		put_str(a, o, "rootType", v[i].root_type == OD_FILE_DIR ? "dir" : "file");
		put_str(a, o, "rootFileId", v[i].root_file_id);
		put_str(a, o, "creator", v[i].creator_id);
		put_num(a, o, "created", v[i].created, v[i].created >= 0);
		put_str(a, o, "publicUrl", v[i].public_url);
		put_str(a, o, "publicRestUrl", v[i].public_rest_url);
		put_str(a, o, "handleId", v[i].handle_id);
		put_bool(a, o, "wholeSpace", false);
		risks = put_array(a, o, "risks");
		(void)risks;
	}
	if (err) {
		problem(a, "shares", NULL, err);
		od_error_free(err);
	}
	next_part(a);
}

/* The share entry with this id, or NULL. */
static cJSON *
share_entry(struct audit *a, const char *id)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, a->shares)
		if (od_str_eq(od_json_get_str(e, "id"), id))
			return (cJSON *)e;
	return NULL;
}

static void whole_space_step(struct audit *a);

/* The shares listed on a space's root directory share the whole space. */
static void
on_root_attrs(const struct od_attrs *at, struct od_error *err, void *ud)
{
	struct audit *a = ud;
	struct od_space *s = od_zone_space(a->z, a->space);
	const cJSON *id;

	a->base.sub = NULL;
	if (err) {
		if (err->kind != OD_ERR_CANCELLED)
			problem(a, "shares", s->id, err);
		od_error_free(err);
	} else if (at->have & OD_ATTR_SHARES) {
		cJSON_ArrayForEach(id, at->shares) {
			cJSON *e = cJSON_IsString(id) ? share_entry(a, id->valuestring) : NULL;
			if (!e)
				continue;
			cJSON_ReplaceItemInObjectCaseSensitive(e, "wholeSpace", cJSON_CreateTrue());
			push_str(a, cJSON_GetObjectItemCaseSensitive(e, "risks"), "whole-space");
		}
	}
	a->space++;
	whole_space_step(a);
}

static void
on_root_id(const char *file_id, struct od_error *err, void *ud)
{
	struct audit *a = ud;

	a->base.sub = NULL;
	if (!err && !a->base.cancelled) {
		a->base.sub = od_provider_stat(a->z, od_zone_space(a->z, a->space), file_id, OD_ATTR_SHARES,
					       on_root_attrs, a);
		if (!a->base.sub)
			nomem(a);
		else
			return;
	}
	on_root_attrs(NULL, err ? err : od_error_new(OD_ERR_CANCELLED, _("cancelled")), a);
}

/* For each space with a provider and shares, whether one shares it all. */
static void
whole_space_step(struct audit *a)
{
	while (!a->err && !a->base.cancelled && a->space < od_zone_space_count(a->z)) {
		struct od_space *s = od_zone_space(a->z, a->space);
		bool shared = false;
		const cJSON *e;

		cJSON_ArrayForEach(e, a->shares)
			shared |= od_str_eq(od_json_get_str(e, "spaceId"), s->id);
		if (shared && s->n_supports) {
			if ((a->base.sub = od_provider_resolve(a->z, s, "/", on_root_id, a)))
				return;
			nomem(a);
		}
		a->space++;
	}
	next_part(a);
}

/* --- tokens ------------------------------------------------------------------------------ */

static void token_step(struct audit *a);

static const char *
kind_name(enum od_token_kind k)
{
	switch (k) {
	case OD_TOKEN_ACCESS: return "access";
	case OD_TOKEN_IDENTITY: return "identity";
	case OD_TOKEN_INVITE: return "invite";
	case OD_TOKEN_UNKNOWN: break;
	}
	return "unknown";
}

static const char *
names_space(const char *id, void *ud)
{
	return space_name(ud, id);
}

static void
token_entry(struct audit *a, const struct od_token_info *t)
{
	struct od_caveat_names names = { .space = names_space, .ud = a->z };
	cJSON *o = push_object(a, a->tokens), *texts, *risks;
	const cJSON *c;
	unsigned bits;

	if (!o)
		return;
	put_str(a, o, "id", t->id);
	put_str(a, o, "name", t->name);
	put_str(a, o, "type", kind_name(t->kind));
	put_str(a, o, "inviteType", t->invite_type);
	put_str(a, o, "targetId", t->target_id);
	put_str(a, o, "target", od_str_eq(od_invite_target_kind(t->invite_type), "space")
					? space_name(a->z, t->target_id) : NULL);
	put_num(a, o, "created", t->created, t->created >= 0);
	put_num(a, o, "validUntil", t->valid_until, t->valid_until > 0);
	put_bool(a, o, "revoked", t->revoked);
	if (t->kind == OD_TOKEN_INVITE) {
		put_num(a, o, "usageLimit", t->usage_limit, t->usage_limit >= 0);
		put_num(a, o, "usageCount", t->usage_count, t->usage_count >= 0);
		if (!cJSON_AddItemToObject(o, "privileges", t->privileges ? cJSON_Duplicate(t->privileges, true)
									   : cJSON_CreateNull()))
			nomem(a);
	}
	if (!cJSON_AddItemToObject(o, "caveats", cJSON_Duplicate(t->caveats, true)))
		nomem(a);
	texts = put_array(a, o, "caveatsText");
	cJSON_ArrayForEach(c, t->caveats) {
		char *text = od_caveat_describe(c, &names, a->now);
		if (!text)
			nomem(a);
		else
			push_str(a, texts, text);
		free(text);
	}
	risks = put_array(a, o, "risks");
	bits = t->revoked ? 0 : od_token_risks(t->caveats, t->kind == OD_TOKEN_INVITE, t->usage_limit < 0, a->now);
	for (size_t i = 0; i < sizeof(token_risks) / sizeof(*token_risks); i++)
		if (bits & token_risks[i].bit)
			push_str(a, risks, token_risks[i].name);
}

static void
on_token(const struct od_token_info *t, struct od_error *err, void *ud)
{
	struct audit *a = ud;

	a->base.sub = NULL;
	if (err) {
		if (err->kind == OD_ERR_CANCELLED)
			a->err = err;
		else
			problem(a, "tokens", NULL, err);
		if (err->kind != OD_ERR_CANCELLED)
			od_error_free(err);
	} else {
		token_entry(a, t);
	}
	token_step(a);
}

static void
token_step(struct audit *a)
{
	if (!a->err && !a->base.cancelled && a->next_id < a->n_ids) {
		if ((a->base.sub = od_token_get(a->z, a->ids[a->next_id++], on_token, a)))
			return;
		nomem(a);
	}
	next_part(a);
}

static bool
on_token_ids(const char *const *ids, size_t n, void *ud)
{
	struct audit *a = ud;

	a->ids = realloc(a->ids, (a->n_ids + n + 1) * sizeof(*a->ids));
	if (!a->ids) {
		a->n_ids = 0;
		nomem(a);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!(a->ids[a->n_ids] = strdup(ids[i]))) {
			nomem(a);
			return false;
		} else {
			a->n_ids++;
		}
	return true;
}

static void
on_token_list(struct od_error *err, void *ud)
{
	struct audit *a = ud;

	a->base.sub = NULL;
	if (err && err->kind != OD_ERR_CANCELLED)
		problem(a, "tokens", NULL, err);
	if (err && err->kind == OD_ERR_CANCELLED && !a->err)
		a->err = err;
	else
		od_error_free(err);
	token_step(a);
}

/* --- members ----------------------------------------------------------------------------- */

static void members_step(struct audit *a);

static void
privs_array(struct audit *a, cJSON *o, const char *key, const struct od_privs *p)
{
	cJSON *v = put_array(a, o, key);

	for (size_t i = 0; i < p->n; i++)
		push_str(a, v, p->v[i]);
}

static void
on_members(struct od_error *err, void *ud)
{
	struct audit *a = ud;
	struct od_space *s = od_zone_space(a->z, a->space);

	for (size_t i = 0; !err && i < od_members_count(a->loader); i++) {
		const struct od_member *m = od_members_get(a->loader, i);
		cJSON *o = push_object(a, a->members);
		if (!o)
			break;
		put_str(a, o, "space", s->name);
		put_str(a, o, "spaceId", s->id);
		put_str(a, o, "kind", m->kind == OD_MEMBER_USER ? "user" : "group");
		put_str(a, o, "id", m->id);
		put_str(a, o, "name", m->name);
		put_str(a, o, "username", m->username);
		put_bool(a, o, "direct", m->direct);
		put_bool(a, o, "owner", m->owner);
		put_bool(a, o, "privilegesKnown", m->privileges_known);
		privs_array(a, o, "privileges", &m->privileges);
		privs_array(a, o, "effective", &m->effective);
		privs_array(a, o, "via", &m->via);
	}
	if (err) {
		problem(a, "members", s->id, err);
		od_error_free(err);
	}
	/* The loader is calling us: it is freed after a later call. */
	od_members_free(a->spent);
	a->spent = a->loader;
	a->loader = NULL;
	a->space++;
	members_step(a);
}

static void
members_step(struct audit *a)
{
	if (!a->err && !a->base.cancelled && a->space < od_zone_space_count(a->z)) {
		if (!(a->loader = od_members_new(a->z))) {
			nomem(a);
		} else {
			od_members_load_space(a->loader, od_zone_space(a->z, a->space)->id, on_members, a);
			return;
		}
	}
	next_part(a);
}

/* --- onetui's own log -------------------------------------------------------------------- */

static bool
on_log_line(const struct od_acclog_line *l, void *ud)
{
	struct audit *a = ud;
	cJSON *o = push_object(a, cJSON_GetObjectItemCaseSensitive(a->report, "log"));

	if (!o)
		return false;
	put_num(a, o, "time", l->time, true);
	put_str(a, o, "action", l->e.action);
	put_str(a, o, "kind", l->e.kind);
	put_str(a, o, "id", l->e.id);
	put_str(a, o, "name", l->e.name);
	put_str(a, o, "spaceId", l->e.space_id);
	put_str(a, o, "detail", l->e.detail);
	put_str(a, o, "zone", l->zone);
	put_str(a, o, "user", l->user);
	put_str(a, o, "login", l->login);
	put_str(a, o, "host", l->host);
	return !a->err;
}

static void
read_log(struct audit *a)
{
	size_t skipped = 0;
	struct od_error *err;

	if (!put_array(a, a->report, "log"))
		return;
	err = od_acclog_read(on_log_line, a, &skipped);
	if (err) {
		problem(a, "log", NULL, err);
		od_error_free(err);
	}
	if (skipped) {
		struct od_error *note = od_error_new(OD_ERR_INPUT, P_("%zu line of the access log could not be read",
								      "%zu lines of the access log could not be read", skipped),
						     skipped);
		problem(a, "log", NULL, note);
		od_error_free(note);
	}
}

static void
on_user(const struct od_user *u, struct od_error *err, void *ud)
{
	struct audit *a = ud;

	a->base.sub = NULL;
	put_str(a, a->report, "user", u ? u->id : NULL);
	put_str(a, a->report, "userName", u ? u->full_name : NULL);
	if (err) {
		problem(a, "user", NULL, err);
		od_error_free(err);
	}
	next_part(a);
}

/* --- the steps ----------------------------------------------------------------------------- */

enum {
	STEP_START,
	STEP_SHARES,
	STEP_WHOLE_SPACES,
	STEP_TOKENS,
	STEP_MEMBERS,
	STEP_LOG,
	STEP_DONE,
};

static void
finish(struct audit *a)
{
	struct od_error *err = a->err;

	if (!err && a->base.cancelled)
		err = od_error_new(OD_ERR_CANCELLED, _("cancelled"));
	a->fn(err ? NULL : a->report, err, a->ud);
	od_members_free(a->loader);
	od_members_free(a->spent);
	for (size_t i = 0; i < a->n_ids; i++)
		free(a->ids[i]);
	free(a->ids);
	cJSON_Delete(a->report);
	free(a);
}

/* Start the next step the parts ask for; the last one delivers. */
static void
next_part(struct audit *a)
{
	while (!a->err && !a->base.cancelled && ++a->phase < STEP_DONE) {
		a->space = 0;
		switch (a->phase) {
		case STEP_SHARES:
			if (!(a->parts & OD_AUDIT_SHARES))
				continue;
			if ((a->base.sub = od_shares_list(a->z, OD_SHARES_VISIBLE, NULL, NULL, on_shares, a)))
				return;
			nomem(a);
			continue;
		case STEP_WHOLE_SPACES:
			if (!(a->parts & OD_AUDIT_SHARES))
				continue;
			whole_space_step(a);
			return;
		case STEP_TOKENS:
			if (!(a->parts & OD_AUDIT_TOKENS))
				continue;
			if ((a->base.sub = od_token_list(a->z, on_token_ids, on_token_list, a)))
				return;
			nomem(a);
			continue;
		case STEP_MEMBERS:
			if (!(a->parts & OD_AUDIT_MEMBERS))
				continue;
			members_step(a);
			return;
		case STEP_LOG:
			if (a->parts & OD_AUDIT_LOG)
				read_log(a);
			continue;
		}
	}
	finish(a);
}

struct od_op *
od_audit_collect(struct od_zone *z, unsigned parts, od_audit_fn *fn, void *ud)
{
	struct audit *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	*a = (struct audit){ .z = z, .parts = parts, .fn = fn, .ud = ud, .now = (int64_t)time(NULL),
			     .phase = STEP_START };
	a->report = cJSON_CreateObject();
	if (!a->report) {
		free(a);
		return NULL;
	}
	put_str(a, a->report, "zone", od_zone_origin(z));
	put_num(a, a->report, "generated", a->now, true);
	a->shares = parts & OD_AUDIT_SHARES ? put_array(a, a->report, "shares") : NULL;
	a->tokens = parts & OD_AUDIT_TOKENS ? put_array(a, a->report, "tokens") : NULL;
	a->members = parts & OD_AUDIT_MEMBERS ? put_array(a, a->report, "members") : NULL;
	a->problems = put_array(a, a->report, "problems");
	if (a->err) {
		od_error_free(a->err);
		cJSON_Delete(a->report);
		free(a);
		return NULL;
	}
	/* Who reads: the report says so. It is also the first step, so that
	 * every outcome arrives from the loop, after this returns. */
	if (!(a->base.sub = od_zone_whoami(z, on_user, a))) {
		cJSON_Delete(a->report);
		free(a);
		return NULL;
	}
	return &a->base;
}

/* --- export -------------------------------------------------------------------------------- */

bool
od_audit_risky(const cJSON *entry)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(entry, "risks")) > 0;
}

/* The strings of an array joined with sep (NULL when there are none). */
static char *
joined(const cJSON *array, const char *sep)
{
	struct od_buf b;
	const cJSON *e;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	cJSON_ArrayForEach(e, array)
		if (cJSON_IsString(e) && ((b.len && od_buf_adds(&b, sep)) || od_buf_adds(&b, e->valuestring)))
			break;
	return b.len ? od_buf_steal(&b) : (od_buf_done(&b), NULL);
}

static const char *
time_of(const cJSON *o, const char *key, char buf[OD_TIME_BUFSZ])
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(t) ? od_time_iso((int64_t)t->valuedouble, buf) : NULL;
}

enum { COL_PART, COL_SPACE, COL_ID, COL_NAME, COL_TYPE, COL_STATUS, COL_CREATED, COL_EXPIRES, COL_DETAIL, COL_URL,
       COL_RISKS, N_COLS };

static int
row(struct od_buf *out, const char *const *cols, char *detail, char *risks)
{
	const char *v[N_COLS];
	int rc;

	memcpy(v, cols, sizeof(v));
	v[COL_DETAIL] = detail ? detail : cols[COL_DETAIL];
	v[COL_RISKS] = risks;
	rc = od_csv_record(out, v, N_COLS);
	free(detail);
	free(risks);
	return rc;
}

static int
share_rows(const cJSON *shares, struct od_buf *out)
{
	const cJSON *e;
	char t[OD_TIME_BUFSZ];

	cJSON_ArrayForEach(e, shares) {
		const char *cols[N_COLS] = {
			[COL_PART] = "share", [COL_SPACE] = od_json_get_str(e, "space"), [COL_ID] = od_json_get_str(e, "id"),
			[COL_NAME] = od_json_get_str(e, "name"), [COL_TYPE] = od_json_get_str(e, "rootType"),
			[COL_STATUS] = od_json_get_str(e, "handleId") ? "public, with a handle" : "public",
			[COL_CREATED] = time_of(e, "created", t), [COL_DETAIL] = od_json_get_str(e, "creator"),
			[COL_URL] = od_json_get_str(e, "publicUrl"),
		};
		if (row(out, cols, NULL, joined(cJSON_GetObjectItemCaseSensitive(e, "risks"), ";")))
			return -1;
	}
	return 0;
}

static int
token_rows(const cJSON *tokens, struct od_buf *out)
{
	const cJSON *e;
	char c[OD_TIME_BUFSZ], x[OD_TIME_BUFSZ], type[64];

	cJSON_ArrayForEach(e, tokens) {
		const char *invite = od_json_get_str(e, "inviteType");
		bool revoked = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "revoked"));
		const cJSON *risks = cJSON_GetObjectItemCaseSensitive(e, "risks"), *r;
		const char *status = revoked ? "revoked" : "active";
		const char *cols[N_COLS];

		cJSON_ArrayForEach(r, risks)
			if (cJSON_IsString(r) && strcmp(r->valuestring, "expired") == 0)
				status = "expired";
		snprintf(type, sizeof(type), "%s%s%s", od_json_get_str(e, "type") ? od_json_get_str(e, "type") : "",
			 invite ? " " : "", invite ? invite : "");
		memset(cols, 0, sizeof(cols));
		cols[COL_PART] = "token";
		cols[COL_SPACE] = od_json_get_str(e, "target");
		cols[COL_ID] = od_json_get_str(e, "id");
		cols[COL_NAME] = od_json_get_str(e, "name");
		cols[COL_TYPE] = type;
		cols[COL_STATUS] = status;
		cols[COL_CREATED] = time_of(e, "created", c);
		cols[COL_EXPIRES] = time_of(e, "validUntil", x) ? x : "never";
		if (row(out, cols, joined(cJSON_GetObjectItemCaseSensitive(e, "caveatsText"), "; "), joined(risks, ";")))
			return -1;
	}
	return 0;
}

static int
member_rows(const cJSON *members, struct od_buf *out)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, members) {
		bool owner = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "owner"));
		bool direct = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "direct"));
		bool known = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "privilegesKnown"));
		const char *cols[N_COLS] = {
			[COL_PART] = "member", [COL_SPACE] = od_json_get_str(e, "space"), [COL_ID] = od_json_get_str(e, "id"),
			[COL_NAME] = od_json_get_str(e, "name"), [COL_TYPE] = od_json_get_str(e, "kind"),
			[COL_STATUS] = owner ? "owner" : direct ? "direct" : "through a group",
			[COL_DETAIL] = known ? NULL : "privileges not visible",
		};
		if (row(out, cols, known ? joined(cJSON_GetObjectItemCaseSensitive(e, "effective"), " ") : NULL, NULL))
			return -1;
	}
	return 0;
}

static int
log_rows(const cJSON *log, struct od_buf *out)
{
	const cJSON *e;
	char t[OD_TIME_BUFSZ], by[256];

	cJSON_ArrayForEach(e, log) {
		const char *login = od_json_get_str(e, "login"), *host = od_json_get_str(e, "host");
		const char *detail = od_json_get_str(e, "detail");
		const char *cols[N_COLS] = {
			[COL_PART] = "log", [COL_SPACE] = od_json_get_str(e, "spaceId"), [COL_ID] = od_json_get_str(e, "id"),
			[COL_NAME] = od_json_get_str(e, "name"), [COL_TYPE] = od_json_get_str(e, "kind"),
			[COL_STATUS] = od_json_get_str(e, "action"), [COL_CREATED] = time_of(e, "time", t),
			[COL_DETAIL] = by,
		};
		snprintf(by, sizeof(by), "%s%sby %s@%s", detail ? detail : "", detail ? "; " : "", login ? login : "?",
			 host ? host : "?");
		if (row(out, cols, NULL, NULL))
			return -1;
	}
	return 0;
}

int
od_audit_csv(const cJSON *report, struct od_buf *out)
{
	static const char *const head[N_COLS] = { "part", "space", "id", "name", "type", "status",
						  "created", "expires", "detail", "url", "risks" };

	if (od_csv_record(out, head, N_COLS) ||
	    share_rows(cJSON_GetObjectItemCaseSensitive(report, "shares"), out) ||
	    token_rows(cJSON_GetObjectItemCaseSensitive(report, "tokens"), out) ||
	    member_rows(cJSON_GetObjectItemCaseSensitive(report, "members"), out) ||
	    log_rows(cJSON_GetObjectItemCaseSensitive(report, "log"), out))
		return -1;
	return 0;
}
