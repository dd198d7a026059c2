#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The onetui CLI against the test zone over HTTPS: the cases of cases.py,
then what needs the zone's fault injection, redirects, provider outages,
TLS trouble, configuration files and signals."""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import Harness, ONETUI, SLOW, Tap, expect, interrupt  # noqa: E402
import cases as C  # noqa: E402

KRIOS = C.KRIOS
P11 = C.P11


def check_case(t, h, case):
    r = h.run(*case.args, user=case.user, env=case.env, locale=case.locale)
    good = r.rc == case.rc
    if good and case.out:
        good = re.search(case.out, r.text) is not None
    if good and case.err:
        good = re.search(case.err, r.errtext) is not None
    if good and case.no_out:
        good = re.search(case.no_out, r.text) is None
    if good and case.check:
        try:
            good = bool(case.check(r, h))
        except (TypeError, KeyError, IndexError, ValueError) as exc:
            good = False
            r.err += ("\n(check raised %r)" % exc).encode()
    return t.ok(good, case.name, repr(r))


def usage(t, h):
    expect(t, h.run("frobnicate"), "an unknown command: exit 2", 2, err=r"unknown command 'frobnicate'")
    expect(t, h.run("ls", "--frob"), "an unknown option: exit 2", 2,
           err=r"unknown option '--frob'\nUsage: onetui ls")
    expect(t, h.run("ls", "-x"), "an unknown short option: exit 2", 2, err=r"unknown option '-x'")
    expect(t, h.run("stat"), "stat without a target: exit 2", 2, err=r"which file\?")
    expect(t, h.run("stat", "a", "b"), "stat with two targets: exit 2", 2, err=r"one SPACE/PATH")
    expect(t, h.run("whoami", "extra"), "whoami with an argument: exit 2", 2, err=r"unexpected argument")
    r = h.run("ls", "--zone", zone=False, cacert=False, user=None)
    expect(t, r, "an option without its value: exit 2", 2, err=r"option '--zone' needs a value")
    expect(t, h.run("--help", zone=False, cacert=False, user=None), "--help", 0,
           out=r"^Usage: onetui (.|\n)*ls \[-l\] \[-R\]")
    expect(t, h.run("ls", "--help"), "ls --help", 0, out=r"^Usage: onetui ls ")
    expect(t, h.run("--version", zone=False, cacert=False, user=None), "--version", 0,
           out=r"^onetui \d+\.\d+")
    expect(t, h.run(zone=False, cacert=False, user=None),
           "no command and no terminal: the full-screen interface refuses, exit 2", 2,
           err=r"^onetui: the full-screen interface needs a terminal; for scripts use a command")
    expect(t, h.run("-v", "ls", "-l", P11, "--json"), "options before and after the command", 0,
           out=r'^\[\{"name":"p700123"')


def setup_errors(t, h):
    loose = h.token_file("loose", h.info["tokens"]["alice"], 0o644)
    r = h.run("spaces", "--token-file", loose, user=None)
    expect(t, r, "a token file others can read is refused: exit 3", 3,
           err=r"accessible to other users \(mode 0644\).*chmod 600 ")
    group = h.token_file("group", h.info["tokens"]["alice"], 0o640)
    expect(t, h.run("spaces", "--token-file", group, user=None), "group-readable too", 3,
           err=r"mode 0640")
    r = h.run("spaces", "--token-file", "/nonexistent/token", user=None)
    expect(t, r, "a missing token file: exit 3", 3, err=r"cannot read the token file /nonexistent/token")
    empty = h.token_file("empty", "", 0o600)
    expect(t, h.run("spaces", "--token-file", empty, user=None), "an empty token file: exit 3", 3,
           err=r"is empty")
    expect(t, h.run("spaces", cacert="/nonexistent/ca.pem"), "an unreadable CA file: exit 3", 3,
           err=r"cannot read the CA certificate file")
    expect(t, h.run("spaces", zone="http://zone.example.org"), "plain http off loopback: exit 3", 3,
           err=r"plain http")
    expect(t, h.run("spaces", zone="https://zone.example.org/some/path"), "a zone URL with a path: exit 3",
           3, err=r"just a host name")
    r = h.run("spaces", "--json", zone=False, user=None)
    t.ok(r.rc == 3 and r.out == b"", "nothing on stdout when setup fails, even with --json", repr(r))


def configuration(t, h):
    ca = h.info["ca"]
    cfg = h.write_config("""# test profile
