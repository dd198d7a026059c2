/* SPDX-License-Identifier: GPL-3.0-or-later */
/* share-handle.c: K in the Shares & Tokens pane: a handle (a DOI or a
 * PID) registered for the share under the cursor, as onetui share handle
 * does. The user's handle services are read (one is used, several are
 * offered); a form of Dublin Core elements, filled from the share and
 * the user, is edited row by row; the core checks it and makes the
 * oai_dc document, and once the user has read that a handle is public
 * and permanent, it is registered. The form stays with its share until
 * a handle is registered, so K after a refusal offers it again. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/i18n.h"
#include "onetui/share.h"
#include "onetui/str.h"
#include "tui/tui.h"
#include "xmalloc.h"

/* The form's rows: the elements repositories ask for most. */
static const struct field {
	enum od_dc_element element;
	const char *label;	/* N_() */
	const char *hint;	/* N_() for the prompt, or NULL */
	bool several;		/* "a; b" gives two values */
} fields[] = {
	{ OD_DC_TITLE, N_("Title"), NULL, false },
	{ OD_DC_CREATOR, N_("Creators"), N_("several: a; b"), true },
	{ OD_DC_DESCRIPTION, N_("Description"), NULL, false },
	{ OD_DC_DATE, N_("Date"), N_("YYYY-MM-DD"), false },
	{ OD_DC_PUBLISHER, N_("Publisher"), NULL, false },
	{ OD_DC_TYPE, N_("Type"), N_("Dataset, Image, Software..."), false },
	{ OD_DC_SUBJECT, N_("Subjects"), N_("several: a; b"), true },
	{ OD_DC_RIGHTS, N_("Rights"), N_("a licence, such as CC-BY-4.0"), false },
	{ OD_DC_LANGUAGE, N_("Language"), N_("en, de, fr..."), false },
};

#define N_FIELDS OD_ARRAY_SIZE(fields)
/* The rows after the fields. */
enum { ROW_REGISTER = N_FIELDS, ROW_CANCEL, N_ROWS };

static struct {
	struct app *a;
	struct od_op *op;	/* the services, a handle or the registration, on their way */
	/* The share K was pressed on. */
	char *file_id, *share_id, *name;
	char *handle_id;	/* its handle (registered: just now), while op reads it */
	bool registered;
	/* The user's handle services and the one chosen. */
	char **service_ids, **service_names;
	size_t n_services, service;
	/* The form, of share form_share until a handle is registered. */
	char *form_share;
	char *values[N_FIELDS];
	size_t row;		/* the row being edited */
	char *xml;		/* the form's document, while the user is asked */
} hs;

static void
forget_services(void)
{
	for (size_t i = 0; i < hs.n_services; i++) {
		free(hs.service_ids[i]);
		free(hs.service_names[i]);
	}
	free(hs.service_ids);
	free(hs.service_names);
	hs.service_ids = hs.service_names = NULL;
	hs.n_services = hs.service = 0;
}

static void
forget_share(void)
{
	free(hs.file_id);
	free(hs.share_id);
	free(hs.name);
	free(hs.handle_id);
	hs.file_id = hs.share_id = hs.name = hs.handle_id = NULL;
	forget_services();
}

static void
forget_form(void)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		free(hs.values[i]);
		hs.values[i] = NULL;
	}
	free(hs.form_share);
	hs.form_share = NULL;
}

void
share_handle_done(void)
{
	if (hs.op)
		od_op_cancel(hs.op);	/* its callback runs and returns */
	forget_share();
	forget_form();
	free(hs.xml);
	memset(&hs, 0, sizeof(hs));
}

/* Whether err is the cancellation share_handle_done made (then freed). */
static bool
cancelled(struct od_error *err)
{
	if (!err || err->kind != OD_ERR_CANCELLED)
		return false;
	od_error_free(err);
	return true;
}

/* --- the form, filled ------------------------------------------------------------------------- */

/* The first paragraph of a Markdown description on one line, headings
 * skipped: a share's description often starts with its title as a
 * heading, which says nothing a dc:title does not. Caller frees. */
static char *
first_paragraph(const char *md)
{
	const char *p = md ? md : "";
	char *out = xcalloc(1, strlen(p) + 1);
	size_t used = 0;

	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = od_str_trim(xstrndup(p, len));
		bool text = *line && *line != '#';
		p += len + (p[len] == '\n');
		if (text) {
			/* Each line's own '\n' makes room for the space. */
			if (used)
				out[used++] = ' ';
			memcpy(out + used, line, strlen(line) + 1);
			used += strlen(line);
		}
		free(line);
		if (!text && used)
			break;
	}
	return out;
}

