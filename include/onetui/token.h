/* SPDX-License-Identifier: GPL-3.0-or-later */
/* token.h: finding the access token and keeping it secret.
 *
 * Sources, first found wins: --token-file, ONEDATA_TOKEN, Oneclient's
 * ONECLIENT_ACCESS_TOKEN, the profile's token-file. A token file that
 * other users could read is refused, as ssh refuses such private keys.
 * Tokens are never logged or printed unmasked. */
#ifndef ONETUI_TOKEN_H
#define ONETUI_TOKEN_H

#include <stddef.h>

#include "onetui/compiler.h"
#include "onetui/error.h"

/* Read a token file: it must be a regular file with no group or other
 * permissions, hold one token (surrounding white space ignored) of at most
 * 64 KiB printable ASCII. Caller frees with od_str_wipe_free. */
struct od_error *od_token_read_file(const char *path, char **token) OD_WARN_UNUSED;

/* The token from the sources above (flag_file: --token-file, may be NULL;
 * profile_file may be NULL). *source says where it came from, for
 * messages ("ONEDATA_TOKEN", "token file /path"). Caller frees both. */
struct od_error *od_token_find(const char *flag_file, const char *profile_file, char **token,
			       char **source) OD_WARN_UNUSED;

/* Save a secret the user asked to keep (a token, a handout that holds
 * one) in a new file of mode 0600: never through a symbolic link, never
 * over an existing file (a file of that name is an error that says so),
 * made durable before it returns. */
struct od_error *od_private_write_file(const char *path, const char *data, size_t len) OD_WARN_UNUSED;
/* The same for a token, on one line. */
struct od_error *od_token_write_file(const char *path, const char *token) OD_WARN_UNUSED;

/* "MDAx…9fQw" style: enough to tell tokens apart, useless to an
 * onlooker. Caller frees. */
char *od_token_mask(const char *token);

#endif
