/* SPDX-License-Identifier: GPL-3.0-or-later */
/* marks.c: the marked items, sorted by file id for quick look-ups. */
#include "config.h"

#include "tui/marks.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/json.h"
#include "onetui/str.h"
#include "xmalloc.h"

static struct mark *marks;
static size_t n_marks, cap_marks;

/* Where id is, or would be inserted. */
static size_t
find(const char *id, bool *found)
{
	size_t lo = 0, hi = n_marks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, marks[mid].file_id);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = false;
	return lo;
}

bool
marks_has(const char *file_id)
{
	bool found;

	find(file_id, &found);
	return found;
}

static void
remove_at(size_t i)
{
	free(marks[i].file_id);
	free(marks[i].path);
	free(marks[i].space_id);
	free(marks[i].share_id);
	free(marks[i].in_space);
	memmove(&marks[i], &marks[i + 1], (n_marks - i - 1) * sizeof(*marks));
	n_marks--;
}

static char *
copy_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

bool
marks_toggle(const struct mark *m)
{
	bool found;
	size_t i = find(m->file_id, &found);

	if (found) {
		remove_at(i);
		return false;
	}
	if (n_marks == cap_marks) {
		cap_marks = cap_marks ? cap_marks * 2 : 16;
		marks = xrealloc(marks, cap_marks * sizeof(*marks));
	}
	memmove(&marks[i + 1], &marks[i], (n_marks - i) * sizeof(*marks));
	marks[i] = (struct mark){ xstrdup(m->file_id), xstrdup(m->path), copy_or_null(m->space_id),
				  copy_or_null(m->share_id), xstrdup(m->in_space), m->type, m->size };
	n_marks++;
	return true;
}

void
marks_set_size(const char *file_id, int64_t size)
{
	bool found;
	size_t i = find(file_id, &found);

	if (found)
		marks[i].size = size;
}

size_t
marks_count(void)
{
	return n_marks;
}

const struct mark *
marks_get(size_t i)
{
	return i < n_marks ? &marks[i] : NULL;
}

int64_t
marks_bytes(size_t *unknown)
{
	int64_t total = 0;

	*unknown = 0;
	for (size_t i = 0; i < n_marks; i++) {
		if (marks[i].size >= 0)
			total += marks[i].size;
		else
			(*unknown)++;
	}
	return total;
}

void
marks_clear(void)
{
	for (size_t i = 0; i < n_marks; i++) {
		free(marks[i].file_id);
		free(marks[i].path);
		free(marks[i].space_id);
		free(marks[i].share_id);
		free(marks[i].in_space);
	}
	free(marks);
	marks = NULL;
	n_marks = cap_marks = 0;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp((*(const struct mark *const *)a)->path, (*(const struct mark *const *)b)->path);
}

/* A path that could not stand on a line of its own as it is. */
static bool
needs_quoting(const char *path)
{
	if (path[0] == '"')
		return true;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f || od_is_nul_pair(p, 2))
			return true;
	return false;
}

/* The line that stands for m in a list of paths. */
static const char *
mark_line(const struct mark *m, struct od_buf *b)
{
	if (!needs_quoting(m->path))
		return m->path;
	od_buf_reset(b);
	if (od_json_escape(b, m->path, strlen(m->path)) != 0)
		xoom();
	return od_buf_str(b);
}

int
marks_write(FILE *f)
{
	const struct mark **v = xcalloc(n_marks + 1, sizeof(*v));
	struct od_buf b;
	int rc = 0;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (size_t i = 0; i < n_marks; i++)
		v[i] = &marks[i];
	qsort(v, n_marks, sizeof(*v), by_path);
	for (size_t i = 0; i < n_marks && rc == 0; i++)
		if (fprintf(f, "%s\n", mark_line(v[i], &b)) < 0)
			rc = -1;
	od_buf_done(&b);
	free(v);
	return rc;
}

/* Whether line is one of the lines of text (its lines end with '\n'). */
static bool
has_line(const char *text, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = text; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (strncmp(p, line, len) == 0 && (p[len] == '\n' || p[len] == '\0'))
			return true;
	return false;
}

size_t
marks_retain(const char *text, size_t *strangers)
{
	struct od_buf b;
	size_t removed = 0, kept = 0, lines = 0;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	for (size_t i = 0; i < n_marks;) {
		if (has_line(text, mark_line(&marks[i], &b))) {
			kept++;
			i++;
			continue;
		}
		remove_at(i);
		removed++;
	}
	od_buf_done(&b);
	for (const char *p = text; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (*p != '\n')
			lines++;
	*strangers = lines > kept ? lines - kept : 0;
	return removed;
}