default-profile = "facility";
profiles = {
  facility = {
    zone = "%s";
    token-file = "%s";
    ca-file = "%s";
  };
  researcher = {
    zone = "%s";
    token-file = "%s";
    ca-file = "%s";
  };
};
network = { connect-timeout = 5; retries = 2; };
""" % (h.zone_url, h.tokens["alice"], ca, h.zone_url, h.tokens["bob"], ca))
    r = h.run("whoami", "--json", zone=False, cacert=False, user=None)
    t.ok(r.rc == 0 and r.json() and r.json()["username"] == "alice",
         "the default profile gives zone, token and CA", repr(r))
    r = h.run("whoami", "--json", "--profile", "researcher", zone=False, cacert=False, user=None)
    t.ok(r.rc == 0 and r.json() and r.json()["username"] == "bob", "--profile picks another", repr(r))
    r = h.run("whoami", "--json", zone=False, cacert=False, user=None,
              env={"ONETUI_PROFILE": "researcher"})
    t.ok(r.rc == 0 and r.json() and r.json()["username"] == "bob", "ONETUI_PROFILE picks another",
         repr(r))
    r = h.run("whoami", "--profile", "nope", zone=False, cacert=False, user=None)
    expect(t, r, "an unknown profile: exit 3", 3, err=r"defines no profile \"nope\"")
    h.write_config('profiles = {\n  facility = {\n    zone = "%s";\n    token-file = = "x";\n  };\n};\n'
                   % h.zone_url)
    r = h.run("spaces", zone=False, cacert=False, user=None)
    expect(t, r, "a syntax error names file and line: exit 3", 3,
           err=r"onetui: %s:4: syntax error" % re.escape(cfg))
    h.write_config('profiles = {\n  facility = {\n    zone = 42;\n  };\n};\n')
    expect(t, h.run("spaces", zone=False, cacert=False, user=None), "a wrong type names the line", 3,
           err=r"config:3: \"zone\" must be a string")
    h.write_config('profiles = {\n  facility = {\n    zone = "z.example.org";\n'
                   '    tokenfile = "t";\n  };\n};\n')
    expect(t, h.run("spaces", zone=False, cacert=False, user=None), "a misspelt setting names the line",
           3, err=r"config:4: unknown setting \"tokenfile\" in a profile")
    h.write_config('default-profile = "missing";\nprofiles = { a = { zone = "z.example.org"; }; };\n')
    expect(t, h.run("spaces", zone=False, cacert=False, user=None),
           "a default-profile that does not exist", 3, err=r"default-profile names \"missing\"")
    r = h.run("spaces", "--config", "/nonexistent/onetui.conf", zone=False, user=None)
    expect(t, r, "a missing --config file: exit 3", 3, err=r"cannot read the configuration file")
    os.unlink(cfg)


def tls(t, h):
    r = h.run("spaces", cacert=False, env={"SSL_CERT_FILE": "/nonexistent", "CURL_CA_BUNDLE": ""})
    expect(t, r, "an unknown certificate authority: exit 5 with a hint", 5,
           err=r"not trusted: .*--cacert")
    r = h.run("spaces", zone=h.info["mismatch"])
    expect(t, r, "a certificate for another name: exit 5", 5, err=r"not trusted")
    h.write_config("network = { retries = 1; connect-timeout = 2; };\n")
    started = time.monotonic()
    r = h.run("spaces", zone="https://127.0.0.1:1")
    expect(t, r, "nothing listening: exit 5", 5, err=r"cannot connect to 127\.0\.0\.1:1")
    t.ok(time.monotonic() - started < 10 * SLOW, "and it gives up after the configured retries", repr(r))


def server_errors(t, h):
    h.write_config("network = { retries = 2; };\n")
    children = r"/children$"
    h.clear()
    h.fault(path=children, status=503, body="error", times=1)
    r = h.run("ls", KRIOS)
    got = [q for q in h.requests() if q["path"].endswith("/children")]
    t.ok(r.rc == 0 and len(got) == 2 and got[0]["status"] == 503,
         "a 503 is retried and the listing completes", repr(r) + "\n%r" % [q["status"] for q in got])
    h.clear()
    h.fault(path=children, status=503, body="error", retry_after="1", times=1)
    started = time.monotonic()
    r = h.run("ls", KRIOS)
    t.ok(r.rc == 0 and time.monotonic() - started >= 0.9, "Retry-After is honoured", repr(r))
    h.clear()
    h.fault(path=children, status=429, body="none", times=1)
    expect(t, h.run("ls", KRIOS), "a 429 without a body is retried", 0, out=r"Atlas")
    h.clear()
    h.fault(path=children, status=500, body="error")
    expect(t, h.run("ls", KRIOS), "a lasting 500: exit 1, with the reference", 1,
           err=r"Cannot list %s: .*\(reference [0-9a-f]+\)\n$" % re.escape(KRIOS))
    # Each status with a Onedata error body and without any body: the exit
    # code and a message that says what happened, never a crash.
    statuses = [
        (401, 4, r"credentials|token", r"requires a valid access token \(HTTP 401\)"),
        (403, 4, r"privilege|permission", r"permission denied \(HTTP 403\)"),
        (404, 1, r"[Nn]ot found|exist", r"not found \(HTTP 404\)"),
        (409, 1, r"already|conflict", r"conflict .* \(HTTP 409\)"),
    ]
    for status, rc, with_body, without_body in statuses:
        for body, want in (("error", with_body), ("none", without_body)):
            h.clear()
            h.fault(path=r"/lookup-file-id/", status=status, body=body)
            expect(t, h.run("ls", KRIOS + "/Atlas"),
                   "a %d %s: exit %d" % (status, "with a Onedata body" if body == "error"
                                         else "without a body", rc),
                   rc, err=r"^onetui: Cannot access %s/Atlas: .*(%s)" % (re.escape(KRIOS), want))
    h.clear()
    h.fault(path=r"/lookup-file-id/", status=500, body="none")
    expect(t, h.run("ls", KRIOS + "/Atlas"), "a lasting 500 without a body: exit 1", 1,
           err=r"internal server error \(HTTP 500\)")
    h.clear()
    h.fault(path=children, status=502, body="html")
    expect(t, h.run("ls", KRIOS), "a proxy's HTML 502: exit 1", 1, err=r"bad gateway.*\(HTTP 502\)")
    h.clear()
    h.fault(path=children, truncate_json=True)
    expect(t, h.run("ls", KRIOS), "a truncated listing: exit 1", 1,
           err=r"directory listing is not valid JSON")
    h.clear()
    h.fault(path=children, wrong_types=True)
    expect(t, h.run("ls", KRIOS), "a listing with wrong types: exit 1, naming the field", 1,
           err=r"listing has \"\w+\" of type \w+ where type \w+ was expected")
    h.clear()
    h.fault(path=r"/tokens/infer_access_token_scope", status=200, body="garbage")
    expect(t, h.run("spaces"), "garbage from the zone: exit 1", 1, err=r"not valid JSON")
    h.clear()
    h.fault(path=children, reset_after_bytes=100, times=1)
    expect(t, h.run("ls", KRIOS), "a connection reset mid-listing is retried", 0, out=r"Images-Disc1")
    h.clear()
    h.fault(path=children, reset_after_bytes=100)
    expect(t, h.run("ls", KRIOS), "a lasting reset: exit 5", 5, err=r"connection to .* broke")
    h.clear()
    h.fault(path=children, latency_ms=300)
    expect(t, h.run("ls", KRIOS), "a slow provider is waited for", 0, out=r"Images-Disc1")
    h.write_config("network = { retries = 0; stall-timeout = 1; };\n")
    h.clear()
    h.fault(path=children, slow_body_bps=2)
    started = time.monotonic()
    r = h.run("ls", KRIOS)
    expect(t, r, "a stalled transfer is given up: exit 5", 5, err=r"did not answer in time")
    t.ok(time.monotonic() - started < 8 * SLOW, "after the stall timeout", repr(r))
    h.clear()


def providers(t, h):
    fs_id, fs = h.provider("Facility Storage")
    hpc_id, hpc = h.provider("HPC Centre")
    h.write_config("network = { retries = 1; connect-timeout = 2; };\n")
    h.clear()
    h.set_provider("Facility Storage", down=True)
    r = h.run("stat", KRIOS + "/Images-Disc1")
    expect(t, r, "a provider that is down: the other one serves the space", 0,
           out=r"Served by: +HPC Centre", err=r"Facility Storage failed .*trying HPC Centre")
    expect(t, h.run("ls", P11), "a space only it supports: exit 5", 5, err=r"cannot connect")
    h.set_provider("Facility Storage", down=False)
    h.set_provider("Facility Storage", online=False)
    r = h.run("stat", KRIOS)
    t.ok(r.rc == 0 and "Served by:  HPC Centre" in r.text.replace("   ", "  ") or
         re.search(r"Served by: +HPC Centre", r.text) and r.err == b"",
         "an offline provider comes after an online one, quietly", repr(r))
    h.set_provider("Facility Storage", online=True)
    r = h.run("stat", KRIOS, "--provider", hpc["domain"])
    expect(t, r, "--provider picks the host", 0, out=r"Served by: +HPC Centre")
    h.write_config('default-profile = "p";\nprofiles = { p = { zone = "%s"; ca-file = "%s"; '
                   'token-file = "%s"; preferred-providers = [ "%s" ]; }; };\n'
                   % (h.zone_url, h.info["ca"], h.tokens["alice"], hpc["domain"]))
    r = h.run("stat", KRIOS, zone=False, cacert=False, user=None)
    expect(t, r, "preferred-providers is followed", 0, out=r"Served by: +HPC Centre")
    h.write_config("network = { retries = 0; connect-timeout = 2; };\n")
    h.set_provider("HPC Centre", down=True)
    r = h.run("ls", KRIOS, "--provider", hpc["domain"])
    expect(t, r, "a fixed provider that is down: exit 5, no other tried", 5, err=r"cannot connect")
    h.set_provider("HPC Centre", down=False)
    h.clear()


def token_safety(t, h):
    h.clear()
    h.redirect(service="any", path=r"/children$", to="trap", status=307)
    r = h.run("ls", KRIOS)
    trap = h.requests("trap")
    t.ok(r.rc != 0 and trap and all("x-auth-token" not in q["headers"] and "authorization" not in
                                   q["headers"] for q in trap),
         "a redirect to a host the zone did not name gets no token", repr(r) + "\n%r" % trap)
    h.clear()
    h.redirect(service="zone", path=r"^/api/v3/onezone/user$", to="trap", status=302)
    r = h.run("whoami")
    trap = h.requests("trap")
    t.ok(trap and all("x-auth-token" not in q["headers"] for q in trap),
         "not from the zone either", repr(r) + "\n%r" % trap)
    h.clear()
    fs_id, _ = h.provider("Facility Storage")
    hpc_id, _ = h.provider("HPC Centre")
    h.redirect(service=fs_id, path=r"/children$", to=hpc_id, status=307)
    r = h.run("ls", KRIOS, "--provider", h.provider("Facility Storage")[1]["domain"])
    moved = [q for q in h.requests(hpc_id) if q["path"].endswith("/children")]
    t.ok(r.rc == 0 and moved and all("x-auth-token" in q["headers"] for q in moved),
         "a redirect to another provider of the zone keeps the token", repr(r))
    h.clear()


def signals(t, h):
    h.clear()
    h.fault(path=r"/children$", slow_body_bps=50)
    proc = h.start("ls", KRIOS)
    seen, r = interrupt(proc, h, lambda q: q["path"].endswith("/children"))
    t.ok(seen and r.rc == 130 and r.seconds < 3 * SLOW, "Ctrl-C stops a listing at once: exit 130", repr(r))
    h.clear()


def info_parts(t, h):
    """info of directories (directory statistics are a GET with a body,
    which Prism cannot validate, so they are tested here only) and parts
    that fail."""
    hpc_id, hpc = h.provider("HPC Centre")
    h.clear()
    r = h.run("info", KRIOS + "/Images-Disc1")
    expect(t, r, "info of a directory: its size from the statistics", 0,
           out=r"Size: +214 MiB \(224371274 bytes\) in 264 files and 12 directories\n")
    expect(t, r, "... and the dataset established on it", 0,
           out=r"Datasets: +this directory: attached, data and metadata protected\n")
    r = h.run("info", "--json", KRIOS)
    t.ok(r.rc == 0 and r.json()["dirStats"] == {"totalSize": 264149605, "fileCount": 299, "dirCount": 21,
                                                "accurate": True} and r.json()["size"] is None,
         "info --json of a space root: its statistics", repr(r))
    r = h.run("info", "TEM Materials/2025-04-02 Al-Cu precipitates")
    expect(t, r, "statistics still being collected: said, and not a failure", 0,
           out=r"Size: +directory statistics are still being computed; try again later\n")
    r = h.run("info", "--json", KRIOS, "--provider", hpc["domain"])
    t.ok(r.rc == 0 and r.json()["dirStats"]["error"]["id"] == "dirStatsDisabledForSpace"
         and r.json()["dirStats"]["error"]["unavailable"], "a provider with statistics turned off", repr(r))
    h.fault(path=r"/distribution$", status=500, body="error")
    r = h.run("info", C.RUN34 + "/p700123_r0034_master.nxs")
    expect(t, r, "a part that fails: exit 1, the rest still shown", 1,
           out=r"Replicas: +.*\n(.|\n)*QoS: +impossible", err=r"Part of what is known about .* could not be read")
    h.clear()
    h.fault(path=r"/shares/", status=404, body="error")
    r = h.run("info", C.RUN34)
    expect(t, r, "a share that cannot be read is named by its id", 0, out=r"Shares: +[0-9a-f]+ch\d+: ")
    h.clear()
    h.fault(path=r"/dataset/summary$", status=200, body="garbage")
    r = h.run("info", C.RUN34)
    expect(t, r, "a malformed dataset summary: exit 1, said on its line", 1, out=r"Datasets: +the provider's dataset summary is not valid JSON",
           err=r"could not be read")
    h.clear()


def main():
    t = Tap()
    if not os.access(ONETUI, os.X_OK):
        t.skip_all("onetui is not built (%s)" % ONETUI)
        return
    h = Harness("--scheme", "https")
    try:
        for case in C.cases(h.info):
            check_case(t, h, case)
        usage(t, h)
        setup_errors(t, h)
        configuration(t, h)
        tls(t, h)
        server_errors(t, h)
        providers(t, h)
        token_safety(t, h)
        signals(t, h)
        info_parts(t, h)
    finally:
        h.close()
    t.done()


if __name__ == "__main__":
    main()
