/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-meta.c: "meta get|set|rm|edit": a file's extended attributes, JSON
 * document and RDF text. Writes are refused early under a dataset's
 * metadata protection; "edit" checks what comes back from the editor and
 * that nobody changed the metadata meanwhile, and never loses the text. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "cli/template.h"
#include "onetui/buf.h"
#include "onetui/edit.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/jsonfmt.h"
#include "onetui/meta.h"
#include "onetui/metatext.h"
#include "onetui/sanitize.h"
#include "onetui/str.h"
#include "xmalloc.h"

enum {
	OPT_TYPE = 0x300,
	OPT_INHERITED,
	OPT_FILTER,
	OPT_FILE,
	OPT_MERGE,
	OPT_YES,
	OPT_TEMPLATE,
};

struct meta_cmd {
	enum od_meta_kind kind;
	bool inherited, merge, yes, json;
	const char *filter;
	const char *template;		/* --template: its name */
	const char *file;		/* --file: where a new text comes from */
	const char *target;		/* SPACE/PATH */
	char **args;			/* what follows the target */
	int n_args;
	struct session s;
	struct od_space *space;
	struct target_stat st;
};

/* --- one request at a time ------------------------------------------------------------ */

/* Run op to its end; what went wrong (the caller says it in context). */
static struct od_error *
finish(struct meta_cmd *c, struct od_op *op, struct od_error **err)
{
	if (!op)
		xoom();
	session_run(&c->s);
	if (!*err && session_interrupted())
		*err = od_error_new(OD_ERR_CANCELLED, _("interrupted"));
	return *err;
}

/* The kind's current text into *w (w->text NULL: none). */
static struct od_error *
meta_read(struct meta_cmd *c, const struct od_meta_query *q, struct answer *w)
{
	*w = (struct answer){ 0 };
	return finish(c, od_meta_get(c->s.zone, c->space, c->st.file_id, c->kind, q, answer_text, w), &w->err);
}

static struct od_error *
meta_write(struct meta_cmd *c, const char *filter, const char *text)
{
	struct answer a = { 0 };

	return finish(c, od_meta_put(c->s.zone, c->space, c->st.file_id, c->kind, filter, text, answer_done, &a),
		      &a.err);
}

static struct od_error *
meta_remove(struct meta_cmd *c, const char *const *keys, size_t n)
{
	struct answer a = { 0 };

	return finish(c, od_meta_remove(c->s.zone, c->space, c->st.file_id, c->kind, keys, n, answer_done, &a),
		      &a.err);
}

enum doing { READING, SETTING, REMOVING };

/* Report err about the target; its exit code. */
static int
fail(struct meta_cmd *c, struct od_error *err, enum doing doing)
{
	const char *what = od_meta_kind_words(c->kind);

	switch (doing) {
	case SETTING: return out_fail(err, _("Cannot set the %s of %s"), what, c->target);
	case REMOVING: return out_fail(err, _("Cannot remove the %s of %s"), what, c->target);
	case READING: break;
	}
	return out_fail(err, _("Cannot read the %s of %s"), what, c->target);
}

/* --- reading ------------------------------------------------------------------------- */

static char *
json_text(const cJSON *v, int indent)
{
	char *text = od_json_text(v, indent);

	if (!text)
		xoom();
	return text;
}

/* A scalar on one line: strings sanitised, numbers as JSON writes them. */
static char *
scalar_text(const cJSON *v)
{
	char *text;

	if (cJSON_IsString(v))
		return out_safe(v->valuestring);
	text = json_text(v, 0);
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* An RDF text for a terminal: each line sanitised, the breaks kept. */
static void
print_text_safely(const char *text, size_t len)
{
	if (!isatty(STDOUT_FILENO)) {
		fwrite(text, 1, len, stdout);
		return;
	}
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, n), *safe = out_safe(line);
		printf("%s\n", safe);
		free(safe);
		free(line);
		p += n + 1;
	}
}

/* The xattrs object, or only the keys asked for (a missing one is an
 * error, after the others are printed). */
