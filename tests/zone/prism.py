#!/usr/bin/env python3
"""Put the Prism validating proxy in front of a running test zone.

  prism.py --zone-json DIR/zone.json --spec-dir SPEC_DIR --out DIR2
      Patches the official specs into DIR2 (specpatch.py), starts one
      `prism proxy --errors` per service (the Onezone and each Oneprovider),
      makes the zone advertise the proxies as its domains (so everything a
      client discovers goes through Prism), waits until every proxy listens
      and writes DIR2/prism.json:
        {"zone": {"url"}, "providers": {pid: {"url"}}, "logs": [...], "pids": [...]}
      The proxies keep running after this command exits. Exit 77 (with a
      one-line reason) when node or Prism is not installed.
  prism.py --scan DIR2/prism.json
      Lists every violation or Prism error in the proxies' logs (exit 1 if
      there is one); warnings (e.g. a status the spec does not list) are
      listed too but do not fail.
  prism.py --stop DIR2/prism.json
      Stops the proxies and gives the zone back its own domains.

The proxies speak plain HTTP on loopback; the upstream is the zone itself
(HTTPS is trusted through NODE_EXTRA_CA_CERTS=<zone CA>). Prism is found in
tests/zone/prism/node_modules/.bin/prism (run `npm ci` there) or $ONETUI_PRISM.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import specpatch

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77
START_TIMEOUT = 180
ERROR_MARKS = ("\u2716  error", "VIOLATIONS", "NO_PATH_MATCHED", "UNAUTHORIZED")
WARNING_MARK = "\u26a0  warning"


class Unavailable(Exception):
    """node or Prism is missing: the caller should skip, not fail."""


def find_prism():
    prism = os.environ.get("ONETUI_PRISM") or os.path.join(
        HERE, "prism", "node_modules", ".bin", "prism")
    if not shutil.which("node"):
        raise Unavailable("node is not installed")
    if not (os.path.isfile(prism) and os.access(prism, os.X_OK)):
        raise Unavailable("Prism not found at %s (run npm ci in tests/zone/prism "
                          "or set ONETUI_PRISM)" % prism)
    return prism


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _control(zone, path, body):
    request = urllib.request.Request(zone["control"] + path, method="POST",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        reply.read()


def start(zone_json, spec_dir, out_dir):
    """Start the proxies; returns (and writes) the prism.json contents."""
    prism = find_prism()
    with open(zone_json) as source:
        zone = json.load(source)
    out_dir = os.path.abspath(out_dir)
    specpatch.patch(spec_dir, out_dir)
    env = dict(os.environ)
    if zone.get("ca"):
        env["NODE_EXTRA_CA_CERTS"] = zone["ca"]
    upstreams = [("zone", specpatch.ONEZONE, zone["zone"]["url"])] + [
        (pid, specpatch.ONEPROVIDER, p["url"]) for pid, p in zone["providers"].items()]
    info = {"zone": None, "providers": {}, "logs": [], "pids": []}
    launched = []
    for service, spec, upstream in upstreams:
        port = _free_port()
        log = os.path.join(out_dir, "prism-%s.log" % service)
        with open(log, "w") as out:
            process = subprocess.Popen(
                [prism, "proxy", "--errors", "-h", "127.0.0.1", "-p", str(port),
                 os.path.join(out_dir, spec), upstream],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=env, start_new_session=True)
        url = {"url": "http://127.0.0.1:%d" % port}
        if service == "zone":
            info["zone"] = url
        else:
            info["providers"][service] = url
        info["logs"].append(log)
        info["pids"].append(process.pid)
        launched.append((process, log, port))

    deadline = time.monotonic() + START_TIMEOUT
    for process, log, port in launched:
        while True:
            with open(log, errors="replace") as source:
                if "Prism is listening" in source.read():
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                stop(info)
                with open(log, errors="replace") as source:
                    tail = source.read()[-2000:]
                raise RuntimeError("Prism on port %d did not start:\n%s" % (port, tail))
            time.sleep(0.2)

    _control(zone, "/zone/advertise", {"domain": info["zone"]["url"].split("://")[1]})
    for pid, url in info["providers"].items():
        _control(zone, "/providers/%s/advertise" % pid,
                 {"domain": url["url"].split("://")[1]})
    info["zone_json"] = os.path.abspath(zone_json)
    with open(os.path.join(out_dir, "prism.json"), "w") as out:
        json.dump(info, out, indent=2)
    return info


def _gone(pid):
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid     # our child: reap it
    except ChildProcessError:
        try:
            os.kill(pid, 0)                                # started elsewhere
            return False
        except ProcessLookupError:
            return True


def stop(info):
    """Stop the proxies (by pid), wait for them to exit and restore the
    zone's own domains."""
    pids = info.get("pids", [])
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(_gone(p) for p in pids):
        time.sleep(0.1)
    zone_json = info.get("zone_json")
    if zone_json and os.path.exists(zone_json):
        with open(zone_json) as source:
            zone = json.load(source)
        try:
            _control(zone, "/zone/advertise", {"domain": None})
            for pid in info.get("providers", {}):
                _control(zone, "/providers/%s/advertise" % pid, {"domain": None})
        except OSError:
            pass                      # the zone is already gone


def scan(logs):
    """(errors, warnings): log lines with violations or Prism errors.

    Validator lines do not name the request; the last request received
    before them is appended (exact unless requests overlapped)."""
    errors, warnings = [], []
    for log in logs:
        request = "?"
        with open(log, errors="replace") as source:
            for number, line in enumerate(source, 1):
                line = line.rstrip()
                if "[HTTP SERVER]" in line and "Request received" in line:
                    request = line.split("[HTTP SERVER]", 1)[1].split("\u2139")[0].strip()
                where = "%s:%d: %s" % (os.path.basename(log), number, line)
                if "[VALIDATOR]" in line:
                    where += "  [request: %s]" % request
                if any(mark in line for mark in ERROR_MARKS):
                    errors.append(where)
                elif WARNING_MARK in line:
                    warnings.append(where)
    return errors, warnings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zone-json")
    parser.add_argument("--spec-dir")
    parser.add_argument("--out")
    parser.add_argument("--scan", metavar="PRISM_JSON")
    parser.add_argument("--stop", metavar="PRISM_JSON")
    args = parser.parse_args()

    if args.scan or args.stop:
        with open(args.scan or args.stop) as source:
            info = json.load(source)
        if args.stop:
            stop(info)
            return 0
        errors, warnings = scan(info["logs"])
        for line in warnings:
            print("warning: " + line)
        for line in errors:
            print("error: " + line)
        print("%d errors, %d warnings" % (len(errors), len(warnings)))
        return 1 if errors else 0

    if not (args.zone_json and args.spec_dir and args.out):
        parser.error("--zone-json, --spec-dir and --out are required")
    try:
        start(args.zone_json, args.spec_dir, args.out)
    except Unavailable as exc:
        print("skip: %s" % exc)
        return SKIP
    print(os.path.join(os.path.abspath(args.out), "prism.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
