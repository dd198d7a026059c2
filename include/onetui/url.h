/* SPDX-License-Identifier: GPL-3.0-or-later */
/* url.h: building Onedata URLs safely. File ids are opaque and names are
 * arbitrary, so every piece that goes into a URL is percent-encoded. */
#ifndef ONETUI_URL_H
#define ONETUI_URL_H

#include <stdbool.h>

#include "onetui/buf.h"
#include "onetui/compiler.h"
#include "onetui/error.h"

/* Append s percent-encoded as one path segment or query value: only
 * unreserved characters (A-Z a-z 0-9 - . _ ~) stay as they are. */
int od_url_escape(struct od_buf *out, const char *s) OD_WARN_UNUSED;
/* Append a relative path, encoding each segment and keeping the slashes
 * between them (empty segments are dropped). */
int od_url_escape_path(struct od_buf *out, const char *path) OD_WARN_UNUSED;

/* Split an absolute http(s) URL into its lower-case scheme, host and port
 * (the scheme's default when absent). Caller frees scheme and host. */
struct od_error *od_url_origin(const char *url, char **scheme, char **host, int *port) OD_WARN_UNUSED;
/* Whether host is a loopback address or "localhost". */
bool od_host_is_loopback(const char *host);

/* A zone URL as the user gave it ("zone.example.org", "host:8443",
 * "https://zone.example.org/") as a bare origin "https://host[:port]".
 * Plain http is accepted only for loopback hosts. Caller frees *out. */
struct od_error *od_url_normalize_origin(const char *in, char **out) OD_WARN_UNUSED;
/* The origin of a provider from its domain as the zone reported it
 * (a host name, optionally with :port), with the zone's scheme.
 * Anything that is not a plain host[:port] is refused. */
struct od_error *od_url_provider_origin(const char *scheme, const char *domain, char **out) OD_WARN_UNUSED;

#endif
