#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shares and handles through the onetui CLI, against the test zone over
HTTPS: a file and a directory published (public URL and public REST URL
readable without a token, the description kept byte for byte), listed
per file, per space, over all spaces and zone-wide, renamed, described
and deleted (with the question, or --yes; the public URL stops working,
the data stays); handles registered with Dublin Core metadata and shown
on the share; hostile names from the server shown harmlessly; every
refusal, with its exit code and what it says; the access log."""

import json
import os
import pty
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import Api, Harness, ONETUI, Tap, WRAPPER, expect, raw_safe  # noqa: E402
import cases as C  # noqa: E402

TEM = "TEM Materials"
NITI = TEM + "/2025-03-18 NiTi alloy"
FILE = NITI + "/NiTi_0001.dm4"
P11 = "P11 Beamline p700123"
RUN34 = "/%s/p700123/r0034" % P11
SQUARE = "/%s/Images-Disc1/GridSquare_1734452" % C.KRIOS
DOI, HDL = "Facility DOI (test)", "Facility Handle.net (test)"
DC = "{http://purl.org/dc/elements/1.1/}"
# Markdown with what must survive: UTF-8 (accents, CJK, an emoji), tabs,
# a CRLF line end, a code block, no final newline.
MARKDOWN = ("# NiTi alloy, 18 March 2025\r\n\n"
            "Shape-memory **NiTi** — Ø 3 mm discs, 試料-東京 batch 🧪.\n\n"
            "\tcode: a < b && c > d\n\n"
            "| col | \"quoted\" |\n|-----|-----|\n| 1 | ü |").encode()
HOSTILE = "\x1b]0;pwned\x07Evil \x1b[31mred\x1b[0m \u202etxt.exe \x9b2J"


def lines(r):
    return r.text.splitlines()


def usage(t, h):
    expect(t, h.run("share"), "share without a verb: exit 2", 2, err=r"needs a verb")
    expect(t, h.run("share", "frob"), "an unknown verb: exit 2", 2, err=r"unknown share verb")
    expect(t, h.run("share", "show"), "show without an id: exit 2", 2, err=r"wrong arguments for share show")
    expect(t, h.run("share", "rename", "x"), "rename without a name: exit 2", 2, err=r"wrong arguments")
    expect(t, h.run("share", "ls", "--all", TEM), "ls --all with a space: exit 2", 2, err=r"--all")
    expect(t, h.run("share", "create", "--description", "a", "--description-file", "-", FILE),
           "both --description and --description-file: exit 2", 2, err=r"not both")
    expect(t, h.run("share", "describe", "0" * 32), "describe with neither text nor --file: exit 2", 2,
           err=r"the text or --file")
    expect(t, h.run("share", "handle", "0" * 32, "--creator", "A"), "handle without --service: exit 2", 2,
           err=r"needs --service")
    expect(t, h.run("share", "rm", "--name", "x", "0" * 32), "an option the verb does not take: exit 2, named", 2,
           err=r"share rm does not take --name")
    expect(t, h.run("share", "create", "--creator", "A", FILE), "a Dublin Core field outside handle: exit 2", 2,
           err=r"share create does not take --creator")
    expect(t, h.run("share", "create", "--name", "", FILE), "an empty name: exit 2", 2, err=r"name is empty")
    r = h.run("share", "create", "--name", "bad\x1b[31mname", FILE)
    expect(t, r, "a name with an escape sequence is refused before anything is sent: exit 2", 2,
           err=r"control or invisible character \(U\+001B\)")
    t.ok(raw_safe(r.err), "... and the refusal does not echo it raw", repr(r.err))
    expect(t, h.run("share", "create", "--description", "ok\u202eko", FILE),
           "a description with a reordering character: exit 2", 2, err=r"U\+202E")
    expect(t, h.run("share", "show", "f" * 32), "an unknown share: exit 1, said", 1,
           err=r"Cannot read share f{32}: ")
    expect(t, h.run("share", "create", TEM + "/no such dir"), "sharing a missing path: exit 1", 1,
           err=r"Cannot access")


def fixture_listing(t, h):
    shares = h.info["shares"]
    r = h.run("share", "ls")
    t.ok(r.rc == 0 and re.search(r"^SHARE +NAME +SPACE +PUBLIC URL", r.text) and
         "Grid square 1734452" in r.text and "Run 34, proposal p700123" in r.text,
         "ls: the shares of all of alice's spaces, with their space and public URL", repr(r))
    r = h.run("share", "ls", "--json")
    got = {s["shareId"]: s for s in (r.json() or {}).get("shares", [])}
    t.ok(r.rc == 0 and sorted(got) == sorted(shares.values()) and
         all(s["publicUrl"].endswith("/share/" + i) and s["publicRestUrl"].endswith("/shares/%s/public" % i)
             for i, s in got.items()), "ls --json: the two fixture shares, with both URLs", repr(r))
    r = h.run("share", "ls", "--json", user="bob")
    t.eq([s["shareId"] for s in (r.json() or {}).get("shares", [])], [shares[SQUARE]],
         "bob sees the Krios share only (he is not in P11)")
    r = h.run("share", "ls", "--json", P11)
    t.eq([s["shareId"] for s in (r.json() or {}).get("shares", [])], [shares[RUN34]], "ls SPACE: that space's")
    r = h.run("share", "ls", SQUARE.lstrip("/"))
    t.ok(r.rc == 0 and shares[SQUARE] in r.text and len(lines(r)) == 2, "ls SPACE/PATH: the folder's share",
         repr(r))
    r = h.run("share", "ls", SQUARE.lstrip("/") + "/FoilHoles")
    t.ok(r.rc == 0 and lines(r) == [lines(r)[0]] and lines(r)[0].startswith("SHARE"),
         "ls of what is inside a shared folder: none of its own", repr(r))
    r = h.run("share", "ls", "--all", "--json", user="carol")
    t.ok(r.rc == 0 and sorted(s["shareId"] for s in r.json()["shares"]) == sorted(shares.values()),
         "ls --all as a zone admin (carol): every share", repr(r))
    expect(t, h.run("share", "ls", "--all"), "ls --all without the admin privilege: exit 4, said", 4,
           err=r"Cannot list the shares of the zone: .*privilege")
    r = h.run("share", "show", shares[RUN34])
    t.ok(r.rc == 0 and re.search(r"Name +Run 34, proposal p700123\n", r.text) and
         re.search(r"Space +P11 Beamline p700123\n", r.text) and re.search(r"Handle +none\n", r.text) and
         re.search(r"Description +# Run 34, proposal p700123\n +\n +Macromolecular", r.text),
         "show: name, space, no handle, the description line by line", repr(r))


def upload(h, target, data):
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        return h.run("put", "--overwrite", f.name, target)


def publish(t, h, api):
    """A file shared with a description from a file; returns its id."""
    with tempfile.NamedTemporaryFile() as f:
        f.write(MARKDOWN)
        f.flush()
        r = h.run("share", "create", "--description-file", f.name, FILE)
    out = lines(r)
    t.ok(r.rc == 0 and len(out) == 3 and re.fullmatch(r"[0-9a-f]{32}", out[0]) and
         out[1].endswith("/share/" + out[0]) and out[2].endswith("/shares/%s/public" % out[0]),
         "create: the id, the public URL and the public REST URL, one a line", repr(r))
    sid, url, rest = out
    status, rec = api.share(sid)
    t.ok(status == 200 and rec["name"] == "NiTi_0001.dm4" and rec["fileType"] == "file",
         "the share is named after the file by default", repr(rec))
    t.ok(rec["description"].encode() == MARKDOWN, "the Markdown reached the zone byte for byte (UTF-8, tab, CRLF)",
         repr(rec["description"]))
    r = h.run("share", "show", "--json", sid)
    t.ok(r.rc == 0 and r.json()["description"].encode() == MARKDOWN and r.json()["handle"] is None,
         "show --json gives it back byte for byte", repr(r))
    r = h.run("share", "show", sid)
    t.ok(r.rc == 0 and "試料-東京 batch 🧪" in r.text and raw_safe(r.out), "show prints it, sanitised", repr(r))

    status, rec = api.public(rest)
    t.ok(status == 200 and rec["shareId"] == sid and "spaceId" not in rec,
         "the public REST URL answers without a token", repr(rec))
    dest = tempfile.mkdtemp(prefix="onetui-share-")
    r = h.run("get", url, dest, user=None)
    private = h.run("get", FILE, os.path.join(dest, "private.dm4"))
    with open(os.path.join(dest, "NiTi_0001.dm4"), "rb") as pub, open(os.path.join(dest, "private.dm4"), "rb") as pri:
        same = pub.read() == pri.read()
    t.ok(r.rc == 0 and private.rc == 0 and same, "the public URL downloads the file without a token, identical",
         repr(r))

    with tempfile.TemporaryFile() as stdin:
        stdin.write("# from stdin\n".encode())
        stdin.seek(0)
        r = h.run("share", "create", "--json", "--name", "NiTi, second view", "--description-file", "-", FILE,
                  stdin=stdin)
    second = (r.json() or {}).get("shareId")
    t.ok(r.rc == 0 and second and r.json()["description"] == "# from stdin\n" and
         r.json()["name"] == "NiTi, second view", "create --json --description-file -: a second share", repr(r))
    r = h.run("share", "ls", "--json", FILE)
    t.eq(sorted(s["shareId"] for s in (r.json() or {}).get("shares", [])), sorted([sid, second]),
         "ls of the file: both of its shares")
    r = h.run("share", "create", "--json", NITI)
    t.ok(r.rc == 0 and r.json()["fileType"] == "dir" and r.json()["name"] == "2025-03-18 NiTi alloy",
         "a directory is shared too", repr(r))
    h.run("share", "rm", "--yes", r.json()["shareId"])
    expect(t, h.run("share", "create", C.KRIOS + "/Atlas", user="bob"),
           "bob cannot share in the Krios space (no space_manage_shares): exit 4, said", 4,
           err=r"Cannot share Krios-2025-11 Session Data/Atlas: .*privilege")
    return sid, second, url, rest


def changes(t, h, api, sid):
    r = h.run("share", "rename", sid, "NiTi 0001 (Ø 3 mm)")
    t.ok(r.rc == 0 and re.search(r"Name +NiTi 0001 \(Ø 3 mm\)\n", r.text), "rename: shown with the new name",
         repr(r))
    t.eq(api.share(sid)[1]["description"].encode(), MARKDOWN, "... the description untouched")
    r = h.run("share", "describe", "--json", sid, "Short — ok ✓")
    t.ok(r.rc == 0 and r.json()["description"] == "Short — ok ✓" and r.json()["name"] == "NiTi 0001 (Ø 3 mm)",
         "describe TEXT: the new description, the name kept", repr(r))
    with tempfile.NamedTemporaryFile() as f:
        f.write(MARKDOWN)
        f.flush()
        r = h.run("share", "describe", sid, "--file", f.name)
    t.ok(r.rc == 0 and api.share(sid)[1]["description"].encode() == MARKDOWN, "describe --file: byte for byte",
         repr(r))
    with tempfile.NamedTemporaryFile() as f:
        f.write(b"bad \xff byte")
        f.flush()
        expect(t, h.run("share", "describe", sid, "--file", f.name), "a description file that is not UTF-8: exit 1",
               1, err=r"not valid UTF-8")
    with tempfile.NamedTemporaryFile() as f:
        f.write(b"with a\x00NUL")
        f.flush()
        expect(t, h.run("share", "describe", sid, "--file", f.name), "a description file with a NUL byte: exit 1",
               1, err=r"holds a NUL byte")
    t.eq(api.share(sid)[1]["description"].encode(), MARKDOWN, "... neither changed the description")
    expect(t, h.run("share", "rename", h.info["shares"][SQUARE], "mine", user="bob"),
           "bob cannot rename the Krios share: exit 4", 4, err=r"Cannot change share .*privilege")
    t.eq(api.share(h.info["shares"][SQUARE])[1]["name"], "Grid square 1734452, session EM-2025-117",
         "... and it keeps its name")


def ask(h, args, answer):
    """onetui ARGS on a terminal, answering the question."""
    master, slave = pty.openpty()
    cmd = WRAPPER + [ONETUI, "--zone", h.zone_url, "--cacert", h.info["ca"], "--token-file", h.tokens["alice"]]
    proc = subprocess.Popen(cmd + list(args), env=h.env(), stdin=slave, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    os.close(slave)
    os.write(master, answer.encode() + b"\n")
    out, err = proc.communicate(timeout=60)
    os.close(master)
    return proc.returncode, out, err


def deletion(t, h, api, sid, url, rest):
    expect(t, h.run("share", "rm", sid), "rm without --yes off a terminal: exit 2, says to add --yes", 2,
           err=r"delete share NiTi 0001 .*the data stays: add --yes")
    rc, _, err = ask(h, ("share", "rm", sid), "n")
    t.ok(rc == 1 and b"delete share" in err, "rm on a terminal, answered no: exit 1", repr((rc, err)))
    t.eq(api.share(sid)[0], 200, "... the share is still there")
    rc, _, err = ask(h, ("share", "rm", sid), "y")
    t.ok(rc == 0, "rm on a terminal, answered yes: deleted", repr((rc, err)))
    t.eq(api.share(sid)[0], 404, "... the zone no longer knows it")
    t.eq(api.public(rest)[0], 404, "... its public REST URL stops working")
    r = h.run("get", url, tempfile.mkdtemp(prefix="onetui-share-"), user=None)
    t.ok(r.rc == 1 and b"Cannot open the share" in r.err, "... and so does its public URL", repr(r))
    r = h.run("stat", FILE)
    t.ok(r.rc == 0, "... the file stays", repr(r))
    expect(t, h.run("share", "rm", "--yes", sid), "rm of a share that is gone: exit 1", 1,
           err=r"Cannot read share")


def hostile(t, h, api):
    """A name and description as a hostile server could send them (the
    zone takes any non-empty name through the API, as op-worker does)."""
    fid = api.call("POST", api.provider("Facility Storage") + "/lookup-file-id/" +
                   urllib.parse.quote(P11 + "/p700123/r0035", safe="/"), "carol")[1]["fileId"]
    status, made = api.call("POST", api.provider("Facility Storage") + "/shares", "carol",
                            {"name": HOSTILE, "rootFileId": fid, "description": "ok\n\x1b[2Jgone\x07"})
    sid = made["shareId"]
    for args in (("share", "ls", P11), ("share", "show", sid), ("share", "ls")):
        r = h.run(*args, user="carol")
        t.ok(r.rc == 0 and "Evil" in r.text and raw_safe(r.out), "%s: the hostile name shown escaped"
             % " ".join(args[:2]), repr(r.out))
    r = h.run("share", "ls", "--json", P11, user="carol")
    names = [s["name"] for s in (r.json() or {}).get("shares", [])]
    t.ok(r.rc == 0 and HOSTILE in names and raw_safe(r.out), "ls --json: the name exact, every control escaped",
         repr(r.out))
    r = h.run("share", "show", "--json", sid, user="carol")
    t.ok(r.rc == 0 and r.json()["description"] == "ok\n\x1b[2Jgone\x07" and raw_safe(r.out),
         "show --json: the description exact, escaped", repr(r.out))
    h.run("share", "rm", "--yes", sid, user="carol")


def handles(t, h, api, sid):
    r = h.run("share", "handle-services")
    t.ok(r.rc == 0 and DOI in r.text and HDL not in r.text, "handle-services: alice may use the DOI service",
         repr(r))
    r = h.run("share", "handle-services", "--json", user="carol")
    t.eq(sorted(s["name"] for s in (r.json() or {}).get("handleServices", [])), [DOI, HDL],
         "handle-services --json: carol may use both")
    r = h.run("share", "handle-services", user="bob")
    t.ok(r.rc == 0 and len(lines(r)) == 1, "bob may use none", repr(r))

    expect(t, h.run("share", "handle", sid, "--service", DOI), "a handle without a creator: exit 1, said", 1,
           err=r"needs a creator")
    expect(t, h.run("share", "handle", sid, "--service", DOI, "--creator", "A\x01B"),
           "a control character in the metadata: exit 2, said", 2,
           err=r"the creator holds a control or invisible character \(U\+0001\)")
    expect(t, h.run("share", "handle", sid, "--service", DOI, "--creator", "A", "--subject", "x\u202ey"),
           "a reordering character in the metadata: exit 2", 2, err=r"subject holds .*U\+202E")
    expect(t, h.run("share", "handle", sid, "--service", HDL, "--creator", "Alice"),
           "a handle service alice may not use, by name: exit 4, said", 4,
           err=r"no handle service called Facility Handle.net")
    expect(t, h.run("share", "handle", sid, "--service", h.info["handleServices"][HDL], "--creator", "Alice"),
           "... by id: the zone refuses, exit 4", 4, err=r"Cannot register a handle .*privilege")
    expect(t, h.run("share", "handle", h.info["shares"][SQUARE], "--service", h.info["handleServices"][DOI],
                    "--creator", "Bob", user="bob"),
           "bob may register on no service: exit 4", 4, err=r"Cannot register a handle")

    r = h.run("share", "handle", sid, "--service", DOI, "--creator", "Kowalczyk, Alice", "--creator",
              "Lindqvist, Carol", "--subject", "NiTi", "--subject", "shape memory", "--date", "2025-03-18",
              "--publisher", "Facility & Co <TEM>", "--type", "Dataset", "--rights", "CC-BY-4.0",
              "--language", "en", "--description", "Discs \"Ø 3 mm\" & more")
    out = lines(r)
    t.ok(r.rc == 0 and len(out) == 2 and out[0].startswith("10.5072/") and re.fullmatch(r"[0-9a-f]{32}", out[1]),
         "handle: the DOI and the handle's id", repr(r))
    if r.rc != 0:
        return
    doi, hid = out
    r = h.run("share", "show", sid)
    t.ok(r.rc == 0 and re.search(r"Handle +%s\n" % re.escape(doi), r.text) and hid in r.text,
         "show: the share's handle", repr(r))
    status, rec = api.public(api.zone + "/handles/%s/public" % hid)
    root = ElementTree.fromstring(rec["metadata"].encode())
    values = [(e.tag.replace(DC, ""), e.text) for e in root]
    t.eq(values, [("title", "NiTi 0001 (Ø 3 mm)"), ("creator", "Kowalczyk, Alice"), ("creator", "Lindqvist, Carol"),
                  ("subject", "NiTi"), ("subject", "shape memory"), ("description", "Discs \"Ø 3 mm\" & more"),
                  ("publisher", "Facility & Co <TEM>"), ("date", "2025-03-18"), ("type", "Dataset"),
                  ("language", "en"), ("rights", "CC-BY-4.0")],
         "the metadata is oai_dc, every value exact after escaping, the share's name as title")
    t.eq((rec["metadataPrefix"], rec["resourceId"]), ("oai_dc", sid), "... for this share")
    r = h.run("share", "show", "--json", sid)
    t.ok(r.rc == 0 and r.json()["handle"]["publicHandle"] == doi and r.json()["handleId"] == hid,
         "show --json: the handle", repr(r))
    expect(t, h.run("share", "handle", sid, "--service", DOI, "--creator", "A"),
           "a second handle for the share: exit 1, said", 1, err=r"already has a handle")
    r = h.run("share", "handle", "--json", h.info["shares"][RUN34], "--service", HDL, "--creator", "Carol",
              "--title", "Run 34", user="carol")
    t.ok(r.rc == 0 and r.json()["publicHandle"].startswith("http://hdl.handle.net/"),
         "carol registers a Handle.net PID (a URL)", repr(r))


def access_log(t, h, sid, second):
    path = os.path.join(h.home, ".local", "state", "onetui", "access.log")
    try:
        with open(path) as f:
            entries = [json.loads(line) for line in f if line.strip()]
    except OSError as exc:
        t.ok(False, "the access log exists", repr(exc))
        return
    mine = [(e.get("action"), e.get("kind")) for e in entries
            if e.get("id") in (sid, second) or (e.get("kind") == "handle" and sid in (e.get("detail") or ""))]
    t.ok(("create", "share") in mine and ("update", "share") in mine and ("delete", "share") in mine and
         ("register", "handle") in mine, "the access log holds the create, update, register and delete", repr(mine))
    t.ok(not any(tok in open(path).read() for tok in h.info["tokens"].values()), "... and no token")


def main():
    t = Tap()
    if not os.access(ONETUI, os.X_OK):
        t.skip_all("onetui is not built (%s)" % ONETUI)
        return
    h = Harness("--scheme", "https")
    api = Api(h)
    try:
        usage(t, h)
        fixture_listing(t, h)
        sid, second, url, rest = publish(t, h, api)
        changes(t, h, api, sid)
        hostile(t, h, api)
        handles(t, h, api, sid)
        deletion(t, h, api, sid, url, rest)
        h.run("share", "rm", "--yes", second)
        access_log(t, h, sid, second)
    finally:
        h.close()
    t.done()


if __name__ == "__main__":
    main()
