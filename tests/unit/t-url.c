/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-url.c: unit tests for percent-encoding and origin handling. */
#include "config.h"

#include "onetui/url.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/str.h"

#include "tap.h"

/* Escape through the given function into a fresh buffer; caller frees. */
static char *
esc(int (*fn)(struct od_buf *, const char *), const char *in, int *rc)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	*rc = fn(&b, in);
	return od_buf_steal(&b);
}

static void
test_escape(void)
{
	static const struct {
		const char *name, *in, *want;
	} cases[] = {
		{ "empty", "", "" },
		{ "unreserved kept", "AZaz09-._~", "AZaz09-._~" },
		{ "space", "a b", "a%20b" },
		{ "ampersand", "a&b", "a%26b" },
		{ "slash", "a/b", "a%2Fb" },
		{ "question mark", "a?b", "a%3Fb" },
		{ "hash", "a#b", "a%23b" },
		{ "percent", "100%", "100%25" },
		{ "plus and equals", "a+b=c", "a%2Bb%3Dc" },
		{ "colon and at", "u:p@h", "u%3Ap%40h" },
		{ "semicolon and comma", ";,", "%3B%2C" },
		{ "quotes and brackets", "\"'[]{}<>", "%22%27%5B%5D%7B%7D%3C%3E" },
		{ "backslash and pipe", "\\|^`", "%5C%7C%5E%60" },
		{ "dot segments stay readable", "..", ".." },
		{ "control characters", "\x01\n\x7f", "%01%0A%7F" },
		{ "e acute (UTF-8 bytes)", "\xc3\xa9", "%C3%A9" },
		{ "CJK (UTF-8 bytes)", "\xe8\xa9\xa6", "%E8%A9%A6" },
		{ "emoji (4 bytes)", "\xf0\x9f\x91\xa8", "%F0%9F%91%A8" },
		{ "invalid UTF-8 byte", "\xff", "%FF" },
		{ "Onedata file id", "000000000052D5E1677569642366696C65",
		  "000000000052D5E1677569642366696C65" },
		{ "base64-ish id", "Z3VpZCNhYmM=/+", "Z3VpZCNhYmM%3D%2F%2B" },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		int rc;
		char *got = esc(od_url_escape, cases[i].in, &rc);

		is(rc ? "(error)" : got, cases[i].want, "od_url_escape: %s", cases[i].name);
		free(got);
	}

	/* every byte: unreserved ones as they are, all others %XX upper case */
	{
		struct od_buf b;
		char in[2] = { 0, 0 }, want[4];
		int c, bad = 0;

		od_buf_init(&b, OD_BUF_UNLIMITED);
		for (c = 1; c < 256; c++) {
			bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';

			in[0] = (char)c;
			if (keep)
				snprintf(want, sizeof(want), "%c", c);
			else
				snprintf(want, sizeof(want), "%%%02X", c);
			od_buf_reset(&b);
			if (od_url_escape(&b, in) != 0 || strcmp(od_buf_str(&b), want) != 0) {
				if (bad++ < 5)
					diag("byte 0x%02x: got '%s', want '%s'", c, od_buf_str(&b), want);
			}
		}
		od_buf_done(&b);
		cmp_ok(bad, "==", 0, "od_url_escape: all bytes 0x01..0xff as RFC 3986 says");
	}

	/* appends after existing content; respects the cap */
	{
		struct od_buf b;
		int rc;

		od_buf_init(&b, OD_BUF_UNLIMITED);
		rc = od_buf_adds(&b, "/api/v3/oneprovider/data/");
		rc = rc ? rc : od_url_escape(&b, "a b");
		rc = rc ? rc : od_buf_adds(&b, "?attribute=");
		rc = rc ? rc : od_url_escape(&b, "x&y");
		is(rc ? "(error)" : od_buf_str(&b), "/api/v3/oneprovider/data/a%20b?attribute=x%26y",
		   "od_url_escape: appends to what is there");
		od_buf_done(&b);

		od_buf_init(&b, 5);
		rc = od_url_escape(&b, "ab c");
		cmp_ok(rc, "==", -E2BIG, "od_url_escape: cap reached is -E2BIG");
		od_buf_done(&b);
	}
}

