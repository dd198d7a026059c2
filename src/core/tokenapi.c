/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tokenapi.c: token management calls to the zone, each change recorded in
 * the access log. */
#include "config.h"

#include "onetui/tokenapi.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/acclog.h"
#include "onetui/buf.h"
#include "onetui/caveat.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/str.h"

#include "pcall.h"

/* --- invitations -------------------------------------------------------------------- */

/* The invitations onetui consumes: where, and what their target is. */
static const struct invite {
	const char *type;
	const char *target_key;		/* in the token type */
	const char *kind;		/* "space", "group" */
	/* The join endpoint; for a group's joins, what follows /groups/{gid}. */
	const char *path;
	bool by_group;
} invites[] = {
	{ "userJoinSpace", "spaceId", "space", "/user/spaces/join", false },
	{ "groupJoinSpace", "spaceId", "space", "/spaces/join", true },
	{ "userJoinGroup", "groupId", "group", "/user/groups/join", false },
	{ "groupJoinGroup", "groupId", "group", "/parents/join", true },
	{ "supportSpace", "spaceId", "space", NULL, false },
};

static const struct invite *
invite_of(const char *type)
{
	for (size_t i = 0; type && i < OD_ARRAY_SIZE(invites); i++)
		if (strcmp(type, invites[i].type) == 0)
			return &invites[i];
	return NULL;
}

bool
od_invite_consumable(const char *invite_type, bool *needs_group)
{
	const struct invite *v = invite_of(invite_type);

	*needs_group = v && v->by_group;
	return v && v->path;
}

const char *
od_invite_target_kind(const char *invite_type)
{
	const struct invite *v = invite_of(invite_type);

	return v ? v->kind : NULL;
}

/* --- reading a token's record ------------------------------------------------------- */

static int64_t
number_or(const cJSON *obj, const char *key, int64_t absent)
{
	int64_t v;

	return od_json_is_integer(cJSON_GetObjectItemCaseSensitive(obj, key), &v) ? v : absent;
}

static const cJSON empty_array = { .type = cJSON_Array };

struct od_error *
od_token_info_parse(const cJSON *root, struct od_token_info *t)
{
	const char *what = _("the zone's token record");
	const cJSON *type, *invite, *meta, *caveats, *subject;
	struct od_error *err;

	memset(t, 0, sizeof(*t));
	if (!root)
		return od_error_new(OD_ERR_INPUT, _("%s is empty"), what);
	if ((err = od_json_str(root, "id", what, &t->id)))
		return err;
	t->raw = root;
	t->name = od_json_get_str(root, "name");
	t->persistence = od_json_get_str(root, "persistence");
	subject = cJSON_GetObjectItemCaseSensitive(root, "subject");
	t->subject_type = od_json_get_str(subject, "type");
	t->subject_id = od_json_get_str(subject, "id");
	type = cJSON_GetObjectItemCaseSensitive(root, "type");
	invite = cJSON_GetObjectItemCaseSensitive(type, "inviteToken");
	if (cJSON_IsObject(invite)) {
		const struct invite *v;

		t->kind = OD_TOKEN_INVITE;
		t->invite_type = od_json_get_str(invite, "inviteType");
		v = invite_of(t->invite_type);
		t->target_id = od_json_get_str(invite, v ? v->target_key : "spaceId");
	} else if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(type, "accessToken"))) {
		t->kind = OD_TOKEN_ACCESS;
	} else if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(type, "identityToken"))) {
		t->kind = OD_TOKEN_IDENTITY;
	} else {
		t->kind = OD_TOKEN_UNKNOWN;
	}
	caveats = cJSON_GetObjectItemCaseSensitive(root, "caveats");
	if (caveats && !cJSON_IsArray(caveats))
		return od_error_new(OD_ERR_INPUT, _("%s: \"caveats\" is not a list"), what);
	t->caveats = caveats ? caveats : &empty_array;
	t->valid_until = od_caveats_valid_until(t->caveats);
	meta = cJSON_GetObjectItemCaseSensitive(root, "metadata");
	t->created = number_or(meta, "creationTime", -1);
	t->usage_limit = number_or(meta, "usageLimit", -1);
	t->usage_count = number_or(meta, "usageCount", -1);
	t->privileges = cJSON_GetObjectItemCaseSensitive(meta, "privileges");
	if (t->privileges && !cJSON_IsArray(t->privileges))
		t->privileges = NULL;
	t->revoked = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "revoked"));
	t->value = od_json_get_str(root, "token");
	return NULL;
}

