/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd-space.c: "space": one space and its members, self-service: show,
 * create (with a group), rename, members, add-group, rm-member and
 * privileges (presets, grant, revoke). "spaces" lists them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "cli/privs.h"
#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/members.h"
#include "onetui/str.h"
#include "xmalloc.h"

enum {
	OPT_EFFECTIVE = 0x300,
	OPT_GROUP,
	OPT_USER,
	OPT_YES,
	OPT_PRESET,
	OPT_GRANT,
	OPT_REVOKE,
};

struct opts {
	bool json, effective, yes;
	const char *group;		/* create: the group to make; else the member */
	const char *user;
	const char *preset;
	struct od_privs grant, revoke;	/* as given, checked against the vocabulary later */
};

/* --- reading ----------------------------------------------------------------------- */

static void
on_members(struct od_error *err, void *ud)
{
	*(struct od_error **)ud = err;
}

/* The members of sp (or, sp NULL, the user's groups); NULL after an
 * error (printed, *rc set). */
static struct od_members *
load_members(struct session *s, const struct od_space *sp, int *rc)
{
	struct od_members *m = od_members_new(s->zone);
	struct od_error *err = NULL;

	if (!m)
		xoom();
	if (sp)
		od_members_load_space(m, sp->id, on_members, &err);
	else
		od_members_load_user_groups(m, on_members, &err);
	session_run(s);
	if (err || session_interrupted()) {
		*rc = err ? (sp ? out_fail(err, _("Cannot read the members of %s (needs space_view)"), sp->name)
				: out_fail(err, _("Cannot read your groups")))
			  : EXIT_INTERRUPTED;
		od_members_free(m);
		return NULL;
	}
	return m;
}

/* --- show, create, rename ---------------------------------------------------------------- */

struct info_wait {
	struct od_error *err;
	char *name, *description, *organization;
	int64_t created;
	char **provider_ids;
	int64_t *sizes;
	size_t n;
};

static void
on_info(const struct od_space_info *i, struct od_error *err, void *ud)
{
	struct info_wait *w = ud;

	w->err = err;
	if (err)
		return;
	w->name = xstrdup(i->name);
	w->description = i->description ? xstrdup(i->description) : NULL;
	w->organization = i->organization ? xstrdup(i->organization) : NULL;
	w->created = i->created;
	w->provider_ids = xcalloc(i->n_supports + 1, sizeof(*w->provider_ids));
	w->sizes = xcalloc(i->n_supports + 1, sizeof(*w->sizes));
	for (size_t k = 0; k < i->n_supports; k++) {
		w->provider_ids[k] = xstrdup(i->supports[k].provider_id);
		w->sizes[k] = i->supports[k].size;
	}
	w->n = i->n_supports;
}

static void
info_done(struct info_wait *w)
{
	for (size_t k = 0; k < w->n; k++)
		free(w->provider_ids[k]);
	free(w->provider_ids);
	free(w->sizes);
	free(w->name);
	free(w->description);
	free(w->organization);
}

/* The provider of sp with that id (the zone named it), or NULL. */
static const struct od_support *
support_of(const struct od_space *sp, const char *provider_id)
{
	for (size_t i = 0; i < sp->n_supports; i++)
		if (strcmp(sp->supports[i].provider->id, provider_id) == 0)
			return &sp->supports[i];
	return NULL;
}

static void
print_info_json(const struct od_space *sp, const struct info_wait *w)
{
	struct jw *j = jw_new(stdout);
	int64_t total = 0;

	jw_begin_object(j);
	jw_kv_string(j, "spaceId", sp->id);
	jw_kv_string(j, "name", w->name);
	jw_kv_string(j, "description", w->description);
	jw_kv_string(j, "organizationName", w->organization);
	if (w->created >= 0)
		jw_kv_int(j, "creationTime", w->created);
	jw_key(j, "providers");
	jw_begin_array(j);
	for (size_t k = 0; k < w->n; k++) {
		const struct od_support *sup = support_of(sp, w->provider_ids[k]);
		jw_begin_object(j);
		jw_kv_string(j, "providerId", w->provider_ids[k]);
		jw_kv_string(j, "name", sup ? sup->provider->name : NULL);
		jw_kv_int(j, "size", w->sizes[k]);
		if (sup)
			jw_kv_bool(j, "readonly", sup->readonly);
		jw_end_object(j);
		total += w->sizes[k] > 0 ? w->sizes[k] : 0;
	}
	jw_end_array(j);
	jw_kv_int(j, "totalSize", total);
	jw_end_object(j);
	jw_free(j);
}

