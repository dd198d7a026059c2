/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-error.c: unit tests for building and describing errors. */
#include "config.h"

#include "onetui/error.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/str.h"

#include "tap.h"

static struct od_error *
from(int status, const char *body)
{
	return od_error_from_response(status, body, body ? strlen(body) : 0);
}

static void
test_new(void)
{
	struct od_error *err;

	err = od_error_new(OD_ERR_INPUT, "bad %s number %d", "port", 7);
	ok(err != NULL, "od_error_new: not NULL");
	is(err->message, "bad port number 7", "od_error_new: formatted message");
	ok(err->kind == OD_ERR_INPUT, "od_error_new: kind");
	ok(err->status == 0 && err->sys_errno == 0 && !err->id && !err->cause_id &&
	   !err->description && !err->details && !err->retryable,
	   "od_error_new: other fields clear");
	cmp_ok(err->retry_after, "==", -1, "od_error_new: retry_after -1");
	ok(!od_error_is_auth(err), "od_error_new: not an auth error");
	ok(!od_error_is(err, "posix"), "od_error_new: od_error_is false without an id");
	od_error_prefix(err, "Cannot open %s", "x.conf");
	is(err->message, "Cannot open x.conf: bad port number 7", "od_error_prefix: prepends");
	od_error_prefix(err, "Outer");
	is(err->message, "Outer: Cannot open x.conf: bad port number 7",
	   "od_error_prefix: twice nests");
	od_error_free(err);

	err = od_error_new(OD_ERR_NETWORK, "%s", "");
	is(err->message, "", "od_error_new: empty message");
	od_error_free(err);

	err = od_error_errno(OD_ERR_IO, ENOENT, "cannot open %s", "/nonexistent");
	ok(err->kind == OD_ERR_IO && err->sys_errno == ENOENT, "od_error_errno: kind and errno");
	{
		char want[256];

		snprintf(want, sizeof(want), "cannot open /nonexistent: %s", strerror(ENOENT));
		is(err->message, want, "od_error_errno: message ends with strerror");
	}
	od_error_free(err);
	err = od_error_errno(OD_ERR_INPUT, EACCES, "token");
	ok(err->kind == OD_ERR_INPUT && err->sys_errno == EACCES,
	   "od_error_errno: another kind is kept");
	od_error_free(err);

	od_error_free(NULL);
	od_error_prefix(NULL, "x");
	ok(!od_error_is(NULL, "x") && !od_error_is_auth(NULL), "NULL error: harmless everywhere");
}

static void
test_nomem(void)
{
	struct od_error *a = od_error_nomem(), *b = od_error_nomem();

	ok(a != NULL && a == b, "od_error_nomem: one static error");
	ok(a->kind == OD_ERR_INTERNAL, "od_error_nomem: kind internal");
	is(a->message, "out of memory", "od_error_nomem: message");
	cmp_ok(a->retry_after, "==", -1, "od_error_nomem: retry_after -1");
	od_error_prefix(a, "Cannot list %s", "x");
	is(a->message, "out of memory", "od_error_nomem: prefix is a no-op");
	od_error_free(a);
	od_error_free(a);
	is(od_error_nomem()->message, "out of memory", "od_error_nomem: free is harmless");
	is(od_error_kind_name(a->kind), "internal", "od_error_nomem: kind name");
}

static void
test_kind_names(void)
{
	static const struct {
		enum od_error_kind kind;
		const char *name;
	} kinds[] = {
		{ OD_ERR_NETWORK, "network" },
		{ OD_ERR_TLS, "tls" },
		{ OD_ERR_HTTP, "http" },
		{ OD_ERR_ONEDATA, "onedata" },
		{ OD_ERR_POSIX, "posix" },
		{ OD_ERR_IO, "io" },
		{ OD_ERR_INPUT, "input" },
		{ OD_ERR_CANCELLED, "cancelled" },
		{ OD_ERR_INTERNAL, "internal" },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(kinds); i++)
		is(od_error_kind_name(kinds[i].kind), kinds[i].name, "od_error_kind_name: %s",
		   kinds[i].name);
	is(od_error_kind_name((enum od_error_kind)99), "unknown", "od_error_kind_name: out of range");
}

