#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""onetui ingest and onetui watch against the test zone over HTTPS.

A scripted instrument writes into the watched folder as acquisition
software does: many small frames at a steady rate, a large stack written
slowly, files written under a temporary name and renamed into place. The
watcher is killed with SIGKILL at random moments and started again, the
zone fails some requests; at the end what the space holds is fetched back
with onetui get and compared byte for byte with the local files."""

import hashlib
import json
import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import SLOW, TOKEN_RE, Harness, Tap, expect, file_sha256, raw_safe  # noqa: E402

TEM = "TEM Materials"


def tree(root, skip=()):
    """{relative path: sha256} of the regular files below root."""
    out = {}
    for d, _, files in os.walk(root):
        for name in files:
            p = os.path.join(d, name)
            rel = os.path.relpath(p, root)
            if name not in skip and not name.endswith(".tmp"):
                out[rel] = file_sha256(p)
    return out


class Reader(threading.Thread):
    """The JSON events a running watch prints, as they come."""

    def __init__(self, proc):
        super().__init__(daemon=True)
        self.proc, self.lines, self.cond = proc, [], threading.Condition()
        self.start()

    def run(self):
        for line in iter(self.proc.stdout.readline, b""):
            with self.cond:
                self.lines.append(line.decode(errors="replace"))
                self.cond.notify_all()

    def wait(self, pred, timeout=30):
        """Until an event satisfies pred; that event, or None."""
        deadline = time.monotonic() + timeout * SLOW
        with self.cond:
            while True:
                for e in events("".join(self.lines)):
                    if pred(e):
                        return e
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def finish(self, timeout=60):
        """The exit status and every event."""
        try:
            self.proc.wait(timeout=timeout * SLOW)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.join(10)
        return self.proc.returncode, events("".join(self.lines))


def events(text):
    out = []
    for line in text.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append({"event": "not-json", "line": line})
    return out


class Instrument(threading.Thread):
    """Writes frames (64 KiB each, every `every` s) under Data/, a stack
    written slowly in pieces (one every fifth frame, the rest at the end),
    and files renamed into place."""

    def __init__(self, root, frames=40, every=0.03, stack_mib=3, piece_kib=256, seed=1):
        super().__init__(daemon=True)
        self.root, self.frames, self.every, self.stack_mib = root, frames, every, stack_mib
        self.piece = piece_kib << 10
        self.rng = random.Random(seed)

    def frame(self, i):
        d = os.path.join(self.root, "Data", "GridSquare_%d" % (i // 10))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "FoilHole_%04d.tif" % i), "wb") as f:
            f.write(self.rng.randbytes(65536))

    def run(self):
        stack = os.path.join(self.root, "stack_0001.mrc")
        with open(stack, "wb") as s:
            for i in range(self.frames):
                self.frame(i)
                if i % 5 == 0 and s.tell() < self.stack_mib << 20:
                    s.write(self.rng.randbytes(min(self.piece, (self.stack_mib << 20) - s.tell())))
                    s.flush()
                if i % 13 == 0:
                    tmp = os.path.join(self.root, "Metadata.xml.tmp")
                    with open(tmp, "w") as f:
                        f.write("<frame n='%d'/>\n" % i)
                    os.rename(tmp, os.path.join(self.root, "Metadata_%02d.xml" % i))
                time.sleep(self.every)
            while s.tell() < self.stack_mib << 20:
                s.write(self.rng.randbytes(min(self.piece, (self.stack_mib << 20) - s.tell())))


def fetch(h, remote, into):
    r = h.run("get", "-r", "--progress", "none", remote, into, timeout=120)
    return r, tree(os.path.join(into, os.path.basename(remote)))


def finished_folder(t, h, missing, afile):
    """ingest: a finished folder in one go, then again (nothing sent twice)."""
    src = os.path.join(h.tmp, "session-EM-2025-118")
    for i in range(12):
        os.makedirs(os.path.join(src, "Images", "Disc%d" % (i % 3)), exist_ok=True)
        with open(os.path.join(src, "Images", "Disc%d" % (i % 3), "frame %02d.tif" % i), "wb") as f:
            f.write(os.urandom(4096 + i))
    with open(os.path.join(src, "gain.mrc"), "wb") as f:
        f.write(os.urandom(3 << 20))
    with open(os.path.join(src, "acquisition.tmp"), "w") as f:
        f.write("still writing")
    dest = TEM + "/EM-2025-118"
    r = h.run("ingest", "--progress", "json", src, dest, timeout=120)
    ev = events(r.text)
    sent = [e for e in ev if e.get("event") == "sent"]
    t.ok(r.rc == 0 and len(sent) == 13 and ev[-1].get("event") == "finished" and ev[-1].get("sent") == 13,
         "ingest sends the 13 files of a finished folder and ends", r.text[-600:] + r.errtext)
    t.ok(all(e.get("sha256") and e.get("remote", "").startswith(dest + "/") for e in sent),
         "each with its SHA-256, below the destination", json.dumps(sent[:2]))
    t.ok(not any("acquisition.tmp" in json.dumps(e) for e in ev), "a temporary file is left out", r.text[-300:])
    r2, got = fetch(h, dest, os.path.join(h.tmp, "back-118"))
    t.eq(got, tree(src), "what the space holds is the folder, byte for byte")
    r = h.run("ingest", "--progress", "json", src, dest)
    ev = events(r.text)
    t.ok(r.rc == 0 and not [e for e in ev if e.get("event") == "sent"] and ev[-1].get("sent") == 13,
         "run again, it sends nothing: the journal says what is there", r.text[-400:])
    r = h.run("watch", "status", "--json")
    t.ok(r.rc == 0 and not [s for s in (r.json() or []) if s.get("source") in (missing, afile)],
         "a session that could not start leaves nothing behind", r.text)
    mine = [s for s in (r.json() or []) if s.get("source") == src]
    t.ok(r.rc == 0 and len(mine) == 1 and mine[0]["sent"] == 13 and mine[0]["ended"] == "done"
         and not mine[0]["running"] and mine[0]["dest"] == "EM-2025-118",
         "watch status: the session, ended, with its counts", r.text)
    r = h.run("watch", "status")
    t.ok(r.rc == 0 and "ended (done)" in r.text and "EM-2025-118" in r.text, "... and as a table", r.text)


def watching(t, h, mode):
    """watch while the instrument writes; the end marker ends it."""
    src = os.path.join(h.tmp, "live-" + mode)
    os.makedirs(src)
    dest = TEM + "/live-" + mode
    proc = h.start("watch", "--" + mode, "--stable", "1", "--end-marker", "SESSION_DONE",
                   "--progress", "json", src, dest)
    inst = Instrument(src, stack_mib=64, piece_kib=4096, seed=len(mode))
    inst.start()
    inst.join()
    with open(os.path.join(src, "SESSION_DONE"), "w"):
        pass
    try:
        out, err = proc.communicate(timeout=120 * SLOW)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    ev = events(out.decode(errors="replace"))
    t.ok(proc.returncode == 0 and ev and ev[0].get("mode") == mode.replace("poll", "polling")
         and ev[-1].get("event") == "finished",
         "%s: the watch notices files by %s and ends at the marker" % (mode, mode),
         out.decode(errors="replace")[-600:] + err.decode(errors="replace")[-600:])
    stack = [e for e in ev if e.get("event") == "sent" and e.get("path") == "stack_0001.mrc"]
    t.ok(len(stack) == 1 and stack[0].get("size") == 64 << 20,
         "%s: the stack written slowly is sent once, complete" % mode, json.dumps(stack))
    t.ok(not any(e.get("path") == "SESSION_DONE" for e in ev), "%s: the marker itself is not sent" % mode, "")
    r, got = fetch(h, dest, os.path.join(h.tmp, "back-" + mode))
    t.eq(got, tree(src, skip=("SESSION_DONE",)), "%s: the space holds what the instrument wrote" % mode)


def new_folders(t, h):
    """Files of one new folder looked up together: each finds it missing,
    one makes it, the others are told it exists, and use it."""
    src = small_folder(h, "new-folders", 0)
    os.makedirs(os.path.join(src, "Images", "Disc1"))
    for i in range(8):
        with open(os.path.join(src, "Images", "Disc1", "frame%d.tif" % i), "wb") as f:
            f.write(os.urandom(1000 + i))
    h.fault(service="any", method="PUT", path=r"/path/", latency_ms=300)
    r = h.run("ingest", "--progress", "json", src, TEM + "/new-folders", timeout=60)
    h.clear()
    ev = events(r.text)
    t.ok(r.rc == 0 and len([e for e in ev if e.get("event") == "sent"]) == 8 and
         not [e for e in ev if e.get("event") == "failed"] and r.seconds < 8 * SLOW,
         "eight files into one new folder: all sent at the first try (%.1f s)" % r.seconds, r.text[-600:])


def lost_answers(t, h):
    """Files made in the space whose answer was lost: taken up by the next
    try, as the session's own, even one changed meanwhile."""
    src = small_folder(h, "lost-answers", 0)
    for name in ("same.bin", "grown.bin"):
        with open(os.path.join(src, name), "wb") as f:
            f.write(os.urandom(300000))
    h.fault(service="any", method="POST", path=r"/children$", reset_after_bytes=0, times=2)
    reader = Reader(h.start("watch", "--stable", "300ms", "--end-marker", "END", "--progress", "json",
                            src, TEM + "/lost-answers"))
    both = reader.wait(lambda e: len({x.get("path") for x in events("".join(reader.lines))
                                      if x.get("event") == "failed"}) == 2)
    with open(os.path.join(src, "grown.bin"), "ab") as f:
        f.write(os.urandom(5000))
    time.sleep(1)
    open(os.path.join(src, "END"), "w").close()
    rc, ev = reader.finish(60)
    h.clear()
    sent = sorted(e.get("path") for e in ev if e.get("event") == "sent")
    t.ok(both and rc == 0 and sent == ["grown.bin", "same.bin"] and ev[-1].get("failed") == 0,
         "answers lost: both files sent at the next try, the changed one too", json.dumps(ev)[-700:])
    r, got = fetch(h, TEM + "/lost-answers", os.path.join(h.tmp, "back-lost"))
    t.eq(got, tree(src, skip=("END",)), "... byte for byte")