static void
print_info(const struct od_space *sp, const struct info_wait *w)
{
	static const char *const labels[] = { N_("Space"), N_("Id"), N_("Description"), N_("Organization"),
					      N_("Created"), N_("Providers"), N_("Total") };
	const char *tl[OD_ARRAY_SIZE(labels)];
	char size[OD_SIZE_BUFSZ], when[OD_TIME_BUFSZ];
	int64_t total = 0;
	int lw;

	for (size_t i = 0; i < OD_ARRAY_SIZE(labels); i++)
		tl[i] = _(labels[i]);
	lw = out_label_width(tl, OD_ARRAY_SIZE(tl));
	out_field(stdout, lw, tl[0], "%s", w->name);
	out_field(stdout, lw, tl[1], "%s", sp->id);
	if (w->description && *w->description)
		out_field(stdout, lw, tl[2], "%s", w->description);
	if (w->organization && *w->organization)
		out_field(stdout, lw, tl[3], "%s", w->organization);
	if (w->created >= 0)
		out_field(stdout, lw, tl[4], "%s", od_time_iso(w->created, when));
	if (!w->n)
		out_field(stdout, lw, tl[5], "%s", _("none: no provider supports this space, its data is unreachable"));
	for (size_t k = 0; k < w->n; k++) {
		const struct od_support *sup = support_of(sp, w->provider_ids[k]);
		out_field(stdout, lw, k ? "" : tl[5], "%s  %s%s", sup ? sup->provider->name : w->provider_ids[k],
			  w->sizes[k] >= 0 ? od_size_human(w->sizes[k], size) : "?",
			  sup && sup->readonly ? _(" (read-only)") : "");
		total += w->sizes[k] > 0 ? w->sizes[k] : 0;
	}
	if (w->n > 1)
		out_field(stdout, lw, tl[6], "%s", od_size_human(total, size));
}

static int
space_show(struct session *s, const struct opts *o, struct od_space *sp)
{
	struct info_wait w = { 0 };

	if (!od_space_info(s->zone, sp->id, on_info, &w))
		xoom();
	session_run(s);
	if (w.err)
		return out_fail(w.err, _("Cannot read space %s"), sp->name);
	if (session_interrupted()) {
		info_done(&w);
		return EXIT_INTERRUPTED;
	}
	if (o->json)
		print_info_json(sp, &w);
	else
		print_info(sp, &w);
	info_done(&w);
	return EXIT_OK;
}

static int
space_create(struct session *s, const struct opts *o, const char *name)
{
	struct answer sw = { 0 }, gw = { 0 }, aw = { 0 };
	int rc = session_answer(s, od_space_create(s->zone, name, answer_id, &sw), &sw,
				_("Cannot create space %s"), name);

	if (rc == EXIT_OK && o->group) {
		rc = session_answer(s, od_group_create(s->zone, o->group, answer_id, &gw), &gw,
				    _("Space %s was created (%s), but not the group %s"), name, sw.id, o->group);
		if (rc == EXIT_OK)
			rc = session_answer(s,
					    od_space_add_group(s->zone, sw.id, gw.id, o->group, NULL, answer_done, &aw),
					    &aw, _("Space %s and group %s were created, but the group could not be added"),
					    name, o->group);
	}
	if (rc == EXIT_OK && o->json && gw.id) {
		struct jw *j = jw_new(stdout);
		jw_begin_object(j);
		jw_kv_string(j, "spaceId", sw.id);
		jw_kv_string(j, "groupId", gw.id);
		jw_end_object(j);
		jw_free(j);
	} else if (rc == EXIT_OK) {
		out_id("spaceId", sw.id, o->json);
		if (gw.id)
			out_id("groupId", gw.id, false);
	}
	free(sw.id);
	free(gw.id);
	return rc;
}

