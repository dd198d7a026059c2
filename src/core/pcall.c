/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pcall.c: provider calls with failover. */
#include "config.h"

#include "pcall.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/log.h"
#include "onetui/provider.h"
#include "onetui/str.h"
#include "onetui/url.h"

static void pcall_done(struct od_req *req, struct od_error *err, void *ud);

/* Whether a spaceNotSupportedBy names another space than the call's: the
 * entity asked for (a dataset, an archive looked up by id) belongs there,
 * and this provider serves the call's own space all the same. */
static bool
about_other_space(const struct od_error *err, const struct od_space *s)
{
	cJSON *details = err->details ? cJSON_Parse(err->details) : NULL;
	const char *named = od_json_get_str(details, "spaceId");
	bool other = named && strcmp(named, s->id) != 0;

	cJSON_Delete(details);
	return other;
}

static bool
failover_worthy(const struct od_error *err, const struct od_space *s)
{
	if (err->kind == OD_ERR_CANCELLED || err->kind == OD_ERR_TLS)
		return false;
	if (err->kind == OD_ERR_NETWORK)
		return true;
	if (od_error_is(err, "spaceNotSupportedBy"))
		return !about_other_space(err, s);
	if (od_error_is(err, "userNotSupported"))
		return true;
	return err->status >= 500 && err->status != 501;
}

/* Deliver err through the reply handler at the next perform: failures
 * found before a request could go out arrive like any other. NULL, or the
 * out-of-memory error. */
struct od_error *
pcall_fail(struct pcall *c, struct od_error *err)
{
	struct od_req *req = od_req_new(od_zone_engine(c->z), OD_GET, "about:blank");

	if (!req) {
		od_error_free(err);
		return od_error_nomem();
	}
	c->candidate = c->s ? c->s->current : 0;
	c->base.req = req;
	od_req_fail(req, err, pcall_done, c);
	return NULL;
}

/* Whether a failed attempt may be sent again: a POST that creates
 * something is not sent twice; lookup-file-id is a POST that changes
 * nothing. */
static bool
repeatable(const struct pcall *c)
{
	return c->method != OD_POST || c->safe_post;
}

/* The call's body on req. NULL, or the out-of-memory error (req is then
 * cancelled). */
static struct od_error *
set_body(struct pcall *c, struct od_req *req)
{
	if (c->json && od_req_set_body(req, c->ctype ? c->ctype : "application/json", c->json, strlen(c->json)) != 0) {
		od_req_cancel(req);
		return od_error_nomem();
	}
	return NULL;
}

/* A call to the zone: its REST API, or public share data under its
 * /shares path, which it redirects to a provider. No failover: the zone
 * picks the provider. Only PCALL_ZONE calls carry the token. */
static struct od_error *
zone_submit(struct pcall *c)
{
	const char *api = c->target == PCALL_PROVIDER ? OZ_API "/shares" : OZ_API;
	char *url = od_asprintf("%s%s%s", od_zone_origin(c->z), api, c->path);
	struct od_req *req = url ? od_req_new(od_zone_engine(c->z), c->method, url) : NULL;
	struct od_error *err;

	free(url);
	if (!req)
		return od_error_nomem();
	if (c->target == PCALL_ZONE)
		od_req_auth(req);
	od_req_set_retry(req, repeatable(c));
	if ((err = set_body(c, req)))
		return err;
	c->base.req = req;
	od_req_submit(req, pcall_done, c);
	return NULL;
}

/* NULL, or the out-of-memory error; every other failure is delivered. */
static struct od_error *
pcall_submit(struct pcall *c)
{
	const struct od_provider_info *p;
	struct od_error *err;
	struct od_req *req;
	char *url;

	if (c->target != PCALL_PROVIDER || !c->s)
		return zone_submit(c);
	if ((err = od_provider_plan(c->z, c->s)))
		return pcall_fail(c, err);
	p = od_provider_current(c->s);
	url = od_asprintf("%s" OP_API "%s", p->origin, c->path);
	req = url ? od_req_new(od_zone_engine(c->z), c->method, url) : NULL;
	free(url);
	if (!req)
		return od_error_nomem();
	od_req_auth(req);
	od_req_set_retry(req, repeatable(c));
	if ((err = set_body(c, req)))
		return err;
	if (c->s->current + 1 < c->s->n_candidates)
		od_req_set_failover(req);
	c->candidate = c->s->current;
	c->base.req = req;
	od_req_submit(req, pcall_done, c);
	return NULL;
}

