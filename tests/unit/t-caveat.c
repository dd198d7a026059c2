/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-caveat.c: unit tests for building, reading, describing caveats and
 * for the warnings about tokens handed out too wide; and the base64 the
 * path caveats use. */
#include "config.h"

#include "onetui/caveat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/str.h"

#include "tap.h"

#define NOW 1765000000		/* 2025-12-06T05:46:40Z */
#define SPACE "83611c67476b43f1afd511136f576d12"

static char *
built(const struct od_caveat_form *f)
{
	cJSON *c = NULL;
	struct od_error *err = od_caveats_build(f, &c);
	char *text = err ? strdup(err->message) : cJSON_PrintUnformatted(c);

	od_error_free(err);
	cJSON_Delete(c);
	return text;
}

static void
test_build(void)
{
	const char *paths[] = { SPACE "/Images-Disc1/", "/" SPACE "//raw" };
	const char *ids[] = { "0000ABCD" };
	const char *ips[] = { "192.0.2.0/24", "2001:db8::/32", "198.51.100.7" };
	const char *services[] = { "opw-*", "ozw-onezone", "opw-8a1ec7538f2fch1" };
	struct od_caveat_form f = { 0 };
	char *text;

	text = built(&f);
	is(text, "[]", "an empty form: no caveats");
	free(text);

	f = (struct od_caveat_form){ .valid_until = NOW + 60, .readonly = true, .interface = "oneclient",
				     .paths = paths, .n_paths = 2, .object_ids = ids, .n_object_ids = 1,
				     .ips = ips, .n_ips = 3, .services = services, .n_services = 3 };
	text = built(&f);
	/* base64("/" SPACE "/Images-Disc1") and base64("/" SPACE "/raw") */
	is(text,
	   "[{\"type\":\"time\",\"validUntil\":1765000060},{\"type\":\"data.readonly\"},"
	   "{\"type\":\"interface\",\"interface\":\"oneclient\"},"
	   "{\"type\":\"data.path\",\"whitelist\":[\"LzgzNjExYzY3NDc2YjQzZjFhZmQ1MTExMzZmNTc2ZDEyL0ltYWdlcy1EaXNjMQ==\","
	   "\"LzgzNjExYzY3NDc2YjQzZjFhZmQ1MTExMzZmNTc2ZDEyL3Jhdw==\"]},"
	   "{\"type\":\"data.objectid\",\"whitelist\":[\"0000ABCD\"]},"
	   "{\"type\":\"ip\",\"whitelist\":[\"192.0.2.0/24\",\"2001:db8::/32\",\"198.51.100.7\"]},"
	   "{\"type\":\"service\",\"whitelist\":[\"opw-*\",\"ozw-onezone\",\"opw-8a1ec7538f2fch1\"]}]",
	   "every kind, paths canonical (no trailing or double slash), in base64 without a newline");
	free(text);

	static const struct {
		const char *what, *ip, *service, *path, *iface;
		const char *want;
	} bad[] = {
		{ "an address with letters", "192.0.2.x", NULL, NULL, NULL, "not an IP address" },
		{ "a prefix too long", "192.0.2.0/33", NULL, NULL, NULL, "not an IP address" },
		{ "a v6 prefix too long", "::1/129", NULL, NULL, NULL, "not an IP address" },
		{ "an empty address", "/8", NULL, NULL, NULL, "not an IP address" },
		{ "a service of no kind", NULL, "web", NULL, NULL, "not a service" },
		{ "a provider id with a slash", NULL, "opw-ab/c", NULL, NULL, "not a service" },
		{ "a bare opw-", NULL, "opw-", NULL, NULL, "not a service" },
		{ "a path without a space", NULL, NULL, "//", NULL, "needs a space" },
		{ "an interface of no kind", NULL, NULL, NULL, "ftp", "unknown interface" },
	};
	for (size_t i = 0; i < OD_ARRAY_SIZE(bad); i++) {
		f = (struct od_caveat_form){ .ips = &bad[i].ip, .n_ips = bad[i].ip != NULL,
					     .services = &bad[i].service, .n_services = bad[i].service != NULL,
					     .paths = &bad[i].path, .n_paths = bad[i].path != NULL,
					     .interface = bad[i].iface };
		text = built(&f);
		ok(text && strstr(text, bad[i].want), "refused: %s (%s)", bad[i].what, text);
		free(text);
	}
}

