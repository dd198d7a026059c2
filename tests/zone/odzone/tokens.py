"""Access tokens of the test zone.

A serialized token is ``"MDAx" + base64url(JSON payload) + "." + MAC``. The
"MDAx" prefix only mimics the look of real (macaroon) tokens; clients must
treat tokens as opaque strings. The payload carries everything needed to
verify the token (id, subject, caveats), so later features (examine,
confine, more caveat kinds) can be added without changing the format. The
zone keeps a registry of issued token ids so that revocation works like in
Onedata: revoking a named token disables it, whoever presents it.

Caveats use the official JSON forms (ENDPOINTS.md 6.2): ``{"type": "time",
"validUntil": N}``, ``{"type": "data.readonly"}``, ``{"type": "interface",
"interface": "oneclient"}``.
"""

import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import threading
import time

from . import errors

PREFIX = "MDAx"
# Constant on purpose: the fixture's tokens are the same on every run, so a
# failing test can be replayed by hand with the token from its log.
_SECRET = hashlib.sha256(b"onetui test zone token key").digest()


def is_data_access_caveat(caveat):
    """Caveats that limit data access: Onezone REST and the Oneprovider's
    non-data endpoints refuse tokens carrying them (ENDPOINTS.md 1.2, 6.2)."""
    kind = caveat.get("type", "")
    return kind.startswith("data.") or (
        kind == "interface" and caveat.get("interface") == "oneclient")


def caveat_text(caveat):
    """The caveat as Onedata prints it in error descriptions."""
    kind = caveat.get("type")
    if kind == "time":
        return "time < %d" % caveat["validUntil"]
    if kind == "interface":
        return "interface = %s" % caveat["interface"]
    if kind in ("ip", "service", "data.path", "data.objectid", "asn", "consumer", "api"):
        return "%s = %s" % (kind, "|".join(str(v) for v in caveat.get("whitelist", [])))
    if kind in ("geo.country", "geo.region"):
        return "%s = %s:%s" % (kind, caveat.get("filter"), "|".join(caveat.get("list", [])))
    return kind


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


ACCESS = {"accessToken": {}}
# Temporary tokens may live this long at most (tokenTimeCaveatRequired
# tells clients; a zone setting in Onedata, two weeks here).
MAX_TEMPORARY_TTL = 14 * 86400


def invite_type(token_type):
    """The inviteType of an invite token's type object, else None."""
    invite = token_type.get("inviteToken") if isinstance(token_type, dict) else None
    return invite.get("inviteType") if isinstance(invite, dict) else None


def type_text(token_type):
    """A token type as error descriptions print it."""
    kind = invite_type(token_type)
    if kind:
        return "invite token (%s)" % kind
    return "identity token" if "identityToken" in token_type else "access token"


class Caveats:
    """What a list of caveats means for a request: properties shared by the
    registry's tokens and the tokens presented with requests."""

    caveats = ()

    @property
    def readonly(self):
        return any(c["type"] == "data.readonly" for c in self.caveats)

    @property
    def valid_until(self):
        """Earliest time caveat, or None for a token that never expires."""
        times = [c["validUntil"] for c in self.caveats if c["type"] == "time"]
        return min(times) if times else None

    def space_ids(self, space_of_file):
        """The spaces the data.path and data.objectid caveats leave open
        (each caveat narrows), or None when there are no such caveats.
        `space_of_file` gives the space id of a file id (None if bad)."""
        allowed = None
        for caveat in self.caveats:
            if caveat["type"] == "data.path":
                ids = {decode_path(p).split("/")[1] for p in caveat["whitelist"]}
            elif caveat["type"] == "data.objectid":
                ids = {space_of_file(f) for f in caveat["whitelist"]} - {None}
            else:
                continue
            allowed = ids if allowed is None else allowed & ids
        return allowed

    def node_access(self, node, resolve):
        """What the data.path and data.objectid caveats let a request do
        with `node`: "full" inside every whitelisted subtree, "traverse"
        for a directory on the way to one (it can be looked at and listed,
        showing only what leads there, as op-worker does), else "none".
        `resolve` finds the node of a file id (None when there is none)."""
        if not any(c["type"] in ("data.path", "data.objectid") for c in self.caveats):
            return "full"
        chain = [node] + list(node.ancestors())
        rel = [n.name for n in reversed(chain) if n.parent is not None]
        canonical = "/" + "/".join([node.space.id] + rel)
        access = "full"
        for caveat in self.caveats:
            if caveat["type"] == "data.path":
                paths = [decode_path(p) for p in caveat["whitelist"]]
                if any(canonical == p or canonical.startswith(p + "/") for p in paths):
                    continue
                if not any(p.startswith(canonical + "/") for p in paths):
                    return "none"
            elif caveat["type"] == "data.objectid":
                ids = set(caveat["whitelist"])
                if any(n.file_id in ids for n in chain):
                    continue
                targets = [resolve(file_id) for file_id in ids]
                if not any(t is not None and node in t.ancestors() for t in targets):
                    return "none"
            else:
                continue
            access = "traverse"
        return access


