#!/usr/bin/env python3
"""Conformance of the test zone with the official API specs (TAP).

Run: ONEDATA_API_SPEC_DIR=../shared/onedata-api python3 tests/zone/conformance.py

Starts a zone over HTTPS, puts Prism validating proxies in front of it
(prism.py), drives every implemented endpoint through them (good paths and
error paths, following the domains the zone advertises, as a client would),
then fails on every violation or Prism error in the proxies' logs. Skips
(TAP "1..0 # SKIP") without the specs, node or Prism.

Prism answers a request without a token to a token-protected operation
itself (its own 401), so token-less calls are made only to public ones.
"""

import os
import tempfile
import time
import urllib.parse

import prism
from zonetest import OP, OZ, Client, Tap, Zone, quote_path

KRIOS = "Krios-2025-11 Session Data"
BEAMLINE = "P11 Beamline p700123"
TEM = "TEM Materials"


class Drive:
    def __init__(self, tap, zone_info, proxies):
        self.t = tap
        self.http = Client()
        self.tokens = zone_info["tokens"]
        self.users = zone_info["users"]
        self.space = zone_info["spaces"]
        self.zone = proxies["zone"]["url"] + OZ
        self.names = {pid: p["name"] for pid, p in zone_info["providers"].items()}

    def expect(self, status, method, url, name, user="alice", **kw):
        token = self.tokens[user] if user else None
        reply = self.http.request(method, url, token=token, **kw)
        self.t.ok(reply.status == status, "%s: %d" % (name, status),
                  "%d %s" % (reply.status, reply.body[:400]))
        return reply

    def onezone(self):
        z, sid = self.zone, self.space
        self.expect(200, "GET", z + "/configuration", "OZ configuration", user=None)
        self.expect(200, "GET", z + "/health", "OZ health", user=None)
        infer = z + "/tokens/infer_access_token_scope"
        for user, status in (("alice", 200), ("alice-readonly", 200),
                             ("alice-oneclient", 200), ("alice-expired", 400),
                             ("alice-revoked", 400), ("malformed", 400)):
            self.expect(status, "POST", infer, "infer scope (%s)" % user, user=None,
                        json_body={"token": self.tokens[user]})
        self.expect(200, "POST", z + "/tokens/examine", "examine", user=None,
                    json_body={"token": self.tokens["alice-expired"]})
        self.expect(400, "POST", z + "/tokens/examine", "examine malformed", user=None,
                    json_body={"token": self.tokens["malformed"]})
        self.expect(200, "GET", z + "/user", "GET /user")
        self.expect(200, "GET", z + "/user", "GET /user (bearer)", bearer=True)
        for user in ("alice-revoked", "alice-expired", "alice-readonly",
                     "alice-oneclient", "malformed"):
            self.expect(401, "GET", z + "/user", "GET /user (%s)" % user, user=user)
        self.expect(200, "GET", z + "/user/spaces", "user spaces")
        self.expect(200, "GET", z + "/user/effective_spaces", "user effective spaces")
        self.expect(200, "GET", z + "/user/effective_spaces", "dave's spaces", user="dave")
        self.expect(200, "GET", z + "/user/effective_spaces/" + sid[KRIOS],
                    "effective space")
        self.expect(404, "GET", z + "/user/effective_spaces/" + sid[BEAMLINE],
                    "effective space of others", user="bob")
        self.expect(200, "GET", z + "/spaces/" + sid[KRIOS], "space")
        self.expect(403, "GET", z + "/spaces/" + sid[BEAMLINE], "space of others",
                    user="bob")
        self.expect(404, "GET", z + "/spaces/" + "0" * 32, "unknown space")
        self.expect(200, "GET", z + "/spaces/%s/providers" % sid[KRIOS], "space providers")
        reply = self.expect(200, "GET", z + "/user/effective_providers",
                            "effective providers")
        for pid in reply.json()["providers"]:
            self.expect(200, "GET", z + "/user/effective_providers/" + pid,
                        "effective provider")
            self.expect(200, "GET", z + "/providers/" + pid, "provider")
            self.expect(403, "GET", z + "/providers/" + pid, "provider (dave)",
                        user="dave")
        self.expect(404, "GET", z + "/user/effective_providers/" + "0" * 32,
                    "unknown effective provider")
        self.expect(404, "GET", z + "/providers/" + "0" * 32, "unknown provider")

    def discover(self):
        """Provider URLs from infer_access_token_scope, as a client does."""
        scope = self.http.post(self.zone + "/tokens/infer_access_token_scope",
                               json_body={"token": self.tokens["alice"]}).json()
        return {pid: "http://%s%s" % (p["domain"], OP)
                for pid, p in scope["dataAccessScope"]["providers"].items()}

    def oneprovider(self, pid, base):
        name = self.names[pid]
        sid = self.space
        self.expect(200, "GET", base + "/configuration", name + " configuration",
                    user=None)
        self.expect(200, "GET", base + "/health", name + " health", user=None)
        spaces = self.expect(200, "GET", base + "/spaces", name + " spaces").json()
        self.expect(401, "GET", base + "/spaces", name + " spaces (dave)", user="dave")
        self.expect(401, "GET", base + "/spaces", name + " spaces (readonly token)",
                    user="alice-readonly")
        for space in spaces:
            self.expect(200, "GET", base + "/spaces/" + space["spaceId"],
                        "%s space %s" % (name, space["name"]))
        local = {s["name"] for s in spaces}
        other = next(n for n in (KRIOS, BEAMLINE, TEM) if n not in local)
        self.expect(400, "GET", base + "/spaces/" + sid[other],
                    name + " space not supported")
        self.expect(403, "GET", base + "/spaces/" + sid[BEAMLINE],
                    name + " space of others", user="bob")

        lookup = base + "/lookup-file-id/"
        space = KRIOS
        self.expect(200, "POST", lookup + quote_path(space), name + " lookup root")
        deep = self.expect(200, "POST", lookup + quote_path(
            space, "Images-Disc1", "GridSquare_1734452", "Data"),
            name + " lookup 4 segments").json()["fileId"]
        self.expect(200, "POST", lookup + quote_path(space, "hostile", "\x1b]0;pwned\x07"),
                    name + " lookup hostile name")
        self.expect(400, "POST", lookup + quote_path(space, "no", "such", "file"),
                    name + " lookup missing")
        self.expect(400, "POST", lookup + quote_path(other, "x"),
                    name + " lookup in unsupported space")

        data = base + "/data/"
        gain = self.http.post(lookup + quote_path(space, "GainReference_K3_20251112.mrc"),
                              token=self.tokens["alice"]).json()["fileId"]
        images = self.http.post(lookup + quote_path(space, "Images-Disc1"),
                                token=self.tokens["alice"]).json()["fileId"]
        every = ("fileId index type activePermissionsType posixPermissions acl name "
                 "conflictingName path parentFileId displayGid displayUid creationTime "
                 "atime mtime ctime size isFullyReplicatedLocally localReplicationRate "
                 "originProviderId directShareIds ownerUserId hardlinkCount symlinkValue "
                 "hasCustomMetadata effProtectionFlags effDatasetProtectionFlags "
                 "effDatasetInheritancePath effQosInheritancePath aggregateQosStatus "
                 "archiveRecallRootFileId xattr.instrument").split()
        query = "?" + "&".join("attributes=" + a for a in every)
        self.expect(200, "GET", data + sid[space], name + " root attributes (legacy)")
        self.expect(200, "GET", data + sid[space] + query, name + " root, all attributes")
        self.expect(200, "GET", data + images + query, name + " dir, all attributes")
        self.expect(200, "GET", data + gain + query, name + " file, all attributes")
        self.expect(200, "GET", data + gain, name + " file attributes (legacy)")
        self.expect(200, "GET", data + gain, name + " attributes (oneclient token)",
                    user="alice-oneclient")
        self.expect(400, "GET", data + gain + "?attributes=colour",
                    name + " unknown attribute")
        self.expect(400, "GET", data + "NOT-AN-ID", name + " bad id")
        self.expect(400, "GET", data + gain[:-1] + ("1" if gain[-1] == "0" else "0"),
                    name + " corrupted id")

        token, pages = None, 0
        while True:
            query = "?limit=20" + ("&token=" + urllib.parse.quote(token) if token else "")
            page = self.expect(200, "GET", data + deep + "/children" + query,
                               "%s children page %d" % (name, pages + 1)).json()
            pages += 1
            if page["isLast"] or pages > 5:
                break
            token = page["nextPageToken"]
        self.t.ok(page["isLast"] and page["nextPageToken"] is None,
                  name + " paging ends with isLast and a null token")
        self.expect(200, "GET", data + deep + "/children?limit=3&attributes=name"
                    "&attributes=size&attributes=type", name + " children with attributes")
        self.expect(200, "GET", data + sid[space] + "/children" +
                    "?" + "&".join("attributes=" + a for a in every),
                    name + " children, all attributes")
        self.expect(400, "GET", data + deep + "/children?limit=0", name + " limit 0")
        self.expect(400, "GET", data + deep + "/children?token=bogus", name + " bad token")
        self.expect(400, "GET", data + gain + "/children", name + " children of a file")

        content = data + gain + "/content"
        self.expect(206, "GET", content, name + " range", headers={"Range": "bytes=0-1023"})
        self.expect(206, "GET", content, name + " open range",
                    headers={"Range": "bytes=%d-" % ((32 << 20) - 100)})
        self.expect(416, "GET", content, name + " unsatisfiable range",
                    headers={"Range": "bytes=%d-" % (32 << 20)})
        small = self.http.post(lookup + quote_path(space, "Atlas", "Atlas_1.xml"),
                               token=self.tokens["alice"]).json()["fileId"]
        self.expect(200, "GET", data + small + "/content", name + " download")
        self.expect(400, "GET", data + images + "/content", name + " content of a dir")


