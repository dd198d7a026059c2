/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-jsonfmt.c: JSON pretty-printed for people, and merge patches. */
#include "config.h"

#include "onetui/jsonfmt.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

static char *
text_of(const char *json, int indent)
{
	cJSON *v = cJSON_Parse(json);
	char *text = v ? od_json_text(v, indent) : NULL;

	cJSON_Delete(v);
	return text;
}

static void
check_text(const char *json, int indent, const char *want, const char *name)
{
	char *got = text_of(json, indent);

	is(got, want, "%s", name);
	free(got);
}

static int
count_keys(enum od_json_tok kind, const char *text, size_t len, void *ud)
{
	(void)text;
	(void)len;
	if (kind == OD_JTOK_KEY)
		++*(int *)ud;
	return kind == OD_JTOK_NUMBER ? 7 : 0;
}

static void
test_pretty(void)
{
	cJSON *v = cJSON_Parse("{\"a\": {\"b\": 1}, \"c\": 2}");
	int keys = 0;

	check_text("{\"sample\":{\"grids\":[1,2.5,true,null],\"empty\":{},\"none\":[]},\"n\":\"x\"}", 2,
		   "{\n  \"sample\": {\n    \"grids\": [\n      1,\n      2.5,\n      true,\n      null\n    ],\n"
		   "    \"empty\": {},\n    \"none\": []\n  },\n  \"n\": \"x\"\n}\n", "pretty: two spaces a level");
	check_text("{\"a\": [1, {\"b\": \"c\"}]}", 0, "{\"a\":[1,{\"b\":\"c\"}]}\n", "indent 0: one line");
	check_text("\"\\u001b[31mred\\u202e\"", 2, "\"\\u001b[31mred\\u202e\"\n",
		   "control and reordering characters stay escaped");
	check_text("0.1", 0, "0.1\n", "0.1 as written");
	check_text("1e300", 0, "1e+300\n", "large numbers exactly");
	check_text("-42", 0, "-42\n", "integers without a fraction");
	check_text("123456789012345678", 0, "1.2345678901234568e+17\n", "beyond 2^53: the nearest double");
	ok(od_json_pretty(v, 2, count_keys, &keys) == 7 && keys == 2, "a token function can stop the printing");
	cJSON_Delete(v);
}

static void
check_merge(const char *doc_json, const char *patch_json, const char *want, const char *name)
{
	cJSON *doc = doc_json ? cJSON_Parse(doc_json) : NULL, *patch = cJSON_Parse(patch_json);
	char *got = NULL;

	if (od_json_merge_patch(&doc, patch) == 0)
		got = od_json_text(doc, 0);
	is(got, want, "%s", name);
	free(got);
	cJSON_Delete(doc);
	cJSON_Delete(patch);
}

static void
test_merge(void)
{
	/* The examples of RFC 7386, appendix A, and more. */
	check_merge("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}\n", "replace a value");
	check_merge("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}\n", "add a key");
	check_merge("{\"a\":\"b\"}", "{\"a\":null}", "{}\n", "null removes");
	check_merge("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}\n", "... only that key");
	check_merge("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}\n", "an array is replaced");
	check_merge("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}\n",
		    "objects merge deeply");
	check_merge("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]\n", "a non-object patch replaces");
	check_merge("{\"a\":\"foo\"}", "\"bar\"", "\"bar\"\n", "... even a string");
	check_merge(NULL, "{\"a\":{\"b\":null,\"c\":1}}", "{\"a\":{\"c\":1}}\n", "onto nothing");
	check_merge("{\"x\":1,\"y\":2,\"z\":3}", "{\"x\":5,\"w\":0}", "{\"x\":5,\"y\":2,\"z\":3,\"w\":0}\n",
		    "keys keep their place; new ones come last");
}

int
main(void)
{
	test_pretty();
	test_merge();
	return done_testing();
}
