"""Onezone: creating spaces and groups, and space membership.

Spaces and groups made through the API, renaming a space, the space
privilege vocabulary, a space's owners, users and groups (direct and
effective) with their privileges, adding a group, removing a member and
changing privileges (PATCH grant/revoke), with the privileges the
official spec names for each. Privileges are kept by odzone.model.State
(add_space_member, direct_privileges, effective_privileges...).
"""

import secrets
import time

from . import errors
from .common import json_body, valid_name
from .model import Group, Space
from .server import Response

BASE = "/api/v3/onezone"
GROUP_TYPES = ("organization", "unit", "team", "role_holders")


def _name(body, key="name", required=True):
    if key not in body:
        if required:
            raise errors.missing_required_value(key)
        return None
    value = body[key]
    if not isinstance(value, str):
        raise errors.bad_value_string(key)
    if not valid_name(value):
        raise errors.bad_value_name(key)
    return value


class SpaceMembers:
    """The routes below, registered by the Onezone application ahead of
    its own (so that /spaces/privileges is not taken for a space id)."""

    ROUTES = (
        ("POST", "/user/spaces", "create_space"),
        ("POST", "/user/groups", "create_group"),
        ("GET", "/user/groups", "user_groups"),
        ("GET", "/user/effective_groups", "user_groups"),
        ("GET", "/groups/{gid}", "group"),
        ("GET", "/spaces/privileges", "privileges"),
        ("PATCH", "/spaces/{sid}", "update_space"),
        ("GET", "/spaces/{sid}/owners", "owners"),
        ("GET", "/spaces/{sid}/users", "users"),
        ("GET", "/spaces/{sid}/effective_users", "effective_users"),
        ("GET", "/spaces/{sid}/users/{uid}", "user"),
        ("DELETE", "/spaces/{sid}/users/{uid}", "remove_user"),
        ("GET", "/spaces/{sid}/effective_users/{uid}", "effective_user"),
        ("GET", "/spaces/{sid}/users/{uid}/privileges", "user_privileges"),
        ("PATCH", "/spaces/{sid}/users/{uid}/privileges", "set_user_privileges"),
        ("GET", "/spaces/{sid}/effective_users/{uid}/privileges",
         "effective_user_privileges"),
        ("GET", "/spaces/{sid}/effective_users/{uid}/membership", "membership"),
        ("GET", "/spaces/{sid}/groups", "groups"),
        ("GET", "/spaces/{sid}/effective_groups", "groups"),
        ("GET", "/spaces/{sid}/groups/{gid}", "space_group"),
        ("PUT", "/spaces/{sid}/groups/{gid}", "add_group"),
        ("DELETE", "/spaces/{sid}/groups/{gid}", "remove_group"),
        ("GET", "/spaces/{sid}/effective_groups/{gid}", "space_group"),
        ("GET", "/spaces/{sid}/groups/{gid}/privileges", "group_privileges"),
        ("PATCH", "/spaces/{sid}/groups/{gid}/privileges", "set_group_privileges"),
        # Groups do not nest here: a group's effective privileges are its own.
        ("GET", "/spaces/{sid}/effective_groups/{gid}/privileges", "group_privileges"),
    )

    def __init__(self, state, onezone):
        self.state = state
        self.onezone = onezone

    def routes(self):
        return [(m, BASE + t, getattr(self, name)) for m, t, name in self.ROUTES]

    # -- helpers -------------------------------------------------------------

    def _location(self, *segments):
        return "%s%s/%s" % (self.state.zone_public_url, BASE, "/".join(segments))

    def _space(self, request, sid, privilege):
        """(user, space) when the caller holds `privilege` in the space:
        404 for an unknown space, 403 otherwise."""
        user = self.onezone._authenticate(request)
        space = self.state.spaces.get(sid)
        if space is None:
            raise errors.not_found()
        if not self.state.has_privilege(user.id, space, privilege):
            raise errors.forbidden()
        return user, space

    def _effective_user_ids(self, space):
        ids = set(space.users)
        for gid in space.groups:
            ids |= self.state.groups[gid].members
        return ids

    def _ordered(self, privileges):
        return [p for p in self.state.SPACE_PRIVILEGES if p in privileges]

    def _privileges_value(self, body, key):
        value = body[key]
        vocabulary = self.state.SPACE_PRIVILEGES
        if not isinstance(value, list) or not all(
                isinstance(p, str) and p in vocabulary for p in value):
            raise errors.bad_value_list_not_allowed(key, vocabulary)
        return set(value)

    def _update(self, request, kind, space, member_id):
        body = json_body(request)
        if "grant" not in body and "revoke" not in body:
            raise errors.missing_at_least_one_value(["grant", "revoke"])
        grant = self._privileges_value(body, "grant") if "grant" in body else set()
        revoke = self._privileges_value(body, "revoke") if "revoke" in body else set()
        self.state.set_direct_privileges(space, kind, member_id, grant, revoke)
        return Response(204)

    @staticmethod
    def _user_json(user):
        return {"userId": user.id, "fullName": user.full_name,
                "username": user.username, "creationTime": user.creation_time}

    @staticmethod
    def _group_json(group):
        value = {"groupId": group.id, "name": group.name, "type": group.type,
                 "creationTime": group.creation_time}
        if group.creator:
            value["creator"] = {"type": "user", "id": group.creator}
        return value

    # -- creating spaces and groups ---------------------------------------------

    def create_space(self, request):
        """The creator becomes the owner and a direct member with every
        privilege, as in Onedata."""
        user = self.onezone._authenticate(request)
        name = _name(json_body(request))
        space = Space(name, "", user.id, int(time.time()),
                      space_id=secrets.token_hex(16))
        with self.state.lock:
            self.state.add_space(space)
            space.owners.add(user.id)
            self.state.add_space_member(space, "user", user.id,
                                        self.state.SPACE_PRIVILEGES)
        return Response(201, headers={"Location": self._location("user", "spaces", space.id)})

    def create_group(self, request):
        user = self.onezone._authenticate(request)
        body = json_body(request)
        name = _name(body)
        group_type = body.get("type", "team")
        if group_type not in GROUP_TYPES:
            raise errors.bad_value_not_allowed("type", GROUP_TYPES)
        group = Group(name, group_type, [user], group_id=secrets.token_hex(16),
                      creator=user.id, creation_time=int(time.time()))
        group.admins.add(user.id)
        with self.state.lock:
            self.state.add_group(group)
            self.state.generation += 1
        return Response(201, headers={"Location": self._location("user", "groups", group.id)})

    def user_groups(self, request):
        """The user's groups; without nesting, direct and effective are one."""
        user = self.onezone._authenticate(request)
        return Response.json({"groups": sorted(self.state.user_groups(user.id))})

    def group(self, request, gid):
        user = self.onezone._authenticate(request)
        group = self.state.groups.get(gid)
        if group is None:
            raise errors.not_found()
        if user.id not in group.members:
            raise errors.forbidden()
        return Response.json(self._group_json(group))

    # -- spaces --------------------------------------------------------------------

    def privileges(self, request):
        """Public: the vocabulary and its suggested subsets."""
        return Response.json({
            "admin": list(self.state.SPACE_PRIVILEGES),
            "manager": self._ordered(self.state.MANAGER_PRIVILEGES),
            "member": self._ordered(self.state.MEMBER_PRIVILEGES),
        })

    def update_space(self, request, sid):
        _, space = self._space(request, sid, "space_update")
        body = json_body(request)
        keys = ("name", "description", "organizationName", "tags")
        if not any(k in body for k in keys):
            raise errors.missing_at_least_one_value(keys)
        name = _name(body, required=False)
        for key in ("description", "organizationName"):
            if key in body and not isinstance(body[key], str):
                raise errors.bad_value_string(key)
        tags = body.get("tags")
        if tags is not None and (not isinstance(tags, list) or
                                 not all(isinstance(t, str) for t in tags)):
            raise errors.bad_value_list_of_strings("tags")
        with self.state.lock:
            if name is not None:
                space.name = name
                space.root.name = name
            space.description = body.get("description", space.description)
            space.organization = body.get("organizationName", space.organization)
            if tags is not None:
                space.tags = list(tags)
            self.state.generation += 1
        return Response(204)

    def owners(self, request, sid):
        _, space = self._space(request, sid, "space_view")
        return Response.json({"users": sorted(space.owners)})

    # -- users -----------------------------------------------------------------------

    def users(self, request, sid):
        _, space = self._space(request, sid, "space_view")
        return Response.json({"users": sorted(space.users)})

    def effective_users(self, request, sid):
        _, space = self._space(request, sid, "space_view")
        return Response.json({"users": sorted(self._effective_user_ids(space))})

    def _direct_user(self, space, uid):
        if uid not in space.users:
            raise errors.not_found()
        return self.state.users[uid]

    def _effective_user(self, space, uid):
        if uid not in self._effective_user_ids(space):
            raise errors.not_found()
        return self.state.users[uid]

    def user(self, request, sid, uid):
        _, space = self._space(request, sid, "space_view")
        return Response.json(self._user_json(self._direct_user(space, uid)))

    def effective_user(self, request, sid, uid):
        _, space = self._space(request, sid, "space_view")
        return Response.json(self._user_json(self._effective_user(space, uid)))

    def user_privileges(self, request, sid, uid):
        _, space = self._space(request, sid, "space_view_privileges")
        self._direct_user(space, uid)
        held = self.state.direct_privileges(space, "user", uid)
        return Response.json({"privileges": self._ordered(held)})

    def set_user_privileges(self, request, sid, uid):
        _, space = self._space(request, sid, "space_set_privileges")
        self._direct_user(space, uid)
        return self._update(request, "user", space, uid)

    def effective_user_privileges(self, request, sid, uid):
        _, space = self._space(request, sid, "space_view_privileges")
        self._effective_user(space, uid)
        held = self.state.effective_privileges(space, uid)
        return Response.json({"privileges": self._ordered(held)})

    def membership(self, request, sid, uid):
        """Allowed to the user themself (a member) or with space_view."""
        user = self.onezone._authenticate(request)
        space = self.state.spaces.get(sid)
        if space is None:
            raise errors.not_found()
        if not (user.id == uid and self.state.is_member(uid, space)) and \
                not self.state.has_privilege(user.id, space, "space_view"):
            raise errors.forbidden()
        self._effective_user(space, uid)
        through = [{"type": "group", "id": gid}
                   for gid in sorted(self.state.user_groups(uid) & space.groups)]
        if uid in space.users:
            through.append({"type": "space", "id": "self"})
        return Response.json({"intermediaries": through})

    def remove_user(self, request, sid, uid):
        _, space = self._space(request, sid, "space_remove_user")
        self._direct_user(space, uid)
        if space.owners == {uid}:
            raise errors.cannot_remove_last_owner("od_space", space.id)
        self.state.remove_space_member(space, "user", uid)
        return Response(204)

    # -- groups ------------------------------------------------------------------------

    def groups(self, request, sid):
        """Direct and effective member groups are the same here."""
        _, space = self._space(request, sid, "space_view")
        return Response.json({"groups": sorted(space.groups)})

    def _member_group(self, space, gid):
        if gid not in space.groups:
            raise errors.not_found()
        return self.state.groups[gid]

    def space_group(self, request, sid, gid):
        _, space = self._space(request, sid, "space_view")
        return Response.json(self._group_json(self._member_group(space, gid)))

    def group_privileges(self, request, sid, gid):
        _, space = self._space(request, sid, "space_view_privileges")
        self._member_group(space, gid)
        held = self.state.direct_privileges(space, "group", gid)
        return Response.json({"privileges": self._ordered(held)})

    def set_group_privileges(self, request, sid, gid):
        _, space = self._space(request, sid, "space_set_privileges")
        self._member_group(space, gid)
        return self._update(request, "group", space, gid)

    def add_group(self, request, sid, gid):
        """space_add_group in the space, group_add_space in the group (its
        admins), and space_set_privileges to choose the privileges."""
        user, space = self._space(request, sid, "space_add_group")
        group = self.state.groups.get(gid)
        if group is None:
            raise errors.not_found()
        if user.id not in group.admins:
            raise errors.forbidden()
        body = json_body(request)
        privileges = None
        if "privileges" in body:
            if not self.state.has_privilege(user.id, space, "space_set_privileges"):
                raise errors.forbidden()
            privileges = self._privileges_value(body, "privileges")
        with self.state.lock:
            if gid in space.groups:
                raise errors.relation_already_exists("group", gid, "space", sid)
            self.state.add_space_member(space, "group", gid, privileges)
        return Response(204)

    def remove_group(self, request, sid, gid):
        _, space = self._space(request, sid, "space_remove_group")
        self._member_group(space, gid)
        self.state.remove_space_member(space, "group", gid)
        return Response(204)
