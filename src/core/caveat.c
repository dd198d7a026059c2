/* SPDX-License-Identifier: GPL-3.0-or-later */
/* caveat.c: building, reading and describing token caveats. */
#include "config.h"

#include "onetui/caveat.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/str.h"

/* --- building ----------------------------------------------------------------------- */

/* "a.b.c.d", "a.b.c.d/n", or the IPv6 forms. */
static bool
valid_cidr(const char *s)
{
	const char *slash = strchr(s, '/');
	char addr[INET6_ADDRSTRLEN + 1];
	unsigned char bin[16];
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	bool v6;
	long bits;

	if (n == 0 || n >= sizeof(addr))
		return false;
	memcpy(addr, s, n);
	addr[n] = '\0';
	v6 = strchr(addr, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, bin) != 1)
		return false;
	return !slash || od_parse_long(slash + 1, 0, v6 ? 128 : 32, &bits);
}

static bool
valid_service(const char *s)
{
	static const char *const fixed[] = { "ozw-onezone", "ozp-onezone", "opw-*", "opp-*" };

	for (size_t i = 0; i < OD_ARRAY_SIZE(fixed); i++)
		if (strcmp(s, fixed[i]) == 0)
			return true;
	if (!od_str_starts(s, "opw-") && !od_str_starts(s, "opp-"))
		return false;
	for (const char *p = s + 4; *p; p++)
		if (!isalnum((unsigned char)*p))
			return false;
	return s[4] != '\0';
}

/* base64("/" + SPACE_ID[/path]) with repeated and trailing slashes
 * dropped: the canonical form the zone compares. */
static char *
encode_path(const char *path)
{
	struct od_buf canon, out;
	char *text = NULL;
	bool ok = true;

	od_buf_init(&canon, OD_BUF_UNLIMITED);
	od_buf_init(&out, OD_BUF_UNLIMITED);
	for (const char *p = path; *p && ok;) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n)
			ok = od_buf_addc(&canon, '/') == 0 && od_buf_add(&canon, p, n) == 0;
		p += n;
	}
	if (ok && canon.len && od_buf_add_base64(&out, canon.data, canon.len) == 0)
		text = od_buf_steal(&out);
	od_buf_done(&canon);
	od_buf_done(&out);
	return text;
}

static bool
add_list(cJSON *caveats, const char *type, const char *key, const char *const *values, size_t n,
	 bool encode)
{
	cJSON *c, *list;

	if (n == 0)
		return true;
	if (!(c = cJSON_CreateObject()) || !cJSON_AddItemToArray(caveats, c) ||
	    !cJSON_AddStringToObject(c, "type", type) || !(list = cJSON_AddArrayToObject(c, key)))
		return false;
	for (size_t i = 0; i < n; i++) {
		char *v = encode ? encode_path(values[i]) : NULL;
		bool ok = (!encode || v) && cJSON_AddItemToArray(list, cJSON_CreateString(encode ? v : values[i]));

		free(v);
		if (!ok)
			return false;
	}
	return true;
}

static struct od_error *
check_form(const struct od_caveat_form *f)
{
	for (size_t i = 0; i < f->n_ips; i++)
		if (!valid_cidr(f->ips[i]))
			return od_error_new(OD_ERR_INPUT, _("not an IP address or range: '%s' (use 192.0.2.7 or 192.0.2.0/24)"),
					    f->ips[i]);
	for (size_t i = 0; i < f->n_services; i++)
		if (!valid_service(f->services[i]))
			return od_error_new(OD_ERR_INPUT, _("not a service: '%s' (use ozw-onezone, opw-*, or opw-PROVIDER_ID)"),
					    f->services[i]);
	for (size_t i = 0; i < f->n_paths; i++)
		if (strspn(f->paths[i], "/") == strlen(f->paths[i]))
			return od_error_new(OD_ERR_INPUT, _("a path restriction needs a space"));
	for (size_t i = 0; i < f->n_object_ids; i++)
		if (!*f->object_ids[i])
			return od_error_new(OD_ERR_INPUT, _("an empty file id"));
	if (f->interface && strcmp(f->interface, "rest") != 0 && strcmp(f->interface, "oneclient") != 0 &&
	    strcmp(f->interface, "graphsync") != 0)
		return od_error_new(OD_ERR_INPUT, _("unknown interface '%s' (use rest or oneclient)"), f->interface);
	if (f->valid_until < 0)
		return od_error_new(OD_ERR_INPUT, _("an expiry before 1970"));
	return NULL;
}

