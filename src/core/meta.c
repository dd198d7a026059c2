/* SPDX-License-Identifier: GPL-3.0-or-later */
/* meta.c: reading and writing a file's xattrs, JSON document and RDF
 * text through /data/{id}/metadata/{kind}. */
#include "config.h"

#include "onetui/meta.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/url.h"

#include "pcall.h"

#define RDF_MEDIA_TYPE "application/rdf+xml"

static const char *const kind_names[] = {
	[OD_META_XATTRS] = "xattrs",
	[OD_META_JSON] = "json",
	[OD_META_RDF] = "rdf",
};

const char *
od_meta_kind_name(enum od_meta_kind kind)
{
	return kind_names[kind];
}

const char *
od_meta_kind_words(enum od_meta_kind kind)
{
	switch (kind) {
	case OD_META_JSON: return _("JSON metadata");
	case OD_META_RDF: return _("RDF metadata");
	case OD_META_XATTRS: break;
	}
	return _("extended attributes");
}

bool
od_meta_kind_parse(const char *name, enum od_meta_kind *out)
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(kind_names); i++)
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (enum od_meta_kind)i;
			return true;
		}
	return false;
}

/* "/data/<id>/metadata/<kind>", then the query: inherited and a key path
 * filter. NULL when memory runs out. */
static char *
meta_path(const char *file_id, enum od_meta_kind kind, bool inherited, const char *filter)
{
	struct od_buf b;
	char sep = '?';

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_adds(&b, "/data/") || od_url_escape(&b, file_id) ||
	    od_buf_addf(&b, "/metadata/%s", kind_names[kind]))
		goto nomem;
	if (inherited) {
		if (od_buf_adds(&b, "?inherited=true"))
			goto nomem;
		sep = '&';
	}
	if (filter && (od_buf_addf(&b, "%cfilter_type=keypath&filter=", sep) || od_url_escape(&b, filter)))
		goto nomem;
	return od_buf_steal(&b);
nomem:
	od_buf_done(&b);
	return NULL;
}

struct text_op {
	struct pcall c;
	od_meta_text_fn *fn;
	void *ud;
};

static void
text_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	struct text_op *op = (struct text_op *)c;
	const char *body = NULL;
	size_t len = 0;

	/* Nothing of this kind (or at the filter's path) is no failure. */
	if (err && err->kind == OD_ERR_POSIX && err->sys_errno == ENODATA) {
		od_error_free(err);
		err = NULL;
	} else if (!err) {
		body = od_req_body(req, &len);
		if (!body)
			body = "";
	}
	op->fn(body, len, err, op->ud);
	pcall_done_free(c);
	free(op);
}

struct od_op *
od_meta_get(struct od_zone *z, struct od_space *s, const char *file_id, enum od_meta_kind kind,
	    const struct od_meta_query *q, od_meta_text_fn *fn, void *ud)
{
	static const struct od_meta_query none;
	struct text_op *op = calloc(1, sizeof(*op));
	struct od_op *started;
	char *path;

	if (!q)
		q = &none;
	path = meta_path(file_id, kind, q->inherited && kind != OD_META_RDF,
			 kind == OD_META_JSON ? q->filter : NULL);
	if (!op || !path) {
		free(op);
		free(path);
		return NULL;
	}
	op->c.z = z;
	op->c.s = s;
	op->fn = fn;
	op->ud = ud;
	if (!(started = pcall_start(&op->c, OD_GET, path, NULL, text_reply)))
		free(op);
	return started;
}

struct od_op *
od_meta_put(struct od_zone *z, struct od_space *s, const char *file_id, enum od_meta_kind kind,
	    const char *filter, const char *text, od_done_fn *fn, void *ud)
{
	char *path = meta_path(file_id, kind, false, kind == OD_META_JSON ? filter : NULL);

	return pcall_nothing_as(z, s, OD_PUT, path, kind == OD_META_RDF ? RDF_MEDIA_TYPE : NULL, text, fn, ud);
}

/* {"keys": [...]} for removing xattrs; NULL when memory runs out. */
static char *
keys_body(const char *const *keys, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *list = root ? cJSON_AddArrayToObject(root, "keys") : NULL;
	char *text = NULL;

	for (size_t i = 0; list && i < n; i++)
		if (!cJSON_AddItemToArray(list, cJSON_CreateString(keys[i])))
			list = NULL;
	if (list)
		text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

struct od_op *
od_meta_remove(struct od_zone *z, struct od_space *s, const char *file_id, enum od_meta_kind kind,
	       const char *const *keys, size_t n, od_done_fn *fn, void *ud)
{
	char *body = NULL;
	struct od_op *op;

	if (kind == OD_META_XATTRS && !(body = keys_body(keys, n)))
		return NULL;
	op = pcall_nothing(z, s, OD_DELETE, meta_path(file_id, kind, false, NULL), body, fn, ud);
	cJSON_free(body);
	return op;
}
