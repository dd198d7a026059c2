/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-url.c: zone URLs from the user and provider domains from the zone. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/str.h"
#include "onetui/url.h"

#include "fuzz.h"

/* An accepted origin: http(s)://, then no white space or controls. */
static void
check_origin(const char *origin)
{
	FUZZ_CHECK(origin != NULL);
	FUZZ_CHECK(od_str_starts(origin, "https://") || od_str_starts(origin, "http://"));
	for (const unsigned char *p = (const unsigned char *)origin; *p; p++)
		FUZZ_CHECK(*p > 0x20 && *p != 0x7f);
}

static void
check_err(struct od_error *err, char *out)
{
	FUZZ_CHECK(err->message != NULL);
	FUZZ_CHECK(out == NULL);
	od_error_free(err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = od_strndup((const char *)data, size), *out = NULL, *again = NULL;
	char *scheme = NULL, *host = NULL;
	struct od_error *err;
	struct od_buf b;
	int port = 0;

	FUZZ_CHECK(in != NULL);

	/* A zone as the user gives it; normalising is idempotent. */
	if ((err = od_url_normalize_origin(in, &out))) {
		check_err(err, out);
	} else {
		check_origin(out);
		FUZZ_CHECK(strchr(strstr(out, "://") + 3, '/') == NULL);
		err = od_url_normalize_origin(out, &again);
		FUZZ_CHECK(err == NULL);
		FUZZ_CHECK(strcmp(out, again) == 0);
		free(again);
		err = od_url_origin(out, &scheme, &host, &port);
		FUZZ_CHECK(err == NULL);
		FUZZ_CHECK(port >= 1 && port <= 65535);
		FUZZ_CHECK(strcmp(scheme, "https") == 0 || od_host_is_loopback(host));
		free(scheme);
		free(host);
		free(out);
	}

	/* A provider domain from the zone, with the zone's scheme. */
	if ((err = od_url_provider_origin("https", in, &out))) {
		check_err(err, out);
	} else {
		check_origin(out);
		FUZZ_CHECK(od_str_starts(out, "https://"));
		free(out);
	}
	if ((err = od_url_provider_origin("http", in, &out))) {
		check_err(err, out);
	} else {
		check_origin(out);
		FUZZ_CHECK(od_str_starts(out, "http://"));
		free(out);
	}

	/* Any URL at all. */
	if ((err = od_url_origin(in, &scheme, &host, &port))) {
		FUZZ_CHECK(err->message != NULL && !scheme && !host);
		od_error_free(err);
	} else {
		FUZZ_CHECK(scheme && host && port >= 1 && port <= 65535);
		free(scheme);
		free(host);
	}
	(void)od_host_is_loopback(in);

	/* Percent-encoding leaves only unreserved characters, '%' and '/'. */
	od_buf_init(&b, OD_BUF_UNLIMITED);
	FUZZ_CHECK(od_url_escape(&b, in) == 0);
	FUZZ_CHECK(strspn(od_buf_str(&b), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				"0123456789-._~%") == b.len);
	od_buf_reset(&b);
	FUZZ_CHECK(od_url_escape_path(&b, in) == 0);
	FUZZ_CHECK(strspn(od_buf_str(&b), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				"0123456789-._~%/") == b.len);
	FUZZ_CHECK(!strstr(od_buf_str(&b), "//") && od_buf_str(&b)[0] != '/');
	od_buf_done(&b);

	free(in);
	return 0;
}
