/* SPDX-License-Identifier: GPL-3.0-or-later */
/* template-form.c: a metadata template of the configuration, chosen from
 * a list and filled one prompt a field. Each answer is checked as it is
 * given (a required field left empty, a number that is not one: the same
 * field is asked again, saying why); the first answers are what the item
 * has, else the template's defaults. What comes out is the extended
 * attributes the template gives (od_meta_template_fill). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "onetui/i18n.h"
#include "onetui/jsonfmt.h"
#include "onetui/metatext.h"
#include "onetui/str.h"
#include "tui/tui.h"
#include "xmalloc.h"

struct form {
	const struct od_template *t;
	size_t field;
	char **values;		/* "NAME=VALUE" a field */
	cJSON *own;		/* the item's attributes, for the first answers; may be NULL */
	template_form_fn *done;
	void *ud;
};

static void
form_free(struct form *f)
{
	for (size_t i = 0; i < f->t->n_fields; i++)
		free(f->values[i]);
	free(f->values);
	cJSON_Delete(f->own);
	free(f);
}

static void ask_field(struct app *a, struct form *f, const char *why);

static void
form_filled(struct app *a, struct form *f)
{
	struct od_error *err;
	cJSON *obj;

	if ((err = od_meta_template_fill(f->t, (const char *const *)f->values, f->t->n_fields, &obj))) {
		app_error(a, "%s", err->message);
		od_error_free(err);
		f->done(a, TEMPLATE_FAILED, f->t, NULL, f->ud);
	} else {
		f->done(a, TEMPLATE_FILLED, f->t, obj, f->ud);
		cJSON_Delete(obj);
	}
	form_free(f);
}

static void
on_field(struct app *a, const char *text, void *ud)
{
	struct form *f = ud;
	const struct od_template_field *field = &f->t->fields[f->field];
	struct od_error *err;
	cJSON *value;

	if (!text) {
		f->done(a, TEMPLATE_CANCELLED, f->t, NULL, f->ud);
		form_free(f);
		return;
	}
	if ((err = od_meta_template_value(field, text, &value)) || (!value && field->required)) {
		/* The same field again, saying why. */
		ask_field(a, f, err ? err->message : _("This field is required"));
		od_error_free(err);
		return;
	}
	cJSON_Delete(value);
	f->values[f->field] = xasprintf("%s=%s", field->name, text);
	if (++f->field == f->t->n_fields)
		form_filled(a, f);
	else
		ask_field(a, f, NULL);
}

static void
ask_field(struct app *a, struct form *f, const char *why)
{
	const struct od_template_field *field = &f->t->fields[f->field];
	const cJSON *have = cJSON_GetObjectItemCaseSensitive(f->own, field->name);
	char *label, *initial;

	/* What the item has, else the default. */
	if (cJSON_IsString(have))
		initial = xstrdup(have->valuestring);
	else if (cJSON_IsNumber(have) && (initial = od_json_text(have, 0)))
		initial[strcspn(initial, "\n")] = '\0';
	else
		initial = xstrdup(field->fallback ? field->fallback : "");
	label = xasprintf("%s%s%s (%zu/%zu)%s%s", why ? why : "", why ? ". " : "",
			  field->label ? field->label : field->name, f->field + 1, f->t->n_fields,
			  field->required ? _(", required") : "", field->number ? _(", a number") : "");
	widget_prompt(a, label, initial, on_field, NULL, f);
	free(label);
	free(initial);
}

void
template_form(struct app *a, const struct od_template *t, const char *own, size_t own_len, template_form_fn *done,
	      void *ud)
{
	struct form *f = xcalloc(1, sizeof(*f));

	f->t = t;
	f->values = xcalloc(t->n_fields, sizeof(*f->values));
	f->own = own ? cJSON_ParseWithLength(own, own_len) : NULL;
	f->done = done;
	f->ud = ud;
	if (t->n_fields == 0)
		form_filled(a, f);
	else
		ask_field(a, f, NULL);
}

/* --- which template ------------------------------------------------------------------ */

struct choosing {
	char *own;
	size_t own_len;
	template_form_fn *done;
	void *ud;
};

static void
on_template(struct app *a, int choice, void *ud)
{
	struct choosing *c = ud;

	if (choice < 0)
		c->done(a, TEMPLATE_CANCELLED, NULL, NULL, c->ud);
	else
		template_form(a, &a->s.cfg->templates[choice], c->own, c->own_len, c->done, c->ud);
	free(c->own);
	free(c);
}

void
template_choose(struct app *a, const char *title, const char *own, size_t own_len, template_form_fn *done, void *ud)
{
	const struct od_config *cfg = a->s.cfg;
	struct choosing *c;
	const char **names;

	if (cfg->n_templates == 1) {
		template_form(a, &cfg->templates[0], own, own_len, done, ud);
		return;
	}
	/* The choice comes later: keep what the form needs. */
	c = xcalloc(1, sizeof(*c));
	c->own = own ? xstrndup(own, own_len) : NULL;
	c->own_len = own_len;
	c->done = done;
	c->ud = ud;
	names = xcalloc(cfg->n_templates, sizeof(*names));
	for (size_t i = 0; i < cfg->n_templates; i++)
		names[i] = cfg->templates[i].description ? cfg->templates[i].description : cfg->templates[i].name;
	widget_choose(a, title, names, cfg->n_templates, on_template, c);
	free(names);
}
