/* SPDX-License-Identifier: GPL-3.0-or-later */
/* config.c: reading the configuration file and resolving settings. */
#include "config.h"

#include "onetui/config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "onetui/handout.h"
#include "onetui/i18n.h"
#include "onetui/metatext.h"
#include "onetui/str.h"
#include "onetui/url.h"

char *
od_config_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && *xdg == '/')
		return od_asprintf("%s/onetui/config", xdg);
	if (home && *home)
		return od_asprintf("%s/.config/onetui/config", home);
	return NULL;
}

static void
profile_done(struct od_profile *p)
{
	free(p->name);
	free(p->zone);
	free(p->token_file);
	free(p->ca_file);
	free(p->provider);
	for (size_t i = 0; i < p->n_preferred; i++)
		free(p->preferred[i]);
	free(p->preferred);
}

static void
template_done(struct od_template *t)
{
	for (size_t i = 0; i < t->n_fields; i++) {
		free(t->fields[i].name);
		free(t->fields[i].label);
		free(t->fields[i].fallback);
	}
	free(t->fields);
	free(t->name);
	free(t->description);
}

void
od_config_free(struct od_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_profiles; i++)
		profile_done(&cfg->profiles[i]);
	free(cfg->profiles);
	for (size_t i = 0; i < cfg->n_bindings; i++) {
		free(cfg->bindings[i].keymap);
		free(cfg->bindings[i].text);
	}
	free(cfg->bindings);
	for (size_t i = 0; i < cfg->n_templates; i++)
		template_done(&cfg->templates[i]);
	free(cfg->templates);
	for (size_t i = 0; i < cfg->n_handouts; i++) {
		free(cfg->handouts[i].name);
		free(cfg->handouts[i].text);
	}
	free(cfg->handouts);
	for (size_t i = 0; i < cfg->n_ingest_temporary; i++)
		free(cfg->ingest_temporary[i]);
	free(cfg->ingest_temporary);
	free(cfg->default_profile);
	free(cfg->path);
	free(cfg);
}

const struct od_profile *
od_config_profile(const struct od_config *cfg, const char *name)
{
	for (size_t i = 0; cfg && name && i < cfg->n_profiles; i++)
		if (strcmp(cfg->profiles[i].name, name) == 0)
			return &cfg->profiles[i];
	return NULL;
}

const struct od_template *
od_config_template(const struct od_config *cfg, const char *name)
{
	for (size_t i = 0; cfg && name && i < cfg->n_templates; i++)
		if (strcmp(cfg->templates[i].name, name) == 0)
			return &cfg->templates[i];
	return NULL;
}

/* err, prefixed with the file and the setting's line. */
const struct od_handout_template *
od_config_handout(const struct od_config *cfg, const char *name)
{
	for (size_t i = 0; cfg && name && i < cfg->n_handouts; i++)
		if (strcmp(cfg->handouts[i].name, name) == 0)
			return &cfg->handouts[i];
	return NULL;
}

static struct od_error *
at(const char *file, const config_setting_t *s, struct od_error *err)
{
	od_error_prefix(err, "%s:%d", file, config_setting_source_line(s));
	return err;
}

/* A path from the file: "~/" is the home directory, and a relative path
 * is relative to the file's own directory. */
static char *
expand_path(const char *value, const char *file)
{
	const char *home = getenv("HOME"), *slash;

	if (value[0] == '~' && value[1] == '/' && home)
		return od_asprintf("%s%s", home, value + 1);
	if (value[0] == '/')
		return od_strdup(value);
	slash = strrchr(file, '/');
	if (!slash)
		return od_strdup(value);
	return od_asprintf("%.*s/%s", (int)(slash - file), file, value);
}

/* A setting's name; list elements have none and go by their list's. */
static const char *
setting_name(const config_setting_t *s)
{
	const char *name = config_setting_name(s);

	while (!name && config_setting_parent(s)) {
		s = config_setting_parent(s);
		name = config_setting_name(s);
	}
	return name ? name : "?";
}

