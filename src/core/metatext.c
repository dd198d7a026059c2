/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metatext.c: checking JSON, RDF (XML) and xattrs texts written by a
 * person, with the place of the first mistake.
 *
 * The XML check covers what makes a document well-formed (XML 1.0 and
 * Namespaces in XML): one root element, nesting and matching end tags,
 * quoted and unique attributes, references, comments, CDATA sections,
 * processing instructions, the characters allowed, bound prefixes. A
 * DOCTYPE is skipped whole; entities it may declare are then accepted. */
#include "config.h"

#include "onetui/metatext.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/jsonfmt.h"
#include "onetui/str.h"

/* --- positions ------------------------------------------------------------------ */

struct od_text_pos
od_text_position(const char *text, size_t off)
{
	struct od_text_pos p = { 1, 1 };

	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			p.line++;
			p.col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			p.col++;
		}
	}
	return p;
}

/* "line L, column C: <why>"; sets *pos when given. */
static struct od_error *
text_error(const char *text, size_t off, struct od_text_pos *pos, const char *why)
{
	struct od_text_pos p = od_text_position(text, off);

	if (pos)
		*pos = p;
	return od_error_new(OD_ERR_INPUT, _("line %d, column %d: %s"), p.line, p.col, why);
}

/* What is at off, for a message: "unexpected 'x'", or the end. */
static struct od_error *
unexpected(const char *text, size_t len, size_t off, struct od_text_pos *pos)
{
	char why[64];
	unsigned cp = 0;

	if (off >= len)
		return text_error(text, off, pos, _("the text ends too early"));
	if (od_utf8_decode((const unsigned char *)text + off, len - off, &cp) == 0)
		return text_error(text, off, pos, _("invalid UTF-8"));
	if (cp > 0x20 && cp < 0x7f)
		snprintf(why, sizeof(why), _("unexpected '%c'"), (char)cp);
	else
		snprintf(why, sizeof(why), _("unexpected character U+%04X"), cp);
	return text_error(text, off, pos, why);
}

/* Where text stops being valid UTF-8 (len: nowhere). */
static size_t
bad_utf8_at(const char *text, size_t len)
{
	size_t at = 0, n;
	unsigned cp;

	while (at < len && (n = od_utf8_decode((const unsigned char *)text + at, len - at, &cp)) > 0)
		at += n;
	return at;
}

/* --- JSON ----------------------------------------------------------------------- */

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* What parses but cannot be stored faithfully: a key twice in one object
 * (readers disagree on which value counts) and a number too large for a
 * double (it would become infinity). cJSON keeps no places: the message
 * names the key or says what. */
static struct od_error *
check_values(const cJSON *v)
{
	const cJSON *item;
	struct od_error *err = NULL;

	if (cJSON_IsNumber(v) && !isfinite(v->valuedouble))
		return od_error_new(OD_ERR_INPUT, _("a number too large to store%s%s"), v->string ? ": " : "",
				    v->string ? v->string : "");

	if (cJSON_IsObject(v)) {
		size_t n = (size_t)cJSON_GetArraySize(v), k = 0;
		const char **names = n ? malloc(n * sizeof(*names)) : NULL;
		if (n && !names)
			return od_error_nomem();
		cJSON_ArrayForEach(item, v)
			names[k++] = item->string ? item->string : "";
		if (n > 1)
			qsort(names, n, sizeof(*names), compare_names);
		for (k = 1; k < n && !err; k++)
			if (strcmp(names[k - 1], names[k]) == 0)
				err = od_error_new(OD_ERR_INPUT, _("the key \"%s\" is there twice in one object"), names[k]);
		free(names);
	}
	cJSON_ArrayForEach(item, v)
		if (!err)
			err = check_values(item);
	return err;
}

