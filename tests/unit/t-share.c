/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-share.c: the Dublin Core document a handle is registered with, and
 * the check of what a person types for a share or a handle. */
#include "config.h"

#include "onetui/share.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#define V(e, t) { OD_DC_##e, t }

static void
good_document(void)
{
	/* Given out of order: written grouped, in the elements' order. */
	static const struct od_dc_value v[] = {
		V(SUBJECT, "NiTi"), V(CREATOR, "Kowalczyk, Alice"), V(TITLE, "Discs \"\xc3\x98 3 mm\" & <more>"),
		V(SUBJECT, "shape memory"), V(RIGHTS, "CC-BY-4.0"), V(DESCRIPTION, "line one\nline\ttwo\r\n'x'"),
	};
	char *xml = NULL;
	struct od_error *err = od_dc_xml(v, sizeof(v) / sizeof(v[0]), &xml);

	ok(!err && xml, "a form with every kind of character becomes a document");
	if (!xml) {
		od_error_free(err);
		return;
	}
	ok(strstr(xml, "<oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\"") != NULL,
	   "the oai_dc root and its namespace");
	ok(strstr(xml, "<dc:title>Discs &quot;\xc3\x98 3 mm&quot; &amp; &lt;more&gt;</dc:title>") != NULL,
	   "markup characters escaped, UTF-8 kept");
	ok(strstr(xml, "<dc:description>line one\nline\ttwo&#13;\n'x'</dc:description>") != NULL,
	   "line breaks and tabs kept, CR as a reference so that it survives parsing");
	ok(strstr(xml, "<dc:title>") < strstr(xml, "<dc:creator>") &&
	   strstr(xml, "<dc:creator>") < strstr(xml, "<dc:subject>NiTi</dc:subject>\n  <dc:subject>shape memory") &&
	   strstr(xml, "<dc:subject>shape memory") < strstr(xml, "<dc:description>") &&
	   strstr(xml, "<dc:description>") < strstr(xml, "<dc:rights>"),
	   "elements in Dublin Core order, repeated ones together in the order given");
	free(xml);
}

struct bad_case {
	struct od_dc_value v[3];
	size_t n;
	const char *says;
};

static void
refusals(void)
{
	static const struct bad_case cases[] = {
		{ { V(CREATOR, "A") }, 1, "needs a title" },
		{ { V(TITLE, "T") }, 1, "needs a creator" },
		{ { V(TITLE, "T"), V(CREATOR, "A\x1b[31m") }, 2, "creator holds a character XML cannot carry" },
		{ { V(TITLE, "T"), V(CREATOR, "A"), V(DATE, "\x07") }, 3, "date holds a character XML cannot carry" },
		{ { V(TITLE, "T\xff"), V(CREATOR, "A") }, 2, "title is not valid UTF-8" },
		{ { V(TITLE, "T"), V(CREATOR, " \t\n") }, 2, "creator is empty" },
		{ { V(TITLE, "T"), V(CREATOR, "A"), V(SUBJECT, "\xef\xbf\xbe") }, 3, "subject holds a character XML cannot carry" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *xml = (char *)"untouched";
		struct od_error *err = od_dc_xml(cases[i].v, cases[i].n, &xml);
		const char *msg = err ? err->message : "";
		ok(err && !xml && strstr(msg, cases[i].says), "refused: %s (%s)", cases[i].says, msg);
		od_error_free(err);
	}
}

static void
typed_text(void)
{
	static const struct {
		const char *text;
		bool lines;
		const char *says;	/* NULL: accepted */
	} cases[] = {
		{ "Grids for Bob, \xc3\x98 3 mm", false, NULL },
		{ "line one\n\tline two\r\n", true, NULL },
		{ "line one\nline two", false, "holds a control or invisible character (U+000A)" },
		{ "A\x1b[31m", true, "(U+001B)" },
		{ "A\x7f", false, "(U+007F)" },
		{ "A\xc2\x9b" "31m", false, "(U+009B)" },
		{ "x\xe2\x80\xaey", false, "(U+202E)" },
		{ "T\xff", false, "the name is not valid UTF-8" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct od_error *err = od_share_text_check("name", cases[i].text, cases[i].lines);
		const char *msg = err ? err->message : "";
		if (cases[i].says)
			ok(err && strstr(msg, cases[i].says), "typed text refused: %s (%s)", cases[i].says, msg);
		else
			ok(!err, "typed text accepted: case %zu (%s)", i, msg);
		od_error_free(err);
	}
}

int
main(void)
{
	good_document();
	refusals();
	typed_text();
	is(od_dc_name(OD_DC_RIGHTS), "rights", "element names");
	ok(od_dc_required(OD_DC_TITLE) && od_dc_required(OD_DC_CREATOR) && !od_dc_required(OD_DC_SUBJECT) &&
		   !od_dc_required(OD_DC_DATE),
	   "title and creator are required, the rest is not");
	return done_testing();
}
