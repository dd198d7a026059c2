/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-keymap.c: key names, bindings from the defaults and from a
 * configuration file, and the errors a bad binding gives. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/config.h"
#include "tap.h"
#include "testutil.h"
#include "tui/keymap.h"

static void
parse(const char *name, int want)
{
	char *err = NULL;
	int key = -1, rc = key_from_name(name, &key, &err);

	ok(rc == 0 && key == want, "key '%s' parses%s%s", name, err ? ": " : "", err ? err : "");
	free(err);
}

static void
parse_bad(const char *name, const char *why)
{
	char *err = NULL;
	int key = -1, rc = key_from_name(name, &key, &err);

	ok(rc != 0, "key '%s' is refused", name);
	like(err, why, "key '%s': the reason", name);
	free(err);
}

static void
roundtrip(int key)
{
	char name[KEY_NAME_SIZE], *err = NULL;
	int back = -1;

	key_to_name(key, name);
	ok(key_from_name(name, &back, &err) == 0 && back == key, "'%s' reads back as the same key", name);
	free(err);
}

static void
bind_bad(const char *map, const char *line, const char *why)
{
	char *err = NULL;

	ok(keymap_bind(map, line, &err) != 0, "binding '%s' in %s is refused", line, map);
	like(err, why, "binding '%s': the reason", line);
	free(err);
}

int
main(void)
{
	struct od_config *cfg = NULL;
	struct od_error *err;
	char *why = NULL, *path;
	int keys[8];

	parse("j", 'j');
	parse("?", '?');
	parse("<", '<');
	parse("<lt>", '<');
	parse("\xc3\xa4", 0xe4);
	parse("\xe8\xa9\xa6", 0x8a66);
	parse("<Enter>", '\n');
	parse("<enter>", '\n');
	parse("<Tab>", '\t');
	parse("<Esc>", 27);
	parse("<Space>", ' ');
	parse("<C-r>", 18);
	parse("<C-R>", 18);
	parse("<Up>", KEY_SPECIAL | KEY_UP);
	parse("<PgDn>", KEY_SPECIAL | KEY_NPAGE);
	parse("<F5>", KEY_SPECIAL | KEY_F(5));
	parse("<F12>", KEY_SPECIAL | KEY_F(12));
	parse("<Backspace>", KEY_SPECIAL | KEY_BACKSPACE);
	parse_bad("", "empty");
	parse_bad("jk", "not one key");
	parse_bad("<Up", "closing");
	parse_bad("<Frobnicate>", "not a key name");
	parse_bad("<C-1>", "letters a to z");
	parse_bad("<F13>", "not a key name");
	parse_bad("\x01", "control character");
	parse_bad("\xff", "not one key");
	roundtrip('j');
	roundtrip(0xe4);
	roundtrip('<');
	roundtrip(' ');
	roundtrip(7);
	roundtrip(KEY_SPECIAL | KEY_HOME);
	roundtrip(KEY_SPECIAL | KEY_F(3));
	ok(key_normalize('\r') == '\n' && key_normalize(KEY_SPECIAL | KEY_ENTER) == '\n', "Enter is Enter");
	ok(key_normalize(127) == (KEY_SPECIAL | KEY_BACKSPACE) && key_normalize(8) == (KEY_SPECIAL | KEY_BACKSPACE),
	   "DEL and ^H are Backspace");

	keymap_load_defaults();
	ok(keymap_lookup(KEYMAP_TREE, 'j') == REQ_MOVE_DOWN, "j moves down in the tree (through generic)");
	ok(keymap_lookup(KEYMAP_TREE, '\r') == REQ_OPEN, "Enter opens in the tree");
	ok(keymap_lookup(KEYMAP_PANE, '\n') == REQ_TRANSFER_DETAILS, "Enter shows a transfer's files in the pane");
	ok(keymap_lookup(KEYMAP_PANE, 'p') == REQ_TRANSFER_PAUSE, "p pauses a transfer in the pane");
	ok(keymap_lookup(KEYMAP_TREE, 'f') == REQ_FETCH, "f fetches (through generic)");
	ok(keymap_lookup(KEYMAP_TREE, ' ') == REQ_MARK, "Space marks");
	ok(keymap_lookup(KEYMAP_GENERIC, 'q') == REQ_QUIT, "q quits");
	ok(keymap_lookup(KEYMAP_TREE, 'Z') == REQ_NONE, "Z is unbound");
	ok(keymap_lookup(KEYMAP_SHARES, 'r') == REQ_SHARE_RENAME && keymap_lookup(KEYMAP_PANE, 'r') == REQ_REFRESH,
	   "r renames a share in the Shares & Tokens pane, and refreshes in the others");
	ok(keymap_lookup(KEYMAP_SHARES, 'K') == REQ_SHARE_HANDLE && keymap_lookup(KEYMAP_PANE, 'K') == REQ_NONE &&
		   keymap_lookup(KEYMAP_TREE, 'K') == REQ_NONE,
	   "K registers a handle in the Shares & Tokens pane only");
	ok(keymap_lookup(KEYMAP_SHARES, KEY_SPECIAL | KEY_LEFT) == REQ_FOCUS_NEXT &&
		   keymap_lookup(KEYMAP_SHARES, 'q') == REQ_QUIT,
	   "the shares keymap falls back to the pane's, then to the generic one");
	ok(keymap_keys(KEYMAP_GENERIC, REQ_MOVE_DOWN, keys, 8) == 2, "two keys move down");
	/* Every action has a key that is not a function key. */
	{
		size_t n;
		const struct request_info *t = request_table(&n);
		bool all = true;
		for (size_t i = 0; i < n; i++) {
			bool plain = false;
			if (!t[i].name)
				continue;
			for (int m = 0; m < KEYMAP_COUNT; m++) {
				size_t k = keymap_keys((enum keymap_id)m, t[i].req, keys, 8);
				for (size_t j = 0; j < k; j++)
					plain = plain || !(keys[j] & KEY_SPECIAL);
			}
			if (!plain)
				diag("no plain key for %s", t[i].name);
			all = all && plain;
		}
		ok(all, "every action has a plain key (no function key needed over SSH)");
	}

	ok(keymap_bind("tree", "x mark", &why) == 0 && keymap_lookup(KEYMAP_TREE, 'x') == REQ_MARK, "x bound to mark");
	free(why);
	ok(keymap_bind("generic", "j none", &why) == 0 && keymap_lookup(KEYMAP_TREE, 'j') == REQ_NONE,
	   "'none' unbinds j");
	free(why);
	bind_bad("trees", "x mark", "no keymap \"trees\"");
	bind_bad("tree", "x", "a key and an action");
	bind_bad("tree", "x mark extra", "a key and an action");
	bind_bad("tree", "x frobnicate", "no action \"frobnicate\"");
	bind_bad("tree", "<Nope> mark", "not a key name");

	scratch_init("t-keymap");
	path = scratch_write_str("config", "keys = {\n  tree = [ \"X mark\",\n    \"<C-x> nothing\" ];\n};\n", 0644);
	err = od_config_load(path, &cfg);
	ok(!err, "a configuration with keys loads");
	od_error_free(err);
	ok(cfg && cfg->n_bindings == 2, "two bindings read");
	ok(keymap_load_config(cfg, &why) != 0, "a bad binding in the file is refused");
	like(why, "config:3: there is no action \"nothing\"", "naming the file, the line and the reason");
	ok(keymap_lookup(KEYMAP_TREE, 'X') == REQ_MARK, "the good one before it holds");
	free(why);
	od_config_free(cfg);
	free(path);
	keymap_clear();
	scratch_done();
	return done_testing();
}
