#!/usr/bin/env python3
"""Self-test of the test zone (TAP). Run: python3 tests/zone/selftest.py

Starts a zone over HTTPS in a temporary directory and checks every
implemented endpoint, the auth errors, paging through a 100,000-entry
directory, every fault kind, redirects and the trap, provider down/up and
the name-mismatch listener. Exits 0; the TAP lines carry the result.
"""

import hashlib
import http.client
import socket
import ssl
import time
import urllib.parse

from odzone.model import CONTENT_CHUNK, content_chunk, make_file_id
from zonetest import OP, OZ, Client, Tap, Zone, quote_path

KRIOS = "Krios-2025-11 Session Data"
BEAMLINE = "P11 Beamline p700123"
TEM = "TEM Materials"
EMPTY = "Empty Support"


def expected_content(file_id, size):
    chunks, index = [], 0
    while len(chunks) * CONTENT_CHUNK < size:
        chunks.append(content_chunk(file_id, index))
        index += 1
    return b"".join(chunks)[:size]


class SelfTest:
    def __init__(self, tap, zone):
        self.t = tap
        self.info = zone.info
        self.http = Client(self.info["ca"])
        self.tokens = self.info["tokens"]
        self.zone = self.info["zone"]["url"] + OZ
        self.control = self.info["control"]
        providers = self.info["providers"]
        self.fs = next(p for p, v in providers.items() if v["name"] == "Facility Storage")
        self.hpc = next(p for p, v in providers.items() if v["name"] == "HPC Centre")
        self.op = {pid: v["url"] + OP for pid, v in providers.items()}
        self.space = self.info["spaces"]

    # -- helpers -------------------------------------------------------------

    def oz(self, path, user="alice", **kw):
        token = self.tokens.get(user, user) if user else None
        return self.http.get(self.zone + path, token=token, **kw)

    def opget(self, pid, path, user="alice", **kw):
        token = self.tokens.get(user, user) if user else None
        return self.http.get(self.op[pid] + path, token=token, **kw)

    def lookup(self, pid, *segments, user="alice"):
        return self.http.post(self.op[pid] + "/lookup-file-id/" + quote_path(*segments),
                              token=self.tokens[user])

    def file_id(self, *segments, pid=None):
        reply = self.lookup(pid or self.fs, *segments)
        return reply.json()["fileId"]

    def ctl(self, method, path, body=None):
        return self.http.request(method, self.control + path, json_body=body)

    def bad(self, reply, status, error_id, name):
        self.t.ok(reply.status == status and reply.error_id() == error_id, name,
                  "%d %s" % (reply.status, reply.body[:300]))

    # -- Onezone -------------------------------------------------------------

    def onezone(self):
        t = self.t
        reply = self.oz("/configuration", user=None)
        conf = reply.json() or {}
        t.ok(reply.status == 200 and conf.get("domain") == self.info["zone"]["domain"]
             and conf.get("version") == "21.02.7", "OZ configuration is public")
        t.eq(reply.headers.get("Content-Type"), "application/json",
             "JSON responses say application/json")
        t.eq(self.oz("/health", user=None).status, 200, "OZ health")

        me = self.oz("/user")
        t.ok(me.status == 200 and me.json()["userId"] == self.info["users"]["alice"]
             and me.json()["fullName"] == "Alice Kowalczyk", "GET /user as alice")
        bearer = self.http.get(self.zone + "/user", token=self.tokens["bob"], bearer=True)
        t.eq((bearer.json() or {}).get("username"), "bob", "Authorization: Bearer works")

        missing = self.oz("/user", user=None)
        t.ok(missing.status == 401 and missing.error_id() == "unauthorized"
             and "details" not in missing.json()["error"], "no token: 401 unauthorized")
        for name, cause in (("alice-revoked", "tokenRevoked"),
                            ("alice-expired", "tokenCaveatUnverified"),
                            ("malformed", "badToken"),
                            ("alice-readonly", "tokenCaveatUnverified"),
                            ("alice-oneclient", "tokenCaveatUnverified")):
            reply = self.oz("/user", user=name)
            t.ok(reply.status == 401 and reply.error_id() == "unauthorized"
                 and reply.auth_error_id() == cause,
                 "%s on GET /user: 401 with authError %s" % (name, cause), reply.body)
        caveat = self.oz("/user", user="alice-expired").json()["error"]["details"][
            "authError"]["details"]["caveat"]
        t.eq(caveat, {"type": "time", "validUntil": 1735689600},
             "expired token names its time caveat")
        caveat = self.oz("/user", user="alice-oneclient").json()["error"]["details"][
            "authError"]["details"]["caveat"]
        t.eq(caveat, {"type": "interface", "interface": "oneclient"},
             "oneclient token is refused for its interface caveat")
        forged = self.tokens["alice"][:-4] + "0000"
        t.eq(self.oz("/user", user=forged).auth_error_id(), "tokenInvalid",
             "a token with a bad signature is tokenInvalid")

        sid = self.space
        direct = set(self.oz("/user/spaces").json()["spaces"])
        effective = set(self.oz("/user/effective_spaces").json()["spaces"])
        t.eq(direct, {sid[KRIOS], sid[TEM], sid[EMPTY]}, "alice's direct spaces")
        t.eq(effective, set(sid.values()), "alice's effective spaces (group adds P11)")
        t.eq(set(self.oz("/user/effective_spaces", user="bob").json()["spaces"]),
             {sid[KRIOS], sid[TEM]}, "bob reaches the Krios space through a group")
        t.eq(self.oz("/user/effective_spaces", user="dave").json(), {"spaces": []},
             "dave has no spaces")

        space = self.oz("/user/effective_spaces/" + sid[KRIOS]).json()
        t.ok(space["name"] == KRIOS and set(space["providers"]) == {self.fs, self.hpc}
             and space["creator"]["type"] == "user", "effective space details")
        self.bad(self.oz("/user/effective_spaces/" + sid[BEAMLINE], user="bob"), 404,
                 "notFound", "non-member effective space: 404 notFound")
        t.eq(self.oz("/spaces/" + sid[TEM]).json()["providers"],
             {self.hpc: 500 << 30}, "GET /spaces/{sid}: providers map to sizes")
        self.bad(self.oz("/spaces/" + sid[BEAMLINE], user="bob"), 403, "forbidden",
                 "space of others: 403 forbidden")
        self.bad(self.oz("/spaces/0123456789abcdef0123456789abcdef"), 404, "notFound",
                 "unknown space: 404 notFound")
        t.eq(self.oz("/spaces/%s/providers" % sid[KRIOS]).json(),
             {"providers": [self.fs, self.hpc]}, "space providers")
        t.eq(set(self.oz("/user/effective_providers").json()["providers"]),
             {self.fs, self.hpc}, "effective providers")
        provider = self.oz("/user/effective_providers/" + self.hpc).json()
        t.ok(provider["name"] == "HPC Centre" and provider["online"] is True
             and provider["domain"] == self.info["providers"][self.hpc]["domain"],
             "effective provider details")
        t.eq(self.oz("/providers/" + self.fs).json()["providerId"], self.fs,
             "GET /providers/{pid}")
        self.bad(self.oz("/providers/" + self.fs, user="dave"), 403, "forbidden",
                 "provider of no shared space: 403")

    def tokens_api(self):
        t = self.t

        def infer(token):
            return self.http.post(self.zone + "/tokens/infer_access_token_scope",
                                  json_body={"token": token})

        scope = infer(self.tokens["alice"]).json()
        spaces = scope["dataAccessScope"]["spaces"]
        t.ok(scope["validUntil"] is None and scope["dataAccessScope"]["readonly"] is False,
             "infer: token without time caveat has validUntil null")
        t.eq(spaces[self.space[EMPTY]], {"name": EMPTY, "supports": {}},
             "infer: a space without support is listed with empty supports")
        t.eq(spaces[self.space[KRIOS]]["supports"],
             {self.fs: {"readonly": False}, self.hpc: {"readonly": True}},
             "infer: the HPC mirror of the Krios space is read-only")
        providers = scope["dataAccessScope"]["providers"]
        t.ok(all(providers[p]["domain"] == self.info["providers"][p]["domain"]
                 and providers[p]["online"] is True for p in self.op),
             "infer: provider domains are the zone.json ones")
        readonly = infer(self.tokens["alice-readonly"]).json()["dataAccessScope"]
        t.ok(readonly["readonly"] is True and all(
            s["readonly"] for sp in readonly["spaces"].values()
            for s in sp["supports"].values()), "infer: data.readonly token")
        t.eq(infer(self.tokens["alice-oneclient"]).status, 200,
             "infer ignores the interface caveat")
        self.bad(infer(self.tokens["alice-expired"]), 400, "tokenCaveatUnverified",
                 "infer: expired token is a bare 400")
        self.bad(infer(self.tokens["alice-revoked"]), 400, "tokenRevoked",
                 "infer: revoked token")
        reply = infer(self.tokens["malformed"])
        t.ok(reply.error_id() == "badValueToken" and
             reply.json()["error"]["details"]["tokenError"]["id"] == "badToken",
             "infer: malformed token is badValueToken/badToken")
        self.bad(self.http.post(self.zone + "/tokens/infer_access_token_scope",
                                json_body={}), 400, "missingRequiredValue",
                 "infer: token is required")
        reply = self.http.post(self.zone + "/tokens/infer_access_token_scope",
                               body=b'{"token": "x"}',
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        t.ok(reply.status == 415 and reply.body == b"", "wrong Content-Type: bare 415")

        examined = self.http.post(self.zone + "/tokens/examine",
                                  json_body={"token": self.tokens["alice-expired"]}).json()
        t.ok(examined["subject"] == {"type": "user", "id": self.info["users"]["alice"]}
             and examined["caveats"] == [{"type": "time", "validUntil": 1735689600}]
             and examined["type"] == {"accessToken": {}}
             and examined["onezoneDomain"] == self.info["zone"]["domain"],
             "examine shows subject and caveats without verifying")
        self.bad(self.http.post(self.zone + "/tokens/examine",
                                json_body={"token": self.tokens["malformed"]}),
                 400, "badValueToken", "examine: malformed token")

    # -- Oneprovider -----------------------------------------------------------

    def provider_basics(self):
        t = self.t
        conf = self.opget(self.fs, "/configuration", user=None).json()
        t.ok(conf["providerId"] == self.fs and conf["name"] == "Facility Storage"
             and conf["onezoneDomain"] == self.info["zone"]["domain"],
             "OP configuration is public")
        t.eq(self.opget(self.hpc, "/health", user=None).status, 200, "OP health")
        names = {s["name"] for s in self.opget(self.fs, "/spaces").json()}
        t.eq(names, {KRIOS, BEAMLINE}, "OP spaces: only locally supported ones")
        names = {s["name"] for s in self.opget(self.hpc, "/spaces").json()}
        t.eq(names, {KRIOS, TEM}, "HPC Centre serves Krios and TEM")
        space = self.opget(self.fs, "/spaces/" + self.space[KRIOS]).json()
        t.ok(space["dirId"] == space["fileId"] and space["trashDirId"] != space["dirId"]
             and {p["providerName"] for p in space["providers"]} ==
             {"Facility Storage", "HPC Centre"}, "OP space details")
        self.bad(self.opget(self.fs, "/spaces/" + self.space[TEM]), 400,
                 "spaceNotSupportedBy", "space of another provider: spaceNotSupportedBy")
        self.bad(self.opget(self.fs, "/spaces/" + self.space[BEAMLINE], user="bob"), 403,
                 "forbidden", "OP space of others: 403")
        reply = self.opget(self.fs, "/spaces", user="dave")
        t.ok(reply.status == 401 and reply.auth_error_id() == "userNotSupported",
             "user with no local space: 401 userNotSupported", reply.body)
        reply = self.opget(self.fs, "/spaces", user="alice-readonly")
        t.ok(reply.status == 401 and reply.auth_error_id() == "tokenCaveatUnverified",
             "data-caveated token on OP /spaces: refused")
        reply = self.opget(self.fs, "/data/%s/children" % self.space[KRIOS],
                           user="alice-oneclient")
        t.eq(reply.status, 200, "oneclient token works on data endpoints")
        reply = self.opget(self.fs, "/data/%s" % self.space[KRIOS], user="alice-expired")
        t.eq(reply.auth_error_id(), "tokenCaveatUnverified", "expired token on OP")
        t.eq(self.opget(self.fs, "/spaces", user=None).status, 401, "OP without token")
        t.eq(self.http.get(self.op[self.fs] + "/no/such/route").status, 404,
             "unknown route: 404")
        reply = self.http.request("DELETE", self.op[self.fs] + "/spaces",
                                  token=self.tokens["alice"])
        t.ok(reply.status == 405 and reply.body == b"", "wrong method: bare 405")

    def lookups(self):
        t = self.t
        root = self.lookup(self.fs, KRIOS).json()["fileId"]
        space = self.opget(self.fs, "/spaces/" + self.space[KRIOS]).json()
        t.eq(root, space["dirId"], "lookup of a space name gives its root dir")
        for path in (("Probe Müller (Ø 3 mm)", "Übersicht [Grid 2].jpg"),
                     ("試料-東京", "画像_001.tiff"),
                     ("Sample notes", "Re\u0301sume\u0301.txt"),
                     ("hostile", "\x1b]0;pwned\x07"),
                     ("hostile", "line one\nline two.txt"),
                     ("hostile", ".."),
                     ("hostile", "what?:*<>|.txt")):
            reply = self.lookup(self.fs, KRIOS, *path)
            attrs = self.opget(self.fs, "/data/%s?attributes=name"
                               % (reply.json() or {}).get("fileId")).json()
            t.ok(reply.status == 200 and attrs == {"name": path[-1]},
                 "lookup by percent-encoded path: %r" % (path[-1],))
        same = self.lookup(self.hpc, KRIOS, "Atlas", "Atlas_1.mrc").json()["fileId"]
        t.eq(same, self.file_id(KRIOS, "Atlas", "Atlas_1.mrc"),
             "a file has the same id on both providers")
        self.bad(self.lookup(self.fs, KRIOS, "Atlas", "nope.mrc"), 400, "posix",
                 "lookup of a missing path: 400 posix")
        t.eq(self.lookup(self.fs, KRIOS, "nope").json()["error"]["details"],
             {"errno": "enoent"}, "... with errno enoent")
        self.bad(self.lookup(self.fs, TEM, "x"), 400, "spaceNotSupportedBy",
                 "lookup in a space of another provider")

    def attributes(self):
        t = self.t
        images = self.file_id(KRIOS, "Images-Disc1")
        legacy = self.opget(self.fs, "/data/" + images).json()
        t.ok(legacy["fileId"] == legacy["file_id"] == images
             and legacy["posixPermissions"] == legacy["mode"] == "775"
             and legacy["type"] == "DIR" and legacy["size"] is None
             and "path" not in legacy, "GET /data/{id}: legacy attributes, both names")
        every = ("fileId,index,type,activePermissionsType,posixPermissions,acl,name,"
                 "conflictingName,path,parentFileId,displayGid,displayUid,"
                 "creationTime,atime,mtime,ctime,size,isFullyReplicatedLocally,"
                 "localReplicationRate,originProviderId,directShareIds,ownerUserId,"
                 "hardlinkCount,symlinkValue,hasCustomMetadata,effProtectionFlags,"
                 "effDatasetProtectionFlags,effDatasetInheritancePath,"
                 "effQosInheritancePath,aggregateQosStatus,archiveRecallRootFileId,"
                 "xattr.instrument,xattr.absent").split(",")
        query = "&".join("attributes=" + a for a in every)
        attrs = self.opget(self.fs, "/data/%s?%s" % (images, query)).json()
        t.eq(sorted(attrs), sorted(every), "every attribute can be asked for")
        t.ok(attrs["path"] == "/%s/Images-Disc1" % KRIOS
             and attrs["xattr.instrument"] == "Titan Krios G4"
             and attrs["xattr.absent"] is None and attrs["hasCustomMetadata"] is True
             and attrs["ownerUserId"] == self.info["users"]["alice"]
             and attrs["parentFileId"] == self.file_id(KRIOS),
             "path, xattrs, owner and parent", attrs)
        root = self.opget(self.fs, "/data/%s?attributes=parentFileId&attributes=path"
                          % self.space[KRIOS]).json()
        t.eq(root, {"parentFileId": None, "path": "/" + KRIOS},
             "a space id works as its root dir id; the root has no parent")
        gain = self.file_id(KRIOS, "GainReference_K3_20251112.mrc")
        ask = "?attributes=size&attributes=isFullyReplicatedLocally" \
              "&attributes=localReplicationRate&attributes=posixPermissions"
        t.eq(self.opget(self.hpc, "/data/" + gain + ask).json(),
             {"size": 32 << 20, "isFullyReplicatedLocally": False,
              "localReplicationRate": 0.0, "posixPermissions": "664"},
             "replication state is per provider")
        body = self.opget(self.fs, "/data/" + gain, json_body={"attributes": ["name"]})
        t.eq(body.json(), {"name": "GainReference_K3_20251112.mrc"},
             "options as a JSON body on GET")
        merged = self.opget(self.fs, "/data/" + gain + "?attributes=size",
                            json_body={"attributes": ["name"]}).json()
        t.eq(merged, {"size": 32 << 20}, "the query string wins over the body")
        reply = self.opget(self.fs, "/data/" + gain + "?attributes=colour")
        t.ok(reply.error_id() == "badValueNotAllowed"
             and reply.json()["error"]["details"]["key"] == "attributes"
             and "xattr.*" in reply.json()["error"]["details"]["allowed"],
             "unknown attribute: badValueNotAllowed with the allowed list")
        self.bad(self.opget(self.fs, "/data/NOT-AN-ID"), 400, "badValueIdentifier",
                 "garbage file id: badValueIdentifier")
        ghost = make_file_id("0" * 32, "f" * 32)
        self.bad(self.opget(self.fs, "/data/" + ghost), 403, "forbidden",
                 "file id in an unknown space: 403 forbidden")
        ghost = make_file_id("0" * 32, self.space[KRIOS])
        reply = self.opget(self.fs, "/data/" + ghost)
        t.ok(reply.error_id() == "posix" and
             reply.json()["error"]["details"] == {"errno": "enoent"},
             "well-formed id of no file: 400 posix enoent")
        corrupted = gain[:-1] + ("0" if gain[-1] != "0" else "1")
        self.bad(self.opget(self.fs, "/data/" + corrupted), 400, "badValueIdentifier",
                 "corrupted id (bad CRC): badValueIdentifier")

    def listing(self):
        t = self.t
        hostile = self.file_id(KRIOS, "hostile")
        page = self.opget(self.fs, "/data/%s/children" % hostile).json()
        names = [c["name"] for c in page["children"]]
        t.ok(page["isLast"] is True and page["nextPageToken"] is None
             and names == sorted(names, key=lambda n: n.encode())
             and ".." in names and "\x1b[2J" not in names and len(names) == 16,
             "hostile names listed, byte-sorted, isLast with null token", names)
        t.eq(sorted(page["children"][0]), ["fileId", "file_id", "name"],
             "default child attributes: fileId and name")
        t.ok(any(len(n.encode()) == 255 for n in names), "a 255-byte name")
        grid = self.file_id(KRIOS, "Images-Disc1", "GridSquare_1734452", "Data")
        seen, token = [], None
        while True:
            query = "?limit=7&attributes=name&attributes=size" + (
                "&token=" + urllib.parse.quote(token) if token else "")
            page = self.opget(self.fs, "/data/%s/children%s" % (grid, query)).json()
            seen += [c["name"] for c in page["children"]]
            if page["isLast"]:
                break
            token = page["nextPageToken"]
        t.ok(len(seen) == 48 and len(set(seen)) == 48 and seen == sorted(seen),
             "paging by 7 lists 48 entries once each, in order")
        index = self.opget(self.fs, "/data/%s/children?attributes=index&limit=20"
                           % grid).json()["children"][10]["index"]
        page = self.opget(self.fs, "/data/%s/children?limit=3&index=%s"
                          % (grid, urllib.parse.quote(index))).json()
        t.eq([c["name"] for c in page["children"]], seen[10:13],
             "an index attribute resumes the listing")
        page = self.opget(self.fs, "/data/%s/children?limit=2&index=%s&offset=-1"
                          % (grid, urllib.parse.quote(seen[5]))).json()
        t.eq([c["name"] for c in page["children"]], seen[4:6],
             "a plain name as index, with a negative offset")
        for query, error_id in (("limit=0", "badValueNotInRange"),
                                ("limit=1001", "badValueNotInRange"),
                                ("limit=ten", "badValueInteger"),
                                ("offset=900", "badValueNotInRange"),
                                ("token=bogus", "badData"),
                                ("token=x&index=a", "badData")):
            reply = self.opget(self.fs, "/data/%s/children?%s" % (grid, query))
            self.bad(reply, 400, error_id, "children?%s: %s" % (query, error_id))
        details = self.opget(self.fs, "/data/%s/children?limit=5000"
                             % grid).json()["error"]["details"]
        t.eq(details, {"key": "limit", "low": 1, "high": 1000}, "range error details")
        file_id = self.file_id(KRIOS, "EpuSession.dm")
        self.bad(self.opget(self.fs, "/data/%s/children" % file_id), 400, "posix",
                 "listing a file: posix enotdir")

    def big_directory(self):
        t = self.t
        started = time.monotonic()
        reply = self.ctl("POST", "/bigdir", {"space": KRIOS, "count": 100000,
                                             "path": "Images-Disc1/GridSquare_Big/Data"})
        made = time.monotonic() - started
        t.ok(reply.status == 200 and reply.json()["count"] == 100000,
             "control API creates a 100,000-entry directory (%.2f s)" % made)
        directory = reply.json()["fileId"]
        t.eq(self.file_id(KRIOS, "Images-Disc1", "GridSquare_Big", "Data"), directory,
             "the big directory is reachable by path")
        conn = self.http.connect(self.op[self.fs])
        names, token, pages, slowest, total = [], None, 0, 0.0, 0.0
        while True:
            query = "?limit=1000&attributes=name&attributes=size&attributes=type"
            if token:
                query += "&token=" + urllib.parse.quote(token)
            reply = self.http.get(self.op[self.fs] + "/data/%s/children%s"
                                  % (directory, query),
                                  token=self.tokens["alice"], conn=conn)
            page = reply.json()
            pages += 1
            total += reply.seconds
            slowest = max(slowest, reply.seconds)
            names += [c["name"] for c in page["children"]]
            if page["isLast"]:
                t.eq(page["nextPageToken"], None, "last page has a null token")
                break
            token = page["nextPageToken"]
            if not token or pages > 200:
                break
        conn.close()
        t.ok(len(names) == 100000 and len(set(names)) == 100000 and names == sorted(names),
             "100,000 entries in 100 pages, in order, no duplicates")
        t.diag("1000-entry pages: %.1f ms average, %.1f ms slowest (round trip)"
               % (1000 * total / pages, 1000 * slowest))
        t.ok(total / pages < 0.2, "a 1000-entry page is served fast")

    def contents(self):
        t = self.t
        atlas = self.file_id(KRIOS, "Atlas", "Atlas_1.xml")
        size = self.opget(self.fs, "/data/%s?attributes=size" % atlas).json()["size"]
        whole = self.opget(self.fs, "/data/%s/content" % atlas)
        t.ok(whole.status == 200 and whole.body == expected_content(atlas, size)
             and whole.headers["Content-Type"] == "application/octet-stream",
             "download: deterministic content derived from the file id")
        part = self.opget(self.fs, "/data/%s/content" % atlas,
                          headers={"Range": "bytes=100-199"})
        t.ok(part.status == 206 and part.body == whole.body[100:200]
             and part.headers["Content-Range"] == "bytes 100-199/%d" % size,
             "Range a-b: 206 with Content-Range")
        tail = self.opget(self.fs, "/data/%s/content" % atlas,
                          headers={"Range": "bytes=%d-" % (size - 10)})
        t.ok(tail.status == 206 and tail.body == whole.body[-10:], "Range a-: 206")
        suffix = self.opget(self.fs, "/data/%s/content" % atlas,
                            headers={"Range": "bytes=-5"})
        t.ok(suffix.status == 206 and suffix.body == whole.body[-5:], "Range -n: 206")
        beyond = self.opget(self.fs, "/data/%s/content" % atlas,
                            headers={"Range": "bytes=%d-" % size})
        t.ok(beyond.status == 416 and beyond.headers["Content-Range"] == "bytes */%d" % size,
             "unsatisfiable range: 416 bytes */size")
        empty = self.file_id(KRIOS, "Sample notes", "empty.txt")
        reply = self.opget(self.fs, "/data/%s/content" % empty)
        t.ok(reply.status == 200 and reply.body == b"", "empty file")
        self.bad(self.opget(self.fs, "/data/%s/content" % self.file_id(KRIOS, "Atlas")),
                 400, "posix", "content of a directory: posix eisdir")
        gain = self.file_id(KRIOS, "GainReference_K3_20251112.mrc")
        big = self.opget(self.hpc, "/data/%s/content" % gain)
        t.ok(big.status == 200 and len(big.body) == 32 << 20 and
             hashlib.sha256(big.body).digest() ==
             hashlib.sha256(expected_content(gain, 32 << 20)).digest(),
             "32 MiB file generated on first read (%.2f s)" % big.seconds)
        blob = "%s/blobs/%s" % (self.info["ca"].rsplit("/tls/", 1)[0], gain)
        t.ok(open(blob, "rb").read(16) == big.body[:16], "its blob is on disk")

    # -- faults and control ------------------------------------------------------

    def fault(self, spec):
        reply = self.ctl("POST", "/faults", spec)
        return reply.json()["id"]

    def faults(self):
        t = self.t
        grid = self.file_id(KRIOS, "Images-Disc1")
        children = "/data/%s/children" % grid
        fs = self.fs

        self.fault({"service": fs, "path": "/children$", "times": 1, "latency_ms": 300})
        reply = self.opget(fs, children)
        t.ok(reply.status == 200 and reply.seconds >= 0.3, "latency_ms delays")
        t.ok(self.opget(fs, children).seconds < 0.3, "times=1 expires after one request")

        self.fault({"service": fs, "path": "/children$", "times": 1, "status": 503,
                    "body": "error", "retry_after": "7"})
        reply = self.opget(fs, children)
        t.ok(reply.status == 503 and reply.error_id() == "serviceUnavailable"
             and reply.headers["Retry-After"] == "7", "503 with error body and Retry-After")
        self.fault({"service": "any", "path": "/children$", "times": 1, "status": 500})
        reply = self.opget(fs, children)
        t.ok(reply.status == 500 and reply.error_id() == "internalServerError"
             and reply.json()["error"]["details"]["reference"],
             "500 carries details.reference")
        self.fault({"service": fs, "path": "/children$", "times": 1, "status": 502,
                    "body": "none"})
        reply = self.opget(fs, children)
        t.ok(reply.status == 502 and reply.body == b"", "status with no body")
        self.fault({"service": fs, "path": "/children$", "times": 1, "status": 502,
                    "body": "html"})
        reply = self.opget(fs, children)
        t.ok(reply.status == 502 and reply.headers["Content-Type"] == "text/html"
             and b"<html>" in reply.body, "HTML proxy page")
        self.fault({"service": fs, "path": "/children$", "times": 1, "status": 500,
                    "body": "garbage"})
        reply = self.opget(fs, children)
        t.ok(reply.status == 500 and reply.json() is None, "garbage body")

        self.fault({"service": fs, "path": "/children$", "times": 1, "truncate_json": True})
        reply = self.opget(fs, children)
        t.ok(reply.status == 200 and reply.json() is None
             and int(reply.headers["Content-Length"]) == len(reply.body),
             "truncated JSON with a consistent Content-Length")
        self.fault({"service": fs, "path": "/children$", "times": 1, "wrong_types": True})
        page = self.opget(fs, children).json()
        t.ok(page["isLast"] == "yes" and page["children"][0]["name"] == 123,
             "wrong_types: name is a number, isLast a string")

        self.fault({"service": fs, "path": "/content$", "times": 1,
                    "reset_after_bytes": 1000})
        gain = self.file_id(KRIOS, "GainReference_K3_20251112.mrc")
        try:
            reply = self.opget(fs, "/data/%s/content" % gain)
            t.ok(False, "connection reset mid-body", "got %d bytes" % len(reply.body))
        except (http.client.IncompleteRead, ConnectionError, ssl.SSLError) as exc:
            t.ok(True, "connection reset mid-body (%s)" % type(exc).__name__)
        self.fault({"service": fs, "path": "/content$", "times": 1, "slow_body_bps": 4000})
        atlas = self.file_id(KRIOS, "Atlas", "Atlas_1.xml")
        reply = self.opget(fs, "/data/%s/content" % atlas, headers={"Range": "bytes=0-999"})
        t.ok(reply.status == 206 and len(reply.body) == 1000 and reply.seconds >= 0.2,
             "slow body trickles (%.2f s for 1000 B at 4000 B/s)" % reply.seconds)

        never = self.fault({"service": fs, "path": "/children$", "rate": 0, "status": 500})
        t.eq(self.opget(fs, children).status, 200, "rate 0 never fires")
        t.eq(self.ctl("DELETE", "/faults/%d" % never).status, 204, "DELETE /faults/N")
        self.fault({"service": "zone", "method": "POST", "path": "infer", "status": 503})
        t.eq(self.oz("/user").status, 200, "method and path narrow a fault")
        t.eq(self.ctl("DELETE", "/faults").status, 204, "DELETE /faults")
        reply = self.ctl("POST", "/faults", {"path": "x"})
        t.eq(reply.status, 400, "a fault without effect is refused")

    def redirects_and_log(self):
        t = self.t
        self.ctl("DELETE", "/requests")
        self.ctl("POST", "/redirect", {"service": self.fs, "path": "/content$",
                                       "to": "trap", "times": 1})
        atlas = self.file_id(KRIOS, "Atlas", "Atlas_1.xml")
        reply = self.opget(self.fs, "/data/%s/content?follow_symlinks=true" % atlas)
        location = reply.headers.get("Location", "")
        t.ok(reply.status == 307 and location == self.info["trap"] + OP +
             "/data/%s/content?follow_symlinks=true" % atlas,
             "redirect to the trap keeps path and query", location)
        trapped = self.http.get(location, headers={"X-Probe": "1"})
        t.ok(trapped.status == 200 and trapped.json() == {}, "the trap answers {}")
        log = self.ctl("GET", "/requests").json()
        trap = [e for e in log if e["service"] == "trap"]
        t.ok(len(trap) == 1 and "x-auth-token" not in trap[0]["headers"]
             and trap[0]["headers"]["x-probe"] == "1", "the trap logs what it got")
        first = next(e for e in log if e["service"] == self.fs and e["status"] == 307)
        t.ok(first["headers"]["x-auth-token"] == "<redacted>"
             and first["status"] == 307 and first["query"] == "follow_symlinks=true",
             "request log: tokens redacted, status and query kept")
        self.ctl("POST", "/redirect", {"service": "zone", "path": "/user$",
                                       "to": "http://example.invalid/x", "status": 302,
                                       "times": 1})
        reply = self.oz("/user")
        t.ok(reply.status == 302 and reply.headers["Location"] == "http://example.invalid/x",
             "redirect to an absolute URL")
        reply = self.ctl("POST", "/redirect", {"path": "x", "to": "nowhere"})
        t.eq(reply.status, 400, "unknown redirect target refused")

    def providers_control(self):
        t = self.t
        hpc = self.hpc
        reply = self.ctl("POST", "/providers/" + hpc, {"online": False})
        t.eq(reply.json()["online"], False, "provider marked offline")
        infer = self.http.post(self.zone + "/tokens/infer_access_token_scope",
                               json_body={"token": self.tokens["alice"]}).json()
        t.eq(infer["dataAccessScope"]["providers"][hpc]["online"], False,
             "the zone reports it offline")
        self.ctl("POST", "/providers/" + hpc, {"online": True})

        self.ctl("POST", "/providers/" + hpc, {"down": True})
        url = urllib.parse.urlsplit(self.info["providers"][hpc]["url"])
        try:
            socket.create_connection((url.hostname, url.port), timeout=2).close()
            t.ok(False, "a down provider refuses connections")
        except ConnectionRefusedError:
            t.ok(True, "a down provider refuses connections")
        self.ctl("POST", "/providers/" + hpc, {"down": False})
        t.eq(self.opget(hpc, "/configuration", user=None).status, 200,
             "back up on the same port")

        self.ctl("POST", "/providers/%s/advertise" % hpc, {"domain": "127.0.0.1:1"})
        t.eq(self.oz("/providers/" + hpc).json()["domain"], "127.0.0.1:1",
             "advertised domain is reported by the zone")
        self.ctl("POST", "/providers/%s/advertise" % hpc, {"domain": None})
        t.eq(self.oz("/providers/" + hpc).json()["domain"],
             self.info["providers"][hpc]["domain"], "advertising null restores it")

        t.eq(self.ctl("POST", "/tokens/carol/revoke").status, 204, "revoke via control")
        t.eq(self.oz("/user", user="carol").auth_error_id(), "tokenRevoked",
             "a revoked token stops working at once")

    def tls_and_robustness(self):
        t = self.t
        mismatch = urllib.parse.urlsplit(self.info["mismatch"])
        try:
            self.http.get(self.info["mismatch"] + OZ + "/configuration")
            t.ok(False, "mismatch listener fails hostname verification")
        except ssl.SSLCertVerificationError:
            t.ok(True, "mismatch listener fails hostname verification")
        context = ssl.create_default_context(cafile=self.info["ca"])
        conn = http.client.HTTPSConnection(mismatch.hostname, mismatch.port,
                                           context=context)
        conn.sock = context.wrap_socket(
            socket.create_connection((mismatch.hostname, mismatch.port)),
            server_hostname="wrong.example")
        conn.request("GET", OZ + "/configuration")
        t.eq(conn.getresponse().status, 200, "... and answers like the Onezone as wrong.example")
        conn.close()

        conn = self.http.connect(self.zone)
        statuses = [self.http.get(self.zone + "/configuration", conn=conn).status
                    for _ in range(3)]
        t.eq(statuses, [200] * 3, "keep-alive: three requests on one connection")
        conn.close()

        zone = urllib.parse.urlsplit(self.zone)
        raw = context.wrap_socket(socket.create_connection((zone.hostname, zone.port)),
                                  server_hostname="127.0.0.1")
        raw.sendall(b"\x00\x01garbage that is not HTTP\r\n\r\n")
        raw.recv(100)
        raw.close()
        raw = context.wrap_socket(socket.create_connection((zone.hostname, zone.port)),
                                  server_hostname="127.0.0.1")
        raw.sendall(b"GET " + OZ.encode() + b"/user HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Length: 100\r\n\r\npartial")
        raw.close()                                # client vanishes mid-body
        socket.create_connection((zone.hostname, zone.port)).close()  # no TLS at all
        t.eq(self.oz("/configuration", user=None).status, 200,
             "garbage, half requests and aborted handshakes do not hurt")

    def run(self):
        for part in (self.onezone, self.tokens_api, self.provider_basics, self.lookups,
                     self.attributes, self.listing, self.big_directory, self.contents,
                     self.faults, self.redirects_and_log, self.providers_control,
                     self.tls_and_robustness):
            try:
                part()
            except Exception as exc:          # report and go on with the next part
                import traceback
                self.t.ok(False, "%s raised %s" % (part.__name__, type(exc).__name__),
                          traceback.format_exc())


def main():
    tap = Tap()
    try:
        zone = Zone("--scheme", "https")
    except Exception as exc:
        tap.ok(False, "the zone starts", exc)
        tap.done()
        return
    try:
        tap.ok(True, "the zone starts (%.2f s)" % zone.startup_seconds)
        tap.eq(sorted(zone.info), sorted(["scheme", "zone", "providers", "control",
                                          "trap", "mismatch", "ca", "tokens", "users",
                                          "spaces"]), "zone.json keys")
        SelfTest(tap, zone).run()
    finally:
        zone.stop()
        tap.done()


if __name__ == "__main__":
    main()
