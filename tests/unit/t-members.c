/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-members.c: unit tests for privilege sets, presets and the grant and
 * revoke lists that turn one set into another. */
#include "config.h"

#include "onetui/members.h"

#include <stdlib.h>
#include <string.h>


#include "tap.h"

/* A set from a space-separated list. */
static struct od_privs
privs(const char *names)
{
	struct od_privs p = { 0 };
	char *copy = strdup(names), *save = NULL;

	if (!copy)
		abort();
	for (char *n = strtok_r(copy, " ", &save); n; n = strtok_r(NULL, " ", &save))
		if (od_privs_add(&p, n) != 0)
			abort();
	free(copy);
	return p;
}

/* The set as a space-separated list (static buffer). */
static const char *
text(const struct od_privs *p)
{
	static char buf[1024];

	buf[0] = '\0';
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, p->v[i]);
	}
	return buf;
}

static void
test_sets(void)
{
	struct od_privs p = privs("space_view space_read_data space_view");

	cmp_ok(p.n, "==", 2, "a name added twice is held once");
	ok(od_privs_has(&p, "space_read_data") && !od_privs_has(&p, "space_write_data"), "has");
	od_privs_done(&p);
	cmp_ok(p.n, "==", 0, "done empties the set");
}

/* A vocabulary like the zone's, in a different order and without
 * space_view_qos, to show presets follow the zone. */
static struct od_priv_vocab
vocab(void)
{
	struct od_priv_vocab v = {
		.all = privs("space_read_data space_view space_write_data space_view_transfers "
			     "space_schedule_replication space_view_privileges space_add_group space_delete"),
		.manager = privs("space_view space_read_data space_write_data space_view_transfers "
				 "space_view_privileges space_add_group space_schedule_replication"),
		.member = privs("space_view space_read_data space_write_data space_view_transfers"),
	};
	return v;
}

static void
test_presets(void)
{
	static const struct {
		const char *name, *want;
	} cases[] = {
		{ "viewer", "space_read_data space_view" },
		{ "contributor", "space_read_data space_view space_write_data space_view_transfers "
				 "space_schedule_replication" },
		{ "manager", "space_read_data space_view space_write_data space_view_transfers "
			     "space_schedule_replication space_view_privileges space_add_group" },
	};
	struct od_priv_vocab v = vocab();

	for (size_t i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		int preset = od_preset_parse(cases[i].name);
		struct od_privs got;
		ok(preset >= 0 && od_preset_privs(&v, (enum od_preset)preset, &got) == 0, "preset %s", cases[i].name);
		is(text(&got), cases[i].want, "%s: what the vocabulary has, in its order", cases[i].name);
		od_privs_done(&got);
	}
	cmp_ok(od_preset_parse("admin"), "==", -1, "no preset admin");
	cmp_ok(od_preset_parse("Viewer"), "==", -1, "preset names are exact");
	od_privs_done(&v.all);
	od_privs_done(&v.manager);
	od_privs_done(&v.member);
}

static void
test_diff(void)
{
	static const struct {
		const char *have, *want, *grant, *revoke;
	} cases[] = {
		{ "a b c", "a b c", "", "" },
		{ "a b", "a b c d", "c d", "" },
		{ "a b c", "b", "", "a c" },
		{ "a b", "b c", "c", "a" },
		{ "", "a", "a", "" },
		{ "a", "", "", "a" },
	};

	for (size_t i = 0; i < OD_ARRAY_SIZE(cases); i++) {
		struct od_privs have = privs(cases[i].have), want = privs(cases[i].want), grant, revoke;
		ok(od_privs_diff(&have, &want, &grant, &revoke) == 0, "diff %zu", i);
		is(text(&grant), cases[i].grant, "[%s] -> [%s]: grant", cases[i].have, cases[i].want);
		is(text(&revoke), cases[i].revoke, "[%s] -> [%s]: revoke", cases[i].have, cases[i].want);
		od_privs_done(&have);
		od_privs_done(&want);
		od_privs_done(&grant);
		od_privs_done(&revoke);
	}
}

int
main(void)
{
	test_sets();
	test_presets();
	test_diff();
	return done_testing();
}