static struct od_error *
get_string(const char *file, const config_setting_t *s, char **out)
{
	const char *v = config_setting_get_string(s);

	if (config_setting_type(s) != CONFIG_TYPE_STRING || !v)
		return at(file, s, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a string in double quotes"),
						setting_name(s)));
	if (!*v)
		return at(file, s, od_error_new(OD_ERR_INPUT, _("\"%s\" must not be empty"), setting_name(s)));
	free(*out);
	*out = strdup(v);
	return *out ? NULL : od_error_nomem();
}

static struct od_error *
get_path(const char *file, const config_setting_t *s, char **out)
{
	char *raw = NULL;
	struct od_error *err = get_string(file, s, &raw);

	if (err)
		return err;
	free(*out);
	*out = expand_path(raw, file);
	free(raw);
	return *out ? NULL : od_error_nomem();
}

static struct od_error *
get_whole(const char *file, const config_setting_t *s, long lo, long hi, long *out)
{
	int type = config_setting_type(s);
	long long v;

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return at(file, s, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a whole number"), setting_name(s)));
	v = config_setting_get_int64(s);
	if (v < lo || v > hi) {
		return at(file, s, od_error_new(OD_ERR_INPUT, _("\"%s\" must be between %ld and %ld"),
						setting_name(s), lo, hi));
	}
	*out = (long)v;
	return NULL;
}

/* A list of strings, [ "a", "b" ], into a new array *v of *n. */
static struct od_error *
get_string_list(const char *file, const config_setting_t *s, char ***v, size_t *n)
{
	int m = config_setting_length(s);
	struct od_error *err = NULL;

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return at(file, s, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a list of strings: [ \"a\", \"b\" ]"),
						config_setting_name(s)));
	if (!(*v = calloc((size_t)m + 1, sizeof(**v))))
		return od_error_nomem();
	for (int j = 0; j < m && !err; j++) {
		err = get_string(file, config_setting_get_elem(s, (unsigned)j), &(*v)[*n]);
		if (!err)
			(*n)++;
	}
	return err;
}

static struct od_error *
parse_profile(const char *file, const config_setting_t *group, struct od_profile *p)
{
	struct od_error *err = NULL;
	int n = config_setting_length(group);

	if (!config_setting_is_group(group))
		return at(file, group, od_error_new(OD_ERR_INPUT, _("profile \"%s\" must be a group: name = { ... };"), config_setting_name(group)));
	p->name = strdup(config_setting_name(group));
	if (!p->name)
		return od_error_nomem();
	for (int i = 0; i < n && !err; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *key = config_setting_name(s);

		if (strcmp(key, "zone") == 0) {
			err = get_string(file, s, &p->zone);
		} else if (strcmp(key, "token-file") == 0) {
			err = get_path(file, s, &p->token_file);
		} else if (strcmp(key, "ca-file") == 0) {
			err = get_path(file, s, &p->ca_file);
		} else if (strcmp(key, "provider") == 0) {
			err = get_string(file, s, &p->provider);
		} else if (strcmp(key, "preferred-providers") == 0) {
			err = get_string_list(file, s, &p->preferred, &p->n_preferred);
		} else {
			err = at(file, s, od_error_new(OD_ERR_INPUT, _("unknown setting \"%s\" in a profile (see onetui.conf(5))"), key));
		}
	}
	return err;
}

/* ingest = { temporary = [ "*.tmp", ... ]; stable = "30s"; poll = "5s"; }; */
static struct od_error *
parse_ingest(const char *file, const config_setting_t *group, struct od_config *cfg)
{
	struct od_error *err = NULL;
	int n = config_setting_length(group);

	if (!config_setting_is_group(group))
		return at(file, group, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a group: ingest = { ... };"),
						    "ingest"));
	for (int i = 0; i < n && !err; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *key = config_setting_name(s), *text;
		int64_t *ms = strcmp(key, "stable") == 0 ? &cfg->ingest_stable_ms
			      : strcmp(key, "poll") == 0 ? &cfg->ingest_poll_ms
							 : NULL;

		if (strcmp(key, "temporary") == 0) {
			err = get_string_list(file, s, &cfg->ingest_temporary, &cfg->n_ingest_temporary);
			cfg->ingest_temporary_set = true;
		} else if (ms) {
			text = config_setting_get_string(s);
			if (!text || !od_parse_duration_ms(text, true, ms) || !*ms)
				err = at(file, s, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a time such as \"30s\", "
									 "\"2m\" or \"500ms\""),
							       key));
		} else {
			err = at(file, s, od_error_new(OD_ERR_INPUT,
						       _("unknown setting \"%s\" in ingest (see onetui.conf(5))"), key));
		}
	}
	return err;
}

