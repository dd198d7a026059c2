/* SPDX-License-Identifier: GPL-3.0-or-later */
/* request.c: the table of actions behind request.h. */
#include "config.h"

#include "tui/request.h"

#include <string.h>

#define REQ_ROW_GROUP(title) { REQ_NONE, NULL, title, NULL },
#define REQ_ROW(id, name, help, hint) { REQ_##id, name, help, hint },
static const struct request_info table[] = {
	REQ_INFO(REQ_ROW_GROUP, REQ_ROW)
};
#undef REQ_ROW_GROUP
#undef REQ_ROW

const struct request_info *
request_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

enum request
request_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].name && strcmp(table[i].name, name) == 0)
			return table[i].req;
	return REQ_NONE;
}

const struct request_info *
request_info(enum request req)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].req == req && table[i].name)
			return &table[i];
	return NULL;
}

bool
request_move(enum request req, size_t *cursor, size_t n, int height)
{
	size_t page = height > 1 ? (size_t)height - 1 : 1, last = n ? n - 1 : 0, c = *cursor;

	switch (req) {
	case REQ_MOVE_UP: c = c ? c - 1 : 0; break;
	case REQ_MOVE_DOWN: c = c < last ? c + 1 : last; break;
	case REQ_PAGE_UP: c = c > page ? c - page : 0; break;
	case REQ_PAGE_DOWN: c = c + page < last ? c + page : last; break;
	case REQ_MOVE_FIRST: c = 0; break;
	case REQ_MOVE_LAST: c = last; break;
	default: return false;
	}
	*cursor = c;
	return true;
}
