/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-sanitize.c: unit tests for terminal escaping and display widths. */
#include "config.h"

#include "onetui/sanitize.h"

#include <errno.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tap.h"

/* Internal of sanitize.c, visible in the OD_UNITTEST build. */
int od_san_builtin_width(uint32_t cp);

/* man ZWJ woman ZWJ girl */
#define FAMILY "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7"

/* Input length that means "use strlen". */
#define STR ((size_t)-1)

/* A C.UTF-8 locale object for reference wcwidth() values, or 0. */
static locale_t utf8;

struct san_case {
	const char *name;
	const char *in;
	size_t len;
	unsigned flags;
	const char *want;
};

static const struct san_case san_cases[] = {
	/* printable ASCII */
	{ "empty string", "", STR, 0, "" },
	{ "plain file name", "results-2024_v2.csv", STR, 0, "results-2024_v2.csv" },
	{ "spaces and punctuation", "a b~c!{d}[e]", STR, 0, "a b~c!{d}[e]" },
	{ "backslash stays plain", "dir\\file \\e \\x41", STR, 0, "dir\\file \\e \\x41" },
	/* C0 controls and DEL */
	{ "newline", "line1\nline2", STR, 0, "line1\\nline2" },
	{ "tab", "a\tb", STR, 0, "a\\tb" },
	{ "carriage return", "a\rb", STR, 0, "a\\rb" },
	{ "lone ESC", "\x1b", STR, 0, "\\e" },
	{ "BEL", "\x07", STR, 0, "\\x07" },
	{ "SOH", "a\x01", STR, 0, "a\\x01" },
	{ "backspace", "abc\x08\x08x", STR, 0, "abc\\x08\\x08x" },
	{ "vertical tab and form feed", "\x0b\x0c", STR, 0, "\\x0b\\x0c" },
	{ "unit separator 0x1f", "\x1f", STR, 0, "\\x1f" },
	{ "DEL", "x\x7fy", STR, 0, "x\\x7fy" },
	{ "NUL in the middle (explicit length)", "a\0b", 3, 0, "a\\x00b" },
	{ "NUL at the end (explicit length)", "ab\0", 3, 0, "ab\\x00" },
	{ "explicit length stops early", "abc\x1b[2J", 3, 0, "abc" },
	{ "zero length", "\x1b", 0, 0, "" },
	/* hostile names */
	{ "SGR colour", "\x1b[31mred\x1b[0m", STR, 0, "\\e[31mred\\e[0m" },
	{ "OSC window title", "\x1b]0;pwned\x07", STR, 0, "\\e]0;pwned\\x07" },
	{ "OSC 8 hyperlink with ST", "\x1b]8;;http://x\x1b\\y", STR, 0,
	  "\\e]8;;http://x\\e\\y" },
	{ "clear screen", "\x1b[2J", STR, 0, "\\e[2J" },
	{ "C1 CSI U+009B", "\xc2\x9b" "2J", STR, 0, "\\u{009b}2J" },
	{ "C1 OSC/ST", "\xc2\x9d" "0;x\xc2\x9c", STR, 0, "\\u{009d}0;x\\u{009c}" },
	{ "C1 first U+0080", "\xc2\x80", STR, 0, "\\u{0080}" },
	{ "C1 NEL U+0085", "a\xc2\x85" "b", STR, 0, "a\\u{0085}b" },
	{ "C1 last U+009F", "\xc2\x9f", STR, 0, "\\u{009f}" },
	{ "U+00A0 after C1 is printable", "\xc2\xa0", STR, 0, "\xc2\xa0" },
	{ "RLO spoofed extension", "invoice\xe2\x80\xae" "exe.pdf", STR, 0,
	  "invoice\\u{202e}exe.pdf" },
	{ "BOM at start", "\xef\xbb\xbfname", STR, 0, "\\u{feff}name" },
	/* invalid UTF-8 */
	{ "lone continuation", "\x80", STR, 0, "\\x80" },
	{ "continuation between ASCII", "a\xbf" "b", STR, 0, "a\\xbfb" },
	{ "truncated 3-byte at end", "ab\xe8\xa9", STR, 0, "ab\\xe8\\xa9" },
	{ "truncated 2-byte at end", "x\xc3", STR, 0, "x\\xc3" },
	{ "truncated 4-byte at end", "\xf0\x9f\x98", STR, 0, "\\xf0\\x9f\\x98" },
	{ "truncated by explicit length", "\xc3\xa9", 1, 0, "\\xc3" },
	{ "lead byte then ASCII resumes", "\xc3" "A", STR, 0, "\\xc3A" },
	{ "3-byte lead then ASCII resumes", "\xe8\xa9" "A", STR, 0, "\\xe8\\xa9A" },
	{ "overlong slash C0 AF", "\xc0\xaf", STR, 0, "\\xc0\\xaf" },
	{ "overlong C1 BF", "\xc1\xbf", STR, 0, "\\xc1\\xbf" },
	{ "overlong 3-byte E0 80 AF", "\xe0\x80\xaf", STR, 0, "\\xe0\\x80\\xaf" },
	{ "overlong 4-byte F0 8F BF BF", "\xf0\x8f\xbf\xbf", STR, 0,
	  "\\xf0\\x8f\\xbf\\xbf" },
	{ "surrogate ED A0 80", "\xed\xa0\x80", STR, 0, "\\xed\\xa0\\x80" },
	{ "surrogate ED BF BF", "\xed\xbf\xbf", STR, 0, "\\xed\\xbf\\xbf" },
	{ "above U+10FFFF F4 90 80 80", "\xf4\x90\x80\x80", STR, 0,
	  "\\xf4\\x90\\x80\\x80" },
	{ "F5 lead", "\xf5\x80\x80\x80", STR, 0, "\\xf5\\x80\\x80\\x80" },
	{ "FE and FF", "\xfe\xff", STR, 0, "\\xfe\\xff" },
	{ "valid after invalid", "\xff\xc3\xa9", STR, 0, "\\xff\xc3\xa9" },
	{ "invalid escaped in ASCII mode too", "\xc0\xaf", STR, OD_SAN_ASCII, "\\xc0\\xaf" },
	/* valid multilingual text passes unchanged */
	{ "German", "M\xc3\xbcller Stra\xc3\x9f" "e", STR, 0, "M\xc3\xbcller Stra\xc3\x9f" "e" },
	{ "Polish", "Za\xc5\xbc\xc3\xb3\xc5\x82\xc4\x87 g\xc4\x99\xc5\x9bl\xc4\x85",
	  STR, 0, "Za\xc5\xbc\xc3\xb3\xc5\x82\xc4\x87 g\xc4\x99\xc5\x9bl\xc4\x85" },
	{ "Japanese", "\xe8\xa9\xa6\xe6\x96\x99", STR, 0, "\xe8\xa9\xa6\xe6\x96\x99" },
	{ "combining acute e+U+0301", "e\xcc\x81", STR, 0, "e\xcc\x81" },
	{ "Greek and Cyrillic", "\xce\xb1\xce\xb2 \xd0\xb6", STR, 0, "\xce\xb1\xce\xb2 \xd0\xb6" },
	{ "emoji ZWJ family", FAMILY, STR, 0, FAMILY },
	{ "emoji with VS16", "\xe2\x9d\xa4\xef\xb8\x8f", STR, 0, "\xe2\x9d\xa4\xef\xb8\x8f" },
	{ "flag regional indicators", "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa", STR, 0,
	  "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa" },
	{ "replacement character U+FFFD", "\xef\xbf\xbd", STR, 0, "\xef\xbf\xbd" },
	{ "first 4-byte U+10000", "\xf0\x90\x80\x80", STR, 0, "\xf0\x90\x80\x80" },
	{ "private use U+E000 after surrogates", "\xee\x80\x80", STR, 0, "\xee\x80\x80" },
	/* ASCII mode */
	{ "ASCII mode: plain ASCII", "data.h5", STR, OD_SAN_ASCII, "data.h5" },
	{ "ASCII mode: e acute", "\xc3\xa9", STR, OD_SAN_ASCII, "\\u{00e9}" },
	{ "ASCII mode: German", "M\xc3\xbcller", STR, OD_SAN_ASCII, "M\\u{00fc}ller" },
	{ "ASCII mode: Japanese", "\xe8\xa9\xa6\xe6\x96\x99", STR, OD_SAN_ASCII,
	  "\\u{8a66}\\u{6599}" },
	{ "ASCII mode: combining", "e\xcc\x81", STR, OD_SAN_ASCII, "e\\u{0301}" },
	{ "ASCII mode: 5-digit emoji", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", STR,
	  OD_SAN_ASCII, "\\u{1f468}\\u{200d}\\u{1f469}" },
	{ "ASCII mode: NBSP", "\xc2\xa0", STR, OD_SAN_ASCII, "\\u{00a0}" },
	{ "ASCII mode: controls still escaped", "\x1b[0m\n", STR, OD_SAN_ASCII, "\\e[0m\\n" },
	{ "ASCII mode: C1", "\xc2\x9b", STR, OD_SAN_ASCII, "\\u{009b}" },
};

