#!/usr/bin/env python3
"""Conformance of the test zone with the official API specs (TAP).

Run: ONEDATA_API_SPEC_DIR=../shared/onedata-api python3 tests/zone/conformance.py

Starts a zone over HTTPS, puts Prism validating proxies in front of it
(prism.py), drives every implemented endpoint through them (good paths and
error paths, following the domains the zone advertises, as a client would),
then fails on every violation or Prism error in the proxies' logs. Skips
(TAP "1..0 # SKIP") without the specs, node or Prism.

Prism answers a request without a token to a token-protected operation
itself (its own 401), so token-less calls are made only to public ones
(and, with specpatch's share_public_access, to the share-scoped reads).
Upload bodies are ASCII: Prism forwards request bodies as text.
"""

import hashlib
import os
import tempfile
import time
import urllib.parse

import prism
from odzone.model import make_file_id, make_share_file_id
from zonetest import OP, OZ, Client, Tap, Zone, quote_path

KRIOS = "Krios-2025-11 Session Data"
BEAMLINE = "P11 Beamline p700123"
TEM = "TEM Materials"


OCTETS = {"Content-Type": "application/octet-stream"}


def q(text):
    return urllib.parse.quote(text, safe="")


class Drive:
    def __init__(self, tap, zone_info, proxies):
        self.t = tap
        self.http = Client()
        self.direct = Client(zone_info["ca"])    # the zone itself, not Prism
        self.zone_info = zone_info
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
        self.expect(401, "GET", data + gain, name + " attributes (oneclient token, REST)",
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
        self.writes(pid, base)
        self.share_reads(pid, base)

    def writes(self, pid, base):
        """Create, upload, list recursively, xattrs and delete in a place
        alice may write to: the Krios space through Facility Storage, TEM
        through HPC Centre (whose Krios support is read-only)."""
        name, sid = self.names[pid], self.space
        data = base + "/data/"
        local = {s["name"] for s in self.http.get(base + "/spaces",
                                                  token=self.tokens["alice"]).json()}
        space = KRIOS if BEAMLINE in local else TEM
        root = sid[space]
        top = self.expect(201, "POST", data + root + "/children?name=conformance&type=DIR",
                          name + " create a directory").json()["fileId"]
        made = self.expect(201, "POST", data + top + "/children?name=a.txt", name +
                           " create a file with content", body=b"hello", headers=OCTETS)
        self.t.ok(made.headers.get("Location", "").endswith("/data/" + made.json()["fileId"]),
                  name + " the new file's URI in Location")
        a = made.json()["fileId"]
        self.expect(201, "POST", data + top + "/children?name=empty.txt", name +
                    " create an empty file")
        self.expect(201, "POST", data + top + "/children?name=private&type=DIR&mode=700",
                    name + " create with a mode")
        self.expect(201, "POST", data + top + "/children?name=gap.bin&offset=3", name +
                    " create at an offset", body=b"xyz", headers=OCTETS)
        self.expect(400, "POST", data + top + "/children?name=a.txt", name + " eexist",
                    body=b"again", headers=OCTETS)
        self.expect(400, "POST", data + top + "/children?name=..", name + " invalid name")
        self.expect(400, "POST", data + top + "/children?name=x&mode=9", name + " bad mode")
        self.expect(400, "POST", data + a + "/children?name=x", name + " create in a file")
        self.expect(201, "PUT", data + top + "/path/" + quote_path("x", "y y", "z.txt") +
                    "?create_parents=true", name + " create by path, with parents",
                    body=b"deep", headers=OCTETS)
        self.expect(201, "PUT", data + top + "/path/" + quote_path("x", "dir") + "?type=DIR",
                    name + " create a directory by path")
        self.expect(400, "PUT", data + top + "/path/" + quote_path("nope", "z.txt"),
                    name + " create by path, missing parent", body=b"x", headers=OCTETS)
        self.expect(204, "PUT", data + a + "/content", name + " overwrite", body=b"Hello",
                    headers=OCTETS)
        self.expect(204, "PUT", data + a + "/content?offset=5", name + " write at an offset",
                    body=b", world", headers=OCTETS)
        self.expect(400, "PUT", data + top + "/content", name + " upload into a directory",
                    body=b"x", headers=OCTETS)
        self.expect(200, "GET", data + a + "/content", name + " download the upload")

        page = self.expect(200, "GET", data + top + "/files?limit=2", name +
                           " recursive listing").json()
        self.expect(200, "GET", data + top + "/files?limit=2&token=" +
                    q(page["nextPageToken"]), name + " recursive listing, next page")
        self.expect(200, "GET", data + top + "/files?prefix=x/&attributes=path"
                    "&attributes=size&attributes=type&attributes=xattr.sha256",
                    name + " recursive listing, prefix and attributes")
        self.expect(200, "GET", data + top + "/files?start_after=a.txt&include_directories=true",
                    name + " recursive listing, start_after, directories")
        self.expect(200, "GET", data + root + "/files?limit=1000", name +
                    " recursive listing of the space")
        self.expect(400, "GET", data + top + "/files?limit=0", name + " recursive listing, limit 0")
        self.expect(400, "GET", data + top + "/files?token=bogus", name +
                    " recursive listing, bad token")

        xattrs = data + a + "/metadata/xattrs"
        self.expect(204, "PUT", xattrs, name + " set xattrs",
                    json_body={"sha256": "2cf24dba5fb0a30e", "n": 1, "Größe": "groß"})
        self.expect(200, "GET", xattrs, name + " get xattrs")
        self.expect(200, "GET", xattrs + "?attribute=sha256", name + " get one xattr")
        self.expect(200, "GET", data + root + "/metadata/xattrs?inherited=true",
                    name + " get inherited xattrs")
        self.expect(400, "GET", xattrs + "?attribute=nope", name + " get an absent xattr")
        self.expect(400, "PUT", xattrs, name + " set a nested xattr", json_body={"k": [1]})
        self.expect(400, "PUT", xattrs, name + " set a reserved xattr",
                    json_body={"cdmi_x": "y"})
        self.expect(204, "DELETE", xattrs, name + " remove xattrs", json_body={"keys": ["n"]})

        meta = data + a + "/metadata/"
        self.expect(400, "GET", meta + "json", name + " get absent JSON metadata")
        self.expect(204, "PUT", meta + "json", name + " set JSON metadata",
                    json_body={"sample": {"grids": [{"id": "G1"}]}, "Größe": 1})
        self.expect(200, "GET", meta + "json", name + " get JSON metadata")
        self.expect(200, "GET", meta + "json?filter_type=keypath&filter=sample.grids.[0]",
                    name + " get JSON metadata through a key path")
        self.expect(200, "GET", meta + "json?inherited=true", name + " get inherited JSON")
        self.expect(204, "PUT", meta + "json?filter_type=keypath&filter=sample.operator",
                    name + " set a JSON sub-tree", json_body={"name": "Alice"})
        self.expect(400, "PUT", meta + "json", name + " set malformed JSON", body=b"{",
                    headers={"Content-Type": "application/json"})
        self.expect(204, "DELETE", meta + "json", name + " remove JSON metadata")
        self.expect(400, "GET", meta + "rdf", name + " get absent RDF metadata")
        self.expect(204, "PUT", meta + "rdf", name + " set RDF metadata",
                    body=b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
                    headers={"Content-Type": "application/rdf+xml"})
        self.expect(200, "GET", meta + "rdf", name + " get RDF metadata")
        self.expect(204, "DELETE", meta + "rdf", name + " remove RDF metadata")

        if space == KRIOS:
            images = self.http.post(base + "/lookup-file-id/" + quote_path(KRIOS, "Images-Disc1"),
                                    token=self.tokens["alice"]).json()["fileId"]
            self.expect(400, "POST", data + images + "/children?name=x", name +
                        " create in a protected dataset")
            self.expect(400, "PUT", data + images + "/metadata/xattrs", name +
                        " xattrs of a metadata-protected directory", json_body={"a": "b"})
            self.expect(403, "POST", data + top + "/children?name=bob.txt", name +
                        " create without space_write_data", user="bob")
            self.expect(403, "PUT", xattrs, name + " xattrs without space_write_data",
                        user="bob", json_body={"a": "b"})
        else:
            self.expect(400, "POST", data + sid[KRIOS] + "/children?name=x", name +
                        " create through a read-only support")
        self.expect(400, "POST", data + top + "/children?name=ro.txt", name +
                    " create with a readonly token", user="alice-readonly")

        self.expect(204, "DELETE", data + a, name + " delete a file")
        self.expect(400, "DELETE", data + a, name + " delete it again")
        self.expect(204, "DELETE", data + top + "/path/" + quote_path("x", "y y"),
                    name + " delete by path")
        self.expect(400, "DELETE", data + top + "/path/" + quote_path("x", "y y"),
                    name + " delete by path, missing")
        self.expect(204, "DELETE", data + top, name + " delete a directory (recursive)")
        self.expect(400, "DELETE", data + root, name + " delete the space root")

    def share_reads(self, pid, base):
        """Share-scoped ids, anonymously (and writes refused with a token)."""
        name = self.names[pid]
        data = base + "/data/"
        local = {s["name"] for s in self.http.get(base + "/spaces",
                                                  token=self.tokens["alice"]).json()}
        for path, share in sorted(self.shares.items()):
            if path.split("/")[1] not in local:
                continue
            root = self.http.get(base + "/shares/" + share,
                                 token=self.tokens["alice"]).json()["rootFileId"]
            label = "%s share %s" % (name, path.rsplit("/", 1)[1])
            self.expect(200, "GET", data + root, label + ": attributes, no token", user=None)
            self.expect(200, "GET", data + root + "?attributes=name&attributes=parentFileId"
                        "&attributes=directShareIds&attributes=xattr.beamline",
                        label + ": chosen attributes", user=None)
            page = self.expect(200, "GET", data + root + "/children?limit=50&attributes=fileId"
                               "&attributes=type&attributes=name", label + ": children",
                               user=None).json()
            self.expect(200, "GET", data + root + "/files?limit=5", label + ": files", user=None)
            self.expect(200, "GET", data + root + "/metadata/xattrs", label + ": xattrs",
                        user=None)
            files = [c["fileId"] for c in page["children"] if c["type"] == "REG"]
            if files:
                self.expect(206, "GET", data + files[0] + "/content", label + ": content range",
                            user=None, headers={"Range": "bytes=0-99"})
            self.expect(400, "GET", data + root + "?attributes=ownerUserId",
                        label + ": attribute not in share mode", user=None)
            self.expect(400, "POST", data + root + "/children?name=x", label +
                        ": create through a share")
            self.expect(400, "GET", data + root + "/distribution", label +
                        ": distribution through a share")

    def control(self, method, path, body=None):
        return self.direct.request(method, self.zone_info["control"] + path, json_body=body)

    def wait_ended(self, base, tid, timeout=20):
        """Poll the zone itself (not the proxy) until a transfer ended."""
        direct = {pid: p["url"] + OP for pid, p in self.zone_info["providers"].items()}
        url = next(iter(direct.values())) + "/transfers/" + tid
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.direct.get(url, token=self.tokens["alice"]).json() or {}
            if status.get("transferStatus") in ("completed", "failed", "cancelled"):
                return status
            time.sleep(0.02)
        return {}

    def wait_direct(self, path, done, timeout=20):
        """Poll the zone itself (not the proxy) until done(reply) holds."""
        url = self.zone_info["providers"][self.fs_id()]["url"] + OP + path
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self.direct.get(url, token=self.tokens["alice"])
            if done(reply):
                return reply
            time.sleep(0.02)
        return None

    def fs_id(self):
        return next(p for p, v in self.zone_info["providers"].items()
                    if v["name"] == "Facility Storage")

    def share_management(self):
        """Shares created, changed and deleted through Facility Storage's
        proxy; read, renamed and listed on the zone's; handle services
        and a handle registered, read, changed and deleted."""
        z, base = self.zone, self.discover()[self.fs_id()]
        r0035 = self.http.post(base + "/lookup-file-id/" + quote_path(
            BEAMLINE, "p700123", "r0035"), token=self.tokens["carol"]).json()["fileId"]
        krios = self.http.post(base + "/lookup-file-id/" + quote_path(KRIOS),
                               token=self.tokens["bob"]).json()["fileId"]
        made = self.expect(201, "POST", base + "/shares", "OP create share", user="carol",
                           json_body={"name": "Run 35", "rootFileId": r0035,
                                      "description": "# Run 35\n"})
        shid = made.json()["shareId"]
        self.expect(400, "POST", base + "/shares", "OP create share, no rootFileId",
                    user="carol", json_body={"name": "x"})
        self.expect(403, "POST", base + "/shares", "OP create share, no privilege",
                    user="bob", json_body={"name": "x", "rootFileId": krios})
        self.expect(200, "GET", base + "/shares/" + shid, "OP get the new share", user="carol")
        self.expect(204, "PATCH", base + "/shares/" + shid, "OP rename share", user="carol",
                    json_body={"name": "Run 35 (final)"})
        self.expect(400, "PATCH", base + "/shares/" + shid, "OP patch share, nothing",
                    user="carol", json_body={})
        self.expect(404, "PATCH", base + "/shares/" + "0" * 32, "OP patch unknown share",
                    user="carol", json_body={"name": "x"})
        self.expect(204, "PATCH", z + "/shares/" + shid, "OZ modify share", user="carol",
                    json_body={"description": "new"})
        self.expect(403, "PATCH", z + "/shares/" + shid, "OZ modify share of others",
                    user="bob", json_body={"name": "x"})
        self.expect(200, "GET", z + "/spaces/%s/shares/%s" % (self.space[BEAMLINE], shid),
                    "OZ get space share", user="carol")
        self.expect(404, "GET", z + "/spaces/%s/shares/%s" % (self.space[KRIOS], shid),
                    "OZ get space share, other space", user="carol")
        self.expect(200, "GET", z + "/shares", "OZ list all shares (zone admin)", user="carol")
        self.expect(403, "GET", z + "/shares", "OZ list all shares (no admin)")

        services = self.zone_info["handleServices"]
        doi = services["Facility DOI (test)"]
        self.expect(200, "GET", z + "/user/effective_handle_services", "OZ handle services")
        self.expect(200, "GET", z + "/handle_services/%s/public" % doi,
                    "OZ public handle service", user=None)
        self.expect(404, "GET", z + "/handle_services/%s/public" % ("0" * 32),
                    "OZ public handle service, unknown", user=None)
        metadata = ('<?xml version="1.0" encoding="utf-8"?><oai_dc:dc xmlns:oai_dc='
                    '"http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc='
                    '"http://purl.org/dc/elements/1.1/"><dc:title>Run 35</dc:title></oai_dc:dc>')
        request = {"handleServiceId": doi, "resourceType": "Share", "resourceId": shid,
                   "metadataPrefix": "oai_dc", "metadata": metadata}
        self.expect(403, "POST", z + "/user/handles", "OZ register handle, no privilege",
                    user="bob", json_body=request)
        self.expect(400, "POST", z + "/handles", "OZ register handle, bad XML", user="carol",
                    json_body=dict(request, metadata="<a>"))
        made = self.expect(201, "POST", z + "/user/handles", "OZ register handle",
                           user="carol", json_body=request)
        hid = made.headers.get("Location", "").rsplit("/", 1)[-1]
        self.expect(409, "POST", z + "/handles", "OZ register a second handle",
                    user="carol", json_body=request)
        self.expect(200, "GET", z + "/shares/" + shid, "OZ share with a handle", user="carol")
        self.expect(200, "GET", base + "/shares/" + shid, "OP share with a handle", user="carol")
        self.expect(200, "GET", z + "/handles/" + hid, "OZ get handle", user="carol")
        self.expect(403, "GET", z + "/handles/" + hid, "OZ get handle of others", user="bob")
        self.expect(200, "GET", z + "/handles/%s/public" % hid, "OZ public handle", user=None)
        self.expect(404, "GET", z + "/handles/%s/public" % ("0" * 32),
                    "OZ public handle, unknown", user=None)
        for path in ("/user/handles", "/user/effective_handles"):
            self.expect(200, "GET", z + path, "OZ " + path, user="carol")
        self.expect(204, "PATCH", z + "/handles/" + hid, "OZ update handle", user="carol",
                    json_body={"metadata": metadata})
        self.expect(204, "DELETE", z + "/handles/" + hid, "OZ delete handle", user="carol")
        self.expect(404, "DELETE", z + "/handles/" + hid, "OZ delete handle again",
                    user="carol")
        self.expect(204, "DELETE", base + "/shares/" + shid, "OP delete share", user="carol")
        self.expect(404, "DELETE", base + "/shares/" + shid, "OP delete share again",
                    user="carol")

    def datasets_archives(self):
        """Datasets established, changed and removed; archives made over
        time, listed, changed, recalled and deleted; the recall followed
        and cancelled: through Facility Storage's proxy, in P11."""
        base = self.discover()[self.fs_id()]
        p11 = self.http.post(base + "/lookup-file-id/" + quote_path(BEAMLINE),
                             token=self.tokens["alice"]).json()["fileId"]
        top = self.expect(201, "POST", base + "/data/%s/children?name=conformance-ds&type=DIR"
                          % p11, "a directory for a dataset").json()["fileId"]
        self.expect(201, "POST", base + "/data/%s/children?name=f.txt" % top,
                    "a file in it", body=b"archived", headers=OCTETS)
        datasets, archives = base + "/datasets", base + "/archives"
        self.expect(400, "POST", datasets, "establish: metadata without data protection",
                    json_body={"rootFileId": top, "protectionFlags": ["metadata_protection"]})
        self.expect(403, "POST", datasets, "establish without privileges", user="bob",
                    json_body={"rootFileId": top})
        did = self.expect(201, "POST", datasets, "establish a dataset", json_body={
            "rootFileId": top, "protectionFlags": ["data_protection"]}).json()["datasetId"]
        self.expect(409, "POST", datasets, "establish it twice", json_body={"rootFileId": top})
        self.expect(204, "PATCH", datasets + "/" + did, "set metadata protection",
                    json_body={"setProtectionFlags": ["metadata_protection"]})
        self.expect(400, "PATCH", datasets + "/" + did, "unset only data protection",
                    json_body={"unsetProtectionFlags": ["data_protection"]})
        self.expect(204, "PATCH", datasets + "/" + did, "detach", json_body={"state": "detached"})
        self.expect(200, "GET", datasets + "/" + did, "a detached dataset")
        self.expect(204, "PATCH", datasets + "/" + did, "reattach, unprotect", json_body={
            "state": "attached", "unsetProtectionFlags": ["data_protection",
                                                          "metadata_protection"]})
        self.expect(404, "PATCH", datasets + "/" + "f" * 32, "update an unknown dataset",
                    json_body={"state": "detached"})

        self.control("POST", "/transfers/settings", {"paused": True})
        aid = self.expect(201, "POST", archives, "create an archive", json_body={
            "datasetId": did, "description": "conformance",
            "config": {"layout": "bagit", "includeDip": False}}).json()["archiveId"]
        self.expect(200, "GET", archives + "/" + aid, "a pending archive")
        self.expect(400, "POST", archives + "/%s/delete" % aid, "delete a pending archive",
                    json_body={})
        self.expect(403, "POST", archives, "archive without privileges", user="bob",
                    json_body={"datasetId": did})
        self.control("POST", "/transfers/settings", {"paused": False, "instant": True})
        self.wait_direct("/archives/" + aid, lambda r: r.json()["state"] == "preserved")
        self.expect(200, "GET", archives + "/" + aid, "a preserved archive")
        self.expect(200, "GET", datasets + "/%s/archives" % did, "the dataset's archives")
        self.expect(200, "GET", datasets + "/%s/archives?limit=1&offset=0" % did,
                    "the dataset's archives, a page")
        self.expect(200, "GET", datasets + "/" + did, "a dataset with an archive")
        self.expect(400, "DELETE", datasets + "/" + did, "remove a dataset with archives")
        self.expect(204, "PATCH", archives + "/" + aid, "describe the archive",
                    json_body={"description": "renamed"})
        self.expect(404, "GET", archives + "/" + "f" * 32, "an unknown archive")

        self.control("POST", "/transfers/settings", {"paused": True})
        root = self.expect(201, "POST", archives + "/%s/recall" % aid, "recall it", json_body={
            "parentDirectoryId": p11, "targetFileName": "conformance-recall"}).json()["rootFileId"]
        self.expect(200, "GET", base + "/data/%s/recall/details" % root, "recall details (waiting)")
        self.expect(200, "GET", base + "/data/%s/recall/progress" % root, "recall progress (waiting)")
        self.expect(400, "POST", archives + "/%s/recall" % aid, "recall inside a recall",
                    json_body={"parentDirectoryId": root})
        self.expect(400, "POST", archives + "/%s/recall" % aid, "recall onto a taken name",
                    json_body={"parentDirectoryId": p11, "targetFileName": "conformance-recall"})
        self.expect(204, "POST", base + "/data/%s/recall/cancel" % root, "cancel the recall")
        self.control("POST", "/transfers/settings", {"paused": False})
        self.wait_direct("/data/%s/recall/details" % root, lambda r: r.json()["finishTime"])
        self.expect(200, "GET", base + "/data/%s/recall/details" % root, "recall details (ended)")
        again = self.expect(201, "POST", archives + "/%s/recall" % aid, "recall again",
                            json_body={"parentDirectoryId": p11,
                                       "targetFileName": "conformance-recall-2"}
                            ).json()["rootFileId"]
        self.wait_direct("/data/%s/recall/details" % again, lambda r: r.json()["finishTime"])
        self.expect(200, "GET", base + "/data/%s/recall/progress" % again, "recall progress (done)")
        self.expect(404, "GET", base + "/data/%s/recall/details" % top, "a file not recalled")

        self.expect(204, "POST", archives + "/%s/delete" % aid, "delete the archive",
                    json_body={})
        self.wait_direct("/archives/" + aid, lambda r: r.status == 404)
        self.expect(404, "GET", archives + "/" + aid, "a deleted archive")
        self.control("POST", "/transfers/settings", {"reset": True})
        self.expect(204, "DELETE", datasets + "/" + did, "remove the dataset")
        self.expect(404, "DELETE", datasets + "/" + did, "remove it again")

    def jobs(self):
        """Transfers and QoS management through both providers' proxies:
        every state a transfer passes through, the error answers the spec
        lets through (Prism refuses requests it forbids, e.g. without type
        or with an unknown one, before the zone sees them)."""
        bases = self.discover()
        providers = self.zone_info["providers"]
        fs = next(p for p, v in providers.items() if v["name"] == "Facility Storage")
        hpc = next(p for p, v in providers.items() if v["name"] == "HPC Centre")
        sid = self.space
        krios = sid[KRIOS]

        def lookup(*path):
            return self.http.post(bases[fs] + "/lookup-file-id/" + quote_path(*path),
                                  token=self.tokens["alice"]).json()["fileId"]

        data = lookup(KRIOS, "Images-Disc1", "GridSquare_1734452", "Data")
        gain = lookup(KRIOS, "GainReference_K3_20251112.mrc")
        run = lookup(BEAMLINE, "p700123", "r0034")
        evict = {"type": "eviction", "evictingProviderId": fs, "dataSourceType": "file",
                 "fileId": data}
        replicate = {"type": "replication", "replicatingProviderId": fs,
                     "dataSourceType": "file", "fileId": data}
        transfers = bases[fs] + "/transfers"
        listing = bases[fs] + "/spaces/%s/transfers" % krios

        self.control("POST", "/transfers/settings", {"paused": True})
        tid = self.expect(201, "POST", transfers, "schedule an eviction",
                          json_body=evict).json()["transferId"]
        for pid, base in sorted(bases.items()):
            name = self.names[pid]
            self.expect(200, "GET", base + "/transfers/" + tid, name + " transfer (scheduled)")
            self.expect(200, "GET", base + "/spaces/%s/transfers?state=waiting" % krios,
                        name + " waiting transfers")
        self.expect(400, "POST", transfers + "/%s/rerun" % tid, "rerun before the end")
        self.expect(403, "DELETE", transfers + "/" + tid, "cancel as bob", user="bob")
        self.control("POST", "/transfers/settings", {"paused": False, "fileSeconds": 0.5})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.direct.get(
                self.zone_info["providers"][fs]["url"] + OP + "/transfers/" + tid,
                token=self.tokens["alice"]).json()["filesProcessed"] < 1:
            time.sleep(0.02)
        self.control("POST", "/transfers/settings", {"paused": True})
        self.expect(200, "GET", transfers + "/" + tid, "transfer (evicting)")
        self.expect(200, "GET", listing, "ongoing transfers (default state)")
        self.expect(200, "GET", listing + "?state=ongoing&limit=1", "ongoing, limit 1")
        self.control("POST", "/transfers/settings", {"paused": False, "instant": True})
        self.wait_ended(bases[fs], tid)
        self.expect(200, "GET", transfers + "/" + tid, "transfer (completed)")
        self.expect(400, "DELETE", transfers + "/" + tid, "cancel an ended transfer")
        rerun = self.expect(201, "POST", bases[hpc] + "/transfers/%s/rerun" % tid,
                            "rerun").json()["transferId"]
        self.wait_ended(bases[fs], rerun)
        self.expect(200, "GET", transfers + "/" + tid, "transfer (rerun)")

        self.control("POST", "/transfers/settings", {"reset": True})
        self.control("POST", "/transfers/settings", {"rate": 4 << 20, "fileSeconds": 0})
        tid = self.expect(201, "POST", bases[hpc] + "/transfers", "schedule a replication",
                          json_body=dict(replicate, callback="https://example.org/x"),
                          ).json()["transferId"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.direct.get(
                self.zone_info["providers"][fs]["url"] + OP + "/transfers/" + tid,
                token=self.tokens["alice"]).json()["bytesReplicated"] == 0:
            time.sleep(0.02)
        self.control("POST", "/transfers/settings", {"paused": True})
        self.expect(200, "GET", transfers + "/" + tid, "transfer (replicating, histograms)")
        self.expect(204, "DELETE", transfers + "/" + tid, "cancel while a file is copied")
        self.expect(200, "GET", transfers + "/" + tid, "transfer (aborting)")
        self.control("POST", "/transfers/settings", {"paused": False, "instant": True})
        self.wait_ended(bases[fs], tid)
        self.expect(200, "GET", transfers + "/" + tid, "transfer (cancelled)")
        rerun = self.expect(201, "POST", transfers + "/%s/rerun" % tid,
                            "rerun the cancelled one").json()["transferId"]
        self.wait_ended(bases[fs], rerun)
        self.expect(200, "GET", transfers + "/" + rerun, "transfer (replicated)")
        square = lookup(KRIOS, "Images-Disc1", "GridSquare_1734460", "Data")
        tid = self.expect(201, "POST", transfers, "schedule a migration", json_body={
            "type": "migration", "replicatingProviderId": fs, "evictingProviderId": hpc,
            "dataSourceType": "file", "fileId": square}).json()["transferId"]
        self.wait_ended(bases[fs], tid)
        self.expect(200, "GET", bases[hpc] + "/transfers/" + tid, "transfer (migrated)")
        failing = self.http.get(bases[fs] + "/data/%s/children?limit=1" % square,
                                token=self.tokens["alice"]).json()["children"][0]["fileId"]
        self.control("POST", "/files/%s/transfer-failure" % failing, {})
        tid = self.expect(201, "POST", transfers, "schedule a failing replication",
                          json_body=dict(replicate, fileId=failing)).json()["transferId"]
        self.wait_ended(bases[fs], tid)
        self.control("DELETE", "/files/%s/transfer-failure" % failing)
        self.expect(200, "GET", transfers + "/" + tid, "transfer (failed)")
        for state in ("waiting", "ongoing", "ended"):
            self.expect(200, "GET", listing + "?state=" + state, "%s transfers" % state)
        page = self.expect(200, "GET", listing + "?state=ended&limit=2",
                           "ended transfers, first page").json()
        self.expect(200, "GET", listing + "?state=ended&limit=2&page_token=" +
                    q(page["nextPageToken"]), "ended transfers, next page")
        self.expect(200, "GET", listing + "?state=ended&limit=1000&offset=1",
                    "ended transfers, offset")
        self.expect(200, "GET", bases[hpc] + "/spaces/%s/transfers?state=ended" % sid[TEM],
                    "TEM transfers")

        for body, status, name in (
                ({"type": "replication", "dataSourceType": "file", "fileId": gain}, 400,
                 "replication without replicatingProviderId"),
                (dict(replicate, replicatingProviderId="NonExistingProvider"), 400,
                 "an unknown provider"),
                (dict(replicate, fileId=run, replicatingProviderId=hpc), 400,
                 "a provider not supporting the space"),
                (dict(replicate, replicatingProviderId=hpc), 400,
                 "replication onto a read-only support"),
                (dict(replicate, fileId="InvalidObjectId"), 400, "an undecodable fileId"),
                ({"type": "replication", "replicatingProviderId": fs, "dataSourceType": "view",
                  "spaceId": krios, "viewName": "movies"}, 400, "a view transfer"),
                (dict(replicate, fileId=gain[:-8] + "00000000"), 400, "a corrupted fileId")):
            self.expect(status, "POST", transfers, "POST /transfers: " + name, json_body=body)
        self.expect(403, "POST", transfers, "POST /transfers as bob", user="bob",
                    json_body=replicate)
        self.expect(404, "POST", transfers, "POST /transfers of a missing file",
                    json_body=dict(replicate, fileId=make_file_id("0" * 32, krios)))
        self.expect(404, "GET", transfers + "/" + "0" * 38, "unknown transfer")
        self.expect(404, "DELETE", transfers + "/" + "0" * 38, "cancel an unknown transfer")
        self.expect(404, "POST", transfers + "/%s/rerun" % ("0" * 38), "rerun an unknown one")
        self.expect(403, "GET", bases[fs] + "/spaces/%s/transfers" % sid[BEAMLINE],
                    "P11 transfers as bob (not a member)", user="bob")
        self.expect(400, "GET", bases[hpc] + "/spaces/%s/transfers" % sid[BEAMLINE],
                    "P11 transfers through HPC Centre")
        self.expect(403, "GET", bases[fs] + "/spaces/%s/transfers" % ("0" * 32),
                    "transfers of an unknown space")

        # QoS requirements.
        qos = bases[fs] + "/qos_requirements"
        evaluate = bases[fs] + "/spaces/%s/evaluate_qos_expression" % krios
        for expression in ("anyStorage", "geo=DE \\ site=hpc", "tier >= 2 | site=facility",
                           "geo=PL"):
            self.expect(200, "POST", evaluate, "evaluate %s" % expression,
                        json_body={"expression": expression})
        for expression in ("aaa", "geo!DE", "(geo=DE", ""):
            self.expect(400, "POST", evaluate, "evaluate %r" % expression,
                        json_body={"expression": expression})
        self.expect(403, "POST", evaluate, "evaluate as bob", user="bob",
                    json_body={"expression": "anyStorage"})
        self.expect(400, "POST", bases[hpc] + "/spaces/%s/evaluate_qos_expression"
                    % sid[BEAMLINE], "evaluate in a space the provider does not support",
                    json_body={"expression": "anyStorage"})
        self.control("POST", "/transfers/settings", {"paused": True})
        made = self.expect(201, "POST", qos, "add a QoS requirement",
                           json_body={"expression": "site=facility", "fileId": data,
                                      "replicasNum": 1}).json()["qosRequirementId"]
        self.expect(200, "GET", qos + "/" + made, "QoS requirement (pending)")
        self.expect(200, "GET", bases[fs] + "/data/%s/qos/summary" % data,
                    "QoS summary (pending)")
        self.control("POST", "/transfers/settings", {"paused": False})
        impossible = self.expect(201, "POST", bases[hpc] + "/qos_requirements",
                                 "add an impossible one", json_body={
                                     "expression": "anyStorage", "fileId": data,
                                     "replicasNum": 3}).json()["qosRequirementId"]
        readonly = self.expect(201, "POST", qos, "add one the read-only mirror cannot take",
                               json_body={"expression": "site=hpc", "fileId": gain}
                               ).json()["qosRequirementId"]
        time.sleep(0.3)
        for pid, base in sorted(bases.items()):
            name = self.names[pid]
            for qid, what in ((made, "fulfilled"), (impossible, "impossible"),
                              (readonly, "pending")):
                self.expect(200, "GET", base + "/qos_requirements/" + qid,
                            "%s QoS requirement (%s)" % (name, what))
                self.expect(200, "GET", base + "/qos_requirements/%s/audit_log?limit=5" % qid,
                            "%s audit log (%s)" % (name, what))
            self.expect(200, "GET", base + "/data/%s/qos/summary" % data,
                        name + " QoS summary with added requirements")
        self.expect(200, "GET", qos + "/%s/audit_log?timestamp=0&offset=2&limit=3" % made,
                    "audit log, a page")
        self.expect(400, "GET", qos + "/%s/audit_log?limit=0" % made, "audit log, limit 0")
        self.expect(403, "GET", qos + "/%s/audit_log" % made, "audit log as bob", user="bob")
        self.expect(404, "GET", qos + "/%s/audit_log" % ("0" * 32), "audit log of nothing")
        for body, status, name in (
                ({"expression": "aaa", "fileId": data}, 400, "an invalid expression"),
                ({"expression": "anyStorage", "fileId": data, "replicasNum": 0}, 400,
                 "replicasNum 0"),
                ({"expression": "anyStorage", "fileId": "gibberish"}, 400, "a bad fileId"),
                ({"fileId": data}, 400, "no expression"),
                ({"expression": "anyStorage", "fileId": make_file_id("0" * 32, krios)}, 404,
                 "a missing file")):
            self.expect(status, "POST", qos, "POST /qos_requirements: " + name,
                        json_body=body)
        self.expect(403, "POST", qos, "POST /qos_requirements as bob", user="bob",
                    json_body={"expression": "anyStorage", "fileId": data})
        self.expect(400, "POST", bases[hpc] + "/qos_requirements",
                    "POST /qos_requirements through a provider not supporting the space",
                    json_body={"expression": "anyStorage", "fileId": run})
        self.expect(403, "DELETE", qos + "/" + made, "remove as bob", user="bob")
        for qid in (made, impossible, readonly):
            self.expect(204, "DELETE", qos + "/" + qid, "remove a QoS requirement")
        self.expect(404, "DELETE", qos + "/" + made, "remove it again")
        self.expect(404, "GET", qos + "/" + made, "a removed QoS requirement")
        self.control("POST", "/transfers/settings", {"reset": True})

    def token_management(self):
        """Named/temporary tokens, confine, examine and invitations
        (oztokens.py). Runs last: dave joins a space."""
        z, sid = self.zone, self.space
        soon = int(time.time()) + 3600
        until = [{"type": "time", "validUntil": soon}]
        made = self.expect(201, "POST", z + "/user/tokens/named", "create a named token",
                           json_body={"name": "conf-token", "caveats": until + [
                               {"type": "data.readonly"},
                               {"type": "ip", "whitelist": ["127.0.0.0/8"]}],
                               "customMetadata": {"purpose": "conformance"}})
        tid = made.json()["tokenId"]
        self.tokens["conf"] = made.json()["token"]
        self.expect(400, "POST", z + "/user/tokens/named", "a named token's name again",
                    json_body={"name": "conf-token"})
        self.expect(400, "POST", z + "/user/tokens/named", "a bad caveat",
                    json_body={"name": "conf-bad", "caveats": [{"type": "time"}]})
        self.expect(200, "GET", z + "/user/tokens/named", "list named tokens")
        self.expect(200, "GET", z + "/tokens/named/" + tid, "get a named token")
        self.expect(403, "GET", z + "/tokens/named/" + tid, "someone else's token", user="bob")
        self.expect(404, "GET", z + "/tokens/named/" + "0" * 32, "unknown named token")
        self.expect(200, "GET", z + "/user/tokens/named/name/conf-token", "token by name")
        self.expect(404, "GET", z + "/user/tokens/named/name/nope", "unknown token name")
        self.expect(200, "GET", z + "/tokens/named/%s/status" % tid, "token status")
        self.expect(204, "PATCH", z + "/tokens/named/" + tid, "revoke",
                    json_body={"revoked": True})
        self.expect(204, "PATCH", z + "/tokens/named/" + tid, "rename, un-revoke",
                    json_body={"revoked": False, "name": "conf-token-2",
                               "customMetadata": {}})
        self.expect(400, "PATCH", z + "/tokens/named/" + tid, "PATCH with nothing",
                    json_body={})
        self.expect(400, "POST", z + "/user/tokens/temporary", "temporary without time",
                    json_body={"caveats": []})
        temp = self.expect(201, "POST", z + "/user/tokens/temporary", "temporary token",
                           json_body={"type": {"accessToken": {}}, "caveats": until})
        self.expect(200, "POST", z + "/tokens/examine", "examine a temporary token",
                    user=None, json_body={"token": temp.json()["token"]})
        confined = self.expect(200, "POST", z + "/tokens/confine", "confine", user=None,
                               json_body={"token": self.tokens["alice"], "caveats": [
                                   {"type": "interface", "interface": "rest"}]})
        self.tokens["confined"] = confined.json()["token"]
        self.expect(200, "GET", z + "/user", "GET /user with a confined token",
                    user="confined")
        self.expect(400, "POST", z + "/tokens/confine", "confine a garbled token",
                    user=None, json_body={"token": "garbage", "caveats": []})
        self.expect(204, "DELETE", z + "/tokens/named/" + tid, "delete a named token")

        invite = self.expect(201, "POST", z + "/user/tokens/named", "a space invitation",
                             json_body={"name": "conf-invite", "usageLimit": 1,
                                        "privileges": ["space_view", "space_read_data"],
                                        "type": {"inviteToken": {
                                            "inviteType": "userJoinSpace",
                                            "spaceId": sid[KRIOS]}}})
        serial = invite.json()["token"]
        self.expect(200, "GET", z + "/tokens/named/" + invite.json()["tokenId"],
                    "get an invitation")
        self.expect(200, "POST", z + "/tokens/examine", "examine an invitation",
                    user=None, json_body={"token": serial})
        self.expect(400, "POST", z + "/user/tokens/named", "an invitation without privilege",
                    user="bob", json_body={"name": "conf-x", "type": {"inviteToken": {
                        "inviteType": "userJoinSpace", "spaceId": sid[TEM]}}})
        self.expect(400, "POST", z + "/user/groups/join", "a space invitation for a group",
                    user="dave", json_body={"token": serial})
        self.expect(201, "POST", z + "/user/spaces/join", "join a space", user="dave",
                    json_body={"token": serial})
        self.expect(400, "POST", z + "/user/spaces/join", "usage limit reached",
                    user="bob", json_body={"token": serial})
        again = self.expect(201, "POST", z + "/user/tokens/temporary", "a temporary invitation",
                            json_body={"caveats": until, "type": {"inviteToken": {
                                "inviteType": "userJoinSpace", "spaceId": sid[KRIOS]}}})
        self.expect(409, "POST", z + "/user/spaces/join", "already a member", user="dave",
                    json_body={"token": again.json()["token"]})
        staff = hashlib.md5(b"group:cryo-em-staff").hexdigest()
        collab = hashlib.md5(b"group:krios-2025-11-collaborators").hexdigest()
        for kind, key, target, path, consumer in (
                ("groupJoinSpace", "spaceId", sid[BEAMLINE],
                 "/groups/%s/spaces/join" % collab, "bob"),
                ("userJoinGroup", "groupId", staff, "/user/groups/join", "dave"),
                ("groupJoinGroup", "groupId", staff, "/groups/%s/parents/join" % collab,
                 "bob")):
            made = self.expect(201, "POST", z + "/user/tokens/temporary", kind,
                               json_body={"caveats": until, "type": {"inviteToken": {
                                   "inviteType": kind, key: target}}})
            self.expect(201, "POST", z + path, "consume " + kind, user=consumer,
                        json_body={"token": made.json()["token"]})

    def shared_data(self):
        """OZ /shares/data: the redirect (driven against the zone itself:
        Prism's forwarder follows redirects) then its target through the
        provider's proxy; the error answers through the zone's proxy."""
        z = self.zone + "/shares/data/"
        run_path = "/%s/p700123/r0034" % BEAMLINE
        square_path = "/%s/Images-Disc1/GridSquare_1734452" % KRIOS
        providers = self.zone_info["providers"]
        storage = next(p for p, v in providers.items() if v["name"] == "Facility Storage")
        roots = {}
        for path in (run_path, square_path):
            share = self.http.get(self.zone + "/shares/" + self.shares[path],
                                  token=self.tokens["alice"]).json()
            roots[path] = share["rootFileId"]
        zone = self.zone_info["zone"]["url"] + OZ + "/shares/data/"
        for subpath in ("", "/children?limit=3", "/metadata/xattrs", "/content"):
            reply = self.direct.get(zone + roots[run_path] + subpath)
            target = reply.headers.get("Location", "")
            self.t.ok(reply.status == 307 and OP + "/data/" + roots[run_path] in target,
                      "OZ shares/data%s: 307 to a provider" % subpath.split("?")[0], reply.status)
            if subpath != "/content":
                self.expect(200, "GET", "http://" + target.split("://", 1)[1],
                            "... followed through the provider's proxy", user=None)
        self.expect(400, "GET", z + "NOT-AN-ID/content", "OZ shares/data, bad id", user=None)
        self.expect(400, "GET", z + self.http.post(
            self.discover()[storage] + "/lookup-file-id/" + quote_path(KRIOS),
            token=self.tokens["alice"]).json()["fileId"] + "/children",
                    "OZ shares/data, a private id", user=None)
        unknown = roots[run_path][:-4] + "0000"
        self.expect(400, "GET", z + unknown, "OZ shares/data, a corrupted id", user=None)
        fake = make_share_file_id("0" * 32, self.space[KRIOS], "0" * 32)
        self.expect(404, "GET", z + fake + "/content", "OZ shares/data, unknown share", user=None)
        self.expect(404, "GET", z + fake, "OZ shares/data, unknown share (attributes)",
                    user=None)
        self.expect(404, "GET", z + fake + "/metadata/xattrs",
                    "OZ shares/data, unknown share (xattrs)", user=None)
        control = self.zone_info["control"]
        self.direct.request("POST", control + "/providers/" + storage,
                            json_body={"online": False})
        try:
            for subpath in ("", "/content", "/metadata/xattrs"):
                self.expect(503, "GET", z + roots[run_path] + subpath,
                            "OZ shares/data%s, no provider online" % subpath, user=None)
        finally:
            self.direct.request("POST", control + "/providers/" + storage,
                                json_body={"online": True})

    def space_members(self):
        """Space creation, renaming, members and privileges (changes
        membership: runs last)."""
        z, sid, users = self.zone, self.space, self.users
        krios, tem = sid[KRIOS], sid[TEM]
        alice, bob, carol = users["alice"], users["bob"], users["carol"]
        self.expect(200, "GET", z + "/spaces/privileges", "space privileges", user=None)
        for what in ("owners", "users", "effective_users", "groups", "effective_groups"):
            self.expect(200, "GET", z + "/spaces/%s/%s" % (krios, what), "space " + what)
        self.expect(403, "GET", z + "/spaces/%s/users" % krios, "space users (dave)",
                    user="dave")
        self.expect(404, "GET", z + "/spaces/%s/users" % ("0" * 32), "unknown space users")
        base = z + "/spaces/" + krios
        self.expect(200, "GET", "%s/users/%s" % (base, alice), "space user")
        self.expect(404, "GET", "%s/users/%s" % (base, carol), "not a direct user")
        self.expect(200, "GET", "%s/effective_users/%s" % (base, carol), "effective user")
        self.expect(200, "GET", "%s/users/%s/privileges" % (base, alice), "user privileges")
        self.expect(403, "GET", "%s/users/%s/privileges" % (base, alice),
                    "user privileges (bob)", user="bob")
        self.expect(200, "GET", "%s/effective_users/%s/privileges" % (base, carol),
                    "effective user privileges")
        self.expect(200, "GET", "%s/effective_users/%s/membership" % (base, carol),
                    "membership")
        groups = self.expect(200, "GET", base + "/groups", "groups").json()["groups"]
        for gid in groups:
            self.expect(200, "GET", "%s/groups/%s" % (base, gid), "space group")
            self.expect(200, "GET", "%s/effective_groups/%s" % (base, gid),
                        "effective space group")
            self.expect(200, "GET", "%s/groups/%s/privileges" % (base, gid),
                        "group privileges")
            self.expect(200, "GET", "%s/effective_groups/%s/privileges" % (base, gid),
                        "effective group privileges")
        path = "%s/groups/%s/privileges" % (base, groups[0])
        self.expect(204, "PATCH", path, "grant and revoke",
                    json_body={"grant": ["space_view"], "revoke": ["space_delete"]})
        self.expect(400, "PATCH", path, "neither grant nor revoke", json_body={})
        self.expect(403, "PATCH", path, "set privileges (bob)", user="bob",
                    json_body={"grant": ["space_view"]})
        self.expect(204, "PATCH", "%s/users/%s/privileges" % (base, alice),
                    "user grant", json_body={"grant": ["space_view"]})
        made = self.expect(201, "POST", z + "/user/spaces", "create a space",
                           json_body={"name": "Tomography 2026"})
        new = made.headers["Location"].rsplit("/", 1)[-1]
        self.expect(400, "POST", z + "/user/spaces", "bad space name",
                    json_body={"name": "."})
        self.expect(204, "PATCH", z + "/spaces/" + new, "rename",
                    json_body={"name": "Tomography-2026"})
        self.expect(403, "PATCH", z + "/spaces/" + tem, "rename (bob)", user="bob",
                    json_body={"name": "Mine"})
        made = self.expect(201, "POST", z + "/user/groups", "create a group",
                           json_body={"name": "tomo-team", "type": "team"})
        gid = made.headers["Location"].rsplit("/", 1)[-1]
        self.expect(200, "GET", z + "/groups/" + gid, "group")
        self.expect(403, "GET", z + "/groups/" + gid, "group (bob)", user="bob")
        self.expect(200, "GET", z + "/user/groups", "user groups")
        self.expect(200, "GET", z + "/user/effective_groups", "user effective groups")
        add = "%s/spaces/%s/groups/%s" % (z, new, gid)
        self.expect(204, "PUT", add, "add a group")
        self.expect(409, "PUT", add, "add a group twice")
        self.expect(403, "PUT", "%s/spaces/%s/groups/%s" % (z, tem, gid),
                    "add a group (bob)", user="bob")
        self.expect(204, "DELETE", add, "remove a group")
        self.expect(404, "DELETE", add, "remove a group twice")
        self.expect(400, "DELETE", "%s/spaces/%s/users/%s" % (z, new, alice),
                    "remove the last owner")
        self.expect(403, "DELETE", "%s/spaces/%s/users/%s" % (z, tem, alice),
                    "remove a user (bob)", user="bob")
        self.expect(204, "DELETE", "%s/spaces/%s/users/%s" % (z, tem, bob), "remove a user")


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
            drive.shared_data()
            drive.jobs()
            drive.datasets_archives()
            drive.share_management()
            drive.space_members()
            drive.token_management()
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
