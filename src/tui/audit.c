/* SPDX-License-Identifier: GPL-3.0-or-later */
/* audit.c: W, the Audit view: every share, named token and space member
 * the user can see, and onetui's own log of the access changes it made,
 * over the whole screen, with the risks flagged. Each section is a list
 * with aligned columns that can be filtered (a text, risky entries only)
 * and sorted; from it a token is revoked, un-revoked or deleted, a share
 * deleted, a direct member removed from a space, each once the user
 * confirms; and the whole report is written to a CSV or JSON file.
 *
 * The report is od_audit_collect's, read one part after the other so that
 * the view can say what it is reading. After a change it is read again:
 * what the view shows is always what the zone says. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "onetui/audit.h"
#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/members.h"
#include "onetui/provider.h"
#include "onetui/sanitize.h"
#include "onetui/share.h"
#include "onetui/str.h"
#include "onetui/token.h"
#include "onetui/tokenapi.h"
#include "tui/tui.h"
#include "xmalloc.h"

enum section { SEC_SHARES, SEC_TOKENS, SEC_MEMBERS, SEC_LOG, SEC_PROBLEMS, SEC_COUNT };

/* The report's array for each section. */
static const char *const section_keys[SEC_COUNT] = { "shares", "tokens", "members", "log", "problems" };

/* The parts, read one after the other, and what is said meanwhile. */
static const struct {
	unsigned part;
	const char *saying;
} steps[] = {
	{ OD_AUDIT_SHARES, N_("Reading shares…") },
	{ OD_AUDIT_TOKENS, N_("Reading tokens…") },
	{ OD_AUDIT_MEMBERS, N_("Reading the members of every space…") },
	{ OD_AUDIT_LOG, N_("Reading onetui's access log…") },
};

/* What a column shows of an entry. */
enum cell {
	CELL_NAME, CELL_SPACE, CELL_ROOT, CELL_CREATED, CELL_RISKS, CELL_CREATOR, CELL_HANDLE, CELL_URL, CELL_ID,
	CELL_TYPE, CELL_TARGET, CELL_STATUS, CELL_EXPIRES, CELL_CAVEATS, CELL_KIND, CELL_HOW, CELL_PRIVILEGES,
	CELL_TIME, CELL_ACTION, CELL_BY, CELL_DETAIL, CELL_PART, CELL_ERROR,
};

struct column {
	enum cell cell;
	const char *title;
	int cap;		/* the widest it gets */
};

#define MAX_COLS 9

/* The columns of each section, the most telling first (a narrow screen
 * loses the last ones; Enter shows everything). */
static const struct column columns[SEC_COUNT][MAX_COLS] = {
	[SEC_SHARES] = { { CELL_NAME, N_("NAME"), 44 }, { CELL_SPACE, N_("SPACE"), 26 }, { CELL_ROOT, N_("ROOT"), 24 },
			 { CELL_CREATED, N_("CREATED"), 16 }, { CELL_RISKS, N_("RISKS"), 24 },
			 { CELL_CREATOR, N_("CREATOR"), 20 }, { CELL_HANDLE, N_("HANDLE"), 14 },
			 { CELL_URL, N_("PUBLIC URL"), 70 }, { CELL_ID, N_("ID"), 40 } },
	[SEC_TOKENS] = { { CELL_NAME, N_("NAME"), 28 }, { CELL_TYPE, N_("TYPE"), 24 }, { CELL_STATUS, N_("STATUS"), 8 },
			 { CELL_EXPIRES, N_("EXPIRES"), 16 }, { CELL_RISKS, N_("RISKS"), 28 },
			 { CELL_TARGET, N_("TARGET"), 24 }, { CELL_CAVEATS, N_("CAVEATS"), 70 },
			 { CELL_CREATED, N_("CREATED"), 16 }, { CELL_ID, N_("ID"), 40 } },
	[SEC_MEMBERS] = { { CELL_SPACE, N_("SPACE"), 26 }, { CELL_KIND, N_("KIND"), 6 }, { CELL_NAME, N_("NAME"), 26 },
			  { CELL_HOW, N_("HOW"), 16 }, { CELL_PRIVILEGES, N_("EFFECTIVE PRIVILEGES"), 90 },
			  { CELL_ID, N_("ID"), 40 } },
	[SEC_LOG] = { { CELL_TIME, N_("TIME"), 16 }, { CELL_ACTION, N_("ACTION"), 9 }, { CELL_KIND, N_("KIND"), 11 },
		      { CELL_NAME, N_("NAME"), 26 }, { CELL_SPACE, N_("SPACE"), 26 }, { CELL_BY, N_("BY"), 28 },
		      { CELL_DETAIL, N_("DETAIL"), 40 }, { CELL_ID, N_("ID"), 40 } },
	[SEC_PROBLEMS] = { { CELL_PART, N_("PART"), 8 }, { CELL_SPACE, N_("SPACE"), 26 },
			   { CELL_ERROR, N_("WHAT WENT WRONG"), 120 } },
};

enum sort { SORT_NAME, SORT_SPACE, SORT_CREATED, SORT_RISK, SORT_COUNT };

static const char *const sort_names[SORT_COUNT] = { N_("name"), N_("space"), N_("created, newest first"),
						    N_("risk") };

struct row {
	const cJSON *e;
	size_t index;		/* in the report, for a stable order */
};

/* The change the user confirmed, copied: the report is read again meanwhile. */
struct action {
	enum { ACT_REVOKE, ACT_UNREVOKE, ACT_DELETE_TOKEN, ACT_DELETE_SHARE, ACT_REMOVE_MEMBER } what;
	char *id, *name, *space_id, *space;
	enum od_member_kind kind;
};

