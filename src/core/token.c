/* SPDX-License-Identifier: GPL-3.0-or-later */
/* token.c: token sources, file permission checks, masking. */
#include "config.h"

#include "onetui/token.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/str.h"

#define MAX_TOKEN (64 * 1024)

/* Check a token's text: printable ASCII, no inner white space. */
static struct od_error *
check_token(char *token, const char *where)
{
	od_str_trim(token);
	if (!*token)
		return od_error_new(OD_ERR_INPUT, _("%s is empty; it should hold an access token"), where);
	for (const char *p = token; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f)
			return od_error_new(OD_ERR_INPUT,
					    _("%s does not look like a token: it contains white space or "
					      "characters other than printable ASCII"),
					    where);
	}
	return NULL;
}

struct od_error *
od_token_read_file(const char *path, char **token)
{
	struct od_error *err = NULL;
	struct od_buf b;
	struct stat st;
	char chunk[4096];
	ssize_t n;
	int fd;

	*token = NULL;
	/* Non-blocking, so that a FIFO without a writer cannot hang us
	 * before it is found not to be a regular file. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return od_error_errno(OD_ERR_INPUT, errno, _("cannot read the token file %s"), path);
	if (fstat(fd, &st) != 0) {
		err = od_error_errno(OD_ERR_INPUT, errno, _("cannot read the token file %s"), path);
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return od_error_new(OD_ERR_INPUT, _("the token file %s is not a regular file"), path);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return od_error_new(OD_ERR_INPUT,
				    _("the token file %s is accessible to other users (mode %04o), so the token "
				      "may be known to them; revoke it if in doubt, then run: chmod 600 %s"),
				    path, (unsigned)(st.st_mode & 07777), path);
	}
	od_buf_init(&b, MAX_TOKEN);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = od_error_errno(OD_ERR_INPUT, errno, _("cannot read the token file %s"), path);
			break;
		}
		if (od_buf_add(&b, chunk, (size_t)n) != 0) {
			err = od_error_new(OD_ERR_INPUT, _("the token file %s is larger than a token can be"), path);
			break;
		}
	}
	memset(chunk, 0, sizeof(chunk));
	close(fd);
	if (!err && b.len && memchr(b.data, '\0', b.len))
		err = od_error_new(OD_ERR_INPUT, _("the token file %s holds a NUL byte: it is not a token"), path);
	if (!err) {
		char *where = od_asprintf(_("the token file %s"), path);
		*token = od_buf_steal(&b);
		err = *token ? check_token(*token, where ? where : path) : od_error_nomem();
		free(where);
		if (err) {
			od_str_wipe_free(*token);
			*token = NULL;
		}
	} else {
		if (b.data)
			memset(b.data, 0, b.len);
		od_buf_done(&b);
	}
	return err;
}

static struct od_error *
from_env(const char *name, char **token, char **source)
{
	struct od_error *err;

	*token = strdup(getenv(name));
	*source = strdup(name);
	if (!*token || !*source) {
		od_str_wipe_free(*token);
		free(*source);
		*token = *source = NULL;
		return od_error_nomem();
	}
	err = check_token(*token, name);
	if (err) {
		od_str_wipe_free(*token);
		free(*source);
		*token = *source = NULL;
	}
	return err;
}

static struct od_error *
from_file(const char *path, char **token, char **source)
{
	struct od_error *err = od_token_read_file(path, token);

	if (err)
		return err;
	*source = od_asprintf(_("token file %s"), path);
	if (!*source) {
		od_str_wipe_free(*token);
		*token = NULL;
		return od_error_nomem();
	}
	return NULL;
}

struct od_error *
od_token_find(const char *flag_file, const char *profile_file, char **token, char **source)
{
	static const char *const env_names[] = { "ONEDATA_TOKEN", "ONECLIENT_ACCESS_TOKEN" };

	*token = *source = NULL;
	if (flag_file)
		return from_file(flag_file, token, source);
	for (size_t i = 0; i < OD_ARRAY_SIZE(env_names); i++) {
		const char *v = getenv(env_names[i]);
		if (v && *v)
			return from_env(env_names[i], token, source);
	}
	if (profile_file)
		return from_file(profile_file, token, source);
	return od_error_new(OD_ERR_INPUT,
			    _("no access token: use --token-file FILE, set ONEDATA_TOKEN, or name a "
			      "token-file in the profile (see onetui.conf(5))"));
}

char *
od_token_mask(const char *token)
{
	size_t n = token ? strlen(token) : 0;

	if (n < 16)
		return strdup("…");
	return od_asprintf("%.4s…%s", token, token + n - 4);
}

struct od_error *
od_private_write_file(const char *path, const char *data, size_t len)
{
	struct od_error *err = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 && errno == EEXIST)
		return od_error_new(OD_ERR_INPUT, _("%s exists already; onetui does not write a secret over a file"),
				    path);
	if (fd < 0)
		return od_error_errno(OD_ERR_IO, errno, _("cannot create %s"), path);
	/* The mode asked for may have been narrowed by the umask, never widened;
	 * make it exactly owner-only. */
	if (fchmod(fd, 0600) != 0 || write(fd, data, len) != (ssize_t)len || fsync(fd) != 0)
		err = od_error_errno(OD_ERR_IO, errno, _("cannot write %s"), path);
	if (close(fd) != 0 && !err)
		err = od_error_errno(OD_ERR_IO, errno, _("cannot write %s"), path);
	if (err)
		unlink(path);
	return err;
}

struct od_error *
od_token_write_file(const char *path, const char *token)
{
	char *line = od_asprintf("%s\n", token);
	struct od_error *err = line ? od_private_write_file(path, line, strlen(line)) : od_error_nomem();

	od_str_wipe_free(line);
	return err;
}
