/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-localname.c: remote names judged and mapped for the local disk. */
#include "config.h"

#include "onetui/localname.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/str.h"
#include "tap.h"

struct name_case {
	const char *name;
	enum od_name_verdict plain;	/* without mapping */
	const char *mapped;		/* with mapping; NULL: refused even so */
	const char *why;		/* a word of the reason, for unsafe names */
};

static const struct name_case cases[] = {
	{ "Atlas_1.mrc", OD_NAME_OK, "Atlas_1.mrc", NULL },
	{ "Probe M\xc3\xbcller (\xc3\x98 3 mm)", OD_NAME_OK, "Probe M\xc3\xbcller (\xc3\x98 3 mm)", NULL },
	{ "100%.txt", OD_NAME_OK, "100%.txt", NULL },
	{ "...", OD_NAME_OK, "...", NULL },
	{ "back\\slash", OD_NAME_OK, "back\\slash", NULL },
	{ "what?:*<>|.txt", OD_NAME_OK, "what?:*<>|.txt", NULL },
	{ "invoice\xe2\x80\xae" "fdp.exe", OD_NAME_OK, "invoice\xe2\x80\xae" "fdp.exe", NULL },
	{ ".", OD_NAME_REFUSED, "%2E", "outside" },
	{ "..", OD_NAME_REFUSED, "%2E%2E", "outside" },
	{ "", OD_NAME_REFUSED, "%00", "empty" },
	{ "a/b", OD_NAME_REFUSED, "a%2Fb", "'/'" },
	{ "../../etc/passwd", OD_NAME_REFUSED, "..%2F..%2Fetc%2Fpasswd", "'/'" },
	{ "\x1b[31mred\x1b[0m.tiff", OD_NAME_REFUSED, "%1B[31mred%1B[0m.tiff", "control" },
	{ "line one\nline two", OD_NAME_REFUSED, "line one%0Aline two", "control" },
	{ "del\x7f", OD_NAME_REFUSED, "del%7F", "control" },
	{ "c1\xc2\x9b" "31m", OD_NAME_REFUSED, "c1%C2%9B31m", "control" },
	{ "50% \x01", OD_NAME_REFUSED, "50%25 %01", "control" },
	{ "nul" OD_NUL_PAIR "byte", OD_NAME_REFUSED, "nul%00byte", "NUL" },
	{ "latin1 \xe9t\xe9", OD_NAME_REFUSED, "latin1 %E9t%E9", "UTF-8" },
	{ "overlong \xc0\xaf", OD_NAME_REFUSED, "overlong %C0%AF", "UTF-8" },
	{ "surrogate \xed\xa0\x80", OD_NAME_REFUSED, "surrogate %ED%A0%80", "UTF-8" },
	{ "cut \xe2\x82", OD_NAME_REFUSED, "cut %E2%82", "UTF-8" },
};

static void
test_cases(void)
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		const struct name_case *c = &cases[i];
		enum od_name_verdict v;
		const char *why;
		char *out;

		ok(od_local_name(c->name, false, &out, &v, &why) == 0, "judged: case %zu", i);
		cmp_ok(v, "==", c->plain, "case %zu: verdict without mapping", i);
		ok(c->plain == OD_NAME_OK ? out && strcmp(out, c->name) == 0 : out == NULL,
		   "case %zu: the name itself, or nothing", i);
		ok(c->why ? why && strstr(why, c->why) != NULL : why == NULL, "case %zu: the reason (%s)", i,
		   why ? why : "none");
		free(out);
		ok(od_local_name(c->name, true, &out, &v, &why) == 0, "mapped: case %zu", i);
		is(out, c->mapped, "case %zu: mapped form", i);
		cmp_ok(v, "==", c->plain == OD_NAME_OK ? OD_NAME_OK : OD_NAME_MAPPED, "case %zu: verdict", i);
		if (out && c->plain != OD_NAME_OK) {
			enum od_name_verdict again;
			char *twice;
			ok(od_local_name(out, false, &twice, &again, &why) == 0 && again == OD_NAME_OK,
			   "case %zu: the mapped form is itself safe", i);
			free(twice);
		}
		free(out);
	}
}

static void
test_lengths(void)
{
	char name[300];
	enum od_name_verdict v;
	const char *why;
	char *out;

	memset(name, 'a', 255);
	name[255] = '\0';
	ok(od_local_name(name, false, &out, &v, &why) == 0 && v == OD_NAME_OK, "255 bytes is a name");
	free(out);
	name[255] = 'a';
	name[256] = '\0';
	ok(od_local_name(name, true, &out, &v, &why) == 0 && v == OD_NAME_REFUSED && !out &&
		   strstr(why, "255"),
	   "256 bytes is refused even with mapping");
	/* 250 bytes become 252 plain + one %XX: 255 fits, one more does not. */
	memset(name, 'b', 252);
	strcpy(name + 252, "\x01");
	ok(od_local_name(name, true, &out, &v, &why) == 0 && v == OD_NAME_MAPPED && strlen(out) == 255,
	   "a mapped form of exactly 255 bytes is used");
	free(out);
	memset(name, 'b', 253);
	strcpy(name + 253, "\x01");
	ok(od_local_name(name, true, &out, &v, &why) == 0 && v == OD_NAME_REFUSED && !out && strstr(why, "safe"),
	   "a mapped form over 255 bytes is refused, said so");
}

int
main(void)
{
	test_cases();
	test_lengths();
	return done_testing();
}
