/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-draw.c: the drawing helpers on a real curses screen (written to
 * /dev/null and read back cell by cell): sanitising, clipping at display
 * width, padding, ASCII fallbacks and NO_COLOR. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tap.h"
#include "tui/draw.h"

static WINDOW *win;

/* Row y of the window as UTF-8, trailing blanks kept. */
static const char *
row(int y)
{
	static char out[512];
	wchar_t wide[128];
	int n = mvwinnwstr(win, y, 0, wide, 127);

	wide[n > 0 ? n : 0] = L'\0';
	if (wcstombs(out, wide, sizeof(out)) == (size_t)-1)
		snprintf(out, sizeof(out), "(unconvertible)");
	return out;
}

static void
fresh(void)
{
	werase(win);
	/* Something to be overwritten: padding must clear it. */
	for (int y = 0; y < 4; y++)
		mvwaddstr(win, y, 0, "################################");
}

static void
test_utf8(void)
{
	int cols;

	fresh();
	cols = draw_text(win, 0, 0, 20, C_NORMAL, "\x1b[31mred\x1b[0m");
	is(row(0), "\\e[31mred\\e[0m      ############", "escape sequences drawn as visible escapes, padded");
	ok(cols == 14, "14 columns used (%d)", cols);
	cols = draw_text(win, 1, 0, 5, C_NORMAL, "試料-東京");
	is(row(1), "試料-###########################", "wide characters clipped at the width");
	ok(cols == 5, "5 columns (%d)", cols);
	cols = draw_text(win, 2, 0, 4, C_NORMAL, "試料-東京");
	ok(cols == 4 && strncmp(row(2), "試料#", strlen("試料#")) == 0, "a width that ends after a wide character");
	cols = draw_text(win, 3, 0, 3, C_NORMAL, "試料-東京");
	ok(cols == 2 && strncmp(row(3), "試 #", strlen("試 #")) == 0,
	   "a wide character that does not fit is left out, the column padded");
	fresh();
	cols = draw_text(win, 0, 0, 6, C_NORMAL, "Re\xcc\x81sume\xcc\x81.txt");
	ok(cols == 6, "combining accents take no column (%d)", cols);
	cols = draw_text(win, 1, 0, 24, C_NORMAL, "invoice\xe2\x80\xae" "fdp.exe");
	ok(strstr(row(1), "\xe2\x80\xae") == NULL && strstr(row(1), "\\u{202e}") != NULL,
	   "a right-to-left override is shown, never obeyed: %s", row(1));
	cols = draw_text(win, 2, 0, 0, C_NORMAL, "anything");
	ok(cols == 0 && row(2)[0] == '#', "width 0 draws nothing");
	draw_own(win, 3, 2, 5, C_NORMAL, "ab");
	is(row(3), "##ab   #########################", "own text padded to its width");
	ok(draw_width("Ø 3 mm") == 6 && draw_width("試料") == 4 && draw_width("") == 0, "display widths");
	ok(strcmp(draw_glyph_open(), "\u25be") == 0 && strcmp(draw_glyph_ellipsis(), "\u2026") == 0,
	   "line drawing glyphs in UTF-8");
	ok((draw_attr(C_ERROR) & A_COLOR) != 0, "colours on a colour terminal");
}

static void
test_c_locale(void)
{
	setlocale(LC_ALL, "C");
	draw_init();
	fresh();
	draw_text(win, 0, 0, 20, C_NORMAL, "Probe M\xc3\xbcller");
	is(row(0), "Probe M\\u{00fc}ller ############", "the C locale: non-ASCII as escapes");
	ok(!draw_utf8() && strcmp(draw_glyph_closed(), ">") == 0 && strcmp(draw_glyph_ellipsis(), "...") == 0,
	   "ASCII glyphs");
	setlocale(LC_ALL, "C.UTF-8");
}

static void
test_no_color(void)
{
	setenv("NO_COLOR", "1", 1);
	draw_init();
	ok((draw_attr(C_ERROR) & A_COLOR) == 0 && (draw_attr(C_ERROR) & A_BOLD), "NO_COLOR: attributes only");
	ok((draw_attr(C_CURSOR) & A_REVERSE) != 0, "the cursor still shows");
	unsetenv("NO_COLOR");
}

int
main(void)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *sc;

	if (!setlocale(LC_ALL, "C.UTF-8") || !out || !in) {
		tap_plan_skip_all("no C.UTF-8 locale or no /dev/null");
		return 0;
	}
	sc = newterm("xterm-256color", out, in);
	if (!sc) {
		tap_plan_skip_all("no terminfo entry for xterm-256color");
		return 0;
	}
	draw_init();
	win = newwin(4, 32, 0, 0);
	test_utf8();
	test_c_locale();
	test_no_color();
	delwin(win);
	endwin();
	delscreen(sc);
	fclose(out);
	fclose(in);
	return done_testing();
}
