/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-engine.c: the request engine against the test zone (started by
 * engine.py, which passes zone.json): retries, cancellation, redirects,
 * caps, trust; and the zone's spaces read again while in use. */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/engine.h"
#include "onetui/str.h"
#include "onetui/zone.h"
#include "tap.h"
#include "testutil.h"

static cJSON *zone;
static const char *ca, *zone_url, *control_url, *provider_url;
static char *token;

struct result {
	int calls;
	int status;
	int attempts;
	struct od_error *err;
	char *body;
	char *url;
	char *location;
};

static void
on_done(struct od_req *req, struct od_error *err, void *ud)
{
	struct result *r = ud;

	r->calls++;
	r->status = od_req_status(req);
	r->attempts = od_req_attempts(req);
	r->err = err;
	r->body = od_strdup(od_req_body(req, NULL));
	r->url = od_strdup(od_req_url(req));
	r->location = od_strdup(od_req_header(req, "location"));
}

static void
result_done(struct result *r)
{
	od_error_free(r->err);
	free(r->body);
	free(r->url);
	free(r->location);
	memset(r, 0, sizeof(*r));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct od_engine *
engine(int retries, const char *cafile)
{
	struct od_engine_opts o = { .ca_file = cafile, .max_retries = retries, .retry_base_ms = 50,
				    .retry_max_ms = 200, .max_retry_after_s = 3 };
	struct od_engine *e = NULL;
	struct od_error *err = od_engine_new(&o, &e);

	if (err) {
		diag("engine: %s", err->message);
		exit(1);
	}
	if (od_engine_set_token(e, token) != 0 || od_engine_trust_origin(e, zone_url) != 0 ||
	    od_engine_trust_origin(e, provider_url) != 0)
		exit(1);
	return e;
}

/* One request, run to completion. */
static void
run(struct od_engine *e, enum od_method m, const char *url, const char *json, bool auth, struct result *r)
{
	struct od_req *req = od_req_new(e, m, url);

	memset(r, 0, sizeof(*r));
	if (auth)
		od_req_auth(req);
	if (json && od_req_set_body(req, "application/json", json, strlen(json)) != 0)
		exit(1);
	od_req_submit(req, on_done, r);
	od_engine_run(e, NULL);
}

/* Control API calls (plain HTTP on loopback). */
static void
control(struct od_engine *e, enum od_method m, const char *path, const char *json)
{
	struct result r;
	char *url = od_asprintf("%s%s", control_url, path);

	run(e, m, url, json, false, &r);
	if (r.err || r.status >= 300)
		diag("control %s: %s", path, r.err ? r.err->message : r.body);
	result_done(&r);
	free(url);
}

static void
clear(struct od_engine *e)
{
	control(e, OD_DELETE, "/faults", NULL);
	control(e, OD_DELETE, "/redirect", NULL);
	control(e, OD_DELETE, "/requests", NULL);
}

static char *
zurl(const char *path)
{
	return od_asprintf("%s/api/v3/onezone%s", zone_url, path);
}

static void
test_basics(void)
{
	struct od_engine *e = engine(2, ca);
	char *config = zurl("/configuration"), *user = zurl("/user");
	struct result r;

	cmp_ok(od_engine_timeout(e), "==", -1, "an idle engine has nothing scheduled");
	run(e, OD_GET, config, NULL, false, &r);
	ok(r.calls == 1 && !r.err && r.status == 200, "GET of the zone's configuration");
	like(r.body, "\"name\"", "with a JSON body");
	result_done(&r);
	run(e, OD_GET, user, NULL, true, &r);
	ok(!r.err && r.status == 200 && strstr(r.body, "alice"), "the token goes to the zone");
	result_done(&r);
	run(e, OD_GET, user, NULL, false, &r);
	ok(r.err && r.status == 401 && od_error_is(r.err, "unauthorized"), "no token asked for: 401 unauthorized");
	ok(r.err && r.err->kind == OD_ERR_ONEDATA, "as a Onedata error");
	result_done(&r);
	cmp_ok(od_engine_pending(e), "==", 0, "nothing pending afterwards");
	free(config);
	free(user);
	od_engine_free(e);
}

static void
test_trust(void)
{
	struct od_engine *e = engine(0, ca);

	ok(od_engine_trusts(e, zone_url), "the zone is trusted");
	ok(!od_engine_trusts(e, "https://example.org/"), "another host is not");
	ok(od_engine_trust_origin(e, "https://zone.example.org") == 0, "an origin can be added");
	ok(od_engine_trusts(e, "https://zone.example.org:443/api"), "its default port is the same origin");
	ok(!od_engine_trusts(e, "https://zone.example.org:8443/api"), "another port is not");
	ok(!od_engine_trusts(e, "http://zone.example.org/api"), "nor plain http to it");
	ok(od_engine_trust_origin(e, "http://zone.example.org") == 0 &&
	   !od_engine_trusts(e, "http://zone.example.org/"), "plain http off loopback is never trusted");
	ok(od_engine_trust_origin(e, "not a url") != 0, "a malformed origin is refused");
	od_engine_free(e);
}

static void
test_retries(void)
{
	struct od_engine *e = engine(2, ca);
	char *config = zurl("/configuration"), *examine = zurl("/tokens/examine");
	char *body = od_asprintf("{\"token\":\"%s\"}", token);
	struct result r;
	double t0;

	clear(e);
	control(e, OD_POST, "/faults", "{\"path\":\"/configuration$\",\"status\":503,\"body\":\"error\",\"times\":2}");
	run(e, OD_GET, config, NULL, false, &r);
	ok(!r.err && r.attempts == 3, "two 503s, then success on the third attempt (%d)", r.attempts);
	result_done(&r);
	control(e, OD_POST, "/faults", "{\"path\":\"/configuration$\",\"status\":503,\"body\":\"error\"}");
	run(e, OD_GET, config, NULL, false, &r);
	ok(r.err && r.attempts == 3 && r.status == 503 && r.err->retryable,
	   "a lasting 503: three attempts, then the error (%d)", r.attempts);
	result_done(&r);
	clear(e);
	control(e, OD_POST, "/faults", "{\"path\":\"/examine$\",\"status\":500,\"body\":\"error\",\"times\":1}");
	run(e, OD_POST, examine, body, false, &r);
	ok(r.err && r.attempts == 1 && r.status == 500, "a POST that hit a 500 is not repeated");
	result_done(&r);
	control(e, OD_POST, "/faults", "{\"path\":\"/examine$\",\"status\":429,\"body\":\"none\",\"times\":1}");
	run(e, OD_POST, examine, body, false, &r);
	ok(!r.err && r.attempts == 2, "a POST refused with 429 is repeated (nothing was done)");
	result_done(&r);
	control(e, OD_POST, "/faults",
		"{\"path\":\"/configuration$\",\"status\":503,\"body\":\"error\",\"retry_after\":\"1\",\"times\":1}");
	t0 = now();
	run(e, OD_GET, config, NULL, false, &r);
	ok(!r.err && now() - t0 >= 0.95, "Retry-After: 1 waits a second (%.2f s)", now() - t0);
	result_done(&r);
	control(e, OD_POST, "/faults",
		"{\"path\":\"/configuration$\",\"status\":503,\"body\":\"error\",\"retry_after\":\"3600\",\"times\":1}");
	t0 = now();
	run(e, OD_GET, config, NULL, false, &r);
	ok(r.err && r.attempts == 1 && r.err->retry_after == 3600 && now() - t0 < 1,
	   "a Retry-After beyond the limit is not waited for");
	result_done(&r);
	clear(e);
	free(config);
	free(examine);
	free(body);
	od_engine_free(e);
}

static void
test_connect_failure(void)
{
	struct od_engine *e = engine(2, ca);
	struct od_req *req;
	struct result r;

	run(e, OD_GET, "https://127.0.0.1:1/x", NULL, false, &r);
	ok(r.err && r.err->kind == OD_ERR_NETWORK && r.attempts == 3,
	   "a refused connection is retried (%d attempts)", r.attempts);
	like(r.err ? r.err->message : NULL, "cannot connect to 127.0.0.1:1", "and named");
	result_done(&r);
	run(e, OD_POST, "https://127.0.0.1:1/x", "{}", false, &r);
	ok(r.err && r.attempts == 3, "even a POST, since nothing was sent");
	result_done(&r);
	memset(&r, 0, sizeof(r));
	req = od_req_new(e, OD_GET, "https://127.0.0.1:1/x");
	od_req_set_failover(req);
	od_req_submit(req, on_done, &r);
	od_engine_run(e, NULL);
	ok(r.err && r.attempts == 1, "with failover set, it is reported at once for another provider");
	result_done(&r);
	od_engine_free(e);
}

static void
test_tls(void)
{
	struct od_engine *e = engine(0, NULL);
	const cJSON *mismatch = cJSON_GetObjectItem(zone, "mismatch");
	char *config = zurl("/configuration"), *url;
	struct result r;

	run(e, OD_GET, config, NULL, false, &r);
	ok(r.err && r.err->kind == OD_ERR_TLS, "an unknown certificate authority is a TLS error");
	like(r.err ? r.err->message : NULL, "--cacert", "with a hint");
	result_done(&r);
	od_engine_free(e);
	e = engine(0, ca);
	url = od_asprintf("%s/api/v3/onezone/configuration", mismatch->valuestring);
	run(e, OD_GET, url, NULL, false, &r);
	ok(r.err && r.err->kind == OD_ERR_TLS, "a certificate for another name is a TLS error");
	result_done(&r);
	od_engine_free(e);
	e = engine(0, "/nonexistent/ca.pem");
	run(e, OD_GET, config, NULL, false, &r);
	ok(r.err && r.err->kind == OD_ERR_TLS, "a CA file that cannot be read is reported");
	result_done(&r);
	free(url);
	free(config);
	od_engine_free(e);
}

static void
test_cancel(void)
{
	struct od_engine *e = engine(2, ca);
	char *config = zurl("/configuration");
	struct od_req *req;
	struct result r = { 0 };

	clear(e);
	control(e, OD_POST, "/faults", "{\"path\":\"/configuration$\",\"slow_body_bps\":20}");
	req = od_req_new(e, OD_GET, config);
	od_req_submit(req, on_done, &r);
	for (int i = 0; i < 20; i++) {
		od_engine_wait(e, NULL, 0, 20);
		od_engine_perform(e);
	}
	ok(r.calls == 0, "a slow request is still running");
	od_req_cancel(req);
	ok(r.calls == 0, "cancelling does not call back at once");
	od_engine_perform(e);
	ok(r.calls == 1 && r.err && r.err->kind == OD_ERR_CANCELLED, "the callback says cancelled");
	cmp_ok(od_engine_pending(e), "==", 0, "nothing pending");
	result_done(&r);

	req = od_req_new(e, OD_GET, config);
	od_req_cancel(req);
	ok(1, "an unsubmitted request can be dropped");

	req = od_req_new(e, OD_GET, config);
	od_req_fail(req, od_error_new(OD_ERR_INPUT, "early"), on_done, &r);
	ok(r.calls == 0, "a failed request does not call back at once");
	cmp_ok(od_engine_timeout(e), "==", 0, "the engine has work to do right away");
	od_engine_perform(e);
	ok(r.calls == 1 && r.err && !strcmp(r.err->message, "early"), "it calls back from perform");
	result_done(&r);

	req = od_req_new(e, OD_GET, config);
	od_req_submit(req, on_done, &r);
	od_engine_free(e);
	ok(r.calls == 1 && r.err && r.err->kind == OD_ERR_CANCELLED, "freeing the engine cancels what runs");
	result_done(&r);
	e = engine(0, ca);
	clear(e);
	od_engine_free(e);
	free(config);
}

static void
test_limits_and_redirects(void)
{
	struct od_engine *e = engine(0, ca);
	char *config = zurl("/configuration"), *examine = zurl("/tokens/examine");
	struct od_req *req;
	struct result r = { 0 };

	req = od_req_new(e, OD_GET, config);
	od_req_set_max_body(req, 16);
	od_req_submit(req, on_done, &r);
	od_engine_run(e, NULL);
	ok(r.err && r.err->kind == OD_ERR_INPUT, "a reply over the size cap is an error");
	like(r.err ? r.err->message : NULL, "larger than", "saying so");
	result_done(&r);

	clear(e);
	control(e, OD_POST, "/redirect", "{\"service\":\"zone\",\"path\":\"/configuration$\",\"to\":\"zone\",\"status\":302}");
	run(e, OD_GET, config, NULL, false, &r);
	ok(r.err && r.err->status == 302, "a redirect loop ends");
	like(r.err ? r.err->message : NULL, "too many or invalid redirects", "with a message");
	result_done(&r);
	clear(e);

	control(e, OD_POST, "/redirect",
		"{\"service\":\"zone\",\"path\":\"/tokens/examine$\",\"to\":\"zone\",\"status\":303,\"times\":1}");
	run(e, OD_POST, examine, "{}", false, &r);
	ok(r.attempts == 2 && r.status != 303, "a 303 is followed (the zone answered %d)", r.status);
	result_done(&r);
	{
		char *log_url = od_asprintf("%s/requests", control_url);
		cJSON *log, *q;
		const char *methods[2] = { NULL, NULL };
		int n = 0;

		run(e, OD_GET, log_url, NULL, false, &r);
		log = cJSON_Parse(r.body);
		cJSON_ArrayForEach(q, log) {
			const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(q, "path"));
			if (path && strstr(path, "/tokens/examine") && n < 2)
				methods[n++] = cJSON_GetStringValue(cJSON_GetObjectItem(q, "method"));
		}
		ok(n == 2 && od_str_eq(methods[0], "POST") && od_str_eq(methods[1], "GET"),
		   "the POST became a GET, as after any 303");
		cJSON_Delete(log);
		result_done(&r);
		free(log_url);
	}
	clear(e);
	free(config);
	free(examine);
	od_engine_free(e);
}

