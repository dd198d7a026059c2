/* SPDX-License-Identifier: GPL-3.0-or-later */
/* handout-make.c: everything a handout names, made or read in turn: the
 * item, its share, the share's handle, the item's size, the invitation,
 * the sender. */
#include "config.h"

#include "onetui/handout.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onetui/attrs.h"
#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/provider.h"
#include "onetui/share.h"
#include "onetui/str.h"
#include "onetui/tokenapi.h"
#include "onetui/zone.h"

#include "engine-int.h"

/* Names tried for an invitation before its clash is an error. */
#define INVITE_NAME_TRIES 9

struct make {
	struct od_op base;
	struct od_zone *z;
	struct od_space *space;
	char *file_id, *share_id, *sender;
	bool invite, title_given;
	unsigned invite_tries;	/* names tried for the invitation */
	int64_t valid_until, usage_limit;
	cJSON *privileges;
	od_handout_fn *fn;
	void *ud;
	struct od_handout *h;
	enum od_file_type type;
	int64_t size;
};

void
od_handout_free(struct od_handout *h)
{
	if (!h)
		return;
	for (int i = 0; i < OD_HO_N; i++)
		if (i == OD_HO_TOKEN)
			od_str_wipe_free(h->strings[i]);
		else
			free(h->strings[i]);
	free(h->share_id);
	free(h->token_id);
	free(h);
}

/* Keep a copy of a fact (NULL stays without a value); false when memory ran out. */
static bool
set_fact(struct make *m, enum od_handout_fact f, const char *v)
{
	char **slot = &m->h->strings[f];

	if (f == OD_HO_TOKEN)
		od_str_wipe_free(*slot);
	else
		free(*slot);
	*slot = NULL;
	m->h->facts.v[f] = NULL;
	if (!v)
		return true;
	if (!(*slot = strdup(v)))
		return false;
	m->h->facts.v[f] = *slot;
	return true;
}

static void
make_free(struct make *m)
{
	free(m->file_id);
	free(m->share_id);
	free(m->sender);
	cJSON_Delete(m->privileges);
	free(m);
}

static void
finish(struct make *m, struct od_error *err)
{
	if (!err && m->base.cancelled)
		err = od_error_new(OD_ERR_CANCELLED, _("cancelled"));
	if (err && m->h && m->h->share_created)
		od_error_prefix(err, _("the share %s was made, but"), m->h->share_id);
	if (err) {
		od_handout_free(m->h);
		m->h = NULL;
	}
	m->fn(m->h, err, m->ud);
	make_free(m);
}

/* Move on with sub (NULL: memory ran out). */
static void
then(struct make *m, struct od_op *sub)
{
	m->base.sub = sub;
	if (!sub)
		finish(m, od_error_nomem());
}

static void on_user(const struct od_user *u, struct od_error *err, void *ud);

static void
ask_sender(struct make *m)
{
	if (m->sender) {
		if (!set_fact(m, OD_HO_SENDER, m->sender))
			finish(m, od_error_nomem());
		else
			finish(m, NULL);
		return;
	}
	then(m, od_zone_whoami(m->z, on_user, m));
}

static void
on_user(const struct od_user *u, struct od_error *err, void *ud)
{
	struct make *m = ud;

	m->base.sub = NULL;
	/* Without a name the sender's line drops out: not worth failing for. */
	od_error_free(err);
	if (u && !set_fact(m, OD_HO_SENDER, u->full_name ? u->full_name : u->username))
		finish(m, od_error_nomem());
	else
		finish(m, NULL);
}

static void make_invite(struct make *m);