static char *
initial_value(struct app *a, const struct share_ref *sh, enum od_dc_element e)
{
	char day[OD_TIME_BUFSZ];

	switch (e) {
	case OD_DC_TITLE:
		return xstrdup(sh->name);
	case OD_DC_CREATOR:
		return xstrdup(a->user ? a->user : "");
	case OD_DC_DESCRIPTION:
		return first_paragraph(sh->description);
	case OD_DC_DATE:
		return xstrdup(od_date_local((int64_t)time(NULL), day));
	case OD_DC_TYPE:
		return xstrdup("Dataset");
	default:
		/* The publisher too: the configuration names none. */
		return xstrdup("");
	}
}

static void
fill_form(struct app *a, const struct share_ref *sh)
{
	forget_form();
	hs.form_share = xstrdup(sh->id);
	for (size_t i = 0; i < N_FIELDS; i++)
		hs.values[i] = initial_value(a, sh, fields[i].element);
}

/* --- the form, shown and edited --------------------------------------------------------------- */

static void on_row(struct app *a, int choice, void *ud);

/* The form, the cursor on row. */
static void
show_form(size_t row)
{
	char *lines[N_FIELDS], *title = xasprintf(_("Handle for \"%s\" (* required)"), hs.name);
	const char *items[N_ROWS];

	for (size_t i = 0; i < N_FIELDS; i++)
		items[i] = lines[i] = xasprintf("%s%s: %s", _(fields[i].label),
						od_dc_required(fields[i].element) ? "*" : "", hs.values[i]);
	items[ROW_REGISTER] = _("Register");
	items[ROW_CANCEL] = _("Cancel");
	/* The cursor back on the row the user was on. */
	widget_choose_at(hs.a, title, items, N_ROWS, row, on_row, NULL);
	for (size_t i = 0; i < N_FIELDS; i++)
		free(lines[i]);
	free(title);
}

/* "Creators (required; several: a; b)". Caller frees. */
static char *
prompt_label(const struct field *f)
{
	bool required = od_dc_required(f->element);

	if (required && f->hint)
		return xasprintf(_("%s (required; %s)"), _(f->label), _(f->hint));
	if (required || f->hint)
		return xasprintf("%s (%s)", _(f->label), required ? _("required") : _(f->hint));
	return xstrdup(_(f->label));
}

static void
on_value(struct app *a, const char *text, void *ud)
{
	(void)a;
	(void)ud;
	if (text) {
		free(hs.values[hs.row]);
		hs.values[hs.row] = xstrdup(text);
	}
	show_form(hs.row);
}

/* --- registered --------------------------------------------------------------------------------- */

static void
on_handle(const struct od_handle *h, struct od_error *err, void *ud)
{
	const char *ident;

	(void)ud;
	hs.op = NULL;
	if (cancelled(err))
		return;
	/* Its id when the public record cannot be read. */
	ident = err ? hs.handle_id : h->public_handle;
	if (hs.registered)
		app_message(hs.a, _("Registered the handle %s for \"%s\""), ident, hs.name);
	else
		app_message(hs.a, _("\"%s\" already has a handle: %s"), hs.name, ident);
	od_error_free(err);
}

/* Say which handle the share has: registered just now, or before. */
static void
read_handle(const char *id, bool registered)
{
	free(hs.handle_id);
	hs.handle_id = xstrdup(id);
	hs.registered = registered;
	if (!(hs.op = od_handle_get(hs.a->s.zone, id, on_handle, NULL)))
		xoom();
}

static void
on_registered(const char *id, struct od_error *err, void *ud)
{
	(void)ud;
	hs.op = NULL;
	if (cancelled(err))
		return;
	if (err) {
		app_error(hs.a, _("Cannot register a handle for \"%s\": %s (K offers your form again)"), hs.name,
			  err->message);
		od_error_free(err);
		return;
	}
	forget_form();
	shares_view_changed(hs.file_id, hs.share_id);
	read_handle(id, true);
}

/* --- checked, asked, sent ------------------------------------------------------------------------ */

/* The form as Dublin Core values: a several-valued row split at ';',
 * each value trimmed, empty ones left out; (*rows)[i] is the row of
 * (*v)[i]. The texts point into *store. Caller frees the three. */
static size_t
form_values(struct od_dc_value **v, size_t **rows, char **store)
{
	size_t room = 0, used = 0, n = 0;

	for (size_t i = 0; i < N_FIELDS; i++)
		room += strlen(hs.values[i]) + 1;
	*store = xmalloc(room);
	/* At most a value per byte. */
	*v = xcalloc(room, sizeof(**v));
	*rows = xcalloc(room, sizeof(**rows));
	for (size_t i = 0; i < N_FIELDS; i++) {
		char *part = *store + used, *next;
		used += strlen(hs.values[i]) + 1;
		memcpy(part, hs.values[i], strlen(hs.values[i]) + 1);
		for (; part; part = next) {
			if ((next = fields[i].several ? strchr(part, ';') : NULL))
				*next++ = '\0';
			if (*od_str_trim(part)) {
				(*v)[n] = (struct od_dc_value){ .element = fields[i].element, .text = part };
				(*rows)[n++] = i;
			}
		}
	}
	return n;
}