class Token(Caveats):
    """One issued token, as the registry knows it (named and temporary
    alike: the zone keeps both, so derived tokens can be traced back)."""

    def __init__(self, token_id, name, subject, caveats, serialized,
                 persistence="named", token_type=None, created=None):
        self.id = token_id
        self.name = name
        self.subject = subject          # user id
        self.caveats = caveats
        self.serialized = serialized
        self.persistence = persistence
        self.type = token_type or ACCESS
        self.created = int(time.time()) if created is None else created
        self.revoked = False
        self.deleted = False
        self.usage_limit = "infinity"   # invite tokens only
        self.usage_count = 0
        self.privileges = None          # invite tokens: what joiners get
        self.custom = {}

    def metadata(self):
        meta = {"creationTime": self.created, "custom": self.custom}
        if invite_type(self.type):
            meta.update(usageLimit=self.usage_limit, usageCount=self.usage_count,
                        privileges=sorted(self.privileges or ()))
        return meta


class Presented(Caveats):
    """A token as a request presents it: the registry's token plus the
    caveats it carries (a confined copy carries more than the original)."""

    def __init__(self, token, caveats):
        self.token = token
        self.id = token.id
        self.subject = token.subject
        self.type = token.type
        self.caveats = caveats


class Context:
    """Where a token is being used, for the caveats that depend on it."""

    def __init__(self, data_access, interface="rest", peer=None, service=None):
        self.data_access = data_access
        self.interface = interface
        self.peer = peer
        self.service = service


def decode_path(encoded):
    return base64.b64decode(encoded, validate=True).decode()


def _caveat_ok(caveat, ctx, now):
    kind = caveat["type"]
    if kind == "time":
        return caveat["validUntil"] > now
    if not ctx.data_access and is_data_access_caveat(caveat):
        return False
    if kind == "interface" and ctx.interface is not None:
        return caveat["interface"] == ctx.interface
    if kind == "ip" and ctx.peer is not None:
        peer = ipaddress.ip_address(ctx.peer)
        return any(peer in ipaddress.ip_network(net, strict=False)
                   for net in caveat["whitelist"])
    if kind == "service" and ctx.service is not None:
        prefix = ctx.service.split("-", 1)[0] + "-*"
        return any(s in (ctx.service, prefix) for s in caveat["whitelist"])
    # data.* are checked per file (Caveats.allows_node, data.readonly by
    # writes); asn, geo.*, consumer and api are not verified here.
    return True


def _whitelist(caveat, check):
    values = caveat.get("whitelist")
    return isinstance(values, list) and values and all(check(v) for v in values)


def _valid_path(value):
    try:
        return isinstance(value, str) and decode_path(value).startswith("/") \
            and len(decode_path(value).split("/")[1]) > 0
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False


def _valid_net(value):
    try:
        return isinstance(value, str) and ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False


_SERVICE = re.compile(r"^(ozw-onezone|ozp-onezone|opw-[\w*]+|opp-[\w*]+)$")
_CONSUMER = re.compile(r"^(usr|grp|prv)-[\w*]+$")


def _caveat_valid(c):
    kind = c.get("type") if isinstance(c, dict) else None
    if kind == "time":
        return isinstance(c.get("validUntil"), int) and not isinstance(c["validUntil"], bool)
    if kind == "interface":
        return c.get("interface") in ("rest", "oneclient", "graphsync")
    if kind == "ip":
        return _whitelist(c, _valid_net)
    if kind == "service":
        return _whitelist(c, lambda v: isinstance(v, str) and _SERVICE.match(v))
    if kind == "consumer":
        return _whitelist(c, lambda v: isinstance(v, str) and _CONSUMER.match(v))
    if kind == "asn":
        return _whitelist(c, lambda v: isinstance(v, int))
    if kind in ("geo.country", "geo.region"):
        return c.get("filter") in ("whitelist", "blacklist") and \
            isinstance(c.get("list"), list) and c["list"]
    if kind == "api":
        return _whitelist(c, lambda v: isinstance(v, str))
    if kind == "data.readonly":
        return True
    if kind == "data.path":
        return _whitelist(c, _valid_path)
    if kind == "data.objectid":
        return _whitelist(c, lambda v: isinstance(v, str) and v)
    return False


def check_caveats(caveats, key="caveats"):
    """The caveats of a create or confine request, validated (badValueCaveat
    names the first bad one)."""
    if caveats is None:
        return []
    if not isinstance(caveats, list):
        raise errors.bad_value_json(key)
    for caveat in caveats:
        if not _caveat_valid(caveat):
            raise errors.bad_value_caveat(caveat)
    return list(caveats)


