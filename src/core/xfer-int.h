/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xfer-int.h: what downloads and uploads share. */
#ifndef ONETUI_XFER_INT_H
#define ONETUI_XFER_INT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "onetui/digest.h"
#include "onetui/error.h"
#include "onetui/journal.h"

/* Queue rec (taken over) in j, if there is a journal; trouble is logged:
 * the transfer itself goes on. */
void xfer_record(struct od_journal *j, cJSON *rec);
void xfer_sync(struct od_journal *j);
/* Local file system trouble that every other file would run into too. */
bool xfer_fatal_errno(int e);
/* SHA-256 of the first size bytes of the local file path. */
struct od_error *xfer_hash_file(const char *path, uint64_t size, char out[OD_SHA256_HEX]);

#endif
