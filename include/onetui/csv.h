/* SPDX-License-Identifier: GPL-3.0-or-later */
/* csv.h: CSV for people's spreadsheets (RFC 4180).
 *
 * Fields are quoted when they need it, lines end in CRLF. The values come
 * from the server, so each field is sanitised (sanitize.h: control
 * characters, line breaks included, become visible escapes; the file is
 * as safe to cat as any output), and a field that a spreadsheet would take
 * for a formula (starting with = + - @) gets a leading apostrophe: a share
 * called "=HYPERLINK(...)" must stay a name. */
#ifndef ONETUI_CSV_H
#define ONETUI_CSV_H

#include <stddef.h>

#include "onetui/buf.h"
#include "onetui/compiler.h"

/* Append one record of n fields (NULL: an empty field). 0, or -ENOMEM. */
int od_csv_record(struct od_buf *out, const char *const *fields, size_t n) OD_WARN_UNUSED;

#endif