static void
test_many(void)
{
	struct od_engine *e = engine(2, ca);
	char *url = od_asprintf("%s/api/v3/oneprovider/configuration", provider_url);
	struct result r[64];
	int good = 0;

	memset(r, 0, sizeof(r));
	for (int i = 0; i < 64; i++) {
		struct od_req *req = od_req_new(e, OD_GET, url);
		od_req_submit(req, on_done, &r[i]);
	}
	cmp_ok(od_engine_pending(e), "==", 64, "64 requests in flight");
	od_engine_run(e, NULL);
	for (int i = 0; i < 64; i++) {
		good += r[i].calls == 1 && !r[i].err && r[i].status == 200;
		result_done(&r[i]);
	}
	cmp_ok(good, "==", 64, "all 64 completed, once each");
	free(url);
	od_engine_free(e);
}

static void
on_scope(struct od_error *err, void *ud)
{
	*(struct od_error **)ud = err;
}

/* Read the token's spaces again; the error, or NULL. */
static struct od_error *
load_scope(struct od_engine *e, struct od_zone *z)
{
	struct od_error *err = NULL;

	if (!od_zone_load_spaces(z, on_scope, &err))
		exit(1);
	od_engine_run(e, NULL);
	return err;
}

static struct od_space *
space_by_id(struct od_zone *z, const char *id)
{
	for (size_t i = 0; i < od_zone_space_count(z); i++)
		if (strcmp(od_zone_space(z, i)->id, id) == 0)
			return od_zone_space(z, i);
	return NULL;
}

