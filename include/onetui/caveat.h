/* SPDX-License-Identifier: GPL-3.0-or-later */
/* caveat.h: token caveats, the restrictions a token carries (ENDPOINTS.md
 * 6.2): built from what a person chose, read back from the zone's JSON,
 * said in words, and checked for the ways tokens are commonly handed out
 * too wide.
 *
 * Nothing here talks to the network; tokenapi.h does. */
#ifndef ONETUI_CAVEAT_H
#define ONETUI_CAVEAT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/error.h"

/* What a person chose for a new or confined token. Lists may be empty;
 * NULL strings and 0 times mean "no such caveat". */
struct od_caveat_form {
	int64_t valid_until;		/* UNIX seconds; 0: no expiry */
	bool readonly;			/* data.readonly */
	/* data.path: "SPACE_ID" or "SPACE_ID/dir/..." (the space's id, not
	 * its name; no trailing slash needed). */
	const char *const *paths;
	size_t n_paths;
	const char *const *object_ids;	/* data.objectid */
	size_t n_object_ids;
	const char *interface;		/* "rest", "oneclient", "graphsync" */
	const char *const *ips;		/* ip: "a.b.c.d" or "a.b.c.d/n" */
	size_t n_ips;
	/* service: "ozw-onezone", "opw-<providerId>", "opw-*" ... */
	const char *const *services;
	size_t n_services;
};

/* The caveats as the API takes them (a JSON array; caller deletes), or an
 * OD_ERR_INPUT error naming the bad value. An empty form gives []. */
struct od_error *od_caveats_build(const struct od_caveat_form *f, cJSON **out) OD_WARN_UNUSED;

/* "7d", "12h", "30m", "2w" (from now), or a date "2026-12-31" (its
 * end, 23:59:59 UTC) or time "2026-12-31T18:00[:00][Z]" (UTC). */
struct od_error *od_caveat_parse_expiry(const char *text, int64_t now, int64_t *valid_until) OD_WARN_UNUSED;

/* Names for ids in descriptions: a space's or provider's name, or NULL. */
struct od_caveat_names {
	const char *(*space)(const char *id, void *ud);
	const char *(*provider)(const char *id, void *ud);
	void *ud;
};

/* One caveat in words for people, translated, e.g. "read-only: data can
 * be read but not changed"; NULL names: ids are shown as they are.
 * Unknown kinds are described as such. Caller frees (NULL: out of
 * memory); the text may hold what the zone sent: sanitise before
 * printing. */
char *od_caveat_describe(const cJSON *caveat, const struct od_caveat_names *names, int64_t now);

/* The earliest time caveat of a list, or 0 when none. */
int64_t od_caveats_valid_until(const cJSON *caveats);
/* Whether any caveat of the list is of this type ("data.readonly"...). */
bool od_caveats_have(const cJSON *caveats, const char *type);

/* Ways a token is handed out too wide, or will not work as meant. */
enum {
	OD_RISK_NO_CAVEATS = 1 << 0,	/* an access token without caveats: full access */
	OD_RISK_NO_EXPIRY = 1 << 1,	/* no time caveat */
	OD_RISK_EXPIRED = 1 << 2,	/* its time caveat has passed */
	OD_RISK_IP_PROXY = 1 << 3,	/* an ip caveat: proxied requests come from a provider */
	OD_RISK_UNLIMITED = 1 << 4,	/* an invitation without a usage limit */
};
/* The risks of a token with these caveats; invite: it is an invitation,
 * unlimited: one without a usage limit. */
unsigned od_token_risks(const cJSON *caveats, bool invite, bool unlimited, int64_t now);
/* The warning for one OD_RISK_ bit, translated. */
const char *od_token_risk_text(unsigned risk);

#endif