static struct od_error *
parse_network(const char *file, const config_setting_t *group, struct od_config *cfg)
{
	struct od_error *err = NULL;
	int n = config_setting_length(group);

	if (!config_setting_is_group(group))
		return at(file, group, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a group: network = { ... };"), "network"));
	for (int i = 0; i < n && !err; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *key = config_setting_name(s);

		if (strcmp(key, "connect-timeout") == 0)
			err = get_whole(file, s, 1, 600, &cfg->connect_timeout_s);
		else if (strcmp(key, "stall-timeout") == 0)
			err = get_whole(file, s, 1, 3600, &cfg->low_speed_time_s);
		else if (strcmp(key, "retries") == 0)
			err = get_whole(file, s, 0, 20, &cfg->retries);
		else
			err = at(file, s, od_error_new(OD_ERR_INPUT, _("unknown setting \"%s\" in network (see onetui.conf(5))"), key));
	}
	return err;
}

/* transfers = { jobs = 4; streams = 4; limit-rate = "20M"; }; */
static struct od_error *
parse_transfers(const char *file, const config_setting_t *group, struct od_config *cfg)
{
	struct od_error *err = NULL;
	int n = config_setting_length(group);

	if (!config_setting_is_group(group))
		return at(file, group, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a group: transfers = { ... };"),
						    "transfers"));
	for (int i = 0; i < n && !err; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *key = config_setting_name(s), *text;

		if (strcmp(key, "jobs") == 0) {
			err = get_whole(file, s, 1, 64, &cfg->fetch_jobs);
		} else if (strcmp(key, "streams") == 0) {
			err = get_whole(file, s, 1, 16, &cfg->fetch_streams);
		} else if (strcmp(key, "limit-rate") == 0) {
			text = config_setting_get_string(s);
			if (!text || !od_parse_rate(text, &cfg->fetch_max_speed))
				err = at(file, s, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a rate such as \"500k\", "
									 "\"20M\" or \"1G\" (bytes per second)"),
							       key));
		} else {
			err = at(file, s, od_error_new(OD_ERR_INPUT,
						       _("unknown setting \"%s\" in transfers (see onetui.conf(5))"), key));
		}
	}
	return err;
}

/* keys = { tree = [ "x toggle-mark", ... ]; generic = [ ... ]; }; */
static struct od_error *
parse_keys(const char *file, const config_setting_t *group, struct od_config *cfg)
{
	int n = config_setting_length(group);
	struct od_error *err = NULL;

	if (!config_setting_is_group(group))
		return at(file, group, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a group: keys = { tree = [ ... ]; };"),
						    "keys"));
	for (int i = 0; i < n && !err; i++) {
		const config_setting_t *map = config_setting_get_elem(group, (unsigned)i);
		int m = config_setting_length(map);
		struct od_binding *v;

		if (!config_setting_is_array(map) && !config_setting_is_list(map))
			return at(file, map, od_error_new(OD_ERR_INPUT,
							  _("keymap \"%s\" must be a list of strings: [ \"KEY ACTION\" ]"),
							  config_setting_name(map)));
		v = realloc(cfg->bindings, (cfg->n_bindings + (size_t)m + 1) * sizeof(*v));
		if (!v)
			return od_error_nomem();
		cfg->bindings = v;
		for (int j = 0; j < m && !err; j++) {
			const config_setting_t *b = config_setting_get_elem(map, (unsigned)j);
			struct od_binding *nb = &cfg->bindings[cfg->n_bindings];

			memset(nb, 0, sizeof(*nb));
			err = get_string(file, b, &nb->text);
			if (err)
				break;
			nb->keymap = strdup(config_setting_name(map));
			nb->line = config_setting_source_line(b);
			cfg->n_bindings++;
			if (!nb->keymap)
				err = od_error_nomem();
		}
	}
	return err;
}

