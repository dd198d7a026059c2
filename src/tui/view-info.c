/* SPDX-License-Identifier: GPL-3.0-or-later */
/* view-info.c: the Info pane: everything known about the selected item,
 * loaded in the background. Loading starts a moment after the selection
 * settles and what is no longer selected is cancelled, so holding PgDn
 * does not flood the provider with requests. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/i18n.h"
#include "onetui/provider.h"
#include "onetui/str.h"
#include "tui/draw.h"
#include "tui/tui.h"
#include "xmalloc.h"

#define SETTLE_MS 120

/* A copy of the attributes, owned. */
struct attrs {
	char *name, *path, *owner, *provider, *parent;
	enum od_file_type type;
	int64_t size, atime, mtime, ctime, created, hardlinks;
	unsigned mode;
	char **shares;
	size_t n_shares;
};

/* One line of the pane. */
struct line {
	char *label;		/* onetui's own text, or NULL for a heading */
	char *value;		/* may hold remote text: drawn sanitised */
	enum color color;
};

static struct {
	struct app *a;
	char *file_id;		/* the item shown */
	struct od_space *space;
	bool is_space;
	long long due_ms;	/* when loading starts; 0: not waiting */
	struct od_op *op;
	bool loading;
	bool have_attrs;
	struct attrs at;
	char *error;
	struct line *lines;
	size_t n_lines, cap_lines;
	size_t top;
} iv;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
attrs_done(struct attrs *at)
{
	free(at->name);
	free(at->path);
	free(at->owner);
	free(at->provider);
	free(at->parent);
	for (size_t i = 0; i < at->n_shares; i++)
		free(at->shares[i]);
	free(at->shares);
	memset(at, 0, sizeof(*at));
}

static void
forget(void)
{
	od_op_cancel(iv.op);
	iv.op = NULL;
	iv.loading = false;
	iv.have_attrs = false;
	attrs_done(&iv.at);
	free(iv.error);
	iv.error = NULL;
	free(iv.file_id);
	iv.file_id = NULL;
	iv.top = 0;
}

void
info_view_init(struct app *a)
{
	memset(&iv, 0, sizeof(iv));
	iv.a = a;
}

void
info_view_done(void)
{
	forget();
	for (size_t i = 0; i < iv.n_lines; i++) {
		free(iv.lines[i].label);
		free(iv.lines[i].value);
	}
	free(iv.lines);
	memset(&iv, 0, sizeof(iv));
}

void
info_view_select(struct app *a, struct od_node *n, struct od_space *s)
{
	char *id = n ? od_node_id(n) : NULL;

	if (n && !id)
		xoom();
	/* The same item again (a refresh): load it once more. */
	forget();
	iv.file_id = id;
	iv.space = s ? s : n ? od_node_space(a->tree, n) : NULL;
	iv.is_space = n && !od_node_parent(n);
	iv.due_ms = n && !iv.is_space ? now_ms() + SETTLE_MS : 0;
	app_dirty(a);
}

static void
on_attrs(const struct od_attrs *a, struct od_error *err, void *ud)
{
	const cJSON *id;

	iv.op = NULL;
	iv.loading = false;
	if (err) {
		if (err->kind != OD_ERR_CANCELLED)
			iv.error = xstrdup(err->message);
		od_error_free(err);
		app_dirty(iv.a);
		return;
	}
	iv.at.name = xstrdup(a->name);
	iv.at.path = od_strdup(a->path);
	iv.at.owner = od_strdup(a->owner_id);
	iv.at.provider = od_strdup(a->provider_id);
	iv.at.parent = od_strdup(a->parent_id);
	iv.at.type = a->type;
	iv.at.size = a->size;
	iv.at.atime = a->atime;
	iv.at.mtime = a->mtime;
	iv.at.ctime = a->ctime;
	iv.at.created = a->created;
	iv.at.hardlinks = a->hardlinks;
	iv.at.mode = a->mode;
	iv.at.shares = xcalloc((size_t)cJSON_GetArraySize(a->shares) + 1, sizeof(char *));
	cJSON_ArrayForEach(id, a->shares)
		iv.at.shares[iv.at.n_shares++] = xstrdup(id->valuestring);
	iv.have_attrs = true;
	app_dirty(iv.a);
}

