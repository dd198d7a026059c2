/* SPDX-License-Identifier: GPL-3.0-or-later */
/* help.c: the help popup and the key-hint line, both read from the
 * request table and the keymaps the dispatcher uses. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "tui/draw.h"
#include "tui/tui.h"
#include "xmalloc.h"

#define MAX_KEYS 8

/* "k <Up>" for a request in a keymap; "" when unbound there. */
static void
keys_text(enum keymap_id map, enum request req, char *out, size_t size)
{
	int keys[MAX_KEYS];
	size_t n = keymap_keys(map, req, keys, MAX_KEYS), used = 0;
	char name[KEY_NAME_SIZE];

	out[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		int w = snprintf(out + used, size - used, "%s%s", i ? " " : "", key_to_name(keys[i], name));
		used += w > 0 ? (size_t)w : 0;
	}
}

/* Every key of a request, in all keymaps; those of the keymaps that act
 * in one place only are followed by its name: "j <Down> l (pane)". */
static void
request_keys(enum request req, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int map = 0; map < KEYMAP_COUNT && used < size; map++) {
		char keys[64], where[40] = "";
		int w;
		keys_text((enum keymap_id)map, req, keys, sizeof(keys));
		if (!*keys)
			continue;
		if (map != KEYMAP_GENERIC && map != KEYMAP_TREE)
			snprintf(where, sizeof(where), " (%s)", keymap_name((enum keymap_id)map));
		w = snprintf(out + used, size - used, "%s%s%s", used ? " " : "", keys, where);
		used += w > 0 ? (size_t)w : 0;
	}
	if (!*out)
		snprintf(out, size, "%s", _("(unbound)"));
}

void
help_show(struct app *a)
{
	size_t n;
	const struct request_info *t = request_table(&n);
	char keys[256];
	int keys_w = 0, names_w = 0;
	struct od_buf b;

	/* The key and name columns as wide as their widest entries. */
	for (size_t i = 0; i < n; i++) {
		if (t[i].name) {
			request_keys(t[i].req, keys, sizeof(keys));
			if (draw_width(keys) > keys_w)
				keys_w = draw_width(keys);
			if ((int)strlen(t[i].name) > names_w)
				names_w = (int)strlen(t[i].name);
		}
	}
	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (size_t i = 0; i < n; i++) {
		if (!t[i].name) {
			if (od_buf_addf(&b, "%s%s\n", i ? "\n" : "", _(t[i].help)))
				xoom();
			continue;
		}
		request_keys(t[i].req, keys, sizeof(keys));
		/* The action's name is what the configuration calls it. */
		if (od_buf_addf(&b, "  %-*s  %-*s %s\n", keys_w, keys, names_w, t[i].name, _(t[i].help)) != 0)
			xoom();
	}
	if (od_buf_addf(&b, "\n%s\n%s\n", _("Change a key in ~/.config/onetui/config, for example:"),
			"  keys = { tree = [ \"x mark\" ]; generic = [ \"<C-q> quit\" ]; };"))
		xoom();
	widget_popup(a, _("Keys"), od_buf_str(&b));
	od_buf_done(&b);
}

/* The first key that does req in map (or a keymap it falls back to)
 * and is not taken there by another request. */
static bool
hint_key(enum keymap_id map, enum request req, int *key)
{
	for (enum keymap_id m = map;; m = keymap_parent(m)) {
		int keys[MAX_KEYS];
		size_t n = keymap_keys(m, req, keys, MAX_KEYS);
		for (size_t i = 0; i < n; i++)
			if (keymap_lookup(map, keys[i]) == req) {
				*key = keys[i];
				return true;
			}
		if (m == KEYMAP_GENERIC)
			return false;
	}
}

/* The hint line of one keymap: its keys and what they do, in the order
 * of the request table. Worked out from the keymaps (and gettext) once
 * per keymap shown, not at every redraw, where it was a fifteenth of the
 * cost of drawing the screen. */
static struct {
	bool built;
	enum keymap_id map;
	unsigned generation;
	size_t n;
	struct hint {
		char key[KEY_NAME_SIZE];
		const char *what;
		int key_w, what_w;
	} items[REQ_COUNT];
} hints;

static void
build_hints(enum keymap_id map)
{
	/* The views over the whole screen hint at their own keys, and the help. */
	bool own_only = map == KEYMAP_AUDIT || map == KEYMAP_SPACE;
	size_t n;
	const struct request_info *t = request_table(&n);

	hints.built = true;
	hints.map = map;
	hints.generation = keymap_generation();
	hints.n = 0;
	for (size_t i = 0; i < n; i++) {
		struct hint *h = &hints.items[hints.n];
		int keys[1];
		char name[KEY_NAME_SIZE];

		if (!t[i].name || !t[i].hint || hints.n == OD_ARRAY_SIZE(hints.items))
			continue;
		if (own_only && t[i].req != REQ_HELP ? keymap_keys(map, t[i].req, keys, 1) == 0
						     : !hint_key(map, t[i].req, keys))
			continue;
		key_to_name(keys[0], name);
		/* "<Enter>" reads better as "Enter" here. */
		if (name[0] == '<' && name[1])
			snprintf(h->key, sizeof(h->key), "%.*s", (int)strlen(name) - 2, name + 1);
		else
			snprintf(h->key, sizeof(h->key), "%s", name);
		h->what = _(t[i].hint);
		h->key_w = draw_width(h->key);
		h->what_w = draw_width(h->what);
		hints.n++;
	}
}

void
help_draw_hints(struct app *a, int y, int width)
{
	enum keymap_id map = app_keymap(a);
	int x = 0;

	if (!hints.built || hints.map != map || hints.generation != keymap_generation())
		build_hints(map);
	draw_blank(stdscr, y, 0, width, C_NORMAL);
	for (size_t i = 0; i < hints.n; i++) {
		const struct hint *h = &hints.items[i];
		if (x + h->key_w + 1 + h->what_w + 2 > width)
			break;
		/* The line is blank: the spaces between are skipped. */
		x += draw_own(stdscr, y, x, h->key_w, C_HINT_KEY, h->key) + 1;
		x += draw_own(stdscr, y, x, h->what_w, C_NORMAL, h->what) + 2;
	}
}