def marker_there(t, h):
    """watch started when the end marker is there already (the acquisition
    is over): what is there is complete as it is, sent without waiting out
    --stable. A folder of that name is no marker."""
    src = small_folder(h, "marker-there", 4)
    open(os.path.join(src, "SESSION_DONE"), "w").close()
    r = h.run("watch", "--end-marker", "SESSION_DONE", "--progress", "json", src, TEM + "/marker-there", timeout=60)
    ev = events(r.text)
    t.ok(r.rc == 0 and len([e for e in ev if e.get("event") == "sent"]) == 4 and
         [e.get("why") for e in ev if e.get("event") == "ended"] == ["marker"] and r.seconds < 10 * SLOW,
         "watch with the marker there: the 4 files sent without waiting out --stable (%.1f s), then the end"
         % r.seconds, r.text[-600:] + r.errtext)
    src = small_folder(h, "marker-folder", 1)
    os.makedirs(os.path.join(src, "SESSION_DONE"))
    r = h.run("watch", "--stable", "200ms", "--end-marker", "SESSION_DONE", "--idle-end", "%ds" % (2 * SLOW),
              "--progress", "json", src, TEM + "/marker-folder", timeout=60)
    t.ok(r.rc == 0 and [e.get("why") for e in events(r.text) if e.get("event") == "ended"] == ["idle"],
         "a folder named as the marker does not end the session", r.text[-400:])

