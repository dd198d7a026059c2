/* SPDX-License-Identifier: GPL-3.0-or-later */
/* session.h: what every CLI command that talks to Onedata sets up first:
 * settings, token, engine, zone, and the token's spaces. */
#ifndef ONETUI_CLI_SESSION_H
#define ONETUI_CLI_SESSION_H

#include <signal.h>
#include <stdbool.h>

#include "onetui/config.h"
#include "onetui/engine.h"
#include "onetui/provider.h"
#include "onetui/session.h"
#include "onetui/zone.h"

struct global_opts {
	struct od_overrides ov;
	const char *config_path;
	int verbose;
};

struct session {
	struct od_session od;
	/* Shorthands into od. */
	struct od_engine *engine;
	struct od_zone *zone;
	const char *token_source;
	bool spaces_loaded;
};

/* Set up everything up to the zone. Prints what went wrong and returns an
 * exit code (EXIT_OK on success). */
int session_open(struct session *s, const struct global_opts *g);
void session_close(struct session *s);
/* Run the engine until every request has finished (or Ctrl-C). */
void session_run(struct session *s);
/* Whether the user interrupted the command. */
bool session_interrupted(void);

/* Load the token's spaces (once). An exit code, errors printed. */
int session_load_spaces(struct session *s);

/* A remote target "SPACE[/PATH]" (a leading '/' allowed): the space and
 * the path inside it (points into arg). Errors printed; exit code. */
int session_target(struct session *s, const char *arg, struct od_space **space, const char **path);

/* Resolve SPACE/PATH to a file id and its attributes (caller frees
 * *file_id; attrs copied into the given stat result). */
struct target_stat {
	char *file_id;
	char *name;
	enum od_file_type type;
	int64_t size;
	unsigned mode;
	int64_t mtime;
	char *sha256;		/* the checksum attributes, when asked for */
	int64_t sha256_mtime;
	char *path;		/* the path within the space */
	unsigned protection;	/* OD_PROTECT_*, when asked for */
};
int session_stat_target(struct session *s, const char *arg, struct od_space **space,
			struct target_stat *out);
/* The same with other attributes than a listing's. */
int session_stat_target_attrs(struct session *s, const char *arg, unsigned attrs, struct od_space **space,
			      struct target_stat *out);
/* The same, but a target that does not exist is not an error: *missing
 * is set instead (out then holds only the path). */
int session_probe_target(struct session *s, const char *arg, unsigned attrs, struct od_space **space,
			 struct target_stat *out, bool *missing);
/* A target_stat as the od_attrs the core takes (pointing into t). */
void target_stat_attrs(const struct target_stat *t, struct od_attrs *a);
/* One answer a command waits for: the error, and the id of what the
 * call made (answer_id) or nothing (answer_done). */
struct answer {
	struct od_error *err;
	char *id;
	char *text;		/* answer_text: a copy, NUL-terminated; NULL: none */
	size_t len;
};
void answer_id(const char *id, struct od_error *err, void *ud);
void answer_done(struct od_error *err, void *ud);
void answer_text(const char *text, size_t len, struct od_error *err, void *ud);
/* The dataset established on a file (a->id; NULL: none). */
struct od_dataset_summary;
void answer_dataset(const struct od_dataset_summary *d, struct od_error *err, void *ud);
/* Run op (NULL: out of memory) to its end. EXIT_OK, EXIT_INTERRUPTED, or
 * the exit code of a->err, reported after the context fmt says (and
 * freed). a->id stays for the caller to free. */
int session_answer(struct session *s, struct od_op *op, struct answer *a, const char *fmt, ...) OD_PRINTF(4, 5);

/* Read the token again (from where it was found at start); true when it
 * changed and the engine now uses the new one. */
bool session_reload_token(struct session *s);
void target_stat_done(struct target_stat *t);

#endif
