/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-metatext.c: metadata texts checked before they are sent. */
#include "config.h"

#include "onetui/metatext.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

struct text_case {
	enum od_meta_kind kind;
	const char *text;
	int line, col;		/* 0: the text is good */
	const char *says;	/* a part of the message */
};

#define RDF_NS "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\""

static const struct text_case cases[] = {
	/* JSON */
	{ OD_META_JSON, "{\"sample\": {\"grids\": [1, 2]}, \"Gr\xc3\xb6\xc3\x9f" "e\": \"\xe6\x9d\xb1\"}", 0, 0, NULL },
	{ OD_META_JSON, "  42\n", 0, 0, NULL },
	{ OD_META_JSON, "{\n  \"a\": 1,\n  \"b\": x\n}", 3, 8, "unexpected 'x'" },
	{ OD_META_JSON, "{\"\xc3\xa9t\xc3\xa9\": tru}", 1, 9, "unexpected" },
	{ OD_META_JSON, "{\"a\": [1, 2", 1, 12, "ends too early" },
	{ OD_META_JSON, "{} {}", 1, 4, "after the JSON value" },
	{ OD_META_JSON, " \n ", 2, 2, "empty" },
	{ OD_META_JSON, "", 1, 1, "empty" },
	{ OD_META_JSON, "{\"a\": \"Krios\xa0\"}", 1, 13, "invalid UTF-8" },
	{ OD_META_JSON, "{\"a\": [{\"b\": 1, \"c\": 2, \"b\": 3}]}", 0, 0, "\"b\" is there twice" },
	{ OD_META_XATTRS, "{\"k\": \"1\", \"k\": \"2\"}", 0, 0, "\"k\" is there twice" },
	{ OD_META_JSON, "93177e8258", 0, 0, "a number too large to store" },
	{ OD_META_JSON, "{\"dose\": -1e999}", 0, 0, "too large to store: dose" },
	/* xattrs */
	{ OD_META_XATTRS, "{\"instrument\": \"Titan Krios G4\", \"voltage_kV\": 300}", 0, 0, NULL },
	{ OD_META_XATTRS, "{}", 0, 0, NULL },
	{ OD_META_XATTRS, "[1]", 1, 1, "JSON object" },
	{ OD_META_XATTRS, "{\"a\": {\"b\": 1}}", 0, 0, "string or a number" },
	{ OD_META_XATTRS, "{\"a\": true}", 0, 0, "string or a number" },
	{ OD_META_XATTRS, "{\"a\": null}", 0, 0, "string or a number" },
	{ OD_META_XATTRS, "{\"cdmi_size\": \"1\"}", 0, 0, "reserved" },
	{ OD_META_XATTRS, "{\"onedata_json\": \"1\"}", 0, 0, "reserved" },
	{ OD_META_XATTRS, "{\"org.onedata.guid\": \"1\"}", 0, 0, "reserved" },
	{ OD_META_XATTRS, "{\"\": \"1\"}", 0, 0, "needs a name" },
	/* RDF */
	{ OD_META_RDF, "<rdf:RDF " RDF_NS "><rdf:Description rdf:about=\"urn:x\"/></rdf:RDF>", 0, 0, NULL },
	{ OD_META_RDF, "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- session -->\n"
		       "<!DOCTYPE r [<!ENTITY who \"Alice\">]>\n<r a='1' b=\"&amp;&#233;&#xE9;&who;\">"
		       "<![CDATA[<not a tag> & ]]><?pi data?>text &lt; more</r>\n<!-- end -->\n", 0, 0, NULL },
	{ OD_META_RDF, "<a><b></a>", 1, 9, "does not match" },
	{ OD_META_RDF, "<a>\n  <b>\n</a>", 3, 3, "does not match" },
	{ OD_META_RDF, "<a><b>", 1, 5, "not closed" },
	{ OD_META_RDF, "<a x=1/>", 1, 6, "quotes" },
	{ OD_META_RDF, "<a x='1' x='2'/>", 1, 10, "twice" },
	{ OD_META_RDF, "<a>&nbsp;</a>", 1, 4, "not defined" },
	{ OD_META_RDF, "<a>& b</a>", 1, 4, "reference" },
	{ OD_META_RDF, "<a>&#0;</a>", 1, 4, "character reference" },
	{ OD_META_RDF, "<a>x</a><b/>", 1, 9, "after the root" },
	{ OD_META_RDF, "hello <a/>", 1, 1, "before the root" },
	{ OD_META_RDF, "", 1, 1, "no element" },
	{ OD_META_RDF, "<a><!-- a -- b --></a>", 1, 11, "\"--\"" },
	{ OD_META_RDF, "<a><?xml version='1.0'?></a>", 1, 6, "very start" },
	{ OD_META_RDF, "<rdf:RDF/>", 1, 2, "prefix" },
	{ OD_META_RDF, "<a " RDF_NS "><rdf:b/></a><!-- -->", 0, 0, NULL },
	{ OD_META_RDF, "<a><b " RDF_NS "/><rdf:c/></a>", 1, 65, "prefix" },
	{ OD_META_RDF, "<a x:y='1'/>", 1, 4, "prefix" },
	{ OD_META_RDF, "<a>\x01</a>", 1, 4, "U+0001" },
	{ OD_META_RDF, "<a>\xe9</a>", 1, 4, "UTF-8" },
	{ OD_META_RDF, "<a>]]></a>", 1, 4, "CDATA" },
	{ OD_META_RDF, "<a x='<'/>", 1, 7, "'<'" },
	{ OD_META_RDF, "</a>", 1, 3, "without a start tag" },
	{ OD_META_RDF, "<a", 1, 3, "ends too early" },
};

