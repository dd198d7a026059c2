/* SPDX-License-Identifier: GPL-3.0-or-later */
/* zone.c: Onezone calls: the user, the token's spaces and providers. */
#include "config.h"

#include "onetui/zone.h"

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

#define OZ_API "/api/v3/onezone"

/* Providers and spaces, each a separate allocation. */
struct scope {
	struct od_provider_info **providers;
	size_t n_providers;
	struct od_space **spaces;
	size_t n_spaces;
};

struct od_zone {
	struct od_engine *e;
	char *origin;
	char *scheme;
	char *provider;
	char **preferred;
	size_t n_preferred;
	struct od_zone_opts opts;

	struct scope scope;		/* what the token reaches, as last read */
	/* Every provider and space any reading named: a pointer handed out
	 * stays valid, and means the same, until the zone is freed, even
	 * when a later reading drops or changes what it points to. */
	struct scope kept;
	struct od_provider_info *fixed;	/* the --provider host, once needed */
	int64_t valid_until;
	bool readonly;
	char *user_id;		/* the token's user, once asked */
	char *token_id;		/* the named token in use, once asked (NULL: a temporary one) */
	bool token_id_known;
};

struct zone_op {
	struct od_op base;
	struct od_zone *z;
	od_user_fn *user_fn;
	od_done_fn *done_fn;
	void *ud;
};

static void
provider_info_done(struct od_provider_info *p)
{
	free(p->id);
	free(p->name);
	free(p->domain);
	free(p->version);
	free(p->origin);
}

void
od_space_done(struct od_space *s)
{
	free(s->id);
	free(s->name);
	free(s->supports);
	free(s->candidates);
	free(s->root_id);
}

/* Free the lists; owned: their providers and spaces too. */
static void
scope_done(struct scope *sc, bool owned)
{
	for (size_t i = 0; owned && i < sc->n_spaces; i++) {
		od_space_done(sc->spaces[i]);
		free(sc->spaces[i]);
	}
	for (size_t i = 0; owned && i < sc->n_providers; i++) {
		provider_info_done(sc->providers[i]);
		free(sc->providers[i]);
	}
	free(sc->spaces);
	free(sc->providers);
	*sc = (struct scope){ 0 };
}

struct od_error *
od_zone_new(struct od_engine *engine, const char *origin, const struct od_zone_opts *opts,
	    struct od_zone **out)
{
	struct od_zone *z;
	struct od_error *err;
	char *host = NULL;
	int port;

	*out = NULL;
	z = calloc(1, sizeof(*z));
	if (!z)
		return od_error_nomem();
	z->e = engine;
	z->origin = strdup(origin);
	if (!z->origin) {
		free(z);
		return od_error_nomem();
	}
	err = od_url_origin(origin, &z->scheme, &host, &port);
	free(host);
	if (!err && od_engine_trust_origin(engine, origin) != 0)
		err = od_error_nomem();
	if (!err && opts && opts->provider && !(z->provider = strdup(opts->provider)))
		err = od_error_nomem();
	if (!err && opts && opts->n_preferred) {
		z->preferred = calloc(opts->n_preferred, sizeof(*z->preferred));
		for (size_t i = 0; z->preferred && i < opts->n_preferred; i++) {
			if (!(z->preferred[i] = strdup(opts->preferred[i])))
				break;
			z->n_preferred++;
		}
		if (z->n_preferred != opts->n_preferred)
			err = od_error_nomem();
	}
	if (err) {
		od_zone_free(z);
		return err;
	}
	z->opts.provider = z->provider;
	z->opts.preferred = z->preferred;
	z->opts.n_preferred = z->n_preferred;
	*out = z;
	return NULL;
}