static struct od_error *
check_json(const char *text, size_t len, struct od_text_pos *pos, cJSON **out)
{
	const char *end = NULL;
	const char *nul = memchr(text, '\0', len);
	struct od_error *err;
	cJSON *root;

	size_t bad = bad_utf8_at(text, len);

	*out = NULL;
	if (nul)
		return text_error(text, (size_t)(nul - text), pos, _("a NUL character"));
	if (bad < len)
		return text_error(text, bad, pos, _("invalid UTF-8"));
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= text && at <= text + len ? (size_t)(at - text) : len;
		size_t last = len;
		while (last > 0 && strchr(" \t\r\n", text[last - 1]))
			last--;
		if (last == 0)
			return text_error(text, len, pos, _("the text is empty where a JSON value was expected"));
		/* cJSON points at the last character when the text ran out. */
		if (off + 1 >= last && od_json_truncated(text, len))
			return text_error(text, last, pos, _("the text ends too early"));
		return unexpected(text, len, off, pos);
	}
	while (end < text + len && strchr(" \t\r\n", *end))
		end++;
	if (end < text + len) {
		cJSON_Delete(root);
		return text_error(text, (size_t)(end - text), pos, _("text after the JSON value"));
	}
	if ((err = check_values(root))) {
		cJSON_Delete(root);
		return err;
	}
	*out = root;
	return NULL;
}

struct od_error *
od_meta_check_xattr(const char *key, const cJSON *value)
{
	static const char *const reserved[] = { "cdmi_", "onedata_", "org.onedata." };

	if (!*key)
		return od_error_new(OD_ERR_INPUT, _("an extended attribute needs a name"));
	for (size_t i = 0; i < OD_ARRAY_SIZE(reserved); i++)
		if (od_str_starts(key, reserved[i]))
			return od_error_new(OD_ERR_INPUT, _("\"%s\": names starting with %s are reserved by Onedata"),
					    key, reserved[i]);
	if (!cJSON_IsString(value) && !cJSON_IsNumber(value))
		return od_error_new(OD_ERR_INPUT,
				    _("\"%s\": an extended attribute is a string or a number (put nested data "
				      "in the JSON metadata)"), key);
	return NULL;
}

struct od_error *
od_meta_parse_assignment(const char *text, char **key, cJSON **value)
{
	const char *eq = strchr(text, '=');
	bool number = eq && eq > text && eq[-1] == ':';
	struct od_error *err;

	*key = NULL;
	*value = NULL;
	if (!eq)
		return od_error_new(OD_ERR_INPUT, _("\"%s\": write NAME=VALUE, or NAME:=NUMBER"), text);
	if (!(*key = od_strndup(text, (size_t)(eq - text) - number)))
		return od_error_nomem();
	*value = number ? cJSON_Parse(eq + 1) : cJSON_CreateString(eq + 1);
	if (number && !cJSON_IsNumber(*value))
		err = od_error_new(OD_ERR_INPUT, _("\"%s\": after := comes a number"), text);
	else if (!*value)
		err = od_error_nomem();
	else
		err = od_meta_check_xattr(*key, *value);
	if (err) {
		free(*key);
		cJSON_Delete(*value);
		*key = NULL;
		*value = NULL;
	}
	return err;
}

static struct od_error *
check_xattrs(const char *text, size_t len, struct od_text_pos *pos)
{
	struct od_error *err;
	const cJSON *item;
	cJSON *root;

	if ((err = check_json(text, len, pos, &root)))
		return err;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return text_error(text, strspn(text, " \t\r\n"), pos,
				  _("extended attributes are a JSON object of names and values"));
	}
	cJSON_ArrayForEach(item, root)
		if ((err = od_meta_check_xattr(item->string, item)))
			break;
	cJSON_Delete(root);
	return err;
}

/* --- XML ------------------------------------------------------------------------ */

struct prefix {
	const char *name;	/* into the text */
	size_t len;
	int depth;		/* of the element declaring it */
};

struct xml {
	const char *s;
	size_t len, at;
	struct od_text_pos *pos;
	bool dtd;		/* a DOCTYPE may declare entities */
	int depth;
	struct prefix *prefixes;
	size_t n_prefixes, cap_prefixes;
};