static int
space_rename(struct session *s, struct od_space *sp, const char *name)
{
	struct answer w = { 0 };

	return session_answer(s, od_space_rename(s->zone, sp->id, sp->name, name, answer_done, &w), &w,
			      _("Cannot rename space %s (needs space_update)"), sp->name);
}

/* --- members ------------------------------------------------------------------------------ */

static const char *
member_kind_name(const struct od_member *mb)
{
	return mb->kind == OD_MEMBER_USER ? _("user") : _("group");
}

static void
json_privs(struct jw *j, const char *key, const struct od_member *mb, const struct od_privs *p)
{
	jw_key(j, key);
	if (!mb->privileges_known) {
		jw_null(j);
		return;
	}
	jw_begin_array(j);
	for (size_t i = 0; i < p->n; i++)
		jw_string(j, p->v[i]);
	jw_end_array(j);
}

static void
json_member(struct jw *j, const struct od_member *mb)
{
	bool user = mb->kind == OD_MEMBER_USER;

	jw_begin_object(j);
	jw_kv_string(j, user ? "userId" : "groupId", mb->id);
	if (user) {
		jw_kv_string(j, "username", mb->username);
		jw_kv_string(j, "fullName", mb->name);
		jw_kv_bool(j, "owner", mb->owner);
	} else {
		jw_kv_string(j, "name", mb->name);
		jw_kv_string(j, "type", mb->group_type);
	}
	jw_kv_bool(j, "direct", mb->direct);
	json_privs(j, "privileges", mb, &mb->privileges);
	json_privs(j, "effectivePrivileges", mb, &mb->effective);
	if (user) {
		jw_key(j, "via");
		jw_begin_array(j);
		for (size_t i = 0; i < mb->via.n; i++)
			jw_string(j, mb->via.v[i]);
		jw_end_array(j);
	}
	jw_end_object(j);
}

static void
print_members_json(const struct od_space *sp, const struct od_members *m, bool effective)
{
	struct jw *j = jw_new(stdout);

	jw_begin_object(j);
	jw_kv_string(j, "spaceId", sp->id);
	jw_kv_bool(j, "effective", effective);
	for (int kind = OD_MEMBER_USER; kind <= OD_MEMBER_GROUP; kind++) {
		jw_key(j, kind == OD_MEMBER_USER ? "users" : "groups");
		jw_begin_array(j);
		for (size_t i = 0; i < od_members_count(m); i++) {
			const struct od_member *mb = od_members_get(m, i);
			if ((int)mb->kind == kind && (effective || mb->direct))
				json_member(j, mb);
		}
		jw_end_array(j);
	}
	jw_end_object(j);
	jw_free(j);
}

static void
print_members(const struct od_priv_vocab *v, const struct od_members *m, bool effective)
{
	const char *titles[] = { _("KIND"), _("NAME"), _("USERNAME"), _("PRIVILEGES"), _("VIA"), _("ID") };
	const char *direct_titles[] = { titles[0], titles[1], titles[2], titles[3], titles[5] };
	struct table *t = table_new(effective ? 6 : 5, effective ? titles : direct_titles, NULL);

	for (size_t i = 0; i < od_members_count(m); i++) {
		const struct od_member *mb = od_members_get(m, i);
		char *privs, *via;
		if (!effective && !mb->direct)
			continue;
		privs = xneed(od_member_privs_summary(v, mb, effective ? &mb->effective : &mb->privileges));
		via = xneed(od_member_via(m, mb));
		if (effective)
			table_add(t, (const char *const[]){ member_kind_name(mb), mb->name ? mb->name : "",
							    mb->username ? mb->username : "", privs, via, mb->id });
		else
			table_add(t, (const char *const[]){ member_kind_name(mb), mb->name ? mb->name : "",
							    mb->username ? mb->username : "", privs, mb->id });
		free(privs);
		free(via);
	}
	table_print(t, stdout);
	table_free(t);
}

static int
space_members(struct session *s, const struct opts *o, struct od_space *sp)
{
	struct od_priv_vocab v = { 0 };
	struct od_members *m;
	int rc = o->json ? EXIT_OK : cli_load_vocab(s, &v);

	if (rc == EXIT_OK && (m = load_members(s, sp, &rc))) {
		if (o->json)
			print_members_json(sp, m, o->effective);
		else
			print_members(&v, m, o->effective);
		od_members_free(m);
	}
	od_vocab_done(&v);
	return rc;
}

