/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz.h: what every fuzz target shares (libFuzzer entry point, checks). */
#ifndef ONETUI_FUZZ_H
#define ONETUI_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "onetui/str.h"

/* The entry point libFuzzer calls, and replay.c too. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which, then crash so that libFuzzer (or the
 * replay) reports the input. */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			__builtin_trap(); \
		} \
	} while (0)

/* Whether s[0..n) is strict UTF-8, as od_utf8_decode reads it. */
static inline bool
fuzz_valid_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, adv;
	unsigned cp;

	while (i < n) {
		if (!(adv = od_utf8_decode(p + i, n - i, &cp)))
			return false;
		i += adv;
	}
	return true;
}

#endif