void
od_zone_free(struct od_zone *z)
{
	if (!z)
		return;
	scope_done(&z->scope, false);
	scope_done(&z->kept, true);
	if (z->fixed) {
		provider_info_done(z->fixed);
		free(z->fixed);
	}
	for (size_t i = 0; i < z->n_preferred; i++)
		free(z->preferred[i]);
	free(z->preferred);
	free(z->provider);
	free(z->origin);
	free(z->scheme);
	free(z->user_id);
	free(z->token_id);
	free(z);
}

const char *
od_zone_user_id(const struct od_zone *z)
{
	return z->user_id;
}

const char *
od_zone_origin(const struct od_zone *z)
{
	return z->origin;
}

struct od_engine *
od_zone_engine(const struct od_zone *z)
{
	return z->e;
}

const struct od_zone_opts *
od_zone_opts(const struct od_zone *z)
{
	return &z->opts;
}

const char *
od_zone_scheme(const struct od_zone *z)
{
	return z->scheme;
}

struct od_error *
od_zone_fixed_provider(struct od_zone *z, struct od_provider_info **out)
{
	struct od_provider_info *p;
	struct od_error *err;

	*out = z->fixed;
	if (z->fixed)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return od_error_nomem();
	if (strstr(z->provider, "://"))
		err = od_url_normalize_origin(z->provider, &p->origin);
	else
		err = od_url_provider_origin(z->scheme, z->provider, &p->origin);
	if (err) {
		od_error_prefix(err, _("Bad provider host"));
		free(p);
		return err;
	}
	p->name = strdup(z->provider);
	p->domain = strdup(z->provider);
	p->online = true;
	/* The user named this host, so it may have the token. */
	if (!p->name || !p->domain || od_engine_trust_origin(z->e, p->origin) != 0) {
		provider_info_done(p);
		free(p);
		return od_error_nomem();
	}
	z->fixed = *out = p;
	return NULL;
}

size_t
od_zone_space_count(const struct od_zone *z)
{
	return z->scope.n_spaces;
}

struct od_space *
od_zone_space(const struct od_zone *z, size_t i)
{
	return i < z->scope.n_spaces ? z->scope.spaces[i] : NULL;
}

int64_t
od_zone_token_valid_until(const struct od_zone *z)
{
	return z->valid_until;
}

bool
od_zone_token_readonly(const struct od_zone *z)
{
	return z->readonly;
}

struct od_error *
od_zone_find_space(const struct od_zone *z, const char *name_or_id, struct od_space **out)
{
	struct od_space *by_name = NULL;
	size_t named = 0;

	*out = NULL;
	for (size_t i = 0; i < z->scope.n_spaces; i++) {
		struct od_space *s = z->scope.spaces[i];
		if (strcmp(s->id, name_or_id) == 0) {
			*out = s;
			return NULL;
		}
		if (strcmp(s->name, name_or_id) == 0) {
			by_name = s;
			named++;
		}
	}
	if (named == 1) {
		*out = by_name;
		return NULL;
	}
	if (named > 1)
		return od_error_new(OD_ERR_INPUT,
				    _("%zu of your spaces are named \"%s\"; give the space id instead "
				      "(\"onetui spaces\" lists them)"),
				    named, name_or_id);
	return od_error_new(OD_ERR_INPUT,
			    P_("no space \"%s\" among the %zu space this token reaches (\"onetui spaces\" lists it)",
			       "no space \"%s\" among the %zu spaces this token reaches (\"onetui spaces\" lists them)",
			       z->scope.n_spaces),
			    name_or_id, z->scope.n_spaces);
}

/* --- operations -------------------------------------------------------------- */

static struct zone_op *
zone_op_new(struct od_zone *z, od_user_fn *user_fn, od_done_fn *done_fn, void *ud)
{
	struct zone_op *op = calloc(1, sizeof(*op));

	if (!op)
		return NULL;
	op->z = z;
	op->user_fn = user_fn;
	op->done_fn = done_fn;
	op->ud = ud;
	return op;
}

/* A request to the Onezone REST API; the JSON body (may be NULL) is sent
 * as is. Public calls carry the token in their body, not in a header. */
