/* SPDX-License-Identifier: GPL-3.0-or-later */
/* engine.c: one curl multi handle, requests with completion callbacks,
 * retries with backoff, redirects that decide per hop whether the token
 * goes along. */
#include "config.h"

#include "onetui/engine.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SYS_RANDOM_H
#include <sys/random.h>
#endif

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/log.h"
#include "onetui/str.h"
#include "onetui/url.h"

#include "engine-int.h"

#define DEFAULT_MAX_BODY (64u << 20)
#define MAX_REDIRECTS 5
/* Below this rate for low_speed_time_s, a transfer counts as stalled. */
#define STALL_BYTES_PER_S 512
/* Easy handles kept for reuse: a new one per request costs more than the
 * request itself when thousands of small files go over loopback. */
#define SPARE_EASY 32
/* Idle connections kept open. libcurl's default, four per transfer in
 * progress, shrinks whenever few are: between two small files it closed
 * connections that the next ones then opened again, a TLS handshake each
 * (30 of them for 10,000 files with -j 16). */
#define KEPT_CONNECTIONS 64
/* libcurl's receive buffer for streamed content (its default: 16 KiB):
 * fewer, larger writes to the file. */
#define SINK_BUFFER (256L << 10)

enum req_state {
	REQ_NEW,	/* created, not submitted */
	REQ_RUNNING,	/* in the multi handle */
	REQ_WAITING,	/* waiting for its retry time */
	REQ_FINISHED,	/* result known, callback not yet run */
};

struct od_req {
	struct od_engine *e;
	struct od_req *prev, *next;	/* engine's list of submitted requests */
	struct od_req *qnext;		/* retry list or finished queue */
	enum req_state state;
	enum od_method method;
	char *url;
	char *content_type;
	char *body;
	size_t body_len;
	bool has_body;
	bool auth;
	bool idempotent;
	bool failover;
	bool too_big;
	size_t max_body;

	/* Streamed content (see od_req_set_sink/source). */
	od_sink_fn *sink;
	void *sink_ud;
	bool has_range;
	bool range_checked;	/* this attempt's reply was found to be the range asked for */
	uint64_t range_start, range_end;
	uint64_t delivered;
	od_source_fn *source;
	od_rewind_fn *rewind;
	void *source_ud;
	uint64_t source_len, sent;
	struct od_error *stream_err;	/* why the sink or source stopped the request */
	uint64_t max_speed;

	CURL *easy;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
	struct od_buf resp;
	int status;
	char *h_location, *h_retry_after, *h_content_type, *h_content_range;
	int attempts;
	int redirects;
	long long due_ms;
	long long started_ms;
	struct od_error *result;

	od_req_done_fn *done;
	void *ud;
};

struct od_engine {
	CURLM *multi;
	char *ca_file;
	char *user_agent;
	long connect_timeout_ms;
	long low_speed_time_s;
	int max_retries;
	long retry_base_ms;
	long retry_max_ms;
	long max_retry_after_s;

	char *token;
	char **trusted;		/* origins the token may go to */
	size_t n_trusted;

	struct od_req *live;		/* submitted, callback not yet run */
	struct od_req *waiting;		/* sorted by due_ms */
	struct od_req *fin_head, *fin_tail;
	size_t pending;
	bool delivering;
	uint64_t rng;

	CURL *spare[SPARE_EASY];
	unsigned n_spare;

	struct od_notice *notices;
	atomic_bool noticed;		/* some notice was posted */
};

struct od_notice {
	struct od_engine *e;
	struct od_notice *prev, *next;
	od_notice_fn *fn;
	void *ud;
	atomic_bool posted;
};

static int curl_users;

long long
od_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t
next_random(struct od_engine *e)
{
	/* xorshift64*: plenty for spreading retries apart. */
	e->rng ^= e->rng >> 12;
	e->rng ^= e->rng << 25;
	e->rng ^= e->rng >> 27;
	return e->rng * 0x2545F4914F6CDD1DULL;
}

static void
seed_random(struct od_engine *e)
{
	uint64_t seed = 0;

#ifdef HAVE_GETRANDOM
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
		seed = 0;
#endif
	if (!seed)
		seed = (uint64_t)od_now_ms() ^ ((uint64_t)getpid() << 32);
	e->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
}