static struct {
	struct app *a;		/* NULL once the interface ends */
	bool shown;
	cJSON *report;		/* what is shown; NULL until read */
	cJSON *reading;		/* the parts read so far of the next one */
	size_t step;		/* the part being read */
	bool loading;
	uintptr_t gen;		/* readings before this one are ignored */
	struct od_op *op;	/* the reading, or of a share's root */
	size_t next_root;	/* the share whose root is read next */
	struct action act;
	bool acting;
	enum section section;
	enum sort sort[SEC_COUNT];
	char *filter, *filter_before;
	bool risky_only;
	struct row *rows;
	size_t n_rows, cursor, top;
	int widths[MAX_COLS];
} av = { .sort = { SORT_NAME, SORT_NAME, SORT_SPACE, SORT_CREATED, SORT_NAME } };

static void load(struct app *a);

/* --- cells --------------------------------------------------------------------------- */

static bool
is_true(const cJSON *e, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, key));
}

static char *
joined(const cJSON *e, const char *key, const char *sep, const char *none)
{
	struct od_buf b;
	const cJSON *v;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(e, key))
		if (cJSON_IsString(v) && ((b.len && od_buf_adds(&b, sep)) || od_buf_adds(&b, v->valuestring)))
			xoom();
	return b.len ? od_buf_steal(&b) : (od_buf_done(&b), xstrdup(none));
}

static char *
time_cell(const cJSON *e, const char *key, const char *none)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, key);
	char buf[OD_TIME_BUFSZ];

	return xstrdup(cJSON_IsNumber(t) ? od_time_short((int64_t)t->valuedouble, buf) : none);
}

static char *
str_cell(const cJSON *e, const char *key, const char *none)
{
	const char *s = od_json_get_str(e, key);

	return xstrdup(s && *s ? s : none);
}

/* The space's name; the log and the problems know only its id. */
static char *
space_cell(const cJSON *e)
{
	const char *name = od_json_get_str(e, "space"), *id = od_json_get_str(e, "spaceId");
	struct od_space *s = NULL;
	struct od_error *err;

	if (!name && id && av.a) {
		err = od_zone_find_space(av.a->s.zone, id, &s);
		name = err ? id : s->name;
		od_error_free(err);
	}
	return xstrdup(name ? name : "");
}

/* A share's creator by name when they are a member of one of the spaces. */
static char *
creator_cell(const cJSON *e)
{
	const char *id = od_json_get_str(e, "creator");
	const cJSON *m;

	if (!id)
		return xstrdup("-");
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(av.report, "members"))
		if (od_str_eq(od_json_get_str(m, "id"), id) && od_json_get_str(m, "name"))
			return xstrdup(od_json_get_str(m, "name"));
	return xstrdup(id);
}

/* A share's root by name ("Processing/"), or its type until it is read. */
static char *
root_cell(const cJSON *e)
{
	bool dir = od_str_eq(od_json_get_str(e, "rootType"), "dir");
	const char *name = od_json_get_str(e, "rootName");

	if (name)
		return xasprintf("%s%s", name, dir ? "/" : "");
	return xstrdup(dir ? _("folder") : _("file"));
}

static bool
has_risk(const cJSON *e, const char *risk)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(e, "risks"))
		if (cJSON_IsString(r) && strcmp(r->valuestring, risk) == 0)
			return true;
	return false;
}

static const char *
token_status(const cJSON *e)
{
	return is_true(e, "revoked") ? _("revoked") : has_risk(e, "expired") ? _("expired") : _("active");
}

/* What column cell shows of e; caller frees. */
static char *
cell_text(enum cell cell, const cJSON *e)
{
	switch (cell) {
	case CELL_NAME: return str_cell(e, "name", "");
	case CELL_SPACE: return space_cell(e);
	case CELL_ROOT: return root_cell(e);
	case CELL_CREATED: return time_cell(e, "created", "-");
	case CELL_RISKS: return joined(e, "risks", ",", "");
	case CELL_CREATOR: return creator_cell(e);
	case CELL_HANDLE: return str_cell(e, "handleId", "-");
	case CELL_URL: return str_cell(e, "publicUrl", "");
	case CELL_ID: return str_cell(e, "id", "");
	case CELL_TYPE:
		return od_json_get_str(e, "inviteType")
			       ? xasprintf("%s %s", od_json_get_str(e, "type") ? od_json_get_str(e, "type") : "",
					   od_json_get_str(e, "inviteType"))
			       : str_cell(e, "type", "");
	case CELL_TARGET:
		return od_json_get_str(e, "target") ? str_cell(e, "target", "") : str_cell(e, "targetId", "-");
	case CELL_STATUS: return xstrdup(token_status(e));
	case CELL_EXPIRES: return time_cell(e, "validUntil", _("never"));
	case CELL_CAVEATS: return joined(e, "caveatsText", "; ", _("none"));
	case CELL_KIND: return str_cell(e, "kind", "");
	case CELL_HOW:
		return xstrdup(is_true(e, "owner") ? _("owner") : is_true(e, "direct") ? _("direct") : _("through a group"));
	case CELL_PRIVILEGES:
		return is_true(e, "privilegesKnown") ? joined(e, "effective", " ", _("none"))
						      : xstrdup(_("(not visible to you)"));
	case CELL_TIME: return time_cell(e, "time", "-");
	case CELL_ACTION: return str_cell(e, "action", "");
	case CELL_BY:
		return xasprintf("%s@%s", od_json_get_str(e, "login") ? od_json_get_str(e, "login") : "?",
				 od_json_get_str(e, "host") ? od_json_get_str(e, "host") : "?");
	case CELL_DETAIL: return str_cell(e, "detail", "");
	case CELL_PART: return str_cell(e, "part", "");
	case CELL_ERROR: return str_cell(e, "error", "");
	}
	return xstrdup("");
}

static size_t
n_columns(enum section s)
{
	size_t n = 0;

	while (n < MAX_COLS && columns[s][n].title)
		n++;
	return n;
}

/* How wide text is once sanitised, as draw_text shows it. */
static int
shown_width(const char *text)
{
	char *safe = od_sanitize(text, od_sanitize_flags_for_locale());
	int w;

	if (!safe)
		xoom();
	w = od_display_width(safe);
	free(safe);
	return w;
}

