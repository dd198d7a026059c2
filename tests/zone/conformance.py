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
        self.datasets = zone_info["datasets"]
        self.shares = zone_info["shares"]
        self.qos = zone_info["qosRequirements"]

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

        for name in (KRIOS, BEAMLINE, TEM):
            self.expect(200, "GET", z + "/spaces/%s/shares" % sid[name], "shares of " + name)
        self.expect(403, "GET", z + "/spaces/%s/shares" % sid[BEAMLINE],
                    "shares of a space of others", user="bob")
        self.expect(404, "GET", z + "/spaces/%s/shares" % ("0" * 32),
                    "shares of an unknown space")
        for path, share in self.shares.items():
            self.expect(200, "GET", z + "/shares/" + share, "share " + path)
            self.expect(200, "GET", z + "/shares/%s/public" % share,
                        "public share " + path, user=None)
        run = self.shares["/%s/p700123/r0034" % BEAMLINE]
        self.expect(403, "GET", z + "/shares/" + run, "share of others", user="bob")
        self.expect(404, "GET", z + "/shares/" + "0" * 32, "unknown share")
        self.expect(404, "GET", z + "/shares/%s/public" % ("0" * 32),
                    "unknown public share", user=None)

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
        self.data_management(pid, base, every)

    def data_management(self, pid, base, every):
        """Distribution, datasets, QoS and shares (dir_size_stats cannot
        be driven through Prism: it is a GET with a body)."""
        name, sid = self.names[pid], self.space
        data = base + "/data/"
        local = {s["name"] for s in self.http.get(base + "/spaces",
                                                  token=self.tokens["alice"]).json()}
        other = next(n for n in (KRIOS, BEAMLINE, TEM) if n not in local)

        def lookup(*path):
            return self.http.post(base + "/lookup-file-id/" + quote_path(*path),
                                  token=self.tokens["alice"]).json()["fileId"]

        grid = (KRIOS, "Images-Disc1")
        files = {
            "file on one provider": lookup(KRIOS, "GainReference_K3_20251112.mrc"),
            "failing distribution": lookup(KRIOS, "Sample notes",
                                           "Grid [3] {retake} (final).txt"),
            "directory": lookup(*grid),
            "nested dataset": lookup(*grid + ("GridSquare_1734460", "Data")),
            "shared folder": lookup(*grid + ("GridSquare_1734452",)),
            "space root": sid[KRIOS],
        }
        page = self.http.get(data + files["nested dataset"] + "/children?limit=1",
                             token=self.tokens["alice"]).json()
        files["file in a nested dataset"] = page["children"][0]["fileId"]
        movies = data + lookup(*grid + ("GridSquare_1734493", "Data")) + "/children"
        page = self.http.get(movies + "?attributes=name&attributes=fileId",
                             token=self.tokens["alice"]).json()
        files["partial replica"] = next(c["fileId"] for c in page["children"]
                                        if c["name"].endswith("_fractions.tiff"))
        if BEAMLINE in local:
            files["P11 run"] = lookup(BEAMLINE, "p700123", "r0034")
            files["P11 run file"] = lookup(BEAMLINE, "p700123", "r0034",
                                           "p700123_r0034_master.nxs")
        query = "?" + "&".join("attributes=" + a for a in every)
        for what, file_id in sorted(files.items()):
            self.expect(200, "GET", data + file_id + "/distribution",
                        "%s distribution (%s)" % (name, what))
            self.expect(200, "GET", data + file_id + "/dataset/summary",
                        "%s dataset summary (%s)" % (name, what))
            self.expect(200, "GET", data + file_id + "/qos/summary",
                        "%s QoS summary (%s)" % (name, what))
            self.expect(200, "GET", data + file_id + query,
                        "%s all attributes (%s)" % (name, what))
        elsewhere = sid[other]
        for aspect in ("distribution", "dataset/summary", "qos/summary"):
            self.expect(400, "GET", data + elsewhere + "/" + aspect,
                        "%s %s in an unsupported space" % (name, aspect))
            self.expect(400, "GET", data + "NOT-AN-ID/" + aspect,
                        "%s %s of a bad id" % (name, aspect))
        self.expect(403, "GET", data + files["directory"] + "/qos/summary",
                    name + " QoS summary without space_view_qos", user="bob")

        datasets = base + "/spaces/%s/datasets" % sid[KRIOS]
        self.expect(200, "GET", datasets + "?state=attached", name + " top datasets")
        self.expect(200, "GET", datasets + "?state=detached", name + " detached datasets")
        first = self.expect(200, "GET", datasets + "?state=attached&limit=1",
                            name + " datasets, first page").json()
        self.expect(200, "GET", datasets + "?state=attached&limit=1&token=" +
                    urllib.parse.quote(first["nextPageToken"]),
                    name + " datasets, next page")
        self.expect(200, "GET", datasets + "?state=attached&index=P&offset=-1",
                    name + " datasets from an index")
        self.expect(400, "GET", base + "/spaces/%s/datasets?state=attached" % elsewhere,
                    name + " datasets of an unsupported space")
        self.expect(403, "GET", base + "/spaces/%s/datasets?state=attached" % sid[BEAMLINE],
                    name + " datasets of a space of others", user="bob")
        for path, did in sorted(self.datasets.items()):
            status = 200 if path.startswith("/" + KRIOS) or BEAMLINE in local else 400
            self.expect(status, "GET", base + "/datasets/" + did, "%s dataset %s"
                        % (name, path))
            self.expect(status, "GET", base + "/datasets/%s/children" % did,
                        "%s dataset children %s" % (name, path))
        self.expect(404, "GET", base + "/datasets/" + "f" * 32, name + " unknown dataset")
        for path, qid in sorted(self.qos.items()):
            status = 200 if path.startswith("/" + KRIOS) or BEAMLINE in local else 400
            self.expect(status, "GET", base + "/qos_requirements/" + qid,
                        "%s QoS requirement %s" % (name, path))
        self.expect(403, "GET", base + "/qos_requirements/" + self.qos["/" + KRIOS],
                    name + " QoS requirement without space_view_qos", user="bob")
        self.expect(404, "GET", base + "/qos_requirements/" + "0" * 32,
                    name + " unknown QoS requirement")
        for path, share in sorted(self.shares.items()):
            status = 200 if path.startswith("/" + KRIOS) or BEAMLINE in local else 400
            self.expect(status, "GET", base + "/shares/" + share,
                        "%s share %s" % (name, path))
        run = self.shares["/%s/p700123/r0034" % BEAMLINE]
        self.expect(403, "GET", base + "/shares/" + run, name + " share of others",
                    user="bob")
        self.expect(404, "GET", base + "/shares/" + "0" * 32, name + " unknown share")


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