static void
on_invite(const char *id, const char *token, struct od_error *err, void *ud)
{
	struct make *m = ud;
	char when[OD_TIME_BUFSZ], *uses;

	m->base.sub = NULL;
	/* Another handout named the same within the second: a suffix. */
	if (err && od_error_is(err, "badValueIdentifierOccupied") && m->invite_tries < INVITE_NAME_TRIES) {
		od_error_free(err);
		make_invite(m);
		return;
	}
	if (err) {
		od_error_prefix(err, _("cannot make the invite token"));
		finish(m, err);
		return;
	}
	uses = m->usage_limit > 0 ? od_asprintf(P_("once", "%lld times", m->usage_limit), (long long)m->usage_limit)
				  : od_strdup(_("any number of times"));
	if (!uses || (id && !(m->h->token_id = strdup(id))) || !set_fact(m, OD_HO_TOKEN, token) ||
	    !set_fact(m, OD_HO_EXPIRES, od_time_iso(m->valid_until, when)) || !set_fact(m, OD_HO_USES, uses)) {
		free(uses);
		finish(m, od_error_nomem());
		return;
	}
	free(uses);
	ask_sender(m);
}

/* The invitation's name: "handout", the time (names are unique per user;
 * the try when it is not the first, for handouts within the same second)
 * and as much of the title as Onedata's name rule lets through: 50
 * characters at most, ASCII letters, digits, brackets, underscores, and
 * dashes, dots and spaces inside. */
static char *
invite_name(const char *title, unsigned try)
{
	char stamp[32], name[51];
	time_t now = time(NULL);
	struct tm tm;
	size_t n;

	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", gmtime_r(&now, &tm));
	n = try > 1 ? (size_t)snprintf(name, sizeof(name), "handout %s-%u ", stamp, try)
		    : (size_t)snprintf(name, sizeof(name), "handout %s ", stamp);
	for (const char *p = title ? title : ""; *p && n < sizeof(name) - 1; p++) {
		bool keep = isascii((unsigned char)*p) && (isalnum((unsigned char)*p) || strchr("_()[]{}-.", *p));
		if (keep)
			name[n++] = *p;
		else if (name[n - 1] != ' ')
			name[n++] = ' ';
	}
	while (!isalnum((unsigned char)name[n - 1]) && !strchr("_()[]{}", name[n - 1]))
		n--;
	name[n] = '\0';
	return od_strdup(name);
}

static void
make_invite(struct make *m)
{
	char *name;
	cJSON *caveats;
	struct od_token_request r = { .invite_type = "userJoinSpace", .target_id = m->space->id,
				      .privileges = m->privileges, .usage_limit = m->usage_limit };

	if (!m->invite) {
		ask_sender(m);
		return;
	}
	name = invite_name(m->h->facts.v[OD_HO_TITLE], ++m->invite_tries);
	caveats = cJSON_CreateArray();
	if (!name || !caveats || !cJSON_AddItemToArray(caveats, cJSON_CreateObject()) ||
	    !cJSON_AddStringToObject(caveats->child, "type", "time") ||
	    !cJSON_AddNumberToObject(caveats->child, "validUntil", (double)m->valid_until)) {
		free(name);
		cJSON_Delete(caveats);
		finish(m, od_error_nomem());
		return;
	}
	r.name = name;
	r.caveats = caveats;
	then(m, od_token_create(m->z, &r, on_invite, m));
	free(name);
	cJSON_Delete(caveats);
}

static void
set_contents(struct make *m, int64_t files, int64_t bytes)
{
	char size[OD_SIZE_BUFSZ], *text;

	text = files >= 0 ? od_asprintf(P_("%lld file, %s", "%lld files, %s", files), (long long)files,
					od_size_human(bytes, size))
			  : od_strdup(od_size_human(bytes, size));
	if (!text || !set_fact(m, OD_HO_CONTENTS, text)) {
		free(text);
		finish(m, od_error_nomem());
		return;
	}
	free(text);
	make_invite(m);
}

static void
on_stats(const struct od_dir_stats *st, struct od_error *err, void *ud)
{
	struct make *m = ud;

	m->base.sub = NULL;
	if (err) {
		/* Statistics may be off for the space: the line drops out. */
		od_error_free(err);
		make_invite(m);
		return;
	}
	set_contents(m, st->files, st->size);
}

static void
read_contents(struct make *m)
{
	if (m->type == OD_FILE_DIR)
		then(m, od_file_dir_stats(m->z, m->space, m->file_id, on_stats, m));
	else
		set_contents(m, -1, m->size);
}

