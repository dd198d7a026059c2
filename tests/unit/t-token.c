/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-token.c: unit tests for token files, token sources and masking. */
#include "config.h"

#include "onetui/token.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "onetui/str.h"

#include "tap.h"
#include "testutil.h"

/* A token shaped like a real Onedata access token. */
#define TOKEN "MDAxY2xvY2F0aW9uIG9uZXpvbmUKMDAzYmlkZW50aWZpZXIgMi9ubWQvdXNyLWFiYzEyMy9hY3Qv"
#define TOKEN2 "MDAyOWxvY2F0aW9uIHNlY29uZC16b25lLmV4YW1wbGUub3JnCjAwMzBpZGVudGlmaWVy"

static const char *const env_names[] = { "ONEDATA_TOKEN", "ONECLIENT_ACCESS_TOKEN" };
static void
test_read_good(void)
{
	static const struct {
		const char *name, *text;
		mode_t mode;
	} cases[] = {
		{ "mode 0600", TOKEN, 0600 },
		{ "trailing newline", TOKEN "\n", 0600 },
		{ "CRLF", TOKEN "\r\n", 0600 },
		{ "surrounding white space", " \t\n" TOKEN " \n\n", 0600 },
		{ "mode 0400", TOKEN "\n", 0400 },
		{ "mode 0700", TOKEN "\n", 0700 },
		{ "one character", "x", 0600 },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		char *path = scratch_write_str("good", cases[i].text, cases[i].mode);
		char *tok = (char *)1;
		struct od_error *err = od_token_read_file(path, &tok);
		char *want = strdup(cases[i].text);

		if (!want)
			abort();
		od_str_trim(want);
		is(err ? err->message : tok, want, "read: %s", cases[i].name);
		od_error_free(err);
		if (!err)
			od_str_wipe_free(tok);
		free(want);
		free(path);
	}

	/* exactly 64 KiB is the largest token file */
	{
		char *big = malloc(64 * 1024);
		char *path, *tok = NULL;
		struct od_error *err;

		if (!big)
			abort();
		memset(big, 'A', 64 * 1024);
		path = scratch_write("big", big, 64 * 1024, 0600);
		err = od_token_read_file(path, &tok);
		ok(!err && tok && strlen(tok) == 64 * 1024, "read: a 64 KiB token is accepted");
		od_error_free(err);
		od_str_wipe_free(tok);
		free(path);
		free(big);
	}
}

