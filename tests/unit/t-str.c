/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-str.c: unit tests for the small string helpers. */
#include "config.h"

#include "onetui/str.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static void
test_compare(void)
{
	static const struct {
		const char *a, *b;
		bool eq, ieq;
	} cases[] = {
		{ NULL, NULL, true, true },
		{ NULL, "", false, false },
		{ "", NULL, false, false },
		{ "a", NULL, false, false },
		{ "", "", true, true },
		{ "abc", "abc", true, true },
		{ "abc", "ABC", false, true },
		{ "Zone.Example.ORG", "zone.example.org", false, true },
		{ "abc", "abd", false, false },
		{ "abc", "ab", false, false },
		{ "ab", "abc", false, false },
		{ "a-b_c", "A-B_C", false, true },
		{ "\xc3\xa9", "\xc3\x89", false, false },	/* only ASCII folds */
	};
	static const struct {
		const char *s, *prefix;
		bool want;
	} starts[] = {
		{ "tokenRevoked", "token", true },
		{ "token", "token", true },
		{ "tok", "token", false },
		{ "Token", "token", false },
		{ "anything", "", true },
		{ "", "", true },
		{ "", "a", false },
		{ NULL, "a", false },
		{ "a", NULL, false },
		{ NULL, NULL, false },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		const char *a = cases[i].a ? cases[i].a : "(null)";
		const char *b = cases[i].b ? cases[i].b : "(null)";

		ok(od_str_eq(cases[i].a, cases[i].b) == cases[i].eq, "od_str_eq(%s, %s) is %s", a, b,
		   cases[i].eq ? "true" : "false");
		ok(od_str_ieq(cases[i].a, cases[i].b) == cases[i].ieq, "od_str_ieq(%s, %s) is %s", a,
		   b, cases[i].ieq ? "true" : "false");
	}
	for (i = 0; i < OD_ARRAY_SIZE(starts); i++)
		ok(od_str_starts(starts[i].s, starts[i].prefix) == starts[i].want,
		   "od_str_starts(%s, %s) is %s", starts[i].s ? starts[i].s : "(null)",
		   starts[i].prefix ? starts[i].prefix : "(null)", starts[i].want ? "true" : "false");
}

static void
test_dup(void)
{
	char *s;

	ok(od_strdup(NULL) == NULL, "od_strdup(NULL) is NULL");
	s = od_strdup("abc");
	is(s, "abc", "od_strdup copies");
	free(s);
	ok(od_strndup(NULL, 3) == NULL, "od_strndup(NULL) is NULL");
	s = od_strndup("abcdef", 3);
	is(s, "abc", "od_strndup takes n bytes");
	free(s);
	s = od_strndup("abcdef", 0);
	is(s, "", "od_strndup with n = 0 is \"\"");
	free(s);
	s = od_asprintf("%s-%04d", "x", 42);
	is(s, "x-0042", "od_asprintf formats");
	free(s);
	s = od_asprintf("%s", "");
	is(s, "", "od_asprintf with an empty result");
	free(s);
	s = od_strdup("secret");
	od_str_wipe_free(s);
	od_str_wipe_free(NULL);
	ok(1, "od_str_wipe_free of a string and of NULL");
}

static void
test_trim(void)
{
	static const struct {
		const char *name, *in, *want;
	} cases[] = {
		{ "empty", "", "" },
		{ "nothing to trim", "abc", "abc" },
		{ "leading spaces", "  abc", "abc" },
		{ "trailing spaces", "abc  ", "abc" },
		{ "all kinds of ASCII white space", " \t\r\n abc \n\v\f", "abc" },
		{ "inner white space kept", "a b\tc", "a b\tc" },
		{ "both ends, inner kept", "  a  b  ", "a  b" },
		{ "only spaces", "   ", "" },
		{ "only a newline", "\n", "" },
		{ "one character", "x", "x" },
		{ "one character after a space", " x", "x" },
		{ "one character before a space", "x ", "x" },
		{ "NBSP is not ASCII white space", "\xc2\xa0x\xc2\xa0", "\xc2\xa0x\xc2\xa0" },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		char *s = strdup(cases[i].in);
		char *r;

		if (!s)
			abort();
		r = od_str_trim(s);
		ok(r == s, "od_str_trim: %s: returns its argument", cases[i].name);
		is(s, cases[i].want, "od_str_trim: %s", cases[i].name);
		free(s);
	}
}