static void
test_expiry(void)
{
	static const struct {
		const char *text;
		int64_t want;	/* 0: refused */
	} cases[] = {
		{ "30m", NOW + 1800 },
		{ "12h", NOW + 12 * 3600 },
		{ "7d", NOW + 7 * 86400 },
		{ "2w", NOW + 14 * 86400 },
		{ "2026-01-31", 1769903999 },		/* the end of that day, UTC */
		{ "2026-01-31T18:00", 1769882400 },
		{ "2026-01-31T18:00:30Z", 1769882430 },
		{ "2026-01-31 18:00", 1769882400 },
		{ "0d", 0 },
		{ "7", 0 },
		{ "d", 0 },
		{ "7y", 0 },
		{ "-7d", 0 },
		{ "2026-13-01", 0 },
		{ "2026-01-31T25:00", 0 },
		{ "2026-01-31T18:00Zjunk", 0 },
		{ "2025-01-01", 0 },			/* passed */
		{ "", 0 },
	};

	for (size_t i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		int64_t got = 0;
		struct od_error *err = od_caveat_parse_expiry(cases[i].text, NOW, &got);

		if (cases[i].want)
			ok(!err && got == cases[i].want, "expiry '%s' is %lld (%lld)", cases[i].text,
			   (long long)cases[i].want, (long long)got);
		else
			ok(err && err->kind == OD_ERR_INPUT, "expiry '%s' refused: %s", cases[i].text,
			   err ? err->message : "accepted");
		od_error_free(err);
	}
}

static const char *
space_name(const char *id, void *ud)
{
	(void)ud;
	return strcmp(id, SPACE) == 0 ? "Krios" : NULL;
}

static const char *
provider_name(const char *id, void *ud)
{
	(void)ud;
	return strcmp(id, "hpc1") == 0 ? "HPC Centre" : NULL;
}

static void
describes(const char *json, const char *want, const char *what)
{
	static const struct od_caveat_names names = { space_name, provider_name, NULL };
	cJSON *c = cJSON_Parse(json);
	char *text = od_caveat_describe(c, &names, NOW);

	like(text, want, "described: %s", what);
	free(text);
	cJSON_Delete(c);
}

static void
test_describe(void)
{
	describes("{\"type\":\"time\",\"validUntil\":1765604800}", "^valid until 2025-12-13T05:46:40Z \\(in 7 days\\)$",
		  "a time caveat");
	describes("{\"type\":\"time\",\"validUntil\":1764990000}", "^expired at .* \\(2 hours ago\\)$",
		  "a passed time caveat");
	describes("{\"type\":\"time\",\"validUntil\":1765172799}", "\\(in 2 days\\)$",
		  "a token made for 2 days, described a second later, is still for 2 days");
	describes("{\"type\":\"data.readonly\"}", "^read-only", "read-only");
	describes("{\"type\":\"data.path\",\"whitelist\":[\"LzgzNjExYzY3NDc2YjQzZjFhZmQ1MTExMzZmNTc2ZDEyL0ltYWdlcy1EaXNjMQ==\","
		  "\"L290aGVy\",\"!!\"]}",
		  "^only these paths .*: /Krios/Images-Disc1, /other, \\(undecodable path !!\\)$",
		  "paths with the space's name, an unknown space, garbage");
	describes("{\"type\":\"interface\",\"interface\":\"oneclient\"}", "^only through Oneclient", "oneclient");
	describes("{\"type\":\"interface\",\"interface\":\"rest\"}", "^only through the REST API", "rest");
	describes("{\"type\":\"ip\",\"whitelist\":[\"192.0.2.0/24\"]}", "^only from these addresses: 192.0.2.0/24$", "ip");
	describes("{\"type\":\"service\",\"whitelist\":[\"ozw-onezone\",\"opw-hpc1\",\"opw-*\",\"opw-zz\"]}",
		  "^only at these services: Onezone, Oneprovider HPC Centre, any Oneprovider, opw-zz$", "services");
	describes("{\"type\":\"geo.country\",\"filter\":\"blacklist\",\"list\":[\"PL\",\"DE\"]}",
		  "^not from these countries: PL, DE$", "a country blacklist");
	describes("{\"type\":\"asn\",\"whitelist\":[631]}", "AS numbers\\): 631$", "asn");
	describes("{\"type\":\"frobnicate\"}", "does not know: 'frobnicate'", "an unknown kind");
	describes("{\"nothing\":1}", "no known kind", "no type at all");
}

