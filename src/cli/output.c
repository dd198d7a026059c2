/* SPDX-License-Identifier: GPL-3.0-or-later */
/* output.c: tables, JSON and messages of the CLI. */
#include "config.h"

#include "cli/output.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/jsonfmt.h"
#include "onetui/sanitize.h"
#include "xmalloc.h"

char *
out_safe(const char *s)
{
	char *safe = od_sanitize(s, od_sanitize_flags_for_locale());

	if (!safe)
		xoom();
	return safe;
}

static void vmessage(const char *kind, const char *fmt, va_list ap) OD_PRINTF(2, 0);

static void
vmessage(const char *kind, const char *fmt, va_list ap)
{
	struct od_buf b;
	char *safe;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (od_buf_vaddf(&b, fmt, ap) != 0)
		xoom();
	safe = out_safe(od_buf_str(&b));
	fflush(stdout);
	fprintf(stderr, "onetui: %s%s\n", kind, safe);
	free(safe);
	od_buf_done(&b);
}

void
out_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

void
out_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(_("warning: "), fmt, ap);
	va_end(ap);
}

void
out_warn_unremoved(const char *part, int errnum, void *ud)
{
	(void)ud;
	out_warn(_("cannot remove %s: %s"), part, strerror(errnum));
}

int
out_exit_code(const struct od_error *err)
{
	if (!err)
		return EXIT_OK;
	switch (err->kind) {
	case OD_ERR_CANCELLED:
		return EXIT_INTERRUPTED;
	case OD_ERR_NETWORK:
	case OD_ERR_TLS:
		return EXIT_NETWORK;
	default:
		break;
	}
	if (od_error_is_auth(err) || err->status == 403 || od_error_is(err, "forbidden") ||
	    od_error_is(err, "forbiddenWithHint") || (err->kind == OD_ERR_POSIX && err->sys_errno == EACCES))
		return EXIT_AUTH;
	return EXIT_FAILED;
}

int
out_fail(struct od_error *err, const char *context_fmt, ...)
{
	int code = out_exit_code(err);
	va_list ap;

	if (context_fmt) {
		struct od_buf b;
		od_buf_init(&b, OD_BUF_UNLIMITED);
		va_start(ap, context_fmt);
		if (od_buf_vaddf(&b, context_fmt, ap) != 0)
			xoom();
		va_end(ap);
		od_error_prefix(err, "%s", od_buf_str(&b));
		od_buf_done(&b);
	}
	if (err->kind != OD_ERR_CANCELLED)
		out_error("%s", err->message);
	od_error_free(err);
	return code;
}

/* --- tables ----------------------------------------------------------------- */

struct table {
	size_t ncols;
	char **titles;
	bool *right;
	char **cells;	/* row-major */
	size_t nrows, cap;
};

struct table *
table_new(size_t ncols, const char *const *titles, const bool *right)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	t->titles = xcalloc(ncols, sizeof(*t->titles));
	t->right = xcalloc(ncols, sizeof(*t->right));
	for (size_t i = 0; i < ncols; i++) {
		t->titles[i] = xstrdup(titles[i]);
		t->right[i] = right && right[i];
	}
	return t;
}

void
table_add(struct table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof(*t->cells));
	}
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = out_safe(cells[i] ? cells[i] : "");
	t->nrows++;
}

static void
print_cell(FILE *out, const char *s, int width, bool right, bool last)
{
	int pad = width - od_display_width(s);

	if (right)
		fprintf(out, "%*s%s", pad > 0 ? pad : 0, "", s);
	else if (last)
		fputs(s, out);
	else
		fprintf(out, "%s%*s", s, pad > 0 ? pad : 0, "");
}

size_t
table_rows(const struct table *t)
{
	return t->nrows;
}

void
table_print(struct table *t, FILE *out)
{
	int *w = xcalloc(t->ncols, sizeof(*w));

	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = od_display_width(t->titles[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			int cw = od_display_width(t->cells[r * t->ncols + c]);
			if (cw > w[c])
				w[c] = cw;
		}
	}
	for (size_t c = 0; c < t->ncols; c++) {
		print_cell(out, t->titles[c], w[c], t->right[c], c + 1 == t->ncols);
		fputs(c + 1 == t->ncols ? "\n" : "  ", out);
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			print_cell(out, t->cells[r * t->ncols + c], w[c], t->right[c], c + 1 == t->ncols);
			fputs(c + 1 == t->ncols ? "\n" : "  ", out);
		}
	}
	free(w);
}

void
table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		free(t->titles[i]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->titles);
	free(t->right);
	free(t->cells);
	free(t);
}

int
out_label_width(const char *const *labels, size_t n)
{
	int w = 0;

	for (size_t i = 0; i < n; i++) {
		char *safe = out_safe(labels[i]);
		int lw = od_display_width(safe);
		free(safe);
		if (lw > w)
			w = lw;
	}
	return w;
}

void
out_field(FILE *out, int label_width, const char *label, const char *fmt, ...)
{
	struct od_buf b;
	va_list ap;
	char *safe;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	va_start(ap, fmt);
	if (od_buf_vaddf(&b, fmt, ap) != 0)
		xoom();
	va_end(ap);
	safe = out_safe(od_buf_str(&b));
	fprintf(out, "%s%*s  %s\n", label, label_width - od_display_width(label), "", safe);
	free(safe);
	od_buf_done(&b);
}