static enum od_member_kind
opt_kind(const struct opts *o)
{
	return o->user ? OD_MEMBER_USER : OD_MEMBER_GROUP;
}

/* The member --user or --group names, among m. */
static int
find_member(const struct opts *o, const struct od_members *m, const struct od_member **out)
{
	struct od_error *err = od_members_find(m, opt_kind(o), o->user ? o->user : o->group, out);

	return err ? out_fail(err, NULL) : EXIT_OK;
}

/* Only direct members can be removed or have privileges set. */
static int
need_direct(const struct od_member *mb, const struct od_space *sp)
{
	if (mb->direct)
		return EXIT_OK;
	out_error(_("%s is a member of %s only through groups; change or remove those groups instead"),
		  mb->name ? mb->name : mb->id, sp->name);
	return EXIT_FAILED;
}

static int
space_add_group(struct session *s, struct od_space *sp, const char *group)
{
	const struct od_member *g;
	struct answer w = { 0 };
	struct od_members *mine;
	struct od_error *err;
	int rc = EXIT_OK;

	if (!(mine = load_members(s, NULL, &rc)))
		return rc;
	if ((err = od_members_find(mine, OD_MEMBER_GROUP, group, &g)))
		rc = out_fail(err, NULL);
	else
		rc = session_answer(s, od_space_add_group(s->zone, sp->id, g->id, g->name, NULL, answer_done, &w), &w,
				    _("Cannot add group %s to %s (needs space_add_group there and "
				      "group_add_space in the group)"),
				    g->name ? g->name : g->id, sp->name);
	od_members_free(mine);
	return rc;
}

static void
on_me(const struct od_user *u, struct od_error *err, void *ud)
{
	(void)u;
	od_error_free(err);
	(void)ud;
}

/* Ask the zone who the token's user is, once, so that the access log
 * names them and removing oneself is noticed (failures only leave it
 * unknown). */
static void
know_me(struct session *s)
{
	if (od_zone_user_id(s->zone))
		return;
	if (!od_zone_whoami(s->zone, on_me, NULL))
		xoom();
	session_run(s);
}

/* Whether mb is the token's user (unknown counts as no). */
static bool
is_me(struct session *s, const struct od_member *mb)
{
	know_me(s);
	return mb->kind == OD_MEMBER_USER && od_str_eq(od_zone_user_id(s->zone), mb->id);
}

static int
space_rm_member(struct session *s, const struct opts *o, struct od_space *sp)
{
	const struct od_member *mb;
	struct od_members *m;
	struct answer w = { 0 };
	char *question;
	int rc = EXIT_OK;

	if (!(m = load_members(s, sp, &rc)))
		return rc;
	if ((rc = find_member(o, m, &mb)) != EXIT_OK || (rc = need_direct(mb, sp)) != EXIT_OK) {
		od_members_free(m);
		return rc;
	}
	if (is_me(s, mb))
		question = xasprintf(_("remove yourself (%s) from space %s? You lose access to it unless a group "
				       "of yours is a member"),
				     mb->name ? mb->name : mb->id, sp->name);
	else
		question = xasprintf(_("remove %s %s (%s) from space %s?"), member_kind_name(mb),
				     mb->name ? mb->name : "", mb->id, sp->name);
	rc = out_confirm_remote(o->yes, question);
	if (rc == EXIT_OK)
		rc = session_answer(s, od_space_remove_member(s->zone, sp->id, mb->kind, mb->id, mb->name, answer_done,
							      &w),
				    &w, _("Cannot remove %s from %s (needs space_remove_%s)"),
				    mb->name ? mb->name : mb->id, sp->name, mb->kind == OD_MEMBER_USER ? "user" : "group");
	od_members_free(m);
	return rc;
}

/* --- privileges --------------------------------------------------------------------------- */