/* Send method path (taken over, freed by the operation) to the space's
 * provider; reply is called with the outcome. */
struct od_error *
pcall_send(struct pcall *c, enum od_method method, char *path, pcall_reply_fn *reply)
{
	if (!path)
		return od_error_nomem();
	free(c->path);
	c->path = path;
	c->method = method;
	c->reply = reply;
	return pcall_submit(c);
}

struct od_error *
pcall_send_json(struct pcall *c, enum od_method method, char *path, const char *json, pcall_reply_fn *reply)
{
	free(c->json);
	c->json = od_strdup(json);
	if (json && !c->json) {
		free(path);
		return od_error_nomem();
	}
	return pcall_send(c, method, path, reply);
}

struct od_op *
pcall_start(struct pcall *c, enum od_method method, char *path, const char *json, pcall_reply_fn *reply)
{
	struct od_error *err = pcall_send_json(c, method, path, json, reply);

	if (err) {
		od_error_free(err);
		pcall_done_free(c);
		return NULL;
	}
	return &c->base;
}

static void
pcall_done(struct od_req *req, struct od_error *err, void *ud)
{
	struct pcall *c = ud;
	struct od_space *s = c->s;

	c->base.req = NULL;
	if (err && s && !c->base.cancelled && failover_worthy(err, s) &&
	    s->current + 1 < s->n_candidates + (s->current != c->candidate)) {
		struct od_error *again;
		/* Another call may already have moved the space on. */
		if (s->current == c->candidate)
			s->current++;
		if (s->current < s->n_candidates) {
			od_log(OD_LOG_WARN, "provider %s failed for space %s (%s); trying %s",
			       s->candidates[c->candidate]->name, s->name, err->message,
			       s->candidates[s->current]->name);
			again = c->rebuild ? c->rebuild(c) : NULL;
			if (!again)
				again = pcall_submit(c);
			if (!again) {
				od_error_free(err);
				return;
			}
			od_error_free(err);
			err = again;
		}
	}
	c->reply(c, req, err);
}

void
pcall_done_free(struct pcall *c)
{
	free(c->path);
	od_str_wipe_free(c->json);	/* may carry a token */
}

char *
id_path(const char *prefix, const char *id, const char *suffix)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_adds(&b, prefix) || od_url_escape(&b, id) || od_buf_adds(&b, suffix)) {
		od_buf_done(&b);
		return NULL;
	}
	return od_buf_steal(&b);
}

char *
data_path(const char *file_id, const char *suffix)
{
	return id_path("/data/", file_id, suffix);
}

struct json_op {
	struct pcall c;
	const char *what;
	pcall_json_fn *fn;
	void *ud;
};

static void
json_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	struct json_op *op = (struct json_op *)c;
	cJSON *root = NULL;
	size_t len = 0;

	if (!err && (od_req_body(req, &len), len > 0))
		err = od_req_json(req, op->what, &root);
	op->fn(err ? NULL : root, err, op->ud);
	cJSON_Delete(root);
	pcall_done_free(c);
	free(op);
}

static struct od_op *
json_call(struct od_zone *z, struct od_space *s, enum pcall_target target, enum od_method method, char *path,
	  const char *ctype, const char *body, const char *what, pcall_json_fn *fn, void *ud)
{
	struct json_op *op = calloc(1, sizeof(*op));
	struct od_op *started;

	if (!op || !path) {
		free(op);
		free(path);
		return NULL;
	}
	op->c.z = z;
	op->c.s = s;
	op->c.target = target;
	op->c.ctype = ctype;
	op->what = what;
	op->fn = fn;
	op->ud = ud;
	if (!(started = pcall_start(&op->c, method, path, body, json_reply)))
		free(op);
	return started;
}

struct od_op *
pcall_json(struct od_zone *z, struct od_space *s, enum od_method method, char *path, const char *body,
	   const char *what, pcall_json_fn *fn, void *ud)
{
	return json_call(z, s, PCALL_PROVIDER, method, path, NULL, body, what, fn, ud);
}

