/* SPDX-License-Identifier: GPL-3.0-or-later */
/* str.c: small string helpers. */
#include "config.h"

#include "onetui/str.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

bool
od_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
od_str_starts(const char *s, const char *prefix)
{
	return s && prefix && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
od_str_ieq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcasecmp(a, b) == 0;
}

char *
od_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *
od_strndup(const char *s, size_t n)
{
	char *p;

	if (!s)
		return NULL;
	p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
od_vasprintf(const char *fmt, va_list ap)
{
	va_list copy;
	char *s;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *
od_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = od_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}

char *
od_str_trim(char *s)
{
	char *start = s, *end;

	while (*start && isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	memmove(s, start, (size_t)(end - start));
	s[end - start] = '\0';
	return s;
}

void
od_str_wipe_free(char *s)
{
	if (!s)
		return;
	/* A volatile pointer keeps the compiler from dropping the stores. */
	for (volatile char *p = s; *p; p++)
		*p = '\0';
	free(s);
}

/* n in decimal at p; where it ends. */
static char *
put_decimal(char *p, uint64_t n)
{
	char digits[20];
	size_t k = 0;

	do
		digits[k++] = (char)('0' + n % 10);
	while (n /= 10);
	while (k)
		*p++ = digits[--k];
	return p;
}

/* n / 2^shift rounded to the nearest, ties to even, as printf rounds. */
static uint64_t
shift_round(uint64_t n, unsigned shift)
{
	uint64_t q = n >> shift, rest = n & ((UINT64_C(1) << shift) - 1), half = UINT64_C(1) << (shift - 1);

	return q + (rest > half || (rest == half && (q & 1)));
}

/* The tree draws one size per row at every redraw: the sizes up to 2^53
 * bytes (8 PiB), where a double holds them exactly, are worked out in
 * integers, as printf would print them, without its floating-point
 * formatting (which was a twentieth of a redraw). */
const char *
od_size_human(int64_t bytes, char buf[OD_SIZE_BUFSZ])
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	uint64_t b = (uint64_t)bytes;
	unsigned shift = 10;
	size_t u = 0;
	double v;
	char *p;

	if (bytes < 0) {
		snprintf(buf, OD_SIZE_BUFSZ, "-");
		return buf;
	}
	if (bytes < 1024) {
		memcpy(put_decimal(buf, b), " B", 3);
		return buf;
	}
	if (b > UINT64_C(1) << 53) {
		v = (double)bytes / 1024.0;
		/* 1023.6 KiB would print as "1024 KiB": that is 1.0 MiB. */
		while (v >= 1023.5 && u + 1 < OD_ARRAY_SIZE(units)) {
			v /= 1024.0;
			u++;
		}
		snprintf(buf, OD_SIZE_BUFSZ, v < 9.95 ? "%.1f %s" : "%.0f %s", v, units[u]);
		return buf;
	}
	/* v = b / 2^shift >= 1023.5, in integers. */
	while (b >= UINT64_C(2047) << (shift - 1) && u + 1 < OD_ARRAY_SIZE(units)) {
		shift += 10;
		u++;
	}
	v = (double)b / (double)(UINT64_C(1) << shift);	/* exact: b has at most 53 bits */
	if (v < 9.95) {
		uint64_t tenths = shift_round(b * 10, shift);
		p = put_decimal(buf, tenths / 10);
		*p++ = '.';
		*p++ = (char)('0' + tenths % 10);
	} else {
		p = put_decimal(buf, shift_round(b, shift));
	}
	*p++ = ' ';
	memcpy(p, units[u], 4);
	return buf;
}

bool
od_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool
od_parse_duration_ms(const char *s, bool unit_required, int64_t *out)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "d", 86400000 },
		      { "w", 7 * 86400000LL } };
	size_t digits = 0;
	char num[16];
	long count;

	while (s && isdigit((unsigned char)s[digits]))
		digits++;
	if (!digits || digits >= sizeof(num))
		return false;
	memcpy(num, s, digits);
	num[digits] = '\0';
	if (!od_parse_long(num, 0, 999999999L, &count))
		return false;
	if (!s[digits] && !unit_required) {
		*out = (int64_t)count * 1000;
		return true;
	}
	for (size_t i = 0; i < OD_ARRAY_SIZE(units); i++)
		if (strcmp(s + digits, units[i].unit) == 0) {
			*out = (int64_t)count * units[i].ms;
			return true;
		}
	return false;
}

void
od_format_double(double v, char *buf, size_t size)
{
	double back;

	snprintf(buf, size, "%1.15g", v);
	if (sscanf(buf, "%lg", &back) != 1 || back != v)
		snprintf(buf, size, "%1.17g", v);
}

/* Digits at *p, at least one; moves *p past them. */
static bool
digits(const char **p)
{
	const char *start = *p;

	while (**p >= '0' && **p <= '9')
		(*p)++;
	return *p > start;
}

