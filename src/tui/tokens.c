/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tokens.c: the list of the user's tokens in the Shares & Tokens pane.
 * Placeholder until the core manages tokens. */
#include "config.h"

#include "onetui/i18n.h"
#include "tui/draw.h"
#include "tui/tui.h"

void tokens_init(struct app *a) { (void)a; }
void tokens_done(void) {}
void tokens_tick(struct app *a) { (void)a; }
size_t tokens_lines(void) { return 1; }
void tokens_cursor_home(void) {}
bool tokens_at_first(void) { return true; }

void
tokens_draw(struct app *a, int y, int x, int height, int width, bool focus)
{
	(void)a;
	for (int i = 0; i < height; i++)
		draw_blank(stdscr, y + i, x, width, C_NORMAL);
	if (height > 0)
		draw_own(stdscr, y, x + 1, width - 1, focus ? C_CURSOR : C_DIM, _("  Tokens come in a later version."));
}

bool
tokens_request(struct app *a, enum request req, bool focused)
{
	(void)a;
	(void)req;
	(void)focused;
	return false;
}
