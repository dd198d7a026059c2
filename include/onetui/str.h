/* SPDX-License-Identifier: GPL-3.0-or-later */
/* str.h: small string helpers shared by the core and the front ends. */
#ifndef ONETUI_STR_H
#define ONETUI_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "onetui/compiler.h"

bool od_str_eq(const char *a, const char *b);		/* NULL equals only NULL */
bool od_str_starts(const char *s, const char *prefix);
/* A rate as people write it: "10M", "512k", "1.5G" (powers of 1024,
 * an optional B) in bytes per second; false when malformed. */
bool od_parse_rate(const char *s, uint64_t *out);
bool od_str_ieq(const char *a, const char *b);		/* ASCII case-insensitive */
/* NULL-safe duplicates; NULL only when out of memory (or s is NULL). */
char *od_strdup(const char *s);
char *od_strndup(const char *s, size_t n);
char *od_asprintf(const char *fmt, ...) OD_PRINTF(1, 2);
char *od_vasprintf(const char *fmt, va_list ap) OD_PRINTF(1, 0);
/* Remove leading and trailing ASCII white space in place; returns s. */
char *od_str_trim(char *s);
/* Free and clear a secret so it does not linger in memory. */
void od_str_wipe_free(char *s);

/* "1.5 GiB", "512 B": at most 10 bytes plus NUL. */
#define OD_SIZE_BUFSZ 16
const char *od_size_human(int64_t bytes, char buf[OD_SIZE_BUFSZ]);
/* Parse a decimal integer in [lo, hi]; false on anything else. */
bool od_parse_long(const char *s, long lo, long hi, long *out);
/* A length of time, "500ms", "30s", "5m", "2h", "7d", "2w" (a bare
 * number is seconds unless unit_required), in milliseconds; false on
 * anything else. */
bool od_parse_duration_ms(const char *s, bool unit_required, int64_t *out);
/* v in the fewest digits (15 or 17) that read back as v, as JSON
 * writers do. */
void od_format_double(double v, char *buf, size_t size);
/* Whether s is a number as JSON writes it (and nothing else). */
bool od_parse_number(const char *s);

/* "2025-11-03 14:07" in local time (ISO-like, sortable). */
#define OD_TIME_BUFSZ 32
const char *od_time_short(int64_t t, char buf[OD_TIME_BUFSZ]);
/* "2025-11-03T14:07:22Z" in UTC. */
const char *od_time_iso(int64_t t, char buf[OD_TIME_BUFSZ]);
/* "2025-11-03", the day in local time. */
const char *od_date_local(int64_t t, char buf[OD_TIME_BUFSZ]);
/* "drwxrwxr-x" from a type letter and POSIX permission bits. */
const char *od_mode_string(char type, unsigned mode, char buf[11]);

/* A set of strings (copied), for "seen this id already?" questions. */
struct od_strset {
	char **slots;
	size_t n, cap;
};
void od_strset_init(struct od_strset *set);
void od_strset_done(struct od_strset *set);
/* 1 when s was added, 0 when it was there already, -ENOMEM. */
int od_strset_add(struct od_strset *set, const char *s) OD_WARN_UNUSED;

/* A local path made absolute against the working directory, without
 * trailing slashes; with tilde, "~" and "~/x" are in $HOME. Caller
 * frees; NULL (errno set) when out of memory or the working directory
 * cannot be told. */
char *od_path_absolute(const char *path, bool tilde);

/* Remote strings cannot hold a NUL byte in C: a NUL sent as \u0000 is
 * kept as the overlong pair C0 80 (as in "modified UTF-8"), which is never
 * valid UTF-8. It shows as \x00 and is written back as \u0000 in JSON. */
#define OD_NUL_PAIR "\xc0\x80"
bool od_is_nul_pair(const unsigned char *s, size_t n);

/* Decode one strict UTF-8 sequence at s (n > 0 bytes available): its
 * length, with the code point in *cp, or 0 when the bytes are not valid
 * UTF-8 (overlong, surrogate, beyond U+10FFFF, truncated). */
size_t od_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

#endif
