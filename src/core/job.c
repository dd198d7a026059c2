/* SPDX-License-Identifier: GPL-3.0-or-later */
/* job.c: job headers and what journals say about their jobs. */
#include "config.h"

#include "onetui/job.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "onetui/i18n.h"
#include "onetui/journal.h"
#include "onetui/json.h"

static cJSON *
opts_json(const struct od_job_opts *o)
{
	cJSON *j = cJSON_CreateObject();

	if (!j || !cJSON_AddNumberToObject(j, "jobs", o->dl.jobs) ||
	    !cJSON_AddNumberToObject(j, "streams", o->dl.streams) ||
	    !cJSON_AddNumberToObject(j, "maxSpeed", (double)o->dl.max_speed) ||
	    !cJSON_AddBoolToObject(j, "overwrite", o->dl.overwrite) ||
	    !cJSON_AddBoolToObject(j, "mapNames", o->dl.map_names) ||
	    !cJSON_AddBoolToObject(j, "verify", o->dl.verify) ||
	    !cJSON_AddItemToObject(j, "manifest", o->manifest ? cJSON_CreateString(o->manifest) : cJSON_CreateNull()) ||
	    !cJSON_AddStringToObject(j, "dest", o->dest ? o->dest : "") ||
	    !cJSON_AddBoolToObject(j, "public", o->public_only)) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

static bool
json_uint(const cJSON *obj, const char *key, uint64_t max, uint64_t *out)
{
	int64_t v;

	if (!od_json_is_integer(cJSON_GetObjectItemCaseSensitive(obj, key), &v) || v < 0 || (uint64_t)v > max)
		return false;
	*out = (uint64_t)v;
	return true;
}

static bool
opts_parse(const cJSON *j, struct od_job_opts *o)
{
	const cJSON *man = cJSON_GetObjectItemCaseSensitive(j, "manifest");
	const cJSON *dest = cJSON_GetObjectItemCaseSensitive(j, "dest");
	uint64_t jobs, streams, speed;

	memset(o, 0, sizeof(*o));
	if (!json_uint(j, "jobs", 256, &jobs) || !json_uint(j, "streams", 16, &streams) ||
	    !json_uint(j, "maxSpeed", UINT64_MAX / 2, &speed) || !cJSON_IsString(dest) ||
	    !(cJSON_IsNull(man) || cJSON_IsString(man)))
		return false;
	o->dl.jobs = (unsigned)jobs;
	o->dl.streams = (unsigned)streams;
	o->dl.max_speed = speed;
	o->dl.overwrite = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "overwrite"));
	o->dl.map_names = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "mapNames"));
	o->dl.verify = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "verify"));
	o->public_only = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "public"));
	o->manifest = cJSON_IsString(man) ? man->valuestring : NULL;
	o->dl.hash = o->manifest != NULL;
	o->dest = dest->valuestring;
	return true;
}

struct od_error *
od_job_create(const char *kind, const char *zone, cJSON *sources, const struct od_job_opts *o, char **path)
{
	cJSON *header = cJSON_CreateObject(), *opts = opts_json(o);
	struct od_journal *j = NULL;
	struct od_error *err = NULL;
	char *dir = NULL, *id = od_journal_new_id();

	*path = NULL;
	if (!header || !opts || !id || !cJSON_AddItemToObject(header, "sources", sources)) {
		cJSON_Delete(sources);
		err = od_error_nomem();
	} else if (!cJSON_AddStringToObject(header, "onetui", "transfer") ||
		   !cJSON_AddNumberToObject(header, "version", 1) || !cJSON_AddStringToObject(header, "id", id) ||
		   !cJSON_AddStringToObject(header, "kind", kind) ||
		   !cJSON_AddNumberToObject(header, "created", (double)time(NULL)) ||
		   !cJSON_AddStringToObject(header, "zone", zone) || !cJSON_AddItemToObject(header, "options", opts)) {
		err = od_error_nomem();
	} else {
		opts = NULL;
		if (!(err = od_journal_dir(&dir)) && !(err = od_journal_create(dir, id, header, &j))) {
			od_journal_close(j);
			if (!(*path = od_journal_path(dir, id)))
				err = od_error_nomem();
		}
	}
	cJSON_Delete(opts);
	cJSON_Delete(header);
	free(dir);
	free(id);
	return err;
}

/* --- reading journals ------------------------------------------------------------- */

static int
scan_record(const cJSON *rec, void *ud)
{
	struct od_job_info *ji = ud;
	const cJSON *state = cJSON_GetObjectItemCaseSensitive(rec, "state");
	const cJSON *part = cJSON_GetObjectItemCaseSensitive(rec, "part");

	if (ji->n++ == 0)
		return (ji->header = cJSON_Duplicate(rec, true)) ? 0 : 1;
	if (cJSON_GetObjectItemCaseSensitive(rec, "done"))
		ji->done++;
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rec, "failed")))
		ji->failed++;
	if (cJSON_IsString(part) && od_strset_add(&ji->parts, part->valuestring) < 0)
		return 1;
	if (cJSON_IsString(state))
		snprintf(ji->last_state, sizeof(ji->last_state), "%s", state->valuestring);
	return 0;
}

/* Whether another process holds the job. */
static bool
held(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool busy = false;

	if (fd < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		busy = errno == EWOULDBLOCK;
	close(fd);
	return busy;
}

struct od_error *
od_job_load(const char *dir, const char *id, struct od_job_info *ji)
{
	struct od_error *err;

	memset(ji, 0, sizeof(*ji));
	od_strset_init(&ji->parts);
	if (!(ji->id = strdup(id)) || !(ji->path = od_journal_path(dir, id)))
		return od_error_nomem();
	if ((err = od_journal_read(ji->path, scan_record, ji, &ji->damaged)))
		return err;
	if (!ji->header)
		return od_error_new(OD_ERR_INPUT, _("the journal of job %s is empty"), id);
	ji->kind = od_json_get_str(ji->header, "kind");
	ji->zone = od_json_get_str(ji->header, "zone");
	ji->sources = cJSON_GetObjectItemCaseSensitive(ji->header, "sources");
	if (!ji->kind || (strcmp(ji->kind, "download") != 0 && strcmp(ji->kind, "upload") != 0) || !ji->zone ||
	    !cJSON_IsArray(ji->sources) || !od_json_get_str(ji->header, "id") ||
	    !opts_parse(cJSON_GetObjectItemCaseSensitive(ji->header, "options"), &ji->opts))
		return od_error_new(OD_ERR_INPUT, _("%s is not a transfer journal onetui can read"), ji->path);
	if (strcmp(ji->last_state, "finished") == 0 || strcmp(ji->last_state, "cancelled") == 0)
		ji->state = ji->last_state;
	ji->running = held(ji->path);
	return NULL;
}

void
od_job_info_done(struct od_job_info *ji)
{
	free(ji->id);
	free(ji->path);
	cJSON_Delete(ji->header);
	od_strset_done(&ji->parts);
	memset(ji, 0, sizeof(*ji));
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
od_job_list(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **ids = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *id;
		if (len <= 8 || strcmp(de->d_name + len - 8, ".journal") != 0)
			continue;
		if (*n == cap) {
			char **v = realloc(ids, (cap ? cap * 2 : 16) * sizeof(*v));
			if (!v)
				break;
			ids = v;
			cap = cap ? cap * 2 : 16;
		}
		if (!(id = od_strndup(de->d_name, len - 8)))
			break;
		ids[(*n)++] = id;
	}
	closedir(d);
	if (*n)
		qsort(ids, *n, sizeof(*ids), by_id);
	return ids;
}
