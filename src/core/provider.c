/* SPDX-License-Identifier: GPL-3.0-or-later */
/* provider.c: Oneprovider calls for a space, with provider choice and
 * failover. */
#include "config.h"

#include "onetui/provider.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/log.h"
#include "onetui/str.h"
#include "onetui/url.h"

#include "core-int.h"
#include "engine-int.h"
#include "pcall.h"

#define MAX_LIMIT 1000

/* --- choosing a provider ------------------------------------------------------ */

static bool
domain_matches(const struct od_provider_info *p, const char *domain)
{
	return p->domain && od_str_ieq(p->domain, domain);
}

static bool
listed(struct od_provider_info **v, size_t n, const struct od_provider_info *p)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == p)
			return true;
	return false;
}

/* Append the space's usable providers that pass the filter, skipping
 * those already listed. */
static void
add_candidates(struct od_space *s, bool (*want)(const struct od_support *, const void *), const void *arg)
{
	for (size_t i = 0; i < s->n_supports; i++) {
		struct od_provider_info *p = s->supports[i].provider;
		if (p->origin && want(&s->supports[i], arg) && !listed(s->candidates, s->n_candidates, p))
			s->candidates[s->n_candidates++] = p;
	}
}

static bool
want_domain(const struct od_support *sup, const void *domain)
{
	return domain_matches(sup->provider, domain);
}

static bool
want_online(const struct od_support *sup, const void *unused)
{
	return sup->provider->online;
}

static bool
want_any(const struct od_support *sup, const void *unused)
{
	return true;
}

static int
by_name(const void *a, const void *b)
{
	const struct od_support *x = a, *y = b;

	return strcmp(x->provider->name, y->provider->name);
}

struct od_error *
od_provider_plan(struct od_zone *z, struct od_space *s)
{
	const struct od_zone_opts *opts = od_zone_opts(z);
	struct od_error *err;

	if (s->planned)
		goto check;
	s->candidates = calloc(s->n_supports + 1, sizeof(*s->candidates));
	if (!s->candidates)
		return od_error_nomem();
	if (opts->provider) {
		struct od_provider_info *fixed = NULL;
		for (size_t i = 0; i < s->n_supports && !fixed; i++)
			if (domain_matches(s->supports[i].provider, opts->provider) && s->supports[i].provider->origin)
				fixed = s->supports[i].provider;
		if (!fixed) {
			err = od_zone_fixed_provider(z, &fixed);
			if (err)
				return err;
		}
		s->candidates[s->n_candidates++] = fixed;
	} else {
		/* Stable order among equals, whatever order the zone sent. */
		if (s->n_supports > 1)
			qsort(s->supports, s->n_supports, sizeof(*s->supports), by_name);
		for (size_t i = 0; i < opts->n_preferred; i++)
			add_candidates(s, want_domain, opts->preferred[i]);
		add_candidates(s, want_online, NULL);
		add_candidates(s, want_any, NULL);
	}
	s->planned = true;
	s->current = 0;
check:
	if (s->current < s->n_candidates)
		return NULL;
	if (s->n_supports == 0)
		return od_error_new(OD_ERR_INPUT, _("space \"%s\" has no supporting provider, so its data "
						    "cannot be reached"),
				    s->name);
	if (s->n_candidates == 0)
		return od_error_new(OD_ERR_INPUT, _("no provider of space \"%s\" has a usable address"), s->name);
	return od_error_new(OD_ERR_NETWORK, _("none of the providers of space \"%s\" could be reached"), s->name);
}

const struct od_provider_info *
od_provider_current(const struct od_space *s)
{
	return s && s->planned && s->current < s->n_candidates ? s->candidates[s->current] : NULL;
}

/* --- resolving paths ------------------------------------------------------ */

struct resolve_op {
	struct pcall c;
	char **segs;		/* the normalised path */
	size_t n_segs;
	size_t next_seg;	/* when walking */
	char *dir_id;
	od_file_id_fn *fn;
	void *ud;
};

static void
resolve_finish(struct resolve_op *op, const char *file_id, struct od_error *err)
{
	if (op->fn)
		op->fn(err ? NULL : file_id, err, op->ud);
	else
		od_error_free(err);
	for (size_t i = 0; i < op->n_segs; i++)
		free(op->segs[i]);
	free(op->segs);
	free(op->dir_id);
	pcall_done_free(&op->c);
	free(op);
}