static void
test_escape_path(void)
{
	static const struct {
		const char *name, *in, *want;
	} cases[] = {
		{ "empty", "", "" },
		{ "one segment", "file.txt", "file.txt" },
		{ "two segments", "dir/file.txt", "dir/file.txt" },
		{ "segments encoded", "my dir/a&b?.txt", "my%20dir/a%26b%3F.txt" },
		{ "leading slash dropped", "/dir/file", "dir/file" },
		{ "trailing slash dropped", "dir/", "dir" },
		{ "double slash collapsed", "a//b", "a/b" },
		{ "only slashes", "///", "" },
		{ "many empty segments", "//a///b//", "a/b" },
		{ "UTF-8 segments", "\xc3\xa9t\xc3\xa9/\xe8\xa9\xa6", "%C3%A9t%C3%A9/%E8%A9%A6" },
		{ "percent in a segment", "50%/x", "50%25/x" },
		{ "backslash is no separator", "a\\b/c", "a%5Cb/c" },
		{ "dot segments kept as they are", "a/../b", "a/../b" },
		{ "hash and question mark", "#/?", "%23/%3F" },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		int rc;
		char *got = esc(od_url_escape_path, cases[i].in, &rc);

		is(rc ? "(error)" : got, cases[i].want, "od_url_escape_path: %s", cases[i].name);
		free(got);
	}
	{
		struct od_buf b;
		int rc;

		od_buf_init(&b, 4);
		rc = od_url_escape_path(&b, "ab/cd");
		cmp_ok(rc, "==", -E2BIG, "od_url_escape_path: cap reached is -E2BIG");
		od_buf_done(&b);
	}
}

static void
test_origin(void)
{
	static const struct {
		const char *name, *url, *scheme, *host;
		int port;
	} good[] = {
		{ "https default port", "https://zone.example.org", "https", "zone.example.org", 443 },
		{ "https with path", "https://zone.example.org/api/v3/onezone/user", "https",
		  "zone.example.org", 443 },
		{ "http default port", "http://localhost/", "http", "localhost", 80 },
		{ "explicit port", "https://zone.example.org:8443/x", "https", "zone.example.org",
		  8443 },
		{ "explicit default port", "https://zone.example.org:443", "https",
		  "zone.example.org", 443 },
		{ "lower-cased", "HTTPS://Zone.Example.ORG:9443/Path", "https", "zone.example.org",
		  9443 },
		{ "IPv4 literal", "https://192.0.2.7:1234", "https", "192.0.2.7", 1234 },
		{ "IPv6 loopback", "https://[::1]:8443/", "https", "[::1]", 8443 },
		{ "IPv6 literal, default port", "https://[2001:db8::1]/", "https", "[2001:db8::1]",
		  443 },
		{ "query and fragment ignored", "https://h.example/p?q=1#f", "https", "h.example",
		  443 },
	};
	static const struct {
		const char *name, *url;
	} bad[] = {
		{ "empty", "" },
		{ "no scheme", "zone.example.org" },
		{ "garbage", "::::" },
		{ "no host", "https://" },
		{ "space in host", "https://zone example.org/" },
		{ "port out of range", "https://h.example:70000/" },
		{ "port not a number", "https://h.example:abc/" },
		{ "unclosed IPv6 bracket", "https://[::1/" },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(good); i++) {
		char *scheme = NULL, *host = NULL;
		int port = -1;
		struct od_error *err = od_url_origin(good[i].url, &scheme, &host, &port);

		ok(!err && od_str_eq(scheme, good[i].scheme) && od_str_eq(host, good[i].host) &&
		   port == good[i].port, "od_url_origin: %s", good[i].name);
		if (err)
			diag("error: %s", err->message);
		else if (!od_str_eq(scheme, good[i].scheme) || !od_str_eq(host, good[i].host) ||
			 port != good[i].port)
			diag("got %s / %s / %d", scheme, host, port);
		od_error_free(err);
		free(scheme);
		free(host);
	}
	for (i = 0; i < OD_ARRAY_SIZE(bad); i++) {
		char *scheme = (char *)"x", *host = (char *)"x";
		int port = -1;
		struct od_error *err = od_url_origin(bad[i].url, &scheme, &host, &port);

		ok(err && err->kind == OD_ERR_INPUT && scheme == NULL && host == NULL,
		   "od_url_origin: %s refused, outputs NULL", bad[i].name);
		if (err)
			like(err->message, "is not a valid URL", "od_url_origin: %s: message",
			     bad[i].name);
		else
			ok(0, "od_url_origin: %s: message", bad[i].name);
		od_error_free(err);
		if (!err) {
			free(scheme);
			free(host);
		}
	}
}

