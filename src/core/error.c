/* SPDX-License-Identifier: GPL-3.0-or-later */
/* error.c: building, describing and freeing struct od_error. */
#include "config.h"

#include "onetui/error.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/str.h"

struct errdef {
	const char *id;
	int status;
	int sys_errno;
	const char *message;
};

static const struct errdef errdefs[] = {
#define OD_ERRDEF(id, status, errnum, message) { #id, status, errnum, message },
#include "errors.def"
#undef OD_ERRDEF
};

/* Onedata sends POSIX errors by their lower-case names. */
static const struct {
	const char *name;
	int value;
} errno_names[] = {
	{ "e2big", E2BIG }, { "eacces", EACCES }, { "eagain", EAGAIN }, { "ealready", EALREADY },
	{ "ebadf", EBADF }, { "ebusy", EBUSY }, { "ecanceled", ECANCELED },
	{ "econnrefused", ECONNREFUSED }, { "edeadlk", EDEADLK }, { "edquot", EDQUOT },
	{ "eexist", EEXIST }, { "efault", EFAULT }, { "efbig", EFBIG }, { "eintr", EINTR },
	{ "einval", EINVAL }, { "eio", EIO }, { "eisdir", EISDIR }, { "eloop", ELOOP },
	{ "emfile", EMFILE }, { "emlink", EMLINK }, { "emsgsize", EMSGSIZE },
	{ "enametoolong", ENAMETOOLONG }, { "enfile", ENFILE }, { "enodata", ENODATA },
	{ "enodev", ENODEV }, { "enoent", ENOENT }, { "enomem", ENOMEM }, { "enospc", ENOSPC },
	{ "enosys", ENOSYS }, { "enotconn", ENOTCONN }, { "enotdir", ENOTDIR },
	{ "enotempty", ENOTEMPTY }, { "enotsup", ENOTSUP }, { "enxio", ENXIO },
	{ "eopnotsupp", EOPNOTSUPP }, { "eperm", EPERM }, { "erange", ERANGE },
	{ "erofs", EROFS }, { "espipe", ESPIPE }, { "estale", ESTALE }, { "etimedout", ETIMEDOUT },
	{ "etxtbsy", ETXTBSY }, { "exdev", EXDEV },
};

static struct od_error oom_error = { .kind = OD_ERR_INTERNAL, .retry_after = -1 };

struct od_error *
od_error_nomem(void)
{
	oom_error.message = (char *)_("out of memory");
	return &oom_error;
}

static struct od_error *
error_alloc(enum od_error_kind kind, char *message)
{
	struct od_error *err;

	if (!message)
		return od_error_nomem();
	err = calloc(1, sizeof(*err));
	if (!err) {
		free(message);
		return od_error_nomem();
	}
	err->kind = kind;
	err->message = message;
	err->retry_after = -1;
	return err;
}

static char *vformat(const char *fmt, va_list ap) OD_PRINTF(1, 0);

static char *
vformat(const char *fmt, va_list ap)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_vaddf(&b, fmt, ap) != 0) {
		od_buf_done(&b);
		return NULL;
	}
	return od_buf_steal(&b);
}

struct od_error *
od_error_new(enum od_error_kind kind, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	return error_alloc(kind, msg);
}

struct od_error *
od_error_errno(enum od_error_kind kind, int errnum, const char *fmt, ...)
{
	struct od_error *err;
	va_list ap;
	char *what;

	va_start(ap, fmt);
	what = vformat(fmt, ap);
	va_end(ap);
	if (!what)
		return od_error_nomem();
	err = od_error_new(kind, "%s: %s", what, strerror(errnum));
	free(what);
	if (err != &oom_error)
		err->sys_errno = errnum;
	return err;
}

void
od_error_prefix(struct od_error *err, const char *fmt, ...)
{
	struct od_buf b;
	va_list ap;
	int rc;

	if (!err || err == &oom_error)
		return;
	od_buf_init(&b, OD_BUF_UNLIMITED);
	va_start(ap, fmt);
	rc = od_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (rc == 0)
		rc = od_buf_addf(&b, ": %s", err->message);
	if (rc != 0) {
		od_buf_done(&b);
		return;	/* keep the message we had rather than lose it */
	}
	free(err->message);
	err->message = od_buf_steal(&b);
}