struct od_error *
od_caveats_build(const struct od_caveat_form *f, cJSON **out)
{
	struct od_error *err = check_form(f);
	cJSON *caveats, *c;
	bool ok;

	*out = NULL;
	if (err)
		return err;
	if (!(caveats = cJSON_CreateArray()))
		return od_error_nomem();
	ok = true;
	if (f->valid_until) {
		ok = (c = cJSON_CreateObject()) && cJSON_AddItemToArray(caveats, c) &&
		     cJSON_AddStringToObject(c, "type", "time") &&
		     cJSON_AddNumberToObject(c, "validUntil", (double)f->valid_until);
	}
	if (ok && f->readonly)
		ok = (c = cJSON_CreateObject()) && cJSON_AddItemToArray(caveats, c) &&
		     cJSON_AddStringToObject(c, "type", "data.readonly");
	if (ok && f->interface)
		ok = (c = cJSON_CreateObject()) && cJSON_AddItemToArray(caveats, c) &&
		     cJSON_AddStringToObject(c, "type", "interface") &&
		     cJSON_AddStringToObject(c, "interface", f->interface);
	ok = ok && add_list(caveats, "data.path", "whitelist", f->paths, f->n_paths, true) &&
	     add_list(caveats, "data.objectid", "whitelist", f->object_ids, f->n_object_ids, false) &&
	     add_list(caveats, "ip", "whitelist", f->ips, f->n_ips, false) &&
	     add_list(caveats, "service", "whitelist", f->services, f->n_services, false);
	if (!ok) {
		cJSON_Delete(caveats);
		return od_error_nomem();
	}
	*out = caveats;
	return NULL;
}

/* --- expiry ------------------------------------------------------------------------- */

/* "YYYY-MM-DD" (the end of that day), "YYYY-MM-DDTHH:MM[:SS][Z]", UTC. */
static bool
parse_utc(const char *text, int64_t *out)
{
	int y, mo, d, h = 23, mi = 59, s = 59, used = 0;
	const char *rest = text + 10;
	struct tm tm = { 0 };

	if (!isdigit((unsigned char)text[0]) || sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 ||
	    used != 10)
		return false;
	if (*rest == 'T' || *rest == ' ') {
		s = 0;
		if (!isdigit((unsigned char)rest[1]) || sscanf(rest + 1, "%2d:%2d%n", &h, &mi, &used) != 2 || used != 5)
			return false;
		rest += 6;
		if (*rest == ':') {
			if (!isdigit((unsigned char)rest[1]) || sscanf(rest + 1, "%2d%n", &s, &used) != 1 || used != 2)
				return false;
			rest += 3;
		}
		if (*rest == 'Z')
			rest++;
	}
	if (*rest || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    s < 0 || s > 59)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	*out = (int64_t)timegm(&tm);
	return true;
}

struct od_error *
od_caveat_parse_expiry(const char *text, int64_t now, int64_t *valid_until)
{
	int64_t ms;

	/* Minutes and longer: an expiry in seconds would pass before it is used. */
	if (od_parse_duration_ms(text, true, &ms) && ms >= 60000) {
		*valid_until = now + ms / 1000;
		return NULL;
	}
	if (parse_utc(text, valid_until))
		return *valid_until > now ? NULL
					  : od_error_new(OD_ERR_INPUT, _("the expiry '%s' has already passed"), text);
	return od_error_new(OD_ERR_INPUT,
			    _("not an expiry: '%s' (use 30m, 12h, 7d, 2w, a date 2026-12-31 or 2026-12-31T18:00 UTC)"),
			    text);
}

/* --- reading ------------------------------------------------------------------------ */

static const char *
caveat_type(const cJSON *c)
{
	return od_json_get_str(c, "type");
}

int64_t
od_caveats_valid_until(const cJSON *caveats)
{
	const cJSON *c;
	int64_t best = 0, v;

	cJSON_ArrayForEach(c, caveats)
		if (od_str_eq(caveat_type(c), "time") &&
		    od_json_is_integer(cJSON_GetObjectItemCaseSensitive(c, "validUntil"), &v) && (!best || v < best))
			best = v;
	return best;
}

