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

bool
od_job_running(const char *path)
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
	ji->paused = strcmp(ji->last_state, "paused") == 0;
	ji->running = od_job_running(ji->path);
	return NULL;
}

struct od_error *
od_job_load_path(const char *path, struct od_job_info *out)
{
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	size_t n = strlen(name);
	char *dir, *id;
	struct od_error *err;

	if (n <= 8 || strcmp(name + n - 8, ".journal") != 0) {
		memset(out, 0, sizeof(*out));
		return od_error_new(OD_ERR_INPUT, _("%s is not a transfer journal onetui can read"), path);
	}
	dir = od_asprintf("%.*s", (int)(slash ? slash - path : 1), slash ? path : ".");
	id = od_strndup(name, n - 8);
	err = dir && id ? od_job_load(dir, id, out) : od_error_nomem();
	free(dir);
	free(id);
	return err;
}

char *
od_job_describe(const struct od_job_info *ji)
{
	const cJSON *first = cJSON_GetArrayItem(ji->sources, 0);
	int n = cJSON_GetArraySize(ji->sources);
	bool up = strcmp(ji->kind, "upload") == 0;
	const char *from = od_json_get_str(first, up ? "local" : "remote");
	const char *to = up || n > 1 ? ji->opts.dest : od_json_get_str(first, "local");
	char more[24] = "";

	if (n > 1)
		snprintf(more, sizeof(more), " (+%d)", n - 1);
	return od_asprintf("%s%s -> %s", from ? from : "?", more, to ? to : "?");
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

/* --- what runners record and show -------------------------------------------------- */

struct od_error *
od_job_record_state(struct od_journal *j, const char *state, const struct od_xfer_totals *t)
{
	cJSON *rec = cJSON_CreateObject();
	struct od_error *err;

	if (!rec || !cJSON_AddStringToObject(rec, "state", state) ||
	    !cJSON_AddNumberToObject(rec, "time", (double)time(NULL)) ||
	    (t && (!cJSON_AddNumberToObject(rec, "files", (double)t->files) ||
		   !cJSON_AddNumberToObject(rec, "failed", (double)t->files_failed)))) {
		cJSON_Delete(rec);
		return od_error_nomem();
	}
	if (!(err = od_journal_add(j, rec)))
		err = od_journal_sync(j);
	cJSON_Delete(rec);
	return err;
}

static void
remove_part(const char *local, void (*fn)(const char *part, int errnum, void *ud), void *ud)
{
	char *part = od_download_part_path(local);

	if (part && unlink(part) != 0 && errno != ENOENT && fn)
		fn(part, errno, ud);
	free(part);
}

void
od_job_remove_parts(const struct od_job_info *ji, void (*fn)(const char *part, int errnum, void *ud), void *ud)
{
	const cJSON *src;

	for (size_t k = 0; k < ji->parts.cap; k++)
		if (ji->parts.slots[k])
			remove_part(ji->parts.slots[k], fn, ud);
	/* A source fetched as one file may have a part its journal has not
	 * recorded yet (a crash within the second). */
	if (strcmp(ji->kind, "download") == 0)
		cJSON_ArrayForEach(src, ji->sources)
			if (od_json_get_str(src, "local"))
				remove_part(od_json_get_str(src, "local"), fn, ud);
}

struct od_error *
od_job_cancel_stopped(const struct od_job_info *ji, void (*fn)(const char *part, int errnum, void *ud), void *ud)
{
	struct od_journal *j = NULL;
	struct od_error *err;

	if (!(err = od_journal_open(ji->path, &j)) && !(err = od_journal_lock(j)) &&
	    !(err = od_job_record_state(j, "cancelled", NULL))) {
		od_job_remove_parts(ji, fn, ud);
		/* What a killed runner left beside the journal goes too. */
		od_job_progress_remove(ji->path);
		(void)od_job_control_take(ji->path);
	}
	od_journal_close(j);
	return err;
}

/* "DIR/ID.journal" with another suffix; NULL when out of memory. */
static char *
beside(const char *journal, const char *suffix)
{
	size_t n = strlen(journal);

	if (n > 8 && strcmp(journal + n - 8, ".journal") == 0)
		n -= 8;
	return od_asprintf("%.*s%s", (int)n, journal, suffix);
}

/* Write path whole or not at all: a temporary file renamed over it. */
static struct od_error *
replace_file(const char *path, const char *data, size_t len)
{
	char *tmp = od_asprintf("%s.%ld.tmp", path, (long)getpid());
	struct od_error *err = NULL;
	int fd;

	if (!tmp)
		return od_error_nomem();
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = od_error_errno(OD_ERR_IO, errno, _("cannot write %s"), path);
	} else {
		bool written = write(fd, data, len) == (ssize_t)len;
		int e = errno;
		if (close(fd) != 0 && written) {
			written = false;
			e = errno;
		}
		if (written && rename(tmp, path) != 0) {
			written = false;
			e = errno;
		}
		if (!written) {
			err = od_error_errno(OD_ERR_IO, e ? e : EIO, _("cannot write %s"), path);
			unlink(tmp);
		}
	}
	free(tmp);
	return err;
}

