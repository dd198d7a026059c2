/* SPDX-License-Identifier: GPL-3.0-or-later */
/* engine-int.h: what core modules share about requests and operations. */
#ifndef ONETUI_ENGINE_INT_H
#define ONETUI_ENGINE_INT_H

#include <stdbool.h>

#include "onetui/engine.h"

/* Every operation struct starts with this. While the operation runs,
 * exactly one of req and sub is what it waits for. */
struct od_op {
	struct od_req *req;
	struct od_op *sub;
	bool cancelled;
};

/* The token, for the few public calls that carry it in their body. */
const char *od_engine_token(const struct od_engine *e);

/* How a thread of the core's hands work back to the loop: it posts a
 * notice (from any thread), and the notice's callback runs from the next
 * od_engine_perform(), in the loop's thread; posts before that run merge
 * into one call. A notice counts as pending work (od_engine_run goes on
 * while one exists). It is created and freed in the loop's thread; the
 * thread that posts must be done with it before it is freed. */
struct od_notice;
typedef void od_notice_fn(void *ud);
struct od_notice *od_notice_new(struct od_engine *e, od_notice_fn *fn, void *ud);
void od_notice_post(struct od_notice *n);
void od_notice_free(struct od_notice *n);

#endif