struct od_error *
od_engine_new(const struct od_engine_opts *opts, struct od_engine **out)
{
	static const struct od_engine_opts defaults = { .max_retries = -1 };
	struct od_engine *e;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (curl_users++ == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		curl_users--;
		return od_error_new(OD_ERR_INTERNAL, _("cannot initialise libcurl"));
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		goto nomem;
	e->multi = curl_multi_init();
	e->ca_file = od_strdup(opts->ca_file);
	e->user_agent = opts->user_agent ? od_strdup(opts->user_agent) : od_strdup(PACKAGE_NAME "/" PACKAGE_VERSION);
	if (!e->multi || (opts->ca_file && !e->ca_file) || !e->user_agent)
		goto nomem;
	e->connect_timeout_ms = opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 10000;
	e->low_speed_time_s = opts->low_speed_time_s > 0 ? opts->low_speed_time_s : 30;
	e->max_retries = opts->max_retries >= 0 ? opts->max_retries : 4;
	e->retry_base_ms = opts->retry_base_ms > 0 ? opts->retry_base_ms : 500;
	e->retry_max_ms = opts->retry_max_ms > 0 ? opts->retry_max_ms : 30000;
	e->max_retry_after_s = opts->max_retry_after_s > 0 ? opts->max_retry_after_s : 300;
	curl_multi_setopt(e->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
			  opts->max_host_connections > 0 ? opts->max_host_connections : 8L);
	curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)KEPT_CONNECTIONS);
	seed_random(e);
	*out = e;
	return NULL;
nomem:
	od_engine_free(e);
	return od_error_nomem();
}

/* A handle for a new request: a spare one, reset, or a new one. */
static CURL *
take_easy(struct od_engine *e)
{
	if (e->n_spare)
		return e->spare[--e->n_spare];
	return curl_easy_init();
}

static void
give_back_easy(struct od_engine *e, CURL *c)
{
	if (e->n_spare < SPARE_EASY) {
		curl_easy_reset(c);
		e->spare[e->n_spare++] = c;
	} else {
		curl_easy_cleanup(c);
	}
}

/* Free the request body, wiped first: some carry a token (examine,
 * confine, consume). */
static void
drop_body(struct od_req *req)
{
	/* A volatile pointer keeps the compiler from dropping the stores. */
	for (volatile char *p = req->body; p && p < req->body + req->body_len; p++)
		*p = '\0';
	free(req->body);
}

static void
free_req(struct od_req *req)
{
	if (req->easy)
		give_back_easy(req->e, req->easy);
	if (req->headers) {
		/* The token travelled in one of these lines. */
		for (struct curl_slist *h = req->headers; h; h = h->next)
			memset(h->data, 0, strlen(h->data));
		curl_slist_free_all(req->headers);
	}
	od_buf_done(&req->resp);
	free(req->url);
	free(req->content_type);
	drop_body(req);
	free(req->h_location);
	free(req->h_retry_after);
	free(req->h_content_type);
	free(req->h_content_range);
	od_error_free(req->result);
	od_error_free(req->stream_err);
	free(req);
}

void
od_engine_free(struct od_engine *e)
{
	if (!e)
		return;
	od_engine_cancel_all(e);
	while (e->n_spare)
		curl_easy_cleanup(e->spare[--e->n_spare]);
	if (e->multi)
		curl_multi_cleanup(e->multi);
	od_str_wipe_free(e->token);
	for (size_t i = 0; i < e->n_trusted; i++)
		free(e->trusted[i]);
	free(e->trusted);
	free(e->ca_file);
	free(e->user_agent);
	free(e);
	if (--curl_users == 0)
		curl_global_cleanup();
}

int
od_engine_set_token(struct od_engine *e, const char *token)
{
	char *copy = NULL;

	if (token && !(copy = strdup(token)))
		return -ENOMEM;
	od_str_wipe_free(e->token);
	e->token = copy;
	return 0;
}

/* "scheme://host:port" with the port always spelled out, so that
 * https://h and https://h:443 compare equal. */
static char *
canonical_origin(const char *url)
{
	char *scheme, *host, *origin;
	int port;
	struct od_error *err = od_url_origin(url, &scheme, &host, &port);

	if (err) {
		od_error_free(err);
		return NULL;
	}
	origin = od_asprintf("%s://%s:%d", scheme, host, port);
	free(scheme);
	free(host);
	return origin;
}

int
od_engine_trust_origin(struct od_engine *e, const char *origin)
{
	char *canon = canonical_origin(origin);
	char **v;

	if (!canon)
		return -EINVAL;
	for (size_t i = 0; i < e->n_trusted; i++) {
		if (strcmp(e->trusted[i], canon) == 0) {
			free(canon);
			return 0;
		}
	}
	v = realloc(e->trusted, (e->n_trusted + 1) * sizeof(*v));
	if (!v) {
		free(canon);
		return -ENOMEM;
	}
	e->trusted = v;
	e->trusted[e->n_trusted++] = canon;
	od_log(OD_LOG_DEBUG, "token may be sent to %s", canon);
	return 0;
}