/* path's content when it is a small file; NULL otherwise. Caller frees. */
static char *
read_small(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (!(buf = malloc(max + 1))) {
		close(fd);
		return NULL;
	}
	n = read(fd, buf, max + 1);
	close(fd);
	if (n < 0 || (size_t)n > max) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static const char *const control_words[] = { "", "pause", "resume", "cancel" };

struct od_error *
od_job_control_send(const char *journal, enum od_job_control c)
{
	char *path = beside(journal, ".control");
	struct od_error *err;

	if (!path)
		return od_error_nomem();
	err = replace_file(path, control_words[c], strlen(control_words[c]));
	free(path);
	return err;
}

enum od_job_control
od_job_control_take(const char *journal)
{
	char *path = beside(journal, ".control"), *word;
	enum od_job_control c = OD_JOB_NONE;

	if (!path || access(path, F_OK) != 0) {
		free(path);
		return OD_JOB_NONE;
	}
	if ((word = read_small(path, 16)))
		for (size_t i = 1; i < sizeof(control_words) / sizeof(*control_words); i++)
			if (strcmp(word, control_words[i]) == 0)
				c = (enum od_job_control)i;
	/* Taken, or not understood: either way it is done with. */
	unlink(path);
	free(word);
	free(path);
	return c;
}

bool
od_job_control_waiting(const char *journal)
{
	char *path = beside(journal, ".control");
	bool there = path && access(path, F_OK) == 0;

	free(path);
	return there;
}

struct od_error *
od_job_progress_write(const char *journal, const struct od_job_progress *p)
{
	char *path = beside(journal, ".progress"), *text;
	struct od_error *err;

	if (!path)
		return od_error_nomem();
	text = od_asprintf("{\"files\":%llu,\"filesDone\":%llu,\"filesKept\":%llu,\"filesFailed\":%llu,"
			   "\"bytes\":%llu,\"bytesDone\":%llu,\"bytesMoved\":%llu,\"listing\":%s,\"paused\":%s,"
			   "\"rate\":%.0f,\"pid\":%lld,\"time\":%lld}\n",
			   (unsigned long long)p->t.files, (unsigned long long)p->t.files_done,
			   (unsigned long long)p->t.files_kept, (unsigned long long)p->t.files_failed,
			   (unsigned long long)p->t.bytes, (unsigned long long)p->t.bytes_done,
			   (unsigned long long)p->t.bytes_moved, p->t.listing ? "true" : "false",
			   p->t.paused ? "true" : "false", p->rate >= 0 ? p->rate : 0, p->pid, (long long)p->time);
	err = text ? replace_file(path, text, strlen(text)) : od_error_nomem();
	free(text);
	free(path);
	return err;
}

bool
od_job_progress_read(const char *journal, struct od_job_progress *out)
{
	static const char *const keys[] = { "files", "filesDone", "filesKept", "filesFailed",
					     "bytes", "bytesDone", "bytesMoved", "rate", "pid", "time" };
	char *path = beside(journal, ".progress"), *text = path ? read_small(path, 4096) : NULL;
	cJSON *j = text ? cJSON_Parse(text) : NULL;
	uint64_t v[sizeof(keys) / sizeof(*keys)];
	bool ok = cJSON_IsObject(j);

	for (size_t i = 0; ok && i < sizeof(keys) / sizeof(*keys); i++)
		ok = json_uint(j, keys[i], INT64_MAX, &v[i]);
	if (ok) {
		memset(out, 0, sizeof(*out));
		out->t.files = v[0];
		out->t.files_done = v[1];
		out->t.files_kept = v[2];
		out->t.files_failed = v[3];
		out->t.bytes = v[4];
		out->t.bytes_done = v[5];
		out->t.bytes_moved = v[6];
		out->rate = (double)v[7];
		out->pid = (long long)v[8];
		out->time = (int64_t)v[9];
		out->t.listing = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "listing"));
		out->t.paused = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "paused"));
	}
	cJSON_Delete(j);
	free(text);
	free(path);
	return ok;
}

void
od_job_progress_remove(const char *journal)
{
	char *path = beside(journal, ".progress");

	if (path)
		unlink(path);
	free(path);
}