static void
test_size_human(void)
{
	static const struct {
		int64_t bytes;
		const char *want;
	} cases[] = {
		{ 0, "0 B" },
		{ 1, "1 B" },
		{ 512, "512 B" },
		{ 1023, "1023 B" },
		{ 1024, "1.0 KiB" },
		{ 1536, "1.5 KiB" },
		{ 10188, "9.9 KiB" },
		{ 10 * 1024, "10 KiB" },
		{ 100 * 1024 + 512, "100 KiB" },
		{ 1000 * 1024, "1000 KiB" },
		{ 1024 * 1024, "1.0 MiB" },
		{ 1536 * 1024, "1.5 MiB" },
		{ 1024LL * 1024 * 1024, "1.0 GiB" },
		{ 5LL * 1024 * 1024 * 1024 * 1024, "5.0 TiB" },
		{ 1LL << 50, "1.0 PiB" },
		{ 1LL << 60, "1.0 EiB" },
		{ INT64_MAX, "8.0 EiB" },
		{ -1, "-" },
		{ INT64_MIN, "-" },
	};
	/* Just below the next unit: must not print a four-digit value of the
	 * smaller unit rounded up to 1024. */
	static const struct {
		int64_t bytes;
		const char *want;
	} edge[] = {
		{ 1024 * 1024 - 1, "1.0 MiB" },
		{ 1024LL * 1024 * 1024 - 1, "1.0 GiB" },
	};
	/* Halves are rounded to the even neighbour, as printf rounds. */
	static const struct {
		int64_t bytes;
		const char *want;
	} halves[] = {
		{ 10 * 1024 + 512, "10 KiB" },
		{ 11 * 1024 + 512, "12 KiB" },
		{ 1022 * 1024 + 512, "1022 KiB" },
		{ 9 * 1024 * 1024 + 1024 * 1024 / 2, "9.5 MiB" },
		{ (1LL << 53) + 1, "8.0 PiB" },
	};
	char buf[OD_SIZE_BUFSZ];
	size_t i;
	int64_t differ = -1;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		const char *r = od_size_human(cases[i].bytes, buf);

		ok(r == buf, "od_size_human returns its buffer (%lld)", (long long)cases[i].bytes);
		is(r, cases[i].want, "od_size_human(%lld)", (long long)cases[i].bytes);
		ok(strlen(buf) <= 10, "od_size_human(%lld) fits in 10 bytes",
		   (long long)cases[i].bytes);
	}
	for (i = 0; i < OD_ARRAY_SIZE(edge); i++) {
		if (!is(od_size_human(edge[i].bytes, buf), edge[i].want, "od_size_human(%lld)",
			(long long)edge[i].bytes))
			diag("BUG (str.c od_size_human): a value that rounds up to 1024 of a unit "
			     "should be shown in the next unit");
	}
	for (i = 0; i < OD_ARRAY_SIZE(halves); i++)
		is(od_size_human(halves[i].bytes, buf), halves[i].want, "od_size_human(%lld)",
		   (long long)halves[i].bytes);
	/* Sizes are worked out in integers: the same text as printf's of the
	 * value in its unit, over a sweep of every unit. */
	for (int shift = 10; shift <= 50 && differ < 0; shift += 10) {
		for (int64_t b = (int64_t)1 << shift; b < ((int64_t)1 << (shift + 10)) && differ < 0;
		     b += ((int64_t)1 << shift) / 13 + 1) {
			char want[64];
			double v = (double)b / (double)((int64_t)1 << shift);
			const char *unit = shift == 10 ? "KiB" : shift == 20 ? "MiB" : shift == 30 ? "GiB"
					 : shift == 40 ? "TiB" : "PiB";
			if (v >= 1023.5)
				continue;
			snprintf(want, sizeof(want), v < 9.95 ? "%.1f %s" : "%.0f %s", v, unit);
			if (strcmp(od_size_human(b, buf), want) != 0)
				differ = b;
		}
	}
	ok(differ < 0, "od_size_human as printf would print it (first difference: %lld)", (long long)differ);
}