bool
od_engine_trusts(const struct od_engine *e, const char *url)
{
	char *canon = canonical_origin(url);
	bool ok = false;

	if (!canon)
		return false;
	for (size_t i = 0; i < e->n_trusted && !ok; i++)
		ok = strcmp(e->trusted[i], canon) == 0;
	/* Never over plain http to anything but loopback, trusted or not. */
	if (ok && od_str_starts(canon, "http://")) {
		char *scheme, *host;
		int port;
		struct od_error *err = od_url_origin(url, &scheme, &host, &port);
		ok = !err && od_host_is_loopback(host);
		if (!err) {
			free(scheme);
			free(host);
		}
		od_error_free(err);
	}
	free(canon);
	return ok;
}

size_t
od_engine_pending(const struct od_engine *e)
{
	return e->pending;
}

/* --- request set-up ------------------------------------------------------ */

struct od_req *
od_req_new(struct od_engine *e, enum od_method method, const char *url)
{
	struct od_req *req = calloc(1, sizeof(*req));

	if (!req)
		return NULL;
	req->e = e;
	req->method = method;
	req->url = strdup(url);
	if (!req->url) {
		free(req);
		return NULL;
	}
	req->idempotent = method != OD_POST && method != OD_PATCH;
	req->max_body = DEFAULT_MAX_BODY;
	od_buf_init(&req->resp, req->max_body);
	return req;
}

void
od_req_auth(struct od_req *req)
{
	req->auth = true;
}

void
od_req_set_retry(struct od_req *req, bool idempotent)
{
	req->idempotent = idempotent;
}

void
od_req_set_failover(struct od_req *req)
{
	req->failover = true;
}

const char *
od_engine_token(const struct od_engine *e)
{
	return e->token;
}

void
od_op_cancel(struct od_op *op)
{
	if (!op || op->cancelled)
		return;
	op->cancelled = true;
	if (op->req)
		od_req_cancel(op->req);
	if (op->sub)
		od_op_cancel(op->sub);
}

int
od_req_set_body(struct od_req *req, const char *content_type, const void *data, size_t len)
{
	char *ct = NULL, *body = malloc(len ? len : 1);

	if (!body || (content_type && !(ct = strdup(content_type)))) {
		free(body);
		return -ENOMEM;
	}
	if (len)
		memcpy(body, data, len);
	drop_body(req);
	free(req->content_type);
	req->body = body;
	req->body_len = len;
	req->content_type = ct;
	req->has_body = true;
	return 0;
}

void
od_req_set_max_body(struct od_req *req, size_t max)
{
	req->max_body = max;
	req->resp.max = max;
}

void
od_req_set_sink(struct od_req *req, od_sink_fn *fn, void *ud)
{
	req->sink = fn;
	req->sink_ud = ud;
}

void
od_req_set_range(struct od_req *req, uint64_t start, uint64_t end)
{
	req->has_range = start > 0 || end > 0;
	req->range_start = start;
	req->range_end = end;
}

uint64_t
od_req_delivered(const struct od_req *req)
{
	return req->delivered;
}

int
od_req_set_source(struct od_req *req, const char *content_type, uint64_t len, od_source_fn *fn,
		  od_rewind_fn *rewind, void *ud)
{
	char *ct = content_type ? strdup(content_type) : NULL;

	if (content_type && !ct)
		return -ENOMEM;
	free(req->content_type);
	drop_body(req);
	req->body = NULL;
	req->has_body = false;
	req->content_type = ct;
	req->source = fn;
	req->rewind = rewind;
	req->source_ud = ud;
	req->source_len = len;
	return 0;
}

void
od_req_set_max_speed(struct od_req *req, uint64_t bytes_per_s)
{
	req->max_speed = bytes_per_s;
}

int
od_req_status(const struct od_req *req)
{
	return req->status;
}

const char *
od_req_body(const struct od_req *req, size_t *len)
{
	if (len)
		*len = req->resp.len;
	return od_buf_str(&req->resp);
}

const char *
od_req_url(const struct od_req *req)
{
	return req->url;
}

int
od_req_attempts(const struct od_req *req)
{
	return req->attempts;
}

struct od_error *
od_req_json(const struct od_req *req, const char *what, cJSON **out)
{
	return od_json_parse_object(req->resp.data, req->resp.len, what, out);
}

const char *
od_req_header(const struct od_req *req, const char *name)
{
	if (od_str_ieq(name, "location"))
		return req->h_location;
	if (od_str_ieq(name, "retry-after"))
		return req->h_retry_after;
	if (od_str_ieq(name, "content-type"))
		return req->h_content_type;
	if (od_str_ieq(name, "content-range"))
		return req->h_content_range;
	return NULL;
}

