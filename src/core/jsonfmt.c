/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jsonfmt.c: pretty-printing JSON as tokens, and merge patches. */
#include "config.h"

#include "onetui/jsonfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/json.h"
#include "onetui/str.h"

struct printer {
	od_json_tok_fn *fn;
	void *ud;
	int indent;
	struct od_buf scratch;	/* an escaped string */
};

static int
emit(struct printer *p, enum od_json_tok kind, const char *text, size_t len)
{
	return p->fn(kind, text, len, p->ud);
}

static int
emit_s(struct printer *p, enum od_json_tok kind, const char *text)
{
	return emit(p, kind, text, strlen(text));
}

static int
newline(struct printer *p, int depth)
{
	char spaces[1 + 128];
	size_t n = (size_t)depth * (size_t)p->indent;

	if (p->indent == 0)
		return 0;	/* compact: one line */
	if (n > sizeof(spaces) - 1)
		n = sizeof(spaces) - 1;	/* deeper still: no further right */
	spaces[0] = '\n';
	memset(spaces + 1, ' ', n);
	return emit(p, OD_JTOK_SPACE, spaces, n + 1);
}

static int
quoted(struct printer *p, enum od_json_tok kind, const char *s)
{
	od_buf_reset(&p->scratch);
	if (od_json_escape(&p->scratch, s, strlen(s)) != 0)
		return -1;
	return emit(p, kind, p->scratch.data, p->scratch.len);
}

/* Numbers as cJSON writes them: the shortest of 15 or 17 digits that
 * reads back the same. */
static int
number(struct printer *p, double v)
{
	char text[32];

	if (!isfinite(v))
		return emit_s(p, OD_JTOK_LITERAL, "null");
	if (fabs(v) < 1e15 && v == (double)(long long)v)
		snprintf(text, sizeof(text), "%lld", (long long)v);
	else
		od_format_double(v, text, sizeof(text));
	return emit_s(p, OD_JTOK_NUMBER, text);
}

static int
value(struct printer *p, const cJSON *v, int depth)
{
	const cJSON *item;
	bool object = cJSON_IsObject(v);
	int rc;

	if (cJSON_IsString(v))
		return quoted(p, OD_JTOK_STRING, v->valuestring);
	if (cJSON_IsNumber(v))
		return number(p, v->valuedouble);
	if (cJSON_IsBool(v))
		return emit_s(p, OD_JTOK_LITERAL, cJSON_IsTrue(v) ? "true" : "false");
	if (!object && !cJSON_IsArray(v))
		return emit_s(p, OD_JTOK_LITERAL, "null");
	if ((rc = emit_s(p, OD_JTOK_PUNCT, object ? "{" : "[")))
		return rc;
	cJSON_ArrayForEach(item, v) {
		if ((item != v->child && (rc = emit_s(p, OD_JTOK_PUNCT, ","))) || (rc = newline(p, depth + 1)))
			return rc;
		if (object && ((rc = quoted(p, OD_JTOK_KEY, item->string ? item->string : "")) ||
			       (rc = emit_s(p, OD_JTOK_PUNCT, ":")) ||
			       (p->indent > 0 && (rc = emit_s(p, OD_JTOK_SPACE, " ")))))
			return rc;
		if ((rc = value(p, item, depth + 1)))
			return rc;
	}
	if (v->child && (rc = newline(p, depth)))
		return rc;
	return emit_s(p, OD_JTOK_PUNCT, object ? "}" : "]");
}

int
od_json_pretty(const cJSON *v, int indent, od_json_tok_fn *fn, void *ud)
{
	struct printer p = { .fn = fn, .ud = ud, .indent = indent };
	int rc;

	od_buf_init(&p.scratch, OD_BUF_UNLIMITED);
	rc = value(&p, v, 0);
	od_buf_done(&p.scratch);
	return rc;
}

static int
append_token(enum od_json_tok kind, const char *text, size_t len, void *ud)
{
	(void)kind;
	return od_buf_add(ud, text, len);
}

char *
od_json_text(const cJSON *v, int indent)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_json_pretty(v, indent, append_token, &b) != 0 || od_buf_addc(&b, '\n') != 0) {
		od_buf_done(&b);
		return NULL;
	}
	return od_buf_steal(&b);
}

int
od_json_merge_patch(cJSON **doc, const cJSON *patch)
{
	const cJSON *item;

	if (!cJSON_IsObject(patch)) {
		cJSON *copy = cJSON_Duplicate(patch, true);
		if (!copy)
			return -1;
		cJSON_Delete(*doc);
		*doc = copy;
		return 0;
	}
	if (!cJSON_IsObject(*doc)) {
		cJSON *fresh = cJSON_CreateObject();
		if (!fresh)
			return -1;
		cJSON_Delete(*doc);
		*doc = fresh;
	}
	/* Keys keep their place in the document; new ones come last. */
	cJSON_ArrayForEach(item, patch) {
		cJSON *old = cJSON_GetObjectItemCaseSensitive(*doc, item->string), *merged = NULL;
		bool placed;
		if (cJSON_IsNull(item)) {
			cJSON_DeleteItemFromObjectCaseSensitive(*doc, item->string);
			continue;
		}
		if ((old && !(merged = cJSON_Duplicate(old, true))) || od_json_merge_patch(&merged, item) != 0) {
			cJSON_Delete(merged);
			return -1;
		}
		placed = old ? cJSON_ReplaceItemInObjectCaseSensitive(*doc, item->string, merged)
			     : cJSON_AddItemToObject(*doc, item->string, merged);
		if (!placed) {
			cJSON_Delete(merged);
			return -1;
		}
	}
	return 0;
}
