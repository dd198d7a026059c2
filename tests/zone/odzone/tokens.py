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
import json
import threading
import time

from . import errors

PREFIX = "MDAx"
# Constant on purpose: the fixture's tokens are the same on every run, so a
# failing test can be replayed by hand with the token from its log.
_SECRET = hashlib.sha256(b"onetui test zone token key").digest()


def _is_data_access_caveat(caveat):
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
    return kind


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Token:
    """One issued token, as the registry knows it."""

    def __init__(self, token_id, name, subject, caveats, serialized):
        self.id = token_id
        self.name = name
        self.subject = subject          # user id
        self.caveats = caveats
        self.serialized = serialized
        self.revoked = False

    @property
    def readonly(self):
        return any(c["type"] == "data.readonly" for c in self.caveats)

    @property
    def valid_until(self):
        """Earliest time caveat, or None for a token that never expires."""
        times = [c["validUntil"] for c in self.caveats if c["type"] == "time"]
        return min(times) if times else None


class TokenRegistry:
    def __init__(self):
        self._lock = threading.Lock()
        self._by_id = {}
        self._by_name = {}

    def issue(self, name, subject, caveats=(), revoked=False):
        token_id = hashlib.md5(("token:" + name).encode()).hexdigest()
        payload = json.dumps({"id": token_id, "sub": subject,
                              "cav": list(caveats), "per": "named"},
                             separators=(",", ":"), sort_keys=True)
        body = PREFIX + _b64(payload.encode())
        mac = hmac.new(_SECRET, body.encode(), hashlib.sha256).hexdigest()[:32]
        token = Token(token_id, name, subject, list(caveats), body + "." + mac)
        token.revoked = revoked
        with self._lock:
            self._by_id[token_id] = token
            self._by_name[name] = token
        return token

    def set_revoked(self, name, revoked=True):
        with self._lock:
            token = self._by_name.get(name)
            if token is not None:
                token.revoked = revoked
            return token

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

    def verify(self, serialized, data_access, now=None):
        """The Token behind `serialized`, or a bare token error.

        `data_access` tells whether the operation is a data operation that
        data-access caveats (data.*, interface = oneclient) allow; any other
        operation refuses such tokens. Callers wrap the error as their
        endpoint requires (401 unauthorized for header authentication)."""
        payload = self.decode(serialized)
        body, mac = serialized.rsplit(".", 1)
        good = hmac.new(_SECRET, body.encode(), hashlib.sha256).hexdigest()[:32]
        token = self._by_id.get(payload["id"])
        if not hmac.compare_digest(mac, good) or token is None \
                or token.serialized != serialized:
            raise errors.token_invalid()
        if token.revoked:
            raise errors.token_revoked()
        now = time.time() if now is None else now
        for caveat in token.caveats:
            expired = caveat["type"] == "time" and caveat["validUntil"] <= now
            if expired or (not data_access and _is_data_access_caveat(caveat)):
                raise errors.token_caveat_unverified(caveat, caveat_text(caveat))
        return token
