/* SPDX-License-Identifier: GPL-3.0-or-later */
/* json.c: type-checked access to cJSON values, and JSON string output. */
#include "config.h"

#include "onetui/json.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "onetui/i18n.h"
#include "onetui/sanitize.h"
#include "onetui/str.h"

static bool
is_nul_escape(const char *p, const char *end)
{
	return end - p >= 6 && p[0] == '\\' && p[1] == 'u' && memcmp(p + 2, "0000", 4) == 0;
}

/* The first \u0000 escape in the JSON text, or NULL. Backslashes only
 * occur inside strings, each starting a two-character escape. */
static const char *
find_nul_escape(const char *p, const char *end)
{
	while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		if (is_nul_escape(p, end))
			return p;
		p += end - p >= 2 ? 2 : 1;
	}
	return NULL;
}

/* A copy of the JSON text with every \u0000 escape replaced by
 * OD_NUL_PAIR, since C strings would silently cut such a value short.
 * NULL when there is none, or when out of memory (*nomem set). */
static char *
replace_nul_escapes(const char *data, size_t len, size_t *newlen, bool *nomem)
{
	const char *end = data + len, *p = find_nul_escape(data, end);
	char *copy, *w;

	*nomem = false;
	if (!p)
		return NULL;
	if (!(copy = malloc(len))) {
		*nomem = true;
		return NULL;
	}
	memcpy(copy, data, (size_t)(p - data));
	w = copy + (p - data);
	while (p < end) {
		size_t n = *p == '\\' && end - p >= 2 ? 2 : 1;
		if (is_nul_escape(p, end)) {
			memcpy(w, OD_NUL_PAIR, 2);
			w += 2;
			p += 6;
			continue;
		}
		memcpy(w, p, n);
		w += n;
		p += n;
	}
	*newlen = (size_t)(w - copy);
	return copy;
}

/* Where byte off of the rewritten copy was in the original text: each
 * \u0000 escape before it took 6 bytes there and 2 here. */
static size_t
original_offset(const char *data, size_t len, size_t off)
{
	const char *p = data, *end = data + len;
	size_t w = 0;

	while (p < end && w < off) {
		if (is_nul_escape(p, end)) {
			p += 6;
			w += 2;
		} else {
			size_t n = *p == '\\' && end - p >= 2 ? 2 : 1;
			p += n;
			w += n;
		}
	}
	return (size_t)(p - data);
}

bool
od_json_truncated(const char *p, size_t len)
{
	const char *end = p + len;
	long depth = 0;
	bool in_string = false, seen = false;

	for (; p < end; p++) {
		if (in_string) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_string = false;
		} else if (*p == '"') {
			in_string = true;
			seen = true;
		} else if (*p == '{' || *p == '[') {
			depth++;
			seen = true;
		} else if (*p == '}' || *p == ']') {
			depth--;
		}
	}
	return seen && (in_string || depth > 0);
}

static bool
json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct od_error *
od_json_parse(const char *data, size_t len, const char *what, cJSON **out)
{
	const char *text = data, *end = NULL;
	size_t text_len = len;
	struct od_error *err = NULL;
	char *fixed;
	bool nomem;
	cJSON *root;

	*out = NULL;
	if (!data || len == 0)
		return od_error_new(OD_ERR_INPUT, _("%s is empty where JSON was expected"), what);
	/* Raw NUL bytes are not JSON, and would cut strings short. */
	if (memchr(data, '\0', len))
		return od_error_new(OD_ERR_INPUT, _("%s is not valid JSON: it contains a NUL byte (at byte %zu)"),
				    what, (size_t)((const char *)memchr(data, '\0', len) - data));
	fixed = replace_nul_escapes(data, len, &text_len, &nomem);
	if (nomem)
		return od_error_nomem();
	if (fixed)
		text = fixed;
	root = cJSON_ParseWithLengthOpts(text, text_len, &end, false);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= text && at <= text + text_len ? (size_t)(at - text) : text_len;
		if (od_json_truncated(data, len))
			err = od_error_new(OD_ERR_INPUT, _("%s is not valid JSON: it ends too early (%zu bytes)"),
					   what, len);
		else
			err = od_error_new(OD_ERR_INPUT, _("%s is not valid JSON (error at byte %zu of %zu)"),
					   what, original_offset(data, len, off), len);
	} else {
		while (end && end < text + text_len && json_space(*end))
			end++;
		if (end && end < text + text_len) {
			err = od_error_new(OD_ERR_INPUT,
					   _("%s has unexpected data after the JSON value (byte %zu)"), what,
					   original_offset(data, len, (size_t)(end - text)));
			cJSON_Delete(root);
			root = NULL;
		}
	}
	free(fixed);
	*out = root;
	return err;
}

/* --- arenas --------------------------------------------------------------- */