struct info_call {
	od_token_info_fn *fn;
	void *ud;
};

static void
on_info(const cJSON *root, struct od_error *err, void *ud)
{
	struct info_call c = *(struct info_call *)ud;
	struct od_token_info t;

	free(ud);
	if (!err)
		err = od_token_info_parse(root, &t);
	c.fn(err ? NULL : &t, err, c.ud);
}

static struct od_op *
info_call(struct od_zone *z, bool public, enum od_method m, char *path, char *body, od_token_info_fn *fn,
	  void *ud)
{
	struct info_call *c = path && (body || m == OD_GET) ? malloc(sizeof(*c)) : NULL;
	const char *what = _("the zone's token record");
	struct od_op *op = NULL;

	if (c) {
		*c = (struct info_call){ fn, ud };
		op = public ? zcall_public_json(z, m, path, body, what, on_info, c)
			    : zcall_json(z, m, path, body, what, on_info, c);
		path = NULL;
		if (!op)
			free(c);
	}
	free(path);
	od_str_wipe_free(body);
	return op;
}

/* {"token": "<token>"<rest>}: rest is more members (",\"caveats\":[...]")
 * or "". Caller wipes and frees; NULL when memory runs out. */
static char *
token_body(const char *token, const char *rest)
{
	struct od_buf b;
	char *text;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_adds(&b, "{\"token\":") || od_json_escape(&b, token, strlen(token)) || od_buf_adds(&b, rest) ||
	    od_buf_addc(&b, '}')) {
		if (b.data)
			memset(b.data, 0, b.cap);
		od_buf_done(&b);
		return NULL;
	}
	text = od_buf_steal(&b);
	return text;
}

struct od_op *
od_token_list(struct od_zone *z, od_ids_fn *page, od_done_fn *done, void *ud)
{
	return zcall_ids(z, od_strdup("/user/tokens/named"), "tokens", N_("the zone's list of your tokens"), page,
			 done, ud);
}

struct od_op *
od_token_get(struct od_zone *z, const char *id, od_token_info_fn *fn, void *ud)
{
	return info_call(z, false, OD_GET, id_path("/tokens/named/", id, ""), NULL, fn, ud);
}

struct od_op *
od_token_get_by_name(struct od_zone *z, const char *name, od_token_info_fn *fn, void *ud)
{
	return info_call(z, false, OD_GET, id_path("/user/tokens/named/name/", name, ""), NULL, fn, ud);
}

struct od_op *
od_token_examine(struct od_zone *z, const char *token, od_token_info_fn *fn, void *ud)
{
	return info_call(z, true, OD_POST, od_strdup("/tokens/examine"), token_body(token, ""), fn, ud);
}

struct od_op *
od_token_infer_scope(struct od_zone *z, const char *token, od_token_json_fn *fn, void *ud)
{
	char *body = token_body(token, "");
	struct od_op *op = body ? zcall_public_json(z, OD_POST, od_strdup("/tokens/infer_access_token_scope"), body,
						    _("the zone's account of what a token gives access to"), fn, ud)
				: NULL;

	od_str_wipe_free(body);
	return op;
}

/* --- changes, with their record in the access log ----------------------------------- */

/* A token being made: its log entry, and whom to tell. */
struct made_call {
	struct od_acclog_change *log;
	od_token_made_fn *fn;
	void *ud;
};

