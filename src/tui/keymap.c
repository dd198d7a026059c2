/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keymap.c: parsing key names and bindings, and looking keys up. */
#include "config.h"

#include "tui/keymap.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "onetui/i18n.h"
#include "onetui/str.h"

static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{ "Enter", '\n' },
	{ "Tab", '\t' },
	{ "Esc", 27 },
	{ "Space", ' ' },
	{ "lt", '<' },
	{ "Backspace", KEY_SPECIAL | KEY_BACKSPACE },
	{ "Del", KEY_SPECIAL | KEY_DC },
	{ "Ins", KEY_SPECIAL | KEY_IC },
	{ "Up", KEY_SPECIAL | KEY_UP },
	{ "Down", KEY_SPECIAL | KEY_DOWN },
	{ "Left", KEY_SPECIAL | KEY_LEFT },
	{ "Right", KEY_SPECIAL | KEY_RIGHT },
	{ "PgUp", KEY_SPECIAL | KEY_PPAGE },
	{ "PgDn", KEY_SPECIAL | KEY_NPAGE },
	{ "Home", KEY_SPECIAL | KEY_HOME },
	{ "End", KEY_SPECIAL | KEY_END },
	{ "BackTab", KEY_SPECIAL | KEY_BTAB },
};

/* The defaults, in the syntax of the keys group of the configuration.
 * No function key is needed for anything: they often fail over SSH. */
static const struct {
	const char *map;
	const char *line;
} defaults[] = {
	{ "generic", "<Up> move-up" },
	{ "generic", "k move-up" },
	{ "generic", "<Down> move-down" },
	{ "generic", "j move-down" },
	{ "generic", "<PgUp> page-up" },
	{ "generic", "<C-b> page-up" },
	{ "generic", "<PgDn> page-down" },
	{ "generic", "<C-f> page-down" },
	{ "generic", "<Home> move-first" },
	{ "generic", "g move-first" },
	{ "generic", "<End> move-last" },
	{ "generic", "G move-last" },
	{ "generic", "<Tab> focus-next" },
	{ "generic", "<BackTab> focus-next" },
	{ "generic", "1 pane-info" },
	{ "generic", "2 pane-metadata" },
	{ "generic", "3 pane-shares" },
	{ "generic", "4 pane-transfers" },
	{ "generic", "y copy" },
	{ "generic", "f fetch" },
	{ "generic", "P pause-all-transfers" },
	{ "generic", "X cancel-all-transfers" },
	{ "generic", "r refresh" },
	{ "generic", "? help" },
	{ "generic", "<C-l> redraw" },
	{ "generic", "q quit" },
	{ "tree", "<Enter> open" },
	{ "tree", "<Right> open" },
	{ "tree", "l open" },
	{ "tree", "<Left> close" },
	{ "tree", "h close" },
	{ "tree", "<Backspace> close" },
	{ "tree", "<Space> mark" },
	{ "tree", "/ filter" },
	{ "tree", "n next-match" },
	{ "tree", "N prev-match" },
	{ "tree", "s sort" },
	{ "tree", "d datasets" },
	{ "tree", "R replicate" },
	{ "tree", "D dataset-actions" },
	{ "tree", "U send" },
	{ "tree", "v view-marks" },
	{ "tree", "E edit-marks" },
	{ "tree", "e export-marks" },
	{ "tree", "u clear-marks" },
	{ "pane", "<Left> focus-next" },
	{ "pane", "p pause-transfer" },
	{ "pane", "x cancel-transfer" },
	{ "pane", "<Enter> transfer-details" },
	{ "pane", "h focus-next" },
	{ "pane", "e edit-metadata" },
	{ "pane", "a add-metadata" },
	{ "pane", "d delete-metadata" },
	{ "pane", "<Del> delete-metadata" },
	{ "pane", "T apply-template" },
	{ "pane", "A change-marked" },
	/* The Shares & Tokens pane's own keys: r, e, d, x and Enter mean
	 * something else there than in the other panes. */
	{ "shares", "<Tab> next-list" },
	{ "shares", "<Enter> details" },
	{ "shares", "n new-share" },
	{ "shares", "r rename-share" },
	{ "shares", "e describe-share" },
	{ "shares", "d delete-share" },
	{ "shares", "<Del> delete-share" },
	{ "shares", "y copy-link" },
	{ "shares", "K register-handle" },
	{ "shares", "H handout" },
	{ "shares", "<C-r> refresh" },
	{ "shares", "t new-token" },
	{ "shares", "i new-invite" },
	{ "shares", "x examine-token" },
	{ "shares", "c consume-invite" },
	{ "shares", "R revoke-token" },
	{ "shares", "D delete-token" },
	/* The Audit view: W opens it from anywhere; its keys are its own. */
	{ "generic", "W audit" },
	{ "audit", "<Esc> close-audit" },
	{ "audit", "q close-audit" },
	{ "audit", "<Tab> next-section" },
	{ "audit", "<BackTab> next-section" },
	{ "audit", "1 audit-shares" },
	{ "audit", "2 audit-tokens" },
	{ "audit", "3 audit-members" },
	{ "audit", "4 audit-log" },
	{ "audit", "5 audit-problems" },
	{ "audit", "/ audit-filter" },
	{ "audit", "! risky-only" },
	{ "audit", "s audit-sort" },
	{ "audit", "<Enter> audit-details" },
	{ "audit", "R audit-revoke" },
	{ "audit", "D audit-delete" },
	{ "audit", "<Del> audit-delete" },
	{ "audit", "w audit-export" },
	{ "generic", "M space" },
	{ "space", "<Esc> close-space" },
	{ "space", "q close-space" },
	{ "space", "<Enter> member-details" },
	{ "space", "p member-preset" },
	{ "space", "e edit-privileges" },
	{ "space", "a add-group" },
	{ "space", "d remove-member" },
	{ "space", "<Del> remove-member" },
	{ "space", "v effective-members" },
	{ "space", "r rename-space" },
	{ "space", "n new-space" },
	{ "space", "S support-token" },
	{ "space", "<C-r> refresh" },
	{ "generic", "I ingest" },
	{ "ingest", "<Esc> close-ingest" },
	{ "ingest", "q close-ingest" },
	{ "ingest", "n new-ingest" },
	{ "ingest", "e end-ingest" },
	{ "ingest", "s stop-ingest" },
	{ "ingest", "r take-up-ingest" },
	{ "ingest", "<Enter> ingest-details" },
	{ "ingest", "c clear-ended" },
	{ "ingest", "H handout" },
	{ "ingest", "<C-r> refresh" },
};

