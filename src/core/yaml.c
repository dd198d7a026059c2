/* SPDX-License-Identifier: GPL-3.0-or-later */
/* yaml.c: one YAML document as JSON (yaml.h). libyaml's loader reads the
 * document whole, each alias a reference to its anchor's node; the nodes
 * are then walked from the root, a node referred to twice converted
 * twice. That walk is what a "billion laughs" document (aliases of
 * aliases of ...) would blow up, so it counts the values it makes and
 * the depth, which also ends an alias inside its own anchor. */
#include "config.h"

#include "onetui/yaml.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "onetui/compiler.h"
#include "onetui/i18n.h"
#include "onetui/metatext.h"
#include "onetui/sanitize.h"
#include "onetui/str.h"

#define MAX_VALUES 100000
#define MAX_DEPTH 64

/* How much of a key an error message shows. */
#define KEY_SHOWN 40

/* "line L, column C: <why>" at a libyaml mark (0-based). */
static struct od_error *
error_at(yaml_mark_t mark, const char *fmt, ...) OD_PRINTF(2, 3);

static struct od_error *
error_at(yaml_mark_t mark, const char *fmt, ...)
{
	struct od_error *err;
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = od_vasprintf(fmt, ap);
	va_end(ap);
	if (!why)
		return od_error_nomem();
	err = od_error_new(OD_ERR_INPUT, _("line %d, column %d: %s"), (int)mark.line + 1, (int)mark.column + 1,
			   why);
	free(why);
	return err;
}

/* libyaml's own error: a reader error (bad UTF-8, a control character)
 * has only a byte offset, the others a mark; a composer error may name a
 * second place ("found duplicate anchor; first occurrence" there). */
static struct od_error *
load_error(const yaml_parser_t *p, const char *text)
{
	yaml_mark_t mark = p->problem_mark;

	if (p->error == YAML_MEMORY_ERROR)
		return od_error_nomem();
	if (p->error == YAML_READER_ERROR) {
		struct od_text_pos pos = od_text_position(text, p->problem_offset);

		mark.line = (size_t)pos.line - 1;
		mark.column = (size_t)pos.col - 1;
	}
	if (p->error == YAML_COMPOSER_ERROR && p->context)
		return error_at(mark, _("%s at line %d, column %d; %s"), p->context, (int)p->context_mark.line + 1,
				(int)p->context_mark.column + 1, p->problem);
	return error_at(mark, "%s", p->problem ? p->problem : _("not YAML"));
}

struct walk {
	yaml_document_t *doc;
	size_t values;		/* made so far */
};

static bool
word_in(const char *s, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

/* The JSON literal of a plain scalar that is a core schema integer or
 * float ([-+]? (.D+ | D+(.D*)?) ([eE][-+]?D+)?, 0oO+, 0xH+): 1 and
 * *lit (caller frees), 0 when it is none, or -ERANGE (an 0o or 0x beyond
 * 64 bits), -ENOMEM. The sign + and leading zeros go, a bare "." gets
 * its 0 and a trailing one goes (+.5 is 0.5, 007. is 7). */
static int
number_literal(const char *s, char **lit)
{
	const char *p = s, *digits, *frac = NULL, *exp = NULL;
	size_t n_int, n_frac = 0;
	char *w;

	*lit = NULL;
	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
		int base = s[1] == 'o' ? 8 : 16;
		uintmax_t v;

		if (!s[2] || strspn(s + 2, base == 8 ? "01234567" : "0123456789abcdefABCDEF") != strlen(s + 2))
			return 0;
		errno = 0;
		v = strtoumax(s + 2, NULL, base);
		if (errno == ERANGE)
			return -ERANGE;
		*lit = od_asprintf("%ju", v);
		return *lit ? 1 : -ENOMEM;
	}
	if (*p == '-' || *p == '+')
		p++;
	digits = p;
	p += n_int = strspn(p, "0123456789");
	if (*p == '.') {
		frac = ++p;
		p += n_frac = strspn(p, "0123456789");
	}
	if (!n_int && !n_frac)
		return 0;
	if (*p == 'e' || *p == 'E') {
		exp = p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!strspn(p, "0123456789"))
			return 0;
		p += strspn(p, "0123456789");
	}
	if (*p)
		return 0;
	/* At most one character more than s: the 0 of ".5". */
	if (!(w = *lit = malloc(strlen(s) + 2)))
		return -ENOMEM;
	if (*s == '-')
		*w++ = '-';
	for (; n_int > 1 && *digits == '0'; n_int--)
		digits++;
	if (n_int)
		w = (char *)memcpy(w, digits, n_int) + n_int;
	else
		*w++ = '0';
	if (n_frac) {
		*w++ = '.';
		w = (char *)memcpy(w, frac, n_frac) + n_frac;
	}
	strcpy(w, exp ? exp : "");
	return 1;
}

