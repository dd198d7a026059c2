#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Screen tests of the full-screen interface: the real binary in tmux,
against the test zone over HTTPS."""

import csv
import hashlib
import json
import os
import re
import signal
import subprocess
import time
import sys
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from tuitest import ONETUI, Harness, Screen, Tap, have_tmux  # noqa: E402
from clitest import SLOW, Api  # noqa: E402

KRIOS = "Krios-2025-11 Session Data"
HOSTILE_BYTES = [b"\x1b]0;pwned", b"\x1b[31mred", b"\xc2\x9b31m", b"\xe2\x80\xae", b"line one\nline two"]


def colours(raw):
    """Colour parameters in the SGR sequences of raw terminal output."""
    found = set()
    for params in re.findall(rb"\x1b\[([0-9;]*)m", raw):
        for p in params.split(b";"):
            if p and (30 <= int(p) <= 49 or 90 <= int(p) <= 107):
                found.add(int(p))
    return found


def row_of(lines, text):
    for i, line in enumerate(lines):
        if text in line:
            return i
    return -1


def use_profile(h, user="alice", extra=""):
    """The configuration of the screens, signed in as user, and extra
    settings; its path."""
    return h.write_config('default-profile = "test";\nprofiles = { test = { zone = "%s"; token-file = "%s"; '
                          'ca-file = "%s"; }; };\n%s' % (h.zone_url, h.tokens[user], h.info["ca"], extra))


def start(t, h, name, **kw):
    s = Screen(h, **kw)
    t.ok(s.wait(), "%s: onetui starts and settles" % name, s.text())
    return s


def test_startup(t, h):
    s = start(t, h, "start-up")
    text = s.text()
    lines = s.lines()
    t.ok(lines[0].startswith(" Spaces") and "1 Info" in lines[0] and "4 Transfers" in lines[0],
         "the tree and the tab bar", text)
    t.ok(all(name in text for name in ("Empty Support", KRIOS, "P11 Beamline p700123", "TEM Materials")),
         "every space of the token is listed", text)
    t.ok(re.search(r"P11 Beamline p700123  Facility Storage", text), "with its supporting providers", text)
    status = lines[s.height - 2]
    t.ok("test" in status and "127.0.0.1" in status and "Alice Kowalczyk" in status,
         "the status line names profile, zone and user", status)
    t.ok(lines[s.height - 1].startswith("Enter Open") and "q Quit" in lines[s.height - 1],
         "the key-hint line", lines[s.height - 1])
    t.ok("none: the data cannot be reached" in text and "loads it again" not in text,
         "a space no provider supports is described, not retried", text)
    s.send("j", "Enter")
    t.ok(s.wait(), "open a space", s.text())
    text = s.text()
    t.ok(re.search(r"▾ %s" % re.escape(KRIOS), text) and "  ▸ Atlas" in text and "GainReference_K3_20251112.mrc" in text,
         "its directories and files appear below it", text)
    t.ok("Space id" in text and "Served by" in text, "the Info pane describes the space", text)
    s.send("j", "Enter")
    t.ok(s.wait(), "open a folder", s.text())
    text = s.text()
    t.ok("▾ Atlas" in text and "Atlas_1.jpg" in text and "Atlas_1.mrc" in text, "the folder's files appear",
         text)
    s.send("j")
    t.ok(s.wait(), "move to a file")
    text = s.text()
    t.ok(re.search(r"Name +Atlas_1\.jpg", text) and re.search(r"Size +[\d.]+ KiB \(\d+ bytes\)", text)
         and re.search(r"Mode +0664 \(-rw-rw-r--\)", text), "the Info pane shows the file's attributes", text)
    s.send("h", "h")
    t.ok(s.wait(), "back to the parent, then collapse")
    t.ok("Atlas_1.jpg" not in s.text(), "the folder is collapsed", s.text())
    s.send("q")
    t.ok(s.exited() == 0, "q quits with status 0", s.text())
    s.close()


def test_filter_sort_marks(t, h):
    s = start(t, h, "filter")
    s.send("j", "Enter")
    s.wait()
    s.send("j")
    s.wait()
    s.send("/")
    t.ok(s.wait(), "/ opens the filter prompt")
    t.ok("Filter:" in s.lines()[s.height - 2], "at the bottom", s.text())
    s.send("mrc")
    t.ok(s.wait(), "typing filters as you type")
    text = s.text()
    t.ok("GainReference_K3_20251112.mrc" in text and "EpuSession.dm" not in text and "Atlas" not in text,
         "only names containing the text stay", text)
    s.send("Enter")
    s.wait()
    text = s.text()
    t.ok('filter "mrc"' in text, "the filter stays and says so", text)
    s.send("/", "C-u", "Enter")
    s.wait()
    t.ok("EpuSession.dm" in s.text() and "filter" not in s.text(), "an empty filter shows everything again",
         s.text())
    s.send("s")
    s.wait()
    lines = s.lines()
    t.ok("Sorted by size, directories first" in lines[s.height - 2], "s sorts by size", lines[s.height - 2])
    t.ok(row_of(lines, "GainReference") < row_of(lines, "EpuSession.dm"), "biggest file first", s.text())
    t.ok(row_of(lines, "hostile") < row_of(lines, "GainReference"), "directories stay first", s.text())
    s.send("s", "s", "k", "j")
    s.wait()
    t.ok("sort: name" in s.lines()[s.height - 2], "and back to name order", s.lines()[s.height - 2])
    # Marks: on two files, then the count and size in the status line.
    epu = row_of(s.lines(), "EpuSession.dm")
    cur = row_of(s.lines(), "▸ Atlas")
    s.send(*(["j"] * (epu - cur)))
    s.send("Space")
    s.wait()
    text = s.text()
    t.ok(re.search(r"^\*.*EpuSession\.dm", text, re.M), "Space marks the file", text)
    t.ok("1 marked, 67 KiB" in s.lines()[s.height - 2], "the status line counts it", s.lines()[s.height - 2])
    s.send("Space")
    s.wait()
    t.ok("2 marked, 32 MiB" in s.lines()[s.height - 2], "the cursor moved on: a second mark",
         s.lines()[s.height - 2])
    s.send("u")
    s.wait()
    t.ok("No item is marked now" in s.lines()[s.height - 2], "u unmarks everything", s.lines()[s.height - 2])
    s.send("k", "j")
    s.wait()
    t.ok(not re.search(r"\d+ marked", s.lines()[s.height - 2]), "and the status line says so",
         s.lines()[s.height - 2])
    s.close()


def test_help_and_resize(t, h):
    s = start(t, h, "help", width=120, height=40)
    s.send("?")
    s.wait()
    text = s.text()
    t.ok("Keys" in text and "move down one line" in text and "<Down> j" in text, "? shows every binding", text)
    t.ok("mark or unmark the item" in text and "quit onetui" not in text or "Panes" in text,
         "from the action table", text)
    s.send("q")
    s.wait()
    t.ok("move down one line" not in s.text(), "q closes the help", s.text())
    s.send("j", "Enter")
    s.wait()
    s.resize(80, 24)
    t.ok(s.wait(), "resize to 80x24")
    lines = s.lines()
    t.ok(len(lines) >= 24 and lines[0].startswith(" Spaces") and "Info" in lines[0], "the layout fits 80x24",
         s.text())
    t.ok("Alice" in lines[22] and lines[23].startswith("Enter Open"), "status and hints on the last two lines",
         s.text())
    t.ok("Atlas" in s.text(), "the tree is still there", s.text())
    s.resize(120, 40)
    t.ok(s.wait(), "and back to 120x40")
    lines = s.lines()
    t.ok("Alice" in lines[38] and lines[39].startswith("Enter Open") and "Atlas" in s.text(),
         "redrawn at the new size", s.text())
    s.close()


def test_locale_and_colour(t, h):
    s = start(t, h, "C locale", locale="C")
    s.send("j", "Enter")
    s.wait()
    text = s.text()
    t.ok("> Atlas" in text and "v Krios" in text and "|" in text and "▸" not in text and "│" not in text,
         "ASCII line drawing in the C locale", text)
    t.ok("Probe M\\u{00fc}ller" in text, "non-ASCII names escaped", text)
    s.close()
    s = start(t, h, "NO_COLOR", env={"NO_COLOR": "1"})
    s.send("j", "Enter")
    s.wait()
    t.ok(not colours(s.raw_output()), "NO_COLOR: no colour in the output", repr(colours(s.raw_output())))
    s.close()
    s = start(t, h, "colour")
    t.ok(colours(s.raw_output()), "colours otherwise")
    s.close()


def test_hostile(t, h):
    s = start(t, h, "hostile names")
    s.send("j", "Enter")
    s.wait()
    hostile = row_of(s.lines(), "hostile")
    s.send(*(["j"] * (hostile - row_of(s.lines(), "▸ Atlas") + 1)))
    s.send("Enter")
    t.ok(s.wait(), "open the directory of hostile names")
    text = s.text()
    t.ok("\\e[31mred\\e[0m.tiff" in text and "\\e]0;pwned\\x07" in text and "c1\\u{009b}31mcsi.txt" in text
         and "invoice\\u{202e}fdp.exe" in text and "line one\\nline two.txt" in text and "nul\\x00byte.txt" in text,
         "every name shows as visible escapes", text)
    raw = s.raw_output()
    t.ok(not any(bad in raw for bad in HOSTILE_BYTES), "no hostile sequence reached the terminal")
    t.ok(s.title() != "pwned", "the window title is untouched", s.title())
    for _ in range(16):
        s.send("j")
    t.ok(s.wait(), "moving over every hostile name")
    raw = s.raw_output()
    t.ok(not any(bad in raw for bad in HOSTILE_BYTES), "not even in the Info pane", s.text())
    s.close()


def test_slow_server(t, h):
    """A provider that stops answering mid-listing: the interface keeps
    answering keys, and shows the listing as loading."""
    h.clear()
    h.fault(path=r"/children$", query=r"token=|index=", slow_body_bps=1)
    h.fault(path=r"/children$", slow_body_bps=1)
    s = start(t, h, "slow server")
    s.send("j", "Enter")
    t.ok(s.wait(idle=False), "opening a space while the provider stalls")
    t.ok("loading" in s.text(), "a loading row shows", s.text())
    before = s.text()
    s.send("k")
    t.ok(s.wait(timeout=2, idle=False), "a key is handled at once while the listing hangs")
    t.ok(s.text() != before, "and the screen follows it", s.text())
    s.send("q")
    t.ok(s.exited(timeout=5) == 0, "q quits at once, the stalled request cancelled", s.text())
    s.close()
    h.clear()


def test_copy_and_quit(t, h):
    s = start(t, h, "copy")
    s.send("j", "Enter")
    s.wait()
    s.send("j")
    s.wait()
    s.send("y")
    s.wait()
    t.ok("Copy to your clipboard" in s.text() and "the path" in s.text(), "y offers what to copy", s.text())
    s.send("1")
    s.wait()
    t.ok(s.buffer().strip() == KRIOS + "/Atlas", "the path reaches the clipboard through OSC 52 (tmux's buffer)",
         repr(s.buffer()))
    s.send("y", "2")
    s.wait()
    t.ok(re.fullmatch(r"[0-9A-F]{40,}", s.buffer().strip()) is not None, "and the file id", repr(s.buffer()))
    s.send("y", "3")
    s.wait()
    t.ok("Select with the mouse" in s.text() and KRIOS + "/Atlas" in s.text(), "or shows both in a popup",
         s.text())
    s.send("Escape")
    s.send("Space", "q")
    s.wait()
    t.ok("1 item is marked; quit and forget it?" in s.text(), "q asks when items are marked", s.text())
    s.send("n")
    s.wait()
    t.ok(s.exited(timeout=0.5) is None, "n keeps onetui running", s.text())
    s.send("q", "y")
    t.ok(s.exited() == 0, "y quits", s.text())
    s.close()


def test_marks_files(t, h):
    out = os.path.join(h.tmp, "paged.txt")
    pager = os.path.join(h.tmp, "pager.sh")
    with open(pager, "w") as f:
        f.write("#!/bin/sh\ncp \"$1\" %s\n" % out)
    os.chmod(pager, 0o755)
    s = start(t, h, "marks", env={"PAGER": pager})
    s.send("j", "Enter")
    s.wait()
    s.send("j", "Space", "Space")
    s.wait()
    s.send("v")
    t.ok(s.wait(), "v hands the marked items to $PAGER")
    paged = open(out).read() if os.path.exists(out) else ""
    t.ok("2 marked items" in paged and "%s/Atlas/" % KRIOS in paged and "%s/Images-Disc1/" % KRIOS in paged,
         "with their paths", paged)
    t.ok(" Spaces" in s.text() and "2 marked" in s.text(), "the screen comes back after it", s.text())
    target = os.path.join(h.tmp, "export.txt")
    s.send("e", "C-u", target, "Enter")
    s.wait()
    written = open(target).read() if os.path.exists(target) else ""
    t.ok(written == "%s/Atlas\n%s/Images-Disc1\n" % (KRIOS, KRIOS), "e writes the paths to a file", written)
    s.send("e", "C-u", target, "Enter")
    s.wait()
    t.ok("exists already" in s.lines()[s.height - 2], "and never overwrites one", s.lines()[s.height - 2])
    s.close()


def test_editor(t, h):
    """E hands the marked paths to $EDITOR; deleted lines are unmarked."""
    editor = os.path.join(h.tmp, "editor.sh")
    seen = os.path.join(h.tmp, "edited.txt")
    with open(editor, "w") as f:
        # Keep a copy, drop the line of the Atlas folder, add a stranger.
        f.write("#!/bin/sh\ncp \"$1\" %s\ngrep -v '/Atlas$' %s > \"$1\"\necho 'Krios/elsewhere' >> \"$1\"\n"
                % (seen, seen))
    os.chmod(editor, 0o755)
    s = start(t, h, "$EDITOR", env={"EDITOR": editor})
    s.send("j", "Enter")
    s.wait()
    s.send("j", "Space", "Space")
    s.wait()
    t.ok("2 marked" in s.lines()[s.height - 2], "two marks", s.lines()[s.height - 2])
    s.send("E")
    t.ok(s.wait(), "E hands the marks to $EDITOR and comes back")
    edited = open(seen).read() if os.path.exists(seen) else ""
    t.ok(edited == "%s/Atlas\n%s/Images-Disc1\n" % (KRIOS, KRIOS), "the editor got the paths", edited)
    status = s.lines()[s.height - 2]
    t.ok("1 unmarked, 1 still marked; 1 lines named nothing marked" in status, "deleted lines unmark", status)
    t.ok(" Spaces" in s.lines()[0] and "Images-Disc1" in s.text(), "the screen is restored", s.text())
    s.close()
    s = start(t, h, "failing $EDITOR", env={"EDITOR": "false"}, width=160)
    s.send("j", "Enter")
    s.wait()
    s.send("j", "Space", "E")
    s.wait()
    t.ok("The editor ended with status 1: the marks are as they were" in s.lines()[s.height - 2],
         "an editor that fails is reported", s.lines()[s.height - 2])
    s.send("k")
    s.wait()
    t.ok("1 marked" in s.lines()[s.height - 2], "and changes nothing", s.lines()[s.height - 2])
    s.close()


def test_keys_config(t, h):
    use_profile(h, extra='keys = { tree = [ "x mark", "J move-down" ]; };\n')
    s = start(t, h, "keys from the configuration")
    s.send("J", "Enter")
    s.wait()
    s.send("J", "x")
    s.wait()
    t.ok("1 marked" in s.lines()[s.height - 2], "bindings from the configuration work",
         s.lines()[s.height - 2])
    s.close()
    use_profile(h, extra='keys = { tree = [\n  "x frobnicate" ]; };\n')
    s = Screen(h)
    status = s.exited()
    t.ok(status == 3 and re.search(r"config:4: there is no action \"frobnicate\"", s.text()),
         "a bad binding stops onetui with the file, line and reason", s.text())
    s.close()
    os.unlink(os.path.join(h.home, ".config", "onetui", "config"))


def open_p11_run(t, h, name):
    """Start, open P11 Beamline p700123/p700123/r0034 and put the cursor on
    the run's master file."""
    s = start(t, h, name, width=160, height=45)
    s.send("j", "j", "Enter")
    s.wait()
    s.send("j", "Enter")
    s.wait()
    s.send("j", "j", "Enter")
    s.wait()
    s.send("j", "/", "master", "Enter")
    t.ok(s.wait(), "%s: find the run's master file" % name, s.text())
    return s


