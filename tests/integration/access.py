#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Handouts and the access audit through the onetui CLI, against the test
zone over HTTPS: a handout shares the folder (or reuses its share), makes
an invitation that really lets one person in, and fills the built-in or a
configured template; the audit lists shares, named tokens, members and
onetui's own log, flags what is risky, and its CSV says what its JSON
says; token values appear in neither, nor in the access log."""

import csv
import io
import os
import re
import stat
import time
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import Api, Harness, ONETUI, TOKEN_RE, Tap, expect, raw_safe  # noqa: E402

TEM = "TEM Materials"
NITI = TEM + "/2025-03-18 NiTi alloy"
P11 = "P11 Beamline p700123"
RUN34 = P11 + "/p700123/r0034"


def usage(t, h):
    expect(t, h.run("handout"), "handout without a target: exit 2", 2, err=r"one SPACE/PATH")
    expect(t, h.run("handout", "--uses", "0", NITI), "--uses 0: exit 2", 2, err=r"--uses takes a whole number")
    expect(t, h.run("handout", "--uses", "2", "--unlimited", NITI), "--uses with --unlimited: exit 2", 2,
           err=r"not both")
    expect(t, h.run("handout", "--expires", "soonish", NITI), "an expiry that is not one: exit 2", 2,
           err=r"--expires")
    expect(t, h.run("handout", "--no-invite", "--preset", "viewer", NITI),
           "--no-invite with invitation options: exit 2", 2, err=r"--no-invite")
    expect(t, h.run("handout", "--preset", "boss", NITI), "an unknown preset: exit 2", 2, err=r"unknown preset")
    expect(t, h.run("handout", "--privileges", "space_fly", NITI), "a privilege the zone lacks: exit 2", 2,
           err=r"no space privilege 'space_fly'")
    expect(t, h.run("handout", "--template", "nope", NITI), "an unknown template: exit 3", 3,
           err=r'no handout template "nope"')
    expect(t, h.run("handout", TEM + "/no such folder"), "a folder that is not there: exit 1", 1)
    expect(t, h.run("audit", "--format", "xml"), "audit --format xml: exit 2", 2, err=r"table, csv or json")
    expect(t, h.run("audit", "--parts", "shares,secrets"), "an unknown audit part: exit 2", 2,
           err=r'no audit part "secrets"')
    expect(t, h.run("audit", "extra"), "audit with an argument: exit 2", 2, err=r"no arguments")


def shares_of(h, target, user):
    r = h.run("share", "ls", "--json", target, user=user)
    return [s["shareId"] for s in (r.json() or {}).get("shares", [])]


def reuse_without_invite(t, h):
    before = shares_of(h, RUN34, "carol")
    r = h.run("handout", "--no-invite", RUN34, user="carol")
    t.ok(r.rc == 0 and "Subject: Run 34, proposal p700123: your data is ready" in r.text,
         "the existing share is reused; its name is the title", repr(r))
    t.ok(re.search(r"https://[^ ]+/share/" + re.escape(before[0]), r.text) and "Contents:   10 files" in r.text,
         "... its public link and the folder's size are in it", repr(r.out[:800]))
    t.ok("invite token" not in r.text and not TOKEN_RE.search(r.text) and "Best regards,\nCarol Lindqvist" in r.text,
         "without an invitation its paragraphs are left out; signed by the user", repr(r.out[-400:]))
    t.ok(shares_of(h, RUN34, "carol") == before, "no second share made", repr(before))


def handout_with_invite(t, h):
    """A new share and an invitation: dave gets in with it, once."""
    out = os.path.join(h.tmp, "handout-niti.txt")
    r = h.run("handout", "--expires", "14d", "--output", out, NITI, user="alice")
    t.ok(r.rc == 0 and re.search(r"Shared .*NiTi alloy as [0-9a-f]+", r.errtext) and
         "will let 1 person join TEM Materials" in r.errtext and "space_read_data" in r.errtext,
         "the invitation is described before it is made; the share is reported", repr(r))
    t.ok(not TOKEN_RE.search(r.text + r.errtext), "with --output, no token on the terminal", repr(r))
    mode = stat.S_IMODE(os.stat(out).st_mode) if os.path.exists(out) else None
    t.ok(mode == 0o600, "the handout is saved privately (mode %s)" % (oct(mode) if mode else None))
    text = open(out, encoding="utf-8").read() if mode else ""
    token = TOKEN_RE.search(text)
    t.ok(token and "Can be used: once" in text and "Subject: 2025-03-18 NiTi alloy: your data is ready" in text and
         "onetui token consume --from-file FILE" in text and "/shares/data/" in text,
         "the handout holds the token, its limits, and how to use it", text[:1500])
    sid = shares_of(h, NITI, "alice")
    t.ok(len(sid) == 1 and sid[0] in text, "the folder is shared now, and the link is that share's", repr(sid))
    r = h.run("handout", "--output", out, NITI, user="alice")
    expect(t, r, "a handout over an existing file: refused before anything is made", 1, err=r"exists already")
    t.ok(shares_of(h, NITI, "alice") == sid, "... no share made", "")
    if not token:
        return
    invite = h.token_file("handout-invite", token.group(0))
    r = h.run("token", "consume", "--from-file", invite, "--yes", user="dave")
    t.ok(r.rc == 0 and "Joined the space" in r.text, "dave joins with the handout's token", repr(r))
    expect(t, h.run("ls", NITI, user="dave"), "... and reads the folder", 0, out=r"NiTi_0001\.dm4")
    expect(t, h.run("token", "consume", "--from-file", invite, "--yes", user="carol"),
           "a second person: the usage limit refuses", 1, err=r"used as often as it allows")


def long_title(t, h):
    """A share name with commas, longer than a token name may be: the
    invitation is still made, under a name Onedata accepts."""
    square = "Krios-2025-11 Session Data/Images-Disc1/GridSquare_1734452"
    r = h.run("handout", square, user="alice")
    t.ok(r.rc == 0 and "Subject: Grid square 1734452, session EM-2025-117: your data is ready" in r.text and
         TOKEN_RE.search(r.text), "a handout for a share named with commas", repr(r))
    r = h.run("token", "ls", "--json", user="alice")
    names = [k.get("name") or "" for k in (r.json() or [])]
    made = [n for n in names if "Grid" in n]
    t.ok(len(made) == 1 and re.fullmatch(r"handout \d{8}T\d{6} Grid square 1734452 sessio", made[0]),
         "... its invitation named within Onedata's rule (50 characters, no comma)", repr(made))


def name_clash(t, h):
    """Two handouts within the same second name their invitations the
    same: the second takes a suffix instead of failing. The names of the
    next few seconds are taken first, so that the clash is certain."""
    now = int(time.time())
    for sec in range(now, now + 6):
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(sec))
        h.run("token", "create", "handout %s Clash test" % stamp, user="carol")
    out = os.path.join(h.tmp, "handout-clash.txt")
    r = h.run("handout", "--title", "Clash test", "--output", out, RUN34, user="carol")
    t.ok(r.rc == 0 and os.path.exists(out), "a handout whose invitation's name is taken: made all the same",
         repr(r))
    names = [k.get("name") or "" for k in (h.run("token", "ls", "--json", user="carol").json() or [])]
    t.ok(any(re.fullmatch(r"handout \d{8}T\d{6}-[2-9] Clash test", n) for n in names),
         "... its invitation named with a suffix", repr(names))


def configured_template(t, h):
    h.write_config('handouts = {\n'
                   '  short = "{title}\\nLink: {link}\\n{?handle}\\nDOI: {handle}\\n{/handle}\\n'
                   'Token: {token}\\nUntil {expires}, {uses}.\\n";\n'
                   '};\n')
    r = h.run("handout", "--template", "short", "--title", "Run 34 \x1b[2J", "--unlimited", RUN34, user="carol")
    lines = r.text.splitlines()
    t.ok(r.rc == 0 and len(lines) == 4 and lines[0] == "Run 34 \\e[2J" and lines[1].startswith("Link: https://")
         and TOKEN_RE.fullmatch(lines[2][len("Token: "):]) and lines[3].endswith(", any number of times."),
         "a configured template: filled, the section without a handle dropped, values sanitised", repr(r))
    t.ok("no usage limit" in r.errtext, "an invitation without a limit is called out", repr(r.errtext))
    h.write_config('handouts = {\n  bad = "Hello {nobody}";\n};\n')
    expect(t, h.run("handout", "--template", "bad", RUN34, user="carol"),
           "a template with an unknown placeholder: exit 3, with its line", 3,
           err=r'handout "bad", line 1: no such placeholder: \{nobody\}')
    h.write_config("")


def audit_report(t, h, api):
    """carol's audit: JSON parsed, CSV parsed back and compared."""
    # A share of a whole space, a token without any caveat.
    r = h.run("share", "create", "--name", "all of P11", P11, user="carol")
    whole = r.text.split()[0] if r.rc == 0 else None
    t.ok(whole is not None, "a share of the whole space made", repr(r))
    r = h.run("token", "create", "carol-everything", user="carol")
    t.ok(r.rc == 0, "a named token without caveats made", repr(r))
    r = h.run("audit", "--json", user="carol")
    report = r.json() or {}
    t.ok(r.rc == 0 and set(report) >= {"zone", "user", "generated", "shares", "tokens", "members", "log",
                                       "problems"}, "audit --json: every part", repr(r))
    t.ok(raw_safe(r.out) and not TOKEN_RE.search(r.text), "... no token value, nothing raw", "")
    shares = {s["id"]: s for s in report.get("shares", [])}
    t.ok(whole in shares and shares[whole]["wholeSpace"] and shares[whole]["risks"] == ["whole-space"],
         "the share of a whole space is flagged", repr(shares.get(whole)))
    run34 = [s for s in shares.values() if s["name"] == "Run 34, proposal p700123"]
    t.ok(run34 and not run34[0]["wholeSpace"] and run34[0]["risks"] == [] and run34[0]["space"] == P11 and
         run34[0]["publicUrl"].endswith("/share/" + run34[0]["id"]), "a folder's share: not flagged, with its URL",
         repr(run34))
    status, listed = api.call("GET", api.zone + "/user/tokens/named", "carol")
    tokens = {k["name"]: k for k in report.get("tokens", [])}
    t.ok(status == 200 and sorted(k["id"] for k in report["tokens"]) == sorted(listed["tokens"]),
         "every named token of carol, as the zone lists them", repr(sorted(tokens)))
    every = tokens.get("carol-everything", {})
    t.ok(sorted(every.get("risks", [])) == ["no-caveats", "no-expiry"], "no caveats, no expiry: flagged",
         repr(every))
    unlimited = [k for k in report["tokens"] if k["type"] == "invite" and k["usageLimit"] is None]
    t.ok(unlimited and "unlimited-invite" in unlimited[0]["risks"] and unlimited[0]["target"] == P11,
         "the unlimited invitation from the handout: flagged, its space named", repr(unlimited))
    members = [m for m in report["members"] if m["space"] == P11]
    carol = [m for m in members if m["name"] == "Carol Lindqvist"]
    t.ok(carol and carol[0]["direct"] and "space_manage_shares" in carol[0]["effective"],
         "the members, with effective privileges", repr(carol))
    log = report.get("log", [])
    kinds = [(e["action"], e["kind"]) for e in log]
    t.ok(("create", "share") in kinds and ("create", "invite") in kinds and ("create", "token") in kinds and
         all(e.get("login") and e.get("host") for e in log), "onetui's own log: what it made, by whom, where",
         repr(kinds))
    with open(os.path.join(h.home, ".local", "state", "onetui", "access.log"), encoding="utf-8") as f:
        t.ok(not TOKEN_RE.search(f.read()), "the access log holds no token value")

    r = h.run("audit", "--format", "csv", user="carol")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    t.ok(r.rc == 0 and r.out.endswith(b"\r\n") and not TOKEN_RE.search(r.text), "audit --format csv", repr(r))
    for part, key in (("share", "shares"), ("token", "tokens"), ("member", "members"), ("log", "log")):
        t.ok(sum(1 for x in rows if x["part"] == part) == len(report[key]),
             "CSV has one row per %s of the JSON" % part)
    by_id = {x["id"]: x for x in rows if x["part"] == "share"}
    t.ok(all(by_id.get(s["id"], {}).get("name") == s["name"] and by_id[s["id"]]["url"] == s["publicUrl"] and
             by_id[s["id"]]["risks"] == ";".join(s["risks"]) for s in report["shares"]),
         "CSV shares say what the JSON says", repr(list(by_id.values())[:2]))
    tok = {x["name"]: x for x in rows if x["part"] == "token"}
    t.ok(tok.get("carol-everything", {}).get("expires") == "never" and
         tok["carol-everything"]["risks"] == "no-caveats;no-expiry", "CSV tokens: expiry and risks", repr(tok))

    r = h.run("audit", "--risky", "--json", "--parts", "shares,tokens", user="carol")
    risky = r.json() or {}
    t.ok(r.rc == 0 and [s["id"] for s in risky.get("shares", [])] == [whole] and
         all(k["risks"] for k in risky.get("tokens", [])) and "members" not in risky,
         "--risky --parts: only the flagged entries of the parts asked for", repr(r))
    r = h.run("share", "rm", "--yes", whole, user="carol")
    log = (h.run("audit", "--json", "--parts", "log", user="carol").json() or {}).get("log", [])
    t.ok(r.rc == 0 and log and (log[-1]["action"], log[-1]["kind"], log[-1]["id"], log[-1]["name"]) ==
         ("delete", "share", whole, "all of P11"), "a deleted share is logged with its name", repr(log[-1:]))
    r = h.run("audit", user="carol")
    t.ok(r.rc == 0 and re.search(r"^\d+ shares$", r.text, re.M) and
         re.search(r"carol-everything +access +active +never", r.text), "the tables", repr(r.out[:600]))