/* Split path into segments, applying "." and ".." lexically. */
OD_STATIC struct od_error *
od_path_split(const char *path, char ***segs, size_t *n)
{
	size_t cap = 1;
	const char *p;
	char **v;

	*segs = NULL;
	*n = 0;
	for (p = path; *p; p++)
		cap += *p == '/';
	v = calloc(cap, sizeof(*v));
	if (!v)
		return od_error_nomem();
	for (p = path; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (*n == 0) {
				free(v);
				return od_error_new(OD_ERR_INPUT, _("the path \"%s\" goes above the space root"), path);
			}
			free(v[--*n]);
		} else if (len > 0) {
			if (!(v[*n] = od_strndup(p, len))) {
				while (*n)
					free(v[--*n]);
				free(v);
				return od_error_nomem();
			}
			(*n)++;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	*segs = v;
	return NULL;
}

static const char *const file_id_what = N_("the provider's file id reply");

static void
lookup_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	struct resolve_op *op = (struct resolve_op *)c;
	const char *id = NULL;
	cJSON *root = NULL;

	if (!err)
		err = od_req_json(req, _(file_id_what), &root);
	if (!err)
		err = od_json_str(root, "fileId", _(file_id_what), &id);
	resolve_finish(op, id, err);
	cJSON_Delete(root);
}

static struct od_error *walk_next(struct resolve_op *op);

/* One step of a walk: the first entry at or after the name must be it. */
static void
walk_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	static const char what[] = N_("the provider's directory listing");
	struct resolve_op *op = (struct resolve_op *)c;
	const cJSON *children;
	struct od_attrs a;
	cJSON *root = NULL;

	if (!err)
		err = od_req_json(req, _(what), &root);
	if (!err)
		err = od_json_array(root, "children", _(what), &children);
	if (!err && cJSON_GetArraySize(children) > 0)
		err = od_attrs_parse(cJSON_GetArrayItem(children, 0), OD_ATTR_FILE_ID | OD_ATTR_NAME, _(what), &a);
	else if (!err)
		a.name = NULL;
	if (!err && !od_str_eq(a.name, op->segs[op->next_seg]))
		err = od_error_errno(OD_ERR_POSIX, ENOENT, "%s", op->segs[op->next_seg]);
	if (!err) {
		free(op->dir_id);
		op->dir_id = strdup(a.file_id);
		op->next_seg++;
		err = op->dir_id ? walk_next(op) : od_error_nomem();
	}
	cJSON_Delete(root);
	if (err || op->next_seg == op->n_segs)
		resolve_finish(op, op->dir_id, err);
}

static struct od_error *
walk_next(struct resolve_op *op)
{
	struct od_buf b;
	char *path = data_path(op->dir_id, "/children?limit=1&attributes=fileId&attributes=name&index=");

	if (op->next_seg == op->n_segs)
		return NULL;
	if (!path)
		return od_error_nomem();
	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_adds(&b, path) || od_url_escape(&b, op->segs[op->next_seg])) {
		free(path);
		od_buf_done(&b);
		return od_error_nomem();
	}
	free(path);
	return pcall_send(&op->c, OD_GET, od_buf_steal(&b), walk_reply);
}

/* With the root known: the path by lookup-file-id when the space name
 * identifies the space, else walking from the root. */
static struct od_error *
resolve_from_root(struct resolve_op *op)
{
	struct od_buf b;

	if (op->n_segs == 0)
		return NULL;
	if (!op->c.s->name_unique) {
		op->dir_id = strdup(op->c.s->root_id);
		return op->dir_id ? walk_next(op) : od_error_nomem();
	}
	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_adds(&b, "/lookup-file-id/") || od_url_escape(&b, op->c.s->name)) {
		od_buf_done(&b);
		return od_error_nomem();
	}
	for (size_t i = 0; i < op->n_segs; i++) {
		if (od_buf_addc(&b, '/') || od_url_escape(&b, op->segs[i])) {
			od_buf_done(&b);
			return od_error_nomem();
		}
	}
	return pcall_send(&op->c, OD_POST, od_buf_steal(&b), lookup_reply);
}

/* The space root's id is the key of the reply: keep it, and go on to
 * the path. */
