/* SPDX-License-Identifier: GPL-3.0-or-later */
/* draw.h: putting text on the screen: colours, safe and clipped text,
 * lines and boxes that fall back to ASCII. Every string from a server is
 * drawn through draw_text, which sanitises it. */
#ifndef ONETUI_TUI_DRAW_H
#define ONETUI_TUI_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "onetui/compiler.h"

/* name, foreground, background, attributes without colour */
#define COLOR_INFO(_) \
	_(NORMAL, -1, -1, A_NORMAL) \
	_(CURSOR, COLOR_BLACK, COLOR_CYAN, A_REVERSE) \
	_(CURSOR_DIM, COLOR_BLACK, COLOR_WHITE, A_UNDERLINE) \
	_(DIR, COLOR_BLUE, -1, A_BOLD) \
	_(SPACE, COLOR_MAGENTA, -1, A_BOLD) \
	_(MARKED, COLOR_YELLOW, -1, A_BOLD) \
	_(DIM, COLOR_WHITE, -1, A_DIM) \
	_(ERROR, COLOR_RED, -1, A_BOLD) \
	_(GOOD, COLOR_GREEN, -1, A_NORMAL) \
	_(WARN, COLOR_YELLOW, -1, A_NORMAL) \
	_(STATUS, COLOR_WHITE, COLOR_BLUE, A_REVERSE) \
	_(TAB, -1, -1, A_NORMAL) \
	_(TAB_ACTIVE, COLOR_BLACK, COLOR_WHITE, A_REVERSE) \
	_(HINT_KEY, COLOR_CYAN, -1, A_BOLD) \
	_(LABEL, COLOR_CYAN, -1, A_BOLD) \
	_(POPUP, COLOR_WHITE, COLOR_BLACK, A_NORMAL) \
	_(BORDER, COLOR_CYAN, -1, A_NORMAL)

#define COLOR_ENUM(name, fg, bg, attr) C_##name,
enum color { COLOR_INFO(COLOR_ENUM) C_COUNT };
#undef COLOR_ENUM

/* Set up colours (none when NO_COLOR is set or the terminal has none)
 * and line drawing (ASCII when the locale is not UTF-8). */
void draw_init(void);
attr_t draw_attr(enum color c);
bool draw_utf8(void);

/* Draw s (from anywhere: it is sanitised) at y, x in at most width
 * columns, padding with spaces to width; returns the columns used. */
int draw_text(WINDOW *w, int y, int x, int width, enum color c, const char *s);
/* The same for text onetui made itself (translations, numbers): not
 * sanitised, but clipped and padded alike. */
int draw_own(WINDOW *w, int y, int x, int width, enum color c, const char *s);
/* printf into draw_own. */
int draw_printf(WINDOW *w, int y, int x, int width, enum color c, const char *fmt, ...) OD_PRINTF(6, 7);
/* Fill width columns with spaces in colour c. */
void draw_blank(WINDOW *w, int y, int x, int width, enum color c);
/* A vertical line of height rows, and a box. */
void draw_vline(WINDOW *w, int y, int x, int height, enum color c);
void draw_box(WINDOW *w, int y, int x, int height, int width, enum color c);
/* Glyphs that have an ASCII stand-in. */
const char *draw_glyph_open(void);	/* "▾" or "v" */
const char *draw_glyph_closed(void);	/* "▸" or ">" */
const char *draw_glyph_ellipsis(void);	/* "…" or "..." */
/* Display width of text onetui made itself. */
int draw_width(const char *s);
/* A progress bar "[####....]" in width columns for done of total. */
void draw_bar(WINDOW *w, int y, int x, int width, uint64_t done, uint64_t total, enum color c);

#endif
