# SPDX-License-Identifier: GPL-3.0-or-later
"""Running the onetui CLI against the test zone, for the integration tests.

Builds on tests/zone/zonetest.py (TAP output, the zone process). Each
test gets a private HOME and configuration directory, so nothing from the
machine it runs on (tokens, profiles) leaks in."""

import hashlib
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

TOP_SRCDIR = os.environ.get("top_srcdir") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP_SRCDIR, "tests", "zone"))

from zonetest import Tap, Zone  # noqa: E402  (path set just above)

ONETUI = os.environ.get("ONETUI") or os.path.join(
    os.environ.get("top_builddir", os.path.join(TOP_SRCDIR, "build")), "onetui")
TOP_BUILDDIR = os.environ.get("top_builddir") or os.path.dirname(ONETUI)
# `make check-valgrind` runs the programs under valgrind: everything is
# slower, so upper bounds on time stretch by this factor.
WRAPPER = os.environ.get("VALGRIND", "").split()
SLOW = 10 if WRAPPER else 1

__all__ = ["Tap", "Zone", "Result", "Harness", "Api", "ONETUI", "TOP_SRCDIR", "TOP_BUILDDIR", "SLOW",
           "WRAPPER", "expect", "raw_safe", "file_sha256", "TOKEN_RE", "run_core_test"]

# A token of the test zone as it would be printed.
TOKEN_RE = re.compile(r"MDAx[A-Za-z0-9_-]{20,}\.[0-9a-f]{16,}")


