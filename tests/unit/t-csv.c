/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-csv.c: CSV records: quoting, sanitising, formulas defused, empty
 * fields. */
#include "config.h"

#include "onetui/csv.h"

#include <stdlib.h>

#include "tap.h"

static void
check(const char *const *fields, size_t n, const char *want, const char *name)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	ok(od_csv_record(&b, fields, n) == 0, "%s: written", name);
	is(od_buf_str(&b), want, "%s", name);
	od_buf_done(&b);
}

int
main(void)
{
	check((const char *const[]){ "share", "Run 34", "https://z/share/1" }, 3, "share,Run 34,https://z/share/1\r\n",
	      "plain fields as they are, CRLF at the end");
	check((const char *const[]){ "a,b", "say \"hi\"" }, 2, "\"a,b\",\"say \"\"hi\"\"\"\r\n",
	      "commas and quotes quoted; quotes doubled");
	check((const char *const[]){ "two\nlines", "\x1b]0;pwned\x07", "\xe2\x80\xaetxt" }, 3,
	      "two\\nlines,\\e]0;pwned\\x07,\\u{202e}txt\r\n",
	      "line breaks, escape sequences and reordering characters become visible escapes");
	check((const char *const[]){ NULL, "", "x" }, 3, ",,x\r\n", "NULL and empty fields stay empty");
	check((const char *const[]){ "=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "a=b" }, 5,
	      "\"'=HYPERLINK(\"\"http://evil\"\")\",\"'+1\",\"'-2\",\"'@SUM(A1)\",a=b\r\n",
	      "what a spreadsheet would run is defused; = inside a field is fine");
	check((const char *const[]){ "Probe Müller (Ø 3 mm)" }, 1, "Probe Müller (Ø 3 mm)\r\n", "UTF-8 as it is");
	return done_testing();
}
