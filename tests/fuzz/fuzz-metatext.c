/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-metatext.c: the checks of metadata a person writes (JSON with its
 * place of error, RDF as XML, xattrs), the merge of JSON documents, and
 * the text an editor starts with. The first byte picks the kind. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/jsonfmt.h"
#include "onetui/metatext.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum od_meta_kind kind;
	struct od_text_pos pos;
	struct od_error *err;
	char *text, *start;

	if (size == 0)
		return 0;
	kind = (enum od_meta_kind)(data[0] % 3);
	text = malloc(size);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	err = od_meta_check(kind, text, size - 1, &pos);
	/* A mistake has a place within the text (or just after its end). */
	FUZZ_CHECK(!err || (pos.line >= 0 && pos.col >= 0 && err->message && *err->message));
	FUZZ_CHECK(!err || pos.line <= (int)size + 1);
	if (!err && kind != OD_META_RDF) {
		cJSON *doc = cJSON_ParseWithLength(text, size - 1), *merged = NULL;
		char *again;
		FUZZ_CHECK(doc != NULL);
		/* A document merged onto nothing, printed and checked again, is
		 * still good and says the same. */
		FUZZ_CHECK(od_json_merge_patch(&merged, doc) == 0);
		again = od_json_text(doc, 2);
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK(od_meta_same(OD_META_JSON, text, size - 1, again, strlen(again)));
		free(again);
		cJSON_Delete(merged);
		cJSON_Delete(doc);
	}
	od_error_free(err);
	start = od_meta_editable(kind, size > 1 ? text : NULL, size - 1);
	FUZZ_CHECK(start != NULL);
	free(start);
	free(text);
	return 0;
}
