/* SPDX-License-Identifier: GPL-3.0-or-later */
/* engine.h: asynchronous HTTP for the whole program.
 *
 * One curl multi handle carries every request. A request is an object with
 * a completion callback that fires exactly once, always from
 * od_engine_perform() (never from inside the call that started or
 * cancelled it). The CLI drives the loop with od_engine_run(); the TUI waits
 * in od_engine_wait() with the terminal's fd as an extra fd and calls
 * od_engine_perform() when it returns. Nothing here blocks on the network.
 *
 * The access token is attached only to requests that ask for it and only
 * when the request's origin was declared trusted (the zone and the provider
 * domains the zone named); redirects are followed here, hop by hop, so a
 * redirect to any other host never carries it. */
#ifndef ONETUI_ENGINE_H
#define ONETUI_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "onetui/compiler.h"
#include "onetui/error.h"

struct od_engine;
struct od_req;

enum od_method {
	OD_GET,
	OD_HEAD,
	OD_POST,
	OD_PUT,
	OD_PATCH,
	OD_DELETE,
};

struct od_engine_opts {
	const char *ca_file;		/* NULL: the system's CA store */
	long connect_timeout_ms;	/* 0: 10 s */
	long low_speed_time_s;		/* give up after this long below 512 bytes/s; 0: 30 s */
	int max_retries;		/* -1: 4 */
	long retry_base_ms;		/* first backoff step; 0: 500 ms */
	long retry_max_ms;		/* longest backoff step; 0: 30 s */
	long max_retry_after_s;		/* longest Retry-After honoured; 0: 300 s */
	long max_host_connections;	/* 0: 8 */
	const char *user_agent;		/* NULL: "onetui/VERSION" */
};

/* An extra descriptor to wait on together with the network. */
struct od_waitfd {
	int fd;
	short events;	/* POLLIN, POLLOUT... */
	short revents;	/* filled by od_engine_wait */
};

typedef void od_req_done_fn(struct od_req *req, struct od_error *err, void *ud);
/* Completion of an operation that produces no value. */
typedef void od_done_fn(struct od_error *err, void *ud);

/* An operation of the core (one or more requests). Its callback fires
 * exactly once, from od_engine_perform(); the handle is invalid once it
 * has. Cancelling makes the callback fire with OD_ERR_CANCELLED. A
 * function that starts an operation returns NULL, without ever calling the
 * callback, only when memory runs out. */
struct od_op;
void od_op_cancel(struct od_op *op);

struct od_error *od_engine_new(const struct od_engine_opts *opts, struct od_engine **out) OD_WARN_UNUSED;
/* Cancel what is pending (their callbacks run with OD_ERR_CANCELLED) and
 * free everything. */
void od_engine_free(struct od_engine *e);

/* The access token (copied; NULL forgets it). */
int od_engine_set_token(struct od_engine *e, const char *token) OD_WARN_UNUSED;
/* Allow the token to be sent to this origin ("https://host[:port]"). */
int od_engine_trust_origin(struct od_engine *e, const char *origin) OD_WARN_UNUSED;
bool od_engine_trusts(const struct od_engine *e, const char *url);

/* Requests running or waiting to be retried, and work of the core's
 * threads (checksums) that the loop waits for. */
size_t od_engine_pending(const struct od_engine *e);
/* Milliseconds until od_engine_perform has work to do without any socket
 * activity: 0 now, -1 nothing scheduled. */
long od_engine_timeout(struct od_engine *e);
/* Wait for network activity, one of fds, or timeout_ms (-1: until
 * od_engine_timeout()). Returns 0, or -1 with errno set. */
int od_engine_wait(struct od_engine *e, struct od_waitfd *fds, unsigned nfds, long timeout_ms);
/* Milliseconds of the monotonic clock, the one the engine's timeouts
 * and every rate and poll interval of onetui are measured on. */
long long od_now_ms(void);
/* Move transfers forward and run the callbacks of finished requests. */
void od_engine_perform(struct od_engine *e);
/* Drive the loop until nothing is pending, or *stop becomes nonzero (then
 * cancel everything and deliver the cancellations). */