/* s with tabs and newlines made visible, for test names. */
static const char *
show(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (; *s && o + 3 < size; s++) {
		if (*s == '\n' || *s == '\t') {
			buf[o++] = '\\';
			buf[o++] = *s == '\n' ? 'n' : 't';
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
	return buf;
}

static void
test_parse_long(void)
{
	static const struct {
		const char *in;
		long lo, hi;
		bool ok;
		long want;
	} cases[] = {
		{ "0", 0, 10, true, 0 },
		{ "10", 0, 10, true, 10 },
		{ "11", 0, 10, false, 0 },
		{ "-1", 0, 10, false, 0 },
		{ "-1", -5, 5, true, -1 },
		{ "-5", -5, 5, true, -5 },
		{ "-6", -5, 5, false, 0 },
		{ "443", 1, 65535, true, 443 },
		{ "65535", 1, 65535, true, 65535 },
		{ "65536", 1, 65535, false, 0 },
		{ "0", 1, 65535, false, 0 },
		{ "007", 0, 10, true, 7 },
		{ "+7", 0, 10, true, 7 },
		{ "", 0, 10, false, 0 },
		{ " 5", 0, 10, false, 0 },
		{ "5 ", 0, 10, false, 0 },
		{ "\t5", 0, 10, false, 0 },
		{ "5\n", 0, 10, false, 0 },
		{ "5x", 0, 10, false, 0 },
		{ "x5", 0, 10, false, 0 },
		{ "0x10", 0, 100, false, 0 },
		{ "1.5", 0, 10, false, 0 },
		{ "1e3", 0, 10000, false, 0 },
		{ "-", 0, 10, false, 0 },
		{ "+", 0, 10, false, 0 },
		{ "9223372036854775807", LONG_MIN, LONG_MAX, true, LONG_MAX },
		{ "-9223372036854775808", LONG_MIN, LONG_MAX, true, LONG_MIN },
		{ "9223372036854775808", LONG_MIN, LONG_MAX, false, 0 },
		{ "-9223372036854775809", LONG_MIN, LONG_MAX, false, 0 },
		{ "99999999999999999999999", LONG_MIN, LONG_MAX, false, 0 },
	};
	char name[64];
	size_t i;
	long v;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		bool r;

		v = 12345;
		r = od_parse_long(cases[i].in, cases[i].lo, cases[i].hi, &v);
		ok(r == cases[i].ok && v == (cases[i].ok ? cases[i].want : 12345),
		   "od_parse_long(\"%s\", %ld, %ld) %s", show(cases[i].in, name, sizeof(name)),
		   cases[i].lo, cases[i].hi,
		   cases[i].ok ? "accepted" : "refused, *out untouched");
		if (r != cases[i].ok)
			diag("returned %s, value %ld", r ? "true" : "false", v);
	}
	v = 1;
	ok(!od_parse_long(NULL, 0, 10, &v) && v == 1, "od_parse_long(NULL) refused");
}

static void
test_time(void)
{
	static const struct {
		int64_t t;
		const char *want;
	} cases[] = {
		{ 0, "1970-01-01T00:00:00Z" },
		{ 1, "1970-01-01T00:00:01Z" },
		{ 86399, "1970-01-01T23:59:59Z" },
		{ 951782400, "2000-02-29T00:00:00Z" },
		{ 1700000000, "2023-11-14T22:13:20Z" },
		{ 2147483647, "2038-01-19T03:14:07Z" },
		{ 2147483648LL, "2038-01-19T03:14:08Z" },
		{ -1, "1969-12-31T23:59:59Z" },
		{ 4102444800LL, "2100-01-01T00:00:00Z" },
	};
	char buf[OD_TIME_BUFSZ];
	const char *r;
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++)
		is(od_time_iso(cases[i].t, buf), cases[i].want, "od_time_iso(%lld)",
		   (long long)cases[i].t);
	r = od_time_iso(INT64_MAX, buf);
	is(r, "-", "od_time_iso(INT64_MAX) is \"-\"");

	/* local time: only the shape, as the time zone is the machine's */
	r = od_time_short(1700000000, buf);
	like(r, "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$", "od_time_short shape");
	r = od_time_short(INT64_MAX, buf);
	is(r, "-", "od_time_short(INT64_MAX) is \"-\"");
	r = od_date_local(1700000000, buf);
	like(r, "^2023-11-1[45]$", "od_date_local: the day alone, in local time");
	is(od_date_local(INT64_MAX, buf), "-", "od_date_local(INT64_MAX) is \"-\"");
}

