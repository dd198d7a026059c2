/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd.c: global options, the command table and dispatch. */
#include "config.h"

#include "cli/cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/jobrun.h"
#include "cli/output.h"
#include "tui/tui.h"
#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "xmalloc.h"

static const struct cmd_entry *const commands[] = {
	&cmd_whoami_entry,
	&cmd_spaces_entry,
	&cmd_space_entry,
	&cmd_ls_entry,
	&cmd_stat_entry,
	&cmd_info_entry,
	&cmd_get_entry,
	&cmd_put_entry,
	&cmd_ingest_entry,
	&cmd_watch_entry,
	&cmd_transfers_entry,
	&cmd_qos_entry,
	&cmd_meta_entry,
	&cmd_dataset_entry,
	&cmd_archive_entry,
	&cmd_share_entry,
	&cmd_token_entry,
	&cmd_handout_entry,
	&cmd_audit_entry,
};

enum {
	OPT_PROFILE = 0x100,
	OPT_ZONE,
	OPT_PROVIDER,
	OPT_TOKEN_FILE,
	OPT_CACERT,
	OPT_CONFIG,
	OPT_VERSION,
	OPT_HELP,
};

static const struct option global_options[] = {
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "zone", required_argument, NULL, OPT_ZONE },
	{ "provider", required_argument, NULL, OPT_PROVIDER },
	{ "token-file", required_argument, NULL, OPT_TOKEN_FILE },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
};

static void
print_help(FILE *out)
{
	fprintf(out, _("Usage: onetui [OPTION]... [COMMAND [ARG]...]\n"
		       "       onetui [OPTION]... https://ZONE/share/ID\n"
		       "A terminal client for Onedata: browse spaces, datasets and files.\n"
		       "Without a command, onetui opens its full-screen interface; given a\n"
		       "share's public link, it opens that share, read-only and without a token.\n\n"
		       "Commands:\n"));
	for (size_t i = 0; i < OD_ARRAY_SIZE(commands); i++) {
		char *line = xasprintf("%s %s", commands[i]->name, _(commands[i]->usage));
		fprintf(out, "  %s\n      %s\n", line, _(commands[i]->summary));
		free(line);
	}
	fprintf(out, _("\nOptions (before or after the command):\n"
		       "      --profile NAME     use this profile of the configuration file\n"
		       "      --zone URL         the Onezone to use (e.g. https://datahub.example.org)\n"
		       "      --provider HOST    use this Oneprovider host for every space\n"
		       "      --token-file FILE  read the access token from FILE (mode 600)\n"
		       "      --cacert FILE      trust the certificate authority in FILE\n"
		       "      --config FILE      read this configuration file\n"
		       "  -v, --verbose          say more (twice: debugging)\n"
		       "      --version          print the version and exit\n"
		       "      --help             print this help and exit\n\n"
		       "The token may also come from ONEDATA_TOKEN or ONECLIENT_ACCESS_TOKEN.\n"
		       "Exit status: 0 success, 1 failure, 2 usage, 3 configuration or token file,\n"
		       "4 token refused or permission denied, 5 network or TLS, 130 interrupted.\n"
		       "See onetui(1) and onetui.conf(5).\n"));
}

static const struct cmd_entry *
find_command(const char *name)
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

int
cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
	struct od_buf b;
	va_list ap;

	if (fmt) {
		od_buf_init(&b, OD_BUF_UNLIMITED);
		va_start(ap, fmt);
		if (od_buf_vaddf(&b, fmt, ap) != 0)
			xoom();
		va_end(ap);
		out_error("%s", od_buf_str(&b));
		od_buf_done(&b);
	}
	if (e)
		fprintf(stderr, _("Usage: onetui %s %s\n"), e->name, _(e->usage));
	fprintf(stderr, _("Try 'onetui --help' for more information.\n"));
	return EXIT_USAGE;
}