static void
test_id_message(void)
{
	const char *m;

	m = od_error_id_message("notFound");
	like(m, "not found", "od_error_id_message: notFound");
	m = od_error_id_message("tokenRevoked");
	like(m, "revoked", "od_error_id_message: tokenRevoked");
	ok(od_error_id_message("posix") != NULL, "od_error_id_message: posix is known");
	ok(od_error_id_message("noSuchErrorId") == NULL, "od_error_id_message: unknown id is NULL");
	ok(od_error_id_message("notfound") == NULL, "od_error_id_message: ids are case-sensitive");
	ok(od_error_id_message("") == NULL, "od_error_id_message: empty id is NULL");
	ok(od_error_id_message(NULL) == NULL, "od_error_id_message: NULL is NULL");
}

/* Responses without a Onedata error body. */
static void
test_plain_http(void)
{
	static const struct {
		int status;
		const char *re;
		bool retryable;
	} statuses[] = {
		{ 400, "^the server rejected the request as invalid \\(HTTP 400\\)$", false },
		{ 401, "access token \\(HTTP 401\\)$", false },
		{ 403, "^permission denied \\(HTTP 403\\)$", false },
		{ 404, "^not found \\(HTTP 404\\)$", false },
		{ 405, "\\(HTTP 405\\)$", false },
		{ 409, "conflict.*\\(HTTP 409\\)$", false },
		{ 413, "too large.*\\(HTTP 413\\)$", false },
		{ 429, "too many requests.*\\(HTTP 429\\)$", true },
		{ 500, "^internal server error \\(HTTP 500\\)$", true },
		{ 501, "does not implement.*\\(HTTP 501\\)$", false },
		{ 502, "bad gateway.*\\(HTTP 502\\)$", true },
		{ 503, "temporarily unavailable \\(HTTP 503\\)$", true },
		{ 504, "gateway timeout.*\\(HTTP 504\\)$", true },
		{ 418, "HTTP( status)? 418", false },
		{ 599, "HTTP( status)? 599", true },
	};
	static const struct {
		const char *name, *body;
	} bodies[] = {
		{ "no body", NULL },
		{ "empty body", "" },
		{ "HTML", "<html><head><title>404 Not Found</title></head><body>nginx</body></html>" },
		{ "plain text", "Not Found" },
		{ "truncated JSON", "{\"error\":{\"id\":\"notFound\",\"descr" },
		{ "JSON array", "[{\"error\":{\"id\":\"notFound\"}}]" },
		{ "JSON string", "\"error\"" },
		{ "error is a number", "{\"error\": 5}" },
		{ "error is null", "{\"error\": null}" },
		{ "error is an empty string", "{\"error\": \"\"}" },
		{ "error object without id", "{\"error\":{\"description\":\"x\"}}" },
		{ "error id is empty", "{\"error\":{\"id\":\"\"}}" },
		{ "error id is a number", "{\"error\":{\"id\":404}}" },
		{ "other JSON object", "{\"status\":\"fail\"}" },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(statuses); i++) {
		struct od_error *err = from(statuses[i].status, NULL);

		ok(err->kind == OD_ERR_HTTP && err->status == statuses[i].status,
		   "HTTP %d without body: kind http, status kept", statuses[i].status);
		like(err->message, statuses[i].re, "HTTP %d without body: message",
		     statuses[i].status);
		ok(err->retryable == statuses[i].retryable, "HTTP %d: %sretryable",
		   statuses[i].status, statuses[i].retryable ? "" : "not ");
		ok(!err->id && !err->cause_id && !err->description && err->retry_after == -1,
		   "HTTP %d without body: no id or description, retry_after -1",
		   statuses[i].status);
		od_error_free(err);
	}
	for (i = 0; i < OD_ARRAY_SIZE(bodies); i++) {
		struct od_error *err = from(404, bodies[i].body);

		ok(err->kind == OD_ERR_HTTP && err->status == 404 && !err->id &&
		   od_str_eq(err->message, "not found (HTTP 404)"),
		   "404 with %s: a plain HTTP error", bodies[i].name);
		if (err->kind != OD_ERR_HTTP || !od_str_eq(err->message, "not found (HTTP 404)"))
			diag("kind %s, message '%s'", od_error_kind_name(err->kind), err->message);
		od_error_free(err);
	}
	{
		struct od_error *err = from(401, NULL);

		ok(od_error_is_auth(err), "401 without body: od_error_is_auth");
		od_error_free(err);
		err = from(403, NULL);
		ok(!od_error_is_auth(err), "403 without body: not an auth error");
		od_error_free(err);
	}
	{
		/* the body length is honoured: the JSON beyond len is not read */
		static const char body[] = "{\"error\":{\"id\":\"notFound\"}}";
		struct od_error *err = od_error_from_response(404, body, 10);

		ok(err->kind == OD_ERR_HTTP, "body cut by len: not parsed beyond it");
		od_error_free(err);
	}
}

