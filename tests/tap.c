/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tap.c: the TAP producer behind tests/tap.h. */
#include "config.h"

#include "tap.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int planned = -1;
static int run;
static int failed;

void
tap_plan(int n)
{
	planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

void
tap_plan_skip_all(const char *reason)
{
	printf("1..0 # SKIP %s\n", reason);
	fflush(stdout);
	exit(0);
}

static bool report(bool pass, const char *file, int line, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static bool
report(bool pass, const char *file, int line, const char *fmt, va_list ap)
{
	run++;
	if (!pass)
		failed++;
	printf("%sok %d - ", pass ? "" : "not ", run);
	vprintf(fmt, ap);
	putchar('\n');
	if (!pass)
		printf("#   Failed test at %s line %d.\n", file, line);
	fflush(stdout);
	return pass;
}

bool
tap_ok(bool pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(pass, file, line, fmt, ap);
	va_end(ap);
	return pass;
}

/* Print a value on diagnostic lines without letting it break the TAP stream. */
static void
diag_value(const char *label, const char *s)
{
	if (!s) {
		printf("#   %8s: (null)\n", label);
		return;
	}
	printf("#   %8s: '", label);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			fputs("\\n", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	puts("'");
}

bool
tap_is(const char *got, const char *expected, const char *file, int line, const char *fmt, ...)
{
	bool pass;
	va_list ap;

	if (!got || !expected)
		pass = got == expected;
	else
		pass = strcmp(got, expected) == 0;
	va_start(ap, fmt);
	report(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass) {
		diag_value("got", got);
		diag_value("expected", expected);
	}
	fflush(stdout);
	return pass;
}

bool
tap_cmp_ok(long long got, const char *op, long long expected, const char *file, int line,
	   const char *fmt, ...)
{
	bool pass;
	va_list ap;

	if (!strcmp(op, "=="))
		pass = got == expected;
	else if (!strcmp(op, "!="))
		pass = got != expected;
	else if (!strcmp(op, "<"))
		pass = got < expected;
	else if (!strcmp(op, "<="))
		pass = got <= expected;
	else if (!strcmp(op, ">"))
		pass = got > expected;
	else if (!strcmp(op, ">="))
		pass = got >= expected;
	else {
		printf("# unknown comparison operator '%s'\n", op);
		pass = false;
	}
	va_start(ap, fmt);
	report(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#     %lld\n#         %s\n#     %lld\n", got, op, expected);
	fflush(stdout);
	return pass;
}

bool
tap_like(const char *got, const char *regex, const char *file, int line, const char *fmt, ...)
{
	regex_t re;
	bool pass = false;
	va_list ap;

	if (regcomp(&re, regex, REG_EXTENDED | REG_NOSUB) != 0) {
		printf("# bad regular expression '%s'\n", regex);
	} else {
		pass = got && regexec(&re, got, 0, NULL, 0) == 0;
		regfree(&re);
	}
	va_start(ap, fmt);
	report(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass) {
		diag_value("got", got);
		diag_value("pattern", regex);
	}
	fflush(stdout);
	return pass;
}

void
tap_skip(int n, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	while (n-- > 0) {
		run++;
		printf("ok %d # SKIP %s\n", run, reason);
	}
	fflush(stdout);
}

void
tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int
tap_done_testing(void)
{
	if (planned < 0) {
		printf("1..%d\n", run);
		planned = run;
	}
	fflush(stdout);
	return tap_exit_status();
}

int
tap_exit_status(void)
{
	if (planned >= 0 && planned != run) {
		printf("# planned %d tests but ran %d\n", planned, run);
		return 255;
	}
	return failed ? 1 : 0;
}