static struct od_error *
get_bool(const char *file, const config_setting_t *s, bool *out)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return at(file, s, od_error_new(OD_ERR_INPUT, _("\"%s\" must be true or false"), setting_name(s)));
	*out = config_setting_get_bool(s);
	return NULL;
}

/* A field's default: text, or for a number field a number. */
static struct od_error *
get_default(const char *file, const config_setting_t *s, struct od_template_field *f)
{
	int type = config_setting_type(s);
	char text[64];

	if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
		snprintf(text, sizeof(text), "%lld", config_setting_get_int64(s));
	else if (type == CONFIG_TYPE_FLOAT)
		od_format_double(config_setting_get_float(s), text, sizeof(text));
	else
		return get_string(file, s, &f->fallback);
	free(f->fallback);
	return (f->fallback = strdup(text)) ? NULL : od_error_nomem();
}

/* { name = "operator"; label = "..."; required = true; number = false;
 *   default = "..."; } */
static struct od_error *
parse_field(const char *file, const config_setting_t *group, struct od_template_field *f)
{
	struct od_error *err = NULL;
	int n = config_setting_length(group);

	if (!config_setting_is_group(group))
		return at(file, group, od_error_new(OD_ERR_INPUT, _("a template's field must be a group: "
								   "{ name = \"operator\"; required = true; }")));
	for (int i = 0; i < n && !err; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *key = config_setting_name(s);

		if (strcmp(key, "name") == 0)
			err = get_string(file, s, &f->name);
		else if (strcmp(key, "label") == 0)
			err = get_string(file, s, &f->label);
		else if (strcmp(key, "default") == 0)
			err = get_default(file, s, f);
		else if (strcmp(key, "required") == 0)
			err = get_bool(file, s, &f->required);
		else if (strcmp(key, "number") == 0)
			err = get_bool(file, s, &f->number);
		else
			err = at(file, s, od_error_new(OD_ERR_INPUT,
						       _("unknown setting \"%s\" in a template's field (see onetui.conf(5))"),
						       key));
	}
	if (!err && !f->name)
		err = at(file, group, od_error_new(OD_ERR_INPUT, _("a template's field needs a name")));
	if (!err) {
		cJSON *text = cJSON_CreateString("");
		err = text ? od_meta_check_xattr(f->name, text) : od_error_nomem();
		cJSON_Delete(text);
		if (err)
			err = at(file, group, err);
	}
	if (!err && f->number && f->fallback && !od_parse_number(f->fallback))
		err = at(file, group, od_error_new(OD_ERR_INPUT, _("the default of \"%s\" must be a number"), f->name));
	return err;
}

