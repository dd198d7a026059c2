/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sanitize.c: escape untrusted strings for the terminal and measure them. */
#include "config.h"

#include "onetui/sanitize.h"
#include "onetui/str.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* Visible to the unit tests in the OD_UNITTEST build. */
OD_STATIC int od_san_builtin_width(uint32_t cp);

static const char hexdig[] = "0123456789abcdef";

/* --- UTF-8 ------------------------------------------------------------------ */

/* --- character classes -------------------------------------------------------- */

static bool
codeset_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}

/* A UTF-8 LC_CTYPE locale, made once and kept for the life of the process,
 * so that wcwidth() answers the same whatever locale the program runs in;
 * (locale_t)0 when the system has none. */
static locale_t
utf8_locale(void)
{
	static _Atomic(locale_t) loc;
	static atomic_bool unavailable;
	static const char *const names[] = { "C.UTF-8", "en_US.UTF-8" };
	locale_t l, expected = (locale_t)0;
	size_t i;

	l = atomic_load_explicit(&loc, memory_order_acquire);
	if (l || atomic_load_explicit(&unavailable, memory_order_relaxed))
		return l;
	for (i = 0; !l && i < OD_ARRAY_SIZE(names); i++)
		l = newlocale(LC_CTYPE_MASK, names[i], (locale_t)0);
	if (!l) {
		atomic_store_explicit(&unavailable, true, memory_order_relaxed);
		return (locale_t)0;
	}
	if (!atomic_compare_exchange_strong(&loc, &expected, l)) {
		freelocale(l);	/* another thread was first */
		l = expected;
	}
	return l;
}

/* How wcwidth() is reached during one call: the thread switches to the
 * UTF-8 locale on the first non-ASCII character that needs it, and back
 * before the call returns. */
enum lc_mode { LCG_UNSET, LCG_SWITCHED, LCG_CURRENT, LCG_BUILTIN };

struct lc_guard {
	enum lc_mode mode;
	locale_t old;
};

#define LCG_INIT { LCG_UNSET, (locale_t)0 }

static void
lc_restore(struct lc_guard *g)
{
	if (g->mode == LCG_SWITCHED)
		uselocale(g->old);
	g->mode = LCG_UNSET;
}

/* A sorted table of code point ranges, each with a value. */
struct cp_range {
	uint32_t lo, hi;
	int value;
};

/* The range holding cp, or NULL. */
static const struct cp_range *
find_range(const struct cp_range *ranges, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < ranges[mid].lo)
			hi = mid;
		else if (cp > ranges[mid].hi)
			lo = mid + 1;
		else
			return &ranges[mid];
	}
	return NULL;
}

/* Rough widths for systems without a UTF-8 locale: combining marks and
 * other common zero-width characters 0, East Asian wide ranges 2. */
OD_STATIC int
od_san_builtin_width(uint32_t cp)
{
	static const struct cp_range ranges[] = {
		{ 0x0300, 0x036f, 0 },		/* combining diacritical marks */
		{ 0x0483, 0x0489, 0 },
		{ 0x0591, 0x05bd, 0 },
		{ 0x0610, 0x061a, 0 },
		{ 0x064b, 0x065f, 0 },
		{ 0x1100, 0x115f, 2 },		/* Hangul Jamo leading */
		{ 0x1ab0, 0x1aff, 0 },
		{ 0x1dc0, 0x1dff, 0 },
		{ 0x200b, 0x200f, 0 },
		{ 0x20d0, 0x20ff, 0 },
		{ 0x2e80, 0x303e, 2 },		/* CJK radicals .. symbols */
		{ 0x3041, 0x33ff, 2 },		/* kana .. CJK compatibility */
		{ 0x3400, 0x4dbf, 2 },
		{ 0x4e00, 0x9fff, 2 },		/* CJK unified ideographs */
		{ 0xa000, 0xa4cf, 2 },		/* Yi */
		{ 0xac00, 0xd7a3, 2 },		/* Hangul syllables */
		{ 0xf900, 0xfaff, 2 },
		{ 0xfe00, 0xfe0f, 0 },		/* variation selectors */
		{ 0xfe20, 0xfe2f, 0 },
		{ 0xfe30, 0xfe4f, 2 },
		{ 0xff00, 0xff60, 2 },		/* fullwidth forms */
		{ 0xffe0, 0xffe6, 2 },
		{ 0x1f300, 0x1f64f, 2 },	/* pictographs, emoticons */
		{ 0x1f900, 0x1f9ff, 2 },
		{ 0x20000, 0x2fffd, 2 },
		{ 0x30000, 0x3fffd, 2 },
		{ 0xe0000, 0xe007f, 0 },	/* tags */
		{ 0xe0100, 0xe01ef, 0 },	/* variation selectors supplement */
	};
	const struct cp_range *r = find_range(ranges, OD_ARRAY_SIZE(ranges), cp);

	return r ? r->value : 1;
}

