/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-audit.c: "audit": every share, named token and space member the
 * user can see, with what is risky flagged, and onetui's own log of the
 * access changes it made; as tables, CSV or JSON. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "onetui/audit.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/str.h"
#include "xmalloc.h"

enum {
	OPT_FORMAT = 0x300,
	OPT_PARTS,
	OPT_RISKY,
};

enum format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

struct audit_run {
	cJSON *report;
	struct od_error *err;
};

static void
on_report(const cJSON *report, struct od_error *err, void *ud)
{
	struct audit_run *r = ud;

	r->err = err;
	if (report && !(r->report = cJSON_Duplicate(report, true)))
		r->err = od_error_nomem();
}

/* Keep only the entries with a risk (the log and members have none). */
static void
keep_risky(cJSON *report)
{
	static const char *const parts[] = { "shares", "tokens", "members", "log" };

	for (size_t i = 0; i < OD_ARRAY_SIZE(parts); i++) {
		cJSON *list = cJSON_GetObjectItemCaseSensitive(report, parts[i]);
		cJSON *e = list ? list->child : NULL;
		while (e) {
			cJSON *next = e->next;
			if (!od_audit_risky(e))
				cJSON_Delete(cJSON_DetachItemViaPointer(list, e));
			e = next;
		}
	}
}

static const char *
str(const cJSON *o, const char *key)
{
	const char *s = od_json_get_str(o, key);
	return s ? s : "";
}

static char *
list_text(const cJSON *o, const char *key, const char *sep)
{
	struct od_buf b;
	const cJSON *e;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, key))
		if (cJSON_IsString(e) && ((b.len && od_buf_adds(&b, sep)) || od_buf_adds(&b, e->valuestring)))
			xoom();
	return b.len ? od_buf_steal(&b) : (od_buf_done(&b), xstrdup(""));
}

static const char *
when(const cJSON *o, const char *key, char buf[OD_TIME_BUFSZ], const char *none)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(t) ? od_time_short((int64_t)t->valuedouble, buf) : none;
}

/* A table with translated titles. */
static struct table *
titled_table(const char *const *titles, size_t n)
{
	const char *t[8];
	size_t i;

	for (i = 0; i < n && i < OD_ARRAY_SIZE(t); i++)
		t[i] = _(titles[i]);
	return table_new(i, t, NULL);
}

/* The table unless it is empty (its count, printed before, says so). */
static void
print_table(struct table *tb)
{
	if (table_rows(tb))
		table_print(tb, stdout);
	table_free(tb);
}

static void
print_shares(const cJSON *shares)
{
	static const char *const titles[] = { N_("SPACE"), N_("SHARE"), N_("NAME"), N_("CREATED"), N_("PUBLIC URL"),
					      N_("RISKS") };
	struct table *tb;
	const cJSON *e;
	char c[OD_TIME_BUFSZ];

	tb = titled_table(titles, OD_ARRAY_SIZE(titles));
	cJSON_ArrayForEach(e, shares) {
		char *risks = list_text(e, "risks", ",");
		const char *cells[] = { str(e, "space"), str(e, "id"), str(e, "name"), when(e, "created", c, "-"),
					str(e, "publicUrl"), risks };
		table_add(tb, cells);
		free(risks);
	}
	printf(P_("%d share\n", "%d shares\n", cJSON_GetArraySize(shares)), cJSON_GetArraySize(shares));
	print_table(tb);
}

static void
print_tokens(const cJSON *tokens)
{
	static const char *const titles[] = { N_("TOKEN"), N_("NAME"), N_("TYPE"), N_("STATUS"), N_("EXPIRES"),
					      N_("CAVEATS"), N_("RISKS") };
	struct table *tb;
	const cJSON *e;
	char x[OD_TIME_BUFSZ];

	tb = titled_table(titles, OD_ARRAY_SIZE(titles));
	cJSON_ArrayForEach(e, tokens) {
		char *caveats = list_text(e, "caveatsText", "; "), *risks = list_text(e, "risks", ",");
		char *type = *str(e, "inviteType") ? xasprintf("%s %s", str(e, "type"), str(e, "inviteType"))
						   : xstrdup(str(e, "type"));
		const char *cells[] = { str(e, "id"), str(e, "name"), type,
					cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "revoked")) ? _("revoked")
												     : _("active"),
					when(e, "validUntil", x, _("never")), caveats, risks };
		table_add(tb, cells);
		free(caveats);
		free(risks);
		free(type);
	}
	printf(P_("%d named token\n", "%d named tokens\n", cJSON_GetArraySize(tokens)), cJSON_GetArraySize(tokens));
	print_table(tb);
}

static void
print_members(const cJSON *members)
{
	static const char *const titles[] = { N_("SPACE"), N_("KIND"), N_("MEMBER"), N_("NAME"), N_("HOW"),
					      N_("PRIVILEGES") };
	struct table *tb;
	const cJSON *e;

	tb = titled_table(titles, OD_ARRAY_SIZE(titles));
	cJSON_ArrayForEach(e, members) {
		bool known = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "privilegesKnown"));
		char *privs = known ? list_text(e, "effective", " ") : xstrdup(_("(not visible to you)"));
		const char *how = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "owner"))    ? _("owner")
				  : cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "direct")) ? _("direct")
												 : _("through a group");
		const char *cells[] = { str(e, "space"), str(e, "kind"), str(e, "id"), str(e, "name"), how, privs };
		table_add(tb, cells);
		free(privs);
	}
	printf(P_("%d member\n", "%d members\n", cJSON_GetArraySize(members)), cJSON_GetArraySize(members));
	print_table(tb);
}