/* The row to go back to after a refusal of the whole form: the first
 * required element without a value, else Register. */
static size_t
missing_row(const struct od_dc_value *v, size_t n)
{
	for (size_t r = 0; r < N_FIELDS; r++) {
		bool given = false;
		for (size_t i = 0; i < n; i++)
			given = given || v[i].element == fields[r].element;
		if (od_dc_required(fields[r].element) && !given)
			return r;
	}
	return ROW_REGISTER;
}

/* The oai_dc document of the form, checked as the CLI checks what it is
 * given; NULL when refused: the reason is said and the form is back on
 * the row to mend. Caller frees. */
static char *
form_document(struct app *a)
{
	struct od_dc_value *v;
	struct od_error *err = NULL;
	size_t *rows, bad = ROW_REGISTER;
	char *store, *xml = NULL;
	size_t n = form_values(&v, &rows, &store);

	for (size_t i = 0; i < n && !err; i++)
		if ((err = od_share_text_check(od_dc_name(v[i].element), v[i].text, v[i].element == OD_DC_DESCRIPTION)))
			bad = rows[i];
	if (!err && (err = od_dc_xml(v, n, &xml)))
		bad = missing_row(v, n);
	if (err) {
		app_error(a, _("Not registered: %s"), err->message);
		od_error_free(err);
		show_form(bad);
	}
	free(store);
	free(v);
	free(rows);
	return xml;
}

static void
on_confirmed(struct app *a, bool yes, void *ud)
{
	(void)ud;
	if (yes && !(hs.op = od_handle_register(a->s.zone, hs.service_ids[hs.service], hs.share_id, hs.xml,
						on_registered, NULL)))
		xoom();
	free(hs.xml);
	hs.xml = NULL;
	if (!yes)
		show_form(ROW_REGISTER);
}

static void
on_row(struct app *a, int choice, void *ud)
{
	char *label, *question;

	(void)ud;
	if (choice < 0 || choice == ROW_CANCEL) {
		app_message(a, _("Nothing was registered; K offers the form again as you left it"));
		return;
	}
	if (choice < (int)N_FIELDS) {
		hs.row = (size_t)choice;
		label = prompt_label(&fields[choice]);
		widget_prompt(a, label, hs.values[choice], on_value, NULL, NULL);
		free(label);
		return;
	}
	/* Register: checked before the question, sent after it. */
	if (!(hs.xml = form_document(a)))
		return;
	question = xasprintf(_("Register a handle for \"%s\" through %s? A handle is public and permanent: its "
			       "identifier and this metadata stay published."),
			     hs.name, hs.service_names[hs.service]);
	widget_confirm(a, question, on_confirmed, NULL);
	free(question);
}

/* --- the handle service ------------------------------------------------------------------------ */

static void
on_service(struct app *a, int choice, void *ud)
{
	(void)ud;
	if (choice < 0) {
		app_message(a, _("Nothing was registered"));
		return;
	}
	hs.service = (size_t)choice;
	show_form(0);
}

static void
on_services(const struct od_handle_service *v, size_t n, struct od_error *err, void *ud)
{
	(void)ud;
	hs.op = NULL;
	if (cancelled(err))
		return;
	if (err) {
		app_error(hs.a, _("Cannot read your handle services: %s"), err->message);
		od_error_free(err);
		return;
	}
	if (!n) {
		app_error(hs.a, _("No handle service lets you register handles: ask your zone's administrators to add "
				  "you to one"));
		return;
	}
	hs.service_ids = xcalloc(n, sizeof(*hs.service_ids));
	hs.service_names = xcalloc(n, sizeof(*hs.service_names));
	for (size_t i = 0; i < n; i++) {
		hs.service_ids[i] = xstrdup(v[i].id);
		hs.service_names[i] = xstrdup(v[i].name);
	}
	hs.n_services = n;
	if (n == 1)
		show_form(0);
	else
		widget_choose(hs.a, _("Register the handle through"), (const char *const *)hs.service_names, n,
			      on_service, NULL);
}

void
share_handle_start(struct app *a, const struct share_ref *sh)
{
	if (hs.op) {
		app_message(a, _("Still busy with the last handle"));
		return;
	}
	forget_share();
	hs.a = a;
	hs.file_id = xstrdup(sh->file_id);
	hs.share_id = xstrdup(sh->id);
	hs.name = xstrdup(sh->name);
	if (sh->handle_id) {
		read_handle(sh->handle_id, false);
		return;
	}
	if (!od_str_eq(hs.form_share, sh->id))
		fill_form(a, sh);
	if (!(hs.op = od_handle_services(a->s.zone, on_services, NULL)))
		xoom();
}
