/* SPDX-License-Identifier: GPL-3.0-or-later */
/* audit.h: one review of who can reach what.
 *
 * The audit reads every share the user can see (flagging shares of whole
 * spaces), every named token of the user with its caveats in words and
 * its risks (no expiry, no caveats at all, invitations without a usage
 * limit, IP caveats that proxied requests break), every member of every
 * space with their privileges, direct and effective, and onetui's own
 * access log (acclog.h). What cannot be read (a space where the user may
 * not see privileges) is listed as a problem; the rest is still reported.
 *
 * The report is one JSON document, the same that "onetui audit --format
 * json" prints; the CSV export and the interface's Audit view are made
 * from it. */
#ifndef ONETUI_AUDIT_H
#define ONETUI_AUDIT_H

#include <cjson/cJSON.h>

#include "onetui/buf.h"
#include "onetui/compiler.h"
#include "onetui/engine.h"
#include "onetui/zone.h"

/* The parts of a report, as named in it and on the command line. */
enum od_audit_part {
	OD_AUDIT_SHARES = 1u << 0,
	OD_AUDIT_TOKENS = 1u << 1,
	OD_AUDIT_MEMBERS = 1u << 2,
	OD_AUDIT_LOG = 1u << 3,
	OD_AUDIT_ALL = 0xf,
};
/* "shares,tokens,..." into OD_AUDIT_ bits; an unknown name is an error. */
struct od_error *od_audit_parse_parts(const char *text, unsigned *parts) OD_WARN_UNUSED;

/* The report (the caller may keep it: cJSON_Duplicate), or the error
 * that stopped everything (out of memory, cancelled). */
typedef void od_audit_fn(const cJSON *report, struct od_error *err, void *ud);
/* Read the parts asked for over the zone's spaces (loaded already). */
struct od_op *od_audit_collect(struct od_zone *z, unsigned parts, od_audit_fn *fn, void *ud);

/* The report as CSV, one row per share, token, member and log entry:
 * part,space,id,name,type,status,created,expires,detail,url,risks. */
int od_audit_csv(const cJSON *report, struct od_buf *out) OD_WARN_UNUSED;

/* Whether a report entry carries any risk. */
bool od_audit_risky(const cJSON *entry);

#endif