static struct od_error *
xml_fail(struct xml *x, const char *why)
{
	return text_error(x->s, x->at, x->pos, why);
}

static bool
xml_looking_at(const struct xml *x, const char *lit)
{
	size_t n = strlen(lit);

	return x->len - x->at >= n && memcmp(x->s + x->at, lit, n) == 0;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
skip_space(struct xml *x)
{
	while (x->at < x->len && is_space(x->s[x->at]))
		x->at++;
}

static bool
name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static bool
name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* A Name at the current place; its length (0: none there). */
static size_t
xml_name(struct xml *x)
{
	size_t start = x->at;

	if (x->at >= x->len || !name_start((unsigned char)x->s[x->at]))
		return 0;
	while (x->at < x->len && name_char((unsigned char)x->s[x->at]))
		x->at++;
	return x->at - start;
}

/* Every character allowed in XML 1.0, the text valid UTF-8. */
static struct od_error *
xml_chars(struct xml *x)
{
	for (x->at = 0; x->at < x->len;) {
		unsigned cp;
		size_t n = od_utf8_decode((const unsigned char *)x->s + x->at, x->len - x->at, &cp);
		if (n == 0)
			return xml_fail(x, _("invalid UTF-8"));
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xfffe || cp == 0xffff)
			return unexpected(x->s, x->len, x->at, x->pos);
		x->at += n;
	}
	x->at = 0;
	return NULL;
}

/* Skip to just after the terminator lit; an error when it never comes. */
static struct od_error *
xml_until(struct xml *x, const char *lit, const char *what)
{
	const char *found = NULL;
	size_t n = strlen(lit);

	for (size_t i = x->at; i + n <= x->len && !found; i++)
		if (memcmp(x->s + i, lit, n) == 0)
			found = x->s + i;
	if (!found) {
		char why[96];
		snprintf(why, sizeof(why), _("%s is not closed with %s"), what, lit);
		return xml_fail(x, why);
	}
	x->at = (size_t)(found - x->s) + n;
	return NULL;
}

static struct od_error *
xml_comment(struct xml *x)
{
	size_t start = x->at;
	struct od_error *err;

	x->at += 4;	/* <!-- */
	if ((err = xml_until(x, "-->", _("a comment"))))
		return err;
	for (size_t i = start + 4; i + 3 < x->at; i++)
		if (x->s[i] == '-' && x->s[i + 1] == '-') {
			x->at = i;
			return xml_fail(x, _("\"--\" inside a comment"));
		}
	return NULL;
}

static struct od_error *
xml_pi(struct xml *x)
{
	size_t n;

	x->at += 2;	/* <? */
	n = xml_name(x);
	if (n == 0)
		return xml_fail(x, _("a processing instruction needs a target name"));
	if (n == 3 && (x->s[x->at - 3] | 0x20) == 'x' && (x->s[x->at - 2] | 0x20) == 'm' &&
	    (x->s[x->at - 1] | 0x20) == 'l') {
		x->at -= 3;
		return xml_fail(x, _("an XML declaration is only allowed at the very start"));
	}
	return xml_until(x, "?>", _("a processing instruction"));
}

/* <!DOCTYPE ... [internal subset] >, skipped with its quoted parts. */
static struct od_error *
xml_doctype(struct xml *x)
{
	int brackets = 0;

	x->dtd = true;
	for (x->at += 9; x->at < x->len; x->at++) {
		char c = x->s[x->at];
		if (c == '"' || c == '\'') {
			const char *close = memchr(x->s + x->at + 1, c, x->len - x->at - 1);
			if (!close)
				return xml_fail(x, _("a quoted value is not closed"));
			x->at = (size_t)(close - x->s);
		} else if (c == '[') {
			brackets++;
		} else if (c == ']') {
			brackets--;
		} else if (c == '>' && brackets <= 0) {
			x->at++;
			return NULL;
		}
	}
	return xml_fail(x, _("the DOCTYPE is not closed with >"));
}

