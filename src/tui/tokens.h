/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tokens.h: what the tokens list (tokens.c) and the making, examining
 * and consuming of tokens (token-new.c) share. */
#ifndef ONETUI_TUI_TOKENS_H
#define ONETUI_TUI_TOKENS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "onetui/tokenapi.h"
#include "tui/tui.h"

/* tokens.c: words for people (caller frees the strings). */
/* The name of the user's space id, or NULL; ud is the app (the shape of
 * od_caveat_names' callbacks). */
const char *tokens_space_name(const char *id, void *ud);
/* The caveats described, joined by sep; "" for none. */
char *tokens_caveat_words(struct app *a, const cJSON *caveats, const char *sep);
/* The warnings of OD_RISK_ bits, joined by sep; "" for none. */
char *tokens_risk_words(unsigned risks, const char *sep);
/* "access", "invite: space"... */
const char *tokens_kind_words(const struct od_token_info *t);
unsigned tokens_risks(const struct od_token_info *t);
/* A token in full, on several lines; value (may be NULL) only masked. */
char *tokens_describe(struct app *a, const struct od_token_info *t, const char *value);
/* A token was made, changed or deleted: read the list again, the cursor
 * on select_id (may be NULL). */
void tokens_changed(const char *select_id);

/* token-new.c */
/* t: a new access token from a preset or a short form. */
void token_new(struct app *a);
/* i: an invitation to the selected item's space. */
void invite_new(struct app *a);
/* x: say what a pasted token is; c (consume): then join the space its
 * invitation is for, once the user confirms. */
void token_examine(struct app *a, bool consume);
/* Drop what is being asked (the interface ends). */
void token_new_done(void);

#endif