static void
root_found(struct resolve_op *op, struct od_req *req, struct od_error *err, const char *key, const char *what)
{
	struct od_space *s = op->c.s;
	const char *dir_id;
	cJSON *root = NULL;

	if (!err)
		err = od_req_json(req, what, &root);
	if (!err)
		err = od_json_str(root, key, what, &dir_id);
	/* Resolves started together each find the root: the first keeps it. */
	if (!err && !s->root_id && !(s->root_id = strdup(dir_id)))
		err = od_error_nomem();
	cJSON_Delete(root);
	if (!err)
		err = resolve_from_root(op);
	if (err || op->n_segs == 0)
		resolve_finish(op, s->root_id, err);
}

static void
root_lookup_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	root_found((struct resolve_op *)c, req, err, "fileId", _(file_id_what));
}

static void
root_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	static const char what[] = N_("the provider's space record");
	struct resolve_op *op = (struct resolve_op *)c;
	struct od_buf b;

	/* A token with data-access caveats (read-only, paths...) may not read
	 * the space record, a non-data endpoint; a lookup of the space's name
	 * is a data call, and gives the root as well. */
	if (err && od_error_is(err, "tokenCaveatUnverified") && c->s->name_unique) {
		od_buf_init(&b, OD_BUF_UNLIMITED);
		if (od_buf_adds(&b, "/lookup-file-id/") || od_url_escape(&b, c->s->name)) {
			od_buf_done(&b);
			resolve_finish(op, NULL, od_error_nomem());
			return;
		}
		od_error_free(err);
		if (!(err = pcall_send(c, OD_POST, od_buf_steal(&b), root_lookup_reply)))
			return;
		resolve_finish(op, NULL, err);
		return;
	}
	root_found(op, req, err, "dirId", _(what));
}

/* For answers known without asking: the space root, or an early error. */
static void
known_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	resolve_finish((struct resolve_op *)c, c->s->root_id, err);
}

struct od_op *
od_provider_resolve(struct od_zone *z, struct od_space *s, const char *path, od_file_id_fn *fn, void *ud)
{
	struct resolve_op *op = calloc(1, sizeof(*op));
	struct od_error *err;

	if (!op)
		return NULL;
	op->c.z = z;
	op->c.s = s;
	op->c.safe_post = true;
	op->fn = fn;
	op->ud = ud;
	op->c.reply = known_reply;
	err = od_path_split(path ? path : "", &op->segs, &op->n_segs);
	if (err)
		err = pcall_fail(&op->c, err);
	else if (s->root_id)
		err = op->n_segs ? resolve_from_root(op) : pcall_fail(&op->c, NULL);
	else
		err = pcall_send(&op->c, OD_GET, od_asprintf("/spaces/%s", s->id), root_reply);
	if (err) {
		od_error_free(err);
		op->fn = NULL;
		resolve_finish(op, NULL, NULL);
		return NULL;
	}
	return &op->c.base;
}

/* --- attributes ---------------------------------------------------------- */

struct stat_call {
	unsigned attrs;
	od_attrs_fn *fn;
	void *ud;
};

static void
on_stat(const cJSON *root, struct od_error *err, void *ud)
{
	static const char what[] = N_("the provider's file attributes");
	struct stat_call *c = ud;
	struct od_attrs a;

	if (!err && !root)
		err = od_error_new(OD_ERR_INPUT, _("%s are empty"), _(what));
	if (!err)
		err = od_attrs_parse(root, c->attrs, _(what), &a);
	c->fn(err ? NULL : &a, err, c->ud);
	free(c);
}

struct od_op *
od_provider_stat(struct od_zone *z, struct od_space *s, const char *file_id, unsigned attrs, od_attrs_fn *fn,
		 void *ud)
{
	struct stat_call *c = calloc(1, sizeof(*c));
	struct od_op *op = NULL;
	struct od_buf b;
	char *path = data_path(file_id, "?");

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (c && path && !od_buf_adds(&b, path) && !od_attrs_query(&b, attrs | OD_ATTR_FILE_ID | OD_ATTR_NAME)) {
		c->attrs = attrs | OD_ATTR_FILE_ID | OD_ATTR_NAME;
		c->fn = fn;
		c->ud = ud;
		op = pcall_json(z, s, OD_GET, od_buf_steal(&b), NULL, _("the provider's file attributes"), on_stat, c);
	}
	od_buf_done(&b);
	free(path);
	if (!op)
		free(c);
	return op;
}

/* --- listing -------------------------------------------------------------- */

/* The next page is asked for as soon as its token is known, before the
 * current page is handed over, so the provider works on it meanwhile. */
