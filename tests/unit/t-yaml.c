/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-yaml.c: unit tests for YAML read as JSON, and for metadata sidecars
 * in YAML and JSON. */
#include "config.h"

#include "onetui/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/ingest-prep.h"
#include "onetui/str.h"

#include "tap.h"

/* yaml as compact JSON, or the error's message. */
static char *
convert(const char *yaml, size_t len)
{
	struct od_error *err;
	cJSON *out = NULL;
	char *text;

	if ((err = od_yaml_to_json(yaml, len, &out))) {
		text = od_asprintf("error %s: %s", od_error_kind_name(err->kind), err->message);
		ok(!out, "no document with the error");
		od_error_free(err);
		return text;
	}
	text = cJSON_PrintUnformatted(out);
	cJSON_Delete(out);
	return text;
}

static void
json_is(const char *yaml, const char *want, const char *what)
{
	char *got = convert(yaml, strlen(yaml));

	is(got, want, "%s", what);
	free(got);
}

static void
error_like(const char *yaml, size_t len, const char *regex, const char *what)
{
	char *got = convert(yaml, len);

	like(got, regex, "%s", what);
	free(got);
}

static void
test_structure(void)
{
	json_is("name: run 43\n"
		"sample:\n"
		"  id: S-1\n"
		"  layers: [a, b]\n"
		"frames:\n"
		"  - {n: 1, ok: true}\n"
		"  - - nested\n"
		"    - []\n"
		"  - {}\n",
		"{\"name\":\"run 43\",\"sample\":{\"id\":\"S-1\",\"layers\":[\"a\",\"b\"]},"
		"\"frames\":[{\"n\":1,\"ok\":true},[\"nested\",[]],{}]}",
		"nested mappings and sequences, block and flow, in their order");
	json_is("- 1\n- two\n", "[1,\"two\"]", "a sequence at the top");
	json_is("just text\n", "\"just text\"", "a scalar at the top");
	json_is("# a comment\n"
		"a: 1  # after a value\n"
		"# between\n"
		"b: '# not a comment'\n",
		"{\"a\":1,\"b\":\"# not a comment\"}", "comments are left out");
	json_is("1: one\nnull: two\ntrue: three\n", "{\"1\":\"one\",\"null\":\"two\",\"true\":\"three\"}",
		"keys are their text, whatever they look like");
	json_is("\"\": empty\n", "{\"\":\"empty\"}", "an empty key");
	json_is("base: &b\n"
		"  x: 1\n"
		"  tags: &t [a, b]\n"
		"copy: *b\n"
		"more: [*t, *t]\n",
		"{\"base\":{\"x\":1,\"tags\":[\"a\",\"b\"]},\"copy\":{\"x\":1,\"tags\":[\"a\",\"b\"]},"
		"\"more\":[[\"a\",\"b\"],[\"a\",\"b\"]]}",
		"aliases are copies of their anchor's node");
	json_is("op\xc3\xa9rateur: \xc5\xbd\xc3\xa1\xc4\x8d" "ek \xe2\x9c\x93\n",
		"{\"op\xc3\xa9rateur\":\"\xc5\xbd\xc3\xa1\xc4\x8d" "ek \xe2\x9c\x93\"}", "UTF-8 keys and values");
	json_is("\xef\xbb\xbf" "a: 1\n", "{\"a\":1}", "a UTF-8 byte order mark is skipped");
	json_is("literal: |\n"
		"  line one\n"
		"    indented\n"
		"  line three\n"
		"folded: >\n"
		"  one\n"
		"  two\n"
		"\n"
		"  three\n"
		"stripped: |-\n"
		"  no newline\n",
		"{\"literal\":\"line one\\n  indented\\nline three\\n\",\"folded\":\"one two\\nthree\\n\","
		"\"stripped\":\"no newline\"}",
		"block scalars: literal, folded, stripped");
	json_is("s: \"tab\\there \\u00e9\"\n", "{\"s\":\"tab\\there \xc3\xa9\"}", "double-quoted escapes");
}