static void
test_posix(void)
{
	struct od_error *err;

	err = from(400, "{\"error\":{\"id\":\"posix\",\"description\":\"Operation failed with POSIX "
			"error: enoent.\",\"details\":{\"errno\":\"enoent\"}}}");
	ok(err->kind == OD_ERR_POSIX, "posix enoent: kind posix");
	cmp_ok(err->sys_errno, "==", ENOENT, "posix enoent: sys_errno ENOENT");
	is(err->message, strerror(ENOENT), "posix enoent: message is strerror(ENOENT)");
	is(err->id, "posix", "posix enoent: id");
	ok(err->description && strstr(err->description, "POSIX error: enoent"),
	   "posix enoent: description kept");
	is(err->details, "{\"errno\":\"enoent\"}", "posix enoent: details as compact JSON");
	ok(err->status == 400 && !err->retryable, "posix enoent: status 400, not retryable");
	ok(od_error_is(err, "posix") && !od_error_is(err, "notFound"), "posix enoent: od_error_is");
	ok(!od_error_is_auth(err), "posix enoent: not an auth error");
	od_error_free(err);

	{
		static const struct {
			const char *name;
			int value;
		} names[] = {
			{ "eacces", EACCES }, { "eexist", EEXIST }, { "enotempty", ENOTEMPTY },
			{ "eperm", EPERM }, { "enospc", ENOSPC }, { "einval", EINVAL },
			{ "enotdir", ENOTDIR }, { "eisdir", EISDIR }, { "edquot", EDQUOT },
		};
		size_t i;

		for (i = 0; i < OD_ARRAY_SIZE(names); i++) {
			char body[200];

			snprintf(body, sizeof(body),
				 "{\"error\":{\"id\":\"posix\",\"details\":{\"errno\":\"%s\"}}}",
				 names[i].name);
			err = from(400, body);
			ok(err->kind == OD_ERR_POSIX && err->sys_errno == names[i].value &&
			   od_str_eq(err->message, strerror(names[i].value)),
			   "posix %s: errno and message", names[i].name);
			od_error_free(err);
		}
	}

	err = from(400, "{\"error\":{\"id\":\"posix\",\"details\":{\"errno\":\"ewhatever\"}}}");
	ok(err->kind == OD_ERR_POSIX && err->sys_errno == 0, "posix unknown errno: sys_errno 0");
	is(err->message, "file-system error ewhatever", "posix unknown errno: message names it");
	od_error_free(err);

	err = from(400, "{\"error\":{\"id\":\"posix\",\"details\":{\"errno\":\"ENOENT\"}}}");
	ok(err->kind == OD_ERR_POSIX && err->sys_errno == 0,
	   "posix upper-case errno name is not matched");
	od_error_free(err);

	err = from(400, "{\"error\":{\"id\":\"posix\"}}");
	ok(err->kind == OD_ERR_POSIX && err->sys_errno == 0, "posix without details");
	is(err->message, "file-system error ?", "posix without details: message");
	ok(err->details == NULL, "posix without details: details NULL");
	od_error_free(err);

	err = from(400, "{\"error\":{\"id\":\"posix\",\"details\":{\"errno\":2}}}");
	ok(err->kind == OD_ERR_POSIX && err->sys_errno == 0, "posix with a numeric errno: ignored");
	is(err->message, "file-system error ?", "posix with a numeric errno: message");
	od_error_free(err);
}

