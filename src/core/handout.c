/* SPDX-License-Identifier: GPL-3.0-or-later */
/* handout.c: filling handout templates. */
#include "config.h"

#include "onetui/handout.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/sanitize.h"

#define MAX_DEPTH 8

static const char *const fact_names[OD_HO_N] = {
	[OD_HO_TITLE] = "title",     [OD_HO_DESCRIPTION] = "description", [OD_HO_SPACE] = "space",
	[OD_HO_PATH] = "path",	     [OD_HO_CONTENTS] = "contents",	  [OD_HO_LINK] = "link",
	[OD_HO_REST_URL] = "rest_url", [OD_HO_ROOT_ID] = "root_id",	  [OD_HO_HANDLE] = "handle",
	[OD_HO_TOKEN] = "token",     [OD_HO_EXPIRES] = "expires",	  [OD_HO_USES] = "uses",
	[OD_HO_ZONE] = "zone",	     [OD_HO_SENDER] = "sender",
};

const char *
od_handout_fact_name(enum od_handout_fact f)
{
	return f < OD_HO_N ? fact_names[f] : "?";
}

static int
fact_of(const char *s, size_t n)
{
	for (int i = 0; i < OD_HO_N; i++)
		if (strlen(fact_names[i]) == n && memcmp(fact_names[i], s, n) == 0)
			return i;
	return -1;
}

/* One pass over a template: checks it, and renders it when facts is not
 * NULL. */
struct walk {
	const struct od_handout_facts *facts;
	struct od_buf *out;
	const char *where;
	int line;
	int open[MAX_DEPTH];	/* the facts of the open sections */
	int opened_on[MAX_DEPTH];
	int depth;
	int hidden_from;	/* depth of the first section without a value; 0: none */
	struct od_error *err;
};

static bool
has(const struct walk *w, int fact)
{
	const char *v = w->facts->v[fact];
	return v && *v;
}

static bool
fail(struct walk *w, const char *what, const char *token, size_t len)
{
	w->err = od_error_new(OD_ERR_INPUT, _("%s, line %d: %s: %.*s"), w->where, w->line, what, (int)len, token);
	return false;
}

/* "{?name}" or "{/name}" alone on a line (blanks around): its mark and fact. */
static char
section_mark(const char *s, size_t len, int *fact)
{
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	if (len < 4 || s[0] != '{' || (s[1] != '?' && s[1] != '/') || s[len - 1] != '}' ||
	    memchr(s + 2, '}', len - 3))
		return 0;
	*fact = fact_of(s + 2, len - 3);
	return s[1];
}

static bool
section(struct walk *w, char mark, int fact, const char *s, size_t len)
{
	if (fact < 0)
		return fail(w, _("no such placeholder"), s, len);
	if (mark == '?') {
		if (w->depth == MAX_DEPTH)
			return fail(w, _("sections nest too deep"), s, len);
		w->open[w->depth] = fact;
		w->opened_on[w->depth++] = w->line;
		if (w->facts && !w->hidden_from && !has(w, fact))
			w->hidden_from = w->depth;
		return true;
	}
	if (!w->depth || w->open[w->depth - 1] != fact)
		return fail(w, _("this closes no open section"), s, len);
	if (w->hidden_from == w->depth)
		w->hidden_from = 0;
	w->depth--;
	return true;
}

/* A value, sanitised line by line. */
static int
add_value(struct od_buf *b, const char *v)
{
	for (;;) {
		const char *nl = strchr(v, '\n');
		size_t n = nl ? (size_t)(nl - v) : strlen(v);

		if (od_sanitize_append(b, v, n, 0) != 0 || (nl && od_buf_addc(b, '\n') != 0))
			return -1;
		if (!nl)
			return 0;
		v = nl + 1;
	}
}

/* A line of text; *keep becomes false when it names a fact without a value. */
static bool
text_line(struct walk *w, const char *s, size_t len, struct od_buf *line, bool *keep)
{
	*keep = true;
	for (size_t i = 0; i < len; i++) {
		const char *close;
		int fact;

		if ((s[i] == '{' || s[i] == '}') && i + 1 < len && s[i + 1] == s[i]) {
			if (line && od_buf_addc(line, s[i++]) != 0)
				return false;
			if (!line)
				i++;
			continue;
		}
		if (s[i] == '}')
			return fail(w, _("a } without its {; write }} for a brace"), s + i, 1);
		if (s[i] != '{') {
			if (line && od_buf_addc(line, s[i]) != 0)
				return false;
			continue;
		}
		close = memchr(s + i, '}', len - i);
		if (!close)
			return fail(w, _("a { without its }; write {{ for a brace"), s + i, len - i);
		fact = fact_of(s + i + 1, (size_t)(close - s) - i - 1);
		if (fact < 0)
			return fail(w, _("no such placeholder"), s + i, (size_t)(close - s) - i + 1);
		if (w->facts && !has(w, fact))
			*keep = false;
		else if (line && add_value(line, w->facts->v[fact]) != 0)
			return false;
		i = (size_t)(close - s);
	}
	return true;
}