def replaced(t, h):
    """A file replaced by another of the same size and mtime, renamed over
    it (cp -p, rsync -t), is sent again; chmod alone is no change; a
    journal of an older version (no inode in its records) still reads."""
    src = small_folder(h, "replaced", 0)
    path = os.path.join(src, "ctf.star")
    with open(path, "w") as f:
        f.write("first\n")
    dest = TEM + "/replaced"

    def ingest():
        r = h.run("ingest", "--progress", "json", src, dest, timeout=60)
        ev = events(r.text)
        return r, ev, [e.get("path") for e in ev if e.get("event") == "sent"]

    r, ev, sent = ingest()
    journal = next((e.get("journal") for e in ev if e.get("event") == "started"), "")
    old = os.stat(path)
    with open(path + ".tmp", "w") as f:
        f.write("other\n")
    os.utime(path + ".tmp", ns=(old.st_atime_ns, old.st_mtime_ns))
    os.rename(path + ".tmp", path)
    r, ev, sent = ingest()
    t.ok(r.rc == 0 and sent == ["ctf.star"], "replaced by rename with the same size and mtime: sent again",
         r.text[-500:])
    back, got = fetch(h, dest, os.path.join(h.tmp, "back-replaced"))
    t.eq(got, {"ctf.star": file_sha256(path)}, "... the space holds the new content")
    os.chmod(path, 0o600)
    r, ev, sent = ingest()
    t.ok(r.rc == 0 and sent == [], "chmod'ed only: not sent again", r.text[-500:])
    with open(journal) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    had = any("ino" in rec and "ctimeNs" in rec for rec in lines if "sent" in rec)
    with open(journal, "w") as f:
        for rec in lines:
            rec.pop("ino", None)
            rec.pop("ctimeNs", None)
            f.write(json.dumps(rec) + "\n")
    r, ev, sent = ingest()
    t.ok(had and r.rc == 0 and sent == [] and ev[-1].get("sent") == 1,
         "a journal without inodes (an older version's) reads: nothing sent again", r.text[-500:] + r.errtext)
    # A failed try of the upload leaves its own {"failed": LOCAL PATH}
    # record in the journal (no size, a path outside the folder's names):
    # it is no file of the folder to wait for. A watch taken up after it,
    # with the end marker there, ends.
    with open(journal, "a") as f:
        f.write(json.dumps({"failed": path, "error": "a service needed for this is down"}) + "\n")
    with open(os.path.join(src, "DONE"), "w"):
        pass
    try:
        r = h.run("watch", "--end-marker", "DONE", "--progress", "json", src, dest, timeout=30)
        ended = r.rc == 0 and events(r.text)[-1].get("event") == "finished"
        said = r.text[-300:]
    except subprocess.TimeoutExpired:
        ended, said = False, "still running after 30 s"
    t.ok(ended, "an upload's own failure record in the journal: the watch still ends at the marker", said)