static void
print_privileges_json(const struct od_priv_vocab *v, const struct od_member *mb)
{
	struct jw *j = jw_new(stdout);

	jw_begin_object(j);
	jw_key(j, "member");
	json_member(j, mb);
	jw_key(j, "vocabulary");
	jw_begin_array(j);
	for (size_t i = 0; i < v->all.n; i++) {
		jw_begin_object(j);
		jw_kv_string(j, "privilege", v->all.v[i]);
		jw_kv_bool(j, "direct", od_privs_has(&mb->privileges, v->all.v[i]));
		jw_kv_bool(j, "effective", od_privs_has(&mb->effective, v->all.v[i]));
		jw_end_object(j);
	}
	jw_end_array(j);
	jw_end_object(j);
	jw_free(j);
}

/* Every privilege of the vocabulary, those held marked. */
static void
print_privileges(const struct od_priv_vocab *v, const struct od_member *mb)
{
	const char *titles[] = { _("PRIVILEGE"), _("DIRECT"), _("EFFECTIVE") };
	struct table *t = table_new(3, titles, NULL);
	int exact = od_preset_exact(v, &mb->privileges);
	const char *preset = exact >= 0 ? od_preset_name((enum od_preset)exact) : NULL;
	char *who = xasprintf("%s %s (%s)", member_kind_name(mb), mb->name ? mb->name : "", mb->id);
	char *safe = out_safe(who);

	printf("%s%s%s\n", safe, preset ? _(": preset ") : "", preset ? preset : "");
	if (mb->owner)
		printf("%s\n", _("an owner of the space: every privilege, whatever is marked"));
	for (size_t i = 0; i < v->all.n; i++)
		table_add(t, (const char *const[]){ v->all.v[i], od_privs_has(&mb->privileges, v->all.v[i]) ? "x" : "",
						    od_privs_has(&mb->effective, v->all.v[i]) ? "x" : "" });
	table_print(t, stdout);
	table_free(t);
	free(who);
	free(safe);
}

/* The privileges wanted: the preset (or what is held), plus --grant,
 * minus --revoke. Unknown names are usage errors. */
static int
wanted_privileges(const struct opts *o, const struct od_priv_vocab *v, const struct od_member *mb,
		  struct od_privs *want)
{
	const struct od_privs *lists[] = { &o->grant, &o->revoke };
	int preset = o->preset ? od_preset_parse(o->preset) : -1;
	struct od_privs base = { 0 }, revoked;

	*want = (struct od_privs){ 0 };
	for (size_t l = 0; l < OD_ARRAY_SIZE(lists); l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			if (!od_privs_has(&v->all, lists[l]->v[i])) {
				out_error(_("the zone has no privilege '%s' (run onetui space privileges SPACE "
					    "--user|--group NAME to see them)"),
					  lists[l]->v[i]);
				return EXIT_USAGE;
			}
	if (preset >= 0 ? od_preset_privs(v, (enum od_preset)preset, &base) != 0
			: od_privs_copy(&mb->privileges, &base) != 0)
		xoom();
	if (od_privs_copy(&o->grant, &base) != 0)
		xoom();
	/* What base holds beyond the revoked ones is what is wanted. */
	if (od_privs_diff(&o->revoke, &base, want, &revoked) != 0)
		xoom();
	od_privs_done(&base);
	od_privs_done(&revoked);
	return EXIT_OK;
}

/* Set mb's privileges to what the options say; an exit code. */
static int
change_privileges(struct session *s, const struct opts *o, const struct od_priv_vocab *v, struct od_space *sp,
		  const struct od_member *mb, bool *changed)
{
	struct od_privs want, grant, revoke;
	struct answer w = { 0 };
	int rc;

	*changed = false;
	if ((rc = need_direct(mb, sp)) != EXIT_OK)
		return rc;
	if (!mb->privileges_known) {
		out_error(_("cannot read the privileges in %s (needs space_view_privileges), so they cannot be "
			    "changed from here"),
			  sp->name);
		return EXIT_AUTH;
	}
	if ((rc = wanted_privileges(o, v, mb, &want)) != EXIT_OK)
		return rc;
	if (od_privs_diff(&mb->privileges, &want, &grant, &revoke) != 0)
		xoom();
	if (grant.n || revoke.n) {
		rc = session_answer(s,
				    od_space_set_privileges(s->zone, sp->id, mb->kind, mb->id, mb->name, &grant,
							    &revoke, answer_done, &w),
				    &w, _("Cannot change the privileges of %s in %s (needs space_set_privileges)"),
				    mb->name ? mb->name : mb->id, sp->name);
		*changed = rc == EXIT_OK;
	}
	od_privs_done(&want);
	od_privs_done(&grant);
	od_privs_done(&revoke);
	return rc;
}

static int
space_privileges(struct session *s, const struct opts *o, struct od_space *sp)
{
	struct od_priv_vocab v = { 0 };
	const struct od_member *mb = NULL;
	struct od_members *m = NULL;
	bool change = o->preset || o->grant.n || o->revoke.n, changed = false;
	int rc = cli_load_vocab(s, &v);

	if (rc == EXIT_OK && (m = load_members(s, sp, &rc)) && (rc = find_member(o, m, &mb)) == EXIT_OK && change)
		rc = change_privileges(s, o, &v, sp, mb, &changed);
	if (rc == EXIT_OK && changed) {
		/* Show what the zone has now. */
		char *id = xstrdup(mb->id);
		od_members_free(m);
		if ((m = load_members(s, sp, &rc))) {
			struct od_error *err = od_members_find(m, opt_kind(o), id, &mb);
			rc = err ? out_fail(err, NULL) : EXIT_OK;
		}
		free(id);
	}
	if (rc == EXIT_OK && !mb->privileges_known) {
		out_error(_("cannot read the privileges in %s (needs space_view_privileges)"), sp->name);
		rc = EXIT_AUTH;
	} else if (rc == EXIT_OK && o->json) {
		print_privileges_json(&v, mb);
	} else if (rc == EXIT_OK) {
		print_privileges(&v, mb);
	}
	od_members_free(m);
	od_vocab_done(&v);
	return rc;
}

/* --- the command ---------------------------------------------------------------------------- */

static bool
verb_is(const char *verb, const char *const *verbs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(verb, verbs[i]) == 0)
			return true;
	return false;
}

