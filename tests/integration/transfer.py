#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""onetui get and onetui transfers against the test zone over HTTPS.

Every fetched file is compared with what the zone serves, computed here
from the zone's content function (not from anything onetui reports).
Crashes are real (SIGKILL at random moments), faults come from the zone,
a full disk is a small tmpfs (when the tests run as root)."""

import glob
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import ONETUI, SLOW, Harness, Tap, file_sha256, wait_for_request  # noqa: E402
import cases as C  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "zone"))
from odzone.model import CONTENT_CHUNK, content_chunk  # noqa: E402

KRIOS = C.KRIOS
P11 = C.P11
TEM = "TEM Materials"
GAIN = KRIOS + "/GainReference_K3_20251112.mrc"


def expected_sha256(file_id, size):
    h = hashlib.sha256()
    k = 0
    while k * CONTENT_CHUNK < size:
        h.update(content_chunk(file_id, k)[:size - k * CONTENT_CHUNK])
        k += 1
    return h.hexdigest()


def events(r):
    """The NDJSON events of --progress json; None when a line is not JSON."""
    out = []
    for line in r.text.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            return None
    return out


def listing(h, target, user="alice"):
    """{relative path: (fileId, size, mtime)} of every file below target."""
    r = h.run("ls", "-R", "--json", target, user=user)
    files = {}
    for e in r.json() or []:
        if e.get("type") == "REG":
            files[e["path"]] = (e["fileId"], e["size"], e["mtime"])
    return files


class Get:
    """A download folder and the checks on it."""

    def __init__(self, h, name):
        self.h = h
        self.dir = os.path.join(h.tmp, name)

    def run(self, *args, **kw):
        return self.h.run("get", *args, **kw)

    def local_files(self):
        found = []
        for root, _, names in os.walk(self.dir):
            for n in names:
                found.append(os.path.join(root, n))
        return found

    def identical(self, remote, local, source=None):
        """(all identical, message): every file of remote against local;
        against the local folder source when remote was uploaded from it,
        else against the zone's content function."""
        want = listing(self.h, remote)
        if not want:
            return False, "nothing listed for %s" % remote
        for rel, (fid, size, mtime) in want.items():
            path = os.path.join(local, rel)
            if not os.path.isfile(path):
                return False, "missing %s" % path
            st = os.stat(path)
            if st.st_size != size or int(st.st_mtime) != mtime:
                return False, "size or mtime differ for %s" % path
            want_sha = file_sha256(os.path.join(source, rel)) if source else expected_sha256(fid, size)
            if file_sha256(path) != want_sha:
                return False, "content differs for %s" % path
        return True, "%d files" % len(want)

    def complete_files_good(self, remote, local, source=None):
        """No file that looks complete is wrong (parts may be anywhere)."""
        want = listing(self.h, remote)
        for rel, (fid, size, _) in want.items():
            path = os.path.join(local, rel)
            want_sha = file_sha256(os.path.join(source, rel)) if source else expected_sha256(fid, size)
            if os.path.isfile(path) and (os.path.getsize(path) != size or file_sha256(path) != want_sha):
                return False, "%s looks complete but is not" % path
        return True, ""


def journal_dir(h):
    return os.path.join(h.home, ".local", "state", "onetui", "transfers")


def job_for(h, dest):
    """(id, state) of the job that writes to dest."""
    for job in h.run("transfers", "--json").json() or []:
        if job["what"].endswith("-> " + dest):
            return job["job"], job["state"]
    return None, None


def basics(t, h):
    g = Get(h, "basics")
    os.makedirs(g.dir)
    r = g.run(GAIN, g.dir)
    path = os.path.join(g.dir, "GainReference_K3_20251112.mrc")
    want = listing(h, KRIOS + "/")  # the whole space is listed once here
    fid, size, mtime = want["GainReference_K3_20251112.mrc"]
    t.ok(r.rc == 0 and os.path.isfile(path) and file_sha256(path) == expected_sha256(fid, size),
         "one file into a folder: byte-identical", repr(r))
    t.ok(int(os.stat(path).st_mtime) == mtime, "its mtime is the remote one", repr(r))
    t.ok(not glob.glob(os.path.join(g.dir, "*.part")), "no .part is left", repr(g.local_files()))
    t.ok(r.out == b"" and b"1 fetched" in r.err, "a summary on stderr, nothing on stdout", repr(r))

    target = os.path.join(g.dir, "renamed.mrc")
    r = g.run(GAIN, target)
    t.ok(r.rc == 0 and file_sha256(target) == expected_sha256(fid, size),
         "to a new name, like cp", repr(r))

    run = os.path.join(g.dir, "run")
    tree = os.path.join(run, "p700123")
    r = g.run("-r", P11 + "/p700123", run)
    ok, why = g.identical(P11 + "/p700123", tree)
    t.ok(r.rc == 0 and ok, "a tree with -r goes into DEST under its name: byte-identical (%s)" % why,
         repr(r))
    t.ok(os.path.isdir(os.path.join(tree, "processed")), "an empty remote folder is made too", repr(r))
    dirs = {e["path"]: e["mtime"] for e in h.run("ls", "-R", "--json", P11 + "/p700123").json()
            if e["type"] == "DIR"}
    t.ok(dirs and all(int(os.stat(os.path.join(tree, p)).st_mtime) == m for p, m in dirs.items()),
         "folders have their remote mtimes", repr(dirs))

    h.clear()
    r = g.run("-r", P11 + "/p700123", run)
    content = [q for q in h.requests() if q.get("path", "").endswith("/content")]
    t.ok(r.rc == 0 and b"16 already there" in r.err and not content,
         "run again: every file is kept, no content is fetched", repr(r) + repr(content[:2]))

    with open(os.path.join(tree, "r0034", "logs", "scan_r0034.log"), "ab") as f:
        f.write(b"local change\n")
    r = g.run("-r", P11 + "/p700123", run)
    t.ok(r.rc == 1 and b"a different file is already there (--overwrite replaces it)" in r.err,
         "a local file that differs is not replaced: exit 1, said", repr(r))
    r = g.run("-r", "--overwrite", P11 + "/p700123", run)
    ok, why = g.identical(P11 + "/p700123", tree)
    t.ok(r.rc == 0 and ok, "--overwrite replaces it", repr(r))

    r = g.run("-j", "8", "a/b", P11 + "/p700123/proposal_p700123.pdf", os.path.join(g.dir, "multi"))
    t.ok(r.rc != 0 and os.path.isfile(os.path.join(g.dir, "multi", "proposal_p700123.pdf")),
         "several sources: into DEST (created); a bad one does not stop the others", repr(r))