bool
od_parse_number(const char *s)
{
	const char *p = s;

	if (!s)
		return false;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (!digits(&p))
		return false;
	if (*p == '.' && (p++, !digits(&p)))
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!digits(&p))
			return false;
	}
	return *p == '\0';
}

/* "2025-11-03 14:07" in local time, or "2025-11-03T14:07:22Z" in UTC;
 * "-" when t cannot be shown. */
static const char *
format_time(int64_t t, bool utc, char buf[OD_TIME_BUFSZ])
{
	time_t tt = (time_t)t;
	struct tm tm;
	size_t n = 0;

	if (utc && gmtime_r(&tt, &tm))
		n = strftime(buf, OD_TIME_BUFSZ, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else if (!utc && localtime_r(&tt, &tm))
		n = strftime(buf, OD_TIME_BUFSZ, "%Y-%m-%d %H:%M", &tm);
	if (n == 0)
		snprintf(buf, OD_TIME_BUFSZ, "-");
	return buf;
}

const char *
od_time_short(int64_t t, char buf[OD_TIME_BUFSZ])
{
	return format_time(t, false, buf);
}

const char *
od_time_iso(int64_t t, char buf[OD_TIME_BUFSZ])
{
	return format_time(t, true, buf);
}

const char *
od_date_local(int64_t t, char buf[OD_TIME_BUFSZ])
{
	/* od_time_short's day, without the time. */
	format_time(t, false, buf);
	buf[strcspn(buf, " ")] = '\0';
	return buf;
}

const char *
od_mode_string(char type, unsigned mode, char buf[11])
{
	static const char rwx[] = "rwxrwxrwx";

	buf[0] = type;
	for (int i = 0; i < 9; i++)
		buf[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	if (mode & 01000u)
		buf[9] = (mode & 01u) ? 't' : 'T';
	buf[10] = '\0';
	return buf;
}

bool
od_is_nul_pair(const unsigned char *s, size_t n)
{
	return n >= 2 && s[0] == 0xc0 && s[1] == 0x80;
}

size_t
od_utf8_decode(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	unsigned v;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xc2) {
		return 0;	/* continuation byte, or overlong lead C0/C1 */
	} else if (c < 0xe0) {
		len = 2;
		v = c & 0x1f;
	} else if (c < 0xf0) {
		len = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c < 0xf5) {
		len = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	v = v << 6 | (p[1] & 0x3fu);
	for (i = 2; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3fu);
	}
	*cp = v;
	return len;
}

void
od_strset_init(struct od_strset *set)
{
	set->slots = NULL;
	set->n = set->cap = 0;
}

void
od_strset_done(struct od_strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	od_strset_init(set);
}

static size_t
str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 31));
}

/* The slot holding s, or the empty slot where it belongs. */
static char **
strset_slot(char **slots, size_t cap, const char *s)
{
	size_t i = str_hash(s) & (cap - 1);

	while (slots[i] && strcmp(slots[i], s) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

int
od_strset_add(struct od_strset *set, const char *s)
{
	char **slot;

	if (set->cap && *strset_slot(set->slots, set->cap, s))
		return 0;
	if (2 * (set->n + 1) > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		char **slots = calloc(cap, sizeof(*slots));
		if (!slots)
			return -ENOMEM;
		for (size_t i = 0; i < set->cap; i++)
			if (set->slots[i])
				*strset_slot(slots, cap, set->slots[i]) = set->slots[i];
		free(set->slots);
		set->slots = slots;
		set->cap = cap;
	}
	slot = strset_slot(set->slots, set->cap, s);
	*slot = strdup(s);
	if (!*slot)
		return -ENOMEM;
	set->n++;
	return 1;
}

/* "10M", "512k", "1.5G" (powers of 1024) in bytes; false when malformed. */
bool
od_parse_rate(const char *s, uint64_t *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0 || v != v)
		return false;
	switch (*end) {
	case 'k': case 'K': v *= 1024; end++; break;
	case 'm': case 'M': v *= 1024.0 * 1024; end++; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v < 1 || v > 1e15)
		return false;
	*out = (uint64_t)v;
	return true;
}

char *
od_path_absolute(const char *path, bool tilde)
{
	const char *home = getenv("HOME");
	char cwd[PATH_MAX];
	char *abs;
	size_t n;

	if (tilde && path[0] == '~' && (path[1] == '/' || !path[1]) && home)
		abs = od_asprintf("%s%s", home, path + 1);
	else if (path[0] == '/')
		abs = od_strdup(path);
	else if (getcwd(cwd, sizeof(cwd)))
		abs = od_asprintf("%s/%s", cwd, path);
	else
		return NULL;
	if (!abs) {
		errno = ENOMEM;
		return NULL;
	}
	n = strlen(abs);
	while (n > 1 && abs[n - 1] == '/')
		abs[--n] = '\0';
	return abs;
}