static void
test_mode(void)
{
	static const struct {
		char type;
		unsigned mode;
		const char *want;
	} cases[] = {
		{ 'd', 0755, "drwxr-xr-x" },
		{ '-', 0664, "-rw-rw-r--" },
		{ '-', 0600, "-rw-------" },
		{ '-', 0, "----------" },
		{ '-', 0777, "-rwxrwxrwx" },
		{ 'd', 01777, "drwxrwxrwt" },
		{ 'd', 01776, "drwxrwxrwT" },
		{ 'l', 0777, "lrwxrwxrwx" },
		{ '-', 0100644, "-rw-r--r--" },	/* file type bits ignored */
	};
	char buf[11];
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++)
		is(od_mode_string(cases[i].type, cases[i].mode, buf), cases[i].want,
		   "od_mode_string('%c', %04o)", cases[i].type, cases[i].mode);
}

static void
test_utf8(void)
{
	static const struct {
		const char *name;
		const char *in;
		size_t n;
		size_t want_len;
		unsigned want_cp;
	} cases[] = {
		{ "ASCII", "A", 1, 1, 0x41 },
		{ "NUL", "\0", 1, 1, 0 },
		{ "DEL", "\x7f", 1, 1, 0x7f },
		{ "2-byte first U+0080", "\xc2\x80", 2, 2, 0x80 },
		{ "2-byte e acute", "\xc3\xa9", 2, 2, 0xe9 },
		{ "2-byte last U+07FF", "\xdf\xbf", 2, 2, 0x7ff },
		{ "3-byte first U+0800", "\xe0\xa0\x80", 3, 3, 0x800 },
		{ "3-byte CJK", "\xe8\xa9\xa6", 3, 3, 0x8a66 },
		{ "3-byte before surrogates U+D7FF", "\xed\x9f\xbf", 3, 3, 0xd7ff },
		{ "3-byte after surrogates U+E000", "\xee\x80\x80", 3, 3, 0xe000 },
		{ "3-byte U+FFFF", "\xef\xbf\xbf", 3, 3, 0xffff },
		{ "4-byte first U+10000", "\xf0\x90\x80\x80", 4, 4, 0x10000 },
		{ "4-byte emoji", "\xf0\x9f\x91\xa8", 4, 4, 0x1f468 },
		{ "4-byte last U+10FFFF", "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "decodes only the first of several", "\xc3\xa9\xc3\xa9", 4, 2, 0xe9 },
		{ "lone continuation", "\x80", 1, 0, 0 },
		{ "continuation BF", "\xbf", 1, 0, 0 },
		{ "overlong C0 AF", "\xc0\xaf", 2, 0, 0 },
		{ "overlong C1 BF", "\xc1\xbf", 2, 0, 0 },
		{ "NUL pair C0 80 (overlong NUL)", OD_NUL_PAIR, 2, 0, 0 },
		{ "overlong E0 80 AF", "\xe0\x80\xaf", 3, 0, 0 },
		{ "overlong E0 9F BF", "\xe0\x9f\xbf", 3, 0, 0 },
		{ "overlong F0 8F BF BF", "\xf0\x8f\xbf\xbf", 4, 0, 0 },
		{ "surrogate ED A0 80", "\xed\xa0\x80", 3, 0, 0 },
		{ "surrogate ED BF BF", "\xed\xbf\xbf", 3, 0, 0 },
		{ "above U+10FFFF F4 90 80 80", "\xf4\x90\x80\x80", 4, 0, 0 },
		{ "F5 lead", "\xf5\x80\x80\x80", 4, 0, 0 },
		{ "FF", "\xff", 1, 0, 0 },
		{ "truncated 2-byte (n=1)", "\xc3\xa9", 1, 0, 0 },
		{ "truncated 3-byte (n=2)", "\xe8\xa9\xa6", 2, 0, 0 },
		{ "truncated 4-byte (n=3)", "\xf0\x9f\x91\xa8", 3, 0, 0 },
		{ "truncated 4-byte (n=1)", "\xf0\x9f\x91\xa8", 1, 0, 0 },
		{ "2-byte lead then ASCII", "\xc3" "A", 2, 0, 0 },
		{ "3-byte, bad third byte", "\xe8\xa9" "A", 3, 0, 0 },
		{ "4-byte, bad fourth byte", "\xf0\x9f\x91" "A", 4, 0, 0 },
		{ "4-byte, bad third byte", "\xf0\x9f\xc0\xa8", 4, 0, 0 },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		unsigned cp = 0xdeadbeef;
		size_t n = od_utf8_decode((const unsigned char *)cases[i].in, cases[i].n, &cp);

		if (cases[i].want_len)
			ok(n == cases[i].want_len && cp == cases[i].want_cp,
			   "od_utf8_decode: %s -> U+%04X, %zu bytes", cases[i].name,
			   cases[i].want_cp, cases[i].want_len);
		else
			ok(n == 0, "od_utf8_decode: %s is refused", cases[i].name);
		if (n != cases[i].want_len)
			diag("got length %zu, code point U+%04X", n, cp);
	}
}

static void
test_nul_pair(void)
{
	static const struct {
		const char *name, *in;
		size_t n;
		bool want;
	} cases[] = {
		{ "C0 80", OD_NUL_PAIR, 2, true },
		{ "C0 80 followed by more", OD_NUL_PAIR "abc", 5, true },
		{ "C0 80 with one byte available", OD_NUL_PAIR, 1, false },
		{ "C0 AF", "\xc0\xaf", 2, false },
		{ "C1 80", "\xc1\x80", 2, false },
		{ "NUL byte", "\0\0", 2, false },
		{ "ASCII", "ab", 2, false },
		{ "nothing available", OD_NUL_PAIR, 0, false },
	};
	size_t i;

	cmp_ok(strlen(OD_NUL_PAIR), "==", 2, "OD_NUL_PAIR is two bytes");
	for (i = 0; i < OD_ARRAY_SIZE(cases); i++)
		ok(od_is_nul_pair((const unsigned char *)cases[i].in, cases[i].n) == cases[i].want,
		   "od_is_nul_pair: %s is %s", cases[i].name, cases[i].want ? "true" : "false");
}

static void
test_strset(void)
{
	enum { N = 20000 };
	static const char prefix[] =
		"0000000000000000000000000000000000000000000000000000000000000000"
		"guid#space_id#3f7b9c2d1e0a4b5c6d7e8f9a0b1c2d3e#file_";
	struct od_strset set;
	char id[sizeof(prefix) + 16];
	int rc, added = 0, dup = 0, err = 0, again = 0;
	size_t i;

	od_strset_init(&set);
	ok(set.n == 0 && set.slots == NULL, "strset: init is empty");
	rc = od_strset_add(&set, "a");
	cmp_ok(rc, "==", 1, "strset: first add returns 1");
	rc = od_strset_add(&set, "a");
	cmp_ok(rc, "==", 0, "strset: duplicate returns 0");
	rc = od_strset_add(&set, "");
	cmp_ok(rc, "==", 1, "strset: the empty string can be added");
	rc = od_strset_add(&set, "");
	cmp_ok(rc, "==", 0, "strset: the empty string is found again");
	rc = od_strset_add(&set, "A");
	cmp_ok(rc, "==", 1, "strset: comparison is case-sensitive");
	cmp_ok(set.n, "==", 3, "strset: three members");
	{
		/* the set keeps its own copy */
		char tmp[] = "transient";

		rc = od_strset_add(&set, tmp);
		memset(tmp, 'x', sizeof(tmp) - 1);
		cmp_ok(od_strset_add(&set, "transient"), "==", 0,
		       "strset: a copy is stored (caller's string changed) %d", rc);
	}
	od_strset_done(&set);
	ok(set.n == 0 && set.slots == NULL && set.cap == 0, "strset: done leaves it empty");
	od_strset_done(&set);
	ok(1, "strset: done twice is harmless");

	/* many ids that differ only at the end of a long common prefix */
	od_strset_init(&set);
	for (i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "%s%zu", prefix, i);
		rc = od_strset_add(&set, id);
		if (rc == 1)
			added++;
		else if (rc == 0)
			dup++;
		else
			err++;
	}
	cmp_ok(added, "==", N, "strset: %d distinct long-prefix ids all added", N);
	cmp_ok(dup + err, "==", 0, "strset: none taken for a duplicate, no errors");
	cmp_ok(set.n, "==", N, "strset: count is %d", N);
	ok(set.cap >= 2 * set.n && (set.cap & (set.cap - 1)) == 0,
	   "strset: table at most half full, power-of-two size (%zu)", set.cap);
	for (i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "%s%zu", prefix, i);
		if (od_strset_add(&set, id) != 0)
			again++;
	}
	cmp_ok(again, "==", 0, "strset: every id is found again after growth");
	snprintf(id, sizeof(id), "%s%d", prefix, N);
	cmp_ok(od_strset_add(&set, id), "==", 1, "strset: a new id is still new");
	snprintf(id, sizeof(id), "%s", prefix);
	cmp_ok(od_strset_add(&set, id), "==", 1, "strset: the bare prefix is a distinct member");
	cmp_ok(set.n, "==", N + 2, "strset: final count");
	od_strset_done(&set);
}