/* --- the rows shown ------------------------------------------------------------------ */

static const cJSON *
section_list(enum section s)
{
	return av.report ? cJSON_GetObjectItemCaseSensitive(av.report, section_keys[s]) : NULL;
}

static int
count_of(enum section s)
{
	return cJSON_GetArraySize(section_list(s));
}

/* Whether the filter text is in any column of e (its id included). */
static bool
matches(const cJSON *e)
{
	bool found = false;

	if (!av.filter || !*av.filter)
		return true;
	for (size_t c = 0; c < n_columns(av.section) && !found; c++) {
		char *text = cell_text(columns[av.section][c].cell, e);
		found = strcasestr(text, av.filter) != NULL;
		free(text);
	}
	return found;
}

static double
number(const cJSON *e, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static int
compare_cells(enum cell cell, const cJSON *x, const cJSON *y)
{
	char *a = cell_text(cell, x), *b = cell_text(cell, y);
	int rc = strcasecmp(a, b);

	free(a);
	free(b);
	return rc;
}

static int
compare_rows(const void *pa, const void *pb)
{
	const struct row *ra = pa, *rb = pb;
	enum cell name = av.section == SEC_PROBLEMS ? CELL_PART : CELL_NAME;
	int rc = 0;

	switch (av.sort[av.section]) {
	case SORT_NAME:
		rc = compare_cells(name, ra->e, rb->e);
		break;
	case SORT_SPACE:
		rc = compare_cells(av.section == SEC_TOKENS ? CELL_TARGET : CELL_SPACE, ra->e, rb->e);
		if (!rc)
			rc = compare_cells(name, ra->e, rb->e);
		break;
	case SORT_CREATED: {
		const char *key = av.section == SEC_LOG ? "time" : "created";
		double ta = number(ra->e, key), tb = number(rb->e, key);
		rc = ta > tb ? -1 : ta < tb;
		/* Newest first also among those of the same second. */
		if (!rc)
			return ra->index > rb->index ? -1 : ra->index < rb->index;
		break;
	}
	case SORT_RISK:
		rc = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rb->e, "risks")) -
		     cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ra->e, "risks"));
		if (!rc)
			rc = compare_cells(name, ra->e, rb->e);
		break;
	case SORT_COUNT:
		break;
	}
	return rc ? rc : ra->index < rb->index ? -1 : ra->index > rb->index;
}

/* An entry's identity across readings: its id, and its space (a user is
 * a member of several). */
static bool
same_entry(const cJSON *x, const cJSON *y)
{
	return x && y && od_str_eq(od_json_get_str(x, "id"), od_json_get_str(y, "id")) &&
	       od_str_eq(od_json_get_str(x, "spaceId"), od_json_get_str(y, "spaceId")) &&
	       od_str_eq(od_json_get_str(x, "kind"), od_json_get_str(y, "kind"));
}

/* Column widths: as wide as their widest entry, within their caps. */
static void
measure(void)
{
	size_t n = n_columns(av.section);

	for (size_t c = 0; c < n; c++) {
		av.widths[c] = draw_width(_(columns[av.section][c].title));
		for (size_t i = 0; i < av.n_rows && av.widths[c] < columns[av.section][c].cap; i++) {
			char *text = cell_text(columns[av.section][c].cell, av.rows[i].e);
			int w = shown_width(text);
			free(text);
			if (w > av.widths[c])
				av.widths[c] = w < columns[av.section][c].cap ? w : columns[av.section][c].cap;
		}
	}
}

/* Choose, order and measure the rows again; the cursor stays on its
 * entry (keep: that entry, from an earlier reading) when it is still shown. */
static void
rebuild(const cJSON *keep)
{
	const cJSON *list = section_list(av.section), *e;
	size_t i = 0;

	av.rows = xrealloc(av.rows, ((size_t)cJSON_GetArraySize(list) + 1) * sizeof(*av.rows));
	av.n_rows = 0;
	cJSON_ArrayForEach(e, list) {
		if ((!av.risky_only || od_audit_risky(e)) && matches(e))
			av.rows[av.n_rows++] = (struct row){ e, i };
		i++;
	}
	qsort(av.rows, av.n_rows, sizeof(*av.rows), compare_rows);
	/* The very entry, else the first with its identity (log entries and
	 * problems share ids). */
	for (i = 0; keep && i < av.n_rows && !cJSON_Compare(av.rows[i].e, keep, true); i++)
		;
	if (keep && i == av.n_rows)
		for (i = 0; i < av.n_rows && !same_entry(av.rows[i].e, keep); i++)
			;
	if (keep && i < av.n_rows)
		av.cursor = i;
	if (av.cursor >= av.n_rows)
		av.cursor = av.n_rows ? av.n_rows - 1 : 0;
	measure();
	if (av.a)
		app_dirty(av.a);
}

static const cJSON *
selected(void)
{
	return av.cursor < av.n_rows ? av.rows[av.cursor].e : NULL;
}

/* rebuild, keeping the cursor on the entry it is on. */
static void
refilter(void)
{
	cJSON *keep = selected() ? cJSON_Duplicate(selected(), true) : NULL;

	rebuild(keep);
	cJSON_Delete(keep);
}

/* --- reading the report -------------------------------------------------------------- */

/* Add a part's report to what is read so far. */
static void
merge(const cJSON *part)
{
	cJSON *copy = cJSON_Duplicate(part, true), *problems, *p;

	if (!copy)
		xoom();
	if (!av.reading) {
		av.reading = copy;
		return;
	}
	for (size_t s = 0; s < SEC_PROBLEMS; s++) {
		cJSON *list = cJSON_DetachItemFromObjectCaseSensitive(copy, section_keys[s]);
		if (list && !cJSON_AddItemToObject(av.reading, section_keys[s], list))
			xoom();
	}
	problems = cJSON_GetObjectItemCaseSensitive(av.reading, "problems");
	while ((p = cJSON_DetachItemFromArray(cJSON_GetObjectItemCaseSensitive(copy, "problems"), 0)))
		if (!cJSON_AddItemToArray(problems, p))
			xoom();
	cJSON_Delete(copy);
}