static void
test_scalars(void)
{
	static const struct {
		const char *yaml, *json;
	} cases[] = {
		{ "~", "null" }, { "null", "null" }, { "Null", "null" }, { "NULL", "null" }, { "", "null" },
		{ "nULL", "\"nULL\"" },
		{ "true", "true" }, { "True", "true" }, { "TRUE", "true" },
		{ "false", "false" }, { "False", "false" }, { "FALSE", "false" },
		{ "yes", "\"yes\"" }, { "on", "\"on\"" }, { "tRUE", "\"tRUE\"" },	/* YAML 1.1's, not 1.2's */
		{ "0", "0" }, { "42", "42" }, { "-17", "-17" }, { "+12", "12" }, { "007", "7" }, { "-0", "-0" },
		{ "12345678901234567890123", "12345678901234567890123" },	/* every digit kept */
		{ "0o17", "15" }, { "0o0", "0" }, { "0x1F", "31" }, { "0xff", "255" },
		{ "0xFFFFFFFFFFFFFFFF", "18446744073709551615" },
		{ "0o8", "\"0o8\"" }, { "0x", "\"0x\"" }, { "0xG", "\"0xG\"" }, { "-0x1", "\"-0x1\"" },
		{ "0b101", "\"0b101\"" }, { "1_000", "\"1_000\"" },
		{ "1.5", "1.5" }, { "-2.25", "-2.25" }, { ".5", "0.5" }, { "-.5", "-0.5" }, { "+.5", "0.5" },
		{ "1.", "1" }, { "00.50", "0.50" }, { "1e3", "1e3" }, { "1.5E-3", "1.5E-3" }, { "+2.e+4", "2e+4" },
		{ ".", "\".\"" }, { "-1-", "\"-1-\"" }, { "e3", "\"e3\"" }, { "1e", "\"1e\"" }, { "1.2.3", "\"1.2.3\"" },
		{ "1e3x", "\"1e3x\"" }, { "-.nan", "\"-.nan\"" }, { ".NAN.", "\".NAN.\"" },
		{ "2024-05-01", "\"2024-05-01\"" }, { "12:30", "\"12:30\"" },
		{ "\"123\"", "\"123\"" }, { "'123'", "\"123\"" }, { "\"true\"", "\"true\"" }, { "'null'", "\"null\"" },
		{ "\"~\"", "\"~\"" }, { "''", "\"\"" }, { "\"1.5\"", "\"1.5\"" }, { "\".inf\"", "\".inf\"" },
	};
	cJSON *out;
	struct od_error *err;

	for (size_t i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		char *yaml = od_asprintf("v: %s\n", cases[i].yaml);
		char *want = od_asprintf("{\"v\":%s}", cases[i].json);
		char *what = od_asprintf("v: %s", cases[i].yaml);

		json_is(yaml, want, what);
		free(yaml);
		free(want);
		free(what);
	}
	json_is("v: |\n  123\n", "{\"v\":\"123\\n\"}", "a block scalar is a string");
	json_is("v: >-\n  true\n", "{\"v\":\"true\"}", "a folded one too");
	err = od_yaml_to_json("n: 42\n", 6, &out);
	ok(!err && cJSON_IsRaw(cJSON_GetObjectItem(out, "n")), "a number is a raw node of its literal");
	cJSON_Delete(out);
	od_error_free(err);
}

static void
test_empty(void)
{
	json_is("", "null", "no text: null");
	json_is("# only a comment\n", "null", "only a comment: null");
	json_is("---\n", "null", "an empty document: null");
	json_is("---\n...\n", "null", "an empty document ended: null");
	json_is("a: 1\n...\n", "{\"a\":1}", "a document ended with ...");
	json_is("--- {a: 1}\n", "{\"a\":1}", "a document started with ---");
}

/* levels of [ and as many of ]. */
static char *
nested(int levels)
{
	char *s = malloc(2 * (size_t)levels + 1);

	if (!s)
		abort();
	memset(s, '[', (size_t)levels);
	memset(s + levels, ']', (size_t)levels);
	s[2 * levels] = '\0';
	return s;
}

