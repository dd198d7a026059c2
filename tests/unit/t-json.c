/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-json.c: unit tests for the type-checked JSON helpers and JSON escaping. */
#include "config.h"

#include "onetui/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/str.h"

#include "tap.h"

#define WHAT "the test reply"

/* Parse a NUL-terminated text. */
static struct od_error *
parse(const char *text, cJSON **out)
{
	return od_json_parse(text, strlen(text), WHAT, out);
}

static void
test_parse_good(void)
{
	static const struct {
		const char *name, *text;
		int type;
	} cases[] = {
		{ "object", "{\"a\":1,\"b\":[true,null,\"x\"]}", cJSON_Object },
		{ "empty object", "{}", cJSON_Object },
		{ "array", "[1,2,3]", cJSON_Array },
		{ "string", "\"hello\"", cJSON_String },
		{ "number", "-12.5e3", cJSON_Number },
		{ "true", "true", cJSON_True },
		{ "null", "null", cJSON_NULL },
		{ "leading and trailing white space", " \t\r\n{\"a\":1} \r\n\t ", cJSON_Object },
		{ "escaped backslash before u0000 text", "{\"a\":\"\\\\u0000\"}", cJSON_Object },
		{ "escaped quote", "[\"a\\\"b\"]", cJSON_Array },
		{ "surrogate pair", "\"\\ud83d\\ude00\"", cJSON_String },
		{ "u0001 is fine", "\"\\u0001\"", cJSON_String },
		{ "UTF-8 text", "{\"n\":\"\xc3\xa9t\xc3\xa9\"}", cJSON_Object },
		{ "escaped NUL", "{\"a\":\"x\\u0000y\"}", cJSON_Object },
		{ "bare escaped NUL string", "\"\\u0000\"", cJSON_String },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		cJSON *root = (cJSON *)1;
		struct od_error *err = parse(cases[i].text, &root);

		ok(!err && root && (root->type & 0xff) == cases[i].type, "od_json_parse: %s",
		   cases[i].name);
		if (err)
			diag("error: %s", err->message);
		od_error_free(err);
		cJSON_Delete(err ? NULL : root);
	}

	/* the value really holds the backslash, 'u' and zeros */
	{
		cJSON *root = NULL;
		struct od_error *err = parse("{\"a\":\"\\\\u0000\"}", &root);
		const char *s = NULL;
		struct od_error *e2 = err ? NULL : od_json_str(root, "a", WHAT, &s);

		is(s, "\\u0000", "od_json_parse: \\\\u0000 is a backslash and the text u0000");
		od_error_free(err);
		od_error_free(e2);
		cJSON_Delete(root);
	}

	/* \u0000 arrives as OD_NUL_PAIR, wherever it is */
	{
		static const struct {
			const char *name, *text, *key, *want;
		} nuls[] = {
			{ "in a value", "{\"a\":\"x\\u0000y\"}", "a", "x" OD_NUL_PAIR "y" },
			{ "twice, at both ends", "{\"a\":\"\\u0000mid\\u0000\"}", "a",
			  OD_NUL_PAIR "mid" OD_NUL_PAIR },
			{ "after an escaped backslash", "{\"a\":\"\\\\\\u0000\"}", "a",
			  "\\" OD_NUL_PAIR },
			{ "escaped backslash, then u0000 text", "{\"a\":\"\\\\u0000\"}", "a",
			  "\\u0000" },
			{ "next to other escapes", "{\"a\":\"\\n\\u0000\\t\\u00e9\"}", "a",
			  "\n" OD_NUL_PAIR "\t\xc3\xa9" },
			{ "in a key", "{\"k\\u0000ey\":\"v\"}", "k" OD_NUL_PAIR "ey", "v" },
		};
		size_t j;

		for (j = 0; j < OD_ARRAY_SIZE(nuls); j++) {
			cJSON *root = NULL;
			struct od_error *err = parse(nuls[j].text, &root);
			const cJSON *v = err ? NULL : cJSON_GetObjectItemCaseSensitive(root, nuls[j].key);

			is(err ? err->message : cJSON_IsString(v) ? v->valuestring : "(missing)",
			   nuls[j].want, "od_json_parse: \\u0000 %s", nuls[j].name);
			od_error_free(err);
			cJSON_Delete(root);
		}
	}

	/* the length is honoured: no NUL terminator needed, text after len ignored */
	{
		static const char text[] = "{\"a\":1}GARBAGE";
		cJSON *root = NULL;
		struct od_error *err = od_json_parse(text, 7, WHAT, &root);

		ok(!err && cJSON_IsObject(root), "od_json_parse: only len bytes are read");
		od_error_free(err);
		cJSON_Delete(root);
	}
}

