/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hasher.c: SHA-256 of a file in a thread of its own. */
#include "config.h"

#include "hasher.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "onetui/i18n.h"

#include "engine-int.h"

/* Read back this much at a time (small enough to stay in the cache
 * between the read and the hash); the thread is woken only when WAKE
 * bytes are waiting (or the file is complete), not for every write. */
#define CHUNK (128u << 10)
#define WAKE (1u << 20)

struct od_hash_job {
	struct od_notice *notice;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd;
	struct od_sha256 *h;
	char *buf;

	/* Under mu. */
	uint64_t hashed;	/* bytes [0, hashed) are in h */
	uint64_t avail;		/* bytes [0, avail) are in the file */
	uint64_t size;		/* with final: where the file ends */
	bool final, stop, waiting, done;
	int err_no;		/* why reading failed (EIO: the file is shorter) */

	char hex[OD_SHA256_HEX];
	od_hash_done_fn *fn;
	void *ud;
};

static bool
complete(const struct od_hash_job *j)
{
	return j->final && j->hashed >= j->size;
}

static void *
hash_thread(void *arg)
{
	struct od_hash_job *j = arg;

	pthread_mutex_lock(&j->mu);
	for (;;) {
		uint64_t off, n;
		int e;

		while (!j->stop && j->hashed >= j->avail && !complete(j)) {
			j->waiting = true;
			pthread_cond_wait(&j->cv, &j->mu);
			j->waiting = false;
		}
		if (j->stop)
			break;
		if (complete(j)) {
			od_sha256_hex(j->h, j->hex);
			j->done = true;
			break;
		}
		off = j->hashed;
		n = j->avail - off < CHUNK ? j->avail - off : CHUNK;
		pthread_mutex_unlock(&j->mu);
		e = od_sha256_fd_buf(j->h, j->fd, off, n, j->buf, CHUNK);
		pthread_mutex_lock(&j->mu);
		if (e) {
			j->err_no = e;
			j->done = true;
			break;
		}
		j->hashed += n;
	}
	pthread_mutex_unlock(&j->mu);
	/* Posted outside the lock: once cancelled, the job may be freed
	 * only after this thread is joined, so the notice is still there. */
	if (j->done)
		od_notice_post(j->notice);
	return NULL;
}

static void
free_job(struct od_hash_job *j)
{
	od_notice_free(j->notice);
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	if (j->fd >= 0)
		close(j->fd);
	od_sha256_free(j->h);
	free(j->buf);
	free(j);
}

/* In the loop's thread, once the thread is done. */
static void
on_notice(void *ud)
{
	struct od_hash_job *j = ud;
	struct od_error *err = NULL;

	pthread_join(j->thread, NULL);
	if (j->err_no)
		err = j->err_no == EIO && j->hashed < j->size
			      ? od_error_new(OD_ERR_IO, _("the file became shorter while its checksum was computed"))
			      : od_error_errno(OD_ERR_IO, j->err_no, _("cannot read back what was written"));
	j->fn(err, err ? "" : j->hex, j->ud);
	free_job(j);
}

struct od_error *
od_hash_job_start(struct od_engine *e, int fd, struct od_sha256 *h, uint64_t from, struct od_hash_job **out)
{
	struct od_hash_job *j = calloc(1, sizeof(*j));
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (!j) {
		od_sha256_free(h);
		return od_error_nomem();
	}
	j->h = h;
	j->hashed = j->avail = from;
	j->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	j->buf = malloc(CHUNK);
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	if (j->fd < 0) {
		rc = errno;
		free_job(j);
		return od_error_errno(OD_ERR_IO, rc, _("cannot read back what was written"));
	}
	if (!j->buf || !(j->notice = od_notice_new(e, on_notice, j))) {
		free_job(j);
		return od_error_nomem();
	}
	/* Signals are the loop's business: the thread blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&j->thread, NULL, hash_thread, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		free_job(j);
		return od_error_errno(OD_ERR_INTERNAL, rc, _("cannot start a thread to compute checksums"));
	}
	*out = j;
	return NULL;
}

void
od_hash_job_extend(struct od_hash_job *j, uint64_t upto)
{
	pthread_mutex_lock(&j->mu);
	if (upto > j->avail) {
		j->avail = upto;
		if (j->waiting && j->avail - j->hashed >= WAKE)
			pthread_cond_signal(&j->cv);
	}
	pthread_mutex_unlock(&j->mu);
}

void
od_hash_job_finish(struct od_hash_job *j, uint64_t size, od_hash_done_fn *fn, void *ud)
{
	pthread_mutex_lock(&j->mu);
	j->fn = fn;
	j->ud = ud;
	j->size = j->avail = size;
	j->final = true;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

void
od_hash_job_cancel(struct od_hash_job *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->stop = true;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	pthread_join(j->thread, NULL);
	free_job(j);
}