/* One request as alice; the reply's JSON (NULL when not 2xx). */
static cJSON *
as_alice(struct od_engine *e, enum od_method m, const char *path, const char *json)
{
	char *url = zurl(path);
	struct result r;
	cJSON *reply = NULL;

	run(e, m, url, json, true, &r);
	if (!r.err && r.status < 300)
		reply = r.body && *r.body ? cJSON_Parse(r.body) : cJSON_CreateObject();
	else
		diag("%s: %s", path, r.err ? r.err->message : r.body);
	result_done(&r);
	free(url);
	return reply;
}

/* A space joined, renamed and left while the interface holds pointers
 * to the spaces: reading them again keeps every pointer good. dave, who
 * has no space, is the zone's user; alice makes the space and invites
 * him. */
static void
test_scope_again(void)
{
	struct od_engine *e = engine(0, ca), *ed = engine(0, ca);
	const char *dave = cJSON_GetObjectItem(cJSON_GetObjectItem(zone, "tokens"), "dave")->valuestring;
	const char *dave_id = cJSON_GetObjectItem(cJSON_GetObjectItem(zone, "users"), "dave")->valuestring;
	struct od_zone *z = NULL;
	struct od_space *joined;
	struct od_error *err = NULL;
	struct result r;
	cJSON *reply;
	char *id = NULL, *path, *json, *url;

	clear(e);
	if (od_engine_set_token(ed, dave) != 0 || (err = od_zone_new(ed, zone_url, NULL, &z)) ||
	    (err = load_scope(ed, z))) {
		diag("zone: %s", err ? err->message : "no memory");
		exit(1);
	}
	ok(od_zone_space_count(z) == 0, "dave has no space");

	/* alice makes a space (its id: the end of Location) and invites dave. */
	url = zurl("/user/spaces");
	run(e, OD_POST, url, "{\"name\":\"Scope test space\"}", true, &r);
	free(url);
	if (r.location && strrchr(r.location, '/'))
		id = od_strdup(strrchr(r.location, '/') + 1);
	result_done(&r);
	json = od_asprintf("{\"type\":{\"inviteToken\":{\"inviteType\":\"userJoinSpace\",\"spaceId\":\"%s\"}},"
			   "\"caveats\":[{\"type\":\"time\",\"validUntil\":%lld}]}",
			   id ? id : "none", (long long)time(NULL) + 600);
	reply = as_alice(e, OD_POST, "/user/tokens/temporary", json);
	free(json);
	json = od_asprintf("{\"token\":\"%s\"}", cJSON_GetStringValue(cJSON_GetObjectItem(reply, "token")));
	cJSON_Delete(reply);
	url = zurl("/user/spaces/join");
	run(ed, OD_POST, url, json, true, &r);
	ok(r.status == 201, "dave joins alice's new space");
	result_done(&r);
	free(url);
	free(json);

	err = load_scope(ed, z);
	joined = id ? space_by_id(z, id) : NULL;
	ok(!err && od_zone_space_count(z) == 1 && joined && strcmp(joined->name, "Scope test space") == 0,
	   "read again, the joined space is listed under its name");
	od_error_free(err);

	path = od_asprintf("/spaces/%s", id ? id : "none");
	cJSON_Delete(as_alice(e, OD_PATCH, path, "{\"name\":\"Scope test renamed\"}"));
	err = load_scope(ed, z);
	ok(!err && joined && space_by_id(z, id) == joined && strcmp(joined->name, "Scope test renamed") == 0,
	   "a renamed space keeps its address and has its new name");
	od_error_free(err);

	control(e, OD_POST, "/faults", "{\"path\":\"/infer_access_token_scope$\",\"status\":500,\"body\":\"error\"}");
	err = load_scope(ed, z);
	ok(err && od_zone_space_count(z) == 1 && space_by_id(z, id ? id : "none") == joined,
	   "a failed reading leaves the last one as it was");
	od_error_free(err);
	clear(e);

	free(path);
	path = od_asprintf("/spaces/%s/users/%s", id ? id : "none", dave_id);
	cJSON_Delete(as_alice(e, OD_DELETE, path, NULL));
	err = load_scope(ed, z);
	ok(!err && od_zone_space_count(z) == 0 && joined && strcmp(joined->name, "Scope test renamed") == 0,
	   "a space no longer reached is unlisted, and what pointed to it still reads it");
	od_error_free(err);

	free(path);
	free(id);
	od_zone_free(z);
	od_engine_free(ed);
	od_engine_free(e);
}

int
main(int argc, char **argv)
{
	char *text;
	const cJSON *p;

	if (argc != 2 || !(text = slurp(argv[1])) || !(zone = cJSON_Parse(text))) {
		plan_skip_all("no zone.json given (run through engine.py)");
		return 0;
	}
	free(text);
	ca = cJSON_GetObjectItem(zone, "ca")->valuestring;
	zone_url = cJSON_GetObjectItem(cJSON_GetObjectItem(zone, "zone"), "url")->valuestring;
	control_url = cJSON_GetObjectItem(zone, "control")->valuestring;
	token = cJSON_GetObjectItem(cJSON_GetObjectItem(zone, "tokens"), "alice")->valuestring;
	p = cJSON_GetObjectItem(zone, "providers")->child;
	provider_url = cJSON_GetObjectItem(p, "url")->valuestring;

	test_basics();
	test_trust();
	test_retries();
	test_connect_failure();
	test_tls();
	test_cancel();
	test_limits_and_redirects();
	test_many();
	test_scope_again();
	cJSON_Delete(zone);
	return done_testing();
}