/* Encode a code point as UTF-8 (surrogates too, for the tests). */
static size_t
enc(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Sanitise through od_sanitize_append into a fresh buffer; caller frees. */
static char *
san(const char *in, size_t len, unsigned flags, int *rc)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	*rc = od_sanitize_append(&b, in, len == STR ? strlen(in) : len, flags);
	return od_buf_steal(&b);
}

static void
test_cases(void)
{
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(san_cases); i++) {
		const struct san_case *c = &san_cases[i];
		int rc;
		char *got = san(c->in, c->len, c->flags, &rc);

		is(rc ? "(error)" : got, c->want, "append: %s", c->name);
		if (rc)
			diag("od_sanitize_append returned %d", rc);
		free(got);
		if (c->len == STR) {
			got = od_sanitize(c->in, c->flags);
			is(got, c->want, "od_sanitize: %s", c->name);
			free(got);
		}
	}
}

/* The bidi/invisible list, each escaped in UTF-8 mode. */
static void
test_format_chars(void)
{
	static const uint32_t hostile[] = {
		0x061c, 0x200b, 0x200c, 0x200e, 0x200f,
		0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
		0x2060, 0x2061, 0x2062, 0x2063, 0x2064,
		0x2066, 0x2067, 0x2068, 0x2069,
		0xfeff, 0x2028, 0x2029, 0xfff9, 0xfffa, 0xfffb,
	};
	char in[8], want[16];
	size_t i, n;

	for (i = 0; i < OD_ARRAY_SIZE(hostile); i++) {
		char *got;

		n = enc(in, hostile[i]);
		in[n] = '\0';
		snprintf(want, sizeof(want), "\\u{%04x}", (unsigned)hostile[i]);
		got = od_sanitize(in, 0);
		is(got, want, "format character U+%04X escaped", (unsigned)hostile[i]);
		free(got);
	}
	{
		char *got = od_sanitize("a\xe2\x80\x8d" "b", 0);

		is(got, "a\xe2\x80\x8d" "b", "ZWJ U+200D is allowed");
		free(got);
	}
}