/* The usage rules of each verb; a usage error's exit code, or EXIT_OK. */
static int
check_usage(const struct cmd_entry *e, const struct opts *o, const char *verb, int nargs)
{
	static const char *const verbs[] = { "show", "create", "rename", "members", "add-group", "rm-member",
					     "privileges" };
	int want = strcmp(verb, "rename") == 0 || strcmp(verb, "add-group") == 0 ? 2 : 1;
	bool member_verb = strcmp(verb, "rm-member") == 0 || strcmp(verb, "privileges") == 0;

	if (!*verb)
		return cmd_usage_error(e, _("%s needs a verb"), e->name);
	if (strcmp(verb, "support-token") == 0)
		return cmd_usage_error(e, _("write its options after the space: space support-token SPACE [OPTION]..."));
	if (!verb_is(verb, verbs, OD_ARRAY_SIZE(verbs)))
		return cmd_usage_error(e, _("unknown %s verb: '%s'"), e->name, verb);
	if (nargs != want)
		return cmd_usage_error(e, _("wrong arguments for %s %s"), e->name, verb);
	if (member_verb && !o->user == !o->group)
		return cmd_usage_error(e, _("%s %s needs one of --user and --group"), e->name, verb);
	if (!member_verb && o->user)
		return cmd_usage_error(e, _("--user is only for rm-member and privileges"));
	if (o->group && !member_verb && strcmp(verb, "create") != 0)
		return cmd_usage_error(e, _("--group is only for create, rm-member and privileges"));
	if (o->effective && strcmp(verb, "members") != 0)
		return cmd_usage_error(e, _("--effective is only for members"));
	if (o->yes && strcmp(verb, "rm-member") != 0)
		return cmd_usage_error(e, _("--yes is only for rm-member"));
	if ((o->preset || o->grant.n || o->revoke.n) && strcmp(verb, "privileges") != 0)
		return cmd_usage_error(e, _("--preset, --grant and --revoke are only for privileges"));
	if (o->preset && od_preset_parse(o->preset) < 0)
		return cmd_usage_error(e, _("unknown preset '%s' (viewer, contributor or manager)"), o->preset);
	return EXIT_OK;
}

