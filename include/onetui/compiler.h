/* SPDX-License-Identifier: GPL-3.0-or-later */
/* compiler.h: attribute macros shared by every module. */
#ifndef ONETUI_COMPILER_H
#define ONETUI_COMPILER_H

#define OD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define OD_WARN_UNUSED __attribute__((warn_unused_result))
#define OD_NORETURN _Noreturn
/* Kept a function of its own, so that a profiler can name it. */
#define OD_NOINLINE __attribute__((noinline))

/* Internals that unit tests reach: static in the program, visible in the
 * OD_UNITTEST build of the core (see Makefile.am). */
#ifdef OD_UNITTEST
#define OD_STATIC
#else
#define OD_STATIC static
#endif

#define OD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
