/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-get.c: "get", files and trees from spaces to local disk, as one
 * journaled job (getjob.c runs it). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/jobrun.h"
#include "cli/output.h"
#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/journal.h"
#include "onetui/localname.h"
#include "onetui/str.h"
#include "xmalloc.h"

enum {
	OPT_STREAMS = 0x300,
	OPT_OVERWRITE,
	OPT_MAP_NAMES,
	OPT_VERIFY,
	OPT_MANIFEST,
	OPT_LIMIT_RATE,
	OPT_PROGRESS,
};

static bool
parse_count(const char *s, long lo, long hi, unsigned *out)
{
	long v;

	if (!od_parse_long(s, lo, hi, &v))
		return false;
	*out = (unsigned)v;
	return true;
}

/* The local path a source becomes. NULL (reported) when its name cannot
 * be used. */
static char *
local_for(const char *dest, bool into_dest, const char *name, bool map)
{
	enum od_name_verdict verdict;
	const char *why;
	char *safe, *local;

	if (!into_dest)
		return xstrdup(dest);
	if (od_local_name(name, map, &safe, &verdict, &why) != 0)
		xoom();
	if (verdict == OD_NAME_REFUSED) {
		char *shown = out_safe(name);
		out_error(_("%s: %s (--map-names fetches it under a safe name)"), shown, why);
		free(shown);
		return NULL;
	}
	local = xasprintf("%s/%s", dest, safe);
	free(safe);
	return local;
}

/* Look at the sources (argv[optind..argc-2]): when every one is a public
 * link of one zone, the session goes to that zone without a token. */
static int
share_sources(int argc, char **argv, struct od_overrides *ov)
{
	char *first = NULL;
	int shares = 0, rc = EXIT_OK;

	for (int i = optind; i < argc - 1; i++) {
		char *origin, *id;
		if (!share_url_parse(argv[i], &origin, &id))
			continue;
		shares++;
		if (!first)
			first = origin;
		else if (strcmp(first, origin) != 0)
			rc = cmd_usage_error(&cmd_get_entry, _("public links of one zone at a time"));
		if (origin != first)
			free(origin);
		free(id);
	}
	if (rc == EXIT_OK && shares == argc - optind - 1) {
		ov->zone = first;	/* kept for the session: freed at exit */
		ov->public_only = true;
		return EXIT_OK;
	}
	free(first);
	return rc;
}

/* One source, as the journal describes it; its type and name. NULL when it
 * cannot be used (said, and *rc set). */
static cJSON *
source_json(struct session *s, const char *arg, enum od_file_type *type, char **name, int *rc)
{
	cJSON *src = cJSON_CreateObject();
	char *origin, *share;
	int one;

	if (!src)
		xoom();
	if (share_url_parse(arg, &origin, &share)) {
		struct share_root root;
		if (strcmp(origin, od_zone_origin(s->zone)) != 0) {
			out_error(_("%s is a link of another zone than %s"), arg, od_zone_origin(s->zone));
			one = EXIT_USAGE;
		} else if ((one = share_resolve(s, share, &root)) == EXIT_OK) {
			*type = root.a.type;
			*name = xstrdup(root.file_name);
			/* The root's share-scoped id: a resume, here or in the
			 * interface, need not ask for the share again. */
			cJSON_AddStringToObject(src, "share", share);
			cJSON_AddStringToObject(src, "fileId", root.file_id);
			cJSON_AddStringToObject(src, "remote", arg);
			share_root_done(&root);
		}
		free(origin);
		free(share);
	} else {
		struct target_stat st;
		struct od_space *sp;
		if ((one = session_stat_target(s, arg, &sp, &st)) == EXIT_OK) {
			char *remote = *st.path ? xasprintf("%s/%s", sp->name, st.path) : xstrdup(sp->name);
			*type = st.type;
			*name = xstrdup(*st.path ? st.name : sp->name);
			cJSON_AddStringToObject(src, "space", sp->id);
			cJSON_AddStringToObject(src, "path", st.path);
			cJSON_AddStringToObject(src, "remote", remote);
			free(remote);
			target_stat_done(&st);
		}
	}
	if (one != EXIT_OK) {
		*rc = *rc == EXIT_OK ? one : *rc;
		cJSON_Delete(src);
		return NULL;
	}
	return src;
}

