/* SPDX-License-Identifier: GPL-3.0-or-later */
/* replica.h: the command line's verbs for Onedata's own transfers. */
#ifndef ONETUI_CLI_REPLICA_H
#define ONETUI_CLI_REPLICA_H

#include <stdbool.h>

#include "cli/session.h"

struct replica_opts {
	bool json;
	bool wait;		/* follow the transfer until it ends */
	const char *to, *from;	/* providers, by name, id or domain */
	const char *state;	/* list only "waiting", "ongoing" or "ended" */
	int replicas;		/* qos add */
};

/* transfers replicate|evict|migrate SPACE/PATH..., list SPACE,
 * show|cancel|rerun TRANSFERID: argv holds what follows the verb. */
int replica_transfers(struct global_opts *g, const struct replica_opts *o, const char *verb, int argc,
		      char **argv);

#endif
