/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-buf.c: unit tests for the growable, capped byte buffer. */
#include "config.h"

#include "onetui/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

/* Whether b holds exactly the n bytes want, NUL-terminated. */
static bool
holds(const struct od_buf *b, const char *want, size_t n)
{
	return b->len == n && b->data && memcmp(b->data, want, n) == 0 && b->data[n] == '\0';
}

static void
test_fresh(void)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "init: empty, nothing allocated");
	cmp_ok(b.max, "==", OD_BUF_UNLIMITED, "init: max recorded");
	is(od_buf_str(&b), "", "od_buf_str of a fresh buffer is \"\"");
	od_buf_reset(&b);
	ok(b.data == NULL && b.len == 0, "reset of a fresh buffer is harmless");
	od_buf_done(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "done of a fresh buffer is harmless");
	od_buf_done(&b);
	ok(b.data == NULL, "done twice is harmless");
}

static void
test_add(void)
{
	struct od_buf b;
	int rc;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_buf_add(&b, "abc", 3);
	cmp_ok(rc, "==", 0, "add: returns 0");
	ok(holds(&b, "abc", 3), "add: contents and terminating NUL");
	rc = od_buf_add(&b, "de\0f", 4);
	cmp_ok(rc, "==", 0, "add with an embedded NUL: returns 0");
	ok(holds(&b, "abcde\0f", 7), "add: embedded NUL kept, length counts it");
	rc = od_buf_add(&b, NULL, 0);
	cmp_ok(rc, "==", 0, "add of 0 bytes from NULL: returns 0");
	cmp_ok(b.len, "==", 7, "add of 0 bytes: length unchanged");
	od_buf_done(&b);

	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_buf_add(&b, "", 0);
	cmp_ok(rc, "==", 0, "add of 0 bytes to a fresh buffer: returns 0");
	ok(b.data && b.data[0] == '\0' && b.len == 0, "add of 0 bytes: data is an empty string");
	od_buf_done(&b);

	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_buf_addc(&b, 'x');
	rc = rc ? rc : od_buf_addc(&b, '\0');
	rc = rc ? rc : od_buf_addc(&b, 'y');
	cmp_ok(rc, "==", 0, "addc: returns 0");
	ok(holds(&b, "x\0y", 3), "addc: each character appended, NUL too");
	od_buf_done(&b);

	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_buf_adds(&b, "hello");
	rc = rc ? rc : od_buf_adds(&b, "");
	rc = rc ? rc : od_buf_adds(&b, ", world");
	cmp_ok(rc, "==", 0, "adds: returns 0");
	is(od_buf_str(&b), "hello, world", "adds: strings concatenated");
	cmp_ok(b.len, "==", 12, "adds: length");
	od_buf_done(&b);
}

static void
test_addf(void)
{
	static const struct {
		const char *name, *want;
	} cases[] = {
		{ "integers", "n=42 neg=-7 hex=ff" },
		{ "string and char", "s=[abc] c=Z" },
		{ "percent", "100%" },
		{ "empty result", "" },
		{ "size_t and long long", "z=18446744073709551615 ll=-9223372036854775807" },
	};
	struct od_buf b;
	char big[1000];
	int rc[5];

	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc[0] = od_buf_addf(&b, "n=%d neg=%d hex=%x", 42, -7, 255u);
	is(rc[0] ? "(error)" : od_buf_str(&b), cases[0].want, "addf: %s", cases[0].name);
	od_buf_reset(&b);
	rc[1] = od_buf_addf(&b, "s=[%s] c=%c", "abc", 'Z');
	is(rc[1] ? "(error)" : od_buf_str(&b), cases[1].want, "addf: %s", cases[1].name);
	od_buf_reset(&b);
	rc[2] = od_buf_addf(&b, "%d%%", 100);
	is(rc[2] ? "(error)" : od_buf_str(&b), cases[2].want, "addf: %s", cases[2].name);
	od_buf_reset(&b);
	rc[3] = od_buf_addf(&b, "%s", "");
	is(rc[3] ? "(error)" : od_buf_str(&b), cases[3].want, "addf: %s", cases[3].name);
	ok(b.data != NULL, "addf: empty result still leaves a string");
	od_buf_reset(&b);
	rc[4] = od_buf_addf(&b, "z=%zu ll=%lld", (size_t)-1, -9223372036854775807LL);
	is(rc[4] ? "(error)" : od_buf_str(&b), cases[4].want, "addf: %s", cases[4].name);
	od_buf_done(&b);

	/* appending after existing content, and output longer than the first allocation */
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc[0] = od_buf_adds(&b, "head:");
	rc[0] = rc[0] ? rc[0] : od_buf_addf(&b, "%s|%d", big, 7);
	cmp_ok(rc[0], "==", 0, "addf: long output after content returns 0");
	cmp_ok(b.len, "==", 5 + 999 + 2, "addf: long output length");
	ok(b.len == 1006 && strncmp(b.data, "head:qqq", 8) == 0 &&
	   strcmp(b.data + 5 + 999, "|7") == 0, "addf: long output contents");
	od_buf_done(&b);
}