/* wcwidth() of a non-ASCII code point in a UTF-8 locale. */
static int
cp_wcwidth(uint32_t cp, struct lc_guard *g)
{
	if (g->mode == LCG_UNSET) {
		locale_t l = utf8_locale();
		locale_t old = l ? uselocale(l) : (locale_t)0;

		if (old) {
			g->old = old;
			g->mode = LCG_SWITCHED;
		} else {
			g->mode = codeset_is_utf8() ? LCG_CURRENT : LCG_BUILTIN;
		}
	}
	if (g->mode == LCG_BUILTIN)
		return od_san_builtin_width(cp);
	return wcwidth((wchar_t)cp);
}

/* Characters that reorder, hide or break text even though they may be
 * "printable"; sorted for the binary search. */
bool
od_char_hides_text(unsigned cp)
{
	static const struct cp_range ranges[] = {
		{ 0x061c, 0x061c, 1 },	/* arabic letter mark */
		{ 0x200b, 0x200c, 1 },	/* zero width space, ZWNJ (not ZWJ) */
		{ 0x200e, 0x200f, 1 },	/* LRM, RLM */
		{ 0x2028, 0x2029, 1 },	/* line and paragraph separator */
		{ 0x202a, 0x202e, 1 },	/* LRE, RLE, PDF, LRO, RLO */
		{ 0x2060, 0x2064, 1 },	/* word joiner, invisible operators */
		{ 0x2066, 0x2069, 1 },	/* LRI, RLI, FSI, PDI */
		{ 0xfeff, 0xfeff, 1 },	/* BOM, zero width no-break space */
		{ 0xfff9, 0xfffb, 1 },	/* interlinear annotation */
	};

	return find_range(ranges, OD_ARRAY_SIZE(ranges), cp) != NULL;
}

/* May the valid non-ASCII code point cp be printed as it is? */
static bool
cp_printable(uint32_t cp, unsigned flags, struct lc_guard *g)
{
	if (cp < 0xa0 || (flags & OD_SAN_ASCII))
		return false;
	if (cp < 0x300)
		return true;	/* Latin-1 .. spacing modifiers: all assigned */
	if (cp == 0x200d)
		return true;	/* ZWJ, for emoji sequences */
	if (od_char_hides_text(cp))
		return false;
	return cp_wcwidth(cp, g) >= 0;
}

/* Columns of a code point in a sanitised string. */
static int
cp_width(uint32_t cp, struct lc_guard *g)
{
	int w;

	if (cp < 0x7f || (cp >= 0xa0 && cp < 0x300))
		return 1;
	w = cp_wcwidth(cp, g);
	return w < 0 ? 1 : w;
}

/* --- escaping ---------------------------------------------------------------- */

/* The escape of an ASCII control or of one byte of invalid UTF-8. */
static size_t
escape_byte(char *e, unsigned char c)
{
	char letter = 0;

	switch (c) {
	case '\n':
		letter = 'n';
		break;
	case '\t':
		letter = 't';
		break;
	case '\r':
		letter = 'r';
		break;
	case 0x1b:
		letter = 'e';
		break;
	}
	e[0] = '\\';
	if (letter) {
		e[1] = letter;
		return 2;
	}
	e[1] = 'x';
	e[2] = hexdig[c >> 4];
	e[3] = hexdig[c & 0xf];
	return 4;
}

