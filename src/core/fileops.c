/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fileops.c: creating files and folders, setting extended attributes. */
#include "config.h"

#include "onetui/fileops.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/url.h"

#include "pcall.h"

struct write_op {
	struct pcall c;
	od_file_id_fn *id_fn;	/* for creations */
	od_done_fn *done_fn;	/* for the rest */
	void *ud;
};

static void
write_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	struct write_op *w = (struct write_op *)c;
	const char *id = NULL;
	cJSON *root = NULL;

	if (w->id_fn) {
		if (!err)
			err = od_req_json(req, _("the provider's answer to a creation"), &root);
		if (!err)
			err = od_json_str(root, "fileId", _("the provider's answer to a creation"), &id);
		w->id_fn(err ? NULL : id, err, w->ud);
	} else {
		w->done_fn(err, w->ud);
	}
	cJSON_Delete(root);
	pcall_done_free(c);
	free(w);
}

static struct od_op *
start_write(struct od_zone *z, struct od_space *s, enum od_method method, char *path, const char *json,
	    od_file_id_fn *id_fn, od_done_fn *done_fn, void *ud)
{
	struct write_op *w = calloc(1, sizeof(*w));
	struct od_error *err;

	if (!w || !path) {
		free(w);
		free(path);
		return NULL;
	}
	w->c.z = z;
	w->c.s = s;
	w->id_fn = id_fn;
	w->done_fn = done_fn;
	w->ud = ud;
	err = pcall_send_json(&w->c, method, path, json, write_reply);
	if (err) {
		od_error_free(err);
		pcall_done_free(&w->c);
		free(w);
		return NULL;
	}
	return &w->c.base;
}

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
	return start_write(z, s, OD_POST, od_buf_steal(&b), NULL, fn, NULL, ud);
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
	return start_write(z, s, OD_PUT, od_buf_steal(&b), NULL, fn, NULL, ud);
}

struct od_op *
od_xattrs_set(struct od_zone *z, struct od_space *s, const char *file_id, const cJSON *xattrs, od_done_fn *fn,
	      void *ud)
{
	char *json = cJSON_PrintUnformatted(xattrs);
	struct od_op *op;

	if (!json)
		return NULL;
	op = start_write(z, s, OD_PUT, data_path(file_id, "/metadata/xattrs"), json, NULL, fn, ud);
	cJSON_free(json);
	return op;
}