static void
test_risks(void)
{
	cJSON *none = cJSON_Parse("[]");
	cJSON *timed = cJSON_Parse("[{\"type\":\"time\",\"validUntil\":1765604800}]");
	cJSON *past = cJSON_Parse("[{\"type\":\"time\",\"validUntil\":1},{\"type\":\"time\",\"validUntil\":1765604800}]");
	cJSON *ip = cJSON_Parse("[{\"type\":\"ip\",\"whitelist\":[\"192.0.2.0/24\"]}]");

	cmp_ok(od_token_risks(none, false, false, NOW), "==", OD_RISK_NO_CAVEATS | OD_RISK_NO_EXPIRY,
	       "no caveats: both warnings");
	cmp_ok(od_token_risks(timed, false, false, NOW), "==", 0, "a token that expires: no warning");
	cmp_ok(od_caveats_valid_until(past), "==", 1, "the earliest time caveat counts");
	cmp_ok(od_token_risks(past, false, false, NOW), "==", OD_RISK_EXPIRED, "expired");
	cmp_ok(od_token_risks(ip, false, false, NOW), "==", OD_RISK_NO_EXPIRY | OD_RISK_IP_PROXY,
	       "an ip caveat: the proxy pitfall");
	cmp_ok(od_token_risks(timed, true, true, NOW), "==", OD_RISK_UNLIMITED, "an unlimited invitation");
	cmp_ok(od_token_risks(timed, true, false, NOW), "==", 0, "a limited invitation");
	cmp_ok(od_token_risks(none, true, false, NOW), "==", OD_RISK_NO_EXPIRY,
	       "an invitation without caveats does not act as its creator: only the expiry warning");
	ok(od_caveats_have(ip, "ip") && !od_caveats_have(ip, "time"), "od_caveats_have");
	ok(strstr(od_token_risk_text(OD_RISK_IP_PROXY), "proxies") != NULL, "the proxy warning says why");
	cJSON_Delete(none);
	cJSON_Delete(timed);
	cJSON_Delete(past);
	cJSON_Delete(ip);
}

static void
test_base64(void)
{
	static const struct {
		const char *plain, *coded;
	} cases[] = { { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg==" } };
	static const char *const bad[] = { "Zg=", "Z===", "Zm9v!", "=Zg=", "Zg==Zg==", "Zm 9" };
	struct od_buf b;

	od_buf_init(&b, 100);
	for (size_t i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		od_buf_reset(&b);
		ok(od_buf_add_base64(&b, cases[i].plain, strlen(cases[i].plain)) == 0 &&
			   strcmp(od_buf_str(&b), cases[i].coded) == 0,
		   "base64 '%s'", cases[i].plain);
		od_buf_reset(&b);
		ok(od_buf_add_unbase64(&b, cases[i].coded) == 0 && strcmp(od_buf_str(&b), cases[i].plain) == 0,
		   "decode '%s'", cases[i].coded);
	}
	for (size_t i = 0; i < OD_ARRAY_SIZE(bad); i++) {
		od_buf_reset(&b);
		ok(od_buf_add_unbase64(&b, bad[i]) == -EINVAL && b.len == 0, "refused: '%s'", bad[i]);
	}
	od_buf_done(&b);
}

int
main(void)
{
	test_build();
	test_expiry();
	test_describe();
	test_risks();
	test_base64();
	return done_testing();
}