static struct od_error *
zone_request(struct zone_op *op, enum od_method m, const char *path, const char *json, bool auth,
	     bool retry, od_req_done_fn *done)
{
	char *url = od_asprintf("%s" OZ_API "%s", op->z->origin, path);
	struct od_req *req = url ? od_req_new(op->z->e, m, url) : NULL;

	free(url);
	if (!req)
		return od_error_nomem();
	if (auth)
		od_req_auth(req);
	od_req_set_retry(req, retry);
	if (json && od_req_set_body(req, "application/json", json, strlen(json)) != 0) {
		od_req_cancel(req);
		return od_error_nomem();
	}
	op->base.req = req;
	od_req_submit(req, done, op);
	return NULL;
}

/* Whether starting something failed (the error is only ever "out of
 * memory", which the caller reports by returning NULL). */
static bool
failed(struct od_error *err)
{
	bool f = err != NULL;

	od_error_free(err);
	return f;
}

/* {"token": "<the access token>"} for the public token calls. */
static char *
token_body(struct od_zone *z)
{
	const char *token = od_engine_token(z->e);
	struct od_buf b;

	if (!token)
		return NULL;
	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_adds(&b, "{\"token\":") || od_json_escape(&b, token, strlen(token)) || od_buf_addc(&b, '}')) {
		od_buf_done(&b);
		return NULL;
	}
	return od_buf_steal(&b);
}

static void
free_token_body(char *body)
{
	od_str_wipe_free(body);
}

/* A public call about the token in use, which goes in its body. */
static struct od_op *
token_call(struct od_zone *z, const char *path, od_req_done_fn *done, od_done_fn *fn, void *ud)
{
	struct zone_op *op = zone_op_new(z, NULL, fn, ud);
	char *json = op ? token_body(z) : NULL;

	if (!json || failed(zone_request(op, OD_POST, path, json, false, true, done))) {
		free(op);
		op = NULL;
	}
	free_token_body(json);
	return op ? &op->base : NULL;
}

/* --- whoami ------------------------------------------------------------------- */

void
od_user_done(struct od_user *u)
{
	free(u->id);
	free(u->username);
	free(u->full_name);
	for (size_t i = 0; i < u->n_emails; i++)
		free(u->emails[i]);
	free(u->emails);
	memset(u, 0, sizeof(*u));
}

int
od_user_copy(struct od_user *dst, const struct od_user *src)
{
	bool ok;

	memset(dst, 0, sizeof(*dst));
	dst->restricted = src->restricted;
	dst->id = od_strdup(src->id);
	dst->username = od_strdup(src->username);
	dst->full_name = od_strdup(src->full_name);
	dst->emails = calloc(src->n_emails + 1, sizeof(*dst->emails));
	ok = dst->emails && (dst->id || !src->id) && (dst->username || !src->username) &&
	     (dst->full_name || !src->full_name);
	for (size_t i = 0; ok && i < src->n_emails; i++) {
		ok = (dst->emails[i] = strdup(src->emails[i])) != NULL;
		dst->n_emails += ok;
	}
	if (!ok)
		od_user_done(dst);
	return ok ? 0 : -ENOMEM;
}

static void
finish_user(struct zone_op *op, const struct od_user *u, struct od_error *err)
{
	if (u && u->id && !od_str_eq(op->z->user_id, u->id)) {
		free(op->z->user_id);
		op->z->user_id = strdup(u->id);
	}
	op->user_fn(u, err, op->ud);
	free(op);
}