/* name = { description = "..."; fields = ( { ... }, ... ); }; */
static struct od_error *
parse_template(const char *file, const config_setting_t *group, struct od_template *t)
{
	struct od_error *err = NULL;
	int n = config_setting_length(group);

	if (!config_setting_is_group(group))
		return at(file, group, od_error_new(OD_ERR_INPUT, _("template \"%s\" must be a group: name = { ... };"),
						    config_setting_name(group)));
	if (!(t->name = strdup(config_setting_name(group))))
		return od_error_nomem();
	for (int i = 0; i < n && !err; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *key = config_setting_name(s);
		int m = config_setting_length(s);

		if (strcmp(key, "description") == 0) {
			err = get_string(file, s, &t->description);
		} else if (strcmp(key, "fields") == 0) {
			if (!config_setting_is_list(s) || m == 0)
				return at(file, s, od_error_new(OD_ERR_INPUT, _("\"fields\" must be a list of groups: "
										 "( { name = \"a\"; }, ... )")));
			if (!(t->fields = calloc((size_t)m, sizeof(*t->fields))))
				return od_error_nomem();
			for (int j = 0; j < m && !err; j++) {
				err = parse_field(file, config_setting_get_elem(s, (unsigned)j), &t->fields[j]);
				t->n_fields++;
				for (int k = 0; !err && k < j; k++)
					if (strcmp(t->fields[k].name, t->fields[j].name) == 0)
						err = at(file, config_setting_get_elem(s, (unsigned)j),
							 od_error_new(OD_ERR_INPUT, _("field \"%s\" is there twice"),
								      t->fields[j].name));
			}
		} else {
			err = at(file, s, od_error_new(OD_ERR_INPUT,
						       _("unknown setting \"%s\" in a template (see onetui.conf(5))"), key));
		}
	}
	if (!err && !t->n_fields)
		err = at(file, group, od_error_new(OD_ERR_INPUT, _("template \"%s\" has no fields"), t->name));
	return err;
}

static struct od_error *
parse_templates(const char *file, const config_setting_t *group, struct od_config *cfg)
{
	struct od_error *err = NULL;
	int n = config_setting_length(group);

	if (!config_setting_is_group(group))
		return at(file, group, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a group: templates = { name = { ... }; };"),
						    "templates"));
	if (!(cfg->templates = calloc((size_t)n + 1, sizeof(*cfg->templates))))
		return od_error_nomem();
	for (int i = 0; i < n && !err; i++) {
		err = parse_template(file, config_setting_get_elem(group, (unsigned)i), &cfg->templates[i]);
		cfg->n_templates++;
	}
	return err;
}

#define MAX_HANDOUT (256 * 1024)

/* NAME = "text"; or NAME = { file = "path"; }; checked at once, so that a
 * mistake shows when onetui starts, not when a handout is due. */
static struct od_error *
parse_handout(const char *file, const config_setting_t *s, struct od_handout_template *h)
{
	const config_setting_t *f = config_setting_is_group(s) ? config_setting_get_member(s, "file") : NULL;
	struct od_error *err;
	char *path = NULL, *where;
	struct od_buf b;

	if (!(h->name = strdup(config_setting_name(s))))
		return od_error_nomem();
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		if ((err = get_string(file, s, &h->text)))
			return err;
		where = od_asprintf("%s: handout \"%s\"", file, h->name);
	} else {
		if (!f || config_setting_length(s) != 1)
			return at(file, s, od_error_new(OD_ERR_INPUT, _("handout \"%s\" must be a text in double "
									"quotes, or { file = \"PATH\"; }"),
							h->name));
		if ((err = get_path(file, f, &path)))
			return err;
		od_buf_init(&b, MAX_HANDOUT);
		if ((err = od_buf_read_file(&b, path))) {
			od_buf_done(&b);
			free(path);
			err->kind = OD_ERR_INPUT;	/* a mistake in the configuration */
			return at(file, f, err);
		}
		if (!(h->text = od_buf_steal(&b)) && !(h->text = strdup("")))
			err = od_error_nomem();
		where = path;
		path = NULL;
	}
	if (!where)
		return od_error_nomem();
	if (!err)
		err = od_handout_check(h->text, where);
	free(where);
	return err;
}

static struct od_error *
parse_handouts(const char *file, const config_setting_t *group, struct od_config *cfg)
{
	struct od_error *err = NULL;
	int n = config_setting_length(group);

	if (!config_setting_is_group(group))
		return at(file, group, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a group: handouts = { name = \"...\"; };"),
						    "handouts"));
	if (!(cfg->handouts = calloc((size_t)n + 1, sizeof(*cfg->handouts))))
		return od_error_nomem();
	for (int i = 0; i < n && !err; i++)
		err = parse_handout(file, config_setting_get_elem(group, (unsigned)i), &cfg->handouts[cfg->n_handouts++]);
	return err;
}