static int
print_xattrs(struct meta_cmd *c, const char *text, size_t len)
{
	cJSON *root = NULL, *picked;
	struct od_error *err = od_json_parse_object(text, len, _("the provider's extended attributes"), &root);
	int rc = EXIT_OK;

	if (err)
		return fail(c, err, READING);
	if (!(picked = c->n_args ? cJSON_CreateObject() : root))
		xoom();
	for (int i = 0; i < c->n_args; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, c->args[i]);
		if (!v) {
			out_error(_("%s has no extended attribute \"%s\""), c->target, c->args[i]);
			rc = EXIT_FAILED;
		} else if (!cJSON_GetObjectItemCaseSensitive(picked, c->args[i])) {
			cJSON_AddItemToObject(picked, c->args[i], cJSON_Duplicate(v, true));
		}
	}
	if (c->json) {
		char *out = json_text(picked, 0);
		fputs(out, stdout);
		free(out);
	} else {
		const cJSON *item;
		cJSON_ArrayForEach(item, picked) {
			char *key = out_safe(item->string), *value = scalar_text(item);
			printf("%s=%s\n", key, value);
			free(key);
			free(value);
		}
	}
	if (picked != root)
		cJSON_Delete(picked);
	cJSON_Delete(root);
	return rc;
}

static int
print_document(struct meta_cmd *c, const char *text, size_t len)
{
	cJSON *root = NULL;
	struct od_error *err = od_json_parse(text, len, _("the provider's JSON metadata"), &root);
	char *out;

	if (err)
		return fail(c, err, READING);
	out = json_text(root, c->json ? 0 : 2);
	fputs(out, stdout);
	free(out);
	cJSON_Delete(root);
	return EXIT_OK;
}

static int
print_rdf(struct meta_cmd *c, const char *text, size_t len)
{
	if (c->json) {
		struct jw *w = jw_new(stdout);
		jw_string(w, text);
		jw_free(w);
		putchar('\n');
	} else {
		print_text_safely(text, len);
	}
	return EXIT_OK;
}

static int
meta_get(struct meta_cmd *c)
{
	struct od_meta_query q = { .inherited = c->inherited, .filter = c->filter };
	struct od_error *err;
	struct answer w;
	int rc;

	if ((err = meta_read(c, &q, &w)))
		return fail(c, err, READING);
	if (!w.text) {
		/* Nothing is a state, not a failure; a path asked for is. */
		if (c->json)
			puts("null");
		if (c->filter) {
			out_error(_("Nothing at %s in the JSON metadata of %s"), c->filter, c->target);
			return EXIT_FAILED;
		}
		out_warn(_("%s has no %s"), c->target, od_meta_kind_words(c->kind));
		return EXIT_OK;
	}
	if (c->kind == OD_META_XATTRS)
		rc = print_xattrs(c, w.text, w.len);
	else if (c->kind == OD_META_JSON)
		rc = print_document(c, w.text, w.len);
	else
		rc = print_rdf(c, w.text, w.len);
	free(w.text);
	return rc;
}

/* --- writing ------------------------------------------------------------------------ */

/* Metadata protection stops a write before it starts. */
static int
refuse_protected(struct meta_cmd *c)
{
	struct od_error *err;

	if (!(c->st.protection & OD_PROTECT_METADATA))
		return EXIT_OK;
	err = od_error_new(OD_ERR_POSIX, _("%s is in a dataset with metadata protection: its metadata cannot change "
					   "until the protection is cleared"), c->target);
	err->sys_errno = EPERM;
	return out_fail(err, NULL);
}

/* KEY=VALUE (a string) and KEY:=NUMBER into an xattrs object. */
static int
xattrs_from_args(struct meta_cmd *c, cJSON *obj)
{
	for (int i = 0; i < c->n_args; i++) {
		struct od_error *err;
		cJSON *value;
		char *key;

		if (!strchr(c->args[i], '='))
			return cmd_usage_error(&cmd_meta_entry, _("\"%s\": give KEY=VALUE or KEY:=NUMBER"), c->args[i]);
		if ((err = od_meta_parse_assignment(c->args[i], &key, &value)))
			return out_fail(err, NULL);
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
		cJSON_AddItemToObject(obj, key, value);
		free(key);
	}
	return EXIT_OK;
}

/* --template: its fields from FIELD=VALUE arguments and its defaults. */
static int
template_xattrs(struct meta_cmd *c, char **text)
{
	cJSON *obj;
	int rc = cli_template_xattrs(c->s.od.cfg, c->template, (const char *const *)c->args, (size_t)c->n_args, &obj);

	if (rc != EXIT_OK)
		return rc;
	*text = json_text(obj, 0);
	cJSON_Delete(obj);
	return EXIT_OK;
}