def killed(t, h, rounds=10):
    """SIGKILL the watcher at random moments while the instrument writes
    and the zone fails some requests; start it again each time."""
    src = os.path.join(h.tmp, "crash")
    os.makedirs(src)
    dest = TEM + "/crash-session"
    rng = random.Random(int(os.environ.get("ONETUI_TEST_SEED", "4")))
    args = ["watch", "--stable", "500ms", "--progress", "none", src, dest]
    inst = Instrument(src, frames=120, every=0.05, stack_mib=4, seed=7)
    h.fault(service="any", path=r"/data/|/files", status=503, rate=0.05)
    inst.start()
    kills = 0
    for _ in range(rounds):
        proc = h.start(*args)
        time.sleep(rng.uniform(0.3, 1.5) * SLOW)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    inst.join()
    h.clear()
    with open(os.path.join(src, "SESSION_DONE"), "w"):
        pass
    r = h.run("watch", "--stable", "500ms", "--end-marker", "SESSION_DONE", "--progress", "json", src, dest,
              timeout=180)
    ev = events(r.text)
    t.ok(r.rc == 0 and ev[-1].get("event") == "finished" and ev[-1].get("failed") == 0,
         "after %d kill -9 and failing requests, the session ends with nothing failed" % kills,
         r.text[-600:] + r.errtext[-600:])
    r, got = fetch(h, dest, os.path.join(h.tmp, "back-crash"))
    t.eq(got, tree(src, skip=("SESSION_DONE",)), "the space holds every file, byte for byte")


def changes(t, h):
    """A file changed after it was sent: replaced, or kept beside with --versions."""
    for versions in (False, True):
        name = "versions" if versions else "replace"
        src = os.path.join(h.tmp, "changed-" + name)
        os.makedirs(src)
        dest = TEM + "/changed-" + name
        with open(os.path.join(src, "ctf.star"), "w") as f:
            f.write("first\n")
        args = ["watch", "--stable", "300ms", "--idle-end", "%ds" % (3 * SLOW), "--progress", "json"]
        args += (["--versions"] if versions else []) + [src, dest]
        reader = Reader(h.start(*args))
        first = reader.wait(lambda e: e.get("event") == "sent")
        with open(os.path.join(src, "ctf.star"), "w") as f:
            f.write("second, longer\n")
        rc, ev = reader.finish()
        sent = [e for e in ev if e.get("event") == "sent"]
        want = ["ctf.star", "ctf.v2.star"] if versions else ["ctf.star", "ctf.star"]
        t.ok(first and rc == 0 and [os.path.basename(e["remote"]) for e in sent] == want
             and ev[-1].get("event") == "finished" and any(e.get("why") == "idle" for e in ev),
             "%s: a changed file is sent again, as %s; the session ends when idle" % (name, want[1]),
             json.dumps(ev)[-700:])
        r, got = fetch(h, dest, os.path.join(h.tmp, "back-" + name))
        local = {"ctf.star": file_sha256(os.path.join(src, "ctf.star"))}
        if versions:
            local["ctf.v2.star"] = local["ctf.star"]
            local["ctf.star"] = hashlib.sha256(b"first\n").hexdigest()
        t.eq(got, local, "%s: the space holds %s" % (name, "both versions" if versions else "the new content"))