static int
get_exec(struct global_opts *g, int argc, char **argv)
{
	struct od_job_opts o = { 0 };
	enum progress_mode mode = PROGRESS_AUTO;
	bool recursive = false, into_dest;
	struct session s;
	struct stat dst;
	cJSON *sources;
	char *dest, *dir = NULL;
	int c, rc, nsrc, added = 0;

	o.dl.jobs = 4;
	o.dl.streams = 1;
	while ((c = cmd_getopt(&cmd_get_entry, g, argc, argv)) != CMD_OPT_END) {
		switch (c) {
		case CMD_OPT_EXIT:
			return cmd_exit_status;
		case 'r':
			recursive = true;
			break;
		case 'j':
			if (!parse_count(optarg, 1, 64, &o.dl.jobs))
				return cmd_usage_error(&cmd_get_entry, _("-j wants a number of files from 1 to 64"));
			break;
		case OPT_STREAMS:
			if (!parse_count(optarg, 1, 16, &o.dl.streams))
				return cmd_usage_error(&cmd_get_entry, _("--streams wants a number from 1 to 16"));
			break;
		case OPT_OVERWRITE:
			o.dl.overwrite = true;
			break;
		case OPT_MAP_NAMES:
			o.dl.map_names = true;
			break;
		case OPT_VERIFY:
			o.dl.verify = true;
			break;
		case OPT_MANIFEST:
			o.manifest = optarg;
			break;
		case OPT_LIMIT_RATE:
			if (!od_parse_rate(optarg, &o.dl.max_speed))
				return cmd_usage_error(&cmd_get_entry, _("--limit-rate wants bytes per second, "
									 "such as 500k, 20M or 1G"));
			break;
		case OPT_PROGRESS:
			if ((int)(mode = (enum progress_mode)progress_mode_parse(optarg)) < 0)
				return cmd_usage_error(&cmd_get_entry, _("--progress is auto, lines, json or none"));
			break;
		}
	}
	nsrc = argc - optind - 1;
	if (nsrc < 1)
		return cmd_usage_error(&cmd_get_entry, _("name what to fetch and where to put it"));
	if (!(dest = od_path_absolute(argv[argc - 1], false))) {
		out_error(_("cannot tell the current directory: %s"), strerror(errno));
		return EXIT_FAILED;
	}
	/* Into DEST when it is a folder (it is then made if need be): when it
	 * is one already, ends in '/', or there are several sources; a
	 * directory always goes in under its own name, so that running the
	 * same command again finds what the first run fetched. A single file
	 * otherwise takes DEST as its new name. */
	into_dest = (stat(dest, &dst) == 0 && S_ISDIR(dst.st_mode)) || nsrc > 1 ||
		    argv[argc - 1][strlen(argv[argc - 1]) - 1] == '/';
	if (!into_dest) {
		const char *slash = strrchr(dest, '/');
		dir = xasprintf("%.*s", (int)(slash > dest ? slash - dest : 1), dest);
	}
	if (o.manifest) {
		char *m = od_path_absolute(o.manifest, false);
		if (!m) {
			free(dest);
			free(dir);
			out_error(_("cannot tell the current directory: %s"), strerror(errno));
			return EXIT_FAILED;
		}
		o.manifest = m;
		o.dl.hash = true;
	}
	/* Public links alone need no token: the session goes to their zone. */
	if ((rc = share_sources(argc, argv, &g->ov)) != EXIT_OK) {
		free(dest);
		free(dir);
		return rc;
	}
	o.public_only = g->ov.public_only;
	rc = session_open(&s, g);
	if (rc == EXIT_OK && !g->ov.public_only)
		rc = session_load_spaces(&s);
	if (rc != EXIT_OK)
		goto out;
	if (!(sources = cJSON_CreateArray()))
		xoom();
	for (int i = optind; i < argc - 1 && !session_interrupted(); i++) {
		enum od_file_type type;
		char *name, *local;
		cJSON *src = source_json(&s, argv[i], &type, &name, &rc);

		if (!src)
			continue;
		if (type == OD_FILE_DIR && !recursive) {
			char *shown = out_safe(argv[i]);
			out_error(_("%s is a directory; -r fetches directories"), shown);
			free(shown);
			rc = EXIT_USAGE;
		} else {
			if (type == OD_FILE_DIR && !into_dest) {
				into_dest = true;
				free(dir);
				dir = NULL;
			}
			local = local_for(dest, into_dest, name, o.dl.map_names);
			if (local) {
				cJSON_AddStringToObject(src, "local", local);
				cJSON_AddItemToArray(sources, src);
				src = NULL;
				added++;
			} else {
				rc = EXIT_FAILED;
			}
			free(local);
		}
		cJSON_Delete(src);
		free(name);
	}
	if (session_interrupted())
		rc = EXIT_INTERRUPTED;
	if (!added || rc == EXIT_INTERRUPTED || rc == EXIT_USAGE) {
		cJSON_Delete(sources);
		goto out;
	}
	if (into_dest && mkdir(dest, 0777) != 0 && errno != EEXIST) {
		out_error(_("cannot create %s: %s"), dest, strerror(errno));
		cJSON_Delete(sources);
		rc = EXIT_FAILED;
		goto out;
	}
	o.dest = into_dest ? dest : dir;
	{
		int r = job_create_and_run(&s, "download", sources, &o, mode);
		rc = rc == EXIT_OK ? r : rc;
	}
out:
	session_close(&s);
	if (g->ov.public_only)
		free((char *)g->ov.zone);
	free(dest);
	free(dir);
	if (o.manifest)
		free((char *)o.manifest);
	return rc;
}

static const struct option get_options[] = {
	{ "recursive", no_argument, NULL, 'r' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "streams", required_argument, NULL, OPT_STREAMS },
	{ "overwrite", no_argument, NULL, OPT_OVERWRITE },
	{ "map-names", no_argument, NULL, OPT_MAP_NAMES },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "manifest", required_argument, NULL, OPT_MANIFEST },
	{ "limit-rate", required_argument, NULL, OPT_LIMIT_RATE },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_get_entry = {
	.name = "get",
	.usage = N_("[-r] [-j N] [--streams N] [--overwrite] [--verify] [--map-names] [--manifest FILE] "
		    "[--limit-rate RATE] [--progress auto|lines|json|none] SPACE/PATH|https://ZONE/share/ID... DEST"),
	.summary = N_("fetch files and directories, resumably and verified"),
	.shortopts = "rj:",
	.longopts = get_options,
	.exec = get_exec,
};