def usage(t, h):
    d = os.path.join(h.tmp, "usage")
    for args, err in ((["-j", "0", GAIN, d], b"-j wants"), (["--streams", "99", GAIN, d], b"--streams wants"),
                      (["--limit-rate", "fast", GAIN, d], b"--limit-rate wants"),
                      (["--progress", "loud", GAIN, d], b"--progress is"), ([GAIN], b"name what to fetch")):
        r = h.run("get", *args)
        t.ok(r.rc == 2 and err in r.err, "get %s: exit 2" % " ".join(args[:-1] or args), repr(r))
    r = h.run("get", P11 + "/p700123", d)
    t.ok(r.rc == 2 and b"is a directory; -r fetches directories" in r.err and not os.path.exists(d),
         "a directory without -r: exit 2, nothing made", repr(r))
    r = h.run("get", KRIOS + "/no such file", d)
    t.ok(r.rc == 1 and not os.path.exists(d), "a missing source: exit 1, nothing made", repr(r))
    r = h.run("transfers", "frob")
    t.ok(r.rc == 2, "transfers with an unknown verb: exit 2", repr(r))


def hostile_names(t, h):
    g = Get(h, "hostile")
    dest = os.path.join(g.dir, "dest")
    os.makedirs(g.dir)
    r = g.run("-r", KRIOS + "/hostile", dest)
    made = g.local_files()
    outside = [p for p in made if not p.startswith(dest + "/")]
    t.ok(r.rc == 1 and not outside, "hostile names: exit 1, nothing outside DEST", repr(r) + repr(outside))
    t.ok(r.err.count(b"left out") >= 9 and b"the name would point outside its folder" in r.err,
         "each unsafe name is reported", repr(r))
    t.ok(all(0x20 <= b and b != 0x7f for p in made for b in os.path.basename(p).encode()),
         "no control character in any local name", repr(made))
    t.ok(b"\x1b" not in r.err and b"\x07" not in r.err, "and none reached the terminal", repr(r))
    long_name = [p for p in made if os.path.basename(p).startswith("long-name")]
    t.ok(len(long_name) == 1 and len(os.path.basename(long_name[0]).encode()) == 255,
         "a 255-byte name is fetched (its part had a shorter name)", repr(made))

    mapped = os.path.join(g.dir, "mapped")
    r = g.run("-r", "--map-names", KRIOS + "/hostile", mapped)
    names = sorted(os.listdir(os.path.join(mapped, "hostile")))
    t.ok(r.rc == 0 and "%2E%2E" in names and "nul%00byte.txt" in names and "line one%0Aline two.txt" in names,
         "--map-names fetches them under %XX names", repr(r) + repr(names))
    t.ok(b"fetched as" in r.err, "and says which name each got", repr(r))


def streams(t, h):
    g = Get(h, "streams")
    os.makedirs(g.dir)
    h.clear()
    r = g.run("--streams", "4", GAIN, g.dir)
    fid, size, _ = listing(h, KRIOS + "/")["GainReference_K3_20251112.mrc"]
    ranges = [q for q in h.requests() if q.get("path", "").endswith("/content")]
    t.ok(r.rc == 0 and file_sha256(os.path.join(g.dir, "GainReference_K3_20251112.mrc")) ==
         expected_sha256(fid, size), "--streams 4: byte-identical", repr(r))
    spans = sorted(tuple(int(x) for x in q["headers"].get("range", "bytes=-").split("=")[1].split("-"))
                   for q in ranges if q["headers"].get("range"))
    edges = [0] + [b + 1 for _, b in spans]
    t.ok(len(spans) == len(ranges) >= 4 and [a for a, _ in spans] == edges[:-1] and edges[-1] == size,
         "in ranged pieces that cover the file exactly once", repr(ranges))


