/* SPDX-License-Identifier: GPL-3.0-or-later */
/* attrs.c: file attribute names, and checking attribute objects. */
#include "config.h"

#include "onetui/attrs.h"

#include <string.h>

#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/str.h"

static const char *const attr_names[] = {
	"fileId", "name", "type", "size", "posixPermissions", "mtime", "atime", "ctime",
	"ownerUserId", "path", "parentFileId", "hardlinkCount", "originProviderId",
	"directShareIds", "creationTime",
};

int
od_attrs_query(struct od_buf *out, unsigned attrs)
{
	int rc = 0;

	bool first = true;

	for (size_t i = 0; rc == 0 && i < OD_ARRAY_SIZE(attr_names); i++) {
		if (attrs & (1u << i)) {
			rc = od_buf_addf(out, "%sattributes=%s", first ? "" : "&", attr_names[i]);
			first = false;
		}
	}
	return rc;
}

const char *
od_file_type_name(enum od_file_type t)
{
	switch (t) {
	case OD_FILE_DIR: return "DIR";
	case OD_FILE_SYMLNK: return "SYMLNK";
	case OD_FILE_REG: break;
	}
	return "REG";
}

char
od_file_type_char(enum od_file_type t)
{
	switch (t) {
	case OD_FILE_DIR: return 'd';
	case OD_FILE_SYMLNK: return 'l';
	case OD_FILE_REG: break;
	}
	return '-';
}

static struct od_error *
require(unsigned requested, unsigned bit, bool present, const char *key, const char *what)
{
	if ((requested & bit) && !present)
		return od_error_new(OD_ERR_INPUT, _("%s lacks the attribute \"%s\""), what, key);
	return NULL;
}

/* A required string attribute that must not be empty. */
static struct od_error *
parse_id(const cJSON *obj, unsigned requested, unsigned bit, const char *key, const char *what,
	 const char **out, unsigned *have)
{
	bool present = false;
	struct od_error *err = od_json_str_opt(obj, key, what, out, &present);

	if (!err && present && !**out)
		err = od_error_new(OD_ERR_INPUT, _("%s has an empty \"%s\""), what, key);
	if (!err)
		err = require(requested, bit, present, key, what);
	if (present)
		*have |= bit;
	return err;
}

/* A time stamp: whole seconds, not negative. */
static struct od_error *
parse_time(const cJSON *obj, unsigned requested, unsigned bit, const char *key, const char *what,
	   int64_t *out, unsigned *have)
{
	bool present = false;
	struct od_error *err = od_json_int_opt(obj, key, what, out, &present);

	if (!err && present && *out < 0)
		err = od_error_new(OD_ERR_INPUT, _("%s has a negative \"%s\""), what, key);
	if (!err)
		err = require(requested, bit, present, key, what);
	if (present)
		*have |= bit;
	return err;
}

static struct od_error *
parse_type(const cJSON *obj, unsigned requested, const char *what, struct od_attrs *a)
{
	const char *t = NULL;
	bool present = false;
	struct od_error *err = od_json_str_opt(obj, "type", what, &t, &present);

	if (err || (err = require(requested, OD_ATTR_TYPE, present, "type", what)) || !present)
		return err;
	a->have |= OD_ATTR_TYPE;
	/* The API adds types now and then; what is not a directory or a
	 * symbolic link behaves as a regular file (hard links report REG). */
	if (strcmp(t, "DIR") == 0)
		a->type = OD_FILE_DIR;
	else if (strcmp(t, "SYMLNK") == 0)
		a->type = OD_FILE_SYMLNK;
	else
		a->type = OD_FILE_REG;
	return NULL;
}

