/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tokenapi.h: managing Onedata tokens through the zone: named and
 * temporary access tokens, invitations, examining a token without using
 * it, confining one, revoking, deleting, and consuming an invitation
 * (ENDPOINTS.md 6). Where the token in use comes from is token.h.
 *
 * Serialized tokens passed in are sent in request bodies, never in URLs;
 * the ones delivered to callbacks are valid only during the call, and
 * none is ever logged. Every change is recorded in the access log
 * (acclog.h) by id and name. */
#ifndef ONETUI_TOKENAPI_H
#define ONETUI_TOKENAPI_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/engine.h"
#include "onetui/provider.h"
#include "onetui/zone.h"

enum od_token_kind {
	OD_TOKEN_ACCESS,
	OD_TOKEN_IDENTITY,
	OD_TOKEN_INVITE,
	OD_TOKEN_UNKNOWN,	/* a type this client does not know */
};

/* A token as the zone describes it (GET /tokens/named/{id}, or
 * /tokens/examine: then there is no name, metadata or value). Strings
 * absent from the reply are NULL, numbers -1. */
struct od_token_info {
	const char *id;
	const char *name;
	const char *persistence;	/* "named" or "temporary" */
	const char *subject_type;	/* "user", "oneprovider" */
	const char *subject_id;
	enum od_token_kind kind;
	const char *invite_type;	/* invitations: "userJoinSpace" ... */
	const char *target_id;		/* invitations: the space or group */
	const cJSON *caveats;		/* an array, maybe empty; never NULL */
	int64_t valid_until;		/* earliest time caveat; 0: never expires */
	int64_t created;
	int64_t usage_limit;		/* invitations; -1: unlimited */
	int64_t usage_count;
	const cJSON *privileges;	/* invitations: what joiners get, or NULL */
	bool revoked;
	const char *value;		/* the serialized token: show only when asked */
	const cJSON *raw;
};
/* Read a token record (t points into root). */
struct od_error *od_token_info_parse(const cJSON *root, struct od_token_info *t) OD_WARN_UNUSED;
typedef void od_token_info_fn(const struct od_token_info *t, struct od_error *err, void *ud);
/* A token made (new, temporary or confined): id is NULL when the zone
 * does not say it (temporary, confined). */
typedef void od_token_made_fn(const char *id, const char *token, struct od_error *err, void *ud);
/* A JSON reply, valid during the call. */
typedef void od_token_json_fn(const cJSON *root, struct od_error *err, void *ud);

/* Whether an invitation's kind is one onetui can consume, and whether it
 * joins a group (the consumer group then has to be named). */
bool od_invite_consumable(const char *invite_type, bool *needs_group);
/* "space" or "group": what an invitation's target is (NULL: unknown). */
const char *od_invite_target_kind(const char *invite_type);

/* The user's named tokens, by id. */
struct od_op *od_token_list(struct od_zone *z, od_ids_fn *page, od_done_fn *done, void *ud);
struct od_op *od_token_get(struct od_zone *z, const char *id, od_token_info_fn *fn, void *ud);
struct od_op *od_token_get_by_name(struct od_zone *z, const char *name, od_token_info_fn *fn, void *ud);
/* What a token is, without using it (public; nothing is verified). */
struct od_op *od_token_examine(struct od_zone *z, const char *token, od_token_info_fn *fn, void *ud);
/* What an access token gives access to: the zone's reply to
 * infer_access_token_scope ({validUntil, dataAccessScope{readonly,
 * spaces, providers}}); refused tokens fail with the reason. */
struct od_op *od_token_infer_scope(struct od_zone *z, const char *token, od_token_json_fn *fn, void *ud);

struct od_token_request {
	const char *name;		/* NULL: a temporary token */
	/* NULL: an access token; else an invitation of this inviteType for
	 * target_id (the space or group). */
	const char *invite_type;
	const char *target_id;
	const cJSON *caveats;		/* an array, or NULL */
	const cJSON *privileges;	/* invitations: an array of names, or NULL: the defaults */
	int64_t usage_limit;		/* invitations: 0: unlimited */
};
struct od_op *od_token_create(struct od_zone *z, const struct od_token_request *r, od_token_made_fn *fn,
			      void *ud);
/* A weaker copy of token with caveats added (public). */
struct od_op *od_token_confine(struct od_zone *z, const char *token, const cJSON *caveats, od_token_made_fn *fn,
			       void *ud);
/* Revoke (or un-revoke) a named token; every token confined from it goes
 * with it. name is for the access log only (may be NULL). Whether id is
 * the token onetui itself is signed in with: od_zone_uses_token (zone.h). */
struct od_op *od_token_set_revoked(struct od_zone *z, const char *id, const char *name, bool revoked,
				   od_done_fn *fn, void *ud);
struct od_op *od_token_delete(struct od_zone *z, const char *id, const char *name, od_done_fn *fn, void *ud);
/* Consume an invitation that examine described as t: the user joins (or,
 * for the group invitations, group_id joins) its space or group; fn gets
 * the joined space's or group's id. */
struct od_op *od_invite_consume(struct od_zone *z, const char *token, const struct od_token_info *t,
				const char *group_id, od_file_id_fn *fn, void *ud);

#endif