def progress_and_manifest(t, h):
    g = Get(h, "progress")
    os.makedirs(g.dir)
    manifest = os.path.join(g.dir, "manifest-sha256.txt")
    r = g.run("-r", "--progress", "json", "--manifest", manifest, P11 + "/p700123", g.dir)
    ev = events(r)
    t.ok(r.rc == 0 and ev is not None, "--progress json: every stdout line is JSON", repr(r))
    ev = ev or []
    files = [e for e in ev if e.get("event") == "file" and e.get("state") == "done"]
    fin = [e for e in ev if e.get("event") == "finished"]
    t.ok(len(files) == 16 and fin and fin[-1]["filesDone"] == 16 and fin[-1]["exitCode"] == 0,
         "one event per file and a last 'finished' event", repr(ev[-2:]))
    t.ok(all(len(e.get("sha256") or "") == 64 for e in files), "with each file's SHA-256", repr(files[:1]))
    check = subprocess.run(["sha256sum", "-c", "--quiet", os.path.basename(manifest)], cwd=g.dir,
                           capture_output=True)
    t.ok(check.returncode == 0 and len(open(manifest).read().splitlines()) == 16,
         "--manifest: sha256sum -c in its folder checks every file", repr(check))
    details = json.load(open(manifest + ".json"))
    t.ok(len(details["files"]) == 16 and all(f["fileId"] and f["providerId"] for f in details["files"]),
         "its .json names source file id and provider of each", repr(details["files"][:1]))
    r = g.run("-r", "--progress", "lines", P11 + "/p700123", os.path.join(g.dir, "lines"))
    t.ok(r.rc == 0 and b"\x1b" not in r.err and b"\r" not in r.err, "plain lines when not a terminal", repr(r))


def make_many(root, count):
    """count small files in a few folders, as a session's frames and metadata."""
    rng = random.Random(5)
    for i in range(count):
        sub = os.path.join(root, "GridSquare_%d" % (i % 5))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "frame_%04d.tiff" % i), "wb") as f:
            f.write(rng.randbytes(rng.randint(1000, 200000)))


def kill_rounds(h, rounds, first, find_job, pause, seed=0, check=None):
    """Start `first` (once its job is recorded, `transfers resume JOB`
    instead) and SIGKILL it after a random pause, rounds times. check()
    after each round returns None or what is wrong. Returns (job, killed,
    what was wrong)."""
    rng = random.Random(int(os.environ.get("ONETUI_TEST_SEED", "4")) + seed)
    job, killed = None, 0
    for i in range(rounds):
        proc = h.start(*(first if not job else ["transfers", "resume", "--progress", "none", job]))
        time.sleep(rng.uniform(*pause) * SLOW)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        job = job or find_job()
        bad = check() if check else None
        if bad:
            return job, killed, "after round %d: %s" % (i, bad)
    return job, killed, None


def crashes(t, h, rounds=10):
    """SIGKILL a 500-file download at random moments, resume, repeat."""
    g = Get(h, "crash")
    dest = os.path.join(g.dir, "disc")
    os.makedirs(g.dir)
    src = os.path.join(g.dir, "session-500")
    make_many(src, 500)
    r = h.run("put", "-r", "-j", "8", src, TEM + "/crash-source")
    t.ok(r.rc == 0, "500 files are uploaded to fetch them", repr(r))
    remote = TEM + "/crash-source/session-500"
    local = os.path.join(dest, "session-500")
    h.fault(path=r"/content$", slow_body_bps=2 << 20)

    def check():
        ok, why = g.complete_files_good(remote, local, src)
        return None if ok else why
    job, killed, bad = kill_rounds(h, rounds, ["get", "-r", "-j", "8", "--streams", "2", "--progress", "none",
                                               remote, dest], lambda: job_for(h, local)[0], (0.1, 0.8),
                                   check=check)
    h.clear()
    t.ok(bad is None and killed == rounds, "after each of %d kill -9, no file looks complete unless it is" % killed,
         bad)
    r = h.run("transfers", "resume", job)
    ok, why = g.identical(remote, local, src)
    parts = [p for p in g.local_files() if p.endswith(".part")]
    t.ok(r.rc == 0 and ok and not parts, "the last resume converges: byte-identical, no .part (%s)" % why,
         repr(r) + repr(parts[:3]))
    t.ok(job_for(h, local)[1] == "finished", "transfers lists the job as finished", repr(job))
    r = h.run("transfers", "resume", job)
    t.ok(r.rc == 1 and b"finished" in r.err, "resuming a finished job is refused", repr(r))