static const char *
method_name(enum od_method m)
{
	switch (m) {
	case OD_GET: return "GET";
	case OD_HEAD: return "HEAD";
	case OD_POST: return "POST";
	case OD_PUT: return "PUT";
	case OD_PATCH: return "PATCH";
	case OD_DELETE: return "DELETE";
	}
	return "GET";
}

/* The host[:port] of a URL, for messages. */
static char *
url_host(const char *url)
{
	char *scheme, *host, *s;
	int port;
	struct od_error *err = od_url_origin(url, &scheme, &host, &port);

	if (err) {
		od_error_free(err);
		return od_strdup("?");
	}
	s = od_asprintf("%s:%d", host, port);
	free(scheme);
	free(host);
	return s;
}

/* Whether this attempt's 2xx reply carries exactly the bytes asked for;
 * sets req->stream_err when it does not. */
static bool
reply_is_range(struct od_req *req, long status)
{
	uint64_t from = req->range_start + req->delivered;
	unsigned long long a, b;
	char *host;

	if (!req->has_range && req->delivered == 0)
		return true;
	if (status == 206 && req->h_content_range &&
	    sscanf(req->h_content_range, "bytes %llu-%llu/", &a, &b) == 2 && a == from &&
	    (!req->range_end || b + 1 <= req->range_end))
		return true;
	host = url_host(req->url);
	req->stream_err = od_error_new(OD_ERR_INPUT,
				       _("%s did not send the part of the file asked for (bytes from %llu; "
					 "status %ld, Content-Range \"%s\")"),
				       host ? host : "?", (unsigned long long)from, status,
				       req->h_content_range ? req->h_content_range : "");
	free(host);
	return false;
}

static size_t
sink_body(struct od_req *req, char *data, size_t n)
{
	long status = 0;
	struct od_error *err;

	curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status >= 300)
		return od_buf_add(&req->resp, data, n) == 0 ? n : 0;
	if (!req->range_checked) {
		if (!reply_is_range(req, status))
			return 0;
		req->range_checked = true;
	}
	if (req->range_end && req->range_start + req->delivered + n > req->range_end) {
		req->stream_err = od_error_new(OD_ERR_INPUT, _("the server sent more bytes than asked for"));
		return 0;
	}
	if ((err = req->sink(data, n, req->sink_ud))) {
		req->stream_err = err;
		return 0;
	}
	req->delivered += n;
	return n;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct od_req *req = ud;
	size_t n = size * nmemb;

	if (req->sink)
		return sink_body(req, data, n);
	if (od_buf_add(&req->resp, data, n) != 0) {
		req->too_big = true;
		return 0;	/* makes curl stop with CURLE_WRITE_ERROR */
	}
	return n;
}

static size_t
on_read(char *buf, size_t size, size_t nitems, void *ud)
{
	struct od_req *req = ud;
	struct od_error *err = NULL;
	size_t n = req->source(buf, size * nitems, &err, req->source_ud);

	if (err) {
		od_error_free(req->stream_err);
		req->stream_err = err;
		return CURL_READFUNC_ABORT;
	}
	req->sent += n;
	return n;
}

static void
keep_header(char **slot, const char *value, size_t len)
{
	free(*slot);
	*slot = od_strndup(value, len);
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	static const char *const names[] = { "location", "retry-after", "content-type", "content-range" };
	struct od_req *req = ud;
	size_t n = size * nmemb, namelen;
	const char *colon, *v, *end;
	char **slots[] = { &req->h_location, &req->h_retry_after, &req->h_content_type,
			   &req->h_content_range };

	/* A new status line (after a 100 Continue, say) starts a new set. */
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		for (size_t i = 0; i < OD_ARRAY_SIZE(slots); i++) {
			free(*slots[i]);
			*slots[i] = NULL;
		}
		return n;
	}
	colon = memchr(data, ':', n);
	if (!colon)
		return n;
	namelen = (size_t)(colon - data);
	v = colon + 1;
	end = data + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	for (size_t i = 0; i < OD_ARRAY_SIZE(names); i++)
		if (namelen == strlen(names[i]) && strncasecmp(data, names[i], namelen) == 0)
			keep_header(slots[i], v, (size_t)(end - v));
	return n;
}

