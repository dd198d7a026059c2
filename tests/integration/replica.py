#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Onedata's own transfers and QoS through the onetui CLI, against the test
zone over HTTPS: replication, eviction and migration run by the zone over
time, followed to their end; listing, showing, cancelling and rerunning;
QoS requirements validated, added, fulfilled and removed."""

import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import Harness, ONETUI, SLOW, Tap, expect  # noqa: E402
import cases as C  # noqa: E402

KRIOS = C.KRIOS
P11 = C.P11
GRID = KRIOS + "/Images-Disc1/GridSquare_1734452"
MOVIE_DIR = GRID + "/Data"


def first_movie(h):
    r = h.run("ls", "--json", MOVIE_DIR)
    for e in r.json() or []:
        if e["name"].endswith("_fractions.tiff"):
            return MOVIE_DIR + "/" + e["name"]
    return None


def usage(t, h):
    expect(t, h.run("transfers", "replicate", GRID), "replicate without --to: exit 2", 2, err=r"--to")
    expect(t, h.run("transfers", "evict", GRID), "evict without --from: exit 2", 2, err=r"--from")
    expect(t, h.run("transfers", "replicate", "--to", "Nowhere", GRID), "an unknown provider: exit 2", 2,
           err=r"supports no such provider: Nowhere")
    expect(t, h.run("transfers", "--state", "done", "list", KRIOS), "a bad --state: exit 2", 2, err=r"--state")
    expect(t, h.run("transfers", "show", "0000nosuchtransfer"), "an unknown transfer: exit 1", 1,
           err=r"no space of yours has a transfer 0000nosuchtransfer")
    expect(t, h.run("transfers", "replicate", "--to", "HPC Centre", KRIOS + "/no such dir"),
           "a missing path: exit 1", 1, err=r"Cannot access")
    expect(t, h.run("qos", "add", P11 + "/p700123/processed"), "qos add without an expression: exit 2", 2)
    expect(t, h.run("qos", "frob", P11), "an unknown qos verb: exit 2", 2)
    expect(t, h.run("qos", "add", "--replicas", "0", P11 + "/p700123", "anyStorage"), "--replicas 0: exit 2", 2)


def eviction_and_back(t, h):
    movie = first_movie(h)
    r = h.run("transfers", "evict", "--from", "Facility Storage", "--wait", GRID)
    tid = r.text.split("\n")[0].strip()
    expect(t, r, "evict a grid square from Facility Storage and follow it to the end", 0,
           out=r"Status +completed(.|\n)*From +Facility Storage", err=r"completed: \d+/\d+ files")
    r = h.run("info", "--json", movie)
    t.ok(r.rc == 0 and "Facility Storage" in r.text, "info still describes the movie", repr(r))
    r = h.run("transfers", "show", "--json", tid)
    rec = r.json() or {}
    t.ok(r.rc == 0 and rec.get("transferId") == tid and rec.get("type") == "eviction" and
         rec.get("transferStatus") == "completed" and rec.get("filesEvicted", 0) > 0,
         "show --json gives the provider's record with its id", repr(r))
    r = h.run("transfers", "replicate", "--to", "Facility Storage", "--wait", GRID)
    expect(t, r, "replicate it back and follow it", 0, out=r"Type +replication(.|\n)*Status +completed")
    r = h.run("transfers", "list", "--state", "ended", "--json", KRIOS)
    ids = [x.get("transferId") for x in r.json() or []]
    t.ok(r.rc == 0 and tid in ids, "list --state ended names the eviction", repr(r))
    r = h.run("transfers", "list", KRIOS)
    t.ok(r.rc == 0 and re.search(r"TRANSFER +TYPE +STATUS", r.text) and tid in r.text, "and as a table", repr(r))
    r = h.run("transfers", "rerun", tid)
    new = r.text.strip()
    t.ok(r.rc == 0 and re.fullmatch(r"[0-9a-z]+", new) and new != tid, "rerun an ended transfer: a new id",
         repr(r))
    r = h.run("transfers", "show", "--wait", new)
    expect(t, r, "which can be followed too", 0, out=r"Status +completed")
    r = h.run("transfers", "show", tid)
    t.ok(r.rc == 0 and re.search(r"Rerun as +%s" % new, r.text), "the old one names its rerun", repr(r))
    r = h.run("transfers", "cancel", tid)
    expect(t, r, "cancelling an ended transfer: exit 1, said", 1, err=r"Cannot cancel")


def migration(t, h):
    r = h.run("transfers", "migrate", "--from", "Facility Storage", "--to", "Nowhere", GRID)
    expect(t, r, "migrate to an unknown provider: exit 2", 2)
    r = h.run("transfers", "migrate", "--from", "HPC Centre", "--to", "Facility Storage", "--wait", "--json", GRID)
    lines = [json.loads(x) for x in r.text.splitlines() if x.startswith("{")]
    t.ok(r.rc in (0, 1) and lines and all(x.get("transferId") for x in lines) and
         lines[-1].get("transferStatus") in ("completed", "failed"),
         "migrate --wait --json: one record a second until it ends", repr(r))


def cancelling(t, h):
    h.control("POST", "/transfers/settings", {"paused": True})
    r = h.run("transfers", "evict", "--from", "Facility Storage", GRID)
    tid = r.text.strip()
    t.ok(r.rc == 0 and tid, "an eviction is scheduled (the zone holds it still)", repr(r))
    r = h.run("transfers", "list", "--state", "waiting", "--json", KRIOS)
    waiting = [x.get("transferId") for x in r.json() or []]
    t.ok(tid in waiting, "it is listed as waiting", repr(r))
    r = h.run("transfers", "cancel", tid)
    t.ok(r.rc == 0, "cancel it", repr(r))
    h.control("POST", "/transfers/settings", {"paused": False})
    r = h.run("transfers", "show", "--wait", tid)
    expect(t, r, "it ends cancelled: exit 1", 1, out=r"Status +cancelled")


def failures(t, h):
    movie = first_movie(h)
    fid = (h.run("stat", "--json", movie).json() or {}).get("fileId")
    h.run("transfers", "evict", "--from", "Facility Storage", "--wait", GRID)
    h.control("POST", "/files/%s/transfer-failure" % fid, {"provider": None, "errno": "eio"})
    r = h.run("transfers", "replicate", "--to", "Facility Storage", "--wait", GRID)
    h.control("DELETE", "/files/%s/transfer-failure" % fid)
    expect(t, r, "a file that fails to replicate: the transfer ends failed, exit 1", 1,
           out=r"Status +failed(.|\n)*1 failed")
    r = h.run("transfers", "replicate", "--to", "Facility Storage", "--wait", GRID)
    expect(t, r, "once it can, the replication completes", 0, out=r"Status +completed")


def hostile_record(t, h):
    """A transfer's record quotes the file's path: a name with a character
    that reorders text is written escaped in JSON, never raw."""
    r = h.run("transfers", "replicate", "--to", "Facility Storage", "--json",
              KRIOS + "/hostile/invoice\u202efdp.exe")
    tid = ((r.json() or {}).get("transferId")) if r.rc == 0 else None
    t.ok(tid, "replicate a file whose name holds U+202E", repr(r))
    r = h.run("transfers", "show", "--json", tid or "none")
    t.ok(r.rc == 0 and b"\xe2\x80\xae" not in r.out and b"\\u202e" in r.out.lower() and
         "invoice\u202efdp.exe" in (r.json() or {}).get("filePath", ""),
         "show --json: the path escaped (\\u202e), the same string when read back", repr(r))


def privileges(t, h):
    r = h.run("transfers", "replicate", "--to", "Facility Storage", GRID, user="bob")
    t.ok(r.rc in (1, 4) and b"Cannot start the transfer" in r.err, "bob may not schedule: refused, said", repr(r))


def qos(t, h):
    target = P11 + "/p700123/processed"
    r = h.run("qos", "add", target, "geo=(DE")
    expect(t, r, "an invalid expression: exit 1 with the provider's reason, nothing created", 1,
           err=r"is not accepted: .*: .+")
    before = h.run("qos", "show", "--json", target).json() or {}
    t.ok(len(before.get("requirements", [])) == 1, "only the inherited requirement is there",
         repr(before))
    r = h.run("qos", "add", target, "geo=DE & type=disk")
    qid = r.text.strip()
    expect(t, r, "a valid expression: the storages it selects, then the id", 0,
           err=r'"geo=DE & type=disk" selects 1 storage: ')
    r = h.run("qos", "show", "--json", target)
    reqs = {x["qosRequirementId"]: x for x in (r.json() or {}).get("requirements", [])}
    t.ok(qid in reqs and reqs[qid]["expression"] and reqs[qid]["inherited"] is False and
         any(x["inherited"] for x in reqs.values()), "show lists it, and the inherited one", repr(r))
    r = h.run("qos", "add", "--replicas", "5", target, "anyStorage")
    expect(t, r, "more replicas than storages: warned, created", 0, err=r"fewer storages match")
    q5 = r.text.strip()
    r = h.run("qos", "show", target)
    t.ok(r.rc == 0 and re.search(r"%s +impossible" % q5, r.text), "it shows impossible", repr(r))
    r = h.run("qos", "rm", target, q5)
    t.ok(r.rc == 0 and q5 not in h.run("qos", "show", target).text, "rm removes it", repr(r))
    r = h.run("qos", "rm", target, "0000nosuchqos")
    expect(t, r, "removing an unknown requirement: exit 1", 1, err=r"Cannot remove")
    r = h.run("qos", "add", target, "anyStorage", user="bob")
    t.ok(r.rc != 0, "bob may not manage QoS", repr(r))


def main():
    t = Tap()
    if not os.access(ONETUI, os.X_OK):
        t.skip_all("onetui is not built (%s)" % ONETUI)
        return
    h = Harness("--scheme", "https")
    try:
        usage(t, h)
        eviction_and_back(t, h)
        migration(t, h)
        cancelling(t, h)
        failures(t, h)
        privileges(t, h)
        hostile_record(t, h)
        qos(t, h)
    finally:
        h.close()
    t.done()


if __name__ == "__main__":
    main()