static void
test_parse_duration(void)
{
	static const struct {
		const char *in;
		bool unit_required, good;
		int64_t ms;
	} cases[] = {
		{ "30", false, true, 30000 },	 { "30", true, false, 0 },	   { "500ms", true, true, 500 },
		{ "30s", true, true, 30000 },	 { "5m", false, true, 300000 },	   { "2h", true, true, 7200000 },
		{ "7d", true, true, 604800000 }, { "2w", true, true, 1209600000 }, { "0s", true, true, 0 },
		{ "", false, false, 0 },	 { "s", false, false, 0 },	   { "-5s", false, false, 0 },
		{ "5 s", false, false, 0 },	 { "5x", false, false, 0 },	   { "1.5h", false, false, 0 },
		{ "5sec", false, false, 0 },	 { "99999999999s", false, false, 0 },
	};

	for (size_t i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		int64_t v = -1;
		bool r = od_parse_duration_ms(cases[i].in, cases[i].unit_required, &v);
		ok(r == cases[i].good && (!r || v == cases[i].ms), "od_parse_duration_ms(\"%s\"%s) %s", cases[i].in,
		   cases[i].unit_required ? ", unit required" : "", cases[i].good ? "reads it" : "refuses it");
	}
	ok(!od_parse_duration_ms(NULL, false, &(int64_t){ 0 }), "od_parse_duration_ms(NULL) refused");
}