static void
test_cases(void)
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		const struct text_case *c = &cases[i];
		struct od_text_pos pos;
		struct od_error *err = od_meta_check(c->kind, c->text, strlen(c->text), &pos);

		if (!c->says) {
			ok(!err, "%s %zu is good%s%s", od_meta_kind_name(c->kind), i, err ? ": " : "",
			   err ? err->message : "");
		} else {
			ok(err && strstr(err->message, c->says), "%s %zu: \"%s\" (%s)", od_meta_kind_name(c->kind),
			   i, c->says, err ? err->message : "no error");
			if (c->line)
				ok(pos.line == c->line && pos.col == c->col, "... at line %d, column %d (%d, %d)",
				   c->line, c->col, pos.line, pos.col);
		}
		od_error_free(err);
	}
}

static void
test_deep_nesting(void)
{
	size_t depth = 100000, len = depth * 7;
	char *text = malloc(len + 1), *p = text;
	struct od_error *err;

	for (size_t i = 0; i < depth; i++, p += 3)
		memcpy(p, "<a>", 3);
	for (size_t i = 0; i < depth; i++, p += 4)
		memcpy(p, "</a>", 4);
	*p = '\0';
	err = od_meta_check(OD_META_RDF, text, len, NULL);
	ok(!err, "100,000 nested elements: checked without recursion");
	od_error_free(err);
	free(text);
}

static void
test_same(void)
{
	const char *a = "{\"a\": 1, \"b\": [1, 2]}", *b = "{\"b\":[1,2],\"a\":1}", *c = "{\"a\": 2, \"b\": [1, 2]}";

	ok(od_meta_same(OD_META_JSON, a, strlen(a), b, strlen(b)), "JSON: key order and spacing do not count");
	ok(!od_meta_same(OD_META_JSON, a, strlen(a), c, strlen(c)), "JSON: a changed value does");
	ok(!od_meta_same(OD_META_XATTRS, a, strlen(a), NULL, 0), "a document is not the same as none");
	ok(od_meta_same(OD_META_RDF, NULL, 0, NULL, 0), "none is the same as none");
	ok(!od_meta_same(OD_META_RDF, "<a/>", 4, "<a />", 5), "RDF compares byte for byte");
}

static void
test_kinds(void)
{
	enum od_meta_kind k;

	ok(od_meta_kind_parse("rdf", &k) && k == OD_META_RDF, "\"rdf\" is a kind");
	ok(od_meta_kind_parse("xattrs", &k) && k == OD_META_XATTRS, "\"xattrs\" is a kind");
	ok(!od_meta_kind_parse("yaml", &k), "\"yaml\" is not");
	is(od_meta_kind_name(OD_META_JSON), "json", "the JSON kind's name");
}

int
main(void)
{
	test_cases();
	test_deep_nesting();
	test_same();
	test_kinds();
	return done_testing();
}
