/* SPDX-License-Identifier: GPL-3.0-or-later */
/* share.h: publishing a file or directory as a share (a public URL and a
 * public REST URL that anyone may read without a token), changing and
 * deleting shares, listing them per file, per space, over every space of
 * the user or zone-wide; and handles, persistent identifiers (a DOI or a
 * Handle.net PID) registered for a share through a handle service, with
 * Dublin Core metadata.
 *
 * Shares are created and deleted through the provider serving the space;
 * they are read, renamed and described through Onezone, as are handles.
 * Every change made here is recorded in onetui's access log (acclog.h).
 * Records delivered to a callback are valid only during the call. */
#ifndef ONETUI_SHARE_H
#define ONETUI_SHARE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/engine.h"
#include "onetui/fileinfo.h"
#include "onetui/provider.h"
#include "onetui/zone.h"

/* A share record as the Oneprovider or Onezone sends it (pointing into
 * root): checked, absent optional strings NULL, creationTime -1. */
struct od_error *od_share_parse(const cJSON *root, struct od_share *out) OD_WARN_UNUSED;

/* Text a person typed for others to read (a share's name or description,
 * a handle's metadata), checked before it is sent: refused when it is not
 * UTF-8 or holds a control character or one that hides or reorders text,
 * which would reach every terminal that shows it. lines: tabs and line
 * breaks are allowed (a description). what names the text in the error. */
struct od_error *od_share_text_check(const char *what, const char *text, bool lines) OD_WARN_UNUSED;

/* Share file_id of space s under name; description (Markdown) may be
 * NULL. fn gets the share's id. */
struct od_op *od_share_create(struct od_zone *z, struct od_space *s, const char *file_id, const char *name,
			      const char *description, od_file_id_fn *fn, void *ud);
/* Rename it, or replace its description (NULL: unchanged; not both
 * NULL). space_id (may be NULL) is only recorded in the access log. */
struct od_op *od_share_update(struct od_zone *z, const char *share_id, const char *space_id, const char *name,
			      const char *description, od_done_fn *fn, void *ud);
/* Delete the share of space s: its public URL stops working, the data
 * stays. name (may be NULL) is for the access log. */
struct od_op *od_share_delete(struct od_zone *z, struct od_space *s, const char *share_id, const char *name,
			      od_done_fn *fn, void *ud);
/* Onezone's record of a share (with its space, creator and creation
 * time), for a member of its space or a zone admin. */
struct od_op *od_share_get_zone(struct od_zone *z, const char *share_id, od_share_fn *fn, void *ud);

enum od_share_scope {
	OD_SHARES_VISIBLE,	/* of every space of the user */
	OD_SHARES_SPACE,	/* of space s */
	OD_SHARES_FILE,		/* published at file file_id of space s (not above it) */
	OD_SHARES_ZONE,		/* every share of the zone (zone admins only) */
};
/* Every share found, sorted by name (then id), and the first error met:
 * the shares that could be read are delivered with it. */
typedef void od_shares_fn(const struct od_share *v, size_t n, struct od_error *err, void *ud);
/* List the shares of a scope (s and file_id as the scope needs, else
 * NULL), their records read a few at a time. */
struct od_op *od_shares_list(struct od_zone *z, enum od_share_scope scope, struct od_space *s, const char *file_id,
			     od_shares_fn *fn, void *ud);

/* --- handles ------------------------------------------------------------------- */

struct od_handle_service {
	const char *id;
	const char *name;
};
/* The handle services the user belongs to, sorted by name. */
typedef void od_handle_services_fn(const struct od_handle_service *v, size_t n, struct od_error *err, void *ud);
struct od_op *od_handle_services(struct od_zone *z, od_handle_services_fn *fn, void *ud);

struct od_handle {
	const char *id;
	const char *service_id;
	const char *public_handle;	/* a DOI ("10.5072/...") or a URL (http://hdl.handle.net/...) */
	const char *resource_id;	/* the share */
	const char *metadata_prefix;	/* "oai_dc" or "edm" */
	const char *metadata;		/* XML */
	const char *timestamp;		/* of the last change, as sent */
	int64_t created;		/* -1 when not sent */
};
typedef void od_handle_fn(const struct od_handle *h, struct od_error *err, void *ud);
/* A handle's public record (no token needed). */
struct od_op *od_handle_get(struct od_zone *z, const char *handle_id, od_handle_fn *fn, void *ud);

/* The fifteen elements of simple Dublin Core, in the order they are
 * written. */
enum od_dc_element {
	OD_DC_TITLE,
	OD_DC_CREATOR,
	OD_DC_SUBJECT,
	OD_DC_DESCRIPTION,
	OD_DC_PUBLISHER,
	OD_DC_CONTRIBUTOR,
	OD_DC_DATE,
	OD_DC_TYPE,
	OD_DC_FORMAT,
	OD_DC_IDENTIFIER,
	OD_DC_SOURCE,
	OD_DC_LANGUAGE,
	OD_DC_RELATION,
	OD_DC_COVERAGE,
	OD_DC_RIGHTS,
	OD_DC_COUNT
};
/* One value of a metadata form; an element may be given many times. */
struct od_dc_value {
	enum od_dc_element element;
	const char *text;
};
/* The element's name without the "dc:" prefix ("title"...). */
const char *od_dc_name(enum od_dc_element e);
/* Whether a handle's metadata must hold the element (title, creator). */
bool od_dc_required(enum od_dc_element e);
/* The oai_dc XML document of the values (*out, caller frees), grouped
 * by element, text escaped. Refused: a required element missing, a value
 * that is empty or blank, not UTF-8, or holds a character XML cannot
 * carry (control characters but tab and line breaks). The document is
 * checked to parse as XML before it is handed out. */
struct od_error *od_dc_xml(const struct od_dc_value *v, size_t n, char **out) OD_WARN_UNUSED;

/* Register a handle for share_id through handle service service_id with
 * oai_dc metadata (as od_dc_xml makes it); fn gets the handle's id. */
struct od_op *od_handle_register(struct od_zone *z, const char *service_id, const char *share_id, const char *xml,
				 od_file_id_fn *fn, void *ud);

#endif