static CURL *
new_easy(struct od_req *req)
{
	struct od_engine *e = req->e;
	CURL *c = take_easy(e);

	if (!c)
		return NULL;
	curl_easy_setopt(c, CURLOPT_PRIVATE, req);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, req->errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, req);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, req);
	curl_easy_setopt(c, CURLOPT_USERAGENT, e->user_agent);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, e->connect_timeout_ms);
	/* A trickle is a stall too. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, (long)STALL_BYTES_PER_S);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, e->low_speed_time_s);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(c, CURLOPT_PIPEWAIT, 1L);
	/* Content is stored as it is; byte ranges of an encoded body would
	 * not be ranges of the file. */
	if (!req->sink && !req->source)
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	if (req->sink)
		curl_easy_setopt(c, CURLOPT_BUFFERSIZE, SINK_BUFFER);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	if (e->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, e->ca_file);
	return c;
}

/* Options that depend on the URL and method of this attempt. */
static int
setup_attempt(struct od_req *req)
{
	struct od_engine *e = req->e;
	struct curl_slist *h = NULL, *t;
	CURL *c = req->easy;
	char *line;

	if (req->headers) {
		for (struct curl_slist *p = req->headers; p; p = p->next)
			memset(p->data, 0, strlen(p->data));
		curl_slist_free_all(req->headers);
		req->headers = NULL;
	}
	/* Never let curl wait for a 100 Continue. */
	if (!(t = curl_slist_append(h, "Expect:")))
		goto nomem;
	h = t;
	if (req->has_body || req->source) {
		line = od_asprintf("Content-Type:%s%s", req->content_type ? " " : "",
				   req->content_type ? req->content_type : "");
		if (!line)
			goto nomem;
		t = curl_slist_append(h, line);
		free(line);
		if (!t)
			goto nomem;
		h = t;
	}
	if (req->auth && e->token && od_engine_trusts(e, req->url)) {
		line = od_asprintf("X-Auth-Token: %s", e->token);
		if (!line)
			goto nomem;
		t = curl_slist_append(h, line);
		memset(line, 0, strlen(line));
		free(line);
		if (!t)
			goto nomem;
		h = t;
	}
	req->headers = h;

	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 0L);
	curl_easy_setopt(c, CURLOPT_RANGE, NULL);
	if (req->has_range || req->delivered) {
		char range[64];
		uint64_t from = req->range_start + req->delivered;
		if (req->range_end)
			snprintf(range, sizeof(range), "%llu-%llu", (unsigned long long)from,
				 (unsigned long long)req->range_end - 1);
		else
			snprintf(range, sizeof(range), "%llu-", (unsigned long long)from);
		curl_easy_setopt(c, CURLOPT_RANGE, range);	/* curl copies it */
	}
	curl_easy_setopt(c, CURLOPT_MAX_RECV_SPEED_LARGE, (curl_off_t)req->max_speed);
	curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)req->max_speed);
	if (req->source) {
		req->sent = 0;
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, req);
		if (req->method == OD_POST) {
			curl_easy_setopt(c, CURLOPT_POST, 1L);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->source_len);
		} else {
			curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
			curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->source_len);
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method_name(req->method));
		}
	} else if (req->method == OD_HEAD) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (req->method != OD_GET || req->has_body) {
		if (req->has_body || req->method != OD_DELETE) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->has_body ? req->body : "");
		}
		if (req->method != OD_POST)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method_name(req->method));
	}
	od_buf_reset(&req->resp);
	req->range_checked = false;
	req->too_big = false;
	req->status = 0;
	req->errbuf[0] = '\0';
	return 0;
nomem:
	curl_slist_free_all(h);
	return -ENOMEM;
}

/* --- completion ------------------------------------------------------------ */

static void
unlink_live(struct od_req *req)
{
	struct od_engine *e = req->e;

	if (req->prev)
		req->prev->next = req->next;
	else
		e->live = req->next;
	if (req->next)
		req->next->prev = req->prev;
	req->prev = req->next = NULL;
}

static void
unlink_waiting(struct od_req *req)
{
	for (struct od_req **p = &req->e->waiting; *p; p = &(*p)->qnext) {
		if (*p == req) {
			*p = req->qnext;
			req->qnext = NULL;
			return;
		}
	}
}

/* Record the outcome; the callback runs at the next delivery. */
static void
finish(struct od_req *req, struct od_error *err)
{
	struct od_engine *e = req->e;

	req->state = REQ_FINISHED;
	od_error_free(req->result);
	req->result = err;
	req->qnext = NULL;
	if (e->fin_tail)
		e->fin_tail->qnext = req;
	else
		e->fin_head = req;
	e->fin_tail = req;
}

static void
start_attempt(struct od_req *req)
{
	if (setup_attempt(req) != 0) {
		finish(req, od_error_nomem());
		return;
	}
	req->started_ms = od_now_ms();
	if (curl_multi_add_handle(req->e->multi, req->easy) != CURLM_OK) {
		finish(req, od_error_new(OD_ERR_INTERNAL, _("cannot start a transfer")));
		return;
	}
	req->state = REQ_RUNNING;
}