static struct od_error *
parse_root(const char *file, const config_setting_t *root, struct od_config *cfg)
{
	struct od_error *err = NULL;
	int n = config_setting_length(root);

	for (int i = 0; i < n && !err; i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *key = config_setting_name(s);

		if (strcmp(key, "default-profile") == 0) {
			err = get_string(file, s, &cfg->default_profile);
		} else if (strcmp(key, "network") == 0) {
			err = parse_network(file, s, cfg);
		} else if (strcmp(key, "keys") == 0) {
			err = parse_keys(file, s, cfg);
		} else if (strcmp(key, "transfers") == 0) {
			err = parse_transfers(file, s, cfg);
		} else if (strcmp(key, "ingest") == 0) {
			err = parse_ingest(file, s, cfg);
		} else if (strcmp(key, "templates") == 0) {
			err = parse_templates(file, s, cfg);
		} else if (strcmp(key, "handouts") == 0) {
			err = parse_handouts(file, s, cfg);
		} else if (strcmp(key, "profiles") == 0) {
			int m = config_setting_length(s);
			if (!config_setting_is_group(s))
				return at(file, s, od_error_new(OD_ERR_INPUT, _("\"%s\" must be a group: profiles = { name = { ... }; };"), key));
			cfg->profiles = calloc((size_t)m + 1, sizeof(*cfg->profiles));
			if (!cfg->profiles)
				return od_error_nomem();
			for (int j = 0; j < m && !err; j++) {
				err = parse_profile(file, config_setting_get_elem(s, (unsigned)j),
						    &cfg->profiles[cfg->n_profiles]);
				cfg->n_profiles++;
			}
		} else {
			err = at(file, s, od_error_new(OD_ERR_INPUT, _("unknown setting \"%s\" (see onetui.conf(5))"), key));
		}
	}
	if (!err && cfg->default_profile && !od_config_profile(cfg, cfg->default_profile)) {
		err = od_error_new(OD_ERR_INPUT, _("%s: default-profile names \"%s\", which is not defined"),
				   file, cfg->default_profile);
	}
	return err;
}

struct od_error *
od_config_load(const char *path, struct od_config **out)
{
	struct od_config *cfg;
	struct od_error *err = NULL;
	char *default_path = NULL;
	config_t lc;
	struct stat st;

	*out = NULL;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return od_error_nomem();
	cfg->retries = -1;
	if (!path) {
		default_path = od_config_default_path();
		if (!default_path || (stat(default_path, &st) != 0 && errno == ENOENT)) {
			free(default_path);
			*out = cfg;
			return NULL;
		}
		path = default_path;
	}
	/* Relative paths in the file are relative to its directory: make
	 * that absolute once. */
	cfg->path = path[0] == '/' ? strdup(path) : realpath(path, NULL);
	if (!cfg->path && errno == ENOENT) {
		err = od_error_errno(OD_ERR_INPUT, errno, _("cannot read the configuration file %s"), path);
		free(default_path);
		od_config_free(cfg);
		return err;
	}
	if (!cfg->path) {
		free(default_path);
		od_config_free(cfg);
		return od_error_nomem();
	}
	path = cfg->path;
	if (stat(path, &st) != 0) {
		err = od_error_errno(OD_ERR_INPUT, errno, _("cannot read the configuration file %s"), path);
	} else if (!S_ISREG(st.st_mode)) {
		err = od_error_new(OD_ERR_INPUT, _("the configuration file %s is not a regular file"), path);
	} else {
		config_init(&lc);
		if (config_read_file(&lc, path) != CONFIG_TRUE) {
			if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
				err = od_error_errno(OD_ERR_INPUT, errno, _("cannot read the configuration file %s"),
						     path);
			else
				err = od_error_new(OD_ERR_INPUT, "%s:%d: %s",
						   config_error_file(&lc) ? config_error_file(&lc) : path,
						   config_error_line(&lc), config_error_text(&lc));
		} else {
			err = parse_root(path, config_root_setting(&lc), cfg);
		}
		config_destroy(&lc);
	}
	free(default_path);
	if (err) {
		od_config_free(cfg);
		return err;
	}
	*out = cfg;
	return NULL;
}