static void start_step(void);
static void root_step(void);

/* The report has no path for a share's root, and a share's own ids give
 * none (share mode leaves paths out): the root's name is read instead,
 * one share after the other, once the report is shown. */
static void
on_root(const struct od_attrs *at, struct od_error *err, void *ud)
{
	cJSON *e;

	if ((uintptr_t)ud != av.gen || !av.a || !av.report) {
		od_error_free(err);
		return;
	}
	av.op = NULL;
	e = cJSON_GetArrayItem(section_list(SEC_SHARES), (int)av.next_root);
	/* Unreadable: the column keeps saying folder or file. */
	if (!err && e && at->name && !cJSON_AddStringToObject(e, "rootName", at->name))
		xoom();
	od_error_free(err);
	av.next_root++;
	if (av.section == SEC_SHARES)
		refilter();
	root_step();
}

static void
root_step(void)
{
	const cJSON *shares = section_list(SEC_SHARES);

	for (; av.next_root < (size_t)cJSON_GetArraySize(shares); av.next_root++) {
		const cJSON *e = cJSON_GetArrayItem(shares, (int)av.next_root);
		const char *space_id = od_json_get_str(e, "spaceId"), *root = od_json_get_str(e, "rootFileId");
		struct od_space *s = NULL;
		struct od_error *err = space_id ? od_zone_find_space(av.a->s.zone, space_id, &s) : NULL;

		if (!err && s && root && s->n_supports) {
			if (!(av.op = od_provider_stat(av.a->s.zone, s, root, OD_ATTR_NAME, on_root, (void *)av.gen)))
				xoom();
			return;
		}
		od_error_free(err);
	}
}

static void
on_part(const cJSON *report, struct od_error *err, void *ud)
{
	cJSON *keep;

	if ((uintptr_t)ud != av.gen || !av.a) {
		od_error_free(err);
		return;
	}
	av.op = NULL;
	if (err) {
		av.loading = false;
		cJSON_Delete(av.reading);
		av.reading = NULL;
		if (err->kind != OD_ERR_CANCELLED)
			app_error(av.a, _("Cannot make the audit: %s"), err->message);
		od_error_free(err);
		app_dirty(av.a);
		return;
	}
	merge(report);
	if (++av.step < OD_ARRAY_SIZE(steps)) {
		start_step();
		return;
	}
	av.loading = false;
	keep = selected() ? cJSON_Duplicate(selected(), true) : NULL;
	cJSON_Delete(av.report);
	av.report = av.reading;
	av.reading = NULL;
	if (av.section == SEC_PROBLEMS && count_of(SEC_PROBLEMS) == 0)
		av.section = SEC_SHARES;
	rebuild(keep);
	cJSON_Delete(keep);
	av.next_root = 0;
	root_step();
}

static void
start_step(void)
{
	av.op = od_audit_collect(av.a->s.zone, steps[av.step].part, on_part, (void *)av.gen);
	if (!av.op)
		xoom();
	app_dirty(av.a);
}

static void
stop_loading(void)
{
	av.gen++;
	if (av.op)
		od_op_cancel(av.op);
	av.op = NULL;
	av.loading = false;
	cJSON_Delete(av.reading);
	av.reading = NULL;
}

/* Read the whole report (again); what was read stays shown meanwhile. */
static void
load(struct app *a)
{
	stop_loading();
	av.a = a;
	av.step = 0;
	av.loading = true;
	start_step();
}

/* --- opening and closing ------------------------------------------------------------- */

void
audit_open(struct app *a)
{
	if (a->share_id) {
		app_message(a, _("The audit needs an account: onetui was opened on a public share"));
		return;
	}
	if (!a->spaces_loaded) {
		app_message(a, a->spaces_failed ? _("The audit needs your spaces, which could not be read (r tries again)")
						 : _("The audit needs your spaces: wait until they are read"));
		return;
	}
	av.a = a;
	av.shown = true;
	tokens_learn_own(a);
	load(a);
}

bool
audit_shown(void)
{
	return av.shown;
}

static void
close_view(struct app *a)
{
	stop_loading();
	av.shown = false;
	app_dirty(a);
}

static void
free_action(void)
{
	free(av.act.id);
	free(av.act.name);
	free(av.act.space_id);
	free(av.act.space);
	memset(&av.act, 0, sizeof(av.act));
}

void
audit_done(void)
{
	stop_loading();
	av.a = NULL;
	av.shown = false;
	cJSON_Delete(av.report);
	av.report = NULL;
	free(av.rows);
	av.rows = NULL;
	av.n_rows = 0;
	free(av.filter);
	free(av.filter_before);
	av.filter = av.filter_before = NULL;
	/* An action under way ends with OD_ERR_CANCELLED, and says nothing. */
}

/* --- drawing ------------------------------------------------------------------------- */

static const char *
section_title(enum section s)
{
	switch (s) {
	case SEC_SHARES: return _("Shares");
	case SEC_TOKENS: return _("Tokens");
	case SEC_MEMBERS: return _("Members");
	case SEC_LOG: return _("onetui log");
	case SEC_PROBLEMS: return _("Problems");
	case SEC_COUNT: break;
	}
	return "";
}

