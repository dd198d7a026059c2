/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd.h: the CLI's command table. Each cmd-*.c exports one entry. */
#ifndef ONETUI_CLI_CMD_H
#define ONETUI_CLI_CMD_H

#include <getopt.h>

#include "cli/session.h"

struct cmd_entry {
	const char *name;
	const char *usage;		/* N_(): the arguments after the name */
	const char *summary;		/* N_(): one line for the command list */
	const char *shortopts;		/* getopt string of its own options */
	const struct option *longopts;	/* its own long options, or NULL */
	/* Run it: argv[0] is the command name. It parses its options with
	 * cmd_getopt, then opens a session. Returns an exit code. */
	int (*exec)(struct global_opts *g, int argc, char **argv);
};

/* --json, shared by the commands that offer it. */
#define CMD_OPT_JSON 0x200
#define CMD_JSON_OPTION { "json", no_argument, NULL, CMD_OPT_JSON }

/* What cmd_getopt returns besides the command's own options. */
enum {
	CMD_OPT_END = -1,	/* no more options: arguments start at optind */
	CMD_OPT_EXIT = -2,	/* help printed or bad usage: return cmd_exit_status */
};

extern const struct cmd_entry cmd_whoami_entry;
extern const struct cmd_entry cmd_spaces_entry;
extern const struct cmd_entry cmd_space_entry;
extern const struct cmd_entry cmd_ls_entry;
extern const struct cmd_entry cmd_stat_entry;
extern const struct cmd_entry cmd_info_entry;
extern const struct cmd_entry cmd_get_entry;
extern const struct cmd_entry cmd_put_entry;
extern const struct cmd_entry cmd_watch_entry;
extern const struct cmd_entry cmd_ingest_entry;
extern const struct cmd_entry cmd_transfers_entry;
extern const struct cmd_entry cmd_qos_entry;
extern const struct cmd_entry cmd_meta_entry;
extern const struct cmd_entry cmd_dataset_entry;
extern const struct cmd_entry cmd_archive_entry;
extern const struct cmd_entry cmd_share_entry;
extern const struct cmd_entry cmd_token_entry;
extern const struct cmd_entry cmd_handout_entry;
extern const struct cmd_entry cmd_audit_entry;

/* Parse argv and run the command. */
int cmd_main(int argc, char **argv);
/* getopt_long over the command's own options and the global ones, which
 * it applies to g itself. */
int cmd_getopt(const struct cmd_entry *e, struct global_opts *g, int argc, char **argv);
/* The exit status after CMD_OPT_EXIT. */
extern int cmd_exit_status;
/* Print "Usage: onetui NAME USAGE" and a hint to stderr; EXIT_USAGE. */
int cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...) OD_PRINTF(2, 3);

#endif
