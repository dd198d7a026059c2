/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-put.c: "put", local files and folders into a space, as one
 * journaled job (job.c runs it). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cmd.h"
#include "cli/jobrun.h"
#include "cli/output.h"
#include "onetui/i18n.h"
#include "onetui/str.h"
#include "xmalloc.h"

enum {
	OPT_OVERWRITE = 0x300,
	OPT_VERIFY,
	OPT_LIMIT_RATE,
	OPT_PROGRESS,
};

/* The last path segment of p (p itself when it has no '/'), ignoring
 * trailing slashes; caller frees. */
static char *
base_name(const char *p)
{
	size_t n = strlen(p);
	const char *end, *start;

	while (n > 1 && p[n - 1] == '/')
		n--;
	end = p + n;
	start = end;
	while (start > p && start[-1] != '/')
		start--;
	return xasprintf("%.*s", (int)(end - start), start);
}

static int
put_exec(struct global_opts *g, int argc, char **argv)
{
	struct od_job_opts o = { 0 };
	enum progress_mode mode = PROGRESS_AUTO;
	bool recursive = false, into, missing;
	const char *target, *tpath;
	struct target_stat st;
	struct od_space *sp;
	struct session s;
	cJSON *sources;
	char *dir, *single_name = NULL;
	int c, rc, nsrc, found, added = 0;

	o.dl.jobs = 4;
	while ((c = cmd_getopt(&cmd_put_entry, g, argc, argv)) != CMD_OPT_END) {
		switch (c) {
		case CMD_OPT_EXIT:
			return cmd_exit_status;
		case 'r':
			recursive = true;
			break;
		case 'j': {
			long v;
			if (!od_parse_long(optarg, 1, 64, &v))
				return cmd_usage_error(&cmd_put_entry, _("-j wants a number of files from 1 to 64"));
			o.dl.jobs = (unsigned)v;
			break;
		}
		case OPT_OVERWRITE:
			o.dl.overwrite = true;
			break;
		case OPT_VERIFY:
			o.dl.verify = true;
			break;
		case OPT_LIMIT_RATE:
			if (!od_parse_rate(optarg, &o.dl.max_speed))
				return cmd_usage_error(&cmd_put_entry, _("--limit-rate wants bytes per second, "
									 "such as 500k, 20M or 1G"));
			break;
		case OPT_PROGRESS:
			if ((int)(mode = (enum progress_mode)progress_mode_parse(optarg)) < 0)
				return cmd_usage_error(&cmd_put_entry, _("--progress is auto, lines, json or none"));
			break;
		}
	}
	nsrc = argc - optind - 1;
	if (nsrc < 1)
		return cmd_usage_error(&cmd_put_entry, _("name what to send and the SPACE/PATH it goes to"));
	for (int i = optind; i < argc - 1; i++) {
		struct stat ls;
		if (stat(argv[i], &ls) != 0) {
			out_error(_("cannot read %s: %s"), argv[i], strerror(errno));
			return EXIT_FAILED;
		}
		if (S_ISDIR(ls.st_mode) && !recursive) {
			out_error(_("%s is a folder; -r sends folders"), argv[i]);
			return EXIT_USAGE;
		}
	}
	target = argv[argc - 1];
	rc = session_open(&s, g);
	if (rc == EXIT_OK)
		rc = session_load_spaces(&s);
	if (rc != EXIT_OK) {
		session_close(&s);
		return rc;
	}
	/* Into the target when it is a folder, when it ends in '/', when there
	 * are several sources or the source is a folder (made if missing);
	 * a single file otherwise takes the target as its name. */
	rc = session_probe_target(&s, target, OD_ATTR_TYPE | OD_ATTR_PROTECTION, &sp, &st, &missing);
	/* A protected target refuses every write: say so before any. */
	if (rc == EXIT_OK && !missing && (st.protection & OD_PROTECT_DATA)) {
		out_error(_("%s is in a dataset with data protection: nothing can be written there until the "
			    "protection is cleared"), target);
		target_stat_done(&st);
		rc = EXIT_FAILED;
	}
	if (rc != EXIT_OK) {
		session_close(&s);
		return rc;
	}
	found = missing ? EXIT_FAILED : EXIT_OK;
	tpath = st.path ? st.path : "";
	{
		struct stat ls;
		bool folder_source = stat(argv[optind], &ls) == 0 && S_ISDIR(ls.st_mode);
		into = (found == EXIT_OK && st.type == OD_FILE_DIR) || nsrc > 1 || folder_source ||
		       target[strlen(target) - 1] == '/' || !*tpath;
	}
	if (into) {
		dir = xstrdup(tpath);
	} else {
		const char *slash = strrchr(tpath, '/');
		dir = slash ? xasprintf("%.*s", (int)(slash - tpath), tpath) : xstrdup("");
		single_name = base_name(tpath);
	}
	if (!(sources = cJSON_CreateArray()))
		xoom();
	for (int i = optind; i < argc - 1; i++) {
		char *local = od_path_absolute(argv[i], false);
		char *name = single_name ? xstrdup(single_name) : base_name(argv[i]);
		char *shown = *dir ? xasprintf("%s/%s", sp->name, dir) : xstrdup(sp->name);
		cJSON *src = cJSON_CreateObject();
		if (!local || !src) {
			out_error(_("cannot tell the current directory: %s"), strerror(errno));
			rc = EXIT_FAILED;
		} else {
			cJSON_AddStringToObject(src, "local", local);
			cJSON_AddStringToObject(src, "space", sp->id);
			cJSON_AddStringToObject(src, "dir", dir);
			cJSON_AddStringToObject(src, "name", name);
			cJSON_AddStringToObject(src, "remoteDir", shown);
			cJSON_AddStringToObject(src, "remote", shown);
			cJSON_AddItemToArray(sources, src);
			src = NULL;
			added++;
		}
		cJSON_Delete(src);
		free(local);
		free(name);
		free(shown);
	}
	o.dest = target;
	if (added) {
		int r = job_create_and_run(&s, "upload", sources, &o, mode);
		rc = rc == EXIT_OK ? r : rc;
	} else {
		cJSON_Delete(sources);
	}
	target_stat_done(&st);
	free(dir);
	free(single_name);
	session_close(&s);
	return rc;
}

static const struct option put_options[] = {
	{ "recursive", no_argument, NULL, 'r' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "overwrite", no_argument, NULL, OPT_OVERWRITE },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "limit-rate", required_argument, NULL, OPT_LIMIT_RATE },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_put_entry = {
	.name = "put",
	.usage = N_("[-r] [-j N] [--overwrite] [--verify] [--limit-rate RATE] [--progress auto|lines|json|none] "
		    "LOCAL... SPACE/PATH"),
	.summary = N_("send files and folders into a space, resumably, with a recorded checksum"),
	.shortopts = "rj:",
	.longopts = put_options,
	.exec = put_exec,
};
