/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest-prep.h: the destination of an ingest session made ready before
 * anything is sent: the folder made when missing, its dataset found or
 * established, its metadata set. Each step is harmless to do again, so
 * that a run again after a failure (or under metadata protection) does
 * what is left and fails on nothing already done. */
#ifndef ONETUI_INGEST_PREP_H
#define ONETUI_INGEST_PREP_H

#include <stdbool.h>

#include "onetui/compiler.h"
#include "onetui/engine.h"
#include "onetui/error.h"
#include "onetui/meta.h"
#include "onetui/zone.h"

/* What to make ready. All false and NULL still finds the folder, and
 * makes it when missing. */
struct od_ingest_prep {
	bool make_dataset;	/* establish a dataset on the folder when it has none */
	bool need_dataset;	/* the folder must have a dataset (to protect it at the end): without
				 * make_dataset, an error when it has none, and when it is missing
				 * and nothing else would make it (it is then left unmade) */
	const char *document;	/* a JSON metadata document to set (checked already); NULL: none */
	const char *xattrs;	/* a JSON object of extended attributes to set; NULL: none */
};

/* What a step did. */
enum od_ingest_prep_step {
	OD_PREP_FOLDER_MADE,		/* the folder was missing and was made */
	OD_PREP_DATASET_EXISTING,	/* dataset_id: make_dataset, and the folder was a dataset already */
	OD_PREP_DATASET_ESTABLISHED,	/* dataset_id: established now */
	OD_PREP_META_SAME,		/* kind: the metadata said so already, and was left alone */
	OD_PREP_META_SET,		/* kind: set */
};
struct od_ingest_prep_note {
	enum od_ingest_prep_step step;
	enum od_meta_kind kind;		/* OD_PREP_META_*: OD_META_JSON or OD_META_XATTRS */
	const char *dataset_id;		/* OD_PREP_DATASET_*; from the server: sanitise before showing */
};
/* n is valid during the call. */
typedef void od_ingest_prep_note_fn(const struct od_ingest_prep_note *n, void *ud);

/* The folder's file id, and its dataset's id: NULL when neither
 * make_dataset nor need_dataset was asked (it is not looked for then).
 * Both valid during the call. */
struct od_ingest_prep_result {
	const char *file_id, *dataset_id;
};
/* r: NULL with err. err is the callee's (od_error_free), its message
 * names the step that failed and the folder as SPACE/PATH: "Cannot make
 * the folder X: ...", "X is not a folder", "X has no dataset"... */
typedef void od_ingest_prep_fn(const struct od_ingest_prep_result *r, struct od_error *err, void *ud);

/* Make the folder path of space s ready ("dir/sub"; "" or "/" is the
 * space's root): steps in the order of the notes, each noted once done;
 * the first that fails ends the operation. note may be NULL. */
struct od_op *od_ingest_prepare(struct od_zone *z, struct od_space *s, const char *path,
				const struct od_ingest_prep *p, od_ingest_prep_note_fn *note,
				od_ingest_prep_fn *done, void *ud);
/* Whether err is the one for a folder without a dataset (need_dataset),
 * for a caller that words it its own way. */
bool od_ingest_prep_no_dataset(const struct od_error *err);

/* A metadata sidecar as the JSON text to set (*json_out, caller frees;
 * NULL on error), from the file name: text[0..len) itself for a JSON
 * file, and for a .yaml or .yml one (in any case) its YAML converted
 * (yaml.h), which must be a mapping. Either must be a JSON object
 * checked as any JSON metadata is. Errors name the file. */
struct od_error *od_ingest_sidecar_read(const char *name, const char *text, size_t len, char **json_out)
	OD_WARN_UNUSED;

#endif
