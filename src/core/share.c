/* SPDX-License-Identifier: GPL-3.0-or-later */
/* share.c: creating, changing, deleting and listing shares; handle
 * services, handles, and the Dublin Core metadata a handle carries. */
#include "config.h"

#include "onetui/share.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/acclog.h"
#include "onetui/attrs.h"
#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/metatext.h"
#include "onetui/sanitize.h"
#include "onetui/str.h"

#include "pcall.h"

/* Records read at once when listing. */
#define FETCH_POOL 4

static const char share_what[] = N_("the share record");
static const char handle_what[] = N_("the handle record");
static const char service_what[] = N_("the handle service record");

struct od_error *
od_share_parse(const cJSON *root, struct od_share *sh)
{
	const char *what = _(share_what), *type = NULL;
	const cJSON *creator;
	struct od_error *err;

	*sh = (struct od_share){ .created = -1 };
	if ((err = od_json_str(root, "shareId", what, &sh->id)) || (err = od_json_str(root, "name", what, &sh->name)) ||
	    (err = od_json_str_opt(root, "description", what, &sh->description, NULL)) ||
	    (err = od_json_str(root, "publicUrl", what, &sh->public_url)) ||
	    (err = od_json_str_opt(root, "publicRestUrl", what, &sh->public_rest_url, NULL)) ||
	    (err = od_json_str(root, "rootFileId", what, &sh->root_file_id)) ||
	    (err = od_json_str_opt(root, "rootFileType", what, &type, NULL)) ||
	    (err = od_json_str_opt(root, "handleId", what, &sh->handle_id, NULL)) ||
	    (err = od_json_str_opt(root, "spaceId", what, &sh->space_id, NULL)) ||
	    (err = od_json_int_opt(root, "creationTime", what, &sh->created, NULL)))
		return err;
	/* Onezone's share record says "fileType" (file or dir) instead. */
	if (!type && (err = od_json_str_opt(root, "fileType", what, &type, NULL)))
		return err;
	sh->root_type = od_str_eq(type, "DIR") || od_str_eq(type, "dir") ? OD_FILE_DIR : OD_FILE_REG;
	creator = cJSON_GetObjectItemCaseSensitive(root, "creator");
	if (cJSON_IsObject(creator) && (err = od_json_str_opt(creator, "id", what, &sh->creator_id, NULL)))
		return err;
	return NULL;
}

struct od_error *
od_share_text_check(const char *what, const char *text, bool lines)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t len = strlen(text);

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = od_utf8_decode(p + i, len - i, &cp);
		if (!k)
			return od_error_new(OD_ERR_INPUT, _("the %s is not valid UTF-8"), what);
		if ((cp < 0x20 && !(lines && (cp == '\n' || cp == '\t' || cp == '\r'))) || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f) || od_char_hides_text(cp))
			return od_error_new(OD_ERR_INPUT, _("the %s holds a control or invisible character (U+%04X)"),
					    what, cp);
		i += k;
	}
	return NULL;
}

/* --- changes, recorded in the access log once done ------------------------------ */

struct od_op *
od_share_create(struct od_zone *z, struct od_space *s, const char *file_id, const char *name, const char *description,
		od_file_id_fn *fn, void *ud)
{
	cJSON *body = cJSON_CreateObject();
	char *json = od_json_take_text(body, body && cJSON_AddStringToObject(body, "name", name) &&
						     cJSON_AddStringToObject(body, "rootFileId", file_id) &&
						     (!description || cJSON_AddStringToObject(body, "description", description)));
	struct od_acclog_change *l = json ? od_acclog_change_new(z, "create", "share", NULL, name, s->id, NULL)
					  : NULL;
	struct od_op *op = NULL;

	if (l) {
		l->made = fn;
		l->ud = ud;
		if (!(op = pcall_id(z, s, OD_POST, od_strdup("/shares"), json, "shareId", od_acclog_change_made, l)))
			od_acclog_change_free(l);
	}
	cJSON_free(json);
	return op;
}

struct od_op *
od_share_update(struct od_zone *z, const char *share_id, const char *space_id, const char *name,
		const char *description, od_done_fn *fn, void *ud)
{
	cJSON *body = cJSON_CreateObject();
	char *json = od_json_take_text(body, body && (!name || cJSON_AddStringToObject(body, "name", name)) &&
						     (!description || cJSON_AddStringToObject(body, "description", description)));
	struct od_acclog_change *l = json ? od_acclog_change_new(z, "update", "share", share_id, name, space_id,
					     description ? "description" : "name")
				: NULL;
	struct od_op *op = NULL;

	if (l) {
		l->done = fn;
		l->ud = ud;
		op = zcall_nothing(z, OD_PATCH, id_path("/shares/", share_id, ""), json, od_acclog_change_done, l);
		if (!op)
			od_acclog_change_free(l);
	}
	cJSON_free(json);
	return op;
}

