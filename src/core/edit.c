/* SPDX-License-Identifier: GPL-3.0-or-later */
/* edit.c: running the user's editor on a private temporary file. */
#include "config.h"

#include "onetui/edit.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/str.h"

struct od_edit {
	char *path;
	char at[24];		/* "+LINE" */
	const char *args[2];
};

const char *
od_editor(void)
{
	const char *vars[] = { "VISUAL", "EDITOR" };

	for (size_t i = 0; i < OD_ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return v;
	}
	return "vi";
}

pid_t
od_program_start(const char *prog, const char *const *args, size_t n)
{
	const char **argv = calloc(n + 5, sizeof(*argv));
	pid_t pid;

	if (!argv)
		return -1;
	/* sh -c so that a command with arguments works; its words split as
	 * the shell splits $0, the arguments stay whole. */
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = "exec $0 \"$@\"";
	argv[3] = prog;
	for (size_t i = 0; i < n; i++)
		argv[4 + i] = args[i];
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		execv("/bin/sh", (char *const *)argv);
		_exit(127);
	}
	free(argv);
	return pid;
}

int
od_program_reap(pid_t pid, bool wait)
{
	int status;
	pid_t got;

	while ((got = waitpid(pid, &status, wait ? 0 : WNOHANG)) < 0 && errno == EINTR)
		;
	if (got == 0)
		return OD_PROGRAM_RUNNING;
	if (got < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int
od_run_program(const char *prog, const char *const *args, size_t n)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, saved;
	pid_t pid;
	int rc;

	sigemptyset(&ignore.sa_mask);
	sigaction(SIGINT, &ignore, &saved);
	pid = od_program_start(prog, args, n);
	rc = pid < 0 ? -1 : od_program_reap(pid, true);
	sigaction(SIGINT, &saved, NULL);
	return rc;
}

struct od_error *
od_edit_new(const char *text, size_t len, const char *suffix, struct od_edit **out)
{
	const char *dir = getenv("TMPDIR");
	struct od_edit *e = calloc(1, sizeof(*e));
	struct od_error *err;
	int fd = -1, saved;
	bool made = false;
	mode_t old_mask;

	*out = NULL;
	if (!dir || !*dir)
		dir = "/tmp";
	if (!e || !(e->path = od_asprintf("%s/onetui-XXXXXX%s", dir, suffix))) {
		free(e);
		return od_error_nomem();
	}
	old_mask = umask(077);
	fd = mkstemps(e->path, (int)strlen(suffix));
	umask(old_mask);
	if (fd < 0)
		goto fail;
	made = true;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		done += (size_t)n;
	}
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	*out = e;
	return NULL;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(e->path);	/* no half-written file is left behind */
	err = od_error_errno(OD_ERR_IO, saved, _("Cannot write a temporary file in %s"), dir);
	free(e->path);
	free(e);
	return err;
}

const char *
od_edit_path(const struct od_edit *e)
{
	return e->path;
}

/* Editors known to take "+LINE" before the file. */
static bool
takes_line(const char *prog)
{
	static const char *const known[] = { "vi", "vim", "nvim", "view", "nano", "emacs", "mg" };
	size_t word = strcspn(prog, " \t");
	const char *base = prog;

	for (size_t i = 0; i < word; i++)
		if (prog[i] == '/')
			base = prog + i + 1;
	for (size_t i = 0; i < OD_ARRAY_SIZE(known); i++)
		if (strlen(known[i]) == (size_t)(prog + word - base) && memcmp(base, known[i], strlen(known[i])) == 0)
			return true;
	return false;
}

const char *const *
od_edit_args(struct od_edit *e, const char *prog, int line, size_t *n)
{
	*n = 0;
	if (line > 0 && takes_line(prog)) {
		snprintf(e->at, sizeof(e->at), "+%d", line);
		e->args[(*n)++] = e->at;
	}
	e->args[(*n)++] = e->path;
	return e->args;
}

struct od_error *
od_edit_run(struct od_edit *e, int line)
{
	const char *prog = od_editor();
	size_t n;
	const char *const *args = od_edit_args(e, prog, line, &n);
	int rc = od_run_program(prog, args, n);

	if (rc == 0)
		return NULL;
	if (rc == 127 || rc < 0)
		return od_error_new(OD_ERR_IO, _("Could not run the editor \"%s\" (set VISUAL or EDITOR to choose one)"),
				    prog);
	return od_error_new(OD_ERR_INPUT, _("The editor ended with status %d"), rc);
}

struct od_error *
od_edit_read(const struct od_edit *e, char **text, size_t *len)
{
	struct od_buf b;
	struct od_error *err;

	*text = NULL;
	*len = 0;
	od_buf_init(&b, OD_BUF_UNLIMITED);
	if ((err = od_buf_read_file(&b, e->path))) {
		od_buf_done(&b);
		return err;
	}
	*len = b.len;
	if (!(*text = od_buf_steal(&b)) && !(*text = calloc(1, 1)))
		return od_error_nomem();
	return NULL;
}

void
od_edit_free(struct od_edit *e, bool keep)
{
	if (!e)
		return;
	if (!keep)
		unlink(e->path);
	free(e->path);
	free(e);
}