/* A scalar's text, which libyaml ends with a NUL; one inside (a "\0"
 * escape) cannot go into a cJSON string. */
static struct od_error *
scalar_text(const yaml_node_t *n, const char **out)
{
	*out = (const char *)n->data.scalar.value;
	if (strlen(*out) != n->data.scalar.length)
		return error_at(n->start_mark, _("a NUL character, which JSON metadata cannot hold"));
	return NULL;
}

static struct od_error *
convert_scalar(const yaml_node_t *n, cJSON **out)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	static const char *const trues[] = { "true", "True", "TRUE" };
	static const char *const falses[] = { "false", "False", "FALSE" };
	static const char *const infs[] = { ".inf", ".Inf", ".INF" };	/* with a sign or not */
	static const char *const nans[] = { ".nan", ".NaN", ".NAN" };
	struct od_error *err;
	const char *s;
	char *lit;
	int rc;

	if ((err = scalar_text(n, &s)))
		return err;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		*out = cJSON_CreateString(s);
	} else if (word_in(s, nulls, OD_ARRAY_SIZE(nulls))) {
		*out = cJSON_CreateNull();
	} else if (word_in(s, trues, OD_ARRAY_SIZE(trues))) {
		*out = cJSON_CreateTrue();
	} else if (word_in(s, falses, OD_ARRAY_SIZE(falses))) {
		*out = cJSON_CreateFalse();
	} else if (word_in(s + (*s == '-' || *s == '+'), infs, OD_ARRAY_SIZE(infs)) ||
		   word_in(s, nans, OD_ARRAY_SIZE(nans))) {
		return error_at(n->start_mark, _("%s is a number JSON cannot hold"), s);
	} else if ((rc = number_literal(s, &lit)) < 0) {
		return rc == -ERANGE ? error_at(n->start_mark, _("%s is too large an integer"), s) : od_error_nomem();
	} else {
		*out = rc ? cJSON_CreateRaw(lit) : cJSON_CreateString(s);
		free(lit);
	}
	return *out ? NULL : od_error_nomem();
}

static struct od_error *convert(struct walk *w, yaml_node_t *n, int depth, cJSON **out);

static struct od_error *
convert_sequence(struct walk *w, const yaml_node_t *n, int depth, cJSON *array)
{
	struct od_error *err;
	cJSON *item;

	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		if ((err = convert(w, yaml_document_get_node(w->doc, *i), depth + 1, &item)))
			return err;
		if (!cJSON_AddItemToArray(array, item)) {
			cJSON_Delete(item);
			return od_error_nomem();
		}
	}
	return NULL;
}

struct key {
	const char *text;
	yaml_mark_t mark;
};

static int
key_order(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcmp(x->text, y->text);

	return c ? c : (x->mark.index > y->mark.index) - (x->mark.index < y->mark.index);
}

/* The keys of a mapping, each a scalar and each there once; the first
 * key (in the text) that is there a second time is the one named. */
/* A key as an error message names it: on one line, its controls made
 * visible (it is anyone's text), and cut after KEY_SHOWN columns. */
static char *
key_shown(const char *text)
{
	char *safe = od_sanitize(text, 0), *shown;
	size_t n;

	if (!safe)
		return NULL;
	n = od_display_clip(safe, KEY_SHOWN, NULL);
	shown = safe[n] ? od_asprintf("%.*s…", (int)n, safe) : od_strdup(safe);
	free(safe);
	return shown;
}

