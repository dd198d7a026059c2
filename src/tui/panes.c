/* SPDX-License-Identifier: GPL-3.0-or-later */
/* panes.c: the tabbed pane area on the right: the tab bar, and the
 * Info, Metadata, Shares & Tokens and Transfers panes under it. */
#include "config.h"

#include <stdlib.h>

#include "onetui/i18n.h"
#include "onetui/str.h"
#include "tui/draw.h"
#include "tui/marks.h"
#include "tui/tui.h"

/* The pane's name in full, or short for a narrow pane area. */
static const char *
pane_title(enum pane p, bool brief)
{
	switch (p) {
	case PANE_INFO: return _("Info");
	case PANE_METADATA: return brief ? _("Meta") : _("Metadata");
	case PANE_SHARES: return brief ? _("Shares") : _("Shares & Tokens");
	case PANE_TRANSFERS: return _("Transfers");
	case PANE_COUNT: break;
	}
	return "";
}

static int
tabs_width(bool brief)
{
	int w = 0;

	for (int p = 0; p < PANE_COUNT; p++)
		w += draw_width(pane_title((enum pane)p, brief)) + 5;
	return w;
}

static void
draw_tabs(struct app *a, int y, int x, int width)
{
	bool brief = tabs_width(false) > width;
	int used = 0;

	draw_blank(stdscr, y, x, width, C_TAB);
	for (int p = 0; p < PANE_COUNT && used < width; p++) {
		char label[64];
		enum color c = p == (int)a->pane ? (a->focus == FOCUS_PANE ? C_CURSOR : C_TAB_ACTIVE) : C_TAB;
		snprintf(label, sizeof(label), " %d %s ", p + 1, pane_title((enum pane)p, brief));
		used += draw_own(stdscr, y, x + used, width - used < draw_width(label) ? width - used : draw_width(label),
				 c, label);
		if (used < width)
			used += draw_own(stdscr, y, x + used, 1, C_BORDER, draw_utf8() ? "\u2502" : "|");
	}
}

void
panes_draw(struct app *a, int y, int x, int height, int width)
{
	if (height < 1 || width < 1)
		return;
	draw_tabs(a, y, x, width);
	if (a->pane == PANE_INFO)
		info_view_draw(a, y + 1, x, height - 1, width);
	else if (a->pane == PANE_TRANSFERS)
		transfers_draw(a, y + 1, x, height - 1, width);
	else if (a->pane == PANE_METADATA)
		meta_view_draw(a, y + 1, x, height - 1, width);
	else
		shares_view_draw(a, y + 1, x, height - 1, width);
}

bool
panes_request(struct app *a, enum request req)
{
	switch (req) {
	case REQ_PANE_INFO:
	case REQ_PANE_METADATA:
	case REQ_PANE_SHARES:
	case REQ_PANE_TRANSFERS:
		a->pane = (enum pane)(req - REQ_PANE_INFO);
		app_dirty(a);
		return true;
	default:
		break;
	}
	if (a->pane == PANE_TRANSFERS)
		return transfers_request(a, req);
	if (a->pane == PANE_METADATA)
		return meta_view_request(a, req);
	if (a->pane == PANE_SHARES)
		return shares_view_request(a, req);
	return a->pane == PANE_INFO && info_view_request(a, req);
}

void
panes_select(struct app *a, struct od_node *n, struct od_space *s)
{
	info_view_select(a, n, s);
	meta_view_select(a, n, s);
	shares_view_select(a, n, s);
}
