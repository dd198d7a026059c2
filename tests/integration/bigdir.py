#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A directory of 100,000 entries: the CLI lists it completely, in order,
page after page; the tree cache loads it the same way."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import ONETUI, SLOW, TOP_BUILDDIR, WRAPPER, Harness, Tap  # noqa: E402


def failover(t, h, big, target):
    """Facility Storage fails on the second page; HPC Centre, which supports
    the same space, carries on from the last name listed."""
    fs_id, _ = h.provider("Facility Storage")
    hpc_id, _ = h.provider("HPC Centre")
    h.write_config("network = { retries = 0; };\n")
    h.clear()
    h.fault(service=fs_id, path=r"/children$", query=r"token=", status=503, body="error", times=1)
    r = h.run("ls", "--json", target, timeout=300)
    entries = r.json() or []
    names = [e["name"] for e in entries]
    t.ok(r.rc == 0 and len(entries) == big["count"] and len(set(names)) == len(names)
         and names == sorted(names, key=lambda n: n.encode()),
         "a provider failing mid-listing: the other one finishes it, nothing lost or repeated",
         "rc=%d entries=%d unique=%d stderr=%r" % (r.rc, len(entries), len(set(names)), r.err[:400]))
    resumed = [q for q in h.requests(hpc_id) if q["path"].endswith("/children")]
    t.ok(resumed and "index=" in resumed[0]["query"] and "token=" not in resumed[0]["query"],
         "resuming after the last name, since page tokens do not travel",
         repr([q["query"][-80:] for q in resumed[:2]]))
    t.ok(b"trying HPC Centre" in r.err, "and says so on stderr", r.errtext)
    h.clear()
    os.unlink(os.path.join(h.home, ".config", "onetui", "config"))


def main():
    t = Tap()
    if not os.access(ONETUI, os.X_OK):
        t.skip_all("onetui is not built")
        return
    h = Harness("--scheme", "https", "--bigdir")
    try:
        big = h.info["bigdir"]
        target = "%s/%s" % (big["space"], big["path"])
        r = h.run("ls", "--json", target, timeout=300)
        entries = r.json() or []
        names = [e["name"] for e in entries]
        t.ok(r.rc == 0 and len(entries) == big["count"], "ls --json lists all %d entries" % big["count"],
             "rc=%d, %d entries, stderr %r" % (r.rc, len(entries), r.err[:300]))
        t.ok(names == sorted(names, key=lambda n: n.encode()), "in name order")
        t.ok(len({e["fileId"] for e in entries}) == len(entries), "each file once")
        pages = [q for q in h.requests() if q["path"].endswith("/children")]
        t.ok(len(pages) == big["count"] // 1000, "in %d pages of 1000" % (big["count"] // 1000),
             "%d listing requests" % len(pages))
        t.ok(all("token=" in q["query"] for q in pages[1:]) and "token=" not in pages[0]["query"],
             "each page after the first continues from the previous page's token")
        h.clear()
        r = h.run("ls", "-l", target, timeout=300)
        lines = r.text.splitlines()
        t.ok(r.rc == 0 and len(lines) == big["count"], "ls -l prints one line per entry",
             "rc=%d lines=%d" % (r.rc, len(lines)))
        t.ok(lines and lines[0].startswith("-rw-rw-r--") and lines[-1].endswith(names[-1]),
             "from the first to the last")
        loader = os.path.join(TOP_BUILDDIR, "tests", "integration", "tree-load")
        proc = subprocess.run(WRAPPER + [loader, h.zone_url, h.info["ca"], h.info["tokens"]["alice"],
                                         big["space"], big["path"]],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300 * SLOW)
        try:
            report = json.loads(proc.stdout)
        except ValueError:
            report = {}
        t.ok(proc.returncode == 0 and report.get("entries") == big["count"],
             "the tree cache holds all %d entries" % big["count"], repr(proc))
        t.ok(report.get("out_of_order") == 0, "in name order")
        t.ok(report.get("pages") == big["count"] // 1000, "shown page by page (%s pages)"
             % report.get("pages"))
        proc = subprocess.run(WRAPPER + [loader, h.zone_url, h.info["ca"], h.info["tokens"]["alice"],
                                         big["space"], big["path"], "20000"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300 * SLOW)
        try:
            small = json.loads(proc.stdout)
        except ValueError:
            small = {}
        t.ok(proc.returncode == 0 and small.get("partial") is True
             and 0 < small.get("nodes", 0) <= 20000 and small.get("pending") == 0,
             "with a node limit the tree stops loading, cancels the page it asked for, and holds "
             "what fits", repr(proc))
        failover(t, h, big, target)
        t.diag("tree cache: %.0f bytes per entry beyond the name, %.2f s"
               % ((report.get("rss_kb_after", 0) - report.get("rss_kb_before", 0)) * 1024.0
                  / max(1, report.get("entries", 1))
                  - report.get("name_bytes", 0) / max(1, report.get("entries", 1)),
                  report.get("seconds", 0)))
    finally:
        h.close()
    t.done()


if __name__ == "__main__":
    main()