struct od_op *
zcall_json(struct od_zone *z, enum od_method method, char *path, const char *body, const char *what,
	   pcall_json_fn *fn, void *ud)
{
	return json_call(z, NULL, PCALL_ZONE, method, path, NULL, body, what, fn, ud);
}

struct od_op *
zcall_public_json(struct od_zone *z, enum od_method method, char *path, const char *body, const char *what,
		  pcall_json_fn *fn, void *ud)
{
	return json_call(z, NULL, PCALL_ZONE_PUBLIC, method, path, NULL, body, what, fn, ud);
}

struct id_call {
	const char *key;
	od_file_id_fn *fn;
	void *ud;
};

struct done_call {
	od_done_fn *fn;
	void *ud;
};

/* Creations answer {"<key>": id}: hand the id over. */
static void
on_created(const cJSON *root, struct od_error *err, void *ud)
{
	struct id_call *c = ud;
	const char *id = NULL;

	if (!err && !root)
		err = od_error_new(OD_ERR_INPUT, _("the provider's answer to a creation is empty"));
	if (!err)
		err = od_json_str(root, c->key, _("the provider's answer to a creation"), &id);
	c->fn(err ? NULL : id, err, c->ud);
	free(c);
}

struct od_op *
pcall_id(struct od_zone *z, struct od_space *s, enum od_method method, char *path, const char *body,
	       const char *key, od_file_id_fn *fn, void *ud)
{
	struct id_call *c = calloc(1, sizeof(*c));
	struct od_op *op;

	if (!c) {
		free(path);
		return NULL;
	}
	c->key = key;
	c->fn = fn;
	c->ud = ud;
	op = pcall_json(z, s, method, path, body, _("the provider's answer to a creation"), on_created, c);
	if (!op)
		free(c);
	return op;
}

/* Calls that answer nothing (204). */
static void
on_done(const cJSON *root, struct od_error *err, void *ud)
{
	struct done_call *c = ud;

	c->fn(err, c->ud);
	free(c);
}

static struct od_op *
nothing_call(struct od_zone *z, struct od_space *s, enum pcall_target target, enum od_method method, char *path,
	     const char *ctype, const char *body, od_done_fn *fn, void *ud)
{
	struct done_call *c = calloc(1, sizeof(*c));
	struct od_op *op;

	if (!c) {
		free(path);
		return NULL;
	}
	c->fn = fn;
	c->ud = ud;
	op = json_call(z, s, target, method, path, ctype, body,
		       target == PCALL_PROVIDER ? _("the provider's answer") : _("the zone's answer"), on_done, c);
	if (!op)
		free(c);
	return op;
}

struct od_op *
pcall_nothing(struct od_zone *z, struct od_space *s, enum od_method method, char *path, const char *body,
	      od_done_fn *fn, void *ud)
{
	return nothing_call(z, s, PCALL_PROVIDER, method, path, NULL, body, fn, ud);
}

struct od_op *
pcall_nothing_as(struct od_zone *z, struct od_space *s, enum od_method method, char *path, const char *ctype,
		 const char *body, od_done_fn *fn, void *ud)
{
	return nothing_call(z, s, PCALL_PROVIDER, method, path, ctype, body, fn, ud);
}

struct od_op *
zcall_nothing(struct od_zone *z, enum od_method method, char *path, const char *body, od_done_fn *fn, void *ud)
{
	return nothing_call(z, NULL, PCALL_ZONE, method, path, NULL, body, fn, ud);
}

/* --- creations answered with a Location ---------------------------------------------- */

struct located_call {
	struct pcall c;
	od_file_id_fn *fn;
	void *ud;
};

static void
located_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	struct located_call *l = (struct located_call *)c;
	const char *location = err ? NULL : od_req_header(req, "location");
	const char *id = location ? strrchr(location, '/') : NULL;

	if (!err && (!id || !id[1]))
		err = od_error_new(OD_ERR_INPUT, _("the zone's answer to a creation does not say what it created "
						   "(no Location ending in an id)"));
	l->fn(err ? NULL : id + 1, err, l->ud);
	pcall_done_free(c);
	free(l);
}

