/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hasher.c: SHA-256 of a file in a thread of its own, which may write the
 * file too. */
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
/* Buffers handed over for writing, and how many may wait for the thread
 * before the loop waits in turn: a write of this size costs the kernel
 * a third less per byte than one of 16 KiB. */
#define WBUF (256u << 10)
#define QUEUED 8

struct od_hash_job {
	struct od_notice *notice;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* the thread's: work came */
	pthread_cond_t room;	/* the loop's: a buffer was written */
	int fd;
	struct od_sha256 *h;	/* NULL: only writing */
	char *buf;
	struct od_wbuf *bufs;	/* every buffer, made in the loop's thread */

	/* Under mu. */
	uint64_t hashed;	/* bytes [0, hashed) are in h */
	uint64_t avail;		/* bytes [0, avail) are in the file or queued */
	uint64_t size;		/* with final: where the file ends */
	struct od_wbuf *queue, *queue_tail, *spare;
	unsigned queued;	/* buffers queued or being written */
	bool from_memory;	/* queued bytes that continue the digest go into it */
	bool final, stop, waiting, done;
	int err_no;		/* why reading failed (EIO: the file is shorter) */
	int write_err;		/* why writing failed; later buffers are dropped */

	char hex[OD_SHA256_HEX];
	od_hash_done_fn *fn;
	void *ud;
};

static bool
can_read(const struct od_hash_job *j)
{
	return j->h && !j->err_no && j->hashed < j->avail;
}

static bool
complete(const struct od_hash_job *j)
{
	return j->final && (!j->h || j->err_no || j->hashed >= j->size);
}

static int
write_buf(struct od_hash_job *j, const struct od_wbuf *b, bool hash)
{
	size_t done = 0;

	while (done < b->len) {
		ssize_t n = pwrite(j->fd, b->data + done, b->len - done, (off_t)(b->off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		done += (size_t)n;
	}
	if (hash)
		od_sha256_update(j->h, b->data, b->len);
	return 0;
}

/* Write the first queued buffer (mu held, released meanwhile). */
static void
write_next(struct od_hash_job *j)
{
	struct od_wbuf *b = j->queue;
	bool hash = j->from_memory && j->h && !j->err_no && b->off == j->hashed;
	int e = j->write_err;

	j->queue = b->next;
	if (!j->queue)
		j->queue_tail = NULL;
	pthread_mutex_unlock(&j->mu);
	if (!e)
		e = write_buf(j, b, hash);
	pthread_mutex_lock(&j->mu);
	if (e)
		j->write_err = e;
	else if (hash)
		j->hashed += b->len;
	b->next = j->spare;
	j->spare = b;
	j->queued--;
	pthread_cond_signal(&j->room);
}

/* Hash the next bytes of the file (mu held, released meanwhile). */
static void
read_next(struct od_hash_job *j)
{
	uint64_t off = j->hashed, n = j->avail - off < CHUNK ? j->avail - off : CHUNK;
	int e;

	pthread_mutex_unlock(&j->mu);
	e = od_sha256_fd_buf(j->h, j->fd, off, n, j->buf, CHUNK);
	pthread_mutex_lock(&j->mu);
	if (e)
		j->err_no = e;
	else
		j->hashed += n;
}

/* Writing comes first: it frees buffers the loop may wait for, and what
 * is read back must have been written. */
static void *
hash_thread(void *arg)
{
	struct od_hash_job *j = arg;

	pthread_mutex_lock(&j->mu);
	for (;;) {
		while (!j->stop && !j->queue && !can_read(j) && !complete(j)) {
			j->waiting = true;
			pthread_cond_wait(&j->cv, &j->mu);
			j->waiting = false;
		}
		if (j->stop)
			break;
		if (j->queue) {
			write_next(j);
		} else if (complete(j)) {
			if (j->h && !j->err_no)
				od_sha256_hex(j->h, j->hex);
			j->done = true;
			break;
		} else {
			read_next(j);
		}
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
	pthread_cond_destroy(&j->room);
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	if (j->fd >= 0)
		close(j->fd);
	od_sha256_free(j->h);
	while (j->bufs) {
		struct od_wbuf *b = j->bufs;
		j->bufs = b->all;
		free(b);
	}
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
	pthread_cond_init(&j->room, NULL);
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
od_hash_job_hash_buffers(struct od_hash_job *j)
{
	pthread_mutex_lock(&j->mu);
	j->from_memory = true;
	pthread_mutex_unlock(&j->mu);
}

/* A buffer for bytes from off on, once fewer than QUEUED wait to be
 * written (the thread writes them whatever the loop does); NULL with *e
 * set when a write failed or memory ran out. */
static struct od_wbuf *
take_buf(struct od_hash_job *j, uint64_t off, int *e)
{
	struct od_wbuf *b = NULL;

	pthread_mutex_lock(&j->mu);
	while (j->queued >= QUEUED)
		pthread_cond_wait(&j->room, &j->mu);
	if (!(*e = j->write_err) && (b = j->spare))
		j->spare = b->next;
	pthread_mutex_unlock(&j->mu);
	if (*e)
		return NULL;
	if (!b) {
		if (!(b = malloc(sizeof(*b) + WBUF))) {
			*e = ENOMEM;
			return NULL;
		}
		b->all = j->bufs;
		j->bufs = b;
	}
	b->off = off;
	b->len = 0;
	return b;
}

/* Queue *fill for the thread: 0, or why an earlier write failed. */
static int
hand_over(struct od_hash_job *j, struct od_wbuf **fill)
{
	struct od_wbuf *b = *fill;
	int e;

	*fill = NULL;
	b->next = NULL;
	pthread_mutex_lock(&j->mu);
	if (j->queue_tail)
		j->queue_tail->next = b;
	else
		j->queue = b;
	j->queue_tail = b;
	j->queued++;
	if (j->waiting)
		pthread_cond_signal(&j->cv);
	e = j->write_err;
	pthread_mutex_unlock(&j->mu);
	return e;
}

int
od_hash_job_put(struct od_hash_job *j, struct od_wbuf **fill, uint64_t off, const void *data, size_t len)
{
	const char *p = data;
	int e;

	while (len > 0) {
		struct od_wbuf *b = *fill;
		size_t n;

		if (b && b->off + b->len != off && (e = hand_over(j, fill)))
			return e;
		if (!*fill && !(*fill = take_buf(j, off, &e)))
			return e;
		b = *fill;
		n = WBUF - b->len < len ? WBUF - b->len : len;
		memcpy(b->data + b->len, p, n);
		b->len += n;
		off += n;
		p += n;
		len -= n;
		if (b->len == WBUF && (e = hand_over(j, fill)))
			return e;
	}
	return 0;
}

void
od_hash_job_flush(struct od_hash_job *j, struct od_wbuf **fill)
{
	if (*fill)
		(void)hand_over(j, fill);
}

int
od_hash_job_sync(struct od_hash_job *j)
{
	int e;

	pthread_mutex_lock(&j->mu);
	while (j->queued > 0)
		pthread_cond_wait(&j->room, &j->mu);
	e = j->write_err;
	pthread_mutex_unlock(&j->mu);
	return e;
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