static struct od_error *
parse_mode(const cJSON *obj, unsigned requested, const char *what, struct od_attrs *a)
{
	const char *m = NULL;
	bool present = false;
	struct od_error *err = od_json_str_opt(obj, "posixPermissions", what, &m, &present);
	unsigned v = 0;
	size_t n;

	if (err || (err = require(requested, OD_ATTR_MODE, present, "posixPermissions", what)) || !present)
		return err;
	n = strlen(m);
	if (n == 0 || n > 4 || strspn(m, "01234567") != n)
		return od_error_new(OD_ERR_INPUT, _("%s has \"posixPermissions\" that are not octal digits"), what);
	for (size_t i = 0; i < n; i++)
		v = v * 8 + (unsigned)(m[i] - '0');
	a->mode = v;
	a->have |= OD_ATTR_MODE;
	return NULL;
}

static struct od_error *
parse_size(const cJSON *obj, unsigned requested, const char *what, struct od_attrs *a)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "size");
	struct od_error *err;

	a->size = -1;
	if (!v)
		return require(requested, OD_ATTR_SIZE, false, "size", what);
	a->have |= OD_ATTR_SIZE;
	if (cJSON_IsNull(v))
		return NULL;	/* directories when statistics are off */
	err = od_json_int(obj, "size", what, &a->size);
	if (!err && a->size < 0)
		err = od_error_new(OD_ERR_INPUT, _("%s has a negative \"size\""), what);
	return err;
}

struct od_error *
od_attrs_parse(const cJSON *obj, unsigned requested, const char *what, struct od_attrs *a)
{
	struct od_error *err = NULL;
	bool present;

	memset(a, 0, sizeof(*a));
	a->size = -1;
	if (!cJSON_IsObject(obj))
		return od_error_new(OD_ERR_INPUT, _("%s has an entry that is not an object"), what);
	if ((err = parse_id(obj, requested, OD_ATTR_FILE_ID, "fileId", what, &a->file_id, &a->have)) ||
	    (err = parse_id(obj, requested, OD_ATTR_NAME, "name", what, &a->name, &a->have)) ||
	    (err = parse_id(obj, requested, OD_ATTR_PATH, "path", what, &a->path, &a->have)) ||
	    (err = parse_id(obj, requested, OD_ATTR_OWNER, "ownerUserId", what, &a->owner_id, &a->have)) ||
	    (err = parse_id(obj, requested, OD_ATTR_PROVIDER, "originProviderId", what, &a->provider_id,
			    &a->have)) ||
	    (err = parse_type(obj, requested, what, a)) || (err = parse_mode(obj, requested, what, a)) ||
	    (err = parse_size(obj, requested, what, a)) ||
	    (err = parse_time(obj, requested, OD_ATTR_MTIME, "mtime", what, &a->mtime, &a->have)) ||
	    (err = parse_time(obj, requested, OD_ATTR_ATIME, "atime", what, &a->atime, &a->have)) ||
	    (err = parse_time(obj, requested, OD_ATTR_CTIME, "ctime", what, &a->ctime, &a->have)) ||
	    (err = parse_time(obj, requested, OD_ATTR_CREATED, "creationTime", what, &a->created, &a->have)) ||
	    (err = parse_time(obj, requested, OD_ATTR_HARDLINKS, "hardlinkCount", what, &a->hardlinks,
			      &a->have)))
		return err;
	/* parentFileId is null at the root of a space. */
	if (cJSON_GetObjectItemCaseSensitive(obj, "parentFileId")) {
		a->have |= OD_ATTR_PARENT;
		if ((err = od_json_str_opt(obj, "parentFileId", what, &a->parent_id, &present)))
			return err;
	} else if ((err = require(requested, OD_ATTR_PARENT, false, "parentFileId", what))) {
		return err;
	}
	if (cJSON_GetObjectItemCaseSensitive(obj, "directShareIds") || (requested & OD_ATTR_SHARES)) {
		const cJSON *arr, *id;
		if ((err = od_json_array(obj, "directShareIds", what, &arr)))
			return err;
		cJSON_ArrayForEach(id, arr) {
			if (!cJSON_IsString(id))
				return od_error_new(OD_ERR_INPUT, _("%s has a share id that is not a string"), what);
		}
		a->shares = arr;
		a->have |= OD_ATTR_SHARES;
	}
	return NULL;
}
