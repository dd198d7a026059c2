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
