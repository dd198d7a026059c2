/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-sanitize.c: od_sanitize_append in both modes, and clipping its output. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/sanitize.h"
#include "onetui/str.h"

#include "fuzz.h"

static const int widths[] = { 0, 1, 2, 3, 4, 5, 7, 8, 13, 20, 80 };

/* What a sanitised string must be, whatever went in. */
static void
check_clean(const struct od_buf *out, unsigned flags)
{
	FUZZ_CHECK(strlen(od_buf_str(out)) == out->len);
	for (size_t i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->data[i];

		FUZZ_CHECK(c >= 0x20 && c != 0x7f);
		FUZZ_CHECK(!(flags & OD_SAN_ASCII) || c < 0x80);
	}
	FUZZ_CHECK(fuzz_valid_utf8(od_buf_str(out), out->len));
}

/* Clipping never splits a character and stays within the width. */
static void
check_clip(const char *s)
{
	size_t len = strlen(s), prev = 0, n;
	int total = od_display_width(s), cols;

	FUZZ_CHECK(total >= 0);
	for (size_t i = 0; i < OD_ARRAY_SIZE(widths); i++) {
		int w = widths[i];

		n = od_display_clip(s, w, &cols);
		FUZZ_CHECK(n <= len);
		FUZZ_CHECK(cols >= 0 && cols <= w);
		FUZZ_CHECK(fuzz_valid_utf8(s, n));
		FUZZ_CHECK(n >= prev);	/* wider never clips more */
		FUZZ_CHECK(cols <= total);
		prev = n;
	}
	n = od_display_clip(s, INT_MAX, &cols);
	FUZZ_CHECK(n == len);
	FUZZ_CHECK(cols == total);
}

static void
run(const char *data, size_t size, unsigned flags)
{
	struct od_buf out, part;
	char *copy, *s;

	od_buf_init(&out, OD_BUF_UNLIMITED);
	FUZZ_CHECK(od_sanitize_append(&out, data, size, flags) == 0);
	check_clean(&out, flags);
	check_clip(od_buf_str(&out));

	/* With a cap, a prefix of the whole ending between characters. */
	od_buf_init(&part, out.len / 2);
	if (out.len > 0) {
		FUZZ_CHECK(od_sanitize_append(&part, data, size, flags) == -E2BIG);
		FUZZ_CHECK(part.len <= out.len / 2);
		FUZZ_CHECK(memcmp(od_buf_str(&part), out.data, part.len) == 0);
		check_clean(&part, flags);
	}
	od_buf_done(&part);

	/* The NUL-terminated form gives the same up to the first NUL. */
	copy = od_strndup(data, size);
	FUZZ_CHECK(copy != NULL);
	s = od_sanitize(copy, flags);
	FUZZ_CHECK(s != NULL);
	if (!memchr(data, '\0', size))
		FUZZ_CHECK(strcmp(s, od_buf_str(&out)) == 0);
	free(s);
	/* Raw, unsanitised text must not trip the measuring either. */
	(void)od_display_width(copy);
	(void)od_display_clip(copy, (int)(size % 97), NULL);
	free(copy);
	od_buf_done(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run((const char *)data, size, 0);
	run((const char *)data, size, OD_SAN_ASCII);
	return 0;
}
