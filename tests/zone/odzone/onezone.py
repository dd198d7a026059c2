"""The Onezone REST API (/api/v3/onezone), the parts onetui uses."""

from . import datamgmt, errors
from .common import (BUILD, COMPATIBLE_VERSIONS, VERSION, bearer_token,
                     json_body, token_field)
from .model import parse_file_id
from .ozshares import ShareOps
from .ozspaces import SpaceMembers
from .oztokens import TokenApi, context
from .tokens import Context
from .server import Response, Router

BASE = "/api/v3/onezone"


class Onezone(ShareOps, TokenApi):
    def __init__(self, state):
        self.state = state
        self.router = Router()
        for method, path, handler in SpaceMembers(state, self).routes():
            self.router.add(method, path, handler)
        for method, template, handler in (
                ("GET", "/configuration", self.configuration),
                ("GET", "/health", self.health),
                ("POST", "/tokens/infer_access_token_scope", self.infer_scope),
                ("POST", "/tokens/examine", self.examine),
                ("GET", "/user", self.user),
                ("GET", "/user/spaces", self.user_spaces),
                ("GET", "/user/effective_spaces", self.user_effective_spaces),
                ("GET", "/user/effective_spaces/{sid}", self.user_effective_space),
                ("GET", "/user/effective_providers", self.user_effective_providers),
                ("GET", "/user/effective_providers/{pid}",
                 self.user_effective_provider),
                ("GET", "/spaces/{sid}", self.space),
                ("GET", "/spaces/{sid}/providers", self.space_providers),
                ("GET", "/spaces/{sid}/shares", self.space_shares),
                ("GET", "/shares/data/{fid}", self.shared_data),
                ("GET", "/shares/data/{fid}/{subpath+}", self.shared_data),
                ("GET", "/shares/{shid}", self.share),
                ("GET", "/shares/{shid}/public", self.public_share),
                ("GET", "/providers/{pid}", self.provider)):
            self.router.add(method, BASE + template, handler)
        for method, template, name in self.SHARE_ROUTES + self.TOKEN_ROUTES:
            self.router.add(method, BASE + template, getattr(self, name))

    def __call__(self, request):
        handler, params = self.router.match(request.method, request.path)
        if handler is None:
            raise errors.BareStatus(int(params))
        return handler(request, **params)

    # -- helpers -------------------------------------------------------------

    def _authenticate(self, request):
        """The user behind the request's token. Onezone REST refuses tokens
        with data-access caveats (data.*, interface = oneclient)."""
        token = bearer_token(request)
        if token is None:
            raise errors.unauthorized()
        try:
            verified = self.state.tokens.verify(token, ctx=context(request))
        except errors.OdError as err:
            raise errors.unauthorized(err)
        return self.state.users[verified.subject]

    def _member_space(self, user, space_id):
        space = self.state.spaces.get(space_id)
        if space is None:
            raise errors.not_found()
        if not self.state.is_member(user.id, space):
            raise errors.forbidden()
        return space

    def _space_json(self, space):
        return {
            "spaceId": space.id,
            "name": space.name,
            "description": space.description,
            "organizationName": space.organization,
            "tags": space.tags,
            "advertisedInMarketplace": False,
            "marketplaceContactEmail": "",
            "providers": {pid: s.size for pid, s in space.supports.items()},
            "supportParametersRegistry": {
                pid: {"accountingEnabled": False,
                      "dirStatsServiceEnabled": s.dir_stats_enabled,
                      "dirStatsServiceStatus": s.dir_stats}
                for pid, s in space.supports.items()},
            "creator": {"type": "user", "id": space.creator},
            "creationTime": space.creation_time,
        }

    def _provider_json(self, provider):
        return {
            "providerId": provider.id,
            "name": provider.name,
            "domain": provider.domain,
            "latitude": provider.latitude,
            "longitude": provider.longitude,
            "clusterId": provider.id,
            "online": provider.online,
            "creationTime": provider.creation_time,
        }

    # -- public ----------------------------------------------------------------

    def configuration(self, request):
        return Response.json({
            "name": self.state.zone_name,
            "domain": self.state.zone_domain,
            "version": VERSION,
            "build": BUILD,
            "subdomainDelegationSupported": False,
            "compatibleOneproviderVersions": COMPATIBLE_VERSIONS,
            "compatibilityRegistryRevision": 2024101000,
            "supportedIdPs": [{"id": "facility-sso", "offlineAccess": True},
                              {"id": "elixir", "offlineAccess": True},
                              {"id": "basicAuth", "offlineAccess": False}],
            "availableSpaceTags": {
                "general": ["archive", "big-data", "open-data", "raw-data"],
                "domains": ["cryo-em", "materials", "synchrotron", "tem"]},
        })

    def health(self, request):
        return Response.json({"status": "healthy"})

    def infer_scope(self, request):
        body = json_body(request)
        token = token_field(body, "token")
        tokens = self.state.tokens
        try:
            tokens.decode(token)
        except errors.OdError as err:
            raise errors.bad_value_token("token", err)
        # Verification errors are answered bare (400), not wrapped in
        # unauthorized: the token is data here, not the caller's identity.
        # interface/service/api caveats are ignored, so data access is ok.
        verified = tokens.verify(token, ctx=Context(True, interface=None))
        spaces, providers = {}, {}
        # Path and objectid caveats narrow the scope to their spaces.
        open_ids = verified.space_ids(lambda fid: (parse_file_id(fid) or (None, None))[1])
        for space in self.state.effective_spaces(verified.subject):
            if open_ids is not None and space.id not in open_ids:
                continue
            supports = {}
            for pid, support in space.supports.items():
                supports[pid] = {"readonly": verified.readonly or support.readonly}
                provider = support.provider
                providers[pid] = {"name": provider.name, "domain": provider.domain,
                                  "version": VERSION, "online": provider.online}
            spaces[space.id] = {"name": space.name, "supports": supports}
        return Response.json({
            "validUntil": verified.valid_until,
            "dataAccessScope": {"readonly": verified.readonly,
                                "spaces": spaces, "providers": providers},
        })

    def examine(self, request):
        token = token_field(json_body(request), "token")
        try:
            payload = self.state.tokens.decode(token)
        except errors.OdError as err:
            raise errors.bad_value_token("token", err)
        return Response.json({
            "onezoneDomain": self.state.zone_domain,
            "id": payload["id"],
            "persistence": payload["per"],
            "subject": {"type": "user", "id": payload["sub"]},
            "type": payload.get("typ", {"accessToken": {}}),
            "caveats": payload["cav"],
        })

    # -- the current user --------------------------------------------------------

    def user(self, request):
        user = self._authenticate(request)
        return Response.json({
            "userId": user.id,
            "fullName": user.full_name,
            "username": user.username,
            "linkedAccounts": user.linked_accounts,
            "emails": user.emails,
            "basicAuthEnabled": False,
            "blocked": False,
            "creationTime": user.creation_time,
        })

    def user_spaces(self, request):
        user = self._authenticate(request)
        return Response.json({"spaces": [s.id for s in self.state.direct_spaces(user.id)]})

    def user_effective_spaces(self, request):
        user = self._authenticate(request)
        return Response.json(
            {"spaces": [s.id for s in self.state.effective_spaces(user.id)]})

    def user_effective_space(self, request, sid):
        user = self._authenticate(request)
        space = self.state.spaces.get(sid)
        if space is None or not self.state.is_member(user.id, space):
            raise errors.not_found()
        return Response.json(self._space_json(space))

    def user_effective_providers(self, request):
        user = self._authenticate(request)
        return Response.json(
            {"providers": [p.id for p in self.state.effective_providers(user.id)]})

    def user_effective_provider(self, request, pid):
        user = self._authenticate(request)
        provider = self.state.providers.get(pid)
        if provider not in self.state.effective_providers(user.id):
            raise errors.not_found()
        return Response.json(self._provider_json(provider))

    # -- entities ------------------------------------------------------------------

    def space(self, request, sid):
        user = self._authenticate(request)
        return Response.json(self._space_json(self._member_space(user, sid)))

    def space_providers(self, request, sid):
        user = self._authenticate(request)
        space = self._member_space(user, sid)
        return Response.json({"providers": list(space.supports)})

    def space_shares(self, request, sid):
        user = self._authenticate(request)
        space = self._member_space(user, sid)      # space_view: every member
        shares = sorted(s.id for s in self.state.shares.values() if s.space is space)
        return Response.json({"shares": shares})

    def share(self, request, shid):
        user = self._authenticate(request)
        share = self.state.shares.get(shid)
        if share is None:
            raise errors.not_found()
        if not (self.state.has_privilege(user.id, share.space, "space_view")
                or self._oz_admin(user, "oz_shares_view")):
            raise errors.forbidden()
        return Response.json(datamgmt.share_json(self.state, share, "onezone"))

    def public_share(self, request, shid):
        """Public: no token needed (one is ignored, like on the other
        public endpoints)."""
        share = self.state.shares.get(shid)
        if share is None:
            raise errors.not_found()
        return Response.json(datamgmt.share_json(self.state, share, "onezone",
                                                 public=True))

    def shared_data(self, request, fid, subpath=None):
        """GET /shares/data/{shareFileId}[/{subpath}]: public; 307 to the
        same subpath and query on a supporting provider that is online
        (the first in the space's support order; chosen again on every
        request, like oz-worker's shared_data_redirector). 400 badData
        {key: "FileId"} for an id that is not share-scoped, 404 notFound
        for an unknown share, 503 when no supporting provider is online.
        The subpath is not checked here: the provider does it."""
        parsed = parse_file_id(fid)
        if parsed is None or parsed[2] is None:
            raise errors.bad_data_key("FileId")
        share = self.state.shares.get(parsed[2])
        if share is None:
            raise errors.not_found()
        chosen = next((s.provider for s in share.space.supports.values()
                       if s.provider.online), None)
        if chosen is None:
            raise errors.service_unavailable()
        # The rest of the path as the client sent it (still percent-encoded).
        rest = request.path.split("/shares/data/", 1)[1].partition("/")[2]
        scheme = self.state.zone_url.split("://", 1)[0]
        location = "%s://%s/api/v3/oneprovider/data/%s%s%s" % (
            scheme, chosen.domain, fid, "/" + rest if rest else "",
            "?" + request.query if request.query else "")
        return Response(307, headers={"Location": location})

    def provider(self, request, pid):
        user = self._authenticate(request)
        provider = self.state.providers.get(pid)
        if provider is None:
            raise errors.not_found()
        # Visible to members of a space the provider supports.
        if provider not in self.state.effective_providers(user.id):
            raise errors.forbidden()
        return Response.json(self._provider_json(provider))
