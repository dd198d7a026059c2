/* SPDX-License-Identifier: GPL-3.0-or-later */
/* members.c: reading spaces and their members: the privilege vocabulary
 * and its presets, a space's details, its members with their privileges
 * (a few calls at a time), the user's groups, and finding a member by
 * name. The changes are in spacechange.c. */
#include "config.h"

#include "onetui/members.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/str.h"

#include "pcall.h"

/* Calls to the zone at once while reading members. */
#define MEMBERS_PARALLEL 6

/* --- privileges --------------------------------------------------------------------- */

bool
od_privs_has(const struct od_privs *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i], name) == 0)
			return true;
	return false;
}

int
od_privs_add(struct od_privs *p, const char *name)
{
	char **v;

	if (od_privs_has(p, name))
		return 0;
	if (!(v = realloc(p->v, (p->n + 1) * sizeof(*v))))
		return -ENOMEM;
	p->v = v;
	if (!(p->v[p->n] = strdup(name)))
		return -ENOMEM;
	p->n++;
	return 0;
}

void
od_privs_done(struct od_privs *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* The strings of the array obj[key] into out (what names the reply). */
static struct od_error *
read_names(const cJSON *obj, const char *key, const char *what, struct od_privs *out)
{
	const cJSON *arr, *item;
	struct od_error *err = od_json_array(obj, key, what, &arr);

	if (err)
		return err;
	cJSON_ArrayForEach(item, arr) {
		if (!cJSON_IsString(item))
			return od_error_new(OD_ERR_INPUT, _("%s: an entry of \"%s\" is not a string"), what, key);
		if (od_privs_add(out, item->valuestring) != 0)
			return od_error_nomem();
	}
	return NULL;
}

struct vocab_call {
	od_vocab_fn *fn;
	void *ud;
};

static void
on_vocab(const cJSON *root, struct od_error *err, void *ud)
{
	struct vocab_call *c = ud;
	struct od_priv_vocab v = { 0 };
	const char *what = _("the privilege vocabulary");

	if (!err)
		err = read_names(root, "admin", what, &v.all);
	if (!err)
		err = read_names(root, "manager", what, &v.manager);
	if (!err)
		err = read_names(root, "member", what, &v.member);
	c->fn(err ? NULL : &v, err, c->ud);
	od_privs_done(&v.all);
	od_privs_done(&v.manager);
	od_privs_done(&v.member);
	free(c);
}

struct od_op *
od_space_vocab(struct od_zone *z, od_vocab_fn *fn, void *ud)
{
	struct vocab_call *c = malloc(sizeof(*c));
	struct od_op *op;

	if (!c)
		return NULL;
	*c = (struct vocab_call){ fn, ud };
	op = zcall_public_json(z, OD_GET, od_strdup("/spaces/privileges"), NULL, N_("the privilege vocabulary"),
			       on_vocab, c);
	if (!op)
		free(c);
	return op;
}

int
od_privs_copy(const struct od_privs *from, struct od_privs *to)
{
	for (size_t i = 0; i < from->n; i++)
		if (od_privs_add(to, from->v[i]) != 0)
			return -ENOMEM;
	return 0;
}

int
od_vocab_copy(const struct od_priv_vocab *from, struct od_priv_vocab *to)
{
	*to = (struct od_priv_vocab){ 0 };
	if (od_privs_copy(&from->all, &to->all) == 0 && od_privs_copy(&from->manager, &to->manager) == 0 &&
	    od_privs_copy(&from->member, &to->member) == 0)
		return 0;
	od_vocab_done(to);
	return -ENOMEM;
}

void
od_vocab_done(struct od_priv_vocab *v)
{
	od_privs_done(&v->all);
	od_privs_done(&v->manager);
	od_privs_done(&v->member);
}

/* By enum od_preset. */
static const char *const preset_names[] = { "viewer", "contributor", "manager" };

int
od_preset_parse(const char *name)
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(preset_names); i++)
		if (strcmp(name, preset_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
od_preset_name(enum od_preset p)
{
	return preset_names[p];
}

/* Whether the preset holds privilege name (of the vocabulary v). */
static bool
in_preset(const struct od_priv_vocab *v, enum od_preset p, const char *name)
{
	static const char *const viewer[] = { "space_view", "space_read_data" };
	static const char *const contributor_extra[] = { "space_schedule_replication", "space_view_qos" };

	switch (p) {
	case OD_PRESET_VIEWER:
		for (size_t i = 0; i < OD_ARRAY_SIZE(viewer); i++)
			if (strcmp(name, viewer[i]) == 0)
				return true;
		return false;
	case OD_PRESET_CONTRIBUTOR:
		for (size_t i = 0; i < OD_ARRAY_SIZE(contributor_extra); i++)
			if (strcmp(name, contributor_extra[i]) == 0)
				return true;
		return od_privs_has(&v->member, name);
	case OD_PRESET_MANAGER:
		return od_privs_has(&v->manager, name);
	}
	return false;
}

int
od_preset_privs(const struct od_priv_vocab *v, enum od_preset p, struct od_privs *out)
{
	*out = (struct od_privs){ 0 };
	for (size_t i = 0; i < v->all.n; i++)
		if (in_preset(v, p, v->all.v[i]) && od_privs_add(out, v->all.v[i]) != 0) {
			od_privs_done(out);
			return -ENOMEM;
		}
	return 0;
}

/* The entries of a that b lacks, added to out. */
static int
privs_minus(const struct od_privs *a, const struct od_privs *b, struct od_privs *out)
{
	for (size_t i = 0; i < a->n; i++)
		if (!od_privs_has(b, a->v[i]) && od_privs_add(out, a->v[i]) != 0)
			return -ENOMEM;
	return 0;
}

int
od_privs_diff(const struct od_privs *have, const struct od_privs *want, struct od_privs *grant,
	      struct od_privs *revoke)
{
	*grant = *revoke = (struct od_privs){ 0 };
	if (privs_minus(want, have, grant) == 0 && privs_minus(have, want, revoke) == 0)
		return 0;
	od_privs_done(grant);
	od_privs_done(revoke);
	return -ENOMEM;
}

/* How p stands to preset: -1 out of memory, else 0, with *missing what
 * of the preset p lacks and *extra what p holds beyond it. */
static int
compare_preset(const struct od_priv_vocab *v, enum od_preset preset, const struct od_privs *p, size_t *missing,
	       size_t *extra, size_t *size)
{
	struct od_privs want, grant, revoke;

	if (od_preset_privs(v, preset, &want) != 0)
		return -1;
	if (od_privs_diff(p, &want, &grant, &revoke) != 0) {
		od_privs_done(&want);
		return -1;
	}
	*missing = grant.n;
	*extra = revoke.n;
	*size = want.n;
	od_privs_done(&want);
	od_privs_done(&grant);
	od_privs_done(&revoke);
	return 0;
}

int
od_preset_exact(const struct od_priv_vocab *v, const struct od_privs *p)
{
	for (int i = OD_PRESET_VIEWER; i <= OD_PRESET_MANAGER; i++) {
		size_t missing, extra, size;
		if (compare_preset(v, (enum od_preset)i, p, &missing, &extra, &size) != 0)
			return -ENOMEM;
		if (!missing && !extra)
			return i;
	}
	return -1;
}

int
od_preset_within(const struct od_priv_vocab *v, const struct od_privs *p, size_t *extra)
{
	for (int i = OD_PRESET_MANAGER; i >= OD_PRESET_VIEWER; i--) {
		size_t missing, size;
		if (compare_preset(v, (enum od_preset)i, p, &missing, extra, &size) != 0)
			return -ENOMEM;
		if (size && !missing)
			return i;
	}
	return -1;
}

char *
od_member_privs_summary(const struct od_priv_vocab *v, const struct od_member *mb, const struct od_privs *p)
{
	size_t extra = 0;
	int preset;

	if (mb->owner)
		return od_strdup(_("owner (every privilege)"));
	if (!mb->privileges_known)
		return od_strdup("?");
	if (!p->n)
		return od_strdup(_("none"));
	if ((preset = od_preset_within(v, p, &extra)) == -ENOMEM)
		return NULL;
	if (preset < 0)
		return od_asprintf(P_("%zu privilege", "%zu privileges", p->n), p->n);
	return extra ? od_asprintf("%s + %zu", preset_names[preset], extra) : od_strdup(preset_names[preset]);
}

char *
od_member_via(const struct od_members *m, const struct od_member *mb)
{
	struct od_buf b;

	od_buf_init(&b, OD_BUF_UNLIMITED);
	if (mb->direct && od_buf_adds(&b, _("direct")))
		goto nomem;
	for (size_t i = 0; i < mb->via.n; i++) {
		const struct od_member *g = NULL;
		struct od_error *err = od_members_find(m, OD_MEMBER_GROUP, mb->via.v[i], &g);
		od_error_free(err);
		if (od_buf_addf(&b, "%s%s", b.len ? ", " : "", g && g->name ? g->name : mb->via.v[i]))
			goto nomem;
	}
	return od_buf_steal(&b);
nomem:
	od_buf_done(&b);
	return NULL;
}

/* --- a space ---------------------------------------------------------------------------- */

struct info_call {
	od_space_info_fn *fn;
	void *ud;
};

static struct od_error *
parse_info(const cJSON *root, struct od_space_info *s)
{
	const char *what = _("the space's details");
	const cJSON *providers, *p, *creator;
	struct od_error *err;
	size_t n = 0;

	if ((err = od_json_str(root, "spaceId", what, &s->id)) || (err = od_json_str(root, "name", what, &s->name)) ||
	    (err = od_json_object(root, "providers", what, &providers)))
		return err;
	s->description = od_json_get_str(root, "description");
	s->organization = od_json_get_str(root, "organizationName");
	creator = cJSON_GetObjectItemCaseSensitive(root, "creator");
	s->creator_id = od_json_get_str(creator, "id");
	if (!od_json_is_integer(cJSON_GetObjectItemCaseSensitive(root, "creationTime"), &s->created))
		s->created = -1;
	if (!(s->supports = calloc((size_t)cJSON_GetArraySize(providers) + 1, sizeof(*s->supports))))
		return od_error_nomem();
	cJSON_ArrayForEach(p, providers) {
		struct od_space_support *sup = &s->supports[n++];
		sup->provider_id = p->string;
		if (!od_json_is_integer(p, &sup->size))
			sup->size = -1;
	}
	s->n_supports = n;
	s->raw = root;
	return NULL;
}

static void
on_info(const cJSON *root, struct od_error *err, void *ud)
{
	struct info_call *c = ud;
	struct od_space_info s = { 0 };

	if (!err)
		err = parse_info(root, &s);
	c->fn(err ? NULL : &s, err, c->ud);
	free(s.supports);
	free(c);
}

struct od_op *
od_space_info(struct od_zone *z, const char *space_id, od_space_info_fn *fn, void *ud)
{
	struct info_call *c = malloc(sizeof(*c));
	struct od_op *op;

	if (!c)
		return NULL;
	*c = (struct info_call){ fn, ud };
	op = zcall_json(z, OD_GET, id_path("/spaces/", space_id, ""), NULL, N_("the space's details"), on_info, c);
	if (!op)
		free(c);
	return op;
}

/* --- members ---------------------------------------------------------------------------- */

/* What one call reads. */
enum task_kind {
	T_OWNERS,
	T_USERS,
	T_EFF_USERS,
	T_GROUPS,
	T_EFF_GROUPS,
	T_MY_GROUPS,
	T_USER,
	T_USER_PRIVS,
	T_USER_EFF_PRIVS,
	T_USER_VIA,
	T_GROUP,
	T_GROUP_PRIVS,
	T_GROUP_EFF_PRIVS,
};

struct task {
	struct od_members *m;
	enum task_kind kind;
	size_t member;		/* index of the member it is about */
	char *path;		/* NULL once sent */
	struct od_op *op;
};

struct od_members {
	struct od_zone *z;
	char *space_id;		/* NULL: the user's groups */
	struct od_member *v;
	size_t n;
	struct task **tasks;
	size_t n_tasks, next, running;
	bool listed;		/* the lists of ids are read; details follow */
	bool privs_denied;	/* the caller may not read privileges */
	struct od_privs owners, users, eff_users, groups, eff_groups;
	struct od_error *err;
	od_done_fn *fn;
	void *ud;
};

struct od_members *
od_members_new(struct od_zone *z)
{
	struct od_members *m = calloc(1, sizeof(*m));

	if (m)
		m->z = z;
	return m;
}

static void
member_done(struct od_member *mb)
{
	free(mb->id);
	free(mb->name);
	free(mb->username);
	free(mb->group_type);
	od_privs_done(&mb->privileges);
	od_privs_done(&mb->effective);
	od_privs_done(&mb->via);
}

/* Forget the tasks (cancelling those in flight). */
static void
drop_tasks(struct od_members *m)
{
	for (size_t i = 0; i < m->n_tasks; i++) {
		od_op_cancel(m->tasks[i]->op);
		free(m->tasks[i]->path);
		free(m->tasks[i]);
	}
	free(m->tasks);
	m->tasks = NULL;
	m->n_tasks = m->next = m->running = 0;
}

void
od_members_free(struct od_members *m)
{
	if (!m)
		return;
	drop_tasks(m);
	for (size_t i = 0; i < m->n; i++)
		member_done(&m->v[i]);
	free(m->v);
	free(m->space_id);
	od_privs_done(&m->owners);
	od_privs_done(&m->users);
	od_privs_done(&m->eff_users);
	od_privs_done(&m->groups);
	od_privs_done(&m->eff_groups);
	od_error_free(m->err);
	free(m);
}

/* Keep the first error. */
static void
fail(struct od_members *m, struct od_error *err)
{
	if (m->err)
		od_error_free(err);
	else
		m->err = err;
}

/* Queue a call: "<prefix><id><suffix>" under the space (or the zone). */
static void
queue(struct od_members *m, enum task_kind kind, size_t member, const char *prefix, const char *id,
      const char *suffix)
{
	struct task *t = calloc(1, sizeof(*t)), **tasks = realloc(m->tasks, (m->n_tasks + 1) * sizeof(*tasks));
	char *base = m->space_id ? id_path("/spaces/", m->space_id, prefix) : od_strdup(prefix);

	if (tasks)
		m->tasks = tasks;
	if (t && base)
		t->path = id ? id_path(base, id, suffix) : od_strdup(base);
	free(base);
	if (!t || !tasks || !t->path) {
		free(t);
		fail(m, od_error_nomem());
		return;
	}
	t->m = m;
	t->kind = kind;
	t->member = member;
	m->tasks[m->n_tasks++] = t;
}

static struct od_privs *
list_of(struct od_members *m, enum task_kind kind)
{
	switch (kind) {
	case T_OWNERS: return &m->owners;
	case T_USERS: return &m->users;
	case T_EFF_USERS: return &m->eff_users;
	case T_GROUPS: return &m->groups;
	default: return &m->eff_groups;
	}
}

/* The intermediaries that are groups: {"intermediaries": [{type, id}]}. */
static struct od_error *
read_via(const cJSON *root, const char *what, struct od_privs *via)
{
	const cJSON *arr, *item;
	struct od_error *err = od_json_array(root, "intermediaries", what, &arr);

	if (err)
		return err;
	cJSON_ArrayForEach(item, arr) {
		const char *type = od_json_get_str(item, "type"), *id = od_json_get_str(item, "id");
		if (type && id && strcmp(type, "group") == 0 && od_privs_add(via, id) != 0)
			return od_error_nomem();
	}
	return NULL;
}

/* A copy of root[key] into *out: required, or (optional) NULL when absent. */
static struct od_error *
copy_str(const cJSON *root, const char *key, const char *what, bool optional, char **out)
{
	const char *s = od_json_get_str(root, key);
	struct od_error *err = s || optional ? NULL : od_json_str(root, key, what, &s);

	if (!err && s && !(*out = strdup(s)))
		err = od_error_nomem();
	return err;
}

/* Take in one reply. */
static struct od_error *
task_read(struct task *t, const cJSON *root)
{
	struct od_members *m = t->m;
	struct od_member *mb = t->kind >= T_USER ? &m->v[t->member] : NULL;
	const char *what = _("the space's members");
	struct od_error *err;

	switch (t->kind) {
	case T_OWNERS:
	case T_USERS:
	case T_EFF_USERS:
		return read_names(root, "users", what, list_of(m, t->kind));
	case T_GROUPS:
	case T_MY_GROUPS:
		return read_names(root, "groups", what, &m->groups);
	case T_EFF_GROUPS:
		return read_names(root, "groups", what, &m->eff_groups);
	case T_USER:
		if ((err = copy_str(root, "fullName", what, false, &mb->name)))
			return err;
		return copy_str(root, "username", what, true, &mb->username);
	case T_GROUP:
		if ((err = copy_str(root, "name", what, false, &mb->name)))
			return err;
		return copy_str(root, "type", what, true, &mb->group_type);
	case T_USER_PRIVS:
	case T_GROUP_PRIVS:
		return read_names(root, "privileges", what, &mb->privileges);
	case T_USER_EFF_PRIVS:
	case T_GROUP_EFF_PRIVS:
		return read_names(root, "privileges", what, &mb->effective);
	case T_USER_VIA:
		return read_via(root, what, &mb->via);
	}
	return NULL;
}

static bool
reads_privileges(enum task_kind kind)
{
	return kind == T_USER_PRIVS || kind == T_USER_EFF_PRIVS || kind == T_GROUP_PRIVS ||
	       kind == T_GROUP_EFF_PRIVS;
}

static void start_more(struct od_members *m);

static void
on_task(const cJSON *root, struct od_error *err, void *ud)
{
	struct task *t = ud;
	struct od_members *m;

	/* Cancelled: the members may be gone already. */
	if (err && err->kind == OD_ERR_CANCELLED) {
		od_error_free(err);
		return;
	}
	m = t->m;
	t->op = NULL;
	m->running--;
	/* Without space_view_privileges the members are still worth showing. */
	if (err && err->status == 403 && reads_privileges(t->kind)) {
		m->privs_denied = true;
		od_error_free(err);
	} else if (err) {
		fail(m, err);
	} else if (!root) {
		fail(m, od_error_new(OD_ERR_INPUT, _("the zone sent an empty answer about the space's members")));
	} else if ((err = task_read(t, root))) {
		fail(m, err);
	}
	start_more(m);
}

static size_t
add_member(struct od_members *m, enum od_member_kind kind, const char *id)
{
	struct od_member *v = realloc(m->v, (m->n + 1) * sizeof(*v));

	if (!v) {
		fail(m, od_error_nomem());
		return m->n;
	}
	m->v = v;
	v[m->n] = (struct od_member){ .kind = kind, .id = strdup(id) };
	if (!v[m->n].id) {
		fail(m, od_error_nomem());
		return m->n;
	}
	return m->n++;
}

/* The ids are known: queue what to read about each member. */
static void
queue_details(struct od_members *m)
{
	if (!m->space_id) {
		for (size_t i = 0; i < m->groups.n && !m->err; i++) {
			size_t k = add_member(m, OD_MEMBER_GROUP, m->groups.v[i]);
			m->v[k].direct = true;
			queue(m, T_GROUP, k, "/groups/", m->groups.v[i], "");
		}
		return;
	}
	/* A direct member missing from the effective list still counts. */
	for (size_t i = 0; i < m->users.n; i++)
		if (od_privs_add(&m->eff_users, m->users.v[i]) != 0)
			fail(m, od_error_nomem());
	for (size_t i = 0; i < m->groups.n; i++)
		if (od_privs_add(&m->eff_groups, m->groups.v[i]) != 0)
			fail(m, od_error_nomem());
	for (size_t i = 0; i < m->eff_users.n && !m->err; i++) {
		const char *id = m->eff_users.v[i];
		size_t k = add_member(m, OD_MEMBER_USER, id);
		if (m->err)
			break;
		m->v[k].direct = od_privs_has(&m->users, id);
		m->v[k].owner = od_privs_has(&m->owners, id);
		queue(m, T_USER, k, "/effective_users/", id, "");
		queue(m, T_USER_EFF_PRIVS, k, "/effective_users/", id, "/privileges");
		queue(m, T_USER_VIA, k, "/effective_users/", id, "/membership");
		if (m->v[k].direct)
			queue(m, T_USER_PRIVS, k, "/users/", id, "/privileges");
	}
	for (size_t i = 0; i < m->eff_groups.n && !m->err; i++) {
		const char *id = m->eff_groups.v[i];
		size_t k = add_member(m, OD_MEMBER_GROUP, id);
		if (m->err)
			break;
		m->v[k].direct = od_privs_has(&m->groups, id);
		queue(m, T_GROUP, k, "/effective_groups/", id, "");
		queue(m, T_GROUP_EFF_PRIVS, k, "/effective_groups/", id, "/privileges");
		if (m->v[k].direct)
			queue(m, T_GROUP_PRIVS, k, "/groups/", id, "/privileges");
	}
}

static int
by_kind_and_name(const void *a, const void *b)
{
	const struct od_member *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind == OD_MEMBER_USER ? -1 : 1;
	c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
	return c ? c : strcmp(x->id, y->id);
}

static void
finish(struct od_members *m)
{
	od_done_fn *fn = m->fn;
	struct od_error *err = m->err;

	m->fn = NULL;
	m->err = NULL;
	drop_tasks(m);
	for (size_t i = 0; i < m->n; i++)
		m->v[i].privileges_known = m->space_id && !m->privs_denied;
	if (!err && m->n)	/* qsort wants an array, even for none */
		qsort(m->v, m->n, sizeof(*m->v), by_kind_and_name);
	if (fn)
		fn(err, m->ud);
	else
		od_error_free(err);
}

/* Keep MEMBERS_PARALLEL calls going; the lists first, then the details. */
static void
start_more(struct od_members *m)
{
	while (!m->err && m->running < MEMBERS_PARALLEL && m->next < m->n_tasks) {
		struct task *t = m->tasks[m->next++];
		char *path = t->path;
		t->path = NULL;
		m->running++;
		if (!(t->op = zcall_json(m->z, OD_GET, path, NULL, N_("the space's members"), on_task, t))) {
			m->running--;
			fail(m, od_error_nomem());
		}
	}
	if (m->running > 0 || (m->next < m->n_tasks && !m->err))
		return;
	if (!m->listed && !m->err) {
		m->listed = true;
		drop_tasks(m);
		queue_details(m);
		start_more(m);
		return;
	}
	finish(m);
}

static void
load(struct od_members *m, od_done_fn *fn, void *ud)
{
	m->fn = fn;
	m->ud = ud;
	start_more(m);
}

void
od_members_load_space(struct od_members *m, const char *space_id, od_done_fn *fn, void *ud)
{
	if (!(m->space_id = strdup(space_id)))
		fail(m, od_error_nomem());
	if (!m->err) {
		queue(m, T_OWNERS, 0, "/owners", NULL, NULL);
		queue(m, T_USERS, 0, "/users", NULL, NULL);
		queue(m, T_EFF_USERS, 0, "/effective_users", NULL, NULL);
		queue(m, T_GROUPS, 0, "/groups", NULL, NULL);
		queue(m, T_EFF_GROUPS, 0, "/effective_groups", NULL, NULL);
	}
	load(m, fn, ud);
}

void
od_members_load_user_groups(struct od_members *m, od_done_fn *fn, void *ud)
{
	queue(m, T_MY_GROUPS, 0, "/user/groups", NULL, NULL);
	load(m, fn, ud);
}

size_t
od_members_count(const struct od_members *m)
{
	return m->n;
}

const struct od_member *
od_members_get(const struct od_members *m, size_t i)
{
	return i < m->n ? &m->v[i] : NULL;
}

/* How a member matches text: 3 by id, 2 by username, 1 by name, 0 not. */
static int
match(const struct od_member *mb, const char *text)
{
	if (strcmp(mb->id, text) == 0)
		return 3;
	if (mb->username && strcmp(mb->username, text) == 0)
		return 2;
	return mb->name && strcmp(mb->name, text) == 0;
}

struct od_error *
od_members_find(const struct od_members *m, enum od_member_kind kind, const char *text,
		const struct od_member **out)
{
	bool user = kind == OD_MEMBER_USER;
	const struct od_member *found = NULL;
	int best = 0;
	size_t ties = 0;
	struct od_buf ids;
	struct od_error *err;

	*out = NULL;
	for (size_t i = 0; i < m->n; i++) {
		int how = m->v[i].kind == kind ? match(&m->v[i], text) : 0;
		if (how > best) {
			best = how;
			found = &m->v[i];
			ties = 1;
		} else if (how && how == best) {
			ties++;
		}
	}
	if (ties == 1) {
		*out = found;
		return NULL;
	}
	if (ties == 0) {
		if (!m->space_id)
			return od_error_new(OD_ERR_INPUT, _("you belong to no group '%s'"), text);
		return od_error_new(OD_ERR_INPUT,
				    user ? _("no member user '%s' in this space (give an id, a username or a full name)")
					 : _("no member group '%s' in this space (give an id or a group name)"),
				    text);
	}
	od_buf_init(&ids, OD_BUF_UNLIMITED);
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].kind == kind && match(&m->v[i], text) == best &&
		    od_buf_addf(&ids, "%s%s", ids.len ? ", " : "", m->v[i].id)) {
			od_buf_done(&ids);
			return od_error_nomem();
		}
	err = od_error_new(OD_ERR_INPUT,
			   user ? _("'%s' names %zu users (%s); give the id of one")
				: _("'%s' names %zu groups (%s); give the id of one"),
			   text, ties, od_buf_str(&ids));
	od_buf_done(&ids);
	return err;
}
