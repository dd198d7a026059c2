/* SPDX-License-Identifier: GPL-3.0-or-later */
/* csv.c: CSV records. */
#include "config.h"

#include "onetui/csv.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/sanitize.h"

static int
quoted(struct od_buf *out, const char *f)
{
	bool formula = strchr("=+-@", f[0]) && f[0];
	bool quote = formula || strpbrk(f, ",\"") != NULL;

	if (quote && od_buf_addc(out, '"'))
		return -1;
	if (formula && od_buf_addc(out, '\''))
		return -1;
	for (const char *p = f; *p; p++)
		if ((*p == '"' && od_buf_addc(out, '"')) || od_buf_addc(out, *p))
			return -1;
	return quote && od_buf_addc(out, '"') ? -1 : 0;
}

static int
field(struct od_buf *out, const char *raw)
{
	char *f = od_sanitize(raw, 0);
	int rc = f ? 0 : -1;

	if (f) {
		rc = quoted(out, f);
		free(f);
	}
	return rc;
}

int
od_csv_record(struct od_buf *out, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((i && od_buf_addc(out, ',')) || field(out, fields[i] ? fields[i] : ""))
			return -1;
	return od_buf_adds(out, "\r\n") ? -1 : 0;
}
