/* SPDX-License-Identifier: GPL-3.0-or-later */
/* digest.h: SHA-256 of file content, as onetui records and checks it. */
#ifndef ONETUI_DIGEST_H
#define ONETUI_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/error.h"

#define OD_SHA256_HEX 65	/* 64 hex digits and the NUL */

struct od_sha256;

struct od_sha256 *od_sha256_new(void);
void od_sha256_free(struct od_sha256 *h);
/* Start over. */
void od_sha256_reset(struct od_sha256 *h);
void od_sha256_update(struct od_sha256 *h, const void *data, size_t len);
/* The digest in lower-case hex; the state is then reset. */
void od_sha256_hex(struct od_sha256 *h, char out[OD_SHA256_HEX]);
/* The digest of what was added so far, leaving h as it is (-1: out of memory). */
int od_sha256_peek_hex(const struct od_sha256 *h, char out[OD_SHA256_HEX]) OD_WARN_UNUSED;
/* Add bytes [off, off + len) of the open file fd. */
struct od_error *od_sha256_fd(struct od_sha256 *h, int fd, uint64_t off, uint64_t len) OD_WARN_UNUSED;
/* The same through the caller's buffer, for use in any thread: 0, or an
 * errno value (EIO when the file ends before off + len). */
int od_sha256_fd_buf(struct od_sha256 *h, int fd, uint64_t off, uint64_t len, char *buf, size_t bufsize) OD_WARN_UNUSED;
/* Whether s is 64 hex digits (either case). */
bool od_sha256_valid(const char *s);

#endif