static void
test_auth(void)
{
	struct od_error *err;

	err = from(401, "{\"error\":{\"id\":\"unauthorized\",\"description\":\"You must "
			"authenticate yourself to perform this operation.\",\"details\":{\"authError\":"
			"{\"id\":\"tokenRevoked\",\"description\":\"Provided token has been "
			"revoked.\"}}}}");
	ok(err->kind == OD_ERR_ONEDATA, "unauthorized/tokenRevoked: kind onedata");
	is(err->id, "unauthorized", "unauthorized/tokenRevoked: id");
	is(err->cause_id, "tokenRevoked", "unauthorized/tokenRevoked: cause_id");
	ok(od_error_is(err, "unauthorized") && od_error_is(err, "tokenRevoked"),
	   "unauthorized/tokenRevoked: od_error_is matches both");
	ok(!od_error_is(err, "tokenInvalid"), "unauthorized/tokenRevoked: not another id");
	ok(od_error_is_auth(err), "unauthorized/tokenRevoked: od_error_is_auth");
	is(err->message, od_error_id_message("tokenRevoked"),
	   "unauthorized/tokenRevoked: message of the cause");
	cmp_ok(err->sys_errno, "==", EINVAL, "unauthorized/tokenRevoked: errno of the cause");
	ok(!err->retryable, "unauthorized/tokenRevoked: not retryable");
	od_error_free(err);

	err = from(401, "{\"error\":{\"id\":\"unauthorized\"}}");
	is(err->message, od_error_id_message("unauthorized"), "unauthorized alone: its message");
	ok(err->cause_id == NULL && err->sys_errno == EACCES, "unauthorized alone: no cause, EACCES");
	ok(od_error_is_auth(err), "unauthorized alone: od_error_is_auth");
	od_error_free(err);

	/* the id alone makes it an auth error, whatever the status */
	err = from(400, "{\"error\":{\"id\":\"tokenInvalid\"}}");
	ok(od_error_is_auth(err), "tokenInvalid with 400: od_error_is_auth");
	od_error_free(err);
	err = from(400, "{\"error\":{\"id\":\"badToken\"}}");
	ok(od_error_is_auth(err), "badToken: od_error_is_auth");
	od_error_free(err);
	err = from(403, "{\"error\":{\"id\":\"forbidden\"}}");
	ok(!od_error_is_auth(err) && err->sys_errno == EACCES, "forbidden: not auth, EACCES");
	like(err->message, "privilege", "forbidden: its message");
	od_error_free(err);

	/* badValueToken wraps its cause in tokenError */
	err = from(400, "{\"error\":{\"id\":\"badValueToken\",\"details\":{\"key\":\"token\","
			"\"tokenError\":{\"id\":\"badToken\"}}}}");
	is(err->cause_id, "badToken", "badValueToken/tokenError: cause_id");
	like(err->message, "garbled.*\\(parameter \"token\"\\)$",
	     "badValueToken/tokenError: cause's message and the parameter");
	od_error_free(err);

	/* authError that is not an object is ignored */
	err = from(401, "{\"error\":{\"id\":\"unauthorized\",\"details\":{\"authError\":\"x\"}}}");
	ok(err->cause_id == NULL, "authError as a string: no cause");
	od_error_free(err);
	err = from(401, "{\"error\":{\"id\":\"unauthorized\",\"details\":{\"authError\":{}}}}");
	ok(err->cause_id == NULL, "authError without id: no cause");
	is(err->message, od_error_id_message("unauthorized"), "authError without id: message");
	od_error_free(err);
}