/* &name; &#N; &#xH; at the current place. */
static struct od_error *
xml_reference(struct xml *x)
{
	static const char *const predefined[] = { "amp", "lt", "gt", "apos", "quot" };
	size_t start = x->at++, n;

	if (x->at < x->len && x->s[x->at] == '#') {
		bool hex = ++x->at < x->len && x->s[x->at] == 'x';
		unsigned long cp = 0;
		size_t digits = 0;
		if (hex)
			x->at++;
		for (; x->at < x->len && x->s[x->at] != ';'; x->at++, digits++) {
			char c = x->s[x->at];
			int v = c >= '0' && c <= '9' ? c - '0' : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ?
				(c | 0x20) - 'a' + 10 : -1;
			if (v < 0 || cp > 0x10ffff)
				break;
			cp = cp * (hex ? 16 : 10) + (unsigned long)v;
		}
		if (digits == 0 || x->at >= x->len || x->s[x->at] != ';' || cp > 0x10ffff ||
		    (cp < 0x20 && cp != 9 && cp != 10 && cp != 13) || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp == 0xfffe || cp == 0xffff) {
			x->at = start;
			return xml_fail(x, _("not a valid character reference"));
		}
		x->at++;
		return NULL;
	}
	n = xml_name(x);
	if (n == 0 || x->at >= x->len || x->s[x->at] != ';') {
		x->at = start;
		return xml_fail(x, _("'&' must start a reference such as &amp;"));
	}
	x->at++;
	for (size_t i = 0; i < OD_ARRAY_SIZE(predefined); i++)
		if (strlen(predefined[i]) == n && memcmp(predefined[i], x->s + start + 1, n) == 0)
			return NULL;
	if (x->dtd)
		return NULL;
	x->at = start;
	return xml_fail(x, _("an entity that is not defined"));
}

/* Whether a prefix is bound where we are. */
static bool
prefix_bound(const struct xml *x, const char *name, size_t len)
{
	if ((len == 3 && memcmp(name, "xml", 3) == 0) || (len == 5 && memcmp(name, "xmlns", 5) == 0))
		return true;
	for (size_t i = 0; i < x->n_prefixes; i++)
		if (x->prefixes[i].len == len && memcmp(x->prefixes[i].name, name, len) == 0)
			return true;
	return false;
}

static struct od_error *
bind_prefix(struct xml *x, const char *name, size_t len)
{
	if (x->n_prefixes == x->cap_prefixes) {
		size_t cap = x->cap_prefixes ? 2 * x->cap_prefixes : 8;
		struct prefix *p = realloc(x->prefixes, cap * sizeof(*p));
		if (!p)
			return od_error_nomem();
		x->prefixes = p;
		x->cap_prefixes = cap;
	}
	x->prefixes[x->n_prefixes++] = (struct prefix){ name, len, x->depth };
	return NULL;
}

/* A name's prefix must be bound (at off: the name, for the message). */
static struct od_error *
check_prefix(struct xml *x, size_t off, size_t len)
{
	const char *colon = memchr(x->s + off, ':', len);

	if (!colon || prefix_bound(x, x->s + off, (size_t)(colon - x->s - off)))
		return NULL;
	x->at = off;
	return xml_fail(x, _("a namespace prefix that is not declared"));
}

struct attr {
	size_t off, len;
};

/* The attributes of a start tag, up to > or />; they bind prefixes first,
 * then the element's and their own prefixes are checked. */
