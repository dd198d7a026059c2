/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-provider.c: path splitting and the early look at a listing's page
 * token, with the inputs a hostile or broken server could send. */
#include "config.h"

/* Internals of the core, visible in its unit-test build. */
#define OD_UNITTEST 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core-int.h"
#include "onetui/str.h"
#include "tap.h"

static void
split(const char *path, const char *want)
{
	char **segs = NULL;
	size_t n = 0;
	struct od_error *err = od_path_split(path, &segs, &n);
	char joined[512] = "";

	if (err) {
		snprintf(joined, sizeof(joined), "error: %s", err->message);
		od_error_free(err);
	} else {
		for (size_t i = 0; i < n; i++) {
			strncat(joined, "|", sizeof(joined) - strlen(joined) - 1);
			strncat(joined, segs[i], sizeof(joined) - strlen(joined) - 1);
			free(segs[i]);
		}
		free(segs);
	}
	if (want[0] == '!')
		like(joined, want + 1, "split '%s' fails as expected", path);
	else
		is(joined, want, "split '%s'", path);
}

static void
peek(const char *body, const char *want, const char *name)
{
	char *got = od_peek_page_token(body, strlen(body));

	is(got, want, "%s", name);
	free(got);
}

int
main(void)
{
	split("", "");
	split("/", "");
	split("a/b/c", "|a|b|c");
	split("/a//b/", "|a|b");
	split("./a/./b", "|a|b");
	split("a/../b", "|b");
	split("a/b/../../c", "|c");
	split("Probe Müller (Ø 3 mm)/試料", "|Probe Müller (Ø 3 mm)|試料");
	split("..", "!goes above the space root");
	split("a/../../b", "!goes above the space root");
	split("...", "|...");

	peek("{\"children\":[],\"isLast\":false,\"nextPageToken\":\"abc123\"}", "abc123", "compact reply");
	peek("{\"children\": [], \"isLast\": false, \"nextPageToken\": \"abc123\"}", "abc123",
	     "reply with spaces");
	peek("{\"children\":[],\"isLast\":true,\"nextPageToken\":null}", NULL, "last page: null token");
	peek("{\"children\":[],\"isLast\":true}", NULL, "no token at all");
	peek("{\"children\":[{\"name\":\"x\\\"nextPageToken\\\":\\\"evil\"}],\"isLast\":true,"
	     "\"nextPageToken\":null}", NULL, "a name spelling the key is not taken for it");
	peek("{\"children\":[{\"name\":\"nextPageToken\"}],\"isLast\":true,\"nextPageToken\":null}",
	     NULL, "a name equal to the key is not taken for it");
	peek("{\"nextPageToken\":\"a\\\\b\"}", NULL, "a token with escapes is left to the parser");
	peek("{\"nextPageToken\":\"\"}", NULL, "an empty token is none");
	peek("{\"nextPageToken\":\"abc", NULL, "a cut-off token is none");
	peek("{\"nextPageToken\":", NULL, "a cut-off reply is none");
	peek("{\"nextPageToken\":\"old\",\"nextPageToken\":\"new\"}", "new",
	     "a repeated key: the last one (the parse then compares)");
	return done_testing();
}
