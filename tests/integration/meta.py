#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Metadata through the onetui CLI, against the test zone over HTTPS:
extended attributes, JSON documents and RDF texts read, set, removed and
edited in a scripted $EDITOR; texts checked before they are sent; changes
made meanwhile detected; writes refused early under metadata protection."""

import json
import os
import re
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import Harness, ONETUI, Tap, expect  # noqa: E402
import cases as C  # noqa: E402

KRIOS = C.KRIOS
P11 = C.P11
IMAGES = KRIOS + "/Images-Disc1"
GRID = IMAGES + "/GridSquare_1734452"
DIR = KRIOS + "/Sample notes/meta"
FILE = DIR + "/session.txt"
RDF = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
       '         xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
       '  <rdf:Description rdf:about="urn:krios:session">\n'
       '    <dc:creator>Alice Kowalczyk</dc:creator>\n'
       '    <dc:title>Apoferritin, Größe 東京</dc:title>\n'
       '  </rdf:Description>\n'
       '</rdf:RDF>\n')

# The scripted editor: each run takes the next step of $STEPS (a JSON
# list), logs its arguments, and writes, keeps, fails or first runs a
# command of its own (someone else changing the metadata meanwhile).
EDITOR = r'''#!/usr/bin/env python3
import json, os, subprocess, sys
state = os.environ["STEPS"]
steps = json.load(open(state))
step = steps.pop(0) if steps else {"keep": True}
json.dump(steps, open(state, "w"))
with open(state + ".log", "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\n")
path = sys.argv[-1]
if "run" in step:
    subprocess.run(step["run"], check=True)
if "fail" in step:
    sys.exit(step["fail"])
if "write" in step:
    open(path, "w").write(step["write"])
if "edit" in step:
    doc = json.load(open(path))
    doc.update(step["edit"])
    for key in step.get("drop", []):
        doc.pop(key)
    open(path, "w").write(json.dumps(doc))
'''


def local(h, name, text):
    path = os.path.join(h.tmp, name)
    with open(path, "w" if isinstance(text, str) else "wb") as f:
        f.write(text)
    return path


class Editor:
    """An editor called vi (so onetui passes +LINE), run step by step."""

    def __init__(self, h):
        self.h = h
        folder = os.path.join(h.tmp, "editor")
        os.makedirs(folder, exist_ok=True)
        self.program = local(h, "editor/vi", EDITOR)
        os.chmod(self.program, stat.S_IRWXU)
        self.state = os.path.join(h.tmp, "steps.json")

    def run(self, steps, *args, **kw):
        with open(self.state, "w") as f:
            json.dump(steps, f)
        if os.path.exists(self.state + ".log"):
            os.unlink(self.state + ".log")
        env = {"EDITOR": self.program, "VISUAL": "", "STEPS": self.state}
        return self.h.run("meta", "edit", *args, env=env, **kw)

    def calls(self):
        with open(self.state + ".log") as f:
            return [json.loads(line) for line in f]


def usage(t, h):
    for args, name, err in (
            ([], "no verb", r"get, set, rm, edit or templates"),
            (["frob", FILE], "an unknown verb", r"frob"),
            (["get"], "no file", r"SPACE/PATH"),
            (["get", "-t", "yaml", FILE], "an unknown kind", r"xattrs, json or rdf"),
            (["get", "-t", "rdf", "--inherited", FILE], "--inherited for RDF", r"--inherited"),
            (["set", "--filter", "a", FILE, "k=v"], "--filter for xattrs", r"--filter"),
            (["set", FILE, "novalue"], "an argument without =", r"KEY=VALUE"),
            (["rm", FILE], "rm without names", r"names"),
            (["rm", "-t", "json", FILE, "k"], "rm of JSON with names", r"whole"),
            (["edit", "--json", FILE], "--json with edit", r"--json"),
            (["set", "-t", "json", "--merge", "--filter", "a", FILE, "{}"], "--merge with --filter",
             r"--merge")):
        expect(t, h.run("meta", *args), "usage: %s: exit 2" % name, 2, err=err)
    expect(t, h.run("meta", "rm", "-t", "json", FILE), "removing a whole document needs --yes", 2,
           err=r"--yes")
    expect(t, h.run("meta", "set", FILE), "set without attributes reads stdin: empty, exit 1", 1,
           err=r"stdin: line 1, column 1: the text is empty")
    expect(t, h.run("meta", "get", KRIOS + "/nowhere"), "a missing file: exit 1", 1, err=r"Cannot access")


def xattrs(t, h):
    r = h.run("meta", "set", FILE, "instrument=Titan Krios G4", "Größe=東京 🔬", "voltage_kV:=300",
              "ratio:=0.5", "empty=")
    expect(t, r, "set five xattrs (Unicode, numbers, an empty value)", 0)
    r = h.run("meta", "get", "--json", FILE)
    got = r.json() or {}
    t.ok(re.fullmatch(r"[0-9a-f]{64}", got.pop("onetui.sha256", "")) and got.pop("onetui.sha256.mtime", 0),
         "get --json: the checksum put recorded", repr(r))
    t.eq(got, {"instrument": "Titan Krios G4", "Größe": "東京 🔬", "voltage_kV": 300, "ratio": 0.5,
               "empty": ""}, "... and the five, numbers as numbers")
    r = h.run("meta", "get", FILE)
    expect(t, r, "get: KEY=VALUE lines", 0, out=r"(?m)^instrument=Titan Krios G4\nGröße=東京 🔬\n"
           r"voltage_kV=300\nratio=0.5\nempty=\n\Z")
    r = h.run("meta", "get", FILE, "voltage_kV", "nope")
    expect(t, r, "get KEY...: those; a missing one is exit 1", 1, out=r"^voltage_kV=300\n$",
           err=r'no extended attribute "nope"')
    expect(t, h.run("meta", "set", FILE, "cdmi_size=1"), "a reserved name: exit 1, said clearly", 1,
           err=r"reserved by Onedata")
    expect(t, h.run("meta", "set", FILE, "=x"), "an empty name: exit 1", 1, err=r"needs a name")
    expect(t, h.run("meta", "set", FILE, "n:=abc"), "a := that is no number: exit 1", 1,
           err=r'"n:=abc": after := comes a number')
    h.clear()
    h.run("meta", "set", FILE, "org.onedata.guid=x")
    t.ok(not [q for q in h.requests() if q["method"] == "PUT"], "... and nothing is sent for it")
    expect(t, h.run("meta", "rm", FILE, "ratio", "empty", "onetui.sha256.mtime", "never-set"),
           "rm KEY... (absent ones ignored)", 0)
    t.eq(sorted(h.run("meta", "get", "--json", FILE).json()),
         ["Größe", "instrument", "onetui.sha256", "voltage_kV"], "... removed")
    path = local(h, "xattrs.json", '{"sample": "Apoferritin", "grid": 3}')
    expect(t, h.run("meta", "set", "--file", path, FILE), "set from a JSON object in a file", 0)
    t.eq(h.run("meta", "get", "--json", FILE, "sample", "grid").json(), {"sample": "Apoferritin", "grid": 3},
         "... merged with the others")
    bad = local(h, "bad-xattrs.json", '{"nested": {"a": 1}}')
    expect(t, h.run("meta", "set", "--file", bad, FILE), "a nested value: exit 1", 1,
           err=r"string or a number")
    r = h.run("meta", "get", "--inherited", "--json", GRID)
    t.ok(r.rc == 0 and (r.json() or {}).get("instrument") == "Titan Krios G4",
         "--inherited: the xattrs of the folders above", repr(r))
    expect(t, h.run("meta", "set", FILE, "a=b", user="bob"), "without write access: exit 4", 4)


def documents(t, h):
    r = h.run("meta", "get", "-t", "json", FILE)
    expect(t, r, "no JSON yet: exit 0, said on stderr", 0, out=r"^$", err=r"has no JSON metadata")
    t.eq(h.run("meta", "get", "-t", "json", "--json", FILE).text, "null\n", "... null with --json")
    doc = {"sample": {"name": "Apoferritin", "grids": [{"id": "G1"}, {"id": "G2"}]},
           "Größe": "東京", "dose": 50.5}
    expect(t, h.run("meta", "set", "-t", "json", FILE, json.dumps(doc)), "set a document as an argument", 0)
    r = h.run("meta", "get", "-t", "json", FILE)
    t.ok(r.rc == 0 and json.loads(r.text) == doc and '\n  "sample": {\n' in r.text,
         "get: the document, pretty-printed", repr(r))
    t.eq(h.run("meta", "get", "-t", "json", "--json", FILE).text.count("\n"), 1, "--json: on one line")
    r = h.run("meta", "get", "-t", "json", "--filter", "sample.grids.[1].id", FILE)
    t.eq(r.text, '"G2"\n', "--filter a.b.[1].c: the value there")
    expect(t, h.run("meta", "get", "-t", "json", "--filter", "sample.nope", FILE),
           "--filter to nothing: exit 1", 1, err=r"Nothing at sample.nope")
    expect(t, h.run("meta", "set", "-t", "json", "--filter", "sample.operator", FILE, '"Alice"'),
           "set --filter: one value", 0)
    expect(t, h.run("meta", "set", "-t", "json", "--merge", FILE, '{"dose": null, "site": "Brno"}'),
           "set --merge: a merge patch", 0)
    got = h.run("meta", "get", "-t", "json", "--json", FILE).json()
    t.ok(got["sample"]["operator"] == "Alice" and "dose" not in got and got["site"] == "Brno" and
         got["sample"]["grids"][1] == {"id": "G2"}, "... both applied, the rest kept", got)
    bad = local(h, "bad.json", '{\n  "a": 1,\n  "b": tru\n}\n')
    expect(t, h.run("meta", "set", "-t", "json", "--file", bad, FILE), "invalid JSON: line and column", 1,
           err=r"bad\.json: line 3, column 8: unexpected")
    t.eq(h.run("meta", "get", "-t", "json", "--json", FILE).json(), got, "... and nothing was sent")
    big = {"frames": [{"n": i, "file": "FoilHole_%08d_fractions.tiff" % i} for i in range(20000)]}
    path = local(h, "big.json", json.dumps(big))
    size = os.path.getsize(path)
    r = h.run("meta", "set", "-t", "json", "--file", path, FILE)
    r2 = h.run("meta", "get", "-t", "json", "--json", FILE)
    t.ok(r.rc == 0 and size > 1 << 20 and r2.json() == big, "a %d-byte document round trip" % size, repr(r))
    with open(local(h, "stdin.json", '{"from": "stdin"}')) as f:
        r = h.run("meta", "set", "-t", "json", FILE, stdin=f)
    t.ok(r.rc == 0 and h.run("meta", "get", "-t", "json", "--json", FILE).json() == {"from": "stdin"},
         "set from stdin", repr(r))
    h.run("meta", "set", "-t", "json", DIR, '{"site": "Brno", "from": "folder"}')
    t.eq(h.run("meta", "get", "-t", "json", "--inherited", "--json", FILE).json(),
         {"site": "Brno", "from": "stdin"}, "--inherited: merged with the folder's, the file's winning")
    expect(t, h.run("meta", "rm", "-t", "json", "--yes", FILE), "rm --yes", 0)
    expect(t, h.run("meta", "get", "-t", "json", FILE), "... gone", 0, err=r"has no JSON")


def rdf(t, h):
    path = local(h, "session.rdf", RDF)
    expect(t, h.run("meta", "set", "-t", "rdf", "--file", path, FILE), "set RDF from a file", 0)
    r = h.run("meta", "get", "-t", "rdf", FILE)
    t.ok(r.rc == 0 and r.out == RDF.encode(), "get: the text byte for byte", repr(r))
    t.eq(h.run("meta", "get", "-t", "rdf", "--json", FILE).json(), RDF, "--json: the text as a string")
    for text, where in (("<rdf:RDF><a></rdf:RDF>", r"line 1, column 2: a namespace prefix"),
                        ("<a>\n  <b>\n</a>\n", r"line 3, column 3: .*does not match"),
                        ("<a x=1/>", r"line 1, column 6"),
                        ("", r"line 1, column 1: there is no element")):
        expect(t, h.run("meta", "set", "-t", "rdf", FILE, text), "malformed XML refused: %r" % text, 1,
               err=r"the argument: " + where)
    r = h.run("meta", "get", "-t", "rdf", FILE)
    t.ok(r.out == RDF.encode(), "... the stored text unchanged", repr(r))
    hostile = RDF.replace("Alice Kowalczyk", "\x1b]0;pwned\x07Alice")
    expect(t, h.run("meta", "set", "-t", "rdf", FILE, hostile), "a control character is refused", 1,
           err=r"line 4, column 17: unexpected character U\+001B")
    expect(t, h.run("meta", "rm", "-t", "rdf", "--yes", FILE), "rm RDF", 0)


def protection(t, h):
    h.clear()
    r = h.run("meta", "set", IMAGES, "note=x")
    expect(t, r, "metadata protection: refused early, exit 1", 1, err=r"metadata protection")
    t.ok(not [q for q in h.requests() if q["method"] in ("PUT", "DELETE")], "... before any write is sent")
    expect(t, h.run("meta", "rm", GRID, "x"), "... for what is below it too", 1, err=r"metadata protection")
    expect(t, Editor(h).run([{"write": "{}"}], "-t", "json", IMAGES), "... and edit does not open the editor",
           1, err=r"metadata protection")
    run = P11 + "/p700123/r0034"
    expect(t, h.run("meta", "set", run, "reviewed=yes"), "data protection alone lets metadata change", 0)
    h.run("meta", "rm", run, "reviewed")


def editing(t, h):
    ed = Editor(h)
    h.run("meta", "set", FILE, "keep=1", "change=old", "drop=me")
    r = ed.run([{"edit": {"change": "new", "added": 7}, "drop": ["drop"]}], FILE)
    expect(t, r, "edit xattrs: exit 0", 0)
    got = h.run("meta", "get", "--json", FILE).json()
    t.ok(got.get("keep") == "1" and got.get("change") == "new" and got.get("added") == 7 and "drop" not in got,
         "... changed, added and removed as edited", got)
    r = ed.run([{"write": '{\n  "a": 1,\n  "b": x\n}\n'}, {"write": '{"a": 1, "b": 2}'}], "-t", "json", FILE)
    calls = ed.calls()
    expect(t, r, "invalid JSON from the editor: said, and the editor opens again", 0,
           err=r"line 3, column 8: unexpected 'x'")
    t.ok(len(calls) == 2 and calls[1][0] == "+3", "... at the line of the mistake (+3)", calls)
    t.eq(h.run("meta", "get", "-t", "json", "--json", FILE).json(), {"a": 1, "b": 2}, "... then written")
    r = ed.run([{"write": "{oops"}, {"keep": True}], "-t", "json", FILE)
    kept = re.search(r"kept in (\S+)", r.errtext)
    t.ok(r.rc == 1 and kept and open(kept.group(1)).read() == "{oops",
         "the same mistake twice: exit 1, the text kept in a file", repr(r))
    if kept:
        t.eq(stat.S_IMODE(os.stat(kept.group(1)).st_mode), 0o600, "... readable by the user alone")
        os.unlink(kept.group(1))
    expect(t, ed.run([{"keep": True}], "-t", "json", FILE), "no change: exit 0, nothing written", 0,
           err=r"No change")
    expect(t, ed.run([{"fail": 1}], "-t", "json", FILE), "the editor fails: exit 1", 1,
           err=r"Nothing was changed: The editor ended with status 1")
    cmd = [ONETUI, "--zone", h.zone_url, "--cacert", h.info["ca"], "--token-file", h.tokens["alice"],
           "meta", "set", "-t", "json", FILE, '{"by": "someone else"}']
    r = ed.run([{"run": cmd, "write": '{"by": "me"}'}], "-t", "json", FILE)
    kept = re.search(r"kept in (\S+)", r.errtext)
    t.ok(r.rc == 1 and "changed while you edited" in r.errtext and kept and
         json.load(open(kept.group(1))) == {"by": "me"},
         "a change made meanwhile is detected, nothing written, the text kept", repr(r))
    t.eq(h.run("meta", "get", "-t", "json", "--json", FILE).json(), {"by": "someone else"},
         "... the other change stands")
    if kept:
        os.unlink(kept.group(1))
    r = ed.run([{"write": RDF}], "-t", "rdf", FILE)
    t.ok(r.rc == 0 and h.run("meta", "get", "-t", "rdf", FILE).out == RDF.encode(), "edit RDF", repr(r))
    r = ed.run([{"write": "<a><b></a>"}, {"write": "<a><b></a>"}], "-t", "rdf", FILE)
    expect(t, r, "malformed XML from the editor twice: exit 1", 1, err=r"line 1, column 9")


TEMPLATES = """
templates = {
  krios-session = {
    description = "A cryo-EM session on the Titan Krios";
    fields = (
      { name = "instrument"; default = "Titan Krios G4"; required = true; },
      { name = "operator"; label = "Operator (full name)"; required = true; },
      { name = "sample"; required = true; },
      { name = "voltage_kV"; number = true; default = 300; }
    );
  };
};
"""


def templates(t, h):
    expect(t, h.run("meta", "templates"), "no templates configured: said, exit 0", 0,
           err=r"defines no metadata templates")
    expect(t, h.run("meta", "set", "--template", "krios-session", FILE, "operator=x"),
           "an unknown template: exit 1", 1, err=r"defines none")
    h.write_config(TEMPLATES)
    r = h.run("meta", "templates")
    expect(t, r, "meta templates lists them", 0, out=r"(?m)^krios-session  A cryo-EM session on the Titan Krios\n"
           r"  instrument +required +default Titan Krios G4\n  operator +required +Operator \(full name\)")
    r = h.run("meta", "templates", "--json")
    got = r.json() or [{}]
    t.ok(got[0].get("name") == "krios-session" and got[0]["fields"][3] ==
         {"name": "voltage_kV", "label": None, "required": False, "number": True, "default": "300"},
         "... and as JSON", repr(r))
    expect(t, h.run("meta", "set", "--template", "krios-session", FILE, "operator=Alice"),
           "required fields missing: exit 1, all named", 1, err=r"needs a value for sample$")
    expect(t, h.run("meta", "set", "--template", "krios-session", FILE, "sample=A", "operator=B",
                    "voltage_kV=high"), "a number field given text: exit 1", 1, err=r"is a number, not")
    expect(t, h.run("meta", "set", "--template", "nope", FILE), "an unknown name: the others listed", 1,
           err=r"there are: krios-session")
    h.clear()
    expect(t, h.run("meta", "set", "--template", "krios-session", FILE, "operator=Alice Kowalczyk",
                    "sample=Apoferritin"), "a filled template is set", 0)
    got = h.run("meta", "get", "--json", FILE).json() or {}
    t.ok(got.get("instrument") == "Titan Krios G4" and got.get("voltage_kV") == 300 and
         got.get("operator") == "Alice Kowalczyk" and got.get("sample") == "Apoferritin",
         "... its defaults and values, numbers as numbers", got)
    t.eq(len([q for q in h.requests() if q["method"] == "PUT"]), 1, "in one request")
    h.write_config("")


def main():
    t = Tap()
    if not os.access(ONETUI, os.X_OK):
        t.skip_all("onetui is not built (%s)" % ONETUI)
        return
    h = Harness("--scheme", "https")
    try:
        os.makedirs(os.path.join(h.tmp, "meta"))
        local(h, "meta/session.txt", "Krios session notes\n")
        r = h.run("put", "-r", os.path.join(h.tmp, "meta"), KRIOS + "/Sample notes")
        t.ok(r.rc == 0, "a folder and a file to work on", repr(r))
        usage(t, h)
        xattrs(t, h)
        documents(t, h)
        rdf(t, h)
        protection(t, h)
        editing(t, h)
        templates(t, h)
    finally:
        h.close()
    t.done()


if __name__ == "__main__":
    main()