struct binding {
	enum keymap_id map;
	int key;
	enum request req;
};

static struct binding *bindings;
static size_t n_bindings, cap_bindings;
static unsigned generation;	/* see keymap_generation */

#define KEYMAP_NAME(id, name) name,
static const char *const map_names[] = { KEYMAP_INFO(KEYMAP_NAME) };
#undef KEYMAP_NAME

const char *
keymap_name(enum keymap_id map)
{
	return map < KEYMAP_COUNT ? map_names[map] : "?";
}

static int
map_by_name(const char *name)
{
	for (size_t i = 0; i < KEYMAP_COUNT; i++)
		if (strcmp(map_names[i], name) == 0)
			return (int)i;
	return -1;
}

static int fail(char **err, const char *fmt, ...) OD_PRINTF(2, 3);

/* Set *err to the formatted message; -1. */
static int
fail(char **err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*err = od_vasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

int
key_from_name(const char *s, int *key, char **err)
{
	size_t n = strlen(s);
	unsigned cp;

	*err = NULL;
	if (n == 0)
		return fail(err, _("an empty key name \"%s\""), s);
	if (s[0] != '<' || n == 1) {
		/* One character, in UTF-8. */
		if (od_utf8_decode((const unsigned char *)s, n, &cp) != n)
			return fail(err, _("\"%s\" is not one key: write one character or a name such as <Enter>"), s);
		if (cp < 0x20 || cp == 0x7f)
			return fail(err, _("\"%s\" is a control character: write it as <C-x>"), s);
		*key = (int)cp;
		return 0;
	}
	if (s[n - 1] != '>')
		return fail(err, _("\"%s\" lacks its closing '>'"), s);
	if (n == 5 && (s[1] == 'C' || s[1] == 'c') && s[2] == '-') {
		char c = s[3];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (s[4] == '>' && c >= 'a' && c <= 'z') {
			*key = c - 'a' + 1;
			return 0;
		}
		return fail(err, _("\"%s\": Ctrl works with the letters a to z"), s);
	}
	for (size_t i = 0; i < OD_ARRAY_SIZE(named_keys); i++) {
		size_t len = strlen(named_keys[i].name);
		if (len == n - 2 && strncasecmp(s + 1, named_keys[i].name, len) == 0) {
			*key = named_keys[i].key;
			return 0;
		}
	}
	if ((s[1] == 'F' || s[1] == 'f') && n >= 4 && n <= 5) {
		long f;
		char digits[3] = { s[2], n == 5 ? s[3] : '\0', '\0' };
		if (od_parse_long(digits, 1, 12, &f)) {
			*key = KEY_SPECIAL | KEY_F((int)f);
			return 0;
		}
	}
	return fail(err, _("\"%s\" is not a key name I know (see onetui.conf(5))"), s);
}

const char *
key_to_name(int key, char buf[KEY_NAME_SIZE])
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(named_keys); i++) {
		if (named_keys[i].key == key) {
			snprintf(buf, KEY_NAME_SIZE, "<%s>", named_keys[i].name);
			return buf;
		}
	}
	if (key >= 1 && key <= 26) {
		snprintf(buf, KEY_NAME_SIZE, "<C-%c>", 'a' + key - 1);
	} else if ((key & KEY_SPECIAL) && (key & ~KEY_SPECIAL) >= KEY_F(1) && (key & ~KEY_SPECIAL) <= KEY_F(12)) {
		snprintf(buf, KEY_NAME_SIZE, "<F%d>", (key & ~KEY_SPECIAL) - KEY_F0);
	} else if (key & KEY_SPECIAL) {
		snprintf(buf, KEY_NAME_SIZE, "<key %d>", key & ~KEY_SPECIAL);
	} else {
		/* The character in UTF-8. */
		unsigned cp = (unsigned)key;
		char *p = buf;
		if (cp < 0x80) {
			*p++ = (char)cp;
		} else if (cp < 0x800) {
			*p++ = (char)(0xc0 | cp >> 6);
			*p++ = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			*p++ = (char)(0xe0 | cp >> 12);
			*p++ = (char)(0x80 | ((cp >> 6) & 0x3f));
			*p++ = (char)(0x80 | (cp & 0x3f));
		} else {
			*p++ = (char)(0xf0 | cp >> 18);
			*p++ = (char)(0x80 | ((cp >> 12) & 0x3f));
			*p++ = (char)(0x80 | ((cp >> 6) & 0x3f));
			*p++ = (char)(0x80 | (cp & 0x3f));
		}
		*p = '\0';
	}
	return buf;
}