static struct od_error *
xml_attributes(struct xml *x, size_t tag_off, size_t tag_len, bool *empty)
{
	struct attr attrs[64];
	size_t n = 0;
	struct od_error *err;

	for (;;) {
		size_t before = x->at, off, len;
		skip_space(x);
		if (xml_looking_at(x, "/>") || xml_looking_at(x, ">")) {
			*empty = x->s[x->at] == '/';
			x->at += *empty ? 2 : 1;
			break;
		}
		if (x->at == before)
			return x->at >= x->len ? unexpected(x->s, x->len, x->at, x->pos)
					       : xml_fail(x, _("expected white space, > or /> in a tag"));
		off = x->at;
		if ((len = xml_name(x)) == 0)
			return unexpected(x->s, x->len, x->at, x->pos);
		for (size_t i = 0; i < n; i++)
			if (attrs[i].len == len && memcmp(x->s + attrs[i].off, x->s + off, len) == 0) {
				x->at = off;
				return xml_fail(x, _("an attribute given twice"));
			}
		if (n == OD_ARRAY_SIZE(attrs)) {
			x->at = off;
			return xml_fail(x, _("more than 64 attributes in one tag"));
		}
		attrs[n++] = (struct attr){ off, len };
		skip_space(x);
		if (!xml_looking_at(x, "="))
			return xml_fail(x, _("expected = after an attribute's name"));
		x->at++;
		skip_space(x);
		if (x->at >= x->len || (x->s[x->at] != '"' && x->s[x->at] != '\''))
			return xml_fail(x, _("an attribute's value must be in quotes"));
		{
			char quote = x->s[x->at++];
			while (x->at < x->len && x->s[x->at] != quote) {
				if (x->s[x->at] == '<')
					return xml_fail(x, _("'<' inside an attribute's value"));
				if (x->s[x->at] == '&') {
					if ((err = xml_reference(x)))
						return err;
				} else {
					x->at++;
				}
			}
			if (x->at >= x->len)
				return unexpected(x->s, x->len, x->at, x->pos);
			x->at++;
		}
		if (len > 6 && memcmp(x->s + off, "xmlns:", 6) == 0 &&
		    (err = bind_prefix(x, x->s + off + 6, len - 6)))
			return err;
	}
	if ((err = check_prefix(x, tag_off, tag_len)))
		return err;
	for (size_t i = 0; i < n; i++)
		if (!(attrs[i].len > 6 && memcmp(x->s + attrs[i].off, "xmlns:", 6) == 0) &&
		    (err = check_prefix(x, attrs[i].off, attrs[i].len)))
			return err;
	return NULL;
}

struct open_tag {
	size_t off, len;
};

/* The element at the current depth ends: its prefixes go out of scope. */
static void
close_element(struct xml *x)
{
	while (x->n_prefixes > 0 && x->prefixes[x->n_prefixes - 1].depth >= x->depth)
		x->n_prefixes--;
	x->depth--;
}

/* The root element and everything in it, without recursion (nesting may
 * be deep). */
static struct od_error *
xml_element(struct xml *x)
{
	struct open_tag *open = NULL;
	size_t n_open = 0, cap = 0;
	struct od_error *err = NULL;

	do {
		if (xml_looking_at(x, "</")) {
			size_t off, len;
			x->at += 2;
			off = x->at;
			len = xml_name(x);
			if (n_open == 0 || len != open[n_open - 1].len ||
			    memcmp(x->s + off, x->s + open[n_open - 1].off, len) != 0) {
				x->at = off;
				err = xml_fail(x, n_open ? _("this end tag does not match the open element")
							 : _("an end tag without a start tag"));
				break;
			}
			skip_space(x);
			if (!xml_looking_at(x, ">")) {
				err = unexpected(x->s, x->len, x->at, x->pos);
				break;
			}
			x->at++;
			n_open--;
			close_element(x);
		} else if (xml_looking_at(x, "<!--")) {
			err = xml_comment(x);
		} else if (xml_looking_at(x, "<![CDATA[")) {
			x->at += 9;
			err = xml_until(x, "]]>", _("a CDATA section"));
		} else if (xml_looking_at(x, "<?")) {
			err = xml_pi(x);
		} else if (xml_looking_at(x, "<")) {
			size_t off = ++x->at, len = xml_name(x);
			bool empty = false;
			if (len == 0) {
				err = unexpected(x->s, x->len, x->at, x->pos);
				break;
			}
			x->depth++;
			if ((err = xml_attributes(x, off, len, &empty)))
				break;
			if (empty) {
				close_element(x);
			} else {
				if (n_open == cap) {
					struct open_tag *p = realloc(open, (cap = cap ? 2 * cap : 16) * sizeof(*p));
					if (!p) {
						err = od_error_nomem();
						break;
					}
					open = p;
				}
				open[n_open++] = (struct open_tag){ off, len };
			}
		} else if (n_open == 0) {
			err = unexpected(x->s, x->len, x->at, x->pos);
		} else if (x->s[x->at] == '&') {
			err = xml_reference(x);
		} else if (xml_looking_at(x, "]]>")) {
			err = xml_fail(x, _("\"]]>\" outside a CDATA section"));
		} else {
			x->at++;
		}
		if (!err && n_open > 0 && x->at >= x->len) {
			x->at = open[n_open - 1].off;
			err = xml_fail(x, _("this element is not closed"));
		}
	} while (!err && n_open > 0);
	free(open);
	return err;
}

