/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fileops.c: creating files and folders, setting extended attributes. */
#include "config.h"

#include "onetui/fileops.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/meta.h"
#include "onetui/url.h"

#include "pcall.h"

struct od_op *
od_file_create(struct od_zone *z, struct od_space *s, const char *parent_id, const char *name,
	       enum od_file_type type, od_file_id_fn *fn, void *ud)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_adds(&b, "/data/") || od_url_escape(&b, parent_id) || od_buf_adds(&b, "/children?name=") ||
	    od_url_escape(&b, name) || od_buf_addf(&b, "&type=%s", od_file_type_name(type))) {
		od_buf_done(&b);
		return NULL;
	}
	return pcall_id(z, s, OD_POST, od_buf_steal(&b), NULL, "fileId", fn, ud);
}

struct od_op *
od_file_mkdirs(struct od_zone *z, struct od_space *s, const char *dir_id, const char *rel, od_file_id_fn *fn,
	       void *ud)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_adds(&b, "/data/") || od_url_escape(&b, dir_id) || od_buf_adds(&b, "/path/") ||
	    od_url_escape_path(&b, rel) || od_buf_adds(&b, "?type=DIR&create_parents=true")) {
		od_buf_done(&b);
		return NULL;
	}
	return pcall_id(z, s, OD_PUT, od_buf_steal(&b), NULL, "fileId", fn, ud);
}

struct od_op *
od_xattrs_set(struct od_zone *z, struct od_space *s, const char *file_id, const cJSON *xattrs, od_done_fn *fn,
	      void *ud)
{
	char *json = cJSON_PrintUnformatted(xattrs);
	struct od_op *op;

	if (!json)
		return NULL;
	op = od_meta_put(z, s, file_id, OD_META_XATTRS, NULL, json, fn, ud);
	cJSON_free(json);
	return op;
}