static struct made_call *
made_call_new(struct od_acclog_change *log, od_token_made_fn *fn, void *ud)
{
	struct made_call *m = log ? calloc(1, sizeof(*m)) : NULL;

	if (!m) {
		od_acclog_change_free(log);
		return NULL;
	}
	*m = (struct made_call){ .log = log, .fn = fn, .ud = ud };
	return m;
}

static void
made_call_free(struct made_call *m)
{
	od_acclog_change_free(m->log);
	free(m);
}

/* "time, data.readonly, ip" (the caveat types), for the log. */
static char *
caveat_types(const cJSON *caveats)
{
	struct od_buf b;
	const cJSON *c;
	int rc;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_buf_adds(&b, "caveats: ");
	if (cJSON_GetArraySize(caveats) == 0)
		rc |= od_buf_adds(&b, _("none"));
	cJSON_ArrayForEach(c, caveats) {
		const char *type = od_json_get_str(c, "type");

		rc |= od_buf_addf(&b, "%s%s", c == caveats->child ? "" : ", ", type ? type : "?");
	}
	if (rc) {
		od_buf_done(&b);
		return NULL;
	}
	return od_buf_steal(&b);
}

static void
on_made(const cJSON *root, struct od_error *err, void *ud)
{
	struct made_call *m = ud;
	const char *id = od_json_get_str(root, "tokenId"), *token = NULL;

	if (!err && (err = od_json_str(root, "token", _("the zone's reply with the new token"), &token)))
		token = NULL;
	od_acclog_change_end(m->log, err, id);
	m->fn(err ? NULL : id, token, err, m->ud);
	free(m);
}

static char *
create_body(const struct od_token_request *r)
{
	cJSON *body = cJSON_CreateObject(), *type, *invite;
	bool ok = body && (!r->name || cJSON_AddStringToObject(body, "name", r->name)) &&
		  (type = cJSON_AddObjectToObject(body, "type"));
	char *text = NULL;

	if (ok && r->invite_type) {
		const struct invite *v = invite_of(r->invite_type);

		ok = v && (invite = cJSON_AddObjectToObject(type, "inviteToken")) &&
		     cJSON_AddStringToObject(invite, "inviteType", r->invite_type) &&
		     cJSON_AddStringToObject(invite, v->target_key, r->target_id) &&
		     (!r->name || !r->privileges ||
		      cJSON_AddItemToObject(body, "privileges", cJSON_Duplicate(r->privileges, true))) &&
		     (!r->name || (r->usage_limit ? cJSON_AddNumberToObject(body, "usageLimit", (double)r->usage_limit)
						  : cJSON_AddStringToObject(body, "usageLimit", "infinity")));
	} else if (ok) {
		ok = cJSON_AddObjectToObject(type, "accessToken") != NULL;
	}
	ok = ok && cJSON_AddItemToObject(body, "caveats", r->caveats ? cJSON_Duplicate(r->caveats, true)
								     : cJSON_CreateArray());
	if (ok)
		text = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
	return text;
}

/* The log's detail for a new token: its caveats, and for an invitation
 * its kind, usage limit and privileges. */
static char *
create_detail(const struct od_token_request *r)
{
	char *caveats = caveat_types(r->caveats), *privileges = r->privileges ? cJSON_PrintUnformatted(r->privileges)
									     : NULL;
	char *detail;

	if (!r->invite_type)
		return caveats;
	detail = od_asprintf("%s %s; usage limit %lld; privileges %s; %s", r->invite_type,
			     r->target_id ? r->target_id : "", (long long)r->usage_limit,
			     privileges ? privileges : "default", caveats ? caveats : "");
	free(caveats);
	free(privileges);
	return detail;
}