static void
draw_tabs(int y, int x, int width)
{
	int used;

	draw_blank(stdscr, y, x, width, C_TAB);
	used = draw_own(stdscr, y, x, width, C_LABEL, _(" Audit "));
	for (int s = 0; s < SEC_COUNT && used < width; s++) {
		char label[96];
		enum color c = s == (int)av.section ? C_TAB_ACTIVE : s == SEC_PROBLEMS ? C_ERROR : C_TAB;
		/* Problems has a tab only when there are some. */
		if (s == SEC_PROBLEMS && count_of(SEC_PROBLEMS) == 0 && av.section != SEC_PROBLEMS)
			break;
		if (av.report)
			snprintf(label, sizeof(label), " %d %s (%d) ", s + 1, section_title((enum section)s), count_of(s));
		else
			snprintf(label, sizeof(label), " %d %s ", s + 1, section_title((enum section)s));
		used += draw_own(stdscr, y, x + used, width - used < draw_width(label) ? width - used : draw_width(label),
				 c, label);
		if (used < width)
			used += draw_own(stdscr, y, x + used, 1, C_BORDER, draw_utf8() ? "\u2502" : "|");
	}
}

/* "2 of 4 tokens, 1 risky · filter: ... · risky only · sort: name". */
static void
draw_summary(int y, int x, int width)
{
	const cJSON *list = section_list(av.section), *e;
	int total = cJSON_GetArraySize(list), risky = 0, used;
	char text[256];

	cJSON_ArrayForEach(e, list)
		risky += od_audit_risky(e);
	switch (av.section) {
	case SEC_SHARES:
		snprintf(text, sizeof(text), P_("%zu of %d share, %d risky", "%zu of %d shares, %d risky", total),
			 av.n_rows, total, risky);
		break;
	case SEC_TOKENS:
		snprintf(text, sizeof(text), P_("%zu of %d token, %d risky", "%zu of %d tokens, %d risky", total),
			 av.n_rows, total, risky);
		break;
	case SEC_MEMBERS:
		snprintf(text, sizeof(text), P_("%zu of %d member", "%zu of %d members", total), av.n_rows, total);
		break;
	case SEC_LOG:
		snprintf(text, sizeof(text), P_("%zu of %d access change made by onetui",
						"%zu of %d access changes made by onetui", total), av.n_rows, total);
		break;
	case SEC_PROBLEMS:
	case SEC_COUNT:
		snprintf(text, sizeof(text), P_("%d part could not be read in full", "%d parts could not be read in full",
						total), total);
		break;
	}
	draw_blank(stdscr, y, x, width, C_NORMAL);
	used = draw_own(stdscr, y, x + 1, width - 1, C_NORMAL, text) + 1;
	if (av.filter && *av.filter && used < width) {
		used += draw_own(stdscr, y, x + used, width - used, C_NORMAL, _(" · filter: "));
		used += draw_text(stdscr, y, x + used, width - used < 30 ? width - used : 30, C_MARKED, av.filter);
	}
	if (av.risky_only && used < width)
		used += draw_own(stdscr, y, x + used, width - used, C_WARN, _(" · risky only"));
	if (used < width)
		used += draw_printf(stdscr, y, x + used, width - used, C_NORMAL, _(" · sort: %s"),
				    _(sort_names[av.sort[av.section]]));
	if (av.loading && used < width)
		draw_printf(stdscr, y, x + used, width - used, C_DIM, " · %s", _(steps[av.step].saying));
}

static void
draw_row(int y, int x, int width, const cJSON *e, bool cursor)
{
	bool risky = od_audit_risky(e);
	bool dim = av.section == SEC_TOKENS && is_true(e, "revoked");
	enum color base = cursor ? C_CURSOR : dim ? C_DIM : C_NORMAL;
	int used = 0;

	draw_blank(stdscr, y, x, width, base);
	if (risky)
		draw_own(stdscr, y, x, 2, cursor ? C_CURSOR : C_WARN, draw_utf8() ? "\u26a0" : "!");
	used = 2;
	for (size_t c = 0; c < n_columns(av.section) && used < width; c++) {
		char *text = cell_text(columns[av.section][c].cell, e);
		int w = c + 1 == n_columns(av.section) || width - used < av.widths[c] ? width - used : av.widths[c];
		enum color color = base;
		if (!cursor && columns[av.section][c].cell == CELL_RISKS)
			color = C_WARN;
		else if (!cursor && av.section == SEC_PROBLEMS)
			color = C_ERROR;
		draw_text(stdscr, y, x + used, w, color, text);
		free(text);
		used += w + 2;
	}
}

void
audit_draw(struct app *a, int y, int x, int height, int width)
{
	int list_h = height - 3, used = 2;

	if (height < 4 || width < 10)
		return;
	draw_tabs(y, x, width);
	draw_summary(y + 1, x, width);
	draw_blank(stdscr, y + 2, x, width, C_LABEL);
	for (size_t c = 0; c < n_columns(av.section) && used < width; c++) {
		int w = width - used < av.widths[c] ? width - used : av.widths[c];
		draw_own(stdscr, y + 2, x + used, w, C_LABEL, _(columns[av.section][c].title));
		used += w + 2;
	}
	if (av.cursor < av.top)
		av.top = av.cursor;
	if (list_h > 0 && av.cursor >= av.top + (size_t)list_h)
		av.top = av.cursor - (size_t)list_h + 1;
	for (int i = 0; i < list_h; i++) {
		size_t r = av.top + (size_t)i;
		if (r < av.n_rows) {
			draw_row(y + 3 + i, x, width, av.rows[r].e, r == av.cursor);
			continue;
		}
		draw_blank(stdscr, y + 3 + i, x, width, C_NORMAL);
		if (r != av.n_rows || av.n_rows)
			continue;
		if (!av.report)
			draw_own(stdscr, y + 3 + i, x + 2, width - 2, av.loading ? C_DIM : C_ERROR,
				 av.loading ? _(steps[av.step].saying) : _("The audit could not be made: r tries again"));
		else if (count_of(av.section))
			draw_own(stdscr, y + 3 + i, x + 2, width - 2, C_DIM,
				 _("Nothing shown: / changes the filter, ! shows the entries without risks too"));
		else
			draw_own(stdscr, y + 3 + i, x + 2, width - 2, C_DIM, _("None"));
	}
}

