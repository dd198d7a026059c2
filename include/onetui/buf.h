/* SPDX-License-Identifier: GPL-3.0-or-later */
/* buf.h: a growable byte buffer with a hard cap. Anything filled from the
 * network or a file goes into one, so a hostile or broken peer cannot make
 * onetui allocate without bound: reaching the cap is an error, never a
 * silent truncation. */
#ifndef ONETUI_BUF_H
#define ONETUI_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "onetui/compiler.h"
#include "onetui/error.h"

struct od_buf {
	char *data;	/* NUL-terminated when not NULL */
	size_t len;
	size_t cap;
	size_t max;	/* largest len allowed */
};

#define OD_BUF_UNLIMITED ((size_t)-1 / 2)

void od_buf_init(struct od_buf *b, size_t max);
void od_buf_done(struct od_buf *b);
void od_buf_reset(struct od_buf *b);
/* 0, or -ENOMEM, or -E2BIG when the cap would be passed (b is unchanged). */
int od_buf_add(struct od_buf *b, const void *p, size_t n) OD_WARN_UNUSED;
int od_buf_addc(struct od_buf *b, char c) OD_WARN_UNUSED;
int od_buf_adds(struct od_buf *b, const char *s) OD_WARN_UNUSED;
int od_buf_addf(struct od_buf *b, const char *fmt, ...) OD_PRINTF(2, 3) OD_WARN_UNUSED;
int od_buf_vaddf(struct od_buf *b, const char *fmt, va_list ap) OD_PRINTF(2, 0) OD_WARN_UNUSED;
/* Append p in base64 (RFC 4648, with padding). 0 or as od_buf_add. */
int od_buf_add_base64(struct od_buf *b, const void *p, size_t n) OD_WARN_UNUSED;
/* Append what the base64 text decodes to: 0, -EINVAL for text that is not
 * padded base64 (b is then unchanged), or as od_buf_add. */
int od_buf_add_unbase64(struct od_buf *b, const char *text) OD_WARN_UNUSED;
/* The contents as a string; "" for an empty buffer. */
const char *od_buf_str(const struct od_buf *b);
/* Hand the contents to the caller (caller frees; never NULL unless out of
 * memory) and leave b empty. */
char *od_buf_steal(struct od_buf *b);
/* Append the whole file at path (a file larger than the buffer's cap is
 * an error that says so). */
struct od_error *od_buf_read_file(struct od_buf *b, const char *path) OD_WARN_UNUSED;

#endif
