/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-json.c: od_json_parse and its typed accessors, and od_json_escape. */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/json.h"
#include "onetui/sanitize.h"
#include "onetui/str.h"

#include "fuzz.h"

static const char what[] = "the fuzzed reply";

/* Keys onetui looks up in replies, and one that is never there. */
static const char *const keys[] = {
	"children", "isLast", "nextPageToken", "name", "fileId", "size", "type",
	"error", "id", "details", "", "no such key",
};

static void
check_err(struct od_error *err)
{
	if (err) {
		FUZZ_CHECK(err->message != NULL);
		od_error_free(err);
	}
}

/* Every typed accessor on every key; the errors must be well formed. */
static void
probe_key(const cJSON *obj, const char *key)
{
	const char *s = NULL;
	const cJSON *v = NULL;
	int64_t i = 0;
	bool b = false, present;
	struct od_error *err;

	if (!(err = od_json_str(obj, key, what, &s)))
		FUZZ_CHECK(s != NULL);
	check_err(err);
	check_err(od_json_int(obj, key, what, &i));
	check_err(od_json_bool(obj, key, what, &b));
	if (!(err = od_json_array(obj, key, what, &v)))
		FUZZ_CHECK(cJSON_IsArray(v));
	check_err(err);
	if (!(err = od_json_object(obj, key, what, &v)))
		FUZZ_CHECK(cJSON_IsObject(v));
	check_err(err);
	if (!(err = od_json_int_opt(obj, key, what, &i, &present)) && present)
		FUZZ_CHECK(i >= -9007199254740992LL && i <= 9007199254740992LL);
	check_err(err);
	check_err(od_json_str_opt(obj, key, what, &s, &present));
	check_err(od_json_bool_opt(obj, key, what, &b, NULL));
}

/* The value-level checks on every node of the tree. */
static void
walk(const cJSON *v, int depth)
{
	const char *s = NULL;
	const cJSON *c;
	int64_t i;
	bool b, present;

	check_err(od_json_val_str(v, v->string ? v->string : "?", what, &s, &present));
	check_err(od_json_val_int(v, "v", what, &i, &present));
	check_err(od_json_val_bool(v, "v", what, &b, &present));
	(void)od_json_is_integer(v, &i);
	if (cJSON_IsObject(v)) {
		probe_key(v, keys[(unsigned)depth % OD_ARRAY_SIZE(keys)]);
		if (v->child && v->child->string)
			probe_key(v, v->child->string);
	}
	cJSON_ArrayForEach(c, v)
		walk(c, depth + 1);
}

/* What od_json_parse should read back from od_json_escape(s): invalid
 * bytes as U+FFFD, and both a raw NUL and OD_NUL_PAIR as nul[0..nul_len):
 * OD_NUL_PAIR through od_json_parse, a NUL byte through plain cJSON. */
static void
expected_roundtrip(struct od_buf *want, const char *s, size_t len, const char *nul, size_t nul_len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	unsigned cp;
	int rc = 0;

	while (rc == 0 && i < len) {
		if (od_is_nul_pair(p + i, len - i)) {
			rc = od_buf_add(want, nul, nul_len);
			i += 2;
		} else if (!(n = od_utf8_decode(p + i, len - i, &cp))) {
			rc = od_buf_adds(want, "\xef\xbf\xbd");
			i++;
		} else if (cp == 0) {
			rc = od_buf_add(want, nul, nul_len);
			i++;
		} else {
			rc = od_buf_add(want, p + i, n);
			i += n;
		}
	}
	FUZZ_CHECK(rc == 0);
}

static void
check_escape(const char *data, size_t size)
{
	struct od_buf out, want;
	const unsigned char *p;
	cJSON *root = NULL;
	struct od_error *err;
	size_t i, n;
	unsigned cp;

	od_buf_init(&out, OD_BUF_UNLIMITED);
	od_buf_init(&want, OD_BUF_UNLIMITED);
	FUZZ_CHECK(od_json_escape(&out, data, size) == 0);
	FUZZ_CHECK(out.len >= 2 && out.data[0] == '"' && out.data[out.len - 1] == '"');

	/* Safe on a terminal: valid UTF-8 without controls, DEL, C1
	 * controls or characters that hide text. */
	p = (const unsigned char *)out.data;
	for (i = 0; i < out.len; i += n) {
		n = od_utf8_decode(p + i, out.len - i, &cp);
		FUZZ_CHECK(n != 0);
		FUZZ_CHECK(cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f));
		FUZZ_CHECK(!od_char_hides_text(cp));
	}

	/* Through our parser, \u0000 comes back as OD_NUL_PAIR. */
	err = od_json_parse(out.data, out.len, what, &root);
	FUZZ_CHECK(err == NULL);
	FUZZ_CHECK(cJSON_IsString(root));
	expected_roundtrip(&want, data, size, OD_NUL_PAIR, 2);
	FUZZ_CHECK(strlen(root->valuestring) == want.len);
	FUZZ_CHECK(memcmp(root->valuestring, od_buf_str(&want), want.len) == 0);
	cJSON_Delete(root);

	/* Through plain cJSON, the string ends at the first \u0000. */
	od_buf_reset(&want);
	root = cJSON_ParseWithLength(out.data, out.len);
	FUZZ_CHECK(cJSON_IsString(root));
	expected_roundtrip(&want, data, size, "", 1);
	FUZZ_CHECK(strlen(root->valuestring) == strlen(od_buf_str(&want)));
	FUZZ_CHECK(strcmp(root->valuestring, od_buf_str(&want)) == 0);
	cJSON_Delete(root);

	od_buf_done(&out);
	od_buf_done(&want);
}

/* The arena parse must agree with the ordinary one. */
static void
check_arena(const char *data, size_t size, const cJSON *plain, bool plain_ok)
{
	static struct od_json_arena *arena;	/* kept for the whole run */
	cJSON *root = NULL;
	struct od_error *err;
	char *a, *b;

	if (!arena)
		arena = od_json_arena_new();
	FUZZ_CHECK(arena != NULL);
	err = od_json_parse_object_in(arena, data, size, what, &root);
	FUZZ_CHECK(!err == plain_ok);
	if (err) {
		FUZZ_CHECK(root == NULL && err->message != NULL);
		od_error_free(err);
		return;
	}
	a = cJSON_PrintUnformatted(plain);
	b = cJSON_PrintUnformatted(root);
	FUZZ_CHECK(a && b && strcmp(a, b) == 0);
	cJSON_free(a);
	cJSON_free(b);
	/* root lives in the arena: no cJSON_Delete. */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	cJSON *root = NULL;
	struct od_error *err;

	err = od_json_parse(text, size, what, &root);
	if (err) {
		FUZZ_CHECK(root == NULL && err->message != NULL);
		od_error_free(err);
	} else {
		FUZZ_CHECK(root != NULL);
		walk(root, 0);
		for (size_t i = 0; i < OD_ARRAY_SIZE(keys); i++)
			probe_key(root, keys[i]);
	}
	check_arena(text, size, root, root && cJSON_IsObject(root));
	cJSON_Delete(root);

	check_escape(text, size);
	return 0;
}