/* Lines left out leave blank lines behind: one is enough. */
static bool
blank_after_blank(const struct od_buf *out, const struct od_buf *line)
{
	bool blank = line->len == 0 || (line->len == 1 && line->data[0] == '\n');

	return blank && (out->len == 0 || (out->len >= 2 && out->data[out->len - 1] == '\n' &&
					   out->data[out->len - 2] == '\n'));
}

static bool
walk_line(struct walk *w, const char *s, size_t len, bool newline)
{
	struct od_buf line;
	bool keep, ok;
	int fact;
	char mark = section_mark(s, len, &fact);

	if (mark)
		return section(w, mark, fact, s, len);
	if (!w->facts || w->hidden_from)
		return text_line(w, s, len, NULL, &keep);
	od_buf_init(&line, OD_BUF_UNLIMITED);
	ok = text_line(w, s, len, &line, &keep) && (!newline || od_buf_addc(&line, '\n') == 0);
	if (ok && keep && !blank_after_blank(w->out, &line) && od_buf_add(w->out, line.data, line.len) != 0)
		ok = false;
	if (!ok && !w->err)
		w->err = od_error_nomem();
	od_buf_done(&line);
	return ok;
}

static struct od_error *
walk(struct walk *w, const char *text)
{
	const char *s = text;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		w->line++;
		if (!walk_line(w, s, len, nl != NULL))
			return w->err;
		s += len + (nl != NULL);
	}
	if (w->depth) {
		w->line = w->opened_on[w->depth - 1];
		w->err = od_error_new(OD_ERR_INPUT, _("%s, line %d: the section {?%s} does not end (add {/%s})"),
				      w->where, w->line, fact_names[w->open[w->depth - 1]],
				      fact_names[w->open[w->depth - 1]]);
	}
	return w->err;
}

struct od_error *
od_handout_check(const char *text, const char *where)
{
	struct walk w = { .where = where };

	return walk(&w, text);
}

char *
od_handout_render(const char *text, const struct od_handout_facts *facts)
{
	struct od_buf out;
	struct walk w = { .facts = facts, .out = &out, .where = "" };
	struct od_error *err;

	od_buf_init(&out, OD_BUF_UNLIMITED);
	if ((err = walk(&w, text))) {
		od_error_free(err);
		od_buf_done(&out);
		return NULL;
	}
	return od_buf_steal(&out);
}

const char *
od_handout_default(void)
{
	return _("Subject: {title}: your data is ready\n"
		 "\n"
		 "Hello,\n"
		 "\n"
		 "the data \"{title}\" is now available to you through Onedata.\n"
		 "\n"
		 "{description}\n"
		 "\n"
		 "  Space:      {space}\n"
		 "  Folder:     {path}\n"
		 "  Contents:   {contents}\n"
		 "  Identifier: {handle}\n"
		 "{?link}\n"
		 "\n"
		 "Read-only access link (no account needed):\n"
		 "\n"
		 "  {link}\n"
		 "{/link}\n"
		 "{?token}\n"
		 "\n"
		 "To work in the space \"{space}\" (add your results, use Oneclient or\n"
		 "the REST API with your own account), join it with this invite token:\n"
		 "\n"
		 "  {token}\n"
		 "\n"
		 "  Valid until: {expires}\n"
		 "  Can be used: {uses}\n"
		 "\n"
		 "Keep it to yourself: whoever holds it can join the space.\n"
		 "{/token}\n"
		 "\n"
		 "How to get the data:\n"
		 "{?token}\n"
		 " * Web: log in at {zone}, open Tokens, choose Consume and paste\n"
		 "   the invite token; the space then appears among your spaces.\n"
		 "{/token}\n"
		 "{?link}\n"
		 " * In a browser, without an account: open the access link.\n"
		 " * onetui, without an account:\n"
		 "     onetui get -r {link} DESTINATION\n"
		 "{/link}\n"
		 "{?token}\n"
		 " * onetui, as a member: save the invite token in a file, then\n"
		 "     onetui token consume --from-file FILE\n"
		 "     onetui get -r \"{space}/{path}\" DESTINATION\n"
		 " * Oneclient, as a member: create an access token in the web\n"
		 "   interface (Tokens), then mount your spaces:\n"
		 "     oneclient -H PROVIDER_HOST -t ACCESS_TOKEN MOUNT_POINT\n"
		 "{/token}\n"
		 "{?root_id}\n"
		 " * REST with curl, without an account:\n"
		 "     curl -sS {rest_url}\n"
		 "     curl -sSL {zone}/api/v3/onezone/shares/data/{root_id}/children\n"
		 "{/root_id}\n"
		 "\n"
		 "Best regards,\n"
		 "{sender}\n");
}
