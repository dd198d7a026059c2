/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-journal.c: job journals on a real disk: batches, torn lines, locks,
 * SHA-256 of what was written, and the files beside a journal through
 * which other processes steer and watch its job. */
#include "config.h"

#include "onetui/acclog.h"
#include "onetui/digest.h"
#include "onetui/job.h"
#include "onetui/journal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onetui/str.h"
#include "tap.h"

static char dir[] = "/tmp/onetui-t-journal-XXXXXX";

struct seen {
	int n;
	char kinds[16][16];
};

static int
collect(const cJSON *rec, void *ud)
{
	struct seen *s = ud;
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(rec, "k");

	if (s->n < 16)
		snprintf(s->kinds[s->n], sizeof(s->kinds[0]), "%s", cJSON_IsString(k) ? k->valuestring : "?");
	s->n++;
	return 0;
}

static cJSON *
rec(const char *k)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "k", k);
	return r;
}

static void
test_journal(void)
{
	struct od_journal *j, *other;
	struct od_error *err;
	struct seen s = { 0 };
	cJSON *r;
	char *id = od_journal_new_id(), *path;
	size_t bad;
	int fd;

	ok(id && strlen(id) == 22 && id[8] == 'T' && id[15] == '-', "a job id: time and suffix (%s)", id);
	r = rec("header");
	err = od_journal_create(dir, id, r, &j);
	cJSON_Delete(r);
	ok(!err, "created");
	path = od_journal_path(dir, id);
	r = rec("again");
	err = od_journal_create(dir, id, r, &other);
	ok(err != NULL, "a second job with the same id is refused");
	od_error_free(err);
	cJSON_Delete(r);
	ok(!od_journal_read(path, collect, &s, &bad) && s.n == 1, "the header is on disk at once");
	{
		cJSON *a = rec("a"), *b = rec("b");
		ok(!od_journal_add(j, a) && !od_journal_add(j, b), "records queued");
		cJSON_Delete(a);
		cJSON_Delete(b);
	}
	cmp_ok(od_journal_queued(j), "==", 2, "two wait");
	memset(&s, 0, sizeof(s));
	ok(!od_journal_read(path, collect, &s, &bad) && s.n == 1, "not written before the sync");
	ok(!od_journal_sync(j) && od_journal_queued(j) == 0, "synced");
	ok(!od_journal_lock(j), "locked by its runner");
	ok(!od_journal_open(path, &other), "opened again");
	err = od_journal_lock(other);
	ok(err && strstr(err->message, "another onetui"), "a second runner is refused: %s", err ? err->message : "");
	od_error_free(err);
	od_journal_close(other);
	od_journal_close(j);

	/* A damaged line in the middle and a torn last line. */
	fd = open(path, O_WRONLY | O_APPEND);
	{
		static const char damage[] = "garbage\n{\"k\":\"c\"}\n{\"k\":\"to";
		ok(fd >= 0 && write(fd, damage, sizeof(damage) - 1) == (ssize_t)sizeof(damage) - 1, "damage appended");
	}
	close(fd);
	memset(&s, 0, sizeof(s));
	ok(!od_journal_read(path, collect, &s, &bad), "read back");
	cmp_ok(s.n, "==", 4, "header, a, b, c: the torn line is ignored");
	is(s.kinds[3], "c", "in order");
	cmp_ok(bad, "==", 1, "one damaged line counted");
	err = od_journal_read("/nonexistent/x.journal", collect, &s, &bad);
	ok(err != NULL, "a missing journal is an error");
	od_error_free(err);
	unlink(path);
	free(path);
	free(id);
}

static void
test_state_dir(void)
{
	char *d = NULL, *want;
	struct od_error *err;

	setenv("XDG_STATE_HOME", dir, 1);
	err = od_journal_dir(&d);
	want = od_asprintf("%s/onetui/transfers", dir);
	ok(!err && d && strcmp(d, want) == 0, "XDG_STATE_HOME/onetui/transfers (%s)", d ? d : "none");
	{
		struct stat st;
		ok(d && stat(d, &st) == 0 && (st.st_mode & 0777) == 0700, "made, private");
	}
	free(d);
	free(want);
	setenv("XDG_STATE_HOME", "relative", 1);
	unsetenv("HOME");
	err = od_journal_dir(&d);
	ok(err && !d, "no absolute XDG_STATE_HOME and no HOME: an error, not the working directory");
	od_error_free(err);
}

struct acc_seen {
	int n;
	char text[512];
};

static bool
acc_collect(const struct od_acclog_line *l, void *ud)
{
	struct acc_seen *s = ud;
	size_t len = strlen(s->text);

	snprintf(s->text + len, sizeof(s->text) - len, "%s %s %s %s %s|", l->e.action, l->e.kind,
		 l->e.id ? l->e.id : "-", l->e.name ? l->e.name : "-", l->login && l->host ? "who" : "nobody");
	return ++s->n < 2;
}

/* The access log: appended, private, read back; torn or foreign lines
 * are skipped and counted, not fatal. */