static void
test_parse_bad(void)
{
	static const struct {
		const char *name, *text;
		const char *re;
	} cases[] = {
		{ "empty", "", "^the test reply is empty where JSON was expected$" },
		{ "truncated object", "{\"a\":", "^the test reply is not valid JSON: it ends too early" },
		{ "truncated string", "[\"abc", "is not valid JSON" },
		{ "only white space", "   ", "is not valid JSON" },
		{ "trailing garbage", "{\"a\":1} x", "unexpected data after the JSON value \\(byte 8\\)" },
		{ "two values", "{} {}", "unexpected data after the JSON value \\(byte 3\\)" },
		{ "HTML", "<html><body>502 Bad Gateway</body></html>",
		  "is not valid JSON \\(error at byte 0 of 41\\)" },
		{ "plain text", "Not Found", "is not valid JSON" },
		{ "single quotes", "{'a':1}", "is not valid JSON" },
		{ "trailing comma", "[1,2,]", "is not valid JSON" },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		cJSON *root = (cJSON *)1;
		struct od_error *err = parse(cases[i].text, &root);

		ok(err && err->kind == OD_ERR_INPUT && root == NULL,
		   "od_json_parse: %s refused, *out NULL", cases[i].name);
		if (!like(err ? err->message : NULL, cases[i].re, "od_json_parse: %s: message",
			  cases[i].name) && strstr(cases[i].re, "too early"))
			diag("BUG (json.c od_json_parse): cJSON puts the error position of a "
			     "truncated text at len - 1 (or inside it), never at len, so the "
			     "\"ends too early\" message is never given");
		od_error_free(err);
		if (!err && root != (cJSON *)1)
			cJSON_Delete(root);
	}

	{
		cJSON *root = (cJSON *)1;
		struct od_error *err = od_json_parse(NULL, 0, WHAT, &root);

		ok(err && root == NULL, "od_json_parse: NULL data refused");
		od_error_free(err);
	}

	/* A raw NUL byte is neither white space nor part of a JSON value. */
	{
		static const char text[] = "{\"a\":1}\0";
		cJSON *root = NULL;
		struct od_error *err = od_json_parse(text, sizeof(text) - 1, WHAT, &root);

		if (!ok(err != NULL, "od_json_parse: a NUL byte after the value is refused"))
			diag("BUG (json.c od_json_parse): strchr(\" \\t\\r\\n\", *end) matches the "
			     "terminating NUL, so NUL bytes after the value pass as white space");
		od_error_free(err);
		cJSON_Delete(root);
	}
	{
		static const char text[] = "{\"a\":\"x\0y\"}";
		cJSON *root = NULL;
		struct od_error *err = od_json_parse(text, sizeof(text) - 1, WHAT, &root);

		if (!ok(err != NULL, "od_json_parse: a raw NUL byte inside a string is refused"))
			diag("BUG (json.c od_json_parse): a raw NUL byte in a string (invalid JSON) "
			     "is accepted and silently cuts the value short (\"x\"), where \\u0000 "
			     "would arrive as OD_NUL_PAIR");
		od_error_free(err);
		cJSON_Delete(root);
	}

	/* Positions in messages are those of the text as received, also when
	 * \u0000 escapes (6 bytes) were carried as OD_NUL_PAIR (2 bytes). */
	{
		static const char trailing[] = "[\"\\u0000\"] x";
		static const char invalid[] = "[\"\\u0000\", x]";
		cJSON *root = NULL;
		struct od_error *err = parse(trailing, &root);

		if (!like(err ? err->message : NULL, "unexpected data after the JSON value \\(byte 11\\)",
			  "od_json_parse: trailing data after \\u0000: byte offset of the input"))
			diag("BUG (json.c od_json_parse): offsets are counted in the rewritten copy, "
			     "4 bytes short for every \\u0000 before them");
		od_error_free(err);
		cJSON_Delete(root);
		root = NULL;
		err = parse(invalid, &root);
		if (!like(err ? err->message : NULL, "error at byte 11 of 13\\)$",
			  "od_json_parse: invalid JSON after \\u0000: offset and length of the input"))
			diag("BUG (json.c od_json_parse): offset and length are those of the "
			     "rewritten copy, not of the input");
		od_error_free(err);
		cJSON_Delete(root);
	}

	/* Deep nesting is refused, not a stack overflow. */
	{
		enum { DEPTH = 200000 };
		char *deep = malloc(2 * DEPTH + 1);
		cJSON *root = (cJSON *)1;
		struct od_error *err;

		if (!deep)
			abort();
		memset(deep, '[', DEPTH);
		memset(deep + DEPTH, ']', DEPTH);
		deep[2 * DEPTH] = '\0';
		err = od_json_parse(deep, 2 * DEPTH, WHAT, &root);
		ok(err && root == NULL, "od_json_parse: %d nested arrays refused", DEPTH);
		od_error_free(err);
		{
			struct od_buf b;
			int rc = 0;

			od_buf_init(&b, OD_BUF_UNLIMITED);
			for (size_t j = 0; rc == 0 && j < 5000; j++)
				rc = od_buf_adds(&b, "{\"a\":");
			rc = rc ? rc : od_buf_adds(&b, "1");
			for (size_t j = 0; rc == 0 && j < 5000; j++)
				rc = od_buf_addc(&b, '}');
			root = (cJSON *)1;
			err = rc ? NULL : od_json_parse(b.data, b.len, WHAT, &root);
			ok(err && root == NULL, "od_json_parse: 5000 nested objects refused");
			od_error_free(err);
			od_buf_done(&b);
		}
		free(deep);
	}
	{
		/* nesting well within limits is fine */
		char text[2 * 100 + 1];
		cJSON *root = NULL;
		struct od_error *err;

		memset(text, '[', 100);
		memset(text + 100, ']', 100);
		text[200] = '\0';
		err = parse(text, &root);
		ok(!err && cJSON_IsArray(root), "od_json_parse: 100 nested arrays accepted");
		od_error_free(err);
		cJSON_Delete(root);
	}
}

