/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest-opts.c: a session's options as its journal records them.
 *
 * Every run of a session adds an {"opts": {...}} record, so that it can
 * be taken up later the same way by whoever did not start it (the Ingest
 * view taking up a watch run from a shell, or the other way round): the
 * globs as the watch used them (the temporary files' included), its
 * times, how it ends, whether versions are kept, and the protection to
 * set once it ends. The last record wins. */
#include "config.h"

#include "onetui/ingest.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/attrs.h"
#include "onetui/json.h"
#include "onetui/str.h"
#include "core-int.h"

static const char *const mode_names[] = {
	[OD_WATCH_AUTO] = "auto",
	[OD_WATCH_INOTIFY] = "inotify",
	[OD_WATCH_POLL] = "poll",
};

static bool
add_globs(cJSON *o, const char *key, const char *const *v, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);

	for (size_t i = 0; a && i < n; i++)
		if (!cJSON_AddItemToArray(a, cJSON_CreateString(v[i])))
			return false;
	return a != NULL;
}

cJSON *
od_ingest_opts_record(const struct od_ingest_opts *o)
{
	const struct od_watch_opts *w = &o->watch;
	cJSON *rec = cJSON_CreateObject(), *j = cJSON_AddObjectToObject(rec, "opts");

	if (j && add_globs(j, "include", w->include, w->n_include) && add_globs(j, "exclude", w->exclude, w->n_exclude) &&
	    cJSON_AddStringToObject(j, "mode", mode_names[w->mode]) &&
	    cJSON_AddNumberToObject(j, "stableMs", (double)w->stable_ms) &&
	    cJSON_AddNumberToObject(j, "pollMs", (double)w->poll_ms) && cJSON_AddBoolToObject(j, "once", o->once) &&
	    (!o->end_marker || cJSON_AddStringToObject(j, "endMarker", o->end_marker)) &&
	    cJSON_AddNumberToObject(j, "idleEndMs", (double)o->idle_end_ms) &&
	    cJSON_AddBoolToObject(j, "versions", o->keep_versions) &&
	    cJSON_AddBoolToObject(j, "protectData", o->protect & OD_PROTECT_DATA) &&
	    cJSON_AddBoolToObject(j, "protectMetadata", o->protect & OD_PROTECT_METADATA))
		return rec;
	cJSON_Delete(rec);
	return NULL;
}

/* The strings of a JSON array of strings (others skipped); -1 when out
 * of memory. */
static int
get_globs(const cJSON *j, const char *key, const char *const **out, size_t *n)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, key), *item;
	char **v = calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*v));

	*n = 0;
	*out = (const char *const *)v;
	if (!v)
		return -1;
	cJSON_ArrayForEach(item, a)
		if (cJSON_IsString(item) && !(v[(*n)++] = strdup(item->valuestring)))
			return -1;
	return 0;
}

static int64_t
get_ms(const cJSON *j, const char *key)
{
	int64_t v = 0;

	return od_json_is_integer(cJSON_GetObjectItemCaseSensitive(j, key), &v) && v >= -1 ? v : 0;
}

void
od_ingest_opts_clear(struct od_ingest_opts *o)
{
	for (size_t i = 0; o->watch.include && i < o->watch.n_include; i++)
		free((char *)o->watch.include[i]);
	for (size_t i = 0; o->watch.exclude && i < o->watch.n_exclude; i++)
		free((char *)o->watch.exclude[i]);
	free((void *)o->watch.include);
	free((void *)o->watch.exclude);
	free((char *)o->end_marker);
	memset(o, 0, sizeof(*o));
}

int
od_ingest_opts_read(const cJSON *rec, struct od_ingest_opts *o)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(rec, "opts");
	const char *mode = od_json_get_str(j, "mode"), *marker = od_json_get_str(j, "endMarker");

	od_ingest_opts_clear(o);
	if (get_globs(j, "include", &o->watch.include, &o->watch.n_include) ||
	    get_globs(j, "exclude", &o->watch.exclude, &o->watch.n_exclude) ||
	    (marker && *marker && !strchr(marker, '/') && !(o->end_marker = strdup(marker)))) {
		od_ingest_opts_clear(o);
		return -1;
	}
	for (size_t m = 0; mode && m < OD_ARRAY_SIZE(mode_names); m++)
		if (strcmp(mode, mode_names[m]) == 0)
			o->watch.mode = (enum od_watch_mode)m;
	o->watch.stable_ms = (long)get_ms(j, "stableMs");
	o->watch.poll_ms = (long)get_ms(j, "pollMs");
	o->idle_end_ms = get_ms(j, "idleEndMs");
	o->once = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "once"));
	o->keep_versions = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "versions"));
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "protectData")))
		o->protect = OD_PROTECT_DATA |
			     (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "protectMetadata")) ? OD_PROTECT_METADATA : 0);
	return 0;
}
