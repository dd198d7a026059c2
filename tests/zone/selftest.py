#!/usr/bin/env python3
"""Self-test of the test zone (TAP). Run: python3 tests/zone/selftest.py

Starts a zone over HTTPS in a temporary directory and checks every
implemented endpoint, the auth errors, paging through a 100,000-entry
directory, every fault kind, redirects and the trap, provider down/up and
the name-mismatch listener. Exits 0; the TAP lines carry the result.
"""

import hashlib
import http.client
import json
import os
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


def spec_errors(schema, value, definitions, where="$"):
    """Where `value` breaks a Swagger 2.0 schema (the subset the specs use
    for responses: $ref, allOf, type, x-nullable, enum, properties,
    required, additionalProperties, items)."""
    if "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[1]]
    found = []
    for part in schema.get("allOf", ()):
        found += spec_errors(part, value, definitions, where)
    if value is None:
        if "type" in schema and not schema.get("x-nullable"):
            found.append("%s: null where %s is expected" % (where, schema["type"]))
        return found
    kind = schema.get("type")
    checks = {"object": lambda v: isinstance(v, dict),
              "array": lambda v: isinstance(v, list),
              "string": lambda v: isinstance(v, str),
              "boolean": lambda v: isinstance(v, bool),
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)}
    if kind and not checks[kind](value):
        return found + ["%s: %r is not of type %s" % (where, value, kind)]
    if "enum" in schema and value not in schema["enum"]:
        found.append("%s: %r is not one of %r" % (where, value, schema["enum"]))
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value:
                found.append("%s: %s is missing" % (where, key))
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                found += spec_errors(properties[key], item, definitions, where + "." + key)
            elif isinstance(extra, dict):
                found += spec_errors(extra, item, definitions, where + "." + key)
            elif extra is False:
                found.append("%s: unexpected %s" % (where, key))
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += spec_errors(schema["items"], item, definitions,
                                 "%s[%d]" % (where, index))
    return found


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

    # -- replicas, directory statistics, datasets, QoS, shares -------------------------

    def attrs(self, pid, file_id, *names, user="alice"):
        query = "&".join("attributes=" + n for n in names)
        return self.opget(pid, "/data/%s?%s" % (file_id, query), user=user).json()

    def walk(self, file_id):
        """(bytes, regular files, directories) below a directory, as a
        client would add them up from listings."""
        size = files = dirs = 0
        pending = [file_id]
        while pending:
            page = self.opget(self.fs, "/data/%s/children?attributes=fileId"
                              "&attributes=type&attributes=size" % pending.pop()).json()
            for child in page["children"]:
                if child["type"] == "DIR":
                    dirs += 1
                    pending.append(child["fileId"])
                else:
                    files += 1
                    size += child["size"]
        return size, files, dirs

    def movie(self, square):
        data = self.file_id(KRIOS, "Images-Disc1", "GridSquare_%d" % square, "Data")
        page = self.opget(self.fs, "/data/%s/children?attributes=name&attributes=fileId"
                          "&attributes=size" % data).json()["children"]
        movie = next(c for c in page if c["name"].endswith("_fractions.tiff"))
        xml = next(c for c in page if c["name"].endswith(".xml"))
        return movie, xml

    def distribution(self):
        t, fs, hpc = self.t, self.fs, self.hpc
        storage = self.info["storages"]
        gain = self.file_id(KRIOS, "GainReference_K3_20251112.mrc")
        reply = self.opget(fs, "/data/%s/distribution" % gain)
        dist = reply.json()
        t.eq(dist, {"type": "REG", "distributionPerProvider": {
            fs: {"success": True, "virtualSize": 32 << 20,
                 "locationsPerStorage": {storage[fs]: "/%s/GainReference_K3_20251112.mrc"
                                         % self.space[KRIOS]},
                 "distributionPerStorage": {storage[fs]: {
                     "blocks": [[0, 32 << 20]], "physicalSize": 32 << 20}}},
            hpc: {"success": True, "virtualSize": 32 << 20,
                  "locationsPerStorage": {storage[hpc]: None},
                  "distributionPerStorage": {storage[hpc]: {
                      "blocks": [], "physicalSize": 0}}}}},
             "distribution: the gain reference is on Facility Storage only")
        t.eq(self.opget(hpc, "/data/%s/distribution" % gain).json(), dist,
             "distribution: both providers give the same answer")

        movie, xml = self.movie(1734493)
        blocks = self.opget(fs, "/data/%s/distribution" % movie["fileId"]).json()[
            "distributionPerProvider"][hpc]["distributionPerStorage"][storage[hpc]]
        quarter = movie["size"] // 4
        t.ok(movie["size"] % 4 == 0 and blocks["physicalSize"] == quarter
             and sum(b[1] for b in blocks["blocks"]) == quarter
             and len(blocks["blocks"]) == 2, "4th grid square movie: 25 % on HPC Centre, "
             "in two blocks", blocks)
        t.eq(self.attrs(hpc, movie["fileId"], "localReplicationRate",
                        "isFullyReplicatedLocally"),
             {"localReplicationRate": 0.25, "isFullyReplicatedLocally": False},
             "... and its localReplicationRate there is 0.25")
        movie, xml = self.movie(1734452)
        t.eq(self.attrs(hpc, movie["fileId"], "localReplicationRate"),
             {"localReplicationRate": 1.0}, "1st grid square movie: complete on HPC Centre")
        t.eq(self.attrs(hpc, xml["fileId"], "localReplicationRate"),
             {"localReplicationRate": 0.0},
             "its XML only where it was created (Facility Storage)")
        t.eq(self.attrs(fs, xml["fileId"], "localReplicationRate"),
             {"localReplicationRate": 1.0}, "... where it is complete")

        retake = self.file_id(KRIOS, "Sample notes", "Grid [3] {retake} (final).txt")
        per = self.opget(fs, "/data/%s/distribution" % retake).json()[
            "distributionPerProvider"]
        t.ok(per[fs]["success"] is True and per[hpc] == {
            "success": False, "distributionPerStorage": {storage[hpc]: {"error": {
                "id": "posix", "description": "Operation failed with POSIX error: enoent.",
                "details": {"errno": "enoent"}}}}},
             "one provider failing: success false with the error per storage", per)

        images = self.file_id(KRIOS, "Images-Disc1")
        size, _, _ = self.walk(images)
        dist = self.opget(fs, "/data/%s/distribution" % images).json()
        t.eq(dist, {"type": "DIR", "distributionPerProvider": {
            fs: {"success": True, "virtualSize": size,
                 "distributionPerStorage": {storage[fs]: {"physicalSize": size}}},
            hpc: {"success": True, "virtualSize": None,
                  "distributionPerStorage": {storage[hpc]: {"physicalSize": None}}}}},
             "directory distribution: sizes from dir stats (none where they are off)")
        run = self.file_id(BEAMLINE, "p700123", "r0034")
        size, _, _ = self.walk(run)
        dist = self.opget(fs, "/data/%s/distribution" % run).json()
        t.eq(dist["distributionPerProvider"][fs]["virtualSize"], size,
             "P11 run directory: its virtual size is the sum of its files")

        tem = self.lookup(hpc, TEM, "2025-03-18 NiTi alloy", "NiTi_0001.dm4").json()["fileId"]
        self.bad(self.opget(fs, "/data/%s/distribution" % tem), 400, "spaceNotSupportedBy",
                 "distribution via a provider not supporting the space")
        self.bad(self.opget(fs, "/data/%s/distribution" % run, user="bob"), 403,
                 "forbidden", "distribution in a space of others: 403")
        ghost = make_file_id("0" * 32, self.space[KRIOS])
        self.bad(self.opget(fs, "/data/%s/distribution" % ghost), 400, "posix",
                 "distribution of no file: posix enoent")
        t.eq(self.opget(fs, "/data/%s/distribution" % gain, user="alice-readonly").status,
             200, "distribution takes a data-caveated token")

    def stats(self, pid, file_id, body=None, user="alice", query=""):
        return self.opget(pid, "/data/%s/dir_size_stats%s" % (file_id, query), user=user,
                          json_body=body)

    def dir_stats(self):
        t, fs, hpc = self.t, self.fs, self.hpc
        root = self.space[KRIOS]
        storage_ts = "storage_use_" + self.info["storages"][fs]
        names = ["total_size", storage_ts, "reg_file_and_link_count", "file_errors_count",
                 "dir_errors_count", "dir_count"]
        layout = self.stats(fs, root, {"mode": "layout"}).json()
        t.eq(layout, {"layout": {n: ["day", "hour", "minute", "month"] for n in names}},
             "dir stats layout: six time series, four metrics")
        t.eq(self.stats(fs, root).json(), layout, "no body: layout mode")
        t.eq(self.stats(fs, root, query="?mode=layout").json(), layout,
             "options in the query string work too")

        def latest(file_id):
            reply = self.stats(fs, file_id, {"mode": "slice", "windowLimit": 1,
                                             "layout": {n: ["month"] for n in names}})
            return {n: [w["value"] for w in reply.json()["slice"][n]["month"]]
                    for n in names}

        for path in ((KRIOS,), (KRIOS, "Images-Disc1"), (BEAMLINE,),
                     (BEAMLINE, "p700123", "r0034")):
            size, files, dirs = self.walk(self.file_id(*path))
            t.eq(latest(self.file_id(*path)),
                 {"total_size": [size], storage_ts: [size],
                  "reg_file_and_link_count": [files], "file_errors_count": [0],
                  "dir_errors_count": [0], "dir_count": [dirs]},
                 "dir stats of /%s match the tree (%d B, %d files, %d dirs)"
                 % ("/".join(path), size, files, dirs))
        empty = self.file_id(BEAMLINE, "p700123", "processed")
        reply = self.stats(fs, empty, {"mode": "slice", "layout": {"dir_count": ["day"]}})
        t.eq(reply.json(), {"slice": {"dir_count": {"day": []}}},
             "an empty directory has no windows")

        reply = self.stats(fs, root, {"mode": "slice", "layout": {"dir_count": ["minute"]},
                                      "windowLimit": 5, "extendedInfo": True})
        windows = reply.json()["slice"]["dir_count"]["minute"]
        stamps = [w["timestamp"] for w in windows]
        t.ok(len(windows) == 5 and stamps == sorted(stamps, reverse=True)
             and len(set(stamps)) == 5 and all(s % 60 == 0 for s in stamps)
             and all(w["timestamp"] <= w["firstMeasurementTimestamp"]
                     <= w["lastMeasurementTimestamp"] < w["timestamp"] + 60
                     for w in windows), "minute windows newest first, with extended info",
             windows)
        values = [w["value"] for w in windows]
        t.ok(values == sorted(values, reverse=True), "counts only grow over time", values)
        plain = self.stats(fs, root, {"mode": "slice", "layout": {"dir_count": ["minute"]},
                                      "windowLimit": 5}).json()
        plain = plain["slice"]["dir_count"]["minute"]
        t.eq(plain, [{"timestamp": w["timestamp"], "value": w["value"]} for w in windows],
             "without extendedInfo: timestamp and value only")
        start, stop = stamps[1] + 30, stamps[3]
        ranged = self.stats(fs, root, {"mode": "slice", "layout": {"dir_count": ["minute"]},
                                       "startTimestamp": start, "stopTimestamp": stop}
                            ).json()["slice"]["dir_count"]["minute"]
        t.eq([w["timestamp"] for w in ranged], stamps[1:4],
             "startTimestamp and stopTimestamp bound the windows")

        self.bad(self.stats(hpc, root, {"mode": "layout"}), 400, "dirStatsDisabledForSpace",
                 "HPC Centre: statistics disabled for the Krios space")
        tem = self.lookup(hpc, TEM).json()["fileId"]
        self.bad(self.stats(hpc, tem, {"mode": "layout"}), 400, "dirStatsNotReady",
                 "HPC Centre: TEM statistics still initializing")
        gain = self.file_id(KRIOS, "GainReference_K3_20251112.mrc")
        reply = self.stats(fs, gain, {"mode": "layout"})
        t.ok(reply.error_id() == "posix" and reply.json()["error"]["details"] ==
             {"errno": "enotdir"}, "statistics of a file: posix enotdir")
        for body, error_id in (({"mode": "graph"}, "badValueNotAllowed"),
                               ({"mode": "slice"}, "missingRequiredValue"),
                               ({"mode": "slice", "layout": ["total_size"]}, "badData"),
                               ({"mode": "slice", "layout": {"dir_count": ["day"]},
                                 "windowLimit": 0}, "badValueNotInRange"),
                               ({"mode": "slice", "layout": {"dir_count": ["day"]},
                                 "startTimestamp": -1}, "badValueTooLow"),
                               ({"mode": "slice", "layout": {"dir_count": ["day"]},
                                 "extendedInfo": "maybe"}, "badValueBoolean")):
            self.bad(self.stats(fs, root, body), 400, error_id,
                     "dir stats %s: %s" % (json.dumps(body), error_id))
        reply = self.stats(fs, root, {"mode": "slice", "layout": {
            "dir_count": ["day", "week"], "inode_count": ["day"]}})
        t.ok(reply.error_id() == "timeSeriesCollectionMissingLayout"
             and reply.json()["error"]["details"] == {"missingLayout": {
                 "dir_count": ["week"], "inode_count": ["day"]}},
             "an unknown series or metric: timeSeriesCollectionMissingLayout", reply.body)
        self.bad(self.stats(fs, root, {"mode": "layout"}, user="bob-nope"), 401,
                 "unauthorized", "dir stats without a valid token: 401")

        spec_dir = os.environ.get("ONEDATA_API_SPEC_DIR")
        if not spec_dir:
            t.skip("dir stats replies match the spec's DirSizeStatsResponse",
                   "ONEDATA_API_SPEC_DIR is not set")
        else:
            with open(os.path.join(spec_dir, "oneprovider.json")) as source:
                definitions = json.load(source)["definitions"]
            schema = {"$ref": "#/definitions/DirSizeStatsResponse"}
            full = self.stats(fs, root, {"mode": "slice", "extendedInfo": True,
                                         "layout": {n: ["day", "hour", "minute", "month"]
                                                    for n in names}}).json()
            found = spec_errors(schema, layout, definitions) + \
                spec_errors(schema, full, definitions)
            t.ok(not found and full["slice"], "dir stats replies match the spec's "
                 "DirSizeStatsResponse (checked here: Prism cannot proxy a GET body)",
                 "\n".join(found))

        sid = self.space
        registry = {name: self.oz("/spaces/" + sid[name]).json()["supportParametersRegistry"]
                    for name in (KRIOS, BEAMLINE, TEM)}
        t.eq({name: {pid: (p["dirStatsServiceEnabled"], p["dirStatsServiceStatus"])
                     for pid, p in reg.items()} for name, reg in registry.items()},
             {KRIOS: {fs: (True, "enabled"), hpc: (False, "disabled")},
              BEAMLINE: {fs: (True, "enabled")}, TEM: {hpc: (True, "initializing")}},
             "Onezone reports the dir stats service per support consistently")

    def datasets(self):
        t, fs, hpc = self.t, self.fs, self.hpc
        ids = self.info["datasets"]
        krios = self.space[KRIOS]

        def dataset_id(*path):
            return ids["/" + "/".join(path)]

        images = dataset_id(KRIOS, "Images-Disc1")
        nested = dataset_id(KRIOS, "Images-Disc1", "GridSquare_1734460", "Data")
        processing = dataset_id(KRIOS, "Processing")
        atlas = dataset_id(KRIOS, "Atlas")
        run = dataset_id(BEAMLINE, "p700123", "r0034")

        def listing(path, user="alice", pid=None):
            return self.opget(pid or fs, path, user=user)

        top = listing("/spaces/%s/datasets?state=attached" % krios).json()
        t.eq(top, {"datasets": [{"datasetId": images, "name": "Images-Disc1"},
                                {"datasetId": processing, "name": "Processing"}],
                   "nextPageToken": None}, "top attached datasets of the Krios space")
        t.eq(listing("/spaces/%s/datasets?state=detached" % krios).json(),
             {"datasets": [{"datasetId": atlas, "name": "Atlas"}], "nextPageToken": None},
             "detached datasets are their own tree")
        t.eq(listing("/spaces/%s/datasets?state=attached" % self.space[BEAMLINE]).json(),
             {"datasets": [{"datasetId": run, "name": "r0034"}], "nextPageToken": None},
             "P11: one dataset, on run r0034")
        first = listing("/spaces/%s/datasets?state=attached&limit=1" % krios).json()
        token = first["nextPageToken"]
        second = listing("/spaces/%s/datasets?state=attached&limit=1&token=%s"
                         % (krios, urllib.parse.quote(token or ""))).json()
        t.ok([d["name"] for d in first["datasets"]] == ["Images-Disc1"] and token
             and second == {"datasets": [{"datasetId": processing, "name": "Processing"}],
                            "nextPageToken": None}, "paging by 1 with nextPageToken")
        t.eq([d["name"] for d in listing("/spaces/%s/datasets?state=attached&index=P"
                                         % krios).json()["datasets"]], ["Processing"],
             "index starts at the first name >= it")
        t.eq([d["name"] for d in listing(
            "/spaces/%s/datasets?state=attached&index=Processing&offset=-1"
            % krios).json()["datasets"]], ["Images-Disc1", "Processing"],
             "a negative offset goes back from the index")
        t.eq(listing("/datasets/%s/children" % images).json(),
             {"datasets": [{"datasetId": nested, "name": "Data"}], "nextPageToken": None},
             "the nested dataset is a child of Images-Disc1")
        t.eq(listing("/datasets/%s/children" % nested).json(),
             {"datasets": [], "nextPageToken": None}, "... with no children itself")
        t.eq(listing("/datasets/%s/children?limit=1&offset=1" % images).json(),
             {"datasets": [], "nextPageToken": None}, "an offset past the end: empty")

        reply = listing("/spaces/%s/datasets" % krios)
        t.ok(reply.status == 400 and reply.error_id() == "missingRequiredValue"
             and reply.json()["error"]["details"] == {"key": "state"},
             "state is mandatory: missingRequiredValue {key: state}")
        for query, error_id in (("state=gone", "badValueNotAllowed"),
                                ("state=attached&limit=0", "badValueNotInRange"),
                                ("state=attached&limit=x", "badValueInteger"),
                                ("state=attached&offset=x", "badValueInteger"),
                                ("state=attached&token=", "badValueEmpty"),
                                ("state=attached&token=bm9wZQ", "badData")):
            self.bad(listing("/spaces/%s/datasets?%s" % (krios, query)), 400, error_id,
                     "datasets?%s: %s" % (query, error_id))
        self.bad(listing("/spaces/%s/datasets?state=attached" % self.space[BEAMLINE],
                         pid=hpc), 400, "spaceNotSupportedBy",
                 "datasets of a space the provider does not support")
        self.bad(listing("/spaces/%s/datasets?state=attached" % self.space[BEAMLINE],
                         user="bob"), 403, "forbidden", "datasets of a space of others: 403")
        self.bad(listing("/spaces/%s/datasets?state=attached" % ("0" * 32)), 403,
                 "forbidden", "datasets of an unknown space: 403")
        reply = listing("/spaces/%s/datasets?state=attached" % krios, user="alice-readonly")
        t.ok(reply.status == 401 and reply.auth_error_id() == "tokenCaveatUnverified",
             "dataset listing refuses a data-caveated token", reply.body)

        info = listing("/datasets/%s" % images).json()
        t.eq(info, {"state": "attached", "datasetId": images, "parentId": None,
                    "rootFileId": self.file_id(KRIOS, "Images-Disc1"), "rootFileType": "DIR",
                    "rootFilePath": "/%s/Images-Disc1" % KRIOS, "rootFileDeleted": False,
                    "protectionFlags": ["data_protection", "metadata_protection"],
                    "effectiveProtectionFlags": ["data_protection", "metadata_protection"],
                    "creationTime": info.get("creationTime"), "archiveCount": 0},
             "GET /datasets/{did}: Images-Disc1")
        info = listing("/datasets/%s" % nested).json()
        t.ok(info["parentId"] == images and info["protectionFlags"] == ["data_protection"]
             and info["effectiveProtectionFlags"] ==
             ["data_protection", "metadata_protection"],
             "nested dataset: its parent and the flags it inherits", info)
        info = listing("/datasets/%s" % atlas).json()
        t.ok(info["state"] == "detached" and info["protectionFlags"] == ["data_protection"]
             and info["effectiveProtectionFlags"] == [] and info["parentId"] is None
             and info["rootFilePath"] == "/%s/Atlas" % KRIOS,
             "detached dataset: flags kept, none effective", info)
        t.eq(listing("/datasets/%s" % run, pid=fs).json()["protectionFlags"],
             ["data_protection"], "P11 run r0034: data protection")
        self.bad(listing("/datasets/%s" % ("f" * 32)), 404, "notFound",
                 "unknown dataset: 404 notFound")
        self.bad(listing("/datasets/%s/children" % ("f" * 32)), 404, "notFound",
                 "children of an unknown dataset: 404 notFound")
        self.bad(listing("/datasets/%s" % run, user="bob"), 403, "forbidden",
                 "dataset of a space of others: 403")
        self.bad(listing("/datasets/%s" % run, pid=hpc), 400, "spaceNotSupportedBy",
                 "dataset of a space the provider does not support")

        def summary(*path, pid=None):
            return self.opget(pid or fs, "/data/%s/dataset/summary"
                              % self.file_id(*path)).json()

        both = ["data_protection", "metadata_protection"]
        movie, _ = self.movie(1734460)
        t.eq(summary(KRIOS, "Images-Disc1"), {"directDataset": images,
                                              "effectiveAncestorDatasets": [],
                                              "effectiveProtectionFlags": both},
             "dataset summary of a dataset root")
        t.eq(self.opget(fs, "/data/%s/dataset/summary" % movie["fileId"]).json(),
             {"directDataset": None, "effectiveAncestorDatasets": [nested, images],
              "effectiveProtectionFlags": both},
             "dataset summary inside the nested dataset: ancestors nearest first")
        t.eq(summary(KRIOS, "Atlas"), {"directDataset": atlas,
                                       "effectiveAncestorDatasets": [],
                                       "effectiveProtectionFlags": []},
             "a detached dataset is direct but protects nothing")
        t.eq(summary(BEAMLINE, "p700123", "r0034", "p700123_r0034_master.nxs"),
             {"directDataset": None, "effectiveAncestorDatasets": [run],
              "effectiveProtectionFlags": ["data_protection"]}, "P11 run file summary")
        t.eq(summary(KRIOS, "EpuSession.dm", pid=hpc),
             {"directDataset": None, "effectiveAncestorDatasets": [],
              "effectiveProtectionFlags": []}, "a file in no dataset")
        self.bad(self.opget(fs, "/data/%s/dataset/summary" % self.space[TEM]), 400,
                 "spaceNotSupportedBy", "dataset summary via a provider not supporting it")

        names = ("effDatasetInheritancePath", "effProtectionFlags",
                 "effDatasetProtectionFlags")
        expect = {
            (KRIOS,): ("none", []),
            (KRIOS, "Atlas"): ("none", []),
            (KRIOS, "Images-Disc1"): ("direct", both),
            (KRIOS, "Images-Disc1", "GridSquare_1734460"): ("ancestor", both),
            (KRIOS, "Images-Disc1", "GridSquare_1734460", "Data"):
                ("directAndAncestor", both),
            (KRIOS, "Processing", "MotionCorr"): ("ancestor", []),
            (BEAMLINE, "p700123", "r0034", "logs"): ("ancestor", ["data_protection"]),
            (BEAMLINE, "p700123", "r0035"): ("none", []),
        }
        got = {}
        for path in expect:
            a = self.attrs(fs, self.file_id(*path), *names)
            got[path] = (a["effDatasetInheritancePath"], a["effProtectionFlags"]) \
                if a["effProtectionFlags"] == a["effDatasetProtectionFlags"] else a
        t.eq(got, expect, "dataset attributes follow the datasets (directAndAncestor "
             "spelled as 21.02.7 does)")

    def qos(self):
        t, fs, hpc = self.t, self.fs, self.hpc
        ids = self.info["qosRequirements"]
        krios_q = ids["/" + KRIOS]
        p11_q = ids["/%s/p700123" % BEAMLINE]

        def summary(file_id, pid=None, user="alice"):
            return self.opget(pid or fs, "/data/%s/qos/summary" % file_id, user=user)

        full, xml = self.movie(1734452)
        part, _ = self.movie(1734493)
        for name, file_id, status in (
                ("a mirrored movie", full["fileId"], "fulfilled"),
                ("a 25 % movie", part["fileId"], "pending"),
                ("a file on Facility Storage only", xml["fileId"], "pending"),
                ("the Krios space root", self.space[KRIOS], "pending")):
            t.eq(summary(file_id).json(), {"requirements": {krios_q: status},
                                           "status": status},
                 "QoS summary of %s: %s" % (name, status))
            t.eq(self.attrs(hpc, file_id, "aggregateQosStatus")["aggregateQosStatus"],
                 status, "... aggregateQosStatus agrees")
        run_file = self.file_id(BEAMLINE, "p700123", "r0034", "p700123_r0034_master.nxs")
        t.eq(summary(run_file).json(), {"requirements": {p11_q: "impossible"},
                                        "status": "impossible"},
             "P11: geo=PL matches no storage: impossible")
        t.eq(summary(self.space[BEAMLINE]).json(),
             {"requirements": {}, "status": "fulfilled"}, "no requirement: fulfilled")
        tem = self.lookup(hpc, TEM, "2025-03-18 NiTi alloy").json()["fileId"]
        t.eq(summary(tem, pid=hpc).json(), {"requirements": {}, "status": "fulfilled"},
             "TEM: no requirement")
        paths = {(KRIOS,): "direct", (KRIOS, "Atlas"): "ancestor",
                 (BEAMLINE,): "none", (BEAMLINE, "p700123"): "direct",
                 (BEAMLINE, "p700123", "r0034"): "ancestor"}
        t.eq({p: self.attrs(fs, self.file_id(*p), "effQosInheritancePath")[
            "effQosInheritancePath"] for p in paths}, paths, "effQosInheritancePath")
        self.bad(summary(full["fileId"], user="bob"), 403, "forbidden",
                 "bob (member, no space_view_qos): QoS summary forbidden")
        self.bad(summary(tem, pid=hpc, user="bob"), 403, "forbidden",
                 "... in TEM as well")
        self.bad(summary(run_file, pid=hpc), 400, "spaceNotSupportedBy",
                 "QoS summary via a provider not supporting the space")

        requirement = self.opget(hpc, "/qos_requirements/" + krios_q).json()
        t.eq(requirement, {"qosRequirementId": krios_q, "fileId": self.file_id(KRIOS),
                           "expression": "anyStorage", "replicasNum": 2,
                           "status": "pending"}, "GET /qos_requirements/{qid}: the Krios one")
        t.eq(self.opget(fs, "/qos_requirements/" + p11_q).json()["status"], "impossible",
             "the P11 one is impossible")
        self.bad(self.opget(fs, "/qos_requirements/" + "0" * 32), 404, "notFound",
                 "unknown QoS requirement: 404 notFound")
        self.bad(self.opget(hpc, "/qos_requirements/" + p11_q), 400, "spaceNotSupportedBy",
                 "QoS requirement of a space the provider does not support")
        self.bad(self.opget(fs, "/qos_requirements/" + krios_q, user="bob"), 403,
                 "forbidden", "QoS requirement without space_view_qos: 403")

    def shares(self):
        t, fs, hpc = self.t, self.fs, self.hpc
        ids = self.info["shares"]
        run_path = "/%s/p700123/r0034" % BEAMLINE
        square_path = "/%s/Images-Disc1/GridSquare_1734452" % KRIOS
        run, square = ids[run_path], ids[square_path]
        zone = "https://" + self.info["zone"]["domain"]
        share = self.opget(fs, "/shares/" + run).json()
        run_dir = self.file_id(BEAMLINE, "p700123", "r0034")
        t.eq({k: v for k, v in share.items() if k not in ("description", "rootFileId")},
             {"shareId": run, "name": "Run 34, proposal p700123",
              "publicUrl": "%s/share/%s" % (zone, run),
              "publicRestUrl": "%s/api/v3/onezone/shares/%s/public" % (zone, run),
              "spaceId": self.space[BEAMLINE], "rootFileType": "DIR", "handleId": None},
             "OP GET /shares/{shid}: the P11 run share, with publicRestUrl")
        t.ok(share["rootFileId"] != run_dir and len(share["rootFileId"]) > len(run_dir)
             and share["description"].startswith("# Run 34"),
             "its rootFileId is share-scoped, not the private id")
        self.bad(self.opget(fs, "/data/" + share["rootFileId"]), 400, "badValueIdentifier",
                 "share-scoped ids are not served by /data")
        self.bad(self.opget(hpc, "/shares/" + run), 400, "spaceNotSupportedBy",
                 "share of a space the provider does not support")
        self.bad(self.opget(fs, "/shares/" + run, user="bob"), 403, "forbidden",
                 "share of a space of others: 403")
        self.bad(self.opget(fs, "/shares/" + "0" * 32), 404, "notFound",
                 "unknown share: 404 notFound")
        t.eq(self.opget(hpc, "/shares/" + square).json()["spaceId"], self.space[KRIOS],
             "the grid square share through HPC Centre")

        t.eq(self.attrs(fs, run_dir, "directShareIds"), {"directShareIds": [run]},
             "directShareIds of the shared run folder")
        t.eq(self.opget(fs, "/data/" + run_dir).json()["shares"], [run],
             "... and its legacy shares")
        t.eq(self.attrs(fs, self.file_id(BEAMLINE, "p700123", "r0034",
                                         "p700123_r0034_master.nxs"), "directShareIds"),
             {"directShareIds": []}, "only the shared root lists the share")
        t.eq(self.attrs(hpc, self.file_id(KRIOS, "Images-Disc1", "GridSquare_1734452"),
                        "directShareIds"), {"directShareIds": [square]},
             "directShareIds of the shared grid square")

        private = self.oz("/shares/" + square).json()
        t.eq({k: v for k, v in private.items() if k not in ("description", "rootFileId")},
             {"shareId": square, "name": "Grid square 1734452, session EM-2025-117",
              "publicUrl": "%s/share/%s" % (zone, square),
              "publicRestUrl": "%s/api/v3/onezone/shares/%s/public" % (zone, square),
              "spaceId": self.space[KRIOS], "fileType": "dir", "handleId": None,
              "creator": {"type": "user", "id": self.info["users"]["alice"]},
              "creationTime": private.get("creationTime")},
             "OZ GET /shares/{id}")
        public = self.http.get(self.zone + "/shares/%s/public" % square).json()
        t.eq(public, {k: v for k, v in private.items() if k not in ("spaceId", "creator")},
             "OZ public share details: no token, no spaceId or creator")
        t.eq(self.oz("/shares/%s" % square, user="bob").status, 200,
             "bob (space_view) reads the Krios share")
        self.bad(self.oz("/shares/" + run, user="bob"), 403, "forbidden",
                 "OZ share of a space of others: 403")
        self.bad(self.oz("/shares/" + "0" * 32), 404, "notFound", "OZ unknown share: 404")
        self.bad(self.http.get(self.zone + "/shares/%s/public" % ("0" * 32)), 404,
                 "notFound", "OZ unknown public share: 404")
        t.eq({name: self.oz("/spaces/%s/shares" % self.space[name]).json()
              for name in (KRIOS, BEAMLINE, TEM)},
             {KRIOS: {"shares": [square]}, BEAMLINE: {"shares": [run]},
              TEM: {"shares": []}}, "OZ GET /spaces/{sid}/shares")
        self.bad(self.oz("/spaces/%s/shares" % self.space[BEAMLINE], user="bob"), 403,
                 "forbidden", "OZ shares of a space of others: 403")
        self.bad(self.oz("/spaces/%s/shares" % ("0" * 32)), 404, "notFound",
                 "OZ shares of an unknown space: 404")

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
                     self.attributes, self.listing, self.distribution, self.dir_stats,
                     self.datasets, self.qos, self.shares, self.big_directory,
                     self.contents, self.faults, self.redirects_and_log,
                     self.providers_control, self.tls_and_robustness):
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
                                          "spaces", "storages", "datasets", "shares",
                                          "qosRequirements"]), "zone.json keys")
        SelfTest(tap, zone).run()
    finally:
        zone.stop()
        tap.done()


if __name__ == "__main__":
    main()