static struct od_error *
check_keys(struct walk *w, const yaml_node_t *n, struct key *keys)
{
	size_t count = 0, dup = 0;
	struct od_error *err;
	char *shown;

	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(w->doc, p->key);

		if (k->type != YAML_SCALAR_NODE)
			return error_at(k->start_mark, _("a key that is a mapping or a sequence (JSON keys are text)"));
		if ((err = scalar_text(k, &keys[count].text)))
			return err;
		keys[count++].mark = k->start_mark;
	}
	qsort(keys, count, sizeof(*keys), key_order);
	for (size_t i = 1; i < count; i++)
		if (strcmp(keys[i - 1].text, keys[i].text) == 0 && (!dup || keys[i].mark.index < keys[dup].mark.index))
			dup = i;
	if (!dup)
		return NULL;
	shown = key_shown(keys[dup].text);
	err = shown ? error_at(keys[dup].mark, _("\"%s\" is a key of this mapping already"), shown) : od_error_nomem();
	free(shown);
	return err;
}

static struct od_error *
convert_mapping(struct walk *w, const yaml_node_t *n, int depth, cJSON *obj)
{
	size_t count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	struct key *keys = malloc((count ? count : 1) * sizeof(*keys));
	struct od_error *err;
	cJSON *value;

	if (!keys)
		return od_error_nomem();
	err = check_keys(w, n, keys);
	free(keys);
	if (err)
		return err;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(w->doc, p->key);

		if ((err = convert(w, yaml_document_get_node(w->doc, p->value), depth + 1, &value)))
			return err;
		if (!cJSON_AddItemToObject(obj, (const char *)k->data.scalar.value, value)) {
			cJSON_Delete(value);
			return od_error_nomem();
		}
	}
	return NULL;
}

static struct od_error *
convert(struct walk *w, yaml_node_t *n, int depth, cJSON **out)
{
	struct od_error *err = NULL;

	*out = NULL;
	if (++w->values > MAX_VALUES)
		return error_at(n->start_mark, _("more than %d values once aliases are expanded"), MAX_VALUES);
	if (depth > MAX_DEPTH)
		return error_at(n->start_mark, _("nested deeper than %d levels (an alias inside its own anchor?)"),
				MAX_DEPTH);
	if (n->type == YAML_SCALAR_NODE)
		return convert_scalar(n, out);
	if (n->type == YAML_SEQUENCE_NODE) {
		if ((*out = cJSON_CreateArray()))
			err = convert_sequence(w, n, depth, *out);
	} else if ((*out = cJSON_CreateObject())) {
		err = convert_mapping(w, n, depth, *out);
	}
	if (!*out)
		return od_error_nomem();
	if (err) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return err;
}

/* After the first document, the end of the stream. */
static struct od_error *
check_one_document(yaml_parser_t *parser, const char *text)
{
	struct od_error *err = NULL;
	yaml_document_t next;

	if (!yaml_parser_load(parser, &next))
		return load_error(parser, text);
	if (yaml_document_get_root_node(&next))
		err = error_at(next.start_mark, _("a second YAML document; the metadata must be one"));
	yaml_document_delete(&next);
	return err;
}

struct od_error *
od_yaml_to_json(const char *text, size_t len, cJSON **out)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct walk w = { &doc, 0 };
	struct od_error *err;
	yaml_node_t *root;

	*out = NULL;
	if (!yaml_parser_initialize(&parser))
		return od_error_nomem();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	/* Not UTF-16 either, even with a byte order mark. */
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&parser, &doc)) {
		err = load_error(&parser, text);
		yaml_parser_delete(&parser);
		return err;
	}
	if (!(err = check_one_document(&parser, text))) {
		if ((root = yaml_document_get_root_node(&doc)))
			err = convert(&w, root, 1, out);
		else if (!(*out = cJSON_CreateNull()))
			err = od_error_nomem();
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return err;
}