/* Many small appends grow the buffer and keep every byte. */
static void
test_growth(void)
{
	enum { N = 100000 };
	struct od_buf b;
	size_t i, bad = 0;
	int rc = 0;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (i = 0; i < N && rc == 0; i++)
		rc = od_buf_addc(&b, (char)('a' + i % 26));
	cmp_ok(rc, "==", 0, "growth: %d single-byte appends succeed", N);
	cmp_ok(b.len, "==", N, "growth: length %d", N);
	ok(b.cap > b.len, "growth: capacity leaves room for the NUL");
	for (i = 0; i < b.len; i++)
		if (b.data[i] != (char)('a' + i % 26))
			bad++;
	cmp_ok(bad, "==", 0, "growth: every byte where it was put");
	ok(b.data[N] == '\0', "growth: NUL-terminated");
	od_buf_done(&b);

	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = 0;
	for (i = 0; i < 5000 && rc == 0; i++)
		rc = od_buf_addf(&b, "%05zu,", i);
	cmp_ok(rc, "==", 0, "growth: 5000 formatted appends succeed");
	cmp_ok(b.len, "==", 5000 * 6, "growth: formatted length");
	ok(b.len == 30000 && strncmp(b.data, "00000,00001,", 12) == 0 &&
	   strcmp(b.data + b.len - 6, "04999,") == 0, "growth: formatted contents");
	od_buf_done(&b);
}

static void
test_cap(void)
{
	struct od_buf b;
	size_t cap_before;
	char *data_before;
	int rc;

	od_buf_init(&b, 8);
	rc = od_buf_add(&b, "12345678", 8);
	cmp_ok(rc, "==", 0, "cap: filling exactly to the cap is fine");
	ok(holds(&b, "12345678", 8), "cap: contents at the cap");
	rc = od_buf_add(&b, "", 0);
	cmp_ok(rc, "==", 0, "cap: adding nothing at the cap is fine");
	cap_before = b.cap;
	data_before = b.data;
	rc = od_buf_addc(&b, '9');
	cmp_ok(rc, "==", -E2BIG, "cap: one byte beyond is -E2BIG (addc)");
	ok(holds(&b, "12345678", 8) && b.cap == cap_before && b.data == data_before,
	   "cap: buffer unchanged after -E2BIG");
	rc = od_buf_adds(&b, "xyz");
	cmp_ok(rc, "==", -E2BIG, "cap: adds beyond is -E2BIG");
	rc = od_buf_addf(&b, "%d", 1);
	cmp_ok(rc, "==", -E2BIG, "cap: addf beyond is -E2BIG");
	ok(holds(&b, "12345678", 8), "cap: still unchanged after adds/addf failures");
	od_buf_done(&b);

	od_buf_init(&b, 8);
	rc = od_buf_adds(&b, "abcde");
	rc = rc ? rc : od_buf_add(&b, "fghij", 5);
	cmp_ok(rc, "==", -E2BIG, "cap: an append that straddles the cap is -E2BIG");
	ok(holds(&b, "abcde", 5), "cap: nothing of the straddling append is kept");
	rc = od_buf_addf(&b, "%s", "fgh");
	cmp_ok(rc, "==", 0, "cap: addf reaching the cap exactly is fine");
	is(od_buf_str(&b), "abcdefgh", "cap: contents after addf to the cap");
	od_buf_done(&b);

	od_buf_init(&b, 4);
	rc = od_buf_addf(&b, "%s", "abcde");
	cmp_ok(rc, "==", -E2BIG, "cap: addf longer than the cap on a fresh buffer");
	ok(b.len == 0 && od_buf_str(&b)[0] == '\0', "cap: fresh buffer stays empty");
	od_buf_done(&b);

	od_buf_init(&b, 0);
	rc = od_buf_addc(&b, 'a');
	cmp_ok(rc, "==", -E2BIG, "cap 0: any byte is -E2BIG");
	rc = od_buf_add(&b, "", 0);
	cmp_ok(rc, "==", 0, "cap 0: adding nothing is fine");
	is(od_buf_str(&b), "", "cap 0: still empty");
	od_buf_done(&b);

	/* a huge length must not wrap around in the size computation */
	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_buf_adds(&b, "ab");
	rc = rc ? rc : od_buf_add(&b, "x", (size_t)-1);
	cmp_ok(rc, "==", -E2BIG, "unlimited: SIZE_MAX bytes is -E2BIG, no overflow");
	rc = od_buf_add(&b, "x", OD_BUF_UNLIMITED - 1);
	cmp_ok(rc, "==", -E2BIG, "unlimited: len + n just above the max is -E2BIG");
	is(od_buf_str(&b), "ab", "unlimited: contents unchanged");
	od_buf_done(&b);

	/* the cap applies again after a reset */
	od_buf_init(&b, 3);
	rc = od_buf_adds(&b, "abc");
	od_buf_reset(&b);
	rc = rc ? rc : od_buf_adds(&b, "xyz");
	cmp_ok(rc, "==", 0, "cap: the full cap is available again after reset");
	is(od_buf_str(&b), "xyz", "cap: contents after reset and refill");
	od_buf_done(&b);
}