struct od_op *
od_share_delete(struct od_zone *z, struct od_space *s, const char *share_id, const char *name, od_done_fn *fn,
		void *ud)
{
	struct od_acclog_change *l = od_acclog_change_new(z, "delete", "share", share_id, name, s->id, NULL);
	struct od_op *op;

	if (!l)
		return NULL;
	l->done = fn;
	l->ud = ud;
	op = pcall_nothing(z, s, OD_DELETE, id_path("/shares/", share_id, ""), NULL, od_acclog_change_done, l);
	if (!op)
		od_acclog_change_free(l);
	return op;
}

/* --- one record ---------------------------------------------------------------------- */

struct record_call {
	void *fn;
	void *ud;
};

static struct record_call *
record_call_new(void *fn, void *ud)
{
	struct record_call *c = calloc(1, sizeof(*c));

	if (c) {
		c->fn = fn;
		c->ud = ud;
	}
	return c;
}

static void
on_share_record(const cJSON *root, struct od_error *err, void *ud)
{
	struct record_call *c = ud;
	struct od_share sh;

	if (!err && !root)
		err = od_error_new(OD_ERR_INPUT, _("%s is empty"), _(share_what));
	if (!err)
		err = od_share_parse(root, &sh);
	((od_share_fn *)c->fn)(err ? NULL : &sh, err, c->ud);
	free(c);
}

struct od_op *
od_share_get_zone(struct od_zone *z, const char *share_id, od_share_fn *fn, void *ud)
{
	struct record_call *c = record_call_new((void *)fn, ud);
	struct od_op *op;

	if (!c)
		return NULL;
	if (!(op = zcall_json(z, OD_GET, id_path("/shares/", share_id, ""), NULL, _(share_what), on_share_record, c)))
		free(c);
	return op;
}

static struct od_error *
handle_parse(const cJSON *root, struct od_handle *h)
{
	const char *what = _(handle_what);
	struct od_error *err;

	*h = (struct od_handle){ .created = -1 };
	if (!root)
		return od_error_new(OD_ERR_INPUT, _("%s is empty"), what);
	if ((err = od_json_str(root, "handleId", what, &h->id)) ||
	    (err = od_json_str(root, "handleServiceId", what, &h->service_id)) ||
	    (err = od_json_str(root, "publicHandle", what, &h->public_handle)) ||
	    (err = od_json_str(root, "resourceId", what, &h->resource_id)) ||
	    (err = od_json_str_opt(root, "metadataPrefix", what, &h->metadata_prefix, NULL)) ||
	    (err = od_json_str_opt(root, "metadata", what, &h->metadata, NULL)) ||
	    (err = od_json_str_opt(root, "timestamp", what, &h->timestamp, NULL)) ||
	    (err = od_json_int_opt(root, "creationTime", what, &h->created, NULL)))
		return err;
	return NULL;
}

static void
on_handle_record(const cJSON *root, struct od_error *err, void *ud)
{
	struct record_call *c = ud;
	struct od_handle h;

	if (!err)
		err = handle_parse(root, &h);
	((od_handle_fn *)c->fn)(err ? NULL : &h, err, c->ud);
	free(c);
}

struct od_op *
od_handle_get(struct od_zone *z, const char *handle_id, od_handle_fn *fn, void *ud)
{
	struct record_call *c = record_call_new((void *)fn, ud);
	struct od_op *op;

	if (!c)
		return NULL;
	if (!(op = zcall_public_json(z, OD_GET, id_path("/handles/", handle_id, "/public"), NULL, _(handle_what),
				     on_handle_record, c)))
		free(c);
	return op;
}

/* --- listings: ids first, then their records a few at a time -------------------------- */

struct batch;
/* Deliver the records read (b->records) and the first error (b->err,
 * taken over by the callback). */
typedef void batch_end_fn(struct batch *b);

struct batch {
	struct od_op base;	/* sub: the listing in flight, while there is one */
	struct od_zone *z;
	char **ids;		/* to read, without repeats */
	size_t n_ids, next;
	char **spaces;		/* OD_SHARES_VISIBLE: the spaces still to list */
	size_t n_spaces, next_space;
	cJSON **records;
	size_t n_records;
	unsigned running;
	bool public;		/* records read without the token */
	const char *prefix, *suffix, *what;	/* record path: prefix id suffix */
	struct od_error *err;	/* the first one */
	batch_end_fn *end;
	void *fn;
	void *ud;
};