def test_info_sections(t, h):
    s = open_p11_run(t, h, "Info pane")
    text = s.text()
    t.ok(re.search(r"Name +p700123_r0034_master\.nxs", text), "the Info pane follows the cursor", text)
    t.ok(re.search(r"Replicas +Facility Storage: complete, [\d.]+ KiB", text), "where the replicas live", text)
    t.ok(re.search(r"Datasets +/P11 Beamline p700123/p700123/r0034: attached, data protected", text)
         and re.search(r"Protection +data protected", text), "the dataset above it and its protection", text)
    t.ok(re.search(r"QoS +impossible\s*\n.*geo=PL, 1 replica: impossible", text), "its QoS requirement", text)
    t.ok(re.search(r"Shares +Run 34, proposal p700123: https://\S+/share/", text)
         and "through /P11 Beamline p700123/p700123/r0034" in text, "the share it belongs to, by its root", text)
    # A file held in part by the second provider, in the Krios space.
    s.close()
    s = start(t, h, "partial replica", width=160, height=45)
    s.send("j", "Enter")
    s.wait()
    for name in ("Images", "1734493", "Data"):
        s.send("j", "/", name, "Enter")
        s.wait()
        s.send("Enter")
        s.wait()
    s.send("j", "/", "fractions", "Enter")
    t.ok(s.wait(), "down to a movie of the fourth grid square", s.text())
    text = s.text()
    t.ok(re.search(r"Replicas +Facility Storage: complete", text)
         and re.search(r"HPC Centre: 25%, [\d.]+ KiB of [\d.]+ MiB", text), "the share of blocks per provider", text)
    t.ok("anyStorage, 2 replicas: pending" in text, "the QoS requirement set on the space root", text)
    s.close()
    # A provider that fails to answer about replicas: said in the pane.
    h.clear()
    h.fault(path=r"/distribution$", status=500, body="error")
    s = open_p11_run(t, h, "failed part")
    text = s.text()
    t.ok(re.search(r"Replicas +.*[Ii]nternal", text) and re.search(r"QoS +impossible", text),
         "a failed part shows its error; the others still load", text)
    t.ok("r loads it again" in text, "with the way to retry", text)
    h.clear()
    s.send("r")
    s.wait()
    t.ok(re.search(r"Replicas +Facility Storage: complete", s.text()), "r loads it again", s.text())
    s.close()


def test_dir_sizes(t, h):
    s = start(t, h, "directory sizes", width=140, height=40)
    s.send("j", "Enter")
    t.ok(s.wait(), "open a space whose provider keeps directory statistics")
    text = s.text()
    t.ok(re.search(r"▸ Images-Disc1 +214 MiB", text) and re.search(r"▸ Atlas +2\.3 MiB", text),
         "directories show their sizes", text)
    t.ok(re.search(r"Size +252 MiB \(264149605 bytes\) in 299 files and 21 directories", text),
         "the space's total in the Info pane", text)
    s.send("s")
    s.wait()
    lines = s.lines()
    t.ok(0 < row_of(lines, "Images-Disc1") < row_of(lines, "Atlas") < row_of(lines, "Sample notes"),
         "sorted by size, biggest directory first", s.text())
    s.send("j", "Space")
    s.wait()
    t.ok("1 marked, 214 MiB" in s.lines()[s.height - 2], "a marked directory counts with its size",
         s.lines()[s.height - 2])
    s.send("u", "g", "G")
    s.wait()
    # TEM Materials: its provider's statistics are still being collected.
    s.send("Enter")
    s.wait()
    text = s.text()
    t.ok("2025-04-02 Al-Cu precipitates" in text and not re.search(r"precipitates +\d", text),
         "a provider without statistics: no size, no error", text)
    t.ok(re.search(r"Size +directory statistics are still being computed", text),
         "the Info pane says why there is no size", text)
    s.close()


def test_datasets(t, h):
    s = start(t, h, "datasets", width=140, height=40)
    s.send("j", "d")
    t.ok(s.wait(), "d shows the space's datasets")
    text = s.text()
    t.ok("Krios-2025-11 Session Data  datasets (d: files)" in text, "the space row says so", text)
    t.ok(re.search(r"▸ Images-Disc1  data and metadata protected", text) and "▸ Processing" in text
         and "▸ Detached datasets" in text, "the top-level datasets, then the detached ones", text)
    t.ok("GainReference" not in text, "instead of the files", text)
    s.send("j", "Enter")
    t.ok(s.wait(), "open a dataset")
    text = s.text()
    t.ok("GridSquare_1734460/Data  data protected" in text, "its nested dataset, by its place below it", text)
    t.ok(re.search(r"State +attached", text) and re.search(r"Root +/Krios-2025-11 Session Data/Images-Disc1", text)
         and re.search(r"Archives +\d+", text), "the Info pane describes the dataset", text)
    t.ok(re.search(r"Size +214 MiB", text), "and its root directory", text)
    detached = row_of(s.lines(), "Detached datasets")
    s.send(*(["j"] * (detached - row_of(s.lines(), "▾ Images-Disc1"))))
    s.send("Enter")
    s.wait()
    text = s.text()
    t.ok(re.search(r"▸ Atlas  detached", text), "the detached datasets", text)
    t.ok("protection no longer applies" in text, "explained in the Info pane", text)
    s.send("g", "j", "j", "Space")
    s.wait()
    t.ok("1 marked" in s.lines()[s.height - 2], "a dataset marks its root directory", s.lines()[s.height - 2])
    s.send("g", "j", "d")
    t.ok(s.wait(), "d again: the files")
    text = s.text()
    t.ok("GainReference" in text and re.search(r"^\*.*Images-Disc1", text, re.M),
         "the mark shows on the directory", text)
    s.send("y", "2")
    s.wait()
    s.send("d", "j", "y", "2")
    s.wait()
    t.ok(re.fullmatch(r"[0-9a-f]{32}", s.buffer().strip()) is not None, "y copies a dataset's id",
         repr(s.buffer()))
    s.close()


def transfer_files(h, remote, local):
    """(all identical, why) between remote and the folder local."""
    from transfer import expected_sha256, file_sha256, listing
    want = listing(h, remote)
    for rel, (fid, size, _) in want.items():
        path = os.path.join(local, rel)
        if not os.path.isfile(path) or file_sha256(path) != expected_sha256(fid, size):
            return False, "%s differs or is missing" % path
    return bool(want), "%d files" % len(want)


def test_transfers(t, h):
    """The Transfers pane: fetch marked items, pause, go on, cancel, quit and take up."""
    base = os.path.join(h.tmp, "tui-fetch")
    os.makedirs(os.path.join(base, "scratch-area"))
    s = start(t, h, "transfers", width=140, height=40)
    s.send("j", "Enter")
    s.wait()
    s.send("j", "Space")
    s.wait()
    s.send("4")
    s.wait()
    t.ok("No transfer yet" in s.text() and "1 item marked" in s.text(), "the pane says how to start", s.text())
    s.send("f")
    s.wait()
    t.ok("Fetch 1 item (2.3 MiB) into:" in s.text(), "f asks where to, with what is marked", s.text())
    s.send("C-u", base + "/scr", "Tab")
    s.wait()
    t.ok(("into: %s/scratch-area/" % base) in s.text(), "Tab completes a local folder", s.text())
    s.send("Enter")
    t.ok(s.wait(timeout=60), "the fetch runs to its end", s.text())
    text = s.text()
    ok, why = transfer_files(h, KRIOS + "/Atlas", os.path.join(base, "scratch-area", "Atlas"))
    t.ok(ok, "the folder arrives byte-identical (%s)" % why, why)
    t.ok(re.search(r"\[█+\] 100%", text) and "done" in text and "3/3 files" in text,
         "the pane shows the job done, with its bar and counts", text)
    t.ok(re.search(r"^✓ +▸ Atlas", s.lines()[row_of(s.lines(), "▸ Atlas")]), "the tree marks the item fetched",
         s.text())

    h.fault(path=r"/content$", slow_body_bps=1 << 20)
    s.send("/", "C-u", "Gain", "Enter")
    s.wait()
    s.send("Space", "f")
    s.wait()
    t.ok(("into: %s/scratch-area/" % base) in s.text(), "the last folder is offered again", s.text())
    s.send("Enter", "Tab")
    s.wait(idle=False)
    time.sleep(1)
    s.send("j", "p")
    s.wait(idle=False)
    part = os.path.join(base, "scratch-area", "GainReference_K3_20251112.mrc.part")
    deadline = time.monotonic() + 10
    while "paused" not in s.text() and time.monotonic() < deadline:
        time.sleep(0.1)
    t.ok("paused" in s.text() and os.path.exists(part), "p pauses it; its part stays", s.text())
    size = os.path.getsize(part) if os.path.exists(part) else -1
    h.clear()
    s.send("p")
    t.ok(s.wait(timeout=60) and "paused" not in s.text(), "p again goes on to the end", s.text())
    ok, why = transfer_files(h, KRIOS + "/GainReference_K3_20251112.mrc", os.path.join(base, "scratch-area"))
    t.ok(ok and size > 0, "the file is byte-identical, resumed from %d bytes (%s)" % (size, why), why)

    s.send("Enter")
    s.wait()
    t.ok("Job " in s.text() and "GainReference_K3_20251112.mrc" in s.text() and "done" in s.text(),
         "Enter shows the job's files", s.text())
    s.send("Escape")

    h.fault(path=r"/content$", slow_body_bps=256 << 10)
    s.send("Tab", "/", "C-u", "Images", "Enter", "Space", "f", "Enter", "Tab")
    s.wait(idle=False)
    time.sleep(1)
    s.send("G", "x")
    s.wait(idle=False)
    t.ok("Cancel this transfer and delete its partial files?" in s.text(), "x asks before cancelling", s.text())
    s.send("y")
    deadline = time.monotonic() + 10
    while "cancelled" not in s.text() and time.monotonic() < deadline:
        time.sleep(0.1)
    parts = [f for f in os.listdir(os.path.join(base, "scratch-area")) if f.endswith(".part")]
    t.ok("cancelled" in s.text() and not parts, "y cancels it and deletes its part", s.text() + repr(parts))

    h.clear()
    h.fault(path=r"/content$", slow_body_bps=16 << 10)
    s.send("Tab", "/", "C-u", "EpuSession", "Enter", "Space", "f", "Enter")
    s.wait(idle=False)
    time.sleep(0.5)
    s.send("q")
    s.wait(idle=False)
    t.ok("1 transfer is running; quit" in s.text(), "q asks while a transfer runs", s.text())
    s.send("y")
    t.ok(s.exited() == 0, "y quits", s.text())
    s.close()
    h.clear()
    s = start(t, h, "transfers again", width=140, height=40)
    t.ok(s.wait(timeout=60), "the next start settles", s.text())
    s.send("4")
    s.wait()
    ok, why = transfer_files(h, KRIOS + "/EpuSession.dm", os.path.join(base, "scratch-area"))
    t.ok(ok and "done" in s.text(), "the next start takes up the stopped transfer and ends it (%s)" % why,
         s.text())
    s.close()


def quit_cleanly(t, s, what):
    """q (and y if it asks), then onetui must exit 0: under valgrind, an
    error or a leak makes it exit 99."""
    s.send("q")
    s.wait(idle=False)
    if "quit" in s.text():
        s.send("y")
    t.ok(s.exited() == 0, "%s: q quits cleanly" % what, s.text())
    s.close()


def wait_text(s, text, timeout=10):
    """Until text is on the screen (the pane looks at other processes every second)."""
    deadline = time.monotonic() + timeout * SLOW
    while time.monotonic() < deadline:
        if text in s.text():
            return True
        time.sleep(0.1)
    return False


def test_transfers_elsewhere(t, h):
    """Jobs other onetui processes run, uploads too: listed with their
    progress, paused, gone on with and cancelled from the pane; an upload
    whose process was killed is taken up here; a paused job stays paused."""
    from transfer import file_sha256, job_for, job_for_upload, job_record, journal_dir, wait_until
    base = os.path.join(h.tmp, "tui-elsewhere")
    os.makedirs(base)
    gain = KRIOS + "/GainReference_K3_20251112.mrc"
    h.clear()
    h.fault(path=r"/content$", slow_body_bps=512 << 10)
    dest = os.path.join(base, "gain")
    proc = h.start("get", "--progress", "none", gain, dest)
    wait_until(lambda: job_for(h, dest)[0] is not None)
    job = job_for(h, dest)[0]
    s = start(t, h, "elsewhere", width=140, height=40)
    s.send("4", "Tab", "g")
    s.wait()
    t.ok(wait_text(s, "running in another onetui") and re.search(r"\d+%  .*/s  ETA", s.text()),
         "a job another onetui runs is listed with its progress", s.text())
    s.send("p")
    s.wait()
    t.ok(wait_until(lambda: job_record(h, job).get("state") == "paused") and
         wait_text(s, "paused in another onetui") and proc.poll() is None,
         "p pauses it in that process, which waits", s.text())
    s.send("p")
    s.wait()
    t.ok(wait_until(lambda: job_record(h, job).get("state") == "running") and
         wait_text(s, "running in another onetui"), "p again: that process goes on", s.text())
    s.send("x")
    s.wait()
    t.ok("Cancel this transfer and delete its partial files?" in s.text(), "x asks first", s.text())
    s.send("y")
    s.wait()
    try:
        proc.communicate(timeout=20 * SLOW)
    except Exception:
        proc.kill()
        proc.communicate()
    t.ok(proc.returncode == 1 and not os.path.exists(dest + ".part") and wait_text(s, "cancelled"),
         "y: that process cancels it and removes its part", repr(proc.returncode) + s.text())

    # An upload whose process is killed is taken up here, to its end.
    h.clear()
    src = os.path.join(base, "session-0043.tiff")
    with open(src, "wb") as f:
        f.write(os.urandom(6 << 20))
    up = h.start("put", "--limit-rate", "1M", "--progress", "none", src, "TEM Materials/tui-upload.tiff")
    wait_until(lambda: job_for_upload(h, src) is not None)
    t.ok(wait_text(s, "\u2191 " + src), "an upload another process runs is listed, with its arrow", s.text())
    time.sleep(1)
    up.kill()
    up.wait()
    t.ok(wait_text(s, "stopped"), "killed, it shows as stopped", s.text())
    s.send("g", "j", "p")
    s.wait()
    t.ok(wait_until(lambda: job_record(h, job_for_upload(h, src)).get("state") == "finished", 60) and
         wait_text(s, "done"), "p takes the upload up here and ends it", s.text())
    back = os.path.join(base, "back.tiff")
    r = h.run("get", "TEM Materials/tui-upload.tiff", back)
    t.ok(r.rc == 0 and file_sha256(back) == file_sha256(src), "it arrived byte-identical", repr(r))
    quit_cleanly(t, s, "elsewhere")

    # Paused, its process gone: the next start leaves it paused; X cancels all.
    h.fault(path=r"/content$", slow_body_bps=512 << 10)
    dest = os.path.join(base, "paused")
    proc = h.start("get", "--progress", "none", gain, dest)
    wait_until(lambda: job_for(h, dest)[0] is not None)
    job = job_for(h, dest)[0]
    wait_until(lambda: os.path.exists(dest + ".part"))
    h.run("transfers", "pause", job)
    proc.kill()
    proc.wait()
    h.clear()
    size = os.path.getsize(dest + ".part")
    s = start(t, h, "paused stays paused", width=140, height=40)
    s.send("4")
    s.wait()
    time.sleep(2)
    t.ok("paused" in s.text() and job_record(h, job).get("state") == "paused" and
         os.path.getsize(dest + ".part") == size, "a job the user paused is not taken up at start", s.text())
    s.send("X")
    s.wait()
    t.ok("Cancel 1 transfer and delete its partial files?" in s.text(), "X asks before cancelling them all",
         s.text())
    s.send("y")
    s.wait()
    left = [f for f in os.listdir(journal_dir(h)) if f.startswith(job) and not f.endswith(".journal")]
    t.ok(wait_text(s, "cancelled") and job_record(h, job).get("state") == "cancelled" and
         not os.path.exists(dest + ".part") and not left,
         "y cancels every unfinished transfer; nothing of it is left but its journal", s.text() + repr(left))
    quit_cleanly(t, s, "paused stays paused")


