/* SPDX-License-Identifier: GPL-3.0-or-later */
/* members.h: spaces and their members, self-service: creating a space (and
 * a group for its members), renaming it, its supporting providers and
 * sizes; the members, users and groups, direct and effective, with their
 * privileges; adding a group, removing a member and changing privileges,
 * by preset or one by one against the zone's privilege vocabulary.
 *
 * Every call goes to the Onezone; every change made is recorded in the
 * access log (acclog.h). Records handed to a callback are valid only
 * during the call. */
#ifndef ONETUI_MEMBERS_H
#define ONETUI_MEMBERS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/engine.h"
#include "onetui/provider.h"
#include "onetui/zone.h"

/* --- privileges --------------------------------------------------------------------- */

/* A set of privilege names, in the order added. */
struct od_privs {
	char **v;
	size_t n;
};
bool od_privs_has(const struct od_privs *p, const char *name);
/* Add a copy of name unless it is there: 0, or -ENOMEM. */
int od_privs_add(struct od_privs *p, const char *name) OD_WARN_UNUSED;
void od_privs_done(struct od_privs *p);
/* Add every name of from to to: 0, or -ENOMEM. */
int od_privs_copy(const struct od_privs *from, struct od_privs *to) OD_WARN_UNUSED;

/* The zone's privilege vocabulary (GET /spaces/privileges): every space
 * privilege, in the zone's order, and the sets it suggests for managers
 * and members. */
struct od_priv_vocab {
	struct od_privs all, manager, member;
};
/* A deep copy (0, or -ENOMEM with to empty), and freeing one. */
int od_vocab_copy(const struct od_priv_vocab *from, struct od_priv_vocab *to) OD_WARN_UNUSED;
void od_vocab_done(struct od_priv_vocab *v);
typedef void od_vocab_fn(const struct od_priv_vocab *v, struct od_error *err, void *ud);
struct od_op *od_space_vocab(struct od_zone *z, od_vocab_fn *fn, void *ud);

/* Presets: viewer (space_view, space_read_data), contributor (the member
 * defaults plus space_schedule_replication and space_view_qos: they bring
 * their data where they compute and see whether it is kept as required),
 * manager (the zone's manager set). */
enum od_preset {
	OD_PRESET_VIEWER,
	OD_PRESET_CONTRIBUTOR,
	OD_PRESET_MANAGER,
};
/* The preset called name, or -1. */
int od_preset_parse(const char *name);
/* Its name, as od_preset_parse reads it ("viewer"). */
const char *od_preset_name(enum od_preset p);
/* The preset's privileges that the vocabulary has, in its order: 0, or
 * -ENOMEM. */
int od_preset_privs(const struct od_priv_vocab *v, enum od_preset p, struct od_privs *out) OD_WARN_UNUSED;
/* What to grant and what to revoke so that have becomes want: 0, or
 * -ENOMEM (grant and revoke start empty). */
int od_privs_diff(const struct od_privs *have, const struct od_privs *want, struct od_privs *grant,
		  struct od_privs *revoke) OD_WARN_UNUSED;

/* The preset whose privileges are exactly p; -1 when none is, -ENOMEM. */
int od_preset_exact(const struct od_priv_vocab *v, const struct od_privs *p);
/* The largest preset that p holds all of, with *extra the privileges
 * beyond it; -1 when none, -ENOMEM. */
int od_preset_within(const struct od_priv_vocab *v, const struct od_privs *p, size_t *extra);

/* --- a space ---------------------------------------------------------------------------- */

/* A space as GET /spaces/{sid} describes it; absent strings NULL. */
struct od_space_support {
	const char *provider_id;
	int64_t size;		/* bytes granted, -1 when not a number */
};
struct od_space_info {
	const char *id, *name, *description, *organization;
	const char *creator_id;
	int64_t created;	/* -1 when not told */
	struct od_space_support *supports;
	size_t n_supports;
	const cJSON *raw;
};
typedef void od_space_info_fn(const struct od_space_info *s, struct od_error *err, void *ud);
struct od_op *od_space_info(struct od_zone *z, const char *space_id, od_space_info_fn *fn, void *ud);