static void
batch_error(struct batch *b, struct od_error *err)
{
	if (!err)
		return;
	if (b->err)
		od_error_free(err);
	else
		b->err = err;
}

static bool
strv_add(char ***v, size_t *n, const char *s)
{
	char **grown, *copy;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return true;
	if (!(grown = realloc(*v, (*n + 1) * sizeof(**v))))
		return false;
	*v = grown;
	if (!(copy = od_strdup(s)))
		return false;
	grown[(*n)++] = copy;
	return true;
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
batch_free(struct batch *b)
{
	strv_free(b->ids, b->n_ids);
	strv_free(b->spaces, b->n_spaces);
	for (size_t i = 0; i < b->n_records; i++)
		cJSON_Delete(b->records[i]);
	free(b->records);
	free(b);
}

static void batch_fetch(struct batch *b);

static void
batch_finish(struct batch *b)
{
	if (b->base.cancelled && !b->err)
		b->err = od_error_new(OD_ERR_CANCELLED, _("cancelled"));
	b->end(b);
	batch_free(b);
}

static void
on_batch_record(const cJSON *root, struct od_error *err, void *ud)
{
	struct batch *b = ud;
	cJSON **grown, *copy = NULL;

	b->running--;
	if (!err && !root)
		err = od_error_new(OD_ERR_INPUT, _("%s is empty"), _(b->what));
	if (!err && (!(copy = cJSON_Duplicate(root, true)) ||
		     !(grown = realloc(b->records, (b->n_records + 1) * sizeof(*grown))))) {
		cJSON_Delete(copy);
		err = od_error_nomem();
	}
	if (!err) {
		b->records = grown;
		b->records[b->n_records++] = copy;
	}
	batch_error(b, err);
	batch_fetch(b);
}

/* Start reads up to the pool's size; finish once all have ended. */
static void
batch_fetch(struct batch *b)
{
	while (!b->base.cancelled && b->running < FETCH_POOL && b->next < b->n_ids) {
		const char *id = b->ids[b->next++];
		char *path = id_path(b->prefix, id, b->suffix);
		const char *what = _(b->what);
		struct od_op *op = b->public ? zcall_public_json(b->z, OD_GET, path, NULL, what, on_batch_record, b)
					     : zcall_json(b->z, OD_GET, path, NULL, what, on_batch_record, b);
		if (!op) {
			batch_error(b, od_error_nomem());
			b->next = b->n_ids;
			break;
		}
		b->running++;
	}
	if (!b->running)
		batch_finish(b);
}

static bool
on_batch_ids(const char *const *ids, size_t n, void *ud)
{
	struct batch *b = ud;

	for (size_t i = 0; i < n; i++)
		if (!strv_add(&b->ids, &b->n_ids, ids[i])) {
			batch_error(b, od_error_nomem());
			return false;
		}
	return true;
}

static void list_next_space(struct batch *b);

static void
on_batch_listed(struct od_error *err, void *ud)
{
	struct batch *b = ud;

	b->base.sub = NULL;
	batch_error(b, err);
	if (b->next_space < b->n_spaces && !b->base.cancelled)
		list_next_space(b);
	else
		batch_fetch(b);
}

static void
list_next_space(struct batch *b)
{
	const char *sid = b->spaces[b->next_space++];

	b->base.sub = zcall_ids(b->z, id_path("/spaces/", sid, "/shares"), "shares", N_("the space's shares"),
				on_batch_ids, on_batch_listed, b);
	if (!b->base.sub) {
		batch_error(b, od_error_nomem());
		b->next_space = b->n_spaces;
		batch_fetch(b);
	}
}

static bool
on_space_ids(const char *const *ids, size_t n, void *ud)
{
	struct batch *b = ud;

	for (size_t i = 0; i < n; i++)
		if (!strv_add(&b->spaces, &b->n_spaces, ids[i])) {
			batch_error(b, od_error_nomem());
			return false;
		}
	return true;
}

static void
on_file_shares(const struct od_attrs *a, struct od_error *err, void *ud)
{
	struct batch *b = ud;
	const cJSON *id;

	b->base.sub = NULL;
	if (!err && a->shares)
		cJSON_ArrayForEach(id, a->shares)
			if (cJSON_IsString(id) && !strv_add(&b->ids, &b->n_ids, id->valuestring)) {
				err = od_error_nomem();
				break;
			}
	batch_error(b, err);
	batch_fetch(b);
}

static struct batch *
batch_new(struct od_zone *z, const char *prefix, const char *suffix, const char *what, batch_end_fn *end, void *fn,
	  void *ud)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (b)
		*b = (struct batch){ .z = z, .prefix = prefix, .suffix = suffix, .what = what, .end = end, .fn = fn,
				     .ud = ud };
	return b;
}

