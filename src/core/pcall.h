/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pcall.h: calls to the provider that serves a space, moving on to the
 * next supporting provider when one cannot be reached or does not serve
 * the space. Every provider operation of the core starts with a pcall.
 *
 * Without a space, a call reads public share data: it goes to the zone's
 * /shares/data path, which redirects it to a provider that supports the
 * share's space, and it never carries the token.
 *
 * The zcall_ functions send the same kinds of calls to the Onezone REST
 * API instead: there is one zone, so there is nothing to fail over to. */
#ifndef ONETUI_PCALL_H
#define ONETUI_PCALL_H

#include "onetui/engine.h"
#include "onetui/provider.h"
#include "onetui/zone.h"

#include "engine-int.h"

#define OP_API "/api/v3/oneprovider"
#define OZ_API "/api/v3/onezone"

struct pcall;

/* Where a call goes. */
enum pcall_target {
	PCALL_PROVIDER,		/* the space's provider; public share data without a space */
	PCALL_ZONE,		/* the Onezone REST API, with the token */
	PCALL_ZONE_PUBLIC,	/* the Onezone REST API, without it */
};

typedef void pcall_reply_fn(struct pcall *c, struct od_req *req, struct od_error *err);

struct pcall {
	struct od_op base;
	struct od_zone *z;
	struct od_space *s;	/* NULL: public share data, through the zone */
	enum pcall_target target;
	enum od_method method;
	char *path;		/* under OP_API (OZ_API for the zone), with the query */
	char *json;		/* the body, or NULL */
	const char *ctype;	/* the body's media type; NULL: application/json */
	size_t candidate;	/* which provider the request went to */
	bool safe_post;		/* a POST that changes nothing: may be repeated */
	pcall_reply_fn *reply;
	/* Called before the request is sent again to another provider. */
	struct od_error *(*rebuild)(struct pcall *c);
};

/* Send method path (taken over, freed with the call) to the space's
 * provider; reply is called with the outcome. NULL, or the out-of-memory
 * error: every other failure reaches reply. */
struct od_error *pcall_send(struct pcall *c, enum od_method method, char *path, pcall_reply_fn *reply) OD_WARN_UNUSED;
/* The same with a JSON body (copied). */
struct od_error *pcall_send_json(struct pcall *c, enum od_method method, char *path, const char *json,
				 pcall_reply_fn *reply) OD_WARN_UNUSED;
/* pcall_send_json for a call that starts an operation: its od_op, or
 * NULL when memory runs out (what the call owns is then freed, not c). */
struct od_op *pcall_start(struct pcall *c, enum od_method method, char *path, const char *json,
			  pcall_reply_fn *reply);
/* Deliver err (NULL: success) through reply at the next perform. */
struct od_error *pcall_fail(struct pcall *c, struct od_error *err) OD_WARN_UNUSED;
/* Free what the call owns (not the struct). */
void pcall_done_free(struct pcall *c);
/* One call whose reply is a JSON object, or nothing (204): fn gets the
 * parsed object (NULL for an empty reply) or the error. path is taken
 * over; body (a JSON text) is copied. NULL when memory runs out. */
typedef void pcall_json_fn(const cJSON *root, struct od_error *err, void *ud);
struct od_op *pcall_json(struct od_zone *z, struct od_space *s, enum od_method method, char *path,
			 const char *body, const char *what, pcall_json_fn *fn, void *ud);
/* The same for a creation whose reply is {"<key>": id}: fn gets the id. */
struct od_op *pcall_id(struct od_zone *z, struct od_space *s, enum od_method method, char *path, const char *body,
		       const char *key, od_file_id_fn *fn, void *ud);
/* The same for a call whose reply does not matter (204). */
struct od_op *pcall_nothing(struct od_zone *z, struct od_space *s, enum od_method method, char *path,
			    const char *body, od_done_fn *fn, void *ud);
/* The same with a body of another media type than JSON. */
struct od_op *pcall_nothing_as(struct od_zone *z, struct od_space *s, enum od_method method, char *path,
			       const char *ctype, const char *body, od_done_fn *fn, void *ud);
/* A listing of ids, page by page: GET base (a path with a query, taken
 * over), then base&<token_param>=<nextPageToken> until the token is null;
 * key names the array of ids in each reply, what the listing (N_()). */
struct od_op *pcall_ids(struct od_zone *z, struct od_space *s, char *base, const char *token_param,
			const char *key, const char *what, od_ids_fn *page, od_done_fn *done, void *ud);
/* Calls to the Onezone REST API: path is under OZ_API (taken over); the
 * replies are handled as by the pcall_ functions of the same name. */
struct od_op *zcall_json(struct od_zone *z, enum od_method method, char *path, const char *body, const char *what,
			 pcall_json_fn *fn, void *ud);
/* Without the token: the public calls (examine, confine, public records). */
struct od_op *zcall_public_json(struct od_zone *z, enum od_method method, char *path, const char *body,
				const char *what, pcall_json_fn *fn, void *ud);
struct od_op *zcall_nothing(struct od_zone *z, enum od_method method, char *path, const char *body, od_done_fn *fn,
			    void *ud);
/* A creation that answers 201 with the new entity's URL in Location: fn
 * gets the last segment of that URL, the new id. */
struct od_op *zcall_located(struct od_zone *z, enum od_method method, char *path, const char *body,
			    od_file_id_fn *fn, void *ud);
/* A list of ids, {"<key>": [ids]}, in one reply (Onezone does not page). */
struct od_op *zcall_ids(struct od_zone *z, char *path, const char *key, const char *what, od_ids_fn *page,
			od_done_fn *done, void *ud);

/* "<prefix><id><suffix>" with the id escaped; caller frees (NULL: no memory). */
char *id_path(const char *prefix, const char *id, const char *suffix);
/* "/data/<id><suffix>". */
char *data_path(const char *file_id, const char *suffix);

#endif
