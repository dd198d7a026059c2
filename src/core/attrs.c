/* SPDX-License-Identifier: GPL-3.0-or-later */
/* attrs.c: file attribute names, and checking attribute objects. */
#include "config.h"

#include "onetui/attrs.h"

#include <limits.h>
#include <string.h>

#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/str.h"

static const char *const attr_names[] = {
	"fileId", "name", "type", "size", "posixPermissions", "mtime", "atime", "ctime",
	"ownerUserId", "path", "parentFileId", "hardlinkCount", "originProviderId",
	"directShareIds", "creationTime", "xattr." OD_XATTR_SHA256, "xattr." OD_XATTR_SHA256_MTIME,
	"effProtectionFlags",
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

/* Which attribute a member is (its bit), 0 for others. One pass over an
 * entry's members replaces a lookup per attribute: listings hold
 * 100,000 entries. */
static unsigned
attr_bit(const char *key)
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(attr_names); i++)
		if (key[0] == attr_names[i][0] && strcmp(key, attr_names[i]) == 0)
			return 1u << i;
	return 0;
}

static const char *
attr_name(unsigned bit)
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(attr_names); i++)
		if (bit == 1u << i)
			return attr_names[i];
	return "?";
}

/* A string attribute that must not be empty. */
static struct od_error *
parse_id(const cJSON *v, unsigned bit, const char *what, const char **out)
{
	bool present;
	struct od_error *err = od_json_val_str(v, attr_name(bit), what, out, &present);

	if (!err && present && !**out)
		err = od_error_new(OD_ERR_INPUT, _("%s has an empty \"%s\""), what, attr_name(bit));
	return err;
}

/* A time stamp or count: a whole number, not negative. */
static struct od_error *
parse_count(const cJSON *v, unsigned bit, const char *what, int64_t *out)
{
	bool present;
	struct od_error *err = od_json_val_int(v, attr_name(bit), what, out, &present);

	if (!err && present && *out < 0)
		err = od_error_new(OD_ERR_INPUT, _("%s has a negative \"%s\""), what, attr_name(bit));
	return err;
}

static struct od_error *
parse_type(const cJSON *v, const char *what, struct od_attrs *a)
{
	const char *t = NULL;
	bool present;
	struct od_error *err = od_json_val_str(v, "type", what, &t, &present);

	if (err || !present)
		return err;
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
parse_mode(const cJSON *v, const char *what, struct od_attrs *a)
{
	const char *m = NULL;
	bool present;
	struct od_error *err = od_json_val_str(v, "posixPermissions", what, &m, &present);
	unsigned mode = 0;
	size_t n;

	if (err || !present)
		return err;
	n = strlen(m);
	if (n == 0 || n > 4 || strspn(m, "01234567") != n)
		return od_error_new(OD_ERR_INPUT, _("%s has \"posixPermissions\" that are not octal digits"), what);
	for (size_t i = 0; i < n; i++)
		mode = mode * 8 + (unsigned)(m[i] - '0');
	a->mode = mode;
	return NULL;
}

static struct od_error *
parse_shares(const cJSON *v, const char *what, struct od_attrs *a)
{
	const cJSON *id;

	if (!cJSON_IsArray(v))
		return od_error_new(OD_ERR_INPUT, _("%s has \"directShareIds\" that is not a list"), what);
	cJSON_ArrayForEach(id, v) {
		if (!cJSON_IsString(id))
			return od_error_new(OD_ERR_INPUT, _("%s has a share id that is not a string"), what);
	}
	a->shares = v;
	return NULL;
}

const char *
od_protection_name(unsigned flag)
{
	return flag == OD_PROTECT_DATA ? "data_protection" : flag == OD_PROTECT_METADATA ? "metadata_protection" : NULL;
}

struct od_error *
od_protection_parse(const cJSON *arr, const char *what, unsigned *out)
{
	const cJSON *e;

	*out = 0;
	if (!cJSON_IsArray(arr))
		return od_error_new(OD_ERR_INPUT, _("%s has protection flags that are not a list"), what);
	cJSON_ArrayForEach(e, arr) {
		if (!cJSON_IsString(e))
			return od_error_new(OD_ERR_INPUT, _("%s has a protection flag that is not a string"), what);
		for (unsigned flag = OD_PROTECT_DATA; flag <= OD_PROTECT_METADATA; flag <<= 1)
			if (strcmp(e->valuestring, od_protection_name(flag)) == 0)
				*out |= flag;
	}
	return NULL;
}

/* Extended attributes hold whatever someone stored: what is not the
 * expected kind of value counts as no usable value. */
static void
parse_checksum(const cJSON *v, unsigned bit, struct od_attrs *a)
{
	long n;

	if (bit == OD_ATTR_SHA256) {
		a->sha256 = cJSON_IsString(v) ? v->valuestring : cJSON_IsNull(v) ? NULL : "";
		return;
	}
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e15)
		a->sha256_mtime = (int64_t)v->valuedouble;
	else if (cJSON_IsString(v) && od_parse_long(v->valuestring, 0, LONG_MAX, &n))
		a->sha256_mtime = n;
}