/* --- input ---------------------------------------------------------------------- */

int
cli_read_input(const char *name, char **text, size_t *len)
{
	FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
	struct od_buf b;
	char chunk[65536];
	size_t n;
	bool failed;

	if (!f) {
		out_error(_("Cannot open %s: %s"), name, strerror(errno));
		return EXIT_FAILED;
	}
	od_buf_init(&b, OD_BUF_UNLIMITED);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (od_buf_add(&b, chunk, n) != 0)
			xoom();
	failed = ferror(f);
	if (f != stdin)
		fclose(f);
	if (failed) {
		out_error(_("Cannot read %s"), name);
		od_buf_done(&b);
		return EXIT_FAILED;
	}
	*len = b.len;
	*text = od_buf_steal(&b);
	if (!*text)
		xoom();
	return EXIT_OK;
}

/* --- JSON ----------------------------------------------------------------------- */

#define JW_DEPTH 32
#define JW_FLUSH (64 * 1024)

struct jw {
	FILE *out;
	struct od_buf b;
	int depth;
	bool first[JW_DEPTH];
	bool after_key;
};

struct jw *
jw_new(FILE *out)
{
	struct jw *w = xcalloc(1, sizeof(*w));

	w->out = out;
	od_buf_init(&w->b, OD_BUF_UNLIMITED);
	return w;
}

static void
jw_flush(struct jw *w)
{
	if (w->b.len)
		fwrite(w->b.data, 1, w->b.len, w->out);
	od_buf_reset(&w->b);
}

void
jw_free(struct jw *w)
{
	if (!w)
		return;
	jw_flush(w);
	od_buf_done(&w->b);
	free(w);
}

static void
jw_raw(struct jw *w, const char *s)
{
	if (od_buf_adds(&w->b, s) != 0)
		xoom();
}

/* The comma before a value, unless it follows a key or opens a container. */
static void
jw_sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth - 1])
			jw_raw(w, ",");
		w->first[w->depth - 1] = false;
	}
}

static void
jw_open(struct jw *w, const char *brace)
{
	jw_sep(w);
	jw_raw(w, brace);
	if (w->depth < JW_DEPTH)
		w->first[w->depth] = true;
	w->depth++;
}

static void
jw_close(struct jw *w, const char *brace)
{
	w->depth--;
	jw_raw(w, brace);
	if (w->depth == 0)
		jw_raw(w, "\n");
	if (w->b.len >= JW_FLUSH || w->depth == 0)
		jw_flush(w);
}

void
jw_begin_object(struct jw *w)
{
	jw_open(w, "{");
}

void
jw_end_object(struct jw *w)
{
	jw_close(w, "}");
}

void
jw_begin_array(struct jw *w)
{
	jw_open(w, "[");
}

void
jw_end_array(struct jw *w)
{
	jw_close(w, "]");
}

void
jw_key(struct jw *w, const char *key)
{
	size_t n = strlen(key);

	jw_sep(w);
	/* Keys are onetui's own names: nothing to escape. */
	if (od_buf_addc(&w->b, '"') || od_buf_add(&w->b, key, n) || od_buf_add(&w->b, "\":", 2))
		xoom();
	w->after_key = true;
}

void
jw_string(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_sep(w);
	if (od_json_escape(&w->b, s, strlen(s)) != 0)
		xoom();
}

void
jw_int(struct jw *w, int64_t v)
{
	char digits[24], *p = digits + sizeof(digits);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	jw_sep(w);
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	if (od_buf_add(&w->b, p, (size_t)(digits + sizeof(digits) - p)) != 0)
		xoom();
}

void
jw_bool(struct jw *w, bool v)
{
	jw_sep(w);
	jw_raw(w, v ? "true" : "false");
}

void
jw_null(struct jw *w)
{
	jw_sep(w);
	jw_raw(w, "null");
}

void
jw_kv_string(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_string(w, s);
}

void
jw_kv_int(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void
jw_kv_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

bool
out_ask(const char *question)
{
	char line[16];

	if (!isatty(STDIN_FILENO))
		return false;
	fprintf(stderr, _("onetui: %s [y/N] "), question);
	fflush(stderr);
	return fgets(line, sizeof(line), stdin) && (line[0] == 'y' || line[0] == 'Y');
}

bool
out_confirm(bool yes, const char *question)
{
	if (yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		out_error(_("%s: add --yes to confirm (stdin is not a terminal)"), question);
		return false;
	}
	return out_ask(question);
}

int
out_confirm_remote(bool yes, char *question)
{
	char *safe = out_safe(question);
	bool go = out_confirm(yes, safe);

	free(safe);
	free(question);
	if (go)
		return EXIT_OK;
	return isatty(STDIN_FILENO) ? EXIT_FAILED : EXIT_USAGE;
}

void
out_id(const char *key, const char *id, bool json)
{
	if (json) {
		struct jw *j = jw_new(stdout);
		jw_begin_object(j);
		jw_kv_string(j, key, id);
		jw_end_object(j);	/* ends the line */
		jw_free(j);
	} else {
		char *safe = out_safe(id);
		printf("%s\n", safe);
		free(safe);
	}
	fflush(stdout);
}

char *
out_json_text(const cJSON *v)
{
	char *text = od_json_text(v, 0);

	if (!text)
		xoom();
	text[strcspn(text, "\n")] = '\0';	/* strings hold no raw line break */
	return text;
}