static void
link_live(struct od_req *req, od_req_done_fn *done, void *ud)
{
	struct od_engine *e = req->e;

	req->done = done;
	req->ud = ud;
	req->next = e->live;
	if (e->live)
		e->live->prev = req;
	e->live = req;
	e->pending++;
}

void
od_req_fail(struct od_req *req, struct od_error *err, od_req_done_fn *done, void *ud)
{
	link_live(req, done, ud);
	finish(req, err);
}

static void collect_done(struct od_engine *e);

void
od_req_submit(struct od_req *req, od_req_done_fn *done, void *ud)
{
	int running;

	link_live(req, done, ud);
	req->easy = new_easy(req);
	if (!req->easy) {
		finish(req, od_error_nomem());
		return;
	}
	start_attempt(req);
	/* Send it now rather than at the next perform: a caller that asks
	 * for the next page before handling this one gets the provider
	 * working meanwhile. Callers never run inside libcurl callbacks, so
	 * this is allowed. On loopback a small reply can complete inside
	 * this very call: collect it at once, or libcurl would keep it queued
	 * with nothing left to wait on, and the loop would sleep its whole
	 * timeout before the next perform read it. */
	if (req->state == REQ_RUNNING) {
		curl_multi_perform(req->e->multi, &running);
		collect_done(req->e);
	}
}

void
od_req_cancel(struct od_req *req)
{
	if (!req)
		return;
	switch (req->state) {
	case REQ_NEW:
		free_req(req);
		return;
	case REQ_RUNNING:
		curl_multi_remove_handle(req->e->multi, req->easy);
		break;
	case REQ_WAITING:
		unlink_waiting(req);
		break;
	case REQ_FINISHED:
		/* Still queued: the caller no longer wants the result. */
		od_error_free(req->result);
		req->result = od_error_new(OD_ERR_CANCELLED, _("cancelled"));
		return;
	}
	finish(req, od_error_new(OD_ERR_CANCELLED, _("cancelled")));
}

void
od_engine_cancel_all(struct od_engine *e)
{
	for (struct od_req *r = e->live; r; r = r->next)
		if (r->state != REQ_FINISHED)
			od_req_cancel(r);
	od_engine_perform(e);
}

static struct od_error *
transport_error(struct od_req *req, CURLcode rc)
{
	const char *detail = req->errbuf[0] ? req->errbuf : curl_easy_strerror(rc);
	char *host = url_host(req->url);
	const char *h = host ? host : "?";
	struct od_error *err;

	switch (rc) {
	case CURLE_WRITE_ERROR:
		if (req->too_big) {
			err = od_error_new(OD_ERR_INPUT, _("the reply from %s is larger than the %zu MiB accepted"),
					   h, req->max_body >> 20);
			break;
		}
		/* fall through */
	default:
		err = od_error_new(OD_ERR_NETWORK, _("the transfer from %s failed: %s"), h, detail);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		err = od_error_new(OD_ERR_NETWORK, _("cannot connect to %s: %s"), h, detail);
		err->retryable = true;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		err = od_error_new(OD_ERR_NETWORK, _("%s did not answer in time: %s"), h, detail);
		err->retryable = true;
		break;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		err = od_error_new(OD_ERR_NETWORK, _("the connection to %s broke: %s"), h, detail);
		err->retryable = true;
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		err = od_error_new(OD_ERR_TLS,
				   _("the TLS connection to %s is not trusted: %s (if the service uses a "
				     "private certificate authority, pass its certificate with --cacert)"),
				   h, detail);
		break;
	case CURLE_SSL_CACERT_BADFILE:
		err = od_error_new(OD_ERR_TLS, _("cannot use the CA certificate file: %s"), detail);
		break;
	}
	free(host);
	return err;
}

static bool
is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Point req at its redirect target. false when the Location is unusable. */
static bool
follow_redirect(struct od_req *req)
{
	CURLU *u = curl_url();
	char *next = NULL;
	bool ok = false;

	if (!u)
		return false;
	if (curl_url_set(u, CURLUPART_URL, req->url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, req->h_location, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &next, 0) == CURLUE_OK &&
	    (od_str_starts(next, "https://") || od_str_starts(next, "http://"))) {
		char *copy = strdup(next);
		if (copy) {
			od_log(OD_LOG_DEBUG, "%s %s redirected (%d) to %s%s", method_name(req->method),
			       req->url, req->status, copy,
			       req->auth && !od_engine_trusts(req->e, copy) ? " (token not sent there)" : "");
			free(req->url);
			req->url = copy;
			ok = true;
		}
	}
	curl_free(next);
	curl_url_cleanup(u);
	/* As browsers and curl do: 303, and 301/302 after a POST, become GET. */
	if (ok && (req->status == 303 || (req->method == OD_POST && req->status != 307 && req->status != 308))) {
		req->method = OD_GET;
		req->has_body = false;
		req->source = NULL;
	}
	return ok;
}

