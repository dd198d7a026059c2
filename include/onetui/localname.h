/* SPDX-License-Identifier: GPL-3.0-or-later */
/* localname.h: turning a name a server sent into a local file name.
 *
 * A remote name comes from a server onetui does not control. It may hold
 * a '/', be "." or "..", hold control characters (which also end up in
 * terminals and scripts that read file lists) or not be UTF-8. Such a
 * name is never used as it is: either the file is left out and reported,
 * or, when the user asks for it, the offending bytes are written as %XX
 * (and '%' itself as %25, so that two different names never meet). */
#ifndef ONETUI_LOCALNAME_H
#define ONETUI_LOCALNAME_H

#include <stdbool.h>

#include "onetui/compiler.h"

enum od_name_verdict {
	OD_NAME_OK,		/* usable as it is */
	OD_NAME_MAPPED,		/* unsafe; *out holds the %XX form */
	OD_NAME_REFUSED,	/* unsafe and mapping was not asked for, or too long mapped */
};

/* Judge name; with map, give the mapped form of an unsafe one. *out (the
 * name to use, caller frees) is set for OK and MAPPED; *why says what is
 * wrong with an unsafe name (a static, translated phrase). Returns -1 only
 * when memory runs out. */
int od_local_name(const char *name, bool map, char **out, enum od_name_verdict *verdict,
		  const char **why) OD_WARN_UNUSED;

#endif
