/* SPDX-License-Identifier: GPL-3.0-or-later */
/* buf.c: growable, capped byte buffer. */
#include "config.h"

#include "onetui/buf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/i18n.h"

void
od_buf_init(struct od_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
od_buf_done(struct od_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
od_buf_reset(struct od_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus the terminating NUL. */
static int
reserve(struct od_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > b->max || b->len > b->max - n)
		return -E2BIG;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
od_buf_add(struct od_buf *b, const void *p, size_t n)
{
	int rc = reserve(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
od_buf_addc(struct od_buf *b, char c)
{
	return od_buf_add(b, &c, 1);
}

int
od_buf_adds(struct od_buf *b, const char *s)
{
	return od_buf_add(b, s, strlen(s));
}

int
od_buf_vaddf(struct od_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n, rc;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return -EINVAL;
	rc = reserve(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
od_buf_addf(struct od_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = od_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
od_buf_str(const struct od_buf *b)
{
	return b->data ? b->data : "";
}

char *
od_buf_steal(struct od_buf *b)
{
	char *s = b->data;

	if (!s)
		s = calloc(1, 1);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return s;
}

struct od_error *
od_buf_read_file(struct od_buf *b, const char *path)
{
	FILE *f = fopen(path, "rbe");
	char chunk[8192];
	size_t n;
	int rc = 0, failed;

	if (!f)
		return od_error_errno(OD_ERR_IO, errno, _("Cannot read %s"), path);
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = od_buf_add(b, chunk, n);
	failed = ferror(f);
	fclose(f);
	if (rc == -E2BIG)
		return od_error_new(OD_ERR_INPUT, _("%s is larger than %zu bytes"), path, b->max);
	if (rc)
		return od_error_nomem();
	return failed ? od_error_errno(OD_ERR_IO, EIO, _("Cannot read %s"), path) : NULL;
}

static const char base64_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
od_buf_add_base64(struct od_buf *b, const void *data, size_t n)
{
	const unsigned char *p = data;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		char q[4] = { base64_digits[v >> 18 & 63], base64_digits[v >> 12 & 63],
			      i + 1 < n ? base64_digits[v >> 6 & 63] : '=', i + 2 < n ? base64_digits[v & 63] : '=' };
		rc = od_buf_add(b, q, 4);
	}
	return rc;
}

int
od_buf_add_unbase64(struct od_buf *b, const char *text)
{
	size_t n = strlen(text), pad = 0, start = b->len;
	int rc = 0;

	if (n % 4)
		return -EINVAL;
	while (pad < 2 && pad < n && text[n - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < n && rc == 0; i += 4) {
		bool last = i + 4 == n;
		unsigned v = 0;
		char out[3];

		for (size_t k = 0; k < 4; k++) {
			char c = text[i + k];
			const char *d = c != '=' ? strchr(base64_digits, c) : NULL;

			if (!d && !(last && k >= 4 - pad)) {
				b->len = start;
				if (b->data)
					b->data[start] = '\0';
				return -EINVAL;
			}
			v = v << 6 | (d ? (unsigned)(d - base64_digits) : 0);
		}
		out[0] = (char)(v >> 16);
		out[1] = (char)(v >> 8);
		out[2] = (char)v;
		rc = od_buf_add(b, out, last ? 3 - pad : 3);
	}
	return rc;
}