/* Code points glibc's wcwidth() calls non-printable. */
static void
test_nonprintable(void)
{
	static const struct {
		const char *name, *in, *want;
	} cases[] = {
		{ "unassigned U+0378", "\xcd\xb8", "\\u{0378}" },
		{ "unassigned U+D7FF below surrogates", "\xed\x9f\xbf", "\\u{d7ff}" },
		{ "noncharacter U+FFFE", "\xef\xbf\xbe", "\\u{fffe}" },
		{ "noncharacter U+FFFF", "\xef\xbf\xbf", "\\u{ffff}" },
		{ "noncharacter U+10FFFF (6 digits)", "\xf4\x8f\xbf\xbf", "\\u{10ffff}" },
	};
	size_t i;

	if (!utf8) {
		skip((int)OD_ARRAY_SIZE(cases), "no C.UTF-8 locale");
		return;
	}
	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		char *got = od_sanitize(cases[i].in, 0);

		is(got, cases[i].want, "wcwidth < 0: %s", cases[i].name);
		free(got);
	}
}

/* Every code point against the rules, with glibc's wcwidth as reference. */
static void
test_exhaustive(void)
{
	struct od_buf b;
	uint32_t cp;
	unsigned bad = 0, bad_ascii = 0;
	char in[8], want[16];
	locale_t old;

	if (!utf8) {
		skip(2, "no C.UTF-8 locale");
		return;
	}
	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (cp = 0x80; cp <= 0x10ffff; cp++) {
		size_t n;
		bool keep;
		int w;

		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		n = enc(in, cp);
		old = uselocale(utf8);
		w = wcwidth((wchar_t)cp);
		uselocale(old);
		keep = cp == 0x200d || (cp >= 0xa0 && w >= 0 &&
		       !(cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
			 (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
			 (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff || cp == 0x2028 ||
			 cp == 0x2029 || (cp >= 0xfff9 && cp <= 0xfffb)));
		snprintf(want, sizeof(want), "\\u{%04x}", (unsigned)cp);

		od_buf_reset(&b);
		if (od_sanitize_append(&b, in, n, 0)) {
			bad++;
		} else if (keep ? (b.len != n || memcmp(b.data, in, n)) : strcmp(b.data, want)) {
			if (bad++ < 5)
				diag("U+%04X: got '%s'", (unsigned)cp, od_buf_str(&b));
		}
		od_buf_reset(&b);
		if (od_sanitize_append(&b, in, n, OD_SAN_ASCII) || strcmp(b.data, want))
			bad_ascii++;
	}
	od_buf_done(&b);
	cmp_ok(bad, "==", 0, "all of U+0080..U+10FFFF follow the rules (UTF-8 mode)");
	cmp_ok(bad_ascii, "==", 0, "all of U+0080..U+10FFFF are \\u{} in ASCII mode");
}

static void
test_ascii_range(void)
{
	char in[0x7f - 0x20 + 1], *got;
	int c;

	for (c = 0x20; c < 0x7f; c++)
		in[c - 0x20] = (char)c;
	in[sizeof(in) - 1] = '\0';
	got = od_sanitize(in, 0);
	is(got, in, "all of 0x20..0x7E pass unchanged");
	free(got);
	got = od_sanitize(in, OD_SAN_ASCII);
	is(got, in, "all of 0x20..0x7E pass unchanged in ASCII mode");
	free(got);
}

static char *
repeat(const char *unit, size_t times, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(ul * times + tl + 1);

	if (!s)
		abort();
	for (i = 0; i < times; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + ul * times, tail, tl + 1);
	return s;
}

static void
test_long_names(void)
{
	static const struct {
		const char *name, *unit;
		size_t times;
		const char *tail, *want_unit, *want_tail;
	} cases[] = {
		{ "255 ASCII bytes", "a", 255, "", "a", "" },
		{ "255 bytes of CJK (85 x 3)", "\xe8\xa9\xa6", 85, "", "\xe8\xa9\xa6", "" },
		{ "255 bytes of e acute + 'a'", "\xc3\xa9", 127, "a", "\xc3\xa9", "a" },
		{ "255 ESC bytes", "\x1b", 255, "", "\\e", "" },
		{ "255 invalid bytes", "\xff", 255, "", "\\xff", "" },
		{ "254 bytes, CJK cut at the end", "\xe8\xa9\xa6", 84, "\xe8\xa9",
		  "\xe8\xa9\xa6", "\\xe8\\xa9" },
		{ "255 bytes of RLO", "\xe2\x80\xae", 85, "", "\\u{202e}", "" },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		char *in = repeat(cases[i].unit, cases[i].times, cases[i].tail);
		char *want = repeat(cases[i].want_unit, cases[i].times, cases[i].want_tail);
		char *got = od_sanitize(in, 0);

		ok(strlen(in) == 255 || strlen(in) == 254, "%s: input length %zu", cases[i].name,
		   strlen(in));
		is(got, want, "long name: %s", cases[i].name);
		free(in);
		free(want);
		free(got);
	}
}

static void
test_buffers(void)
{
	struct od_buf b;
	char *s;
	int rc;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_buf_adds(&b, "pre:");
	rc = rc ? rc : od_sanitize_append(&b, "\x1b[1m", 4, 0);
	cmp_ok(rc, "==", 0, "append after existing content succeeds");
	is(od_buf_str(&b), "pre:\\e[1m", "append keeps existing content");
	od_buf_done(&b);

	od_buf_init(&b, 4);
	rc = od_sanitize_append(&b, "\x1b\x1b\x1b", 3, 0);
	cmp_ok(rc, "==", -E2BIG, "cap reached by escapes: -E2BIG");
	is(od_buf_str(&b), "\\e\\e", "cap: partial result holds whole escapes");
	od_buf_done(&b);

	od_buf_init(&b, 3);
	rc = od_sanitize_append(&b, "abcdef", 6, 0);
	cmp_ok(rc, "==", -E2BIG, "cap reached by a plain run: -E2BIG");
	is(od_buf_str(&b), "", "cap: nothing of the run is appended");
	od_buf_done(&b);

	od_buf_init(&b, 5);
	rc = od_sanitize_append(&b, "ab\xe2\x80\xae", 5, 0);
	cmp_ok(rc, "==", -E2BIG, "cap reached by \\u{}: -E2BIG");
	is(od_buf_str(&b), "ab", "cap: the run before the escape is kept");
	od_buf_done(&b);

	od_buf_init(&b, OD_BUF_UNLIMITED);
	rc = od_sanitize_append(&b, NULL, 0, 0);
	cmp_ok(rc, "==", 0, "append of NULL with length 0 is a no-op");
	od_buf_done(&b);

	s = od_sanitize(NULL, 0);
	ok(s && !strcmp(s, ""), "od_sanitize(NULL) is an allocated empty string");
	free(s);
	s = od_sanitize(NULL, OD_SAN_ASCII);
	ok(s && !strcmp(s, ""), "od_sanitize(NULL, OD_SAN_ASCII) is an allocated empty string");
	free(s);
}

static void
test_locale(void)
{
	static const char mixed[] = "M\xc3\xbcller \xe8\xa9\xa6 \xcd\xb8 \xe2\x80\xae "
				    "\x1b e\xcc\x81";
	char *in_c, *in_utf8;
	locale_t before, after;

	cmp_ok(od_sanitize_flags_for_locale(), "==", OD_SAN_ASCII, "C locale: OD_SAN_ASCII");
	before = uselocale((locale_t)0);
	in_c = od_sanitize(mixed, 0);
	after = uselocale((locale_t)0);
	ok(before == after, "thread locale restored after od_sanitize");
	ok(od_display_width("\xe8\xa9\xa6") == 2 && uselocale((locale_t)0) == before,
	   "thread locale restored after od_display_width");
	ok(od_display_clip("\xe8\xa9\xa6", 5, NULL) == 3 && uselocale((locale_t)0) == before,
	   "thread locale restored after od_display_clip");
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		skip(2, "no C.UTF-8 locale");
		free(in_c);
		return;
	}
	cmp_ok(od_sanitize_flags_for_locale(), "==", 0, "C.UTF-8 locale: no flags");
	in_utf8 = od_sanitize(mixed, 0);
	is(in_utf8, in_c, "result does not depend on the process locale");
	setlocale(LC_CTYPE, "C");
	free(in_c);
	free(in_utf8);
}

/* --- widths ------------------------------------------------------------------ */

static void
test_widths(void)
{
	static const struct {
		const char *name, *s;
		int want;
	} cases[] = {
		{ "empty", "", 0 },
		{ "ASCII", "abc", 3 },
		{ "escaped control", "\\e[2J", 5 },
		{ "German", "M\xc3\xbcller", 6 },
		{ "NBSP", "\xc2\xa0", 1 },
		{ "CJK wide", "\xe8\xa9\xa6\xe6\x96\x99", 4 },
		{ "CJK and ASCII", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e" "abc", 9 },
		{ "fullwidth A U+FF21", "\xef\xbc\xa1", 2 },
		{ "combining e+U+0301", "e\xcc\x81", 1 },
		{ "two combining marks", "a\xcc\x81\xcc\x82" "b", 2 },
		{ "lone combining mark", "\xcc\x81", 0 },
		{ "emoji", "\xf0\x9f\x91\xa8", 2 },
		{ "ZWJ", "\xe2\x80\x8d", 0 },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++)
		cmp_ok(od_display_width(cases[i].s), "==", cases[i].want, "width: %s",
		       cases[i].name);
	cmp_ok(od_display_width(NULL), "==", 0, "width: NULL");
	cmp_ok(od_display_width("\xcd\xb8"), "==", 1, "width: wcwidth -1 counts as 1");
}

static void
test_clip(void)
{
	static const struct {
		const char *name, *s;
		int max;
		size_t want_len;
		int want_cols;
	} cases[] = {
		{ "ASCII shorter than limit", "abc", 10, 3, 3 },
		{ "ASCII exact", "abc", 3, 3, 3 },
		{ "ASCII cut", "abcdef", 3, 3, 3 },
		{ "limit 0", "abc", 0, 0, 0 },
		{ "negative limit", "abc", -5, 0, 0 },
		{ "empty string", "", 4, 0, 0 },
		{ "wide char straddles limit", "\xe8\xa9\xa6\xe6\x96\x99", 3, 3, 2 },
		{ "wide chars exact", "\xe8\xa9\xa6\xe6\x96\x99", 4, 6, 4 },
		{ "wide char does not fit in 1", "\xe8\xa9\xa6", 1, 0, 0 },
		{ "wide char at the boundary after ASCII", "a\xe8\xa9\xa6", 2, 1, 1 },
		{ "wide char fits after ASCII", "a\xe8\xa9\xa6" "b", 3, 4, 3 },
		{ "two-byte char not split", "M\xc3\xbcller", 2, 3, 2 },
		{ "combining stays with base", "e\xcc\x81x", 1, 3, 1 },
		{ "two combining marks stay with base", "e\xcc\x81\xcc\x82x", 1, 5, 1 },
		{ "combining at the end kept", "ab\xcc\x81", 2, 4, 2 },
		{ "combining of excluded base cut", "abe\xcc\x81", 2, 2, 2 },
		{ "combining after wide base", "\xe8\xa9\xa6\xcc\x81" "x", 2, 5, 2 },
		{ "ZWJ after the last base stays with it",
		  "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", 3, 7, 2 },
		{ "lone combining mark fits", "\xcc\x81", 1, 2, 0 },
		{ "lone combining mark, limit 0", "\xcc\x81", 0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		int cols = -1;
		size_t n = od_display_clip(cases[i].s, cases[i].max, &cols);

		ok(n == cases[i].want_len && cols == cases[i].want_cols, "clip: %s", cases[i].name);
		if (n != cases[i].want_len || cols != cases[i].want_cols)
			diag("got %zu bytes / %d cols, want %zu / %d", n, cols, cases[i].want_len,
			     cases[i].want_cols);
	}
	cmp_ok(od_display_clip("abc", 2, NULL), "==", 2, "clip: cols may be NULL");
	cmp_ok(od_display_clip(NULL, 2, NULL), "==", 0, "clip: NULL string");
}

/* For every limit, the prefix is whole characters and measures what it says. */
static void
test_clip_property(void)
{
	static const char s[] = "a\xe8\xa9\xa6" "e\xcc\x81\xcc\x82" "M\xc3\xbc\xf0\x9f\x91\xa8"
				"\xe2\x80\x8d\xf0\x9f\x91\xa9 \xef\xbc\xa1z";
	int total = od_display_width(s), max, bad = 0;
	size_t prev = 0;

	for (max = 0; max <= total + 2; max++) {
		int cols;
		size_t n = od_display_clip(s, max, &cols);
		char *prefix = strndup(s, n);

		if (!prefix)
			abort();
		if (((unsigned char)s[n] & 0xc0) == 0x80 ||	/* split a sequence */
		    (s[n] == '\xcc' && n > 0) ||		/* left a combining mark behind */
		    cols > max || od_display_width(prefix) != cols || n < prev)
			bad++;
		if (max >= total && n != strlen(s))
			bad++;
		prev = n;
		free(prefix);
	}
	cmp_ok(bad, "==", 0, "clip: whole characters, monotonic, measured, for limits 0..%d",
	       total + 2);
}

static void
test_builtin_width(void)
{
	cmp_ok(od_san_builtin_width(0xe9), "==", 1, "built-in width: e acute 1");
	cmp_ok(od_san_builtin_width(0x301), "==", 0, "built-in width: combining 0");
	cmp_ok(od_san_builtin_width(0x8a66), "==", 2, "built-in width: CJK 2");
	cmp_ok(od_san_builtin_width(0xac00), "==", 2, "built-in width: Hangul 2");
	cmp_ok(od_san_builtin_width(0xff21), "==", 2, "built-in width: fullwidth 2");
	cmp_ok(od_san_builtin_width(0x1f468), "==", 2, "built-in width: emoji 2");
	cmp_ok(od_san_builtin_width(0xe0101), "==", 0, "built-in width: VS17 0");
	cmp_ok(od_san_builtin_width(0x10ffff), "==", 1, "built-in width: others 1");
}

/* The fast paths (U+00A0..U+02FF printable, width 1) agree with glibc. */
static void
test_fast_path(void)
{
	uint32_t cp;
	int bad = 0;
	locale_t old;

	if (!utf8) {
		skip(1, "no C.UTF-8 locale");
		return;
	}
	old = uselocale(utf8);
	for (cp = 0xa0; cp < 0x300; cp++)
		if (wcwidth((wchar_t)cp) != 1)
			bad++;
	uselocale(old);
	cmp_ok(bad, "==", 0, "glibc: U+00A0..U+02FF all have width 1");
}

/* --- random input ----------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

/* Strictly valid UTF-8, checked independently of sanitize.c. */
static bool
valid_utf8_no_c1(const unsigned char *p)
{
	while (*p) {
		uint32_t cp;
		size_t n, i;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 2;
			cp = *p & 0x1fu;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 3;
			cp = *p & 0x0fu;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 4;
			cp = *p & 0x07u;
		} else {
			return false;
		}
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3fu);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		if (cp < 0xa0 || cp == 0x202e || cp == 0x2066 || cp == 0xfeff)
			return false;
		p += n;
	}
	return true;
}

static void
test_random(void)
{
	enum { ROUNDS = 4000 };
	int ctl = 0, ctl_ascii = 0, non_ascii = 0, invalid = 0, idem = 0, clip = 0, nulls = 0;
	char in[96];
	int r;

	for (r = 0; r < ROUNDS; r++) {
		size_t len = rng() % 64, i = 0, j;
		char *a, *u, *again;
		int w;

		while (i < len) {
			uint32_t k = rng() % 8;

			if (k < 3) {
				in[i++] = (char)(rng() & 0xff);	/* any byte */
			} else if (k < 4) {
				in[i++] = "\x1b\x07\n\x7f\x9b\xc2\x00["[rng() % 8];
			} else if (k < 7) {
				/* a code point, surrogates and C1 included */
				uint32_t lim = k == 4 ? 0x800 : k == 5 ? 0x10000 : 0x110000;
				uint32_t cp = rng() % lim;

				i += enc(in + i, cp);
			} else {
				in[i++] = (char)(0x20 + rng() % 0x5f);
			}
		}
		u = NULL;
		{
			struct od_buf b;

			od_buf_init(&b, OD_BUF_UNLIMITED);
			if (od_sanitize_append(&b, in, i, 0))
				nulls++;
			u = od_buf_steal(&b);
			od_buf_init(&b, OD_BUF_UNLIMITED);
			if (od_sanitize_append(&b, in, i, OD_SAN_ASCII))
				nulls++;
			a = od_buf_steal(&b);
		}
		if (!u || !a) {
			nulls++;
			free(u);
			free(a);
			continue;
		}
		for (j = 0; u[j]; j++)
			if ((unsigned char)u[j] < 0x20 || u[j] == 0x7f)
				ctl++;
		for (j = 0; a[j]; j++) {
			if ((unsigned char)a[j] < 0x20 || a[j] == 0x7f)
				ctl_ascii++;
			if ((unsigned char)a[j] >= 0x80)
				non_ascii++;
		}
		if (!valid_utf8_no_c1((const unsigned char *)u))
			invalid++;
		again = od_sanitize(u, 0);
		if (!again || strcmp(again, u))
			idem++;
		free(again);
		w = od_display_width(u);
		if (od_display_clip(u, w, NULL) != (w > 0 ? strlen(u) : 0))
			clip++;
		free(u);
		free(a);
	}
	cmp_ok(nulls, "==", 0, "random: no errors from od_sanitize_append");
	cmp_ok(ctl, "==", 0, "random: no byte < 0x20 or 0x7f in the output (%d strings)", ROUNDS);
	cmp_ok(ctl_ascii, "==", 0, "random: no byte < 0x20 or 0x7f in ASCII mode output");
	cmp_ok(non_ascii, "==", 0, "random: ASCII mode output is pure ASCII");
	cmp_ok(invalid, "==", 0, "random: output is valid UTF-8 without C1 or bidi controls");
	cmp_ok(idem, "==", 0, "random: sanitising the output again changes nothing");
	cmp_ok(clip, "==", 0, "random: clipping to the full width keeps everything");
}

int
main(void)
{
	utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (!utf8)
		diag("no C.UTF-8 locale: tests that rely on glibc's tables are skipped");

	test_cases();
	test_format_chars();
	test_nonprintable();
	test_ascii_range();
	test_long_names();
	test_buffers();
	test_locale();
	test_widths();
	test_clip();
	test_clip_property();
	test_builtin_width();
	test_fast_path();
	test_exhaustive();
	test_random();

	if (utf8)
		freelocale(utf8);
	return done_testing();
}