#define ARENA_CHUNK (1u << 20)

struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[];
};

struct od_json_arena {
	struct chunk *chunks;	/* the first is the biggest, kept on reset */
};

/* The arena cJSON allocates from while od_json_parse_object_in runs. */
static struct od_json_arena *active;

static bool
arena_owns(const struct od_json_arena *a, const void *p)
{
	for (const struct chunk *c = a->chunks; c; c = c->next)
		if ((const char *)p >= (const char *)c->data && (const char *)p < (const char *)c->data + c->size)
			return true;
	return false;
}

static void *
arena_alloc(struct od_json_arena *a, size_t n)
{
	struct chunk *c = a->chunks;
	size_t need = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);

	if (!c || c->size - c->used < need) {
		size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->chunks;
		a->chunks = c;
	}
	c->used += need;
	return (char *)c->data + c->used - need;
}

static void *
hook_malloc(size_t n)
{
	return active ? arena_alloc(active, n) : malloc(n);
}

static void
hook_free(void *p)
{
	/* Arena memory goes away with the arena. */
	if (!active || !arena_owns(active, p))
		free(p);
}

struct od_json_arena *
od_json_arena_new(void)
{
	static bool hooked;

	if (!hooked) {
		cJSON_Hooks hooks = { .malloc_fn = hook_malloc, .free_fn = hook_free };
		cJSON_InitHooks(&hooks);
		hooked = true;
	}
	return calloc(1, sizeof(struct od_json_arena));
}

static void
arena_reset(struct od_json_arena *a)
{
	struct chunk *keep = NULL, *c, *next;

	/* Keep the biggest chunk for the next page. */
	for (c = a->chunks; c; c = next) {
		next = c->next;
		if (!keep || c->size > keep->size) {
			free(keep);
			keep = c;
		} else {
			free(c);
		}
	}
	if (keep) {
		keep->used = 0;
		keep->next = NULL;
	}
	a->chunks = keep;
}

void
od_json_arena_free(struct od_json_arena *a)
{
	if (!a)
		return;
	arena_reset(a);
	free(a->chunks);
	free(a);
}

struct od_error *
od_json_parse_object_in(struct od_json_arena *a, const char *data, size_t len, const char *what, cJSON **out)
{
	struct od_error *err;

	arena_reset(a);
	active = a;
	err = od_json_parse_object(data, len, what, out);
	active = NULL;
	return err;
}

struct od_error *
od_json_parse_object(const char *data, size_t len, const char *what, cJSON **out)
{
	struct od_error *err = od_json_parse(data, len, what, out);

	if (!err && !cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		err = od_error_new(OD_ERR_INPUT, _("%s is not a JSON object"), what);
	}
	return err;
}

static const char *
type_name(const cJSON *v)
{
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsArray(v))
		return "array";
	if (cJSON_IsObject(v))
		return "object";
	return "invalid";
}

static struct od_error *
missing(const char *key, const char *what)
{
	return od_error_new(OD_ERR_INPUT, _("%s lacks the field \"%s\""), what, key);
}

static struct od_error *
wrong_type(const char *key, const char *what, const char *expected, const cJSON *v)
{
	return od_error_new(OD_ERR_INPUT, _("%s has \"%s\" of type %s where type %s was expected"),
			    what, key, type_name(v), expected);
}

/* The member, or NULL when obj is no object or lacks it. */
static const cJSON *
member(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

const char *
od_json_get_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool
od_json_is_integer(const cJSON *v, int64_t *out)
{
	double d;

	if (!cJSON_IsNumber(v))
		return false;
	d = v->valuedouble;
	/* Beyond 2^53 a double no longer holds every integer exactly. */
	if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0)
		return false;
	*out = (int64_t)d;
	return true;
}

struct od_error *
od_json_val_str(const cJSON *v, const char *key, const char *what, const char **out, bool *present)
{
	if (present)
		*present = false;
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v))
		return wrong_type(key, what, "string", v);
	*out = v->valuestring;
	if (present)
		*present = true;
	return NULL;
}

struct od_error *
od_json_val_bool(const cJSON *v, const char *key, const char *what, bool *out, bool *present)
{
	if (present)
		*present = false;
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsBool(v))
		return wrong_type(key, what, "boolean", v);
	*out = cJSON_IsTrue(v);
	if (present)
		*present = true;
	return NULL;
}

struct od_error *
od_json_val_int(const cJSON *v, const char *key, const char *what, int64_t *out, bool *present)
{
	if (present)
		*present = false;
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsNumber(v))
		return wrong_type(key, what, "number", v);
	if (!od_json_is_integer(v, out))
		return od_error_new(OD_ERR_INPUT, _("%s has \"%s\" = %g, which is not an exact integer"),
				    what, key, v->valuedouble);
	if (present)
		*present = true;
	return NULL;
}