long
info_view_tick(struct app *a)
{
	long long now;

	if (!iv.due_ms)
		return -1;
	now = now_ms();
	if (now < iv.due_ms)
		return (long)(iv.due_ms - now);
	iv.due_ms = 0;
	iv.loading = true;
	iv.op = od_provider_stat(a->s.zone, iv.space, iv.file_id, OD_ATTR_ALL, on_attrs, NULL);
	if (!iv.op)
		xoom();
	return -1;
}

/* --- the lines ---------------------------------------------------------------- */

static void
clear_lines(void)
{
	for (size_t i = 0; i < iv.n_lines; i++) {
		free(iv.lines[i].label);
		free(iv.lines[i].value);
	}
	iv.n_lines = 0;
}

static void
add_line(const char *label, enum color c, const char *fmt, ...) OD_PRINTF(3, 4);

static void
add_line(const char *label, enum color c, const char *fmt, ...)
{
	va_list ap;
	char *value;

	va_start(ap, fmt);
	value = od_vasprintf(fmt, ap);
	va_end(ap);
	if (!value)
		xoom();
	if (iv.n_lines == iv.cap_lines) {
		iv.cap_lines = iv.cap_lines ? iv.cap_lines * 2 : 32;
		iv.lines = xrealloc(iv.lines, iv.cap_lines * sizeof(*iv.lines));
	}
	iv.lines[iv.n_lines++] = (struct line){ label ? xstrdup(label) : NULL, value, c };
}

static const char *
type_words(enum od_file_type t)
{
	switch (t) {
	case OD_FILE_DIR: return _("directory");
	case OD_FILE_SYMLNK: return _("symbolic link");
	case OD_FILE_REG: break;
	}
	return _("regular file");
}

static const char *
provider_name(const char *id)
{
	for (size_t i = 0; iv.space && id && i < iv.space->n_supports; i++)
		if (od_str_eq(iv.space->supports[i].provider->id, id))
			return iv.space->supports[i].provider->name;
	return NULL;
}

static void
space_lines(void)
{
	const struct od_provider_info *via = od_provider_current(iv.space);

	add_line(NULL, C_LABEL, "%s", _("Space"));
	add_line(_("Name"), C_NORMAL, "%s", iv.space->name);
	add_line(_("Space id"), C_NORMAL, "%s", iv.space->id);
	for (size_t i = 0; i < iv.space->n_supports; i++) {
		const struct od_provider_info *p = iv.space->supports[i].provider;
		add_line(i ? "" : _("Providers"), C_NORMAL, "%s (%s)%s%s", p->name, p->domain,
			 iv.space->supports[i].readonly ? _(", read-only") : "", p->online ? "" : _(", offline"));
	}
	if (iv.space->n_supports == 0)
		add_line(_("Providers"), C_ERROR, "%s", _("none: the data cannot be reached"));
	if (via)
		add_line(_("Served by"), C_NORMAL, "%s (%s)", via->name, via->domain);
	add_line(NULL, C_DIM, "%s", "");
	add_line(NULL, C_DIM, "%s", _("Enter opens the space; d shows its datasets."));
}