def test_send(t, h):
    """U sends a local folder into the selected folder, as an upload job."""
    from transfer import make_tree, remote_matches
    src = os.path.join(h.tmp, "tui-send", "session-0099")
    make_tree(src)
    s = start(t, h, "send", width=140, height=40)
    s.send("G", "U")
    s.wait()
    t.ok("Send into TEM Materials: " in s.text(), "U asks what to send into the selected space", s.text())
    s.send("C-u", os.path.join(h.tmp, "tui-send", "nothing-here"), "Enter")
    s.wait()
    t.ok("Cannot send" in s.text() and "No such file or directory" in s.text(), "a missing path: said",
         s.text())
    s.send("U", "C-u", os.path.join(h.tmp, "tui-send", "sess"), "Tab")
    s.wait()
    t.ok(re.search(r"session-0099/ *$", s.text(), re.M), "Tab completes the local path", s.text())
    # Slowly enough to be paused from a shell meanwhile.
    h.fault(path=r"/content$", latency_ms=1500)
    s.send("Enter")
    t.ok(wait_for(s, r"\u2191 .*session-0099 -> TEM Materials"), "the upload is listed", s.text())
    from transfer import job_for_upload
    job = job_for_upload(h, src)
    r = h.run("transfers", "pause", job or "none")
    t.ok(r.rc == 0 and wait_for(s, r"(?m)^ .*│ +paused"), "transfers pause from a shell pauses it here",
         repr(r) + s.text())
    h.clear()
    r = h.run("transfers", "resume", job or "none")
    t.ok(r.rc == 0 and wait_for(s, r"(?m)^ .*│ +done", 60), "transfers resume: it goes on here, to its end",
         repr(r) + s.text())
    ok, why = remote_matches(h, src, "TEM Materials/session-0099")
    t.ok(ok, "the folder arrived whole, checksums recorded (%s)" % why, why)
    quit_cleanly(t, s, "send")


def test_public_share(t, h):
    """Opened on a share's public link, without any token: the share alone,
    read-only; marked items are fetched, resumably, through the zone."""
    from transfer import P11, job_for
    share = h.info["shares"]["/" + P11 + "/p700123/r0034"]
    link = h.info["zone"]["url"] + "/share/" + share
    base = os.path.join(h.tmp, "tui-public")
    os.makedirs(base)
    use_profile(h, extra='transfers = { jobs = 2; limit-rate = "10M"; };\n')
    h.clear()
    s = start(t, h, "public share", width=140, height=40, args=[link])
    lines = s.lines()
    t.ok(lines[0].startswith(" Public share, read-only"), "the tree says what it shows", s.text())
    t.ok(re.search(r'r0034  public share "Run 34, proposal p700123", read-only', s.text())
         and KRIOS not in s.text(), "the shared folder alone, with the share's name", s.text())
    t.ok("no account" in lines[s.height - 2] and "test" not in lines[s.height - 2],
         "the status line says there is no account, and no profile", lines[s.height - 2])
    t.ok(re.search(r"Link +" + re.escape(link[:60]), s.text()) and "no directory statistics" in s.text(),
         "the Info pane gives the link and says what it cannot know", s.text())
    s.send("Enter")
    s.wait()
    t.ok("▸ logs" in s.text() and "p700123_r0034_master.nxs" in s.text(), "Enter lists what is inside", s.text())
    s.send("/", "C-u", "master", "Enter")
    s.wait()
    t.ok(re.search(r"Name +p700123_r0034_master\.nxs", s.text()) and re.search(r"Size +[\d.]+ KiB", s.text())
         and "Owner" not in s.text() and "the space root" not in s.text(),
         "the Info pane shows what public data has of a file's attributes", s.text())
    s.send("Space", "/", "C-u", "logs", "Enter", "Space", "f")
    s.wait()
    t.ok("Fetch 2 items" in s.text(), "items inside the share are marked and fetched", s.text())
    s.send("C-u", base, "Enter")
    t.ok(s.wait(timeout=60) and wait_for(s, r"done"), "the fetch runs to its end", s.text())
    seen = h.requests()
    job, _ = job_for(h, base)
    with open(os.path.join(h.home, ".local", "state", "onetui", "transfers", "%s.journal" % job)) as f:
        header = json.loads(f.readline())
    t.ok(header["options"]["jobs"] == 2 and header["options"]["streams"] == 4 and header["options"]["maxSpeed"] == 10 << 20,
         "the configuration's transfers settings apply", repr(header.get("options")))
    ok1, why1 = transfer_files(h, P11 + "/p700123/r0034/logs", os.path.join(base, "logs"))
    ok2, why2 = transfer_files(h, P11 + "/p700123/r0034/p700123_r0034_master.nxs", base)
    t.ok(ok1 and ok2, "byte-identical (%s, %s)" % (why1, why2), why1 + why2)
    tokens = [q for q in seen if "x-auth-token" in q.get("headers", {}) or "authorization" in q.get("headers", {})]
    t.ok(seen and not tokens, "no request carried a token", repr(tokens[:2]))
    t.ok(any(q["service"] == "zone" and "/shares/data/" in q["path"] for q in seen),
         "the share's data went through the zone's public path", repr(seen[:3]))

    # The whole share, slowly: quit while it runs, and the next start goes on.
    h.fault(path=r"/content$", slow_body_bps=256 << 10)
    s.send("g", "Space", "f", "C-u", os.path.join(base, "whole"), "Enter")
    s.wait(idle=False)
    t.ok(wait_for(s, r"r0034 -> ", timeout=15 * SLOW), "the share's root is marked and fetched whole", s.text())
    s.send("P")
    t.ok(wait_for(s, r"Pausing 1 transfer") and wait_for(s, r"(?m)^.*│ +paused", timeout=15 * SLOW),
         "P pauses every running transfer", s.text())
    s.send("P")
    t.ok(wait_for(s, r"Going on with 1 transfer") and wait_for(s, r"(?m)^.*│ +running", timeout=15 * SLOW),
         "P again goes on with them", s.text())
    s.send("q")
    s.wait(idle=False)
    t.ok(wait_for(s, "1 transfer is running; quit", timeout=15 * SLOW), "q asks while it runs", s.text())
    s.send("y")
    t.ok(s.exited() == 0, "y quits", s.text())
    s.close()
    h.clear()
    s = start(t, h, "public share again", width=140, height=40, args=[link])
    s.send("4")
    t.ok(s.wait(timeout=90) and wait_for(s, r"done", timeout=30), "the next start on the link takes it up",
         s.text())
    ok, why = transfer_files(h, P11 + "/p700123/r0034", os.path.join(base, "whole", "r0034"))
    t.ok(ok, "and ends it byte-identical (%s)" % why, why)
    s.send("q")
    t.ok(s.exited() == 0, "q quits", s.text())
    s.close()

    # Left by the interface, gone on with by the command line, without a token.
    h.fault(path=r"/content$", slow_body_bps=16 << 10)
    cli = os.path.join(base, "cli")
    s = start(t, h, "public share once more", width=140, height=40, args=[link])
    s.send("Enter", "/", "C-u", "master", "Enter", "Space", "f", "C-u", cli, "Enter")
    s.wait(idle=False)
    wait_for(s, r"r0034/p700123_r0034_master\.nxs -> ", timeout=15 * SLOW)
    s.send("q")
    wait_for(s, "1 transfer is running; quit", timeout=15 * SLOW)
    s.send("y")
    t.ok(s.exited() == 0, "quit while it runs", s.text())
    s.close()
    h.clear()
    job, state = job_for(h, os.path.join(cli, "p700123_r0034_master.nxs"))
    r = h.run("transfers", "resume", job or "none", user=None)
    ok, why = transfer_files(h, P11 + "/p700123/r0034/p700123_r0034_master.nxs", cli)
    t.ok(state == "stopped" and r.rc == 0 and ok,
         "onetui transfers resume ends it without a token, byte-identical (%s)" % why, repr(r))

    s = start(t, h, "a link to no share", args=[h.info["zone"]["url"] + "/share/0000nosuchshare"])
    t.ok("The share could not be opened: r retries" in s.text() and "Cannot open the share" in s.text(),
         "a link to no share: said, and the interface stays", s.text())
    s.send("q")
    t.ok(s.exited() == 0, "q quits", s.text())
    s.close()
    use_profile(h)
    r = h.run("https://%s/nothing-shared" % "127.0.0.1", user=None)
    t.ok(r.rc == 2 and b"is not a share's public link" in r.err, "a URL that is no share link: exit 2, said",
         repr(r))


