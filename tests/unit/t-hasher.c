/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-hasher.c: checksums computed in a thread while a file is written,
 * handed back through the engine's loop; cancelled jobs never call back;
 * the same thread writing what a download hands it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hasher.h"
#include "onetui/digest.h"
#include "onetui/engine.h"
#include "tap.h"

#define SIZE (5u << 20 | 12345u)	/* not a whole number of chunks */

static char dir[] = "/tmp/onetui-t-hasher-XXXXXX";
static unsigned char *data;

struct result {
	int calls;
	char hex[OD_SHA256_HEX];
	struct od_error *err;
};

static void
on_done(struct od_error *err, const char *hex, void *ud)
{
	struct result *r = ud;

	r->calls++;
	snprintf(r->hex, sizeof(r->hex), "%s", hex);
	r->err = err;
}

static void
digest_of(const void *p, size_t n, char out[OD_SHA256_HEX])
{
	struct od_sha256 *h = od_sha256_new();

	od_sha256_update(h, p, n);
	od_sha256_hex(h, out);
	od_sha256_free(h);
}

static int
new_file(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

static bool
write_at(int fd, size_t off, size_t n)
{
	return pwrite(fd, data + off, n, (off_t)off) == (ssize_t)n;
}

static bool
same_content(const char *name, size_t size)
{
	char path[128];
	unsigned char *got = malloc(size + 1);
	int fd;
	bool same;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	same = got && fd >= 0 && pread(fd, got, size + 1, 0) == (ssize_t)size && memcmp(got, data, size) == 0;
	if (fd >= 0)
		close(fd);
	free(got);
	return same;
}

/* Hand [from, to) over in the uneven pieces libcurl would pass on. */
static int
put_range(struct od_hash_job *j, struct od_wbuf **fill, size_t from, size_t to)
{
	int e = 0;

	for (size_t off = from, n; off < to && !e; off += n) {
		n = to - off < 16411 ? to - off : 16411;
		e = od_hash_job_put(j, fill, off, data + off, n);
	}
	return e;
}

static void
test_whole_and_growing(struct od_engine *e)
{
	char want[OD_SHA256_HEX];
	struct result r = { 0 };
	struct od_hash_job *j = NULL;
	struct od_error *err;
	int fd = new_file("whole");

	digest_of(data, SIZE, want);
	ok(fd >= 0 && write_at(fd, 0, SIZE), "a file of %u bytes", SIZE);
	err = od_hash_job_start(e, fd, od_sha256_new(), 0, &j);
	ok(!err && j, "a job on a complete file");
	close(fd);	/* the job has its own descriptor */
	od_hash_job_finish(j, SIZE, on_done, &r);
	cmp_ok((long long)od_engine_pending(e), "==", 1, "it counts as pending work");
	ok(r.calls == 0, "the result never comes from inside finish");
	od_engine_run(e, NULL);
	ok(r.calls == 1 && !r.err, "the result comes from the loop, once");
	is(r.hex, want, "the digest of the whole file");
	cmp_ok((long long)od_engine_pending(e), "==", 0, "and nothing is pending after it");

	/* As a download writes it: the bytes are declared as they land. */
	memset(&r, 0, sizeof(r));
	fd = new_file("growing");
	err = od_hash_job_start(e, fd, od_sha256_new(), 0, &j);
	ok(!err, "a job on an empty file that grows");
	for (size_t off = 0; off < SIZE; off += 300000) {
		size_t n = SIZE - off < 300000 ? SIZE - off : 300000;
		if (!write_at(fd, off, n))
			break;
		od_hash_job_extend(j, off + n);
		od_hash_job_extend(j, off);	/* going back is ignored */
		od_engine_perform(e);
	}
	od_hash_job_finish(j, SIZE, on_done, &r);
	od_engine_run(e, NULL);
	ok(r.calls == 1 && !r.err, "growing: one result");
	is(r.hex, want, "growing: the same digest");
	close(fd);
}

static void
test_resumed(struct od_engine *e)
{
	char want[OD_SHA256_HEX];
	struct result r = { 0 };
	struct od_sha256 *h = od_sha256_new();
	struct od_hash_job *j = NULL;
	int fd = new_file("resumed");

	digest_of(data, SIZE, want);
	ok(fd >= 0 && write_at(fd, 0, SIZE), "a file whose start was hashed before");
	od_sha256_update(h, data, 1000000);
	ok(!od_hash_job_start(e, fd, h, 1000000, &j), "a job that goes on from 1000000 bytes");
	od_hash_job_finish(j, SIZE, on_done, &r);
	od_engine_run(e, NULL);
	is(r.hex, want, "goes on from the state it was given");
	close(fd);
}

static void
test_shorter(struct od_engine *e)
{
	struct result r = { 0 };
	struct od_hash_job *j = NULL;
	int fd = new_file("short");

	ok(fd >= 0 && write_at(fd, 0, 4096), "a file of 4096 bytes");
	ok(!od_hash_job_start(e, fd, od_sha256_new(), 0, &j), "a job on it");
	od_hash_job_finish(j, 8192, on_done, &r);
	od_engine_run(e, NULL);
	ok(r.calls == 1 && r.err && strstr(r.err->message, "shorter"), "said to be 8192 bytes: an error (%s)",
	   r.err ? r.err->message : "none");
	is(r.hex, "", "and no digest");
	od_error_free(r.err);
	close(fd);
}

static void
test_cancel(struct od_engine *e)
{
	struct result r = { 0 };
	struct od_hash_job *j = NULL;
	int fd = new_file("cancel");

	ok(fd >= 0 && write_at(fd, 0, SIZE), "a file to give up on");
	ok(!od_hash_job_start(e, fd, od_sha256_new(), 0, &j), "a job waiting for bytes");
	od_hash_job_extend(j, SIZE / 2);
	od_hash_job_cancel(j);
	cmp_ok((long long)od_engine_pending(e), "==", 0, "cancelled while it hashes: nothing pending");

	ok(!od_hash_job_start(e, fd, od_sha256_new(), 0, &j), "a job that finishes");
	od_hash_job_finish(j, 1000, on_done, &r);
	usleep(100000);	/* done and posted, not yet delivered */
	od_hash_job_cancel(j);
	od_engine_perform(e);
	ok(r.calls == 0, "cancelled after its result was posted: no callback");
	cmp_ok((long long)od_engine_pending(e), "==", 0, "and nothing pending");
	ok(!od_hash_job_start(e, fd, od_sha256_new(), 0, &j), "a job cancelled before any byte");
	od_hash_job_cancel(j);
	od_hash_job_cancel(NULL);
	ok(true, "cancelling NULL is nothing");
	close(fd);
}

static void
test_writing(struct od_engine *e)
{
	char want[OD_SHA256_HEX];
	struct result r = { 0 };
	struct od_wbuf *fill = NULL;
	struct od_hash_job *j = NULL;
	int fd = new_file("written");

	/* Write-only: reading anything back would fail the job. */
	close(fd);
	snprintf(want, sizeof(want), "%s/written", dir);
	fd = open(want, O_WRONLY | O_CLOEXEC);
	digest_of(data, SIZE, want);
	ok(fd >= 0 && !od_hash_job_start(e, fd, od_sha256_new(), 0, &j), "a job that writes a file");
	od_hash_job_hash_buffers(j);
	cmp_ok(put_range(j, &fill, 0, SIZE), "==", 0, "%u bytes handed over", SIZE);
	ok(fill != NULL, "the last of them still in a buffer");
	od_hash_job_flush(j, &fill);
	ok(fill == NULL, "flushed: handed over");
	cmp_ok(od_hash_job_sync(j), "==", 0, "synced: all written");
	ok(same_content("written", SIZE), "the file holds what was handed over");
	od_hash_job_finish(j, SIZE, on_done, &r);
	od_engine_run(e, NULL);
	ok(r.calls == 1 && !r.err, "one result");
	is(r.hex, want, "hashed from memory: the digest, and nothing was read back");
	close(fd);
}

static void
test_writing_streams(struct od_engine *e)
{
	char want[OD_SHA256_HEX];
	struct result r = { 0 };
	struct od_wbuf *first = NULL, *second = NULL;
	struct od_hash_job *j = NULL;
	size_t half = SIZE / 2 + 4321;
	int fd = new_file("streams");
	int err = 0;

	digest_of(data, SIZE, want);
	ok(fd >= 0 && !od_hash_job_start(e, fd, od_sha256_new(), 0, &j), "a job for a file in two streams");
	od_hash_job_hash_buffers(j);
	/* The second half arrives first, then both at once. */
	err |= put_range(j, &second, half, half + 700000);
	for (size_t a = 0, b = half + 700000; a < half || b < SIZE; a += 50000, b += 50000) {
		if (a < half)
			err |= put_range(j, &first, a, a + 50000 < half ? a + 50000 : half);
		if (b < SIZE)
			err |= put_range(j, &second, b, b + 50000 < SIZE ? b + 50000 : SIZE);
		if (a + 50000 < half)
			od_hash_job_extend(j, a + 50000 - (first ? first->len : 0));
	}
	od_hash_job_flush(j, &first);
	od_hash_job_flush(j, &second);
	ok(!err && !od_hash_job_sync(j), "both streams written");
	ok(same_content("streams", SIZE), "the file holds both");
	od_hash_job_finish(j, SIZE, on_done, &r);
	od_engine_run(e, NULL);
	is(r.hex, want, "the digest: the second stream's bytes were read back");
	close(fd);
}

static void
test_writing_only(struct od_engine *e)
{
	struct result r = { .hex = "x" };
	struct od_wbuf *fill = NULL;
	struct od_hash_job *j = NULL;
	int fd = new_file("unhashed");

	ok(fd >= 0 && !od_hash_job_start(e, fd, NULL, 0, &j), "a job with nothing to hash");
	ok(!put_range(j, &fill, 0, 3000000), "bytes handed over");
	od_hash_job_flush(j, &fill);
	ok(!od_hash_job_sync(j) && same_content("unhashed", 3000000), "written");
	od_hash_job_finish(j, 3000000, on_done, &r);
	od_engine_run(e, NULL);
	ok(r.calls == 1 && !r.err && !r.hex[0], "its result: no error, no digest");
	close(fd);
}

static void
test_write_error(struct od_engine *e)
{
	struct od_wbuf *fill = NULL;
	struct od_hash_job *j = NULL;
	char path[128];
	int fd, err;

	close(new_file("readonly"));
	snprintf(path, sizeof(path), "%s/readonly", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ok(fd >= 0 && !od_hash_job_start(e, fd, od_sha256_new(), 0, &j), "a job on a file it cannot write");
	od_hash_job_hash_buffers(j);
	err = put_range(j, &fill, 0, SIZE);
	od_hash_job_flush(j, &fill);
	err = err ? err : od_hash_job_sync(j);
	cmp_ok(err, "==", EBADF, "the write's errno comes back");
	cmp_ok(od_hash_job_put(j, &fill, SIZE, data, 10), "==", EBADF, "and again for what follows");
	od_hash_job_cancel(j);
	cmp_ok((long long)od_engine_pending(e), "==", 0, "cancelled: nothing pending");
	close(fd);

	fd = new_file("dropped");
	ok(!od_hash_job_start(e, fd, od_sha256_new(), 0, &j), "a job cancelled with bytes queued");
	ok(!put_range(j, &fill, 0, SIZE) && fill, "bytes handed over, the last still in a buffer");
	od_hash_job_cancel(j);
	ok(true, "cancelled without waiting for them; its buffers go with it");
	close(fd);
}

static void
test_bad_fd(struct od_engine *e)
{
	struct od_hash_job *j = (struct od_hash_job *)1;
	struct od_error *err = od_hash_job_start(e, -1, od_sha256_new(), 0, &j);

	ok(err && !j, "a descriptor that is not open: an error (%s)", err ? err->message : "none");
	od_error_free(err);
}

int
main(void)
{
	struct od_engine *e;
	struct od_error *err;
	char cmd[64];

	if (!mkdtemp(dir)) {
		plan_skip_all("cannot make a temporary folder");
		return 0;
	}
	data = malloc(SIZE);
	for (size_t i = 0; i < SIZE; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	err = od_engine_new(NULL, &e);
	ok(!err, "an engine");
	test_whole_and_growing(e);
	test_resumed(e);
	test_shorter(e);
	test_cancel(e);
	test_writing(e);
	test_writing_streams(e);
	test_writing_only(e);
	test_write_error(e);
	test_bad_fd(e);
	od_engine_free(e);
	free(data);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
