/* SPDX-License-Identifier: GPL-3.0-or-later */
/* url.c: percent-encoding and origin handling. */
#include "config.h"

#include "onetui/url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/i18n.h"
#include "onetui/str.h"

/* RFC 3986 unreserved characters, in ASCII whatever the locale. */
static bool
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '.' || c == '_' || c == '~';
}

static void
ascii_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static int
escape_n(struct od_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c)) {
			rc = od_buf_addc(out, (char)c);
		} else {
			char enc[3] = { '%', hex[c >> 4], hex[c & 15] };
			rc = od_buf_add(out, enc, 3);
		}
	}
	return rc;
}

int
od_url_escape(struct od_buf *out, const char *s)
{
	return escape_n(out, s, strlen(s));
}

int
od_url_escape_path(struct od_buf *out, const char *path)
{
	bool first = true;
	int rc = 0;

	while (rc == 0 && *path) {
		size_t n = strcspn(path, "/");
		if (n > 0) {
			if (!first)
				rc = od_buf_addc(out, '/');
			if (rc == 0)
				rc = escape_n(out, path, n);
			first = false;
		}
		path += n;
		if (*path == '/')
			path++;
	}
	return rc;
}

bool
od_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char buf[64];
	size_t n;

	if (!host)
		return false;
	if (od_str_ieq(host, "localhost"))
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	/* IPv6 literals may come with brackets. */
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(buf)) {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		host = buf;
	}
	return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

struct od_error *
od_url_origin(const char *url, char **scheme, char **host, int *port)
{
	CURLU *u = curl_url();
	char *s = NULL, *h = NULL, *p = NULL;
	struct od_error *err = NULL;
	long portnum;

	*scheme = *host = NULL;
	if (!u)
		return od_error_nomem();
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) != CURLUE_OK ||
	    !od_parse_long(p, 1, 65535, &portnum)) {
		err = od_error_new(OD_ERR_INPUT, _("\"%s\" is not a valid URL"), url);
		goto out;
	}
	ascii_lower(s);
	ascii_lower(h);
	*scheme = od_strdup(s);
	*host = od_strdup(h);
	*port = (int)portnum;
	if (!*scheme || !*host) {
		free(*scheme);
		free(*host);
		*scheme = *host = NULL;
		err = od_error_nomem();
	}
out:
	curl_free(s);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
	return err;
}

/* Parse candidate (an absolute URL) and accept it only when it is a bare
 * origin: no user info, no path beyond "/", no query or fragment. */
static struct od_error *
bare_origin(const char *candidate, const char *shown, char **out)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *extra = NULL;
	struct od_error *err = NULL;

	*out = NULL;
	if (!u)
		return od_error_nomem();
	if (curl_url_set(u, CURLUPART_URL, candidate, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		err = od_error_new(OD_ERR_INPUT, _("\"%s\" is not a valid host or URL"), shown);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &extra, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_QUERY, &extra, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &extra, 0) == CURLUE_OK ||
	    (curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && strcmp(path, "/") != 0)) {
		err = od_error_new(OD_ERR_INPUT,
				   _("\"%s\" must be just a host name, optionally with a port, not a longer URL"),
				   shown);
		goto out;
	}
	if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
		err = od_error_new(OD_ERR_INPUT, _("\"%s\" uses the scheme %s; only https is supported"),
				   shown, scheme);
		goto out;
	}
	if (strcmp(scheme, "http") == 0 && !od_host_is_loopback(host)) {
		err = od_error_new(OD_ERR_INPUT,
				   _("\"%s\" uses plain http, which would expose the token; use https "
				     "(plain http is allowed only on loopback test setups)"),
				   shown);
		goto out;
	}
	/* A host spelt with %-escapes is another host once decoded; real
	 * host names never need them (nothing else may follow the host). */
	if (strchr(candidate, '%')) {
		err = od_error_new(OD_ERR_INPUT, _("\"%s\" is not a valid host or URL"), shown);
		goto out;
	}
	ascii_lower(scheme);
	ascii_lower(host);
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	if (port && (strtol(port, NULL, 10) < 1 || strtol(port, NULL, 10) > 65535)) {
		err = od_error_new(OD_ERR_INPUT, _("\"%s\" has port %s; ports go from 1 to 65535"), shown, port);
		goto out;
	}
	*out = port ? od_asprintf("%s://%s:%s", scheme, host, port) : od_asprintf("%s://%s", scheme, host);
	if (!*out)
		err = od_error_nomem();
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(extra);
	curl_url_cleanup(u);
	return err;
}

struct od_error *
od_url_normalize_origin(const char *in, char **out)
{
	struct od_error *err;
	char *candidate;

	*out = NULL;
	if (!in || !*in)
		return od_error_new(OD_ERR_INPUT, _("no zone given"));
	if (strstr(in, "://"))
		return bare_origin(in, in, out);
	candidate = od_asprintf("https://%s", in);
	if (!candidate)
		return od_error_nomem();
	err = bare_origin(candidate, in, out);
	free(candidate);
	return err;
}

struct od_error *
od_url_provider_origin(const char *scheme, const char *domain, char **out)
{
	struct od_error *err;
	char *candidate;

	*out = NULL;
	/* The domain comes from the server: insist on host[:port] characters. */
	if (!domain || !*domain || strspn(domain, "abcdefghijklmnopqrstuvwxyz"
						  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != strlen(domain))
		return od_error_new(OD_ERR_INPUT, _("the zone reported an invalid provider domain"));
	candidate = od_asprintf("%s://%s", scheme, domain);
	if (!candidate)
		return od_error_nomem();
	err = bare_origin(candidate, domain, out);
	free(candidate);
	return err;
}
