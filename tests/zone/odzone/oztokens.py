"""Onezone token management: named and temporary tokens, confinement and
invitations (ENDPOINTS.md 6). A mixin of Onezone.

Order of checks as in oz-worker: the caller's token (401), the body (400
validation: missingRequiredValue, badValue*), existence and ownership of
the named token (404, 403), then the operation. An invite token is checked
when it is created (the target exists, the creator may invite to it) and
again when it is consumed (not revoked, caveats, type, usage limit, the
creator still may invite); errors about the presented invite token come
wrapped in badValueToken{key: "token"}, like any token given in a body.

Simplifications, said here once: group privileges are not modelled, every
direct member of a group holds the group privileges an invitation needs;
a group joining a group is recorded (GET of the relation is not served)
but does not make the child's members effective members of the parent.
"""

import time

from . import errors
from .common import json_body, token_field, valid_name
from .model import State
from .server import Response
from .tokens import (ACCESS, MAX_TEMPORARY_TTL, Context, check_caveats,
                     invite_type)

SPACE_PRIVILEGES = State.SPACE_PRIVILEGES

GROUP_PRIVILEGES = (
    "group_view", "group_update", "group_delete", "group_view_privileges",
    "group_set_privileges", "group_add_parent", "group_leave_parent",
    "group_add_child", "group_remove_child", "group_add_user", "group_remove_user",
    "group_add_space", "group_leave_space")

# inviteType -> (target key, target kind, privilege the creator needs,
#                privileges the joiner may be given)
INVITES = {
    "userJoinSpace": ("spaceId", "space", "space_add_user", SPACE_PRIVILEGES),
    "groupJoinSpace": ("spaceId", "space", "space_add_group", SPACE_PRIVILEGES),
    "supportSpace": ("spaceId", "space", "space_add_support", None),
    "userJoinGroup": ("groupId", "group", "group_add_user", GROUP_PRIVILEGES),
    "groupJoinGroup": ("groupId", "group", "group_add_child", GROUP_PRIVILEGES),
}

ZONE_SERVICE = "ozw-onezone"


def context(request, data_access=False, service=ZONE_SERVICE):
    """Where a REST request uses its token (for ip/service/interface caveats)."""
    return Context(data_access, "rest", getattr(request, "peer", None), service)