def ending(t, h):
    """watch end SESSION from elsewhere, and SIGUSR1, end a running session."""
    for how in ("end", "usr1"):
        src = os.path.join(h.tmp, "ending-" + how)
        os.makedirs(src)
        with open(os.path.join(src, "a.tif"), "wb") as f:
            f.write(os.urandom(1000))
        proc = h.start("watch", "--stable", "200ms", "--progress", "json", src, TEM + "/ending-" + how)
        reader = Reader(proc)
        started = reader.wait(lambda e: e.get("event") == "started") or {}
        reader.wait(lambda e: e.get("event") == "sent")
        if how == "end":
            r = h.run("watch", "end", started.get("session", "none"))
            t.ok(r.rc == 0 and "ends once" in r.text, "watch end SESSION asks it to end", repr(r))
        else:
            proc.send_signal(signal.SIGUSR1)
        rc, ev = reader.finish(30)
        t.ok(rc == 0 and any(e.get("why") == "asked" for e in ev) and ev[-1].get("sent") == 1,
             "%s: the session ends, what was complete sent" % how, json.dumps(ev)[-500:])
    expect(t, h.run("watch", "end", "0123456789abcdef0123"), "watch end of no session: exit 1", 1,
           err=r"no ingest session 0123456789abcdef0123")


def marker_beyond_globs(t, h):
    """The end marker ends the session even where the globs leave it
    out, and when it is there from the start (the same watch run again
    after the acquisition ended): what is complete is sent first."""
    src = os.path.join(h.tmp, "marker-globs")
    os.makedirs(src)
    for name in ("a.tif", "b.tif", "notes.txt"):
        with open(os.path.join(src, name), "wb") as f:
            f.write(os.urandom(3000))
    with open(os.path.join(src, "DONE"), "w"):
        pass
    proc = h.start("watch", "--stable", "200ms", "--include", "*.tif", "--end-marker", "DONE", "--progress", "json",
                   src, TEM + "/marker-globs")
    rc, ev = Reader(proc).finish(60)
    sent = sorted(e.get("path") for e in ev if e.get("event") == "sent")
    t.ok(rc == 0 and sent == ["a.tif", "b.tif"] and any(e.get("why") == "marker" for e in ev),
         "a marker there from the start, left out by --include: the .tif files sent, then the end",
         json.dumps(ev)[-600:])
    with open(os.path.join(src, "c.tif"), "wb") as f:
        f.write(os.urandom(3000))
    rc, ev = Reader(h.start("watch", "--stable", "200ms", "--include", "*.tif", "--end-marker", "DONE",
                            "--progress", "json", src, TEM + "/marker-globs")).finish(60)
    sent = sorted(e.get("path") for e in ev if e.get("event") == "sent")
    t.ok(rc == 0 and sent == ["c.tif"], "run again: only the new file is sent, then it ends", json.dumps(ev)[-600:])
    r = h.run("watch", "--stable", "200ms", "--include", "*.tif", "--end-marker", "DONE", src, TEM + "/marker-globs")
    t.ok(r.rc == 0 and "the end marker DONE is there: what is complete is sent, then the session ends" in r.errtext,
         "the first lines say the marker is there", repr(r))


def bad_input(t, h):
    """Wrong sources and options; the sources tried, for later checks."""
    missing = os.path.join(h.tmp, "no-such-folder")
    expect(t, h.run("watch", missing, TEM + "/x"), "a source that is not there: exit 1", 1, err=r"no-such-folder")
    afile = os.path.join(h.tmp, "a-file")
    with open(afile, "w") as f:
        f.write("x")
    expect(t, h.run("ingest", afile, TEM + "/x"), "a source that is a file: exit 1", 1, err=r"a-file")
    expect(t, h.run("watch", h.tmp, "No Such Space/x"), "an unknown space: exit 1", 1, err=r"No Such Space")
    expect(t, h.run("watch", "--stable", "soon", h.tmp, TEM), "--stable soon: exit 2", 2, err=r"--stable")
    expect(t, h.run("watch", "--idle-end", "0", h.tmp, TEM), "--idle-end 0: exit 2", 2, err=r"--idle-end")
    expect(t, h.run("watch", "--end-marker", "a/b", h.tmp, TEM), "--end-marker with a slash: exit 2", 2,
           err=r"--end-marker")
    expect(t, h.run("ingest", h.tmp), "one argument: exit 2", 2, err=r"SPACE/PATH")
    expect(t, h.run("watch", "--json", h.tmp, TEM), "--json without status: exit 2", 2, err=r"--json")
    return missing, afile


