/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: onetui's entry point. With a command it is the CLI; the
 * full-screen interface will answer when no command is given. */
#include "config.h"

#include <locale.h>

#include "cli/cmd.h"
#include "onetui/i18n.h"

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);
#endif
	return cmd_main(argc, argv);
}
