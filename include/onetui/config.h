/* SPDX-License-Identifier: GPL-3.0-or-later */
/* config.h: the configuration file (libconfig syntax, by default
 * $XDG_CONFIG_HOME/onetui/config) with named profiles, and the settings
 * that result from flags, environment and file, in that order of
 * precedence. onetui.conf(5) documents the file. */
#ifndef ONETUI_CONFIG_H
#define ONETUI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/error.h"

struct od_profile {
	char *name;
	char *zone;		/* host or https origin */
	char *token_file;	/* absolute, ~ expanded */
	char *ca_file;
	char *provider;		/* fixed provider host */
	char **preferred;	/* preferred provider domains, in order */
	size_t n_preferred;
};

/* One line of the keys group: "KEY ACTION" for a keymap, as written. The
 * TUI parses it and reports errors with the line. */
struct od_binding {
	char *keymap;		/* "generic", "tree", ... */
	char *text;
	int line;
};

/* A metadata template: the extended attributes a kind of item needs
 * (a microscopy session: instrument, operator, sample...). */
struct od_template_field {
	char *name;		/* the attribute's name */
	char *label;		/* what a form asks, or NULL (the name) */
	char *fallback;		/* the default value as text, or NULL */
	bool required;
	bool number;		/* the value is a number */
};

struct od_template {
	char *name;
	char *description;	/* or NULL */
	struct od_template_field *fields;
	size_t n_fields;
};

/* A handout template (handout.h): its text, from the file or inline. */
struct od_handout_template {
	char *name;
	char *text;
};

struct od_config {
	char *path;		/* the file read; NULL when there was none */
	char *default_profile;
	struct od_profile *profiles;
	size_t n_profiles;
	long connect_timeout_s;	/* 0 when not set */
	long low_speed_time_s;
	long retries;		/* -1 when not set */
	/* The full-screen interface's fetches; 0 when not set. */
	long fetch_jobs, fetch_streams;
	uint64_t fetch_max_speed;	/* bytes per second */
	struct od_binding *bindings;
	size_t n_bindings;
	struct od_template *templates;
	size_t n_templates;
	struct od_handout_template *handouts;
	size_t n_handouts;
	/* Ingest sessions: the temporary files left out (set: instead of the
	 * built-in list, see od_ingest_temporary), and the times; 0 when not set. */
	char **ingest_temporary;
	size_t n_ingest_temporary;
	bool ingest_temporary_set;
	int64_t ingest_stable_ms, ingest_poll_ms;
};

/* Read the file at path, or the default location when path is NULL (a
 * missing default file is an empty configuration; a missing named file is
 * an error). Errors name the file and line. */
struct od_error *od_config_load(const char *path, struct od_config **out) OD_WARN_UNUSED;
void od_config_free(struct od_config *cfg);
/* $XDG_CONFIG_HOME/onetui/config (or ~/.config/...); caller frees. */
char *od_config_default_path(void);
const struct od_profile *od_config_profile(const struct od_config *cfg, const char *name);
/* The template called name, or NULL. */
const struct od_template *od_config_template(const struct od_config *cfg, const char *name);

/* The handout template called name, or NULL. */
const struct od_handout_template *od_config_handout(const struct od_config *cfg, const char *name);

/* What the command line asked for (any field may be NULL). */
struct od_overrides {
	const char *profile;
	const char *zone;
	const char *provider;
	const char *token_file;
	const char *ca_file;
	bool public_only;	/* public share data only: no token is looked for */
};

/* The effective settings. Every string is owned. */
struct od_settings {
	char *profile;		/* the profile used, or NULL */
	char *zone_origin;	/* "https://host[:port]" */
	char *token_file;	/* from --token-file or the profile, or NULL */
	bool token_file_given;	/* it came from --token-file */
	char *ca_file;
	char *provider;		/* fixed provider host, or NULL */
	char **preferred;
	size_t n_preferred;
	long connect_timeout_ms;
	long low_speed_time_s;
	int max_retries;	/* -1: the engine's default */
};

/* flags > environment > configuration. cfg may be NULL. */
struct od_error *od_settings_resolve(const struct od_config *cfg, const struct od_overrides *ov,
				     struct od_settings *out) OD_WARN_UNUSED;
void od_settings_done(struct od_settings *s);

#endif