/* The text to send, from --file, the argument, or stdin; checked. */
static int
new_text(struct meta_cmd *c, char **text, size_t *len)
{
	const char *source = c->file;
	struct od_error *err;
	struct od_text_pos pos;
	int rc;

	if (c->n_args > 1 || (c->n_args == 1 && c->kind == OD_META_XATTRS))
		return cmd_usage_error(&cmd_meta_entry, _("give the %s as one argument, --file FILE or on stdin"),
				       od_meta_kind_words(c->kind));
	if (c->n_args == 1 && source)
		return cmd_usage_error(&cmd_meta_entry, _("give either a text or --file, not both"));
	if (c->n_args == 1) {
		*text = xstrdup(c->args[0]);
		*len = strlen(*text);
		source = _("the argument");
	} else {
		if (!source && isatty(STDIN_FILENO))
			return cmd_usage_error(&cmd_meta_entry, _("no %s given: use --file FILE, an argument or stdin"),
					       od_meta_kind_words(c->kind));
		if ((rc = cli_read_input(source ? source : "-", text, len)) != EXIT_OK)
			return rc;
		if (!source || strcmp(source, "-") == 0)
			source = _("stdin");
	}
	if ((err = od_meta_check(c->kind, *text, *len, &pos))) {
		od_error_prefix(err, "%s", source);
		free(*text);
		*text = NULL;
		return out_fail(err, NULL);
	}
	return EXIT_OK;
}

/* --merge: the current document with the given one merged in. */
static int
merged_document(struct meta_cmd *c, char **text)
{
	cJSON *doc = NULL, *patch = cJSON_Parse(*text);
	struct od_error *err;
	struct answer w;

	if ((err = meta_read(c, NULL, &w))) {
		cJSON_Delete(patch);
		return fail(c, err, READING);
	}
	if (w.text && (err = od_json_parse(w.text, w.len, _("the provider's JSON metadata"), &doc))) {
		free(w.text);
		cJSON_Delete(patch);
		return fail(c, err, READING);
	}
	free(w.text);
	if (!patch || od_json_merge_patch(&doc, patch) != 0)
		xoom();
	free(*text);
	*text = json_text(doc, 0);
	cJSON_Delete(doc);
	cJSON_Delete(patch);
	return EXIT_OK;
}

static int
meta_set(struct meta_cmd *c)
{
	char *text = NULL;
	size_t len = 0;
	struct od_error *err;
	int rc;

	if (c->template) {
		rc = template_xattrs(c, &text);
	} else if (c->kind == OD_META_XATTRS && !c->file && c->n_args > 0) {
		cJSON *obj = cJSON_CreateObject();
		if (!obj)
			xoom();
		rc = xattrs_from_args(c, obj);
		if (rc == EXIT_OK)
			text = json_text(obj, 0);
		cJSON_Delete(obj);
	} else {
		rc = new_text(c, &text, &len);
	}
	if (rc == EXIT_OK && c->merge)
		rc = merged_document(c, &text);
	if (rc == EXIT_OK && (err = meta_write(c, c->filter, text)))
		rc = fail(c, err, SETTING);
	free(text);
	return rc;
}

static int
meta_rm(struct meta_cmd *c)
{
	struct od_error *err;

	if (c->kind == OD_META_XATTRS && c->n_args == 0)
		return cmd_usage_error(&cmd_meta_entry, _("which attributes? give their names"));
	if (c->kind != OD_META_XATTRS && c->n_args > 0)
		return cmd_usage_error(&cmd_meta_entry, _("the %s is removed whole: give no names"),
				       od_meta_kind_words(c->kind));
	if (c->kind != OD_META_XATTRS) {
		char *question = xasprintf(_("Remove the whole %s of %s?"), od_meta_kind_words(c->kind), c->target);
		bool yes = out_confirm(c->yes, question);
		free(question);
		if (!yes)
			return EXIT_USAGE;
	}
	if ((err = meta_remove(c, (const char *const *)c->args, (size_t)c->n_args)))
		return fail(c, err, REMOVING);
	return EXIT_OK;
}

/* --- editing ------------------------------------------------------------------------ */

/* The edited xattrs as the server needs them: keys that went away are
 * removed, new and changed ones set. */