def outage(t, h, hang=35, refuse=55):
    """The zone stops answering (SIGSTOP: connections hang), then answers
    every data request 503 "come back in an hour", while the instrument
    goes on writing. Once it is back every file arrives within seconds,
    however often it failed meanwhile, and the watch never gave up."""
    src = os.path.join(h.tmp, "outage")
    os.makedirs(src)
    dest = TEM + "/outage"
    reader = Reader(h.start("watch", "--stable", "500ms", "--end-marker", "SESSION_DONE", "--progress", "json",
                            src, dest))
    inst = Instrument(src, frames=int((hang + refuse) / 0.25) + 20, every=0.25, stack_mib=4, seed=11)
    inst.start()
    first = reader.wait(lambda e: e.get("event") == "sent")
    os.kill(h.zone.process.pid, signal.SIGSTOP)
    try:
        time.sleep(hang)
    finally:
        os.kill(h.zone.process.pid, signal.SIGCONT)
    h.fault(service="any", path=r"/data/|/files", status=503, retry_after="3600")
    time.sleep(refuse)
    alive = reader.proc.poll() is None
    h.clear()
    back = time.time()
    inst.join()
    with open(os.path.join(src, "SESSION_DONE"), "w"):
        pass
    rc, ev = reader.finish(120)
    failed = [e for e in ev if e.get("event") == "failed"]
    late = max([e["time"] - back for e in ev if e.get("event") == "sent"] + [0])
    t.ok(first and alive and rc == 0 and ev[-1].get("event") == "finished" and ev[-1].get("failed") == 0,
         "a %d s outage: the watch goes on, then ends with nothing failed (%d failures meanwhile)" %
         (hang + refuse, len(failed)), json.dumps(ev[-3:]))
    t.ok(late <= 30 * SLOW, "the last file is in the space %d s after the zone is back" % late,
         json.dumps(failed[-2:]))
    r, got = fetch(h, dest, os.path.join(h.tmp, "back-outage"))
    t.eq(got, tree(src, skip=("SESSION_DONE",)), "the space holds every file written during the outage")


TEMPLATES = """
templates = {
  krios-session = {
    fields = (
      { name = "operator"; required = true; },
      { name = "voltage_kV"; number = true; default = 300; }
    );
  };
};
"""


def small_folder(h, name, files=3):
    src = os.path.join(h.tmp, name)
    os.makedirs(src)
    for i in range(files):
        with open(os.path.join(src, "frame%d.tif" % i), "wb") as f:
            f.write(os.urandom(2000 + i))
    return src


def dataset_of(h, remote):
    r = h.run("dataset", "show", "--json", remote)
    return r.json() if r.rc == 0 else None


def check_steps(t, h, how, remote, handout, r, doc):
    """What the steps left: dataset, protection, metadata, share, handout."""
    ev = events(r.text)
    kinds = [e.get("event") for e in ev]
    t.ok(r.rc == 0 and kinds[-1] == "finished" and "dataset" in kinds and
         kinds.index("protected") < kinds.index("handout") < kinds.index("finished"),
         "%s: the steps say what they did, before finished" % how, r.text[-800:] + r.errtext)
    ds = dataset_of(h, remote) or {}
    t.ok(sorted(ds.get("protectionFlags", [])) == ["data_protection", "metadata_protection"] or
         sorted(ds.get("protectionFlags", [])) == ["data", "metadata"],
         "%s: the folder is a dataset, protected" % how, json.dumps(ds))
    got = h.run("meta", "get", "-t", "json", remote).json()
    t.eq(got, doc, "%s: the sidecar is the folder's JSON metadata" % how)
    shares = (h.run("share", "ls", "--json", remote).json() or {}).get("shares", [])
    mode = stat.S_IMODE(os.stat(handout).st_mode) if os.path.exists(handout) else None
    text = open(handout, encoding="utf-8").read() if mode else ""
    t.ok(mode == 0o600 and len(shares) == 1 and shares[0]["shareId"] in text and TOKEN_RE.search(text),
         "%s: the handout (mode %s) holds the share's link and the invitation" %
         (how, oct(mode) if mode else None), text[:600] + json.dumps(shares))
    t.ok(not TOKEN_RE.search(r.text + r.errtext), "%s: no token on the terminal" % how, r.errtext[-300:])
    hand = [e for e in ev if e.get("event") == "handout"]
    t.ok(hand and hand[0].get("file") == handout and hand[0].get("shareId") == shares[0]["shareId"],
         "%s: the handout event names the file and the share" % how, json.dumps(hand))


