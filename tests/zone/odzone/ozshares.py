"""Shares and handles on the Onezone side (ENDPOINTS.md 5.2, 5.4): a mixin
of Onezone, with the handle services, handles and zone admin privileges
they need.

Shares are created and deleted only through a Oneprovider (opshares.py);
Onezone reads them, renames them and edits their description. A handle
(a DOI or a Handle.net PID) is registered for a share through a handle
service the user may register in (handle_service_register_handle); the
zone stands in for the external PID service: it makes the public handle
itself and contacts nobody.

Checks run in this order: the token (401), the request data (400), the
entities the request names (404, or 400 badValueIdNotFound for ids in a
body), the caller's privileges (403), then the operation's own errors.
"""

import secrets
import time
import xml.etree.ElementTree as ElementTree

from . import datamgmt, errors
from .common import json_body
from .model import md5hex
from .server import Response

METADATA_PREFIXES = ("oai_dc", "edm")
RESOURCE_TYPES = ("Share",)
REGISTER = "handle_service_register_handle"
# What the creator of a handle holds in it (oz-worker's admin defaults).
HANDLE_PRIVILEGES = frozenset(("handle_view", "handle_update", "handle_delete",
                               "handle_view_privileges", "handle_set_privileges",
                               "handle_add_user", "handle_remove_user",
                               "handle_add_group", "handle_remove_group"))

DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
# The fifteen elements of simple Dublin Core, all oai_dc allows.
DC_ELEMENTS = frozenset((
    "title", "creator", "subject", "description", "publisher", "contributor",
    "date", "type", "format", "identifier", "source", "language", "relation",
    "coverage", "rights"))


class HandleService:
    """A handle service: kind "doi" (public handles "<prefix>/<suffix>")
    or "handle" (http://hdl.handle.net/<prefix>/<suffix>); members maps
    user ids to their handle service privileges."""

    def __init__(self, name, kind, prefix, members):
        assert kind in ("doi", "handle")
        self.id = md5hex("handle-service:" + name)
        self.name = name
        self.kind = kind
        self.prefix = prefix
        self.members = {uid: frozenset(privs) for uid, privs in members.items()}

    def new_public_handle(self):
        suffix = secrets.token_urlsafe(5)
        if self.kind == "doi":
            return "%s/%s" % (self.prefix, suffix)
        return "http://hdl.handle.net/%s/%s" % (self.prefix, suffix)


class Handle:
    def __init__(self, service, share, prefix, metadata, creator):
        self.id = secrets.token_hex(16)
        self.service = service
        self.share_id = share.id
        self.metadata_prefix = prefix
        self.metadata = metadata
        self.public_handle = service.new_public_handle()
        self.creator = creator
        self.creation_time = int(time.time())
        self.timestamp = _timestamp(self.creation_time)
        # Direct members (user id -> privileges): the creator, as owner.
        self.members = {creator: HANDLE_PRIVILEGES}