static struct od_error *
write_xattrs(struct meta_cmd *c, const char *before, size_t before_len, const char *after)
{
	cJSON *old = before ? cJSON_ParseWithLength(before, before_len) : cJSON_CreateObject();
	cJSON *now = cJSON_Parse(after), *changed = cJSON_CreateObject();
	const char **gone = NULL;
	size_t n_gone = 0;
	const cJSON *item;
	struct od_error *err = NULL;

	if (!old || !now || !changed)
		xoom();
	cJSON_ArrayForEach(item, old)
		if (!cJSON_GetObjectItemCaseSensitive(now, item->string)) {
			gone = xrealloc(gone, (n_gone + 1) * sizeof(*gone));
			gone[n_gone++] = item->string;
		}
	cJSON_ArrayForEach(item, now) {
		const cJSON *was = cJSON_GetObjectItemCaseSensitive(old, item->string);
		if (!was || !cJSON_Compare(was, item, true))
			cJSON_AddItemToObject(changed, item->string, cJSON_Duplicate(item, true));
	}
	if (n_gone)
		err = meta_remove(c, gone, n_gone);
	if (!err && changed->child) {
		char *text = json_text(changed, 0);
		err = meta_write(c, NULL, text);
		free(text);
	}
	free(gone);
	cJSON_Delete(old);
	cJSON_Delete(now);
	cJSON_Delete(changed);
	return err;
}

/* Edit until the text is good, the user gives up, or it comes back
 * unchanged after a mistake. EXIT_OK with *out set (NULL: nothing was
 * changed), or an exit code; *keep says to leave the file for the user. */
static int
edit_loop(struct meta_cmd *c, struct od_edit *e, const char *start, char **out, size_t *out_len, bool *keep)
{
	struct od_text_pos pos = { 0, 0 };
	char *previous = NULL;

	*out = NULL;
	for (;;) {
		struct od_error *err = od_edit_run(e, pos.line);
		char *text;
		size_t len;

		/* An editor that fails (vi's :cq) means: leave everything. */
		if (err) {
			free(previous);
			*keep = previous != NULL;
			od_error_prefix(err, _("Nothing was changed"));
			return out_fail(err, NULL);
		}
		if ((err = od_edit_read(e, &text, &len))) {
			free(previous);
			*keep = true;
			return out_fail(err, NULL);
		}
		if (strcmp(text, start) == 0) {
			free(text);
			free(previous);
			return EXIT_OK;
		}
		if (!(err = od_meta_check(c->kind, text, len, &pos))) {
			free(previous);
			*out = text;
			*out_len = len;
			return EXIT_OK;
		}
		out_error("%s", err->message);
		od_error_free(err);
		/* The same mistake twice, or a no at the question: stop, and
		 * say where the text is. */
		if ((previous && strcmp(previous, text) == 0) ||
		    (isatty(STDIN_FILENO) && !out_ask(_("Edit again?")))) {
			out_error(_("Nothing was changed; your text is kept in %s"), od_edit_path(e));
			free(text);
			free(previous);
			*keep = true;
			return EXIT_FAILED;
		}
		free(previous);
		previous = text;
	}
}

static int
meta_edit(struct meta_cmd *c)
{
	struct answer before, now;
	struct od_error *err;
	struct od_edit *e = NULL;
	char *start, *text = NULL;
	size_t len = 0;
	bool keep = false;
	int rc;

	if (c->n_args > 0)
		return cmd_usage_error(&cmd_meta_entry, _("edit takes only SPACE/PATH"));
	if ((err = meta_read(c, NULL, &before)))
		return fail(c, err, READING);
	if (!(start = od_meta_editable(c->kind, before.text, before.len)))
		xoom();
	if ((err = od_edit_new(start, strlen(start), c->kind == OD_META_RDF ? ".xml" : ".json", &e))) {
		rc = out_fail(err, NULL);
		goto out;
	}
	rc = edit_loop(c, e, start, &text, &len, &keep);
	if (rc == EXIT_OK && !text)
		out_warn(_("No change: the %s of %s stay as they were"), od_meta_kind_words(c->kind), c->target);
	if (rc != EXIT_OK || !text)
		goto out;
	/* Re-read before writing: a change made elsewhere meanwhile is never
	 * overwritten without asking. */
	if ((err = meta_read(c, NULL, &now))) {
		rc = fail(c, err, READING);
		keep = true;
		goto out;
	}
	if (!od_meta_same(c->kind, before.text, before.len, now.text, now.len) &&
	    !out_ask(_("Someone changed this metadata while you edited it. Write yours over it?"))) {
		out_error(_("The %s of %s changed while you edited them; nothing was written. Your text is kept in %s"),
			  od_meta_kind_words(c->kind), c->target, od_edit_path(e));
		rc = EXIT_FAILED;
		keep = true;
	} else {
		err = c->kind == OD_META_XATTRS ? write_xattrs(c, now.text, now.len, text) : meta_write(c, NULL, text);
		if (err) {
			rc = fail(c, err, SETTING);
			out_error(_("Your text is kept in %s"), od_edit_path(e));
			keep = true;
		}
	}
	free(now.text);
out:
	od_edit_free(e, keep);
	free(text);
	free(start);
	free(before.text);
	return rc;
}