static void
test_caveat(void)
{
	struct od_error *err;

	/* wrapped in unauthorized, as the REST API sends it */
	err = from(401, "{\"error\":{\"id\":\"unauthorized\",\"details\":{\"authError\":"
			"{\"id\":\"tokenCaveatUnverified\",\"details\":{\"caveat\":"
			"{\"type\":\"time\",\"validUntil\":1700000000}}}}}}");
	is(err->cause_id, "tokenCaveatUnverified", "caveat: cause_id");
	like(err->message, "restrictions.* \\(it expired at 2023-11-14T22:13:20Z\\)$",
	     "caveat: message mentions the expiry time");
	ok(od_error_is_auth(err), "caveat: od_error_is_auth");
	od_error_free(err);

	/* on its own */
	err = from(400, "{\"error\":{\"id\":\"tokenCaveatUnverified\",\"details\":{\"caveat\":"
			"{\"type\":\"time\",\"validUntil\":0}}}}");
	like(err->message, "\\(it expired at 1970-01-01T00:00:00Z\\)$",
	     "caveat unwrapped: expiry time from its own details");
	ok(od_error_is_auth(err), "caveat unwrapped: od_error_is_auth (token* id)");
	od_error_free(err);

	err = from(401, "{\"error\":{\"id\":\"unauthorized\",\"details\":{\"authError\":"
			"{\"id\":\"tokenCaveatUnverified\",\"details\":{\"caveat\":"
			"{\"type\":\"ip\",\"whitelist\":[\"10.0.0.0/8\"]}}}}}}");
	like(err->message, "\\(its \"ip\" caveat does not allow this\\)$",
	     "caveat of another type: named");
	od_error_free(err);

	err = from(401, "{\"error\":{\"id\":\"unauthorized\",\"details\":{\"authError\":"
			"{\"id\":\"tokenCaveatUnverified\"}}}}");
	is(err->message, od_error_id_message("tokenCaveatUnverified"),
	   "caveat without details: plain message");
	od_error_free(err);

	err = from(401, "{\"error\":{\"id\":\"unauthorized\",\"details\":{\"authError\":"
			"{\"id\":\"tokenCaveatUnverified\",\"details\":{\"caveat\":"
			"{\"type\":\"time\",\"validUntil\":\"soon\"}}}}}}");
	like(err->message, "\\(its \"time\" caveat does not allow this\\)$",
	     "time caveat with a non-numeric validUntil: no bogus time");
	od_error_free(err);
}

