/* SPDX-License-Identifier: GPL-3.0-or-later */
/* error.h: the one error type of the core.
 *
 * A fallible call returns a struct od_error * (NULL on success) or hands one
 * to its completion callback; the receiver owns it and frees it with
 * od_error_free(). The message is one translated line for a user; the other
 * fields let code decide what to do (retry, fail over, ask for a token). */
#ifndef ONETUI_ERROR_H
#define ONETUI_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#include "onetui/compiler.h"

enum od_error_kind {
	OD_ERR_NETWORK,		/* cannot connect, connection lost, timed out */
	OD_ERR_TLS,		/* certificate or TLS handshake */
	OD_ERR_HTTP,		/* an HTTP status without a Onedata error body */
	OD_ERR_ONEDATA,		/* a Onedata error id (see errors.def) */
	OD_ERR_POSIX,		/* Onedata's "posix" error: sys_errno holds it */
	OD_ERR_IO,		/* local file or system call; sys_errno holds it */
	OD_ERR_INPUT,		/* bad input: arguments, config, token, a malformed reply */
	OD_ERR_CANCELLED,	/* the caller cancelled the operation */
	OD_ERR_INTERNAL,	/* out of memory or a broken invariant */
};

struct od_error {
	enum od_error_kind kind;
	int status;		/* HTTP status, 0 when there was no response */
	int sys_errno;		/* POSIX and IO kinds; the table's errno for others */
	char *id;		/* Onedata error id as sent, e.g. "unauthorized" */
	char *cause_id;		/* the wrapped cause (details.authError.id ...) */
	char *description;	/* the server's own description; untrusted text */
	char *details;		/* details object as compact JSON, or NULL */
	char *message;		/* one translated line for the user */
	int retry_after;	/* seconds from Retry-After, -1 when absent */
	bool retryable;		/* a later identical attempt may succeed */
};

/* A new error whose message is the formatted text. Never NULL: when memory
 * runs out a static out-of-memory error is returned (freeing it is a no-op). */
struct od_error *od_error_new(enum od_error_kind kind, const char *fmt, ...) OD_PRINTF(2, 3);
/* "fmt: strerror(errnum)", kind OD_ERR_IO unless given otherwise. */
struct od_error *od_error_errno(enum od_error_kind kind, int errnum, const char *fmt, ...)
	OD_PRINTF(3, 4);
struct od_error *od_error_nomem(void);
/* Build the error for an HTTP response with status >= 400 from its body
 * (a Onedata error object, or anything else). */
struct od_error *od_error_from_response(int status, const char *body, size_t len);
/* Put context in front of the message: "Cannot list X: <message>". */
void od_error_prefix(struct od_error *err, const char *fmt, ...) OD_PRINTF(2, 3);
void od_error_free(struct od_error *err);

/* True when the error id or its wrapped cause is id. */
bool od_error_is(const struct od_error *err, const char *id);
/* Stable English name of the kind, for JSON output and logs. */
const char *od_error_kind_name(enum od_error_kind kind);
/* Our message for an official Onedata error id (translated), or NULL. */
const char *od_error_id_message(const char *id);
/* Whether an id belongs to the authentication family (the token is the
 * problem: invalid, expired, revoked, missing). */
bool od_error_is_auth(const struct od_error *err);

#endif