/* --- details ------------------------------------------------------------------------- */

/* What the report's keys are called in the details. */
static const struct {
	const char *key, *label;
} labels[] = {
	{ "id", N_("id") }, { "name", N_("name") }, { "space", N_("space") }, { "spaceId", N_("space id") },
	{ "rootType", N_("root") }, { "rootName", N_("root's name") }, { "rootFileId", N_("root file id") },
	{ "creator", N_("creator") },
	{ "created", N_("created") }, { "publicUrl", N_("public URL") }, { "publicRestUrl", N_("public REST URL") },
	{ "handleId", N_("handle") }, { "wholeSpace", N_("whole space") }, { "risks", N_("risks") },
	{ "type", N_("type") }, { "inviteType", N_("invitation") }, { "targetId", N_("target id") },
	{ "target", N_("target") }, { "validUntil", N_("expires") }, { "revoked", N_("revoked") },
	{ "usageLimit", N_("usage limit") }, { "usageCount", N_("times used") }, { "privileges", N_("privileges") },
	{ "caveatsText", N_("caveats") }, { "kind", N_("kind") }, { "username", N_("username") },
	{ "direct", N_("direct member") }, { "owner", N_("owner") }, { "privilegesKnown", N_("privileges visible") },
	{ "effective", N_("effective privileges") }, { "via", N_("through groups") }, { "time", N_("time") },
	{ "action", N_("action") }, { "detail", N_("detail") }, { "zone", N_("zone") },
	{ "user", N_("Onedata user") }, { "login", N_("local user") }, { "host", N_("host") }, { "part", N_("part") },
	{ "error", N_("error") },
};

static const char *
label_of(const char *key)
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(labels); i++)
		if (strcmp(labels[i].key, key) == 0)
			return _(labels[i].label);
	return key;
}

/* What a missing value means for a key. */
static const char *
none_of(const char *key)
{
	if (strcmp(key, "validUntil") == 0)
		return _("never");
	if (strcmp(key, "usageLimit") == 0)
		return _("unlimited");
	return "-";
}

static void
describe_value(struct od_buf *b, const char *key, const cJSON *v)
{
	char t[OD_TIME_BUFSZ];
	char *text = NULL;
	const cJSON *item;
	int rc = 0;

	if (cJSON_IsNull(v)) {
		rc = od_buf_addf(b, "%s\n", none_of(key));
	} else if (cJSON_IsBool(v)) {
		rc = od_buf_addf(b, "%s\n", cJSON_IsTrue(v) ? _("yes") : _("no"));
	} else if (cJSON_IsString(v)) {
		rc = od_buf_addf(b, "%s\n", v->valuestring);
	} else if (cJSON_IsNumber(v) && (!strcmp(key, "created") || !strcmp(key, "validUntil") || !strcmp(key, "time"))) {
		rc = od_buf_addf(b, "%s\n", od_time_iso((int64_t)v->valuedouble, t));
	} else if (cJSON_IsNumber(v)) {
		rc = od_buf_addf(b, "%.0f\n", v->valuedouble);
	} else if (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 0) {
		rc = od_buf_addf(b, "%s\n", _("none"));
	} else if (cJSON_IsArray(v)) {
		rc = od_buf_adds(b, "\n");
		cJSON_ArrayForEach(item, v) {
			text = cJSON_IsString(item) ? NULL : cJSON_PrintUnformatted(item);
			rc |= od_buf_addf(b, "    %s\n", text ? text : item->valuestring ? item->valuestring : "");
			free(text);
		}
	} else {
		text = cJSON_PrintUnformatted(v);
		rc = od_buf_addf(b, "%s\n", text ? text : "?");
		free(text);
	}
	if (rc)
		xoom();
}

static char *
entry_title(const cJSON *e)
{
	const char *name = od_json_get_str(e, "name");

	switch (av.section) {
	case SEC_SHARES: return xasprintf(_("Share %s"), name ? name : "");
	case SEC_TOKENS: return xasprintf(_("Token %s"), name ? name : "");
	case SEC_MEMBERS: return xasprintf(_("Member %s"), name ? name : "");
	case SEC_LOG: return xstrdup(_("onetui log entry"));
	case SEC_PROBLEMS:
	case SEC_COUNT: break;
	}
	return xstrdup(_("Problem"));
}

static void
details(struct app *a)
{
	const cJSON *e = selected(), *v;
	struct od_buf b;
	char *title;

	if (!e) {
		app_message(a, _("Nothing selected"));
		return;
	}
	od_buf_init(&b, OD_BUF_UNLIMITED);
	cJSON_ArrayForEach(v, e) {
		/* The caveats are shown in words (caveatsText). */
		if (!v->string || strcmp(v->string, "caveats") == 0)
			continue;
		if (od_buf_addf(&b, "%-21s ", label_of(v->string)))
			xoom();
		describe_value(&b, v->string, v);
	}
	title = entry_title(e);
	widget_popup(a, title, od_buf_str(&b));
	free(title);
	od_buf_done(&b);
}

/* --- changes ------------------------------------------------------------------------- */

static const char *
act_name(void)
{
	return av.act.name && *av.act.name ? av.act.name : av.act.id;
}

