/* SPDX-License-Identifier: GPL-3.0-or-later */
/* i18n.h: gettext markers. Key names, config keys, JSON output and log lines
 * are never translated. */
#ifndef ONETUI_I18N_H
#define ONETUI_I18N_H

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#define P_(singular, plural, n) ngettext(singular, plural, n)
#else
#define _(s) (s)
#define P_(singular, plural, n) ((n) == 1 ? (singular) : (plural))
#endif
#define N_(s) (s)

#endif
