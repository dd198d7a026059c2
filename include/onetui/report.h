/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report.h: everything onetui can tell about one file or directory,
 * gathered in the background from several provider calls: its attributes,
 * where its replicas live, its directory statistics, the datasets it
 * belongs to, its QoS requirements and the shares that publish it.
 *
 * The attributes come first (the other parts depend on what it is); the
 * rest then load side by side and each part is announced when it is
 * complete. The report owns copies of everything, so a caller may keep it
 * for as long as it is shown. The Info pane and "onetui info" both render
 * it through od_report_lines(), so they say the same things. */
#ifndef ONETUI_REPORT_H
#define ONETUI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/attrs.h"
#include "onetui/error.h"
#include "onetui/zone.h"

enum od_part {
	OD_PART_ATTRS,		/* GET /data/{id} */
	OD_PART_REPLICAS,	/* /data/{id}/distribution */
	OD_PART_STATS,		/* /data/{id}/dir_size_stats, directories only */
	OD_PART_DATASETS,	/* /data/{id}/dataset/summary and each dataset */
	OD_PART_QOS,		/* /data/{id}/qos/summary and each requirement */
	OD_PART_SHARES,		/* the shares of the file and of its ancestors */
	OD_PART__COUNT
};
#define OD_PARTS_ALL ((1u << OD_PART__COUNT) - 1)

enum od_part_state {
	OD_PART_SKIPPED,	/* not asked for, or not applicable */
	OD_PART_LOADING,
	OD_PART_READY,
	OD_PART_UNAVAILABLE,	/* the provider does not offer it here (error says why) */
	OD_PART_FAILED,
};

struct od_report_replica {
	char *provider_id;
	bool ok;		/* false: the provider could not tell (error) */
	char *error;
	int64_t size;		/* the file's size there; -1 unknown */
	int64_t held;		/* bytes on its storages; -1 unknown */
};

struct od_report_dataset {
	char *id;
	bool direct;		/* established on this very file */
	char *root_path;	/* NULL until loaded */
	char *state;		/* "attached", "detached" */
	unsigned protection;	/* its own OD_PROTECT_* */
	char *error;		/* why its record could not be read */
};

struct od_report_qos {
	char *id;
	char *status;		/* from the summary */
	char *expression;	/* NULL until loaded */
	int64_t replicas;
	char *error;
};

struct od_report_share {
	char *id;
	char *root_path;	/* where it is rooted: this file or an ancestor */
	bool inherited;		/* rooted at an ancestor */
	char *name;		/* NULL until loaded */
	char *public_url;
	char *error;
};

struct od_report;
struct report_call;
/* Called when a part becomes ready, unavailable or failed. */
typedef void od_report_fn(struct od_report *r, enum od_part part, void *ud);

struct od_report {
	struct od_space *space;
	char *file_id;
	unsigned parts;			/* asked for: 1u << OD_PART_* */
	enum od_part_state state[OD_PART__COUNT];
	struct od_error *error[OD_PART__COUNT];	/* FAILED and UNAVAILABLE */

	/* OD_PART_ATTRS: have says which came (public share data has fewer) */
	unsigned have;
	char *name, *path, *owner_id, *provider_id, *parent_id;
	enum od_file_type type;
	int64_t size;		/* -1 when unknown */
	unsigned mode;
	int64_t atime, mtime, ctime, created, hardlinks;
	char **share_ids;	/* the file's own shares */
	size_t n_share_ids;

	struct od_report_replica *replicas;
	size_t n_replicas;

	struct {
		int64_t size, files, dirs;
		bool inaccurate;
	} stats;

	unsigned protection;	/* effective OD_PROTECT_* */
	struct od_report_dataset *datasets;	/* direct first, then ancestors nearest first */
	size_t n_datasets;

	char *qos_status;	/* "fulfilled", "pending", "impossible"; NULL without requirements */
	struct od_report_qos *qos;
	size_t n_qos;

	struct od_report_share *shares;
	size_t n_shares;

	/* Private. */
	struct report_call *calls;
	size_t pending[OD_PART__COUNT];
	struct od_zone *zone;
	od_report_fn *fn;
	void *ud;
	bool cancelled, oom;
};

/* Start gathering parts (1u << OD_PART_*; the attributes are always read)
 * about file_id in space s. NULL only when memory runs out. */
struct od_report *od_report_start(struct od_zone *z, struct od_space *s, const char *file_id, unsigned parts,
				  od_report_fn *fn, void *ud);
/* Every part asked for has arrived. */
bool od_report_complete(const struct od_report *r);
/* Stop and forget the report: fn is not called again; what is in flight
 * is cancelled and the report frees itself once it has come back. */
void od_report_cancel(struct od_report *r);
/* The first failure among the parts (attributes first), or NULL. */
const struct od_error *od_report_failure(const struct od_report *r);

/* How a line should look. */
enum od_tone {
	OD_TONE_HEADING,	/* value is a section title; label NULL */
	OD_TONE_NORMAL,
	OD_TONE_DIM,		/* absent or unimportant */
	OD_TONE_GOOD,
	OD_TONE_WARN,
	OD_TONE_ERROR,
	OD_TONE_LOADING,	/* value empty: the caller shows its "loading" */
};
/* One line: label is onetui's own text ("" continues the previous label's
 * list, NULL: a line without a label, such as a heading); value may hold
 * remote text and must be sanitised by the caller. */
typedef void od_report_line_fn(const char *label, enum od_tone tone, const char *value, void *ud);
/* The report as labelled lines, in the order they are shown. */
void od_report_lines(const struct od_report *r, od_report_line_fn *emit, void *ud);

/* "regular file", "directory", "symbolic link" (translated). */
const char *od_file_type_words(enum od_file_type t);
/* "data and metadata protected", "not protected"... for OD_PROTECT_* flags. */
const char *od_protection_words(unsigned flags);
/* A supporting provider's name from its id, or NULL. */
const char *od_space_provider_name(const struct od_space *s, const char *provider_id);

#endif