struct list_op {
	struct pcall c;
	char *dir_id;
	unsigned attrs;
	int limit;
	char *token;		/* nextPageToken of the last page */
	char *last_name;	/* last entry listed, to go on after it elsewhere */
	char *resume_after;	/* a page that resumed by name may repeat this one */
	bool stopping;		/* the next page was cancelled: finish with stop_err */
	struct od_error *stop_err;
	struct od_attrs *entries;
	size_t cap;
	struct od_json_arena *arena;	/* where each page is parsed */
	od_page_fn *page;
	od_done_fn *done;
	void *ud;
};

static void
list_finish(struct list_op *op, struct od_error *err)
{
	if (op->done)
		op->done(err, op->ud);
	else
		od_error_free(err);
	free(op->dir_id);
	free(op->token);
	free(op->last_name);
	free(op->resume_after);
	free(op->entries);
	od_json_arena_free(op->arena);
	pcall_done_free(&op->c);
	free(op);
}

static char *
list_path(struct list_op *op)
{
	char *base = data_path(op->dir_id, "/children?");
	struct od_buf b;
	int rc;

	if (!base)
		return NULL;
	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_buf_addf(&b, "%slimit=%d&", base, op->limit);
	free(base);
	if (!rc)
		rc = od_attrs_query(&b, op->attrs);
	if (!rc && op->token)
		rc = od_buf_adds(&b, "&token=") || od_url_escape(&b, op->token);
	else if (!rc && op->last_name)
		rc = od_buf_adds(&b, "&index=") || od_url_escape(&b, op->last_name);
	if (rc) {
		od_buf_done(&b);
		return NULL;
	}
	return od_buf_steal(&b);
}

/* Page tokens belong to the provider that issued them: elsewhere, go on
 * from the last name seen. */
static struct od_error *
list_rebuild(struct pcall *c)
{
	struct list_op *op = (struct list_op *)c;

	free(op->token);
	op->token = NULL;
	free(op->resume_after);
	op->resume_after = od_strdup(op->last_name);
	if (op->last_name && !op->resume_after)
		return od_error_nomem();
	free(c->path);
	c->path = list_path(op);
	return c->path ? NULL : od_error_nomem();
}

static void list_reply(struct pcall *c, struct od_req *req, struct od_error *err);

/* The last entry's name, to go on after it on another provider. */
static struct od_error *
note_last_name(struct list_op *op, const cJSON *children)
{
	const cJSON *last = cJSON_GetArrayItem(children, cJSON_GetArraySize(children) - 1);
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(last, "name"));
	char *copy;

	if (!name)
		return NULL;
	if (!(copy = strdup(name)))
		return od_error_nomem();
	free(op->last_name);
	op->last_name = copy;
	return NULL;
}

/* Ask for the page after this one, with its token (taken over). A token
 * that cannot lead anywhere new would make the listing loop for ever. */
static struct od_error *
list_next(struct list_op *op, char *token)
{
	static const char what[] = N_("the provider's directory listing");

	if (!token || !*token || od_str_eq(token, op->token)) {
		free(token);
		return od_error_new(OD_ERR_INPUT, _("%s says more entries follow but gives no new page token"),
				    _(what));
	}
	free(op->token);
	op->token = token;
	return pcall_send(&op->c, OD_GET, list_path(op), list_reply);
}

/* The nextPageToken of a reply found without parsing it, so that the
 * next page can be asked for at once. Inside a JSON string every quote
 * is escaped, so `"nextPageToken":"` can only be the key itself. NULL
 * when there is none, or it holds escapes; the parse that follows checks
 * the guess either way. */
OD_STATIC char *
od_peek_page_token(const char *body, size_t len)
{
	static const char key[] = "\"nextPageToken\"";
	const char *end = body + len, *p, *found = NULL, *q;

	for (p = body; (p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1)); p += sizeof(key) - 1)
		found = p;
	if (!found)
		return NULL;
	q = found + sizeof(key) - 1;
	while (q < end && (*q == ' ' || *q == ':' || *q == '\t' || *q == '\r' || *q == '\n'))
		q++;
	if (q >= end || *q != '"')
		return NULL;
	p = ++q;
	while (q < end && *q != '"' && *q != '\\' && *q != '\0')
		q++;
	if (q >= end || *q != '"' || q == p)
		return NULL;
	return od_strndup(p, (size_t)(q - p));
}

/* Check the page's entries and hand them over; *more false when the
 * caller wants no more. */
