#!/usr/bin/env python3
"""Self-test of the test zone (TAP). Run: python3 tests/zone/selftest.py

Starts a zone over HTTPS in a temporary directory and checks every
implemented endpoint, the auth errors, paging through a 100,000-entry
directory, writing (create, upload, resume, delete, xattrs) with its
permission and protection errors, concurrent writers, share-scoped public
access, the control hooks, every fault kind (on request bodies too),
redirects and the trap, provider down/up and the name-mismatch listener.
Exits 0; the TAP lines carry the result.
"""

import base64
import hashlib
import http.client
import json
import os
import socket
import ssl
import threading
import time
import urllib.parse

from odzone.model import (CONTENT_CHUNK, content_chunk, make_file_id,
                          make_share_file_id, parse_file_id)
from zonetest import OP, OZ, Client, Tap, Zone, quote_path

OCTETS = "application/octet-stream"

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


def payload(seed, size):
    """`size` deterministic bytes (every byte value occurs)."""
    blocks = (size + 31) // 32
    return b"".join(hashlib.sha256(("%s:%d" % (seed, n)).encode()).digest()
                    for n in range(blocks))[:size]


def quote(text):
    return urllib.parse.quote(text, safe="")


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

    def posix(self, reply, errno, name):
        try:
            got = reply.json()["error"]["details"]["errno"]
        except (TypeError, KeyError):
            got = None
        self.t.ok(reply.status == 400 and reply.error_id() == "posix" and got == errno,
                  "%s: posix %s" % (name, errno), "%d %s" % (reply.status, reply.body[:300]))

    def call(self, method, pid, path, user="alice", **kw):
        token = self.tokens.get(user, user) if user else None
        return self.http.request(method, self.op[pid] + path, token=token, **kw)

    def send(self, method, pid, path, data, user="alice", ctype=OCTETS, **kw):
        """A request with a raw body (an upload)."""
        headers = dict(kw.pop("headers", {}))
        if ctype:
            headers["Content-Type"] = ctype
        return self.call(method, pid, path, user=user, body=data, headers=headers, **kw)

    def download(self, pid, file_id, user="alice", **kw):
        return self.call("GET", pid, "/data/%s/content" % file_id, user=user, **kw).body

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
        t.ok(reply.status == 401 and reply.auth_error_id() == "tokenCaveatUnverified",
             "a Oneclient-only token is refused on REST data endpoints too", reply.body)
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
        self.big_recursive_listing(directory)

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
        query = "&".join("attributes=" + quote(n) for n in names)
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

    # -- datasets and archives changed through the API ---------------------------

    def dcall(self, method, path, body=None, user="alice", pid=None):
        return self.call(method, pid or self.fs, path, user=user, json_body=body)

    def workdir(self, name, files):
        """A new directory in the TEM space (HPC Centre) holding `files`
        ({name: bytes}); its file id."""
        made = self.call("POST", self.hpc, "/data/%s/children?name=%s&type=DIR"
                         % (self.space[TEM], urllib.parse.quote(name)))
        top = made.json()["fileId"]
        for fname, data in files.items():
            self.send("POST", self.hpc, "/data/%s/children?name=%s"
                      % (top, urllib.parse.quote(fname)), data)
        return top

    def archive_until(self, aid, states, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            info = self.opget(self.hpc, "/archives/" + aid).json()
            if info.get("state") in states or time.monotonic() > deadline:
                return info
            time.sleep(0.02)

    def dataset_management(self):
        t, hpc = self.t, self.hpc
        top = self.workdir("ds-management", {"a.txt": b"alpha", "b.txt": b"beta"})
        a = self.file_id(TEM, "ds-management", "a.txt", pid=hpc)

        for body, error_id, name in (
                ({}, "missingRequiredValue", "no rootFileId"),
                ({"rootFileId": "nope"}, "badValueIdentifier", "a bad rootFileId"),
                ({"rootFileId": top, "protectionFlags": ["frozen"]},
                 "badValueListNotAllowed", "an unknown flag"),
                ({"rootFileId": top, "protectionFlags": "data_protection"},
                 "badValueListNotAllowed", "flags not in a list")):
            self.bad(self.dcall("POST", "/datasets", body, pid=hpc), 400, error_id,
                     "establish with %s: %s" % (name, error_id))
        self.posix(self.dcall("POST", "/datasets", {
            "rootFileId": top, "protectionFlags": ["metadata_protection"]}, pid=hpc),
            "einval", "metadata protection without data protection")
        self.bad(self.dcall("POST", "/datasets", {"rootFileId": top}, user="bob", pid=hpc),
                 403, "forbidden", "establish without space_manage_datasets: 403")
        self.bad(self.dcall("POST", "/datasets", {"rootFileId": top}), 400,
                 "spaceNotSupportedBy", "establish through a provider not supporting it")
        reply = self.dcall("POST", "/datasets", {"rootFileId": top,
                                                 "protectionFlags": ["data_protection"]},
                           pid=hpc)
        did = reply.json().get("datasetId") if reply.status == 201 else None
        t.ok(did and reply.headers.get("Location", "").endswith("/datasets/" + did),
             "establish: 201, the id and its URI", reply.body)
        self.bad(self.dcall("POST", "/datasets", {"rootFileId": top}, pid=hpc), 409,
                 "alreadyExists", "establishing twice: 409 alreadyExists")
        info = self.opget(hpc, "/datasets/" + did).json()
        t.ok(info["state"] == "attached" and info["rootFileId"] == top
             and info["protectionFlags"] == ["data_protection"] and info["archiveCount"] == 0,
             "the new dataset reads back", info)
        self.posix(self.send("PUT", hpc, "/data/%s/content" % a, b"x"), "eperm",
                   "data protection refuses a write")
        reply = self.call("PUT", hpc, "/data/%s/metadata/xattrs" % a, json_body={"k": "v"})
        t.ok(reply.status == 204, "metadata may still change", reply.body)

        for body, error_id, name in (
                ({}, "missingAtLeastOneValue", "nothing to change"),
                ({"state": "gone"}, "badValueNotAllowed", "an unknown state"),
                ({"setProtectionFlags": ["x"]}, "badValueListNotAllowed", "an unknown flag")):
            self.bad(self.dcall("PATCH", "/datasets/" + did, body, pid=hpc), 400, error_id,
                     "update with %s: %s" % (name, error_id))
        self.posix(self.dcall("PATCH", "/datasets/" + did,
                              {"unsetProtectionFlags": ["data_protection"],
                               "setProtectionFlags": ["metadata_protection"]}, pid=hpc),
                   "einval", "metadata protection left without data protection")
        self.bad(self.dcall("PATCH", "/datasets/" + did, {"state": "detached"}, user="bob",
                            pid=hpc), 403, "forbidden", "update without privileges: 403")
        self.bad(self.dcall("PATCH", "/datasets/" + "f" * 32, {"state": "detached"}, pid=hpc),
                 404, "notFound", "update an unknown dataset: 404")
        reply = self.dcall("PATCH", "/datasets/" + did,
                           {"setProtectionFlags": ["metadata_protection"]}, pid=hpc)
        t.ok(reply.status == 204, "set metadata protection: 204", reply.body)
        self.posix(self.call("PUT", hpc, "/data/%s/metadata/xattrs" % a,
                             json_body={"k": "w"}), "eperm", "now metadata is protected")
        self.dcall("PATCH", "/datasets/" + did, {"state": "detached"}, pid=hpc)
        info = self.opget(hpc, "/datasets/" + did).json()
        t.ok(info["state"] == "detached" and info["effectiveProtectionFlags"] == [] and
             info["protectionFlags"] == ["data_protection", "metadata_protection"],
             "detached: flags kept, none effective", info)
        t.ok(self.send("PUT", hpc, "/data/%s/content" % a, b"x").status == 204,
             "a detached dataset protects nothing")
        t.ok(did in [d["datasetId"] for d in self.opget(
            hpc, "/spaces/%s/datasets?state=detached" % self.space[TEM]).json()["datasets"]],
            "it is listed among the detached datasets")
        self.dcall("PATCH", "/datasets/" + did, {"state": "attached",
                                                 "unsetProtectionFlags": ["data_protection",
                                                                          "metadata_protection"]},
                   pid=hpc)
        info = self.opget(hpc, "/datasets/" + did).json()
        t.ok(info["state"] == "attached" and info["protectionFlags"] == [],
             "reattached, flags cleared in the same request", info)
        self.bad(self.dcall("DELETE", "/datasets/" + did, user="bob", pid=hpc), 403,
                 "forbidden", "remove without privileges: 403")
        t.ok(self.dcall("DELETE", "/datasets/" + did, pid=hpc).status == 204, "remove: 204")
        self.bad(self.opget(hpc, "/datasets/" + did), 404, "notFound", "removed: 404")
        self.bad(self.dcall("DELETE", "/datasets/" + did, pid=hpc), 404, "notFound",
                 "remove it again: 404")
        t.eq(self.opget(hpc, "/data/%s/dataset/summary" % top).json()["directDataset"], None,
             "the file has no dataset any more")

        gone = self.dcall("POST", "/datasets", {"rootFileId": a}, pid=hpc).json()["datasetId"]
        self.call("DELETE", hpc, "/data/" + a)
        self.posix(self.dcall("PATCH", "/datasets/" + gone, {"state": "attached"}, pid=hpc),
                   "enoent", "reattaching a dataset whose root is deleted")
        self.call("DELETE", hpc, "/data/" + top)

    def archive_lifecycle(self):
        t, hpc = self.t, self.hpc
        files = {"one.txt": b"first file", "two.bin": bytes(range(256)) * 40}
        top = self.workdir("ds-archives", files)
        did = self.dcall("POST", "/datasets", {"rootFileId": top}, pid=hpc).json()["datasetId"]

        for body, error_id, name in (
                ({}, "missingRequiredValue", "no datasetId"),
                ({"datasetId": did, "config": {"layout": "zip"}}, "badValueNotAllowed",
                 "an unknown layout"),
                ({"datasetId": did, "config": {"includeDip": "yes"}}, "badValueBoolean",
                 "includeDip not a boolean"),
                ({"datasetId": did, "config": {"incremental": True}}, "badData",
                 "incremental not an object"),
                ({"datasetId": did, "description": 5}, "badValueString",
                 "a description not a string")):
            self.bad(self.dcall("POST", "/archives", body, pid=hpc), 400, error_id,
                     "create an archive with %s: %s" % (name, error_id))
        self.bad(self.dcall("POST", "/archives", {"datasetId": "f" * 32}, pid=hpc), 404,
                 "notFound", "archive an unknown dataset: 404")
        self.bad(self.dcall("POST", "/archives", {"datasetId": did}, user="bob", pid=hpc),
                 403, "forbidden", "archive without space_create_archives: 403")

        self.tsettings(paused=True)
        reply = self.dcall("POST", "/archives", {"datasetId": did, "description": "first"},
                           pid=hpc)
        aid = reply.json().get("archiveId")
        t.ok(reply.status == 201 and reply.headers.get("Location", "").endswith(
            "/archives/%s" % aid), "create an archive: 201, id and URI", reply.body)
        info = self.opget(hpc, "/archives/" + aid).json()
        t.ok(info["state"] == "pending" and info["datasetId"] == did and
             info["config"] == {"incremental": {"enabled": False}, "includeDip": False,
                                "layout": "plain", "createNestedArchives": False,
                                "followSymlinks": True} and
             info["stats"] == {"filesArchived": 0, "filesFailed": 0, "bytesArchived": 0} and
             info["description"] == "first" and info["rootDirectoryId"],
             "a new archive is pending, with the default config", info)
        self.bad(self.dcall("POST", "/archives/%s/delete" % aid, {}, pid=hpc), 400,
                 "forbiddenForCurrentArchiveState", "deleting a pending archive is refused")
        self.tsettings(paused=False, rate=64 << 10, fileSeconds=0.05)
        seen = {self.archive_until(aid, ("building",))["state"]}
        info = self.archive_until(aid, ("preserved", "failed"))
        seen.add(info["state"])
        t.ok(seen == {"building", "preserved"} and info["stats"] == {
            "filesArchived": 2, "filesFailed": 0,
            "bytesArchived": sum(len(d) for d in files.values())},
            "building, then preserved with its stats", info)
        self.tsettings(reset=True)
        listing = [c["name"] for c in self.opget(hpc, "/data/%s/children"
                                                 % info["rootDirectoryId"]).json()["children"]]
        t.eq(listing, sorted(files), "the archive's directory holds the files")
        t.eq(self.opget(hpc, "/datasets/" + did).json()["archiveCount"], 1,
             "archiveCount counts it")
        self.posix(self.dcall("DELETE", "/datasets/" + did, pid=hpc), "enotempty",
                   "a dataset with archives cannot be removed")

        bag = self.dcall("POST", "/archives", {"datasetId": did, "config": {
            "layout": "bagit", "incremental": {"enabled": True}}}, pid=hpc).json()["archiveId"]
        info = self.archive_until(bag, ("preserved", "failed"))
        names = [c["name"] for c in self.opget(hpc, "/data/%s/children"
                                               % info["rootDirectoryId"]).json()["children"]]
        t.ok(info["state"] == "preserved" and info["baseArchiveId"] == aid and
             names == ["bagit.txt", "data"], "a bagit archive, incremental on the first", info)
        page = self.opget(hpc, "/datasets/%s/archives?limit=1" % did).json()
        rest = self.opget(hpc, "/datasets/%s/archives?limit=1&token=%s"
                          % (did, page["nextPageToken"])).json()
        t.ok(page["archives"] == [bag] and rest == {"archives": [aid], "nextPageToken": None},
             "archives listed newest first, paged", (page, rest))
        self.bad(self.opget(hpc, "/datasets/%s/archives" % did, user="bob"), 403, "forbidden",
                 "listing archives without space_view_archives: 403")
        t.ok(self.dcall("PATCH", "/archives/" + aid, {"description": "renamed"},
                        pid=hpc).status == 204 and
             self.opget(hpc, "/archives/" + aid).json()["description"] == "renamed",
             "update an archive's description")

        self.recalls(top, aid, files)

        failing = self.file_id(TEM, "ds-archives", "one.txt", pid=hpc)
        self.ctl("POST", "/files/%s/transfer-failure" % failing, {})
        bad = self.dcall("POST", "/archives", {"datasetId": did}, pid=hpc).json()["archiveId"]
        info = self.archive_until(bad, ("preserved", "failed"))
        self.ctl("DELETE", "/files/%s/transfer-failure" % failing)
        t.ok(info["state"] == "failed" and info["stats"]["filesFailed"] == 1 and
             info["stats"]["filesArchived"] == 1, "a file that fails: the archive fails", info)
        self.bad(self.dcall("POST", "/archives/%s/recall" % bad, {
            "parentDirectoryId": self.file_id(TEM, pid=hpc)}, pid=hpc), 400,
            "forbiddenForCurrentArchiveState", "recalling a failed archive is refused")

        self.bad(self.dcall("POST", "/archives/%s/delete" % aid, {}, user="bob", pid=hpc),
                 403, "forbidden", "deleting without space_remove_archives: 403")
        self.tsettings(paused=True)
        for archive in (aid, bag, bad):
            t.ok(self.dcall("POST", "/archives/%s/delete" % archive, {}, pid=hpc).status == 204,
                 "delete an archive: 204")
        t.eq(self.opget(hpc, "/archives/" + aid).json()["state"], "deleting",
             "a deleted archive is deleting for a while")
        self.bad(self.dcall("POST", "/archives/%s/delete" % aid, {}, pid=hpc), 400,
                 "forbiddenForCurrentArchiveState", "deleting it twice is refused")
        self.tsettings(paused=False)
        deadline = time.monotonic() + 10
        while self.opget(hpc, "/archives/" + aid).status != 404 and time.monotonic() < deadline:
            time.sleep(0.02)
        self.bad(self.opget(hpc, "/archives/" + aid), 404, "notFound", "then it is gone")
        t.eq(self.opget(hpc, "/datasets/" + did).json()["archiveCount"], 0,
             "archiveCount follows")
        t.ok(self.dcall("DELETE", "/datasets/" + did, pid=hpc).status == 204,
             "the dataset can go now")
        self.call("DELETE", hpc, "/data/" + top)

    def recalls(self, top, aid, files):
        t, hpc = self.t, self.hpc
        tem = self.file_id(TEM, pid=hpc)
        for body, status, error_id, name in (
                ({}, 400, "missingRequiredValue", "no parentDirectoryId"),
                ({"targetParentId": tem}, 400, "missingRequiredValue",
                 "the spec's targetParentId"),
                ({"parentDirectoryId": "x"}, 400, "badValueIdentifier", "a bad id")):
            self.bad(self.dcall("POST", "/archives/%s/recall" % aid, body, pid=hpc), status,
                     error_id, "recall with %s: %s" % (name, error_id))
        self.bad(self.dcall("POST", "/archives/%s/recall" % ("f" * 32),
                            {"parentDirectoryId": tem}, pid=hpc), 404, "notFound",
                 "recall an unknown archive: 404")
        self.bad(self.dcall("POST", "/archives/%s/recall" % aid, {"parentDirectoryId": tem},
                            user="bob", pid=hpc), 403, "forbidden",
                 "recall without space_recall_archives: 403")
        self.posix(self.dcall("POST", "/archives/%s/recall" % aid, {"parentDirectoryId": tem},
                              pid=hpc), "eexist", "recall onto an existing name")

        self.tsettings(rate=64 << 10, fileSeconds=0.1)
        reply = self.dcall("POST", "/archives/%s/recall" % aid,
                           {"parentDirectoryId": tem, "targetFileName": "recalled"}, pid=hpc)
        root = reply.json().get("rootFileId")
        t.ok(reply.status == 201 and root, "recall: 201 with the root's id", reply.body)
        details = self.opget(hpc, "/data/%s/recall/details" % root).json()
        t.ok(details["archiveId"] == aid and details["totalFileCount"] == 2 and
             details["totalByteSize"] == sum(len(d) for d in files.values()) and
             details["finishTime"] is None and details["lastError"] is None,
             "recall details while it runs", details)
        self.posix(self.dcall("POST", "/archives/%s/recall" % aid,
                              {"parentDirectoryId": tem, "targetFileName": "recalled"},
                              pid=hpc), "eexist", "the target name is taken")
        self.bad(self.dcall("POST", "/archives/%s/recall" % aid,
                            {"parentDirectoryId": root, "targetFileName": "inner"}, pid=hpc),
                 400, "recallTargetConflict", "a target inside a running recall")
        progress = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            # Details first: progress read after a finished recall is final.
            finished = self.opget(hpc, "/data/%s/recall/details" % root).json()["finishTime"]
            progress.append(self.opget(hpc, "/data/%s/recall/progress" % root).json())
            if finished:
                break
            time.sleep(0.02)
        total = sum(len(d) for d in files.values())
        t.ok(progress[-1] == {"filesCopied": 2, "bytesCopied": total, "filesFailed": 0} and
             any(p["filesCopied"] < 2 for p in progress),
             "progress grows until every file is copied", progress[-3:])
        self.tsettings(reset=True)
        copied = {c["name"]: self.download(hpc, c["fileId"]) for c in self.opget(
            hpc, "/data/%s/children" % root).json()["children"]}
        t.eq(copied, files, "the recalled files hold the archived content")
        attrs = self.attrs(hpc, self.file_id(TEM, "recalled", "one.txt", pid=hpc),
                           "archiveRecallRootFileId")
        t.eq(attrs["archiveRecallRootFileId"], root, "files know their recall root")
        self.bad(self.opget(hpc, "/data/%s/recall/details" % top), 404, "notFound",
                 "recall details of a file not recalled: 404")

        self.tsettings(paused=True)
        root2 = self.dcall("POST", "/archives/%s/recall" % aid,
                           {"parentDirectoryId": tem, "targetFileName": "cancelled"},
                           pid=hpc).json()["rootFileId"]
        t.ok(self.dcall("POST", "/data/%s/recall/cancel" % root2, pid=hpc).status == 204,
             "cancel a recall: 204")
        self.tsettings(paused=False)
        deadline = time.monotonic() + 10
        while not self.opget(hpc, "/data/%s/recall/details" % root2).json()["finishTime"] \
                and time.monotonic() < deadline:
            time.sleep(0.02)
        t.eq(self.opget(hpc, "/data/%s/recall/progress" % root2).json()["filesCopied"], 0,
             "a recall cancelled before it started copies nothing")
        for name in ("recalled", "cancelled"):
            self.call("DELETE", hpc, "/data/" + self.file_id(TEM, name, pid=hpc))

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
        self.bad(self.opget(fs, "/data/%s/distribution" % share["rootFileId"]), 400,
                 "notSupported", "share-scoped ids: no distribution (notSupported)")
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

    # -- share and handle management -------------------------------------------------

    DC = ('<?xml version="1.0" encoding="utf-8"?>'
          '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/">'
          '<dc:title>Run 35</dc:title><dc:creator>Carol Lindqvist</dc:creator></oai_dc:dc>')

    def oz_call(self, method, path, user="alice", **kw):
        token = self.tokens.get(user, user) if user else None
        return self.http.request(method, self.zone + path, token=token, **kw)

    def share_management(self):
        t, fs, hpc = self.t, self.fs, self.hpc
        r0035 = self.file_id(BEAMLINE, "p700123", "r0035")
        body = {"name": "Run 35", "rootFileId": r0035, "description": "# Run 35\n\nÜber ✓"}
        made = self.call("POST", fs, "/shares", user="carol", json_body=body)
        shid = (made.json() or {}).get("shareId")
        t.ok(made.status == 201 and shid and made.headers.get("Location", "").endswith(
            "/api/v3/oneprovider/shares/" + shid), "OP POST /shares: 201 {shareId} + Location",
             "%d %s" % (made.status, made.body[:300]))
        again = self.call("POST", fs, "/shares", user="carol", json_body=body).json()["shareId"]
        t.ok(again != shid, "a second share of the same folder gets its own id")
        t.eq(sorted(self.attrs(fs, r0035, "directShareIds")["directShareIds"]),
             sorted([shid, again]), "both are in the folder's directShareIds")
        got = self.oz("/spaces/%s/shares/%s" % (self.space[BEAMLINE], shid), user="carol").json()
        t.ok(got["description"] == body["description"] and got["name"] == "Run 35"
             and got["handleId"] is None and got["fileType"] == "dir",
             "OZ GET /spaces/{sid}/shares/{shid}: the new share, description exact", got)
        self.bad(self.oz("/spaces/%s/shares/%s" % (self.space[KRIOS], shid), user="carol"),
                 404, "notFound", "... a share of another space there: 404")
        public = self.http.get(self.zone + "/shares/%s/public" % shid).json()
        root = public["rootFileId"]
        t.eq(self.opget(fs, "/data/%s?attributes=name" % root, user=None).json(),
             {"name": "r0035"}, "its public data is served without a token")

        for fields, error, name in (
                ({"name": "x"}, "missingRequiredValue", "no rootFileId"),
                ({"rootFileId": r0035}, "missingRequiredValue", "no name"),
                ({"rootFileId": r0035, "name": ""}, "badValueEmpty", "an empty name"),
                ({"rootFileId": r0035, "name": 5}, "badValueString", "a name that is no string"),
                ({"rootFileId": "zz", "name": "x"}, "badValueIdentifier", "a bad id")):
            self.bad(self.call("POST", fs, "/shares", user="carol", json_body=fields), 400,
                     error, "OP POST /shares, " + name)
        self.posix(self.call("POST", fs, "/shares", user="carol",
                             json_body={"rootFileId": root, "name": "x"}),
                   "enotsup", "sharing a share-scoped id")
        krios = self.file_id(KRIOS, "Atlas")
        self.bad(self.call("POST", fs, "/shares", user="bob",
                           json_body={"rootFileId": krios, "name": "x"}), 403, "forbidden",
                 "bob (no space_manage_shares in Krios) cannot share")
        self.bad(self.call("POST", hpc, "/shares", user="carol",
                           json_body={"rootFileId": r0035, "name": "x"}), 400,
                 "spaceNotSupportedBy", "sharing through a provider of other spaces")

        patch = {"name": "Run 35 (final)", "description": "new ✓\n"}
        t.eq(self.call("PATCH", fs, "/shares/" + shid, user="carol", json_body=patch).status,
             204, "OP PATCH /shares/{shid}: 204")
        got = self.oz("/shares/" + shid, user="carol").json()
        t.eq((got["name"], got["description"]), (patch["name"], patch["description"]),
             "... renamed and described")
        t.eq(self.oz_call("PATCH", "/shares/" + shid, user="carol",
                          json_body={"name": "Run 35"}).status, 204, "OZ PATCH /shares/{id}: 204")
        t.eq(self.oz("/shares/" + shid, user="carol").json()["name"], "Run 35",
             "... renamed back, description kept")
        self.bad(self.call("PATCH", fs, "/shares/" + shid, user="carol", json_body={"x": 1}),
                 400, "missingAtLeastOneValue", "OP PATCH with neither name nor description")
        square = self.info["shares"]["/%s/Images-Disc1/GridSquare_1734452" % KRIOS]
        self.bad(self.oz_call("PATCH", "/shares/" + square, user="bob", json_body=patch), 403,
                 "forbidden", "OZ PATCH by bob (no space_manage_shares in Krios): 403")
        self.bad(self.oz_call("PATCH", "/shares/" + "0" * 32, json_body=patch), 404,
                 "notFound", "OZ PATCH of an unknown share: 404")

        listed = self.oz("/shares", user="carol")
        t.ok(listed.status == 200 and shid in listed.json()["shares"]
             and set(self.info["shares"].values()) <= set(listed.json()["shares"]),
             "OZ GET /shares for a zone admin (carol): every share", listed.body[:300])
        self.bad(self.oz("/shares", user="alice"), 403, "forbidden",
                 "OZ GET /shares without oz_shares_list: 403")

        self.handles(shid)

        again_root = self.oz("/shares/" + again, user="carol").json()["rootFileId"]
        t.eq(self.call("DELETE", fs, "/shares/" + again, user="carol").status, 204,
             "OP DELETE /shares/{shid}: 204")
        self.bad(self.oz("/shares/" + again, user="carol"), 404, "notFound",
                 "... the share is gone")
        self.bad(self.opget(fs, "/data/%s" % again_root, user=None), 404, "notFound",
                 "... and its public data")
        t.eq(self.attrs(fs, r0035, "directShareIds")["directShareIds"], [shid],
             "... and the folder's directShareIds")
        t.eq(self.attrs(fs, r0035, "name")["name"], "r0035", "... the data stays")
        self.bad(self.call("DELETE", fs, "/shares/" + again, user="carol"), 404,
                 "notFound", "deleting it again: 404")
        self.call("DELETE", fs, "/shares/" + shid, user="carol")
        t.eq(self.oz("/spaces/%s/shares" % self.space[BEAMLINE], user="carol").json(),
             {"shares": [self.info["shares"]["/%s/p700123/r0034" % BEAMLINE]]},
             "the space lists its fixture share again")

    def handles(self, shid):
        t = self.t
        services = self.info["handleServices"]
        doi, hdl = services["Facility DOI (test)"], services["Facility Handle.net (test)"]
        t.eq({u: self.oz("/user/effective_handle_services", user=u).json()
              for u in ("alice", "bob", "carol")},
             {"alice": {"handle_services": [doi]}, "bob": {"handle_services": []},
              "carol": {"handle_services": sorted([doi, hdl])}},
             "GET /user/effective_handle_services (snake_case)")
        t.eq(self.http.get(self.zone + "/handle_services/%s/public" % hdl).json(),
             {"handleServiceId": hdl, "name": "Facility Handle.net (test)"},
             "GET /handle_services/{id}/public without a token")
        request = {"handleServiceId": doi, "resourceType": "Share", "resourceId": shid,
                   "metadataPrefix": "oai_dc", "metadata": self.DC}
        for user, change, status, error, name in (
                ("bob", {}, 403, "forbidden", "bob may not register on the DOI service"),
                ("alice", {"handleServiceId": hdl}, 403, "forbidden",
                 "alice may not register on the Handle.net service"),
                ("carol", {"metadata": "<a><b></a>"}, 400, "badValueXML", "broken XML"),
                ("carol", {"metadata": "<html/>"}, 400, "badData", "XML that is not oai_dc"),
                ("carol", {"metadataPrefix": "marc"}, 400, "badValueNotAllowed",
                 "an unknown metadata prefix"),
                ("carol", {"resourceId": "0" * 32}, 400, "badValueIdNotFound",
                 "an unknown share"),
                ("carol", {"metadata": None}, 400, "badValueString", "metadata not a string")):
            body = dict(request, **change)
            self.bad(self.oz_call("POST", "/user/handles", user=user, json_body=body),
                     status, error, "POST /user/handles: " + name)
        reply = self.oz_call("POST", "/user/handles", user="carol", json_body=request)
        hid = reply.headers.get("Location", "").rsplit("/", 1)[-1]
        t.ok(reply.status == 201 and not reply.body and len(hid) == 32,
             "POST /user/handles: 201, the id in Location only", "%d %r" % (
                 reply.status, reply.headers.get("Location")))
        self.bad(self.oz_call("POST", "/handles", user="carol", json_body=request), 409,
                 "alreadyExists", "a second handle for the share: 409")
        t.eq(self.oz("/shares/" + shid, user="carol").json()["handleId"], hid,
             "the share shows its handleId")
        got = self.oz("/handles/" + hid, user="carol").json()
        t.ok(got["publicHandle"].startswith("10.5072/") and got["metadata"] == self.DC
             and got["resourceId"] == shid and got["creator"]["id"] == self.info["users"]["carol"],
             "GET /handles/{id}: a DOI under 10.5072, the metadata as sent", got)
        public = self.http.get(self.zone + "/handles/%s/public" % hid).json()
        t.eq(public, {k: v for k, v in got.items() if k != "creator"},
             "GET /handles/{id}/public: no token, no creator")
        self.bad(self.oz("/handles/" + hid, user="alice"), 403, "forbidden",
                 "GET /handles/{id} by someone else: 403")
        t.eq([self.oz(p, user="carol").json() for p in ("/user/handles", "/user/effective_handles")],
             [{"handles": [hid]}] * 2, "GET /user/handles and /user/effective_handles")
        new = self.DC.replace("Run 35", "Run 35 &amp; more")
        t.eq(self.oz_call("PATCH", "/handles/" + hid, user="carol",
                          json_body={"metadata": new}).status, 204, "PATCH /handles/{id}: 204")
        t.eq(self.http.get(self.zone + "/handles/%s/public" % hid).json()["metadata"], new,
             "... the new metadata")
        self.bad(self.oz_call("PATCH", "/handles/" + hid, user="carol",
                              json_body={"metadata": "<x"}), 400, "badValueXML",
                 "PATCH with broken XML")
        t.eq(self.oz_call("DELETE", "/handles/" + hid, user="carol").status, 204,
             "DELETE /handles/{id}: 204")
        t.eq(self.oz("/shares/" + shid, user="carol").json()["handleId"], None,
             "... the share has no handle any more")
        self.bad(self.oz("/handles/" + hid, user="carol"), 404, "notFound", "... and it is gone")

        body = dict(request, handleServiceId=hdl)
        reply = self.oz_call("POST", "/handles", user="carol", json_body=body)
        hid = reply.headers.get("Location", "").rsplit("/", 1)[-1]
        t.ok(self.http.get(self.zone + "/handles/%s/public" % hid).json()["publicHandle"]
             .startswith("http://hdl.handle.net/21.T15999/"),
             "POST /handles on the Handle.net service: a hdl.handle.net URL")

    # -- writing -------------------------------------------------------------------

    def created(self, reply, name):
        file_id = (reply.json() or {}).get("fileId") if reply.status == 201 else None
        self.t.ok(file_id, name + ": 201 {fileId}", "%d %s" % (reply.status, reply.body[:300]))
        return file_id

    def writes(self):
        t, fs, hpc = self.t, self.fs, self.hpc
        notes = self.file_id(KRIOS, "Sample notes")
        born = self.attrs(fs, notes, "creationTime")["creationTime"]
        data = payload("upload", 3000)
        before = int(time.time())
        reply = self.send("POST", fs, "/data/%s/children?name=%s" % (notes, quote("upload ü.bin")),
                          data)
        new = self.created(reply, "POST children with a body")
        after = int(time.time())
        t.eq(reply.headers.get("Location"), "%s/data/%s" % (self.op[fs], new),
             "Location is the new file's URI on the provider")
        t.eq(self.download(fs, new), data, "the body became the content")
        attrs = self.attrs(fs, new, "size", "type", "ownerUserId", "posixPermissions",
                           "parentFileId", "mtime", "ctime", "atime", "creationTime", "path")
        t.ok(attrs["size"] == 3000 and attrs["type"] == "REG"
             and attrs["ownerUserId"] == self.info["users"]["alice"]
             and attrs["posixPermissions"] == "664" and attrs["parentFileId"] == notes
             and attrs["path"] == "/%s/Sample notes/upload ü.bin" % KRIOS
             and all(isinstance(attrs[k], int) and before <= attrs[k] <= after
                     for k in ("mtime", "ctime", "atime", "creationTime")),
             "new file: size, owner = caller, mode 664, times in seconds", attrs)
        t.eq(self.file_id(KRIOS, "Sample notes", "upload ü.bin"), new,
             "the new file is found by path")
        names = [c["name"] for c in self.opget(fs, "/data/%s/children" % notes).json()["children"]]
        t.ok("upload ü.bin" in names and names == sorted(names), "... and listed, in order")
        parent = self.attrs(fs, notes, "mtime", "ctime", "creationTime")
        t.ok(before <= parent["mtime"] == parent["ctime"] <= after and
             parent["creationTime"] == born,
             "the parent's mtime and ctime follow the creation, its creationTime stays", parent)
        storage = self.info["storages"]
        dist = self.opget(fs, "/data/%s/distribution" % new).json()["distributionPerProvider"]
        t.ok(dist[fs]["distributionPerStorage"][storage[fs]]["blocks"] == [[0, 3000]]
             and dist[hpc]["distributionPerStorage"][storage[hpc]]["blocks"] == []
             and dist[hpc]["locationsPerStorage"][storage[hpc]] is None,
             "distribution: complete where it was written, nothing elsewhere", dist)
        t.eq(self.attrs(hpc, new, "localReplicationRate")["localReplicationRate"], 0.0,
             "... localReplicationRate 0.0 on the other provider")

        empty = self.created(self.send("POST", fs, "/data/%s/children?name=blank.txt" % notes,
                                       b"", ctype=None), "empty body, no Content-Type")
        t.ok(self.attrs(fs, empty, "size")["size"] == 0 and self.download(fs, empty) == b"",
             "an empty body makes an empty file")
        folder = self.created(self.call("POST", fs, "/data/%s/children?name=run%%2001&type=DIR"
                                        % notes), "POST children type=DIR")
        t.eq(self.attrs(fs, folder, "type", "posixPermissions", "size"),
             {"type": "DIR", "posixPermissions": "775", "size": None}, "new directory: 775")
        private = self.created(self.call("POST", fs, "/data/%s/children?name=private&type=DIR"
                                         "&mode=700" % notes), "mode=700 (octal)")
        t.eq(self.attrs(fs, private, "posixPermissions"), {"posixPermissions": "700"},
             "mode is read as octal")
        reply = self.send("POST", fs, "/data/%s/children?name=gap.bin&offset=4" % folder, b"abcd")
        gap = self.created(reply, "POST children with offset")
        t.eq(self.download(fs, gap), b"\0\0\0\0abcd", "the body is written at the offset")

        self.posix(self.send("POST", fs, "/data/%s/children?name=%s" % (notes, quote("upload ü.bin")),
                             b"again"), "eexist", "an existing name")
        self.posix(self.call("POST", fs, "/data/%s/children?name=run%%2001&type=DIR" % notes),
                   "eexist", "an existing directory name")
        long_name = "n" * 256
        for name, errno in ((".", "einval"), ("..", "einval"), ("a/b", "einval"),
                            ("nul\0byte", "einval"), (long_name, "enametoolong")):
            self.posix(self.call("POST", fs, "/data/%s/children?name=%s" % (notes, quote(name))),
                       errno, "name %r" % name[:20])
        t.eq(self.created(self.call("POST", fs, "/data/%s/children?name=%s" % (
            folder, quote("é" * 127 + "x"))), "a 255-byte name") is not None, True,
             "255 bytes of UTF-8 are allowed")
        for query, error_id, detail in (
                ("", "missingRequiredValue", {"key": "name"}),
                ("name=", "badValueEmpty", {"key": "name"}),
                ("name=x&type=FIFO", "badValueNotAllowed", None),
                ("name=x&type=SYMLNK", "missingRequiredValue", {"key": "target_file_path"}),
                ("name=x&type=LNK", "missingRequiredValue", {"key": "target_file_id"}),
                ("name=x&mode=rwx", "badValueInteger", {"key": "mode"}),
                ("name=x&mode=7777", "badValueNotInRange", {"key": "mode", "low": 0,
                                                            "high": 1023}),
                ("name=x&offset=-1", "badValueTooLow", {"key": "offset", "limit": 0}),
                ("name=x&offset=ten", "badValueInteger", {"key": "offset"})):
            reply = self.call("POST", fs, "/data/%s/children?%s" % (folder, query))
            ok = reply.status == 400 and reply.error_id() == error_id and (
                detail is None or reply.json()["error"].get("details") == detail)
            t.ok(ok, "POST children?%s: %s" % (query, error_id), reply.body[:300])
        self.bad(self.call("POST", fs, "/data/%s/children?name=l&type=SYMLNK&target_file_path=x"
                           % folder), 400, "notSupported", "links are not modelled: notSupported")
        for ctype in ("application/x-www-form-urlencoded", "application/json", None):
            reply = self.send("POST", fs, "/data/%s/children?name=ct.bin" % folder, b"data",
                              ctype=ctype)
            t.ok(reply.status == 415 and reply.body == b"",
                 "a body with Content-Type %s: bare 415" % ctype, reply.status)
        file_id = self.file_id(KRIOS, "EpuSession.dm")
        self.posix(self.call("POST", fs, "/data/%s/children?name=x" % file_id), "enotdir",
                   "creating in a file")
        self.posix(self.call("POST", fs, "/data/%s/children?name=x" % make_file_id(
            "0" * 32, self.space[KRIOS])), "enoent", "creating in a directory that is gone")

        # Create by path.
        reply = self.send("PUT", fs, "/data/%s/path/%s?create_parents=true" % (
            folder, quote_path("deep", "er st", "file.txt")), b"by path")
        by_path = self.created(reply, "PUT path with create_parents")
        t.eq(self.file_id(KRIOS, "Sample notes", "run 01", "deep", "er st", "file.txt"), by_path,
             "... made the missing directories")
        deep = self.file_id(KRIOS, "Sample notes", "run 01", "deep")
        t.eq(self.attrs(fs, deep, "type", "posixPermissions", "ownerUserId"),
             {"type": "DIR", "posixPermissions": "775",
              "ownerUserId": self.info["users"]["alice"]}, "... directories 775, owned by alice")
        self.posix(self.send("PUT", fs, "/data/%s/path/%s" % (folder, quote_path("nope", "f.txt")),
                             b"x"), "enoent", "PUT path without create_parents, missing parent")
        self.posix(self.send("PUT", fs, "/data/%s/path/%s" % (
            folder, quote_path("deep", "er st", "file.txt")), b"x"), "eexist",
                   "PUT path to an existing file")
        self.posix(self.send("PUT", fs, "/data/%s/path/%s?create_parents=true" % (
            folder, quote_path("gap.bin", "inside")), b"x"), "enotdir",
                   "PUT path through a file")
        self.posix(self.send("PUT", fs, "/data/%s/path/%s" % (folder, quote_path("..", "x")),
                             b"x"), "einval", "PUT path with a .. segment")
        made = self.created(self.call("PUT", fs, "/data/%s/path/%s?type=DIR&create_parents=true"
                                      % (self.space[KRIOS], quote_path("Sample notes", "run 01",
                                                                       "a", "b"))),
                            "PUT path type=DIR from the space id")
        t.eq(self.attrs(fs, made, "type")["type"], "DIR", "... a directory")
        self.bad(self.send("PUT", fs, "/data/%s/path/x?create_parents=maybe" % folder, b""), 400,
                 "badValueBoolean", "create_parents=maybe: badValueBoolean")

        # Upload: overwrite, offsets, resume.
        target = self.created(self.send("POST", fs, "/data/%s/children?name=upload.bin" % folder,
                                        b""), "an empty file to upload into")
        content = payload("chunks", 5 * 1000 + 17)
        reply = self.send("PUT", fs, "/data/%s/content" % target, b"0123456789abcdef")
        t.ok(reply.status == 204 and reply.body == b"", "PUT content: 204, no body")
        self.send("PUT", fs, "/data/%s/content" % target, b"short")
        t.eq(self.download(fs, target), b"short", "no offset: truncated, then written")
        self.send("PUT", fs, "/data/%s/content?offset=2" % target, b"OR")
        t.eq(self.download(fs, target), b"shORt", "offset: written in place, the rest kept")
        self.send("PUT", fs, "/data/%s/content?offset=0" % target, b"S")
        t.eq(self.download(fs, target), b"ShORt", "offset=0 does not truncate")
        self.send("PUT", fs, "/data/%s/content?offset=8" % target, b"!")
        t.eq(self.download(fs, target), b"ShORt\0\0\0!", "writing past the end grows the file")
        self.send("PUT", fs, "/data/%s/content" % target, b"")
        t.eq(self.attrs(fs, target, "size")["size"], 0, "an empty PUT truncates to 0")
        conn = self.http.connect(self.op[fs])
        for at in range(0, len(content), 1000):
            size = self.attrs(fs, target, "size")["size"]
            self.send("PUT", fs, "/data/%s/content?offset=%d" % (target, size),
                      content[size:size + 1000], conn=conn)
        conn.close()
        t.ok(self.download(fs, target) == content and
             self.attrs(fs, target, "size")["size"] == len(content),
             "chunked upload resuming from the size each time")
        t.eq(self.ctl("GET", "/files/%s/sha256" % target).json(),
             {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)},
             "control: sha256 of the upload")
        self.posix(self.send("PUT", fs, "/data/%s/content" % folder, b"x"), "eisdir",
                   "PUT content of a directory")
        reply = self.send("PUT", fs, "/data/%s/content" % target, b"x", ctype="text/plain")
        t.ok(reply.status == 415 and reply.body == b"", "PUT content as text/plain: bare 415")
        self.posix(self.send("PUT", fs, "/data/%s/content" % make_file_id(
            "0" * 32, self.space[KRIOS]), b"x"), "enoent", "PUT content of no file")
        self.bad(self.send("PUT", fs, "/data/%s/content?offset=-5" % target, b"x"), 400,
                 "badValueTooLow", "PUT content?offset=-5: badValueTooLow")
        self.bad(self.send("PUT", fs, "/data/NOT-AN-ID/content", b"x"), 400,
                 "badValueIdentifier", "PUT content of a garbage id")

        # A fixture file: partial writes keep its generated content.
        xml = self.file_id(KRIOS, "Atlas", "Atlas_1.xml")
        old = self.attrs(fs, xml, "size", "creationTime", "mtime", "atime")
        size = old["size"]
        original = expected_content(xml, size)
        now = int(time.time())
        self.send("PUT", fs, "/data/%s/content?offset=100" % xml, b"EDITED")
        t.eq(self.download(fs, xml), original[:100] + b"EDITED" + original[106:],
             "a fixture file written at an offset keeps the rest of its content")
        new_times = self.attrs(fs, xml, "size", "creationTime", "mtime", "atime", "ctime")
        t.ok(new_times["size"] == size and new_times["creationTime"] == old["creationTime"]
             and new_times["atime"] == old["atime"] and
             now <= new_times["mtime"] == new_times["ctime"] <= now + 2,
             "... its size stays, mtime and ctime move, creationTime and atime stay",
             (old, new_times))
        self.send("PUT", fs, "/data/%s/content?offset=100" % xml, original[100:106])
        t.eq(self.download(fs, xml), original, "... and can be put back")
        blank = self.file_id(KRIOS, "Sample notes", "empty.txt")
        t.eq(self.attrs(hpc, blank, "localReplicationRate")["localReplicationRate"], 1.0,
             "an empty fixture file is complete on HPC Centre")
        self.send("PUT", fs, "/data/%s/content" % blank, b"now written")
        t.eq((self.attrs(hpc, blank, "localReplicationRate", "size"),
              self.attrs(fs, blank, "localReplicationRate")),
             ({"localReplicationRate": 0.0, "size": 11}, {"localReplicationRate": 1.0}),
             "written through Facility Storage: HPC Centre's replica is stale (0 %)")
        t.eq(self.download(hpc, blank), b"now written",
             "... and HPC Centre serves the new content")

        # Delete.
        t.eq(self.call("DELETE", fs, "/data/%s" % gap).status, 204, "DELETE a file: 204")
        self.posix(self.opget(fs, "/data/%s" % gap), "enoent", "the deleted file is gone")
        blob = os.path.join(self.info["ca"].rsplit("/tls/", 1)[0], "blobs", new)
        t.ok(os.path.exists(blob), "an uploaded file's content is its blob")
        t.eq(self.call("DELETE", fs, "/data/%s/path/%s" % (notes, quote("upload ü.bin"))).status,
             204, "DELETE by path: 204")
        t.ok(not os.path.exists(blob), "... and its blob is removed")
        self.posix(self.call("DELETE", fs, "/data/%s/path/%s" % (notes, quote("upload ü.bin"))),
                   "enoent", "DELETE by path of nothing")
        t.eq(self.call("DELETE", fs, "/data/%s" % folder).status, 204,
             "DELETE a directory: recursive")
        t.ok(all(self.opget(fs, "/data/%s" % f).status == 400
                 for f in (folder, by_path, deep, target, made)), "... everything below is gone")
        self.posix(self.call("DELETE", fs, "/data/%s" % self.space[KRIOS]), "eperm",
                   "DELETE the space root")
        for name in ("blank.txt",):
            self.call("DELETE", fs, "/data/%s/path/%s" % (notes, quote(name)))
        self.call("DELETE", fs, "/data/%s" % private)

    def write_permissions(self):
        t, fs, hpc = self.t, self.fs, self.hpc
        notes = self.file_id(KRIOS, "Sample notes")
        movie, _ = self.movie(1734452)
        data = self.file_id(KRIOS, "Images-Disc1", "GridSquare_1734452", "Data")
        self.bad(self.send("POST", fs, "/data/%s/children?name=x" % notes, b"x", user="bob"), 403,
                 "forbidden", "bob has no space_write_data in the Krios space: 403")
        t.eq(self.opget(fs, "/data/%s/children?limit=1" % notes, user="bob").status, 200,
             "... but reads it")
        self.bad(self.send("POST", fs, "/data/%s/children?name=x" % self.file_id(
            BEAMLINE, "p700123"), b"x", user="bob"), 403, "forbidden",
                 "writing into a space of others: 403")
        self.posix(self.send("POST", fs, "/data/%s/children?name=x" % notes, b"x",
                             user="alice-readonly"), "eacces",
                   "a data.readonly token refuses writes")
        reply = self.send("POST", fs, "/data/%s/children?name=oneclient.txt" % notes, b"x",
                          user="alice-oneclient")
        t.ok(reply.status == 401 and reply.auth_error_id() == "tokenCaveatUnverified",
             "an oneclient token does not write over REST", reply.body)
        t.eq(self.call("POST", fs, "/data/%s/children?name=x" % notes, user=None).status, 401,
             "writing without a token: 401")
        self.posix(self.send("POST", hpc, "/data/%s/children?name=x" % notes, b"x"), "erofs",
                   "HPC Centre's read-only support of the Krios space")
        self.posix(self.send("PUT", hpc, "/data/%s/content" % movie["fileId"], b"x"), "erofs",
                   "... refuses uploads too")
        tem = self.lookup(hpc, TEM, "2025-03-18 NiTi alloy").json()["fileId"]
        for user in ("alice", "bob"):
            reply = self.send("POST", hpc, "/data/%s/children?name=%s.txt" % (tem, user),
                              b"TEM", user=user)
            t.eq(reply.status, 201, "%s writes in TEM through HPC Centre" % user)
            self.call("DELETE", hpc, "/data/%s" % (reply.json() or {}).get("fileId"), user=user)
        self.bad(self.send("POST", fs, "/data/%s/children?name=x" % tem, b"x"), 400,
                 "spaceNotSupportedBy", "TEM through Facility Storage: spaceNotSupportedBy")

        # Dataset protection.
        for what, directory in (("Images-Disc1", self.file_id(KRIOS, "Images-Disc1")),
                                ("a directory below it", data),
                                ("P11 run r0034", self.file_id(BEAMLINE, "p700123", "r0034")),
                                ("r0034/logs", self.file_id(BEAMLINE, "p700123", "r0034", "logs"))):
            self.posix(self.send("POST", fs, "/data/%s/children?name=x" % directory, b"x"),
                       "eperm", "creating in %s (data_protection)" % what)
        self.posix(self.send("PUT", fs, "/data/%s/content?offset=0" % movie["fileId"], b"x"),
                   "eperm", "uploading into a protected file")
        self.posix(self.call("DELETE", fs, "/data/%s" % movie["fileId"]), "eperm",
                   "deleting a protected file")
        self.posix(self.call("DELETE", fs, "/data/%s" % self.file_id(KRIOS, "Images-Disc1")),
                   "eperm", "deleting a protected directory")
        self.posix(self.call("DELETE", fs, "/data/%s" % self.file_id(BEAMLINE, "p700123")),
                   "eperm", "deleting a directory with a protected dataset inside")
        self.posix(self.send("PUT", fs, "/data/%s/path/%s?create_parents=true" % (
            self.space[KRIOS], quote_path("Images-Disc1", "new", "x.txt")), b"x"), "eperm",
                   "PUT path into a protected directory")
        for where, path in (("the Krios root", (KRIOS,)),
                            ("Atlas (detached dataset)", (KRIOS, "Atlas")),
                            ("Processing (dataset without flags)", (KRIOS, "Processing")),
                            ("P11 r0035", (BEAMLINE, "p700123", "r0035")),
                            ("P11 processed", (BEAMLINE, "p700123", "processed"))):
            reply = self.send("POST", fs, "/data/%s/children?name=probe.txt" % self.file_id(*path),
                              b"probe")
            t.eq(reply.status, 201, "alice writes in %s" % where)
            self.call("DELETE", fs, "/data/%s" % (reply.json() or {}).get("fileId"))
        reply = self.send("POST", fs, "/data/%s/children?name=carol.txt"
                          % self.file_id(BEAMLINE, "p700123"), b"c", user="carol")
        t.eq(reply.status, 201, "carol writes in P11")
        self.call("DELETE", fs, "/data/%s" % (reply.json() or {}).get("fileId"), user="carol")

        share = self.opget(fs, "/shares/" + self.info["shares"][
            "/%s/Images-Disc1/GridSquare_1734452" % KRIOS]).json()["rootFileId"]
        for method, path in (("POST", "/data/%s/children?name=x"), ("PUT", "/data/%s/content"),
                             ("DELETE", "/data/%s"), ("PUT", "/data/%s/path/x"),
                             ("PUT", "/data/%s/metadata/xattrs")):
            self.bad(self.send(method, fs, path % share, b"", user=None), 400, "notSupported",
                     "%s %s with a share-scoped id: notSupported" % (method, path.split("?")[0]))

    def concurrent_writers(self):
        t, hpc = self.t, self.hpc
        tem = self.lookup(hpc, TEM).json()["fileId"]
        folder = (self.call("POST", hpc, "/data/%s/children?name=parallel&type=DIR"
                            % tem).json() or {}).get("fileId")
        failures = []

        def writer(worker):
            client = Client(self.info["ca"])
            conn = client.connect(self.op[hpc])
            for k in range(8):
                name = "w%02d_%d.bin" % (worker, k)
                reply = client.request(
                    "POST", self.op[hpc] + "/data/%s/children?name=%s" % (folder, name),
                    token=self.tokens["alice"], body=payload(name, 1000 + worker),
                    headers={"Content-Type": OCTETS}, conn=conn)
                if reply.status != 201:
                    failures.append(reply.body[:200])
            conn.close()

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        page = self.opget(hpc, "/data/%s/children?attributes=name&attributes=size"
                          "&attributes=fileId" % folder).json()["children"]
        t.ok(not failures and len(page) == 128 and
             all(c["size"] == 1000 + int(c["name"][1:3]) for c in page),
             "16 connections x 8 creates with content: 128 files, each complete", failures[:3])
        some = [c for c in page if c["name"].endswith("_7.bin")]
        t.ok(all(self.download(hpc, c["fileId"]) == payload(c["name"], c["size"]) for c in some),
             "... with the right content")

        # Chunks of one file written in parallel at their offsets.
        big = (self.send("POST", hpc, "/data/%s/children?name=striped.bin" % folder,
                         b"").json() or {}).get("fileId")
        whole = payload("striped", 16 * 65536)

        def stripe(index):
            client = Client(self.info["ca"])
            reply = client.request("PUT", self.op[hpc] + "/data/%s/content?offset=%d"
                                   % (big, index * 65536), token=self.tokens["alice"],
                                   body=whole[index * 65536:(index + 1) * 65536],
                                   headers={"Content-Type": OCTETS})
            if reply.status != 204:
                failures.append(reply.body[:200])

        threads = [threading.Thread(target=stripe, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        t.ok(not failures and self.download(hpc, big) == whole,
             "16 chunks of one file uploaded in parallel", failures[:3])
        t.eq(self.call("DELETE", hpc, "/data/%s" % folder).status, 204,
             "the parallel writers' directory is deleted")

    # -- xattrs ----------------------------------------------------------------------

    def xattrs(self):
        t, fs, hpc = self.t, self.fs, self.hpc
        images = self.file_id(KRIOS, "Images-Disc1")
        fixture = self.opget(fs, "/data/%s/metadata/xattrs" % images).json()
        t.eq(fixture, {"instrument": "Titan Krios G4", "detector": "Gatan K3",
                       "operator": "Alice Kowalczyk", "voltage_kV": 300, "pixel_size_A": 0.83,
                       "dose_e_per_A2": 50, "proposal": "EM-2025-117"},
             "GET xattrs: the fixture's, numbers as numbers")
        t.eq(self.opget(fs, "/data/%s/metadata/xattrs?attribute=detector" % images).json(),
             {"detector": "Gatan K3"}, "?attribute=k: that one")
        self.posix(self.opget(fs, "/data/%s/metadata/xattrs?attribute=nope" % images), "enodata",
                   "?attribute= of an absent key")
        notes = self.file_id(KRIOS, "Sample notes")
        target = (self.send("POST", fs, "/data/%s/children?name=xattrs.txt" % notes,
                            b"x").json() or {}).get("fileId")
        t.eq(self.opget(fs, "/data/%s/metadata/xattrs" % target).json(), {},
             "a new file has no xattrs")
        t.eq(self.attrs(fs, target, "hasCustomMetadata"), {"hasCustomMetadata": False},
             "... and hasCustomMetadata false")
        values = {"sha256": "9f86d081884c7d65", "Größe": "sehr groß", "試料": "東京 🔬",
                  "count": 3, "ratio": 0.5}
        reply = self.call("PUT", fs, "/data/%s/metadata/xattrs" % target, json_body=values)
        t.ok(reply.status == 204 and reply.body == b"", "PUT xattrs: 204")
        t.eq(self.opget(fs, "/data/%s/metadata/xattrs" % target).json(), values,
             "round trip, Unicode keys and values, numbers")
        times = self.attrs(fs, target, "mtime", "ctime")
        time.sleep(1.05)
        self.call("PUT", fs, "/data/%s/metadata/xattrs" % target, json_body={"count": 4})
        got = self.opget(fs, "/data/%s/metadata/xattrs" % target).json()
        t.eq(got, dict(values, count=4), "PUT merges (others untouched)")
        later = self.attrs(fs, target, "mtime", "ctime")
        t.ok(later["mtime"] == times["mtime"] and later["ctime"] > times["ctime"],
             "an xattr change moves ctime, not mtime", (times, later))
        listed = self.attrs(fs, target, "xattr.sha256", "xattr.試料", "xattr.none",
                            "hasCustomMetadata")
        t.eq(listed, {"xattr.sha256": values["sha256"], "xattr.試料": values["試料"],
                      "xattr.none": None, "hasCustomMetadata": True},
             "xattr.<key> attributes read the same store")
        page = self.opget(fs, "/data/%s/children?attributes=name&attributes=xattr.sha256"
                          % notes).json()["children"]
        t.eq(next(c for c in page if c["name"] == "xattrs.txt")["xattr.sha256"], values["sha256"],
             "... in listings too")
        reply = self.call("DELETE", fs, "/data/%s/metadata/xattrs" % target,
                          json_body={"keys": ["count", "absent"]})
        t.ok(reply.status == 204 and "count" not in
             self.opget(fs, "/data/%s/metadata/xattrs" % target).json(),
             "DELETE xattrs {keys}: removed (absent keys ignored)")
        self.call("DELETE", fs, "/data/%s/metadata/xattrs?keys=ratio&keys=%s"
                  % (target, quote("Größe")))
        t.eq(sorted(self.opget(fs, "/data/%s/metadata/xattrs" % target).json()),
             ["sha256", "試料"], "DELETE xattrs?keys=a&keys=b")
        for body, error_id in (({"k": ["a"]}, "badData"), ({"k": {"a": 1}}, "badData"),
                               ({"k": True}, "badData"), ({"k": None}, "badData")):
            reply = self.call("PUT", fs, "/data/%s/metadata/xattrs" % target, json_body=body)
            t.ok(reply.status == 400 and reply.error_id() == error_id and
                 reply.json()["error"]["details"]["key"] == "k",
                 "xattr value %s: badData {key: k}" % json.dumps(body["k"]), reply.body[:200])
        reply = self.call("PUT", fs, "/data/%s/metadata/xattrs" % target, json_body=["a"])
        self.bad(reply, 400, "badData", "an xattrs body that is not an object: badData")
        reply = self.call("PUT", fs, "/data/%s/metadata/xattrs" % target, body=b"{nope",
                          headers={"Content-Type": "application/json"})
        self.bad(reply, 400, "malformedData", "xattrs body that is not JSON: malformedData")
        reply = self.call("PUT", fs, "/data/%s/metadata/xattrs" % target, body=b'{"a":"b"}',
                          headers={"Content-Type": "text/plain"})
        t.ok(reply.status == 415 and reply.body == b"", "xattrs body as text/plain: bare 415")
        for key, errno in (("cdmi_size", "eperm"), ("onedata_json", "eperm"),
                           ("org.onedata.guid", "eperm"), ("", "einval")):
            self.posix(self.call("PUT", fs, "/data/%s/metadata/xattrs" % target,
                                 json_body={key: "x"}), errno, "xattr key %r" % key)
        self.bad(self.call("DELETE", fs, "/data/%s/metadata/xattrs" % target), 400,
                 "missingRequiredValue", "DELETE xattrs without keys")
        self.bad(self.call("DELETE", fs, "/data/%s/metadata/xattrs" % target,
                           json_body={"keys": "sha256"}), 400, "badValueListOfStrings",
                 "keys that are not a list: badValueListOfStrings")
        self.posix(self.call("PUT", fs, "/data/%s/metadata/xattrs" % images,
                             json_body={"note": "x"}), "eperm",
                   "metadata_protection (Images-Disc1) refuses xattr writes")
        movie, _ = self.movie(1734460)
        self.posix(self.call("DELETE", fs, "/data/%s/metadata/xattrs" % movie["fileId"],
                             json_body={"keys": ["x"]}), "eperm",
                   "... for everything below it (effective)")
        run = self.file_id(BEAMLINE, "p700123", "r0034")
        t.eq(self.call("PUT", fs, "/data/%s/metadata/xattrs" % run,
                       json_body={"reviewed": "yes"}).status, 204,
             "data_protection alone (r0034) lets xattrs change")
        self.call("DELETE", fs, "/data/%s/metadata/xattrs" % run, json_body={"keys": ["reviewed"]})
        self.posix(self.call("PUT", fs, "/data/%s/metadata/xattrs" % target, json_body={"a": "b"},
                             user="alice-readonly"), "eacces", "xattrs with a readonly token")
        t.eq(self.opget(fs, "/data/%s/metadata/xattrs" % target, user="alice-readonly").status,
             200, "... which reads them")
        self.posix(self.call("PUT", hpc, "/data/%s/metadata/xattrs" % target, json_body={"a": "b"}),
                   "erofs", "xattrs through the read-only support")
        self.bad(self.call("PUT", fs, "/data/%s/metadata/xattrs" % target, user="bob",
                           json_body={"a": "b"}), 403, "forbidden",
                 "xattrs without space_write_data: 403")
        grid = self.file_id(KRIOS, "Images-Disc1", "GridSquare_1734452")
        inherited = self.opget(fs, "/data/%s/metadata/xattrs?inherited=true" % grid).json()
        t.eq(inherited, fixture, "inherited=true: the ancestors' xattrs")
        t.eq(self.opget(fs, "/data/%s/metadata/xattrs" % grid).json(), {},
             "... without it, only the file's own")
        self.bad(self.opget(fs, "/data/%s/metadata/xattrs?inherited=perhaps" % grid), 400,
                 "badValueBoolean", "inherited=perhaps: badValueBoolean")
        self.call("DELETE", fs, "/data/%s" % target)

    def json_rdf(self):
        t, fs = self.t, self.fs
        notes = self.file_id(KRIOS, "Sample notes")
        folder = self.created(self.call("POST", fs, "/data/%s/children?name=meta&type=DIR"
                                        % notes), "a folder for metadata")
        target = self.created(self.send("POST", fs, "/data/%s/children?name=m.txt" % folder,
                                        b"x"), "a file for metadata")
        json_url, rdf_url = "/data/%s/metadata/json" % target, "/data/%s/metadata/rdf" % target
        self.posix(self.opget(fs, json_url), "enodata", "GET json of a file without one")
        self.posix(self.opget(fs, rdf_url), "enodata", "GET rdf of a file without one")
        document = {"sample": {"name": "Apoferritin", "grids": [{"id": "G1"}, {"id": "G2"}]},
                    "Größe": "東京 🔬", "dose": 50.5}
        reply = self.call("PUT", fs, json_url, json_body=document)
        t.ok(reply.status == 204 and reply.body == b"", "PUT json: 204")
        reply = self.opget(fs, json_url)
        t.ok(reply.status == 200 and reply.json() == document and
             reply.headers.get("Content-Type", "").startswith("application/json"),
             "GET json: the document, application/json", reply.body[:200])
        t.eq(self.attrs(fs, target, "hasCustomMetadata"), {"hasCustomMetadata": True},
             "a JSON document sets hasCustomMetadata")
        t.eq(self.opget(fs, json_url + "?filter_type=keypath&filter=sample.grids.[1].id").json(),
             "G2", "filter a.b.[1].c: the value there")
        self.posix(self.opget(fs, json_url + "?filter_type=keypath&filter=sample.nope"),
                   "enodata", "filter to nothing")
        self.bad(self.opget(fs, json_url + "?filter_type=keypath"), 400,
                 "missingRequiredValue", "filter_type without filter")
        self.bad(self.opget(fs, json_url + "?filter=a"), 400,
                 "missingRequiredValue", "filter without filter_type")
        self.bad(self.opget(fs, json_url + "?filter_type=jsonpath&filter=a"), 400,
                 "badValueNotAllowed", "filter_type other than keypath")
        self.bad(self.opget(fs, json_url + "?filter_type=keypath&filter=a..b"), 400,
                 "badData", "a key path with an empty step")
        reply = self.call("PUT", fs, json_url + "?filter_type=keypath&filter=sample.grids.[2]",
                          json_body={"id": "G3"})
        t.eq((reply.status, self.opget(fs, json_url).json()["sample"]["grids"][2]),
             (204, {"id": "G3"}), "PUT with a filter sets the value there (appending)")
        self.call("PUT", fs, json_url + "?filter_type=keypath&filter=new.deep", json_body=1)
        t.eq(self.opget(fs, json_url).json()["new"], {"deep": 1},
             "... and makes the objects on the way")
        self.posix(self.call("PUT", fs, json_url + "?filter_type=keypath&filter=sample.grids.[9]",
                             json_body=1), "enodata", "a filter past an array's end")
        self.call("PUT", fs, "/data/%s/metadata/json" % folder,
                  json_body={"sample": {"name": "folder", "buffer": "HEPES"}, "site": "Brno"})
        inherited = self.opget(fs, json_url + "?inherited=true").json()
        t.ok(inherited["site"] == "Brno" and inherited["sample"]["buffer"] == "HEPES" and
             inherited["sample"]["name"] == "Apoferritin",
             "inherited=true merges objects key by key, the nearest winning", inherited)
        big = {"frames": ["%06d" % i for i in range(100000)]}
        body = json.dumps(big).encode()
        reply = self.call("PUT", fs, json_url, body=body,
                          headers={"Content-Type": "application/json"})
        t.ok(reply.status == 204 and self.opget(fs, json_url).json() == big,
             "a %d-byte document round trip" % len(body))
        self.bad(self.call("PUT", fs, json_url, body=b'{"a":', headers={
            "Content-Type": "application/json"}), 400, "malformedData", "PUT json: bad JSON")
        reply = self.call("PUT", fs, json_url, body=b'{"a":1}',
                          headers={"Content-Type": "text/plain"})
        t.eq(reply.status, 415, "PUT json as text/plain: 415")
        t.eq(self.call("DELETE", fs, json_url).status, 204, "DELETE json: 204")
        self.posix(self.opget(fs, json_url), "enodata", "... gone")
        rdf = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' \
              '<rdf:Description rdf:about="x"><note>Größe</note></rdf:Description></rdf:RDF>'
        reply = self.send("PUT", fs, rdf_url, rdf.encode(), ctype="application/rdf+xml")
        t.eq(reply.status, 204, "PUT rdf: 204")
        reply = self.opget(fs, rdf_url)
        t.ok(reply.status == 200 and reply.body.decode() == rdf and
             reply.headers.get("Content-Type") == "application/rdf+xml",
             "GET rdf: the text, application/rdf+xml", reply.body[:200])
        t.eq(self.send("PUT", fs, rdf_url, b"<a/>", ctype="application/json").status, 415,
             "PUT rdf as application/json: 415")
        internal = self.opget(fs, "/data/%s/metadata/xattrs?show_internal=true" % target).json()
        t.eq(internal.get("onedata_rdf"), rdf, "show_internal=true shows onedata_rdf")
        t.eq(self.call("DELETE", fs, rdf_url).status, 204, "DELETE rdf: 204")
        self.posix(self.opget(fs, rdf_url), "enodata", "... gone")
        images = self.file_id(KRIOS, "Images-Disc1")
        self.posix(self.call("PUT", fs, "/data/%s/metadata/json" % images, json_body={}),
                   "eperm", "metadata_protection refuses JSON writes")
        self.posix(self.send("PUT", fs, "/data/%s/metadata/rdf" % images, b"<a/>",
                             ctype="application/rdf+xml"), "eperm", "... and RDF writes")
        self.posix(self.call("DELETE", fs, "/data/%s/metadata/json" % images), "eperm",
                   "... and removals")
        self.bad(self.call("PUT", fs, json_url, user="bob", json_body={}), 403, "forbidden",
                 "JSON without space_write_data: 403")
        self.posix(self.call("PUT", fs, json_url, json_body={}, user="alice-readonly"),
                   "eacces", "JSON with a readonly token")
        self.call("DELETE", fs, "/data/%s" % folder)

    # -- recursive listing -----------------------------------------------------------

    def files_walk(self, file_id, names=("fileId",)):
        """(path, attrs) of everything below a directory, depth first over
        name-sorted directories, as a client walking /children sees it."""
        out = []

        def visit(directory, base):
            query = "&".join("attributes=" + n for n in ("name", "type") + tuple(names))
            for child in self.opget(self.fs, "/data/%s/children?%s" % (directory, query)
                                    ).json()["children"]:
                path = base + child["name"]
                if child["type"] == "DIR":
                    out.append((path + "/", child))
                    visit(child["fileId"], path + "/")
                else:
                    out.append((path, child))
        visit(file_id, "")
        return out

    def recursive_listing(self):
        t, fs = self.t, self.fs
        krios = self.space[KRIOS]
        walked = [(p, c) for p, c in self.files_walk(krios, ("fileId", "size"))
                  if not p.endswith("/")]
        paths, token, pages = [], None, 0
        while True:
            query = "?limit=250" + ("&token=" + quote(token) if token else "")
            page = self.opget(fs, "/data/%s/files%s" % (krios, query)).json()
            paths += [f["path"] for f in page["files"]]
            pages += 1
            token = page["nextPageToken"]
            if token is None or pages > 1000:
                break
        t.ok("isLast" not in page and page["inaccessiblePaths"] == [] and
             sorted(page) == ["files", "inaccessiblePaths", "nextPageToken"],
             "/files: files, inaccessiblePaths, nextPageToken (null at the end), no isLast")
        t.eq(paths, [p for p, _ in walked],
             "/files lists every file below, depth first, paths relative (%d files, %d pages)"
             % (len(paths), pages))
        first = self.opget(fs, "/data/%s/files?limit=3" % krios).json()["files"]
        t.ok(first and sorted(first[0]) == ["fileId", "file_id", "path"] and
             first[0]["fileId"] == walked[0][1]["fileId"],
             "default attributes: fileId and path (and file_id)", first[:1])
        t.ok("Probe Müller (Ø 3 mm)/Notiz zur Probe.txt" in paths and
             not any(p.startswith("/") for p in paths), "Unicode paths, none absolute")
        grid = "Images-Disc1/GridSquare_1734478/"
        got = self.opget(fs, "/data/%s/files?prefix=%s" % (krios, quote(grid))).json()["files"]
        t.eq([f["path"] for f in got], [p for p in paths if p.startswith(grid)],
             "prefix keeps the paths starting with it")
        after = paths[100]
        got = self.opget(fs, "/data/%s/files?limit=5&start_after=%s" % (krios, quote(after))
                         ).json()["files"]
        t.eq([f["path"] for f in got], paths[101:106], "start_after resumes after that path")
        got = self.opget(fs, "/data/%s/files?limit=2" % krios,
                         json_body={"start_after": after, "attributes": ["path", "size"]}).json()
        t.eq(got["files"], [{"path": p, "size": dict(walked)[p]["size"]}
                            for p in paths[101:103]],
             "options in a JSON body; explicit attributes (path stays relative)")
        dirs = self.opget(fs, "/data/%s/files?include_directories=true&limit=1000&prefix=%s"
                          % (krios, quote("Processing"))).json()["files"]
        t.eq([f["path"] for f in dirs],
             ["Processing", "Processing/MotionCorr", "Processing/MotionCorr/job002"] +
             ["Processing/MotionCorr/job002/" + n for n in (
                 "corrected_micrographs.star", "logfile.pdf", "note.txt", "run.err", "run.out")],
             "include_directories lists directories before their content")
        images = self.file_id(KRIOS, "Images-Disc1")
        sub = self.opget(fs, "/data/%s/files?limit=1&attributes=path&attributes=name"
                         % images).json()["files"]
        t.ok(sub and sub[0]["path"] == paths[[p.startswith("Images-Disc1/")
                                              for p in paths].index(True)][len("Images-Disc1/"):],
             "paths are relative to the listed directory", sub)
        xml = self.file_id(KRIOS, "Atlas", "Atlas_1.xml")
        t.eq([f["path"] for f in self.opget(fs, "/data/%s/files" % xml).json()["files"]], ["."],
             "a file lists itself as \".\"")
        for query, error_id in (("limit=0", "badValueNotInRange"), ("limit=1001",
                                                                     "badValueNotInRange"),
                                ("include_directories=maybe", "badValueBoolean"),
                                ("attributes=colour", "badValueNotAllowed")):
            self.bad(self.opget(fs, "/data/%s/files?%s" % (krios, query)), 400, error_id,
                     "files?%s: %s" % (query, error_id))
        self.posix(self.opget(fs, "/data/%s/files?token=bogus" % krios), "einval",
                   "an undecodable token")
        token = self.opget(fs, "/data/%s/files?limit=1" % krios).json()["nextPageToken"]
        self.posix(self.opget(fs, "/data/%s/files?token=%s" % (images, quote(token))), "einval",
                   "a token of another directory")
        self.posix(self.opget(fs, "/data/%s/files?token=%s&start_after=a" % (krios, quote(token))),
                   "einval", "token with start_after")
        self.bad(self.opget(fs, "/data/%s/files" % self.space[TEM]), 400, "spaceNotSupportedBy",
                 "/files via a provider not supporting the space")

    def big_recursive_listing(self, directory):
        t, fs = self.t, self.fs
        conn = self.http.connect(self.op[fs])
        names, token, total, slowest, pages = [], None, 0.0, 0.0, 0
        while True:
            query = "?limit=1000&attributes=path&attributes=size&attributes=type" + (
                "&token=" + quote(token) if token else "")
            reply = self.http.get(self.op[fs] + "/data/%s/files%s" % (directory, query),
                                  token=self.tokens["alice"], conn=conn)
            page = reply.json()
            names += [f["path"] for f in page["files"]]
            total += reply.seconds
            slowest = max(slowest, reply.seconds)
            pages += 1
            token = page["nextPageToken"]
            if token is None or pages > 200:
                break
        conn.close()
        t.ok(len(names) == 100000 and names == sorted(names) and len(set(names)) == 100000,
             "/files over 100,000 entries: 100 pages, in order, no duplicates")
        t.diag("/files 1000-entry pages: %.1f ms average, %.1f ms slowest"
               % (1000 * total / pages, 1000 * slowest))
        t.ok(total / pages < 0.2, "a 1000-entry /files page is served fast")
        krios = self.space[KRIOS]
        middle = "Images-Disc1/GridSquare_Big/Data/" + names[70000]
        reply = self.opget(fs, "/data/%s/files?limit=1000&start_after=%s" % (krios, quote(middle)))
        got = [f["path"] for f in reply.json()["files"]]
        t.ok(got[:999] == ["Images-Disc1/GridSquare_Big/Data/" + n
                           for n in names[70001:71000]] and reply.seconds < 0.5,
             "start_after deep in the big directory: one bisect (%.1f ms)" % (1000 * reply.seconds))

    # -- public share data -----------------------------------------------------------

    def share_access(self):
        t, fs, hpc = self.t, self.fs, self.hpc
        square_share = self.info["shares"]["/%s/Images-Disc1/GridSquare_1734452" % KRIOS]
        run_share = self.info["shares"]["/%s/p700123/r0034" % BEAMLINE]
        square = self.opget(fs, "/shares/" + square_share).json()["rootFileId"]
        run = self.opget(fs, "/shares/" + run_share).json()["rootFileId"]
        uuid, space_id, share_id = parse_file_id(square)
        t.ok(share_id == square_share and space_id == self.space[KRIOS],
             "rootFileId is shareGuid#<uuid>#<spaceId>#<shareId> in a CDMI object id")

        attrs = self.opget(fs, "/data/%s" % square, user=None)
        a = attrs.json() or {}
        t.ok(attrs.status == 200 and a.get("fileId") == square and a.get("parentFileId") is None
             and a.get("name") == "GridSquare_1734452" and a.get("shares") == [square_share]
             and "ownerUserId" not in a and "displayUid" not in a and a.get("type") == "DIR",
             "anonymous attributes of the share root: share-scoped id, no parent, no owner", a)
        everything = ("fileId,index,type,activePermissionsType,posixPermissions,name,"
                      "conflictingName,parentFileId,creationTime,atime,mtime,ctime,size,"
                      "directShareIds,symlinkValue,hasCustomMetadata,xattr.x").split(",")
        t.eq(sorted(self.opget(fs, "/data/%s?%s" % (square, "&".join(
            "attributes=" + n for n in everything)), user=None).json()), sorted(everything),
             "share mode serves its attribute set")
        reply = self.opget(fs, "/data/%s?attributes=ownerUserId" % square, user=None)
        t.ok(reply.error_id() == "badValueNotAllowed" and "ownerUserId" not in
             reply.json()["error"]["details"]["allowed"],
             "other attributes: badValueNotAllowed with the share set", reply.body[:200])
        page = self.opget(fs, "/data/%s/children?attributes=fileId&attributes=name"
                          "&attributes=parentFileId&attributes=type" % square, user=None).json()
        kids = page["children"]
        private = self.opget(fs, "/data/%s/children" % self.file_id(
            KRIOS, "Images-Disc1", "GridSquare_1734452")).json()["children"]
        t.ok([c["name"] for c in kids] == [c["name"] for c in private] and
             all(parse_file_id(c["fileId"])[2] == square_share and c["parentFileId"] == square
                 for c in kids), "anonymous children: share-scoped ids, parent the share root")
        data = next(c for c in kids if c["name"] == "Data")["fileId"]
        files = self.opget(fs, "/data/%s/children?attributes=fileId&attributes=name"
                           "&attributes=size" % data, user=None).json()["children"]
        movie = next(c for c in files if c["name"].endswith(".xml"))
        uuid = parse_file_id(movie["fileId"])[0]
        private_id = make_file_id(uuid, self.space[KRIOS])
        body = self.download(fs, movie["fileId"], user=None)
        t.eq(body, self.download(fs, private_id), "anonymous content equals the private one")
        part = self.call("GET", fs, "/data/%s/content" % movie["fileId"], user=None,
                         headers={"Range": "bytes=10-19"})
        t.ok(part.status == 206 and part.body == body[10:20], "anonymous content with Range")
        t.eq(self.opget(fs, "/data/%s" % movie["fileId"], user="malformed").status, 200,
             "a token sent with a share-scoped id is ignored")
        t.eq(self.opget(hpc, "/data/%s/children?limit=1" % square, user=None).status, 200,
             "HPC Centre serves the share too")
        xattrs = self.opget(fs, "/data/%s/metadata/xattrs" % run, user=None)
        t.eq(xattrs.json(), {"beamline": "P11", "proposal": "p700123", "detector": "EIGER2 X 16M",
                             "energy_keV": 12.0}, "anonymous xattrs of the P11 run")
        t.eq(self.opget(fs, "/data/%s/metadata/xattrs?inherited=true" % data, user=None).json(),
             {}, "inherited xattrs stop at the share root")
        listed = self.opget(fs, "/data/%s/files?limit=1000" % run, user=None).json()["files"]
        t.ok(len(listed) == 10 and all(parse_file_id(f["fileId"])[2] == run_share
                                       for f in listed), "/files through a share")
        atlas_uuid = parse_file_id(self.file_id(KRIOS, "Atlas"))[0]
        outside = make_share_file_id(atlas_uuid, self.space[KRIOS], square_share)
        self.posix(self.opget(fs, "/data/%s" % outside, user=None), "enoent",
                   "a share-scoped id outside the share root")
        self.bad(self.opget(fs, "/data/%s" % make_share_file_id(uuid, self.space[KRIOS], "0" * 32),
                            user=None), 404, "notFound", "a share-scoped id of no share: 404")
        self.bad(self.opget(hpc, "/data/%s" % run, user=None), 400, "spaceNotSupportedBy",
                 "a share of a space the provider does not support")
        for aspect in ("distribution", "dataset/summary", "qos/summary"):
            self.bad(self.opget(fs, "/data/%s/%s" % (square, aspect), user=None), 400,
                     "notSupported", "%s through a share: notSupported" % aspect)

        zone = self.zone + "/shares/data/"
        reply = self.http.get(zone + square + "/children?limit=2&attributes=name")
        t.eq((reply.status, reply.headers.get("Location")),
             (307, self.op[fs] + "/data/%s/children?limit=2&attributes=name" % square),
             "OZ /shares/data: 307 to an online supporting provider, query kept")
        followed = self.http.get(reply.headers.get("Location", "x"))
        t.ok(followed.status == 200 and len(followed.json()["children"]) == 2,
             "... whose answer needs no token")
        t.eq(self.http.get(zone + square).headers.get("Location"), self.op[fs] + "/data/" + square,
             "no subpath: the attributes")
        t.eq(self.http.get(zone + run + "/metadata/xattrs").headers.get("Location"),
             self.op[fs] + "/data/%s/metadata/xattrs" % run, "metadata/xattrs subpath")
        t.eq(self.http.get(zone + square + "/content", token=self.tokens["malformed"]).status,
             307, "a token sent is ignored")
        self.ctl("POST", "/providers/" + fs, {"online": False})
        t.eq(self.http.get(zone + square + "/content").headers.get("Location"),
             self.op[hpc] + "/data/%s/content" % square,
             "Facility Storage offline: redirected to HPC Centre")
        self.bad(self.http.get(zone + run + "/content"), 503, "serviceUnavailable",
                 "no supporting provider online: 503 serviceUnavailable")
        self.ctl("POST", "/providers/" + hpc, {"online": False})
        self.bad(self.http.get(zone + square), 503, "serviceUnavailable",
                 "both offline: 503")
        self.ctl("POST", "/providers/" + fs, {"online": True})
        self.ctl("POST", "/providers/" + hpc, {"online": True})
        reply = self.http.get(zone + self.file_id(KRIOS, "Atlas") + "/content")
        t.ok(reply.status == 400 and reply.error_id() == "badData" and
             reply.json()["error"]["details"] == {"key": "FileId"},
             "a private id: 400 badData {key: FileId}", reply.body[:200])
        self.bad(self.http.get(zone + "NOT-AN-ID/content"), 400, "badData", "a garbage id")
        self.bad(self.http.get(zone + make_share_file_id(uuid, self.space[KRIOS], "0" * 32)), 404,
                 "notFound", "an unknown share: 404")

    # -- control hooks -----------------------------------------------------------------

    def control_hooks(self):
        t, fs, hpc = self.t, self.fs, self.hpc
        notes = self.file_id(KRIOS, "Sample notes")
        data = payload("corrupt", 5000)
        target = (self.send("POST", fs, "/data/%s/children?name=checked.bin" % notes,
                            data).json() or {}).get("fileId")
        self.call("PUT", fs, "/data/%s/metadata/xattrs" % target,
                  json_body={"sha256": hashlib.sha256(data).hexdigest()})
        before = self.attrs(fs, target, "mtime", "ctime", "size")
        reply = self.ctl("POST", "/files/%s/corrupt" % target, {"offset": 1234, "provider": fs})
        t.eq(reply.json(), {"fileId": target, "offset": 1234, "provider": fs,
                            "before": data[1234], "after": data[1234] ^ 0xFF},
             "corrupt one byte on one provider")
        broken = self.download(fs, target)
        t.ok(broken != data and len(broken) == len(data) and
             sum(a != b for a, b in zip(broken, data)) == 1 and broken[1234] == data[1234] ^ 0xFF,
             "Facility Storage serves that byte flipped")
        t.eq(self.download(hpc, target), data, "HPC Centre serves the good content")
        t.ok(self.attrs(fs, target, "mtime", "ctime", "size") == before and
             self.opget(fs, "/data/%s/metadata/xattrs" % target).json()["sha256"] ==
             hashlib.sha256(data).hexdigest(), "size, times and the checksum xattr unchanged")
        t.eq(self.ctl("GET", "/files/%s/sha256?provider=%s" % (target, fs)).json(),
             {"sha256": hashlib.sha256(broken).hexdigest(), "size": 5000},
             "sha256 as that provider serves it")
        t.eq(self.ctl("GET", "/files/%s/sha256" % target).json()["sha256"],
             hashlib.sha256(data).hexdigest(), "sha256 of the stored content")
        part = self.call("GET", fs, "/data/%s/content" % target, headers={"Range": "bytes=1230-1239"})
        t.eq(part.body, broken[1230:1240], "ranges see the flipped byte too")
        self.ctl("POST", "/files/%s/corrupt" % target, {"offset": 1234, "provider": fs})
        t.eq(self.download(fs, target), data, "corrupting it again restores it")
        self.ctl("POST", "/files/%s/corrupt" % target, {"offset": 0})
        t.ok(self.download(fs, target)[0] == data[0] ^ 0xFF and
             self.download(hpc, target)[0] == data[0] ^ 0xFF,
             "without provider: the stored content, as every provider serves it")
        self.send("PUT", fs, "/data/%s/content?offset=0" % target, data[:1])
        self.ctl("POST", "/files/%s/corrupt" % target, {"offset": 9, "provider": fs})
        self.send("PUT", fs, "/data/%s/content?offset=4000" % target, data[4000:4001])
        t.eq(self.download(fs, target), data, "a later write clears injected corruption")
        gain = self.file_id(KRIOS, "GainReference_K3_20251112.mrc")
        t.eq(self.ctl("GET", "/files/%s/sha256" % gain).json(),
             {"sha256": hashlib.sha256(expected_content(gain, 32 << 20)).hexdigest(),
              "size": 32 << 20}, "sha256 of a fixture file")
        for path, body, status in (
                ("/files/%s/corrupt" % target, {"offset": 5000}, 400),
                ("/files/%s/corrupt" % target, {}, 400),
                ("/files/%s/corrupt" % target, {"offset": 1, "provider": "nope"}, 400),
                ("/files/%s/corrupt" % notes, {"offset": 0}, 400),
                ("/files/%s/corrupt" % make_file_id("0" * 32, self.space[KRIOS]), {"offset": 0},
                 404)):
            t.eq(self.ctl("POST", path, body).status, status,
                 "corrupt %s: %d" % (json.dumps(body), status))
        t.eq(self.ctl("GET", "/files/NOT-AN-ID/sha256").status, 404, "sha256 of no file: 404")
        self.call("DELETE", fs, "/data/%s" % target)

    # -- faults on uploads -------------------------------------------------------------

    def upload_faults(self):
        t, fs = self.t, self.fs
        notes = self.file_id(KRIOS, "Sample notes")
        data = payload("resumable", 3 << 20)
        target = (self.send("POST", fs, "/data/%s/children?name=resumable.bin" % notes,
                            b"").json() or {}).get("fileId")
        self.fault({"service": fs, "method": "PUT", "path": "/content$", "times": 1,
                    "reset_after_request_bytes": 1 << 20})
        try:
            reply = self.send("PUT", fs, "/data/%s/content" % target, data)
            t.ok(False, "reset_after_request_bytes resets the upload", reply.status)
        except (ConnectionError, http.client.HTTPException, ssl.SSLError, OSError) as exc:
            t.ok(True, "reset_after_request_bytes resets the upload (%s)" % type(exc).__name__)
        size = self.attrs(fs, target, "size")["size"]
        t.eq(size, 1 << 20, "the bytes received before the reset were written")
        reply = self.send("PUT", fs, "/data/%s/content?offset=%d" % (target, size), data[size:])
        t.ok(reply.status == 204 and self.ctl("GET", "/files/%s/sha256" % target).json() ==
             {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
             "resuming from the size completes the upload")
        log = [e for e in self.ctl("GET", "/requests").json()
               if e["method"] == "PUT" and e["status"] is None]
        t.ok(log, "the reset request is logged with status null")

        self.fault({"service": fs, "method": "POST", "path": "/children$", "times": 1,
                    "reset_after_request_bytes": 1000})
        try:
            self.send("POST", fs, "/data/%s/children?name=rolled-back.bin" % notes, data[:5000])
        except (ConnectionError, http.client.HTTPException, ssl.SSLError, OSError):
            pass
        self.posix(self.lookup(fs, KRIOS, "Sample notes", "rolled-back.bin"), "enoent",
                   "a create whose body broke off is rolled back")

        self.fault({"service": fs, "method": "PUT", "path": "/content$", "times": 1,
                    "status": 503})
        conn = self.http.connect(self.op[fs])
        reply = self.send("PUT", fs, "/data/%s/content" % target, data[:200000], conn=conn)
        after = self.opget(fs, "/data/%s?attributes=size" % target, conn=conn)
        conn.close()
        t.ok(reply.status == 503 and reply.error_id() == "serviceUnavailable" and
             after.status == 200 and after.json()["size"] == len(data),
             "an injected 503 on an upload: body skipped, file untouched, connection kept")
        self.fault({"service": fs, "method": "PUT", "path": "/content$", "times": 1,
                    "slow_request_bps": 10000})
        reply = self.send("PUT", fs, "/data/%s/content" % target, data[:3000])
        t.ok(reply.status == 204 and reply.seconds >= 0.25,
             "slow_request_bps reads the body slowly (%.2f s for 3000 B at 10000 B/s)"
             % reply.seconds)
        self.fault({"service": fs, "method": "GET", "path": "/files$", "times": 1, "status": 500})
        t.eq(self.opget(fs, "/data/%s/files" % notes).status, 500, "faults apply to /files")
        self.call("DELETE", fs, "/data/%s" % target)

    def removals(self):
        """Last: deleting a dataset's root (changes the fixture)."""
        t, fs = self.t, self.fs
        did = self.info["datasets"]["/%s/Processing" % KRIOS]
        processing = self.file_id(KRIOS, "Processing")
        t.eq(self.call("DELETE", fs, "/data/%s" % processing).status, 204,
             "deleting Processing (a dataset without protection)")
        info = self.opget(fs, "/datasets/" + did).json()
        t.ok(info["state"] == "detached" and info["rootFileDeleted"] is True and
             info["rootFilePath"] == "/%s/Processing" % KRIOS,
             "its dataset is detached, rootFileDeleted", info)

    # -- transfers ---------------------------------------------------------------------

    def err(self, reply):
        """(status, error id, details) of an error reply."""
        body = reply.json() or {}
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return reply.status, None, None
        return reply.status, error.get("id"), error.get("details")

    def schedule(self, body, pid=None, user="alice"):
        return self.call("POST", pid or self.fs, "/transfers", user=user, json_body=body)

    def tstatus(self, tid, pid=None, user="alice"):
        return self.opget(pid or self.fs, "/transfers/" + tid, user=user).json()

    def tsettings(self, **changes):
        return self.ctl("POST", "/transfers/settings", changes).json()

    def until(self, tid, check, timeout=20, pid=None):
        """Poll a transfer until check(status) holds (or time runs out)."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.tstatus(tid, pid)
            if check(status) or time.monotonic() > deadline:
                return status
            time.sleep(0.02)

    def ended(self, tid, timeout=20, pid=None):
        return self.until(tid, lambda s: s["transferStatus"] in
                          ("completed", "failed", "cancelled"), timeout, pid)

    def listed(self, sid, state=None, pid=None, user="alice", query=""):
        path = "/spaces/%s/transfers?%s" % (sid, "state=%s" % state if state else "")
        return self.opget(pid or self.fs, path + query, user=user)

    def entries(self, directory, pid=None):
        page = self.opget(pid or self.fs, "/data/%s/children?attributes=name&attributes=fileId"
                          "&attributes=size" % directory).json()["children"]
        return page

    def square(self, number):
        """(Data directory id, its movies, the other files) of a grid square."""
        data = self.file_id(KRIOS, "Images-Disc1", "GridSquare_%d" % number, "Data")
        children = self.entries(data)
        movies = [c for c in children if c["name"].endswith("_fractions.tiff")]
        others = [c for c in children if not c["name"].endswith("_fractions.tiff")]
        return data, movies, others

    def held(self, file_id, pid):
        """Bytes of a file held by a provider (from the distribution)."""
        per = self.opget(self.fs, "/data/%s/distribution" % file_id).json()[
            "distributionPerProvider"][pid]
        return per["distributionPerStorage"][self.info["storages"][pid]]["physicalSize"]

    def transfer_errors(self):
        t, fs, hpc, sid = self.t, self.fs, self.hpc, self.space
        data, movies, _ = self.square(1734460)
        gain = self.file_id(KRIOS, "GainReference_K3_20251112.mrc")
        run = self.file_id(BEAMLINE, "p700123", "r0034")
        tem = self.lookup(hpc, TEM, "2025-03-18 NiTi alloy").json()["fileId"]
        good = {"type": "replication", "replicatingProviderId": fs,
                "dataSourceType": "file", "fileId": gain}

        def case(body, want, name, pid=None, user="alice"):
            t.eq(self.err(self.schedule(body, pid, user)), want, "POST /transfers: " + name)

        types = ["replication", "eviction", "migration"]
        t.eq(self.call("POST", fs, "/transfers", user=None, json_body=good).status, 401,
             "POST /transfers without a token: 401")
        t.eq(self.schedule(good, user="alice-readonly").auth_error_id(),
             "tokenCaveatUnverified", "... with a data-caveated token: 401 (not a data "
             "endpoint)")
        t.eq(self.schedule(good, user="dave").auth_error_id(), "userNotSupported",
             "... dave: 401 userNotSupported")
        case({}, (400, "missingRequiredValue", {"key": "dataSourceType"}),
             "no body: dataSourceType is missing (keys are checked in sorted order)")
        case({"dataSourceType": "file", "fileId": gain},
             (400, "missingRequiredValue", {"key": "type"}), "no type")
        case(dict(good, type="transfer"),
             (400, "badValueNotAllowed", {"key": "type", "allowed": types}), "unknown type")
        case(dict(good, type=100), (400, "badValueString", {"key": "type"}),
             "type not a string")
        case(dict(good, dataSourceType="data"),
             (400, "badValueNotAllowed", {"key": "dataSourceType", "allowed": ["file", "view"]}),
             "unknown dataSourceType")
        case({"type": "replication", "dataSourceType": "file", "fileId": gain},
             (400, "missingRequiredValue", {"key": "replicatingProviderId"}),
             "replication without replicatingProviderId")
        case({"type": "eviction", "dataSourceType": "file", "fileId": gain,
              "replicatingProviderId": fs},
             (400, "missingRequiredValue", {"key": "evictingProviderId"}),
             "eviction without evictingProviderId")
        case(dict(good, type="migration"),
             (400, "missingRequiredValue", {"key": "evictingProviderId"}),
             "migration without evictingProviderId")
        case({"type": "migration", "dataSourceType": "file", "fileId": gain,
              "evictingProviderId": hpc},
             (400, "missingRequiredValue", {"key": "replicatingProviderId"}),
             "migration without replicatingProviderId")
        case({"type": "replication", "replicatingProviderId": fs, "dataSourceType": "file"},
             (400, "missingRequiredValue", {"key": "fileId"}), "file source without fileId")
        case(dict(good, replicatingProviderId=""),
             (400, "badValueEmpty", {"key": "replicatingProviderId"}), "empty provider id")
        case(dict(good, replicatingProviderId=100),
             (400, "badValueString", {"key": "replicatingProviderId"}),
             "provider id not a string")
        case(dict(good, callback=100), (400, "badValueString", {"key": "callback"}),
             "callback not a string")
        case(dict(good, fileId="InvalidObjectId"),
             (400, "badValueIdentifier", {"key": "fileId"}), "undecodable fileId")
        case(dict(good, fileId=sid[KRIOS]),
             (400, "badValueIdentifier", {"key": "fileId"}),
             "a space id is not a fileId (only /data/{id} takes one)")
        case(dict(good, replicatingProviderId="NonExistingProvider"),
             (400, "spaceNotSupportedBy", {"spaceId": sid[KRIOS],
                                           "providerId": "NonExistingProvider"}),
             "unknown provider: spaceNotSupportedBy naming it")
        case(dict(good, fileId=run, replicatingProviderId=hpc),
             (400, "spaceNotSupportedBy", {"spaceId": sid[BEAMLINE], "providerId": hpc}),
             "a provider not supporting the space")
        case({"type": "eviction", "evictingProviderId": hpc, "dataSourceType": "file",
              "fileId": run},
             (400, "spaceNotSupportedBy", {"spaceId": sid[BEAMLINE], "providerId": hpc}),
             "evicting from a provider not supporting the space")
        case(dict(good, fileId=tem, replicatingProviderId=hpc),
             (400, "spaceNotSupportedBy", {"spaceId": sid[TEM], "providerId": fs}),
             "asking a provider that does not support the space")
        case(good, (403, "forbidden", None), "bob (no space_schedule_replication)",
             user="bob")
        case({"type": "eviction", "evictingProviderId": hpc, "dataSourceType": "file",
              "fileId": tem}, (403, "forbidden", None),
             "bob in TEM (member defaults: no space_schedule_eviction)", pid=hpc, user="bob")
        case(dict(good, fileId=tem, replicatingProviderId=hpc), (403, "forbidden", None),
             "carol in TEM (not a member)", pid=hpc, user="carol")
        case(dict(good, fileId=make_file_id("0" * 32, "0" * 32)), (403, "forbidden", None),
             "a file id of an unknown space")
        case(dict(good, replicatingProviderId=hpc), (400, "posix", {"errno": "erofs"}),
             "replication onto a read-only support")
        case(dict(good, type="migration", replicatingProviderId=hpc, evictingProviderId=fs),
             (400, "posix", {"errno": "erofs"}), "migration onto a read-only support")
        share = self.info["shares"]["/%s/Images-Disc1/GridSquare_1734452" % KRIOS]
        case(dict(good, fileId=make_share_file_id(parse_file_id(gain)[0], sid[KRIOS], share)),
             (400, "posix", {"errno": "enotsup"}), "a share-scoped id")
        case(dict(good, fileId=make_file_id("0" * 32, sid[KRIOS])), (404, "notFound", None),
             "a file that does not exist: 404 notFound")
        view = {"type": "replication", "replicatingProviderId": fs, "dataSourceType": "view",
                "spaceId": sid[KRIOS], "viewName": "movies"}
        case(view, (400, "viewNotExistsOn", {"providerId": fs}),
             "a view transfer: no such view on this provider")
        case(view, (400, "viewNotExistsOn", {"providerId": hpc}),
             "... asked through HPC Centre", pid=hpc)
        case({"type": "replication", "replicatingProviderId": fs, "dataSourceType": "view"},
             (400, "missingRequiredValue", {"key": "spaceId"}), "view without spaceId")
        case(dict(view, spaceId="NonExistingSpace"), (403, "forbidden", None),
             "view in an unknown space")
        case(view, (403, "forbidden", None), "view transfer by bob", user="bob")
        for params, want in (("x", (400, "badValueJSON", {"key": "queryViewParams"})),
                             ({"limit": 0}, (400, "badValueTooLow", {"key": "limit", "limit": 1})),
                             ({"limit": "inf"}, (400, "badValueInteger", {"key": "limit"})),
                             ({"descending": "up"}, (400, "badValueBoolean",
                                                     {"key": "descending"})),
                             ({"stale": "fresh"}, (400, "badValueNotAllowed", {
                                 "key": "stale", "allowed": ["ok", "update_after", "false"]})),
                             ({"bbox": 123}, (400, "badData", {"key": "bbox"}))):
            case(dict(view, queryViewParams=params), want,
                 "queryViewParams %s" % json.dumps(params))
        reply = self.call("POST", fs, "/transfers", body=b"{nope",
                          headers={"Content-Type": "application/json"})
        t.eq(self.err(reply)[:2], (400, "malformedData"), "POST /transfers: bad JSON")
        reply = self.call("POST", fs, "/transfers", body=json.dumps(good).encode(),
                          headers={"Content-Type": "text/plain"})
        t.ok(reply.status == 415 and reply.body == b"", "POST /transfers: another "
             "Content-Type: bare 415")

        unknown = "0" * 32 + "ch0000"
        for method, path in (("GET", "/transfers/"), ("DELETE", "/transfers/"),
                             ("POST", "/transfers/%s/rerun")):
            path = path % unknown if "%s" in path else path + unknown
            t.eq(self.err(self.call(method, fs, path))[:2], (404, "notFound"),
                 "%s %s of no transfer: 404" % (method, path.split(unknown)[0] + "..."))
        krios = sid[KRIOS]
        for query, want in (("state=bogus", (400, "badValueNotAllowed", {
                                "key": "state", "allowed": ["waiting", "ongoing", "ended"]})),
                            ("limit=0", (400, "badValueNotInRange", {"key": "limit", "low": 1,
                                                                     "high": 1000})),
                            ("limit=1001", (400, "badValueNotInRange",
                                            {"key": "limit", "low": 1, "high": 1000})),
                            ("limit=x", (400, "badValueInteger", {"key": "limit"})),
                            ("offset=x", (400, "badValueInteger", {"key": "offset"}))):
            t.eq(self.err(self.opget(fs, "/spaces/%s/transfers?%s" % (krios, query))), want,
                 "GET /spaces/{sid}/transfers?%s" % query)
        t.eq(self.listed(krios, user="bob").status, 200,
             "bob lists the Krios transfers (space_view_transfers)")
        t.eq(self.err(self.listed(sid[TEM], pid=hpc, user="carol"))[:2], (403, "forbidden"),
             "carol lists TEM transfers: 403 (not a member)")
        t.eq(self.err(self.listed(sid[BEAMLINE], pid=hpc)),
             (400, "spaceNotSupportedBy", {"spaceId": sid[BEAMLINE], "providerId": hpc}),
             "P11 transfers through HPC Centre: spaceNotSupportedBy")
        t.eq(self.err(self.listed("0" * 32))[:2], (403, "forbidden"),
             "transfers of an unknown space: 403")
        t.eq(self.listed(krios, user="alice-readonly").auth_error_id(), "tokenCaveatUnverified",
             "transfers listing refuses a data-caveated token")

    def transfer_lifecycle(self):
        t, fs, hpc, sid = self.t, self.fs, self.hpc, self.space
        krios = sid[KRIOS]
        defaults = self.ctl("GET", "/transfers/settings").json()
        t.eq(defaults, {"rate": 16 << 20, "fileSeconds": 0.01, "dirSeconds": 0.02,
                        "scheduledSeconds": 0.2, "enqueuedSeconds": 0.2, "paused": False},
             "control: the default transfer settings")
        spec_dir = os.environ.get("ONEDATA_API_SPEC_DIR")
        definitions = None
        if spec_dir:
            with open(os.path.join(spec_dir, "oneprovider.json")) as source:
                definitions = json.load(source)["definitions"]
            for name in ("rerunId", "replicatingProviderId", "evictingProviderId", "callback"):
                definitions["TransferStatus"]["properties"][name]["x-nullable"] = True

        # Eviction from Facility Storage of a grid square whose movies the
        # HPC mirror holds: 16 movies go, the XML and JPEG files stay.
        data, movies, others = self.square(1734452)
        movie_bytes = sum(m["size"] for m in movies)
        before = self.opget(fs, "/data/%s/distribution" % data).json()[
            "distributionPerProvider"][fs]
        self.tsettings(paused=True)
        reply = self.schedule({"type": "eviction", "evictingProviderId": fs,
                               "dataSourceType": "file", "fileId": data})
        tid = (reply.json() or {}).get("transferId", "")
        t.ok(reply.status == 201 and reply.headers.get("Location") ==
             "https://%s/api/v3/oneprovider/transfers/%s" % (
                 self.info["providers"][fs]["domain"], tid),
             "eviction scheduled: 201 {transferId} and its URI in Location", reply.headers)
        status = self.tstatus(tid)
        t.eq({k: status[k] for k in ("type", "userId", "rerunId", "effectiveJobTransferId",
                                      "spaceId", "dataSourceType", "fileId", "filePath",
                                      "transferStatus", "effectiveJobStatus",
                                      "replicationStatus", "evictionStatus",
                                      "replicatingProviderId", "evictingProviderId",
                                      "callback", "filesToProcess", "filesProcessed",
                                      "startTime", "finishTime", "minHist", "mthHist")},
             {"type": "eviction", "userId": self.info["users"]["alice"], "rerunId": None,
              "effectiveJobTransferId": tid, "spaceId": krios, "dataSourceType": "file",
              "fileId": data, "filePath": "/%s/Images-Disc1/GridSquare_1734452/Data" % KRIOS,
              "transferStatus": "scheduled", "effectiveJobStatus": "scheduled",
              "replicationStatus": "skipped", "evictionStatus": "scheduled",
              "replicatingProviderId": None, "evictingProviderId": fs, "callback": None,
              "filesToProcess": 0, "filesProcessed": 0, "startTime": 0, "finishTime": 0,
              "minHist": {}, "mthHist": {}},
             "a new transfer (paused): scheduled, nothing started")
        t.ok(abs(status["scheduleTime"] - time.time()) < 5 and
             status["lastUpdate"] == 0, "scheduleTime is now (seconds)", status)
        t.eq(self.tstatus(tid, pid=hpc), status, "the other provider of the space shows "
             "the same transfer")
        t.ok(tid in self.listed(krios, "waiting").json()["transfers"] and
             tid in self.listed(krios, "waiting", pid=hpc).json()["transfers"] and
             tid not in self.listed(krios).json()["transfers"],
             "listed as waiting on both providers, not as ongoing (the default)")
        t.eq(self.tstatus(tid, user="bob")["transferStatus"], "scheduled",
             "bob sees it (space_view_transfers)")
        t.eq(self.err(self.call("DELETE", fs, "/transfers/" + tid, user="bob"))[:2],
             (403, "forbidden"), "bob cannot cancel it (no space_cancel_eviction)")
        t.eq(self.err(self.call("POST", fs, "/transfers/%s/rerun" % tid)),
             (400, "transferNotEnded", None), "rerun before it ended: transferNotEnded")
        self.tsettings(paused=False, fileSeconds=0.2)
        status = self.until(tid, lambda s: s["filesProcessed"] >= 1)
        self.tsettings(paused=True)
        status = self.tstatus(tid)
        t.ok(status["transferStatus"] == "evicting" and status["evictionStatus"] == "active"
             and status["filesToProcess"] == 48 and 0 < status["filesProcessed"] < 48
             and status["startTime"] >= status["scheduleTime"] and status["finishTime"] == 0,
             "paused mid-way: evicting, files counted as the directory was listed", status)
        t.ok(tid in self.listed(krios).json()["transfers"] and
             tid not in self.listed(krios, "waiting").json()["transfers"],
             "now listed as ongoing")
        self.tsettings(paused=False, instant=True)
        status = self.ended(tid)
        t.eq({k: status[k] for k in ("transferStatus", "evictionStatus", "filesToProcess",
                                      "filesProcessed", "filesEvicted", "filesReplicated",
                                      "filesFailed", "bytesReplicated", "hrHist", "dyHist")},
             {"transferStatus": "completed", "evictionStatus": "completed",
              "filesToProcess": 48, "filesProcessed": 48, "filesEvicted": 16,
              "filesReplicated": 0, "filesFailed": 0, "bytesReplicated": 0,
              "hrHist": {}, "dyHist": {}},
             "completed: the 16 mirrored movies evicted, the 32 files held only here kept "
             "(safe eviction)")
        t.ok(status["finishTime"] >= status["startTime"] > 0 and
             status["lastUpdate"] == status["startTime"], "times of an eviction", status)
        if definitions:
            found = spec_errors({"$ref": "#/definitions/TransferStatus"}, status, definitions)
            t.ok(not found, "the status matches the spec's TransferStatus (with the null "
                 "fields specpatch allows)", "\n".join(found))
        else:
            t.skip("TransferStatus against the spec", "ONEDATA_API_SPEC_DIR is not set")
        t.ok(tid in self.listed(krios, "ended").json()["transfers"] and
             tid not in self.listed(krios).json()["transfers"], "listed as ended")
        t.ok(all(self.held(m["fileId"], fs) == 0 and self.held(m["fileId"], hpc) == m["size"]
                 for m in movies) and all(self.held(o["fileId"], fs) == o["size"]
                                          for o in others),
             "distribution: the movies only on HPC Centre now, the rest still here")
        dist = self.opget(fs, "/data/%s/distribution" % movies[0]["fileId"]).json()[
            "distributionPerProvider"][fs]
        t.eq((dist["locationsPerStorage"], dist["distributionPerStorage"]),
             ({self.info["storages"][fs]: None},
              {self.info["storages"][fs]: {"blocks": [], "physicalSize": 0}}),
             "an evicted movie: no blocks, no location on Facility Storage")
        t.eq(self.attrs(fs, movies[0]["fileId"], "localReplicationRate",
                        "isFullyReplicatedLocally", "aggregateQosStatus"),
             {"localReplicationRate": 0.0, "isFullyReplicatedLocally": False,
              "aggregateQosStatus": "pending"},
             "... its attributes (the anyStorage x2 requirement is pending again)")
        after = self.opget(fs, "/data/%s/distribution" % data).json()[
            "distributionPerProvider"][fs]
        t.ok(after["virtualSize"] == before["virtualSize"] and
             after["distributionPerStorage"] == {self.info["storages"][fs]: {
                 "physicalSize": before["distributionPerStorage"][
                     self.info["storages"][fs]]["physicalSize"] - movie_bytes}},
             "the directory's storage use (dir stats) drops by the movies' bytes", after)
        t.eq(self.err(self.call("DELETE", fs, "/transfers/" + tid)),
             (400, "transferAlreadyEnded", None), "cancelling an ended transfer")

        # Rerun (by another steward): a new transfer; the old one points at it.
        reply = self.call("POST", hpc, "/transfers/%s/rerun" % tid, user="carol")
        rerun = (reply.json() or {}).get("transferId", "")
        t.ok(reply.status == 201 and rerun and rerun != tid and reply.headers.get(
            "Location", "").endswith("/api/v3/oneprovider/transfers/" + rerun),
             "rerun: 201 with a new transfer id", reply.body)
        t.eq(self.err(self.call("POST", fs, "/transfers/%s/rerun" % tid, user="bob"))[:2],
             (403, "forbidden"), "bob cannot rerun (no space_schedule_eviction)")
        new = self.ended(rerun)
        old = self.tstatus(tid)
        t.ok(old["rerunId"] == rerun and old["effectiveJobTransferId"] == rerun and
             old["effectiveJobStatus"] == "completed" and old["transferStatus"] == "completed",
             "the old transfer's rerunId and effectiveJobTransferId point at the new one", old)
        t.ok(new["userId"] == self.info["users"]["carol"] and new["filesToProcess"] == 48 and
             new["filesEvicted"] == 0 and new["rerunId"] is None and
             new["effectiveJobTransferId"] == rerun, "the rerun: carol's, nothing left "
             "to evict", new)

        # Replication back, slowly enough to watch it.
        self.tsettings(reset=True)
        self.tsettings(rate=8 << 20, fileSeconds=0.0)
        reply = self.schedule({"type": "replication", "replicatingProviderId": fs,
                               "dataSourceType": "file", "fileId": data,
                               "callback": "https://example.org/done"}, pid=hpc)
        tid = reply.json()["transferId"]
        self.until(tid, lambda s: s["bytesReplicated"] > 0)
        self.tsettings(paused=True)
        status = self.tstatus(tid)
        partial = [m for m in movies if 0 < self.held(m["fileId"], fs) < m["size"]]
        complete = [m for m in movies if self.held(m["fileId"], fs) == m["size"]]
        t.ok(status["transferStatus"] == "replicating" and
             status["replicationStatus"] == "active" and
             0 < status["bytesReplicated"] < movie_bytes and
             status["filesReplicated"] == len(complete) < 16 and len(partial) <= 1,
             "paused mid-way: replicating, the movies done so far complete here, at most "
             "one in progress", (status, len(complete), len(partial)))
        t.ok(list(status["minHist"]) == [hpc] and len(status["minHist"][hpc]) == 19 and
             len(status["hrHist"][hpc]) == 62 and len(status["dyHist"][hpc]) == 26 and
             len(status["mthHist"][hpc]) == 32 and
             sum(status["minHist"][hpc]) == status["bytesReplicated"] and
             sum(status["mthHist"][hpc]) == status["bytesReplicated"] and
             status["callback"] == "https://example.org/done",
             "histograms per source provider, newest window first (19 x 5 s, 62 x 1 min, "
             "26 x 1 h, 32 x 1 day)", status)
        t.ok(status["lastUpdate"] >= status["startTime"] > 0, "lastUpdate: the last bytes",
             status)
        t.eq(self.call("DELETE", fs, "/transfers/" + tid, user="carol").status, 204,
             "carol (not the creator, space_cancel_replication) cancels it")
        status = self.tstatus(tid)
        t.ok(status["transferStatus"] == status["replicationStatus"] == "aborting" or
             status["transferStatus"] == status["replicationStatus"] == "cancelled"
             and not partial, "aborting while the file in progress finishes (paused)",
             status)
        t.eq(self.call("DELETE", fs, "/transfers/" + tid, user="carol").status, 204,
             "cancelling an aborting transfer again: 204")
        self.tsettings(paused=False)
        status = self.ended(tid)
        t.ok(status["transferStatus"] == "cancelled" and
             status["replicationStatus"] == "cancelled" and
             status["filesProcessed"] < status["filesToProcess"] and status["finishTime"] > 0,
             "cancelled: the rest is not processed", status)
        done = [m for m in movies if self.held(m["fileId"], fs) == m["size"]]
        t.ok(len(complete) <= len(done) <= len(complete) + 1 and not [
            m for m in movies if 0 < self.held(m["fileId"], fs) < m["size"]],
             "the file in progress was finished, nothing else started", len(done))
        self.tsettings(instant=True)
        rerun = self.call("POST", fs, "/transfers/%s/rerun" % tid).json()["transferId"]
        status = self.ended(rerun)
        t.ok(status["transferStatus"] == "completed" and
             status["filesReplicated"] == 16 - len(done) and
             all(self.held(m["fileId"], fs) == m["size"] for m in movies),
             "its rerun replicates the rest: every movie complete on Facility Storage again",
             status)
        t.ok(status["bytesReplicated"] > 0 and sum(status["hrHist"][hpc]) ==
             status["bytesReplicated"], "... bytes and histograms", status)
        t.eq(self.attrs(fs, movies[0]["fileId"], "aggregateQosStatus")["aggregateQosStatus"],
             "fulfilled", "the anyStorage x2 requirement is fulfilled for them again")

        # Creator cancels a waiting transfer; single files; TEM.
        self.tsettings(paused=True)
        gain = self.file_id(KRIOS, "GainReference_K3_20251112.mrc")
        tid = self.schedule({"type": "replication", "replicatingProviderId": fs,
                             "dataSourceType": "file", "fileId": gain}).json()["transferId"]
        t.eq(self.call("DELETE", hpc, "/transfers/" + tid).status, 204,
             "the creator cancels a waiting transfer")
        status = self.tstatus(tid)
        t.ok(status["transferStatus"] == "cancelled" and status["startTime"] == 0 and
             status["finishTime"] > 0, "cancelled at once, never started", status)
        self.tsettings(paused=False)
        tid = self.schedule({"type": "replication", "replicatingProviderId": fs,
                             "dataSourceType": "file", "fileId": gain}).json()["transferId"]
        status = self.ended(tid)
        t.eq((status["transferStatus"], status["filesToProcess"], status["filesProcessed"],
              status["filesReplicated"], status["bytesReplicated"], status["minHist"]),
             ("completed", 1, 1, 0, 0, {}),
             "replicating a file already complete there: processed, nothing copied")
        tem = self.lookup(hpc, TEM, "2025-03-18 NiTi alloy").json()["fileId"]
        tid = self.schedule({"type": "replication", "replicatingProviderId": hpc,
                             "dataSourceType": "file", "fileId": tem}, pid=hpc).json()[
            "transferId"]
        status = self.ended(tid, pid=hpc)
        t.ok(status["transferStatus"] == "completed" and status["filesToProcess"] == 9 and
             status["filesReplicated"] == 0, "TEM: replication onto its only provider", status)
        t.eq(self.err(self.call("GET", fs, "/transfers/" + tid))[:2], (404, "notFound"),
             "a provider not supporting the space does not know the transfer (404)")

        # Migration: onto Facility Storage, then evicting the HPC mirror.
        data2, movies2, others2 = self.square(1734460)
        self.tsettings(reset=True)
        tid = self.schedule({"type": "migration", "replicatingProviderId": fs,
                             "evictingProviderId": hpc, "dataSourceType": "file",
                             "fileId": data2}).json()["transferId"]
        status = self.until(tid, lambda s: s["transferStatus"] != "replicating" and
                            s["replicationStatus"] == "completed", pid=hpc)
        self.tsettings(paused=True)
        status = self.tstatus(tid)
        t.ok(status["type"] == "migration" and status["replicationStatus"] == "completed" and
             (status["transferStatus"] == "evicting" and status["evictionStatus"] in (
                 "enqueued", "active") or status["transferStatus"] == "completed"),
             "migration: evicting once the replication is complete", status)
        self.tsettings(paused=False, instant=True)
        status = self.ended(tid)
        t.eq({k: status[k] for k in ("transferStatus", "replicationStatus", "evictionStatus",
                                      "filesToProcess", "filesProcessed", "filesReplicated",
                                      "filesEvicted", "filesFailed")},
             {"transferStatus": "completed", "replicationStatus": "completed",
              "evictionStatus": "completed", "filesToProcess": 96, "filesProcessed": 96,
              "filesReplicated": 0, "filesEvicted": 16, "filesFailed": 0},
             "migration completed: both phases count their files; the mirror's movies "
             "evicted (eviction from a read-only support is allowed)")
        t.ok(all(self.held(m["fileId"], hpc) == 0 and self.held(m["fileId"], fs) == m["size"]
                 for m in movies2), "... the movies only on Facility Storage now")

        # Failures, injected through the control API.
        data3, movies3, _ = self.square(1734478)
        tid = self.schedule({"type": "eviction", "evictingProviderId": fs,
                             "dataSourceType": "file", "fileId": data3}).json()["transferId"]
        self.ended(tid)
        failing = movies3[:2]
        for movie in failing:
            reply = self.ctl("POST", "/files/%s/transfer-failure" % movie["fileId"],
                             {"provider": fs})
        t.eq(reply.json(), {"fileId": failing[-1]["fileId"], "provider": fs, "errno": "eio"},
             "control: make a file's transfers fail on a provider")
        tid = self.schedule({"type": "replication", "replicatingProviderId": fs,
                             "dataSourceType": "file", "fileId": data3}).json()["transferId"]
        status = self.ended(tid)
        t.eq({k: status[k] for k in ("transferStatus", "replicationStatus", "filesToProcess",
                                      "filesProcessed", "filesReplicated", "filesFailed")},
             {"transferStatus": "failed", "replicationStatus": "failed", "filesToProcess": 48,
              "filesProcessed": 48, "filesReplicated": 14, "filesFailed": 2},
             "two files failing: the others replicated, the transfer ends failed")
        t.ok(all(self.held(m["fileId"], fs) == 0 for m in failing) and
             all(self.held(m["fileId"], fs) == m["size"] for m in movies3[2:]),
             "... the failed movies are still missing here")
        for movie in failing:
            t.eq(self.ctl("DELETE", "/files/%s/transfer-failure" % movie["fileId"]).status,
                 204, "control: clear the failure")
        rerun = self.call("POST", fs, "/transfers/%s/rerun" % tid).json()["transferId"]
        status = self.ended(rerun)
        t.ok(status["transferStatus"] == "completed" and status["filesReplicated"] == 2 and
             all(self.held(m["fileId"], fs) == m["size"] for m in movies3),
             "the rerun replicates the two", status)
        one = movies3[0]["fileId"]
        self.ctl("POST", "/files/%s/transfer-failure" % one, {"errno": "eagain"})
        tid = self.schedule({"type": "eviction", "evictingProviderId": hpc,
                             "dataSourceType": "file", "fileId": one}).json()["transferId"]
        status = self.ended(tid)
        t.eq((status["transferStatus"], status["filesProcessed"], status["filesFailed"],
              status["filesEvicted"]), ("failed", 1, 1, 0),
             "a single file failing (any provider): failed")
        self.ctl("DELETE", "/files/%s/transfer-failure" % one)
        data4, movies4, others4 = self.square(1734493)
        names = sorted(c["name"] for c in movies4 + others4)
        by_name = {c["name"]: c["fileId"] for c in movies4 + others4}
        for name in names[:11]:
            self.ctl("POST", "/files/%s/transfer-failure" % by_name[name], {"provider": fs})
        tid = self.schedule({"type": "replication", "replicatingProviderId": fs,
                             "dataSourceType": "file", "fileId": data4}).json()["transferId"]
        status = self.ended(tid)
        t.ok(status["transferStatus"] == "failed" and status["filesFailed"] == 11 and
             status["filesProcessed"] == 11 and status["filesToProcess"] == 48,
             "more than 10 failed files: aborted, the rest not processed", status)
        for name in names[:11]:
            self.ctl("DELETE", "/files/%s/transfer-failure" % by_name[name])

        # A root deleted before the transfer started.
        notes = self.file_id(KRIOS, "Sample notes")
        made = self.call("PUT", fs, "/data/%s/path/gone/x.txt?create_parents=true" % notes,
                         body=b"x", headers={"Content-Type": OCTETS}).json()["fileId"]
        gone = self.file_id(KRIOS, "Sample notes", "gone")
        self.tsettings(paused=True)
        tid = self.schedule({"type": "replication", "replicatingProviderId": fs,
                             "dataSourceType": "file", "fileId": gone}).json()["transferId"]
        self.call("DELETE", fs, "/data/" + gone)
        self.tsettings(paused=False)
        status = self.ended(tid)
        t.eq((status["transferStatus"], status["filesToProcess"], status["filesFailed"]),
             ("failed", 1, 1), "its root deleted before it started: failed")
        t.eq(self.err(self.schedule({"type": "replication", "replicatingProviderId": fs,
                                     "dataSourceType": "file", "fileId": made}))[:2],
             (404, "notFound"), "scheduling a deleted file: 404")

        # Paging through the ended transfers, newest first.
        everything = self.listed(krios, "ended").json()
        ids = everything["transfers"]
        pages, token, seen = 0, None, []
        while pages < 20:
            query = "&limit=3" + ("&page_token=" + quote(token) if token else "")
            page = self.listed(krios, "ended", query=query).json()
            seen += page["transfers"]
            pages += 1
            token = page["nextPageToken"]
            if token is None:
                break
            t.ok(len(page["transfers"]) == 3, "a page with a token is full")
        t.ok(seen == ids and len(ids) >= 10 and everything["nextPageToken"] is None and
             "isLast" not in everything, "paging (limit 3, page_token) gives every ended "
             "transfer once, in order; null token at the end, no isLast", (len(seen), len(ids)))
        t.eq(self.listed(krios, "ended", query="&limit=2&offset=1").json()["transfers"],
             ids[1:3], "offset skips from the start")
        first = self.listed(krios, "ended", query="&limit=2").json()
        t.eq(self.listed(krios, "ended", query="&limit=2&offset=0&page_token=" +
                         quote(first["nextPageToken"])).json()["transfers"], ids[1:3],
             "offset 0 with a token starts at the token's transfer")
        t.eq(self.listed(krios, "ended", pid=hpc).json(), everything,
             "HPC Centre lists the same")
        listed = self.ctl("GET", "/transfers").json()
        t.ok(set(ids) <= {x["transferId"] for x in listed["transfers"]} and
             all("transferStatus" in x for x in listed["transfers"]),
             "control: GET /transfers lists them all")
        for body in ({"rate": 0}, {"rate": "fast"}, {"fileSeconds": -1}, {"paused": "yes"},
                     {"speed": 1}):
            t.eq(self.ctl("POST", "/transfers/settings", body).status, 400,
                 "control: bad setting %s: 400" % json.dumps(body))
        t.eq(self.tsettings(reset=True), defaults, "control: reset the settings")

    # -- QoS management ------------------------------------------------------------------

    def qos_management(self):
        t, fs, hpc, sid = self.t, self.fs, self.hpc, self.space
        krios = sid[KRIOS]
        storages = self.info["storages"]

        def evaluate(expression, pid=None, user="alice", space=krios):
            return self.call("POST", pid or fs, "/spaces/%s/evaluate_qos_expression" % space,
                             user=user, json_body={"expression": expression})

        def matched(expression):
            return sorted(s["providerId"] for s in evaluate(expression).json()[
                "matchingStorages"])

        reply = evaluate("anyStorage")
        both = sorted([{"id": storages[fs], "name": "facility-posix", "providerId": fs},
                       {"id": storages[hpc], "name": "hpc-lustre", "providerId": hpc}],
                      key=lambda s: s["id"])
        t.eq(reply.json(), {"expressionRpn": ["anyStorage"], "matchingStorages": both},
             "evaluate anyStorage: both storages (id, name, providerId)")
        for expression, want in (("site=hpc", [hpc]), ("geo = DE", sorted([fs, hpc])),
                                 ("tier>1", [hpc]), ("tier<=1", [fs]), ("tier=1.0", [fs]),
                                 ("geo=DE \\ site=hpc", [fs]), ("geo=PL", []),
                                 ("site=hpc | site=facility & tier<2", [fs]),
                                 ("site=hpc | (site=facility & tier<2)", sorted([fs, hpc])),
                                 ("storageId=" + storages[hpc], [hpc]),
                                 ("providerId=%s" % fs, [fs]), ("site>1", []),
                                 ("tier=hpc", [])):
            t.eq(matched(expression), want, "evaluate %s" % expression)
        t.eq(evaluate("geo=DE & tier<2").json()["expressionRpn"],
             ["geo", "DE", "=", "tier", 2, "<", "&"], "expressionRpn (numbers stay numbers)")
        for expression, reason in (("aaa", "syntax error before: "),
                                   ("geo=DE &", "syntax error before: "),
                                   ("(geo=DE", "syntax error before: "),
                                   ("geo=DE)", "syntax error before: ')'"),
                                   ("=DE", 'syntax error before: "="'),
                                   ("geo<DE", 'syntax error before: "DE"'),
                                   ("geo=DE & | site=hpc", 'syntax error before: "|"'),
                                   ("geo!DE", 'illegal characters "!"'),
                                   ("tier>-1", 'illegal characters "-"')):
            t.eq(self.err(evaluate(expression)),
                 (400, "invalidQosExpression", {"reason": reason}),
                 "invalid expression %r: %s" % (expression, reason))
        t.eq(evaluate("aaa").json()["error"]["description"],
             "Invalid QoS expression: syntax error before: .", "... its description")
        t.eq(self.err(evaluate("")), (400, "badValueEmpty", {"key": "expression"}),
             "evaluate an empty expression")
        t.eq(self.err(self.call("POST", fs, "/spaces/%s/evaluate_qos_expression" % krios,
                                json_body={})),
             (400, "missingRequiredValue", {"key": "expression"}), "evaluate without one")
        t.eq(self.err(evaluate(5)), (400, "badValueString", {"key": "expression"}),
             "evaluate a number")
        t.eq(self.err(evaluate("anyStorage", user="bob"))[:2], (403, "forbidden"),
             "evaluate as bob (no space_manage_qos)")
        t.eq(self.err(evaluate("anyStorage", space="0" * 32))[:2], (403, "forbidden"),
             "evaluate in an unknown space")
        t.eq(self.err(evaluate("anyStorage", pid=hpc, space=sid[BEAMLINE])),
             (400, "spaceNotSupportedBy", {"spaceId": sid[BEAMLINE], "providerId": hpc}),
             "evaluate in a space the provider does not support")
        t.eq(evaluate("anyStorage", user="alice-readonly").auth_error_id(),
             "tokenCaveatUnverified", "evaluate refuses a data-caveated token")

        def add(body, pid=None, user="alice"):
            return self.call("POST", pid or fs, "/qos_requirements", user=user, json_body=body)

        data, movies, others = self.square(1734452)
        atlas = self.file_id(KRIOS, "Atlas", "Atlas_1.xml")
        for body, want, name in (
                ({"fileId": data}, (400, "missingRequiredValue", {"key": "expression"}),
                 "no expression"),
                ({"expression": "anyStorage"}, (400, "missingRequiredValue", {"key": "fileId"}),
                 "no fileId"),
                ({"expression": "aaa", "fileId": data},
                 (400, "invalidQosExpression", {"reason": "syntax error before: "}),
                 "invalid expression"),
                ({"expression": "", "fileId": data},
                 (400, "invalidQosExpression", {"reason": "syntax error before: "}),
                 "empty expression"),
                ({"expression": 1, "fileId": data},
                 (400, "badValueString", {"key": "expression"}), "expression not a string"),
                ({"expression": "anyStorage", "fileId": "gibberish"},
                 (400, "badValueIdentifier", {"key": "fileId"}), "undecodable fileId"),
                ({"expression": "anyStorage", "fileId": data, "replicasNum": 0},
                 (400, "badValueTooLow", {"key": "replicasNum", "limit": 1}), "replicasNum 0"),
                ({"expression": "anyStorage", "fileId": data, "replicasNum": -3},
                 (400, "badValueTooLow", {"key": "replicasNum", "limit": 1}),
                 "replicasNum below 1"),
                ({"expression": "anyStorage", "fileId": data, "replicasNum": "aaa"},
                 (400, "badValueInteger", {"key": "replicasNum"}), "replicasNum not a number"),
                ({"expression": "anyStorage", "fileId": data, "replicasNum": 1.5},
                 (400, "badValueInteger", {"key": "replicasNum"}),
                 "replicasNum not an integer"),
                ({"expression": "anyStorage", "fileId": make_file_id("0" * 32, krios)},
                 (404, "notFound", None), "a file that does not exist: 404"),
                ({"expression": "anyStorage", "fileId": make_share_file_id(
                    parse_file_id(data)[0], krios,
                    self.info["shares"]["/%s/Images-Disc1/GridSquare_1734452" % KRIOS])},
                 (400, "posix", {"errno": "enotsup"}), "a share-scoped id")):
            t.eq(self.err(add(body)), want, "POST /qos_requirements: " + name)
        t.eq(self.err(add({"expression": "anyStorage", "fileId": data}, user="bob"))[:2],
             (403, "forbidden"), "POST /qos_requirements as bob (no space_manage_qos)")
        run = self.file_id(BEAMLINE, "p700123", "r0034")
        t.eq(self.err(add({"expression": "anyStorage", "fileId": run}, pid=hpc)),
             (400, "spaceNotSupportedBy", {"spaceId": sid[BEAMLINE], "providerId": hpc}),
             "POST /qos_requirements through a provider not supporting the space")
        t.eq(add({"expression": "anyStorage", "fileId": data}, user="dave").auth_error_id(),
             "userNotSupported", "... dave: 401")

        # Impossible: more replicas than matching storages.
        reply = add({"expression": "anyStorage", "fileId": data, "replicasNum": 3})
        impossible = (reply.json() or {}).get("qosRequirementId")
        t.ok(reply.status == 201 and reply.headers.get("Location") ==
             "https://%s/api/v3/oneprovider/qos_requirements/%s" % (
                 self.info["providers"][fs]["domain"], impossible),
             "anyStorage x3: 201 {qosRequirementId} + Location", reply.body)
        t.eq(self.opget(hpc, "/qos_requirements/" + impossible).json(),
             {"qosRequirementId": impossible, "fileId": data, "expression": "anyStorage",
              "replicasNum": 3, "status": "impossible"},
             "... impossible from the start (2 storages), seen from the other provider too")
        summary = self.opget(fs, "/data/%s/qos/summary" % movies[0]["fileId"]).json()
        t.ok(summary["requirements"].get(impossible) == "impossible",
             "... a file below lists it as impossible", summary)
        t.eq(self.attrs(fs, movies[0]["fileId"], "aggregateQosStatus"),
             {"aggregateQosStatus": "impossible"}, "... and aggregateQosStatus says so")
        t.eq(self.attrs(fs, data, "effQosInheritancePath"),
             {"effQosInheritancePath": "directAndAncestor"},
             "effQosInheritancePath: direct (and the Krios root's)")
        t.eq(self.err(self.call("DELETE", fs, "/qos_requirements/" + impossible, user="bob"))[:2],
             (403, "forbidden"), "DELETE as bob: 403")
        t.eq(self.call("DELETE", hpc, "/qos_requirements/" + impossible).status, 204,
             "DELETE /qos_requirements/{qid}: 204")
        t.eq(self.err(self.opget(fs, "/qos_requirements/" + impossible))[:2],
             (404, "notFound"), "... then it is gone")
        t.eq(self.err(self.call("DELETE", fs, "/qos_requirements/" + impossible))[:2],
             (404, "notFound"), "... deleting it again: 404")
        t.ok(impossible not in self.opget(fs, "/data/%s/qos/summary" % movies[0]["fileId"]
                                          ).json()["requirements"],
             "... and no summary lists it")
        p11_q = self.info["qosRequirements"]["/%s/p700123" % BEAMLINE]
        t.eq(self.err(self.call("DELETE", hpc, "/qos_requirements/" + p11_q)),
             (400, "spaceNotSupportedBy", {"spaceId": sid[BEAMLINE], "providerId": hpc}),
             "DELETE through a provider not supporting the space")

        # Pending -> fulfilled: the zone replicates what is missing.
        self.tsettings(instant=True)
        tid = self.schedule({"type": "eviction", "evictingProviderId": fs,
                             "dataSourceType": "file", "fileId": data}).json()["transferId"]
        self.ended(tid)
        t.ok(all(self.held(m["fileId"], fs) == 0 for m in movies),
             "(the movies of the first grid square evicted from Facility Storage)")
        self.tsettings(paused=True)
        reply = add({"expression": "site = facility", "fileId": data})
        qid = reply.json()["qosRequirementId"]
        requirement = self.opget(fs, "/qos_requirements/" + qid).json()
        t.eq((requirement["expression"], requirement["replicasNum"], requirement["status"]),
             ("site=facility", 1, "pending"),
             "a new requirement: pending (expression as op-worker writes it back)")
        summary = self.opget(fs, "/data/%s/qos/summary" % movies[0]["fileId"]).json()
        t.eq(summary["requirements"][qid], "pending", "... pending for a movie below")
        t.eq(self.attrs(fs, data, "aggregateQosStatus"), {"aggregateQosStatus": "pending"},
             "... aggregateQosStatus of its directory")
        self.tsettings(paused=False)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.opget(
                fs, "/qos_requirements/" + qid).json()["status"] != "fulfilled":
            time.sleep(0.02)
        t.eq(self.opget(hpc, "/qos_requirements/" + qid).json()["status"], "fulfilled",
             "... fulfilled once the zone has replicated the movies back")
        t.ok(all(self.held(m["fileId"], fs) == m["size"] for m in movies),
             "the distribution shows them complete on Facility Storage")
        summary = self.opget(fs, "/data/%s/qos/summary" % movies[0]["fileId"]).json()
        krios_q = self.info["qosRequirements"]["/" + KRIOS]
        t.eq(summary, {"requirements": {krios_q: "fulfilled", qid: "fulfilled"},
                       "status": "fulfilled"}, "the movie's QoS summary: both fulfilled")
        log = self.opget(fs, "/qos_requirements/%s/audit_log" % qid).json()
        t.ok(log["isLast"] is True and len(log["logEntries"]) == 48 and
             [e["index"] for e in log["logEntries"]] == list(range(48)) and
             all(e["content"]["status"] == "completed" and e["content"]["severity"] == "info"
                 and e["timestamp"] > 10 ** 12 for e in log["logEntries"]),
             "audit log (Facility Storage): one completed entry per file, ms timestamps",
             log["logEntries"][:2])
        t.eq(self.opget(hpc, "/qos_requirements/%s/audit_log" % qid).json(),
             {"isLast": True, "logEntries": []},
             "HPC Centre's audit log is empty (entries are local to a provider)")
        page = self.opget(fs, "/qos_requirements/%s/audit_log?limit=10&offset=5" % qid).json()
        t.ok(page["isLast"] is False and [e["index"] for e in page["logEntries"]] ==
             list(range(5, 15)), "audit log paging: limit and offset")
        last = log["logEntries"][-1]["timestamp"]
        page = self.opget(fs, "/qos_requirements/%s/audit_log?timestamp=%d" % (qid, last)).json()
        t.ok(page["logEntries"] and all(e["timestamp"] >= last for e in page["logEntries"]),
             "audit log from a timestamp")
        for query, want in (("timestamp=-8", (400, "badValueTooLow",
                                              {"key": "timestamp", "limit": 0})),
                            ("timestamp=aaa", (400, "badValueInteger", {"key": "timestamp"})),
                            ("offset=aaa", (400, "badValueInteger", {"key": "offset"})),
                            ("limit=0", (400, "badValueNotInRange",
                                         {"key": "limit", "low": 1, "high": 1000}))):
            t.eq(self.err(self.opget(fs, "/qos_requirements/%s/audit_log?%s" % (qid, query))),
                 want, "audit log ?%s" % query)
        t.eq(self.err(self.opget(fs, "/qos_requirements/%s/audit_log" % ("0" * 32)))[:2],
             (404, "notFound"), "audit log of no requirement")
        t.eq(self.err(self.opget(fs, "/qos_requirements/%s/audit_log" % qid, user="bob"))[:2],
             (403, "forbidden"), "audit log as bob (no space_view_qos)")
        t.eq(self.opget(fs, "/qos_requirements/%s/audit_log" % krios_q).json(),
             {"isLast": True, "logEntries": []}, "a fixture requirement's audit log: empty")

        # A replica onto a read-only support cannot be made: pending for good.
        reply = add({"expression": "site=hpc & geo=DE", "fileId": atlas}, pid=hpc)
        qid2 = reply.json()["qosRequirementId"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self.opget(
                hpc, "/qos_requirements/%s/audit_log" % qid2).json()["logEntries"]:
            time.sleep(0.02)
        t.eq(self.opget(fs, "/qos_requirements/" + qid2).json()["expression"],
             "(site=hpc&geo=DE)", "a compound expression comes back in parentheses")
        entry = self.opget(hpc, "/qos_requirements/%s/audit_log" % qid2).json()["logEntries"]
        t.ok(len(entry) == 1 and entry[0]["content"] == {
            "fileId": atlas, "status": "failed", "severity": "error",
            "description": "Failed to reconcile local replica: Operation failed with POSIX "
                           "error: erofs.",
            "reason": {"id": "posix", "description": "Operation failed with POSIX error: "
                                                     "erofs.", "details": {"errno": "erofs"}}},
             "site=hpc on a Krios file: the read-only mirror cannot take it (audit log)", entry)
        t.eq(self.opget(fs, "/qos_requirements/" + qid2).json()["status"], "pending",
             "... so it stays pending")
        for q in (qid, qid2):
            self.call("DELETE", fs, "/qos_requirements/" + q)
        control = self.ctl("GET", "/transfers").json()["qos"]
        t.ok(all(q["qosRequirementId"] not in (qid, qid2) for q in control),
             "control: deleted requirements leave the reconciliation list")
        self.tsettings(reset=True)

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

    def token_management(self):
        """Named and temporary tokens, confinement, caveat enforcement and
        invitations (tests/zone/odzone/oztokens.py)."""
        t = self.t
        users = self.info["users"]

        def oz(method, path, body=None, user="alice"):
            token = self.tokens.get(user, user) if user else None
            return self.http.request(method, self.zone + path, token=token, json_body=body)

        def inner(reply):
            try:
                return reply.json()["error"]["details"]["tokenError"]["id"]
            except (TypeError, KeyError):
                return None

        soon = int(time.time()) + 3600
        made = oz("POST", "/user/tokens/named", {"name": "st-readonly", "caveats": [
            {"type": "data.readonly"}, {"type": "time", "validUntil": soon}]})
        created = made.json() or {}
        t.ok(made.status == 201 and created.get("tokenId") and created.get("token")
             and made.headers.get("Location", "").endswith("/tokens/named/" + created["tokenId"]),
             "named token: 201 tokenId, token, Location", made.body)
        tid, ro = created["tokenId"], created["token"]
        self.bad(oz("POST", "/user/tokens/named", {"name": "st-readonly"}), 400,
                 "badValueIdentifierOccupied", "a second token of the same name")
        self.bad(oz("POST", "/user/tokens/named", {}), 400, "missingRequiredValue",
                 "named token without a name")
        self.bad(oz("POST", "/user/tokens/named", {"name": "x1", "caveats": [{"type": "ip"}]}),
                 400, "badValueCaveat", "a caveat without its fields")
        self.bad(oz("POST", "/user/tokens/named", {"name": "x2", "type": {"bogus": {}}}),
                 400, "badValueTokenType", "an unknown token type")
        t.ok(tid in oz("GET", "/user/tokens/named").json()["tokens"]
             and tid not in oz("GET", "/user/tokens/named", user="bob").json()["tokens"],
             "the named token is listed for its owner only")
        got = oz("GET", "/tokens/named/" + tid).json()
        t.ok(got["name"] == "st-readonly" and got["token"] == ro and got["revoked"] is False
             and got["subject"] == {"type": "user", "id": users["alice"]}
             and got["metadata"]["creationTime"] > 0 and got["type"] == {"accessToken": {}},
             "GET /tokens/named/{id}", got)
        t.eq(oz("GET", "/user/tokens/named/name/st-readonly").json()["id"], tid,
             "GET /user/tokens/named/name/{name}")
        self.bad(oz("GET", "/tokens/named/" + tid, user="bob"), 403, "forbidden",
                 "another user's named token: 403")
        self.bad(oz("GET", "/tokens/named/nope"), 404, "notFound", "unknown token id: 404")
        self.bad(oz("PATCH", "/tokens/named/" + tid, {}), 400, "missingAtLeastOneValue",
                 "PATCH with nothing to change")

        krios = self.space[KRIOS]
        images = self.file_id(KRIOS, "Images-Disc1")
        self.posix(self.send("POST", self.fs, "/data/%s/children?name=x" % images, b"x",
                             user=ro), "eacces", "a read-only named token cannot write")
        t.eq(self.opget(self.fs, "/data/%s/children" % images, user=ro).status, 200,
             "... but lists")
        self.bad(oz("GET", "/user", user=ro), 401, "unauthorized",
                 "a data-caveated token on Onezone REST")

        self.bad(oz("POST", "/user/tokens/temporary", {"caveats": []}), 400,
                 "tokenTimeCaveatRequired", "temporary token without a time caveat")
        reply = oz("POST", "/user/tokens/temporary",
                   {"caveats": [{"type": "time", "validUntil": soon + 86400 * 30}]})
        t.ok(reply.error_id() == "tokenTimeCaveatRequired"
             and reply.json()["error"]["details"]["maxTtl"] == 14 * 86400,
             "a too long temporary token: tokenTimeCaveatRequired with maxTtl")
        path = base64.b64encode(("/%s/Images-Disc1" % krios).encode()).decode()
        temp = oz("POST", "/user/tokens/temporary", {"caveats": [
            {"type": "time", "validUntil": soon},
            {"type": "data.path", "whitelist": [path]}]})
        t.eq(temp.status, 201, "temporary token: 201")
        scoped = temp.json()["token"]
        examined = self.http.post(self.zone + "/tokens/examine",
                                  json_body={"token": scoped}).json()
        t.ok(examined["persistence"] == "temporary" and len(examined["caveats"]) == 2,
             "examine a temporary token")
        t.eq(self.opget(self.fs, "/data/%s/children" % images, user=scoped).status, 200,
             "a path-limited token lists inside its path")
        scope = self.http.post(self.zone + "/tokens/infer_access_token_scope",
                               json_body={"token": scoped}).json()
        t.eq(list(scope["dataAccessScope"]["spaces"]), [krios],
             "infer: a path-limited token's scope is the space of its path")
        listed = self.opget(self.fs, "/data/%s/children" % krios, user=scoped).json()
        t.eq([c["name"] for c in listed["children"]], ["Images-Disc1"],
             "a path-limited token lists the space root: only the way to its path")
        reply = self.http.post(self.op[self.fs] + "/lookup-file-id/" + quote_path(
            KRIOS, "Atlas"), token=scoped)
        self.posix(reply, "eacces", "... and cannot look up what is beside it")
        self.posix(self.send("POST", self.fs, "/data/%s/children?name=x" % krios, b"x",
                             user=scoped), "eacces", "... nor write in the root it traverses")

        by_id = oz("POST", "/user/tokens/temporary", {"caveats": [
            {"type": "time", "validUntil": soon},
            {"type": "data.objectid", "whitelist": [images]}]}).json()["token"]
        t.eq(self.opget(self.fs, "/data/%s/children" % images, user=by_id).status, 200,
             "an objectid token reaches its directory")
        t.eq(self.opget(self.fs, "/data/%s" % krios, user=by_id).status, 200,
             "... and sees its parent, on the way")
        atlas = self.file_id(KRIOS, "Atlas")
        self.posix(self.opget(self.fs, "/data/%s/children" % atlas, user=by_id), "eacces",
                   "... but not a directory beside it")

        rest_only = oz("POST", "/tokens/confine", {"token": self.tokens["alice"], "caveats": [
            {"type": "interface", "interface": "rest"},
            {"type": "ip", "whitelist": ["127.0.0.0/8"]},
            {"type": "service", "whitelist": ["ozw-onezone", "opw-*"]}]}, user=None)
        t.eq(rest_only.status, 200, "confine: 200")
        t.eq(oz("GET", "/user", user=rest_only.json()["token"]).status, 200,
             "interface rest, ip 127.0.0.0/8 and service caveats admit REST from here")
        far = oz("POST", "/tokens/confine", {"token": self.tokens["alice"], "caveats": [
            {"type": "ip", "whitelist": ["192.0.2.0/24"]}]}, user=None).json()["token"]
        reply = oz("GET", "/user", user=far)
        t.ok(reply.auth_error_id() == "tokenCaveatUnverified"
             and "ip = 192.0.2.0/24" in reply.json()["error"]["description"],
             "an ip caveat for elsewhere: tokenCaveatUnverified", reply.body)
        zone_only = oz("POST", "/tokens/confine", {"token": self.tokens["alice"], "caveats": [
            {"type": "service", "whitelist": ["ozw-onezone"]}]}, user=None).json()["token"]
        t.eq(self.opget(self.fs, "/spaces", user=zone_only).auth_error_id(),
             "tokenCaveatUnverified", "a Onezone-only service caveat on a Oneprovider")
        self.bad(oz("POST", "/tokens/confine", {"token": "garbage"}, user=None), 400,
                 "missingRequiredValue", "confine without caveats")
        reply = oz("POST", "/tokens/confine", {"token": "garbage", "caveats": []}, user=None)
        t.ok(reply.error_id() == "badValueToken" and inner(reply) == "badToken",
             "confine a garbled token")

        derived = oz("POST", "/tokens/confine", {"token": ro, "caveats": [
            {"type": "data.objectid", "whitelist": [images]}]}, user=None).json()["token"]
        t.eq(oz("PATCH", "/tokens/named/" + tid, {"revoked": True}).status, 204,
             "revoke a named token")
        t.eq(oz("GET", "/tokens/named/%s/status" % tid).json(), {"revoked": True},
             "status says revoked")
        for token, what in ((ro, "the token"), (derived, "a token derived from it")):
            reply = self.opget(self.fs, "/data/%s/children" % images, user=token)
            t.eq(reply.auth_error_id(), "tokenRevoked", "revoked: %s is refused" % what)
        oz("PATCH", "/tokens/named/" + tid, {"revoked": False, "name": "st-ro2"})
        t.eq(self.opget(self.fs, "/data/%s/children" % images, user=derived).status, 200,
             "un-revoked: the derived token works again")
        t.eq(oz("GET", "/tokens/named/" + tid).json()["name"], "st-ro2", "renamed")
        t.eq(oz("DELETE", "/tokens/named/" + tid).status, 204, "delete a named token")
        t.eq(self.opget(self.fs, "/data/%s/children" % images, user=ro).auth_error_id(),
             "tokenInvalid", "a deleted token is invalid")
        self.bad(oz("GET", "/tokens/named/" + tid), 404, "notFound", "... and gone")

        # -- invitations
        tem = self.space[TEM]
        invite = oz("POST", "/user/tokens/named", {
            "name": "st-invite", "usageLimit": 1, "privileges": ["space_view", "space_read_data"],
            "type": {"inviteToken": {"inviteType": "userJoinSpace", "spaceId": krios}}})
        t.eq(invite.status, 201, "a space invitation")
        serial = invite.json()["token"]
        examined = self.http.post(self.zone + "/tokens/examine",
                                  json_body={"token": serial}).json()
        t.eq(examined["type"], {"inviteToken": {"inviteType": "userJoinSpace",
                                                "spaceId": krios}}, "examine an invitation")
        meta = oz("GET", "/tokens/named/" + invite.json()["tokenId"]).json()["metadata"]
        t.ok(meta["usageLimit"] == 1 and meta["usageCount"] == 0
             and meta["privileges"] == ["space_read_data", "space_view"],
             "invitation metadata", meta)
        self.bad(oz("GET", "/user", user=serial), 401, "unauthorized",
                 "an invitation is not an access token")
        self.bad(oz("POST", "/user/tokens/named", {"name": "st-x", "type": {"inviteToken": {
            "inviteType": "userJoinSpace", "spaceId": tem}}}, user="bob"), 400,
                 "inviteTokenSubjectNotAuthorized", "inviting without space_add_user")
        self.bad(oz("POST", "/user/tokens/named", {"name": "st-y", "type": {"inviteToken": {
            "inviteType": "userJoinSpace", "spaceId": "nope"}}}), 400,
                 "inviteTokenTargetIdInvalid", "inviting to an unknown space")
        reply = oz("POST", "/user/groups/join", {"token": serial}, user="dave")
        t.ok(reply.error_id() == "badValueToken" and inner(reply) == "notAnInviteToken",
             "a space invitation given to the group join", reply.body)
        joined = oz("POST", "/user/spaces/join", {"token": serial}, user="dave")
        t.ok(joined.status == 201 and joined.headers.get("Location", "").endswith(
            "/user/spaces/" + krios), "dave joins Krios: 201 + Location", joined.body)
        t.ok(krios in oz("GET", "/user/spaces", user="dave").json()["spaces"],
             "... and it is among his spaces")
        self.bad(self.send("POST", self.fs, "/data/%s/children?name=x" % images, b"x",
                           user="dave"), 403, "forbidden",
                 "... with the invitation's privileges: no space_write_data, 403")
        reply = oz("POST", "/user/spaces/join", {"token": serial}, user="bob")
        t.ok(reply.error_id() == "badValueToken"
             and inner(reply) == "inviteTokenUsageLimitReached", "usage limit reached")
        again = oz("POST", "/user/tokens/named", {"name": "st-invite2", "type": {"inviteToken": {
            "inviteType": "userJoinSpace", "spaceId": krios}}}).json()["token"]
        self.bad(oz("POST", "/user/spaces/join", {"token": again}, user="dave"), 409,
                 "relationAlreadyExists", "joining again: 409")
        oz("PATCH", "/tokens/named/" + oz("GET", "/user/tokens/named/name/st-invite2").json()[
            "id"], {"revoked": True})
        reply = oz("POST", "/user/spaces/join", {"token": again}, user="bob")
        t.ok(reply.error_id() == "badValueToken" and inner(reply) == "tokenRevoked",
             "a revoked invitation")

        def group_id(name):
            return hashlib.md5(("group:" + name).encode()).hexdigest()
        staff, collab = group_id("cryo-em-staff"), group_id("krios-2025-11-collaborators")
        beamline = self.space[BEAMLINE]
        for kind, key, target, path, consumer in (
                ("groupJoinSpace", "spaceId", beamline, "/groups/%s/spaces/join" % collab,
                 "bob"),
                ("userJoinGroup", "groupId", staff, "/user/groups/join", "dave"),
                ("groupJoinGroup", "groupId", staff, "/groups/%s/parents/join" % collab, "bob")):
            serial = oz("POST", "/user/tokens/temporary", {
                "type": {"inviteToken": {"inviteType": kind, key: target}},
                "caveats": [{"type": "time", "validUntil": soon}]}).json()["token"]
            if consumer == "bob":
                self.bad(oz("POST", path, {"token": serial}, user="dave"), 403, "forbidden",
                         "%s: a consumer group the caller may not act for" % kind)
            reply = oz("POST", path, {"token": serial}, user=consumer)
            t.ok(reply.status == 201, "%s consumed" % kind, reply.body)
            self.bad(oz("POST", path, {"token": serial}, user=consumer), 409,
                     "relationAlreadyExists", "%s again: 409" % kind)
        t.ok(beamline in oz("GET", "/user/effective_spaces", user="bob").json()["spaces"],
             "groupJoinSpace: the group's members reach the space")

    def run(self):
        for part in (self.onezone, self.tokens_api, self.provider_basics, self.lookups,
                     self.attributes, self.listing, self.distribution, self.dir_stats,
                     self.datasets, self.dataset_management, self.archive_lifecycle,
                     self.qos, self.shares, self.recursive_listing,
                     self.big_directory, self.contents, self.writes,
                     self.write_permissions, self.concurrent_writers, self.xattrs,
                     self.json_rdf,
                     self.share_access, self.share_management, self.control_hooks, self.upload_faults,
                     self.faults, self.redirects_and_log, self.transfer_errors,
                     self.transfer_lifecycle, self.qos_management,
                     self.providers_control, self.tls_and_robustness, self.removals,
                     self.space_members,
                     self.token_management):     # last: dave joins a space
            try:
                started = time.monotonic()
                part()
                self.t.diag("%s: %.2f s" % (part.__name__, time.monotonic() - started))
            except Exception as exc:          # report and go on with the next part
                import traceback
                self.t.ok(False, "%s raised %s" % (part.__name__, type(exc).__name__),
                          traceback.format_exc())


    # -- spaces and members (changes membership: runs last) ---------------------

    def ozcall(self, method, path, user="alice", body=None):
        return self.http.request(method, self.zone + path, token=self.tokens[user],
                                 json_body=body)

    def space_members(self):
        t, users = self.t, self.info["users"]
        alice, bob, carol = users["alice"], users["bob"], users["carol"]
        krios, tem = self.space[KRIOS], self.space[TEM]
        vocab = self.oz("/spaces/privileges", user=None).json()
        t.ok(len(vocab["admin"]) == 37 and "space_manage_datasets" in vocab["admin"]
             and vocab["member"] == ["space_view", "space_read_data", "space_write_data",
                                     "space_view_transfers"]
             and set(vocab["member"]) < set(vocab["manager"]) < set(vocab["admin"]),
             "GET /spaces/privileges is public: admin, manager, member", vocab)
        t.eq(self.oz("/spaces/%s/owners" % krios).json(), {"users": [alice]},
             "the creator owns the space")
        t.eq(self.oz("/spaces/%s/users" % krios, user="bob").json(), {"users": [alice]},
             "direct users (bob has space_view through his group)")
        t.eq(set(self.oz("/spaces/%s/effective_users" % krios).json()["users"]),
             {alice, bob, carol}, "effective users include the groups' members")
        self.bad(self.oz("/spaces/%s/users" % krios, user="dave"), 403, "forbidden",
                 "a non-member may not list members")
        self.bad(self.oz("/spaces/%s/users" % ("0" * 32)), 404, "notFound",
                 "members of an unknown space: 404")
        self.bad(self.oz("/spaces/%s/users/%s" % (krios, carol)), 404, "notFound",
                 "carol is not a direct user of Krios")
        got = self.oz("/spaces/%s/effective_users/%s" % (krios, carol)).json()
        t.eq(got, {"userId": carol, "fullName": "Carol Lindqvist", "username": "carol",
                   "creationTime": got.get("creationTime")}, "an effective user's details")
        self.bad(self.oz("/spaces/%s/users/%s/privileges" % (krios, alice), user="bob"),
                 403, "forbidden", "privileges need space_view_privileges")
        carol_eff = set(self.oz("/spaces/%s/effective_users/%s/privileges"
                                % (krios, carol)).json()["privileges"])
        t.ok({"space_manage_qos", "space_view_privileges"} <= carol_eff
             and "space_set_privileges" not in carol_eff,
             "carol's effective privileges come from cryo-em-staff", carol_eff)
        staff = next(g for g in self.oz("/spaces/%s/groups" % krios).json()["groups"]
                     if self.oz("/spaces/%s/groups/%s" % (krios, g)).json()["name"]
                     == "cryo-em-staff")
        t.eq(self.oz("/spaces/%s/effective_users/%s/membership" % (krios, alice)).json(),
             {"intermediaries": [{"type": "group", "id": staff},
                                 {"type": "space", "id": "self"}]},
             "alice is a member directly and through cryo-em-staff")
        t.eq(self.oz("/spaces/%s/effective_users/%s/membership" % (krios, bob),
                     user="bob").status, 200, "bob may see his own membership")
        collab = next(g for g in self.oz("/spaces/%s/groups" % krios).json()["groups"]
                      if g != staff)
        path = "/spaces/%s/groups/%s/privileges" % (krios, collab)
        t.eq(self.oz(path).json()["privileges"],
             ["space_view", "space_read_data", "space_view_transfers"],
             "the collaborators' group privileges, in vocabulary order")
        self.bad(self.ozcall("PATCH", path, body={}), 400, "missingAtLeastOneValue",
                 "PATCH privileges with neither grant nor revoke")
        self.bad(self.ozcall("PATCH", path, body={"grant": ["space_fly"]}), 400,
                 "badValueListNotAllowed", "PATCH privileges with an unknown one")
        self.bad(self.ozcall("PATCH", path, user="bob", body={"grant": ["space_view"]}),
                 403, "forbidden", "PATCH privileges needs space_set_privileges")
        t.eq(self.ozcall("PATCH", path, body={"grant": ["space_write_data"],
                                              "revoke": ["space_view_transfers"]}).status,
             204, "alice (owner) grants and revokes")
        t.eq(self.oz(path).json()["privileges"],
             ["space_view", "space_read_data", "space_write_data"], "and it shows")
        self.ozcall("PATCH", path, body={"grant": ["space_view_transfers"],
                                         "revoke": ["space_write_data"]})

        self.bad(self.ozcall("POST", "/user/spaces", body={"name": "x"}), 400,
                 "badValueName", "a one-letter space name")
        self.bad(self.ozcall("POST", "/user/spaces", body={}), 400,
                 "missingRequiredValue", "a space without a name")
        made = self.ozcall("POST", "/user/spaces", body={"name": "Tomography 2026"})
        new = made.headers.get("Location", "").rsplit("/", 1)[-1]
        t.ok(made.status == 201 and made.headers["Location"].endswith("/user/spaces/" + new)
             and self.oz("/spaces/" + new).json()["name"] == "Tomography 2026",
             "POST /user/spaces: 201, Location", made.headers.get("Location"))
        t.eq(self.oz("/spaces/%s/users/%s/privileges" % (new, alice)).json()["privileges"],
             vocab["admin"], "the creator holds every privilege")
        t.eq(self.ozcall("PATCH", "/spaces/" + new, body={"name": "Tomography-2026"}).status,
             204, "PATCH /spaces/{id} renames")
        t.eq(self.oz("/spaces/" + new).json()["name"], "Tomography-2026", "renamed")
        self.bad(self.ozcall("PATCH", "/spaces/" + tem, user="bob", body={"name": "Mine"}),
                 403, "forbidden", "renaming needs space_update")
        made = self.ozcall("POST", "/user/groups", body={"name": "tomo-team"})
        gid = made.headers.get("Location", "").rsplit("/", 1)[-1]
        t.ok(made.status == 201 and gid in self.oz("/user/groups").json()["groups"]
             and self.oz("/groups/" + gid).json()["type"] == "team",
             "POST /user/groups: 201, the creator is a member")
        self.bad(self.oz("/groups/" + gid, user="bob"), 403, "forbidden",
                 "a group is visible to its members")
        self.bad(self.ozcall("POST", "/user/groups", body={"name": "g1", "type": "club"}),
                 400, "badValueNotAllowed", "an unknown group type")
        add = "/spaces/%s/groups/%s" % (new, gid)
        t.eq(self.ozcall("PUT", add).status, 204, "PUT adds the group")
        self.bad(self.ozcall("PUT", add), 409, "relationAlreadyExists", "twice: 409")
        t.eq(self.oz(add + "/privileges").json()["privileges"], vocab["member"],
             "an added group has the member defaults")
        self.bad(self.ozcall("PUT", "/spaces/%s/groups/%s" % (new, staff)), 403,
                 "forbidden", "adding a group needs group_add_space in it")
        bobs = self.ozcall("POST", "/user/groups", user="bob",
                           body={"name": "bob's readers"})
        self.bad(bobs, 400, "badValueName", "an apostrophe in a group name")
        bobs = self.ozcall("POST", "/user/groups", user="bob", body={"name": "bob readers"})
        bobs = bobs.headers["Location"].rsplit("/", 1)[-1]
        self.bad(self.ozcall("PUT", "/spaces/%s/groups/%s" % (tem, bobs), user="bob"),
                 403, "forbidden", "adding a group needs space_add_group")
        self.bad(self.ozcall("DELETE", "/spaces/%s/users/%s" % (new, alice)), 400,
                 "cannotRemoveLastOwner", "the last owner stays")
        t.eq(self.ozcall("DELETE", add).status, 204, "DELETE removes the group")
        self.bad(self.ozcall("DELETE", add), 404, "notFound", "twice: 404")
        self.bad(self.ozcall("DELETE", "/spaces/%s/users/%s" % (tem, alice), user="bob"),
                 403, "forbidden", "removing a user needs space_remove_user")
        t.eq(self.ozcall("DELETE", "/spaces/%s/users/%s" % (tem, bob)).status, 204,
             "alice removes bob from TEM")
        t.ok(tem not in self.oz("/user/effective_spaces", user="bob").json()["spaces"],
             "and TEM is gone from his spaces")


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
                                          "qosRequirements", "handleServices"]),
             "zone.json keys")
        SelfTest(tap, zone).run()
    finally:
        zone.stop()
        tap.done()


if __name__ == "__main__":
    main()