static void
on_handle(const struct od_handle *hd, struct od_error *err, void *ud)
{
	struct make *m = ud;

	m->base.sub = NULL;
	if (err) {
		finish(m, err);
		return;
	}
	if (!set_fact(m, OD_HO_HANDLE, hd->public_handle)) {
		finish(m, od_error_nomem());
		return;
	}
	read_contents(m);
}

static void
on_share(const struct od_share *sh, struct od_error *err, void *ud)
{
	struct make *m = ud;

	m->base.sub = NULL;
	if (err) {
		finish(m, err);
		return;
	}
	/* A share that was there already has the name people know it by. */
	if (!m->title_given && sh->name && !m->h->share_created && !set_fact(m, OD_HO_TITLE, sh->name)) {
		finish(m, od_error_nomem());
		return;
	}
	if (!set_fact(m, OD_HO_LINK, sh->public_url) || !set_fact(m, OD_HO_REST_URL, sh->public_rest_url) ||
	    !set_fact(m, OD_HO_ROOT_ID, sh->root_file_id) || !set_fact(m, OD_HO_DESCRIPTION, sh->description)) {
		finish(m, od_error_nomem());
		return;
	}
	if (sh->handle_id)
		then(m, od_handle_get(m->z, sh->handle_id, on_handle, m));
	else
		read_contents(m);
}

static void
read_share(struct make *m)
{
	then(m, od_share_get_zone(m->z, m->h->share_id, on_share, m));
}

static void
on_shared(const char *id, struct od_error *err, void *ud)
{
	struct make *m = ud;

	m->base.sub = NULL;
	if (err) {
		od_error_prefix(err, _("cannot share it"));
		finish(m, err);
		return;
	}
	if (!(m->h->share_id = strdup(id))) {
		finish(m, od_error_nomem());
		return;
	}
	m->h->share_created = true;
	read_share(m);
}

static void
on_item(const struct od_attrs *at, struct od_error *err, void *ud)
{
	struct make *m = ud;
	const cJSON *first;

	m->base.sub = NULL;
	if (err) {
		finish(m, err);
		return;
	}
	m->type = at->type;
	m->size = at->size;
	if (!m->h->facts.v[OD_HO_TITLE] && !set_fact(m, OD_HO_TITLE, at->name)) {
		finish(m, od_error_nomem());
		return;
	}
	first = at->shares ? cJSON_GetArrayItem(at->shares, 0) : NULL;
	if (m->share_id || cJSON_IsString(first)) {
		if (!(m->h->share_id = strdup(m->share_id ? m->share_id : first->valuestring)))
			finish(m, od_error_nomem());
		else
			read_share(m);
		return;
	}
	then(m, od_share_create(m->z, m->space, m->file_id, m->h->facts.v[OD_HO_TITLE], NULL, on_shared, m));
}

struct od_op *
od_handout_make(struct od_zone *z, const struct od_handout_request *r, od_handout_fn *fn, void *ud)
{
	struct make *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	*m = (struct make){ .z = z, .space = r->space, .invite = r->invite, .title_given = r->title != NULL,
			    .valid_until = r->valid_until,
			    .usage_limit = r->usage_limit, .fn = fn, .ud = ud };
	m->h = calloc(1, sizeof(*m->h));
	if (!m->h || !(m->file_id = strdup(r->file_id)) || (r->share_id && !(m->share_id = strdup(r->share_id))) ||
	    (r->sender && !(m->sender = strdup(r->sender))) ||
	    (r->privileges && !(m->privileges = cJSON_Duplicate(r->privileges, true))) ||
	    !set_fact(m, OD_HO_TITLE, r->title) || !set_fact(m, OD_HO_SPACE, r->space->name) ||
	    !set_fact(m, OD_HO_PATH, r->path) || !set_fact(m, OD_HO_ZONE, od_zone_origin(z)) ||
	    !(m->base.sub = od_provider_stat(z, r->space, r->file_id,
					     OD_ATTR_NAME | OD_ATTR_TYPE | OD_ATTR_SIZE | OD_ATTR_SHARES, on_item, m))) {
		od_handout_free(m->h);
		make_free(m);
		return NULL;
	}
	return &m->base;
}