bool
od_caveats_have(const cJSON *caveats, const char *type)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, caveats)
		if (od_str_eq(caveat_type(c), type))
			return true;
	return false;
}

/* --- describing --------------------------------------------------------------------- */

/* "in 6 days", "in 3 hours", "in 12 minutes", "5 days ago" ... Like
 * od_buf_add, these helpers return 0 or a negative errno. */
static int
relative(struct od_buf *b, int64_t t, int64_t now)
{
	/* To the nearest minute: a token made for 2 days and described a
	 * second later is still "in 2 days", not "in 47 hours". */
	int64_t d = ((t > now ? t - now : now - t) + 30) / 60 * 60;

	if (d >= 2 * 86400)
		return od_buf_addf(b, t > now ? _("in %lld days") : _("%lld days ago"), (long long)(d / 86400));
	if (d >= 2 * 3600)
		return od_buf_addf(b, t > now ? _("in %lld hours") : _("%lld hours ago"), (long long)(d / 3600));
	return od_buf_addf(b, t > now ? _("in %lld minutes") : _("%lld minutes ago"), (long long)(d / 60));
}

typedef int show_fn(struct od_buf *b, const char *value, const struct od_caveat_names *names);

/* The items of a caveat's list joined with ", ", each through show
 * (NULL: as sent). */
static int
join(struct od_buf *b, const cJSON *list, show_fn *show, const struct od_caveat_names *names)
{
	const cJSON *v;
	int rc = 0;

	cJSON_ArrayForEach(v, list) {
		if (v != list->child)
			rc |= od_buf_adds(b, ", ");
		if (cJSON_IsString(v))
			rc |= show ? show(b, v->valuestring, names) : od_buf_adds(b, v->valuestring);
		else if (cJSON_IsNumber(v))
			rc |= od_buf_addf(b, "%.0f", v->valuedouble);
		else
			rc |= od_buf_adds(b, "?");
	}
	return rc;
}

/* A data.path entry: /<space name>/dir when the name is known. */
static int
show_path(struct od_buf *b, const char *encoded, const struct od_caveat_names *names)
{
	struct od_buf path;
	const char *p, *name = NULL;
	char *id;
	size_t n;
	int rc;

	od_buf_init(&path, 4096);
	if (od_buf_add_unbase64(&path, encoded) != 0 || path.len == 0 || path.data[0] != '/' ||
	    memchr(path.data, '\0', path.len)) {
		od_buf_done(&path);
		return od_buf_addf(b, _("(undecodable path %s)"), encoded);
	}
	p = path.data + 1;
	n = strcspn(p, "/");
	id = names && names->space ? od_strndup(p, n) : NULL;
	name = id ? names->space(id, names->ud) : NULL;
	rc = name ? od_buf_addf(b, "/%s%s", name, p + n) : od_buf_adds(b, path.data);
	free(id);
	od_buf_done(&path);
	return rc;
}

static int
show_service(struct od_buf *b, const char *s, const struct od_caveat_names *names)
{
	const char *name;

	if (strcmp(s, "ozw-onezone") == 0)
		return od_buf_adds(b, _("Onezone"));
	if (strcmp(s, "ozp-onezone") == 0)
		return od_buf_adds(b, _("Onezone's panel"));
	if (strcmp(s, "opw-*") == 0)
		return od_buf_adds(b, _("any Oneprovider"));
	if (strcmp(s, "opp-*") == 0)
		return od_buf_adds(b, _("any Oneprovider's panel"));
	if (od_str_starts(s, "opw-") && names && names->provider && (name = names->provider(s + 4, names->ud)))
		return od_buf_addf(b, _("Oneprovider %s"), name);
	return od_buf_adds(b, s);
}

/* A caveat whose description is a lead-in and its list. */
static const struct {
	const char *type, *lead;
	const char *key;
	show_fn *show;
} listed[] = {
	{ "data.path", N_("only these paths and what is below them: "), "whitelist", show_path },
	{ "data.objectid", N_("only these files or directories (and what is below them), by id: "), "whitelist", NULL },
	{ "ip", N_("only from these addresses: "), "whitelist", NULL },
	{ "service", N_("only at these services: "), "whitelist", show_service },
	{ "asn", N_("only from these networks (AS numbers): "), "whitelist", NULL },
	{ "consumer", N_("only when presented by: "), "whitelist", NULL },
	{ "api", N_("only these API operations: "), "whitelist", NULL },
};

