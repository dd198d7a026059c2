/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sanitize.h: make strings from the network safe for a terminal, and
 * measure them in display columns.
 *
 * Every string a server sent (names, descriptions, error texts) passes
 * through od_sanitize before it is printed or drawn: control characters,
 * escape sequences, invalid UTF-8 and characters that reorder or hide text
 * become visible escapes such as \e, \x07, \xff or \u{202e}, so a file name
 * can never recolour, move or retitle the user's terminal. */
#ifndef ONETUI_SANITIZE_H
#define ONETUI_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "onetui/buf.h"
#include "onetui/compiler.h"

/* The terminal cannot show UTF-8 (C/POSIX locale or another codeset):
 * escape every non-ASCII character as well. */
#define OD_SAN_ASCII 0x1u

/* Append the sanitised form of s[0..len) to out. 0, or -ENOMEM/-E2BIG. */
int od_sanitize_append(struct od_buf *out, const char *s, size_t len, unsigned flags) OD_WARN_UNUSED;
/* The sanitised form of the NUL-terminated s (NULL reads as ""); caller
 * frees; NULL only when out of memory. */
char *od_sanitize(const char *s, unsigned flags);
/* Flags that fit the current locale (after setlocale(LC_ALL, "")). */
unsigned od_sanitize_flags_for_locale(void);

/* Whether cp is one of the characters that reorder, hide or break text
 * (bidi controls, zero-width spaces, line separators...), which onetui
 * never writes raw, not even in JSON. */
bool od_char_hides_text(unsigned cp);

/* Display columns of a sanitised string. */
int od_display_width(const char *s);
/* Length in bytes of the longest prefix of the sanitised string s that fits
 * in max_cols columns without splitting a character (combining marks stay
 * with their base); *cols (may be NULL) receives the columns it takes. */
size_t od_display_clip(const char *s, int max_cols, int *cols);

#endif
