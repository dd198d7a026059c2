"""The Oneprovider endpoints that create, change and delete shares
(ENDPOINTS.md 5.1): a mixin of Oneprovider.

Checks run in op-worker's middleware order: the token (401), the request
data (400), the entity (404), the caller's space privilege
space_manage_shares (403), support of the space (400
spaceNotSupportedBy). A share-scoped rootFileId is posix enotsup, like
the other operations that take a file id in their body.
"""

import secrets
import time

from . import errors
from .common import json_body
from .model import Share
from .ozshares import apply_share_update, remove_share, share_update
from .server import Response

MANAGE = ("space_manage_shares",)


class ShareWrites:
    """Mixin: needs self.state, self.provider and the Jobs helpers."""

    SHARE_WRITE_ROUTES = (
        ("POST", "/shares", "create_share"),
        ("PATCH", "/shares/{shid}", "update_share"),
        ("DELETE", "/shares/{shid}", "remove_share"),
    )

    def create_share(self, request):
        """POST /shares {"name", "rootFileId" (or the deprecated "fileId"),
        "description"?} -> 201 {"shareId"} + Location. Any number of
        shares may publish one file; the whole space can be shared."""
        user = self._authenticate(request, data_access=False)
        body = json_body(request)
        key = "rootFileId" if "rootFileId" in body or "fileId" not in body else "fileId"
        if key not in body:
            raise errors.missing_required_value(key)
        file_id, parsed = self._body_file_id(body, key)
        if "name" not in body:
            raise errors.missing_required_value("name")
        if not isinstance(body["name"], str):
            raise errors.bad_value_string("name")
        if not body["name"]:
            raise errors.bad_value_empty("name")
        description = body.get("description", "")
        if not isinstance(description, str):
            raise errors.bad_value_string("description")
        space = self.state.spaces.get(parsed[1])
        self._require(user, space, MANAGE)
        self._supported_here(space)
        node = self._body_file(file_id)
        with self.state.lock:
            share = self.state.add_share(Share(node, body["name"], description, user.id,
                                               int(time.time()), id=secrets.token_hex(16)))
            self.state.generation += 1
        return Response.json({"shareId": share.id}, status=201,
                             headers={"Location": self._uri("shares", share.id)})

    def _managed_share(self, user, shid):
        share = self.state.shares.get(shid)
        if share is None:
            raise errors.not_found()
        self._require(user, share.space, MANAGE)
        self._supported_here(share.space)
        return share

    def update_share(self, request, shid):
        """PATCH /shares/{shid} {"name"?, "description"?} -> 204."""
        user = self._authenticate(request, data_access=False)
        changes = share_update(json_body(request))
        apply_share_update(self.state, self._managed_share(user, shid), changes)
        return Response(204)

    def remove_share(self, request, shid):
        """DELETE /shares/{shid} -> 204: the data stays, the public URL and
        the share-scoped ids stop working."""
        user = self._authenticate(request, data_access=False)
        remove_share(self.state, self._managed_share(user, shid))
        return Response(204)