static struct od_error *
parse_user(const struct od_req *req, struct od_user *u)
{
	static const char what[] = N_("the zone's user record");
	const char *id, *s;
	const cJSON *emails, *e;
	cJSON *root;
	struct od_error *err = od_req_json(req, _(what), &root);
	bool present;

	if (err)
		return err;
	if (!(err = od_json_str(root, "userId", _(what), &id)) && !(u->id = strdup(id)))
		err = od_error_nomem();
	if (!err && !(err = od_json_str_opt(root, "username", _(what), &s, &present)) && present &&
	    !(u->username = strdup(s)))
		err = od_error_nomem();
	if (!err && !(err = od_json_str_opt(root, "fullName", _(what), &s, &present)) && present &&
	    !(u->full_name = strdup(s)))
		err = od_error_nomem();
	if (!err && cJSON_GetObjectItemCaseSensitive(root, "emails") &&
	    !(err = od_json_array(root, "emails", _(what), &emails))) {
		u->emails = calloc((size_t)cJSON_GetArraySize(emails) + 1, sizeof(*u->emails));
		if (!u->emails)
			err = od_error_nomem();
		cJSON_ArrayForEach(e, emails) {
			if (err)
				break;
			if (!cJSON_IsString(e))
				err = od_error_new(OD_ERR_INPUT, _("%s has an e-mail address that is not a string"),
						   _(what));
			else if (!(u->emails[u->n_emails++] = strdup(e->valuestring)))
				err = od_error_nomem();
		}
	}
	cJSON_Delete(root);
	return err;
}

static void
examine_done(struct od_req *req, struct od_error *err, void *ud)
{
	static const char what[] = N_("the zone's token description");
	struct zone_op *op = ud;
	struct od_user u = { .restricted = true };
	const cJSON *subject;
	const char *id;
	cJSON *root = NULL;

	op->base.req = NULL;
	if (!err)
		err = od_req_json(req, _(what), &root);
	if (!err)
		err = od_json_object(root, "subject", _(what), &subject);
	if (!err)
		err = od_json_str(subject, "id", _(what), &id);
	if (!err && !(u.id = strdup(id)))
		err = od_error_nomem();
	cJSON_Delete(root);
	finish_user(op, err ? NULL : &u, err);
	od_user_done(&u);
}

/* The type of the caveat a token failed on, from an error's details. */
static char *
failed_caveat_type(const struct od_error *err)
{
	cJSON *root = err->details ? cJSON_Parse(err->details) : NULL;
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "authError");
	const cJSON *t;
	char *type = NULL;

	d = cJSON_GetObjectItemCaseSensitive(d, "details");
	t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "caveat"), "type");
	if (cJSON_IsString(t))
		type = strdup(t->valuestring);
	cJSON_Delete(root);
	return type;
}

/* Onezone refuses its REST API to tokens restricted to data access or to
 * Oneclient; that is no reason to doubt the token itself. */
static bool
profile_refused_to_token(const struct od_error *err)
{
	char *type;
	bool restricted;

	if (od_error_is(err, "forbidden"))
		return true;
	if (!od_str_eq(err->cause_id, "tokenCaveatUnverified"))
		return false;
	type = failed_caveat_type(err);
	restricted = type && strcmp(type, "time") != 0;
	free(type);
	return restricted;
}

static void
user_reply(struct od_req *req, struct od_error *err, void *ud)
{
	struct zone_op *op = ud;
	struct od_user u = { 0 };

	op->base.req = NULL;
	if (err && !op->base.cancelled && profile_refused_to_token(err)) {
		char *json = token_body(op->z);
		od_log(OD_LOG_INFO, "the token may not read the user profile (%s); asking what it is",
		       err->message);
		od_error_free(err);
		err = json ? zone_request(op, OD_POST, "/tokens/examine", json, false, true, examine_done)
			   : od_error_nomem();
		free_token_body(json);
		if (!err)
			return;
	}
	if (!err)
		err = parse_user(req, &u);
	finish_user(op, err ? NULL : &u, err);
	od_user_done(&u);
}

struct od_op *
od_zone_whoami(struct od_zone *z, od_user_fn *fn, void *ud)
{
	struct zone_op *op = zone_op_new(z, fn, NULL, ud);

	if (op && failed(zone_request(op, OD_GET, "/user", NULL, true, true, user_reply))) {
		free(op);
		return NULL;
	}
	return op ? &op->base : NULL;
}