static void
test_errors(void)
{
	static const char laughs[] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
				     "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
				     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
				     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
				     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
				     "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
				     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
				     "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
				     "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	static const struct {
		const char *yaml;
		size_t len;	/* 0: strlen */
		const char *regex, *what;
	} cases[] = {
		{ "a:\n  b: 1\n c: 2\n", 0,
		  "^error input: line 3, column 2: did not find expected key$",
		  "bad indentation: libyaml's message, at its line and column" },
		{ "a: 1\n  b: 2\n", 0,
		  "^error input: line 2, column 4: mapping values are not allowed",
		  "a mapping where a value was: its line" },
		{ "a: [1, 2\n", 0,
		  "^error input: line 2, column 1: did not find expected",
		  "an open sequence" },
		{ "a: &x 1\nb: &x 2\n", 0,
		  "^error input: line 2, column 4: found duplicate anchor; first occurrence at line 1, column 4; "
		  "second occurrence$",
		  "an anchor twice: both places" },
		{ "a: *nowhere\n", 0,
		  "^error input: line 1, column 4: found undefined alias$",
		  "an alias to no anchor" },
		{ "a: 1\nb: 2\na: 3\n", 0,
		  "^error input: line 3, column 1: \"a\" is a key of this mapping already$",
		  "a key twice" },
		{ "\"two\\nlines\\e[2J\": 1\n\"two\\nlines\\e[2J\": 2\n", 0,
		  "^error input: line 2, column 1: \"two\\\\nlines\\\\e\\[2J\" is a key of this mapping already$",
		  "a key twice, named on one line, its controls shown" },
		{ "\"0123456789012345678901234567890123456789xyz\": 1\n\"0123456789012345678901234567890123456789xyz\": 2\n",
		  0, "^error input: line 2, column 1: \"0123456789012345678901234567890123456789…\" is a key",
		  "a long key twice: cut" },
		{ "x:\n  k: 1\n  j: 2\n  k: 3\n  j: 4\n", 0,
		  "^error input: line 4, column 3: \"k\" is a key of this mapping already$",
		  "keys twice: the first one repeated in the text is named" },
		{ "? [a]\n: 1\n", 0,
		  "^error input: line 1, column 3: a key that is a mapping or a sequence",
		  "a key that is not a scalar" },
		{ "a: 1\n---\nb: 2\n", 0,
		  "^error input: line 2, column 1: a second YAML document",
		  "two documents" },
		{ "a: 1\n---\n", 0,
		  "^error input: line 2, column 1: a second YAML document",
		  "two documents, the second empty" },
		{ "a: 1\n---\nb: [\n", 0,
		  "^error input: line 4, column 1: ",
		  "a broken second document" },
		{ "a: 1\nb: .inf\n", 0,
		  "^error input: line 2, column 4: \\.inf is a number JSON cannot hold$",
		  ".inf" },
		{ "b: [-.Inf]\n", 0,
		  "^error input: line 1, column 5: -\\.Inf is a number JSON cannot hold$",
		  "-.Inf" },
		{ "b: .NaN\n", 0,
		  "^error input: line 1, column 4: \\.NaN is a number JSON cannot hold$",
		  ".NaN" },
		{ "b: 0x10000000000000000\n", 0,
		  "^error input: line 1, column 4: 0x10000000000000000 is too large",
		  "a hexadecimal integer beyond 64 bits" },
		{ "a: \"x\\0y\"\n", 0,
		  "^error input: line 1, column 4: a NUL character",
		  "a NUL escape" },
		{ "\"x\\0y\": 1\n", 0,
		  "^error input: line 1, column 1: a NUL character",
		  "a NUL in a key" },
		{ "a: b\nc: \xff\n", 0,
		  "^error input: line 2, column 4: invalid leading UTF-8 octet$",
		  "invalid UTF-8, at its line" },
		{ "a: \xc3\n", 0,
		  "^error input: line 1, column 5: invalid trailing UTF-8 octet$",
		  "a cut UTF-8 sequence" },
		{ "\xff\xfe" "a\0:\0 \0" "1\0", 10,
		  "^error input: line 1, column 1: ",
		  "UTF-16 is not UTF-8" },
		{ "a: b\0c\n", 7,
		  "^error input: line 1, column 5: ",
		  "a NUL byte in the text" },
		{ "a: 1\n\tb: 2\n", 0,
		  "^error input: line 2, column 1: ",
		  "a tab as indentation" },
	};
	char *deep, *got;
	clock_t start;

	json_is("a: {k: 1}\nb: {k: 2}\n", "{\"a\":{\"k\":1},\"b\":{\"k\":2}}", "the same key in two mappings");
	for (size_t i = 0; i < OD_ARRAY_SIZE(cases); i++)
		error_like(cases[i].yaml, cases[i].len ? cases[i].len : strlen(cases[i].yaml), cases[i].regex,
			   cases[i].what);
	start = clock();
	error_like(laughs, sizeof(laughs) - 1, "^error input: line [0-9]+, column [0-9]+: more than 100000 values once "
		   "aliases are expanded$", "a billion laughs: refused");
	ok(clock() - start < CLOCKS_PER_SEC, "a billion laughs: quickly");
	error_like("&a [*a]\n", 8, "^error input: line 1, column 1: nested deeper than 64 levels",
		   "an alias inside its own anchor");
	deep = nested(64);
	got = convert(deep, strlen(deep));
	ok(od_str_starts(got, "[[[") && strstr(got, "[]"), "nested 64 deep: converted");
	free(got);
	free(deep);
	deep = nested(65);
	error_like(deep, strlen(deep), "^error input: line 1, column 65: nested deeper than 64 levels",
		   "nested 65 deep: refused");
	free(deep);
}