static struct od_error *
list_deliver(struct list_op *op, const cJSON *children, bool *more)
{
	const char *what = _("the provider's directory listing");
	size_t n = 0, want = (size_t)cJSON_GetArraySize(children);
	const cJSON *e;
	struct od_error *err;

	if (want > op->cap) {
		struct od_attrs *v = realloc(op->entries, want * sizeof(*v));
		if (!v)
			return od_error_nomem();
		op->entries = v;
		op->cap = want;
	}
	cJSON_ArrayForEach(e, children) {
		if ((err = od_attrs_parse(e, op->attrs, what, &op->entries[n])))
			return err;
		/* Resuming by name repeats the last entry handed over. */
		if (n == 0 && op->resume_after && od_str_eq(op->entries[0].name, op->resume_after))
			continue;
		n++;
	}
	free(op->resume_after);
	op->resume_after = NULL;
	if (n)
		*more = op->page(op->entries, n, op->ud);
	return NULL;
}

static void
list_reply(struct pcall *c, struct od_req *req, struct od_error *err)
{
	static const char what[] = N_("the provider's directory listing");
	struct list_op *op = (struct list_op *)c;
	const cJSON *children = NULL;
	const char *token = NULL;
	bool last = false, more = true, in_flight = false;
	cJSON *root = NULL;
	size_t len;
	const char *body = od_req_body(req, &len);
	char *guess;

	if (op->stopping) {
		/* The page asked for early is not wanted after all. */
		od_error_free(err);
		list_finish(op, op->stop_err);
		return;
	}
	/* Ask for the next page first; parse while the provider works. */
	if (!err && !c->base.cancelled && (guess = od_peek_page_token(body, len))) {
		if (od_str_eq(guess, op->token)) {
			free(guess);
		} else {
			err = list_next(op, guess);
			in_flight = !err;
		}
	}
	if (!err)
		err = od_json_parse_object_in(op->arena, body, len, _(what), &root);
	if (!err)
		err = od_json_array(root, "children", _(what), &children);
	if (!err)
		err = od_json_bool(root, "isLast", _(what), &last);
	if (!err)
		err = od_json_str_opt(root, "nextPageToken", _(what), &token, NULL);
	if (!err && !last)
		err = note_last_name(op, children);
	if (!err && !last && !in_flight && !c->base.cancelled) {
		char *copy = od_strdup(token);
		err = token && !copy ? od_error_nomem() : list_next(op, copy);
		in_flight = !err;
	} else if (!err && in_flight && (last || !od_str_eq(token, op->token))) {
		err = od_error_new(OD_ERR_INPUT, _("%s contradicts itself about the next page"), _(what));
	}
	if (!err && !c->base.cancelled)
		err = list_deliver(op, children, &more);
	if (!err && c->base.cancelled)
		err = od_error_new(OD_ERR_CANCELLED, _("cancelled"));
	if (in_flight) {
		if (!err && more)
			return;	/* the next page will come */
		op->stopping = true;
		op->stop_err = err;
		od_req_cancel(c->base.req);
		return;
	}
	list_finish(op, err);
}

struct od_op *
od_provider_list(struct od_zone *z, struct od_space *s, const char *dir_id, const struct od_list_opts *opts,
		 od_page_fn *page, od_done_fn *done, void *ud)
{
	struct list_op *op = calloc(1, sizeof(*op));
	struct od_error *err;

	if (!op)
		return NULL;
	op->c.z = z;
	op->c.s = s;
	op->c.rebuild = list_rebuild;
	op->attrs = (opts ? opts->attrs : 0) | OD_ATTR_FILE_ID | OD_ATTR_NAME;
	op->limit = opts && opts->limit > 0 && opts->limit <= MAX_LIMIT ? opts->limit : MAX_LIMIT;
	op->page = page;
	op->done = done;
	op->ud = ud;
	op->dir_id = strdup(dir_id);
	op->arena = od_json_arena_new();
	if (opts && opts->after) {
		op->last_name = strdup(opts->after);
		op->resume_after = strdup(opts->after);
	}
	if (!op->dir_id || !op->arena || (opts && opts->after && (!op->last_name || !op->resume_after)))
		err = od_error_nomem();
	else
		err = pcall_send(&op->c, OD_GET, list_path(op), list_reply);
	if (err) {
		od_error_free(err);
		op->done = NULL;
		list_finish(op, NULL);
		return NULL;
	}
	return &op->c.base;
}
