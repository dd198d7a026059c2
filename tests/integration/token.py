#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tokens and invitations through the onetui CLI, against the test zone over
HTTPS: every token operation and its refusals; the restrictions really
restrict (read-only, path, object id, interface, expiry, revocation, a
token confined from a revoked one); invitations accepted, used up, and
accepted twice; and the token values never leak: not on stdout or stderr
without --show-token, not in the -vv debug log, not in onetui's state
(transfer journal, access log), not in the command line of the running
process."""

import glob
import json
import os
import re
import ssl
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import Harness, ONETUI, Tap, expect  # noqa: E402
import cases as C  # noqa: E402

KRIOS = C.KRIOS
IMAGES = KRIOS + "/Images-Disc1"


class Secrets:
    """Every token value the test sees, and every output it must not be in."""

    def __init__(self, h):
        self.h = h
        self.values = set(v for k, v in h.info["tokens"].items() if k != "malformed")
        self.outputs = []

    def read(self, path):
        with open(path) as f:
            value = f.read().strip()
        self.values.add(value)
        return value

    def run(self, *args, **kw):
        """h.run, its output kept to be checked (not for --show-token)."""
        r = self.h.run(*args, **kw)
        self.outputs.append((" ".join(args[:2]), r.out + r.err))
        return r

    def leaks(self, data):
        return [v for v in self.values if v.encode() in data]


def pasted(h, value):
    """A file object to give a token on stdin."""
    f = tempfile.TemporaryFile(dir=h.tmp)
    f.write(value.encode() + b"\n")
    f.seek(0)
    return f


def usage(t, s):
    expect(t, s.run("token"), "token without a verb: exit 2", 2, err=r"needs a verb")
    expect(t, s.run("token", "frob"), "an unknown verb: exit 2", 2, err=r"unknown token verb")
    expect(t, s.run("token", "create"), "create without a name: exit 2", 2, err=r"wrong arguments")
    expect(t, s.run("token", "create", "--temporary", "--expires", "1h"),
           "a temporary token nobody could read again: exit 2", 2, err=r"--show-token or --output-file")
    expect(t, s.run("token", "create", "--temporary", "--show-token"),
           "a temporary token without --expires: exit 2", 2, err=r"needs --expires")
    expect(t, s.run("token", "create", "x1", "--expires", "7y"), "a bad expiry: exit 2", 2,
           err=r"not an expiry: '7y'")
    expect(t, s.run("token", "create", "x1", "--ip", "300.1.1.1"), "a bad address: exit 2", 2,
           err=r"not an IP address")
    expect(t, s.run("token", "create", "x1", "--preset", "dataset-readonly"),
           "the dataset preset without the dataset: exit 2", 2, err=r"needs the dataset")
    expect(t, s.run("token", "create", "x1", "--path", "No Such Space/x"), "a path in no space: refused", 1,
           err=r"No Such Space")
    expect(t, s.run("token", "confine", "--read-only"), "confine without a place for the result: exit 2", 2,
           err=r"--show-token or --output-file")
    expect(t, s.run("token", "examine"), "examine with nothing on stdin: exit 2", 2, err=r"no token given")
    expect(t, s.run("token", "show", "nope-nope"), "show an unknown token: exit 1", 1,
           err=r"Cannot find a token named or with the id nope-nope")
    expect(t, s.run("token", "invite", "space", "No Such Space"), "invite to an unknown space: exit 1", 1,
           err=r"No Such Space")
    expect(t, s.run("token", "invite", "space", KRIOS, "--usage-limit", "0"), "a usage limit of 0: exit 2", 2,
           err=r"--usage-limit")


def read_only_path(t, s):
    """A read-only token for one directory: what it allows, enforced."""
    h = s.h
    out = os.path.join(h.tmp, "ro.token")
    r = s.run("token", "create", "ro-images", "--read-only", "--path", IMAGES, "--expires", "2h",
              "--output-file", out)
    t.ok(r.rc == 0 and re.search(r"read-only", r.text) and re.search(r"Images-Disc1", r.text) and
         re.search(r"Gives access to", r.text) and re.search(r"hidden; --show-token", r.text) and
         re.search(r"The new token allows only this:", r.errtext) and "saved in" in r.errtext,
         "create: the restrictions in words before and after, the value hidden, saved", repr(r))
    t.ok(re.search(r"Gives access to +%s \(read-only\)\n" % re.escape(KRIOS), r.text),
         "... and what it gives access to: the one space, read-only", repr(r))
    mode = stat.S_IMODE(os.stat(out).st_mode)
    t.eq(mode, 0o600, "--output-file: mode 0600")
    ro = s.read(out)
    h.tokens["ro"] = out
    expect(t, s.run("token", "create", "ro-again", "--output-file", out), "--output-file never overwrites", 1,
           err=r"exists")
    expect(t, s.run("token", "create", "ro-images", "--expires", "1h"), "a name taken: refused", 1,
           err=r"already taken")

    r = s.run("ls", IMAGES, user="ro")
    t.ok(r.rc == 0 and "GridSquare" in r.text, "the path-limited token lists inside its path", repr(r))
    r = s.run("ls", KRIOS, user="ro")
    t.ok(r.rc == 0 and "Images-Disc1" in r.text and "Atlas" not in r.text,
         "... and lists the space root showing only the way there", repr(r))
    expect(t, s.run("ls", KRIOS + "/Atlas", user="ro"), "... but cannot read elsewhere: exit 4", 4,
           err=r"Cannot access")
    with tempfile.NamedTemporaryFile(dir=h.tmp) as f:
        f.write(b"new\n")
        f.flush()
        r = s.run("put", f.name, IMAGES + "/new.txt", user="ro")
        t.ok(r.rc == 1 and "Permission denied" in r.errtext, "the read-only token cannot write", repr(r))
    return ro


def object_id_and_interface(t, s):
    h = s.h
    r = s.run("stat", "--json", IMAGES)
    images_id = (r.json() or {}).get("fileId")
    out = os.path.join(h.tmp, "byid.token")
    r = s.run("token", "create", "by-id", "--object-id", images_id, "--expires", "1h", "--output-file", out)
    t.ok(r.rc == 0 and images_id in r.text, "an objectid token: the id in words", repr(r))
    s.read(out)
    h.tokens["byid"] = out
    expect(t, s.run("ls", IMAGES, user="byid"), "the objectid token reads its directory", 0, out=r"GridSquare")
    expect(t, s.run("ls", KRIOS + "/Atlas", user="byid"), "... not one beside it: exit 4", 4)

    out = os.path.join(h.tmp, "hpc.token")
    r = s.run("token", "create", "hpc-client", "--preset", "oneclient-hpc", "--service", "HPC Centre",
              "--output-file", out)
    t.ok(r.rc == 0 and re.search(r"only through Oneclient", r.text) and re.search(r"Oneprovider HPC Centre", r.text)
         and re.search(r"in 30 days|in 29 days", r.text), "the oneclient-hpc preset: Oneclient, HPC Centre, 30 days",
         repr(r))
    s.read(out)
    h.tokens["hpc"] = out
    expect(t, s.run("ls", KRIOS, user="hpc"), "a Oneclient-only token is refused over REST: exit 4", 4,
           err=r"interface|restriction")

    out = os.path.join(h.tmp, "ip.token")
    r = s.run("token", "create", "ip-token", "--ip", "192.0.2.0/24", "--output-file", out)
    t.ok(r.rc == 0 and "proxies" in r.errtext and "192.0.2.0/24" in r.text, "an ip token: the proxy warning",
         repr(r))
    s.read(out)
    h.tokens["ip"] = out
    expect(t, s.run("ls", KRIOS, user="ip"), "... used from elsewhere: refused, exit 4", 4, err=r'"ip" caveat')
    r = s.run("token", "create", "wide-open")
    t.ok(r.rc == 0 and "no restrictions at all" in r.errtext and "never expires" in r.errtext,
         "a token with no caveats: both warnings", repr(r))


def zone_confine(h, token, caveats):
    """/tokens/confine straight at the zone (it allows expiries in the past,
    which the CLI refuses)."""
    ctx = ssl.create_default_context(cafile=h.info["ca"])
    req = urllib.request.Request(h.zone_url + "/api/v3/onezone/tokens/confine",
                                 data=json.dumps({"token": token, "caveats": caveats}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, context=ctx, timeout=30) as reply:
        return json.loads(reply.read())["token"]


def expiry_revocation(t, s, ro):
    h = s.h
    expired = zone_confine(h, ro, [{"type": "time", "validUntil": int(time.time()) - 60}])
    s.values.add(expired)
    h.tokens["expired"] = h.token_file("expired", expired)
    expect(t, s.run("ls", IMAGES, user="expired"), "an expired token: refused with when, exit 4", 4,
           err=r"expired at 20\d\d-")
    with pasted(h, expired) as f:
        r = s.run("token", "examine", stdin=f)
    t.ok(r.rc == 0 and re.search(r"Status +expired", r.text) and "it has expired" in r.text,
         "examine an expired token: said", repr(r))

    out = os.path.join(h.tmp, "derived.token")
    with pasted(h, ro) as f:
        r = s.run("token", "confine", "--expires", "30m", "--output-file", out, stdin=f)
    t.ok(r.rc == 0 and "read-only" in r.text and re.search(r"in 29 minutes|in 30 minutes", r.text),
         "confine: the old restrictions and the new", repr(r))
    s.read(out)
    h.tokens["derived"] = out
    expect(t, s.run("ls", IMAGES, user="derived"), "the confined token works", 0)

    expect(t, s.run("token", "revoke", "ro-images"), "revoke by name", 0, out=r"Revoked ro-images")
    r = s.run("token", "show", "--json", "ro-images")
    t.ok(r.rc == 0 and (r.json() or {}).get("revoked") is True and "token" not in (r.json() or {}),
         "show --json: revoked, no value", repr(r))
    expect(t, s.run("ls", IMAGES, user="ro"), "a revoked token: refused, exit 4", 4, err=r"revoked")
    expect(t, s.run("ls", IMAGES, user="derived"), "a token confined from a revoked one: refused", 4,
           err=r"revoked")
    expect(t, s.run("token", "unrevoke", "ro-images"), "unrevoke", 0, out=r"valid again")
    expect(t, s.run("ls", IMAGES, user="derived"), "... and the confined token works again", 0)


def listing(t, s, ro):
    h = s.h
    r = s.run("token", "ls")
    t.ok(r.rc == 0 and re.search(r"NAME +KIND +STATUS +CREATED +RESTRICTIONS", r.text) and
         re.search(r"ro-images +access token +active .*until .*read-only, paths", r.text) and
         re.search(r"alice-revoked +access token +revoked", r.text) and
         re.search(r"alice-expired +access token +expired", r.text),
         "ls: kind, status, creation, restrictions in a few words", repr(r))
    r = s.run("token", "ls", "--json")
    rows = r.json() or []
    mine = next((x for x in rows if x.get("name") == "ro-images"), {})
    t.ok(r.rc == 0 and mine.get("kind") == "access" and len(mine.get("caveats", [])) == 3 and
         all("token" not in x for x in rows) and any("read-only" in w for w in mine.get("restrictions", [])),
         "ls --json: records with caveats and their words, never a value", repr(r)[:600])
    r = h.run("token", "show", "ro-images", "--show-token")
    t.ok(r.rc == 0 and ro in r.text, "show --show-token: the value, on request", repr(r)[:300])
    r = s.run("token", "show", "ro-images")
    t.ok(r.rc == 0 and re.search(r"Token +MDAx\S+ \(hidden", r.text), "show: the value masked", repr(r))
    with open(h.tokens["ro"]) as f:
        r = s.run("token", "examine", "--json", stdin=f)
    rec = r.json() or {}
    t.ok(r.rc == 0 and rec.get("persistence") == "named" and rec.get("kind") == "access" and
         rec.get("scope", {}).get("readonly") is True and "token" not in rec,
         "examine --json from stdin: what, its scope, no value", repr(r)[:600])
    r = s.run("token", "examine", "--from-file", h.tokens["ro"])
    t.ok(r.rc == 0 and "read-only" in r.text, "examine --from-file", repr(r))
    with pasted(h, "garbage-that-is-no-token") as f:
        expect(t, s.run("token", "examine", stdin=f), "examine garbage: refused, exit 1", 1, err=r"garbled")
    r = h.run("token", "create", "--temporary", "--expires", "2h", "--read-only", "--show-token", "--json")
    rec = r.json() or {}
    t.ok(r.rc == 0 and rec.get("persistence") == "temporary" and rec.get("token", "").startswith("MDAx"),
         "a temporary token with --show-token --json", repr(r)[:400])
    s.values.add(rec.get("token", "-"))
    r = s.run("token", "rm", "wide-open")
    expect(t, r, "rm without --yes and no terminal: exit 2", 2, err=r"--yes")
    expect(t, s.run("token", "rm", "--yes", "wide-open"), "rm --yes", 0, out=r"Deleted wide-open")
    expect(t, s.run("token", "show", "wide-open"), "... gone", 1, err=r"Cannot find")


def invitations(t, s):
    h = s.h
    inv = os.path.join(h.tmp, "invite.token")
    r = s.run("token", "invite", "space", KRIOS, "--usage-limit", "1", "--preset", "viewer", "--expires", "3d",
              "--name", "krios-viewers", "--output-file", inv)
    t.ok(r.rc == 0 and re.search(r"whoever accepts it joins the space " + re.escape(KRIOS), r.text) and
         re.search(r"used 0 of 1 times", r.text) and "space_read_data" in r.text and "space_write_data" not in r.text,
         "invite: what it does, its limit and privileges", repr(r))
    s.read(inv)
    expect(t, s.run("token", "consume", "--from-file", inv, user="dave"),
           "consume without --yes and no terminal: exit 2", 2, err=r"--yes")
    r = s.run("token", "consume", "--from-file", inv, "--yes", user="dave")
    t.ok(r.rc == 0 and "Joined the space" in r.text and "joins the space" in r.errtext,
         "dave accepts: said before, joined after", repr(r))
    expect(t, s.run("ls", KRIOS, user="dave"), "dave reads the space now", 0, out=r"Images-Disc1")
    with tempfile.NamedTemporaryFile(dir=h.tmp) as f:
        f.write(b"x\n")
        f.flush()
        r = s.run("put", f.name, KRIOS + "/dave.txt", user="dave")
        t.ok(r.rc != 0 and "lack the privilege" in r.errtext,
             "... with the viewer privileges: no writing", repr(r))
    expect(t, s.run("token", "consume", "--from-file", inv, "--yes", user="bob"),
           "the usage limit reached: refused", 1, err=r"used as often as it allows")
    r = s.run("token", "show", "krios-viewers")
    t.ok(r.rc == 0 and re.search(r"used 1 of 1 times", r.text), "show: the invitation was used once", repr(r))
    again = os.path.join(h.tmp, "invite2.token")
    s.run("token", "invite", "space", KRIOS, "--output-file", again)
    s.read(again)
    expect(t, s.run("token", "consume", "--from-file", again, "--yes", user="dave"),
           "accepting when already a member: refused, said", 1, err=r"[Aa]lready")
    expect(t, s.run("token", "consume", "--from-file", again, "--yes", "--group", "x", user="bob"),
           "--group for an invitation of a user: exit 2", 2, err=r"drop --group")
    expect(t, s.run("token", "consume", "--from-file", h.tokens["bob"], "--yes", user="bob"),
           "consume an access token: refused", 1, err=r"not an invitation")
    r = s.run("token", "ls", "--json")
    name2 = next((x["name"] for x in r.json() or [] if x.get("name", "").startswith("invite-space-")), None)
    expect(t, s.run("token", "revoke", name2), "revoke the second invitation", 0)
    expect(t, s.run("token", "consume", "--from-file", again, "--yes", user="bob"),
           "a revoked invitation: refused", 1, err=r"revoked")

    grp = os.path.join(h.tmp, "group.token")
    r = s.run("token", "invite", "space", C.P11, "--group-joins", "--unlimited", "--output-file", grp)
    t.ok(r.rc == 0 and "a group of whoever accepts it joins the space" in r.text and
         "without a usage limit" in r.text, "a group invitation without a limit: warned", repr(r))
    s.read(grp)
    collab = __import__("hashlib").md5(b"group:krios-2025-11-collaborators").hexdigest()
    expect(t, s.run("token", "consume", "--from-file", grp, "--yes", user="bob"),
           "a group invitation without --group: exit 2", 2, err=r"--group")
    expect(t, s.run("token", "consume", "--from-file", grp, "--yes", "--group", collab, user="bob"),
           "bob's group joins the beamline space", 0, out=r"Joined the space")
    expect(t, s.run("token", "invite", "space", KRIOS, user="bob"),
           "bob may not invite to a space he only reads: refused, exit 4", 4,
           err=r"you may not invite to it \(that needs the privilege to add users\)")
    expect(t, s.run("token", "invite", "space", KRIOS, "--temporary", "--show-token", "--expires", "1d",
                    "--preset", "viewer"), "a temporary invitation with privileges: exit 2", 2,
           err=r"drop --temporary")
    r = h.run("token", "invite", "space", KRIOS, "--temporary", "--show-token", "--expires", "1d", "--json")
    rec = r.json() or {}
    t.ok(r.rc == 0 and rec.get("persistence") == "temporary" and rec.get("inviteType") == "userJoinSpace",
         "a temporary invitation, shown", repr(r)[:300])
    s.values.add(rec.get("token", "-"))


def own_token(t, s):
    """The token onetui is signed in with is not revoked or deleted by
    mistake: refused (exit 2) unless --even-if-in-use."""
    h = s.h
    expect(t, s.run("token", "revoke", "alice"), "revoke the fixture's token alice signs in with: refused, exit 2",
           2, err=r"alice is the token onetui is signed in with: revoking it signs onetui out "
                  r"\(--even-if-in-use revokes it all the same\)")
    seat = os.path.join(h.tmp, "seat.token")
    expect(t, s.run("token", "create", "own-seat", "--expires", "1h", "--output-file", seat),
           "a named token to sign in with", 0)
    s.read(seat)
    h.tokens["seat"] = seat
    r = s.run("token", "rm", "--yes", "--json", "own-seat", user="seat")
    t.ok(r.rc == 2 and not r.out and "deleting it signs onetui out" in r.errtext,
         "rm --yes --json of the token in use: refused, nothing on stdout", repr(r))
    with open(seat) as f:
        confined = s.run("token", "confine", "--expires", "30m", "--output-file", seat + ".30m", stdin=f)
    s.read(seat + ".30m")
    h.tokens["seat-30m"] = seat + ".30m"
    expect(t, confined, "a copy of it for 30 minutes", 0)
    expect(t, s.run("token", "revoke", "own-seat", user="seat-30m"),
           "signed in with a copy confined from it: revoking it is refused too", 2, err=r"signed in with")
    expect(t, s.run("token", "revoke", "own-seat"), "signed in with another token: revoked at once", 0,
           out=r"Revoked own-seat")
    expect(t, s.run("token", "unrevoke", "own-seat"), "... and un-revoked", 0)
    r = s.run("token", "revoke", "--even-if-in-use", "--json", "own-seat", user="seat")
    t.ok(r.rc == 0 and (r.json() or {}).get("tokenId"), "--even-if-in-use revokes it all the same (--json)",
         repr(r))
    expect(t, s.run("ls", KRIOS, user="seat"), "... and onetui is signed out", 4, err=r"revoked")
    expect(t, s.run("token", "rm", "--yes", "own-seat"), "delete it", 0)


def leaks(t, s):
    """The values never appear anywhere they were not asked for."""
    h = s.h
    # -vv: the debug log, on stderr, for a run that sends a token in a body.
    with open(h.tokens["ro"]) as f:
        r = s.run("-vv", "token", "examine", stdin=f)
    t.ok(r.rc == 0 and b"POST" in r.err, "-vv logs the requests", repr(r)[:300])
    out = os.path.join(h.tmp, "vv.token")
    r = s.run("-vv", "token", "create", "vv-token", "--expires", "1h", "--output-file", out)
    s.read(out)
    bad = [(what, s.leaks(data)) for what, data in s.outputs if s.leaks(data)]
    t.ok(not bad, "no token value on stdout or stderr of %d runs without --show-token (-vv included)"
         % len(s.outputs), repr(bad)[:300])

    state = os.path.join(h.home, ".local", "state", "onetui")
    log = os.path.join(state, "access.log")
    with open(log) as f:
        entries = [json.loads(line) for line in f if line.strip()]
    actions = {(e.get("action"), e.get("kind")) for e in entries}
    want = {("create", "token"), ("create", "invite"), ("revoke", "token"), ("unrevoke", "token"),
            ("delete", "token"), ("confine", "token"), ("consume", "invite")}
    t.ok(want <= actions, "the access log records every kind of change", sorted(actions))
    found = []
    for path in glob.glob(os.path.join(h.home, "**"), recursive=True):
        if os.path.isfile(path):
            with open(path, "rb") as f:
                if s.leaks(f.read()):
                    found.append(path)
    t.ok(not found and os.path.exists(log), "no token value in onetui's state: access log, journal, config",
         found)

    # The command line of a running onetui: examine waits for its stdin.
    cmd = [ONETUI, "--zone", h.zone_url, "--cacert", h.info["ca"], "--token-file", h.tokens["alice"],
           "token", "examine"]
    proc = subprocess.Popen(cmd, env=h.env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    with open(h.tokens["ro"]) as f:
        value = f.read().strip()
    proc.stdin.write(value[:10].encode())
    proc.stdin.flush()
    time.sleep(0.3)
    with open("/proc/%d/cmdline" % proc.pid, "rb") as f:
        cmdline = f.read()
    proc.stdin.write(value[10:].encode() + b"\n")
    out, err = proc.communicate(timeout=60)
    t.ok(proc.returncode == 0 and b"read-only" in out and not s.leaks(cmdline) and b"examine" in cmdline,
         "a pasted token is not in the process's command line", cmdline)
    t.ok(not s.leaks(out + err), "... nor in what it printed")

    # Pasted on a terminal: a prompt, and the token not echoed back.
    master, slave = os.openpty()
    proc = subprocess.Popen(cmd, env=h.env(), stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 30
    while b"Paste the token" not in seen and time.monotonic() < deadline:
        seen += os.read(master, 4096)
    time.sleep(0.2)               # the prompt comes after echo is off
    os.write(master, value.encode() + b"\n")
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 4096)
        except OSError:           # the other side is gone
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=30)
    os.close(master)
    t.ok(proc.returncode == 0 and b"read-only" in seen and not s.leaks(seen),
         "on a terminal: a prompt, the token read without echo", seen[-400:])


def main():
    t = Tap()
    if not os.access(ONETUI, os.X_OK):
        t.skip_all("onetui is not built (%s)" % ONETUI)
        return
    h = Harness("--scheme", "https")
    s = Secrets(h)
    try:
        usage(t, s)
        ro = read_only_path(t, s)
        object_id_and_interface(t, s)
        expiry_revocation(t, s, ro)
        listing(t, s, ro)
        invitations(t, s)
        own_token(t, s)
        leaks(t, s)
    finally:
        h.close()
    t.done()


if __name__ == "__main__":
    main()