/* A sidecar named name with the text: its JSON, or the error's message. */
static void
sidecar_is(const char *name, const char *text, const char *want, const char *what)
{
	struct od_error *err;
	char *json = (char *)"unset";

	if ((err = od_ingest_sidecar_read(name, text, strlen(text), &json))) {
		ok(!json, "%s: no text with the error", what);
		is(err->message, want, "%s", what);
		od_error_free(err);
	} else {
		is(json, want, "%s", what);
		free(json);
	}
}

static void
test_sidecar(void)
{
	static const char json[] = "{ \"instrument\": \"Talos\",\n  \"session\": 43 }\n";

	sidecar_is("m.json", json, json, "a JSON sidecar: its text as it is");
	sidecar_is("m.json", "{\"a\": ", "m.json: line 1, column 6: the text ends too early",
		   "a JSON sidecar that is not JSON: named, with the line");
	sidecar_is("m.json", "[1]", "m.json: the metadata is not a JSON object", "a JSON sidecar not an object");
	sidecar_is("m.json", "a: 1\n", "m.json: line 1, column 1: unexpected 'a'",
		   "YAML in a .json file is not JSON");
	sidecar_is("dir/m.yaml", "instrument: Talos\nsession: 43\nbeam: {kV: 200.0, on: true}\n",
		   "{\"instrument\":\"Talos\",\"session\":43,\"beam\":{\"kV\":200.0,\"on\":true}}",
		   "a YAML sidecar: as JSON");
	sidecar_is("M.YML", "a: 1\n", "{\"a\":1}", "a .YML sidecar: YAML too");
	sidecar_is("m.yaml", "", "m.yaml: the metadata must be a YAML mapping (KEY: VALUE lines)",
		   "an empty YAML sidecar: not a mapping");
	sidecar_is("m.yaml", "- a\n", "m.yaml: the metadata must be a YAML mapping (KEY: VALUE lines)",
		   "a YAML sequence: not a mapping");
	sidecar_is("m.yaml", "a: 1\n b: 2\n",
		   "m.yaml: line 2, column 3: mapping values are not allowed in this context",
		   "a YAML sidecar that is not YAML: named, with the line");
	sidecar_is("m.yml", "a: .nan\n", "m.yml: line 1, column 4: .nan is a number JSON cannot hold",
		   "a YAML sidecar with .nan");
}

int
main(void)
{
	test_structure();
	test_scalars();
	test_empty();
	test_errors();
	test_sidecar();
	return done_testing();
}