static void
test_details(void)
{
	struct od_error *err;

	err = from(400, "{\"error\":{\"id\":\"badValueNotInRange\",\"description\":\"Bad value: "
			"provided \\\"size\\\" must be between 0 and 10.\",\"details\":{\"key\":\"size\","
			"\"low\":0,\"high\":10}}}");
	ok(err->kind == OD_ERR_ONEDATA && err->sys_errno == EINVAL,
	   "badValueNotInRange: kind onedata, EINVAL");
	like(err->message, "outside the permitted range \\(parameter \"size\"\\)$",
	     "badValueNotInRange: message names the parameter");
	like(err->details, "\"key\":\"size\"", "badValueNotInRange: details kept");
	od_error_free(err);

	err = from(500, "{\"error\":{\"id\":\"internalServerError\",\"details\":"
			"{\"reference\":\"ab12cd34ef\"}}}");
	like(err->message, "\\(reference ab12cd34ef\\)$",
	     "internalServerError: message shows the reference");
	ok(err->retryable && err->status == 500, "internalServerError: retryable");
	od_error_free(err);

	err = from(500, "{\"error\":{\"id\":\"internalServerError\"}}");
	is(err->message, od_error_id_message("internalServerError"),
	   "internalServerError without reference: plain message");
	od_error_free(err);

	err = from(404, "{\"error\":{\"id\":\"notFound\",\"description\":\"The resource could not "
			"be found.\"}}");
	ok(err->kind == OD_ERR_ONEDATA && err->sys_errno == ENOENT && od_error_is(err, "notFound"),
	   "notFound: kind, errno, id");
	is(err->message, od_error_id_message("notFound"), "notFound: our message, not theirs");
	is(err->description, "The resource could not be found.", "notFound: description kept");
	ok(err->details == NULL, "notFound: no details");
	od_error_free(err);

	err = from(400, "{\"error\":{\"id\":\"someFutureError\",\"description\":\"Something "
			"new went wrong.\"}}");
	ok(err->kind == OD_ERR_ONEDATA && err->sys_errno == 0, "unknown id: kind onedata, errno 0");
	is(err->message, "the server reported: Something new went wrong.",
	   "unknown id: the description is shown");
	is(err->id, "someFutureError", "unknown id: id kept");
	od_error_free(err);

	err = from(400, "{\"error\":{\"id\":\"someFutureError\"}}");
	is(err->message, "the server reported error \"someFutureError\"",
	   "unknown id without description: the id is shown");
	od_error_free(err);

	err = from(503, "{\"error\":{\"id\":\"serviceUnavailable\"}}");
	ok(err->retryable && err->sys_errno == EAGAIN, "serviceUnavailable: retryable, EAGAIN");
	od_error_free(err);

	err = from(400, "{\"error\":{\"id\":\"badValueNotInRange\",\"details\":{\"key\":5}}}");
	is(err->message, od_error_id_message("badValueNotInRange"),
	   "details.key not a string: ignored");
	od_error_free(err);
}

static void
test_stale_shape(void)
{
	struct od_error *err;

	err = from(401, "{\"error\":\"invalid_token\",\"error_description\":\"The access token "
			"expired\"}");
	ok(err->kind == OD_ERR_ONEDATA, "stale shape: parsed");
	is(err->id, "invalid_token", "stale shape: id from the string");
	is(err->description, "The access token expired", "stale shape: error_description");
	is(err->message, "the server reported: The access token expired",
	   "stale shape: message shows the description");
	ok(od_error_is_auth(err), "stale shape with 401: od_error_is_auth");
	od_error_free(err);

	err = from(400, "{\"error\":\"notFound\"}");
	is(err->message, od_error_id_message("notFound"), "stale shape with a known id: our message");
	ok(err->description == NULL && err->details == NULL, "stale shape: no description, details");
	od_error_free(err);

	err = from(400, "{\"error\":\"weird\",\"error_description\":7}");
	is(err->message, "the server reported error \"weird\"",
	   "stale shape, non-string description: the id is shown");
	od_error_free(err);
}

/* Retrying is decided by the status, whatever the body says. */
static void
test_retryable(void)
{
	static const struct {
		int status;
		bool want;
	} cases[] = {
		{ 400, false }, { 401, false }, { 403, false }, { 404, false }, { 409, false },
		{ 429, true }, { 500, true }, { 501, false }, { 502, true }, { 503, true },
		{ 504, true },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		struct od_error *err = from(cases[i].status, "{\"error\":{\"id\":\"x\"}}");

		ok(err->retryable == cases[i].want, "status %d with a Onedata body: %sretryable",
		   cases[i].status, cases[i].want ? "" : "not ");
		od_error_free(err);
	}
}

int
main(void)
{
	test_new();
	test_nomem();
	test_kind_names();
	test_id_message();
	test_plain_http();
	test_posix();
	test_auth();
	test_caveat();
	test_details();
	test_stale_shape();
	test_retryable();
	return done_testing();
}
