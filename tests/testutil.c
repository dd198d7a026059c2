/* SPDX-License-Identifier: GPL-3.0-or-later */
/* testutil.c: scratch files, reading a file whole, and a clean environment
 * for the tests. */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

char scratch_dir[4096];

static const char *const *saved_names;
static char **saved_values;
static size_t n_saved;

void
scratch_init(const char *name)
{
	const char *base = getenv("TMPDIR");

	if (!base || !*base)
		base = "/tmp";
	snprintf(scratch_dir, sizeof(scratch_dir), "%s/%s.XXXXXX", base, name);
	if (!mkdtemp(scratch_dir))
		plan_skip_all("cannot create a temporary directory");
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
scratch_done(void)
{
	nftw(scratch_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
scratch_path(const char *name)
{
	size_t n = strlen(scratch_dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", scratch_dir, name);
	return p;
}

char *
scratch_write(const char *name, const void *data, size_t len, mode_t mode)
{
	char *path = scratch_path(name);
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) != 0 || close(fd) != 0) {
		diag("cannot write %s: %s", path, strerror(errno));
		abort();
	}
	return path;
}

char *
scratch_write_str(const char *name, const char *text, mode_t mode)
{
	return scratch_write(name, text, strlen(text), mode);
}

void
scratch_mkdir(const char *name)
{
	char *p = scratch_path(name);

	if (mkdir(p, 0700) != 0 && errno != EEXIST) {
		diag("cannot create %s: %s", p, strerror(errno));
		abort();
	}
	free(p);
}

char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

void
env_save(const char *const *names, size_t n)
{
	saved_names = names;
	n_saved = n;
	saved_values = calloc(n, sizeof(*saved_values));
	if (!saved_values)
		abort();
	for (size_t i = 0; i < n; i++) {
		const char *v = getenv(names[i]);

		saved_values[i] = v ? strdup(v) : NULL;
		unsetenv(names[i]);
	}
}

void
env_restore(void)
{
	for (size_t i = 0; i < n_saved; i++) {
		if (saved_values[i])
			setenv(saved_names[i], saved_values[i], 1);
		else
			unsetenv(saved_names[i]);
		free(saved_values[i]);
	}
	free(saved_values);
	saved_values = NULL;
	n_saved = 0;
}