class TokenApi:
    TOKEN_ROUTES = (
        ("POST", "/user/tokens/named", "create_named"),
        ("GET", "/user/tokens/named", "list_named"),
        ("GET", "/user/tokens/named/name/{name}", "named_by_name"),
        ("POST", "/user/tokens/temporary", "create_temporary"),
        ("GET", "/tokens/named/{tid}", "named_token"),
        ("PATCH", "/tokens/named/{tid}", "modify_named"),
        ("DELETE", "/tokens/named/{tid}", "delete_named"),
        ("GET", "/tokens/named/{tid}/status", "named_status"),
        ("POST", "/tokens/confine", "confine"),
        ("POST", "/user/spaces/join", "user_join_space"),
        ("POST", "/groups/{gid}/spaces/join", "group_join_space"),
        ("POST", "/user/groups/join", "user_join_group"),
        ("POST", "/groups/{gid}/parents/join", "group_join_group"),
    )

    # -- privileges ----------------------------------------------------------------

    def _holds(self, user_id, kind, target, privilege):
        """Whether the user may act on a space or group with `privilege`."""
        if kind == "space":
            return self.state.has_privilege(user_id, target, privilege)
        return user_id in target.members        # see the module comment

    def _target(self, kind, target_id):
        table = self.state.spaces if kind == "space" else self.state.groups
        return table.get(target_id) if isinstance(target_id, str) else None

    # -- create ----------------------------------------------------------------------

    def _token_type(self, user, body, persistence):
        """The validated `type` of a create request, plus the invite's
        privileges and usage limit (None for other tokens)."""
        token_type = body.get("type", ACCESS)
        if not isinstance(token_type, dict) or len(token_type) != 1:
            raise errors.bad_value_token_type("type")
        if token_type in (ACCESS, {"identityToken": {}}):
            return token_type, None, "infinity"
        kind = invite_type(token_type)
        if kind is None:
            raise errors.bad_value_token_type("type")
        if kind not in INVITES:
            raise errors.bad_value_invite_type("inviteType")
        key, target_kind, needed, allowed = INVITES[kind]
        target_id = token_type["inviteToken"].get(key)
        if not isinstance(target_id, str):
            raise errors.missing_required_value(key)
        target = self._target(target_kind, target_id)
        if target is None:
            raise errors.invite_token_target_id_invalid(target_id)
        if not self._holds(user.id, target_kind, target, needed):
            raise errors.invite_token_subject_not_authorized()
        privileges = usage = None
        if persistence == "named":
            privileges = body.get("privileges")
            if privileges is not None:
                if not isinstance(privileges, list) or not all(
                        isinstance(p, str) for p in privileges):
                    raise errors.bad_value_list_of_strings("privileges")
                if allowed is None or not set(privileges) <= set(allowed):
                    raise errors.bad_value_list_not_allowed("privileges", allowed or ())
            usage = body.get("usageLimit", "infinity")
            if usage != "infinity":
                if isinstance(usage, bool) or not isinstance(usage, int):
                    raise errors.bad_value_integer("usageLimit")
                if usage < 1:
                    raise errors.bad_value_too_low("usageLimit", 1)
        return token_type, privileges, usage or "infinity"

    def create_named(self, request):
        user = self._authenticate(request)
        body = json_body(request)
        name = body.get("name")
        if name is None:
            raise errors.missing_required_value("name")
        if not isinstance(name, str) or not valid_name(name):
            raise errors.bad_value_name("name")
        custom = body.get("customMetadata", {})
        if not isinstance(custom, dict):
            raise errors.bad_value_json("customMetadata")
        revoked = body.get("revoked", False)
        if not isinstance(revoked, bool):
            raise errors.bad_value_boolean("revoked")
        caveats = check_caveats(body.get("caveats"))
        token_type, privileges, usage = self._token_type(user, body, "named")
        tokens = self.state.tokens
        with self.state.lock:
            if tokens.by_name(user.id, name) is not None:
                raise errors.bad_value_identifier_occupied("name")
            token = tokens.create(user.id, caveats, "named", token_type, name)
            token.custom, token.revoked = custom, revoked
            token.privileges, token.usage_limit = privileges, usage
        location = "%s/api/v3/onezone/tokens/named/%s" % (self.state.zone_url, token.id)
        return Response.json({"tokenId": token.id, "token": token.serialized},
                             status=201, headers={"Location": location})

    def create_temporary(self, request):
        user = self._authenticate(request)
        body = json_body(request)
        caveats = check_caveats(body.get("caveats"))
        token_type, _, _ = self._token_type(user, body, "temporary")
        times = [c["validUntil"] for c in caveats if c["type"] == "time"]
        if not times or min(times) - time.time() > MAX_TEMPORARY_TTL:
            raise errors.token_time_caveat_required(MAX_TEMPORARY_TTL)
        token = self.state.tokens.create(user.id, caveats, "temporary", token_type)
        return Response.json({"token": token.serialized}, status=201)

    # -- named tokens ------------------------------------------------------------------

    def _own(self, request, tid):
        user = self._authenticate(request)
        token = self.state.tokens.get(tid)
        if token is None:
            raise errors.not_found()
        if token.subject != user.id:
            raise errors.forbidden()
        return token

    @staticmethod
    def _named_json(token):
        return {"id": token.id, "name": token.name,
                "subject": {"type": "user", "id": token.subject},
                "type": token.type, "caveats": token.caveats,
                "metadata": token.metadata(), "revoked": token.revoked,
                "token": token.serialized}

    def list_named(self, request):
        user = self._authenticate(request)
        return Response.json({"tokens": [t.id for t in self.state.tokens.named(user.id)]})

    def named_token(self, request, tid):
        return Response.json(self._named_json(self._own(request, tid)))

    def named_by_name(self, request, name):
        user = self._authenticate(request)
        token = self.state.tokens.by_name(user.id, name)
        if token is None:
            raise errors.not_found()
        return Response.json(self._named_json(token))

    def named_status(self, request, tid):
        return Response.json({"revoked": self._own(request, tid).revoked})

    def modify_named(self, request, tid):
        token = self._own(request, tid)
        body = json_body(request)
        keys = ("name", "customMetadata", "revoked")
        if not any(k in body for k in keys):
            raise errors.missing_at_least_one_value(keys)
        name = body.get("name", token.name)
        if not isinstance(name, str) or not valid_name(name):
            raise errors.bad_value_name("name")
        custom = body.get("customMetadata", token.custom)
        if not isinstance(custom, dict):
            raise errors.bad_value_json("customMetadata")
        revoked = body.get("revoked", token.revoked)
        if not isinstance(revoked, bool):
            raise errors.bad_value_boolean("revoked")
        with self.state.lock:
            other = self.state.tokens.by_name(token.subject, name)
            if other is not None and other is not token:
                raise errors.bad_value_identifier_occupied("name")
            token.name, token.custom, token.revoked = name, custom, revoked
        return Response(204)

    def delete_named(self, request, tid):
        self.state.tokens.delete(self._own(request, tid))
        return Response(204)

    # -- public ------------------------------------------------------------------------

    def confine(self, request):
        body = json_body(request)
        token = token_field(body, "token")
        if "caveats" not in body:
            raise errors.missing_required_value("caveats")
        caveats = check_caveats(body["caveats"])
        try:
            confined = self.state.tokens.confine(token, caveats)
        except errors.OdError as err:
            raise errors.bad_value_token("token", err)
        return Response.json({"token": confined})

    # -- invitations -------------------------------------------------------------------

    def _invite(self, request, expected):
        """The invite token of a join request, verified for consumption."""
        serialized = token_field(json_body(request), "token")
        key, kind, needed, _ = INVITES[expected]
        try:
            presented = self.state.tokens.verify_invite(serialized, expected,
                                                        context(request))
            token = presented.token
            limit = token.usage_limit
            if limit != "infinity" and token.usage_count >= limit:
                raise errors.invite_token_usage_limit_reached()
            target = self._target(kind, presented.type["inviteToken"].get(key))
            if target is None:
                raise errors.invite_token_target_id_invalid(
                    presented.type["inviteToken"].get(key))
            if not self._holds(token.subject, kind, target, needed):
                raise errors.invite_token_subject_not_authorized()
        except errors.OdError as err:
            raise errors.bad_value_token("token", err)
        return token, target

    def _consumer_group(self, request, gid, privilege):
        user = self._authenticate(request)
        group = self.state.groups.get(gid)
        if group is None:
            raise errors.not_found()
        if not self._holds(user.id, "group", group, privilege):
            raise errors.forbidden()
        return group

    def _joined(self, token, location):
        token.usage_count += 1
        return Response(201, headers={"Location": "%s/api/v3/onezone%s" % (
            self.state.zone_url, location)})

    def user_join_space(self, request):
        user = self._authenticate(request)
        token, space = self._invite(request, "userJoinSpace")
        with self.state.lock:
            if user.id in space.users:
                raise errors.relation_already_exists("user", user.id, "space", space.id)
            self.state.add_space_member(space, "user", user.id, token.privileges)
            return self._joined(token, "/user/spaces/" + space.id)

    def group_join_space(self, request, gid):
        group = self._consumer_group(request, gid, "group_add_space")
        token, space = self._invite(request, "groupJoinSpace")
        with self.state.lock:
            if group.id in space.groups:
                raise errors.relation_already_exists("group", group.id, "space", space.id)
            self.state.add_space_member(space, "group", group.id, token.privileges)
            return self._joined(token, "/groups/%s/spaces/%s" % (group.id, space.id))

    def user_join_group(self, request):
        user = self._authenticate(request)
        token, group = self._invite(request, "userJoinGroup")
        with self.state.lock:
            if user.id in group.members:
                raise errors.relation_already_exists("user", user.id, "group", group.id)
            group.members.add(user.id)
            return self._joined(token, "/user/groups/" + group.id)

    def group_join_group(self, request, gid):
        child = self._consumer_group(request, gid, "group_add_parent")
        token, parent = self._invite(request, "groupJoinGroup")
        with self.state.lock:
            children = parent.child_groups
            if child.id in children or child is parent:
                raise errors.relation_already_exists("group", child.id, "group", parent.id)
            children.add(child.id)
            return self._joined(token, "/groups/%s/parents/%s" % (child.id, parent.id))