static void
on_action_done(struct od_error *err, void *ud)
{
	struct app *a = av.a;

	av.acting = false;
	if (!a || (err && err->kind == OD_ERR_CANCELLED)) {
		od_error_free(err);
		free_action();
		return;
	}
	if (err) {
		switch (av.act.what) {
		case ACT_REVOKE: app_error(a, _("Cannot revoke token %s: %s"), act_name(), err->message); break;
		case ACT_UNREVOKE: app_error(a, _("Cannot un-revoke token %s: %s"), act_name(), err->message); break;
		case ACT_DELETE_TOKEN: app_error(a, _("Cannot delete token %s: %s"), act_name(), err->message); break;
		case ACT_DELETE_SHARE: app_error(a, _("Cannot delete share %s: %s"), act_name(), err->message); break;
		case ACT_REMOVE_MEMBER:
			app_error(a, _("Cannot remove %s from %s: %s"), act_name(), av.act.space, err->message);
			break;
		}
		od_error_free(err);
		free_action();
		return;
	}
	switch (av.act.what) {
	case ACT_REVOKE:
		app_message(a, _("Token %s is revoked; so is every token confined from it"), act_name());
		break;
	case ACT_UNREVOKE: app_message(a, _("Token %s works again"), act_name()); break;
	case ACT_DELETE_TOKEN: app_message(a, _("Token %s is deleted"), act_name()); break;
	case ACT_DELETE_SHARE:
		app_message(a, _("Share %s is deleted: its public URL no longer works; the data stays"), act_name());
		break;
	case ACT_REMOVE_MEMBER: app_message(a, _("%s is no longer a member of %s"), act_name(), av.act.space); break;
	}
	free_action();
	if (av.shown)
		load(a);
}

static void
on_confirmed(struct app *a, bool yes, void *ud)
{
	struct od_zone *z = a->s.zone;
	struct od_space *s = NULL;
	struct od_error *err;
	struct od_op *op = NULL;

	(void)ud;
	if (!yes) {
		free_action();
		return;
	}
	switch (av.act.what) {
	case ACT_REVOKE:
	case ACT_UNREVOKE:
		op = od_token_set_revoked(z, av.act.id, av.act.name, av.act.what == ACT_REVOKE, on_action_done, NULL);
		break;
	case ACT_DELETE_TOKEN:
		op = od_token_delete(z, av.act.id, av.act.name, on_action_done, NULL);
		break;
	case ACT_DELETE_SHARE:
		if ((err = od_zone_find_space(z, av.act.space_id ? av.act.space_id : "", &s))) {
			app_error(a, _("Cannot delete share %s: %s"), act_name(), err->message);
			od_error_free(err);
			free_action();
			return;
		}
		op = od_share_delete(z, s, av.act.id, av.act.name, on_action_done, NULL);
		break;
	case ACT_REMOVE_MEMBER:
		op = od_space_remove_member(z, av.act.space_id, av.act.kind, av.act.id, av.act.name, on_action_done, NULL);
		break;
	}
	if (!op)
		xoom();
	av.acting = true;
}

/* Copy what an action needs of e; false (said) when another is under way. */
static bool
take(struct app *a, const cJSON *e, int what)
{
	char *space;

	if (av.acting) {
		app_message(a, _("Wait: the last change is still being made"));
		return false;
	}
	free_action();
	space = space_cell(e);
	av.act = (struct action){
		.what = what,
		.id = xstrdup(od_json_get_str(e, "id") ? od_json_get_str(e, "id") : ""),
		.name = od_json_get_str(e, "name") ? xstrdup(od_json_get_str(e, "name")) : NULL,
		.space_id = od_json_get_str(e, "spaceId") ? xstrdup(od_json_get_str(e, "spaceId")) : NULL,
		.space = space,
		.kind = od_str_eq(od_json_get_str(e, "kind"), "group") ? OD_MEMBER_GROUP : OD_MEMBER_USER,
	};
	return true;
}

/* Ask question (taken), then make the change. */
static void
confirm(struct app *a, char *q)
{

	widget_confirm(a, q, on_confirmed, NULL);
	free(q);
}

static void
ask_revoke(struct app *a)
{
	const cJSON *e = selected();

	if (av.section != SEC_TOKENS || !e) {
		app_message(a, _("Only tokens are revoked: choose one in Tokens (2)"));
		return;
	}
	if (!take(a, e, is_true(e, "revoked") ? ACT_UNREVOKE : ACT_REVOKE))
		return;
	if (av.act.what == ACT_REVOKE)
		confirm(a, tokens_warn_own(a, av.act.id,
					   xasprintf(_("Revoke token %s (%s)? It stops working at once, and so does "
						       "every token confined from it."),
						     act_name(), av.act.id)));
	else
		confirm(a, xasprintf(_("Un-revoke token %s (%s)? It works again, and so does every token confined "
				       "from it."), act_name(), av.act.id));
}

static void
ask_delete(struct app *a)
{
	const cJSON *e = selected();
	const char *me = od_json_get_str(av.report, "user");

	if (!e || av.section == SEC_LOG || av.section == SEC_PROBLEMS) {
		app_message(a, _("Tokens and shares are deleted, direct members removed: choose one in 1, 2 or 3"));
		return;
	}
	if (av.section == SEC_MEMBERS && !is_true(e, "direct")) {
		char *space = space_cell(e);
		app_message(a, _("%s is a member of %s through a group only: remove the group, or them from it"),
			    od_json_get_str(e, "name") ? od_json_get_str(e, "name") : od_json_get_str(e, "id"), space);
		free(space);
		return;
	}
	switch (av.section) {
	case SEC_TOKENS:
		if (take(a, e, ACT_DELETE_TOKEN))
			confirm(a, tokens_warn_own(a, av.act.id,
						   xasprintf(_("Delete token %s (%s)? It stops working and is gone "
							       "for good."),
							     act_name(), av.act.id)));
		break;
	case SEC_SHARES:
		if (take(a, e, ACT_DELETE_SHARE))
			confirm(a, xasprintf(_("Delete share %s (%s)? Its public URL stops working; the data stays."),
					     act_name(), av.act.id));
		break;
	case SEC_MEMBERS:
		if (!take(a, e, ACT_REMOVE_MEMBER))
			break;
		{
			bool you = od_str_eq(av.act.id, me) && av.act.kind == OD_MEMBER_USER;
			confirm(a, you ? xasprintf(_("Remove %s (%s) from %s? That is you: you lose access to the space."),
						   act_name(), av.act.id, av.act.space)
				       : xasprintf(_("Remove %s (%s) from %s? They lose what the space gave them directly."),
						   act_name(), av.act.id, av.act.space));
		}
		break;
	case SEC_LOG:
	case SEC_PROBLEMS:
	case SEC_COUNT:
		break;
	}
}