/* Comments, processing instructions and white space (before and after
 * the root; a DOCTYPE too before it). */
static struct od_error *
xml_misc(struct xml *x, bool prolog)
{
	struct od_error *err = NULL;

	for (skip_space(x); !err && x->at < x->len; skip_space(x)) {
		if (xml_looking_at(x, "<!--"))
			err = xml_comment(x);
		else if (xml_looking_at(x, "<?"))
			err = xml_pi(x);
		else if (prolog && !x->dtd && xml_looking_at(x, "<!DOCTYPE"))
			err = xml_doctype(x);
		else
			break;
	}
	return err;
}

static struct od_error *
check_xml(const char *text, size_t len, struct od_text_pos *pos)
{
	struct xml x = { .s = text, .len = len, .pos = pos };
	struct od_error *err;

	if ((err = xml_chars(&x)))
		return err;
	if (xml_looking_at(&x, "\xef\xbb\xbf"))
		x.at = 3;
	if (xml_looking_at(&x, "<?xml") && x.at + 5 < len && is_space(text[x.at + 5]))
		err = xml_until(&x, "?>", _("the XML declaration"));
	if (!err)
		err = xml_misc(&x, true);
	if (!err && x.at >= len)
		err = xml_fail(&x, _("there is no element"));
	if (!err && !xml_looking_at(&x, "<"))
		err = xml_fail(&x, _("text before the root element"));
	if (!err)
		err = xml_element(&x);
	if (!err)
		err = xml_misc(&x, false);
	if (!err && x.at < len)
		err = xml_fail(&x, _("more after the root element"));
	free(x.prefixes);
	return err;
}

/* --- the kinds ------------------------------------------------------------------ */

struct od_error *
od_meta_check(enum od_meta_kind kind, const char *text, size_t len, struct od_text_pos *pos)
{
	struct od_error *err = NULL;
	cJSON *root;

	if (pos)
		*pos = (struct od_text_pos){ 0, 0 };
	switch (kind) {
	case OD_META_XATTRS:
		err = check_xattrs(text, len, pos);
		break;
	case OD_META_JSON:
		if (!(err = check_json(text, len, pos, &root)))
			cJSON_Delete(root);
		break;
	case OD_META_RDF:
		err = check_xml(text, len, pos);
		break;
	}
	return err;
}

/* --- templates ------------------------------------------------------------------ */

struct od_error *
od_meta_template_value(const struct od_template_field *f, const char *text, cJSON **out)
{
	*out = NULL;
	if (!text || !*text)
		return NULL;
	if (f->number && !od_parse_number(text))
		return od_error_new(OD_ERR_INPUT, _("\"%s\" is a number, not \"%s\""), f->name, text);
	*out = f->number ? cJSON_CreateNumber(strtod(text, NULL)) : cJSON_CreateString(text);
	return *out ? NULL : od_error_nomem();
}

