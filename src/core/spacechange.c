/* SPDX-License-Identifier: GPL-3.0-or-later */
/* spacechange.c: changes to spaces and their members (create, rename, add
 * a group, remove a member, set privileges), each recorded in the access
 * log once the zone has made it. */
#include "config.h"

#include "onetui/members.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/acclog.h"
#include "onetui/buf.h"
#include "onetui/str.h"

#include "pcall.h"

/* Send a change whose reply is nothing (204); l is taken over. */
static struct od_op *
send_change(struct od_acclog_change *l, enum od_method method, char *path, const char *body, od_done_fn *fn,
	    void *ud)
{
	struct od_op *op = NULL;

	if (l && path) {
		l->done = fn;
		l->ud = ud;
		op = zcall_nothing(l->z, method, path, body, od_acclog_change_done, l);
		path = NULL;
	}
	free(path);
	if (!op && l)
		od_acclog_change_free(l);
	return op;
}

/* {"name": name} as text (caller frees with cJSON_free). */
static char *
name_body(const char *name)
{
	cJSON *o = cJSON_CreateObject();
	char *text = o && cJSON_AddStringToObject(o, "name", name) ? cJSON_PrintUnformatted(o) : NULL;

	cJSON_Delete(o);
	return text;
}

/* POST path {"name"} answering 201 with the new id in Location. */
static struct od_op *
create_named(struct od_zone *z, const char *path, const char *kind, const char *name, od_file_id_fn *fn,
	     void *ud)
{
	struct od_acclog_change *l = od_acclog_change_new(z, "create", kind, NULL, name, NULL, NULL);
	char *body = name_body(name);
	struct od_op *op = NULL;

	if (l && body) {
		l->made = fn;
		l->ud = ud;
		op = zcall_located(z, OD_POST, od_strdup(path), body, od_acclog_change_made, l);
	}
	if (!op && l)
		od_acclog_change_free(l);
	cJSON_free(body);
	return op;
}

struct od_op *
od_space_create(struct od_zone *z, const char *name, od_file_id_fn *fn, void *ud)
{
	return create_named(z, "/user/spaces", "space", name, fn, ud);
}

struct od_op *
od_group_create(struct od_zone *z, const char *name, od_file_id_fn *fn, void *ud)
{
	return create_named(z, "/user/groups", "group", name, fn, ud);
}

struct od_op *
od_space_rename(struct od_zone *z, const char *space_id, const char *old_name, const char *name, od_done_fn *fn,
		void *ud)
{
	char *detail = od_asprintf("%s -> %s", old_name ? old_name : space_id, name);
	char *body = name_body(name);
	struct od_acclog_change *l =
		detail && body ? od_acclog_change_new(z, "update", "space", space_id, name, space_id, detail) : NULL;
	struct od_op *op = l ? send_change(l, OD_PATCH, id_path("/spaces/", space_id, ""), body, fn, ud) : NULL;

	free(detail);
	cJSON_free(body);
	return op;
}

/* Add key: [privs] to o unless privs is empty; false when memory ran out. */
static bool
add_privs(cJSON *o, const char *key, const struct od_privs *privs)
{
	cJSON *arr;

	if (!privs || !privs->n)
		return true;
	if (!(arr = cJSON_AddArrayToObject(o, key)))
		return false;
	for (size_t i = 0; i < privs->n; i++)
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(privs->v[i])))
			return false;
	return true;
}

/* "<label>: a, b" after what b holds ("; " between parts); -1: no memory. */
static int
describe(struct od_buf *b, const char *label, const struct od_privs *privs)
{
	if (!privs || !privs->n)
		return 0;
	if ((b->len && od_buf_adds(b, "; ")) || od_buf_addf(b, "%s: ", label))
		return -1;
	for (size_t i = 0; i < privs->n; i++)
		if (od_buf_addf(b, "%s%s", i ? ", " : "", privs->v[i]))
			return -1;
	return 0;
}

static const char *
member_segment(enum od_member_kind kind)
{
	return kind == OD_MEMBER_USER ? "/users/" : "/groups/";
}

/* The path of a direct member: /spaces/<sid>/(users|groups)/<id><suffix>. */
static char *
member_path(const char *space_id, enum od_member_kind kind, const char *id, const char *suffix)
{
	char *base = id_path("/spaces/", space_id, member_segment(kind));
	char *path = base ? id_path(base, id, suffix) : NULL;

	free(base);
	return path;
}

struct od_op *
od_space_add_group(struct od_zone *z, const char *space_id, const char *group_id, const char *name,
		   const struct od_privs *privs, od_done_fn *fn, void *ud)
{
	cJSON *o = cJSON_CreateObject();
	char *body = privs && o && add_privs(o, "privileges", privs) ? cJSON_PrintUnformatted(o) : NULL;
	struct od_buf detail;
	struct od_acclog_change *l = NULL;
	struct od_op *op = NULL;

	od_buf_init(&detail, OD_BUF_UNLIMITED);
	if (o && (!privs || body) && od_buf_adds(&detail, "group") == 0 && describe(&detail, "privileges", privs) == 0)
		l = od_acclog_change_new(z, "create", "member", group_id, name, space_id, od_buf_str(&detail));
	if (l)
		op = send_change(l, OD_PUT, member_path(space_id, OD_MEMBER_GROUP, group_id, ""), body, fn, ud);
	od_buf_done(&detail);
	cJSON_Delete(o);
	cJSON_free(body);
	return op;
}

struct od_op *
od_space_remove_member(struct od_zone *z, const char *space_id, enum od_member_kind kind, const char *id,
		       const char *name, od_done_fn *fn, void *ud)
{
	struct od_acclog_change *l = od_acclog_change_new(z, "remove", "member", id, name, space_id,
				      kind == OD_MEMBER_USER ? "user" : "group");

	return l ? send_change(l, OD_DELETE, member_path(space_id, kind, id, ""), NULL, fn, ud) : NULL;
}

struct od_op *
od_space_set_privileges(struct od_zone *z, const char *space_id, enum od_member_kind kind, const char *id,
			const char *name, const struct od_privs *grant, const struct od_privs *revoke,
			od_done_fn *fn, void *ud)
{
	cJSON *o = cJSON_CreateObject();
	char *body = o && add_privs(o, "grant", grant) && add_privs(o, "revoke", revoke) ? cJSON_PrintUnformatted(o)
											    : NULL;
	struct od_buf detail;
	struct od_acclog_change *l = NULL;
	struct od_op *op = NULL;

	od_buf_init(&detail, OD_BUF_UNLIMITED);
	if (body && od_buf_adds(&detail, kind == OD_MEMBER_USER ? "user" : "group") == 0 &&
	    describe(&detail, "grant", grant) == 0 && describe(&detail, "revoke", revoke) == 0)
		l = od_acclog_change_new(z, "update", "privileges", id, name, space_id, od_buf_str(&detail));
	if (l)
		op = send_change(l, OD_PATCH, member_path(space_id, kind, id, "/privileges"), body, fn, ud);
	od_buf_done(&detail);
	cJSON_Delete(o);
	cJSON_free(body);
	return op;
}