static void
test_acclog(void)
{
	struct acc_seen s = { 0 };
	struct stat st;
	size_t skipped = 9;
	char *path = NULL;
	FILE *f;

	setenv("XDG_STATE_HOME", dir, 1);
	ok(!od_acclog_read(acc_collect, &s, &skipped) && s.n == 0 && skipped == 0, "no access log yet: nothing");
	od_acclog_record(NULL, &(struct od_acclog_entry){ .action = "create", .kind = "share", .id = "s1",
							   .name = "Run \"34\"\n" });
	ok(!od_acclog_path(&path) && stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "the log is private");
	f = fopen(path, "a");
	ok(f && fputs("{\"time\": 1, \"action\": \"revo", f) >= 0 && fputs("\nnot json\n", f) >= 0 &&
		   fclose(f) == 0, "a torn line and garbage appended");
	od_acclog_record(NULL, &(struct od_acclog_entry){ .action = "revoke", .kind = "token", .id = "t1" });
	od_acclog_record(NULL, &(struct od_acclog_entry){ .action = "delete", .kind = "token", .id = "t2" });
	ok(!od_acclog_read(acc_collect, &s, &skipped), "read back");
	is(s.text, "create share s1 Run \"34\"\n who|revoke token t1 - who|", "entries in order, with who and where; the reader stopped when asked");
	ok(skipped == 2, "the torn line and the garbage skipped (%zu)", skipped);
	free(path);
}

static void
test_digest(void)
{
	struct od_sha256 *h = od_sha256_new();
	char hex[OD_SHA256_HEX];
	char path[64];
	int fd;

	od_sha256_hex(h, hex);
	is(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "SHA-256 of nothing");
	od_sha256_update(h, "abc", 3);
	od_sha256_hex(h, hex);
	is(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA-256 of abc; state reset after");
	snprintf(path, sizeof(path), "%s/blob", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ok(fd >= 0 && write(fd, "xxabcxx", 7) == 7, "a file");
	ok(!od_sha256_fd(h, fd, 2, 3), "a range of it hashed");
	od_sha256_hex(h, hex);
	is(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "the same digest from the file");
	{
		struct od_error *err = od_sha256_fd(h, fd, 5, 10);
		ok(err && strstr(err->message, "read back"), "past the end: an error, not a wrong digest");
		od_error_free(err);
	}
	close(fd);
	unlink(path);
	ok(od_sha256_valid("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015ad"), "hex in any case");
	ok(!od_sha256_valid("ba7816bf"), "too short");
	ok(!od_sha256_valid("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag"), "not hex");
	ok(!od_sha256_valid(NULL), "NULL");
	od_sha256_free(h);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void
test_beside(void)
{
	char journal[128], control[128], progress[128];
	struct od_job_progress p = { .t = { .files = 12, .files_done = 3, .files_kept = 1, .bytes = 5000000000ULL,
					    .bytes_done = 123456789, .listing = true, .paused = true },
				     .rate = 1048576.4, .pid = 4242, .time = 1765000000 };
	struct od_job_progress back;
	struct od_job_info ji;
	struct od_error *err;

	snprintf(journal, sizeof(journal), "%s/20261206T100000-abcdef.journal", dir);
	snprintf(control, sizeof(control), "%s/20261206T100000-abcdef.control", dir);
	snprintf(progress, sizeof(progress), "%s/20261206T100000-abcdef.progress", dir);

	ok(od_job_control_take(journal) == OD_JOB_NONE && !od_job_control_waiting(journal), "no request: none");
	ok(!od_job_control_send(journal, OD_JOB_PAUSE) && od_job_control_waiting(journal), "a pause is sent");
	ok(od_job_control_take(journal) == OD_JOB_PAUSE && access(control, F_OK) != 0,
	   "and taken, once: the file is gone");
	ok(!od_job_control_send(journal, OD_JOB_RESUME) && !od_job_control_send(journal, OD_JOB_CANCEL) &&
	   od_job_control_take(journal) == OD_JOB_CANCEL, "the last request sent wins");
	write_file(control, "frobnicate");
	ok(od_job_control_take(journal) == OD_JOB_NONE && access(control, F_OK) != 0,
	   "a request not understood is dropped, not acted on");

	ok(!od_job_progress_write(journal, &p), "progress written");
	ok(od_job_progress_read(journal, &back) && back.t.files == 12 && back.t.files_done == 3 &&
	   back.t.files_kept == 1 && back.t.bytes == 5000000000ULL && back.t.bytes_done == 123456789 &&
	   back.t.listing && back.t.paused && back.rate == 1048576.0 && back.pid == 4242 && back.time == 1765000000,
	   "and read back whole");
	write_file(progress, "{\"files\": -1}");
	ok(!od_job_progress_read(journal, &back), "a negative count: not progress");
	write_file(progress, "{\"files\": 1, \"filesDone\": 0");
	ok(!od_job_progress_read(journal, &back), "cut short: not progress");
	write_file(progress, "[]");
	ok(!od_job_progress_read(journal, &back), "not an object: not progress");
	od_job_progress_remove(journal);
	ok(!od_job_progress_read(journal, &back) && access(progress, F_OK) != 0, "removed: none");

	err = od_job_load_path("/tmp/not-a-journal.txt", &ji);
	ok(err && strstr(err->message, "not a transfer journal"), "a path that is no journal: said");
	od_error_free(err);
	od_job_info_done(&ji);
	err = od_job_load_path(journal, &ji);
	ok(err != NULL, "a journal that is not there: an error");
	od_error_free(err);
	od_job_info_done(&ji);
}

int
main(void)
{
	char cmd[64];

	if (!mkdtemp(dir)) {
		plan_skip_all("cannot make a temporary folder");
		return 0;
	}
	test_journal();
	test_digest();
	test_acclog();
	test_state_dir();
	test_beside();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