/* --- the token in use --------------------------------------------------------- */

static void
token_id_reply(struct od_req *req, struct od_error *err, void *ud)
{
	static const char what[] = N_("the zone's token description");
	struct zone_op *op = ud;
	struct od_zone *z = op->z;
	const char *id = NULL;
	cJSON *root = NULL;

	op->base.req = NULL;
	if (!err)
		err = od_req_json(req, _(what), &root);
	/* A temporary token has an id too, but no named token to guard. */
	if (!err && od_str_eq(od_json_get_str(root, "persistence"), "named"))
		err = od_json_str(root, "id", _(what), &id);
	if (!err) {
		od_zone_forget_token_id(z);
		if (id && !(z->token_id = strdup(id)))
			err = od_error_nomem();
		z->token_id_known = !err;
	}
	cJSON_Delete(root);
	op->done_fn(err, op->ud);
	free(op);
}

struct od_op *
od_zone_learn_token_id(struct od_zone *z, od_done_fn *fn, void *ud)
{
	return token_call(z, "/tokens/examine", token_id_reply, fn, ud);
}

bool
od_zone_token_id_known(const struct od_zone *z)
{
	return z->token_id_known;
}

bool
od_zone_uses_token(const struct od_zone *z, const char *id)
{
	return z->token_id && id && strcmp(z->token_id, id) == 0;
}

void
od_zone_forget_token_id(struct od_zone *z)
{
	free(z->token_id);
	z->token_id = NULL;
	z->token_id_known = false;
}

/* --- spaces and providers ----------------------------------------------------- */

static int
space_cmp(const void *a, const void *b)
{
	const struct od_space *x = *(const struct od_space *const *)a, *y = *(const struct od_space *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->id, y->id);
}

static struct od_provider_info *
find_provider(const struct scope *sc, const char *id)
{
	for (size_t i = 0; i < sc->n_providers; i++)
		if (strcmp(sc->providers[i]->id, id) == 0)
			return sc->providers[i];
	return NULL;
}

static struct od_space *
find_space(const struct scope *sc, const char *id)
{
	for (size_t i = 0; i < sc->n_spaces; i++)
		if (strcmp(sc->spaces[i]->id, id) == 0)
			return sc->spaces[i];
	return NULL;
}

/* Room for the entries of map in sc's lists: 0, or -ENOMEM. */
static int
scope_alloc(struct scope *sc, const cJSON *providers, const cJSON *spaces)
{
	sc->providers = calloc((size_t)cJSON_GetArraySize(providers) + 1, sizeof(*sc->providers));
	sc->spaces = calloc((size_t)cJSON_GetArraySize(spaces) + 1, sizeof(*sc->spaces));
	return sc->providers && sc->spaces ? 0 : -ENOMEM;
}

static struct od_error *
parse_providers(struct od_zone *z, struct scope *sc, const cJSON *map, const char *what)
{
	const cJSON *p;
	struct od_error *err = NULL;

	cJSON_ArrayForEach(p, map) {
		struct od_provider_info *info = calloc(1, sizeof(*info));
		const char *name, *domain, *version = NULL;
		struct od_error *oerr;

		if (!info)
			return od_error_nomem();
		sc->providers[sc->n_providers++] = info;
		if ((err = od_json_str(p, "name", what, &name)) || (err = od_json_str(p, "domain", what, &domain)) ||
		    (err = od_json_str_opt(p, "version", what, &version, NULL)) ||
		    (err = od_json_bool(p, "online", what, &info->online)))
			return err;
		info->id = strdup(p->string);
		info->name = strdup(name);
		info->domain = strdup(domain);
		info->version = od_strdup(version);
		if (!info->id || !info->name || !info->domain || (version && !info->version))
			return od_error_nomem();
		/* A provider whose domain is unusable is listed but never called. */
		oerr = od_url_provider_origin(z->scheme, domain, &info->origin);
		if (oerr) {
			od_log(OD_LOG_WARN, "provider %s: %s", info->id, oerr->message);
			od_error_free(oerr);
		} else if (od_engine_trust_origin(z->e, info->origin) != 0) {
			return od_error_nomem();
		}
	}
	return NULL;
}

