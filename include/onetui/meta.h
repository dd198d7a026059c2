/* SPDX-License-Identifier: GPL-3.0-or-later */
/* meta.h: the metadata Onedata keeps per file or directory: extended
 * attributes (an object of strings and numbers), a JSON document and an
 * RDF text. Reading, replacing and removing each kind; the texts
 * themselves are checked by metatext.h before they are sent. */
#ifndef ONETUI_META_H
#define ONETUI_META_H

#include <stdbool.h>
#include <stddef.h>

#include "onetui/engine.h"
#include "onetui/provider.h"
#include "onetui/zone.h"

enum od_meta_kind {
	OD_META_XATTRS,
	OD_META_JSON,
	OD_META_RDF,
};

/* "xattrs", "json", "rdf": the API's names, used on the command line. */
const char *od_meta_kind_name(enum od_meta_kind kind);
/* What the kind is called in sentences: "extended attributes", "JSON
 * metadata", "RDF metadata" (translated). */
const char *od_meta_kind_words(enum od_meta_kind kind);
/* The kind called name; false when there is none. */
bool od_meta_kind_parse(const char *name, enum od_meta_kind *out);

/* What to read. */
struct od_meta_query {
	bool inherited;		/* xattrs and JSON: merged with the ancestors' */
	const char *filter;	/* JSON: only the value at this key path (a.b.[2].c) */
};

/* text is the reply: a JSON object (xattrs), a JSON value (JSON) or the
 * RDF text; NULL (and no error) when the file has none of the kind, or
 * nothing at the filter's path. Valid during the call only. */
typedef void od_meta_text_fn(const char *text, size_t len, struct od_error *err, void *ud);

/* Read one kind. Without a space (s NULL), file_id is a share-scoped id
 * read through the zone without a token. q may be NULL. */
struct od_op *od_meta_get(struct od_zone *z, struct od_space *s, const char *file_id, enum od_meta_kind kind,
			  const struct od_meta_query *q, od_meta_text_fn *fn, void *ud);

/* Write one kind: for xattrs, text is a JSON object merged into the
 * file's (other keys stay); for JSON, the document replacing the file's,
 * or with filter, the value put at that key path; for RDF, the text. */
struct od_op *od_meta_put(struct od_zone *z, struct od_space *s, const char *file_id, enum od_meta_kind kind,
			  const char *filter, const char *text, od_done_fn *fn, void *ud);

/* Remove the document (JSON) or the text (RDF), or the n keys of keys
 * (xattrs; keys that are not set are ignored). */
struct od_op *od_meta_remove(struct od_zone *z, struct od_space *s, const char *file_id, enum od_meta_kind kind,
			     const char *const *keys, size_t n, od_done_fn *fn, void *ud);

#endif
