/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tap.h: a small Test Anything Protocol producer with a libtap-style API. */
#ifndef ONETUI_TAP_H
#define ONETUI_TAP_H

#include <stdbool.h>
#include <stddef.h>

void tap_plan(int n);
void tap_plan_skip_all(const char *reason);
bool tap_ok(bool pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool tap_is(const char *got, const char *expected, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
bool tap_cmp_ok(long long got, const char *op, long long expected, const char *file,
		int line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
bool tap_like(const char *got, const char *regex, const char *file, int line,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void tap_skip(int n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap_done_testing(void);
/* Exit status for main(): nonzero when a test failed or the plan was missed. */
int tap_exit_status(void);

#define plan(n) tap_plan(n)
#define plan_skip_all(reason) tap_plan_skip_all(reason)
#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is(got, expected, ...) tap_is((got), (expected), __FILE__, __LINE__, __VA_ARGS__)
#define cmp_ok(got, op, expected, ...) \
	tap_cmp_ok((long long)(got), op, (long long)(expected), __FILE__, __LINE__, __VA_ARGS__)
#define like(got, regex, ...) tap_like((got), (regex), __FILE__, __LINE__, __VA_ARGS__)
#define skip(n, ...) tap_skip((n), __VA_ARGS__)
#define diag(...) tap_diag(__VA_ARGS__)
#define done_testing() tap_done_testing()

#endif