def steps(t, h):
    """--dataset, --metadata, --protect, --handout on ingest and watch."""
    doc = {"sample": "Apoferritin", "dose": 40}
    sidecar = os.path.join(h.tmp, "sidecar.json")
    with open(sidecar, "w") as f:
        json.dump(doc, f)
    src = small_folder(h, "steps-ingest")
    remote = TEM + "/steps-ingest"
    handout = os.path.join(h.tmp, "steps-ingest.txt")
    r = h.run("ingest", "--progress", "json", "--dataset", "--metadata", sidecar, "--protect", "data,metadata",
              "--handout", handout, src, remote, timeout=120)
    check_steps(t, h, "ingest", remote, handout, r, doc)
    os.unlink(handout)
    time.sleep(1.1)  # invitations are named after the second they are made in
    r = h.run("ingest", "--progress", "json", "--dataset", "--metadata", sidecar, "--protect", "data,metadata",
              "--handout", handout, src, remote, timeout=120)
    ev = events(r.text)
    t.ok(r.rc == 0 and any(e.get("event") == "dataset" and e.get("state") == "existing" for e in ev) and
         any(e.get("event") == "metadata" and e.get("state") == "same" for e in ev) and
         not [e for e in ev if e.get("event") == "sent"] and os.path.exists(handout),
         "ingest again: the steps again, harmlessly (dataset there, metadata the same)", r.text[-800:] + r.errtext)
    shares = (h.run("share", "ls", "--json", remote).json() or {}).get("shares", [])
    t.eq(len(shares), 1, "... the share reused")

    src = small_folder(h, "steps-watch")
    remote = TEM + "/steps-watch"
    handout = os.path.join(h.tmp, "steps-watch.txt")
    args = ("watch", "--stable", "200ms", "--end-marker", "END", "--progress", "json", "--dataset",
            "--metadata", sidecar, "--protect", "data,metadata", "--handout", handout, src, remote)
    proc = h.start(*args)
    reader = Reader(proc)
    t.ok(reader.wait(lambda e: e.get("event") == "started") is not None and dataset_of(h, remote),
         "watch: the dataset is there when the session starts", "")
    reader.wait(lambda e: e.get("event") == "sent" and "frame2" in e.get("path", ""))
    open(os.path.join(src, "END"), "w").close()
    rc, ev = reader.finish(60)
    check_steps(t, h, "watch", remote, handout, Result(rc, ev), doc)

    h.write_config(TEMPLATES)
    src = small_folder(h, "steps-template", 1)
    remote = TEM + "/steps-template"
    r = h.run("ingest", "--template", "krios-session", "--field", "operator=Alice", "--progress", "none",
              src, remote, timeout=120)
    got = h.run("meta", "get", "--json", remote).json() or {}
    t.ok(r.rc == 0 and got.get("operator") == "Alice" and got.get("voltage_kV") == 300,
         "ingest --template --field: the folder's attributes", repr(r) + json.dumps(got))
    h.write_config("")


YAML_SIDECAR = """\
# written by the acquisition software
sample: Apoferritin
dose: 40
voltage_kV: 3.0e2
magnification: 0x1F40
grid: &grid {type: C-flat, hole_um: 1.2}
grids: [*grid]
operators:
  - Alice
  - "Bob"
id: "007"
notes: |
  first line
  second line
autoloader: true
stage: ~
"""