def _timestamp(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def fixture(state, alice, carol):
    """The facility's handle services and zone admin privileges; returns
    their part of zone.json. Alice and carol register DOIs; only carol
    registers Handle.net PIDs; bob and dave may use neither. Carol is a
    zone admin who lists and reads every share."""
    register = (REGISTER, "handle_service_view")
    doi = HandleService("Facility DOI (test)", "doi", "10.5072",
                        {alice.id: register, carol.id: register})
    hdl = HandleService("Facility Handle.net (test)", "handle", "21.T15999",
                        {carol.id: register})
    for service in (doi, hdl):
        state.handle_services[service.id] = service
    state.oz_privileges[carol.id] = frozenset(("oz_shares_list", "oz_shares_view"))
    return {"handleServices": {s.name: s.id for s in (doi, hdl)}}


def check_metadata(prefix, text):
    """The metadata must be well-formed XML (badValueXML); oai_dc must be
    simple Dublin Core: an oai_dc:dc (or, as in the API's examples, a
    metadata) root holding only dc:* elements with text (badData)."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        raise errors.bad_value_xml("metadata")
    if prefix != "oai_dc":
        return
    if root.tag not in ("{%s}dc" % OAI_DC_NS, "metadata"):
        raise errors.bad_data("metadata", "the root element must be oai_dc:dc")
    for child in root:
        namespace, _, name = child.tag.partition("}")
        if namespace != "{" + DC_NS or name not in DC_ELEMENTS:
            raise errors.bad_data("metadata", "%s is not a Dublin Core element" % child.tag)
        if len(child):
            raise errors.bad_data("metadata", "dc:%s must hold text only" % name)


def _string(body, key):
    if key not in body:
        raise errors.missing_required_value(key)
    value = body[key]
    if not isinstance(value, str):
        raise errors.bad_value_string(key)
    if not value:
        raise errors.bad_value_empty(key)
    return value


def share_update(body):
    """{"name"?, "description"?} of a PATCH (OP or OZ), checked."""
    keys = ("name", "description")
    if not any(k in body for k in keys):
        raise errors.missing_at_least_one_value(keys)
    changes = {}
    for key in keys:
        if key in body:
            value = body[key]
            if not isinstance(value, str):
                raise errors.bad_value_string(key)
            if key == "name" and not value:
                raise errors.bad_value_empty(key)
            changes[key] = value
    return changes


def apply_share_update(state, share, changes):
    with state.lock:
        share.name = changes.get("name", share.name)
        share.description = changes.get("description", share.description)


def remove_share(state, share):
    """Delete a share: its share-scoped ids stop working (the data stays)
    and the file's directShareIds forget it; its handle goes with it."""
    with state.lock:
        state.shares.pop(share.id, None)
        node = share.node
        node.shares = [s for s in node.shares or () if s is not share] or None
        if share.handle is not None:
            state.handles.pop(share.handle, None)
        state.generation += 1


class ShareOps:
    """Mixin of Onezone: needs self.state and self._authenticate."""

    SHARE_ROUTES = (
        ("GET", "/shares", "all_shares"),
        ("PATCH", "/shares/{shid}", "modify_share"),
        ("GET", "/spaces/{sid}/shares/{shid}", "space_share"),
        ("GET", "/user/effective_handle_services", "user_handle_services"),
        ("GET", "/handle_services/{hsid}/public", "public_handle_service"),
        ("POST", "/handles", "register_handle"),
        ("POST", "/user/handles", "register_handle"),
        ("GET", "/user/handles", "user_handles"),
        ("GET", "/user/effective_handles", "user_handles"),
        ("GET", "/handles/{hid}", "handle"),
        ("GET", "/handles/{hid}/public", "public_handle"),
        ("PATCH", "/handles/{hid}", "update_handle"),
        ("DELETE", "/handles/{hid}", "delete_handle"),
    )

    def _oz_admin(self, user, privilege):
        return privilege in self.state.oz_privileges.get(user.id, ())

    # -- shares --------------------------------------------------------------

    def all_shares(self, request):
        """GET /shares: zone admins only (oz_shares_list)."""
        user = self._authenticate(request)
        if not self._oz_admin(user, "oz_shares_list"):
            raise errors.forbidden()
        return Response.json({"shares": sorted(self.state.shares)})

    def modify_share(self, request, shid):
        """PATCH /shares/{id} {"name"?, "description"?} -> 204
        (space_manage_shares, or oz_shares_update)."""
        user = self._authenticate(request)
        changes = share_update(json_body(request))
        share = self.state.shares.get(shid)
        if share is None:
            raise errors.not_found()
        if not (self.state.has_privilege(user.id, share.space, "space_manage_shares")
                or self._oz_admin(user, "oz_shares_update")):
            raise errors.forbidden()
        apply_share_update(self.state, share, changes)
        return Response(204)

    def space_share(self, request, sid, shid):
        """GET /spaces/{sid}/shares/{shid}: a share of that space (space_view)."""
        user = self._authenticate(request)
        space = self._member_space(user, sid)
        share = self.state.shares.get(shid)
        if share is None or share.space is not space:
            raise errors.not_found()
        if not self.state.has_privilege(user.id, space, "space_view"):
            raise errors.forbidden()
        return Response.json(datamgmt.share_json(self.state, share, "onezone"))

    # -- handle services ---------------------------------------------------------

    def user_handle_services(self, request):
        user = self._authenticate(request)
        ids = sorted(s.id for s in self.state.handle_services.values()
                     if user.id in s.members)
        return Response.json({"handle_services": ids})

    def public_handle_service(self, request, hsid):
        """Public: no token needed."""
        service = self.state.handle_services.get(hsid)
        if service is None:
            raise errors.not_found()
        return Response.json({"handleServiceId": service.id, "name": service.name})

    # -- handles -----------------------------------------------------------------

    def register_handle(self, request):
        """POST /handles or /user/handles {handleServiceId, resourceType
        "Share", resourceId, metadataPrefix, metadata} -> 201, the id in
        Location only. Either way the caller becomes the handle's owner."""
        user = self._authenticate(request)
        body = json_body(request)
        values = {key: _string(body, key) for key in (
            "handleServiceId", "resourceType", "resourceId", "metadataPrefix", "metadata")}
        if values["resourceType"] not in RESOURCE_TYPES:
            raise errors.bad_value_not_allowed("resourceType", RESOURCE_TYPES)
        if values["metadataPrefix"] not in METADATA_PREFIXES:
            raise errors.bad_value_not_allowed("metadataPrefix", METADATA_PREFIXES)
        service = self.state.handle_services.get(values["handleServiceId"])
        if service is None:
            raise errors.bad_value_id_not_found("handleServiceId")
        share = self.state.shares.get(values["resourceId"])
        if share is None:
            raise errors.bad_value_id_not_found("resourceId")
        if REGISTER not in service.members.get(user.id, ()):
            raise errors.forbidden()
        check_metadata(values["metadataPrefix"], values["metadata"])
        with self.state.lock:
            if share.handle is not None:
                raise errors.already_exists()
            handle = Handle(service, share, values["metadataPrefix"],
                            values["metadata"], user.id)
            self.state.handles[handle.id] = handle
            share.handle = handle.id
        where = "/user/handles/" if request.path.endswith("/user/handles") else "/handles/"
        location = "%s/api/v3/onezone%s%s" % (self.state.zone_public_url, where, handle.id)
        return Response(201, headers={"Location": location})

    def user_handles(self, request):
        """GET /user/handles and /user/effective_handles (no group owns a
        handle here, so the two are the same)."""
        user = self._authenticate(request)
        ids = sorted(h.id for h in self.state.handles.values() if user.id in h.members)
        return Response.json({"handles": ids})

    def _handle(self, user, hid, privilege):
        handle = self.state.handles.get(hid)
        if handle is None:
            raise errors.not_found()
        if privilege not in handle.members.get(user.id, ()):
            raise errors.forbidden()
        return handle

    @staticmethod
    def _handle_json(handle, public=False):
        value = {
            "handleId": handle.id,
            "handleServiceId": handle.service.id,
            "publicHandle": handle.public_handle,
            "resourceType": "Share",
            "resourceId": handle.share_id,
            "metadataPrefix": handle.metadata_prefix,
            "metadata": handle.metadata,
            "timestamp": handle.timestamp,
            "creationTime": handle.creation_time,
        }
        if not public:
            value["creator"] = {"type": "user", "id": handle.creator}
        return value

    def handle(self, request, hid):
        user = self._authenticate(request)
        return Response.json(self._handle_json(self._handle(user, hid, "handle_view")))

    def public_handle(self, request, hid):
        """Public: no token needed; no creator."""
        handle = self.state.handles.get(hid)
        if handle is None:
            raise errors.not_found()
        return Response.json(self._handle_json(handle, public=True))

    def update_handle(self, request, hid):
        """PATCH /handles/{id} {"metadata"} -> 204 (handle_update)."""
        user = self._authenticate(request)
        metadata = _string(json_body(request), "metadata")
        handle = self._handle(user, hid, "handle_update")
        check_metadata(handle.metadata_prefix, metadata)
        with self.state.lock:
            handle.metadata = metadata
            handle.timestamp = _timestamp(int(time.time()))
        return Response(204)

    def delete_handle(self, request, hid):
        """DELETE /handles/{id} -> 204 (handle_delete); the share stays,
        without a handle."""
        user = self._authenticate(request)
        handle = self._handle(user, hid, "handle_delete")
        with self.state.lock:
            self.state.handles.pop(handle.id, None)
            share = self.state.shares.get(handle.share_id)
            if share is not None and share.handle == handle.id:
                share.handle = None
        return Response(204)