def wait_for(s, what, timeout=15):
    """Until the screen matches the regular expression what."""
    deadline = time.monotonic() + timeout
    while not re.search(what, s.text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return re.search(what, s.text()) is not None


META_EDITOR = r"""#!/bin/sh
# One step a run: the step files are written by the test, in order.
n=$(cat "$STEPS/count" 2>/dev/null || echo 0)
n=$((n + 1))
echo $n > "$STEPS/count"
echo "$@" >> "$STEPS/args"
last=""
for a in "$@"; do last="$a"; done
if [ -f "$STEPS/$n" ]; then cp "$STEPS/$n" "$last"; fi
"""


def test_metadata_pane(t, h):
    """The Metadata pane: xattrs edited in place, JSON through $EDITOR
    (a mistake sends it back there at its line), a change made meanwhile
    detected, protection shown and enforced."""
    steps = os.path.join(h.tmp, "meta-steps")
    os.makedirs(steps, exist_ok=True)
    # Called vi, so that onetui starts it at the line of a mistake.
    os.makedirs(os.path.join(h.tmp, "meta-bin"), exist_ok=True)
    editor = os.path.join(h.tmp, "meta-bin", "vi")
    with open(editor, "w") as f:
        f.write(META_EDITOR)
    os.chmod(editor, 0o755)
    with open(os.path.join(steps, "1"), "w") as f:
        f.write('{\n  "sample": "Apoferritin",\n  "grids": tru\n}\n')
    with open(os.path.join(steps, "2"), "w") as f:
        f.write('{"sample": "Apoferritin", "grids": [1, 2], "dose": 50.5}\n')
    notes = KRIOS + "/Sample notes"
    target = notes + "/Grid [3] {retake} (final).txt"
    s = start(t, h, "metadata", width=150, height=40, env={"EDITOR": editor, "STEPS": steps})
    s.send("j", "Enter")
    s.wait()
    s.send("j", "/", "Images", "Enter")
    s.wait()
    s.send("2")
    t.ok(wait_for(s, r"instrument +Titan Krios G4"), "2 shows the Metadata pane: the folder's xattrs", s.text())
    t.ok("Metadata protection (a dataset's): read-only." in s.text() and "a adds" not in s.text(),
         "its protection, and no keys to change it", s.text())
    t.ok(re.search(r'"magnification": 105000,', s.text()) and re.search(r'"defocus_um": \[', s.text()),
         "its JSON document, pretty-printed", s.text())
    s.send("Tab", "a")
    s.wait()
    t.ok("metadata protection: its metadata cannot change" in s.text(), "a is refused there at once", s.text())
    s.send("Tab", "U")
    t.ok(wait_for(s, r"in a dataset with data protection: nothing can be written there"),
         "U into the protected folder is refused before asking what to send", s.text())
    s.send("/", "C-u", "Sample", "Enter")
    s.wait()
    s.send("Enter")
    s.wait()
    s.send("j", "/", "retake", "Enter")
    t.ok(wait_for(s, r"Extended attributes +a adds, e edits, d removes") and wait_for(s, r"RDF[^\n]*\n[^\n]*│ +none"),
         "a writable file: the keys are offered", s.text())
    t.ok(re.search(r"JSON[^\n]*\n[^\n]*│ +none", s.text()), "no JSON yet", s.text())
    s.send("Tab", "a", "operator=Alice Kowalczyk", "Enter")
    t.ok(wait_for(s, r"operator +Alice Kowalczyk"), "a adds an attribute", s.text())
    s.send("a", "voltage_kV:=300", "Enter")
    t.ok(wait_for(s, r"voltage_kV +300"), "... a number too", s.text())
    r = h.run("meta", "get", "--json", target)
    t.ok((r.json() or {}).get("voltage_kV") == 300 and r.json().get("operator") == "Alice Kowalczyk",
         "both on the server, the number as a number", repr(r))
    s.send("g", "j")
    s.wait()
    s.send("e")
    s.wait()
    t.ok("operator: Alice Kowalczyk" in s.text(), "e on an attribute asks for its value", s.text())
    s.send("C-u", "Bob", "Enter")
    t.ok(wait_for(s, r"operator +Bob"), "... and sets it", s.text())
    h.run("meta", "set", target, "operator=Carol")
    s.send("e", "C-u", "Dave", "Enter")
    t.ok(wait_for(s, r"changed since it was shown"), "a change made meanwhile is noticed", s.text())
    s.send("n")
    s.wait()
    r = h.run("meta", "get", target, "operator")
    t.ok(r.text == "operator=Carol\n", "... and not written over", repr(r))
    s.send("a", "cdmi_x=1", "Enter")
    s.wait()
    t.ok("reserved by Onedata" in s.text(), "a reserved name is refused before sending", s.text())
    s.send("G", "k", "k", "k", "e")
    t.ok(wait_for(s, r"line 3, column \d+: unexpected 't'?.*Edit it again\?"),
         "e on the JSON opens the editor; invalid JSON comes back with its line", s.text())
    s.send("y")
    t.ok(wait_for(s, r'"grids": \['), "... the editor opens again, and the fixed document is shown",
         s.text())
    args = open(os.path.join(steps, "args")).read().split("\n")
    t.ok(len(args) >= 2 and args[1].startswith("+3 "), "the second time at the mistake's line", args)
    r = h.run("meta", "get", "-t", "json", "--json", target)
    t.eq(r.json(), {"sample": "Apoferritin", "grids": [1, 2], "dose": 50.5}, "the document on the server")
    s.send("g", "j", "j", "d")
    s.wait()
    t.ok("Remove the extended attribute" in s.text(), "d asks before removing an attribute", s.text())
    s.send("y")
    t.ok(wait_for(s, r"Saved the extended attributes"), "... and removes it", s.text())
    quit_cleanly(t, s, "metadata")


def test_metadata_bulk(t, h):
    """T fills a template, A sets an attribute or merges JSON: on the
    marked items, previewed first (a protected one left alone), then a
    list of outcomes."""
    config = use_profile(h, extra="""
templates = {
  krios-session = {
    description = "A cryo-EM session on the Titan Krios";
    fields = (
      { name = "operator"; required = true; },
      { name = "sample"; required = true; },
      { name = "voltage_kV"; number = true; default = 300; }
    );
  };
};
""")
    notes = KRIOS + "/Sample notes"
    s = start(t, h, "metadata bulk", width=150, height=40)
    s.send("j", "Enter")
    s.wait()
    s.send("j", "/", "Images", "Enter")
    s.wait()
    s.send("Space", "/", "C-u", "Sample", "Enter")
    s.wait()
    s.send("Enter")
    s.wait()
    s.send("j", "/", "empty", "Enter")
    s.wait()
    s.send("Space", "/", "C-u", "overview", "Enter")
    s.wait()
    s.send("Space")
    s.wait()
    t.ok("3 marked" in s.lines()[s.height - 2], "three items marked", s.lines()[s.height - 2])
    s.send("2", "Tab", "T")
    s.wait()
    t.ok("operator (1/3), required:" in s.text(), "T asks for the template's first field", s.text())
    s.send("Alice Kowalczyk", "Enter")
    s.wait()
    s.send("Enter")
    s.wait()
    t.ok("This field is required. sample (2/3), required:" in s.text(),
         "a required field left empty is asked again", s.text())
    s.send("Apoferritin", "Enter")
    s.wait()
    t.ok(re.search(r"voltage_kV \(3/3\), a number: *300", s.text()), "a default is offered", s.text())
    s.send("C-u", "high", "Enter")
    s.wait()
    t.ok("is a number, not \"high\"" in s.text(), "text for a number field is refused", s.text())
    s.send("C-u", "200", "Enter")
    t.ok(wait_for(s, r"on 3 items: 2 change, 0 already so, 1 protected") and "could not be read. Go on?" in s.text(),
         "a preview: two change, the protected folder is left alone", s.text())
    s.send("y")
    t.ok(wait_for(s, r"changed +%s/empty\.txt" % re.escape(notes)) and
         re.search(r"protected, left alone +%s/Images-Disc1" % re.escape(KRIOS), s.text()),
         "then each item's outcome", s.text())
    r = h.run("meta", "get", "--json", notes + "/empty.txt")
    t.eq(r.json(), {"operator": "Alice Kowalczyk", "sample": "Apoferritin", "voltage_kV": 200},
         "the template's attributes on the server, numbers as numbers")
    s.send("q")
    s.wait()
    s.send("A", '{"site": "Brno", "sample": null}', "Enter")
    t.ok(wait_for(s, r"on 3 items: 2 change"), "A with a JSON object: a merge, previewed", s.text())
    s.send("y")
    t.ok(wait_for(s, r"2 changed, 0 failed"), "... and made", s.text())
    r = h.run("meta", "get", "-t", "json", "--json", notes + "/empty.txt")
    t.eq(r.json(), {"site": "Brno"}, "the merged document")
    s.send("q")
    s.wait()
    s.send("A", "operator=Alice Kowalczyk", "Enter")
    t.ok(wait_for(s, r"on 3 items: nothing to change \(2 already so, 1 protected, 0 could not be read\)"),
         "nothing to change is said, and nothing is sent", s.text())
    quit_cleanly(t, s, "metadata bulk")
    os.unlink(config)       # the next screen writes the plain one again


def test_dataset_actions(t, h):
    """D: establish a protected dataset, archive it, list its archives,
    recall one into a new folder and follow it, then lift the protection."""
    notes = KRIOS + "/Sample notes"
    s = start(t, h, "dataset actions", width=150, height=40)
    s.send("j", "Enter")
    s.wait()
    s.send("j", "/", "Sample", "Enter")
    s.wait()
    s.send("D")
    t.ok(wait_for(s, r"No dataset of its own yet") and "Establish a dataset, its data protected" in s.text(),
         "D on a folder without one offers to make one",
         s.text())
    s.send("2")
    t.ok(wait_for(s, r"Sample notes is a dataset now \(data protected\)"), "... data protected", s.text())
    r = h.run("dataset", "show", "--json", notes)
    t.ok((r.json() or {}).get("protectionFlags") == ["data_protection"], "the server agrees", repr(r))
    s.send("D")
    t.ok(wait_for(s, r"Dataset: attached, data protected"),
         "D on it now offers what a dataset can do", s.text())
    s.send("4")
    t.ok(wait_for(s, r"The provider builds archive \w+ of"), "archive it", s.text())
    deadline = time.monotonic() + 30 * SLOW
    states = []
    while time.monotonic() < deadline:
        states = [a.get("state") for a in h.run("archive", "ls", "--json", notes).json() or []]
        if states == ["preserved"]:
            break
        time.sleep(0.5)
    t.eq(states, ["preserved"], "the archive is preserved")
    s.send("D")
    wait_for(s, r"Dataset: attached")     # the menu opens once the dataset is read
    s.send("6")
    t.ok(wait_for(s, r"Archives of .*Sample notes") and wait_for(s, r"\w+  preserved +5 files"),
         "its archives, with their state and size", s.text())
    s.send("q", "D")
    wait_for(s, r"Dataset: attached")
    s.send("7")
    t.ok(wait_for(s, r"Recall which archive\?"), "recall: the preserved archives are offered", s.text())
    s.send("1")
    t.ok(wait_for(s, r"Recall into \(%s/FOLDER/NAME\): %s \(recalled \d{4}-" % (re.escape(KRIOS),
                                                                              re.escape(notes))),
         "... into a new folder beside it, by default", s.text())
    s.send("Enter")
    t.ok(wait_for(s, r"The recall into .*Sample notes \(recalled .*\) is complete: 5 files", 30 * SLOW),
         "the recall is followed until it is complete", s.text())
    r = h.run("ls", "--json", KRIOS)
    names = [e.get("name", "") for e in r.json() or []]
    t.ok(any(n.startswith("Sample notes (recalled ") for n in names), "the recalled folder is there", names)
    s.send("D")
    wait_for(s, r"Dataset: attached")
    s.send("8")
    t.ok(wait_for(s, r"Delete which archive\?") and re.search(r"1  \d{4}-\d\d-\d\d \d\d:\d\d  preserved", s.text()),
         "delete: every archive is offered, with its state", s.text())
    s.send("1")
    t.ok(wait_for(s, r"Delete archive \w+ of"), "... after asking", s.text())
    s.send("y")
    t.ok(wait_for(s, r"The provider deletes the archive"), "... the provider deletes it", s.text())
    deadline = time.monotonic() + 30 * SLOW
    while time.monotonic() < deadline and h.run("archive", "ls", "--json", notes).json():
        time.sleep(0.5)
    t.eq(h.run("archive", "ls", "--json", notes).json(), [], "and it is gone")
    s.send("D")
    wait_for(s, r"Dataset: attached")
    s.send("2")
    t.ok(wait_for(s, r"Its protection is removed"), "the protection is lifted from the interface", s.text())
    quit_cleanly(t, s, "dataset actions")


def test_onedata_transfers(t, h):
    """Onedata's transfers between providers in the Transfers pane: shown
    as they run, cancelled, run again, described."""
    grid = KRIOS + "/Images-Disc1/GridSquare_1734452"
    try:
        # Copies there only from HPC Centre, slowly enough to be watched.
        h.control("POST", "/transfers/settings", {"instant": True})
        r = h.run("transfers", "evict", "--from", "Facility Storage", "--wait", grid)
        t.ok(r.rc == 0, "a grid square evicted from Facility Storage", repr(r))
        h.control("POST", "/transfers/settings", {"reset": True})
        h.control("POST", "/transfers/settings", {"rate": 256 << 10})
        r = h.run("transfers", "replicate", "--to", "Facility Storage", grid)
        tid = r.text.strip()
        t.ok(r.rc == 0 and tid, "a replication started from the command line", repr(r))
        s = start(t, h, "onedata transfers", width=140, height=40)
        s.send("4")
        s.wait()
        t.ok(wait_for(s, r"⇄ replication %s/Images-Disc1/GridSquare_1734452" % re.escape(KRIOS)),
             "the pane shows it: kind and what", s.text())
        t.ok(wait_for(s, r"Onedata: (scheduled|enqueued|replicating)  to Facility Storage")
             and re.search(r"\d+/\d+ files", s.text()),
             "with Onedata's status, where to and its files", s.text())
        t.ok(re.search(r"Onedata: completed  from Facility Storage", s.text()),
             "the eviction below it, ended, says where from", s.text())
        t.ok(wait_for(s, r"\[█+·*\] \d+/\d+ files +[0-9.]+ [KM]iB +[0-9.]+ [KM]iB/s"),
             "it moves: a bar, the bytes copied and the rate", s.text())
        s.send("Tab", "x")
        s.wait(idle=False)
        t.ok(wait_for(s, "Have Onedata cancel this transfer between providers"), "x asks first", s.text())
        s.send("y")
        t.ok(wait_for(s, r"Onedata: cancelled"), "y has Onedata cancel it", s.text())
        s.send("r")
        t.ok(wait_for(s, r"Running it again as transfer \w+"), "r runs the ended transfer again", s.text())
        t.ok(wait_for(s, r"(?s)Onedata: (scheduled|enqueued|replicating).*Onedata: cancelled"),
             "the new one comes first, running; the cancelled one below", s.text())
        # The cursor stayed on the cancelled one as the new one came above.
        s.send("Enter")
        s.wait(idle=False)
        t.ok(wait_for(s, "Transfer %s \\(replication\\)" % re.escape(tid)) and "Status: cancelled" in s.text(),
             "Enter describes the transfer", s.text())
        s.send("Escape", "p")
        t.ok(wait_for(s, "cannot be paused"), "p says that Onedata's transfers do not pause", s.text())
        s.send("q")
        s.wait(idle=False)
        if "quit" in s.text():
            s.send("y")
        t.ok(s.exited() == 0, "q quits with Onedata's transfers still listed", s.text())
        s.close()
    finally:
        h.control("POST", "/transfers/settings", {"reset": True})


def test_replicate_from_tree(t, h):
    """R: Onedata replicates, migrates or keeps QoS replicas of the selected item."""
    gain = KRIOS + "/GainReference_K3_20251112.mrc"
    hpc, _ = h.provider("HPC Centre")
    facility, _ = h.provider("Facility Storage")

    def transfer(tid):
        return h.run("transfers", "show", "--json", tid).json() or {}

    s = start(t, h, "replicate", width=140, height=40)
    s.send("j", "Enter")
    s.wait()
    s.send("/", "C-u", "GainReference", "Enter")
    s.wait()
    s.send("R")
    s.wait()
    text = s.text()
    t.ok("Onedata, for GainReference_K3_20251112.mrc" in text and "Replicate to a provider" in text and
         "Keep replicas where a QoS expression says" in text, "R asks what Onedata should do", text)
    s.send("Enter")
    s.wait()
    t.ok("Replicate to which provider?" in s.text() and "HPC Centre (read-only storage)" in s.text(),
         "then to which of the space's providers, read-only storage marked", s.text())
    s.send("j", "Enter")
    s.wait()
    t.ok("HPC Centre keeps %s on read-only storage" % KRIOS in s.text() and
         "Replicate to which provider?" in s.text(), "read-only storage is refused at once, and asked again",
         s.text())
    s.send("Enter")
    t.ok(wait_for(s, r"Transfer \w+ started"), "Enter starts it and says so", s.text())
    tid = re.search(r"Transfer (\w+) started", s.text()).group(1)
    rec = transfer(tid)
    t.ok(rec.get("type") == "replication" and rec.get("replicatingProviderId") == facility and
         "GainReference" in (rec.get("filePath") or ""),
         "Onedata has a replication of that file to Facility Storage", repr(rec))
    t.ok(wait_for(s, r"replication %s" % re.escape(gain)), "the Transfers pane shows it at once", s.text())

    s.send("R", "3")
    s.wait()
    t.ok("Migrate from which provider?" in s.text(), "3 picks the third action, a migration: from where",
         s.text())
    s.send("2")
    s.wait()
    t.ok("Migrate to which provider?" in s.text() and "HPC Centre" not in s.text().split(
         "Migrate to which provider?")[1].split("\n")[1], "then to where, the first one left out", s.text())
    s.send("Enter")
    t.ok(wait_for(s, r"Transfer \w+ started"), "the migration starts", s.text())
    tid = re.search(r"Transfer (\w+) started", s.text()).group(1)
    rec = transfer(tid)
    t.ok(rec.get("type") == "migration" and rec.get("evictingProviderId") == hpc and
         rec.get("replicatingProviderId") == facility, "from HPC Centre to Facility Storage", repr(rec))

    s.send("R", "4")
    s.wait()
    t.ok("QoS expression" in s.text() and "anyStorage" in s.text(), "QoS asks for an expression", s.text())
    s.send("C-u", "geo=", "Enter")
    t.ok(wait_for(s, r"(?m)Not accepted \(.+\)\. QoS expression: geo= *$"),
         "a malformed one is refused with the reason and offered again", s.text())
    s.send("C-u", "site=facility", "Enter")
    t.ok(wait_for(s, "How many replicas"), "a good one: how many replicas", s.text())
    s.send("C-u", "two", "Enter")
    s.wait()
    t.ok("A whole number from 1 to 100, please. How many replicas: two" in s.text(),
         "not a number: said, asked again", s.text())
    s.send("C-u", "1", "Enter")
    t.ok(wait_for(s, r'"site=facility" selects 1 storage \(facility-posix\)\. Require 1 replica') and
         "GainReference_K3_20251112.mrc there?" in s.text(),
         "it says what the expression selects before anything is made, wrapped to fit", s.text())
    s.send("y")
    t.ok(wait_for(s, r"QoS requirement \w+ added"), "y adds the requirement", s.text())
    r = h.run("qos", "show", "--json", gain)
    reqs = json.dumps(r.json() or {})
    t.ok(r.rc == 0 and "site=facility" in reqs, "the provider has it", repr(r))

    s.send("R", "5")
    t.ok(wait_for(s, "Remove which QoS requirement?") and wait_for(s, r"site=facility, 1 replica: \w+"),
         "R 5 lists the requirements that apply, with their state", s.text())
    s.send(re.search(r"(\d)  site=facility, 1 replica", s.text()).group(1))
    t.ok(wait_for(s, r"Remove QoS requirement \w+\?"), "and asks before removing one", s.text())
    s.send("y")
    t.ok(wait_for(s, "The QoS requirement is removed"), "y removes it", s.text())
    r = h.run("qos", "show", "--json", gain)
    t.ok(r.rc == 0 and "site=facility" not in json.dumps(r.json() or {}), "the provider no longer has it",
         repr(r))
    s.send("R", "5")
    t.ok(wait_for(s, "anyStorage, 2 replicas") and "site=facility" not in s.text(),
         "R 5 again: the requirement inherited from the space is left", s.text())
    s.send("Escape")
    s.wait()

    s.send("G", "k", "R", "1")
    s.wait()
    t.ok(wait_for(s, "P11 Beamline p700123 has one provider only") and "Replicate to which" not in s.text(),
         "a space with one provider: said, nothing asked", s.text())
    s.send("R", "5")
    t.ok(wait_for(s, "No QoS requirement applies to P11 Beamline p700123"),
         "R 5 where no requirement applies: said", s.text())
    quit_cleanly(t, s, "replicate")


HOSTILE_SHARE = "doomed \x1b]0;pwned\x07\x1b[31mred share"


def audit_json(h):
    return h.run("audit", "--json").json() or {}


def test_audit(t, h):
    """W: the Audit view lists shares, tokens, members and onetui's log,
    risks flagged; filters, sorts; revokes and deletes a token, deletes a
    share and removes a member, each after asking; writes CSV and JSON;
    never lets a hostile share name reach the terminal raw."""
    api = Api(h)
    r = h.run("token", "create", "audit-doomed-token")
    t.ok(r.rc == 0, "a named token made for the test", repr(r))
    r = h.run("share", "create", "--name", "doomed share", KRIOS + "/Processing")
    sid = r.text.split()[0] if r.rc == 0 and r.text.split() else ""
    t.ok(sid, "a share made for the test", repr(r))
    status, _ = api.call("PATCH", "%s/shares/%s" % (api.zone, sid), "alice", {"name": HOSTILE_SHARE})
    t.ok(status == 204, "... and given a hostile name behind onetui's back", status)
    report = audit_json(h)
    n_shares, n_tokens = len(report.get("shares", [])), len(report.get("tokens", []))
    n_log = len(report.get("log", [])) + 4      # what the view does below
    risky_tokens = sum(1 for k in report.get("tokens", []) if k["risks"])

    s = start(t, h, "audit", width=160, height=40)
    h.fault(service="zone", path=r"/user/tokens/named$", status=503, times=20)
    s.send("W")
    t.ok(wait_for(s, r"1 Shares \(%d\) .*2 Tokens \(0\) .*3 Members \(\d+\) .*4 onetui log .*5 Problems \(1\)"
                  % n_shares)
         and not s.text().startswith(" Spaces"),
         "W opens the Audit view over the tree; a part the zone fails to give makes a Problems section", s.text())
    s.send("5")
    t.ok(wait_for(s, r"1 part could not be read in full") and re.search(r"^  tokens +\S", s.lines()[3]),
         "5: what could not be read, and why", s.text())
    h.clear()
    s.send("r")
    t.ok(wait_for(s, r"1 Shares \(%d\) .*2 Tokens \(%d\) .*3 Members \(\d+\) .*4 onetui log" % (n_shares, n_tokens))
         and "Problems" not in s.lines()[0] and wait_for(s, r"of %d shares" % n_shares),
         "r reads it again: all there, no Problems left, back to the shares", s.text())
    s.wait()        # the shares' roots are read after the report
    text = s.text()
    t.ok("Grid square 1734452, session EM-2025-117" in text and "Run 34, proposal p700123" in text
         and re.search(r"%d of %d shares, 0 risky" % (n_shares, n_shares), text),
         "the fixture's shares, counted", text)
    t.ok("doomed \\e]0;pwned\\x07\\e[31mred share" in text, "a hostile share name shows as visible escapes", text)
    t.ok(re.search(r"NAME +SPACE +ROOT +CREATED", text)
         and re.search(r"Run 34, proposal p700123 +P11 Beamline p700123 +r0034/ +2025-07-01 09:00", text)
         and re.search(r"Grid square 1734452, session EM-2025-117 +%s +GridSquare_1734452/ " % KRIOS, text),
         "aligned columns: name, space, the root by name, creation time", text)
    hints = s.lines()[s.height - 1]
    t.ok(hints.startswith("? Help  Esc Back  Tab Section  / Filter  ! Risky  s Sort") and "R Revoke" in hints and
         "D Delete" in hints and "w Write" in hints and "Fetch" not in hints, "the key-hint line is the view's", hints)

    s.send("2")
    t.ok(wait_for(s, r"%d of %d tokens, %d risky" % (n_tokens, n_tokens, risky_tokens)),
         "Tokens: counted, the risky ones too", s.text())
    alice = s.lines()[row_of(s.lines(), "⚠ alice  ")]
    t.ok(re.search(r"alice +access +active +never +no-caveats,no-expiry +- +none", alice),
         "alice's token: flagged, no caveats, no expiry", alice)
    t.ok(re.search(r"^  alice-revoked +access +revoked", s.lines()[row_of(s.lines(), "alice-revoked")]),
         "a revoked token is not flagged", s.text())
    s.send("!")
    t.ok(wait_for(s, r"%d of %d tokens, %d risky · risky only" % (risky_tokens, n_tokens, risky_tokens))
         and "alice-revoked" not in s.text(), "! shows the risky ones only", s.text())
    s.send("!", "/", "READONLY")
    t.ok(wait_for(s, r"1 of %d tokens" % n_tokens) and "read-only: data can be read, not changed" in s.text(),
         "/ filters as you type, in any column, whatever the case", s.text())
    s.send("Enter", "Enter")
    t.ok(wait_for(s, r"Token alice-readonly ─") and "Enter or q: close" in s.text()
         and re.search(r"│ +read-only: data can be read, not changed", s.text())
         and re.search(r"revoked +no", s.text()), "Enter shows the whole entry, its caveats in words", s.text())
    t.ok("expires" in s.text() and "never" in s.text() and "no-expiry" in s.text(), "... expiry and risks in words",
         s.text())
    s.send("q", "/", "C-u", "Enter")
    t.ok(wait_for(s, r"%d of %d tokens" % (n_tokens, n_tokens)), "an empty filter shows everything again", s.text())
    s.send("s", "s", "s")
    t.ok(wait_for(s, r"sort: risk") and row_of(s.lines(), "alice-revoked") > row_of(s.lines(), "⚠ alice  "),
         "s cycles the sort up to risk: the riskiest first", s.text())

    # Revoke, then delete, the token made for the test.
    s.send("/", "audit-doomed", "Enter", "R")
    t.ok(wait_for(s, r"Revoke token audit-doomed-token \([0-9a-f]+\)\?") and "stops working at once" in s.text(),
         "R asks before revoking, naming the token", s.text())
    s.send("y")
    t.ok(wait_for(s, r"Token audit-doomed-token is revoked") and wait_for(s, r"audit-doomed-token +access +revoked"),
         "... revoked, said, and read again", s.text())
    doomed = [k for k in audit_json(h).get("tokens", []) if k["name"] == "audit-doomed-token"]
    t.ok(doomed and doomed[0]["revoked"], "the zone agrees", repr(doomed))
    s.send("D")
    t.ok(wait_for(s, r"Delete token audit-doomed-token"), "D asks before deleting", s.text())
    h.fault(service="zone", method="DELETE", path=r"/tokens/named/[0-9a-f]+$", status=403, times=1)
    s.send("y")
    t.ok(wait_for(s, r"Cannot delete token audit-doomed-token: \S") and "audit-doomed-token" in s.lines()[3],
         "a refusal: the server's reason in the status line, the token still listed", s.lines()[s.height - 2])
    h.clear()
    s.send("D")
    wait_for(s, r"Delete token audit-doomed-token")
    s.send("n")
    s.wait()
    t.ok("audit-doomed-token" in s.text() and "deleted" not in s.text(), "n: nothing is deleted", s.text())
    s.send("D", "y")
    t.ok(wait_for(s, r"Token audit-doomed-token is deleted") and wait_for(s, r"0 of %d tokens" % (n_tokens - 1)),
         "y: deleted, and gone from the list", s.text())
    t.ok(not [k for k in audit_json(h).get("tokens", []) if k["name"] == "audit-doomed-token"],
         "the zone agrees", "")

    # The hostile share.
    s.send("1", "/", "C-u", "doomed", "Enter")
    t.ok(wait_for(s, r"1 of %d shares" % n_shares), "the share made for the test, filtered", s.text())
    s.send("R")
    t.ok(wait_for(s, r"Only tokens are revoked"), "R on a share: said what it does", s.text())
    s.send("D")
    t.ok(wait_for(s, r"Delete share doomed \\e\]0;pwned\\x07\\e\[31mred share") and "(%s)?" % sid in s.text(),
         "D asks, naming the share safely", s.text())
    s.send("y")
    t.ok(wait_for(s, r"Share doomed .* is deleted: its public URL no longer works") and
         wait_for(s, r"0 of %d shares" % (n_shares - 1)), "... deleted and read again", s.text())
    t.ok(sid not in [x["id"] for x in audit_json(h).get("shares", [])], "the zone agrees", "")

    # Members: a member through a group cannot be removed; a direct one can.
    s.send("3", "/", "C-u", "Bob Okafor", "Enter")
    t.ok(wait_for(s, r"2 of \d+ members")
         and wait_for(s, r"Krios-2025-11 Session Data +user +Bob Okafor +through a group"),
         "Members: where Bob is, and how", s.text())
    s.send("D")
    t.ok(wait_for(s, r"Bob Okafor is a member of Krios-2025-11 Session Data through a group only"),
         "D on a member through a group: said why not", s.text())
    s.send("j", "D")
    t.ok(wait_for(s, r"Remove Bob Okafor \([0-9a-f]+\)") and "Materials? They lose" in s.text(),
         "D on a direct member asks", s.text())
    s.send("y")
    t.ok(wait_for(s, r"Bob Okafor is no longer a member of TEM Materials") and wait_for(s, r"1 of \d+ members"),
         "... removed, and read again", s.text())
    t.ok(not [m for m in audit_json(h).get("members", [])
              if m["space"] == "TEM Materials" and m["name"] == "Bob Okafor"],
         "the zone agrees", "")

    # onetui's own log.
    s.send("4", "/", "C-u", "Enter")
    t.ok(wait_for(s, r"%d of %d access changes made by onetui" % (n_log, n_log)) and
         wait_for(s, r"revoke +token +audit-doomed-token") and
         re.search(r"delete +share +doomed \\e\]0;pwned.* +%s" % KRIOS, s.text())
         and re.search(r"remove +member +Bob Okafor +TEM Materials", s.text()),
         "4: onetui's log of what it did", s.text())

    # Export.
    out = os.path.join(h.tmp, "audit-export.csv")
    s.send("w")
    t.ok(wait_for(s, r"Write the whole audit to \(.csv or .json\): onetui-audit-\d{4}-\d\d-\d\d.csv"),
         "w offers a file name", "\n".join(s.lines()[-3:]))
    s.send("C-u", out, "Enter")
    t.ok(wait_for(s, r"Wrote the whole audit \(%d shares, %d tokens, \d+ members, %d log entries\) to" %
                  (n_shares - 1, n_tokens - 1, n_log)), "... writes it", s.text())
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    t.ok(sum(1 for x in rows if x["part"] == "share") == n_shares - 1 and
         sum(1 for x in rows if x["part"] == "token") == n_tokens - 1 and
         [x["status"] for x in rows if x["part"] == "log"][-4:] == ["revoke", "delete", "delete", "remove"],
         "the CSV parses back: every share, token and log entry", repr(rows[:3]))
    alice_row = [x for x in rows if x["part"] == "token" and x["name"] == "alice"]
    t.ok(alice_row and alice_row[0]["risks"] == "no-caveats;no-expiry" and alice_row[0]["expires"] == "never",
         "... with the risks", repr(alice_row))
    t.eq(oct(os.stat(out).st_mode & 0o777), "0o600", "... readable by the user only")
    s.send("w", "C-u", out, "Enter")
    t.ok(wait_for(s, r"audit-export.csv exists already; give another name"), "an existing file is not overwritten",
         s.text())
    s.send("w", "C-u", os.path.join(h.tmp, "audit.txt"), "Enter")
    t.ok(wait_for(s, r"audit.txt: name a .csv or a .json file"), "a name without .csv or .json: said", s.text())
    jout = os.path.join(h.tmp, "audit-export.json")
    s.send("w", "C-u", jout, "Enter")
    t.ok(wait_for(s, r"Wrote the whole audit"), "... and as JSON", s.text())
    with open(jout, "rb") as f:
        raw = f.read()
    exported = json.loads(raw)
    t.ok(len(exported.get("tokens", [])) == n_tokens - 1 and len(exported.get("log", [])) == n_log and
         b"\x1b" not in raw, "the JSON parses back; control characters escaped", raw[:200])

    s.send("r")
    t.ok(s.wait() and wait_for(s, r"%d of %d access changes" % (n_log, n_log)), "r reads the audit again", s.text())
    s.send("Escape")
    t.ok(wait_for(s, r"^ Spaces"), "Esc goes back to the tree", s.text())
    raw = s.raw_output()
    t.ok(not any(bad in raw for bad in HOSTILE_BYTES), "no hostile sequence reached the terminal")
    t.ok(s.title() != "pwned", "the window title is untouched", s.title())
    quit_cleanly(t, s, "audit")


SHARE_EDITOR = r"""#!/bin/sh
# Writes the description the test left in $STEPS/description.
last=""
for a in "$@"; do last="$a"; done
cp "$STEPS/description" "$last"
"""


def open_grid_square(t, h, name, krios_row=1, **kw):
    """Start, and put the cursor on Krios' Images-Disc1/GridSquare_1734452
    (Krios is the user's space on krios_row, counted from 0)."""
    s = start(t, h, name, width=150, height=40, **kw)
    s.send(*(["j"] * krios_row + ["Enter"]))
    s.wait()
    s.send("j", "/", "Images", "Enter")
    s.wait()
    s.send("Enter")
    s.wait()
    s.send("j", "/", "C-u", "GridSquare_1734452", "Enter")
    t.ok(s.wait(), "%s: find the grid square" % name, s.text())
    return s


def test_shares_pane(t, h):
    """3: the selected item's shares: listed with their links, shared
    anew, renamed, described in the editor, copied, deleted after asking."""
    steps = os.path.join(h.tmp, "share-steps")
    os.makedirs(steps, exist_ok=True)
    editor = os.path.join(steps, "editor")
    with open(editor, "w") as f:
        f.write(SHARE_EDITOR)
    os.chmod(editor, 0o755)
    with open(os.path.join(steps, "description"), "w") as f:
        f.write("Grids for **Bob**, session EM-2025-117.\n")
    grid = KRIOS + "/Images-Disc1/GridSquare_1734452"
    fixture = h.info["shares"]["/" + grid]
    s = open_grid_square(t, h, "shares pane", env={"EDITOR": editor, "STEPS": steps})
    s.send("3")
    t.ok(wait_for(s, r"Shares of %s" % re.escape(grid)) and
         wait_for(s, r"Grid square 1734452, session EM-2025-117 +https://\S+/share/%s" % fixture[:8]),
         "3 lists the item's share with its public link", s.text())
    t.ok("Your tokens" in s.text(), "and the tokens below", s.text())
    s.send("Tab", "Enter")
    t.ok(wait_for(s, r"Public URL +https://\S+/share/%s" % fixture) and
         re.search(r"REST URL +https://\S+/api/v3/onezone/shares/%s/public" % fixture, s.text()) and
         re.search(r"Handle +none", s.text()), "Enter shows the whole record", s.text())
    s.send("q", "y")
    s.wait()
    t.ok(s.buffer().strip().endswith("/share/" + fixture), "y copies the public link (OSC 52)", repr(s.buffer()))
    s.send("n")
    s.wait()
    t.ok("Share it under the name: GridSquare_1734452" in s.text(), "n offers the item's name", s.text())
    s.send("C-u", "Handout for Bob", "Enter")
    s.wait()
    s.send("For Bob", "Enter")
    t.ok(wait_for(s, r'Shared %s as "Handout for Bob"' % re.escape(grid)) and
         wait_for(s, r"Handout for Bob +https://\S+/share/"), "a new share is made and listed", s.text())
    shares = {sh.get("name"): sh for sh in (h.run("share", "ls", "--json", grid).json() or {}).get("shares", [])}
    new_id = (shares.get("Handout for Bob") or {}).get("shareId") or "none"
    t.eq((h.run("share", "show", "--json", new_id).json() or {}).get("description"), "For Bob",
         "on the server, with its description")
    s.send("r")
    s.wait()
    t.ok("New name of the share: Handout for Bob" in s.text(), "r asks for a new name, the cursor on the new share",
         s.text())
    s.send("C-u", "Grids \u202efor Bob", "Enter")
    t.ok(wait_for(s, r"U\+202E") and (h.run("share", "show", "--json", new_id).json() or {}).get("name")
         == "Handout for Bob", "a name with a character that reorders text is refused, as on the command line",
         s.text())
    s.send("r")
    s.wait()
    s.send("C-u", "Grids for Bob", "Enter")
    t.ok(wait_for(s, r'Changed the share "Grids for Bob"') and wait_for(s, r"Grids for Bob +https://"),
         "r renames it", s.text())
    s.send("e")
    t.ok(wait_for(s, r'Changed the share "Grids for Bob"'), "e describes it in the editor", s.text())
    r = h.run("share", "show", "--json", new_id)
    t.eq((r.json() or {}).get("description"), "Grids for **Bob**, session EM-2025-117.\n",
         "the description from the editor on the server")
    s.send("d")
    s.wait()
    t.ok('Delete the share "Grids for Bob"' in s.text(), "d asks first", s.text())
    s.send("n")
    s.wait()
    t.ok("Grids for Bob" in s.text(), "n keeps it", s.text())
    s.send("DC", "y")
    t.ok(wait_for(s, r'Deleted the share "Grids for Bob"'), "Del then y deletes it", s.text())
    s.wait()
    t.ok(not re.search(r"Grids for Bob +https://", s.text()) and "Grid square 1734452" in s.text(),
         "it is gone from the list; the fixture's share stays", s.text())
    t.eq([sh.get("name") for sh in (h.run("share", "ls", "--json", grid).json() or {}).get("shares", [])],
         ["Grid square 1734452, session EM-2025-117"], "and from the server")
    s.send("Left", "G", "k", "Enter")
    s.wait()
    s.send("j", "Enter")
    s.wait()
    s.send("j", "/", "C-u", "r0034", "Enter")
    t.ok(wait_for(s, r"Shares of P11 Beamline p700123/p700123/r0034") and
         wait_for(s, r"Run 34, proposal p700123 +https://\S+/share/%s"
                  % h.info["shares"]["/P11 Beamline p700123/p700123/r0034"][:8]),
         "the P11 run's share, once the selection moves there", s.text())
    s.send("k")
    t.ok(wait_for(s, r"Shares of P11 Beamline p700123/p700123 *\n") and wait_for(s, r"none: n shares it"),
         "an item without shares says so", s.text())
    quit_cleanly(t, s, "shares pane")


def words(s):
    """The screen's words in one line: a dialog's text without its frame
    or line breaks."""
    return " ".join(s.text().replace("│", " ").split())


def no_token_shown(t, s, token, what):
    """Neither the screen nor anything onetui wrote to the terminal holds
    token whole, nor (the screen) a piece of the secret popup."""
    t.ok(token[:24] not in s.text() and token[-24:] not in s.text(), "%s: the screen shows no token" % what,
         s.text())
    t.ok(token.encode() not in s.raw_output(), "%s: onetui never wrote the token whole to the terminal" % what, "")


def test_tokens_pane(t, h):
    """Your tokens: a read-only token for the selected item from the
    preset, previewed in words, shown once, then masked; revoked and
    deleted after asking; a pasted token examined, never drawn; an
    invitation made here and accepted by a collaborator."""
    grid = KRIOS + "/Images-Disc1/GridSquare_1734452"
    s = open_grid_square(t, h, "tokens pane")
    s.send("3", "Tab")
    t.ok(wait_for(s, r"Your tokens") and wait_for(s, r"Grid square 1734452"), "the pane with both lists", s.text())
    t.ok(wait_for(s, r"alice-revoked +revoked +never") and re.search(r"alice +in use +! never", s.text()),
         "a token without caveats is marked risky; a revoked one is not; the one onetui uses says so", s.text())
    s.send("t")
    t.ok(wait_for(s, r"1  Read-only for GridSquare_1734452, 7 days") and "Oneclient on the compute centre, 30 days"
         in s.text(), "t offers the presets", s.text())
    s.send("1")
    t.ok(wait_for(s, r"Name of the token: read-only GridSquare_1734452 \d{4}-\d\d-\d\d"),
         "a name is offered", s.text())
    s.send("C-u", "grid-ro", "Enter")
    t.ok(wait_for(s, r'The token "grid-ro" will allow only this:') and "Make it?" in s.text(),
         "before it is made, what it allows is said in words, and asked", s.text())
    preview = s.text()
    t.ok(re.search(r"read.only", preview) and "GridSquare_1734452" in preview.replace("\n", ""),
         "read-only, limited to the item", preview)
    s.send("y")
    t.ok(wait_for(s, r'New token "grid-ro"'), "y makes it: the secret popup", s.text())
    r = h.run("token", "show", "--json", "--show-token", "grid-ro")
    token = (r.json() or {}).get("token") or "none"
    t.ok(token.startswith("MDAx") and token[:64] in s.text(), "the popup shows the token in full, once", s.text())
    t.ok("It allows only this:" in s.text(), "with what it allows", s.text())
    s.send("q")
    t.ok(wait_for(s, r"Close\? It is not shown again"), "closing without copying or saving asks", s.text())
    s.send("y")
    s.wait()
    masked = token[:4] + "…" + token[-4:]
    t.ok(wait_for(s, r"grid-ro +active +\d{4}-\d\d-\d\d \d\d:\d\d +access +%s" % re.escape(masked)),
         "the list shows it active, masked", s.text())
    no_token_shown(t, s, token, "after the popup")
    s.send("Tab")
    s.wait()
    s.send("R")
    t.ok(wait_for(s, r'Revoke the token "grid-ro"'), "R asks before revoking the token under the cursor", s.text())
    s.send("y")
    t.ok(wait_for(s, r"grid-ro +revoked +\d{4}"), "the list shows it revoked", s.text())
    t.ok((h.run("token", "show", "--json", "grid-ro").json() or {}).get("revoked") is True, "the zone agrees", "")
    s.send("R", "y")
    t.ok(wait_for(s, r"grid-ro +active +\d{4}"), "R again un-revokes it", s.text())
    s.send("Enter")
    t.ok(wait_for(s, r'Token "grid-ro"') and re.search(r"Token +%s" % re.escape(masked), s.text()),
         "Enter describes it, the token masked", s.text())
    s.send("q", "D")
    t.ok(wait_for(s, r'Delete the token "grid-ro"'), "D asks first", s.text())
    s.send("y")
    t.ok(wait_for(s, r'Deleted the token "grid-ro"'), "and deletes it", s.text())
    s.wait()
    t.ok(not re.search(r"grid-ro +(active|revoked)", s.text()), "it is gone from the list", s.text())
    s.send("g", "R")
    t.ok(wait_for(s, r'Revoke the token "alice"'), "R on the token onetui is signed in with", s.text())
    t.ok("This is the token onetui is signed in with: onetui will stop working until it is given another token."
         in words(s), "... says so plainly first", s.text())
    s.send("n", "D")
    t.ok(wait_for(s, r'Delete the token "alice"') and "This is the token onetui is signed in with" in words(s),
         "so does D", s.text())
    s.send("n")
    t.ok(wait_for(s, r"alice +in use"), "n: it stays", s.text())

    pasted = h.info["tokens"]["alice-readonly"]
    s.send("x")
    s.wait()
    s.send(pasted)
    s.wait()
    t.ok(re.search(r"Paste the token \(it is not shown\): %s \(%d characters\)"
                   % (re.escape(pasted[:4] + "…" + pasted[-4:]), len(pasted)), s.text()),
         "x: a pasted token is drawn masked, with its length", s.text())
    no_token_shown(t, s, pasted, "pasting")
    s.send("Enter")
    t.ok(wait_for(s, r"Token %s" % re.escape(pasted[:4] + "…")) and re.search(r"read.only", s.text()) and
         "It allows only this:" in s.text(), "Enter examines it: its caveats in words", s.text())
    s.send("q")
    s.wait()

    s.send("i")
    t.ok(wait_for(s, r"Name of the invitation: invite %s" % re.escape(KRIOS)), "i: an invitation to the item's space",
         s.text())
    s.send("C-u", "for dave", "Enter")
    s.wait()
    s.send("Enter")       # one use
    t.ok(wait_for(s, r"1  viewer"), "the privileges are offered as presets", s.text())
    s.send("1")
    t.ok(wait_for(s, r"Expires after"), "then the expiry", s.text())
    s.send("Enter")       # 7 days
    t.ok(wait_for(s, r'The invitation "for dave" to %s will allow only' % re.escape(KRIOS)),
         "said before it is made", s.text())
    s.send("y")
    t.ok(wait_for(s, r'New invitation "for dave"') and "joins the space %s as a viewer" % KRIOS in s.text(),
         "made, shown once with what it does", s.text())
    invite = (h.run("token", "show", "--json", "--show-token", "for dave").json() or {}).get("token") or "none"
    s.send("c")
    s.wait()
    t.ok("Saved" not in s.text() and "Copied the invitation" in s.text(), "c in the popup copies it", s.text())
    t.ok(s.buffer().strip() == invite, "... to the clipboard, whole (OSC 52)", "")
    s.send("q")
    s.wait()
    t.ok(wait_for(s, r"for dave +active +\d{4}-\d\d-\d\d \d\d:\d\d +invite: space"), "the invitation is listed", s.text())
    no_token_shown(t, s, invite, "after the invitation")
    quit_cleanly(t, s, "tokens pane")

    # Dave, member of no space, accepts it.
    use_profile(h, "dave")
    s = start(t, h, "consume", width=150, height=40)
    s.send("3", "Tab", "c")
    s.wait()
    s.send(h.info["tokens"]["alice-readonly"], "Enter")
    t.ok(wait_for(s, r"This is an access token, not an invitation"), "c with an access token: said", s.text())
    s.send("c")
    s.wait()
    s.send(invite, "Enter")
    t.ok(wait_for(s, r"You join the space") and
         re.search(r"You join the space \w+ \(the invitation carries: valid until .*\)\. Accept the invitation\?",
                   words(s)),
         "c examines the invitation first, says what accepting it does, and asks", s.text())
    no_token_shown(t, s, invite, "consuming")
    s.send("y")
    t.ok(wait_for(s, r"You joined the space"), "y joins", s.text())
    r = h.run("ls", user="dave")
    t.ok(KRIOS in r.text, "dave is in the space now", repr(r))
    quit_cleanly(t, s, "consume")
    use_profile(h)


def test_token_form(t, h):
    """t's other choices: the Oneclient preset, and the short form (a
    temporary token saved to a file, a wide one warned about, a bad
    expiry refused before anything is sent)."""
    saved = os.path.join(h.tmp, "form-token")
    s = open_grid_square(t, h, "token form")
    s.send("3", "Tab", "t")
    wait_for(s, r"New access token")
    s.send("2")
    t.ok(wait_for(s, r"Name of the token: oneclient \d{4}-\d\d-\d\d"), "the Oneclient preset asks for a name",
         s.text())
    s.send("Enter")
    t.ok(wait_for(s, r"will allow only this:") and wait_for(s, r"only through Oneclient") and "Make it?" in s.text(),
         "and says it works through Oneclient only", s.text())
    s.send("n")
    t.ok(wait_for(s, r"Nothing was made"), "n makes nothing", s.text())
    s.send("t")
    wait_for(s, r"New access token")
    s.send("3")
    t.ok(wait_for(s, r"Name of the token \(empty: a temporary token, not listed\)"), "the form starts with a name",
         s.text())
    s.send("Enter")
    t.ok(wait_for(s, r"Expires after \(7d, 12h, 2026-12-31; at most 14 days\): 7d"),
         "an empty name: a temporary token, which needs an expiry", s.text())
    s.send("C-u", "soon", "Enter")
    t.ok(wait_for(s, r"soon"), "a bad expiry is refused", s.text())
    t.ok("Read-only" not in s.text(), "... and nothing more is asked", s.text())
    s.send("t")
    wait_for(s, r"New access token")
    s.send("3", "Enter")
    s.wait()
    s.send("C-u", "2d", "Enter")
    t.ok(wait_for(s, r"Read-only \(data can be read, not changed\)\?"), "then read-only or not", s.text())
    s.send("y")
    t.ok(wait_for(s, r"Limit it to %s/Images-Disc1/GridSquare_1734452" % re.escape(KRIOS)),
         "then whether to limit it to the selected item", s.text())
    s.send("n")
    ok = wait_for(s, r"The temporary token will allow only this:") and wait_for(s, r"Make it\?")
    text = s.text()
    dialog = text[text.find("The temporary token"):text.find("Make it?")]
    t.ok(ok and "(in 2 days)" in dialog and "read-only" in dialog and "GridSquare" not in dialog,
         "said in words: read-only, for 2 days, anywhere", text)
    s.send("y")
    t.ok(wait_for(s, r"New temporary token"), "made and shown once", s.text())
    s.send("w")
    s.wait()
    s.send(saved, "Enter")
    t.ok(wait_for(s, r"Saved the token in %s \(mode 0600\)" % re.escape(saved)), "w saves it", s.text())
    st = os.stat(saved)
    t.ok(st.st_mode & 0o777 == 0o600 and open(saved).read().startswith("MDAx"), "in a new file of mode 0600",
         oct(st.st_mode))
    s.send("q")
    s.wait()
    t.ok("New temporary token" not in s.text() and "Close?" not in s.text(), "once saved, q closes at once",
         s.text())
    s.send("t")
    wait_for(s, r"New access token")
    s.send("3", "wide open", "Enter")
    s.wait()
    s.send("C-u", "Enter", "n", "n")
    t.ok(wait_for(s, r'The token "wide open" will have no caveats') and wait_for(s, r"Warning: it has no"),
         "a token without caveats or expiry is warned about", s.text())
    s.send("n")
    quit_cleanly(t, s, "token form")


def test_group_invitation(t, h):
    """c with an invitation for a group to join a space: the user picks one
    of their groups, is told which group joins what, and it joins; a user
    in no group is told so, and nothing joins."""
    p11 = "P11 Beamline p700123"
    r = h.run("token", "invite", "space", p11, "--group-joins", "--name", "p11 for a team", "--show-token",
              "--json", user="carol")
    invite = (r.json() or {}).get("token") or "none"
    staff = hashlib.md5(b"group:cryo-em-staff").hexdigest()
    s = start(t, h, "group invitation", width=150, height=40)
    s.send("3", "Tab", "c")
    s.wait()
    s.send(invite, "Enter")
    t.ok(wait_for(s, r"Which of your groups joins %s\?" % p11) and "1  cryo-em-staff" in s.text()
         and "2  proposal-p700123-members" in s.text(), "c: a group's invitation offers the user's groups", s.text())
    s.send("1")
    t.ok(wait_for(s, r"The group cryo-em-staff joins") and
         "The group cryo-em-staff joins the space %s. Accept the invitation?" % p11 in words(s),
         "then says which group joins what, and asks", s.text())
    no_token_shown(t, s, invite, "a group's invitation")
    s.send("y")
    t.ok(wait_for(s, r"The group cryo-em-staff joined the space %s" % p11), "y: the group joins", s.text())
    api = Api(h)
    status, reply = api.call("GET", "%s/spaces/%s/groups" % (api.zone, h.info["spaces"][p11]), "carol")
    t.ok(status == 200 and staff in (reply or {}).get("groups", []), "the zone agrees", repr(reply))
    quit_cleanly(t, s, "group invitation")

    use_profile(h, "dave")
    s = start(t, h, "group invitation, no group", width=150, height=40)
    s.send("3", "Tab", "c")
    s.wait()
    s.send(invite, "Enter")
    t.ok(wait_for(s, r"This invitation is for a group to join \S+, and you belong to no group"),
         "a user in no group: said, in one line", s.text())
    quit_cleanly(t, s, "group invitation, no group")
    use_profile(h)


def test_handout(t, h):
    """H: the item's share (reused) and an invitation, as text for an
    e-mail, shown once and copied whole; from the built-in text or, when
    chosen, a template of the configuration."""
    grid = KRIOS + "/Images-Disc1/GridSquare_1734452"
    fixture = h.info["shares"]["/" + grid]
    use_profile(h, extra='handouts = { short-note = "Short note on {title}\\n{?token}\\nJoin with: {token}\\n{/token}\\n'
                         'Link: {link}\\nIn {space}, {path}\\n"; };\n')
    s = open_grid_square(t, h, "handout")
    s.send("3", "Tab", "H")
    t.ok(wait_for(s, r"Hand out GridSquare_1734452: which text\?") and "1  The built-in handout" in s.text()
         and "2  short-note" in s.text(), "H offers the built-in text, then the configuration's templates",
         s.text())
    s.send("1")
    t.ok(wait_for(s, r"Hand out GridSquare_1734452") and "viewer, 1 person, 7 days" in s.text(),
         "then what to hand out", s.text())
    s.send("2")
    t.ok(wait_for(s, r"make an invitation that lets one person join") and wait_for(s, r"viewer for 7 days\?"),
         "says what it will make, and asks", s.text())
    s.send("y")
    t.ok(wait_for(s, r"Handout for GridSquare_1734452") and wait_for(s, r"/share/%s" % fixture[:20]),
         "the handout, with the share's link (reused)", s.text())
    s.send("c")
    s.wait()
    text = s.buffer()
    tokens = re.findall(r"MDAx[A-Za-z0-9_.\-]+", text)
    t.ok("/share/" + fixture in text and tokens, "c copies it whole, the invitation in it", text)
    s.send("q")
    t.ok(wait_for(s, r"handout \d{8}T\d{6} Gri.*invite: space") and "Handout for" not in s.text(),
         "once copied, q closes; the invitation is listed", s.text())
    for tok in tokens:
        no_token_shown(t, s, tok, "after the handout")
    s.send("H")
    wait_for(s, r"which text\?")
    s.send("2")
    t.ok(wait_for(s, r"1  The public link only"), "a template chosen: then what to hand out", s.text())
    s.send("1")
    t.ok(wait_for(s, r"write the handout with its public link\?"), "the link only: said, and asked", s.text())
    s.send("y")
    t.ok(wait_for(s, r"Short note on ") and "Join with" not in s.text(), "the handout from the template", s.text())
    s.send("c")
    s.wait()
    text = s.buffer()
    t.ok(re.match(r"Short note on .+\nLink: \S+/share/%s\nIn %s, Images-Disc1/GridSquare_1734452\n$"
                  % (fixture, re.escape(KRIOS)), text), "filled in as the template says, no invitation", text)
    s.send("q")
    s.wait()
    quit_cleanly(t, s, "handout")
    use_profile(h)


def space_member(h, space, name):
    """A member of space (users by username, groups by name), as the CLI reads it."""
    r = h.run("space", "members", "--json", space)
    doc = r.json() or {}
    for m in doc.get("users", []) + doc.get("groups", []):
        if name in (m.get("username"), m.get("name")):
            return m
    return None


def test_space_view(t, h):
    """M: the Space view: providers, creator, your privileges and the
    members with theirs; a new space with a group for its members, the
    group's privileges by preset and ticked one by one, a refused change,
    removing and adding the group, renaming, a support token."""
    # A zone of its own: the space it makes would move the rows later tests find by place.
    own = Harness("--scheme", "https")
    try:
        space_view(t, own)
    finally:
        own.close()


def space_view(t, h):
    new, team = "Beamtime p700200", "Beamtime p700200 team"
    s = start(t, h, "space view", width=140, height=36)
    s.send("j")
    s.wait()
    s.send("M")
    t.ok(wait_for(s, r"krios-2025-11-collaborator") and s.lines()[0].startswith(" Space " + KRIOS),
         "M opens the Space view of the selected space", s.text())
    text = s.text()
    t.ok(re.search(r"Providers +Facility Storage 10 TiB · HPC Centre 5.0 TiB, 15 TiB in all", text)
         and re.search(r"Created +2025-11-10 09:30 by Alice Kowalczyk", text)
         and re.search(r"You +owner \(every privilege\)", text),
         "its providers with their sizes, who made it and when, and your own privileges", text)
    t.ok(re.search(r"user +Alice Kowalczyk +owner \(every privilege\) +owner \(every privilege\) +direct, "
                   r"cryo-em-staff", text)
         and re.search(r"group +cryo-em-staff +manager \+ 9 +manager \+ 9 +direct", text)
         and "Bob Okafor" not in text,
         "the direct members, their privileges in words, how they are members", text)
    hints = s.lines()[s.height - 1]
    t.ok(hints.startswith("? Help  Esc Back  Enter Details  p Preset  e Edit") and "Fetch" not in hints,
         "the key-hint line is the view's", hints)
    s.send("v")
    t.ok(wait_for(s, r"user +Bob Okafor +- +viewer \+ 1 +krios-2025-11-collaborator"),
         "v: the members through groups too", s.text())
    s.send("j", "Enter")
    t.ok(wait_for(s, r"Member: krios-2025-11-collaborators") and re.search(r"x +space_read_data", s.text()),
         "Enter: every privilege of the member, direct and effective", s.text())
    s.send("q", "p")
    t.ok(wait_for(s, r"Bob Okafor \(bob\) is a member through groups only"),
         "p on a member through groups says what to do instead", s.text())

    s.send("n")
    s.wait()
    s.send(new, "Enter")
    t.ok(wait_for(s, r"1  the space alone"), "n: the name, then the space alone or with a group", s.text())
    s.send("2")
    t.ok(wait_for(s, r"Name of the group: " + team), "the group's name is offered", s.text())
    s.send("Enter")
    t.ok(wait_for(s, r"Space %s is made, with group %s as a member" % (new, team))
         and wait_for(s, r"^ Space %s" % new) and wait_for(s, r"group +%s +" % team),
         "the space and its group are made; the view shows the new space", s.text())
    t.ok(re.search(r"Providers +none: the space holds no data until a provider supports it", s.text()),
         "a new space has no support yet, and the view says how to get it", s.text())
    group = space_member(h, new, team)
    t.ok(group and group["direct"], "the zone has the group in the new space", repr(group))

    s.send("G", "p")
    t.ok(wait_for(s, r"2  contributor: also writes"), "p: the presets", s.text())
    s.send("2")
    t.ok(wait_for(s, r"Give group %s the contributor privileges in" % team)
         and wait_for(s, r"Grants: space_schedule_replication, space_view_qos\."),
         "what the preset grants is said before", s.text())
    s.send("y")
    t.ok(wait_for(s, r"group %s now has the contributor privileges" % team), "... and it is done", s.text())
    privs = set((space_member(h, new, team) or {}).get("privileges") or [])
    t.ok({"space_write_data", "space_schedule_replication", "space_view_qos"} <= privs
         and "space_set_privileges" not in privs, "the zone holds the contributor set", sorted(privs))

    vocab = [line.split()[0] for line in
             h.run("space", "privileges", new, "--group", team).text.splitlines()[2:] if line.strip()]
    s.send("e")
    t.ok(wait_for(s, r"\[x\] space_view "), "e: every privilege of the zone, ticked as held", s.text())
    s.send("g", *(["j"] * vocab.index("space_view_qos")), "Space", "Enter")
    t.ok(wait_for(s, r"Give group %s \d+ privileges in %s\?" % (team, new))
         and wait_for(s, r"Revokes: space_view_qos\."),
         "unticking one: what is revoked is said", s.text())
    s.send("y")
    s.wait()
    privs = set((space_member(h, new, team) or {}).get("privileges") or [])
    t.ok("space_view_qos" not in privs and "space_write_data" in privs, "the zone revoked that one alone",
         sorted(privs))

    h.fault(service="zone", method="PATCH", path=r"/privileges$", status=503, times=20)
    s.send("p", "1", "y")
    t.ok(wait_for(s, r"Cannot change the privileges of group %s: " % team), "a refused change: one line",
         s.text())
    h.clear()
    t.ok("space_write_data" in ((space_member(h, new, team) or {}).get("privileges") or []),
         "... and nothing changed", "")

    s.send("d")
    t.ok(wait_for(s, r"Remove group %s from %s\? Its members" % (team, new)), "d asks first", s.text())
    s.send("n")
    t.ok(wait_for(s, r"Nothing was changed") and space_member(h, new, team), "n keeps the member", s.text())
    s.send("d", "y")
    t.ok(wait_for(s, r"group %s is no longer a member of %s" % (team, new)) and not space_member(h, new, team),
         "y removes it", s.text())

    s.send("a")
    t.ok(wait_for(s, r"\d  %s" % team) and re.search(r"\d  cryo-em-staff", s.text()),
         "a: your groups not in the space", s.text())
    s.send(re.search(r"(\d)  %s" % team, s.text()).group(1))
    t.ok(wait_for(s, r"1  the zone's defaults for members"), "then what its members get", s.text())
    s.send("2")
    t.ok(wait_for(s, r"Group %s is a member of %s" % (team, new)), "the group is added", s.text())
    privs = (space_member(h, new, team) or {}).get("privileges")
    t.ok(sorted(privs or []) == ["space_read_data", "space_view"], "as a viewer", repr(privs))

    s.send("r", "C-u", "bad,name", "Enter")
    t.ok(wait_for(s, r"Cannot rename %s: " % new) and s.lines()[0].startswith(" Space %s" % new),
         "a name the zone refuses: one line, the name unchanged", s.text())
    s.send("r", "C-u", new + " renamed", "Enter")
    t.ok(wait_for(s, r"%s is now called %s renamed" % (new, new)) and wait_for(s, r"^ Space %s renamed" % new),
         "r renames the space", s.text())

    s.send("S")
    t.ok(wait_for(s, r"Support token") and wait_for(s, r"It works once, for 7 days"),
         "S: a support token, shown once, said what it is for", s.text())
    s.send("q")
    t.ok(wait_for(s, r"Close\? It is not shown again"), "closing it before copying asks first", s.text())
    s.send("y")
    tokens = h.run("token", "ls", "--json").json() or []
    tokens = tokens.get("tokens", tokens) if isinstance(tokens, dict) else tokens
    made = [k for k in tokens if k.get("name", "").startswith("support-") and "support" in json.dumps(k)]
    t.ok(made, "the zone has the support token", json.dumps(tokens)[:400])

    s.send("Escape")
    t.ok(wait_for(s, r"^ Spaces") and wait_for(s, new + " renamed"),
         "Esc: back to the tree, which lists the new space by its new name", s.text())
    quit_cleanly(t, s, "space view")


def ingest_tree(root):
    """{relative path: sha256} of the files below root."""
    out = {}
    for d, _, files in os.walk(root):
        for name in files:
            with open(os.path.join(d, name), "rb") as f:
                out[os.path.relpath(os.path.join(d, name), root)] = hashlib.sha256(f.read()).hexdigest()
    return out


def write_frames(root, first, n, size=20000):
    os.makedirs(os.path.join(root, "Data"), exist_ok=True)
    for i in range(first, first + n):
        with open(os.path.join(root, "Data", "frame_%04d.tif" % i), "wb") as f:
            f.write(os.urandom(size + i))


def dialog(s):
    """The words inside the dialog's frame, on one line: what is drawn
    beside it on the same rows left out."""
    inside = [line[line.index("│") + 1:line.rindex("│")] for line in s.lines() if line.count("│") >= 2]
    return " ".join(" ".join(inside).split())


def test_ingest_view(t, h):
    """I, the Ingest view: a watch set up in a few questions (bad answers
    asked again), with a dataset and a template's metadata, sending what
    an instrument writes, ending at its marker and protecting the dataset;
    a session stopped here and taken up again; one run by another process
    ended from here; quitting with a session running asks first."""
    config = use_profile(h, extra="""
ingest = { stable = "1s"; };
templates = {
  em-session = {
    description = "An EM session";
    fields = ( { name = "operator"; required = true; }, { name = "sample"; } );
  };
};
""")
    src = os.path.join(h.tmp, "ingest-tui", "run-0042")
    write_frames(src, 0, 4)
    hostile = os.path.join(src, "Data", "frame\x1b[31mred.tif")
    with open(hostile, "wb") as f:
        f.write(b"hostile name")
    dest = "TEM Materials/ingest/run-0042"
    s = start(t, h, "ingest view", width=160, height=45)
    s.send("G", "I")
    s.wait()
    t.ok(" Ingest " in s.lines()[0] and "No ingest session on this machine yet" in s.text(),
         "I opens the Ingest view, empty at first", s.text())
    s.send("n")
    s.wait()
    t.ok("The folder to carry into a space (Tab completes): " in s.text(), "n asks for the folder", s.text())
    s.send("C-u", os.path.join(h.tmp, "ingest-tui", "nowhere"), "Enter")
    s.wait()
    t.ok("nowhere: No such file or directory. The folder to carry" in s.text(),
         "a folder that is not there: asked again, saying why", s.text())
    s.send("C-u", os.path.join(h.tmp, "ingest-tui", "run-00"), "Tab")
    s.wait()
    t.ok(re.search(r"run-0042/ *$", s.text(), re.M), "Tab completes it", s.text())
    s.send("Enter")
    s.wait()
    t.ok("Into which folder of a space" in s.text() and "TEM Materials/run-0042" in s.text(),
         "the destination offered: the selected space, the folder's name", s.text())
    s.send("C-u", "No Such Space/x", "Enter")
    s.wait()
    t.ok("No Such Space" in s.text() and "Into which folder of a space" in s.text(),
         "a space that is not there: asked again", s.text())
    s.send("C-u", dest, "Enter")
    s.wait()
    t.ok("While the instrument writes, or a finished folder?" in s.text(), "watch or ingest", s.text())
    s.send("Enter")
    s.wait()
    t.ok("When does the session end?" in s.text(), "when it ends", s.text())
    s.send("j", "Enter")
    s.wait()
    t.ok("acquisition.done" in s.text(), "a marker file, its name offered", s.text())
    s.send("C-u", "SESSION_DONE", "Enter")
    s.wait()
    t.ok("Establish a dataset on the destination" in s.text(), "the options", s.text())
    # Metadata protection alone is refused.
    s.send("j", "j", "j", "Space", "Enter")
    s.wait()
    t.ok("Metadata protection needs data protection" in s.text() and "[x] ... and its metadata" in s.text(),
         "metadata protection alone: asked again, the ticks kept", s.text())
    s.send("j", "Space", "j", "Space", "j", "Space", "Enter")
    s.wait()
    t.ok("Metadata for the destination?" in s.text() and "An EM session" in s.text(),
         "metadata: none, a sidecar, or a template", s.text())
    s.send("j", "j", "Enter")
    s.wait()
    s.send("Alice Kowalczyk", "Enter")
    s.wait()
    s.send("Apoferritin", "Enter")
    s.wait()
    t.ok(re.search(r"Watch .*run-0042 and send its files into TEM Materials/ingest/run-0042, until SESSION_DONE "
                   r"appears; a dataset on it; template em-session; data protected at the end\. Start\?", flat(s)),
         "everything said in one question", s.text())
    s.send("y")
    t.ok(wait_for(s, r"watching +5 +5 +0 +0 .*run-0042 → TEM Materials/ingest/run-0042", 30),
         "the session runs: the five files sent", s.text())
    t.ok("frame\\e[31mred.tif" in s.text() and b"\x1b[31mred" not in s.raw_output(),
         "a hostile file name is shown escaped", s.text())
    r = h.run("watch", "status", "--json")
    mine = [x for x in r.json() if x["dest"] == "ingest/run-0042"] if r.rc == 0 else []
    t.ok(len(mine) == 1 and mine[0]["running"] and mine[0]["sent"] == 5,
         "watch status in a shell sees the session this interface runs", repr(r))
    write_frames(src, 4, 6)
    t.ok(wait_for(s, r"watching +11 +11 +0 +0 ", 30), "what the instrument writes next goes too", s.text())
    s.send("Enter")
    s.wait()
    t.ok("sent Data/frame_0009.tif" in s.text() and "failed" not in s.text(),
         "Enter: what the session did, nothing failed", s.text())
    s.send("q")
    s.wait()
    with open(os.path.join(src, "SESSION_DONE"), "w"):
        pass
    t.ok(wait_for(s, r"ended +11 +11 +0 +0 ", 30) and wait_for(s, r"its end marker appeared; data protected", 15),
         "the marker ends the session; its dataset is then protected", s.text())
    r = h.run("get", "-r", "--progress", "none", dest, os.path.join(h.tmp, "ingest-tui", "back"), timeout=120)
    want = ingest_tree(src)
    del want["SESSION_DONE"]
    del want[os.path.relpath(hostile, src)]     # get maps that name to a safe one
    got = ingest_tree(os.path.join(h.tmp, "ingest-tui", "back", "run-0042"))
    t.eq({k: v for k, v in got.items() if "red.tif" not in k}, want,
         "the space holds what the instrument wrote, byte for byte")
    r = h.run("meta", "get", "--json", dest)
    t.eq(r.json() if r.rc == 0 else r.errtext, {"operator": "Alice Kowalczyk", "sample": "Apoferritin"},
         "the template's metadata on the destination")
    r = h.run("dataset", "show", "--json", dest)
    flags = sorted(r.json().get("protectionFlags", [])) if r.rc == 0 else None
    t.ok(flags in (["data"], ["data_protection"]), "the destination is a dataset, its data (only) protected",
         repr(r))
    s.send("H")
    t.ok(wait_for(s, r"Hand out run-0042"), "H hands the destination out", s.text())
    s.send("Escape")
    s.wait()

    # Stopped here, taken up again.
    src2 = os.path.join(h.tmp, "ingest-tui", "run-0043")
    write_frames(src2, 0, 3)
    with open(os.path.join(src2, "notes.txt"), "w") as f:
        f.write("not sent\n")
    s.send("n", "C-u", src2, "Enter")
    s.wait()
    s.send("C-u", "TEM Materials/ingest/run-0043", "Enter")
    s.wait()
    s.send("Enter", "Enter")        # watch it, until told
    s.wait()
    s.send("j", "j", "j", "j", "j", "Space", "Enter")     # files chosen by name
    s.wait()
    t.ok("Send only the files whose name or path matches" in flat(s), "globs: which files to send", s.text())
    s.send("*.tif", "Enter")
    s.wait()
    t.ok("Leave out the files and folders" in flat(s), "globs: which to leave out", s.text())
    s.send("frame_0001*", "Enter")
    s.wait()
    yaml = os.path.join(h.tmp, "ingest-tui", "session.yaml")
    sidecar = os.path.join(h.tmp, "ingest-tui", "session.json")
    with open(yaml, "w") as f:
        f.write("operator: Alice\n  shift: night\n")
    with open(sidecar, "w") as f:
        json.dump({"instrument": "Talos F200C", "session": 43}, f)
    s.send("j", "Enter")            # a sidecar
    s.wait()
    s.send("C-u", yaml, "Enter")
    s.wait()
    t.ok("session.yaml: line 2, column 8: mapping values are not allowed in this context." in s.text(),
         "a YAML sidecar that is not YAML: refused with its line, asked again", s.text())
    s.send("C-u", sidecar, "Enter")
    s.wait()
    t.ok("; the metadata of %s; only *.tif; leaving out frame_0001*. Start?" % sidecar in dialog(s),
         "the sidecar and the globs are said before it starts", s.text())
    s.send("y")
    t.ok(wait_for(s, r"watching +2 +2 +0 +0 .*run-0043", 30), "a second session: only the files chosen",
         s.text())
    r = h.run("meta", "get", "-t", "json", "--json", "TEM Materials/ingest/run-0043")
    t.eq(r.json() if r.rc == 0 else r.errtext, {"instrument": "Talos F200C", "session": 43},
         "the sidecar is the destination's JSON metadata")
    s.send("s")
    s.wait()
    t.ok("What is not sent yet waits in its journal" in flat(s), "s asks before stopping", s.text())
    s.send("y")
    t.ok(wait_for(s, r"stopped +2 +2 +0 +0 .*run-0043"), "stopped: listed from its journal", s.text())
    write_frames(src2, 3, 2)
    s.send("r")
    s.wait()
    t.ok("as it ran before" in flat(s), "r takes it up, as it ran before", s.text())
    s.send("j", "Enter")
    t.ok(wait_for(s, r"ended +4 +4 +0 +0 .*run-0043", 30),
         "taken up with its own globs: what came meanwhile is sent, then it ends", s.text())

    # Run by another process: ended from here.
    src3 = os.path.join(h.tmp, "ingest-tui", "run-0044")
    write_frames(src3, 0, 2)
    proc = h.start("watch", "--stable", "1", "--progress", "none", src3, "TEM Materials/ingest/run-0044")
    t.ok(wait_for(s, r"elsewhere .*run-0044", 30), "a watch run by another process is listed", s.text())
    s.send("G")
    s.wait()
    s.send("e")
    s.wait()
    t.ok("Ask the process that runs session" in flat(s), "e asks before ending it", s.text())
    s.send("y")
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    t.ok(rc == 0, "... and that process ends it cleanly", str(rc))

    # A watch a shell ran and stopped is taken up here as it ran there.
    src5 = os.path.join(h.tmp, "ingest-tui", "run-0046")
    write_frames(src5, 0, 2)
    proc = h.start("watch", "--stable", "1", "--progress", "none", "--include", "*.tif", "--end-marker", "DONE",
                   src5, "TEM Materials/ingest/run-0046")
    t.ok(wait_for(s, r"elsewhere +2 +2 .*run-0046", 30), "another watch runs", s.text())
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    t.ok(wait_for(s, r"stopped +2 +2 .*run-0046", 10), "stopped there: listed as stopped", s.text())
    with open(os.path.join(src5, "notes.txt"), "w") as f:
        f.write("left out by --include\n")
    write_frames(src5, 2, 1)
    s.send("g")
    s.wait()
    row = [i for i, ln in enumerate(s.lines()) if re.match(r"^ +stopped .*run-0046", ln)]
    top = [i for i, ln in enumerate(s.lines()) if ln.startswith(" STATE")]
    s.send(*(["j"] * (row[0] - top[0] - 1 if row and top else 0)))
    s.send("r")
    s.wait()
    t.ok("Watch it again, until DONE appears" in dialog(s), "its options come from its journal", s.text())
    s.send("Enter")
    s.wait()
    with open(os.path.join(src5, "DONE"), "w"):
        pass
    t.ok(wait_for(s, r"ended +3 +3 +0 +0 .*run-0046", 30), "... and apply here: only *.tif, ending at DONE",
         s.text())

    # Quitting with a session running asks first.
    src4 = os.path.join(h.tmp, "ingest-tui", "run-0045")
    write_frames(src4, 0, 1)
    s.send("n", "C-u", src4, "Enter")
    s.wait()
    s.send("C-u", "TEM Materials/ingest/run-0045", "Enter")
    s.wait()
    s.send("Enter", "Enter", "Enter", "Enter", "y")
    t.ok(wait_for(s, r"watching +1 +1 .*run-0045", 30), "a session running", s.text())
    s.send("Escape")
    s.wait()
    s.send("q")
    s.wait()
    t.ok("1 ingest session runs here; quit" in flat(s), "quitting asks, saying it goes on next time", s.text())
    s.send("y")
    t.ok(s.exited() == 0, "ingest view: q quits cleanly", s.text())
    s.close()
    r = h.run("watch", "status", "--json")
    left = [x for x in r.json() if x["dest"] == "ingest/run-0045"] if r.rc == 0 else []
    t.ok(len(left) == 1 and not left[0]["running"] and not left[0]["ended"],
         "its journal keeps it as stopped", repr(r))
    os.unlink(config)


def flat(s):
    """The screen's words on one line, without the dialogs' frames: a
    question wrapped in its box reads as one."""
    return " ".join(re.sub(r"[│┌┐└┘─]", " ", s.text()).split())


def form_register(s):
    """From the handle form's first row, down to Register and choose it."""
    s.send(*(["Down"] * 9 + ["Enter"]))


def test_share_handle(t, h):
    """K: a handle for the share under the cursor, from a Dublin Core form
    filled from the share: a required field emptied is refused, a refusal
    by the zone keeps the form, the handle is registered and shown; a
    share with a handle says so; a user without a handle service is told
    whom to ask, one with several chooses."""
    grid = KRIOS + "/Images-Disc1/GridSquare_1734452"
    r = h.run("share", "create", "--json", "--name", "Square 1734452 for a DOI", "--description",
              "# Square 1734452\n\nGrid atlas of square 1734452,\nfor the DOI test.\n\nMore.", grid)
    sid = (r.json() or {}).get("shareId") or "none"
    t.ok(r.rc == 0, "a share to register a handle for", repr(r))
    s = open_grid_square(t, h, "share handle")
    s.send("3")
    wait_for(s, r"Square 1734452 for a DOI +https://")
    s.send("Tab", "j", "K")
    t.ok(wait_for(s, r'Handle for "Square 1734452 for a DOI" \(\* required\)'),
         "K on a share without a handle opens the form (alice has one handle service)", s.text())
    text = s.text()
    t.ok("1  Title*: Square 1734452 for a DOI" in text and "2  Creators*: Alice Kowalczyk" in text and
         "3  Description: Grid atlas of square 1734452, for" in text and
         "4  Date: %s" % time.strftime("%Y-%m-%d") in text and "6  Type: Dataset" in text and
         "10  Register" in text and "11  Cancel" in text,
         "filled from the share (its description's first paragraph), the user and today", text)
    s.send("2")
    t.ok(wait_for(s, r"Creators \(required; several: a; b\): Alice Kowalczyk"),
         "a row opens a prompt with its value; repeatable ones say how to give several", s.text())
    s.send("C-u", "Kowalczyk, Alice; Lindqvist, Carol", "Enter")
    t.ok(wait_for(s, r"2  Creators\*: Kowalczyk, Alice; Lindqvist, Carol"), "the form again, with the value",
         s.text())
    s.send("Enter")
    t.ok(wait_for(s, r"Creators \(required; several: a; b\): Kowalczyk"), "... the cursor still on its row",
         s.text())
    s.send("Escape", "7", "cryo-EM; grid atlas", "Enter", "Escape")
    t.ok(wait_for(s, r"K offers the form again as you left it"), "Esc leaves the form, nothing registered",
         s.text())
    s.send("K")
    t.ok(wait_for(s, r"7  Subjects: cryo-EM; grid atlas") and "Lindqvist, Carol" in s.text(),
         "K again: the form as it was left", s.text())
    s.send("1", "C-u", "Enter")
    wait_for(s, r"1  Title\*: +│")
    form_register(s)
    t.ok(wait_for(s, r"Not registered: a handle's metadata needs a title") and
         wait_for(s, r"1  Title\*:"), "a required field emptied: said on one line, the form again", s.text())
    s.send("Enter")
    t.ok(wait_for(s, r"Title \(required\): *\n"), "... the cursor on the row to mend", s.text())
    title = 'Grid square 1734452 & "atlas" <DOI>'
    s.send(title, "Enter")
    t.ok(wait_for(s, r"Subjects: cryo-EM; grid atlas") and "Lindqvist, Carol" in s.text(),
         "nothing else typed was lost", s.text())
    h.fault(service="zone", method="POST", path=r"/user/handles$", status=403, body="error", times=1)
    form_register(s)
    wait_for(s, r"Register a handle for")
    t.ok('Register a handle for "Square 1734452 for a DOI" through Facility DOI (test)? A handle is public and '
         'permanent' in flat(s), "Register asks first, naming the service: public and permanent", s.text())
    s.send("y")
    t.ok(wait_for(s, r'Cannot register a handle for "Square 1734452 for a DOI": .*K offers'),
         "a refusal by the zone: one line", s.text())
    s.send("K")
    t.ok(wait_for(s, r"1  Title\*: Grid square 1734452 & \"atlas\" <DOI>") and "cryo-EM; grid atlas" in s.text(),
         "K offers the form as it was sent", s.text())
    form_register(s)
    wait_for(s, r"Register a handle for")
    s.send("y")
    t.ok(wait_for(s, r'Registered the handle 10\.5072/\S+ for "Square 1734452 for a DOI"'),
         "registered: the public identifier said", s.text())
    t.ok(wait_for(s, r"Square 1734452 for a DOI +https://\S+ +handle"), "the list marks the share", s.text())
    doi = re.search(r"Registered the handle (10\.5072/\S+)", s.text())
    status, rec = Api(h).share(sid)
    hid = (rec or {}).get("handleId") or "none"
    status, handle = Api(h).public(Api(h).zone + "/handles/%s/public" % hid)
    t.ok(status == 200 and doi and handle.get("publicHandle") == doi.group(1),
         "the zone holds the handle for the share", repr(handle))
    dc = "{http://purl.org/dc/elements/1.1/}"
    try:
        root = ElementTree.fromstring((handle.get("metadata") or "").encode())
        values = [(e.tag.replace(dc, ""), e.text) for e in root]
    except ElementTree.ParseError as err:
        values = [("unparsable", str(err))]
    t.eq(values, [("title", title), ("creator", "Kowalczyk, Alice"), ("creator", "Lindqvist, Carol"),
                  ("subject", "cryo-EM"), ("subject", "grid atlas"),
                  ("description", "Grid atlas of square 1734452, for the DOI test."),
                  ("date", time.strftime("%Y-%m-%d")), ("type", "Dataset")],
         "its Dublin Core: the title typed, several creators and subjects, empty fields left out")
    s.send("K")
    t.ok(wait_for(s, r'"Square 1734452 for a DOI" already has a handle: %s' % re.escape(doi.group(1) if doi else "-")),
         "K on a share with a handle says so, with its identifier", s.text())
    s.send("k", "K")
    t.ok(wait_for(s, r'Handle for "Grid square 1734452, session EM-2025-117"'),
         "another share: a form of its own", s.text())
    s.send("Escape")
    quit_cleanly(t, s, "share handle")
    t.ok(h.run("share", "rm", "--yes", sid).rc == 0, "the share and its handle removed", "")

    use_profile(h, "bob")
    s = open_grid_square(t, h, "no handle service", krios_row=0)
    s.send("3")
    wait_for(s, r"Grid square 1734452, session EM-2025-117 +https://")
    s.send("Tab", "K")
    t.ok(wait_for(s, r"No handle service lets you register handles: ask your zone's administrators"),
         "a user in no handle service: said whom to ask", s.text())
    t.ok("Handle for" not in s.text(), "... and no form", s.text())
    quit_cleanly(t, s, "no handle service")
    use_profile(h, "carol")
    # Carol's first space is Krios: P11's run r0034 and its share.
    s = start(t, h, "several handle services", width=150, height=40)
    s.send("j", "Enter")
    s.wait()
    s.send("j", "Enter")
    s.wait()
    s.send("j", "/", "r0034", "Enter", "3")
    wait_for(s, r"Run 34, proposal p700123 +https://")
    s.send("Tab", "K")
    t.ok(wait_for(s, r"Register the handle through") and wait_for(s, r"1  Facility DOI \(test\)") and
         "2  Facility Handle.net (test)" in s.text(), "several handle services: chosen from a list", s.text())
    s.send("2")
    t.ok(wait_for(s, r"Creators\*: Carol Lindqvist"), "then the form, the creator carol", s.text())
    s.send("Escape")
    quit_cleanly(t, s, "several handle services")
    use_profile(h)


def main():
    t = Tap()
    if not have_tmux():
        t.skip_all("tmux is not installed")
        return
    if not os.access(ONETUI, os.X_OK):
        t.skip_all("onetui is not built")
        return
    h = Harness("--scheme", "https")
    if sys.argv[1:]:
        # Only the tests named: "screens.py shares_pane tokens_pane".
        try:
            for name in sys.argv[1:]:
                globals()[name if name.startswith("test_") else "test_" + name](t, h)
        finally:
            h.close()
        t.done()
        return
    try:
        test_startup(t, h)
        test_filter_sort_marks(t, h)
        test_help_and_resize(t, h)
        test_locale_and_colour(t, h)
        test_hostile(t, h)
        test_slow_server(t, h)
        test_copy_and_quit(t, h)
        test_marks_files(t, h)
        test_editor(t, h)
        test_keys_config(t, h)
        test_info_sections(t, h)
        test_dir_sizes(t, h)
        test_datasets(t, h)
        test_transfers(t, h)
        test_transfers_elsewhere(t, h)
        test_send(t, h)
        test_onedata_transfers(t, h)
        test_replicate_from_tree(t, h)
        test_public_share(t, h)
        test_metadata_pane(t, h)
        test_metadata_bulk(t, h)
        test_dataset_actions(t, h)
        test_shares_pane(t, h)
        test_tokens_pane(t, h)
        test_token_form(t, h)
        test_group_invitation(t, h)
        test_handout(t, h)
        test_share_handle(t, h)
        test_audit(t, h)
        test_space_view(t, h)
        test_ingest_view(t, h)
    finally:
        h.close()
    t.done()


if __name__ == "__main__":
    main()