def stream_crashes(t, h, rounds=6):
    """SIGKILL a download in 4 streams of one large file, whose pieces and
    checksum thread are cut at random points, resume, repeat."""
    g = Get(h, "stream-crash")
    os.makedirs(g.dir)
    big = os.path.join(g.dir, "stack_0002.mrc")
    with open(big, "wb") as f:
        f.write(random.Random(12).randbytes(48 << 20))
    r = h.run("put", big, TEM + "/stream-crash/")
    t.ok(r.rc == 0, "a 48 MiB stack is uploaded to fetch it", repr(r))
    dest = os.path.join(g.dir, "out", "stack_0002.mrc")
    os.makedirs(os.path.dirname(dest))
    h.fault(path=r"/content$", slow_body_bps=2 << 20)

    def check():
        if os.path.exists(dest) and file_sha256(dest) != file_sha256(big):
            return "a complete-looking file differs"
    job, killed, bad = kill_rounds(h, rounds, ["get", "--streams", "4", "--progress", "none",
                                               TEM + "/stream-crash/stack_0002.mrc", dest],
                                   lambda: job_for(h, dest)[0], (0.3, 1.2), seed=1, check=check)
    t.ok(bad is None and killed == rounds, "killed %d times in 4 streams, nothing looks complete" % killed, bad)
    # Once more, killed only after the journal recorded how far the
    # pieces got (random kills may all come before the first record, on
    # a slow machine): what it recorded must not be fetched again.
    journal = os.path.join(journal_dir(h), job + ".journal")
    parts = open(journal).read().count('"part"')
    proc = h.start("transfers", "resume", "--progress", "none", job)
    wait_until(lambda: open(journal).read().count('"part"') > parts, 30)
    proc.kill()
    proc.wait()
    h.clear()
    r = h.run("transfers", "resume", "--progress", "json", job)
    done = [e for e in events(r) or [] if e.get("event") == "file" and e.get("state") == "done"]
    t.ok(r.rc == 0 and os.path.exists(dest) and file_sha256(dest) == file_sha256(big) and
         not os.path.exists(dest + ".part"), "the resume converges: byte-identical, no .part", repr(r))
    t.ok(len(done) == 1 and done[0].get("verified") is True, "and verified against the recorded checksum",
         repr(done))
    fin = [e for e in events(r) or [] if e.get("event") == "finished"]
    t.ok(fin and 0 < fin[-1]["bytesMoved"] < 48 << 20, "the last run fetched only what was missing (%s bytes)"
         % (fin[-1]["bytesMoved"] if fin else "?"), repr(fin))


def faults(t, h):
    g = Get(h, "faults")
    dest = os.path.join(g.dir, "p11")
    os.makedirs(g.dir)
    h.fault(path=r"/content$", rate=0.05, reset_after_bytes=100000)
    h.fault(path=r"/content$", rate=0.05, status=503, body="error")
    h.fault(path=r"/children$", rate=0.05, status=503, body="error")
    r = g.run("-r", "-j", "4", KRIOS + "/Images-Disc1/GridSquare_1734452", dest)
    h.clear()
    ok, why = g.identical(KRIOS + "/Images-Disc1/GridSquare_1734452", os.path.join(dest, "GridSquare_1734452"))
    t.ok(r.rc == 0 and ok, "5 %% of requests reset or 503: still byte-identical (%s)" % why, repr(r))

    h.fault(path=r"/content$", status=403, body="error")
    r = g.run(GAIN, os.path.join(g.dir, "gain"))
    h.clear()
    t.ok(r.rc == 1 and b"GainReference" in r.err and not os.path.exists(os.path.join(g.dir, "gain")),
         "a file that keeps failing fails with its reason; nothing looks complete", repr(r))


def interrupt_and_cancel(t, h):
    g = Get(h, "cancel")
    dest = os.path.join(g.dir, "gain")
    os.makedirs(g.dir)
    h.clear()
    h.fault(path=r"/content$", slow_body_bps=4 << 20)
    proc = h.start("get", GAIN, dest)
    wait_for_request(h, lambda q: q.get("path", "").endswith("/content"))
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20 * SLOW)
    h.clear()
    t.ok(proc.returncode == 130 and b"onetui transfers resume" in err and os.path.exists(dest + ".part")
         and not os.path.exists(dest), "Ctrl-C: exit 130, the part stays, the way to resume is said",
         repr((proc.returncode, err)))
    job, state = job_for(h, dest)
    t.ok(state == "stopped", "transfers lists it as stopped", repr(h.run("transfers")))
    r = h.run("transfers", "cancel", job)
    t.ok(r.rc == 0 and not os.path.exists(dest + ".part"), "cancel removes its part", repr(r))
    r = h.run("transfers", "resume", job)
    t.ok(r.rc == 1 and b"cancelled" in r.err, "a cancelled job cannot be resumed", repr(r))


def wait_until(pred, timeout=10):
    deadline = time.monotonic() + timeout * SLOW
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    return False


def job_record(h, job):
    """The job's line of `transfers list --json`."""
    for j in h.run("transfers", "--json").json() or []:
        if j["job"] == job:
            return j
    return {}


