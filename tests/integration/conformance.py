#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The onetui CLI through the Prism validating proxy: every request onetui
sends and every reply it gets is checked against the official Onedata
REST API specs (patched where the real servers differ, see
tests/zone/README). Runs the cases of cases.py, then fails on any
violation or Prism error in the proxies' logs. Skips without the specs
(ONEDATA_API_SPEC_DIR), node or Prism, and never passes in their place."""

import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from clitest import ONETUI, TOP_SRCDIR, Harness, Tap  # noqa: E402
import cases as C  # noqa: E402
from cli import check_case  # noqa: E402

sys.path.insert(0, os.path.join(TOP_SRCDIR, "tests", "zone"))
import prism  # noqa: E402


def share_changes(t, h):
    """A share made, renamed, described, given a handle and deleted: the
    calls that change shares and handles, through the proxies too."""
    r = h.run("share", "create", "--json", "--description", "# Run 35", C.P11 + "/p700123/r0035", user="carol")
    sid = (r.json() or {}).get("shareId")
    t.ok(r.rc == 0 and sid, "through Prism: share create", repr(r))
    for args in (("share", "rename", sid, "Run 35"), ("share", "describe", sid, "Run 35, final"),
                 ("share", "handle", sid, "--service", "Facility DOI (test)", "--creator", "Carol"),
                 ("share", "show", sid), ("share", "rm", "--yes", sid)):
        r = h.run(*args, user="carol")
        t.ok(r.rc == 0, "through Prism: share " + args[1], repr(r))


def main():
    t = Tap()
    spec_dir = os.environ.get("ONEDATA_API_SPEC_DIR")
    if not spec_dir or not os.path.isdir(spec_dir):
        t.skip_all("the official API specs are not available (set ONEDATA_API_SPEC_DIR)")
        return
    if not os.access(ONETUI, os.X_OK):
        t.skip_all("onetui is not built")
        return
    try:
        prism.find_prism()
    except prism.Unavailable as exc:
        t.skip_all(str(exc))
        return
    h = Harness("--scheme", "https")
    out = tempfile.mkdtemp(prefix="onetui-prism-")
    info = None
    try:
        started = time.monotonic()
        info = prism.start(os.path.join(h.zone.data_dir, "zone.json"), os.path.abspath(spec_dir), out)
        t.ok(True, "Prism proxies in front of the zone and both providers (%.1f s)"
             % (time.monotonic() - started))
        # onetui sees only the proxies: the zone through its proxy, and
        # the providers at the domains the zone now advertises.
        h.zone_url = info["zone"]["url"]
        for case in C.cases(h.info):
            case.name = "through Prism: " + case.name
            check_case(t, h, case)
        share_changes(t, h)
        time.sleep(1)   # let the proxies finish their logs
    finally:
        if info:
            prism.stop(info)
        h.close()
    errors, warnings = prism.scan(info["logs"]) if info else ([], [])
    for line in warnings:
        t.diag(line)
    t.ok(info and not errors, "no request or reply of onetui broke the official spec",
         "\n".join(errors))
    t.done()


if __name__ == "__main__":
    main()
