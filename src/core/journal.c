/* SPDX-License-Identifier: GPL-3.0-or-later */
/* journal.c: append-only job records, written in batches. */
#include "config.h"

#include "onetui/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SYS_RANDOM_H
#include <sys/random.h>
#endif

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/log.h"
#include "onetui/str.h"

struct od_journal {
	int fd;
	char *path;
	struct od_buf queue;	/* lines not yet written */
	size_t n_queued;
};

/* mkdir -p with mode 0700 for what it creates. */
static int
make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

struct od_error *
od_state_dir(const char *sub, char **out)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir;

	*out = NULL;
	if (xdg && *xdg == '/')
		dir = od_asprintf("%s/onetui%s%s", xdg, sub ? "/" : "", sub ? sub : "");
	else if (home && *home == '/')
		dir = od_asprintf("%s/.local/state/onetui%s%s", home, sub ? "/" : "", sub ? sub : "");
	else
		return od_error_new(OD_ERR_INPUT, _("neither XDG_STATE_HOME nor HOME is set: nowhere to keep "
						     "onetui's records"));
	if (!dir)
		return od_error_nomem();
	if (make_dirs(dir) != 0) {
		struct od_error *err = od_error_errno(OD_ERR_IO, errno, _("cannot create %s"), dir);
		free(dir);
		return err;
	}
	*out = dir;
	return NULL;
}

struct od_error *
od_journal_dir(char **out)
{
	return od_state_dir("transfers", out);
}

char *
od_journal_new_id(void)
{
	time_t now = time(NULL);
	struct tm tm;
	unsigned r = 0;
	char stamp[32];

#ifdef HAVE_GETRANDOM
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = 0;
#endif
	if (!r)
		r = (unsigned)getpid() ^ (unsigned)clock();
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	return od_asprintf("%s-%06x", stamp, r & 0xFFFFFF);
}

char *
od_journal_path(const char *dir, const char *id)
{
	return od_asprintf("%s/%s.journal", dir, id);
}

static struct od_error *
open_journal(const char *path, int flags, struct od_journal **out)
{
	struct od_journal *j = calloc(1, sizeof(*j));

	*out = NULL;
	if (!j || !(j->path = strdup(path))) {
		free(j);
		return od_error_nomem();
	}
	j->fd = open(path, flags | O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0) {
		struct od_error *err = od_error_errno(OD_ERR_IO, errno, _("cannot open the journal %s"), path);
		free(j->path);
		free(j);
		return err;
	}
	od_buf_init(&j->queue, OD_BUF_UNLIMITED);
	*out = j;
	return NULL;
}

/* Make the new file's directory entry durable too. */
static void
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

struct od_error *
od_journal_create(const char *dir, const char *id, const cJSON *header, struct od_journal **out)
{
	char *path = od_journal_path(dir, id);
	struct od_error *err;

	if (!path)
		return od_error_nomem();
	err = open_journal(path, O_CREAT | O_EXCL, out);
	free(path);
	if (!err)
		err = od_journal_add(*out, header);
	if (!err)
		err = od_journal_sync(*out);
	if (err) {
		od_journal_close(*out);
		*out = NULL;
		return err;
	}
	sync_dir(dir);
	return NULL;
}

struct od_error *
od_journal_open(const char *path, struct od_journal **out)
{
	return open_journal(path, 0, out);
}

struct od_error *
od_journal_lock(struct od_journal *j)
{
	if (flock(j->fd, LOCK_EX | LOCK_NB) == 0)
		return NULL;
	if (errno == EWOULDBLOCK)
		return od_error_new(OD_ERR_INPUT, _("another onetui is running this job"));
	return od_error_errno(OD_ERR_IO, errno, _("cannot lock the journal %s"), j->path);
}

struct od_error *
od_journal_add(struct od_journal *j, const cJSON *rec)
{
	char *line = cJSON_PrintUnformatted(rec);
	int rc;

	if (!line)
		return od_error_nomem();
	rc = od_buf_adds(&j->queue, line);
	if (rc == 0)
		rc = od_buf_addc(&j->queue, '\n');
	cJSON_free(line);
	if (rc != 0)
		return od_error_nomem();
	j->n_queued++;
	return NULL;
}

size_t
od_journal_queued(const struct od_journal *j)
{
	return j->n_queued;
}

struct od_error *
od_journal_sync(struct od_journal *j)
{
	const char *p = j->queue.data;
	size_t left = j->queue.len;

	if (!left)
		return NULL;
	while (left > 0) {
		ssize_t n = write(j->fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return od_error_errno(OD_ERR_IO, errno, _("cannot write the journal %s"), j->path);
		p += n;
		left -= (size_t)n;
	}
	od_buf_reset(&j->queue);
	j->n_queued = 0;
	if (fdatasync(j->fd) != 0)
		return od_error_errno(OD_ERR_IO, errno, _("cannot write the journal %s"), j->path);
	return NULL;
}

void
od_journal_close(struct od_journal *j)
{
	struct od_error *err;

	if (!j)
		return;
	if ((err = od_journal_sync(j))) {
		od_log(OD_LOG_WARN, "%s", err->message);
		od_error_free(err);
	}
	close(j->fd);
	od_buf_done(&j->queue);
	free(j->path);
	free(j);
}

struct od_error *
od_journal_read(const char *path, od_journal_record_fn *fn, void *ud, size_t *bad)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct od_error *err = NULL;

	*bad = 0;
	if (!f)
		return od_error_errno(OD_ERR_IO, errno, _("cannot read the journal %s"), path);
	while ((n = getline(&line, &cap, f)) > 0) {
		cJSON *rec;
		int stop;
		if (line[n - 1] != '\n')
			break;	/* cut short by a crash: never written in full */
		rec = cJSON_ParseWithLength(line, (size_t)n);
		if (!cJSON_IsObject(rec)) {
			(*bad)++;
			cJSON_Delete(rec);
			continue;
		}
		stop = fn(rec, ud);
		cJSON_Delete(rec);
		if (stop)
			break;
	}
	if (ferror(f))
		err = od_error_errno(OD_ERR_IO, errno, _("cannot read the journal %s"), path);
	free(line);
	fclose(f);
	return err;
}