static void
test_read_bad(void)
{
	static const struct {
		const char *name;
		const char *data;
		size_t len;		/* 0: strlen */
		mode_t mode;
		const char *re;
		const char *bug;
	} cases[] = {
		{ "mode 0640", TOKEN, 0, 0640, "mode 0640.*chmod 600 ", NULL },
		{ "mode 0604", TOKEN, 0, 0604, "mode 0604.*chmod 600 ", NULL },
		{ "mode 0660", TOKEN, 0, 0660, "mode 0660.*chmod 600 ", NULL },
		{ "mode 0644", TOKEN, 0, 0644, "accessible to other users.*chmod 600", NULL },
		{ "mode 0610 (group execute)", TOKEN, 0, 0610, "chmod 600", NULL },
		{ "mode 0601 (other execute)", TOKEN, 0, 0601, "chmod 600", NULL },
		{ "mode 0620 (group write)", TOKEN, 0, 0620, "chmod 600", NULL },
		{ "empty file", "", 0, 0600, "is empty; it should hold an access token$", NULL },
		{ "only white space", " \n\t\n", 0, 0600, "is empty", NULL },
		{ "two tokens on two lines", TOKEN "\n" TOKEN2 "\n", 0, 0600,
		  "does not look like a token: it contains white space", NULL },
		{ "inner space", "abc def\n", 0, 0600, "does not look like a token", NULL },
		{ "inner tab", "abc\tdef", 0, 0600, "does not look like a token", NULL },
		{ "non-ASCII", "abc\xc3\xa9" "def\n", 0, 0600, "printable ASCII", NULL },
		{ "a high byte", "abc\xff", 0, 0600, "printable ASCII", NULL },
		{ "control character", "abc\x1b[0mdef", 0, 0600, "printable ASCII", NULL },
		{ "DEL", "abc\x7f", 0, 0600, "printable ASCII", NULL },
		{ "NUL inside", "abcdef\0ghijkl\n", 14, 0600, "holds a NUL byte", NULL },
		{ "NUL at the end", "abcdef\0", 7, 0600, "holds a NUL byte", NULL },
	};
	size_t i;

	for (i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].data);
		char *path = scratch_write("bad", cases[i].data, len, cases[i].mode);
		char *tok = (char *)1;
		struct od_error *err = od_token_read_file(path, &tok);

		ok(err && err->kind == OD_ERR_INPUT && tok == NULL, "read: %s refused, token NULL",
		   cases[i].name);
		if (!like(err ? err->message : NULL, cases[i].re, "read: %s: message", cases[i].name) &&
		    cases[i].bug)
			diag("BUG (token.c od_token_read_file/check_token): %s", cases[i].bug);
		ok(!err || strstr(err->message, path), "read: %s: message names the file",
		   cases[i].name);
		if (len >= 6) {
			char head[7];

			memcpy(head, cases[i].data, 6);
			head[6] = '\0';
			ok(!err || !strstr(err->message, head),
			   "read: %s: message does not quote the contents", cases[i].name);
		}
		od_error_free(err);
		if (!err && tok != (char *)1)
			od_str_wipe_free(tok);
		free(path);
	}

	/* the permission message quotes the path in the chmod command */
	{
		char *path = scratch_write_str("perm", TOKEN, 0640), *tok = NULL, *want;
		struct od_error *err = od_token_read_file(path, &tok);

		want = od_asprintf("chmod 600 %s", path);
		ok(err && want && strstr(err->message, want), "read: message has \"chmod 600 <path>\"");
		od_error_free(err);
		free(want);
		free(path);
	}

	/* more than 64 KiB */
	{
		size_t n = 64 * 1024 + 1;
		char *big = malloc(n);
		char *path, *tok = (char *)1;
		struct od_error *err;

		if (!big)
			abort();
		memset(big, 'A', n);
		path = scratch_write("toobig", big, n, 0600);
		err = od_token_read_file(path, &tok);
		ok(err && tok == NULL, "read: a file of 64 KiB + 1 is refused");
		like(err ? err->message : NULL, "larger than a token can be", "read: too large: message");
		od_error_free(err);
		free(path);
		free(big);
	}
	{
		size_t n = 1024 * 1024;
		char *big = malloc(n);
		char *path, *tok = (char *)1;
		struct od_error *err;

		if (!big)
			abort();
		memset(big, 'A', n);
		path = scratch_write("huge", big, n, 0600);
		err = od_token_read_file(path, &tok);
		ok(err && tok == NULL, "read: a 1 MiB file is refused");
		od_error_free(err);
		free(path);
		free(big);
	}

	/* not a regular file */
	{
		char *path = scratch_path("tokdir"), *tok = (char *)1;
		struct od_error *err;

		mkdir(path, 0700);
		err = od_token_read_file(path, &tok);
		ok(err && tok == NULL, "read: a directory is refused");
		like(err ? err->message : NULL, "is not a regular file", "read: directory: message");
		od_error_free(err);
		rmdir(path);
		free(path);

		tok = (char *)1;
		err = od_token_read_file("/dev/null", &tok);
		ok(err && tok == NULL, "read: a character device is refused");
		like(err ? err->message : NULL, "/dev/null is not a regular file",
		     "read: device: message");
		od_error_free(err);
	}

	/* A FIFO without a writer must be refused, not wait forever in open(). */
	{
		char *path = scratch_path("fifo");
		pid_t pid;
		int status = 0;

		unlink(path);
		if (mkfifo(path, 0600) != 0) {
			skip(1, "cannot create a FIFO");
		} else if ((pid = fork()) == 0) {
			char *tok = NULL;
			struct od_error *err;
			int refused;

			alarm(3);
			err = od_token_read_file(path, &tok);
			refused = err && strstr(err->message, "not a regular file");
			/* Free everything: under valgrind a leak would change the status. */
			od_error_free(err);
			od_str_wipe_free(tok);
			free(path);
			_exit(refused ? 0 : 1);
		} else if (pid < 0) {
			skip(1, "cannot fork");
		} else {
			waitpid(pid, &status, 0);
			if (!ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
				"read: a FIFO is refused without blocking"))
				diag("BUG (token.c od_token_read_file): open() without O_NONBLOCK "
				     "blocks on a FIFO that has no writer (%s)",
				     WIFSIGNALED(status) ? "killed by the 3 s alarm" : "wrong result");
		}
		unlink(path);
		free(path);
	}

	/* missing file */
	{
		char *path = scratch_path("no-such-token"), *tok = (char *)1;
		struct od_error *err = od_token_read_file(path, &tok);
		char *want = od_asprintf("cannot read the token file %s: %s", path, strerror(ENOENT));

		ok(err && tok == NULL && err->sys_errno == ENOENT, "read: missing file is refused");
		is(err ? err->message : NULL, want, "read: missing file: message");
		od_error_free(err);
		free(want);
		free(path);
	}

	/* a symlink to a good file is followed; its target's mode counts */
	{
		char *target = scratch_write_str("target", TOKEN "\n", 0600), *link = scratch_path("link");
		char *tok = NULL;
		struct od_error *err;

		unlink(link);
		if (symlink(target, link) == 0) {
			err = od_token_read_file(link, &tok);
			is(err ? err->message : tok, TOKEN, "read: a symlink to a 0600 file");
			od_error_free(err);
			od_str_wipe_free(tok);
			tok = NULL;
			chmod(target, 0644);
			err = od_token_read_file(link, &tok);
			ok(err && tok == NULL, "read: a symlink to a 0644 file is refused");
			od_error_free(err);
		} else {
			skip(2, "cannot create a symlink");
		}
		free(target);
		free(link);
	}

	/* unreadable (only meaningful when not root) */
	if (geteuid() != 0) {
		char *path = scratch_write_str("unreadable", TOKEN, 0), *tok = (char *)1;
		struct od_error *err = od_token_read_file(path, &tok);

		ok(err && tok == NULL && err->sys_errno == EACCES, "read: an unreadable file");
		od_error_free(err);
		free(path);
	} else {
		skip(1, "running as root");
	}
}