def main():
    tap = Tap()
    spec_dir = os.environ.get("ONEDATA_API_SPEC_DIR")
    if not spec_dir:
        tap.skip_all("ONEDATA_API_SPEC_DIR is not set")
        return
    try:
        prism.find_prism()
    except prism.Unavailable as exc:
        tap.skip_all(str(exc))
        return
    zone = Zone("--scheme", "https")
    out = tempfile.mkdtemp(prefix="onetui-prism-")
    info = None
    try:
        started = time.monotonic()
        info = prism.start(os.path.join(zone.data_dir, "zone.json"), spec_dir, out)
        tap.ok(True, "Prism proxies started (%.1f s)" % (time.monotonic() - started))
        drive = Drive(tap, zone.info, info)
        try:
            drive.onezone()
            for pid, base in drive.discover().items():
                tap.ok(base.startswith(info["providers"][pid]["url"]),
                       "the zone advertises the proxy of " + drive.names[pid])
                drive.oneprovider(pid, base)
        except (KeyError, TypeError, AttributeError) as exc:
            # A reply without the expected fields; the failed checks and the
            # logs say why.
            tap.ok(False, "driving the proxies stopped early (%r)" % exc)
        time.sleep(1)                 # let the proxies finish their logs
    finally:
        if info:
            prism.stop(info)
        zone.stop()
    errors, warnings = prism.scan(info["logs"]) if info else ([], [])
    for line in warnings:
        tap.diag(line)
    tap.ok(not errors, "no violation or Prism error in the proxy logs",
           "\n".join(errors))
    tap.done()


if __name__ == "__main__":
    main()
