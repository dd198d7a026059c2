/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xfer.c: helpers shared by downloads and uploads. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "onetui/i18n.h"
#include "onetui/log.h"

#include "xfer-int.h"

void
xfer_record(struct od_journal *j, cJSON *rec)
{
	struct od_error *err;

	if (j && rec && (err = od_journal_add(j, rec))) {
		od_log(OD_LOG_WARN, "%s", err->message);
		od_error_free(err);
	}
	cJSON_Delete(rec);
}

void
xfer_sync(struct od_journal *j)
{
	struct od_error *err;

	if (j && (err = od_journal_sync(j))) {
		od_log(OD_LOG_WARN, "%s", err->message);
		od_error_free(err);
	}
}

bool
xfer_fatal_errno(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EROFS;
}

struct od_error *
xfer_hash_file(const char *path, uint64_t size, char out[OD_SHA256_HEX])
{
	struct od_sha256 *h = od_sha256_new();
	struct od_error *err = NULL;
	int fd;

	if (!h)
		return od_error_nomem();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err = od_error_errno(OD_ERR_IO, errno, _("cannot read %s"), path);
	else
		err = od_sha256_fd(h, fd, 0, size);
	if (fd >= 0)
		close(fd);
	if (!err)
		od_sha256_hex(h, out);
	od_sha256_free(h);
	return err;
}