def yaml_sidecar(t, h):
    """--metadata with a YAML file: the folder's JSON metadata is the YAML as JSON."""
    sidecar = os.path.join(h.tmp, "session.yaml")
    with open(sidecar, "w") as f:
        f.write(YAML_SIDECAR)
    src = small_folder(h, "steps-yaml", 1)
    remote = TEM + "/steps-yaml"
    r = h.run("ingest", "--metadata", sidecar, "--progress", "none", src, remote, timeout=120)
    t.ok(r.rc == 0, "ingest --metadata session.yaml: exit 0", r.errtext)
    grid = {"type": "C-flat", "hole_um": 1.2}
    r = h.run("meta", "get", "-t", "json", remote)
    t.eq(r.json() if r.rc == 0 else r.errtext,
         {"sample": "Apoferritin", "dose": 40, "voltage_kV": 300, "magnification": 8000, "grid": grid,
          "grids": [grid], "operators": ["Alice", "Bob"], "id": "007", "notes": "first line\nsecond line\n",
          "autoloader": True, "stage": None},
         "the YAML sidecar, as JSON, is the folder's JSON metadata")


class Result:
    """A finished watch's status and events as h.run's result looks."""

    def __init__(self, rc, ev):
        self.rc, self.text, self.errtext = rc, "\n".join(json.dumps(e) for e in ev), ""


def bad_steps(t, h):
    """Wrong step options: refused before anything is made or sent."""
    src = small_folder(h, "steps-bad", 1)
    def local(name, text):
        path = os.path.join(h.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path
    bad = local("bad.json", '{"a": 1,')
    array = local("array.json", "[1, 2]")
    yaml = local("bad.yaml", "sample: Apoferritin\n  dose: 40\n")
    exists = local("exists.txt", "mine\n")
    dest = TEM + "/steps-bad"
    cases = [
        (["--metadata", os.path.join(h.tmp, "none.json")], 2, r"none\.json", "a missing sidecar"),
        (["--metadata", bad], 2, r"bad\.json.*line 1", "a sidecar that is not JSON"),
        (["--metadata", array], 2, r"array\.json", "a sidecar that is not an object"),
        (["--metadata", yaml], 2, r"bad\.yaml: line 2, column 7: mapping values", "a sidecar that is not YAML"),
        (["--protect", "bogus"], 2, r"--protect", "--protect bogus"),
        (["--protect", "data"], 2, r"needs a dataset", "--protect without a dataset"),
        (["--handout", exists, "--dataset"], 1, r"exists already", "--handout to an existing file"),
        (["--template", "nope", "--dataset"], 2, r'no template "nope"', "an unknown template"),
        (["--field", "a=b"], 2, r"--template", "--field without --template"),
    ]
    for args, rc, err, name in cases:
        expect(t, h.run("ingest", *args, src, dest), "ingest %s: exit %d" % (name, rc), rc, err=err)
    h.write_config(TEMPLATES)
    expect(t, h.run("ingest", "--template", "krios-session", "--dataset", src, dest),
           "ingest with a required field missing: exit 2", 2, err=r"operator")
    h.write_config("")
    with open(exists) as f:
        t.eq(f.read(), "mine\n", "the existing file is untouched")
    r = h.run("watch", "status", "--json")
    t.ok(r.rc == 0 and not [s for s in (r.json() or []) if s.get("source") == src],
         "no session was opened for them", r.text)
    expect(t, h.run("ls", dest), "nor was the destination made", 1)


def hostile_names(t, h):
    """A folder and a file named to drive a terminal: the lines say them
    escaped, the space gets the file under its name."""
    src = os.path.join(h.tmp, "evil\x1b]0;pwned\x07 run")
    os.makedirs(src)
    with open(os.path.join(src, "frame\x1b[31m.tif"), "wb") as f:
        f.write(b"frame")
    r = h.run("ingest", "-v", src, TEM + "/hostile")
    t.ok(r.rc == 0 and raw_safe(r.err) and "evil\\e]0;pwned" in r.errtext and "sent frame\\e[31m.tif" in r.errtext,
         "hostile names reach the terminal escaped", repr(r))


def main():
    t = Tap()
    h = Harness("--scheme", "https")
    try:
        finished_folder(t, h, *bad_input(t, h))
        hostile_names(t, h)
        watching(t, h, "inotify")
        watching(t, h, "poll")
        changes(t, h)
        ending(t, h)
        marker_beyond_globs(t, h)
        marker_there(t, h)
        new_folders(t, h)
        lost_answers(t, h)
        replaced(t, h)
        killed(t, h)
        outage(t, h)
        bad_steps(t, h)
        steps(t, h)
        yaml_sidecar(t, h)
    finally:
        h.close()
    t.done()


if __name__ == "__main__":
    main()