static void
print_log(const cJSON *log)
{
	static const char *const titles[] = { N_("TIME"), N_("ACTION"), N_("KIND"), N_("ID"), N_("NAME"), N_("BY") };
	struct table *tb;
	const cJSON *e;
	char c[OD_TIME_BUFSZ];

	tb = titled_table(titles, OD_ARRAY_SIZE(titles));
	cJSON_ArrayForEach(e, log) {
		char *by = xasprintf("%s@%s", str(e, "login"), str(e, "host"));
		const char *cells[] = { when(e, "time", c, "-"), str(e, "action"), str(e, "kind"), str(e, "id"),
					str(e, "name"), by };
		table_add(tb, cells);
		free(by);
	}
	printf(P_("%d access change made by onetui\n", "%d access changes made by onetui\n", cJSON_GetArraySize(log)),
	       cJSON_GetArraySize(log));
	print_table(tb);
}

static void
print_tables(const cJSON *report)
{
	void (*const printers[])(const cJSON *) = { print_shares, print_tokens, print_members, print_log };
	static const char *const parts[] = { "shares", "tokens", "members", "log" };
	bool first = true;

	for (size_t i = 0; i < OD_ARRAY_SIZE(parts); i++) {
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(report, parts[i]);
		if (!list)
			continue;
		if (!first)
			putchar('\n');
		first = false;
		printers[i](list);
	}
}

/* What could not be read, on stderr: the report is incomplete. */
static int
report_problems(const cJSON *report)
{
	const cJSON *problems = cJSON_GetObjectItemCaseSensitive(report, "problems"), *p;

	cJSON_ArrayForEach(p, problems)
		out_warn(_("the audit's %s are incomplete: %s"), str(p, "part"), str(p, "error"));
	return cJSON_GetArraySize(problems) ? EXIT_FAILED : EXIT_OK;
}

static int
write_report(cJSON *report, enum format format)
{
	char *text = NULL;
	struct od_buf b;

	switch (format) {
	case FORMAT_TABLE:
		print_tables(report);
		break;
	case FORMAT_JSON:
		text = out_json_text(report);
		puts(text);
		free(text);
		break;
	case FORMAT_CSV:
		od_buf_init(&b, OD_BUF_UNLIMITED);
		if (od_audit_csv(report, &b))
			xoom();
		fwrite(b.data ? b.data : "", 1, b.len, stdout);
		od_buf_done(&b);
		break;
	}
	return report_problems(report);
}

static int
audit_exec(struct global_opts *g, int argc, char **argv)
{
	enum format format = FORMAT_TABLE;
	unsigned parts = OD_AUDIT_ALL;
	struct audit_run r = { 0 };
	bool risky = false;
	struct session s;
	struct od_error *err;
	struct od_op *op;
	int c, rc;

	while ((c = cmd_getopt(&cmd_audit_entry, g, argc, argv)) != CMD_OPT_END) {
		if (c == CMD_OPT_EXIT)
			return cmd_exit_status;
		if (c == CMD_OPT_JSON) {
			format = FORMAT_JSON;
		} else if (c == OPT_RISKY) {
			risky = true;
		} else if (c == OPT_FORMAT) {
			if (strcmp(optarg, "table") == 0)
				format = FORMAT_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				format = FORMAT_CSV;
			else if (strcmp(optarg, "json") == 0)
				format = FORMAT_JSON;
			else
				return cmd_usage_error(&cmd_audit_entry, _("--format is table, csv or json"));
		} else if (c == OPT_PARTS) {
			if ((err = od_audit_parse_parts(optarg, &parts))) {
				rc = cmd_usage_error(&cmd_audit_entry, "%s", err->message);
				od_error_free(err);
				return rc;
			}
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_audit_entry, _("audit takes no arguments"));
	rc = session_open(&s, g);
	if (rc == EXIT_OK)
		rc = session_load_spaces(&s);
	if (rc == EXIT_OK) {
		op = od_audit_collect(s.zone, parts, on_report, &r);
		if (!op)
			xoom();
		session_run(&s);
		if (session_interrupted()) {
			od_error_free(r.err);
			rc = EXIT_INTERRUPTED;
		} else if (r.err)
			rc = out_fail(r.err, _("cannot make the audit"));
		else {
			if (risky)
				keep_risky(r.report);
			rc = write_report(r.report, format);
		}
	}
	cJSON_Delete(r.report);
	session_close(&s);
	return rc;
}

static const struct option audit_options[] = {
	CMD_JSON_OPTION,
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "parts", required_argument, NULL, OPT_PARTS },
	{ "risky", no_argument, NULL, OPT_RISKY },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = N_("[--format table|csv|json] [--parts shares,tokens,members,log] [--risky]"),
	.summary = N_("review every share, named token and space member you can see, risks flagged"),
	.longopts = audit_options,
	.exec = audit_exec,
};
