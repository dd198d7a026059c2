/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-peek.c: od_peek_page_token, the listing's early look for the next page. */
#include "config.h"

/* Internals of the core, visible in its unit-test build. */
#define OD_UNITTEST 1

#include <stdlib.h>
#include <string.h>

#include "core/core-int.h"

#include "fuzz.h"

/* Where the value of the last "nextPageToken" key starts (after the
 * quote), or NULL. */
static const char *
last_value(const char *data, size_t size)
{
	static const char key[] = "\"nextPageToken\"";
	const char *p = data, *end = data + size, *found = NULL;

	while ((p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1)) != NULL) {
		found = p;
		p++;
	}
	if (!found)
		return NULL;
	for (p = found + sizeof(key) - 1; p < end && strchr(" :\t\r\n", *p) && *p; p++)
		;
	return p < end && *p == '"' ? p + 1 : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *value;
	char *token = od_peek_page_token(text, size);
	size_t n;

	if (!token)
		return 0;
	/* A non-empty run of the input without quotes or backslashes... */
	n = strlen(token);
	FUZZ_CHECK(n > 0 && n <= size);
	FUZZ_CHECK(strpbrk(token, "\"\\") == NULL);
	/* ...which is the value of the last "nextPageToken" key. */
	value = last_value(text, size);
	FUZZ_CHECK(value != NULL);
	FUZZ_CHECK((size_t)(text + size - value) > n);
	FUZZ_CHECK(memcmp(value, token, n) == 0);
	FUZZ_CHECK(value[n] == '"');
	free(token);
	return 0;
}
