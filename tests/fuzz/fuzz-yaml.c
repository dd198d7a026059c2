/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-yaml.c: od_yaml_to_json, and the sidecar reading that uses it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "onetui/ingest-prep.h"
#include "onetui/yaml.h"

#include "fuzz.h"

/* An error: one line that says where. */
static void
check_error(const struct od_error *err)
{
	FUZZ_CHECK(err->kind == OD_ERR_INPUT || err->kind == OD_ERR_INTERNAL);
	FUZZ_CHECK(err->message && *err->message);
	FUZZ_CHECK(strchr(err->message, '\n') == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct od_error *err;
	cJSON *doc = NULL, *back;
	char *json = NULL;

	if ((err = od_yaml_to_json(text, size, &doc))) {
		FUZZ_CHECK(doc == NULL);
		check_error(err);
		od_error_free(err);
	} else {
		/* What it gives prints as JSON that reads back the same. */
		json = cJSON_PrintUnformatted(doc);
		FUZZ_CHECK(json != NULL);
		FUZZ_CHECK(fuzz_valid_utf8(json, strlen(json)));
		back = cJSON_Parse(json);
		FUZZ_CHECK(back != NULL);
		cJSON_Delete(back);
		cJSON_free(json);
		json = NULL;
		cJSON_Delete(doc);
	}
	/* As a sidecar: a JSON object's text, or an error naming the file. */
	if ((err = od_ingest_sidecar_read("session.yaml", text, size, &json))) {
		FUZZ_CHECK(json == NULL);
		check_error(err);
		FUZZ_CHECK(strncmp(err->message, "session.yaml", 12) == 0);
		od_error_free(err);
	} else {
		FUZZ_CHECK(json != NULL);
		back = cJSON_Parse(json);
		FUZZ_CHECK(cJSON_IsObject(back));
		cJSON_Delete(back);
		free(json);
	}
	return 0;
}
