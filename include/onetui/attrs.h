/* SPDX-License-Identifier: GPL-3.0-or-later */
/* attrs.h: file attributes as the Oneprovider REST API reports them
 * (GET /data/{id} and directory listings), checked field by field. */
#ifndef ONETUI_ATTRS_H
#define ONETUI_ATTRS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/buf.h"
#include "onetui/compiler.h"
#include "onetui/error.h"

enum od_file_type {
	OD_FILE_REG,
	OD_FILE_DIR,
	OD_FILE_SYMLNK,
};

/* Attributes onetui asks for; each maps to one API attribute name. */
enum od_attr {
	OD_ATTR_FILE_ID = 1u << 0,	/* fileId */
	OD_ATTR_NAME = 1u << 1,		/* name */
	OD_ATTR_TYPE = 1u << 2,		/* type */
	OD_ATTR_SIZE = 1u << 3,		/* size */
	OD_ATTR_MODE = 1u << 4,		/* posixPermissions */
	OD_ATTR_MTIME = 1u << 5,	/* mtime */
	OD_ATTR_ATIME = 1u << 6,	/* atime */
	OD_ATTR_CTIME = 1u << 7,	/* ctime */
	OD_ATTR_OWNER = 1u << 8,	/* ownerUserId */
	OD_ATTR_PATH = 1u << 9,		/* path */
	OD_ATTR_PARENT = 1u << 10,	/* parentFileId */
	OD_ATTR_HARDLINKS = 1u << 11,	/* hardlinkCount */
	OD_ATTR_PROVIDER = 1u << 12,	/* originProviderId */
	OD_ATTR_SHARES = 1u << 13,	/* directShareIds */
	OD_ATTR_CREATED = 1u << 14,	/* creationTime */
	/* The checksum onetui records on upload, in extended attributes:
	 * the content's SHA-256 and the mtime it was taken at. */
	OD_ATTR_SHA256 = 1u << 15,	/* xattr.onetui.sha256 */
	OD_ATTR_SHA256_MTIME = 1u << 16, /* xattr.onetui.sha256.mtime */
	/* Protection by the datasets the file belongs to. */
	OD_ATTR_PROTECTION = 1u << 17,	/* effProtectionFlags */
};

/* Protection flags of datasets. */
enum od_protection {
	OD_PROTECT_DATA = 1u << 0,
	OD_PROTECT_METADATA = 1u << 1,
};
/* Every plain file attribute (not the checksum xattrs, not protection). */
#define OD_ATTR_ALL ((1u << 15) - 1)
#define OD_ATTRS_CHECKSUM (OD_ATTR_SHA256 | OD_ATTR_SHA256_MTIME)
/* What public share data offers: no owner, path, links or origin. */
#define OD_ATTRS_SHARE_MODE (OD_ATTR_ALL & ~(OD_ATTR_OWNER | OD_ATTR_PATH | OD_ATTR_HARDLINKS | OD_ATTR_PROVIDER))
/* The extended attribute names of the checksum. */
#define OD_XATTR_SHA256 "onetui.sha256"
#define OD_XATTR_SHA256_MTIME "onetui.sha256.mtime"
/* What a directory listing needs. */
#define OD_ATTRS_LISTING (OD_ATTR_FILE_ID | OD_ATTR_NAME | OD_ATTR_TYPE | OD_ATTR_SIZE | \
			  OD_ATTR_MODE | OD_ATTR_MTIME)

/* One file's attributes. Strings point into the parsed reply and are valid
 * only during the callback that hands the struct over. */
struct od_attrs {
	unsigned have;		/* OD_ATTR_* bits the reply carried */
	const char *file_id;
	const char *name;
	const char *path;
	const char *parent_id;	/* NULL at a space root */
	const char *owner_id;
	const char *provider_id;
	enum od_file_type type;
	int64_t size;		/* -1 when unknown (directory without statistics) */
	unsigned mode;		/* permission bits */
	int64_t atime, mtime, ctime, created;
	int64_t hardlinks;
	const cJSON *shares;	/* array of share ids, when have & OD_ATTR_SHARES */
	/* Recorded checksum: NULL when absent, "" when it is not a string
	 * (anyone may set xattrs, so a bad one is not a bad listing). */
	const char *sha256;
	int64_t sha256_mtime;	/* -1 when absent or not a whole number */
	unsigned protection;	/* effective OD_PROTECT_* */
};

/* Append the attribute names as repeated query parameters
 * ("attributes=fileId&attributes=name..."; the caller writes the '?' or
 * '&' before them). */
int od_attrs_query(struct od_buf *out, unsigned attrs) OD_WARN_UNUSED;
/* Check and convert one attribute object. Every requested attribute must
 * be present with the right type (null only where the API allows it). */
struct od_error *od_attrs_parse(const cJSON *obj, unsigned requested, const char *what,
				struct od_attrs *out) OD_WARN_UNUSED;
/* A protection flag's name as the API spells it ("data_protection"),
 * NULL for anything but one OD_PROTECT_* flag. */
const char *od_protection_name(unsigned flag);
/* OD_PROTECT_* from a list of flag names (unknown flags are ignored);
 * an error when arr is not a list of strings. */
struct od_error *od_protection_parse(const cJSON *arr, const char *what, unsigned *out) OD_WARN_UNUSED;
/* "REG", "DIR", "SYMLNK": the API's names, for JSON output. */
const char *od_file_type_name(enum od_file_type t);
/* 'd', '-', 'l' as ls shows them. */
char od_file_type_char(enum od_file_type t);

#endif