/* \u{hhhh}: lower-case hex, at least four digits. */
static size_t
escape_cp(char *e, uint32_t cp)
{
	int digits = cp > 0xfffff ? 6 : cp > 0xffff ? 5 : 4;
	size_t n = 0;

	e[n++] = '\\';
	e[n++] = 'u';
	e[n++] = '{';
	while (digits-- > 0)
		e[n++] = hexdig[(cp >> (4 * digits)) & 0xf];
	e[n++] = '}';
	return n;
}

/* Runs of bytes that pass unchanged are copied in one go; only what needs
 * escaping is handled piecewise.  On error (-ENOMEM, or -E2BIG when out's
 * cap is reached) out keeps whatever was appended before the failure: a
 * prefix of the sanitised text, never half an escape or character. */
int
od_sanitize_append(struct od_buf *out, const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	struct lc_guard g = LCG_INIT;
	size_t i = 0, run = 0, adv, n;
	char esc[16];
	unsigned cp;
	int rc = 0;

	if (!s)
		return 0;
	while (i < len) {
		while (i < len && p[i] >= 0x20 && p[i] < 0x7f)
			i++;
		if (i == len)
			break;
		if (p[i] < 0x80) {
			n = escape_byte(esc, p[i]);
			adv = 1;
		} else if (od_is_nul_pair(p + i, len - i)) {
			n = escape_byte(esc, 0);
			adv = 2;
		} else if (!(adv = od_utf8_decode(p + i, len - i, &cp))) {
			n = escape_byte(esc, p[i]);
			adv = 1;
		} else if (cp_printable(cp, flags, &g)) {
			i += adv;
			continue;
		} else {
			n = escape_cp(esc, cp);
		}
		if (i > run && (rc = od_buf_add(out, p + run, i - run)))
			goto done;
		if ((rc = od_buf_add(out, esc, n)))
			goto done;
		i += adv;
		run = i;
	}
	if (i > run)
		rc = od_buf_add(out, p + run, i - run);
done:
	lc_restore(&g);
	return rc;
}

char *
od_sanitize(const char *s, unsigned flags)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (s && od_sanitize_append(&b, s, strlen(s), flags)) {
		od_buf_done(&b);
		return NULL;
	}
	return od_buf_steal(&b);
}

unsigned
od_sanitize_flags_for_locale(void)
{
	return codeset_is_utf8() ? 0 : OD_SAN_ASCII;
}

/* --- widths ------------------------------------------------------------------ */

int
od_display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct lc_guard g = LCG_INIT;
	size_t i = 0, n, adv;
	long long total = 0;
	unsigned cp;

	if (!s)
		return 0;
	n = strlen(s);
	while (i < n && total < INT_MAX) {
		if (p[i] < 0x80) {
			total++;
			i++;
		} else if (!(adv = od_utf8_decode(p + i, n - i, &cp))) {
			total++;	/* not sanitised: count the byte as \xHH would be one */
			i++;
		} else {
			total += cp_width(cp, &g);
			i += adv;
		}
	}
	lc_restore(&g);
	return total > INT_MAX ? INT_MAX : (int)total;
}

/* Zero-width characters always fit, so those that follow an included base
 * are included with it; those after an excluded base are cut with it. */
size_t
od_display_clip(const char *s, int max_cols, int *cols)
{
	const unsigned char *p = (const unsigned char *)s;
	struct lc_guard g = LCG_INIT;
	size_t i = 0, n, adv;
	int used = 0, w;
	unsigned cp;

	if (!s || max_cols <= 0) {
		if (cols)
			*cols = 0;
		return 0;
	}
	n = strlen(s);
	while (i < n) {
		if (p[i] < 0x80) {
			w = 1;
			adv = 1;
		} else if (!(adv = od_utf8_decode(p + i, n - i, &cp))) {
			w = 1;
			adv = 1;
		} else {
			w = cp_width(cp, &g);
		}
		if (w > max_cols - used)
			break;
		used += w;
		i += adv;
	}
	lc_restore(&g);
	if (cols)
		*cols = used;
	return i;
}
