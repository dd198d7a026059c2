/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-handout.c: handout templates: placeholders, sections, lines without
 * a value, checks with line numbers, sanitised values. */
#include "config.h"

#include "onetui/handout.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

static void
check_render(const char *text, const struct od_handout_facts *f, const char *want, const char *name)
{
	struct od_error *err = od_handout_check(text, "test");
	char *got = err ? NULL : od_handout_render(text, f);

	ok(!err, "%s: the template passes the check%s%s", name, err ? ": " : "", err ? err->message : "");
	is(got, want, "%s", name);
	od_error_free(err);
	free(got);
}

static void
check_error(const char *text, const char *want, const char *name)
{
	struct od_error *err = od_handout_check(text, "handout.txt");

	ok(err && strstr(err->message, want), "%s (%s)", name, err ? err->message : "accepted");
	od_error_free(err);
}

static void
test_render(void)
{
	struct od_handout_facts f = { .v = { [OD_HO_TITLE] = "Grid square 1734452", [OD_HO_LINK] = "https://z/share/s",
					     [OD_HO_HANDLE] = "", [OD_HO_SENDER] = "Alice" } };

	check_render("Data: {title}\nLink: {link}\n", &f, "Data: Grid square 1734452\nLink: https://z/share/s\n",
		     "placeholders filled");
	check_render("DOI: {handle}\nToken: {token}\nfrom {sender}", &f, "from Alice",
		     "lines naming a fact without a value are left out; no newline added at the end");
	check_render("{{title}} is {title}; a }} too", &f, "{title} is Grid square 1734452; a } too",
		     "doubled braces are literal");
	check_render("a\n{?token}\nuse {token}\n{?link}\ninner\n{/link}\n{/token}\n{?link}\n  {?title}\nboth\n  {/title}\n{/link}\nz\n",
		     &f, "a\nboth\nz\n", "sections: kept with a value, dropped with their nested ones without");
	check_render("one\n\n{token}\n\n\ntwo\n", &f, "one\n\ntwo\n", "blank lines left behind collapse to one");
	check_render("\n\n{token}\nstart", &f, "start", "no blank lines at the very start");
	f.v[OD_HO_DESCRIPTION] = "line one\n\x1b]0;pwned\x07\nthird \xe2\x80\xae line";
	check_render("About:\n{description}\n", &f, "About:\nline one\n\\e]0;pwned\\x07\nthird \\u{202e} line\n",
		     "a multi-line value keeps its lines, sanitised one by one");
}

static void
test_errors(void)
{
	check_error("ok\nHello {nobody}\n", "handout.txt, line 2: no such placeholder: {nobody}", "an unknown placeholder, with its line");
	check_error("a { b", "line 1: a { without its }", "an open brace");
	check_error("a } b", "line 1: a } without its {", "a stray closing brace");
	check_error("x\n{?token}\ny\n", "line 2: the section {?token} does not end (add {/token})", "an unclosed section names where it opened");
	check_error("{?token}\n{/link}\n", "line 2: this closes no open section", "a section closed by another");
	check_error("{/token}\n", "this closes no open section", "closing what is not open");
	check_error("{?nobody}\n{/nobody}\n", "line 1: no such placeholder", "a section on an unknown fact");
	check_error("{?a}{?b}{?c}", "no such placeholder", "section marks that are not alone on their line are placeholders");
	check_error("{?title}\n{?title}\n{?title}\n{?title}\n{?title}\n{?title}\n{?title}\n{?title}\n{?title}\n",
		    "line 9: sections nest too deep", "nesting has a limit");
}

static void
test_default(void)
{
	const char *text = od_handout_default();
	struct od_error *err = od_handout_check(text, "the built-in handout");
	struct od_handout_facts f = { .v = { [OD_HO_TITLE] = "Run 34", [OD_HO_SPACE] = "P11 Beamline p700123",
					     [OD_HO_PATH] = "p700123/r0034", [OD_HO_LINK] = "https://z/share/abc",
					     [OD_HO_ZONE] = "https://z", [OD_HO_SENDER] = "Carol" } };
	char *out;

	ok(!err, "the built-in template passes its own check");
	od_error_free(err);
	out = od_handout_render(text, &f);
	ok(out && strstr(out, "https://z/share/abc") && !strstr(out, "invite token") && !strstr(out, "{") &&
		   !strstr(out, "Identifier") && !strstr(out, "\n\n\n"),
	   "without a token: the link, no invite paragraph, nothing unfilled");
	free(out);
	f.v[OD_HO_TOKEN] = "MDAxTOKEN";
	f.v[OD_HO_EXPIRES] = "2026-12-14 00:00 UTC";
	f.v[OD_HO_USES] = "5 times";
	out = od_handout_render(text, &f);
	ok(out && strstr(out, "  MDAxTOKEN\n") && strstr(out, "Valid until: 2026-12-14") &&
		   strstr(out, "onetui token consume"), "with a token: the token, its limits and how to consume it");
	free(out);
	ok(strcmp(od_handout_fact_name(OD_HO_REST_URL), "rest_url") == 0, "fact names");
}

int
main(void)
{
	test_render();
	test_errors();
	test_default();
	return done_testing();
}
