#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The systemd user unit that runs onetui watch: systemd itself checks it
(when systemd-analyze is there), and the command line it runs is one
onetui accepts."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import ONETUI, TOP_BUILDDIR, Tap  # noqa: E402


def main():
    t = Tap()
    unit = os.path.join(TOP_BUILDDIR, "data", "onetui-watch@.service")
    if not os.path.exists(unit):
        t.skip_all("the unit is not built (make data/onetui-watch@.service)")
        return
    text = open(unit).read()
    m = re.search(r"^ExecStart=(\S+) (.*)$", text, re.M)
    t.ok(m and m.group(1).endswith("/onetui") and m.group(2).startswith("watch --log "),
         "the unit runs onetui watch with a log file", m.group(0) if m else text)
    t.ok(re.search(r"^EnvironmentFile=%E/onetui/watch/%i\.conf$", text, re.M)
         and "SuccessExitStatus=130" in text and "Restart=on-failure" in text,
         "what goes where comes from the instance's file; a stop is no failure", text)
    if not shutil.which("systemd-analyze"):
        t.skip("systemd checks the unit", "systemd-analyze is not installed")
        t.done()
        return
    with tempfile.TemporaryDirectory() as d:
        runtime = os.path.join(d, "run")
        os.mkdir(runtime, 0o700)
        path = os.path.join(d, "onetui-watch@krios.service")
        with open(path, "w") as f:
            f.write(text.replace(m.group(1), os.path.abspath(ONETUI)))
        r = subprocess.run(["systemd-analyze", "--user", "--man=no", "verify", path],
                           env=dict(os.environ, XDG_RUNTIME_DIR=runtime), capture_output=True, text=True,
                           timeout=60)
        t.ok(r.returncode == 0 and not r.stderr.strip(), "systemd finds nothing wrong with it",
             r.stdout + r.stderr)
    t.done()


if __name__ == "__main__":
    main()