static int
share_order(const void *pa, const void *pb)
{
	const struct od_share *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	return c ? c : strcmp(a->id, b->id);
}

static void
shares_end(struct batch *b)
{
	struct od_share *v = calloc(b->n_records + 1, sizeof(*v));
	size_t got = 0;

	if (!v)
		batch_error(b, od_error_nomem());
	for (size_t i = 0; v && i < b->n_records; i++) {
		struct od_error *bad = od_share_parse(b->records[i], &v[got]);
		if (bad)
			batch_error(b, bad);
		else
			got++;
	}
	if (v)
		qsort(v, got, sizeof(*v), share_order);
	((od_shares_fn *)b->fn)(v, got, b->err, b->ud);
	b->err = NULL;
	free(v);
}

struct od_op *
od_shares_list(struct od_zone *z, enum od_share_scope scope, struct od_space *s, const char *file_id,
	       od_shares_fn *fn, void *ud)
{
	struct batch *b = batch_new(z, "/shares/", "", share_what, shares_end, (void *)fn, ud);

	if (!b)
		return NULL;
	switch (scope) {
	case OD_SHARES_VISIBLE:
		b->base.sub = zcall_ids(z, od_strdup("/user/effective_spaces"), "spaces", N_("the list of your spaces"),
					on_space_ids, on_batch_listed, b);
		break;
	case OD_SHARES_SPACE:
		b->base.sub = zcall_ids(z, id_path("/spaces/", s->id, "/shares"), "shares", N_("the space's shares"),
					on_batch_ids, on_batch_listed, b);
		break;
	case OD_SHARES_FILE:
		b->base.sub = od_provider_stat(z, s, file_id, OD_ATTR_SHARES, on_file_shares, b);
		break;
	case OD_SHARES_ZONE:
		b->base.sub = zcall_ids(z, od_strdup("/shares"), "shares", N_("the zone's shares"), on_batch_ids,
					on_batch_listed, b);
		break;
	}
	if (!b->base.sub) {
		batch_free(b);
		return NULL;
	}
	return &b->base;
}

static int
service_order(const void *pa, const void *pb)
{
	const struct od_handle_service *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	return c ? c : strcmp(a->id, b->id);
}

static void
services_end(struct batch *b)
{
	struct od_handle_service *v = calloc(b->n_records + 1, sizeof(*v));
	const char *what = _(service_what);
	size_t got = 0;

	if (!v)
		batch_error(b, od_error_nomem());
	for (size_t i = 0; v && i < b->n_records; i++) {
		struct od_error *bad = od_json_str(b->records[i], "handleServiceId", what, &v[got].id);
		if (!bad)
			bad = od_json_str(b->records[i], "name", what, &v[got].name);
		if (bad)
			batch_error(b, bad);
		else
			got++;
	}
	if (v)
		qsort(v, got, sizeof(*v), service_order);
	((od_handle_services_fn *)b->fn)(v, got, b->err, b->ud);
	b->err = NULL;
	free(v);
}

struct od_op *
od_handle_services(struct od_zone *z, od_handle_services_fn *fn, void *ud)
{
	/* Their public records: the full ones can hold the service's
	 * credentials, which have no business on a terminal. */
	struct batch *b = batch_new(z, "/handle_services/", "/public", service_what, services_end, (void *)fn, ud);

	if (!b)
		return NULL;
	b->public = true;
	b->base.sub = zcall_ids(z, od_strdup("/user/effective_handle_services"), "handle_services",
				N_("the list of your handle services"), on_batch_ids, on_batch_listed, b);
	if (!b->base.sub) {
		batch_free(b);
		return NULL;
	}
	return &b->base;
}

/* --- Dublin Core ---------------------------------------------------------------------- */

static const char *const dc_names[OD_DC_COUNT] = {
	"title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
	"format", "identifier", "source", "language", "relation", "coverage", "rights",
};

const char *
od_dc_name(enum od_dc_element e)
{
	return e < OD_DC_COUNT ? dc_names[e] : "";
}

bool
od_dc_required(enum od_dc_element e)
{
	return e == OD_DC_TITLE || e == OD_DC_CREATOR;
}

/* Check one value: UTF-8, something besides blanks, only characters
 * XML 1.0 allows (no control characters but tab, LF and CR). */
