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

#endif