struct od_op *
od_token_create(struct od_zone *z, const struct od_token_request *r, od_token_made_fn *fn, void *ud)
{
	const struct invite *v = invite_of(r->invite_type);
	char *detail = create_detail(r), *body = detail ? create_body(r) : NULL;
	struct made_call *m =
		body ? made_call_new(od_acclog_change_new(z, "create", r->invite_type ? "invite" : "token", NULL, r->name,
							  v && strcmp(v->kind, "space") == 0 ? r->target_id : NULL,
							  detail),
				     fn, ud)
		     : NULL;
	struct od_op *op = NULL;

	if (m && !(op = zcall_json(z, OD_POST, od_strdup(r->name ? "/user/tokens/named" : "/user/tokens/temporary"),
				   body, _("the zone's reply with the new token"), on_made, m)))
		made_call_free(m);
	free(detail);
	cJSON_free(body);
	return op;
}

struct od_op *
od_token_confine(struct od_zone *z, const char *token, const cJSON *caveats, od_token_made_fn *fn, void *ud)
{
	char *detail = caveat_types(caveats), *list = detail ? cJSON_PrintUnformatted(caveats) : NULL;
	char *rest = list ? od_asprintf(",\"caveats\":%s", list) : NULL;
	char *body = rest ? token_body(token, rest) : NULL;
	struct made_call *m =
		body ? made_call_new(od_acclog_change_new(z, "confine", "token", NULL, NULL, NULL, detail), fn, ud) : NULL;
	struct od_op *op = NULL;

	if (m && !(op = zcall_public_json(z, OD_POST, od_strdup("/tokens/confine"), body,
					  _("the zone's reply with the confined token"), on_made, m)))
		made_call_free(m);
	free(detail);
	cJSON_free(list);
	free(rest);
	od_str_wipe_free(body);
	return op;
}

static struct od_op *
change(struct od_zone *z, const char *action, enum od_method m, const char *id, const char *name, const char *body,
       od_done_fn *fn, void *ud)
{
	struct od_acclog_change *l = od_acclog_change_new(z, action, "token", id, name, NULL, NULL);
	struct od_op *op = NULL;

	if (l) {
		l->done = fn;
		l->ud = ud;
		if (!(op = zcall_nothing(z, m, id_path("/tokens/named/", id, ""), body, od_acclog_change_done, l)))
			od_acclog_change_free(l);
	}
	return op;
}

struct od_op *
od_token_set_revoked(struct od_zone *z, const char *id, const char *name, bool revoked, od_done_fn *fn, void *ud)
{
	return change(z, revoked ? "revoke" : "unrevoke", OD_PATCH, id, name,
		      revoked ? "{\"revoked\":true}" : "{\"revoked\":false}", fn, ud);
}

struct od_op *
od_token_delete(struct od_zone *z, const char *id, const char *name, od_done_fn *fn, void *ud)
{
	return change(z, "delete", OD_DELETE, id, name, NULL, fn, ud);
}

struct od_op *
od_invite_consume(struct od_zone *z, const char *token, const struct od_token_info *t, const char *group_id,
		  od_file_id_fn *fn, void *ud)
{
	const struct invite *v = invite_of(t->invite_type);
	struct od_acclog_change *l;
	char *path, *body, *detail;
	struct od_op *op = NULL;

	if (!v || !v->path || (v->by_group && !group_id))
		return NULL;
	detail = od_asprintf("%s %s%s%s", v->type, t->target_id ? t->target_id : "", v->by_group ? " by group " : "",
			     v->by_group ? group_id : "");
	l = detail ? od_acclog_change_new(z, "consume", "invite", t->id, t->name,
					  strcmp(v->kind, "space") == 0 ? t->target_id : NULL, detail)
		   : NULL;
	free(detail);
	if (!l)
		return NULL;
	l->made = fn;
	l->ud = ud;
	path = v->by_group ? id_path("/groups/", group_id, v->path) : od_strdup(v->path);
	body = token_body(token, "");
	if (path && body)
		op = zcall_located(z, OD_POST, path, body, od_acclog_change_made, l);
	else
		free(path);
	if (!op)
		od_acclog_change_free(l);
	od_str_wipe_free(body);
	return op;
}