struct od_error *
od_json_str_opt(const cJSON *obj, const char *key, const char *what, const char **out, bool *present)
{
	return od_json_val_str(member(obj, key), key, what, out, present);
}

struct od_error *
od_json_bool_opt(const cJSON *obj, const char *key, const char *what, bool *out, bool *present)
{
	return od_json_val_bool(member(obj, key), key, what, out, present);
}

struct od_error *
od_json_int_opt(const cJSON *obj, const char *key, const char *what, int64_t *out, bool *present)
{
	return od_json_val_int(member(obj, key), key, what, out, present);
}

struct od_error *
od_json_str(const cJSON *obj, const char *key, const char *what, const char **out)
{
	bool present;
	struct od_error *err = od_json_str_opt(obj, key, what, out, &present);

	return err ? err : present ? NULL : missing(key, what);
}

struct od_error *
od_json_bool(const cJSON *obj, const char *key, const char *what, bool *out)
{
	bool present;
	struct od_error *err = od_json_bool_opt(obj, key, what, out, &present);

	return err ? err : present ? NULL : missing(key, what);
}

struct od_error *
od_json_int(const cJSON *obj, const char *key, const char *what, int64_t *out)
{
	bool present;
	struct od_error *err = od_json_int_opt(obj, key, what, out, &present);

	return err ? err : present ? NULL : missing(key, what);
}

struct od_error *
od_json_object(const cJSON *obj, const char *key, const char *what, const cJSON **out)
{
	const cJSON *v = member(obj, key);

	if (!v)
		return missing(key, what);
	if (!cJSON_IsObject(v))
		return wrong_type(key, what, "object", v);
	*out = v;
	return NULL;
}

struct od_error *
od_json_array(const cJSON *obj, const char *key, const char *what, const cJSON **out)
{
	const cJSON *v = member(obj, key);

	if (!v)
		return missing(key, what);
	if (!cJSON_IsArray(v))
		return wrong_type(key, what, "array", v);
	*out = v;
	return NULL;
}

/* Characters written as \u escapes although JSON would allow them raw:
 * DEL, C1 controls and what reorders or hides text on a terminal. */
static bool
escape_anyway(unsigned cp)
{
	return cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || od_char_hides_text(cp);
}

/* Whether a JSON string may hold the byte as it is: printable ASCII but
 * for the quote and the backslash. */
static inline bool
plain(unsigned char c)
{
	return (unsigned char)(c - 0x20) < 0x5f && c != '"' && c != '\\';
}

int
od_json_escape(struct od_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	int rc = od_buf_addc(out, '"');

	while (rc == 0 && p < end) {
		const unsigned char *run = p;
		unsigned cp;
		size_t n;

		/* Copy plain ASCII in one go, eight bytes at a time while none
		 * of them is a control, DEL, non-ASCII, a quote or a backslash. */
		while (end - p >= 8) {
			uint64_t x;
			memcpy(&x, p, 8);
			if (((x - 0x2020202020202020ULL) | x | ((x ^ 0x2222222222222222ULL) - 0x0101010101010101ULL) |
			     ((x ^ 0x5c5c5c5c5c5c5c5cULL) - 0x0101010101010101ULL) | (x + 0x0101010101010101ULL)) &
			    0x8080808080808080ULL)
				break;
			p += 8;
		}
		while (p < end && plain(*p))
			p++;
		if (p > run && (rc = od_buf_add(out, run, (size_t)(p - run))) != 0)
			break;
		if (p == end)
			break;
		if (od_is_nul_pair(p, (size_t)(end - p))) {
			rc = od_buf_adds(out, "\\u0000");
			p += 2;
			continue;
		}
		n = od_utf8_decode(p, (size_t)(end - p), &cp);
		if (n == 0) {
			rc = od_buf_adds(out, "\\ufffd");
			p++;
			continue;
		}
		switch (cp) {
		case '"': rc = od_buf_adds(out, "\\\""); break;
		case '\\': rc = od_buf_adds(out, "\\\\"); break;
		case '\n': rc = od_buf_adds(out, "\\n"); break;
		case '\t': rc = od_buf_adds(out, "\\t"); break;
		case '\r': rc = od_buf_adds(out, "\\r"); break;
		default:
			if (cp < 0x20 || escape_anyway(cp))
				rc = od_buf_addf(out, "\\u%04x", cp);
			else
				rc = od_buf_add(out, p, n);
		}
		p += n;
	}
	return rc ? rc : od_buf_addc(out, '"');
}

char *
od_json_take_text(cJSON *v, bool ok)
{
	char *text = ok && v ? cJSON_PrintUnformatted(v) : NULL;

	cJSON_Delete(v);
	return text;
}