void od_engine_run(struct od_engine *e, volatile sig_atomic_t *stop);
void od_engine_cancel_all(struct od_engine *e);

/* A request to an absolute URL; NULL when out of memory. */
struct od_req *od_req_new(struct od_engine *e, enum od_method method, const char *url);
/* Send the access token with it (to trusted origins only). */
void od_req_auth(struct od_req *req);
/* Whether failed attempts may be repeated. Default: true for GET, HEAD,
 * PUT and DELETE, false for POST and PATCH. A connection that could not be
 * opened is retried whatever the method, since nothing was sent. */
void od_req_set_retry(struct od_req *req, bool idempotent);
/* Report a connection that cannot be opened at once instead of retrying
 * it, so the caller can turn to another provider. */
void od_req_set_failover(struct od_req *req);
/* Body sent with the request (copied); content_type NULL sends none. */
int od_req_set_body(struct od_req *req, const char *content_type, const void *data, size_t len) OD_WARN_UNUSED;
/* Largest reply body accepted (default 64 MiB); more is an error. */
void od_req_set_max_body(struct od_req *req, size_t max);

/* Streaming, for file content. A sink receives the body of a 2xx reply
 * as it arrives instead of the request keeping it (error replies are
 * still kept, for their error object). The sink returns NULL, or an error
 * (taken over) that stops the request without retries. */
typedef struct od_error *od_sink_fn(const char *data, size_t len, void *ud);
void od_req_set_sink(struct od_req *req, od_sink_fn *fn, void *ud);
/* Ask for bytes [start, end) of the content (end 0: to the end). A retry
 * of a request with a sink continues after the bytes already delivered,
 * so an interrupted download resumes instead of starting over; a server
 * that answers a range with anything but that range is an error. */
void od_req_set_range(struct od_req *req, uint64_t start, uint64_t end);
/* Bytes given to the sink so far, over all attempts. */
uint64_t od_req_delivered(const struct od_req *req);
/* A body of len bytes read through fn as it is sent. fn fills buf with up
 * to n bytes and returns how many (0 only at the end), or sets *err (taken
 * over) and returns 0 to stop the request. Before a retry, rewind (if not
 * NULL) is called to start from the beginning again; without it the
 * request is not retried once any byte was sent. */
typedef size_t od_source_fn(char *buf, size_t n, struct od_error **err, void *ud);
typedef struct od_error *od_rewind_fn(void *ud);
int od_req_set_source(struct od_req *req, const char *content_type, uint64_t len, od_source_fn *fn,
		      od_rewind_fn *rewind, void *ud) OD_WARN_UNUSED;
/* Limit this request's speed in bytes per second (0: no limit), for a
 * bandwidth cap shared by several requests. */
void od_req_set_max_speed(struct od_req *req, uint64_t bytes_per_s);
/* Start it. The callback receives NULL for a 2xx reply, else an error it
 * owns; the request is freed after the callback returns. */
void od_req_submit(struct od_req *req, od_req_done_fn *done, void *ud);
/* Complete it with err (taken over) without sending anything: the callback
 * runs at the next perform, as for any request. For failures found before
 * a request could be sent. */
void od_req_fail(struct od_req *req, struct od_error *err, od_req_done_fn *done, void *ud);
/* Stop it; its callback runs with OD_ERR_CANCELLED at the next perform. */
void od_req_cancel(struct od_req *req);

/* For use inside the callback. */
int od_req_status(const struct od_req *req);
const char *od_req_body(const struct od_req *req, size_t *len);
const char *od_req_url(const struct od_req *req);	/* after redirects */
/* Value of a reply header the engine keeps: "location", "retry-after",
 * "content-type", "content-range"; NULL when absent. */
const char *od_req_header(const struct od_req *req, const char *name);
int od_req_attempts(const struct od_req *req);
/* The reply body as a JSON object (caller frees with cJSON_Delete); what
 * names it in errors. */
struct od_error *od_req_json(const struct od_req *req, const char *what, cJSON **out) OD_WARN_UNUSED;

#endif