def control_elsewhere(t, h):
    """pause, resume and cancel a job that another onetui process runs."""
    g = Get(h, "control")
    os.makedirs(g.dir)
    dest = os.path.join(g.dir, "gain")
    h.clear()
    h.fault(path=r"/content$", slow_body_bps=(4 << 20) // SLOW)
    proc = h.start("get", "--progress", "json", GAIN, dest)
    wait_for_request(h, lambda q: q.get("path", "").endswith("/content"))
    job, _ = job_for(h, dest)
    t.ok(wait_until(lambda: "progress" in job_record(h, job)), "a running job's progress is visible elsewhere",
         repr(job_record(h, job)))
    rec = job_record(h, job)
    prog = rec.get("progress", {})
    t.ok(rec.get("state") == "running" and prog.get("pid") == proc.pid and prog.get("files") == 1 and
         prog.get("bytes", 0) > 0, "transfers list: running, with its pid, files and bytes", repr(rec))
    r = h.run("transfers")
    t.ok(r.rc == 0 and b"running" in r.out and b"%" in r.out and b"/s" in r.out,
         "the table shows how far it got", repr(r))

    r = h.run("transfers", "pause", job)
    t.ok(r.rc == 0 and b"paused" in r.out and str(proc.pid).encode() in r.out,
         "transfers pause: the process running it pauses", repr(r))
    time.sleep(0.5)
    size = os.path.getsize(dest + ".part")
    time.sleep(1.5)
    t.ok(proc.poll() is None and os.path.getsize(dest + ".part") == size and
         job_record(h, job).get("state") == "paused",
         "paused: the process waits, the part does not grow, the list says paused",
         repr((proc.poll(), size, job_record(h, job))))
    r = h.run("transfers", "pause", job)
    t.ok(r.rc == 0 and b"paused already" in r.out, "pausing again says so", repr(r))
    r = h.run("transfers", "resume", job)
    t.ok(r.rc == 0 and b"going on" in r.out, "transfers resume: the same process goes on", repr(r))
    t.ok(wait_until(lambda: os.path.getsize(dest + ".part") > size) and job_record(h, job).get("state") == "running",
         "and the part grows again", repr(job_record(h, job)))
    r = h.run("transfers", "cancel", job)
    out, err = proc.communicate(timeout=20 * SLOW)
    t.ok(r.rc == 0 and b"cancelled" in r.out, "transfers cancel of a running job", repr(r))
    evs = [json.loads(line) for line in out.splitlines() if line.startswith(b"{")]
    t.ok(proc.returncode == 1 and b"cancelled by 'onetui transfers cancel'" in err and
         [e["event"] for e in evs if e["event"] in ("paused", "resumed", "cancelled")] ==
         ["paused", "resumed", "cancelled"],
         "the process says so, exits 1, and told scripts each step", repr((proc.returncode, err[-300:], evs[-3:])))
    t.ok(not os.path.exists(dest + ".part") and not os.path.exists(dest) and
         job_record(h, job).get("state") == "cancelled" and
         not glob.glob(os.path.join(journal_dir(h), job + ".*[!l]")),
         "nothing left behind: no part, no control or progress file; the job is cancelled",
         repr(os.listdir(journal_dir(h))))

    # The whole queue: two downloads and an upload, each in its own process.
    big = os.path.join(h.tmp, "control-upload.bin")
    with open(big, "wb") as f:
        f.write(os.urandom(12 << 20))
    dests = [os.path.join(g.dir, "a"), os.path.join(g.dir, "b")]
    procs = [h.start("get", "--progress", "none", GAIN, d) for d in dests]
    procs.append(h.start("put", "--limit-rate", "%dK" % (2048 // SLOW), "--progress", "none", big,
                         TEM + "/control-upload.bin"))
    jobs = []
    for d in dests:
        wait_until(lambda: job_for(h, d)[0] is not None)
        jobs.append(job_for(h, d)[0])
    wait_until(lambda: job_for_upload(h, big) is not None)
    jobs.append(job_for_upload(h, big))
    t.ok(all(jobs) and wait_until(lambda: all(job_record(h, j).get("state") == "running" for j in jobs)),
         "three jobs run in three processes", repr(jobs))
    r = h.run("transfers", "pause", "--all", "--json")
    states = {j["job"]: j["state"] for j in r.json() or []}
    t.ok(r.rc == 0 and all(states.get(j) == "paused" for j in jobs), "pause --all pauses each of them", repr(r))
    time.sleep(1)
    remote = h.run("stat", "--json", TEM + "/control-upload.bin").json() or {}
    time.sleep(1.5)
    remote2 = h.run("stat", "--json", TEM + "/control-upload.bin").json() or {}
    t.ok(all(p.poll() is None for p in procs) and remote.get("size") == remote2.get("size"),
         "paused uploads send nothing more", repr((remote.get("size"), remote2.get("size"))))
    r = h.run("transfers", "resume", jobs[2])
    out, err = procs[2].communicate(timeout=60 * SLOW)
    back = os.path.join(g.dir, "upload-back")
    r2 = h.run("get", TEM + "/control-upload.bin", back)
    t.ok(r.rc == 0 and procs[2].returncode == 0 and r2.rc == 0 and file_sha256(back) == file_sha256(big),
         "the upload goes on and arrives whole", repr((r, err[-300:], r2)))
    r = h.run("transfers", "cancel", "--all")
    t.ok(r.rc == 2 and b"--yes" in r.err and all(p.poll() is None for p in procs[:2]),
         "cancel --all asks for --yes first: exit 2, nothing cancelled", repr(r))
    r = h.run("transfers", "cancel", "--all", "--yes")
    for p in procs[:2]:
        p.communicate(timeout=20 * SLOW)
    t.ok(r.rc == 0 and all(p.returncode == 1 for p in procs[:2]) and
         all(job_record(h, j).get("state") == "cancelled" for j in jobs[:2]) and
         not any(os.path.exists(d + ".part") for d in dests),
         "cancel --all --yes ends both downloads and removes their parts", repr(r))
    h.clear()

    for args, code, what in ((["pause"], 2, b"--all"), (["pause", "--all", jobs[0]], 2, b"not both"),
                             (["pause", jobs[0]], 1, b"cancelled"), (["list", "--all"], 2, b"--all goes with"),
                             (["pause", "--all"], 0, b"no running transfer")):
        r = h.run("transfers", *args)
        t.ok(r.rc == code and what in r.err, "transfers %s: exit %d, said" % (" ".join(args[:2]), code), repr(r))

    # Paused, then the process is killed: the job stays paused until resumed.
    dest = os.path.join(g.dir, "killed-paused")
    h.fault(path=r"/content$", slow_body_bps=(4 << 20) // SLOW)
    proc = h.start("get", "--progress", "none", GAIN, dest)
    wait_for_request(h, lambda q: q.get("path", "").endswith("/content"))
    job, _ = job_for(h, dest)
    r = h.run("transfers", "pause", job)
    proc.kill()
    proc.wait()
    h.clear()
    r2 = h.run("transfers", "pause", job)
    t.ok(r.rc == 0 and job_record(h, job).get("state") == "paused" and r2.rc == 1 and b"nothing runs it" in r2.err,
         "killed while paused: listed as paused; pausing it again says nothing runs it", repr((r, r2)))
    r = h.run("transfers", "retry", job)
    fid, size, _ = listing(h, KRIOS + "/")["GainReference_K3_20251112.mrc"]
    t.ok(r.rc == 0 and os.path.isfile(dest) and file_sha256(dest) == expected_sha256(fid, size) and
         job_record(h, job).get("state") == "finished", "transfers retry finishes it byte-identical", repr(r))

    # Ctrl-C while the job waits for a valid token ends it at once.
    dest = os.path.join(g.dir, "token-wait")
    h.clear()
    h.fault(path=r"/content$", status=401)
    proc = h.start("get", "--progress", "lines", GAIN, dest)
    wait_for_request(h, lambda q: q.get("path", "").endswith("/content"))
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=10 * SLOW)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    h.clear()
    t.ok(proc.returncode == 130 and b"paused" in err, "Ctrl-C while waiting for a token: exit 130",
         repr((proc.returncode, err[-300:])))


def disk_full(t, h):
    mnt = os.path.join(h.tmp, "small")
    os.makedirs(mnt)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt],
                                           capture_output=True).returncode != 0:
        t.skip("a full disk stops the job", "needs root to mount a small tmpfs")
        t.skip("and leaves nothing that looks complete", "needs root to mount a small tmpfs")
        return
    try:
        r = h.run("get", GAIN, mnt)
        t.ok(r.rc == 1 and b"No space left on device" in r.err and b"stopped" in r.err,
             "a full disk stops the job with a clear error", repr(r))
        t.ok(not os.path.exists(os.path.join(mnt, "GainReference_K3_20251112.mrc")),
             "and leaves nothing that looks complete", repr(os.listdir(mnt)))
    finally:
        subprocess.run(["umount", mnt])


