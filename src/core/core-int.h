/* SPDX-License-Identifier: GPL-3.0-or-later */
/* core-int.h: declarations core modules share and front ends never see. */
#ifndef ONETUI_CORE_INT_H
#define ONETUI_CORE_INT_H

#include <cjson/cJSON.h>

#include "onetui/ingest.h"
#include "onetui/zone.h"

/* zone.c */
void od_space_done(struct od_space *s);
/* "https" or "http", as the zone URL says; providers are reached the same way. */
const char *od_zone_scheme(const struct od_zone *z);

/* The token in use changed: which named token it is must be asked again. */
void od_zone_forget_token_id(struct od_zone *z);

/* The provider host the user fixed (--provider), described as a
 * provider; created on first use. */
struct od_error *od_zone_fixed_provider(struct od_zone *z, struct od_provider_info **out);

/* ingest-opts.c: a session's options in its journal, as a record
 * {"opts": {...}}, and read back from one (strings and globs then
 * allocated: od_ingest_opts_clear frees them). NULL or -1: out of
 * memory. */
cJSON *od_ingest_opts_record(const struct od_ingest_opts *o);
int od_ingest_opts_read(const cJSON *rec, struct od_ingest_opts *o);
void od_ingest_opts_clear(struct od_ingest_opts *o);

/* provider.c, for the unit tests */
#ifdef OD_UNITTEST
struct od_error *od_path_split(const char *path, char ***segs, size_t *n);
char *od_peek_page_token(const char *body, size_t len);
#endif

#endif