/* Handle a global option; false when c is not one. */
static bool
global_option(int c, struct global_opts *g)
{
	switch (c) {
	case OPT_PROFILE: g->ov.profile = optarg; break;
	case OPT_ZONE: g->ov.zone = optarg; break;
	case OPT_PROVIDER: g->ov.provider = optarg; break;
	case OPT_TOKEN_FILE: g->ov.token_file = optarg; break;
	case OPT_CACERT: g->ov.ca_file = optarg; break;
	case OPT_CONFIG: g->config_path = optarg; break;
	case 'v': g->verbose++; break;
	default: return false;
	}
	return true;
}

int cmd_exit_status;

/* How the user spelled the option getopt stopped at. */
static char *
bad_option(char **argv)
{
	if (optopt > 0 && optopt < 0x100)
		return xasprintf("-%c", optopt);
	return xstrdup(argv[optind - 1]);
}

/* The usage error for getopt's '?' (unknown) or ':' (value missing). */
static int
option_error(const struct cmd_entry *e, int c, char **argv)
{
	char *name = bad_option(argv);
	int rc = c == ':' ? cmd_usage_error(e, _("option '%s' needs a value"), name)
			  : cmd_usage_error(e, _("unknown option '%s'"), name);

	free(name);
	return rc;
}

int
cmd_getopt(const struct cmd_entry *e, struct global_opts *g, int argc, char **argv)
{
	size_t n = 0, m = OD_ARRAY_SIZE(global_options);
	struct option *opts;
	char *shortopts;
	int c;

	while (e->longopts && e->longopts[n].name)
		n++;
	opts = xcalloc(n + m + 1, sizeof(*opts));
	if (n)
		memcpy(opts, e->longopts, n * sizeof(*opts));
	memcpy(opts + n, global_options, m * sizeof(*opts));
	shortopts = xasprintf(":%sv", e->shortopts ? e->shortopts : "");
	opterr = 0;
	do {
		c = getopt_long(argc, argv, shortopts, opts, NULL);
	} while (global_option(c, g));
	free(opts);
	free(shortopts);
	switch (c) {
	case '?':
	case ':':
		cmd_exit_status = option_error(e, c, argv);
		return CMD_OPT_EXIT;
	case OPT_HELP:
		printf(_("Usage: onetui %s %s\n%s\n"), e->name, _(e->usage), _(e->summary));
		cmd_exit_status = EXIT_OK;
		return CMD_OPT_EXIT;
	case OPT_VERSION:
		printf("onetui %s\n", PACKAGE_VERSION);
		cmd_exit_status = EXIT_OK;
		return CMD_OPT_EXIT;
	}
	return c;
}

int
cmd_main(int argc, char **argv)
{
	struct global_opts g = { 0 };
	const struct cmd_entry *e;
	int c, rc, first;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:v", global_options, NULL)) != -1) {
		if (c == OPT_VERSION) {
			printf("onetui %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		}
		if (c == OPT_HELP) {
			print_help(stdout);
			return EXIT_OK;
		}
		if (c == '?' || c == ':')
			return option_error(NULL, c, argv);
		global_option(c, &g);
	}
	if (optind >= argc)
		return tui_main(g.config_path, &g.ov, g.verbose, NULL);
	if (optind == argc - 1) {
		char *origin, *share;
		if (share_url_parse(argv[optind], &origin, &share)) {
			/* Public share data: the link's zone, no token. */
			g.ov.zone = origin;
			g.ov.public_only = true;
			rc = tui_main(g.config_path, &g.ov, g.verbose, share);
			free(origin);
			free(share);
			return rc;
		}
		if (strstr(argv[optind], "://"))
			return cmd_usage_error(NULL, _("%s is not a share's public link (https://ZONE/share/ID)"),
					       argv[optind]);
	}
	e = find_command(argv[optind]);
	if (!e)
		return cmd_usage_error(NULL, _("unknown command '%s'"), argv[optind]);
	first = optind;
	optind = 0;	/* a full getopt reset for the command's own parsing */
	rc = e->exec(&g, argc - first, argv + first);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		out_error(_("cannot write the output"));
		if (rc == EXIT_OK)
			rc = EXIT_FAILED;
	}
	return rc;
}