static void
test_parse_object(void)
{
	static const struct {
		const char *name, *text;
		bool ok;
	} cases[] = {
		{ "object", "{\"a\":1}", true },
		{ "empty object", " {} ", true },
		{ "array", "[{\"a\":1}]", false },
		{ "string", "\"{}\"", false },
		{ "number", "42", false },
		{ "null", "null", false },
		{ "truncated", "{\"a\":", false },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		cJSON *root = (cJSON *)1;
		struct od_error *err =
			od_json_parse_object(cases[i].text, strlen(cases[i].text), WHAT, &root);

		if (cases[i].ok)
			ok(!err && cJSON_IsObject(root), "od_json_parse_object: %s accepted",
			   cases[i].name);
		else
			ok(err && err->kind == OD_ERR_INPUT && root == NULL,
			   "od_json_parse_object: %s refused", cases[i].name);
		od_error_free(err);
		if (!err)
			cJSON_Delete(root);
	}
	{
		cJSON *root = NULL;
		struct od_error *err = od_json_parse_object("[1]", 3, WHAT, &root);

		is(err ? err->message : NULL, "the test reply is not a JSON object",
		   "od_json_parse_object: array message");
		od_error_free(err);
	}
}

static const char doc[] =
	"{\"s\":\"text\",\"empty\":\"\",\"t\":true,\"f\":false,\"z\":null,"
	"\"i\":42,\"neg\":-7,\"half\":1.5,\"huge\":1e300,"
	"\"p53\":9007199254740992,\"n53\":-9007199254740992,\"p53p2\":9007199254740994,"
	"\"zero\":0,\"negzero\":-0,\"exp\":1e3,"
	"\"o\":{\"k\":1},\"a\":[1,2],\"num_str\":\"12\",\"S\":\"upper\"}";