def audit_problems(t, h):
    """A part the zone fails to give is named; the rest is reported."""
    h.fault(service="zone", path=r"/user/tokens/named$", status=503, times=20)
    r = h.run("audit", "--json", user="alice")
    report = r.json() or {}
    t.ok(r.rc == 1 and report.get("shares") and report.get("tokens") == [] and
         [p["part"] for p in report.get("problems", [])] == ["tokens"] and "incomplete" in r.errtext,
         "a part that cannot be read: exit 1, named, the others there", repr(r))
    h.clear()


def empty_audit(t, h):
    r = h.run("audit", "--json", user="dave")
    report = r.json() or {}
    t.ok(r.rc == 0 and report.get("shares") == [] and report.get("members") == [] and report.get("problems") == [],
         "a user of no space: an empty review", repr(r))


def hostile(t, h, api):
    fid = api.call("POST", api.provider("Facility Storage") + "/lookup-file-id/" + "P11%20Beamline%20p700123/p700123/r0035",
                   "carol")[1]["fileId"]
    api.call("POST", api.provider("Facility Storage") + "/shares", "carol",
             {"name": "=HYPERLINK(\"x\")\x1b]0;pwned\x07", "rootFileId": fid})
    for fmt in ("table", "csv", "json"):
        r = h.run("audit", "--format", fmt, "--parts", "shares", user="carol")
        # CSV lines end in CRLF, as RFC 4180 has it.
        t.ok(r.rc == 0 and "HYPERLINK" in r.text and raw_safe(r.out.replace(b"\r\n", b"\n")),
             "a hostile share name, audit as %s: escaped" % fmt, repr(r.out[:300]))
    r = h.run("audit", "--format", "csv", "--parts", "shares", user="carol")
    t.ok("\"'=HYPERLINK(" in r.text, "... and no formula in the CSV", repr(r.out[:300]))


def main():
    t = Tap()
    if not os.access(ONETUI, os.X_OK):
        t.skip_all("onetui is not built (%s)" % ONETUI)
        return
    h = Harness("--scheme", "https")
    api = Api(h)
    try:
        usage(t, h)
        empty_audit(t, h)
        reuse_without_invite(t, h)
        handout_with_invite(t, h)
        long_title(t, h)
        name_clash(t, h)
        configured_template(t, h)
        audit_report(t, h, api)
        audit_problems(t, h)
        hostile(t, h, api)
    finally:
        h.close()
    t.done()


if __name__ == "__main__":
    main()