def file_sha256(path):
    """The SHA-256 of a local file, in hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Result:
    def __init__(self, rc, out, err, seconds):
        self.rc = rc
        self.out = out          # bytes
        self.err = err          # bytes
        self.seconds = seconds

    @property
    def text(self):
        return self.out.decode("utf-8", "replace")

    @property
    def errtext(self):
        return self.err.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError:
            return None

    def __repr__(self):
        return "rc=%d\nstdout: %r\nstderr: %r" % (self.rc, self.out[:600], self.err[:600])


class Harness:
    """A zone plus what is needed to run onetui against it."""

    def __init__(self, *zone_args, zone=None):
        self.tmp = tempfile.mkdtemp(prefix="onetui-it-")
        self.zone = zone or Zone(*zone_args)
        self.info = self.zone.info
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(os.path.join(self.home, ".config"))
        self.tokens = {}
        for user, token in self.info["tokens"].items():
            self.tokens[user] = self.token_file(user, token)
        # Where onetui is pointed; the conformance test swaps in proxies.
        self.zone_url = self.info["zone"]["url"]

    def token_file(self, name, token, mode=0o600):
        path = os.path.join(self.tmp, "%s.token" % name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        os.write(fd, token.encode() + b"\n")
        os.close(fd)
        os.chmod(path, mode)
        return path

    def env(self, extra=None, locale="C.UTF-8"):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
            "LANG": locale,
            "LC_ALL": locale,
            "TZ": "UTC",
        }
        for keep in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "VALGRIND"):
            if keep in os.environ:
                env[keep] = os.environ[keep]
        env.update(extra or {})
        return env

    def run(self, *args, user="alice", zone=True, cacert=True, env=None, locale="C.UTF-8",
            timeout=60, stdin=subprocess.DEVNULL):
        """onetui ARGS as user (None: no token option), against the zone."""
        cmd = WRAPPER + [ONETUI]
        if zone:
            cmd += ["--zone", self.zone_url if zone is True else zone]
        if cacert and self.info.get("ca"):
            cmd += ["--cacert", self.info["ca"] if cacert is True else cacert]
        if user:
            cmd += ["--token-file", self.tokens[user]]
        cmd += list(args)
        started = time.monotonic()
        proc = subprocess.run(cmd, env=self.env(env, locale), stdin=stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout * SLOW)
        return Result(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)

    def start(self, *args, user="alice", env=None):
        """onetui ARGS in the background (for signals)."""
        cmd = WRAPPER + [ONETUI, "--zone", self.zone_url, "--token-file", self.tokens[user]]
        if self.info.get("ca"):
            cmd += ["--cacert", self.info["ca"]]
        return subprocess.Popen(cmd + list(args), env=self.env(env), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    # --- the control API ------------------------------------------------------

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.info["control"] + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as reply:
            raw = reply.read()
        return json.loads(raw) if raw else None

    def fault(self, **spec):
        return self.control("POST", "/faults", spec)["id"]

    def clear(self):
        self.control("DELETE", "/faults")
        self.control("DELETE", "/redirect")
        self.control("DELETE", "/requests")

    def requests(self, service=None):
        log = self.control("GET", "/requests") or []
        return [r for r in log if service is None or r.get("service") == service]

    def redirect(self, **spec):
        return self.control("POST", "/redirect", spec)

    def provider(self, name):
        """(id, info) of the provider called name."""
        for pid, info in self.info["providers"].items():
            if info["name"] == name:
                return pid, info
        raise KeyError(name)

    def set_provider(self, name, **state):
        pid, _ = self.provider(name)
        self.control("POST", "/providers/%s" % pid, state)

    def write_config(self, text):
        path = os.path.join(self.home, ".config", "onetui", "config")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def close(self):
        self.zone.stop()
        subprocess.run(["rm", "-rf", self.tmp])


def run_core_test(name):
    """Exit with the status of tests/integration/NAME, a TAP program of the
    core in C, run (under $VALGRIND when set) against a fresh test zone
    over HTTPS with the path of its zone.json."""
    program = os.path.join(TOP_BUILDDIR, "tests", "integration", name)
    if not os.access(program, os.X_OK):
        print("1..0 # SKIP %s is not built" % name, flush=True)
        return
    zone = Zone("--scheme", "https")
    try:
        sys.exit(subprocess.call(WRAPPER + [program, os.path.join(zone.data_dir, "zone.json")]))
    finally:
        zone.stop()


def raw_safe(data):
    """No byte sequence that drives a terminal: ESC, BEL, C1 controls
    (U+0080..U+009F in UTF-8) or text reordering (U+202A..U+202E)."""
    text = data.decode("utf-8", "replace")
    return not re.search("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]", text)


class Api:
    """Direct HTTPS calls to the zone (what the CLI is compared with)."""

    def __init__(self, h):
        self.info = h.info
        self.context = ssl.create_default_context(cafile=h.info["ca"])
        self.zone = h.info["zone"]["url"] + "/api/v3/onezone"

    def call(self, method, url, user=None, body=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if user:
            headers["X-Auth-Token"] = self.info["tokens"][user]
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, context=self.context, timeout=30) as reply:
                raw = reply.read()
                return reply.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            raw = err.read()
            return err.code, json.loads(raw) if raw else None

    def share(self, sid, user="alice"):
        return self.call("GET", "%s/shares/%s" % (self.zone, sid), user)

    def public(self, url):
        return self.call("GET", url)

    def provider(self, name):
        return next(p["url"] for p in self.info["providers"].values() if p["name"] == name) + \
            "/api/v3/oneprovider"


def expect(t, r, name, rc, out=None, err=None):
    """One check of a run: its exit status and, if given, regular
    expressions its stdout and stderr must match."""
    good = r.rc == rc and (out is None or re.search(out, r.text)) and (
        err is None or re.search(err, r.errtext))
    return t.ok(good, name, repr(r))


def wait_for_request(h, pred, timeout=10):
    """Wait until the zone has logged a request matching pred."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(pred(r) for r in h.requests()):
            return True
        time.sleep(0.05)
    return False


def interrupt(proc, h, pred, timeout=10):
    """SIGINT proc once the zone saw a request matching pred; its Result."""
    seen = wait_for_request(h, pred, timeout * SLOW)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=timeout * SLOW)
    return seen, Result(proc.returncode, out, err, time.monotonic() - started)