/* --- the command ----------------------------------------------------------------------- */

static const struct option meta_options[] = {
	{ "type", required_argument, NULL, 't' },
	{ "inherited", no_argument, NULL, OPT_INHERITED },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "file", required_argument, NULL, 'f' },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "template", required_argument, NULL, OPT_TEMPLATE },
	CMD_JSON_OPTION,
	{ NULL, 0, NULL, 0 },
};

static int
parse_options(struct meta_cmd *c, struct global_opts *g, int argc, char **argv)
{
	int opt;

	while ((opt = cmd_getopt(&cmd_meta_entry, g, argc, argv)) != CMD_OPT_END) {
		switch (opt) {
		case CMD_OPT_EXIT:
			return cmd_exit_status;
		case 't':
			if (!od_meta_kind_parse(optarg, &c->kind))
				return cmd_usage_error(&cmd_meta_entry, _("--type is xattrs, json or rdf, not \"%s\""),
						       optarg);
			break;
		case OPT_INHERITED: c->inherited = true; break;
		case OPT_FILTER: c->filter = optarg; break;
		case 'f': c->file = optarg; break;
		case OPT_MERGE: c->merge = true; break;
		case OPT_YES: c->yes = true; break;
		case OPT_TEMPLATE: c->template = optarg; break;
		case CMD_OPT_JSON: c->json = true; break;
		default: break;
		}
	}
	return EXIT_OK;
}

/* Options that do not go with the verb or the kind. */
static int
check_options(const struct meta_cmd *c, const char *verb)
{
	bool get = strcmp(verb, "get") == 0, set = strcmp(verb, "set") == 0;

	if (c->inherited && (!get || c->kind == OD_META_RDF))
		return cmd_usage_error(&cmd_meta_entry, _("--inherited is for reading xattrs or JSON"));
	if (c->filter && (c->kind != OD_META_JSON || !(get || set)))
		return cmd_usage_error(&cmd_meta_entry, _("--filter is for reading or setting JSON"));
	if ((c->file || c->merge) && !set)
		return cmd_usage_error(&cmd_meta_entry, _("--file and --merge are for set"));
	if (c->merge && (c->kind != OD_META_JSON || c->filter))
		return cmd_usage_error(&cmd_meta_entry, _("--merge is for JSON, without --filter"));
	if (c->template && (!set || c->kind != OD_META_XATTRS || c->file || c->merge))
		return cmd_usage_error(&cmd_meta_entry, _("--template is for setting xattrs from FIELD=VALUE arguments"));
	if (c->json && !get && strcmp(verb, "templates") != 0)
		return cmd_usage_error(&cmd_meta_entry, _("--json is for get and templates"));
	return EXIT_OK;
}

static void
template_json(struct jw *w, const struct od_template *t)
{
	jw_begin_object(w);
	jw_kv_string(w, "name", t->name);
	jw_kv_string(w, "description", t->description);
	jw_key(w, "fields");
	jw_begin_array(w);
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct od_template_field *f = &t->fields[i];
		jw_begin_object(w);
		jw_kv_string(w, "name", f->name);
		jw_kv_string(w, "label", f->label);
		jw_kv_bool(w, "required", f->required);
		jw_kv_bool(w, "number", f->number);
		jw_kv_string(w, "default", f->fallback);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

static void
template_text(const struct od_template *t)
{
	printf("%s%s%s\n", t->name, t->description ? "  " : "", t->description ? t->description : "");
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct od_template_field *f = &t->fields[i];
		printf("  %-20s %-9s %-7s%s%s%s%s\n", f->name, f->required ? _("required") : "",
		       f->number ? _("number") : "", f->fallback ? _(" default ") : "", f->fallback ? f->fallback : "",
		       f->label ? "  " : "", f->label ? f->label : "");
	}
}