void
od_error_free(struct od_error *err)
{
	if (!err || err == &oom_error)
		return;
	free(err->id);
	free(err->cause_id);
	free(err->description);
	free(err->details);
	free(err->message);
	free(err);
}

bool
od_error_is(const struct od_error *err, const char *id)
{
	return err && (od_str_eq(err->id, id) || od_str_eq(err->cause_id, id));
}

const char *
od_error_kind_name(enum od_error_kind kind)
{
	switch (kind) {
	case OD_ERR_NETWORK: return "network";
	case OD_ERR_TLS: return "tls";
	case OD_ERR_HTTP: return "http";
	case OD_ERR_ONEDATA: return "onedata";
	case OD_ERR_POSIX: return "posix";
	case OD_ERR_IO: return "io";
	case OD_ERR_INPUT: return "input";
	case OD_ERR_CANCELLED: return "cancelled";
	case OD_ERR_INTERNAL: return "internal";
	}
	return "unknown";
}

static const struct errdef *
find_errdef(const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < OD_ARRAY_SIZE(errdefs); i++)
		if (strcmp(errdefs[i].id, id) == 0)
			return &errdefs[i];
	return NULL;
}

const char *
od_error_id_message(const char *id)
{
	const struct errdef *def = find_errdef(id);

	return def ? _(def->message) : NULL;
}

bool
od_error_is_auth(const struct od_error *err)
{
	if (!err)
		return false;
	return err->status == 401 || od_str_eq(err->id, "unauthorized") ||
	       od_str_starts(err->id, "token") || od_str_eq(err->id, "badToken");
}

static int
errno_from_name(const char *name)
{
	for (size_t i = 0; name && i < OD_ARRAY_SIZE(errno_names); i++)
		if (strcmp(errno_names[i].name, name) == 0)
			return errno_names[i].value;
	return 0;
}

static const char *
http_status_message(int status)
{
	switch (status) {
	case 400: return _("the server rejected the request as invalid");
	case 401: return _("the server requires a valid access token");
	case 403: return _("permission denied");
	case 404: return _("not found");
	case 405: return _("the server does not allow this method here");
	case 406: return _("the server cannot produce an acceptable reply");
	case 409: return _("conflict with the current state on the server");
	case 413: return _("the request is too large for the server");
	case 415: return _("the server does not accept this content type");
	case 429: return _("too many requests; the server asks to slow down");
	case 500: return _("internal server error");
	case 501: return _("the server does not implement this operation");
	case 502: return _("bad gateway: a proxy could not reach the service");
	case 503: return _("the service is temporarily unavailable");
	case 504: return _("gateway timeout: a proxy waited too long for the service");
	}
	return NULL;
}

static const char *
details_string(const cJSON *details, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(details, key);

	if (cJSON_IsString(v))
		return v->valuestring;
	return NULL;
}

/* Words for a token caveat that failed to verify, e.g. an expiry time. */
static void
describe_caveat(struct od_buf *b, const cJSON *details)
{
	const cJSON *caveat = cJSON_GetObjectItemCaseSensitive(details, "caveat");
	const char *type = details_string(caveat, "type");
	const cJSON *until = cJSON_GetObjectItemCaseSensitive(caveat, "validUntil");
	char when[OD_TIME_BUFSZ];
	int64_t t;
	int rc = 0;

	if (od_str_eq(type, "time") && od_json_is_integer(until, &t))
		rc = od_buf_addf(b, _(" (it expired at %s)"), od_time_iso(t, when));
	else if (type)
		rc = od_buf_addf(b, _(" (its \"%s\" caveat does not allow this)"), type);
	(void)rc;	/* a missing detail is acceptable; the main message stands */
}