static void
test_getters(void)
{
	cJSON *root = NULL;
	struct od_error *err = od_json_parse_object(doc, strlen(doc), WHAT, &root);
	const char *s;
	bool b, present;
	int64_t v;
	const cJSON *o;

	if (err) {
		diag("cannot parse the test document: %s", err->message);
		od_error_free(err);
		return;
	}

	/* --- strings --- */
	s = NULL;
	err = od_json_str(root, "s", WHAT, &s);
	ok(!err && od_str_eq(s, "text"), "od_json_str: present");
	od_error_free(err);
	s = NULL;
	err = od_json_str(root, "empty", WHAT, &s);
	ok(!err && od_str_eq(s, ""), "od_json_str: empty string is a string");
	od_error_free(err);
	s = "untouched";
	err = od_json_str(root, "nope", WHAT, &s);
	is(err ? err->message : NULL, "the test reply lacks the field \"nope\"",
	   "od_json_str: absent names the field");
	ok(err && err->kind == OD_ERR_INPUT && od_str_eq(s, "untouched"),
	   "od_json_str: absent is OD_ERR_INPUT, *out untouched");
	od_error_free(err);
	err = od_json_str(root, "z", WHAT, &s);
	is(err ? err->message : NULL, "the test reply lacks the field \"z\"",
	   "od_json_str: null counts as absent");
	od_error_free(err);
	err = od_json_str(root, "i", WHAT, &s);
	like(err ? err->message : NULL, "\"i\" of type number where type string was expected",
	     "od_json_str: number is a wrong type naming the field");
	od_error_free(err);
	err = od_json_str(root, "o", WHAT, &s);
	like(err ? err->message : NULL, "^the test reply has \"o\" of type object where type string",
	     "od_json_str: object is a wrong type");
	od_error_free(err);
	err = od_json_str(root, "S", WHAT, &s);
	ok(!err && od_str_eq(s, "upper"), "od_json_str: keys are case-sensitive (S)");
	od_error_free(err);
	s = "untouched";
	err = od_json_str_opt(root, "nope", WHAT, &s, &present);
	ok(!err && !present && od_str_eq(s, "untouched"), "od_json_str_opt: absent");
	od_error_free(err);
	err = od_json_str_opt(root, "z", WHAT, &s, &present);
	ok(!err && !present && od_str_eq(s, "untouched"), "od_json_str_opt: null");
	od_error_free(err);
	err = od_json_str_opt(root, "s", WHAT, &s, NULL);
	ok(!err && od_str_eq(s, "text"), "od_json_str_opt: present, present may be NULL");
	od_error_free(err);
	present = false;
	err = od_json_str_opt(root, "s", WHAT, &s, &present);
	ok(!err && present, "od_json_str_opt: present sets *present");
	od_error_free(err);
	present = true;
	err = od_json_str_opt(root, "t", WHAT, &s, &present);
	like(err ? err->message : NULL, "\"t\" of type boolean where type string was expected",
	     "od_json_str_opt: wrong type still an error");
	ok(!present, "od_json_str_opt: wrong type leaves *present false");
	od_error_free(err);

	/* --- booleans --- */
	b = false;
	err = od_json_bool(root, "t", WHAT, &b);
	ok(!err && b, "od_json_bool: true");
	od_error_free(err);
	b = true;
	err = od_json_bool(root, "f", WHAT, &b);
	ok(!err && !b, "od_json_bool: false");
	od_error_free(err);
	err = od_json_bool(root, "nope", WHAT, &b);
	is(err ? err->message : NULL, "the test reply lacks the field \"nope\"",
	   "od_json_bool: absent names the field");
	od_error_free(err);
	err = od_json_bool(root, "z", WHAT, &b);
	like(err ? err->message : NULL, "lacks the field \"z\"", "od_json_bool: null is absent");
	od_error_free(err);
	err = od_json_bool(root, "zero", WHAT, &b);
	like(err ? err->message : NULL, "\"zero\" of type number where type boolean was expected",
	     "od_json_bool: 0 is not a boolean");
	od_error_free(err);
	err = od_json_bool(root, "s", WHAT, &b);
	like(err ? err->message : NULL, "\"s\" of type string where type boolean was expected",
	     "od_json_bool: string is not a boolean");
	od_error_free(err);
	b = true;
	err = od_json_bool_opt(root, "nope", WHAT, &b, &present);
	ok(!err && !present && b, "od_json_bool_opt: absent leaves *out");
	od_error_free(err);
	err = od_json_bool_opt(root, "z", WHAT, &b, &present);
	ok(!err && !present && b, "od_json_bool_opt: null leaves *out");
	od_error_free(err);
	err = od_json_bool_opt(root, "f", WHAT, &b, &present);
	ok(!err && present && !b, "od_json_bool_opt: present");
	od_error_free(err);
	err = od_json_bool_opt(root, "a", WHAT, &b, &present);
	like(err ? err->message : NULL, "\"a\" of type array where type boolean was expected",
	     "od_json_bool_opt: wrong type");
	od_error_free(err);

	/* --- integers --- */
	{
		static const struct {
			const char *key;
			bool ok;
			int64_t want;
		} ints[] = {
			{ "i", true, 42 },
			{ "neg", true, -7 },
			{ "zero", true, 0 },
			{ "negzero", true, 0 },
			{ "exp", true, 1000 },
			{ "p53", true, 9007199254740992LL },
			{ "n53", true, -9007199254740992LL },
			{ "half", false, 0 },
			{ "huge", false, 0 },
			{ "p53p2", false, 0 },
		};
		size_t i;

		for (i = 0; i < OD_ARRAY_SIZE(ints); i++) {
			v = 777;
			err = od_json_int(root, ints[i].key, WHAT, &v);
			if (ints[i].ok) {
				ok(!err && v == ints[i].want, "od_json_int: \"%s\" = %lld", ints[i].key,
				   (long long)ints[i].want);
			} else {
				ok(err && err->kind == OD_ERR_INPUT && v == 777,
				   "od_json_int: \"%s\" refused, *out untouched", ints[i].key);
				like(err ? err->message : NULL,
				     "has \"[a-z0-9]+\" = .*, which is not an exact integer",
				     "od_json_int: \"%s\" message names the field", ints[i].key);
			}
			od_error_free(err);
		}
	}
	err = od_json_int(root, "half", WHAT, &v);
	is(err ? err->message : NULL,
	   "the test reply has \"half\" = 1.5, which is not an exact integer",
	   "od_json_int: 1.5 message");
	od_error_free(err);
	err = od_json_int(root, "nope", WHAT, &v);
	is(err ? err->message : NULL, "the test reply lacks the field \"nope\"",
	   "od_json_int: absent names the field");
	od_error_free(err);
	err = od_json_int(root, "z", WHAT, &v);
	like(err ? err->message : NULL, "lacks the field \"z\"", "od_json_int: null is absent");
	od_error_free(err);
	err = od_json_int(root, "num_str", WHAT, &v);
	like(err ? err->message : NULL, "\"num_str\" of type string where type number was expected",
	     "od_json_int: a numeric string is not a number");
	od_error_free(err);
	err = od_json_int(root, "t", WHAT, &v);
	like(err ? err->message : NULL, "\"t\" of type boolean where type number was expected",
	     "od_json_int: boolean is not a number");
	od_error_free(err);
	v = 5;
	err = od_json_int_opt(root, "nope", WHAT, &v, &present);
	ok(!err && !present && v == 5, "od_json_int_opt: absent leaves *out");
	od_error_free(err);
	err = od_json_int_opt(root, "z", WHAT, &v, &present);
	ok(!err && !present && v == 5, "od_json_int_opt: null leaves *out");
	od_error_free(err);
	err = od_json_int_opt(root, "neg", WHAT, &v, &present);
	ok(!err && present && v == -7, "od_json_int_opt: present");
	od_error_free(err);
	present = true;
	err = od_json_int_opt(root, "half", WHAT, &v, &present);
	ok(err && !present, "od_json_int_opt: 1.5 refused, *present false");
	od_error_free(err);
	err = od_json_int_opt(root, "s", WHAT, &v, NULL);
	like(err ? err->message : NULL, "\"s\" of type string where type number was expected",
	     "od_json_int_opt: wrong type");
	od_error_free(err);

	/* --- objects and arrays --- */
	o = NULL;
	err = od_json_object(root, "o", WHAT, &o);
	ok(!err && cJSON_IsObject(o) && cJSON_GetObjectItemCaseSensitive(o, "k"),
	   "od_json_object: present");
	od_error_free(err);
	err = od_json_object(root, "nope", WHAT, &o);
	is(err ? err->message : NULL, "the test reply lacks the field \"nope\"",
	   "od_json_object: absent names the field");
	od_error_free(err);
	err = od_json_object(root, "z", WHAT, &o);
	like(err ? err->message : NULL, "\"z\" of type null where type object was expected",
	     "od_json_object: null is a wrong type");
	od_error_free(err);
	err = od_json_object(root, "a", WHAT, &o);
	like(err ? err->message : NULL, "\"a\" of type array where type object was expected",
	     "od_json_object: array is not an object");
	od_error_free(err);
	o = NULL;
	err = od_json_array(root, "a", WHAT, &o);
	ok(!err && cJSON_IsArray(o) && cJSON_GetArraySize(o) == 2, "od_json_array: present");
	od_error_free(err);
	err = od_json_array(root, "nope", WHAT, &o);
	is(err ? err->message : NULL, "the test reply lacks the field \"nope\"",
	   "od_json_array: absent names the field");
	od_error_free(err);
	err = od_json_array(root, "o", WHAT, &o);
	like(err ? err->message : NULL, "\"o\" of type object where type array was expected",
	     "od_json_array: object is not an array");
	od_error_free(err);
	err = od_json_array(root, "s", WHAT, &o);
	like(err ? err->message : NULL, "\"s\" of type string where type array was expected",
	     "od_json_array: string is not an array");
	od_error_free(err);

	/* getters on something that is not an object */
	{
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "a");

		err = od_json_str(arr, "s", WHAT, &s);
		like(err ? err->message : NULL, "lacks the field \"s\"",
		     "od_json_str on an array: missing field");
		od_error_free(err);
		err = od_json_int(NULL, "i", WHAT, &v);
		like(err ? err->message : NULL, "lacks the field \"i\"", "od_json_int on NULL: missing");
		od_error_free(err);
		err = od_json_object(NULL, "o", WHAT, &o);
		ok(err != NULL, "od_json_object on NULL: error");
		od_error_free(err);
	}
	cJSON_Delete(root);
}