/* Seconds from a Retry-After value (delta seconds or an HTTP date). */
static int
parse_retry_after(const char *v)
{
	long secs;
	time_t when;

	if (!v)
		return -1;
	if (od_parse_long(v, 0, 86400 * 365, &secs))
		return (int)secs;
	when = curl_getdate(v, NULL);
	if (when == -1)
		return -1;
	secs = (long)(when - time(NULL));
	return secs < 0 ? 0 : (int)secs;
}

/* Schedule another attempt if the failure allows it; false otherwise. */
static bool
schedule_retry(struct od_req *req, struct od_error *err, CURLcode rc)
{
	struct od_engine *e = req->e;
	bool never_sent = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST;
	long long delay;

	if (!err->retryable || req->attempts > e->max_retries)
		return false;
	if (never_sent && req->failover)
		return false;
	if (!req->idempotent && !never_sent && req->status != 429)
		return false;
	if (req->source && req->sent && !req->rewind)
		return false;
	if (err->retry_after >= 0) {
		if (err->retry_after > e->max_retry_after_s)
			return false;
		delay = (long long)err->retry_after * 1000;
	} else {
		long long step = e->retry_base_ms;
		for (int i = 1; i < req->attempts && step < e->retry_max_ms; i++)
			step *= 2;
		if (step > e->retry_max_ms)
			step = e->retry_max_ms;
		/* Half fixed, half random, so many clients do not retry in step. */
		delay = step / 2 + (long long)(next_random(e) % (uint64_t)(step / 2 + 1));
	}
	od_log(OD_LOG_INFO, "retrying %s %s in %.1f s (attempt %d of %d): %s", method_name(req->method),
	       req->url, (double)delay / 1000.0, req->attempts + 1, e->max_retries + 1, err->message);
	req->due_ms = od_now_ms() + delay;
	req->state = REQ_WAITING;
	{
		struct od_req **p = &e->waiting;
		while (*p && (*p)->due_ms <= req->due_ms)
			p = &(*p)->qnext;
		req->qnext = *p;
		*p = req;
	}
	return true;
}

/* Before a body is sent again: NULL, or why it cannot be. */
static struct od_error *
rewind_source(struct od_req *req)
{
	if (!req->source || !req->sent)
		return NULL;
	if (!req->rewind)
		return od_error_new(OD_ERR_INTERNAL, _("the upload cannot be sent again"));
	return req->rewind(req->source_ud);
}

/* A download whose every byte arrived is complete even when the
 * connection broke right after. */
static bool
range_complete(const struct od_req *req)
{
	return req->sink && req->range_end && req->range_start + req->delivered == req->range_end;
}

static void
transfer_done(struct od_req *req, CURLcode rc)
{
	struct od_error *err = NULL;
	long status = 0;

	curl_multi_remove_handle(req->e->multi, req->easy);
	req->attempts++;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
		req->status = (int)status;
	}
	od_log(OD_LOG_DEBUG, "%s %s -> %d, %zu bytes, %lld ms", method_name(req->method), req->url,
	       req->status, req->resp.len + (size_t)req->delivered, od_now_ms() - req->started_ms);
	if (req->stream_err) {
		/* The sink or source stopped it: a local problem or a reply that
		 * cannot be used, which another attempt would not change. */
		err = req->stream_err;
		req->stream_err = NULL;
		finish(req, err);
		return;
	}
	if (rc != CURLE_OK && range_complete(req)) {
		req->status = 206;
	} else if (rc != CURLE_OK) {
		err = transport_error(req, rc);
	} else if (is_redirect(req->status) && req->h_location) {
		if (req->redirects < MAX_REDIRECTS && follow_redirect(req)) {
			req->redirects++;
			if ((err = rewind_source(req))) {
				finish(req, err);
				return;
			}
			start_attempt(req);
			return;
		}
		err = od_error_new(OD_ERR_HTTP, _("too many or invalid redirects from %s"), req->url);
		err->status = req->status;
	} else if (req->status < 200 || req->status >= 300) {
		err = od_error_from_response(req->status, req->resp.data, req->resp.len);
		err->retry_after = parse_retry_after(req->h_retry_after);
	}
	if (err && schedule_retry(req, err, rc)) {
		struct od_error *rerr = rewind_source(req);
		od_error_free(err);
		if (rerr) {
			unlink_waiting(req);
			finish(req, rerr);
		}
		return;
	}
	finish(req, err);
}

