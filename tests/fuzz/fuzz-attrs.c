/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-attrs.c: a directory listing page through od_attrs_parse. */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/attrs.h"
#include "onetui/json.h"
#include "onetui/str.h"

#include "fuzz.h"

static const char what[] = "the fuzzed directory listing";

/* What the front ends ask for, all of it, nothing, and a few others. */
static const unsigned masks[] = {
	OD_ATTR_ALL,
	OD_ATTRS_LISTING,
	0,
	OD_ATTR_FILE_ID | OD_ATTR_NAME,
	OD_ATTR_FILE_ID | OD_ATTR_NAME | OD_ATTR_TYPE | OD_ATTR_SIZE,
	OD_ATTR_PATH | OD_ATTR_PARENT | OD_ATTR_OWNER | OD_ATTR_PROVIDER,
	OD_ATTR_ATIME | OD_ATTR_CTIME | OD_ATTR_CREATED | OD_ATTR_HARDLINKS | OD_ATTR_SHARES,
};

static bool
nonempty(const char *s)
{
	return s && *s;
}

/* What od_attrs_parse promises about an entry it accepted, and what the
 * front ends then do with it. */
static void
check_attrs(const struct od_attrs *a, unsigned requested)
{
	char size[OD_SIZE_BUFSZ], when[OD_TIME_BUFSZ], mode[11];
	const cJSON *id;

	FUZZ_CHECK((a->have & requested) == requested);
	FUZZ_CHECK((a->have & ~OD_ATTR_ALL) == 0);
	FUZZ_CHECK(!(a->have & OD_ATTR_FILE_ID) || nonempty(a->file_id));
	FUZZ_CHECK(!(a->have & OD_ATTR_NAME) || nonempty(a->name));
	FUZZ_CHECK(!(a->have & OD_ATTR_PATH) || nonempty(a->path));
	FUZZ_CHECK(!(a->have & OD_ATTR_OWNER) || nonempty(a->owner_id));
	FUZZ_CHECK(!(a->have & OD_ATTR_PROVIDER) || nonempty(a->provider_id));
	FUZZ_CHECK(!a->parent_id || *a->parent_id);
	FUZZ_CHECK(a->type == OD_FILE_REG || a->type == OD_FILE_DIR || a->type == OD_FILE_SYMLNK);
	FUZZ_CHECK(a->size >= -1);
	FUZZ_CHECK(a->mode <= 07777);
	FUZZ_CHECK(a->atime >= 0 && a->mtime >= 0 && a->ctime >= 0 && a->created >= 0);
	FUZZ_CHECK(a->hardlinks >= 0);
	FUZZ_CHECK(!(a->have & OD_ATTR_SHARES) == !a->shares);
	cJSON_ArrayForEach(id, a->shares)
		FUZZ_CHECK(cJSON_IsString(id));

	(void)od_file_type_name(a->type);
	(void)od_mode_string(od_file_type_char(a->type), a->mode, mode);
	FUZZ_CHECK(strlen(mode) == 10);
	FUZZ_CHECK(strlen(od_size_human(a->size, size)) < OD_SIZE_BUFSZ);
	FUZZ_CHECK(strlen(od_time_iso(a->mtime, when)) < OD_TIME_BUFSZ);
	FUZZ_CHECK(strlen(od_time_iso(a->created, when)) < OD_TIME_BUFSZ);
}

static void
check_page(const cJSON *root)
{
	const cJSON *children = NULL, *e;
	const char *token = NULL;
	struct od_error *err;
	struct od_attrs a;
	bool last;

	/* As list_reply in provider.c reads a page. */
	if ((err = od_json_array(root, "children", what, &children))) {
		FUZZ_CHECK(err->message != NULL);
		od_error_free(err);
		return;
	}
	od_error_free(od_json_bool(root, "isLast", what, &last));
	od_error_free(od_json_str_opt(root, "nextPageToken", what, &token, NULL));
	cJSON_ArrayForEach(e, children) {
		for (size_t i = 0; i < OD_ARRAY_SIZE(masks); i++) {
			err = od_attrs_parse(e, masks[i], what, &a);
			if (err) {
				FUZZ_CHECK(err->message != NULL);
				od_error_free(err);
			} else {
				check_attrs(&a, masks[i]);
			}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct od_json_arena *arena;
	cJSON *root = NULL;
	struct od_error *err;

	/* The ordinary parse, then the arena the listing code uses. */
	err = od_json_parse_object((const char *)data, size, what, &root);
	if (err) {
		FUZZ_CHECK(root == NULL && err->message != NULL);
		od_error_free(err);
		return 0;
	}
	check_page(root);
	cJSON_Delete(root);

	if (!arena)
		arena = od_json_arena_new();
	FUZZ_CHECK(arena != NULL);
	err = od_json_parse_object_in(arena, (const char *)data, size, what, &root);
	FUZZ_CHECK(err == NULL);
	check_page(root);
	return 0;
}
