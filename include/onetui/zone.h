/* SPDX-License-Identifier: GPL-3.0-or-later */
/* zone.h: the Onezone: who the user is, the spaces the token reaches and
 * the providers that support them. */
#ifndef ONETUI_ZONE_H
#define ONETUI_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/engine.h"
#include "onetui/error.h"

struct od_zone;

struct od_provider_info {
	char *id;
	char *name;
	char *domain;
	char *version;
	char *origin;		/* "https://domain"; NULL when the domain is unusable */
	bool online;
};

struct od_support {
	struct od_provider_info *provider;
	bool readonly;		/* read-only storage, or a read-only token */
};

struct od_space {
	char *id;
	char *name;
	struct od_support *supports;
	size_t n_supports;
	bool name_unique;	/* no other space of the user has this name */
	/* Used by provider.c: providers to try, best first, and the root. */
	struct od_provider_info **candidates;
	size_t n_candidates;
	size_t current;
	bool planned;
	char *root_id;
};

struct od_user {
	char *id;
	char *username;		/* NULL when the zone did not say */
	char *full_name;
	char **emails;
	size_t n_emails;
	bool restricted;	/* the token may not read the profile; only the id is known */
};

/* A deep copy of src (0, or -ENOMEM with dst empty), and freeing one. */
int od_user_copy(struct od_user *dst, const struct od_user *src) OD_WARN_UNUSED;
void od_user_done(struct od_user *u);

struct od_zone_opts {
	const char *provider;		/* fixed provider host (like Oneclient's -H) */
	char *const *preferred;		/* preferred provider domains, in order */
	size_t n_preferred;
};

/* A zone at origin ("https://host[:port]") reached through engine, whose
 * token is sent to it. */
struct od_error *od_zone_new(struct od_engine *engine, const char *origin, const struct od_zone_opts *opts,
			     struct od_zone **out) OD_WARN_UNUSED;
void od_zone_free(struct od_zone *z);
const char *od_zone_origin(const struct od_zone *z);
/* The id of the token's user once od_zone_whoami has told it, else NULL. */
const char *od_zone_user_id(const struct od_zone *z);
struct od_engine *od_zone_engine(const struct od_zone *z);

typedef void od_user_fn(const struct od_user *user, struct od_error *err, void *ud);
/* Who the token belongs to (GET /user; for tokens that may not read the
 * profile, the subject from /tokens/examine). */
struct od_op *od_zone_whoami(struct od_zone *z, od_user_fn *fn, void *ud);

/* Load the spaces the token reaches, their names and providers (one call
 * to /tokens/infer_access_token_scope). The spaces stay in the zone.
 * Loaded again (a space joined, made or renamed meanwhile), a space or
 * provider already known keeps its address and is updated in place; one
 * no longer reached is no longer listed but stays valid until the zone
 * is freed. A failed reading leaves the last one as it was. */
struct od_op *od_zone_load_spaces(struct od_zone *z, od_done_fn *fn, void *ud);
size_t od_zone_space_count(const struct od_zone *z);
/* Spaces sorted by name. */
struct od_space *od_zone_space(const struct od_zone *z, size_t i);
/* A space by id, or by name when the name is unique. */
struct od_error *od_zone_find_space(const struct od_zone *z, const char *name_or_id, struct od_space **out) OD_WARN_UNUSED;
/* When the token expires (UNIX seconds), 0 when it does not. */
int64_t od_zone_token_valid_until(const struct od_zone *z);
/* Whether the token allows reading only. */
bool od_zone_token_readonly(const struct od_zone *z);
/* Which named token the zone is reached with, so that it is not revoked
 * or deleted by mistake (that would sign onetui out): the zone examines
 * the token in use once (POST /tokens/examine); the answer is kept until
 * the token changes. The zone must have a token. */
struct od_op *od_zone_learn_token_id(struct od_zone *z, od_done_fn *fn, void *ud);
bool od_zone_token_id_known(const struct od_zone *z);
/* Whether id is the named token in use: false while that is not known,
 * and always for a temporary token (it is no named token). */
bool od_zone_uses_token(const struct od_zone *z, const char *id);
/* Fixed provider host and preferences, for provider.c. */
const struct od_zone_opts *od_zone_opts(const struct od_zone *z);

#endif