struct od_op *
zcall_located(struct od_zone *z, enum od_method method, char *path, const char *body, od_file_id_fn *fn,
	      void *ud)
{
	struct located_call *l = calloc(1, sizeof(*l));
	struct od_op *op;

	if (!l || !path) {
		free(l);
		free(path);
		return NULL;
	}
	l->c.z = z;
	l->c.target = PCALL_ZONE;
	l->fn = fn;
	l->ud = ud;
	if (!(op = pcall_start(&l->c, method, path, body, located_reply)))
		free(l);
	return op;
}

/* --- listings of ids ---------------------------------------------------------------- */

struct ids_call {
	struct od_op base;	/* what the caller holds; sub is the page in flight */
	struct od_zone *z;
	struct od_space *s;
	enum pcall_target target;
	char *base_path;	/* with its query; the page token is appended */
	const char *token_param, *key, *what;
	od_ids_fn *page;
	od_done_fn *done;
	void *ud;
};

static void ids_page(struct ids_call *l, const char *token);

static void
ids_end(struct ids_call *l, struct od_error *err)
{
	l->done(err, l->ud);
	free(l->base_path);
	free(l);
}

static void
on_ids_page(const cJSON *root, struct od_error *err, void *ud)
{
	struct ids_call *l = ud;
	const cJSON *ids = NULL, *e;
	const char *token = NULL, **v = NULL;
	const char *what = _(l->what);
	size_t n = 0;
	bool more = true;

	l->base.sub = NULL;
	if (!err && !root)
		err = od_error_new(OD_ERR_INPUT, _("%s is empty"), what);
	if (!err)
		err = od_json_array(root, l->key, what, &ids);
	if (!err)
		err = od_json_str_opt(root, "nextPageToken", what, &token, NULL);
	if (!err && !(v = calloc((size_t)cJSON_GetArraySize(ids) + 1, sizeof(*v))))
		err = od_error_nomem();
	if (!err) {
		cJSON_ArrayForEach(e, ids) {
			if (!cJSON_IsString(e)) {
				err = od_error_new(OD_ERR_INPUT, _("%s holds an id that is not a string"), what);
				break;
			}
			v[n++] = e->valuestring;
		}
	}
	if (!err && !l->base.cancelled)
		more = l->page(v, n, l->ud);
	free(v);
	if (!err && l->base.cancelled)
		err = od_error_new(OD_ERR_CANCELLED, _("cancelled"));
	if (!err && more && token && *token && l->token_param) {
		ids_page(l, token);
		if (l->base.sub)
			return;
		err = od_error_nomem();
	}
	ids_end(l, err);
}

static void
ids_page(struct ids_call *l, const char *token)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_adds(&b, l->base_path) ||
	    (token && (od_buf_addf(&b, "&%s=", l->token_param) || od_url_escape(&b, token)))) {
		od_buf_done(&b);
		l->base.sub = NULL;
		return;
	}
	l->base.sub = json_call(l->z, l->s, l->target, OD_GET, od_buf_steal(&b), NULL, NULL, _(l->what), on_ids_page, l);
}

static struct od_op *
ids_call(struct od_zone *z, struct od_space *s, enum pcall_target target, char *base, const char *token_param,
	 const char *key, const char *what, od_ids_fn *page, od_done_fn *done, void *ud)
{
	struct ids_call *l = base ? calloc(1, sizeof(*l)) : NULL;

	if (!l) {
		free(base);
		return NULL;
	}
	*l = (struct ids_call){ .z = z, .s = s, .target = target, .base_path = base, .token_param = token_param,
				.key = key, .what = what, .page = page, .done = done, .ud = ud };
	ids_page(l, NULL);
	if (!l->base.sub) {
		free(base);
		free(l);
		return NULL;
	}
	return &l->base;
}

struct od_op *
pcall_ids(struct od_zone *z, struct od_space *s, char *base, const char *token_param, const char *key,
	  const char *what, od_ids_fn *page, od_done_fn *done, void *ud)
{
	return ids_call(z, s, PCALL_PROVIDER, base, token_param, key, what, page, done, ud);
}

struct od_op *
zcall_ids(struct od_zone *z, char *path, const char *key, const char *what, od_ids_fn *page, od_done_fn *done,
	  void *ud)
{
	return ids_call(z, NULL, PCALL_ZONE, path, NULL, key, what, page, done, ud);
}