/* --- the loop ---------------------------------------------------------------- */

struct od_notice *
od_notice_new(struct od_engine *e, od_notice_fn *fn, void *ud)
{
	struct od_notice *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->e = e;
	n->fn = fn;
	n->ud = ud;
	atomic_init(&n->posted, false);
	n->next = e->notices;
	if (e->notices)
		e->notices->prev = n;
	e->notices = n;
	e->pending++;
	return n;
}

void
od_notice_post(struct od_notice *n)
{
	atomic_store(&n->posted, true);
	atomic_store(&n->e->noticed, true);
	curl_multi_wakeup(n->e->multi);
}

void
od_notice_free(struct od_notice *n)
{
	struct od_engine *e;

	if (!n)
		return;
	e = n->e;
	if (n->prev)
		n->prev->next = n->next;
	else
		e->notices = n->next;
	if (n->next)
		n->next->prev = n->prev;
	e->pending--;
	free(n);
}

/* Run the callbacks of posted notices. One may free any notice, so the
 * list is searched again after each. */
static void
deliver_notices(struct od_engine *e)
{
	if (!atomic_exchange(&e->noticed, false))
		return;
	for (;;) {
		struct od_notice *n = e->notices;
		while (n && !atomic_exchange(&n->posted, false))
			n = n->next;
		if (!n)
			return;
		n->fn(n->ud);
	}
}

/* Move the transfers libcurl finished to the queue of completions (their
 * callbacks run from deliver_finished). */
static void
collect_done(struct od_engine *e)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(e->multi, &left))) {
		struct od_req *req = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&req);
		if (req && req->state == REQ_RUNNING)
			transfer_done(req, msg->data.result);
	}
}

static void
deliver_finished(struct od_engine *e)
{
	if (e->delivering)
		return;
	e->delivering = true;
	while (e->fin_head) {
		struct od_req *req = e->fin_head;
		struct od_error *err = req->result;

		e->fin_head = req->qnext;
		if (!e->fin_head)
			e->fin_tail = NULL;
		req->result = NULL;
		unlink_live(req);
		e->pending--;
		if (req->done)
			req->done(req, err, req->ud);
		else
			od_error_free(err);
		free_req(req);
	}
	e->delivering = false;
}

void
od_engine_perform(struct od_engine *e)
{
	long long now = od_now_ms();
	int running;

	while (e->waiting && e->waiting->due_ms <= now) {
		struct od_req *req = e->waiting;
		e->waiting = req->qnext;
		req->qnext = NULL;
		start_attempt(req);
	}
	curl_multi_perform(e->multi, &running);
	collect_done(e);
	deliver_finished(e);
	deliver_notices(e);
}

long
od_engine_timeout(struct od_engine *e)
{
	long t = -1;

	if (e->fin_head || atomic_load(&e->noticed))
		return 0;
	curl_multi_timeout(e->multi, &t);
	if (e->waiting) {
		long long left = e->waiting->due_ms - od_now_ms();
		if (left < 0)
			left = 0;
		if (t < 0 || left < t)
			t = (long)left;
	}
	return t;
}

int
od_engine_wait(struct od_engine *e, struct od_waitfd *fds, unsigned nfds, long timeout_ms)
{
	struct curl_waitfd extra[8];
	int numfds = 0;
	CURLMcode mc;

	if (nfds > OD_ARRAY_SIZE(extra)) {
		errno = EINVAL;
		return -1;
	}
	if (timeout_ms < 0) {
		timeout_ms = od_engine_timeout(e);
		if (timeout_ms < 0)
			timeout_ms = 1000;
	}
	for (unsigned i = 0; i < nfds; i++) {
		extra[i].fd = fds[i].fd;
		extra[i].events = fds[i].events;
		extra[i].revents = 0;
	}
	mc = curl_multi_poll(e->multi, extra, nfds, (int)(timeout_ms > 60000 ? 60000 : timeout_ms), &numfds);
	for (unsigned i = 0; i < nfds; i++)
		fds[i].revents = extra[i].revents;
	if (mc != CURLM_OK) {
		errno = EIO;
		return -1;
	}
	return 0;
}

void
od_engine_run(struct od_engine *e, volatile sig_atomic_t *stop)
{
	for (;;) {
		long t;

		od_engine_perform(e);
		if (stop && *stop) {
			od_engine_cancel_all(e);
			return;
		}
		if (e->pending == 0)
			return;
		t = od_engine_timeout(e);
		/* Wake up now and then to notice *stop. */
		if (t < 0 || t > 200)
			t = 200;
		if (t > 0 && od_engine_wait(e, NULL, 0, t) != 0 && errno != EINTR)
			return;
	}
}
