"""Helpers for tests that drive the test zone from Python: a TAP producer,
a zone process runner and a small HTTP(S) client (standard library only)."""

import http.client
import json
import os
import select
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
OZ = "/api/v3/onezone"
OP = "/api/v3/oneprovider"


class Tap:
    """TAP output; the plan comes last, so checks can be added freely."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, condition, name, diagnostic=None):
        self.count += 1
        if not condition:
            self.failed += 1
        print("%s %d - %s" % ("ok" if condition else "not ok", self.count, name),
              flush=True)
        if not condition and diagnostic is not None:
            for line in str(diagnostic).splitlines()[:20]:
                print("#   " + line, flush=True)
        return bool(condition)

    def eq(self, got, want, name):
        return self.ok(got == want, name, "got:  %r\nwant: %r" % (got, want))

    def skip(self, name, reason):
        self.count += 1
        print("ok %d - %s # SKIP %s" % (self.count, name, reason), flush=True)

    def diag(self, text):
        print("# " + text, flush=True)

    def skip_all(self, reason):
        print("1..0 # SKIP %s" % reason, flush=True)

    def done(self):
        print("1..%d" % self.count, flush=True)


class Zone:
    """A zone.py process in a temporary data directory."""

    def __init__(self, *args, data_dir=None):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="onetui-zone-")
        self._own_dir = data_dir is None
        started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "zone.py"), "--data",
             self.data_dir] + list(args),
            stdout=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("ready "):
            self.stop()
            raise RuntimeError("the zone did not start (%r)" % line)
        self.startup_seconds = time.monotonic() - started
        with open(line.split(" ", 1)[1].strip()) as source:
            self.info = json.load(source)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


class Reply:
    def __init__(self, status, headers, body, seconds):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def error_id(self):
        value = self.json()
        try:
            return value["error"]["id"]
        except (TypeError, KeyError):
            return None

    def auth_error_id(self):
        try:
            return self.json()["error"]["details"]["authError"]["id"]
        except (TypeError, KeyError):
            return None


class Client:
    """One request per connection unless a `Session` is used."""

    def __init__(self, ca=None):
        self.context = ssl.create_default_context(cafile=ca) if ca else None

    def connect(self, url, timeout=30):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme == "https":
            return http.client.HTTPSConnection(parts.hostname, parts.port,
                                               timeout=timeout, context=self.context)
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)

    def request(self, method, url, token=None, bearer=False, headers=None,
                body=None, json_body=None, conn=None, timeout=30):
        headers = dict(headers or {})
        if token is not None:
            if bearer:
                headers["Authorization"] = "Bearer " + token
            else:
                headers["X-Auth-Token"] = token
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers.setdefault("Content-Type", "application/json")
        own = conn is None
        conn = conn or self.connect(url, timeout)
        parts = urllib.parse.urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        started = time.monotonic()
        try:
            conn.request(method, target, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return Reply(response.status, response.headers, data,
                         time.monotonic() - started)
        finally:
            if own:
                conn.close()

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.request("POST", url, **kwargs)


def quote_path(*segments):
    """Percent-encode path segments one by one, as clients must."""
    return "/".join(urllib.parse.quote(s, safe="") for s in segments)
