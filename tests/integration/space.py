#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Spaces and members through the onetui CLI, against the test zone over
HTTPS: a space's providers and sizes; its members, direct and effective,
parsed back from --json and compared with the fixture; the privilege
vocabulary as the zone sends it; presets, grants and revocations and the
sets they produce; creating a space with a group, renaming it, adding a
group, removing members (confirmed; yourself named plainly; the last
owner kept); every refusal with its exit code and message; the access
log."""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import Harness, ONETUI, Tap, expect  # noqa: E402
from zonetest import OZ, Client  # noqa: E402
import cases as C  # noqa: E402

KRIOS, TEM = C.KRIOS, "TEM Materials"
MEMBER = ["space_view", "space_read_data", "space_write_data", "space_view_transfers"]
COLLAB = "krios-2025-11-collaborators"


def zone_get(h, path, user="alice"):
    client = Client(h.info["ca"])
    token = h.info["tokens"][user] if user else None
    return client.get(h.info["zone"]["url"] + OZ + path, token=token).json()


def members(h, space, *extra, user="alice"):
    r = h.run("space", "members", "--json", space, *extra, user=user)
    return r, (r.json() or {})


def by_name(entries, key="name"):
    return {e[key]: e for e in entries}


def usage(t, h):
    expect(t, h.run("space"), "space without a verb: exit 2", 2, err=r"needs a verb")
    expect(t, h.run("space", "frob", TEM), "an unknown verb: exit 2", 2, err=r"unknown space verb: 'frob'")
    expect(t, h.run("space", "rename", TEM), "rename without a new name: exit 2", 2, err=r"wrong arguments")
    expect(t, h.run("space", "rm-member", TEM), "rm-member without --user or --group: exit 2", 2,
           err=r"needs one of --user and --group")
    expect(t, h.run("space", "privileges", TEM, "--user", "bob", "--group", "x"),
           "both --user and --group: exit 2", 2, err=r"needs one of --user and --group")
    expect(t, h.run("space", "privileges", TEM, "--user", "bob", "--preset", "boss"),
           "an unknown preset: exit 2", 2, err=r"unknown preset 'boss'")
    expect(t, h.run("space", "members", TEM, "--grant", "space_view"), "--grant outside privileges: exit 2", 2,
           err=r"only for privileges")
    expect(t, h.run("space", "show", "--effective", TEM), "--effective outside members: exit 2", 2,
           err=r"--effective is only for members")
    expect(t, h.run("space", "privileges", TEM, "--user", "bob", "--grant", "space_fly"),
           "a privilege the zone does not have: exit 2", 2, err=r"the zone has no privilege 'space_fly'")
    expect(t, h.run("space", "show", "No Such Space"), "an unknown space: exit 1", 1, err=r"No Such Space")


def show(t, h):
    r = h.run("space", "show", KRIOS)
    t.ok(r.rc == 0 and re.search(r"Providers +Facility Storage +10 TiB\n +HPC Centre +5\.0 TiB \(read-only\)",
                                 r.text) and re.search(r"Total +15 TiB", r.text),
         "show: the supporting providers and their sizes", repr(r))
    got = h.run("space", "show", "--json", KRIOS).json() or {}
    sizes = {p["name"]: p["size"] for p in got.get("providers", [])}
    t.eq((got.get("spaceId"), sizes, got.get("totalSize")),
         (h.info["spaces"][KRIOS], {"Facility Storage": 10 << 40, "HPC Centre": 5 << 40}, 15 << 40),
         "show --json: sizes in bytes, and their total")
    r = h.run("space", "show", "Empty Support")
    expect(t, r, "show: a space nobody supports says so", 0, out=r"Providers +none: no provider supports")


def listing(t, h):
    users = h.info["users"]
    r, got = members(h, KRIOS)
    direct_users = by_name(got.get("users", []), "username")
    groups = by_name(got.get("groups", []))
    t.ok(r.rc == 0 and list(direct_users) == ["alice"] and direct_users["alice"]["owner"]
         and sorted(groups) == ["cryo-em-staff", COLLAB], "members --json: the direct members", repr(r))
    t.eq(groups.get(COLLAB, {}).get("privileges"), ["space_view", "space_read_data", "space_view_transfers"],
         "the collaborators' group privileges, in the zone's order")
    r, got = members(h, KRIOS, "--effective")
    eff = by_name(got.get("users", []), "username")
    staff = groups["cryo-em-staff"]["groupId"]
    t.ok(r.rc == 0 and sorted(eff) == ["alice", "bob", "carol"] and not eff["carol"]["direct"]
         and eff["carol"]["via"] == [staff] and eff["carol"]["userId"] == users["carol"],
         "--effective: carol is a member through cryo-em-staff", repr(r))
    want = zone_get(h, "/spaces/%s/effective_users/%s/privileges" % (h.info["spaces"][KRIOS], users["carol"]))
    t.eq(eff.get("carol", {}).get("effectivePrivileges"), want["privileges"],
         "carol's effective privileges are the zone's")
    r = h.run("space", "members", "--effective", KRIOS)
    t.ok(r.rc == 0 and re.search(r"user +Carol Lindqvist +carol +manager \+ \d+ +cryo-em-staff ", r.text)
         and re.search(r"user +Alice Kowalczyk +alice +owner", r.text)
         and re.search(r"group +%s +viewer \+ 1 " % COLLAB, r.text),
         "members --effective: a table with presets and the groups members come through", repr(r))
    r, got = members(h, KRIOS, user="bob")
    t.ok(r.rc == 0 and all(g["privileges"] is None for g in got.get("groups", [])),
         "bob may list members, not their privileges (null)", repr(r))
    r = h.run("space", "members", KRIOS, user="bob")
    expect(t, r, "and the table shows them as ?", 0, out=r"group +cryo-em-staff +\? ")
    expect(t, h.run("space", "privileges", KRIOS, "--user", "alice", user="bob"),
           "bob reading privileges: exit 4, names space_view_privileges", 4,
           err=r"needs space_view_privileges")
    expect(t, h.run("space", "members", KRIOS, user="dave"), "dave: not a space of his: exit 1", 1,
           err=KRIOS)


def vocabulary(t, h):
    zone = zone_get(h, "/spaces/privileges", user=None)
    r = h.run("space", "privileges", "--json", KRIOS, "--user", "Carol Lindqvist")
    got = r.json() or {}
    names = [p["privilege"] for p in got.get("vocabulary", [])]
    t.ok(r.rc == 0 and names == zone["admin"] and "space_manage_datasets" in names,
         "the vocabulary is the zone's, with the privileges the spec lacks", repr(r))
    held = {p["privilege"] for p in got.get("vocabulary", []) if p["effective"]}
    t.ok(got.get("member", {}).get("username") == "carol" and "space_manage_qos" in held
         and not any(p["direct"] for p in got.get("vocabulary", [])),
         "a member by full name: effective privileges held, none directly", repr(r))
    r = h.run("space", "privileges", KRIOS, "--user", h.info["users"]["carol"])
    t.ok(r.rc == 0 and re.search(r"^user Carol Lindqvist \(", r.text) and
         re.search(r"space_manage_qos +x\n", r.text) and re.search(r"space_delete *\n", r.text),
         "the table marks what is held, by id", repr(r))
    return zone


def group_privs(h, name, space=KRIOS):
    _, got = members(h, space)
    return by_name(got.get("groups", [])).get(name, {}).get("privileges")


def presets(t, h, zone):
    def set_(*args):
        return h.run("space", "privileges", KRIOS, "--group", COLLAB, *args)

    expect(t, set_("--preset", "viewer"), "preset viewer", 0, out=r": preset viewer")
    t.eq(group_privs(h, COLLAB), ["space_view", "space_read_data"], "viewer: space_view, space_read_data")
    expect(t, set_("--preset", "contributor"), "preset contributor", 0, out=r": preset contributor")
    t.eq(group_privs(h, COLLAB), [p for p in zone["admin"] if p in MEMBER + [
        "space_schedule_replication", "space_view_qos"]],
        "contributor: the member defaults, replication and QoS views")
    expect(t, set_("--preset", "manager", "--json"), "preset manager", 0)
    t.eq(group_privs(h, COLLAB), zone["manager"], "manager: the zone's manager set")
    set_("--preset", "viewer", "--grant", "space_write_data,space_view_transfers", "--revoke", "space_read_data")
    t.eq(group_privs(h, COLLAB), ["space_view", "space_write_data", "space_view_transfers"],
         "a preset, then --grant and --revoke")
    expect(t, set_("--grant", "space_view"), "granting what is held changes nothing: exit 0", 0,
           out=r"space_view +x +x")
    set_("--grant", "space_read_data", "--revoke", "space_write_data")
    t.eq(group_privs(h, COLLAB), ["space_view", "space_read_data", "space_view_transfers"],
         "back to the fixture's set")
    expect(t, h.run("space", "privileges", KRIOS, "--user", "carol", "--preset", "viewer"),
           "an effective-only member: exit 1", 1, err=r"only through groups")
    expect(t, h.run("space", "privileges", KRIOS, "--group", COLLAB, "--preset", "viewer", user="carol"),
           "carol, a manager without space_set_privileges: exit 4", 4,
           err=r"needs space_set_privileges.*privilege")
    expect(t, h.run("space", "privileges", KRIOS, "--user", "nobody", "--preset", "viewer"),
           "an unknown member: exit 1", 1, err=r"no member user 'nobody' in this space")


def create_and_rename(t, h):
    r = h.run("space", "create", "--json", "--group", "tomo-team", "Tomography 2026")
    made = r.json() or {}
    sid, gid = made.get("spaceId"), made.get("groupId")
    t.ok(r.rc == 0 and sid and gid, "create --group: the space's and the group's ids", repr(r))
    r = h.run("spaces", "--json")
    t.ok(sid in [s["spaceId"] for s in r.json() or []], "the new space is among the user's spaces", repr(r))
    r, got = members(h, sid)
    me = by_name(got.get("users", []), "username").get("alice", {})
    t.ok(r.rc == 0 and me.get("owner") and by_name(got.get("groups", [])).get("tomo-team", {}).get(
        "privileges") == MEMBER, "its owner, and the group with the member defaults", repr(r))
    expect(t, h.run("space", "show", sid), "an unsupported new space shows so", 0,
           out=r"Space +Tomography 2026\n[\s\S]*Providers +none")
    expect(t, h.run("space", "rename", sid, "Tomography-2026"), "rename: exit 0", 0)
    expect(t, h.run("space", "show", sid), "the new name shows", 0, out=r"Space +Tomography-2026\n")
    expect(t, h.run("space", "rename", sid, "."), "a name the zone refuses: exit 1", 1,
           err=r"Cannot rename space .*naming rules")
    expect(t, h.run("space", "create", "x"), "creating with a bad name: exit 1", 1,
           err=r"Cannot create space x: .*naming rules")
    expect(t, h.run("space", "rename", TEM, "Mine", user="bob"), "bob renaming TEM: exit 4", 4,
           err=r"needs space_update")
    return sid, gid


def add_group(t, h, sid):
    expect(t, h.run("space", "add-group", TEM, "tomo-team"), "add-group by name: exit 0", 0)
    t.eq(group_privs(h, "tomo-team", TEM), MEMBER, "the group is in TEM with the member defaults")
    expect(t, h.run("space", "add-group", TEM, "tomo-team"), "adding it again: exit 1", 1,
           err=r"already in place")
    expect(t, h.run("space", "add-group", TEM, COLLAB), "a group alice is not in: exit 1", 1,
           err=r"you belong to no group '%s'" % COLLAB)
    expect(t, h.run("space", "add-group", sid, "cryo-em-staff"),
           "a group alice may not add to spaces: exit 4", 4, err=r"group_add_space")
    for _ in range(2):
        h.run("space", "create", "--group", "dup team", "Dup %d" % _)
    expect(t, h.run("space", "add-group", TEM, "dup team"), "an ambiguous group name: exit 1", 1,
           err=r"'dup team' names 2 groups \([0-9a-f]{32}, [0-9a-f]{32}\); give the id")
    r = h.run("space", "create", "--group", "bob-group", "Bob Space", user="bob")
    expect(t, h.run("space", "add-group", TEM, "bob-group", user="bob"),
           "bob adding his group to TEM: exit 4", 4, err=r"needs space_add_group")


def removal(t, h, sid):
    r = h.run("space", "rm-member", TEM, "--group", "tomo-team")
    expect(t, r, "rm-member without --yes and no terminal: exit 2", 2, err=r"add --yes to confirm")
    t.ok(group_privs(h, "tomo-team", TEM) is not None, "nothing was removed")
    expect(t, h.run("space", "rm-member", "--yes", TEM, "--group", "tomo-team"), "rm-member --yes: exit 0", 0)
    t.ok(group_privs(h, "tomo-team", TEM) is None, "the group is gone from TEM")
    expect(t, h.run("space", "rm-member", "--yes", TEM, "--user", "zed"), "an unknown user: exit 1", 1,
           err=r"no member user 'zed'")
    r = h.run("space", "rm-member", TEM, "--user", "alice")
    expect(t, r, "removing yourself asks, naming it", 2, err=r"remove yourself \(Alice Kowalczyk\) from space")
    master, slave = os.openpty()
    os.write(master, b"n\n")
    r = h.run("space", "rm-member", TEM, "--user", "alice", stdin=slave)
    os.close(slave)
    os.close(master)
    t.ok(r.rc == 1 and "remove yourself" in r.errtext and "[y/N]" in r.errtext,
         "on a terminal the question is asked; no keeps you", repr(r))
    expect(t, h.run("space", "rm-member", "--yes", sid, "--user", "alice"), "the last owner stays: exit 1", 1,
           err=r"last owner")
    expect(t, h.run("space", "rm-member", "--yes", TEM, "--user", "alice", user="bob"),
           "bob removing alice: exit 4", 4, err=r"needs space_remove_user")
    expect(t, h.run("space", "rm-member", "--yes", TEM, "--user", "Bob Okafor"), "alice removes bob: exit 0", 0)
    r = h.run("spaces", "--json", user="bob")
    t.ok(TEM not in [s["name"] for s in r.json() or []], "TEM is no longer among bob's spaces", repr(r))


def access_log(t, h, sid, gid):
    path = os.path.join(h.home, ".local", "state", "onetui", "access.log")
    try:
        with open(path) as f:
            lines = [json.loads(line) for line in f]
    except (OSError, ValueError) as exc:
        t.ok(False, "the access log is readable", exc)
        return
    seen = {(e.get("action"), e.get("kind"), e.get("id")) for e in lines}
    tem = h.info["spaces"][TEM]
    t.ok({("create", "space", sid), ("create", "group", gid), ("update", "space", sid),
          ("remove", "member", h.info["users"]["bob"])} <= seen, "creations and removals are logged", lines[-3:])
    about_sid = [e.get("user") for e in lines if e.get("id") == sid]
    bobs = [e.get("user") for e in lines if e.get("name") == "Bob Space"]
    t.ok(about_sid and set(about_sid) == {h.info["users"]["alice"]} and bobs == [h.info["users"]["bob"]],
         "entries name the Onedata user who made the change", lines[:1])
    privs = [e for e in lines if e.get("kind") == "privileges"]
    t.ok(privs and all(e.get("detail", "").startswith("group") for e in privs)
         and any(re.search(r"revoke: .*space_read_data", e.get("detail", "")) for e in privs),
         "privilege changes are logged with what was granted and revoked", privs[:2])
    t.ok(not any(e.get("space") == tem and e.get("action") == "remove" and e.get("id") ==
                 h.info["users"]["alice"] for e in lines), "refused or unconfirmed changes are not logged")


def support_token(t, h):
    """A support token for a provider's admin: an invitation of kind
    supportSpace for the space, made through the token command."""
    out = os.path.join(h.tmp, "support.token")
    r = h.run("space", "support-token", TEM, "--expires", "7d", "--output-file", out)
    t.ok(r.rc == 0 and "supports the space TEM Materials" in r.text and "used 0 of 1 times" in r.text,
         "support-token: what it does, its limit", repr(r))
    t.ok(os.path.exists(out) and oct(os.stat(out).st_mode & 0o777) == "0o600" and
         not re.search(r"MDAx[A-Za-z0-9_-]{20}", r.text + r.errtext), "... saved privately, not shown", repr(r))
    r = h.run("token", "examine", "--from-file", out)
    t.ok(r.rc == 0 and "supports the space TEM Materials" in r.text, "... and it examines as a support invitation",
         repr(r))
    expect(t, h.run("space", "support-token", TEM, user="dave"), "without the space: refused", 1,
           err=r"TEM Materials")
    expect(t, h.run("space", "support-token", KRIOS, "--show-token", user="bob"),
           "without space_add_support: refused, the privilege named", 4, err=r"space_add_support")
    expect(t, h.run("space", "support-token", TEM, "--preset", "viewer"), "with privileges: exit 2", 2,
           err=r"no privileges")
    expect(t, h.run("space", "--json", "support-token", TEM), "options before the verb: exit 2, said how", 2,
           err=r"after the space")


def main():
    t = Tap()
    if not os.access(ONETUI, os.X_OK):
        t.skip_all("onetui is not built (%s)" % ONETUI)
        return
    h = Harness("--scheme", "https")
    try:
        usage(t, h)
        show(t, h)
        listing(t, h)
        zone = vocabulary(t, h)
        presets(t, h, zone)
        sid, gid = create_and_rename(t, h)
        add_group(t, h, sid)
        removal(t, h, sid)
        access_log(t, h, sid, gid)
        support_token(t, h)
    finally:
        h.close()
    t.done()


if __name__ == "__main__":
    main()