def token_revoked(t, h):
    """carol's token is revoked mid-transfer; a new token in the file lets it go on."""
    g = Get(h, "token")
    dest = os.path.join(g.dir, "gain")
    os.makedirs(g.dir)
    h.clear()
    h.fault(path=r"/content$", slow_body_bps=8 << 20)
    # The first request breaks after 4 MiB: the retry meets the revoked token.
    h.fault(path=r"/content$", times=1, reset_after_bytes=4 << 20)
    proc = subprocess.Popen([ONETUI, "--zone", h.zone_url, "--cacert", h.info["ca"], "--token-file",
                             h.tokens["carol"], "get", "--progress", "lines", KRIOS + "/GainReference_K3_20251112.mrc",
                             dest], env=h.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_request(h, lambda q: q.get("path", "").endswith("/content"))
    h.control("POST", "/tokens/carol/revoke")
    time.sleep(3 * SLOW)
    paused = proc.poll() is None
    shutil.copy(h.tokens["alice"], h.tokens["carol"])
    try:
        out, err = proc.communicate(timeout=60 * SLOW)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    h.clear()
    fid, size, _ = listing(h, KRIOS + "/")["GainReference_K3_20251112.mrc"]
    t.ok(paused and b"paused" in err and b"revoked" in err, "a revoked token pauses the job, said once",
         repr(err[-600:]))
    t.ok(proc.returncode == 0 and b"a new token was found" in err and os.path.isfile(dest) and
         file_sha256(dest) == expected_sha256(fid, size), "a new token in the file: it goes on and completes",
         repr((proc.returncode, err[-600:])))


def make_tree(root):
    """A local session folder: small files, a large one, an empty folder."""
    rng = random.Random(7)
    files = {
        "EpuSession.dm": 3000,
        "Images/GridSquare_1/FoilHole_1_Data.xml": 900,
        "Images/GridSquare_1/FoilHole_1_fractions.tiff": 12 * (1 << 20) + 17,
        "Images/GridSquare_2/FoilHole_2_Data.xml": 1100,
        "Notiz zur Probe ü.txt": 0,
    }
    for rel, size in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(rng.randbytes(size))
    os.makedirs(os.path.join(root, "Processing", "empty"))
    return files


def remote_matches(h, local_root, remote):
    """Fetch remote back and compare every file with local_root."""
    back = tempfile.mkdtemp(dir=h.tmp)
    r = h.run("get", "-r", "--progress", "json", remote, back)
    name = os.path.basename(remote.rstrip("/"))
    ev = [e for e in events(r) or [] if e.get("event") == "file"]
    for root, dirs, names in os.walk(local_root):
        rel = os.path.relpath(root, local_root)
        for d in dirs:
            if not os.path.isdir(os.path.join(back, name, rel, d)):
                return False, "folder %s missing" % os.path.join(rel, d)
        for n in names:
            theirs = os.path.join(back, name, rel, n)
            if not os.path.isfile(theirs) or file_sha256(theirs) != file_sha256(os.path.join(root, n)):
                return False, "%s differs" % os.path.join(rel, n)
    if not ev or not all(e.get("verified") for e in ev):
        return False, "not every file was verified against its recorded checksum: %r" % ev[:2]
    return True, "%d files" % len(ev)


def uploads(t, h):
    base = os.path.join(h.tmp, "up")
    src = os.path.join(base, "session-0042")
    files = make_tree(src)
    target = TEM + "/incoming"
    h.clear()
    r = h.run("put", "-r", src, target)
    ok, why = remote_matches(h, src, target + "/session-0042")
    t.ok(r.rc == 0 and ok, "put -r: a tree arrives whole, checksums recorded (%s)" % why, repr(r))
    writes = [q for q in h.requests() if q["method"] in ("PUT", "POST") and "/content" in q["path"] + q["query"]
              or q["method"] == "POST" and q["path"].endswith("/children")]
    t.ok(len([q for q in writes if q["method"] == "POST"]) >= len(files),
         "small files are created with their content in one request", repr(writes[:3]))
    h.clear()
    r = h.run("put", "-r", src, target)
    sent = [q for q in h.requests() if q["path"].endswith("/content") or
            q["method"] == "POST" and q["path"].endswith("/children")]
    t.ok(r.rc == 0 and b"5 already there" in r.err and not sent, "put again: nothing is sent", repr(r) + repr(sent[:2]))

    with open(os.path.join(src, "EpuSession.dm"), "ab") as f:
        f.write(b"edited")
    r = h.run("put", "-r", src, target)
    t.ok(r.rc == 1 and b"a different file is there (--overwrite replaces it)" in r.err,
         "a different remote file is not replaced: exit 1, said", repr(r))
    big = os.path.join(src, "Images/GridSquare_1/FoilHole_1_fractions.tiff")
    with open(big, "r+b") as f:
        f.seek(5 << 20)
        f.write(b"X")
    r = h.run("put", "-r", src, target)
    t.ok(r.rc == 1 and b"FoilHole_1_fractions.tiff: a different file is there" in r.err,
         "a large file of the same size but other bytes is found out by its checksum", repr(r))
    r = h.run("put", "-r", "--overwrite", src, target)
    ok, why = remote_matches(h, src, target + "/session-0042")
    t.ok(r.rc == 0 and ok, "--overwrite replaces it (%s)" % why, repr(r))

    one = os.path.join(base, "one.txt")
    with open(one, "w") as f:
        f.write("a note\n")
    r = h.run("put", one, target + "/renamed-note.txt")
    r2 = h.run("stat", "--json", target + "/renamed-note.txt")
    t.ok(r.rc == 0 and r2.rc == 0 and (r2.json() or {}).get("size") == 7, "one file to a new name, like cp",
         repr(r) + repr(r2))
    r = h.run("put", "--verify", one, target + "/")
    t.ok(r.rc == 0, "--verify reads it back", repr(r))

    r = h.run("put", "-r", src, target + "/renamed-note.txt")
    t.ok(r.rc == 1 and b"renamed-note.txt is a file, not a folder" in r.err,
         "into a file as if it were a folder: exit 1, said", repr(r))
    r = h.run("put", src, target)
    t.ok(r.rc == 2 and b"-r sends folders" in r.err, "a folder without -r: exit 2", repr(r))
    r = h.run("put", os.path.join(base, "nothing-here"), target)
    t.ok(r.rc == 1 and b"cannot read" in r.err, "a missing local file: exit 1", repr(r))
    h.clear()
    r = h.run("put", one, KRIOS + "/Images-Disc1/GridSquare_1734460/Data/")
    t.ok(r.rc == 1 and b"in a dataset with data protection: nothing can be written there" in r.err,
         "into a protected dataset: exit 1 with the reason", repr(r))
    writes = [q for q in h.requests() if q["method"] in ("POST", "PUT") and q["service"] != "zone"
              and "lookup-file-id" not in q["path"]]
    t.ok(not writes, "... before any write is sent", writes)
    # (one.txt is there already with these bytes: a read-only token may
    # find that out and skip it; a new name needs a write.)
    r = h.run("put", one, target + "/readonly-note.txt", user="alice-readonly")
    t.ok(r.rc != 0 and b"Permission denied" in r.err, "with a read-only token: refused", repr(r))


def corruption(t, h):
    """A byte changed on the provider after upload: the download says so."""
    base = os.path.join(h.tmp, "corrupt")
    os.makedirs(base)
    one = os.path.join(base, "movie.tiff")
    with open(one, "wb") as f:
        f.write(random.Random(3).randbytes(3 << 20))
    r = h.run("put", one, TEM + "/corrupt/")
    fid = (h.run("stat", "--json", TEM + "/corrupt/movie.tiff").json() or {}).get("fileId")
    t.ok(r.rc == 0 and fid, "a file uploaded with its checksum", repr(r))
    h.control("POST", "/files/%s/corrupt" % fid, {"offset": 1234567, "provider": None})
    dest = os.path.join(base, "back")
    r = h.run("get", TEM + "/corrupt/movie.tiff", dest)
    t.ok(r.rc == 1 and b"checksum mismatch" in r.err and not os.path.exists(dest)
         and not os.path.exists(dest + ".part"), "a corrupted byte is caught: exit 1, nothing left", repr(r))
    h.control("POST", "/files/%s/corrupt" % fid, {"offset": 1234567, "provider": None})
    r = h.run("get", "--streams", "4", TEM + "/corrupt/movie.tiff", dest)
    t.ok(r.rc == 0 and file_sha256(dest) == file_sha256(one), "once repaired it is fetched and verified", repr(r))


def upload_crashes(t, h, rounds=10):
    """SIGKILL a 200 MiB upload at random moments, resume, repeat."""
    base = tempfile.mkdtemp(prefix="upcrash-", dir=h.tmp)
    big = os.path.join(base, "stack_0001.mrc")
    with open(big, "wb") as f:
        rng = random.Random(11)
        for _ in range(200):
            f.write(rng.randbytes(1 << 20))
    target = TEM + "/" + os.path.basename(base)
    # Slow enough that every round is cut short.
    h.fault(path=r"/content$", slow_request_bps=20 << 20)
    job, killed, _ = kill_rounds(h, rounds, ["put", "--progress", "none", big, target + "/"],
                                 lambda: job_for_upload(h, big), (0.1, 1.0))
    h.clear()
    r = h.run("transfers", "resume", job) if job else h.run("put", big, target + "/")
    t.ok(r.rc == 0 and killed == rounds, "a 200 MiB upload killed %d times resumes" % killed, repr(r))
    ok, why = remote_matches(h, base, target)
    t.ok(ok, "and the remote file is byte-identical, its checksum recorded (%s)" % why, why)


def job_for_upload(h, local):
    for job in h.run("transfers", "--json").json() or []:
        if job["kind"] == "upload" and local in job["what"]:
            return job["job"]
    return None


def public_links(t, h):
    """A share's public link, fetched without any token."""
    g = Get(h, "share")
    os.makedirs(g.dir)
    share = h.info["shares"]["/" + P11 + "/p700123/r0034"]
    link = h.info["zone"]["url"] + "/share/" + share
    h.clear()
    r = h.run("get", "-r", link, g.dir, user=None)
    seen = h.requests()
    ok, why = g.identical(P11 + "/p700123/r0034", os.path.join(g.dir, "r0034"))
    t.ok(r.rc == 0 and ok, "get -r of a public link without a token: byte-identical (%s)" % why, repr(r))
    tokens = [q for q in seen if "x-auth-token" in q.get("headers", {}) or "authorization" in q.get("headers", {})]
    t.ok(seen and not tokens, "no request carried a token", repr(tokens[:2]))
    via_zone = [q for q in seen if q["service"] == "zone" and "/shares/data/" in q["path"]]
    t.ok(any(q["path"].endswith("/content") and q["status"] == 307 for q in via_zone),
         "content went through the zone's redirect", repr(via_zone[:3]))

    h.clear()
    r = h.run("get", "-r", link, g.dir, user=None)
    t.ok(r.rc == 0 and b"already there" in r.err, "run again: kept, nothing fetched", repr(r))

    h.fault(path=r"/content$", slow_body_bps=2 << 20)
    proc = subprocess.Popen([ONETUI, "--cacert", h.info["ca"], "get", "-r", link, os.path.join(g.dir, "again")],
                            env=h.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_request(h, lambda q: q.get("path", "").endswith("/content") and q["service"] != "zone")
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    h.clear()
    job, state = job_for(h, os.path.join(g.dir, "again", "r0034"))
    r = subprocess.run([ONETUI, "--cacert", h.info["ca"], "transfers", "resume", job or "none"], env=h.env(),
                       capture_output=True)
    ok, why = g.identical(P11 + "/p700123/r0034", os.path.join(g.dir, "again", "r0034"))
    t.ok(state == "stopped" and r.returncode == 0 and ok,
         "killed, then resumed without a token: byte-identical (%s)" % why, repr(r))

    r = h.run("get", h.info["zone"]["url"] + "/share/0000nosuchshare", g.dir, user=None)
    t.ok(r.rc == 1 and b"Cannot open the share" in r.err, "a link to no share: exit 1, said", repr(r))
    r = h.run("get", link, "https://elsewhere.example/share/abc", g.dir, user=None)
    t.ok(r.rc == 2 and b"one zone at a time" in r.err, "links of two zones: exit 2", repr(r))


def main():
    t = Tap()
    if not os.access(ONETUI, os.X_OK):
        t.skip_all("onetui is not built (%s)" % ONETUI)
        return
    h = Harness("--scheme", "https")
    try:
        basics(t, h)
        usage(t, h)
        hostile_names(t, h)
        streams(t, h)
        progress_and_manifest(t, h)
        faults(t, h)
        interrupt_and_cancel(t, h)
        control_elsewhere(t, h)
        public_links(t, h)
        uploads(t, h)
        corruption(t, h)
        crashes(t, h)
        stream_crashes(t, h)
        upload_crashes(t, h)
        disk_full(t, h)
        token_revoked(t, h)
    finally:
        h.close()
    t.done()


if __name__ == "__main__":
    main()