static void
test_is_integer(void)
{
	static const struct {
		const char *name;
		double d;
		bool ok;
		int64_t want;
	} cases[] = {
		{ "0", 0.0, true, 0 },
		{ "-1", -1.0, true, -1 },
		{ "2^53", 9007199254740992.0, true, 9007199254740992LL },
		{ "-2^53", -9007199254740992.0, true, -9007199254740992LL },
		{ "2^53+2", 9007199254740994.0, false, 0 },
		{ "-(2^53+2)", -9007199254740994.0, false, 0 },
		{ "0.5", 0.5, false, 0 },
		{ "-1.5", -1.5, false, 0 },
		{ "1e300", 1e300, false, 0 },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		cJSON *n = cJSON_CreateNumber(cases[i].d);
		int64_t v = 99;
		bool r = od_json_is_integer(n, &v);

		ok(r == cases[i].ok && (!r || v == cases[i].want), "od_json_is_integer(%s) is %s",
		   cases[i].name, cases[i].ok ? "true" : "false");
		cJSON_Delete(n);
	}
	{
		cJSON *s = cJSON_CreateString("1");
		int64_t v = 0;

		ok(!od_json_is_integer(s, &v), "od_json_is_integer: a string is not");
		ok(!od_json_is_integer(NULL, &v), "od_json_is_integer: NULL is not");
		cJSON_Delete(s);
	}
	{
		cJSON *inf = cJSON_CreateNumber(1.0 / 0.0), *nan = cJSON_CreateNumber(0.0 / 0.0);
		int64_t v = 0;

		ok(!od_json_is_integer(inf, &v), "od_json_is_integer: infinity is not");
		ok(!od_json_is_integer(nan, &v), "od_json_is_integer: NaN is not");
		cJSON_Delete(inf);
		cJSON_Delete(nan);
	}
}