class TokenRegistry:
    def __init__(self):
        self._lock = threading.Lock()
        self._by_id = {}

    def _serialize(self, token_id, subject, caveats, persistence, token_type):
        payload = {"id": token_id, "sub": subject, "cav": list(caveats),
                   "per": persistence}
        if token_type != ACCESS:
            payload["typ"] = token_type
        body = PREFIX + _b64(json.dumps(payload, separators=(",", ":"),
                                        sort_keys=True).encode())
        return body + "." + _mac(body)

    def issue(self, name, subject, caveats=(), revoked=False, persistence="named",
              token_type=None, token_id=None):
        """A new token. The fixture's get ids derived from their names (the
        same on every run); the API's get random ones."""
        token_type = token_type or ACCESS
        if token_id is None:
            token_id = hashlib.md5(("token:" + name).encode()).hexdigest()
        serialized = self._serialize(token_id, subject, caveats, persistence, token_type)
        token = Token(token_id, name, subject, list(caveats), serialized,
                      persistence, token_type)
        token.revoked = revoked
        with self._lock:
            self._by_id[token_id] = token
        return token

    def create(self, subject, caveats, persistence, token_type, name=None):
        return self.issue(name, subject, caveats, persistence=persistence,
                          token_type=token_type, token_id=secrets.token_hex(16))

    def named(self, subject):
        """The subject's named tokens (not deleted), oldest first."""
        with self._lock:
            return [t for t in self._by_id.values() if t.subject == subject
                    and t.persistence == "named" and not t.deleted]

    def get(self, token_id):
        token = self._by_id.get(token_id)
        if token is None or token.deleted or token.persistence != "named":
            return None
        return token

    def by_name(self, subject, name):
        return next((t for t in self.named(subject) if t.name == name), None)

    def delete(self, token):
        with self._lock:
            token.deleted = True

    def set_revoked(self, name, revoked=True):
        """Control API: (un)revoke a fixture token by name."""
        with self._lock:
            token = next((t for t in self._by_id.values()
                          if t.name == name and not t.deleted), None)
            if token is not None:
                token.revoked = revoked
            return token

    def confine(self, serialized, caveats):
        """`serialized` with more caveats: a derived token with the same id,
        so revoking the original disables it too. Like /tokens/confine, the
        token is decoded, not verified."""
        payload = self.decode(serialized)
        return self._serialize(payload["id"], payload["sub"], payload["cav"] + caveats,
                               payload["per"], payload.get("typ", ACCESS))

    def decode(self, serialized):
        """Payload of a token, without verifying it (like /tokens/examine).

        Raises badToken when the string cannot be decoded at all."""
        try:
            body, _mac = serialized.rsplit(".", 1)
            if not body.startswith(PREFIX):
                raise ValueError
            payload = json.loads(_unb64(body[len(PREFIX):]))
            if not isinstance(payload, dict) or not all(
                    k in payload for k in ("id", "sub", "cav", "per")):
                raise ValueError
            return payload
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise errors.bad_token()

    def _verified(self, serialized, ctx, now):
        payload = self.decode(serialized)
        body, mac = serialized.rsplit(".", 1)
        token = self._by_id.get(payload["id"])
        if not hmac.compare_digest(mac, _mac(body)) or token is None or token.deleted:
            raise errors.token_invalid()
        if token.revoked:
            raise errors.token_revoked()
        now = time.time() if now is None else now
        for caveat in payload["cav"]:
            if not _caveat_ok(caveat, ctx, now):
                raise errors.token_caveat_unverified(caveat, caveat_text(caveat))
        return Presented(token, payload["cav"])

    def verify(self, serialized, data_access=False, now=None, ctx=None):
        """The access token behind `serialized` (a Presented), or a bare
        token error.

        `data_access` tells whether the operation is a data operation that
        data-access caveats (data.*, interface = oneclient) allow; any other
        operation refuses such tokens. `ctx` (a Context) says more about the
        request (interface, peer address, service). Callers wrap the error
        as their endpoint requires (401 unauthorized for header
        authentication)."""
        presented = self._verified(serialized, ctx or Context(data_access), now)
        if presented.type != ACCESS:
            raise errors.not_an_access_token(presented.type, type_text(presented.type))
        return presented

    def verify_invite(self, serialized, expected, ctx, now=None):
        """The invite token behind `serialized`, of inviteType `expected`."""
        presented = self._verified(serialized, ctx, now)
        if invite_type(presented.type) != expected:
            raise errors.not_an_invite_token(expected, presented.type,
                                             type_text(presented.type))
        return presented


def _mac(body):
    return hmac.new(_SECRET, body.encode(), hashlib.sha256).hexdigest()[:32]