static int
describe_geo(struct od_buf *b, const cJSON *caveat, bool country)
{
	bool black = od_str_eq(od_json_get_str(caveat, "filter"), "blacklist");
	const char *lead = country ? (black ? _("not from these countries: ") : _("only from these countries: "))
				   : (black ? _("not from these regions: ") : _("only from these regions: "));

	return od_buf_adds(b, lead) | join(b, cJSON_GetObjectItemCaseSensitive(caveat, "list"), NULL, NULL);
}

static int
describe_interface(struct od_buf *b, const char *iface)
{
	if (strcmp(iface, "oneclient") == 0)
		return od_buf_adds(b, _("only through Oneclient (not the REST API, not the web interface)"));
	if (strcmp(iface, "rest") == 0)
		return od_buf_adds(b, _("only through the REST API (not Oneclient, not the web interface)"));
	return od_buf_addf(b, _("only through the interface '%s'"), iface);
}

char *
od_caveat_describe(const cJSON *caveat, const struct od_caveat_names *names, int64_t now)
{
	const char *type = caveat_type(caveat), *iface = od_json_get_str(caveat, "interface");
	char when[OD_TIME_BUFSZ];
	struct od_buf b;
	int64_t t;
	size_t i = 0;
	int rc;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	while (type && i < OD_ARRAY_SIZE(listed) && strcmp(type, listed[i].type) != 0)
		i++;
	if (type && i < OD_ARRAY_SIZE(listed))
		rc = od_buf_adds(&b, _(listed[i].lead)) |
		     join(&b, cJSON_GetObjectItemCaseSensitive(caveat, listed[i].key), listed[i].show, names);
	else if (!type)
		rc = od_buf_adds(&b, _("a restriction of no known kind"));
	else if (strcmp(type, "time") == 0 &&
		 od_json_is_integer(cJSON_GetObjectItemCaseSensitive(caveat, "validUntil"), &t))
		rc = od_buf_addf(&b, t > now ? _("valid until %s (") : _("expired at %s ("), od_time_iso(t, when)) |
		     relative(&b, t, now) | od_buf_addc(&b, ')');
	else if (strcmp(type, "data.readonly") == 0)
		rc = od_buf_adds(&b, _("read-only: data can be read, not changed"));
	else if (strcmp(type, "interface") == 0 && iface)
		rc = describe_interface(&b, iface);
	else if (strcmp(type, "geo.country") == 0 || strcmp(type, "geo.region") == 0)
		rc = describe_geo(&b, caveat, strcmp(type, "geo.country") == 0);
	else
		rc = od_buf_addf(&b, _("a restriction onetui does not know: '%s'"), type);
	if (rc) {
		od_buf_done(&b);
		return NULL;
	}
	return od_buf_steal(&b);
}

/* --- risks -------------------------------------------------------------------------- */

unsigned
od_token_risks(const cJSON *caveats, bool invite, bool unlimited, int64_t now)
{
	int64_t until = od_caveats_valid_until(caveats);
	unsigned risks = 0;

	if (cJSON_GetArraySize(caveats) == 0 && !invite)
		risks |= OD_RISK_NO_CAVEATS;
	if (!until)
		risks |= OD_RISK_NO_EXPIRY;
	else if (until <= now)
		risks |= OD_RISK_EXPIRED;
	if (od_caveats_have(caveats, "ip"))
		risks |= OD_RISK_IP_PROXY;
	if (invite && unlimited)
		risks |= OD_RISK_UNLIMITED;
	return risks;
}

const char *
od_token_risk_text(unsigned risk)
{
	switch (risk) {
	case OD_RISK_NO_CAVEATS:
		return _("it has no restrictions at all: whoever holds it acts as you, everywhere, until it is revoked");
	case OD_RISK_NO_EXPIRY:
		return _("it never expires: revoke it when it is no longer needed");
	case OD_RISK_EXPIRED:
		return _("it has expired: it will be refused");
	case OD_RISK_IP_PROXY:
		return _("an IP restriction: when a provider proxies a request to another provider, the request comes "
			 "from the first provider's address, which must then be allowed too");
	case OD_RISK_UNLIMITED:
		return _("an invitation without a usage limit: anyone who gets a copy can join");
	}
	return "";
}
