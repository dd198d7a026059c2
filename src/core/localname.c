/* SPDX-License-Identifier: GPL-3.0-or-later */
/* localname.c: remote names made safe for the local file system. */
#include "config.h"

#include "onetui/localname.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/i18n.h"
#include "onetui/buf.h"
#include "onetui/str.h"

/* Longest file name Linux file systems take, in bytes. */
#define NAME_MAX_BYTES 255

/* Length of the valid UTF-8 sequence at s (no overlongs, no surrogates,
 * nothing above U+10FFFF), 0 when there is none. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp, min;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2, cp = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, cp = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, cp = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* Whether the byte sequence at s of length n must be escaped: C0 and C1
 * control characters, DEL, '/', and (in a name being mapped) '%'. */
static bool
escape_seq(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0] < 0x20 || s[0] == 0x7F || s[0] == '/' || s[0] == '%';
	return n == 2 && s[0] == 0xC2 && s[1] < 0xA0;	/* U+0080..U+009F */
}

int
od_local_name(const char *name, bool map, char **out, enum od_name_verdict *verdict, const char **why)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len = strlen(name), i;
	struct od_buf b;

	*out = NULL;
	*why = NULL;
	*verdict = OD_NAME_OK;
	if (len == 0)
		*why = _("the name is empty");
	else if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		*why = _("the name would point outside its folder");
	else if (len > NAME_MAX_BYTES)
		*why = _("the name is longer than 255 bytes");
	for (i = 0; !*why && i < len;) {
		size_t n = utf8_len(s + i);
		if (i + 1 < len && od_is_nul_pair(s + i, 2))
			*why = _("the name holds a NUL byte");
		else if (n == 0)
			*why = _("the name is not valid UTF-8");
		else if (s[i] == '/')
			*why = _("the name holds a '/'");
		else if (escape_seq(s + i, n) && s[i] != '%')
			*why = _("the name holds control characters");
		i += n ? n : 1;
	}
	if (!*why) {
		*out = strdup(name);
		return *out ? 0 : -1;
	}
	if (!map) {
		*verdict = OD_NAME_REFUSED;
		return 0;
	}
	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (i = 0; i < len;) {
		size_t n = utf8_len(s + i);
		bool dot = (len == 1 || len == 2) && s[i] == '.';
		if (i + 1 < len && od_is_nul_pair(s + i, 2)) {
			if (od_buf_add(&b, "%00", 3) != 0)
				goto nomem;
			i += 2;
		} else if (n == 0 || dot || escape_seq(s + i, n)) {
			/* An invalid byte alone; a whole sequence otherwise. */
			size_t k = n ? n : 1;
			for (size_t j = 0; j < k; j++)
				if (od_buf_addf(&b, "%%%02X", s[i + j]) != 0)
					goto nomem;
			i += k;
		} else {
			if (od_buf_add(&b, name + i, n) != 0)
				goto nomem;
			i += n;
		}
	}
	if (b.len == 0) {
		/* The empty name has no bytes to escape. */
		if (od_buf_add(&b, "%00", 3) != 0)
			goto nomem;
	}
	if (b.len > NAME_MAX_BYTES) {
		od_buf_done(&b);
		*why = _("the name is longer than 255 bytes once made safe");
		*verdict = OD_NAME_REFUSED;
		return 0;
	}
	*out = od_buf_steal(&b);
	if (!*out)
		return -1;
	*verdict = OD_NAME_MAPPED;
	return 0;
nomem:
	od_buf_done(&b);
	return -1;
}