/* Find a token; returns "token|source" or "ERROR: message", caller frees. */
static char *
find(const char *flag_file, const char *profile_file)
{
	char *tok = (char *)1, *src = (char *)1, *r;
	struct od_error *err = od_token_find(flag_file, profile_file, &tok, &src);

	if (err) {
		r = od_asprintf("ERROR: %s%s", err->message,
				tok == NULL && src == NULL ? "" : " (outputs not NULL)");
		od_error_free(err);
		return r;
	}
	r = od_asprintf("%s|%s", tok, src);
	od_str_wipe_free(tok);
	free(src);
	return r;
}

static void
test_find(void)
{
	char *flag = scratch_write_str("flag-token", "FLAGTOKEN\n", 0600);
	char *prof = scratch_write_str("profile-token", "PROFILETOKEN\n", 0600);
	char *open_mode = scratch_write_str("open-token", "OPENTOKEN\n", 0644);
	char *missing = scratch_path("missing-token");
	char *r, *want;

	unsetenv("ONEDATA_TOKEN");
	unsetenv("ONECLIENT_ACCESS_TOKEN");

	r = find(NULL, NULL);
	like(r, "^ERROR: no access token: use --token-file FILE, set ONEDATA_TOKEN",
	     "find: no source at all is an error mentioning --token-file");
	free(r);

	want = od_asprintf("PROFILETOKEN|token file %s", prof);
	r = find(NULL, prof);
	is(r, want, "find: the profile's token file");
	free(r);
	free(want);

	setenv("ONECLIENT_ACCESS_TOKEN", "ONECLIENTTOKEN", 1);
	r = find(NULL, prof);
	is(r, "ONECLIENTTOKEN|ONECLIENT_ACCESS_TOKEN",
	   "find: ONECLIENT_ACCESS_TOKEN beats the profile file");
	free(r);

	setenv("ONEDATA_TOKEN", "  ONEDATATOKEN\n", 1);
	r = find(NULL, prof);
	is(r, "ONEDATATOKEN|ONEDATA_TOKEN",
	   "find: ONEDATA_TOKEN beats ONECLIENT_ACCESS_TOKEN (white space trimmed)");
	free(r);

	want = od_asprintf("FLAGTOKEN|token file %s", flag);
	r = find(flag, prof);
	is(r, want, "find: --token-file beats everything");
	free(r);
	free(want);

	/* a broken source is an error, not a reason to look further */
	want = od_asprintf("^ERROR: cannot read the token file %s: ", missing);
	r = find(missing, prof);
	like(r, want, "find: a missing --token-file is an error even with other sources");
	free(r);
	free(want);
	r = find(open_mode, prof);
	like(r, "^ERROR: .*chmod 600", "find: a world-readable --token-file is an error");
	free(r);

	setenv("ONEDATA_TOKEN", "two words", 1);
	r = find(NULL, prof);
	like(r, "^ERROR: ONEDATA_TOKEN does not look like a token",
	     "find: a bad ONEDATA_TOKEN is an error naming the variable");
	ok(r && !strstr(r, "two words"), "find: the bad token is not quoted");
	free(r);

	setenv("ONEDATA_TOKEN", "", 1);
	r = find(NULL, prof);
	is(r, "ONECLIENTTOKEN|ONECLIENT_ACCESS_TOKEN", "find: an empty ONEDATA_TOKEN is skipped");
	free(r);

	setenv("ONECLIENT_ACCESS_TOKEN", " \n ", 1);
	r = find(NULL, prof);
	like(r, "^ERROR: ONECLIENT_ACCESS_TOKEN is empty",
	     "find: a blank ONECLIENT_ACCESS_TOKEN is an error");
	free(r);

	unsetenv("ONEDATA_TOKEN");
	unsetenv("ONECLIENT_ACCESS_TOKEN");
	r = find(NULL, open_mode);
	like(r, "^ERROR: .*chmod 600", "find: a world-readable profile file is an error");
	free(r);
	r = find(NULL, missing);
	like(r, "^ERROR: cannot read the token file", "find: a missing profile file is an error");
	free(r);

	free(flag);
	free(prof);
	free(open_mode);
	free(missing);
}