/* Create a space called name; the caller becomes its owner with every
 * privilege. fn gets the new space's id. */
struct od_op *od_space_create(struct od_zone *z, const char *name, od_file_id_fn *fn, void *ud);
/* Create a group called name (a team); the caller is its member and
 * administers it. fn gets the new group's id. */
struct od_op *od_group_create(struct od_zone *z, const char *name, od_file_id_fn *fn, void *ud);
/* Rename a space (space_update); old_name is for the log (may be NULL). */
struct od_op *od_space_rename(struct od_zone *z, const char *space_id, const char *old_name, const char *name,
			      od_done_fn *fn, void *ud);

/* --- members ---------------------------------------------------------------------------- */

enum od_member_kind {
	OD_MEMBER_USER,
	OD_MEMBER_GROUP,
};

struct od_member {
	enum od_member_kind kind;
	char *id;
	char *name;		/* a user's full name, a group's name */
	char *username;		/* users; NULL for groups */
	char *group_type;	/* groups; NULL for users */
	bool direct;		/* a direct member; else only through groups */
	bool owner;		/* an owner of the space: every privilege, whatever is set */
	/* Whether the privileges below could be read (space_view_privileges). */
	bool privileges_known;
	struct od_privs privileges;	/* held directly (empty for indirect members) */
	struct od_privs effective;	/* directly and through member groups */
	struct od_privs via;		/* users: the member groups they belong to */
};

/* The members of a space, or the groups of the current user, read with a
 * few calls at a time. */
struct od_members;
/* NULL when out of memory. */
struct od_members *od_members_new(struct od_zone *z);
/* Read the space's members (space_view; their privileges need
 * space_view_privileges, else privileges_known stays false). fn once all
 * is read, or with the first error. */
void od_members_load_space(struct od_members *m, const char *space_id, od_done_fn *fn, void *ud);
/* Read the groups the current user belongs to (as direct members). */
void od_members_load_user_groups(struct od_members *m, od_done_fn *fn, void *ud);
/* Users first, then groups, each sorted by name. */
size_t od_members_count(const struct od_members *m);
const struct od_member *od_members_get(const struct od_members *m, size_t i);
/* The member of that kind named text: its id, else a user's username or
 * full name, a group's name. Unknown or ambiguous names are errors that
 * say so (OD_ERR_INPUT). */
struct od_error *od_members_find(const struct od_members *m, enum od_member_kind kind, const char *text,
				 const struct od_member **out) OD_WARN_UNUSED;
/* Cancel what is in flight and free; fn is not called after this. */
void od_members_free(struct od_members *m);
/* p, a member's privileges, in a few words: "viewer", "manager + 9",
 * "12 privileges", "owner (every privilege)", "none", "?" when they
 * could not be read. NULL when out of memory; the caller frees. */
char *od_member_privs_summary(const struct od_priv_vocab *v, const struct od_member *mb, const struct od_privs *p);
/* How mb is a member: "direct", and the names of the member groups it
 * belongs to ("direct, cryo-em-staff"). NULL when out of memory. */
char *od_member_via(const struct od_members *m, const struct od_member *mb);

/* Add a group to a space (space_add_group there, group_add_space in the
 * group) with privs (NULL: the zone's member defaults; else also
 * space_set_privileges). name is for the log. */
struct od_op *od_space_add_group(struct od_zone *z, const char *space_id, const char *group_id, const char *name,
				 const struct od_privs *privs, od_done_fn *fn, void *ud);
/* Remove a direct member (space_remove_user or space_remove_group). */
struct od_op *od_space_remove_member(struct od_zone *z, const char *space_id, enum od_member_kind kind,
				     const char *id, const char *name, od_done_fn *fn, void *ud);
/* Grant, then revoke, privileges of a direct member (space_set_privileges);
 * either may be empty, not both. */
struct od_op *od_space_set_privileges(struct od_zone *z, const char *space_id, enum od_member_kind kind,
				      const char *id, const char *name, const struct od_privs *grant,
				      const struct od_privs *revoke, od_done_fn *fn, void *ud);

#endif