/* One-line message for a parsed Onedata error. */
static char *
onedata_message(struct od_error *err, const cJSON *details, const cJSON *cause_details)
{
	const char *id = err->cause_id ? err->cause_id : err->id;
	const struct errdef *def = find_errdef(id);
	const char *key = details_string(details, "key");
	const char *ref = details_string(details, "reference");
	const char *reason = details_string(details, "reason");
	struct od_buf b;
	int rc;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (err->kind == OD_ERR_POSIX && err->sys_errno)
		rc = od_buf_adds(&b, strerror(err->sys_errno));
	else if (err->kind == OD_ERR_POSIX)
		rc = od_buf_addf(&b, _("file-system error %s"),
				 details_string(details, "errno") ? details_string(details, "errno") : "?");
	else if (def)
		rc = od_buf_adds(&b, _(def->message));
	else if (err->description)
		rc = od_buf_addf(&b, _("the server reported: %s"), err->description);
	else
		rc = od_buf_addf(&b, _("the server reported error \"%s\""), id);
	if (rc == 0 && od_str_eq(id, "tokenCaveatUnverified"))
		describe_caveat(&b, cause_details ? cause_details : details);
	if (rc == 0 && key)
		rc = od_buf_addf(&b, _(" (parameter \"%s\")"), key);
	if (rc == 0 && ref)
		rc = od_buf_addf(&b, _(" (reference %s)"), ref);
	/* Some errors say why in words (an invalid QoS expression). */
	if (rc == 0 && reason)
		rc = od_buf_addf(&b, ": %s", reason);
	if (rc != 0) {
		od_buf_done(&b);
		return NULL;
	}
	return od_buf_steal(&b);
}

/* Fill err from the parts of a Onedata error: its id, the server's
 * description and the details object (either may be NULL). */
static void
fill_onedata_error(struct od_error *err, const char *id, const char *desc, const cJSON *details)
{
	const cJSON *cause = NULL, *cause_details = NULL;
	char *msg;

	err->kind = OD_ERR_ONEDATA;
	err->id = strdup(id);
	if (desc)
		err->description = strdup(desc);
	if (cJSON_IsObject(details)) {
		err->details = cJSON_PrintUnformatted(details);
		/* unauthorized, badValueToken and badConsumerToken wrap the real cause. */
		cause = cJSON_GetObjectItemCaseSensitive(details, "authError");
		if (!cJSON_IsObject(cause))
			cause = cJSON_GetObjectItemCaseSensitive(details, "tokenError");
		if (cJSON_IsObject(cause)) {
			const char *cid = details_string(cause, "id");
			if (cid)
				err->cause_id = strdup(cid);
			cause_details = cJSON_GetObjectItemCaseSensitive(cause, "details");
		}
	}
	if (od_str_eq(id, "posix")) {
		err->kind = OD_ERR_POSIX;
		err->sys_errno = errno_from_name(details_string(details, "errno"));
	} else {
		const struct errdef *def = find_errdef(err->cause_id ? err->cause_id : id);
		if (def)
			err->sys_errno = def->sys_errno;
	}
	msg = onedata_message(err, details, cause_details);
	if (msg) {
		free(err->message);
		err->message = msg;
	}
}

struct od_error *
od_error_from_response(int status, const char *body, size_t len)
{
	const char *generic = http_status_message(status);
	struct od_error *err;
	cJSON *root = NULL;
	const cJSON *e;

	if (generic)
		err = od_error_new(OD_ERR_HTTP, "%s (HTTP %d)", generic, status);
	else
		err = od_error_new(OD_ERR_HTTP, _("unexpected HTTP status %d"), status);
	if (err == &oom_error)
		return err;
	err->status = status;
	err->retryable = (status >= 500 && status != 501) || status == 429;
	if (body && len)
		root = cJSON_ParseWithLength(body, len);
	e = cJSON_GetObjectItemCaseSensitive(root, "error");
	if (cJSON_IsObject(e) && details_string(e, "id") && *details_string(e, "id")) {
		fill_onedata_error(err, details_string(e, "id"), details_string(e, "description"),
				   cJSON_GetObjectItemCaseSensitive(e, "details"));
	} else if (cJSON_IsString(e) && *e->valuestring) {
		/* The older {"error": "...", "error_description": "..."} shape. */
		fill_onedata_error(err, e->valuestring, details_string(root, "error_description"), NULL);
	}
	cJSON_Delete(root);
	return err;
}