/* Escape s[0..len) into a fresh string; caller frees. */
static char *
escape(const char *s, size_t len, int *rc)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	*rc = od_json_escape(&b, s, len);
	return od_buf_steal(&b);
}

static void
test_escape(void)
{
	static const struct {
		const char *name, *in;
		size_t len;		/* 0: strlen */
		const char *want;	/* the JSON literal */
		const char *value;	/* what it parses back to; NULL: same as in */
	} cases[] = {
		{ "empty", "", 0, "\"\"", NULL },
		{ "plain ASCII", "hello world", 0, "\"hello world\"", NULL },
		{ "double quote", "a\"b", 0, "\"a\\\"b\"", NULL },
		{ "backslash", "a\\b", 0, "\"a\\\\b\"", NULL },
		{ "slash kept", "a/b", 0, "\"a/b\"", NULL },
		{ "newline", "a\nb", 0, "\"a\\nb\"", NULL },
		{ "tab", "a\tb", 0, "\"a\\tb\"", NULL },
		{ "carriage return", "a\rb", 0, "\"a\\rb\"", NULL },
		{ "ESC", "\x1b[31m", 0, "\"\\u001b[31m\"", NULL },
		{ "BEL and SOH", "\x07\x01", 0, "\"\\u0007\\u0001\"", NULL },
		{ "backspace and form feed", "\b\f", 0, "\"\\u0008\\u000c\"", NULL },
		{ "unit separator", "\x1f", 0, "\"\\u001f\"", NULL },
		/* a raw NUL and OD_NUL_PAIR both go out as \u0000 and come back as the pair */
		{ "NUL with explicit length", "a\0b", 3, "\"a\\u0000b\"", "a" OD_NUL_PAIR "b" },
		{ "OD_NUL_PAIR", "a" OD_NUL_PAIR "b", 0, "\"a\\u0000b\"", NULL },
		{ "OD_NUL_PAIR alone", OD_NUL_PAIR, 0, "\"\\u0000\"", NULL },
		{ "C0 alone is invalid", "\xc0" "b", 0, "\"\\ufffdb\"", "\xef\xbf\xbd" "b" },
		{ "DEL", "a\x7f", 0, "\"a\\u007f\"", NULL },
		{ "C1 NEL U+0085", "\xc2\x85", 0, "\"\\u0085\"", NULL },
		{ "C1 CSI U+009B", "\xc2\x9b", 0, "\"\\u009b\"", NULL },
		{ "U+00A0 kept raw", "\xc2\xa0", 0, "\"\xc2\xa0\"", NULL },
		{ "RLO U+202E", "x\xe2\x80\xae" "y", 0, "\"x\\u202ey\"", NULL },
		{ "LRI U+2066", "\xe2\x81\xa6", 0, "\"\\u2066\"", NULL },
		{ "line separator U+2028", "\xe2\x80\xa8", 0, "\"\\u2028\"", NULL },
		{ "BOM U+FEFF", "\xef\xbb\xbf", 0, "\"\\ufeff\"", NULL },
		{ "ZWJ U+200D kept", "\xe2\x80\x8d", 0, "\"\xe2\x80\x8d\"", NULL },
		{ "plain UTF-8 kept", "M\xc3\xbcller \xe8\xa9\xa6 \xf0\x9f\x91\xa8", 0,
		  "\"M\xc3\xbcller \xe8\xa9\xa6 \xf0\x9f\x91\xa8\"", NULL },
		{ "invalid byte FF", "a\xff" "b", 0, "\"a\\ufffdb\"", "a\xef\xbf\xbd" "b" },
		{ "lone continuation", "\x80", 0, "\"\\ufffd\"", "\xef\xbf\xbd" },
		{ "overlong slash", "\xc0\xaf", 0, "\"\\ufffd\\ufffd\"",
		  "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "surrogate bytes", "\xed\xa0\x80", 0, "\"\\ufffd\\ufffd\\ufffd\"",
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "truncated sequence at the end", "ab\xe8\xa9", 0, "\"ab\\ufffd\\ufffd\"",
		  "ab\xef\xbf\xbd\xef\xbf\xbd" },
		{ "explicit length cuts a sequence", "\xc3\xa9", 1, "\"\\ufffd\"", "\xef\xbf\xbd" },
		{ "mixed", "\"\\\n\x1b\xc2\x85\xe2\x80\xae\xff", 0,
		  "\"\\\"\\\\\\n\\u001b\\u0085\\u202e\\ufffd\"", "\"\\\n\x1b\xc2\x85\xe2\x80\xae\xef\xbf\xbd" },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		const char *value = cases[i].value ? cases[i].value : cases[i].in;
		int rc;
		char *got = escape(cases[i].in, len, &rc);
		cJSON *back;

		struct od_error *err;

		is(rc ? "(error)" : got, cases[i].want, "od_json_escape: %s", cases[i].name);
		back = got ? cJSON_Parse(got) : NULL;
		ok(cJSON_IsString(back), "od_json_escape: %s is a valid JSON string for cJSON",
		   cases[i].name);
		cJSON_Delete(back);
		back = NULL;
		err = got ? parse(got, &back) : NULL;
		ok(!err && cJSON_IsString(back) && strcmp(back->valuestring, value) == 0,
		   "od_json_escape: %s re-parses to the intended value", cases[i].name);
		od_error_free(err);
		cJSON_Delete(back);
		free(got);
	}

	/* output never holds a raw control character, whatever the input */
	{
		unsigned char all[256];
		int rc, ctl = 0;
		char *got;
		cJSON *back;

		for (i = 0; i < 256; i++)
			all[i] = (unsigned char)i;
		got = escape((const char *)all, sizeof(all), &rc);
		for (i = 0; got && got[i]; i++)
			if ((unsigned char)got[i] < 0x20 || got[i] == 0x7f)
				ctl++;
		ok(rc == 0 && got && ctl == 0, "od_json_escape: all 256 bytes, no raw control");
		back = got ? cJSON_Parse(got) : NULL;
		ok(cJSON_IsString(back), "od_json_escape: all 256 bytes re-parse as a string");
		cJSON_Delete(back);
		free(got);
	}

	/* appends after existing content; cap gives the buffer's error */
	{
		struct od_buf b;
		int rc;

		od_buf_init(&b, OD_BUF_UNLIMITED);
		rc = od_buf_adds(&b, "{\"name\":");
		rc = rc ? rc : od_json_escape(&b, "x\ty", 3);
		rc = rc ? rc : od_buf_addc(&b, '}');
		is(rc ? "(error)" : od_buf_str(&b), "{\"name\":\"x\\ty\"}",
		   "od_json_escape: appends to what is there");
		od_buf_done(&b);

		od_buf_init(&b, 6);
		rc = od_json_escape(&b, "\x1b", 1);
		cmp_ok(rc, "==", -E2BIG, "od_json_escape: cap reached is -E2BIG");
		od_buf_done(&b);
		od_buf_init(&b, 4);
		rc = od_json_escape(&b, "abc", 3);
		cmp_ok(rc, "==", -E2BIG, "od_json_escape: no room for the closing quote is -E2BIG");
		od_buf_done(&b);
		od_buf_init(&b, 5);
		rc = od_json_escape(&b, "abc", 3);
		cmp_ok(rc, "==", 0, "od_json_escape: output exactly at the cap is fine");
		od_buf_done(&b);
	}
}

int
main(void)
{
	test_parse_good();
	test_parse_bad();
	test_parse_object();
	test_getters();
	test_is_integer();
	test_escape();
	return done_testing();
}