static void
test_mask(void)
{
	static const char *const tokens[] = {
		"",
		"a",
		"abcdefgh",
		"0123456789abcde",		/* 15: fully masked */
		"0123456789abcdef",		/* 16 */
		"0123456789abcdefghij",
		TOKEN,
		TOKEN TOKEN2,
	};
	size_t i;
	char *m;

	for (i = 0; i < OD_ARRAY_SIZE(tokens); i++) {
		const char *t = tokens[i];
		size_t n = strlen(t);

		m = od_token_mask(t);
		ok(m != NULL, "mask(%zu chars): not NULL", n);
		if (!m)
			continue;
		if (n < 16) {
			is(m, "\xe2\x80\xa6", "mask(%zu chars): fully masked", n);
		} else {
			char mid[200];
			size_t midlen = n - 8 < sizeof(mid) - 1 ? n - 8 : sizeof(mid) - 1;
			char want[16];

			/* the middle: everything but the first and last four */
			memcpy(mid, t + 4, midlen);
			mid[midlen] = '\0';
			ok(!strstr(m, mid), "mask(%zu chars): the middle is not shown", n);
			snprintf(want, sizeof(want), "%.4s\xe2\x80\xa6%s", t, t + n - 4);
			is(m, want, "mask(%zu chars): first and last four", n);
			ok(strlen(m) < n, "mask(%zu chars): shorter than the token", n);
		}
		free(m);
	}
	m = od_token_mask(NULL);
	is(m, "\xe2\x80\xa6", "mask(NULL): fully masked");
	free(m);
}

/* Saving a token: private, read back by the token reader, never over a
 * file or through a link. */
static void
test_write(void)
{
	char *path = scratch_path("saved.token"), *link = scratch_path("link.token"),
	     *other = scratch_write_str("other.txt", "keep me\n", 0644), *back = NULL;
	struct od_error *err;
	struct stat st;
	mode_t old = umask(0);

	err = od_token_write_file(path, TOKEN);
	umask(old);
	ok(!err && stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "saved with mode 0600 even with umask 0");
	od_error_free(err);
	err = od_token_read_file(path, &back);
	is(back, TOKEN, "the token reader reads it back");
	od_error_free(err);
	od_str_wipe_free(back);
	err = od_token_write_file(path, TOKEN2);
	ok(err && strstr(err->message, "exists already"), "not over an existing token file (%s)", err ? err->message : "written");
	od_error_free(err);
	ok(symlink(other, link) == 0, "a link to another file");
	err = od_token_write_file(link, TOKEN);
	ok(err != NULL, "not through a symbolic link");
	od_error_free(err);
	back = NULL;
	{
		FILE *f = fopen(other, "r");
		char line[32] = "";
		ok(f && fgets(line, sizeof(line), f) && strcmp(line, "keep me\n") == 0, "the file behind it untouched");
		if (f)
			fclose(f);
	}
	err = od_token_write_file("/nonexistent-dir/x.token", TOKEN);
	ok(err && strstr(err->message, "cannot create /nonexistent-dir/x.token"), "a folder that is not there: said");
	od_error_free(err);
	free(path);
	free(link);
	free(other);
}

int
main(void)
{
	scratch_init("t-token");
	env_save(env_names, OD_ARRAY_SIZE(env_names));

	test_read_good();
	test_read_bad();
	test_find();
	test_mask();
	test_write();

	env_restore();
	scratch_done();
	return done_testing();
}