static const struct od_template_field *
template_field(const struct od_template *t, const char *name, size_t len)
{
	for (size_t i = 0; i < t->n_fields; i++)
		if (strlen(t->fields[i].name) == len && memcmp(t->fields[i].name, name, len) == 0)
			return &t->fields[i];
	return NULL;
}

/* The missing required fields, named in one error. */
static struct od_error *
missing_fields(const struct od_template *t, const cJSON *obj)
{
	struct od_buf names;
	struct od_error *err = NULL;

	od_buf_init(&names, OD_BUF_UNLIMITED);
	for (size_t i = 0; i < t->n_fields; i++)
		if (t->fields[i].required && !cJSON_GetObjectItemCaseSensitive(obj, t->fields[i].name) &&
		    od_buf_addf(&names, "%s%s", names.len ? ", " : "", t->fields[i].name))
			err = od_error_nomem();
	if (!err && names.len)
		err = od_error_new(OD_ERR_INPUT, _("template \"%s\" needs a value for %s"), t->name, od_buf_str(&names));
	od_buf_done(&names);
	return err;
}

struct od_error *
od_meta_template_fill(const struct od_template *t, const char *const *values, size_t n, cJSON **out)
{
	cJSON *obj = cJSON_CreateObject(), *v;
	struct od_error *err = NULL;

	*out = NULL;
	if (!obj)
		return od_error_nomem();
	for (size_t i = 0; i < t->n_fields && !err; i++)
		if ((err = od_meta_template_value(&t->fields[i], t->fields[i].fallback, &v)) == NULL && v)
			cJSON_AddItemToObject(obj, t->fields[i].name, v);
	for (size_t i = 0; i < n && !err; i++) {
		const char *eq = strchr(values[i], '=');
		const struct od_template_field *f = eq ? template_field(t, values[i], (size_t)(eq - values[i])) : NULL;
		if (!eq)
			err = od_error_new(OD_ERR_INPUT, _("\"%s\": write NAME=VALUE"), values[i]);
		else if (!f)
			err = od_error_new(OD_ERR_INPUT, _("template \"%s\" has no field \"%.*s\""), t->name,
					   (int)(eq - values[i]), values[i]);
		else if (!(err = od_meta_template_value(f, eq + 1, &v))) {
			cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name);
			if (v)
				cJSON_AddItemToObject(obj, f->name, v);
		}
	}
	if (!err)
		err = missing_fields(t, obj);
	if (err)
		cJSON_Delete(obj);
	else
		*out = obj;
	return err;
}

/* --- editing -------------------------------------------------------------------- */

#define RDF_SKELETON \
	"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n" \
	"         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n" \
	"  <rdf:Description rdf:about=\"\">\n" \
	"  </rdf:Description>\n" \
	"</rdf:RDF>\n"

char *
od_meta_editable(enum od_meta_kind kind, const char *text, size_t len)
{
	cJSON *doc;
	char *out;

	if (!text)
		return od_strdup(kind == OD_META_RDF ? RDF_SKELETON : "{\n}\n");
	if (kind == OD_META_RDF || !(doc = cJSON_ParseWithLength(text, len)))
		return od_strndup(text, len);	/* not ours to fix: as it is */
	out = od_json_text(doc, 2);
	cJSON_Delete(doc);
	return out;
}

bool
od_meta_same(enum od_meta_kind kind, const char *a, size_t alen, const char *b, size_t blen)
{
	cJSON *ja = NULL, *jb = NULL;
	bool same;

	if (!a || !b)
		return !a && !b;
	if (kind == OD_META_RDF)
		return alen == blen && memcmp(a, b, alen) == 0;
	ja = cJSON_ParseWithLength(a, alen);
	jb = cJSON_ParseWithLength(b, blen);
	same = ja && jb ? cJSON_Compare(ja, jb, true) : alen == blen && memcmp(a, b, alen) == 0;
	cJSON_Delete(ja);
	cJSON_Delete(jb);
	return same;
}