/* --- settings ---------------------------------------------------------------- */

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* The first non-NULL of the candidates, duplicated; *ok false when out of memory. */
static char *
first_of(const char *a, const char *b, const char *c, const char *d, bool *ok)
{
	const char *v = a ? a : b ? b : c ? c : d;
	char *copy = od_strdup(v);

	if (v && !copy)
		*ok = false;
	return copy;
}

void
od_settings_done(struct od_settings *s)
{
	free(s->profile);
	free(s->zone_origin);
	free(s->token_file);
	free(s->ca_file);
	free(s->provider);
	for (size_t i = 0; i < s->n_preferred; i++)
		free(s->preferred[i]);
	free(s->preferred);
	memset(s, 0, sizeof(*s));
}

static struct od_error *
choose_profile(const struct od_config *cfg, const struct od_overrides *ov, const struct od_profile **out)
{
	const char *name = ov->profile ? ov->profile : env("ONETUI_PROFILE");
	struct od_error *err;

	*out = NULL;
	if (!name && cfg)
		name = cfg->default_profile;
	if (!name) {
		if (cfg && cfg->n_profiles == 1)
			*out = &cfg->profiles[0];
		return NULL;
	}
	*out = od_config_profile(cfg, name);
	if (*out)
		return NULL;
	if (!cfg || !cfg->path)
		return od_error_new(OD_ERR_INPUT,
				    _("profile \"%s\" requested, but there is no configuration file (see onetui.conf(5))"),
				    name);
	err = od_error_new(OD_ERR_INPUT, _("%s defines no profile \"%s\""), cfg->path, name);
	return err;
}

struct od_error *
od_settings_resolve(const struct od_config *cfg, const struct od_overrides *ov, struct od_settings *out)
{
	const struct od_profile *p;
	struct od_error *err;
	const char *zone;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	out->max_retries = -1;
	err = choose_profile(cfg, ov, &p);
	if (err)
		return err;
	zone = ov->zone ? ov->zone : env("ONEDATA_ZONE") ? env("ONEDATA_ZONE") : env("ONEZONE_HOST");
	if (!zone && p)
		zone = p->zone;
	if (!zone) {
		return od_error_new(OD_ERR_INPUT,
				    _("no zone given: use --zone, set ONEDATA_ZONE, or add a profile to %s "
				      "(see onetui.conf(5))"),
				    cfg && cfg->path ? cfg->path : "~/.config/onetui/config");
	}
	err = od_url_normalize_origin(zone, &out->zone_origin);
	if (err) {
		od_error_prefix(err, _("Bad zone"));
		return err;
	}
	out->profile = first_of(p ? p->name : NULL, NULL, NULL, NULL, &ok);
	out->token_file = first_of(ov->token_file, p ? p->token_file : NULL, NULL, NULL, &ok);
	out->token_file_given = ov->token_file != NULL;
	out->ca_file = first_of(ov->ca_file, env("ONETUI_CACERT"), p ? p->ca_file : NULL, NULL, &ok);
	out->provider = first_of(ov->provider, env("ONEPROVIDER_HOST"), env("ONECLIENT_PROVIDER_HOST"),
				 p ? p->provider : NULL, &ok);
	if (p && p->n_preferred) {
		out->preferred = calloc(p->n_preferred, sizeof(*out->preferred));
		ok = ok && out->preferred;
		for (size_t i = 0; ok && i < p->n_preferred; i++) {
			out->preferred[i] = strdup(p->preferred[i]);
			ok = out->preferred[i] != NULL;
			out->n_preferred += ok;
		}
	}
	if (cfg) {
		out->connect_timeout_ms = cfg->connect_timeout_s * 1000;
		out->low_speed_time_s = cfg->low_speed_time_s;
		out->max_retries = (int)cfg->retries;
	}
	if (!ok) {
		od_settings_done(out);
		return od_error_nomem();
	}
	return NULL;
}