static struct od_error *
dc_check(const struct od_dc_value *v)
{
	const unsigned char *p = (const unsigned char *)v->text;
	size_t len = strlen(v->text), i = 0;
	bool blank = true;

	while (i < len) {
		unsigned cp;
		size_t k = od_utf8_decode(p + i, len - i, &cp);
		if (!k)
			return od_error_new(OD_ERR_INPUT, _("the %s is not valid UTF-8"), dc_names[v->element]);
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xfffe || cp == 0xffff)
			return od_error_new(OD_ERR_INPUT, _("the %s holds a character XML cannot carry (U+%04X)"),
					    dc_names[v->element], cp);
		if (cp != ' ' && cp != '\t' && cp != '\n' && cp != '\r')
			blank = false;
		i += k;
	}
	if (blank)
		return od_error_new(OD_ERR_INPUT, _("the %s is empty"), dc_names[v->element]);
	return NULL;
}

static int
xml_escaped(struct od_buf *b, const char *s)
{
	int rc = 0;

	for (; *s && !rc; s++) {
		switch (*s) {
		case '&': rc = od_buf_adds(b, "&amp;"); break;
		case '<': rc = od_buf_adds(b, "&lt;"); break;
		case '>': rc = od_buf_adds(b, "&gt;"); break;
		case '"': rc = od_buf_adds(b, "&quot;"); break;
		/* Kept as references: a parser would turn them into LF. */
		case '\r': rc = od_buf_adds(b, "&#13;"); break;
		default: rc = od_buf_addc(b, *s); break;
		}
	}
	return rc;
}

struct od_error *
od_dc_xml(const struct od_dc_value *v, size_t n, char **out)
{
	bool have[OD_DC_COUNT] = { false };
	struct od_error *err;
	struct od_buf b;
	int rc;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (v[i].element >= OD_DC_COUNT || !v[i].text)
			return od_error_new(OD_ERR_INTERNAL, "bad Dublin Core value");
		if ((err = dc_check(&v[i])))
			return err;
		have[v[i].element] = true;
	}
	for (int e = 0; e < OD_DC_COUNT; e++)
		if (od_dc_required((enum od_dc_element)e) && !have[e])
			return od_error_new(OD_ERR_INPUT, _("a handle's metadata needs a %s"), dc_names[e]);
	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			     "<oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\"\n"
			     "           xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
	for (int e = 0; e < OD_DC_COUNT && !rc; e++)
		for (size_t i = 0; i < n && !rc; i++)
			if ((int)v[i].element == e)
				rc = od_buf_addf(&b, "  <dc:%s>", dc_names[e]) || xml_escaped(&b, v[i].text) ||
				     od_buf_addf(&b, "</dc:%s>\n", dc_names[e]);
	if (rc || od_buf_adds(&b, "</oai_dc:dc>\n")) {
		od_buf_done(&b);
		return od_error_nomem();
	}
	if (!(*out = od_buf_steal(&b)))
		return od_error_nomem();
	/* What goes out must parse; a slip in the escaping above must not
	 * reach the handle service. */
	if ((err = od_meta_check(OD_META_RDF, *out, strlen(*out), NULL))) {
		od_error_prefix(err, "%s", _("the Dublin Core document made is not XML: "));
		free(*out);
		*out = NULL;
		return err;
	}
	return NULL;
}

struct od_op *
od_handle_register(struct od_zone *z, const char *service_id, const char *share_id, const char *xml,
		   od_file_id_fn *fn, void *ud)
{
	cJSON *body = cJSON_CreateObject();
	char *json = od_json_take_text(body, body && cJSON_AddStringToObject(body, "handleServiceId", service_id) &&
						     cJSON_AddStringToObject(body, "resourceType", "Share") &&
						     cJSON_AddStringToObject(body, "resourceId", share_id) &&
						     cJSON_AddStringToObject(body, "metadataPrefix", "oai_dc") &&
						     cJSON_AddStringToObject(body, "metadata", xml));
	char *detail = json ? od_asprintf("share %s, handle service %s", share_id, service_id) : NULL;
	struct od_acclog_change *l = detail ? od_acclog_change_new(z, "register", "handle", NULL, NULL, NULL, detail)
					    : NULL;
	struct od_op *op = NULL;

	if (l) {
		l->made = fn;
		l->ud = ud;
		/* As the user's own handle: its owner may change or delete it. */
		if (!(op = zcall_located(z, OD_POST, od_strdup("/user/handles"), json, od_acclog_change_made, l)))
			od_acclog_change_free(l);
	}
	free(detail);
	cJSON_free(json);
	return op;
}