static void
test_loopback(void)
{
	static const struct {
		const char *host;
		bool want;
	} cases[] = {
		{ "127.0.0.1", true },
		{ "127.1.2.3", true },
		{ "127.255.255.254", true },
		{ "::1", true },
		{ "[::1]", true },
		{ "0:0:0:0:0:0:0:1", true },
		{ "[0:0:0:0:0:0:0:1]", true },
		{ "localhost", true },
		{ "LocalHost", true },
		{ "128.0.0.1", false },
		{ "126.255.255.255", false },
		{ "10.0.0.1", false },
		{ "0.0.0.0", false },
		{ "::", false },
		{ "::2", false },
		{ "[::2]", false },
		{ "[::1", false },
		{ "::1]", false },
		{ "[[::1]]", false },
		{ "localhost.example.org", false },
		{ "mylocalhost", false },
		{ "127.0.0.1.example.org", false },
		{ "zone.example.org", false },
		{ "", false },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++)
		ok(od_host_is_loopback(cases[i].host) == cases[i].want, "od_host_is_loopback(\"%s\") is %s",
		   cases[i].host, cases[i].want ? "true" : "false");
	ok(!od_host_is_loopback(NULL), "od_host_is_loopback(NULL) is false");
}

static void
test_normalize(void)
{
	static const struct {
		const char *name, *in, *want;
	} good[] = {
		{ "bare host", "zone.example.org", "https://zone.example.org" },
		{ "host and port", "zone.example.org:8443", "https://zone.example.org:8443" },
		{ "https URL with slash", "https://zone.example.org/", "https://zone.example.org" },
		{ "https URL without slash", "https://zone.example.org", "https://zone.example.org" },
		{ "https URL with port", "https://zone.example.org:9443/",
		  "https://zone.example.org:9443" },
		{ "upper-case scheme and host", "HTTPS://Zone.Example.ORG",
		  "https://zone.example.org" },
		{ "host with trailing slash", "zone.example.org/", "https://zone.example.org" },
		{ "IPv4 address", "192.0.2.10", "https://192.0.2.10" },
		{ "IPv6 literal with port", "[2001:db8::2]:8443", "https://[2001:db8::2]:8443" },
		{ "http on localhost", "http://localhost:8080", "http://localhost:8080" },
		{ "http on 127.0.0.1", "http://127.0.0.1:9000/", "http://127.0.0.1:9000" },
		{ "http on [::1]", "http://[::1]:9000", "http://[::1]:9000" },
	};
	static const struct {
		const char *name, *in, *re;
	} bad[] = {
		{ "empty", "", "no zone given" },
		{ "path", "https://zone.example.org/api", "just a host name" },
		{ "path without scheme", "zone.example.org/api/v3", "just a host name" },
		{ "query", "https://zone.example.org/?x=1", "just a host name" },
		{ "fragment", "https://zone.example.org/#top", "just a host name" },
		{ "user info", "https://user@zone.example.org", "just a host name" },
		{ "user and password", "user:secret@zone.example.org", "just a host name" },
		{ "ftp", "ftp://zone.example.org", "scheme ftp; only https is supported" },
		{ "file", "file:///etc/passwd", "" },
		{ "plain http to a remote host", "http://zone.example.org",
		  "plain http.*token.*loopback" },
		{ "plain http to a private address", "http://10.0.0.1", "plain http" },
		{ "http to localhost lookalike", "http://localhost.evil.example", "plain http" },
		{ "garbage", "::::", "is not a valid host or URL" },
		{ "space in host", "zone example.org", "is not a valid host or URL" },
		{ "bad port", "zone.example.org:99999", "is not a valid host or URL" },
	};
	size_t i;
	char *out;
	struct od_error *err;

	for (i = 0; i < OD_ARRAY_SIZE(good); i++) {
		out = NULL;
		err = od_url_normalize_origin(good[i].in, &out);
		if (!is(err ? err->message : out, good[i].want, "od_url_normalize_origin: %s",
			good[i].name) && strpbrk(good[i].in, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
			diag("BUG (url.c bare_origin): the host is not lower-cased, unlike "
			     "od_url_origin; origins that differ only in case compare unequal");
		od_error_free(err);
		free(out);
	}
	for (i = 0; i < OD_ARRAY_SIZE(bad); i++) {
		out = (char *)"x";
		err = od_url_normalize_origin(bad[i].in, &out);
		ok(err && err->kind == OD_ERR_INPUT && out == NULL,
		   "od_url_normalize_origin: %s refused, *out NULL", bad[i].name);
		if (err && *bad[i].re)
			like(err->message, bad[i].re, "od_url_normalize_origin: %s: message",
			     bad[i].name);
		else if (*bad[i].re)
			ok(0, "od_url_normalize_origin: %s: message", bad[i].name);
		if (err && *bad[i].in)
			ok(strstr(err->message, bad[i].in) != NULL,
			   "od_url_normalize_origin: %s: message quotes the input", bad[i].name);
		else if (*bad[i].in)
			ok(0, "od_url_normalize_origin: %s: message quotes the input", bad[i].name);
		od_error_free(err);
		if (!err)
			free(out);
	}
	out = (char *)"x";
	err = od_url_normalize_origin(NULL, &out);
	ok(err && out == NULL, "od_url_normalize_origin(NULL) refused");
	od_error_free(err);
}

static void
test_provider_origin(void)
{
	static const struct {
		const char *name, *scheme, *domain, *want;
	} good[] = {
		{ "host", "https", "provider.example.org", "https://provider.example.org" },
		{ "host and port", "https", "provider.example.org:8443",
		  "https://provider.example.org:8443" },
		{ "upper case lowered", "https", "Provider.Example.ORG",
		  "https://provider.example.org" },
		{ "IPv4", "https", "192.0.2.5", "https://192.0.2.5" },
		{ "IPv6 with port", "https", "[2001:db8::5]:443", "https://[2001:db8::5]:443" },
		{ "http zone, loopback provider", "http", "127.0.0.1:9443", "http://127.0.0.1:9443" },
	};
	static const struct {
		const char *name, *scheme, *domain;
	} bad[] = {
		{ "empty", "https", "" },
		{ "path", "https", "provider.example.org/evil" },
		{ "slash only", "https", "provider.example.org/" },
		{ "user info", "https", "user@provider.example.org" },
		{ "space", "https", "provider example.org" },
		{ "trailing space", "https", "provider.example.org " },
		{ "newline", "https", "provider.example.org\n" },
		{ "escape character", "https", "provider\x1b[31m.example.org" },
		{ "NUL-free control DEL", "https", "provider\x7f.example.org" },
		{ "query", "https", "provider.example.org?x" },
		{ "fragment", "https", "provider.example.org#x" },
		{ "percent", "https", "provider%2eexample.org" },
		{ "scheme inside", "https", "https://provider.example.org" },
		{ "UTF-8", "https", "pr\xc3\xb6vider.example.org" },
		{ "backslash", "https", "provider.example.org\\x" },
		{ "http zone, remote provider", "http", "provider.example.org" },
		{ "bad port", "https", "provider.example.org:99999" },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(good); i++) {
		char *out = NULL;
		struct od_error *err = od_url_provider_origin(good[i].scheme, good[i].domain, &out);

		if (!is(err ? err->message : out, good[i].want, "od_url_provider_origin: %s",
			good[i].name) && strpbrk(good[i].domain, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
			diag("BUG (url.c bare_origin): the host is not lower-cased, unlike "
			     "od_url_origin; origins that differ only in case compare unequal");
		od_error_free(err);
		free(out);
	}
	for (i = 0; i < OD_ARRAY_SIZE(bad); i++) {
		char *out = (char *)"x";
		struct od_error *err = od_url_provider_origin(bad[i].scheme, bad[i].domain, &out);

		ok(err && err->kind == OD_ERR_INPUT && out == NULL,
		   "od_url_provider_origin: %s refused", bad[i].name);
		if (err)
			ok(err->message && !strpbrk(err->message, "\x1b\n\x7f"),
			   "od_url_provider_origin: %s: no control characters in the message",
			   bad[i].name);
		else
			ok(0, "od_url_provider_origin: %s: no control characters in the message",
			   bad[i].name);
		od_error_free(err);
		if (!err)
			free(out);
	}
	{
		char *out = (char *)"x";
		struct od_error *err = od_url_provider_origin("https", NULL, &out);

		ok(err && out == NULL, "od_url_provider_origin: NULL domain refused");
		od_error_free(err);
	}
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	test_escape();
	test_escape_path();
	test_origin();
	test_loopback();
	test_normalize();
	test_provider_origin();
	curl_global_cleanup();
	return done_testing();
}