static struct od_error *
parse_spaces(struct scope *sc, bool readonly, const cJSON *map, const char *what)
{
	const cJSON *s;
	struct od_error *err;

	cJSON_ArrayForEach(s, map) {
		struct od_space *space = calloc(1, sizeof(*space));
		const cJSON *supports, *sup;
		const char *name;

		if (!space)
			return od_error_nomem();
		sc->spaces[sc->n_spaces++] = space;
		if ((err = od_json_str(s, "name", what, &name)) ||
		    (err = od_json_object(s, "supports", what, &supports)))
			return err;
		space->id = strdup(s->string);
		space->name = strdup(name);
		space->supports = calloc((size_t)cJSON_GetArraySize(supports) + 1, sizeof(*space->supports));
		if (!space->id || !space->name || !space->supports)
			return od_error_nomem();
		cJSON_ArrayForEach(sup, supports) {
			struct od_provider_info *p = find_provider(sc, sup->string);
			bool ro = false;

			if ((err = od_json_bool_opt(sup, "readonly", what, &ro, NULL)))
				return err;
			if (!p) {
				od_log(OD_LOG_WARN, "space %s names provider %s, which the zone did not describe",
				       space->id, sup->string);
				continue;
			}
			space->supports[space->n_supports].provider = p;
			space->supports[space->n_supports++].readonly = ro || readonly;
		}
	}
	if (sc->n_spaces > 1)
		qsort(sc->spaces, sc->n_spaces, sizeof(*sc->spaces), space_cmp);
	for (size_t i = 0; i < sc->n_spaces; i++) {
		const char *name = sc->spaces[i]->name;
		bool dup = (i > 0 && strcmp(sc->spaces[i - 1]->name, name) == 0) ||
			   (i + 1 < sc->n_spaces && strcmp(sc->spaces[i + 1]->name, name) == 0);
		sc->spaces[i]->name_unique = !dup;
	}
	return NULL;
}

/* Take *fresh's string when it differs from *kept's (the old one is then
 * fresh's, freed with it). */
static void
take_if_changed(char **kept, char **fresh)
{
	char *old = *kept;

	if (od_str_eq(old, *fresh))
		return;
	*kept = *fresh;
	*fresh = old;
}

/* Whether the supports of x and y name the same providers alike. */
static bool
same_supports(const struct od_space *x, const struct od_space *y)
{
	if (x->n_supports != y->n_supports)
		return false;
	for (size_t i = 0; i < x->n_supports; i++)
		if (x->supports[i].provider != y->supports[i].provider ||
		    x->supports[i].readonly != y->supports[i].readonly)
			return false;
	return true;
}

/* Make fresh, a new reading, the zone's scope: what was known already
 * is updated in place (the pointers others hold stay good), the rest is
 * kept from now on. 0, or -ENOMEM with the zone unchanged. */