static int
space_run(struct session *s, const struct opts *o, const char *verb, char **args)
{
	struct od_space *sp;
	struct od_error *err;

	/* Changes are logged with the user who made them. */
	if (strcmp(verb, "show") != 0 && strcmp(verb, "members") != 0 &&
	    (strcmp(verb, "privileges") != 0 || o->preset || o->grant.n || o->revoke.n))
		know_me(s);
	if (strcmp(verb, "create") == 0)
		return space_create(s, o, args[0]);
	if ((err = od_zone_find_space(s->zone, args[0], &sp)))
		return out_fail(err, NULL);
	if (strcmp(verb, "show") == 0)
		return space_show(s, o, sp);
	if (strcmp(verb, "rename") == 0)
		return space_rename(s, sp, args[1]);
	if (strcmp(verb, "members") == 0)
		return space_members(s, o, sp);
	if (strcmp(verb, "add-group") == 0)
		return space_add_group(s, sp, args[1]);
	if (strcmp(verb, "rm-member") == 0)
		return space_rm_member(s, o, sp);
	return space_privileges(s, o, sp);
}

static int
space_exec(struct global_opts *g, int argc, char **argv)
{
	struct opts o = { 0 };
	struct session s;
	const char *verb;
	int c, rc;

	/* A support token is an invitation: "token invite support" makes it,
	 * with every option tokens have (expiry, --output-file...). */
	if (argc > 1 && strcmp(argv[1], "support-token") == 0) {
		char **args = xcalloc((size_t)argc + 2, sizeof(*args));

		args[0] = (char *)"token";
		args[1] = (char *)"invite";
		args[2] = (char *)"support";
		memcpy(args + 3, argv + 2, (size_t)(argc - 2) * sizeof(*args));
		optind = 0;
		rc = cmd_token_entry.exec(g, argc + 1, args);
		free(args);
		return rc;
	}

	while ((c = cmd_getopt(&cmd_space_entry, g, argc, argv)) != CMD_OPT_END) {
		switch (c) {
		case CMD_OPT_EXIT:
			od_privs_done(&o.grant);
			od_privs_done(&o.revoke);
			return cmd_exit_status;
		case CMD_OPT_JSON: o.json = true; break;
		case OPT_EFFECTIVE: o.effective = true; break;
		case OPT_YES: o.yes = true; break;
		case OPT_GROUP: o.group = optarg; break;
		case OPT_USER: o.user = optarg; break;
		case OPT_PRESET: o.preset = optarg; break;
		case OPT_GRANT: cli_privs_add_names(&o.grant, optarg); break;
		case OPT_REVOKE: cli_privs_add_names(&o.revoke, optarg); break;
		default: break;
		}
	}
	verb = optind < argc ? argv[optind++] : "";
	rc = check_usage(&cmd_space_entry, &o, verb, argc - optind);
	if (rc == EXIT_OK) {
		rc = session_open(&s, g);
		if (rc == EXIT_OK)
			rc = session_load_spaces(&s);
		if (rc == EXIT_OK)
			rc = space_run(&s, &o, verb, argv + optind);
		session_close(&s);
	}
	od_privs_done(&o.grant);
	od_privs_done(&o.revoke);
	return rc;
}

static const struct option space_options[] = {
	CMD_JSON_OPTION,
	{ "effective", no_argument, NULL, OPT_EFFECTIVE },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "user", required_argument, NULL, OPT_USER },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "grant", required_argument, NULL, OPT_GRANT },
	{ "revoke", required_argument, NULL, OPT_REVOKE },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry cmd_space_entry = {
	.name = "space",
	.usage = N_("show SPACE | create NAME [--group NAME] | rename SPACE NEW | members SPACE [--effective] | "
		    "add-group SPACE GROUP | rm-member SPACE (--user U|--group G) [--yes] | "
		    "privileges SPACE (--user U|--group G) [--preset viewer|contributor|manager] "
		    "[--grant P,...] [--revoke P,...] | support-token SPACE [--expires WHEN] "
		    "[--show-token|--output-file F]  [--json]"),
	.summary = N_("one space and its members: show, create, rename, list members, add a group, "
		      "remove a member, set privileges; a support token for a provider"),
	.shortopts = "",
	.longopts = space_options,
	.exec = space_exec,
};
