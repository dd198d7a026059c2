/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-error.c: od_error_from_response on any status and body. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/error.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct od_error *err;
	int status;

	if (size < 2)
		return 0;
	/* The first two bytes pick the status, 100..599; the rest is the body. */
	status = 100 + (int)(((unsigned)data[0] << 8 | data[1]) % 500);
	err = od_error_from_response(status, (const char *)data + 2, size - 2);
	FUZZ_CHECK(err != NULL);
	FUZZ_CHECK(err->message != NULL);
	FUZZ_CHECK(err->status == status);
	FUZZ_CHECK(err->kind == OD_ERR_HTTP || err->kind == OD_ERR_ONEDATA || err->kind == OD_ERR_POSIX);
	FUZZ_CHECK(err->kind == OD_ERR_HTTP || (err->id && *err->id));
	FUZZ_CHECK(strcmp(od_error_kind_name(err->kind), "unknown") != 0);
	(void)od_error_is_auth(err);
	(void)od_error_is(err, "posix");
	(void)od_error_id_message(err->id);
	(void)od_error_id_message(err->cause_id);
	od_error_prefix(err, "Cannot list %s", "/space/dir");
	FUZZ_CHECK(err->message != NULL && strncmp(err->message, "Cannot list /space/dir: ", 24) == 0);
	od_error_free(err);
	return 0;
}