int
key_normalize(int key)
{
	switch (key) {
	case '\r':
	case KEY_SPECIAL | KEY_ENTER:
		return '\n';
	case 127:
	case 8:
		return KEY_SPECIAL | KEY_BACKSPACE;
	}
	return key;
}

static void
set_binding(enum keymap_id map, int key, enum request req)
{
	generation++;
	for (size_t i = 0; i < n_bindings; i++) {
		if (bindings[i].map == map && bindings[i].key == key) {
			bindings[i].req = req;
			return;
		}
	}
	if (n_bindings == cap_bindings) {
		struct binding *v;
		cap_bindings = cap_bindings ? cap_bindings * 2 : 64;
		v = realloc(bindings, cap_bindings * sizeof(*v));
		if (!v)
			abort();
		bindings = v;
	}
	bindings[n_bindings++] = (struct binding){ map, key, req };
}

int
keymap_bind(const char *keymap, const char *line, char **err)
{
	char *copy = od_strdup(line), *key_text, *action, *rest = NULL;
	int map = map_by_name(keymap), key;
	enum request req = REQ_NONE;

	*err = NULL;
	if (!copy)
		abort();
	key_text = strtok_r(copy, " \t", &rest);
	action = key_text ? strtok_r(NULL, " \t", &rest) : NULL;
	if (map < 0) {
		free(copy);
		return fail(err, _("there is no keymap \"%s\" (generic, tree, pane, shares, audit, space, ingest)"), keymap);
	}
	if (!key_text || !action || strtok_r(NULL, " \t", &rest)) {
		free(copy);
		return fail(err, _("\"%s\" should be a key and an action, such as \"J move-down\""), line);
	}
	if (key_from_name(key_text, &key, err) != 0) {
		free(copy);
		return -1;
	}
	if (strcmp(action, "none") != 0 && (req = request_by_name(action)) == REQ_NONE) {
		int rc = fail(err, _("there is no action \"%s\" (the help, ?, lists them)"), action);
		free(copy);
		return rc;
	}
	set_binding((enum keymap_id)map, key_normalize(key), req);
	free(copy);
	return 0;
}

void
keymap_load_defaults(void)
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(defaults); i++) {
		char *err = NULL;
		/* The defaults are ours: a mistake in them is a bug, found by
		 * the unit tests. */
		if (keymap_bind(defaults[i].map, defaults[i].line, &err) != 0)
			abort();
	}
}

int
keymap_load_config(const struct od_config *cfg, char **err)
{
	*err = NULL;
	for (size_t i = 0; cfg && i < cfg->n_bindings; i++) {
		char *why = NULL;
		if (keymap_bind(cfg->bindings[i].keymap, cfg->bindings[i].text, &why) != 0) {
			*err = od_asprintf("%s:%d: %s", cfg->path ? cfg->path : "?", cfg->bindings[i].line,
					   why ? why : "?");
			free(why);
			return -1;
		}
	}
	return 0;
}

enum keymap_id
keymap_parent(enum keymap_id map)
{
	return map == KEYMAP_SHARES ? KEYMAP_PANE : KEYMAP_GENERIC;
}

enum request
keymap_lookup(enum keymap_id map, int key)
{
	key = key_normalize(key);
	for (size_t i = 0; i < n_bindings; i++)
		if (bindings[i].map == map && bindings[i].key == key)
			return bindings[i].req;
	if (map != KEYMAP_GENERIC)
		return keymap_lookup(keymap_parent(map), key);
	return REQ_NONE;
}

size_t
keymap_keys(enum keymap_id map, enum request req, int *keys, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < n_bindings && n < max; i++)
		if (bindings[i].map == map && bindings[i].req == req)
			keys[n++] = bindings[i].key;
	return n;
}

void
keymap_clear(void)
{
	free(bindings);
	bindings = NULL;
	n_bindings = cap_bindings = 0;
	generation++;
}

unsigned
keymap_generation(void)
{
	return generation;
}
