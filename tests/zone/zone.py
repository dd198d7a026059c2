#!/usr/bin/env python3
"""onetui test zone: a stand-in for a Onedata deployment (a test double).

Usage: zone.py --data DIR [--scheme https|http] [--fixture facility] [--bigdir]

Serves one Onezone and its Oneproviders on loopback ports, writes
DIR/zone.json when every listener is up, prints "ready DIR/zone.json" and
runs until SIGTERM or SIGINT. See README for everything else.
"""

import argparse
import gc
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from odzone.deployment import Deployment  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description="onetui test zone (a test double)")
    parser.add_argument("--data", required=True, help="state directory")
    parser.add_argument("--scheme", choices=("https", "http"), default="https")
    parser.add_argument("--fixture", choices=("facility",), default="facility")
    parser.add_argument("--bigdir", action="store_true",
                        help="add a 100,000-entry directory to the cryo-EM space")
    parser.add_argument("--verbose", action="store_true",
                        help="log every request on stderr")
    args = parser.parse_args()

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    os.makedirs(args.data, exist_ok=True)
    deployment = Deployment(args.data, args.scheme, args.verbose)
    deployment.load_fixture(args.fixture, bigdir=args.bigdir)
    # The fixture lives as long as the process: keep the garbage collector
    # from walking it again and again (100,000 entries with --bigdir),
    # which made reply times jump under load.
    gc.collect()
    gc.freeze()
    deployment.start()
    print("ready %s" % deployment.write_zone_json(), flush=True)
    try:
        while not stop.wait(3600):
            pass
    finally:
        deployment.stop()


if __name__ == "__main__":
    main()
