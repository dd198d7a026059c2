/* SPDX-License-Identifier: GPL-3.0-or-later */
/* draw.c: colours, safe clipped text and ASCII fallbacks. */
#include "config.h"

#include "tui/draw.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/compiler.h"
#include "onetui/sanitize.h"
#include "xmalloc.h"

static attr_t attrs[C_COUNT];
static unsigned san_flags;

void
draw_init(void)
{
#define COLOR_ROW(name, fg, bg, attr) { fg, bg, attr },
	static const struct {
		short fg, bg;
		attr_t mono;
	} table[] = { COLOR_INFO(COLOR_ROW) };
#undef COLOR_ROW
	const char *no_color = getenv("NO_COLOR");
	bool color = has_colors() && !(no_color && *no_color);

	san_flags = od_sanitize_flags_for_locale();
	if (color) {
		start_color();
		use_default_colors();
	}
	for (int i = 0; i < C_COUNT; i++) {
		if (color && i > 0 && (table[i].fg >= 0 || table[i].bg >= 0)) {
			init_pair((short)i, table[i].fg, table[i].bg);
			attrs[i] = COLOR_PAIR(i) | (table[i].mono & (A_BOLD | A_DIM | A_UNDERLINE));
		} else {
			attrs[i] = table[i].mono;
		}
	}
}

attr_t
draw_attr(enum color c)
{
	return attrs[c];
}

bool
draw_utf8(void)
{
	return !(san_flags & OD_SAN_ASCII);
}

const char *
draw_glyph_open(void)
{
	return draw_utf8() ? "\u25be" : "v";
}

const char *
draw_glyph_closed(void)
{
	return draw_utf8() ? "\u25b8" : ">";
}

const char *
draw_glyph_ellipsis(void)
{
	return draw_utf8() ? "\u2026" : "...";
}

int
draw_width(const char *s)
{
	return od_display_width(s);
}

void
draw_blank(WINDOW *w, int y, int x, int width, enum color c)
{
	if (width <= 0)
		return;
	wattrset(w, attrs[c]);
	mvwhline(w, y, x, ' ', width);
}

/* Printable ASCII up to width goes straight into the window's cells:
 * most names are ASCII, and waddnstr's multibyte handling is most of the
 * cost of a redraw. False when s needs that handling. */
static bool
put_ascii(WINDOW *w, int y, int x, int width, attr_t a, const char *s, int *cols)
{
	chtype line[512];
	int i;

	if (width > (int)OD_ARRAY_SIZE(line))
		return false;
	for (i = 0; i < width && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch > 0x7e)
			return false;
		line[i] = ch | a;
	}
	*cols = i;
	for (; i < width; i++)
		line[i] = ' ' | a;
	mvwaddchnstr(w, y, x, line, width);
	return true;
}

/* Draw an already safe string, clipped to width, then pad. */
static int
put_safe(WINDOW *w, int y, int x, int width, enum color c, const char *safe)
{
	int cols = 0;
	size_t n;

	if (width <= 0)
		return 0;
	if (put_ascii(w, y, x, width, attrs[c], safe, &cols))
		return cols;
	n = od_display_clip(safe, width, &cols);
	wattrset(w, attrs[c]);
	mvwaddnstr(w, y, x, safe, (int)n);
	if (cols < width)
		mvwhline(w, y, x + cols, ' ', width - cols);
	return cols;
}

/* Printable ASCII only: nothing for the sanitiser to change. */
static bool
plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

int
draw_text(WINDOW *w, int y, int x, int width, enum color c, const char *s)
{
	struct od_buf b;
	int cols;

	if (width <= 0)
		return 0;
	if (!s)
		s = "";
	if (plain_ascii(s))
		return put_safe(w, y, x, width, c, s);
	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_sanitize_append(&b, s, strlen(s), san_flags) != 0)
		xoom();
	cols = put_safe(w, y, x, width, c, od_buf_str(&b));
	od_buf_done(&b);
	return cols;
}

int
draw_own(WINDOW *w, int y, int x, int width, enum color c, const char *s)
{
	return put_safe(w, y, x, width, c, s);
}

int
draw_printf(WINDOW *w, int y, int x, int width, enum color c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return put_safe(w, y, x, width, c, buf);
}

void
draw_vline(WINDOW *w, int y, int x, int height, enum color c)
{
	cchar_t line;

	if (height <= 0)
		return;
	if (!draw_utf8()) {
		mvwvline(w, y, x, '|' | attrs[c], height);
		return;
	}
	setcchar(&line, L"\u2502", attrs[c] & ~A_COLOR, (short)PAIR_NUMBER(attrs[c]), NULL);
	mvwvline_set(w, y, x, &line, height);
}

void
draw_box(WINDOW *w, int y, int x, int height, int width, enum color c)
{
	const char *h = draw_utf8() ? "\u2500" : "-", *v = draw_utf8() ? "\u2502" : "|";
	const char *tl = draw_utf8() ? "\u250c" : "+", *tr = draw_utf8() ? "\u2510" : "+";
	const char *bl = draw_utf8() ? "\u2514" : "+", *br = draw_utf8() ? "\u2518" : "+";

	if (height < 2 || width < 2)
		return;
	wattrset(w, attrs[c]);
	mvwaddstr(w, y, x, tl);
	mvwaddstr(w, y + height - 1, x, bl);
	for (int i = 1; i < width - 1; i++) {
		mvwaddstr(w, y, x + i, h);
		mvwaddstr(w, y + height - 1, x + i, h);
	}
	mvwaddstr(w, y, x + width - 1, tr);
	mvwaddstr(w, y + height - 1, x + width - 1, br);
	for (int i = 1; i < height - 1; i++) {
		mvwaddstr(w, y + i, x, v);
		mvwaddstr(w, y + i, x + width - 1, v);
	}
}

void
draw_bar(WINDOW *w, int y, int x, int width, uint64_t done, uint64_t total, enum color c)
{
	int inner = width - 2, full = total ? (int)((double)done / (double)total * inner + 0.0001) : 0;
	char buf[256];
	int k = 0;

	if (inner < 1 || width > (int)sizeof(buf) / 4)
		return;
	if (full > inner)
		full = inner;
	buf[k++] = '[';
	for (int i = 0; i < inner; i++) {
		const char *g = i < full ? (draw_utf8() ? "\u2588" : "#") : (draw_utf8() ? "\u00b7" : ".");
		size_t l = strlen(g);
		memcpy(buf + k, g, l);
		k += (int)l;
	}
	buf[k++] = ']';
	buf[k] = '\0';
	draw_own(w, y, x, width, c, buf);
}
