/* SPDX-License-Identifier: GPL-3.0-or-later */
/* marks.h: the items the user marked for a later fetch, wherever they are
 * in the tree. Kept by file id, so they outlive the tree's nodes. */
#ifndef ONETUI_TUI_MARKS_H
#define ONETUI_TUI_MARKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "onetui/attrs.h"

struct mark {
	char *file_id;
	char *path;		/* "SPACE/dir/name" */
	char *space_id;		/* NULL in a public share */
	char *share_id;		/* the public share it is in, or NULL */
	char *in_space;		/* "dir/name": the path within the space (or share) */
	enum od_file_type type;
	int64_t size;		/* -1 when not known (directories without statistics) */
};

bool marks_has(const char *file_id);
/* Mark m (its strings are copied), or unmark it when it was marked (by
 * its file id); true when it is now marked. */
bool marks_toggle(const struct mark *m);
/* Record a size learnt later (a directory's statistics). */
void marks_set_size(const char *file_id, int64_t size);
size_t marks_count(void);
const struct mark *marks_get(size_t i);
/* Total bytes of the marks whose size is known, and how many are not. */
int64_t marks_bytes(size_t *unknown);
void marks_clear(void);
/* One path a line, sorted; a path holding a control character or
 * starting with a double quote is written as a JSON string instead.
 * 0, or -1 with errno. */
int marks_write(FILE *f);
/* Keep the marks whose line (as marks_write wrote it) is still in text,
 * unmark the others; returns how many were unmarked, and in *strangers
 * how many lines of text name nothing marked. */
size_t marks_retain(const char *text, size_t *strangers);

#endif
