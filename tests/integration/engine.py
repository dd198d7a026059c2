#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs t-engine (the request engine, in C) against a fresh test zone."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import TOP_BUILDDIR, Zone  # noqa: E402


def main():
    program = os.path.join(TOP_BUILDDIR, "tests", "integration", "t-engine")
    if not os.access(program, os.X_OK):
        print("1..0 # SKIP t-engine is not built", flush=True)
        return
    zone = Zone("--scheme", "https")
    try:
        cmd = [program, os.path.join(zone.data_dir, "zone.json")]
        if os.environ.get("VALGRIND"):
            cmd = os.environ["VALGRIND"].split() + cmd
        sys.exit(subprocess.call(cmd))
    finally:
        zone.stop()


if __name__ == "__main__":
    main()