/* meta templates: what the configuration defines (no server needed). */
static int
list_templates(const struct global_opts *g, bool json)
{
	struct od_config *cfg = NULL;
	struct od_error *err = od_config_load(g->config_path, &cfg);
	struct jw *w = json ? jw_new(stdout) : NULL;

	if (err) {
		out_fail(err, NULL);
		return EXIT_SETUP;
	}
	if (w)
		jw_begin_array(w);
	for (size_t i = 0; i < cfg->n_templates; i++) {
		if (w)
			template_json(w, &cfg->templates[i]);
		else
			template_text(&cfg->templates[i]);
	}
	if (w) {
		jw_end_array(w);
		jw_free(w);
	} else if (!cfg->n_templates) {
		out_warn(_("The configuration defines no metadata templates (see onetui.conf(5))"));
	}
	od_config_free(cfg);
	return EXIT_OK;
}

static int
meta_exec(struct global_opts *g, int argc, char **argv)
{
	static const struct {
		const char *verb;
		bool writes;
		int (*run)(struct meta_cmd *c);
	} verbs[] = {
		{ "get", false, meta_get },
		{ "set", true, meta_set },
		{ "rm", true, meta_rm },
		{ "edit", true, meta_edit },
	};
	struct meta_cmd c = { .kind = OD_META_XATTRS };
	const char *verb;
	size_t v;
	int rc;

	if ((rc = parse_options(&c, g, argc, argv)) != EXIT_OK)
		return rc;
	if (optind >= argc)
		return cmd_usage_error(&cmd_meta_entry, _("what to do? get, set, rm, edit or templates"));
	verb = argv[optind];
	if (strcmp(verb, "templates") == 0) {
		if (optind + 1 != argc)
			return cmd_usage_error(&cmd_meta_entry, _("templates takes no arguments"));
		return (rc = check_options(&c, verb)) != EXIT_OK ? rc : list_templates(g, c.json);
	}
	for (v = 0; v < OD_ARRAY_SIZE(verbs) && strcmp(verbs[v].verb, verb) != 0; v++)
		;
	if (v == OD_ARRAY_SIZE(verbs))
		return cmd_usage_error(&cmd_meta_entry, _("\"%s\" is not get, set, rm, edit or templates"), verb);
	if (optind + 1 >= argc)
		return cmd_usage_error(&cmd_meta_entry, _("which file? give SPACE/PATH"));
	if ((rc = check_options(&c, verb)) != EXIT_OK)
		return rc;
	c.target = argv[optind + 1];
	c.args = argv + optind + 2;
	c.n_args = argc - optind - 2;
	if ((rc = session_open(&c.s, g)) != EXIT_OK)
		return rc;
	rc = session_stat_target_attrs(&c.s, c.target, OD_ATTR_NAME | (verbs[v].writes ? OD_ATTR_PROTECTION : 0),
				       &c.space, &c.st);
	if (rc == EXIT_OK && verbs[v].writes)
		rc = refuse_protected(&c);
	if (rc == EXIT_OK)
		rc = verbs[v].run(&c);
	target_stat_done(&c.st);
	session_close(&c.s);
	return rc;
}

const struct cmd_entry cmd_meta_entry = {
	.name = "meta",
	.usage = N_("get [-t KIND] [--inherited] [--filter KEYPATH] [--json] SPACE/PATH [KEY...] | "
		    "set [-t KIND] [--filter KEYPATH] [--merge] [-f FILE] SPACE/PATH [KEY=VALUE|KEY:=NUMBER...|TEXT] | "
		    "set --template NAME SPACE/PATH [FIELD=VALUE...] | templates [--json] | "
		    "rm [-t KIND] [--yes] SPACE/PATH [KEY...] | edit [-t KIND] SPACE/PATH"),
	.summary = N_("read, set, remove or edit a file's xattrs, JSON or RDF metadata (KIND)"),
	.shortopts = "t:f:",
	.longopts = meta_options,
	.exec = meta_exec,
};
