/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keymap.h: keys, their names, and what they are bound to.
 *
 * A binding is written "KEY ACTION" in a keymap, as in the keys group of
 * the configuration file; the defaults are written the same way. Keys are
 * single characters ("j", "?", "ä") or names in angle brackets: <Enter>,
 * <Tab>, <Esc>, <Space>, <Backspace>, <Del>, <Ins>, <Up>, <Down>, <Left>,
 * <Right>, <PgUp>, <PgDn>, <Home>, <End>, <F1>..<F12>, <C-x> (Ctrl), and
 * <lt> for "<". ACTION "none" removes a binding. */
#ifndef ONETUI_TUI_KEYMAP_H
#define ONETUI_TUI_KEYMAP_H

#include <stddef.h>

#include "onetui/config.h"
#include "tui/request.h"

/* Keys are Unicode code points, or curses key codes plus KEY_SPECIAL. */
#define KEY_SPECIAL 0x200000
#define KEY_NAME_SIZE 32

#define KEYMAP_INFO(_) \
	_(GENERIC, "generic") \
	_(TREE, "tree") \
	_(PANE, "pane") \
	_(SHARES, "shares") \
	_(AUDIT, "audit") \
	_(SPACE, "space") \
	_(INGEST, "ingest")

#define KEYMAP_ENUM(id, name) KEYMAP_##id,
enum keymap_id { KEYMAP_INFO(KEYMAP_ENUM) KEYMAP_COUNT };
#undef KEYMAP_ENUM

/* One key from its name; 0, or -1 with *err (caller frees) saying why. */
int key_from_name(const char *s, int *key, char **err);
/* The name of a key, as key_parse reads it. */
const char *key_to_name(int key, char buf[KEY_NAME_SIZE]);
/* The key a terminal sends, in the form bindings use (Enter is '\n',
 * Backspace is <Backspace> whatever the terminal sends). */
int key_normalize(int key);

/* Bind from a "KEY ACTION" line in the named keymap; 0, or -1 with *err. */
int keymap_bind(const char *keymap, const char *line, char **err);
/* The built-in bindings; call once before the user's. */
void keymap_load_defaults(void);
/* The user's bindings from the configuration; 0, or -1 with *err naming
 * the file and line. */
int keymap_load_config(const struct od_config *cfg, char **err);
/* What key does in map, falling back to the keymap map extends (the
 * shares keymap extends pane) and then to the generic keymap. */
enum request keymap_lookup(enum keymap_id map, int key);
/* The keymap map falls back to (generic falls back to nothing). */
enum keymap_id keymap_parent(enum keymap_id map);
/* The keys bound to req in map (not the generic ones), at most max. */
size_t keymap_keys(enum keymap_id map, enum request req, int *keys, size_t max);
const char *keymap_name(enum keymap_id map);
/* Forget every binding. */
void keymap_clear(void);
/* Changes whenever a binding does: what was worked out from the keymaps
 * before is stale when it differs. */
unsigned keymap_generation(void);

#endif
