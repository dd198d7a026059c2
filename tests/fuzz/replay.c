/* SPDX-License-Identifier: GPL-3.0-or-later */
/* replay.c: run a fuzz target over saved inputs, without libFuzzer. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static size_t replayed;

/* Read the whole file; NULL (with a message) when it cannot be read. */
static uint8_t *
slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	uint8_t *data = NULL, *p;
	size_t cap = 0, n;

	*len = 0;
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", file, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 4096;
			if (!(p = realloc(data, cap))) {
				fprintf(stderr, "replay: %s: out of memory\n", file);
				free(data);
				fclose(f);
				return NULL;
			}
			data = p;
		}
		n = fread(data + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", file);
		free(data);
		data = NULL;
	}
	fclose(f);
	return data;
}

static int
replay_file(const char *file)
{
	uint8_t *data, *exact;
	size_t len;

	if (!(data = slurp(file, &len)))
		return -1;
	/* Like libFuzzer: the input in a buffer of exactly its size, so
	 * that a sanitiser sees any read past its end. */
	if (!(exact = realloc(data, len ? len : 1))) {
		free(data);
		return -1;
	}
	data = exact;
	fprintf(stderr, "replay: %s (%zu bytes)\n", file, len);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	replayed++;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file directly in dir, in name order. */
static int
replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	char **names = NULL, **p;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(p = realloc(names, cap * sizeof(*names)))) {
				rc = -1;
				break;
			}
			names = p;
		}
		if (!(names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2))) {
			rc = -1;
			break;
		}
		sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			rc = replay_file(names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc && rc == 0; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = replay_dir(argv[i]);
		} else {
			rc = replay_file(argv[i]);
		}
	}
	printf("%zu inputs replayed\n", replayed);
	return rc ? 1 : 0;
}