static void
test_path_absolute(void)
{
	char cwd[PATH_MAX], *want, *s;

	if (!getcwd(cwd, sizeof(cwd))) {
		ok(0, "getcwd");
		return;
	}
	setenv("HOME", "/home/alice", 1);
	s = od_path_absolute("/data/krios/", false);
	is(s, "/data/krios", "an absolute path keeps, without its trailing slashes");
	free(s);
	s = od_path_absolute("/", false);
	is(s, "/", "the root stays /");
	free(s);
	want = od_asprintf("%s/run-0042", cwd);
	s = od_path_absolute("run-0042//", false);
	is(s, want, "a relative path is below the working directory");
	free(s);
	free(want);
	s = od_path_absolute("~/scratch/", true);
	is(s, "/home/alice/scratch", "with tilde, ~/x is in $HOME");
	free(s);
	s = od_path_absolute("~", true);
	is(s, "/home/alice", "with tilde, ~ is $HOME");
	free(s);
	want = od_asprintf("%s/~/x", cwd);
	s = od_path_absolute("~/x", false);
	is(s, want, "without tilde, ~ is a name like any");
	free(s);
	free(want);
	want = od_asprintf("%s/~bob", cwd);
	s = od_path_absolute("~bob", true);
	is(s, want, "~user is not expanded");
	free(s);
	free(want);
}

int
main(void)
{
	test_compare();
	test_dup();
	test_trim();
	test_size_human();
	test_parse_long();
	test_parse_duration();
	test_time();
	test_mode();
	test_utf8();
	test_nul_pair();
	test_strset();
	test_path_absolute();
	return done_testing();
}
