#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs t-ingest-prep (an ingest session's destination made ready, in C)
against a fresh test zone."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import run_core_test  # noqa: E402

if __name__ == "__main__":
    run_core_test("t-ingest-prep")