static void
test_reset(void)
{
	struct od_buf b;
	size_t cap;
	int rc;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_buf_adds(&b, "some text");
	cmp_ok(rc, "==", 0, "reset: setup");
	cap = b.cap;
	od_buf_reset(&b);
	ok(b.len == 0 && b.data && b.data[0] == '\0', "reset: empty string, memory kept");
	cmp_ok(b.cap, "==", cap, "reset: capacity kept");
	is(od_buf_str(&b), "", "reset: od_buf_str is \"\"");
	rc = od_buf_adds(&b, "new");
	cmp_ok(rc, "==", 0, "reset: append after reset");
	is(od_buf_str(&b), "new", "reset: only the new contents");
	od_buf_done(&b);
}

static void
test_steal(void)
{
	struct od_buf b;
	char *s;
	int rc;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	s = od_buf_steal(&b);
	ok(s != NULL, "steal of a fresh buffer: not NULL");
	is(s, "", "steal of a fresh buffer: \"\"");
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "steal: buffer left empty");
	free(s);

	rc = od_buf_adds(&b, "payload");
	cmp_ok(rc, "==", 0, "steal: setup");
	s = od_buf_steal(&b);
	is(s, "payload", "steal: contents handed over");
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "steal: buffer empty afterwards");
	is(od_buf_str(&b), "", "steal: od_buf_str is \"\" afterwards");
	rc = od_buf_adds(&b, "again");
	cmp_ok(rc, "==", 0, "steal: the buffer is usable afterwards");
	is(od_buf_str(&b), "again", "steal: new contents independent of the stolen string");
	is(s, "payload", "steal: the stolen string is untouched by later appends");
	free(s);
	s = od_buf_steal(&b);
	is(s, "again", "steal: second steal");
	free(s);

	rc = od_buf_adds(&b, "x");
	od_buf_reset(&b);
	s = od_buf_steal(&b);
	ok(rc == 0 && s && *s == '\0', "steal after reset: \"\"");
	free(s);
	od_buf_done(&b);
}

/* od_buf_vaddf through a variadic wrapper, as callers use it. */
static int OD_PRINTF(2, 3)
wrap(struct od_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = od_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

static void
test_vaddf(void)
{
	struct od_buf b;
	int rc;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = wrap(&b, "%s-%d", "v", 3);
	rc = rc ? rc : wrap(&b, "/%s", "w");
	cmp_ok(rc, "==", 0, "vaddf: returns 0");
	is(od_buf_str(&b), "v-3/w", "vaddf: formatted and appended");
	od_buf_done(&b);
}

int
main(void)
{
	test_fresh();
	test_add();
	test_addf();
	test_growth();
	test_cap();
	test_reset();
	test_steal();
	test_vaddf();
	return done_testing();
}