static int
adopt_scope(struct od_zone *z, struct scope *fresh)
{
	struct scope *k = &z->kept;
	size_t np = k->n_providers + fresh->n_providers, ns = k->n_spaces + fresh->n_spaces;
	struct od_provider_info **pv = realloc(k->providers, (np + 1) * sizeof(*pv));
	struct od_space **sv;

	if (pv)
		k->providers = pv;
	sv = pv ? realloc(k->spaces, (ns + 1) * sizeof(*sv)) : NULL;
	if (!sv)
		return -ENOMEM;
	k->spaces = sv;
	/* Supports first point at the providers they will keep. */
	for (size_t i = 0; i < fresh->n_spaces; i++) {
		struct od_space *s = fresh->spaces[i];
		for (size_t j = 0; j < s->n_supports; j++) {
			struct od_provider_info *known = find_provider(k, s->supports[j].provider->id);
			if (known)
				s->supports[j].provider = known;
		}
	}
	for (size_t i = 0; i < fresh->n_providers; i++) {
		struct od_provider_info *p = fresh->providers[i], *known = find_provider(k, p->id);
		if (!known) {
			k->providers[k->n_providers++] = p;
			continue;
		}
		take_if_changed(&known->name, &p->name);
		take_if_changed(&known->domain, &p->domain);
		take_if_changed(&known->version, &p->version);
		take_if_changed(&known->origin, &p->origin);
		known->online = p->online;
		provider_info_done(p);
		free(p);
		fresh->providers[i] = known;
	}
	for (size_t i = 0; i < fresh->n_spaces; i++) {
		struct od_space *s = fresh->spaces[i], *known = find_space(k, s->id);
		if (!known) {
			k->spaces[k->n_spaces++] = s;
			continue;
		}
		take_if_changed(&known->name, &s->name);
		known->name_unique = s->name_unique;
		if (!same_supports(known, s)) {
			/* Other providers: which to call is chosen again. */
			struct od_support *sup = known->supports;
			known->supports = s->supports;
			known->n_supports = s->n_supports;
			s->supports = sup;
			free(known->candidates);
			known->candidates = NULL;
			known->n_candidates = known->current = 0;
			known->planned = false;
		}
		od_space_done(s);
		free(s);
		fresh->spaces[i] = known;
	}
	scope_done(&z->scope, false);
	z->scope = *fresh;
	*fresh = (struct scope){ 0 };
	return 0;
}

static struct od_error *
parse_scope(struct od_zone *z, const struct od_req *req)
{
	static const char what[] = N_("the zone's description of the token's reach");
	const cJSON *scope, *spaces, *providers;
	struct scope fresh = { 0 };
	struct od_error *err;
	int64_t valid_until = 0;
	bool readonly = false, present;
	cJSON *root;

	err = od_req_json(req, _(what), &root);
	if (err)
		return err;
	if (!(err = od_json_int_opt(root, "validUntil", _(what), &valid_until, &present))) {
		if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "dataAccessScope")))
			err = od_error_new(OD_ERR_INPUT,
					   _("this token gives no access to data (is it a provider's token?)"));
	}
	if (!err)
		err = od_json_object(root, "dataAccessScope", _(what), &scope);
	if (!err)
		err = od_json_bool_opt(scope, "readonly", _(what), &readonly, NULL);
	if (!err)
		err = od_json_object(scope, "providers", _(what), &providers);
	if (!err)
		err = od_json_object(scope, "spaces", _(what), &spaces);
	if (!err && scope_alloc(&fresh, providers, spaces) != 0)
		err = od_error_nomem();
	if (!err)
		err = parse_providers(z, &fresh, providers, _(what));
	if (!err)
		err = parse_spaces(&fresh, readonly, spaces, _(what));
	if (!err && adopt_scope(z, &fresh) != 0)
		err = od_error_nomem();
	if (!err) {
		z->valid_until = valid_until;
		z->readonly = readonly;
	}
	scope_done(&fresh, true);
	cJSON_Delete(root);
	return err;
}

static void
scope_reply(struct od_req *req, struct od_error *err, void *ud)
{
	struct zone_op *op = ud;

	op->base.req = NULL;
	if (!err)
		err = parse_scope(op->z, req);
	if (!err)
		od_log(OD_LOG_DEBUG, "the token reaches %zu spaces on %zu providers", op->z->scope.n_spaces,
		       op->z->scope.n_providers);
	op->done_fn(err, op->ud);
	free(op);
}

struct od_op *
od_zone_load_spaces(struct od_zone *z, od_done_fn *fn, void *ud)
{
	return token_call(z, "/tokens/infer_access_token_scope", scope_reply, fn, ud);
}