/* --- export -------------------------------------------------------------------------- */

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n > m && strcasecmp(s + n - m, tail) == 0;
}

static void
on_export_path(struct app *a, const char *path, void *ud)
{
	bool csv, json;
	struct od_buf b;
	struct od_error *err;
	struct stat st;
	char *text = NULL;

	(void)ud;
	if (!path || !*path || !av.report)
		return;
	csv = ends_with(path, ".csv");
	json = ends_with(path, ".json");
	if (!csv && !json) {
		app_error(a, _("%s: name a .csv or a .json file (the name says which)"), path);
		return;
	}
	if (lstat(path, &st) == 0) {
		app_error(a, _("%s exists already; give another name"), path);
		return;
	}
	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (csv && od_audit_csv(av.report, &b))
		xoom();
	/* cJSON escapes control characters: the file is safe to cat. */
	if (json && (!(text = cJSON_Print(av.report)) || od_buf_adds(&b, text) || od_buf_adds(&b, "\n")))
		xoom();
	free(text);
	err = od_private_write_file(path, b.data ? b.data : "", b.len);
	od_buf_done(&b);
	if (err) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		return;
	}
	app_message(a, _("Wrote the whole audit (%d shares, %d tokens, %d members, %d log entries) to %s, mode 0600"),
		    count_of(SEC_SHARES), count_of(SEC_TOKENS), count_of(SEC_MEMBERS), count_of(SEC_LOG), path);
}

static void
ask_export(struct app *a)
{
	char name[64], day[OD_TIME_BUFSZ];
	const cJSON *when = cJSON_GetObjectItemCaseSensitive(av.report, "generated");

	if (!av.report) {
		app_message(a, _("The audit is still being read"));
		return;
	}
	snprintf(name, sizeof(name), "onetui-audit-%.10s.csv",
		 cJSON_IsNumber(when) ? od_time_iso((int64_t)when->valuedouble, day) : "");
	widget_prompt_path(a, _("Write the whole audit to (.csv or .json)"), name, on_export_path, NULL);
}

/* --- filter and keys ----------------------------------------------------------------- */

static void
set_filter(const char *text)
{
	free(av.filter);
	av.filter = text && *text ? xstrdup(text) : NULL;
	refilter();
}

static void
on_filter_changed(struct app *a, const char *text, void *ud)
{
	(void)a;
	(void)ud;
	set_filter(text);
}

static void
on_filter_done(struct app *a, const char *text, void *ud)
{
	(void)a;
	(void)ud;
	/* Esc: the filter there was before. */
	set_filter(text ? text : av.filter_before);
	free(av.filter_before);
	av.filter_before = NULL;
}

static void
show_section(struct app *a, enum section s)
{
	if (s == SEC_PROBLEMS && count_of(SEC_PROBLEMS) == 0) {
		app_message(a, av.report ? _("No problems: every part of the audit was read")
					 : _("The audit is still being read"));
		return;
	}
	av.section = s;
	av.cursor = av.top = 0;
	rebuild(NULL);
}

static void
move_cursor(struct app *a, long by)
{
	long to = (long)av.cursor + by;

	if (to < 0 || av.n_rows == 0)
		to = 0;
	else if (to >= (long)av.n_rows)
		to = (long)av.n_rows - 1;
	av.cursor = (size_t)to;
	app_dirty(a);
}

bool
audit_request(struct app *a, enum request req)
{
	long page = a->rows > 8 ? a->rows - 6 : 1;

	switch (req) {
	case REQ_MOVE_UP: move_cursor(a, -1); break;
	case REQ_MOVE_DOWN: move_cursor(a, 1); break;
	case REQ_PAGE_UP: move_cursor(a, -page); break;
	case REQ_PAGE_DOWN: move_cursor(a, page); break;
	case REQ_MOVE_FIRST: move_cursor(a, -(long)av.n_rows); break;
	case REQ_MOVE_LAST: move_cursor(a, (long)av.n_rows); break;
	case REQ_AUDIT_CLOSE: close_view(a); break;
	case REQ_AUDIT_NEXT:
		show_section(a, (enum section)((av.section + 1) % (count_of(SEC_PROBLEMS) ? SEC_COUNT : SEC_PROBLEMS)));
		break;
	case REQ_AUDIT_SHARES:
	case REQ_AUDIT_TOKENS:
	case REQ_AUDIT_MEMBERS:
	case REQ_AUDIT_LOG:
	case REQ_AUDIT_PROBLEMS:
		show_section(a, (enum section)(req - REQ_AUDIT_SHARES));
		break;
	case REQ_AUDIT_FILTER:
		free(av.filter_before);
		av.filter_before = av.filter ? xstrdup(av.filter) : NULL;
		widget_prompt(a, _("Show the entries containing"), av.filter, on_filter_done, on_filter_changed, NULL);
		break;
	case REQ_AUDIT_RISKY:
		av.risky_only = !av.risky_only;
		refilter();
		break;
	case REQ_AUDIT_SORT:
		av.sort[av.section] = (enum sort)((av.sort[av.section] + 1) % SORT_COUNT);
		refilter();
		break;
	case REQ_AUDIT_DETAILS: details(a); break;
	case REQ_AUDIT_REVOKE: ask_revoke(a); break;
	case REQ_AUDIT_DELETE: ask_delete(a); break;
	case REQ_AUDIT_EXPORT: ask_export(a); break;
	case REQ_REFRESH: load(a); break;
	/* The help, a redraw and quitting work here too. */
	case REQ_HELP:
	case REQ_REDRAW:
	case REQ_QUIT:
		return false;
	default:
		/* The tree's and the panes' actions are not for what this view shows. */
		app_message(a, _("Not in the Audit view: Esc goes back to the tree"));
		break;
	}
	return true;
}