static void
file_lines(void)
{
	char size[OD_SIZE_BUFSZ], mode[11], t[OD_TIME_BUFSZ];
	const struct attrs *at = &iv.at;
	const char *origin = provider_name(at->provider);

	add_line(NULL, C_LABEL, "%s", at->type == OD_FILE_DIR ? _("Directory") : _("File"));
	add_line(_("Name"), C_NORMAL, "%s", at->name);
	add_line(_("Path"), C_NORMAL, "%s", at->path ? at->path : "-");
	add_line(_("Type"), C_NORMAL, "%s", type_words(at->type));
	if (at->size >= 0)
		add_line(_("Size"), C_NORMAL, _("%s (%lld bytes)"), od_size_human(at->size, size), (long long)at->size);
	else
		add_line(_("Size"), C_DIM, "%s", _("unknown"));
	add_line(_("Mode"), C_NORMAL, "%04o %s", at->mode, od_mode_string(od_file_type_char(at->type), at->mode, mode));
	add_line(_("Owner"), C_NORMAL, "%s", at->owner ? at->owner : "-");
	add_line(_("Modified"), C_NORMAL, "%s", od_time_short(at->mtime, t));
	add_line(_("Accessed"), C_NORMAL, "%s", od_time_short(at->atime, t));
	add_line(_("Changed"), C_NORMAL, "%s", od_time_short(at->ctime, t));
	add_line(_("Created"), C_NORMAL, "%s", od_time_short(at->created, t));
	add_line(_("File id"), C_NORMAL, "%s", iv.file_id);
	add_line(_("Created at"), C_NORMAL, "%s", origin ? origin : at->provider ? at->provider : "-");
	add_line(_("Hard links"), C_NORMAL, "%lld", (long long)at->hardlinks);
	for (size_t i = 0; i < at->n_shares; i++)
		add_line(i ? "" : _("Shares"), C_NORMAL, "%s", at->shares[i]);
	if (at->n_shares == 0)
		add_line(_("Shares"), C_DIM, "%s", _("none"));
}

static void
build_lines(void)
{
	clear_lines();
	if (!iv.file_id) {
		add_line(NULL, C_DIM, "%s", _("Nothing selected."));
	} else if (iv.is_space && iv.space) {
		space_lines();
	} else if (iv.error) {
		add_line(NULL, C_ERROR, "%s", iv.error);
		add_line(NULL, C_DIM, "%s", _("r loads it again."));
	} else if (!iv.have_attrs) {
		add_line(NULL, C_DIM, _("Loading%s"), draw_glyph_ellipsis());
	} else {
		file_lines();
	}
}

void
info_view_draw(struct app *a, int y, int x, int height, int width)
{
	int label_w = 0;

	build_lines();
	for (size_t i = 0; i < iv.n_lines; i++) {
		int w = iv.lines[i].label ? draw_width(iv.lines[i].label) : 0;
		if (w > label_w)
			label_w = w;
	}
	if (label_w > width / 3)
		label_w = width / 3;
	if (iv.top + (size_t)height > iv.n_lines)
		iv.top = iv.n_lines > (size_t)height ? iv.n_lines - (size_t)height : 0;
	for (int i = 0; i < height; i++) {
		size_t k = iv.top + (size_t)i;
		const struct line *l = k < iv.n_lines ? &iv.lines[k] : NULL;

		draw_blank(stdscr, y + i, x, width, C_NORMAL);
		if (!l)
			continue;
		if (!l->label) {
			draw_text(stdscr, y + i, x + 1, width - 1, l->color, l->value);
			continue;
		}
		draw_own(stdscr, y + i, x + 1, label_w, C_LABEL, l->label);
		draw_text(stdscr, y + i, x + label_w + 3, width - label_w - 3, l->color, l->value);
	}
}

bool
info_view_request(struct app *a, enum request req)
{
	switch (req) {
	case REQ_MOVE_UP:
		if (iv.top > 0)
			iv.top--;
		break;
	case REQ_MOVE_DOWN:
		iv.top++;
		break;
	case REQ_PAGE_UP:
		iv.top = iv.top > 10 ? iv.top - 10 : 0;
		break;
	case REQ_PAGE_DOWN:
		iv.top += 10;
		break;
	case REQ_MOVE_FIRST:
		iv.top = 0;
		break;
	case REQ_MOVE_LAST:
		iv.top = iv.n_lines;
		break;
	default:
		return false;
	}
	app_dirty(a);
	return true;
}