static struct od_error *
parse_member(const cJSON *v, unsigned bit, const char *what, struct od_attrs *a)
{
	switch (bit) {
	case OD_ATTR_SHA256:
	case OD_ATTR_SHA256_MTIME:
		parse_checksum(v, bit, a);
		return NULL;
	case OD_ATTR_FILE_ID: return parse_id(v, bit, what, &a->file_id);
	case OD_ATTR_NAME: return parse_id(v, bit, what, &a->name);
	case OD_ATTR_PATH: return parse_id(v, bit, what, &a->path);
	case OD_ATTR_OWNER: return parse_id(v, bit, what, &a->owner_id);
	case OD_ATTR_PROVIDER: return parse_id(v, bit, what, &a->provider_id);
	/* parentFileId is null at the root of a space. */
	case OD_ATTR_PARENT: return parse_id(v, bit, what, &a->parent_id);
	case OD_ATTR_TYPE: return parse_type(v, what, a);
	case OD_ATTR_MODE: return parse_mode(v, what, a);
	case OD_ATTR_MTIME: return parse_count(v, bit, what, &a->mtime);
	case OD_ATTR_ATIME: return parse_count(v, bit, what, &a->atime);
	case OD_ATTR_CTIME: return parse_count(v, bit, what, &a->ctime);
	case OD_ATTR_CREATED: return parse_count(v, bit, what, &a->created);
	case OD_ATTR_HARDLINKS: return parse_count(v, bit, what, &a->hardlinks);
	case OD_ATTR_SHARES: return parse_shares(v, what, a);
	case OD_ATTR_PROTECTION: return od_protection_parse(v, what, &a->protection);
	case OD_ATTR_SIZE:
		/* null for directories when statistics are off */
		if (cJSON_IsNull(v))
			return NULL;
		return parse_count(v, bit, what, &a->size);
	}
	return NULL;
}

/* Attributes that may be null in a reply; the others must have a value. */
#define NULLABLE (OD_ATTR_SIZE | OD_ATTR_PARENT | OD_ATTRS_CHECKSUM)

struct od_error *
od_attrs_parse(const cJSON *obj, unsigned requested, const char *what, struct od_attrs *a)
{
	struct od_error *err;
	unsigned missing;
	const cJSON *m;

	memset(a, 0, sizeof(*a));
	a->size = -1;
	a->sha256_mtime = -1;
	if (!cJSON_IsObject(obj))
		return od_error_new(OD_ERR_INPUT, _("%s has an entry that is not an object"), what);
	cJSON_ArrayForEach(m, obj) {
		unsigned bit = m->string ? attr_bit(m->string) : 0;
		if (!bit || (a->have & bit))
			continue;	/* attributes onetui did not ask for, or a repeat */
		if ((err = parse_member(m, bit, what, a)))
			return err;
		if (!cJSON_IsNull(m) || (bit & NULLABLE))
			a->have |= bit;
	}
	missing = requested & ~a->have;
	if (missing)
		return od_error_new(OD_ERR_INPUT, _("%s lacks the attribute \"%s\""), what,
				    attr_name(missing & -missing));
	return NULL;
}
